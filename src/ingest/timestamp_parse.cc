// Timestamp recognition. Each form has its own small reader over a
// string_view; the dispatcher picks the reader from the first characters
// (digit count and the separator after them, or a weekday/month name), so a
// line that starts with no timestamp costs a few comparisons. Readers fill a
// Civil (broken-down time) which is range-checked and converted with
// DaysFromCivil; nothing allocates.
#include "ingest/timestamp_parse.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "common/time.h"

namespace lakewatch::ingest {
namespace {

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool IsAlnum(char c) { return IsDigit(c) || IsAlpha(c); }
inline char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// Exactly `n` digits at s[pos..] (what follows is not looked at).
bool ReadDigits(std::string_view s, size_t pos, int n, int64_t* out) {
  if (pos > s.size() || s.size() - pos < static_cast<size_t>(n)) return false;
  int64_t v = 0;
  for (int i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

size_t CountDigits(std::string_view s, size_t pos) {
  size_t n = 0;
  while (pos + n < s.size() && IsDigit(s[pos + n])) ++n;
  return n;
}

bool At(std::string_view s, size_t pos, char c) { return pos < s.size() && s[pos] == c; }

bool IsLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t y, int m) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return (m == 2 && IsLeapYear(y)) ? 29 : kDays[m - 1];
}

// Three letters naming a month (any case): 1..12, else 0.
int MonthFromName(std::string_view s, size_t pos) {
  if (pos > s.size() || s.size() - pos < 3) return 0;
  static constexpr const char* kNames[12] = {"jan", "feb", "mar", "apr", "may", "jun",
                                             "jul", "aug", "sep", "oct", "nov", "dec"};
  const char a = Lower(s[pos]), b = Lower(s[pos + 1]), c = Lower(s[pos + 2]);
  for (int i = 0; i < 12; ++i) {
    if (kNames[i][0] == a && kNames[i][1] == b && kNames[i][2] == c) return i + 1;
  }
  return 0;
}

bool IsWeekdayName(std::string_view s, size_t pos) {
  if (pos > s.size() || s.size() - pos < 3) return false;
  static constexpr const char* kNames[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  const char a = Lower(s[pos]), b = Lower(s[pos + 1]), c = Lower(s[pos + 2]);
  for (const char* n : kNames) {
    if (n[0] == a && n[1] == b && n[2] == c) return true;
  }
  return false;
}

struct Civil {
  int64_t year = 1970;
  int month = 1, day = 1, hour = 0, minute = 0, second = 0;
  int64_t frac_us = 0;
  int64_t offset_s = 0;  // local = UTC + offset
  bool has_zone = false;
  bool has_year = true;
  bool fraction_too_long = false;
};

// [.,] followed by 1-9 digits; truncated to microseconds. A separator with
// no digit after it is not read. More than 9 digits marks the Civil invalid.
void ReadFraction(std::string_view s, size_t* pos, Civil* c) {
  size_t p = *pos;
  if (p >= s.size() || (s[p] != '.' && s[p] != ',')) return;
  const size_t n = CountDigits(s, p + 1);
  if (n == 0) return;
  if (n > 9) c->fraction_too_long = true;
  int64_t v = 0;
  for (size_t i = 0; i < 6; ++i) v = v * 10 + (i < n ? s[p + 1 + i] - '0' : 0);
  c->frac_us = v;
  *pos = p + 1 + n;
}

// HH:MM[:SS][fraction]. Seconds may be required; a fraction needs seconds.
bool ReadClock(std::string_view s, size_t* pos, Civil* c, bool seconds_required) {
  size_t p = *pos;
  int64_t h = 0, m = 0, sec = 0;
  if (!ReadDigits(s, p, 2, &h) || !At(s, p + 2, ':') || !ReadDigits(s, p + 3, 2, &m)) return false;
  p += 5;
  if (At(s, p, ':') && ReadDigits(s, p + 1, 2, &sec)) {
    p += 3;
    ReadFraction(s, &p, c);
  } else if (seconds_required) {
    return false;
  }
  c->hour = static_cast<int>(h);
  c->minute = static_cast<int>(m);
  c->second = static_cast<int>(sec);
  *pos = p;
  return true;
}

// ±hh, ±hhmm or ±hh:mm at s[p]; `full` requires the minutes.
bool ReadOffset(std::string_view s, size_t* pos, Civil* c, bool full) {
  size_t p = *pos;
  if (p >= s.size() || (s[p] != '+' && s[p] != '-')) return false;
  const int sign = s[p] == '-' ? -1 : 1;
  int64_t hh = 0, mm = 0;
  if (!ReadDigits(s, p + 1, 2, &hh)) return false;
  p += 3;
  if (At(s, p, ':') && ReadDigits(s, p + 1, 2, &mm)) {
    p += 3;
  } else if (ReadDigits(s, p, 2, &mm)) {
    p += 2;
  } else if (full) {
    return false;
  }
  if (hh > 23 || mm > 59) return false;
  c->offset_s = sign * (hh * 3600 + mm * 60);
  c->has_zone = true;
  *pos = p;
  return true;
}

bool NameAt(std::string_view s, size_t p, std::string_view name) {
  if (p > s.size() || s.size() - p < name.size()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    if (Lower(s[p + i]) != name[i]) return false;
  }
  return p + name.size() == s.size() || !IsAlnum(s[p + name.size()]);
}

// An optional zone after a time: Z, ±hh[[:]mm], or one space then ±hhmm,
// ±hh:mm, UTC or GMT.
void ReadZone(std::string_view s, size_t* pos, Civil* c) {
  size_t p = *pos;
  if (p >= s.size()) return;
  if ((s[p] == 'Z' || s[p] == 'z') && (p + 1 == s.size() || !IsAlnum(s[p + 1]))) {
    c->has_zone = true;
    *pos = p + 1;
    return;
  }
  if (s[p] == '+' || s[p] == '-') {
    if (ReadOffset(s, &p, c, /*full=*/false)) *pos = p;
    return;
  }
  if (s[p] == ' ') {
    ++p;
    if (NameAt(s, p, "utc") || NameAt(s, p, "gmt")) {
      c->has_zone = true;
      *pos = p + 3;
      return;
    }
    Civil probe = *c;
    if (ReadOffset(s, &p, &probe, /*full=*/true) && (p == s.size() || !IsAlnum(s[p]))) {
      *c = probe;
      *pos = p;
    }
  }
}

bool Valid(const Civil& c) {
  return c.month >= 1 && c.month <= 12 && c.day >= 1 && c.day <= DaysInMonth(c.year, c.month) &&
         c.hour <= 23 && c.minute <= 59 && c.second <= 59 && !c.fraction_too_long;
}

int64_t ToMicros(const Civil& c) {
  const int64_t days = DaysFromCivil(c.year, c.month, c.day);
  const int64_t secs = days * 86400 + c.hour * 3600 + c.minute * 60 + c.second - c.offset_s;
  return secs * kMicrosPerSecond + c.frac_us;
}

int64_t TwoDigitYear(int64_t yy) { return yy >= 69 ? 1900 + yy : 2000 + yy; }

// ---- readers: each returns the end position of the form at s[0..], or 0.

// YYYY-MM-DD[T ]HH:MM[:SS][frac][zone], YYYY/MM/DD ..., YYYY.MM.DD ...,
// YYYY-MM-DD-HH.MM.SS[.ffffff] (BlueGene/L), YYYYMMDDTHHMMSS[frac][zone].
size_t ReadIso(std::string_view s, Civil* c, TimestampForm* form) {
  int64_t y = 0, mo = 0, d = 0;
  size_t p;
  *form = TimestampForm::kIso8601;
  if (CountDigits(s, 0) == 8) {
    if (!ReadDigits(s, 0, 4, &y) || !ReadDigits(s, 4, 2, &mo) || !ReadDigits(s, 6, 2, &d)) return 0;
    if (!At(s, 8, 'T')) return 0;
    int64_t h = 0, mi = 0, sec = 0;
    if (!ReadDigits(s, 9, 2, &h) || !ReadDigits(s, 11, 2, &mi) || !ReadDigits(s, 13, 2, &sec)) {
      return 0;
    }
    c->hour = static_cast<int>(h);
    c->minute = static_cast<int>(mi);
    c->second = static_cast<int>(sec);
    p = 15;
    ReadFraction(s, &p, c);
    ReadZone(s, &p, c);
  } else {
    if (!ReadDigits(s, 0, 4, &y)) return 0;
    const char sep = s.size() > 4 ? s[4] : 0;
    if (sep != '-' && sep != '/' && sep != '.') return 0;
    if (!ReadDigits(s, 5, 2, &mo) || !At(s, 7, sep) || !ReadDigits(s, 8, 2, &d)) return 0;
    p = 10;
    if (sep == '-' && At(s, p, '-')) {
      // BlueGene/L: -HH.MM.SS[.ffffff]
      int64_t h = 0, mi = 0, sec = 0;
      if (!ReadDigits(s, p + 1, 2, &h) || !At(s, p + 3, '.') || !ReadDigits(s, p + 4, 2, &mi) ||
          !At(s, p + 6, '.') || !ReadDigits(s, p + 7, 2, &sec)) {
        return 0;
      }
      c->hour = static_cast<int>(h);
      c->minute = static_cast<int>(mi);
      c->second = static_cast<int>(sec);
      p += 9;
      if (At(s, p, '.')) ReadFraction(s, &p, c);
      *form = TimestampForm::kBgl;
    } else {
      if (p >= s.size() || (s[p] != 'T' && s[p] != 't' && s[p] != ' ')) return 0;
      ++p;
      if (!ReadClock(s, &p, c, /*seconds_required=*/false)) return 0;
      ReadZone(s, &p, c);
    }
  }
  c->year = y;
  c->month = static_cast<int>(mo);
  c->day = static_cast<int>(d);
  return p;
}

// Www Mmm dd HH:MM:SS[.frac] YYYY (day may be space-padded).
size_t ReadCtime(std::string_view s, Civil* c) {
  if (!At(s, 3, ' ')) return 0;
  const int mo = MonthFromName(s, 4);
  if (mo == 0 || !At(s, 7, ' ')) return 0;
  size_t p = 8;
  if (At(s, p, ' ')) ++p;
  const size_t nd = CountDigits(s, p);
  if (nd < 1 || nd > 2) return 0;
  int64_t d = 0;
  ReadDigits(s, p, static_cast<int>(nd), &d);
  p += nd;
  if (!At(s, p, ' ')) return 0;
  ++p;
  if (!ReadClock(s, &p, c, /*seconds_required=*/true)) return 0;
  int64_t y = 0;
  if (!At(s, p, ' ') || !ReadDigits(s, p + 1, 4, &y)) return 0;
  p += 5;
  c->year = y;
  c->month = mo;
  c->day = static_cast<int>(d);
  return p;
}

// Www, dd Mmm YYYY HH:MM:SS (GMT|UTC|±hhmm)?
size_t ReadRfc1123(std::string_view s, Civil* c) {
  if (!At(s, 3, ',') || !At(s, 4, ' ')) return 0;
  int64_t d = 0, y = 0;
  if (!ReadDigits(s, 5, 2, &d) || !At(s, 7, ' ')) return 0;
  const int mo = MonthFromName(s, 8);
  if (mo == 0 || !At(s, 11, ' ') || !ReadDigits(s, 12, 4, &y) || !At(s, 16, ' ')) return 0;
  size_t p = 17;
  if (!ReadClock(s, &p, c, /*seconds_required=*/true)) return 0;
  ReadZone(s, &p, c);
  c->year = y;
  c->month = mo;
  c->day = static_cast<int>(d);
  return p;
}

// dd/Mmm/YYYY:HH:MM:SS[ ±hhmm] (common log format).
size_t ReadCommonLog(std::string_view s, Civil* c) {
  int64_t d = 0, y = 0;
  if (!ReadDigits(s, 0, 2, &d) || !At(s, 2, '/')) return 0;
  const int mo = MonthFromName(s, 3);
  if (mo == 0 || !At(s, 6, '/') || !ReadDigits(s, 7, 4, &y) || !At(s, 11, ':')) return 0;
  size_t p = 12;
  if (!ReadClock(s, &p, c, /*seconds_required=*/true)) return 0;
  ReadZone(s, &p, c);
  c->year = y;
  c->month = mo;
  c->day = static_cast<int>(d);
  return p;
}

// yy/MM/dd HH:MM:SS[frac]
size_t ReadYyMmDdSlash(std::string_view s, Civil* c) {
  int64_t yy = 0, mo = 0, d = 0;
  if (!ReadDigits(s, 0, 2, &yy) || !At(s, 2, '/') || !ReadDigits(s, 3, 2, &mo) || !At(s, 5, '/') ||
      !ReadDigits(s, 6, 2, &d) || !At(s, 8, ' ')) {
    return 0;
  }
  size_t p = 9;
  if (!ReadClock(s, &p, c, /*seconds_required=*/true)) return 0;
  c->year = TwoDigitYear(yy);
  c->month = static_cast<int>(mo);
  c->day = static_cast<int>(d);
  return p;
}

// yyMMdd HHmmss
size_t ReadYyMmDdCompact(std::string_view s, Civil* c) {
  int64_t yy = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!ReadDigits(s, 0, 2, &yy) || !ReadDigits(s, 2, 2, &mo) || !ReadDigits(s, 4, 2, &d) ||
      !At(s, 6, ' ') || !ReadDigits(s, 7, 2, &h) || !ReadDigits(s, 9, 2, &mi) ||
      !ReadDigits(s, 11, 2, &sec)) {
    return 0;
  }
  c->year = TwoDigitYear(yy);
  c->month = static_cast<int>(mo);
  c->day = static_cast<int>(d);
  c->hour = static_cast<int>(h);
  c->minute = static_cast<int>(mi);
  c->second = static_cast<int>(sec);
  return 13;
}

// MM<sep>dd HH:MM:SS[frac] (year-less: Android with '-', Proxifier with '.').
size_t ReadMonthDay(std::string_view s, char sep, Civil* c) {
  int64_t mo = 0, d = 0;
  if (!ReadDigits(s, 0, 2, &mo) || !At(s, 2, sep) || !ReadDigits(s, 3, 2, &d) || !At(s, 5, ' ')) {
    return 0;
  }
  size_t p = 6;
  if (!ReadClock(s, &p, c, /*seconds_required=*/true)) return 0;
  c->month = static_cast<int>(mo);
  c->day = static_cast<int>(d);
  c->has_year = false;
  return p;
}

// MMdd HH:MM:SS[frac] (glog, after its level letter; year-less).
size_t ReadMonthDayCompact(std::string_view s, Civil* c) {
  int64_t mo = 0, d = 0;
  if (!ReadDigits(s, 0, 2, &mo) || !ReadDigits(s, 2, 2, &d) || !At(s, 4, ' ')) return 0;
  size_t p = 5;
  if (!ReadClock(s, &p, c, /*seconds_required=*/true)) return 0;
  c->month = static_cast<int>(mo);
  c->day = static_cast<int>(d);
  c->has_year = false;
  return p;
}

// Mmm dd HH:MM:SS[frac] (RFC 3164; the day may be space-padded or one digit).
size_t ReadSyslog(std::string_view s, Civil* c) {
  const int mo = MonthFromName(s, 0);
  if (mo == 0 || !At(s, 3, ' ')) return 0;
  size_t p = 4;
  if (At(s, p, ' ')) ++p;
  const size_t nd = CountDigits(s, p);
  if (nd < 1 || nd > 2) return 0;
  int64_t d = 0;
  ReadDigits(s, p, static_cast<int>(nd), &d);
  p += nd;
  if (!At(s, p, ' ')) return 0;
  ++p;
  if (!ReadClock(s, &p, c, /*seconds_required=*/true)) return 0;
  c->month = mo;
  c->day = static_cast<int>(d);
  c->has_year = false;
  return p;
}

// Gives a year-less Civil its year by the TimestampContext rule.
void AssumeYear(const TimestampContext& ctx, Civil* c) {
  const int64_t ref_year = CivilFromDays(FloorDiv(ctx.reference_micros, kMicrosPerDay)).year;
  auto fit = [c](int64_t y) {
    if (c->month == 2 && c->day == 29) {
      while (!IsLeapYear(y)) --y;
    }
    return y;
  };
  c->year = fit(ref_year);
  if (ToMicros(*c) > ctx.reference_micros + kMicrosPerDay) c->year = fit(ref_year - 1);
}

// The end of a timestamp must not run into a word or number.
bool Terminated(std::string_view s, size_t p) { return p == s.size() || !IsAlnum(s[p]); }

// Dispatch on the first characters. Returns the length, 0 when none.
size_t ReadAny(std::string_view s, const TimestampContext& ctx, Civil* c, TimestampForm* form) {
  if (s.empty()) return 0;
  size_t len = 0;
  if (IsDigit(s[0])) {
    const size_t n = CountDigits(s, 0);
    if (n == 4 && At(s, 4, ' ')) {
      len = ReadMonthDayCompact(s, c);
      *form = TimestampForm::kMonthDayCompact;
    } else if (n == 4 || n == 8) {
      len = ReadIso(s, c, form);
    } else if (n == 2 && s.size() > 3) {
      if (s[2] == '/' && IsDigit(s[3])) {
        len = ReadYyMmDdSlash(s, c);
        *form = TimestampForm::kYyMmDdSlash;
      } else if (s[2] == '/') {
        len = ReadCommonLog(s, c);
        *form = TimestampForm::kCommonLog;
      } else if (s[2] == '-') {
        len = ReadMonthDay(s, '-', c);
        *form = TimestampForm::kMonthDayDash;
      } else if (s[2] == '.') {
        len = ReadMonthDay(s, '.', c);
        *form = TimestampForm::kMonthDayDot;
      }
    } else if (n == 6) {
      len = ReadYyMmDdCompact(s, c);
      *form = TimestampForm::kYyMmDdCompact;
    } else if ((n == 10 || n == 13) && s[0] != '0') {
      // Epoch seconds (optionally with a fraction) or milliseconds; what
      // follows must be a separator, so "1117838570.1.2" is not one.
      size_t p = n;
      int64_t v = 0;
      ReadDigits(s, 0, static_cast<int>(n), &v);
      int64_t frac_us = 0;
      if (n == 10 && At(s, p, '.')) {
        Civil f;
        ReadFraction(s, &p, &f);
        if (f.fraction_too_long) return 0;
        frac_us = f.frac_us;
      }
      if (p < s.size() && s[p] != ' ' && s[p] != '\t' && s[p] != ']' && s[p] != ',' &&
          s[p] != ';' && s[p] != '|' && s[p] != ')' && s[p] != '\r' && s[p] != '\n') {
        return 0;
      }
      *form = TimestampForm::kEpoch;
      c->has_zone = true;
      c->frac_us = n == 10 ? v * kMicrosPerSecond + frac_us : v * 1000;
      return p;
    }
  } else if (IsAlpha(s[0])) {
    if (IsWeekdayName(s, 0)) {
      if (At(s, 3, ',')) {
        len = ReadRfc1123(s, c);
        *form = TimestampForm::kRfc1123;
      } else {
        len = ReadCtime(s, c);
        *form = TimestampForm::kCtime;
      }
    } else {
      len = ReadSyslog(s, c);
      *form = TimestampForm::kSyslog;
    }
  }
  if (len == 0 || !Terminated(s, len)) return 0;
  if (!c->has_year) {
    // Range-check against a leap year so that Feb 29 passes, then assign.
    Civil probe = *c;
    probe.year = 2000;
    if (!Valid(probe)) return 0;
    AssumeYear(ctx, c);
  }
  return Valid(*c) ? len : 0;
}

std::optional<LeadingTimestamp> Make(const Civil& c, size_t len, TimestampForm form) {
  LeadingTimestamp t;
  // kEpoch keeps its whole value in frac_us (see ReadAny).
  t.micros = form == TimestampForm::kEpoch ? c.frac_us : ToMicros(c);
  t.length = len;
  t.has_year = c.has_year;
  t.has_zone = c.has_zone;
  t.form = form;
  return t;
}

}  // namespace

TimestampContext TimestampContext::Now() {
  TimestampContext ctx;
  ctx.reference_micros = NowMillis() * 1000;
  return ctx;
}

namespace {

// Two digits at s[i] into *out (inline: four per timestamp on the hot path).
[[gnu::always_inline]] inline bool TwoDigits(const char* s, size_t i, int* out) {
  const unsigned a = static_cast<unsigned char>(s[i]) - '0', b = static_cast<unsigned char>(s[i + 1]) - '0';
  *out = static_cast<int>(a * 10 + b);
  return a <= 9 && b <= 9;
}

// The fraction of "...SS.fZ" to "...SS.ffffffZ" (n = the whole length,
// 20 to 27) in microseconds; false when malformed.
[[gnu::always_inline]] inline bool Rfc3339Fraction(const char* p, size_t n, int64_t* frac_us) {
  *frac_us = 0;
  if (n == 20) return true;
  if (p[19] != '.' || n < 22) return false;
  int64_t f = 0;
  for (size_t i = 20; i + 1 < n; ++i) {
    const unsigned d = static_cast<unsigned char>(p[i]) - '0';
    if (d > 9) return false;
    f = f * 10 + d;
  }
  static constexpr int64_t kScale[7] = {1, 100000, 10000, 1000, 100, 10, 1};
  *frac_us = f * kScale[n - 21];
  return true;
}

// The minute ("YYYY-MM-DDTHH:MM") of the last timestamp this thread read and
// its start in microseconds: a log's timestamps mostly share their minute
// with the one before, which leaves only the seconds and fraction to read.
struct MinuteCache {
  char minute[16] = {};
  int64_t micros = 0;
  bool valid = false;
};
thread_local MinuteCache minute_cache;

}  // namespace

// Read without the dispatch of ReadAny (same result; anything else returns false).
bool ParseRfc3339Utc(std::string_view s, int64_t* micros) {
  const size_t n = s.size();
  const char* p = s.data();
  if (n < 20 || n > 27 || p[n - 1] != 'Z' || p[16] != ':') return false;
  int second = 0;
  int64_t frac_us = 0;
  if (!TwoDigits(p, 17, &second) || second > 59 || !Rfc3339Fraction(p, n, &frac_us)) return false;
  MinuteCache& cache = minute_cache;
  if (!cache.valid || std::memcmp(p, cache.minute, sizeof cache.minute) != 0) {
    // Another minute: read and check it, then keep it.
    if (p[4] != '-' || p[7] != '-' || p[10] != 'T' || p[13] != ':') return false;
    Civil c;
    int y1 = 0, y2 = 0;
    if (!TwoDigits(p, 0, &y1) || !TwoDigits(p, 2, &y2) || !TwoDigits(p, 5, &c.month) || !TwoDigits(p, 8, &c.day) ||
        !TwoDigits(p, 11, &c.hour) || !TwoDigits(p, 14, &c.minute)) {
      return false;
    }
    c.year = y1 * 100 + y2;
    if (!Valid(c)) return false;
    std::memcpy(cache.minute, p, sizeof cache.minute);
    cache.micros = ToMicros(c);
    cache.valid = true;
  }
  *micros = cache.micros + second * kMicrosPerSecond + frac_us;
  return true;
}

std::optional<int64_t> ParseTimestampText(std::string_view s) {
  if (int64_t micros = 0; ParseRfc3339Utc(s, &micros)) return micros;
  Civil c;
  TimestampForm form = TimestampForm::kIso8601;
  const size_t len = ReadAny(s, TimestampContext{}, &c, &form);
  if (len == 0 || len != s.size()) return std::nullopt;
  switch (form) {
    case TimestampForm::kIso8601:
    case TimestampForm::kBgl:
    case TimestampForm::kCtime:
    case TimestampForm::kRfc1123:
    case TimestampForm::kCommonLog:
      return ToMicros(c);
    default:
      return std::nullopt;
  }
}

int64_t EpochToMicros(int64_t v) {
  // Magnitudes compared without negating (INT64_MIN has no positive twin).
  if (v > -100000000000LL && v < 100000000000LL) return v * kMicrosPerSecond;
  if (v > -100000000000000LL && v < 100000000000000LL) return v * 1000;
  if (v > -100000000000000000LL && v < 100000000000000000LL) return v;
  return FloorDiv(v, 1000);
}

int64_t EpochToMicros(double v) {
  if (std::isnan(v)) return 0;
  const double a = std::fabs(v);
  double us;
  if (a < 1e11) {
    us = v * 1e6;
  } else if (a < 1e14) {
    us = v * 1e3;
  } else if (a < 1e17) {
    us = v;
  } else {
    us = v / 1e3;
  }
  us = std::nearbyint(us);
  // 2^63 is exactly representable; anything at or beyond it saturates.
  if (us >= 9223372036854775808.0) return std::numeric_limits<int64_t>::max();
  if (us < -9223372036854775808.0) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(us);
}

std::optional<LeadingTimestamp> ParseTimestampPrefix(std::string_view s,
                                                     const TimestampContext& ctx) {
  Civil c;
  TimestampForm form = TimestampForm::kIso8601;
  const size_t len = ReadAny(s, ctx, &c, &form);
  if (len == 0) return std::nullopt;
  return Make(c, len, form);
}

std::optional<LeadingTimestamp> ExtractLeadingTimestamp(std::string_view line,
                                                        const TimestampContext& ctx) {
  if (!line.empty() && line[0] == '[') {
    std::optional<LeadingTimestamp> t = ParseTimestampPrefix(line.substr(1), ctx);
    if (!t || !At(line, 1 + t->length, ']')) return std::nullopt;
    t->length += 2;
    t->bracketed = true;
    return t;
  }
  return ParseTimestampPrefix(line, ctx);
}

}  // namespace lakewatch::ingest
