#include "ingest/csv.h"
#include "ingest/parser_test_util.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "common/test_data.h"

namespace lakewatch::ingest {
namespace {

using Rows = std::vector<std::vector<std::string>>;

Rows MustParse(std::string_view text, char delimiter = ',') {
  auto rows = ParseCsvText(text, delimiter);
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  return rows.ok() ? *rows : Rows{};
}

// ---- ParseCsvText: RFC 4180 section 2 examples and our documented extensions

TEST(ParseCsvText, Rfc4180Examples) {
  // RFC 4180 2.1/2.2: CRLF-terminated records, the last one may lack it.
  EXPECT_EQ(MustParse("aaa,bbb,ccc\r\nzzz,yyy,xxx\r\n"),
            (Rows{{"aaa", "bbb", "ccc"}, {"zzz", "yyy", "xxx"}}));
  EXPECT_EQ(MustParse("aaa,bbb,ccc\r\nzzz,yyy,xxx"),
            (Rows{{"aaa", "bbb", "ccc"}, {"zzz", "yyy", "xxx"}}));
  // 2.5: quoted fields.
  EXPECT_EQ(MustParse("\"aaa\",\"bbb\",\"ccc\"\r\nzzz,yyy,xxx"),
            (Rows{{"aaa", "bbb", "ccc"}, {"zzz", "yyy", "xxx"}}));
  // 2.6: line breaks and commas inside quotes.
  EXPECT_EQ(MustParse("\"aaa\",\"b\r\nbb\",\"ccc\"\r\nzzz,yyy,xxx"),
            (Rows{{"aaa", "b\r\nbb", "ccc"}, {"zzz", "yyy", "xxx"}}));
  // 2.7: a doubled quote inside a quoted field is one quote.
  EXPECT_EQ(MustParse("\"aaa\",\"b\"\"bb\",\"ccc\""), (Rows{{"aaa", "b\"bb", "ccc"}}));
}

TEST(ParseCsvText, LineEndsAndEmptyFields) {
  EXPECT_EQ(MustParse("a,b\nc,d\n"), (Rows{{"a", "b"}, {"c", "d"}}));
  EXPECT_EQ(MustParse("a,b\r\nc,d"), (Rows{{"a", "b"}, {"c", "d"}}));
  EXPECT_EQ(MustParse(",\n,,\n\"\",x"), (Rows{{"", ""}, {"", "", ""}, {"", "x"}}));
  // A CR not followed by LF is data; so is a quote inside an unquoted field.
  EXPECT_EQ(MustParse("a\rb,c\"d\n"), (Rows{{"a\rb", "c\"d"}}));
  // CR inside quotes right before the closing quote stays.
  EXPECT_EQ(MustParse("\"a\r\"\r\nb"), (Rows{{"a\r"}, {"b"}}));
  // Text after a closing quote is kept literally.
  EXPECT_EQ(MustParse("\"ab\"c,\"x\"\"\" y\r\n"), (Rows{{"abc", "x\" y"}}));
  // Blank lines are skipped; a BOM at the start is dropped.
  EXPECT_EQ(MustParse("\xEF\xBB\xBFh1,h2\n\n\r\nv1,v2\n\n"), (Rows{{"h1", "h2"}, {"v1", "v2"}}));
  EXPECT_EQ(MustParse(""), Rows{});
  EXPECT_EQ(MustParse("\"\""), (Rows{{""}}));
}

TEST(ParseCsvText, TabDelimiter) {
  EXPECT_EQ(MustParse("a\tb,c\t\"d\te\"\n", '\t'), (Rows{{"a", "b,c", "d\te"}}));
}

TEST(ParseCsvText, UnterminatedQuoteNamesItsLine) {
  auto rows = ParseCsvText("h1,h2\nv1,v2\nx,\"never\nclosed\n");
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(rows.status().message().find("line 3"), std::string::npos) << rows.status().message();
  // A quote whose field spans lines before it is still named by its own line.
  rows = ParseCsvText("a,\"b\nc\",\"d\ne");
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.status().message().find("line 2"), std::string::npos) << rows.status().message();
}

TEST(ReadCsvFile, MissingFileIsNotFound) {
  auto rows = ReadCsvFile("/nonexistent/lakewatch/x.csv");
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), StatusCode::kNotFound);
  EXPECT_NE(rows.status().message().find("/nonexistent/lakewatch/x.csv"), std::string::npos);
}

// ---- the loghub structured CSVs: 2000 data rows each, every row as wide as
// the header, LineId counting 1..2000, and each Content a substring of the
// same line of the original log (the CSVs were derived from those lines).

std::vector<std::string> LoghubSystems() {
  return {"Android", "Apache",  "BGL",       "HDFS",  "HPC",     "Hadoop",
          "Linux",   "OpenSSH", "Proxifier", "Spark", "Windows", "Zookeeper"};
}

std::string LoghubDir() { return std::string(LW_SHARED_DATA) + "/logs/loghub_2k"; }

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

TEST(ReadCsvFile, LoghubStructuredCsvs) {
  LW_SKIP_IF_MISSING(LoghubDir());
  for (const std::string& sys : LoghubSystems()) {
    SCOPED_TRACE(sys);
    const std::string base = LoghubDir() + "/" + sys + "/" + sys + "_2k.log";
    auto rows = ReadCsvFile(base + "_structured.csv");
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    ASSERT_EQ(rows->size(), 2001u);
    const std::vector<std::string>& header = (*rows)[0];
    EXPECT_EQ(header[0], "LineId");
    EXPECT_EQ(header.back(), "EventTemplate");
    const auto content = std::find(header.begin(), header.end(), "Content") - header.begin();
    ASSERT_LT(static_cast<size_t>(content), header.size());
    const std::vector<std::string> log = ReadLines(base);
    ASSERT_GE(log.size(), 2000u);
    for (size_t r = 1; r < rows->size(); ++r) {
      const std::vector<std::string>& row = (*rows)[r];
      ASSERT_EQ(row.size(), header.size()) << "row " << r;
      EXPECT_EQ(row[0], std::to_string(r));
      EXPECT_NE(log[r - 1].find(row[content]), std::string::npos)
          << "row " << r << ": " << row[content];
    }
  }
}

TEST(ReadCsvFile, LoghubQuotedFieldsWithSeparators) {
  LW_SKIP_IF_MISSING(LoghubDir());
  // Spark line 1: `..."Registered signal handlers for [TERM, HUP, INT]",E22,...`
  auto rows = ReadCsvFile(LoghubDir() + "/Spark/Spark_2k.log_structured.csv");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ((*rows)[1][5], "Registered signal handlers for [TERM, HUP, INT]");
  // Hadoop line 1: the time "18:01:47,978" holds the delimiter.
  rows = ReadCsvFile(LoghubDir() + "/Hadoop/Hadoop_2k.log_structured.csv");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ((*rows)[1][2], "18:01:47,978");
}

// ---- CsvParser ---------------------------------------------------------------

using Kind = FieldValue::Kind;

using test_util::Captured;
using test_util::CaptureSink;
using test_util::ExpectPositionsMatchInput;
using test_util::Value;

std::vector<Captured> ParseInChunks(const CsvOptions& options, std::string_view input,
                                    const std::vector<size_t>& cuts) {
  CsvParser parser(options);
  return test_util::ParseInChunks(parser, input, cuts);
}

std::vector<Captured> ParseWhole(std::string_view input, const CsvOptions& options = {}) {
  return ParseInChunks(options, input, {});
}

TEST(CsvParser, HeaderAndTypedValues) {
  const std::string input =
      "name,count,ratio,ok,ts,empty,quoted_empty,quoted_num\n"
      "alice,3,0.5,true,2025-11-24T16:00:00Z,,\"\",\"42\"\n"
      "bob,-7,1e3,FALSE,2025-11-24 16:00:00.123,x,\"\",007\n";
  const auto recs = ParseWhole(input);
  ASSERT_EQ(recs.size(), 2u);
  const Captured& a = recs[0];
  ASSERT_FALSE(a.bad);
  ASSERT_EQ(a.fields.size(), 8u);
  EXPECT_EQ(a.fields[0].first, "name");
  EXPECT_EQ(a.Get("name")->kind, Kind::kString);
  EXPECT_EQ(a.Get("name")->s, "alice");
  EXPECT_EQ(a.Get("count")->kind, Kind::kInt64);
  EXPECT_EQ(a.Get("count")->i, 3);
  EXPECT_EQ(a.Get("ratio")->kind, Kind::kDouble);
  EXPECT_EQ(a.Get("ratio")->d, 0.5);
  EXPECT_EQ(a.Get("ok")->kind, Kind::kBool);
  EXPECT_TRUE(a.Get("ok")->b);
  EXPECT_EQ(a.Get("ts")->kind, Kind::kTimestamp);
  EXPECT_EQ(a.Get("ts")->i, 1764000000LL * 1000000);  // date -u -d ... +%s
  EXPECT_EQ(a.Get("empty")->kind, Kind::kNull);
  EXPECT_EQ(a.Get("quoted_empty")->kind, Kind::kString);
  EXPECT_EQ(a.Get("quoted_empty")->s, "");
  EXPECT_EQ(a.Get("quoted_num")->kind, Kind::kInt64);  // quoting does not change inference
  EXPECT_EQ(a.Get("quoted_num")->i, 42);
  const Captured& b = recs[1];
  EXPECT_EQ(b.Get("count")->i, -7);
  EXPECT_EQ(b.Get("ratio")->d, 1000.0);
  EXPECT_FALSE(b.Get("ok")->b);
  EXPECT_EQ(b.Get("ts")->i, 1764000000LL * 1000000 + 123000);
  EXPECT_EQ(b.Get("empty")->kind, Kind::kString);
  EXPECT_EQ(b.Get("quoted_num")->kind, Kind::kString);
  EXPECT_EQ(b.Get("quoted_num")->s, "007");

  CsvOptions strings;
  strings.infer_types = false;
  const auto untyped = ParseWhole(input, strings);
  ASSERT_EQ(untyped.size(), 2u);
  EXPECT_EQ(untyped[0].Get("count")->kind, Kind::kString);
  EXPECT_EQ(untyped[0].Get("count")->s, "3");
  EXPECT_EQ(untyped[0].Get("empty")->kind, Kind::kNull);
}

TEST(CsvParser, HeaderNamesMadeUniqueAndNonEmpty) {
  CsvParser parser;
  CaptureSink sink;
  const std::string_view input = "a,,a,a_2,\n1,2,3,4,5\n";
  EXPECT_EQ(parser.Parse(input, true, &sink), input.size());
  const std::vector<std::string_view> want = {"a", "column_2", "a_2", "a_2_2", "column_5"};
  EXPECT_EQ(parser.column_names(), want);
  ASSERT_EQ(sink.out.size(), 1u);
  ASSERT_EQ(sink.out[0].fields.size(), 5u);
  for (size_t k = 0; k < 5; ++k) {
    EXPECT_EQ(sink.out[0].fields[k].first, want[k]);
    EXPECT_EQ(sink.out[0].fields[k].second.i, static_cast<int64_t>(k + 1));
  }
}

TEST(CsvParser, ManyEqualHeaderNamesRenamedInLinearTime) {
  std::string header = "a";
  for (int k = 1; k < 100000; ++k) header += ",a";
  CsvParser parser;
  CaptureSink sink;
  const auto t0 = std::chrono::steady_clock::now();
  parser.Parse(header + "\n", true, &sink);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const std::vector<std::string_view> names = parser.column_names();
  ASSERT_EQ(names.size(), 100000u);
  EXPECT_EQ(names[0], "a");
  for (int k = 2; k <= 100000; ++k) ASSERT_EQ(names[k - 1], "a_" + std::to_string(k));
  EXPECT_LT(s, 5.0);
}

TEST(CsvParser, ShortRowsGetNullsLongRowsKeepExtras) {
  const auto recs = ParseWhole("a,b,c\n1\n1,2,3,4,5\n6,7,8,9\n\"_extra_1\"\n");
  ASSERT_EQ(recs.size(), 4u);
  ASSERT_EQ(recs[0].fields.size(), 3u);
  EXPECT_EQ(recs[0].Get("a")->i, 1);
  EXPECT_EQ(recs[0].Get("b")->kind, Kind::kNull);
  EXPECT_EQ(recs[0].Get("c")->kind, Kind::kNull);
  ASSERT_EQ(recs[1].fields.size(), 5u);
  EXPECT_EQ(recs[1].fields[3].first, "_extra_1");
  EXPECT_EQ(recs[1].fields[3].second.i, 4);
  EXPECT_EQ(recs[1].fields[4].first, "_extra_2");
  EXPECT_EQ(recs[1].fields[4].second.i, 5);
  ASSERT_EQ(recs[2].fields.size(), 4u);
  EXPECT_EQ(recs[2].fields[3].first, "_extra_1");
  EXPECT_EQ(recs[2].fields[3].second.i, 9);
  ASSERT_EQ(recs[3].fields.size(), 3u);
  EXPECT_EQ(recs[3].Get("a")->s, "_extra_1");

  // An extra's name is made unique against a header column of the same name.
  const auto clash = ParseWhole("_extra_1\nx,y\n");
  ASSERT_EQ(clash.size(), 1u);
  ASSERT_EQ(clash[0].fields.size(), 2u);
  EXPECT_EQ(clash[0].fields[0].first, "_extra_1");
  EXPECT_EQ(clash[0].fields[1].first, "_extra_1_2");
  EXPECT_EQ(clash[0].fields[1].second.s, "y");
}

TEST(CsvParser, LinesOffsetsAndRawAcrossQuotedNewlinesAndBlankLines) {
  const std::string input =
      "\xEF\xBB\xBFid,text\r\n"
      "1,\"two\r\nlines\"\r\n"
      "\r\n"
      "\n"
      "2,\"say \"\"hi\"\"\"\r\n"
      "3,\"a\nb\nc\",\"x\"y\n"
      "4,last";
  const auto recs = ParseWhole(input);
  ASSERT_EQ(recs.size(), 4u);
  ExpectPositionsMatchInput(input, recs);
  EXPECT_EQ(recs[0].line, 2);
  EXPECT_EQ(recs[0].offset, static_cast<int64_t>(input.find("1,")));
  EXPECT_EQ(recs[0].raw, "1,\"two\r\nlines\"");
  EXPECT_EQ(recs[0].Get("text")->s, "two\r\nlines");
  EXPECT_EQ(recs[1].line, 6);
  EXPECT_EQ(recs[1].Get("text")->s, "say \"hi\"");
  EXPECT_EQ(recs[2].line, 7);
  EXPECT_EQ(recs[2].Get("text")->s, "a\nb\nc");
  EXPECT_EQ(recs[2].Get("_extra_1")->s, "xy");
  EXPECT_EQ(recs[3].line, 10);
  EXPECT_EQ(recs[3].raw, "4,last");
  EXPECT_EQ(recs[3].Get("text")->s, "last");
}

TEST(CsvParser, UnterminatedQuoteAtEofIsBadAndLaterLinesSurvive) {
  const std::string input = "a,b\n1,2\n3,\"open\n4,5\n6,7";
  const auto recs = ParseWhole(input);
  ASSERT_EQ(recs.size(), 4u);
  ExpectPositionsMatchInput(input, recs);
  EXPECT_FALSE(recs[0].bad);
  ASSERT_TRUE(recs[1].bad);
  EXPECT_EQ(recs[1].line, 3);
  EXPECT_EQ(recs[1].raw, "3,\"open");
  EXPECT_NE(recs[1].reason.find("line 3"), std::string::npos) << recs[1].reason;
  EXPECT_NE(recs[1].reason.find("not closed"), std::string::npos) << recs[1].reason;
  EXPECT_EQ(recs[2].line, 4);
  EXPECT_EQ(recs[2].Get("a")->i, 4);
  EXPECT_EQ(recs[3].line, 5);
  EXPECT_EQ(recs[3].Get("b")->i, 7);
}

TEST(CsvParser, StrayQuoteStopsAtTheLineLimit) {
  CsvOptions options;
  options.max_quoted_field_newlines = 3;
  std::string input = "a,b\n1,\"stray\n";
  for (int k = 0; k < 10; ++k) input += std::to_string(k) + ",x\n";
  const auto recs = ParseWhole(input, options);
  ASSERT_EQ(recs.size(), 11u);
  ExpectPositionsMatchInput(input, recs);
  ASSERT_TRUE(recs[0].bad);
  EXPECT_EQ(recs[0].line, 2);
  EXPECT_EQ(recs[0].raw, "1,\"stray");
  EXPECT_NE(recs[0].reason.find("exceeds"), std::string::npos) << recs[0].reason;
  for (int k = 0; k < 10; ++k) {
    ASSERT_FALSE(recs[k + 1].bad);
    EXPECT_EQ(recs[k + 1].Get("a")->i, k);
  }
  // A field over the limit is bad even though it closes later.
  const auto closed = ParseWhole("a\n\"1\n2\n3\n4\n5\"\n6\n", options);
  ASSERT_EQ(closed.size(), 6u);
  EXPECT_TRUE(closed[0].bad);
  EXPECT_EQ(closed[0].raw, "\"1");
  EXPECT_EQ(closed[4].Get("a")->s, "5\"");  // a quote inside an unquoted field is data
  EXPECT_EQ(closed[5].Get("a")->i, 6);
  // At the limit exactly it is fine.
  const auto at_limit = ParseWhole("a\n\"1\n2\n3\n4\"\n", options);
  ASSERT_EQ(at_limit.size(), 1u);
  EXPECT_EQ(at_limit[0].Get("a")->s, "1\n2\n3\n4");

  CsvOptions bytes;
  bytes.max_quoted_field_bytes = 8;
  const auto wide = ParseWhole("a,b\n\"123456789\",2\n\"12345678\",3\n", bytes);
  ASSERT_EQ(wide.size(), 2u);
  EXPECT_TRUE(wide[0].bad);
  EXPECT_EQ(wide[1].Get("a")->i, 12345678);
}

TEST(CsvParser, BadHeaderLetsTheNextRecordBeTheHeader) {
  CsvOptions options;
  options.max_quoted_field_newlines = 1;
  const auto recs = ParseWhole("\"h1\nc1,c2\n1,2\n", options);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_TRUE(recs[0].bad);
  EXPECT_EQ(recs[0].raw, "\"h1");
  ASSERT_FALSE(recs[1].bad);
  EXPECT_EQ(recs[1].line, 3);
  ASSERT_EQ(recs[1].fields.size(), 2u);
  EXPECT_EQ(recs[1].Get("c1")->i, 1);
  EXPECT_EQ(recs[1].Get("c2")->i, 2);
}

TEST(CsvParser, Tsv) {
  CsvOptions options;
  options.delimiter = '\t';
  const auto recs = ParseWhole("k\tv\na,b\t\"x\ty\"\n", options);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].Get("k")->s, "a,b");
  EXPECT_EQ(recs[0].Get("v")->s, "x\ty");
}

const char* const kSplitInputs[] = {
    "a,b,c\n1,2,3\n",
    "a,b\r\n\"x,y\",\"1\r\n2\"\r\n3,\"\"\r\n\r\n4",
    "\xEF\xBB\xBFh\n\"q\"\"q\"\n\"tail\"x\n",
    "\xEF\xBB",
    "h1,h2\n1,\"never closed\n2,3\n",
    "h\n\"a\"\"\n\"\"\"\"\n",
    "x\n\n\n\"\"\n,\n\"\r\"\r\n\r",
    "a,a,,b\n1,2,3,4,5,6\n7\n\"",
    "\"",
    "h\n\"1\n2\n3\n4\"\n5\n",  // over the 2-newline limit used below
};

TEST(CsvParser, EverySplitPointGivesTheSameRecords) {
  CsvOptions options;
  options.max_quoted_field_newlines = 2;
  for (std::string_view input : kSplitInputs) {
    SCOPED_TRACE(::testing::PrintToString(std::string(input)));
    const auto whole = ParseWhole(input, options);
    ExpectPositionsMatchInput(input, whole);
    for (size_t cut = 0; cut <= input.size(); ++cut) {
      EXPECT_EQ(ParseInChunks(options, input, {cut}), whole) << "cut at " << cut;
    }
    std::vector<size_t> every;
    for (size_t k = 1; k < input.size(); ++k) every.push_back(k);
    EXPECT_EQ(ParseInChunks(options, input, every), whole) << "byte by byte";
  }
}

TEST(CsvParser, LoghubStructuredCsvsMatchReadCsvFile) {
  LW_SKIP_IF_MISSING(LoghubDir());
  const std::vector<std::string> systems = LoghubSystems();
  for (size_t i = 0; i < systems.size(); i += kSanitizedBuild ? 4 : 1) {  // a quarter of them under ASan
    const std::string& sys = systems[i];
    SCOPED_TRACE(sys);
    const std::string path = LoghubDir() + "/" + sys + "/" + sys + "_2k.log_structured.csv";
    auto rows = ReadCsvFile(path);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    std::ifstream in(path, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // 64 KiB chunks, as the pipeline reads.
    std::vector<size_t> cuts;
    for (size_t k = 65536; k < text.size(); k += 65536) cuts.push_back(k);
    const auto recs = ParseInChunks(CsvOptions{}, text, cuts);
    ASSERT_EQ(recs.size(), 2000u);
    ExpectPositionsMatchInput(text, recs);
    const std::vector<std::string>& header = (*rows)[0];
    for (size_t r = 0; r < recs.size(); ++r) {
      ASSERT_FALSE(recs[r].bad) << recs[r].reason;
      ASSERT_EQ(recs[r].fields.size(), header.size());
      EXPECT_EQ(recs[r].line, static_cast<int64_t>(r + 2));
      for (size_t k = 0; k < header.size(); ++k) {
        EXPECT_EQ(recs[r].fields[k].first, header[k]);
        EXPECT_EQ(recs[r].fields[k].second.s, (*rows)[r + 1][k]) << "row " << r + 1;
      }
      // LineId is inferred as an integer.
      EXPECT_EQ(recs[r].fields[0].second.kind, Kind::kInt64);
      EXPECT_EQ(recs[r].fields[0].second.i, static_cast<int64_t>(r + 1));
    }
  }
}

// Throughput on a generated file of ML-monitoring-like rows (printed, not asserted).
TEST(CsvParser, Throughput) {
  LW_SKIP_IN_SANITIZER_BUILD();
  std::string text = "ts,model,version,latency_ms,score,ok,message\n";
  for (int k = 0; text.size() < (8u << 20); ++k) {
    text += "2025-11-24T16:" + std::to_string(10 + k % 50) + ":00Z,model-" + std::to_string(k % 7) +
            "," + std::to_string(k % 13) + "," + std::to_string(k % 997) + "." +
            std::to_string(k % 10) + ",0." + std::to_string(k % 9973) + "," +
            (k % 3 ? "true" : "false") + ",\"request " + std::to_string(k) +
            " served, \"\"ok\"\"\"\n";
  }
  for (bool infer : {true, false}) {
    CsvOptions options;
    options.infer_types = infer;
    const double best = test_util::BestOfThreeSeconds(
        [&] { return CsvParser(options); }, text, [&](const test_util::CountSink& sink) {
          EXPECT_EQ(sink.bad, 0);
          EXPECT_EQ(sink.records, std::count(text.begin(), text.end(), '\n') - 1);
          EXPECT_EQ(sink.fields, sink.records * 7);
        });
    std::printf("CsvParser (infer_types=%d): %.1f MB, best of 3 %.1f ms = %.0f MB/s\n", infer,
                text.size() / 1e6, best * 1e3, text.size() / 1e6 / best);
  }
}

}  // namespace
}  // namespace lakewatch::ingest
