// Math functions (Spark semantics): abs, round/bround (HALF_UP / HALF_EVEN on
// the decimal value, as Spark rounds doubles through BigDecimal), floor,
// ceil (bigint results for doubles), ln/log/log10/log2 (NULL outside the
// domain), exp, sqrt, pow/power, sign, cbrt, trigonometry, greatest, least
// (NULLs skipped), pi, e.
#include <algorithm>
#include <charconv>
#include <cmath>

#include "common/decimal.h"
#include "sql/function/cast.h"
#include "sql/function/function_registry.h"
#include "sql/function/kernel_util.h"

namespace lakewatch::sql {

namespace {

Status NeedNumber(const std::string& name, const TypePtr& t) {
  if (IsNumeric(t) || t->id() == TypeId::kNull || t->id() == TypeId::kString) return Status::OK();
  return Status::InvalidArgument(name + "() needs a number, got " + t->ToString());
}

// A double → double function; f returns false for NULL.
FunctionBinder DoubleFn(const std::string& name, std::function<bool(double, double*)> f) {
  return [name, f](std::vector<BoundExprPtr> args) -> Result<BoundExprPtr> {
    LW_RETURN_IF_ERROR(CheckArity(name, args.size(), 1, 1));
    LW_RETURN_IF_ERROR(NeedNumber(name, args[0]->type));
    LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindCast(args[0], DataType::Double()));
    ScalarKernel k = [f](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
      FixedReader<double> a(v[0]);
      *out = UnaryLoop<double>(a, self.type, n, f);
      return Status::OK();
    };
    return MakeFunction(name, DataType::Double(), {x}, k);
  };
}

// Rounds v to `d` decimal places the way java.math.BigDecimal does on the
// double's shortest decimal text (HALF_UP or HALF_EVEN).
double RoundDouble(double v, int d, bool half_even) {
  if (!std::isfinite(v)) return v;
  std::string txt;
  AppendJavaDouble(v, &txt);
  // Parse the Java text into digits and an exponent.
  bool neg = false;
  size_t i = 0;
  if (txt[0] == '-') {
    neg = true;
    i = 1;
  }
  std::string digits;
  int exp10 = 0, frac = 0;
  bool dot = false;
  for (; i < txt.size(); ++i) {
    char c = txt[i];
    if (c == '.') {
      dot = true;
    } else if (c == 'E') {
      exp10 = std::atoi(txt.c_str() + i + 1);
      break;
    } else {
      digits.push_back(c);
      if (dot) ++frac;
    }
  }
  int scale = frac - exp10;  // value = digits * 10^-scale
  if (scale <= d) return v;
  int drop = scale - d;
  if (drop > static_cast<int>(digits.size())) return 0.0;
  std::string keep = digits.substr(0, digits.size() - static_cast<size_t>(drop));
  std::string rest = digits.substr(digits.size() - static_cast<size_t>(drop));
  bool up = false;
  if (rest[0] > '5') {
    up = true;
  } else if (rest[0] == '5') {
    bool tail = rest.find_first_not_of('0', 1) != std::string::npos;
    if (tail || !half_even) {
      up = true;
    } else {
      up = !keep.empty() && (keep.back() - '0') % 2 == 1;
    }
  }
  // keep + (up ? 1 : 0), then * 10^-d
  if (keep.empty()) keep = "0";
  if (up) {
    int k = static_cast<int>(keep.size()) - 1;
    while (k >= 0) {
      if (keep[k] == '9') {
        keep[k] = '0';
        --k;
      } else {
        ++keep[k];
        break;
      }
    }
    if (k < 0) keep.insert(keep.begin(), '1');
  }
  std::string out = (neg ? "-" : "") + keep + "e" + std::to_string(-d);
  double r = std::strtod(out.c_str(), nullptr);
  return r == 0 ? 0.0 : r;  // BigDecimal has no negative zero
}

// v at `from_scale` rounded to `to_scale` digits (negative: left of the
// point), still at `from_scale`; false when that does not fit an int128.
bool RoundDecimal(__int128 v, int from_scale, int to_scale, bool half_even, __int128* out) {
  if (to_scale >= from_scale) {
    *out = v;
    return true;
  }
  if (from_scale - to_scale > kMaxDecimalDigits) {
    *out = 0;  // |v| < 1.7 * 10^38 is under half of 10^39
    return true;
  }
  __int128 div = Pow10(from_scale - to_scale);
  __int128 q = v / div, r = v % div;
  __int128 ar = r < 0 ? -r : r;
  bool up = ar > div - ar || (ar == div - ar && (!half_even || (q % 2 != 0)));
  if (up) q += v < 0 ? -1 : 1;
  return !__builtin_mul_overflow(q, div, out);
}

Result<BoundExprPtr> BindRound(const std::string& name, bool half_even, std::vector<BoundExprPtr> args) {
  LW_RETURN_IF_ERROR(CheckArity(name, args.size(), 1, 2));
  LW_RETURN_IF_ERROR(NeedNumber(name, args[0]->type));
  int d = 0;
  if (args.size() == 2) {
    if (!args[1]->IsConstant() || !IsIntegral(args[1]->type)) {
      return Status::InvalidArgument(name + "(): the scale must be a constant integer");
    }
    // Past ±400 digits every double and decimal rounds the same (to itself
    // or to 0); clamping keeps the digit arithmetic below within int.
    d = static_cast<int>(std::clamp<int64_t>(args[1]->value.i64, -400, 400));
  }
  TypePtr t = args[0]->type->id() == TypeId::kString ? DataType::Double() : args[0]->type;
  if (t->id() == TypeId::kNull) t = DataType::Int32();
  LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindCast(args[0], t));
  if (t->id() == TypeId::kDecimal) {
    int s = t->scale(), p = t->precision();
    int ns = std::min(std::max(d, 0), s);
    TypePtr rt = DataType::Decimal(std::min(38, p - s + ns + 1), ns);
    ScalarKernel k = [d, s, ns, half_even](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
      FixedReader<__int128> a(v[0]);
      *out = UnaryLoop<__int128>(a, self.type, n, [&](__int128 x, __int128* o) {
        __int128 r;
        if (!RoundDecimal(x, s, d, half_even, &r)) return false;
        *o = r / Pow10(s - ns);
        return FitsPrecision(*o, self.type->precision());  // round(9.9, 0) can gain a digit
      });
      return Status::OK();
    };
    return MakeFunction(name, rt, {x}, k);
  }
  if (IsIntegral(t)) {
    LW_ASSIGN_OR_RETURN(BoundExprPtr w, BindCast(x, DataType::Int64()));
    ScalarKernel k = [d, half_even](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
      FixedReader<int64_t> a(v[0]);
      Datum wide = UnaryLoop<int64_t>(a, DataType::Int64(), n, [&](int64_t x, int64_t* o) {
        if (d >= 0) {
          *o = x;
          return true;
        }
        __int128 r;
        if (!RoundDecimal(x, 0, d, half_even, &r)) return false;
        *o = static_cast<int64_t>(r);  // wraps past the long range, as Spark's longValue does
        return true;
      });
      *out = Datum(CastColumn(*wide.column, self.type));
      return Status::OK();
    };
    return MakeFunction(name, t, {w}, k);
  }
  LW_ASSIGN_OR_RETURN(BoundExprPtr dx, BindCast(x, DataType::Double()));
  ScalarKernel k = [d, half_even](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
    FixedReader<double> a(v[0]);
    *out = UnaryLoop<double>(a, self.type, n, [&](double x, double* o) {
      *o = RoundDouble(x, d, half_even);
      return true;
    });
    return Status::OK();
  };
  return MakeFunction(name, DataType::Double(), {dx}, k);
}

Result<BoundExprPtr> BindFloorCeil(bool ceil, std::vector<BoundExprPtr> args) {
  const std::string name = ceil ? "ceil" : "floor";
  LW_RETURN_IF_ERROR(CheckArity(name, args.size(), 1, 1));
  LW_RETURN_IF_ERROR(NeedNumber(name, args[0]->type));
  TypePtr t = args[0]->type;
  if (IsIntegral(t)) return BindCast(args[0], DataType::Int64());
  if (t->id() == TypeId::kDecimal) {
    int s = t->scale();
    TypePtr rt = DataType::Decimal(std::min(38, t->precision() - s + 1), 0);
    ScalarKernel k = [s, ceil](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
      FixedReader<__int128> a(v[0]);
      *out = UnaryLoop<__int128>(a, self.type, n, [&](__int128 x, __int128* o) {
        __int128 d = Pow10(s), q = x / d, r = x % d;
        if (r != 0 && ((r > 0) == ceil)) q += ceil ? 1 : -1;
        *o = q;
        return true;
      });
      return Status::OK();
    };
    return MakeFunction(name, rt, {args[0]}, k);
  }
  LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindCast(args[0], DataType::Double()));
  ScalarKernel k = [ceil](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
    FixedReader<double> a(v[0]);
    *out = UnaryLoop<int64_t>(a, self.type, n, [&](double x, int64_t* o) {
      double r = ceil ? std::ceil(x) : std::floor(x);
      if (std::isnan(r)) {
        *o = 0;
      } else if (r >= 9.2233720368547758e18) {
        *o = INT64_MAX;
      } else if (r <= -9.2233720368547758e18) {
        *o = INT64_MIN;
      } else {
        *o = static_cast<int64_t>(r);
      }
      return true;
    });
    return Status::OK();
  };
  return MakeFunction(name, DataType::Int64(), {x}, k);
}

Result<BoundExprPtr> BindAbs(std::vector<BoundExprPtr> args) {
  LW_RETURN_IF_ERROR(CheckArity("abs", args.size(), 1, 1));
  LW_RETURN_IF_ERROR(NeedNumber("abs", args[0]->type));
  TypePtr t = args[0]->type->id() == TypeId::kString ? DataType::Double() : args[0]->type;
  if (t->id() == TypeId::kNull) t = DataType::Int32();
  LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindCast(args[0], t));
  ScalarKernel k = [](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
    auto run = [&](auto tag) {
      using T = decltype(tag);
      FixedReader<T> a(v[0]);
      *out = UnaryLoop<T>(a, self.type, n, [](T x, T* o) {
        if constexpr (std::is_floating_point_v<T>) {
          *o = std::fabs(x);
        } else {
          *o = x < 0 ? static_cast<T>(0 - static_cast<std::make_unsigned_t<T>>(x)) : x;  // wraps at MIN
        }
        return true;
      });
    };
    switch (self.type->id()) {
      case TypeId::kInt8: run(int8_t{}); break;
      case TypeId::kInt16: run(int16_t{}); break;
      case TypeId::kInt32: run(int32_t{}); break;
      case TypeId::kInt64: run(int64_t{}); break;
      case TypeId::kFloat: run(float{}); break;
      case TypeId::kDecimal: {
        FixedReader<__int128> a(v[0]);
        *out = UnaryLoop<__int128>(a, self.type, n, [](__int128 x, __int128* o) { return *o = x < 0 ? -x : x, true; });
        break;
      }
      default: run(double{}); break;
    }
    return Status::OK();
  };
  return MakeFunction("abs", t, {x}, k);
}

Result<BoundExprPtr> BindPow(std::vector<BoundExprPtr> args) {
  LW_RETURN_IF_ERROR(CheckArity("pow", args.size(), 2, 2));
  LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindCast(args[0], DataType::Double()));
  LW_ASSIGN_OR_RETURN(BoundExprPtr y, BindCast(args[1], DataType::Double()));
  ScalarKernel k = [](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
    FixedReader<double> a(v[0]), b(v[1]);
    *out = BinaryLoop<double, double, double>(a, b, self.type, n, [](double x, double y, double* o) {
      *o = std::pow(x, y);
      return true;
    });
    return Status::OK();
  };
  return MakeFunction("pow", DataType::Double(), {x, y}, k);
}

Result<BoundExprPtr> BindLog(std::vector<BoundExprPtr> args) {
  // log(x) = ln(x); log(base, x)
  LW_RETURN_IF_ERROR(CheckArity("log", args.size(), 1, 2));
  if (args.size() == 1) return BindFunction("ln", std::move(args));
  LW_ASSIGN_OR_RETURN(BoundExprPtr b, BindCast(args[0], DataType::Double()));
  LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindCast(args[1], DataType::Double()));
  ScalarKernel k = [](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
    FixedReader<double> a(v[0]), c(v[1]);
    *out = BinaryLoop<double, double, double>(a, c, self.type, n, [](double base, double x, double* o) {
      if (base <= 0 || x <= 0) return false;
      *o = std::log(x) / std::log(base);
      return true;
    });
    return Status::OK();
  };
  return MakeFunction("log", DataType::Double(), {b, x}, k);
}

// greatest/least: the largest/smallest non-NULL argument.
Result<BoundExprPtr> BindExtreme(bool greatest, std::vector<BoundExprPtr> args) {
  const std::string name = greatest ? "greatest" : "least";
  if (args.size() < 2) return Status::InvalidArgument(name + "() needs at least two arguments");
  TypePtr t = args[0]->type;
  for (size_t i = 1; i < args.size(); ++i) {
    TypePtr c = CommonType(t, args[i]->type);
    if (!c) return Status::InvalidArgument(name + "(): arguments of different types (" + t->ToString() + ", " + args[i]->type->ToString() + ")");
    t = c;
  }
  std::vector<BoundExprPtr> cast;
  for (auto& a : args) {
    LW_ASSIGN_OR_RETURN(BoundExprPtr c, BindCast(a, t));
    cast.push_back(std::move(c));
  }
  LW_ASSIGN_OR_RETURN(BoundExprPtr gt, BindFunction(greatest ? ">" : "<", {MakeColumnRef(0, t), MakeColumnRef(1, t)}));
  ScalarKernel k = [](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
    const BoundExpr& better = self.State<BoundExpr>();
    Datum best = v[0];
    for (size_t j = 1; j < v.size(); ++j) {
      Datum cmp;
      LW_RETURN_IF_ERROR(better.kernel(better, {v[j], best}, n, &cmp));
      ColumnPtr cur = Materialize(best, n), cand = Materialize(v[j], n);
      FixedReader<uint8_t> c(cmp);
      auto col = Column::Make(self.type);
      col->Reserve(n);
      for (int64_t i = 0; i < n; ++i) {
        bool take = cand->IsValid(i) && (!cur->IsValid(i) || (c.Valid(i) && c[i]));
        col->AppendFrom(take ? *cand : *cur, i);
      }
      best = Datum(std::move(col));
    }
    *out = best;
    return Status::OK();
  };
  return MakeFunction(name, t, std::move(cast), k, gt);
}

}  // namespace

void RegisterMathFunctions(FunctionTable* t) {
  t->Add("abs", BindAbs);
  t->Add("round", [](std::vector<BoundExprPtr> a) { return BindRound("round", false, std::move(a)); });
  t->Add("bround", [](std::vector<BoundExprPtr> a) { return BindRound("bround", true, std::move(a)); });
  t->Add("floor", [](std::vector<BoundExprPtr> a) { return BindFloorCeil(false, std::move(a)); });
  t->Add("ceil", [](std::vector<BoundExprPtr> a) { return BindFloorCeil(true, std::move(a)); });
  t->Add("ceiling", [](std::vector<BoundExprPtr> a) { return BindFloorCeil(true, std::move(a)); });
  auto positive_log = [](double (*f)(double)) {
    return [f](double x, double* o) {
      if (x <= 0) return false;
      *o = f(x);
      return true;
    };
  };
  t->Add("ln", DoubleFn("ln", positive_log(std::log)));
  t->Add("log10", DoubleFn("log10", positive_log(std::log10)));
  t->Add("log2", DoubleFn("log2", positive_log(std::log2)));
  t->Add("log1p", DoubleFn("log1p", [](double x, double* o) {
    if (x <= -1) return false;
    *o = std::log1p(x);
    return true;
  }));
  t->Add("log", BindLog);
  auto plain = [](double (*f)(double)) { return [f](double x, double* o) { return *o = f(x), true; }; };
  t->Add("exp", DoubleFn("exp", plain(std::exp)));
  t->Add("expm1", DoubleFn("expm1", plain(std::expm1)));
  t->Add("sqrt", DoubleFn("sqrt", plain(std::sqrt)));
  t->Add("cbrt", DoubleFn("cbrt", plain(std::cbrt)));
  t->Add("sin", DoubleFn("sin", plain(std::sin)));
  t->Add("cos", DoubleFn("cos", plain(std::cos)));
  t->Add("tan", DoubleFn("tan", plain(std::tan)));
  t->Add("asin", DoubleFn("asin", plain(std::asin)));
  t->Add("acos", DoubleFn("acos", plain(std::acos)));
  t->Add("atan", DoubleFn("atan", plain(std::atan)));
  t->Add("degrees", DoubleFn("degrees", [](double x, double* o) { return *o = x * 180.0 / M_PI, true; }));
  t->Add("radians", DoubleFn("radians", [](double x, double* o) { return *o = x * M_PI / 180.0, true; }));
  auto sign = DoubleFn("sign", [](double x, double* o) {
    *o = std::isnan(x) ? x : (x > 0) - (x < 0);
    return true;
  });
  t->Add("sign", sign);
  t->Add("signum", sign);
  t->Add("pow", BindPow);
  t->Add("power", BindPow);
  t->Add("greatest", [](std::vector<BoundExprPtr> a) { return BindExtreme(true, std::move(a)); });
  t->Add("least", [](std::vector<BoundExprPtr> a) { return BindExtreme(false, std::move(a)); });
  t->Add("pi", [](std::vector<BoundExprPtr> a) -> Result<BoundExprPtr> {
    LW_RETURN_IF_ERROR(CheckArity("pi", a.size(), 0, 0));
    return MakeConstant(Scalar::Double(M_PI));
  });
  t->Add("e", [](std::vector<BoundExprPtr> a) -> Result<BoundExprPtr> {
    LW_RETURN_IF_ERROR(CheckArity("e", a.size(), 0, 0));
    return MakeConstant(Scalar::Double(M_E));
  });
}

}  // namespace lakewatch::sql
