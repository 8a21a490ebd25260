// The figures of one group of rows (a window of one version, or of all
// versions, optionally one slice) against the model's baseline: counts,
// performance, drift, data quality and operations, with their thresholds and
// alarms (docs/monitoring.md lists every metric name). Used by the runner.
//
// Thread-safety: a built Baseline is immutable; ComputeGroupFigures may run on
// many groups at once.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "monitor/config.h"
#include "monitor/frame.h"
#include "monitor/metrics/significance.h"
#include "monitor/sketch/feature_summary.h"
#include "monitor/metrics_table.h"
#include "monitor/drift.h"

namespace lakewatch::monitor {

struct Baseline {
  int64_t rows = 0;
  std::vector<Distribution> features;  // in the order of ModelFrame::features
  // Approximate mode: a mergeable summary of each feature (empty when absent from the baseline).
  std::vector<std::optional<sketch::FeatureSummary>> summaries;
  std::optional<Distribution> prediction, score, label;
  // Model-level figures of the baseline rows (performance, operations), for
  // `drop`/`rise` thresholds and change tests.
  std::map<std::string, double> values;
  // Classification: the label distribution among the rows predicted as each class.
  std::map<std::string, Distribution> label_given_prediction;
  // Binary models: what the change tests compare each window with.
  int64_t correct = 0, labelled = 0;      // rows predicted right, of the labelled rows with a prediction
  std::optional<metrics::AucEstimate> auc;  // ROC AUC with DeLong's variance

  // From `rows` of `frame` (the events, or a baseline table), aligned with the
  // features of `current` by column name.
  static Result<Baseline> Build(const ModelConfig& model, const ModelFrame& current, const ModelFrame& frame,
                                const std::vector<uint32_t>& rows, int threads);
};

struct GroupContext {
  const ModelConfig* model = nullptr;
  const ModelFrame* frame = nullptr;
  const Baseline* baseline = nullptr;
  const std::vector<uint32_t>* rows = nullptr;
  double window_hours = 0;  // 0: no time axis
  // Approximate mode: the group's feature summaries (drift is estimated from them).
  const std::vector<sketch::FeatureSummary>* summaries = nullptr;
};

// One summary per feature of `rows` (approximate mode), in the frame's feature order.
std::vector<sketch::FeatureSummary> SummarizeFeatures(const ModelConfig& model, const ModelFrame& frame,
                                                      const std::vector<uint32_t>& rows);

// Appends the group's figures to `out`, each a copy of `proto` (model,
// version, window, slice, baseline, source version, computed_at filled in)
// with column/metric/value/n/threshold/alarm set.
Status ComputeGroupFigures(const GroupContext& ctx, const MetricRow& proto, std::vector<MetricRow>* out);

// Rows of `rows` that carry a label.
int64_t CountLabelled(const ModelFrame& frame, const std::vector<uint32_t>& rows);
// Whether the anomaly detector follows a metric's series over windows.
bool IsAnomalyTracked(const std::string& metric);
// Whether a larger value of the metric is better (accuracy, roc_auc, throughput, ...);
// false for error-like figures (mae, latency, missing rates) and unknown names.
bool HigherIsBetter(const std::string& metric);
// Figures of traffic volume (count, throughput, label coverage and their
// anomalies), which keep their alarms in windows below min_rows.
bool IsVolumeMetric(const std::string& metric);
// The metrics whose series are checked for anomalies.
const std::vector<std::string>& AnomalyTrackedMetrics();
// Median of the values (NaN when empty); reorders `v`.
double Median(std::vector<double>& v);
// "fraud-detector version 3, 1h window 2025-11-24T16:00:00Z: accuracy 0.71 < 0.80".
std::string DescribeAlarm(const MetricRow& row);

}  // namespace lakewatch::monitor
