#include "report/sample_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <numbers>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/time.h"

namespace lakewatch::report {
namespace {

constexpr int64_t kHour = int64_t{3600} * kMicrosPerSecond;
constexpr int64_t kDay = kMicrosPerDay;
constexpr int kDays = 14;
constexpr int kCanaryDay = 7;  // version 3 takes traffic from Nov 10
constexpr const char* kBaseline = "version 2, 2025-11-03 – 2025-11-09";

// Deterministic noise in [-1, 1): splitmix64 of (stream, index).
double Noise(uint64_t stream, uint64_t i) {
  uint64_t z = stream * 0x9E3779B97F4A7C15ULL + i * 0xD1B54A32D192ED03ULL + 0x632BE59BD9B4E019ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) / static_cast<double>(uint64_t{1} << 53) * 2 - 1;
}

// Share of the traffic version 3 receives on `day` (a canary, then half).
double CanaryShare(int day) { return day < kCanaryDay ? 0 : day < 10 ? 0.3 : 0.5; }

// Predictions per hour of a version: a daily cycle peaking in the afternoon (UTC).
double Traffic(const std::string& version, int hour) {
  double cycle = 1 + 0.45 * std::sin((hour % 24 - 9) * std::numbers::pi / 12);
  double share = version == "3" ? CanaryShare(hour / 24) : 1 - CanaryShare(hour / 24);
  return 4200 * cycle * share * (1 + 0.05 * Noise(version == "3" ? 3 : 2, hour));
}

int64_t Events(const std::string& version, int first_hour, int hours) {
  double sum = 0;
  for (int h = first_hour; h < first_hour + hours; ++h) sum += Traffic(version, h);
  return std::llround(sum);
}

// A figure as an alarm sentence shows it.
std::string Figure(double v, const std::string& unit) {
  if (unit == "%") return fmt::format("{:.2f}%", v * 100);
  if (unit.empty()) return fmt::format("{:.3f}", v);
  return fmt::format("{:.0f} {}", v, unit);
}

struct SeriesSpec {
  std::string version = {};
  std::string label = {};   // legend text; "" = "version N"
  std::string metric = {};  // the metric of its alarms; "" = the chart's
  int first = 0;            // first window (of the chart's granularity) from the start
  int count = 0;
  std::function<double(int)> value = {};  // window index -> figure (NaN: none)
  std::optional<double> threshold = {};
  double n_share = 1;  // share of the version's events behind a figure (labelled ones)
};

class SampleBuilder {
 public:
  explicit SampleBuilder(int64_t start) : start_(start) {}

  // Appends a series to `chart`; windows past the threshold alarm and are listed.
  // Figures are monitor_metrics' (rates as shares); a "%" chart holds them as
  // percentages, as the report builder makes them.
  void AddSeries(MetricChart* chart, const SeriesSpec& spec) {
    const bool hourly = chart->granularity == "1h";
    const int64_t step = hourly ? kHour : kDay;
    const double scale = chart->unit == "%" ? 100 : 1;
    Series s;
    s.version = spec.version;
    s.label = spec.label;
    for (int i = spec.first; i < spec.first + spec.count; ++i) {
      SeriesPoint p;
      p.window_start = start_ + i * step;
      p.window_end = p.window_start + step;
      const double value = spec.value(i);
      p.value = value * scale;
      p.n = std::llround(
          static_cast<double>(Events(spec.version, hourly ? i : i * 24, hourly ? 1 : 24)) *
          spec.n_share);
      if (spec.threshold) p.threshold = *spec.threshold * scale;
      if (spec.threshold && std::isfinite(value)) {
        p.alarm = chart->higher_is_better ? value < *spec.threshold : value > *spec.threshold;
      }
      if (p.alarm) {
        Alarm a;
        a.window_start = p.window_start;
        a.window_end = p.window_end;
        a.granularity = chart->granularity;
        a.version = spec.version;
        a.column = chart->column;
        a.metric = spec.metric.empty() ? chart->metric : spec.metric;
        a.value = value;
        a.threshold = spec.threshold;
        a.baseline = kBaseline;
        a.n = p.n;
        a.description = fmt::format(
            "{}{} of version {} was {} in the {} from {}, {} its threshold {}.", chart->title,
            spec.label.empty() ? "" : " " + spec.label, spec.version, Figure(value, chart->unit),
            hourly ? "hour" : "day", FormatTimestampMicros(p.window_start).substr(0, 16),
            chart->higher_is_better ? "below" : "above", Figure(*spec.threshold, chart->unit));
        AddAlarm(std::move(a));
      }
      s.points.push_back(p);
    }
    chart->series.push_back(std::move(s));
  }

  void AddAlarm(Alarm a) {
    for (VersionSummary& v : r_.versions) {
      if (v.version == a.version) ++v.alarms;
    }
    r_.alarms.push_back(std::move(a));
  }

  int64_t start() const { return start_; }
  ReportData& report() { return r_; }

 private:
  int64_t start_;
  ReportData r_;
};

MetricChart Chart(std::string metric, std::string column, std::string title, std::string unit,
                  bool higher_is_better, std::string granularity) {
  MetricChart c;
  c.metric = std::move(metric);
  c.column = std::move(column);
  c.title = std::move(title);
  c.unit = std::move(unit);
  c.higher_is_better = higher_is_better;
  c.granularity = std::move(granularity);
  return c;
}

// ---- performance: version 3's accuracy falls from the day after it ships

void AddPerformance(SampleBuilder* b) {
  struct Metric {
    const char* metric;
    const char* title;
    double v2, v3_start, v3_drop, threshold;
  };
  const Metric metrics[] = {{"accuracy", "Accuracy", 0.912, 0.915, 0.012, 0.89},
                            {"roc_auc", "ROC AUC", 0.955, 0.957, 0.008, 0.93},
                            {"f1", "F1 score", 0.781, 0.786, 0.021, 0.74}};
  for (size_t m = 0; m < std::size(metrics); ++m) {
    const Metric& k = metrics[m];
    MetricChart c = Chart(k.metric, "", k.title, "", true, "1d");
    SeriesSpec v2{.version = "2",
                  .first = 0,
                  .count = kDays,
                  .value = [&k, m](int d) -> double {
                    if (m == 1 && d == 5) return std::nan("");  // no labels arrived that day
                    return k.v2 + 0.004 * Noise(10 + m, d);
                  },
                  .threshold = k.threshold,
                  .n_share = 0.87};
    b->AddSeries(&c, v2);
    SeriesSpec v3{.version = "3",
                  .first = kCanaryDay,
                  .count = kDays - kCanaryDay,
                  .value =
                      [&k, m](int d) {
                        return k.v3_start - k.v3_drop * (d - kCanaryDay) + 0.003 * Noise(20 + m, d);
                      },
                  .threshold = k.threshold,
                  .n_share = 0.71};
    b->AddSeries(&c, v3);
    b->report().performance.push_back(std::move(c));
  }
}

// ---- drift: amount, merchant_category and account_age_days move

struct FeatureDrift {
  const char* feature;
  bool numeric;
  const char* metric;
  double base;   // the statistic without drift
  double onset;  // days from the start
  double slope;  // per day after the onset
  double peak;
};

constexpr FeatureDrift kFeatures[] = {
    {"features.amount", true, "wasserstein_norm", 0.025, 7.5, 0.06, 0.28},
    {"features.merchant_category", false, "js_distance", 0.02, 9.2, 0.07, 0.22},
    {"features.account_age_days", true, "wasserstein_norm", 0.02, 11.0, 0.045, 0.16},
    {"features.hour_of_day", true, "wasserstein_norm", 0.03, 99, 0, 0},
    {"features.country", false, "js_distance", 0.025, 99, 0, 0},
    {"features.device_type", false, "js_distance", 0.03, 99, 0, 0}};
constexpr double kDriftThreshold = 0.1;

double DriftLevel(const FeatureDrift& f, double days) {
  return f.base + (days > f.onset ? std::min(f.peak, f.slope * (days - f.onset)) : 0);
}

DriftHeatmap Heatmap(SampleBuilder* b, bool hourly) {
  const int64_t step = hourly ? kHour : kDay;
  const int windows = hourly ? kDays * 24 : kDays;
  DriftHeatmap hm;
  hm.granularity = hourly ? "1h" : "1d";
  hm.version = "*";
  for (int w = 0; w < windows; ++w) hm.windows.push_back(b->start() + w * step);
  for (size_t f = 0; f < std::size(kFeatures); ++f) {
    const FeatureDrift& fd = kFeatures[f];
    DriftRow row;
    row.feature = fd.feature;
    row.numeric = fd.numeric;
    for (int w = 0; w < windows; ++w) {
      double days = (w + 0.5) * static_cast<double>(step) / kDay;
      double noise = (hourly ? 0.5 : 0.25) * fd.base * Noise(100 + f + (hourly ? 50 : 0), w);
      DriftCell c;
      c.window_start = hm.windows[w];
      c.metric = fd.metric;
      c.value = std::max(0.0, DriftLevel(fd, days) + noise);
      c.threshold = kDriftThreshold;
      c.intensity = std::clamp(c.value / (2 * kDriftThreshold), 0.0, 1.0);
      // Hourly windows are shown, alarms are raised on daily windows only.
      c.alarm = !hourly && c.value > kDriftThreshold;
      if (c.alarm) {
        ++row.windows_drifted;
        if (!row.first_drift) row.first_drift = c.window_start;
        Alarm a;
        a.window_start = c.window_start;
        a.window_end = c.window_start + step;
        a.granularity = hm.granularity;
        a.version = "*";
        a.column = fd.feature;
        a.metric = fd.metric;
        a.value = c.value;
        a.threshold = kDriftThreshold;
        a.baseline = kBaseline;
        a.n = Events("2", w * 24, 24) + Events("3", w * 24, 24);
        a.description = fmt::format("{} drifted: {} {:.3f} against the baseline, threshold {}.",
                                    fd.feature, fd.metric, c.value, kDriftThreshold);
        b->AddAlarm(std::move(a));
      }
      row.cells.push_back(std::move(c));
    }
    hm.rows.push_back(std::move(row));
  }
  std::stable_sort(hm.rows.begin(), hm.rows.end(), [](const DriftRow& x, const DriftRow& y) {
    return x.cells.back().value > y.cells.back().value;
  });
  return hm;
}

// A distribution from relative weights per bin (normalized to shares).
FeatureDistribution Distribution(const char* feature, bool numeric, double value,
                                 const std::vector<std::string>& labels,
                                 const std::vector<double>& baseline,
                                 const std::vector<double>& current) {
  FeatureDistribution d;
  d.feature = feature;
  d.numeric = numeric;
  d.metric = numeric ? "wasserstein_norm" : "js_distance";
  d.value = value;
  d.threshold = kDriftThreshold;
  d.baseline_label = "2025-11-03 – 2025-11-09 (version 2)";
  d.current_label = "last day: 2025-11-16";
  d.baseline_n = Events("2", 0, 7 * 24);
  d.current_n = Events("2", 13 * 24, 24) + Events("3", 13 * 24, 24);
  d.baseline_missing = 0.001;
  d.current_missing = 0.002;
  double base_sum = 0, cur_sum = 0;
  for (size_t i = 0; i < labels.size(); ++i) base_sum += baseline[i], cur_sum += current[i];
  for (size_t i = 0; i < labels.size(); ++i) {
    DistributionBin bin;
    bin.label = labels[i];
    bin.lower = static_cast<double>(i);
    bin.upper = static_cast<double>(i + 1);
    bin.baseline_share = baseline[i] / base_sum;
    bin.current_share = current[i] / cur_sum;
    d.bins.push_back(std::move(bin));
  }
  return d;
}

void AddDistributions(ReportData* r) {
  auto last_day = [r](const char* feature) {
    for (const DriftRow& row : r->drift[0].rows) {
      if (row.feature == feature) return row.cells.back().value;
    }
    return 0.0;
  };
  r->top_drifted.push_back(Distribution("features.amount", true, last_day("features.amount"),
                                        {"0–10", "10–25", "25–50", "50–100", "100–250", "250–500",
                                         "500–1k", "1k–2.5k", "2.5k–5k", "5k+"},
                                        {6, 14, 22, 24, 17, 9, 5, 2, 0.8, 0.2},
                                        {3, 8, 14, 19, 20, 16, 11, 6, 2.5, 0.5}));
  r->top_drifted.push_back(
      Distribution("features.merchant_category", false, last_day("features.merchant_category"),
                   {"grocery", "online_retail", "restaurants", "fuel", "electronics", "travel",
                    "gaming", "other"},
                   {24, 20, 18, 12, 10, 8, 5, 3}, {17, 22, 13, 9, 16, 6, 13, 4}));
  r->top_drifted.push_back(
      Distribution("features.account_age_days", true, last_day("features.account_age_days"),
                   {"0–30", "30–90", "90–180", "180–365", "1–2 y", "2–5 y", "5–10 y", "10 y+"},
                   {5, 8, 12, 18, 20, 22, 10, 5}, {14, 15, 14, 16, 15, 15, 7, 4}));
}

// ---- data quality: device_type goes missing more and more from Nov 13

void AddQuality(SampleBuilder* b) {
  ReportData& r = b->report();
  struct Row {
    const char* feature;
    double base, cur;
    std::optional<double> type, range, unseen;
  };
  const Row rows[] = {{"features.device_type", 0.002, 0.041, 0.0, std::nullopt, 0.0},
                      {"features.merchant_category", 0.0005, 0.0007, 0.0, std::nullopt, 0.0063},
                      {"features.amount", 0.001, 0.002, 0.0, 0.0011, std::nullopt},
                      {"features.account_age_days", 0.0, 0.0, 0.00002, 0.0, std::nullopt},
                      {"features.country", 0.003, 0.0031, 0.0, std::nullopt, 0.0004},
                      {"features.hour_of_day", 0.0, 0.0, 0.0, 0.0, std::nullopt}};
  for (const Row& x : rows) {
    r.quality.push_back(QualityRow{.feature = x.feature,
                                   .missing_rate_baseline = x.base,
                                   .missing_rate_current = x.cur,
                                   .type_violation_rate = x.type,
                                   .out_of_range_rate = x.range,
                                   .unseen_category_rate = x.unseen,
                                   .alarm = x.cur > 0.02});
  }
  const double kMissingThreshold = 0.02;
  for (int f = 0; f < 2; ++f) {
    const char* column = f == 0 ? "features.device_type" : "features.country";
    MetricChart c =
        Chart("missing_rate", column, fmt::format("Missing values · {}", column), "%", false, "1d");
    for (const char* version : {"2", "3"}) {
      bool v3 = version[0] == '3';
      b->AddSeries(&c, SeriesSpec{.version = version,
                                  .first = v3 ? kCanaryDay : 0,
                                  .count = v3 ? kDays - kCanaryDay : kDays,
                                  .value =
                                      [f, v3](int d) {
                                        double rise = f == 0 && d >= 10 ? 0.012 * (d - 9) : 0;
                                        return std::max(
                                            0.0, (f == 0 ? 0.002 : 0.003) +
                                                     rise * (v3 ? 1.2 : 0.8) +
                                                     0.0006 * Noise(200 + f + (v3 ? 7 : 0), d));
                                      },
                                  .threshold = kMissingThreshold});
    }
    r.quality_charts.push_back(std::move(c));
  }
}

// ---- operations: hourly latency, errors, throughput and resources

double LatencyMs(const std::string& version, int percentile, int hour) {
  const double scale = percentile == 50 ? 1.0 : percentile == 95 ? 2.6 : 4.3;
  double base = (version == "3" ? 48 : 42) * scale;
  double load = 1 + 0.18 * std::sin((hour % 24 - 9) * std::numbers::pi / 12);
  double spike = 0;
  if (version == "3" && hour >= 12 * 24 + 9 && hour < 12 * 24 + 14) spike = 0.9 * (scale - 0.6);
  return base * load * (1 + spike) *
         (1 + 0.04 * scale * Noise(300 + percentile, hour + (version == "3" ? 5000 : 0)));
}

double ErrorRate(const std::string& version, int hour) {
  double base = 0.004 + 0.0015 * Noise(400 + (version == "3" ? 1 : 0), hour);
  if (version == "3" && hour >= 12 * 24 + 9 && hour < 12 * 24 + 15)
    base += 0.028 + 0.004 * (hour % 3);
  return std::max(0.0, base);
}

void AddOperations(SampleBuilder* b) {
  ReportData& r = b->report();
  for (const char* version : {"2", "3"}) {
    const bool v3 = version[0] == '3';
    MetricChart c = Chart("latency_ms", "latency_ms", fmt::format("Latency · version {}", version),
                          "ms", false, "1h");
    for (int p : {50, 95, 99}) {
      b->AddSeries(&c,
                   SeriesSpec{.version = version,
                              .label = fmt::format("p{}", p),
                              .metric = fmt::format("latency_p{}", p),
                              .first = v3 ? kCanaryDay * 24 : 0,
                              .count = (v3 ? kDays - kCanaryDay : kDays) * 24,
                              .value = [version, p](int h) { return LatencyMs(version, p, h); },
                              .threshold = p == 95 ? std::optional<double>(250) : std::nullopt});
    }
    r.operations.push_back(std::move(c));
  }
  auto per_version = [b](MetricChart c, std::optional<double> threshold,
                         const std::function<double(const std::string&, int)>& value) {
    for (const char* version : {"2", "3"}) {
      const bool v3 = version[0] == '3';
      b->AddSeries(&c, SeriesSpec{.version = version,
                                  .first = v3 ? kCanaryDay * 24 : 0,
                                  .count = (v3 ? kDays - kCanaryDay : kDays) * 24,
                                  .value = [value, version](int h) { return value(version, h); },
                                  .threshold = threshold});
    }
    return c;
  };
  MetricChart errors =
      per_version(Chart("error_rate", "", "Error rate", "%", false, "1h"), 0.02, ErrorRate);
  // The anomaly detector flags the first hours of the surge.
  for (SeriesPoint& p : errors.series[1].points) {
    int hour = static_cast<int>((p.window_start - b->start()) / kHour);
    p.anomaly = hour >= 12 * 24 + 9 && hour < 12 * 24 + 11;
  }
  r.operations.push_back(std::move(errors));
  r.operations.push_back(per_version(Chart("throughput", "", "Throughput", "events/h", true, "1h"),
                                     std::nullopt, Traffic));
  r.operations.push_back(
      per_version(Chart("cpu_utilization", "cpu", "CPU utilization", "%", false, "1h"),
                  std::nullopt, [](const std::string& version, int h) {
                    return 0.18 + Traffic(version, h) / 4200 * 0.35 + 0.02 * Noise(500, h);
                  }));
  r.operations.push_back(
      per_version(Chart("memory_mb", "memory", "Memory (RSS)", "MB", false, "1h"), std::nullopt,
                  [](const std::string& version, int h) {
                    double grow = version == "3" ? 0.9 * (h - kCanaryDay * 24) : 0;
                    return (version == "3" ? 1460.0 : 1320.0) + grow + 25 * Noise(600, h);
                  }));
}

// ---- logs: one new error template, with a Python traceback

LogTemplates Logs(int64_t start) {
  LogTemplates logs;
  logs.table = "app_logs";
  logs.baseline_label = "version 2";
  logs.current_label = "version 3";
  logs.baseline_lines = 1840220;
  logs.current_lines = 612408;
  auto add = [&logs](std::string text, int64_t base, int64_t cur, bool is_new, std::string level,
                     std::vector<std::string> versions, std::vector<std::string> examples,
                     int64_t first_seen) {
    TemplateChange t;
    t.template_text = std::move(text);
    t.baseline_count = base;
    t.current_count = cur;
    t.baseline_rate = 1000.0 * base / logs.baseline_lines;
    t.current_rate = 1000.0 * cur / logs.current_lines;
    t.is_new = is_new;
    t.level = std::move(level);
    t.versions = std::move(versions);
    t.examples = std::move(examples);
    t.first_seen = first_seen;
    logs.changes.push_back(std::move(t));
  };
  add("scoring failed for request <*>: TypeError: '<' not supported between instances of "
      "'NoneType' and 'float'",
      0, 1284, true, "ERROR", {"3"},
      {"2025-11-15T09:12:44.318Z ERROR scorer request=7f3a9c21 scoring failed\n"
       "Traceback (most recent call last):\n"
       "  File \"/srv/model/score.py\", line 88, in predict\n"
       "    if row[\"amount\"] < self.cutoff & mask:\n"
       "  File \"/srv/model/features.py\", line 41, in __lt__\n"
       "    return self.value < other\n"
       "TypeError: '<' not supported between instances of 'NoneType' and 'float'",
       "2025-11-15T09:13:02.004Z ERROR scorer request=1b88e0f4 scoring failed\n"
       "Traceback (most recent call last):\n"
       "  File \"/srv/model/score.py\", line 88, in predict\n"
       "    if row[\"amount\"] < self.cutoff & mask:\n"
       "TypeError: '<' not supported between instances of 'NoneType' and 'float'"},
      start + 12 * kDay + 9 * kHour + 12 * 60 * kMicrosPerSecond);
  add("feature <*> missing, imputing default <*>", 1472, 3920, false, "WARN", {"2", "3"},
      {"2025-11-16T14:02:11.731Z WARN features feature device_type missing, imputing default "
       "\"unknown\""},
      start + 2 * kHour);
  add("upstream feature store timeout after <*> ms (attempt <*>/3)", 2208, 3001, false, "WARN",
      {"2", "3"},
      {"2025-11-15T11:40:09.112Z WARN client upstream feature store timeout after 800 ms (attempt "
       "2/3)"},
      start + 5 * kHour);
  add("connection reset by peer while writing response to <*>", 1656, 122, false, "ERROR", {"2"},
      {"2025-11-04T03:15:51.660Z ERROR http connection reset by peer while writing response to "
       "10.4.7.19:51822"},
      start + 27 * kHour);
  add("loaded model <*> version <*> from <*> in <*> ms", 18, 21, false, "INFO", {"2", "3"},
      {"2025-11-10T00:00:03.015Z INFO loader loaded model fraud-detector version 3 from "
       "s3://models/fraud-detector/3 in 2113 ms"},
      start);
  add("scored request <*> in <*> ms score=<*>", 1678281, 553402, false, "INFO", {"2", "3"},
      {"2025-11-16T23:59:58.870Z INFO scorer scored request 9d2c71e0 in 41 ms score=0.0132"},
      start);
  return logs;
}

}  // namespace

ReportData SampleReport() {
  const int64_t start = DaysFromCivil(2025, 11, 3) * kDay;
  SampleBuilder b(start);
  ReportData& r = b.report();
  r.model = "fraud-detector";
  r.problem = "binary";
  r.table = "prediction_events";
  r.source_version = 412;
  r.data_dir = "/var/lib/lakewatch/data";
  r.config_path = "/etc/lakewatch/lakewatch.yaml";
  r.generated_at = start + kDays * kDay + 5 * 60 * kMicrosPerSecond;
  r.lakewatch_version = "0.1.0";
  r.baseline = kBaseline;
  r.headline_metric = "accuracy";
  r.first_event = start + 12 * kMicrosPerSecond;
  r.last_event = start + kDays * kDay - 2 * kMicrosPerSecond;

  for (const char* version : {"2", "3"}) {
    VersionSummary v;
    v.version = version;
    bool v3 = version[0] == '3';
    v.first_seen = v3 ? start + kCanaryDay * kDay + 41 * kMicrosPerSecond : r.first_event;
    v.last_seen = r.last_event;
    v.events = Events(version, 0, kDays * 24);
    v.label_coverage = v3 ? 0.71 : 0.87;
    v.headline = v3 ? 0.872 : 0.911;
    r.events += v.events;
    r.versions.push_back(v);
  }
  r.label_coverage = (0.87 * r.versions[0].events + 0.71 * r.versions[1].events) / r.events;

  AddPerformance(&b);
  r.drift.push_back(Heatmap(&b, false));
  r.drift.push_back(Heatmap(&b, true));
  AddDistributions(&r);
  AddQuality(&b);
  AddOperations(&b);
  r.logs = Logs(start);

  std::stable_sort(r.alarms.begin(), r.alarms.end(),
                   [](const Alarm& x, const Alarm& y) { return x.window_start > y.window_start; });
  r.alarm_count = static_cast<int64_t>(r.alarms.size());
  r.findings = {
      "Accuracy of version 3 fell from 0.915 on Nov 10 to 0.843 on Nov 16, below its threshold "
      "0.89 since Nov 13; version 2 holds at 0.91.",
      "features.amount drifted from Nov 11 and features.merchant_category from Nov 13 (daily "
      "windows); features.account_age_days followed on Nov 15.",
      "A new ERROR log template appeared with version 3 on Nov 15: TypeError: '<' not supported "
      "between instances of 'NoneType' and 'float' (1,284 lines).",
      "Error rate of version 3 rose above 2% on Nov 15 09:00–15:00, with p95 latency above 250 ms.",
      "Missing values of features.device_type rose from 0.2% to 4.1%."};
  return r;
}

}  // namespace lakewatch::report
