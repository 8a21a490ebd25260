// parquet_bench: the lakewatch side of the Parquet benchmark against DuckDB
// (bench/run.sh drives both sides; bench/RESULTS.md holds measured figures).
//
//   parquet_bench write --rows N --out F [--threads 1,2] [--reps R] [--tsv T]
//       Generates the data set (deterministic, untimed) as in-memory RecordBatches,
//       optionally writes it as TSV for DuckDB to load (untimed), then times
//       ParquetFileWriter (Open + WriteBatch of every batch + Close, zstd, default
//       options) R times per thread count, writing F each time.
//   parquet_bench read [--threads 1,2] [--reps R] FILE...
//       Times, R times per thread count and file:
//       read: ParquetFileReader::Open + ReadAll(every column) into Columns (the whole
//             file materialized), then (untimed) computes the per-column checksums that
//             bench/parquet_vs_duckdb.mjs computes with DuckDB, so the report can show
//             that both engines read the same values;
//       scan: Open + each thread reading whole row groups (ReadRowGroup, every column),
//             folding them into those checksums and dropping them: a streaming scan with
//             a bounded working set, the closer analogue of DuckDB's aggregate query.
//   parquet_bench rows --rows N --dir D [--reps R]
//       Row-range reads through the page index: writes the data set (untimed) twice into D,
//       D/rows-index.parquet (page index, the default) and D/rows-noindex.parquet
//       (WriterOptions::page_index = false), or reuses them when both exist; then, with each
//       file open (warm page cache), times R seeded lookups of each kind:
//       row_1: ReadRowGroupRows of one random row, every column;
//       row_1_narrow: the same for two columns (event_id, message);
//       rows_100: 100 random rows of the file (one ReadRowGroupRows per row group touched);
//       event_id_eq: a point lookup by value, event_id = X: PagesMayMatch per row group
//             (RowGroupMayMatch first), ReadRowGroupRows of the pages it keeps, every column,
//             then the row with that event_id picked out (checked).
//       Without the page index the reads fall back to decoding whole column chunks.
//
// Output: one JSON object per line per measurement (best of R in "seconds", every
// repetition in "runs"); bench/parquet_vs_duckdb.mjs renders the table. `rows` prints
// "median_ms" and "best_ms" per lookup and the pages decoded/skipped.
//
// The data set models ML prediction events, 20 columns (see kColumns): ids
// (sequential and random int64), an increasing-with-jitter timestamp, low-,
// medium-cardinality and free-text strings, seven double features (normal,
// rounded to 2 decimals, 10% nulls), a float score, booleans and int32 counts.
// Every value is a function of (seed, column, row), so every run and every
// machine generates the same table.
#include <fmt/format.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/memory.h"
#include "common/column.h"
#include "common/scalar.h"
#include "common/types.h"
#include "parquet/file_reader.h"
#include "parquet/file_writer.h"

namespace lakewatch::bench {
namespace {

// Batches divide the writer's default row group (2^20 rows), so no batch straddles a
// row-group boundary (the writer would copy it row by row to split it).
constexpr int64_t kBatchRows = int64_t{1} << 16;
constexpr uint64_t kSeed = 0x1a4e3a7c2024ULL;
constexpr int64_t kEpochMicros = 1717200000000000;  // 2024-06-01T00:00:00Z

// ---- deterministic generator

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }  // [0, 1)
  // Box-Muller (one of the pair); deterministic for a given libm.
  double Normal() {
    double u1 = 1.0 - Uniform();
    double u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  }
  uint64_t Below(uint64_t n) { return Next() % n; }

 private:
  uint64_t s_;
};

double Round2(double x) { return std::round(x * 100.0) / 100.0; }

constexpr std::string_view kModelVersions[] = {"fraud-v3.2.0",     "fraud-v3.2.1",  "fraud-v3.3.0-rc1",
                                              "churn-v1.0.4",     "churn-v1.1.0",  "ranker-2024.06.01"};
constexpr int kModelWeights[] = {40, 25, 5, 15, 10, 5};  // percent
constexpr std::string_view kCountries[] = {
    "US", "DE", "GB", "FR", "IN", "BR", "JP", "CA", "ES", "IT", "NL", "SE", "PL", "MX",
    "AU", "KR", "TR", "AR", "ZA", "NG", "EG", "ID", "PH", "VN", "TH", "MY", "SG", "CH",
    "AT", "BE", "DK", "NO", "FI", "IE", "PT", "CZ", "RO", "GR", "IL", "NZ"};
constexpr std::string_view kDevices[] = {"ios", "android", "web", "api"};
constexpr std::string_view kCache[] = {"hit", "miss", "stale"};

// ---- the table

enum class Gen {
  kSeqId, kRandomId, kEventTime, kUserId, kModel, kCountry, kDevice, kMessage,
  kNormal01, kNormal50, kNormalTiny, kRound100, kRoundAmount, kNullNormal, kNullRound,
  kScore, kLabel, kFallback, kItemCount, kLatency,
};

struct ColumnSpec {
  const char* name;
  TypePtr (*type)();
  Gen gen;
};

const ColumnSpec kColumns[] = {
    {"event_id", DataType::Int64, Gen::kSeqId},
    {"request_id", DataType::Int64, Gen::kRandomId},
    {"event_time", DataType::Timestamp, Gen::kEventTime},
    {"user_id", DataType::String, Gen::kUserId},
    {"model_version", DataType::String, Gen::kModel},
    {"country", DataType::String, Gen::kCountry},
    {"device", DataType::String, Gen::kDevice},
    {"message", DataType::String, Gen::kMessage},
    {"f_norm", DataType::Double, Gen::kNormal01},
    {"f_norm_shifted", DataType::Double, Gen::kNormal50},
    {"f_norm_small", DataType::Double, Gen::kNormalTiny},
    {"f_round", DataType::Double, Gen::kRound100},
    {"f_amount", DataType::Double, Gen::kRoundAmount},
    {"f_sparse", DataType::Double, Gen::kNullNormal},
    {"f_sparse_round", DataType::Double, Gen::kNullRound},
    {"score", DataType::Float, Gen::kScore},
    {"label", DataType::Boolean, Gen::kLabel},
    {"is_fallback", DataType::Boolean, Gen::kFallback},
    {"item_count", DataType::Int32, Gen::kItemCount},
    {"latency_ms", DataType::Int32, Gen::kLatency},
};
constexpr size_t kNumColumns = std::size(kColumns);

Schema BenchSchema() {
  Schema s;
  for (const ColumnSpec& c : kColumns) s.fields.push_back({c.name, c.type(), true, ""});
  return s;
}

// One log line of 40..120 characters from a pool of templates.
void AppendMessage(SplitMix64& rng, int64_t row, std::string* out) {
  out->clear();
  const uint64_t user = rng.Below(200000);
  switch (rng.Below(8)) {
    case 0:
      fmt::format_to(std::back_inserter(*out), "served prediction for user_{:07} in {} ms (model {}, cache {})",
                     user, 3 + rng.Below(400), kModelVersions[rng.Below(6)], kCache[rng.Below(3)]);
      break;
    case 1:
      fmt::format_to(std::back_inserter(*out),
                     "feature lookup timed out after {} ms; using defaults for user_{:07}", 50 + rng.Below(950),
                     user);
      break;
    case 2:
      fmt::format_to(std::back_inserter(*out), "drift check: feature f_{} psi={:.2f} above threshold 0.20 (window {}m)",
                     rng.Below(64), 0.2 + rng.Uniform(), 5 * (1 + rng.Below(12)));
      break;
    case 3:
      fmt::format_to(std::back_inserter(*out), "batch {} scored: {} rows, p50={} ms, p99={} ms", row / 4096,
                     1000 + rng.Below(9000), 2 + rng.Below(20), 40 + rng.Below(900));
      break;
    case 4:
      fmt::format_to(std::back_inserter(*out), "request {:016x} rejected: missing required feature 'f_{}'",
                     rng.Next(), rng.Below(64));
      break;
    case 5:
      fmt::format_to(std::back_inserter(*out),
                     "shadow model {} disagreed with primary {} for user_{:07}: {:.3f} vs {:.3f}",
                     kModelVersions[rng.Below(6)], kModelVersions[rng.Below(6)], user, rng.Uniform(),
                     rng.Uniform());
      break;
    case 6:
      fmt::format_to(std::back_inserter(*out),
                     "retrying call to feature-store-{}.internal:8443 (attempt {} of 3, backoff {} ms)",
                     rng.Below(16), 1 + rng.Below(3), 100 * (1 + rng.Below(8)));
      break;
    default:
      fmt::format_to(std::back_inserter(*out), "label joined for event {} after {} h (delay bucket {})", row + 1,
                     rng.Below(72), rng.Below(6));
      break;
  }
}

// Fills `col` with rows [begin, begin + n) of column `spec`; `rng` is the column's stream.
void Generate(const ColumnSpec& spec, SplitMix64& rng, int64_t begin, int64_t n, Column* col) {
  col->Reserve(n);
  std::string s;
  for (int64_t r = begin; r < begin + n; ++r) {
    switch (spec.gen) {
      case Gen::kSeqId: col->Append<int64_t>(r + 1); break;
      case Gen::kRandomId: col->Append<int64_t>(static_cast<int64_t>(rng.Next() >> 1)); break;
      case Gen::kEventTime:
        col->Append<int64_t>(kEpochMicros + r * 1000 + static_cast<int64_t>(rng.Below(3000)));
        break;
      case Gen::kUserId:
        s = fmt::format("user_{:07}", rng.Below(200000));
        col->AppendString(s);
        break;
      case Gen::kModel: {
        int p = static_cast<int>(rng.Below(100)), i = 0;
        while (p >= kModelWeights[i]) p -= kModelWeights[i++];
        col->AppendString(kModelVersions[i]);
        break;
      }
      case Gen::kCountry: {
        double u = rng.Uniform();
        col->AppendString(kCountries[static_cast<size_t>(u * u * u * std::size(kCountries))]);
        break;
      }
      case Gen::kDevice: col->AppendString(kDevices[rng.Below(4)]); break;
      case Gen::kMessage:
        AppendMessage(rng, r, &s);
        col->AppendString(s);
        break;
      case Gen::kNormal01: col->Append<double>(rng.Normal()); break;
      case Gen::kNormal50: col->Append<double>(50.0 + 10.0 * rng.Normal()); break;
      case Gen::kNormalTiny: col->Append<double>(1e-3 * rng.Normal()); break;
      case Gen::kRound100: col->Append<double>(Round2(100.0 + 25.0 * rng.Normal())); break;
      case Gen::kRoundAmount: col->Append<double>(Round2(std::exp(3.0 + 1.2 * rng.Normal()))); break;
      case Gen::kNullNormal: {
        double v = rng.Normal();
        if (rng.Below(10) == 0) col->AppendNull(); else col->Append<double>(v);
        break;
      }
      case Gen::kNullRound: {
        double v = Round2(10.0 + 3.0 * rng.Normal());
        if (rng.Below(10) == 0) col->AppendNull(); else col->Append<double>(v);
        break;
      }
      case Gen::kScore:
        col->Append<float>(static_cast<float>(1.0 / (1.0 + std::exp(-1.5 * rng.Normal()))));
        break;
      case Gen::kLabel: col->Append<uint8_t>(rng.Below(100) < 12 ? 1 : 0); break;
      case Gen::kFallback: col->Append<uint8_t>(rng.Below(100) < 3 ? 1 : 0); break;
      case Gen::kItemCount: {
        int32_t k = 0;
        while (k < 50 && rng.Uniform() < 0.7) ++k;
        col->Append<int32_t>(k);
        break;
      }
      case Gen::kLatency:
        col->Append<int32_t>(static_cast<int32_t>(std::exp(3.0 + 0.8 * rng.Normal())));
        break;
    }
  }
}

struct Table {
  std::vector<RecordBatch> batches;
  int64_t rows = 0;
  int64_t value_bytes = 0;  // see ValueBytes
};

// The engine-neutral size of the data: fixed-width bytes of every non-null value (booleans 1,
// int32/float 4, int64/double/timestamp 8) plus the bytes of every string. Offsets, validity
// and per-engine overheads are not counted.
int64_t ValueBytes(const Column& c) {
  int64_t valid = c.length - c.null_count();
  if (c.type->is_binary_like()) return c.offset_values()[c.length] - c.offset_values()[0];
  return valid * c.type->byte_width();
}

Table GenerateTable(int64_t rows) {
  Table t;
  t.rows = rows;
  const Schema schema = BenchSchema();
  const int64_t nbatches = (rows + kBatchRows - 1) / kBatchRows;
  t.batches.resize(nbatches);
  for (int64_t b = 0; b < nbatches; ++b) {
    t.batches[b].schema = schema;
    t.batches[b].num_rows = std::min(kBatchRows, rows - b * kBatchRows);
    t.batches[b].columns.resize(kNumColumns);
  }
  // One thread per column group; each column has its own random stream, so the result does
  // not depend on the thread count.
  auto gen_column = [&](size_t c) {
    SplitMix64 rng(kSeed ^ (0x100000001b3ULL * (c + 1)));
    for (int64_t b = 0; b < nbatches; ++b) {
      auto col = Column::Make(kColumns[c].type());
      Generate(kColumns[c], rng, b * kBatchRows, t.batches[b].num_rows, col.get());
      t.batches[b].columns[c] = std::move(col);
    }
  };
  const unsigned nthreads = std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
  std::vector<std::thread> pool;
  for (unsigned k = 0; k < nthreads; ++k) {
    pool.emplace_back([&, k] {
      for (size_t c = k; c < kNumColumns; c += nthreads) gen_column(c);
    });
  }
  for (auto& th : pool) th.join();
  for (const RecordBatch& b : t.batches) {
    for (const ColumnPtr& c : b.columns) t.value_bytes += ValueBytes(*c);
  }
  return t;
}

// ---- TSV for DuckDB: one row per line, \N for null, timestamps as integer microseconds,
// floating point in shortest round-trip form (DuckDB parses them back to the same bits).
// No value contains a tab, newline or backslash.

void AppendTsvValue(const Column& c, int64_t r, std::string* out) {
  if (c.IsNull(r)) {
    out->append("\\N");
    return;
  }
  auto it = std::back_inserter(*out);
  switch (c.type->id()) {
    case TypeId::kBoolean: out->append(c.Value<uint8_t>(r) ? "true" : "false"); break;
    case TypeId::kInt32: fmt::format_to(it, "{}", c.Value<int32_t>(r)); break;
    case TypeId::kInt64:
    case TypeId::kTimestamp: fmt::format_to(it, "{}", c.Value<int64_t>(r)); break;
    case TypeId::kFloat: fmt::format_to(it, "{}", c.Value<float>(r)); break;
    case TypeId::kDouble: fmt::format_to(it, "{}", c.Value<double>(r)); break;
    case TypeId::kString: out->append(c.GetString(r)); break;
    default: out->append("?"); break;
  }
}

bool WriteTsv(const Table& t, const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  std::string buf;
  for (const RecordBatch& b : t.batches) {
    for (int64_t r = 0; r < b.num_rows; ++r) {
      for (size_t c = 0; c < kNumColumns; ++c) {
        if (c > 0) buf.push_back('\t');
        AppendTsvValue(*b.columns[c], r, &buf);
      }
      buf.push_back('\n');
      if (buf.size() > (size_t{1} << 22)) {
        if (std::fwrite(buf.data(), 1, buf.size(), f) != buf.size()) return std::fclose(f), false;
        buf.clear();
      }
    }
  }
  bool ok = std::fwrite(buf.data(), 1, buf.size(), f) == buf.size();
  return std::fclose(f) == 0 && ok;
}

// ---- measurements

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// CPU seconds of the whole process (every thread): on a shared machine this is the figure that
// other load does not inflate.
double CpuNow() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// Wall and CPU seconds of the repetitions of one measurement.
struct Runs {
  std::vector<double> wall, cpu;
  std::vector<int64_t> maps;  // large blocks mapped from the kernel since the previous run
  void Add(double wall_start, double cpu_start) {
    wall.push_back(Now() - wall_start);
    cpu.push_back(CpuNow() - cpu_start);
    int64_t m = memory::GetLargeBlockStats().maps;
    maps.push_back(m - last_maps);
    last_maps = m;
  }
  int64_t last_maps = memory::GetLargeBlockStats().maps;
  // "seconds" (best wall), "cpu_seconds" (best CPU) and every repetition.
  std::string Json() const {
    std::string s = fmt::format("\"seconds\":{:.4f},\"cpu_seconds\":{:.4f},\"runs\":[",
                                *std::min_element(wall.begin(), wall.end()),
                                *std::min_element(cpu.begin(), cpu.end()));
    for (size_t i = 0; i < wall.size(); ++i) s += fmt::format("{}{:.4f}", i ? "," : "", wall[i]);
    s += "],\"cpu_runs\":[";
    for (size_t i = 0; i < cpu.size(); ++i) s += fmt::format("{}{:.4f}", i ? "," : "", cpu[i]);
    s += "],\"block_maps\":[";
    for (size_t i = 0; i < maps.size(); ++i) s += fmt::format("{}{}", i ? "," : "", maps[i]);
    return s + "]";
  }
};

int64_t FileSize(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return -1;
  std::fseek(f, 0, SEEK_END);
  int64_t n = std::ftell(f);
  std::fclose(f);
  return n;
}

std::vector<int> ParseThreads(const std::string& s) {
  std::vector<int> out;
  size_t p = 0;
  while (p <= s.size()) {
    size_t q = s.find(',', p);
    if (q == std::string::npos) q = s.size();
    if (q > p) out.push_back(std::stoi(s.substr(p, q - p)));
    p = q + 1;
  }
  return out;
}

int Fail(const std::string& msg) {
  std::fprintf(stderr, "parquet_bench: %s\n", msg.c_str());
  return 1;
}

// Per-column checksums, the same aggregates bench/parquet_vs_duckdb.mjs asks DuckDB for:
// integers and timestamps: exact sum; floating point: sum; strings: total length;
// booleans: count of true; plus the count of non-null values. Accumulated batch by batch
// (type dispatch per column, not per value) so the streaming scan can afford it.
class Checksums {
 public:
  void Add(const RecordBatch& b) {
    if (cols_.empty()) {
      schema_ = b.schema;
      cols_.resize(b.columns.size());
    }
    for (size_t c = 0; c < b.columns.size(); ++c) AddColumn(*b.columns[c], &cols_[c]);
  }
  void Merge(const Checksums& o) {
    if (cols_.empty()) {
      *this = o;
      return;
    }
    for (size_t c = 0; c < o.cols_.size(); ++c) {
      cols_[c].isum += o.cols_[c].isum;
      cols_[c].dsum += o.cols_[c].dsum;
      cols_[c].count += o.cols_[c].count;
    }
  }
  std::string Json() const {
    std::string out = "{";
    for (size_t c = 0; c < cols_.size(); ++c) {
      const TypeId id = schema_.fields[c].type->id();
      std::string value;
      if (id == TypeId::kFloat || id == TypeId::kDouble) {
        value = fmt::format("{}", cols_[c].dsum);
      } else {
        const bool neg = cols_[c].isum < 0;
        unsigned __int128 u = neg ? -static_cast<unsigned __int128>(cols_[c].isum)
                                  : static_cast<unsigned __int128>(cols_[c].isum);
        do {
          value.insert(value.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
          u /= 10;
        } while (u != 0);
        if (neg) value.insert(value.begin(), '-');
      }
      out += fmt::format("{}\"{}\":{{\"agg\":\"{}\",\"count\":{}}}", c ? "," : "",
                         schema_.fields[c].name, value, cols_[c].count);
    }
    return out + "}";
  }

 private:
  struct Acc {
    __int128 isum = 0;
    double dsum = 0;
    int64_t count = 0;
  };
  template <typename T, typename F>
  static void Sum(const Column& col, F f, Acc* a) {
    const T* v = col.values<T>();
    const uint8_t* valid = col.validity.empty() ? nullptr : col.validity.data();
    for (int64_t r = 0; r < col.length; ++r) {
      if (valid == nullptr || valid[r]) f(v[r]);
    }
  }
  static void AddColumn(const Column& col, Acc* a) {
    a->count += col.length - col.null_count();
    switch (col.type->id()) {
      case TypeId::kBoolean: {
        int64_t n = 0;
        Sum<uint8_t>(col, [&](uint8_t x) { n += x != 0; }, a);
        a->isum += n;
        break;
      }
      case TypeId::kInt32: {
        int64_t n = 0;
        Sum<int32_t>(col, [&](int32_t x) { n += x; }, a);
        a->isum += n;
        break;
      }
      case TypeId::kInt64:
      case TypeId::kTimestamp: {
        __int128 n = 0;
        Sum<int64_t>(col, [&](int64_t x) { n += x; }, a);
        a->isum += n;
        break;
      }
      case TypeId::kFloat: Sum<float>(col, [&](float x) { a->dsum += x; }, a); break;
      case TypeId::kDouble: Sum<double>(col, [&](double x) { a->dsum += x; }, a); break;
      case TypeId::kString: {
        const int64_t* o = col.offset_values();
        if (col.validity.empty()) {
          a->isum += o[col.length] - o[0];
        } else {
          for (int64_t r = 0; r < col.length; ++r) a->isum += col.validity.data()[r] ? o[r + 1] - o[r] : 0;
        }
        break;
      }
      default: break;
    }
  }

  Schema schema_;
  std::vector<Acc> cols_;
};

std::string ChecksumsJson(const std::vector<RecordBatch>& batches) {
  Checksums c;
  for (const RecordBatch& b : batches) c.Add(b);
  return c.Json();
}

// The columns as JSON: [{"name": ..., "type": <Spark DDL type>}, ...].
std::string ColumnsJson() {
  std::string s = "[";
  for (size_t c = 0; c < kNumColumns; ++c) {
    s += fmt::format("{}{{\"name\":\"{}\",\"type\":\"{}\"}}", c ? "," : "", kColumns[c].name,
                     kColumns[c].type()->ToString());
  }
  return s + "]";
}

Status WriteTable(const Table& t, const std::string& out, const parquet::WriterOptions& options) {
  LW_ASSIGN_OR_RETURN(auto w, parquet::ParquetFileWriter::Open(out, BenchSchema(), options));
  for (const RecordBatch& b : t.batches) LW_RETURN_IF_ERROR(w->WriteBatch(b));
  return w->Close();
}

int RunWrite(int64_t rows, const std::string& out, const std::string& tsv, const std::vector<int>& threads,
             int reps) {
  double t0 = Now();
  Table t = GenerateTable(rows);
  std::fprintf(stderr, "parquet_bench: generated %lld rows (%.1f MB of values) in %.1f s\n",
               static_cast<long long>(rows), t.value_bytes / 1e6, Now() - t0);
  if (!tsv.empty()) {
    t0 = Now();
    if (!WriteTsv(t, tsv)) return Fail("cannot write " + tsv);
    std::fprintf(stderr, "parquet_bench: wrote %s in %.1f s\n", tsv.c_str(), Now() - t0);
  }
  std::printf("{\"engine\":\"lakewatch\",\"op\":\"generate\",\"rows\":%lld,\"value_bytes\":%lld,"
              "\"tsv\":\"%s\",\"columns\":%s,\"checksums\":%s}\n",
              static_cast<long long>(rows), static_cast<long long>(t.value_bytes), tsv.c_str(),
              ColumnsJson().c_str(), ChecksumsJson(t.batches).c_str());
  for (int th : threads) {
    Runs runs;
    for (int rep = 0; rep < reps; ++rep) {
      parquet::WriterOptions options;  // zstd (level 1), dictionary, 2^20-row row groups
      options.threads = th;
      const double wall = Now(), cpu = CpuNow();
      Status st = WriteTable(t, out, options);
      if (!st.ok()) return Fail(st.ToString());
      runs.Add(wall, cpu);
    }
    std::printf(
        "{\"engine\":\"lakewatch\",\"op\":\"write\",\"threads\":%d,\"rows\":%lld,\"file\":\"%s\","
        "\"file_bytes\":%lld,%s}\n",
        th, static_cast<long long>(rows), out.c_str(), static_cast<long long>(FileSize(out)),
        runs.Json().c_str());
    std::fflush(stdout);
  }
  return 0;
}

// Streaming scan: each thread reads whole row groups (ReadRowGroup, every column), folds
// them into its checksums and drops them, so the working set stays a few row groups, like
// DuckDB's scan. Returns the checksums as JSON, or an empty string on error.
std::string Scan(const parquet::ParquetFileReader& r, int threads) {
  auto plans = r.schema().Project({});
  if (!plans.ok()) {
    Fail(plans.status().ToString());
    return "";
  }
  std::vector<Checksums> part(threads);
  std::vector<Status> status(threads);
  std::atomic<int> next{0};
  auto work = [&](int t) {
    for (int g = next++; g < r.num_row_groups(); g = next++) {
      auto batch = r.ReadRowGroup(g, *plans);
      if (!batch.ok()) {
        status[t] = batch.status();
        return;
      }
      part[t].Add(*batch);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& th : pool) th.join();
  Checksums all;
  for (int t = 0; t < threads; ++t) {
    if (!status[t].ok()) {
      Fail(status[t].ToString());
      return "";
    }
    all.Merge(part[t]);
  }
  return all.Json();
}

int RunRead(const std::vector<std::string>& files, const std::vector<int>& threads, int reps) {
  for (const std::string& file : files) {
    std::string checksums;
    int64_t rows = 0;
    for (int th : threads) {
      Runs runs;
      for (int rep = 0; rep < reps; ++rep) {
        const double wall = Now(), cpu = CpuNow();
        auto r = parquet::ParquetFileReader::Open(file);
        if (!r.ok()) return Fail(r.status().ToString());
        auto batches = (*r)->ReadAll({}, {}, th);
        if (!batches.ok()) return Fail(batches.status().ToString());
        runs.Add(wall, cpu);
        if (checksums.empty()) {
          rows = 0;
          for (const RecordBatch& b : *batches) rows += b.num_rows;
          checksums = ChecksumsJson(*batches);
        }
      }  // the batches are freed outside the timed region of the next repetition
      std::printf(
          "{\"engine\":\"lakewatch\",\"op\":\"read\",\"threads\":%d,\"rows\":%lld,\"file\":\"%s\","
          "%s,\"checksums\":%s}\n",
          th, static_cast<long long>(rows), file.c_str(), runs.Json().c_str(), checksums.c_str());
      std::fflush(stdout);

      Runs scan_runs;
      std::string scan_checksums;
      for (int rep = 0; rep < reps; ++rep) {
        const double wall = Now(), cpu = CpuNow();
        auto r = parquet::ParquetFileReader::Open(file);
        if (!r.ok()) return Fail(r.status().ToString());
        scan_checksums = Scan(**r, th);
        if (scan_checksums.empty()) return 1;
        scan_runs.Add(wall, cpu);
      }
      std::printf(
          "{\"engine\":\"lakewatch\",\"op\":\"scan\",\"threads\":%d,\"rows\":%lld,\"file\":\"%s\","
          "%s,\"checksums\":%s}\n",
          th, static_cast<long long>(rows), file.c_str(), scan_runs.Json().c_str(), scan_checksums.c_str());
      std::fflush(stdout);
    }
  }
  return 0;
}

// ---- row-range reads (`rows`)

// One kind of lookup over one open file: times each call, sums what the reads did.
struct LookupTimes {
  std::vector<double> ms;
  parquet::RowReadStats stats;
  std::string Json() const {
    std::vector<double> sorted = ms;
    std::sort(sorted.begin(), sorted.end());
    return fmt::format("\"lookups\":{},\"median_ms\":{:.3f},\"best_ms\":{:.3f},\"pages_read\":{},"
                       "\"pages_skipped\":{},\"chunks_read_whole\":{}",
                       ms.size(), sorted[sorted.size() / 2], sorted.front(), stats.pages_read,
                       stats.pages_skipped, stats.chunks_read_whole);
  }
};

// Reads the file rows `rows` (sorted, distinct) with one ReadRowGroupRows per row group.
Status ReadFileRows(const parquet::ParquetFileReader& r, const std::vector<parquet::FieldPlan>& plans,
                    const std::vector<int64_t>& rows, parquet::RowReadStats* stats, int64_t* got) {
  int64_t first = 0;
  size_t k = 0;
  for (int g = 0; g < r.num_row_groups() && k < rows.size(); ++g) {
    const int64_t n = r.metadata().row_groups[g].num_rows;
    std::vector<int64_t> mine;
    for (; k < rows.size() && rows[k] < first + n; ++k) mine.push_back(rows[k] - first);
    if (!mine.empty()) {
      LW_ASSIGN_OR_RETURN(RecordBatch b, r.ReadRowGroupRows(g, plans, parquet::RowSelection::FromRows(mine), stats));
      *got += b.num_rows;
    }
    first += n;
  }
  return Status::OK();
}

// event_id = value through PagesMayMatch; *found = whether exactly that row came back.
Status LookupEventId(const parquet::ParquetFileReader& r, const std::vector<parquet::FieldPlan>& plans,
                     int64_t value, parquet::RowReadStats* stats, bool* found) {
  const std::vector<parquet::StatsPredicate> preds = {
      {"event_id", parquet::StatsPredicate::Op::kEq, Scalar::Int64(value)}};
  *found = false;
  for (int g = 0; g < r.num_row_groups(); ++g) {
    const parquet::RowSelection pages = r.PagesMayMatch(g, preds);
    if (pages.empty()) continue;
    LW_ASSIGN_OR_RETURN(RecordBatch b, r.ReadRowGroupRows(g, plans, pages, stats));
    const Column& ids = *b.columns[0];  // event_id
    for (int64_t i = 0; i < b.num_rows; ++i) *found = *found || (ids.IsValid(i) && ids.Value<int64_t>(i) == value);
  }
  return Status::OK();
}

int RunRows(int64_t rows, const std::string& dir, int reps) {
  const std::string with = dir + "/rows-index.parquet", without = dir + "/rows-noindex.parquet";
  if (FileSize(with) <= 0 || FileSize(without) <= 0) {
    double t0 = Now();
    Table t = GenerateTable(rows);
    std::fprintf(stderr, "parquet_bench: generated %lld rows in %.1f s\n", static_cast<long long>(rows), Now() - t0);
    parquet::WriterOptions options;
    Status st = WriteTable(t, with, options);
    options.page_index = false;
    if (st.ok()) st = WriteTable(t, without, options);
    if (!st.ok()) return Fail(st.ToString());
  }
  for (const std::string& file : {with, without}) {
    auto r = parquet::ParquetFileReader::Open(file);
    if (!r.ok()) return Fail(r.status().ToString());
    const parquet::ParquetFileReader& reader = **r;
    const int64_t total = reader.num_rows();
    auto all = reader.schema().Project({});
    auto narrow = reader.schema().Project({"event_id", "message"});
    if (!all.ok() || !narrow.ok()) return Fail("projection failed");
    SplitMix64 rng(kSeed);
    auto report = [&](const char* op, const LookupTimes& t) {
      std::printf("{\"engine\":\"lakewatch\",\"op\":\"%s\",\"page_index\":%s,\"rows\":%lld,"
                  "\"file\":\"%s\",\"file_bytes\":%lld,%s}\n",
                  op, file == with ? "true" : "false", static_cast<long long>(total), file.c_str(),
                  static_cast<long long>(FileSize(file)), t.Json().c_str());
      std::fflush(stdout);
    };
    auto time_rows = [&](const char* op, const std::vector<parquet::FieldPlan>& plans, int64_t count) -> int {
      LookupTimes t;
      for (int rep = 0; rep < reps; ++rep) {
        std::vector<int64_t> pick;
        for (int64_t i = 0; i < count; ++i) pick.push_back(static_cast<int64_t>(rng.Below(total)));
        std::sort(pick.begin(), pick.end());
        pick.erase(std::unique(pick.begin(), pick.end()), pick.end());
        int64_t got = 0;
        const double t0 = Now();
        Status st = ReadFileRows(reader, plans, pick, &t.stats, &got);
        t.ms.push_back((Now() - t0) * 1e3);
        if (!st.ok()) return Fail(st.ToString());
        if (got != static_cast<int64_t>(pick.size())) return Fail(fmt::format("{}: {} rows read, {} asked", op, got, pick.size()));
      }
      report(op, t);
      return 0;
    };
    if (time_rows("row_1", *all, 1) != 0 || time_rows("row_1_narrow", *narrow, 1) != 0 ||
        time_rows("rows_100", *all, 100) != 0) {
      return 1;
    }
    LookupTimes t;
    for (int rep = 0; rep < reps; ++rep) {
      const int64_t id = static_cast<int64_t>(rng.Below(total)) + 1;  // event_id = row + 1
      bool found = false;
      const double t0 = Now();
      Status st = LookupEventId(reader, *all, id, &t.stats, &found);
      t.ms.push_back((Now() - t0) * 1e3);
      if (!st.ok()) return Fail(st.ToString());
      if (!found) return Fail(fmt::format("event_id {} not found", id));
    }
    report("event_id_eq", t);
  }
  return 0;
}

int Usage() {
  std::fprintf(stderr,
               "usage: parquet_bench write --rows N --out FILE [--tsv FILE] [--threads 1,2] [--reps R]\n"
               "       parquet_bench read [--threads 1,2] [--reps R] FILE...\n"
               "       parquet_bench rows --rows N --dir DIR [--reps R]\n");
  return 2;
}

int Main(int argc, char** argv) {
  if (argc < 2) return Usage();
  const std::string mode = argv[1];
  int64_t rows = 10000000;
  int reps = 3;
  std::vector<int> threads = {1, 2};
  std::string out, tsv, dir;
  std::vector<std::string> files;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--rows") rows = std::stoll(value());
    else if (a == "--reps") reps = std::stoi(value());
    else if (a == "--threads") threads = ParseThreads(value());
    else if (a == "--out") out = value();
    else if (a == "--tsv") tsv = value();
    else if (a == "--dir") dir = value();
    else if (!a.empty() && a[0] == '-') return Usage();
    else files.push_back(a);
  }
  if (reps < 1 || threads.empty() || rows < 1) return Usage();
  if (mode == "write" && !out.empty()) return RunWrite(rows, out, tsv, threads, reps);
  if (mode == "read" && !files.empty()) return RunRead(files, threads, reps);
  if (mode == "rows" && !dir.empty()) return RunRows(rows, dir, reps);
  return Usage();
}

}  // namespace
}  // namespace lakewatch::bench

int main(int argc, char** argv) { return lakewatch::bench::Main(argc, argv); }
