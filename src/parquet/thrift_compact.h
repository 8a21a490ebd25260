// The Thrift compact protocol, as Parquet uses it for FileMetaData and page
// headers: a bounds-checked pull reader over a byte range and an appending
// writer. Only the struct/field/list/map layer is implemented; messages (RPC
// envelopes) are not, Parquet never writes them.
//
// The reader never trusts a length: every read is checked against the bytes
// left, list/map sizes are checked against the smallest possible encoding of
// their elements before anything is allocated, and nesting is capped at
// kMaxThriftDepth, so corrupt input costs at most time and memory linear in
// its size and never crashes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/buffer.h"
#include "common/status.h"

namespace lakewatch::parquet {

// Wire types of the compact protocol. The field header has two codes for a
// bool (1 = true, 2 = false, the value travels in the header); the reader
// folds both into kBool and the writer picks the code from the value.
enum class ThriftType : uint8_t {
  kStop = 0,  // end of a struct; never an element type of a non-empty container
  kBool = 1,
  kI8 = 3,
  kI16 = 4,
  kI32 = 5,  // also every Thrift enum
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,  // binary and string
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,  // structs and unions
  kUuid = 13,    // 16 raw bytes
};

// "i32", "struct", ... for error messages; "type(14)" for an unknown code.
std::string ThriftTypeName(ThriftType type);

// Deepest nesting of structs and containers the reader accepts. Parquet's
// deepest path (FileMetaData.row_groups[].columns[].meta_data.statistics) is 5.
inline constexpr int kMaxThriftDepth = 64;

struct ThriftFieldHeader {
  ThriftType type = ThriftType::kStop;  // kStop: the struct ended, id is 0
  int16_t id = 0;
  size_t offset = 0;  // byte offset of the header within the reader's input
};

// Reads compact-protocol values from a caller-owned byte range.
//
// Usage for one struct:
//   LW_RETURN_IF_ERROR(r.BeginStruct());
//   for (;;) {
//     ThriftFieldHeader fh;
//     LW_RETURN_IF_ERROR(r.ReadFieldHeader(&fh));
//     if (fh.type == ThriftType::kStop) break;
//     ... read the value with the Read* call matching fh.type, or r.Skip(fh.type)
//   }
//   LW_RETURN_IF_ERROR(r.EndStruct());
//
// Every error is Status::Corrupt naming what was read and the byte offset
// (relative to `data`). After an error the reader's state is unspecified;
// callers stop using it.
//
// Ownership: does not own `data`, which must outlive the reader.
// Thread-safety: none; one reader per thread. Distinct readers over the same
// bytes are independent.
class ThriftCompactReader {
 public:
  // REQUIRES: data != nullptr || size == 0.
  ThriftCompactReader(const uint8_t* data, size_t size);

  ThriftCompactReader(const ThriftCompactReader&) = delete;
  ThriftCompactReader& operator=(const ThriftCompactReader&) = delete;

  // ---- structs
  // Enters a struct: field ids restart from 0. Fails past kMaxThriftDepth.
  Status BeginStruct();
  // Leaves the struct entered by the matching BeginStruct.
  // REQUIRES: the last ReadFieldHeader of this struct returned kStop.
  Status EndStruct();
  // Reads the next field header (short delta form or long form). At the end
  // of the struct returns a header of type kStop. For a bool field the value
  // is held until the following ReadBool.
  // REQUIRES: inside BeginStruct.
  Status ReadFieldHeader(ThriftFieldHeader* header);

  // ---- values: after a field header of the matching type, or as elements
  // Right after a bool field header: that field's value (no byte read).
  // Otherwise (a container element): one byte, 1 = true, 0 or 2 = false.
  Status ReadBool(bool* value);
  Status ReadI8(int8_t* value);
  Status ReadI16(int16_t* value);    // zigzag varint; rejects values outside int16
  Status ReadI32(int32_t* value);    // zigzag varint; rejects values outside int32
  Status ReadI64(int64_t* value);    // zigzag varint of at most 10 bytes
  Status ReadDouble(double* value);  // 8 bytes little-endian IEEE 754
  // A length-prefixed byte string. The view points into the input (no copy)
  // and stays valid as long as the input does.
  Status ReadBinary(std::string_view* value);
  // As ReadBinary, copied into *value (replacing its contents).
  Status ReadString(std::string* value);

  // ---- containers
  // Reads a list (or set) header. A non-empty container's elements must follow
  // with the matching reads, each a full value (structs with Begin/EndStruct).
  // Fails when the size cannot fit in the bytes left, so the caller may size
  // a vector by it, and when the element type is invalid for a non-empty list.
  Status ReadListHeader(ThriftType* element_type, uint32_t* size);
  // Reads a map header; *key_type/*value_type are kStop when the map is empty.
  Status ReadMapHeader(ThriftType* key_type, ThriftType* value_type, uint32_t* size);

  // Skips one value of `type` (for a struct: up to and including its stop
  // byte; containers with all their elements). Used for unknown fields.
  Status Skip(ThriftType type);

  // ---- position
  size_t position() const { return pos_; }
  size_t remaining() const { return size_ - pos_; }
  size_t size() const { return size_; }
  int depth() const { return depth_; }

 private:
  Status Truncated(const char* what, size_t at) const;
  Status ReadVarint(const char* what, uint64_t* value);
  Status ReadZigzag(const char* what, int64_t* value);
  Status ReadElementType(uint8_t code, size_t at, bool allow_stop, ThriftType* type);
  Status CheckSize(uint64_t size, size_t min_element_bytes, size_t at, const char* what);
  Status SkipValue(ThriftType type, int depth);

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  int depth_ = 0;                                    // open structs
  int16_t last_field_id_[kMaxThriftDepth + 1] = {};  // per open struct; [0] unused
  bool bool_pending_ = false;                        // a bool field header awaits ReadBool
  bool bool_value_ = false;
};

// Appends compact-protocol values to a std::string or a Buffer.
//
// Usage for one struct:
//   w.BeginStruct();
//   w.WriteFieldHeader(ThriftType::kI32, 1); w.WriteI32(v);
//   w.WriteBoolField(2, flag);
//   w.EndStruct();
// Field ids inside one struct must be written in increasing order to get the
// one-byte header; any order is still valid output (long form).
//
// Ownership: does not own the output, which must outlive the writer.
// Thread-safety: none.
class ThriftCompactWriter {
 public:
  explicit ThriftCompactWriter(std::string* out);
  explicit ThriftCompactWriter(Buffer* out);

  ThriftCompactWriter(const ThriftCompactWriter&) = delete;
  ThriftCompactWriter& operator=(const ThriftCompactWriter&) = delete;

  // ---- structs
  // REQUIRES: fewer than kMaxThriftDepth structs open.
  void BeginStruct();
  // Writes the stop byte. REQUIRES: a struct is open.
  void EndStruct();
  // REQUIRES: a struct is open; type is not kStop or kBool (use WriteBoolField).
  void WriteFieldHeader(ThriftType type, int16_t id);
  // A bool field: header and value in one byte (or the long form).
  void WriteBoolField(int16_t id, bool value);

  // ---- values: after WriteFieldHeader of the matching type, or as elements
  void WriteBool(bool value);  // container element only: 1 or 0
  void WriteI8(int8_t value);
  void WriteI16(int16_t value);
  void WriteI32(int32_t value);
  void WriteI64(int64_t value);
  void WriteDouble(double value);
  // REQUIRES: value.size() <= INT32_MAX.
  void WriteBinary(std::string_view value);

  // ---- containers: the header, then `size` element values
  // REQUIRES: element_type is not kStop; size <= INT32_MAX.
  void WriteListHeader(ThriftType element_type, uint32_t size);
  // REQUIRES: key/value types are not kStop; size <= INT32_MAX.
  void WriteMapHeader(ThriftType key_type, ThriftType value_type, uint32_t size);

  // Open structs (0 at top level).
  int depth() const { return depth_; }

 private:
  void PutByte(uint8_t b);
  void Put(const void* p, size_t n);
  void PutVarint(uint64_t v);
  void PutFieldHeader(uint8_t type_code, int16_t id);

  std::string* str_ = nullptr;
  Buffer* buf_ = nullptr;
  int depth_ = 0;
  int16_t last_field_id_[kMaxThriftDepth + 1] = {};
};

}  // namespace lakewatch::parquet
