#include "parquet/page_index.h"

#include <fmt/format.h>

namespace lakewatch::parquet {

Status CheckOffsetIndex(const OffsetIndex& index, int64_t chunk_begin, int64_t chunk_end,
                        int64_t num_rows) {
  const std::vector<PageLocation>& pages = index.page_locations;
  if (pages.empty()) {
    return num_rows == 0 ? Status::OK()
                         : Status::Corrupt(fmt::format("offset index lists no page for {} rows",
                                                       num_rows));
  }
  if (pages[0].first_row_index != 0) {
    return Status::Corrupt(
        fmt::format("offset index: page 0 starts at row {}, not 0", pages[0].first_row_index));
  }
  int64_t prev_end = chunk_begin;
  for (size_t i = 0; i < pages.size(); ++i) {
    const PageLocation& p = pages[i];
    if (p.compressed_page_size <= 0 || p.offset < prev_end || p.offset > chunk_end ||
        p.compressed_page_size > chunk_end - p.offset) {
      return Status::Corrupt(fmt::format(
          "offset index: page {} at byte {} of {} bytes is not inside the column chunk (bytes {} "
          "to {}) after the previous page",
          i, p.offset, p.compressed_page_size, chunk_begin, chunk_end));
    }
    if (i > 0 && p.first_row_index <= pages[i - 1].first_row_index) {
      return Status::Corrupt(fmt::format("offset index: page {} starts at row {}, page {} at row {}",
                                         i, p.first_row_index, i - 1, pages[i - 1].first_row_index));
    }
    if (p.first_row_index >= num_rows) {
      return Status::Corrupt(fmt::format("offset index: page {} starts at row {} of a row group "
                                         "of {} rows",
                                         i, p.first_row_index, num_rows));
    }
    prev_end = p.offset + p.compressed_page_size;
  }
  return Status::OK();
}

Status CheckColumnIndex(const ColumnIndex& index, const OffsetIndex& offsets) {
  const size_t n = offsets.page_locations.size();
  auto check_size = [n](const char* what, size_t size) {
    if (size == n) return Status::OK();
    return Status::Corrupt(fmt::format("column index: {} has {} entries for {} pages", what, size, n));
  };
  LW_RETURN_IF_ERROR(check_size("null_pages", index.null_pages.size()));
  LW_RETURN_IF_ERROR(check_size("min_values", index.min_values.size()));
  LW_RETURN_IF_ERROR(check_size("max_values", index.max_values.size()));
  if (index.null_counts.has_value()) LW_RETURN_IF_ERROR(check_size("null_counts", index.null_counts->size()));
  if (index.nan_counts.has_value()) LW_RETURN_IF_ERROR(check_size("nan_counts", index.nan_counts->size()));
  return Status::OK();
}

RowRange PageRows(const OffsetIndex& index, size_t page, int64_t num_rows) {
  const std::vector<PageLocation>& pages = index.page_locations;
  return {pages[page].first_row_index,
          page + 1 < pages.size() ? pages[page + 1].first_row_index : num_rows};
}

RowSelection ColumnIndexMayMatch(const LeafDescriptor& leaf, const OffsetIndex& offsets,
                                 const ColumnIndex& index, int64_t num_rows,
                                 bool type_order_known, const StatsPredicate& pred) {
  RowSelection out;
  for (size_t i = 0; i < offsets.page_locations.size(); ++i) {
    const RowRange rows = PageRows(offsets, i, num_rows);
    ColumnStats page;
    page.num_values = rows.size();
    // Some writers put -1 for "unknown".
    if (index.null_counts.has_value() && (*index.null_counts)[i] >= 0) {
      page.null_count = (*index.null_counts)[i];
    }
    // A page with a value has fewer nulls than rows; a count saying otherwise is not trusted.
    if (!index.null_pages[i] && page.null_count >= page.num_values) page.null_count.reset();
    if (index.null_pages[i]) {
      page.null_count = page.num_values;
    } else if (type_order_known) {
      DecodeBounds(leaf, index.min_values[i], index.max_values[i], &page);
    }
    if (StatsMayMatch(page, pred)) out.Append(rows.begin, rows.end);
  }
  return out;
}

}  // namespace lakewatch::parquet
