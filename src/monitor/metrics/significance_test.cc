#include "monitor/metrics/significance.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "monitor/metrics/metrics_test_util.h"

namespace lakewatch::monitor::metrics {
namespace {

TEST(TwoProportionZTestTest, RejectsImpossibleSamples) {
  EXPECT_FALSE(TwoProportionZTest(0, 0, 1, 2).ok());
  EXPECT_FALSE(TwoProportionZTest(3, 2, 1, 2).ok());
  EXPECT_FALSE(TwoProportionZTest(1, 2, -1, 2).ok());
  auto r = TwoProportionZTest(1, 2, 5, 4);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("current sample has 5 successes out of 4"),
            std::string::npos);
}

TEST(TwoProportionZTestTest, ByTheFormula) {
  // 50/100 then 60/100: pooled 0.55, sd sqrt(0.55 · 0.45 · 0.02).
  auto r = TwoProportionZTest(50, 100, 60, 100);
  ASSERT_TRUE(r.ok());
  const double z = 0.1 / std::sqrt(0.55 * 0.45 * 0.02);
  EXPECT_NEAR(r->z, z, 1e-12);
  EXPECT_NEAR(r->p_value, std::erfc(z / std::sqrt(2.0)), 1e-12);
  EXPECT_NEAR(r->p_value, 0.1552, 1e-4);  // a normal table's two-sided p for z = 1.421
  EXPECT_EQ(r->baseline, 0.5);
}

TEST(TwoProportionZTestTest, PooledProportionZeroOrOneMeansNoChange) {
  for (const auto& [x1, x2] : {std::pair{0, 0}, std::pair{5, 7}}) {
    auto r = TwoProportionZTest(x1, 5, x2, 7);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->z, 0.0);
    EXPECT_EQ(r->p_value, 1.0);
  }
}

TEST(DeLongAucTest, NeedsTwoOfEachClass) {
  const std::vector<uint8_t> y = {1, 0, 0};
  const std::vector<double> s = {0.9, 0.1, 0.2};
  auto r = EstimateAuc(y, s);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("got 1 and 2"), std::string::npos);
}

TEST(DeLongAucTest, VarianceByHand) {
  // Positives 0.9, 0.8; negatives 0.1, 0.85. V10 = (1, 1/2), V01 = (1, 1/2): AUC 3/4, both
  // sample variances 1/8, Var = 1/8 / 2 + 1/8 / 2.
  const std::vector<uint8_t> y = {1, 1, 0, 0};
  const std::vector<double> s = {0.9, 0.8, 0.1, 0.85};
  auto r = EstimateAuc(y, s);
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r->auc, 0.75);
  EXPECT_DOUBLE_EQ(r->variance, 0.125);
}

TEST(DeLongAucTest, ZeroVarianceGivesInfiniteZAndNoZFigure) {
  const std::vector<uint8_t> y = {1, 1, 0, 0};
  const std::vector<double> right = {0.9, 0.8, 0.1, 0.2};
  const std::vector<double> inverted = {0.1, 0.2, 0.9, 0.8};
  auto a = EstimateAuc(y, right);
  auto b = EstimateAuc(y, inverted);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->variance, 0.0);
  const ChangeTest t = DeLongTest(*a, *b);
  EXPECT_TRUE(std::isinf(t.z) && t.z < 0);
  EXPECT_EQ(t.p_value, 0.0);
  const Figures f = ChangeFigures("roc_auc", t, 4);
  EXPECT_EQ(*ValueOf(f, "roc_auc_change"), -1.0);
  EXPECT_FALSE(ValueOf(f, "roc_auc_change_z").has_value());
  EXPECT_EQ(*ValueOf(f, "roc_auc_change_pvalue"), 0.0);
  EXPECT_EQ(DeLongTest(*a, *a).p_value, 1.0);
}

}  // namespace
}  // namespace lakewatch::monitor::metrics
