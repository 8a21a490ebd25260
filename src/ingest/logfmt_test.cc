#include "ingest/logfmt.h"
#include "ingest/parser_test_util.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace lakewatch::ingest {
namespace {

using Kind = FieldValue::Kind;

using test_util::Captured;
using test_util::CaptureSink;
using test_util::ExpectPositionsMatchInput;
using test_util::Value;

std::vector<Captured> ParseInChunks(std::string_view input, const std::vector<size_t>& cuts,
                                    LogfmtOptions options = {}) {
  LogfmtParser parser(options);
  return test_util::ParseInChunks(parser, input, cuts);
}

std::vector<Captured> ParseWhole(std::string_view input, LogfmtOptions options = {}) {
  return ParseInChunks(input, {}, options);
}

Captured ParseOne(std::string_view line) {
  auto recs = ParseWhole(line);
  EXPECT_EQ(recs.size(), 1u) << line;
  return recs.empty() ? Captured{} : recs[0];
}


// The example router line of Heroku's documentation (devcenter.heroku.com,
// "Heroku Router Log Format").
TEST(LogfmtParser, HerokuRouterLine) {
  const Captured c = ParseOne(
      "at=info method=GET path=\"/\" host=myapp.herokuapp.com "
      "request_id=8601b555-6a54-4a10-ab9a-f2a5f1ad2c2a fwd=\"204.204.204.204\" dyno=web.1 "
      "connect=1ms service=18ms status=200 bytes=13 protocol=https");
  ASSERT_FALSE(c.bad) << c.reason;
  EXPECT_EQ(c.Names(),
            (std::vector<std::string>{"at", "method", "path", "host", "request_id", "fwd", "dyno",
                                      "connect", "service", "status", "bytes", "protocol"}));
  EXPECT_EQ(c.Get("at")->s, "info");
  EXPECT_EQ(c.Get("path")->kind, Kind::kString);
  EXPECT_EQ(c.Get("path")->s, "/");
  EXPECT_EQ(c.Get("fwd")->s, "204.204.204.204");
  EXPECT_EQ(c.Get("dyno")->s, "web.1");
  EXPECT_EQ(c.Get("connect")->kind, Kind::kString);
  EXPECT_EQ(c.Get("connect")->s, "1ms");
  EXPECT_EQ(c.Get("status")->kind, Kind::kInt64);
  EXPECT_EQ(c.Get("status")->i, 200);
  EXPECT_EQ(c.Get("bytes")->i, 13);
}

// Go kit's log.NewLogfmtLogger writes quoted values with Go escapes.
TEST(LogfmtParser, GoKitLineWithTypesAndBareKey) {
  const Captured c = ParseOne(
      "level=info ts=2025-11-24T16:00:00Z caller=main.go:42 msg=\"model loaded\" "
      "model.version=3 latency_ms=12.5 cached drift=-1e-3 ok=false");
  ASSERT_FALSE(c.bad) << c.reason;
  EXPECT_EQ(c.Get("ts")->kind, Kind::kTimestamp);
  EXPECT_EQ(c.Get("ts")->i, 1764000000LL * 1000000);  // date -u -d ... +%s
  EXPECT_EQ(c.Get("caller")->s, "main.go:42");
  EXPECT_EQ(c.Get("msg")->s, "model loaded");
  EXPECT_EQ(c.Get("model.version")->kind, Kind::kInt64);  // dotted keys kept as given
  EXPECT_EQ(c.Get("model.version")->i, 3);
  EXPECT_EQ(c.Get("latency_ms")->kind, Kind::kDouble);
  EXPECT_EQ(c.Get("latency_ms")->d, 12.5);
  EXPECT_EQ(c.Get("cached")->kind, Kind::kBool);
  EXPECT_TRUE(c.Get("cached")->b);
  EXPECT_EQ(c.Get("drift")->d, -1e-3);
  EXPECT_EQ(c.Get("ok")->kind, Kind::kBool);
  EXPECT_FALSE(c.Get("ok")->b);
}

TEST(LogfmtParser, EmptyValuesAndUnquotedSpecials) {
  const Captured c = ParseOne("a= b=\"\" c=x=y d=ab\"cd\" e=\"42\"\tf=1");
  ASSERT_FALSE(c.bad) << c.reason;
  EXPECT_EQ(c.Get("a")->kind, Kind::kNull);
  EXPECT_EQ(c.Get("b")->kind, Kind::kString);
  EXPECT_EQ(c.Get("b")->s, "");
  EXPECT_EQ(c.Get("c")->s, "x=y");
  EXPECT_EQ(c.Get("d")->s, "ab\"cd\"");
  EXPECT_EQ(c.Get("e")->kind, Kind::kInt64);
  EXPECT_EQ(c.Get("f")->i, 1);

  LogfmtOptions strings;
  strings.infer_types = false;
  const auto untyped = ParseWhole("n=5 flag e=", strings);
  ASSERT_EQ(untyped.size(), 1u);
  EXPECT_EQ(untyped[0].Get("n")->kind, Kind::kString);
  EXPECT_EQ(untyped[0].Get("n")->s, "5");
  EXPECT_EQ(untyped[0].Get("flag")->kind, Kind::kBool);
  EXPECT_EQ(untyped[0].Get("e")->kind, Kind::kNull);
}

TEST(LogfmtParser, Escapes) {
  // \u00e9 is U+00E9 (UTF-8 C3 A9); \ud83d\ude00 is U+1F600 (UTF-8 F0 9F 98 80).
  const Captured c = ParseOne(
      R"(msg="say \"hi\"\n" path="C:\\tmp\/x" u="\u00e9\ud83d\ude00" odd="\q \ud800 \u12" t="a\tb")");
  ASSERT_FALSE(c.bad) << c.reason;
  EXPECT_EQ(c.Get("msg")->s, "say \"hi\"\n");
  EXPECT_EQ(c.Get("path")->s, "C:\\tmp/x");
  EXPECT_EQ(c.Get("u")->s, "\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(c.Get("odd")->s, R"(\q \ud800 \u12)");
  EXPECT_EQ(c.Get("t")->s, "a\tb");
}

TEST(LogfmtParser, DuplicateKeysAreRenamedNotLost) {
  const Captured c = ParseOne("a=1 a=2 a_2=3 a=4");
  EXPECT_EQ(c.Names(), (std::vector<std::string>{"a", "a_2", "a_2_2", "a_3"}));
  EXPECT_EQ(c.Get("a_2")->i, 2);
  EXPECT_EQ(c.Get("a_2_2")->i, 3);
  EXPECT_EQ(c.Get("a_3")->i, 4);
  // Many keys (past the linear-scan bound): still unique, in order.
  std::string line;
  for (int k = 0; k < 40; ++k)
    line += "k=" + std::to_string(k) + " x" + std::to_string(k % 5) + " ";
  const Captured many = ParseOne(line);
  ASSERT_EQ(many.fields.size(), 80u);
  std::vector<std::string> names = many.Names();
  std::sort(names.begin(), names.end());
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());
  EXPECT_EQ(many.Get("k")->i, 0);
  EXPECT_EQ(many.Get("k_40")->i, 39);
  EXPECT_EQ(many.Get("x0_8")->kind, Kind::kBool);
}

// 100,000 copies of one key: renamed a, a_2 ... a_100000 in linear time (a
// quadratic search for free suffixes would take minutes here).
TEST(LogfmtParser, ManyEqualKeysRenamedInLinearTime) {
  std::string line = "x=1";
  for (int k = 0; k < 100000; ++k) line += " a";
  const auto t0 = std::chrono::steady_clock::now();
  const Captured c = ParseOne(line);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(c.fields.size(), 100001u);
  EXPECT_EQ(c.fields[1].first, "a");
  for (int k = 2; k <= 100000; ++k) ASSERT_EQ(c.fields[k].first, "a_" + std::to_string(k));
  EXPECT_LT(s, 5.0);
}

TEST(LogfmtParser, PlainTextLinesBecomeMessage) {
  const auto recs = ParseWhole("Starting server on :8080\nHe said \"hi\nlevel=info\n");
  ASSERT_EQ(recs.size(), 3u);
  ASSERT_EQ(recs[0].fields.size(), 1u);
  EXPECT_EQ(recs[0].fields[0].first, "message");
  EXPECT_EQ(recs[0].fields[0].second.kind, Kind::kString);
  EXPECT_EQ(recs[0].fields[0].second.s, "Starting server on :8080");
  EXPECT_EQ(recs[1].Get("message")->s, "He said \"hi");
  EXPECT_EQ(recs[2].Get("level")->s, "info");
}

TEST(LogfmtParser, SyntaxErrorsAreBadRecordsWithReasons) {
  const std::string input =
      "ok=1\n"
      "msg=\"abc x=1\n"
      "=x y=2\n"
      "k=\"a\"b\n"
      "a\"b=c\n"
      "e=\"ends with backslash\\\"\n"
      "ok=2\n";
  const auto recs = ParseWhole(input);
  ASSERT_EQ(recs.size(), 7u);
  ExpectPositionsMatchInput(input, recs);
  EXPECT_FALSE(recs[0].bad);
  for (size_t k = 1; k <= 5; ++k) {
    EXPECT_TRUE(recs[k].bad) << recs[k].raw;
    EXPECT_EQ(recs[k].line, static_cast<int64_t>(k + 1));
  }
  EXPECT_NE(recs[1].reason.find("'msg'"), std::string::npos) << recs[1].reason;
  EXPECT_NE(recs[1].reason.find("column 5"), std::string::npos) << recs[1].reason;
  EXPECT_NE(recs[2].reason.find("empty key"), std::string::npos) << recs[2].reason;
  EXPECT_NE(recs[3].reason.find("column 6"), std::string::npos) << recs[3].reason;
  EXPECT_NE(recs[4].reason.find("column 2"), std::string::npos) << recs[4].reason;
  EXPECT_NE(recs[5].reason.find("'e'"), std::string::npos) << recs[5].reason;
  EXPECT_FALSE(recs[6].bad);
  EXPECT_EQ(recs[6].Get("ok")->i, 2);
}

TEST(LogfmtParser, BlankLinesCrlfAndPositions) {
  const std::string input =
      "\xEF\xBB\xBF"
      "a=1\r\n\r\n  \t\nb=2\n\nc=\"x y\"\r\nd=4";
  const auto recs = ParseWhole(input);
  ASSERT_EQ(recs.size(), 4u);
  ExpectPositionsMatchInput(input, recs);
  EXPECT_EQ(recs[0].line, 1);
  EXPECT_EQ(recs[0].offset, 3);
  EXPECT_EQ(recs[0].raw, "a=1");
  EXPECT_EQ(recs[1].line, 4);
  EXPECT_EQ(recs[2].line, 6);
  EXPECT_EQ(recs[2].raw, "c=\"x y\"");
  EXPECT_EQ(recs[3].line, 7);
  EXPECT_EQ(recs[3].Get("d")->i, 4);
}

TEST(LogfmtParser, EverySplitPointGivesTheSameRecords) {
  const char* const inputs[] = {
      "a=1 b=\"two words\"\nc\n",
      "\xEF\xBB\xBFx=1\r\n\r\ny=\"\\\"q\\\"\" z=\r\nplain text\nbad=\"open\n",
      "\xEF\xBB",
      "k=v",
      "\r\n\r",
      "a=1 a=2\n=\nq=\"\\u00e9\"",
  };
  for (std::string_view input : inputs) {
    SCOPED_TRACE(::testing::PrintToString(std::string(input)));
    const auto whole = ParseWhole(input);
    ExpectPositionsMatchInput(input, whole);
    for (size_t cut = 0; cut <= input.size(); ++cut) {
      EXPECT_EQ(ParseInChunks(input, {cut}), whole) << "cut at " << cut;
    }
    std::vector<size_t> every;
    for (size_t k = 1; k < input.size(); ++k) every.push_back(k);
    EXPECT_EQ(ParseInChunks(input, every), whole) << "byte by byte";
  }
}


// Throughput on generated Go-kit-style lines (printed, not asserted).
TEST(LogfmtParser, Throughput) {
  std::string text;
  int64_t lines = 0;
  for (int k = 0; text.size() < (8u << 20); ++k, ++lines) {
    text += "ts=2025-11-24T16:" + std::to_string(10 + k % 50) +
            ":00Z level=info caller=serve.go:" + std::to_string(k % 400) + " model=m" +
            std::to_string(k % 7) + " latency_ms=" + std::to_string(k % 997) + "." +
            std::to_string(k % 10) + " status=" + std::to_string(200 + k % 3) + " msg=\"request " +
            std::to_string(k) + " served \\\"ok\\\"\" cached\n";
  }
  for (bool infer : {true, false}) {
    LogfmtOptions options;
    options.infer_types = infer;
    const double best = test_util::BestOfThreeSeconds(
        [&] { return LogfmtParser(options); }, text, [&](const test_util::CountSink& sink) {
          EXPECT_EQ(sink.bad, 0);
          EXPECT_EQ(sink.records, lines);
          EXPECT_EQ(sink.fields, lines * 8);
        });
    std::printf("LogfmtParser (infer_types=%d): %.1f MB, best of 3 %.1f ms = %.0f MB/s\n", infer,
                text.size() / 1e6, best * 1e3, text.size() / 1e6 / best);
  }
}

}  // namespace
}  // namespace lakewatch::ingest
