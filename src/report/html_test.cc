#include "report/html.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <limits>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/time.h"
#include "report/sample_report.h"

namespace lakewatch::report {
namespace {

constexpr const char* kSectionIds[] = {"summary", "performance", "drift", "distributions",
                                       "quality", "operations",  "logs",  "alarms"};
constexpr int64_t kHour = int64_t{3600} * kMicrosPerSecond;

size_t CountOf(std::string_view hay, std::string_view needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string_view::npos; at = hay.find(needle, at + 1))
    ++n;
  return n;
}

// The text of <section id="id"> … </section> (sections do not nest).
std::string Section(const std::string& html, std::string_view id) {
  size_t begin = html.find(std::string("<section id=\"") + std::string(id) + "\"");
  if (begin == std::string::npos) return "";
  size_t end = html.find("</section>", begin);
  return html.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

bool IsEmptySection(const std::string& html, std::string_view id) {
  std::string s = Section(html, id);
  return s.substr(0, s.find('>')).find("data-empty=\"true\"") != std::string::npos;
}

// "nan", "inf", "infinity" as words, in any case ("info" and "inference" are fine).
std::vector<std::string> NonFiniteWords(const std::string& html) {
  std::string lower = html;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto letter = [&lower](size_t i) {
    return i < lower.size() && std::isalpha(static_cast<unsigned char>(lower[i]));
  };
  std::vector<std::string> found;
  for (std::string_view word : {"nan", "inf"}) {
    for (size_t at = lower.find(word); at != std::string::npos; at = lower.find(word, at + 1)) {
      size_t end = at + word.size();
      if (word == "inf" && lower.compare(end, 5, "inity") == 0) end += 5;
      if ((at == 0 || !letter(at - 1)) && !letter(end)) {
        found.push_back(html.substr(at >= 30 ? at - 30 : 0, 70));
      }
    }
  }
  return found;
}

size_t FiniteSeries(const std::vector<MetricChart>& charts) {
  size_t n = 0;
  for (const MetricChart& c : charts) {
    for (const Series& s : c.series) {
      for (const SeriesPoint& p : s.points) {
        if (std::isfinite(p.value)) {
          ++n;
          break;
        }
      }
    }
  }
  return n;
}

size_t AlarmPoints(const std::vector<MetricChart>& charts) {
  size_t n = 0;
  for (const MetricChart& c : charts) {
    for (const Series& s : c.series) {
      for (const SeriesPoint& p : s.points) n += p.alarm && std::isfinite(p.value);
    }
  }
  return n;
}

// Points in the `d` of each path.series of `html`, in order.
std::vector<size_t> SeriesPathPoints(const std::string& html) {
  std::vector<size_t> points;
  const std::string open = "<path class=\"series\" d=\"";
  for (size_t at = html.find(open); at != std::string::npos; at = html.find(open, at + 1)) {
    size_t begin = at + open.size();
    std::string_view d(html.data() + begin, html.find('"', begin) - begin);
    points.push_back(CountOf(d, "M") + CountOf(d, "L"));
  }
  return points;
}

MetricChart OneChart(std::string unit, std::vector<double> values, int64_t step) {
  MetricChart c;
  c.metric = "figure";
  c.title = "Figure";
  c.unit = std::move(unit);
  c.granularity = step == kHour ? "1h" : "1d";
  Series s;
  s.version = "1";
  const int64_t start = DaysFromCivil(2025, 11, 10) * kMicrosPerDay;
  for (size_t i = 0; i < values.size(); ++i) {
    SeriesPoint p;
    p.window_start = start + static_cast<int64_t>(i) * step;
    p.window_end = p.window_start + step;
    p.value = values[i];
    p.n = 100;
    s.points.push_back(p);
  }
  c.series.push_back(std::move(s));
  return c;
}

ReportData Minimal() {
  ReportData d;
  d.model = "m";
  d.problem = "binary";
  return d;
}

TEST(ReportHtml, SampleHasEverySectionInOrderAndNoneEmpty) {
  const std::string html = RenderHtml(SampleReport());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  size_t last = 0;
  for (const char* id : kSectionIds) {
    size_t at = html.find(std::string("<section id=\"") + id + "\"");
    ASSERT_NE(at, std::string::npos) << id;
    EXPECT_GT(at, last) << id << " out of order";
    last = at;
    EXPECT_NE(Section(html, id).find("<h2"), std::string::npos) << id;
    EXPECT_FALSE(IsEmptySection(html, id)) << id;
    EXPECT_NE(html.find(std::string("href=\"#") + id + "\""), std::string::npos) << "nav to " << id;
  }
  EXPECT_EQ(CountOf(html, "<section "), std::size(kSectionIds));
  EXPECT_NE(html.find("@media print"), std::string::npos);
}

TEST(ReportHtml, SampleIsRealistic) {
  const ReportData d = SampleReport();
  ASSERT_EQ(d.versions.size(), 2u);
  EXPECT_EQ(d.problem, "binary");
  ASSERT_EQ(d.drift.size(), 2u);
  EXPECT_EQ(d.drift[0].granularity, "1d");
  EXPECT_EQ(d.drift[1].granularity, "1h");
  EXPECT_EQ(d.drift[0].windows.size(), 14u);
  EXPECT_EQ(d.drift[1].windows.size(), 14u * 24);
  int drifted = 0;
  for (const DriftRow& r : d.drift[0].rows) drifted += r.windows_drifted > 0;
  EXPECT_EQ(d.drift[0].rows.size(), 6u);
  EXPECT_EQ(drifted, 3);
  ASSERT_TRUE(d.logs.has_value());
  EXPECT_EQ(d.logs->changes.size(), 6u);
  int fresh = 0;
  for (const TemplateChange& t : d.logs->changes) fresh += t.is_new;
  EXPECT_EQ(fresh, 1);
  EXPECT_GE(d.alarms.size(), 30u);
  EXPECT_LE(d.alarms.size(), 50u);
  EXPECT_EQ(d.alarm_count, static_cast<int64_t>(d.alarms.size()));
  // Version 3's accuracy falls.
  const Series& v3 = d.performance[0].series[1];
  EXPECT_EQ(d.performance[0].metric, "accuracy");
  EXPECT_EQ(v3.version, "3");
  EXPECT_GT(v3.points.front().value, v3.points.back().value + 0.05);
}

TEST(ReportHtml, ChartElementsMatchTheData) {
  const ReportData d = SampleReport();
  const std::string html = RenderHtml(d);

  const std::string perf = Section(html, "performance");
  EXPECT_EQ(CountOf(perf, "class=\"series\""), FiniteSeries(d.performance));
  EXPECT_EQ(CountOf(perf, "class=\"alarm-point\""), AlarmPoints(d.performance));
  EXPECT_EQ(CountOf(perf, "class=\"threshold\""), d.performance.size());  // shared by versions
  const std::string ops = Section(html, "operations");
  EXPECT_EQ(CountOf(ops, "class=\"series\""), FiniteSeries(d.operations));
  EXPECT_EQ(CountOf(ops, "class=\"alarm-point\""), AlarmPoints(d.operations));
  EXPECT_GE(CountOf(ops, "class=\"anomaly-point\""), 1u);
  const std::string quality = Section(html, "quality");
  EXPECT_EQ(CountOf(quality, "class=\"series\""), FiniteSeries(d.quality_charts));
  EXPECT_EQ(CountOf(quality, "<tr"), d.quality.size() + 1);  // + the header row

  size_t cells = 0, alarm_cells = 0;
  for (const DriftHeatmap& hm : d.drift) {
    for (const DriftRow& r : hm.rows) {
      cells += r.cells.size();
      for (const DriftCell& c : r.cells) alarm_cells += c.alarm;
    }
  }
  const std::string drift = Section(html, "drift");
  EXPECT_EQ(CountOf(drift, "class=\"cell\""), cells);
  EXPECT_EQ(CountOf(drift, "class=\"alarm-mark\""), alarm_cells);
  EXPECT_NE(drift.find(">features.amount<"), std::string::npos);  // feature names label the rows
  EXPECT_NE(drift.find(">Nov 12<"), std::string::npos);           // dates label the columns

  size_t bins = 0;
  for (const FeatureDistribution& f : d.top_drifted) bins += f.bins.size();
  const std::string dist = Section(html, "distributions");
  EXPECT_EQ(CountOf(dist, "class=\"bar\""), 2 * bins);
  EXPECT_NE(dist.find("share of rows (%)"), std::string::npos);

  const std::string logs = Section(html, "logs");
  EXPECT_EQ(CountOf(logs, "<details>"), d.logs->changes.size());
  EXPECT_EQ(CountOf(logs, "class=\"tag new\">NEW<"), 2u);  // the row and the explanation
  const std::string alarms = Section(html, "alarms");
  // Grouped by figure (every alarm counted once), then one row per alarm.
  std::set<std::string> groups;
  for (const Alarm& a : d.alarms) {
    groups.insert(a.metric + '\x1f' + a.column + '\x1f' + a.version + '\x1f' + a.slice + '\x1f' + a.granularity);
  }
  const size_t split = alarms.find("table class=\"alarms\"");
  ASSERT_NE(split, std::string::npos);
  EXPECT_EQ(CountOf(alarms.substr(0, split), "<tr>"), groups.size() + 1);
  EXPECT_EQ(CountOf(alarms.substr(split), "<tr>"), d.alarms.size() + 1);
}

TEST(ReportHtml, TimeAxesUseCalendarLabels) {
  const std::string html = RenderHtml(SampleReport());
  EXPECT_NE(Section(html, "performance").find(">Nov 10<"), std::string::npos);

  ReportData d = Minimal();
  d.operations.push_back(OneChart("ms", std::vector<double>(24, 40.0), kHour));  // one day, hourly
  const std::string day = Section(RenderHtml(d), "operations");
  EXPECT_NE(day.find(">Nov 10 12:00<"), std::string::npos) << day;
  EXPECT_NE(day.find(">Nov 10<"), std::string::npos);
  EXPECT_NE(day.find(">figure (ms)<"), std::string::npos);  // the y axis names its unit
  EXPECT_NE(day.find(">time (UTC)<"), std::string::npos);
}

TEST(ReportHtml, PercentUnitLabelsPercentages) {
  ReportData d = Minimal();
  d.operations.push_back(OneChart("%", {1, 2, 5, 3}, kHour));  // percentages, as charted
  const std::string ops = Section(RenderHtml(d), "operations");
  EXPECT_NE(ops.find(">5%<"), std::string::npos) << ops;  // a y tick
  EXPECT_NE(ops.find("figure 2%"), std::string::npos);    // a tooltip
  EXPECT_EQ(ops.find("500%"), std::string::npos);
}

TEST(ReportHtml, AlarmsShowRatesAsPercentages) {
  const ReportData d = SampleReport();
  const std::string alarms = Section(RenderHtml(d), "alarms");
  for (const Alarm& a : d.alarms) {
    if (a.metric != "error_rate") continue;
    EXPECT_LT(a.value, 1.0);  // monitor_metrics' share
    EXPECT_NE(alarms.find(fmt::format(">{:.3g}%<", a.value * 100)), std::string::npos) << a.value;
  }
  EXPECT_NE(alarms.find(">2%<"), std::string::npos);  // the error-rate threshold
}

TEST(ReportHtml, SinglePointAndFlatSeriesDraw) {
  ReportData d = Minimal();
  d.performance.push_back(OneChart("", {0.9}, kMicrosPerDay));
  d.performance.push_back(OneChart("", {0.8, 0.8, 0.8, 0.8}, kMicrosPerDay));
  d.performance.push_back(OneChart("", {0, 0}, kMicrosPerDay));
  const std::string html = RenderHtml(d);
  const std::string perf = Section(html, "performance");
  EXPECT_EQ(CountOf(perf, "class=\"series\""), 3u);
  EXPECT_EQ(CountOf(perf, "class=\"point\""), 1u + 4 + 2);  // the lone point has its marker
  EXPECT_NE(perf.find(">0.80<"), std::string::npos);  // the flat value is a tick (0.70 … 0.90)
  EXPECT_NE(perf.find(">0.90<"), std::string::npos);  // and the lone one (0.80 … 1.00)
  EXPECT_NE(perf.find(">1.0<"), std::string::npos);   // zeros: 0 … 1
  EXPECT_TRUE(NonFiniteWords(html).empty());
}

TEST(ReportHtml, MissingValuesBreakLinesAndNeverPrintNan) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  ReportData d = SampleReport();
  MetricChart gaps = OneChart("%", {0.1, nan, 0.2, 0.3, inf, 0.25}, kMicrosPerDay);
  gaps.series[0].points[2].threshold = inf;
  gaps.series[0].points[3].threshold = nan;
  gaps.series[0].points[3].alarm = true;
  d.performance.push_back(gaps);
  d.performance.push_back(OneChart("", {nan, nan}, kMicrosPerDay));  // nothing to draw
  d.drift[0].rows[0].cells[0].value = nan;
  d.drift[0].rows[0].cells[1].intensity = nan;
  d.drift[0].rows[0].cells[2].threshold = -inf;
  d.top_drifted[0].bins[0].current_share = nan;
  d.top_drifted[0].value = inf;
  d.quality[0].missing_rate_current = nan;
  d.quality[1].out_of_range_rate = inf;
  d.logs->changes[1].current_rate = nan;
  d.logs->changes[2].baseline_rate = 0;
  d.alarms[0].value = nan;
  d.versions[0].headline = nan;
  d.label_coverage = nan;
  const std::string html = RenderHtml(d);
  std::vector<std::string> bad = NonFiniteWords(html);
  EXPECT_TRUE(bad.empty()) << bad.size() << " e.g. …" << bad[0] << "…";
  // The gap splits the line: M … L … M … L (NaN at 1, inf at 4).
  std::vector<size_t> paths = SeriesPathPoints(Section(html, "performance"));
  ASSERT_FALSE(paths.empty());
  EXPECT_EQ(paths.back(), 4u);
  const std::string perf = Section(html, "performance");
  EXPECT_NE(perf.find("No values in this period."), std::string::npos);
}

TEST(ReportHtml, EscapesEveryText) {
  ReportData d = SampleReport();
  d.model = "fraud \"<b>\" & 'co'";
  d.logs->changes[0].template_text = "<script>alert(\"x&y\")</script> <*>";
  d.logs->changes[0].examples.push_back("</pre><img src=x onerror=alert(1)>");
  d.drift[0].rows[0].feature = "x\" onmouseover=\"alert(1)";
  d.findings.push_back("a <i>finding</i>");
  d.alarms[0].description = "value < threshold & rising";
  const std::string html = RenderHtml(d);
  EXPECT_EQ(CountOf(html, "<script"), 1u);  // the page's own enhancement script
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&quot;x&amp;y&quot;)&lt;/script&gt; &lt;*&gt;"),
            std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("\" onmouseover=\""), std::string::npos);
  EXPECT_NE(html.find("x&quot; onmouseover=&quot;alert(1)"), std::string::npos);
  EXPECT_NE(html.find("<title>fraud &quot;&lt;b&gt;&quot; &amp; &#39;co&#39; · lakewatch"),
            std::string::npos);
  EXPECT_EQ(html.find("<i>finding"), std::string::npos);
  EXPECT_NE(html.find("value &lt; threshold &amp; rising"), std::string::npos);
  // The sample's traceback keeps its lines, escaped.
  EXPECT_NE(html.find("if row[&quot;amount&quot;] &lt; self.cutoff &amp; mask:\n"),
            std::string::npos);
}

TEST(ReportHtml, LoadsNothingFromTheNetwork) {
  for (const ReportData& data : {SampleReport(), Minimal()}) {
    const std::string html = RenderHtml(data);
    EXPECT_EQ(html.find("http://"), std::string::npos);
    EXPECT_EQ(html.find("https://"), std::string::npos);
    EXPECT_EQ(html.find("@import"), std::string::npos);
    EXPECT_EQ(html.find("src="), std::string::npos);
    EXPECT_EQ(html.find("<link"), std::string::npos);
    EXPECT_EQ(html.find("@font-face"), std::string::npos);
    for (size_t at = html.find("url("); at != std::string::npos; at = html.find("url(", at + 1)) {
      EXPECT_EQ(html[at + 4], '#') << html.substr(at, 40);  // only in-page references
    }
    for (size_t at = html.find("href=\""); at != std::string::npos;
         at = html.find("href=\"", at + 1)) {
      EXPECT_EQ(html[at + 6], '#') << html.substr(at, 40);
    }
  }
  ReportData d = SampleReport();
  d.findings.push_back("see https://example.com/runbook");  // text, never a link
  const std::string html = RenderHtml(d);
  EXPECT_EQ(html.find("href=\"h"), std::string::npos);
}

TEST(ReportHtml, SampleHasNoNanOrInf) {
  std::vector<std::string> bad = NonFiniteWords(RenderHtml(SampleReport()));
  EXPECT_TRUE(bad.empty()) << bad[0];
}

TEST(ReportHtml, EmptySectionsSayWhy) {
  const std::string html = RenderHtml(Minimal());
  for (const char* id : kSectionIds) {
    EXPECT_TRUE(IsEmptySection(html, id)) << id;
    EXPECT_NE(Section(html, id).find("class=\"empty\""), std::string::npos) << id;
    EXPECT_EQ(Section(html, id).find("<svg"), std::string::npos) << id;
  }
  EXPECT_NE(Section(html, "logs").find("No logs table is configured"), std::string::npos);
  EXPECT_NE(Section(html, "performance").find("no labels have arrived"), std::string::npos);

  ReportData d = SampleReport();
  d.logs->changes.clear();
  d.alarms.clear();
  d.alarm_count = 0;
  const std::string some = RenderHtml(d);
  EXPECT_TRUE(IsEmptySection(some, "logs"));
  EXPECT_TRUE(IsEmptySection(some, "alarms"));
  EXPECT_FALSE(IsEmptySection(some, "drift"));
}

TEST(ReportHtml, Deterministic) {
  EXPECT_EQ(RenderHtml(SampleReport()), RenderHtml(SampleReport()));
  ReportData d = SampleReport();
  const std::string once = RenderHtml(d);
  d.generated_at += kHour;
  EXPECT_NE(RenderHtml(d), once);  // the time shown is the data's
}

TEST(ReportHtml, AlarmsNewestFirstAndCapped) {
  ReportData d = Minimal();
  const int64_t start = DaysFromCivil(2025, 11, 1) * kMicrosPerDay;
  for (int i = 0; i < 250; ++i) {  // oldest first
    Alarm a;
    a.window_start = start + i * kHour;
    a.window_end = a.window_start + kHour;
    a.granularity = "1h";
    a.version = "1";
    a.metric = "error_rate";
    a.value = 0.1;
    a.threshold = 0.05;
    a.description = "alarm " + std::to_string(i);
    d.alarms.push_back(a);
  }
  const std::string alarms = Section(RenderHtml(d), "alarms");
  // One group (header + 1 row) with all 250 counted, then the 200 newest (header + 200 rows).
  EXPECT_EQ(CountOf(alarms, "<tr>"), 2u + 201u);
  EXPECT_NE(alarms.find("<td class=\"num\">250</td>"), std::string::npos);
  EXPECT_NE(alarms.find("50 more alarms"), std::string::npos);
  EXPECT_LT(alarms.find("alarm 249<"), alarms.find("alarm 248<"));
  EXPECT_EQ(alarms.find("alarm 49<"), std::string::npos);  // the oldest are left out
}

// 1,000 windows × 20 features, long series: the page stays light and line
// series are thinned to about 2,000 points per chart with every alarm kept.
TEST(ReportHtml, LargeReportStaysSmall) {
  ReportData d = SampleReport();
  const int64_t start = DaysFromCivil(2025, 1, 1) * kMicrosPerDay;
  DriftHeatmap hm;
  hm.granularity = "1h";
  hm.version = "*";
  for (int w = 0; w < 1000; ++w) hm.windows.push_back(start + w * kHour);
  for (int f = 0; f < 20; ++f) {
    DriftRow row;
    row.feature = "features.f" + std::to_string(f);
    for (int w = 0; w < 1000; ++w) {
      DriftCell c;
      c.window_start = hm.windows[w];
      c.metric = "wasserstein_norm";
      c.value = 0.01 * ((w * 7 + f * 13) % 30);
      c.threshold = 0.1;
      c.intensity = std::min(1.0, c.value / 0.2);
      c.alarm = c.value > 0.25;
      row.windows_drifted += c.alarm;
      row.cells.push_back(c);
    }
    hm.rows.push_back(std::move(row));
  }
  d.drift.push_back(hm);
  MetricChart big;
  big.metric = "latency_p95";
  big.title = "Latency p95";
  big.unit = "ms";
  big.granularity = "1h";
  size_t alarms = 0;
  for (const char* version : {"2", "3"}) {
    Series s;
    s.version = version;
    for (int i = 0; i < 5000; ++i) {
      SeriesPoint p;
      p.window_start = start + i * kHour;
      p.window_end = p.window_start + kHour;
      p.value = 100 + (i * 37 % 101);
      p.threshold = 199;
      p.alarm = i % 500 == 7;
      if (p.alarm) p.value = 250;
      alarms += p.alarm;
      s.points.push_back(p);
    }
    big.series.push_back(std::move(s));
  }
  d.operations.insert(d.operations.begin(), big);

  const auto t0 = std::chrono::steady_clock::now();
  const std::string html = RenderHtml(d);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(html.size(), 3u << 20) << html.size();
  EXPECT_LT(seconds, 5.0);
  EXPECT_EQ(CountOf(Section(html, "drift"), "class=\"cell\""), 20000u + 14 * 6 + 336 * 6);
  const std::string ops = Section(html, "operations");
  std::vector<size_t> paths = SeriesPathPoints(ops);
  ASSERT_GE(paths.size(), 2u);
  EXPECT_LE(paths[0] + paths[1], 2100u);
  EXPECT_GE(paths[0] + paths[1], 1000u);
  const std::string first_chart = ops.substr(0, ops.find("</figure>"));
  EXPECT_EQ(CountOf(first_chart, "class=\"alarm-point\""), alarms);
  EXPECT_TRUE(NonFiniteWords(html).empty());
}

}  // namespace
}  // namespace lakewatch::report
