// Text shared by the report's builder, its HTML renderer and the demo's
// terminal summary: counts with thousands separators, short UTC dates, and
// strings cut to a number of characters.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/time.h"

namespace lakewatch::report {

// 1234567 -> "1,234,567".
std::string GroupThousands(int64_t n);

// Characters (UTF-8 code points) of `s`.
size_t Chars(std::string_view s);
// `s` cut to `max_chars` characters, "…" (one of them) marking the cut.
std::string Ellipsize(std::string_view s, size_t max_chars);

// A time (µs since the epoch) in UTC, to the minute.
struct UtcTime {
  CivilDate date;
  int hour = 0;
  int minute = 0;
};
UtcTime ToUtc(int64_t micros);
// "Jan".."Dec" for month 1..12.
const char* MonthAbbrev(int month);

// "Nov 10", or "Nov 10 12:00" off midnight (always with `time`); the year
// appended with `with_year`.
std::string ShortDate(int64_t micros, bool with_year = false, bool time = false);

}  // namespace lakewatch::report
