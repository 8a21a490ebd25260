// SidecarBuilder: builds the search index sidecar of one data file from the
// file's rows as they are written (the ingester feeds it the batches it
// hands to the Parquet writer), one batch at a time, in row order.
//
// What is indexed, per column and per block of `block_rows` consecutive rows
// of the file (the unit a lookup answers in):
//   - text columns: the tokens of each value (tokenizer.h);
//   - keyword columns: each value, byte-exact.
// Keys are 64-bit hashes (xxh3) of tokens/values. A key seen in two
// consecutive blocks is "frequent": from then on its blocks are listed
// exactly (a bitmap or a list of blocks). Every other (block, key) pair goes
// into the block's key filter (key_filter.h): fingerprints of 8 bits for
// text (about 9 bits per key, 1/256 false positives per probed block; a
// search for several words intersects their blocks) and 16 bits for
// keywords (about 18 bits per key, 1/65,536): a point lookup probes every
// block of the table, 1,221 for 10M rows, so 8 bits would read about five
// blocks that do not hold the value. 10M distinct request ids cost about
// 22 MB, and frequent words cost a bit per block. Lookups (sidecar_reader.h) never miss a block that holds the
// key; hash collisions and filter false positives only add blocks.
//
// Columns are found by dotted path in each batch (`error.message` is the
// `message` field of the struct column `error`); a value under a null struct
// is null. Only string and binary columns are indexed: a path that is absent
// is indexed as all-null for those rows, one of another type is left out of
// the sidecar (a lookup on it reports NotFound, and the caller scans).
//
// Memory: the current block's distinct keys, the previous block's, the
// frequent keys (at most kMaxFrequentKeys per column, a bit per block each)
// and the filters built so far (about the size of the sidecar).
//
// Thread-safety: none; one builder per data file, used by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/column.h"
#include "common/status.h"
#include "index/index_config.h"

namespace lakewatch::index {

inline constexpr int64_t kDefaultBlockRows = 8192;
inline constexpr uint32_t kMaxFrequentKeys = 1 << 16;

struct SidecarOptions {
  std::vector<IndexColumn> columns;
  int64_t block_rows = kDefaultBlockRows;  // 1 .. 2^30
  int text_fingerprint_bits = 8;           // kMinFingerprintBits .. kMaxFingerprintBits
  int keyword_fingerprint_bits = 16;
};

// The hash a key (a token, or a keyword value) is indexed under.
uint64_t KeyHash(std::string_view key);

class SidecarBuilder {
 public:
  // REQUIRES: options within the ranges above (programmer error otherwise).
  explicit SidecarBuilder(SidecarOptions options);
  ~SidecarBuilder();
  SidecarBuilder(const SidecarBuilder&) = delete;
  SidecarBuilder& operator=(const SidecarBuilder&) = delete;

  // Indexes rows [row_offset, row_offset + batch.num_rows) of the data file.
  // InvalidArgument unless row_offset == rows() (batches come in order,
  // without gaps).
  Status AddBatch(const RecordBatch& batch, int64_t row_offset);
  int64_t rows() const { return rows_; }

  // The sidecar's bytes for a data file of `data_file_size` bytes (0 when
  // unknown) holding rows() rows. ResourceExhausted when a column's index
  // would pass 4 GiB (the data file then has no sidecar). REQUIRES: called once.
  Result<std::string> Finish(int64_t data_file_size);

 private:
  class ColumnBuilder;
  SidecarOptions options_;
  std::vector<std::unique_ptr<ColumnBuilder>> columns_;
  int64_t rows_ = 0;
};

}  // namespace lakewatch::index
