// The two-proportion Z-test Evidently's "z" stattest runs on binary
// categorical features (the default below 1,001 reference rows when the two
// samples hold at most 2 distinct values together):
//
//   target = the first category in the aligned order (byte order; numeric
//            order for numeric values) — Evidently's sorted(keys)[0];
//   p_ref, p_cur = shares of the rows NOT in the target category;
//   P = pooled share = (p_ref n_ref + p_cur n_cur) / (n_ref + n_cur);
//   z = (p_ref - p_cur) / sqrt(P (1 - P) (1/n_ref + 1/n_cur));
//   p = 2 P(Z >= |z|), two-sided.
//
// When both samples hold the same single category, z = 0 and p = 1. With more
// than two categories this is the target-versus-rest test Evidently would run.
// Evidently evaluates p as 2 (1 - Phi(|z|)), which loses all digits below
// ~1e-16; here p = erfc(|z| / sqrt 2), accurate into the far tail (the
// figures agree wherever Evidently's has digits left).
//
// Thread-safety: pure function.
#pragma once

#include "common/status.h"
#include "monitor/stats/category_counts.h"

namespace lakewatch::monitor::stats {

struct ZTestResult {
  double statistic = 0;  // z
  double p_value = 1;
};

// InvalidArgument unless ValidateAlignedCounts passes.
Result<ZTestResult> TwoProportionZTest(const AlignedCounts& counts);

}  // namespace lakewatch::monitor::stats
