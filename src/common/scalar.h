// Scalar: one typed value (or null) outside a column: literals in predicates,
// statistics bounds, aggregate results.
//
// Storage by type: boolean/int*/date/timestamp*: i64; float/double: f64;
// decimal: i128 (unscaled); string/binary: str. Thread-safety: a value.
#pragma once

#include <cstdint>
#include <string>

#include "common/column.h"
#include "common/types.h"

namespace lakewatch {

struct Scalar {
  TypePtr type = DataType::Null();
  bool valid = false;
  int64_t i64 = 0;
  double f64 = 0;
  __int128 i128 = 0;
  std::string str;

  static Scalar Null(TypePtr t) { Scalar s; s.type = std::move(t); return s; }
  static Scalar Boolean(bool v) { return Make(DataType::Boolean(), v); }
  static Scalar Int32(int32_t v) { return Make(DataType::Int32(), v); }
  static Scalar Int64(int64_t v) { return Make(DataType::Int64(), v); }
  static Scalar Date(int32_t days) { return Make(DataType::Date(), days); }
  static Scalar Timestamp(int64_t micros) { return Make(DataType::Timestamp(), micros); }
  static Scalar Double(double v);
  static Scalar Float(float v);
  static Scalar String(std::string v);
  static Scalar Binary(std::string v);
  static Scalar Decimal(__int128 unscaled, int precision, int scale);
  // Row `row` of a primitive column.
  static Scalar FromColumn(const Column& col, int64_t row);
  // The same into this scalar, keeping `type` (for loops: the shared type's
  // reference count is not touched per row). REQUIRES: col has this type.
  void Load(const Column& col, int64_t row);

  // Text for messages: 42, 'abc', 2025-01-01, NULL.
  std::string ToString() const;

 private:
  static Scalar Make(TypePtr t, int64_t v) {
    Scalar s;
    s.type = std::move(t);
    s.valid = true;
    s.i64 = v;
    return s;
  }
};

// Appends `value` (of the column's type, or null) to `col` as one row.
// REQUIRES: col is not nested.
void AppendScalar(Column* col, const Scalar& value);
// A column of `n` nulls of `type`.
ColumnPtr MakeNullColumn(const TypePtr& type, int64_t n);
// A column repeating `value` (of `type`; null when !value.valid) n times.
ColumnPtr MakeConstantColumn(const Scalar& value, const TypePtr& type, int64_t n);

// Three-way comparison of two valid scalars of comparable types (both
// numeric — integers, floats, decimals of any scale —, both string/binary
// (bytewise unsigned), both date, both timestamp, both boolean). Returns
// false in *comparable when the types do not compare (or a NaN is involved).
int CompareScalars(const Scalar& a, const Scalar& b, bool* comparable);

}  // namespace lakewatch
