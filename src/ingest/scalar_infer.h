// InferScalar: the type of one untyped text value (a CSV field, a logfmt
// value) by its form alone, so the same text always gets the same type.
//
// Rules, tried in this order on the whole text (no trimming, no locale):
// - ""                                  -> null
// - true / false, any letter case       -> bool
// - a JSON number (RFC 8259 section 6: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`):
//     without fraction or exponent, within int64 -> int64
//     without fraction or exponent, beyond int64 -> string (exact digits kept)
//     with a fraction or exponent, within the double range -> double
//       (correctly rounded); a magnitude that overflows or underflows to 0
//       (1e400, 1e-400) -> string
//   So `007`, `+5`, `.5`, `5.`, `1_000`, `0x1F`, `NaN`, `Inf` stay strings.
// - a timestamp with a full date accepted by ParseTimestampText
//   (timestamp_parse.h: RFC 3339 / ISO 8601 such as `2025-11-24T16:00:00Z`,
//   `2025-11-24 16:00:00.123`, `...+02:00`; no zone = UTC) -> timestamp,
//   microseconds since the epoch, UTC
// - anything else                       -> string
//
// The result's `s` always holds `text` itself (a view of it, not a copy).
// Thread-safety: a pure function.
#pragma once

#include <string_view>

#include "ingest/record.h"

namespace lakewatch::ingest {

FieldValue InferScalar(std::string_view text);

}  // namespace lakewatch::ingest
