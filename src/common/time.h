// Calendar arithmetic (proleptic Gregorian, UTC) and the canonical text forms
// of dates and timestamps used in every output: `YYYY-MM-DD` and RFC 3339 UTC
// with microseconds `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>

namespace lakewatch {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerDay = 86400LL * kMicrosPerSecond;

struct CivilDate {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};

// Days since 1970-01-01 <-> civil date (valid for the whole int64 day range we use).
CivilDate CivilFromDays(int64_t days);
int64_t DaysFromCivil(int64_t year, int month, int day);

// Floor division that rounds toward negative infinity.
inline int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// Appends "YYYY-MM-DD" (years beyond 9999 get more digits, negative years a '-').
void AppendDate(int64_t days, std::string* out);
// Appends "YYYY-MM-DDTHH:MM:SS.ffffffZ" for microseconds since the epoch (UTC).
// With `zone_suffix` false the trailing 'Z' is left out (timestamp_ntz).
void AppendTimestampMicros(int64_t micros, std::string* out, bool zone_suffix = true);
// Appends "HH:MM:SS.ffffff" for microseconds since midnight.
void AppendTimeOfDay(int64_t micros, std::string* out);
// Wall-clock time now, milliseconds since the epoch.
int64_t NowMillis();
std::string FormatDate(int64_t days);
std::string FormatTimestampMicros(int64_t micros, bool zone_suffix = true);

}  // namespace lakewatch
