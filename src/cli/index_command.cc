// `lakewatch index build|show`: the search index sidecars of a table
// (docs/search-index.md) — building the missing ones (backfill of tables
// written by Spark or before indexing, files written by optimize) and
// showing their sizes, columns and coverage.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cli/commands.h"
#include "cli/row_output.h"
#include "delta/table.h"
#include "index/sidecar_file.h"
#include "index/sidecar_reader.h"
#include "ingest/index_configuration.h"
#include "parquet/file_reader.h"

namespace lakewatch::cli {

namespace {

struct IndexArgs {
  std::string table, format;
  std::optional<std::string> text, keyword;
  bool rebuild = false;
  int threads = 0;
};

// What a data file's sidecar is worth for `columns` (status: ok, missing,
// corrupt or stale).
struct SidecarState {
  std::string status;
  std::string detail;
  int64_t bytes = 0;
  std::vector<index::IndexColumn> covered;
  int64_t rows = -1;  // -1: unknown (no readable sidecar)
};

SidecarState Inspect(const std::string& path, const delta::LiveFile& f,
                     const std::vector<index::IndexColumn>& columns) {
  SidecarState s;
  if (path.empty()) {
    s.status = "missing";
    s.detail = "the data file is outside the table";
    return s;
  }
  auto r = index::SidecarReader::Open(path);
  if (!r.ok()) {
    s.status = r.status().code() == StatusCode::kNotFound ? "missing" : "corrupt";
    if (s.status == "corrupt") s.detail = r.status().ToString();
    return s;
  }
  s.bytes = static_cast<int64_t>((*r)->file_size());
  s.rows = (*r)->num_rows();
  for (const index::IndexedColumnInfo& c : (*r)->columns()) s.covered.push_back(c.column);
  if (Status st = (*r)->VerifyAll(); !st.ok()) {
    s.status = "corrupt";
    s.detail = st.ToString();
    return s;
  }
  if ((*r)->data_file_size() != 0 && (*r)->data_file_size() != f.add.size) {
    s.status = "stale";
    s.detail = fmt::format("built for a data file of {} bytes, not {}", (*r)->data_file_size(), f.add.size);
    return s;
  }
  s.status = "ok";
  // Columns configured but absent from the sidecar are usually absent from
  // the data file (nothing to index); a rebuild tells for sure.
  for (const index::IndexColumn& c : columns) {
    if (std::find(s.covered.begin(), s.covered.end(), c) == s.covered.end()) {
      s.detail += (s.detail.empty() ? "not covered: " : ", ") + c.path + " (" + index::IndexKindName(c.kind) + ")";
    }
  }
  return s;
}

// Whether a valid sidecar indexes exactly the configured columns that the
// data file has (a configured column the file lacks cannot be indexed).
bool CoversConfiguredColumns(const SidecarState& s, const std::string& data_path,
                             const std::vector<index::IndexColumn>& columns) {
  for (const index::IndexColumn& c : s.covered) {
    if (std::find(columns.begin(), columns.end(), c) == columns.end()) return false;
  }
  std::unique_ptr<parquet::ParquetFileReader> reader;
  for (const index::IndexColumn& c : columns) {
    if (std::find(s.covered.begin(), s.covered.end(), c) != s.covered.end()) continue;
    if (reader == nullptr) {
      auto r = parquet::ParquetFileReader::Open(data_path);
      if (!r.ok()) return false;  // the build reports the error
      reader = std::move(r).value();
    }
    auto plans = reader->schema().Project({c.path});
    if (plans.ok()) return false;  // present, yet not indexed (or not a string: rebuilding is harmless)
  }
  return true;
}

std::string Mb(int64_t bytes) { return fmt::format("{:.2f} MB", static_cast<double>(bytes) / 1e6); }

Status RunBuild(const GlobalOptions& g, const IndexArgs& a) {
  delta::DeltaTable table(ResolveTable(g, a.table));
  LW_ASSIGN_OR_RETURN(auto snap, table.Load());
  const auto t0 = std::chrono::steady_clock::now();
  LW_RETURN_IF_ERROR(ingest::StoreIndexConfiguration(table, a.text, a.keyword));
  index::SidecarOptions options;
  options.columns = ingest::TableIndexColumns(&snap->metadata(), a.text, a.keyword);
  if (options.columns.empty()) return Status::InvalidArgument("no column to index (--text and --keyword are empty)");
  std::vector<const delta::LiveFile*> todo;
  int64_t skipped = 0;
  for (const delta::LiveFile& f : snap->files()) {
    const std::string path = index::SidecarPath(table.path(), f.path);
    if (path.empty()) continue;  // outside the table: cannot have a sidecar
    // A valid sidecar over the configured columns is kept unless --rebuild.
    const SidecarState s = Inspect(path, f, options.columns);
    if (s.status == "ok" && !a.rebuild && CoversConfiguredColumns(s, table.DataPath(f.path), options.columns)) {
      ++skipped;
      continue;
    }
    todo.push_back(&f);
  }
  // Files are independent: built by `threads` workers, the first error wins.
  const int threads = std::clamp<int>(a.threads > 0 ? a.threads : static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN)),
                                      1, std::max<int>(1, static_cast<int>(todo.size())));
  std::atomic<size_t> next{0};
  std::atomic<int64_t> index_bytes{0}, data_bytes{0};
  std::mutex mu;
  Status first_error;
  auto work = [&] {
    for (size_t i = next++; i < todo.size(); i = next++) {
      const delta::LiveFile& f = *todo[i];
      auto bytes = index::BuildSidecarFromParquet(table.DataPath(f.path), options);
      Status st = bytes.ok() ? index::WriteSidecar(table.path(), f.path, *bytes) : bytes.status();
      if (!st.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        if (first_error.ok()) first_error = st.WithContext(f.path);
        return;
      }
      index_bytes += static_cast<int64_t>(bytes->size());
      data_bytes += f.add.size;
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  LW_RETURN_IF_ERROR(first_error);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("indexed %zu file%s (%lld already had a sidecar): %s of sidecars for %s of data (%.2f%%), %.2f s\n",
              todo.size(), todo.size() == 1 ? "" : "s", static_cast<long long>(skipped), Mb(index_bytes).c_str(),
              Mb(data_bytes).c_str(), data_bytes > 0 ? 100.0 * index_bytes / data_bytes : 0.0, seconds);
  return Status::OK();
}

Status RunShow(const GlobalOptions& g, const IndexArgs& a) {
  delta::DeltaTable table(ResolveTable(g, a.table));
  LW_ASSIGN_OR_RETURN(auto snap, table.Load());
  LW_ASSIGN_OR_RETURN(RowFormat format, ParseRowFormat(a.format, stdout));
  const std::vector<index::IndexColumn> columns = ingest::TableIndexColumns(&snap->metadata(), {}, {});
  std::vector<std::string> names = {"file", "rows", "data_bytes", "index_bytes", "text", "keyword", "status",
                                    "detail"};
  RecordBatch batch;
  for (size_t i = 0; i < names.size(); ++i) {
    const bool number = i >= 1 && i <= 3;
    batch.schema.fields.push_back({names[i], number ? DataType::Int64() : DataType::String(), true, {}});
    batch.columns.push_back(Column::Make(batch.schema.fields.back().type));
  }
  int64_t data_bytes = 0, index_bytes = 0, indexed = 0;
  for (const delta::LiveFile& f : snap->files()) {
    const SidecarState s = Inspect(index::SidecarPath(table.path(), f.path), f, columns);
    std::vector<std::string> by_kind[2];
    for (const index::IndexColumn& c : s.covered) by_kind[c.kind == index::IndexKind::kText ? 0 : 1].push_back(c.path);
    batch.columns[0]->AppendString(f.path);
    if (s.rows >= 0) {
      batch.columns[1]->Append<int64_t>(s.rows);
    } else {
      batch.columns[1]->AppendNull();
    }
    batch.columns[2]->Append<int64_t>(f.add.size);
    batch.columns[3]->Append<int64_t>(s.bytes);
    batch.columns[4]->AppendString(index::FormatColumnList(by_kind[0]));
    batch.columns[5]->AppendString(index::FormatColumnList(by_kind[1]));
    batch.columns[6]->AppendString(s.status);
    batch.columns[7]->AppendString(s.detail);
    data_bytes += f.add.size;
    index_bytes += s.bytes;
    indexed += s.status == "ok" ? 1 : 0;
    ++batch.num_rows;
  }
  RowOutput out(format, stdout);
  out.Write(batch);
  out.Finish();
  if (format == RowFormat::kTable) {
    std::vector<std::string> text, keyword;
    for (const index::IndexColumn& c : columns) (c.kind == index::IndexKind::kText ? text : keyword).push_back(c.path);
    std::printf("%lld of %zu files indexed; sidecars %s for %s of data (%.2f%%); configured: text %s, keyword %s\n",
                static_cast<long long>(indexed), snap->files().size(), Mb(index_bytes).c_str(), Mb(data_bytes).c_str(),
                data_bytes > 0 ? 100.0 * index_bytes / data_bytes : 0.0, index::FormatColumnList(text).c_str(),
                index::FormatColumnList(keyword).c_str());
  }
  return Status::OK();
}

}  // namespace

void RegisterIndexCommand(CLI::App* app, const GlobalOptions* global, Handler* handler) {
  auto a = std::make_shared<IndexArgs>();
  CLI::App* cmd = app->add_subcommand("index", "search index sidecars of a table (match(), point lookups)");
  cmd->require_subcommand(1);
  CLI::App* build = cmd->add_subcommand("build", "build the missing sidecars of a table's data files (backfill)");
  build->add_option("--table", a->table, "table name (under the data directory) or path")->required();
  build->add_option("--text", a->text,
                    "full-text columns, comma-separated (stored in the table; default: the table's, else "
                    "message,error.message,template)");
  build->add_option("--keyword", a->keyword,
                    "exact-value columns, comma-separated (stored in the table; default: the table's, else "
                    "request_id,trace_id,span_id)");
  build->add_flag("--rebuild", a->rebuild, "rebuild every sidecar, valid or not");
  build->add_option("--threads", a->threads, "files built in parallel (default: all cores)");
  build->callback([a, global, handler] { *handler = [a, global] { return RunBuild(*global, *a); }; });
  CLI::App* show = cmd->add_subcommand("show", "each data file's sidecar: size, columns, status");
  show->add_option("--table", a->table, "table name (under the data directory) or path")->required();
  show->add_option("--format", a->format, "table|json|jsonl|csv");
  show->callback([a, global, handler] { *handler = [a, global] { return RunShow(*global, *a); }; });
}

}  // namespace lakewatch::cli
