// QueryEngine: the sql module's entry point — parse, bind, plan and run one
// SELECT statement (or EXPLAIN) over the Delta tables of a data directory.
//
//   auto r = sql::ExecuteQuery("SELECT count(*) FROM ev", {.data_dir = "/data"});
//
// Read-only: statements only read tables of the data directory, or a
// delta.`path` the user names.
//
// Thread-safety: ExecuteQuery may be called from many threads at once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/column.h"
#include "common/status.h"

namespace lakewatch::sql {

struct QueryOptions {
  std::string data_dir = "lakewatch-data";
  int threads = 0;                    // 0: all cores
  int64_t memory_limit_bytes = 0;     // 0: 80% of the machine's memory
};

struct QueryStats {
  int64_t files_total = 0, files_read = 0;
  int64_t files_skipped_by_index = 0;  // not opened: the search index rules them out
  int64_t row_groups_total = 0, row_groups_read = 0;
  int64_t rows_scanned = 0;
  int64_t rows_late = 0;  // rows read in full only after passing the filter (ExecStats)
  int64_t rows_by_dictionary = 0;  // rows filtered through a Parquet dictionary (ExecStats)
};

struct QueryResult {
  Schema schema;
  std::vector<RecordBatch> batches;  // the rows, in order
  int64_t num_rows = 0;
  QueryStats stats;
};

Result<QueryResult> ExecuteQuery(std::string_view sql, const QueryOptions& options);

}  // namespace lakewatch::sql
