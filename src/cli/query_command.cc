// `lakewatch query "SQL"`: runs one SELECT (or EXPLAIN) over the tables of
// the data directory and prints the rows (--format table|json|jsonl|csv).
#include <cstdlib>

#include "cli/commands.h"
#include "cli/row_output.h"
#include "sql/engine.h"

namespace lakewatch::cli {

namespace {

struct QueryArgs {
  std::string sql;
  std::string file;
  std::string format;
  int threads = 0;
  int64_t memory_limit_mb = 0;
  bool stats = false;
};

Result<int64_t> MemoryLimitFromEnv() {
  const char* v = std::getenv("LAKEWATCH_MEMORY_LIMIT_MB");
  if (v == nullptr || *v == '\0') return int64_t{0};
  char* end = nullptr;
  long long mb = std::strtoll(v, &end, 10);
  if (*end != '\0' || mb < 0) return Status::InvalidArgument("LAKEWATCH_MEMORY_LIMIT_MB must be a number of MiB");
  return static_cast<int64_t>(mb);
}

Status RunQuery(const GlobalOptions& g, const QueryArgs& a) {
  std::string sql = a.sql;
  if (!a.file.empty()) {
    FILE* f = a.file == "-" ? stdin : std::fopen(a.file.c_str(), "rb");
    if (f == nullptr) return Status::IOError("cannot open " + a.file);
    char buf[65536];
    size_t n;
    sql.clear();
    while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) sql.append(buf, n);
    if (f != stdin) std::fclose(f);
  }
  if (sql.empty()) return Status::InvalidArgument("query: give the SQL as an argument or with --file");
  sql::QueryOptions qo;
  qo.data_dir = g.data_dir;
  qo.threads = a.threads;
  int64_t mb = a.memory_limit_mb;
  if (mb == 0) {
    LW_ASSIGN_OR_RETURN(mb, MemoryLimitFromEnv());
  }
  qo.memory_limit_bytes = mb << 20;
  LW_ASSIGN_OR_RETURN(RowFormat format, ParseRowFormat(a.format, stdout));
  LW_ASSIGN_OR_RETURN(sql::QueryResult r, sql::ExecuteQuery(sql, qo));
  RowOutput out(format, stdout);
  if (r.batches.empty()) {
    out.Write(RecordBatch::Empty(r.schema));
  }
  for (const RecordBatch& b : r.batches) out.Write(b);
  out.Finish();
  if (a.stats) {
    std::fprintf(stderr,
                 "rows: %lld; files read: %lld of %lld (%lld ruled out by the search index); row groups read: "
                 "%lld of %lld; rows scanned: %lld; rows read after the filter: %lld; rows filtered through "
                 "dictionaries: %lld\n",
                 static_cast<long long>(r.num_rows), static_cast<long long>(r.stats.files_read),
                 static_cast<long long>(r.stats.files_total), static_cast<long long>(r.stats.files_skipped_by_index),
                 static_cast<long long>(r.stats.row_groups_read),
                 static_cast<long long>(r.stats.row_groups_total), static_cast<long long>(r.stats.rows_scanned),
                 static_cast<long long>(r.stats.rows_late), static_cast<long long>(r.stats.rows_by_dictionary));
  }
  return Status::OK();
}

}  // namespace

void RegisterQueryCommand(CLI::App* app, const GlobalOptions* global, Handler* handler) {
  auto a = std::make_shared<QueryArgs>();
  CLI::App* c = app->add_subcommand("query", "Run a SQL query (Spark SQL) over the tables of the data directory");
  c->add_option("sql", a->sql, "the SELECT statement (or EXPLAIN SELECT …)");
  c->add_option("--file", a->file, "read the SQL from this file (- for stdin)");
  c->add_option("--format", a->format, "table|json|jsonl|csv (default: table on a terminal, else jsonl)");
  c->add_option("--threads", a->threads, "worker threads (default: all cores)");
  c->add_option("--memory-limit", a->memory_limit_mb,
                "memory the query may use, MiB (default: $LAKEWATCH_MEMORY_LIMIT_MB or 80% of RAM)");
  c->add_flag("--stats", a->stats, "print what was read (files, row groups, rows) to stderr");
  c->callback([global, handler, a] { *handler = [global, a] { return RunQuery(*global, *a); }; });
}

}  // namespace lakewatch::cli
