// libFuzzer target for the lakewatch.yaml parser (monitor::ParseConfig, yaml-cpp
// underneath).
//
// Input: the YAML text. Checks:
// - ParseConfig returns a config or a Status whatever the bytes: no crash, hang
//   or escaping exception (each yaml-cpp exception must become a Status);
// - parsing is deterministic (a second parse gives the same outcome);
// - every error starts with the source name;
// - a config it accepts keeps the promises of config.h and docs/monitoring.md:
//   models have distinct non-empty names and a table, at least one window,
//   windows re-parse to themselves, a model without timestamp has only `all`,
//   a time-range baseline ends after it starts, drift shares lie in (0, 1],
//   numbers are finite;
// - and is used as the runner uses it: Find, BaselineConfig::Describe, and the
//   window bounds (Granularity::Start/End) of the baseline's own timestamps.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "monitor/config.h"

namespace {

namespace monitor = lakewatch::monitor;

constexpr size_t kMaxInputBytes = 16 * 1024;  // longer files add nothing but time
constexpr const char* kSource = "fuzz.yaml";

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "check failed: %s\n", what);
    std::abort();
  }
}

bool FiniteOrAbsent(const std::optional<double>& v) { return !v || std::isfinite(*v); }

void CheckDrift(const monitor::DriftConfig& d) {
  Check(!d.method.empty(), "a drift method");
  Check(FiniteOrAbsent(d.threshold), "a finite drift threshold");
  Check(d.share > 0 && d.share <= 1, "drift share in (0, 1]");
}

void CheckWindows(const monitor::ModelConfig& m, const std::optional<int64_t>& ts) {
  Check(!m.windows.empty(), "at least one window");
  for (const monitor::Granularity& g : m.windows) {
    auto again = monitor::ParseGranularity(g.name);
    Check(again.ok() && again->micros == g.micros && again->months == g.months,
          "a window re-parses to itself");
    Check(g.micros >= 0 && g.months >= 0, "window sizes are not negative");
    if (m.timestamp.empty()) Check(g.all(), "no timestamp: only the window 'all'");
    if (g.all() || !ts) continue;
    const int64_t start = g.Start(*ts);
    const int64_t end = g.End(start);
    Check(start <= *ts && *ts < end, "a window holds the timestamp it was made for");
  }
}

void CheckModel(const monitor::ModelConfig& m) {
  Check(!m.name.empty(), "a model has a name");
  Check(std::isfinite(m.anomaly_z), "a finite anomaly_z");
  CheckDrift(m.drift);
  for (const auto& [feature, d] : m.feature_drift) CheckDrift(d);
  for (const auto& [metric, t] : m.thresholds) {
    Check(FiniteOrAbsent(t.min) && FiniteOrAbsent(t.max) && FiniteOrAbsent(t.drop) &&
              FiniteOrAbsent(t.rise) && FiniteOrAbsent(t.limit),
          "finite thresholds");
  }
  if (m.labels.present() && !m.labels.table.empty()) {
    Check(!m.labels.label.empty(), "labels from a table name their label column");
  }
  const monitor::BaselineConfig& b = m.baseline;
  std::optional<int64_t> ts;
  if (b.kind == monitor::BaselineConfig::Kind::kTimeRange) {
    Check(b.from_micros < b.to_micros, "a time-range baseline ends after it starts");
    Check(!m.timestamp.empty(), "a time-range baseline needs a timestamp");
    ts = b.from_micros;
  }
  Check(!b.Describe().empty(), "a baseline describes itself");
  CheckWindows(m, ts);
  if (ts) CheckWindows(m, b.to_micros - 1);
  (void)monitor::ProblemName(m.problem);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxInputBytes) return -1;  // -1: never added to the corpus
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto first = monitor::ParseConfig(text, kSource);
  auto second = monitor::ParseConfig(text, kSource);
  Check(first.ok() == second.ok(), "parse is deterministic");
  if (!first.ok()) {
    const std::string& m = first.status().message();
    Check(m == second.status().message(), "same error twice");
    Check(m.rfind(std::string(kSource) + ": ", 0) == 0, "errors start with the source");
    return 0;
  }
  const monitor::MonitorConfig& cfg = *first;
  Check(cfg.path == kSource, "the config remembers its source");
  Check(second->models.size() == cfg.models.size(), "same models twice");
  for (const monitor::ModelConfig& m : cfg.models) {
    CheckModel(m);
    Check(cfg.Find(m.name) == &m, "model names are distinct");
  }
  return 0;
}
