// random_parquet_gen: writes seeded random Parquet files with lakewatch's
// writer, plus the rows they must contain, for random_writer_check.mjs to
// compare with what DuckDB reads.
//
// Usage: random_parquet_gen --out DIR [--seeds N] [--first K] [--seed K]
//   Seeds K .. K+N-1 (default 1 .. 300; --seed K alone means N = 1). For each
//   seed n it writes
//     DIR/seed-<n>.parquet      the file, written by ParquetFileWriter
//     DIR/seed-<n>.jsonl        the expected rows, one AppendJsonRow object per line
//     DIR/seed-<n>.schema.json  {"seed","ddl","options","fields":[{name,nullable,type}]}
//     DIR/seed-<n>.error.txt    only when writing failed, or lakewatch's own reader read back
//                               other rows than were written (all columns, then a random
//                               projection): what went wrong
//   A seed always produces the same files.
//
// Each seed draws: a schema of 1-8 top-level fields (every primitive type,
// structs, lists and maps nested up to depth 4, random nullability); 0 to a
// few thousand rows with nulls, empty lists/maps, empty and a few huge
// (<= 100 KB) strings, skewed (low-cardinality) and extreme values; writer
// options (row group and page sizes, codec zstd/snappy/none, dictionary on
// or off with a random size limit, 1 or 2 threads); and how the rows are cut
// into batches.
//
// Exit status: 0 when every seed passed; 1 on a usage error or when a seed
// failed (its message goes to stderr and to its error.txt).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "common/column.h"
#include "common/json_format.h"
#include "parquet/file_reader.h"
#include "parquet/file_writer.h"

namespace lakewatch {
namespace {

using Rng = std::mt19937_64;

constexpr int kMaxDepth = 4;
constexpr int64_t kMinDate = -719162;               // 0001-01-01
constexpr int64_t kMaxDate = 2932896;               // 9999-12-31
constexpr int64_t kMinMicros = -62135596800000000;  // 0001-01-01T00:00:00Z
constexpr int64_t kMaxMicros = 253402300799999999;  // 9999-12-31T23:59:59.999999Z
constexpr size_t kHugeBytes = 100 * 1000;

int64_t Uniform(Rng& rng, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}
bool Chance(Rng& rng, double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; }
template <typename T>
const T& Pick(Rng& rng, const std::vector<T>& v) {
  return v[static_cast<size_t>(Uniform(rng, 0, static_cast<int64_t>(v.size()) - 1))];
}

// ---------------------------------------------------------------- schema

// A field of the random schema with how its values are drawn.
struct GenNode {
  Field field;
  double null_p = 0;              // chance of a null where the field is nullable
  int pool = 0;                   // > 0: values come (skewed) from this many distinct ones
  int max_len = 4;                // lists and maps: longest length
  double empty_p = 0;             // lists and maps: chance of an empty one
  int min_digits = 1;             // decimals: unscaled values have at least this many digits
  std::vector<GenNode> children;  // struct fields; list [element]; map [key, value]
  ColumnPtr pool_values;          // built lazily for pooled leaves
};

const std::vector<TypeId> kPrimitives = {
    TypeId::kBoolean,      TypeId::kInt8,   TypeId::kInt16,   TypeId::kInt32,  TypeId::kInt64,
    TypeId::kFloat,        TypeId::kDouble, TypeId::kDecimal, TypeId::kDate,   TypeId::kTimestamp,
    TypeId::kTimestampNtz, TypeId::kTime,   TypeId::kString,  TypeId::kBinary,
};

double NullChance(Rng& rng) {
  static const std::vector<double> kChoices = {0, 0, 0.05, 0.2, 0.5, 0.9, 1.0};
  return Pick(rng, kChoices);
}

// `fan`: the product of the longest lengths of the enclosing lists/maps, which
// bounds how many values one row can hold.
GenNode RandomNode(Rng& rng, std::string name, int depth, int fan = 1, bool map_key = false);

GenNode PrimitiveNode(Rng& rng, std::string name, TypeId id) {
  GenNode n;
  n.field.name = std::move(name);
  if (id == TypeId::kDecimal) {
    int p =
        static_cast<int>(Chance(rng, 0.3) ? Pick(rng, std::vector<int64_t>{1, 9, 10, 18, 19, 38})
                                          : Uniform(rng, 1, 38));
    n.field.type = DataType::Decimal(p, static_cast<int>(Uniform(rng, 0, p)));
    n.min_digits = static_cast<int>(Uniform(rng, 1, p));
  } else {
    n.field.type = DataType::Primitive(id);
  }
  if (Chance(rng, 0.3))
    n.pool = static_cast<int>(Pick(rng, std::vector<int64_t>{1, 2, 3, 10, 50, 300}));
  return n;
}

GenNode RandomNode(Rng& rng, std::string name, int depth, int fan, bool map_key) {
  if (map_key) {
    static const std::vector<TypeId> kKeys = {TypeId::kString, TypeId::kInt32, TypeId::kInt64};
    GenNode n = PrimitiveNode(rng, std::move(name), Pick(rng, kKeys));
    n.pool = 0;  // keys must be distinct within a map
    n.field.nullable = false;
    return n;
  }
  const int kind = depth >= kMaxDepth ? 0 : static_cast<int>(Uniform(rng, 0, 9));
  GenNode n;
  n.field.name = std::move(name);
  n.field.nullable = Chance(rng, 0.75);
  n.null_p = NullChance(rng);
  if (kind <= 5) {
    GenNode p = PrimitiveNode(rng, n.field.name, Pick(rng, kPrimitives));
    p.field.nullable = n.field.nullable;
    p.null_p = n.null_p;
    return p;
  }
  std::vector<int64_t> lens;
  for (int64_t len : {1, 3, 5, 12, 40}) {
    if (len == 1 || len * fan <= 48) lens.push_back(len);
  }
  n.max_len = static_cast<int>(Pick(rng, lens));
  n.empty_p = Pick(rng, std::vector<double>{0, 0.1, 0.5});
  if (kind <= 7) {
    const int nf = static_cast<int>(Uniform(rng, 1, 4));
    std::vector<Field> fields;
    for (int i = 0; i < nf; ++i) {
      n.children.push_back(RandomNode(rng, "f" + std::to_string(i), depth + 1, fan));
      fields.push_back(n.children.back().field);
    }
    n.field.type = DataType::Struct(std::move(fields));
  } else if (kind == 8) {
    GenNode elem = RandomNode(rng, "element", depth + 1, fan * n.max_len);
    n.field.type = DataType::List(elem.field.type, elem.field.nullable);
    n.children.push_back(std::move(elem));
  } else {
    GenNode key = RandomNode(rng, "key", depth + 1, fan * n.max_len, /*map_key=*/true);
    GenNode value = RandomNode(rng, "value", depth + 1, fan * n.max_len);
    n.field.type = DataType::Map(key.field.type, value.field.type, value.field.nullable);
    n.children.push_back(std::move(key));
    n.children.push_back(std::move(value));
  }
  return n;
}

// ---------------------------------------------------------------- values

struct ValueGen {
  Rng& rng;
  int huge_left;  // huge strings still allowed in this file

  std::string Utf8Text(size_t len) {
    static const std::vector<std::string> kPieces = {"a",
                                                     "b",
                                                     "z",
                                                     "Q",
                                                     "0",
                                                     "9",
                                                     " ",
                                                     "-",
                                                     "_",
                                                     ".",
                                                     "\"",
                                                     "\\",
                                                     "/",
                                                     "\n",
                                                     "\t",
                                                     std::string(1, '\x01'),
                                                     std::string(1, '\x1f'),
                                                     std::string(1, '\0'),
                                                     "\x7f",
                                                     "é",
                                                     "ß",
                                                     "ñ",
                                                     "€",
                                                     "日",
                                                     "本",
                                                     "語",
                                                     "ё",
                                                     "\xF0\x9F\x98\x80" /* 😀 */,
                                                     "\xF0\x9F\x8C\x8D" /* 🌍 */,
                                                     "\xEF\xBF\xBD" /* U+FFFD */,
                                                     "\xE2\x80\x8B" /* ZWSP */};
    std::string s;
    while (s.size() < len) {
      if (Chance(rng, 0.7)) {
        s.push_back(static_cast<char>('a' + Uniform(rng, 0, 25)));
      } else {
        s += Pick(rng, kPieces);
      }
    }
    return s;
  }

  size_t Length() {
    if (huge_left > 0 && Chance(rng, 0.01)) {
      --huge_left;
      return static_cast<size_t>(Uniform(rng, kHugeBytes / 2, kHugeBytes));
    }
    int r = static_cast<int>(Uniform(rng, 0, 9));
    if (r == 0) return 0;
    if (r <= 5) return static_cast<size_t>(Uniform(rng, 1, 8));
    if (r <= 8) return static_cast<size_t>(Uniform(rng, 1, 40));
    return static_cast<size_t>(Uniform(rng, 40, 300));
  }

  template <typename T>
  T IntValue() {
    using L = std::numeric_limits<T>;
    switch (Uniform(rng, 0, 9)) {
      case 0:
        return Pick(rng,
                    std::vector<T>{L::min(), L::max(), 0, static_cast<T>(-1), 1,
                                   static_cast<T>(L::min() + 1), static_cast<T>(L::max() - 1)});
      case 1:
      case 2:
        return static_cast<T>(Uniform(rng, -100, 100));
      default: {
        // A random magnitude, so every byte count shows up.
        int bits = static_cast<int>(Uniform(rng, 1, sizeof(T) * 8 - 1));
        int64_t m = bits >= 63 ? std::numeric_limits<int64_t>::max() : (int64_t{1} << bits) - 1;
        return static_cast<T>(Uniform(rng, -m - 1, m));
      }
    }
  }

  template <typename T>
  T FloatValue() {
    using L = std::numeric_limits<T>;
    switch (Uniform(rng, 0, 9)) {
      case 0:
        return Pick(rng, std::vector<T>{L::quiet_NaN(), L::infinity(), -L::infinity(), T(0),
                                        T(-0.0), L::max(), L::lowest(), L::min(), L::denorm_min(),
                                        -L::denorm_min(), L::epsilon()});
      case 1:
      case 2:
        return static_cast<T>(Uniform(rng, -1000, 1000)) / 4;
      default: {
        T mant = std::uniform_real_distribution<T>(-1, 1)(rng);
        int e = static_cast<int>(Uniform(rng, L::min_exponent10 + 1, L::max_exponent10 - 1));
        return static_cast<T>(mant * std::pow(static_cast<T>(10), static_cast<T>(e)));
      }
    }
  }

  __int128 DecimalValue(int precision, int min_digits) {
    __int128 max = 1;
    for (int i = 0; i < precision; ++i) max *= 10;
    max -= 1;
    if (Chance(rng, 0.1)) return Pick(rng, std::vector<__int128>{max, -max, 0, 1, -1});
    int digits = static_cast<int>(Uniform(rng, min_digits, precision));
    __int128 v = 0;
    for (int i = 0; i < digits; ++i) v = v * 10 + Uniform(rng, i == 0 ? 1 : 0, 9);
    return Chance(rng, 0.4) ? -v : v;
  }

  int64_t Range(int64_t lo, int64_t hi, int64_t near_zero) {
    switch (Uniform(rng, 0, 9)) {
      case 0:
        return Pick(rng, std::vector<int64_t>{lo, hi, 0, -1, 1});
      case 1:
      case 2:
        return Uniform(rng, -near_zero, near_zero);
      default:
        return Uniform(rng, lo, hi);
    }
  }

  // Appends one non-null value of a primitive type.
  void Primitive(const GenNode& n, Column* c) {
    const DataType& t = *n.field.type;
    switch (t.id()) {
      case TypeId::kBoolean:
        c->Append<uint8_t>(Chance(rng, 0.5));
        return;
      case TypeId::kInt8:
        c->Append<int8_t>(IntValue<int8_t>());
        return;
      case TypeId::kInt16:
        c->Append<int16_t>(IntValue<int16_t>());
        return;
      case TypeId::kInt32:
        c->Append<int32_t>(IntValue<int32_t>());
        return;
      case TypeId::kInt64:
        c->Append<int64_t>(IntValue<int64_t>());
        return;
      case TypeId::kFloat:
        c->Append<float>(FloatValue<float>());
        return;
      case TypeId::kDouble:
        c->Append<double>(FloatValue<double>());
        return;
      case TypeId::kDecimal:
        c->Append<__int128>(DecimalValue(t.precision(), n.min_digits));
        return;
      case TypeId::kDate:
        c->Append<int32_t>(static_cast<int32_t>(Range(kMinDate, kMaxDate, 400)));
        return;
      case TypeId::kTimestamp:
      case TypeId::kTimestampNtz:
        c->Append<int64_t>(Range(kMinMicros, kMaxMicros, 86400000000LL * 30));
        return;
      case TypeId::kTime:
        c->Append<int64_t>(Uniform(rng, 0, 86400000000LL - 1));
        return;
      case TypeId::kString:
        c->AppendString(Utf8Text(Length()));
        return;
      case TypeId::kBinary: {
        std::string s(Length(), '\0');
        for (char& ch : s) ch = static_cast<char>(Uniform(rng, 0, 255));
        c->AppendString(s);
        return;
      }
      default:
        c->AppendNull();
        return;
    }
  }

  // Appends one value (possibly null) of `n` to `c`.
  void Value(GenNode& n, Column* c) {
    if (n.field.nullable && Chance(rng, n.null_p)) {
      c->AppendNull();
      return;
    }
    switch (n.field.type->id()) {
      case TypeId::kStruct:
        for (size_t i = 0; i < n.children.size(); ++i) Value(n.children[i], c->children[i].get());
        c->FinishStructRow();
        return;
      case TypeId::kList: {
        int64_t len = Chance(rng, n.empty_p) ? 0 : Uniform(rng, 0, n.max_len);
        for (int64_t i = 0; i < len; ++i) Value(n.children[0], c->children[0].get());
        c->FinishListRow();
        return;
      }
      case TypeId::kMap: {
        int64_t len = Chance(rng, n.empty_p) ? 0 : Uniform(rng, 0, n.max_len);
        std::set<std::string> seen;
        Column& keys = *c->children[0];
        for (int64_t i = 0; i < len; ++i) {
          // Draw a key not yet in this map (give up on that entry after a few tries).
          for (int attempt = 0; attempt < 8; ++attempt) {
            ColumnPtr one = Column::Make(keys.type);
            Primitive(n.children[0], one.get());
            std::string text;
            AppendTextValue(*one, 0, &text);
            if (!seen.insert(text).second) continue;
            keys.AppendFrom(*one, 0);
            Value(n.children[1], c->children[1].get());
            break;
          }
        }
        c->FinishListRow();
        return;
      }
      default:
        break;
    }
    if (n.pool > 0) {
      if (n.pool_values == nullptr) {
        // No huge strings in pools: repeated, they would make the file huge.
        const int huge = huge_left;
        huge_left = 0;
        n.pool_values = Column::Make(n.field.type);
        for (int i = 0; i < n.pool; ++i) Primitive(n, n.pool_values.get());
        huge_left = huge;
      }
      // Skewed: low indices are far more frequent.
      double u = std::uniform_real_distribution<double>(0, 1)(rng);
      int64_t i = static_cast<int64_t>(u * u * u * n.pool);
      c->AppendFrom(*n.pool_values, std::min<int64_t>(i, n.pool - 1));
      return;
    }
    Primitive(n, c);
  }
};

// ---------------------------------------------------------------- rendering

void TypeJson(const DataType& t, std::string* out);

void FieldJson(const Field& f, std::string* out) {
  *out += "{\"name\":";
  AppendJsonString(f.name, out);
  *out += ",\"nullable\":";
  *out += f.nullable ? "true" : "false";
  *out += ",\"type\":";
  TypeJson(*f.type, out);
  *out += "}";
}

void TypeJson(const DataType& t, std::string* out) {
  auto kind = [&](const char* k) { *out += std::string("{\"kind\":\"") + k + "\""; };
  switch (t.id()) {
    case TypeId::kBoolean:
      kind("boolean");
      break;
    case TypeId::kInt8:
      kind("int8");
      break;
    case TypeId::kInt16:
      kind("int16");
      break;
    case TypeId::kInt32:
      kind("int32");
      break;
    case TypeId::kInt64:
      kind("int64");
      break;
    case TypeId::kFloat:
      kind("float");
      break;
    case TypeId::kDouble:
      kind("double");
      break;
    case TypeId::kDecimal:
      kind("decimal");
      *out += ",\"precision\":" + std::to_string(t.precision()) +
              ",\"scale\":" + std::to_string(t.scale());
      break;
    case TypeId::kDate:
      kind("date");
      break;
    case TypeId::kTimestamp:
      kind("timestamp");
      break;
    case TypeId::kTimestampNtz:
      kind("timestamp_ntz");
      break;
    case TypeId::kTime:
      kind("time");
      break;
    case TypeId::kString:
      kind("string");
      break;
    case TypeId::kBinary:
      kind("binary");
      break;
    case TypeId::kNull:
      kind("null");
      break;
    case TypeId::kList:
    case TypeId::kMap:
    case TypeId::kStruct:
      kind(t.id() == TypeId::kList ? "list" : t.id() == TypeId::kMap ? "map" : "struct");
      *out += ",\"fields\":[";
      for (size_t i = 0; i < t.num_fields(); ++i) {
        if (i) *out += ",";
        FieldJson(t.field(i), out);
      }
      *out += "]";
      break;
  }
  *out += "}";
}

std::string OptionsJson(const parquet::WriterOptions& o, size_t batches) {
  char buf[512];
  std::snprintf(buf, sizeof(buf),
                "{\"codec\":\"%s\",\"row_group_rows\":%lld,\"row_group_bytes\":%lld,"
                "\"page_bytes\":%lld,\"page_max_entries\":%lld,\"dictionary\":%s,"
                "\"dictionary_bytes_limit\":%lld,\"threads\":%d,\"batches\":%zu}",
                std::string(parquet::CodecName(o.compression)).c_str(),
                static_cast<long long>(o.row_group_rows), static_cast<long long>(o.row_group_bytes),
                static_cast<long long>(o.page_bytes), static_cast<long long>(o.page_max_entries),
                o.dictionary ? "true" : "false", static_cast<long long>(o.dictionary_bytes_limit),
                o.threads, batches);
  return buf;
}

bool WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  return static_cast<bool>(out);
}

// ---------------------------------------------------------------- own reader

// Reads `path` back with lakewatch's reader (all columns, 1 or 2 threads, then
// a random subset of top-level columns in random order) and compares with the
// rows written.
Status ReadBackCheck(const std::string& path, const RecordBatch& all, Rng rng) {
  LW_ASSIGN_OR_RETURN(auto reader, parquet::ParquetFileReader::Open(path));
  std::vector<int> cols(all.columns.size());
  for (size_t c = 0; c < cols.size(); ++c) cols[c] = static_cast<int>(c);
  for (int pass = 0; pass < 2; ++pass) {
    std::vector<std::string> names;
    if (pass == 1) {
      std::shuffle(cols.begin(), cols.end(), rng);
      cols.resize(static_cast<size_t>(Uniform(rng, 1, static_cast<int64_t>(cols.size()))));
      for (int c : cols) names.push_back(all.schema.fields[c].name);
    }
    LW_ASSIGN_OR_RETURN(auto parts,
                        reader->ReadAll(names, {}, static_cast<int>(Uniform(rng, 1, 2))));
    int64_t row = 0;
    for (const RecordBatch& part : parts) {
      if (part.columns.size() != cols.size()) {
        return Status::Internal("lakewatch reader returned " + std::to_string(part.columns.size()) +
                                " columns, expected " + std::to_string(cols.size()));
      }
      for (int64_t r = 0; r < part.num_rows; ++r, ++row) {
        for (size_t k = 0; k < cols.size(); ++k) {
          const Column& want = *all.columns[cols[k]];
          if (row < all.num_rows && want.RowEquals(row, *part.columns[k], r)) continue;
          std::string w, got;
          if (row < all.num_rows) AppendJsonValue(want, row, &w);
          AppendJsonValue(*part.columns[k], r, &got);
          return Status::Internal("lakewatch reader" + std::string(pass ? " (projected)" : "") +
                                  ": column " + all.schema.fields[cols[k]].name + " row " +
                                  std::to_string(row) + ": wrote " + w.substr(0, 2000) + ", read " +
                                  got.substr(0, 2000));
        }
      }
    }
    if (row != all.num_rows) {
      return Status::Internal("lakewatch reader read " + std::to_string(row) + " rows, wrote " +
                              std::to_string(all.num_rows));
    }
  }
  return Status::OK();
}

// ---------------------------------------------------------------- one seed

bool GenerateSeed(uint64_t seed, const std::string& dir) {
  Rng rng(seed * 0x9E3779B97F4A7C15ULL + 12345);
  const std::string base = dir + "/seed-" + std::to_string(seed);

  // Schema.
  std::vector<GenNode> nodes;
  Schema schema;
  const int nfields = static_cast<int>(Uniform(rng, 1, 8));
  for (int i = 0; i < nfields; ++i) {
    nodes.push_back(RandomNode(rng, "c" + std::to_string(i), 1));
    schema.fields.push_back(nodes.back().field);
  }

  // Rows.
  int64_t rows;
  switch (Uniform(rng, 0, 19)) {
    case 0:
      rows = 0;
      break;
    case 1:
      rows = 1;
      break;
    case 2:
    case 3:
    case 4:
    case 5:
    case 6:
    case 7:
      rows = Uniform(rng, 2, 50);
      break;
    case 19:
      rows = Uniform(rng, 1000, 5000);
      break;
    default:
      rows = Uniform(rng, 50, 500);
      break;
  }
  ValueGen gen{rng, static_cast<int>(Uniform(rng, 0, 3))};
  RecordBatch all = RecordBatch::Empty(schema);
  for (int64_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < nodes.size(); ++c) gen.Value(nodes[c], all.columns[c].get());
  }
  all.num_rows = rows;

  // Writer options.
  parquet::WriterOptions opt;
  opt.compression =
      Pick(rng, std::vector<parquet::Codec>{parquet::Codec::kZstd, parquet::Codec::kSnappy,
                                            parquet::Codec::kUncompressed});
  opt.row_group_rows = Pick(rng, std::vector<int64_t>{1, 2, 7, 64, 333, 1000, int64_t{1} << 20});
  // Thousands of one-row groups make a slow footer and test nothing more.
  if (opt.row_group_rows < 7 && rows > 300) opt.row_group_rows = 7;
  if (Chance(rng, 0.15)) opt.row_group_bytes = Pick(rng, std::vector<int64_t>{1, 1 << 12, 1 << 16});
  opt.page_bytes = Pick(rng, std::vector<int64_t>{1, 100, 4096, 1 << 16, 1 << 20});
  opt.page_max_entries = Pick(rng, std::vector<int64_t>{1, 50, 5000, int64_t{1} << 17});
  opt.dictionary = Chance(rng, 0.7);
  opt.dictionary_bytes_limit = Pick(rng, std::vector<int64_t>{1, 64, 1000, 1 << 16, 1 << 20});
  opt.threads = Chance(rng, 0.3) ? 2 : 1;

  // Batches: cut points at random rows (empty batches included).
  std::vector<int64_t> cuts = {0, rows};
  const int extra = static_cast<int>(Uniform(rng, 0, 4));
  for (int i = 0; i < extra; ++i) cuts.push_back(Uniform(rng, 0, rows));
  std::sort(cuts.begin(), cuts.end());

  // Expected rows and schema description.
  std::string jsonl;
  for (int64_t r = 0; r < rows; ++r) {
    AppendJsonRow(all, r, &jsonl);
    jsonl.push_back('\n');
  }
  std::string desc =
      "{\"seed\":" + std::to_string(seed) + ",\"rows\":" + std::to_string(rows) + ",\"ddl\":";
  AppendJsonString(schema.ToString(), &desc);
  desc += ",\"options\":" + OptionsJson(opt, cuts.size() - 1) + ",\"fields\":[";
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    if (i) desc += ",";
    FieldJson(schema.fields[i], &desc);
  }
  desc += "]}\n";
  if (!WriteText(base + ".jsonl", jsonl) || !WriteText(base + ".schema.json", desc)) {
    std::fprintf(stderr, "random_parquet_gen: seed %llu: cannot write %s.*\n",
                 static_cast<unsigned long long>(seed), base.c_str());
    return false;
  }

  auto writer = parquet::ParquetFileWriter::Open(base + ".parquet", schema, opt);
  Status st = writer.ok() ? Status::OK() : writer.status();
  for (size_t i = 0; st.ok() && i + 1 < cuts.size(); ++i) {
    const int64_t b = cuts[i], e = cuts[i + 1];
    if (b == 0 && e == rows) {
      st = (*writer)->WriteBatch(all);
      continue;
    }
    RecordBatch part = RecordBatch::Empty(schema);
    for (size_t c = 0; c < part.columns.size(); ++c) {
      for (int64_t r = b; r < e; ++r) part.columns[c]->AppendFrom(*all.columns[c], r);
    }
    part.num_rows = e - b;
    st = (*writer)->WriteBatch(part);
  }
  if (st.ok()) st = (*writer)->Close();
  if (st.ok()) st = ReadBackCheck(base + ".parquet", all, Rng(seed));
  if (!st.ok()) {
    std::string msg =
        "seed " + std::to_string(seed) + " (schema " + schema.ToString() + "): " + st.ToString();
    std::fprintf(stderr, "random_parquet_gen: %s\n", msg.c_str());
    WriteText(base + ".error.txt", msg + "\n");
    return false;
  }
  return true;
}

int Usage(const char* msg) {
  std::fprintf(
      stderr,
      "random_parquet_gen: %s\nusage: random_parquet_gen --out DIR [--seeds N] [--first K] "
      "[--seed K]\n",
      msg);
  return 1;
}

}  // namespace
}  // namespace lakewatch

int main(int argc, char** argv) {
  std::string out;
  long long first = 1, count = 300;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) return lakewatch::Usage(("missing value after " + a).c_str());
    const char* v = argv[++i];
    char* end = nullptr;
    if (a == "--out") {
      out = v;
      continue;
    }
    long long n = std::strtoll(v, &end, 10);
    if (end == v || *end != '\0' || n < 0) return lakewatch::Usage(("bad number for " + a).c_str());
    if (a == "--seeds") {
      count = n;
    } else if (a == "--first") {
      first = n;
    } else if (a == "--seed") {
      first = n;
      count = 1;
    } else {
      return lakewatch::Usage(("unknown option " + a).c_str());
    }
  }
  if (out.empty()) return lakewatch::Usage("--out DIR is required");
  bool ok = true;
  for (long long s = first; s < first + count; ++s) {
    ok = lakewatch::GenerateSeed(static_cast<uint64_t>(s), out) && ok;
  }
  return ok ? 0 : 1;
}
