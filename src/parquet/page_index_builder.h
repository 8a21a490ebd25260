// PageIndexBuilder: collects, page by page, what the page index of one column
// chunk holds (parquet-format PageIndex.md) and produces its OffsetIndex and
// ColumnIndex when the chunk is finished.
//
// OffsetIndex: one PageLocation per data page (offset, header + body size,
// first row). ColumnIndex: per page null_pages, min_values, max_values,
// null_counts, and the chunk's boundary_order. Bounds follow the rules of
// statistics.h (TYPE_ORDER, PLAIN-encoded, NaN never a bound, -0.0 / +0.0 for
// zero bounds) except for byte arrays longer than kMaxBoundBytes: the page
// index truncates them (which the spec allows) instead of leaving them out,
// since one missing page bound would drop the whole ColumnIndex: the lower
// bound becomes a prefix, the upper bound a prefix whose last byte (binary) or
// character (UTF-8 string, kept valid UTF-8) is incremented.
//
// No ColumnIndex is produced (the OffsetIndex still is) when a page has values
// but no usable bounds: all of them NaN (the spec forbids a ColumnIndex then),
// or an upper bound that cannot be truncated (its first kMaxBoundBytes bytes
// all 0xFF, or all U+10FFFF).
//
// Thread-safety: none; one builder per column writer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/scalar.h"
#include "parquet/metadata.h"
#include "parquet/schema.h"
#include "parquet/statistics.h"

namespace lakewatch::parquet {

class PageIndexBuilder {
 public:
  static constexpr size_t kMaxBoundBytes = StatsCollector::kMaxStatBytes;

  explicit PageIndexBuilder(const LeafDescriptor& leaf);

  // Records one data page: its offset relative to the first data page, its
  // size (header + compressed body), the row group row it starts with, how
  // many non-null values it holds, and the statistics of those values.
  // REQUIRES: pages are added in file order; first_row increases strictly.
  void AddPage(int64_t offset, int64_t size, int64_t first_row, int64_t non_null_values,
               const StatsCollector& stats);

  // Moves the chunk's indexes out, page offsets shifted by `offset_shift`
  // (the bytes in front of the first data page: the dictionary page), and
  // resets for the next chunk. *column_index is left empty when the chunk
  // cannot have one (see above).
  void Finish(int64_t offset_shift, OffsetIndex* offset_index,
              std::optional<ColumnIndex>* column_index);

 private:
  void Reset();

  const LeafDescriptor* leaf_;
  OffsetIndex offsets_;
  ColumnIndex bounds_;
  bool bounds_ok_ = true;  // every page so far has usable bounds
  // Boundary order over the non-null pages seen so far.
  bool ascending_ = true, descending_ = true, have_previous_ = false;
  Scalar previous_min_, previous_max_;
};

// Truncation of byte-array bounds (exposed for tests). A lower bound: the
// longest prefix of at most `limit` bytes (cut at a character boundary when
// `utf8`); never greater than `value`. An upper bound: `value` itself when it
// fits, else a string greater than every string that starts with the kept
// prefix (at most `limit` bytes, plus up to 3 when a UTF-8 character grows);
// nullopt when no such string exists within the limit.
std::string TruncateLowerBound(std::string_view value, size_t limit, bool utf8);
std::optional<std::string> TruncateUpperBound(std::string_view value, size_t limit, bool utf8);

}  // namespace lakewatch::parquet
