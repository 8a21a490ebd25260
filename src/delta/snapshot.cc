#include "delta/snapshot.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <unordered_map>

#include "delta/schema_json.h"
#include "parquet/file_reader.h"

namespace lakewatch::delta {

namespace {

// Normalizes a log path to the key used for replay: URI-decoded, with a
// file: scheme reduced to the plain absolute path.
Result<std::string> NormalizePath(const std::string& raw) {
  std::string_view p = raw;
  if (p.rfind("file://", 0) == 0) {
    p.remove_prefix(7);  // file:///a -> /a ; file://host/a is not supported, keep as is
  } else if (p.rfind("file:", 0) == 0) {
    p.remove_prefix(5);
  }
  return DecodePath(p);
}

// The replay key of a file: its decoded path made absolute against the table
// root (Delta canonicalizes paths, so a relative add and an absolute remove of
// the same file match), plus the deletion vector's id.
std::string FileKey(const std::string& root, const std::string& path,
                    const std::optional<DeletionVectorDescriptor>& dv) {
  std::string key = !path.empty() && path[0] == '/' ? path : root + '/' + path;
  if (dv.has_value()) key += '\n' + dv->UniqueId();
  return key;
}

struct Replay {
  std::string root;  // absolute table path
  std::optional<Protocol> protocol;
  std::optional<Metadata> metadata;
  std::unordered_map<std::string, LiveFile> live;
  std::unordered_map<std::string, RemoveFile> tombstones;
  std::map<std::string, int64_t> txns;

  Status Apply(ActionSet&& a) {
    if (a.protocol.has_value()) protocol = std::move(a.protocol);
    if (a.metadata.has_value()) metadata = std::move(a.metadata);
    for (Txn& t : a.txns) txns[t.app_id] = t.version;
    for (RemoveFile& r : a.removes) {
      LW_ASSIGN_OR_RETURN(std::string path, NormalizePath(r.path));
      std::string key = FileKey(root, path, r.deletion_vector);
      live.erase(key);
      tombstones[key] = std::move(r);
    }
    for (AddFile& add : a.adds) {
      LW_ASSIGN_OR_RETURN(std::string path, NormalizePath(add.path));
      std::string key = FileKey(root, path, add.deletion_vector);
      tombstones.erase(key);
      live[key] = LiveFile{std::move(add), std::move(path)};
    }
    return Status::OK();
  }
};

// ---- checkpoint rows -> actions

const Column* Child(const Column& s, const std::string& name) {
  int i = s.type->FieldIndex(name);
  return i < 0 ? nullptr : s.children[i].get();
}

std::optional<std::string> Str(const Column* c, int64_t row) {
  if (c == nullptr || c->IsNull(row) || !c->type->is_binary_like()) return std::nullopt;
  return std::string(c->GetString(row));
}

std::optional<int64_t> Int(const Column* c, int64_t row) {
  if (c == nullptr || c->IsNull(row)) return std::nullopt;
  switch (c->type->id()) {
    case TypeId::kInt8: return c->Value<int8_t>(row);
    case TypeId::kInt16: return c->Value<int16_t>(row);
    case TypeId::kInt32: return c->Value<int32_t>(row);
    case TypeId::kInt64: return c->Value<int64_t>(row);
    default: return std::nullopt;
  }
}

std::optional<bool> Bool(const Column* c, int64_t row) {
  if (c == nullptr || c->IsNull(row) || c->type->id() != TypeId::kBoolean) return std::nullopt;
  return c->Value<uint8_t>(row) != 0;
}

std::optional<StringMap> Map(const Column* c, int64_t row) {
  if (c == nullptr || c->IsNull(row) || c->type->id() != TypeId::kMap) return std::nullopt;
  StringMap out;
  const Column& k = *c->children[0];
  const Column& v = *c->children[1];
  for (int64_t i = c->ListBegin(row); i < c->ListEnd(row); ++i) {
    out.emplace_back(Str(&k, i).value_or(""), Str(&v, i).value_or(""));
  }
  return out;
}

PartitionValues PartMap(const Column* c, int64_t row) {
  PartitionValues out;
  if (c == nullptr || c->IsNull(row) || c->type->id() != TypeId::kMap) return out;
  const Column& k = *c->children[0];
  const Column& v = *c->children[1];
  for (int64_t i = c->ListBegin(row); i < c->ListEnd(row); ++i) out.emplace_back(Str(&k, i).value_or(""), Str(&v, i));
  return out;
}

std::optional<std::vector<std::string>> StrList(const Column* c, int64_t row) {
  if (c == nullptr || c->IsNull(row) || c->type->id() != TypeId::kList) return std::nullopt;
  std::vector<std::string> out;
  for (int64_t i = c->ListBegin(row); i < c->ListEnd(row); ++i) out.push_back(Str(c->children[0].get(), i).value_or(""));
  return out;
}

std::optional<DeletionVectorDescriptor> Dv(const Column* c, int64_t row) {
  if (c == nullptr || c->IsNull(row) || c->type->id() != TypeId::kStruct) return std::nullopt;
  DeletionVectorDescriptor dv;
  dv.storage_type = Str(Child(*c, "storageType"), row).value_or("");
  dv.path_or_inline_dv = Str(Child(*c, "pathOrInlineDv"), row).value_or("");
  if (auto o = Int(Child(*c, "offset"), row)) dv.offset = static_cast<int32_t>(*o);
  dv.size_in_bytes = static_cast<int32_t>(Int(Child(*c, "sizeInBytes"), row).value_or(0));
  dv.cardinality = Int(Child(*c, "cardinality"), row).value_or(0);
  return dv;
}

Status RowsToActions(const RecordBatch& batch, const std::string& file, ActionSet* out) {
  auto col = [&](const char* name) -> const Column* {
    int i = batch.schema.FieldIndex(name);
    return i < 0 ? nullptr : batch.columns[i].get();
  };
  const Column* add = col("add");
  const Column* remove = col("remove");
  const Column* txn = col("txn");
  const Column* meta = col("metaData");
  const Column* proto = col("protocol");
  for (int64_t r = 0; r < batch.num_rows; ++r) {
    if (add != nullptr && add->IsValid(r)) {
      AddFile a;
      auto path = Str(Child(*add, "path"), r);
      if (!path.has_value()) return Status::Corrupt(file + ": checkpoint add without path");
      a.path = *path;
      a.partition_values = PartMap(Child(*add, "partitionValues"), r);
      a.size = Int(Child(*add, "size"), r).value_or(0);
      a.modification_time = Int(Child(*add, "modificationTime"), r).value_or(0);
      a.data_change = Bool(Child(*add, "dataChange"), r).value_or(false);
      a.stats = Str(Child(*add, "stats"), r);
      a.tags = Map(Child(*add, "tags"), r);
      a.deletion_vector = Dv(Child(*add, "deletionVector"), r);
      a.base_row_id = Int(Child(*add, "baseRowId"), r);
      a.default_row_commit_version = Int(Child(*add, "defaultRowCommitVersion"), r);
      out->adds.push_back(std::move(a));
    }
    if (remove != nullptr && remove->IsValid(r)) {
      RemoveFile rm;
      auto path = Str(Child(*remove, "path"), r);
      if (!path.has_value()) return Status::Corrupt(file + ": checkpoint remove without path");
      rm.path = *path;
      rm.deletion_timestamp = Int(Child(*remove, "deletionTimestamp"), r);
      rm.data_change = Bool(Child(*remove, "dataChange"), r).value_or(false);
      rm.extended_file_metadata = Bool(Child(*remove, "extendedFileMetadata"), r);
      rm.size = Int(Child(*remove, "size"), r);
      rm.deletion_vector = Dv(Child(*remove, "deletionVector"), r);
      if (Child(*remove, "partitionValues") != nullptr && Child(*remove, "partitionValues")->IsValid(r)) {
        rm.partition_values = PartMap(Child(*remove, "partitionValues"), r);
      }
      out->removes.push_back(std::move(rm));
    }
    if (txn != nullptr && txn->IsValid(r)) {
      Txn t;
      t.app_id = Str(Child(*txn, "appId"), r).value_or("");
      t.version = Int(Child(*txn, "version"), r).value_or(0);
      t.last_updated = Int(Child(*txn, "lastUpdated"), r);
      out->txns.push_back(std::move(t));
    }
    if (meta != nullptr && meta->IsValid(r)) {
      if (out->metadata.has_value()) return Status::Corrupt(file + ": two metaData actions in a checkpoint");
      Metadata m;
      m.id = Str(Child(*meta, "id"), r).value_or("");
      m.name = Str(Child(*meta, "name"), r);
      m.description = Str(Child(*meta, "description"), r);
      if (const Column* fmt = Child(*meta, "format"); fmt != nullptr && fmt->IsValid(r)) {
        m.format_provider = Str(Child(*fmt, "provider"), r).value_or("parquet");
        m.format_options = Map(Child(*fmt, "options"), r).value_or(StringMap{});
      }
      m.schema_string = Str(Child(*meta, "schemaString"), r);
      m.partition_columns = StrList(Child(*meta, "partitionColumns"), r).value_or(std::vector<std::string>{});
      m.configuration = Map(Child(*meta, "configuration"), r).value_or(StringMap{});
      m.created_time = Int(Child(*meta, "createdTime"), r);
      out->metadata = std::move(m);
    }
    if (proto != nullptr && proto->IsValid(r)) {
      if (out->protocol.has_value()) return Status::Corrupt(file + ": two protocol actions in a checkpoint");
      Protocol p;
      p.min_reader_version = static_cast<int32_t>(Int(Child(*proto, "minReaderVersion"), r).value_or(1));
      p.min_writer_version = static_cast<int32_t>(Int(Child(*proto, "minWriterVersion"), r).value_or(2));
      p.reader_features = StrList(Child(*proto, "readerFeatures"), r);
      p.writer_features = StrList(Child(*proto, "writerFeatures"), r);
      out->protocol = std::move(p);
    }
  }
  return Status::OK();
}

}  // namespace

Result<ActionSet> ReadCheckpoint(const LogStore& store, const std::vector<CheckpointFile>& parts) {
  ActionSet out;
  for (const CheckpointFile& cp : parts) {
    std::string path = store.log_dir() + "/" + cp.name;
    LW_ASSIGN_OR_RETURN(auto reader, parquet::ParquetFileReader::Open(path));
    std::vector<std::string> wanted;
    for (const char* name : {"add", "remove", "txn", "metaData", "protocol"}) {
      if (reader->schema().logical().FieldIndex(name) >= 0) wanted.push_back(name);
    }
    if (wanted.empty()) continue;
    LW_ASSIGN_OR_RETURN(auto plans, reader->schema().Project(wanted));
    for (int g = 0; g < reader->num_row_groups(); ++g) {
      LW_ASSIGN_OR_RETURN(RecordBatch batch, reader->ReadRowGroup(g, plans));
      LW_RETURN_IF_ERROR(RowsToActions(batch, path, &out));
    }
  }
  return out;
}

Result<int64_t> CommitTime(const LogStore& store, int64_t version) {
  LW_ASSIGN_OR_RETURN(std::string content, store.ReadCommit(version));
  const std::string_view first_line = std::string_view(content).substr(0, content.find('\n'));
  if (first_line.find("\"inCommitTimestamp\"") != std::string_view::npos) {
    auto actions = ParseCommit(first_line, version);
    if (actions.ok() && actions->commit_info.has_value() &&
        actions->commit_info->in_commit_timestamp.has_value()) {
      return *actions->commit_info->in_commit_timestamp;
    }
  }
  return store.CommitMtimeMs(version);
}

Result<std::vector<int64_t>> CommitTimestamps(const LogStore& store,
                                              const std::vector<int64_t>& versions) {
  std::vector<int64_t> ts;
  ts.reserve(versions.size());
  for (int64_t v : versions) {
    LW_ASSIGN_OR_RETURN(int64_t t, CommitTime(store, v));
    if (!ts.empty() && t <= ts.back()) t = ts.back() + 1;
    ts.push_back(t);
  }
  return ts;
}

Result<std::shared_ptr<const Snapshot>> Snapshot::Load(const LogStore& store,
                                                       SnapshotOptions options) {
  LW_ASSIGN_OR_RETURN(LogListing listing, store.List());
  if (listing.commits.empty() && listing.checkpoints.empty()) {
    return Status::NotFound(store.table_path() +
                            ": not a Delta table (_delta_log holds no commit or checkpoint file)");
  }
  int64_t latest = -1;
  if (!listing.commits.empty()) latest = listing.commits.back();
  for (const CheckpointFile& cp : listing.checkpoints) latest = std::max(latest, cp.version);
  const int64_t earliest_commit = listing.commits.empty() ? latest + 1 : listing.commits.front();

  int64_t target = latest;
  if (options.version.has_value()) {
    target = *options.version;
    if (target < 0 || target > latest) {
      return Status::NotFound(fmt::format("{}: version {} does not exist (latest is {})", store.table_path(),
                                          target, latest));
    }
  } else if (options.timestamp_ms.has_value()) {
    if (listing.commits.empty()) return Status::NotFound(store.table_path() + ": no commits to travel to");
    LW_ASSIGN_OR_RETURN(auto ts, CommitTimestamps(store, listing.commits));
    int64_t found = -1;
    for (size_t i = 0; i < ts.size(); ++i) {
      if (ts[i] <= *options.timestamp_ms) found = listing.commits[i];
    }
    if (found < 0) {
      return Status::NotFound(fmt::format("{}: timestamp {} is before the earliest commit ({} at {})",
                                          store.table_path(), *options.timestamp_ms, earliest_commit, ts.front()));
    }
    target = found;
  }

  // Newest complete checkpoint at or before the target.
  std::vector<CheckpointFile> cp_parts;
  for (auto it = listing.checkpoints.rbegin(); it != listing.checkpoints.rend(); ++it) {
    if (it->version > target) continue;
    if (it->parts == 0) {
      cp_parts = {*it};
      break;
    }
    std::vector<CheckpointFile> parts;
    for (const CheckpointFile& c : listing.checkpoints) {
      if (c.version == it->version && c.parts == it->parts) parts.push_back(c);
    }
    bool complete = static_cast<int>(parts.size()) == it->parts;
    for (int i = 0; complete && i < it->parts; ++i) complete = parts[i].part == i + 1;
    if (complete) {
      cp_parts = parts;
      break;
    }
  }
  int64_t start = cp_parts.empty() ? -1 : cp_parts[0].version;

  // The commits after the checkpoint must all be there, contiguous.
  std::vector<int64_t> needed;
  for (int64_t v : listing.commits) {
    if (v > start && v <= target) needed.push_back(v);
  }
  for (size_t i = 0; i < needed.size(); ++i) {
    int64_t expect = start + 1 + static_cast<int64_t>(i);
    if (needed[i] != expect) {
      return Status::Corrupt(fmt::format("{}: commit versions not contiguous: {} is missing (found {})",
                                         store.table_path(), expect, needed[i]));
    }
  }
  if (start + static_cast<int64_t>(needed.size()) != target) {
    return Status::Corrupt(fmt::format("{}: cannot reconstruct version {}: commits {}..{} are missing",
                                       store.table_path(), target, start + 1 + static_cast<int64_t>(needed.size()),
                                       target));
  }

  Replay replay;
  std::error_code ec;
  replay.root = std::filesystem::absolute(store.table_path(), ec).lexically_normal().string();
  while (replay.root.size() > 1 && replay.root.back() == '/') replay.root.pop_back();
  if (!cp_parts.empty()) {
    auto actions = ReadCheckpoint(store, cp_parts);
    if (!actions.ok()) return actions.status().WithContext(fmt::format("checkpoint {}", start));
    LW_RETURN_IF_ERROR(replay.Apply(std::move(actions).value()));
  }
  std::optional<int64_t> in_commit_ts;
  for (int64_t v : needed) {
    LW_ASSIGN_OR_RETURN(std::string content, store.ReadCommit(v));
    auto actions = ParseCommit(content, v);
    if (!actions.ok()) return actions.status().WithContext(store.table_path());
    if (v == target && actions->commit_info.has_value()) in_commit_ts = actions->commit_info->in_commit_timestamp;
    LW_RETURN_IF_ERROR(replay.Apply(std::move(actions).value()));
  }
  if (!replay.protocol.has_value()) {
    return Status::Corrupt(fmt::format("{}: no protocol action at version {}", store.table_path(), target));
  }
  if (!replay.metadata.has_value()) {
    return Status::Corrupt(fmt::format("{}: no metaData action at version {}", store.table_path(), target));
  }

  std::shared_ptr<Snapshot> s(new Snapshot());
  s->table_path_ = store.table_path();
  s->version_ = target;
  s->checkpoint_version_ = start;
  s->protocol_ = std::move(*replay.protocol);
  s->metadata_ = std::move(*replay.metadata);
  s->txns_ = std::move(replay.txns);
  if (in_commit_ts.has_value()) {
    s->timestamp_ms_ = *in_commit_ts;
  } else if (target >= earliest_commit && !listing.commits.empty()) {
    auto t = store.CommitMtimeMs(target);
    s->timestamp_ms_ = t.ok() ? *t : 0;
  }
  if (s->metadata_.schema_string.has_value()) {
    // A schema we cannot parse is reported by CheckReadable(), after the
    // protocol check: an unsupported table should say why it is unsupported.
    auto schema = ParseSchemaString(*s->metadata_.schema_string);
    if (schema.ok()) {
      s->schema_ = std::move(schema).value();
    } else {
      s->schema_status_ = schema.status().WithContext(store.table_path() + ": schemaString");
    }
  }
  s->files_.reserve(replay.live.size());
  for (auto& [key, f] : replay.live) s->files_.push_back(std::move(f));
  std::sort(s->files_.begin(), s->files_.end(), [](const LiveFile& a, const LiveFile& b) { return a.path < b.path; });
  s->tombstones_.reserve(replay.tombstones.size());
  for (auto& [key, r] : replay.tombstones) s->tombstones_.push_back(std::move(r));
  return std::shared_ptr<const Snapshot>(std::move(s));
}

std::optional<int64_t> Snapshot::TxnVersion(const std::string& app_id) const {
  auto it = txns_.find(app_id);
  if (it == txns_.end()) return std::nullopt;
  return it->second;
}

namespace {
// Reader features this reader implements.
bool ReaderSupports(const std::string& feature) {
  (void)feature;
  return false;
}
// Writer features this writer implements (it enforces or does not need them).
bool WriterSupports(const std::string& feature) { return feature == "appendOnly"; }
}  // namespace

Status Snapshot::CheckReadable() const {
  const Protocol& p = protocol_;
  if (p.min_reader_version > 3) {
    return Status::NotSupported(fmt::format("{}: table requires Delta reader version {} (lakewatch reads up to 3)",
                                            table_path_, p.min_reader_version));
  }
  if (p.min_reader_version == 2) {
    // Reader version 2 means column mapping. Delta's readers that lack it
    // refuse the table whatever its mode, and so does lakewatch.
    auto mode = metadata_.Config("delta.columnMapping.mode");
    return Status::NotSupported(
        fmt::format("{}: table requires Delta reader version 2 (column mapping, mode {}), which "
                    "lakewatch does not implement",
                    table_path_, mode.value_or("none")));
  }
  if (p.min_reader_version == 3) {
    std::vector<std::string> missing;
    for (const std::string& f : p.reader_features.value_or(std::vector<std::string>{})) {
      if (!ReaderSupports(f)) missing.push_back(f);
    }
    if (!missing.empty()) {
      std::string list;
      for (const auto& f : missing) list += (list.empty() ? "" : ", ") + f;
      return Status::NotSupported(fmt::format("{}: table requires reader features lakewatch does not implement: {}",
                                              table_path_, list));
    }
  }
  if (metadata_.format_provider != "parquet") {
    return Status::NotSupported(table_path_ + ": data format '" + metadata_.format_provider + "' (only parquet)");
  }
  if (!metadata_.schema_string.has_value()) {
    return Status::Corrupt(table_path_ + ": metaData has no schemaString");
  }
  return schema_status_;
}

Status Snapshot::CheckWritable() const {
  LW_RETURN_IF_ERROR(CheckReadable());
  const Protocol& p = protocol_;
  if (p.min_writer_version > 7) {
    return Status::NotSupported(fmt::format("{}: table requires Delta writer version {}", table_path_,
                                            p.min_writer_version));
  }
  if (p.min_writer_version >= 3 && p.min_writer_version < 7) {
    return Status::NotSupported(fmt::format(
        "{}: table requires writer version {} (CHECK constraints, generated columns, column mapping…), "
        "which lakewatch does not enforce",
        table_path_, p.min_writer_version));
  }
  if (p.min_writer_version == 7) {
    for (const std::string& f : p.writer_features.value_or(std::vector<std::string>{})) {
      if (!WriterSupports(f)) {
        return Status::NotSupported(fmt::format("{}: table requires writer feature '{}' that lakewatch does not implement",
                                                table_path_, f));
      }
    }
  }
  // Writer version 2 duty: column invariants must be enforced; we refuse instead.
  for (const Field& f : schema_.fields) {
    if (f.metadata_json.find("delta.invariants") != std::string::npos) {
      return Status::NotSupported(fmt::format("{}: column '{}' has a delta.invariants constraint, which lakewatch does not enforce",
                                              table_path_, f.name));
    }
  }
  return Status::OK();
}

}  // namespace lakewatch::delta
