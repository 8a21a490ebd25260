#include "writer_harness.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "delta/actions.h"
#include "delta/log_store.h"
#include "delta/snapshot.h"
#include "parquet/file_writer.h"

namespace lakewatch::delta_tests {

namespace {

int g_failures = 0;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

// The string value of "key":"…" in a one-line JSON object (no escapes expected).
std::string JsonString(const std::string& line, const std::string& key) {
  std::string pat = "\"" + key + "\":\"";
  size_t i = line.find(pat);
  if (i == std::string::npos) return "";
  i += pat.size();
  size_t j = line.find('"', i);
  return j == std::string::npos ? "" : line.substr(i, j - i);
}

}  // namespace

void Fail(const std::string& what) {
  ++g_failures;
  std::fprintf(stderr, "FAIL: %s\n", what.c_str());
}

int Failures() { return g_failures; }

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void SleepMicros(int64_t us) {
  if (us > 0) std::this_thread::sleep_for(std::chrono::microseconds(us));
}

Child Spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env,
            const std::string& scratch_dir) {
  static int counter = 0;
  Child c;
  std::string base =
      scratch_dir + "/proc-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  c.out_path = base + ".out";
  c.err_path = base + ".err";
  c.start_us = NowMicros();
  c.pid = ::fork();
  if (c.pid == 0) {
    int out = ::open(c.out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open(c.err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0 || err < 0) ::_exit(126);
    ::dup2(out, 1);
    ::dup2(err, 2);
    for (const std::string& kv : env) ::putenv(const_cast<char*>(kv.c_str()));
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  if (c.pid < 0) Fail("fork failed");
  return c;
}

ProcessResult Reap(const Child& c) {
  ProcessResult r;
  int status = 0;
  while (::waitpid(c.pid, &status, 0) < 0) {
    if (errno != EINTR) {
      Fail("waitpid failed");
      return r;
    }
  }
  r.seconds = static_cast<double>(NowMicros() - c.start_us) / 1e6;
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  r.out = Slurp(c.out_path);
  r.err = Slurp(c.err_path);
  ::unlink(c.out_path.c_str());
  ::unlink(c.err_path.c_str());
  return r;
}

ProcessResult Run(const std::vector<std::string>& argv, const std::string& scratch_dir,
                  const std::vector<std::string>& env, int64_t kill_after_us) {
  Child c = Spawn(argv, env, scratch_dir);
  if (kill_after_us >= 0) {
    SleepMicros(kill_after_us);
    ::kill(c.pid, SIGKILL);  // harmless when it already exited (a zombie until reaped)
  }
  return Reap(c);
}

void WriteSchemaFile(const std::string& path) {
  std::ofstream out(path);
  out << R"({"type":"struct","fields":[)"
      << R"({"name":"id","type":"long","nullable":true,"metadata":{}},)"
      << R"({"name":"p","type":"string","nullable":true,"metadata":{}},)"
      << R"({"name":"payload","type":"string","nullable":true,"metadata":{}}]})";
}

void WriteBatchFile(const std::string& path, int64_t first_id, int64_t rows,
                    const std::string& partition) {
  Schema schema{{Field{"id", DataType::Int64(), true, {}}, Field{"p", DataType::String(), true, {}},
                 Field{"payload", DataType::String(), true, {}}}};
  RecordBatch b = RecordBatch::Empty(schema);
  for (int64_t i = 0; i < rows; ++i) {
    b.columns[0]->Append<int64_t>(first_id + i);
    b.columns[1]->AppendString(partition);
    b.columns[2]->AppendString("row " + std::to_string(first_id + i));
  }
  b.num_rows = rows;
  auto writer = parquet::ParquetFileWriter::Open(path, schema);
  Status st = writer.ok() ? (*writer)->WriteBatch(b) : writer.status();
  if (st.ok()) st = (*writer)->Close();
  if (!st.ok()) Fail("writing " + path + ": " + st.ToString());
}

int64_t ReportedVersion(const std::string& stderr_text) {
  size_t i = stderr_text.rfind("version ");
  if (i == std::string::npos) return -1;
  return std::strtoll(stderr_text.c_str() + i + 8, nullptr, 10);
}

std::string FlagValue(int argc, char** argv, const std::string& name, const std::string& dflt) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == name) return argv[i + 1];
  }
  return dflt;
}

std::vector<int64_t> ScanIds(const std::string& lakewatch, const std::string& table,
                             const std::string& scratch, const std::string& context) {
  ProcessResult r =
      Run({lakewatch, "table", "scan", table, "--columns", "id", "--format", "jsonl"}, scratch);
  std::vector<int64_t> ids;
  if (r.exit_code != 0) {
    Fail(context + ": table scan failed: " + r.err);
    return ids;
  }
  for (const std::string& line : Lines(r.out)) {
    size_t colon = line.find(':');
    if (colon == std::string::npos) {
      Fail(context + ": bad scan line " + line);
      continue;
    }
    ids.push_back(std::strtoll(line.c_str() + colon + 1, nullptr, 10));
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

TableView InspectTable(const std::string& lakewatch, const std::string& table,
                       const std::string& scratch, const std::string& context) {
  TableView view;
  const int failures_before = Failures();
  for (const char* command : {"describe", "history"}) {
    ProcessResult r = Run({lakewatch, "table", command, table}, scratch);
    LW_CHECK(r.exit_code == 0, context + ": table " + command + " failed: " + r.err);
  }

  // Independent replay of the JSON log (the tests never expire commits).
  delta::LogStore store(table);
  auto listing = store.List();
  if (!listing.ok()) {
    Fail(context + ": listing the log: " + listing.status().ToString());
    return view;
  }
  view.commits = static_cast<int64_t>(listing->commits.size());
  for (const delta::CheckpointFile& cp : listing->checkpoints)
    view.checkpoints.push_back(cp.version);
  LW_CHECK(!listing->commits.empty(), context + ": the log has no commits");
  std::map<std::string, std::string> live;  // decoded path -> as written
  std::set<std::string> ever_added;
  // Replay from commit 0, or — when log cleanup took the first commits —
  // from the oldest checkpoint the remaining commits continue.
  int64_t first = listing->commits.empty() ? 0 : listing->commits.front();
  if (first > 0) {
    std::vector<delta::CheckpointFile> base;
    for (const delta::CheckpointFile& cp : listing->checkpoints) {
      if (cp.version >= first - 1 && (base.empty() || cp.version == base[0].version))
        base.push_back(cp);
    }
    auto actions = base.empty() ? Result<delta::ActionSet>(Status::NotFound("none"))
                                : delta::ReadCheckpoint(store, base);
    if (!actions.ok()) {
      Fail(context + ": commits before " + std::to_string(first) +
           " are gone and no checkpoint continues the log");
      return view;
    }
    for (const delta::Txn& t : actions->txns) view.txns[t.app_id] = t.version;
    for (const delta::AddFile& a : actions->adds) {
      auto p = delta::DecodePath(a.path);
      if (!p.ok()) continue;
      live[*p] = a.path;
      ever_added.insert(*p);
    }
    first = base[0].version + 1;
  }
  for (size_t i = 0; i < listing->commits.size(); ++i) {
    int64_t v = listing->commits[i];
    if (v < first) continue;  // before the checkpoint replay started from
    LW_CHECK(v == listing->commits.front() + static_cast<int64_t>(i),
             context + ": versions not contiguous: found " + std::to_string(v) + " after " +
                 std::to_string(listing->commits[i - 1]));
    auto content = store.ReadCommit(v);
    if (!content.ok() || content->empty() || content->back() != '\n') {
      Fail(context + ": commit " + std::to_string(v) + " is empty or not complete");
      continue;
    }
    auto actions = delta::ParseCommit(*content, v);
    if (!actions.ok()) {
      Fail(context + ": commit " + std::to_string(v) +
           " does not parse: " + actions.status().ToString());
      continue;
    }
    LW_CHECK(actions->commit_info.has_value(),
             context + ": commit " + std::to_string(v) + " has no commitInfo");
    for (const delta::Txn& t : actions->txns) view.txns[t.app_id] = t.version;
    for (const delta::RemoveFile& r : actions->removes) {
      auto p = delta::DecodePath(r.path);
      LW_CHECK(p.ok() && live.erase(*p) == 1, context + ": commit " + std::to_string(v) +
                                                  " removes " + r.path + ", which is not live");
    }
    for (const delta::AddFile& a : actions->adds) {
      auto p = delta::DecodePath(a.path);
      if (!p.ok()) {
        Fail(context + ": bad path " + a.path);
        continue;
      }
      LW_CHECK(ever_added.insert(*p).second,
               context + ": commit " + std::to_string(v) + " adds " + *p + " a second time");
      live[*p] = a.path;
    }
  }
  view.version = listing->commits.empty() ? -1 : listing->commits.back();
  auto snap = delta::Snapshot::Load(store);
  LW_CHECK(snap.ok() && (*snap)->version() == view.version,
           context + ": snapshot does not load at the latest version" +
               (snap.ok() ? "" : ": " + snap.status().ToString()));

  ProcessResult files = Run({lakewatch, "table", "files", table, "--format", "jsonl"}, scratch);
  LW_CHECK(files.exit_code == 0, context + ": table files failed: " + files.err);
  std::set<std::string> listed;
  for (const std::string& line : Lines(files.out)) {
    std::string p = JsonString(line, "path");
    view.live.push_back(p);
    LW_CHECK(listed.insert(p).second, context + ": live path twice in `table files`: " + p);
  }
  std::set<std::string> replayed;
  for (const auto& [p, raw] : live) replayed.insert(p);
  LW_CHECK(listed == replayed, context + ": `table files` (" + std::to_string(listed.size()) +
                                   " files) differs from the replayed log (" +
                                   std::to_string(replayed.size()) + ")");

  view.ids = ScanIds(lakewatch, table, scratch, context);
  for (size_t i = 1; i < view.ids.size(); ++i) {
    if (view.ids[i] == view.ids[i - 1]) {
      Fail(context + ": row id " + std::to_string(view.ids[i]) + " is in the table twice");
      break;
    }
  }
  view.ok = Failures() == failures_before;
  return view;
}

}  // namespace lakewatch::delta_tests
