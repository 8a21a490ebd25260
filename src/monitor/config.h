// MonitorConfig: the models section of lakewatch.yaml (config as code).
//
//   auto cfg = monitor::LoadConfig("lakewatch.yaml");   // or ParseConfig(text, "name")
//
// Every field except `name` and `table` has a default, so the minimal form of
// docs/monitoring.md keeps working as the format grows; an unknown key, a
// wrong type or a bad value is an error naming the file, line and column.
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace lakewatch::monitor {

enum class Problem { kBinary, kMulticlass, kRegression };
const char* ProblemName(Problem p);

// A window size: `1h`, `6h`, `1d`, `7d`, `15m`, `1mo` (calendar months) or
// `all` (the whole history as one window).
struct Granularity {
  std::string name;        // as written: "1h", "1mo", "all"
  int64_t micros = 0;      // fixed-size windows (0 for months and all)
  int months = 0;          // calendar-month windows
  bool all() const { return micros == 0 && months == 0; }
  // The window holding `ts` (µs, UTC): fixed sizes are aligned to the epoch
  // (as Spark's window()), months to the first of a month. REQUIRES: !all().
  int64_t Start(int64_t ts) const;
  int64_t End(int64_t start) const;
};
Result<Granularity> ParseGranularity(const std::string& text);

// What the current windows are compared with.
struct BaselineConfig {
  enum class Kind { kDefault, kTimeRange, kVersion, kTable };
  Kind kind = Kind::kDefault;  // default: the first day of the model's events
  int64_t from_micros = 0, to_micros = 0;  // kTimeRange: [from, to)
  std::string version;                     // kVersion
  std::string table;                       // kTable: a table with the feature columns
  std::string Describe() const;            // monitor_metrics.baseline: "version=2", "window=…", "table=training"
};

// Ground truth: a column of the events table, or another table joined on an id.
struct LabelsConfig {
  std::string column;  // same table
  std::string table;   // joined table
  std::string id;      // the joined table's id column (default: the model's id)
  std::string label;   // the joined table's label column
  bool present() const { return !column.empty() || !table.empty(); }
};

// A threshold on one figure. `min`: alarm when the value falls below; `max`:
// above; `drop`: when it falls more than this below the baseline's value;
// `rise`: when it rises more than this above the baseline's value.
// A bare number (`accuracy: 0.8`) is a min for figures where higher is better
// (accuracy, f1, roc_auc, …, p-values) and a max for all others.
struct Threshold {
  std::optional<double> min, max, drop, rise, limit;
};

// Drift test choice for a feature (or the defaults for all of them).
struct DriftConfig {
  std::string method = "auto";          // auto|ks|chisquare|z|psi|wasserstein|jensenshannon
  std::optional<double> threshold;      // default: the method's own
  double share = 0.5;                   // dataset drift: share of drifted features
};

// A table of other events about the model (application logs, resource samples)
// that the report reads beside its events: which rows are the model's, and
// which version each belongs to, as SQL expressions over that table.
struct SideTableConfig {
  std::string table;
  std::string timestamp = "timestamp";
  std::string version;  // SQL expression giving the model version (empty: none)
  std::string filter;   // SQL condition selecting the model's rows (empty: all)
  std::vector<std::string> columns;  // resource samples: the numeric columns to chart
  bool present() const { return !table.empty(); }
};

struct FeatureConfig {
  std::string column;                   // a column path of the table (features.amount)
  enum class Kind { kInfer, kNumeric, kCategorical } kind = Kind::kInfer;
};

struct ModelConfig {
  std::string name;
  std::string table;
  std::string timestamp = "timestamp";  // empty: no time axis (window `all` only)
  std::string version = "model.version";
  std::string id = "request_id";
  std::string prediction;               // predicted label / value
  std::string score;                    // score or probability of the positive class
  std::map<std::string, std::string> probabilities;  // multiclass: class -> column
  std::string positive_class = "1";
  Problem problem = Problem::kBinary;
  LabelsConfig labels;
  std::vector<FeatureConfig> features;  // empty: every column under `features.`
  std::vector<std::string> slices;
  std::vector<std::string> slice_windows;  // the windows computed per slice (empty: every window)
  int64_t min_rows = 100;               // figures on fewer rows get no alarm (volume figures excepted)
  BaselineConfig baseline;
  std::vector<Granularity> windows;     // default: 1d
  DriftConfig drift;
  std::map<std::string, DriftConfig> feature_drift;   // per feature overrides
  std::map<std::string, Threshold> thresholds;        // per metric
  // Operations columns (ignored when absent from the table).
  std::string latency = "latency_ms";
  std::string level = "level";
  std::string error = "error";
  std::vector<std::string> resources = {"resources.cpu_pct", "resources.mem_mb", "resources.gpu_util"};
  // Application logs (text, templates mined at ingest) and resource samples in
  // tables of their own: read by `lakewatch report` (docs/monitoring.md).
  SideTableConfig logs;
  SideTableConfig resource_samples;
  double anomaly_z = 3.5;               // robust z-score above which a series point is an anomaly
  // Drift from mergeable sketches (docs/sketches.md) instead of the exact tests.
  bool approximate = false;
  int sketch_k = 200;                   // KLL accuracy parameter
};

struct MonitorConfig {
  std::string path;  // where it was read from (for messages)
  std::vector<ModelConfig> models;
  const ModelConfig* Find(const std::string& name) const;
};

Result<MonitorConfig> ParseConfig(const std::string& text, const std::string& source);
Result<MonitorConfig> LoadConfig(const std::string& path);

}  // namespace lakewatch::monitor
