// SampleReport: a realistic, deterministic ReportData for tests and for
// looking at the rendered page without running a monitor: a binary fraud
// classifier over 14 days (2025-11-03 – 2025-11-16, UTC), version 2 throughout
// and version 3 as a canary from Nov 10 whose accuracy falls; drift on 3 of 6
// features (daily and hourly heatmaps), a rising missing rate, latency, error
// rate, throughput and resources per version, 6 log templates (one new, with a
// Python traceback example) and about 40 alarms.
//
// Thread-safety: a pure function.
#pragma once

#include "report/report_data.h"

namespace lakewatch::report {

ReportData SampleReport();

}  // namespace lakewatch::report
