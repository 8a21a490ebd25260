#include "monitor/metrics/multiclass_metrics.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "monitor/metrics/metrics_test_util.h"

namespace lakewatch::monitor::metrics {
namespace {

using Input = MulticlassInput<std::string_view>;

bool Contains(const Status& s, std::string_view text) {
  return s.message().find(text) != std::string::npos;
}

TEST(MulticlassMetricsTest, RejectsBadProbabilityInput) {
  const std::vector<std::string_view> y = {"a", "b"};
  const std::vector<std::string_view> one_class = {"a"};
  const std::vector<std::string_view> repeated = {"a", "a"};
  const std::vector<std::string_view> ab = {"a", "b"};
  const std::vector<double> proba = {0.5, 0.5, 0.2, 0.8};
  const std::vector<double> short_proba = {0.5, 0.5, 0.2};
  const std::vector<double> bad_proba = {0.5, 0.5, 0.2, 1.8};

  auto r = MulticlassMetrics(Input{.y_true = y, .classes = one_class, .proba = proba});
  EXPECT_TRUE(Contains(r.status(), "at least two classes")) << r.status().ToString();
  r = MulticlassMetrics(Input{.y_true = y, .classes = repeated, .proba = proba});
  EXPECT_TRUE(Contains(r.status(), "classes[1] = 'a' repeats")) << r.status().ToString();
  r = MulticlassMetrics(Input{.y_true = y, .classes = ab, .proba = short_proba});
  EXPECT_TRUE(Contains(r.status(), "proba has 3 entries, expected 4")) << r.status().ToString();
  r = MulticlassMetrics(Input{.y_true = y, .classes = ab, .proba = bad_proba});
  EXPECT_TRUE(Contains(r.status(), "proba[3] = 1.8")) << r.status().ToString();

  const std::vector<std::string_view> unknown = {"a", "c"};
  r = MulticlassMetrics(Input{.y_true = unknown, .classes = ab, .proba = proba});
  EXPECT_TRUE(Contains(r.status(), "y_true[1] = 'c' is not one of the 2 classes"))
      << r.status().ToString();
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST(MulticlassMetricsTest, RefusesMoreThanMaxClasses) {
  std::vector<int64_t> y(kMaxClasses + 5);
  for (size_t i = 0; i < y.size(); ++i) y[i] = static_cast<int64_t>(i);
  auto r = MulticlassMetrics(MulticlassInput<int64_t>{.y_true = y, .y_pred = y});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(Contains(r.status(), "y_true[1000] = '1000'")) << r.status().ToString();
}

TEST(MulticlassMetricsTest, EmptyWindowGivesOnlyTheCount) {
  auto r = MulticlassMetrics(Input{});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].metric, "count");
}

// Three rows a, b, c predicted a, b, b: by hand from the definitions.
TEST(MulticlassMetricsTest, HandComputedAverages) {
  const std::vector<std::string_view> y_true = {"a", "b", "c"};
  const std::vector<std::string_view> y_pred = {"a", "b", "b"};
  auto r = MulticlassMetrics(Input{.y_true = y_true, .y_pred = y_pred});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_DOUBLE_EQ(*ValueOf(*r, "accuracy"), 2.0 / 3);
  EXPECT_DOUBLE_EQ(*ValueOf(*r, "precision", "b"), 0.5);
  EXPECT_EQ(*ValueOf(*r, "recall", "c"), 0.0);
  EXPECT_EQ(FindFigure(*r, "precision", "c")->n, 0);  // never predicted: zero division
  // precision per class 1, 1/2, 0; recall 1, 1, 0; f1 1, 2/3, 0.
  EXPECT_DOUBLE_EQ(*ValueOf(*r, "precision_macro"), 0.5);
  EXPECT_DOUBLE_EQ(*ValueOf(*r, "recall_macro"), 2.0 / 3);
  EXPECT_DOUBLE_EQ(*ValueOf(*r, "f1_macro"), (1 + 2.0 / 3) / 3);
  EXPECT_DOUBLE_EQ(*ValueOf(*r, "f1_micro"), 2.0 / 3);
  EXPECT_DOUBLE_EQ(*ValueOf(*r, "precision_weighted"), 0.5);
  EXPECT_EQ(*ValueOf(*r, "confusion", "true=c,pred=b"), 1);
  EXPECT_FALSE(ValueOf(*r, "confusion", "true=c,pred=c").has_value());  // zero cells left out
  EXPECT_EQ(*ValueOf(*r, "support", "c"), 1);
}

TEST(MulticlassMetricsTest, ConfusionCellsEscapeSeparators) {
  EXPECT_EQ(ConfusionCell("a,b", "x=y"), "true=a%2Cb,pred=x%3Dy");
  EXPECT_EQ(ConfusionCell("100%", ""), "true=100%25,pred=");
}

TEST(MulticlassMetricsTest, MacroAucNeedsEveryClassInTheWindow) {
  const std::vector<int64_t> y_true = {1, 2, 1, 2};
  const std::vector<int64_t> classes = {3, 2, 1};    // 3 is absent from this window
  const std::vector<double> proba = {0.1, 0.2, 0.7,  //
                                     0.1, 0.6, 0.3,  //
                                     0.2, 0.5, 0.3,  //
                                     0.0, 0.9, 0.1};
  auto r = MulticlassMetrics(
      MulticlassInput<int64_t>{.y_true = y_true, .classes = classes, .proba = proba});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(ValueOf(*r, "roc_auc").has_value());
  EXPECT_FALSE(ValueOf(*r, "roc_auc", "3").has_value());
  // Class 1's column ranks rows 0, 2 (its positives) above rows 1, 3 except 0.3 = 0.3: 3.5 / 4.
  EXPECT_DOUBLE_EQ(*ValueOf(*r, "roc_auc", "1"), 3.5 / 4);
  EXPECT_TRUE(ValueOf(*r, "log_loss").has_value());
  EXPECT_FALSE(ValueOf(*r, "accuracy").has_value());  // no predictions given
}

}  // namespace
}  // namespace lakewatch::monitor::metrics
