// sqllogictest: runs SQL behaviour tests written in DuckDB's sqllogictest
// form against lakewatch's engine (sql::ExecuteQuery), one temporary data
// directory per test file. The format (docs/development.md, "SQL tests"):
//
//   # a comment                     (`# lakewatch-todo …` marks the next record as a known failure)
//   require match                   skip the file unless match() binds
//   halt                            stop reading the file
//   load ev [partition by c] [at 2025-01-01T00:00:00Z] [from ingest]
//   schema: ts timestamp, v string  (not with `from ingest`; optional for a later load)
//   {"ts":"2025-11-24T16:00:00Z","v":"a"}      one JSON object per line, a blank line ends it
//
//   statement ok                    the SQL runs without error
//   statement error [substring]     it fails (and the message contains the substring;
//   SQL                             also accepted after a `----` line below the SQL)
//
//   query ITR [nosort|rowsort|valuesort|contains]
//   SQL
//   ----
//   1	a	2.5                       tab-separated cells, a blank line ends the record
//
// __DATA_DIR__ in SQL is replaced by the file's data directory.
// Cells: NULL; true/false; integers; strings as they are ("(empty)" for '');
// every other value as Spark's CAST(x AS STRING) prints it (doubles 1.0,
// 1.0E10; timestamps 2025-11-24 16:00:00[.fff] UTC; decimals with their
// scale; [1, 2], {a -> 1}, {1, x} for nested values). A column typed R
// compares numerically: actual a matches expected e when
// |a-e| <= 1e-6·max(|a|,|e|) or |a-e| <= 1e-12 (NaN, Infinity, -Infinity
// match themselves); other letters compare the text exactly. An expected
// cell `<REGEX>:re` matches a cell that RE2 `re` matches in full (`.` also
// matches newlines), `<!REGEX>:re` one it does not. rowsort sorts the rows,
// valuesort every cell, by text, on both sides; contains passes when the
// expected rows appear in this order among the actual rows (for EXPLAIN).
// A statement error's substring is matched case-insensitively.
//
// Usage: sqllogictest [--verbose] [--threads N] [--timeout S] [--keep] FILE.test...
// Each statement and query runs in a forked child with a timeout (default 10 s):
// a crash or hang of the engine fails that record only.
// Exit status: 0 all passed (todo records included), 1 a failure, 77 every
// file was skipped by a `require`.
#include <poll.h>
#include <re2/re2.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "common/types.h"
#include "sql/engine.h"
#include "sql/function/cast.h"
#include "tests/sql/table_loader.h"

namespace lakewatch::sqltest {
namespace {

struct Options {
  bool verbose = false;  // print the details of todo records too
  bool keep = false;     // keep the data directories
  int threads = 2;
  int timeout_seconds = 10;  // per statement/query
};

// ---- the file, as records

struct Record {
  enum class Kind { kStatementOk, kStatementError, kQuery, kLoad, kRequire, kHalt };
  Kind kind = Kind::kHalt;
  int line = 0;                       // 1-based line of the directive
  bool todo = false;                  // preceded by `# lakewatch-todo`
  std::vector<std::string> words;     // the directive line, split on blanks
  std::string sql;                    // statement/query text; load: the schema text
  std::string error;                  // statement error: the expected substring
  std::string types;                  // query: one letter per column
  std::string sort = "nosort";        // query
  std::vector<std::string> expected;  // query: result lines; load: the JSON rows
};

std::vector<std::string> SplitWords(const std::string& line) {
  std::vector<std::string> words;
  std::istringstream in(line);
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

std::string Join(const std::vector<std::string>& parts, const std::string& sep, size_t from = 0) {
  std::string out;
  for (size_t i = from; i < parts.size(); ++i) out += (i > from ? sep : "") + parts[i];
  return out;
}

// Parses the whole file; returns false (with *error) on a malformed record.
bool ParseRecords(const std::vector<std::string>& lines, std::vector<Record>* records,
                  std::string* error) {
  bool todo = false;
  size_t i = 0;
  auto block = [&](auto stop) {  // lines from i up to a blank line or stop(line)
    std::vector<std::string> out;
    while (i < lines.size() && !lines[i].empty() && !stop(lines[i])) out.push_back(lines[i++]);
    return out;
  };
  auto never = [](const std::string&) { return false; };
  auto separator = [](const std::string& l) { return l == "----"; };
  while (i < lines.size()) {
    const std::string& line = lines[i];
    if (line.empty()) {
      ++i;
      continue;
    }
    if (line[0] == '#') {
      if (line.rfind("# lakewatch-todo", 0) == 0) todo = true;
      ++i;
      continue;
    }
    Record r;
    r.line = static_cast<int>(i) + 1;
    r.words = SplitWords(line);
    r.todo = todo;
    todo = false;
    ++i;
    const std::string& head = r.words[0];
    if (head == "statement" && r.words.size() >= 2 &&
        (r.words[1] == "ok" || r.words[1] == "error")) {
      r.kind = r.words[1] == "ok" ? Record::Kind::kStatementOk : Record::Kind::kStatementError;
      r.error = Join(r.words, " ", 2);
      r.sql = Join(block(separator), "\n");
      if (i < lines.size() && lines[i] == "----") {
        ++i;
        std::string more = Join(block(never), "\n");
        if (r.kind == Record::Kind::kStatementOk || !r.error.empty()) {
          *error = "line " + std::to_string(r.line) + ": unexpected '----' after this statement";
          return false;
        }
        r.error = more;
      }
    } else if (head == "query" && r.words.size() >= 2) {
      r.kind = Record::Kind::kQuery;
      r.types = r.words[1];
      if (r.words.size() >= 3) r.sort = r.words[2];
      if (r.sort != "nosort" && r.sort != "rowsort" && r.sort != "valuesort" &&
          r.sort != "contains") {
        *error = "line " + std::to_string(r.line) + ": unknown sort mode '" + r.sort + "'";
        return false;
      }
      r.sql = Join(block(separator), "\n");
      if (i < lines.size() && lines[i] == "----") {
        ++i;
        r.expected = block(never);
      }
    } else if (head == "load" && r.words.size() >= 2) {
      r.kind = Record::Kind::kLoad;
      if (i < lines.size() && lines[i].rfind("schema:", 0) == 0) r.sql = lines[i++].substr(7);
      r.expected = block(never);
    } else if (head == "require" && r.words.size() >= 2) {
      r.kind = Record::Kind::kRequire;
    } else if (head == "halt") {
      r.kind = Record::Kind::kHalt;
    } else {
      *error = "line " + std::to_string(r.line) + ": unknown directive '" + line + "'";
      return false;
    }
    if (r.sql.empty() && r.kind != Record::Kind::kLoad && r.kind != Record::Kind::kRequire &&
        r.kind != Record::Kind::kHalt) {
      *error = "line " + std::to_string(r.line) + ": no SQL after '" + line + "'";
      return false;
    }
    records->push_back(std::move(r));
  }
  return true;
}

// ---- results as text

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string CellText(const Column& col, int64_t row) {
  if (col.IsNull(row)) return "NULL";
  std::string out;
  sql::AppendValueText(col, row, &out);
  if (out.empty() && col.type->id() == TypeId::kString) return "(empty)";
  return out;
}

std::vector<std::vector<std::string>> ResultCells(const sql::QueryResult& result) {
  std::vector<std::vector<std::string>> rows;
  for (const RecordBatch& b : result.batches) {
    for (int64_t r = 0; r < b.num_rows; ++r) {
      std::vector<std::string> row;
      for (const ColumnPtr& c : b.columns) row.push_back(CellText(*c, r));
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> cells;
  size_t begin = 0;
  while (true) {
    size_t tab = line.find('\t', begin);
    cells.push_back(line.substr(begin, tab == std::string::npos ? std::string::npos : tab - begin));
    if (tab == std::string::npos) return cells;
    begin = tab + 1;
  }
}

bool ParseReal(const std::string& s, double* v) {
  if (s == "NaN" || s == "Infinity" || s == "-Infinity") {
    *v = s == "NaN" ? std::nan("") : (s[0] == '-' ? -HUGE_VAL : HUGE_VAL);
    return true;
  }
  char* end = nullptr;
  *v = std::strtod(s.c_str(), &end);
  return !s.empty() && *end == '\0';
}

bool CellMatches(const std::string& actual, const std::string& expected, bool real) {
  if (actual == expected) return true;
  for (std::string_view prefix : {"<REGEX>:", "<!REGEX>:"}) {
    if (expected.rfind(prefix, 0) != 0) continue;
    RE2::Options options;
    options.set_dot_nl(true);
    RE2 re(expected.substr(prefix.size()), options);
    return re.ok() && RE2::FullMatch(actual, re) == (prefix[1] == 'R');
  }
  double a, e;
  if (!real || !ParseReal(actual, &a) || !ParseReal(expected, &e)) return false;
  if (std::isnan(a) || std::isnan(e) || std::isinf(a) || std::isinf(e))
    return false;  // equal text handled above
  double diff = std::fabs(a - e);
  return diff <= 1e-12 || diff <= 1e-6 * std::max(std::fabs(a), std::fabs(e));
}

void SortCells(const std::string& mode, std::vector<std::vector<std::string>>* rows) {
  if (mode == "rowsort") {
    std::sort(rows->begin(), rows->end());
  } else if (mode == "valuesort") {
    std::vector<std::string> all;
    for (const auto& r : *rows) all.insert(all.end(), r.begin(), r.end());
    std::sort(all.begin(), all.end());
    rows->clear();
    for (std::string& v : all) rows->push_back({std::move(v)});
  }
}

std::string RowsText(const std::vector<std::vector<std::string>>& rows) {
  std::string out;
  for (const auto& r : rows) out += "  " + Join(r, "\t") + "\n";
  return out.empty() ? "  (no rows)\n" : out;
}

// ---- running one file

class FileRunner {
 public:
  FileRunner(std::string path, const Options& options)
      : path_(std::move(path)), options_(options) {}

  // Returns 0 passed, 1 failed, 77 skipped.
  int Run() {
    std::ifstream in(path_);
    if (!in) return Fatal("cannot open the file");
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);) {
      if (!l.empty() && l.back() == '\r') l.pop_back();
      lines.push_back(std::move(l));
    }
    std::vector<Record> records;
    std::string error;
    if (!ParseRecords(lines, &records, &error)) return Fatal(error);

    const char* tmp = std::getenv("TMPDIR");
    std::string templ =
        std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/lw-sqltest-XXXXXX";
    if (::mkdtemp(templ.data()) == nullptr)
      return Fatal("cannot create a data directory under " + templ);
    data_dir_ = templ;

    const auto start = std::chrono::steady_clock::now();
    int status = 0;
    for (const Record& r : records) {
      if (r.kind == Record::Kind::kHalt) break;
      if (r.kind == Record::Kind::kRequire) {
        std::string why;
        if (!Satisfied(r, &why)) {
          std::printf("%s: skipped: %s\n", path_.c_str(), why.c_str());
          status = 77;
          break;
        }
        continue;
      }
      std::string failure = r.kind == Record::Kind::kLoad ? Load(r) : RunIsolated(r);
      if (r.kind == Record::Kind::kLoad) {
        if (!failure.empty()) {
          Report("FAIL", r, failure);
          status = 1;
          break;  // what follows needs the table
        }
        continue;
      }
      if (r.todo && failure.empty()) {
        Report("FAIL", r, "todo now passes: remove the `# lakewatch-todo` marker\n");
      } else if (r.todo) {
        ++todo_;
        if (options_.verbose) Report("todo", r, failure);
        continue;
      } else if (!failure.empty()) {
        Report("FAIL", r, failure);
      } else {
        ++passed_;
        continue;
      }
    }
    if (!options_.keep) std::filesystem::remove_all(data_dir_);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (status != 77) {
      std::printf("%s: %d passed, %d todo, %d failed (%.2f s)\n", path_.c_str(), passed_, todo_,
                  failed_, seconds);
    }
    if (failed_ > 0) return 1;
    return status;
  }

 private:
  int Fatal(const std::string& message) {
    std::printf("%s: error: %s\n", path_.c_str(), message.c_str());
    return 1;
  }

  void Report(const char* what, const Record& r, const std::string& details) {
    if (std::string_view(what) == "FAIL") ++failed_;
    std::printf("%s %s:%d\n%s\n%s\n", what, path_.c_str(), r.line,
                (r.kind == Record::Kind::kLoad ? Join(r.words, " ") : r.sql).c_str(),
                details.c_str());
  }

  Result<sql::QueryResult> Execute(std::string sql) const {
    for (size_t at; (at = sql.find("__DATA_DIR__")) != std::string::npos;)
      sql.replace(at, 12, data_dir_);
    return sql::ExecuteQuery(
        sql, {.data_dir = data_dir_, .threads = options_.threads, .memory_limit_bytes = 0});
  }

  bool Satisfied(const Record& r, std::string* why) const {
    const std::string& what = r.words[1];
    if (what == "match") {
      auto probe = Execute("SELECT match('a b', 'a')");
      *why = "match() is not available yet (" +
             (probe.ok() ? std::string() : probe.status().message()) + ")";
      return probe.ok();
    }
    *why = "unknown requirement '" + what + "'";
    return false;
  }

  // Runs a statement or query in a child process, so that an engine crash or
  // hang fails that record only (and a `# lakewatch-todo` record may hang).
  std::string RunIsolated(const Record& r) {
    std::fflush(stdout);
    int fds[2];
    if (::pipe(fds) != 0) return "cannot create a pipe\n";
    const pid_t pid = ::fork();
    if (pid < 0) return "cannot fork\n";
    if (pid == 0) {
      ::close(fds[0]);
      const std::string failure = RunRecord(r);
      for (size_t done = 0; done < failure.size();) {
        ssize_t n = ::write(fds[1], failure.data() + done, failure.size() - done);
        if (n <= 0) break;
        done += static_cast<size_t>(n);
      }
      ::_exit(0);
    }
    ::close(fds[1]);
    std::string failure;
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(options_.timeout_seconds);
    bool timed_out = false;
    while (true) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      struct pollfd p = {fds[0], POLLIN, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) == 0) {
        timed_out = true;
        break;
      }
      char buf[4096];
      ssize_t n = ::read(fds[0], buf, sizeof(buf));
      if (n <= 0) break;
      failure.append(buf, static_cast<size_t>(n));
    }
    ::close(fds[0]);
    if (timed_out) ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (timed_out)
      return "timed out after " + std::to_string(options_.timeout_seconds) + " s (a hang?)\n";
    if (WIFSIGNALED(status)) return "crashed: signal " + std::to_string(WTERMSIG(status)) + "\n";
    return failure;
  }

  // Runs one record; returns "" when it behaved as expected, else what differed.
  std::string RunRecord(const Record& r) {
    switch (r.kind) {
      case Record::Kind::kStatementOk: {
        auto result = Execute(r.sql);
        return result.ok() ? ""
                           : "expected success, got error: " + result.status().ToString() + "\n";
      }
      case Record::Kind::kStatementError: {
        auto result = Execute(r.sql);
        if (result.ok()) return "expected an error, the statement succeeded\n";
        const std::string message = result.status().ToString();
        if (Lower(message).find(Lower(r.error)) != std::string::npos) return "";
        return "expected an error containing: " + r.error + "\nactual error: " + message + "\n";
      }
      case Record::Kind::kQuery:
        return Query(r);
      default:
        return "";
    }
  }

  std::string Query(const Record& r) {
    auto result = Execute(r.sql);
    if (!result.ok()) return "expected rows, got error: " + result.status().ToString() + "\n";
    if (result->schema.fields.size() != r.types.size()) {
      return "expected " + std::to_string(r.types.size()) + " column(s) (" + r.types + "), got " +
             std::to_string(result->schema.fields.size()) + " (" + result->schema.ToString() +
             ")\n";
    }
    auto actual = ResultCells(*result);
    std::vector<std::vector<std::string>> expected;
    for (const std::string& line : r.expected) expected.push_back(SplitTabs(line));
    SortCells(r.sort, &actual);
    SortCells(r.sort, &expected);
    const std::string diff =
        r.sort == "contains" ? FindInOrder(r, actual, expected) : Compare(r, actual, expected);
    if (diff.empty()) return "";
    return diff + "\nexpected:\n" + RowsText(expected) + "actual:\n" + RowsText(actual);
  }

  // Row by row; "" when equal.
  static std::string Compare(const Record& r, const std::vector<std::vector<std::string>>& actual,
                             const std::vector<std::vector<std::string>>& expected) {
    for (size_t i = 0; i < actual.size() && i < expected.size(); ++i) {
      if (actual[i].size() != expected[i].size()) {
        return "row " + std::to_string(i + 1) + ": expected " + std::to_string(expected[i].size()) +
               " cell(s) (tab-separated), got " + std::to_string(actual[i].size());
      }
      for (size_t c = 0; c < actual[i].size(); ++c) {
        const bool real = r.sort != "valuesort" && r.types[c] == 'R';
        if (!CellMatches(actual[i][c], expected[i][c], real)) {
          return "row " + std::to_string(i + 1) + ", column " + std::to_string(c + 1) +
                 ": expected " + expected[i][c] + ", got " + actual[i][c];
        }
      }
    }
    if (actual.size() == expected.size()) return "";
    return "expected " + std::to_string(expected.size()) + " row(s), got " +
           std::to_string(actual.size());
  }

  // The expected rows as an ordered subsequence of the actual ones; "" when found.
  static std::string FindInOrder(const Record& r,
                                 const std::vector<std::vector<std::string>>& actual,
                                 const std::vector<std::vector<std::string>>& expected) {
    size_t next = 0;
    for (size_t e = 0; e < expected.size(); ++e) {
      while (next < actual.size() && !Compare(r, {actual[next]}, {expected[e]}).empty()) ++next;
      if (next == actual.size())
        return "expected row " + std::to_string(e + 1) + " not found (in order)";
      ++next;
    }
    return "";
  }

  std::string Load(const Record& r) {
    LoadRequest request;
    bool ingest = false;
    for (size_t i = 2; i < r.words.size(); ++i) {
      const std::string& w = r.words[i];
      if (w == "partition" && i + 2 < r.words.size() && r.words[i + 1] == "by") {
        request.partition_by.push_back(r.words[i + 2]);
        i += 2;
      } else if (w == "at" && i + 1 < r.words.size()) {
        request.commit_time = r.words[++i];
      } else if (w == "from" && i + 1 < r.words.size() && r.words[i + 1] == "ingest") {
        ingest = true;
        ++i;
      } else {
        return "load: unexpected '" + w +
               "' (load NAME [partition by COL] [at TIMESTAMP] [from ingest])\n";
      }
    }
    request.table_path = data_dir_ + "/" + r.words[1];
    request.rows = r.expected;
    if (!r.sql.empty()) {
      auto schema = ParseSchemaText(r.sql);
      if (!schema.ok()) return schema.status().ToString() + "\n";
      request.schema = std::move(schema).value();
    }
    auto version = ingest ? IngestRows(request) : WriteRows(request);
    if (version.ok()) return "";
    std::string message = version.status().ToString();
    // "row N" → the file's line of that row.
    size_t at = message.find("row ");
    if (at != std::string::npos) {
      int row = std::atoi(message.c_str() + at + 4);
      message += " (line " + std::to_string(r.line + (r.sql.empty() ? 1 : 2) + row) + ")";
    }
    return "load failed: " + message + "\n";
  }

  std::string path_;
  const Options& options_;
  std::string data_dir_;
  int passed_ = 0, todo_ = 0, failed_ = 0;
};

}  // namespace
}  // namespace lakewatch::sqltest

constexpr char kUsage[] =
    "usage: sqllogictest [--verbose] [--threads N] [--timeout S] [--keep] FILE.test...\n";

int main(int argc, char** argv) {
  lakewatch::sqltest::Options options;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--verbose" || a == "-v") {
      options.verbose = true;
    } else if (a == "--keep") {
      options.keep = true;
    } else if (a == "--threads" && i + 1 < argc) {
      options.threads = std::atoi(argv[++i]);
    } else if (a == "--timeout" && i + 1 < argc) {
      options.timeout_seconds = std::atoi(argv[++i]);
    } else if (!a.empty() && a[0] == '-') {
      std::fputs(kUsage, stderr);
      return 1;
    } else {
      files.push_back(a);
    }
  }
  if (files.empty()) {
    std::fputs(kUsage, stderr);
    return 1;
  }
  int failed = 0, skipped = 0;
  for (const std::string& f : files) {
    int rc = lakewatch::sqltest::FileRunner(f, options).Run();
    if (rc == 77) ++skipped;
    if (rc == 1) ++failed;
  }
  if (failed > 0) return 1;
  return skipped == static_cast<int>(files.size()) ? 77 : 0;
}
