// RunDemo: `lakewatch demo` — the main job end to end. Simulates a production
// history of two models (simulate.h), ingests every file through the real
// ingestion path into Delta tables, writes a commented lakewatch.yaml for them,
// runs the monitors, writes one HTML report per model and returns what a
// terminal summary needs.
//
//   <out>/raw/               the simulated files (JSON lines, logfmt, text logs)
//   <out>/data/              the data directory: one Delta table per file, monitor_metrics
//   <out>/lakewatch.yaml     the monitors' configuration (commented)
//   <out>/report.html        the fraud detector's report
//   <out>/report-eta-regressor.html
//
// Thread-safety: one run per output directory.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "demo/simulate.h"
#include "monitor/runner.h"
#include "report/report_data.h"

namespace lakewatch::demo {

struct DemoOptions {
  int64_t events = 1'000'000;  // fraud-detector predictions (the other streams scale with it)
  std::string out = "lakewatch-demo";
  uint64_t seed = 42;
  int threads = 0;  // 0: all cores
  // Called at each step ("ingest fraud_predictions: 1,000,000 rows in 6.1 s").
  std::function<void(const std::string&)> progress;
};

struct DemoStep {
  std::string name;
  double seconds = 0;
  int64_t rows = 0;
};

struct DemoResult {
  std::string out_dir, raw_dir, data_dir, config_path;
  Scenario scenario;
  SimulationFiles files;
  std::vector<DemoStep> steps;
  monitor::RunSummary monitor;
  std::vector<std::pair<std::string, std::string>> reports;  // model, path
  std::vector<report::ReportData> report_data;               // per model, same order
  int64_t events_ingested = 0;
  double seconds = 0;
};

Result<DemoResult> RunDemo(const DemoOptions& options);

// The lakewatch.yaml the demo writes for a scenario (tables as RunDemo names them).
std::string DemoConfig(const Scenario& scenario);

// The short terminal summary: what was found (which version, which features
// drifted, which windows degraded, which new error templates appeared), where
// the report and the data are, and three SQL queries to try next.
std::string DemoSummary(const DemoResult& result, bool color);

}  // namespace lakewatch::demo
