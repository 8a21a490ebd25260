#include "delta/maintenance.h"

#include <dirent.h>
#include <fmt/format.h>

#include "common/time.h"
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cerrno>
#include <cstring>
#include <map>
#include <random>
#include <set>

#include "delta/crash_point.h"
#include "delta/schema_json.h"
#include "parquet/file_reader.h"
#include "parquet/file_writer.h"

namespace lakewatch::delta {

namespace {

std::string RandomName() {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
  return fmt::format("part-{:016x}{:016x}.zstd.parquet", gen(), gen());
}

int64_t MtimeMs(const struct stat& sb) {
  return static_cast<int64_t>(sb.st_mtim.tv_sec) * 1000 + sb.st_mtim.tv_nsec / 1000000;
}

std::string PartitionKey(const PartitionValues& pv) {
  std::string k;
  for (const auto& [name, v] : pv) k += name + "=" + (v.has_value() ? "v" + *v : "null") + "\x1f";
  return k;
}

}  // namespace

Result<OptimizeResult> Optimize(const DeltaTable& table, const OptimizeOptions& options) {
  LW_ASSIGN_OR_RETURN(auto snap, table.Load());
  LW_RETURN_IF_ERROR(snap->CheckWritable());
  OptimizeResult result;
  // Group small files by partition.
  std::map<std::string, std::vector<const LiveFile*>> groups;
  for (const LiveFile& f : snap->files()) {
    if (f.add.deletion_vector.has_value()) continue;
    if (f.add.size >= options.target_file_bytes / 2) continue;
    groups[PartitionKey(f.add.partition_values)].push_back(&f);
  }
  const Schema& schema = snap->schema();
  const auto& pcols = snap->metadata().partition_columns;
  Schema data_schema;
  for (const Field& f : schema.fields) {
    if (std::find(pcols.begin(), pcols.end(), f.name) == pcols.end()) data_schema.fields.push_back(f);
  }
  Transaction tx(table.store(), snap);
  std::vector<std::string> written;   // absolute
  std::vector<std::string> relative;  // the same, relative to the table
  auto cleanup = [&] {
    for (const auto& w : written) ::unlink(w.c_str());
  };
  int64_t now = NowMillis();
  for (auto& [key, files] : groups) {
    if (files.size() < 2) continue;
    // Bins of consecutive files up to the target size.
    size_t i = 0;
    while (i < files.size()) {
      std::vector<const LiveFile*> bin;
      int64_t bytes = 0;
      while (i < files.size() && (bin.empty() || bytes + files[i]->add.size <= options.target_file_bytes)) {
        bytes += files[i]->add.size;
        bin.push_back(files[i++]);
      }
      if (bin.size() < 2) continue;
      std::string subdir;
      for (const auto& [name, v] : bin[0]->add.partition_values) {
        subdir += PartitionDirName(name, v) + "/";
      }
      std::string rel = subdir + RandomName();
      parquet::WriterOptions wo;
      wo.threads = options.threads;
      auto writer = parquet::ParquetFileWriter::Open(table.path() + "/" + rel, data_schema, wo);
      if (!writer.ok()) {
        cleanup();
        return writer.status();
      }
      for (const LiveFile* f : bin) {
        // Columns added to the table after this file was written become nulls.
        auto reader = parquet::ParquetFileReader::Open(table.DataPath(f->path));
        if (!reader.ok()) {
          cleanup();
          return reader.status();
        }
        const Schema& fs = (*reader)->schema().logical();
        std::vector<std::string> present;
        for (const Field& df : data_schema.fields) {
          if (fs.FieldIndex(df.name) >= 0) present.push_back(df.name);
        }
        auto batches = (*reader)->ReadAll(present, {}, options.threads);
        if (!batches.ok()) {
          cleanup();
          return batches.status();
        }
        for (RecordBatch& b : *batches) {
          RecordBatch ob;
          ob.num_rows = b.num_rows;
          ob.schema = data_schema;
          for (const Field& df : data_schema.fields) {
            int j = b.schema.FieldIndex(df.name);
            if (j < 0) {
              auto c = Column::Make(df.type);
              for (int64_t r = 0; r < b.num_rows; ++r) c->AppendNull();
              ob.columns.push_back(c);
              continue;
            }
            // Nested fields added to the table after this file was written become nulls.
            auto adapted = AdaptColumn(b.columns[j], df.type, df.name);
            if (!adapted.ok()) {
              cleanup();
              return adapted.status().WithContext("optimize: " + f->path);
            }
            ob.columns.push_back(std::move(adapted).value());
          }
          Status st = (*writer)->WriteBatch(ob);
          if (!st.ok()) {
            cleanup();
            return st;
          }
        }
      }
      Status st = (*writer)->Close(/*sync=*/true);
      if (!st.ok()) {
        cleanup();
        return st;
      }
      written.push_back(table.path() + "/" + rel);
      relative.push_back(rel);
      AddFile add;
      add.path = EncodePath(rel);
      add.partition_values = bin[0]->add.partition_values;
      add.size = (*writer)->bytes_written();
      add.modification_time = now;
      add.data_change = false;
      auto stats = StatsJsonFromParquet(table.path() + "/" + rel, schema);
      if (stats.ok()) add.stats = *stats;
      tx.Add(std::move(add));
      result.files_added += 1;
      result.bytes_added += (*writer)->bytes_written();
      for (const LiveFile* f : bin) {
        RemoveFile r;
        r.path = f->add.path;
        r.deletion_timestamp = now;
        r.data_change = false;
        r.extended_file_metadata = true;
        r.partition_values = f->add.partition_values;
        r.size = f->add.size;
        tx.Remove(std::move(r));
        result.files_removed += 1;
        result.bytes_removed += f->add.size;
      }
    }
  }
  if (result.files_added == 0) return result;
  // The new files' directory entries must be durable before a commit names them.
  if (Status st = SyncDirsOf(table.path(), relative); !st.ok()) {
    cleanup();
    return st;
  }
  CrashPoint("optimize-after-write");
  tx.SetOperation("OPTIMIZE", {{"predicate", "[]"}, {"zOrderBy", "[]"}});
  auto commit = tx.Commit();
  if (!commit.ok()) {
    if (!tx.commit_in_doubt()) cleanup();
    return commit.status();
  }
  result.version = commit->version;
  return result;
}

namespace {

void ListDataFiles(const std::string& root, const std::string& rel, std::vector<std::pair<std::string, struct stat>>* out) {
  std::string dir = rel.empty() ? root : root + "/" + rel;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return;
  while (struct dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    if (rel.empty() && (name == "_delta_log" || name == "_lakewatch")) continue;
    std::string child = rel.empty() ? name : rel + "/" + name;
    struct stat sb;
    if (::lstat((root + "/" + child).c_str(), &sb) != 0) continue;
    if (S_ISDIR(sb.st_mode)) {
      if (name[0] == '_' || name[0] == '.') continue;  // hidden directories are not data
      ListDataFiles(root, child, out);
    } else if (S_ISREG(sb.st_mode)) {
      // Hidden files are skipped, except our writers' crashed temporaries.
      if ((name[0] == '.' || name[0] == '_') && name.find(".tmp-") == std::string::npos) continue;
      if (name.size() > 4 && name.substr(name.size() - 4) == ".crc") continue;
      out->emplace_back(child, sb);
    }
  }
  ::closedir(d);
}

}  // namespace

namespace {

// Search index sidecars, by the index module's path convention (which this
// module cannot include; see index/index_config.h): data file P has its
// sidecar at _lakewatch/index/P.lwidx. A sidecar whose data file is gone, or
// is deleted by this vacuum, is added to `result`; one of a live data file,
// or of a data file still on disk (an append in progress, a removal within
// the retention), stays. Writers' temporaries there go after the retention.
void VacuumSidecars(const std::string& table, const std::set<std::string>& live,
                    const std::vector<std::string>& deleted_data, int64_t cutoff_ms, VacuumResult* result) {
  const std::string dir = "_lakewatch/index";
  const std::string suffix = ".lwidx";
  std::vector<std::pair<std::string, struct stat>> sidecars;
  ListDataFiles(table + "/" + dir, "", &sidecars);
  const std::set<std::string> deleting(deleted_data.begin(), deleted_data.end());
  for (auto& [rel, sb] : sidecars) {
    const std::string base = rel.substr(rel.rfind('/') + 1);
    bool remove = false;
    if (base[0] == '.') {  // a temporary (ListDataFiles keeps only ".tmp-" ones)
      remove = MtimeMs(sb) < cutoff_ms;
    } else if (rel.size() > suffix.size() && rel.compare(rel.size() - suffix.size(), suffix.size(), suffix) == 0) {
      const std::string data = rel.substr(0, rel.size() - suffix.size());
      struct stat data_sb;
      remove = !live.count(data) &&
               (deleting.count(data) > 0 || (::stat((table + "/" + data).c_str(), &data_sb) != 0 && errno == ENOENT));
    }
    if (!remove) continue;
    result->files.push_back(dir + "/" + rel);
    result->bytes += sb.st_size;
  }
}

}  // namespace

Result<VacuumResult> Vacuum(const DeltaTable& table, const VacuumOptions& options) {
  LW_ASSIGN_OR_RETURN(auto snap, table.Load());
  LW_RETURN_IF_ERROR(snap->CheckWritable());
  if (options.retain_hours < 0) return Status::InvalidArgument("--retain-hours must be >= 0");
  // As Delta does: a retention shorter than the table's deletedFileRetentionDuration could delete
  // files that a running writer has written but not yet committed, or that readers of recent
  // versions still need; it takes an explicit override.
  const int64_t table_retention_ms =
      IntervalMs(snap->metadata().Config("delta.deletedFileRetentionDuration"), 7LL * 86400000LL);
  if (!options.force && options.retain_hours * 3600000.0 < static_cast<double>(table_retention_ms)) {
    return Status::InvalidArgument(fmt::format(
        "vacuum with a retention of {} hours is below the table's deletedFileRetentionDuration ({} "
        "hours): files of appends still in progress and of recent versions could be deleted; pass "
        "--force if no writer is running and time travel to older versions is not needed",
        options.retain_hours, static_cast<double>(table_retention_ms) / 3600000.0));
  }
  std::set<std::string> live;
  for (const LiveFile& f : snap->files()) live.insert(f.path);
  int64_t cutoff_ms = NowMillis() - static_cast<int64_t>(options.retain_hours * 3600000.0);
  // A removed file stays until its removal — not its writing — is older than
  // the retention, so time travel within the retention keeps working.
  std::map<std::string, int64_t> removed_at;
  for (const RemoveFile& r : snap->tombstones()) {
    auto p = DecodePath(r.path);
    if (p.ok() && r.deletion_timestamp.has_value()) removed_at[*p] = *r.deletion_timestamp;
  }
  std::vector<std::pair<std::string, struct stat>> files;
  ListDataFiles(table.path(), "", &files);
  VacuumResult result;
  for (auto& [rel, sb] : files) {
    if (live.count(rel) || live.count(table.path() + "/" + rel)) continue;
    if (MtimeMs(sb) >= cutoff_ms) continue;
    if (auto it = removed_at.find(rel); it != removed_at.end() && it->second >= cutoff_ms) continue;
    result.files.push_back(rel);
    result.bytes += sb.st_size;
  }
  VacuumSidecars(table.path(), live, result.files, cutoff_ms, &result);
  std::sort(result.files.begin(), result.files.end());
  if (!options.dry_run) {
    for (const std::string& rel : result.files) {
      std::string p = table.path() + "/" + rel;
      if (::unlink(p.c_str()) != 0 && errno != ENOENT) {
        return Status::IOError(p + ": unlink: " + std::strerror(errno));
      }
    }
  }
  return result;
}

namespace {

// Versions whose checkpoint is complete: classic, or every part of a multi-part one.
std::set<int64_t> CompleteCheckpoints(const std::vector<CheckpointFile>& checkpoints) {
  std::map<std::pair<int64_t, int>, std::set<int>> parts;
  std::set<int64_t> out;
  for (const CheckpointFile& cp : checkpoints) {
    if (cp.parts == 0) out.insert(cp.version);
    else parts[{cp.version, cp.parts}].insert(cp.part);
  }
  for (const auto& [key, seen] : parts) {
    if (static_cast<int>(seen.size()) == key.second) out.insert(key.first);
  }
  return out;
}

// Hidden temporaries of crashed writers: ".tmp-<name>-…" (LogStore) and ".<name>.tmp-…" (Parquet writer).
int64_t DeleteStaleTemporaries(const std::string& dir, int64_t cutoff_ms) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return 0;
  std::vector<std::string> stale;
  while (struct dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name.empty() || name[0] != '.' || name.find(".tmp-") == std::string::npos) continue;
    struct stat sb;
    if (::lstat((dir + "/" + name).c_str(), &sb) == 0 && S_ISREG(sb.st_mode) && MtimeMs(sb) < cutoff_ms) {
      stale.push_back(dir + "/" + name);
    }
  }
  ::closedir(d);
  int64_t deleted = 0;
  for (const std::string& p : stale) deleted += ::unlink(p.c_str()) == 0 ? 1 : 0;
  return deleted;
}

}  // namespace

Result<int64_t> CleanupLog(const LogStore& store, const Snapshot& snapshot, int64_t now_ms) {
  if (snapshot.metadata().Config("delta.enableExpiredLogCleanup") == std::optional<std::string>("false")) {
    return int64_t{0};
  }
  const int64_t kTemporaryAgeMs = 3600 * 1000;
  int64_t deleted = DeleteStaleTemporaries(store.log_dir(), now_ms - kTemporaryAgeMs);
  LW_ASSIGN_OR_RETURN(LogListing listing, store.List());
  int64_t retention = IntervalMs(snapshot.metadata().Config("delta.logRetentionDuration"), 30LL * 86400000LL);
  const int64_t cutoff = now_ms - retention;
  auto expired = [&](const std::string& name) {
    struct stat sb;
    return ::stat((store.log_dir() + "/" + name).c_str(), &sb) == 0 && MtimeMs(sb) <= cutoff;
  };
  // The newest complete checkpoint at or before the snapshot committed before the cutoff.
  int64_t keep_from = -1;
  for (int64_t v : CompleteCheckpoints(listing.checkpoints)) {
    if (v > snapshot.version()) continue;
    // Commit time is the commit file's; when cleanup already took it, the checkpoint's.
    std::string name = LogStore::CommitName(v);
    if (!std::binary_search(listing.commits.begin(), listing.commits.end(), v)) {
      for (const CheckpointFile& cp : listing.checkpoints) {
        if (cp.version == v) name = cp.name;
      }
    }
    if (expired(name)) keep_from = std::max(keep_from, v);
  }
  if (keep_from < 0) return deleted;
  // Ascending order: a crash midway leaves a suffix of old commits, which replay never needs.
  for (int64_t v : listing.commits) {
    if (v >= keep_from) break;
    if (!expired(LogStore::CommitName(v))) continue;
    if (::unlink(store.CommitPath(v).c_str()) == 0) ++deleted;
    CrashPoint("log-cleanup-mid");
  }
  for (const CheckpointFile& cp : listing.checkpoints) {
    if (cp.version >= keep_from || !expired(cp.name)) continue;
    if (::unlink((store.log_dir() + "/" + cp.name).c_str()) == 0) ++deleted;
  }
  return deleted;
}

Result<int64_t> CleanupLog(const DeltaTable& table, int64_t now_ms) {
  LW_ASSIGN_OR_RETURN(auto snap, Snapshot::Load(table.store()));
  return CleanupLog(table.store(), *snap, now_ms);
}

}  // namespace lakewatch::delta
