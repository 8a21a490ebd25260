// `lakewatch monitor run [--config lakewatch.yaml] [--model M] [--full]`: runs
// the monitors of the configuration and appends their figures to the
// monitor_metrics table (docs/monitoring.md).
#include <fmt/format.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/row_output.h"
#include "common/json_format.h"
#include "monitor/config.h"
#include "monitor/runner.h"

namespace lakewatch::cli {

namespace {

struct MonitorArgs {
  std::string config = "lakewatch.yaml";
  std::string model;
  std::string format;
  int threads = 0;
  bool full = false;
  bool approximate = false;
  bool quiet = false;
};

std::string SummaryJson(const monitor::RunSummary& s) {
  std::string out = fmt::format("{{\"seconds\":{:.3f},\"metrics_version\":{},\"models\":[", s.seconds,
                                s.metrics_version);
  for (size_t i = 0; i < s.models.size(); ++i) {
    const monitor::ModelRunSummary& m = s.models[i];
    if (i > 0) out += ',';
    out += "{\"model\":";
    AppendJsonString(m.model, &out);
    out += fmt::format(
        ",\"rows\":{},\"source_version\":{},\"windows\":{},\"windows_computed\":{},\"figures\":{},\"alarms\":{},"
        "\"alarm_lines\":[",
        m.rows, m.source_version, m.windows, m.windows_computed, m.figures, m.alarms);
    for (size_t j = 0; j < m.alarm_lines.size(); ++j) {
      if (j > 0) out += ',';
      AppendJsonString(m.alarm_lines[j], &out);
    }
    out += "]}";
  }
  return out + "]}";
}

Status RunMonitorCommand(const GlobalOptions& g, const MonitorArgs& a) {
  if (a.format != "json" && a.format != "table" && a.format != "text" && !a.format.empty()) {
    return Status::InvalidArgument("--format must be table or json (the summary), not '" + a.format + "'");
  }
  LW_ASSIGN_OR_RETURN(monitor::MonitorConfig config, monitor::LoadConfig(a.config));
  monitor::RunOptions o;
  o.data_dir = g.data_dir;
  o.model = a.model;
  o.threads = a.threads;
  o.full = a.full;
  o.approximate = a.approximate;
  const bool tty = !a.quiet && ::isatty(STDERR_FILENO) != 0;
  if (tty) {
    o.progress = [](const std::string& line) { std::fprintf(stderr, "\r%-100.100s", line.c_str()); };
  }
  auto result = monitor::RunMonitors(config, o);
  if (tty) std::fprintf(stderr, "\r%-100s\r", "");
  if (!result.ok()) return result.status();
  const monitor::RunSummary& s = *result;
  if (a.format == "json") {
    std::printf("%s\n", SummaryJson(s).c_str());
    return Status::OK();
  }
  // One row per model, as a table; then the first alarms of each.
  Schema schema;
  for (const char* name : {"model", "events", "table_version", "windows", "computed", "figures", "alarms"}) {
    schema.fields.push_back(Field{name, std::string(name) == "model" ? DataType::String() : DataType::Int64(), false, ""});
  }
  RecordBatch batch = RecordBatch::Empty(schema);
  for (const monitor::ModelRunSummary& m : s.models) {
    batch.columns[0]->AppendString(m.model);
    batch.columns[1]->Append<int64_t>(m.rows);
    batch.columns[2]->Append<int64_t>(m.source_version);
    batch.columns[3]->Append<int64_t>(m.windows);
    batch.columns[4]->Append<int64_t>(m.windows_computed);
    batch.columns[5]->Append<int64_t>(m.figures);
    batch.columns[6]->Append<int64_t>(m.alarms);
    ++batch.num_rows;
  }
  RowOutput out(RowFormat::kTable, stdout);
  out.Write(batch);
  out.Finish();
  for (const monitor::ModelRunSummary& m : s.models) {
    for (const std::string& line : m.alarm_lines) std::printf("alarm: %s\n", line.c_str());
    if (m.alarms > static_cast<int64_t>(m.alarm_lines.size())) {
      std::printf("… and %lld more alarms of %s (SELECT * FROM monitor_metrics WHERE alarm)\n",
                  static_cast<long long>(m.alarms - static_cast<int64_t>(m.alarm_lines.size())), m.model.c_str());
    }
  }
  std::printf("monitor run: %.2f s%s\n", s.seconds,
              s.metrics_version >= 0 ? fmt::format(", monitor_metrics version {}", s.metrics_version).c_str()
                                     : ", nothing new to compute");
  return Status::OK();
}

}  // namespace

void RegisterMonitorCommand(CLI::App* app, const GlobalOptions* global, Handler* handler) {
  auto a = std::make_shared<MonitorArgs>();
  CLI::App* monitor = app->add_subcommand("monitor", "model monitors (performance, drift, data quality, operations)");
  monitor->require_subcommand(1);
  CLI::App* run = monitor->add_subcommand("run", "compute the monitors' figures into the monitor_metrics table");
  run->add_option("--config", a->config, "the configuration (default lakewatch.yaml)");
  run->add_option("--model", a->model, "only this model");
  run->add_flag("--full", a->full, "recompute every window, not only new or changed ones");
  run->add_flag("--approximate", a->approximate, "feature drift from mergeable sketches (as approximate: true)");
  run->add_option("--threads", a->threads, "worker threads (default: all cores)");
  run->add_flag("--quiet", a->quiet, "no progress line");
  run->add_option("--format", a->format, "summary format: table (default) or json");
  run->callback([a, global, handler] { *handler = [a, global] { return RunMonitorCommand(*global, *a); }; });
}

}  // namespace lakewatch::cli
