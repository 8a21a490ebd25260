#include "monitor/stats/kolmogorov_smirnov.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

namespace lakewatch::monitor::stats {
namespace {

SortedSample Sample(std::vector<double> v) { return SortedSample::FromValues(v); }

// P(D >= h / lcm) by enumerating every arrangement of n1 + n2 distinct values:
// the null distribution by brute force, independent of the path recursions.
std::vector<double> EnumeratedSf(int n1, int n2) {
  const int64_t lcm = std::lcm(n1, n2);
  std::vector<int64_t> at_least(static_cast<size_t>(lcm) + 2, 0);
  int64_t arrangements = 0;
  for (uint32_t mask = 0; mask < (1u << (n1 + n2)); ++mask) {
    if (std::popcount(mask) != n1) continue;  // bit set: the value belongs to sample 1
    ++arrangements;
    int64_t i = 0, j = 0, worst = 0;  // lcm * |F1 - F2| as integers
    for (int k = 0; k < n1 + n2; ++k) {
      ((mask >> k) & 1u) ? ++i : ++j;
      worst = std::max(worst, std::abs(i * (lcm / n1) - j * (lcm / n2)));
    }
    for (int64_t h = 0; h <= worst; ++h) ++at_least[h];
  }
  std::vector<double> sf(static_cast<size_t>(lcm) + 1);
  for (int64_t h = 0; h <= lcm; ++h) {
    sf[h] = static_cast<double>(at_least[h]) / static_cast<double>(arrangements);
  }
  return sf;
}

TEST(KsTest, ExactSfEqualsEnumeration) {
  for (int n1 = 1; n1 <= 7; ++n1) {
    for (int n2 = 1; n2 <= 7; ++n2) {
      const std::vector<double> want = EnumeratedSf(n1, n2);
      for (size_t h = 0; h < want.size(); ++h) {
        const std::optional<double> got = KsExactSf(n1, n2, static_cast<int64_t>(h));
        if (!got) {
          // The equal-size sum rounds to 1 + 1 ulp where the truth is 1 (scipy
          // rejects it the same way and falls back to asymp).
          EXPECT_EQ(want[h], 1.0) << "n1 " << n1 << " n2 " << n2 << " h " << h;
          continue;
        }
        EXPECT_NEAR(*got, want[h], 1e-14 * std::max(1.0, want[h]))
            << "n1 " << n1 << " n2 " << n2 << " h " << h;
      }
    }
  }
}

TEST(KsTest, DisjointSamplesByHand) {
  // Only 2 of the C(6, 3) = 20 arrangements separate the samples completely.
  const Result<KsResult> r = KsTest(Sample({1, 2, 3}), Sample({4, 5, 6}), KsMethod::kExact);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->statistic, 1.0);
  EXPECT_NEAR(r->p_value, 0.1, 1e-15);
  EXPECT_EQ(r->method, KsMethod::kExact);
}

TEST(KsTest, IdenticalSamplesAndTies) {
  const SortedSample s = Sample({1, 1, 2, 2, 2, 5});
  const Result<KsResult> r = KsTest(s, s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->statistic, 0.0);
  EXPECT_EQ(r->p_value, 1.0);
  // Ties across samples: the CDFs jump together at 2, D = |2/3 - 1/3| at x = 1.
  const Result<KsResult> t = KsTest(Sample({1, 1, 2}), Sample({1, 2, 2}), KsMethod::kExact);
  ASSERT_TRUE(t.ok());
  EXPECT_DOUBLE_EQ(t->statistic, 1.0 / 3.0);
}

TEST(KsTest, OneValueEachSide) {
  const Result<KsResult> exact = KsTest(Sample({1}), Sample({2}));
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(exact->statistic, 1.0);
  EXPECT_EQ(exact->p_value, 1.0);  // both arrangements have D = 1
  // The effective n 1/2 rounds to 0: scipy returns NaN; lakewatch refuses.
  const Result<KsResult> asymp = KsTest(Sample({1}), Sample({2}), KsMethod::kAsymp);
  EXPECT_EQ(asymp.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(asymp.status().message().find("effective n"), std::string::npos);
}

TEST(KsTest, EmptySampleIsAnError) {
  const Result<KsResult> r = KsTest(Sample({1, 2}), Sample({}));
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("current sample has none"), std::string::npos);
}

TEST(KsTest, AutoIsExactUpToTenThousandValues) {
  std::vector<double> a(10000), b(10001);
  std::iota(a.begin(), a.end(), 0.0);
  std::iota(b.begin(), b.end(), 0.5);
  EXPECT_EQ(KsTest(Sample(a), Sample(a))->method, KsMethod::kExact);
  EXPECT_EQ(KsTest(Sample(a), Sample(b))->method, KsMethod::kAsymp);
  // Forced exact on coprime sizes beyond 31 bits of lcm falls back to asymp.
  std::vector<double> c(65537);
  std::iota(c.begin(), c.end(), 0.25);
  std::vector<double> d(65536);
  std::iota(d.begin(), d.end(), 0.75);
  EXPECT_EQ(KsTest(Sample(c), Sample(d), KsMethod::kExact)->method, KsMethod::kAsymp);
}

TEST(KsTest, MethodNames) {
  for (KsMethod m : {KsMethod::kAuto, KsMethod::kExact, KsMethod::kAsymp}) {
    EXPECT_EQ(*ParseKsMethod(KsMethodName(m)), m);
  }
  EXPECT_EQ(ParseKsMethod("fast").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace lakewatch::monitor::stats
