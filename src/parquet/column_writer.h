// ColumnWriter: encodes the values of one leaf column into the pages of a
// column chunk — data page v1 (levels RLE, values RLE_DICTIONARY or PLAIN),
// an optional dictionary page, the chosen codec — and the chunk's
// ColumnMetaData with statistics and, optionally, its page index. Every data
// page starts at a record boundary (repetition level 0), as the page index
// requires.
//
// Dictionary policy: every chunk starts dictionary-encoded; before its first
// page is written the writer checks the distinct-value ratio and drops the
// dictionary for columns where it would not pay (> 50% distinct); a
// dictionary that outgrows `dictionary_bytes_limit` stops growing and the
// rest of the chunk falls back to PLAIN.
//
// Memory: the encoded, compressed pages of the current chunk (bounded by the
// row group size) plus one page of raw values and the dictionary.
// Thread-safety: none; distinct writers may run on distinct threads.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/buffer.h"
#include "common/status.h"
#include "parquet/compression.h"
#include "parquet/dictionary_encoder.h"
#include "parquet/level_assembler.h"
#include "parquet/metadata.h"
#include "parquet/page_index_builder.h"
#include "parquet/schema.h"
#include "parquet/statistics.h"

namespace lakewatch::parquet {

struct WriterOptions {
  Codec compression = Codec::kZstd;
  int compression_level = kDefaultCompressionLevel;  // codec default
  int64_t row_group_rows = int64_t{1} << 20;
  int64_t row_group_bytes = int64_t{128} << 20;      // encoded size that closes a row group
  int64_t page_bytes = int64_t{1} << 20;             // raw value bytes that close a page
  int64_t page_max_entries = int64_t{1} << 17;
  int64_t dictionary_bytes_limit = int64_t{1} << 20;
  bool dictionary = true;
  // INT32/INT64 pages that do not use the dictionary are written
  // DELTA_BINARY_PACKED when that is at least 25% smaller than PLAIN.
  bool delta_integers = true;
  // Write the page index (OffsetIndex and ColumnIndex of every column chunk,
  // page_index_builder.h) so readers can read single rows and skip pages.
  bool page_index = true;
  int threads = 1;  // leaves encoded in parallel
  std::vector<KeyValue> key_value_metadata;
};

// A finished column chunk: its bytes and metadata with offsets relative to
// the first byte of `bytes` (the file writer rebases them).
struct ColumnChunkOutput {
  Buffer bytes;
  ColumnMetaData meta;
  // With options.page_index: page offsets relative to the first byte of `bytes`
  // too. column_index is empty when the chunk cannot have one.
  std::optional<OffsetIndex> offset_index;
  std::optional<ColumnIndex> column_index;
};

class ColumnWriter {
 public:
  ColumnWriter(const LeafDescriptor& leaf, const WriterOptions& options);

  // Consumes every entry of `batch` (levels + dense logical values).
  Status Write(const LeafData& batch);
  // Closes the chunk of the current row group into *out and resets for the next.
  Status FinishChunk(ColumnChunkOutput* out);
  // Encoded bytes buffered for the current chunk (plus the open page's raw values).
  int64_t buffered_bytes() const {
    return static_cast<int64_t>(pages_.size() + page_values_.size() + page_offsets_.size());
  }

 private:
  enum class DictState { kTrying, kOn, kOff };
  void AppendPhysical(const Column& values, int64_t begin, int64_t end);
  Status FlushPage();
  // DELTA_BINARY_PACKED of the open page's int32/int64 values into scratch_ when
  // that saves at least a quarter of PLAIN's size; false (scratch_ untouched) otherwise.
  bool EncodeDeltaIfSmaller();
  Status AppendPage(PageType type, Encoding encoding, int32_t num_values, const Buffer& body,
                    Buffer* dst);
  void DecideDictionary();

  const LeafDescriptor& leaf_;
  const WriterOptions& options_;
  const int width_;  // physical record width; 0 for byte arrays, 1 for booleans

  // open page
  Buffer page_rep_, page_def_;  // int16 levels
  // Every entry of the open page so far has d == max_def, and page_def_ is
  // left empty (a page without nulls: its levels are written as one run).
  bool page_def_full_ = true;
  Buffer page_values_;          // physical values (records, or chars for byte arrays)
  Buffer page_offsets_;         // byte arrays: int64 end offsets with a leading 0
  Buffer page_indices_;         // uint32 dictionary indices, when dictionary-encoding
  int64_t page_entries_ = 0;
  int64_t page_count_values_ = 0;
  int64_t page_rows_ = 0;       // records starting in the open page
  StatsCollector page_stats_;   // merged into stats_ when the page is flushed

  // chunk
  DictState dict_state_ = DictState::kTrying;
  bool dict_used_ = false;  // some page of this chunk is dictionary-encoded
  DictionaryEncoder dict_;
  // String pages with a dictionary: their bounds come from the distinct
  // entries the page uses (page_seen_[e] == page_stamp_), not every value.
  std::vector<uint32_t> page_seen_;
  uint32_t page_stamp_ = 1;
  std::vector<std::string_view> page_distinct_;
  void NextPageStamp();
  Buffer pages_;            // encoded data pages
  int64_t chunk_entries_ = 0;
  int64_t chunk_values_ = 0;
  int64_t chunk_rows_ = 0;
  int64_t uncompressed_bytes_ = 0;
  int32_t dict_pages_count_ = 0, plain_pages_count_ = 0, delta_pages_count_ = 0;
  Buffer delta_scratch_;
  StatsCollector stats_;
  PageIndexBuilder page_index_;
  Buffer scratch_, compressed_;
  std::string header_;
};

}  // namespace lakewatch::parquet
