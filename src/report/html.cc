#include "report/html.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <map>
#include <tuple>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/time.h"
#include "monitor/config.h"
#include "report/text.h"

// Page layout: <header> (model, period, KPI tiles), a sticky <nav>, <main> with
// one <section> per part of the report, <footer>. Charts are drawn here as SVG
// in user units close to CSS pixels at a 1280-pixel-wide window (line and bar
// charts 560 wide in a two-column grid, heatmaps 1180 wide across it), so text
// set at 12 units reads at about 12 px.

namespace lakewatch::report {
namespace {

// ============================================================ text and numbers

template <typename... Args>
void Put(std::string* out, fmt::format_string<Args...> f, Args&&... args) {
  fmt::format_to(std::back_inserter(*out), f, std::forward<Args>(args)...);
}

// For element content and attribute values alike. Control characters other
// than tab, newline and carriage return (not allowed in HTML) become U+FFFD.
void AppendEscaped(std::string_view s, std::string* out) {
  for (char c : s) {
    switch (c) {
      case '&':
        out->append("&amp;");
        break;
      case '<':
        out->append("&lt;");
        break;
      case '>':
        out->append("&gt;");
        break;
      case '"':
        out->append("&quot;");
        break;
      case '\'':
        out->append("&#39;");
        break;
      case '\t':
      case '\n':
      case '\r':
        out->push_back(c);
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
          out->append("\xEF\xBF\xBD");
        } else {
          out->push_back(c);
        }
    }
  }
}

std::string Esc(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  AppendEscaped(s, &out);
  return out;
}

// The width of `s` set at 12 px in a sans-serif face, roughly (for layout only).
double TextWidth(std::string_view s) { return static_cast<double>(Chars(s)) * 6.8; }

std::string TrimZeros(std::string s) {
  if (s.find('.') == std::string::npos || s.find('e') != std::string::npos) return s;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

// `v` (finite) with `digits` significant digits: 0.9123, 12.35, 12,346.
std::string Significant(double v, int digits) {
  double a = std::fabs(v);
  if (a == 0) return "0";
  if (a < 1e-4 || a >= 1e15) return fmt::format("{:.{}g}", v, digits);
  if (a >= 1e4) return GroupThousands(std::llround(v));
  int magnitude = static_cast<int>(std::floor(std::log10(a)));
  int decimals = std::max(0, digits - 1 - magnitude);
  return TrimZeros(fmt::format("{:.{}f}", v, decimals));
}

constexpr std::string_view kNone = "–";

std::string Num(double v) { return std::isfinite(v) ? Significant(v, 4) : std::string(kNone); }
std::string Num(const std::optional<double>& v) { return v ? Num(*v) : std::string(kNone); }

// A share in [0, 1] as a percentage: 91.2%, 0.35%.
std::string Pct(double share) {
  return std::isfinite(share) ? Significant(share * 100, 3) + "%" : std::string(kNone);
}
std::string Pct(const std::optional<double>& share) {
  return share ? Pct(*share) : std::string(kNone);
}

std::string Count(int64_t n) { return GroupThousands(n); }

// 1,234 / 12.3k / 1.62M: for KPI tiles.
std::string Compact(int64_t n) {
  double a = std::fabs(static_cast<double>(n));
  if (a < 1e4) return Count(n);
  if (a < 1e6) return TrimZeros(fmt::format("{:.1f}", n / 1e3)) + "k";
  if (a < 1e9) return TrimZeros(fmt::format("{:.2f}", n / 1e6)) + "M";
  return TrimZeros(fmt::format("{:.2f}", n / 1e9)) + "B";
}

// A figure in its chart unit: "12.3%", "41 ms", "0.912".
std::string ValueText(double v, std::string_view unit) {
  if (!std::isfinite(v)) return std::string(kNone);
  if (unit == "%") return Significant(v, 3) + "%";
  if (unit.empty()) return Num(v);
  return fmt::format("{} {}", Num(v), unit);
}

// A coordinate with one decimal at most ("12", "12.5"): keeps large charts small.
std::string C(double v) {
  double r = std::round(v * 10) / 10;
  if (r == 0) r = 0;  // never "-0"
  if (r == std::floor(r)) return fmt::format("{}", static_cast<int64_t>(r));
  return fmt::format("{:.1f}", r);
}

// ============================================================ time (UTC)

constexpr int64_t kMinute = 60 * kMicrosPerSecond;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = kMicrosPerDay;
// Years 0001..9999: outside, a time is a placeholder (monitor's kNoTime), not a date.
constexpr int64_t kMinTime = -62135596800LL * kMicrosPerSecond;
constexpr int64_t kMaxTime = 253402300799LL * kMicrosPerSecond;

bool ValidTime(int64_t t) { return t >= kMinTime && t <= kMaxTime; }


// "2025-11-10"
std::string DayText(int64_t t) {
  if (!ValidTime(t)) return std::string(kNone);
  UtcTime u = ToUtc(t);
  return fmt::format("{:04}-{:02}-{:02}", u.date.year, u.date.month, u.date.day);
}

// "2025-11-10 12:00"
std::string MinuteText(int64_t t) {
  if (!ValidTime(t)) return std::string(kNone);
  UtcTime u = ToUtc(t);
  return fmt::format("{} {:02}:{:02}", DayText(t), u.hour, u.minute);
}

// A window for tooltips: "Nov 10" (a day), "Nov 10 12:00–13:00", "Nov 3 – Nov 9".
std::string WindowText(int64_t start, int64_t end) {
  if (end - start == kDay && start % kDay == 0) return ShortDate(start);
  if (end - start > kDay && start % kDay == 0 && end % kDay == 0) {
    return fmt::format("{} – {}", ShortDate(start), ShortDate(end - kDay));
  }
  if (end - start < kDay && FloorDiv(start, kDay) == FloorDiv(end - 1, kDay)) {
    UtcTime e = ToUtc(end);
    return fmt::format("{}–{:02}:{:02}", ShortDate(start, false, true), e.hour, e.minute);
  }
  return fmt::format("{} – {}", ShortDate(start), ShortDate(end));
}

// Window lengths as monitor_metrics names them ("1h", "1d", ...); 0 for months and `all`.
int64_t GranularityMicros(std::string_view g) {
  auto parsed = monitor::ParseGranularity(std::string(g));
  return parsed.ok() ? parsed->micros : 0;
}

std::string GranularityText(std::string_view g) {
  if (g == "1h") return "hourly windows";
  if (g == "1d") return "daily windows";
  if (g == "7d" || g == "1w") return "weekly windows";
  if (g.empty()) return "all events";
  return fmt::format("{} windows", Esc(g));
}

struct TimeTick {
  int64_t t;
  std::string label;
};

// Ticks on calendar boundaries (minutes to weeks, then months and years)
// within [t0, t1], spaced so that their labels fit in `width` pixels. With
// `centre_days` (data in windows of a day or more) a day's tick stands in the
// middle of its day, on that day's points and under its cells.
std::vector<TimeTick> TimeTicks(int64_t t0, int64_t t1, double width, bool centre_days) {
  std::vector<TimeTick> ticks;
  if (t1 <= t0) return ticks;
  const double span = static_cast<double>(t1) - static_cast<double>(t0);
  static constexpr int64_t kSteps[] = {5 * kMinute, 10 * kMinute, 15 * kMinute, 30 * kMinute, kHour,
                                       2 * kHour,   3 * kHour,    6 * kHour,    12 * kHour,   kDay,
                                       2 * kDay,    7 * kDay,     14 * kDay};
  for (int64_t step : kSteps) {
    double room = width / (step < kDay ? 96.0 : 52.0);
    if (span / static_cast<double>(step) + 1 > std::max(2.0, room)) continue;
    int64_t offset = step >= 7 * kDay ? 4 * kDay : 0;  // weeks start on Mondays (1970-01-05)
    int64_t t = (FloorDiv(t0 - offset - 1, step) + 1) * step + offset;
    for (; t <= t1; t += step) ticks.push_back(TimeTick{t, ""});
    break;
  }
  if (ticks.empty() && span / kDay > 14) {
    // Month boundaries: "Nov", with the year where it changes.
    int64_t months_span = static_cast<int64_t>(span / (30.44 * kDay));
    int every = 1;
    for (int m : {1, 2, 3, 6, 12, 24, 60, 120, 600, 1200}) {
      every = m;
      if (static_cast<double>(months_span) / m + 1 <= std::max(2.0, width / 70.0)) break;
    }
    CivilDate d = ToUtc(t0).date;
    int64_t index = d.year * 12 + (d.month - 1);
    index = (index + every - 1) / every * every;
    for (;; index += every) {
      int64_t t = DaysFromCivil(index / 12, static_cast<int>(index % 12) + 1, 1) * kDay;
      if (t < t0) continue;
      if (t > t1) break;
      CivilDate c = ToUtc(t).date;
      ticks.push_back(TimeTick{t, c.month == 1 || ticks.empty()
                                      ? fmt::format("{} {}", MonthAbbrev(c.month), c.year)
                                      : std::string(MonthAbbrev(c.month))});
    }
    return ticks;
  }
  bool years_differ =
      !ticks.empty() && ToUtc(ticks.front().t).date.year != ToUtc(ticks.back().t).date.year;
  int64_t last_year = INT64_MIN;
  const bool centre = centre_days && ticks.size() > 1 && ticks[1].t - ticks[0].t >= kDay;
  for (TimeTick& tick : ticks) {
    int64_t year = ToUtc(tick.t).date.year;
    tick.label = ShortDate(tick.t, years_differ && year != last_year);
    last_year = year;
    if (centre) tick.t += kDay / 2;
  }
  if (centre && !ticks.empty() && ticks.back().t > t1) ticks.pop_back();
  return ticks;
}

// ============================================================ scales and axes

struct Scale {
  double d0 = 0, d1 = 1;  // domain
  double r0 = 0, r1 = 1;  // range (pixels)
  double operator()(double v) const {
    if (d1 == d0) return (r0 + r1) / 2;
    return r0 + (v - d0) * (r1 - r0) / (d1 - d0);
  }
};

// A value axis with round ticks in steps of 1, 2 or 5 times a power of ten.
struct ValueAxis {
  double lo = 0, hi = 1, step = 1;
  std::vector<double> ticks;
};

ValueAxis NiceAxis(double lo, double hi, int target) {
  if (!(hi > lo)) {  // one value: a band around it
    double pad = lo != 0 ? std::fabs(lo) * 0.1 : 1;
    hi = lo + pad;
    lo = (lo >= 0 && lo - pad < 0) ? 0 : lo - pad;
  }
  ValueAxis a;
  double raw = (hi - lo) / target;
  double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double r = raw / magnitude;
  a.step = (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * magnitude;
  a.lo = std::floor(lo / a.step + 1e-9) * a.step;
  a.hi = std::ceil(hi / a.step - 1e-9) * a.step;
  for (int k = 0; k <= 1000; ++k) {
    double v = a.lo + k * a.step;
    if (v > a.hi + a.step * 1e-6) break;
    v = std::round(v / a.step) * a.step;  // 0.30000000000000004 -> 0.3
    a.ticks.push_back(v == 0 ? 0 : v);
  }
  return a;
}

// A tick label: as many decimals as the step needs; k/M/G past ten thousand.
std::string TickLabel(double v, const ValueAxis& axis, bool percent) {
  double div = 1;
  const char* suffix = "";
  double top = std::max(std::fabs(axis.lo), std::fabs(axis.hi));
  if (!percent && top >= 1e4) {
    if (top >= 1e9) {
      div = 1e9, suffix = "G";
    } else if (top >= 1e6) {
      div = 1e6, suffix = "M";
    } else {
      div = 1e3, suffix = "k";
    }
  }
  int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(axis.step / div) + 1e-9)));
  std::string s = fmt::format("{:.{}f}", v / div, std::min(decimals, 10));
  bool zero = s.find_first_not_of("-0.") == std::string::npos;  // "-0.00"
  return fmt::format("{}{}{}", zero ? std::string_view("0") : std::string_view(s), suffix,
                     percent ? "%" : "");
}

// The plot area inside an SVG of width `svg_w`.
struct Frame {
  double x, y, w, h;
  double svg_w;
};

// Grid lines, tick labels and a rotated caption on the left.
void AppendValueAxis(const Frame& f, const ValueAxis& axis, const Scale& ys, bool percent,
                     std::string_view caption, std::string* out) {
  out->append("<g class=\"axis\">");
  for (double t : axis.ticks) {
    std::string y = C(ys(t));
    Put(out, "<line class=\"grid\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>", C(f.x), C(f.x + f.w),
        y, y);
    Put(out, "<text x=\"{}\" y=\"{}\" dy=\"0.32em\" text-anchor=\"end\">{}</text>", C(f.x - 7), y,
        TickLabel(t, axis, percent));
  }
  Put(out,
      "<text class=\"caption\" transform=\"translate(13 {}) rotate(-90)\" "
      "text-anchor=\"middle\">{}</text>",
      C(f.y + f.h / 2), Esc(caption));
  out->append("</g>");
}

// A label centred on x, kept inside the SVG.
void AppendBottomLabel(double x, double y, std::string_view text, double svg_w, std::string* out) {
  double half = TextWidth(text) / 2;
  const char* anchor = "middle";
  if (x - half < 2) {
    x = 2, anchor = "start";
  } else if (x + half > svg_w - 2) {
    x = svg_w - 2, anchor = "end";
  }
  Put(out, "<text x=\"{}\" y=\"{}\" text-anchor=\"{}\">{}</text>", C(x), C(y), anchor, Esc(text));
}

// Tick marks and date labels under the plot, vertical grid lines, a caption.
void AppendTimeAxis(const Frame& f, const Scale& xs, const std::vector<TimeTick>& ticks, bool grid,
                    std::string_view caption, std::string* out) {
  out->append("<g class=\"axis\">");
  double bottom = f.y + f.h;
  Put(out, "<line class=\"base\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>", C(f.x), C(f.x + f.w),
      C(bottom), C(bottom));
  for (const TimeTick& t : ticks) {
    std::string x = C(xs(static_cast<double>(t.t)));
    if (grid) {
      Put(out, "<line class=\"grid v\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>", x, x, C(f.y),
          C(bottom));
    }
    Put(out, "<line class=\"base\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>", x, x, C(bottom),
        C(bottom + 4));
    AppendBottomLabel(xs(static_cast<double>(t.t)), bottom + 17, t.label, f.svg_w, out);
  }
  if (!caption.empty()) {
    Put(out, "<text class=\"caption\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
        C(f.x + f.w / 2), C(bottom + 34), Esc(caption));
  }
  out->append("</g>");
}

// ============================================================ series styles

// Okabe–Ito: distinguishable with every common colour-vision deficiency.
constexpr const char* kPalette[8] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                     "#56B4E9", "#D55E00", "#F0E442", "#000000"};
// Dash patterns and marker shapes tell series apart without colour.
constexpr const char* kDashes[8] = {"", "7 4", "2 3", "10 3 2 3", "4 4", "1 3", "12 4", "6 2 2 2"};
constexpr int kShapes = 5;  // circle, square, triangle, diamond, inverted triangle

struct SeriesStyle {
  const char* color;
  const char* dash;
  int shape;
};

SeriesStyle StyleOf(int index) {
  return SeriesStyle{kPalette[index % 8], kDashes[index % 8], index % kShapes};
}

// Path data of a marker of radius ~r centred on (x, y).
std::string MarkerPath(int shape, double x, double y, double r) {
  switch (shape) {
    case 1:
      return fmt::format("M{} {}h{}v{}h-{}z", C(x - r * 0.85), C(y - r * 0.85), C(r * 1.7),
                         C(r * 1.7), C(r * 1.7));
    case 2:
      return fmt::format("M{} {}L{} {}L{} {}z", C(x), C(y - r * 1.1), C(x + r), C(y + r * 0.75),
                         C(x - r), C(y + r * 0.75));
    case 3:
      return fmt::format("M{} {}L{} {}L{} {}L{} {}z", C(x), C(y - r * 1.2), C(x + r), C(y), C(x),
                         C(y + r * 1.2), C(x - r), C(y));
    case 4:
      return fmt::format("M{} {}L{} {}L{} {}z", C(x), C(y + r * 1.1), C(x + r), C(y - r * 0.75),
                         C(x - r), C(y - r * 0.75));
    default:
      return fmt::format("M{} {}a{} {} 0 1 0 {} 0a{} {} 0 1 0 -{} 0", C(x - r), C(y), C(r), C(r),
                         C(2 * r), C(r), C(r), C(2 * r));
  }
}

// Legend entries are HTML list items with a small SVG sample: they never cover data.
void AppendLegendLine(const SeriesStyle& s, bool marker, std::string_view label, std::string* out) {
  Put(out,
      "<li><svg width=\"30\" height=\"14\" viewBox=\"0 0 30 14\" aria-hidden=\"true\">"
      "<line x1=\"1\" y1=\"7\" x2=\"29\" y2=\"7\" stroke=\"{}\" stroke-width=\"2\"{}/>",
      s.color, *s.dash ? fmt::format(" stroke-dasharray=\"{}\"", s.dash) : "");
  if (marker) {
    Put(out, "<path d=\"{}\" fill=\"{}\" stroke=\"#fff\"/>", MarkerPath(s.shape, 15, 7, 4),
        s.color);
  }
  Put(out, "</svg>{}</li>", Esc(label));
}

void AppendLegendSymbol(std::string_view svg_body, std::string_view label, std::string* out) {
  Put(out,
      "<li><svg width=\"30\" height=\"14\" viewBox=\"0 0 30 14\" aria-hidden=\"true\">{}</svg>{}"
      "</li>",
      svg_body, Esc(label));
}

constexpr std::string_view kAlarmRingSample =
    "<circle cx=\"15\" cy=\"7\" r=\"5.5\" fill=\"none\" stroke=\"#D55E00\" stroke-width=\"2\"/>";
constexpr std::string_view kAnomalySample =
    "<path d=\"M15 1L21 7L15 13L9 7z\" fill=\"none\" stroke=\"#111\" stroke-width=\"1.5\"/>";
constexpr std::string_view kThresholdSample =
    "<line x1=\"1\" y1=\"7\" x2=\"29\" y2=\"7\" stroke=\"#4b5563\" stroke-width=\"1.5\" "
    "stroke-dasharray=\"5 3\"/>";

// ============================================================ line charts

struct ChartPoint {
  int64_t start = 0, end = 0;
  double value = 0;                 // in display units (×100 for "%")
  std::optional<double> threshold;  // likewise; finite
  int64_t n = 0;
  bool alarm = false, anomaly = false;
  bool break_before = false;  // the line is interrupted before this point
};

// The finite points of a series in display units, each marked where the line
// must break: after a missing value or over at least one missing window.
std::vector<ChartPoint> ChartPoints(const Series& s) {
  std::vector<ChartPoint> pts;
  bool pending_break = false;
  for (const SeriesPoint& p : s.points) {
    if (!ValidTime(p.window_start) || !std::isfinite(p.value)) {
      pending_break = true;
      continue;
    }
    ChartPoint c;
    c.start = p.window_start;
    c.end = ValidTime(p.window_end) && p.window_end > p.window_start ? p.window_end
                                                                     : p.window_start + 1;
    c.value = p.value;
    if (p.threshold && std::isfinite(*p.threshold)) c.threshold = *p.threshold;
    c.n = p.n;
    c.alarm = p.alarm;
    c.anomaly = p.anomaly;
    if (!pts.empty()) {
      const ChartPoint& prev = pts.back();
      c.break_before = pending_break || c.start >= prev.end + (prev.end - prev.start);
    }
    pending_break = false;
    pts.push_back(c);
  }
  return pts;
}

// At most ~`budget` points: each bucket keeps its minimum and maximum, and
// every alarm and anomaly point; a break anywhere in a bucket is kept.
std::vector<ChartPoint> Thin(const std::vector<ChartPoint>& pts, size_t budget) {
  if (pts.size() <= budget) return pts;
  size_t buckets = std::max<size_t>(1, budget / 2);
  size_t size = (pts.size() + buckets - 1) / buckets;
  std::vector<ChartPoint> kept;
  bool pending_break = false;
  for (size_t b = 0; b < pts.size(); b += size) {
    size_t e = std::min(pts.size(), b + size);
    size_t lo = b, hi = b;
    for (size_t i = b; i < e; ++i) {
      if (pts[i].value < pts[lo].value) lo = i;
      if (pts[i].value > pts[hi].value) hi = i;
    }
    for (size_t i = b; i < e; ++i) {
      pending_break = pending_break || pts[i].break_before;
      if (i == lo || i == hi || pts[i].alarm || pts[i].anomaly) {
        kept.push_back(pts[i]);
        kept.back().break_before = pending_break;
        pending_break = false;
      }
    }
  }
  return kept;
}

// The threshold as a step line over each point's window.
std::string ThresholdPath(const std::vector<ChartPoint>& pts, const Scale& xs, const Scale& ys) {
  std::string d;
  int64_t last_end = INT64_MIN;
  double last_y = 0;
  size_t last_h = std::string::npos;  // where the last horizontal run starts in `d`
  for (const ChartPoint& p : pts) {
    if (!p.threshold) {
      last_end = INT64_MIN;
      continue;
    }
    double y = ys(*p.threshold);
    std::string x1 = C(xs(static_cast<double>(p.end)));
    if (p.start == last_end && y == last_y) {
      d.resize(last_h);  // extend the current run
    } else if (p.start == last_end) {
      Put(&d, "V{}", C(y));
    } else {
      Put(&d, "M{} {}", C(xs(static_cast<double>(p.start))), C(y));
    }
    last_h = d.size();
    Put(&d, "H{}", x1);
    last_end = p.end;
    last_y = y;
  }
  return d;
}

std::string SeriesLabel(const Series& s) {
  if (!s.label.empty()) return s.label;
  if (s.version == "*") return "all versions";
  return "version " + s.version;
}

std::string PointTip(const Series& s, const ChartPoint& p, std::string_view metric,
                     std::string_view unit) {
  std::string tip = fmt::format("{} · {} · {} {}", SeriesLabel(s), WindowText(p.start, p.end),
                                metric, ValueText(p.value, unit));
  if (p.threshold) Put(&tip, " · threshold {}", ValueText(*p.threshold, unit));
  if (p.n > 0) Put(&tip, " · n={}", Count(p.n));
  if (p.alarm) tip += " · ALARM";
  if (p.anomaly) tip += " · anomaly";
  return tip;
}

struct ChartContext {
  std::map<std::string, int> version_style;  // version -> style index, across the report
};

constexpr double kChartW = 560;
constexpr double kChartH = 250;
constexpr size_t kMaxChartPoints = 2000;

void AppendNoData(std::string_view why, std::string* out) {
  Put(out, "<p class=\"nodata\">{}</p>", why);
}

void AppendChartHead(std::string_view title, std::string_view sub, std::string* out) {
  Put(out, "<figcaption><h3>{}</h3><p class=\"sub\">{}</p></figcaption>", Esc(title), sub);
}

// One line chart: a line per series over time, the threshold as a dashed step,
// alarm points ringed, markers and dashes telling series apart.
void AppendLineChart(const MetricChart& chart, const ChartContext& ctx, std::string* out) {
  const bool percent = chart.unit == "%";
  std::string title = chart.title.empty() ? chart.metric : chart.title;
  std::string sub = GranularityText(chart.granularity);
  if (!chart.metric.empty()) Put(&sub, " · <code>{}</code>", Esc(chart.metric));
  if (!chart.column.empty() && chart.column != chart.metric) {
    Put(&sub, " of <code>{}</code>", Esc(chart.column));
  }
  sub += chart.higher_is_better ? " · higher is better" : " · lower is better";

  // Style by version when each series is a version, so a version keeps its
  // colour across charts; otherwise by position (p50, p95, p99).
  std::vector<int> styles;
  std::map<std::string, int> seen;
  bool by_version = true;
  for (const Series& s : chart.series) {
    auto it = ctx.version_style.find(s.version);
    if (it == ctx.version_style.end() || seen.count(s.version)) by_version = false;
    seen[s.version] = 1;
  }
  for (size_t i = 0; i < chart.series.size(); ++i) {
    styles.push_back(by_version ? ctx.version_style.at(chart.series[i].version)
                                : static_cast<int>(i));
  }

  std::vector<std::vector<ChartPoint>> all;
  size_t total = 0;
  for (const Series& s : chart.series) {
    all.push_back(ChartPoints(s));
    total += all.back().size();
  }
  out->append("<figure class=\"card chart\">");
  AppendChartHead(title, sub, out);
  if (total == 0) {
    AppendNoData("No values in this period.", out);
    out->append("</figure>");
    return;
  }
  size_t budget = std::max<size_t>(200, kMaxChartPoints / std::max<size_t>(1, chart.series.size()));

  int64_t t0 = INT64_MAX, t1 = INT64_MIN;
  double lo = INFINITY, hi = -INFINITY;
  bool any_threshold = false, any_alarm = false, any_anomaly = false;
  for (const auto& pts : all) {
    for (const ChartPoint& p : pts) {
      t0 = std::min(t0, p.start);
      t1 = std::max(t1, p.end);
      lo = std::min(lo, p.value);
      hi = std::max(hi, p.value);
      if (p.threshold) {
        lo = std::min(lo, *p.threshold);
        hi = std::max(hi, *p.threshold);
        any_threshold = true;
      }
      any_alarm = any_alarm || p.alarm;
      any_anomaly = any_anomaly || p.anomaly;
    }
  }
  if (lo > 0 && lo < (hi - lo) * 0.5) lo = 0;  // a floor near zero: show it
  if (t1 - t0 < kHour) {
    int64_t pad = (kHour - (t1 - t0)) / 2;
    t0 -= pad, t1 += pad;
  }
  ValueAxis axis = NiceAxis(lo, hi, 5);
  Frame f{64, 12, kChartW - 64 - 18, kChartH - 12 - 46, kChartW};
  Scale xs{static_cast<double>(t0), static_cast<double>(t1), f.x, f.x + f.w};
  Scale ys{axis.lo, axis.hi, f.y + f.h, f.y};

  // Legend.
  out->append("<ul class=\"legend\">");
  for (size_t i = 0; i < chart.series.size(); ++i) {
    if (!all[i].empty())
      AppendLegendLine(StyleOf(styles[i]), true, SeriesLabel(chart.series[i]), out);
  }
  if (any_threshold) AppendLegendSymbol(kThresholdSample, "threshold", out);
  if (any_alarm) AppendLegendSymbol(kAlarmRingSample, "alarm", out);
  if (any_anomaly) AppendLegendSymbol(kAnomalySample, "anomaly", out);
  out->append("</ul>");

  Put(out,
      "<svg class=\"plot\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\" "
      "aria-label=\"{}\"><title>{}</title>",
      C(kChartW), C(kChartH), C(kChartW), C(kChartH), Esc(title), Esc(title));
  std::string caption = chart.unit.empty() ? chart.metric
                        : percent          ? chart.metric + " (%)"
                                           : fmt::format("{} ({})", chart.metric, chart.unit);
  AppendValueAxis(f, axis, ys, percent, caption, out);
  AppendTimeAxis(f, xs, TimeTicks(t0, t1, f.w, GranularityMicros(chart.granularity) >= kDay), true,
                 "time (UTC)", out);

  // Thresholds: one grey step line over every window when the series agree
  // on each window's threshold (the usual case), else one per series.
  std::map<int64_t, ChartPoint> by_window;
  bool shared = true;
  for (const auto& pts : all) {
    for (const ChartPoint& p : pts) {
      if (!p.threshold) continue;
      auto it = by_window.emplace(p.start, p).first;
      if (it->second.end != p.end || *it->second.threshold != *p.threshold) shared = false;
    }
  }
  if (shared && !by_window.empty()) {
    std::vector<ChartPoint> merged;
    for (const auto& entry : by_window) merged.push_back(entry.second);
    Put(out, "<path class=\"threshold\" d=\"{}\" stroke=\"#4b5563\"/>",
        ThresholdPath(merged, xs, ys));
  } else if (!shared) {
    for (size_t i = 0; i < all.size(); ++i) {
      std::string d = ThresholdPath(all[i], xs, ys);
      if (d.empty()) continue;
      Put(out, "<path class=\"threshold\" d=\"{}\" stroke=\"{}\"/>", d, StyleOf(styles[i]).color);
    }
  }

  std::string marks;  // markers go over every line
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i].empty()) continue;
    const Series& s = chart.series[i];
    SeriesStyle style = StyleOf(styles[i]);
    std::vector<ChartPoint> pts = Thin(all[i], budget);
    const bool dense = pts.size() > 150;  // thinner line, smaller rings
    const double ring = dense ? 4.5 : 6.5;
    std::string d;
    for (size_t k = 0; k < pts.size(); ++k) {
      Put(&d, "{}{} {}", k == 0 || pts[k].break_before ? "M" : "L",
          C(xs(static_cast<double>(pts[k].start + pts[k].end) / 2)), C(ys(pts[k].value)));
    }
    Put(out, "<path class=\"series\" d=\"{}\" stroke=\"{}\"{}{}><title>{}</title></path>", d,
        style.color, *style.dash ? fmt::format(" stroke-dasharray=\"{}\"", style.dash) : "",
        dense ? " style=\"stroke-width:1.5\"" : "", Esc(SeriesLabel(s)));
    size_t every = pts.size() <= 48 ? 1 : (pts.size() + 23) / 24;
    for (size_t k = 0; k < pts.size(); ++k) {
      const ChartPoint& p = pts[k];
      double x = xs(static_cast<double>(p.start + p.end) / 2), y = ys(p.value);
      bool isolated =
          (k == 0 || p.break_before) && (k + 1 == pts.size() || pts[k + 1].break_before);
      std::string tip = Esc(PointTip(s, p, chart.metric, chart.unit));
      if (k % every == 0 || isolated) {
        Put(&marks, "<path class=\"point\" d=\"{}\" fill=\"{}\"><title>{}</title></path>",
            MarkerPath(style.shape, x, y, 3.6), style.color, tip);
      }
      if (p.anomaly) {
        Put(&marks, "<path class=\"anomaly-point\" d=\"{}\"><title>{}</title></path>",
            MarkerPath(3, x, y, ring), tip);
      }
      if (p.alarm) {
        Put(&marks,
            "<circle class=\"alarm-point\" cx=\"{}\" cy=\"{}\" r=\"{}\"><title>{}</title></circle>",
            C(x), C(y), C(ring), tip);
      }
    }
  }
  out->append(marks);
  out->append("</svg></figure>");
}

// ============================================================ drift heatmap

// Viridis at eleven evenly spaced stops (perceptually uniform, colour-blind safe).
constexpr uint32_t kViridis[11] = {0x440154, 0x482475, 0x414487, 0x355f8d, 0x2a788e, 0x21918c,
                                   0x22a884, 0x44bf70, 0x7ad151, 0xbddf26, 0xfde725};

uint32_t ViridisRgb(double t) {
  t = std::clamp(t, 0.0, 1.0) * 10;
  int i = std::min(9, static_cast<int>(t));
  double f = t - i;
  uint32_t rgb = 0;
  for (int shift : {16, 8, 0}) {
    double a = (kViridis[i] >> shift) & 0xFF, b = (kViridis[i + 1] >> shift) & 0xFF;
    rgb |= static_cast<uint32_t>(std::lround(a + (b - a) * f)) << shift;
  }
  return rgb;
}

std::string Hex(uint32_t rgb) { return fmt::format("#{:06x}", rgb); }

// Dark marks on light cells, light marks on dark ones.
bool IsLight(uint32_t rgb) {
  double r = (rgb >> 16) & 0xFF, g = (rgb >> 8) & 0xFF, b = rgb & 0xFF;
  return 0.299 * r + 0.587 * g + 0.114 * b > 140;
}

constexpr double kWideW = 1180;
// Past this many cells a heatmap's cells get no tooltips (a cell is then a
// pixel or two wide, and the titles would more than double the page).
constexpr size_t kMaxCellTips = 6000;

void AppendHeatmap(const DriftHeatmap& hm, int id, std::string* out) {
  // The statistics and thresholds behind the colours, each named once.
  std::vector<std::string> metrics;
  std::vector<double> thresholds;
  for (const DriftRow& row : hm.rows) {
    for (const DriftCell& c : row.cells) {
      if (std::find(metrics.begin(), metrics.end(), c.metric) == metrics.end()) {
        metrics.push_back(c.metric);
      }
      if (c.threshold &&
          std::find(thresholds.begin(), thresholds.end(), *c.threshold) == thresholds.end()) {
        thresholds.push_back(*c.threshold);
      }
    }
  }
  std::string sub;
  for (const std::string& m : metrics)
    Put(&sub, "{}<code>{}</code>", sub.empty() ? "" : ", ", Esc(m));
  if (thresholds.size() == 1) Put(&sub, " · threshold {}", Num(thresholds[0]));
  Put(&sub, "{}{}", sub.empty() ? "" : " · ",
      hm.version.empty() || hm.version == "*" ? std::string("all versions")
                                              : "version " + Esc(hm.version));
  out->append("<figure class=\"card wide chart\">");
  AppendChartHead(fmt::format("Feature drift · {}", GranularityText(hm.granularity)), sub, out);

  int64_t dur = GranularityMicros(hm.granularity);
  std::vector<int64_t> starts;
  for (int64_t w : hm.windows) {
    if (ValidTime(w)) starts.push_back(w);
  }
  size_t cells = 0;
  for (const DriftRow& row : hm.rows) {
    for (const DriftCell& c : row.cells) {
      if (ValidTime(c.window_start)) starts.push_back(c.window_start), ++cells;
    }
  }
  if (hm.rows.empty() || starts.empty()) {
    AppendNoData("No drift figures for these windows.", out);
    out->append("</figure>");
    return;
  }
  std::sort(starts.begin(), starts.end());
  starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
  if (dur <= 0) {
    for (size_t i = 1; i < starts.size(); ++i) {
      int64_t gap = starts[i] - starts[i - 1];
      if (dur <= 0 || gap < dur) dur = gap;
    }
    if (dur <= 0) dur = kDay;
  }
  const int64_t t0 = starts.front(), t1 = starts.back() + dur;

  double longest = 0;
  for (const DriftRow& row : hm.rows) longest = std::max(longest, TextWidth(row.feature) * 1.05);
  const double label_w = std::clamp(longest + 14, 90.0, 260.0);
  const size_t label_chars = static_cast<size_t>((label_w - 14) / (6.8 * 1.05));
  double right_w = TextWidth("alarms / windows") * 0.95 + 6;  // the column's caption
  for (const DriftRow& row : hm.rows) {
    right_w = std::max(
        right_w,
        TextWidth(fmt::format("{} / {}", row.windows_drifted, row.cells.size())) * 1.1 + 14);
  }
  const double row_h = hm.rows.size() <= 12 ? 26 : hm.rows.size() <= 30 ? 20 : 14;
  const double plot_h = row_h * static_cast<double>(hm.rows.size());
  const double top = 22;
  const double svg_h = top + plot_h + 40 + 44;
  Frame f{label_w, top, kWideW - label_w - right_w, plot_h, kWideW};
  Scale xs{static_cast<double>(t0), static_cast<double>(t1), f.x, f.x + f.w};
  const double cell_w = xs(static_cast<double>(t0 + dur)) - f.x;
  const double gap = cell_w >= 6 ? 1 : 0;
  const bool tips = cells <= kMaxCellTips;
  const std::string grad = fmt::format("lw-viridis-{}", id);

  Put(out,
      "<svg class=\"plot heatmap\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\" "
      "aria-label=\"Feature drift heatmap\"><title>Feature drift, {}</title>",
      C(kWideW), C(svg_h), C(kWideW), C(svg_h), GranularityText(hm.granularity));
  Put(out, "<defs><linearGradient id=\"{}\">", grad);
  for (int i = 0; i <= 10; ++i) {
    Put(out, "<stop offset=\"{}%\" stop-color=\"{}\"/>", i * 10, Hex(kViridis[i]));
  }
  out->append("</linearGradient></defs>");
  Put(out, "<rect class=\"hm-bg\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>", C(f.x), C(f.y),
      C(f.w), C(f.h));
  Put(out, "<text class=\"caption\" x=\"{}\" y=\"{}\" text-anchor=\"end\">alarms / windows</text>",
      C(kWideW - 2), C(top - 8));

  std::string marks;
  for (size_t r = 0; r < hm.rows.size(); ++r) {
    const DriftRow& row = hm.rows[r];
    const double y = top + row_h * static_cast<double>(r);
    std::string row_tip =
        fmt::format("{} ({}) · alarms in {} of {} windows", row.feature,
                    row.numeric ? "numeric" : "categorical", row.windows_drifted, row.cells.size());
    if (row.first_drift && ValidTime(*row.first_drift)) {
      Put(&row_tip, " · first drift {}", WindowText(*row.first_drift, *row.first_drift + dur));
    }
    Put(out,
        "<text class=\"row-label\" x=\"{}\" y=\"{}\" dy=\"0.32em\" "
        "text-anchor=\"end\">{}<title>{}</title></text>",
        C(f.x - 8), C(y + row_h / 2), Esc(Ellipsize(row.feature, label_chars)), Esc(row_tip));
    Put(out,
        "<text class=\"{}\" x=\"{}\" y=\"{}\" dy=\"0.32em\" text-anchor=\"end\">{} / {}</text>",
        row.windows_drifted > 0 ? "count hot" : "count", C(kWideW - 4), C(y + row_h / 2),
        row.windows_drifted, row.cells.size());
    for (const DriftCell& c : row.cells) {
      if (!ValidTime(c.window_start)) continue;
      double x = xs(static_cast<double>(c.window_start));
      double w = std::max(0.6, cell_w - gap);
      bool has_value = std::isfinite(c.intensity);
      uint32_t rgb = has_value ? ViridisRgb(c.intensity) : 0xd5dae1;
      Put(out, "<rect class=\"cell\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"",
          C(x), C(y + 1), C(w), C(row_h - 2), Hex(rgb));
      std::string tip;
      if (tips) {
        tip = fmt::format("{} · {} · {} {}", row.feature,
                          WindowText(c.window_start, c.window_start + dur), c.metric, Num(c.value));
        if (c.threshold) Put(&tip, " (threshold {})", Num(*c.threshold));
        if (c.alarm) tip += " · ALARM";
      }
      const std::string title = tips ? fmt::format("<title>{}</title>", Esc(tip)) : "";
      out->append(tips ? ">" + title + "</rect>" : "/>");
      if (!c.alarm) continue;
      const char* ink = IsLight(rgb) ? "#111" : "#fff";
      if (cell_w >= 7) {
        Put(&marks,
            "<circle class=\"alarm-mark\" cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\">{}</circle>",
            C(x + w / 2), C(y + row_h / 2), C(std::min(4.0, w / 3)), ink, title);
      } else {  // narrow cells: a band along the top of the cell
        Put(&marks,
            "<rect class=\"alarm-mark\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"4\" "
            "fill=\"#111\">{}</rect>",
            C(x), C(y + 1), C(std::max(1.0, w)), title);
      }
    }
  }
  out->append(marks);
  AppendTimeAxis(f, xs, TimeTicks(t0, t1, f.w, dur >= kDay), false, "", out);

  // Colour scale legend.
  const double ly = top + plot_h + 44;
  const double lx = f.x;
  Put(out,
      "<g class=\"hm-legend\"><text x=\"{}\" y=\"{}\" dy=\"0.32em\" "
      "text-anchor=\"end\">intensity</text>",
      C(lx - 8), C(ly + 5));
  Put(out, "<rect x=\"{}\" y=\"{}\" width=\"360\" height=\"10\" fill=\"url(#{})\"/>", C(lx), C(ly),
      grad);
  constexpr const char* kScaleText[3] = {"0 · no drift", "0.5 ≈ threshold", "1 · ≥ 2× threshold"};
  constexpr const char* kScaleAnchor[3] = {"start", "middle", "end"};
  for (int i = 0; i < 3; ++i) {
    double x = lx + 180 * i;
    Put(out, "<line class=\"base\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>", C(x), C(x),
        C(ly + 10), C(ly + 14));
    Put(out, "<text x=\"{}\" y=\"{}\" text-anchor=\"{}\">{}</text>", C(x), C(ly + 27),
        kScaleAnchor[i], kScaleText[i]);
  }
  double ax = lx + 400;
  Put(out, "<rect x=\"{}\" y=\"{}\" width=\"16\" height=\"14\" fill=\"{}\"/>", C(ax), C(ly - 2),
      Hex(kViridis[9]));
  if (cell_w >= 7) {
    Put(out, "<circle cx=\"{}\" cy=\"{}\" r=\"3.5\" fill=\"#111\"/>", C(ax + 8), C(ly + 5));
  } else {
    Put(out, "<rect x=\"{}\" y=\"{}\" width=\"16\" height=\"4\" fill=\"#111\"/>", C(ax), C(ly - 2));
  }
  Put(out, "<text x=\"{}\" y=\"{}\" dy=\"0.32em\">alarm</text>", C(ax + 22), C(ly + 5));
  Put(out,
      "<rect class=\"hm-bg\" x=\"{}\" y=\"{}\" width=\"16\" height=\"14\"/><text x=\"{}\" y=\"{}\" "
      "dy=\"0.32em\">no data</text>",
      C(ax + 80), C(ly - 2), C(ax + 102), C(ly + 5));
  out->append("</g></svg></figure>");
}

// ============================================================ distributions

constexpr const char* kBaselineColor = "#0072B2";
constexpr const char* kCurrentColor = "#E69F00";

void AppendDistribution(const FeatureDistribution& d, std::string* out) {
  std::string sub = fmt::format("<code>{}</code> {}", Esc(d.metric), Num(d.value));
  if (d.threshold) Put(&sub, " (threshold {})", Num(*d.threshold));
  Put(&sub, " · {} · missing {} → {}", d.numeric ? "numeric, bins" : "categorical",
      Pct(d.baseline_missing), Pct(d.current_missing));
  out->append("<figure class=\"card chart\">");
  AppendChartHead(d.feature, sub, out);
  Put(out, "<ul class=\"legend\">");
  std::string base_label =
      fmt::format("baseline: {} (n={})", d.baseline_label, Count(d.baseline_n));
  std::string cur_label = fmt::format("current: {} (n={})", d.current_label, Count(d.current_n));
  AppendLegendSymbol(
      fmt::format("<rect x=\"6\" y=\"1\" width=\"18\" height=\"12\" fill=\"{}\"/>", kBaselineColor),
      base_label, out);
  AppendLegendSymbol(
      fmt::format("<rect x=\"6\" y=\"1\" width=\"18\" height=\"12\" fill=\"{}\"/>", kCurrentColor),
      cur_label, out);
  out->append("</ul>");
  if (d.bins.empty()) {
    AppendNoData("No bins to compare.", out);
    out->append("</figure>");
    return;
  }

  const size_t n = d.bins.size();
  double top_share = 0;
  for (const DistributionBin& b : d.bins) {
    if (std::isfinite(b.baseline_share)) top_share = std::max(top_share, b.baseline_share);
    if (std::isfinite(b.current_share)) top_share = std::max(top_share, b.current_share);
  }
  ValueAxis axis = NiceAxis(0, std::max(top_share * 100, 1.0), 5);
  const double plot_w = kChartW - 62 - 14;
  const double group = plot_w / static_cast<double>(n);
  const size_t label_every = (n + 11) / 12;
  size_t longest = 0;
  for (size_t i = 0; i < n; i += label_every) longest = std::max(longest, Chars(d.bins[i].label));
  const bool rotate =
      static_cast<double>(longest) * 6.8 > group * static_cast<double>(label_every) - 6;
  const size_t max_chars = 16;
  const double bottom = rotate ? 40 + static_cast<double>(std::min(longest, max_chars)) * 4.4 : 50;
  const double svg_h = 210 + bottom;
  Frame f{62, 12, plot_w, svg_h - 12 - bottom, kChartW};
  Scale ys{axis.lo, axis.hi, f.y + f.h, f.y};

  Put(out,
      "<svg class=\"plot\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\" "
      "aria-label=\"Distribution of {}\"><title>Distribution of {}, baseline vs current</title>",
      C(kChartW), C(svg_h), C(kChartW), C(svg_h), Esc(d.feature), Esc(d.feature));
  AppendValueAxis(f, axis, ys, true, "share of rows (%)", out);
  const double bar_w = std::min(group * 0.38, 34.0);
  const double base_y = f.y + f.h;
  for (size_t i = 0; i < n; ++i) {
    const DistributionBin& b = d.bins[i];
    const double cx = f.x + group * (static_cast<double>(i) + 0.5);
    const double shares[2] = {b.baseline_share, b.current_share};
    for (int side = 0; side < 2; ++side) {
      double share = std::isfinite(shares[side]) ? std::max(0.0, shares[side]) : 0;
      double y = ys(share * 100);
      double x = side == 0 ? cx - bar_w - 0.5 : cx + 0.5;
      Put(out,
          "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\">"
          "<title>{} · {}: {}</title></rect>",
          C(x), C(y), C(bar_w), C(base_y - y), side == 0 ? kBaselineColor : kCurrentColor,
          side == 0 ? "baseline" : "current", Esc(b.label), Pct(shares[side]));
    }
    if (i % label_every != 0) continue;
    std::string label = Ellipsize(b.label, rotate ? max_chars : 40);
    if (rotate) {
      Put(out,
          "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" transform=\"rotate(-40 {} "
          "{})\">{}<title>{}</title></text>",
          C(cx + 4), C(base_y + 14), C(cx + 4), C(base_y + 14), Esc(label), Esc(b.label));
    } else {
      AppendBottomLabel(cx, base_y + 17, label, kChartW, out);
    }
  }
  Put(out, "<line class=\"base\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>", C(f.x), C(f.x + f.w),
      C(base_y), C(base_y));
  Put(out, "<text class=\"caption\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
      C(f.x + f.w / 2), C(svg_h - 6),
      Esc(fmt::format("{} ({})", d.feature, d.numeric ? "value bins" : "categories")));
  out->append("</svg></figure>");
}

// ============================================================ page sections

// Opens a section; `lead` (how to read it) is left out when it is empty.
void OpenSection(const char* id, const char* title, bool empty, std::string_view lead,
                 std::string* out) {
  Put(out, "<section id=\"{}\"{} aria-labelledby=\"h-{}\"><h2 id=\"h-{}\">{}</h2>", id,
      empty ? " data-empty=\"true\"" : "", id, id, title);
  if (!empty && !lead.empty()) Put(out, "<p class=\"lead\">{}</p>", lead);
}

void AppendEmpty(std::string_view why, std::string* out) {
  Put(out, "<p class=\"empty\">{}</p></section>", why);
}

std::string ProblemText(std::string_view problem) {
  if (problem == "binary") return "Binary classification";
  if (problem == "multiclass") return "Multiclass classification";
  if (problem == "regression") return "Regression";
  return Esc(problem);
}

std::string VersionText(std::string_view v) { return v == "*" ? std::string("all") : Esc(v); }

int64_t AlarmTotal(const ReportData& d) {
  return std::max<int64_t>(d.alarm_count, static_cast<int64_t>(d.alarms.size()));
}

void AppendKpi(std::string_view label, std::string_view value, std::string_view note,
               std::string_view extra_class, std::string* out) {
  Put(out,
      "<div class=\"kpi{}\"><div class=\"l\">{}</div><div class=\"v\">{}</div><div "
      "class=\"s\">{}</div></div>",
      extra_class, label, value, note);
}

void AppendHeader(const ReportData& d, std::string* out) {
  out->append("<header class=\"top\"><div class=\"wrap\">");
  out->append("<div class=\"eyebrow\">lakewatch · model report</div>");
  Put(out, "<h1>{}</h1><p class=\"meta\"><span class=\"pill\">{}</span>", Esc(d.model),
      ProblemText(d.problem));
  if (d.events > 0 && ValidTime(d.first_event) && ValidTime(d.last_event)) {
    Put(out, "<span>{} – {} UTC</span>", DayText(d.first_event), DayText(d.last_event));
  }
  if (!d.table.empty()) Put(out, "<span>events table <code>{}</code></span>", Esc(d.table));
  if (!d.baseline.empty()) Put(out, "<span>baseline: {}</span>", Esc(d.baseline));
  out->append("</p><div class=\"kpis\">");

  AppendKpi("Events", Compact(d.events), fmt::format("{} predictions", Count(d.events)), "", out);
  std::string names;
  for (const VersionSummary& v : d.versions) {
    if (!names.empty()) names += ", ";
    names += VersionText(v.version);
  }
  AppendKpi("Versions", Count(static_cast<int64_t>(d.versions.size())),
            names.empty() ? std::string("none") : "version " + names, "", out);
  AppendKpi("Label coverage", Pct(d.label_coverage), "of predictions have a label",
            d.label_coverage < 0.5 ? " warn" : "", out);
  const int64_t alarms = AlarmTotal(d);
  AppendKpi("Alarms", Count(alarms), alarms > 0 ? "▲ see the alarm list" : "none raised",
            alarms > 0 ? " alert" : " good", out);
  for (auto it = d.versions.rbegin(); it != d.versions.rend(); ++it) {
    if (!it->headline || !std::isfinite(*it->headline)) continue;
    AppendKpi(Esc(d.headline_metric.empty() ? "headline" : d.headline_metric), Num(*it->headline),
              fmt::format("version {}, all its labelled events", VersionText(it->version)), "",
              out);
    break;
  }
  out->append("</div></div></header>");
}

struct NavItem {
  const char* id;
  const char* title;
};

constexpr NavItem kSections[] = {{"summary", "Summary"},
                                 {"performance", "Performance"},
                                 {"drift", "Drift"},
                                 {"distributions", "Distributions"},
                                 {"quality", "Data quality"},
                                 {"operations", "Operations"},
                                 {"logs", "Logs"},
                                 {"alarms", "Alarms"}};

void AppendNav(const ReportData& d, std::string* out) {
  out->append("<nav class=\"toc\" aria-label=\"Sections\"><ul>");
  for (const NavItem& item : kSections) {
    Put(out, "<li><a href=\"#{}\">{}", item.id, item.title);
    if (std::string_view(item.id) == "alarms" && AlarmTotal(d) > 0) {
      Put(out, " <span class=\"count\">{}</span>", Count(AlarmTotal(d)));
    }
    out->append("</a></li>");
  }
  out->append("</ul></nav>");
}

void AppendSummary(const ReportData& d, const ChartContext& /*ctx*/, std::string* out) {
  const bool empty = d.versions.empty() && d.events == 0 && d.findings.empty();
  OpenSection("summary", "Summary", empty, "", out);
  if (empty)
    return AppendEmpty("No prediction events were found for this model in the period.", out);
  out->append("<div class=\"grid\">");
  out->append("<div class=\"card\"><h3>Findings</h3>");
  if (d.findings.empty()) {
    out->append("<p class=\"nodata\">Nothing stands out: no alarm and no notable change.</p>");
  } else {
    out->append("<ul class=\"findings\">");
    for (const std::string& f : d.findings) Put(out, "<li>{}</li>", Esc(f));
    out->append("</ul>");
  }
  out->append("</div>");

  // Details of the run.
  out->append("<div class=\"card\"><h3>About this report</h3><dl class=\"about\">");
  auto row = [out](std::string_view k, std::string_view v) {
    if (!v.empty()) Put(out, "<dt>{}</dt><dd>{}</dd>", k, v);
  };
  row("Model", Esc(d.model));
  row("Events table", d.table.empty() ? "" : fmt::format("<code>{}</code>", Esc(d.table)));
  row("Delta version", d.source_version >= 0 ? Count(d.source_version) : "");
  row("Period",
      d.events > 0 ? fmt::format("{} – {} UTC", MinuteText(d.first_event), MinuteText(d.last_event))
                   : "");
  row("Baseline", Esc(d.baseline));
  row("Headline metric", Esc(d.headline_metric));
  row("Configuration",
      d.config_path.empty() ? "" : fmt::format("<code>{}</code>", Esc(d.config_path)));
  row("Data directory", d.data_dir.empty() ? "" : fmt::format("<code>{}</code>", Esc(d.data_dir)));
  row("Generated",
      ValidTime(d.generated_at) && d.generated_at != 0 ? MinuteText(d.generated_at) + " UTC" : "");
  out->append("</dl></div>");

  // Versions and their traffic.
  out->append("<div class=\"card wide\"><h3>Versions and traffic</h3>");
  if (d.versions.empty()) {
    out->append("<p class=\"nodata\">No version column: every event counts as one model.</p>");
  } else {
    int64_t total = 0;
    for (const VersionSummary& v : d.versions) total += std::max<int64_t>(0, v.events);
    out->append("<div class=\"traffic\" role=\"img\" aria-label=\"share of events per version\">");
    for (size_t i = 0; i < d.versions.size(); ++i) {
      const VersionSummary& v = d.versions[i];
      double share = total > 0 ? static_cast<double>(std::max<int64_t>(0, v.events)) / total : 0;
      if (share <= 0) continue;
      Put(out,
          "<span class=\"seg\" style=\"width:{:.2f}%;background:{}\" title=\"version {}: {} of "
          "events\">{}</span>",
          share * 100, kPalette[i % 8], VersionText(v.version), Pct(share),
          share >= 0.08 ? fmt::format("v{} · {}", VersionText(v.version), Pct(share)) : "");
    }
    out->append("</div>");
    Put(out,
        "<div class=\"scroll\"><table><thead><tr><th>Version</th><th>First event</th><th>Last "
        "event</th>"
        "<th class=\"num\">Events</th><th class=\"num\">Traffic</th><th class=\"num\">Label "
        "coverage</th>"
        "<th class=\"num\">{}</th><th class=\"num\">Alarms</th></tr></thead><tbody>",
        Esc(d.headline_metric.empty() ? "Headline" : d.headline_metric));
    for (size_t i = 0; i < d.versions.size(); ++i) {
      const VersionSummary& v = d.versions[i];
      double share = total > 0 ? static_cast<double>(std::max<int64_t>(0, v.events)) / total : 0;
      Put(out,
          "<tr><td><span class=\"swatch\" "
          "style=\"background:{}\"></span>{}</td><td>{}</td><td>{}</td>"
          "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
          "<td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
          kPalette[i % 8], VersionText(v.version), MinuteText(v.first_seen),
          MinuteText(v.last_seen), Count(v.events), Pct(share), Pct(v.label_coverage),
          Num(v.headline),
          v.alarms > 0 ? fmt::format("<span class=\"badge alarm\">{}</span>", Count(v.alarms))
                       : "0");
    }
    out->append("</tbody></table></div>");
  }
  out->append("</div></div></section>");
}

void AppendCharts(const std::vector<MetricChart>& charts, const ChartContext& ctx,
                  std::string* out) {
  out->append("<div class=\"grid\">");
  for (const MetricChart& c : charts) AppendLineChart(c, ctx, out);
  out->append("</div>");
}

// A section of line charts, or a sentence saying why there is none.
void AppendChartSection(const char* id, const char* title, std::string_view lead,
                        const std::vector<MetricChart>& charts, std::string_view why_empty,
                        const ChartContext& ctx, std::string* out) {
  OpenSection(id, title, charts.empty(), lead, out);
  if (charts.empty()) return AppendEmpty(why_empty, out);
  AppendCharts(charts, ctx, out);
  out->append("</section>");
}

void AppendPerformance(const ReportData& d, const ChartContext& ctx, std::string* out) {
  AppendChartSection(
      "performance", "Performance",
      "Model quality per window and version, computed on the predictions whose label has "
      "arrived. The dashed step is the alarm threshold; ringed points crossed it.",
      d.performance,
      d.label_coverage > 0 ? "No performance figures were computed for this period."
                           : "No performance figures: no labels have arrived for this model's "
                             "predictions yet, so nothing can be scored.",
      ctx, out);
}

void AppendDrift(const ReportData& d, const ChartContext& /*ctx*/, std::string* out) {
  const bool empty = d.drift.empty();
  OpenSection("drift", "Drift", empty,
              "Each row is a feature, each column a window. Colour shows how far the window's "
              "distribution moved from the baseline (0 = no change, 0.5 ≈ at the threshold, 1 = "
              "twice the threshold or more); a marked cell raised an alarm. Hover a cell for the "
              "statistic.",
              out);
  if (empty)
    return AppendEmpty(
        "No drift figures: no features are monitored for drift, or no window has data.", out);
  out->append("<div class=\"grid\">");
  for (size_t i = 0; i < d.drift.size(); ++i) AppendHeatmap(d.drift[i], static_cast<int>(i), out);
  out->append("</div></section>");
}

void AppendDistributions(const ReportData& d, const ChartContext& /*ctx*/, std::string* out) {
  const bool empty = d.top_drifted.empty();
  OpenSection("distributions", "Distributions", empty,
              "The most drifted features, baseline against the current period: the share of rows "
              "in each bin (numeric features) or category.",
              out);
  if (empty) return AppendEmpty("No feature drifted: there is no distribution to compare.", out);
  out->append("<div class=\"grid\">");
  for (const FeatureDistribution& f : d.top_drifted) AppendDistribution(f, out);
  out->append("</div></section>");
}

void AppendQuality(const ReportData& d, const ChartContext& ctx, std::string* out) {
  const bool empty = d.quality.empty() && d.quality_charts.empty();
  OpenSection("quality", "Data quality", empty,
              "Missing values, type violations, out-of-range values and categories never seen in "
              "the baseline, per feature; then missing rates over time of the worst features.",
              out);
  if (empty) return AppendEmpty("No data-quality figures were computed for this period.", out);
  if (!d.quality.empty()) {
    out->append(
        "<div class=\"card wide\"><div class=\"scroll\"><table><thead><tr><th>Feature</th>"
        "<th class=\"num\">Missing, baseline</th><th class=\"num\">Missing, current</th>"
        "<th class=\"num\">Change</th><th class=\"num\">Type violations</th>"
        "<th class=\"num\">Out of range</th><th class=\"num\">Unseen categories</th><th>Status</th>"
        "</tr></thead><tbody>");
    for (const QualityRow& q : d.quality) {
      double change = q.missing_rate_current - q.missing_rate_baseline;
      std::string change_text = std::isfinite(change) && change != 0
                                    ? fmt::format("{}{} pt", change > 0 ? "+" : "−",
                                                  Significant(std::fabs(change) * 100, 2))
                                    : std::string(kNone);
      Put(out,
          "<tr{}><td><code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
          "<td class=\"num {}\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
          "<td class=\"num\">{}</td><td>{}</td></tr>",
          q.alarm ? " class=\"hot\"" : "", Esc(q.feature), Pct(q.missing_rate_baseline),
          Pct(q.missing_rate_current),
          change > 0   ? "up"
          : change < 0 ? "down"
                       : "",
          change_text, Pct(q.type_violation_rate), Pct(q.out_of_range_rate),
          Pct(q.unseen_category_rate),
          q.alarm ? "<span class=\"badge alarm\">▲ alarm</span>"
                  : "<span class=\"badge ok\">ok</span>");
    }
    out->append("</tbody></table></div></div>");
  }
  if (!d.quality_charts.empty()) AppendCharts(d.quality_charts, ctx, out);
  out->append("</section>");
}

void AppendOperations(const ReportData& d, const ChartContext& ctx, std::string* out) {
  AppendChartSection(
      "operations", "Operations",
      "Serving health per version: latency percentiles, error rate, throughput and resources.",
      d.operations,
      "No operational figures: the events carry no latency, error or resource columns.", ctx, out);
}

std::string LevelBadge(std::string_view level) {
  std::string lower;
  for (char c : level) lower.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
  const char* cls = "info";
  if (lower == "error" || lower == "fatal" || lower == "critical") cls = "error";
  if (lower == "warn" || lower == "warning") cls = "warn";
  if (level.empty()) return std::string(kNone);
  return fmt::format("<span class=\"level {}\">{}</span>", cls, Esc(level));
}

void AppendLogs(const ReportData& d, const ChartContext& /*ctx*/, std::string* out) {
  const bool empty = !d.logs || d.logs->changes.empty();
  std::string lead;
  if (d.logs) {
    lead = fmt::format(
        "Log templates whose frequency changed most between <b>{}</b> ({} lines) and <b>{}</b> ({} "
        "lines) in <code>{}</code>, as rates per 1,000 log lines. <span class=\"tag "
        "new\">NEW</span> "
        "templates never appeared in the baseline.",
        Esc(d.logs->baseline_label), Count(d.logs->baseline_lines), Esc(d.logs->current_label),
        Count(d.logs->current_lines), Esc(d.logs->table));
  }
  OpenSection("logs", "Logs", empty, lead, out);
  if (!d.logs)
    return AppendEmpty(
        "No logs table is configured for this model (<code>logs:</code> in lakewatch.yaml), so log "
        "templates are not compared.",
        out);
  if (empty)
    return AppendEmpty("No log template changed its frequency between the two periods.", out);
  out->append(
      "<div class=\"card wide\"><div class=\"scroll\"><table "
      "class=\"logs\"><thead><tr><th>Template</th>"
      "<th>Level</th><th class=\"num\">Baseline /1k</th><th class=\"num\">Current /1k</th>"
      "<th class=\"num\">Change</th><th>Versions</th><th>First seen</th></tr></thead><tbody>");
  for (const TemplateChange& t : d.logs->changes) {
    double delta = t.current_rate - t.baseline_rate;
    std::string change;
    if (t.is_new) {
      change = fmt::format("<span class=\"up\">+{}</span>", Num(t.current_rate));
    } else if (std::isfinite(delta)) {
      change = fmt::format("<span class=\"{}\">{}{}</span>",
                           delta > 0   ? "up"
                           : delta < 0 ? "down"
                                       : "",
                           delta > 0   ? "↑ +"
                           : delta < 0 ? "↓ −"
                                       : "",
                           Num(std::fabs(delta)));
      if (t.baseline_rate > 0 && std::isfinite(t.current_rate / t.baseline_rate)) {
        Put(&change, "<br><small>×{}</small>", Significant(t.current_rate / t.baseline_rate, 2));
      }
    } else {
      change = std::string(kNone);
    }
    std::string versions;
    for (const std::string& v : t.versions) {
      if (!versions.empty()) versions += ", ";
      versions += VersionText(v);
    }
    Put(out, "<tr{}><td class=\"tpl\">{}<code>{}</code>", t.is_new ? " class=\"hot\"" : "",
        t.is_new ? "<span class=\"tag new\">NEW</span> " : "", Esc(t.template_text));
    if (!t.examples.empty()) {
      Put(out, "<details><summary>{} example{}</summary>", t.examples.size(),
          t.examples.size() == 1 ? "" : "s");
      for (const std::string& e : t.examples) Put(out, "<pre>{}</pre>", Esc(e));
      out->append("</details>");
    }
    Put(out,
        "</td><td>{}</td><td class=\"num\">{}<br><small>{} lines</small></td>"
        "<td class=\"num\">{}<br><small>{} lines</small></td><td "
        "class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
        LevelBadge(t.level), t.is_new ? "0" : Num(t.baseline_rate), Count(t.baseline_count),
        Num(t.current_rate), Count(t.current_count), change,
        versions.empty() ? std::string(kNone) : versions,
        t.first_seen != 0 ? MinuteText(t.first_seen) : std::string(kNone));
  }
  out->append("</tbody></table></div></div></section>");
}

constexpr size_t kMaxAlarmRows = 200;

// The unit each metric's chart shows it in (an alarm carries none), by
// metric and column, and by metric alone.
std::map<std::string, std::string> MetricUnits(const ReportData& d) {
  std::map<std::string, std::string> units;
  for (const std::vector<MetricChart>* charts :
       {&d.performance, &d.quality_charts, &d.operations}) {
    for (const MetricChart& c : *charts) {
      units.emplace(c.metric + '\n' + c.column, c.unit);
      units.emplace(c.metric, c.unit);
    }
  }
  return units;
}

void AppendAlarms(const ReportData& d, const ChartContext& /*ctx*/, std::string* out) {
  const bool empty = d.alarms.empty();
  bool one_baseline = !empty;
  for (const Alarm& a : d.alarms) one_baseline = one_baseline && a.baseline == d.alarms[0].baseline;
  std::string lead = "Every figure that crossed its threshold: grouped by figure, then the newest one by one.";
  if (one_baseline && !d.alarms[0].baseline.empty()) {
    Put(&lead, " All compare with the baseline {}.", Esc(d.alarms[0].baseline));
  }
  OpenSection("alarms", "Alarms", empty, empty ? "" : lead, out);
  if (empty)
    return AppendEmpty("No alarms: every monitored figure stayed within its threshold.", out);
  const std::map<std::string, std::string> units = MetricUnits(d);
  // Alarms carry monitor_metrics' figures, where a rate is a share: its
  // chart shows it as a percentage, and so does the table.
  auto figure = [&units](const Alarm& a, double v) {
    auto it = units.find(a.metric + '\n' + a.column);
    if (it == units.end()) it = units.find(a.metric);
    std::string unit = it == units.end() ? std::string() : it->second;
    return Esc(unit == "%" ? Pct(v) : ValueText(v, unit));
  };
  // Every alarm, grouped by the figure that raised it (most alarms first); the
  // newest are listed one by one below.
  struct AlarmGroup {
    const Alarm* first = nullptr;
    int64_t count = 0;
    int64_t from = INT64_MAX, to = INT64_MIN;
  };
  std::map<std::tuple<std::string, std::string, std::string, std::string, std::string>, AlarmGroup> groups;
  for (const Alarm& a : d.alarms) {
    AlarmGroup& g = groups[{a.metric, a.column, a.version, a.slice, a.granularity}];
    if (g.first == nullptr) g.first = &a;
    ++g.count;
    g.from = std::min(g.from, a.window_start);
    g.to = std::max(g.to, a.window_end);
  }
  std::vector<const AlarmGroup*> ranked;
  for (const auto& kv : groups) ranked.push_back(&kv.second);
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const AlarmGroup* a, const AlarmGroup* b) { return a->count > b->count; });
  Put(out,
      "<div class=\"card wide\"><h3>By figure</h3><div class=\"scroll\"><table class=\"alarm-groups\"><thead><tr>"
      "<th>Metric</th><th>Version</th><th>Slice</th><th>Windows</th><th class=\"num\">Alarms</th>"
      "<th>First window</th><th>Last window ends</th></tr></thead><tbody>");
  for (const AlarmGroup* g : ranked) {
    const Alarm& a = *g->first;
    std::string metric = fmt::format("<code>{}</code>", Esc(a.metric));
    if (!a.column.empty()) Put(&metric, "<br><small>{}</small>", Esc(a.column));
    Put(out, "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
        metric, VersionText(a.version), a.slice.empty() ? std::string(kNone) : Esc(a.slice),
        Esc(a.granularity.empty() ? "all" : a.granularity), Count(g->count),
        g->from == INT64_MIN ? std::string(kNone) : MinuteText(g->from),
        g->to == INT64_MIN ? std::string(kNone) : MinuteText(g->to));
  }
  out->append("</tbody></table></div></div>");

  std::vector<size_t> order(d.alarms.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&d](size_t a, size_t b) {
    return d.alarms[a].window_start > d.alarms[b].window_start;
  });
  out->append(
      "<div class=\"card wide\"><div class=\"scroll\"><table class=\"alarms\"><thead><tr>"
      "<th>Window (UTC)</th><th>Version</th><th>Metric</th><th>Slice</th><th "
      "class=\"num\">Value</th>"
      "<th class=\"num\">Threshold</th><th class=\"num\">Rows</th><th>What "
      "happened</th></tr></thead><tbody>");
  for (size_t k = 0; k < order.size() && k < kMaxAlarmRows; ++k) {
    const Alarm& a = d.alarms[order[k]];
    std::string metric = fmt::format("<code>{}</code>", Esc(a.metric));
    if (!a.column.empty()) Put(&metric, "<br><small>{}</small>", Esc(a.column));
    Put(out,
        "<tr><td class=\"when\">{}<br><small>{} · until "
        "{}</small></td><td>{}</td><td>{}</td><td>{}</td>"
        "<td class=\"num\">{}</td><td class=\"num\">{}</td><td "
        "class=\"num\">{}</td><td>{}{}</td></tr>",
        MinuteText(a.window_start), Esc(a.granularity.empty() ? "all" : a.granularity),
        MinuteText(a.window_end), VersionText(a.version), metric,
        a.slice.empty() ? std::string(kNone) : Esc(a.slice), figure(a, a.value),
        a.threshold ? figure(a, *a.threshold) : std::string(kNone), Count(a.n), Esc(a.description),
        one_baseline || a.baseline.empty()
            ? ""
            : fmt::format("<br><small>baseline: {}</small>", Esc(a.baseline)));
  }
  out->append("</tbody></table></div>");
  if (d.alarms.size() > kMaxAlarmRows) {
    Put(out, "<p class=\"more\">… and {} more alarms not shown (the {} newest are listed).</p>",
        Count(static_cast<int64_t>(d.alarms.size() - kMaxAlarmRows)), kMaxAlarmRows);
  }
  out->append("</div></section>");
}

// The sections in page order (kSections lists their ids and titles likewise).
using SectionWriter = void (*)(const ReportData&, const ChartContext&, std::string*);
constexpr SectionWriter kSectionWriters[] = {
    AppendSummary, AppendPerformance, AppendDrift, AppendDistributions,
    AppendQuality, AppendOperations,  AppendLogs,  AppendAlarms};

// ============================================================ style and script

constexpr std::string_view kCss = R"css(
:root{--bg:#f3f5f8;--card:#fff;--ink:#17212f;--muted:#5b6675;--line:#e1e6ed;--soft:#eef1f5;--head:#0f1b2d;--alarm:#D55E00;--ok:#009E73;--link:#0072B2}
*{box-sizing:border-box}
html{scroll-behavior:smooth;-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans","DejaVu Sans",sans-serif}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono","DejaVu Sans Mono",monospace;font-size:12.5px}
.wrap{max-width:1280px;margin:0 auto;padding:0 24px}
header.top{background:linear-gradient(135deg,#0f1b2d 0%,#1b2f4b 100%);color:#e9eff7;padding:26px 0 24px}
.eyebrow{text-transform:uppercase;letter-spacing:.12em;font-size:11.5px;color:#8fb3d9;font-weight:600}
header h1{margin:4px 0 6px;font-size:30px;line-height:1.2;font-weight:700;letter-spacing:-.01em;word-break:break-word}
.meta{display:flex;flex-wrap:wrap;gap:6px 18px;align-items:center;margin:0;color:#b8c6d8;font-size:13.5px}
.meta code{color:#e9eff7;font-size:12.5px}
.pill{background:#e9eff7;color:var(--head);border-radius:999px;padding:2px 10px;font-weight:600;font-size:12.5px}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:14px;margin-top:20px}
.kpi{background:rgba(255,255,255,.07);border:1px solid rgba(255,255,255,.14);border-radius:12px;padding:12px 16px}
.kpi .l{font-size:11.5px;text-transform:uppercase;letter-spacing:.08em;color:#9fb3ca;font-weight:600}
.kpi .v{font-size:28px;font-weight:700;line-height:1.25;font-variant-numeric:tabular-nums}
.kpi .s{font-size:12.5px;color:#b8c6d8}
.kpi.alert{border-color:rgba(255,160,100,.6);background:rgba(213,94,0,.18)}
.kpi.alert .v{color:#ffc79d}
.kpi.warn .v{color:#ffd98a}
nav.toc{position:sticky;top:0;z-index:10;background:rgba(255,255,255,.94);backdrop-filter:blur(6px);border-bottom:1px solid var(--line);box-shadow:0 1px 3px rgba(16,24,40,.05)}
nav.toc ul{display:flex;gap:2px;list-style:none;margin:0 auto;padding:7px 24px;max-width:1280px;overflow-x:auto}
nav.toc a{display:block;padding:6px 12px;border-radius:8px;color:var(--muted);text-decoration:none;font-weight:600;font-size:13.5px;white-space:nowrap}
nav.toc a:hover,nav.toc a:focus{background:var(--soft);color:var(--ink)}
nav.toc .count{background:var(--alarm);color:#fff;border-radius:999px;padding:0 7px;font-size:11.5px;margin-left:4px}
main{padding-bottom:40px}
section{scroll-margin-top:56px;padding:30px 0 6px}
h2{font-size:21px;margin:0 0 4px;letter-spacing:-.01em}
.lead{color:var(--muted);margin:0 0 16px;max-width:92ch}
h3{font-size:15px;margin:0 0 2px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:18px}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:16px 18px;box-shadow:0 1px 2px rgba(16,24,40,.04);min-width:0}
.card.wide{grid-column:1/-1}
section>.card{margin-bottom:18px}
figure{margin:0}
.sub{color:var(--muted);font-size:12.5px;margin:0 0 8px}
.sub code{font-size:12px}
svg.plot{display:block;width:100%;height:auto;overflow:visible}
svg text{font-size:12px;fill:#4a5565;font-family:inherit}
svg .caption{fill:#6b7685;font-size:11.5px}
svg .grid{stroke:#e8ecf1;stroke-width:1}
svg .base{stroke:#9aa5b4;stroke-width:1}
svg .series{fill:none;stroke-width:2;stroke-linejoin:round;stroke-linecap:round}
svg .threshold{fill:none;stroke-width:1.5;stroke-dasharray:5 3}
svg .point{stroke:#fff;stroke-width:1}
svg .alarm-point{fill:none;stroke:var(--alarm);stroke-width:2.2}
svg .anomaly-point{fill:none;stroke:#111;stroke-width:1.4}
svg .hm-bg{fill:#e6e9ee}
svg .row-label{fill:#2b3646;font-size:12.5px}
svg .count{font-size:12px;fill:#6b7685;font-variant-numeric:tabular-nums}
svg .count.hot{fill:#a34700;font-weight:600}
svg .cell:hover,svg .bar:hover{stroke:#111;stroke-width:1}
svg .point:hover{stroke:#111}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;list-style:none;margin:0 0 6px;padding:0;font-size:12.5px;color:#3c4757}
.legend li{display:flex;align-items:center;gap:6px}
.nodata,.empty{color:var(--muted);font-style:italic;margin:10px 0}
.empty{background:var(--card);border:1px dashed #c9d1dc;border-radius:12px;padding:18px 20px;font-style:normal}
.findings{margin:8px 0 0;padding-left:20px}
.findings li{margin:4px 0}
.about{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:8px 0 0;font-size:13.5px}
.about dt{color:var(--muted)}
.about dd{margin:0;word-break:break-all}
.traffic{display:flex;height:26px;border-radius:8px;overflow:hidden;margin:10px 0 12px;background:var(--soft)}
.traffic .seg{color:#fff;font-size:12px;font-weight:600;line-height:26px;padding:0 8px;white-space:nowrap;overflow:hidden;text-shadow:0 0 2px rgba(0,0,0,.5)}
.swatch{display:inline-block;width:10px;height:10px;border-radius:3px;margin-right:8px}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:13px}
th{text-align:left;font-weight:600;color:var(--muted);font-size:11.5px;text-transform:uppercase;letter-spacing:.05em;border-bottom:1px solid var(--line);padding:8px 10px;vertical-align:bottom;background:#fafbfc}
td{border-bottom:1px solid var(--soft);padding:8px 10px;vertical-align:top}
td small{color:var(--muted);font-size:11.5px}
th.num,td.num{text-align:right;font-variant-numeric:tabular-nums}
td.num{white-space:nowrap}
tbody tr:hover{background:#f7f9fb}
tr.hot{background:#fff8f3}
td.when{white-space:nowrap}
.up{color:#a34700;font-weight:600}
.down{color:#00795a;font-weight:600}
.badge{display:inline-block;border-radius:999px;padding:0 8px;font-size:12px;font-weight:600;white-space:nowrap}
.badge.alarm{background:#fde8da;color:#9a3f00}
.badge.ok{background:#dff3ec;color:#00664c}
.tag{display:inline-block;border-radius:4px;padding:0 6px;font-size:11px;font-weight:700;letter-spacing:.04em;vertical-align:1px}
.tag.new{background:var(--alarm);color:#fff}
.level{display:inline-block;border-radius:4px;padding:0 6px;font-size:11.5px;font-weight:700;font-family:ui-monospace,Menlo,Consolas,"DejaVu Sans Mono",monospace}
.level.error{background:#fde8da;color:#9a3f00}
.level.warn{background:#fff3cf;color:#7a5a00}
.level.info{background:#e3eefa;color:#0b4f85}
td.tpl{min-width:320px;max-width:560px}
td.tpl code{white-space:pre-wrap;word-break:break-word;color:#17212f}
details{margin-top:6px}
summary{cursor:pointer;color:var(--link);font-size:12.5px}
pre{background:#0f1b2d;color:#e3ebf5;border-radius:8px;padding:10px 12px;margin:6px 0;white-space:pre-wrap;word-break:break-word;max-height:320px;overflow:auto}
.more{color:var(--muted);margin:10px 2px 0}
footer{color:var(--muted);font-size:12.5px;padding:18px 0 36px;border-top:1px solid var(--line)}
.tip{position:fixed;z-index:30;pointer-events:none;background:#0f1b2d;color:#fff;font-size:12.5px;line-height:1.4;padding:6px 9px;border-radius:6px;max-width:380px;box-shadow:0 4px 14px rgba(0,0,0,.25)}
@media (max-width:640px){.grid{grid-template-columns:1fr}header h1{font-size:24px}}
@media print{
@page{size:A4 landscape;margin:10mm}
body{background:#fff;font-size:11pt}
nav.toc,.tip{display:none}
header.top{background:#fff;color:#000;border-bottom:2px solid #000;padding:0 0 12px}
.eyebrow,.meta,.meta code,.kpi .l,.kpi .s{color:#333}
.pill{border:1px solid #333}
.kpi{border-color:#999;background:#fff}.kpi .v,.kpi.alert .v,.kpi.warn .v{color:#000}
.wrap{max-width:none;padding:0}
.grid{grid-template-columns:repeat(2,minmax(0,1fr))}
.card{box-shadow:none;break-inside:avoid;border-color:#bbb}
.card.wide{break-inside:auto}
h2{break-after:avoid}
tr{break-inside:avoid}
pre{background:#f4f4f4;color:#000;max-height:none;border:1px solid #ccc}
.scroll{overflow:visible}
}
)css";

// Progressive enhancement only: styled tooltips from the SVG <title>s, and
// log examples opened for printing. The page reads the same without it.
constexpr std::string_view kScript = R"js(
(function(){
var tip=document.createElement('div');tip.className='tip';tip.hidden=true;document.body.appendChild(tip);
document.querySelectorAll('svg title').forEach(function(t){var p=t.parentNode;if(!p||p.tagName.toLowerCase()==='svg')return;p.setAttribute('data-tip',t.textContent);p.removeChild(t);});
document.addEventListener('mouseover',function(e){var el=e.target&&e.target.closest?e.target.closest('[data-tip]'):null;if(!el){tip.hidden=true;return;}tip.textContent=el.getAttribute('data-tip');tip.hidden=false;});
document.addEventListener('mousemove',function(e){if(tip.hidden)return;var x=e.clientX+14,y=e.clientY+14,r=tip.getBoundingClientRect();if(x+r.width>innerWidth-8)x=e.clientX-r.width-14;if(y+r.height>innerHeight-8)y=e.clientY-r.height-14;tip.style.left=x+'px';tip.style.top=y+'px';});
window.addEventListener('beforeprint',function(){document.querySelectorAll('details').forEach(function(d){d.open=true;});});
})();
)js";

}  // namespace

std::string RenderHtml(const ReportData& data) {
  ChartContext ctx;
  for (size_t i = 0; i < data.versions.size(); ++i) {
    ctx.version_style.emplace(data.versions[i].version, static_cast<int>(i));
  }
  ctx.version_style.emplace("*", 7);

  std::string out;
  out.reserve(1 << 16);
  out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
  out.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
  Put(&out, "<meta name=\"generator\" content=\"lakewatch {}\">", Esc(data.lakewatch_version));
  Put(&out, "<title>{} · lakewatch model report</title>", Esc(data.model));
  out.append("<style>");
  out.append(kCss);
  out.append("</style></head><body>\n");
  AppendHeader(data, &out);
  AppendNav(data, &out);
  out.append("<main class=\"wrap\">\n");
  for (SectionWriter write : kSectionWriters) {
    write(data, ctx, &out);
    out.push_back('\n');
  }
  out.append("\n</main><footer><div class=\"wrap\">");
  out.append("Generated by lakewatch");
  if (!data.lakewatch_version.empty()) Put(&out, " {}", Esc(data.lakewatch_version));
  if (ValidTime(data.generated_at) && data.generated_at != 0) {
    Put(&out, " on {} UTC", MinuteText(data.generated_at));
  }
  if (!data.table.empty()) {
    Put(&out, " from <code>{}</code>", Esc(data.table));
    if (data.source_version >= 0) Put(&out, " at Delta version {}", data.source_version);
  }
  out.append(
      ". All times are UTC. This page is self-contained: it loads nothing from the network.");
  out.append("</div></footer>\n<script>");
  out.append(kScript);
  out.append("</script></body></html>\n");
  return out;
}

}  // namespace lakewatch::report
