#include "monitor/stats/jensen_shannon.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "monitor/stats/bin_shares.h"

namespace lakewatch::monitor::stats {
namespace {

// scipy.special.rel_entr(x, y) for a share x and the mean share y >= x / 2 > 0:
// x ln(x / y), 0 when x = 0.
double RelativeEntropyTerm(double x, double y) { return x == 0 ? 0.0 : x * std::log(x / y); }

}  // namespace

Result<double> JensenShannonDistance(std::span<const int64_t> reference,
                                     std::span<const int64_t> current, std::optional<double> base) {
  if (base && !(*base > 0 && *base != 1)) {
    return Status::InvalidArgument(
        "Jensen-Shannon: logarithm base must be positive and not 1, got " + std::to_string(*base));
  }
  LW_ASSIGN_OR_RETURN(BinShares shares, ToShares(reference, current, "Jensen-Shannon distance"));
  double left = 0;
  double right = 0;
  for (size_t i = 0; i < shares.reference.size(); ++i) {
    const double p = shares.reference[i];
    const double q = shares.current[i];
    const double m = (p + q) / 2.0;
    left += RelativeEntropyTerm(p, m);
    right += RelativeEntropyTerm(q, m);
  }
  double js = left + right;
  if (base) js /= std::log(*base);
  // Rounding can leave a hair below 0 for identical shares; scipy would give NaN.
  return std::sqrt(std::max(js, 0.0) / 2.0);
}

}  // namespace lakewatch::monitor::stats
