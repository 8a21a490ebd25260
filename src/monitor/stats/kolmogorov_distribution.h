// The two-sided one-sample Kolmogorov–Smirnov distribution for finite n:
// the law of D_n = sup|F_n(x) - F(x)| for a sample of n from a continuous F.
// Two-sample KS p-values for large samples use it with the effective
// n = round(n1 n2 / (n1 + n2)), as scipy.stats.ks_2samp does.
//
// The evaluation follows Simard & L'Ecuyer, "Computing the Two-Sided
// Kolmogorov-Smirnov Distribution", J. Stat. Software 39(11), 2011, with the
// region boundaries scipy 1.10's kstwo uses, so values agree with
// scipy.stats.kstwo.sf to ~1e-12 relative:
//   n d <= 1/2 or d >= 1: trivially 1 or 0;
//   n d <= 1: Ruben–Gambino, CDF = n!/n^n (2nd - 1)^n;
//   n d >= n - 1: Ruben–Gambino, SF = 2 (1 - d)^n;
//   d >= 1/2: SF = 2 P(D+_n >= d) exactly (the two tails cannot both occur);
//   n <= 140: Durbin's matrix (Marsaglia–Tsang–Wang) for n d^2 <= 0.754693,
//             Pomeranz's recursion for n d^2 <= 4, else SF = 2 P(D+_n >= d);
//   n > 140:  SF = 0 for n d^2 >= 370, SF = 2 P(D+_n >= d) for n d^2 >= 2.2,
//             else SF = 1 - CDF with Durbin's matrix when n <= 100,000 and
//             n d^1.5 <= 1.4, and the Pelz–Good asymptotic series otherwise.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>

namespace lakewatch::monitor::stats {

// P(D_n >= d) (scipy.stats.kstwo.sf(d, n)). NaN unless n >= 1 and d is a number.
double KolmogorovSf(int64_t n, double d);

// KolmogorovSf with, for n > 140, the O(1) asymptotic forms in place of the
// O(n) and O(n^3)-ish exact ones: Smirnov's exp(-(6nd+1)^2 / (18n)) tail
// (SmirnovSfAsymptotic) for n d^2 >= 2.2 and the Pelz–Good series below — what
// scipy itself uses past n = 10^6. For p-values of statistics that are
// themselves estimates (approximate drift); the same value for n <= 140.
double KolmogorovSfAsymptotic(int64_t n, double d);

}  // namespace lakewatch::monitor::stats
