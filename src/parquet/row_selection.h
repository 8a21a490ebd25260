// RowSelection: a set of rows of one row group, held as sorted, disjoint,
// non-empty half-open ranges [begin, end). It says which rows a read returns
// (ParquetFileReader::ReadRowGroupRows) and which rows a page-index filter
// keeps (ParquetFileReader::PagesMayMatch).
//
// The builders (Append, FromRows, Intersect, Union) keep the ranges sorted,
// disjoint and merged (adjacent ranges coalesce), so two selections of the
// same rows compare equal. A selection built from raw ranges (the public
// constructor) is checked with Check() before use.
//
// Thread-safety: a value.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace lakewatch::parquet {

struct RowRange {
  int64_t begin = 0;
  int64_t end = 0;  // exclusive

  int64_t size() const { return end - begin; }
  bool operator==(const RowRange&) const = default;
};

class RowSelection {
 public:
  RowSelection() = default;  // no rows
  // Takes `ranges` as given; Check() says whether they are well formed.
  explicit RowSelection(std::vector<RowRange> ranges) : ranges_(std::move(ranges)) {}

  // Rows [0, num_rows).
  static RowSelection All(int64_t num_rows);
  // The rows listed (any order, duplicates allowed). REQUIRES: rows >= 0.
  static RowSelection FromRows(std::vector<int64_t> rows);

  // Adds [begin, end), merging with the last range when they touch.
  // REQUIRES: begin >= the end of the last range; begin <= end (empty: no-op).
  void Append(int64_t begin, int64_t end);

  // Rows in both / either selection. REQUIRES: both well formed.
  RowSelection Intersect(const RowSelection& other) const;
  RowSelection Union(const RowSelection& other) const;

  // InvalidArgument unless every range has begin <= end, lies within
  // [0, num_rows), and starts at or after the previous range's end. Empty
  // ranges are allowed (they select nothing).
  Status Check(int64_t num_rows) const;

  const std::vector<RowRange>& ranges() const { return ranges_; }
  bool empty() const { return num_rows() == 0; }
  int64_t num_rows() const;
  // REQUIRES: well formed. O(log ranges).
  bool Contains(int64_t row) const;
  // "[0, 10) [20, 21)" for messages and test failures.
  std::string ToString() const;

  bool operator==(const RowSelection&) const = default;

 private:
  std::vector<RowRange> ranges_;
};

}  // namespace lakewatch::parquet
