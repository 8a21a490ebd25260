// Renders column values as JSON text by the conventions of DESIGN.md, which
// every command that prints rows and every differential test relies on:
// integers exact; float/double shortest round-trip text, non-finite values as
// the strings "NaN", "Infinity", "-Infinity"; timestamps RFC 3339 UTC with
// microseconds; dates YYYY-MM-DD; decimals as strings; binary as base64;
// structs as objects; lists as arrays; maps as objects (keys rendered as text).
//
// Thread-safety: pure functions over immutable columns.
#pragma once

#include <string>
#include <string_view>

#include "common/column.h"

namespace lakewatch {

// Appends `s` as a JSON string literal (quoted, escaped). Bytes that are not
// valid UTF-8 are replaced by U+FFFD so the output is always valid JSON.
void AppendJsonString(std::string_view s, std::string* out);
// Appends the JSON text of row `row` of `col`.
void AppendJsonValue(const Column& col, int64_t row, std::string* out);
// Appends the plain text of a value (no quotes for strings; "NULL"-free: nulls
// render as the empty string) — used for CSV cells, map keys and tables.
void AppendTextValue(const Column& col, int64_t row, std::string* out);
// Appends one JSON object for row `row` of `batch` (no trailing newline).
void AppendJsonRow(const RecordBatch& batch, int64_t row, std::string* out);
// Appends the batch's schema on a line, then every row as a line of JSON:
// what differential tests compare batches by.
void AppendJsonBatch(const RecordBatch& batch, std::string* out);

// Helpers shared with other renderers.
void AppendDecimal(__int128 unscaled, int scale, std::string* out);
void AppendBase64(std::string_view bytes, std::string* out);
void AppendDouble(double v, std::string* out);

}  // namespace lakewatch
