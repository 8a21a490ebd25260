// `lakewatch demo [--events N] [--out DIR] [--seed S]`: the main job — a
// simulated model service, ingested, monitored and reported (docs/demo.md).
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "demo/demo.h"

namespace lakewatch::cli {

namespace {

struct DemoArgs {
  int64_t events = 1'000'000;
  std::string out = "lakewatch-demo";
  uint64_t seed = 42;
  int threads = 0;
  bool quiet = false;
};

Status RunDemoCommand(const DemoArgs& a) {
  demo::DemoOptions o;
  o.events = a.events;
  o.out = a.out;
  o.seed = a.seed;
  o.threads = a.threads;
  if (!a.quiet) {
    o.progress = [](const std::string& line) {
      std::fprintf(stderr, "  %s\n", line.c_str());
      std::fflush(stderr);
    };
  }
  LW_ASSIGN_OR_RETURN(demo::DemoResult r, demo::RunDemo(o));
  std::printf("%s", demo::DemoSummary(r, ::isatty(STDOUT_FILENO) != 0).c_str());
  return Status::OK();
}

}  // namespace

void RegisterDemoCommand(CLI::App* app, const GlobalOptions* global, Handler* handler) {
  (void)global;  // the demo has its own data directory under --out
  auto a = std::make_shared<DemoArgs>();
  CLI::App* cmd = app->add_subcommand(
      "demo", "the main job: simulate a model service, ingest its events and logs, monitor it, write the report");
  cmd->add_option("--events", a->events, "prediction events of the fraud detector (default 1000000)");
  cmd->add_option("--out", a->out, "output directory (default lakewatch-demo; cleared first if a demo made it)");
  cmd->add_option("--seed", a->seed, "random seed (default 42): the same seed gives the same history");
  cmd->add_option("--threads", a->threads, "worker threads (default: all cores)");
  cmd->add_flag("--quiet", a->quiet, "no progress lines");
  cmd->callback([a, handler] { *handler = [a] { return RunDemoCommand(*a); }; });
}

}  // namespace lakewatch::cli
