// Concurrency test of the Delta writer: W processes (default 4) each run C
// (default 50) `lakewatch table append` commands against one table at the
// same time — half of the writers plain blind appends, half idempotent
// batches (--txn-app-id/--txn-version). Afterwards:
//   - every append reported success with its own version;
//   - the log holds versions 0..W*C, contiguous, each a complete JSON commit;
//   - each reported version holds exactly that batch's file (by its stats);
//   - the table scans to exactly the rows written, each once;
//   - checkpoints exist at every 10th version, `_last_checkpoint` names the
//     newest, and the snapshot from the checkpoint equals the JSON replay.
//
// Usage: delta_concurrency_test --lakewatch BIN --work DIR [--writers W] [--commits C] [--rows R]
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "delta/log_store.h"
#include "delta/schema_json.h"
#include "delta/snapshot.h"
#include "writer_harness.h"

namespace lakewatch::delta_tests {
namespace {

namespace fs = std::filesystem;

struct Config {
  std::string lakewatch, work;
  int writers = 4, commits = 50, rows = 5;
};

int64_t FirstId(const Config& c, int writer, int commit) {
  return (static_cast<int64_t>(writer) * c.commits + commit) * c.rows;
}

std::string BatchPath(const Config& c, int writer, int commit) {
  return c.work + "/input/w" + std::to_string(writer) + "-" + std::to_string(commit) + ".parquet";
}

// One writer process: runs its appends in order, records "commit version exit" lines.
int WriterMain(const Config& c, const std::string& table, int w) {
  std::ofstream log(c.work + "/writer-" + std::to_string(w) + ".txt");
  for (int i = 0; i < c.commits; ++i) {
    std::vector<std::string> argv = {c.lakewatch, "table", "append", table, BatchPath(c, w, i)};
    if (w % 2 == 1) {
      argv.insert(argv.end(), {"--txn-app-id", "writer-" + std::to_string(w), "--txn-version",
                               std::to_string(i)});
    }
    ProcessResult r = Run(argv, c.work);
    log << i << " " << ReportedVersion(r.err) << " " << r.exit_code << "\n";
    if (r.exit_code != 0)
      std::fprintf(stderr, "writer %d commit %d failed: %s\n", w, i, r.err.c_str());
  }
  return 0;
}

int Main(const Config& c) {
  fs::remove_all(c.work);
  fs::create_directories(c.work + "/input");
  const std::string table = c.work + "/table";
  WriteSchemaFile(c.work + "/schema.json");
  for (int w = 0; w < c.writers; ++w) {
    for (int i = 0; i < c.commits; ++i)
      WriteBatchFile(BatchPath(c, w, i), FirstId(c, w, i), c.rows, "x");
  }
  ProcessResult created =
      Run({c.lakewatch, "table", "create", table, "--schema", c.work + "/schema.json"}, c.work);
  LW_CHECK(created.exit_code == 0, "table create failed: " + created.err);

  int64_t start = NowMicros();
  std::vector<pid_t> pids;
  for (int w = 0; w < c.writers; ++w) {
    pid_t pid = ::fork();
    if (pid == 0) ::_exit(WriterMain(c, table, w));
    pids.push_back(pid);
  }
  for (pid_t pid : pids) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    LW_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "a writer process failed");
  }
  double seconds = static_cast<double>(NowMicros() - start) / 1e6;

  // Every append succeeded, each with a version of its own.
  const int64_t total = static_cast<int64_t>(c.writers) * c.commits;
  std::map<int64_t, int64_t> batch_of_version;  // version -> first id of its batch
  for (int w = 0; w < c.writers; ++w) {
    std::ifstream in(c.work + "/writer-" + std::to_string(w) + ".txt");
    int n = 0;
    for (int64_t i, v, rc; in >> i >> v >> rc; ++n) {
      LW_CHECK(rc == 0 && v > 0,
               "writer " + std::to_string(w) + " commit " + std::to_string(i) + " failed");
      LW_CHECK(batch_of_version.emplace(v, FirstId(c, w, static_cast<int>(i))).second,
               "version " + std::to_string(v) + " reported by two appends");
    }
    LW_CHECK(n == c.commits,
             "writer " + std::to_string(w) + " ran " + std::to_string(n) + " appends");
  }

  TableView view = InspectTable(c.lakewatch, table, c.work, "after the concurrent appends");
  LW_CHECK(view.version == total, "latest version is " + std::to_string(view.version) +
                                      ", expected " + std::to_string(total));
  LW_CHECK(view.commits == total + 1, "the log holds " + std::to_string(view.commits) + " commits");
  std::vector<int64_t> expected;
  for (int64_t id = 0; id < total * c.rows; ++id) expected.push_back(id);
  LW_CHECK(view.ids == expected, "the table holds " + std::to_string(view.ids.size()) +
                                     " rows, expected exactly " + std::to_string(expected.size()) +
                                     " distinct ids");
  LW_CHECK(static_cast<int64_t>(view.live.size()) == total,
           "live files: " + std::to_string(view.live.size()));
  for (int w = 1; w < c.writers; w += 2) {
    auto it = view.txns.find("writer-" + std::to_string(w));
    LW_CHECK(it != view.txns.end() && it->second == c.commits - 1,
             "txn of writer-" + std::to_string(w) + " is not at its last batch");
  }

  // Each reported version holds exactly its batch's file.
  delta::LogStore store(table);
  auto snap = delta::Snapshot::Load(store);
  if (snap.ok()) {
    for (const auto& [v, first_id] : batch_of_version) {
      auto content = store.ReadCommit(v);
      auto actions = content.ok() ? delta::ParseCommit(*content, v) : content.status();
      bool ok = actions.ok() && actions->adds.size() == 1 && actions->adds[0].stats.has_value();
      if (ok) {
        auto stats = delta::ParseStats(*actions->adds[0].stats, (*snap)->schema());
        ok = stats.ok() && stats->min_values.count("id") &&
             stats->min_values.at("id").i64 == first_id && stats->num_records == c.rows;
      }
      LW_CHECK(ok, "version " + std::to_string(v) + " does not hold the batch reported for it");
    }
  }

  // Checkpoints every 10 commits; _last_checkpoint at the newest; the
  // checkpoint-based snapshot equals the JSON-only replay checked above.
  std::set<int64_t> cps(view.checkpoints.begin(), view.checkpoints.end());
  for (int64_t v = 10; v <= total; v += 10) {
    LW_CHECK(cps.count(v), "no checkpoint at version " + std::to_string(v));
  }
  auto last = store.ReadLastCheckpoint();
  LW_CHECK(last.has_value() && !cps.empty() && last->version == *cps.rbegin(),
           "_last_checkpoint does not name the newest checkpoint");
  if (snap.ok()) {
    LW_CHECK((*snap)->checkpoint_version() == (cps.empty() ? -1 : *cps.rbegin()),
             "the snapshot did not start from the newest checkpoint");
    std::set<std::string> from_checkpoint;
    for (const delta::LiveFile& f : (*snap)->files()) from_checkpoint.insert(f.path);
    std::set<std::string> listed(view.live.begin(), view.live.end());
    LW_CHECK(from_checkpoint == listed,
             "snapshot from the checkpoint differs from the JSON replay");
  }

  // Appends racing to create a table that does not exist yet: exactly one creates it (version
  // 0), every append lands once, and the table has the files' columns.
  const std::string fresh = c.work + "/fresh/table";
  std::vector<pid_t> racers;
  for (int w = 0; w < c.writers; ++w) {
    pid_t pid = ::fork();
    if (pid == 0) {
      ProcessResult r = Run({c.lakewatch, "table", "append", fresh, BatchPath(c, w, 0)}, c.work);
      if (r.exit_code != 0) std::fprintf(stderr, "racing append %d: %s\n", w, r.err.c_str());
      ::_exit(r.exit_code == 0 ? 0 : 1);
    }
    racers.push_back(pid);
  }
  for (pid_t pid : racers) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    LW_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "an append creating the table failed");
  }
  TableView created_view = InspectTable(c.lakewatch, fresh, c.work, "after appends racing to create");
  LW_CHECK(created_view.version == c.writers && created_view.commits == c.writers + 1,
           "racing creation: latest version " + std::to_string(created_view.version));
  std::vector<int64_t> fresh_ids;
  for (int w = 0; w < c.writers; ++w) {
    for (int64_t id = FirstId(c, w, 0); id < FirstId(c, w, 0) + c.rows; ++id) fresh_ids.push_back(id);
  }
  std::sort(fresh_ids.begin(), fresh_ids.end());
  LW_CHECK(created_view.ids == fresh_ids, "racing creation: the table holds " +
                                              std::to_string(created_view.ids.size()) + " rows");
  int creates = 0;
  for (int64_t v = 0; v <= created_view.version; ++v) {
    auto content = delta::LogStore(fresh).ReadCommit(v);
    auto actions = content.ok() ? delta::ParseCommit(*content, v) : content.status();
    if (actions.ok() && actions->metadata.has_value()) ++creates;
  }
  LW_CHECK(creates == 1, "racing creation: " + std::to_string(creates) + " commits with metaData");

  std::printf(
      "concurrency: %d writers x %d appends = %lld commits in %.1f s; versions 0..%lld contiguous; "
      "%zu rows; %zu checkpoints; %d failures\n",
      c.writers, c.commits, static_cast<long long>(total), seconds,
      static_cast<long long>(view.version), view.ids.size(), cps.size(), Failures());
  if (Failures() == 0) fs::remove_all(c.work);
  return Failures() == 0 ? 0 : 1;
}

}  // namespace
}  // namespace lakewatch::delta_tests

int main(int argc, char** argv) {
  using lakewatch::delta_tests::FlagValue;
  lakewatch::delta_tests::Config c;
  c.lakewatch = FlagValue(argc, argv, "--lakewatch", "");
  c.work = FlagValue(argc, argv, "--work", "");
  c.writers = std::stoi(FlagValue(argc, argv, "--writers", "4"));
  c.commits = std::stoi(FlagValue(argc, argv, "--commits", "50"));
  c.rows = std::stoi(FlagValue(argc, argv, "--rows", "5"));
  if (c.lakewatch.empty() || c.work.empty()) {
    std::fprintf(stderr,
                 "usage: %s --lakewatch BIN --work DIR [--writers W] [--commits C] [--rows R]\n",
                 argv[0]);
    return 2;
  }
  return lakewatch::delta_tests::Main(c);
}
