// Datum: what evaluating an expression over a batch yields — a column with
// one value per row, or one scalar that stands for every row (literals and
// expressions over literals stay scalars, so `x = 'abc'` never copies 'abc'
// once per row).
//
// Thread-safety: a value; the column it holds is immutable once produced.
#pragma once

#include <cstdint>
#include <memory>

#include "common/column.h"
#include "common/scalar.h"

namespace lakewatch::sql {

struct Datum {
  ColumnPtr column;  // null when the datum is a scalar
  Scalar scalar;

  Datum() = default;
  explicit Datum(ColumnPtr c) : column(std::move(c)) {}
  explicit Datum(Scalar s) : scalar(std::move(s)) {}

  bool is_scalar() const { return column == nullptr; }
  const TypePtr& type() const { return column ? column->type : scalar.type; }
  bool IsValid(int64_t row) const { return column ? column->IsValid(row) : scalar.valid; }
};

// A column of `rows` copies of `value` (typed as value.type; a null scalar of
// type null becomes a null column of `type`).
ColumnPtr ScalarToColumn(const Scalar& value, const TypePtr& type, int64_t rows);
// The datum as a column of `rows` rows.
ColumnPtr Materialize(const Datum& d, int64_t rows);
// A column of `rows` nulls of `type`.
ColumnPtr NullColumnOf(const TypePtr& type, int64_t rows);

}  // namespace lakewatch::sql
