// Binder: turns a parsed statement into a plan (plan.h). It resolves table
// names (the data directory, `delta.`path``, WITH queries), time travel,
// column names (case-insensitively, as Spark does; `t.col`, nested
// `col.field`), functions and types; it expands `*`, checks GROUP BY rules,
// and pushes what it can into scans: only the referenced column paths are
// read, WHERE conjuncts over one column become file/row-group skipping
// predicates, and match()/equality on indexed columns become search-index
// lookups.
//
// Errors are InvalidArgument with what was not found or what does not fit
// ("column 'x' not found (columns: a, b)"; "'v' must appear in GROUP BY or
// be in an aggregate function").
//
// Thread-safety: a Binder is used for one statement by one thread.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "sql/parser/ast.h"
#include "sql/planner/plan.h"

namespace lakewatch::sql {

struct BindOptions {
  std::string data_dir;  // where table names resolve
};

// Binds `statement` (parsed from `sql`, used for output column names).
Result<PlanPtr> BindStatement(const Statement& statement, std::string_view sql, const BindOptions& options);

// Resolves a table name: a name under the data directory ([A-Za-z0-9_.-],
// no path separators), or delta.`<path>`. NotFound/InvalidArgument otherwise.
Result<std::string> ResolveTablePath(const std::vector<std::string>& name, const std::string& data_dir);

// Rewrites the column references of `e` through `map` (old index → new index).
BoundExprPtr RemapColumns(const BoundExprPtr& e, const std::vector<int>& map);
// Collects the column indexes `e` references.
void CollectColumns(const BoundExpr& e, std::vector<int>* out);

}  // namespace lakewatch::sql
