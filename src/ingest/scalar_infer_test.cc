#include "ingest/scalar_infer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>

namespace lakewatch::ingest {
namespace {

using Kind = FieldValue::Kind;

// Expected values below come from the rules' sources, not from this code:
// integer limits from two's complement, doubles from the decimal literal (as
// the C++ compiler rounds it), epoch seconds from GNU `date -u -d <text> +%s`.

TEST(InferScalar, NullAndStrings) {
  EXPECT_EQ(InferScalar("").kind, Kind::kNull);
  // clang-format off
  const char* const kStrings[] = {
      "abc", " 1", "1 ", "+5", "007", "00", "-", "-007", ".5", "5.", "1e", "1e+", "1.e3", "0x1F",
      "1_000", "1,000", "NaN", "nan", "Inf", "-Infinity", "infinity", "yes", "no", "t", "f",
      "truee", "TRUE ", "null", "2025-11-24", "2025-13-01T00:00:00Z", "2025-11-24T25:00:00Z",
      "081109", "--1", "1-2", "1.2.3"};
  // clang-format on
  for (const char* text : kStrings) {
    const FieldValue v = InferScalar(text);
    EXPECT_EQ(v.kind, Kind::kString) << text;
    EXPECT_EQ(v.s, text);
  }
}

TEST(InferScalar, Booleans) {
  for (const char* text : {"true", "TRUE", "True", "tRuE"}) {
    const FieldValue v = InferScalar(text);
    ASSERT_EQ(v.kind, Kind::kBool) << text;
    EXPECT_TRUE(v.b);
    EXPECT_EQ(v.s, text);
  }
  for (const char* text : {"false", "FALSE", "False"}) {
    const FieldValue v = InferScalar(text);
    ASSERT_EQ(v.kind, Kind::kBool) << text;
    EXPECT_FALSE(v.b);
  }
}

TEST(InferScalar, Integers) {
  struct Case {
    const char* text;
    int64_t value;
  } cases[] = {
      {"0", 0},
      {"-0", 0},
      {"7", 7},
      {"-42", -42},
      {"1764000000", 1764000000},
      {"9223372036854775807", INT64_MAX},
      {"-9223372036854775808", INT64_MIN},
  };
  for (const Case& c : cases) {
    const FieldValue v = InferScalar(c.text);
    ASSERT_EQ(v.kind, Kind::kInt64) << c.text;
    EXPECT_EQ(v.i, c.value) << c.text;
    EXPECT_EQ(v.s, c.text);
  }
  // Beyond int64: kept exactly as a string, never rounded into a double.
  for (const char* text : {"9223372036854775808", "-9223372036854775809", "18446744073709551615",
                           "123456789012345678901234567890"}) {
    const FieldValue v = InferScalar(text);
    EXPECT_EQ(v.kind, Kind::kString) << text;
    EXPECT_EQ(v.s, text);
  }
}

TEST(InferScalar, Doubles) {
  struct Case {
    const char* text;
    double value;
  } cases[] = {
      {"0.5", 0.5},
      {"-0.25", -0.25},
      {"12.5", 12.5},
      {"1e3", 1e3},
      {"1E3", 1e3},
      {"1e+3", 1e3},
      {"2.5e-3", 2.5e-3},
      {"0.1", 0.1},
      {"3.141592653589793", 3.141592653589793},
      {"1.7976931348623157e308", 1.7976931348623157e308},
      {"4.9e-324", 4.9e-324},
      {"0e-999999", 0.0},
      {"1.0", 1.0},
  };
  for (const Case& c : cases) {
    const FieldValue v = InferScalar(c.text);
    ASSERT_EQ(v.kind, Kind::kDouble) << c.text;
    EXPECT_EQ(v.d, c.value) << c.text;
    EXPECT_EQ(v.s, c.text);
  }
  const FieldValue neg_zero = InferScalar("-0.0");
  ASSERT_EQ(neg_zero.kind, Kind::kDouble);
  EXPECT_TRUE(std::signbit(neg_zero.d));
  // Out of double's range in either direction: strings.
  for (const char* text : {"1e400", "-1e400", "1e-400", "2.4e-324"}) {
    EXPECT_EQ(InferScalar(text).kind, Kind::kString) << text;
  }
}

TEST(InferScalar, Timestamps) {
  struct Case {
    const char* text;
    int64_t micros;
  } cases[] = {
      {"2025-11-24T16:00:00Z", 1764000000LL * 1000000},
      {"2025-11-24 16:00:00", 1764000000LL * 1000000},  // naive = UTC
      {"2025-11-24 16:00:00.123", 1764000000LL * 1000000 + 123000},
      {"2025-11-24T16:00:00.123456Z", 1764000000LL * 1000000 + 123456},
      {"2025-11-24T16:00:00+02:00", 1763992800LL * 1000000},
      {"2025-11-24T16:00:00-05:30", 1764019800LL * 1000000},
      {"1969-12-31T23:59:59Z", -1LL * 1000000},
      {"2024-02-29T12:00:00Z", 1709208000LL * 1000000},
  };
  for (const Case& c : cases) {
    const FieldValue v = InferScalar(c.text);
    ASSERT_EQ(v.kind, Kind::kTimestamp) << c.text;
    EXPECT_EQ(v.i, c.micros) << c.text;
    EXPECT_EQ(v.s, c.text);
  }
  // Feb 29 of a non-leap year is not a date.
  EXPECT_EQ(InferScalar("2025-02-29T12:00:00Z").kind, Kind::kString);
}

TEST(InferScalar, SourceTextIsAViewOfTheInput) {
  const std::string text = "12345";
  const FieldValue v = InferScalar(text);
  EXPECT_EQ(v.s.data(), text.data());
  EXPECT_EQ(v.s.size(), text.size());
}

}  // namespace
}  // namespace lakewatch::ingest
