#include "monitor/metrics/regression_metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "monitor/metrics/metrics_test_util.h"

namespace lakewatch::monitor::metrics {
namespace {

TEST(RegressionMetricsTest, RejectsNonFiniteValuesAndLengthMismatch) {
  const std::vector<double> y = {1, 2, 3};
  const std::vector<double> nan_pred = {1, std::nan(""), 3};
  auto r = RegressionMetrics(y, nan_pred);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("y_pred[1] = nan"), std::string::npos)
      << r.status().ToString();
  const std::vector<double> short_pred = {1, 2};
  r = RegressionMetrics(y, short_pred);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST(RegressionMetricsTest, EmptyWindowGivesOnlyTheCount) {
  auto r = RegressionMetrics({}, {});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].value, 0);
}

TEST(RegressionMetricsTest, OneRowHasNoR2) {
  const std::vector<double> y = {2};
  const std::vector<double> p = {5};
  auto r = RegressionMetrics(y, p);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(ValueOf(*r, "r2").has_value());  // sklearn: NaN with a warning
  EXPECT_EQ(*ValueOf(*r, "mae"), 3);
  EXPECT_EQ(*ValueOf(*r, "mse"), 9);
  EXPECT_EQ(*ValueOf(*r, "rmse"), 3);
  EXPECT_EQ(*ValueOf(*r, "mean_error"), 3);
  EXPECT_EQ(*ValueOf(*r, "error_p99"), 3);
  EXPECT_DOUBLE_EQ(*ValueOf(*r, "mape"), 1.5);
}

TEST(RegressionMetricsTest, ZeroTargetDividesByEpsilonInMape) {
  const std::vector<double> y = {0, 1};
  const std::vector<double> p = {1, 1};
  auto r = RegressionMetrics(y, p);
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(*ValueOf(*r, "mape"), (1 / kMapeEps) / 2);
}

TEST(RegressionMetricsTest, ConstantTargetFollowsTheForceFiniteConvention) {
  // 0.1 is the awkward constant: three copies do not average to exactly 0.1 in floating point.
  const std::vector<double> y = {0.1, 0.1, 0.1};
  const std::vector<double> perfect = {0.1, 0.1, 0.1};
  const std::vector<double> off = {0.1, 0.2, 0.1};
  auto r = RegressionMetrics(y, perfect);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*ValueOf(*r, "r2"), 1.0);
  r = RegressionMetrics(y, off);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*ValueOf(*r, "r2"), 0.0);
}

TEST(RegressionMetricsTest, R2ByHand) {
  // sklearn's documentation: y_true [1, 2, 3], y_pred [3, 2, 1]: 1 − 8 / 2 = −3.
  const std::vector<double> y = {1, 2, 3};
  const std::vector<double> p = {3, 2, 1};
  auto r = RegressionMetrics(y, p);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*ValueOf(*r, "r2"), -3.0);
  EXPECT_EQ(*ValueOf(*r, "mean_error"), 0.0);
}

TEST(LinearQuantileTest, InterpolatesLikeNumpy) {
  std::vector<double> v = {4, 1, 3, 2};
  EXPECT_EQ(LinearQuantile(v, 0.5), 2.5);  // index 1.5
  EXPECT_EQ(LinearQuantile(v, 0.0), 1);
  EXPECT_EQ(LinearQuantile(v, 1.0), 4);
  // index 2.7: 4 − (4 − 3)·0.3, numpy's form for a weight >= 0.5
  EXPECT_DOUBLE_EQ(LinearQuantile(v, 0.9), 3.7);
  std::vector<double> one = {7};
  EXPECT_EQ(LinearQuantile(one, 0.95), 7);
}

}  // namespace
}  // namespace lakewatch::monitor::metrics
