#include "sql/engine.h"

#include <unistd.h>

#include <thread>

#include "common/memory.h"
#include "delta/table.h"
#include "sql/execution/executor.h"
#include "sql/parser/parser.h"
#include "sql/planner/binder.h"

namespace lakewatch::sql {

namespace {

int64_t DefaultMemoryLimit() {
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page <= 0) return int64_t{8} << 30;
  return static_cast<int64_t>(pages) * page / 10 * 8;
}

// EXPLAIN: the plan, each scan annotated with what its predicates prune
// (files by partition values and stats, row groups by footer statistics).
Status ExplainPlan(const PlanNode& n, int depth, std::string* out) {
  std::string pad(static_cast<size_t>(depth) * 2, ' ');
  *out += pad + n.ExplainLine() + "\n";
  if (n.kind == PlanKind::kScan) {
    const ScanSpec& spec = *n.scan;
    delta::DeltaTable table(spec.table_path);
    LW_ASSIGN_OR_RETURN(auto cursor, delta::ScanCursor::Make(table, spec.snapshot, ScanOptionsOf(spec)));
    int64_t rg_total = 0, rg_kept = 0;
    for (size_t i = 0; i < cursor->files().size(); ++i) {
      LW_ASSIGN_OR_RETURN(auto f, cursor->OpenFile(i));
      if (f->reader) {
        rg_total += f->reader->num_row_groups();
        rg_kept += static_cast<int64_t>(f->row_groups.size());
      }
    }
    const int64_t files_read = static_cast<int64_t>(cursor->files().size());
    *out += pad + "    files: " + std::to_string(files_read) + " of " + std::to_string(cursor->files_total()) +
            " read (" + std::to_string(cursor->files_total() - files_read) + " pruned); row groups: " +
            std::to_string(rg_kept) + " of " + std::to_string(rg_total) + " read (" +
            std::to_string(rg_total - rg_kept) + " pruned)\n";
  }
  for (const auto& c : n.children) LW_RETURN_IF_ERROR(ExplainPlan(*c, depth + 1, out));
  return Status::OK();
}

}  // namespace

Result<QueryResult> ExecuteQuery(std::string_view sql, const QueryOptions& options) {
  memory::TuneMallocForBatches();  // batches of column buffers come and go
  LW_ASSIGN_OR_RETURN(Statement st, ParseStatement(sql));
  BindOptions bo;
  bo.data_dir = options.data_dir;
  LW_ASSIGN_OR_RETURN(PlanPtr plan, BindStatement(st, sql, bo));
  QueryResult result;
  if (st.explain) {
    std::string text;
    LW_RETURN_IF_ERROR(ExplainPlan(*plan, 0, &text));
    result.schema.fields.push_back({"plan", DataType::String(), false, ""});
    RecordBatch b = RecordBatch::Empty(result.schema);
    size_t pos = 0;
    while (pos < text.size()) {
      size_t nl = text.find('\n', pos);
      if (nl == std::string::npos) nl = text.size();
      b.columns[0]->AppendString(std::string_view(text).substr(pos, nl - pos));
      ++b.num_rows;
      pos = nl + 1;
    }
    result.num_rows = b.num_rows;
    result.batches.push_back(std::move(b));
    return result;
  }
  ExecOptions eo;
  eo.threads = options.threads > 0 ? options.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  eo.memory_limit_bytes = options.memory_limit_bytes > 0 ? options.memory_limit_bytes : DefaultMemoryLimit();
  Executor ex(eo);
  LW_ASSIGN_OR_RETURN(result.batches, ex.Run(*plan));
  result.schema = plan->schema;
  for (const auto& b : result.batches) result.num_rows += b.num_rows;
  const ExecStats& s = ex.stats();
  result.stats.files_total = s.files_total;
  result.stats.files_read = s.files_read;
  result.stats.files_skipped_by_index = s.files_skipped_by_index;
  result.stats.row_groups_total = s.row_groups_total;
  result.stats.row_groups_read = s.row_groups_read;
  result.stats.rows_scanned = s.rows_scanned;
  result.stats.rows_late = s.rows_late;
  result.stats.rows_by_dictionary = s.rows_by_dictionary;
  return result;
}

}  // namespace lakewatch::sql
