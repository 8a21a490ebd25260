// Operators: arithmetic (+ - * / % div, unary -), comparison (= <> < <= > >=
// <=>), NOT, IS [NOT] NULL, IN, LIKE/ILIKE/RLIKE, || (concat), bitwise
// operators, and the conditional functions if/nullif/nvl/ifnull.
//
// Semantics are Spark's defaults (non-ANSI): integer overflow wraps; x/0,
// x%0 and x div 0 are NULL; `/` on integers gives a double; decimals follow
// Spark's precision/scale rules and overflow to NULL; NaN equals NaN and is
// larger than any other double.
#include <re2/re2.h>

#include <cmath>
#include <cstring>

#include "common/decimal.h"
#include "sql/function/cast.h"
#include "sql/function/function_registry.h"
#include "sql/function/kernel_util.h"

namespace lakewatch::sql {

namespace {

// ---- arithmetic

template <typename T>
T WrapOp(char op, T a, T b) {
  using U = std::make_unsigned_t<T>;
  switch (op) {
    case '+': return static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
    case '-': return static_cast<T>(static_cast<U>(a) - static_cast<U>(b));
    default: return static_cast<T>(static_cast<U>(a) * static_cast<U>(b));
  }
}

template <typename T>
Datum IntArith(char op, const std::vector<Datum>& args, const TypePtr& type, int64_t n) {
  FixedReader<T> a(args[0]), b(args[1]);
  switch (op) {
    case '+':
    case '-':
    case '*':
      return BinaryLoop<T, T, T>(a, b, type, n, [op](T x, T y, T* o) {
        *o = WrapOp<T>(op, x, y);
        return true;
      });
    case '%':
      return BinaryLoop<T, T, T>(a, b, type, n, [](T x, T y, T* o) {
        if (y == 0) return false;
        *o = (y == -1) ? 0 : static_cast<T>(x % y);
        return true;
      });
    default:  // div
      return BinaryLoop<T, T, T>(a, b, type, n, [](T x, T y, T* o) {
        if (y == 0) return false;
        *o = (y == -1) ? WrapOp<T>('*', x, -1) : static_cast<T>(x / y);
        return true;
      });
  }
}

template <typename T>
Datum FloatArith(char op, const std::vector<Datum>& args, const TypePtr& type, int64_t n) {
  FixedReader<T> a(args[0]), b(args[1]);
  switch (op) {
    case '+': return BinaryLoop<T, T, T>(a, b, type, n, [](T x, T y, T* o) { return *o = x + y, true; });
    case '-': return BinaryLoop<T, T, T>(a, b, type, n, [](T x, T y, T* o) { return *o = x - y, true; });
    case '*': return BinaryLoop<T, T, T>(a, b, type, n, [](T x, T y, T* o) { return *o = x * y, true; });
    case '/':
      return BinaryLoop<T, T, T>(a, b, type, n, [](T x, T y, T* o) {
        if (y == 0) return false;
        *o = x / y;
        return true;
      });
    default:  // %
      return BinaryLoop<T, T, T>(a, b, type, n, [](T x, T y, T* o) {
        if (y == 0) return false;
        *o = std::fmod(x, y);
        return true;
      });
  }
}

// The kernel applying `Fn` (IntArith<T> / FloatArith<T>) for operator `c`.
template <Datum (*Fn)(char, const std::vector<Datum>&, const TypePtr&, int64_t)>
ScalarKernel ArithKernel(char c) {
  return [c](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
    *out = Fn(c, v, self.type, n);
    return Status::OK();
  };
}

struct DecimalArith {
  char op;
  int s1, s2;  // argument scales
  int p, s;    // result
};

Datum DecimalKernel(const DecimalArith& d, const std::vector<Datum>& args, const TypePtr& type, int64_t n) {
  FixedReader<__int128> a(args[0]), b(args[1]);
  return BinaryLoop<__int128, __int128, __int128>(a, b, type, n, [&d](__int128 x, __int128 y, __int128* o) {
    __int128 r;
    bool ok;
    switch (d.op) {
      case '+': ok = DecimalAdd(x, d.s1, y, d.s2, d.s, &r); break;
      case '-': ok = DecimalAdd(x, d.s1, -y, d.s2, d.s, &r); break;
      case '*': ok = DecimalMul(x, y, d.s1 + d.s2 - d.s, &r); break;
      case '/': ok = DecimalDiv(x, y, d.s - d.s1 + d.s2, &r); break;
      default: ok = DecimalRem(x, d.s1, y, d.s2, d.s, &r); break;  // %
    }
    if (!ok) return false;
    if (!FitsPrecision(r, d.p)) return false;
    *o = r;
    return true;
  });
}

Result<BoundExprPtr> BindArithmetic(const std::string& op, std::vector<BoundExprPtr> args) {
  LW_RETURN_IF_ERROR(CheckArity(op, args.size(), 2, 2));
  TypePtr a = args[0]->type, b = args[1]->type;
  // Strings in arithmetic are read as doubles (Spark).
  if (a->id() == TypeId::kString) a = DataType::Double();
  if (b->id() == TypeId::kString) b = DataType::Double();
  if (a->id() == TypeId::kNull) a = b->id() == TypeId::kNull ? DataType::Int32() : b;
  if (b->id() == TypeId::kNull) b = a;
  if (!IsNumeric(a) || !IsNumeric(b)) {
    return Status::InvalidArgument("operator " + op + " needs numbers, got " + args[0]->type->ToString() + " and " +
                                   args[1]->type->ToString());
  }
  const char c = op == "div" ? 'd' : op[0];
  TypePtr common = CommonType(a, b);
  if (c == 'd') {
    // Integral division: bigint (decimals are truncated to their integral part).
    LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindCast(args[0], DataType::Int64()));
    LW_ASSIGN_OR_RETURN(BoundExprPtr y, BindCast(args[1], DataType::Int64()));
    return MakeFunction(op, DataType::Int64(), {x, y}, ArithKernel<IntArith<int64_t>>('d'));
  }
  if (common->id() == TypeId::kDecimal) {
    // An integer literal counts with its own digits (Spark: decimal(1,0) for 3).
    auto literal_decimal = [](const BoundExprPtr& e, const TypePtr& t) -> TypePtr {
      if (e->IsConstant() && e->value.valid && IsIntegral(t)) {
        int digits = static_cast<int>(std::to_string(e->value.i64 < 0 ? -(e->value.i64 + 1) + 1 : e->value.i64).size());
        return DataType::Decimal(std::max(digits, 1), 0);
      }
      return DecimalFor(t);
    };
    TypePtr da = literal_decimal(args[0], a), db = literal_decimal(args[1], b);
    if (da && db) {
      int p1 = da->precision(), s1 = da->scale(), p2 = db->precision(), s2 = db->scale();
      TypePtr rt;
      switch (c) {
        case '+':
        case '-': {
          int s = std::max(s1, s2);
          rt = AdjustedDecimal(std::max(p1 - s1, p2 - s2) + s + 1, s);
          break;
        }
        case '*': rt = AdjustedDecimal(p1 + p2 + 1, s1 + s2); break;
        case '/': {
          int s = std::max(6, s1 + p2 + 1);
          rt = AdjustedDecimal(p1 - s1 + s2 + s, s);
          break;
        }
        default: {
          int s = std::max(s1, s2);
          rt = AdjustedDecimal(std::min(p1 - s1, p2 - s2) + s, s);
          break;
        }
      }
      LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindCast(args[0], da));
      LW_ASSIGN_OR_RETURN(BoundExprPtr y, BindCast(args[1], db));
      auto st = std::make_shared<DecimalArith>(DecimalArith{c, s1, s2, rt->precision(), rt->scale()});
      ScalarKernel k = [](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
        *out = DecimalKernel(self.State<DecimalArith>(), v, self.type, n);
        return Status::OK();
      };
      return MakeFunction(op, rt, {x, y}, k, st);
    }
  }
  if (c == '/' && common->id() != TypeId::kFloat) common = DataType::Double();
  LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindCast(args[0], common));
  LW_ASSIGN_OR_RETURN(BoundExprPtr y, BindCast(args[1], common));
  ScalarKernel k;
  switch (common->id()) {
    case TypeId::kInt8: k = ArithKernel<IntArith<int8_t>>(c); break;
    case TypeId::kInt16: k = ArithKernel<IntArith<int16_t>>(c); break;
    case TypeId::kInt32: k = ArithKernel<IntArith<int32_t>>(c); break;
    case TypeId::kInt64: k = ArithKernel<IntArith<int64_t>>(c); break;
    case TypeId::kFloat: k = ArithKernel<FloatArith<float>>(c); break;
    default: k = ArithKernel<FloatArith<double>>(c); break;
  }
  return MakeFunction(op, common, {x, y}, k);
}

Result<BoundExprPtr> BindNegate(std::vector<BoundExprPtr> args) {
  LW_RETURN_IF_ERROR(CheckArity("negative", args.size(), 1, 1));
  TypePtr t = args[0]->type;
  if (t->id() == TypeId::kString) t = DataType::Double();
  if (t->id() == TypeId::kNull) t = DataType::Int32();
  if (!IsNumeric(t)) return Status::InvalidArgument("unary - needs a number, got " + args[0]->type->ToString());
  LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindCast(args[0], t));
  ScalarKernel k = [](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
    auto neg = [&](auto tag) {
      using T = decltype(tag);
      FixedReader<T> a(v[0]);
      *out = UnaryLoop<T>(a, self.type, n, [](T x, T* o) {
        if constexpr (std::is_integral_v<T>) {
          *o = WrapOp<T>('-', 0, x);
        } else {
          *o = -x;
        }
        return true;
      });
    };
    switch (self.type->id()) {
      case TypeId::kInt8: neg(int8_t{}); break;
      case TypeId::kInt16: neg(int16_t{}); break;
      case TypeId::kInt32: neg(int32_t{}); break;
      case TypeId::kInt64: neg(int64_t{}); break;
      case TypeId::kFloat: neg(float{}); break;
      case TypeId::kDecimal: neg(__int128{}); break;
      default: neg(double{}); break;
    }
    return Status::OK();
  };
  return MakeFunction("negative", t, {x}, k);
}

// ---- comparison

enum class Cmp { kEq, kNe, kLt, kLe, kGt, kGe, kNullSafeEq };

template <typename T>
inline int Compare3(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    bool an = std::isnan(a), bn = std::isnan(b);
    if (an || bn) return an == bn ? 0 : an ? 1 : -1;  // NaN is the largest, NaN = NaN
  }
  return a < b ? -1 : (b < a ? 1 : 0);
}

inline bool Holds(Cmp op, int c) {
  switch (op) {
    case Cmp::kEq:
    case Cmp::kNullSafeEq: return c == 0;
    case Cmp::kNe: return c != 0;
    case Cmp::kLt: return c < 0;
    case Cmp::kLe: return c <= 0;
    case Cmp::kGt: return c > 0;
    default: return c >= 0;
  }
}

template <typename Reader>
Datum CompareLoop(Cmp op, const Reader& a, const Reader& b, int64_t n) {
  if (op == Cmp::kNullSafeEq) {
    FixedWriter<uint8_t> w(DataType::Boolean(), n);
    for (int64_t i = 0; i < n; ++i) {
      bool va = a.Valid(i), vb = b.Valid(i);
      w.values[i] = (!va || !vb) ? (va == vb) : Compare3(a[i], b[i]) == 0;
    }
    return w.Finish();
  }
  FixedWriter<uint8_t> w(DataType::Boolean(), n);
  const bool no_nulls = (a.is_scalar ? a.scalar_valid : a.validity == nullptr) &&
                        (b.is_scalar ? b.scalar_valid : b.validity == nullptr);
  auto run = [&](auto cmp) {
    if (no_nulls) {
      if (!a.is_scalar && b.is_scalar) {
        auto s = b.scalar;
        for (int64_t i = 0; i < n; ++i) w.values[i] = cmp(a.values[i], s);
      } else {
        for (int64_t i = 0; i < n; ++i) w.values[i] = cmp(a[i], b[i]);
      }
    } else {
      for (int64_t i = 0; i < n; ++i) {
        if (!a.Valid(i) || !b.Valid(i)) {
          w.SetNull(i);
        } else {
          w.values[i] = cmp(a[i], b[i]);
        }
      }
    }
  };
  using T = std::decay_t<decltype(a[0])>;
  switch (op) {
    case Cmp::kEq: run([](T x, T y) { return Compare3(x, y) == 0; }); break;
    case Cmp::kNe: run([](T x, T y) { return Compare3(x, y) != 0; }); break;
    case Cmp::kLt: run([](T x, T y) { return Compare3(x, y) < 0; }); break;
    case Cmp::kLe: run([](T x, T y) { return Compare3(x, y) <= 0; }); break;
    case Cmp::kGt: run([](T x, T y) { return Compare3(x, y) > 0; }); break;
    default: run([](T x, T y) { return Compare3(x, y) >= 0; }); break;
  }
  return w.Finish();
}

// string_view comparison specialisation (Compare3 with operator<)
Datum CompareStrings(Cmp op, const Datum& x, const Datum& y, int64_t n) {
  StringReader a(x), b(y);
  FixedWriter<uint8_t> w(DataType::Boolean(), n);
  for (int64_t i = 0; i < n; ++i) {
    bool va = a.Valid(i), vb = b.Valid(i);
    if (op == Cmp::kNullSafeEq) {
      w.values[i] = (!va || !vb) ? (va == vb) : a[i] == b[i];
      continue;
    }
    if (!va || !vb) {
      w.SetNull(i);
      continue;
    }
    int c = op == Cmp::kEq || op == Cmp::kNe ? (a[i] == b[i] ? 0 : 1) : a[i].compare(b[i]);
    w.values[i] = Holds(op, c < 0 ? -1 : c > 0 ? 1 : 0);
  }
  return w.Finish();
}

Datum CompareNested(Cmp op, const Datum& x, const Datum& y, int64_t n) {
  ColumnPtr a = Materialize(x, n), b = Materialize(y, n);
  FixedWriter<uint8_t> w(DataType::Boolean(), n);
  for (int64_t i = 0; i < n; ++i) {
    bool va = a->IsValid(i), vb = b->IsValid(i);
    if (op == Cmp::kNullSafeEq) {
      w.values[i] = (!va || !vb) ? (va == vb) : a->RowEquals(i, *b, i);
    } else if (!va || !vb) {
      w.SetNull(i);
    } else {
      bool eq = a->RowEquals(i, *b, i);
      w.values[i] = op == Cmp::kEq ? eq : !eq;
    }
  }
  return w.Finish();
}

Result<BoundExprPtr> BindComparison(const std::string& op, std::vector<BoundExprPtr> args) {
  LW_RETURN_IF_ERROR(CheckArity(op, args.size(), 2, 2));
  TypePtr common = CommonType(args[0]->type, args[1]->type);
  if (!common) {
    return Status::InvalidArgument("cannot compare " + args[0]->type->ToString() + " with " +
                                   args[1]->type->ToString() + " (" + op + ")");
  }
  Cmp c = op == "="    ? Cmp::kEq
          : op == "<>" ? Cmp::kNe
          : op == "<"  ? Cmp::kLt
          : op == "<=" ? Cmp::kLe
          : op == ">"  ? Cmp::kGt
          : op == ">=" ? Cmp::kGe
                       : Cmp::kNullSafeEq;
  if (common->is_nested() && c != Cmp::kEq && c != Cmp::kNe && c != Cmp::kNullSafeEq) {
    return Status::InvalidArgument("operator " + op + " does not order " + common->ToString() + " values");
  }
  if (common->id() == TypeId::kNull) common = DataType::Boolean();
  LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindCast(args[0], common));
  LW_ASSIGN_OR_RETURN(BoundExprPtr y, BindCast(args[1], common));
  ScalarKernel k = [c](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
    switch (self.children[0]->type->id()) {
      case TypeId::kBoolean:
      case TypeId::kInt8: *out = CompareLoop(c, FixedReader<int8_t>(v[0]), FixedReader<int8_t>(v[1]), n); break;
      case TypeId::kInt16: *out = CompareLoop(c, FixedReader<int16_t>(v[0]), FixedReader<int16_t>(v[1]), n); break;
      case TypeId::kInt32:
      case TypeId::kDate: *out = CompareLoop(c, FixedReader<int32_t>(v[0]), FixedReader<int32_t>(v[1]), n); break;
      case TypeId::kInt64:
      case TypeId::kTimestamp:
      case TypeId::kTimestampNtz:
      case TypeId::kTime: *out = CompareLoop(c, FixedReader<int64_t>(v[0]), FixedReader<int64_t>(v[1]), n); break;
      case TypeId::kFloat: *out = CompareLoop(c, FixedReader<float>(v[0]), FixedReader<float>(v[1]), n); break;
      case TypeId::kDouble: *out = CompareLoop(c, FixedReader<double>(v[0]), FixedReader<double>(v[1]), n); break;
      case TypeId::kDecimal:
        *out = CompareLoop(c, FixedReader<__int128>(v[0]), FixedReader<__int128>(v[1]), n);
        break;
      case TypeId::kString:
      case TypeId::kBinary: *out = CompareStrings(c, v[0], v[1], n); break;
      default: *out = CompareNested(c, v[0], v[1], n); break;
    }
    return Status::OK();
  };
  return MakeFunction(op, DataType::Boolean(), {x, y}, k);
}

// ---- logic and null tests

Result<BoundExprPtr> BindNot(std::vector<BoundExprPtr> args) {
  LW_RETURN_IF_ERROR(CheckArity("not", args.size(), 1, 1));
  LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindCast(args[0], DataType::Boolean()));
  ScalarKernel k = [](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
    FixedReader<uint8_t> a(v[0]);
    *out = UnaryLoop<uint8_t>(a, self.type, n, [](uint8_t x, uint8_t* o) { return *o = !x, true; });
    return Status::OK();
  };
  return MakeFunction("not", DataType::Boolean(), {x}, k);
}

FunctionBinder NullTest(bool want_null) {
  return [want_null](std::vector<BoundExprPtr> args) -> Result<BoundExprPtr> {
    LW_RETURN_IF_ERROR(CheckArity(want_null ? "isnull" : "isnotnull", args.size(), 1, 1));
    ScalarKernel k = [want_null](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
      FixedWriter<uint8_t> w(DataType::Boolean(), n);
      for (int64_t i = 0; i < n; ++i) w.values[i] = v[0].IsValid(i) != want_null;
      *out = w.Finish();
      return Status::OK();
    };
    return MakeFunction(want_null ? "isnull" : "isnotnull", DataType::Boolean(), std::move(args), k);
  };
}

// x IN (v1, v2, …): true if equal to one; else NULL if x or any v is NULL; else false.
Result<BoundExprPtr> BindIn(std::vector<BoundExprPtr> args) {
  if (args.size() < 2) return Status::InvalidArgument("IN needs at least one value");
  TypePtr common = args[0]->type;
  for (size_t i = 1; i < args.size(); ++i) {
    TypePtr c = CommonType(common, args[i]->type);
    if (!c) {
      return Status::InvalidArgument("IN: cannot compare " + args[0]->type->ToString() + " with " +
                                     args[i]->type->ToString());
    }
    common = c;
  }
  if (common->id() == TypeId::kNull) common = DataType::Boolean();
  std::vector<BoundExprPtr> cast;
  for (auto& a : args) {
    LW_ASSIGN_OR_RETURN(BoundExprPtr c, BindCast(a, common));
    cast.push_back(std::move(c));
  }
  ScalarKernel k = [](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
    FixedWriter<uint8_t> w(DataType::Boolean(), n);
    std::fill(w.values, w.values + n, 0);
    std::vector<uint8_t> saw_null(static_cast<size_t>(n), 0);
    for (int64_t i = 0; i < n; ++i) saw_null[i] = !v[0].IsValid(i);
    for (size_t j = 1; j < v.size(); ++j) {
      Datum eq;
      std::vector<Datum> pair = {v[0], v[j]};
      // Reuse the comparison kernel through a bound "=" of the same type.
      LW_RETURN_IF_ERROR(self.State<BoundExpr>().kernel(self.State<BoundExpr>(), pair, n, &eq));
      FixedReader<uint8_t> r(eq);
      for (int64_t i = 0; i < n; ++i) {
        if (!r.Valid(i)) {
          saw_null[i] = 1;
        } else if (r[i]) {
          w.values[i] = 1;
        }
      }
    }
    for (int64_t i = 0; i < n; ++i) {
      if (!w.values[i] && saw_null[i]) w.SetNull(i);
    }
    *out = w.Finish();
    return Status::OK();
  };
  // The "=" kernel for the common type, bound on two column references.
  LW_ASSIGN_OR_RETURN(BoundExprPtr eq, BindComparison("=", {MakeColumnRef(0, common), MakeColumnRef(1, common)}));
  return MakeFunction("in", DataType::Boolean(), std::move(cast), k, eq);
}

// ---- LIKE / ILIKE / RLIKE

struct LikeMatcher {
  enum class Kind { kExact, kPrefix, kSuffix, kContains, kRegex } kind = Kind::kRegex;
  std::string needle;
  std::unique_ptr<RE2> re;
  bool fold_case = false;
};

// Translates a LIKE pattern into the fast forms or an RE2 regular expression.
std::shared_ptr<LikeMatcher> CompileLike(const std::string& pattern, char escape, bool ilike, Status* st) {
  auto m = std::make_shared<LikeMatcher>();
  m->fold_case = ilike;
  // Split into literal pieces and wildcards.
  std::string lit;
  std::string regex = "(?s)";
  if (ilike) regex += "(?i)";
  bool has_underscore = false;
  std::vector<std::string> pieces;  // literal pieces between % (when no _)
  int percents_at_start = 0, percents_at_end = 0;
  std::string cur;
  bool any_literal = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == escape) {
      if (i + 1 >= pattern.size()) {
        *st = Status::InvalidArgument("LIKE pattern '" + pattern + "' ends with the escape character");
        return nullptr;
      }
      char nx = pattern[++i];
      cur.push_back(nx);
      regex += RE2::QuoteMeta(std::string(1, nx));
      any_literal = true;
    } else if (c == '%') {
      if (!any_literal && pieces.empty() && cur.empty()) ++percents_at_start;
      pieces.push_back(cur);
      cur.clear();
      regex += ".*";
    } else if (c == '_') {
      has_underscore = true;
      regex += ".";
      cur.push_back('?');
    } else {
      cur.push_back(c);
      regex += RE2::QuoteMeta(std::string(1, c));
      any_literal = true;
    }
  }
  pieces.push_back(cur);
  (void)percents_at_end;
  // Fast paths when there is no '_': exact, prefix%, %suffix, %contains%.
  if (!has_underscore && !ilike) {
    std::vector<std::string> nonempty;
    for (auto& p : pieces) nonempty.push_back(p);
    size_t np = pieces.size();
    if (np == 1) {
      m->kind = LikeMatcher::Kind::kExact;
      m->needle = pieces[0];
      return m;
    }
    if (np == 2 && pieces[1].empty()) {
      m->kind = LikeMatcher::Kind::kPrefix;
      m->needle = pieces[0];
      return m;
    }
    if (np == 2 && pieces[0].empty()) {
      m->kind = LikeMatcher::Kind::kSuffix;
      m->needle = pieces[1];
      return m;
    }
    if (np == 3 && pieces[0].empty() && pieces[2].empty()) {
      m->kind = LikeMatcher::Kind::kContains;
      m->needle = pieces[1];
      return m;
    }
  }
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_dot_nl(true);
  m->re = std::make_unique<RE2>(regex, opts);
  if (!m->re->ok()) {
    *st = Status::InvalidArgument("LIKE pattern '" + pattern + "': " + m->re->error());
    return nullptr;
  }
  return m;
}

bool LikeMatches(const LikeMatcher& m, std::string_view s) {
  switch (m.kind) {
    case LikeMatcher::Kind::kExact: return s == m.needle;
    case LikeMatcher::Kind::kPrefix: return s.substr(0, m.needle.size()) == m.needle;
    case LikeMatcher::Kind::kSuffix:
      return s.size() >= m.needle.size() && s.substr(s.size() - m.needle.size()) == m.needle;
    case LikeMatcher::Kind::kContains:
      return m.needle.empty() || memmem(s.data(), s.size(), m.needle.data(), m.needle.size()) != nullptr;
    default: return RE2::FullMatch(re2::StringPiece(s.data(), s.size()), *m.re);
  }
}

struct RegexState {
  std::unique_ptr<RE2> re;
};

Status PatternError(const std::string& fn) {
  return Status::InvalidArgument(fn + ": the pattern must be a constant string");
}

FunctionBinder LikeBinder(const std::string& kind) {
  return [kind](std::vector<BoundExprPtr> args) -> Result<BoundExprPtr> {
    if (args.size() != 2 && args.size() != 3) return Status::InvalidArgument(kind + " takes a value and a pattern");
    LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindCast(args[0], DataType::String()));
    LW_ASSIGN_OR_RETURN(BoundExprPtr p, BindCast(args[1], DataType::String()));
    if (!p->IsConstant()) return PatternError(kind);
    if (!p->value.valid) return MakeConstant(Scalar::Null(DataType::Boolean()));
    if (kind == "rlike") {
      auto st = std::make_shared<RegexState>();
      RE2::Options opts;
      opts.set_log_errors(false);
      st->re = std::make_unique<RE2>(p->value.str, opts);
      if (!st->re->ok()) {
        return Status::InvalidArgument("RLIKE: bad regular expression '" + p->value.str + "': " + st->re->error());
      }
      ScalarKernel k = [](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
        const RE2& re = *self.State<RegexState>().re;
        StringReader a(v[0]);
        FixedWriter<uint8_t> w(DataType::Boolean(), n);
        for (int64_t i = 0; i < n; ++i) {
          if (!a.Valid(i)) {
            w.SetNull(i);
          } else {
            std::string_view s = a[i];
            w.values[i] = RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), re);
          }
        }
        *out = w.Finish();
        return Status::OK();
      };
      return MakeFunction("rlike", DataType::Boolean(), {x, p}, k, st);
    }
    char escape = '\\';
    if (args.size() == 3) {
      if (!args[2]->IsConstant() || args[2]->value.str.size() != 1) {
        return Status::InvalidArgument("LIKE: ESCAPE must be one character");
      }
      escape = args[2]->value.str[0];
    }
    Status st;
    auto m = CompileLike(p->value.str, escape, kind == "ilike", &st);
    if (!st.ok()) return st;
    ScalarKernel k = [](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
      const LikeMatcher& m = self.State<LikeMatcher>();
      StringReader a(v[0]);
      FixedWriter<uint8_t> w(DataType::Boolean(), n);
      for (int64_t i = 0; i < n; ++i) {
        if (!a.Valid(i)) {
          w.SetNull(i);
        } else {
          w.values[i] = LikeMatches(m, a[i]);
        }
      }
      *out = w.Finish();
      return Status::OK();
    };
    return MakeFunction(kind, DataType::Boolean(), {x, p}, k, m);
  };
}

// ---- ||, bitwise, conditionals

Result<BoundExprPtr> BindConcatOp(std::vector<BoundExprPtr> args) {
  return BindFunction("concat", std::move(args));
}

Result<BoundExprPtr> BindBitwise(const std::string& op, std::vector<BoundExprPtr> args) {
  for (auto& a : args) {
    if (!IsIntegral(a->type) && a->type->id() != TypeId::kNull) {
      return Status::InvalidArgument("operator " + op + " needs integers, got " + a->type->ToString());
    }
  }
  TypePtr common = args.size() == 2 ? CommonType(args[0]->type, args[1]->type) : args[0]->type;
  if (common->id() == TypeId::kNull) common = DataType::Int32();
  std::vector<BoundExprPtr> cast;
  for (auto& a : args) {
    LW_ASSIGN_OR_RETURN(BoundExprPtr c, BindCast(a, DataType::Int64()));
    cast.push_back(std::move(c));
  }
  const char c = op[0];
  ScalarKernel k = [c](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
    FixedReader<int64_t> a(v[0]);
    Datum wide;
    if (c == '~') {
      wide = UnaryLoop<int64_t>(a, DataType::Int64(), n, [](int64_t x, int64_t* o) { return *o = ~x, true; });
    } else {
      FixedReader<int64_t> b(v[1]);
      wide = BinaryLoop<int64_t, int64_t, int64_t>(a, b, DataType::Int64(), n, [c](int64_t x, int64_t y, int64_t* o) {
        *o = c == '&' ? (x & y) : c == '|' ? (x | y) : (x ^ y);
        return true;
      });
    }
    *out = Datum(CastColumn(*wide.column, self.type));
    return Status::OK();
  };
  return MakeFunction(op, common, std::move(cast), k);
}

// Picks per row between two values of one type by a boolean (if / nullif).
Datum SelectRows(const TypePtr& type, const std::vector<int8_t>& pick, const Datum& a, const Datum& b, int64_t n) {
  auto col = Column::Make(type);
  col->Reserve(n);
  for (int64_t i = 0; i < n; ++i) {
    if (pick[i] < 0) {
      col->AppendNull();
      continue;
    }
    const Datum& d = pick[i] ? a : b;
    if (d.is_scalar()) {
      AppendScalar(col.get(), d.scalar);
    } else {
      col->AppendFrom(*d.column, i);
    }
  }
  return Datum(std::move(col));
}

Result<BoundExprPtr> BindIf(std::vector<BoundExprPtr> args) {
  LW_RETURN_IF_ERROR(CheckArity("if", args.size(), 3, 3));
  LW_ASSIGN_OR_RETURN(BoundExprPtr c, BindCast(args[0], DataType::Boolean()));
  TypePtr t = CommonType(args[1]->type, args[2]->type);
  if (!t) {
    return Status::InvalidArgument("if(): the two values have different types (" + args[1]->type->ToString() +
                                   ", " + args[2]->type->ToString() + ")");
  }
  LW_ASSIGN_OR_RETURN(BoundExprPtr a, BindCast(args[1], t));
  LW_ASSIGN_OR_RETURN(BoundExprPtr b, BindCast(args[2], t));
  ScalarKernel k = [](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
    std::vector<int8_t> pick(static_cast<size_t>(n));
    FixedReader<uint8_t> cond(v[0]);
    for (int64_t i = 0; i < n; ++i) pick[i] = cond.Valid(i) && cond[i] ? 1 : 0;
    *out = SelectRows(self.type, pick, v[1], v[2], n);
    return Status::OK();
  };
  return MakeFunction("if", t, {c, a, b}, k);
}

Result<BoundExprPtr> BindNullIf(std::vector<BoundExprPtr> args) {
  LW_RETURN_IF_ERROR(CheckArity("nullif", args.size(), 2, 2));
  LW_ASSIGN_OR_RETURN(BoundExprPtr eq, BindComparison("=", {args[0], args[1]}));
  TypePtr t = args[0]->type;
  ScalarKernel k = [](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
    std::vector<int8_t> pick(static_cast<size_t>(n));
    FixedReader<uint8_t> e(v[1]);
    for (int64_t i = 0; i < n; ++i) pick[i] = e.Valid(i) && e[i] ? -1 : 1;
    *out = SelectRows(self.type, pick, v[0], v[0], n);
    return Status::OK();
  };
  return MakeFunction("nullif", t, {args[0], eq}, k);
}

}  // namespace

void RegisterOperators(FunctionTable* t) {
  for (const char* op : {"+", "-", "*", "/", "%", "div"}) {
    std::string o = op;
    t->Add(o, [o](std::vector<BoundExprPtr> a) { return BindArithmetic(o, std::move(a)); });
  }
  t->Add("mod", [](std::vector<BoundExprPtr> a) { return BindArithmetic("%", std::move(a)); });
  t->Add("pmod", [](std::vector<BoundExprPtr> a) -> Result<BoundExprPtr> {
    // pmod(a, b) = ((a % b) + b) % b
    LW_RETURN_IF_ERROR(CheckArity("pmod", a.size(), 2, 2));
    LW_ASSIGN_OR_RETURN(BoundExprPtr m, BindArithmetic("%", {a[0], a[1]}));
    LW_ASSIGN_OR_RETURN(BoundExprPtr p, BindArithmetic("+", {m, a[1]}));
    return BindArithmetic("%", {p, a[1]});
  });
  t->Add("negative", BindNegate);
  t->Add("positive", [](std::vector<BoundExprPtr> a) -> Result<BoundExprPtr> {
    LW_RETURN_IF_ERROR(CheckArity("positive", a.size(), 1, 1));
    return a[0];
  });
  for (const char* op : {"=", "<>", "<", "<=", ">", ">=", "<=>"}) {
    std::string o = op;
    t->Add(o, [o](std::vector<BoundExprPtr> a) { return BindComparison(o, std::move(a)); });
  }
  t->Add("not", BindNot);
  t->Add("isnull", NullTest(true));
  t->Add("isnotnull", NullTest(false));
  t->Add("in", BindIn);
  t->Add("like", LikeBinder("like"));
  t->Add("ilike", LikeBinder("ilike"));
  t->Add("rlike", LikeBinder("rlike"));
  t->Add("regexp", LikeBinder("rlike"));
  t->Add("regexp_like", LikeBinder("rlike"));
  t->Add("||", BindConcatOp);
  for (const char* op : {"&", "|", "^", "~"}) {
    std::string o = op;
    t->Add(o, [o](std::vector<BoundExprPtr> a) { return BindBitwise(o, std::move(a)); });
  }
  t->Add("if", BindIf);
  t->Add("iff", BindIf);
  t->Add("nullif", BindNullIf);
}

}  // namespace lakewatch::sql
