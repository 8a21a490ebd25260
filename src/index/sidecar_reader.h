// SidecarReader: opens a data file's search index sidecar (format in
// sidecar_builder.cc) and answers which rows of the data file MAY hold given
// tokens (text columns) or a given value (keyword columns).
//
// Promise: a lookup never leaves out a row that matches. It may include rows
// that do not (the caller re-checks every row it reads: ContainsAllTokens or
// equality), at block granularity (SidecarReader::block_rows(), 8192 rows
// by default).
//
// Corruption: Open checks the magic, version, header and directory checksum
// and every size and offset in the directory; a column's section is checked
// against its checksum on its first lookup (so a lookup touches only the
// columns it asks about). Any inconsistency is Status::Corrupt naming the
// file and what was wrong — the caller then scans the data file instead. A
// corrupt sidecar never crashes or hangs the reader and, when checksums are
// verified, never gives a wrong answer.
//
// Thread-safety: after Open, all const methods may be called concurrently.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "index/index_config.h"
#include "index/row_ranges.h"

namespace lakewatch::index {

struct SidecarReadOptions {
  // Off only for fuzzing the parser behind the checksums; every structural
  // check still runs.
  bool verify_checksums = true;
};

struct IndexedColumnInfo {
  IndexColumn column;
  int fingerprint_bits = 0;
  int64_t rows_indexed = 0;  // non-null values
  int64_t bytes = 0;         // size of the column's section
};

class SidecarReader {
 public:
  ~SidecarReader();
  SidecarReader(const SidecarReader&) = delete;
  SidecarReader& operator=(const SidecarReader&) = delete;

  // Memory-maps the file. NotFound when it does not exist, Corrupt when it is
  // not a valid sidecar.
  static Result<std::unique_ptr<SidecarReader>> Open(const std::string& path, SidecarReadOptions options = {});
  // Reads from bytes in memory (tests, fuzzing); `name` names it in errors.
  static Result<std::unique_ptr<SidecarReader>> FromBuffer(std::string bytes, std::string name,
                                                           SidecarReadOptions options = {});

  const std::string& name() const { return name_; }
  int64_t num_rows() const { return num_rows_; }
  int64_t block_rows() const { return block_rows_; }
  // Size of the data file the sidecar was built for (0: unknown). A caller
  // that knows the file's size (Delta add.size) should not use a sidecar
  // whose size differs.
  int64_t data_file_size() const { return data_file_size_; }
  size_t file_size() const { return size_; }
  const std::vector<IndexedColumnInfo>& columns() const { return columns_; }
  // The entry for `column` indexed as `kind`, or null when not covered.
  const IndexedColumnInfo* FindColumn(std::string_view column, IndexKind kind) const;

  // Rows whose `column` may contain every token of `words` (each element is
  // tokenized: {"Foo bar"} looks for "foo" and "bar"). Needs a text index on
  // the column: NotFound otherwise. No token: all rows.
  Result<RowRanges> Lookup(std::string_view column, const std::vector<std::string>& words) const;
  // Rows whose `column` may equal `value` byte for byte. Uses the keyword
  // index on the column, else its text index (the value's tokens: a superset),
  // else NotFound.
  Result<RowRanges> LookupExact(std::string_view column, std::string_view value) const;

  // Checks every column's section (checksum and structure); what
  // `lakewatch index show` uses to report a sidecar as valid.
  Status VerifyAll() const;

 private:
  struct Section;
  SidecarReader() = default;
  // Takes the file's bytes (kept alive by `bytes`) and checks them.
  static Result<std::unique_ptr<SidecarReader>> Make(std::string name, SidecarReadOptions options,
                                                     std::shared_ptr<const uint8_t> bytes, size_t size);
  Status Init();
  Result<std::shared_ptr<const Section>> GetSection(size_t column) const;
  Result<RowRanges> LookupKeys(size_t column, const std::vector<uint64_t>& keys) const;

  std::string name_;
  SidecarReadOptions options_;
  std::shared_ptr<const uint8_t> bytes_;  // a mapping or a string
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  int64_t num_rows_ = 0;
  int64_t block_rows_ = 0;
  int64_t num_blocks_ = 0;
  int64_t data_file_size_ = 0;
  std::vector<IndexedColumnInfo> columns_;
  std::vector<std::pair<uint64_t, uint64_t>> section_extent_;  // offset, size
  std::vector<uint64_t> section_checksum_;
  mutable std::mutex mu_;  // guards sections_
  mutable std::vector<std::shared_ptr<const Section>> sections_;
};

}  // namespace lakewatch::index
