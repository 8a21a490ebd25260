// The Jensen–Shannon distance between two binned (or categorical) samples, as
// scipy.spatial.distance.jensenshannon(p, q, base) computes it:
//
//   JS = sqrt((KL(p || m) + KL(q || m)) / 2),  m = (p + q) / 2,
//
// p and q the bins' shares, KL in natural log (base = nullopt, scipy's and
// Evidently's default) or divided by ln(base). A distance (the square root of
// the divergence), in [0, sqrt(ln 2)] with natural log, [0, 1] with base 2;
// the drift threshold defaults to 0.1 (flagged at or above).
//
// Thread-safety: pure function.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "common/status.h"

namespace lakewatch::monitor::stats {

// InvalidArgument when the lengths differ or are 0, a count is negative, a
// sample's counts sum to 0, or base is given and not positive or equal to 1.
Result<double> JensenShannonDistance(std::span<const int64_t> reference,
                                     std::span<const int64_t> current,
                                     std::optional<double> base = std::nullopt);

}  // namespace lakewatch::monitor::stats
