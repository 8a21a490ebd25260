// delta_bench: how long loading a Delta snapshot takes for a large log — the issue's
// "10,000 commits and 100,000 files, with and without checkpoint" (goal: under 300 ms with a
// checkpoint on the 2-core CI machine). bench/RESULTS.md holds measured figures.
//
//   delta_bench [--dir DIR] [--commits N] [--files-per-commit F] [--reps R] [--profile]
//
// Build (untimed; skipped when DIR already holds a table built with the same N and F, so
// repeated runs reuse it): version 0 is DeltaTable::Create (partitioned by date and model);
// versions 1..N-1 each add F files (default 11) through the commit path of the library —
// actions.h serialization (CommitInfoJson + ToJson(AddFile)) and LogStore::PutCommitIfAbsent,
// what Transaction::Commit writes, without re-loading a snapshot per commit; every 50th commit
// is a compaction instead (removes 2F of the oldest live files, adds 2 with dataChange=false).
// Paths look like Spark's (`date=2025-11-24/model=fraud-v3/part-00003-<uuid>.c000.zstd.parquet`),
// every add carries stats JSON for four columns (~330 bytes). Then WriteCheckpoint at N/2
// and at N-1 (each a classic checkpoint plus `_last_checkpoint`).
//
// Timed, best and median of R runs each (Snapshot::Load decodes a checkpoint's row groups on up
// to 4 threads, the rest of the load is single-threaded; CPU time above wall time shows it):
//   latest, checkpoint      Snapshot::Load(latest): checkpoint N-1, no commit after it
//   latest, no checkpoint   the same with the checkpoints moved out of `_delta_log`: all N
//                           JSON commits replayed
//   time travel, checkpoint Load(version 3N/4): checkpoint N/2 + N/4 commits
//   time travel, early      Load(version 100): commits 0..100, no checkpoint below
// and, to see where the time goes, parts of the latest load: LogStore::List, ReadCheckpoint
// of the checkpoint N-1 alone, and ReadCommit + ParseCommit of all N commits alone.
//
// Wall-clock and process CPU time are both shown: on a loaded machine the CPU time is the
// steadier figure. --profile times only "latest, checkpoint" (for `perf record`).
// Output: a Markdown table on stdout (the figures of RESULTS.md), progress on stderr.
#include <fmt/format.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "common/types.h"
#include "delta/actions.h"
#include "delta/log_store.h"
#include "delta/snapshot.h"
#include "delta/table.h"
#include "delta/transaction.h"

namespace lakewatch::bench {
namespace {

namespace fs = std::filesystem;
using delta::AddFile;
using delta::LogStore;
using delta::RemoveFile;
using delta::Snapshot;
using delta::SnapshotOptions;

constexpr int64_t kCompactionEvery = 50;
constexpr int64_t kDayMillis = 86400000;
constexpr int64_t kStartMillis = 1764000000000;  // 2025-11-24T16:00:00Z
const char* const kModels[] = {"fraud-v3", "fraud-v4", "churn-v1", "ranker-v12"};

int Fail(const Status& st) {
  std::fprintf(stderr, "delta_bench: %s\n", st.ToString().c_str());
  return 1;
}

double CpuSeconds() {
  struct timespec ts;
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double NowSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// ---- the synthetic table

// A deterministic UUID-shaped name part for file number `n`.
std::string FakeUuid(int64_t n) {
  uint64_t z = static_cast<uint64_t>(n) * 0x9e3779b97f4a7c15ULL + 0x1a4e3a7c2024ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  uint64_t w = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", z >> 32, (z >> 16) & 0xffff, z & 0xffff,
                     w >> 48, w & 0xffffffffffffULL);
}

// The add action of data file number `n`, written in commit `version`.
AddFile MakeAdd(int64_t n, int64_t version, bool data_change) {
  const int64_t day = version / 400;  // a new date every 400 commits
  std::string date;
  AppendDate(FloorDiv(kStartMillis, kDayMillis) + day, &date);
  const char* model = kModels[n % 4];
  AddFile a;
  a.path = delta::EncodePath(fmt::format("date={}/model={}/part-{:05d}-{}.c000.zstd.parquet", date,
                                         model, n % 10, FakeUuid(n)));
  a.partition_values = {{"date", date}, {"model", std::string(model)}};
  const int64_t rows = 50000 + (n * 7919) % 100000;
  a.size = rows * 37 + 4096;
  a.modification_time = kStartMillis + version * 60000;
  a.data_change = data_change;
  std::string lo, hi;
  AppendTimestampMicros((kStartMillis + day * kDayMillis) * 1000, &lo);
  AppendTimestampMicros((kStartMillis + day * kDayMillis + 3599999) * 1000, &hi);
  a.stats = fmt::format(
      "{{\"numRecords\":{},\"minValues\":{{\"request_id\":\"r-{:012d}\",\"ts\":\"{}\","
      "\"latency_ms\":{},\"score\":{}}},\"maxValues\":{{\"request_id\":\"r-{:012d}\",\"ts\":\"{}\","
      "\"latency_ms\":{},\"score\":{}}},\"nullCount\":{{\"request_id\":0,\"ts\":0,\"latency_ms\":{}"
      ","
      "\"score\":{}}}}}",
      rows, n * 200000, lo, n % 7, 0.001 * static_cast<double>(n % 1000), n * 200000 + rows - 1, hi,
      2000 + n % 3000, 0.9 + 0.0001 * static_cast<double>(n % 1000), n % 13, (n * 31) % 997);
  return a;
}

Schema TableSchema() {
  auto f = [](const char* name, TypePtr t) { return Field{name, std::move(t), true, {}}; };
  return Schema{{f("request_id", DataType::String()), f("ts", DataType::Timestamp()),
                 f("latency_ms", DataType::Int64()), f("score", DataType::Double()),
                 f("date", DataType::Date()), f("model", DataType::String())}};
}

struct Shape {
  int64_t commits = 10000;
  int64_t files_per_commit = 11;  // ~104,000 live files (108,000 added) for 10,000 commits
};

// Marker file: the parameters the table in DIR was built with.
std::string ShapeText(const Shape& s) {
  return fmt::format("commits={} files_per_commit={}\n", s.commits, s.files_per_commit);
}

struct Built {
  int64_t adds = 0, removes = 0, live = 0;
};

Status WriteCheckpointAt(const LogStore& store, int64_t version) {
  LW_ASSIGN_OR_RETURN(auto snap, Snapshot::Load(store, SnapshotOptions{version, std::nullopt}));
  return delta::WriteCheckpoint(store, *snap);
}

Result<Built> BuildTable(const std::string& dir, const Shape& shape) {
  fs::remove_all(dir);
  fs::create_directories(dir);
  delta::DeltaTable table(dir);
  delta::CreateOptions co;
  co.partition_columns = {"date", "model"};
  LW_RETURN_IF_ERROR(table.Create(TableSchema(), co).status());
  const LogStore& store = table.store();
  Built built;
  std::deque<std::string> live;  // paths, oldest first
  int64_t next_file = 0;
  const double start = NowSeconds();
  for (int64_t v = 1; v < shape.commits; ++v) {
    const bool compaction = v % kCompactionEvery == 0 &&
                            static_cast<int64_t>(live.size()) >= 2 * shape.files_per_commit;
    std::string content = delta::CommitInfoJson(
        kStartMillis + v * 60000, compaction ? "OPTIMIZE" : "WRITE",
        compaction ? delta::StringMap{} : delta::StringMap{{"mode", "\"Append\""}}, !compaction,
        delta::EngineInfo());
    content += '\n';
    int64_t adds = shape.files_per_commit;
    if (compaction) {
      for (int64_t i = 0; i < 2 * shape.files_per_commit; ++i) {
        RemoveFile r;
        r.path = live.front();
        live.pop_front();
        r.deletion_timestamp = kStartMillis + v * 60000;
        r.data_change = false;
        content += delta::ToJson(r) + '\n';
        ++built.removes;
      }
      adds = 2;
    }
    for (int64_t i = 0; i < adds; ++i) {
      AddFile a = MakeAdd(next_file++, v, !compaction);
      live.push_back(a.path);
      content += delta::ToJson(a) + '\n';
      ++built.adds;
    }
    LW_RETURN_IF_ERROR(store.PutCommitIfAbsent(v, content));
    if (v % 1000 == 0) {
      std::fprintf(stderr, "delta_bench: %lld commits written (%.0f s)\n",
                   static_cast<long long>(v), NowSeconds() - start);
    }
  }
  built.live = static_cast<int64_t>(live.size());
  std::fprintf(stderr, "delta_bench: writing checkpoints at %lld and %lld\n",
               static_cast<long long>(shape.commits / 2),
               static_cast<long long>(shape.commits - 1));
  LW_RETURN_IF_ERROR(WriteCheckpointAt(store, shape.commits / 2));
  LW_RETURN_IF_ERROR(WriteCheckpointAt(store, shape.commits - 1));
  FILE* f = std::fopen((dir + "/_bench_shape").c_str(), "w");
  if (f == nullptr) return Status::IOError(dir + "/_bench_shape: cannot write");
  std::fputs(ShapeText(shape).c_str(), f);
  std::fclose(f);
  return built;
}

bool AlreadyBuilt(const std::string& dir, const Shape& shape) {
  auto text = delta::ReadFileToString(dir + "/_bench_shape");
  return text.ok() && *text == ShapeText(shape);
}

// Moves the checkpoints and `_last_checkpoint` of `log_dir` into `aside` (or back).
Status MoveCheckpoints(const std::string& from, const std::string& to) {
  std::error_code ec;
  fs::create_directories(to, ec);
  for (const auto& e : fs::directory_iterator(from, ec)) {
    const std::string name = e.path().filename().string();
    if (name.find(".checkpoint.") == std::string::npos && name != "_last_checkpoint") continue;
    fs::rename(e.path(), fs::path(to) / name, ec);
    if (ec) return Status::IOError(e.path().string() + ": " + ec.message());
  }
  return ec ? Status::IOError(from + ": " + ec.message()) : Status::OK();
}

// ---- timing

// Wall-clock and process CPU milliseconds of each run.
struct Timing {
  std::vector<double> ms, cpu_ms;
  static double Min(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }
  static double Median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
  }
};

// Runs `untimed` then `body` (timed) `reps` times; the first error stops it.
Result<Timing> Time(
    int reps, const std::function<Status()>& body, const std::function<void()>& untimed = [] {}) {
  Timing t;
  for (int r = 0; r < reps; ++r) {
    untimed();
    const double start = NowSeconds(), cpu = CpuSeconds();
    LW_RETURN_IF_ERROR(body());
    t.ms.push_back((NowSeconds() - start) * 1000);
    t.cpu_ms.push_back((CpuSeconds() - cpu) * 1000);
  }
  return t;
}

struct Row {
  std::string what, replays;
  int64_t files = 0;
  Timing timing;
};

// Times Snapshot::Load at `version` (latest when nullopt); checks the version and file count.
Result<Row> TimeLoad(const LogStore& store, std::optional<int64_t> version, int reps,
                     std::string what) {
  Row row;
  row.what = std::move(what);
  std::shared_ptr<const Snapshot> last;
  LW_ASSIGN_OR_RETURN(
      row.timing,
      Time(
          reps,
          [&]() -> Status {
            LW_ASSIGN_OR_RETURN(last,
                                Snapshot::Load(store, SnapshotOptions{version, std::nullopt}));
            return Status::OK();
          },
          [&] { last.reset(); }));  // the previous snapshot is freed outside the timed region
  row.files = static_cast<int64_t>(last->files().size());
  row.replays = last->checkpoint_version() < 0
                    ? fmt::format("commits 0..{}", last->version())
                    : fmt::format("checkpoint {} + {} commits", last->checkpoint_version(),
                                  last->version() - last->checkpoint_version());
  return row;
}

constexpr const char* kUsage =
    "usage: delta_bench [--dir DIR] [--commits N] [--files-per-commit F] [--reps R] [--profile]\n";

struct Options {
  Shape shape;
  int reps = 7;
  bool profile = false;
  std::string dir;
};

// Parses the command line; nullopt (after printing the usage) when it is not understood.
std::optional<Options> ParseOptions(int argc, char** argv) {
  Options o;
  const std::map<std::string, std::function<void(const std::string&)>> with_value = {
      {"--dir", [&](const std::string& v) { o.dir = v; }},
      {"--commits", [&](const std::string& v) { o.shape.commits = std::stoll(v); }},
      {"--files-per-commit",
       [&](const std::string& v) { o.shape.files_per_commit = std::stoll(v); }},
      {"--reps", [&](const std::string& v) { o.reps = std::stoi(v); }},
  };
  bool ok = true;
  for (int i = 1; i < argc && ok; ++i) {
    const std::string a = argv[i];
    auto it = with_value.find(a);
    if (a == "--profile") {
      o.profile = true;
    } else if (it != with_value.end() && i + 1 < argc) {
      try {
        it->second(argv[++i]);
      } catch (const std::exception&) {  // std::stoll/stoi: not a number
        ok = false;
      }
    } else {
      ok = false;
    }
  }
  if (ok && o.reps >= 1 && o.shape.commits >= 200 && o.shape.files_per_commit >= 1) return o;
  std::fputs(kUsage, stderr);
  return std::nullopt;
}

int Main(int argc, char** argv) {
  const std::optional<Options> options = ParseOptions(argc, argv);
  if (!options.has_value()) return 2;
  const Shape shape = options->shape;
  const int reps = options->reps;
  const bool profile = options->profile;
  std::string dir = options->dir;
  bool temporary = dir.empty();
  if (temporary) {
    char tmpl[] = "/tmp/lakewatch-delta-bench.XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) return Fail(Status::IOError("mkdtemp failed"));
    dir = tmpl;
  }
  const std::string table = dir + "/table";
  const LogStore store(table);
  if (!AlreadyBuilt(table, shape)) {
    std::fprintf(stderr, "delta_bench: building %lld commits × %lld files in %s\n",
                 static_cast<long long>(shape.commits),
                 static_cast<long long>(shape.files_per_commit), table.c_str());
    auto built = BuildTable(table, shape);
    if (!built.ok()) return Fail(built.status());
    std::fprintf(stderr, "delta_bench: %lld adds, %lld removes, %lld live files\n",
                 static_cast<long long>(built->adds), static_cast<long long>(built->removes),
                 static_cast<long long>(built->live));
  }
  const int64_t last = shape.commits - 1;
  std::vector<Row> rows;
  auto add_load = [&](std::optional<int64_t> version, const char* what) -> Status {
    LW_ASSIGN_OR_RETURN(Row r, TimeLoad(store, version, reps, what));
    rows.push_back(std::move(r));
    return Status::OK();
  };
  Status st = add_load(std::nullopt, "latest, checkpoint");
  if (profile) {  // only the load the goal is about, for `perf record`
    if (!st.ok()) return Fail(st);
    std::printf(
        "latest, checkpoint: best %.1f ms (CPU %.1f ms) of %d; first %.1f ms (CPU %.1f ms)\n",
        Timing::Min(rows[0].timing.ms), Timing::Min(rows[0].timing.cpu_ms), reps,
        rows[0].timing.ms[0], rows[0].timing.cpu_ms[0]);
    return 0;
  }
  if (st.ok()) st = add_load(shape.commits * 3 / 4, "time travel, checkpoint");
  if (st.ok()) st = add_load(100, "time travel, early");
  if (!st.ok()) return Fail(st);

  // Parts of the latest load.
  int64_t commit_bytes = 0;
  {
    Row r{"  LogStore::List", "", 0, {}};
    auto t = Time(reps, [&]() -> Status { return store.List().status(); });
    if (!t.ok()) return Fail(t.status());
    r.timing = *t;
    rows.push_back(r);
    auto listing = store.List();
    if (!listing.ok()) return Fail(listing.status());
    std::vector<delta::CheckpointFile> parts;
    for (const auto& c : listing->checkpoints) {
      if (c.version == last) parts.push_back(c);
    }
    Row cp{"  ReadCheckpoint alone", fmt::format("checkpoint {}", last), 0, {}};
    t = Time(reps, [&]() -> Status {
      LW_ASSIGN_OR_RETURN(auto actions, delta::ReadCheckpoint(store, parts));
      cp.files = static_cast<int64_t>(actions.adds.size());
      return Status::OK();
    });
    if (!t.ok()) return Fail(t.status());
    cp.timing = *t;
    rows.push_back(cp);
    Row js{"  ReadCommit+ParseCommit alone", fmt::format("commits 0..{}", last), 0, {}};
    t = Time(std::min(reps, 3), [&]() -> Status {
      js.files = 0;
      commit_bytes = 0;
      for (int64_t v = 0; v <= last; ++v) {
        LW_ASSIGN_OR_RETURN(std::string content, store.ReadCommit(v));
        commit_bytes += static_cast<int64_t>(content.size());
        LW_ASSIGN_OR_RETURN(auto actions, delta::ParseCommit(content, v));
        js.files += static_cast<int64_t>(actions.adds.size());
      }
      return Status::OK();
    });
    if (!t.ok()) return Fail(t.status());
    js.timing = *t;
    rows.push_back(js);
  }

  // Without checkpoints: move them aside, load, move them back (also on failure).
  const std::string aside = dir + "/checkpoints-aside";
  st = MoveCheckpoints(store.log_dir(), aside);
  if (st.ok()) st = add_load(std::nullopt, "latest, no checkpoint");
  Status back = MoveCheckpoints(aside, store.log_dir());
  if (!st.ok()) return Fail(st);
  if (!back.ok()) return Fail(back);

  double load[3] = {0, 0, 0};
  ::getloadavg(load, 3);
  struct stat sb;
  int64_t cp_bytes = 0;
  for (const auto& e : fs::directory_iterator(store.log_dir())) {
    if (e.path().filename().string().find(fmt::format("{:020d}.checkpoint", last)) == 0 &&
        ::stat(e.path().c_str(), &sb) == 0) {
      cp_bytes += sb.st_size;
    }
  }
  std::printf(
      "Delta snapshot load: %lld commits, %lld files per commit (every %lld-th a "
      "compaction); checkpoint %lld: %.1f MB; JSON commits: %.1f MB\n",
      static_cast<long long>(shape.commits), static_cast<long long>(shape.files_per_commit),
      static_cast<long long>(kCompactionEvery), static_cast<long long>(last), cp_bytes / 1e6,
      commit_bytes / 1e6);
  std::printf(
      "hardware threads: %u; load average at the end: %.2f %.2f %.2f; best and median of %d\n\n",
      std::thread::hardware_concurrency(), load[0], load[1], load[2], reps);
  // The first run of the first row is the only one on a fresh heap: what a one-shot command
  // (`lakewatch table files`) pays, page faults included.
  std::printf(
      "first load in the process (fresh heap, as a one-shot CLI command): %.1f ms, CPU %.1f ms\n\n",
      rows[0].timing.ms[0], rows[0].timing.cpu_ms[0]);
  std::printf(
      "| load | replays | live files | best ms | median ms | best CPU ms | median CPU ms |\n"
      "|---|---|---|---|---|---|---|\n");
  for (const Row& r : rows) {
    const Timing& t = r.timing;
    std::printf("| %s | %s | %s | %.1f | %.1f | %.1f | %.1f |\n", r.what.c_str(), r.replays.c_str(),
                r.files ? fmt::format("{}", r.files).c_str() : "", Timing::Min(t.ms),
                Timing::Median(t.ms), Timing::Min(t.cpu_ms), Timing::Median(t.cpu_ms));
  }
  if (temporary) fs::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace lakewatch::bench

int main(int argc, char** argv) { return lakewatch::bench::Main(argc, argv); }
