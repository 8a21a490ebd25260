// CAST between SQL types with Spark's (non-ANSI) semantics: a value that
// does not convert becomes NULL (so CAST and TRY_CAST agree), numbers
// narrow with wrap-around like Java, text is read leniently the way Spark
// reads it (' 12 ' → 12, '1.9' → 1 for integers, '2025-01-02 10:00' → a
// timestamp), and values print as Spark prints them (doubles as Java does:
// 1.0, 1.0E10; timestamps 'yyyy-MM-dd HH:mm:ss[.ffffff]' in UTC).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "common/column.h"
#include "common/decimal.h"
#include "common/scalar.h"
#include "common/status.h"

namespace lakewatch::sql {

// Whether CAST(from AS to) is defined.
bool CanCast(const DataType& from, const DataType& to);

// REQUIRES: CanCast(src.type, to).
ColumnPtr CastColumn(const Column& src, const TypePtr& to);
Scalar CastScalar(const Scalar& v, const TypePtr& to);

// Appends Spark's text for row `row` of `col` (what CAST(x AS STRING) gives);
// nested values as Spark shows them ([1, 2], {a -> 1}, {1, x}).
void AppendValueText(const Column& col, int64_t row, std::string* out);
// Java's Double.toString: 1.0, 0.001, 1.0E7, 1.0E-4, NaN, Infinity.
void AppendJavaDouble(double v, std::string* out);

// Text → values, as CAST reads them; false when the text is not one.
bool ParseSparkDate(std::string_view s, int32_t* days);
bool ParseSparkTimestamp(std::string_view s, int64_t* micros);

}  // namespace lakewatch::sql
