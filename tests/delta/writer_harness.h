// WriterHarness: what the Delta writer's concurrency and crash tests share —
// running `lakewatch` as a child process (optionally killed with SIGKILL),
// writing small Parquet batches of known ids, and inspecting a table both
// through the CLI (describe, scan, files) and by replaying its `_delta_log`
// independently of Snapshot, checking the invariants every test demands:
// contiguous versions, complete JSON commits, no data file added twice, no
// live path twice, no row twice.
//
// Failures are counted (Failures()) and printed; the tests exit 1 when any.
// Thread-safety: none; each test is one thread (it forks processes).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace lakewatch::delta_tests {

// ---- assertions

// Prints "FAIL: <what>" and counts it.
void Fail(const std::string& what);
int Failures();
#define LW_CHECK(cond, what)                           \
  do {                                                 \
    if (!(cond)) ::lakewatch::delta_tests::Fail(what); \
  } while (0)

// ---- processes

struct ProcessResult {
  int exit_code = -1;  // when the process exited
  int signal = 0;      // when a signal ended it (SIGKILL: killed)
  std::string out, err;
  double seconds = 0;
  bool killed() const { return signal != 0; }
};

struct Child {
  pid_t pid = -1;
  std::string out_path, err_path;
  int64_t start_us = 0;
};

// Starts argv[0] with argv; `env` ("K=V") is added to this process's environment.
// stdout/stderr go to files under `scratch_dir`.
Child Spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env,
            const std::string& scratch_dir);
// Waits for the child and collects its result.
ProcessResult Reap(const Child& child);
// Spawn + (after `kill_after_us` µs, if >= 0) SIGKILL + Reap.
ProcessResult Run(const std::vector<std::string>& argv, const std::string& scratch_dir,
                  const std::vector<std::string>& env = {}, int64_t kill_after_us = -1);
int64_t NowMicros();
void SleepMicros(int64_t us);

// ---- test data

// The schema every test table has: id long, p string (the partition column
// when partitioned), payload string. Written as Spark schema JSON to `path`.
void WriteSchemaFile(const std::string& path);
// A Parquet file of ids [first_id, first_id + rows) with p = `partition`.
void WriteBatchFile(const std::string& path, int64_t first_id, int64_t rows,
                    const std::string& partition);

// ---- inspection

struct TableView {
  bool ok = false;                      // every command and the log replay succeeded
  int64_t version = -1;                 // latest commit in the log
  std::vector<int64_t> ids;             // `table scan` ids, sorted
  std::vector<std::string> live;        // `table files` paths
  std::map<std::string, int64_t> txns;  // from the log replay
  std::vector<int64_t> checkpoints;     // checkpoint versions present
  int64_t commits = 0;                  // commit files present
};

// Runs `table describe`, `table history`, `table scan --columns id`, `table files`, replays
// the log itself and checks: the commands succeed; versions contiguous from
// the first kept commit to the latest; every commit is complete JSON (ends in
// a newline, parses, starts with commitInfo); no data path is added twice
// in the log; no live path twice; the replayed live set equals `table files`;
// no id twice. Failures are reported with `context`.
TableView InspectTable(const std::string& lakewatch, const std::string& table,
                       const std::string& scratch, const std::string& context);

// Sorted ids of `table scan` (empty and a failure when the scan fails).
std::vector<int64_t> ScanIds(const std::string& lakewatch, const std::string& table,
                             const std::string& scratch, const std::string& context);

// "appended ... as version N" in an append's stderr: N, or -1.
int64_t ReportedVersion(const std::string& stderr_text);

// Command-line flag value: `--name V` in argv, else `dflt`.
std::string FlagValue(int argc, char** argv, const std::string& name, const std::string& dflt);

}  // namespace lakewatch::delta_tests
