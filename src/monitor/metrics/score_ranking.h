// ScoreRanking: the scores of one binary problem split by true class and sorted, and the
// ranking figures read off one walk over the distinct score values from the highest down:
// ROC AUC (trapezoid rule), average precision, and DeLong's variance of the AUC.
//
// sklearn's _binary_clf_curve sorts (score, label) pairs and cuts the cumulative counts at each
// distinct score; ties therefore form one threshold. Sorting each class's scores on its own
// (plain doubles, radix-sorted) and merging yields the same counts at every distinct threshold.
// All counts are integers, so the AUC is computed exactly as U / (P·N) with ties counted half,
// which equals sklearn's trapezoid over its (fpr, tpr) points.
//
// Cost: 8 bytes per row, one radix sort per class, one linear walk per figure.
// Thread-safety: immutable once built.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "common/buffer.h"
#include "monitor/metrics/sort_doubles.h"

namespace lakewatch::monitor::metrics {

class ScoreRanking {
 public:
  // Row i has score score[i * stride] and is positive when is_positive(i).
  // REQUIRES: every score finite.
  template <typename IsPositive>
  static ScoreRanking Build(const double* score, size_t rows, size_t stride,
                            IsPositive is_positive) {
    ScoreRanking r;
    for (size_t i = 0; i < rows; ++i) r.positives_ += is_positive(i) ? 1 : 0;
    r.negatives_ = rows - r.positives_;
    r.scores_.Resize(rows * sizeof(double));
    double* positive = r.scores_.data_as<double>();
    double* negative = positive + r.positives_;
    for (size_t i = 0; i < rows; ++i) {
      *(is_positive(i) ? positive++ : negative++) = score[i * stride];
    }
    SortDoubles(r.positive_scores());
    SortDoubles(r.negative_scores());
    return r;
  }

  int64_t positives() const { return static_cast<int64_t>(positives_); }
  int64_t negatives() const { return static_cast<int64_t>(negatives_); }

  // Area under the ROC curve = P(score of a positive > score of a negative) + ½ P(tie).
  // REQUIRES: positives() > 0 and negatives() > 0.
  double RocAuc() const;
  // sklearn's average_precision_score: Σ_k (R_k − R_{k−1}) · P_k over the distinct thresholds
  // from the highest down. 0 when there is no positive (sklearn warns and returns 0).
  double AveragePrecision() const;
  // DeLong et al. (1988) estimate of Var(RocAuc()): S10/P + S01/N, where S10 and S01 are the
  // sample variances (denominator P−1, N−1) of the structural components
  // V10(x) = P(negative < x) + ½ P(negative = x) over the positives x and
  // V01(y) = P(positive > y) + ½ P(positive = y) over the negatives y (Sun & Xu 2014 compute
  // them from midranks; here they come from the same cumulative counts as the AUC).
  // REQUIRES: positives() >= 2 and negatives() >= 2.
  double DeLongVariance() const;

 private:
  // 2·P·N·AUC as an exact integer: Σ over thresholds of dn · (2·tp_before + dp). It and the
  // DeLong numerators stay below 2·P·N, within int64 for windows of up to ~4·10⁹ rows.
  int64_t TwiceU() const;
  // Calls visit(dp, dn, tp, fp) for each distinct score from the highest down: dp positives
  // and dn negatives have that score, tp positives and fp negatives score higher.
  template <typename Visit>
  void ForEachThreshold(Visit visit) const;

  std::span<double> positive_scores() { return {scores_.data_as<double>(), positives_}; }
  std::span<double> negative_scores() {
    return {scores_.data_as<double>() + positives_, negatives_};
  }

  // The positives' scores, then the negatives', each ascending once built. A Buffer: no zero
  // fill, and recycled huge-page memory for millions of rows (common/memory.h).
  Buffer scores_;
  size_t positives_ = 0;
  size_t negatives_ = 0;
};

}  // namespace lakewatch::monitor::metrics
