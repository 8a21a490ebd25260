// RenderHtml: a model report (report_data.h) as one self-contained HTML5 page —
// inline CSS, inline SVG charts, no script libraries, fonts or network
// references of any kind, so it reads offline, prints, and can be attached to a
// ticket. A few lines of inline script only enhance it (styled tooltips, open
// examples when printing); without script every figure is still there (SVG
// <title> tooltips, <details> examples).
//
// What the page promises to its readers and to tests:
// - Sections, each `<section id=… >` with an <h2>, in this order: summary,
//   performance, drift, distributions, quality, operations, logs, alarms. A
//   section with nothing to show carries data-empty="true" and says why.
// - Data-bearing SVG elements have stable classes: `path.series` (one per
//   Series with at least one finite value), `path.threshold`, `.point`
//   (series markers), `circle.alarm-point` (every alarm point kept),
//   `.anomaly-point`, `rect.cell` (one per DriftCell), `.alarm-mark` (one per
//   alarmed drift cell), `rect.bar` (two per DistributionBin: baseline, then
//   current).
// - Units: a MetricChart's values are in its unit as given ("%": percentages,
//   12.5 is 12.5%). Shares elsewhere (label coverage, missing rates, bin
//   shares) are in [0, 1] and shown as percentages; so are alarm figures whose
//   metric is charted in "%" (monitor_metrics keeps rates as shares).
//   Non-finite values are absent (a gap in a line, "–" in a table), never
//   "nan" or "inf".
// - Line series over ~2,000 points per chart are thinned (the minimum and
//   maximum of each bucket, and every alarm and anomaly point, are kept).
// - Alarms are listed newest first, at most 200; the rest are counted.
// - The output depends only on `data` (the time shown is data.generated_at).
//
// Thread-safety: a pure function.
#pragma once

#include <string>

#include "report/report_data.h"

namespace lakewatch::report {

std::string RenderHtml(const ReportData& data);

}  // namespace lakewatch::report
