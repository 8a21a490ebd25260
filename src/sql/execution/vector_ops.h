// Column operations the operators share: gathering rows by index (filter
// compaction, join output, sort output), concatenating batches, and hashing
// and comparing rows of key columns.
//
// Thread-safety: pure functions over immutable inputs.
#pragma once

#include <cstdint>
#include <vector>

#include "common/column.h"

namespace lakewatch::sql {

// Rows `rows[0..n)` of `src`, in that order, as a new column (deep copy; nested
// types included). A row index of kNullRow yields a null (outer joins).
inline constexpr uint32_t kNullRow = 0xFFFFFFFFu;
ColumnPtr Gather(const Column& src, const uint32_t* rows, int64_t n);
// The batch with only `rows`.
RecordBatch GatherBatch(const RecordBatch& batch, const std::vector<uint32_t>& rows);
// Appends rows [begin, end) of src to dst (same type).
void AppendRange(Column* dst, const Column& src, int64_t begin, int64_t end);
// One batch holding all rows of `batches` (all with `schema`).
RecordBatch ConcatBatches(const Schema& schema, const std::vector<RecordBatch>& batches);

// `child` (a field of a struct column whose validity is `parent`) with the
// struct's NULL rows made NULL. Shares `child` when it is already NULL
// wherever the parent is (what Parquet decoding gives); copies otherwise.
ColumnPtr MaskByParent(const ColumnPtr& child, const Column& parent);

// Combines into hashes[i] the hash of row i of `col` (nulls hash to a fixed
// value; equal values of the same type hash equally; -0.0 and 0.0 equal, NaNs equal).
void HashColumn(const Column& col, uint64_t* hashes, int64_t n, bool first);

}  // namespace lakewatch::sql
