#include "parquet/row_selection.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>

namespace lakewatch::parquet {

RowSelection RowSelection::All(int64_t num_rows) {
  RowSelection s;
  s.Append(0, num_rows);
  return s;
}

RowSelection RowSelection::FromRows(std::vector<int64_t> rows) {
  std::sort(rows.begin(), rows.end());
  RowSelection s;
  for (int64_t r : rows) {
    assert(r >= 0);
    if (!s.ranges_.empty() && r < s.ranges_.back().end) continue;  // duplicate
    s.Append(r, r + 1);
  }
  return s;
}

void RowSelection::Append(int64_t begin, int64_t end) {
  assert(begin <= end);
  if (begin >= end) return;
  if (!ranges_.empty()) {
    assert(begin >= ranges_.back().end);
    if (begin == ranges_.back().end) {
      ranges_.back().end = end;
      return;
    }
  }
  ranges_.push_back({begin, end});
}

RowSelection RowSelection::Intersect(const RowSelection& other) const {
  RowSelection out;
  size_t i = 0, j = 0;
  const std::vector<RowRange>& a = ranges_;
  const std::vector<RowRange>& b = other.ranges_;
  while (i < a.size() && j < b.size()) {
    const int64_t begin = std::max(a[i].begin, b[j].begin);
    const int64_t end = std::min(a[i].end, b[j].end);
    if (begin < end) out.Append(begin, end);
    if (a[i].end < b[j].end) {
      ++i;
    } else {
      ++j;
    }
  }
  return out;
}

RowSelection RowSelection::Union(const RowSelection& other) const {
  RowSelection out;
  size_t i = 0, j = 0;
  const std::vector<RowRange>& a = ranges_;
  const std::vector<RowRange>& b = other.ranges_;
  while (i < a.size() || j < b.size()) {
    const bool take_a = j == b.size() || (i < a.size() && a[i].begin <= b[j].begin);
    const RowRange r = take_a ? a[i++] : b[j++];
    if (r.begin >= r.end) continue;
    if (!out.ranges_.empty() && r.begin <= out.ranges_.back().end) {
      out.ranges_.back().end = std::max(out.ranges_.back().end, r.end);
    } else {
      out.ranges_.push_back(r);
    }
  }
  return out;
}

Status RowSelection::Check(int64_t num_rows) const {
  int64_t prev_end = 0;
  for (size_t i = 0; i < ranges_.size(); ++i) {
    const RowRange& r = ranges_[i];
    if (r.begin < 0 || r.begin > r.end || r.end > num_rows) {
      return Status::InvalidArgument(fmt::format(
          "row range {} [{}, {}) is not within the row group's {} rows", i, r.begin, r.end, num_rows));
    }
    if (r.begin < prev_end) {
      return Status::InvalidArgument(fmt::format(
          "row range {} [{}, {}) starts before the end of the previous range ({}): ranges must be "
          "sorted and disjoint",
          i, r.begin, r.end, prev_end));
    }
    prev_end = std::max(prev_end, r.end);
  }
  return Status::OK();
}

int64_t RowSelection::num_rows() const {
  int64_t n = 0;
  for (const RowRange& r : ranges_) n += r.end - r.begin;
  return n;
}

bool RowSelection::Contains(int64_t row) const {
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), row,
                             [](int64_t v, const RowRange& r) { return v < r.end; });
  return it != ranges_.end() && it->begin <= row;
}

std::string RowSelection::ToString() const {
  std::string s;
  for (const RowRange& r : ranges_) s += fmt::format("{}[{}, {})", s.empty() ? "" : " ", r.begin, r.end);
  return s.empty() ? "(no rows)" : s;
}

}  // namespace lakewatch::parquet
