// Spark schema JSON, partition value text and per-file stats JSON (see
// schema_json.h).
//
// Forms read and written here (PROTOCOL.md "Schema Serialization Format",
// "Partition Value Serialization", "Per-file Statistics"):
//
//   schemaString  {"type":"struct","fields":[{"name":"a","type":"long",
//                  "nullable":true,"metadata":{}},{"name":"m","type":{"type":
//                  "map","keyType":"string","valueType":"decimal(10,2)",
//                  "valueContainsNull":true},"nullable":true,"metadata":{}}]}
//   partition     "" | "2021-09-08" | "2021-09-08 11:11:11[.123456]" |
//                 "2024-01-01T10:00:00.000000Z" | "-12.50" | "true" | "abc"
//   stats         {"numRecords":3,"minValues":{"a":1,"s":{"t":"2025-11-24T16:00:00.123Z"}},
//                  "maxValues":{...},"nullCount":{"a":0,"s":{"t":1}},"tightBounds":true}
//
// JSON is read with simdjson On-Demand from a padded copy of the text; keys
// are looked up in any order (find_field_unordered) so hand-written schemas
// parse as well as Spark's.
#include "delta/schema_json.h"

#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <unordered_set>

#include "common/json_format.h"
#include "common/time.h"

namespace lakewatch::delta {

namespace {

namespace od = simdjson::ondemand;

// ---------------------------------------------------------------------------
// Text scanning shared by partition values and stats.

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// Reads exactly `n` digits at s[*pos].
bool ReadDigits(std::string_view s, size_t* pos, int n, int* out) {
  if (*pos + n > s.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    const char c = s[*pos + i];
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

int DaysInMonth(int64_t year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2) {
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return leap ? 29 : 28;
  }
  return kDays[month - 1];
}

// [+-]?YYYY[Y...]-MM-DD at s[*pos]; advances *pos.
bool ParseDateAt(std::string_view s, size_t* pos, int64_t* days) {
  size_t p = *pos;
  bool negative = false;
  if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
    negative = s[p] == '-';
    ++p;
  }
  const size_t year_start = p;
  int64_t year = 0;
  while (p < s.size() && IsDigit(s[p]) && p - year_start < 9) {
    year = year * 10 + (s[p] - '0');
    ++p;
  }
  if (p - year_start < 4) return false;
  if (negative) year = -year;
  int month, day;
  if (p >= s.size() || s[p] != '-') return false;
  ++p;
  if (!ReadDigits(s, &p, 2, &month) || month < 1 || month > 12) return false;
  if (p >= s.size() || s[p] != '-') return false;
  ++p;
  if (!ReadDigits(s, &p, 2, &day) || day < 1 || day > DaysInMonth(year, month)) return false;
  *days = DaysFromCivil(year, month, day);
  *pos = p;
  return true;
}

bool ParseDateText(std::string_view s, int64_t* days) {
  size_t pos = 0;
  return ParseDateAt(s, &pos, days) && pos == s.size();
}

struct TimestampText {
  int64_t micros = 0;  // UTC when has_zone, else wall clock
  bool has_zone = false;
  bool exact = true;  // false when non-zero digits beyond microseconds were dropped
};

// YYYY-MM-DD[(T|' ')HH:MM[:SS[.f{1,9}]][Z|(+|-)HH[[:]MM]]]. A zone needs a
// time part. Sub-microsecond digits are truncated toward the past.
bool ParseTimestampText(std::string_view s, TimestampText* out) {
  size_t p = 0;
  int64_t days;
  if (!ParseDateAt(s, &p, &days)) return false;
  int64_t micros_of_day = 0;
  bool exact = true;
  bool has_zone = false;
  int64_t offset_seconds = 0;
  if (p < s.size()) {
    if (s[p] != 'T' && s[p] != 't' && s[p] != ' ') return false;
    ++p;
    int hour, minute, second = 0;
    if (!ReadDigits(s, &p, 2, &hour) || hour > 23) return false;
    if (p >= s.size() || s[p] != ':') return false;
    ++p;
    if (!ReadDigits(s, &p, 2, &minute) || minute > 59) return false;
    if (p < s.size() && s[p] == ':') {
      ++p;
      if (!ReadDigits(s, &p, 2, &second) || second > 59) return false;
      if (p < s.size() && s[p] == '.') {
        ++p;
        int64_t frac = 0;
        int n = 0;
        while (p < s.size() && IsDigit(s[p])) {
          if (n < 6) {
            frac = frac * 10 + (s[p] - '0');
          } else if (s[p] != '0') {
            exact = false;
          }
          ++n;
          ++p;
        }
        if (n == 0 || n > 9) return false;
        for (int i = n; i < 6; ++i) frac *= 10;
        micros_of_day += frac;
      }
    }
    micros_of_day += (hour * 3600LL + minute * 60LL + second) * kMicrosPerSecond;
    if (p < s.size()) {
      has_zone = true;
      if (s[p] == 'Z' || s[p] == 'z') {
        ++p;
      } else if (s[p] == '+' || s[p] == '-') {
        const int sign = s[p] == '-' ? -1 : 1;
        ++p;
        int oh, om = 0;
        if (!ReadDigits(s, &p, 2, &oh) || oh > 18) return false;
        if (p < s.size() && s[p] == ':') ++p;
        if (p < s.size() && !ReadDigits(s, &p, 2, &om)) return false;
        if (om > 59) return false;
        offset_seconds = sign * (oh * 3600LL + om * 60LL);
      } else {
        return false;
      }
    }
  }
  if (p != s.size()) return false;
  out->micros = days * kMicrosPerDay + micros_of_day - offset_seconds * kMicrosPerSecond;
  out->has_zone = has_zone;
  out->exact = exact;
  return true;
}

// Integer text: [+-]?digits, nothing else.
bool ParseIntText(std::string_view s, int64_t* out) {
  if (!s.empty() && s.front() == '+') {
    s.remove_prefix(1);
    if (s.empty() || !IsDigit(s.front())) return false;
  }
  if (s.empty()) return false;
  auto res = std::from_chars(s.data(), s.data() + s.size(), *out);
  return res.ec == std::errc() && res.ptr == s.data() + s.size();
}

// Decimal floating text as Java and JSON write it, incl. NaN/Infinity.
bool ParseDoubleText(std::string_view s, double* out) {
  if (s == "NaN") {
    *out = std::nan("");
    return true;
  }
  if (s == "Infinity" || s == "+Infinity") {
    *out = HUGE_VAL;
    return true;
  }
  if (s == "-Infinity") {
    *out = -HUGE_VAL;
    return true;
  }
  if (!s.empty() && s.front() == '+') {
    s.remove_prefix(1);
    if (s.empty() || s.front() == '-') return false;
  }
  if (s.empty() || !(IsDigit(s.front()) || s.front() == '-' || s.front() == '.')) return false;
  auto res = std::from_chars(s.data(), s.data() + s.size(), *out);
  return res.ec == std::errc() && res.ptr == s.data() + s.size() && std::isfinite(*out);
}

// Decimal text ([+-]?digits[.digits][(e|E)[+-]?digits]) to the unscaled value
// at `scale`. Fails (with *why) when the value needs more fractional digits
// than `scale` or more than `precision` digits.
bool ParseDecimalText(std::string_view s, int precision, int scale, __int128* out,
                      std::string* why) {
  size_t p = 0;
  bool negative = false;
  if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
    negative = s[p] == '-';
    ++p;
  }
  std::string digits;  // significant digits, leading zeros dropped
  int64_t frac_digits = 0;
  bool any_digit = false;
  bool seen_dot = false;
  for (; p < s.size(); ++p) {
    const char c = s[p];
    if (IsDigit(c)) {
      any_digit = true;
      if (seen_dot) ++frac_digits;
      if (!digits.empty() || c != '0') digits.push_back(c);
      if (digits.size() > 80) {
        *why = "too many digits";
        return false;
      }
    } else if (c == '.' && !seen_dot) {
      seen_dot = true;
    } else {
      break;
    }
  }
  if (!any_digit) {
    *why = "not a number";
    return false;
  }
  int64_t exponent = 0;
  if (p < s.size() && (s[p] == 'e' || s[p] == 'E')) {
    ++p;
    int64_t e;
    size_t start = p;
    if (p < s.size() && (s[p] == '+' || s[p] == '-')) ++p;
    while (p < s.size() && IsDigit(s[p])) ++p;
    if (!ParseIntText(s.substr(start, p - start), &e) || e > 10000 || e < -10000) {
      *why = "bad exponent";
      return false;
    }
    exponent = e;
  }
  if (p != s.size()) {
    *why = "not a number";
    return false;
  }
  const int64_t shift = exponent - frac_digits + scale;
  if (!digits.empty()) {
    if (shift < 0) {
      const size_t drop = static_cast<size_t>(-shift);
      if (drop >= digits.size()) {
        *why = "has more fractional digits than scale " + std::to_string(scale);
        return false;
      }
      for (size_t i = digits.size() - drop; i < digits.size(); ++i) {
        if (digits[i] != '0') {
          *why = "has more fractional digits than scale " + std::to_string(scale);
          return false;
        }
      }
      digits.resize(digits.size() - drop);
    } else {
      if (shift > 40) {
        *why = "exceeds precision " + std::to_string(precision);
        return false;
      }
      digits.append(static_cast<size_t>(shift), '0');
    }
    if (digits.size() > static_cast<size_t>(precision)) {
      *why = "exceeds precision " + std::to_string(precision);
      return false;
    }
  }
  __int128 v = 0;
  for (const char c : digits) v = v * 10 + (c - '0');
  *out = negative ? -v : v;
  return true;
}

Scalar MakeIntegral(const TypePtr& type, int64_t v) {
  Scalar s;
  s.type = type;
  s.valid = true;
  s.i64 = v;
  return s;
}

bool IntegralRange(TypeId id, int64_t v) {
  switch (id) {
    case TypeId::kInt8:
      return v >= INT8_MIN && v <= INT8_MAX;
    case TypeId::kInt16:
      return v >= INT16_MIN && v <= INT16_MAX;
    case TypeId::kInt32:
      return v >= INT32_MIN && v <= INT32_MAX;
    default:
      return true;
  }
}

bool IsIntegral(TypeId id) {
  return id == TypeId::kInt8 || id == TypeId::kInt16 || id == TypeId::kInt32 ||
         id == TypeId::kInt64;
}

void AppendInt(int64_t v, std::string* out) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, static_cast<size_t>(res.ptr - buf));
}

// Shortest round-trip text of a float or double (JSON number syntax for
// finite values).
template <typename T>
void AppendShortest(T v, std::string* out) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, static_cast<size_t>(res.ptr - buf));
}

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n;
    uint32_t cp, min;
    if ((c & 0xE0) == 0xC0) {
      n = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      n = 3, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      n = 4, cp = c & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n;
  }
  return true;
}

// Length in bytes of the UTF-8 sequence at s[i] (s is valid UTF-8) and the
// code point it encodes.
size_t DecodeUtf8(std::string_view s, size_t i, uint32_t* cp) {
  const auto c = static_cast<unsigned char>(s[i]);
  size_t n;
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  if ((c & 0xE0) == 0xC0) {
    n = 2, *cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3, *cp = c & 0x0F;
  } else {
    n = 4, *cp = c & 0x07;
  }
  for (size_t k = 1; k < n && i + k < s.size(); ++k) {
    *cp = (*cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  }
  return n;
}

// Byte length of the Java-style min prefix of `s` and its UTF-16 length.
void MinPrefix(std::string_view s, int prefix, size_t* bytes, int64_t* units) {
  size_t i = 0;
  int64_t u = 0;
  while (i < s.size() && u < prefix) {
    uint32_t cp;
    const size_t n = DecodeUtf8(s, i, &cp);
    u += cp >= 0x10000 ? 2 : 1;
    i += n;
  }
  *bytes = i;
  *units = u;
}

int64_t Utf16Length(std::string_view s) {
  int64_t u = 0;
  for (size_t i = 0; i < s.size();) {
    uint32_t cp;
    i += DecodeUtf8(s, i, &cp);
    u += cp >= 0x10000 ? 2 : 1;
  }
  return u;
}

// "yyyy-MM-ddTHH:mm:ss.SSS" + optional "Z" for micros truncated down to ms.
void AppendStatsTimestamp(int64_t micros, bool zone_suffix, std::string* out) {
  const int64_t millis = FloorDiv(micros, 1000);
  const int64_t days = FloorDiv(millis, 86400000LL);
  const int64_t ms_of_day = millis - days * 86400000LL;
  AppendDate(days, out);
  char buf[32];
  const int64_t secs = ms_of_day / 1000;
  const int n =
      std::snprintf(buf, sizeof(buf), "T%02d:%02d:%02d.%03d%s", static_cast<int>(secs / 3600),
                    static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60),
                    static_cast<int>(ms_of_day % 1000), zone_suffix ? "Z" : "");
  out->append(buf, static_cast<size_t>(n));
}

const char* JsonTypeName(od::json_type t) {
  switch (t) {
    case od::json_type::array:
      return "an array";
    case od::json_type::object:
      return "an object";
    case od::json_type::number:
      return "a number";
    case od::json_type::string:
      return "a string";
    case od::json_type::boolean:
      return "a boolean";
    case od::json_type::null:
      return "null";
  }
  return "an unknown JSON value";
}

std::string JoinPath(const std::string& parent, std::string_view name) {
  if (parent.empty()) return std::string(name);
  std::string p = parent;
  p.push_back('.');
  p.append(name);
  return p;
}

// ---------------------------------------------------------------------------
// Schema JSON

class SchemaParser {
 public:
  Result<Schema> Parse(std::string_view json);

 private:
  Status Fail(const std::string& where, std::string_view what) const {
    return Status::Corrupt("schemaString: " + (where.empty() ? "" : where + ": ") +
                           std::string(what));
  }
  Status JsonFail(simdjson::error_code err, const std::string& where) const {
    return Fail(where, std::string("malformed JSON (") + simdjson::error_message(err) + ")");
  }
  Status TypeFail(simdjson::error_code err, od::value& v, const std::string& where,
                  std::string_view expected) const {
    od::json_type t;
    if (err == simdjson::INCORRECT_TYPE && !v.type().get(t)) {
      return Fail(where, "expected " + std::string(expected) + ", got " + JsonTypeName(t));
    }
    return JsonFail(err, where);
  }
  // The value of `key` in `obj`, or *found = false.
  Status Find(od::object& obj, std::string_view key, const std::string& where, od::value* out,
              bool* found) const {
    auto err = obj.find_field_unordered(key).get(*out);
    *found = !err;
    if (err && err != simdjson::NO_SUCH_FIELD) return JsonFail(err, where);
    return Status::OK();
  }
  Status ParseOptBool(od::object& obj, std::string_view key, const std::string& where,
                      bool* out) const {
    od::value v;
    bool found;
    LW_RETURN_IF_ERROR(Find(obj, key, where, &v, &found));
    if (!found) return Status::OK();
    bool null;
    if (auto err = v.is_null().get(null)) return JsonFail(err, where);
    if (null) return Status::OK();
    if (auto err = v.get_bool().get(*out))
      return TypeFail(err, v, where + "." + std::string(key), "a boolean");
    return Status::OK();
  }

  Status ParseType(od::value& v, const std::string& path, TypePtr* out);
  Status ParseTypeName(std::string_view name, const std::string& path, TypePtr* out) const;
  Status ParseFields(od::value& v, const std::string& path, std::vector<Field>* out);
  Status ParseField(od::value& v, const std::string& parent, size_t index, Field* out);

  od::parser parser_;
  simdjson::dom::parser dom_parser_;
};

Status SchemaParser::ParseTypeName(std::string_view name, const std::string& path,
                                   TypePtr* out) const {
  static const std::pair<std::string_view, TypeId> kPrimitives[] = {
      {"string", TypeId::kString},       {"long", TypeId::kInt64},
      {"integer", TypeId::kInt32},       {"short", TypeId::kInt16},
      {"byte", TypeId::kInt8},           {"float", TypeId::kFloat},
      {"double", TypeId::kDouble},       {"boolean", TypeId::kBoolean},
      {"binary", TypeId::kBinary},       {"date", TypeId::kDate},
      {"timestamp", TypeId::kTimestamp}, {"timestamp_ntz", TypeId::kTimestampNtz},
      {"void", TypeId::kNull},           {"null", TypeId::kNull},
  };
  for (const auto& [n, id] : kPrimitives) {
    if (name == n) {
      *out = DataType::Primitive(id);
      return Status::OK();
    }
  }
  auto unsupported = [&](std::string_view why) {
    return Status::NotSupported("schemaString: column '" + path + "' has type '" +
                                std::string(name) + "'" + std::string(why));
  };
  if (name == "decimal") {  // Spark's DecimalType.USER_DEFAULT
    *out = DataType::Decimal(10, 0);
    return Status::OK();
  }
  // decimal(p,s), char(n), varchar(n) with optional spaces inside the parentheses.
  auto parse_args = [&](std::string_view prefix, std::vector<int64_t>* args) {
    if (name.substr(0, prefix.size()) != prefix) return false;
    std::string_view rest = Trim(name.substr(prefix.size()));
    if (rest.empty() || rest.front() != '(' || rest.back() != ')') return false;
    rest = rest.substr(1, rest.size() - 2);
    while (true) {
      const size_t comma = rest.find(',');
      int64_t v;
      if (!ParseIntText(Trim(rest.substr(0, comma)), &v)) return false;
      args->push_back(v);
      if (comma == std::string_view::npos) return true;
      rest = rest.substr(comma + 1);
    }
  };
  std::vector<int64_t> args;
  if (parse_args("decimal", &args) && args.size() == 2) {
    const int64_t p = args[0], s = args[1];
    if (p < 1 || p > 38 || s < 0 || s > p) {
      return unsupported(" (precision must be 1..38 and scale 0..precision)");
    }
    *out = DataType::Decimal(static_cast<int>(p), static_cast<int>(s));
    return Status::OK();
  }
  args.clear();
  if ((parse_args("char", &args) || parse_args("varchar", &args)) && args.size() == 1) {
    *out = DataType::String();  // Spark reads CHAR/VARCHAR columns as strings
    return Status::OK();
  }
  return unsupported(", which lakewatch does not support");
}

Status SchemaParser::ParseType(od::value& v, const std::string& path, TypePtr* out) {
  od::json_type jt;
  if (auto err = v.type().get(jt)) return JsonFail(err, path);
  if (jt == od::json_type::string) {
    std::string_view name;
    if (auto err = v.get_string().get(name)) return JsonFail(err, path);
    return ParseTypeName(name, path, out);
  }
  od::object obj;
  if (auto err = v.get_object().get(obj)) {
    return TypeFail(err, v, path, "a type name or a type object");
  }
  od::value tv;
  bool found;
  LW_RETURN_IF_ERROR(Find(obj, "type", path, &tv, &found));
  if (!found) return Fail(path, "type object without \"type\"");
  std::string kind;
  {
    std::string_view k;
    if (auto err = tv.get_string().get(k)) return TypeFail(err, tv, path + ".type", "a string");
    kind.assign(k);
  }
  if (kind == "struct") {
    od::value fv;
    LW_RETURN_IF_ERROR(Find(obj, "fields", path, &fv, &found));
    if (!found) return Fail(path, "struct type without \"fields\"");
    std::vector<Field> fields;
    LW_RETURN_IF_ERROR(ParseFields(fv, path, &fields));
    *out = DataType::Struct(std::move(fields));
    return Status::OK();
  }
  if (kind == "array") {
    od::value ev;
    LW_RETURN_IF_ERROR(Find(obj, "elementType", path, &ev, &found));
    if (!found) return Fail(path, "array type without \"elementType\"");
    TypePtr element;
    LW_RETURN_IF_ERROR(ParseType(ev, JoinPath(path, "element"), &element));
    bool contains_null = true;
    LW_RETURN_IF_ERROR(ParseOptBool(obj, "containsNull", path, &contains_null));
    *out = DataType::List(std::move(element), contains_null);
    return Status::OK();
  }
  if (kind == "map") {
    od::value kv, vv;
    TypePtr key, value;
    LW_RETURN_IF_ERROR(Find(obj, "keyType", path, &kv, &found));
    if (!found) return Fail(path, "map type without \"keyType\"");
    LW_RETURN_IF_ERROR(ParseType(kv, JoinPath(path, "key"), &key));
    LW_RETURN_IF_ERROR(Find(obj, "valueType", path, &vv, &found));
    if (!found) return Fail(path, "map type without \"valueType\"");
    LW_RETURN_IF_ERROR(ParseType(vv, JoinPath(path, "value"), &value));
    bool value_contains_null = true;
    LW_RETURN_IF_ERROR(ParseOptBool(obj, "valueContainsNull", path, &value_contains_null));
    *out = DataType::Map(std::move(key), std::move(value), value_contains_null);
    return Status::OK();
  }
  return Status::NotSupported("schemaString: column '" + path + "' has type '" + kind +
                              "', which lakewatch does not support");
}

Status SchemaParser::ParseFields(od::value& v, const std::string& path, std::vector<Field>* out) {
  od::array arr;
  if (auto err = v.get_array().get(arr)) return TypeFail(err, v, path, "a \"fields\" array");
  for (auto element_result : arr) {
    od::value element;
    // get() is &&-qualified.
    if (auto err = std::move(element_result).get(element)) {  // NOLINT(performance-move-const-arg)
      return JsonFail(err, path);
    }
    Field f;
    LW_RETURN_IF_ERROR(ParseField(element, path, out->size(), &f));
    out->push_back(std::move(f));
  }
  // Column names are unique regardless of case (PROTOCOL.md).
  std::unordered_set<std::string> seen;
  for (const Field& f : *out) {
    std::string lower = f.name;
    for (char& c : lower) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    if (!seen.insert(std::move(lower)).second) {
      return Fail(JoinPath(path, f.name), "duplicate column name (names are case-insensitive)");
    }
  }
  return Status::OK();
}

Status SchemaParser::ParseField(od::value& v, const std::string& parent, size_t index, Field* out) {
  const std::string at = parent.empty() ? "field " + std::to_string(index)
                                        : parent + ": field " + std::to_string(index);
  od::object obj;
  if (auto err = v.get_object().get(obj)) return TypeFail(err, v, at, "a field object");
  od::value nv;
  bool found;
  LW_RETURN_IF_ERROR(Find(obj, "name", at, &nv, &found));
  if (!found) return Fail(at, "field without \"name\"");
  {
    std::string_view name;
    if (auto err = nv.get_string().get(name)) return TypeFail(err, nv, at + ".name", "a string");
    out->name.assign(name);
  }
  const std::string path = JoinPath(parent, out->name);
  od::value tv;
  LW_RETURN_IF_ERROR(Find(obj, "type", path, &tv, &found));
  if (!found) return Fail(path, "field without \"type\"");
  LW_RETURN_IF_ERROR(ParseType(tv, path, &out->type));
  out->nullable = true;
  LW_RETURN_IF_ERROR(ParseOptBool(obj, "nullable", path, &out->nullable));
  od::value mv;
  LW_RETURN_IF_ERROR(Find(obj, "metadata", path, &mv, &found));
  if (found) {
    bool null;
    if (auto err = mv.is_null().get(null)) return JsonFail(err, path);
    if (!null) {
      od::object mo;
      if (auto err = mv.get_object().get(mo)) {
        return TypeFail(err, mv, path + ".metadata", "an object");
      }
      std::string_view raw;
      if (auto err = mo.raw_json().get(raw)) return JsonFail(err, path + ".metadata");
      out->metadata_json.assign(Trim(raw));
    }
  }
  return Status::OK();
}

Result<Schema> SchemaParser::Parse(std::string_view json) {
  const simdjson::padded_string padded(json.data(), json.size());
  // On-Demand validates only what it reads, and find_field_unordered, when it
  // wraps around to the members before its position, assumes they are well
  // formed (simdjson's development checks abort on a malformed one; a release
  // build would go on from an undefined state). So the whole string is
  // validated first, trailing content included; a schema string is small and
  // parsed once per snapshot.
  if (simdjson::dom::element whole; auto err = dom_parser_.parse(padded).get(whole)) {
    return JsonFail(err, "");
  }
  od::document doc;
  if (auto err = parser_.iterate(padded).get(doc)) return JsonFail(err, "");
  od::object root;
  if (auto err = doc.get_object().get(root)) {
    return Fail(
        "", std::string("expected a struct type object (") + simdjson::error_message(err) + ")");
  }
  od::value tv;
  bool found;
  LW_RETURN_IF_ERROR(Find(root, "type", "", &tv, &found));
  std::string_view kind;
  if (!found || tv.get_string().get(kind) || kind != "struct") {
    return Fail("", "the top-level type must be {\"type\":\"struct\",...}");
  }
  od::value fv;
  LW_RETURN_IF_ERROR(Find(root, "fields", "", &fv, &found));
  if (!found) return Fail("", "struct type without \"fields\"");
  Schema schema;
  LW_RETURN_IF_ERROR(ParseFields(fv, "", &schema.fields));
  return schema;
}

void AppendTypeJson(const DataType& t, std::string* out);

void AppendFieldJson(const Field& f, std::string* out) {
  out->append("{\"name\":");
  AppendJsonString(f.name, out);
  out->append(",\"type\":");
  AppendTypeJson(*f.type, out);
  out->append(f.nullable ? ",\"nullable\":true" : ",\"nullable\":false");
  out->append(",\"metadata\":");
  out->append(f.metadata_json.empty() ? "{}" : f.metadata_json);
  out->push_back('}');
}

void AppendStructJson(const std::vector<Field>& fields, std::string* out) {
  out->append("{\"type\":\"struct\",\"fields\":[");
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out->push_back(',');
    AppendFieldJson(fields[i], out);
  }
  out->append("]}");
}

void AppendTypeJson(const DataType& t, std::string* out) {
  switch (t.id()) {
    case TypeId::kNull:
      out->append("\"void\"");
      return;
    case TypeId::kBoolean:
      out->append("\"boolean\"");
      return;
    case TypeId::kInt8:
      out->append("\"byte\"");
      return;
    case TypeId::kInt16:
      out->append("\"short\"");
      return;
    case TypeId::kInt32:
      out->append("\"integer\"");
      return;
    case TypeId::kInt64:
      out->append("\"long\"");
      return;
    case TypeId::kFloat:
      out->append("\"float\"");
      return;
    case TypeId::kDouble:
      out->append("\"double\"");
      return;
    case TypeId::kDecimal:
      out->append("\"decimal(" + std::to_string(t.precision()) + "," + std::to_string(t.scale()) +
                  ")\"");
      return;
    case TypeId::kDate:
      out->append("\"date\"");
      return;
    case TypeId::kTimestamp:
      out->append("\"timestamp\"");
      return;
    case TypeId::kTimestampNtz:
      out->append("\"timestamp_ntz\"");
      return;
    case TypeId::kTime:
      out->append("\"time(6)\"");
      return;
    case TypeId::kString:
      out->append("\"string\"");
      return;
    case TypeId::kBinary:
      out->append("\"binary\"");
      return;
    case TypeId::kList:
      out->append("{\"type\":\"array\",\"elementType\":");
      AppendTypeJson(*t.field(0).type, out);
      out->append(t.field(0).nullable ? ",\"containsNull\":true}" : ",\"containsNull\":false}");
      return;
    case TypeId::kMap:
      out->append("{\"type\":\"map\",\"keyType\":");
      AppendTypeJson(*t.field(0).type, out);
      out->append(",\"valueType\":");
      AppendTypeJson(*t.field(1).type, out);
      out->append(t.field(1).nullable ? ",\"valueContainsNull\":true}"
                                      : ",\"valueContainsNull\":false}");
      return;
    case TypeId::kStruct:
      AppendStructJson(t.fields(), out);
      return;
  }
}

// ---------------------------------------------------------------------------
// Stats JSON

class StatsParser {
 public:
  Result<FileStats> Parse(std::string_view json, const Schema& schema);
  Result<std::optional<int64_t>> NumRecords(std::string_view json);

 private:
  Status Fail(const std::string& where, std::string_view what) const {
    return Status::Corrupt("stats: " + (where.empty() ? "" : where + ": ") + std::string(what));
  }
  Status JsonFail(simdjson::error_code err, const std::string& where) const {
    return Fail(where, std::string("malformed JSON (") + simdjson::error_message(err) + ")");
  }
  Status TypeFail(simdjson::error_code err, od::value& v, const std::string& where,
                  std::string_view expected) const {
    od::json_type t;
    if (err == simdjson::INCORRECT_TYPE && !v.type().get(t)) {
      return Fail(where, "expected " + std::string(expected) + ", got " + JsonTypeName(t));
    }
    if (err == simdjson::NUMBER_OUT_OF_RANGE) {
      return Fail(where, "expected " + std::string(expected) + " (number out of range)");
    }
    return JsonFail(err, where);
  }
  template <typename F>
  Status ForEachField(od::value& v, const std::string& where, F&& fn) {
    od::object obj;
    if (auto err = v.get_object().get(obj)) return TypeFail(err, v, where, "an object");
    for (auto field_result : obj) {
      od::field f;
      if (auto err = std::move(field_result).get(f)) return JsonFail(err, where);
      std::string_view key;
      if (auto err = f.unescaped_key().get(key)) return JsonFail(err, where);
      LW_RETURN_IF_ERROR(fn(key, f.value()));
    }
    return Status::OK();
  }

  Status ParseValues(od::value& v, const std::vector<Field>& fields, const std::string& where,
                     const std::string& prefix, std::map<std::string, Scalar>* out);
  Status ParseNullCounts(od::value& v, const std::vector<Field>& fields, const std::string& where,
                         const std::string& prefix, std::map<std::string, int64_t>* out);
  Status ParseValue(od::value& v, const TypePtr& type, const std::string& where, Scalar* out,
                    bool* present);

  od::parser parser_;
};

const Field* FindField(const std::vector<Field>& fields, std::string_view name) {
  for (const Field& f : fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

Status StatsParser::ParseValue(od::value& v, const TypePtr& type, const std::string& where,
                               Scalar* out, bool* present) {
  *present = false;
  od::json_type jt;
  if (auto err = v.type().get(jt)) return JsonFail(err, where);
  if (jt == od::json_type::null) return Status::OK();
  const TypeId id = type->id();
  switch (id) {
    case TypeId::kBoolean: {
      bool b;
      if (auto err = v.get_bool().get(b)) return TypeFail(err, v, where, "a boolean");
      *out = Scalar::Boolean(b);
      break;
    }
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64: {
      int64_t x;
      if (auto err = v.get_int64().get(x)) return TypeFail(err, v, where, "an integer");
      if (!IntegralRange(id, x)) {
        return Fail(where, std::to_string(x) + " is out of range for " + type->ToString());
      }
      *out = MakeIntegral(type, x);
      break;
    }
    case TypeId::kFloat:
    case TypeId::kDouble: {
      double d;
      if (jt == od::json_type::string) {
        std::string_view s;
        if (auto err = v.get_string().get(s)) return JsonFail(err, where);
        if (s != "NaN" && s != "Infinity" && s != "-Infinity") {
          return Fail(where, "expected a number, \"NaN\", \"Infinity\" or \"-Infinity\", got \"" +
                                 std::string(s) + "\"");
        }
        ParseDoubleText(s, &d);
      } else if (auto err = v.get_double().get(d)) {
        return TypeFail(err, v, where, "a number");
      }
      *out = id == TypeId::kFloat ? Scalar::Float(static_cast<float>(d)) : Scalar::Double(d);
      break;
    }
    case TypeId::kDecimal: {
      std::string_view text;
      if (jt == od::json_type::string) {
        if (auto err = v.get_string().get(text)) return JsonFail(err, where);
      } else if (jt == od::json_type::number) {
        text = Trim(v.raw_json_token());
      } else {
        return Fail(where, std::string("expected a number, got ") + JsonTypeName(jt));
      }
      __int128 unscaled;
      std::string why;
      if (!ParseDecimalText(text, type->precision(), type->scale(), &unscaled, &why)) {
        return Fail(where,
                    "\"" + std::string(text) + "\" does not fit " + type->ToString() + ": " + why);
      }
      *out = Scalar::Decimal(unscaled, type->precision(), type->scale());
      break;
    }
    case TypeId::kDate: {
      std::string_view s;
      if (auto err = v.get_string().get(s)) return TypeFail(err, v, where, "a date string");
      int64_t days;
      if (!ParseDateText(s, &days)) {
        return Fail(where, "expected a date YYYY-MM-DD, got \"" + std::string(s) + "\"");
      }
      *out = Scalar::Date(static_cast<int32_t>(days));
      break;
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz: {
      std::string_view s;
      if (auto err = v.get_string().get(s)) return TypeFail(err, v, where, "a timestamp string");
      TimestampText ts;
      if (!ParseTimestampText(s, &ts) || (id == TypeId::kTimestampNtz && ts.has_zone)) {
        return Fail(where, std::string("expected an ISO-8601 timestamp") +
                               (id == TypeId::kTimestampNtz ? " without a zone" : "") + ", got \"" +
                               std::string(s) + "\"");
      }
      *out = MakeIntegral(type, ts.micros);
      break;
    }
    case TypeId::kString:
    case TypeId::kBinary: {
      std::string_view s;
      if (auto err = v.get_string().get(s)) return TypeFail(err, v, where, "a string");
      *out =
          id == TypeId::kString ? Scalar::String(std::string(s)) : Scalar::Binary(std::string(s));
      break;
    }
    default:
      return Status::OK();  // void, time, nested: no bounds
  }
  *present = true;
  return Status::OK();
}

Status StatsParser::ParseValues(od::value& v, const std::vector<Field>& fields,
                                const std::string& where, const std::string& prefix,
                                std::map<std::string, Scalar>* out) {
  return ForEachField(v, where, [&](std::string_view key, od::value& value) -> Status {
    const Field* f = FindField(fields, key);
    if (f == nullptr) return Status::OK();  // not in the schema (e.g. a dropped column)
    const std::string path = JoinPath(prefix, key);
    const std::string at = JoinPath(where, key);
    const TypeId id = f->type->id();
    if (id == TypeId::kStruct) {
      bool null;
      if (auto err = value.is_null().get(null)) return JsonFail(err, at);
      if (null) return Status::OK();
      return ParseValues(value, f->type->fields(), at, path, out);
    }
    if (id == TypeId::kList || id == TypeId::kMap) return Status::OK();
    Scalar s;
    bool present;
    LW_RETURN_IF_ERROR(ParseValue(value, f->type, at, &s, &present));
    if (present) out->insert_or_assign(path, std::move(s));
    return Status::OK();
  });
}

Status StatsParser::ParseNullCounts(od::value& v, const std::vector<Field>& fields,
                                    const std::string& where, const std::string& prefix,
                                    std::map<std::string, int64_t>* out) {
  return ForEachField(v, where, [&](std::string_view key, od::value& value) -> Status {
    const Field* f = FindField(fields, key);
    if (f == nullptr) return Status::OK();
    const std::string path = JoinPath(prefix, key);
    const std::string at = JoinPath(where, key);
    od::json_type jt;
    if (auto err = value.type().get(jt)) return JsonFail(err, at);
    if (jt == od::json_type::null) return Status::OK();
    if (jt == od::json_type::object && f->type->id() == TypeId::kStruct) {
      return ParseNullCounts(value, f->type->fields(), at, path, out);
    }
    int64_t n;
    if (auto err = value.get_int64().get(n)) return TypeFail(err, value, at, "an integer count");
    if (n < 0) return Fail(at, "negative null count " + std::to_string(n));
    out->insert_or_assign(path, n);
    return Status::OK();
  });
}

Result<FileStats> StatsParser::Parse(std::string_view json, const Schema& schema) {
  const simdjson::padded_string padded(json.data(), json.size());
  od::document doc;
  if (auto err = parser_.iterate(padded).get(doc)) return JsonFail(err, "");
  od::value root;
  if (auto err = doc.get_value().get(root)) return JsonFail(err, "");
  FileStats stats;
  LW_RETURN_IF_ERROR(ForEachField(root, "", [&](std::string_view key, od::value& value) -> Status {
    const std::string at(key);
    bool null;
    if (auto err = value.is_null().get(null)) return JsonFail(err, at);
    if (null) return Status::OK();
    if (key == "numRecords") {
      int64_t n;
      if (auto err = value.get_int64().get(n)) return TypeFail(err, value, at, "an integer");
      stats.num_records = n;
      return Status::OK();
    }
    if (key == "minValues") return ParseValues(value, schema.fields, at, "", &stats.min_values);
    if (key == "maxValues") return ParseValues(value, schema.fields, at, "", &stats.max_values);
    if (key == "nullCount") return ParseNullCounts(value, schema.fields, at, "", &stats.null_count);
    if (key == "tightBounds") {
      if (auto err = value.get_bool().get(stats.tight_bounds)) {
        return TypeFail(err, value, at, "a boolean");
      }
    }
    return Status::OK();
  }));
  if (const char* rest; !doc.current_location().get(rest)) {
    return Fail("", "content after the stats object");
  }
  return stats;
}

Result<std::optional<int64_t>> StatsParser::NumRecords(std::string_view json) {
  const simdjson::padded_string padded(json.data(), json.size());
  od::document doc;
  if (auto err = parser_.iterate(padded).get(doc)) return JsonFail(err, "");
  od::value root;
  if (auto err = doc.get_value().get(root)) return JsonFail(err, "");
  std::optional<int64_t> out;
  // The other members are skipped by the on-demand parser, not decoded.
  LW_RETURN_IF_ERROR(ForEachField(root, "", [&](std::string_view key, od::value& value) -> Status {
    if (key != "numRecords") return Status::OK();
    bool null;
    if (auto err = value.is_null().get(null)) return JsonFail(err, "numRecords");
    if (null) return Status::OK();
    int64_t n;
    if (auto err = value.get_int64().get(n)) return TypeFail(err, value, "numRecords", "an integer");
    out = n;
    return Status::OK();
  }));
  return out;
}

// Appends the JSON text of `v` as a stats bound of a `column` column, or
// nothing (returns false) when Delta writes no bound for it.
bool AppendStatsValue(const Scalar& v, const DataType& column, bool is_max, std::string* out) {
  if (!v.valid) return false;
  const TypeId c = column.id();
  const TypeId s = v.type->id();
  if (IsIntegral(c) && IsIntegral(s)) {
    AppendInt(v.i64, out);
    return true;
  }
  if ((c == TypeId::kFloat || c == TypeId::kDouble) &&
      (s == TypeId::kFloat || s == TypeId::kDouble)) {
    if (std::isnan(v.f64)) {
      out->append("\"NaN\"");
    } else if (std::isinf(v.f64)) {
      out->append(v.f64 > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    } else if (c == TypeId::kFloat) {
      AppendShortest(static_cast<float>(v.f64), out);
    } else {
      AppendShortest(v.f64, out);
    }
    return true;
  }
  if (c == TypeId::kDecimal && s == TypeId::kDecimal) {
    AppendDecimal(v.i128, v.type->scale(), out);
    return true;
  }
  if (c == TypeId::kDate && s == TypeId::kDate) {
    out->push_back('"');
    AppendDate(v.i64, out);
    out->push_back('"');
    return true;
  }
  if ((c == TypeId::kTimestamp || c == TypeId::kTimestampNtz) &&
      (s == TypeId::kTimestamp || s == TypeId::kTimestampNtz)) {
    out->push_back('"');
    AppendStatsTimestamp(v.i64, c == TypeId::kTimestamp, out);
    out->push_back('"');
    return true;
  }
  if (c == TypeId::kString && s == TypeId::kString) {
    if (!ValidUtf8(v.str)) return false;
    if (is_max) {
      std::optional<std::string> t = TruncateStatsMax(v.str);
      if (!t) return false;
      AppendJsonString(*t, out);
    } else {
      AppendJsonString(TruncateStatsMin(v.str), out);
    }
    return true;
  }
  return false;  // boolean, binary (as Spark), mismatched types
}

// Appends "name":value pairs for `fields` (recursing into structs); returns
// whether anything was written.
bool AppendStatsValues(const std::vector<Field>& fields, const std::string& prefix,
                       const std::map<std::string, Scalar>& values, bool is_max, std::string* out) {
  bool any = false;
  for (const Field& f : fields) {
    const std::string path = JoinPath(prefix, f.name);
    std::string item;
    AppendJsonString(f.name, &item);
    item.push_back(':');
    bool wrote = false;
    if (f.type->id() == TypeId::kStruct) {
      item.push_back('{');
      wrote = AppendStatsValues(f.type->fields(), path, values, is_max, &item);
      item.push_back('}');
    } else if (auto it = values.find(path); it != values.end()) {
      wrote = AppendStatsValue(it->second, *f.type, is_max, &item);
    }
    if (!wrote) continue;
    if (any) out->push_back(',');
    out->append(item);
    any = true;
  }
  return any;
}

bool AppendNullCounts(const std::vector<Field>& fields, const std::string& prefix,
                      const std::map<std::string, int64_t>& counts, std::string* out) {
  bool any = false;
  for (const Field& f : fields) {
    const std::string path = JoinPath(prefix, f.name);
    std::string item;
    AppendJsonString(f.name, &item);
    item.push_back(':');
    bool wrote = false;
    if (f.type->id() == TypeId::kStruct) {
      item.push_back('{');
      wrote = AppendNullCounts(f.type->fields(), path, counts, &item);
      item.push_back('}');
    }
    if (!wrote) {
      if (auto it = counts.find(path); it != counts.end()) {
        item.resize(item.find(':') + 1);
        AppendInt(it->second, &item);
        wrote = true;
      }
    }
    if (!wrote) continue;
    if (any) out->push_back(',');
    out->append(item);
    any = true;
  }
  return any;
}

}  // namespace

Result<Schema> ParseSchemaString(std::string_view json) {
  SchemaParser parser;
  return parser.Parse(json);
}

std::string SchemaToJson(const Schema& schema) {
  std::string out;
  AppendStructJson(schema.fields, &out);
  return out;
}

Result<Scalar> ParsePartitionValue(const std::optional<std::string>& text, const TypePtr& type) {
  if (type->is_nested() || type->id() == TypeId::kTime) {
    return Status::NotSupported("partition column of type " + type->ToString());
  }
  if (!text || text->empty() || type->id() == TypeId::kNull) return Scalar::Null(type);
  const std::string& s = *text;
  auto bad = [&](std::string_view why = {}) {
    return Status::InvalidArgument("partition value \"" + s + "\" is not a valid " +
                                   type->ToString() + (why.empty() ? "" : ": ") + std::string(why));
  };
  switch (type->id()) {
    case TypeId::kString:
      return Scalar::String(s);
    case TypeId::kBinary:
      return Scalar::Binary(s);
    case TypeId::kBoolean: {
      std::string lower = s;
      for (char& c : lower) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
      if (lower == "true") return Scalar::Boolean(true);
      if (lower == "false") return Scalar::Boolean(false);
      return bad();
    }
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64: {
      int64_t v;
      if (!ParseIntText(s, &v)) return bad();
      if (!IntegralRange(type->id(), v)) return bad("out of range");
      return MakeIntegral(type, v);
    }
    case TypeId::kFloat:
    case TypeId::kDouble: {
      double d;
      if (!ParseDoubleText(s, &d)) return bad();
      return type->id() == TypeId::kFloat ? Scalar::Float(static_cast<float>(d))
                                          : Scalar::Double(d);
    }
    case TypeId::kDecimal: {
      __int128 unscaled;
      std::string why;
      if (!ParseDecimalText(s, type->precision(), type->scale(), &unscaled, &why)) return bad(why);
      return Scalar::Decimal(unscaled, type->precision(), type->scale());
    }
    case TypeId::kDate: {
      int64_t days;
      if (!ParseDateText(s, &days) || days < INT32_MIN || days > INT32_MAX) return bad();
      return Scalar::Date(static_cast<int32_t>(days));
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz: {
      TimestampText ts;
      if (!ParseTimestampText(s, &ts)) return bad();
      if (type->id() == TypeId::kTimestampNtz && ts.has_zone) {
        return bad("timestamp_ntz values carry no zone");
      }
      if (!ts.exact) return bad("sub-microsecond digits");
      return MakeIntegral(type, ts.micros);
    }
    default:
      return bad();
  }
}

std::optional<std::string> FormatPartitionValue(const Scalar& value) {
  if (!value.valid || value.type->id() == TypeId::kNull) return std::nullopt;
  std::string out;
  switch (value.type->id()) {
    case TypeId::kString:
    case TypeId::kBinary:
      return value.str;
    case TypeId::kBoolean:
      return std::string(value.i64 ? "true" : "false");
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
      AppendInt(value.i64, &out);
      return out;
    case TypeId::kFloat:
    case TypeId::kDouble: {
      if (std::isnan(value.f64)) return std::string("NaN");
      if (std::isinf(value.f64)) return std::string(value.f64 > 0 ? "Infinity" : "-Infinity");
      if (value.type->id() == TypeId::kFloat) {
        AppendShortest(static_cast<float>(value.f64), &out);
      } else {
        AppendShortest(value.f64, &out);
      }
      if (out.find_first_of(".e") == std::string::npos) out += ".0";
      return out;
    }
    case TypeId::kDecimal:
      AppendDecimal(value.i128, value.type->scale(), &out);
      return out;
    case TypeId::kDate:
      AppendDate(value.i64, &out);
      return out;
    case TypeId::kTimestamp:
      AppendTimestampMicros(value.i64, &out);
      return out;
    case TypeId::kTimestampNtz: {
      AppendTimestampMicros(value.i64, &out, /*zone_suffix=*/false);
      const size_t t = out.find('T');
      if (t != std::string::npos) out[t] = ' ';
      return out;
    }
    case TypeId::kTime:
      AppendTimeOfDay(value.i64, &out);
      return out;
    default:
      return std::nullopt;
  }
}

Result<FileStats> ParseStats(std::string_view json, const Schema& schema) {
  thread_local StatsParser parser;  // keeps its buffers across the files of a scan
  return parser.Parse(json, schema);
}

Result<std::optional<int64_t>> StatsNumRecords(std::string_view json) {
  thread_local StatsParser parser;
  return parser.NumRecords(json);
}

std::string StatsToJson(const FileStats& stats, const Schema& schema) {
  std::string out = "{";
  bool first = true;
  auto sep = [&]() {
    if (!first) out.push_back(',');
    first = false;
  };
  if (stats.num_records) {
    sep();
    out.append("\"numRecords\":");
    AppendInt(*stats.num_records, &out);
  }
  for (int pass = 0; pass < 2; ++pass) {
    const bool is_max = pass == 1;
    std::string body;
    if (AppendStatsValues(schema.fields, "", is_max ? stats.max_values : stats.min_values, is_max,
                          &body)) {
      sep();
      out.append(is_max ? "\"maxValues\":{" : "\"minValues\":{");
      out.append(body);
      out.push_back('}');
    }
  }
  std::string counts;
  if (AppendNullCounts(schema.fields, "", stats.null_count, &counts)) {
    sep();
    out.append("\"nullCount\":{");
    out.append(counts);
    out.push_back('}');
  }
  if (!stats.tight_bounds) {
    sep();
    out.append("\"tightBounds\":false");
  }
  out.push_back('}');
  return out;
}

std::string TruncateStatsMin(std::string_view s, int prefix) {
  size_t bytes;
  int64_t units;
  MinPrefix(s, prefix, &bytes, &units);
  return std::string(s.substr(0, bytes));
}

std::optional<std::string> TruncateStatsMax(std::string_view s, int prefix) {
  static constexpr std::string_view kUtf8Max = "\xF4\x8F\xBF\xBF";  // U+10FFFF
  if (Utf16Length(s) <= prefix) return std::string(s);
  if (prefix <= 0) return std::nullopt;
  size_t pos;
  int64_t units;
  MinPrefix(s, prefix, &pos, &units);
  const int64_t max_units = 2LL * prefix;
  while (units <= max_units) {
    if (pos >= s.size()) return std::string(s);
    uint32_t cp;
    const size_t n = DecodeUtf8(s, pos, &cp);
    if (cp == 0x10FFFF) {
      pos += n;
      units += 2;
      continue;
    }
    std::string out(s.substr(0, pos));
    if (cp < 0x7F) {
      out.push_back('\x7F');
    } else {
      out.append(kUtf8Max);
    }
    return out;
  }
  return std::nullopt;
}

}  // namespace lakewatch::delta
