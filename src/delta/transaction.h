// Transaction: stages actions against the snapshot it read and commits them
// as the next version with optimistic concurrency.
//
// Commit protocol: write `<v>.json` put-if-absent (log_store.h). When another
// writer won version v, read the winning commits and check for logical
// conflicts — a concurrent metaData/protocol change, a txn of the same
// appId, a removal of a file this transaction also removes or rewrites from,
// appends to a table this transaction read while not being a blind append —
// then retry at the next version. Blind appends (adds only) retry
// automatically. Idempotence: SetTxn(appId, version) makes the commit a
// no-op success when the table already holds that appId at >= version.
//
// Thread-safety: one transaction per thread; many transactions (threads or
// processes) may commit to one table at once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "delta/actions.h"
#include "delta/log_store.h"
#include "delta/snapshot.h"

namespace lakewatch::delta {

struct CommitResult {
  int64_t version = -1;   // the version written (or the existing one for a duplicate txn)
  bool duplicate = false; // txn (appId, version) was already committed: nothing written
  int attempts = 0;
  bool checkpointed = false;
};

class Transaction {
 public:
  // `read` may be null for a table being created (first commit = version 0).
  Transaction(LogStore store, std::shared_ptr<const Snapshot> read);

  void Add(AddFile add) { adds_.push_back(std::move(add)); }
  void Remove(RemoveFile remove) { removes_.push_back(std::move(remove)); }
  void SetMetadata(Metadata m) { metadata_ = std::move(m); }
  void SetProtocol(Protocol p) { protocol_ = std::move(p); }
  // Idempotent application id: the commit also records txn(app_id, version).
  // With several (AddTxn), the commit is a duplicate when the table already
  // holds every one of them, and a conflict when it holds only some.
  void SetTxn(std::string app_id, int64_t version) {
    txns_.clear();
    AddTxn(std::move(app_id), version);
  }
  void AddTxn(std::string app_id, int64_t version) { txns_.push_back(Txn{std::move(app_id), version, std::nullopt}); }
  // Marks that this transaction read table data (so concurrent appends conflict).
  void SetReadsData(bool reads) { reads_data_ = reads; }
  // Operation name and parameters for commitInfo ("WRITE", {"mode":"Append"}).
  void SetOperation(std::string operation, StringMap parameters = {}) {
    operation_ = std::move(operation);
    operation_parameters_ = std::move(parameters);
  }
  // Checkpoint after committing a version that is a multiple of this (0: never).
  void SetCheckpointInterval(int64_t interval) { checkpoint_interval_ = interval; }

  // Commits; retries up to `max_attempts` times on lost races.
  Result<CommitResult> Commit(int max_attempts = 1000);
  // After a failed Commit(): true when the commit file is nevertheless in the
  // log (an I/O error after link(2)), so the files it adds must be kept.
  bool commit_in_doubt() const { return commit_in_doubt_; }
  // After a failed Commit(): a concurrent commit changed the table's metaData
  // (e.g. another append added columns). An append can check its files
  // against the new schema and commit again.
  bool lost_to_metadata_change() const { return lost_to_metadata_change_; }

 private:
  bool IsBlindAppend() const;
  std::string Serialize(int64_t now_ms) const;
  // Checks the winners' actions for conflicts with this transaction.
  Status CheckConflicts(const ActionSet& winner, int64_t version) const;

  LogStore store_;
  std::shared_ptr<const Snapshot> read_;
  std::vector<AddFile> adds_;
  std::vector<RemoveFile> removes_;
  std::optional<Metadata> metadata_;
  std::optional<Protocol> protocol_;
  std::vector<Txn> txns_;
  bool reads_data_ = false;
  std::string operation_ = "WRITE";
  StringMap operation_parameters_;
  int64_t checkpoint_interval_ = 10;
  bool commit_in_doubt_ = false;
  bool lost_to_metadata_change_ = false;
};

// Writes a classic checkpoint of `snapshot` (`<v>.checkpoint.parquet`, the
// protocol's schema: txn, add, remove, metaData, protocol struct columns;
// tombstones older than the retention dropped), atomically (temporary file,
// fsync, rename, directory fsync); then `_last_checkpoint` unless it already
// names a newer version; then deletes expired log files (CleanupLog, unless
// delta.enableExpiredLogCleanup is false). Row groups hold at most
// kCheckpointRowGroupRows rows.
Status WriteCheckpoint(const LogStore& store, const Snapshot& snapshot);
inline constexpr int64_t kCheckpointRowGroupRows = 16384;

// The engineInfo written in commitInfo: "lakewatch/<version>".
std::string EngineInfo();

}  // namespace lakewatch::delta
