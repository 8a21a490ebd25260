// TableLoader: what the sqllogictest `load` directive does — turns JSON rows
// into a Delta table under the test's data directory, because the SQL engine
// itself only reads.
//
// Two paths: WriteRows converts each JSON row by a declared schema (exact
// types: the Parquet writer writes one file per partition value, committed
// as one Delta version with CommitDataFiles), IngestRows feeds the lines to
// lakewatch's real ingest (schema inference, `date` partitioning, search
// index sidecars). Every call is one commit, so loading a table N times
// gives versions 0 … N-1 for time travel.
//
// JSON → value rules (WriteRows): integers and floats from JSON numbers
// (floats also "NaN", "Infinity", "-Infinity"); decimals from numbers or
// strings, exactly (more fractional digits than the scale is an error);
// dates "YYYY-MM-DD"; timestamps "YYYY-MM-DD[ T]HH:MM:SS[.ffffff][Z|±HH:MM]"
// (no zone = UTC); structs and maps from objects (a missing struct member is
// NULL), lists from arrays; null anywhere is NULL. No rows: an empty table
// (when it does not exist yet).
//
// Thread-safety: none needed (one test file per process).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/types.h"

namespace lakewatch::sqltest {

struct LoadRequest {
  std::string table_path;                 // <data dir>/<table name>
  std::optional<Schema> schema;           // WriteRows: required when the table does not exist yet
  std::vector<std::string> partition_by;  // only when the table does not exist yet
  // The commit's time, "YYYY-MM-DDTHH:MM:SS[Z]" (set as its log file's mtime, which
  // TIMESTAMP AS OF reads); empty: now.
  std::string commit_time;
  std::vector<std::string> rows;  // one JSON object per row
};

// Parses "ts timestamp, f struct<a:double,b:string>, l array<int>" (Spark
// DDL types, as CAST spells them).
Result<Schema> ParseSchemaText(std::string_view text);

// Converts and commits the rows; returns the version written. Errors about
// a row say "row N" (0-based index into request.rows).
Result<int64_t> WriteRows(const LoadRequest& request);
// Ingests the rows as JSON lines through ingest::Ingest; returns the version.
Result<int64_t> IngestRows(const LoadRequest& request);

}  // namespace lakewatch::sqltest
