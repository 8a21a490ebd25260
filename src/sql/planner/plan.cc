#include "sql/planner/plan.h"

namespace lakewatch::sql {

namespace {

std::string OpName(parquet::StatsPredicate::Op op) {
  using Op = parquet::StatsPredicate::Op;
  switch (op) {
    case Op::kEq: return "=";
    case Op::kLt: return "<";
    case Op::kLe: return "<=";
    case Op::kGt: return ">";
    case Op::kGe: return ">=";
    case Op::kIsNull: return "IS NULL";
    case Op::kIsNotNull: return "IS NOT NULL";
  }
  return "?";
}

std::string List(const std::vector<BoundExprPtr>& exprs) {
  std::string s;
  for (size_t i = 0; i < exprs.size(); ++i) s += (i ? ", " : "") + exprs[i]->ToString();
  return s;
}

}  // namespace

delta::ScanOptions ScanOptionsOf(const ScanSpec& spec) {
  delta::ScanOptions so;
  so.columns = spec.paths;
  so.predicates = spec.predicates;
  if (so.columns.empty()) {
    const auto& pcols = spec.snapshot->metadata().partition_columns;
    so.columns = {pcols.empty() ? spec.snapshot->schema().fields.at(0).name : pcols[0]};
  }
  return so;
}

std::string PlanNode::Explain(int indent) const {
  std::string s = std::string(static_cast<size_t>(indent) * 2, ' ') + ExplainLine() + "\n";
  for (const auto& c : children) s += c->Explain(indent + 1);
  return s;
}

std::string PlanNode::ExplainLine() const {
  std::string s;
  switch (kind) {
    case PlanKind::kScan: {
      s += "Scan " + scan->display_name + " (version " + std::to_string(scan->snapshot->version()) + ")";
      s += " columns=[";
      for (size_t i = 0; i < scan->paths.size(); ++i) s += (i ? ", " : "") + scan->paths[i];
      s += "]";
      if (!scan->predicates.empty()) {
        s += " skip-by=[";
        for (size_t i = 0; i < scan->predicates.size(); ++i) {
          const auto& p = scan->predicates[i];
          s += (i ? " AND " : "") + p.column + " " + OpName(p.op);
          if (p.op != parquet::StatsPredicate::Op::kIsNull && p.op != parquet::StatsPredicate::Op::kIsNotNull) {
            s += " " + p.value.ToString();
          }
        }
        s += "]";
      }
      for (const auto& l : scan->lookups) {
        s += " index-lookup=[" + l.column + (l.exact ? " = '" + *l.exact + "'" : " match") + "]";
      }
      break;
    }
    case PlanKind::kValues: s += "Values rows=" + std::to_string(values.empty() ? 0 : values[0].num_rows); break;
    case PlanKind::kFilter: s += "Filter " + predicate->ToString(); break;
    case PlanKind::kProject: s += "Project " + List(exprs); break;
    case PlanKind::kAggregate: {
      s += "Aggregate groups=[" + List(groups) + "] aggregates=[";
      for (size_t i = 0; i < aggregates.size(); ++i) s += (i ? ", " : "") + aggregates[i].ToString();
      s += "]";
      break;
    }
    case PlanKind::kJoin:
      s += std::string(join_type == JoinType::kLeft    ? "LeftJoin"
                       : join_type == JoinType::kFull  ? "FullJoin"
                       : join_type == JoinType::kSemi  ? "SemiJoin"
                       : join_type == JoinType::kAnti  ? "AntiJoin"
                       : join_type == JoinType::kCross ? "CrossJoin"
                                                       : "HashJoin") +
           " keys=[" + List(left_keys) + "] = [" + List(right_keys) + "]";
      if (residual) s += " residual=" + residual->ToString();
      break;
    case PlanKind::kSort: {
      s += limit >= 0 ? "TopN " + std::to_string(limit) + " by " : "Sort by ";
      for (size_t i = 0; i < sort_keys.size(); ++i) {
        s += (i ? ", " : "") + sort_keys[i].expr->ToString() + (sort_keys[i].descending ? " DESC" : " ASC") +
             (sort_keys[i].nulls_first ? " NULLS FIRST" : " NULLS LAST");
      }
      break;
    }
    case PlanKind::kLimit: s += "Limit " + std::to_string(limit) + (offset ? " offset " + std::to_string(offset) : ""); break;
    case PlanKind::kUnion: s += "UnionAll"; break;
  }
  return s;
}

}  // namespace lakewatch::sql
