// Date and time functions (Spark semantics, session time zone UTC):
// current_timestamp/now, current_date, date_trunc, trunc, from_unixtime,
// to_timestamp, to_date, unix_timestamp, unix_seconds/millis/micros,
// timestamp_seconds/millis/micros, year … second, dayofweek, dayofyear,
// weekofyear, quarter, extract/date_part, date_add/date_sub/datediff,
// add_months, date_format, window/time_bucket (fixed-size buckets).
//
// Datetime patterns are Java's (yyyy-MM-dd HH:mm:ss.SSS, …): the letters
// y M d H h m s S a E D and quoted text; see docs/sql.md.
#include <cctype>
#include <cstring>

#include "common/time.h"
#include "sql/function/cast.h"
#include "sql/function/function_registry.h"
#include "sql/function/kernel_util.h"

namespace lakewatch::sql {

namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

struct Civil {
  int64_t year;
  int month, day, hour, minute, second, micros;
  int64_t days;  // since epoch
};

Civil ToCivil(int64_t us) {
  Civil c;
  c.days = FloorDiv(us, kMicrosPerDay);
  int64_t rem = us - c.days * kMicrosPerDay;
  CivilDate d = CivilFromDays(c.days);
  c.year = d.year;
  c.month = d.month;
  c.day = d.day;
  int64_t secs = rem / kMicrosPerSecond;
  c.micros = static_cast<int>(rem % kMicrosPerSecond);
  c.hour = static_cast<int>(secs / 3600);
  c.minute = static_cast<int>(secs / 60 % 60);
  c.second = static_cast<int>(secs % 60);
  return c;
}

// 1 = Sunday … 7 = Saturday (Spark's dayofweek).
int DayOfWeek(int64_t days) { return static_cast<int>(((days + 4) % 7 + 7) % 7) + 1; }

// ISO-8601 week number.
int IsoWeek(int64_t days) {
  int wd = (DayOfWeek(days) + 5) % 7;  // Monday = 0
  int64_t thursday = days - wd + 3;
  CivilDate t = CivilFromDays(thursday);
  int64_t jan1 = DaysFromCivil(t.year, 1, 1);
  return static_cast<int>((thursday - jan1) / 7 + 1);
}

// Truncation of a timestamp to a unit (date_trunc). Units: year, quarter,
// month, week (Monday), day, hour, minute, second, millisecond, microsecond.
bool Truncate(const std::string& unit, int64_t us, int64_t* out) {
  Civil c = ToCivil(us);
  if (unit == "year" || unit == "yyyy" || unit == "yy") {
    *out = DaysFromCivil(c.year, 1, 1) * kMicrosPerDay;
  } else if (unit == "quarter") {
    *out = DaysFromCivil(c.year, (c.month - 1) / 3 * 3 + 1, 1) * kMicrosPerDay;
  } else if (unit == "month" || unit == "mon" || unit == "mm") {
    *out = DaysFromCivil(c.year, c.month, 1) * kMicrosPerDay;
  } else if (unit == "week") {
    int wd = (DayOfWeek(c.days) + 5) % 7;
    *out = (c.days - wd) * kMicrosPerDay;
  } else if (unit == "day" || unit == "dd") {
    *out = c.days * kMicrosPerDay;
  } else if (unit == "hour") {
    *out = FloorDiv(us, 3600 * kMicrosPerSecond) * 3600 * kMicrosPerSecond;
  } else if (unit == "minute") {
    *out = FloorDiv(us, 60 * kMicrosPerSecond) * 60 * kMicrosPerSecond;
  } else if (unit == "second") {
    *out = FloorDiv(us, kMicrosPerSecond) * kMicrosPerSecond;
  } else if (unit == "millisecond") {
    *out = FloorDiv(us, 1000) * 1000;
  } else if (unit == "microsecond") {
    *out = us;
  } else {
    return false;
  }
  return true;
}

const char* kMonthShort[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
const char* kDayShort[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

void Pad(int64_t v, int width, std::string* out) {
  std::string s = std::to_string(v < 0 ? -v : v);
  if (v < 0) out->push_back('-');
  for (int k = static_cast<int>(s.size()); k < width; ++k) out->push_back('0');
  *out += s;
}

// Formats `us` with a Java datetime pattern.
void FormatPattern(std::string_view pat, int64_t us, std::string* out) {
  Civil c = ToCivil(us);
  size_t i = 0;
  while (i < pat.size()) {
    char ch = pat[i];
    if (ch == '\'') {
      size_t j = i + 1;
      if (j < pat.size() && pat[j] == '\'') {
        out->push_back('\'');
        i += 2;
        continue;
      }
      while (j < pat.size() && pat[j] != '\'') out->push_back(pat[j++]);
      i = j + 1;
      continue;
    }
    if (!std::isalpha(static_cast<unsigned char>(ch))) {
      out->push_back(ch);
      ++i;
      continue;
    }
    size_t j = i;
    while (j < pat.size() && pat[j] == ch) ++j;
    int n = static_cast<int>(j - i);
    switch (ch) {
      case 'y':
      case 'u':
        if (n == 2) Pad(c.year % 100, 2, out);
        else Pad(c.year, n, out);
        break;
      case 'M':
      case 'L':
        if (n >= 3) *out += kMonthShort[c.month - 1];
        else Pad(c.month, n, out);
        break;
      case 'd': Pad(c.day, n, out); break;
      case 'D': Pad(c.days - DaysFromCivil(c.year, 1, 1) + 1, n, out); break;
      case 'H': Pad(c.hour, n, out); break;
      case 'h': Pad(c.hour % 12 == 0 ? 12 : c.hour % 12, n, out); break;
      case 'm': Pad(c.minute, n, out); break;
      case 's': Pad(c.second, n, out); break;
      case 'S': {
        std::string f;
        Pad(c.micros, 6, &f);
        while (static_cast<int>(f.size()) < n) f.push_back('0');
        *out += f.substr(0, static_cast<size_t>(n));
        break;
      }
      case 'a': *out += c.hour < 12 ? "AM" : "PM"; break;
      case 'E': *out += kDayShort[DayOfWeek(c.days) - 1]; break;
      case 'X':
      case 'x':
      case 'Z': *out += ch == 'X' ? "Z" : "+0000"; break;
      default: out->append(static_cast<size_t>(n), ch); break;
    }
    i = j;
  }
}

// Parses `s` with a Java datetime pattern (UTC); false when it does not match.
bool ParsePattern(std::string_view pat, std::string_view s, int64_t* us) {
  int64_t year = 1970;
  int month = 1, day = 1, hour = 0, minute = 0, second = 0, micros = 0;
  bool pm = false, has_ampm = false;
  size_t i = 0, k = 0;
  auto digits = [&](int max, int64_t* v) {
    int n = 0;
    *v = 0;
    bool neg = false;
    if (k < s.size() && s[k] == '-' && max > 4) {
      neg = true;
      ++k;
    }
    while (k < s.size() && n < max && std::isdigit(static_cast<unsigned char>(s[k]))) {
      *v = *v * 10 + (s[k] - '0');
      ++k;
      ++n;
    }
    if (neg) *v = -*v;
    return n > 0;
  };
  while (i < pat.size()) {
    char ch = pat[i];
    if (ch == '\'') {
      size_t j = i + 1;
      while (j < pat.size() && pat[j] != '\'') {
        if (k >= s.size() || s[k] != pat[j]) return false;
        ++k;
        ++j;
      }
      i = j + 1;
      continue;
    }
    if (!std::isalpha(static_cast<unsigned char>(ch))) {
      if (k >= s.size() || s[k] != ch) return false;
      ++k;
      ++i;
      continue;
    }
    size_t j = i;
    while (j < pat.size() && pat[j] == ch) ++j;
    int n = static_cast<int>(j - i);
    // A field followed directly by another letter field reads exactly n digits.
    bool adjacent = j < pat.size() && std::isalpha(static_cast<unsigned char>(pat[j]));
    int maxd = adjacent ? n : 9;
    int64_t v = 0;
    switch (ch) {
      case 'y':
      case 'u':
        if (!digits(n == 2 ? 2 : std::max(maxd, 4), &v)) return false;
        year = n == 2 ? 2000 + v : v;
        break;
      case 'M':
      case 'L':
        if (n >= 3) {
          bool found = false;
          for (int m = 0; m < 12; ++m) {
            if (s.substr(k, 3) == kMonthShort[m]) {
              month = m + 1;
              k += 3;
              found = true;
              break;
            }
          }
          if (!found) return false;
        } else {
          if (!digits(std::min(maxd, 2), &v)) return false;
          month = static_cast<int>(v);
        }
        break;
      case 'd':
        if (!digits(std::min(maxd, 2), &v)) return false;
        day = static_cast<int>(v);
        break;
      case 'H':
      case 'h':
        if (!digits(std::min(maxd, 2), &v)) return false;
        hour = static_cast<int>(v);
        break;
      case 'm':
        if (!digits(std::min(maxd, 2), &v)) return false;
        minute = static_cast<int>(v);
        break;
      case 's':
        if (!digits(std::min(maxd, 2), &v)) return false;
        second = static_cast<int>(v);
        break;
      case 'S': {
        int nd = 0;
        int64_t f = 0;
        while (k < s.size() && nd < 9 && std::isdigit(static_cast<unsigned char>(s[k]))) {
          if (nd < 6) f = f * 10 + (s[k] - '0');
          ++nd;
          ++k;
        }
        if (nd == 0) return false;
        for (int q = std::min(nd, 6); q < 6; ++q) f *= 10;
        micros = static_cast<int>(f);
        break;
      }
      case 'a':
        has_ampm = true;
        if (s.substr(k, 2) == "PM" || s.substr(k, 2) == "pm") pm = true;
        else if (s.substr(k, 2) != "AM" && s.substr(k, 2) != "am") return false;
        k += 2;
        break;
      case 'E': {
        bool found = false;
        for (const char* d : kDayShort) {
          if (s.substr(k, 3) == d) {
            k += 3;
            found = true;
            break;
          }
        }
        if (!found) return false;
        break;
      }
      case 'X':
      case 'Z':
      case 'x':
        if (k < s.size() && s[k] == 'Z') {
          ++k;
        } else {
          return false;  // only UTC
        }
        break;
      default: return false;
    }
    i = j;
  }
  if (k != s.size()) return false;
  if (has_ampm) {
    if (hour < 1 || hour > 12) return false;
    hour = hour % 12 + (pm ? 12 : 0);
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return false;
  int64_t days = DaysFromCivil(year, month, day);
  if (CivilFromDays(days).day != day) return false;
  *us = days * kMicrosPerDay + (hour * 3600LL + minute * 60LL + second) * kMicrosPerSecond + micros;
  return true;
}

// Binds a one-argument timestamp → int function (year(), hour(), …).
FunctionBinder PartFn(const std::string& name, std::function<int64_t(int64_t us)> f) {
  return [name, f](std::vector<BoundExprPtr> args) -> Result<BoundExprPtr> {
    LW_RETURN_IF_ERROR(CheckArity(name, args.size(), 1, 1));
    LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindCast(args[0], DataType::Timestamp()));
    ScalarKernel k = [f](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
      FixedReader<int64_t> a(v[0]);
      *out = UnaryLoop<int32_t>(a, self.type, n, [&f](int64_t us, int32_t* o) { return *o = static_cast<int32_t>(f(us)), true; });
      return Status::OK();
    };
    return MakeFunction(name, DataType::Int32(), {x}, k);
  };
}

Result<int64_t> ParseWindowDuration(const std::string& fn, const BoundExprPtr& e) {
  if (!e->IsConstant() || !e->value.valid || e->value.type->id() != TypeId::kString) {
    return Status::InvalidArgument(fn + "(): the duration must be a constant string such as '1 hour'");
  }
  // "<n> <unit>" repeated: 1 hour, 30 minutes, 1 day 12 hours, 15m? (Spark needs words).
  std::string s = Lower(e->value.str);
  int64_t total = 0;
  size_t i = 0;
  bool any = false;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    if (i >= s.size()) break;
    if (s.compare(i, 9, "interval ") == 0) {
      i += 9;
      continue;
    }
    size_t j = i;
    while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.')) ++j;
    if (j == i) return Status::InvalidArgument(fn + "(): cannot read the duration '" + e->value.str + "'");
    double n = std::strtod(s.substr(i, j - i).c_str(), nullptr);
    while (j < s.size() && s[j] == ' ') ++j;
    size_t u = j;
    while (j < s.size() && std::isalpha(static_cast<unsigned char>(s[j]))) ++j;
    std::string unit = s.substr(u, j - u);
    if (unit.size() > 1 && unit.back() == 's' && unit != "ms" && unit != "us") unit.pop_back();
    double mult;
    if (unit == "microsecond" || unit == "us") mult = 1;
    else if (unit == "millisecond" || unit == "ms") mult = 1e3;
    else if (unit == "second" || unit == "sec" || unit == "s") mult = 1e6;
    else if (unit == "minute" || unit == "min" || unit == "m") mult = 60e6;
    else if (unit == "hour" || unit == "h") mult = 3600e6;
    else if (unit == "day" || unit == "d") mult = 86400e6;
    else if (unit == "week" || unit == "w") mult = 7 * 86400e6;
    else return Status::InvalidArgument(fn + "(): unknown unit '" + unit + "' in '" + e->value.str + "' (use microseconds … weeks)");
    total += static_cast<int64_t>(n * mult);
    any = true;
    i = j;
  }
  if (!any || total <= 0) return Status::InvalidArgument(fn + "(): the duration '" + e->value.str + "' must be positive");
  return total;
}

// GCC 12 reports a false "may be used uninitialized" in the shared_ptr
// temporaries of this function at -O2.
#pragma GCC diagnostic push
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
// window(ts, '1 hour'[, slide, start]) → struct<start: timestamp, end: timestamp>
// (tumbling windows only). time_bucket('1 hour', ts) → the start timestamp.
Result<BoundExprPtr> BindWindow(bool bucket, std::vector<BoundExprPtr> args) {
  const std::string name = bucket ? "time_bucket" : "window";
  LW_RETURN_IF_ERROR(CheckArity(name, args.size(), 2, bucket ? 3 : 4));
  const BoundExprPtr& ts = args[bucket ? 1 : 0];
  const BoundExprPtr& dur = args[bucket ? 0 : 1];
  LW_ASSIGN_OR_RETURN(int64_t width, ParseWindowDuration(name, dur));
  int64_t offset = 0;
  if (!bucket && args.size() >= 3) {
    LW_ASSIGN_OR_RETURN(int64_t slide, ParseWindowDuration(name, args[2]));
    if (slide != width) {
      return Status::NotSupported("window(): sliding windows (slide " + args[2]->value.str +
                                  " ≠ width) are not supported; use tumbling windows");
    }
    if (args.size() == 4) {
      LW_ASSIGN_OR_RETURN(offset, ParseWindowDuration(name, args[3]));
    }
  }
  if (bucket && args.size() == 3) {
    auto origin = BindCast(args[2], DataType::Timestamp());
    if (!origin.ok() || !(*origin)->IsConstant() || !(*origin)->value.valid) {
      return Status::InvalidArgument("time_bucket(): the origin must be a constant timestamp");
    }
    offset = (*origin)->value.i64;
  }
  LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindCast(ts, DataType::Timestamp()));
  TypePtr rt = bucket ? DataType::Timestamp()
                      : DataType::Struct({{"start", DataType::Timestamp(), true, ""}, {"end", DataType::Timestamp(), true, ""}});
  ScalarKernel k = [width, offset, bucket](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
    FixedReader<int64_t> a(v[0]);
    Datum start = UnaryLoop<int64_t>(a, DataType::Timestamp(), n, [&](int64_t us, int64_t* o) {
      *o = FloorDiv(us - offset, width) * width + offset;
      return true;
    });
    if (bucket) {
      *out = start;
      return Status::OK();
    }
    auto col = Column::Make(self.type);
    ColumnPtr s = start.column;
    auto e = std::make_shared<Column>(*s);
    int64_t* ev = e->mutable_values<int64_t>();
    for (int64_t i = 0; i < n; ++i) ev[i] += width;
    col->children = {s, e};
    col->validity = s->validity;
    col->length = n;
    *out = Datum(std::move(col));
    return Status::OK();
  };
  return MakeFunction(name, rt, {x}, k);
}

#pragma GCC diagnostic pop

Result<BoundExprPtr> BindDateTrunc(std::vector<BoundExprPtr> args) {
  LW_RETURN_IF_ERROR(CheckArity("date_trunc", args.size(), 2, 2));
  if (!args[0]->IsConstant() || args[0]->type->id() != TypeId::kString) {
    return Status::InvalidArgument("date_trunc(): the unit must be a constant string ('hour', 'day', …)");
  }
  std::string unit = Lower(args[0]->value.str);
  int64_t probe;
  if (!Truncate(unit, 0, &probe)) return MakeConstant(Scalar::Null(DataType::Timestamp()));  // Spark: NULL
  LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindCast(args[1], DataType::Timestamp()));
  ScalarKernel k = [unit](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
    FixedReader<int64_t> a(v[1]);
    if (unit == "hour" || unit == "minute" || unit == "second" || unit == "day" || unit == "dd") {
      int64_t w = unit == "hour" ? 3600 * kMicrosPerSecond : unit == "minute" ? 60 * kMicrosPerSecond
                  : unit == "second" ? kMicrosPerSecond : kMicrosPerDay;
      *out = UnaryLoop<int64_t>(a, self.type, n, [w](int64_t us, int64_t* o) { return *o = FloorDiv(us, w) * w, true; });
    } else {
      *out = UnaryLoop<int64_t>(a, self.type, n, [&unit](int64_t us, int64_t* o) { return Truncate(unit, us, o); });
    }
    return Status::OK();
  };
  return MakeFunction("date_trunc", DataType::Timestamp(), {args[0], x}, k);
}

// A string pattern argument that must be constant; empty when absent.
Result<std::string> PatternArg(const std::string& fn, const std::vector<BoundExprPtr>& args, size_t i,
                               const std::string& dflt) {
  if (args.size() <= i) return dflt;
  if (!args[i]->IsConstant() || args[i]->type->id() != TypeId::kString || !args[i]->value.valid) {
    return Status::InvalidArgument(fn + "(): the format must be a constant string");
  }
  return args[i]->value.str;
}

// Formats int64 values (times `unit` = microseconds) with a Java pattern.
ScalarKernel FormatKernel(std::string pattern, int64_t unit) {
  return [pattern, unit](const BoundExpr&, const std::vector<Datum>& v, int64_t n, Datum* out) {
    FixedReader<int64_t> s(v[0]);
    StringWriter w(n);
    std::string buf;
    for (int64_t i = 0; i < n; ++i) {
      if (!s.Valid(i)) {
        w.AppendNull();
        continue;
      }
      buf.clear();
      FormatPattern(pattern, s[i] * unit, &buf);
      w.Append(buf);
    }
    *out = w.Finish();
    return Status::OK();
  };
}

// Reads a string as a timestamp: with a pattern, or Spark's cast rules.
ScalarKernel ParseTimestampKernel(std::string pattern, int64_t divisor) {
  return [pattern, divisor](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
    StringReader a(v[0]);
    FixedWriter<int64_t> w(self.type, n);
    for (int64_t i = 0; i < n; ++i) {
      int64_t us;
      bool ok = a.Valid(i) && (pattern.empty() ? ParseSparkTimestamp(a[i], &us) : ParsePattern(pattern, a[i], &us));
      if (!ok) {
        w.SetNull(i);
      } else {
        w.values[i] = divisor == 1 ? us : FloorDiv(us, divisor);
      }
    }
    *out = w.Finish();
    return Status::OK();
  };
}

}  // namespace

void RegisterDatetimeFunctions(FunctionTable* t) {
  auto now = [](std::vector<BoundExprPtr> a) -> Result<BoundExprPtr> {
    LW_RETURN_IF_ERROR(CheckArity("current_timestamp", a.size(), 0, 0));
    // One instant per query (Spark evaluates it once): folded at bind time.
    return MakeConstant(Scalar::Timestamp(NowMillis() * 1000));
  };
  t->Add("current_timestamp", now);
  t->Add("now", now);
  t->Add("localtimestamp", now);
  t->Add("current_date", [](std::vector<BoundExprPtr> a) -> Result<BoundExprPtr> {
    LW_RETURN_IF_ERROR(CheckArity("current_date", a.size(), 0, 0));
    return MakeConstant(Scalar::Date(static_cast<int32_t>(FloorDiv(NowMillis(), 86400000))));
  });
  t->Add("date_trunc", BindDateTrunc);
  t->Add("trunc", [](std::vector<BoundExprPtr> a) -> Result<BoundExprPtr> {
    // trunc(date, fmt): year/quarter/month/week → date
    LW_RETURN_IF_ERROR(CheckArity("trunc", a.size(), 2, 2));
    LW_ASSIGN_OR_RETURN(BoundExprPtr tr, BindDateTrunc({a[1], a[0]}));
    return BindCast(tr, DataType::Date());
  });
  t->Add("window", [](std::vector<BoundExprPtr> a) { return BindWindow(false, std::move(a)); });
  t->Add("time_bucket", [](std::vector<BoundExprPtr> a) { return BindWindow(true, std::move(a)); });
  t->Add("from_unixtime", [](std::vector<BoundExprPtr> a) -> Result<BoundExprPtr> {
    LW_RETURN_IF_ERROR(CheckArity("from_unixtime", a.size(), 1, 2));
    LW_ASSIGN_OR_RETURN(std::string pat, PatternArg("from_unixtime", a, 1, "yyyy-MM-dd HH:mm:ss"));
    LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindCast(a[0], DataType::Int64()));
    return MakeFunction("from_unixtime", DataType::String(), {x}, FormatKernel(pat, kMicrosPerSecond));
  });
  t->Add("date_format", [](std::vector<BoundExprPtr> a) -> Result<BoundExprPtr> {
    LW_RETURN_IF_ERROR(CheckArity("date_format", a.size(), 2, 2));
    LW_ASSIGN_OR_RETURN(std::string pat, PatternArg("date_format", a, 1, ""));
    LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindCast(a[0], DataType::Timestamp()));
    return MakeFunction("date_format", DataType::String(), {x}, FormatKernel(pat, 1));
  });
  t->Add("to_timestamp", [](std::vector<BoundExprPtr> a) -> Result<BoundExprPtr> {
    LW_RETURN_IF_ERROR(CheckArity("to_timestamp", a.size(), 1, 2));
    if (a.size() == 1 && a[0]->type->id() != TypeId::kString) return BindCast(a[0], DataType::Timestamp());
    LW_ASSIGN_OR_RETURN(std::string pat, PatternArg("to_timestamp", a, 1, ""));
    LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindCast(a[0], DataType::String()));
    return MakeFunction("to_timestamp", DataType::Timestamp(), {x}, ParseTimestampKernel(pat, 1));
  });
  t->Add("to_date", [](std::vector<BoundExprPtr> a) -> Result<BoundExprPtr> {
    LW_RETURN_IF_ERROR(CheckArity("to_date", a.size(), 1, 2));
    if (a.size() == 1) return BindCast(a[0], DataType::Date());
    LW_ASSIGN_OR_RETURN(std::string pat, PatternArg("to_date", a, 1, ""));
    LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindCast(a[0], DataType::String()));
    auto ts = MakeFunction("to_timestamp", DataType::Timestamp(), {x}, ParseTimestampKernel(pat, 1));
    return BindCast(ts, DataType::Date());
  });
  t->Add("unix_timestamp", [](std::vector<BoundExprPtr> a) -> Result<BoundExprPtr> {
    LW_RETURN_IF_ERROR(CheckArity("unix_timestamp", a.size(), 0, 2));
    if (a.empty()) return MakeConstant(Scalar::Int64(NowMillis() / 1000));
    if (a[0]->type->id() == TypeId::kString) {
      LW_ASSIGN_OR_RETURN(std::string pat, PatternArg("unix_timestamp", a, 1, "yyyy-MM-dd HH:mm:ss"));
      LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindCast(a[0], DataType::String()));
      return MakeFunction("unix_timestamp", DataType::Int64(), {x}, ParseTimestampKernel(pat, kMicrosPerSecond));
    }
    LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindCast(a[0], DataType::Timestamp()));
    return BindCast(x, DataType::Int64());
  });
  auto unix_unit = [](const std::string& name, int64_t div) {
    return [name, div](std::vector<BoundExprPtr> a) -> Result<BoundExprPtr> {
      LW_RETURN_IF_ERROR(CheckArity(name, a.size(), 1, 1));
      LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindCast(a[0], DataType::Timestamp()));
      ScalarKernel k = [div](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
        FixedReader<int64_t> s(v[0]);
        *out = UnaryLoop<int64_t>(s, self.type, n, [div](int64_t us, int64_t* o) { return *o = FloorDiv(us, div), true; });
        return Status::OK();
      };
      return MakeFunction(name, DataType::Int64(), {x}, k);
    };
  };
  t->Add("unix_seconds", unix_unit("unix_seconds", kMicrosPerSecond));
  t->Add("unix_millis", unix_unit("unix_millis", 1000));
  t->Add("unix_micros", unix_unit("unix_micros", 1));
  t->Add("unix_date", [](std::vector<BoundExprPtr> a) -> Result<BoundExprPtr> {
    LW_RETURN_IF_ERROR(CheckArity("unix_date", a.size(), 1, 1));
    LW_ASSIGN_OR_RETURN(BoundExprPtr d, BindCast(a[0], DataType::Date()));
    ScalarKernel k = [](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
      FixedReader<int32_t> s(v[0]);
      *out = UnaryLoop<int32_t>(s, self.type, n, [](int32_t x, int32_t* o) { return *o = x, true; });
      return Status::OK();
    };
    return MakeFunction("unix_date", DataType::Int32(), {d}, k);
  });
  auto from_unit = [](const std::string& name, int64_t mult) {
    return [name, mult](std::vector<BoundExprPtr> a) -> Result<BoundExprPtr> {
      LW_RETURN_IF_ERROR(CheckArity(name, a.size(), 1, 1));
      if (mult == kMicrosPerSecond && !IsIntegral(a[0]->type)) {
        LW_ASSIGN_OR_RETURN(BoundExprPtr d, BindCast(a[0], DataType::Double()));
        return BindCast(d, DataType::Timestamp());
      }
      LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindCast(a[0], DataType::Int64()));
      ScalarKernel k = [mult](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
        FixedReader<int64_t> s(v[0]);
        *out = UnaryLoop<int64_t>(s, self.type, n, [mult](int64_t x, int64_t* o) {
          return !__builtin_mul_overflow(x, mult, o);
        });
        return Status::OK();
      };
      return MakeFunction(name, DataType::Timestamp(), {x}, k);
    };
  };
  t->Add("timestamp_seconds", from_unit("timestamp_seconds", kMicrosPerSecond));
  t->Add("timestamp_millis", from_unit("timestamp_millis", 1000));
  t->Add("timestamp_micros", from_unit("timestamp_micros", 1));
  t->Add("year", PartFn("year", [](int64_t us) { return ToCivil(us).year; }));
  t->Add("quarter", PartFn("quarter", [](int64_t us) { return (ToCivil(us).month - 1) / 3 + 1; }));
  t->Add("month", PartFn("month", [](int64_t us) { return ToCivil(us).month; }));
  auto day = PartFn("day", [](int64_t us) { return ToCivil(us).day; });
  t->Add("day", day);
  t->Add("dayofmonth", day);
  t->Add("hour", PartFn("hour", [](int64_t us) { return ToCivil(us).hour; }));
  t->Add("minute", PartFn("minute", [](int64_t us) { return ToCivil(us).minute; }));
  t->Add("second", PartFn("second", [](int64_t us) { return ToCivil(us).second; }));
  t->Add("dayofweek", PartFn("dayofweek", [](int64_t us) { return DayOfWeek(FloorDiv(us, kMicrosPerDay)); }));
  t->Add("weekday", PartFn("weekday", [](int64_t us) { return (DayOfWeek(FloorDiv(us, kMicrosPerDay)) + 5) % 7; }));
  t->Add("dayofyear", PartFn("dayofyear", [](int64_t us) {
    Civil c = ToCivil(us);
    return c.days - DaysFromCivil(c.year, 1, 1) + 1;
  }));
  t->Add("weekofyear", PartFn("weekofyear", [](int64_t us) { return IsoWeek(FloorDiv(us, kMicrosPerDay)); }));
  auto extract = [](std::vector<BoundExprPtr> a) -> Result<BoundExprPtr> {
    LW_RETURN_IF_ERROR(CheckArity("extract", a.size(), 2, 2));
    if (!a[0]->IsConstant() || a[0]->type->id() != TypeId::kString) {
      return Status::InvalidArgument("extract(): the field must be a name such as YEAR or HOUR");
    }
    std::string f = Lower(a[0]->value.str);
    static const std::pair<const char*, const char*> kMap[] = {
        {"year", "year"},   {"years", "year"},     {"yr", "year"},        {"quarter", "quarter"},
        {"month", "month"}, {"mon", "month"},      {"months", "month"},   {"day", "day"},
        {"days", "day"},    {"d", "day"},          {"hour", "hour"},      {"hours", "hour"},
        {"h", "hour"},      {"minute", "minute"},  {"minutes", "minute"}, {"min", "minute"},
        {"second", "second"}, {"seconds", "second"}, {"s", "second"},    {"dayofweek", "dayofweek"},
        {"dow", "dayofweek"}, {"doy", "dayofyear"}, {"dayofyear", "dayofyear"}, {"week", "weekofyear"},
        {"weeks", "weekofyear"}};
    if (f == "second" || f == "seconds" || f == "s" || f == "sec" || f == "secs") {
      // Spark: the seconds with their fraction, decimal(8,6).
      LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindCast(a[1], DataType::Timestamp()));
      ScalarKernel k = [](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
        FixedReader<int64_t> r(v[0]);
        *out = UnaryLoop<__int128>(r, self.type, n, [](int64_t us, __int128* o) {
          *o = FloorDiv(us, 1) - FloorDiv(us, 60 * kMicrosPerSecond) * 60 * kMicrosPerSecond;
          return true;
        });
        return Status::OK();
      };
      return MakeFunction("extract_second", DataType::Decimal(8, 6), {x}, k);
    }
    for (auto& [k, fn] : kMap) {
      if (f == k) return BindFunction(fn, {a[1]});
    }
    return Status::InvalidArgument("extract(): unknown field '" + a[0]->value.str + "'");
  };
  t->Add("extract", extract);
  t->Add("date_part", extract);
  t->Add("datepart", extract);
  auto add_days = [](const std::string& name, int sign) {
    return [name, sign](std::vector<BoundExprPtr> a) -> Result<BoundExprPtr> {
      LW_RETURN_IF_ERROR(CheckArity(name, a.size(), 2, 2));
      LW_ASSIGN_OR_RETURN(BoundExprPtr d, BindCast(a[0], DataType::Date()));
      LW_ASSIGN_OR_RETURN(BoundExprPtr n, BindCast(a[1], DataType::Int32()));
      ScalarKernel k = [sign](const BoundExpr& self, const std::vector<Datum>& v, int64_t rows, Datum* out) {
        FixedReader<int32_t> x(v[0]), y(v[1]);
        *out = BinaryLoop<int32_t, int32_t, int32_t>(x, y, self.type, rows, [sign](int32_t a, int32_t b, int32_t* o) {
          return *o = a + sign * b, true;
        });
        return Status::OK();
      };
      return MakeFunction(name, DataType::Date(), {d, n}, k);
    };
  };
  t->Add("date_add", add_days("date_add", 1));
  t->Add("dateadd", add_days("date_add", 1));
  t->Add("date_sub", add_days("date_sub", -1));
  t->Add("datediff", [](std::vector<BoundExprPtr> a) -> Result<BoundExprPtr> {
    LW_RETURN_IF_ERROR(CheckArity("datediff", a.size(), 2, 2));
    LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindCast(a[0], DataType::Date()));
    LW_ASSIGN_OR_RETURN(BoundExprPtr y, BindCast(a[1], DataType::Date()));
    ScalarKernel k = [](const BoundExpr& self, const std::vector<Datum>& v, int64_t rows, Datum* out) {
      FixedReader<int32_t> p(v[0]), q(v[1]);
      *out = BinaryLoop<int32_t, int32_t, int32_t>(p, q, self.type, rows, [](int32_t a, int32_t b, int32_t* o) {
        return *o = a - b, true;
      });
      return Status::OK();
    };
    return MakeFunction("datediff", DataType::Int32(), {x, y}, k);
  });
  t->Add("add_months", [](std::vector<BoundExprPtr> a) -> Result<BoundExprPtr> {
    LW_RETURN_IF_ERROR(CheckArity("add_months", a.size(), 2, 2));
    LW_ASSIGN_OR_RETURN(BoundExprPtr d, BindCast(a[0], DataType::Date()));
    LW_ASSIGN_OR_RETURN(BoundExprPtr n, BindCast(a[1], DataType::Int32()));
    ScalarKernel k = [](const BoundExpr& self, const std::vector<Datum>& v, int64_t rows, Datum* out) {
      FixedReader<int32_t> x(v[0]), y(v[1]);
      *out = BinaryLoop<int32_t, int32_t, int32_t>(x, y, self.type, rows, [](int32_t days, int32_t m, int32_t* o) {
        CivilDate c = CivilFromDays(days);
        int64_t total = c.year * 12 + (c.month - 1) + m;
        int64_t yr = FloorDiv(total, 12);
        int mo = static_cast<int>(total - yr * 12) + 1;
        static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        bool leap = (yr % 4 == 0 && yr % 100 != 0) || yr % 400 == 0;
        int last = kDays[mo - 1] + (mo == 2 && leap);
        *o = static_cast<int32_t>(DaysFromCivil(yr, mo, std::min(c.day, last)));
        return true;
      });
      return Status::OK();
    };
    return MakeFunction("add_months", DataType::Date(), {d, n}, k);
  });
  // Internal: timestamp + a fixed number of microseconds (INTERVAL arithmetic).
  t->Add("timestamp_add_micros", [](std::vector<BoundExprPtr> a) -> Result<BoundExprPtr> {
    LW_RETURN_IF_ERROR(CheckArity("timestamp_add_micros", a.size(), 2, 2));
    LW_ASSIGN_OR_RETURN(BoundExprPtr ts, BindCast(a[0], DataType::Timestamp()));
    LW_ASSIGN_OR_RETURN(BoundExprPtr us, BindCast(a[1], DataType::Int64()));
    ScalarKernel k = [](const BoundExpr& self, const std::vector<Datum>& v, int64_t rows, Datum* out) {
      FixedReader<int64_t> x(v[0]), y(v[1]);
      *out = BinaryLoop<int64_t, int64_t, int64_t>(x, y, self.type, rows, [](int64_t p, int64_t q, int64_t* o) {
        return !__builtin_add_overflow(p, q, o);
      });
      return Status::OK();
    };
    return MakeFunction("timestamp_add_micros", DataType::Timestamp(), {ts, us}, k);
  });
}

}  // namespace lakewatch::sql
