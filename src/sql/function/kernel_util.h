// Building blocks for scalar kernels: typed readers over a Datum (a column
// or one scalar standing for every row) and loops that apply a function
// row by row with NULL-in → NULL-out, writing a fresh column.
//
// Thread-safety: stateless helpers.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/column.h"
#include "sql/execution/datum.h"

namespace lakewatch::sql {

// Reads values of C++ type T (the column's physical type) from a datum.
template <typename T>
struct FixedReader {
  const T* values = nullptr;
  const uint8_t* validity = nullptr;  // null: all valid
  T scalar{};
  bool scalar_valid = true;
  bool is_scalar = false;

  explicit FixedReader(const Datum& d) {
    if (d.is_scalar()) {
      is_scalar = true;
      scalar_valid = d.scalar.valid;
      if constexpr (std::is_same_v<T, double> || std::is_same_v<T, float>) {
        scalar = static_cast<T>(d.scalar.f64);
      } else if constexpr (std::is_same_v<T, __int128>) {
        scalar = d.scalar.i128;
      } else {
        scalar = static_cast<T>(d.scalar.i64);
      }
    } else {
      values = d.column->values<T>();
      validity = d.column->validity.empty() ? nullptr : d.column->validity.data();
    }
  }
  T operator[](int64_t i) const { return is_scalar ? scalar : values[i]; }
  bool Valid(int64_t i) const { return is_scalar ? scalar_valid : (validity == nullptr || validity[i] != 0); }
};

struct StringReader {
  const int64_t* offsets = nullptr;
  const char* bytes = nullptr;
  const uint8_t* validity = nullptr;
  std::string_view scalar;
  bool scalar_valid = true;
  bool is_scalar = false;

  explicit StringReader(const Datum& d) {
    if (d.is_scalar()) {
      is_scalar = true;
      scalar_valid = d.scalar.valid;
      scalar = d.scalar.str;
    } else {
      offsets = d.column->offset_values();
      bytes = reinterpret_cast<const char*>(d.column->data.data());
      validity = d.column->validity.empty() ? nullptr : d.column->validity.data();
    }
  }
  std::string_view operator[](int64_t i) const {
    return is_scalar ? scalar : std::string_view(bytes + offsets[i], static_cast<size_t>(offsets[i + 1] - offsets[i]));
  }
  bool Valid(int64_t i) const { return is_scalar ? scalar_valid : (validity == nullptr || validity[i] != 0); }
};

// Output builder for fixed-width results: values written in place, validity
// materialized only when some row is null.
template <typename T>
struct FixedWriter {
  ColumnPtr col;
  T* values;
  uint8_t* validity = nullptr;
  int64_t rows;

  FixedWriter(const TypePtr& type, int64_t n) : col(Column::Make(type)), rows(n) {
    col->data.Resize(sizeof(T) * static_cast<size_t>(n));
    values = col->data.data_as<T>();
    col->length = n;
  }
  void SetNull(int64_t i) {
    if (validity == nullptr) {
      col->validity.Resize(static_cast<size_t>(rows));
      validity = col->validity.data();
      std::fill(validity, validity + rows, 1);
    }
    validity[i] = 0;
    values[i] = T{};
  }
  Datum Finish() { return Datum(std::move(col)); }
};

// out[i] = f(a[i], b[i]) for rows where both are valid; f returns false to make the row NULL.
template <typename A, typename B, typename Out, typename RA, typename RB, typename F>
Datum BinaryLoop(const RA& ra, const RB& rb, const TypePtr& type, int64_t n, F f) {
  FixedWriter<Out> w(type, n);
  for (int64_t i = 0; i < n; ++i) {
    if (!ra.Valid(i) || !rb.Valid(i) || !f(ra[i], rb[i], &w.values[i])) w.SetNull(i);
  }
  return w.Finish();
}

template <typename Out, typename RA, typename F>
Datum UnaryLoop(const RA& ra, const TypePtr& type, int64_t n, F f) {
  FixedWriter<Out> w(type, n);
  for (int64_t i = 0; i < n; ++i) {
    if (!ra.Valid(i) || !f(ra[i], &w.values[i])) w.SetNull(i);
  }
  return w.Finish();
}

// Builds a string column row by row.
struct StringWriter {
  ColumnPtr col;
  explicit StringWriter(int64_t n, const TypePtr& type = DataType::String()) : col(Column::Make(type)) {
    col->Reserve(n);
  }
  void Append(std::string_view s) { col->AppendString(s); }
  void AppendNull() { col->AppendNull(); }
  Datum Finish() { return Datum(std::move(col)); }
};

}  // namespace lakewatch::sql
