// The two-sample Kolmogorov–Smirnov test, two-sided: statistic and p-value as
// scipy.stats.ks_2samp(reference, current, alternative='two-sided',
// method=...) computes them (scipy 1.10).
//
//   D = max over x of |F_ref(x) - F_cur(x)|, the empirical CDFs evaluated at
//       every value of either sample (ties handled by counting all values
//       <= x, as searchsorted(side='right') does).
//   exact:  D is snapped to h / lcm(n1, n2) with h = round(D * lcm), and
//           p = P(D_{n1,n2} >= D) by lattice-path counting under H0:
//           n1 == n2: the reflection formula 2 sum_k (-1)^(k+1) C(2n, n - k h) / C(2n, n),
//                     summed in Horner form (no cancellation);
//           else:     the proportion of monotone paths from (0,0) to (n1,n2)
//                     that leave the band |x/n1 - y/n2| < h / lcm, by Hodges'
//                     "inside" recursion rewritten for the leaving probability
//                     (Viehmann 2021, arXiv:2102.08037) so small p keep their
//                     relative precision.
//           Falls back to asymp when the result is not a probability.
//   asymp:  p = P(D_n >= D) for the one-sample two-sided distribution with
//           n = round(n1 n2 / (n1 + n2)) (kolmogorov_distribution.h).
//   auto:   exact when both samples have at most 10,000 values, else asymp.
//   exact is refused (asymp used) when lcm(n1, n2) would not fit in 31 bits.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/status.h"
#include "monitor/stats/sorted_sample.h"

namespace lakewatch::monitor::stats {

enum class KsMethod {
  kAuto,   // exact for samples of at most 10,000 values each, else asymp
  kExact,  // lattice-path counting
  kAsymp,  // the one-sample distribution at the effective n
};

std::string_view KsMethodName(KsMethod method);  // "auto", "exact", "asymp"
Result<KsMethod> ParseKsMethod(std::string_view name);

struct KsResult {
  double statistic = 0;  // D (snapped to h / lcm when the exact p-value was used)
  double p_value = 1;
  KsMethod method = KsMethod::kExact;  // the method the p-value came from (never kAuto)
};

// Two-sided two-sample KS test of `reference` against `current`.
// InvalidArgument when either sample is empty, or when asymp is used and the
// effective n rounds to 0 (both samples of one value: scipy returns NaN).
Result<KsResult> KsTest(const SortedSample& reference, const SortedSample& current,
                        KsMethod method = KsMethod::kAuto);

// P(D_{n1,n2} >= h / lcm(n1, n2)) under H0 by path counting; nullopt when
// the computed value is not within [0, 1] (the caller falls back to asymp).
// REQUIRES: n1, n2 >= 1; 0 <= h <= lcm(n1, n2).
std::optional<double> KsExactSf(int64_t n1, int64_t n2, int64_t h);

}  // namespace lakewatch::monitor::stats
