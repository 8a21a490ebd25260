#include "delta/transaction.h"

#include <fmt/format.h>

#include "common/time.h"

#include <chrono>
#include <set>

#include "delta/crash_point.h"
#include "delta/maintenance.h"
#include "parquet/file_writer.h"

#ifndef LAKEWATCH_VERSION
#define LAKEWATCH_VERSION "0.1.0"
#endif

namespace lakewatch::delta {

namespace {

Status Conflict(const std::string& table, int64_t version, const std::string& what) {
  return Status::AlreadyExists(
      fmt::format("{}: concurrent modification: commit {} {}; retry the operation", table, version, what));
}

}  // namespace

std::string EngineInfo() { return std::string("lakewatch/") + LAKEWATCH_VERSION; }

Transaction::Transaction(LogStore store, std::shared_ptr<const Snapshot> read)
    : store_(std::move(store)), read_(std::move(read)) {}

bool Transaction::IsBlindAppend() const {
  return removes_.empty() && !metadata_.has_value() && !protocol_.has_value() && !reads_data_;
}

std::string Transaction::Serialize(int64_t now_ms) const {
  std::string out;
  StringMap params = operation_parameters_;
  out += CommitInfoJson(now_ms, operation_, params, IsBlindAppend(), EngineInfo());
  out += '\n';
  if (protocol_.has_value()) out += ToJson(*protocol_) + '\n';
  if (metadata_.has_value()) out += ToJson(*metadata_) + '\n';
  for (Txn t : txns_) {
    t.last_updated = now_ms;
    out += ToJson(t) + '\n';
  }
  for (const RemoveFile& r : removes_) out += ToJson(r) + '\n';
  for (const AddFile& a : adds_) out += ToJson(a) + '\n';
  return out;
}

Status Transaction::CheckConflicts(const ActionSet& w, int64_t version) const {
  const std::string& table = store_.table_path();
  if (w.protocol.has_value()) return Conflict(table, version, "changed the table protocol");
  if (w.metadata.has_value()) return Conflict(table, version, "changed the table metadata (schema or properties)");
  if (!removes_.empty() || reads_data_) {
    std::set<std::string> mine;
    for (const RemoveFile& r : removes_) mine.insert(r.path);
    for (const RemoveFile& r : w.removes) {
      if (mine.count(r.path)) return Conflict(table, version, "removed file " + r.path + " that this operation also removes");
      if (reads_data_) return Conflict(table, version, "removed files this operation read");
    }
    if (reads_data_ && !w.adds.empty()) {
      bool all_rearranged = true;  // OPTIMIZE-like commits do not change data
      for (const AddFile& a : w.adds) all_rearranged = all_rearranged && !a.data_change;
      if (!all_rearranged) return Conflict(table, version, "added data this operation did not read");
    }
  }
  return Status::OK();
}

Result<CommitResult> Transaction::Commit(int max_attempts) {
  CommitResult result;
  // delta.appendOnly: data may be added and rearranged (dataChange=false), never deleted.
  if (read_ != nullptr) {
    auto append_only = read_->metadata().Config("delta.appendOnly");
    if (append_only.has_value() && *append_only == "true") {
      for (const RemoveFile& r : removes_) {
        if (r.data_change) {
          return Status::InvalidArgument(fmt::format(
              "{}: the table is append-only (delta.appendOnly=true): removing {} is not allowed",
              store_.table_path(), r.path));
        }
      }
    }
  }
  // Idempotence: which of our txns the table already holds.
  std::vector<bool> seen(txns_.size(), false);
  auto held = [&]() -> Result<bool> {  // true: all held (duplicate); error: only some
    size_t n = 0;
    for (bool b : seen) n += b ? 1 : 0;
    if (n == 0 || txns_.empty()) return false;
    if (n == txns_.size()) return true;
    return Status::InvalidArgument(fmt::format(
        "{}: {} of the {} txn application ids of this commit were committed by another writer; "
        "retry the batches separately", store_.table_path(), n, txns_.size()));
  };
  if (read_ != nullptr && !txns_.empty()) {
    for (size_t i = 0; i < txns_.size(); ++i) {
      auto v = read_->TxnVersion(txns_[i].app_id);
      seen[i] = v.has_value() && *v >= txns_[i].version;
    }
    LW_ASSIGN_OR_RETURN(bool all, held());
    if (all) {
      result.version = read_->version();
      result.duplicate = true;
      return result;
    }
  }
  int64_t version = read_ == nullptr ? 0 : read_->version() + 1;
  for (int attempt = 1; attempt <= max_attempts; ++attempt) {
    result.attempts = attempt;
    const std::string content = Serialize(NowMillis());
    Status st = store_.PutCommitIfAbsent(version, content);
    if (!st.ok() && st.code() != StatusCode::kAlreadyExists) {
      // The commit may be in the log even though the call failed (e.g. the
      // directory fsync after link(2) failed): callers must then keep the
      // files it references.
      auto existing = store_.ReadCommit(version);
      commit_in_doubt_ = existing.ok() && *existing == content;
      return commit_in_doubt_ ? st.WithContext(fmt::format("commit {} is in the log but may not be durable", version))
                              : st;
    }
    if (st.ok()) {
      CrashPoint("commit-after-sync");
      result.version = version;
      if (checkpoint_interval_ > 0 && version > 0 && version % checkpoint_interval_ == 0) {
        auto snap = Snapshot::Load(store_, SnapshotOptions{version, std::nullopt});
        // A failed checkpoint never fails the commit: readers replay JSON instead.
        if (snap.ok() && WriteCheckpoint(store_, **snap).ok()) result.checkpointed = true;
      }
      return result;
    }
    if (version == 0) {
      return Status::AlreadyExists(store_.table_path() + ": table was created concurrently");
    }
    // Lost the race for `version`: inspect the winner, then try the next one.
    LW_ASSIGN_OR_RETURN(std::string winner_content, store_.ReadCommit(version));
    LW_ASSIGN_OR_RETURN(ActionSet winner, ParseCommit(winner_content, version));
    if (!txns_.empty()) {
      for (const Txn& t : winner.txns) {
        for (size_t i = 0; i < txns_.size(); ++i) {
          if (t.app_id == txns_[i].app_id && t.version >= txns_[i].version) seen[i] = true;
        }
      }
      LW_ASSIGN_OR_RETURN(bool all, held());
      if (all) {
        result.version = version;
        result.duplicate = true;
        return result;
      }
    }
    if (Status conflict = CheckConflicts(winner, version); !conflict.ok()) {
      lost_to_metadata_change_ = winner.metadata.has_value() && !winner.protocol.has_value();
      return conflict;
    }
    ++version;
  }
  return Status::ResourceExhausted(fmt::format("{}: gave up committing after {} attempts (heavy contention)",
                                               store_.table_path(), max_attempts));
}

// ---- checkpoint

namespace {

TypePtr StrMapType() { return DataType::Map(DataType::String(), DataType::String(), true); }

Schema CheckpointSchema() {
  auto f = [](const char* name, TypePtr t, bool nullable = true) { return Field{name, std::move(t), nullable, {}}; };
  TypePtr txn = DataType::Struct({f("appId", DataType::String()), f("version", DataType::Int64()),
                                  f("lastUpdated", DataType::Int64())});
  TypePtr dv = DataType::Struct({f("storageType", DataType::String()), f("pathOrInlineDv", DataType::String()),
                                 f("offset", DataType::Int32()), f("sizeInBytes", DataType::Int32()),
                                 f("cardinality", DataType::Int64())});
  TypePtr add = DataType::Struct({f("path", DataType::String()), f("partitionValues", StrMapType()),
                                  f("size", DataType::Int64()), f("modificationTime", DataType::Int64()),
                                  f("dataChange", DataType::Boolean()), f("stats", DataType::String()),
                                  f("tags", StrMapType()), f("deletionVector", dv),
                                  f("baseRowId", DataType::Int64()), f("defaultRowCommitVersion", DataType::Int64())});
  TypePtr remove = DataType::Struct({f("path", DataType::String()), f("deletionTimestamp", DataType::Int64()),
                                     f("dataChange", DataType::Boolean()), f("extendedFileMetadata", DataType::Boolean()),
                                     f("partitionValues", StrMapType()), f("size", DataType::Int64())});
  TypePtr format = DataType::Struct({f("provider", DataType::String()), f("options", StrMapType())});
  TypePtr meta = DataType::Struct({f("id", DataType::String()), f("name", DataType::String()),
                                   f("description", DataType::String()), f("format", format),
                                   f("schemaString", DataType::String()),
                                   f("partitionColumns", DataType::List(DataType::String())),
                                   f("configuration", StrMapType()), f("createdTime", DataType::Int64())});
  TypePtr proto = DataType::Struct({f("minReaderVersion", DataType::Int32()), f("minWriterVersion", DataType::Int32()),
                                    f("readerFeatures", DataType::List(DataType::String())),
                                    f("writerFeatures", DataType::List(DataType::String()))});
  return Schema{{f("txn", txn), f("add", add), f("remove", remove), f("metaData", meta), f("protocol", proto)}};
}

void PutStr(Column* c, const std::optional<std::string>& s) {
  if (s.has_value()) c->AppendString(*s);
  else c->AppendNull();
}
void PutStr(Column* c, const SharedText& s) {
  if (s.has_value()) c->AppendString(*s);
  else c->AppendNull();
}
void PutI64(Column* c, const std::optional<int64_t>& v) {
  if (v.has_value()) c->Append<int64_t>(*v);
  else c->AppendNull();
}
void PutI32(Column* c, const std::optional<int32_t>& v) {
  if (v.has_value()) c->Append<int32_t>(*v);
  else c->AppendNull();
}
void PutBool(Column* c, const std::optional<bool>& v) {
  if (v.has_value()) c->Append<uint8_t>(*v ? 1 : 0);
  else c->AppendNull();
}
void PutMap(Column* c, const std::optional<StringMap>& m) {
  if (!m.has_value()) {
    c->AppendNull();
    return;
  }
  for (const auto& [k, v] : *m) {
    c->children[0]->AppendString(k);
    c->children[1]->AppendString(v);
  }
  c->FinishListRow();
}
void PutParts(Column* c, const PartitionValues& m) {
  for (const auto& [k, v] : m) {
    c->children[0]->AppendString(k);
    PutStr(c->children[1].get(), v);
  }
  c->FinishListRow();
}
void PutList(Column* c, const std::optional<std::vector<std::string>>& l) {
  if (!l.has_value()) {
    c->AppendNull();
    return;
  }
  for (const auto& s : *l) c->children[0]->AppendString(s);
  c->FinishListRow();
}
void PutDv(Column* c, const std::optional<DeletionVectorDescriptor>& dv) {
  if (!dv.has_value()) {
    c->AppendNull();
    return;
  }
  c->children[0]->AppendString(dv->storage_type);
  c->children[1]->AppendString(dv->path_or_inline_dv);
  PutI32(c->children[2].get(), dv->offset);
  c->children[3]->Append<int32_t>(dv->size_in_bytes);
  c->children[4]->Append<int64_t>(dv->cardinality);
  c->FinishStructRow();
}

}  // namespace

Status WriteCheckpoint(const LogStore& store, const Snapshot& snap) {
  Schema schema = CheckpointSchema();
  RecordBatch b = RecordBatch::Empty(schema);
  Column& txn = *b.columns[0];
  Column& add = *b.columns[1];
  Column& rem = *b.columns[2];
  Column& meta = *b.columns[3];
  Column& proto = *b.columns[4];
  auto null_except = [&](Column* keep) {
    for (auto& c : b.columns) {
      if (c.get() != keep) c->AppendNull();
    }
    ++b.num_rows;
  };
  // protocol
  {
    const Protocol& p = snap.protocol();
    proto.children[0]->Append<int32_t>(p.min_reader_version);
    proto.children[1]->Append<int32_t>(p.min_writer_version);
    PutList(proto.children[2].get(), p.reader_features);
    PutList(proto.children[3].get(), p.writer_features);
    proto.FinishStructRow();
    null_except(&proto);
  }
  // metaData
  {
    const Metadata& m = snap.metadata();
    meta.children[0]->AppendString(m.id);
    PutStr(meta.children[1].get(), m.name);
    PutStr(meta.children[2].get(), m.description);
    Column& fmt = *meta.children[3];
    fmt.children[0]->AppendString(m.format_provider);
    PutMap(fmt.children[1].get(), m.format_options);
    fmt.FinishStructRow();
    PutStr(meta.children[4].get(), m.schema_string);
    PutList(meta.children[5].get(), m.partition_columns);
    PutMap(meta.children[6].get(), m.configuration);
    PutI64(meta.children[7].get(), m.created_time);
    meta.FinishStructRow();
    null_except(&meta);
  }
  for (const auto& [app, version] : snap.txns()) {
    txn.children[0]->AppendString(app);
    txn.children[1]->Append<int64_t>(version);
    txn.children[2]->AppendNull();
    txn.FinishStructRow();
    null_except(&txn);
  }
  for (const LiveFile& f : snap.files()) {
    const AddFile& a = f.add;
    add.children[0]->AppendString(a.path);
    PutParts(add.children[1].get(), a.partition_values);
    add.children[2]->Append<int64_t>(a.size);
    add.children[3]->Append<int64_t>(a.modification_time);
    add.children[4]->Append<uint8_t>(0);  // dataChange is false in checkpoints
    PutStr(add.children[5].get(), a.stats);
    PutMap(add.children[6].get(), a.tags);
    PutDv(add.children[7].get(), a.deletion_vector);
    PutI64(add.children[8].get(), a.base_row_id);
    PutI64(add.children[9].get(), a.default_row_commit_version);
    add.FinishStructRow();
    null_except(&add);
  }
  // Tombstones younger than delta.deletedFileRetentionDuration (default 7 days) stay: vacuum
  // needs them.
  const int64_t retention_ms =
      IntervalMs(snap.metadata().Config("delta.deletedFileRetentionDuration"), int64_t{7} * 86400000);
  int64_t now = NowMillis();
  for (const RemoveFile& r : snap.tombstones()) {
    if (r.deletion_timestamp.value_or(now) < now - retention_ms) continue;
    rem.children[0]->AppendString(r.path);
    PutI64(rem.children[1].get(), r.deletion_timestamp);
    rem.children[2]->Append<uint8_t>(0);
    PutBool(rem.children[3].get(), r.extended_file_metadata);
    if (r.partition_values.has_value()) PutParts(rem.children[4].get(), *r.partition_values);
    else rem.children[4]->AppendNull();
    PutI64(rem.children[5].get(), r.size);
    rem.FinishStructRow();
    null_except(&rem);
  }
  std::string name = fmt::format("{:020d}.checkpoint.parquet", snap.version());
  parquet::WriterOptions opts;
  opts.compression = parquet::Codec::kSnappy;  // what Spark writes; every Delta reader takes it
  // Row groups of a bounded size: a reader decodes (and frees) one group at a time and can
  // decode several in parallel (Snapshot::Load does both).
  opts.row_group_rows = kCheckpointRowGroupRows;
  LW_ASSIGN_OR_RETURN(auto writer, parquet::ParquetFileWriter::Open(store.log_dir() + "/" + name, schema, opts));
  LW_RETURN_IF_ERROR(writer->WriteBatch(b));
  CrashPoint("checkpoint-mid-write");
  // The writer renames its temporary into place on Close: a crash never
  // leaves a partial checkpoint under the final name.
  LW_RETURN_IF_ERROR(writer->Close(/*sync=*/true));
  LW_RETURN_IF_ERROR(SyncDir(store.log_dir()));
  CrashPoint("checkpoint-before-last-checkpoint");
  // `_last_checkpoint` only moves forward: a slower writer checkpointing an
  // older version must not point readers back at it.
  std::optional<CheckpointFile> previous = store.ReadLastCheckpoint();
  if (!previous.has_value() || previous->version < snap.version()) {
    std::string last = fmt::format("{{\"version\":{},\"size\":{},\"sizeInBytes\":{},\"numOfAddFiles\":{}}}",
                                   snap.version(), b.num_rows, writer->bytes_written(), snap.files().size());
    LW_RETURN_IF_ERROR(store.ReplaceLogFile("_last_checkpoint", last));
  }
  // Expired log files go after a checkpoint, as Delta does; a failure here
  // leaves them for the next checkpoint and does not fail this one.
  (void)CleanupLog(store, snap, NowMillis());
  return Status::OK();
}

}  // namespace lakewatch::delta
