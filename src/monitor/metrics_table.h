// The monitor_metrics Delta table (../shared/DESIGN.md "Monitor results"): one
// long table of figures, one row per (model, version, window, slice, column,
// metric), appended by every `monitor run`. A recomputed window (late labels,
// new rows) gets new rows whose newer computed_at supersedes the old ones.
//
// Thread-safety: AppendMetrics commits through the Delta writer (optimistic
// concurrency), so concurrent runs append safely.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/types.h"

namespace lakewatch::monitor {

inline constexpr const char* kMetricsTable = "monitor_metrics";
inline constexpr int64_t kNoTime = INT64_MIN;  // a null window bound (models without a time axis)

struct MetricRow {
  std::string model, version;
  int64_t window_start = kNoTime, window_end = kNoTime;  // µs; [start, end)
  std::string granularity, slice, column, metric;
  double value = 0;
  std::optional<double> threshold;
  std::optional<bool> alarm;
  std::string baseline;
  int64_t n = 0;
  int64_t source_version = -1;
  int64_t computed_at = 0;  // µs
};

Schema MetricsSchema();

// The rows of monitor_metrics for `model` (all models when empty), keeping of
// each (version, granularity, window, slice, column, metric) only the newest
// computation (computed_at), as every reader of the table must. `where` adds a
// SQL condition. An empty list when the table does not exist yet.
Result<std::vector<MetricRow>> ReadLatestMetrics(const std::string& data_dir, const std::string& model,
                                                 const std::string& where = "");

// monitor_sketches: in approximate mode, the mergeable summary of every feature
// of every window of the finest granularity (sketch::FeatureSummary::Serialize),
// so longer windows and later readers merge them instead of reading events.
inline constexpr const char* kSketchesTable = "monitor_sketches";
struct SketchRow {
  std::string model, version;
  int64_t window_start = kNoTime, window_end = kNoTime;
  std::string granularity, column;
  std::string summary;  // serialized FeatureSummary
  int64_t n = 0;
  int64_t source_version = -1;
  int64_t computed_at = 0;
};
Schema SketchesSchema();
Result<int64_t> AppendSketches(const std::string& table_path, const std::vector<SketchRow>& rows);

// Appends rows to the table at `table_path` (created on first use) in one
// commit; returns the Delta version written (-1 when rows is empty).
Result<int64_t> AppendMetrics(const std::string& table_path, const std::vector<MetricRow>& rows);

}  // namespace lakewatch::monitor
