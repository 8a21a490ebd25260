// Evaluation of bound expressions over a batch (declared in
// planner/bound_expression.h): column references are shared, constants stay
// scalars, functions run their kernels, AND/OR/CASE/COALESCE are evaluated
// here with SQL's three-valued logic.
#include <algorithm>

#include "sql/execution/datum.h"
#include "sql/execution/vector_ops.h"
#include "sql/planner/bound_expression.h"

namespace lakewatch::sql {

ColumnPtr NullColumnOf(const TypePtr& type, int64_t rows) { return MakeNullColumn(type, rows); }

ColumnPtr ScalarToColumn(const Scalar& value, const TypePtr& type, int64_t rows) {
  return MakeConstantColumn(value, type, rows);
}

ColumnPtr Materialize(const Datum& d, int64_t rows) {
  if (d.column) return d.column;
  return ScalarToColumn(d.scalar, d.scalar.type, rows);
}

std::string BoundExpr::ToString() const {
  switch (kind) {
    case BoundKind::kColumnRef: return "#" + std::to_string(index);
    case BoundKind::kConstant:
      return value.type->id() == TypeId::kString && value.valid ? "'" + value.str + "'"
                                                                 : value.ToString() + ":" + value.type->ToString();
    default: break;
  }
  std::string s = kind == BoundKind::kAnd   ? "and"
                  : kind == BoundKind::kOr  ? "or"
                  : kind == BoundKind::kCase ? "case"
                  : kind == BoundKind::kCoalesce ? "coalesce"
                                                 : name;
  s += "(";
  for (size_t i = 0; i < children.size(); ++i) {
    if (i) s += ", ";
    s += children[i]->ToString();
  }
  s += ")";
  if (kind == BoundKind::kFunction && (name == "cast" || name == "try_cast")) s += ":" + type->ToString();
  return s;
}

BoundExprPtr MakeColumnRef(int index, TypePtr type) {
  auto e = std::make_shared<BoundExpr>();
  e->kind = BoundKind::kColumnRef;
  e->index = index;
  e->type = std::move(type);
  return e;
}

BoundExprPtr MakeConstant(Scalar value) {
  auto e = std::make_shared<BoundExpr>();
  e->kind = BoundKind::kConstant;
  e->type = value.type;
  e->value = std::move(value);
  return e;
}

BoundExprPtr MakeFunction(std::string name, TypePtr type, std::vector<BoundExprPtr> children, ScalarKernel kernel,
                          std::shared_ptr<const void> state) {
  auto e = std::make_shared<BoundExpr>();
  e->kind = BoundKind::kFunction;
  e->name = std::move(name);
  e->type = std::move(type);
  e->children = std::move(children);
  e->kernel = std::move(kernel);
  e->state = std::move(state);
  return e;
}

namespace {

// Truth of a boolean datum at row i: 1 true, 0 false, -1 null.
inline int Truth(const Datum& d, int64_t i) {
  if (d.is_scalar()) return d.scalar.valid ? (d.scalar.i64 != 0) : -1;
  if (!d.column->IsValid(i)) return -1;
  return d.column->Value<uint8_t>(i) != 0;
}

Status EvalConjunction(const BoundExpr& e, const RecordBatch& batch, Datum* out) {
  const bool is_and = e.kind == BoundKind::kAnd;
  const int64_t n = batch.num_rows;
  // state per row: 1 = decided (false for AND / true for OR), else tracks null.
  auto col = Column::Make(DataType::Boolean());
  col->data.Resize(static_cast<size_t>(n));
  col->validity.Resize(static_cast<size_t>(n));
  uint8_t* val = col->data.data();
  uint8_t* valid = col->validity.data();
  std::fill(val, val + n, is_and ? 1 : 0);
  std::fill(valid, valid + n, 1);
  for (const BoundExprPtr& c : e.children) {
    Datum d;
    LW_RETURN_IF_ERROR(Evaluate(*c, batch, &d));
    for (int64_t i = 0; i < n; ++i) {
      int t = Truth(d, i);
      // AND: false dominates, then null; OR: true dominates, then null.
      bool dominant_now = valid[i] && val[i] == (is_and ? 0 : 1);
      if (dominant_now) continue;
      if (t == (is_and ? 0 : 1)) {
        val[i] = static_cast<uint8_t>(t);
        valid[i] = 1;
      } else if (t < 0) {
        valid[i] = 0;
      }
    }
  }
  col->length = n;
  col->CompactValidity();
  *out = Datum(std::move(col));
  return Status::OK();
}

Status EvalCase(const BoundExpr& e, const RecordBatch& batch, Datum* out) {
  const int64_t n = batch.num_rows;
  // branch[i]: which THEN (or the ELSE, = pairs) row i takes.
  const size_t pairs = (e.children.size() - 1) / 2;
  std::vector<uint32_t> branch(static_cast<size_t>(n), static_cast<uint32_t>(pairs));
  std::vector<uint8_t> decided(static_cast<size_t>(n), 0);
  for (size_t p = 0; p < pairs; ++p) {
    Datum w;
    LW_RETURN_IF_ERROR(Evaluate(*e.children[2 * p], batch, &w));
    for (int64_t i = 0; i < n; ++i) {
      if (!decided[i] && Truth(w, i) == 1) {
        decided[i] = 1;
        branch[i] = static_cast<uint32_t>(p);
      }
    }
  }
  std::vector<Datum> values(pairs + 1);
  for (size_t p = 0; p <= pairs; ++p) {
    size_t idx = p < pairs ? 2 * p + 1 : e.children.size() - 1;
    LW_RETURN_IF_ERROR(Evaluate(*e.children[idx], batch, &values[p]));
  }
  auto col = Column::Make(e.type);
  col->Reserve(n);
  for (int64_t i = 0; i < n; ++i) {
    const Datum& d = values[branch[i]];
    if (d.is_scalar()) {
      if (e.type->is_nested()) {
        col->AppendNull();
      } else {
        AppendScalar(col.get(), d.scalar);
      }
    } else {
      col->AppendFrom(*d.column, i);
    }
  }
  *out = Datum(std::move(col));
  return Status::OK();
}

Status EvalCoalesce(const BoundExpr& e, const RecordBatch& batch, Datum* out) {
  const int64_t n = batch.num_rows;
  std::vector<Datum> values(e.children.size());
  for (size_t k = 0; k < e.children.size(); ++k) LW_RETURN_IF_ERROR(Evaluate(*e.children[k], batch, &values[k]));
  auto col = Column::Make(e.type);
  col->Reserve(n);
  for (int64_t i = 0; i < n; ++i) {
    const Datum* pick = nullptr;
    for (const Datum& d : values) {
      if (d.IsValid(i)) {
        pick = &d;
        break;
      }
    }
    if (pick == nullptr) {
      col->AppendNull();
    } else if (pick->is_scalar()) {
      AppendScalar(col.get(), pick->scalar);
    } else {
      col->AppendFrom(*pick->column, i);
    }
  }
  *out = Datum(std::move(col));
  return Status::OK();
}

}  // namespace

Status Evaluate(const BoundExpr& e, const RecordBatch& batch, Datum* out) {
  switch (e.kind) {
    case BoundKind::kColumnRef:
      *out = Datum(batch.columns[static_cast<size_t>(e.index)]);
      return Status::OK();
    case BoundKind::kConstant:
      *out = Datum(e.value);
      return Status::OK();
    case BoundKind::kAnd:
    case BoundKind::kOr:
      return EvalConjunction(e, batch, out);
    case BoundKind::kCase:
      return EvalCase(e, batch, out);
    case BoundKind::kCoalesce:
      return EvalCoalesce(e, batch, out);
    case BoundKind::kFunction: {
      std::vector<Datum> args(e.children.size());
      bool all_scalar = true;
      for (size_t k = 0; k < e.children.size(); ++k) {
        LW_RETURN_IF_ERROR(Evaluate(*e.children[k], batch, &args[k]));
        all_scalar = all_scalar && args[k].is_scalar();
      }
      // Only scalars in: compute one row and keep it a scalar (nested results,
      // which a Scalar cannot hold, are computed for every row instead).
      const bool one = all_scalar && !e.children.empty() && !e.type->is_nested();
      int64_t rows = one ? 1 : batch.num_rows;
      LW_RETURN_IF_ERROR(e.kernel(e, args, rows, out));
      if (one && !out->is_scalar()) {
        // A kernel given only scalars answered with a one-row column: make it a scalar.
        *out = Datum(Scalar::FromColumn(*out->column, 0));
        out->scalar.type = e.type;
      }
      return Status::OK();
    }
  }
  return Status::Internal("bad expression kind");
}

Status EvaluateSelection(const BoundExpr& expr, const RecordBatch& batch, std::vector<uint32_t>* rows) {
  rows->clear();
  Datum d;
  LW_RETURN_IF_ERROR(Evaluate(expr, batch, &d));
  const int64_t n = batch.num_rows;
  if (d.is_scalar()) {
    if (d.scalar.valid && d.scalar.i64 != 0) {
      rows->resize(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) (*rows)[i] = static_cast<uint32_t>(i);
    }
    return Status::OK();
  }
  const Column& c = *d.column;
  const uint8_t* v = c.values<uint8_t>();
  rows->reserve(static_cast<size_t>(n));
  if (c.validity.empty()) {
    for (int64_t i = 0; i < n; ++i) {
      if (v[i]) rows->push_back(static_cast<uint32_t>(i));
    }
  } else {
    const uint8_t* valid = c.validity.data();
    for (int64_t i = 0; i < n; ++i) {
      if (v[i] & valid[i]) rows->push_back(static_cast<uint32_t>(i));
    }
  }
  return Status::OK();
}

Result<Scalar> EvaluateConstant(const BoundExpr& expr) {
  RecordBatch one;
  one.num_rows = 1;
  Datum d;
  LW_RETURN_IF_ERROR(Evaluate(expr, one, &d));
  if (d.is_scalar()) {
    Scalar s = d.scalar;
    if (!s.valid || s.type->id() == TypeId::kNull) s.type = expr.type;
    return s;
  }
  Scalar s = Scalar::FromColumn(*d.column, 0);
  s.type = expr.type;
  return s;
}

}  // namespace lakewatch::sql
