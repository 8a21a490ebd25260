#include "monitor/stats/chi_square.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace lakewatch::monitor::stats {
namespace {

AlignedCounts Table(std::vector<int64_t> ref, std::vector<int64_t> cur) {
  AlignedCounts t;
  for (size_t i = 0; i < ref.size(); ++i) t.categories.push_back(std::string(1, 'a' + i));
  t.reference = std::move(ref);
  t.current = std::move(cur);
  return t;
}

// P(chi2_1 >= x) = erfc(sqrt(x / 2)); P(chi2_2 >= x) = exp(-x / 2).
double Sf1(double x) { return std::erfc(std::sqrt(x / 2)); }
double Sf2(double x) { return std::exp(-x / 2); }

TEST(ChiSquareTest, ContingencyTwoByTwoWithYates) {
  // Expected 15 everywhere, |O - E| = 5 corrected to 4.5: 4 * 4.5^2 / 15 = 5.4.
  const Result<ChiSquareResult> r = ChiSquareContingency(Table({10, 20}, {20, 10}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->dof, 1);
  EXPECT_NEAR(r->statistic, 5.4, 1e-14);
  EXPECT_NEAR(r->p_value, Sf1(5.4), 1e-15);
  // Without the correction: 4 * 25 / 15.
  EXPECT_NEAR(ChiSquareContingency(Table({10, 20}, {20, 10}), false)->statistic, 20.0 / 3, 1e-14);
  // The correction never moves a count past its expected value.
  EXPECT_EQ(ChiSquareContingency(Table({5, 5}, {5, 5}))->statistic, 0.0);
}

TEST(ChiSquareTest, ContingencyThreeCategories) {
  // Rows 30 and 60, columns 20, 30, 40: expected (20/3, 10, 40/3) and
  // (40/3, 20, 80/3); four cells are off by 10/3: (100/9) (3/20 + 3/40 + 3/40 + 3/80) = 3.75.
  const Result<ChiSquareResult> r = ChiSquareContingency(Table({10, 10, 10}, {10, 20, 30}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->dof, 2);
  EXPECT_NEAR(r->statistic, 3.75, 1e-14);
  EXPECT_NEAR(r->p_value, Sf2(3.75), 1e-15);
}

TEST(ChiSquareTest, GoodnessOfFitAgainstReferenceShares) {
  // Expected (10, 30) * 40 / 40: 100/10 + 100/30.
  const Result<ChiSquareResult> r = ChiSquareGoodnessOfFit(Table({10, 30}, {20, 20}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->dof, 1);
  EXPECT_NEAR(r->statistic, 40.0 / 3, 1e-13);
  EXPECT_NEAR(r->p_value, Sf1(40.0 / 3), 1e-16);
  // A category the reference lacks: infinite statistic, p = 0 (the contingency
  // form stays finite).
  const AlignedCounts fresh = Table({10, 0}, {9, 1});
  EXPECT_TRUE(std::isinf(ChiSquareGoodnessOfFit(fresh)->statistic));
  EXPECT_EQ(ChiSquareGoodnessOfFit(fresh)->p_value, 0.0);
  EXPECT_TRUE(std::isfinite(ChiSquareContingency(fresh)->statistic));
}

TEST(ChiSquareTest, SingleCategoryHasNothingToTest) {
  for (const auto& r :
       {ChiSquareContingency(Table({4}, {9})), ChiSquareGoodnessOfFit(Table({4}, {9}))}) {
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->dof, 0);
    EXPECT_EQ(r->p_value, 1.0);
  }
}

TEST(ChiSquareTest, Errors) {
  EXPECT_EQ(ChiSquareContingency(Table({0, 0}, {1, 2})).status().message(),
            "chi-square test needs values in both samples; the reference sample has none");
  EXPECT_EQ(ChiSquareContingency(Table({0, 1}, {0, 2})).status().code(),
            StatusCode::kInvalidArgument);  // category 'a' in neither sample
  EXPECT_EQ(ChiSquareGoodnessOfFit(Table({-1, 3}, {1, 2})).status().code(),
            StatusCode::kInvalidArgument);
  AlignedCounts ragged = Table({1, 2}, {1, 2});
  ragged.current.pop_back();
  EXPECT_EQ(ChiSquareContingency(ragged).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*ParseChiSquareForm("goodness_of_fit"), ChiSquareForm::kGoodnessOfFit);
  EXPECT_EQ(ParseChiSquareForm("pearson").status().code(), StatusCode::kInvalidArgument);
}

// Counts from merged (or damaged) sketches reach 2^62: the expected counts are
// formed in doubles (no 64-bit product), and totals past 2^63 are an error.
TEST(ChiSquareTest, HugeCounts) {
  const int64_t big = int64_t{1} << 62;
  Result<ChiSquareResult> r = ChiSquareContingency(Table({big / 2, big / 2}, {big / 4, big / 2}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(std::isfinite(r->statistic));
  EXPECT_GT(r->statistic, 0);
  // The same shares at a small scale give the same statistic per row.
  Result<ChiSquareResult> small = ChiSquareContingency(Table({2000, 2000}, {1000, 2000}), false);
  Result<ChiSquareResult> huge = ChiSquareContingency(Table({big / 2, big / 2}, {big / 4, big / 2}), false);
  EXPECT_NEAR(huge->statistic / static_cast<double>(big / 4), small->statistic / 1000.0, 1e-9);
  EXPECT_EQ(ChiSquareContingency(Table({big, big}, {1, 1})).status().code(),
            StatusCode::kInvalidArgument);  // the reference total is 2^63
}

TEST(ChiSquareTest, SurvivalFunction) {
  EXPECT_NEAR(ChiSquareSf(3.0, 2), Sf2(3.0), 1e-16);
  EXPECT_EQ(ChiSquareSf(0.0, 3), 1.0);
  EXPECT_EQ(ChiSquareSf(std::numeric_limits<double>::infinity(), 3), 0.0);
}

}  // namespace
}  // namespace lakewatch::monitor::stats
