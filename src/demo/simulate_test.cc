#include "demo/simulate.h"

#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/time.h"

namespace lakewatch::demo {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kEvents = 40000;
constexpr int64_t kHour = 3600 * kMicrosPerSecond;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    EXPECT_NE(end, std::string_view::npos) << "the last line has no line break";
    if (end == std::string_view::npos) break;
    lines.push_back(text.substr(0, end));
    text.remove_prefix(end + 1);
  }
  return lines;
}

int Digits(std::string_view s, size_t pos, size_t n) {
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    EXPECT_TRUE(s[i] >= '0' && s[i] <= '9') << s;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

// "YYYY-MM-DDTHH:MM:SS.ffffffZ" (with 'T' and 'Z') or "YYYY-MM-DD HH:MM:SS,mmm".
int64_t ParseTime(std::string_view s) {
  const bool iso = s.size() == 27 && s[10] == 'T' && s[19] == '.' && s[26] == 'Z';
  const bool log = s.size() == 23 && s[10] == ' ' && s[19] == ',';
  EXPECT_TRUE(iso || log) << "bad timestamp " << s;
  if (!iso && !log) return -1;
  const int64_t days = DaysFromCivil(Digits(s, 0, 4), Digits(s, 5, 2), Digits(s, 8, 2));
  const int64_t secs = Digits(s, 11, 2) * 3600 + Digits(s, 14, 2) * 60 + Digits(s, 17, 2);
  const int64_t frac = iso ? Digits(s, 20, 6) : Digits(s, 20, 3) * 1000;
  return days * kMicrosPerDay + secs * kMicrosPerSecond + frac;
}

// The number of "fd-00000042" / "eta-00000042".
int64_t RequestNumber(std::string_view id) { return std::stoll(std::string(id.substr(id.find('-') + 1))); }

// logfmt: key=value pairs separated by spaces (the simulator never quotes).
std::map<std::string, std::string, std::less<>> Logfmt(std::string_view line) {
  std::map<std::string, std::string, std::less<>> kv;
  std::istringstream in{std::string(line)};
  std::string pair;
  while (in >> pair) {
    const size_t eq = pair.find('=');
    EXPECT_NE(eq, std::string::npos) << line;
    if (eq != std::string::npos) kv[pair.substr(0, eq)] = pair.substr(eq + 1);
  }
  return kv;
}

std::set<std::string> Keys(simdjson::dom::object o) {
  std::set<std::string> keys;
  for (auto field : o) keys.emplace(field.key);
  return keys;
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

// Fields every prediction event has.
struct EventHead {
  int64_t time;
  int64_t number;  // of the request id
  std::string version;
};

struct FraudEvent : EventHead {
  double amount;
  std::optional<int64_t> account_age;
  std::string country, merchant;
  bool has_prediction;
  int64_t predicted;
  double score;
  double latency;
  std::string error_type, error_message;
};

struct EtaEvent : EventHead {
  std::string weather;
  bool has_prediction;
  double predicted;
};

// One simulated history, read back.
struct History {
  std::string dir;
  SimulationFiles files;
  Scenario scenario;
  std::map<std::string, std::string> contents;  // file name -> bytes
  std::vector<FraudEvent> fraud;                // by request number - 1
  std::vector<EtaEvent> eta;
  std::unordered_map<int64_t, std::pair<int64_t, int>> fraud_labels;  // number -> (arrival, label)
};

std::string TestDir(const std::string& name) {
  return (fs::temp_directory_path() / ("lakewatch_simulate_test_" + std::to_string(getpid())) / name).string();
}

std::map<std::string, std::string> ReadAll(const SimulationFiles& f) {
  std::map<std::string, std::string> contents;
  for (const std::string* path : {&f.fraud_predictions, &f.fraud_labels, &f.eta_predictions, &f.eta_labels,
                                  &f.resources, &f.app_logs, &f.feedback}) {
    contents[fs::path(*path).filename().string()] = ReadFile(*path);
  }
  return contents;
}

SimulationOptions SmallOptions(int threads, uint64_t seed = 42) {
  SimulationOptions o;
  o.events = kEvents;
  o.threads = threads;
  o.seed = seed;
  return o;
}

// Calls fn(object, line) for each line of JSON-lines text; every line must be an object.
template <typename Fn>
void ForEachObject(std::string_view text, Fn fn) {
  simdjson::dom::parser parser;
  for (std::string_view line : Lines(text)) {
    simdjson::dom::object o;
    const auto error = parser.parse(line.data(), line.size()).get(o);
    EXPECT_EQ(error, simdjson::SUCCESS) << line;
    if (error == simdjson::SUCCESS) fn(o, line);
  }
}

EventHead ParseHead(simdjson::dom::object o, std::string_view model) {
  EXPECT_EQ(std::string_view(o["model"]["name"]), model);
  return EventHead{ParseTime(std::string_view(o["timestamp"])), RequestNumber(std::string_view(o["request_id"])),
                   std::string(std::string_view(o["model"]["version"]))};
}

void ParseFraud(History* h) {
  const std::set<std::string> kTop = {"timestamp", "model", "request_id", "features", "prediction", "latency_ms"};
  const std::set<std::string> kTopError = {"timestamp", "model",      "request_id", "features",
                                           "prediction", "latency_ms", "level",      "error"};
  const std::set<std::string> kFeatures = {"amount", "age", "account_age_days", "country", "device",
                                           "merchant_category"};
  ForEachObject(h->contents["fraud_predictions.jsonl"], [&](simdjson::dom::object o, std::string_view line) {
    FraudEvent e{};
    static_cast<EventHead&>(e) = ParseHead(o, "fraud-detector");
    simdjson::dom::object features = o["features"];
    EXPECT_EQ(Keys(features), kFeatures) << line;
    e.amount = double(features["amount"]);
    const int64_t age = int64_t(features["age"]);
    EXPECT_TRUE(age >= 18 && age <= 85) << line;
    if (!features["account_age_days"].is_null()) e.account_age = int64_t(features["account_age_days"]);
    e.country = std::string(std::string_view(features["country"]));
    e.merchant = std::string(std::string_view(features["merchant_category"]));
    const std::string_view device = features["device"];
    EXPECT_TRUE(device == "ios" || device == "android" || device == "web") << line;
    e.latency = double(o["latency_ms"]);
    e.has_prediction = !o["prediction"].is_null();
    if (e.has_prediction) {
      EXPECT_EQ(Keys(o), kTop) << line;
      e.predicted = int64_t(o["prediction"]["label"]);
      e.score = double(o["prediction"]["score"]);
      EXPECT_TRUE(e.score >= 0 && e.score <= 1) << line;
      EXPECT_EQ(e.predicted, e.score >= 0.5 ? 1 : 0) << line;
    } else {
      EXPECT_EQ(Keys(o), kTopError) << line;
      EXPECT_EQ(std::string_view(o["level"]), "ERROR");
      e.error_type = std::string(std::string_view(o["error"]["type"]));
      e.error_message = std::string(std::string_view(o["error"]["message"]));
    }
    h->fraud.push_back(std::move(e));
  });
  ForEachObject(h->contents["fraud_labels.jsonl"], [&](simdjson::dom::object o, std::string_view) {
    EXPECT_EQ(Keys(o), (std::set<std::string>{"timestamp", "request_id", "label"}));
    const int64_t number = RequestNumber(std::string_view(o["request_id"]));
    const int label = static_cast<int>(int64_t(o["label"]));
    EXPECT_TRUE(label == 0 || label == 1);
    EXPECT_TRUE(h->fraud_labels.emplace(number, std::make_pair(ParseTime(std::string_view(o["timestamp"])), label)).second)
        << "two labels for " << number;
  });
}

void ParseEta(History* h) {
  const std::set<std::string> kFeatures = {"distance_km", "traffic_index", "weather", "hour"};
  ForEachObject(h->contents["eta_predictions.jsonl"], [&](simdjson::dom::object o, std::string_view line) {
    EtaEvent e{};
    static_cast<EventHead&>(e) = ParseHead(o, "eta-regressor");
    EXPECT_EQ(e.number, static_cast<int64_t>(h->eta.size()) + 1);
    simdjson::dom::object features = o["features"];
    EXPECT_EQ(Keys(features), kFeatures) << line;
    e.weather = std::string(std::string_view(features["weather"]));
    EXPECT_EQ(int64_t(features["hour"]), (e.time % kMicrosPerDay) / kHour);
    const double traffic = double(features["traffic_index"]);
    EXPECT_TRUE(traffic >= 0 && traffic <= 1);
    EXPECT_GT(double(features["distance_km"]), 0);
    EXPECT_GT(double(o["latency_ms"]), 0);
    e.has_prediction = !o["prediction"].is_null();
    if (e.has_prediction) e.predicted = double(o["prediction"]["value"]);
    h->eta.push_back(std::move(e));
  });
}

History Generate(const std::string& name, const SimulationOptions& options) {
  History h;
  h.dir = TestDir(name);
  auto files = Simulate(options, h.dir, &h.scenario);
  EXPECT_TRUE(files.ok()) << files.status().ToString();
  if (!files.ok()) return h;
  h.files = *files;
  h.contents = ReadAll(h.files);
  return h;
}

class SimulateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    history_ = new History(Generate("main", SmallOptions(2)));
    ParseFraud(history_);
    ParseEta(history_);
  }
  static void TearDownTestSuite() {
    delete history_;
    history_ = nullptr;
    std::error_code ec;
    fs::remove_all(fs::path(TestDir("x")).parent_path(), ec);
  }
  const History& h() const { return *history_; }
  const Scenario& sc() const { return history_->scenario; }

  static History* history_;
};
History* SimulateTest::history_ = nullptr;

TEST_F(SimulateTest, ScenarioTimes) {
  EXPECT_EQ(FormatTimestampMicros(sc().start), "2025-11-03T00:00:00.000000Z");
  EXPECT_EQ(sc().end, sc().start + 14 * kMicrosPerDay);
  EXPECT_EQ(sc().rollout_start, sc().start + 7 * kMicrosPerDay + 12 * kHour);
  EXPECT_EQ(sc().rollout_full, sc().start + 8 * kMicrosPerDay + 12 * kHour);
  EXPECT_EQ(sc().drift_start, sc().start + 10 * kMicrosPerDay);
  EXPECT_EQ(sc().old_version, "2");
  EXPECT_EQ(sc().new_version, "3");
  EXPECT_EQ(sc().degraded_slice, "features.country=BR");
  EXPECT_EQ(sc().eta_degraded_slice, "features.weather=rain");
  EXPECT_EQ(sc().new_error_pattern, "CUDA out of memory");
  EXPECT_FALSE(sc().drifted_features.empty());
  EXPECT_FALSE(sc().eta_drifted_features.empty());
  for (const std::string* path : {&h().files.fraud_predictions, &h().files.app_logs, &h().files.feedback}) {
    EXPECT_TRUE(fs::path(*path).is_absolute()) << *path;
  }
}

TEST_F(SimulateTest, DeterministicForSeedAndThreads) {
  const History one_thread = Generate("threads1", SmallOptions(1));
  ASSERT_EQ(one_thread.contents.size(), 7u);
  for (const auto& [name, bytes] : h().contents) {
    EXPECT_TRUE(bytes == one_thread.contents.at(name)) << name << " differs between 1 and 2 threads";
  }
  const History again = Generate("again", SmallOptions(2));
  EXPECT_TRUE(again.contents == h().contents);
  const History other = Generate("seed43", SmallOptions(2, 43));
  for (const auto& [name, bytes] : h().contents) {
    EXPECT_FALSE(bytes == other.contents.at(name)) << name << " is the same for another seed";
  }
}

TEST_F(SimulateTest, CountsMatchTheFiles) {
  const SimulationFiles& f = h().files;
  const auto lines = [&](const char* name) { return static_cast<int64_t>(Lines(h().contents.at(name)).size()); };
  EXPECT_EQ(f.fraud_prediction_count, kEvents);
  EXPECT_EQ(lines("fraud_predictions.jsonl"), f.fraud_prediction_count);
  EXPECT_EQ(lines("fraud_labels.jsonl"), f.fraud_label_count);
  EXPECT_EQ(f.eta_prediction_count, kEvents / 4);
  EXPECT_EQ(lines("eta_predictions.jsonl"), f.eta_prediction_count);
  EXPECT_EQ(lines("eta_labels.logfmt"), f.eta_label_count);
  EXPECT_EQ(lines("resources.logfmt"), f.resource_count);
  EXPECT_EQ(lines("feedback.jsonl"), f.feedback_count);
  EXPECT_EQ(lines("app.log"), sc().log_lines);
  int64_t entries = 0;
  for (std::string_view line : Lines(h().contents.at("app.log"))) entries += line.starts_with("20");
  EXPECT_EQ(entries, f.log_record_count);
  EXPECT_GT(f.log_record_count, kEvents / 20 * 8 / 10);
  EXPECT_LT(f.log_record_count, kEvents / 20 * 12 / 10);

  EXPECT_EQ(sc().fraud_predictions, f.fraud_prediction_count);
  EXPECT_EQ(sc().fraud_labels, f.fraud_label_count);
  EXPECT_EQ(sc().eta_labels, f.eta_label_count);
  EXPECT_EQ(sc().feedback, f.feedback_count);
  EXPECT_EQ(sc().log_records, f.log_record_count);
  EXPECT_EQ(sc().resource_samples, f.resource_count);
  int64_t v3 = 0, errors = 0, oom = 0;
  for (const FraudEvent& e : h().fraud) {
    v3 += e.version == "3";
    errors += !e.has_prediction;
    oom += e.error_type == "CudaOutOfMemory";
  }
  EXPECT_EQ(sc().fraud_v3_predictions, v3);
  EXPECT_EQ(sc().fraud_errors, errors);
  EXPECT_EQ(sc().cuda_oom_errors, oom);
  // Every minute has one sample per active host: 2 per version of each model.
  const int64_t minutes = 14 * 1440, overlap = 24 * 60;
  EXPECT_EQ(f.resource_count, 4 * (minutes + overlap));
}

TEST_F(SimulateTest, FraudPredictionsAreSortedAndInThePeriod) {
  ASSERT_EQ(static_cast<int64_t>(h().fraud.size()), kEvents);
  for (size_t i = 0; i < h().fraud.size(); ++i) {
    const FraudEvent& e = h().fraud[i];
    EXPECT_EQ(e.number, static_cast<int64_t>(i) + 1);
    EXPECT_GE(e.time, sc().start);
    EXPECT_LT(e.time, sc().end);
    if (i > 0) {
      EXPECT_LE(h().fraud[i - 1].time, e.time) << "line " << i + 1;
    }
  }
}

TEST_F(SimulateTest, TrafficHasDailyAndWeeklySeasonality) {
  std::vector<double> by_hour(24, 0);
  double weekday = 0, weekend = 0;
  for (const FraudEvent& e : h().fraud) {
    by_hour[(e.time % kMicrosPerDay) / kHour] += 1;
    const int64_t day = (e.time - sc().start) / kMicrosPerDay;
    (day % 7 >= 5 ? weekend : weekday) += 1;
  }
  EXPECT_GT(by_hour[15], 2.3 * by_hour[3]);
  EXPECT_LT(by_hour[15], 3.8 * by_hour[3]);
  const double ratio = (weekend / 4) / (weekday / 10);
  EXPECT_GT(ratio, 0.75);
  EXPECT_LT(ratio, 0.85);
}

TEST_F(SimulateTest, RolloutShares) {
  int64_t canary = 0, canary_v3 = 0;
  for (const FraudEvent& e : h().fraud) {
    if (e.time < sc().rollout_start) {
      EXPECT_EQ(e.version, "2");
    } else if (e.time < sc().rollout_full) {
      ++canary;
      canary_v3 += e.version == "3";
    } else {
      EXPECT_EQ(e.version, "3");
    }
  }
  ASSERT_GT(canary, 1000);
  EXPECT_NEAR(static_cast<double>(canary_v3) / canary, 0.10, 0.03);
  for (const EtaEvent& e : h().eta) {
    if (e.time < sc().rollout_start) {
      EXPECT_EQ(e.version, "2");
    }
    if (e.time >= sc().rollout_full) {
      EXPECT_EQ(e.version, "3");
    }
  }
}

// Accuracy of a version on labelled predictions of (or outside) one country.
double Accuracy(const History& h, const std::string& version, const std::string& country, bool in_country,
                int64_t* n = nullptr) {
  int64_t right = 0, total = 0;
  for (const FraudEvent& e : h.fraud) {
    if (e.version != version || !e.has_prediction || (e.country == country) != in_country) continue;
    const auto label = h.fraud_labels.find(e.number);
    if (label == h.fraud_labels.end()) continue;
    ++total;
    right += e.predicted == label->second.second;
  }
  if (n != nullptr) *n = total;
  return total == 0 ? 0 : static_cast<double>(right) / total;
}

TEST_F(SimulateTest, Version3IsWorseInBrazilOnly) {
  int64_t n = 0;
  const double v2_br = Accuracy(h(), "2", "BR", true, &n);
  ASSERT_GT(n, 500);
  const double v3_br = Accuracy(h(), "3", "BR", true, &n);
  ASSERT_GT(n, 500);
  const double v2_rest = Accuracy(h(), "2", "BR", false);
  const double v3_rest = Accuracy(h(), "3", "BR", false);
  EXPECT_GT(v2_br, 0.85);
  EXPECT_LT(v3_br, 0.80);
  EXPECT_LT(v3_br, v2_br - 0.1);
  EXPECT_LT(v3_br, v3_rest - 0.1);
  EXPECT_GT(v3_rest, 0.85);
  EXPECT_GT(v2_rest, 0.85);
  // Fraud base rate ~8% before the drift.
  int64_t labelled = 0, positive = 0;
  for (const auto& [number, label] : h().fraud_labels) {
    if (h().fraud[number - 1].time >= sc().drift_start) continue;
    ++labelled;
    positive += label.second;
  }
  EXPECT_NEAR(static_cast<double>(positive) / labelled, 0.08, 0.025);
}

TEST_F(SimulateTest, InputDrift) {
  std::vector<double> before, after;
  int64_t n_before = 0, missing_before = 0, crypto_before = 0, n_late = 0, missing_late = 0, crypto_late = 0;
  const int64_t day12 = sc().start + 12 * kMicrosPerDay;
  for (const FraudEvent& e : h().fraud) {
    if (e.time < sc().drift_start) {
      before.push_back(e.amount);
      ++n_before;
      missing_before += !e.account_age.has_value();
      crypto_before += e.merchant == "crypto";
    } else if (e.time >= day12) {
      after.push_back(e.amount);
      ++n_late;
      missing_late += !e.account_age.has_value();
      crypto_late += e.merchant == "crypto";
    }
  }
  EXPECT_GE(Median(after), 1.4 * Median(before));
  EXPECT_EQ(crypto_before, 0);
  EXPECT_GE(static_cast<double>(crypto_late) / n_late, 0.25);
  EXPECT_LE(static_cast<double>(missing_before) / n_before, 0.03);
  EXPECT_GE(static_cast<double>(missing_late) / n_late, 0.20);
}

TEST_F(SimulateTest, LatencyAndErrors) {
  std::vector<double> v2, v3;
  int64_t v2_total = 0, v2_errors = 0, oom = 0;
  for (const FraudEvent& e : h().fraud) {
    if (e.version == "2") {
      ++v2_total;
      v2_errors += !e.has_prediction;
    }
    if (e.has_prediction) (e.version == "3" ? v3 : v2).push_back(e.latency);
    if (e.error_type == "CudaOutOfMemory") {
      ++oom;
      EXPECT_EQ(e.version, "3");
      EXPECT_GE(e.time, sc().rollout_start);
      EXPECT_NE(e.error_message.find(sc().new_error_pattern), std::string::npos);
    } else if (!e.has_prediction) {
      EXPECT_EQ(e.error_message.find(sc().new_error_pattern), std::string::npos);
    }
  }
  EXPECT_GT(Median(v3), 1.3 * Median(v2));
  EXPECT_NEAR(Median(v2), 25, 4);
  EXPECT_LT(static_cast<double>(v2_errors) / v2_total, 0.005);
  EXPECT_NEAR(static_cast<double>(oom) / sc().fraud_v3_predictions, 0.015, 0.007);
}

TEST_F(SimulateTest, LabelsArriveLateWithCoverage) {
  int64_t previous = 0;
  for (std::string_view line : Lines(h().contents.at("fraud_labels.jsonl"))) {
    const int64_t t = ParseTime(line.substr(14, 27));
    EXPECT_LE(previous, t);
    previous = t;
  }
  for (const auto& [number, label] : h().fraud_labels) {
    const FraudEvent& e = h().fraud.at(number - 1);
    EXPECT_TRUE(e.has_prediction) << "a label for an error, " << number;
    EXPECT_GT(label.first, e.time);
    EXPECT_LT(label.first, sc().end);
  }
  int64_t early = 0, early_labelled = 0, last_day = 0, last_day_labelled = 0;
  std::vector<double> delays;
  for (const FraudEvent& e : h().fraud) {
    if (!e.has_prediction) continue;
    const auto label = h().fraud_labels.find(e.number);
    const bool labelled = label != h().fraud_labels.end();
    if (labelled) delays.push_back(static_cast<double>(label->second.first - e.time) / kHour);
    if (e.time < sc().end - 3 * kMicrosPerDay) {
      ++early;
      early_labelled += labelled;
    } else if (e.time >= sc().end - kMicrosPerDay) {
      ++last_day;
      last_day_labelled += labelled;
    }
  }
  EXPECT_NEAR(static_cast<double>(early_labelled) / early, 0.70, 0.03);
  EXPECT_LT(static_cast<double>(last_day_labelled) / last_day, 0.45);
  EXPECT_NEAR(Median(delays), 6, 1);
}

TEST_F(SimulateTest, EtaStormAndRainSlice) {
  const int64_t storm_from = sc().drift_start + 12 * kHour, storm_to = sc().storm_end;
  int64_t before = 0, rain_before = 0, storm = 0, rain_storm = 0;
  for (const EtaEvent& e : h().eta) {
    if (e.time < sc().drift_start) {
      ++before;
      rain_before += e.weather == "rain";
    } else if (e.time >= storm_from && e.time < storm_to) {
      ++storm;
      rain_storm += e.weather == "rain";
    }
  }
  EXPECT_NEAR(static_cast<double>(rain_before) / before, 0.15, 0.02);
  EXPECT_NEAR(static_cast<double>(rain_storm) / storm, 0.45, 0.04);

  // MAE per version and weather from the delivered actuals.
  std::map<std::pair<std::string, bool>, std::pair<double, int64_t>> mae;
  int64_t previous = 0;
  std::set<int64_t> seen;
  for (std::string_view line : Lines(h().contents.at("eta_labels.logfmt"))) {
    const auto kv = Logfmt(line);
    ASSERT_EQ(kv.size(), 3u) << line;
    const int64_t t = ParseTime(kv.at("ts"));
    EXPECT_LE(previous, t);
    previous = t;
    EXPECT_LT(t, sc().end);
    const int64_t number = RequestNumber(kv.at("request_id"));
    EXPECT_TRUE(seen.insert(number).second);
    const EtaEvent& e = h().eta.at(number - 1);
    ASSERT_TRUE(e.has_prediction);
    const double actual = std::stod(kv.at("actual_minutes"));
    EXPECT_NEAR(static_cast<double>(t - e.time) / (60 * kMicrosPerSecond), actual, 0.01);
    auto& cell = mae[{e.version, e.weather == "rain"}];
    cell.first += std::fabs(actual - e.predicted);
    ++cell.second;
  }
  EXPECT_NEAR(static_cast<double>(seen.size()) / h().eta.size(), 0.9, 0.03);
  const auto mean = [&](const std::string& v, bool rain) {
    const auto& cell = mae.at({v, rain});
    return cell.first / static_cast<double>(cell.second);
  };
  EXPECT_GT(mean("3", true), 1.5 * mean("2", true));
  EXPECT_LT(mean("3", false), 1.1 * mean("2", false));
}

TEST_F(SimulateTest, ResourcesFollowTheRollout) {
  int64_t previous = 0;
  double v2_gpu_mem = 0, v3_gpu_mem = 0;
  int64_t v2_n = 0, v3_n = 0;
  for (std::string_view line : Lines(h().contents.at("resources.logfmt"))) {
    const auto kv = Logfmt(line);
    const int64_t t = ParseTime(kv.at("ts"));
    EXPECT_LE(previous, t);
    previous = t;
    const std::string& host = kv.at("host");
    const std::string& version = kv.at("version");
    EXPECT_NE(host.find("-v" + version + "-"), std::string::npos) << line;
    if (version == "3") {
      EXPECT_GE(t, sc().rollout_start);
    }
    if (version == "2") {
      EXPECT_LT(t, sc().rollout_full + 60 * kMicrosPerSecond);
    }
    const double cpu = std::stod(kv.at("cpu_pct"));
    EXPECT_TRUE(cpu > 0 && cpu < 100) << line;
    EXPECT_GT(std::stod(kv.at("mem_mb")), 0);
    if (kv.at("model") == "fraud-detector") {
      (version == "3" ? v3_gpu_mem : v2_gpu_mem) += std::stod(kv.at("gpu_mem_mb"));
      ++(version == "3" ? v3_n : v2_n);
      EXPECT_EQ(kv.size(), 8u) << line;
    } else {
      EXPECT_EQ(kv.at("model"), "eta-regressor");
      EXPECT_EQ(kv.size(), 6u) << line;
    }
  }
  EXPECT_GT(v3_gpu_mem / v3_n, 1.8 * v2_gpu_mem / v2_n);
}

TEST_F(SimulateTest, AppLogLayoutAndTheNewError) {
  const std::regex entry(R"(^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) (INFO|WARN|ERROR) \[((fraud-detector|eta-regressor)-v([23]))\] ([a-z.]+): (.+)$)");
  const std::regex exception_line(R"(^[A-Za-z_][A-Za-z0-9_.]*: .+$)");
  int64_t previous = 0, oom = 0, tracebacks = 0, errors = 0;
  std::string last_level;
  for (std::string_view line : Lines(h().contents.at("app.log"))) {
    const std::string text(line);
    std::smatch m;
    if (std::regex_match(text, m, entry)) {
      const int64_t t = ParseTime(m[1].str());
      EXPECT_LE(previous, t);
      previous = t;
      EXPECT_GE(t, sc().start);
      EXPECT_LT(t, sc().end);
      last_level = m[2].str();
      errors += last_level == "ERROR";
      if (m[7].str().find(sc().new_error_pattern) != std::string::npos) {
        ++oom;
        EXPECT_EQ(m[3].str(), "fraud-detector-v3");
        EXPECT_GE(t, sc().rollout_start);
      }
      if (m[5].str() == "3") {
        EXPECT_GE(t, sc().rollout_start - 5 * 60 * kMicrosPerSecond) << text;
      }
      continue;
    }
    // A continuation line: only after an ERROR entry, and shaped as a traceback.
    EXPECT_EQ(last_level, "ERROR") << text;
    const bool indented = text.starts_with(" ");
    const bool header = text == "Traceback (most recent call last):";
    tracebacks += header;
    EXPECT_TRUE(indented || header || std::regex_match(text, exception_line)) << text;
  }
  EXPECT_EQ(oom, sc().cuda_oom_log_records);
  EXPECT_GT(oom, 10);
  EXPECT_EQ(tracebacks, errors);
  EXPECT_GT(errors, oom);
}

TEST_F(SimulateTest, FeedbackDisputesWrongFlagsInBrazil) {
  int64_t previous = 0, disputes = 0;
  std::map<std::string, int64_t> br_disputes_by_version;
  ForEachObject(h().contents.at("feedback.jsonl"), [&](simdjson::dom::object o, std::string_view line) {
    EXPECT_EQ(Keys(o), (std::set<std::string>{"timestamp", "request_id", "model", "feedback"}));
    const int64_t t = ParseTime(std::string_view(o["timestamp"]));
    EXPECT_LE(previous, t);
    previous = t;
    const FraudEvent& e = h().fraud.at(RequestNumber(std::string_view(o["request_id"])) - 1);
    EXPECT_GT(t, e.time);
    EXPECT_EQ(std::string_view(o["model"]["version"]), e.version);
    const std::string_view kind = o["feedback"]["kind"];
    EXPECT_TRUE(kind == "dispute" || kind == "confirm_fraud" || kind == "thumbs_down") << line;
    EXPECT_FALSE(std::string_view(o["feedback"]["comment"]).empty());
    if (kind == "dispute") {
      ++disputes;
      EXPECT_EQ(e.predicted, 1);
      if (e.country == "BR") ++br_disputes_by_version[e.version];
    }
  });
  EXPECT_EQ(disputes, sc().disputes);
  EXPECT_NEAR(static_cast<double>(h().files.feedback_count) / kEvents, 0.01, 0.005);
  // Version 3 serves ~40% of the traffic, yet most Brazilian disputes are its.
  EXPECT_GT(br_disputes_by_version["3"], 2 * br_disputes_by_version["2"]);
}

TEST(SimulateOptions, Errors) {
  SimulationOptions o;
  o.days = 0;
  auto r = Simulate(o, TestDir("bad"), nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  o = SimulationOptions{};
  o.events = -1;
  EXPECT_EQ(Simulate(o, TestDir("bad"), nullptr).status().code(), StatusCode::kInvalidArgument);

  // A directory that cannot be created: a path below a regular file.
  const std::string file = TestDir("plain-file");
  fs::create_directories(fs::path(file).parent_path());
  std::ofstream(file) << "x";
  o = SimulationOptions{};
  o.events = 100;
  r = Simulate(o, file + "/sub", nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIOError);
  EXPECT_NE(r.status().message().find(file), std::string::npos) << r.status().ToString();
  std::error_code ec;
  fs::remove_all(fs::path(file).parent_path(), ec);
}

TEST(SimulateOptions, ShortPeriodAndNoEvents) {
  SimulationOptions o;
  o.events = 0;
  o.days = 2;
  Scenario s;
  auto r = Simulate(o, TestDir("empty"), &s);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->fraud_prediction_count, 0);
  EXPECT_EQ(ReadFile(r->fraud_predictions), "");
  // 7.5 of 14 days scaled to 2 days, to the minute: 1542.86 -> 1543 minutes.
  EXPECT_EQ(s.rollout_start, s.start + 1543 * 60 * kMicrosPerSecond);
  EXPECT_LT(s.rollout_start, s.rollout_full);
  EXPECT_LT(s.drift_start, s.end);
  std::error_code ec;
  fs::remove_all(fs::path(TestDir("empty")).parent_path(), ec);
}

// The default size, timed: LW_DEMO_BENCH=1 demo_test --gtest_filter=*DefaultSize*
TEST(SimulateBench, DefaultSize) {
  if (std::getenv("LW_DEMO_BENCH") == nullptr) GTEST_SKIP() << "set LW_DEMO_BENCH=1 to time the default size";
  SimulationOptions o;
  Scenario s;
  const std::string dir = TestDir("bench");
  const auto begin = std::chrono::steady_clock::now();
  auto r = Simulate(o, dir, &s);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::printf("default size: %.2f s\n", seconds);
  for (const std::string* path : {&r->fraud_predictions, &r->fraud_labels, &r->eta_predictions, &r->eta_labels,
                                  &r->resources, &r->app_logs, &r->feedback}) {
    std::printf("  %-24s %8.1f MB\n", fs::path(*path).filename().c_str(),
                static_cast<double>(fs::file_size(*path)) / 1e6);
  }
  std::printf("  fraud %lld (v3 %lld, errors %lld, cuda oom %lld), labels %lld, feedback %lld (disputes %lld)\n"
              "  eta %lld, eta labels %lld, resources %lld, log records %lld (lines %lld, cuda oom %lld)\n",
              static_cast<long long>(s.fraud_predictions), static_cast<long long>(s.fraud_v3_predictions),
              static_cast<long long>(s.fraud_errors), static_cast<long long>(s.cuda_oom_errors),
              static_cast<long long>(s.fraud_labels), static_cast<long long>(s.feedback),
              static_cast<long long>(s.disputes), static_cast<long long>(s.eta_predictions),
              static_cast<long long>(s.eta_labels), static_cast<long long>(s.resource_samples),
              static_cast<long long>(s.log_records), static_cast<long long>(s.log_lines),
              static_cast<long long>(s.cuda_oom_log_records));
  if (std::getenv("LW_DEMO_KEEP") == nullptr) {
    std::error_code ec;
    fs::remove_all(fs::path(dir).parent_path(), ec);
  }
}

}  // namespace
}  // namespace lakewatch::demo
