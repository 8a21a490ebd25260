#include "sql/function/function_registry.h"

#include "sql/function/cast.h"

namespace lakewatch::sql {

namespace {

const FunctionTable& Table() {
  static const FunctionTable* table = [] {
    auto* t = new FunctionTable();
    RegisterOperators(t);
    RegisterStringFunctions(t);
    RegisterMathFunctions(t);
    RegisterDatetimeFunctions(t);
    RegisterCollectionFunctions(t);
    RegisterSearchFunctions(t);
    return t;
  }();
  return *table;
}

int NumericRank(TypeId t) {
  switch (t) {
    case TypeId::kInt8: return 1;
    case TypeId::kInt16: return 2;
    case TypeId::kInt32: return 3;
    case TypeId::kInt64: return 4;
    case TypeId::kDecimal: return 5;
    case TypeId::kFloat: return 6;
    case TypeId::kDouble: return 7;
    default: return 0;
  }
}

}  // namespace

Status CheckArity(const std::string& name, size_t got, size_t lo, size_t hi) {
  if (got >= lo && got <= hi) return Status::OK();
  std::string want = lo == hi ? std::to_string(lo) : std::to_string(lo) + " to " + std::to_string(hi);
  return Status::InvalidArgument(name + "() takes " + want + " argument(s), got " + std::to_string(got));
}

bool IsNumeric(const TypePtr& t) { return NumericRank(t->id()) > 0; }
bool IsIntegral(const TypePtr& t) {
  int r = NumericRank(t->id());
  return r >= 1 && r <= 4;
}

TypePtr AdjustedDecimal(int precision, int scale) {
  if (precision <= 38) return DataType::Decimal(std::max(precision, 1), scale);
  int int_digits = precision - scale;
  int min_scale = std::min(scale, 6);
  int s = std::max(38 - int_digits, min_scale);
  return DataType::Decimal(38, s);
}

TypePtr DecimalFor(const TypePtr& t) {
  switch (t->id()) {
    case TypeId::kInt8: return DataType::Decimal(3, 0);
    case TypeId::kInt16: return DataType::Decimal(5, 0);
    case TypeId::kInt32: return DataType::Decimal(10, 0);
    case TypeId::kInt64: return DataType::Decimal(20, 0);
    case TypeId::kDecimal: return t;
    default: return nullptr;
  }
}

TypePtr CommonType(const TypePtr& a, const TypePtr& b) {
  if (a->Equals(*b)) return a;
  TypeId x = a->id(), y = b->id();
  if (x == TypeId::kNull) return b;
  if (y == TypeId::kNull) return a;
  int ra = NumericRank(x), rb = NumericRank(y);
  if (ra > 0 && rb > 0) {
    if (x == TypeId::kDecimal || y == TypeId::kDecimal) {
      if (ra > 5 || rb > 5) return DataType::Double();
      TypePtr da = DecimalFor(a), db = DecimalFor(b);
      int s = std::max(da->scale(), db->scale());
      int ip = std::max(da->precision() - da->scale(), db->precision() - db->scale());
      return AdjustedDecimal(ip + s, s);
    }
    return ra >= rb ? a : b;
  }
  if (x == TypeId::kString && (ra > 0 || rb > 0)) return y == TypeId::kString ? a : b;
  if (x == TypeId::kString && y != TypeId::kString && !b->is_nested()) return b;
  if (y == TypeId::kString && x != TypeId::kString && !a->is_nested()) return a;
  if ((x == TypeId::kDate && (y == TypeId::kTimestamp || y == TypeId::kTimestampNtz)) ||
      (y == TypeId::kDate && (x == TypeId::kTimestamp || x == TypeId::kTimestampNtz))) {
    return x == TypeId::kDate ? b : a;
  }
  if ((x == TypeId::kTimestamp && y == TypeId::kTimestampNtz) || (y == TypeId::kTimestamp && x == TypeId::kTimestampNtz)) {
    return DataType::Timestamp();
  }
  if (x == TypeId::kList && y == TypeId::kList) {
    TypePtr e = CommonType(a->field(0).type, b->field(0).type);
    return e ? DataType::List(e) : nullptr;
  }
  if (x == TypeId::kMap && y == TypeId::kMap) {
    TypePtr k = CommonType(a->field(0).type, b->field(0).type);
    TypePtr v = CommonType(a->field(1).type, b->field(1).type);
    return k && v ? DataType::Map(k, v) : nullptr;
  }
  if (x == TypeId::kStruct && y == TypeId::kStruct && a->num_fields() == b->num_fields()) {
    std::vector<Field> fields;
    for (size_t i = 0; i < a->num_fields(); ++i) {
      TypePtr f = CommonType(a->field(i).type, b->field(i).type);
      if (!f) return nullptr;
      fields.push_back({a->field(i).name, f, true, ""});
    }
    return DataType::Struct(std::move(fields));
  }
  return nullptr;
}

BoundExprPtr FoldIfConstant(BoundExprPtr e) {
  if (e->kind == BoundKind::kConstant || e->kind == BoundKind::kColumnRef) return e;
  if (e->type->is_nested()) return e;
  for (const BoundExprPtr& c : e->children) {
    if (!c->IsConstant()) return e;
  }
  if (e->name == "current_timestamp" || e->name == "rand" || e->name == "random" || e->name == "uuid") return e;
  auto v = EvaluateConstant(*e);
  if (!v.ok()) return e;  // keep the error for execution time
  Scalar s = std::move(v).value();
  s.type = e->type;
  return MakeConstant(std::move(s));
}

Result<BoundExprPtr> BindCast(BoundExprPtr e, const TypePtr& to, bool try_cast) {
  if (e->type->Equals(*to)) return e;
  if (!CanCast(*e->type, *to)) {
    return Status::InvalidArgument("cannot cast " + e->type->ToString() + " to " + to->ToString());
  }
  ScalarKernel k = [](const BoundExpr& self, const std::vector<Datum>& args, int64_t rows, Datum* out) {
    if (args[0].is_scalar()) {
      *out = Datum(CastScalar(args[0].scalar, self.type));
    } else {
      *out = Datum(CastColumn(*args[0].column, self.type));
    }
    return Status::OK();
  };
  return FoldIfConstant(MakeFunction(try_cast ? "try_cast" : "cast", to, {std::move(e)}, std::move(k)));
}

bool IsScalarFunction(const std::string& name) { return Table().binders.count(name) > 0; }

Result<BoundExprPtr> BindFunction(const std::string& name, std::vector<BoundExprPtr> args) {
  auto it = Table().binders.find(name);
  if (it == Table().binders.end()) {
    return Status::InvalidArgument("unknown function " + name + "()");
  }
  auto r = it->second(std::move(args));
  if (!r.ok()) return r.status();
  return FoldIfConstant(std::move(r).value());
}

}  // namespace lakewatch::sql
