#include "monitor/stats/two_proportion_z.h"

#include <gtest/gtest.h>

#include <cmath>

namespace lakewatch::monitor::stats {
namespace {

CategoryCounts Counts(std::initializer_list<std::pair<const char*, int64_t>> entries) {
  CategoryCounts c;
  for (const auto& [name, n] : entries) c.Add(name, n);
  return c;
}

TEST(TwoProportionZTest, ByHand) {
  // Target 'no' (first in byte order); shares of 'yes': 0.5 and 0.7, pooled 0.6.
  const Result<AlignedCounts> t =
      AlignCategories(Counts({{"yes", 50}, {"no", 50}}), Counts({{"no", 30}, {"yes", 70}}));
  ASSERT_TRUE(t.ok());
  const Result<ZTestResult> r = TwoProportionZTest(*t);
  ASSERT_TRUE(r.ok());
  const double z = (0.5 - 0.7) / std::sqrt(0.6 * 0.4 * (1.0 / 100 + 1.0 / 100));
  EXPECT_NEAR(r->statistic, z, 1e-14);
  EXPECT_NEAR(r->p_value, std::erfc(std::fabs(z) / std::sqrt(2.0)), 1e-15);
}

TEST(TwoProportionZTest, FarTailKeepsItsDigits) {
  // z = -1 / sqrt(0.25 * 0.004) ~ -31.6: 2 (1 - Phi(|z|)) would be 0; erfc keeps ~1e-219.
  const Result<AlignedCounts> t =
      AlignCategories(Counts({{"a", 500}, {"b", 0}}), Counts({{"a", 0}, {"b", 500}}));
  const Result<ZTestResult> r = TwoProportionZTest(*t);
  ASSERT_TRUE(r.ok());
  EXPECT_GT(r->p_value, 0.0);
  EXPECT_LT(r->p_value, 1e-200);
}

TEST(TwoProportionZTest, OneCategoryOnBothSides) {
  const Result<AlignedCounts> t = AlignCategories(Counts({{"a", 3}}), Counts({{"a", 8}}));
  const Result<ZTestResult> r = TwoProportionZTest(*t);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->statistic, 0.0);
  EXPECT_EQ(r->p_value, 1.0);
}

TEST(TwoProportionZTest, EmptySampleIsAnError) {
  const Result<AlignedCounts> t = AlignCategories(Counts({{"a", 3}}), Counts({}));
  EXPECT_EQ(TwoProportionZTest(*t).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace lakewatch::monitor::stats
