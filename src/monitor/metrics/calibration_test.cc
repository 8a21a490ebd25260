#include "monitor/metrics/calibration.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "monitor/metrics/metrics_test_util.h"

namespace lakewatch::monitor::metrics {
namespace {

TEST(CalibrationTableTest, RejectsBadBinsAndScores) {
  const std::vector<uint8_t> y = {0, 1};
  const std::vector<double> score = {0.2, 0.7};
  for (const int bins : {0, -3, kMaxCalibrationBins + 1}) {
    auto r = Calibrate(y, score, bins);
    ASSERT_FALSE(r.ok()) << bins;
    EXPECT_NE(r.status().message().find("calibration bins"), std::string::npos);
  }
  const std::vector<double> bad = {0.2, 1.01};
  EXPECT_FALSE(Calibrate(y, bad).ok());
  const std::vector<double> short_score = {0.2};
  EXPECT_FALSE(Calibrate(y, short_score).ok());
}

TEST(CalibrationTableTest, EmptyWindowHasNoFigures) {
  auto r = Calibrate({}, {});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->bins.empty());
  EXPECT_TRUE(CalibrationFigures(*r).empty());
}

TEST(CalibrationTableTest, ScoresOnAnEdgeFallInTheBinBelow) {
  // Edges are k · 0.1: 0.1 is an edge exactly, 3 · 0.1 = 0.30000000000000004 > 0.3.
  const std::vector<uint8_t> y = {1, 0, 1, 0};
  const std::vector<double> score = {0.0, 0.1, 0.3, 1.0};
  auto r = Calibrate(y, score, 10);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->bins.size(), 3u);
  EXPECT_EQ(r->bins[0].index, 0);
  EXPECT_EQ(r->bins[0].count, 2);
  EXPECT_EQ(r->bins[1].index, 2);
  EXPECT_EQ(r->bins[2].index, 9);
  EXPECT_DOUBLE_EQ(r->bins[0].mean_score, 0.05);
  EXPECT_EQ(r->bins[0].positive_rate, 0.5);
  // ECE = 2/4 · |0.5 − 0.05| + 1/4 · |1 − 0.3| + 1/4 · |0 − 1|
  EXPECT_DOUBLE_EQ(r->expected_calibration_error, 0.5 * 0.45 + 0.25 * 0.7 + 0.25 * 1.0);

  const Figures figures = CalibrationFigures(*r);
  EXPECT_EQ(*ValueOf(figures, "calibration_positive_rate", "bin=0.2-0.3"), 1.0);
  EXPECT_EQ(FindFigure(figures, "calibration_mean_score", "bin=0-0.1")->n, 2);
  EXPECT_EQ(FindFigure(figures, "ece")->n, 4);
}

TEST(CalibrationTableTest, OneBinHoldsEverything) {
  const std::vector<uint8_t> y = {1, 0, 0};
  const std::vector<double> score = {0.0, 0.5, 1.0};
  auto r = Calibrate(y, score, 1);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->bins.size(), 1u);
  EXPECT_EQ(r->bins[0].count, 3);
  EXPECT_DOUBLE_EQ(r->expected_calibration_error, 0.5 - 1.0 / 3);
}

}  // namespace
}  // namespace lakewatch::monitor::metrics
