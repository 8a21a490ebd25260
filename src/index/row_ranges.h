// RowRange / RowRanges: the rows of one data file an index lookup may match,
// as absolute row numbers within the file, and their split by row group for
// a Parquet reader that reads selected rows of a row group.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <vector>

namespace lakewatch::index {

// Rows [begin, end) of a data file (0 = the file's first row).
struct RowRange {
  int64_t begin = 0;
  int64_t end = 0;
  bool operator==(const RowRange&) const = default;
};

// Sorted, disjoint, non-adjacent, non-empty ranges.
using RowRanges = std::vector<RowRange>;

// Number of rows the ranges cover.
int64_t CountRows(const RowRanges& ranges);

// Splits `ranges` by row group: entry g holds the ranges that fall in row
// group g (row_group_rows[g] rows each, in file order), relative to the row
// group's first row — sorted and disjoint, as a row-range reader expects; an
// empty entry means the row group can be skipped. Rows past the last row
// group are dropped.
std::vector<RowRanges> SplitByRowGroup(const RowRanges& ranges, const std::vector<int64_t>& row_group_rows);

}  // namespace lakewatch::index
