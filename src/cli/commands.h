// The `lakewatch` subcommands. Each Register* adds its subcommand to the CLI11
// app; the handler runs after parsing and reports through Status (the main
// function turns it into the exit code and the one-line error on stderr).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "common/status.h"

namespace lakewatch::cli {

// Options every command can see.
struct GlobalOptions {
  std::string data_dir;  // --data, $LAKEWATCH_DATA, ./lakewatch-data
};

using Handler = std::function<Status()>;

// A table argument: a path when it contains '/', else a name under the data directory.
inline std::string ResolveTable(const GlobalOptions& g, const std::string& t) {
  if (t.find('/') != std::string::npos) return t;
  return g.data_dir + "/" + t;
}

// Registers `lakewatch parquet schema|meta|cat|convert`; sets *handler to the
// action of the subcommand that was parsed.
void RegisterParquetCommands(CLI::App* app, const GlobalOptions* global, Handler* handler);
// Registers `lakewatch table ...` (Delta tables).
void RegisterTableCommands(CLI::App* app, const GlobalOptions* global, Handler* handler);
// Registers `lakewatch ingest`.
void RegisterIngestCommand(CLI::App* app, const GlobalOptions* global, Handler* handler);
// Registers `lakewatch index build|show` (search index sidecars).
void RegisterIndexCommand(CLI::App* app, const GlobalOptions* global, Handler* handler);
// Registers `lakewatch query`.
void RegisterQueryCommand(CLI::App* app, const GlobalOptions* global, Handler* handler);
// Registers `lakewatch monitor run`.
void RegisterMonitorCommand(CLI::App* app, const GlobalOptions* global, Handler* handler);
// Registers `lakewatch drift` (ad-hoc comparison of two query results).
void RegisterDriftCommand(CLI::App* app, const GlobalOptions* global, Handler* handler);
// Registers `lakewatch report` (a model's HTML report).
void RegisterReportCommand(CLI::App* app, const GlobalOptions* global, Handler* handler);
// Registers `lakewatch demo` (simulate, ingest, monitor, report).
void RegisterDemoCommand(CLI::App* app, const GlobalOptions* global, Handler* handler);

}  // namespace lakewatch::cli
