#include "report/text.h"

#include <fmt/format.h>

namespace lakewatch::report {

namespace {

constexpr int64_t kMinute = 60 * kMicrosPerSecond;
constexpr int64_t kHour = 60 * kMinute;
constexpr const char* kMonths[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

}  // namespace

std::string GroupThousands(int64_t n) {
  std::string digits = fmt::format("{}", n);
  size_t sign = digits[0] == '-' ? 1 : 0;
  size_t len = digits.size() - sign;
  std::string out(digits, 0, sign);
  for (size_t i = 0; i < len; ++i) {
    if (i > 0 && (len - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[sign + i]);
  }
  return out;
}

size_t Chars(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string Ellipsize(std::string_view s, size_t max_chars) {
  if (Chars(s) <= max_chars || max_chars == 0) return std::string(s);
  size_t kept = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && kept++ == max_chars - 1) break;
  }
  return std::string(s.substr(0, i)) + "…";
}

UtcTime ToUtc(int64_t micros) {
  const int64_t days = FloorDiv(micros, kMicrosPerDay);
  const int64_t rest = micros - days * kMicrosPerDay;
  UtcTime u;
  u.date = CivilFromDays(days);
  u.hour = static_cast<int>(rest / kHour);
  u.minute = static_cast<int>(rest % kHour / kMinute);
  return u;
}

const char* MonthAbbrev(int month) { return kMonths[month - 1]; }

std::string ShortDate(int64_t micros, bool with_year, bool time) {
  const UtcTime u = ToUtc(micros);
  std::string s = fmt::format("{} {}", MonthAbbrev(u.date.month), u.date.day);
  if (with_year) s += fmt::format(" {}", u.date.year);
  if (time || u.hour != 0 || u.minute != 0) s += fmt::format(" {:02}:{:02}", u.hour, u.minute);
  return s;
}

}  // namespace lakewatch::report
