#include "monitor/metrics/regression_metrics.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <vector>

#include "monitor/metrics/compensated_sum.h"
#include "monitor/metrics/input_check.h"

namespace lakewatch::monitor::metrics {
namespace {

struct ErrorQuantile {
  const char* metric;
  double q;
};
constexpr ErrorQuantile kErrorQuantiles[] = {
    {"error_p50", 0.5}, {"error_p90", 0.9}, {"error_p95", 0.95}, {"error_p99", 0.99}};

// r2_score's denominator Σ (y − ȳ)². A constant y_true gives exactly 0 — sklearn's mean of
// copies of 0.1 is not exactly 0.1, which leaves a rounding residue where 0 is meant; the
// convention below (docs) is applied to the exact value.
double TotalSumOfSquares(std::span<const double> y_true) {
  const bool constant =
      std::all_of(y_true.begin(), y_true.end(), [&](double y) { return y == y_true[0]; });
  if (constant) return 0.0;
  CompensatedSum sum;
  for (const double y : y_true) sum.Add(y);
  const double mean = sum.value() / static_cast<double>(y_true.size());
  CompensatedSum squares;
  for (const double y : y_true) squares.Add((y - mean) * (y - mean));
  return squares.value();
}

// sklearn's force_finite convention: a perfect fit scores 1, an imperfect fit of a constant
// target scores 0.
double R2(double residual_squares, double total_squares) {
  if (residual_squares == 0.0) return 1.0;
  if (total_squares == 0.0) return 0.0;
  return 1.0 - residual_squares / total_squares;
}

}  // namespace

double LinearQuantile(std::span<double> values, double q) {
  assert(!values.empty() && q >= 0.0 && q <= 1.0);
  const size_t n = values.size();
  const double virtual_index = static_cast<double>(n - 1) * q;
  const double below = std::floor(virtual_index);
  const auto lo = static_cast<size_t>(below);
  const size_t hi = std::min(lo + 1, n - 1);
  std::nth_element(values.begin(), values.begin() + lo, values.end());
  const double a = values[lo];
  const double b = hi == lo ? a : *std::min_element(values.begin() + hi, values.end());
  const double t = virtual_index - below;
  // numpy's _lerp: a + (b − a)·t, but b − (b − a)·(1 − t) once t >= 0.5.
  const double diff = b - a;
  return t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;
}

Result<Figures> RegressionMetrics(std::span<const double> y_true, std::span<const double> y_pred) {
  LW_RETURN_IF_ERROR(CheckLength("y_pred", y_pred.size(), y_true.size()));
  LW_RETURN_IF_ERROR(CheckFinite("y_true", y_true));
  LW_RETURN_IF_ERROR(CheckFinite("y_pred", y_pred));
  const auto n = static_cast<int64_t>(y_true.size());
  const auto rows = static_cast<double>(n);
  Figures out;
  out.push_back({"count", "", rows, n});
  if (n == 0) return out;

  std::vector<double> abs_error(y_true.size());
  CompensatedSum error, absolute, squared, percentage;
  for (size_t i = 0; i < y_true.size(); ++i) {
    const double e = y_pred[i] - y_true[i];
    abs_error[i] = std::fabs(e);
    error.Add(e);
    absolute.Add(abs_error[i]);
    squared.Add(e * e);
    percentage.Add(abs_error[i] / std::max(std::fabs(y_true[i]), kMapeEps));
  }
  const double mse = squared.value() / rows;
  out.push_back({"mae", "", absolute.value() / rows, n});
  out.push_back({"mse", "", mse, n});
  out.push_back({"rmse", "", std::sqrt(mse), n});
  out.push_back({"mape", "", percentage.value() / rows, n});
  if (n >= 2) out.push_back({"r2", "", R2(squared.value(), TotalSumOfSquares(y_true)), n});
  out.push_back({"mean_error", "", error.value() / rows, n});
  for (const ErrorQuantile& eq : kErrorQuantiles) {
    out.push_back({eq.metric, "", LinearQuantile(abs_error, eq.q), n});
  }
  return out;
}

}  // namespace lakewatch::monitor::metrics
