// `lakewatch report --model M [--config lakewatch.yaml] --out report.html`: one
// self-contained HTML page about a model, from monitor_metrics and its tables
// (docs/report.md).
#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <memory>

#include "cli/commands.h"
#include "monitor/config.h"
#include "report/html.h"
#include "report/report_builder.h"

namespace lakewatch::cli {

namespace {

struct ReportArgs {
  std::string config = "lakewatch.yaml";
  std::string model;
  std::string out = "report.html";
  int threads = 0;
};

Status RunReportCommand(const GlobalOptions& g, const ReportArgs& a) {
  LW_ASSIGN_OR_RETURN(monitor::MonitorConfig config, monitor::LoadConfig(a.config));
  report::ReportOptions o;
  o.data_dir = g.data_dir;
  o.config_path = a.config;
  o.threads = a.threads;
  LW_ASSIGN_OR_RETURN(report::ReportData data, report::BuildReport(config, a.model, o));
  data.lakewatch_version = LAKEWATCH_VERSION;
  const std::string html = report::RenderHtml(data);
  std::ofstream f(a.out, std::ios::binary);
  f << html;
  f.close();
  if (!f) return Status::IOError("cannot write " + a.out);
  std::printf("report: %s (%s, %lld events, %lld alarms, %.0f KB)\n", a.out.c_str(), data.model.c_str(),
              static_cast<long long>(data.events), static_cast<long long>(data.alarm_count),
              static_cast<double>(html.size()) / 1024);
  for (const std::string& line : data.findings) std::printf("  - %s\n", line.c_str());
  return Status::OK();
}

}  // namespace

void RegisterReportCommand(CLI::App* app, const GlobalOptions* global, Handler* handler) {
  auto a = std::make_shared<ReportArgs>();
  CLI::App* cmd = app->add_subcommand("report", "write a model's report: one self-contained HTML file");
  cmd->add_option("--model", a->model, "the model (a name in the configuration)")->required();
  cmd->add_option("--config", a->config, "the configuration (default lakewatch.yaml)");
  cmd->add_option("--out", a->out, "the HTML file to write (default report.html)");
  cmd->add_option("--threads", a->threads, "worker threads (default: all cores)");
  cmd->callback([a, global, handler] { *handler = [a, global] { return RunReportCommand(*global, *a); }; });
}

}  // namespace lakewatch::cli
