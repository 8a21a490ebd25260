// ParquetFileReader: opens a Parquet file (memory-mapped), parses and checks
// its footer, resolves the schema, and reads row groups into RecordBatches
// with column projection (down to nested struct fields) and row-group
// skipping by statistics.
//
// Errors name the file and what was wrong ("f.parquet: not a Parquet file
// (no PAR1 magic)"). A reader never crashes or hangs on corrupt input.
//
// Thread-safety: after Open, all const methods may be called concurrently
// (each ReadRowGroup decodes into its own buffers).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/column.h"
#include "common/status.h"
#include "parquet/column_reader.h"
#include "parquet/metadata.h"
#include "parquet/schema.h"
#include "parquet/statistics.h"

namespace lakewatch::parquet {

struct ReaderOptions {
  ColumnReadOptions column;
};

class ParquetFileReader {
 public:
  ~ParquetFileReader();
  ParquetFileReader(const ParquetFileReader&) = delete;
  ParquetFileReader& operator=(const ParquetFileReader&) = delete;

  static Result<std::unique_ptr<ParquetFileReader>> Open(const std::string& path,
                                                         ReaderOptions options = {});
  // Reads from bytes held in memory (tests, fuzzing, object storage).
  static Result<std::unique_ptr<ParquetFileReader>> FromBuffer(std::string bytes, std::string name,
                                                               ReaderOptions options = {});

  const std::string& name() const { return name_; }
  const FileMetaData& metadata() const { return metadata_; }
  const ParquetSchema& schema() const { return schema_; }
  int num_row_groups() const { return static_cast<int>(metadata_.row_groups.size()); }
  int64_t num_rows() const { return metadata_.num_rows; }
  size_t file_size() const { return size_; }

  // Statistics of leaf `leaf` in row group `rg`.
  ColumnStats RowGroupStats(int rg, int leaf) const;
  // False when the statistics prove that no row of `rg` satisfies all
  // `predicates` (a conjunction). Unknown columns make it return true.
  bool RowGroupMayMatch(int rg, const std::vector<StatsPredicate>& predicates) const;

  // Reads row group `rg` for the given plans (from schema().Project()).
  Result<RecordBatch> ReadRowGroup(int rg, const std::vector<FieldPlan>& plans) const;

  // Reads every row group (projected to `columns`, skipping row groups the
  // predicates exclude), decoding up to `threads` row groups in parallel.
  Result<std::vector<RecordBatch>> ReadAll(const std::vector<std::string>& columns = {},
                                           const std::vector<StatsPredicate>& predicates = {},
                                           int threads = 1) const;

 private:
  ParquetFileReader() = default;
  Status Init();
  Status ChunkRange(int rg, int leaf, size_t* begin, size_t* size) const;

  std::string name_;
  ReaderOptions options_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  void* mapping_ = nullptr;  // mmap base when memory-mapped
  std::string owned_;        // bytes when read from memory
  size_t footer_start_ = 0;  // first byte of the footer metadata
  FileMetaData metadata_;
  ParquetSchema schema_;
};

}  // namespace lakewatch::parquet
