#include "monitor/stats/wasserstein.h"

#include <algorithm>
#include <cmath>

#include "monitor/metrics/compensated_sum.h"

namespace lakewatch::monitor::stats {

Result<double> WassersteinDistance(const SortedSample& reference, const SortedSample& current) {
  LW_RETURN_IF_ERROR(RequireValues(reference, current, "Wasserstein distance"));
  const std::span<const double> a = reference.values();
  const std::span<const double> b = current.values();
  const double na = static_cast<double>(a.size());
  const double nb = static_cast<double>(b.size());
  metrics::CompensatedSum sum;
  size_t i = 0;
  size_t j = 0;
  double x = std::min(a[0], b[0]);
  while (true) {
    while (i < a.size() && a[i] == x) ++i;
    while (j < b.size() && b[j] == x) ++j;
    if (i == a.size() && j == b.size()) break;
    const double next = j == b.size() || (i < a.size() && a[i] <= b[j]) ? a[i] : b[j];
    const double term =
        std::fabs(static_cast<double>(i) / na - static_cast<double>(j) / nb) * (next - x);
    sum.Add(term);
    x = next;
  }
  return sum.value();
}

Result<double> NormedWasserstein(const SortedSample& reference, const SortedSample& current) {
  Result<double> w = WassersteinDistance(reference, current);
  if (!w.ok()) return w.status();
  return *w / std::max(reference.StdDev(0), kWassersteinStdFloor);
}

}  // namespace lakewatch::monitor::stats
