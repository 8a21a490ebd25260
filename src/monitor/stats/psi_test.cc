#include "monitor/stats/psi.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "monitor/stats/jensen_shannon.h"

namespace lakewatch::monitor::stats {
namespace {

using Counts = std::vector<int64_t>;

TEST(PsiTest, ByHand) {
  EXPECT_EQ(*Psi(Counts{3, 5, 2}, Counts{30, 50, 20}), 0.0);
  // Shares (1/2, 1/2) against (1/4, 3/4): 1/4 ln 2 - 1/4 ln(2/3) = ln(3) / 4.
  EXPECT_NEAR(*Psi(Counts{2, 2}, Counts{1, 3}), std::log(3.0) / 4, 1e-15);
}

TEST(PsiTest, EmptyBinsGetEvidentlysSmallShare) {
  // Shares (1, 0) and (0, 1): each zero becomes 0.0001.
  const double s = 0.0001;
  EXPECT_NEAR(*Psi(Counts{5, 0}, Counts{0, 5}), 2 * (1 - s) * std::log(1 / s), 1e-12);
  // A sample whose smallest share is below 0.0001 fills with min / 10^6 instead
  // (the reference here); the current's empty bin still gets 0.0001.
  const double tiny = 1.0 / 20000;
  const double fill = tiny / 1e6;
  const double want = (tiny - s) * std::log(tiny / s) + (fill - 0.5) * std::log(fill / 0.5) +
                      ((1 - tiny) - 0.5) * std::log((1 - tiny) / 0.5);
  EXPECT_NEAR(*Psi(Counts{1, 0, 19999}, Counts{0, 1, 1}), want, 1e-12);
}

TEST(JensenShannonTest, ByHand) {
  EXPECT_EQ(*JensenShannonDistance(Counts{3, 5}, Counts{6, 10}), 0.0);
  // Disjoint supports: the divergence is ln 2 (1 bit).
  EXPECT_NEAR(*JensenShannonDistance(Counts{4, 0}, Counts{0, 9}), std::sqrt(std::log(2.0)), 1e-15);
  EXPECT_NEAR(*JensenShannonDistance(Counts{4, 0}, Counts{0, 9}, 2.0), 1.0, 1e-15);
}

TEST(BinSharesTest, Errors) {
  EXPECT_EQ(Psi(Counts{1, 2}, Counts{1}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Psi(Counts{}, Counts{}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Psi(Counts{0, 0}, Counts{1, 1}).status().message(),
            "PSI needs values in both samples; the reference sample has none");
  EXPECT_EQ(JensenShannonDistance(Counts{1, -1}, Counts{1, 1}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(JensenShannonDistance(Counts{1}, Counts{1}, 1.0).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(JensenShannonDistance(Counts{1}, Counts{1}, -2.0).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace lakewatch::monitor::stats
