// The query plan: a tree of operators, each with its output schema. The
// binder builds it from the AST (names resolved, types known, projection
// and filters pushed into scans), the executor runs it.
//
//   Scan       rows of a Delta table (projected to the referenced column
//              paths, files and row groups skipped by `predicates`, rows
//              narrowed by search-index lookups)
//   Values     constant rows (VALUES, SELECT without FROM)
//   Filter     rows where `predicate` is true
//   Project    `exprs` over the child's rows
//   Aggregate  GROUP BY `groups` with `aggregates`; output = groups then aggregates
//   Join       hash equi-join on left_keys = right_keys (+ `residual`); output = left then right
//              (semi/anti joins: the left columns only)
//   Sort       by `keys`; with limit ≥ 0 keeps only the first `limit` rows (top-N)
//   Limit      skip `offset` rows, then pass `limit` (−1: all)
//   Union      UNION ALL of children with the same column types
//
// Thread-safety: a finished plan is immutable.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/column.h"
#include "delta/snapshot.h"
#include "delta/table.h"
#include "parquet/statistics.h"
#include "sql/function/aggregate_function.h"
#include "sql/parser/ast.h"
#include "sql/planner/bound_expression.h"

namespace lakewatch::sql {

struct PlanNode;
using PlanPtr = std::shared_ptr<PlanNode>;

// A full-text search the scan can serve from the per-file search index:
// rows where column `column` holds every token of `tokens`. The predicate
// stays in the Filter above; the lookup only narrows what is read.
struct IndexLookup {
  std::string column;               // dotted path ("message", "error.message")
  std::vector<std::string> tokens;  // match(): query tokens
  std::optional<std::string> exact; // column = 'value' on a keyword column
};

struct ScanSpec {
  std::string table_path;   // the Delta table directory
  std::string display_name; // as the query names it
  std::shared_ptr<const delta::Snapshot> snapshot;
  // Output column i is table column path paths[i] ("features.amount").
  std::vector<std::string> paths;
  std::vector<TypePtr> types;
  std::vector<parquet::StatsPredicate> predicates;  // conjunction, for skipping
  std::vector<IndexLookup> lookups;                 // conjunction, for the search index
};

// What a scan asks the Delta reader for: the paths and the skipping
// predicates; with no path (count(*)) one partition column, or else the
// first column, the cheapest way to learn the rows per row group.
delta::ScanOptions ScanOptionsOf(const ScanSpec& spec);

struct SortKey {
  BoundExprPtr expr;
  bool descending = false;
  bool nulls_first = true;
};

enum class PlanKind : uint8_t { kScan, kValues, kFilter, kProject, kAggregate, kJoin, kSort, kLimit, kUnion };

struct PlanNode {
  PlanKind kind = PlanKind::kValues;
  Schema schema;  // output columns
  std::vector<PlanPtr> children;

  std::shared_ptr<ScanSpec> scan;           // kScan
  std::vector<RecordBatch> values;          // kValues
  BoundExprPtr predicate;                   // kFilter
  std::vector<BoundExprPtr> exprs;          // kProject
  std::vector<BoundExprPtr> groups;         // kAggregate
  std::vector<BoundAggregate> aggregates;   // kAggregate
  JoinType join_type = JoinType::kInner;    // kJoin
  std::vector<BoundExprPtr> left_keys;      // kJoin: over the left child
  std::vector<BoundExprPtr> right_keys;     // kJoin: over the right child
  BoundExprPtr residual;                    // kJoin: over left ++ right, may be null
  bool null_safe = false;                   // kJoin: NULL keys match NULL keys (set operations)
  std::vector<SortKey> sort_keys;           // kSort
  int64_t limit = -1;                       // kSort (top-N), kLimit
  int64_t offset = 0;                       // kLimit

  // EXPLAIN text of this subtree, indented; ExplainLine: this node alone.
  std::string Explain(int indent = 0) const;
  std::string ExplainLine() const;
};

}  // namespace lakewatch::sql
