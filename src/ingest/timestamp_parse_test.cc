#include "ingest/timestamp_parse.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "common/time.h"

namespace lakewatch::ingest {
namespace {

constexpr int64_t kUs = kMicrosPerSecond;

// Independent truth: civil fields through common/time's DaysFromCivil.
int64_t Civil(int64_t y, int mo, int d, int h = 0, int mi = 0, int s = 0, int64_t us = 0) {
  return (DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s) * kUs + us;
}

// Days in a month from the calendar arithmetic, not from the parser.
int DaysIn(int64_t y, int m) {
  const int64_t next = m == 12 ? DaysFromCivil(y + 1, 1, 1) : DaysFromCivil(y, m + 1, 1);
  return static_cast<int>(next - DaysFromCivil(y, m, 1));
}

std::optional<int64_t> P(const std::string& s) { return ParseTimestampText(s); }

// Well-known epoch instants (values anyone can look up: the billennium,
// 1234567890, 2^31-1, Y2K).
TEST(TimestampParseTest, KnownInstants) {
  EXPECT_EQ(P("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(P("2001-09-09T01:46:40Z"), 1000000000 * kUs);
  EXPECT_EQ(P("2009-02-13T23:31:30Z"), 1234567890 * kUs);
  EXPECT_EQ(P("2038-01-19T03:14:07Z"), 2147483647LL * kUs);
  EXPECT_EQ(P("2000-01-01T00:00:00Z"), 946684800LL * kUs);
  EXPECT_EQ(P("1969-12-31T23:59:59Z"), -1 * kUs);
  EXPECT_EQ(P("1969-12-31T23:59:59.5Z"), -kUs / 2);
}

TEST(TimestampParseTest, Iso8601Variants) {
  const int64_t t = 1234567890 * kUs;
  EXPECT_EQ(P("2009-02-13 23:31:30"), t);
  EXPECT_EQ(P("2009-02-13t23:31:30z"), t);
  EXPECT_EQ(P("2009-02-14T00:31:30+01:00"), t);
  EXPECT_EQ(P("2009-02-14T00:31:30+0100"), t);
  EXPECT_EQ(P("2009-02-14T00:31:30+01"), t);
  EXPECT_EQ(P("2009-02-13T18:01:30-05:30"), t);
  EXPECT_EQ(P("2009-02-13 23:31:30 +0000"), t);
  EXPECT_EQ(P("2009-02-14 00:31:30 +01:00"), t);
  EXPECT_EQ(P("2009-02-13 23:31:30 UTC"), t);
  EXPECT_EQ(P("2009/02/13 23:31:30"), t);
  EXPECT_EQ(P("20090213T233130Z"), t);
  EXPECT_EQ(P("2009-02-13T23:31Z"), t - 30 * kUs);
  EXPECT_EQ(P("2009-02-13T23:31:30.123456Z"), t + 123456);
  EXPECT_EQ(P("2009-02-13 23:31:30,978"), t + 978000);
  EXPECT_EQ(P("2009-02-13T23:31:30.1Z"), t + 100000);
  EXPECT_EQ(P("2009-02-13T23:31:30.123456789Z"), t + 123456);  // truncated, not rounded
  EXPECT_EQ(P("2009-02-13T23:31:30.999999999Z"), t + 999999);
  // Log forms with a full date.
  EXPECT_EQ(P("Fri Feb 13 23:31:30 2009"), t);
  EXPECT_EQ(P("Fri Feb 13 23:31:30.250000 2009"), t + 250000);
  EXPECT_EQ(P("Fri, 13 Feb 2009 23:31:30 GMT"), t);
  EXPECT_EQ(P("13/Feb/2009:23:31:30 +0000"), t);
  EXPECT_EQ(P("14/Feb/2009:00:31:30 +0100"), t);
  EXPECT_EQ(P("2009-02-13-23.31.30.000042"), t + 42);
}

TEST(TimestampParseTest, Rejects) {
  for (const char* s : {"",
                        "1234567890",
                        "1234567890.5",
                        "2009-02-13",
                        "2009-02-30T00:00:00",
                        "2009-13-01T00:00:00",
                        "2009-00-01T00:00:00",
                        "2009-02-00T00:00:00",
                        "2009-02-13T24:00:00",
                        "2009-02-13T23:60:00",
                        "2009-02-13T23:59:60",
                        "2009-02-13T23:31:30+24:00",
                        "2009-02-13T23:31:30+01:60",
                        " 2009-02-13T23:31:30",
                        "2009-02-13T23:31:30 ",
                        "2009-02-13T23:31:30Zx",
                        "2009-02-13T23:31:30.1234567891Z",
                        "2009-02-13T23:31:30.",
                        "2009-2-13T23:31:30",
                        "09/02/13 23:31:30",
                        "090213 233130",
                        "0213 23:31:30",
                        "Feb 13 23:31:30",
                        "02-13 23:31:30.000",
                        "2100-02-29T00:00:00",
                        "1900-02-29 00:00:00",
                        "2009-02-13X23:31:30",
                        "2009-02-13T23:31:30+",
                        "Fri Feb 30 23:31:30 2009",
                        "13/Feb/2009 23:31:30",
                        "hello",
                        "2009-02-13T23:31:30Z2"}) {
    EXPECT_EQ(P(s), std::nullopt) << s;
  }
  EXPECT_EQ(P("2000-02-29T00:00:00"), Civil(2000, 2, 29));
  EXPECT_EQ(P("2024-02-29T00:00:00"), Civil(2024, 2, 29));
}

// Every day of a set of years (leap, non-leap, century rules, the epoch's
// neighbours) with a time and zone that vary, against DaysFromCivil; and the
// first day past each month's end is refused.
TEST(TimestampParseTest, CalendarSweep) {
  static const char* kZones[] = {"Z", "+00:00", "+05:30", "-0800", "+14", "-23:59", ""};
  static const int kZoneSecs[] = {0, 0, 19800, -28800, 50400, -86340, 0};
  int checked = 0;
  for (int64_t y :
       {1600, 1899, 1900, 1968, 1969, 1970, 1999, 2000, 2001, 2004, 2023, 2024, 2100, 2400, 9999}) {
    for (int m = 1; m <= 12; ++m) {
      const int dim = DaysIn(y, m);
      for (int d = 1; d <= dim + 1; ++d) {
        const int h = (d * 7) % 24, mi = (d * 13 + m) % 60, s = (d * 31 + m) % 60;
        const int z = (d + m) % 7;
        char buf[64];
        std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02d%c%02d:%02d:%02d.%06d%s",
                      static_cast<long long>(y), m, d, d % 2 ? 'T' : ' ', h, mi, s, d * 1000 + m,
                      kZones[z]);
        auto got = P(buf);
        if (d > dim) {
          EXPECT_EQ(got, std::nullopt) << buf;
          continue;
        }
        EXPECT_EQ(got, Civil(y, m, d, h, mi, s, d * 1000 + m) - kZoneSecs[z] * kUs) << buf;
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 15 * 365 + 5 /* 1600 2000 2004 2024 2400 */ + 1 /* 1968 */);
}

// "YYYY-MM-DDTHH:MM:SS[.f]Z" has a fast path of its own: it must agree with
// the general reader (ParseTimestampPrefix) on valid and invalid fields alike.
TEST(TimestampParseTest, Rfc3339UtcFastPathAgreesWithTheGeneralReader) {
  uint64_t state = 0x9E3779B97F4A7C15ull;
  auto next = [&](uint64_t n) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (state >> 33) % n;
  };
  int valid = 0, invalid = 0;
  for (int i = 0; i < 200000; ++i) {
    // Fields a little beyond their ranges, fractions of 0 to 7 digits, and
    // now and then a wrong separator or a stray character.
    char buf[64];
    const int digits = static_cast<int>(next(8));
    std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d", static_cast<int>(next(10000)),
                  static_cast<int>(next(14)), static_cast<int>(next(33)), static_cast<int>(next(26)),
                  static_cast<int>(next(62)), static_cast<int>(next(62)));
    std::string s = buf;
    if (digits > 0) {
      s += '.';
      for (int k = 0; k < digits; ++k) s += static_cast<char>('0' + next(10));
    }
    s += 'Z';
    const bool stray = next(20) == 0;
    if (stray) s[next(s.size())] = "x:-. T0Z"[next(8)];
    auto general = ParseTimestampPrefix(s, TimestampContext{});
    std::optional<int64_t> want;
    if (general.has_value() && general->length == s.size()) want = general->micros;
    ASSERT_EQ(P(s), want) << s;
    // The fast path itself takes every valid timestamp of its form (up to 6
    // fraction digits), with the same value: none is left to the slow path.
    const bool fast_form = !stray && digits <= 6;
    int64_t fast = 0;
    const bool took = ParseRfc3339Utc(s, &fast);
    if (fast_form && want.has_value()) {
      ASSERT_TRUE(took) << s;
      ASSERT_EQ(fast, *want) << s;
    } else if (took) {
      ASSERT_EQ(std::optional<int64_t>(fast), want) << s;
    }
    (want.has_value() ? valid : invalid) += 1;
  }
  EXPECT_GT(valid, 50000);
  EXPECT_GT(invalid, 50000);
  EXPECT_EQ(P("2025-11-20T00:00:00.620Z"), Civil(2025, 11, 20, 0, 0, 0, 620000));
  EXPECT_EQ(P("2025-11-20T23:59:59.000001Z"), Civil(2025, 11, 20, 23, 59, 59, 1));
  EXPECT_EQ(P("2024-02-29T12:00:00Z"), Civil(2024, 2, 29, 12));
  EXPECT_EQ(P("2023-02-29T12:00:00Z"), std::nullopt);
}

// Consecutive timestamps in one minute take the fast path's cached minute:
// seconds, fractions and damage after it must read as the general reader has them.
TEST(TimestampParseTest, Rfc3339UtcSameMinuteRunsAgreeWithTheGeneralReader) {
  uint64_t state = 0xD1B54A32D192ED03ull;
  auto next = [&](uint64_t n) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (state >> 33) % n;
  };
  int taken = 0;
  for (int run = 0; run < 2000; ++run) {
    char minute[32];
    std::snprintf(minute, sizeof(minute), "%04d-%02d-%02dT%02d:%02d", static_cast<int>(1900 + next(300)),
                  static_cast<int>(1 + next(12)), static_cast<int>(1 + next(28)), static_cast<int>(next(24)),
                  static_cast<int>(next(60)));
    for (int k = 0; k < 20; ++k) {
      std::string s = minute;
      char sec[8];
      std::snprintf(sec, sizeof(sec), ":%02d", static_cast<int>(next(64)));  // 60..63 are invalid
      s += sec;
      const int digits = static_cast<int>(next(9));  // 7 and 8 digits: not RFC 3339 fast-path form
      if (digits > 0) s += next(10) == 0 ? ',' : '.';
      for (int d = 0; d < digits; ++d) s += static_cast<char>('0' + next(10));
      if (next(15) == 0) s[16 + next(s.size() - 16)] = "x:-. 0"[next(6)];  // damage after the minute
      s += 'Z';
      auto general = ParseTimestampPrefix(s, TimestampContext{});
      std::optional<int64_t> want;
      if (general.has_value() && general->length == s.size()) want = general->micros;
      int64_t fast = 0;
      if (ParseRfc3339Utc(s, &fast)) {
        ASSERT_EQ(std::optional<int64_t>(fast), want) << s;
        ++taken;
      } else if (want.has_value()) {
        // Only forms outside the fast path's may be left to the general reader.
        ASSERT_TRUE(digits > 6 || s[19] == ',') << s;
      }
    }
  }
  EXPECT_GT(taken, 20000);
}

TEST(TimestampParseTest, EpochMagnitudes) {
  EXPECT_EQ(EpochToMicros(int64_t{1117838570}), 1117838570 * kUs);
  EXPECT_EQ(EpochToMicros(int64_t{0}), 0);
  EXPECT_EQ(EpochToMicros(int64_t{-86400}), -86400 * kUs);
  EXPECT_EQ(EpochToMicros(int64_t{99999999999}), 99999999999 * kUs);     // < 1e11: seconds
  EXPECT_EQ(EpochToMicros(int64_t{100000000000}), 100000000000 * 1000);  // 1e11: milliseconds
  EXPECT_EQ(EpochToMicros(int64_t{1117838570123}), 1117838570123000);
  EXPECT_EQ(EpochToMicros(int64_t{1117838570123456}), 1117838570123456);       // microseconds
  EXPECT_EQ(EpochToMicros(int64_t{1117838570123456789}), 1117838570123456);    // nanoseconds
  EXPECT_EQ(EpochToMicros(int64_t{-1117838570123456789}), -1117838570123457);  // floored
  EXPECT_EQ(EpochToMicros(std::numeric_limits<int64_t>::min()),
            FloorDiv(std::numeric_limits<int64_t>::min(), 1000));
  EXPECT_EQ(EpochToMicros(1117838570.5), 1117838570500000);
  EXPECT_EQ(EpochToMicros(1117838570.675872), 1117838570675872);
  EXPECT_EQ(EpochToMicros(1117838570123.0), 1117838570123000);
  EXPECT_EQ(EpochToMicros(1.117838570123456e15), 1117838570123456);
  EXPECT_EQ(EpochToMicros(1.117838570123456e18), 1117838570123456);
  EXPECT_EQ(EpochToMicros(1e300), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(EpochToMicros(-1e300), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(EpochToMicros(std::nan("")), 0);
}

TimestampContext At(int64_t micros) {
  TimestampContext c;
  c.reference_micros = micros;
  return c;
}

// The first line of each loghub sample and the access log, with the value
// read off the line by hand.
TEST(TimestampParseTest, LeadingForms) {
  const TimestampContext ctx = At(Civil(2025, 11, 24, 12));
  struct Case {
    const char* line;
    int64_t micros;
    size_t length;
    bool has_year;
    TimestampForm form;
  };
  const Case cases[] = {
      {"03-17 16:13:38.811  1702  2395 D WindowManager: x", Civil(2025, 3, 17, 16, 13, 38, 811000),
       18, false, TimestampForm::kMonthDayDash},
      {"[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok", Civil(2005, 12, 4, 4, 47, 44), 26,
       true, TimestampForm::kCtime},
      {"1117838570 2005.06.03 R02-M1-N0-C:J12-U11", 1117838570 * kUs, 10, true,
       TimestampForm::kEpoch},
      {"2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS", Civil(2005, 6, 3, 15, 42, 50, 675872),
       26, true, TimestampForm::kBgl},
      {"081109 203615 148 INFO dfs.DataNode$PacketResponder: x", Civil(2008, 11, 9, 20, 36, 15), 13,
       true, TimestampForm::kYyMmDdCompact},
      {"2015-10-18 18:01:47,978 INFO [main] org.apache", Civil(2015, 10, 18, 18, 1, 47, 978000), 23,
       true, TimestampForm::kIso8601},
      {"Jun 14 15:16:01 combo sshd(pam_unix)[19939]: x", Civil(2025, 6, 14, 15, 16, 1), 15, false,
       TimestampForm::kSyslog},
      {"Jun  9 15:16:01 combo x", Civil(2025, 6, 9, 15, 16, 1), 15, false, TimestampForm::kSyslog},
      {"Dec 10 06:55:46 LabSZ sshd[24200]: x", Civil(2024, 12, 10, 6, 55, 46), 15, false,
       TimestampForm::kSyslog},
      {"[10.30 16:49:06] chrome.exe - proxy", Civil(2025, 10, 30, 16, 49, 6), 16, false,
       TimestampForm::kMonthDayDot},
      {"17/06/09 20:10:40 INFO executor.Coarse", Civil(2017, 6, 9, 20, 10, 40), 17, true,
       TimestampForm::kYyMmDdSlash},
      {"2016-09-28 04:30:30, Info                  CBS", Civil(2016, 9, 28, 4, 30, 30), 19, true,
       TimestampForm::kIso8601},
      {"2015-07-29 17:41:44,747 - INFO  [QuorumPeer", Civil(2015, 7, 29, 17, 41, 44, 747000), 23,
       true, TimestampForm::kIso8601},
      {"[17/May/2015:10:05:03 +0000] \"GET /", Civil(2015, 5, 17, 10, 5, 3), 28, true,
       TimestampForm::kCommonLog},
      {"[17/May/2015:12:05:03 +0200]", Civil(2015, 5, 17, 10, 5, 3), 28, true,
       TimestampForm::kCommonLog},
      {"2025-11-24T16:00:00.5Z level=info", Civil(2025, 11, 24, 16, 0, 0, 500000), 22, true,
       TimestampForm::kIso8601},
      {"1448470200000 event", 1448470200000LL * 1000, 13, true, TimestampForm::kEpoch},
      {"1117838570.675872 x", 1117838570675872, 17, true, TimestampForm::kEpoch},
      {"1124 16:00:00.123456  1234 main.cc:10] x", Civil(2025, 11, 24, 16, 0, 0, 123456), 20, false,
       TimestampForm::kMonthDayCompact},
  };
  for (const Case& c : cases) {
    auto t = ExtractLeadingTimestamp(c.line, ctx);
    ASSERT_TRUE(t.has_value()) << c.line;
    EXPECT_EQ(t->micros, c.micros) << c.line;
    EXPECT_EQ(t->length, c.length) << c.line;
    EXPECT_EQ(t->has_year, c.has_year) << c.line;
    EXPECT_EQ(t->form, c.form) << c.line;
  }
}

TEST(TimestampParseTest, LeadingRejects) {
  const TimestampContext ctx = At(Civil(2025, 11, 24, 12));
  for (const char* s : {"",
                        "- 1117838570 2005.06.03",
                        "134681 node-246 unix.hw",
                        "\tat com.x.Y(Y.java:10)",
                        "Caused by: java.lang.Error",
                        "2015-10-18",
                        "2015-10-18 25:00:00 x",
                        "Jun 31 10:00:00 x",
                        "Jun 14 15:16:01x",
                        "[10.30 16:49:06 chrome",
                        "13-17 16:13:38.811 x",
                        "081309 203615 1",
                        "11178385701 x",
                        "1117838570x",
                        "1117838570.1.2.3",
                        "0117838570 x",
                        "Junk 14 15:16:01",
                        "[] x",
                        "[",
                        "2005 12:00:00 x",
                        "1324 12:00:00 x"}) {
    EXPECT_EQ(ExtractLeadingTimestamp(s, ctx), std::nullopt) << s;
  }
}

// The year rule: the reference's year, or the year before when that would be
// more than a day in the future; Feb 29 goes to a leap year.
TEST(TimestampParseTest, YearRule) {
  auto year_of = [](const char* line, int64_t ref) {
    auto t = ExtractLeadingTimestamp(line, At(ref));
    EXPECT_TRUE(t.has_value()) << line;
    return t ? CivilFromDays(FloorDiv(t->micros, kMicrosPerDay)).year : 0;
  };
  const int64_t ref = Civil(2025, 11, 24, 12);
  EXPECT_EQ(year_of("Nov 24 12:00:00 h", ref), 2025);
  EXPECT_EQ(year_of("Nov 25 11:59:59 h", ref), 2025);  // 23h59m59s ahead: clock skew
  EXPECT_EQ(year_of("Nov 25 12:00:01 h", ref), 2024);  // more than a day ahead
  EXPECT_EQ(year_of("Jan 01 00:00:00 h", ref), 2025);
  EXPECT_EQ(year_of("Dec 31 23:59:59 h", ref), 2024);
  EXPECT_EQ(year_of("Dec 31 23:59:59 h", Civil(2026, 1, 2)), 2025);
  EXPECT_EQ(year_of("Feb 29 10:00:00 h", ref), 2024);
  EXPECT_EQ(year_of("02-29 10:00:00.000 h", Civil(2024, 1, 10)), 2020);
  EXPECT_EQ(year_of("02-29 10:00:00.000 h", Civil(2024, 3, 1)), 2024);
  EXPECT_EQ(year_of("[02.29 10:00:00] h", Civil(2101, 3, 1)), 2096);  // 2100 is not leap
  auto t = ExtractLeadingTimestamp("Feb 29 10:00:00 h", At(ref));
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->micros, Civil(2024, 2, 29, 10));
}

}  // namespace
}  // namespace lakewatch::ingest
