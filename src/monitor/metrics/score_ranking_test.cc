#include "monitor/metrics/score_ranking.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "monitor/metrics/sort_doubles.h"

namespace lakewatch::monitor::metrics {
namespace {

TEST(SortDoublesTest, MatchesStdSortOnBothPaths) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal(0, 1e3);
  for (const size_t n : {size_t{0}, size_t{1}, size_t{100}, size_t{20000}}) {
    std::vector<double> v(n);
    for (auto& x : v) x = normal(rng);
    for (size_t i = 0; i < n; i += 7) v[i] = 0.25;  // ties
    if (n > 10) v[3] = -0.0, v[4] = 0.0, v[5] = -1e-300, v[6] = 1e300;
    std::vector<double> expected = v;
    std::sort(expected.begin(), expected.end());
    SortDoubles(v);
    ASSERT_EQ(v.size(), expected.size());
    for (size_t i = 0; i < n; ++i) ASSERT_EQ(v[i], expected[i]) << i;
  }
}

// The AUC and the average precision against their definitions, by brute force over all pairs
// and all thresholds, on data with many ties (both sides of the radix-sort cut-over).
TEST(ScoreRankingTest, AgreesWithBruteForceDefinitions) {
  std::mt19937_64 rng(11);
  for (const size_t n : {size_t{2}, size_t{57}, size_t{5000}}) {
    std::vector<uint8_t> y(n);
    std::vector<double> s(n);
    for (size_t i = 0; i < n; ++i) {
      y[i] = rng() % 3 == 0;
      s[i] = static_cast<double>(rng() % 20) / 19.0 + (y[i] ? 0.1 : 0.0);
    }
    y[0] = 1, y[1] = 0;
    const auto ranking = ScoreRanking::Build(s.data(), n, 1, [&](size_t i) { return y[i] != 0; });

    double pairs = 0, ordered = 0;
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = 0; j < n; ++j) {
        if (!y[i] || y[j]) continue;
        pairs += 1;
        ordered += s[i] > s[j] ? 1.0 : s[i] == s[j] ? 0.5 : 0.0;
      }
    }
    EXPECT_NEAR(ranking.RocAuc(), ordered / pairs, 1e-12) << n;

    std::vector<double> thresholds = s;
    std::sort(thresholds.begin(), thresholds.end());
    thresholds.erase(std::unique(thresholds.begin(), thresholds.end()), thresholds.end());
    const double positives = static_cast<double>(std::count(y.begin(), y.end(), 1));
    double ap = 0, previous_recall = 0;
    for (auto t = thresholds.rbegin(); t != thresholds.rend(); ++t) {
      double tp = 0, predicted = 0;
      for (size_t i = 0; i < n; ++i) {
        if (s[i] >= *t) predicted += 1, tp += y[i];
      }
      ap += (tp / positives - previous_recall) * (tp / predicted);
      previous_recall = tp / positives;
    }
    EXPECT_NEAR(ranking.AveragePrecision(), ap, 1e-12) << n;
  }
}

}  // namespace
}  // namespace lakewatch::monitor::metrics
