// The Wasserstein-1 (earth mover's) distance between two samples, and the
// normed form Evidently's "wasserstein" drift test reports.
//
//   W1 = integral |F_ref(x) - F_cur(x)| dx
//      = sum over consecutive distinct values x_k < x_k+1 of either sample of
//        |F_ref(x_k) - F_cur(x_k)| (x_k+1 - x_k),
// one merge walk over the two sorted samples: O(n1 + n2), the same value as
// scipy.stats.wasserstein_distance(reference, current) (no weights).
//
//   normed = W1 / max(std(reference), 0.001), std with ddof = 0 (np.std's
//   default, which Evidently's wasserstein_distance_norm calls), so a shift of
//   0.1 reference standard deviations reads as 0.1, the default threshold.
//
// Thread-safety: pure functions.
#pragma once

#include "common/status.h"
#include "monitor/stats/sorted_sample.h"

namespace lakewatch::monitor::stats {

// The floor under the reference standard deviation in NormedWasserstein.
inline constexpr double kWassersteinStdFloor = 0.001;

// W1(reference, current). InvalidArgument when either sample is empty.
Result<double> WassersteinDistance(const SortedSample& reference, const SortedSample& current);

// W1 / max(reference.StdDev(0), 0.001). InvalidArgument when either sample is empty.
Result<double> NormedWasserstein(const SortedSample& reference, const SortedSample& current);

}  // namespace lakewatch::monitor::stats
