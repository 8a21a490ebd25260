// Chi-square tests of two categorical samples' counts, in the two forms in use:
//
//   Contingency (homogeneity), the default: scipy.stats.chi2_contingency on the
//     2 x k table [reference counts; current counts]: expected = row total x
//     column total / grand total, statistic = sum (observed - expected)^2 /
//     expected, dof = k - 1, p = P(chi2_dof >= statistic). With dof == 1,
//     Yates' correction first moves each observed count 0.5 toward its
//     expected count (never past it), as scipy's correction=True does. A single
//     category (dof 0) gives statistic 0 and p = 1.
//   Goodness of fit, Evidently's "chisquare" stattest: scipy.stats.chisquare(
//     f_obs = current counts, f_exp = reference counts x n_cur / n_ref),
//     dof = k - 1. It treats the reference shares as exact, so any category the
//     reference lacks makes the statistic infinite and p = 0. With a single
//     category scipy returns p = NaN; here p = 1 (nothing can differ).
//
// p-values: the regularized upper incomplete gamma Q(dof/2, statistic/2)
// (Boost.Math), as scipy's chi2.sf.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "monitor/stats/category_counts.h"

namespace lakewatch::monitor::stats {

enum class ChiSquareForm {
  kContingency,    // scipy.stats.chi2_contingency on the 2 x k table
  kGoodnessOfFit,  // Evidently: scipy.stats.chisquare against the reference shares
};

std::string_view ChiSquareFormName(ChiSquareForm form);  // "contingency", "goodness_of_fit"
Result<ChiSquareForm> ParseChiSquareForm(std::string_view name);

struct ChiSquareResult {
  double statistic = 0;
  double p_value = 1;
  int64_t dof = 0;
};

// InvalidArgument unless ValidateAlignedCounts passes.
Result<ChiSquareResult> ChiSquareContingency(const AlignedCounts& counts,
                                             bool yates_correction = true);
Result<ChiSquareResult> ChiSquareGoodnessOfFit(const AlignedCounts& counts);

// P(chi2_dof >= x) (scipy.stats.chi2.sf(x, dof)); 0 for x = +inf.
// REQUIRES: dof >= 1, x >= 0.
double ChiSquareSf(double x, int64_t dof);

}  // namespace lakewatch::monitor::stats
