// ReportData: everything `lakewatch report` shows about one model, gathered
// from monitor_metrics, the model's events table and its logs table
// (report_builder.h fills it; html.h renders it as one self-contained page).
// Plain values, no behaviour: the renderer and the demo's terminal summary
// read the same data.
//
// Times are microseconds since the epoch, UTC. A version of "*" means all
// versions together (monitor_metrics' convention).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lakewatch::report {

// One point of a figure's series over time.
struct SeriesPoint {
  int64_t window_start = 0;
  int64_t window_end = 0;
  double value = 0;
  int64_t n = 0;                     // rows behind the figure
  std::optional<double> threshold;   // the threshold applied to this point, if any
  bool alarm = false;                // the point crossed its threshold
  bool anomaly = false;              // an anomaly (robust z) on its series
};

// A figure over time for one version (or "*").
struct Series {
  std::string version;
  std::string label;  // legend text, e.g. "version 3" or "p95"
  std::vector<SeriesPoint> points;  // ascending window_start
};

// One chart: a metric's series for several versions, on one time axis.
struct MetricChart {
  std::string metric;       // monitor_metrics.metric, e.g. "accuracy"
  std::string column;       // monitor_metrics.column ("" for model-level)
  std::string title;        // e.g. "Accuracy" or "Latency p95"
  std::string unit;         // axis unit: "", "ms", "%", "events/h", "MB"
  bool higher_is_better = true;
  std::string granularity;  // "1h", "1d"
  std::vector<Series> series;
};

// Drift of one feature in one window (version "*" unless stated).
struct DriftCell {
  int64_t window_start = 0;
  std::string metric;       // the decisive statistic: wasserstein_norm, js_distance, ks_pvalue, ...
  double value = 0;
  std::optional<double> threshold;
  bool alarm = false;
  // The value mapped to [0, 1] for colour (1 = strongest drift): statistic /
  // (2 × threshold) for distances, 1 − p for p-values, clamped.
  double intensity = 0;
};

struct DriftRow {
  std::string feature;             // column path, e.g. features.amount
  bool numeric = true;
  std::vector<DriftCell> cells;    // ascending window_start, one per window with data
  int windows_drifted = 0;
  std::optional<int64_t> first_drift;  // window_start of the first alarm
};

// Feature × window matrix for one granularity.
struct DriftHeatmap {
  std::string granularity;
  std::string version;                // "*"
  std::vector<int64_t> windows;       // column window_starts, ascending
  std::vector<DriftRow> rows;         // most drifted first
};

// A feature's distribution, baseline against a current period.
struct DistributionBin {
  std::string label;        // category name, or the bin's range ("10–20")
  double lower = 0, upper = 0;  // numeric bins (unused for categories)
  double baseline_share = 0;    // in [0, 1]
  double current_share = 0;
};

struct FeatureDistribution {
  std::string feature;
  bool numeric = true;
  std::string metric;          // the drift figure that ranked it (e.g. wasserstein_norm)
  double value = 0;
  std::optional<double> threshold;
  std::string baseline_label;  // "2025-11-03 – 2025-11-04 (version 2)"
  std::string current_label;   // "last day: 2025-11-16"
  int64_t baseline_n = 0, current_n = 0;
  double baseline_missing = 0, current_missing = 0;  // missing shares
  std::vector<DistributionBin> bins;
};

// A log template and how its frequency changed.
struct TemplateChange {
  std::string template_text;
  int64_t baseline_count = 0;    // in the baseline period (or the old version)
  int64_t current_count = 0;     // in the current period (or the new version)
  double baseline_rate = 0;      // per 1,000 log lines of its period
  double current_rate = 0;
  bool is_new = false;           // never seen in the baseline period
  std::string level;             // most common level (ERROR, WARN, ...)
  std::vector<std::string> versions;   // versions whose logs contain it
  std::vector<std::string> examples;   // up to 3 raw lines (first line of each, stack traces kept)
  int64_t first_seen = 0;
};

struct LogTemplates {
  std::string table;
  std::string baseline_label;   // e.g. "version 2" or the baseline dates
  std::string current_label;
  int64_t baseline_lines = 0, current_lines = 0;
  std::vector<TemplateChange> changes;  // largest change first (new error templates lead)
};

// One row of the alarm table.
struct Alarm {
  int64_t window_start = 0;
  int64_t window_end = 0;
  std::string granularity;
  std::string version;
  std::string slice;     // "" or "column=value"
  std::string column;
  std::string metric;
  double value = 0;
  std::optional<double> threshold;
  std::string baseline;
  int64_t n = 0;
  std::string description;  // one readable sentence
};

struct VersionSummary {
  std::string version;
  int64_t first_seen = 0, last_seen = 0;
  int64_t events = 0;
  double label_coverage = 0;       // share of its predictions with a label
  std::optional<double> headline;  // its headline performance figure over all its events
  int64_t alarms = 0;
};

// The figures in the report's data-quality section.
struct QualityRow {
  std::string feature;
  double missing_rate_baseline = 0;
  double missing_rate_current = 0;
  std::optional<double> type_violation_rate;
  std::optional<double> out_of_range_rate;
  std::optional<double> unseen_category_rate;
  bool alarm = false;
};

struct ReportData {
  // ---- identity
  std::string model;
  std::string problem;              // binary | multiclass | regression
  std::string table;                // events table
  int64_t source_version = -1;      // the Delta version the figures were computed from
  std::string data_dir;
  std::string config_path;
  int64_t generated_at = 0;
  std::string lakewatch_version;
  std::string baseline;             // monitor_metrics.baseline text
  std::string headline_metric;      // accuracy / roc_auc for classifiers, mae for regressors

  // ---- summary
  int64_t first_event = 0, last_event = 0;
  int64_t events = 0;
  double label_coverage = 0;
  std::vector<VersionSummary> versions;  // ascending version
  int64_t alarm_count = 0;
  std::vector<std::string> findings;     // short sentences, most important first

  // ---- sections
  std::vector<MetricChart> performance;  // per version, with thresholds
  std::vector<DriftHeatmap> drift;       // one per granularity (coarsest first)
  std::vector<FeatureDistribution> top_drifted;  // up to 4
  std::vector<QualityRow> quality;
  std::vector<MetricChart> quality_charts;       // missing_rate over time of the worst features
  std::vector<MetricChart> operations;           // latency p50/p95/p99, error rate, throughput, resources
  std::optional<LogTemplates> logs;
  std::vector<Alarm> alarms;                     // every alarm, newest first
};

}  // namespace lakewatch::report
