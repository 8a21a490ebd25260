#include "ingest/csv.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
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
  EXPECT_NE(rows.status().message().find("line 3"), std::string::npos)
      << rows.status().message();
  // A quote whose field spans lines before it is still named by its own line.
  rows = ParseCsvText("a,\"b\nc\",\"d\ne");
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.status().message().find("line 2"), std::string::npos)
      << rows.status().message();
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
  return {"Android", "Apache", "BGL",       "HDFS",    "HPC",     "Hadoop",
          "Linux",   "OpenSSH", "Proxifier", "Spark",   "Windows", "Zookeeper"};
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

}  // namespace
}  // namespace lakewatch::ingest
