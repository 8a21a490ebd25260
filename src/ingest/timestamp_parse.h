// Timestamp recognition for ingest: RFC 3339 / ISO 8601 text, the common log
// timestamp forms (syslog, Apache error and access logs, log4j, Android
// logcat, HDFS, Spark, BlueGene/L, Proxifier), and epoch numbers.
//
// Every result is microseconds since 1970-01-01T00:00:00Z. A timestamp with
// no zone designator is taken as UTC (logs rarely say; the caller may shift).
// Fractions longer than microseconds are truncated (not rounded); more than 9
// fraction digits is not a timestamp. Fields are range-checked: month 1-12,
// day valid for the month (leap years included), hour 0-23, minute and second
// 0-59 (a leap second :60 is refused), zone offsets up to ±23:59.
//
// Thread-safety: pure functions over their arguments.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace lakewatch::ingest {

// The textual form a recognized timestamp had.
enum class TimestampForm : uint8_t {
  kIso8601,          // 2025-11-24T16:00:00.123Z, 2025-11-24 16:00:00,123, 2025/11/24 16:00:00,
                     // 20251124T160000Z
  kBgl,              // 2005-06-03-15.42.50.675872 (BlueGene/L RAS)
  kCtime,            // Sun Dec 04 04:47:44 2005, Fri Sep 09 10:42:29.902022 2011 (Apache error log)
  kRfc1123,          // Sun, 06 Nov 1994 08:49:37 GMT
  kCommonLog,        // 17/May/2015:10:05:03 +0000 (Apache/nginx access log)
  kYyMmDdCompact,    // 081109 203615 (HDFS: yyMMdd HHmmss)
  kYyMmDdSlash,      // 17/06/09 20:10:40 (Spark/log4j: yy/MM/dd HH:mm:ss)
  kSyslog,           // Jun 14 15:16:01, Jun  4 15:16:01.123 (RFC 3164; no year)
  kMonthDayDash,     // 03-17 16:13:38.811 (Android logcat; no year)
  kMonthDayDot,      // 10.30 16:49:06 (Proxifier; no year)
  kMonthDayCompact,  // 1124 16:00:00.123456 (glog after its level letter: MMdd; no year)
  kEpoch,            // 1117838570, 1117838570.675872, 1448470200000 (seconds or milliseconds)
};

// What a leading-timestamp extraction needs to know about its source.
struct TimestampContext {
  // The reference instant (microseconds since the epoch): normally the time
  // the source is read. Year-less forms take the reference's UTC year, or the
  // year before when that would put the timestamp more than one day after the
  // reference (syslog readers do the same: "Dec 31" read on Jan 2 is last
  // year's). A February 29 in a non-leap assumed year goes to the latest leap
  // year before it.
  int64_t reference_micros = 0;

  // A context whose reference is the wall clock now.
  static TimestampContext Now();
};

struct LeadingTimestamp {
  int64_t micros = 0;      // since the epoch, UTC
  size_t length = 0;       // bytes of the line it spans, enclosing brackets included
  bool has_year = true;    // false: the year came from TimestampContext
  bool has_zone = false;   // the text carried a zone (Z, ±hh:mm, GMT); else taken as UTC
  bool bracketed = false;  // enclosed in [ ]
  TimestampForm form = TimestampForm::kIso8601;
};

// The whole of `s` is a timestamp with a full date: ISO 8601 / RFC 3339
// (extended `2025-11-24T16:00:00Z` or `2025-11-24 16:00:00.123456`, `T`, `t` or
// one space between date and time, seconds optional, fraction after `.` or `,`
// of 1-9 digits, zone `Z`, `±hh:mm`, `±hhmm`, `±hh`, optionally after one
// space, ` UTC`/` GMT`, none = UTC; `/` as date separator; basic
// `20251124T160000Z`), BlueGene/L `2005-06-03-15.42.50.675872`, ctime
// `Sun Dec 04 04:47:44 2005`, RFC 1123 `Sun, 06 Nov 1994 08:49:37 GMT`, and
// the access-log form `17/May/2015:10:05:03 +0000`.
// Not accepted (ambiguous as a lone value): a bare number (epoch numbers are
// the caller's business, see EpochToMicros), a date without a time, two-digit
// years (`17/06/09 ...` could be d/m/y), year-less forms, surrounding spaces.
std::optional<int64_t> ParseTimestampText(std::string_view s);

// ParseTimestampText's fast path, for the form machines write most:
// `YYYY-MM-DDTHH:MM:SS[.f to .ffffff]Z`. False for anything else (which
// ParseTimestampText then reads the general way), else the microseconds.
bool ParseRfc3339Utc(std::string_view s, int64_t* micros);

// An epoch number in seconds, milliseconds, microseconds or nanoseconds,
// chosen by magnitude: |v| < 1e11 seconds (up to year 5138), < 1e14
// milliseconds, < 1e17 microseconds, otherwise nanoseconds. Fractions of the
// unit are kept to the microsecond (the double overload rounds to the nearest
// microsecond, the integer overload floors nanoseconds). The double overload
// saturates at the int64 range and maps NaN to 0; callers should check that
// the value is finite first.
int64_t EpochToMicros(int64_t value);
int64_t EpochToMicros(double value);

// A timestamp at the very start of `s` (no leading space skipped), in any of
// the forms of TimestampForm, which must end at the end of `s` or before a
// character that is not a letter or digit. Year-less forms use `ctx`. Epoch
// numbers are accepted only as 10 digits (seconds, 2001-09-09 .. 2286-11-20)
// with an optional fraction, or 13 digits (milliseconds). Two-digit years
// are 19yy for 69-99 and 20yy for 00-68 (POSIX strptime %y).
std::optional<LeadingTimestamp> ParseTimestampPrefix(std::string_view s,
                                                     const TimestampContext& ctx);

// The timestamp a log line starts with: ParseTimestampPrefix at the start of
// `line`, or inside `[` `]` when the line starts with `[` (then `length`
// includes both brackets).
std::optional<LeadingTimestamp> ExtractLeadingTimestamp(std::string_view line,
                                                        const TimestampContext& ctx);

}  // namespace lakewatch::ingest
