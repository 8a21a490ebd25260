#include "monitor/stats/kolmogorov_distribution.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "monitor/stats/smirnov_distribution.h"

namespace lakewatch::monitor::stats {
namespace {

// Birnbaum–Tingey's sum written out plainly (lgamma, doubles): an independent
// check for moderate n, where double precision still gives ~1e-12.
double PlainSmirnovSf(int n, double d) {
  double sum = 0;
  for (int v = 0; v < n * (1 - d); ++v) {
    const double up = d + static_cast<double>(v) / n;
    const double down = 1 - d - static_cast<double>(v) / n;
    sum += std::exp(std::lgamma(n + 1.0) - std::lgamma(v + 1.0) - std::lgamma(n - v + 1.0) +
                    (v - 1) * std::log(up) + (n - v) * std::log(down));
  }
  return d * sum;
}

TEST(SmirnovSfTest, EdgesAndDomain) {
  EXPECT_EQ(SmirnovSf(1, 0.3), 0.7);
  EXPECT_EQ(SmirnovSf(10, 0.0), 1.0);
  EXPECT_EQ(SmirnovSf(10, 1.0), 0.0);
  EXPECT_TRUE(std::isnan(SmirnovSf(0, 0.5)));
  EXPECT_TRUE(std::isnan(SmirnovSf(10, -0.1)));
  EXPECT_TRUE(std::isnan(SmirnovSf(10, 1.5)));
  EXPECT_TRUE(std::isnan(SmirnovSf(10, std::nan(""))));
  // d <= 1/n: 1 - d (1 + d)^(n-1); d >= 1 - 1/n: (1 - d)^n.
  EXPECT_NEAR(SmirnovSf(5, 0.1), 1 - 0.1 * std::pow(1.1, 4), 1e-15);
  EXPECT_NEAR(SmirnovSf(5, 0.9), std::pow(1 - 0.9, 5), 1e-30);
}

TEST(SmirnovSfTest, EqualsBirnbaumTingeySum) {
  for (int n : {2, 3, 7, 20, 100, 400}) {
    for (double d : {0.11, 0.2, 0.35, 0.5, 0.61, 0.8}) {
      if (d <= 1.0 / n || d >= 1 - 1.0 / n) continue;
      const double want = PlainSmirnovSf(n, d);
      EXPECT_NEAR(SmirnovSf(n, d), want, 1e-11 * want) << "n " << n << " d " << d;
    }
  }
}

TEST(KolmogorovSfTest, SupportAndDomain) {
  EXPECT_EQ(KolmogorovSf(10, 0.0), 1.0);
  EXPECT_EQ(KolmogorovSf(10, 0.05), 1.0);  // d <= 1/(2n): D_n is at least 1/(2n)
  EXPECT_EQ(KolmogorovSf(10, 1.0), 0.0);
  EXPECT_EQ(KolmogorovSf(10, 1.5), 0.0);
  EXPECT_TRUE(std::isnan(KolmogorovSf(0, 0.5)));
  EXPECT_TRUE(std::isnan(KolmogorovSf(10, std::nan(""))));
}

TEST(KolmogorovSfTest, ClosedForms) {
  // n = 1: D_1 = max(U, 1 - U), so P(D_1 >= d) = 2 (1 - d) on [1/2, 1].
  for (double d : {0.55, 0.7, 0.95}) EXPECT_NEAR(KolmogorovSf(1, d), 2 * (1 - d), 1e-15);
  // d >= 1/2: the two one-sided tails are exclusive, P = 2 P(D+ >= d).
  EXPECT_NEAR(KolmogorovSf(30, 0.6), 2 * SmirnovSf(30, 0.6), 1e-16);
  // 1/(2n) < d <= 1/n (Ruben–Gambino): CDF = n!/n^n (2nd - 1)^n.
  const int n = 6;
  const double d = 0.15;
  const double cdf = std::tgamma(n + 1.0) / std::pow(n, n) * std::pow(2 * n * d - 1, n);
  EXPECT_NEAR(KolmogorovSf(n, d), 1 - cdf, 1e-15);
}

// Decreasing in d and within [0, 1] through every region of the evaluation
// (Durbin, Pomeranz, Pelz–Good, Smirnov, the zero tail), and continuous
// enough across region boundaries not to jump.
TEST(KolmogorovSfTest, MonotoneAcrossRegions) {
  for (int64_t n : {2, 10, 140, 141, 1000, 100000, 100001, 2000000}) {
    double last = 1.0;
    const double nn = static_cast<double>(n);
    for (double x = 0.02; x<400; x *= n> 1000 ? 1.3 : 1.05) {  // x = n d^2
      const double d = std::sqrt(x / nn);
      if (d >= 1) break;
      const double p = KolmogorovSf(n, d);
      ASSERT_GE(p, 0.0);
      ASSERT_LE(p, last + 1e-7) << "n " << n << " d " << d;
      last = p;
    }
  }
}

// The O(1) large-n forms: the same value up to n = 140, close to the exact
// one beyond (the Smirnov tail and Pelz–Good series are what scipy uses past
// n = 10^6), and fast where the exact sum is O(n).
TEST(KolmogorovSfTest, AsymptoticFormsCloseToExact) {
  for (int64_t n : {5, 60, 140}) {
    for (double d : {0.05, 0.1, 0.2, 0.4}) EXPECT_EQ(KolmogorovSfAsymptotic(n, d), KolmogorovSf(n, d));
  }
  for (int64_t n : {1000, 50000, 500000}) {
    const double nn = static_cast<double>(n);
    for (double x : {0.3, 0.8, 1.5, 2.5, 5.0, 10.0}) {  // x = n d^2
      const double d = std::sqrt(x / nn);
      const double exact = KolmogorovSf(n, d);
      const double asymptotic = KolmogorovSfAsymptotic(n, d);
      EXPECT_NEAR(asymptotic, exact, 0.05 * exact + 1e-12) << "n " << n << " d " << d;
    }
  }
}

}  // namespace
}  // namespace lakewatch::monitor::stats
