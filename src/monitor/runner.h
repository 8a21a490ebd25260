// RunMonitors: `lakewatch monitor run` — computes, per model, version, window
// and slice, the figures of docs/monitoring.md from the models' Delta tables
// and appends them to the monitor_metrics table.
//
//   auto summary = monitor::RunMonitors(config, {.data_dir = dir});
//
// Incremental: a window (model, version, granularity, start) is recomputed only
// when its row count, its labelled-row count or its baseline differ from what
// monitor_metrics holds for it (new rows, late labels, a changed baseline);
// `full` recomputes everything. Every row records the source table's Delta
// version. Thread-safety: one run per call; runs may overlap (the Delta commit
// serializes them) but then both may compute the same windows.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "monitor/config.h"
#include "monitor/frame.h"

namespace lakewatch::monitor {

struct RunOptions {
  std::string data_dir;
  std::string model;   // empty: every model of the configuration
  int threads = 0;     // 0: all cores
  bool full = false;   // recompute every window
  bool approximate = false;  // drift from sketches for every model (as `approximate: true`)
  // Called with a short description of progress ("fraud-detector: 120/840 windows").
  std::function<void(const std::string&)> progress;
};

struct ModelRunSummary {
  std::string model;
  int64_t rows = 0;                // events read
  int64_t source_version = -1;
  int64_t windows = 0;             // (version, granularity, window) groups in the data
  int64_t windows_computed = 0;    // recomputed this run
  int64_t figures = 0;             // rows appended to monitor_metrics
  int64_t alarms = 0;              // of which alarm = true
  std::vector<std::string> alarm_lines;  // the first alarms, readable
};

struct RunSummary {
  std::vector<ModelRunSummary> models;
  int64_t metrics_version = -1;  // Delta version of monitor_metrics written (-1: nothing new)
  double seconds = 0;
};

Result<RunSummary> RunMonitors(const MonitorConfig& config, const RunOptions& options);

// The rows of `frame` (the model's events) that form its baseline: a version's
// events, a time range, or by default the first day (a baseline table is
// loaded separately, all of its rows).
std::vector<uint32_t> BaselineRows(const ModelConfig& model, const ModelFrame& frame);

}  // namespace lakewatch::monitor
