#include "monitor/figures.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_set>

#include "common/time.h"
#include "monitor/drift.h"
#include "monitor/metrics/binary_metrics.h"
#include "monitor/metrics/calibration.h"
#include "monitor/metrics/multiclass_metrics.h"
#include "monitor/metrics/regression_metrics.h"
#include "monitor/sketch/approximate_drift.h"
#include "monitor/stats/drift.h"

namespace lakewatch::monitor {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Default thresholds (docs/monitoring.md), used where lakewatch.yaml sets none.
const std::map<std::string, Threshold>& DefaultThresholds() {
  static const std::map<std::string, Threshold> kDefaults = [] {
    std::map<std::string, Threshold> t;
    t["accuracy"].drop = 0.05;
    t["f1"].drop = 0.05;
    t["f1_macro"].drop = 0.05;
    t["roc_auc"].drop = 0.05;
    t["r2"].drop = 0.1;
    t["error_rate"].rise = 0.02;
    t["missing_rate"].rise = 0.1;
    t["unseen_category_rate"].max = 0.05;
    t["out_of_range_rate"].max = 0.05;
    t["type_violation_rate"].max = 0.01;
    t["duplicate_id_rate"].max = 0.01;
    t["accuracy_change_pvalue"].min = 0.05;
    t["roc_auc_change_pvalue"].min = 0.05;
    t["ece"].rise = 0.05;
    return t;
  }();
  return kDefaults;
}


// Sets threshold/alarm on `row` from the configured or default threshold of
// its metric; `base` is the baseline's value (NaN when unknown).
void ApplyThreshold(const ModelConfig& model, MetricRow* row, double base) {
  const Threshold* t = nullptr;
  if (auto it = model.thresholds.find(row->metric); it != model.thresholds.end()) {
    t = &it->second;
  } else if (auto d = DefaultThresholds().find(row->metric); d != DefaultThresholds().end()) {
    t = &d->second;
  }
  if (t == nullptr || !std::isfinite(row->value)) return;
  const double v = row->value;
  auto set = [&](double threshold, bool alarm) {
    if (!std::isfinite(threshold)) return;
    row->threshold = threshold;
    row->alarm = row->alarm.value_or(false) || alarm;
  };
  if (t->limit) {
    if (HigherIsBetter(row->metric)) {
      set(*t->limit, v < *t->limit);
    } else {
      set(*t->limit, v > *t->limit);
    }
  }
  if (t->min) set(*t->min, v < *t->min);
  if (t->max) set(*t->max, v > *t->max);
  if (t->drop && std::isfinite(base)) set(base - *t->drop, v < base - *t->drop);
  if (t->rise && std::isfinite(base)) set(base + *t->rise, v > base + *t->rise);
}

// The positive class of a binary model in a frame's class dictionary: the
// configured one, else its boolean spelling.
int32_t PositiveCode(const ModelConfig& model, const ModelFrame& frame) {
  auto find = [&](std::string_view name) -> int32_t {
    for (size_t i = 0; i < frame.classes.size(); ++i) {
      if (frame.classes[i] == name) return static_cast<int32_t>(i);
    }
    return -1;
  };
  int32_t code = find(model.positive_class);
  if (code < 0 && (model.positive_class == "1" || model.positive_class == "true")) {
    for (std::string_view alt : {"true", "1", "1.0", "True", "yes"}) {
      code = find(alt);
      if (code >= 0) break;
    }
  }
  return code;
}

bool HasLabel(const ModelFrame& f, uint32_t row) {
  if (!f.has_label) return false;
  return f.label_class.empty() ? !std::isnan(f.label_value.values[row]) : f.label_class[row] >= 0;
}

// Performance figures of `rows` (labelled rows only).
Result<metrics::Figures> Performance(const ModelConfig& model, const ModelFrame& f, const std::vector<uint32_t>& rows,
                                     std::vector<uint8_t>* y_true_out = nullptr,
                                     std::vector<uint8_t>* y_pred_out = nullptr,
                                     std::vector<double>* score_out = nullptr) {
  metrics::Figures figures;
  if (!f.has_label) return figures;
  if (model.problem == Problem::kRegression) {
    std::vector<double> t, p;
    for (uint32_t r : rows) {
      const double y = f.label_value.values[r];
      const double yhat = f.has_prediction ? f.prediction_value.values[r] : kNaN;
      if (std::isnan(y) || std::isnan(yhat)) continue;
      t.push_back(y);
      p.push_back(yhat);
    }
    return metrics::RegressionMetrics(t, p);
  }
  if (model.problem == Problem::kBinary) {
    const int32_t pos = PositiveCode(model, f);
    std::vector<uint8_t> yt, yp;
    std::vector<double> sc;
    const bool with_pred = f.has_prediction;
    const bool with_score = f.has_score;
    for (uint32_t r : rows) {
      const int32_t l = f.label_class[r];
      if (l < 0) continue;
      if (with_pred && f.prediction_class[r] < 0) continue;
      if (with_score && std::isnan(f.score.values[r])) continue;
      yt.push_back(l == pos ? 1 : 0);
      if (with_pred) yp.push_back(f.prediction_class[r] == pos ? 1 : 0);
      if (with_score) sc.push_back(f.score.values[r]);
    }
    metrics::BinaryInput in;
    in.y_true = yt;
    in.y_pred = yp;
    in.score = sc;
    auto result = metrics::BinaryMetrics(in);
    if (y_true_out != nullptr) *y_true_out = std::move(yt);
    if (y_pred_out != nullptr) *y_pred_out = std::move(yp);
    if (score_out != nullptr) *score_out = std::move(sc);
    return result;
  }
  // Multiclass: labels as strings of the shared class dictionary, in one pass;
  // with probabilities, rows without a complete probability vector are left out.
  std::vector<std::string_view> yt, yp, classes;
  std::vector<double> proba;
  for (const std::string& c : f.probability_classes) classes.push_back(c);
  for (uint32_t r : rows) {
    const int32_t l = f.label_class[r];
    if (l < 0 || (f.has_prediction && f.prediction_class[r] < 0)) continue;
    if (std::any_of(f.probabilities.begin(), f.probabilities.end(),
                    [r](const NumericValues& p) { return std::isnan(p.values[r]); })) {
      continue;
    }
    yt.push_back(f.classes[static_cast<size_t>(l)]);
    if (f.has_prediction) yp.push_back(f.classes[static_cast<size_t>(f.prediction_class[r])]);
    for (const NumericValues& p : f.probabilities) proba.push_back(p.values[r]);
  }
  if (yt.empty()) return figures;
  metrics::MulticlassInput<std::string_view> in;
  in.y_true = yt;
  in.y_pred = yp;
  in.classes = classes;
  in.proba = proba;
  return metrics::MulticlassMetrics(in);
}

// Operations figures of `rows`: latency percentiles, error rate, throughput, resources.
metrics::Figures Operations(const ModelFrame& f, const std::vector<uint32_t>& rows, double window_hours) {
  metrics::Figures out;
  const int64_t n = static_cast<int64_t>(rows.size());
  if (!f.latency.values.empty()) {
    std::vector<double> v;
    v.reserve(rows.size());
    for (uint32_t r : rows) {
      if (!std::isnan(f.latency.values[r])) v.push_back(f.latency.values[r]);
    }
    if (!v.empty()) {
      const int64_t m = static_cast<int64_t>(v.size());
      double sum = 0;
      for (double x : v) sum += x;
      out.push_back({"latency_mean", "", sum / static_cast<double>(m), m});
      out.push_back({"latency_p50", "", metrics::LinearQuantile(v, 0.50), m});
      out.push_back({"latency_p95", "", metrics::LinearQuantile(v, 0.95), m});
      out.push_back({"latency_p99", "", metrics::LinearQuantile(v, 0.99), m});
    }
  }
  if (!f.error.empty() && n > 0) {
    int64_t errors = 0;
    for (uint32_t r : rows) errors += f.error[r];
    out.push_back({"error_rate", "", static_cast<double>(errors) / static_cast<double>(n), n});
  }
  if (window_hours > 0) out.push_back({"throughput", "", static_cast<double>(n) / window_hours, n});
  for (const auto& [name, values] : f.resources) {
    std::vector<double> v;
    for (uint32_t r : rows) {
      if (!std::isnan(values.values[r])) v.push_back(values.values[r]);
    }
    if (v.empty()) continue;
    double sum = 0;
    for (double x : v) sum += x;
    const int64_t m = static_cast<int64_t>(v.size());
    out.push_back({"resource_mean", name, sum / static_cast<double>(m), m});
    out.push_back({"resource_p95", name, metrics::LinearQuantile(v, 0.95), m});
  }
  return out;
}

// The numeric values of `rows` (NaN kept: SortedSample drops and counts them).
std::vector<double> Gather(const std::vector<double>& values, const std::vector<uint32_t>& rows) {
  std::vector<double> out(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) out[i] = values[rows[i]];
  return out;
}

Distribution NumericDistribution(const std::vector<double>& values, const std::vector<uint32_t>& rows,
                                         int threads) {
  Distribution d;
  d.numeric = true;
  const std::vector<double> v = Gather(values, rows);
  d.sample = stats::SortedSample::FromValues(v, threads);
  d.rows = static_cast<int64_t>(rows.size());
  d.missing = d.rows - d.sample.size();
  return d;
}

Distribution CategoricalDistribution(const std::vector<int32_t>& codes, const std::vector<std::string>& dict,
                                             const std::vector<uint32_t>& rows) {
  Distribution d;
  d.numeric = false;
  std::vector<int64_t> counts(dict.size(), 0);
  for (uint32_t r : rows) {
    if (codes[r] >= 0) {
      ++counts[static_cast<size_t>(codes[r])];
    } else {
      ++d.missing;
    }
  }
  for (size_t i = 0; i < dict.size(); ++i) {
    if (counts[i] > 0) d.categories.Add(dict[i], counts[i]);
  }
  d.rows = static_cast<int64_t>(rows.size());
  return d;
}

// Current distribution of a feature-like column over `rows`, in the baseline's shape.
Distribution Current(const Distribution& like, const FeatureData& fd, const std::vector<uint32_t>& rows) {
  return like.numeric ? NumericDistribution(fd.num.values, rows, 1)
                      : CategoricalDistribution(fd.cat.codes, fd.cat.dictionary, rows);
}

// Appends the drift figures of one column (`column` names it) and returns whether it drifted.
Result<bool> AddDrift(const ModelConfig& model, const std::string& column, const Distribution& ref,
                      const Distribution& cur, const MetricRow& proto, std::vector<MetricRow>* out) {
  if (ref.rows == 0 || cur.rows == 0) return false;
  DriftConfig dc = model.drift;
  if (auto it = model.feature_drift.find(column); it != model.feature_drift.end()) dc = it->second;
  LW_ASSIGN_OR_RETURN(DriftOutcome o, TestDistributions(ref, cur, dc.method, dc.threshold));
  if (!o.tested) return false;
  for (const DriftFigure& df : o.figures) {
    MetricRow row = proto;
    row.column = column;
    row.metric = df.metric;
    row.value = df.value;
    row.n = cur.rows - cur.missing;
    if (df.decides) {
      row.threshold = o.threshold;
      row.alarm = o.drifted;
    }
    out->push_back(std::move(row));
  }
  return o.drifted;
}

// Approximate mode: drift of one feature estimated from summaries (sketch
// error bounds in docs/sketches.md). The method is chosen as for the exact
// tests, among those a summary supports (ks, wasserstein, psi, jensenshannon,
// chisquare; z falls back to chisquare).
Result<bool> AddApproximateDrift(const ModelConfig& model, const std::string& column,
                                 const sketch::FeatureSummary& ref, const sketch::FeatureSummary& cur,
                                 const MetricRow& proto, std::vector<MetricRow>* out) {
  if (ref.count() == 0 || cur.count() == 0) return false;
  DriftConfig dc = model.drift;
  if (auto it = model.feature_drift.find(column); it != model.feature_drift.end()) dc = it->second;
  const bool small = ref.count() <= 1000;  // Evidently's rule: p-value tests on small references
  std::string method = dc.method;
  if (ref.numeric()) {
    if (method == "auto") method = small ? "ks" : "wasserstein";
    if (method == "chisquare" || method == "z") method = "ks";
  } else {
    if (method == "auto") method = small ? "chisquare" : "jensenshannon";
    if (method == "z" || method == "ks" || method == "wasserstein") method = "chisquare";
  }
  LW_ASSIGN_OR_RETURN(stats::DriftMethod m, stats::ParseDriftMethod(method));
  const double threshold = dc.threshold.value_or(stats::DefaultThreshold(m));
  const bool pvalue = stats::HasPValue(m);
  std::vector<std::pair<std::string, double>> figures;
  if (ref.numeric()) {
    LW_ASSIGN_OR_RETURN(sketch::NumericDriftEstimate e, sketch::EstimateNumericDrift(ref, cur));
    figures = {{"ks_stat", e.ks_statistic},
               {"ks_pvalue", e.ks_pvalue},
               {"wasserstein_norm", e.wasserstein_norm},
               {"psi", e.psi},
               {"js_distance", e.js_distance}};
  } else {
    LW_ASSIGN_OR_RETURN(sketch::CategoricalDriftEstimate e, sketch::EstimateCategoricalDrift(ref, cur));
    figures = {{"chi2_stat", e.chi_square.statistic},
               {"chi2_pvalue", e.chi_square.p_value},
               {"psi", e.psi},
               {"js_distance", e.js_distance}};
  }
  const stats::DriftMetricNames names = stats::MetricNames(m);
  const std::string decisive(pvalue ? names.p_value : names.statistic);
  bool drifted = false;
  for (const auto& [metric, value] : figures) {
    MetricRow row = proto;
    row.column = column;
    row.metric = metric;
    row.value = value;
    row.n = static_cast<int64_t>(cur.count());
    if (metric == decisive) {
      drifted = pvalue ? value < threshold : value >= threshold;
      row.threshold = threshold;
      row.alarm = drifted;
    }
    out->push_back(std::move(row));
  }
  return drifted;
}

// Classification: per predicted class, the label distribution of the labelled
// rows predicted as that class (keyed by the class name).
std::map<std::string, Distribution> LabelsGivenPrediction(const ModelFrame& f, const std::vector<uint32_t>& rows) {
  std::map<std::string, Distribution> out;
  if (!f.has_label || !f.has_prediction || f.label_class.empty()) return out;
  std::vector<std::vector<uint32_t>> by_class(f.classes.size());
  for (uint32_t r : rows) {
    const int32_t p = f.prediction_class[r];
    if (p >= 0 && f.label_class[r] >= 0) by_class[static_cast<size_t>(p)].push_back(r);
  }
  for (size_t c = 0; c < by_class.size(); ++c) {
    if (by_class[c].empty()) continue;
    out.emplace(f.classes[c], CategoricalDistribution(f.label_class, f.classes, by_class[c]));
  }
  return out;
}

}  // namespace

bool HigherIsBetter(const std::string& metric) {
  static const std::unordered_set<std::string> kHigher = {
      "accuracy", "precision", "recall", "f1", "f1_macro", "f1_micro", "f1_weighted", "precision_macro",
      "recall_macro", "precision_micro", "recall_micro", "precision_weighted", "recall_weighted", "roc_auc",
      "pr_auc", "r2", "label_coverage", "accuracy_change_pvalue", "roc_auc_change_pvalue", "throughput"};
  return kHigher.count(metric) > 0;
}

std::vector<sketch::FeatureSummary> SummarizeFeatures(const ModelConfig& model, const ModelFrame& frame,
                                                      const std::vector<uint32_t>& rows) {
  sketch::SummaryOptions options;
  options.kll_k = static_cast<uint16_t>(model.sketch_k);
  std::vector<sketch::FeatureSummary> out;
  out.reserve(frame.features.size());
  for (const FeatureData& fd : frame.features) {
    if (fd.numeric) {
      sketch::FeatureSummary s = sketch::FeatureSummary::Numeric(options);
      std::vector<double> block;  // the window's values, a block at a time (NaN = missing)
      block.reserve(std::min(rows.size(), sketch::KllSketch::kBatchChunk));
      for (size_t start = 0; start < rows.size(); start += sketch::KllSketch::kBatchChunk) {
        block.clear();
        const size_t end = std::min(rows.size(), start + sketch::KllSketch::kBatchChunk);
        for (size_t i = start; i < end; ++i) block.push_back(fd.num.values[rows[i]]);
        s.AddNumbers(block);
      }
      out.push_back(std::move(s));
      continue;
    }
    sketch::FeatureSummary s = sketch::FeatureSummary::Categorical(options);
    std::vector<uint64_t> counts(fd.cat.dictionary.size(), 0);
    uint64_t missing = 0;
    for (uint32_t r : rows) {
      const int32_t c = fd.cat.codes[r];
      if (c < 0) {
        ++missing;
      } else {
        ++counts[static_cast<size_t>(c)];
      }
    }
    for (size_t c = 0; c < counts.size(); ++c) {
      if (counts[c] > 0) s.AddCategory(fd.cat.dictionary[c], counts[c]);
    }
    s.AddMissing(missing);
    out.push_back(std::move(s));
  }
  return out;
}

int64_t CountLabelled(const ModelFrame& frame, const std::vector<uint32_t>& rows) {
  if (!frame.has_label) return 0;
  int64_t n = 0;
  for (uint32_t r : rows) n += HasLabel(frame, r) ? 1 : 0;
  return n;
}

bool IsVolumeMetric(const std::string& metric) {
  for (const char* m : {"count", "throughput", "label_coverage"}) {
    if (metric == m || metric == std::string(m) + "_anomaly_z") return true;
  }
  return false;
}

const std::vector<std::string>& AnomalyTrackedMetrics() {
  static const std::vector<std::string> kTracked = {
      // (Not label_coverage: with late labels the newest windows are always low.)
      "count", "error_rate", "latency_p95", "latency_p99", "missing_rate", "accuracy", "f1", "roc_auc", "mae",
      "rmse", "resource_mean"};
  return kTracked;
}

bool IsAnomalyTracked(const std::string& metric) {
  const std::vector<std::string>& t = AnomalyTrackedMetrics();
  return std::find(t.begin(), t.end(), metric) != t.end();
}

double Median(std::vector<double>& v) {
  if (v.empty()) return kNaN;
  return metrics::LinearQuantile(v, 0.5);
}

std::string DescribeAlarm(const MetricRow& r) {
  std::string where = r.model + " version " + r.version;
  if (r.window_start != kNoTime) where += ", " + r.granularity + " window " + FormatTimestampMicros(r.window_start);
  if (!r.slice.empty()) where += ", slice " + r.slice;
  std::string what = r.metric;
  if (!r.column.empty()) what = r.column + " " + what;
  std::string cmp;
  if (r.threshold.has_value()) cmp = fmt::format(" (threshold {:.4g})", *r.threshold);
  return where + ": " + what + " = " + fmt::format("{:.4g}", r.value) + cmp;
}

Result<Baseline> Baseline::Build(const ModelConfig& model, const ModelFrame& current, const ModelFrame& f,
                                 const std::vector<uint32_t>& rows, int threads) {
  Baseline b;
  b.rows = static_cast<int64_t>(rows.size());
  for (const FeatureData& cf : current.features) {
    const FeatureData* src = nullptr;
    for (const FeatureData& fd : f.features) {
      if (fd.column == cf.column) src = &fd;
    }
    if (src == nullptr) {  // not in the baseline table: no drift figures for it
      b.features.emplace_back();
      b.features.back().numeric = cf.numeric;
      continue;
    }
    b.features.push_back(cf.numeric && src->numeric ? NumericDistribution(src->num.values, rows, threads)
                         : src->numeric              ? Distribution{}
                                                     : CategoricalDistribution(src->cat.codes, src->cat.dictionary, rows));
  }
  if (f.has_prediction) {
    b.prediction = model.problem == Problem::kRegression
                       ? NumericDistribution(f.prediction_value.values, rows, threads)
                       : CategoricalDistribution(f.prediction_class, f.classes, rows);
  }
  if (f.has_score) b.score = NumericDistribution(f.score.values, rows, threads);
  if (f.has_label) {
    b.label = model.problem == Problem::kRegression ? NumericDistribution(f.label_value.values, rows, threads)
                                                    : CategoricalDistribution(f.label_class, f.classes, rows);
  }
  std::vector<uint8_t> yt, yp;
  std::vector<double> sc;
  LW_ASSIGN_OR_RETURN(metrics::Figures perf, Performance(model, f, rows, &yt, &yp, &sc));
  b.label_given_prediction = LabelsGivenPrediction(f, rows);
  if (!yp.empty()) {
    b.labelled = static_cast<int64_t>(yt.size());
    for (size_t i = 0; i < yt.size(); ++i) b.correct += yt[i] == yp[i] ? 1 : 0;
  }
  if (!sc.empty()) {
    auto auc = metrics::EstimateAuc(yt, sc);
    if (auc.ok()) b.auc = *auc;  // fewer than two of a class: no AUC change test
  }
  for (const metrics::Figure& fig : perf) {
    if (fig.column.empty()) b.values[fig.metric] = fig.value;
  }
  for (const metrics::Figure& fig : Operations(f, rows, 0)) {
    if (fig.column.empty()) b.values[fig.metric] = fig.value;
  }
  for (size_t i = 0; i < current.features.size(); ++i) {
    b.values["missing_rate\x1f" + current.features[i].column] = b.features[i].missing_rate();
  }
  if (model.approximate) {
    const std::vector<sketch::FeatureSummary> all = SummarizeFeatures(model, f, rows);
    for (const FeatureData& cf : current.features) {
      std::optional<sketch::FeatureSummary> s;
      for (size_t j = 0; j < f.features.size(); ++j) {
        if (f.features[j].column == cf.column && f.features[j].numeric == cf.numeric) s = all[j];
      }
      b.summaries.push_back(std::move(s));
    }
  }
  if (model.problem == Problem::kBinary && !sc.empty()) {
    LW_ASSIGN_OR_RETURN(metrics::CalibrationTable cal, metrics::Calibrate(yt, sc));
    b.values["ece"] = cal.expected_calibration_error;
  }
  return b;
}

Status ComputeGroupFigures(const GroupContext& ctx, const MetricRow& proto, std::vector<MetricRow>* out) {
  const ModelConfig& model = *ctx.model;
  const ModelFrame& f = *ctx.frame;
  const Baseline& base = *ctx.baseline;
  const std::vector<uint32_t>& rows = *ctx.rows;
  const int64_t n = static_cast<int64_t>(rows.size());
  auto emit = [&](const std::string& column, const std::string& metric, double value, int64_t count,
                  double base_value) {
    MetricRow r = proto;
    r.column = column;
    r.metric = metric;
    r.value = value;
    r.n = count;
    ApplyThreshold(model, &r, base_value);
    out->push_back(std::move(r));
  };
  auto base_value = [&](const std::string& key) {
    auto it = base.values.find(key);
    return it == base.values.end() ? kNaN : it->second;
  };
  emit("", "count", static_cast<double>(n), n, kNaN);

  // ---- performance (labelled rows), with label coverage beside it
  if (f.has_label) {
    const int64_t labelled = CountLabelled(f, rows);
    emit("", "label_coverage", n > 0 ? static_cast<double>(labelled) / static_cast<double>(n) : kNaN, labelled, kNaN);
    std::vector<uint8_t> yt, yp;
    std::vector<double> sc;
    LW_ASSIGN_OR_RETURN(metrics::Figures perf, Performance(model, f, rows, &yt, &yp, &sc));
    for (const metrics::Figure& fig : perf) {
      if (fig.metric == "count") continue;  // the group's count is above; this one is the labelled count
      emit(fig.column, fig.metric, fig.value, fig.n, fig.column.empty() ? base_value(fig.metric) : kNaN);
    }
    if (model.problem == Problem::kBinary && !yt.empty()) {
      // Concept drift: is the change against the baseline larger than chance? Only a
      // significant fall raises an alarm.
      auto add_change = [&](const std::string& metric, const metrics::ChangeTest& test) {
        for (const metrics::Figure& fig : metrics::ChangeFigures(metric, test, static_cast<int64_t>(yt.size()))) {
          emit(fig.column, fig.metric, fig.value, fig.n, kNaN);
          MetricRow& r = out->back();
          if (r.alarm.has_value() && test.current >= test.baseline) r.alarm = false;
        }
      };
      if (!yp.empty() && base.labelled > 0) {
        int64_t correct = 0;
        for (size_t i = 0; i < yt.size(); ++i) correct += yt[i] == yp[i] ? 1 : 0;
        auto test = metrics::TwoProportionZTest(base.correct, base.labelled, correct, static_cast<int64_t>(yt.size()));
        if (test.ok()) add_change("accuracy", *test);
      }
      if (!sc.empty() && base.auc.has_value()) {
        auto auc = metrics::EstimateAuc(yt, sc);
        if (auc.ok()) add_change("roc_auc", metrics::DeLongTest(*base.auc, *auc));
      }
      if (!sc.empty()) {
        LW_ASSIGN_OR_RETURN(metrics::CalibrationTable cal, metrics::Calibrate(yt, sc));
        emit("", "ece", cal.expected_calibration_error, cal.n, base_value("ece"));
      }
    }
  }

  // ---- data drift per feature, dataset drift
  int64_t tested = 0, drifted = 0;
  for (size_t i = 0; i < f.features.size(); ++i) {
    const FeatureData& fd = f.features[i];
    const Distribution& ref = base.features[i];
    // The current distribution; in approximate mode a numeric one is never sorted
    // (its drift comes from the summary), only its missing values are counted.
    Distribution cur;
    if (ctx.summaries == nullptr || !ref.numeric) {
      cur = Current(ref, fd, rows);
    } else {
      cur.rows = n;
      for (uint32_t r : rows) cur.missing += std::isfinite(fd.num.values[r]) ? 0 : 1;
    }
    // Data quality first: missing values, type violations, out of range, unseen categories.
    const int64_t missing = cur.missing;
    {
      MetricRow r = proto;
      r.column = fd.column;
      r.metric = "missing_rate";
      r.value = n > 0 ? static_cast<double>(missing) / static_cast<double>(n) : kNaN;
      r.n = n;
      const double before = base_value("missing_rate\x1f" + fd.column);
      if (before == 0 && model.thresholds.count("missing_rate") == 0 && std::isfinite(r.value)) {
        r.threshold = 0;  // a column never missing in the baseline: any missing value is news
        r.alarm = r.value > 0;
      } else {
        ApplyThreshold(model, &r, before);
      }
      out->push_back(std::move(r));
    }
    if (!fd.type_violation.empty()) {
      int64_t bad = 0;
      for (uint32_t r : rows) bad += fd.type_violation[r];
      emit(fd.column, "type_violation_rate", n > 0 ? static_cast<double>(bad) / static_cast<double>(n) : kNaN, n,
           kNaN);
    }
    const int64_t present = cur.rows - cur.missing;
    if (ref.rows > 0 && present > 0) {
      if (ref.numeric && !ref.sample.empty()) {
        const double lo = ref.sample.values().front(), hi = ref.sample.values().back();
        int64_t outside = 0;
        for (uint32_t r : rows) {
          const double x = fd.num.values[r];
          outside += std::isfinite(x) && (x < lo || x > hi) ? 1 : 0;
        }
        emit(fd.column, "out_of_range_rate", static_cast<double>(outside) / static_cast<double>(present), present,
             kNaN);
      } else if (!ref.numeric) {
        int64_t unseen = 0;
        for (const auto& [value, count] : cur.categories.counts) {
          if (ref.categories.counts.count(value) == 0) unseen += count;
        }
        emit(fd.column, "unseen_category_rate", static_cast<double>(unseen) / static_cast<double>(present), present,
             kNaN);
      }
    }
    bool d = false;
    if (ctx.summaries != nullptr) {
      if (base.summaries[i].has_value()) {
        LW_ASSIGN_OR_RETURN(d, AddApproximateDrift(model, fd.column, *base.summaries[i], (*ctx.summaries)[i], proto, out));
      }
    } else {
      LW_ASSIGN_OR_RETURN(d, AddDrift(model, fd.column, ref, cur, proto, out));
    }
    if (ref.rows > 0 && present > 0) {
      ++tested;
      drifted += d ? 1 : 0;
    }
  }
  if (tested > 0) {
    MetricRow r = proto;
    r.metric = "drift_share";
    r.value = static_cast<double>(drifted) / static_cast<double>(tested);
    r.n = n;
    r.threshold = model.drift.share;
    r.alarm = r.value >= model.drift.share;
    out->push_back(std::move(r));
  }
  // Prediction, score and label drift, the same way (column = the configured column).
  auto model_column_drift = [&](const std::optional<Distribution>& ref, const std::string& column,
                                auto current) -> Status {
    if (!ref.has_value() || column.empty()) return Status::OK();
    const Distribution cur = current();
    LW_ASSIGN_OR_RETURN(bool ignored, AddDrift(model, column, *ref, cur, proto, out));
    (void)ignored;
    return Status::OK();
  };
  const bool regression = model.problem == Problem::kRegression;
  LW_RETURN_IF_ERROR(model_column_drift(base.prediction, model.prediction, [&] {
    return regression ? NumericDistribution(f.prediction_value.values, rows, 1)
                      : CategoricalDistribution(f.prediction_class, f.classes, rows);
  }));
  if (f.has_score) {
    LW_RETURN_IF_ERROR(
        model_column_drift(base.score, model.score, [&] { return NumericDistribution(f.score.values, rows, 1); }));
  }
  if (f.has_label) {
    const std::string label_name = model.labels.column.empty() ? model.labels.label : model.labels.column;
    LW_RETURN_IF_ERROR(model_column_drift(base.label, label_name, [&] {
      std::vector<uint32_t> labelled;
      for (uint32_t r : rows) {
        if (HasLabel(f, r)) labelled.push_back(r);
      }
      return regression ? NumericDistribution(f.label_value.values, labelled, 1)
                        : CategoricalDistribution(f.label_class, f.classes, labelled);
    }));
  }

  // Concept drift: has the label distribution among the rows predicted as each
  // class moved (column "<label>|<prediction>=<class>")?
  if (!base.label_given_prediction.empty()) {
    const std::string label_name = model.labels.column.empty() ? model.labels.label : model.labels.column;
    for (const auto& [cls, cur] : LabelsGivenPrediction(f, rows)) {
      auto ref = base.label_given_prediction.find(cls);
      if (ref == base.label_given_prediction.end()) continue;
      LW_ASSIGN_OR_RETURN(bool ignored,
                          AddDrift(model, label_name + "|" + model.prediction + "=" + cls, ref->second, cur, proto, out));
      (void)ignored;
    }
  }

  // ---- duplicates and operations
  if (!f.id_hash.empty() && n > 0) {
    std::vector<uint64_t> ids;
    ids.reserve(rows.size());
    for (uint32_t r : rows) {
      if (f.id_valid[r]) ids.push_back(f.id_hash[r]);
    }
    std::sort(ids.begin(), ids.end());
    int64_t dups = 0;
    for (size_t i = 1; i < ids.size(); ++i) dups += ids[i] == ids[i - 1] ? 1 : 0;
    emit("", "duplicate_id_rate", static_cast<double>(dups) / static_cast<double>(n), n, kNaN);
  }
  for (const metrics::Figure& fig : Operations(f, rows, ctx.window_hours)) {
    emit(fig.column, fig.metric, fig.value, fig.n, fig.column.empty() ? base_value(fig.metric) : kNaN);
  }
  return Status::OK();
}

}  // namespace lakewatch::monitor
