// Record shredding, the inverse of level_assembler.h: turns a (possibly
// nested) Column into the repetition/definition levels and dense values of
// each Parquet leaf below it (Dremel encoding).
//
// Flat columns take a vectorized path (validity -> definition levels, values
// compacted); nested ones are walked row by row.
//
// Thread-safety: stateless; shred different columns from different threads.
#pragma once

#include <vector>

#include "common/column.h"
#include "common/status.h"
#include "parquet/level_assembler.h"

namespace lakewatch::parquet {

// Appends the entries of rows [0, col.length) of `col` (whose type is
// plan.field.type) to leaves[plan's leaves]. Each LeafData must have
// max_def/max_rep set and values allocated with the leaf's type. A leaf
// whose every entry has a value may get `col` or its child column as its
// values (shared, with all_defined set) instead of a copy.
// Fails with InvalidArgument when a non-nullable field holds a null.
Status ShredColumn(const FieldPlan& plan, const ColumnPtr& col, std::vector<LeafData>* leaves);

}  // namespace lakewatch::parquet
