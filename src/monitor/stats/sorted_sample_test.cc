#include "monitor/stats/sorted_sample.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace lakewatch::monitor::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(SortedSampleTest, DropsAndCountsMissingAndInfiniteValues) {
  const std::vector<double> v = {3, kNaN, -1, kInf, 2, -kInf, kNaN, 2};
  const SortedSample s = SortedSample::FromValues(v);
  EXPECT_EQ(std::vector<double>(s.values().begin(), s.values().end()),
            (std::vector<double>{-1, 2, 2, 3}));
  EXPECT_EQ(s.size(), 4);
  EXPECT_EQ(s.missing(), 2);
  EXPECT_EQ(s.infinite(), 2);
  EXPECT_EQ(s.distinct(), 3);
}

TEST(SortedSampleTest, MomentsByHand) {
  const std::vector<double> v = {4, 1, 3, 2};
  const SortedSample s = SortedSample::FromValues(v);
  EXPECT_DOUBLE_EQ(s.mean(), 2.5);
  EXPECT_DOUBLE_EQ(s.StdDev(0), std::sqrt(1.25));       // 5 / 4
  EXPECT_DOUBLE_EQ(s.StdDev(1), std::sqrt(5.0 / 3.0));  // 5 / 3
}

TEST(SortedSampleTest, EmptyAndSingleValue) {
  const SortedSample empty = SortedSample::FromValues(std::vector<double>{kNaN, kNaN});
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(empty.missing(), 2);
  EXPECT_EQ(empty.distinct(), 0);
  EXPECT_TRUE(std::isnan(empty.mean()));
  EXPECT_TRUE(std::isnan(empty.StdDev(0)));
  const SortedSample one = SortedSample::FromValues(std::vector<double>{7});
  EXPECT_EQ(one.mean(), 7);
  EXPECT_EQ(one.StdDev(0), 0);
  EXPECT_TRUE(std::isnan(one.StdDev(1)));
  EXPECT_TRUE(SortedSample().empty());
}

TEST(SortedSampleTest, NegativeAndPositiveZeroAreOneValue) {
  const SortedSample s = SortedSample::FromValues(std::vector<double>{0.0, -0.0, 0.0, -1e-310});
  EXPECT_EQ(s.distinct(), 2);  // the subnormal and zero
  EXPECT_EQ(s.values().front(), -1e-310);
}

// The radix sort, on one and two threads, against std::sort on awkward values.
TEST(SortedSampleTest, SortsLikeStdSort) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal(0, 1e3);
  for (size_t n : {size_t{0}, size_t{1}, size_t{1000}, size_t{200001}}) {
    std::vector<double> v(n);
    for (size_t i = 0; i < n; ++i) {
      switch (i % 7) {
        case 0:
          v[i] = -0.0;
          break;
        case 1:
          v[i] = 4.9e-324 * static_cast<double>(i % 5);
          break;  // subnormals
        case 2:
          v[i] = std::round(normal(rng));
          break;  // ties
        default:
          v[i] = normal(rng) * std::pow(10.0, static_cast<double>(i % 40) - 20);
      }
    }
    std::vector<double> want = v;
    std::sort(want.begin(), want.end());
    for (int threads : {1, 2}) {
      const SortedSample s = SortedSample::FromValues(v, threads);
      ASSERT_EQ(static_cast<size_t>(s.size()), n);
      for (size_t i = 0; i < n; ++i) ASSERT_EQ(s.values()[i], want[i]) << "n " << n << " i " << i;
    }
  }
}

TEST(SortedSampleTest, RequireValuesNamesTheEmptySide) {
  const SortedSample some = SortedSample::FromValues(std::vector<double>{1});
  EXPECT_TRUE(RequireValues(some, some, "t").ok());
  const Status st = RequireValues(some, SortedSample(), "KS test");
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(), "KS test needs values in both samples; the current sample has none");
  EXPECT_NE(RequireValues(SortedSample(), some, "t").message().find("reference"),
            std::string::npos);
}

}  // namespace
}  // namespace lakewatch::monitor::stats
