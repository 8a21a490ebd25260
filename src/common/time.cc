#include "common/time.h"

#include <chrono>
#include <cstdio>

namespace lakewatch {

// Days <-> civil conversion after Howard Hinnant's public-domain algorithms
// (eras of 400 years, March-based years).
CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = yoe + era * 400;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return CivilDate{m <= 2 ? y + 1 : y, m, d};
}

int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = FloorDiv(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void AppendDate(int64_t days, std::string* out) {
  CivilDate c = CivilFromDays(days);
  char buf[48];
  int n;
  if (c.year > 9999) {
    // ISO 8601 expanded years carry a sign (as Spark and DuckDB print them).
    n = std::snprintf(buf, sizeof(buf), "+%lld-%02d-%02d", static_cast<long long>(c.year),
                      c.month, c.day);
  } else if (c.year >= 0) {
    n = std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02d", static_cast<long long>(c.year),
                      c.month, c.day);
  } else {
    n = std::snprintf(buf, sizeof(buf), "-%04lld-%02d-%02d", static_cast<long long>(-c.year),
                      c.month, c.day);
  }
  out->append(buf, n);
}

void AppendTimestampMicros(int64_t micros, std::string* out, bool zone_suffix) {
  int64_t days = FloorDiv(micros, kMicrosPerDay);
  int64_t rem = micros - days * kMicrosPerDay;
  AppendDate(days, out);
  int64_t secs = rem / kMicrosPerSecond;
  int64_t frac = rem % kMicrosPerSecond;
  char buf[32];
  int n = std::snprintf(buf, sizeof(buf), "T%02d:%02d:%02d.%06d%s", static_cast<int>(secs / 3600),
                        static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60),
                        static_cast<int>(frac), zone_suffix ? "Z" : "");
  out->append(buf, n);
}

void AppendTimeOfDay(int64_t micros, std::string* out) {
  int64_t secs = FloorDiv(micros, kMicrosPerSecond);
  int64_t frac = micros - secs * kMicrosPerSecond;
  char buf[48];
  int n = std::snprintf(buf, sizeof(buf), "%02lld:%02d:%02d.%06d", static_cast<long long>(secs / 3600),
                        static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60),
                        static_cast<int>(frac));
  out->append(buf, n);
}

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string FormatDate(int64_t days) {
  std::string s;
  AppendDate(days, &s);
  return s;
}

std::string FormatTimestampMicros(int64_t micros, bool zone_suffix) {
  std::string s;
  AppendTimestampMicros(micros, &s, zone_suffix);
  return s;
}

}  // namespace lakewatch
