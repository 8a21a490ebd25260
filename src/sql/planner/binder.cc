#include "sql/planner/binder.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "common/time.h"
#include "delta/table.h"
#include "sql/function/cast.h"
#include "sql/function/function_registry.h"
#include "sql/parser/lexer.h"

namespace lakewatch::sql {

namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}
std::string Join(const std::vector<std::string>& parts, const char* sep = ".") {
  std::string s;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) s += sep;
    s += parts[i];
  }
  return s;
}

// One column visible to expressions: `qualifier.path` at input index `index`.
struct ScopeEntry {
  std::string qualifier;          // table alias (may be empty)
  std::vector<std::string> path;  // column path as the table spells it
  TypePtr type;
  int index = -1;
  bool hidden = false;            // not expanded by *, not found unqualified (USING duplicates)
};

struct Scope {
  std::vector<ScopeEntry> entries;
  int width = 0;  // columns of the input batch
  // Every column the FROM clause offers (a scan's entries hold only the
  // columns the query mentions), for "not found" messages.
  std::vector<std::string> names;
};

// Aggregation context: GROUP BY expressions (over the input) and the
// aggregates found so far; bound expressions refer to the aggregate's output.
struct AggContext {
  std::vector<BoundExprPtr> groups;
  std::vector<std::string> group_keys;  // groups[i]->ToString()
  std::vector<BoundAggregate> aggregates;
  std::vector<std::string> aggregate_keys;
};

struct CteDef {
  const CommonTableExpr* cte;
};

// Name chains and stars a SELECT's expressions mention (for scan projection).
struct References {
  std::vector<std::vector<std::string>> chains;
  std::vector<std::vector<std::string>> stars;  // qualifiers of `*` / `t.*`
};

void CollectReferences(const Expr& e, References* refs) {
  if (e.kind == ExprKind::kColumn) refs->chains.push_back(e.names);
  if (e.kind == ExprKind::kStar) {
    refs->stars.push_back(e.names);
    if (!e.names.empty()) refs->chains.push_back(e.names);  // struct.* reads the struct
  }
  for (const ExprPtr& c : e.children) {
    if (c) CollectReferences(*c, refs);
  }
}

void CollectTableRefReferences(const TableRef& t, References* refs) {
  if (t.kind == TableRefKind::kJoin) {
    CollectTableRefReferences(*t.left, refs);
    CollectTableRefReferences(*t.right, refs);
    if (t.condition) CollectReferences(*t.condition, refs);
    for (const std::string& c : t.using_columns) refs->chains.push_back({c});
  }
}

bool ContainsAggregate(const Expr& e) {
  if (e.kind == ExprKind::kFunction && IsAggregateFunction(e.name)) return true;
  for (const ExprPtr& c : e.children) {
    if (c && ContainsAggregate(*c)) return true;
  }
  return false;
}

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

// "; did you mean x or y?" for the names closest to `name` (edit distance,
// or one containing the other), "" when none is close.
std::string Suggest(const std::string& name, const std::vector<std::string>& candidates) {
  std::string n = Lower(name);
  std::vector<std::pair<size_t, std::string>> close;
  for (const std::string& c : candidates) {
    std::string l = Lower(c);
    size_t d = EditDistance(n, l);
    bool contains = n.size() >= 3 && (l.find(n) != std::string::npos || n.find(l) != std::string::npos);
    if (d <= std::max<size_t>(1, n.size() / 3) || contains) close.emplace_back(contains ? std::min<size_t>(d, 1) : d, c);
  }
  std::stable_sort(close.begin(), close.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  if (close.empty()) return "";
  std::string out = "; did you mean " + close[0].second;
  if (close.size() > 1) out += " or " + close[1].second;
  return out + "?";
}

PlanPtr MakeNode(PlanKind kind, Schema schema, std::vector<PlanPtr> children) {
  auto n = std::make_shared<PlanNode>();
  n->kind = kind;
  n->schema = std::move(schema);
  n->children = std::move(children);
  return n;
}

void SplitConjuncts(const BoundExprPtr& e, std::vector<BoundExprPtr>* out) {
  if (e->kind == BoundKind::kAnd) {
    for (const auto& c : e->children) SplitConjuncts(c, out);
  } else {
    out->push_back(e);
  }
}

BoundExprPtr MakeAnd(std::vector<BoundExprPtr> parts) {
  if (parts.size() == 1) return parts[0];
  auto e = std::make_shared<BoundExpr>();
  e->kind = BoundKind::kAnd;
  e->type = DataType::Boolean();
  e->children = std::move(parts);
  return e;
}

class Binder {
 public:
  Binder(std::string_view sql, const BindOptions& options) : sql_(sql), options_(options) {}

  Result<PlanPtr> BindQuery(const QueryNode& q, const std::map<std::string, CteDef>& outer_ctes) {
    std::map<std::string, CteDef> ctes = outer_ctes;
    for (const CommonTableExpr& c : q.ctes) ctes[Lower(c.name)] = CteDef{&c};
    if (q.select) return BindSelect(*q.select, q, ctes);
    // Set operation.
    LW_ASSIGN_OR_RETURN(PlanPtr left, BindQuery(*q.left, ctes));
    LW_ASSIGN_OR_RETURN(PlanPtr right, BindQuery(*q.right, ctes));
    if (left->schema.fields.size() != right->schema.fields.size()) {
      return Status::InvalidArgument(q.set_op + ": the two sides have " + std::to_string(left->schema.fields.size()) +
                                     " and " + std::to_string(right->schema.fields.size()) + " columns");
    }
    std::vector<TypePtr> types;
    for (size_t i = 0; i < left->schema.fields.size(); ++i) {
      TypePtr t = CommonType(left->schema.fields[i].type, right->schema.fields[i].type);
      if (!t) {
        return Status::InvalidArgument(q.set_op + ": column " + std::to_string(i + 1) + " has types " +
                                       left->schema.fields[i].type->ToString() + " and " +
                                       right->schema.fields[i].type->ToString());
      }
      types.push_back(t);
    }
    LW_ASSIGN_OR_RETURN(left, CastTo(left, types, nullptr));
    LW_ASSIGN_OR_RETURN(right, CastTo(right, types, &left->schema));
    PlanPtr plan;
    if (q.set_op == "UNION ALL" || q.set_op == "UNION") {
      plan = MakeNode(PlanKind::kUnion, left->schema, {left, right});
      if (q.set_op == "UNION") plan = Distinct(plan);
    } else {
      // INTERSECT / EXCEPT: DISTINCT left rows with / without an equal right row
      // (NULLs equal, as set operations compare rows).
      if (q.set_op.find("ALL") != std::string::npos) {
        return Status::NotSupported(q.set_op + " is not supported; use " +
                                    q.set_op.substr(0, q.set_op.find(' ')) + " (DISTINCT)");
      }
      auto join = MakeNode(PlanKind::kJoin, left->schema, {left, right});
      join->join_type = q.set_op == "INTERSECT" ? JoinType::kSemi : JoinType::kAnti;
      join->null_safe = true;
      for (size_t i = 0; i < types.size(); ++i) {
        join->left_keys.push_back(MakeColumnRef(static_cast<int>(i), types[i]));
        join->right_keys.push_back(MakeColumnRef(static_cast<int>(i), types[i]));
      }
      plan = Distinct(join);
    }
    // ORDER BY / LIMIT over the set's output names.
    Scope scope = OutputScope(plan->schema, "");
    return ApplyOrderLimit(plan, scope, q);
  }

 private:
  // ---- helpers
  std::string Text(size_t begin, size_t end) const {
    if (end <= begin || end > sql_.size()) return "";
    return std::string(sql_.substr(begin, end - begin));
  }
  Status ErrorAt(size_t offset, const std::string& msg) const {
    return Status::InvalidArgument("SQL error at " + DescribePosition(sql_, offset) + ": " + msg);
  }

  static Scope OutputScope(const Schema& schema, const std::string& qualifier) {
    Scope s;
    for (size_t i = 0; i < schema.fields.size(); ++i) {
      s.entries.push_back({qualifier, {schema.fields[i].name}, schema.fields[i].type, static_cast<int>(i), false});
    }
    s.width = static_cast<int>(schema.fields.size());
    for (const Field& f : schema.fields) s.names.push_back(f.name);
    return s;
  }

  // Projects `plan` so its columns have `types` (names from `names` or the plan).
  Result<PlanPtr> CastTo(PlanPtr plan, const std::vector<TypePtr>& types, const Schema* names) {
    bool same = true;
    for (size_t i = 0; i < types.size(); ++i) same = same && plan->schema.fields[i].type->Equals(*types[i]);
    if (same && names == nullptr) return plan;
    Schema schema;
    std::vector<BoundExprPtr> exprs;
    for (size_t i = 0; i < types.size(); ++i) {
      LW_ASSIGN_OR_RETURN(BoundExprPtr c, BindCast(MakeColumnRef(static_cast<int>(i), plan->schema.fields[i].type), types[i]));
      exprs.push_back(c);
      Field f = plan->schema.fields[i];
      if (names) f.name = names->fields[i].name;
      f.type = types[i];
      schema.fields.push_back(f);
    }
    auto p = MakeNode(PlanKind::kProject, schema, {plan});
    p->exprs = std::move(exprs);
    return p;
  }

  PlanPtr Distinct(const PlanPtr& plan) {
    auto agg = MakeNode(PlanKind::kAggregate, plan->schema, {plan});
    for (size_t i = 0; i < plan->schema.fields.size(); ++i) {
      agg->groups.push_back(MakeColumnRef(static_cast<int>(i), plan->schema.fields[i].type));
    }
    return agg;
  }

  // ---- FROM

  Result<PlanPtr> BindTableRef(const TableRef& t, const References& refs, const std::map<std::string, CteDef>& ctes,
                               Scope* scope) {
    switch (t.kind) {
      case TableRefKind::kTable: return BindTable(t, refs, ctes, scope);
      case TableRefKind::kSubquery: {
        LW_ASSIGN_OR_RETURN(PlanPtr p, BindQuery(*t.subquery, ctes));
        LW_RETURN_IF_ERROR(ApplyColumnAliases(t, &p));
        *scope = OutputScope(p->schema, t.alias.value_or(""));
        return p;
      }
      case TableRefKind::kValues: return BindValues(t, scope);
      case TableRefKind::kJoin: return BindJoin(t, refs, ctes, scope);
    }
    return Status::Internal("bad table reference");
  }

  Status ApplyColumnAliases(const TableRef& t, PlanPtr* p) {
    if (t.column_aliases.empty()) return Status::OK();
    if (t.column_aliases.size() != (*p)->schema.fields.size()) {
      return ErrorAt(t.begin, "the alias names " + std::to_string(t.column_aliases.size()) + " columns but the query has " +
                                  std::to_string((*p)->schema.fields.size()));
    }
    auto copy = std::make_shared<PlanNode>(**p);
    for (size_t i = 0; i < t.column_aliases.size(); ++i) copy->schema.fields[i].name = t.column_aliases[i];
    *p = copy;
    return Status::OK();
  }

  Result<PlanPtr> BindTable(const TableRef& t, const References& refs, const std::map<std::string, CteDef>& ctes,
                            Scope* scope) {
    if (t.name.size() == 1) {
      auto it = ctes.find(Lower(t.name[0]));
      if (it != ctes.end()) {
        if (t.version_as_of || t.timestamp_as_of) {
          return ErrorAt(t.begin, "time travel applies to tables, not to the WITH query " + t.name[0]);
        }
        // Bind the WITH query here (its own WITH list is visible; it cannot refer to itself).
        std::map<std::string, CteDef> inner = ctes;
        inner.erase(it->first);
        LW_ASSIGN_OR_RETURN(PlanPtr p, BindQuery(*it->second.cte->query, inner));
        if (!it->second.cte->column_aliases.empty()) {
          TableRef tmp;
          tmp.begin = t.begin;
          tmp.column_aliases = it->second.cte->column_aliases;
          LW_RETURN_IF_ERROR(ApplyColumnAliases(tmp, &p));
        }
        LW_RETURN_IF_ERROR(ApplyColumnAliases(t, &p));
        *scope = OutputScope(p->schema, t.alias.value_or(t.name[0]));
        return p;
      }
    }
    auto path = ResolveTablePath(t.name, options_.data_dir);
    if (!path.ok()) return ErrorAt(t.begin, path.status().message());
    delta::DeltaTable table(*path);
    delta::SnapshotOptions so;
    if (t.version_as_of) so.version = *t.version_as_of;
    if (t.timestamp_as_of) {
      int64_t us;
      if (!ParseSparkTimestamp(*t.timestamp_as_of, &us)) {
        return ErrorAt(t.begin, "cannot read TIMESTAMP AS OF '" + *t.timestamp_as_of + "' as a timestamp");
      }
      so.timestamp_ms = FloorDiv(us, 1000);
    }
    auto snap = table.Load(so);
    if (!snap.ok()) {
      if (snap.status().code() == StatusCode::kNotFound) {
        return ErrorAt(t.begin, "table " + Join(t.name) + " not found (" + snap.status().message() + ")");
      }
      return snap.status();
    }
    const Schema& schema = (*snap)->schema();
    std::string qualifier = t.alias.value_or(t.name.back());
    // Paths referenced: whole columns for stars, else the longest schema
    // path each name chain reaches.
    std::vector<std::vector<std::string>> paths;
    auto add_path = [&paths](std::vector<std::string> p) {
      for (auto& q : paths) {
        if (q == p) return;
      }
      paths.push_back(std::move(p));
    };
    bool all = false;
    for (const auto& star : refs.stars) {
      if (star.empty() || (star.size() == 1 && IEquals(star[0], qualifier))) all = true;
    }
    if (all || !t.column_aliases.empty()) {
      for (const Field& f : schema.fields) add_path({f.name});
    }
    for (const auto& chain0 : refs.chains) {
      std::vector<std::vector<std::string>> candidates = {chain0};
      if (chain0.size() >= 2 && IEquals(chain0[0], qualifier)) {
        candidates.emplace_back(chain0.begin() + 1, chain0.end());
      }
      for (const auto& chain : candidates) {
        // Walk the schema along the chain.
        std::vector<std::string> p;
        const std::vector<Field>* fields = &schema.fields;
        for (const std::string& part : chain) {
          const Field* found = nullptr;
          for (const Field& f : *fields) {
            if (IEquals(f.name, part)) found = &f;
          }
          if (!found) break;
          p.push_back(found->name);
          if (found->type->id() != TypeId::kStruct) break;
          fields = &found->type->fields();
        }
        if (!p.empty()) add_path(p);
      }
    }
    // Drop paths under another requested path (a.b when a is read whole).
    std::vector<std::vector<std::string>> kept;
    for (const auto& p : paths) {
      bool covered = false;
      for (const auto& q : paths) {
        if (q.size() < p.size() && std::equal(q.begin(), q.end(), p.begin())) covered = true;
      }
      if (!covered) kept.push_back(p);
    }
    // Keep the table's column order for stars.
    auto spec = std::make_shared<ScanSpec>();
    spec->table_path = *path;
    spec->display_name = Join(t.name);
    spec->snapshot = *snap;
    Schema out;
    for (const auto& p : kept) {
      TypePtr type;
      const std::vector<Field>* fields = &schema.fields;
      for (const std::string& part : p) {
        for (const Field& f : *fields) {
          if (f.name == part) type = f.type;
        }
        if (type->id() == TypeId::kStruct) fields = &type->fields();
      }
      spec->paths.push_back(Join(p));
      spec->types.push_back(type);
      out.fields.push_back({Join(p), type, true, ""});
      scope->entries.push_back({qualifier, p, type, static_cast<int>(scope->entries.size()), false});
    }
    scope->width = static_cast<int>(out.fields.size());
    for (const Field& f : schema.fields) scope->names.push_back(f.name);
    if (!t.column_aliases.empty()) {
      scope->names = t.column_aliases;
      if (t.column_aliases.size() != schema.fields.size()) {
        return ErrorAt(t.begin, "the alias names " + std::to_string(t.column_aliases.size()) +
                                    " columns but the table has " + std::to_string(schema.fields.size()));
      }
      for (size_t i = 0; i < scope->entries.size(); ++i) {
        for (size_t k = 0; k < schema.fields.size(); ++k) {
          if (scope->entries[i].path.size() == 1 && scope->entries[i].path[0] == schema.fields[k].name) {
            scope->entries[i].path = {t.column_aliases[k]};
          }
        }
      }
    }
    auto node = MakeNode(PlanKind::kScan, out, {});
    node->scan = spec;
    return node;
  }

  Result<PlanPtr> BindValues(const TableRef& t, Scope* scope) {
    Scope empty;
    std::vector<std::vector<BoundExprPtr>> rows;
    for (const auto& row : t.rows) {
      std::vector<BoundExprPtr> r;
      for (const ExprPtr& e : row) {
        LW_ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*e, empty, nullptr));
        if (!b->IsConstant() && !b->type->is_nested()) return ErrorAt(e->begin, "VALUES holds constants only");
        r.push_back(b);
      }
      rows.push_back(std::move(r));
    }
    size_t ncols = rows.empty() ? 0 : rows[0].size();
    std::vector<TypePtr> types(ncols, DataType::Null());
    for (const auto& r : rows) {
      for (size_t c = 0; c < ncols; ++c) {
        TypePtr ct = CommonType(types[c], r[c]->type);
        if (!ct) return ErrorAt(t.begin, "VALUES column " + std::to_string(c + 1) + " mixes types");
        types[c] = ct;
      }
    }
    Schema schema;
    for (size_t c = 0; c < ncols; ++c) {
      std::string name = c < t.column_aliases.size() ? t.column_aliases[c] : "col" + std::to_string(c + 1);
      schema.fields.push_back({name, types[c], true, ""});
    }
    if (!t.column_aliases.empty() && t.column_aliases.size() != ncols) {
      return ErrorAt(t.begin, "the alias names " + std::to_string(t.column_aliases.size()) + " columns but VALUES has " +
                                  std::to_string(ncols));
    }
    RecordBatch batch = RecordBatch::Empty(schema);
    RecordBatch one;
    one.num_rows = 1;
    for (const auto& r : rows) {
      for (size_t c = 0; c < ncols; ++c) {
        LW_ASSIGN_OR_RETURN(BoundExprPtr cast, BindCast(r[c], types[c]));
        Datum d;
        LW_RETURN_IF_ERROR(Evaluate(*cast, one, &d));
        ColumnPtr col = Materialize(d, 1);
        batch.columns[c]->AppendFrom(*col, 0);
      }
      ++batch.num_rows;
    }
    auto node = MakeNode(PlanKind::kValues, schema, {});
    node->values.push_back(std::move(batch));
    *scope = OutputScope(schema, t.alias.value_or(""));
    return node;
  }

  Result<PlanPtr> BindJoin(const TableRef& t, const References& refs, const std::map<std::string, CteDef>& ctes,
                           Scope* scope) {
    Scope ls, rs;
    LW_ASSIGN_OR_RETURN(PlanPtr left, BindTableRef(*t.left, refs, ctes, &ls));
    LW_ASSIGN_OR_RETURN(PlanPtr right, BindTableRef(*t.right, refs, ctes, &rs));
    // Combined scope: right indexes follow the left's.
    Scope both = ls;
    for (ScopeEntry e : rs.entries) {
      e.index += ls.width;
      both.entries.push_back(e);
    }
    both.width = ls.width + rs.width;
    both.names.insert(both.names.end(), rs.names.begin(), rs.names.end());
    Schema schema = left->schema;
    for (const Field& f : right->schema.fields) schema.fields.push_back(f);
    auto node = MakeNode(PlanKind::kJoin, schema, {left, right});
    node->join_type = t.join_type;
    std::vector<BoundExprPtr> conjuncts;
    if (t.condition) {
      LW_ASSIGN_OR_RETURN(BoundExprPtr cond, BindExpr(*t.condition, both, nullptr));
      LW_ASSIGN_OR_RETURN(cond, BindCast(cond, DataType::Boolean()));
      SplitConjuncts(cond, &conjuncts);
    }
    for (const std::string& name : t.using_columns) {
      LW_ASSIGN_OR_RETURN(BoundExprPtr l, Resolve({name}, ls, t.begin));
      LW_ASSIGN_OR_RETURN(BoundExprPtr r, Resolve({name}, rs, t.begin));
      std::vector<int> shift(static_cast<size_t>(rs.width));
      for (int i = 0; i < rs.width; ++i) shift[i] = i + ls.width;
      LW_ASSIGN_OR_RETURN(BoundExprPtr eq, BindFunction("=", {l, RemapColumns(r, shift)}));
      conjuncts.push_back(eq);
      // One side's copy is hidden from unqualified names and from *: the
      // right one, or the left one for RIGHT JOIN (whose rows all have it).
      bool hide_left = t.join_type == JoinType::kRight;
      for (ScopeEntry& e : both.entries) {
        bool on_left = e.index < ls.width;
        if (on_left == hide_left && e.path.size() == 1 && IEquals(e.path[0], name)) e.hidden = true;
      }
    }
    std::vector<BoundExprPtr> residual;
    for (const BoundExprPtr& c : conjuncts) {
      // An equality whose sides read one input each becomes a hash key.
      if (c->kind == BoundKind::kFunction && c->name == "=" && c->children.size() == 2) {
        std::vector<int> a, b;
        CollectColumns(*c->children[0], &a);
        CollectColumns(*c->children[1], &b);
        auto side = [&](const std::vector<int>& cols) {
          if (cols.empty()) return 0;
          bool l = std::all_of(cols.begin(), cols.end(), [&](int i) { return i < ls.width; });
          bool r = std::all_of(cols.begin(), cols.end(), [&](int i) { return i >= ls.width; });
          return l ? 1 : r ? 2 : 0;
        };
        int sa = side(a), sb = side(b);
        if ((sa == 1 && sb == 2) || (sa == 2 && sb == 1)) {
          BoundExprPtr lk = sa == 1 ? c->children[0] : c->children[1];
          BoundExprPtr rk = sa == 1 ? c->children[1] : c->children[0];
          std::vector<int> unshift(static_cast<size_t>(both.width), -1);
          for (int i = 0; i < rs.width; ++i) unshift[i + ls.width] = i;
          node->left_keys.push_back(lk);
          node->right_keys.push_back(RemapColumns(rk, unshift));
          continue;
        }
      }
      residual.push_back(c);
    }
    if (!residual.empty()) node->residual = MakeAnd(residual);
    if (t.join_type == JoinType::kRight) {
      // a RIGHT JOIN b == b LEFT JOIN a with the columns put back in order.
      std::swap(node->children[0], node->children[1]);
      std::swap(node->left_keys, node->right_keys);
      node->join_type = JoinType::kLeft;
      int lw = ls.width, rw = rs.width;
      if (node->residual) {
        std::vector<int> swap(static_cast<size_t>(lw + rw));
        for (int i = 0; i < lw; ++i) swap[i] = i + rw;
        for (int i = 0; i < rw; ++i) swap[i + lw] = i;
        node->residual = RemapColumns(node->residual, swap);
      }
      Schema sw = right->schema;
      for (const Field& f : left->schema.fields) sw.fields.push_back(f);
      node->schema = sw;
      auto proj = MakeNode(PlanKind::kProject, schema, {node});
      for (int i = 0; i < lw; ++i) proj->exprs.push_back(MakeColumnRef(i + rw, left->schema.fields[i].type));
      for (int i = 0; i < rw; ++i) proj->exprs.push_back(MakeColumnRef(i, right->schema.fields[i].type));
      *scope = both;
      return proj;
    }
    *scope = both;
    return node;
  }

  // ---- names

  // Resolves a name chain in the scope: [qualifier.]path[.field…].
  Result<BoundExprPtr> Resolve(const std::vector<std::string>& chain, const Scope& scope, size_t offset) {
    const ScopeEntry* best = nullptr;
    size_t best_len = 0;
    bool ambiguous = false;
    auto consider = [&](const ScopeEntry& e, size_t skip) {
      size_t n = e.path.size();
      if (chain.size() - skip < n) return;
      for (size_t k = 0; k < n; ++k) {
        if (!IEquals(e.path[k], chain[skip + k])) return;
      }
      size_t len = skip + n;
      if (len > best_len) {
        best = &e;
        best_len = len;
        ambiguous = false;
      } else if (len == best_len && best != nullptr && best->index != e.index) {
        ambiguous = true;
      }
    };
    for (const ScopeEntry& e : scope.entries) {
      if (!e.qualifier.empty() && chain.size() >= 2 && IEquals(e.qualifier, chain[0])) consider(e, 1);
    }
    if (best == nullptr) {
      for (const ScopeEntry& e : scope.entries) {
        if (!e.hidden) consider(e, 0);
      }
    }
    if (best == nullptr) {
      std::string avail;
      for (const std::string& n : scope.names) {
        if (!avail.empty()) avail += ", ";
        avail += n;
        if (avail.size() > 300) {
          avail += ", …";
          break;
        }
      }
      return ErrorAt(offset, "column '" + Join(chain) + "' not found" + Suggest(chain.back(), scope.names) +
                                 " (columns: " + (avail.empty() ? "none" : avail) + ")");
    }
    if (ambiguous) return ErrorAt(offset, "column reference '" + Join(chain) + "' is ambiguous; qualify it with a table name");
    BoundExprPtr e = MakeColumnRef(best->index, best->type);
    for (size_t k = best_len; k < chain.size(); ++k) {
      LW_ASSIGN_OR_RETURN(e, FieldAccess(e, chain[k], offset));
    }
    return e;
  }

  Result<BoundExprPtr> FieldAccess(BoundExprPtr e, const std::string& name, size_t offset) {
    if (e->type->id() != TypeId::kStruct) {
      if (e->type->id() == TypeId::kMap) {
        return BindFunction("subscript", {e, MakeConstant(Scalar::String(name))});
      }
      return ErrorAt(offset, "cannot read field '" + name + "' of a " + e->type->ToString() + " value");
    }
    for (size_t i = 0; i < e->type->num_fields(); ++i) {
      if (IEquals(e->type->field(i).name, name)) return MakeStructField(e, static_cast<int>(i));
    }
    std::string avail;
    std::vector<std::string> names;
    for (const Field& f : e->type->fields()) {
      avail += (avail.empty() ? "" : ", ") + f.name;
      names.push_back(f.name);
    }
    return ErrorAt(offset, "no field '" + name + "' in " + e->type->ToString() + Suggest(name, names) +
                               " (fields: " + avail + ")");
  }

  // ---- expressions

  Result<BoundExprPtr> BindExpr(const Expr& e, const Scope& scope, AggContext* agg) {
    if (having_aliases_ != nullptr && e.kind == ExprKind::kColumn && e.names.size() == 1 &&
        !Resolve(e.names, scope, e.begin).ok()) {
      // HAVING may name a select item by its alias (Spark).
      for (const SelectItem& it : *having_aliases_) {
        if (it.alias && IEquals(*it.alias, e.names[0])) {
          const std::vector<SelectItem>* saved = having_aliases_;
          having_aliases_ = nullptr;  // an alias does not refer to aliases
          auto b = BindExpr(*it.expr, scope, agg);
          having_aliases_ = saved;
          return b;
        }
      }
    }
    if (agg != nullptr && !ContainsAggregate(e) && e.kind != ExprKind::kLiteral) {
      // An expression equal to a GROUP BY expression reads the group column.
      auto as_input = BindExpr(e, scope, nullptr);
      if (as_input.ok()) {
        std::string key = (*as_input)->ToString();
        for (size_t i = 0; i < agg->groups.size(); ++i) {
          if (agg->group_keys[i] == key) return MakeColumnRef(static_cast<int>(i), agg->groups[i]->type);
        }
        if ((*as_input)->IsConstant()) return *as_input;
        if (e.kind == ExprKind::kColumn) {
          return ErrorAt(e.begin, "'" + Text(e.begin, e.end) +
                                      "' must appear in GROUP BY or be inside an aggregate function");
        }
      } else if (e.kind == ExprKind::kColumn) {
        return as_input.status();
      }
    }
    switch (e.kind) {
      case ExprKind::kLiteral: return MakeConstant(e.value);
      case ExprKind::kColumn: {
        auto r = Resolve(e.names, scope, e.begin);
        // Spark's niladic functions without parentheses, when no column has the name.
        if (!r.ok() && e.names.size() == 1 &&
            (IEquals(e.names[0], "current_timestamp") || IEquals(e.names[0], "current_date"))) {
          return BindFunction(Lower(e.names[0]), {});
        }
        return r;
      }
      case ExprKind::kStar:
        return ErrorAt(e.begin, "* is only allowed in the SELECT list and in count(*)");
      case ExprKind::kInterval:
        return ErrorAt(e.begin, "an INTERVAL can only be added to or subtracted from a timestamp");
      case ExprKind::kFunction: return BindCall(e, scope, agg);
      case ExprKind::kUnary: {
        LW_ASSIGN_OR_RETURN(BoundExprPtr c, BindExpr(*e.children[0], scope, agg));
        std::string fn = e.op == "-" ? "negative" : e.op == "+" ? "positive" : e.op == "NOT" ? "not" : "~";
        return Wrap(BindFunction(fn, {c}), e);
      }
      case ExprKind::kBinary: return BindBinary(e, scope, agg);
      case ExprKind::kCase: return BindCase(e, scope, agg);
      case ExprKind::kCast: {
        LW_ASSIGN_OR_RETURN(BoundExprPtr c, BindExpr(*e.children[0], scope, agg));
        if (e.name == "typed literal" && c->IsConstant()) {
          auto v = BindCast(c, e.cast_type);
          if (v.ok() && (*v)->IsConstant() && !(*v)->value.valid) {
            return ErrorAt(e.begin, "cannot read '" + c->value.str + "' as a " + e.cast_type->ToString());
          }
          return Wrap(std::move(v), e);
        }
        return Wrap(BindCast(c, e.cast_type, e.try_cast), e);
      }
      case ExprKind::kIn: {
        std::vector<BoundExprPtr> args;
        for (const ExprPtr& c : e.children) {
          LW_ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*c, scope, agg));
          args.push_back(b);
        }
        LW_ASSIGN_OR_RETURN(BoundExprPtr in, Wrap(BindFunction("in", std::move(args)), e));
        return e.negated ? Wrap(BindFunction("not", {in}), e) : in;
      }
      case ExprKind::kBetween: {
        LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindExpr(*e.children[0], scope, agg));
        LW_ASSIGN_OR_RETURN(BoundExprPtr lo, BindExpr(*e.children[1], scope, agg));
        LW_ASSIGN_OR_RETURN(BoundExprPtr hi, BindExpr(*e.children[2], scope, agg));
        LW_ASSIGN_OR_RETURN(BoundExprPtr a, Wrap(BindFunction(">=", {x, lo}), e));
        LW_ASSIGN_OR_RETURN(BoundExprPtr b, Wrap(BindFunction("<=", {x, hi}), e));
        BoundExprPtr both = FoldIfConstant(MakeAnd({a, b}));
        return e.negated ? Wrap(BindFunction("not", {both}), e) : both;
      }
      case ExprKind::kIsNull: {
        LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindExpr(*e.children[0], scope, agg));
        return Wrap(BindFunction(e.negated ? "isnotnull" : "isnull", {x}), e);
      }
      case ExprKind::kIsBool: {
        LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindExpr(*e.children[0], scope, agg));
        LW_ASSIGN_OR_RETURN(BoundExprPtr eq, Wrap(BindFunction("<=>", {x, MakeConstant(e.value)}), e));
        return e.negated ? Wrap(BindFunction("not", {eq}), e) : eq;
      }
      case ExprKind::kLike: {
        LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindExpr(*e.children[0], scope, agg));
        LW_ASSIGN_OR_RETURN(BoundExprPtr p, BindExpr(*e.children[1], scope, agg));
        std::vector<BoundExprPtr> args = {x, p};
        if (e.escape) args.push_back(MakeConstant(Scalar::String(std::string(1, *e.escape))));
        LW_ASSIGN_OR_RETURN(BoundExprPtr m, Wrap(BindFunction(Lower(e.op), std::move(args)), e));
        return e.negated ? Wrap(BindFunction("not", {m}), e) : m;
      }
      case ExprKind::kSubscript: {
        LW_ASSIGN_OR_RETURN(BoundExprPtr base, BindExpr(*e.children[0], scope, agg));
        LW_ASSIGN_OR_RETURN(BoundExprPtr idx, BindExpr(*e.children[1], scope, agg));
        if (base->type->id() == TypeId::kStruct && idx->IsConstant() && idx->type->id() == TypeId::kString) {
          return FieldAccess(base, idx->value.str, e.begin);
        }
        return Wrap(BindFunction("subscript", {base, idx}), e);
      }
      case ExprKind::kField: {
        LW_ASSIGN_OR_RETURN(BoundExprPtr base, BindExpr(*e.children[0], scope, agg));
        return FieldAccess(base, e.name, e.begin);
      }
    }
    return Status::Internal("bad expression");
  }

  // Adds the position to a binding error.
  Result<BoundExprPtr> Wrap(Result<BoundExprPtr> r, const Expr& e) {
    if (r.ok()) return r;
    if (r.status().code() == StatusCode::kInvalidArgument && r.status().message().rfind("SQL error", 0) != 0) {
      return ErrorAt(e.begin, r.status().message() + " in '" + Text(e.begin, e.end) + "'");
    }
    return r;
  }

  Result<BoundExprPtr> BindBinary(const Expr& e, const Scope& scope, AggContext* agg) {
    if (e.op == "AND" || e.op == "OR") {
      std::vector<BoundExprPtr> parts;
      for (const ExprPtr& c : e.children) {
        LW_ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*c, scope, agg));
        LW_ASSIGN_OR_RETURN(b, Wrap(BindCast(b, DataType::Boolean()), *c));
        BoundKind k = e.op == "AND" ? BoundKind::kAnd : BoundKind::kOr;
        if (b->kind == k) {
          parts.insert(parts.end(), b->children.begin(), b->children.end());
        } else {
          parts.push_back(b);
        }
      }
      auto n = std::make_shared<BoundExpr>();
      n->kind = e.op == "AND" ? BoundKind::kAnd : BoundKind::kOr;
      n->type = DataType::Boolean();
      n->children = std::move(parts);
      return FoldIfConstant(n);
    }
    // timestamp ± INTERVAL
    const Expr& l = *e.children[0];
    const Expr& r = *e.children[1];
    if ((e.op == "+" || e.op == "-") && (r.kind == ExprKind::kInterval || (e.op == "+" && l.kind == ExprKind::kInterval))) {
      const Expr& iv = r.kind == ExprKind::kInterval ? r : l;
      const Expr& other = r.kind == ExprKind::kInterval ? l : r;
      LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindExpr(other, scope, agg));
      int64_t sign = e.op == "-" ? -1 : 1;
      BoundExprPtr cur = x;
      bool was_date = x->type->id() == TypeId::kDate;
      if (iv.months != 0) {
        LW_ASSIGN_OR_RETURN(BoundExprPtr months, Wrap(BindFunction("add_months", {cur, MakeConstant(Scalar::Int32(static_cast<int32_t>(sign * iv.months)))}), e));
        if (!was_date || iv.value.i64 != 0) {
          // keep the time of day: add the whole-month shift in days
          LW_ASSIGN_OR_RETURN(BoundExprPtr d0, BindCast(cur, DataType::Date()));
          LW_ASSIGN_OR_RETURN(BoundExprPtr days, Wrap(BindFunction("datediff", {months, d0}), e));
          LW_ASSIGN_OR_RETURN(BoundExprPtr us, Wrap(BindFunction("*", {days, MakeConstant(Scalar::Int64(kMicrosPerDay))}), e));
          LW_ASSIGN_OR_RETURN(cur, Wrap(BindFunction("timestamp_add_micros", {cur, us}), e));
        } else {
          cur = months;
        }
      }
      if (iv.value.i64 != 0) {
        if (was_date && iv.value.i64 % kMicrosPerDay == 0 && iv.months == 0) {
          return Wrap(BindFunction("date_add", {cur, MakeConstant(Scalar::Int32(static_cast<int32_t>(sign * iv.value.i64 / kMicrosPerDay)))}), e);
        }
        LW_ASSIGN_OR_RETURN(cur, Wrap(BindFunction("timestamp_add_micros", {cur, MakeConstant(Scalar::Int64(sign * iv.value.i64))}), e));
      }
      return cur;
    }
    LW_ASSIGN_OR_RETURN(BoundExprPtr a, BindExpr(l, scope, agg));
    LW_ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(r, scope, agg));
    // date ± integer days, date - date
    if ((e.op == "+" || e.op == "-") && a->type->id() == TypeId::kDate && IsIntegral(b->type)) {
      return Wrap(BindFunction(e.op == "+" ? "date_add" : "date_sub", {a, b}), e);
    }
    if (e.op == "+" && b->type->id() == TypeId::kDate && IsIntegral(a->type)) {
      return Wrap(BindFunction("date_add", {b, a}), e);
    }
    if (e.op == "-" && a->type->id() == TypeId::kDate && b->type->id() == TypeId::kDate) {
      return Wrap(BindFunction("datediff", {a, b}), e);
    }
    return Wrap(BindFunction(e.op, {a, b}), e);
  }

  Result<BoundExprPtr> BindCase(const Expr& e, const Scope& scope, AggContext* agg) {
    size_t i = 0;
    BoundExprPtr operand;
    if (e.has_operand) {
      LW_ASSIGN_OR_RETURN(operand, BindExpr(*e.children[0], scope, agg));
      i = 1;
    }
    size_t end = e.children.size() - (e.has_else ? 1 : 0);
    std::vector<BoundExprPtr> whens, thens;
    for (; i + 1 < end + 1 && i < end; i += 2) {
      LW_ASSIGN_OR_RETURN(BoundExprPtr w, BindExpr(*e.children[i], scope, agg));
      if (operand) {
        LW_ASSIGN_OR_RETURN(w, Wrap(BindFunction("=", {operand, w}), *e.children[i]));
      } else {
        LW_ASSIGN_OR_RETURN(w, Wrap(BindCast(w, DataType::Boolean()), *e.children[i]));
      }
      LW_ASSIGN_OR_RETURN(BoundExprPtr t, BindExpr(*e.children[i + 1], scope, agg));
      whens.push_back(w);
      thens.push_back(t);
    }
    BoundExprPtr els = MakeConstant(Scalar::Null(DataType::Null()));
    if (e.has_else) {
      LW_ASSIGN_OR_RETURN(els, BindExpr(*e.children.back(), scope, agg));
    }
    TypePtr type = els->type;
    for (const auto& t : thens) {
      TypePtr c = CommonType(type, t->type);
      if (!c) return ErrorAt(e.begin, "CASE branches have different types (" + type->ToString() + ", " + t->type->ToString() + ")");
      type = c;
    }
    if (type->id() == TypeId::kNull) type = DataType::String();
    auto n = std::make_shared<BoundExpr>();
    n->kind = BoundKind::kCase;
    n->type = type;
    for (size_t k = 0; k < whens.size(); ++k) {
      n->children.push_back(whens[k]);
      LW_ASSIGN_OR_RETURN(BoundExprPtr t, BindCast(thens[k], type));
      n->children.push_back(t);
    }
    LW_ASSIGN_OR_RETURN(els, BindCast(els, type));
    n->children.push_back(els);
    return FoldIfConstant(n);
  }

  Result<BoundExprPtr> BindCall(const Expr& e, const Scope& scope, AggContext* agg) {
    if (IsAggregateFunction(e.name)) {
      if (agg == nullptr) {
        return ErrorAt(e.begin, "aggregate function " + e.name + "() is not allowed here");
      }
      std::vector<BoundExprPtr> args;
      for (const ExprPtr& c : e.children) {
        if (ContainsAggregate(*c)) return ErrorAt(c->begin, "aggregate functions cannot be nested");
        LW_ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*c, scope, nullptr));
        args.push_back(b);
      }
      auto bound = BindAggregate(e.name, std::move(args), e.distinct, e.star);
      if (!bound.ok()) return ErrorAt(e.begin, bound.status().message());
      std::string key = bound->ToString();
      for (size_t i = 0; i < agg->aggregates.size(); ++i) {
        if (agg->aggregate_keys[i] == key) {
          return MakeColumnRef(static_cast<int>(agg->groups.size() + i), agg->aggregates[i].type);
        }
      }
      agg->aggregate_keys.push_back(key);
      agg->aggregates.push_back(std::move(bound).value());
      return MakeColumnRef(static_cast<int>(agg->groups.size() + agg->aggregates.size() - 1), agg->aggregates.back().type);
    }
    if (e.star) return ErrorAt(e.begin, e.name + "(*) is not valid; only count(*)");
    if (e.distinct) return ErrorAt(e.begin, "DISTINCT is only valid in aggregate functions");
    std::vector<BoundExprPtr> args;
    for (const ExprPtr& c : e.children) {
      LW_ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*c, scope, agg));
      args.push_back(b);
    }
    if (e.name == "coalesce" || e.name == "nvl" || e.name == "ifnull") {
      if (args.empty() || ((e.name != "coalesce") && args.size() != 2)) {
        return ErrorAt(e.begin, e.name + "() takes " + (e.name == "coalesce" ? "at least one argument" : "two arguments"));
      }
      TypePtr t = DataType::Null();
      for (const auto& a : args) {
        TypePtr c = CommonType(t, a->type);
        if (!c) return ErrorAt(e.begin, e.name + "(): arguments of different types");
        t = c;
      }
      auto n = std::make_shared<BoundExpr>();
      n->kind = BoundKind::kCoalesce;
      n->type = t;
      for (auto& a : args) {
        LW_ASSIGN_OR_RETURN(BoundExprPtr c, BindCast(a, t));
        n->children.push_back(c);
      }
      if (n->children.size() == 1) return n->children[0];
      return FoldIfConstant(n);
    }
    if (!IsScalarFunction(e.name)) {
      return ErrorAt(e.begin, "unknown function " + e.name + "()");
    }
    return Wrap(BindFunction(e.name, std::move(args)), e);
  }

  // ---- SELECT

  struct SelectOutput {
    std::vector<BoundExprPtr> exprs;
    std::vector<std::string> names;
  };

  std::string DerivedName(const Expr& e) const {
    if (e.kind == ExprKind::kColumn) return e.names.back();
    if (e.kind == ExprKind::kField) return e.name;
    return Text(e.begin, e.end);
  }

  Result<PlanPtr> BindSelect(const SelectCore& s, const QueryNode& q, const std::map<std::string, CteDef>& ctes) {
    References refs;
    for (const SelectItem& it : s.items) CollectReferences(*it.expr, &refs);
    if (s.where) CollectReferences(*s.where, &refs);
    for (const ExprPtr& g : s.group_by) CollectReferences(*g, &refs);
    if (s.having) CollectReferences(*s.having, &refs);
    for (const OrderItem& o : q.order_by) {
      // ORDER BY alias reads the select output, not a table column of that name.
      bool alias = o.expr->kind == ExprKind::kColumn && o.expr->names.size() == 1 &&
                   std::any_of(s.items.begin(), s.items.end(), [&](const SelectItem& it) {
                     return it.alias && IEquals(*it.alias, o.expr->names[0]);
                   });
      if (!alias) CollectReferences(*o.expr, &refs);
    }
    if (s.from) CollectTableRefReferences(*s.from, &refs);

    Scope scope;
    PlanPtr plan;
    if (s.from) {
      LW_ASSIGN_OR_RETURN(plan, BindTableRef(*s.from, refs, ctes, &scope));
    } else {
      // SELECT without FROM: one row, no columns.
      plan = MakeNode(PlanKind::kValues, {}, {});
      RecordBatch one;
      one.num_rows = 1;
      plan->values.push_back(one);
    }
    if (s.where) {
      if (ContainsAggregate(*s.where)) return ErrorAt(s.where->begin, "aggregate functions are not allowed in WHERE");
      LW_ASSIGN_OR_RETURN(BoundExprPtr pred, BindExpr(*s.where, scope, nullptr));
      LW_ASSIGN_OR_RETURN(pred, Wrap(BindCast(pred, DataType::Boolean()), *s.where));
      plan = PushFilter(plan, pred);
    }
    bool is_agg = !s.group_by.empty() || s.group_by_all;
    for (const SelectItem& it : s.items) is_agg = is_agg || ContainsAggregate(*it.expr);
    if (s.having) is_agg = true;
    for (const OrderItem& o : q.order_by) is_agg = is_agg || ContainsAggregate(*o.expr);

    AggContext agg;
    if (is_agg) {
      if (s.group_by_all) {
        for (const SelectItem& it : s.items) {
          if (ContainsAggregate(*it.expr)) continue;
          LW_ASSIGN_OR_RETURN(BoundExprPtr g, BindExpr(*it.expr, scope, nullptr));
          if (g->IsConstant()) continue;
          agg.group_keys.push_back(g->ToString());
          agg.groups.push_back(g);
        }
      }
      for (const ExprPtr& g : s.group_by) {
        const Expr* ge = g.get();
        // GROUP BY 2: the second select item; GROUP BY alias: that item.
        if (ge->kind == ExprKind::kLiteral && ge->value.valid && (ge->value.type->id() == TypeId::kInt32)) {
          int64_t k = ge->value.i64;
          if (k < 1 || k > static_cast<int64_t>(s.items.size())) {
            return ErrorAt(ge->begin, "GROUP BY position " + std::to_string(k) + " is not in the select list (1.." +
                                          std::to_string(s.items.size()) + ")");
          }
          ge = s.items[static_cast<size_t>(k - 1)].expr.get();
          if (ge->kind == ExprKind::kStar) return ErrorAt(g->begin, "GROUP BY position refers to *");
        } else if (ge->kind == ExprKind::kColumn && ge->names.size() == 1) {
          auto r = Resolve(ge->names, scope, ge->begin);
          if (!r.ok()) {
            for (const SelectItem& it : s.items) {
              if (it.alias && IEquals(*it.alias, ge->names[0])) ge = it.expr.get();
            }
          }
        }
        if (ContainsAggregate(*ge)) return ErrorAt(g->begin, "aggregate functions are not allowed in GROUP BY");
        LW_ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*ge, scope, nullptr));
        agg.group_keys.push_back(b->ToString());
        agg.groups.push_back(b);
      }
    }
    AggContext* ctx = is_agg ? &agg : nullptr;

    // SELECT list (stars expanded).
    SelectOutput out;
    for (const SelectItem& it : s.items) {
      const Expr& e = *it.expr;
      if (e.kind == ExprKind::kStar) {
        LW_RETURN_IF_ERROR(ExpandStar(e, scope, ctx, &out));
        continue;
      }
      LW_ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(e, scope, ctx));
      out.exprs.push_back(b);
      out.names.push_back(it.alias.value_or(DerivedName(e)));
    }
    BoundExprPtr having;
    if (s.having) {
      LW_ASSIGN_OR_RETURN(having, BindHaving(*s.having, scope, ctx, s, out));
    }
    // ORDER BY keys: output positions, or extra (hidden) projected expressions.
    std::vector<SortKey> keys;
    size_t visible = out.exprs.size();
    for (const OrderItem& o : q.order_by) {
      SortKey k;
      k.descending = o.descending;
      k.nulls_first = o.nulls_first.value_or(!o.descending);
      LW_ASSIGN_OR_RETURN(int pos, OrderPosition(*o.expr, out, visible));
      if (pos < 0) {
        if (s.distinct) {
          return ErrorAt(o.expr->begin, "with SELECT DISTINCT, ORDER BY expressions must appear in the select list");
        }
        LW_ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*o.expr, scope, ctx));
        pos = static_cast<int>(out.exprs.size());
        for (size_t i = 0; i < out.exprs.size(); ++i) {
          if (out.exprs[i]->ToString() == b->ToString()) pos = static_cast<int>(i);
        }
        if (pos == static_cast<int>(out.exprs.size())) {
          out.exprs.push_back(b);
          out.names.push_back("__order" + std::to_string(pos));
        }
      }
      k.expr = MakeColumnRef(pos, out.exprs[static_cast<size_t>(pos)]->type);
      keys.push_back(k);
    }
    if (is_agg) {
      Schema as;
      for (size_t i = 0; i < agg.groups.size(); ++i) as.fields.push_back({"group" + std::to_string(i), agg.groups[i]->type, true, ""});
      for (size_t i = 0; i < agg.aggregates.size(); ++i) as.fields.push_back({agg.aggregates[i].name, agg.aggregates[i].type, true, ""});
      auto node = MakeNode(PlanKind::kAggregate, as, {plan});
      node->groups = agg.groups;
      node->aggregates = agg.aggregates;
      plan = node;
      if (having) {
        auto f = MakeNode(PlanKind::kFilter, plan->schema, {plan});
        f->predicate = having;
        plan = f;
      }
    }
    Schema ps;
    for (size_t i = 0; i < out.exprs.size(); ++i) ps.fields.push_back({out.names[i], out.exprs[i]->type, true, ""});
    auto proj = MakeNode(PlanKind::kProject, ps, {plan});
    proj->exprs = out.exprs;
    plan = proj;
    if (s.distinct) plan = Distinct(plan);
    LW_ASSIGN_OR_RETURN(plan, ApplySortLimit(plan, keys, q));
    if (out.exprs.size() > visible) {
      Schema vs;
      auto fin = MakeNode(PlanKind::kProject, {}, {plan});
      for (size_t i = 0; i < visible; ++i) {
        vs.fields.push_back(plan->schema.fields[i]);
        fin->exprs.push_back(MakeColumnRef(static_cast<int>(i), plan->schema.fields[i].type));
      }
      fin->schema = vs;
      plan = fin;
    }
    return plan;
  }

  Result<BoundExprPtr> BindHaving(const Expr& h, const Scope& scope, AggContext* ctx, const SelectCore& s,
                                  const SelectOutput& out) {
    (void)out;
    having_aliases_ = &s.items;
    auto bound = BindExpr(h, scope, ctx);
    having_aliases_ = nullptr;
    LW_ASSIGN_OR_RETURN(BoundExprPtr b, std::move(bound));
    return Wrap(BindCast(b, DataType::Boolean()), h);
  }

  Status ExpandStar(const Expr& e, const Scope& scope, AggContext* ctx, SelectOutput* out) {
    bool any = false;
    if (!e.names.empty()) {
      // t.* or struct.*
      bool table = false;
      for (const ScopeEntry& en : scope.entries) table = table || IEquals(en.qualifier, e.names[0]);
      if (!table || e.names.size() > 1) {
        LW_ASSIGN_OR_RETURN(BoundExprPtr base, Resolve(e.names, scope, e.begin));
        if (base->type->id() != TypeId::kStruct) {
          return ErrorAt(e.begin, Join(e.names) + ".* needs a table or a struct column");
        }
        for (size_t i = 0; i < base->type->num_fields(); ++i) {
          BoundExprPtr f = MakeStructField(base, static_cast<int>(i));
          LW_ASSIGN_OR_RETURN(f, GroupRef(f, ctx, e));
          out->exprs.push_back(f);
          out->names.push_back(base->type->field(i).name);
        }
        return Status::OK();
      }
    }
    for (const ScopeEntry& en : scope.entries) {
      if (en.hidden) continue;
      if (!e.names.empty() && !IEquals(en.qualifier, e.names[0])) continue;
      BoundExprPtr c = MakeColumnRef(en.index, en.type);
      LW_ASSIGN_OR_RETURN(c, GroupRef(c, ctx, e));
      out->exprs.push_back(c);
      out->names.push_back(en.path.back());
      any = true;
    }
    if (!any) return ErrorAt(e.begin, "* matches no column");
    return Status::OK();
  }

  // In an aggregate query a column from * must be a GROUP BY expression.
  Result<BoundExprPtr> GroupRef(const BoundExprPtr& c, AggContext* ctx, const Expr& e) {
    if (ctx == nullptr) return c;
    std::string key = c->ToString();
    for (size_t i = 0; i < ctx->groups.size(); ++i) {
      if (ctx->group_keys[i] == key) return MakeColumnRef(static_cast<int>(i), c->type);
    }
    return ErrorAt(e.begin, "* in an aggregate query expands to columns that are not in GROUP BY");
  }

  // ORDER BY k / ORDER BY alias → position in the select output, else -1.
  Result<int> OrderPosition(const Expr& e, const SelectOutput& out, size_t visible) {
    if (e.kind == ExprKind::kLiteral && e.value.valid && e.value.type->id() == TypeId::kInt32) {
      int64_t k = e.value.i64;
      if (k < 1 || k > static_cast<int64_t>(visible)) {
        return ErrorAt(e.begin, "ORDER BY position " + std::to_string(k) + " is not in the select list (1.." +
                                    std::to_string(visible) + ")");
      }
      return static_cast<int>(k - 1);
    }
    if (e.kind == ExprKind::kColumn && e.names.size() == 1) {
      int found = -1;
      for (size_t i = 0; i < visible; ++i) {
        if (IEquals(out.names[i], e.names[0])) {
          if (found >= 0 && out.exprs[static_cast<size_t>(found)]->ToString() != out.exprs[i]->ToString()) {
            return ErrorAt(e.begin, "ORDER BY " + e.names[0] + " is ambiguous: several select items have that name");
          }
          found = static_cast<int>(i);
        }
      }
      return found;
    }
    return -1;
  }

  Result<int64_t> ConstantCount(const ExprPtr& e, const char* what) {
    Scope empty;
    LW_ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*e, empty, nullptr));
    if (!b->IsConstant() || !IsIntegral(b->type) || !b->value.valid || b->value.i64 < 0) {
      return ErrorAt(e->begin, std::string(what) + " must be a non-negative integer constant");
    }
    return b->value.i64;
  }

  Result<PlanPtr> ApplySortLimit(PlanPtr plan, std::vector<SortKey> keys, const QueryNode& q) {
    int64_t limit = -1, offset = 0;
    if (q.limit) {
      LW_ASSIGN_OR_RETURN(limit, ConstantCount(q.limit, "LIMIT"));
    }
    if (q.offset) {
      LW_ASSIGN_OR_RETURN(offset, ConstantCount(q.offset, "OFFSET"));
    }
    if (!keys.empty()) {
      auto sort = MakeNode(PlanKind::kSort, plan->schema, {plan});
      sort->sort_keys = std::move(keys);
      if (limit >= 0) sort->limit = limit + offset;  // top-N
      plan = sort;
    }
    if (limit >= 0 || offset > 0) {
      auto lim = MakeNode(PlanKind::kLimit, plan->schema, {plan});
      lim->limit = limit;
      lim->offset = offset;
      plan = lim;
    }
    return plan;
  }

  Result<PlanPtr> ApplyOrderLimit(PlanPtr plan, const Scope& scope, const QueryNode& q) {
    std::vector<SortKey> keys;
    SelectOutput out;
    for (const Field& f : plan->schema.fields) {
      out.names.push_back(f.name);
      out.exprs.push_back(MakeColumnRef(static_cast<int>(out.exprs.size()), f.type));
    }
    for (const OrderItem& o : q.order_by) {
      SortKey k;
      k.descending = o.descending;
      k.nulls_first = o.nulls_first.value_or(!o.descending);
      LW_ASSIGN_OR_RETURN(int pos, OrderPosition(*o.expr, out, out.exprs.size()));
      if (pos >= 0) {
        k.expr = out.exprs[static_cast<size_t>(pos)];
      } else {
        LW_ASSIGN_OR_RETURN(k.expr, BindExpr(*o.expr, scope, nullptr));
      }
      keys.push_back(k);
    }
    return ApplySortLimit(plan, std::move(keys), q);
  }
  // ---- filter pushdown

  // Places `pred` above `plan`, pushing conjuncts into join inputs and
  // recording scan skipping predicates and index lookups.
  PlanPtr PushFilter(PlanPtr plan, const BoundExprPtr& pred) {
    std::vector<BoundExprPtr> conj;
    SplitConjuncts(pred, &conj);
    if (plan->kind == PlanKind::kJoin &&
        (plan->join_type == JoinType::kInner || plan->join_type == JoinType::kLeft)) {
      int lw = static_cast<int>(plan->children[0]->schema.fields.size());
      std::vector<BoundExprPtr> rest, left, right;
      for (const auto& c : conj) {
        std::vector<int> cols;
        CollectColumns(*c, &cols);
        bool l = !cols.empty() && std::all_of(cols.begin(), cols.end(), [&](int i) { return i < lw; });
        bool r = !cols.empty() && std::all_of(cols.begin(), cols.end(), [&](int i) { return i >= lw; });
        if (l) {
          left.push_back(c);
        } else if (r && plan->join_type == JoinType::kInner) {
          std::vector<int> unshift(static_cast<size_t>(plan->schema.fields.size()), -1);
          for (size_t i = static_cast<size_t>(lw); i < unshift.size(); ++i) unshift[i] = static_cast<int>(i) - lw;
          right.push_back(RemapColumns(c, unshift));
        } else {
          rest.push_back(c);
        }
      }
      auto copy = std::make_shared<PlanNode>(*plan);
      if (!left.empty()) copy->children[0] = PushFilter(copy->children[0], MakeAnd(left));
      if (!right.empty()) copy->children[1] = PushFilter(copy->children[1], MakeAnd(right));
      plan = copy;
      if (rest.empty()) return plan;
      conj = rest;
    }
    if (plan->kind == PlanKind::kScan) {
      auto spec = std::make_shared<ScanSpec>(*plan->scan);
      for (const auto& c : conj) AddScanHints(*spec, c);
      auto copy = std::make_shared<PlanNode>(*plan);
      copy->scan = spec;
      plan = copy;
    }
    auto f = MakeNode(PlanKind::kFilter, plan->schema, {plan});
    f->predicate = MakeAnd(conj);
    return f;
  }

  // A conjunct `col op constant` over a scan column becomes a skipping predicate.
  static void AddScanHints(ScanSpec& spec, const BoundExprPtr& c) {
    if (c->kind != BoundKind::kFunction) return;
    using Op = parquet::StatsPredicate::Op;
    const std::string& n = c->name;
    if ((n == "isnull" || n == "isnotnull") && c->children[0]->kind == BoundKind::kColumnRef) {
      int i = c->children[0]->index;
      if (spec.types[i]->is_nested()) return;
      spec.predicates.push_back({spec.paths[i], n == "isnull" ? Op::kIsNull : Op::kIsNotNull, Scalar()});
      return;
    }
    if (n == "match" && c->children.size() == 2 && c->children[0]->kind == BoundKind::kColumnRef) {
      IndexLookup l;
      l.column = spec.paths[c->children[0]->index];
      l.tokens = c->State<std::vector<std::string>>();
      spec.lookups.push_back(std::move(l));
      return;
    }
    if (c->children.size() != 2) return;
    static const std::pair<const char*, Op> kOps[] = {{"=", Op::kEq}, {"<", Op::kLt}, {"<=", Op::kLe}, {">", Op::kGt}, {">=", Op::kGe}};
    const BoundExprPtr* col = nullptr;
    const BoundExprPtr* val = nullptr;
    bool flipped = false;
    if (c->children[0]->kind == BoundKind::kColumnRef && c->children[1]->IsConstant()) {
      col = &c->children[0];
      val = &c->children[1];
    } else if (c->children[1]->kind == BoundKind::kColumnRef && c->children[0]->IsConstant()) {
      col = &c->children[1];
      val = &c->children[0];
      flipped = true;
    } else {
      return;
    }
    if (!(*val)->value.valid) return;
    int i = (*col)->index;
    if (spec.types[i]->is_nested()) return;
    // NaN is larger than every number in Spark, but Parquet bounds leave NaN
    // out: a float column's bounds cannot prove "no row > c" (nor anything
    // about a NaN constant).
    bool floating = spec.types[i]->id() == TypeId::kDouble || spec.types[i]->id() == TypeId::kFloat;
    if (floating && std::isnan((*val)->value.f64)) return;
    for (auto [name, op] : kOps) {
      if (n != name) continue;
      Op o = op;
      if (flipped) o = op == Op::kLt ? Op::kGt : op == Op::kLe ? Op::kGe : op == Op::kGt ? Op::kLt : op == Op::kGe ? Op::kLe : op;
      if (floating && (o == Op::kGt || o == Op::kGe)) continue;
      spec.predicates.push_back({spec.paths[i], o, (*val)->value});
      if (o == Op::kEq && (*val)->value.type->id() == TypeId::kString) {
        IndexLookup l;
        l.column = spec.paths[i];
        l.exact = (*val)->value.str;
        spec.lookups.push_back(std::move(l));
      }
    }
  }

  std::string_view sql_;
  const BindOptions& options_;
  const std::vector<SelectItem>* having_aliases_ = nullptr;  // set while binding HAVING
};

}  // namespace

Result<std::string> ResolveTablePath(const std::vector<std::string>& name, const std::string& data_dir) {
  if (name.size() == 2 && IEquals(name[0], "delta")) {
    if (name[1].empty()) return Status::InvalidArgument("delta.`` needs a path");
    return name[1];
  }
  if (name.size() != 1) {
    return Status::InvalidArgument("table name " + Join(name) + " has a catalog or database part; name a table of the data directory or delta.`path`");
  }
  const std::string& n = name[0];
  bool ok = !n.empty() && n != "." && n != "..";
  for (char c : n) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.');
  if (!ok) return Status::InvalidArgument("invalid table name '" + n + "' (letters, digits, _ - . only)");
  std::string path = data_dir + "/" + n;
  std::error_code ec;
  if (!std::filesystem::is_directory(path + "/_delta_log", ec)) {
    // Table names are case-insensitive: look for a directory differing in case.
    for (const auto& entry : std::filesystem::directory_iterator(data_dir, ec)) {
      if (IEquals(entry.path().filename().string(), n) && std::filesystem::is_directory(entry.path() / "_delta_log", ec)) {
        return entry.path().string();
      }
    }
    return Status::NotFound("table " + n + " not found in " + data_dir);
  }
  return path;
}

void CollectColumns(const BoundExpr& e, std::vector<int>* out) {
  if (e.kind == BoundKind::kColumnRef) out->push_back(e.index);
  for (const auto& c : e.children) CollectColumns(*c, out);
}

BoundExprPtr RemapColumns(const BoundExprPtr& e, const std::vector<int>& map) {
  if (e->kind == BoundKind::kColumnRef) return MakeColumnRef(map[static_cast<size_t>(e->index)], e->type);
  if (e->children.empty()) return e;
  auto copy = std::make_shared<BoundExpr>(*e);
  for (auto& c : copy->children) c = RemapColumns(c, map);
  return copy;
}

Result<PlanPtr> BindStatement(const Statement& statement, std::string_view sql, const BindOptions& options) {
  Binder b(sql, options);
  return b.BindQuery(*statement.query, {});
}

}  // namespace lakewatch::sql
