// ParquetFileReader: opens a Parquet file (memory-mapped), parses and checks
// its footer, resolves the schema, and reads row groups into RecordBatches
// with column projection (down to nested struct fields) and row-group
// skipping by statistics. With the page index (page_index.h) it also reads
// selected rows of a row group decoding only the pages that hold them, and
// narrows a scan to the pages whose bounds may match a predicate.
//
// The page index is read on demand (Open parses only the footer), per call:
// a caller doing many row-range reads of one chunk may keep the indexes
// (ReadOffsetIndex) itself. A page index that is corrupt — unreadable,
// inconsistent with its chunk, or locating pages that do not decode as it
// says — never fails a read nor changes its rows: row-range reads then decode
// the whole chunk and slice it (RowReadStats counts it), PagesMayMatch keeps
// every row for that column; ReadOffsetIndex/ReadColumnIndex report the
// precise error. (An index that lies consistently about the pages a read
// skips cannot be detected without decoding them.)
//
// Errors name the file and what was wrong ("f.parquet: not a Parquet file
// (no PAR1 magic)"). A reader never crashes or hangs on corrupt input.
//
// Thread-safety: after Open, all const methods may be called concurrently
// (each ReadRowGroup decodes into its own buffers).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/column.h"
#include "common/status.h"
#include "parquet/column_reader.h"
#include "parquet/metadata.h"
#include "parquet/row_selection.h"
#include "parquet/schema.h"
#include "parquet/statistics.h"

namespace lakewatch::parquet {

struct ReaderOptions {
  ColumnReadOptions column;
};

// What a row-range read did, summed over the column chunks it read.
struct RowReadStats {
  int64_t pages_read = 0;         // data pages decoded through an OffsetIndex
  int64_t pages_skipped = 0;      // data pages an OffsetIndex let the read skip
  int64_t chunks_read_whole = 0;  // chunks decoded in full (no usable OffsetIndex, or all rows)
  int64_t index_errors = 0;       // of those, chunks whose OffsetIndex proved corrupt
  // Flat dictionary-encoded chunks read for scattered rows (at least
  // kScatteredRanges ranges): indices decoded, only selected values copied.
  int64_t chunks_read_selected = 0;
};

inline constexpr size_t kScatteredRanges = 32;

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

  // For the flat (unrepeated) leaf `leaf` of row group `rg`: (*matches)[r] =
  // whether row r's value satisfies `pred` (0 for NULL), decided through the
  // chunk's dictionary where its pages use one (ColumnChunkReader::ReadMatches).
  Status MatchRows(int rg, int leaf, const ColumnChunkReader::ValuePredicate& pred,
                   std::vector<uint8_t>* matches) const;

  // ---- page index

  // Reads the selected rows of row group `rg` — exactly those, in order, as
  // the same rows of ReadRowGroup(rg, plans) would be — decoding for each
  // column chunk only the data pages its OffsetIndex says overlap `rows`
  // (plus the dictionary page); a chunk without a usable OffsetIndex is
  // decoded whole and sliced. Scattered rows (kScatteredRanges ranges or
  // more) of a flat dictionary-encoded chunk are taken from its dictionary
  // indices instead: every page is decoded, only the selected values copied.
  // InvalidArgument when `rows` is not sorted, disjoint and within the row
  // group (RowSelection::Check). `stats`, when given, is added to.
  Result<RecordBatch> ReadRowGroupRows(int rg, const std::vector<FieldPlan>& plans,
                                       const RowSelection& rows,
                                       RowReadStats* stats = nullptr) const;

  // The rows of row group `rg` that may satisfy all `predicates` (a
  // conjunction) as far as the ColumnIndex of each predicate's column can
  // tell: the rows of pages whose bounds and null counts do not exclude the
  // predicate, intersected over the predicates (pages of different columns
  // have different boundaries). Empty when RowGroupMayMatch is false. A
  // predicate on an unknown or repeated column, or on a chunk without a
  // usable page index, keeps every row.
  RowSelection PagesMayMatch(int rg, const std::vector<StatsPredicate>& predicates) const;

  // The OffsetIndex of leaf `leaf` in row group `rg`, checked against the
  // chunk (CheckOffsetIndex). NotFound when the chunk has none; Corrupt,
  // naming the file, row group and column, when it is unreadable or wrong.
  Result<OffsetIndex> ReadOffsetIndex(int rg, int leaf) const;
  // The ColumnIndex of that chunk, checked against its OffsetIndex `offsets`.
  // Errors as ReadOffsetIndex.
  Result<ColumnIndex> ReadColumnIndex(int rg, int leaf, const OffsetIndex& offsets) const;

  // Reads every row group (projected to `columns`, skipping row groups the
  // predicates exclude), decoding up to `threads` row groups in parallel.
  Result<std::vector<RecordBatch>> ReadAll(const std::vector<std::string>& columns = {},
                                           const std::vector<StatsPredicate>& predicates = {},
                                           int threads = 1) const;

 private:
  ParquetFileReader() = default;
  Status Init();
  Status ChunkRange(int rg, int leaf, size_t* begin, size_t* size) const;
  // Decodes the whole chunk of `leaf` in `rg` into *out (`lazy_levels`: for the
  // LevelAssembler, which reads LeafData::all_defined; see ColumnChunkReader::ReadAll).
  Status ReadChunk(int rg, int leaf, LeafData* out, bool lazy_levels) const;
  // The bytes of the offset index (or column index) of chunk (rg, leaf),
  // checked to lie before the footer, and the context its errors carry.
  struct IndexBytes {
    const uint8_t* data;
    size_t size;
    std::string context;
  };
  Result<IndexBytes> LocateIndex(int rg, int leaf, bool offset_index) const;
  // Assembles the decoded leaves into the batch of `plans`; `rows` when no plan.
  Result<RecordBatch> Assemble(int rg, const std::vector<FieldPlan>& plans,
                               const std::vector<LeafData>& leaves, int64_t rows) const;
  // Appends the rows of chunk (rg, leaf) that `rows` selects to *out, through
  // the chunk's OffsetIndex `index`.
  Status ReadLeafRowsIndexed(int rg, int leaf, const OffsetIndex& index, const RowSelection& rows,
                             LeafData* out, RowReadStats* stats) const;
  // The same by decoding the whole chunk.
  Status ReadLeafRowsWhole(int rg, int leaf, const RowSelection& rows, LeafData* out) const;
  bool TypeOrderKnown(int leaf) const;

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
