#include "index/row_ranges.h"

#include <algorithm>

namespace lakewatch::index {

int64_t CountRows(const RowRanges& ranges) {
  int64_t n = 0;
  for (const RowRange& r : ranges) n += r.end - r.begin;
  return n;
}

std::vector<RowRanges> SplitByRowGroup(const RowRanges& ranges, const std::vector<int64_t>& row_group_rows) {
  std::vector<RowRanges> out(row_group_rows.size());
  size_t g = 0;
  int64_t group_begin = 0;
  for (const RowRange& r : ranges) {
    int64_t begin = r.begin;
    while (begin < r.end && g < row_group_rows.size()) {
      const int64_t group_end = group_begin + row_group_rows[g];
      if (begin >= group_end) {
        group_begin = group_end;
        ++g;
        continue;
      }
      const int64_t end = std::min(r.end, group_end);
      out[g].push_back({begin - group_begin, end - group_begin});
      begin = end;
    }
  }
  return out;
}

}  // namespace lakewatch::index
