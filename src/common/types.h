// The logical type system shared by the Parquet, Delta, SQL and monitor layers.
// It follows Spark SQL's types (what Delta's schemaString speaks) so a table
// means the same here and on Databricks.
//
// Physical layout of each type inside a Column (see column.h):
//   kNull                no buffers (every value is null)
//   kBoolean             data: uint8_t 0/1 per row
//   kInt8/16/32/64       data: int8_t/int16_t/int32_t/int64_t per row
//   kFloat, kDouble      data: float/double per row
//   kDecimal(p,s)        data: __int128 unscaled value per row, p <= 38
//   kDate                data: int32_t days since 1970-01-01
//   kTimestamp           data: int64_t microseconds since the epoch, UTC
//   kTimestampNtz        data: int64_t microseconds, wall-clock (no zone)
//   kTime                data: int64_t microseconds since midnight
//   kString, kBinary     offsets: int64_t[length+1]; data: the bytes
//   kList                offsets: int64_t[length+1]; children[0]: elements
//   kMap                 offsets: int64_t[length+1]; children[0]: keys, [1]: values
//   kStruct              children[i]: field i, each of the struct's length
//
// Types are immutable and shared (TypePtr); compare them with Equals().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace lakewatch {

enum class TypeId : uint8_t {
  kNull,
  kBoolean,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kFloat,
  kDouble,
  kDecimal,
  kDate,
  kTimestamp,
  kTimestampNtz,
  kTime,
  kString,
  kBinary,
  kList,
  kMap,
  kStruct,
};

class DataType;
using TypePtr = std::shared_ptr<const DataType>;

struct Field {
  std::string name;
  TypePtr type;
  bool nullable = true;
  // Free-form column metadata (Delta keeps it as a JSON object text); may be empty.
  std::string metadata_json;
};

class DataType {
 public:
  TypeId id() const { return id_; }
  int precision() const { return precision_; }  // kDecimal only
  int scale() const { return scale_; }          // kDecimal only
  // kStruct: the fields; kList: one field "element"; kMap: "key", "value".
  const std::vector<Field>& fields() const { return fields_; }
  const Field& field(size_t i) const { return fields_[i]; }
  size_t num_fields() const { return fields_.size(); }
  // kStruct: index of the field named `name` (exact match), or -1.
  int FieldIndex(const std::string& name) const;

  bool is_nested() const {
    return id_ == TypeId::kStruct || id_ == TypeId::kList || id_ == TypeId::kMap;
  }
  bool is_binary_like() const { return id_ == TypeId::kString || id_ == TypeId::kBinary; }
  bool has_offsets() const { return is_binary_like() || id_ == TypeId::kList || id_ == TypeId::kMap; }
  // Bytes per value in `data` for fixed-width types; 0 for the others.
  int byte_width() const;

  // Spark SQL DDL spelling: "bigint", "decimal(10,2)", "array<string>",
  // "struct<a:int,b:string>", "map<string,bigint>".
  std::string ToString() const;
  bool Equals(const DataType& other) const;

  // -- factories; primitives are singletons
  static TypePtr Null();
  static TypePtr Boolean();
  static TypePtr Int8();
  static TypePtr Int16();
  static TypePtr Int32();
  static TypePtr Int64();
  static TypePtr Float();
  static TypePtr Double();
  static TypePtr Date();
  static TypePtr Timestamp();
  static TypePtr TimestampNtz();
  static TypePtr Time();
  static TypePtr String();
  static TypePtr Binary();
  // REQUIRES: 1 <= precision <= 38, 0 <= scale <= precision
  static TypePtr Decimal(int precision, int scale);
  static TypePtr List(TypePtr element, bool contains_null = true);
  static TypePtr Map(TypePtr key, TypePtr value, bool value_contains_null = true);
  static TypePtr Struct(std::vector<Field> fields);
  static TypePtr Primitive(TypeId id);  // REQUIRES: id is not decimal/nested

  DataType(TypeId id, int precision, int scale, std::vector<Field> fields)
      : id_(id), precision_(precision), scale_(scale), fields_(std::move(fields)) {}

 private:
  TypeId id_;
  int precision_ = 0;
  int scale_ = 0;
  std::vector<Field> fields_;
};

// A table or batch schema: top-level fields.
struct Schema {
  std::vector<Field> fields;
  int FieldIndex(const std::string& name) const;
  TypePtr AsStruct() const { return DataType::Struct(fields); }
  std::string ToString() const;  // "a: bigint, b: struct<...>"
};

}  // namespace lakewatch
