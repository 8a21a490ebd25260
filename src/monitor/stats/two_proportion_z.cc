#include "monitor/stats/two_proportion_z.h"

#include <boost/math/special_functions/erf.hpp>
#include <cmath>
#include <numbers>

#include "monitor/stats/no_throw_policy.h"

namespace lakewatch::monitor::stats {

Result<ZTestResult> TwoProportionZTest(const AlignedCounts& counts) {
  LW_RETURN_IF_ERROR(ValidateAlignedCounts(counts, "Z-test"));
  ZTestResult r;
  if (counts.categories.size() == 1) return r;  // one category on both sides
  const double n_ref = static_cast<double>(counts.reference_total());
  const double n_cur = static_cast<double>(counts.current_total());
  const double p_ref = (n_ref - static_cast<double>(counts.reference[0])) / n_ref;
  const double p_cur = (n_cur - static_cast<double>(counts.current[0])) / n_cur;
  const double pooled = (p_ref * n_ref + p_cur * n_cur) / (n_ref + n_cur);
  r.statistic = (p_ref - p_cur) / std::sqrt(pooled * (1 - pooled) * (1.0 / n_ref + 1.0 / n_cur));
  r.p_value = boost::math::erfc(std::fabs(r.statistic) / std::numbers::sqrt2, NoThrowPolicy());
  return r;
}

}  // namespace lakewatch::monitor::stats
