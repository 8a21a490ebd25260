// libFuzzer target for the SQL front end (sql/parser, sql/planner).
//
// Input: the SQL text. Checks:
// - ParseStatement never crashes or hangs, whatever the bytes (nesting is
//   bounded by kMaxParseDepth);
// - parsing is deterministic (a second parse gives the same outcome);
// - a syntax error names its position ("line L, column C");
// - a statement that parses is bound against an empty data directory (so
//   constant expressions are folded: functions run on fuzzed literals) and
//   binding either succeeds or fails with a message, never a crash.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sql/parser/parser.h"
#include "sql/planner/binder.h"

namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "check failed: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;  // long inputs add nothing but time
  std::string_view sql(reinterpret_cast<const char*>(data), size);
  auto first = lakewatch::sql::ParseStatement(sql);
  auto second = lakewatch::sql::ParseStatement(sql);
  Check(first.ok() == second.ok(), "parse is deterministic");
  if (!first.ok()) {
    Check(first.status().message() == second.status().message(), "same error twice");
    const std::string& m = first.status().message();
    if (m.rfind("SQL syntax error", 0) == 0) Check(m.find("line ") != std::string::npos, "syntax errors name a line");
    return 0;
  }
  lakewatch::sql::BindOptions options;
  options.data_dir = "/nonexistent-lakewatch-fuzz";
  auto plan = lakewatch::sql::BindStatement(*first, sql, options);
  if (!plan.ok()) Check(!plan.status().message().empty(), "binding errors have a message");
  return 0;
}
