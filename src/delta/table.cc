#include "delta/table.h"

#include <fcntl.h>
#include <fmt/format.h>

#include "common/time.h"
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <random>

#include "delta/crash_point.h"
#include "delta/schema_json.h"
#include "parquet/file_reader.h"

namespace lakewatch::delta {

std::string NewUuid() {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd() ^
                      static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
  uint64_t a = gen(), b = gen();
  a = (a & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;  // version 4
  b = (b & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;  // variant 10
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xFFFF, a & 0xFFFF, b >> 48,
                     b & 0xFFFFFFFFFFFFull);
}

std::string NewDataFileName(const PartitionValues& partition_values, std::string_view suffix) {
  std::string name;
  for (const auto& [pc, value] : partition_values) name += PartitionDirName(pc, value) + "/";
  name += "part-" + NewUuid();
  name += suffix;
  return name;
}

namespace {

Status CopyFileDurably(const std::string& from, const std::string& to) {
  int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return Status::IOError(from + ": " + std::strerror(errno));
  int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (out < 0) {
    int e = errno;
    ::close(in);
    return Status::IOError(to + ": create: " + std::strerror(e));
  }
  Status st;
  char buf[1 << 16];
  while (st.ok()) {
    ssize_t k = ::read(in, buf, sizeof(buf));
    if (k < 0) {
      if (errno == EINTR) continue;
      st = Status::IOError(from + ": read: " + std::strerror(errno));
      break;
    }
    if (k == 0) break;
    for (ssize_t off = 0; off < k;) {
      ssize_t w = ::write(out, buf + off, static_cast<size_t>(k - off));
      if (w < 0) {
        if (errno == EINTR) continue;
        st = Status::IOError(to + ": write: " + std::strerror(errno));
        break;
      }
      off += w;
    }
  }
  if (st.ok() && ::fsync(out) != 0) st = Status::IOError(to + ": fsync: " + std::strerror(errno));
  ::close(in);
  ::close(out);
  if (!st.ok()) ::unlink(to.c_str());
  return st;
}

}  // namespace

// Reads column `src`, as a data file stores it, as table type `to`. Equal
// shapes pass through; the differences Delta readers accept are bridged:
// nullability and the names of list/map fields, struct fields added to the
// table after the file was written (nulls) or stored in another order,
// decimals of one scale and another precision, and timestamps stored without
// UTC adjustment (delta-rs/arrow writers) read as the same instant in UTC,
// as delta-rs and Spark do (and vice versa). Anything else is NotSupported,
// naming the column `where`.
Result<ColumnPtr> AdaptColumn(const ColumnPtr& src, const TypePtr& to, const std::string& where) {
  const DataType& from = *src->type;
  if (from.Equals(*to)) return src;
  auto mismatch = [&] {
    return Status::NotSupported(fmt::format("column '{}' is stored as {}, the table says {}", where,
                                            from.ToString(), to->ToString()));
  };
  const TypeId fid = from.id();
  const TypeId tid = to->id();
  if (!from.is_nested() && !to->is_nested()) {
    const bool same = fid == tid && (fid != TypeId::kDecimal || from.scale() == to->scale());
    const bool timestamps = (fid == TypeId::kTimestamp || fid == TypeId::kTimestampNtz) &&
                            (tid == TypeId::kTimestamp || tid == TypeId::kTimestampNtz);
    if (!same && !timestamps) return mismatch();
    auto c = std::make_shared<Column>(*src);
    c->type = to;
    return c;
  }
  if (fid != tid) return mismatch();
  auto c = Column::Make(to);
  c->length = src->length;
  c->validity = src->validity;
  c->children.clear();
  if (tid == TypeId::kStruct) {
    for (const Field& sub : to->fields()) {
      const int j = from.FieldIndex(sub.name);
      if (j < 0) {
        c->children.push_back(MakeNullColumn(sub.type, src->length));
        continue;
      }
      LW_ASSIGN_OR_RETURN(ColumnPtr child,
                          AdaptColumn(src->children[j], sub.type, where + "." + sub.name));
      c->children.push_back(std::move(child));
    }
    return c;
  }
  // list (element) or map (key, value): same offsets, adapted children.
  if (from.num_fields() != to->num_fields()) return mismatch();
  c->offsets = src->offsets;
  for (size_t k = 0; k < to->num_fields(); ++k) {
    const Field& sub = to->fields()[k];
    LW_ASSIGN_OR_RETURN(ColumnPtr child,
                        AdaptColumn(src->children[k], sub.type, where + "." + sub.name));
    c->children.push_back(std::move(child));
  }
  return c;
}

namespace {

// The type of dotted path `path` in `schema`, pruned to that path.
Result<Field> ProjectField(const Schema& schema, const std::string& path) {
  size_t dot = path.find('.');
  std::string head = path.substr(0, dot);
  int i = schema.FieldIndex(head);
  if (i < 0 && schema.FieldIndex(path) >= 0) return schema.fields[schema.FieldIndex(path)];
  if (i < 0) {
    std::string names;
    for (const Field& f : schema.fields) names += (names.empty() ? "" : ", ") + f.name;
    return Status::NotFound("column '" + path + "' not found (columns: " + names + ")");
  }
  Field f = schema.fields[i];
  if (dot == std::string::npos) return f;
  if (f.type->id() != TypeId::kStruct) return Status::NotFound("column '" + path + "': '" + head + "' is not a struct");
  Schema inner{f.type->fields()};
  LW_ASSIGN_OR_RETURN(Field sub, ProjectField(inner, path.substr(dot + 1)));
  f.type = DataType::Struct({sub});
  return f;
}

// Merges projected fields of one top-level column ("a.b", "a.c" -> a: struct<b, c>).
std::vector<Field> ProjectFields(const Schema& schema, const std::vector<std::string>& columns, Status* st) {
  std::vector<Field> out;
  if (columns.empty()) return schema.fields;
  for (const std::string& c : columns) {
    auto f = ProjectField(schema, c);
    if (!f.ok()) {
      *st = f.status();
      return {};
    }
    bool merged = false;
    for (Field& o : out) {
      if (o.name == f->name && o.type->id() == TypeId::kStruct && f->type->id() == TypeId::kStruct) {
        std::vector<Field> fields = o.type->fields();
        for (const Field& add : f->type->fields()) {
          bool dup = false;
          for (const Field& e : fields) dup = dup || e.name == add.name;
          if (!dup) fields.push_back(add);
        }
        o.type = DataType::Struct(std::move(fields));
        merged = true;
      }
    }
    if (!merged) out.push_back(*f);
  }
  return out;
}

}  // namespace

std::string PartitionDirName(const std::string& column, const std::optional<std::string>& value) {
  auto escape = [](const std::string& in) {
    static const char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : in) {
      bool special = c < 0x20 || c == 0x7F || c == '"' || c == '#' || c == '%' || c == '\'' || c == '*' ||
                     c == '/' || c == ':' || c == '=' || c == '?' || c == '\\' || c == '{' || c == '[' ||
                     c == ']' || c == '^';
      if (special) {
        out += '%';
        out += kHex[c >> 4];
        out += kHex[c & 15];
      } else {
        out += static_cast<char>(c);
      }
    }
    return out;
  };
  if (!value.has_value() || value->empty()) return escape(column) + "=__HIVE_DEFAULT_PARTITION__";
  return escape(column) + "=" + escape(*value);
}

std::string DeltaTable::DataPath(const std::string& file_path) const {
  if (!file_path.empty() && file_path[0] == '/') return file_path;
  return path() + "/" + file_path;
}

namespace {

// The metaData of a new table (checks the partition columns).
Result<Metadata> NewTableMetadata(const Schema& schema, const CreateOptions& options) {
  for (const std::string& p : options.partition_columns) {
    int i = schema.FieldIndex(p);
    if (i < 0) return Status::InvalidArgument("partition column '" + p + "' is not in the schema");
    if (schema.fields[i].type->is_nested()) {
      return Status::InvalidArgument("partition column '" + p + "' must have a primitive type");
    }
  }
  Metadata m;
  m.id = NewUuid();
  m.name = options.name;
  m.description = options.description;
  m.schema_string = SchemaToJson(schema);
  m.partition_columns = options.partition_columns;
  m.configuration = options.configuration;
  m.created_time = NowMillis();
  return m;
}

// The add action of a data file written into the table.
AddFile AddOf(const DeltaTable& table, const DataFile& f, const Schema& schema, int64_t now) {
  AddFile add;
  add.path = EncodePath(f.name);
  add.partition_values = f.partition_values;
  add.size = f.size;
  add.modification_time = now;
  add.data_change = true;
  auto stats = StatsJsonFromParquet(table.path() + "/" + f.name, schema);
  if (stats.ok()) add.stats = *stats;
  return add;
}

}  // namespace

Result<CommitResult> DeltaTable::Create(const Schema& schema, const CreateOptions& options) const {
  auto listing = store_.List();
  if (listing.ok() && !listing->commits.empty()) {
    return Status::AlreadyExists(path() + ": table already exists");
  }
  LW_ASSIGN_OR_RETURN(Metadata m, NewTableMetadata(schema, options));
  LW_RETURN_IF_ERROR(store_.CreateLogDir());
  Transaction tx(store_, nullptr);
  tx.SetProtocol(Protocol{});
  tx.SetMetadata(std::move(m));
  StringMap params = {{"isManaged", "false"}, {"description", options.description.value_or("")}};
  tx.SetOperation("CREATE TABLE", params);
  return tx.Commit(1);
}

Result<std::shared_ptr<const Snapshot>> DeltaTable::Load(SnapshotOptions options) const {
  LW_ASSIGN_OR_RETURN(auto snap, Snapshot::Load(store_, options));
  LW_RETURN_IF_ERROR(snap->CheckReadable());
  return snap;
}

Result<std::string> StatsJsonFromParquet(const std::string& parquet_path, const Schema& schema) {
  LW_ASSIGN_OR_RETURN(auto reader, parquet::ParquetFileReader::Open(parquet_path));
  FileStats fs;
  fs.num_records = reader->num_rows();
  for (const parquet::LeafDescriptor& leaf : reader->schema().leaves()) {
    if (leaf.max_rep > 0) continue;  // no stats for values inside lists/maps
    const std::string key = leaf.DottedPath();
    bool bounds = reader->num_row_groups() > 0;
    bool nulls_known = true;
    int64_t nulls = 0;
    Scalar lo, hi;
    for (int g = 0; g < reader->num_row_groups(); ++g) {
      parquet::ColumnStats st = reader->RowGroupStats(g, leaf.index);
      if (st.null_count.has_value()) nulls += *st.null_count;
      else nulls_known = false;
      bool all_null = st.null_count.has_value() && *st.null_count == st.num_values;
      if (all_null) continue;
      if (!st.has_bounds) {
        bounds = false;
        continue;
      }
      bool ok;
      if (!lo.valid || CompareScalars(st.min, lo, &ok) < 0) lo = st.min;
      if (!hi.valid || CompareScalars(st.max, hi, &ok) > 0) hi = st.max;
    }
    if (bounds && lo.valid && hi.valid) {
      fs.min_values[key] = lo;
      fs.max_values[key] = hi;
    }
    if (nulls_known) fs.null_count[key] = nulls;
  }
  return StatsToJson(fs, schema);
}

// ---- AppendParquetFiles

namespace {

// The partition values of `file`: each partition column must hold one
// value (or only nulls) in the file. Footer statistics decide it for
// fixed-width types; strings and binaries are read, because statistics may
// omit or truncate long values (lakewatch's writer drops bounds over 64 bytes).
Result<PartitionValues> FilePartitionValues(parquet::ParquetFileReader& reader, const std::string& file,
                                            const std::vector<std::string>& partition_columns) {
  PartitionValues out;
  auto not_constant = [&](const std::string& pc) {
    return Status::InvalidArgument(file + ": partition column '" + pc +
                                   "' is not constant in the file (split it by partition first)");
  };
  for (const std::string& pc : partition_columns) {
    const parquet::LeafDescriptor* leaf = nullptr;
    for (const auto& l : reader.schema().leaves()) {
      if (l.DottedPath() == pc) leaf = &l;
    }
    if (leaf == nullptr) return Status::InvalidArgument(file + ": lacks partition column '" + pc + "'");
    std::optional<Scalar> value;  // of the first row; invalid for null
    bool from_stats = true;
    for (int g = 0; g < reader.num_row_groups() && from_stats; ++g) {
      parquet::ColumnStats st = reader.RowGroupStats(g, leaf->index);
      if (st.num_values == 0) continue;
      bool all_null = st.null_count.has_value() && *st.null_count == st.num_values;
      bool ok = false;
      if (all_null) {
        if (value.has_value() && value->valid) return not_constant(pc);
        value = Scalar();
        continue;
      }
      const TypeId t = st.min.type->id();
      if (!st.has_bounds || t == TypeId::kString || t == TypeId::kBinary || !st.null_count.has_value()) {
        from_stats = false;
      } else if (*st.null_count > 0 || CompareScalars(st.min, st.max, &ok) != 0 ||
                 (value.has_value() && (!value->valid || CompareScalars(*value, st.min, &ok) != 0))) {
        return not_constant(pc);
      } else {
        value = st.min;
      }
    }
    if (!from_stats) {
      value.reset();
      auto batches = reader.ReadAll({pc}, {}, 1);
      if (!batches.ok()) return batches.status().WithContext(file);
      for (const RecordBatch& b : *batches) {
        for (int64_t r = 0; r < b.num_rows; ++r) {
          Scalar v = Scalar::FromColumn(*b.columns[0], r);
          bool ok = false;
          if (!value.has_value()) {
            value = std::move(v);
          } else if (v.valid != value->valid || (v.valid && CompareScalars(v, *value, &ok) != 0)) {
            return not_constant(pc);
          }
        }
      }
    }
    out.emplace_back(pc, value.has_value() && value->valid ? FormatPartitionValue(*value) : std::nullopt);
  }
  return out;
}

// `table` widened by what `file` adds: struct fields the table lacks
// (nullable, also inside lists and maps), recursively. Fields the file lacks
// must be nullable; anything else must be the same type. `where` names the
// column in errors.
Result<TypePtr> MergeType(const TypePtr& table, const TypePtr& file, const std::string& where, bool* evolved) {
  auto mismatch = [&] {
    return Status::InvalidArgument(fmt::format("column '{}' is {} in the file but {} in the table", where,
                                               file->ToString(), table->ToString()));
  };
  if (table->id() != file->id()) return mismatch();
  if (!table->is_nested()) {
    if (!table->Equals(*file)) return mismatch();
    return table;
  }
  std::vector<Field> fields = table->fields();
  if (table->id() == TypeId::kStruct) {
    for (const Field& ff : file->fields()) {
      int i = table->FieldIndex(ff.name);
      if (i < 0) {
        Field nf = ff;
        nf.nullable = true;
        fields.push_back(std::move(nf));
        *evolved = true;
        continue;
      }
      LW_ASSIGN_OR_RETURN(fields[i].type, MergeType(fields[i].type, ff.type, where + "." + ff.name, evolved));
    }
    for (const Field& tf : table->fields()) {
      if (file->FieldIndex(tf.name) < 0 && !tf.nullable) {
        return Status::InvalidArgument(fmt::format("lacks field '{}.{}', which is not nullable", where, tf.name));
      }
    }
    return DataType::Struct(std::move(fields));
  }
  if (file->num_fields() != fields.size()) return mismatch();
  for (size_t k = 0; k < fields.size(); ++k) {
    LW_ASSIGN_OR_RETURN(fields[k].type, MergeType(fields[k].type, file->field(k).type, where, evolved));
  }
  if (table->id() == TypeId::kList) return DataType::List(fields[0].type, fields[0].nullable);
  return DataType::Map(fields[0].type, fields[1].type, fields[1].nullable);
}

// Checks every file's columns against `schema` and adds what they add
// (nullable columns and nested fields: schema evolution). Returns whether
// `schema` grew.
Result<bool> MergeFileSchemas(const std::vector<DataFile>& files, const std::string& table, Schema* schema) {
  bool evolved = false;
  for (const DataFile& f : files) {
    for (const Field& field : f.schema.fields) {
      int i = schema->FieldIndex(field.name);
      if (i < 0) {
        Field nf = field;
        nf.nullable = true;
        schema->fields.push_back(nf);
        evolved = true;
        continue;
      }
      auto merged = MergeType(schema->fields[i].type, field.type, field.name, &evolved);
      if (!merged.ok()) return merged.status().WithContext(f.source + " (table " + table + ")");
      schema->fields[i].type = std::move(merged).value();
    }
    for (const Field& field : schema->fields) {
      if (f.schema.FieldIndex(field.name) < 0 && !field.nullable) {
        return Status::InvalidArgument(fmt::format("{}: lacks column '{}', which is not nullable in table {}",
                                                   f.source, field.name, table));
      }
    }
  }
  return evolved;
}

// How often an append re-validates against a concurrently changed schema.
constexpr int kSchemaChangeRetries = 10;

}  // namespace

Result<CommitResult> DeltaTable::AppendParquetFiles(const std::vector<std::string>& files,
                                                    std::optional<Txn> txn) const {
  LW_ASSIGN_OR_RETURN(auto snap, Snapshot::Load(store_));
  LW_RETURN_IF_ERROR(snap->CheckWritable());
  auto already_committed = [&](const Snapshot& s) {
    auto seen = txn.has_value() ? s.TxnVersion(txn->app_id) : std::nullopt;
    return seen.has_value() && *seen >= txn->version;
  };
  auto skipped = [](const Snapshot& s) {
    CommitResult r;
    r.version = s.version();
    r.duplicate = true;
    return r;
  };
  if (already_committed(*snap)) return skipped(*snap);  // a retried batch: nothing to copy
  const std::vector<std::string> partition_columns = snap->metadata().partition_columns;
  std::vector<DataFile> staged;
  auto cleanup = [&] {
    for (const DataFile& f : staged) ::unlink((path() + "/" + f.name).c_str());
  };
  auto fail = [&](Status st) {
    cleanup();
    return st;
  };
  for (const std::string& file : files) {
    auto reader = parquet::ParquetFileReader::Open(file);
    if (!reader.ok()) return fail(reader.status());
    DataFile f;
    f.source = file;
    f.schema = (*reader)->schema().logical();
    auto pv = FilePartitionValues(**reader, file, partition_columns);
    if (!pv.ok()) return fail(pv.status());
    f.partition_values = std::move(pv).value();
    f.name = NewDataFileName(f.partition_values, ".parquet");
    const std::string subdir = f.name.substr(0, f.name.rfind('/') + 1);
    if (!subdir.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(path() + "/" + subdir, ec);
      if (ec) return fail(Status::IOError(path() + "/" + subdir + ": " + ec.message()));
    }
    const std::string dest = path() + "/" + f.name;
    if (Status st = CopyFileDurably(file, dest); !st.ok()) return fail(st);
    struct stat sb;
    ::stat(dest.c_str(), &sb);
    f.size = static_cast<int64_t>(sb.st_size);
    staged.push_back(std::move(f));
  }
  // The copies' directory entries (and new partition directories) must be
  // durable before a commit names them.
  std::vector<std::string> names;
  for (const DataFile& f : staged) names.push_back(f.name);
  if (Status st = SyncDirsOf(path(), names); !st.ok()) return fail(st);
  CrashPoint("append-after-copy");

  CommitFilesOptions options;
  if (txn.has_value()) options.txns.push_back(*txn);
  bool in_doubt = false;
  auto result = CommitDataFiles(staged, options, &in_doubt);
  if (!result.ok()) {
    if (!in_doubt) cleanup();  // else the commit may name the files: keep them
    return result;
  }
  if (result->duplicate) cleanup();
  return result;
}

Result<CommitResult> DeltaTable::CommitDataFiles(const std::vector<DataFile>& files,
                                                 const CommitFilesOptions& options, bool* in_doubt) const {
  if (in_doubt != nullptr) *in_doubt = false;
  std::shared_ptr<const Snapshot> snap;
  auto loaded = Snapshot::Load(store_);
  if (loaded.ok()) {
    snap = std::move(loaded).value();
  } else if (!options.create.has_value() || loaded.status().code() != StatusCode::kNotFound) {
    return loaded.status();
  }
  if (snap == nullptr) {
    // Create the table with the files in version 0.
    Schema schema;
    auto merged = MergeFileSchemas(files, path(), &schema);
    if (!merged.ok()) return merged.status();
    LW_ASSIGN_OR_RETURN(Metadata m, NewTableMetadata(schema, *options.create));
    LW_RETURN_IF_ERROR(store_.CreateLogDir());
    Transaction tx(store_, nullptr);
    tx.SetProtocol(Protocol{});
    tx.SetMetadata(std::move(m));
    for (const Txn& t : options.txns) tx.AddTxn(t.app_id, t.version);
    const int64_t now = NowMillis();
    for (const DataFile& f : files) tx.Add(AddOf(*this, f, schema, now));
    tx.SetOperation("WRITE", {{"mode", "\"ErrorIfExists\""}});
    auto result = tx.Commit(1);
    if (result.ok() || result.status().code() != StatusCode::kAlreadyExists) {
      if (!result.ok() && in_doubt != nullptr) *in_doubt = tx.commit_in_doubt();
      return result;
    }
    // Another writer created the table first: append to it.
    LW_ASSIGN_OR_RETURN(snap, Snapshot::Load(store_));
  }
  LW_RETURN_IF_ERROR(snap->CheckWritable());
  const std::vector<std::string> partition_columns = snap->metadata().partition_columns;
  for (const DataFile& f : files) {
    if (f.partition_values.size() != partition_columns.size()) {
      return Status::InvalidArgument(fmt::format("{}: has {} partition values, table {} has {} partition columns",
                                                 f.source.empty() ? f.name : f.source, f.partition_values.size(),
                                                 path(), partition_columns.size()));
    }
  }
  for (int round = 0;; ++round) {
    Schema schema = snap->schema();
    auto evolved = MergeFileSchemas(files, path(), &schema);
    if (!evolved.ok()) return evolved.status();
    Transaction tx(store_, snap);
    const int64_t now = NowMillis();
    for (const DataFile& f : files) tx.Add(AddOf(*this, f, schema, now));
    if (*evolved) {
      Metadata m = snap->metadata();
      m.schema_string = SchemaToJson(schema);
      tx.SetMetadata(std::move(m));
    }
    for (const Txn& t : options.txns) tx.AddTxn(t.app_id, t.version);
    tx.SetOperation("WRITE", {{"mode", "\"Append\""}});
    auto result = tx.Commit();
    if (result.ok()) return result;
    if (tx.commit_in_doubt()) {
      if (in_doubt != nullptr) *in_doubt = true;
      return result;
    }
    if (!tx.lost_to_metadata_change() || round == kSchemaChangeRetries) return result;
    // Another writer changed the schema: check the files against the new one.
    LW_ASSIGN_OR_RETURN(snap, Snapshot::Load(store_));
    LW_RETURN_IF_ERROR(snap->CheckWritable());
    if (snap->metadata().partition_columns != partition_columns) return result;
  }
}

bool DeltaTable::FileMayMatch(const Snapshot& snapshot, const LiveFile& file,
                              const std::vector<parquet::StatsPredicate>& predicates) const {
  if (predicates.empty()) return true;
  const Schema& schema = snapshot.schema();
  std::optional<FileStats> stats;
  bool stats_parsed = false;
  for (const parquet::StatsPredicate& p : predicates) {
    // Partition column: decide exactly from the partition value.
    bool is_partition = false;
    for (const std::string& pc : snapshot.metadata().partition_columns) is_partition = is_partition || pc == p.column;
    if (is_partition) {
      int i = schema.FieldIndex(p.column);
      if (i < 0) continue;
      std::optional<std::string> text;
      for (const auto& [k, v] : file.add.partition_values) {
        if (k == p.column) text = v;
      }
      auto value = ParsePartitionValue(text, schema.fields[i].type);
      if (!value.ok()) continue;
      parquet::ColumnStats cs;
      cs.num_values = 1;
      cs.null_count = value->valid ? 0 : 1;
      cs.has_bounds = value->valid;
      cs.min = cs.max = *value;
      if (!parquet::StatsMayMatch(cs, p)) return false;
      continue;
    }
    if (!stats_parsed) {
      stats_parsed = true;
      if (file.add.stats.has_value()) {
        auto s = ParseStats(*file.add.stats, schema);
        if (s.ok()) stats = std::move(s).value();
      }
    }
    if (!stats.has_value() || !stats->num_records.has_value()) continue;
    parquet::ColumnStats cs;
    cs.num_values = *stats->num_records;
    if (auto it = stats->null_count.find(p.column); it != stats->null_count.end()) cs.null_count = it->second;
    auto lo = stats->min_values.find(p.column);
    auto hi = stats->max_values.find(p.column);
    if (lo != stats->min_values.end() && hi != stats->max_values.end()) {
      cs.has_bounds = true;
      cs.min = lo->second;
      cs.max = hi->second;
      // Spark truncates timestamp stats to milliseconds: widen the max.
      if (cs.max.type->id() == TypeId::kTimestamp || cs.max.type->id() == TypeId::kTimestampNtz) cs.max.i64 += 999;
    }
    if (!parquet::StatsMayMatch(cs, p)) return false;
  }
  return true;
}

Result<std::unique_ptr<ScanCursor>> ScanCursor::Make(const DeltaTable& table,
                                                      std::shared_ptr<const Snapshot> snapshot, ScanOptions options) {
  LW_RETURN_IF_ERROR(snapshot->CheckReadable());
  std::unique_ptr<ScanCursor> c(new ScanCursor());
  c->table_ = &table;
  Status st;
  c->schema_.fields = ProjectFields(snapshot->schema(), options.columns, &st);
  LW_RETURN_IF_ERROR(st);
  for (const LiveFile& f : snapshot->files()) {
    ++c->files_total_;
    if (!table.FileMayMatch(*snapshot, f, options.predicates)) continue;
    if (f.add.deletion_vector.has_value()) {
      return Status::NotSupported(table.path() + ": file " + f.path + " has a deletion vector");
    }
    c->files_.push_back(&f);
  }
  c->snapshot_ = std::move(snapshot);
  c->options_ = std::move(options);
  return c;
}

namespace {

// The reader's projection plans for a scan of `schema` (projected by
// `columns`, empty: all) in a data file: the columns requested, present in
// the file and not partition columns; none when no such column. `context`
// names the file in errors.
Result<std::vector<parquet::FieldPlan>> FilePlans(const Schema& schema, const std::vector<std::string>& columns,
                                                  const parquet::ParquetFileReader& reader,
                                                  const std::vector<std::string>& pcols, const std::string& context) {
  const Schema& fschema = reader.schema().logical();
  std::vector<std::string> file_cols;
  for (const Field& of : schema.fields) {
    bool part = std::find(pcols.begin(), pcols.end(), of.name) != pcols.end();
    if (part || fschema.FieldIndex(of.name) < 0) continue;
    if (columns.empty()) {
      file_cols.push_back(of.name);
    } else {
      for (const std::string& c : columns) {
        if (c == of.name || c.rfind(of.name + ".", 0) == 0) file_cols.push_back(c);
      }
    }
  }
  if (file_cols.empty()) return std::vector<parquet::FieldPlan>{};
  auto plans = reader.schema().Project(file_cols);
  if (!plans.ok()) return plans.status().WithContext(context);
  return plans;
}

}  // namespace

Result<std::shared_ptr<const ScanFile>> ScanCursor::Narrow(const ScanFile& file,
                                                           const std::vector<std::string>& columns) const {
  if (columns.empty()) return Status::InvalidArgument("ScanCursor::Narrow: no column");
  Status st;
  auto schema = std::make_shared<Schema>();
  schema->fields = ProjectFields(snapshot_->schema(), columns, &st);
  LW_RETURN_IF_ERROR(st);
  auto out = std::make_shared<ScanFile>();
  out->file = file.file;
  out->reader = file.reader;
  out->row_groups = file.row_groups;
  out->num_rows = file.num_rows;
  LW_ASSIGN_OR_RETURN(out->plans, FilePlans(*schema, columns, *file.reader, snapshot_->metadata().partition_columns,
                                            table_->path() + ": file " + file.file->path));
  out->schema = std::move(schema);
  return std::shared_ptr<const ScanFile>(std::move(out));
}

Result<std::shared_ptr<const ScanFile>> ScanCursor::OpenFile(size_t i) const {
  const LiveFile& f = *files_[i];
  const auto& pcols = snapshot_->metadata().partition_columns;
  auto reader = parquet::ParquetFileReader::Open(table_->DataPath(f.path));
  if (!reader.ok()) return reader.status().WithContext(table_->path());
  auto out = std::make_shared<ScanFile>();
  out->file = &f;
  out->num_rows = (*reader)->num_rows();
  LW_ASSIGN_OR_RETURN(out->plans,
                      FilePlans(schema_, options_.columns, **reader, pcols, table_->path() + ": file " + f.path));
  if (out->plans.empty()) return std::shared_ptr<const ScanFile>(std::move(out));
  std::vector<parquet::StatsPredicate> file_preds;
  for (const auto& p : options_.predicates) {
    if (std::find(pcols.begin(), pcols.end(), p.column) == pcols.end()) file_preds.push_back(p);
  }
  for (int rg = 0; rg < (*reader)->num_row_groups(); ++rg) {
    if ((*reader)->RowGroupMayMatch(rg, file_preds)) out->row_groups.push_back(rg);
  }
  out->reader = std::move(reader).value();
  return std::shared_ptr<const ScanFile>(std::move(out));
}

Result<RecordBatch> ScanCursor::ToTableBatch(const ScanFile& file, RecordBatch fb) const {
  const auto& pcols = snapshot_->metadata().partition_columns;
  RecordBatch ob;
  ob.num_rows = fb.num_rows;
  for (const Field& of : (file.schema ? *file.schema : schema_).fields) {
    ColumnPtr col;
    if (std::find(pcols.begin(), pcols.end(), of.name) != pcols.end()) {
      std::optional<std::string> text;
      for (const auto& [k, v] : file.file->add.partition_values) {
        if (k == of.name) text = v;
      }
      LW_ASSIGN_OR_RETURN(Scalar value, ParsePartitionValue(text, of.type));
      col = MakeConstantColumn(value, of.type, fb.num_rows);
    } else {
      int i = fb.schema.FieldIndex(of.name);
      if (i >= 0) {
        auto adapted = AdaptColumn(fb.columns[i], of.type, of.name);
        if (!adapted.ok()) return adapted.status().WithContext(table_->path() + ": file " + file.file->path);
        col = std::move(adapted).value();
      } else {
        col = MakeNullColumn(of.type, fb.num_rows);  // added to the table after this file
      }
    }
    ob.schema.fields.push_back(of);
    ob.columns.push_back(std::move(col));
  }
  return ob;
}

Result<RecordBatch> ScanCursor::ReadRowGroup(const ScanFile& file, int rg) const {
  auto fb = file.reader->ReadRowGroup(rg, file.plans);
  if (!fb.ok()) return fb.status().WithContext(table_->path());
  return ToTableBatch(file, std::move(fb).value());
}

Result<RecordBatch> ScanCursor::ReadRowGroupRows(const ScanFile& file, int rg,
                                                 const parquet::RowSelection& rows) const {
  auto fb = file.reader->ReadRowGroupRows(rg, file.plans, rows);
  if (!fb.ok()) return fb.status().WithContext(table_->path());
  return ToTableBatch(file, std::move(fb).value());
}

Result<std::vector<RecordBatch>> ScanCursor::ReadFile(const ScanFile& file) const {
  std::vector<RecordBatch> out;
  if (file.reader == nullptr) {
    RecordBatch b;
    b.num_rows = file.num_rows;
    LW_ASSIGN_OR_RETURN(RecordBatch ob, ToTableBatch(file, std::move(b)));
    out.push_back(std::move(ob));
    return out;
  }
  for (int rg : file.row_groups) {
    LW_ASSIGN_OR_RETURN(RecordBatch b, ReadRowGroup(file, rg));
    out.push_back(std::move(b));
  }
  return out;
}

Result<std::vector<RecordBatch>> DeltaTable::Scan(const Snapshot& snapshot, const ScanOptions& options,
                                                  ScanStats* stats) const {
  // The cursor shares the snapshot; the caller's reference outlives this call.
  std::shared_ptr<const Snapshot> snap(&snapshot, [](const Snapshot*) {});
  LW_ASSIGN_OR_RETURN(auto cursor, ScanCursor::Make(*this, snap, options));
  ScanStats local;
  local.files_total = cursor->files_total();
  local.files_skipped = local.files_total - static_cast<int64_t>(cursor->files().size());
  std::vector<RecordBatch> out;
  for (size_t i = 0; i < cursor->files().size(); ++i) {
    LW_ASSIGN_OR_RETURN(auto file, cursor->OpenFile(i));
    if (file->reader != nullptr) {
      local.row_groups_skipped += file->reader->num_row_groups() - static_cast<int64_t>(file->row_groups.size());
    }
    LW_ASSIGN_OR_RETURN(std::vector<RecordBatch> batches, cursor->ReadFile(*file));
    for (RecordBatch& b : batches) out.push_back(std::move(b));
  }
  if (stats != nullptr) *stats = local;
  return out;
}

Result<std::vector<HistoryEntry>> DeltaTable::History(int64_t limit) const {
  LW_ASSIGN_OR_RETURN(LogListing listing, store_.List());
  std::vector<HistoryEntry> out;
  for (auto it = listing.commits.rbegin(); it != listing.commits.rend(); ++it) {
    if (limit >= 0 && static_cast<int64_t>(out.size()) >= limit) break;
    LW_ASSIGN_OR_RETURN(std::string content, store_.ReadCommit(*it));
    LW_ASSIGN_OR_RETURN(ActionSet a, ParseCommit(content, *it));
    HistoryEntry h;
    h.version = *it;
    h.adds = static_cast<int64_t>(a.adds.size());
    h.removes = static_cast<int64_t>(a.removes.size());
    if (a.commit_info.has_value()) {
      h.operation = a.commit_info->operation.value_or("");
      h.commit_info_json = a.commit_info->json;
      h.timestamp_ms = a.commit_info->in_commit_timestamp.value_or(a.commit_info->timestamp.value_or(0));
    }
    if (h.timestamp_ms == 0) {
      auto t = store_.CommitMtimeMs(*it);
      if (t.ok()) h.timestamp_ms = *t;
    }
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace lakewatch::delta
