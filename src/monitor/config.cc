#include "monitor/config.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "common/time.h"
#include "sql/function/cast.h"

namespace lakewatch::monitor {

const char* ProblemName(Problem p) {
  switch (p) {
    case Problem::kBinary: return "binary";
    case Problem::kMulticlass: return "multiclass";
    case Problem::kRegression: return "regression";
  }
  return "?";
}

Result<Granularity> ParseGranularity(const std::string& text) {
  Granularity g;
  g.name = text;
  if (text == "all") return g;
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  int64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + digits, n);
  const std::string unit = text.substr(digits);
  if (digits == 0 || ec != std::errc() || p != text.data() + digits || n <= 0 || n > 100000) {
    return Status::InvalidArgument("window '" + text + "': expected a positive count and a unit (15m, 1h, 1d, 7d, 1mo) or 'all'");
  }
  constexpr int64_t kMinute = int64_t{60} * 1000000;
  if (unit == "m" || unit == "min") {
    g.micros = n * kMinute;
  } else if (unit == "h") {
    g.micros = n * 60 * kMinute;
  } else if (unit == "d") {
    g.micros = n * 24 * 60 * kMinute;
  } else if (unit == "w") {
    g.micros = n * 7 * 24 * 60 * kMinute;
  } else if (unit == "mo") {
    g.months = static_cast<int>(n);
  } else {
    return Status::InvalidArgument("window '" + text + "': unknown unit '" + unit + "' (expected m, h, d, w or mo)");
  }
  return g;
}

int64_t Granularity::Start(int64_t ts) const {
  if (micros > 0) return FloorDiv(ts, micros) * micros;
  constexpr int64_t kDay = int64_t{86400} * 1000000;
  const CivilDate d = CivilFromDays(FloorDiv(ts, kDay));
  const int64_t index = d.year * 12 + (d.month - 1);           // months since year 0
  const int64_t first = index - ((index % months) + months) % months;
  return DaysFromCivil(first / 12, static_cast<int>(first % 12) + 1, 1) * kDay;
}

int64_t Granularity::End(int64_t start) const {
  if (micros > 0) return start + micros;
  constexpr int64_t kDay = int64_t{86400} * 1000000;
  const CivilDate d = CivilFromDays(FloorDiv(start, kDay));
  const int64_t next = d.year * 12 + (d.month - 1) + months;
  return DaysFromCivil(next / 12, static_cast<int>(next % 12) + 1, 1) * kDay;
}

std::string BaselineConfig::Describe() const {
  switch (kind) {
    case Kind::kDefault: return "window=first-day";
    case Kind::kVersion: return "version=" + version;
    case Kind::kTable: return "table=" + table;
    case Kind::kTimeRange:
      return "window=" + FormatTimestampMicros(from_micros) + "/" + FormatTimestampMicros(to_micros);
  }
  return "";
}

const ModelConfig* MonitorConfig::Find(const std::string& name) const {
  for (const ModelConfig& m : models) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

namespace {

// Errors name the source, line and column of the node (yaml-cpp marks are 0-based).
class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  Status Error(const YAML::Node& node, const std::string& what) const {
    const YAML::Mark m = node.Mark();
    if (m.is_null()) return Status::InvalidArgument(source_ + ": " + what);
    return Status::InvalidArgument(source_ + ": line " + std::to_string(m.line + 1) + ", column " +
                                   std::to_string(m.column + 1) + ": " + what);
  }

  Result<std::string> String(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar()) return Error(node, "'" + key + "' must be a string");
    return node.Scalar();
  }

  Result<double> Number(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar()) return Error(node, "'" + key + "' must be a number");
    const std::string& s = node.Scalar();
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size() || errno != 0 || !std::isfinite(v)) {
      return Error(node, "'" + key + "' must be a number, got '" + s + "'");
    }
    return v;
  }

  Result<std::vector<std::string>> StringList(const YAML::Node& node, const std::string& key) const {
    std::vector<std::string> out;
    if (node.IsScalar()) {  // a single item may be written without brackets
      out.push_back(node.Scalar());
      return out;
    }
    if (!node.IsSequence()) return Error(node, "'" + key + "' must be a list of strings");
    for (const YAML::Node& item : node) {
      LW_ASSIGN_OR_RETURN(std::string s, String(item, key));
      out.push_back(std::move(s));
    }
    return out;
  }

  Result<int64_t> Timestamp(const YAML::Node& node, const std::string& key) const {
    LW_ASSIGN_OR_RETURN(std::string s, String(node, key));
    int64_t micros = 0;
    if (!sql::ParseSparkTimestamp(s, &micros)) {
      return Error(node, "'" + key + "': '" + s + "' is not a timestamp (expected e.g. 2025-11-24T16:00:00Z)");
    }
    return micros;
  }

  // Rejects keys outside `allowed`, naming the closest place to look.
  Status OnlyKeys(const YAML::Node& map, const std::set<std::string>& allowed, const std::string& what) const {
    for (const auto& kv : map) {
      const std::string key = kv.first.as<std::string>();
      if (allowed.count(key) == 0) {
        std::string list;
        for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
        return Error(kv.first, "unknown key '" + key + "' in " + what + " (expected one of: " + list + ")");
      }
    }
    return Status::OK();
  }

  Result<Threshold> ParseThreshold(const YAML::Node& node, const std::string& key) const {
    Threshold t;
    if (node.IsScalar()) {  // a bare number: the metric's natural direction is decided by the runner
      LW_ASSIGN_OR_RETURN(t.limit, Number(node, key));
      return t;
    }
    if (!node.IsMap()) return Error(node, "threshold '" + key + "' must be a number or {min|max|drop|rise: number}");
    LW_RETURN_IF_ERROR(OnlyKeys(node, {"min", "max", "drop", "rise"}, "threshold '" + key + "'"));
    if (node["min"]) { LW_ASSIGN_OR_RETURN(t.min, Number(node["min"], key + ".min")); }
    if (node["max"]) { LW_ASSIGN_OR_RETURN(t.max, Number(node["max"], key + ".max")); }
    if (node["drop"]) { LW_ASSIGN_OR_RETURN(t.drop, Number(node["drop"], key + ".drop")); }
    if (node["rise"]) { LW_ASSIGN_OR_RETURN(t.rise, Number(node["rise"], key + ".rise")); }
    return t;
  }

  Result<DriftConfig> ParseDrift(const YAML::Node& node, const std::string& key, DriftConfig d) const {
    if (!node.IsMap()) return Error(node, "'" + key + "' must be a map {method, threshold, share}");
    LW_RETURN_IF_ERROR(OnlyKeys(node, {"method", "threshold", "share"}, "'" + key + "'"));
    if (node["method"]) {
      LW_ASSIGN_OR_RETURN(d.method, String(node["method"], key + ".method"));
      static const std::set<std::string> kMethods = {"auto", "ks", "chisquare", "z", "psi", "wasserstein",
                                                     "jensenshannon"};
      if (kMethods.count(d.method) == 0) {
        return Error(node["method"], "unknown drift method '" + d.method +
                                         "' (expected auto, ks, chisquare, z, psi, wasserstein or jensenshannon)");
      }
    }
    if (node["threshold"]) { LW_ASSIGN_OR_RETURN(d.threshold, Number(node["threshold"], key + ".threshold")); }
    if (node["share"]) {
      LW_ASSIGN_OR_RETURN(d.share, Number(node["share"], key + ".share"));
      if (d.share <= 0 || d.share > 1) return Error(node["share"], "'share' must be in (0, 1]");
    }
    return d;
  }

  // A table name, or {table, timestamp, version, filter, columns}.
  Result<SideTableConfig> ParseSideTable(const YAML::Node& node, const std::string& key) const {
    SideTableConfig t;
    if (node.IsScalar()) {
      t.table = node.Scalar();
      return t;
    }
    if (!node.IsMap()) return Error(node, "'" + key + "' must be a table name or {table, version, filter, ...}");
    LW_RETURN_IF_ERROR(OnlyKeys(node, {"table", "timestamp", "version", "filter", "columns"}, "'" + key + "'"));
    if (!node["table"]) return Error(node, "'" + key + "' needs a 'table'");
    LW_ASSIGN_OR_RETURN(t.table, String(node["table"], key + ".table"));
    if (node["timestamp"]) { LW_ASSIGN_OR_RETURN(t.timestamp, String(node["timestamp"], key + ".timestamp")); }
    if (node["version"]) { LW_ASSIGN_OR_RETURN(t.version, String(node["version"], key + ".version")); }
    if (node["filter"]) { LW_ASSIGN_OR_RETURN(t.filter, String(node["filter"], key + ".filter")); }
    if (node["columns"]) { LW_ASSIGN_OR_RETURN(t.columns, StringList(node["columns"], key + ".columns")); }
    return t;
  }

  Result<ModelConfig> ParseModel(const YAML::Node& node) const {
    if (!node.IsMap()) return Error(node, "each entry of 'models' must be a map");
    LW_RETURN_IF_ERROR(OnlyKeys(node,
                                {"name", "table", "timestamp", "version", "id", "prediction", "score",
                                 "probabilities", "positive_class", "problem", "labels", "features", "slices",
                                 "baseline", "windows", "drift", "thresholds", "latency", "level", "error",
                                 "resources", "anomaly_z", "approximate", "sketch_k", "logs", "resource_samples",
                                 "slice_windows", "min_rows"},
                                "a model"));
    ModelConfig m;
    if (!node["name"]) return Error(node, "a model needs a 'name'");
    LW_ASSIGN_OR_RETURN(m.name, String(node["name"], "name"));
    if (m.name.empty()) return Error(node["name"], "'name' must not be empty");
    if (!node["table"]) return Error(node, "model '" + m.name + "' needs a 'table'");
    LW_ASSIGN_OR_RETURN(m.table, String(node["table"], "table"));
    auto opt_string = [&](const char* key, std::string* out) -> Status {
      if (node[key]) {
        if (node[key].IsNull()) {
          out->clear();
          return Status::OK();
        }
        LW_ASSIGN_OR_RETURN(*out, String(node[key], key));
      }
      return Status::OK();
    };
    LW_RETURN_IF_ERROR(opt_string("timestamp", &m.timestamp));
    LW_RETURN_IF_ERROR(opt_string("version", &m.version));
    LW_RETURN_IF_ERROR(opt_string("id", &m.id));
    LW_RETURN_IF_ERROR(opt_string("prediction", &m.prediction));
    LW_RETURN_IF_ERROR(opt_string("score", &m.score));
    LW_RETURN_IF_ERROR(opt_string("positive_class", &m.positive_class));
    LW_RETURN_IF_ERROR(opt_string("latency", &m.latency));
    LW_RETURN_IF_ERROR(opt_string("level", &m.level));
    LW_RETURN_IF_ERROR(opt_string("error", &m.error));
    if (node["resources"]) { LW_ASSIGN_OR_RETURN(m.resources, StringList(node["resources"], "resources")); }
    if (node["min_rows"]) {
      LW_ASSIGN_OR_RETURN(double n, Number(node["min_rows"], "min_rows"));
      if (n < 0 || n != std::floor(n) || n > 1e15) return Error(node["min_rows"], "'min_rows' must be a whole number >= 0");
      m.min_rows = static_cast<int64_t>(n);
    }
    if (node["logs"]) { LW_ASSIGN_OR_RETURN(m.logs, ParseSideTable(node["logs"], "logs")); }
    if (node["resource_samples"]) {
      LW_ASSIGN_OR_RETURN(m.resource_samples, ParseSideTable(node["resource_samples"], "resource_samples"));
    }
    if (node["anomaly_z"]) { LW_ASSIGN_OR_RETURN(m.anomaly_z, Number(node["anomaly_z"], "anomaly_z")); }
    if (node["approximate"]) {
      const YAML::Node a = node["approximate"];
      if (!a.IsScalar() || (a.Scalar() != "true" && a.Scalar() != "false")) {
        return Error(a, "'approximate' must be true or false");
      }
      m.approximate = a.Scalar() == "true";
    }
    if (node["sketch_k"]) {
      LW_ASSIGN_OR_RETURN(double k, Number(node["sketch_k"], "sketch_k"));
      if (k < 8 || k > 65535 || k != std::floor(k)) {
        return Error(node["sketch_k"], "'sketch_k' must be an integer in [8, 65535]");
      }
      m.sketch_k = static_cast<int>(k);
    }
    if (node["problem"]) {
      LW_ASSIGN_OR_RETURN(std::string p, String(node["problem"], "problem"));
      if (p == "binary") {
        m.problem = Problem::kBinary;
      } else if (p == "multiclass") {
        m.problem = Problem::kMulticlass;
      } else if (p == "regression") {
        m.problem = Problem::kRegression;
      } else {
        return Error(node["problem"], "unknown problem '" + p + "' (expected binary, multiclass or regression)");
      }
    }
    if (const YAML::Node probs = node["probabilities"]) {
      if (!probs.IsMap()) return Error(probs, "'probabilities' must map each class to its score column");
      for (const auto& kv : probs) {
        LW_ASSIGN_OR_RETURN(std::string col, String(kv.second, "probabilities"));
        m.probabilities[kv.first.as<std::string>()] = col;
      }
    }
    if (const YAML::Node labels = node["labels"]) {
      if (labels.IsScalar()) {
        m.labels.column = labels.Scalar();
      } else if (labels.IsMap()) {
        LW_RETURN_IF_ERROR(OnlyKeys(labels, {"column", "table", "id", "label"}, "'labels'"));
        if (labels["column"]) { LW_ASSIGN_OR_RETURN(m.labels.column, String(labels["column"], "labels.column")); }
        if (labels["table"]) { LW_ASSIGN_OR_RETURN(m.labels.table, String(labels["table"], "labels.table")); }
        if (labels["id"]) { LW_ASSIGN_OR_RETURN(m.labels.id, String(labels["id"], "labels.id")); }
        if (labels["label"]) { LW_ASSIGN_OR_RETURN(m.labels.label, String(labels["label"], "labels.label")); }
        if (!m.labels.column.empty() && !m.labels.table.empty()) {
          return Error(labels, "'labels' takes either {column} or {table, id, label}, not both");
        }
        if (!m.labels.table.empty() && m.labels.label.empty()) {
          return Error(labels, "'labels' from a table needs 'label' (the label column of that table)");
        }
        if (m.labels.column.empty() && m.labels.table.empty()) {
          return Error(labels, "'labels' needs 'column' or 'table'");
        }
        if (m.labels.id.empty()) m.labels.id = m.id;
      } else {
        return Error(labels, "'labels' must be a column name or {table, id, label} / {column}");
      }
    }
    if (const YAML::Node features = node["features"]) {
      auto add = [&](const YAML::Node& list, FeatureConfig::Kind kind, const std::string& key) -> Status {
        LW_ASSIGN_OR_RETURN(std::vector<std::string> cols, StringList(list, key));
        for (std::string& c : cols) m.features.push_back(FeatureConfig{std::move(c), kind});
        return Status::OK();
      };
      if (features.IsMap()) {
        LW_RETURN_IF_ERROR(OnlyKeys(features, {"numeric", "categorical"}, "'features'"));
        if (features["numeric"]) {
          LW_RETURN_IF_ERROR(add(features["numeric"], FeatureConfig::Kind::kNumeric, "features.numeric"));
        }
        if (features["categorical"]) {
          LW_RETURN_IF_ERROR(add(features["categorical"], FeatureConfig::Kind::kCategorical, "features.categorical"));
        }
      } else {
        LW_RETURN_IF_ERROR(add(features, FeatureConfig::Kind::kInfer, "features"));
      }
    }
    if (node["slices"]) { LW_ASSIGN_OR_RETURN(m.slices, StringList(node["slices"], "slices")); }
    if (const YAML::Node b = node["baseline"]) {
      if (!b.IsMap()) return Error(b, "'baseline' must be {from, to}, {version} or {table}");
      LW_RETURN_IF_ERROR(OnlyKeys(b, {"from", "to", "version", "table"}, "'baseline'"));
      const int kinds = (b["from"] || b["to"] ? 1 : 0) + (b["version"] ? 1 : 0) + (b["table"] ? 1 : 0);
      if (kinds != 1) return Error(b, "'baseline' takes exactly one of {from, to}, {version} or {table}");
      if (b["version"]) {
        m.baseline.kind = BaselineConfig::Kind::kVersion;
        LW_ASSIGN_OR_RETURN(m.baseline.version, String(b["version"], "baseline.version"));
      } else if (b["table"]) {
        m.baseline.kind = BaselineConfig::Kind::kTable;
        LW_ASSIGN_OR_RETURN(m.baseline.table, String(b["table"], "baseline.table"));
      } else {
        if (!b["from"] || !b["to"]) return Error(b, "a time-range 'baseline' needs both 'from' and 'to'");
        m.baseline.kind = BaselineConfig::Kind::kTimeRange;
        LW_ASSIGN_OR_RETURN(m.baseline.from_micros, Timestamp(b["from"], "baseline.from"));
        LW_ASSIGN_OR_RETURN(m.baseline.to_micros, Timestamp(b["to"], "baseline.to"));
        if (m.baseline.to_micros <= m.baseline.from_micros) return Error(b["to"], "'baseline.to' must be after 'from'");
      }
    }
    if (const YAML::Node w = node["windows"]) {
      LW_ASSIGN_OR_RETURN(std::vector<std::string> names, StringList(w, "windows"));
      for (const std::string& name : names) {
        auto g = ParseGranularity(name);
        if (!g.ok()) return Error(w, g.status().message());
        m.windows.push_back(*g);
      }
    }
    if (m.windows.empty()) {
      LW_ASSIGN_OR_RETURN(Granularity g, ParseGranularity(m.timestamp.empty() ? "all" : "1d"));
      m.windows.push_back(g);
    }
    if (const YAML::Node sw = node["slice_windows"]) {
      LW_ASSIGN_OR_RETURN(m.slice_windows, StringList(sw, "slice_windows"));
      for (const std::string& name : m.slice_windows) {
        bool known = false;
        for (const Granularity& g : m.windows) known = known || g.name == name;
        if (!known) return Error(sw, "'slice_windows' lists '" + name + "', which is not one of the model's windows");
      }
    }
    if (m.timestamp.empty()) {
      for (const Granularity& g : m.windows) {
        if (!g.all()) return Error(node, "model '" + m.name + "' has no timestamp, so its only window is 'all'");
      }
      if (m.baseline.kind == BaselineConfig::Kind::kTimeRange) {
        return Error(node["baseline"], "a time-range baseline needs a timestamp column");
      }
    }
    if (const YAML::Node d = node["drift"]) {
      LW_ASSIGN_OR_RETURN(m.drift, ParseDrift(d, "drift", m.drift));
    }
    if (const YAML::Node t = node["thresholds"]) {
      if (!t.IsMap()) return Error(t, "'thresholds' must map metric names to thresholds");
      for (const auto& kv : t) {
        const std::string key = kv.first.as<std::string>();
        if (key == "features") {  // per-feature drift overrides
          if (!kv.second.IsMap()) return Error(kv.second, "'thresholds.features' must map features to {method, threshold}");
          for (const auto& fkv : kv.second) {
            const std::string f = fkv.first.as<std::string>();
            LW_ASSIGN_OR_RETURN(m.feature_drift[f], ParseDrift(fkv.second, "thresholds.features." + f, m.drift));
          }
          continue;
        }
        LW_ASSIGN_OR_RETURN(m.thresholds[key], ParseThreshold(kv.second, key));
      }
    }
    return m;
  }

 private:
  std::string source_;
};

}  // namespace

Result<MonitorConfig> ParseConfig(const std::string& text, const std::string& source) {
  MonitorConfig cfg;
  cfg.path = source;
  Reader r(source);
  try {
    const YAML::Node root = YAML::Load(text);
    if (!root.IsMap()) return r.Error(root, "expected a map with a 'models' list at the top level");
    const YAML::Node models = root["models"];
    if (!models) return r.Error(root, "no 'models' list");
    if (!models.IsSequence()) return r.Error(models, "'models' must be a list");
    std::set<std::string> names;
    for (const YAML::Node& node : models) {
      LW_ASSIGN_OR_RETURN(ModelConfig m, r.ParseModel(node));
      if (!names.insert(m.name).second) return r.Error(node, "model '" + m.name + "' is defined twice");
      cfg.models.push_back(std::move(m));
    }
  } catch (const YAML::Exception& e) {
    if (e.mark.is_null()) return Status::InvalidArgument(source + ": " + e.msg);
    return Status::InvalidArgument(source + ": line " + std::to_string(e.mark.line + 1) + ", column " +
                                   std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  return cfg;
}

Result<MonitorConfig> LoadConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read the configuration '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return ParseConfig(text.str(), path);
}

}  // namespace lakewatch::monitor
