#include "monitor/stats/wasserstein.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace lakewatch::monitor::stats {
namespace {

SortedSample Sample(std::vector<double> v) { return SortedSample::FromValues(v); }

TEST(WassersteinTest, ByHand) {
  EXPECT_EQ(*WassersteinDistance(Sample({0}), Sample({1})), 1.0);
  // A shift moves every unit of mass by the shift.
  EXPECT_DOUBLE_EQ(*WassersteinDistance(Sample({0, 1, 3}), Sample({5, 6, 8})), 5.0);
  // Half the mass moves from 0 to 2: 1.
  EXPECT_DOUBLE_EQ(*WassersteinDistance(Sample({0, 0}), Sample({0, 2})), 1.0);
  EXPECT_EQ(*WassersteinDistance(Sample({2, 2, 7}), Sample({7, 2, 2})), 0.0);
}

TEST(WassersteinTest, NormedByPopulationStdWithFloor) {
  // Reference {0, 2}: population std 1 (ddof 0), so the normed distance is W itself.
  EXPECT_DOUBLE_EQ(*NormedWasserstein(Sample({0, 2}), Sample({3, 5})), 3.0);
  // A constant reference has std 0: divided by the 0.001 floor.
  EXPECT_DOUBLE_EQ(*NormedWasserstein(Sample({4, 4}), Sample({4, 5})), 0.5 / 0.001);
}

TEST(WassersteinTest, EmptySampleIsAnError) {
  EXPECT_EQ(WassersteinDistance(Sample({}), Sample({1})).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(NormedWasserstein(Sample({1}), Sample({std::nan("")})).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace lakewatch::monitor::stats
