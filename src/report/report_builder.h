// BuildReport: gathers what `lakewatch report` shows about one model into a
// ReportData — the figures of monitor_metrics (newest computation of each
// window), distributions baseline vs current read from the model's events,
// log templates from its logs table and resource samples from theirs (both
// optional, `logs:` and `resource_samples:` in lakewatch.yaml) — and writes
// the findings: short sentences on what changed, most important first.
//
//   auto data = report::BuildReport(config, "fraud-detector", {.data_dir = dir});
//   std::string html = report::RenderHtml(*data);
//
// Run `monitor run` first: without monitor_metrics rows for the model the
// report is refused (NotFound) with a message saying so.
// Thread-safety: none needed; reads tables at their current versions.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "monitor/config.h"
#include "report/report_data.h"

namespace lakewatch::report {

struct ReportOptions {
  std::string data_dir;
  std::string config_path;      // shown in the report
  int threads = 0;              // 0: all cores
  size_t top_features = 4;      // distributions shown for the most drifted features
  size_t max_templates = 15;    // log templates listed
  int64_t generated_at = 0;     // µs; 0: now
};

Result<ReportData> BuildReport(const monitor::MonitorConfig& config, const std::string& model,
                               const ReportOptions& options);

}  // namespace lakewatch::report
