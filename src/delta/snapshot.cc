#include "delta/snapshot.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <iterator>
#include <thread>
#include <unordered_map>

#include "common/memory.h"
#include "common/string_hash.h"
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

// The replay key of a file: its decoded path relative to the table root when it lies inside it
// (Delta canonicalizes paths, so a relative add and an absolute remove of the same file match),
// else the absolute path; plus the deletion vector's id. A view of `path` when that is the key
// (the common case: a relative path without a deletion vector), else built in `*scratch`.
std::string_view FileKey(std::string_view root_slash, const std::string& path,
                         const std::optional<DeletionVectorDescriptor>& dv, std::string* scratch) {
  std::string_view key = path;
  if (!key.empty() && key[0] == '/' && key.substr(0, root_slash.size()) == root_slash) {
    key.remove_prefix(root_slash.size());
  }
  if (!dv.has_value()) return key;
  scratch->assign(key);
  *scratch += '\n';
  *scratch += dv->UniqueId();
  return *scratch;
}

// Log replay. The files a checkpoint lists are already reconciled (one action per file), and a
// checkpoint is followed by a few commits at most, so the commits are replayed first into a
// small map keyed by file, and the checkpoint's actions are then kept unless a commit touched
// their file: no hash map entry per checkpoint file.
struct Replay {
  std::string root_slash;  // absolute table path + '/'
  std::optional<Protocol> protocol;
  std::optional<Metadata> metadata;
  std::map<std::string, int64_t> txns;
  std::unordered_map<std::string, LiveFile, StringHash, std::equal_to<>> live;
  std::unordered_map<std::string, RemoveFile, StringHash, std::equal_to<>> removed;

  void ApplyTableActions(ActionSet* a) {
    if (a->protocol.has_value()) protocol = std::move(a->protocol);
    if (a->metadata.has_value()) metadata = std::move(a->metadata);
    for (Txn& t : a->txns) txns[t.app_id] = t.version;
  }

  // A commit: its removes, then its adds, each the newest action for its file.
  Status ApplyCommit(ActionSet&& a) {
    ApplyTableActions(&a);
    std::string scratch;
    for (RemoveFile& r : a.removes) {
      LW_ASSIGN_OR_RETURN(std::string path, NormalizePath(r.path));
      std::string key(FileKey(root_slash, path, r.deletion_vector, &scratch));
      live.erase(key);
      removed.insert_or_assign(std::move(key), std::move(r));
    }
    for (AddFile& add : a.adds) {
      LW_ASSIGN_OR_RETURN(std::string path, NormalizePath(add.path));
      std::string key(FileKey(root_slash, path, add.deletion_vector, &scratch));
      removed.erase(key);
      live.insert_or_assign(std::move(key), LiveFile{std::move(add), std::move(path)});
    }
    return Status::OK();
  }

  bool Touched(std::string_view key) const {
    return live.find(key) != live.end() || removed.find(key) != removed.end();
  }

  // Merges the checkpoint's reconciled actions (read before the commits, applied under them)
  // and the commits' outcome into the snapshot's files (sorted by path) and tombstones.
  // `files` holds the checkpoint's adds on entry (paths decoded).
  Status Finish(ActionSet&& checkpoint, std::vector<LiveFile>* files,
                std::vector<RemoveFile>* tombstones) {
    std::string scratch;
    if (!live.empty() || !removed.empty()) {  // else no commit touched a checkpoint file
      size_t kept = 0;
      for (size_t i = 0; i < files->size(); ++i) {
        LiveFile& f = (*files)[i];
        if (Touched(FileKey(root_slash, f.path, f.add.deletion_vector, &scratch))) continue;
        if (kept != i) (*files)[kept] = std::move(f);
        ++kept;
      }
      files->resize(kept);
    }
    const size_t from_checkpoint = files->size();
    files->reserve(files->size() + live.size());
    for (auto& [key, f] : live) files->push_back(std::move(f));
    tombstones->reserve(checkpoint.removes.size() + removed.size());
    for (RemoveFile& r : checkpoint.removes) {
      LW_ASSIGN_OR_RETURN(std::string path, NormalizePath(r.path));
      if (Touched(FileKey(root_slash, path, r.deletion_vector, &scratch))) continue;
      tombstones->push_back(std::move(r));
    }
    for (auto& [key, r] : removed) tombstones->push_back(std::move(r));
    SortByPath(from_checkpoint, files);
    return Status::OK();
  }

  // Orders the files by path (then deletion vector). The checkpoint's part, files[0, n), is
  // usually sorted already (lakewatch writes it so): the commits' files are sorted and merged
  // in. A file listed twice by a malformed checkpoint is kept once (the later one).
  static void SortByPath(size_t n, std::vector<LiveFile>* files) {
    auto dv_id = [](const LiveFile& f) {
      return f.add.deletion_vector.has_value() ? f.add.deletion_vector->UniqueId() : std::string();
    };
    auto less = [&](uint32_t a, uint32_t b) {
      const LiveFile& x = (*files)[a];
      const LiveFile& y = (*files)[b];
      if (int c = x.path.compare(y.path); c != 0) return c < 0;
      if (!x.add.deletion_vector.has_value() && !y.add.deletion_vector.has_value()) return false;
      return dv_id(x) < dv_id(y);
    };
    std::vector<uint32_t> order(files->size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    const auto mid = order.begin() + static_cast<std::ptrdiff_t>(n);
    if (!std::is_sorted(order.begin(), mid, less)) std::stable_sort(order.begin(), mid, less);
    std::stable_sort(mid, order.end(), less);
    std::inplace_merge(order.begin(), mid, order.end(), less);
    bool identity = true;
    for (uint32_t i = 0; i + 1 < order.size() && identity; ++i) {
      identity = order[i] == i && less(order[i], order[i + 1]);
    }
    if (identity) return;
    std::vector<LiveFile> sorted;
    sorted.reserve(order.size());
    for (size_t i = 0; i < order.size(); ++i) {
      if (i + 1 < order.size() && !less(order[i], order[i + 1])) continue;  // a duplicate
      sorted.push_back(std::move((*files)[order[i]]));
    }
    files->swap(sorted);
  }
};

// ---- checkpoint rows -> actions

const ColumnPtr& ChildPtr(const Column& s, const std::string& name) {
  static const ColumnPtr kNone;
  int i = s.type->FieldIndex(name);
  return i < 0 ? kNone : s.children[i];
}

const Column* Child(const Column& s, const std::string& name) { return ChildPtr(s, name).get(); }

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
  out.reserve(static_cast<size_t>(c->ListEnd(row) - c->ListBegin(row)));
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

// The add struct's fields, looked up once per row group instead of once per row.
struct AddColumns {
  explicit AddColumns(const Column& add)
      : path(Child(add, "path")),
        partition_values(Child(add, "partitionValues")),
        size(Child(add, "size")),
        modification_time(Child(add, "modificationTime")),
        data_change(Child(add, "dataChange")),
        stats(ChildPtr(add, "stats")),
        tags(Child(add, "tags")),
        deletion_vector(Child(add, "deletionVector")),
        base_row_id(Child(add, "baseRowId")),
        default_row_commit_version(Child(add, "defaultRowCommitVersion")) {}
  const Column* path;
  const Column* partition_values;
  const Column* size;
  const Column* modification_time;
  const Column* data_change;
  std::shared_ptr<const Column> stats;  // kept alive by the adds' stats, which view into it
  const Column* tags;
  const Column* deletion_vector;
  const Column* base_row_id;
  const Column* default_row_commit_version;
};

// Fills `*f` from add row `r` (its path decoded, as the replay keys it).
Status RowToLiveFile(const AddColumns& c, int64_t r, const std::string& file, LiveFile* f) {
  AddFile& a = f->add;
  auto path = Str(c.path, r);
  if (!path.has_value()) return Status::Corrupt(file + ": checkpoint add without path");
  a.path = std::move(*path);
  a.partition_values = PartMap(c.partition_values, r);
  a.size = Int(c.size, r).value_or(0);
  a.modification_time = Int(c.modification_time, r).value_or(0);
  a.data_change = Bool(c.data_change, r).value_or(false);
  if (c.stats != nullptr && c.stats->IsValid(r) && c.stats->type->is_binary_like()) {
    a.stats = SharedText(c.stats, c.stats->GetString(r));
  }
  a.tags = Map(c.tags, r);
  a.deletion_vector = Dv(c.deletion_vector, r);
  a.base_row_id = Int(c.base_row_id, r);
  a.default_row_commit_version = Int(c.default_row_commit_version, r);
  LW_ASSIGN_OR_RETURN(f->path, NormalizePath(a.path));
  return Status::OK();
}

// Converts the rows of one checkpoint batch: add row r becomes files[r] (and is_add[r] = 1;
// `files` and `is_add` have batch.num_rows entries), the other actions are appended to `out`.
Status RowsToActions(const RecordBatch& batch, const std::string& file, ActionSet* out,
                     LiveFile* files, uint8_t* is_add) {
  auto col = [&](const char* name) -> const Column* {
    int i = batch.schema.FieldIndex(name);
    return i < 0 ? nullptr : batch.columns[i].get();
  };
  const Column* add = col("add");
  const Column* remove = col("remove");
  const Column* txn = col("txn");
  const Column* meta = col("metaData");
  const Column* proto = col("protocol");
  std::optional<AddColumns> add_columns;
  if (add != nullptr) add_columns.emplace(*add);
  for (int64_t r = 0; r < batch.num_rows; ++r) {
    if (add != nullptr && add->IsValid(r)) {
      LW_RETURN_IF_ERROR(RowToLiveFile(*add_columns, r, file, &files[r]));
      is_add[r] = 1;
    }
    if (remove != nullptr && remove->IsValid(r)) {
      RemoveFile rm;
      auto path = Str(Child(*remove, "path"), r);
      if (!path.has_value()) return Status::Corrupt(file + ": checkpoint remove without path");
      rm.path = std::move(*path);
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

// Reads a checkpoint's parts one row group at a time (only that group's decoded columns are
// alive per thread), converting each group's rows as soon as it is decoded. With several row
// groups (WriteCheckpoint writes kCheckpointRowGroupRows per group), the groups are decoded and
// converted on up to kCheckpointThreads threads, each add going to the slot of its row in
// `files`; the slots of other rows are squeezed out at the end. The other actions are merged
// into `out` in row order.
class CheckpointReader {
 public:
  static constexpr int kCheckpointThreads = 4;

  Status Open(const LogStore& store, const std::vector<CheckpointFile>& parts) {
    for (const CheckpointFile& cp : parts) {
      Part part;
      part.path = store.log_dir() + "/" + cp.name;
      LW_ASSIGN_OR_RETURN(part.reader, parquet::ParquetFileReader::Open(part.path));
      std::vector<std::string> wanted;
      for (const char* name : {"add", "remove", "txn", "metaData", "protocol"}) {
        if (part.reader->schema().logical().FieldIndex(name) >= 0) wanted.push_back(name);
      }
      if (wanted.empty()) continue;
      LW_ASSIGN_OR_RETURN(part.plans, part.reader->schema().Project(wanted));
      file_bytes_ += static_cast<int64_t>(part.reader->file_size());
      parts_.push_back(std::move(part));
    }
    for (const Part& part : parts_) {
      for (int g = 0; g < part.reader->num_row_groups(); ++g) {
        Group group;
        group.part = &part;
        group.rg = g;
        group.rows = part.reader->metadata().row_groups[g].num_rows;
        groups_.push_back(std::move(group));
      }
    }
    return Status::OK();
  }

  // Appends the checkpoint's adds (paths decoded) to `*files`, its other actions to `*out`.
  Status Read(ActionSet* out, std::vector<LiveFile>* files) {
    int64_t rows = 0;
    bool footer_plausible = true;
    for (const Group& g : groups_) {
      footer_plausible = footer_plausible && g.rows >= 0;
      rows += std::max<int64_t>(g.rows, 0);
    }
    // A row holds at least one action with a path or id of its own, so a footer claiming more
    // rows than the file has bytes is not sized from (the groups are then read one by one).
    footer_plausible = footer_plausible && rows <= file_bytes_;
    const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
    const size_t threads = std::min<size_t>({groups_.size(), hw, kCheckpointThreads});
    const size_t base = files->size();
    if (threads <= 1 || !footer_plausible) {
      for (Group& g : groups_) {
        LW_ASSIGN_OR_RETURN(RecordBatch batch, g.part->reader->ReadRowGroup(g.rg, g.part->plans));
        const size_t at = files->size();
        Reserve(files, at + static_cast<size_t>(batch.num_rows));
        files->resize(at + static_cast<size_t>(batch.num_rows));
        std::vector<uint8_t> is_add(static_cast<size_t>(batch.num_rows));
        LW_RETURN_IF_ERROR(RowsToActions(batch, g.part->path, &g.actions, files->data() + at, is_add.data()));
        Squeeze(at, is_add, files);
      }
      return Merge(out);
    }
    Reserve(files, base + static_cast<size_t>(rows));
    files->resize(base + static_cast<size_t>(rows));
    std::vector<uint8_t> is_add(static_cast<size_t>(rows));
    int64_t first_row = 0;
    for (Group& g : groups_) {
      g.first_row = first_row;
      first_row += g.rows;
    }
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t i = next++; i < groups_.size(); i = next++) {
        Group& g = groups_[i];
        auto batch = g.part->reader->ReadRowGroup(g.rg, g.part->plans);
        if (!batch.ok()) {
          g.status = batch.status();
        } else if (batch->num_rows != g.rows) {
          g.status = Status::Corrupt(fmt::format("{}: row group {} has {} rows, its metadata says {}",
                                                 g.part->path, g.rg, batch->num_rows, g.rows));
        } else {
          const size_t at = static_cast<size_t>(g.first_row);
          g.status = RowsToActions(*batch, g.part->path, &g.actions, files->data() + base + at,
                                   is_add.data() + at);
        }
      }
    };
    std::vector<std::thread> helpers;
    for (size_t t = 1; t < threads; ++t) helpers.emplace_back(work);
    work();
    for (std::thread& t : helpers) t.join();
    for (const Group& g : groups_) LW_RETURN_IF_ERROR(g.status);
    Squeeze(base, is_add, files);
    return Merge(out);
  }

 private:
  struct Part {
    std::string path;
    std::unique_ptr<parquet::ParquetFileReader> reader;
    std::vector<parquet::FieldPlan> plans;
  };
  struct Group {
    const Part* part = nullptr;
    int rg = 0;
    int64_t rows = 0;       // from the footer
    int64_t first_row = 0;  // of the checkpoint, parallel read only
    ActionSet actions;      // its actions other than adds
    Status status;
  };

  // Reserves room for `n` files, on huge pages when the list is large.
  static void Reserve(std::vector<LiveFile>* files, size_t n) {
    if (n <= files->capacity()) return;
    const bool fresh = files->empty();
    files->reserve(std::max(n, files->capacity() * 2));
    if (fresh) memory::AdviseHugePages(files->data(), files->capacity() * sizeof(LiveFile));
  }

  // Drops the slots from `base` on whose row held no add, keeping the order.
  static void Squeeze(size_t base, const std::vector<uint8_t>& is_add, std::vector<LiveFile>* files) {
    size_t kept = base;
    for (size_t i = 0; i < is_add.size(); ++i) {
      if (!is_add[i]) continue;
      if (kept != base + i) (*files)[kept] = std::move((*files)[base + i]);
      ++kept;
    }
    files->resize(kept);
  }

  // The groups' other actions into `out`, in row order.
  Status Merge(ActionSet* out) {
    for (Group& g : groups_) {
      ActionSet& a = g.actions;
      if (a.metadata.has_value()) {
        if (out->metadata.has_value()) {
          return Status::Corrupt(g.part->path + ": two metaData actions in a checkpoint");
        }
        out->metadata = std::move(a.metadata);
      }
      if (a.protocol.has_value()) {
        if (out->protocol.has_value()) {
          return Status::Corrupt(g.part->path + ": two protocol actions in a checkpoint");
        }
        out->protocol = std::move(a.protocol);
      }
      std::move(a.removes.begin(), a.removes.end(), std::back_inserter(out->removes));
      std::move(a.txns.begin(), a.txns.end(), std::back_inserter(out->txns));
    }
    return Status::OK();
  }

  std::vector<Part> parts_;  // stable: groups_ point into it
  std::vector<Group> groups_;
  int64_t file_bytes_ = 0;
};

Status ReadCheckpointParts(const LogStore& store, const std::vector<CheckpointFile>& parts,
                           ActionSet* out, std::vector<LiveFile>* files) {
  memory::TuneMallocForBatches();  // each row group's column buffers are freed for the next
  CheckpointReader reader;
  LW_RETURN_IF_ERROR(reader.Open(store, parts));
  return reader.Read(out, files);
}

}  // namespace

Result<ActionSet> ReadCheckpoint(const LogStore& store, const std::vector<CheckpointFile>& parts) {
  ActionSet out;
  std::vector<LiveFile> files;
  LW_RETURN_IF_ERROR(ReadCheckpointParts(store, parts, &out, &files));
  out.adds.reserve(files.size());
  for (LiveFile& f : files) out.adds.push_back(std::move(f.add));
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
  std::string root = std::filesystem::absolute(store.table_path(), ec).lexically_normal().string();
  while (!root.empty() && root.back() == '/') root.pop_back();
  replay.root_slash = root + '/';
  std::shared_ptr<Snapshot> s(new Snapshot());
  ActionSet checkpoint;
  if (!cp_parts.empty()) {
    Status read = ReadCheckpointParts(store, cp_parts, &checkpoint, &s->files_);
    if (!read.ok()) return read.WithContext(fmt::format("checkpoint {}", start));
    replay.ApplyTableActions(&checkpoint);
  }
  std::optional<int64_t> in_commit_ts;
  for (int64_t v : needed) {
    LW_ASSIGN_OR_RETURN(std::string content, store.ReadCommit(v));
    auto actions = ParseCommit(content, v);
    if (!actions.ok()) return actions.status().WithContext(store.table_path());
    if (v == target && actions->commit_info.has_value()) in_commit_ts = actions->commit_info->in_commit_timestamp;
    LW_RETURN_IF_ERROR(replay.ApplyCommit(std::move(actions).value()));
  }
  if (!replay.protocol.has_value()) {
    return Status::Corrupt(fmt::format("{}: no protocol action at version {}", store.table_path(), target));
  }
  if (!replay.metadata.has_value()) {
    return Status::Corrupt(fmt::format("{}: no metaData action at version {}", store.table_path(), target));
  }

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
  LW_RETURN_IF_ERROR(replay.Finish(std::move(checkpoint), &s->files_, &s->tombstones_));
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
