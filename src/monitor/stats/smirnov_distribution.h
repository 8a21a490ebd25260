// The one-sided one-sample Kolmogorov–Smirnov distribution (Smirnov 1944;
// Birnbaum & Tingey 1951): the tail of D+_n = sup(F(x) - F_n(x)) for a sample
// of n from a continuous F. The two-sided finite-n distribution
// (kolmogorov_distribution.h) uses 2 * SmirnovSf in its upper tail.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>

namespace lakewatch::monitor::stats {

// P(D+_n >= d): the value of scipy.special.smirnov(n, d) (scipy 1.10). NaN
// unless n >= 1 and 0 <= d <= 1.
//
// Exact by the Birnbaum–Tingey sum
//   d * sum_{v=0}^{ceil(n(1-d))-1} C(n,v) (d + v/n)^(v-1) (1 - d - v/n)^(n-v)
// evaluated in extended precision, with scipy's closed forms for
// d <= 1/n and d >= 1 - 1/n, zero once exp(-2 n d^2) underflows, and, for
// n > 1,000,000, scipy's approximation exp(-(6nd+1)^2 / (18n)).
double SmirnovSf(int64_t n, double d);

// scipy's large-n approximation exp(-(6nd+1)^2 / (18n)) at any n: O(1) where
// the sum is O(n). REQUIRES: n >= 1, 0 < d < 1.
double SmirnovSfAsymptotic(int64_t n, double d);

}  // namespace lakewatch::monitor::stats
