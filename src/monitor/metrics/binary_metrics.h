// BinaryMetrics: the performance figures of a binary classifier over one window's labelled
// rows, exact to scikit-learn 1.2.1 (docs/performance-metrics.md defines each figure, its
// sklearn equivalent and its undefined cases).
//
//   BinaryInput in{.y_true = labels, .y_pred = predictions, .score = probabilities};
//   LW_ASSIGN_OR_RETURN(Figures figures, BinaryMetrics(in));
//
// Figures (all model-level, column ''): count, accuracy, precision, recall, f1, tp, fp, tn, fn,
// positive_rate, prediction_rate (with y_pred); roc_auc, pr_auc, log_loss, brier (with score;
// roc_auc only when both classes are present). An empty window gives only count = 0.
//
// Cost: O(n) plus one radix sort of the scores; no allocation per row.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "monitor/metrics/figure.h"

namespace lakewatch::monitor::metrics {

// sklearn 1.2's log_loss(eps="auto") clips probabilities to [eps, 1 − eps] with eps the
// machine epsilon of float64 (2.220446049250313e-16); sklearn < 1.2 used 1e-15.
inline constexpr double kLogLossEps = 2.220446049250313e-16;

struct BinaryInput {
  std::span<const uint8_t> y_true = {};  // 1 = positive class, 0 = negative; one entry per row
  std::span<const uint8_t> y_pred = {};  // predicted class (0/1), same length; empty: none logged
  std::span<const double> score = {};    // probability of the positive class; empty: none logged
};

// Fails with InvalidArgument when a length differs from y_true's, a label is not 0/1, or a
// score is not a probability in [0, 1]; the message names the first offending row.
Result<Figures> BinaryMetrics(const BinaryInput& in);

// 1 where the label equals `positive` (sklearn's pos_label), else 0.
std::vector<uint8_t> EncodeBinaryLabels(std::span<const std::string_view> labels,
                                        std::string_view positive);
std::vector<uint8_t> EncodeBinaryLabels(std::span<const int64_t> labels, int64_t positive);

}  // namespace lakewatch::monitor::metrics
