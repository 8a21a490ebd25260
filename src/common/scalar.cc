#include "common/scalar.h"

#include <cmath>
#include <cstring>

#include "common/decimal.h"
#include "common/json_format.h"
#include "common/time.h"

namespace lakewatch {

Scalar Scalar::Double(double v) {
  Scalar s;
  s.type = DataType::Double();
  s.valid = true;
  s.f64 = v;
  return s;
}

Scalar Scalar::Float(float v) {
  Scalar s = Double(v);
  s.type = DataType::Float();
  return s;
}

Scalar Scalar::String(std::string v) {
  Scalar s;
  s.type = DataType::String();
  s.valid = true;
  s.str = std::move(v);
  return s;
}

Scalar Scalar::Binary(std::string v) {
  Scalar s = String(std::move(v));
  s.type = DataType::Binary();
  return s;
}

Scalar Scalar::Decimal(__int128 unscaled, int precision, int scale) {
  Scalar s;
  s.type = DataType::Decimal(precision, scale);
  s.valid = true;
  s.i128 = unscaled;
  return s;
}

Scalar Scalar::FromColumn(const Column& col, int64_t row) {
  Scalar s;
  s.type = col.type;
  s.Load(col, row);
  return s;
}

void Scalar::Load(const Column& col, int64_t row) {
  valid = !col.IsNull(row);
  if (!valid) return;
  switch (col.type->id()) {
    case TypeId::kBoolean: i64 = col.Value<uint8_t>(row); break;
    case TypeId::kInt8: i64 = col.Value<int8_t>(row); break;
    case TypeId::kInt16: i64 = col.Value<int16_t>(row); break;
    case TypeId::kInt32:
    case TypeId::kDate: i64 = col.Value<int32_t>(row); break;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
    case TypeId::kTime: i64 = col.Value<int64_t>(row); break;
    case TypeId::kFloat: f64 = col.Value<float>(row); break;
    case TypeId::kDouble: f64 = col.Value<double>(row); break;
    case TypeId::kDecimal: i128 = col.Value<__int128>(row); break;
    case TypeId::kString:
    case TypeId::kBinary: str.assign(col.GetString(row)); break;
    default: valid = false; break;
  }
}

void AppendScalar(Column* c, const Scalar& value) {
  if (!value.valid) {
    c->AppendNull();
    return;
  }
  switch (c->type->id()) {
    case TypeId::kBoolean: c->Append<uint8_t>(value.i64 != 0); break;
    case TypeId::kInt8: c->Append<int8_t>(static_cast<int8_t>(value.i64)); break;
    case TypeId::kInt16: c->Append<int16_t>(static_cast<int16_t>(value.i64)); break;
    case TypeId::kInt32:
    case TypeId::kDate: c->Append<int32_t>(static_cast<int32_t>(value.i64)); break;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
    case TypeId::kTime: c->Append<int64_t>(value.i64); break;
    case TypeId::kFloat: c->Append<float>(static_cast<float>(value.f64)); break;
    case TypeId::kDouble: c->Append<double>(value.f64); break;
    case TypeId::kDecimal: c->Append<__int128>(value.i128); break;
    case TypeId::kString:
    case TypeId::kBinary: c->AppendString(value.str); break;
    default: c->AppendNull(); break;
  }
}

ColumnPtr MakeNullColumn(const TypePtr& type, int64_t n) {
  auto c = Column::Make(type);
  c->Reserve(n);
  for (int64_t i = 0; i < n; ++i) c->AppendNull();
  return c;
}

ColumnPtr MakeConstantColumn(const Scalar& value, const TypePtr& type, int64_t n) {
  if (!value.valid || type->is_nested() || type->id() == TypeId::kNull) return MakeNullColumn(type, n);
  auto c = Column::Make(type);
  c->Reserve(n);
  if (type->is_binary_like()) {
    c->data.Reserve(value.str.size() * static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) c->AppendString(value.str);
    return c;
  }
  AppendScalar(c.get(), value);
  size_t w = static_cast<size_t>(type->byte_width());
  c->data.Resize(w * static_cast<size_t>(n));
  for (int64_t i = 1; i < n; ++i) std::memcpy(c->data.data() + w * i, c->data.data(), w);
  c->length = n;
  return c;
}

std::string Scalar::ToString() const {
  if (!valid) return "NULL";
  std::string out;
  switch (type->id()) {
    case TypeId::kBoolean: return i64 ? "true" : "false";
    case TypeId::kFloat:
    case TypeId::kDouble: AppendDouble(f64, &out); return out;
    case TypeId::kDecimal: AppendDecimal(i128, type->scale(), &out); return out;
    case TypeId::kDate: return FormatDate(i64);
    case TypeId::kTimestamp: return FormatTimestampMicros(i64);
    case TypeId::kTimestampNtz: return FormatTimestampMicros(i64, false);
    case TypeId::kTime: {
      std::string t;
      AppendTimeOfDay(i64, &t);
      return t;
    }
    case TypeId::kString: return "'" + str + "'";
    case TypeId::kBinary: AppendBase64(str, &out); return "X'" + out + "'";
    default: return std::to_string(i64);
  }
}

namespace {

enum class Family { kNumeric, kBytes, kDate, kTimestamp, kTimestampNtz, kTime, kBoolean, kOther };

Family FamilyOf(TypeId id) {
  switch (id) {
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kFloat:
    case TypeId::kDouble:
    case TypeId::kDecimal: return Family::kNumeric;
    case TypeId::kString:
    case TypeId::kBinary: return Family::kBytes;
    case TypeId::kDate: return Family::kDate;
    case TypeId::kTimestamp: return Family::kTimestamp;
    case TypeId::kTimestampNtz: return Family::kTimestampNtz;
    case TypeId::kTime: return Family::kTime;
    case TypeId::kBoolean: return Family::kBoolean;
    default: return Family::kOther;
  }
}

bool IsInteger(TypeId id) {
  return id == TypeId::kInt8 || id == TypeId::kInt16 || id == TypeId::kInt32 || id == TypeId::kInt64;
}

template <typename T>
int Cmp(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

}  // namespace

int CompareScalars(const Scalar& a, const Scalar& b, bool* comparable) {
  *comparable = true;
  const TypeId ta = a.type->id(), tb = b.type->id();
  Family fa = FamilyOf(ta), fb = FamilyOf(tb);
  if (fa != fb || fa == Family::kOther) {
    *comparable = false;
    return 0;
  }
  if (fa == Family::kBytes) {
    size_t n = std::min(a.str.size(), b.str.size());
    int c = std::memcmp(a.str.data(), b.str.data(), n);
    if (c != 0) return c < 0 ? -1 : 1;
    return Cmp(a.str.size(), b.str.size());
  }
  if (fa != Family::kNumeric) return Cmp(a.i64, b.i64);
  if (IsInteger(ta) && IsInteger(tb)) return Cmp(a.i64, b.i64);
  bool fa_float = ta == TypeId::kFloat || ta == TypeId::kDouble;
  bool fb_float = tb == TypeId::kFloat || tb == TypeId::kDouble;
  if (ta == TypeId::kDecimal && tb == TypeId::kDecimal) {
    return CompareDecimals(a.i128, a.type->scale(), b.i128, b.type->scale());
  }
  if ((ta == TypeId::kDecimal && IsInteger(tb)) || (IsInteger(ta) && tb == TypeId::kDecimal)) {
    // An integer is a decimal at scale 0.
    return ta == TypeId::kDecimal ? CompareDecimals(a.i128, a.type->scale(), b.i64, 0)
                                  : CompareDecimals(a.i64, 0, b.i128, b.type->scale());
  }
  auto as_double = [](const Scalar& s, TypeId t, bool is_float) -> double {
    if (is_float) return s.f64;
    if (t == TypeId::kDecimal) return static_cast<double>(s.i128) / std::pow(10.0, s.type->scale());
    return static_cast<double>(s.i64);
  };
  double x = as_double(a, ta, fa_float), y = as_double(b, tb, fb_float);
  if (std::isnan(x) || std::isnan(y)) {
    *comparable = false;
    return 0;
  }
  return Cmp(x, y);
}

}  // namespace lakewatch
