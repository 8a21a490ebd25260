// RegressionMetrics: the performance figures of a regression model over one window's labelled
// rows, exact to scikit-learn 1.2.1 / numpy 1.24 (docs/performance-metrics.md).
//
// Figures (model-level, column ''): count, mae, mse, rmse, mape, r2 (n >= 2), mean_error
// (bias: mean of y_pred − y_true), error_p50, error_p90, error_p95, error_p99 (quantiles of the
// absolute error |y_pred − y_true|, numpy's default 'linear' method). An empty window gives only
// count = 0.
//
// Cost: O(n) (quantiles by selection, not sorting); one scratch array of n doubles.
// Thread-safety: pure functions.
#pragma once

#include <span>

#include "common/status.h"
#include "monitor/metrics/figure.h"

namespace lakewatch::monitor::metrics {

// sklearn's mean_absolute_percentage_error divides by max(|y_true|, eps), eps = float64's
// machine epsilon, so a zero target gives a huge but finite term.
inline constexpr double kMapeEps = 2.220446049250313e-16;

// Fails with InvalidArgument on a length mismatch or a non-finite value (naming the row).
Result<Figures> RegressionMetrics(std::span<const double> y_true, std::span<const double> y_pred);

// numpy.quantile(values, q) with the default method='linear' (virtual index (n − 1)·q, and
// numpy's two-sided interpolation formula). Reorders *values. REQUIRES: non-empty, 0 <= q <= 1.
double LinearQuantile(std::span<double> values, double q);

}  // namespace lakewatch::monitor::metrics
