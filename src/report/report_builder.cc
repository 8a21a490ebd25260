#include "report/report_builder.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "monitor/figures.h"
#include "monitor/frame.h"
#include "monitor/metrics/regression_metrics.h"
#include "monitor/metrics_table.h"
#include "monitor/runner.h"
#include "monitor/stats/drift.h"
#include "report/text.h"
#include "sql/engine.h"

namespace lakewatch::report {
namespace {

using monitor::Granularity;
using monitor::MetricRow;
using monitor::ModelConfig;
using monitor::ModelFrame;

constexpr int64_t kHourMicros = int64_t{3600} * 1000000;
constexpr size_t kMaxChartWindows = 400;

// The figures that decide a feature's drift (the row carrying the threshold):
// each test's p-value, or its distance.
bool IsDriftMetric(const std::string& metric) {
  using monitor::stats::DriftMethod;
  namespace stats = monitor::stats;
  for (DriftMethod m : {DriftMethod::kKs, DriftMethod::kChiSquare, DriftMethod::kZ, DriftMethod::kPsi,
                        DriftMethod::kWasserstein, DriftMethod::kJensenShannon}) {
    const stats::DriftMetricNames names = stats::MetricNames(m);
    if (metric == (stats::HasPValue(m) ? names.p_value : names.statistic)) return true;
  }
  return false;
}

bool IsPValue(const std::string& m) { return m.size() > 7 && m.compare(m.size() - 7, 7, "_pvalue") == 0; }

// Colour intensity of a drift figure: 0.5 at its threshold, 1 at twice the
// threshold (distances) or at the threshold squared (p-values).
double Intensity(const std::string& metric, double value, const std::optional<double>& threshold) {
  if (std::isnan(value)) return 0;
  double x;
  if (IsPValue(metric)) {
    const double t = threshold.value_or(0.05);
    x = value <= 0 ? 1.0 : std::log10(value) / (2 * std::log10(t));
  } else {
    const double t = threshold.value_or(0.1);
    x = t > 0 ? value / (2 * t) : 0;
  }
  return std::clamp(x, 0.0, 1.0);
}

struct MetricInfo {
  const char* title;
  const char* unit;
  double scale;  // shown value = value × scale (shares as percentages)
};

MetricInfo Info(const std::string& metric) {
  static const std::map<std::string, MetricInfo> kInfo = {
      {"accuracy", {"Accuracy", "", 1}},
      {"roc_auc", {"ROC AUC", "", 1}},
      {"pr_auc", {"PR AUC", "", 1}},
      {"f1", {"F1", "", 1}},
      {"precision", {"Precision", "", 1}},
      {"recall", {"Recall", "", 1}},
      {"log_loss", {"Log loss", "", 1}},
      {"brier", {"Brier score", "", 1}},
      {"f1_macro", {"F1 (macro)", "", 1}},
      {"mae", {"MAE", "", 1}},
      {"rmse", {"RMSE", "", 1}},
      {"mape", {"MAPE", "%", 100}},
      {"r2", {"R²", "", 1}},
      {"label_coverage", {"Label coverage", "%", 100}},
      {"latency_p50", {"Latency p50", "ms", 1}},
      {"latency_p95", {"Latency p95", "ms", 1}},
      {"latency_p99", {"Latency p99", "ms", 1}},
      {"error_rate", {"Error rate", "%", 100}},
      {"throughput", {"Throughput", "events/h", 1}},
      {"missing_rate", {"Missing values", "%", 100}},
      {"resource_mean", {"Resource (mean)", "", 1}},
  };
  auto it = kInfo.find(metric);
  return it != kInfo.end() ? it->second : MetricInfo{"", "", 1};
}

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Granularities present, finest first (months after fixed sizes; `all` left out).
std::vector<Granularity> Granularities(const std::vector<MetricRow>& rows) {
  std::set<std::string> names;
  for (const MetricRow& r : rows) names.insert(r.granularity);
  std::vector<Granularity> out;
  for (const std::string& n : names) {
    auto g = monitor::ParseGranularity(n);
    if (g.ok() && !g->all()) out.push_back(*g);
  }
  std::sort(out.begin(), out.end(), [](const Granularity& a, const Granularity& b) {
    const int64_t sa = a.micros > 0 ? a.micros : int64_t{a.months} * 31 * 24 * kHourMicros;
    const int64_t sb = b.micros > 0 ? b.micros : int64_t{b.months} * 31 * 24 * kHourMicros;
    return sa < sb;
  });
  return out;
}

// The metric rows indexed the ways the sections read them.
class MetricIndex {
 public:
  explicit MetricIndex(const std::vector<MetricRow>& rows) : rows_(rows) {
    for (size_t i = 0; i < rows.size(); ++i) by_series_[SeriesKey(rows[i])].push_back(i);
    for (auto& [key, list] : by_series_) {
      std::sort(list.begin(), list.end(),
                [&](size_t a, size_t b) { return rows_[a].window_start < rows_[b].window_start; });
    }
  }

  // The rows of one series, ascending window_start (empty when none).
  std::vector<const MetricRow*> Series(const std::string& granularity, const std::string& version,
                                       const std::string& slice, const std::string& column,
                                       const std::string& metric) const {
    std::vector<const MetricRow*> out;
    auto it = by_series_.find(Key(granularity, version, slice, column, metric));
    if (it == by_series_.end()) return out;
    for (size_t i : it->second) out.push_back(&rows_[i]);
    return out;
  }

  const MetricRow* One(const std::string& granularity, const std::string& version, const std::string& slice,
                       const std::string& column, const std::string& metric) const {
    auto s = Series(granularity, version, slice, column, metric);
    return s.empty() ? nullptr : s.back();
  }

  const std::vector<MetricRow>& rows() const { return rows_; }

 private:
  static std::string Key(const std::string& g, const std::string& v, const std::string& s, const std::string& c,
                         const std::string& m) {
    return g + '\x1f' + v + '\x1f' + s + '\x1f' + c + '\x1f' + m;
  }
  static std::string SeriesKey(const MetricRow& r) { return Key(r.granularity, r.version, r.slice, r.column, r.metric); }

  const std::vector<MetricRow>& rows_;
  std::unordered_map<std::string, std::vector<size_t>> by_series_;
};

// One chart of `metric` (and `column`) with a series per version.
MetricChart Chart(const MetricIndex& index, const std::string& granularity, const std::vector<std::string>& versions,
                  const std::string& slice, const std::string& column, const std::string& metric,
                  const std::string& title_suffix = "") {
  const MetricInfo info = Info(metric);
  MetricChart chart;
  chart.metric = metric;
  chart.column = column;
  chart.title = std::string(*info.title ? info.title : metric.c_str());
  if (metric == "resource_mean") chart.title = column;
  chart.title += title_suffix;
  chart.unit = info.unit;
  chart.higher_is_better = monitor::HigherIsBetter(metric);
  chart.granularity = granularity;
  for (const std::string& v : versions) {
    auto rows = index.Series(granularity, v, slice, column, metric);
    if (rows.empty()) continue;
    // Anomalies are rows of their own (<metric>_anomaly_z) on the same windows.
    std::set<int64_t> anomalous;
    for (const MetricRow* a : index.Series(granularity, v, slice, column, metric + "_anomaly_z")) {
      if (a->alarm.value_or(false)) anomalous.insert(a->window_start);
    }
    Series s;
    s.version = v;
    s.label = v == "*" ? "all versions" : "version " + v;
    for (const MetricRow* r : rows) {
      if (std::isnan(r->value)) continue;
      SeriesPoint p;
      p.window_start = r->window_start;
      p.window_end = r->window_end;
      p.value = r->value * info.scale;
      p.n = r->n;
      if (r->threshold.has_value()) p.threshold = *r->threshold * info.scale;
      p.alarm = r->alarm.value_or(false);
      p.anomaly = anomalous.count(r->window_start) > 0;
      s.points.push_back(p);
    }
    if (!s.points.empty()) chart.series.push_back(std::move(s));
  }
  return chart;
}

std::string FormatShare(double share) { return fmt::format("{:.0f}%", share * 100); }

// Feature distributions baseline vs current from the frame.
FeatureDistribution Distribution(const monitor::FeatureData& base_fd, const std::vector<uint32_t>& base_rows,
                                 const monitor::FeatureData& cur_fd, const std::vector<uint32_t>& cur_rows) {
  FeatureDistribution d;
  d.feature = cur_fd.column;
  d.numeric = cur_fd.numeric && base_fd.numeric;
  d.baseline_n = static_cast<int64_t>(base_rows.size());
  d.current_n = static_cast<int64_t>(cur_rows.size());
  if (d.numeric) {
    auto values = [](const monitor::FeatureData& fd, const std::vector<uint32_t>& rows, int64_t* missing) {
      std::vector<double> v;
      v.reserve(rows.size());
      for (uint32_t r : rows) {
        const double x = fd.num.values[r];
        if (std::isnan(x) || std::isinf(x)) {
          ++*missing;
        } else {
          v.push_back(x);
        }
      }
      return v;
    };
    int64_t base_missing = 0, cur_missing = 0;
    std::vector<double> b = values(base_fd, base_rows, &base_missing);
    std::vector<double> c = values(cur_fd, cur_rows, &cur_missing);
    d.baseline_missing = base_rows.empty() ? 0 : static_cast<double>(base_missing) / static_cast<double>(base_rows.size());
    d.current_missing = cur_rows.empty() ? 0 : static_cast<double>(cur_missing) / static_cast<double>(cur_rows.size());
    if (b.empty() && c.empty()) return d;
    auto q = [](std::vector<double>& v, double p) { return v.empty() ? NAN : monitor::metrics::LinearQuantile(v, p); };
    double lo = std::fmin(q(b, 0.01), q(c, 0.01));
    double hi = std::fmax(q(b, 0.99), q(c, 0.99));
    if (!(hi > lo)) hi = lo + 1;
    constexpr int kBins = 20;
    const double width = (hi - lo) / kBins;
    std::vector<double> bc(kBins, 0), cc(kBins, 0);
    auto count = [&](const std::vector<double>& v, std::vector<double>* out) {
      for (double x : v) {
        const int i = std::clamp(static_cast<int>(std::floor((x - lo) / width)), 0, kBins - 1);
        (*out)[static_cast<size_t>(i)] += 1;
      }
      for (double& x : *out) x = v.empty() ? 0 : x / static_cast<double>(v.size());
    };
    count(b, &bc);
    count(c, &cc);
    for (int i = 0; i < kBins; ++i) {
      DistributionBin bin;
      bin.lower = lo + width * i;
      bin.upper = i + 1 == kBins ? hi : lo + width * (i + 1);
      bin.label = fmt::format("{:.4g}–{:.4g}", bin.lower, bin.upper);
      if (i == 0) bin.label = "≤ " + fmt::format("{:.4g}", bin.upper);
      if (i + 1 == kBins) bin.label = "> " + fmt::format("{:.4g}", bin.lower);
      bin.baseline_share = bc[static_cast<size_t>(i)];
      bin.current_share = cc[static_cast<size_t>(i)];
      d.bins.push_back(std::move(bin));
    }
    return d;
  }
  // Categories: by name across the two dictionaries (the frames may differ).
  auto shares = [](const monitor::FeatureData& fd, const std::vector<uint32_t>& rows, double* missing) {
    std::map<std::string, double> out;
    std::vector<int64_t> counts(fd.cat.dictionary.size(), 0);
    int64_t miss = 0;
    for (uint32_t r : rows) {
      const int32_t code = fd.numeric ? -1 : fd.cat.codes[r];
      if (code < 0) {
        ++miss;
      } else {
        ++counts[static_cast<size_t>(code)];
      }
    }
    const double total = static_cast<double>(rows.size() - static_cast<size_t>(miss));
    for (size_t i = 0; i < counts.size(); ++i) {
      if (counts[i] > 0) out[fd.cat.dictionary[i]] = static_cast<double>(counts[i]) / total;
    }
    *missing = rows.empty() ? 0 : static_cast<double>(miss) / static_cast<double>(rows.size());
    return out;
  };
  const std::map<std::string, double> b = shares(base_fd, base_rows, &d.baseline_missing);
  const std::map<std::string, double> c = shares(cur_fd, cur_rows, &d.current_missing);
  std::vector<std::pair<double, std::string>> ranked;
  std::set<std::string> names;
  for (const auto& kv : b) names.insert(kv.first);
  for (const auto& kv : c) names.insert(kv.first);
  for (const std::string& n : names) {
    const double bs = b.count(n) ? b.at(n) : 0, cs = c.count(n) ? c.at(n) : 0;
    ranked.emplace_back(-std::max(bs, cs), n);
  }
  std::sort(ranked.begin(), ranked.end());
  constexpr size_t kMaxCategories = 12;
  double other_b = 0, other_c = 0;
  for (size_t i = 0; i < ranked.size(); ++i) {
    const std::string& n = ranked[i].second;
    const double bs = b.count(n) ? b.at(n) : 0, cs = c.count(n) ? c.at(n) : 0;
    if (i >= kMaxCategories) {
      other_b += bs;
      other_c += cs;
      continue;
    }
    DistributionBin bin;
    bin.label = n;
    bin.baseline_share = bs;
    bin.current_share = cs;
    d.bins.push_back(std::move(bin));
  }
  if (other_b > 0 || other_c > 0) {
    DistributionBin bin;
    bin.label = fmt::format("other ({})", ranked.size() - kMaxCategories);
    bin.baseline_share = other_b;
    bin.current_share = other_c;
    d.bins.push_back(std::move(bin));
  }
  return d;
}

// The model's rows of a side table (logs, resource samples) as a SQL FROM + WHERE.
std::string SideFrom(const monitor::SideTableConfig& t) {
  return " FROM " + monitor::TableRef(t.table, -1) + (t.filter.empty() ? "" : " WHERE " + t.filter);
}

std::string Cell(const Column& c, int64_t i) { return c.IsValid(i) ? std::string(c.GetString(i)) : std::string(); }

Result<LogTemplates> BuildLogs(const ModelConfig& model, const ReportOptions& options, int64_t base_from,
                               int64_t base_to, const std::string& base_version, int64_t cur_from,
                               const std::string& base_label, const std::string& cur_label, size_t max_templates) {
  const monitor::SideTableConfig& t = model.logs;
  LogTemplates out;
  out.table = t.table;
  out.baseline_label = base_label;
  out.current_label = cur_label;
  const std::string version = t.version.empty() ? "''" : "CAST(" + t.version + " AS STRING)";
  const std::string q = "SELECT template, level, " + version + ", " + monitor::QuotePath(t.timestamp) +
                        ", message" + SideFrom(t);
  sql::QueryOptions qo;
  qo.data_dir = options.data_dir;
  qo.threads = options.threads;
  LW_ASSIGN_OR_RETURN(sql::QueryResult r, sql::ExecuteQuery(q, qo));
  struct Acc {
    int64_t base = 0, cur = 0;
    std::map<std::string, int64_t> levels;
    std::set<std::string> versions;
    std::vector<std::string> examples;
    int64_t first_seen = INT64_MAX;
  };
  std::map<std::string, Acc> acc;
  for (const RecordBatch& b : r.batches) {
    for (int64_t i = 0; i < b.num_rows; ++i) {
      if (!b.columns[3]->IsValid(i)) continue;
      const std::string tmpl = Cell(*b.columns[0], i);
      if (tmpl.empty()) continue;
      const int64_t ts = b.columns[3]->Value<int64_t>(i);
      const std::string v = Cell(*b.columns[2], i);
      Acc& a = acc[tmpl];
      const bool in_base = base_version.empty() ? (ts >= base_from && ts < base_to) : v == base_version;
      const bool in_cur = ts >= cur_from;
      if (in_base) {
        ++a.base;
        ++out.baseline_lines;
      }
      if (in_cur) {
        ++a.cur;
        ++out.current_lines;
        if (a.examples.size() < 3) a.examples.push_back(Ellipsize(Cell(*b.columns[4], i), 4001));
      }
      ++a.levels[Cell(*b.columns[1], i)];
      if (!v.empty()) a.versions.insert(v);
      a.first_seen = std::min(a.first_seen, ts);
    }
  }
  // Lines of the baseline period counted twice when it overlaps the current one are fine:
  // rates are per period.
  for (auto& [tmpl, a] : acc) {
    if (a.base == 0 && a.cur == 0) continue;
    TemplateChange c;
    c.template_text = tmpl;
    c.baseline_count = a.base;
    c.current_count = a.cur;
    c.baseline_rate = out.baseline_lines > 0 ? 1000.0 * static_cast<double>(a.base) / static_cast<double>(out.baseline_lines) : 0;
    c.current_rate = out.current_lines > 0 ? 1000.0 * static_cast<double>(a.cur) / static_cast<double>(out.current_lines) : 0;
    c.is_new = a.base == 0 && a.cur > 0;
    int64_t best = -1;
    for (const auto& [level, n] : a.levels) {
      if (n > best) {
        best = n;
        c.level = level;
      }
    }
    c.versions.assign(a.versions.begin(), a.versions.end());
    c.examples = std::move(a.examples);
    c.first_seen = a.first_seen;
    out.changes.push_back(std::move(c));
  }
  auto is_error = [](const std::string& level) {
    std::string l = level;
    for (char& ch : l) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return l == "ERROR" || l == "FATAL" || l == "CRITICAL" || l == "E" || l == "F";
  };
  std::sort(out.changes.begin(), out.changes.end(), [&](const TemplateChange& a, const TemplateChange& b) {
    const bool na = a.is_new && is_error(a.level), nb = b.is_new && is_error(b.level);
    if (na != nb) return na;
    if (a.is_new != b.is_new) return a.is_new;
    const double da = std::fabs(a.current_rate - a.baseline_rate), db = std::fabs(b.current_rate - b.baseline_rate);
    if (da != db) return da > db;
    return a.template_text < b.template_text;
  });
  if (out.changes.size() > max_templates) out.changes.resize(max_templates);
  return out;
}

// Hourly means of the resource columns per version.
Result<std::vector<MetricChart>> BuildResources(const ModelConfig& model, const ReportOptions& options) {
  const monitor::SideTableConfig& t = model.resource_samples;
  std::vector<MetricChart> out;
  if (t.columns.empty()) return out;
  const std::string version = t.version.empty() ? "''" : "CAST(" + t.version + " AS STRING)";
  std::string q = "SELECT " + version + ", date_trunc('hour', " + monitor::QuotePath(t.timestamp) + ")";
  for (const std::string& c : t.columns) q += ", avg(CAST(" + monitor::QuotePath(c) + " AS DOUBLE))";
  q += SideFrom(t) + " GROUP BY 1, 2 ORDER BY 2";
  sql::QueryOptions qo;
  qo.data_dir = options.data_dir;
  qo.threads = options.threads;
  LW_ASSIGN_OR_RETURN(sql::QueryResult r, sql::ExecuteQuery(q, qo));
  for (size_t ci = 0; ci < t.columns.size(); ++ci) {
    MetricChart chart;
    chart.metric = "resource_mean";
    chart.column = t.columns[ci];
    chart.title = t.columns[ci] + " (hourly mean)";
    const std::string& c = t.columns[ci];
    chart.unit = c.find("pct") != std::string::npos || c.find("util") != std::string::npos ? "%"
                 : c.find("_mb") != std::string::npos                                     ? "MB"
                                                                                          : "";
    chart.higher_is_better = false;
    chart.granularity = "1h";
    std::map<std::string, Series> by_version;
    for (const RecordBatch& b : r.batches) {
      for (int64_t i = 0; i < b.num_rows; ++i) {
        const int col = static_cast<int>(ci) + 2;
        if (!b.columns[1]->IsValid(i) || !b.columns[col]->IsValid(i)) continue;
        const std::string v = Cell(*b.columns[0], i);
        Series& s = by_version[v];
        s.version = v.empty() ? "*" : v;
        s.label = v.empty() ? "all" : "version " + v;
        SeriesPoint p;
        p.window_start = b.columns[1]->Value<int64_t>(i);
        p.window_end = p.window_start + kHourMicros;
        p.value = b.columns[col]->Value<double>(i);
        s.points.push_back(p);
      }
    }
    for (auto& [v, s] : by_version) chart.series.push_back(std::move(s));
    if (!chart.series.empty()) out.push_back(std::move(chart));
  }
  return out;
}

}  // namespace

Result<ReportData> BuildReport(const monitor::MonitorConfig& config, const std::string& model_name,
                               const ReportOptions& options) {
  const ModelConfig* model = config.Find(model_name);
  if (model == nullptr) {
    std::string names;
    for (const ModelConfig& m : config.models) names += (names.empty() ? "" : ", ") + m.name;
    return Status::NotFound("no model '" + model_name + "' in " + config.path + " (models: " + names + ")");
  }
  LW_ASSIGN_OR_RETURN(std::vector<MetricRow> rows, monitor::ReadLatestMetrics(options.data_dir, model_name));
  if (rows.empty()) {
    return Status::NotFound("monitor_metrics holds no figures for model '" + model_name +
                            "': run `lakewatch monitor run` first");
  }
  const MetricIndex index(rows);
  ReportData d;
  d.model = model->name;
  d.problem = monitor::ProblemName(model->problem);
  d.table = model->table;
  d.data_dir = options.data_dir;
  d.config_path = options.config_path;
  d.generated_at = options.generated_at != 0 ? options.generated_at : NowMicros();
  d.headline_metric = model->problem == monitor::Problem::kRegression ? "mae" : "accuracy";
  for (const MetricRow& r : rows) {
    d.source_version = std::max(d.source_version, r.source_version);
    if (d.baseline.empty() && !r.baseline.empty()) d.baseline = r.baseline;
  }

  // ---- the events: versions, baseline and current rows for the distributions
  monitor::LoadOptions lo;
  lo.data_dir = options.data_dir;
  lo.threads = options.threads;
  LW_ASSIGN_OR_RETURN(ModelFrame frame, monitor::LoadModelFrame(*model, lo));
  ModelFrame base_frame_storage;
  const ModelFrame* base_frame = &frame;
  std::vector<uint32_t> base_rows;
  if (model->baseline.kind == monitor::BaselineConfig::Kind::kTable) {
    lo.table = model->baseline.table;
    LW_ASSIGN_OR_RETURN(base_frame_storage, monitor::LoadModelFrame(*model, lo));
    base_frame = &base_frame_storage;
    base_rows.resize(static_cast<size_t>(base_frame_storage.rows));
    for (uint32_t i = 0; i < base_frame_storage.rows; ++i) base_rows[i] = i;
  } else {
    base_rows = monitor::BaselineRows(*model, frame);
  }
  d.events = frame.rows;
  d.first_event = INT64_MAX;
  d.last_event = INT64_MIN;
  for (int64_t t : frame.ts) {
    if (t == INT64_MIN) continue;
    d.first_event = std::min(d.first_event, t);
    d.last_event = std::max(d.last_event, t);
  }
  if (d.first_event == INT64_MAX) d.first_event = d.last_event = 0;

  const std::vector<Granularity> grans = Granularities(rows);
  // The chart granularity: the finest with at most kMaxChartWindows windows; the
  // coarse one: the coarsest (the "current period" is its last window).
  std::string fine, coarse;
  for (const Granularity& g : grans) {
    const int64_t span = d.last_event - d.first_event;
    const int64_t windows = g.micros > 0 ? span / g.micros + 1 : span / (int64_t{g.months} * 28 * 24 * kHourMicros) + 1;
    if (fine.empty() && windows <= static_cast<int64_t>(kMaxChartWindows)) fine = g.name;
    coarse = g.name;
  }
  if (fine.empty() && !grans.empty()) fine = grans.back().name;
  int64_t cur_from = d.first_event;
  if (!coarse.empty() && !frame.ts.empty()) {
    auto g = monitor::ParseGranularity(coarse);
    if (g.ok()) cur_from = g->Start(d.last_event);
  }
  std::vector<uint32_t> cur_rows;
  for (uint32_t i = 0; i < frame.rows; ++i) {
    if (frame.ts.empty() || (frame.ts[i] != INT64_MIN && frame.ts[i] >= cur_from)) cur_rows.push_back(i);
  }

  // ---- versions
  std::vector<std::string> versions;  // the model's versions, ascending; "*" when it has none
  {
    const size_t nv = frame.version.dictionary.size();
    std::vector<VersionSummary> vs(nv);
    std::vector<int64_t> labelled(nv, 0);
    for (size_t v = 0; v < nv; ++v) {
      vs[v].version = frame.version.dictionary[v];
      vs[v].first_seen = INT64_MAX;
      vs[v].last_seen = INT64_MIN;
    }
    int64_t all_labelled = 0;
    for (uint32_t i = 0; i < frame.rows; ++i) {
      const bool has_label = frame.has_label && ((!frame.label_class.empty() && frame.label_class[i] >= 0) ||
                                                 (!frame.label_value.values.empty() && !std::isnan(frame.label_value.values[i])));
      all_labelled += has_label;
      const int32_t c = frame.version.codes.empty() ? -1 : frame.version.codes[i];
      if (c < 0) continue;
      VersionSummary& v = vs[static_cast<size_t>(c)];
      ++v.events;
      labelled[static_cast<size_t>(c)] += has_label;
      if (!frame.ts.empty() && frame.ts[i] != INT64_MIN) {
        v.first_seen = std::min(v.first_seen, frame.ts[i]);
        v.last_seen = std::max(v.last_seen, frame.ts[i]);
      }
    }
    d.label_coverage = frame.rows > 0 ? static_cast<double>(all_labelled) / static_cast<double>(frame.rows) : 0;
    for (size_t v = 0; v < nv; ++v) {
      if (vs[v].events == 0) continue;
      vs[v].label_coverage = static_cast<double>(labelled[v]) / static_cast<double>(vs[v].events);
      if (const MetricRow* h = index.One("all", vs[v].version, "", "", d.headline_metric)) vs[v].headline = h->value;
      if (vs[v].first_seen == INT64_MAX) vs[v].first_seen = vs[v].last_seen = 0;
      d.versions.push_back(std::move(vs[v]));
    }
    std::sort(d.versions.begin(), d.versions.end(), [](const VersionSummary& a, const VersionSummary& b) {
      return a.first_seen != b.first_seen ? a.first_seen < b.first_seen : a.version < b.version;
    });
    for (const VersionSummary& v : d.versions) versions.push_back(v.version);
    if (versions.empty()) versions.push_back("*");
  }

  // ---- alarms
  for (const MetricRow& r : rows) {
    if (!r.alarm.value_or(false)) continue;
    Alarm a;
    a.window_start = r.window_start;
    a.window_end = r.window_end;
    a.granularity = r.granularity;
    a.version = r.version;
    a.slice = r.slice;
    a.column = r.column;
    a.metric = r.metric;
    a.value = r.value;
    a.threshold = r.threshold;
    a.baseline = r.baseline;
    a.n = r.n;
    a.description = monitor::DescribeAlarm(r);
    for (VersionSummary& v : d.versions) v.alarms += v.version == r.version;
    d.alarms.push_back(std::move(a));
  }
  std::sort(d.alarms.begin(), d.alarms.end(), [](const Alarm& a, const Alarm& b) {
    if (a.window_start != b.window_start) return a.window_start > b.window_start;
    if (a.granularity != b.granularity) return a.granularity < b.granularity;
    return std::tie(a.version, a.slice, a.column, a.metric) < std::tie(b.version, b.slice, b.column, b.metric);
  });
  d.alarm_count = static_cast<int64_t>(d.alarms.size());

  // ---- performance
  std::vector<std::string> perf_metrics =
      model->problem == monitor::Problem::kRegression ? std::vector<std::string>{"mae", "rmse", "r2"}
      : model->problem == monitor::Problem::kBinary   ? std::vector<std::string>{"accuracy", "roc_auc", "f1"}
                                                      : std::vector<std::string>{"accuracy", "f1_macro"};
  perf_metrics.push_back("label_coverage");
  for (const std::string& m : perf_metrics) {
    MetricChart c = Chart(index, fine, versions, "", "", m);
    if (!c.series.empty()) d.performance.push_back(std::move(c));
  }
  // The slice where the newest version does worst on the headline figure (most alarms).
  std::string worst_slice;
  if (!versions.empty()) {
    std::map<std::string, int> slice_alarms;
    for (const MetricRow& r : rows) {
      if (!r.slice.empty() && r.metric == d.headline_metric && r.version == versions.back() && r.alarm.value_or(false)) {
        ++slice_alarms[r.slice];
      }
    }
    int best = 0;
    for (const auto& [slice, n] : slice_alarms) {
      if (n > best) {
        best = n;
        worst_slice = slice;
      }
    }
    if (!worst_slice.empty()) {
      const std::string g = coarse.empty() ? fine : coarse;
      MetricChart c = Chart(index, g, versions, worst_slice, "", d.headline_metric, " — " + worst_slice);
      if (!c.series.empty()) d.performance.insert(d.performance.begin() + 1, std::move(c));
    }
  }

  // ---- drift heatmaps (coarsest first), version "*"
  std::set<std::string> feature_names;
  for (const monitor::FeatureData& fd : frame.features) feature_names.insert(fd.column);
  for (auto g = grans.rbegin(); g != grans.rend(); ++g) {
    DriftHeatmap h;
    h.granularity = g->name;
    h.version = "*";
    std::map<std::string, DriftRow> by_feature;
    std::set<int64_t> windows;
    for (const MetricRow& r : rows) {
      if (r.granularity != g->name || r.version != "*" || !r.slice.empty() || r.column.empty() ||
          !IsDriftMetric(r.metric) || !r.threshold.has_value() || r.window_start == monitor::kNoTime) {
        continue;
      }
      DriftRow& row = by_feature[r.column];
      row.feature = r.column;
      DriftCell c;
      c.window_start = r.window_start;
      c.metric = r.metric;
      c.value = r.value;
      c.threshold = r.threshold;
      c.alarm = r.alarm.value_or(false);
      c.intensity = Intensity(r.metric, r.value, r.threshold);
      row.cells.push_back(c);
      windows.insert(r.window_start);
    }
    if (by_feature.empty()) continue;
    for (auto& [name, row] : by_feature) {
      std::sort(row.cells.begin(), row.cells.end(),
                [](const DriftCell& a, const DriftCell& b) { return a.window_start < b.window_start; });
      for (const monitor::FeatureData& fd : frame.features) {
        if (fd.column == name) row.numeric = fd.numeric;
      }
      for (const DriftCell& c : row.cells) {
        if (!c.alarm) continue;
        ++row.windows_drifted;
        if (!row.first_drift.has_value()) row.first_drift = c.window_start;
      }
      h.rows.push_back(std::move(row));
    }
    // Features first, then the model's own columns (prediction, score, label); most drifted first.
    std::sort(h.rows.begin(), h.rows.end(), [&](const DriftRow& a, const DriftRow& b) {
      const bool fa = feature_names.count(a.feature) > 0, fb = feature_names.count(b.feature) > 0;
      if (fa != fb) return fa;
      if (a.windows_drifted != b.windows_drifted) return a.windows_drifted > b.windows_drifted;
      return a.feature < b.feature;
    });
    h.windows.assign(windows.begin(), windows.end());
    d.drift.push_back(std::move(h));
  }

  // ---- top drifted features: distributions baseline vs the current period
  std::string base_label;
  {
    const monitor::BaselineConfig& b = model->baseline;
    if (b.kind == monitor::BaselineConfig::Kind::kVersion) {
      base_label = "version " + b.version;
    } else if (b.kind == monitor::BaselineConfig::Kind::kTable) {
      base_label = "table " + b.table;
    } else if (b.kind == monitor::BaselineConfig::Kind::kTimeRange) {
      base_label = ShortDate(b.from_micros, false, true) + " – " + ShortDate(b.to_micros, false, true) + " UTC";
    } else if (!base_rows.empty() && !frame.ts.empty()) {
      int64_t lo_ts = INT64_MAX, hi_ts = INT64_MIN;
      for (uint32_t r : base_rows) {
        lo_ts = std::min(lo_ts, frame.ts[r]);
        hi_ts = std::max(hi_ts, frame.ts[r]);
      }
      base_label = "first day: " + ShortDate(lo_ts, false, true) + " – " + ShortDate(hi_ts, false, true) + " UTC";
    }
    if (!base_label.empty()) d.baseline = base_label;
  }
  const std::string cur_label = (coarse.empty() ? "all events" : "last " + coarse + " window") +
                                std::string(frame.ts.empty() ? "" : " from " + ShortDate(cur_from));
  if (!d.drift.empty()) {
    const DriftHeatmap& h = d.drift.front();
    std::vector<const DriftRow*> ranked;
    for (const DriftRow& r : h.rows) {
      if (feature_names.count(r.feature) > 0 && !r.cells.empty()) ranked.push_back(&r);
    }
    std::stable_sort(ranked.begin(), ranked.end(), [](const DriftRow* a, const DriftRow* b) {
      if (a->windows_drifted != b->windows_drifted) return a->windows_drifted > b->windows_drifted;
      return a->cells.back().intensity > b->cells.back().intensity;
    });
    for (const DriftRow* r : ranked) {
      if (d.top_drifted.size() >= options.top_features) break;
      if (r->windows_drifted == 0 && !d.top_drifted.empty()) break;
      const monitor::FeatureData* cur_fd = nullptr;
      const monitor::FeatureData* base_fd = nullptr;
      for (const monitor::FeatureData& fd : frame.features) {
        if (fd.column == r->feature) cur_fd = &fd;
      }
      for (const monitor::FeatureData& fd : base_frame->features) {
        if (fd.column == r->feature) base_fd = &fd;
      }
      if (cur_fd == nullptr || base_fd == nullptr) continue;
      FeatureDistribution fdist = Distribution(*base_fd, base_rows, *cur_fd, cur_rows);
      fdist.metric = r->cells.back().metric;
      fdist.value = r->cells.back().value;
      fdist.threshold = r->cells.back().threshold;
      fdist.baseline_label = base_label;
      fdist.current_label = cur_label;
      d.top_drifted.push_back(std::move(fdist));
    }
  }

  // ---- data quality
  {
    std::vector<std::pair<double, std::string>> rising;  // missing-rate increase, feature
    for (const monitor::FeatureData& fd : frame.features) {
      QualityRow q;
      q.feature = fd.column;
      const monitor::FeatureData* bfd = nullptr;
      for (const monitor::FeatureData& b : base_frame->features) {
        if (b.column == fd.column) bfd = &b;
      }
      auto missing_share = [](const monitor::FeatureData& f, const std::vector<uint32_t>& rs) {
        if (rs.empty()) return 0.0;
        int64_t m = 0;
        for (uint32_t r : rs) m += f.numeric ? std::isnan(f.num.values[r]) : f.cat.codes[r] < 0;
        return static_cast<double>(m) / static_cast<double>(rs.size());
      };
      q.missing_rate_baseline = bfd != nullptr ? missing_share(*bfd, base_rows) : 0;
      q.missing_rate_current = missing_share(fd, cur_rows);
      const std::string g = coarse.empty() ? fine : coarse;
      auto latest = [&](const char* metric) -> std::optional<double> {
        const MetricRow* r = index.One(g, "*", "", fd.column, metric);
        if (r != nullptr && r->alarm.value_or(false)) q.alarm = true;
        return r != nullptr ? std::optional<double>(r->value) : std::nullopt;
      };
      q.type_violation_rate = latest("type_violation_rate");
      q.out_of_range_rate = latest("out_of_range_rate");
      q.unseen_category_rate = latest("unseen_category_rate");
      latest("missing_rate");
      rising.emplace_back(q.missing_rate_current - q.missing_rate_baseline, fd.column);
      d.quality.push_back(std::move(q));
    }
    std::sort(rising.rbegin(), rising.rend());
    MetricChart missing;
    missing.metric = "missing_rate";
    missing.title = "Missing values";
    missing.unit = "%";
    missing.higher_is_better = false;
    missing.granularity = fine;
    for (size_t i = 0; i < rising.size() && i < 4; ++i) {
      MetricChart one = Chart(index, fine, {"*"}, "", rising[i].second, "missing_rate");
      for (Series& s : one.series) {
        s.label = rising[i].second;
        missing.series.push_back(std::move(s));
      }
    }
    if (!missing.series.empty()) d.quality_charts.push_back(std::move(missing));
  }

  // ---- operations
  for (const char* m : {"latency_p50", "latency_p95", "latency_p99", "error_rate", "throughput"}) {
    MetricChart c = Chart(index, fine, versions, "", "", m);
    if (!c.series.empty()) d.operations.push_back(std::move(c));
  }
  for (const std::string& res : model->resources) {
    MetricChart c = Chart(index, fine, versions, "", res, "resource_mean");
    if (!c.series.empty()) d.operations.push_back(std::move(c));
  }
  if (model->resource_samples.present()) {
    LW_ASSIGN_OR_RETURN(std::vector<MetricChart> charts, BuildResources(*model, options));
    for (MetricChart& c : charts) d.operations.push_back(std::move(c));
  }

  // ---- logs
  if (model->logs.present() && !frame.ts.empty()) {
    int64_t base_from = INT64_MIN, base_to = INT64_MIN;
    std::string base_version;
    if (model->baseline.kind == monitor::BaselineConfig::Kind::kVersion) {
      base_version = model->baseline.version;
    } else if (!base_rows.empty() && base_frame == &frame) {
      base_from = INT64_MAX;
      for (uint32_t r : base_rows) {
        base_from = std::min(base_from, frame.ts[r]);
        base_to = std::max(base_to, frame.ts[r] + 1);
      }
    }
    LW_ASSIGN_OR_RETURN(d.logs, BuildLogs(*model, options, base_from, base_to, base_version, cur_from, base_label,
                                          cur_label, options.max_templates));
  }

  // ---- findings, most important first
  const std::string g_label = coarse.empty() ? fine : coarse;
  if (d.versions.size() >= 2) {
    const VersionSummary& nv = d.versions.back();
    const VersionSummary& ov = d.versions[d.versions.size() - 2];
    std::string s = fmt::format("Version {} first served on {} (after version {})", nv.version,
                                ShortDate(nv.first_seen, false, true), ov.version);
    if (nv.headline.has_value() && ov.headline.has_value()) {
      const MetricInfo info = Info(d.headline_metric);
      s += fmt::format("; {} {:.3f} against {:.3f}", info.title, *nv.headline, *ov.headline);
      const bool worse = monitor::HigherIsBetter(d.headline_metric) ? *nv.headline < *ov.headline
                                                                    : *nv.headline > *ov.headline;
      s += worse ? " — worse" : " — better";
    }
    d.findings.push_back(s + ".");
  }
  if (!worst_slice.empty()) {
    const MetricRow* nr = index.One("all", versions.back(), worst_slice, "", d.headline_metric);
    const MetricRow* orow = versions.size() >= 2 ? index.One("all", versions[versions.size() - 2], worst_slice, "",
                                                             d.headline_metric)
                                                 : nullptr;
    std::string s = fmt::format("Version {} degrades on {}", versions.back(), worst_slice);
    if (nr != nullptr) s += fmt::format(": {} {:.3f}", Info(d.headline_metric).title, nr->value);
    if (orow != nullptr) s += fmt::format(" (version {}: {:.3f})", versions[versions.size() - 2], orow->value);
    int windows = 0;
    for (const MetricRow& r : rows) {
      windows += r.slice == worst_slice && r.version == versions.back() && r.metric == d.headline_metric &&
                 r.granularity == g_label && r.alarm.value_or(false);
    }
    if (windows > 0) s += fmt::format(", crossing its threshold in {} {} windows", windows, g_label);
    d.findings.push_back(s + ".");
  }
  {
    // Headline alarms of the newest version on all its rows.
    int windows = 0;
    int64_t first = INT64_MAX;
    for (const MetricRow& r : rows) {
      if (r.slice.empty() && r.version == versions.back() && r.metric == d.headline_metric && r.granularity == fine &&
          r.alarm.value_or(false)) {
        ++windows;
        first = std::min(first, r.window_start);
      }
    }
    if (windows > 0) {
      d.findings.push_back(fmt::format("{} of version {} crossed its threshold in {} {} windows, first on {}.",
                                       Info(d.headline_metric).title, versions.back(), windows, fine,
                                       ShortDate(first, false, true)));
    }
  }
  if (!d.drift.empty()) {
    std::vector<std::string> names;
    int64_t first = INT64_MAX;
    for (const DriftRow& r : d.drift.front().rows) {
      if (r.windows_drifted == 0 || feature_names.count(r.feature) == 0) continue;
      names.push_back(r.feature);
      first = std::min(first, r.first_drift.value_or(INT64_MAX));
    }
    if (!names.empty()) {
      std::string list;
      for (size_t i = 0; i < names.size() && i < 5; ++i) list += (i ? ", " : "") + names[i];
      if (names.size() > 5) list += fmt::format(" and {} more", names.size() - 5);
      d.findings.push_back(fmt::format("Input drift in {} of {} features from {}: {}.", names.size(),
                                       feature_names.size(), ShortDate(first), list));
    }
  }
  for (const QualityRow& q : d.quality) {
    if (q.missing_rate_current - q.missing_rate_baseline < 0.05) continue;
    d.findings.push_back(fmt::format("Missing values of {} rose from {} in the baseline to {} in the {}.", q.feature,
                                     FormatShare(q.missing_rate_baseline), FormatShare(q.missing_rate_current),
                                     cur_label));
  }
  if (versions.size() >= 2 && !frame.error.empty()) {
    std::vector<double> rate(2, 0);
    for (size_t k = 0; k < 2; ++k) {
      const int32_t code = frame.version.Find(versions[versions.size() - 2 + k]);
      int64_t n = 0, e = 0;
      for (uint32_t i = 0; i < frame.rows; ++i) {
        if (frame.version.codes[i] != code) continue;
        ++n;
        e += frame.error[i];
      }
      rate[k] = n > 0 ? static_cast<double>(e) / static_cast<double>(n) : 0;
    }
    if (rate[1] > 2 * rate[0] && rate[1] - rate[0] >= 0.002) {
      d.findings.push_back(fmt::format("Error rate of version {}: {:.2f}% against {:.2f}% for version {}.",
                                       versions.back(), rate[1] * 100, rate[0] * 100, versions[versions.size() - 2]));
    }
  }
  if (d.logs.has_value()) {
    for (const TemplateChange& c : d.logs->changes) {
      if (!c.is_new) continue;
      std::string vers;
      for (const std::string& v : c.versions) vers += (vers.empty() ? "" : ", ") + v;
      d.findings.push_back(fmt::format("New log template{} since {}: \"{}\" ({} lines in the {}).",
                                       vers.empty() ? "" : " in version " + vers, ShortDate(c.first_seen, false, true),
                                       Ellipsize(c.template_text, 91), GroupThousands(c.current_count), cur_label));
      break;
    }
  }
  if (versions.size() >= 2 && !frame.latency.values.empty()) {
    std::vector<double> p95(2, NAN);
    for (size_t k = 0; k < 2; ++k) {
      const int32_t code = frame.version.Find(versions[versions.size() - 2 + k]);
      std::vector<double> v;
      for (uint32_t i = 0; i < frame.rows; ++i) {
        if (frame.version.codes[i] == code && !std::isnan(frame.latency.values[i])) v.push_back(frame.latency.values[i]);
      }
      std::sort(v.begin(), v.end());
      if (!v.empty()) p95[k] = monitor::metrics::LinearQuantile(v, 0.95);
    }
    if (!std::isnan(p95[0]) && !std::isnan(p95[1]) && p95[0] > 0 && std::fabs(p95[1] / p95[0] - 1) >= 0.1) {
      d.findings.push_back(fmt::format("Latency p95 of version {}: {:.1f} ms against {:.1f} ms for version {} ({:+.0f}%).",
                                       versions.back(), p95[1], p95[0], versions[versions.size() - 2],
                                       (p95[1] / p95[0] - 1) * 100));
    }
  }
  if (frame.has_label) {
    d.findings.push_back(fmt::format("Labels cover {} of predictions{}.", FormatShare(d.label_coverage),
                                     d.label_coverage < 0.95 ? " (late labels still arriving; recent windows fill in "
                                                               "as they do)"
                                                             : ""));
  }
  return d;
}

}  // namespace lakewatch::report
