// Write -> read round trips through lakewatch's own ParquetFileWriter and
// ParquetFileReader: every logical type (with edge values), nullable and
// required fields, nested structs/lists/maps, row groups, page splitting,
// dictionary fallback, every codec, projection, statistics and row-group
// skipping, determinism across thread counts, and the writer's errors.
//
// Values are compared with Column::RowEquals (NaN == NaN); where that is too
// lenient (the sign of -0.0) the test checks the bits itself.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "common/column.h"
#include "common/decimal.h"
#include "common/json_format.h"
#include "common/time.h"
#include "parquet/file_reader.h"
#include "parquet/file_writer.h"

namespace lakewatch::parquet {
namespace {

// ---------------------------------------------------------------- test values

// A test value: null, an integer (also decimals' unscaled values, dates,
// timestamps), a double, a string, or a sequence (list elements, struct
// fields in order, or map entries as two-element sequences {key, value}).
struct V {
  enum class K { kNull, kInt, kF64, kStr, kSeq };
  K k = K::kNull;
  __int128 i = 0;
  double f = 0;
  std::string s;
  std::vector<V> seq;

  V() = default;
  template <typename T>
  requires std::is_integral_v<T> V(T v)
      : k(K::kInt), i(v) {}                          // NOLINT(google-explicit-constructor)
  V(__int128 v) : k(K::kInt), i(v) {}                // NOLINT(google-explicit-constructor)
  V(double v) : k(K::kF64), f(v) {}                  // NOLINT(google-explicit-constructor)
  V(const char* v) : k(K::kStr), s(v) {}             // NOLINT(google-explicit-constructor)
  V(std::string v) : k(K::kStr), s(std::move(v)) {}  // NOLINT(google-explicit-constructor)
  // A one-element sequence of a V must be written V::Seq({v}): clang reads V{v}
  // as a copy of v (CWG 2137), g++ as a sequence.
  V(std::initializer_list<V> items) : k(K::kSeq), seq(items) {}  // NOLINT
  static V Seq(std::vector<V> items) {
    V v;
    v.k = K::kSeq;
    v.seq = std::move(items);
    return v;
  }
};
const V kNull;

void AppendV(Column* c, const V& v) {
  if (v.k == V::K::kNull) {
    c->AppendNull();
    return;
  }
  const double f = v.k == V::K::kF64 ? v.f : static_cast<double>(v.i);
  switch (c->type->id()) {
    case TypeId::kBoolean:
      c->Append<uint8_t>(v.i != 0);
      return;
    case TypeId::kInt8:
      c->Append<int8_t>(static_cast<int8_t>(v.i));
      return;
    case TypeId::kInt16:
      c->Append<int16_t>(static_cast<int16_t>(v.i));
      return;
    case TypeId::kInt32:
    case TypeId::kDate:
      c->Append<int32_t>(static_cast<int32_t>(v.i));
      return;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
    case TypeId::kTime:
      c->Append<int64_t>(static_cast<int64_t>(v.i));
      return;
    case TypeId::kFloat:
      c->Append<float>(static_cast<float>(f));
      return;
    case TypeId::kDouble:
      c->Append<double>(f);
      return;
    case TypeId::kDecimal:
      c->Append<__int128>(v.i);
      return;
    case TypeId::kString:
    case TypeId::kBinary:
      c->AppendString(v.s);
      return;
    case TypeId::kList:
      for (const V& e : v.seq) AppendV(c->children[0].get(), e);
      c->FinishListRow();
      return;
    case TypeId::kMap:
      for (const V& kv : v.seq) {
        AppendV(c->children[0].get(), kv.seq.at(0));
        AppendV(c->children[1].get(), kv.seq.at(1));
      }
      c->FinishListRow();
      return;
    case TypeId::kStruct:
      for (size_t i = 0; i < c->children.size(); ++i) AppendV(c->children[i].get(), v.seq.at(i));
      c->FinishStructRow();
      return;
    case TypeId::kNull:
      c->AppendNull();
      return;
  }
}

ColumnPtr Col(TypePtr type, const std::vector<V>& rows) {
  ColumnPtr c = Column::Make(std::move(type));
  for (const V& v : rows) AppendV(c.get(), v);
  return c;
}

Field F(std::string name, TypePtr type, bool nullable = true) {
  return Field{std::move(name), std::move(type), nullable, {}};
}

RecordBatch Batch(std::vector<Field> fields, std::vector<ColumnPtr> cols) {
  RecordBatch b;
  b.schema.fields = std::move(fields);
  b.num_rows = cols.empty() ? 0 : cols[0]->length;
  b.columns = std::move(cols);
  return b;
}

// Rows [begin, end) of `b` as a new batch.
RecordBatch Slice(const RecordBatch& b, int64_t begin, int64_t end) {
  RecordBatch out;
  out.schema = b.schema;
  out.num_rows = end - begin;
  for (const ColumnPtr& c : b.columns) {
    ColumnPtr s = Column::Make(c->type);
    for (int64_t r = begin; r < end; ++r) s->AppendFrom(*c, r);
    out.columns.push_back(std::move(s));
  }
  return out;
}

// ---------------------------------------------------------------- files

class TempFile {
 public:
  TempFile() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "_" + info->name();
    for (char& c : name) {
      if (c == '/') c = '_';
    }
    path_ = ::testing::TempDir() + "lw_roundtrip_" + std::to_string(::getpid()) + "_" + name + "_" +
            std::to_string(counter_++) + ".parquet";
  }
  ~TempFile() { ::unlink(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  std::string path_;
};

Status WriteFile(const std::string& path, const Schema& schema,
                 const std::vector<RecordBatch>& batches, const WriterOptions& options = {}) {
  LW_ASSIGN_OR_RETURN(auto writer, ParquetFileWriter::Open(path, schema, options));
  for (const RecordBatch& b : batches) LW_RETURN_IF_ERROR(writer->WriteBatch(b));
  return writer->Close();
}

std::string FileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Concatenates the row groups the reader returns into one batch.
RecordBatch Concat(const std::vector<RecordBatch>& parts, const std::vector<FieldPlan>& plans) {
  RecordBatch out;
  for (const FieldPlan& p : plans) {
    out.schema.fields.push_back(p.field);
    out.columns.push_back(Column::Make(p.field.type));
  }
  for (const RecordBatch& part : parts) {
    for (size_t c = 0; c < part.columns.size(); ++c) {
      for (int64_t r = 0; r < part.num_rows; ++r) out.columns[c]->AppendFrom(*part.columns[c], r);
    }
    out.num_rows += part.num_rows;
  }
  return out;
}

struct ReadBack {
  std::unique_ptr<ParquetFileReader> reader;
  RecordBatch batch;
  size_t row_groups_read = 0;
};

ReadBack Read(const std::string& path, const std::vector<std::string>& columns = {},
              const std::vector<StatsPredicate>& predicates = {}, int threads = 1) {
  ReadBack rb;
  auto reader = ParquetFileReader::Open(path);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  if (!reader.ok()) return rb;
  rb.reader = std::move(reader).value();
  auto plans = rb.reader->schema().Project(columns);
  EXPECT_TRUE(plans.ok()) << plans.status().ToString();
  if (!plans.ok()) return rb;
  auto parts = rb.reader->ReadAll(columns, predicates, threads);
  EXPECT_TRUE(parts.ok()) << parts.status().ToString();
  if (!parts.ok()) return rb;
  rb.row_groups_read = parts->size();
  rb.batch = Concat(*parts, *plans);
  return rb;
}

std::string Json(const Column& c, int64_t row) {
  std::string s;
  AppendJsonValue(c, row, &s);
  if (s.size() > 300) s = s.substr(0, 300) + "...(" + std::to_string(s.size()) + " chars)";
  return s;
}

// Same field names, types, nullability and rows.
void ExpectSameBatch(const RecordBatch& expected, const RecordBatch& actual) {
  ASSERT_EQ(actual.schema.fields.size(), expected.schema.fields.size());
  ASSERT_EQ(actual.num_rows, expected.num_rows);
  for (size_t c = 0; c < expected.columns.size(); ++c) {
    const Field& ef = expected.schema.fields[c];
    const Field& af = actual.schema.fields[c];
    EXPECT_EQ(af.name, ef.name);
    EXPECT_EQ(af.nullable, ef.nullable) << ef.name;
    ASSERT_TRUE(af.type->Equals(*ef.type))
        << ef.name << ": read " << af.type->ToString() << ", wrote " << ef.type->ToString();
    const Column& e = *expected.columns[c];
    const Column& a = *actual.columns[c];
    ASSERT_EQ(a.length, e.length) << ef.name;
    int failures = 0;
    for (int64_t r = 0; r < e.length && failures < 5; ++r) {
      if (!e.RowEquals(r, a, r)) {
        ++failures;
        ADD_FAILURE() << "column '" << ef.name << "' row " << r << ": wrote " << Json(e, r)
                      << ", read " << Json(a, r);
      }
    }
  }
}

// Writes `batches` (all of `schema`), reads the whole file back and compares.
ReadBack RoundTrip(const TempFile& file, const Schema& schema,
                   const std::vector<RecordBatch>& batches, const WriterOptions& options = {}) {
  Status st = WriteFile(file.path(), schema, batches, options);
  EXPECT_TRUE(st.ok()) << st.ToString();
  if (!st.ok()) return {};
  ReadBack rb = Read(file.path());
  if (rb.reader == nullptr) return rb;
  RecordBatch all = batches.size() == 1 ? batches[0] : RecordBatch{};
  if (batches.size() != 1) {
    std::vector<FieldPlan> plans = rb.reader->schema().plans();
    all = Concat(batches, plans);
    all.schema = schema;
  }
  ExpectSameBatch(all, rb.batch);
  return rb;
}

int LeafIndex(const ParquetFileReader& r, const std::string& dotted) {
  for (const LeafDescriptor& l : r.schema().leaves()) {
    if (l.DottedPath() == dotted) return l.index;
  }
  ADD_FAILURE() << "no leaf " << dotted;
  return 0;
}

const ColumnMetaData& ChunkMeta(const ParquetFileReader& r, int rg, const std::string& dotted) {
  return *r.metadata().row_groups[rg].columns[LeafIndex(r, dotted)].meta_data;
}

int32_t DataPages(const ColumnMetaData& m, Encoding enc) {
  int32_t n = 0;
  for (const PageEncodingStats& s : m.encoding_stats.value_or(std::vector<PageEncodingStats>{})) {
    if (s.page_type == PageType::kDataPage && s.encoding == enc) n += s.count;
  }
  return n;
}

bool HasEncoding(const ColumnMetaData& m, Encoding enc) {
  for (Encoding e : m.encodings) {
    if (e == enc) return true;
  }
  return false;
}

template <typename T>
std::string Plain(T v) {
  return std::string(reinterpret_cast<const char*>(&v), sizeof(T));
}

// ---------------------------------------------------------------- primitive types

TEST(ParquetRoundTrip, PrimitiveTypesNullableAndRequired) {
  const std::vector<std::pair<std::string, TypePtr>> types = {
      {"b", DataType::Boolean()},    {"i8", DataType::Int8()},
      {"i16", DataType::Int16()},    {"i32", DataType::Int32()},
      {"i64", DataType::Int64()},    {"f32", DataType::Float()},
      {"f64", DataType::Double()},   {"d", DataType::Date()},
      {"ts", DataType::Timestamp()}, {"ntz", DataType::TimestampNtz()},
      {"t", DataType::Time()},       {"s", DataType::String()},
      {"bin", DataType::Binary()},   {"dec", DataType::Decimal(10, 3)},
  };
  auto value = [](TypeId id, int r) -> V {
    switch (id) {
      case TypeId::kBoolean:
        return r % 3 == 0;
      case TypeId::kInt8:
        return r % 2 ? INT8_MIN + r : INT8_MAX - r;
      case TypeId::kInt16:
        return r % 2 ? INT16_MIN + r : INT16_MAX - r;
      case TypeId::kInt32:
        return r % 2 ? INT32_MIN + r : INT32_MAX - r;
      case TypeId::kInt64:
        return r % 2 ? INT64_MIN + r : INT64_MAX - r;
      case TypeId::kFloat:
        return static_cast<double>(static_cast<float>(r) * 1.5f - 20.25f);
      case TypeId::kDouble:
        return r * 1e300 / 7 - 3.5;
      case TypeId::kDate:
        return -800000 + r * 40000;  // 0160 BCE .. 2130 CE
      case TypeId::kTimestamp:
      case TypeId::kTimestampNtz:
        return int64_t{-62135596800000000} + int64_t{r} * 7919000000001;
      case TypeId::kTime:
        return (int64_t{r} * 3600000000 + r) % kMicrosPerDay;
      case TypeId::kString:
        return std::string(r % 7, static_cast<char>('a' + r % 26)) + "é";
      case TypeId::kBinary:
        return std::string("\0\xff\x01", 3) + std::to_string(r);
      case TypeId::kDecimal:
        return r % 2 ? __int128{-9999999999} + r : __int128{9999999999} - r;
      default:
        return kNull;
    }
  };
  std::vector<Field> fields;
  std::vector<ColumnPtr> cols;
  constexpr int kRows = 50;
  for (bool nullable : {false, true}) {
    for (const auto& [name, type] : types) {
      std::vector<V> rows;
      for (int r = 0; r < kRows; ++r) {
        rows.push_back(nullable && r % 4 == 1 ? kNull : value(type->id(), r));
      }
      fields.push_back(F((nullable ? "opt_" : "req_") + name, type, nullable));
      cols.push_back(Col(type, rows));
    }
  }
  // An all-null nullable column of each kind, too.
  for (const auto& [name, type] : types) {
    fields.push_back(F("null_" + name, type));
    cols.push_back(Col(type, std::vector<V>(kRows)));
  }
  RecordBatch batch = Batch(fields, cols);
  TempFile file;
  ReadBack rb = RoundTrip(file, batch.schema, {batch});
  ASSERT_NE(rb.reader, nullptr);

  // Physical types and annotations as the issue specifies.
  const ParquetFileReader& r = *rb.reader;
  EXPECT_EQ(r.schema().leaves()[LeafIndex(r, "req_ts")].physical_type, Type::kInt64);
  const SchemaElement& ts = r.schema().leaves()[LeafIndex(r, "req_ts")].element;
  ASSERT_TRUE(ts.logical_type.has_value());
  EXPECT_EQ(ts.logical_type->kind, LogicalType::Kind::kTimestamp);
  EXPECT_TRUE(ts.logical_type->is_adjusted_to_utc);
  EXPECT_EQ(ts.logical_type->unit, TimeUnit::kMicros);
  EXPECT_EQ(ts.converted_type, ConvertedType::kTimestampMicros);
  const SchemaElement& ntz = r.schema().leaves()[LeafIndex(r, "req_ntz")].element;
  ASSERT_TRUE(ntz.logical_type.has_value());
  EXPECT_FALSE(ntz.logical_type->is_adjusted_to_utc);
  EXPECT_EQ(r.schema().leaves()[LeafIndex(r, "req_i8")].physical_type, Type::kInt32);
  EXPECT_EQ(r.schema().leaves()[LeafIndex(r, "req_s")].element.converted_type,
            ConvertedType::kUtf8);
  for (const auto& f : r.schema().logical().fields) {
    EXPECT_EQ(ChunkMeta(r, 0, f.name).num_values, kRows) << f.name;
  }
  EXPECT_EQ(r.num_rows(), kRows);
}

TEST(ParquetRoundTrip, FloatingPointSpecialValues) {
  const double kNaN = std::numeric_limits<double>::quiet_NaN();
  const double kInf = std::numeric_limits<double>::infinity();
  const std::vector<V> doubles = {0.0,
                                  -0.0,
                                  kNaN,
                                  kInf,
                                  -kInf,
                                  std::numeric_limits<double>::max(),
                                  std::numeric_limits<double>::lowest(),
                                  std::numeric_limits<double>::min(),
                                  std::numeric_limits<double>::denorm_min(),
                                  -std::numeric_limits<double>::denorm_min(),
                                  0.1,
                                  kNull,
                                  1e-300};
  std::vector<V> floats;
  for (const V& d : doubles) {
    if (d.k == V::K::kNull) {
      floats.push_back(kNull);
    } else if (d.f == std::numeric_limits<double>::max()) {
      floats.push_back(static_cast<double>(std::numeric_limits<float>::max()));
    } else if (d.f == std::numeric_limits<double>::lowest()) {
      floats.push_back(static_cast<double>(std::numeric_limits<float>::lowest()));
    } else if (d.f == std::numeric_limits<double>::denorm_min()) {
      floats.push_back(static_cast<double>(std::numeric_limits<float>::denorm_min()));
    } else {
      floats.push_back(d);
    }
  }
  for (bool dictionary : {true, false}) {
    SCOPED_TRACE(dictionary ? "dictionary" : "plain");
    RecordBatch batch = Batch({F("d", DataType::Double()), F("f", DataType::Float())},
                              {Col(DataType::Double(), doubles), Col(DataType::Float(), floats)});
    WriterOptions opt;
    opt.dictionary = dictionary;
    TempFile file;
    ReadBack rb = RoundTrip(file, batch.schema, {batch}, opt);
    ASSERT_EQ(rb.batch.num_rows, static_cast<int64_t>(doubles.size()));
    // RowEquals says 0.0 == -0.0; the sign must survive too.
    const Column& d = *rb.batch.columns[0];
    const Column& f = *rb.batch.columns[1];
    EXPECT_FALSE(std::signbit(d.Value<double>(0)));
    EXPECT_TRUE(std::signbit(d.Value<double>(1)));
    EXPECT_FALSE(std::signbit(f.Value<float>(0)));
    EXPECT_TRUE(std::signbit(f.Value<float>(1)));
    EXPECT_TRUE(std::isnan(d.Value<double>(2)));
    EXPECT_TRUE(std::isnan(f.Value<float>(2)));
    EXPECT_TRUE(d.IsNull(11));
    EXPECT_TRUE(f.IsNull(11));
    // Statistics ignore NaN; zero bounds are written as -0.0 (min) / +0.0 (max).
    ColumnStats ds = rb.reader->RowGroupStats(0, 0);
    ASSERT_TRUE(ds.has_bounds);
    EXPECT_EQ(ds.min.f64, -kInf);
    EXPECT_EQ(ds.max.f64, kInf);
    EXPECT_EQ(ds.null_count, 1);
  }
}

TEST(ParquetRoundTrip, DecimalsOfEveryPrecision) {
  std::vector<Field> fields;
  std::vector<ColumnPtr> cols;
  for (int p = 1; p <= 38; ++p) {
    const int scale = (p * 7) % (p + 1);
    const __int128 max = Pow10(p) - 1;
    std::vector<V> rows = {
        0,       1,          -1,    max,           -max, Pow10(p - 1), -Pow10(p - 1),
        max / 3, -(max / 7), kNull, 42 % (max + 1)};
    TypePtr t = DataType::Decimal(p, scale);
    fields.push_back(F("p" + std::to_string(p), t));
    cols.push_back(Col(t, rows));
    rows.pop_back();
    rows.erase(rows.begin() + 9);  // no nulls in the required twin
    rows.push_back(7);
    rows.push_back(-7);
    fields.push_back(F("req_p" + std::to_string(p), t, false));
    cols.push_back(Col(t, rows));
  }
  RecordBatch batch = Batch(fields, cols);
  for (bool dictionary : {true, false}) {
    SCOPED_TRACE(dictionary ? "dictionary" : "plain");
    WriterOptions opt;
    opt.dictionary = dictionary;
    TempFile file;
    ReadBack rb = RoundTrip(file, batch.schema, {batch}, opt);
    ASSERT_NE(rb.reader, nullptr);
    const ParquetFileReader& r = *rb.reader;
    for (int p = 1; p <= 38; ++p) {
      const std::string name = "p" + std::to_string(p);
      const LeafDescriptor& leaf = r.schema().leaves()[LeafIndex(r, name)];
      Type want = p <= 9 ? Type::kInt32 : p <= 18 ? Type::kInt64 : Type::kFixedLenByteArray;
      EXPECT_EQ(leaf.physical_type, want) << name;
      if (want == Type::kFixedLenByteArray) {
        // The minimal width that holds 10^p - 1 in two's complement.
        int bytes = 1;
        while (((Pow10(p) - 1) >> (8 * bytes - 1)) != 0) ++bytes;
        EXPECT_EQ(leaf.type_length, bytes) << name;
      }
      ColumnStats st = r.RowGroupStats(0, leaf.index);
      ASSERT_TRUE(st.has_bounds) << name;
      EXPECT_TRUE(st.min.i128 == -(Pow10(p) - 1)) << name;
      EXPECT_TRUE(st.max.i128 == Pow10(p) - 1) << name;
      EXPECT_EQ(st.null_count, 1) << name;
    }
    // Text rendering of the extremes.
    std::string s;
    AppendJsonValue(*rb.batch.columns[r.schema().logical().FieldIndex("p38")], 3, &s);
    EXPECT_EQ(s, "\"" + std::string(38 - (38 * 7) % 39, '9') + "." +
                     std::string((38 * 7) % 39, '9') + "\"");
  }
}

TEST(ParquetRoundTrip, DatesAndTimesBeforeAndAfterTheEpoch) {
  const std::vector<V> dates = {0,
                                -1,
                                -719162 /* 0001-01-01 */,
                                2932896 /* 9999-12-31 */,
                                DaysFromCivil(1900, 2, 28),
                                DaysFromCivil(1600, 2, 29),
                                kNull,
                                INT32_MIN,
                                INT32_MAX};
  const std::vector<V> stamps = {int64_t{0},
                                 int64_t{-1},
                                 int64_t{-62135596800000000},  // 0001-01-01T00:00:00Z
                                 int64_t{253402300799999999},  // 9999-12-31T23:59:59.999999Z
                                 int64_t{-2208988800000000} + 1,
                                 kNull,
                                 INT64_MIN,
                                 INT64_MAX,
                                 int64_t{1732464000123456}};
  const std::vector<V> times = {
      int64_t{0},          kMicrosPerDay - 1,    int64_t{43200000000}, kNull,     int64_t{1},
      int64_t{3599999999}, int64_t{86399000000}, int64_t{123456},      int64_t{7}};
  RecordBatch batch = Batch({F("d", DataType::Date()), F("ts", DataType::Timestamp()),
                             F("ntz", DataType::TimestampNtz()), F("t", DataType::Time())},
                            {Col(DataType::Date(), dates), Col(DataType::Timestamp(), stamps),
                             Col(DataType::TimestampNtz(), stamps), Col(DataType::Time(), times)});
  TempFile file;
  ReadBack rb = RoundTrip(file, batch.schema, {batch});
  ASSERT_EQ(rb.batch.num_rows, 9);
  EXPECT_EQ(Json(*rb.batch.columns[0], 2), "\"0001-01-01\"");
  EXPECT_EQ(Json(*rb.batch.columns[0], 1), "\"1969-12-31\"");
  EXPECT_EQ(Json(*rb.batch.columns[1], 1), "\"1969-12-31T23:59:59.999999Z\"");
  EXPECT_EQ(Json(*rb.batch.columns[2], 3), "\"9999-12-31T23:59:59.999999\"");
  EXPECT_EQ(Json(*rb.batch.columns[3], 1), "\"23:59:59.999999\"");
  ColumnStats st = rb.reader->RowGroupStats(0, 0);
  ASSERT_TRUE(st.has_bounds);
  EXPECT_EQ(st.min.i64, INT32_MIN);
  EXPECT_EQ(st.max.i64, INT32_MAX);
}

// Regression: TIME was written as TIME(isAdjustedToUTC=true) + TIME_MICROS,
// which Spark refuses to read and DuckDB reads as TIME WITH TIME ZONE; a
// lakewatch time is a wall-clock time of day.
TEST(ParquetRoundTrip, TimeIsWrittenAsLocalTimeOfDay) {
  RecordBatch batch = Batch({F("t", DataType::Time())},
                            {Col(DataType::Time(), {int64_t{0}, kMicrosPerDay - 1, kNull})});
  TempFile file;
  ReadBack rb = RoundTrip(file, batch.schema, {batch});
  ASSERT_NE(rb.reader, nullptr);
  const SchemaElement& el = rb.reader->schema().leaves()[0].element;
  EXPECT_EQ(el.type, Type::kInt64);
  ASSERT_TRUE(el.logical_type.has_value());
  EXPECT_EQ(el.logical_type->kind, LogicalType::Kind::kTime);
  EXPECT_FALSE(el.logical_type->is_adjusted_to_utc);
  EXPECT_EQ(el.logical_type->unit, TimeUnit::kMicros);
  EXPECT_FALSE(el.converted_type.has_value());
}

TEST(ParquetRoundTrip, StringsEmptyHugeAndNonAscii) {
  std::string huge(1 << 20, 'x');
  for (size_t i = 0; i < huge.size(); i += 4093) huge[i] = static_cast<char>('a' + i % 26);
  std::string all_bytes;
  for (int c = 0; c < 256; ++c) all_bytes.push_back(static_cast<char>(c));
  const std::vector<V> strings = {"",
                                  "plain",
                                  huge,
                                  "héllo wörld",
                                  "日本語のテキスト",
                                  "emoji \xF0\x9F\x98\x80 and \xE2\x82\xAC",
                                  kNull,
                                  std::string("nul\0inside", 10),
                                  "",
                                  huge + "y",
                                  "tab\tquote\"backslash\\newline\n"};
  std::vector<V> binaries = strings;
  binaries[1] = all_bytes;
  std::vector<V> required = strings;
  required[6] = "was null";
  std::vector<V> longer;
  for (size_t i = 0; i < strings.size(); ++i) longer.push_back(std::string(65 + i, 'k'));
  RecordBatch batch = Batch({F("s", DataType::String()), F("b", DataType::Binary()),
                             F("req", DataType::String(), false), F("long", DataType::String())},
                            {Col(DataType::String(), strings), Col(DataType::Binary(), binaries),
                             Col(DataType::String(), required), Col(DataType::String(), longer)});
  for (Codec codec : {Codec::kZstd, Codec::kUncompressed}) {
    for (bool dictionary : {true, false}) {
      SCOPED_TRACE(std::string(CodecName(codec)) + (dictionary ? " dictionary" : " plain"));
      WriterOptions opt;
      opt.compression = codec;
      opt.dictionary = dictionary;
      opt.page_bytes = 1000;  // the huge values each overflow a page
      TempFile file;
      ReadBack rb = RoundTrip(file, batch.schema, {batch}, opt);
      ASSERT_NE(rb.reader, nullptr);
      EXPECT_EQ(rb.batch.columns[0]->GetString(2).size(), size_t{1} << 20);
      EXPECT_EQ(rb.batch.columns[1]->GetString(1), all_bytes);
      // Bytewise (unsigned) order: the multi-byte text is the largest value.
      ColumnStats st = rb.reader->RowGroupStats(0, 0);
      ASSERT_TRUE(st.has_bounds);
      EXPECT_EQ(st.min.str, "");
      EXPECT_EQ(st.max.str, "日本語のテキスト");
      EXPECT_EQ(st.null_count, 1);
      // Bounds longer than StatsCollector::kMaxStatBytes are left out, not truncated.
      ColumnStats lst = rb.reader->RowGroupStats(0, 3);
      EXPECT_FALSE(lst.has_bounds);
      EXPECT_EQ(lst.null_count, 0);
    }
  }
}

// ---------------------------------------------------------------- nested types

TypePtr FourDeepStruct() {
  TypePtr l4 =
      DataType::Struct({F("d", DataType::Int64()), F("e", DataType::List(DataType::Int32())),
                        F("req", DataType::String(), false)});
  TypePtr l3 = DataType::Struct({F("c", DataType::Double()), F("s", l4)});
  TypePtr l2 = DataType::Struct({F("b", DataType::String()), F("s", l3, false)});
  return DataType::Struct({F("a", DataType::Int32()), F("s", l2)});
}

std::vector<V> FourDeepRows() {
  return {
      {1, {"x", {1.5, {int64_t{10}, {1, 2}, "r0"}}}},
      kNull,
      {kNull, kNull},
      {2, {kNull, {kNull, kNull}}},
      {3, {"y", {2.5, {kNull, kNull, "r4"}}}},
      {4, {"z", {3.5, {int64_t{-1}, V::Seq({}), ""}}}},
      {5, {"w", {kNull, {int64_t{7}, {kNull, 3, kNull}, "r6"}}}},
  };
}

TEST(ParquetRoundTrip, StructsNestedFourDeep) {
  TypePtr t = FourDeepStruct();
  std::vector<V> rows = FourDeepRows();
  RecordBatch batch =
      Batch({F("id", DataType::Int32(), false), F("st", t), F("req_st", t, false)},
            {Col(DataType::Int32(), {0, 1, 2, 3, 4, 5, 6}), Col(t, rows),
             Col(t, {rows[0], rows[0], rows[2], rows[3], rows[4], rows[5], rows[6]})});
  for (int64_t rg_rows : {int64_t{1} << 20, int64_t{2}}) {
    WriterOptions opt;
    opt.row_group_rows = rg_rows;
    TempFile file;
    ReadBack rb = RoundTrip(file, batch.schema, {batch}, opt);
    ASSERT_NE(rb.reader, nullptr);
    const ParquetFileReader& r = *rb.reader;
    const LeafDescriptor& deep = r.schema().leaves()[LeafIndex(r, "st.s.s.s.e.list.element")];
    // st(1) s(2) s(required) s(3) e(4) list(5) element(6)
    EXPECT_EQ(deep.max_def, 6);
    EXPECT_EQ(deep.max_rep, 1);
    EXPECT_EQ(r.schema().leaves()[LeafIndex(r, "st.s.s.s.req")].max_def, 3);
  }
}

TEST(ParquetRoundTrip, ListsEmptyNullAndNested) {
  TypePtr ints = DataType::List(DataType::Int64());
  TypePtr req_ints = DataType::List(DataType::Int64(), /*contains_null=*/false);
  TypePtr nested = DataType::List(DataType::List(DataType::String()));
  TypePtr pt = DataType::Struct({F("x", DataType::Int32()), F("y", DataType::String(), false),
                                 F("z", DataType::List(DataType::Double()))});
  TypePtr structs = DataType::List(pt);
  TypePtr deep = DataType::List(DataType::List(DataType::List(DataType::Int32(), false)));
  const std::vector<V> a = {{1, 2, 3},
                            V::Seq({}),
                            kNull,
                            {kNull},
                            {kNull, 5, kNull},
                            V::Seq({}),
                            {int64_t{INT64_MIN}, int64_t{INT64_MAX}},
                            kNull};
  const std::vector<V> b = {{1, 2}, V::Seq({}), {8}, {3}, {4, 5, 6}, V::Seq({}), {7}, V::Seq({})};
  const std::vector<V> c = {{{"a", "b"}, V::Seq({}), kNull, {kNull, ""}},
                            V::Seq({}),
                            kNull,
                            {V::Seq({})},
                            {kNull},
                            {{"x"}},
                            {V::Seq({}), V::Seq({})},
                            {{"only"}, {kNull}}};
  const std::vector<V> d = {{{1, "a", {1.0, kNull}}, kNull, {kNull, "b", V::Seq({})}},
                            V::Seq({}),
                            kNull,
                            {kNull},
                            {{2, "", kNull}},
                            {{3, "c", {2.0}}, {4, "d", {3.0, 4.0}}},
                            V::Seq({}),
                            {{kNull, "e", {kNull}}}};
  const std::vector<V> e = {
      {{{1}, V::Seq({})}, kNull}, kNull,     {V::Seq({})},          V::Seq({}),
      {{{1, 2}, {3}}, {{4}}},     {{kNull}}, {{V::Seq({}), kNull}}, kNull};
  RecordBatch batch =
      Batch({F("a", ints), F("b", req_ints, false), F("c", nested), F("d", structs), F("e", deep)},
            {Col(ints, a), Col(req_ints, b), Col(nested, c), Col(structs, d), Col(deep, e)});
  // Every split of the rows into batches and row groups gives the same rows.
  for (int64_t rg_rows : {int64_t{1}, int64_t{3}, int64_t{1} << 20}) {
    SCOPED_TRACE("row_group_rows=" + std::to_string(rg_rows));
    WriterOptions opt;
    opt.row_group_rows = rg_rows;
    TempFile file;
    RoundTrip(file, batch.schema, {Slice(batch, 0, 3), Slice(batch, 3, 4), Slice(batch, 4, 8)},
              opt);
  }
}

TEST(ParquetRoundTrip, MapsOfStructsAndLists) {
  TypePtr sv = DataType::Struct({F("n", DataType::Int64()), F("tag", DataType::String())});
  TypePtr m1 = DataType::Map(DataType::String(), sv);
  TypePtr m2 = DataType::Map(DataType::Int32(), DataType::List(DataType::Int64()));
  TypePtr m3 = DataType::Map(DataType::String(), DataType::Double(), /*value_contains_null=*/false);
  TypePtr lm = DataType::List(DataType::Map(DataType::String(), DataType::Int32()));
  const std::vector<V> a = {{{"k1", {int64_t{1}, "a"}}, {"k2", kNull}, {"k3", {kNull, kNull}}},
                            V::Seq({}),
                            kNull,
                            {{"", {int64_t{-5}, ""}}},
                            {{"é", {int64_t{0}, "日本"}}, {"z", {int64_t{9}, kNull}}}};
  const std::vector<V> b = {{{1, {int64_t{1}, int64_t{2}}}, {-1, V::Seq({})}, {0, kNull}},
                            {{5, kNull}},
                            V::Seq({}),
                            {{INT32_MAX, {kNull}}},
                            {{INT32_MIN, {int64_t{3}}}, {2, V::Seq({})}}};
  const std::vector<V> c = {
      {{"a", 1.0}}, V::Seq({}), {{"b", -0.5}, {"c", 2.0}}, kNull, {{"d", 0.0}}};
  const std::vector<V> d = {
      {{{"a", 1}}, kNull, V::Seq({})}, kNull, V::Seq({}), {{{"b", kNull}}}, {{{"c", 3}, {"d", 4}}}};
  RecordBatch batch = Batch({F("m1", m1), F("m2", m2, false), F("m3", m3), F("lm", lm)},
                            {Col(m1, a), Col(m2, b), Col(m3, c), Col(lm, d)});
  TempFile file;
  ReadBack rb = RoundTrip(file, batch.schema, {batch});
  ASSERT_NE(rb.reader, nullptr);
  const ParquetFileReader& r = *rb.reader;
  // MAP group { repeated group key_value { required key; optional value } }.
  const LeafDescriptor& key = r.schema().leaves()[LeafIndex(r, "m1.key_value.key")];
  EXPECT_EQ(key.max_def, 2);
  EXPECT_EQ(key.max_rep, 1);
  EXPECT_EQ(Json(*rb.batch.columns[1], 0), "{\"1\":[1,2],\"-1\":[],\"0\":null}");
}

// ---------------------------------------------------------------- layout options

RecordBatch MixedBatch(int64_t rows, int64_t first = 0) {
  TypePtr list = DataType::List(DataType::String());
  TypePtr st = DataType::Struct({F("a", DataType::Int64()), F("b", list)});
  std::vector<V> id, name, tags, s, dbl;
  for (int64_t i = first; i < first + rows; ++i) {
    id.push_back(i);
    name.push_back(i % 11 == 0 ? kNull : V("name-" + std::to_string(i % 37)));
    std::vector<V> t;
    for (int64_t k = 0; k < i % 4; ++k)
      t.push_back(k == 2 ? kNull : V("t" + std::to_string(i + k)));
    tags.push_back(i % 13 == 0 ? kNull : V::Seq(t));
    s.push_back(i % 17 == 0 ? kNull : V{V(i * 3), V::Seq(t)});
    dbl.push_back(static_cast<double>(i) / 3);
  }
  return Batch({F("id", DataType::Int64(), false), F("name", DataType::String()), F("tags", list),
                F("s", st), F("x", DataType::Double())},
               {Col(DataType::Int64(), id), Col(DataType::String(), name), Col(list, tags),
                Col(st, s), Col(DataType::Double(), dbl)});
}

TEST(ParquetRoundTrip, ManyRowGroups) {
  RecordBatch all = MixedBatch(1000);
  std::vector<RecordBatch> parts;
  for (int64_t b = 0, n = 1; b < 1000; b += n, n = n * 3 + 1)
    parts.push_back(Slice(all, b, std::min<int64_t>(1000, b + n)));
  WriterOptions opt;
  opt.row_group_rows = 7;
  TempFile file;
  ReadBack rb = RoundTrip(file, all.schema, parts, opt);
  ASSERT_NE(rb.reader, nullptr);
  const ParquetFileReader& r = *rb.reader;
  ASSERT_EQ(r.num_row_groups(), (1000 + 6) / 7);
  int64_t total = 0;
  for (int g = 0; g < r.num_row_groups(); ++g) {
    EXPECT_EQ(r.metadata().row_groups[g].num_rows, g + 1 < r.num_row_groups() ? 7 : 1000 % 7);
    auto batch = r.ReadRowGroup(g, r.schema().plans());
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    for (int64_t row = 0; row < batch->num_rows; ++row) {
      ASSERT_TRUE(batch->columns[0]->RowEquals(row, *all.columns[0], total + row));
    }
    total += batch->num_rows;
  }
  EXPECT_EQ(total, 1000);
  // Parallel reading gives the same rows in the same order.
  ReadBack par = Read(file.path(), {}, {}, 2);
  ExpectSameBatch(rb.batch, par.batch);
}

TEST(ParquetRoundTrip, RowGroupsClosedByEncodedSize) {
  RecordBatch all = MixedBatch(20000);
  std::vector<RecordBatch> parts;
  for (int64_t b = 0; b < 20000; b += 1000) parts.push_back(Slice(all, b, b + 1000));
  WriterOptions opt;
  opt.row_group_bytes = 64 << 10;
  TempFile file;
  ReadBack rb = RoundTrip(file, all.schema, parts, opt);
  ASSERT_NE(rb.reader, nullptr);
  EXPECT_GT(rb.reader->num_row_groups(), 1);
}

TEST(ParquetRoundTrip, PagesSplitByBytesAndEntries) {
  RecordBatch all = MixedBatch(30000);
  for (bool by_entries : {false, true}) {
    SCOPED_TRACE(by_entries ? "page_max_entries" : "page_bytes");
    WriterOptions opt;
    if (by_entries) {
      opt.page_max_entries = 100;
    } else {
      opt.page_bytes = 64;
    }
    opt.dictionary = false;
    TempFile file;
    ReadBack rb = RoundTrip(file, all.schema, {all}, opt);
    ASSERT_NE(rb.reader, nullptr);
    for (const char* leaf : {"id", "name", "tags.list.element", "s.b.list.element"}) {
      const ColumnMetaData& m = ChunkMeta(*rb.reader, 0, leaf);
      // Sequential integer ids are written DELTA_BINARY_PACKED (smaller than PLAIN).
      EXPECT_GT(DataPages(m, Encoding::kPlain) + DataPages(m, Encoding::kDeltaBinaryPacked), 3) << leaf;
    }
    if (by_entries) {  // a flat column: pages of exactly page_max_entries entries
      const ColumnMetaData& m = ChunkMeta(*rb.reader, 0, "id");
      EXPECT_EQ(DataPages(m, Encoding::kPlain) + DataPages(m, Encoding::kDeltaBinaryPacked), 30000 / 100);
    }
  }
}

// A flat nullable leaf whose pages have no null is read without definition
// levels (LeafData::all_defined); the first page with a null materializes the
// levels of the pages before it. Nulls only in the last page, only in the
// first, in none, in every one, and under an optional struct.
TEST(ParquetRoundTrip, NullsInSomePagesOfAChunk) {
  constexpr int64_t kRows = 1000;
  auto rows = [&](auto is_null) {
    std::vector<V> v;
    for (int64_t i = 0; i < kRows; ++i) v.push_back(is_null(i) ? kNull : V(i * 7 - 3));
    return v;
  };
  std::vector<V> last = rows([](int64_t i) { return i == kRows - 2; });
  std::vector<V> first = rows([](int64_t i) { return i == 5; });
  std::vector<V> none = rows([](int64_t) { return false; });
  std::vector<V> every = rows([](int64_t i) { return i % 97 == 0; });
  std::vector<V> text;
  for (int64_t i = 0; i < kRows; ++i) text.push_back(i == 700 ? kNull : V("s" + std::to_string(i % 13)));
  std::vector<V> structs;
  for (int64_t i = 0; i < kRows; ++i) structs.push_back(i == 999 ? kNull : V{V(i), V(i == 998 ? kNull : V(-i))});
  const TypePtr st = DataType::Struct({F("a", DataType::Int64()), F("b", DataType::Int64())});
  RecordBatch b = Batch({F("last", DataType::Int64()), F("first", DataType::Int64()), F("none", DataType::Int64()),
                         F("every", DataType::Int64()), F("text", DataType::String()), F("s", st)},
                        {Col(DataType::Int64(), last), Col(DataType::Int64(), first), Col(DataType::Int64(), none),
                         Col(DataType::Int64(), every), Col(DataType::String(), text), Col(st, structs)});
  for (bool dictionary : {false, true}) {
    SCOPED_TRACE(dictionary ? "dictionary" : "plain");
    WriterOptions opt;
    opt.page_max_entries = 100;  // 10 pages per chunk
    opt.dictionary = dictionary;
    TempFile file;
    ReadBack rb = RoundTrip(file, b.schema, {b}, opt);
    ASSERT_NE(rb.reader, nullptr);
    EXPECT_GE(DataPages(ChunkMeta(*rb.reader, 0, "last"), Encoding::kPlain) +
                  DataPages(ChunkMeta(*rb.reader, 0, "last"), Encoding::kDeltaBinaryPacked) +
                  DataPages(ChunkMeta(*rb.reader, 0, "last"), Encoding::kRleDictionary),
              10);
    EXPECT_EQ(rb.batch.columns[0]->null_count(), 1);
    EXPECT_EQ(rb.batch.columns[2]->null_count(), 0);
    EXPECT_EQ(rb.batch.columns[5]->null_count(), 1);
  }
  // Written in batches that end inside pages: a batch whose column has no
  // nulls (the writer takes its levels as all defined) followed, in the same
  // page, by one with a null.
  for (int64_t cut : {450, 995}) {
    SCOPED_TRACE("cut " + std::to_string(cut));
    WriterOptions opt;
    opt.page_max_entries = 100;
    TempFile file;
    RoundTrip(file, b.schema, {Slice(b, 0, cut), Slice(b, cut, kRows)}, opt);
  }
}

// ---------------------------------------------------------------- dictionary

// MatchRows decides a predicate per row without materializing values: on
// dictionary pages through the dictionary, on the PLAIN pages a chunk falls
// back to once its dictionary is full, value by value; NULL rows never match.
TEST(ParquetRoundTrip, MatchRowsDecidesThroughTheDictionaryAndPlainPages) {
  constexpr int kRows = 30000;
  std::vector<V> s, n;
  for (int i = 0; i < kRows; ++i) {
    // Low cardinality first (dictionary pages), unique values later (the dictionary overflows).
    std::string v = i < 12000 ? "cat-" + std::to_string(i % 5) : "u-" + std::to_string(i * 7);
    s.push_back(i % 7 == 0 ? kNull : V(v));
    n.push_back(i % 11 == 0 ? kNull : V(int64_t{i % 13}));
  }
  RecordBatch batch = Batch({F("s", DataType::String()), F("n", DataType::Int64())},
                            {Col(DataType::String(), s), Col(DataType::Int64(), n)});
  WriterOptions opt;
  opt.dictionary_bytes_limit = 4096;
  opt.page_max_entries = 1000;
  TempFile file;
  ReadBack rb = RoundTrip(file, batch.schema, {batch}, opt);
  ASSERT_NE(rb.reader, nullptr);
  const ColumnMetaData& ms = ChunkMeta(*rb.reader, 0, "s");
  ASSERT_GT(DataPages(ms, Encoding::kRleDictionary), 0);
  ASSERT_GT(DataPages(ms, Encoding::kPlain), 0);
  int64_t pred_values = 0;  // values the predicate saw
  auto ends_in_1 = [&](const Column& values, uint8_t* out) {
    for (int64_t i = 0; i < values.length; ++i) {
      std::string_view v = values.GetString(i);
      out[i] = !v.empty() && v.back() == '1';
    }
    pred_values += values.length;
    return Status::OK();
  };
  std::vector<uint8_t> got;
  ASSERT_TRUE(rb.reader->MatchRows(0, 0, ends_in_1, &got).ok());
  ASSERT_EQ(got.size(), static_cast<size_t>(kRows));
  int64_t plain_values = 0;
  for (int i = 0; i < kRows; ++i) {
    bool want = s[i].k != V::K::kNull && s[i].s.back() == '1';
    ASSERT_EQ(got[i], want) << "row " << i;
    plain_values += i >= 12000 && s[i].k != V::K::kNull;
  }
  // The dictionary's few values plus the PLAIN pages' values, not one per row.
  EXPECT_LT(pred_values, plain_values + 12000);
  auto multiple_of_3 = [](const Column& values, uint8_t* out) {
    for (int64_t i = 0; i < values.length; ++i) out[i] = values.Value<int64_t>(i) % 3 == 0;
    return Status::OK();
  };
  ASSERT_TRUE(rb.reader->MatchRows(0, 1, multiple_of_3, &got).ok());
  for (int i = 0; i < kRows; ++i) ASSERT_EQ(got[i], n[i].k != V::K::kNull && n[i].i % 3 == 0) << "row " << i;
  // A failing predicate is reported.
  auto fails = [](const Column&, uint8_t*) { return Status::InvalidArgument("no"); };
  EXPECT_FALSE(rb.reader->MatchRows(0, 0, fails, &got).ok());
}

TEST(ParquetRoundTrip, DictionaryKeptForLowCardinalityDroppedForUnique) {
  constexpr int kRows = 40000;
  std::vector<V> low_s, low_i, uniq_s, uniq_i, low_dec;
  for (int i = 0; i < kRows; ++i) {
    low_s.push_back(i % 9 == 0 ? kNull : V("cat-" + std::to_string(i % 5)));
    low_i.push_back(int64_t{i % 7} * 1000000007);
    uniq_s.push_back("unique-value-" + std::to_string(i * 7919));
    uniq_i.push_back(int64_t{i} * 31 - 5);
    low_dec.push_back(__int128{i % 3} * Pow10(30));
  }
  TypePtr dec = DataType::Decimal(38, 2);
  RecordBatch batch =
      Batch({F("low_s", DataType::String()), F("low_i", DataType::Int64()),
             F("uniq_s", DataType::String()), F("uniq_i", DataType::Int64()), F("low_dec", dec)},
            {Col(DataType::String(), low_s), Col(DataType::Int64(), low_i),
             Col(DataType::String(), uniq_s), Col(DataType::Int64(), uniq_i), Col(dec, low_dec)});
  WriterOptions opt;
  opt.dictionary_bytes_limit = 256;  // tiny, but the low-cardinality dictionaries fit
  opt.page_bytes = 8192;
  TempFile file;
  ReadBack rb = RoundTrip(file, batch.schema, {batch}, opt);
  ASSERT_NE(rb.reader, nullptr);
  const ParquetFileReader& r = *rb.reader;
  for (const char* name : {"low_s", "low_i", "low_dec"}) {
    const ColumnMetaData& m = ChunkMeta(r, 0, name);
    EXPECT_TRUE(HasEncoding(m, Encoding::kRleDictionary)) << name;
    EXPECT_TRUE(m.dictionary_page_offset.has_value()) << name;
    EXPECT_GT(DataPages(m, Encoding::kRleDictionary), 0) << name;
    EXPECT_EQ(DataPages(m, Encoding::kPlain), 0) << name;
  }
  for (const char* name : {"uniq_s", "uniq_i"}) {
    const ColumnMetaData& m = ChunkMeta(r, 0, name);
    EXPECT_FALSE(HasEncoding(m, Encoding::kRleDictionary)) << name;
    EXPECT_FALSE(m.dictionary_page_offset.has_value()) << name;
    EXPECT_EQ(DataPages(m, Encoding::kRleDictionary), 0) << name;
    EXPECT_GT(DataPages(m, Encoding::kPlain) + DataPages(m, Encoding::kDeltaBinaryPacked), 0) << name;
  }
}

TEST(ParquetRoundTrip, SortedIntegersAreDeltaPackedRandomOnesStayPlain) {
  // Sequential int64s (line numbers, timestamps) shrink under DELTA_BINARY_PACKED;
  // random ones do not, and stay PLAIN. Both read back exactly.
  Schema schema{{{"seq", DataType::Int64(), true, {}}, {"rnd", DataType::Int64(), true, {}},
                 {"seq32", DataType::Int32(), true, {}}}};
  RecordBatch b = RecordBatch::Empty(schema);
  uint64_t x = 88172645463325252ull;
  for (int64_t i = 0; i < 50000; ++i) {
    b.columns[0]->Append<int64_t>(1700000000000000 + i * 1000 + (i % 7));
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    b.columns[1]->Append<int64_t>(static_cast<int64_t>(x));
    b.columns[2]->Append<int32_t>(static_cast<int32_t>(i));
  }
  b.num_rows = 50000;
  WriterOptions opt;
  opt.dictionary = false;
  TempFile file;
  ReadBack rb = RoundTrip(file, schema, {b}, opt);
  ASSERT_NE(rb.reader, nullptr);
  for (const char* name : {"seq", "seq32"}) {
    const ColumnMetaData& m = ChunkMeta(*rb.reader, 0, name);
    EXPECT_GT(DataPages(m, Encoding::kDeltaBinaryPacked), 0) << name;
    EXPECT_EQ(DataPages(m, Encoding::kPlain), 0) << name;
  }
  const ColumnMetaData& r = ChunkMeta(*rb.reader, 0, "rnd");
  EXPECT_EQ(DataPages(r, Encoding::kDeltaBinaryPacked), 0);
  EXPECT_GT(DataPages(r, Encoding::kPlain), 0);
}

TEST(ParquetRoundTrip, DictionaryOverflowFallsBackToPlainMidChunk) {
  // 60 distinct 40-byte values in random-ish order: the dictionary looks worth
  // it at the first page (<= 64 entries) but outgrows the 1 KiB limit.
  constexpr int kRows = 20000;
  std::vector<V> vals;
  for (int i = 0; i < kRows; ++i) {
    int k = (i * 37) % 60;
    vals.push_back(std::string(38, static_cast<char>('A' + k % 26)) + std::to_string(k + 10));
  }
  RecordBatch batch = Batch({F("s", DataType::String(), false)}, {Col(DataType::String(), vals)});
  WriterOptions opt;
  opt.dictionary_bytes_limit = 1024;
  TempFile file;
  ReadBack rb = RoundTrip(file, batch.schema, {batch}, opt);
  ASSERT_NE(rb.reader, nullptr);
  const ColumnMetaData& m = ChunkMeta(*rb.reader, 0, "s");
  EXPECT_TRUE(m.dictionary_page_offset.has_value());
  EXPECT_GT(DataPages(m, Encoding::kRleDictionary), 0);
  EXPECT_GT(DataPages(m, Encoding::kPlain), 0);
  EXPECT_TRUE(HasEncoding(m, Encoding::kRleDictionary));
  EXPECT_TRUE(HasEncoding(m, Encoding::kPlain));
}

// Regression (UBSan): a dictionary holding only empty values has no bytes,
// and looking up another empty value compared them with memcmp(nullptr, ..., 0).
TEST(ParquetRoundTrip, DictionaryOfOnlyEmptyValues) {
  std::vector<V> empty;
  for (int i = 0; i < 100; ++i) empty.push_back(i % 7 == 3 ? kNull : V(""));
  RecordBatch batch = Batch({F("s", DataType::String()), F("b", DataType::Binary(), true)},
                            {Col(DataType::String(), empty), Col(DataType::Binary(), empty)});
  TempFile file;
  ReadBack rb = RoundTrip(file, batch.schema, {batch});
  ASSERT_NE(rb.reader, nullptr);
  EXPECT_GT(DataPages(ChunkMeta(*rb.reader, 0, "s"), Encoding::kRleDictionary), 0);
}

TEST(ParquetRoundTrip, DictionaryDisabledWritesPlainOnly) {
  RecordBatch all = MixedBatch(5000);
  WriterOptions opt;
  opt.dictionary = false;
  TempFile file;
  ReadBack rb = RoundTrip(file, all.schema, {all}, opt);
  ASSERT_NE(rb.reader, nullptr);
  for (const LeafDescriptor& leaf : rb.reader->schema().leaves()) {
    const ColumnMetaData& m = ChunkMeta(*rb.reader, 0, leaf.DottedPath());
    EXPECT_FALSE(m.dictionary_page_offset.has_value()) << leaf.DottedPath();
    EXPECT_EQ(DataPages(m, Encoding::kRleDictionary), 0) << leaf.DottedPath();
  }
}

// ---------------------------------------------------------------- codecs

class ParquetCodecRoundTrip : public ::testing::TestWithParam<Codec> {};

TEST_P(ParquetCodecRoundTrip, EveryTypeAndLayout) {
  RecordBatch all = MixedBatch(3000);
  TypePtr t = FourDeepStruct();
  std::vector<V> deep;
  std::vector<V> rows = FourDeepRows();
  for (int i = 0; i < 3000; ++i) deep.push_back(rows[i % rows.size()]);
  all.schema.fields.push_back(F("deep", t));
  all.columns.push_back(Col(t, deep));
  WriterOptions opt;
  opt.compression = GetParam();
  opt.row_group_rows = 1000;
  opt.page_max_entries = 500;
  TempFile file;
  ReadBack rb = RoundTrip(file, all.schema, {all}, opt);
  ASSERT_NE(rb.reader, nullptr);
  for (const RowGroup& rg : rb.reader->metadata().row_groups) {
    for (const ColumnChunk& cc : rg.columns) {
      EXPECT_EQ(static_cast<int>(cc.meta_data->codec), static_cast<int>(GetParam()));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Codecs, ParquetCodecRoundTrip,
                         ::testing::Values(Codec::kZstd, Codec::kSnappy, Codec::kGzip,
                                           Codec::kUncompressed, Codec::kLz4Raw),
                         [](const ::testing::TestParamInfo<Codec>& info) {
                           return std::string(CodecName(info.param));
                         });

// ---------------------------------------------------------------- projection

TEST(ParquetRoundTrip, ProjectionOfTopLevelColumns) {
  RecordBatch all = MixedBatch(500);
  WriterOptions opt;
  opt.row_group_rows = 128;
  TempFile file;
  ASSERT_TRUE(WriteFile(file.path(), all.schema, {all}, opt).ok());
  ReadBack rb = Read(file.path(), {"x", "tags", "id"});
  RecordBatch want = Batch({all.schema.fields[4], all.schema.fields[2], all.schema.fields[0]},
                           {all.columns[4], all.columns[2], all.columns[0]});
  ExpectSameBatch(want, rb.batch);
  auto missing = rb.reader->ReadAll({"nope"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("nope"), std::string::npos);
}

TEST(ParquetRoundTrip, ProjectionOfNestedStructPaths) {
  TypePtr t = FourDeepStruct();
  std::vector<V> rows = FourDeepRows();
  RecordBatch batch = Batch({F("id", DataType::Int32()), F("st", t)},
                            {Col(DataType::Int32(), {0, 1, 2, 3, 4, 5, 6}), Col(t, rows)});
  TempFile file;
  ASSERT_TRUE(WriteFile(file.path(), batch.schema, {batch}).ok());
  const Column& st = *batch.columns[1];

  // One leaf deep inside: the ancestors stay, pruned to the path; their nulls stay.
  {
    ReadBack rb = Read(file.path(), {"st.s.s.c"});
    ASSERT_EQ(rb.batch.columns.size(), 1u);
    const Column& got = *rb.batch.columns[0];
    EXPECT_EQ(got.type->ToString(), "struct<s:struct<s:struct<c:double>>>");
    ASSERT_EQ(got.length, 7);
    for (int64_t r = 0; r < 7; ++r) {
      EXPECT_EQ(got.IsValid(r), st.IsValid(r)) << r;
      EXPECT_EQ(got.children[0]->IsValid(r), st.children[1]->IsValid(r)) << r;
      EXPECT_TRUE(got.children[0]->children[0]->children[0]->RowEquals(
          r, *st.children[1]->children[1]->children[0], r))
          << r;
    }
  }
  // Several paths into the same struct, and a whole sub-struct with a list.
  {
    ReadBack rb = Read(file.path(), {"st.a", "st.s.s.s", "id"});
    ASSERT_EQ(rb.batch.columns.size(), 2u);
    const Column& got = *rb.batch.columns[0];
    EXPECT_EQ(got.type->ToString(),
              "struct<a:int,s:struct<s:struct<s:struct<d:bigint,e:array<int>,req:string>>>>");
    for (int64_t r = 0; r < 7; ++r) {
      EXPECT_TRUE(got.children[0]->RowEquals(r, *st.children[0], r)) << r;
      EXPECT_TRUE(got.children[1]->children[0]->children[0]->RowEquals(
          r, *st.children[1]->children[1]->children[1], r))
          << r;
    }
    ExpectSameBatch(Batch({batch.schema.fields[0]}, {batch.columns[0]}),
                    Batch({rb.batch.schema.fields[1]}, {rb.batch.columns[1]}));
  }
  // A path and then its whole ancestor: the ancestor wins.
  {
    ReadBack rb = Read(file.path(), {"st.s.b", "st"});
    ExpectSameBatch(Batch({batch.schema.fields[1]}, {batch.columns[1]}), rb.batch);
  }
  auto bad = Read(file.path()).reader->ReadAll({"st.s.nope"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kNotFound);
}

// Regression: projecting two leaves of a struct whose parent has a single
// field used to return the parent's whole subtree (extra fields included).
TEST(ParquetRoundTrip, ProjectionOfSiblingsUnderSingleFieldStruct) {
  TypePtr inner = DataType::Struct(
      {F("b", DataType::Int32()), F("c", DataType::String()), F("d", DataType::Double())});
  TypePtr outer = DataType::Struct({F("s", inner)});
  RecordBatch batch = Batch({F("o", outer)}, {Col(outer, {{{1, "x", 1.5}}, kNull, V::Seq({kNull})})});
  TempFile file;
  ASSERT_TRUE(WriteFile(file.path(), batch.schema, {batch}).ok());
  ReadBack rb = Read(file.path(), {"o.s.b", "o.s.d"});
  ASSERT_EQ(rb.batch.columns.size(), 1u);
  EXPECT_EQ(rb.batch.columns[0]->type->ToString(), "struct<s:struct<b:int,d:double>>");
  EXPECT_EQ(Json(*rb.batch.columns[0], 0), "{\"s\":{\"b\":1,\"d\":1.5}}");
  EXPECT_EQ(Json(*rb.batch.columns[0], 1), "null");
  EXPECT_EQ(Json(*rb.batch.columns[0], 2), "{\"s\":null}");
}

// ---------------------------------------------------------------- statistics and skipping

TEST(ParquetRoundTrip, StatisticsInTheFooter) {
  // 4 row groups of 100 rows; "id" ascends, "name" cycles, "opt" is null in
  // the second group only, "nested.v" lives under a struct.
  constexpr int kRows = 400;
  TypePtr nested = DataType::Struct({F("v", DataType::Int32())});
  std::vector<V> id, name, opt, nst, f;
  for (int i = 0; i < kRows; ++i) {
    id.push_back(int64_t{i} * 10 - 1000);
    name.push_back(std::string(1, static_cast<char>('a' + (i / 100) * 2 + i % 2)) + "-" +
                   std::to_string(i / 100));
    opt.push_back(i / 100 == 1 ? kNull : V(i % 3 == 0 ? kNull : V(static_cast<int32_t>(i))));
    nst.push_back(i % 50 == 0 ? kNull : V::Seq({V(static_cast<int32_t>(-i))}));
    f.push_back(i == 150 ? V(std::nan("")) : V(static_cast<double>(i) / 4));
  }
  RecordBatch batch =
      Batch({F("id", DataType::Int64(), false), F("name", DataType::String()),
             F("opt", DataType::Int32()), F("nested", nested), F("f", DataType::Double())},
            {Col(DataType::Int64(), id), Col(DataType::String(), name), Col(DataType::Int32(), opt),
             Col(nested, nst), Col(DataType::Double(), f)});
  WriterOptions wo;
  wo.row_group_rows = 100;
  TempFile file;
  ReadBack rb = RoundTrip(file, batch.schema, {batch}, wo);
  ASSERT_NE(rb.reader, nullptr);
  const ParquetFileReader& r = *rb.reader;
  ASSERT_EQ(r.num_row_groups(), 4);
  // column_orders: TYPE_ORDER for every leaf.
  ASSERT_TRUE(r.metadata().column_orders.has_value());
  EXPECT_EQ(r.metadata().column_orders->size(), r.schema().leaves().size());
  for (int g = 0; g < 4; ++g) {
    SCOPED_TRACE("row group " + std::to_string(g));
    // Raw footer values: PLAIN-encoded min_value/max_value and null_count.
    const Statistics& sid = *ChunkMeta(r, g, "id").statistics;
    EXPECT_EQ(sid.min_value, Plain<int64_t>(g * 1000 - 1000));
    EXPECT_EQ(sid.max_value, Plain<int64_t>(g * 1000 - 1000 + 990));
    EXPECT_EQ(sid.null_count, 0);
    const Statistics& sname = *ChunkMeta(r, g, "name").statistics;
    EXPECT_EQ(sname.min_value,
              std::string(1, static_cast<char>('a' + g * 2)) + "-" + std::to_string(g));
    EXPECT_EQ(sname.max_value,
              std::string(1, static_cast<char>('b' + g * 2)) + "-" + std::to_string(g));
    const Statistics& sopt = *ChunkMeta(r, g, "opt").statistics;
    if (g == 1) {
      EXPECT_EQ(sopt.null_count, 100);
      EXPECT_FALSE(sopt.min_value.has_value());
    } else {
      int64_t nulls = 0;
      int32_t lo = INT32_MAX, hi = INT32_MIN;
      for (int i = g * 100; i < g * 100 + 100; ++i) {
        if (i % 3 == 0) {
          ++nulls;
        } else {
          lo = std::min(lo, i);
          hi = std::max(hi, i);
        }
      }
      EXPECT_EQ(sopt.null_count, nulls);
      EXPECT_EQ(sopt.min_value, Plain<int32_t>(lo));
      EXPECT_EQ(sopt.max_value, Plain<int32_t>(hi));
    }
    const Statistics& snest = *ChunkMeta(r, g, "nested.v").statistics;
    EXPECT_EQ(snest.null_count, 2);
    EXPECT_EQ(snest.min_value, Plain<int32_t>(-(g * 100 + 99)));
    EXPECT_EQ(snest.max_value, Plain<int32_t>(-(g * 100 + 1)));
    // Decoded into Scalars.
    ColumnStats cs = r.RowGroupStats(g, LeafIndex(r, "id"));
    ASSERT_TRUE(cs.has_bounds);
    EXPECT_EQ(cs.min.i64, g * 1000 - 1000);
    EXPECT_EQ(cs.max.i64, g * 1000 - 10);
    EXPECT_EQ(cs.null_count, 0);
    EXPECT_EQ(cs.num_values, 100);
    // NaN is left out of the bounds.
    ColumnStats fs = r.RowGroupStats(g, LeafIndex(r, "f"));
    ASSERT_TRUE(fs.has_bounds);
    EXPECT_EQ(fs.min.f64, g * 25.0);
    EXPECT_EQ(fs.max.f64, g * 25.0 + 24.75);
  }
}

TEST(ParquetRoundTrip, RowGroupSkippingWithStatsPredicates) {
  constexpr int kRows = 1000;
  TypePtr nested = DataType::Struct({F("v", DataType::Int32())});
  std::vector<V> id, cat, opt, nst;
  for (int i = 0; i < kRows; ++i) {
    id.push_back(int64_t{i});
    cat.push_back("c" + std::to_string(i / 100));  // "c0" .. "c9", one per row group
    opt.push_back(i / 100 == 3 ? V(7) : kNull);    // only row group 3 has values
    nst.push_back(V::Seq({V(static_cast<int32_t>(i / 100))}));
  }
  RecordBatch batch = Batch({F("id", DataType::Int64(), false), F("cat", DataType::String()),
                             F("opt", DataType::Int32()), F("nested", nested)},
                            {Col(DataType::Int64(), id), Col(DataType::String(), cat),
                             Col(DataType::Int32(), opt), Col(nested, nst)});
  WriterOptions wo;
  wo.row_group_rows = 100;
  TempFile file;
  ASSERT_TRUE(WriteFile(file.path(), batch.schema, {batch}, wo).ok());
  using Op = StatsPredicate::Op;
  struct Case {
    std::vector<StatsPredicate> preds;
    size_t groups;
    int64_t first_id;
  };
  const std::vector<Case> cases = {
      {{{"id", Op::kGe, Scalar::Int64(950)}}, 1, 900},
      {{{"id", Op::kEq, Scalar::Int64(250)}}, 1, 200},
      {{{"id", Op::kLt, Scalar::Int64(0)}}, 0, -1},
      {{{"id", Op::kLe, Scalar::Int64(199)}}, 2, 0},
      {{{"id", Op::kGt, Scalar::Int64(899)}}, 1, 900},
      {{{"id", Op::kGt, Scalar::Int32(100)}, {"id", Op::kLt, Scalar::Int32(300)}}, 2, 100},
      {{{"cat", Op::kEq, Scalar::String("c7")}}, 1, 700},
      {{{"cat", Op::kGe, Scalar::String("c8")}}, 2, 800},
      {{{"opt", Op::kIsNotNull, {}}}, 1, 300},
      {{{"opt", Op::kEq, Scalar::Int32(7)}}, 1, 300},
      {{{"opt", Op::kIsNull, {}}}, 9, 0},
      {{{"nested.v", Op::kEq, Scalar::Int32(5)}}, 1, 500},
      {{{"nested.v", Op::kGe, Scalar::Int32(10)}}, 0, -1},
      {{{"id", Op::kGe, Scalar::Double(949.5)}}, 1, 900},
  };
  for (size_t c = 0; c < cases.size(); ++c) {
    SCOPED_TRACE("case " + std::to_string(c));
    ReadBack rb = Read(file.path(), {"id", "cat"}, cases[c].preds);
    EXPECT_EQ(rb.row_groups_read, cases[c].groups);
    EXPECT_EQ(rb.batch.num_rows, static_cast<int64_t>(cases[c].groups) * 100);
    if (cases[c].groups > 0 && rb.batch.num_rows > 0) {
      EXPECT_EQ(rb.batch.columns[0]->Value<int64_t>(0), cases[c].first_id);
    }
  }
}

// Regression: negative INT32 and DATE bounds were decoded as unsigned
// (2^32 - |v|), so a predicate on negative values skipped row groups that
// held matching rows.
TEST(ParquetRoundTrip, NegativeInt32AndDateBoundsDecodeSigned) {
  std::vector<V> i32, days;
  for (int i = -500; i < 500; ++i) {
    i32.push_back(i);
    days.push_back(i * 100);
  }
  RecordBatch batch = Batch({F("i", DataType::Int32()), F("d", DataType::Date())},
                            {Col(DataType::Int32(), i32), Col(DataType::Date(), days)});
  WriterOptions wo;
  wo.row_group_rows = 100;
  TempFile file;
  ASSERT_TRUE(WriteFile(file.path(), batch.schema, {batch}, wo).ok());
  ReadBack all = Read(file.path());
  ASSERT_NE(all.reader, nullptr);
  for (int leaf : {0, 1}) {
    ColumnStats st = all.reader->RowGroupStats(0, leaf);
    ASSERT_TRUE(st.has_bounds);
    EXPECT_EQ(st.min.i64, leaf == 0 ? -500 : -50000);
    EXPECT_EQ(st.max.i64, leaf == 0 ? -401 : -40100);
  }
  using Op = StatsPredicate::Op;
  EXPECT_EQ(Read(file.path(), {}, {{"i", Op::kLt, Scalar::Int32(-450)}}).row_groups_read, 1u);
  EXPECT_EQ(Read(file.path(), {}, {{"i", Op::kEq, Scalar::Int32(-250)}}).row_groups_read, 1u);
  EXPECT_EQ(Read(file.path(), {}, {{"i", Op::kLt, Scalar::Int32(0)}}).row_groups_read, 5u);
  EXPECT_EQ(Read(file.path(), {}, {{"d", Op::kGe, Scalar::Date(-10000)}}).row_groups_read, 6u);
  EXPECT_EQ(Read(file.path(), {}, {{"d", Op::kLe, Scalar::Date(-49999)}}).row_groups_read, 1u);
}

// ---------------------------------------------------------------- determinism

TEST(ParquetRoundTrip, ThreadCountsGiveIdenticalFiles) {
  RecordBatch all = MixedBatch(5000);
  TypePtr t = FourDeepStruct();
  std::vector<V> deep;
  std::vector<V> rows = FourDeepRows();
  for (int i = 0; i < 5000; ++i) deep.push_back(rows[(i * 5) % rows.size()]);
  all.schema.fields.push_back(F("deep", t));
  all.columns.push_back(Col(t, deep));
  std::vector<RecordBatch> parts;
  for (int64_t b = 0; b < 5000; b += 700)
    parts.push_back(Slice(all, b, std::min<int64_t>(5000, b + 700)));
  std::string bytes[2];
  for (int threads : {1, 2}) {
    WriterOptions opt;
    opt.threads = threads;
    opt.row_group_rows = 1500;
    opt.page_max_entries = 300;
    TempFile file;
    RoundTrip(file, all.schema, parts, opt);
    bytes[threads - 1] = FileBytes(file.path());
  }
  ASSERT_FALSE(bytes[0].empty());
  EXPECT_TRUE(bytes[0] == bytes[1]) << "sizes " << bytes[0].size() << " vs " << bytes[1].size();
}

// ---------------------------------------------------------------- errors

TEST(ParquetWriterErrors, NullInRequiredFieldIsInvalidArgument) {
  TypePtr st = DataType::Struct({F("a", DataType::Int32(), false)});
  TypePtr req_list = DataType::List(DataType::String(), /*contains_null=*/false);
  TypePtr req_map =
      DataType::Map(DataType::String(), DataType::Int32(), /*value_contains_null=*/false);
  struct Case {
    std::string what;
    Field field;
    ColumnPtr col;
  };
  const std::vector<Case> cases = {
      {"top-level int", F("x", DataType::Int32(), false), Col(DataType::Int32(), {1, kNull})},
      {"top-level string", F("x", DataType::String(), false), Col(DataType::String(), {kNull})},
      {"top-level struct", F("x", st, false), Col(st, {{1}, kNull})},
      {"struct field", F("x", st), Col(st, {kNull, V::Seq({kNull})})},
      {"list element", F("x", req_list), Col(req_list, {{"a", kNull}})},
      {"map value", F("x", req_map), Col(req_map, {{{"k", kNull}}})},
      {"top-level list", F("x", req_list, false), Col(req_list, {kNull})},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    TempFile file;
    RecordBatch batch = Batch({c.field}, {c.col});
    auto writer = ParquetFileWriter::Open(file.path(), batch.schema);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    Status st = (*writer)->WriteBatch(batch);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
    EXPECT_NE(st.message().find("not nullable"), std::string::npos) << st.ToString();
    (*writer)->Abort();
    EXPECT_NE(::access(file.path().c_str(), F_OK), 0) << "no file after Abort";
  }
}

TEST(ParquetWriterErrors, MismatchedBatchSchemaIsInvalidArgument) {
  Schema schema;
  schema.fields = {F("a", DataType::Int64()), F("b", DataType::String())};
  TempFile file;
  auto writer = ParquetFileWriter::Open(file.path(), schema);
  ASSERT_TRUE(writer.ok());
  const RecordBatch fewer = Batch({F("a", DataType::Int64())}, {Col(DataType::Int64(), {1})});
  const RecordBatch more = Batch(
      {F("a", DataType::Int64()), F("b", DataType::String()), F("c", DataType::Int32())},
      {Col(DataType::Int64(), {1}), Col(DataType::String(), {"x"}), Col(DataType::Int32(), {1})});
  const RecordBatch wrong_type =
      Batch({F("a", DataType::Int32()), F("b", DataType::String())},
            {Col(DataType::Int32(), {1}), Col(DataType::String(), {"x"})});
  const RecordBatch swapped = Batch({F("b", DataType::String()), F("a", DataType::Int64())},
                                    {Col(DataType::String(), {"x"}), Col(DataType::Int64(), {1})});
  const RecordBatch wrong_names =
      Batch({F("b", DataType::Int64()), F("a", DataType::String())},
            {Col(DataType::Int64(), {1}), Col(DataType::String(), {"x"})});
  for (const RecordBatch* b : {&fewer, &more, &wrong_type, &swapped, &wrong_names}) {
    Status st = (*writer)->WriteBatch(*b);
    ASSERT_FALSE(st.ok()) << b->schema.ToString();
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
  }
  // Nested types must match too (element nullability, field names).
  Schema nested;
  nested.fields = {F("l", DataType::List(DataType::Int32(), false)),
                   F("s", DataType::Struct({F("x", DataType::Int32())}))};
  TempFile file2;
  auto w2 = ParquetFileWriter::Open(file2.path(), nested);
  ASSERT_TRUE(w2.ok());
  TypePtr l_nullable = DataType::List(DataType::Int32(), true);
  TypePtr s_renamed = DataType::Struct({F("y", DataType::Int32())});
  const RecordBatch n1 = Batch({F("l", l_nullable), nested.fields[1]},
                               {Col(l_nullable, {{1}}), Col(nested.fields[1].type, {{1}})});
  const RecordBatch n2 = Batch({nested.fields[0], F("s", s_renamed)},
                               {Col(nested.fields[0].type, {{1}}), Col(s_renamed, {{1}})});
  for (const RecordBatch* b : {&n1, &n2}) {
    Status st = (*w2)->WriteBatch(*b);
    ASSERT_FALSE(st.ok()) << b->schema.ToString();
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
  }
  // The writer is still usable with a matching batch.
  const RecordBatch good =
      Batch(schema.fields, {Col(DataType::Int64(), {1}), Col(DataType::String(), {"x"})});
  ASSERT_TRUE((*writer)->WriteBatch(good).ok());
  ASSERT_TRUE((*writer)->Close().ok());
  ReadBack rb = Read(file.path());
  ExpectSameBatch(good, rb.batch);
}

TEST(ParquetWriterErrors, VoidColumnIsNotSupported) {
  Schema schema;
  schema.fields = {F("n", DataType::Null())};
  TempFile file;
  auto writer = ParquetFileWriter::Open(file.path(), schema);
  ASSERT_FALSE(writer.ok());
  EXPECT_EQ(writer.status().code(), StatusCode::kNotSupported);
}

TEST(ParquetRoundTrip, EmptyFileAndEmptyBatches) {
  RecordBatch all = MixedBatch(0);
  TempFile file;
  ReadBack rb = RoundTrip(file, all.schema, {all, all});
  ASSERT_NE(rb.reader, nullptr);
  EXPECT_EQ(rb.reader->num_rows(), 0);
  EXPECT_EQ(rb.reader->num_row_groups(), 0);
  EXPECT_EQ(rb.batch.schema.fields.size(), all.schema.fields.size());
}

}  // namespace
}  // namespace lakewatch::parquet
