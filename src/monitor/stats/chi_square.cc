#include "monitor/stats/chi_square.h"

#include <algorithm>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "monitor/stats/no_throw_policy.h"
#include "monitor/stats/parse_name.h"

namespace lakewatch::monitor::stats {

std::string_view ChiSquareFormName(ChiSquareForm form) {
  return form == ChiSquareForm::kGoodnessOfFit ? "goodness_of_fit" : "contingency";
}

Result<ChiSquareForm> ParseChiSquareForm(std::string_view name) {
  return ParseName(name, {ChiSquareForm::kContingency, ChiSquareForm::kGoodnessOfFit},
                   ChiSquareFormName, "chi-square form");
}

double ChiSquareSf(double x, int64_t dof) {
  if (std::isinf(x)) return 0.0;
  return boost::math::gamma_q(static_cast<double>(dof) / 2, x / 2, NoThrowPolicy());
}

Result<ChiSquareResult> ChiSquareContingency(const AlignedCounts& counts, bool yates_correction) {
  LW_RETURN_IF_ERROR(ValidateAlignedCounts(counts, "chi-square test"));
  const size_t k = counts.categories.size();
  ChiSquareResult r;
  r.dof = static_cast<int64_t>(k) - 1;
  if (r.dof == 0) return r;
  const double rows[2] = {static_cast<double>(counts.reference_total()),
                          static_cast<double>(counts.current_total())};
  const double total = rows[0] + rows[1];
  const bool yates = yates_correction && r.dof == 1;
  for (int row = 0; row < 2; ++row) {
    const std::vector<int64_t>& observed = row == 0 ? counts.reference : counts.current;
    for (size_t j = 0; j < k; ++j) {
      const double column =
          static_cast<double>(counts.reference[j]) + static_cast<double>(counts.current[j]);
      const double expected = rows[row] * column / total;
      double o = static_cast<double>(observed[j]);
      if (yates) {
        const double diff = expected - o;
        o += std::copysign(std::min(0.5, std::fabs(diff)), diff);
      }
      r.statistic += (o - expected) * (o - expected) / expected;
    }
  }
  r.p_value = ChiSquareSf(r.statistic, r.dof);
  return r;
}

Result<ChiSquareResult> ChiSquareGoodnessOfFit(const AlignedCounts& counts) {
  LW_RETURN_IF_ERROR(ValidateAlignedCounts(counts, "chi-square test"));
  const size_t k = counts.categories.size();
  ChiSquareResult r;
  r.dof = static_cast<int64_t>(k) - 1;
  const double scale =
      static_cast<double>(counts.current_total()) / static_cast<double>(counts.reference_total());
  for (size_t j = 0; j < k; ++j) {
    const double expected = static_cast<double>(counts.reference[j]) * scale;
    const double o = static_cast<double>(counts.current[j]);
    r.statistic += (o - expected) * (o - expected) / expected;  // +inf where expected is 0
  }
  r.p_value = r.dof == 0 ? 1.0 : ChiSquareSf(r.statistic, r.dof);
  return r;
}

}  // namespace lakewatch::monitor::stats
