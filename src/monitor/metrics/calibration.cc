#include "monitor/metrics/calibration.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "monitor/metrics/compensated_sum.h"
#include "monitor/metrics/input_check.h"

namespace lakewatch::monitor::metrics {

Result<CalibrationTable> Calibrate(std::span<const uint8_t> y_true, std::span<const double> score,
                                   int bins) {
  LW_RETURN_IF_ERROR(CheckLength("score", score.size(), y_true.size()));
  LW_RETURN_IF_ERROR(CheckZeroOne("y_true", y_true));
  LW_RETURN_IF_ERROR(CheckProbabilities("score", score));
  if (bins < 1 || bins > kMaxCalibrationBins) {
    return Status::InvalidArgument(
        fmt::format("calibration bins = {}: expected 1 to {}", bins, kMaxCalibrationBins));
  }
  // numpy.linspace(0, 1, bins + 1): k · (1 / bins), the last edge set to exactly 1.
  const double step = 1.0 / bins;
  std::vector<double> edges(bins + 1);
  for (int k = 0; k <= bins; ++k) edges[k] = k * step;
  edges[bins] = 1.0;

  std::vector<int64_t> count(bins, 0);
  std::vector<int64_t> positives(bins, 0);
  std::vector<CompensatedSum> score_sum(bins);
  const auto interior_begin = edges.begin() + 1;
  const auto interior_end = edges.end() - 1;
  for (size_t i = 0; i < score.size(); ++i) {
    const auto bin = std::lower_bound(interior_begin, interior_end, score[i]) - interior_begin;
    ++count[bin];
    positives[bin] += y_true[i];
    score_sum[bin].Add(score[i]);
  }

  CalibrationTable table;
  table.n = static_cast<int64_t>(score.size());
  CompensatedSum ece;
  for (int k = 0; k < bins; ++k) {
    if (count[k] == 0) continue;
    CalibrationBin b;
    b.index = k;
    b.lower = edges[k];
    b.upper = edges[k + 1];
    b.count = count[k];
    const auto rows = static_cast<double>(count[k]);
    b.mean_score = score_sum[k].value() / rows;
    b.positive_rate = static_cast<double>(positives[k]) / rows;
    ece.Add(rows / static_cast<double>(table.n) * std::fabs(b.positive_rate - b.mean_score));
    table.bins.push_back(b);
  }
  table.expected_calibration_error = ece.value();
  return table;
}

Figures CalibrationFigures(const CalibrationTable& table) {
  Figures out;
  for (const CalibrationBin& b : table.bins) {
    // %g keeps edges readable (0.3, not 0.30000000000000004); the bins' order is by index.
    const std::string column = fmt::format("bin={:g}-{:g}", b.lower, b.upper);
    out.push_back({"calibration_positive_rate", column, b.positive_rate, b.count});
    out.push_back({"calibration_mean_score", column, b.mean_score, b.count});
  }
  if (table.n > 0) out.push_back({"ece", "", table.expected_calibration_error, table.n});
  return out;
}

}  // namespace lakewatch::monitor::metrics
