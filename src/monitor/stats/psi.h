// The Population Stability Index of two binned (or categorical) samples:
//
//   PSI = sum_i (r_i - c_i) ln(r_i / c_i),   r_i, c_i = bin i's share of each sample,
//
// with Evidently's guard for empty bins: a zero share becomes
// min(nonzero shares of that sample) / 10^6 when that minimum is at most
// 0.0001, else 0.0001. Common reading: < 0.1 stable, 0.1–0.25 moderate shift,
// > 0.25 significant; the drift threshold defaults to 0.1 (flagged at or above).
//
// Thread-safety: pure function.
#pragma once

#include <cstdint>
#include <span>

#include "common/status.h"

namespace lakewatch::monitor::stats {

// The share an empty bin gets (unless the sample has smaller nonzero shares).
inline constexpr double kPsiEmptyShare = 0.0001;

// PSI of `current` against `reference`, given their counts per bin (same bins,
// same order). InvalidArgument when the lengths differ or are 0, a count is
// negative, or a sample's counts sum to 0.
Result<double> Psi(std::span<const int64_t> reference, std::span<const int64_t> current);

}  // namespace lakewatch::monitor::stats
