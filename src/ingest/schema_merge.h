// Schema agreement between record builders that work in parallel (the JSON
// lines pipeline with --threads > 1): each builder infers the types of the
// columns new in its batch on its own, and the batches meet in one table.
//
// MergeSchemas adds the columns of a batch to the schema the table has so
// far, when they agree: a column both have must have the same type, except
// that structs merge field by field (and lists and maps through their
// elements and values). A new name equal to an existing one but for case is a
// disagreement too (Delta column names are case-insensitive). On a
// disagreement the batch is rebuilt by a builder locked to the merged schema,
// which resolves it by the ordinary type rules (record_builder.h).
//
// ConformBatch gives a batch the columns of a larger schema it merged into:
// the fields in the schema's order, null columns for the fields it lacks, at
// every nesting level. The buffers are moved, not copied, and the batch's
// columns are changed in place: they must not be shared with another batch.
#pragma once

#include "common/column.h"
#include "common/types.h"

namespace lakewatch::ingest {

// Whether two schemas have the same fields (names and types) in the same order.
bool SameSchema(const Schema& a, const Schema& b);

// `base` extended by the fields of `add` that it lacks (appended in `add`'s
// order, at every nesting level). False when the two disagree on a type.
bool MergeSchemas(const Schema& base, const Schema& add, Schema* out);

// `batch` in `target`'s shape. REQUIRES: MergeSchemas(target, batch.schema)
// succeeds and adds nothing (target holds every column of the batch).
RecordBatch ConformBatch(RecordBatch batch, const Schema& target);

}  // namespace lakewatch::ingest
