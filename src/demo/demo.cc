#include "demo/demo.h"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "common/json_format.h"
#include "common/time.h"
#include "ingest/ingester.h"
#include "monitor/config.h"
#include "report/html.h"
#include "report/report_builder.h"
#include "report/text.h"

namespace lakewatch::demo {
namespace {

namespace fs = std::filesystem;

// A file in the output directory marks it as the demo's: only such a directory
// (or an empty or new one) is cleared before a run.
constexpr const char* kMarker = ".lakewatch-demo";

double Since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

Status PrepareOutput(const std::string& out) {
  std::error_code ec;
  if (fs::exists(out, ec)) {
    if (!fs::is_directory(out, ec)) return Status::InvalidArgument("--out " + out + " exists and is not a directory");
    const bool empty = fs::is_empty(out, ec);
    if (!empty && !fs::exists(fs::path(out) / kMarker, ec)) {
      return Status::InvalidArgument("--out " + out +
                                     " is a non-empty directory that a demo did not create; choose another "
                                     "(the demo clears its output directory before it runs)");
    }
    for (const auto& entry : fs::directory_iterator(out, ec)) fs::remove_all(entry.path(), ec);
    if (ec) return Status::IOError("cannot clear " + out + ": " + ec.message());
  }
  fs::create_directories(fs::path(out) / "raw", ec);
  if (ec) return Status::IOError("cannot create " + out + "/raw: " + ec.message());
  std::ofstream marker(fs::path(out) / kMarker);
  marker << "created by `lakewatch demo`; cleared by the next demo run with this --out\n";
  if (!marker) return Status::IOError("cannot write " + out + "/" + kMarker);
  return Status::OK();
}

Status WriteText(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  f.close();
  if (!f) return Status::IOError("cannot write " + path);
  return Status::OK();
}

// What the simulator injected, for scripts and tests (times as RFC 3339 and µs).
std::string ScenarioJson(const Scenario& s, const SimulationFiles& f) {
  std::string out = "{";
  auto key = [&](const char* k) {
    if (out.size() > 1) out += ",\n ";
    AppendJsonString(k, &out);
    out += ": ";
  };
  auto str = [&](const char* k, const std::string& v) {
    key(k);
    AppendJsonString(v, &out);
  };
  auto time = [&](const char* k, int64_t v) {
    str(k, FormatTimestampMicros(v));
    key((std::string(k) + "_micros").c_str());
    out += std::to_string(v);
  };
  auto list = [&](const char* k, const std::vector<std::string>& v) {
    key(k);
    out += '[';
    for (size_t i = 0; i < v.size(); ++i) {
      if (i > 0) out += ", ";
      AppendJsonString(v[i], &out);
    }
    out += ']';
  };
  auto num = [&](const char* k, int64_t v) {
    key(k);
    out += std::to_string(v);
  };
  str("fraud_model", s.fraud_model);
  str("eta_model", s.eta_model);
  time("start", s.start);
  time("end", s.end);
  time("rollout_start", s.rollout_start);
  time("rollout_full", s.rollout_full);
  time("drift_start", s.drift_start);
  time("drift_full", s.drift_full);
  time("missing_full", s.missing_full);
  time("storm_end", s.storm_end);
  str("old_version", s.old_version);
  str("new_version", s.new_version);
  list("drifted_features", s.drifted_features);
  list("eta_drifted_features", s.eta_drifted_features);
  str("degraded_slice", s.degraded_slice);
  str("eta_degraded_slice", s.eta_degraded_slice);
  str("new_error_pattern", s.new_error_pattern);
  num("fraud_predictions", f.fraud_prediction_count);
  num("fraud_labels", f.fraud_label_count);
  num("eta_predictions", f.eta_prediction_count);
  num("eta_labels", f.eta_label_count);
  num("resource_samples", f.resource_count);
  num("log_records", f.log_record_count);
  num("feedback", f.feedback_count);
  num("cuda_oom_errors", s.cuda_oom_errors);
  return out + "}\n";
}

struct TableSource {
  const char* table;
  const std::string* file;
  const char* format;
};

}  // namespace

std::string DemoConfig(const Scenario& s) {
  const std::string base_from = FormatTimestampMicros(s.start);
  const std::string base_to = FormatTimestampMicros(s.start + int64_t{2} * 24 * 3600 * 1000000);
  return fmt::format(
      R"yaml(# lakewatch.yaml — written by `lakewatch demo`. The monitors of the two simulated models;
# every key is documented in docs/monitoring.md. Edit it and run
#   lakewatch --data data monitor run --config lakewatch.yaml
#   lakewatch --data data report --model fraud-detector --config lakewatch.yaml --out report.html
models:
  # A binary classifier scoring card payments. Its predictions are one JSON event each;
  # the ground truth (chargebacks) arrives hours to days later in another table.
  - name: fraud-detector
    table: fraud_predictions          # Delta table under the data directory
    timestamp: timestamp
    version: model.version            # version 2, then version 3 (canary, then everyone)
    id: request_id
    prediction: prediction.label
    score: prediction.score           # ROC AUC, PR AUC, log loss, calibration
    problem: binary
    labels: {{table: fraud_labels, id: request_id, label: label}}   # late labels, joined on the id
    features: [features.amount, features.age, features.account_age_days,
               features.country, features.device, features.merchant_category]
    slices: [features.country]        # every figure also per country (the 10 largest) ...
    slice_windows: [1d, all]          # ... in daily windows (an hour per country is too few rows)
    # The reference the drift tests compare with: the first two days, before any change.
    baseline: {{from: "{base_from}", to: "{base_to}"}}
    windows: [1h, 1d, all]            # hourly and daily windows, and each version's whole history
    drift: {{method: auto, share: 0.5}} # Evidently's default test per feature; dataset drift at half
    thresholds:
      accuracy: {{drop: 0.05}}          # alarm when 5 points below the baseline
      roc_auc: {{drop: 0.05}}
      error_rate: {{rise: 0.01}}
    # Operations: latency_ms and the error field of each event (defaults), plus the
    # serving hosts' resource samples (logfmt, a table of their own).
    resource_samples:
      table: resources
      version: "CAST(version AS STRING)"
      filter: "model = 'fraud-detector'"
      columns: [cpu_pct, mem_mb, gpu_util, gpu_mem_mb]
    # Application logs (text, templates mined at ingest): the version is in the thread name.
    logs:
      table: app_logs
      version: "regexp_extract(thread, '-v([0-9]+)$', 1)"
      filter: "thread LIKE 'fraud-detector-%'"

  # A regressor estimating delivery times (minutes); the actual time arrives as a logfmt
  # line when the delivery completes.
  - name: eta-regressor
    table: eta_predictions
    prediction: prediction.value
    problem: regression
    labels: {{table: eta_labels, id: request_id, label: actual_minutes}}
    features: {{numeric: [features.distance_km, features.traffic_index, features.hour],
               categorical: [features.weather]}}
    slices: [features.weather]
    slice_windows: [1d, all]
    baseline: {{from: "{base_from}", to: "{base_to}"}}
    windows: [1h, 1d, all]
    thresholds:
      mae: {{rise: 1.0}}                # minutes above the baseline's MAE
      rmse: {{rise: 1.5}}
    resource_samples:
      table: resources
      version: "CAST(version AS STRING)"
      filter: "model = 'eta-regressor'"
      columns: [cpu_pct, mem_mb]
    logs:
      table: app_logs
      version: "regexp_extract(thread, '-v([0-9]+)$', 1)"
      filter: "thread LIKE 'eta-regressor-%'"
)yaml",
      fmt::arg("base_from", base_from), fmt::arg("base_to", base_to));
}

Result<DemoResult> RunDemo(const DemoOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  auto say = [&](const std::string& line) {
    if (options.progress) options.progress(line);
  };
  if (options.events < 1000) return Status::InvalidArgument("--events must be at least 1000");
  DemoResult r;
  r.out_dir = options.out;
  r.raw_dir = (fs::path(options.out) / "raw").string();
  r.data_dir = (fs::path(options.out) / "data").string();
  r.config_path = (fs::path(options.out) / "lakewatch.yaml").string();
  LW_RETURN_IF_ERROR(PrepareOutput(options.out));

  // 1. Simulate.
  auto t = std::chrono::steady_clock::now();
  SimulationOptions so;
  so.events = options.events;
  so.seed = options.seed;
  so.threads = options.threads;
  LW_ASSIGN_OR_RETURN(r.files, Simulate(so, r.raw_dir, &r.scenario));
  const int64_t simulated = r.files.fraud_prediction_count + r.files.fraud_label_count +
                            r.files.eta_prediction_count + r.files.eta_label_count + r.files.resource_count +
                            r.files.log_record_count + r.files.feedback_count;
  r.steps.push_back({"simulate", Since(t), simulated});
  LW_RETURN_IF_ERROR(WriteText((fs::path(options.out) / "scenario.json").string(), ScenarioJson(r.scenario, r.files)));
  say(fmt::format("simulated {} records in {:.1f} s ({})", report::GroupThousands(simulated), Since(t), r.raw_dir));

  // 2. Ingest, through the real path, one table per file.
  const TableSource sources[] = {
      {"fraud_predictions", &r.files.fraud_predictions, "jsonl"},
      {"fraud_labels", &r.files.fraud_labels, "jsonl"},
      {"eta_predictions", &r.files.eta_predictions, "jsonl"},
      {"eta_labels", &r.files.eta_labels, "logfmt"},
      {"resources", &r.files.resources, "logfmt"},
      {"app_logs", &r.files.app_logs, "text"},
      {"feedback", &r.files.feedback, "jsonl"},
  };
  for (const TableSource& src : sources) {
    t = std::chrono::steady_clock::now();
    ingest::IngestOptions io;
    io.table_path = (fs::path(r.data_dir) / src.table).string();
    io.table_name = src.table;
    io.format = src.format;
    io.threads = options.threads;
    LW_ASSIGN_OR_RETURN(ingest::IngestSummary s, ingest::Ingest({*src.file}, io));
    if (s.quarantined > 0) {
      return Status::Internal(fmt::format("demo: {} records of {} were quarantined (the simulator wrote records "
                                          "the ingest refused; see the table {})",
                                          s.quarantined, *src.file, s.quarantine_table));
    }
    r.events_ingested += s.rows;
    r.steps.push_back({std::string("ingest ") + src.table, Since(t), s.rows});
    say(fmt::format("ingested {} ({}): {} rows in {:.1f} s", src.table, src.format, report::GroupThousands(s.rows), Since(t)));
  }

  // 3. The configuration, then the monitors.
  LW_RETURN_IF_ERROR(WriteText(r.config_path, DemoConfig(r.scenario)));
  LW_ASSIGN_OR_RETURN(monitor::MonitorConfig config, monitor::LoadConfig(r.config_path));
  t = std::chrono::steady_clock::now();
  monitor::RunOptions ro;
  ro.data_dir = r.data_dir;
  ro.threads = options.threads;
  ro.full = true;
  LW_ASSIGN_OR_RETURN(r.monitor, monitor::RunMonitors(config, ro));
  int64_t figures = 0;
  for (const monitor::ModelRunSummary& m : r.monitor.models) figures += m.figures;
  r.steps.push_back({"monitor run", Since(t), figures});
  say(fmt::format("monitor run: {} figures in {:.1f} s", report::GroupThousands(figures), Since(t)));

  // 4. The reports.
  for (const monitor::ModelConfig& m : config.models) {
    t = std::chrono::steady_clock::now();
    report::ReportOptions ro2;
    ro2.data_dir = r.data_dir;
    ro2.config_path = r.config_path;
    ro2.threads = options.threads;
    LW_ASSIGN_OR_RETURN(report::ReportData data, report::BuildReport(config, m.name, ro2));
    const std::string path =
        (fs::path(options.out) / (m.name == "fraud-detector" ? "report.html" : "report-" + m.name + ".html")).string();
    LW_RETURN_IF_ERROR(WriteText(path, report::RenderHtml(data)));
    r.reports.emplace_back(m.name, path);
    r.report_data.push_back(std::move(data));
    r.steps.push_back({"report " + m.name, Since(t), 0});
    say(fmt::format("report {}: {} in {:.1f} s", m.name, path, Since(t)));
  }
  r.seconds = Since(start);
  return r;
}

std::string DemoSummary(const DemoResult& r, bool color) {
  const char* bold = color ? "\033[1m" : "";
  const char* red = color ? "\033[31m" : "";
  const char* dim = color ? "\033[2m" : "";
  const char* reset = color ? "\033[0m" : "";
  std::string out;
  out += fmt::format("\n{}lakewatch demo{} — {} events simulated, ingested and monitored in {:.0f} s\n\n", bold, reset,
                     report::GroupThousands(r.events_ingested), r.seconds);
  for (const report::ReportData& d : r.report_data) {
    out += fmt::format("{}{}{} ({}, {} events, {} alarms)\n", bold, d.model, reset, d.problem, report::GroupThousands(d.events),
                       report::GroupThousands(d.alarm_count));
    for (const std::string& f : d.findings) out += fmt::format("  {}•{} {}\n", red, reset, f);
    out += "\n";
  }
  out += fmt::format("{}Reports{}\n", bold, reset);
  for (const auto& [model, path] : r.reports) out += fmt::format("  {:<16} {}\n", model, path);
  out += fmt::format("{}Data{}      {} (Delta tables; monitor figures in monitor_metrics)\n", bold, reset, r.data_dir);
  out += fmt::format("{}Config{}    {}\n\n", bold, reset, r.config_path);
  const std::string q = fmt::format("lakewatch --data {} query", r.data_dir);
  out += fmt::format("{}Try next{}\n", bold, reset);
  out += fmt::format(
      "  {}# accuracy per version and day, from the monitor's own table{}\n"
      "  {} \"SELECT version, date_trunc('day', window_start) AS day, round(value, 3) AS accuracy "
      "FROM monitor_metrics WHERE model = 'fraud-detector' AND metric = 'accuracy' AND granularity = '1d' "
      "AND slice = '' ORDER BY day, version\"\n",
      dim, reset, q);
  out += fmt::format(
      "  {}# every log line of the new error, newest first (full-text search){}\n"
      "  {} \"SELECT timestamp, thread, message FROM app_logs WHERE match(message, '{}') "
      "ORDER BY timestamp DESC LIMIT 5\"\n",
      dim, reset, q, r.scenario.new_error_pattern);
  out += fmt::format(
      "  {}# the degraded segment: version 3 against version 2 on Brazilian payments{}\n"
      "  {} \"SELECT p.model.version AS version, count(*) AS n, avg(CASE WHEN p.prediction.label = l.label "
      "THEN 1.0 ELSE 0.0 END) AS accuracy FROM fraud_predictions p JOIN fraud_labels l ON p.request_id = "
      "l.request_id WHERE p.features.country = 'BR' GROUP BY 1 ORDER BY 1\"\n",
      dim, reset, q);
  return out;
}

}  // namespace lakewatch::demo
