#include "monitor/stats/binning.h"

#include <gtest/gtest.h>

#include <numeric>
#include <vector>

namespace lakewatch::monitor::stats {
namespace {

SortedSample Sample(std::vector<double> v) { return SortedSample::FromValues(v); }

std::vector<double> Range(double from, int n) {
  std::vector<double> v(n);
  std::iota(v.begin(), v.end(), from);
  return v;
}

TEST(BinningTest, FewDistinctReferenceValuesBinByValue) {
  const Result<BinnedCounts> b =
      BinSamples(Sample({1, 1, 2, 5}), Sample({2, 3, 3, 5, 5}), BinOptions{});
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->edges.empty());
  EXPECT_EQ(b->reference, (std::vector<int64_t>{2, 1, 0, 1}));  // values 1, 2, 3, 5
  EXPECT_EQ(b->current, (std::vector<int64_t>{0, 1, 2, 2}));
}

TEST(BinningTest, ReferenceQuartilesAsNumpyInterpolates) {
  BinOptions options;
  options.quantile_bins = 4;
  // 1..100: np.quantile at 1/4 is at index 24.75, between 25 and 26.
  const Result<BinnedCounts> b =
      BinSamples(Sample(Range(1, 100)), Sample({-5, 25.75, 50, 50.5, 1000}), options);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->edges, (std::vector<double>{25.75, 50.5, 75.25}));
  EXPECT_EQ(b->reference, (std::vector<int64_t>{25, 25, 25, 25}));
  // An edge value belongs to the bin above it; beyond the range: the outer bins.
  EXPECT_EQ(b->current, (std::vector<int64_t>{1, 2, 1, 1}));
}

TEST(BinningTest, RepeatedQuantilesMerge) {
  std::vector<double> ref(80, 7.0);  // 80% of the reference is one value
  for (int i = 0; i < 30; ++i) ref.push_back(i + 100.0);
  const Result<BinnedCounts> b = BinSamples(Sample(ref), Sample({7}), BinOptions{});
  ASSERT_TRUE(b.ok());
  for (size_t i = 1; i < b->edges.size(); ++i) EXPECT_LT(b->edges[i - 1], b->edges[i]);
  EXPECT_EQ(b->reference.size(), b->edges.size() + 1);
}

TEST(BinningTest, SturgesOverBothSamples) {
  BinOptions options;
  options.rule = Binning::kSturges;
  // 200 values over [0, 199]: log2(200) + 1 = 8.64 -> 9 equal bins of width 199/9.
  const Result<BinnedCounts> b =
      BinSamples(Sample(Range(0, 100)), Sample(Range(100, 100)), options);
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(b->edges.size(), 8u);
  EXPECT_DOUBLE_EQ(b->edges[0], 199.0 / 9);
  int64_t total = 0;
  for (int64_t c : b->reference) total += c;
  EXPECT_EQ(total, 100);
  EXPECT_EQ(b->current.back(), 23);  // 177..199: the last bin is closed on the right
}

TEST(BinningTest, Errors) {
  EXPECT_EQ(BinSamples(Sample({}), Sample({1}), BinOptions{}).status().code(),
            StatusCode::kInvalidArgument);
  BinOptions zero;
  zero.quantile_bins = 0;
  EXPECT_EQ(BinSamples(Sample(Range(0, 50)), Sample({1}), zero).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(*ParseBinning("sturges"), Binning::kSturges);
  EXPECT_EQ(ParseBinning("deciles").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace lakewatch::monitor::stats
