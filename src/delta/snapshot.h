// Snapshot: the state of a Delta table at one version, reconstructed by log
// replay exactly as PROTOCOL.md says: start from the newest complete
// checkpoint at or before the target version (classic or multi-part), apply
// the JSON commits after it in order (versions must be contiguous), latest
// protocol and metaData win, latest txn version per appId, files keyed by
// (URI-decoded path, deletion-vector id) with the newest action winning;
// removes are kept as tombstones for vacuum only.
//
// Thread-safety: immutable after Load; share freely.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/types.h"
#include "delta/actions.h"
#include "delta/log_store.h"

namespace lakewatch::delta {

struct SnapshotOptions {
  std::optional<int64_t> version;       // time travel by version
  std::optional<int64_t> timestamp_ms;  // or by commit time (latest commit at or before it)
};

// A live data file: the add action plus its decoded path.
struct LiveFile {
  AddFile add;
  std::string path;  // URI-decoded, relative to the table (or absolute)
};

class Snapshot {
 public:
  // Loads the snapshot. NotFound for a missing table or version, Corrupt for
  // a broken log (gap in versions, no protocol/metaData, unreadable action).
  static Result<std::shared_ptr<const Snapshot>> Load(const LogStore& store, SnapshotOptions options = {});

  int64_t version() const { return version_; }
  // Commit time of `version()` (inCommitTimestamp, commitInfo.timestamp or the file mtime), ms.
  int64_t timestamp_ms() const { return timestamp_ms_; }
  const Protocol& protocol() const { return protocol_; }
  const Metadata& metadata() const { return metadata_; }
  // The table schema (from schemaString). Partition columns are part of it.
  const Schema& schema() const { return schema_; }
  const std::vector<LiveFile>& files() const { return files_; }  // sorted by path
  const std::vector<RemoveFile>& tombstones() const { return tombstones_; }
  // Latest txn version per appId.
  const std::map<std::string, int64_t>& txns() const { return txns_; }
  std::optional<int64_t> TxnVersion(const std::string& app_id) const;
  // Version the replay started from (its checkpoint), -1 when from 0.
  int64_t checkpoint_version() const { return checkpoint_version_; }
  const std::string& table_path() const { return table_path_; }

  // OK when this reader can read the table correctly; otherwise NotSupported
  // naming the reader version or the features it lacks.
  Status CheckReadable() const;
  // OK when this writer may commit to the table (writer version and features,
  // invariants it would have to enforce).
  Status CheckWritable() const;

 private:
  Snapshot() = default;
  std::string table_path_;
  int64_t version_ = -1;
  int64_t timestamp_ms_ = 0;
  int64_t checkpoint_version_ = -1;
  Protocol protocol_;
  Metadata metadata_;
  Schema schema_;
  Status schema_status_;  // why schemaString did not parse, if it did not
  std::vector<LiveFile> files_;
  std::vector<RemoveFile> tombstones_;
  std::map<std::string, int64_t> txns_;
};

// Commit time of one version (ms): the inCommitTimestamp of its commitInfo
// when the writer recorded one (the protocol then puts commitInfo first, so
// only the first line is parsed), else the commit file's modification time.
Result<int64_t> CommitTime(const LogStore& store, int64_t version);
// Commit times of `versions` (ascending commit files), made monotonic as
// Delta does (a commit older than its predecessor counts as predecessor + 1).
Result<std::vector<int64_t>> CommitTimestamps(const LogStore& store,
                                              const std::vector<int64_t>& versions);

// Reads the actions of a checkpoint's Parquet file(s).
Result<ActionSet> ReadCheckpoint(const LogStore& store, const std::vector<CheckpointFile>& parts);

}  // namespace lakewatch::delta
