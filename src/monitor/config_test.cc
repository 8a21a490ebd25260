#include "monitor/config.h"

#include <gtest/gtest.h>

#include "common/time.h"

namespace lakewatch::monitor {
namespace {

// The minimal form of issue 6 / docs/monitoring.md: users' files rely on it.
constexpr const char* kMinimal = R"(models:
  - name: fraud-detector
    table: ev                       # events table (predictions)
    timestamp: timestamp
    version: model.version
    id: request_id
    prediction: prediction.label
    score: prediction.score
    problem: binary                 # binary | multiclass | regression
    labels: {table: labels, id: request_id, label: label}   # or {column: label}
    features: [features.amount, features.age, features.country, features.device]
    baseline: {from: "2025-11-24T16:00:00Z", to: "2025-11-24T18:00:00Z"}  # or {version: "2"} or {table: training}
    windows: [1h, 1d]
)";

TEST(MonitorConfig, MinimalFormParses) {
  auto cfg = ParseConfig(kMinimal, "lakewatch.yaml");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  ASSERT_EQ(cfg->models.size(), 1u);
  const ModelConfig& m = cfg->models[0];
  EXPECT_EQ(m.name, "fraud-detector");
  EXPECT_EQ(m.table, "ev");
  EXPECT_EQ(m.version, "model.version");
  EXPECT_EQ(m.prediction, "prediction.label");
  EXPECT_EQ(m.score, "prediction.score");
  EXPECT_EQ(m.problem, Problem::kBinary);
  EXPECT_EQ(m.labels.table, "labels");
  EXPECT_EQ(m.labels.id, "request_id");
  EXPECT_EQ(m.labels.label, "label");
  ASSERT_EQ(m.features.size(), 4u);
  EXPECT_EQ(m.features[2].column, "features.country");
  EXPECT_EQ(m.features[2].kind, FeatureConfig::Kind::kInfer);
  EXPECT_EQ(m.baseline.kind, BaselineConfig::Kind::kTimeRange);
  EXPECT_EQ(m.baseline.to_micros - m.baseline.from_micros, int64_t{2} * 3600 * 1000000);
  EXPECT_EQ(FormatTimestampMicros(m.baseline.from_micros), "2025-11-24T16:00:00.000000Z");
  ASSERT_EQ(m.windows.size(), 2u);
  EXPECT_EQ(m.windows[0].micros, int64_t{3600} * 1000000);
  EXPECT_EQ(m.windows[1].name, "1d");
  EXPECT_EQ(cfg->Find("fraud-detector"), &cfg->models[0]);
  EXPECT_EQ(cfg->Find("nope"), nullptr);
}

// Side tables the report reads: a bare table name, or the map form with SQL
// expressions; unknown keys and a missing table are errors with a position.
TEST(MonitorConfig, LogsAndResourceSamples) {
  auto cfg = ParseConfig(R"yaml(models:
  - name: a
    table: t
    logs: app_logs
    resource_samples:
      table: resources
      version: "CAST(version AS STRING)"
      filter: "model = 'a'"
      columns: [cpu_pct, mem_mb]
)yaml", "x.yaml");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  const ModelConfig& m = cfg->models[0];
  EXPECT_TRUE(m.logs.present());
  EXPECT_EQ(m.logs.table, "app_logs");
  EXPECT_EQ(m.logs.timestamp, "timestamp");
  EXPECT_TRUE(m.logs.version.empty());
  EXPECT_EQ(m.resource_samples.table, "resources");
  EXPECT_EQ(m.resource_samples.version, "CAST(version AS STRING)");
  EXPECT_EQ(m.resource_samples.filter, "model = 'a'");
  ASSERT_EQ(m.resource_samples.columns.size(), 2u);
  EXPECT_EQ(m.resource_samples.columns[1], "mem_mb");
  EXPECT_FALSE(ParseConfig("models:\n  - {name: a, table: t}\n", "y.yaml")->models[0].logs.present());
  EXPECT_EQ(ParseConfig("models:\n  - {name: a, table: t}\n", "y.yaml")->models[0].min_rows, 100);

  auto sw = ParseConfig("models:\n  - {name: a, table: t, windows: [1h, 1d], slice_windows: [1d], min_rows: 30}\n",
                        "w.yaml");
  ASSERT_TRUE(sw.ok()) << sw.status().ToString();
  ASSERT_EQ(sw->models[0].slice_windows.size(), 1u);
  EXPECT_EQ(sw->models[0].slice_windows[0], "1d");
  EXPECT_EQ(sw->models[0].min_rows, 30);
  auto bad_sw = ParseConfig("models:\n  - {name: a, table: t, windows: [1h], slice_windows: [1d]}\n", "w.yaml");
  ASSERT_FALSE(bad_sw.ok());
  EXPECT_NE(bad_sw.status().message().find("not one of the model's windows"), std::string::npos);
  EXPECT_FALSE(ParseConfig("models:\n  - {name: a, table: t, min_rows: -1}\n", "w.yaml").ok());

  auto bad = ParseConfig("models:\n  - name: a\n    table: t\n    logs: {version: v}\n", "z.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("'logs' needs a 'table'"), std::string::npos) << bad.status().message();
  EXPECT_NE(bad.status().message().find("line 4"), std::string::npos) << bad.status().message();
  bad = ParseConfig("models:\n  - name: a\n    table: t\n    logs: {table: l, where: x}\n", "z.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("unknown key 'where'"), std::string::npos) << bad.status().message();
}

TEST(MonitorConfig, DefaultsAndAlternativeForms) {
  auto cfg = ParseConfig(R"(models:
  - name: a
    table: t
  - name: b
    table: /data/t2
    timestamp: null
    problem: regression
    labels: y
    features: {numeric: [x1, x2], categorical: c}
    baseline: {table: training}
    thresholds:
      mae: {rise: 0.5}
      accuracy: 0.9
      features: {x1: {method: psi, threshold: 0.2}}
  - name: c
    table: t
    baseline: {version: "2"}
    drift: {method: jensenshannon, threshold: 0.2, share: 0.3}
)",
                         "cfg");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  const ModelConfig& a = cfg->models[0];
  EXPECT_EQ(a.timestamp, "timestamp");
  EXPECT_EQ(a.id, "request_id");
  EXPECT_EQ(a.baseline.kind, BaselineConfig::Kind::kDefault);
  ASSERT_EQ(a.windows.size(), 1u);
  EXPECT_EQ(a.windows[0].name, "1d");
  EXPECT_TRUE(a.features.empty());
  const ModelConfig& b = cfg->models[1];
  EXPECT_TRUE(b.timestamp.empty());
  ASSERT_EQ(b.windows.size(), 1u);
  EXPECT_TRUE(b.windows[0].all());
  EXPECT_EQ(b.labels.column, "y");
  ASSERT_EQ(b.features.size(), 3u);
  EXPECT_EQ(b.features[1].kind, FeatureConfig::Kind::kNumeric);
  EXPECT_EQ(b.features[2].kind, FeatureConfig::Kind::kCategorical);
  EXPECT_EQ(b.baseline.Describe(), "table=training");
  EXPECT_EQ(b.thresholds.at("mae").rise, 0.5);
  EXPECT_EQ(b.thresholds.at("accuracy").limit, 0.9);
  EXPECT_EQ(b.feature_drift.at("x1").method, "psi");
  EXPECT_EQ(b.feature_drift.at("x1").threshold, 0.2);
  const ModelConfig& c = cfg->models[2];
  EXPECT_EQ(c.baseline.Describe(), "version=2");
  EXPECT_EQ(c.drift.method, "jensenshannon");
  EXPECT_EQ(c.drift.share, 0.3);
}

// Each bad file gives an error naming the place and what was expected.
TEST(MonitorConfig, ErrorsNameLineAndColumn) {
  struct Case {
    const char* text;
    const char* expect;
  };
  const Case cases[] = {
      {"models:\n  - name: a\n    table: t\n    problem: binay\n", "line 4, column 14: unknown problem 'binay'"},
      {"models:\n  - name: a\n    table: t\n    colour: red\n", "line 4, column 5: unknown key 'colour'"},
      {"models:\n  - name: a\n", "needs a 'table'"},
      {"models:\n  - table: t\n", "needs a 'name'"},
      {"models:\n  - name: a\n    table: t\n  - name: a\n    table: u\n", "defined twice"},
      {"models:\n  - name: a\n    table: t\n    windows: [1x]\n", "unknown unit 'x'"},
      {"models:\n  - name: a\n    table: t\n    windows: [0h]\n", "positive count"},
      {"models:\n  - name: a\n    table: t\n    baseline: {from: yesterday, to: today}\n", "not a timestamp"},
      {"models:\n  - name: a\n    table: t\n    baseline: {version: '2', table: x}\n", "exactly one of"},
      {"models:\n  - name: a\n    table: t\n    baseline: {from: '2025-01-02', to: '2025-01-01'}\n", "after 'from'"},
      {"models:\n  - name: a\n    table: t\n    timestamp: null\n    windows: [1h]\n", "only window is 'all'"},
      {"models:\n  - name: a\n    table: t\n    drift: {method: magic}\n", "unknown drift method 'magic'"},
      {"models:\n  - name: a\n    table: t\n    drift: {share: 2}\n", "(0, 1]"},
      {"models:\n  - name: a\n    table: t\n    thresholds: {accuracy: high}\n", "must be a number"},
      {"models:\n  - name: a\n    table: t\n    labels: {table: l}\n", "needs 'label'"},
      {"models: [\n", "line"},
      {"- just a list\n", "expected a map"},
      {"other: 1\n", "no 'models' list"},
  };
  for (const Case& c : cases) {
    auto cfg = ParseConfig(c.text, "lakewatch.yaml");
    ASSERT_FALSE(cfg.ok()) << c.text;
    EXPECT_NE(cfg.status().message().find(c.expect), std::string::npos)
        << "input:\n" << c.text << "\nmessage: " << cfg.status().message();
    EXPECT_EQ(cfg.status().message().rfind("lakewatch.yaml", 0), 0u) << cfg.status().message();
  }
  EXPECT_EQ(LoadConfig("/nonexistent/lakewatch.yaml").status().code(), StatusCode::kNotFound);
}

TEST(Granularity, WindowsAlignToTheEpochAndToMonths) {
  constexpr int64_t kHour = int64_t{3600} * 1000000;
  constexpr int64_t kDay = 24 * kHour;
  auto h = ParseGranularity("1h");
  ASSERT_TRUE(h.ok());
  const int64_t t = DaysFromCivil(2025, 11, 24) * kDay + 16 * kHour + 59 * 60 * int64_t{1000000};
  EXPECT_EQ(h->Start(t), DaysFromCivil(2025, 11, 24) * kDay + 16 * kHour);
  EXPECT_EQ(h->End(h->Start(t)), h->Start(t) + kHour);
  EXPECT_EQ(h->Start(-1), -kHour);  // before the epoch: floor, not truncation
  auto w = ParseGranularity("7d");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->Start(t) % (7 * kDay), 0);
  auto mo = ParseGranularity("1mo");
  ASSERT_TRUE(mo.ok());
  EXPECT_EQ(mo->Start(t), DaysFromCivil(2025, 11, 1) * kDay);
  EXPECT_EQ(mo->End(mo->Start(t)), DaysFromCivil(2025, 12, 1) * kDay);
  EXPECT_EQ(mo->End(DaysFromCivil(2025, 12, 1) * kDay), DaysFromCivil(2026, 1, 1) * kDay);
  auto q = ParseGranularity("3mo");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->Start(t), DaysFromCivil(2025, 10, 1) * kDay);
  EXPECT_EQ(q->End(q->Start(t)), DaysFromCivil(2026, 1, 1) * kDay);
  EXPECT_EQ(q->Start(DaysFromCivil(1969, 12, 31) * kDay), DaysFromCivil(1969, 10, 1) * kDay);
  EXPECT_TRUE(ParseGranularity("all")->all());
  EXPECT_EQ(ParseGranularity("15m")->micros, 15 * 60 * int64_t{1000000});
}

}  // namespace
}  // namespace lakewatch::monitor
