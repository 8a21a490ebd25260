#include "monitor/stats/drift.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace lakewatch::monitor::stats {
namespace {

// n values cycling through `distinct` values (plus `missing` NaNs).
SortedSample Cycle(int n, int distinct, int missing = 0, double offset = 0) {
  std::vector<double> v;
  for (int i = 0; i < n; ++i) v.push_back(offset + i % distinct);
  for (int i = 0; i < missing; ++i) v.push_back(std::numeric_limits<double>::quiet_NaN());
  return SortedSample::FromValues(v);
}

CategoryCounts Categories(int n, int k) {
  CategoryCounts c;
  for (int i = 0; i < n; ++i) c.Add(std::string(1, static_cast<char>('a' + i % k)));
  return c;
}

DriftMethod DefaultFor(const SortedSample& ref, const SortedSample& cur) {
  return *DefaultDriftMethod(FeatureSample::Numeric(ref), FeatureSample::Numeric(cur), {});
}

DriftMethod DefaultFor(const CategoryCounts& ref, const CategoryCounts& cur) {
  return *DefaultDriftMethod(FeatureSample::Categorical(ref), FeatureSample::Categorical(cur), {});
}

TEST(DriftTest, DefaultChoiceIsEvidentlys) {
  // Numeric, <= 1000 reference values: KS above 5 distinct values (both samples together).
  EXPECT_EQ(DefaultFor(Cycle(1000, 6), Cycle(10, 2)), DriftMethod::kKs);
  EXPECT_EQ(DefaultFor(Cycle(1000, 3), Cycle(10, 3, 0, 3)), DriftMethod::kKs);  // 6 together
  EXPECT_EQ(DefaultFor(Cycle(1000, 5), Cycle(10, 5)), DriftMethod::kChiSquare);
  EXPECT_EQ(DefaultFor(Cycle(1000, 2), Cycle(10, 2)), DriftMethod::kZ);
  // Missing values do not count toward the 1,000 rows.
  EXPECT_EQ(DefaultFor(Cycle(1000, 6, 500), Cycle(10, 2)), DriftMethod::kKs);
  // Above 1,000: normed Wasserstein, or Jensen–Shannon for few values.
  EXPECT_EQ(DefaultFor(Cycle(1001, 6), Cycle(10, 2)), DriftMethod::kWasserstein);
  EXPECT_EQ(DefaultFor(Cycle(1001, 5), Cycle(10, 2)), DriftMethod::kJensenShannon);
  // Categorical: chi-square above 2 categories, else Z; Jensen–Shannon above 1,000 rows.
  EXPECT_EQ(DefaultFor(Categories(1000, 3), Categories(5, 1)), DriftMethod::kChiSquare);
  EXPECT_EQ(DefaultFor(Categories(1000, 2), Categories(5, 2)), DriftMethod::kZ);
  EXPECT_EQ(DefaultFor(Categories(1001, 2), Categories(5, 2)), DriftMethod::kJensenShannon);
}

TEST(DriftTest, ThresholdsAndVerdicts) {
  const SortedSample a = Cycle(50, 10);
  DriftOptions options;
  // Identical samples: KS p = 1 is not below 1; PSI 0 is at or above 0.
  options.method = DriftMethod::kKs;
  options.threshold = 1.0;
  Result<DriftResult> r = TestDrift(FeatureSample::Numeric(a), FeatureSample::Numeric(a), options);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r->p_value, 1.0);
  EXPECT_FALSE(r->drifted);
  options.method = DriftMethod::kPsi;
  options.threshold = 0.0;
  r = TestDrift(FeatureSample::Numeric(a), FeatureSample::Numeric(a), options);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->p_value.has_value());
  EXPECT_EQ(r->statistic, 0.0);
  EXPECT_TRUE(r->drifted);
  // Defaults: 0.05 for p-values, 0.1 for distances; a shift of 10 reference stds drifts.
  options = DriftOptions();
  const SortedSample far = Cycle(2000, 10, 0, 30);
  r = TestDrift(FeatureSample::Numeric(Cycle(2000, 10)), FeatureSample::Numeric(far), options);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->method, DriftMethod::kWasserstein);
  EXPECT_EQ(r->threshold, 0.1);
  EXPECT_NEAR(r->statistic, 30 / std::sqrt(8.25), 1e-12);  // std of 0..9 is sqrt(8.25)
  EXPECT_TRUE(r->drifted);
  EXPECT_EQ(r->reference_n, 2000);
  EXPECT_EQ(DefaultThreshold(DriftMethod::kZ), 0.05);
}

TEST(DriftTest, NumericValuesAsCategories) {
  DriftOptions options;
  options.method = DriftMethod::kChiSquare;
  const Result<DriftResult> r = TestDrift(FeatureSample::Numeric(Cycle(30, 3)),
                                          FeatureSample::Numeric(Cycle(30, 3)), options);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->statistic, 0.0);
  EXPECT_EQ(*r->p_value, 1.0);
}

TEST(DriftTest, Errors) {
  const SortedSample a = Cycle(10, 5);
  const CategoryCounts c = Categories(10, 2);
  DriftOptions options;
  EXPECT_EQ(TestDrift(FeatureSample::Numeric(a), FeatureSample::Categorical(c)).status().message(),
            "drift test needs samples of one kind; the reference is numeric and the current "
            "categorical");
  options.method = DriftMethod::kKs;
  EXPECT_NE(TestDrift(FeatureSample::Categorical(c), FeatureSample::Categorical(c), options)
                .status()
                .message()
                .find("numeric features only"),
            std::string::npos);
  const SortedSample empty = Cycle(0, 1, 4);
  EXPECT_EQ(TestDrift(FeatureSample::Numeric(a), FeatureSample::Numeric(empty)).status().message(),
            "drift test needs values in both samples; the current sample has none (4 missing)");
  options = DriftOptions();
  options.threshold = std::nan("");
  EXPECT_EQ(
      TestDrift(FeatureSample::Numeric(a), FeatureSample::Numeric(a), options).status().code(),
      StatusCode::kInvalidArgument);
}

TEST(DriftTest, NamesAndMetrics) {
  for (DriftMethod m :
       {DriftMethod::kAuto, DriftMethod::kKs, DriftMethod::kChiSquare, DriftMethod::kZ,
        DriftMethod::kPsi, DriftMethod::kWasserstein, DriftMethod::kJensenShannon}) {
    EXPECT_EQ(*ParseDriftMethod(DriftMethodName(m)), m);
  }
  EXPECT_EQ(ParseDriftMethod("kl").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(MetricNames(DriftMethod::kKs).statistic, "ks_stat");
  EXPECT_EQ(MetricNames(DriftMethod::kKs).p_value, "ks_pvalue");
  EXPECT_EQ(MetricNames(DriftMethod::kChiSquare).p_value, "chi2_pvalue");
  EXPECT_EQ(MetricNames(DriftMethod::kZ).statistic, "z_stat");
  EXPECT_EQ(MetricNames(DriftMethod::kWasserstein).statistic, "wasserstein_norm");
  EXPECT_EQ(MetricNames(DriftMethod::kJensenShannon).statistic, "js_distance");
  EXPECT_TRUE(MetricNames(DriftMethod::kPsi).p_value.empty());
  EXPECT_TRUE(HasPValue(DriftMethod::kZ));
  EXPECT_FALSE(HasPValue(DriftMethod::kPsi));
}

}  // namespace
}  // namespace lakewatch::monitor::stats
