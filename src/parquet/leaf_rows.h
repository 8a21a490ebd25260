// Row selection on decoded leaf data: copies the entries (levels and dense
// values) of selected rows from one LeafData — a whole column chunk, or one
// page of it — to another, so a row-range read assembles exactly the selected
// rows with the ordinary LevelAssembler.
//
// A row is an entry with repetition level 0 and the entries after it up to
// the next such entry (every entry, for a leaf without repetition).
//
// Thread-safety: pure function.
#pragma once

#include <cstdint>

#include "common/status.h"
#include "parquet/level_assembler.h"
#include "parquet/row_selection.h"

namespace lakewatch::parquet {

// Appends to *out the entries of the rows of `in` that `rows` selects, where
// the first entry of `in` starts row `first_row` of the row group. Sets
// *rows_in to the number of rows `in` holds. Corrupt when a non-empty `in`
// does not start at a row boundary, or its levels define more values than it
// holds.
// REQUIRES: `rows` well formed; out has in's max levels and a values column
// of the same type.
Status AppendLeafRows(const LeafData& in, int64_t first_row, const RowSelection& rows,
                      LeafData* out, int64_t* rows_in);

}  // namespace lakewatch::parquet
