// Executor: runs a plan (planner/plan.h) with morsel-driven parallelism.
//
// The plan is cut into pipelines at the operators that must see all their
// input first (aggregate, sort, limit, the build side of a join, union):
// a pipeline is a source (a table scan split into row groups, constant
// rows, or the finished result of another pipeline), a chain of streaming
// operators (filter, project, join probe) and a sink. Worker threads pull
// morsels (one row group, one batch) from the source, push them through the
// chain into thread-local sink state, and the sink merges the states at the
// end. LIMIT without ORDER BY stops the scan as soon as it has its rows.
//
// Memory: sinks account the bytes they hold against the query's limit and
// fail with ResourceExhausted ("the query needs more than … MiB") instead of
// letting the process be killed.
//
// Thread-safety: an Executor runs one plan; it is not reusable.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "common/column.h"
#include "common/status.h"
#include "sql/planner/plan.h"

namespace lakewatch::sql {

struct ExecOptions {
  int threads = 1;
  int64_t memory_limit_bytes = 0;  // 0: none
};

// What a query read, for EXPLAIN ANALYZE-style reporting and tests.
struct ExecStats {
  std::atomic<int64_t> files_total{0};
  std::atomic<int64_t> files_read{0};
  std::atomic<int64_t> row_groups_total{0};  // in the files that were opened
  std::atomic<int64_t> row_groups_read{0};
  std::atomic<int64_t> rows_scanned{0};
  std::atomic<int64_t> index_lookups{0};     // files narrowed by the search index
  std::atomic<int64_t> files_skipped_by_index{0};  // of those, files it ruled out (not opened)
  // Late materialization (a filter that reads some of the scan's columns):
  // rows_scanned counts the rows of the filter's columns, rows_late the rows
  // of the other columns read afterwards — only those that passed when they
  // are at most half, else the same rows as the filter's.
  std::atomic<int64_t> rows_late{0};
  // Of rows_scanned, rows whose filter was decided through the column's
  // Parquet dictionary (no value materialized).
  std::atomic<int64_t> rows_by_dictionary{0};
};

class Executor {
 public:
  explicit Executor(ExecOptions options) : options_(options) {}
  // Runs the plan; the result's batches hold the rows in order.
  Result<std::vector<RecordBatch>> Run(const PlanNode& root);
  const ExecStats& stats() const { return stats_; }

  // Bytes accounting shared by the sinks.
  Status Reserve(int64_t bytes);
  void Release(int64_t bytes) { used_ -= bytes; }

 private:
  friend class PipelineRunner;
  ExecOptions options_;
  ExecStats stats_;
  std::atomic<int64_t> used_{0};
};

}  // namespace lakewatch::sql
