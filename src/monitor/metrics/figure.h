// Figure: one named performance figure of one window, the (metric, column, value, n) part of a
// row of the monitor_metrics table (DESIGN.md, "Monitor results"). The vocabulary of metric
// names and what `column` holds for each is documented in docs/performance-metrics.md.
//
// Thread-safety: a plain value.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lakewatch::monitor::metrics {

struct Figure {
  std::string metric;  // e.g. "accuracy", "roc_auc", "precision_macro", "error_p95"
  std::string column;  // '' for model-level figures; the class label, score bin or confusion cell
  double value = 0;
  int64_t n = 0;  // rows behind the figure: the rows its denominator counts
};

using Figures = std::vector<Figure>;

}  // namespace lakewatch::monitor::metrics
