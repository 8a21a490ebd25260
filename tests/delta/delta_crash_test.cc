// Crash-safety test of the Delta writer: kills (SIGKILL) `lakewatch table
// append`, `optimize`, `checkpoint` (also while it deletes expired commits)
// and `vacuum` processes at random moments
// — after a random delay, or exactly at a named point inside the commit via
// LAKEWATCH_TEST_CRASH_POINT (src/delta/crash_point.h) — until `--kills`
// processes (default 100) have really died. Each round runs one process or
// several at once (three appenders plus optimize or checkpoint) and kills
// one of them. After every round:
//   - the table opens: `table describe`, `table files`, `table scan` succeed;
//   - the log is contiguous, every commit complete JSON; no data file is
//     added twice, no live path twice, no row id twice (InspectTable);
//   - every append that reported success is in the table, every batch is
//     all there or not at all, and its txn is recorded exactly when it is;
// then the killed appends are retried with the same --txn-app-id and
// --txn-version: each must succeed, a batch already committed must be
// skipped, and the table must hold every batch exactly once. Now and then a
// batch that succeeded is retried too and must be skipped.
//
// Usage: delta_crash_test --lakewatch BIN --work DIR [--kills N] [--seed S]
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "writer_harness.h"

namespace lakewatch::delta_tests {
namespace {

namespace fs = std::filesystem;

// kCleanup: `table checkpoint` after the test made every log file 40 days
// old, so the checkpoint's log cleanup deletes the commits before it.
enum class Kind { kAppend, kOptimize, kCheckpoint, kVacuum, kCleanup };
const char* const kKindNames[] = {"append", "optimize", "checkpoint", "vacuum", "cleanup"};

// The crash points each kind of process can reach (docs/delta.md).
const std::vector<std::vector<std::string>> kCrashPoints = {
    {"append-after-copy", "commit-before-link", "commit-after-link", "commit-after-sync",
     "checkpoint-mid-write", "checkpoint-before-last-checkpoint"},
    {"optimize-after-write", "commit-before-link", "commit-after-link", "commit-after-sync"},
    {"checkpoint-mid-write", "checkpoint-before-last-checkpoint"},
    {},
    {"log-cleanup-mid", "checkpoint-before-last-checkpoint"},
};

constexpr int kRows = 3;  // rows per batch

struct Batch {
  int lane = 0;     // txn app id "lane-<lane>"
  int64_t seq = 0;  // txn version
  int64_t first_id = 0;
  std::string file;
};

struct Proc {
  Kind kind = Kind::kAppend;
  int batch = -1;  // index into batches, for appends
  std::vector<std::string> env;
  Child child;
  ProcessResult result;
};

class CrashTest {
 public:
  CrashTest(std::string lakewatch, std::string work, int kills, uint64_t seed)
      : lakewatch_(std::move(lakewatch)),
        work_(std::move(work)),
        kills_wanted_(kills),
        rng_(seed) {}

  int Main();

 private:
  int NewBatch(int lane);
  std::vector<std::string> Argv(const Proc& p) const;
  void Round(int round);
  void CheckAfterKill(const std::string& context);
  void RetryKilled(const std::vector<int>& killed, const std::string& context);
  void AgeLog() const;
  int64_t Uniform(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }

  std::string lakewatch_, work_, table_;
  int kills_wanted_;
  std::mt19937_64 rng_;
  std::vector<Batch> batches_;
  std::set<int> confirmed_;  // batches whose append (or retry) reported success
  std::map<int, int64_t> lane_seq_;
  int64_t next_id_ = 0;
  double duration_us_[5] = {30000, 60000, 40000, 20000, 40000};  // running mean of unkilled runs
  int64_t cleaned_commits_ = 0;  // most commits log cleanup had deleted at a check
  int kills_ = 0, kills_by_point_ = 0, rounds_ = 0, retries_ = 0, skipped_retries_ = 0;
  std::map<std::string, int> point_hits_;
  std::map<std::string, int> kind_kills_;
};

void CrashTest::AgeLog() const {
  const int64_t old_s = ::time(nullptr) - 40 * 86400;
  struct timespec ts[2] = {{old_s, 0}, {old_s, 0}};
  for (const auto& e : fs::directory_iterator(table_ + "/_delta_log")) {
    const std::string name = e.path().filename().string();
    if (name[0] != '.' && name != "_last_checkpoint")
      ::utimensat(AT_FDCWD, e.path().c_str(), ts, 0);
  }
}

int CrashTest::NewBatch(int lane) {
  Batch b;
  b.lane = lane;
  b.seq = lane_seq_[lane]++;
  b.first_id = next_id_;
  next_id_ += kRows;
  b.file = work_ + "/input/b" + std::to_string(batches_.size()) + ".parquet";
  WriteBatchFile(b.file, b.first_id, kRows, Uniform(0, 1) ? "a" : "b");
  batches_.push_back(b);
  return static_cast<int>(batches_.size()) - 1;
}

std::vector<std::string> CrashTest::Argv(const Proc& p) const {
  switch (p.kind) {
    case Kind::kAppend: {
      const Batch& b = batches_[p.batch];
      return {lakewatch_,
              "table",
              "append",
              table_,
              b.file,
              "--txn-app-id",
              "lane-" + std::to_string(b.lane),
              "--txn-version",
              std::to_string(b.seq)};
    }
    case Kind::kOptimize:
      return {lakewatch_, "table", "optimize", table_};
    case Kind::kCheckpoint:
    case Kind::kCleanup:
      return {lakewatch_, "table", "checkpoint", table_};
    case Kind::kVacuum:
      return {lakewatch_, "table", "vacuum", table_, "--retain-hours", "0", "--force"};
  }
  return {};
}

void CrashTest::Round(int round) {
  const std::string context = "round " + std::to_string(round);
  std::vector<Proc> procs;
  auto add = [&](Kind k, int lane) {
    Proc p;
    p.kind = k;
    if (k == Kind::kAppend) p.batch = NewBatch(lane);
    procs.push_back(std::move(p));
  };
  int64_t scenario = Uniform(0, 99);
  if (scenario < 40) {
    add(Kind::kAppend, 0);
  } else if (scenario < 70) {  // appenders racing each other and maintenance
    for (int lane = 1; lane <= 3; ++lane) add(Kind::kAppend, lane);
    int64_t extra = Uniform(0, 2);
    if (extra == 1) add(Kind::kOptimize, -1);
    if (extra == 2) add(Kind::kCheckpoint, -1);
  } else if (scenario < 83) {
    add(Kind::kOptimize, -1);
  } else if (scenario < 92) {
    add(Kind::kCheckpoint, -1);
  } else if (scenario < 96) {
    AgeLog();
    add(Kind::kCleanup, -1);
  } else {
    add(Kind::kVacuum, -1);  // alone: it must never delete a live file
  }
  const size_t victim = static_cast<size_t>(Uniform(0, static_cast<int64_t>(procs.size()) - 1));
  Proc& v = procs[victim];
  const auto& points = kCrashPoints[static_cast<int>(v.kind)];
  std::string point;
  if (!points.empty() && Uniform(0, 99) < 40) {
    point = points[static_cast<size_t>(Uniform(0, static_cast<int64_t>(points.size()) - 1))];
    v.env.push_back("LAKEWATCH_TEST_CRASH_POINT=" + point);
  }
  for (Proc& p : procs) p.child = Spawn(Argv(p), p.env, work_);
  if (point.empty()) {
    SleepMicros(Uniform(0, static_cast<int64_t>(duration_us_[static_cast<int>(v.kind)] * 1.2)));
    ::kill(v.child.pid, SIGKILL);
  }
  std::vector<int> killed_batches;
  for (size_t i = 0; i < procs.size(); ++i) {
    Proc& p = procs[i];
    p.result = Reap(p.child);
    const char* kind = kKindNames[static_cast<int>(p.kind)];
    if (p.result.killed()) {
      LW_CHECK(i == victim && p.result.signal == SIGKILL,
               context + ": " + kind + " died of signal " + std::to_string(p.result.signal));
      ++kills_;
      ++kind_kills_[kind];
      if (!point.empty()) {
        ++kills_by_point_;
        ++point_hits_[point];
      }
      if (p.kind == Kind::kAppend) killed_batches.push_back(p.batch);
      continue;
    }
    LW_CHECK(p.result.exit_code == 0, context + ": " + kind + " failed: " + p.result.err);
    if (p.result.exit_code == 0 && p.kind == Kind::kAppend) confirmed_.insert(p.batch);
    if (p.result.exit_code == 0 && p.env.empty() && procs.size() == 1) {
      double& mean = duration_us_[static_cast<int>(p.kind)];
      mean = 0.8 * mean + 0.2 * p.result.seconds * 1e6;
    }
  }
  CheckAfterKill(context);
  RetryKilled(killed_batches, context);
}

void CrashTest::CheckAfterKill(const std::string& context) {
  TableView view = InspectTable(lakewatch_, table_, work_, context);
  cleaned_commits_ = std::max(cleaned_commits_, view.version + 1 - view.commits);
  std::set<int64_t> present(view.ids.begin(), view.ids.end());
  std::set<int64_t> attempted;
  for (size_t i = 0; i < batches_.size(); ++i) {
    const Batch& b = batches_[i];
    int here = 0;
    for (int64_t id = b.first_id; id < b.first_id + kRows; ++id) {
      attempted.insert(id);
      here += static_cast<int>(present.count(id));
    }
    const std::string name =
        context + ": batch lane-" + std::to_string(b.lane) + "/" + std::to_string(b.seq);
    LW_CHECK(here == 0 || here == kRows, name + " is partly in the table");
    if (confirmed_.count(static_cast<int>(i)))
      LW_CHECK(here == kRows, name + " reported success but is missing");
    auto txn = view.txns.find("lane-" + std::to_string(b.lane));
    bool txn_covers = txn != view.txns.end() && txn->second >= b.seq;
    LW_CHECK(txn_covers == (here == kRows), name + (here ? " is in the table without its txn"
                                                         : " is missing but its txn is recorded"));
  }
  for (int64_t id : present) {
    if (!attempted.count(id)) {
      Fail(context + ": id " + std::to_string(id) + " was never written");
      break;
    }
  }
}

void CrashTest::RetryKilled(const std::vector<int>& killed, const std::string& context) {
  std::vector<int> retry = killed;
  if (!confirmed_.empty() && Uniform(0, 9) == 0) {  // a batch already committed: must be skipped
    auto it = confirmed_.begin();
    std::advance(it, Uniform(0, static_cast<int64_t>(confirmed_.size()) - 1));
    retry.push_back(*it);
  }
  if (retry.empty()) return;
  for (int bi : retry) {
    Proc p;
    p.batch = bi;
    ProcessResult r = Run(Argv(p), work_);
    ++retries_;
    bool skipped = r.err.find("already committed") != std::string::npos;
    skipped_retries_ += skipped ? 1 : 0;
    LW_CHECK(r.exit_code == 0,
             context + ": retrying batch " + std::to_string(bi) + " failed: " + r.err);
    LW_CHECK(!confirmed_.count(bi) || skipped,
             context + ": a committed batch was appended again: " + r.err);
    if (r.exit_code == 0) confirmed_.insert(bi);
  }
  // Now every batch ever attempted is in the table exactly once.
  std::vector<int64_t> expected;
  for (const Batch& b : batches_) {
    for (int64_t id = b.first_id; id < b.first_id + kRows; ++id) expected.push_back(id);
  }
  std::sort(expected.begin(), expected.end());
  std::vector<int64_t> ids = ScanIds(lakewatch_, table_, work_, context + " after retries");
  LW_CHECK(ids == expected, context + ": after the retries the table holds " +
                                std::to_string(ids.size()) + " rows, expected each of " +
                                std::to_string(expected.size()) + " exactly once");
}

int CrashTest::Main() {
  fs::remove_all(work_);
  fs::create_directories(work_ + "/input");
  table_ = work_ + "/table";
  WriteSchemaFile(work_ + "/schema.json");
  ProcessResult created = Run({lakewatch_, "table", "create", table_, "--schema",
                               work_ + "/schema.json", "--partition-by", "p"},
                              work_);
  LW_CHECK(created.exit_code == 0, "table create failed: " + created.err);
  const int64_t start = NowMicros();
  const int max_rounds = kills_wanted_ * 4 + 10;
  while (kills_ < kills_wanted_ && rounds_ < max_rounds && Failures() < 20) Round(++rounds_);
  const double seconds = static_cast<double>(NowMicros() - start) / 1e6;
  LW_CHECK(kills_ >= kills_wanted_,
           "only " + std::to_string(kills_) + " kills in " + std::to_string(rounds_) + " rounds");

  std::string kinds, points;
  for (const auto& [k, n] : kind_kills_) kinds += " " + k + "=" + std::to_string(n);
  for (const auto& [k, n] : point_hits_) points += " " + k + "=" + std::to_string(n);
  std::printf(
      "crash: %d kills in %d rounds, %.1f s; by kind:%s; %d at crash points:%s; %zu batches, %d "
      "retries "
      "(%d skipped as already committed); log cleanup took up to %lld commits; %d failures\n",
      kills_, rounds_, seconds, kinds.c_str(), kills_by_point_, points.c_str(), batches_.size(),
      retries_, skipped_retries_, static_cast<long long>(cleaned_commits_), Failures());
  if (Failures() == 0) fs::remove_all(work_);
  return Failures() == 0 ? 0 : 1;
}

}  // namespace
}  // namespace lakewatch::delta_tests

int main(int argc, char** argv) {
  using lakewatch::delta_tests::FlagValue;
  std::string lakewatch = FlagValue(argc, argv, "--lakewatch", "");
  std::string work = FlagValue(argc, argv, "--work", "");
  if (lakewatch.empty() || work.empty()) {
    std::fprintf(stderr, "usage: %s --lakewatch BIN --work DIR [--kills N] [--seed S]\n", argv[0]);
    return 2;
  }
  int kills = std::stoi(FlagValue(argc, argv, "--kills", "100"));
  uint64_t seed =
      std::stoull(FlagValue(argc, argv, "--seed", std::to_string(std::random_device{}())));
  std::printf("crash: seed %llu (reproduce the schedule with --seed)\n",
              static_cast<unsigned long long>(seed));
  std::fflush(stdout);
  return lakewatch::delta_tests::CrashTest(lakewatch, work, kills, seed).Main();
}
