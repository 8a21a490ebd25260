// DeltaTable: the operations a user runs on one Delta table — create, append
// Parquet files, scan (with partition pruning, file skipping by stats,
// projection, schema evolution), history — built on Snapshot and Transaction.
//
// Thread-safety: a DeltaTable holds only its path; every call loads what it
// needs, so one object may be used from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/column.h"
#include "common/status.h"
#include "delta/snapshot.h"
#include "delta/transaction.h"
#include "parquet/file_reader.h"
#include "parquet/statistics.h"

namespace lakewatch::delta {

struct CreateOptions {
  std::vector<std::string> partition_columns;
  StringMap configuration;
  std::optional<std::string> name;
  std::optional<std::string> description;
};

struct ScanOptions {
  std::vector<std::string> columns;  // empty: all; top-level names or struct paths (a.b)
  // Conjunction used to skip files (partition values, stats) and row groups.
  // Rows are NOT filtered by the scan itself: callers re-check predicates.
  std::vector<parquet::StatsPredicate> predicates;
  int threads = 1;
};

struct ScanStats {
  int64_t files_total = 0;
  int64_t files_skipped = 0;  // by partition values or file stats
  int64_t row_groups_skipped = 0;
};

struct HistoryEntry {
  int64_t version = 0;
  int64_t timestamp_ms = 0;
  std::string operation;
  std::string commit_info_json;
  int64_t adds = 0, removes = 0;
};

// A data file the caller wrote inside the table directory (durably: the file
// and its directory entries synced) and wants committed.
struct DataFile {
  std::string name;                  // relative to the table, not URI-encoded
  PartitionValues partition_values;  // one entry per partition column
  int64_t size = 0;
  Schema schema;                     // the file's logical schema
  std::string source;                // names the file in errors
};

struct CommitFilesOptions {
  // Idempotence (Transaction::AddTxn): when the table holds all of them the
  // commit writes nothing and returns `duplicate`.
  std::vector<Txn> txns;
  // When set and the table does not exist, the commit creates it (version 0:
  // protocol, metaData with the files' merged schema, the adds).
  std::optional<CreateOptions> create;
};

class DeltaTable;

// One data file of a scan, opened: its reader, the row groups that may hold
// matching rows, and what the scan needs to turn its batches into rows of
// the table schema. Immutable; shared by the threads reading it.
struct ScanFile {
  const LiveFile* file = nullptr;
  std::shared_ptr<const parquet::ParquetFileReader> reader;  // null: no file column is read
  std::vector<int> row_groups;                               // to read, ascending
  std::vector<parquet::FieldPlan> plans;                     // projection plans for the reader
  int64_t num_rows = 0;                                      // file rows (when no column is read)
  // The projected table schema of its batches; null: the cursor's schema()
  // (set by ScanCursor::Narrow).
  std::shared_ptr<const Schema> schema;
};

// A scan split into units that threads can read independently: the files
// left after pruning by partition values and file stats, each opened on
// demand, and their row groups read one at a time into batches of the
// (projected) table schema — partition columns filled in, columns added to
// the table after a file was written read as NULL.
//
// Thread-safety: after Make, all methods may be called from many threads.
class ScanCursor {
 public:
  static Result<std::unique_ptr<ScanCursor>> Make(const DeltaTable& table, std::shared_ptr<const Snapshot> snapshot,
                                                  ScanOptions options);
  // The projected table schema of every batch.
  const Schema& schema() const { return schema_; }
  const Snapshot& snapshot() const { return *snapshot_; }
  // Files that may hold matching rows, in log order.
  const std::vector<const LiveFile*>& files() const { return files_; }
  int64_t files_total() const { return files_total_; }
  // Opens files()[i]: reads its footer and keeps the row groups whose
  // statistics may match the predicates.
  Result<std::shared_ptr<const ScanFile>> OpenFile(size_t i) const;
  // Row group `rg` of an opened file as a batch of schema().
  Result<RecordBatch> ReadRowGroup(const ScanFile& file, int rg) const;
  // Only the selected rows (relative to the row group) of row group `rg`:
  // the data pages that hold none of them are not decoded (page index).
  Result<RecordBatch> ReadRowGroupRows(const ScanFile& file, int rg, const parquet::RowSelection& rows) const;
  // The opened `file` read for `columns` only — a subset of the cursor's
  // columns (top-level names or struct paths) — sharing its reader and row
  // groups: its batches hold just those columns (row counts as before, even
  // when none of them is in the file). For reading the columns a filter needs first and the
  // others only for the rows that pass. REQUIRES: file.reader != nullptr.
  // InvalidArgument when `columns` is empty.
  Result<std::shared_ptr<const ScanFile>> Narrow(const ScanFile& file, const std::vector<std::string>& columns) const;
  // The whole file (files without a column to read: one batch of num_rows rows, no columns read).
  Result<std::vector<RecordBatch>> ReadFile(const ScanFile& file) const;

 private:
  ScanCursor() = default;
  Result<RecordBatch> ToTableBatch(const ScanFile& file, RecordBatch fb) const;

  const DeltaTable* table_ = nullptr;
  std::shared_ptr<const Snapshot> snapshot_;
  ScanOptions options_;
  Schema schema_;
  std::vector<const LiveFile*> files_;
  int64_t files_total_ = 0;
};

class DeltaTable {
 public:
  explicit DeltaTable(std::string path) : store_(std::move(path)) {}
  const std::string& path() const { return store_.table_path(); }
  const LogStore& store() const { return store_; }

  // Creates version 0 (protocol 1/2, metaData). AlreadyExists if the table exists.
  Result<CommitResult> Create(const Schema& schema, const CreateOptions& options) const;
  // Loads a snapshot and checks that this reader can read it.
  Result<std::shared_ptr<const Snapshot>> Load(SnapshotOptions options = {}) const;

  // Copies Parquet files into the table (unique names, under partition
  // folders named by the constant value each file holds in each partition
  // column), fsyncs them and their directories, and commits one add per file
  // with stats from its footer. Each file's schema must be compatible with
  // the table's (same names; missing nullable columns allowed; new nullable
  // columns are added to the table schema). With `txn`, a batch the table
  // already holds (appId at >= version) copies nothing and returns
  // `duplicate`. Lost races are retried (Transaction::Commit); a concurrent
  // schema change is met by checking the files against the new schema and
  // committing again. On failure the copies are deleted unless the commit
  // may be in the log (Transaction::commit_in_doubt).
  Result<CommitResult> AppendParquetFiles(const std::vector<std::string>& files,
                                          std::optional<Txn> txn = std::nullopt) const;

  // Commits one add per file (stats from each file's footer), adding the
  // columns the files bring (schema evolution). Lost races are retried; a
  // concurrent schema change is met by checking the files against the new
  // schema and committing again. Does not delete the files on failure; when
  // `*in_doubt` is set after a failure the commit may be in the log, so the
  // files must be kept.
  Result<CommitResult> CommitDataFiles(const std::vector<DataFile>& files, const CommitFilesOptions& options,
                                       bool* in_doubt = nullptr) const;

  // Reads the table's rows as batches in the table schema (projected).
  Result<std::vector<RecordBatch>> Scan(const Snapshot& snapshot, const ScanOptions& options,
                                        ScanStats* stats = nullptr) const;
  // Whether a live file may hold rows matching all predicates.
  bool FileMayMatch(const Snapshot& snapshot, const LiveFile& file,
                    const std::vector<parquet::StatsPredicate>& predicates) const;

  Result<std::vector<HistoryEntry>> History(int64_t limit = -1) const;

  // Full path of a live file (relative paths resolved against the table).
  std::string DataPath(const std::string& file_path) const;

 private:
  LogStore store_;
};

// The directory name of one partition level, Hive-style: "col=value" with
// the characters that would break a path or a `k=v` pair ('/', '=', ':',
// '%', '#', '?', '\\', control bytes, ...) escaped as %XX; null values are
// __HIVE_DEFAULT_PARTITION__. The log path is then EncodePath(dir/name).
std::string PartitionDirName(const std::string& column, const std::optional<std::string>& value);

// A random (version 4) UUID in its canonical text form.
std::string NewUuid();
// A fresh data file name relative to the table: the partition folders
// ("date=2025-11-24/") then "part-<uuid><suffix>".
std::string NewDataFileName(const PartitionValues& partition_values, std::string_view suffix);

// Reads column `src`, as a data file stores it, as table type `to` (struct
// fields added later as nulls, …; see table.cc). NotSupported naming `where`
// when the shapes cannot be bridged. Used by scans and by optimize.
Result<ColumnPtr> AdaptColumn(const ColumnPtr& src, const TypePtr& to, const std::string& where);

// Footer statistics of a Parquet file as Delta `stats` JSON for `schema`.
Result<std::string> StatsJsonFromParquet(const std::string& parquet_path, const Schema& schema);

}  // namespace lakewatch::delta
