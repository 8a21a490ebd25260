// index_bench: what the search index sidecars cost and buy on 10M events —
// sidecar size against the data, build time against the Parquet write time,
// and the time of a lookup for a rare token and for one request id.
//
//   index_bench [--events N] [--dir DIR] [--reps R] [--block-rows B] [--keyword-bits K]
//
// Data (deterministic, splitmix64 with a fixed seed): N events in files of
// N/3 rows (the ingest's one file per day of a 3-day bench input), each
// event a `request_id` (a random UUID v4 text, unique) and a `message` (a
// log line from 12 templates with variable ids, numbers, hosts, user names
// and durations; 10 events in all carry the rare tokens "needle" and
// "zebra<k>"). Written as the ingest writes them (ParquetFileWriter, zstd,
// 2^18-row row groups, 256 KiB pages, page index), batches of 32,768 rows.
//
// Timed:
//   write     the Parquet files alone (CPU time of this thread, as for build)
//   build     SidecarBuilder::AddBatch on the same batches + Finish (the
//             work an ingest adds per data file), and writing the sidecars
//   lookup    SidecarReader::Open of every sidecar (including the checksum
//             of the column looked up) + Lookup / LookupExact, best and
//             median of R; rows returned and row groups touched are shown
//   scan      for context, ContainsAllTokens over every message in memory
//             (the inner loop of the fallback scan, without decoding)
// Output: a Markdown table on stdout (the figures of bench/RESULTS.md, "Search
// index"), progress on stderr. DIR keeps the files (default: a temporary
// directory, removed at the end).
#include <fmt/format.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "index/row_ranges.h"
#include "index/sidecar_builder.h"
#include "index/sidecar_file.h"
#include "index/sidecar_reader.h"
#include "index/tokenizer.h"
#include "parquet/file_writer.h"

namespace {

using namespace lakewatch;
namespace fs = std::filesystem;

struct Args {
  int64_t events = 10'000'000;
  std::string dir;
  int reps = 5;
  int64_t block_rows = index::kDefaultBlockRows;
  int keyword_bits = index::SidecarOptions{}.keyword_fingerprint_bits;  // what ingest writes
};

double Now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }
// This thread's CPU time: steadier than the wall clock on a shared machine.
double CpuNow() {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Rng {
  uint64_t s;
  uint64_t Next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  uint64_t Below(uint64_t n) { return Next() % n; }
};

std::string Uuid(Rng* rng) {
  const uint64_t a = rng->Next(), b = rng->Next();
  return fmt::format("{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:012x}", a >> 32, (a >> 16) & 0xffff, a & 0xfff,
                     8 + (b >> 62), (b >> 48) & 0xfff, b & 0xffffffffffffULL);
}

std::string Message(Rng* rng, int64_t i, int64_t every_needle) {
  static const char* kUsers[] = {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"};
  static const char* kHosts[] = {"db-1.prod", "db-2.prod", "cache-7", "api-gw-3", "feature-store", "s3.eu-west-1"};
  const char* user = kUsers[rng->Below(8)];
  const char* host = kHosts[rng->Below(6)];
  std::string m;
  switch (rng->Below(12)) {
    case 0: m = fmt::format("GET /api/v1/items/{} 200 {}ms user={}", rng->Below(1000000), rng->Below(900), user); break;
    case 1: m = fmt::format("POST /predict model=fraud version=v3.{} latency={}ms", rng->Below(4), rng->Below(200)); break;
    case 2: m = fmt::format("connection to {} timed out after {} ms (attempt {})", host, rng->Below(30000), rng->Below(5)); break;
    case 3: m = fmt::format("cache miss for key features:{}:{}", user, rng->Below(100000)); break;
    case 4: m = fmt::format("User {} logged in from 10.{}.{}.{}", user, rng->Below(256), rng->Below(256), rng->Below(256)); break;
    case 5: m = fmt::format("batch {} scored {} rows in {:.2f}s", rng->Below(1 << 20), rng->Below(5000), rng->Below(10000) / 100.0); break;
    case 6: m = fmt::format("ERROR feature {} missing for entity {}, using default", rng->Below(40), rng->Below(10000000)); break;
    case 7: m = fmt::format("retrying request to {} status=503 backoff={}ms", host, rng->Below(4000)); break;
    case 8: m = fmt::format("drift check ok for column amount psi=0.{:03d}", rng->Below(1000)); break;
    case 9: m = fmt::format("WARN slow query on {} took {} ms rows={}", host, rng->Below(20000), rng->Below(100000)); break;
    case 10: m = fmt::format("payment {} authorized amount={}.{:02d} currency=EUR", Uuid(rng).substr(0, 13), rng->Below(5000), rng->Below(100)); break;
    default: m = fmt::format("Shutting down worker {} after {} tasks", rng->Below(64), rng->Below(100000)); break;
  }
  if (every_needle > 0 && i % every_needle == every_needle / 2) m += fmt::format(" needle zebra{}", i / every_needle);
  return m;
}

Schema BenchSchema() { return Schema{{{"request_id", DataType::String(), true, {}}, {"message", DataType::String(), true, {}}}}; }

struct Figures {
  double write_s = 0, build_s = 0, sidecar_write_s = 0;
  int64_t data_bytes = 0, index_bytes = 0, message_bytes = 0, request_id_bytes = 0;
  std::vector<std::string> files;  // relative data file names
  std::string some_id;
};

Result<Figures> Build(const Args& a) {
  Figures f;
  Rng rng{20251127};
  const int64_t per_file = (a.events + 2) / 3;
  const int64_t batch_rows = 32768;
  const int64_t every_needle = a.events / 10;
  parquet::WriterOptions wo;
  wo.row_group_rows = int64_t{1} << 18;
  wo.row_group_bytes = int64_t{64} << 20;
  wo.page_bytes = int64_t{256} << 10;
  index::SidecarOptions so;
  so.columns = {{"message", index::IndexKind::kText}, {"request_id", index::IndexKind::kKeyword}};
  so.block_rows = a.block_rows;
  so.keyword_fingerprint_bits = a.keyword_bits;
  for (int64_t start = 0; start < a.events; start += per_file) {
    const std::string name = fmt::format("part-{:05d}.zstd.parquet", f.files.size());
    const int64_t end = std::min(a.events, start + per_file);
    LW_ASSIGN_OR_RETURN(auto writer, parquet::ParquetFileWriter::Open(a.dir + "/" + name, BenchSchema(), wo));
    index::SidecarBuilder builder(so);
    for (int64_t b = start; b < end; b += batch_rows) {
      RecordBatch batch;
      batch.schema = BenchSchema();
      batch.columns = {Column::Make(DataType::String()), Column::Make(DataType::String())};
      batch.num_rows = std::min(batch_rows, end - b);
      for (int64_t i = b; i < b + batch.num_rows; ++i) {
        const std::string id = Uuid(&rng);
        if (i == a.events * 2 / 3 + 12345) f.some_id = id;
        batch.columns[0]->AppendString(id);
        batch.columns[1]->AppendString(Message(&rng, i, every_needle));
      }
      f.request_id_bytes += static_cast<int64_t>(batch.columns[0]->data.size());
      f.message_bytes += static_cast<int64_t>(batch.columns[1]->data.size());
      double t = CpuNow();
      LW_RETURN_IF_ERROR(writer->WriteBatch(batch));
      f.write_s += CpuNow() - t;
      t = CpuNow();
      LW_RETURN_IF_ERROR(builder.AddBatch(batch, builder.rows()));
      f.build_s += CpuNow() - t;
    }
    double t = CpuNow();
    LW_RETURN_IF_ERROR(writer->Close(/*sync=*/false));
    f.write_s += CpuNow() - t;
    f.data_bytes += writer->bytes_written();
    t = CpuNow();
    LW_ASSIGN_OR_RETURN(std::string sidecar, builder.Finish(writer->bytes_written()));
    f.build_s += CpuNow() - t;
    t = Now();
    LW_RETURN_IF_ERROR(index::WriteSidecar(a.dir, name, sidecar));
    f.sidecar_write_s += Now() - t;
    f.index_bytes += static_cast<int64_t>(sidecar.size());
    f.files.push_back(name);
    std::fprintf(stderr, "index_bench: %s: %lld rows, %.1f MB data, %.2f MB sidecar\n", name.c_str(),
                 static_cast<long long>(end - start), writer->bytes_written() / 1e6, sidecar.size() / 1e6);
  }
  return f;
}

struct LookupFigures {
  double best_ms = 1e18, median_ms = 0;
  int64_t rows = 0, ranges = 0, row_groups = 0;
};

// Opens every sidecar and runs `lookup` on each, R times.
template <typename Fn>
Result<LookupFigures> TimeLookups(const Args& a, const Figures& f, Fn lookup) {
  LookupFigures out;
  std::vector<double> times;
  for (int rep = 0; rep < a.reps; ++rep) {
    out.rows = out.ranges = out.row_groups = 0;
    const double t = Now();
    for (const std::string& name : f.files) {
      LW_ASSIGN_OR_RETURN(auto reader, index::SidecarReader::Open(index::SidecarPath(a.dir, name)));
      LW_ASSIGN_OR_RETURN(index::RowRanges r, lookup(*reader));
      out.rows += index::CountRows(r);
      out.ranges += static_cast<int64_t>(r.size());
      std::vector<int64_t> groups;
      for (int64_t left = reader->num_rows(); left > 0; left -= int64_t{1} << 18) {
        groups.push_back(std::min<int64_t>(left, int64_t{1} << 18));
      }
      for (const index::RowRanges& g : index::SplitByRowGroup(r, groups)) out.row_groups += g.empty() ? 0 : 1;
    }
    times.push_back((Now() - t) * 1e3);
  }
  std::sort(times.begin(), times.end());
  out.best_ms = times.front();
  out.median_ms = times[times.size() / 2];
  return out;
}

Status Run(const Args& a) {
  std::fprintf(stderr, "index_bench: %lld events into %s\n", static_cast<long long>(a.events), a.dir.c_str());
  LW_ASSIGN_OR_RETURN(Figures f, Build(a));
  LW_ASSIGN_OR_RETURN(LookupFigures needle, TimeLookups(a, f, [](const index::SidecarReader& r) {
                        return r.Lookup("message", {"needle zebra7"});
                      }));
  LW_ASSIGN_OR_RETURN(LookupFigures rare, TimeLookups(a, f, [](const index::SidecarReader& r) {
                        return r.Lookup("message", {"zebra3"});
                      }));
  LW_ASSIGN_OR_RETURN(LookupFigures common, TimeLookups(a, f, [](const index::SidecarReader& r) {
                        return r.Lookup("message", {"timed out"});
                      }));
  LW_ASSIGN_OR_RETURN(LookupFigures id, TimeLookups(a, f, [&](const index::SidecarReader& r) {
                        return r.LookupExact("request_id", f.some_id);
                      }));
  LW_ASSIGN_OR_RETURN(LookupFigures absent, TimeLookups(a, f, [](const index::SidecarReader& r) {
                        return r.LookupExact("request_id", "00000000-0000-4000-8000-000000000000");
                      }));
  // Context: the fallback scan's per-row test over the messages, in memory.
  Rng rng{20251127};
  std::vector<std::string> sample;
  const int64_t scan_rows = std::min<int64_t>(a.events, 2'000'000);
  for (int64_t i = 0; i < scan_rows; ++i) {
    Uuid(&rng);
    sample.push_back(Message(&rng, i, a.events / 10));
  }
  const std::vector<std::string> q = index::QueryTokens("needle zebra0");
  double t = CpuNow();
  int64_t hits = 0;
  for (const std::string& m : sample) hits += index::ContainsAllTokens(m, q) ? 1 : 0;
  const double scan_ns = (CpuNow() - t) * 1e9 / static_cast<double>(scan_rows);

  std::printf("| events | files | data MB | sidecar MB | sidecar / data | raw message MB | raw request_id MB |\n");
  std::printf("|---|---|---|---|---|---|---|\n");
  std::printf("| %lld | %zu | %.1f | %.2f | %.2f%% | %.1f | %.1f |\n\n", static_cast<long long>(a.events),
              f.files.size(), f.data_bytes / 1e6, f.index_bytes / 1e6, 100.0 * f.index_bytes / f.data_bytes,
              f.message_bytes / 1e6, f.request_id_bytes / 1e6);
  std::printf("| step | CPU seconds | ns per event |\n|---|---|---|\n");
  const double n = static_cast<double>(a.events);
  std::printf("| Parquet write (2 columns) | %.2f | %.0f |\n", f.write_s, f.write_s * 1e9 / n);
  std::printf("| sidecar build (AddBatch + Finish) | %.2f | %.0f |\n", f.build_s, f.build_s * 1e9 / n);
  std::printf("| sidecar write (fsync; wall clock) | %.3f | %.1f |\n\n", f.sidecar_write_s, f.sidecar_write_s * 1e9 / n);
  std::printf("| lookup (open %zu sidecars + lookup) | best ms | median ms | rows returned | ranges | row groups |\n",
              f.files.size());
  std::printf("|---|---|---|---|---|---|\n");
  auto row = [&](const char* what, const LookupFigures& l) {
    std::printf("| %s | %.2f | %.2f | %lld | %lld | %lld |\n", what, l.best_ms, l.median_ms,
                static_cast<long long>(l.rows), static_cast<long long>(l.ranges), static_cast<long long>(l.row_groups));
  };
  row("match(message, 'needle zebra7'): 1 row", needle);
  row("match(message, 'zebra3'): 1 row", rare);
  row("match(message, 'timed out'): ~1/12 of rows", common);
  row("request_id = '<one id>'", id);
  row("request_id = '<absent id>'", absent);
  std::printf("\nfallback scan test (ContainsAllTokens for 'needle zebra0', in memory): %.1f ns per message (%lld of %lld matched)\n",
              scan_ns, static_cast<long long>(hits), static_cast<long long>(scan_rows));
  return Status::OK();
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "index_bench: %s needs a value\n", arg.c_str());
        std::exit(1);
      }
      return argv[++i];
    };
    if (arg == "--events") a.events = std::stoll(value());
    else if (arg == "--dir") a.dir = value();
    else if (arg == "--reps") a.reps = std::max(1, std::stoi(value()));
    else if (arg == "--block-rows") a.block_rows = std::stoll(value());
    else if (arg == "--keyword-bits") a.keyword_bits = std::stoi(value());
    else {
      std::fprintf(stderr, "usage: index_bench [--events N] [--dir DIR] [--reps R] [--block-rows B] [--keyword-bits K]\n");
      return 1;
    }
  }
  if (a.events < 3 || a.block_rows < 1 || a.block_rows > (int64_t{1} << 30) || a.keyword_bits < 4 || a.keyword_bits > 16) {
    std::fprintf(stderr, "index_bench: --events >= 3, --block-rows 1..2^30, --keyword-bits 4..16\n");
    return 1;
  }
  const bool temporary = a.dir.empty();
  if (temporary) a.dir = (fs::temp_directory_path() / fmt::format("lakewatch-index-bench-{}", ::getpid())).string();
  fs::create_directories(a.dir);
  Status st = Run(a);
  if (temporary) fs::remove_all(a.dir);
  if (!st.ok()) {
    std::fprintf(stderr, "index_bench: %s\n", st.ToString().c_str());
    return 1;
  }
  return 0;
}
