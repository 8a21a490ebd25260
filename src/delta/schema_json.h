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
// timestamp timestamp_ntz decimal(p,s) and nested struct / array
// (elementType, containsNull) / map (keyType, valueType, valueContainsNull).
// Field metadata is kept verbatim in Field::metadata_json. Unknown type
// names are NotSupported naming the type and the field.
Result<Schema> ParseSchemaString(std::string_view json);
std::string SchemaToJson(const Schema& schema);

// Partition value text (as in partitionValues) to a typed scalar: nullopt or
// "" -> null; dates YYYY-MM-DD; timestamps "YYYY-MM-DD HH:MM:SS[.ffffff]"
// (UTC) or ISO-8601 with a zone; booleans; integers; decimals; strings
// verbatim. InvalidArgument when the text does not fit the type.
Result<Scalar> ParsePartitionValue(const std::optional<std::string>& text, const TypePtr& type);
// The canonical text for a partition value (null -> nullopt).
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
// Values are typed by `schema`; columns absent from the schema are ignored.
// Timestamps in stats are truncated to milliseconds by Spark: the parser
// keeps them as written; a scan must widen max bounds by 999 µs.
Result<FileStats> ParseStats(std::string_view json, const Schema& schema);
std::string StatsToJson(const FileStats& stats, const Schema& schema);

}  // namespace lakewatch::delta
