// Calibration: the observed positive rate against the mean predicted probability per score bin
// (sklearn.calibration.calibration_curve, strategy='uniform') and the expected calibration
// error, for calibration drift: a window's table is compared with the baseline's bin by bin.
//
// Bins are numpy.linspace(0, 1, bins + 1); a score s falls in bin #{interior edges e < s}
// (numpy.searchsorted(edges[1:-1], s), side 'left'), so bin 0 is [0, e1], bin k (e_k, e_k+1];
// a score on an edge belongs to the bin below it. Empty bins are left out, as sklearn does.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/status.h"
#include "monitor/metrics/figure.h"

namespace lakewatch::monitor::metrics {

inline constexpr int kDefaultCalibrationBins = 10;
inline constexpr int kMaxCalibrationBins = 10000;

struct CalibrationBin {
  int index = 0;     // 0-based bin number
  double lower = 0;  // edges as numpy.linspace computes them
  double upper = 0;
  int64_t count = 0;         // rows whose score falls in the bin (> 0)
  double mean_score = 0;     // calibration_curve's prob_pred
  double positive_rate = 0;  // calibration_curve's prob_true
};

struct CalibrationTable {
  std::vector<CalibrationBin> bins;  // non-empty bins in ascending order
  int64_t n = 0;                     // rows
  // Σ_bins (count / n) · |positive_rate − mean_score|; 0 for an empty window.
  double expected_calibration_error = 0;
};

// Fails with InvalidArgument on a length mismatch, a label not 0/1, a score outside [0, 1], or
// bins outside [1, kMaxCalibrationBins].
Result<CalibrationTable> Calibrate(std::span<const uint8_t> y_true, std::span<const double> score,
                                   int bins = kDefaultCalibrationBins);

// The table as figures: per non-empty bin (column "bin=<lower>-<upper>", n = its rows)
// calibration_positive_rate and calibration_mean_score; model-level ece (n = rows; only when
// n > 0).
Figures CalibrationFigures(const CalibrationTable& table);

}  // namespace lakewatch::monitor::metrics
