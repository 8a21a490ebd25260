// Significance of a performance change between a baseline and the current window, for concept
// drift: is the drop in accuracy (or AUC) larger than chance?
//
//   two-proportion z-test (accuracy, precision, recall, any share of rows):
//     p̂ = (x₁ + x₂) / (n₁ + n₂),  z = (x₂/n₂ − x₁/n₁) / sqrt(p̂ (1 − p̂) (1/n₁ + 1/n₂)),
//     p = 2 (1 − Φ(|z|)) = erfc(|z| / √2)
//   DeLong test for two AUCs of independent samples (DeLong, DeLong & Clarke-Pearson 1988; the
//   variance by the O(n log n) structural components of Sun & Xu 2014, see ScoreRanking):
//     z = (AUC₂ − AUC₁) / sqrt(Var(AUC₁) + Var(AUC₂)),  p = erfc(|z| / √2)
// Index 1 is the baseline, 2 the current window; z > 0 means the figure went up.
// A zero variance (pooled proportion 0 or 1; both AUCs' components constant) gives z = 0,
// p = 1 when the figures are equal, else z = ±infinity, p = 0.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "common/status.h"
#include "monitor/metrics/figure.h"

namespace lakewatch::monitor::metrics {

struct ChangeTest {
  double baseline = 0;  // the figure in the baseline
  double current = 0;   // the figure in the current window
  double z = 0;         // standardised difference, current − baseline
  double p_value = 1;   // two-sided
};

// Successes out of trials in each sample. Fails with InvalidArgument when a sample is empty or
// successes are outside [0, trials].
Result<ChangeTest> TwoProportionZTest(int64_t baseline_successes, int64_t baseline_trials,
                                      int64_t current_successes, int64_t current_trials);

// One sample's AUC with DeLong's variance: keep the baseline's and test each window against it.
struct AucEstimate {
  double auc = 0;
  double variance = 0;
  int64_t positives = 0;
  int64_t negatives = 0;
};

// y_true 0/1, score any finite number (higher = more positive). Fails with InvalidArgument on
// bad input or fewer than two positives or negatives (the variance needs both).
Result<AucEstimate> EstimateAuc(std::span<const uint8_t> y_true, std::span<const double> score);

ChangeTest DeLongTest(const AucEstimate& baseline, const AucEstimate& current);

// "<metric>_change" (current − baseline), "<metric>_change_z" (left out when infinite) and
// "<metric>_change_pvalue", model-level, with n = the current window's rows.
Figures ChangeFigures(std::string_view metric, const ChangeTest& test, int64_t n);

}  // namespace lakewatch::monitor::metrics
