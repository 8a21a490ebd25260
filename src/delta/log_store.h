// LogStore: the file-system side of a Delta table's `_delta_log/`: listing
// commits and checkpoints, reading them, and the atomic put-if-absent that
// makes commits safe under concurrent writers.
//
// Put-if-absent: the content is written to a unique temporary file in the
// same directory, fsynced, then hard-linked to the final name (link(2) fails
// with EEXIST if the name exists — atomic on POSIX file systems), the
// temporary is removed and the directory fsynced. A crash leaves at most a
// stray temporary (".tmp-…", ignored by readers; log cleanup deletes the
// ones older than an hour).
//
// Thread-safety: stateless apart from the path; safe from many threads and
// processes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace lakewatch::delta {

struct CheckpointFile {
  int64_t version = 0;
  int part = 0;    // 0 for a classic single-file checkpoint, else 1..parts
  int parts = 0;   // 0 for classic
  std::string name;
};

struct LogListing {
  std::vector<int64_t> commits;             // versions with a <v>.json, ascending
  std::vector<CheckpointFile> checkpoints;  // ascending by version, then part
  bool has_last_checkpoint = false;
  bool has_v2_checkpoints = false;          // UUID-named checkpoints were seen
};

class LogStore {
 public:
  explicit LogStore(std::string table_path);

  const std::string& table_path() const { return table_path_; }
  std::string log_dir() const { return table_path_ + "/_delta_log"; }
  static std::string CommitName(int64_t version);  // 00000000000000000012.json
  std::string CommitPath(int64_t version) const;

  // NotFound when `_delta_log` does not exist ("not a Delta table").
  Result<LogListing> List() const;
  Result<std::string> ReadCommit(int64_t version) const;
  // Modification time of the commit file in milliseconds since the epoch.
  Result<int64_t> CommitMtimeMs(int64_t version) const;
  // `_last_checkpoint` parsed: {version, size, parts?}; nullopt when missing
  // or unreadable (the caller falls back to listing).
  std::optional<CheckpointFile> ReadLastCheckpoint() const;

  // Writes `<v>.json` only if it does not exist: AlreadyExists when another
  // writer got there first. Durable when it returns OK.
  Status PutCommitIfAbsent(int64_t version, const std::string& content) const;
  // Atomically replaces (write temp + rename) a file in the log directory;
  // used for checkpoints and `_last_checkpoint`, which may be rewritten.
  Status ReplaceLogFile(const std::string& name, const std::string& content) const;
  Status CreateLogDir() const;

 private:
  std::string table_path_;
};

// Atomically replaces `dir/name` with `content`: a synced temporary file
// renamed over it, then the directory synced.
Status ReplaceFileDurably(const std::string& dir, const std::string& name, const std::string& content);
// Reads a whole file; NotFound / IOError with the path.
Result<std::string> ReadFileToString(const std::string& path);
// fsyncs a directory so a new entry survives a crash.
Status SyncDir(const std::string& dir);
// fsyncs `root` and every directory between it and the files named by
// `relative_files` (paths relative to `root`), so new files — and new
// partition directories — are durable before a commit references them.
Status SyncDirsOf(const std::string& root, const std::vector<std::string>& relative_files);

}  // namespace lakewatch::delta
