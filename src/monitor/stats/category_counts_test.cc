#include "monitor/stats/category_counts.h"

#include <gtest/gtest.h>

#include <vector>

namespace lakewatch::monitor::stats {
namespace {

TEST(CategoryCountsTest, AlignsOnTheUnionInByteOrder) {
  CategoryCounts ref;
  ref.Add("b", 2);
  ref.Add("a");
  ref.Add("a");
  ref.Add("ghost", 0);  // no value on either side: left out
  ref.AddMissing(3);
  CategoryCounts cur;
  cur.Add("ä", 1);  // UTF-8 bytes sort after ASCII
  cur.Add("B", 4);
  cur.Add("b", 1);
  const Result<AlignedCounts> t = AlignCategories(ref, cur);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->categories, (std::vector<std::string>{"B", "a", "b", "ä"}));
  EXPECT_EQ(t->reference, (std::vector<int64_t>{0, 2, 2, 0}));
  EXPECT_EQ(t->current, (std::vector<int64_t>{4, 0, 1, 1}));
  EXPECT_EQ(t->reference_total(), 4);
  EXPECT_EQ(t->current_total(), 6);
  EXPECT_EQ(ref.missing, 3);
  EXPECT_TRUE(ValidateAlignedCounts(*t, "t").ok());
}

TEST(CategoryCountsTest, NegativeCountIsAnError) {
  CategoryCounts ref;
  ref.Add("a", -2);
  const Result<AlignedCounts> t = AlignCategories(ref, CategoryCounts());
  EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(t.status().message().find("'a'"), std::string::npos);
}

TEST(CategoryCountsTest, DistinctValuesInNumericOrder) {
  const SortedSample ref = SortedSample::FromValues(std::vector<double>{10, 9, -0.0, 9});
  const SortedSample cur = SortedSample::FromValues(std::vector<double>{0.0, 2.5});
  const AlignedCounts t = AlignDistinctValues(ref, cur);
  EXPECT_EQ(t.categories, (std::vector<std::string>{"0", "2.5", "9", "10"}));
  EXPECT_EQ(t.reference, (std::vector<int64_t>{1, 0, 2, 1}));
  EXPECT_EQ(t.current, (std::vector<int64_t>{1, 1, 0, 0}));
}

TEST(CategoryCountsTest, ValidateNamesTheProblem) {
  AlignedCounts t;
  t.categories = {"x", "y"};
  t.reference = {1, 0};
  t.current = {2, 0};
  EXPECT_EQ(ValidateAlignedCounts(t, "Z-test").message(),
            "Z-test: category 'y' has no value in either sample");
  t.current = {2};
  EXPECT_EQ(ValidateAlignedCounts(t, "Z-test").message(),
            "Z-test: 2 categories but 2 reference and 1 current counts");
}

}  // namespace
}  // namespace lakewatch::monitor::stats
