// Spark's schema JSON (Delta `schemaString`) <-> lakewatch Schema, partition
// value text <-> typed Scalars, and per-file `stats` JSON.
//
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/scalar.h"
#include "common/status.h"
#include "common/types.h"

namespace lakewatch::delta {

// {"type":"struct","fields":[{"name":..,"type":..,"nullable":..,"metadata":{..}}]}
// Types: string long integer short byte float double boolean binary date
// timestamp timestamp_ntz decimal(p,s) (also "decimal" = decimal(10,0), and
// spaces inside the parentheses) void (-> kNull), char(n)/varchar(n) (->
// string, as Spark reads them), and nested struct / array (elementType,
// containsNull) / map (keyType, valueType, valueContainsNull). Keys may come
// in any order; `nullable`, `containsNull`, `valueContainsNull` default to
// true and `metadata` to none when absent. Field metadata is kept verbatim
// (the object's text as written) in Field::metadata_json.
// Errors: malformed JSON, a missing name/type, or two columns of one struct
// whose names differ only in case are Corrupt; an unknown or unsupported
// type (variant, udt, interval, ...) is NotSupported naming the type and the
// field path ("payload.element.v").
Result<Schema> ParseSchemaString(std::string_view json);
// Spark's compact form (what Spark writes into schemaString). An empty
// metadata_json is written as {}. kTime has no Delta type: written as
// "time(6)" (Spark 4's name), which ParseSchemaString refuses; writers must
// not put it into a table schema.
std::string SchemaToJson(const Schema& schema);

// Partition value text (as in partitionValues) to a typed scalar: nullopt or
// "" -> null (for every type: "null" for a string column is the string
// "null"); dates YYYY-MM-DD; timestamps "YYYY-MM-DD HH:MM:SS[.f{1,9}]"
// (read as UTC) or ISO-8601 "YYYY-MM-DDTHH:MM:SS[.f]" with Z / +HH:MM /
// -HHMM / no zone (UTC); timestamp_ntz the same without a zone; booleans
// true/false (any case); integers (range-checked); float/double (also NaN,
// Infinity, -Infinity); decimals (plain or with exponent, exact at the
// column's scale); strings and binary verbatim.
// InvalidArgument when the text does not fit the type (naming both);
// NotSupported for nested and kTime columns.
Result<Scalar> ParsePartitionValue(const std::optional<std::string>& text, const TypePtr& type);
// The canonical text for a partition value (null -> nullopt): timestamps as
// ISO-8601 UTC with microseconds ("1970-01-01T00:00:00.123456Z", what the
// protocol recommends), timestamp_ntz "YYYY-MM-DD HH:MM:SS.ffffff", dates
// "YYYY-MM-DD", doubles shortest round-trip with ".0" when integral ("1.0",
// as Spark prints them), decimals plain at their scale. An empty string
// formats as "" and therefore reads back as null, as in Spark.
std::optional<std::string> FormatPartitionValue(const Scalar& value);

// Per-file statistics from an add action's `stats` JSON. Column keys are
// dotted paths of leaf columns ("features.amount"); nested objects in
// minValues/maxValues/nullCount follow the schema's structs.
struct FileStats {
  std::optional<int64_t> num_records;
  std::map<std::string, Scalar> min_values;
  std::map<std::string, Scalar> max_values;
  std::map<std::string, int64_t> null_count;
  bool tight_bounds = true;
};
// Values are typed by `schema`; columns absent from the schema are ignored,
// and so are min/max entries of array/map columns and JSON nulls. Accepted
// value forms: integers for integral columns; numbers or "NaN"/"Infinity"/
// "-Infinity" for float/double; numbers (or numeric strings) for decimals,
// exact at the column's scale ("0E-18" included); "YYYY-MM-DD" for dates;
// ISO-8601 strings for timestamps ("2025-11-24T16:00:00.123Z",
// "2000-01-01T00:00:00.000-08:00"; no zone = UTC) and for timestamp_ntz (no
// zone); strings for string/binary; booleans. A value of another form is
// Corrupt naming the column ("stats: maxValues.a.b: ...").
// Timestamps in stats are truncated to milliseconds by Spark: the parser
// keeps them as written; a scan must widen max bounds by 999 µs.
Result<FileStats> ParseStats(std::string_view json, const Schema& schema);
// Only the top-level numRecords of a stats JSON (nullopt when absent or null), skipping the
// rest without decoding it: what listing a table's row counts needs.
Result<std::optional<int64_t>> StatsNumRecords(std::string_view json);
// Writes stats the way Delta on Spark does: {"numRecords":..,"minValues":{..},
// "maxValues":{..},"nullCount":{..}} (+ "tightBounds":false only when false),
// objects nested per the schema's structs, columns in schema order, keys of
// the maps that name no schema column skipped. Timestamps are truncated
// down to milliseconds and written "yyyy-MM-ddTHH:mm:ss.SSSZ" in UTC
// (timestamp_ntz without the Z), dates "yyyy-MM-dd", decimals as plain JSON
// numbers, float/double shortest round-trip ("NaN"/"Infinity" as strings).
// Strings are cut to kStatsStringPrefixLength by TruncateStatsMin/Max (a max
// that cannot be truncated is left out), strings that are not valid UTF-8
// are left out, and like Spark no min/max is written for boolean or binary.
std::string StatsToJson(const FileStats& stats, const Schema& schema);

// Delta's default `delta.dataSkippingStringPrefixLength`.
constexpr int kStatsStringPrefixLength = 32;
// Delta 3.x string-statistics truncation (StatisticsCollection
// truncateMinStringAgg / truncateMaxStringAgg). Lengths count UTF-16 code
// units, as Java strings do, and a surrogate pair is never split.
// Min: the first `prefix` units (one more to keep a pair whole); a prefix
// compares <= the original, so it stays a valid lower bound.
// Max: unchanged when at most `prefix` units; otherwise the shortest prefix
// of at least `prefix` units (skipping over U+10FFFF characters, up to
// 2*prefix units) followed by a tie-breaker greater than the next original
// character in UTF-8 byte order: U+007F when that character is below it,
// else U+10FFFF. nullopt when no such prefix exists (Delta then writes no
// max). `s` must be valid UTF-8.
std::string TruncateStatsMin(std::string_view s, int prefix = kStatsStringPrefixLength);
std::optional<std::string> TruncateStatsMax(std::string_view s,
                                            int prefix = kStatsStringPrefixLength);

}  // namespace lakewatch::delta
