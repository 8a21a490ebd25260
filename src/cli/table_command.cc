// `lakewatch table list|describe|history|files|scan|create|append|checkpoint|optimize|vacuum`.
#include <dirent.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/row_output.h"
#include "common/time.h"
#include "delta/log_store.h"
#include "delta/maintenance.h"
#include "delta/schema_json.h"
#include "delta/table.h"
#include "parquet/file_reader.h"

namespace lakewatch::cli {

namespace {

using delta::DeltaTable;

struct TableArgs {
  std::string table, format, columns, schema_file, partition_by, timestamp, txn_app_id;
  std::vector<std::string> files;
  int64_t txn_version = -1;
  int64_t version = -1;
  double retain_hours = 168;
  bool dry_run = false, force = false;
  int64_t limit = -1;
};

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (!s.empty()) {
    size_t comma = s.find(',', start);
    std::string part = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!part.empty()) out.push_back(part);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

Result<delta::SnapshotOptions> SnapshotArgs(const TableArgs& a) {
  delta::SnapshotOptions o;
  if (a.version >= 0 && !a.timestamp.empty()) {
    return Status::InvalidArgument("--version and --timestamp are exclusive");
  }
  if (a.version >= 0) o.version = a.version;
  if (!a.timestamp.empty()) {
    auto ts = delta::ParsePartitionValue(a.timestamp, DataType::Timestamp());
    if (!ts.ok() || !ts->valid) {
      return Status::InvalidArgument("--timestamp '" + a.timestamp +
                                     "': expected 'YYYY-MM-DD HH:MM:SS[.ffffff]' or ISO-8601");
    }
    o.timestamp_ms = FloorDiv(ts->i64, 1000);
  }
  return o;
}

// Prints rows built column by column from string/int vectors.
struct SimpleTable {
  Schema schema;
  std::vector<ColumnPtr> cols;
  void AddColumn(const std::string& name, TypePtr t) {
    schema.fields.push_back(Field{name, t, true, {}});
    cols.push_back(Column::Make(t));
  }
  RecordBatch Batch() const {
    RecordBatch b;
    b.schema = schema;
    b.columns = cols;
    b.num_rows = cols.empty() ? 0 : cols[0]->length;
    return b;
  }
};

Status Print(const TableArgs& a, const SimpleTable& t) {
  LW_ASSIGN_OR_RETURN(RowFormat format, ParseRowFormat(a.format, stdout));
  RowOutput out(format, stdout);
  out.Write(t.Batch());
  out.Finish();
  return Status::OK();
}

int64_t NumRecords(const delta::AddFile& add) {
  if (!add.stats.has_value()) return -1;
  auto n = delta::StatsNumRecords(*add.stats);
  if (!n.ok() || !n->has_value()) return -1;
  return **n;
}

Status ListCommand(const GlobalOptions& g, const TableArgs& a) {
  SimpleTable t;
  t.AddColumn("table", DataType::String());
  t.AddColumn("version", DataType::Int64());
  t.AddColumn("files", DataType::Int64());
  t.AddColumn("bytes", DataType::Int64());
  DIR* d = ::opendir(g.data_dir.c_str());
  if (d == nullptr) {
    return Status::NotFound("data directory '" + g.data_dir + "' does not exist (set --data or $LAKEWATCH_DATA)");
  }
  std::vector<std::string> names;
  while (struct dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name.empty() || name[0] == '.' || name[0] == '_') continue;
    struct stat sb;
    if (::stat((g.data_dir + "/" + name + "/_delta_log").c_str(), &sb) == 0) names.push_back(name);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    DeltaTable table(g.data_dir + "/" + name);
    auto snap = delta::Snapshot::Load(table.store());
    t.cols[0]->AppendString(name);
    if (!snap.ok()) {
      for (int i = 1; i < 4; ++i) t.cols[i]->AppendNull();
      continue;
    }
    int64_t bytes = 0;
    for (const auto& f : (*snap)->files()) bytes += f.add.size;
    t.cols[1]->Append<int64_t>((*snap)->version());
    t.cols[2]->Append<int64_t>(static_cast<int64_t>((*snap)->files().size()));
    t.cols[3]->Append<int64_t>(bytes);
  }
  return Print(a, t);
}

Status DescribeCommand(const GlobalOptions& g, const TableArgs& a) {
  DeltaTable table(ResolveTable(g, a.table));
  LW_ASSIGN_OR_RETURN(auto opts, SnapshotArgs(a));
  LW_ASSIGN_OR_RETURN(auto snap, delta::Snapshot::Load(table.store(), opts));
  int64_t bytes = 0, rows = 0;
  bool rows_known = true;
  for (const auto& f : snap->files()) {
    bytes += f.add.size;
    int64_t n = NumRecords(f.add);
    if (n < 0) rows_known = false;
    else rows += n;
  }
  const auto& m = snap->metadata();
  const auto& p = snap->protocol();
  std::string out;
  fmt::format_to(std::back_inserter(out), "table: {}\nid: {}\nversion: {}\ncommitted: {}\n", table.path(), m.id,
                 snap->version(), FormatTimestampMicros(snap->timestamp_ms() * 1000));
  fmt::format_to(std::back_inserter(out), "protocol: reader {} writer {}", p.min_reader_version, p.min_writer_version);
  for (const auto& f : p.reader_features.value_or(std::vector<std::string>{})) out += " +r:" + f;
  for (const auto& f : p.writer_features.value_or(std::vector<std::string>{})) out += " +w:" + f;
  out += "\n";
  std::string parts;
  for (const auto& c : m.partition_columns) parts += (parts.empty() ? "" : ", ") + c;
  fmt::format_to(std::back_inserter(out), "partitioned by: {}\nfiles: {}\nbytes: {}\nrows: {}\n",
                 parts.empty() ? "(none)" : parts, snap->files().size(), bytes,
                 rows_known ? std::to_string(rows) : std::string("unknown (files without stats)"));
  for (const auto& [k, v] : m.configuration) out += "property: " + k + " = " + v + "\n";
  Status readable = snap->CheckReadable();
  if (!readable.ok()) out += "readable: no — " + readable.message() + "\n";
  out += "schema:\n";
  for (const Field& f : snap->schema().fields) {
    out += "  " + f.name + ": " + f.type->ToString() + (f.nullable ? "" : " not null") + "\n";
  }
  std::fputs(out.c_str(), stdout);
  return Status::OK();
}

Status HistoryCommand(const GlobalOptions& g, const TableArgs& a) {
  DeltaTable table(ResolveTable(g, a.table));
  LW_ASSIGN_OR_RETURN(auto history, table.History(a.limit));
  SimpleTable t;
  t.AddColumn("version", DataType::Int64());
  t.AddColumn("timestamp", DataType::Timestamp());
  t.AddColumn("operation", DataType::String());
  t.AddColumn("adds", DataType::Int64());
  t.AddColumn("removes", DataType::Int64());
  for (const auto& h : history) {
    t.cols[0]->Append<int64_t>(h.version);
    t.cols[1]->Append<int64_t>(h.timestamp_ms * 1000);
    t.cols[2]->AppendString(h.operation);
    t.cols[3]->Append<int64_t>(h.adds);
    t.cols[4]->Append<int64_t>(h.removes);
  }
  return Print(a, t);
}

Status FilesCommand(const GlobalOptions& g, const TableArgs& a) {
  DeltaTable table(ResolveTable(g, a.table));
  LW_ASSIGN_OR_RETURN(auto opts, SnapshotArgs(a));
  LW_ASSIGN_OR_RETURN(auto snap, delta::Snapshot::Load(table.store(), opts));
  SimpleTable t;
  t.AddColumn("path", DataType::String());
  t.AddColumn("size", DataType::Int64());
  t.AddColumn("rows", DataType::Int64());
  t.AddColumn("partition", DataType::Map(DataType::String(), DataType::String()));
  t.AddColumn("modified", DataType::Timestamp());
  for (const auto& f : snap->files()) {
    t.cols[0]->AppendString(f.path);
    t.cols[1]->Append<int64_t>(f.add.size);
    int64_t n = NumRecords(f.add);
    if (n >= 0) t.cols[2]->Append<int64_t>(n);
    else t.cols[2]->AppendNull();
    // A map (a JSON object in json/jsonl output): values with ',' or '=' and null stay apart.
    Column& part = *t.cols[3];
    for (const auto& [k, v] : f.add.partition_values) {
      part.children[0]->AppendString(k);
      if (v.has_value()) {
        part.children[1]->AppendString(*v);
      } else {
        part.children[1]->AppendNull();
      }
    }
    part.FinishListRow();
    t.cols[4]->Append<int64_t>(f.add.modification_time * 1000);
  }
  return Print(a, t);
}

Status ScanCommand(const GlobalOptions& g, const TableArgs& a) {
  DeltaTable table(ResolveTable(g, a.table));
  LW_ASSIGN_OR_RETURN(auto opts, SnapshotArgs(a));
  LW_ASSIGN_OR_RETURN(auto snap, table.Load(opts));
  LW_ASSIGN_OR_RETURN(RowFormat format, ParseRowFormat(a.format, stdout));
  delta::ScanOptions so;
  so.columns = Split(a.columns);
  LW_ASSIGN_OR_RETURN(auto batches, table.Scan(*snap, so));
  RowOutput out(format, stdout);
  int64_t left = a.limit < 0 ? INT64_MAX : a.limit;
  for (RecordBatch& b : batches) {
    if (left <= 0) break;
    if (b.num_rows > left) b.num_rows = left;
    out.Write(b);
    left -= b.num_rows;
  }
  if (out.rows() == 0) {
    RecordBatch empty;
    for (const Field& f : snap->schema().fields) {
      if (so.columns.empty() || std::find(so.columns.begin(), so.columns.end(), f.name) != so.columns.end()) {
        empty.schema.fields.push_back(f);
        empty.columns.push_back(Column::Make(f.type));
      }
    }
    out.Write(empty);
  }
  out.Finish();
  return Status::OK();
}

Status CreateCommand(const GlobalOptions& g, const TableArgs& a) {
  LW_ASSIGN_OR_RETURN(std::string json, delta::ReadFileToString(a.schema_file));
  auto schema = delta::ParseSchemaString(json);
  if (!schema.ok()) return schema.status().WithContext(a.schema_file);
  DeltaTable table(ResolveTable(g, a.table));
  delta::CreateOptions co;
  co.partition_columns = Split(a.partition_by);
  LW_ASSIGN_OR_RETURN(auto r, table.Create(*schema, co));
  std::fprintf(stderr, "created %s (version %lld)\n", table.path().c_str(), static_cast<long long>(r.version));
  return Status::OK();
}

// `table append` into a table that does not exist yet creates it (as Spark's append mode does)
// with the first file's columns, all nullable, partitioned by --partition-by. Two appends
// racing to create it both succeed: the loser of version 0 appends to the winner's table.
Status CreateFromFileIfAbsent(const DeltaTable& table, const TableArgs& a) {
  auto listing = delta::LogStore(table.path()).List();
  if (listing.ok() && (!listing->commits.empty() || !listing->checkpoints.empty())) {
    return Status::OK();
  }
  if (!listing.ok() && listing.status().code() != StatusCode::kNotFound) return listing.status();
  LW_ASSIGN_OR_RETURN(auto reader, parquet::ParquetFileReader::Open(a.files.front()));
  Schema schema = reader->schema().logical();
  for (Field& f : schema.fields) f.nullable = true;
  delta::CreateOptions co;
  co.partition_columns = Split(a.partition_by);
  auto created = table.Create(schema, co);
  if (!created.ok() && created.status().code() != StatusCode::kAlreadyExists) {
    return created.status();
  }
  if (created.ok()) {
    std::fprintf(stderr, "created %s (version 0) with the columns of %s\n", table.path().c_str(),
                 a.files.front().c_str());
  }
  return Status::OK();
}

Status AppendCommand(const GlobalOptions& g, const TableArgs& a) {
  DeltaTable table(ResolveTable(g, a.table));
  LW_RETURN_IF_ERROR(CreateFromFileIfAbsent(table, a));
  std::optional<delta::Txn> txn;
  if (!a.txn_app_id.empty() || a.txn_version >= 0) {
    if (a.txn_app_id.empty() || a.txn_version < 0) {
      return Status::InvalidArgument("--txn-app-id and --txn-version go together");
    }
    txn = delta::Txn{a.txn_app_id, a.txn_version, std::nullopt};
  }
  LW_ASSIGN_OR_RETURN(auto r, table.AppendParquetFiles(a.files, txn));
  if (r.duplicate) {
    std::fprintf(stderr, "batch %s/%lld was already committed (version %lld): nothing appended\n",
                 a.txn_app_id.c_str(), static_cast<long long>(a.txn_version),
                 static_cast<long long>(r.version));
    return Status::OK();
  }
  std::fprintf(stderr, "appended %zu file%s to %s as version %lld\n", a.files.size(), a.files.size() == 1 ? "" : "s",
               table.path().c_str(), static_cast<long long>(r.version));
  return Status::OK();
}

Status CheckpointCommand(const GlobalOptions& g, const TableArgs& a) {
  DeltaTable table(ResolveTable(g, a.table));
  LW_ASSIGN_OR_RETURN(auto snap, delta::Snapshot::Load(table.store()));
  LW_RETURN_IF_ERROR(delta::WriteCheckpoint(table.store(), *snap));
  std::fprintf(stderr, "checkpoint written for %s at version %lld\n", table.path().c_str(),
               static_cast<long long>(snap->version()));
  return Status::OK();
}

Status OptimizeCommand(const GlobalOptions& g, const TableArgs& a) {
  DeltaTable table(ResolveTable(g, a.table));
  delta::OptimizeOptions o;
  LW_ASSIGN_OR_RETURN(auto r, delta::Optimize(table, o));
  if (r.version < 0) {
    std::fprintf(stderr, "optimize: nothing to compact in %s\n", table.path().c_str());
  } else {
    std::fprintf(stderr, "optimize: %lld files (%lld bytes) compacted into %lld (%lld bytes) as version %lld\n",
                 static_cast<long long>(r.files_removed), static_cast<long long>(r.bytes_removed),
                 static_cast<long long>(r.files_added), static_cast<long long>(r.bytes_added),
                 static_cast<long long>(r.version));
  }
  return Status::OK();
}

Status VacuumCommand(const GlobalOptions& g, const TableArgs& a) {
  DeltaTable table(ResolveTable(g, a.table));
  delta::VacuumOptions o;
  o.retain_hours = a.retain_hours;
  o.dry_run = a.dry_run;
  o.force = a.force;
  LW_ASSIGN_OR_RETURN(auto r, delta::Vacuum(table, o));
  for (const std::string& f : r.files) std::printf("%s\n", f.c_str());
  std::fprintf(stderr, "vacuum: %s %zu file%s (%lld bytes) in %s\n", a.dry_run ? "would delete" : "deleted",
               r.files.size(), r.files.size() == 1 ? "" : "s", static_cast<long long>(r.bytes), table.path().c_str());
  return Status::OK();
}

}  // namespace

void RegisterTableCommands(CLI::App* app, const GlobalOptions* global, Handler* handler) {
  auto a = std::make_shared<TableArgs>();
  CLI::App* t = app->add_subcommand("table", "inspect and manage Delta tables");
  t->require_subcommand(1);
  auto fmt_opt = [&](CLI::App* c) {
    c->add_option("--format", a->format, "table|json|jsonl|csv (default: table on a terminal, else jsonl)");
  };
  auto time_travel = [&](CLI::App* c) {
    c->add_option("--version", a->version, "read the table as of this version");
    c->add_option("--timestamp", a->timestamp, "read the table as of this commit time (UTC)");
  };

  CLI::App* list = t->add_subcommand("list", "tables in the data directory");
  fmt_opt(list);
  list->callback([=] { *handler = [=] { return ListCommand(*global, *a); }; });

  CLI::App* describe = t->add_subcommand("describe", "schema, partitioning, protocol, size of a table");
  describe->add_option("table", a->table, "table name or path")->required();
  time_travel(describe);
  describe->callback([=] { *handler = [=] { return DescribeCommand(*global, *a); }; });

  CLI::App* history = t->add_subcommand("history", "the table's commits, newest first");
  history->add_option("table", a->table, "table name or path")->required();
  history->add_option("--limit", a->limit, "at most N commits");
  fmt_opt(history);
  history->callback([=] { *handler = [=] { return HistoryCommand(*global, *a); }; });

  CLI::App* files = t->add_subcommand("files", "the live data files");
  files->add_option("table", a->table, "table name or path")->required();
  time_travel(files);
  fmt_opt(files);
  files->callback([=] { *handler = [=] { return FilesCommand(*global, *a); }; });

  CLI::App* scan = t->add_subcommand("scan", "print the table's rows");
  scan->add_option("table", a->table, "table name or path")->required();
  scan->add_option("--columns", a->columns, "comma-separated columns or nested paths (a,b.c)");
  scan->add_option("--limit", a->limit, "print at most N rows");
  time_travel(scan);
  fmt_opt(scan);
  scan->callback([=] { *handler = [=] { return ScanCommand(*global, *a); }; });

  CLI::App* create = t->add_subcommand("create", "create an empty table");
  create->add_option("table", a->table, "table name or path")->required();
  create->add_option("--schema", a->schema_file, "schema as Spark JSON (a Delta schemaString)")->required();
  create->add_option("--partition-by", a->partition_by, "comma-separated partition columns");
  create->callback([=] { *handler = [=] { return CreateCommand(*global, *a); }; });

  CLI::App* append = t->add_subcommand("append", "copy Parquet files into the table in one commit");
  append->add_option("table", a->table, "table name or path")->required();
  append->add_option("files", a->files, "Parquet files")->required();
  append->add_option("--partition-by", a->partition_by,
                     "when the table does not exist yet: create it partitioned by these columns");
  append->add_option("--txn-app-id", a->txn_app_id,
                     "idempotent batch: application id (with --txn-version)");
  append->add_option("--txn-version", a->txn_version,
                     "idempotent batch: its number for this application id; a batch whose "
                     "number is not above the last committed one is skipped");
  append->callback([=] { *handler = [=] { return AppendCommand(*global, *a); }; });

  CLI::App* checkpoint = t->add_subcommand("checkpoint", "write a checkpoint at the latest version");
  checkpoint->add_option("table", a->table, "table name or path")->required();
  checkpoint->callback([=] { *handler = [=] { return CheckpointCommand(*global, *a); }; });

  CLI::App* optimize = t->add_subcommand("optimize", "compact small files (dataChange=false)");
  optimize->add_option("table", a->table, "table name or path")->required();
  optimize->callback([=] { *handler = [=] { return OptimizeCommand(*global, *a); }; });

  CLI::App* vacuum = t->add_subcommand("vacuum", "delete unreferenced files older than the retention");
  vacuum->add_option("table", a->table, "table name or path")->required();
  vacuum->add_option("--retain-hours", a->retain_hours, "keep files younger than this (default 168)");
  vacuum->add_flag("--dry-run", a->dry_run, "list the files, delete nothing");
  vacuum->add_flag("--force", a->force,
                   "allow a retention below the table's deletedFileRetentionDuration (7 days)");
  vacuum->callback([=] { *handler = [=] { return VacuumCommand(*global, *a); }; });
}

}  // namespace lakewatch::cli
