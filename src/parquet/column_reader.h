// ColumnChunkReader: decodes the pages of one column chunk — all of them, or
// single data pages an OffsetIndex locates — (dictionary page, data pages v1
// and v2, any codec and value encoding the format defines) into LeafData: definition/repetition levels and the dense logical values, ready
// for record assembly (level_assembler.h).
//
// Checks along the way, each failing with Status::Corrupt that names the
// column, the page's byte offset in the file and what was wrong: page bounds,
// CRC-32 when the page carries one, level values above their maximum, value
// counts that disagree with the levels, dictionary indices out of range.
//
// Ownership: borrows the chunk bytes and the descriptor for the reader's
// lifetime. Thread-safety: none; use one reader per chunk and thread.
#pragma once

#include <cstdint>
#include <functional>

#include "common/buffer.h"
#include "common/column.h"
#include "common/status.h"
#include "parquet/level_assembler.h"
#include "parquet/metadata.h"
#include "parquet/row_selection.h"
#include "parquet/schema.h"

namespace lakewatch::parquet {

struct ColumnReadOptions {
  bool verify_crc = true;
  // A page whose uncompressed size exceeds this is refused (protects against
  // corrupt headers asking for huge allocations).
  int64_t max_page_bytes = int64_t{1} << 30;
};

class ColumnChunkReader {
 public:
  // `chunk` holds the chunk's bytes, which start at file offset `file_offset`.
  ColumnChunkReader(const LeafDescriptor& leaf, const ColumnMetaData& meta, const uint8_t* chunk,
                    size_t chunk_size, int64_t file_offset, ColumnReadOptions options = {});

  // Decodes all pages into *out (levels and values appended). With
  // `lazy_levels`, a flat leaf (max_rep == 0) read into an empty *out whose
  // pages all define every entry gets out->all_defined instead of definition
  // levels (see LeafData); a page with a null materializes them.
  Status ReadAll(LeafData* out, bool lazy_levels = false);

  // ---- single pages (row-range reads through an OffsetIndex)
  // Decodes the pages in chunk bytes [0, end): the dictionary page, if any,
  // and index pages. Corrupt when a data page lies there. Call once, before
  // ReadDataPageAt.
  Status ReadPagesBefore(size_t end);
  // Decodes the data page whose header starts at chunk offset `pos` and which
  // (header and body) takes exactly `size` bytes; appends its levels and
  // values to *out. Corrupt when the page is no data page, takes another
  // size, or does not decode.
  // REQUIRES: out->max_def/max_rep/values set up as ReadAll does.
  Status ReadDataPageAt(size_t pos, size_t size, LeafData* out);
  // The same, keeping only the page's entries [keep_begin, keep_end) of a
  // flat leaf (max_rep == 0, where an entry is a row): the levels of the
  // others are dropped and their values not decoded where the encoding lets
  // them be skipped (PLAIN, dictionary indices) — one row of a 32,768-row
  // page costs the decompression and the levels, not 32,768 values. Sets
  // *kept_begin to the page entry the appended ones start at (keep_begin, or
  // 0 for a repeated leaf, which keeps the whole page) and *page_entries to
  // the entries the page holds in all.
  Status ReadDataPageRange(size_t pos, size_t size, int64_t keep_begin, int64_t keep_end, LeafData* out,
                           int64_t* kept_begin, int64_t* page_entries);

  // ---- predicates decided without materializing values
  // `pred` sets out[i] to 1 or 0 for each value i of `values` (dense, no
  // nulls, of the leaf's logical type): whether it satisfies a predicate.
  using ValuePredicate = std::function<Status(const Column& values, uint8_t* out)>;
  // Decodes every page of a flat chunk (max_rep == 0) and sets
  // (*matches)[i] = pred(value of entry i) for each of its entries; NULL
  // entries get 0. Pages encoded against the dictionary are decided by the
  // dictionary: `pred` runs once over the dictionary values and their
  // indices pick the answers, so no value is copied out. Other pages (PLAIN
  // fallback) are decoded and `pred` runs over their values.
  Status ReadMatches(const ValuePredicate& pred, std::vector<uint8_t>* matches);
  // Decodes every page of a flat chunk and appends to *out (set up as for
  // ReadAll) the entries of the rows `rows` selects — levels and values —
  // copying values out of the dictionary only for those rows: for scattered
  // rows of a dictionary-encoded chunk this spares materializing every value
  // of every page. REQUIRES: rows well formed within the chunk's rows.
  Status ReadSelectedFlat(const RowSelection& rows, LeafData* out);

 private:
  // Runs `fn(page, first_row)` for each data page of a flat chunk, in order,
  // with its levels and — unless page_was_dictionary_, when indices_ holds
  // the page's dictionary indices instead — its values in `page`.
  Status ForEachFlatPage(const std::function<Status(const LeafData& page, int64_t first_row)>& fn);
  void ReserveOutput(LeafData* out) const;
  // Decodes the page whose header starts at chunk offset `pos` and which must
  // end by `limit`: data pages append to *out (none allowed when out is
  // null), a dictionary page becomes the dictionary, others are skipped.
  // Sets *type and *next (the offset after the page).
  Status ReadPage(size_t pos, size_t limit, LeafData* out, PageType* type, size_t* next);
  Status ReadDictionaryPage(const PageHeader& h, const uint8_t* page, size_t size);
  Status ReadDataPage(const PageHeader& h, const uint8_t* page, size_t size, LeafData* out);
  // Decodes `n` dense values of `encoding` from data[0, size) into out->values.
  Status DecodeValues(Encoding encoding, const uint8_t* data, size_t size, int64_t n, LeafData* out);
  // Appends only values [skip, skip + take) of the `n` there.
  Status DecodeValueRange(Encoding encoding, const uint8_t* data, size_t size, int64_t n, int64_t skip,
                          int64_t take, LeafData* out);
  Status Decompress(const uint8_t* in, size_t in_size, size_t out_size, Buffer* out);
  Status Error(const std::string& what) const;

  const LeafDescriptor& leaf_;
  const ColumnMetaData& meta_;
  const uint8_t* chunk_;
  size_t chunk_size_;
  int64_t file_offset_;
  ColumnReadOptions options_;
  int64_t page_offset_ = 0;  // file offset of the page being decoded (for messages)

  ColumnPtr dictionary_;  // logical dictionary values, when the chunk has one
  Buffer scratch_;        // decompressed page
  Buffer levels_scratch_;
  Buffer phys_data_;      // physical values before conversion
  Buffer phys_offsets_;
  Buffer indices_;        // dictionary indices
  // ReadMatches: dictionary pages leave their indices in indices_ instead of
  // values (indices_only_), and say so in page_was_dictionary_.
  bool indices_only_ = false;
  bool page_was_dictionary_ = false;
  // ReadDataPageRange: the entries of the page to keep (keep_end_ < 0: all).
  int64_t keep_begin_ = 0, keep_end_ = -1;
  bool lazy_levels_ = false;  // ReadAll(out, true)
  int64_t page_entries_ = 0;  // entries of the last data page decoded
};

// Converts `n` physical values (fixed-width records in `data`, or byte
// arrays as `data` + int64 end offsets with a leading 0) to the leaf's logical
// type and appends them to `out` (a dense column of leaf.type).
Status AppendConvertedValues(const LeafDescriptor& leaf, const Buffer& data, const Buffer& offsets,
                             int64_t n, Column* out);

}  // namespace lakewatch::parquet
