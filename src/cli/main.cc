// lakewatch: the command-line entry point. Exit status: 0 success, 1 user
// error (bad input, bad arguments, missing file) with one message on stderr,
// 2 internal error.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <new>

#include "cli/commands.h"

int main(int argc, char** argv) {
  using lakewatch::Status;
  using lakewatch::StatusCode;
  CLI::App app{"lakewatch: ML-model monitoring over Delta Lake tables of logs and events", "lakewatch"};
  app.set_version_flag("--version", std::string("lakewatch ") + LAKEWATCH_VERSION);
  app.require_subcommand(1);
  lakewatch::cli::GlobalOptions global;
  app.add_option("--data", global.data_dir, "data directory (default $LAKEWATCH_DATA or ./lakewatch-data)");
  lakewatch::cli::Handler handler;
  lakewatch::cli::RegisterParquetCommands(&app, &global, &handler);
  lakewatch::cli::RegisterTableCommands(&app, &global, &handler);
  lakewatch::cli::RegisterIngestCommand(&app, &global, &handler);
  lakewatch::cli::RegisterIndexCommand(&app, &global, &handler);
  lakewatch::cli::RegisterQueryCommand(&app, &global, &handler);
  lakewatch::cli::RegisterMonitorCommand(&app, &global, &handler);
  lakewatch::cli::RegisterReportCommand(&app, &global, &handler);
  lakewatch::cli::RegisterDemoCommand(&app, &global, &handler);
  lakewatch::cli::RegisterDriftCommand(&app, &global, &handler);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 1;
  }
  if (global.data_dir.empty()) {
    const char* env = std::getenv("LAKEWATCH_DATA");
    global.data_dir = env != nullptr && *env ? env : "lakewatch-data";
  }
  if (!handler) {
    std::fprintf(stderr, "lakewatch: no command given (see --help)\n");
    return 1;
  }
  try {
    Status st = handler();
    if (st.ok()) return 0;
    std::fprintf(stderr, "lakewatch: %s\n", st.ToString().c_str());
    return st.code() == StatusCode::kInternal ? 2 : 1;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "lakewatch: internal error: out of memory\n");
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lakewatch: internal error: %s\n", e.what());
    return 2;
  }
}
