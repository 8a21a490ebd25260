// The demo's simulated production history. Layout of the work:
//
//   World        everything fixed before any record is drawn: the scenario's
//                times, per-minute traffic weights of both models over the
//                period, the exact number of predictions of each day and the
//                first request number of each day.
//   day task     for one day, from four independent random streams (fraud,
//                eta, resources, app log) seeded by (seed, stream, day): the
//                day's lines of fraud_predictions.jsonl, eta_predictions.jsonl,
//                resources.logfmt and app.log, plus the late records the
//                day's predictions cause (labels, deliveries, feedback).
//   writer       the calling thread appends the days' buffers in day order;
//                late records of all days are then sorted by (time, request
//                number) and written in chunks.
//
// The files therefore depend on the options and never on the thread count.
#include "demo/simulate.h"

#include <fmt/compile.h>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <random>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>

#include "common/time.h"

namespace lakewatch::demo {
namespace {

constexpr int64_t kMicrosPerMilli = 1000;
constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
constexpr int64_t kMicrosPerHour = 60 * kMicrosPerMinute;
constexpr int64_t kMinutesPerDay = 1440;
constexpr double kPi = 3.14159265358979323846;

// ---------------------------------------------------------------------------
// Random numbers: std::mt19937_64 with our own distributions, so a seed means
// the same draws with any standard library (the math functions' last bits aside).

enum class Stream : uint64_t { kFraud = 1, kEta = 2, kResources = 3, kAppLog = 4 };

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

class Rng {
 public:
  Rng(uint64_t seed, Stream stream, int64_t day)
      : engine_(SplitMix64(SplitMix64(seed) ^ SplitMix64(static_cast<uint64_t>(stream) << 32 |
                                                          static_cast<uint64_t>(day)))) {}

  // Uniform in [0, 1) with 53 random bits.
  double Uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Uniform() < p; }
  // Uniform integer in [0, n).
  int64_t Below(int64_t n) { return std::min<int64_t>(n - 1, static_cast<int64_t>(Uniform() * n)); }
  double Exponential() { return -std::log1p(-Uniform()); }

  // Standard normal (Box–Muller; the second value of each pair is kept).
  double Normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double r = std::sqrt(-2.0 * std::log1p(-Uniform()));
    const double a = 2 * kPi * Uniform();
    spare_ = r * std::sin(a);
    has_spare_ = true;
    return r * std::cos(a);
  }
  double LogNormal(double median, double sigma) { return median * std::exp(sigma * Normal()); }

  // Poisson: multiplication of uniforms for small means, normal beyond.
  int64_t Poisson(double mean) {
    if (mean <= 0) return 0;
    if (mean > 30) return std::max<int64_t>(0, std::llround(mean + std::sqrt(mean) * Normal()));
    const double limit = std::exp(-mean);
    int64_t k = 0;
    for (double p = Uniform(); p > limit; p *= Uniform()) ++k;
    return k;
  }

 private:
  std::mt19937_64 engine_;
  double spare_ = 0;
  bool has_spare_ = false;
};

double Sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }
double Clamp(double v, double lo, double hi) { return std::min(hi, std::max(lo, v)); }
// v rounded to `decimals` places; printed with {} it shows at most that many.
double Round(double v, int decimals) {
  static constexpr double kScale[] = {1, 10, 100, 1000, 10000};
  return std::round(v * kScale[decimals]) / kScale[decimals];
}
// 0 before a, 1 after b, linear between.
double Ramp(int64_t t, int64_t a, int64_t b) {
  if (t <= a) return 0;
  if (t >= b) return 1;
  return static_cast<double>(t - a) / static_cast<double>(b - a);
}
// A bump of height 1 at hour `center` (wrapping around midnight).
double HourBump(double hour, double center, double width) {
  double d = std::fabs(hour - center);
  d = std::min(d, 24 - d);
  return std::exp(-0.5 * (d / width) * (d / width));
}

// ---------------------------------------------------------------------------
// Categorical tables. `logit` is the category's effect on the true log-odds
// of fraud; `factor` scales the amount's median (merchant categories).

struct Category {
  std::string_view name;
  double share;
  double logit;
  double factor;
};

constexpr Category kCountries[] = {
    {"US", 0.29, 0.0, 1}, {"GB", 0.13, -0.4, 1}, {"DE", 0.11, -0.6, 1}, {"FR", 0.09, -0.2, 1},
    {"BR", 0.08, 0.6, 1}, {"IN", 0.07, 0.6, 1},  {"MX", 0.05, 0.8, 1},  {"CA", 0.05, -0.2, 1},
    {"ES", 0.04, 0.0, 1}, {"IT", 0.035, 0.2, 1}, {"NG", 0.03, 2.0, 1},  {"JP", 0.025, -1.2, 1},
};
constexpr std::string_view kDegradedCountry = "BR";
constexpr Category kDevices[] = {{"ios", 0.42, -0.2, 1}, {"android", 0.38, 0.0, 1}, {"web", 0.20, 1.2, 1}};
constexpr Category kMerchants[] = {
    {"grocery", 0.25, -1.2, 0.7},      {"restaurants", 0.15, -0.8, 0.6}, {"fuel", 0.12, -0.6, 0.9},
    {"fashion", 0.12, 0.2, 1.3},       {"electronics", 0.10, 1.2, 2.5}, {"travel", 0.08, 0.8, 3.0},
    {"gaming", 0.06, 1.6, 0.5},        {"pharmacy", 0.05, -0.4, 0.8},   {"entertainment", 0.04, 0.0, 0.9},
    {"jewelry", 0.03, 1.8, 3.0},
};
// The category that appears with the input drift.
constexpr Category kCrypto = {"crypto", 0, 1.0, 1.0};
// Weather of deliveries without the storm's rain; `factor` slows the delivery.
constexpr Category kDryWeather[] = {{"clear", 0.55, 0, 1.0}, {"cloudy", 0.28, 0, 1.03}, {"snow", 0.02, 0, 1.45}};
constexpr Category kRain = {"rain", 0.15, 0, 1.25};

// Cumulative shares of a table, for drawing from it.
class Picker {
 public:
  template <size_t N>
  explicit Picker(const Category (&table)[N]) : table_(table), n_(N) {
    double sum = 0;
    for (const Category& c : table) sum += c.share;
    double acc = 0;
    for (const Category& c : table) cumulative_.push_back((acc += c.share) / sum);
  }
  const Category& Draw(Rng& rng) const {
    const double u = rng.Uniform();
    size_t i = 0;
    while (i + 1 < n_ && u >= cumulative_[i]) ++i;
    return table_[i];
  }

 private:
  const Category* table_;
  size_t n_;
  std::vector<double> cumulative_;
};

// ---------------------------------------------------------------------------
// Model constants.

constexpr double kFraudBaseLogit = -4.45;   // base rate ~8% before the drift
constexpr double kAmountMedian = 45.0;      // before the merchant factor
constexpr double kLabelCoverage = 0.70;     // fraud labels per non-error prediction
constexpr double kLabelDelayMedianHours = 6.0;
constexpr double kLabelDelaySigma = 1.07;   // 99th percentile ~3 days
constexpr double kEtaLabelCoverage = 0.90;
constexpr double kBackgroundErrorRate = 0.002;
constexpr double kOomRate = 0.012;          // at mean traffic, growing with traffic^1.5: ~1.5% of v3
constexpr double kEtaErrorRate = 0.001;
constexpr double kCanaryShare = 0.10;
constexpr std::string_view kOomMessage =
    "CUDA out of memory. Tried to allocate 512.00 MiB (GPU 0; 15.78 GiB total capacity; {:.2f} "
    "GiB already allocated)";

// ---------------------------------------------------------------------------
// Timestamps: "YYYY-MM-DDTHH:MM:SS.ffffffZ" and the log form "YYYY-MM-DD HH:MM:SS,mmm".

void PutDigits(char* p, int64_t v, int width) {
  for (int i = width - 1; i >= 0; --i, v /= 10) p[i] = static_cast<char>('0' + v % 10);
}

// Writes "YYYY-MM-DD?HH:MM:SS" (19 chars) with `separator` between date and time.
void PutDateTime(char* p, int64_t micros, char separator) {
  const int64_t days = FloorDiv(micros, kMicrosPerDay);
  const int64_t secs = (micros - days * kMicrosPerDay) / kMicrosPerSecond;
  const CivilDate c = CivilFromDays(days);
  PutDigits(p, c.year, 4);
  p[4] = '-';
  PutDigits(p + 5, c.month, 2);
  p[7] = '-';
  PutDigits(p + 8, c.day, 2);
  p[10] = separator;
  PutDigits(p + 11, secs / 3600, 2);
  p[13] = ':';
  PutDigits(p + 14, secs / 60 % 60, 2);
  p[16] = ':';
  PutDigits(p + 17, secs % 60, 2);
}

void AppendIsoTime(int64_t micros, fmt::memory_buffer* out) {
  char text[27];
  PutDateTime(text, micros, 'T');
  text[19] = '.';
  PutDigits(text + 20, micros - FloorDiv(micros, kMicrosPerSecond) * kMicrosPerSecond, 6);
  text[26] = 'Z';
  out->append(text, text + sizeof(text));
}

void AppendLogTime(int64_t micros, fmt::memory_buffer* out) {
  char text[23];
  PutDateTime(text, micros, ' ');
  text[19] = ',';
  PutDigits(text + 20, (micros - FloorDiv(micros, kMicrosPerSecond) * kMicrosPerSecond) / 1000, 3);
  out->append(text, text + sizeof(text));
}

void Append(fmt::memory_buffer* out, std::string_view s) { out->append(s.data(), s.data() + s.size()); }

// ---------------------------------------------------------------------------
// The world: fixed before any record is drawn.

enum class Model { kFraud, kEta };

struct World {
  SimulationOptions options;
  int64_t start = 0, end = 0;
  int64_t rollout_start = 0, rollout_full = 0, drift_start = 0, drift_full = 0;
  int64_t missing_full = 0, storm_peak = 0, storm_end = 0, storm_gone = 0;
  int64_t events[2] = {0, 0};             // per Model
  std::vector<double> weight[2];          // per Model, per minute of the period
  double mean_weight[2] = {0, 0};
  std::vector<int64_t> first_number[2];   // per Model: request number of each day's first event; [days] = total + 1
  double log_scale = 0;                   // events / 1M: rates of host-driven log lines
  Picker countries{kCountries}, devices{kDevices}, merchants{kMerchants}, dry_weather{kDryWeather};

  // Share of a model's traffic served by version 3 at t.
  double V3Share(int64_t t) const {
    if (t < rollout_start) return 0;
    return t < rollout_full ? kCanaryShare : 1.0;
  }
  // Share of version v (2 or 3) at t.
  double VersionShare(int version, int64_t t) const {
    return version == 3 ? V3Share(t) : 1.0 - V3Share(t);
  }
  // Traffic of a model at t relative to its mean over the period.
  double Load(Model m, int64_t t) const {
    const int i = static_cast<int>(m);
    const int64_t last = static_cast<int64_t>(weight[i].size()) - 1;
    const int64_t minute = std::clamp<int64_t>((t - start) / kMicrosPerMinute, 0, last);
    return weight[i][minute] / mean_weight[i];
  }
  double AmountFactor(int64_t t) const { return 1.0 + 0.6 * Ramp(t, drift_start, drift_full); }
  double CryptoShare(int64_t t) const { return 0.38 * Ramp(t, drift_start, drift_full); }
  double MissingShare(int64_t t) const { return 0.01 + 0.29 * Ramp(t, drift_start, missing_full); }
  double RainShare(int64_t t) const {
    const double storm = std::min(Ramp(t, drift_start, storm_peak), 1.0 - Ramp(t, storm_end, storm_gone));
    return 0.15 + 0.30 * storm;
  }
};

bool IsWeekend(int64_t micros) {
  const int64_t weekday = (FloorDiv(micros, kMicrosPerDay) + 3) % 7;  // 0 = Monday
  return weekday >= 5;
}

// Relative traffic of a model at minute `t` (a mid-minute instant).
double TrafficWeight(Model m, int64_t t) {
  const double hour = static_cast<double>(t - FloorDiv(t, kMicrosPerDay) * kMicrosPerDay) / kMicrosPerHour;
  if (m == Model::kFraud) {
    // Peak mid-afternoon, trough at night (3:1); weekends 20% lower.
    return (1.0 + 0.5 * std::cos(2 * kPi * (hour - 15.0) / 24.0)) * (IsWeekend(t) ? 0.8 : 1.0);
  }
  // Deliveries: lunch and dinner peaks; weekends 15% higher.
  return (0.25 + HourBump(hour, 12.5, 1.5) + 1.3 * HourBump(hour, 19.5, 1.8)) *
         (IsWeekend(t) ? 1.15 : 1.0);
}

World MakeWorld(const SimulationOptions& options) {
  World w;
  w.options = options;
  w.start = options.start_micros;
  w.end = w.start + options.days * kMicrosPerDay;
  // The scenario is laid out for 14 days and scales with the period's length.
  const auto at = [&](double day14) {
    const double micros = day14 * options.days / 14.0 * static_cast<double>(kMicrosPerDay);
    return w.start + std::llround(micros / kMicrosPerMinute) * kMicrosPerMinute;
  };
  w.rollout_start = at(7.5);
  w.rollout_full = at(8.5);
  w.drift_start = at(10);
  w.drift_full = at(12);
  w.missing_full = at(13);
  w.storm_peak = at(10.5);
  w.storm_end = at(13);
  w.storm_gone = at(13.25);
  w.events[0] = options.events;
  w.events[1] = options.events / 4;
  w.log_scale = static_cast<double>(options.events) / 1e6;

  const int64_t minutes = options.days * kMinutesPerDay;
  for (int m = 0; m < 2; ++m) {
    auto& weights = w.weight[m];
    weights.resize(minutes);
    double total = 0;
    std::vector<double> day_total(options.days, 0.0);
    for (int64_t i = 0; i < minutes; ++i) {
      weights[i] = TrafficWeight(static_cast<Model>(m), w.start + i * kMicrosPerMinute + kMicrosPerMinute / 2);
      total += weights[i];
      day_total[i / kMinutesPerDay] += weights[i];
    }
    w.mean_weight[m] = total / static_cast<double>(minutes);
    // Day counts are exact: rounded cumulative shares of the events.
    auto& first = w.first_number[m];
    first.assign(options.days + 1, 1);
    double cumulative = 0;
    for (int d = 0; d < options.days; ++d) {
      cumulative += day_total[d];
      first[d + 1] = 1 + std::llround(static_cast<double>(w.events[m]) * cumulative / total);
    }
    first[options.days] = w.events[m] + 1;
  }
  return w;
}

// n sorted instants in the day starting at `day_start` whose density follows
// the 1440 minute weights `w`: sorted uniforms (normalized sums of exponential
// spacings) through the inverse of the piecewise-uniform distribution.
std::vector<int64_t> SortedTimes(Rng& rng, const double* w, int64_t day_start, int64_t n) {
  std::vector<int64_t> times(n);
  if (n == 0) return times;
  std::vector<double> spacing(n + 1);
  double total = 0;
  for (double& s : spacing) total += (s = rng.Exponential());
  double day_weight = 0;
  for (int i = 0; i < kMinutesPerDay; ++i) day_weight += w[i];
  const double per_spacing = day_weight / total;
  double target = 0, minute_start = 0;
  int minute = 0;
  for (int64_t k = 0; k < n; ++k) {
    target += spacing[k] * per_spacing;
    while (minute + 1 < kMinutesPerDay && target >= minute_start + w[minute]) minute_start += w[minute++];
    const double frac = Clamp((target - minute_start) / w[minute], 0, 1);
    const int64_t offset = minute * kMicrosPerMinute + static_cast<int64_t>(frac * kMicrosPerMinute);
    times[k] = day_start + std::min(offset, kMicrosPerDay - 1);
  }
  return times;
}

// ---------------------------------------------------------------------------
// Records caused by a prediction that arrive later, possibly on another day.

enum class FeedbackKind : int { kDispute, kConfirmFraud, kThumbsDown };
constexpr std::string_view kFeedbackKinds[] = {"dispute", "confirm_fraud", "thumbs_down"};
constexpr std::string_view kFeedbackComments[3][4] = {
    {"I made this purchase", "this was me, please unblock my card",
     "legitimate order, card declined twice", "why was my payment blocked?"},
    {"I did not make this transaction", "my card was stolen", "unknown merchant on my statement",
     "I never received this order"},
    {"payment failed for no reason", "checkout was slow", "had to retry the payment three times",
     "the app said try again later"},
};

struct LateRecord {
  int64_t time;    // arrival
  int64_t number;  // the prediction's request number
  double value;    // label (0/1) or actual minutes
  int kind = 0;    // feedback: FeedbackKind
  int detail = 0;  // feedback: comment index
  int version = 0;
};

bool Earlier(const LateRecord& a, const LateRecord& b) {
  return a.time != b.time ? a.time < b.time : a.number < b.number;
}

struct DayCounts {
  int64_t fraud_v3 = 0, fraud_errors = 0, cuda_oom = 0, disputes = 0;
  int64_t resources = 0, log_records = 0, log_lines = 0, oom_log_records = 0;
};

// Reused from day to day: Clear keeps the buffers' memory.
struct DayOutput {
  fmt::memory_buffer fraud, eta, resources, app_log;
  std::vector<LateRecord> fraud_labels, eta_labels, feedback;
  DayCounts counts;

  void Clear() {
    for (fmt::memory_buffer* b : {&fraud, &eta, &resources, &app_log}) b->clear();
    for (std::vector<LateRecord>* v : {&fraud_labels, &eta_labels, &feedback}) v->clear();
    counts = DayCounts{};
  }
};

// ---------------------------------------------------------------------------
// Prediction events of both models.

std::string_view ModelName(Model m) { return m == Model::kFraud ? "fraud-detector" : "eta-regressor"; }
// Prefix of request ids and host names.
std::string_view HostPrefix(Model m) { return m == Model::kFraud ? "fd" : "eta"; }

// Draws the instants of model m's predictions on `day` and, in order, their
// versions, and calls event(t, version, request number) for each; reserves
// `line_bytes` per prediction in `buf`.
template <typename Event>
void ForEachPrediction(const World& w, Model m, int day, Rng& rng, size_t line_bytes, fmt::memory_buffer* buf,
                       Event event) {
  const int i = static_cast<int>(m);
  int64_t number = w.first_number[i][day];
  const int64_t n = w.first_number[i][day + 1] - number;
  buf->reserve(buf->size() + static_cast<size_t>(n) * line_bytes);
  for (const int64_t t : SortedTimes(rng, &w.weight[i][day * kMinutesPerDay], w.start + day * kMicrosPerDay, n)) {
    const int version = rng.Chance(w.V3Share(t)) ? 3 : 2;
    event(t, version, number++);
  }
}

// `{"timestamp":"…","model":{"name":"…","version":"…"},"request_id":"…","features":`
void AppendPredictionHead(Model m, int64_t t, int version, int64_t number, fmt::memory_buffer* out) {
  Append(out, R"({"timestamp":")");
  AppendIsoTime(t, out);
  fmt::format_to(fmt::appender(*out),
                 FMT_COMPILE(R"(","model":{{"name":"{}","version":"{}"}},"request_id":"{}-{:08}","features":)"),
                 ModelName(m), version, HostPrefix(m), number);
}

// ---------------------------------------------------------------------------
// fraud_predictions.jsonl

enum class FraudError { kNone, kOom, kFeatureStoreTimeout, kUpstreamConnection };

void AddFeedback(const World& w, Rng& rng, int64_t t, int64_t number, int version,
                 FraudError error, int predicted, int truth, DayOutput* out) {
  FeedbackKind kind = FeedbackKind::kThumbsDown;
  double p = 0.003, delay_hours = 2.0;
  if (error != FraudError::kNone) {
    p = 0.03;
  } else if (predicted == 1 && truth == 0) {
    kind = FeedbackKind::kDispute;  // a blocked legitimate payment
    p = 0.15;
  } else if (predicted == 0 && truth == 1) {
    kind = FeedbackKind::kConfirmFraud;  // fraud found on the statement later
    p = 0.10;
    delay_hours = 18.0;
  } else if (predicted == 1) {
    kind = FeedbackKind::kConfirmFraud;
    p = 0.02;
  }
  if (!rng.Chance(p)) return;
  const int64_t time = t + static_cast<int64_t>(rng.LogNormal(delay_hours, 1.0) * kMicrosPerHour);
  const int detail = static_cast<int>(rng.Below(4));
  if (time >= w.end) return;
  out->feedback.push_back(LateRecord{time, number, 0, static_cast<int>(kind), detail, version});
  if (kind == FeedbackKind::kDispute) ++out->counts.disputes;
}

// The end of a failed prediction's line, from "prediction": on.
void AppendErrorTail(double latency, std::string_view type, std::string_view message, fmt::memory_buffer* out) {
  fmt::format_to(fmt::appender(*out),
                 FMT_COMPILE(R"(null,"latency_ms":{},"level":"ERROR","error":{{"type":"{}","message":"{}"}}}})"),
                 Round(latency, 1), type, message);
}

void AppendFraudError(FraudError error, Rng& rng, fmt::memory_buffer* out) {
  double latency = 0;
  std::string_view type;
  fmt::memory_buffer message;
  switch (error) {
    case FraudError::kOom:
      latency = rng.LogNormal(140, 0.3);
      type = "CudaOutOfMemory";
      fmt::format_to(fmt::appender(message), fmt::runtime(kOomMessage), 14.6 + 0.45 * rng.Uniform());
      break;
    case FraudError::kFeatureStoreTimeout:
      latency = 200 + rng.LogNormal(4, 0.5);
      type = "FeatureStoreTimeout";
      fmt::format_to(fmt::appender(message), "feature store lookup timed out after 200 ms ({} keys pending)",
                     1 + rng.Below(6));
      break;
    default:
      latency = rng.LogNormal(60, 0.4);
      type = "UpstreamConnectionError";
      Append(&message, "connection reset by peer while reading from redis://features-cache:6379");
      break;
  }
  AppendErrorTail(latency, type, std::string_view(message.data(), message.size()), out);
}

void GenerateFraud(const World& w, int day, DayOutput* out) {
  Rng rng(w.options.seed, Stream::kFraud, day);
  auto& buf = out->fraud;
  ForEachPrediction(w, Model::kFraud, day, rng, 300, &buf, [&](int64_t t, int version, int64_t number) {
    const bool v3 = version == 3;
    const double load = w.Load(Model::kFraud, t);
    const Category& country = w.countries.Draw(rng);
    const Category& device = w.devices.Draw(rng);
    const Category& merchant = rng.Chance(w.CryptoShare(t)) ? kCrypto : w.merchants.Draw(rng);
    const double amount = std::max(
        0.5, Round(rng.LogNormal(kAmountMedian * merchant.factor, 0.9) * w.AmountFactor(t), 2));
    const int age = static_cast<int>(Clamp(std::round(38 + 12 * rng.Normal()), 18, 85));
    const bool missing = rng.Chance(w.MissingShare(t));
    const int64_t account_age =
        missing ? -1 : std::min<int64_t>(9000, static_cast<int64_t>(rng.LogNormal(300, 1.3)));

    // The truth: a logistic model of the features.
    const double z = kFraudBaseLogit + 1.3 * std::log(amount / kAmountMedian) + country.logit +
                     merchant.logit + device.logit +
                     (missing ? 0.6 : 3.5 * std::exp(-static_cast<double>(account_age) / 45.0)) +
                     (age < 25 ? 0.6 : 0.0);
    const int truth = rng.Chance(Sigmoid(z)) ? 1 : 0;

    FraudError error = FraudError::kNone;
    const double u = rng.Uniform();
    const double oom = v3 ? std::min(0.06, kOomRate * std::pow(load, 1.5)) : 0.0;
    if (u < oom) {
      error = FraudError::kOom;
    } else if (u < oom + kBackgroundErrorRate) {
      error = rng.Chance(0.6) ? FraudError::kFeatureStoreTimeout : FraudError::kUpstreamConnection;
    }

    // Version 2 sees the truth through noise; version 3 through less noise,
    // except in Brazil, where its country effect is inverted and weak.
    double score_logit = z + 0.9 * rng.Normal();
    if (v3) {
      score_logit = country.name == kDegradedCountry
                        ? 0.3 * (z - 2 * country.logit) + 0.5 + 1.5 * rng.Normal()
                        : z + 0.6 * rng.Normal();
    }
    const double score = Round(Sigmoid(score_logit), 4);
    const int predicted = score >= 0.5 ? 1 : 0;

    AppendPredictionHead(Model::kFraud, t, version, number, &buf);
    fmt::format_to(fmt::appender(buf), FMT_COMPILE(R"({{"amount":{},"age":{},"account_age_days":)"), amount, age);
    if (missing) {
      Append(&buf, "null");
    } else {
      fmt::format_to(fmt::appender(buf), FMT_COMPILE("{}"), account_age);
    }
    fmt::format_to(fmt::appender(buf), FMT_COMPILE(R"(,"country":"{}","device":"{}","merchant_category":"{}"}},"prediction":)"),
                   country.name, device.name, merchant.name);
    if (error == FraudError::kNone) {
      const double latency = rng.LogNormal((v3 ? 35.0 : 25.0) * (0.85 + 0.15 * load), 0.35);
      fmt::format_to(fmt::appender(buf), FMT_COMPILE(R"({{"label":{},"score":{}}},"latency_ms":{}}})"), predicted, score,
                     Round(latency, 1));
      if (rng.Chance(kLabelCoverage)) {
        const double hours = rng.LogNormal(kLabelDelayMedianHours, kLabelDelaySigma);
        const int64_t arrival = t + static_cast<int64_t>(hours * kMicrosPerHour);
        if (arrival < w.end) out->fraud_labels.push_back(LateRecord{arrival, number, double(truth)});
      }
    } else {
      AppendFraudError(error, rng, &buf);
      ++out->counts.fraud_errors;
      if (error == FraudError::kOom) ++out->counts.cuda_oom;
    }
    buf.push_back('\n');
    AddFeedback(w, rng, t, number, version, error, predicted, truth, out);
    out->counts.fraud_v3 += v3;
  });
}

// ---------------------------------------------------------------------------
// eta_predictions.jsonl

void GenerateEta(const World& w, int day, DayOutput* out) {
  Rng rng(w.options.seed, Stream::kEta, day);
  auto& buf = out->eta;
  ForEachPrediction(w, Model::kEta, day, rng, 240, &buf, [&](int64_t t, int version, int64_t number) {
    const int hour = static_cast<int>((t - FloorDiv(t, kMicrosPerDay) * kMicrosPerDay) / kMicrosPerHour);
    const bool rain = rng.Chance(w.RainShare(t));
    const Category& weather = rain ? kRain : w.dry_weather.Draw(rng);
    const double distance = Round(Clamp(rng.LogNormal(3.5, 0.6), 0.3, 30), 1);
    const double rush = HourBump(hour + 0.5, 8.5, 1.5) + HourBump(hour + 0.5, 17.5, 1.8);
    const double traffic = Round(Clamp(0.25 + 0.2 * rush + (rain ? 0.1 : 0) + 0.12 * rng.Normal(), 0, 1), 2);
    const double expected = (6.0 + 2.6 * distance * (1 + 0.7 * traffic)) * weather.factor;
    // Version 3 learned without rain's slowdown: it underestimates by 20% there.
    const double bias = version == 3 && rain ? 0.8 : 1.0;
    const double predicted = Round(expected * bias * std::exp((version == 3 ? 0.05 : 0.07) * rng.Normal()), 1);
    const double latency = Round(rng.LogNormal(version == 3 ? 8.8 : 8.0, 0.3), 1);

    AppendPredictionHead(Model::kEta, t, version, number, &buf);
    fmt::format_to(fmt::appender(buf),
                   FMT_COMPILE(R"({{"distance_km":{},"traffic_index":{},"weather":"{}","hour":{}}},"prediction":)"),
                   distance, traffic, weather.name, hour);
    if (rng.Chance(kEtaErrorRate)) {
      AppendErrorTail(latency + 250, "RoutingServiceUnavailable", "routing service returned 503 after 2 retries", &buf);
    } else {
      fmt::format_to(fmt::appender(buf), FMT_COMPILE(R"({{"value":{}}},"latency_ms":{}}})"), predicted, latency);
      const double actual = Round(std::max(3.0, expected + (1.5 + 0.08 * expected) * rng.Normal()), 1);
      const int64_t delivered = t + static_cast<int64_t>(actual * kMicrosPerMinute);
      if (rng.Chance(kEtaLabelCoverage) && delivered < w.end) {
        out->eta_labels.push_back(LateRecord{delivered, number, actual});
      }
    }
    buf.push_back('\n');
  });
}

// ---------------------------------------------------------------------------
// resources.logfmt: one sample per serving host per minute.

struct Host {
  Model model;
  int version;
  int index;
};
constexpr Host kHosts[] = {{Model::kFraud, 2, 0}, {Model::kFraud, 2, 1}, {Model::kFraud, 3, 0},
                           {Model::kFraud, 3, 1}, {Model::kEta, 2, 0},   {Model::kEta, 2, 1},
                           {Model::kEta, 3, 0},   {Model::kEta, 3, 1}};


void GenerateResources(const World& w, int day, DayOutput* out) {
  Rng rng(w.options.seed, Stream::kResources, day);
  const int64_t day_start = w.start + day * kMicrosPerDay;
  auto& buf = out->resources;
  for (int minute = 0; minute < kMinutesPerDay; ++minute) {
    const int64_t minute_start = day_start + minute * kMicrosPerMinute;
    for (size_t slot = 0; slot < std::size(kHosts); ++slot) {
      const Host& h = kHosts[slot];
      const double share = w.VersionShare(h.version, minute_start);
      if (share == 0) continue;
      const bool v3 = h.version == 3;
      const double load = w.Load(h.model, minute_start) * share;
      const int64_t t = minute_start + static_cast<int64_t>(slot) * 7 * kMicrosPerSecond +
                        rng.Below(1000) * kMicrosPerMilli;
      Append(&buf, "ts=");
      AppendIsoTime(t, &buf);
      fmt::format_to(fmt::appender(buf), FMT_COMPILE(" host={}-v{}-{} model={} version={}"), HostPrefix(h.model),
                     h.version, h.index, ModelName(h.model), h.version);
      if (h.model == Model::kFraud) {
        const double cpu = Clamp(6 + 38 * load * (v3 ? 1.35 : 1.0) + 2.5 * rng.Normal(), 0.5, 99.5);
        const double mem = (v3 ? 3400 : 2300) + 80 * load + 20 * rng.Normal();
        const double gpu = Clamp((v3 ? 8 + 55 * load : 4 + 32 * load) + 2.5 * rng.Normal(), 0, 100);
        const double gpu_mem = std::min(16160.0, v3 ? 13600 + 1400 * load + 80 * rng.Normal()
                                                    : 6100 + 250 * load + 30 * rng.Normal());
        fmt::format_to(fmt::appender(buf), FMT_COMPILE(" cpu_pct={} mem_mb={} gpu_util={} gpu_mem_mb={}\n"), Round(cpu, 1),
                       std::llround(mem), Round(gpu, 1), std::llround(gpu_mem));
      } else {
        // The ETA regressor is a CPU model: no GPU fields.
        const double cpu = Clamp(4 + 30 * load + 2 * rng.Normal(), 0.5, 99.5);
        const double mem = 1500 + 40 * load + 10 * rng.Normal();
        fmt::format_to(fmt::appender(buf), FMT_COMPILE(" cpu_pct={} mem_mb={}\n"), Round(cpu, 1), std::llround(mem));
      }
      ++out->counts.resources;
    }
  }
}

// ---------------------------------------------------------------------------
// app.log: "YYYY-MM-DD HH:MM:SS,mmm LEVEL [<model>-v<version>] component: message",
// Python tracebacks on the lines after an ERROR.

// An ERROR entry with a Python traceback: the entry's component and message
// (completed by a request id), the traceback's frames and its exception line.
struct Traceback {
  std::string_view component;
  std::string_view headline;
  std::string_view frames;  // from "Traceback (most recent call last):" to the last frame, each line ending in LF
  std::string_view exception;
};

constexpr Traceback kFeatureStoreTraceback = {"serving.features", "feature lookup failed for request",
                                              R"(Traceback (most recent call last):
  File "/srv/app/serving/features.py", line 142, in fetch
    rows = self.client.get_online_features(keys, timeout=0.2)
  File "/srv/app/.venv/lib/python3.11/site-packages/feast/online_store.py", line 311, in get_online_features
    raise FeatureStoreTimeout(f"timed out after {timeout_ms} ms")
)",
                                              "feast.errors.FeatureStoreTimeout: timed out after 200 ms"};
constexpr Traceback kRedisTraceback = {"serving.cache", "cache write failed for request",
                                       R"(Traceback (most recent call last):
  File "/srv/app/serving/cache.py", line 57, in put
    self.redis.set(key, value, ex=ttl)
  File "/srv/app/.venv/lib/python3.11/site-packages/redis/connection.py", line 829, in send_packed_command
    raise ConnectionError(f"Error {err.errno} while writing to socket. {err.strerror}.")
)",
                                       "redis.exceptions.ConnectionError: Error 104 while writing to socket. "
                                       "Connection reset by peer."};
constexpr Traceback kParseTraceback = {"serving.preprocess", "could not parse request",
                                       R"(Traceback (most recent call last):
  File "/srv/app/serving/preprocess.py", line 33, in parse_amount
    return float(raw["amount"])
)",
                                       "ValueError: could not convert string to float: 'N/A'"};
constexpr Traceback kRoutingTraceback = {"serving.routing", "route lookup failed for request",
                                         R"(Traceback (most recent call last):
  File "/srv/app/eta/routing.py", line 88, in route
    resp.raise_for_status()
  File "/srv/app/.venv/lib/python3.11/site-packages/requests/models.py", line 1021, in raise_for_status
    raise HTTPError(http_error_msg, response=self)
)",
                                         "requests.exceptions.HTTPError: 503 Server Error: Service Unavailable "
                                         "for url: http://routing:8080/v1/route"};
// The new error's frames; its exception line repeats the message.
constexpr std::string_view kOomFrames = R"(Traceback (most recent call last):
  File "/srv/app/serving/predictor.py", line 118, in score_batch
    logits = self.model(inputs)
  File "/srv/app/.venv/lib/python3.11/site-packages/torch/nn/modules/module.py", line 1518, in _call_impl
    return forward_call(*args, **kwargs)
  File "/srv/app/models/fraud_transformer.py", line 64, in forward
    attn = torch.softmax(q @ k.transpose(-2, -1) * self.scale, dim=-1)
)";

// The entries of one day: texts after the timestamp, kept in one buffer and
// sorted by (time, creation order) at the end.
class LogDay {
 public:
  // Starts an entry at `t` (rounded down to the millisecond); the caller
  // appends the rest of the entry's text (without the final line break) to text().
  fmt::memory_buffer& Begin(int64_t t) {
    entries_.push_back(Entry{t - t % kMicrosPerMilli, text_.size(), 0});
    return text_;
  }
  void Header(int64_t t, std::string_view level, Model m, int version, std::string_view component) {
    fmt::format_to(fmt::appender(Begin(t)), " {} [{}-v{}] {}: ", level, ModelName(m), version, component);
  }
  void AddTraceback(std::string_view frames, std::string_view exception) {
    text_.push_back('\n');
    Append(&text_, frames);
    Append(&text_, exception);
  }
  fmt::memory_buffer& text() { return text_; }

  void Finish(DayOutput* out) {
    for (size_t i = 0; i < entries_.size(); ++i) {
      entries_[i].end = i + 1 < entries_.size() ? entries_[i + 1].begin : text_.size();
    }
    std::stable_sort(entries_.begin(), entries_.end(),
                     [](const Entry& a, const Entry& b) { return a.time < b.time; });
    auto& buf = out->app_log;
    buf.reserve(text_.size() + entries_.size() * 24);
    for (const Entry& e : entries_) {
      AppendLogTime(e.time, &buf);
      buf.append(text_.data() + e.begin, text_.data() + e.end);
      buf.push_back('\n');
      out->counts.log_lines += 1 + std::count(text_.data() + e.begin, text_.data() + e.end, '\n');
    }
    out->counts.log_records += static_cast<int64_t>(entries_.size());
  }

 private:
  struct Entry {
    int64_t time;
    size_t begin, end;
  };
  std::vector<Entry> entries_;
  fmt::memory_buffer text_;
};

// Lines logged by the rollout itself (model loads, traffic split, drain).
void AddRolloutLines(const World& w, int64_t day_start, LogDay* log) {
  const auto in_day = [&](int64_t t) { return t >= day_start && t < day_start + kMicrosPerDay && t < w.end; };
  for (const Model m : {Model::kFraud, Model::kEta}) {
    const int64_t model_offset = m == Model::kFraud ? 0 : 20 * kMicrosPerSecond;
    for (int index = 0; index < 2; ++index) {
      for (const int version : {2, 3}) {
        // Version 2 hosts start with the period, version 3 hosts 90 s before their traffic.
        const int64_t t = (version == 2 ? w.start + 1500 * kMicrosPerMilli : w.rollout_start - 90 * kMicrosPerSecond) +
                          model_offset + index * 2345 * kMicrosPerMilli;
        if (!in_day(t)) continue;
        log->Header(t, "INFO", m, version, "serving.loader");
        fmt::format_to(fmt::appender(log->text()),
                       "model {} version {} loaded from s3://lakewatch-models/{}/{}/model.pt in {:.1f} s on {}-v{}-{}",
                       ModelName(m), version, ModelName(m), version, version == 3 ? 6.4 + index : 4.1 + index,
                       HostPrefix(m), version, index);
      }
      const int64_t drained = w.rollout_full + model_offset + (30 + index * 3) * kMicrosPerSecond;
      if (in_day(drained)) {
        log->Header(drained, "INFO", m, 2, "serving.lifecycle");
        fmt::format_to(fmt::appender(log->text()), "host {}-v2-{} drained, shutting down", HostPrefix(m), index);
      }
    }
    for (const int64_t t : {w.rollout_start, w.rollout_full}) {
      if (!in_day(t + model_offset)) continue;
      log->Header(t + model_offset, "INFO", m, 3, "serving.router");
      const int v3 = static_cast<int>(std::lround(100 * w.V3Share(t)));
      fmt::format_to(fmt::appender(log->text()), "traffic split updated: version 2 = {}%, version 3 = {}%",
                     100 - v3, v3);
    }
  }
}

void GenerateAppLog(const World& w, int day, DayOutput* out) {
  Rng rng(w.options.seed, Stream::kAppLog, day);
  const int64_t day_start = w.start + day * kMicrosPerDay;
  LogDay log;
  AddRolloutLines(w, day_start, &log);
  auto& text = log.text();
  const auto text_out = fmt::appender(text);
  for (int minute = 0; minute < kMinutesPerDay; ++minute) {
    const int64_t minute_start = day_start + minute * kMicrosPerMinute;
    const auto when = [&] { return minute_start + rng.Below(60000) * kMicrosPerMilli; };
    for (const Model m : {Model::kFraud, Model::kEta}) {
      const bool fraud = m == Model::kFraud;
      const int mi = static_cast<int>(m);
      const double load = w.weight[mi][day * kMinutesPerDay + minute] / w.mean_weight[mi];
      const double model_events =
          static_cast<double>(w.events[mi]) * load / static_cast<double>(w.weight[mi].size());
      const std::string_view prefix = HostPrefix(m);
      for (const int version : {2, 3}) {
        const double share = w.VersionShare(version, minute_start);
        if (share == 0) continue;
        const bool v3 = version == 3;
        const double events = model_events * share;
        const auto lines = [&](double mean, auto&& write) {
          for (int64_t n = rng.Poisson(mean); n > 0; --n) write(when());
        };
        const auto request = [&] {
          const int64_t first = w.first_number[mi][day];
          return first + rng.Below(std::max<int64_t>(1, w.first_number[mi][day + 1] - first));
        };
        // Traffic-driven lines.
        lines(events / (fraud ? 40.0 : 25.0), [&](int64_t t) {
          log.Header(t, "INFO", m, version, "serving.predictor");
          const int64_t size = std::max<int64_t>(1, std::llround(rng.LogNormal(fraud ? 32 : 16, 0.4)));
          const double per_request = fraud ? (v3 ? 1.3 : 0.9) : 0.45;
          fmt::format_to(text_out, "scored batch of {} requests in {} ms", size,
                         std::llround(static_cast<double>(size) * per_request + rng.LogNormal(8, 0.3)));
        });
        lines(events / (fraud ? 400.0 : 800.0), [&](int64_t t) {
          log.Header(t, "WARN", m, version, "serving.features");
          fmt::format_to(text_out, "feature store slow: {} ms for {} keys (budget 150 ms)",
                         150 + std::llround(rng.LogNormal(60, 0.6)), 1 + rng.Below(64));
        });
        lines(events / (fraud ? (v3 ? 200.0 : 600.0) : 1000.0), [&](int64_t t) {
          log.Header(t, "WARN", m, version, "serving.predictor");
          const int budget = fraud ? 100 : 40;
          fmt::format_to(text_out, "request {}-{:08} exceeded latency budget: {} ms > {} ms",
                         fraud ? "fd" : "eta", request(), budget + std::llround(rng.LogNormal(30, 0.7)), budget);
        });
        lines(events / 1000.0, [&](int64_t t) {
          log.Header(t, "WARN", m, version, "runtime.gc");
          fmt::format_to(text_out, "gc pause of {} ms (generation 2, {} objects collected)",
                         std::llround(rng.LogNormal(45, 0.5)), 10000 + rng.Below(900000));
        });
        lines(events / (fraud ? 2000.0 : 4000.0), [&](int64_t t) {
          const Traceback& tb = !fraud ? kRoutingTraceback
                                : rng.Chance(0.5) ? kFeatureStoreTraceback
                                : rng.Chance(0.6) ? kRedisTraceback
                                                  : kParseTraceback;
          log.Header(t, "ERROR", m, version, tb.component);
          fmt::format_to(text_out, "{} {}-{:08}", tb.headline, prefix, request());
          log.AddTraceback(tb.frames, tb.exception);
        });
        if (fraud && v3) {
          // The new error: grows with traffic, only on version 3 of the fraud detector.
          lines(events * std::min(0.06, kOomRate * std::pow(load, 1.5)) / 4.0, [&](int64_t t) {
            log.Header(t, "ERROR", m, version, "serving.gpu");
            const auto message = fmt::format(fmt::runtime(kOomMessage), 14.6 + 0.45 * rng.Uniform());
            Append(&text, message);
            log.AddTraceback(kOomFrames, "torch.cuda.OutOfMemoryError: " + message);
            ++out->counts.oom_log_records;
          });
        }
        // Host-driven lines (2 hosts per active version).
        const double hosts = 2 * w.log_scale;
        lines(hosts * 0.07, [&](int64_t t) {
          const int64_t index = rng.Below(2);
          const int64_t up_since = v3 ? w.rollout_start - 90 * kMicrosPerSecond : w.start - 3 * kMicrosPerDay;
          log.Header(t, "INFO", m, version, "serving.health");
          fmt::format_to(text_out, "health check ok: host {}-v{}-{}, uptime {} s, queue depth {}", prefix, version,
                         index, std::max<int64_t>(0, (t - up_since) / kMicrosPerSecond), rng.Poisson(3));
        });
        lines(hosts * 0.02, [&](int64_t t) {
          log.Header(t, "INFO", m, version, "serving.cache");
          fmt::format_to(text_out, "feature cache refreshed: {} entries in {} ms, hit rate {:.1f}%",
                         50000 + rng.Below(200000), std::llround(rng.LogNormal(300, 0.4)), 90 + 9 * rng.Uniform());
        });
        lines(hosts * 0.005, [&](int64_t t) {
          log.Header(t, "INFO", m, version, "db.pool");
          const int64_t from = 8 + rng.Below(24);
          fmt::format_to(text_out, "connection pool resized from {} to {}", from,
                         from + (rng.Chance(0.5) ? 4 : -4));
        });
        lines(hosts * 0.02, [&](int64_t t) {
          log.Header(t, "INFO", m, version, "metrics.exporter");
          fmt::format_to(text_out, "exported {} metrics to prometheus in {} ms", 180 + rng.Below(40),
                         std::llround(rng.LogNormal(12, 0.3)));
        });
      }
    }
  }
  log.Finish(out);
}

void GenerateDay(const World& w, int day, DayOutput* out) {
  out->Clear();
  GenerateFraud(w, day, out);
  GenerateEta(w, day, out);
  GenerateResources(w, day, out);
  GenerateAppLog(w, day, out);
}

// ---------------------------------------------------------------------------
// Late records' lines.

void AppendFraudLabel(const LateRecord& r, fmt::memory_buffer* out) {
  Append(out, R"({"timestamp":")");
  AppendIsoTime(r.time, out);
  fmt::format_to(fmt::appender(*out), FMT_COMPILE(R"(","request_id":"fd-{:08}","label":{}}})"
                 "\n"), r.number, static_cast<int>(r.value));
}

void AppendEtaLabel(const LateRecord& r, fmt::memory_buffer* out) {
  Append(out, "ts=");
  AppendIsoTime(r.time, out);
  fmt::format_to(fmt::appender(*out), FMT_COMPILE(" request_id=eta-{:08} actual_minutes={}\n"), r.number, r.value);
}

void AppendFeedback(const LateRecord& r, fmt::memory_buffer* out) {
  Append(out, R"({"timestamp":")");
  AppendIsoTime(r.time, out);
  fmt::format_to(fmt::appender(*out),
                 FMT_COMPILE(R"(","request_id":"fd-{:08}","model":{{"name":"fraud-detector","version":"{}"}},)"
                 R"("feedback":{{"kind":"{}","comment":"{}"}}}})"
                 "\n"),
                 r.number, r.version, kFeedbackKinds[r.kind], kFeedbackComments[r.kind][r.detail]);
}

// ---------------------------------------------------------------------------
// Output.

class OutputFile {
 public:
  explicit OutputFile(std::string path) : path_(std::move(path)) {}
  ~OutputFile() {
    if (file_ != nullptr) std::fclose(file_);
  }
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  Status Open() {
    file_ = std::fopen(path_.c_str(), "wb");
    if (file_ == nullptr) return Status::IOError(fmt::format("cannot create {}: {}", path_, std::strerror(errno)));
    return Status::OK();
  }
  Status Write(const fmt::memory_buffer& buf) {
    if (buf.size() > 0 && std::fwrite(buf.data(), 1, buf.size(), file_) != buf.size()) {
      return Status::IOError(fmt::format("cannot write {}: {}", path_, std::strerror(errno)));
    }
    return Status::OK();
  }
  Status Close() {
    const int rc = std::fclose(file_);
    file_ = nullptr;
    if (rc != 0) return Status::IOError(fmt::format("cannot write {}: {}", path_, std::strerror(errno)));
    return Status::OK();
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
};

// Runs produce(i, &value) for i in [0, n) on `threads` workers and
// consume(i, value) on the calling thread in increasing i, with at most
// threads + 1 produced values waiting. Values are recycled (their buffers
// stay allocated), so produce must overwrite everything it reads later.
// Stops at consume's first error and returns it.
template <typename T, typename Produce, typename Consume>
Status RunOrdered(int64_t n, int threads, Produce produce, Consume consume) {
  if (threads <= 1 || n <= 1) {
    T value;
    for (int64_t i = 0; i < n; ++i) {
      produce(i, &value);
      LW_RETURN_IF_ERROR(consume(i, value));
    }
    return Status::OK();
  }
  const int64_t window = threads + 1;
  std::vector<std::unique_ptr<T>> slots(n), spare;
  std::mutex mu;
  std::condition_variable cv;
  int64_t next = 0, consumed = 0;
  bool stop = false;
  const auto work = [&] {
    for (;;) {
      int64_t i;
      std::unique_ptr<T> value;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return stop || next >= n || next < consumed + window; });
        if (stop || next >= n) return;
        i = next++;
        if (!spare.empty()) {
          value = std::move(spare.back());
          spare.pop_back();
        }
      }
      if (value == nullptr) value = std::make_unique<T>();
      produce(i, value.get());
      {
        std::lock_guard lock(mu);
        slots[i] = std::move(value);
      }
      cv.notify_all();
    }
  };
  std::vector<std::thread> pool;
  for (int k = 0; k < threads; ++k) pool.emplace_back(work);
  Status status;
  for (int64_t i = 0; i < n && status.ok(); ++i) {
    std::unique_ptr<T> value;
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return slots[i] != nullptr; });
      value = std::move(slots[i]);
    }
    status = consume(i, *value);
    {
      std::lock_guard lock(mu);
      spare.push_back(std::move(value));
      ++consumed;
    }
    cv.notify_all();
  }
  {
    std::lock_guard lock(mu);
    stop = true;
  }
  cv.notify_all();
  for (std::thread& t : pool) t.join();
  return status;
}

// Sorts late records and writes them to `file` in parallel-formatted chunks.
template <typename Format>
Status WriteLate(std::vector<LateRecord>* records, int threads, OutputFile* file, Format format) {
  std::sort(records->begin(), records->end(), Earlier);
  constexpr int64_t kChunk = 1 << 16;
  const int64_t n = static_cast<int64_t>(records->size());
  return RunOrdered<fmt::memory_buffer>(
      (n + kChunk - 1) / kChunk, threads,
      [&](int64_t chunk, fmt::memory_buffer* buf) {
        buf->clear();
        for (int64_t i = chunk * kChunk; i < std::min(n, (chunk + 1) * kChunk); ++i) format((*records)[i], buf);
      },
      [&](int64_t, const fmt::memory_buffer& buf) { return file->Write(buf); });
}

Status Validate(const SimulationOptions& o) {
  if (o.events < 0 || o.events > 10'000'000'000LL) {
    return Status::InvalidArgument(fmt::format("events must be between 0 and 10000000000, got {}", o.events));
  }
  if (o.days < 1 || o.days > 366) return Status::InvalidArgument(fmt::format("days must be between 1 and 366, got {}", o.days));
  if (o.threads < 0 || o.threads > 1024) {
    return Status::InvalidArgument(fmt::format("threads must be between 0 and 1024, got {}", o.threads));
  }
  constexpr int64_t kYear9000 = 221'845'392'000'000'000LL;  // 9000-01-01T00:00:00Z
  if (o.start_micros < 0 || o.start_micros > kYear9000) {
    return Status::InvalidArgument(fmt::format("start must be between 1970 and 9000, got {} µs", o.start_micros));
  }
  return Status::OK();
}

}  // namespace

Result<SimulationFiles> Simulate(const SimulationOptions& options, const std::string& dir,
                                 Scenario* scenario) {
  LW_RETURN_IF_ERROR(Validate(options));
  std::error_code ec;
  const std::filesystem::path root = std::filesystem::absolute(dir, ec);
  if (!ec) std::filesystem::create_directories(root, ec);
  if (ec) return Status::IOError(fmt::format("cannot create directory {}: {}", dir, ec.message()));

  int threads = options.threads;
  if (threads == 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const World world = MakeWorld(options);

  SimulationFiles files;
  files.fraud_predictions = (root / "fraud_predictions.jsonl").string();
  files.fraud_labels = (root / "fraud_labels.jsonl").string();
  files.eta_predictions = (root / "eta_predictions.jsonl").string();
  files.eta_labels = (root / "eta_labels.logfmt").string();
  files.resources = (root / "resources.logfmt").string();
  files.app_logs = (root / "app.log").string();
  files.feedback = (root / "feedback.jsonl").string();

  OutputFile fraud(files.fraud_predictions), eta(files.eta_predictions), resources(files.resources),
      app_log(files.app_logs), fraud_labels(files.fraud_labels), eta_labels(files.eta_labels),
      feedback(files.feedback);
  OutputFile* all[] = {&fraud, &eta, &resources, &app_log, &fraud_labels, &eta_labels, &feedback};
  for (OutputFile* f : all) LW_RETURN_IF_ERROR(f->Open());

  std::vector<LateRecord> late_fraud_labels, late_eta_labels, late_feedback;
  late_fraud_labels.reserve(options.events * 7 / 10 + 1024);
  late_eta_labels.reserve(options.events / 4 + 1024);
  late_feedback.reserve(options.events / 50 + 1024);
  DayCounts counts;
  const auto append_to = [](const std::vector<LateRecord>& from, std::vector<LateRecord>* to) {
    to->insert(to->end(), from.begin(), from.end());
  };
  LW_RETURN_IF_ERROR(RunOrdered<DayOutput>(
      options.days, threads, [&](int64_t day, DayOutput* out) { GenerateDay(world, static_cast<int>(day), out); },
      [&](int64_t, DayOutput& out) -> Status {
        LW_RETURN_IF_ERROR(fraud.Write(out.fraud));
        LW_RETURN_IF_ERROR(eta.Write(out.eta));
        LW_RETURN_IF_ERROR(resources.Write(out.resources));
        LW_RETURN_IF_ERROR(app_log.Write(out.app_log));
        append_to(out.fraud_labels, &late_fraud_labels);
        append_to(out.eta_labels, &late_eta_labels);
        append_to(out.feedback, &late_feedback);
        counts.fraud_v3 += out.counts.fraud_v3;
        counts.fraud_errors += out.counts.fraud_errors;
        counts.cuda_oom += out.counts.cuda_oom;
        counts.disputes += out.counts.disputes;
        counts.resources += out.counts.resources;
        counts.log_records += out.counts.log_records;
        counts.log_lines += out.counts.log_lines;
        counts.oom_log_records += out.counts.oom_log_records;
        return Status::OK();
      }));
  LW_RETURN_IF_ERROR(WriteLate(&late_fraud_labels, threads, &fraud_labels, AppendFraudLabel));
  LW_RETURN_IF_ERROR(WriteLate(&late_eta_labels, threads, &eta_labels, AppendEtaLabel));
  LW_RETURN_IF_ERROR(WriteLate(&late_feedback, threads, &feedback, AppendFeedback));
  for (OutputFile* f : all) LW_RETURN_IF_ERROR(f->Close());

  files.fraud_prediction_count = world.events[0];
  files.eta_prediction_count = world.events[1];
  files.fraud_label_count = static_cast<int64_t>(late_fraud_labels.size());
  files.eta_label_count = static_cast<int64_t>(late_eta_labels.size());
  files.feedback_count = static_cast<int64_t>(late_feedback.size());
  files.resource_count = counts.resources;
  files.log_record_count = counts.log_records;

  if (scenario != nullptr) {
    Scenario& s = *scenario;
    s = Scenario{};
    s.start = world.start;
    s.end = world.end;
    s.rollout_start = world.rollout_start;
    s.rollout_full = world.rollout_full;
    s.drift_start = world.drift_start;
    s.drift_full = world.drift_full;
    s.missing_full = world.missing_full;
    s.storm_end = world.storm_end;
    s.drifted_features = {"features.amount", "features.merchant_category", "features.account_age_days"};
    s.eta_drifted_features = {"features.weather", "features.traffic_index"};
    s.degraded_slice = fmt::format("features.country={}", kDegradedCountry);
    s.eta_degraded_slice = "features.weather=rain";
    s.new_error_pattern = "CUDA out of memory";
    s.fraud_predictions = files.fraud_prediction_count;
    s.fraud_v3_predictions = counts.fraud_v3;
    s.fraud_errors = counts.fraud_errors;
    s.cuda_oom_errors = counts.cuda_oom;
    s.fraud_labels = files.fraud_label_count;
    s.feedback = files.feedback_count;
    s.disputes = counts.disputes;
    s.eta_predictions = files.eta_prediction_count;
    s.eta_labels = files.eta_label_count;
    s.resource_samples = counts.resources;
    s.log_records = counts.log_records;
    s.log_lines = counts.log_lines;
    s.cuda_oom_log_records = counts.oom_log_records;
  }
  return files;
}

}  // namespace lakewatch::demo
