#include "monitor/stats/psi.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "monitor/stats/bin_shares.h"

namespace lakewatch::monitor::stats {
namespace {

// Evidently's get_binned_data(feel_zeroes=True): zero shares become
// min_nonzero / 1e6 when min_nonzero <= 0.0001, else 0.0001.
void FillEmptyBins(std::vector<double>& shares) {
  double min_nonzero = std::numeric_limits<double>::infinity();
  for (double s : shares) {
    if (s != 0) min_nonzero = std::min(min_nonzero, s);
  }
  const double fill = min_nonzero <= kPsiEmptyShare ? min_nonzero / 1e6 : kPsiEmptyShare;
  for (double& s : shares) {
    if (s == 0) s = fill;
  }
}

}  // namespace

Result<double> Psi(std::span<const int64_t> reference, std::span<const int64_t> current) {
  LW_ASSIGN_OR_RETURN(BinShares shares, ToShares(reference, current, "PSI"));
  FillEmptyBins(shares.reference);
  FillEmptyBins(shares.current);
  double psi = 0;
  for (size_t i = 0; i < shares.reference.size(); ++i) {
    const double r = shares.reference[i];
    const double c = shares.current[i];
    psi += (r - c) * std::log(r / c);
  }
  return psi;
}

}  // namespace lakewatch::monitor::stats
