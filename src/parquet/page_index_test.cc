// The page index: Thrift round trip of OffsetIndex/ColumnIndex, bound
// truncation, what the writer puts in it (locations, bounds, null counts,
// boundary order, record-aligned pages of repeated columns), row-range reads
// (ReadRowGroupRows) against slices of full reads for every physical type and
// nested columns over many seeded random selections, files without a page
// index, corrupt page indexes, PagesMayMatch against a brute-force filter,
// and the parquet-testing files that carry a page index.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "common/test_data.h"
#include "common/json_format.h"
#include "common/scalar.h"
#include "parquet/column_reader.h"
#include "parquet/file_reader.h"
#include "parquet/file_writer.h"
#include "parquet/page_index.h"
#include "parquet/page_index_builder.h"

namespace lakewatch::parquet {
namespace {

using Rng = std::mt19937_64;

int64_t Uniform(Rng& rng, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}
bool Chance(Rng& rng, double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; }

// ---------------------------------------------------------------- data

Field F(std::string name, TypePtr type, bool nullable = true) {
  return Field{std::move(name), std::move(type), nullable, {}};
}

// A random string: mostly short ASCII, sometimes long or non-ASCII (so byte
// bounds get truncated), drawn from a small pool half the time (dictionary).
std::string RandomString(Rng& rng) {
  static const char* kPool[] = {"alpha", "beta", "gamma", "", "ünïcødé", "\xF4\x8F\xBF\xBF"};
  if (Chance(rng, 0.5)) return kPool[Uniform(rng, 0, 5)];
  std::string s(static_cast<size_t>(Chance(rng, 0.1) ? Uniform(rng, 60, 200) : Uniform(rng, 0, 12)),
                'a');
  for (char& c : s) c = static_cast<char>(Uniform(rng, 0, 9) == 0 ? Uniform(rng, 0xC0, 0xFF) : Uniform(rng, 'a', 'z'));
  return s;
}

// Appends one random value (or null, with probability null_p when the field
// may be null) of the column's type; nested types recurse.
void AppendRandom(Rng& rng, Column* c, double null_p, bool sorted_hint, int64_t row) {
  if (null_p > 0 && Chance(rng, null_p)) {
    c->AppendNull();
    return;
  }
  switch (c->type->id()) {
    case TypeId::kBoolean: c->Append<uint8_t>(Chance(rng, 0.5)); return;
    case TypeId::kInt8: c->Append<int8_t>(static_cast<int8_t>(Uniform(rng, -128, 127))); return;
    case TypeId::kInt16: c->Append<int16_t>(static_cast<int16_t>(Uniform(rng, -32768, 32767))); return;
    case TypeId::kInt32:
      c->Append<int32_t>(static_cast<int32_t>(Uniform(rng, INT32_MIN, INT32_MAX)));
      return;
    case TypeId::kDate: c->Append<int32_t>(static_cast<int32_t>(Uniform(rng, -50000, 50000))); return;
    case TypeId::kInt64:
      // Sorted ids (ascending page bounds) or random values.
      c->Append<int64_t>(sorted_hint ? row * 3 + Uniform(rng, 0, 2) : Uniform(rng, INT64_MIN, INT64_MAX));
      return;
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
      c->Append<int64_t>(1700000000000000 - row * 1000000 + Uniform(rng, 0, 999));  // descending
      return;
    case TypeId::kTime: c->Append<int64_t>(Uniform(rng, 0, 86399999999)); return;
    case TypeId::kFloat: c->Append<float>(static_cast<float>(Uniform(rng, -1000, 1000)) / 8); return;
    case TypeId::kDouble: {
      double v = static_cast<double>(Uniform(rng, -100000, 100000)) / 100;
      if (Chance(rng, 0.02)) v = std::nan("");
      if (Chance(rng, 0.02)) v = Chance(rng, 0.5) ? 0.0 : -0.0;
      c->Append<double>(v);
      return;
    }
    case TypeId::kDecimal: {
      const int p = c->type->precision();
      __int128 lim = 1;
      for (int i = 0; i < std::min(p, 18); ++i) lim *= 10;
      __int128 v = Uniform(rng, -static_cast<int64_t>(lim - 1), static_cast<int64_t>(lim - 1));
      if (p > 18) v = v * 1000000000000000000LL + Uniform(rng, 0, 999999999999999999LL);
      c->Append<__int128>(v);
      return;
    }
    case TypeId::kString:
    case TypeId::kBinary: c->AppendString(RandomString(rng)); return;
    case TypeId::kList: {
      const int64_t n = Chance(rng, 0.05) ? Uniform(rng, 50, 300) : Uniform(rng, 0, 4);
      for (int64_t i = 0; i < n; ++i) AppendRandom(rng, c->children[0].get(), 0.1, false, row);
      c->FinishListRow();
      return;
    }
    case TypeId::kMap: {
      const int64_t n = Uniform(rng, 0, 3);
      for (int64_t i = 0; i < n; ++i) {
        c->children[0]->AppendString("k" + std::to_string(i));
        AppendRandom(rng, c->children[1].get(), 0.2, false, row);
      }
      c->FinishListRow();
      return;
    }
    case TypeId::kStruct:
      for (size_t i = 0; i < c->children.size(); ++i) {
        AppendRandom(rng, c->children[i].get(), c->type->field(i).nullable ? 0.15 : 0, false, row);
      }
      c->FinishStructRow();
      return;
    default: FAIL() << "no generator for " << c->type->ToString();
  }
}

// Every physical type and logical type the writer maps, flat and nested.
Schema EveryTypeSchema() {
  Schema s;
  s.fields = {
      F("id", DataType::Int64(), false),  // sorted
      F("flag", DataType::Boolean()),
      F("i8", DataType::Int8()),
      F("i16", DataType::Int16()),
      F("i32", DataType::Int32()),
      F("i64", DataType::Int64()),
      F("f32", DataType::Float()),
      F("f64", DataType::Double()),
      F("dec9", DataType::Decimal(9, 2)),
      F("dec18", DataType::Decimal(18, 3)),
      F("dec38", DataType::Decimal(38, 5)),
      F("day", DataType::Date()),
      F("ts", DataType::Timestamp()),  // descending
      F("ts_ntz", DataType::TimestampNtz()),
      F("tod", DataType::Time()),
      F("name", DataType::String()),
      F("blob", DataType::Binary()),
      F("st", DataType::Struct({F("a", DataType::Int32()), F("b", DataType::String(), false),
                                F("c", DataType::Struct({F("d", DataType::Double())}))})),
      F("ints", DataType::List(DataType::Int32())),
      F("tags", DataType::Map(DataType::String(), DataType::Double())),
      F("events", DataType::List(DataType::Struct(
                      {F("x", DataType::Int64()), F("ys", DataType::List(DataType::String()))}))),
  };
  return s;
}

RecordBatch RandomBatch(Rng& rng, const Schema& schema, int64_t rows) {
  RecordBatch b;
  b.schema = schema;
  b.num_rows = rows;
  for (const Field& f : schema.fields) {
    ColumnPtr c = Column::Make(f.type);
    const double null_p = f.nullable ? (Chance(rng, 0.2) ? 0.9 : 0.1) : 0;  // some mostly-null columns
    for (int64_t r = 0; r < rows; ++r) AppendRandom(rng, c.get(), null_p, f.name == "id", r);
    b.columns.push_back(std::move(c));
  }
  return b;
}

// The rows of `b` that `rows` selects, in order.
RecordBatch Select(const RecordBatch& b, const RowSelection& rows) {
  RecordBatch out;
  out.schema = b.schema;
  for (const ColumnPtr& c : b.columns) {
    ColumnPtr s = Column::Make(c->type);
    for (const RowRange& r : rows.ranges()) {
      for (int64_t i = r.begin; i < r.end; ++i) s->AppendFrom(*c, i);
    }
    out.columns.push_back(std::move(s));
  }
  out.num_rows = rows.num_rows();
  return out;
}

std::string Json(const Column& c, int64_t row) {
  std::string s;
  AppendJsonValue(c, row, &s);
  return s.size() > 200 ? s.substr(0, 200) + "..." : s;
}

void ExpectSameRows(const RecordBatch& expected, const RecordBatch& actual, const std::string& what) {
  ASSERT_EQ(actual.num_rows, expected.num_rows) << what;
  ASSERT_EQ(actual.columns.size(), expected.columns.size()) << what;
  for (size_t c = 0; c < expected.columns.size(); ++c) {
    const Column& e = *expected.columns[c];
    const Column& a = *actual.columns[c];
    ASSERT_EQ(a.length, e.length) << what << " column " << expected.schema.fields[c].name;
    for (int64_t r = 0; r < e.length; ++r) {
      ASSERT_TRUE(e.RowEquals(r, a, r))
          << what << " column " << expected.schema.fields[c].name << " row " << r << ": expected "
          << Json(e, r) << ", read " << Json(a, r);
    }
  }
}

std::string TempPath() {
  static int counter = 0;
  return ::testing::TempDir() + "lw_page_index_" + std::to_string(::getpid()) + "_" +
         std::to_string(counter++) + ".parquet";
}

// Writes `batch` with `options`, in slices of `slice_rows` rows, and returns
// the file's bytes. The writer closes pages only between the slices it is
// given (or every 4096 entries), so small slices make small pages.
std::string WriteBytes(const Schema& schema, const RecordBatch& batch, const WriterOptions& options,
                       int64_t slice_rows = 16) {
  const std::string path = TempPath();
  auto w = ParquetFileWriter::Open(path, schema, options);
  EXPECT_TRUE(w.ok()) << w.status().ToString();
  if (!w.ok()) return "";
  for (int64_t begin = 0; begin < batch.num_rows; begin += slice_rows) {
    Status st = (*w)->WriteBatch(batch.Slice(begin, std::min(batch.num_rows, begin + slice_rows)));
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  Status st = (*w)->Close();
  EXPECT_TRUE(st.ok()) << st.ToString();
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  ::unlink(path.c_str());
  return ss.str();
}

std::unique_ptr<ParquetFileReader> OpenBytes(std::string bytes) {
  auto r = ParquetFileReader::FromBuffer(std::move(bytes), "test.parquet");
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : nullptr;
}

WriterOptions SmallPages(Rng& rng) {
  WriterOptions o;
  o.row_group_rows = Uniform(rng, 700, 2500);
  o.page_max_entries = Uniform(rng, 20, 300);
  o.page_bytes = Uniform(rng, 256, 4096);
  o.dictionary = Chance(rng, 0.7);
  const Codec codecs[] = {Codec::kZstd, Codec::kSnappy, Codec::kUncompressed};
  o.compression = codecs[Uniform(rng, 0, 2)];
  return o;
}

// Selections that stress page boundaries: each page's first row alone, the
// two rows around each boundary, whole pages; then random ones.
// REQUIRES: num_rows > 0.
std::vector<RowSelection> Selections(Rng& rng, const OffsetIndex& pages, int64_t num_rows) {
  std::vector<RowSelection> out = {RowSelection(), RowSelection::All(num_rows),
                                   RowSelection::FromRows({0}), RowSelection::FromRows({num_rows - 1})};
  for (size_t i = 0; i < pages.page_locations.size(); ++i) {
    const RowRange r = PageRows(pages, i, num_rows);
    out.push_back(RowSelection::FromRows({r.begin}));
    out.push_back(RowSelection::FromRows({r.end - 1}));
    if (r.begin > 0) out.push_back(RowSelection({{r.begin - 1, r.begin + 1}}));
    out.push_back(RowSelection({r}));
  }
  for (int k = 0; k < 12; ++k) {
    RowSelection s;
    int64_t at = Uniform(rng, 0, num_rows / 4);
    while (at < num_rows) {
      const int64_t len = Chance(rng, 0.5) ? 1 : Uniform(rng, 1, num_rows / 8 + 1);
      s.Append(at, std::min(num_rows, at + len));
      at += len + Uniform(rng, 1, num_rows / 3 + 1);
    }
    out.push_back(std::move(s));
  }
  std::vector<int64_t> rows;
  for (int k = 0; k < 5; ++k) rows.push_back(Uniform(rng, 0, num_rows - 1));
  out.push_back(RowSelection::FromRows(rows));
  // Scattered rows (far more than kScatteredRanges ranges): flat
  // dictionary-encoded chunks are then read through their indices.
  RowSelection scattered;
  for (int64_t r = Uniform(rng, 0, 3); r < num_rows; r += Uniform(rng, 2, 6)) scattered.Append(r, r + 1);
  out.push_back(std::move(scattered));
  return out;
}

// Rebuilds `file` with its footer changed by `edit`, which may also append
// bytes (at file offset `extra_base`) between the old footer's start and the new footer.
template <typename Edit>
std::string RebuildFile(const std::string& file, Edit edit) {
  uint32_t len;
  std::memcpy(&len, file.data() + file.size() - 8, 4);
  const size_t footer_start = file.size() - 8 - len;
  auto md = ParseFileMetaData(reinterpret_cast<const uint8_t*>(file.data()) + footer_start, len);
  EXPECT_TRUE(md.ok()) << md.status().ToString();
  std::string extra;
  edit(&*md, &extra, static_cast<int64_t>(footer_start));
  std::string footer;
  SerializeFileMetaData(*md, &footer);
  const uint32_t n = static_cast<uint32_t>(footer.size());
  return file.substr(0, footer_start) + extra + footer + std::string(reinterpret_cast<const char*>(&n), 4) +
         "PAR1";
}

// ---------------------------------------------------------------- Thrift

TEST(PageIndexMetadata, OffsetIndexAndColumnIndexRoundTripThroughThrift) {
  OffsetIndex oi;
  oi.page_locations = {{4, 100, 0}, {104, 2000000, 17}, {int64_t{1} << 40, 7, int64_t{1} << 33}};
  oi.unencoded_byte_array_data_bytes = std::vector<int64_t>{1, 2, 3};
  std::string bytes;
  SerializeOffsetIndex(oi, &bytes);
  auto back = ParseOffsetIndex(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, oi);

  ColumnIndex ci;
  ci.null_pages = {false, true, false};
  ci.min_values = {"a", "", std::string("\0\xff", 2)};
  ci.max_values = {"b", "", "zz"};
  ci.boundary_order = BoundaryOrder::kAscending;
  ci.null_counts = std::vector<int64_t>{0, 5, 1};
  ci.nan_counts = std::vector<int64_t>{0, 0, 0};
  bytes.clear();
  SerializeColumnIndex(ci, &bytes);
  auto ci_back = ParseColumnIndex(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  ASSERT_TRUE(ci_back.ok()) << ci_back.status().ToString();
  EXPECT_EQ(*ci_back, ci);

  ci.null_counts.reset();  // optional lists stay absent
  ci.nan_counts.reset();
  bytes.clear();
  SerializeColumnIndex(ci, &bytes);
  ci_back = ParseColumnIndex(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  ASSERT_TRUE(ci_back.ok());
  EXPECT_FALSE(ci_back->null_counts.has_value());
  EXPECT_EQ(*ci_back, ci);
}

TEST(PageIndexMetadata, ParseErrorsNameTheField) {
  ColumnIndex ci;
  ci.null_pages = {true};
  ci.min_values = {""};
  ci.max_values = {""};
  std::string bytes;
  SerializeColumnIndex(ci, &bytes);
  // Drop the trailing "boundary_order" field: its header and value are the
  // two bytes before the stop byte (field delta 1, i32 zigzag 0).
  ASSERT_GE(bytes.size(), 3u);
  std::string cut = bytes.substr(0, bytes.size() - 3) + '\0';
  auto r = ParseColumnIndex(reinterpret_cast<const uint8_t*>(cut.data()), cut.size());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(r.status().message().find("ColumnIndex.boundary_order missing"), std::string::npos)
      << r.status().message();
  // Truncated input: an error, not a crash, at every length.
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(ParseColumnIndex(reinterpret_cast<const uint8_t*>(bytes.data()), n).ok()) << n;
  }
  auto oi = ParseOffsetIndex(reinterpret_cast<const uint8_t*>("\x00"), 1);
  ASSERT_FALSE(oi.ok());
  EXPECT_NE(oi.status().message().find("OffsetIndex.page_locations missing"), std::string::npos);
}

// ---------------------------------------------------------------- truncation

bool ValidUtf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

TEST(PageIndexBounds, TruncationKeepsValidBounds) {
  EXPECT_EQ(TruncateLowerBound("abcdef", 4, false), "abcd");
  EXPECT_EQ(TruncateUpperBound("abcdef", 4, false), "abce");
  EXPECT_EQ(TruncateUpperBound("abc", 4, false), "abc");  // fits: unchanged
  EXPECT_EQ(TruncateUpperBound(std::string("ab\xff\xff\xff", 5), 4, false), "ac");
  EXPECT_EQ(TruncateUpperBound(std::string(8, '\xff'), 4, false), std::nullopt);
  // UTF-8: never cut inside a character; the upper bound's last character is the next code point.
  EXPECT_EQ(TruncateLowerBound("aé b", 2, true), "a");  // é is 2 bytes at [1, 3)
  EXPECT_EQ(TruncateUpperBound("aébc", 3, true), "aê");
  EXPECT_EQ(TruncateUpperBound("a\xED\x9F\xBFzz", 4, true), "a\xEE\x80\x80");  // U+D7FF -> U+E000
  EXPECT_EQ(TruncateUpperBound("a\xF4\x8F\xBF\xBFzz", 5, true), "b");          // U+10FFFF dropped
  EXPECT_EQ(TruncateUpperBound("\xF4\x8F\xBF\xBF\xF4\x8F\xBF\xBFz", 8, true), std::nullopt);

  Rng rng(7);
  for (int iter = 0; iter < 20000; ++iter) {
    const bool utf8 = Chance(rng, 0.5);
    std::string v;
    const int64_t n = Uniform(rng, 0, 24);
    while (static_cast<int64_t>(v.size()) < n) {
      if (!utf8) {
        v.push_back(static_cast<char>(Chance(rng, 0.3) ? 0xFF : Uniform(rng, 0, 255)));
        continue;
      }
      static const char* kChars[] = {"a", "z", "\x7f", "é", "\xEF\xBF\xBF", "\xF4\x8F\xBF\xBF", "\xED\x9F\xBF"};
      v += kChars[Uniform(rng, 0, 6)];
    }
    const size_t limit = static_cast<size_t>(Uniform(rng, 0, 16));
    const std::string lo = TruncateLowerBound(v, limit, utf8);
    EXPECT_LE(lo.size(), limit > v.size() ? v.size() : limit);
    EXPECT_EQ(v.compare(0, lo.size(), lo), 0) << "lower bound is a prefix";
    const auto hi = TruncateUpperBound(v, limit, utf8);
    if (!hi.has_value()) continue;
    EXPECT_GE(*hi, v);  // std::string compares bytes as unsigned char
    EXPECT_LE(hi->size(), limit + 3);
    if (utf8) {
      EXPECT_TRUE(ValidUtf8(lo));
      EXPECT_TRUE(ValidUtf8(*hi));
    }
    // Every string that starts with the kept prefix stays below the bound.
    if (v.size() > limit) {
      EXPECT_LT(v + "\xff\xff\xff\xff", *hi);
    }
  }
}

// ---------------------------------------------------------------- writer

TEST(PageIndexWriter, LocationsBoundsAndNullCountsDescribeEveryPage) {
  Rng rng(11);
  const Schema schema = EveryTypeSchema();
  WriterOptions options = SmallPages(rng);
  const RecordBatch batch = RandomBatch(rng, schema, 3000);
  const std::string bytes = WriteBytes(schema, batch, options);
  auto reader = OpenBytes(bytes);
  ASSERT_NE(reader, nullptr);
  auto plans = reader->schema().Project({});
  ASSERT_TRUE(plans.ok());
  int64_t rg_first_row = 0;
  int column_indexes = 0;
  for (int rg = 0; rg < reader->num_row_groups(); ++rg) {
    const int64_t num_rows = reader->metadata().row_groups[rg].num_rows;
    for (const LeafDescriptor& leaf : reader->schema().leaves()) {
      SCOPED_TRACE("row group " + std::to_string(rg) + " column " + leaf.DottedPath());
      const ColumnChunk& cc = reader->metadata().row_groups[rg].columns[leaf.index];
      ASSERT_TRUE(cc.offset_index_offset.has_value());
      auto oi = reader->ReadOffsetIndex(rg, leaf.index);
      ASSERT_TRUE(oi.ok()) << oi.status().ToString();
      // Each location is a data page header whose size is header + body.
      for (const PageLocation& loc : oi->page_locations) {
        size_t header_size = 0;
        auto h = ParsePageHeader(reinterpret_cast<const uint8_t*>(bytes.data()) + loc.offset,
                                 bytes.size() - loc.offset, &header_size);
        ASSERT_TRUE(h.ok()) << h.status().ToString();
        EXPECT_EQ(h->type, PageType::kDataPage);
        EXPECT_EQ(static_cast<int64_t>(header_size) + h->compressed_page_size, loc.compressed_page_size);
      }
      if (!cc.column_index_offset.has_value()) continue;  // all-NaN page (f64, st.c.d)
      auto ci = reader->ReadColumnIndex(rg, leaf.index, *oi);
      ASSERT_TRUE(ci.ok()) << ci.status().ToString();
      ++column_indexes;
      ASSERT_TRUE(ci->null_counts.has_value());
      if (leaf.max_rep > 0) continue;  // page values are rows only for flat leaves
      // Bounds hold every value of the page; null counts and null pages are exact.
      for (size_t p = 0; p < oi->page_locations.size(); ++p) {
        const RowRange rows = PageRows(*oi, p, num_rows);
        int64_t nulls = 0;
        ColumnStats bounds;
        DecodeBounds(leaf, ci->min_values[p], ci->max_values[p], &bounds);
        for (int64_t r = rows.begin; r < rows.end; ++r) {
          // The leaf's value in row r of the written batch (struct fields by path).
          const Column* c = batch.columns[schema.FieldIndex(leaf.path[0])].get();
          bool null = c->IsNull(rg_first_row + r);
          for (size_t d = 1; d < leaf.path.size() && !null; ++d) {
            c = c->children[c->type->FieldIndex(leaf.path[d])].get();
            null = c->IsNull(rg_first_row + r);
          }
          if (null) {
            ++nulls;
            continue;
          }
          const Scalar v = Scalar::FromColumn(*c, rg_first_row + r);
          if (ci->null_pages[p] || !bounds.has_bounds) {
            ADD_FAILURE() << "page " << p << " has a value but no bounds";
            break;
          }
          bool ok = true;
          const bool nan = (v.type->id() == TypeId::kDouble || v.type->id() == TypeId::kFloat) &&
                           std::isnan(v.f64);
          if (nan) continue;
          EXPECT_LE(CompareScalars(bounds.min, v, &ok), 0) << "page " << p << " row " << r;
          EXPECT_GE(CompareScalars(bounds.max, v, &ok), 0) << "page " << p << " row " << r;
        }
        EXPECT_EQ((*ci->null_counts)[p], nulls) << "page " << p;
        EXPECT_EQ(ci->null_pages[p], nulls == rows.size()) << "page " << p;
      }
      if (leaf.DottedPath() == "id") {
        EXPECT_EQ(ci->boundary_order, BoundaryOrder::kAscending);
      }
      if (leaf.DottedPath() == "ts" && oi->page_locations.size() > 1) {
        EXPECT_NE(ci->boundary_order, BoundaryOrder::kAscending);
      }
    }
    rg_first_row += num_rows;
  }
  EXPECT_GT(column_indexes, 0);
}

// Dictionary-encoded string pages take their bounds from the distinct
// entries each page uses: they must still be exactly the least and greatest
// value of the page (and of the chunk), across pages, row groups and the
// dictionary's fallback to PLAIN.
TEST(PageIndexWriter, DictionaryStringBoundsAreExactPerPageAndChunk) {
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Rng rng(seed);
    Schema schema;
    schema.fields = {F("s", DataType::String())};
    WriterOptions options;
    options.row_group_rows = Uniform(rng, 400, 1500);
    options.page_max_entries = Uniform(rng, 20, 200);
    options.dictionary = true;
    options.dictionary_bytes_limit = seed % 2 == 0 ? 300 : (int64_t{1} << 20);  // even seeds fall back to PLAIN
    options.compression = Codec::kUncompressed;
    // A few dozen categories (some sharing 8-byte prefixes), runs, nulls.
    std::vector<std::string> cats;
    for (int i = 0; i < 40; ++i) {
      cats.push_back(i % 3 == 0 ? "category_" + std::to_string(i) : std::string(1 + i % 5, static_cast<char>('a' + i)));
    }
    const int64_t rows = 4000;
    auto col = Column::Make(DataType::String());
    std::vector<std::optional<std::string>> truth;
    for (int64_t r = 0; r < rows; ++r) {
      if (Chance(rng, 0.05)) {
        col->AppendNull();
        truth.push_back(std::nullopt);
        continue;
      }
      const std::string& v = !truth.empty() && truth.back() && Chance(rng, 0.3) ? *truth.back()
                                                                                 : cats[Uniform(rng, 0, 39)];
      col->AppendString(v);
      truth.push_back(v);
    }
    const RecordBatch batch{schema, {col}, rows};
    const std::string bytes = WriteBytes(schema, batch, options, 97);
    auto reader = OpenBytes(bytes);
    ASSERT_NE(reader, nullptr);
    const LeafDescriptor& leaf = reader->schema().leaves()[0];
    int64_t first = 0;
    for (int rg = 0; rg < reader->num_row_groups(); ++rg) {
      const int64_t num_rows = reader->metadata().row_groups[rg].num_rows;
      auto exact = [&](int64_t b, int64_t e, std::string* lo, std::string* hi) {
        bool any = false;
        for (int64_t r = b; r < e; ++r) {
          const auto& v = truth[static_cast<size_t>(first + r)];
          if (!v) continue;
          if (!any || *v < *lo) *lo = *v;
          if (!any || *v > *hi) *hi = *v;
          any = true;
        }
        return any;
      };
      std::string lo, hi;
      ColumnStats chunk = DecodeColumnStats(leaf, *reader->metadata().row_groups[rg].columns[0].meta_data, true);
      ASSERT_EQ(chunk.has_bounds, exact(0, num_rows, &lo, &hi));
      if (chunk.has_bounds) {
        EXPECT_EQ(chunk.min.str, lo) << "row group " << rg;
        EXPECT_EQ(chunk.max.str, hi) << "row group " << rg;
      }
      auto oi = reader->ReadOffsetIndex(rg, 0);
      ASSERT_TRUE(oi.ok()) << oi.status().ToString();
      auto ci = reader->ReadColumnIndex(rg, 0, *oi);
      ASSERT_TRUE(ci.ok()) << ci.status().ToString();
      ASSERT_GT(oi->page_locations.size(), 1u);
      for (size_t p = 0; p < oi->page_locations.size(); ++p) {
        const RowRange pr = PageRows(*oi, p, num_rows);
        if (!exact(pr.begin, pr.end, &lo, &hi)) {
          EXPECT_TRUE(ci->null_pages[p]) << "row group " << rg << " page " << p;
          continue;
        }
        ColumnStats bounds;
        DecodeBounds(leaf, ci->min_values[p], ci->max_values[p], &bounds);
        ASSERT_TRUE(bounds.has_bounds);
        EXPECT_EQ(bounds.min.str, lo) << "row group " << rg << " page " << p;
        EXPECT_EQ(bounds.max.str, hi) << "row group " << rg << " page " << p;
      }
      first += num_rows;
    }
    EXPECT_EQ(first, rows);
  }
}

TEST(PageIndexWriter, PagesOfRepeatedColumnsStartAtRecords) {
  // Long lists and few entries per page: the writer must extend pages to the
  // end of the record, so every page's first repetition level is 0 and
  // first_row_index counts records.
  Schema schema;
  schema.fields = {F("ints", DataType::List(DataType::Int32()))};
  ColumnPtr c = Column::Make(schema.fields[0].type);
  std::vector<int64_t> lengths;
  Rng rng(3);
  for (int r = 0; r < 2000; ++r) {
    const int64_t n = Uniform(rng, 0, 40) == 0 ? 500 : Uniform(rng, 0, 7);
    for (int64_t i = 0; i < n; ++i) c->children[0]->Append<int32_t>(static_cast<int32_t>(r));
    c->FinishListRow();
    lengths.push_back(n);
  }
  RecordBatch b{schema, {c}, 2000};
  WriterOptions options;
  options.page_max_entries = 64;
  options.row_group_rows = 2000;
  options.dictionary = false;  // pages decode alone
  const std::string bytes = WriteBytes(schema, b, options, 8);
  auto reader = OpenBytes(bytes);
  ASSERT_NE(reader, nullptr);
  auto oi = reader->ReadOffsetIndex(0, 0);
  ASSERT_TRUE(oi.ok()) << oi.status().ToString();
  ASSERT_GT(oi->page_locations.size(), 20u);
  const LeafDescriptor& leaf = reader->schema().leaves()[0];
  const ColumnMetaData& meta = *reader->metadata().row_groups[0].columns[0].meta_data;
  const uint8_t* data = reinterpret_cast<const uint8_t*>(bytes.data());
  int64_t rows_before = 0;
  for (size_t p = 0; p < oi->page_locations.size(); ++p) {
    const PageLocation& loc = oi->page_locations[p];
    ColumnChunkReader pr(leaf, meta, data + loc.offset, loc.compressed_page_size, loc.offset);
    LeafData page;
    page.max_def = leaf.max_def;
    page.max_rep = leaf.max_rep;
    page.values = Column::Make(leaf.type);
    Status st = pr.ReadDataPageAt(0, loc.compressed_page_size, &page);
    ASSERT_TRUE(st.ok()) << st.ToString();
    ASSERT_GT(page.num_entries, 0);
    EXPECT_EQ(page.rep_levels.data_as<int16_t>()[0], 0) << "page " << p;
    EXPECT_EQ(loc.first_row_index, rows_before) << "page " << p;
    for (int64_t e = 0; e < page.num_entries; ++e) rows_before += page.rep_levels.data_as<int16_t>()[e] == 0;
  }
  EXPECT_EQ(rows_before, 2000);
}

TEST(PageIndexWriter, OptionOffWritesNoPageIndex) {
  Rng rng(5);
  const Schema schema = EveryTypeSchema();
  WriterOptions options = SmallPages(rng);
  const RecordBatch batch = RandomBatch(rng, schema, 1500);
  options.page_index = false;
  const std::string without = WriteBytes(schema, batch, options);
  options.page_index = true;
  const std::string with = WriteBytes(schema, batch, options);
  auto reader = OpenBytes(without);
  ASSERT_NE(reader, nullptr);
  for (const RowGroup& rg : reader->metadata().row_groups) {
    for (const ColumnChunk& cc : rg.columns) {
      EXPECT_FALSE(cc.offset_index_offset.has_value() || cc.column_index_offset.has_value());
    }
  }
  EXPECT_EQ(reader->ReadOffsetIndex(0, 0).status().code(), StatusCode::kNotFound);
  // The data pages are the same bytes either way; only the index and footer differ.
  auto with_reader = OpenBytes(with);
  ASSERT_NE(with_reader, nullptr);
  const ColumnMetaData& a = *reader->metadata().row_groups[0].columns[0].meta_data;
  const ColumnMetaData& b = *with_reader->metadata().row_groups[0].columns[0].meta_data;
  EXPECT_EQ(a.data_page_offset, b.data_page_offset);
  EXPECT_EQ(without.substr(0, 4096), with.substr(0, 4096));
  EXPECT_GT(with.size(), without.size());
}

TEST(PageIndexWriter, AllNanPageDropsOnlyTheColumnIndex) {
  Schema schema;
  schema.fields = {F("x", DataType::Double(), false)};
  ColumnPtr c = Column::Make(DataType::Double());
  for (int r = 0; r < 400; ++r) c->Append<double>(r >= 100 && r < 200 ? std::nan("") : r == 250 ? std::nan("") : r);
  WriterOptions options;
  options.page_max_entries = 100;
  options.dictionary = false;
  const std::string bytes = WriteBytes(schema, RecordBatch{schema, {c}, 400}, options, 20);
  auto reader = OpenBytes(bytes);
  ASSERT_NE(reader, nullptr);
  const ColumnChunk& cc = reader->metadata().row_groups[0].columns[0];
  EXPECT_TRUE(cc.offset_index_offset.has_value());
  EXPECT_FALSE(cc.column_index_offset.has_value());
  // Without the all-NaN page the index is written, bounds from the non-NaN values.
  ColumnPtr d = Column::Make(DataType::Double());
  for (int r = 0; r < 400; ++r) d->Append<double>(r == 250 ? std::nan("") : r);
  auto reader2 = OpenBytes(WriteBytes(schema, RecordBatch{schema, {d}, 400}, options, 20));
  ASSERT_NE(reader2, nullptr);
  auto oi = reader2->ReadOffsetIndex(0, 0);
  ASSERT_TRUE(oi.ok());
  auto ci = reader2->ReadColumnIndex(0, 0, *oi);
  ASSERT_TRUE(ci.ok()) << ci.status().ToString();
  ASSERT_EQ(ci->min_values.size(), 4u);
  double lo, hi;
  std::memcpy(&lo, ci->min_values[2].data(), 8);
  std::memcpy(&hi, ci->max_values[2].data(), 8);
  EXPECT_EQ(lo, 200);
  EXPECT_EQ(hi, 299);
  EXPECT_TRUE(std::signbit(*reinterpret_cast<const double*>(ci->min_values[0].data())));  // -0.0
  EXPECT_EQ(ci->boundary_order, BoundaryOrder::kAscending);
}

TEST(PageIndexWriter, LongStringBoundsAreTruncated) {
  Schema schema;
  schema.fields = {F("s", DataType::String(), false)};
  ColumnPtr c = Column::Make(DataType::String());
  for (int r = 0; r < 300; ++r) c->AppendString(std::string(100, static_cast<char>('a' + r / 100)) + std::to_string(r));
  WriterOptions options;
  options.page_max_entries = 100;
  const std::string bytes = WriteBytes(schema, RecordBatch{schema, {c}, 300}, options, 20);
  auto reader = OpenBytes(bytes);
  ASSERT_NE(reader, nullptr);
  auto oi = reader->ReadOffsetIndex(0, 0);
  ASSERT_TRUE(oi.ok());
  auto ci = reader->ReadColumnIndex(0, 0, *oi);
  ASSERT_TRUE(ci.ok());
  ASSERT_EQ(ci->min_values.size(), 3u);
  for (int p = 0; p < 3; ++p) {
    const char ch = static_cast<char>('a' + p);
    EXPECT_EQ(ci->min_values[p], std::string(PageIndexBuilder::kMaxBoundBytes, ch));
    EXPECT_EQ(ci->max_values[p], std::string(PageIndexBuilder::kMaxBoundBytes - 1, ch) + static_cast<char>(ch + 1));
  }
  EXPECT_EQ(ci->boundary_order, BoundaryOrder::kAscending);
  // Chunk statistics still leave long bounds out.
  EXPECT_FALSE(reader->metadata().row_groups[0].columns[0].meta_data->statistics->min_value.has_value());
  // Pruning with the truncated bounds: only page 1 may hold 'b'-rows.
  StatsPredicate p{"s", StatsPredicate::Op::kEq, Scalar::String(std::string(100, 'b') + "150")};
  EXPECT_EQ(reader->PagesMayMatch(0, {p}), RowSelection({{100, 200}}));
}

// ---------------------------------------------------------------- row-range reads

TEST(RowRangeRead, RandomSelectionsEqualSlicesOfFullReads) {
  const Schema schema = EveryTypeSchema();
  int64_t selections = 0, pages_read = 0, pages_skipped = 0, chunks_selected = 0;
  for (uint64_t seed = 1; seed <= static_cast<uint64_t>(SanitizerScaled(6, 3)); ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Rng rng(seed);
    const WriterOptions options = SmallPages(rng);
    const RecordBatch batch = RandomBatch(rng, schema, options.row_group_rows * 2 + Uniform(rng, 1, 500));
    auto reader = OpenBytes(WriteBytes(schema, batch, options));
    ASSERT_NE(reader, nullptr);
    ASSERT_GT(reader->num_row_groups(), 1);
    // All columns, then a random projection (a nested path among them).
    std::vector<std::vector<std::string>> projections = {{}, {"events", "st.c.d", "name", "id"}};
    for (const auto& columns : projections) {
      auto plans = reader->schema().Project(columns);
      ASSERT_TRUE(plans.ok()) << plans.status().ToString();
      for (int rg = 0; rg < reader->num_row_groups(); ++rg) {
        auto full = reader->ReadRowGroup(rg, *plans);
        ASSERT_TRUE(full.ok()) << full.status().ToString();
        auto pages = reader->ReadOffsetIndex(rg, 0);
        ASSERT_TRUE(pages.ok()) << pages.status().ToString();
        for (const RowSelection& sel : Selections(rng, *pages, full->num_rows)) {
          RowReadStats stats;
          auto got = reader->ReadRowGroupRows(rg, *plans, sel, &stats);
          ASSERT_TRUE(got.ok()) << got.status().ToString();
          ExpectSameRows(Select(*full, sel), *got, "row group " + std::to_string(rg) + " " + sel.ToString());
          EXPECT_EQ(stats.index_errors, 0);
          ++selections;
          pages_read += stats.pages_read;
          pages_skipped += stats.pages_skipped;
          chunks_selected += stats.chunks_read_selected;
          if (sel.num_rows() == 1 && full->num_rows >= 500) {  // pages of <= 316 rows
            EXPECT_GT(stats.pages_skipped, 0) << sel.ToString();
          }
        }
      }
    }
  }
  EXPECT_GT(selections, 500);
  EXPECT_GT(pages_skipped, pages_read);
  EXPECT_GT(chunks_selected, 0);  // the dictionary path was taken (and agreed)
}

TEST(RowRangeRead, FileWithoutPageIndexGivesTheSameRows) {
  Rng rng(21);
  const Schema schema = EveryTypeSchema();
  WriterOptions options = SmallPages(rng);
  options.page_index = false;
  const RecordBatch batch = RandomBatch(rng, schema, 2000);
  auto reader = OpenBytes(WriteBytes(schema, batch, options));
  ASSERT_NE(reader, nullptr);
  auto plans = reader->schema().Project({});
  ASSERT_TRUE(plans.ok());
  int64_t first = 0;
  for (int rg = 0; rg < reader->num_row_groups(); ++rg) {
    const int64_t n = reader->metadata().row_groups[rg].num_rows;
    OffsetIndex none;
    for (const RowSelection& sel : Selections(rng, none, n)) {
      RowReadStats stats;
      auto got = reader->ReadRowGroupRows(rg, *plans, sel, &stats);
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      RowSelection shifted;
      for (const RowRange& r : sel.ranges()) shifted.Append(first + r.begin, first + r.end);
      ExpectSameRows(Select(batch, shifted), *got, sel.ToString());
      EXPECT_EQ(stats.pages_read, 0);
      EXPECT_EQ(stats.index_errors, 0);
      if (!sel.empty()) {
        EXPECT_EQ(stats.chunks_read_whole + stats.chunks_read_selected,
                  static_cast<int64_t>(reader->schema().leaves().size()));
      }
    }
    first += n;
  }
}

TEST(RowRangeRead, BadSelectionsAreInvalidArgument) {
  Rng rng(2);
  const Schema schema = EveryTypeSchema();
  auto reader = OpenBytes(WriteBytes(schema, RandomBatch(rng, schema, 100), WriterOptions()));
  ASSERT_NE(reader, nullptr);
  auto plans = reader->schema().Project({"id"});
  ASSERT_TRUE(plans.ok());
  for (const RowSelection& bad : {RowSelection({{5, 3}}), RowSelection({{0, 101}}), RowSelection({{-1, 2}}),
                                  RowSelection({{10, 20}, {15, 30}}), RowSelection({{40, 50}, {0, 1}})}) {
    auto r = reader->ReadRowGroupRows(0, *plans, bad);
    ASSERT_FALSE(r.ok()) << bad.ToString();
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("test.parquet: row group 0: row range"), std::string::npos)
        << r.status().message();
  }
  EXPECT_EQ(reader->ReadRowGroupRows(1, *plans, RowSelection()).status().code(), StatusCode::kInvalidArgument);
}

TEST(RowRangeRead, CorruptPageIndexFallsBackToTheWholeChunk) {
  Rng rng(9);
  const Schema schema = EveryTypeSchema();
  WriterOptions options = SmallPages(rng);
  options.row_group_rows = 5000;  // one row group
  const RecordBatch batch = RandomBatch(rng, schema, 1200);
  const std::string good = WriteBytes(schema, batch, options);
  auto reader = OpenBytes(good);
  ASSERT_NE(reader, nullptr);
  auto plans = reader->schema().Project({});
  ASSERT_TRUE(plans.ok());
  const RowSelection sel = RowSelection({{3, 4}, {500, 560}, {1100, 1101}});
  const RecordBatch expected = Select(batch, sel);
  // Where the page indexes lie: after the last chunk, before the footer.
  int64_t index_begin = INT64_MAX, index_end = 0;
  for (const ColumnChunk& cc : reader->metadata().row_groups[0].columns) {
    index_begin = std::min({index_begin, *cc.offset_index_offset, cc.column_index_offset.value_or(INT64_MAX)});
    index_end = std::max(index_end, *cc.offset_index_offset + *cc.offset_index_length);
  }
  ASSERT_LT(index_begin, index_end);

  // 1. Random bytes of the index region overwritten: the same rows, always.
  int fallbacks = 0;
  for (int iter = 0; iter < SanitizerScaled(300); ++iter) {
    std::string bad = good;
    const int flips = static_cast<int>(Uniform(rng, 1, 4));
    for (int f = 0; f < flips; ++f) bad[Uniform(rng, index_begin, index_end - 1)] = static_cast<char>(Uniform(rng, 0, 255));
    auto r = OpenBytes(std::move(bad));
    ASSERT_NE(r, nullptr);
    RowReadStats stats;
    auto got = r->ReadRowGroupRows(0, *plans, sel, &stats);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    ExpectSameRows(expected, *got, "iteration " + std::to_string(iter));
    fallbacks += stats.index_errors > 0;
    r->PagesMayMatch(0, {{"id", StatsPredicate::Op::kEq, Scalar::Int64(42)}});  // must not crash
  }
  EXPECT_GT(fallbacks, SanitizerScaled(300) / 3);  // a third of the damaged copies at least

  // 2. Indexes that parse but lie, each with its precise error.
  const int leaf = 0;  // "id"
  auto oi = reader->ReadOffsetIndex(0, leaf);
  ASSERT_TRUE(oi.ok());
  ASSERT_GT(oi->page_locations.size(), 3u);
  struct Case {
    const char* what;
    void (*edit)(OffsetIndex*);
    const char* message;
  };
  const Case cases[] = {
      {"rows shifted", [](OffsetIndex* o) { o->page_locations[1].first_row_index += 1; }, nullptr},
      {"pages swapped", [](OffsetIndex* o) { std::swap(o->page_locations[1], o->page_locations[2]); },
       "page 2 at byte"},
      {"first row not 0", [](OffsetIndex* o) { o->page_locations[0].first_row_index = 1; },
       "page 0 starts at row 1, not 0"},
      {"past the chunk", [](OffsetIndex* o) { o->page_locations.back().compressed_page_size += 100000; },
       "is not inside the column chunk"},
      {"row past the group", [](OffsetIndex* o) { o->page_locations.back().first_row_index = 5000; },
       "of a row group of 1200 rows"},
      {"no pages", [](OffsetIndex* o) { o->page_locations.clear(); }, "lists no page for 1200 rows"},
      {"wrong size", [](OffsetIndex* o) { o->page_locations[1].compressed_page_size -= 1; }, nullptr},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    OffsetIndex edited = *oi;
    c.edit(&edited);
    const std::string bad = RebuildFile(good, [&](FileMetaData* md, std::string* extra, int64_t base) {
      ColumnChunk& cc = md->row_groups[0].columns[leaf];
      cc.offset_index_offset = base;
      SerializeOffsetIndex(edited, extra);
      cc.offset_index_length = static_cast<int32_t>(extra->size());
    });
    auto r = OpenBytes(bad);
    ASSERT_NE(r, nullptr);
    auto read_index = r->ReadOffsetIndex(0, leaf);
    if (c.message != nullptr) {
      ASSERT_FALSE(read_index.ok());
      EXPECT_EQ(read_index.status().code(), StatusCode::kCorrupt);
      EXPECT_NE(read_index.status().message().find("test.parquet: row group 0 column 'id': offset index at byte"),
                std::string::npos)
          << read_index.status().message();
      EXPECT_NE(read_index.status().message().find(c.message), std::string::npos) << read_index.status().message();
    }
    RowReadStats stats;
    auto got = r->ReadRowGroupRows(0, *plans, RowSelection({{0, 1199}}), &stats);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    ExpectSameRows(Select(batch, RowSelection({{0, 1199}})), *got, c.what);
    EXPECT_EQ(stats.index_errors, 1);
  }

  // 3. An index located outside the data.
  const std::string outside = RebuildFile(good, [](FileMetaData* md, std::string*, int64_t base) {
    md->row_groups[0].columns[0].offset_index_offset = base + 1000000;
    md->row_groups[0].columns[1].column_index_length = -5;
  });
  auto r = OpenBytes(outside);
  ASSERT_NE(r, nullptr);
  auto bad_oi = r->ReadOffsetIndex(0, 0);
  ASSERT_FALSE(bad_oi.ok());
  EXPECT_NE(bad_oi.status().message().find("offset index at byte"), std::string::npos);
  EXPECT_NE(bad_oi.status().message().find("lies outside the data"), std::string::npos) << bad_oi.status().message();
  auto oi1 = r->ReadOffsetIndex(0, 1);
  ASSERT_TRUE(oi1.ok());
  EXPECT_EQ(r->ReadColumnIndex(0, 1, *oi1).status().code(), StatusCode::kCorrupt);
  auto got = r->ReadRowGroupRows(0, *plans, sel);
  ASSERT_TRUE(got.ok());
  ExpectSameRows(expected, *got, "index outside the data");
  EXPECT_EQ(r->PagesMayMatch(0, {{"flag", StatsPredicate::Op::kIsNull, Scalar()}}).num_rows(), 1200);
}

// ---------------------------------------------------------------- page pruning

// SQL semantics on one value: comparisons with NULL or NaN are false.
bool Matches(const Column& c, int64_t row, const StatsPredicate& p) {
  if (p.op == StatsPredicate::Op::kIsNull) return c.IsNull(row);
  if (p.op == StatsPredicate::Op::kIsNotNull) return c.IsValid(row);
  if (c.IsNull(row)) return false;
  bool ok = true;
  const int cmp = CompareScalars(Scalar::FromColumn(c, row), p.value, &ok);
  if (!ok) return false;
  switch (p.op) {
    case StatsPredicate::Op::kEq: return cmp == 0;
    case StatsPredicate::Op::kLt: return cmp < 0;
    case StatsPredicate::Op::kLe: return cmp <= 0;
    case StatsPredicate::Op::kGt: return cmp > 0;
    case StatsPredicate::Op::kGe: return cmp >= 0;
    default: return true;
  }
}

TEST(PagesMayMatch, NeverExcludesAMatchingRow) {
  const Schema schema = EveryTypeSchema();
  const std::vector<std::string> columns = {"id", "flag", "i8", "i16", "i32", "i64", "f32", "f64", "dec9",
                                            "dec18", "dec38", "day", "ts", "tod", "name", "blob"};
  int64_t pruned = 0, kept = 0;
  for (uint64_t seed = 100; seed < 104; ++seed) {
    Rng rng(seed);
    const RecordBatch batch = RandomBatch(rng, schema, 3000);
    auto reader = OpenBytes(WriteBytes(schema, batch, SmallPages(rng)));
    ASSERT_NE(reader, nullptr);
    for (int iter = 0; iter < SanitizerScaled(300); ++iter) {
      std::vector<StatsPredicate> preds;
      const int n = static_cast<int>(Uniform(rng, 1, 2));
      for (int k = 0; k < n; ++k) {
        StatsPredicate p;
        p.column = columns[Uniform(rng, 0, columns.size() - 1)];
        p.op = static_cast<StatsPredicate::Op>(Uniform(rng, 0, 6));
        const Column& col = *batch.columns[schema.FieldIndex(p.column)];
        p.value = Scalar::FromColumn(col, Uniform(rng, 0, batch.num_rows - 1));  // a value of the data (or NULL)
        if (!p.value.valid && p.op < StatsPredicate::Op::kIsNull) p.op = StatsPredicate::Op::kIsNull;
        preds.push_back(std::move(p));
      }
      int64_t first = 0;
      for (int rg = 0; rg < reader->num_row_groups(); ++rg) {
        const int64_t num_rows = reader->metadata().row_groups[rg].num_rows;
        const RowSelection may = reader->PagesMayMatch(rg, preds);
        ASSERT_TRUE(may.Check(num_rows).ok());
        for (int64_t r = 0; r < num_rows; ++r) {
          bool match = true;
          for (const StatsPredicate& p : preds) match = match && Matches(*batch.columns[schema.FieldIndex(p.column)], first + r, p);
          if (match) {
            ASSERT_TRUE(may.Contains(r)) << "row " << first + r << " matches " << preds[0].column << " op "
                                         << static_cast<int>(preds[0].op) << " " << preds[0].value.ToString()
                                         << (n > 1 ? " and more" : "") << " but PagesMayMatch gave " << may.ToString();
          }
        }
        pruned += num_rows - may.num_rows();
        kept += may.num_rows();
        first += num_rows;
      }
    }
  }
  EXPECT_GT(pruned, kept / 10) << "the page index should prune something";
}

TEST(PagesMayMatch, PointLookupOnASortedColumnKeepsOnePage) {
  Rng rng(1);
  const Schema schema = EveryTypeSchema();
  const RecordBatch batch = RandomBatch(rng, schema, 3000);
  WriterOptions options;
  options.page_max_entries = 100;
  auto reader = OpenBytes(WriteBytes(schema, batch, options, 20));
  ASSERT_NE(reader, nullptr);
  const int64_t id = batch.columns[0]->Value<int64_t>(1234);
  const RowSelection may = reader->PagesMayMatch(0, {{"id", StatsPredicate::Op::kEq, Scalar::Int64(id)}});
  EXPECT_EQ(may, RowSelection({{1200, 1300}}));
  auto plans = reader->schema().Project({});
  ASSERT_TRUE(plans.ok());
  RowReadStats stats;
  auto rows = reader->ReadRowGroupRows(0, *plans, may, &stats);
  ASSERT_TRUE(rows.ok());
  ExpectSameRows(Select(batch, may), *rows, "page of id");
  EXPECT_EQ(stats.pages_read + stats.pages_skipped, stats.pages_skipped + stats.pages_read);
  EXPECT_LT(stats.pages_read * 10, stats.pages_skipped);
  // A value beyond every page, and a conjunction whose columns' pages do not overlap.
  EXPECT_TRUE(reader->PagesMayMatch(0, {{"id", StatsPredicate::Op::kGt, Scalar::Int64(1 << 30)}}).empty());
  const int64_t late = batch.columns[0]->Value<int64_t>(2950);
  EXPECT_TRUE(reader->PagesMayMatch(0, {{"id", StatsPredicate::Op::kLt, Scalar::Int64(id)},
                                        {"id", StatsPredicate::Op::kGe, Scalar::Int64(late)}})
                  .empty());
}

// ---------------------------------------------------------------- other writers' files

TEST(PageIndexConformance, ParquetTestingFilesWithAPageIndex) {
  const auto dir = std::filesystem::path(LW_SHARED_DATA) / "conformance" / "parquet-testing" / "data";
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "conformance corpus not found at " << dir;
  int files_with_index = 0, column_indexes = 0;
  Rng rng(77);
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".parquet") continue;
    SCOPED_TRACE(entry.path().filename().string());
    auto reader = ParquetFileReader::Open(entry.path().string());
    if (!reader.ok()) continue;  // files the reader refuses are covered elsewhere
    auto plans = (*reader)->schema().Project({});
    if (!plans.ok()) continue;
    bool has_index = false;
    for (int rg = 0; rg < (*reader)->num_row_groups(); ++rg) {
      auto full = (*reader)->ReadRowGroup(rg, *plans);
      if (!full.ok()) break;  // unreadable data (bad checksums etc.): not this test's business
      for (const LeafDescriptor& leaf : (*reader)->schema().leaves()) {
        auto oi = (*reader)->ReadOffsetIndex(rg, leaf.index);
        if (oi.status().code() == StatusCode::kNotFound) continue;
        ASSERT_TRUE(oi.ok()) << oi.status().ToString();
        has_index = true;
        auto ci = (*reader)->ReadColumnIndex(rg, leaf.index, *oi);
        if (ci.status().code() != StatusCode::kNotFound) {
          ASSERT_TRUE(ci.ok()) << ci.status().ToString();
          ++column_indexes;
        }
      }
      if (full->num_rows == 0) continue;
      auto pages = (*reader)->ReadOffsetIndex(rg, 0);
      for (const RowSelection& sel : Selections(rng, pages.ok() ? *pages : OffsetIndex(), full->num_rows)) {
        RowReadStats stats;
        auto got = (*reader)->ReadRowGroupRows(rg, *plans, sel, &stats);
        ASSERT_TRUE(got.ok()) << got.status().ToString();
        ExpectSameRows(Select(*full, sel), *got, sel.ToString());
        EXPECT_EQ(stats.index_errors, 0) << sel.ToString();
      }
    }
    files_with_index += has_index;
  }
  EXPECT_GE(files_with_index, 3);
  EXPECT_GT(column_indexes, 0);
}

}  // namespace
}  // namespace lakewatch::parquet
