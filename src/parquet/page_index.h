// Reading side of the page index (parquet-format PageIndex.md): checks that
// an OffsetIndex fits its column chunk and row group and that a ColumnIndex
// fits its OffsetIndex, gives the rows of each page, and evaluates scan
// predicates page by page.
//
// What a reader may rely on once the checks pass: page i of the chunk covers
// rows [first_row_index[i], first_row_index[i+1]) (the last page up to the
// row group's end), its bytes lie inside the chunk, pages do not overlap and
// come in file order; the ColumnIndex lists have one entry per page. Whether
// the pages really hold those rows is only known when they are decoded (the
// reader checks it then).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>

#include "common/status.h"
#include "parquet/metadata.h"
#include "parquet/row_selection.h"
#include "parquet/schema.h"
#include "parquet/statistics.h"

namespace lakewatch::parquet {

// OK when `index` describes data pages inside file bytes [chunk_begin,
// chunk_end) of a chunk of a row group with `num_rows` rows; else Corrupt
// saying which page and what is wrong.
Status CheckOffsetIndex(const OffsetIndex& index, int64_t chunk_begin, int64_t chunk_end,
                        int64_t num_rows);

// OK when every list of `index` has one entry per page of `offsets`
// (null_counts and nan_counts when present); else Corrupt. (A negative null
// count, which some writers use for "unknown", is allowed and ignored.)
Status CheckColumnIndex(const ColumnIndex& index, const OffsetIndex& offsets);

// Rows of page `page`. REQUIRES: CheckOffsetIndex passed; page < pages.
RowRange PageRows(const OffsetIndex& index, size_t page, int64_t num_rows);

// The rows of the pages whose ColumnIndex entry does not prove that `pred`
// fails for all their values (StatsMayMatch on each page's bounds and null
// count). Bounds are used only with `type_order_known` (FileMetaData
// column_orders says TYPE_ORDER for the leaf); null_pages and null_counts
// always. REQUIRES: both indexes checked; the leaf is not repeated (a page's
// entries are its rows).
RowSelection ColumnIndexMayMatch(const LeafDescriptor& leaf, const OffsetIndex& offsets,
                                 const ColumnIndex& index, int64_t num_rows,
                                 bool type_order_known, const StatsPredicate& pred);

}  // namespace lakewatch::parquet
