#include "monitor/metrics/significance.h"

#include <fmt/format.h>

#include <boost/math/special_functions/erf.hpp>
#include <cmath>
#include <limits>
#include <string>

#include "monitor/metrics/input_check.h"
#include "monitor/metrics/score_ranking.h"

namespace lakewatch::monitor::metrics {
namespace {

// z and its two-sided p-value from a difference and the variance of that difference.
ChangeTest Standardise(double baseline, double current, double variance) {
  ChangeTest t;
  t.baseline = baseline;
  t.current = current;
  const double difference = current - baseline;
  if (variance > 0.0) {
    t.z = difference / std::sqrt(variance);
  } else if (difference != 0.0) {
    t.z = std::copysign(std::numeric_limits<double>::infinity(), difference);
  }
  t.p_value = std::isinf(t.z) ? 0.0 : boost::math::erfc(std::fabs(t.z) / std::sqrt(2.0));
  return t;
}

Status CheckSample(std::string_view which, int64_t successes, int64_t trials) {
  if (trials <= 0 || successes < 0 || successes > trials) {
    return Status::InvalidArgument(fmt::format(
        "{} sample has {} successes out of {} trials: expected 0 <= successes <= trials, "
        "trials > 0",
        which, successes, trials));
  }
  return Status::OK();
}

}  // namespace

Result<ChangeTest> TwoProportionZTest(int64_t baseline_successes, int64_t baseline_trials,
                                      int64_t current_successes, int64_t current_trials) {
  LW_RETURN_IF_ERROR(CheckSample("baseline", baseline_successes, baseline_trials));
  LW_RETURN_IF_ERROR(CheckSample("current", current_successes, current_trials));
  const auto n1 = static_cast<double>(baseline_trials);
  const auto n2 = static_cast<double>(current_trials);
  const double pooled =
      (static_cast<double>(baseline_successes) + static_cast<double>(current_successes)) /
      (n1 + n2);
  const double variance = pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2);
  return Standardise(static_cast<double>(baseline_successes) / n1,
                     static_cast<double>(current_successes) / n2, variance);
}

Result<AucEstimate> EstimateAuc(std::span<const uint8_t> y_true, std::span<const double> score) {
  LW_RETURN_IF_ERROR(CheckLength("score", score.size(), y_true.size()));
  LW_RETURN_IF_ERROR(CheckZeroOne("y_true", y_true));
  LW_RETURN_IF_ERROR(CheckFinite("score", score));
  const auto ranking =
      ScoreRanking::Build(score.data(), score.size(), 1, [&](size_t i) { return y_true[i] != 0; });
  if (ranking.positives() < 2 || ranking.negatives() < 2) {
    return Status::InvalidArgument(fmt::format(
        "DeLong's AUC variance needs at least 2 positives and 2 negatives, got {} and {}",
        ranking.positives(), ranking.negatives()));
  }
  return AucEstimate{ranking.RocAuc(), ranking.DeLongVariance(), ranking.positives(),
                     ranking.negatives()};
}

ChangeTest DeLongTest(const AucEstimate& baseline, const AucEstimate& current) {
  return Standardise(baseline.auc, current.auc, baseline.variance + current.variance);
}

Figures ChangeFigures(std::string_view metric, const ChangeTest& test, int64_t n) {
  const std::string name(metric);
  Figures out;
  out.push_back({name + "_change", "", test.current - test.baseline, n});
  if (std::isfinite(test.z)) out.push_back({name + "_change_z", "", test.z, n});
  out.push_back({name + "_change_pvalue", "", test.p_value, n});
  return out;
}

}  // namespace lakewatch::monitor::metrics
