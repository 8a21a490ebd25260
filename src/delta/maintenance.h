// Table maintenance: OPTIMIZE (compaction), VACUUM (deleting unreferenced
// files) and log cleanup — what Delta Lake's own implementations do, for the
// parts the protocol pins down.
//
// Thread-safety: as DeltaTable; maintenance runs concurrently with appends
// (optimize commits with dataChange=false and conflicts only with removals of
// the same files).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "delta/table.h"

namespace lakewatch::delta {

struct OptimizeOptions {
  int64_t target_file_bytes = int64_t{128} << 20;  // files below half of it are compacted
  int threads = 1;
};

struct OptimizeResult {
  int64_t files_removed = 0;
  int64_t files_added = 0;
  int64_t bytes_removed = 0;
  int64_t bytes_added = 0;
  int64_t version = -1;  // -1 when nothing needed compacting
};

// Compacts the small files of each partition into files of about the target
// size. Rows and their values are unchanged; stats are recomputed.
Result<OptimizeResult> Optimize(const DeltaTable& table, const OptimizeOptions& options = {});

struct VacuumOptions {
  double retain_hours = 168;  // files (and crashed writers' temporaries) younger than this stay
  bool dry_run = false;
  // A retention below the table's delta.deletedFileRetentionDuration (default 7 days) is refused
  // unless forced, as Delta does: it could delete files of a commit still in progress.
  bool force = false;
};

struct VacuumResult {
  std::vector<std::string> files;  // deleted (or, for a dry run, to delete), relative to the table
  int64_t bytes = 0;
};

// Deletes data files no live add references and whose modification time is
// older than the retention — and, for files the log removed, whose removal
// (the tombstone's deletionTimestamp) is older than the retention too, as
// Delta does, so versions within the retention stay readable. Refuses tables with writer features it does not
// know (e.g. vacuumProtocolCheck demands it). Search index sidecars
// (`_lakewatch/index/<data file>.lwidx`) are deleted with their data file, and
// when their data file no longer exists; those of live files are kept.
Result<VacuumResult> Vacuum(const DeltaTable& table, const VacuumOptions& options);

// Deletes the log files that are past the log retention
// (delta.logRetentionDuration, default 30 days), as Delta does: the newest
// complete checkpoint C whose commit is older than the cutoff is kept, and
// commits and checkpoints before C that are older than the cutoff are
// deleted — so every version committed within the retention stays
// reconstructible (time travel) and the latest one always does. Also deletes
// writers' temporaries in `_delta_log` older than an hour (left by crashes).
// `snapshot` is the table's latest snapshot. Returns how many files were deleted.
Result<int64_t> CleanupLog(const LogStore& store, const Snapshot& snapshot, int64_t now_ms);
// The same for `table` at its latest version.
Result<int64_t> CleanupLog(const DeltaTable& table, int64_t now_ms);

}  // namespace lakewatch::delta
