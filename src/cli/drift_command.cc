// `lakewatch drift --reference "SQL" --current "SQL" [--columns a,b]
// [--method M] [--threshold X]`: compares two query results column by column
// (docs/drift-tests.md) and prints one row per column.
#include <cmath>

#include "cli/commands.h"
#include "cli/row_output.h"
#include "monitor/drift.h"
#include "sql/engine.h"

namespace lakewatch::cli {

namespace {

struct DriftArgs {
  std::string reference, current, columns, method = "auto", format;
  double threshold = std::nan("");
  int threads = 0;
};

std::vector<std::string> SplitColumns(const std::string& text) {
  std::vector<std::string> out;
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t comma = text.find(',', begin);
    if (comma == std::string::npos) comma = text.size();
    std::string part = text.substr(begin, comma - begin);
    while (!part.empty() && part.front() == ' ') part.erase(part.begin());
    while (!part.empty() && part.back() == ' ') part.pop_back();
    if (!part.empty()) out.push_back(part);
    begin = comma + 1;
  }
  return out;
}

RecordBatch ToBatch(const std::vector<monitor::ColumnDrift>& rows) {
  Schema s;
  s.fields = {{"column", DataType::String(), false, ""},        {"kind", DataType::String(), false, ""},
              {"method", DataType::String(), true, ""},         {"statistic", DataType::Double(), true, ""},
              {"p_value", DataType::Double(), true, ""},        {"threshold", DataType::Double(), true, ""},
              {"drifted", DataType::Boolean(), true, ""},       {"reference_rows", DataType::Int64(), false, ""},
              {"current_rows", DataType::Int64(), false, ""}};
  RecordBatch b = RecordBatch::Empty(s);
  b.num_rows = static_cast<int64_t>(rows.size());
  auto& c = b.columns;
  for (const monitor::ColumnDrift& r : rows) {
    const monitor::DriftOutcome& o = r.outcome;
    c[0]->AppendString(r.column);
    c[1]->AppendString(r.kind);
    if (o.tested) {
      c[2]->AppendString(o.method);
      c[3]->Append<double>(o.statistic);
      if (o.p_value.has_value()) {
        c[4]->Append<double>(*o.p_value);
      } else {
        c[4]->AppendNull();
      }
      c[5]->Append<double>(o.threshold);
      c[6]->Append<uint8_t>(o.drifted ? 1 : 0);
    } else {  // an empty side: nothing to test
      for (int i = 2; i <= 6; ++i) c[i]->AppendNull();
    }
    c[7]->Append<int64_t>(r.reference_rows);
    c[8]->Append<int64_t>(r.current_rows);
  }
  return b;
}

Status RunDrift(const GlobalOptions& g, const DriftArgs& a) {
  LW_ASSIGN_OR_RETURN(RowFormat format, ParseRowFormat(a.format, stdout));
  sql::QueryOptions qo;
  qo.data_dir = g.data_dir;
  qo.threads = a.threads;
  auto ref = sql::ExecuteQuery(a.reference, qo);
  if (!ref.ok()) return ref.status().WithContext("--reference");
  auto cur = sql::ExecuteQuery(a.current, qo);
  if (!cur.ok()) return cur.status().WithContext("--current");
  monitor::CompareOptions co;
  co.columns = SplitColumns(a.columns);
  co.method = a.method;
  if (!std::isnan(a.threshold)) co.threshold = a.threshold;
  co.threads = a.threads > 0 ? a.threads : 2;
  LW_ASSIGN_OR_RETURN(std::vector<monitor::ColumnDrift> rows, monitor::CompareResults(*ref, *cur, co));
  RowOutput out(format, stdout);
  out.Write(ToBatch(rows));
  out.Finish();
  return Status::OK();
}

}  // namespace

void RegisterDriftCommand(CLI::App* app, const GlobalOptions* global, Handler* handler) {
  auto a = std::make_shared<DriftArgs>();
  CLI::App* c = app->add_subcommand("drift", "compare two query results column by column (data drift tests)");
  c->add_option("--reference", a->reference, "SQL of the reference rows (e.g. the training data)")->required();
  c->add_option("--current", a->current, "SQL of the current rows")->required();
  c->add_option("--columns", a->columns, "columns to compare, comma-separated (default: every common column)");
  c->add_option("--method", a->method, "auto|ks|chisquare|z|psi|wasserstein|jensenshannon (default auto)")
      ->check(CLI::IsMember({"auto", "ks", "chisquare", "z", "psi", "wasserstein", "jensenshannon"}));
  c->add_option("--threshold", a->threshold, "drift threshold (default: the method's: p < 0.05, distance ≥ 0.1)");
  c->add_option("--format", a->format, "table|json|jsonl|csv (default: table on a terminal, else jsonl)");
  c->add_option("--threads", a->threads, "worker threads (default: all cores)");
  c->callback([global, handler, a] { *handler = [global, a] { return RunDrift(*global, *a); }; });
}

}  // namespace lakewatch::cli
