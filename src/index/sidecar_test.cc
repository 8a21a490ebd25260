#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <random>
#include <set>

#include "index/row_ranges.h"
#include "index/sidecar_builder.h"
#include "index/sidecar_reader.h"
#include "index/tokenizer.h"

namespace lakewatch::index {
namespace {

// Random log-like rows: `message` (text with common and rare words, mixed
// case, UTF-8, nulls), `error` struct with `message`, `request_id` (mostly
// unique ids, some repeated), `template` of another type (not indexable).
struct Data {
  std::vector<std::optional<std::string>> message, error_message, request_id;
};

std::string Word(std::mt19937_64* rng) {
  static const char* kCommon[] = {"GET", "user", "timeout", "connection", "db", "ok", "Error", "café", "日本"};
  const uint64_t r = (*rng)() % 100;
  if (r < 60) return kCommon[(*rng)() % 9];
  if (r < 90) return "w" + std::to_string((*rng)() % 300);  // medium frequency
  return "rare" + std::to_string((*rng)() % 100000);       // mostly unique
}

Data RandomData(std::mt19937_64* rng, int64_t rows) {
  Data d;
  static const char* kSeparators[] = {" ", ", ", "=", ": ", "/", " - "};
  for (int64_t i = 0; i < rows; ++i) {
    if ((*rng)() % 10 == 0) {
      d.message.push_back(std::nullopt);
    } else {
      std::string m;
      for (int w = 0, n = static_cast<int>((*rng)() % 8); w < n; ++w) {
        if (w > 0) m += kSeparators[(*rng)() % 6];
        m += Word(rng);
      }
      d.message.push_back(m);
    }
    d.error_message.push_back((*rng)() % 4 == 0 ? std::optional<std::string>("failed: " + Word(rng)) : std::nullopt);
    d.request_id.push_back((*rng)() % 20 == 0 ? std::optional<std::string>("shared-" + std::to_string((*rng)() % 5))
                                              : std::optional<std::string>("id-" + std::to_string((*rng)())));
  }
  return d;
}

ColumnPtr StringColumn(const std::vector<std::optional<std::string>>& v, int64_t begin, int64_t end) {
  auto c = Column::Make(DataType::String());
  for (int64_t i = begin; i < end; ++i) {
    if (v[i].has_value()) c->AppendString(*v[i]);
    else c->AppendNull();
  }
  return c;
}

RecordBatch Batch(const Data& d, int64_t begin, int64_t end) {
  RecordBatch b;
  auto error_type = DataType::Struct({{"message", DataType::String(), true, {}}});
  b.schema.fields = {{"message", DataType::String(), true, {}},
                     {"error", error_type, true, {}},
                     {"request_id", DataType::String(), true, {}},
                     {"template", DataType::Int64(), true, {}}};
  b.columns.push_back(StringColumn(d.message, begin, end));
  auto err = Column::Make(error_type);
  err->children[0] = StringColumn(d.error_message, begin, end);
  err->length = end - begin;
  b.columns.push_back(err);
  b.columns.push_back(StringColumn(d.request_id, begin, end));
  auto t = Column::Make(DataType::Int64());
  for (int64_t i = begin; i < end; ++i) t->Append<int64_t>(i);
  b.columns.push_back(t);
  b.num_rows = end - begin;
  return b;
}

SidecarOptions Options(int64_t block_rows) {
  SidecarOptions o;
  o.columns = {{"message", IndexKind::kText},
               {"error.message", IndexKind::kText},
               {"template", IndexKind::kText},
               {"request_id", IndexKind::kKeyword},
               {"trace_id", IndexKind::kKeyword}};
  o.block_rows = block_rows;
  return o;
}

std::string Build(const Data& d, int64_t block_rows, std::mt19937_64* rng) {
  SidecarBuilder b(Options(block_rows));
  const int64_t rows = static_cast<int64_t>(d.message.size());
  for (int64_t begin = 0; begin < rows;) {
    const int64_t end = std::min(rows, begin + 1 + static_cast<int64_t>((*rng)() % 700));
    EXPECT_TRUE(b.AddBatch(Batch(d, begin, end), begin).ok());
    begin = end;
  }
  auto bytes = b.Finish(12345);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  return bytes.ok() ? *bytes : std::string();
}

bool Covers(const RowRanges& ranges, int64_t row) {
  for (const RowRange& r : ranges) {
    if (row >= r.begin && row < r.end) return true;
  }
  return false;
}

void ExpectWellFormed(const RowRanges& ranges, int64_t rows) {
  for (size_t i = 0; i < ranges.size(); ++i) {
    ASSERT_LT(ranges[i].begin, ranges[i].end);
    ASSERT_GE(ranges[i].begin, 0);
    ASSERT_LE(ranges[i].end, rows);
    if (i > 0) {
      ASSERT_LT(ranges[i - 1].end, ranges[i].begin);
    }
  }
}

TEST(SidecarTest, LookupNeverMissesARowOnRandomData) {
  std::mt19937_64 rng(42);
  for (int64_t block_rows : {1, 7, 64, 1000}) {
    const int64_t rows = 3000 + static_cast<int64_t>(rng() % 2000);
    const Data d = RandomData(&rng, rows);
    auto reader = SidecarReader::FromBuffer(Build(d, block_rows, &rng), "mem");
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    const SidecarReader& r = **reader;
    EXPECT_EQ(r.num_rows(), rows);
    EXPECT_EQ(r.data_file_size(), 12345);
    ASSERT_EQ(r.columns().size(), 3u);  // template is not a string; trace_id is absent
    EXPECT_EQ(r.FindColumn("template", IndexKind::kText), nullptr);
    ASSERT_NE(r.FindColumn("error.message", IndexKind::kText), nullptr);
    EXPECT_TRUE(r.VerifyAll().ok());
    int64_t rows_returned = 0, rows_matching = 0;
    for (int q = 0; q < 300; ++q) {
      std::string words = Word(&rng);
      if (rng() % 2) words += " " + Word(&rng);
      if (rng() % 5 == 0) words = "absent" + std::to_string(rng());
      const auto& column = rng() % 3 == 0 ? "error.message" : "message";
      const auto& values = std::string(column) == "message" ? d.message : d.error_message;
      auto got = r.Lookup(column, {words});
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      ExpectWellFormed(*got, rows);
      const std::vector<std::string> tokens = QueryTokens(words);
      for (int64_t i = 0; i < rows; ++i) {
        if (values[i].has_value() && ContainsAllTokens(*values[i], tokens)) {
          ++rows_matching;
          ASSERT_TRUE(Covers(*got, i)) << "row " << i << " '" << *values[i] << "' query '" << words << "'";
        }
      }
      rows_returned += CountRows(*got);
    }
    if (block_rows <= 64) {
      EXPECT_LT(rows_returned, rows * 300 / 2) << "the index should prune";
    }
    for (int q = 0; q < 300; ++q) {
      const int64_t row = static_cast<int64_t>(rng() % rows);
      std::string value = rng() % 4 == 0 ? "id-absent-" + std::to_string(rng()) : d.request_id[row].value();
      auto got = r.LookupExact("request_id", value);
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      ExpectWellFormed(*got, rows);
      for (int64_t i = 0; i < rows; ++i) {
        if (d.request_id[i] == value) {
          ASSERT_TRUE(Covers(*got, i)) << "row " << i << " value " << value;
        }
      }
      if (block_rows == 64 && value.rfind("id-", 0) == 0) {
        EXPECT_LE(CountRows(*got), 4 * 64);
      }
    }
    // Exact values through a text index: the value's tokens, a superset.
    auto exact = r.LookupExact("message", "timeout");
    ASSERT_TRUE(exact.ok());
    EXPECT_EQ(r.Lookup("request_id", {"x"}).status().code(), StatusCode::kNotFound);
    EXPECT_EQ(r.LookupExact("nope", "x").status().code(), StatusCode::kNotFound);
    auto all = r.Lookup("message", {" , "});  // no token: every row
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(*all, (RowRanges{{0, rows}}));
  }
}

TEST(SidecarTest, BatchesMustComeInOrder) {
  std::mt19937_64 rng(1);
  const Data d = RandomData(&rng, 100);
  SidecarBuilder b(Options(16));
  ASSERT_TRUE(b.AddBatch(Batch(d, 0, 50), 0).ok());
  Status st = b.AddBatch(Batch(d, 50, 100), 60);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("expected row 50"), std::string::npos);
}

TEST(SidecarTest, EmptyFileAndAllNullColumn) {
  SidecarBuilder empty(Options(16));
  auto bytes = empty.Finish(0);
  ASSERT_TRUE(bytes.ok());
  auto r = SidecarReader::FromBuffer(*bytes, "empty");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->num_rows(), 0);
  EXPECT_TRUE((*r)->columns().empty());

  Data d;
  for (int i = 0; i < 40; ++i) {
    d.message.push_back(std::nullopt);
    d.error_message.push_back(std::nullopt);
    d.request_id.push_back("x");
  }
  SidecarBuilder b(Options(16));
  ASSERT_TRUE(b.AddBatch(Batch(d, 0, 40), 0).ok());
  auto r2 = SidecarReader::FromBuffer(*b.Finish(0), "nulls");
  ASSERT_TRUE(r2.ok());
  auto got = (*r2)->Lookup("message", {"anything"});
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->empty());
  auto x = (*r2)->LookupExact("request_id", "x");
  ASSERT_TRUE(x.ok());
  EXPECT_EQ(*x, (RowRanges{{0, 40}}));  // a frequent key: listed exactly
  auto y = (*r2)->LookupExact("request_id", "y");
  ASSERT_TRUE(y.ok());
  EXPECT_LE(CountRows(*y), 16);
}

// Every single-byte change and every truncation of a small sidecar is either
// rejected with Corrupt/NotSupported or answers a superset of the truth.
TEST(SidecarTest, CorruptionIsDetectedNeverAWrongAnswer) {
  std::mt19937_64 rng(5);
  const Data d = RandomData(&rng, 300);
  const std::string good = Build(d, 32, &rng);
  const std::vector<std::string> queries = {"timeout", "user db", "w17", "café"};
  std::vector<RowRanges> truth;
  for (const std::string& q : queries) {
    RowRanges t;
    for (int64_t i = 0; i < 300; ++i) {
      if (d.message[i].has_value() && ContainsAllTokens(*d.message[i], QueryTokens(q))) t.push_back({i, i + 1});
    }
    truth.push_back(t);
  }
  auto check = [&](const std::string& bytes, bool verify) {
    SidecarReadOptions o;
    o.verify_checksums = verify;
    auto r = SidecarReader::FromBuffer(bytes, "bad", o);
    if (!r.ok()) {
      const StatusCode c = r.status().code();
      EXPECT_TRUE(c == StatusCode::kCorrupt || c == StatusCode::kNotSupported) << r.status().ToString();
      return 0;
    }
    const bool valid = (*r)->VerifyAll().ok();
    for (size_t q = 0; q < queries.size(); ++q) {
      auto got = (*r)->Lookup("message", {queries[q]});
      (void)(*r)->LookupExact("request_id", "id-1");
      if (!got.ok() || !verify) continue;  // unverified: only "no crash" is promised
      for (const RowRange& t : truth[q]) EXPECT_TRUE(Covers(*got, t.begin)) << "query " << queries[q];
    }
    return valid ? 1 : 0;
  };
  ASSERT_EQ(check(good, true), 1);
  int accepted = 0;
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ (1 + (i % 255)));
    accepted += check(bad, true);
    check(bad, false);
  }
  EXPECT_EQ(accepted, 0);  // every byte is under a checksum
  for (size_t len = 0; len < good.size(); len += 7) EXPECT_EQ(check(good.substr(0, len), true), 0);
}

TEST(SidecarTest, OpenFromFile) {
  std::mt19937_64 rng(9);
  const Data d = RandomData(&rng, 500);
  const std::string path = std::filesystem::temp_directory_path() / ("lw_sidecar_" + std::to_string(::getpid()));
  EXPECT_EQ(SidecarReader::Open(path).status().code(), StatusCode::kNotFound);
  {
    FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    const std::string bytes = Build(d, 64, &rng);
    std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
  }
  auto r = SidecarReader::Open(path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto got = (*r)->LookupExact("request_id", *d.request_id[123]);
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(Covers(*got, 123));
  std::filesystem::remove(path);
}

TEST(RowRangesTest, SplitByRowGroup) {
  const RowRanges r = {{0, 5}, {8, 25}, {40, 41}};
  const auto split = SplitByRowGroup(r, {10, 10, 10, 10, 10});
  ASSERT_EQ(split.size(), 5u);
  EXPECT_EQ(split[0], (RowRanges{{0, 5}, {8, 10}}));
  EXPECT_EQ(split[1], (RowRanges{{0, 10}}));
  EXPECT_EQ(split[2], (RowRanges{{0, 5}}));
  EXPECT_TRUE(split[3].empty());
  EXPECT_EQ(split[4], (RowRanges{{0, 1}}));
  EXPECT_EQ(CountRows(r), 23);
  EXPECT_TRUE(SplitByRowGroup({{100, 200}}, {10})[0].empty());
}

}  // namespace
}  // namespace lakewatch::index
