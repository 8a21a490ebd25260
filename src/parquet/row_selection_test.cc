// RowSelection: builders keep ranges sorted, disjoint and merged; Intersect,
// Union and Contains agree with a per-row bitmap; Check rejects malformed
// ranges with a message naming the range.
#include "parquet/row_selection.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace lakewatch::parquet {
namespace {

TEST(RowSelection, BuildersMergeAndSort) {
  RowSelection s;
  s.Append(0, 3);
  s.Append(3, 5);  // touches: merged
  s.Append(7, 7);  // empty: ignored
  s.Append(8, 9);
  EXPECT_EQ(s.ranges(), (std::vector<RowRange>{{0, 5}, {8, 9}}));
  EXPECT_EQ(s.num_rows(), 6);
  EXPECT_EQ(s.ToString(), "[0, 5) [8, 9)");
  EXPECT_EQ(RowSelection::FromRows({9, 2, 3, 3, 1, 7}).ranges(),
            (std::vector<RowRange>{{1, 4}, {7, 8}, {9, 10}}));
  EXPECT_EQ(RowSelection::All(0), RowSelection());
  EXPECT_TRUE(RowSelection().empty());
  EXPECT_EQ(RowSelection().ToString(), "(no rows)");
}

TEST(RowSelection, CheckNamesTheBadRange) {
  EXPECT_TRUE(RowSelection({{0, 0}, {0, 10}, {10, 10}}).Check(10).ok());
  Status st = RowSelection({{0, 4}, {3, 5}}).Check(10);
  ASSERT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(),
            "row range 1 [3, 5) starts before the end of the previous range (4): ranges must be "
            "sorted and disjoint");
  st = RowSelection({{2, 11}}).Check(10);
  EXPECT_EQ(st.message(), "row range 0 [2, 11) is not within the row group's 10 rows");
  EXPECT_FALSE(RowSelection({{5, 4}}).Check(10).ok());
  EXPECT_FALSE(RowSelection({{-1, 4}}).Check(10).ok());
}

RowSelection RandomSelection(std::mt19937_64& rng, int64_t n, std::vector<bool>* bits) {
  bits->assign(static_cast<size_t>(n), false);
  RowSelection s;
  int64_t at = static_cast<int64_t>(rng() % 5);
  while (at < n) {
    const int64_t end = std::min<int64_t>(n, at + 1 + static_cast<int64_t>(rng() % 6));
    s.Append(at, end);
    for (int64_t i = at; i < end; ++i) (*bits)[i] = true;
    at = end + static_cast<int64_t>(rng() % 6);
  }
  return s;
}

TEST(RowSelection, SetOperationsAgreeWithBitmaps) {
  std::mt19937_64 rng(42);
  for (int iter = 0; iter < 2000; ++iter) {
    const int64_t n = 1 + static_cast<int64_t>(rng() % 60);
    std::vector<bool> a_bits, b_bits;
    const RowSelection a = RandomSelection(rng, n, &a_bits);
    const RowSelection b = RandomSelection(rng, n, &b_bits);
    const RowSelection both = a.Intersect(b);
    const RowSelection either = a.Union(b);
    ASSERT_TRUE(both.Check(n).ok());
    ASSERT_TRUE(either.Check(n).ok());
    std::vector<int64_t> both_rows, either_rows;
    for (int64_t r = 0; r < n; ++r) {
      ASSERT_EQ(a.Contains(r), a_bits[r]) << a.ToString() << " row " << r;
      ASSERT_EQ(both.Contains(r), a_bits[r] && b_bits[r]) << a.ToString() << " & " << b.ToString();
      ASSERT_EQ(either.Contains(r), a_bits[r] || b_bits[r]) << a.ToString() << " | " << b.ToString();
      if (a_bits[r] && b_bits[r]) both_rows.push_back(r);
      if (a_bits[r] || b_bits[r]) either_rows.push_back(r);
    }
    // Canonical form: equal to the selection built row by row.
    EXPECT_EQ(both, RowSelection::FromRows(both_rows));
    EXPECT_EQ(either, RowSelection::FromRows(either_rows));
    EXPECT_FALSE(a.Contains(n));
  }
}

}  // namespace
}  // namespace lakewatch::parquet
