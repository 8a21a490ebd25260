// Column and RecordBatch: the in-memory columnar representation every layer
// shares (Parquet decodes into it and encodes from it, SQL operators and
// monitors compute on it). The buffer layout per type is in types.h.
//
// Validity: one byte per row (1 = valid, 0 = null); an empty `validity` means
// every row is valid. Byte-per-row (rather than bits) keeps vectorized kernels
// branch-free and simple; it costs one byte per row.
// Nested nulls: a null struct row still has a (null) slot in every child; a
// null or empty list row has offsets[i] == offsets[i+1].
//
// Ownership: a Column owns its buffers; children are shared_ptr so a batch can
// be projected without copying. Thread-safety: none while building; a finished
// column is immutable by convention and may be read from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/buffer.h"
#include "common/types.h"

namespace lakewatch {

class Column;
using ColumnPtr = std::shared_ptr<Column>;

class Column {
 public:
  // Creates an empty column of `type`, with empty children for nested types and
  // offsets = {0} where the type has offsets.
  explicit Column(TypePtr type);
  static ColumnPtr Make(TypePtr type) { return std::make_shared<Column>(std::move(type)); }

  TypePtr type;
  int64_t length = 0;
  Buffer validity;  // uint8_t per row or empty (= all valid)
  Buffer data;      // fixed-width values, or the bytes of string/binary values
  Buffer offsets;   // int64_t[length + 1] for string, binary, list, map
  std::vector<ColumnPtr> children;

  // ---- reading
  bool IsValid(int64_t i) const { return validity.empty() || validity.data()[i] != 0; }
  bool IsNull(int64_t i) const { return !IsValid(i); }
  int64_t null_count() const;
  template <typename T> const T* values() const { return data.data_as<T>(); }
  template <typename T> T* mutable_values() { return data.data_as<T>(); }
  template <typename T> T Value(int64_t i) const { return data.data_as<T>()[i]; }
  const int64_t* offset_values() const { return offsets.data_as<int64_t>(); }
  // REQUIRES: string or binary
  std::string_view GetString(int64_t i) const {
    const int64_t* o = offset_values();
    return {reinterpret_cast<const char*>(data.data()) + o[i], static_cast<size_t>(o[i + 1] - o[i])};
  }
  // REQUIRES: list or map. Range of child rows of row i.
  int64_t ListBegin(int64_t i) const { return offset_values()[i]; }
  int64_t ListEnd(int64_t i) const { return offset_values()[i + 1]; }

  // ---- building (append-only)
  void Reserve(int64_t rows);
  // Appends a null; nested types get a placeholder (null child slots for a
  // struct, an empty range for list/map).
  void AppendNull();
  // REQUIRES: fixed-width type with sizeof(T) == byte_width().
  template <typename T> void Append(T v) {
    data.AppendValue(v);
    MarkValid();
  }
  // REQUIRES: string or binary.
  void AppendString(std::string_view s) {
    data.Append(s);
    offsets.AppendValue<int64_t>(static_cast<int64_t>(data.size()));
    MarkValid();
  }
  // REQUIRES: list or map. Closes a row whose elements were appended to the
  // child column(s) since the previous row.
  void FinishListRow() {
    offsets.AppendValue<int64_t>(children[0]->length);
    MarkValid();
  }
  // REQUIRES: struct. Closes a valid row after one value was appended to each child.
  void FinishStructRow() { MarkValid(); }
  // Appends row `row` of `src` (same type) to this column, deeply.
  void AppendFrom(const Column& src, int64_t row);
  // Appends rows [begin, end) of `src` (same type), deeply, a buffer at a
  // time. (The child slots of null struct rows are copied as they are.)
  void AppendRange(const Column& src, int64_t begin, int64_t end);

  // Materializes validity (all 1) if empty; used before writing nulls in bulk.
  void MaterializeValidity();
  // Drops the validity buffer when there are no nulls.
  void CompactValidity();

  // Deep equality of row i here and row j in other (types must match); NaN == NaN.
  bool RowEquals(int64_t i, const Column& other, int64_t j) const;

 private:
  void MarkValid() {
    if (!validity.empty()) validity.PushByte(1);
    ++length;
  }
};

struct RecordBatch {
  Schema schema;
  std::vector<ColumnPtr> columns;  // columns[i] has schema.fields[i].type
  int64_t num_rows = 0;

  static RecordBatch Empty(const Schema& schema);
  // Rows [begin, end) as a new batch (deep copies).
  RecordBatch Slice(int64_t begin, int64_t end) const;
};

}  // namespace lakewatch
