#include "monitor/metrics/binary_metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string_view>
#include <vector>

#include "monitor/metrics/metrics_test_util.h"

namespace lakewatch::monitor::metrics {
namespace {

TEST(BinaryMetricsTest, RejectsMismatchedLengths) {
  const std::vector<uint8_t> y_true = {0, 1, 1};
  const std::vector<uint8_t> y_pred = {0, 1};
  auto r = BinaryMetrics({.y_true = y_true, .y_pred = y_pred});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("y_pred has 2 entries, expected 3"), std::string::npos);
}

TEST(BinaryMetricsTest, RejectsLabelsOtherThanZeroOne) {
  const std::vector<uint8_t> y_true = {0, 1, 2};
  auto r = BinaryMetrics({.y_true = y_true});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("y_true[2] = 2"), std::string::npos) << r.status().ToString();
}

TEST(BinaryMetricsTest, RejectsScoresThatAreNotProbabilities) {
  const std::vector<uint8_t> y_true = {0, 1, 1};
  for (const double bad : {1.5, -0.1, std::nan(""), std::numeric_limits<double>::infinity()}) {
    const std::vector<double> score = {0.2, bad, 0.9};
    auto r = BinaryMetrics({.y_true = y_true, .score = score});
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("score[1]"), std::string::npos) << r.status().ToString();
  }
}

TEST(BinaryMetricsTest, EmptyWindowGivesOnlyTheCount) {
  auto r = BinaryMetrics({});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].metric, "count");
  EXPECT_EQ((*r)[0].value, 0);
}

// sklearn's documentation example of roc_curve / precision_recall_curve: scores
// 0.8 (+), 0.4 (−), 0.35 (+), 0.1 (−). Of the 4 positive–negative pairs 3 are ordered right:
// AUC 3/4. Average precision: recall 0.5 at precision 1, then recall 1 at precision 2/3.
TEST(BinaryMetricsTest, DocumentationExample) {
  const std::vector<uint8_t> y_true = {0, 0, 1, 1};
  const std::vector<uint8_t> y_pred = {0, 1, 0, 1};
  const std::vector<double> score = {0.1, 0.4, 0.35, 0.8};
  auto r = BinaryMetrics({.y_true = y_true, .y_pred = y_pred, .score = score});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_DOUBLE_EQ(*ValueOf(*r, "roc_auc"), 0.75);
  EXPECT_DOUBLE_EQ(*ValueOf(*r, "pr_auc"), 0.5 * 1.0 + 0.5 * (2.0 / 3.0));
  EXPECT_DOUBLE_EQ(*ValueOf(*r, "accuracy"), 0.5);
  EXPECT_EQ(*ValueOf(*r, "tp"), 1);
  EXPECT_EQ(*ValueOf(*r, "fp"), 1);
  EXPECT_EQ(*ValueOf(*r, "tn"), 1);
  EXPECT_EQ(*ValueOf(*r, "fn"), 1);
  const double brier = (0.01 + 0.16 + 0.65 * 0.65 + 0.04) / 4;
  EXPECT_NEAR(*ValueOf(*r, "brier"), brier, 1e-15);
  const double log_loss = -(std::log(0.9) + std::log(0.6) + std::log(0.35) + std::log(0.8)) / 4;
  EXPECT_NEAR(*ValueOf(*r, "log_loss"), log_loss, 1e-15);
}

TEST(BinaryMetricsTest, AllScoresTiedGiveChanceAuc) {
  const std::vector<uint8_t> y_true = {0, 1, 1, 0, 1};
  const std::vector<double> score(5, 0.3);
  auto r = BinaryMetrics({.y_true = y_true, .score = score});
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(*ValueOf(*r, "roc_auc"), 0.5);
  // One threshold holding every row: recall 1 at precision 3/5.
  EXPECT_DOUBLE_EQ(*ValueOf(*r, "pr_auc"), 0.6);
}

TEST(BinaryMetricsTest, OneClassOnlyHasNoAucAndZeroDivisionIsZero) {
  const std::vector<uint8_t> y_true = {0, 0, 0};
  const std::vector<uint8_t> y_pred = {0, 0, 0};
  const std::vector<double> score = {0.1, 0.5, 0.0};
  auto r = BinaryMetrics({.y_true = y_true, .y_pred = y_pred, .score = score});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(ValueOf(*r, "roc_auc").has_value());
  EXPECT_EQ(*ValueOf(*r, "pr_auc"), 0.0);  // sklearn: no positive, recall set to 1, AP 0
  const Figure* precision = FindFigure(*r, "precision");
  ASSERT_NE(precision, nullptr);
  EXPECT_EQ(precision->value, 0.0);
  EXPECT_EQ(precision->n, 0);  // n = 0 marks the zero division
  EXPECT_EQ(FindFigure(*r, "recall")->n, 0);
  EXPECT_EQ(*ValueOf(*r, "f1"), 0.0);
  EXPECT_EQ(*ValueOf(*r, "accuracy"), 1.0);
}

TEST(BinaryMetricsTest, LogLossClipsCertainWrongAnswersAtMachineEpsilon) {
  const std::vector<uint8_t> y_true = {1, 0};
  const std::vector<double> score = {0.0, 1.0};
  auto r = BinaryMetrics({.y_true = y_true, .score = score});
  ASSERT_TRUE(r.ok());
  // Both rows put probability eps on the true class (the (1 − p, p) row sums to 1 exactly).
  EXPECT_DOUBLE_EQ(*ValueOf(*r, "log_loss"), -std::log(kLogLossEps));
  EXPECT_EQ(*ValueOf(*r, "brier"), 1.0);
  EXPECT_EQ(*ValueOf(*r, "roc_auc"), 0.0);
}

TEST(BinaryMetricsTest, SingleRow) {
  const std::vector<uint8_t> y_true = {1};
  const std::vector<uint8_t> y_pred = {1};
  const std::vector<double> score = {0.75};
  auto r = BinaryMetrics({.y_true = y_true, .y_pred = y_pred, .score = score});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*ValueOf(*r, "count"), 1);
  EXPECT_EQ(*ValueOf(*r, "f1"), 1.0);
  EXPECT_EQ(*ValueOf(*r, "pr_auc"), 1.0);
  EXPECT_FALSE(ValueOf(*r, "roc_auc").has_value());
}

TEST(BinaryMetricsTest, EncodesThePositiveLabel) {
  const std::vector<std::string_view> labels = {"fraud", "ok", "fraud"};
  EXPECT_EQ(EncodeBinaryLabels(labels, "fraud"), (std::vector<uint8_t>{1, 0, 1}));
  const std::vector<int64_t> ints = {-1, 1, 1};
  EXPECT_EQ(EncodeBinaryLabels(ints, 1), (std::vector<uint8_t>{0, 1, 1}));
}

}  // namespace
}  // namespace lakewatch::monitor::metrics
