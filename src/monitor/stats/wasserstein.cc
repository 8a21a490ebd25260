#include "monitor/stats/wasserstein.h"

#include <algorithm>
#include <cmath>

#include "monitor/metrics/compensated_sum.h"

namespace lakewatch::monitor::stats {

Result<double> WassersteinDistance(const SortedSample& reference, const SortedSample& current) {
  LW_RETURN_IF_ERROR(RequireValues(reference, current, "Wasserstein distance"));
  const double na = static_cast<double>(reference.size());
  const double nb = static_cast<double>(current.size());
  metrics::CompensatedSum sum;
  ForEachDistinctValue(
      reference.values(), current.values(), [&](double x, size_t i, size_t j, double next) {
        if (std::isinf(next)) return;  // past the last value both CDFs are 1
        sum.Add(std::fabs(static_cast<double>(i) / na - static_cast<double>(j) / nb) * (next - x));
      });
  return sum.value();
}

Result<double> NormedWasserstein(const SortedSample& reference, const SortedSample& current) {
  Result<double> w = WassersteinDistance(reference, current);
  if (!w.ok()) return w.status();
  return *w / std::max(reference.StdDev(0), kWassersteinStdFloor);
}

}  // namespace lakewatch::monitor::stats
