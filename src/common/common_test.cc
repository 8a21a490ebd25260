#include <gtest/gtest.h>

#include "common/buffer.h"
#include "common/column.h"
#include "common/json_format.h"
#include "common/status.h"
#include "common/time.h"

namespace lakewatch {
namespace {

Result<int> Half(int x) {
  if (x % 2) return Status::InvalidArgument("odd: " + std::to_string(x));
  return x / 2;
}

Status UseHalf(int x, int* out) {
  LW_ASSIGN_OR_RETURN(*out, Half(x));
  return Status::OK();
}

// Appends of every length from 0 to 40 (the short ones are copied inline by
// overlapping loads) give the bytes appended, in order, whatever came before.
TEST(BufferTest, AppendsOfEveryLengthKeepTheirBytes) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>((i * 37 + 11) & 0xff));
  Buffer b;
  std::string expected;
  for (size_t round = 0; round < 3; ++round) {
    for (size_t n = 0; n <= 40; ++n) {
      const size_t from = (n * 7 + round * 13) % (all.size() - n);
      b.Append(all.data() + from, n);
      expected.append(all, from, n);
      ASSERT_EQ(b.size(), expected.size());
      ASSERT_EQ(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()), expected) << "n " << n;
    }
  }
}

TEST(StatusTest, CarriesCodeAndMessage) {
  Status ok;
  EXPECT_TRUE(ok.ok());
  Status s = Status::Corrupt("page 3: truncated");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
  EXPECT_EQ(s.ToString(), "Corrupt: page 3: truncated");
  EXPECT_EQ(s.WithContext("f.parquet").message(), "f.parquet: page 3: truncated");
  int v = 0;
  EXPECT_TRUE(UseHalf(4, &v).ok());
  EXPECT_EQ(v, 2);
  Status e = UseHalf(3, &v);
  EXPECT_EQ(e.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(e.message(), "odd: 3");
}

TEST(TimeTest, CivilRoundTrip) {
  for (int64_t d = -800000; d <= 800000; d += 37) {
    CivilDate c = CivilFromDays(d);
    ASSERT_EQ(DaysFromCivil(c.year, c.month, c.day), d);
  }
  EXPECT_EQ(FormatDate(0), "1970-01-01");
  EXPECT_EQ(FormatDate(-1), "1969-12-31");
  EXPECT_EQ(FormatDate(DaysFromCivil(2000, 2, 29)), "2000-02-29");
  EXPECT_EQ(FormatTimestampMicros(1704141296123456), "2024-01-01T20:34:56.123456Z");
  EXPECT_EQ(FormatTimestampMicros(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(FormatTimestampMicros(0, false), "1970-01-01T00:00:00.000000");
  // Years beyond 9999 carry the ISO 8601 sign, as Spark and DuckDB print them.
  EXPECT_EQ(FormatDate(DaysFromCivil(9999, 12, 31)), "9999-12-31");
  EXPECT_EQ(FormatDate(DaysFromCivil(52951, 7, 27)), "+52951-07-27");
  EXPECT_EQ(FormatDate(DaysFromCivil(-1, 1, 1)), "-0001-01-01");
}

TEST(ColumnTest, BuildsNestedWithNulls) {
  auto type = DataType::Struct({{"a", DataType::Int64(), true, {}},
                                {"tags", DataType::List(DataType::String()), true, {}}});
  Column col(type);
  // row 0: {a: 1, tags: ["x", null]}
  col.children[0]->Append<int64_t>(1);
  col.children[1]->children[0]->AppendString("x");
  col.children[1]->children[0]->AppendNull();
  col.children[1]->FinishListRow();
  col.FinishStructRow();
  // row 1: null
  col.AppendNull();
  // row 2: {a: null, tags: []}
  col.children[0]->AppendNull();
  col.children[1]->FinishListRow();
  col.FinishStructRow();
  ASSERT_EQ(col.length, 3);
  EXPECT_EQ(col.null_count(), 1);
  EXPECT_EQ(col.children[0]->length, 3);
  EXPECT_EQ(col.children[1]->length, 3);
  std::string out;
  for (int64_t i = 0; i < 3; ++i) {
    AppendJsonValue(col, i, &out);
    out += "\n";
  }
  EXPECT_EQ(out, "{\"a\":1,\"tags\":[\"x\",null]}\nnull\n{\"a\":null,\"tags\":[]}\n");

  Column copy(type);
  for (int64_t i = 0; i < 3; ++i) copy.AppendFrom(col, i);
  for (int64_t i = 0; i < 3; ++i) EXPECT_TRUE(copy.RowEquals(i, col, i));
  EXPECT_FALSE(copy.RowEquals(0, col, 2));
}

// AppendRange (a buffer at a time) against AppendFrom (a row at a time), on
// random nested columns with nulls at every level, and ranges of every kind
// (empty, one row, the whole column, appended after rows already there).
TEST(ColumnTest, AppendRangeEqualsRowByRowAppends) {
  auto type = DataType::Struct({{"i", DataType::Int64(), true, {}},
                                {"s", DataType::String(), true, {}},
                                {"tags", DataType::List(DataType::String()), true, {}},
                                {"m", DataType::Map(DataType::String(), DataType::Double()), true, {}},
                                {"inner", DataType::Struct({{"l", DataType::List(DataType::Int64()), true, {}},
                                                            {"b", DataType::Boolean(), true, {}}}),
                                 true, {}}});
  uint64_t state = 7;
  auto next = [&](uint64_t n) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (state >> 33) % n;
  };
  Column col(type);
  for (int r = 0; r < 400; ++r) {
    if (next(7) == 0) {
      col.AppendNull();
      continue;
    }
    auto& c = col.children;
    if (next(4) == 0) c[0]->AppendNull(); else c[0]->Append<int64_t>(static_cast<int64_t>(next(1000)));
    if (next(4) == 0) c[1]->AppendNull(); else c[1]->AppendString(std::string(next(9), 'a' + static_cast<char>(next(26))));
    if (next(5) == 0) {
      c[2]->AppendNull();
    } else {
      for (uint64_t k = next(4); k > 0; --k) {
        if (next(5) == 0) c[2]->children[0]->AppendNull(); else c[2]->children[0]->AppendString("t" + std::to_string(k));
      }
      c[2]->FinishListRow();
    }
    if (next(5) == 0) {
      c[3]->AppendNull();
    } else {
      for (uint64_t k = next(3); k > 0; --k) {
        c[3]->children[0]->AppendString("k" + std::to_string(k));
        if (next(4) == 0) c[3]->children[1]->AppendNull(); else c[3]->children[1]->Append<double>(0.5 * static_cast<double>(k));
      }
      c[3]->FinishListRow();
    }
    if (next(5) == 0) {
      c[4]->AppendNull();
    } else {
      Column& in = *c[4];
      if (next(4) == 0) {
        in.children[0]->AppendNull();
      } else {
        for (uint64_t k = next(3); k > 0; --k) in.children[0]->children[0]->Append<int64_t>(static_cast<int64_t>(k));
        in.children[0]->FinishListRow();
      }
      if (next(4) == 0) in.children[1]->AppendNull(); else in.children[1]->Append<uint8_t>(static_cast<uint8_t>(next(2)));
      in.FinishStructRow();
    }
    col.FinishStructRow();
  }
  for (int trial = 0; trial < 200; ++trial) {
    const int64_t pre = static_cast<int64_t>(next(5));  // rows already in the destination
    int64_t b = static_cast<int64_t>(next(401)), e = static_cast<int64_t>(next(401));
    if (trial == 0) b = 0, e = 400;
    if (b > e) std::swap(b, e);
    Column bulk(type), rows(type);
    for (int64_t i = 0; i < pre; ++i) {
      bulk.AppendFrom(col, i);
      rows.AppendFrom(col, i);
    }
    bulk.AppendRange(col, b, e);
    for (int64_t i = b; i < e; ++i) rows.AppendFrom(col, i);
    ASSERT_EQ(bulk.length, rows.length);
    for (int64_t i = 0; i < bulk.length; ++i) {
      std::string x, y;
      AppendJsonValue(bulk, i, &x);
      AppendJsonValue(rows, i, &y);
      ASSERT_EQ(x, y) << "rows [" << b << ", " << e << ") after " << pre << ", row " << i;
    }
    ASSERT_EQ(bulk.null_count(), rows.null_count());
    for (size_t c = 0; c < bulk.children.size(); ++c) ASSERT_EQ(bulk.children[c]->length, bulk.length);
  }
  // Slice is AppendRange per column.
  RecordBatch batch;
  batch.schema.fields = type->fields();
  batch.columns = col.children;
  batch.num_rows = col.length;
  RecordBatch part = batch.Slice(100, 250);
  ASSERT_EQ(part.num_rows, 150);
  for (size_t c = 0; c < part.columns.size(); ++c) {
    for (int64_t i = 0; i < 150; ++i) ASSERT_TRUE(part.columns[c]->RowEquals(i, *batch.columns[c], 100 + i));
  }
}

TEST(JsonFormatTest, ScalarConventions) {
  std::string s;
  AppendDecimal(-12345, 2, &s);
  EXPECT_EQ(s, "-123.45");
  s.clear();
  AppendDecimal(5, 3, &s);
  EXPECT_EQ(s, "0.005");
  s.clear();
  AppendBase64("hello", &s);
  EXPECT_EQ(s, "aGVsbG8=");
  s.clear();
  AppendJsonString(std::string("a\"\n\x01\xff", 5), &s);
  EXPECT_EQ(s, "\"a\\\"\\n\\u0001\xEF\xBF\xBD\"");
  s.clear();
  AppendDouble(0.1, &s);
  EXPECT_EQ(s, "0.1");
  s.clear();
  AppendDouble(std::numeric_limits<double>::quiet_NaN(), &s);
  EXPECT_EQ(s, "\"NaN\"");
}

}  // namespace
}  // namespace lakewatch
