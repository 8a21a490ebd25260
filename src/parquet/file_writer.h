// ParquetFileWriter: writes RecordBatches of one schema into a Parquet file:
// row groups of `row_group_rows` rows (or `row_group_bytes` encoded bytes),
// one ColumnWriter per leaf, then the footer (FileMetaData with schema,
// row groups, column_orders, key/value metadata, created_by).
//
// File layout: "PAR1" | row group 0 chunks | row group 1 chunks | ... |
//              ColumnIndex of every chunk (row group by row group, leaf by leaf) |
//              OffsetIndex of every chunk (same order) |
//              FileMetaData (Thrift compact) | u32 LE footer length | "PAR1"
// The two page-index blocks (Thrift compact structs back to back, located by
// ColumnChunk.column_index_offset/length and offset_index_offset/length) are
// written unless options.page_index is false; a chunk that cannot have a
// ColumnIndex (page_index_builder.h) still has its OffsetIndex.
//
// Memory: the current row group's encoded pages plus one open page per leaf,
// and the serialized page index of the row groups written so far (tens of
// bytes per page) until Close.
// The file appears under its final name only after Close() succeeds (written
// to the hidden "<dir>/.<name>.tmp-<pid>-<n>" and renamed), so readers never see a partial file.
// Thread-safety: none; one writer per file. With options.threads > 1 the
// leaves of each batch are encoded in parallel internally.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/column.h"
#include "common/status.h"
#include "parquet/column_writer.h"
#include "parquet/metadata.h"
#include "parquet/schema.h"

namespace lakewatch::parquet {

class ParquetFileWriter {
 public:
  ~ParquetFileWriter();
  ParquetFileWriter(const ParquetFileWriter&) = delete;
  ParquetFileWriter& operator=(const ParquetFileWriter&) = delete;

  // NotSupported when the schema has a type Parquet cannot hold (void).
  static Result<std::unique_ptr<ParquetFileWriter>> Open(const std::string& path, const Schema& schema,
                                                         WriterOptions options = {});

  // REQUIRES: batch.schema has the writer's field names and types, in order.
  Status WriteBatch(const RecordBatch& batch);
  // Flushes the last row group, writes the footer, syncs if asked, renames
  // the file into place. The writer is unusable afterwards.
  Status Close(bool sync = false);
  // Abandons the file (removes the temporary).
  void Abort();

  const FileMetaData& metadata() const { return metadata_; }  // complete after Close
  int64_t num_rows() const { return total_rows_; }
  int64_t bytes_written() const { return offset_; }
  const ParquetSchema& schema() const { return schema_; }

 private:
  ParquetFileWriter() = default;
  Status FlushRowGroup();
  // Writes the page indexes gathered by FlushRowGroup and points the footer's
  // ColumnChunks at them.
  Status WritePageIndexes();
  Status WriteBytes(const void* p, size_t n);
  Status WriteFully(const void* p, size_t n);
  Status WriteRows(const RecordBatch& batch, int64_t begin, int64_t end);

  std::string path_, tmp_path_;
  int fd_ = -1;
  WriterOptions options_;
  ParquetSchema schema_;
  std::vector<std::unique_ptr<ColumnWriter>> writers_;
  FileMetaData metadata_;
  int64_t offset_ = 0;
  int64_t group_rows_ = 0;
  int64_t total_rows_ = 0;
  bool closed_ = false;
  Buffer out_buf_;
  std::vector<ColumnChunkOutput> chunks_;  // the row group being flushed (buffers reused)
  // Serialized page indexes, written by Close; until then the ColumnChunks'
  // *_index_offset fields are offsets into these.
  std::string column_indexes_, offset_indexes_;
};

}  // namespace lakewatch::parquet
