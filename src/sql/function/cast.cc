#include "sql/function/cast.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "common/json_format.h"
#include "common/time.h"

namespace lakewatch::sql {

namespace {

bool IsIntegral(TypeId t) {
  return t == TypeId::kInt8 || t == TypeId::kInt16 || t == TypeId::kInt32 || t == TypeId::kInt64;
}
bool IsNumeric(TypeId t) {
  return IsIntegral(t) || t == TypeId::kFloat || t == TypeId::kDouble || t == TypeId::kDecimal;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Integer text as Spark reads it: [+-]digits[.digits] (the fraction is dropped).
bool ParseIntegral(std::string_view s, int64_t lo, int64_t hi, int64_t* out) {
  s = Trim(s);
  if (s.empty()) return false;
  bool neg = false;
  size_t i = 0;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    ++i;
  }
  if (i >= s.size()) return false;
  __int128 v = 0;
  size_t digits = 0;
  for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i, ++digits) {
    v = v * 10 + (s[i] - '0');
    if (v > (static_cast<__int128>(1) << 64)) return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t frac = 0;
    for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i) ++frac;
    if (digits == 0 && frac == 0) return false;
  } else if (digits == 0) {
    return false;
  }
  if (i != s.size()) return false;
  if (neg) v = -v;
  if (v < lo || v > hi) return false;
  *out = static_cast<int64_t>(v);
  return true;
}

bool ParseDouble(std::string_view s, double* out) {
  s = Trim(s);
  if (s.empty()) return false;
  std::string t(s);
  // Java accepts a trailing d/D/f/F.
  if (!t.empty() && (t.back() == 'd' || t.back() == 'D' || t.back() == 'f' || t.back() == 'F')) t.pop_back();
  std::string low;
  for (char c : t) low.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (low == "nan") {
    *out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (low == "infinity" || low == "+infinity" || low == "inf" || low == "+inf") {
    *out = std::numeric_limits<double>::infinity();
    return true;
  }
  if (low == "-infinity" || low == "-inf") {
    *out = -std::numeric_limits<double>::infinity();
    return true;
  }
  for (char c : low) {
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == 'e' || c == '+' || c == '-')) return false;
  }
  const char* b = t.c_str();
  char* e = nullptr;
  *out = std::strtod(b, &e);
  return e == b + t.size() && e != b;
}

// Decimal text → unscaled value at `scale`, rounding half up; false if it
// does not fit `precision`.
bool ParseDecimal(std::string_view s, int precision, int scale, __int128* out) {
  s = Trim(s);
  if (s.empty()) return false;
  bool neg = false;
  size_t i = 0;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    ++i;
  }
  __int128 v = 0;
  int frac = 0, digits = 0;
  bool dot = false, round_up = false;
  int exp10 = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.' && !dot) {
      dot = true;
      continue;
    }
    if (c == 'e' || c == 'E') {
      int64_t e = 0;
      if (!ParseIntegral(s.substr(i + 1), -1000, 1000, &e)) return false;
      exp10 = static_cast<int>(e);
      i = s.size();
      break;
    }
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    ++digits;
    if (dot) {
      if (frac >= scale) {
        if (frac == scale) round_up = c >= '5';
        ++frac;
        continue;
      }
      ++frac;
    }
    if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, c - '0', &v) || v > Pow10(kMaxDecimalDigits)) {
      return false;
    }
  }
  if (digits == 0) return false;
  int have = std::min(frac, scale);
  if (exp10 != 0) {
    // Rare: scientific notation; go through double.
    double d = 0;
    if (!ParseDouble(s, &d)) return false;
    long double scaled = static_cast<long double>(d) * std::pow(10.0L, scale);
    if (std::fabs(scaled) >= 1e38L) return false;
    v = static_cast<__int128>(std::llroundl(scaled));
    if (std::fabs(scaled) > 9e18L) v = static_cast<__int128>(scaled >= 0 ? scaled + 0.5L : scaled - 0.5L);
    *out = v;
    return FitsPrecision(v, precision);
  }
  if (!ScaleUp(v, scale - have, &v)) return false;
  if (round_up) v += 1;  // only when digits were cut at `scale`: v <= 10^38 here
  if (neg) v = -v;
  if (!FitsPrecision(v, precision)) return false;
  *out = v;
  return true;
}

bool ParseBool(std::string_view s, bool* out) {
  s = Trim(s);
  std::string low;
  for (char c : s) low.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (low == "t" || low == "true" || low == "y" || low == "yes" || low == "1") {
    *out = true;
    return true;
  }
  if (low == "f" || low == "false" || low == "n" || low == "no" || low == "0") {
    *out = false;
    return true;
  }
  return false;
}

int ReadDigits(std::string_view s, size_t* i, int max_digits, int* value) {
  int n = 0;
  *value = 0;
  while (*i < s.size() && n < max_digits && std::isdigit(static_cast<unsigned char>(s[*i]))) {
    *value = *value * 10 + (s[*i] - '0');
    ++*i;
    ++n;
  }
  return n;
}

// Parses "yyyy[-m[m][-d[d]]]" at s[*i]; leaves *i after it.
bool ParseDatePart(std::string_view s, size_t* i, int64_t* days) {
  int y = 0, m = 1, d = 1;
  int n = ReadDigits(s, i, 6, &y);
  if (n < 4) return false;
  if (*i < s.size() && s[*i] == '-') {
    ++*i;
    if (ReadDigits(s, i, 2, &m) == 0) return false;
    if (*i < s.size() && s[*i] == '-') {
      ++*i;
      if (ReadDigits(s, i, 2, &d) == 0) return false;
    }
  }
  if (m < 1 || m > 12 || d < 1) return false;
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > kDays[m - 1] || (m == 2 && d == 29 && !leap)) return false;
  *days = DaysFromCivil(y, m, d);
  return true;
}

void AppendPadded(int64_t v, int width, std::string* out) {
  std::string s = std::to_string(v);
  for (int k = static_cast<int>(s.size()); k < width; ++k) out->push_back('0');
  *out += s;
}

template <typename T>
ColumnPtr NumericToNumeric(const Column& src, const TypePtr& to) {
  auto out = Column::Make(to);
  out->validity = src.validity;
  const int64_t n = src.length;
  const T* in = src.values<T>();
  switch (to->id()) {
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64: {
      // Java narrowing: floats truncate toward zero and saturate; NaN → 0; ints wrap.
      auto conv = [](T v) -> int64_t {
        if constexpr (std::is_floating_point_v<T>) {
          if (std::isnan(v)) return 0;
          if (v >= 9.2233720368547758e18) return INT64_MAX;
          if (v <= -9.2233720368547758e18) return INT64_MIN;
          return static_cast<int64_t>(v);
        } else {
          return static_cast<int64_t>(v);
        }
      };
      if (to->id() == TypeId::kInt64) {
        out->data.Resize(8 * n);
        int64_t* o = out->mutable_values<int64_t>();
        for (int64_t i = 0; i < n; ++i) o[i] = conv(in[i]);
      } else if (to->id() == TypeId::kInt32) {
        out->data.Resize(4 * n);
        int32_t* o = out->mutable_values<int32_t>();
        for (int64_t i = 0; i < n; ++i) {
          if constexpr (std::is_floating_point_v<T>) {
            double v = in[i];
            o[i] = std::isnan(v) ? 0 : v >= 2147483647.0 ? INT32_MAX : v <= -2147483648.0 ? INT32_MIN
                                                                                         : static_cast<int32_t>(v);
          } else {
            o[i] = static_cast<int32_t>(in[i]);
          }
        }
      } else if (to->id() == TypeId::kInt16) {
        out->data.Resize(2 * n);
        int16_t* o = out->mutable_values<int16_t>();
        for (int64_t i = 0; i < n; ++i) o[i] = static_cast<int16_t>(static_cast<int32_t>(conv(in[i])));
      } else {
        out->data.Resize(n);
        int8_t* o = out->mutable_values<int8_t>();
        for (int64_t i = 0; i < n; ++i) o[i] = static_cast<int8_t>(static_cast<int32_t>(conv(in[i])));
      }
      break;
    }
    case TypeId::kFloat: {
      out->data.Resize(4 * n);
      float* o = out->mutable_values<float>();
      for (int64_t i = 0; i < n; ++i) o[i] = static_cast<float>(in[i]);
      break;
    }
    case TypeId::kDouble: {
      out->data.Resize(8 * n);
      double* o = out->mutable_values<double>();
      for (int64_t i = 0; i < n; ++i) o[i] = static_cast<double>(in[i]);
      break;
    }
    default: break;
  }
  out->length = n;
  return out;
}

}  // namespace

bool ParseSparkDate(std::string_view s, int32_t* days) {
  s = Trim(s);
  size_t i = 0;
  int64_t d = 0;
  if (!ParseDatePart(s, &i, &d)) return false;
  // Anything after a 'T' or a space is allowed (a time part), as Spark does.
  if (i < s.size() && s[i] != 'T' && s[i] != ' ') return false;
  *days = static_cast<int32_t>(d);
  return true;
}

bool ParseSparkTimestamp(std::string_view s, int64_t* micros) {
  s = Trim(s);
  size_t i = 0;
  int64_t days = 0;
  if (!ParseDatePart(s, &i, &days)) return false;
  // Years beyond what microseconds since 1970 can hold (±292,277) are not timestamps.
  if (days > INT64_MAX / kMicrosPerDay - 1 || days < INT64_MIN / kMicrosPerDay + 1) return false;
  int64_t us = days * kMicrosPerDay;
  if (i < s.size() && (s[i] == 'T' || s[i] == ' ')) {
    ++i;
    int h = 0, mi = 0, sec = 0;
    if (ReadDigits(s, &i, 2, &h) == 0) return false;
    if (i < s.size() && s[i] == ':') {
      ++i;
      if (ReadDigits(s, &i, 2, &mi) == 0) return false;
      if (i < s.size() && s[i] == ':') {
        ++i;
        if (ReadDigits(s, &i, 2, &sec) == 0) return false;
        if (i < s.size() && s[i] == '.') {
          ++i;
          int64_t frac = 0;
          int nd = 0;
          while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
            if (nd < 6) {
              frac = frac * 10 + (s[i] - '0');
              ++nd;
            }
            ++i;
          }
          for (; nd < 6; ++nd) frac *= 10;
          us += frac;
        }
      }
    }
    if (h > 23 || mi > 59 || sec > 59) return false;
    us += (h * 3600LL + mi * 60LL + sec) * kMicrosPerSecond;
  }
  // Zone: Z, UTC, +hh[:mm], -hh[:mm].
  while (i < s.size() && s[i] == ' ') ++i;
  if (i < s.size()) {
    std::string_view z = s.substr(i);
    if (z == "Z" || z == "UTC" || z == "GMT") return *micros = us, true;
    if (z[0] == '+' || z[0] == '-') {
      int sign = z[0] == '-' ? -1 : 1;
      size_t k = 1;
      int hh = 0, mm = 0;
      if (ReadDigits(z, &k, 2, &hh) == 0) return false;
      if (k < z.size() && z[k] == ':') ++k;
      ReadDigits(z, &k, 2, &mm);
      if (k != z.size() || hh > 18 || mm > 59) return false;
      us -= sign * (hh * 3600LL + mm * 60LL) * kMicrosPerSecond;
      *micros = us;
      return true;
    }
    return false;
  }
  *micros = us;
  return true;
}

void AppendJavaDouble(double v, std::string* out) {
  if (std::isnan(v)) {
    *out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    *out += v > 0 ? "Infinity" : "-Infinity";
    return;
  }
  if (v == 0) {
    *out += std::signbit(v) ? "-0.0" : "0.0";
    return;
  }
  // Shortest round-trip digits, then Java's layout.
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  std::string sci(buf, r.ptr);  // d.ddde[+-]xx
  bool neg = sci[0] == '-';
  if (neg) sci.erase(0, 1);
  size_t epos = sci.find('e');
  std::string mant = sci.substr(0, epos);
  int exp = std::atoi(sci.c_str() + epos + 1);
  std::string digits;
  for (char c : mant) {
    if (c != '.') digits.push_back(c);
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  if (neg) out->push_back('-');
  double a = std::fabs(v);
  if (a >= 1e-3 && a < 1e7) {
    if (exp >= 0) {
      std::string ip = digits.substr(0, std::min<size_t>(digits.size(), static_cast<size_t>(exp) + 1));
      while (ip.size() < static_cast<size_t>(exp) + 1) ip.push_back('0');
      std::string fp = digits.size() > static_cast<size_t>(exp) + 1 ? digits.substr(static_cast<size_t>(exp) + 1) : "0";
      *out += ip + "." + fp;
    } else {
      *out += "0.";
      for (int k = 0; k < -exp - 1; ++k) out->push_back('0');
      *out += digits;
    }
  } else {
    *out += digits.substr(0, 1);
    *out += ".";
    *out += digits.size() > 1 ? digits.substr(1) : "0";
    *out += "E" + std::to_string(exp);
  }
}

namespace {

// Inside arrays, maps and structs Spark prints NULL as "null".
void AppendNestedValueText(const Column& col, int64_t row, std::string* out) {
  if (col.IsNull(row)) {
    *out += "null";
  } else {
    AppendValueText(col, row, out);
  }
}

}  // namespace

void AppendValueText(const Column& col, int64_t row, std::string* out) {
  if (col.IsNull(row)) {
    *out += "NULL";
    return;
  }
  switch (col.type->id()) {
    case TypeId::kNull: *out += "NULL"; return;
    case TypeId::kBoolean: *out += col.Value<uint8_t>(row) ? "true" : "false"; return;
    case TypeId::kInt8: *out += std::to_string(col.Value<int8_t>(row)); return;
    case TypeId::kInt16: *out += std::to_string(col.Value<int16_t>(row)); return;
    case TypeId::kInt32: *out += std::to_string(col.Value<int32_t>(row)); return;
    case TypeId::kInt64: *out += std::to_string(col.Value<int64_t>(row)); return;
    case TypeId::kFloat: {
      // Java's Float.toString uses the shortest float digits.
      float f = col.Value<float>(row);
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof(buf), f);
      double back = std::strtod(std::string(buf, r.ptr).c_str(), nullptr);
      AppendJavaDouble(back, out);
      return;
    }
    case TypeId::kDouble: AppendJavaDouble(col.Value<double>(row), out); return;
    case TypeId::kDecimal: AppendDecimal(col.Value<__int128>(row), col.type->scale(), out); return;
    case TypeId::kDate: AppendDate(col.Value<int32_t>(row), out); return;
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz: {
      int64_t us = col.Value<int64_t>(row);
      int64_t days = FloorDiv(us, kMicrosPerDay);
      int64_t rem = us - days * kMicrosPerDay;
      AppendDate(days, out);
      out->push_back(' ');
      int64_t secs = rem / kMicrosPerSecond, frac = rem % kMicrosPerSecond;
      AppendPadded(secs / 3600, 2, out);
      out->push_back(':');
      AppendPadded(secs / 60 % 60, 2, out);
      out->push_back(':');
      AppendPadded(secs % 60, 2, out);
      if (frac != 0) {
        std::string f;
        AppendPadded(frac, 6, &f);
        while (!f.empty() && f.back() == '0') f.pop_back();
        *out += "." + f;
      }
      return;
    }
    case TypeId::kTime: AppendTimeOfDay(col.Value<int64_t>(row), out); return;
    case TypeId::kString:
    case TypeId::kBinary: *out += col.GetString(row); return;
    case TypeId::kList: {
      out->push_back('[');
      for (int64_t k = col.ListBegin(row); k < col.ListEnd(row); ++k) {
        if (k > col.ListBegin(row)) *out += ", ";
        AppendNestedValueText(*col.children[0], k, out);
      }
      out->push_back(']');
      return;
    }
    case TypeId::kMap: {
      out->push_back('{');
      for (int64_t k = col.ListBegin(row); k < col.ListEnd(row); ++k) {
        if (k > col.ListBegin(row)) *out += ", ";
        AppendValueText(*col.children[0], k, out);
        *out += " -> ";
        AppendNestedValueText(*col.children[1], k, out);
      }
      out->push_back('}');
      return;
    }
    case TypeId::kStruct: {
      out->push_back('{');
      for (size_t c = 0; c < col.children.size(); ++c) {
        if (c) *out += ", ";
        AppendNestedValueText(*col.children[c], row, out);
      }
      out->push_back('}');
      return;
    }
  }
}

bool CanCast(const DataType& from, const DataType& to) {
  TypeId f = from.id(), t = to.id();
  if (from.Equals(to) || f == TypeId::kNull) return true;
  if (t == TypeId::kString) return true;
  if (f == TypeId::kString) return !to.is_nested();
  if (IsNumeric(f) || f == TypeId::kBoolean) {
    return IsNumeric(t) || t == TypeId::kBoolean || t == TypeId::kTimestamp;
  }
  if (f == TypeId::kDate) return t == TypeId::kTimestamp || t == TypeId::kTimestampNtz;
  if (f == TypeId::kTimestamp || f == TypeId::kTimestampNtz) {
    return t == TypeId::kDate || t == TypeId::kTimestamp || t == TypeId::kTimestampNtz || IsIntegral(t) ||
           t == TypeId::kDouble || t == TypeId::kFloat;
  }
  if (f == TypeId::kBinary) return t == TypeId::kBinary;
  if (f == TypeId::kList && t == TypeId::kList) return CanCast(*from.field(0).type, *to.field(0).type);
  if (f == TypeId::kMap && t == TypeId::kMap) {
    return CanCast(*from.field(0).type, *to.field(0).type) && CanCast(*from.field(1).type, *to.field(1).type);
  }
  if (f == TypeId::kStruct && t == TypeId::kStruct && from.num_fields() == to.num_fields()) {
    for (size_t i = 0; i < from.num_fields(); ++i) {
      if (!CanCast(*from.field(i).type, *to.field(i).type)) return false;
    }
    return true;
  }
  return false;
}

Scalar CastScalar(const Scalar& v, const TypePtr& to) {
  if (!v.valid) return Scalar::Null(to);
  auto col = Column::Make(v.type);
  AppendScalar(col.get(), v);
  ColumnPtr out = CastColumn(*col, to);
  Scalar s = Scalar::FromColumn(*out, 0);
  s.type = to;
  return s;
}

ColumnPtr CastColumn(const Column& src, const TypePtr& to) {
  const TypeId f = src.type->id(), t = to->id();
  const int64_t n = src.length;
  if (src.type->Equals(*to)) {
    auto out = std::make_shared<Column>(src);
    out->type = to;
    return out;
  }
  if (f == TypeId::kNull) return MakeNullColumn(to, n);
  // Fast numeric paths.
  if ((IsIntegral(f) || f == TypeId::kFloat || f == TypeId::kDouble) &&
      (IsIntegral(t) || t == TypeId::kFloat || t == TypeId::kDouble)) {
    switch (f) {
      case TypeId::kInt8: return NumericToNumeric<int8_t>(src, to);
      case TypeId::kInt16: return NumericToNumeric<int16_t>(src, to);
      case TypeId::kInt32: return NumericToNumeric<int32_t>(src, to);
      case TypeId::kInt64: return NumericToNumeric<int64_t>(src, to);
      case TypeId::kFloat: return NumericToNumeric<float>(src, to);
      default: return NumericToNumeric<double>(src, to);
    }
  }
  if (t == TypeId::kList || t == TypeId::kMap || t == TypeId::kStruct) {
    auto out = Column::Make(to);
    out->validity = src.validity;
    out->offsets = src.offsets;
    out->length = n;
    out->children.clear();
    for (size_t c = 0; c < src.children.size(); ++c) {
      out->children.push_back(CastColumn(*src.children[c], to->field(c).type));
    }
    return out;
  }
  if ((f == TypeId::kTimestamp || f == TypeId::kTimestampNtz) && t == TypeId::kDate) {  // the day (UTC)
    auto out = Column::Make(to);
    out->validity = src.validity;
    out->data.Resize(4 * n);
    const int64_t* in = src.values<int64_t>();
    int32_t* o = out->mutable_values<int32_t>();
    for (int64_t i = 0; i < n; ++i) o[i] = static_cast<int32_t>(FloorDiv(in[i], kMicrosPerDay));
    out->length = n;
    return out;
  }
  auto out = Column::Make(to);
  out->Reserve(n);
  std::string text;
  // One value at a time. `in` and `r` are reused: no per-row copy of the
  // shared type (its reference count is shared by every thread).
  Scalar in = Scalar::Null(src.type), r = Scalar::Null(to);
  for (int64_t i = 0; i < n; ++i) {
    if (src.IsNull(i)) {
      out->AppendNull();
      continue;
    }
    if (t == TypeId::kString) {
      text.clear();
      AppendValueText(src, i, &text);
      out->AppendString(text);
      continue;
    }
    in.Load(src, i);
    r.valid = false;
    r.i64 = 0;
    r.f64 = 0;
    r.i128 = 0;
    r.str.clear();
    auto set_i = [&](int64_t v) {
      r.valid = true;
      r.i64 = v;
    };
    auto set_f = [&](double v) {
      r.valid = true;
      r.f64 = v;
    };
    // The source as a number: integral sources in i64, others in f64 / i128.
    switch (t) {
      case TypeId::kBoolean:
        if (f == TypeId::kString) {
          bool b;
          if (ParseBool(in.str, &b)) set_i(b);
        } else if (IsIntegral(f)) {
          set_i(in.i64 != 0);
        } else if (f == TypeId::kFloat || f == TypeId::kDouble) {
          set_i(in.f64 != 0);
        } else if (f == TypeId::kDecimal) {
          set_i(in.i128 != 0);
        }
        break;
      case TypeId::kInt8:
      case TypeId::kInt16:
      case TypeId::kInt32:
      case TypeId::kInt64: {
        int64_t lo = t == TypeId::kInt8 ? INT8_MIN : t == TypeId::kInt16 ? INT16_MIN : t == TypeId::kInt32 ? INT32_MIN : INT64_MIN;
        int64_t hi = t == TypeId::kInt8 ? INT8_MAX : t == TypeId::kInt16 ? INT16_MAX : t == TypeId::kInt32 ? INT32_MAX : INT64_MAX;
        if (f == TypeId::kString) {
          int64_t v;
          if (ParseIntegral(in.str, lo, hi, &v)) set_i(v);
        } else if (f == TypeId::kBoolean) {
          set_i(in.i64);
        } else if (f == TypeId::kDecimal) {
          __int128 v = in.i128 / Pow10(src.type->scale());
          if (v >= lo && v <= hi) set_i(static_cast<int64_t>(v));
        } else if (f == TypeId::kTimestamp || f == TypeId::kTimestampNtz) {
          int64_t secs = FloorDiv(in.i64, kMicrosPerSecond);
          if (secs >= lo && secs <= hi) set_i(secs);
        }
        break;
      }
      case TypeId::kFloat:
      case TypeId::kDouble:
        if (f == TypeId::kString) {
          double d;
          if (ParseDouble(in.str, &d)) set_f(t == TypeId::kFloat ? static_cast<float>(d) : d);
        } else if (f == TypeId::kBoolean) {
          set_f(static_cast<double>(in.i64));
        } else if (f == TypeId::kDecimal) {
          set_f(static_cast<double>(static_cast<long double>(in.i128) / static_cast<long double>(Pow10(src.type->scale()))));
        } else if (f == TypeId::kTimestamp || f == TypeId::kTimestampNtz) {
          set_f(static_cast<double>(in.i64) / 1e6);
        }
        break;
      case TypeId::kDecimal: {
        int p = to->precision(), s = to->scale();
        __int128 v = 0;
        bool ok = false;
        if (f == TypeId::kString) {
          ok = ParseDecimal(in.str, p, s, &v);
        } else if (IsIntegral(f) || f == TypeId::kBoolean) {
          ok = ScaleUp(in.i64, s, &v);
        } else if (f == TypeId::kFloat || f == TypeId::kDouble) {
          if (std::isfinite(in.f64)) {
            std::string txt;
            AppendJavaDouble(in.f64, &txt);
            ok = ParseDecimal(txt, p, s, &v);
          }
        } else if (f == TypeId::kDecimal) {
          ok = Rescale(in.i128, src.type->scale(), s, &v);  // half up (away from zero)
        }
        if (ok && FitsPrecision(v, p)) {
          r.valid = true;
          r.i128 = v;
        }
        break;
      }
      case TypeId::kDate:
        if (f == TypeId::kString) {
          int32_t d;
          if (ParseSparkDate(in.str, &d)) set_i(d);
        } else if (f == TypeId::kTimestamp || f == TypeId::kTimestampNtz) {
          set_i(FloorDiv(in.i64, kMicrosPerDay));
        }
        break;
      case TypeId::kTimestamp:
      case TypeId::kTimestampNtz:
        if (f == TypeId::kString) {
          int64_t us;
          if (ParseSparkTimestamp(in.str, &us)) set_i(us);
        } else if (f == TypeId::kDate) {
          set_i(in.i64 * kMicrosPerDay);
        } else if (f == TypeId::kTimestamp || f == TypeId::kTimestampNtz) {
          set_i(in.i64);
        } else if (IsIntegral(f) || f == TypeId::kBoolean) {
          __int128 us = static_cast<__int128>(in.i64) * kMicrosPerSecond;
          if (us <= INT64_MAX && us >= INT64_MIN) set_i(static_cast<int64_t>(us));
        } else if (f == TypeId::kFloat || f == TypeId::kDouble) {
          if (std::isfinite(in.f64) && std::fabs(in.f64) < 9.2e12) set_i(static_cast<int64_t>(in.f64 * 1e6));
        } else if (f == TypeId::kDecimal) {
          long double secs = static_cast<long double>(in.i128) / static_cast<long double>(Pow10(src.type->scale()));
          if (std::fabs(secs) < 9.2e12L) set_i(static_cast<int64_t>(secs * 1e6L));
        }
        break;
      case TypeId::kBinary:
        if (f == TypeId::kString) {
          r.valid = true;
          r.str = in.str;
        }
        break;
      default: break;
    }
    AppendScalar(out.get(), r);
  }
  return out;
}

}  // namespace lakewatch::sql
