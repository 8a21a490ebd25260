// Unit tests of the SQL front end and engine mechanics that .test files
// cannot show: parse error positions and the nesting limit, pruning and
// early stop (what is read), the memory limit, parallel = serial answers.
// SQL semantics live in tests/sql/**/*.test.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <string>

#include "delta/table.h"
#include "parquet/file_writer.h"
#include "sql/engine.h"
#include "sql/function/cast.h"
#include "sql/parser/parser.h"

namespace lakewatch::sql {
namespace {

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = (std::filesystem::temp_directory_path() /
            ("lw-sql-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++)))
               .string();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ + "/in");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static Schema TestSchema() {
    return Schema{{Field{"id", DataType::Int64(), true, {}}, Field{"g", DataType::String(), true, {}},
                   Field{"x", DataType::Double(), true, {}}}};
  }

  // Appends one file (one commit) of rows id in [first, first + n): g = "g<id % groups>", x = id / 2.
  void AppendFile(const std::string& table, int64_t first, int64_t n, int groups = 3,
                  parquet::WriterOptions options = {}) {
    RecordBatch b = RecordBatch::Empty(TestSchema());
    for (int64_t i = first; i < first + n; ++i) {
      b.columns[0]->Append<int64_t>(i);
      b.columns[1]->AppendString("g" + std::to_string(i % groups));
      if (i % 7 == 0) {
        b.columns[2]->AppendNull();
      } else {
        b.columns[2]->Append<double>(static_cast<double>(i) / 2);
      }
      ++b.num_rows;
    }
    std::string path = dir_ + "/in/f" + std::to_string(files_++) + ".parquet";
    auto w = parquet::ParquetFileWriter::Open(path, TestSchema(), options);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    ASSERT_TRUE((*w)->WriteBatch(b).ok());
    ASSERT_TRUE((*w)->Close().ok());
    delta::DeltaTable t(dir_ + "/" + table);
    if (!std::filesystem::exists(dir_ + "/" + table + "/_delta_log")) {
      ASSERT_TRUE(t.Create(TestSchema(), {}).ok());
    }
    auto r = t.AppendParquetFiles({path});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  Result<QueryResult> Run(const std::string& sql, int threads = 1, int64_t memory = 0) {
    QueryOptions o;
    o.data_dir = dir_;
    o.threads = threads;
    o.memory_limit_bytes = memory;
    return ExecuteQuery(sql, o);
  }

  // All rows as text lines "v1|v2|…", in result order.
  static std::vector<std::string> Rows(const QueryResult& r) {
    std::vector<std::string> out;
    for (const RecordBatch& b : r.batches) {
      for (int64_t i = 0; i < b.num_rows; ++i) {
        std::string line;
        for (size_t c = 0; c < b.columns.size(); ++c) {
          if (c) line += "|";
          AppendValueText(*b.columns[c], i, &line);
        }
        out.push_back(line);
      }
    }
    return out;
  }

  std::string dir_;
  int files_ = 0;
};

TEST(ParserTest, SyntaxErrorsNameTheirPosition) {
  auto r = ParseStatement("SELECT a,\n  FROM t");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("line 2, column 3"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("expected an expression"), std::string::npos) << r.status().message();
  r = ParseStatement("SELECT 'open");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("unterminated string"), std::string::npos);
  r = ParseStatement("SELECT 1 FROM t WHERE");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("the end of the query"), std::string::npos);
}

TEST(ParserTest, DeepNestingIsRefusedNotACrash) {
  std::string deep = "SELECT " + std::string(100000, '(') + "1" + std::string(100000, ')');
  auto r = ParseStatement(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("nests deeper"), std::string::npos) << r.status().message();
  std::string deep_not = "SELECT " + std::string(0, ' ');
  for (int i = 0; i < 50000; ++i) deep_not += "NOT ";
  deep_not += "TRUE";
  EXPECT_FALSE(ParseStatement(deep_not).ok());
}

TEST(ParserTest, LiteralsTakeSparkTypes) {
  auto r = ParseStatement("SELECT 1, 3000000000, 1L, 1.50, 1e3, 2D, 'a' 'b', DATE '2025-01-02' -- c\n/* x /* y */ */");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto& items = r->query->select->items;
  ASSERT_EQ(items.size(), 8u);
  EXPECT_EQ(items[0].expr->value.type->ToString(), "int");
  EXPECT_EQ(items[1].expr->value.type->ToString(), "bigint");
  EXPECT_EQ(items[2].expr->value.type->ToString(), "bigint");
  EXPECT_EQ(items[3].expr->value.type->ToString(), "decimal(3,2)");
  EXPECT_EQ(items[4].expr->value.type->ToString(), "double");
  EXPECT_EQ(items[5].expr->value.type->ToString(), "double");
  EXPECT_EQ(items[6].expr->value.str, "ab");
  EXPECT_EQ(items[7].expr->kind, ExprKind::kCast);
}

TEST_F(EngineTest, FiltersPruneFilesByStatistics) {
  for (int f = 0; f < 5; ++f) AppendFile("t", f * 1000, 1000);
  auto r = Run("SELECT count(*), min(id), max(id) FROM t WHERE id >= 3500");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Rows(*r), (std::vector<std::string>{"1500|3500|4999"}));
  EXPECT_EQ(r->stats.files_total, 5);
  EXPECT_EQ(r->stats.files_read, 2);  // files 0..2 hold ids < 3000: skipped by their stats
  auto e = Run("EXPLAIN SELECT id FROM t WHERE id >= 3500");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  std::string text;
  for (const auto& line : Rows(*e)) text += line + "\n";
  EXPECT_NE(text.find("skip-by=[id >= 3500]"), std::string::npos) << text;
  EXPECT_NE(text.find("files: 2 of 5 read (3 pruned)"), std::string::npos) << text;
}

TEST_F(EngineTest, LimitStopsTheScanEarly) {
  for (int f = 0; f < 8; ++f) AppendFile("t", f * 100, 100);
  auto r = Run("SELECT id FROM t LIMIT 5");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->num_rows, 5);
  EXPECT_EQ(r->stats.files_read, 1);
  EXPECT_EQ(r->stats.rows_scanned, 100);
}

TEST_F(EngineTest, ParallelAnswersEqualSerialAnswers) {
  for (int f = 0; f < 6; ++f) AppendFile("t", f * 5000, 5000, 17);
  const char* queries[] = {
      "SELECT g, count(*), sum(id), avg(x), min(x), max(x), count(DISTINCT id % 10) FROM t GROUP BY g ORDER BY g",
      "SELECT id, x FROM t WHERE id % 997 = 3 ORDER BY id",
      "SELECT id FROM t ORDER BY x DESC NULLS LAST, id LIMIT 7",
      "SELECT a.g, count(*) FROM t a JOIN (SELECT DISTINCT g FROM t WHERE id < 10) b ON a.g = b.g GROUP BY a.g ORDER BY 1",
  };
  for (const char* q : queries) {
    auto one = Run(q, 1), two = Run(q, 2);
    ASSERT_TRUE(one.ok()) << q << ": " << one.status().ToString();
    ASSERT_TRUE(two.ok()) << q << ": " << two.status().ToString();
    EXPECT_EQ(Rows(*one), Rows(*two)) << q;
    EXPECT_GT(one->num_rows, 0) << q;
  }
}

// A filter that reads some of the scan's columns is evaluated first; the other
// columns are read afterwards, only for the rows that passed (late
// materialization) — through the page index when the predicates already
// narrowed the row group to some pages. Files of 3 row groups of 1,000 rows in
// pages of 100; expected rows come from the generator's rule (AppendFile).
TEST_F(EngineTest, FilterColumnsAreReadFirstAndTheOthersOnlyForRowsThatPass) {
  parquet::WriterOptions wo;
  wo.row_group_rows = 1000;
  wo.page_max_entries = 100;
  AppendFile("t", 0, 3000, 3, wo);
  auto x_of = [](int64_t id) {
    std::string text = "NULL";
    if (id % 7 != 0) text.clear(), AppendJavaDouble(static_cast<double>(id) / 2, &text);
    return text;
  };
  auto row_of = [&](int64_t id) { return std::to_string(id) + "|g" + std::to_string(id % 3) + "|" + x_of(id); };
  for (int threads : {1, 2}) {
    SCOPED_TRACE(threads);
    // One row: the other columns are read for that row only.
    auto r = Run("SELECT * FROM t WHERE id = 1234", threads);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(Rows(*r), (std::vector<std::string>{row_of(1234)}));
    EXPECT_EQ(r->stats.rows_late, 1);
    EXPECT_EQ(r->stats.rows_scanned, 100);  // the page of id 1234 (the page index narrowed the rest away)
    // Scattered rows of every row group, the filter on a string column.
    r = Run("SELECT id, x FROM t WHERE g = 'g2' AND id % 50 = 2 ORDER BY id", threads);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    std::vector<std::string> want;
    for (int64_t id = 0; id < 3000; ++id) {
      if (id % 3 == 2 && id % 50 == 2) want.push_back(std::to_string(id) + "|" + x_of(id));
    }
    EXPECT_EQ(Rows(*r), want);
    EXPECT_EQ(r->stats.rows_late, static_cast<int64_t>(want.size()));
    // Rows of pages the predicates left (rows 400..499 of row group 1), some
    // failing the filter's NULL test: the row numbers map through that range.
    r = Run("SELECT g, x, id FROM t WHERE id >= 1450 AND id < 1470 AND x > 0 ORDER BY id", threads);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    want.clear();
    for (int64_t id = 1450; id < 1470; ++id) {
      if (id % 7 != 0) want.push_back("g" + std::to_string(id % 3) + "|" + x_of(id) + "|" + std::to_string(id));
    }
    EXPECT_EQ(Rows(*r), want);
    EXPECT_EQ(r->stats.rows_scanned, 100);
    EXPECT_EQ(r->stats.rows_late, static_cast<int64_t>(want.size()));
    // Most rows pass: the other columns are read whole and the passing rows kept.
    r = Run("SELECT count(*), count(x), min(g), max(g), sum(id) FROM t WHERE x IS NOT NULL OR id < 10", threads);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    int64_t n = 0, nx = 0, sum = 0;
    for (int64_t id = 0; id < 3000; ++id) {
      if (id % 7 == 0 && id >= 10) continue;
      ++n, sum += id, nx += id % 7 != 0;
    }
    EXPECT_EQ(Rows(*r), (std::vector<std::string>{std::to_string(n) + "|" + std::to_string(nx) + "|g0|g2|" +
                                                   std::to_string(sum)}));
    // No row passes: nothing else is read, and the answer is empty.
    r = Run("SELECT * FROM t WHERE x < 0", threads);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->num_rows, 0);
    EXPECT_EQ(r->stats.rows_late, 0);
  }
}

// A filter on one dictionary-encoded column that NULL fails is decided
// through the Parquet dictionary (the predicate runs on the distinct values);
// the passing rows are then read in full. Other filters go the usual way.
TEST_F(EngineTest, FiltersOnOneColumnAreDecidedThroughTheDictionary) {
  parquet::WriterOptions wo;
  wo.row_group_rows = 1000;
  wo.page_max_entries = 100;
  AppendFile("t", 0, 3000, 5, wo);  // g = g0..g4: dictionary-encoded
  auto x_of = [](int64_t id) {
    std::string text = "NULL";
    if (id % 7 != 0) text.clear(), AppendJavaDouble(static_cast<double>(id) / 2, &text);
    return text;
  };
  struct Case {
    const char* sql;
    std::function<bool(int64_t)> want;  // rows kept, by id
    bool by_dictionary;
  };
  const Case cases[] = {
      {"SELECT id, g, x FROM t WHERE g = 'g3' ORDER BY id", [](int64_t id) { return id % 5 == 3; }, true},
      {"SELECT id, g, x FROM t WHERE g IN ('g0', 'g1', 'g4') ORDER BY id",
       [](int64_t id) { return id % 5 == 0 || id % 5 == 1 || id % 5 == 4; }, true},
      {"SELECT id, g, x FROM t WHERE upper(g) LIKE '%2' ORDER BY id", [](int64_t id) { return id % 5 == 2; }, true},
      // NULL would pass: decided row by row.
      {"SELECT id, g, x FROM t WHERE g IS NULL OR g = 'g1' ORDER BY id", [](int64_t id) { return id % 5 == 1; },
       false},
      // Two columns: row by row.
      {"SELECT id, g, x FROM t WHERE g = 'g1' AND id > 2000 ORDER BY id",
       [](int64_t id) { return id % 5 == 1 && id > 2000; }, false},
  };
  for (int threads : {1, 2}) {
    for (const Case& c : cases) {
      SCOPED_TRACE(std::string(c.sql) + ", threads " + std::to_string(threads));
      auto r = Run(c.sql, threads);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      std::vector<std::string> want;
      for (int64_t id = 0; id < 3000; ++id) {
        if (c.want(id)) want.push_back(std::to_string(id) + "|g" + std::to_string(id % 5) + "|" + x_of(id));
      }
      EXPECT_EQ(Rows(*r), want);
      EXPECT_EQ(r->stats.rows_by_dictionary, c.by_dictionary ? 3000 : 0);
    }
    // The filter's column alone.
    auto r = Run("SELECT g, count(*) FROM t WHERE g <> 'g0' GROUP BY g ORDER BY g", threads);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(Rows(*r), (std::vector<std::string>{"g1|600", "g2|600", "g3|600", "g4|600"}));
    EXPECT_EQ(r->stats.rows_by_dictionary, 3000);
  }
}

TEST_F(EngineTest, MemoryLimitGivesAClearError) {
  AppendFile("t", 0, 50000, 50000);
  auto r = Run("SELECT g, count(*) FROM t GROUP BY g", 1, 64 << 10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(r.status().message().find("needs more than"), std::string::npos) << r.status().message();
  EXPECT_TRUE(Run("SELECT g, count(*) FROM t GROUP BY g", 1, 256 << 20).ok());
}

TEST_F(EngineTest, TimeTravelReadsOlderVersions) {
  AppendFile("t", 0, 10);   // version 0 (create) + 1
  AppendFile("t", 10, 10);  // version 2
  auto v1 = Run("SELECT count(*) FROM t VERSION AS OF 1");
  auto v2 = Run("SELECT count(*) FROM t VERSION AS OF 2");
  ASSERT_TRUE(v1.ok() && v2.ok());
  EXPECT_EQ(Rows(*v1), (std::vector<std::string>{"10"}));
  EXPECT_EQ(Rows(*v2), (std::vector<std::string>{"20"}));
  auto bad = Run("SELECT count(*) FROM t VERSION AS OF 9");
  EXPECT_FALSE(bad.ok());
}

TEST_F(EngineTest, NamesAreCheckedWithPreciseMessages) {
  AppendFile("t", 0, 10);
  auto r = Run("SELECT idd FROM t");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("column 'idd' not found; did you mean id? (columns: id, g, x)"),
            std::string::npos)
      << r.status().message();
  r = Run("SELECT g, id FROM t GROUP BY g");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("must appear in GROUP BY"), std::string::npos) << r.status().message();
  r = Run("SELECT * FROM nope");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("table nope not found"), std::string::npos) << r.status().message();
  r = Run("SELECT * FROM `../etc`");
  ASSERT_FALSE(r.ok());
}

}  // namespace
}  // namespace lakewatch::sql
