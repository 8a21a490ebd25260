// Approximate drift: the drift figures of stats/ (exact, from full samples)
// estimated from two FeatureSummary values alone (reference and current), for
// the monitor's `approximate` mode and for windows merged from hourly summaries.
// The definitions are those of stats/ so the figures are comparable; where both
// summaries are exact (KLL sketches not yet compacted, category counts below
// capacity) the figures are exact as well. Measured errors: docs/sketches.md.
//
// Numeric (EstimateNumericDrift):
//   ks_statistic   max |F_ref(x) - F_cur(x)| with the sketches' CDFs, over the
//                  union of their retained items (both CDFs only jump there, so
//                  this is the supremum). |error| <= ks_error_bound, the sum of
//                  the two sketches' rank-error bounds (KllSketch::NormalizedRankError).
//   ks_pvalue      the p-value of that statistic at n = round(n_ref n_cur /
//                  (n_ref + n_cur)): stats::KolmogorovSf (scipy's) while both
//                  sketches are exact, else its O(1) large-n forms
//                  (stats::KolmogorovSfAsymptotic).
//   wasserstein    integral |F_ref - F_cur| dx = integral over q of |Q_ref(q) -
//                  Q_cur(q)|, evaluated exactly on the sketches' step functions
//                  (the limit of an ever finer grid of q); |error| <= ks_error_bound
//                  times the value range (max - min over both).
//   wasserstein_norm  wasserstein / max(reference stddev, stats::kWassersteinStdFloor),
//                  the stddev (ddof 0) exact from the summary's moments.
//   psi, js_distance  on bins as stats::BinSamples cuts them: by value when the
//                  reference has at most options.max_value_bins distinct values
//                  (known while FeatureSummary tracks them, i.e. up to 32), else
//                  on reference quantile edges (numpy 'linear', here from the
//                  reference sketch) or Sturges' edges (from the exact min, max and
//                  counts); bin counts are the sketches' weights below each edge.
//
// Categorical (EstimateCategoricalDrift): chi-square (contingency, Yates at
// dof 1), PSI and Jensen–Shannon on the category counts; exact while both
// FrequentItems are exact. Else on the categories both sides count to within
// kCategoryCountError (upper - lower bound <= 5% of the lower bound; the heavy
// categories, mostly counted exactly), by their lower bounds, with the remaining
// weight of each side in one extra "other" category: a grouping, not the exact
// figure over all categories (which at high cardinality is dominated by the
// sampling noise of rare categories); a new heavy category shows as a change in
// "other".
//
// Thread-safety: pure functions over immutable summaries.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "monitor/sketch/feature_summary.h"
#include "monitor/stats/binning.h"
#include "monitor/stats/category_counts.h"
#include "monitor/stats/chi_square.h"

namespace lakewatch::monitor::sketch {

// The label of the extra category that holds the weight FrequentItems did not keep.
inline constexpr std::string_view kOtherCategory = "\x1f(other)";
// The largest relative width of a category's count bounds for it to be listed
// when the counts are not exact.
inline constexpr double kCategoryCountError = 0.05;

struct NumericDriftEstimate {
  double ks_statistic = 0;
  double ks_pvalue = 1;
  double ks_error_bound = 0;  // 0 when both sketches are exact
  double wasserstein = 0;
  double wasserstein_norm = 0;
  double psi = 0;
  double js_distance = 0;
  size_t bins = 0;     // the bins psi and js_distance used
  bool exact = false;  // both sketches exact: every figure equals the exact one
  uint64_t n_reference = 0;
  uint64_t n_current = 0;
};

struct CategoricalDriftEstimate {
  stats::ChiSquareResult chi_square;
  double psi = 0;
  double js_distance = 0;
  size_t categories = 0;  // including kOtherCategory when used
  bool exact = false;     // both counts exact
  uint64_t n_reference = 0;
  uint64_t n_current = 0;
};

// InvalidArgument when a summary is not numeric or holds no (finite) value.
Result<NumericDriftEstimate> EstimateNumericDrift(const FeatureSummary& reference,
                                                  const FeatureSummary& current,
                                                  const stats::BinOptions& bins = {});

// InvalidArgument when a summary is not categorical or holds no value.
Result<CategoricalDriftEstimate> EstimateCategoricalDrift(const FeatureSummary& reference,
                                                          const FeatureSummary& current);

// The two summaries' category counts aligned in byte order (kOtherCategory last,
// when used), for any count-based test (chi-square, Z, PSI, JS): the union of
// their categories while both FrequentItems are exact, else the grouping above.
Result<stats::AlignedCounts> AlignSummaryCategories(const FeatureSummary& reference,
                                                    const FeatureSummary& current);

// Two numeric summaries' distinct values as categories (numeric order, labelled
// by their shortest round-trip text), exact; InvalidArgument unless both still
// track their values (at most FeatureSummary::kMaxTrackedValues each).
Result<stats::AlignedCounts> AlignSummaryValues(const FeatureSummary& reference,
                                                const FeatureSummary& current);

}  // namespace lakewatch::monitor::sketch
