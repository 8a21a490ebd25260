// `lakewatch ingest --table T [--input-format F] [--timestamp FIELD] [--idempotent]
//  [--index-text COLS] [--index-keyword COLS] [--no-index] FILE...|-`
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "common/json_format.h"
#include "ingest/ingester.h"

namespace lakewatch::cli {

namespace {

struct IngestArgs {
  std::string table, input_format = "auto", format, timestamp;
  std::vector<std::string> inputs;
  bool idempotent = false, no_templates = false, no_partition = false, quiet = false, no_index = false;
  std::optional<std::string> index_text, index_keyword;
  int threads = 0;
  int64_t max_record_bytes = int64_t{16} << 20;
};

std::string Mb(int64_t bytes) { return fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6); }

std::string Count(int64_t n) {
  if (n >= 10'000'000) return fmt::format("{:.1f}M", static_cast<double>(n) / 1e6);
  if (n >= 100'000) return fmt::format("{:.0f}k", static_cast<double>(n) / 1e3);
  return std::to_string(n);
}

// One line on the terminal, redrawn in place.
void DrawProgress(const ingest::IngestProgress& p) {
  const double mbs = p.seconds > 0 ? static_cast<double>(p.bytes_read) / 1e6 / p.seconds : 0;
  std::string line;
  if (p.bytes_total > 0) {
    const double frac = std::min(1.0, static_cast<double>(p.bytes_read) / static_cast<double>(p.bytes_total));
    const int width = 24;
    const int done = static_cast<int>(frac * width);
    std::string bar(static_cast<size_t>(done), '=');
    if (done < width) bar += '>';
    bar.resize(width, ' ');
    const double eta = frac > 0 ? p.seconds * (1 - frac) / frac : 0;
    line = fmt::format("ingest [{}] {:3.0f}%  {} / {}  {} rows  {:.0f} MB/s  ETA {:.0f}s", bar, frac * 100,
                       Mb(p.bytes_read), Mb(p.bytes_total), Count(p.rows), mbs, eta);
  } else {
    line = fmt::format("ingest  {}  {} rows  {:.0f} MB/s", Mb(p.bytes_read), Count(p.rows), mbs);
  }
  if (p.quarantined > 0) line += fmt::format("  {} quarantined", Count(p.quarantined));
  std::fprintf(stderr, "\r%-100s", line.c_str());
  std::fflush(stderr);
}

std::string SummaryJson(const ingest::IngestSummary& s) {
  std::string out = "{";
  auto key = [&](const char* k) {
    if (out.size() > 1) out += ',';
    AppendJsonString(k, &out);
    out += ':';
  };
  auto opt = [&](const std::optional<int64_t>& v) { out += v.has_value() ? std::to_string(*v) : "null"; };
  key("table");
  AppendJsonString(s.table, &out);
  key("version");
  opt(s.version);
  key("rows");
  out += std::to_string(s.rows);
  key("quarantined");
  out += std::to_string(s.quarantined);
  key("quarantine_table");
  AppendJsonString(s.quarantine_table, &out);
  key("quarantine_version");
  opt(s.quarantine_version);
  key("bytes_in");
  out += std::to_string(s.bytes_in);
  key("bytes_stored");
  out += std::to_string(s.bytes_stored);
  key("files_written");
  out += std::to_string(s.files_written);
  key("index_bytes");
  out += std::to_string(s.index_bytes);
  key("templates");
  out += std::to_string(s.templates);
  key("seconds");
  AppendDouble(s.seconds, &out);
  key("mb_per_s");
  AppendDouble(s.seconds > 0 ? static_cast<double>(s.bytes_in) / 1e6 / s.seconds : 0, &out);
  key("rows_per_s");
  AppendDouble(s.seconds > 0 ? static_cast<double>(s.rows) / s.seconds : 0, &out);
  key("duplicate");
  out += s.duplicate ? "true" : "false";
  key("sources");
  out += '[';
  for (size_t i = 0; i < s.sources.size(); ++i) {
    const ingest::SourceSummary& src = s.sources[i];
    if (i > 0) out += ',';
    out += "{\"name\":";
    AppendJsonString(src.name, &out);
    out += ",\"format\":";
    AppendJsonString(src.format, &out);
    out += ",\"compression\":";
    AppendJsonString(src.compression, &out);
    out += fmt::format(",\"rows\":{},\"quarantined\":{},\"bytes\":{},\"skipped\":{}}}", src.rows, src.quarantined,
                       src.bytes, src.skipped ? "true" : "false");
  }
  out += "]}";
  return out;
}

Status RunIngest(const GlobalOptions& g, const IngestArgs& a) {
  if (a.format != "json" && a.format != "text" && !a.format.empty()) {
    return Status::InvalidArgument("--format must be text or json (the summary), not '" + a.format + "'");
  }
  ingest::IngestOptions o;
  o.table_path = ResolveTable(g, a.table);
  o.table_name = a.table;
  o.format = a.input_format;
  if (!a.timestamp.empty()) o.timestamp_fields = {a.timestamp};
  o.idempotent = a.idempotent;
  o.threads = a.threads > 0 ? a.threads : std::max(1, static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN)));
  o.max_record_bytes = a.max_record_bytes;
  o.templates = !a.no_templates;
  o.partition_by_date = !a.no_partition;
  o.index = !a.no_index;
  o.index_text = a.index_text;
  o.index_keyword = a.index_keyword;
  const bool tty = !a.quiet && ::isatty(STDERR_FILENO) != 0;
  bool drew = false;
  if (tty) {
    o.progress = [&](const ingest::IngestProgress& p) {
      DrawProgress(p);
      drew = true;
    };
  }
  auto result = ingest::Ingest(a.inputs, o);
  if (drew) std::fprintf(stderr, "\r%-100s\r", "");
  if (!result.ok()) return result.status();
  const ingest::IngestSummary& s = *result;
  if (a.format == "json") {
    std::printf("%s\n", SummaryJson(s).c_str());
    return Status::OK();
  }
  std::string what = s.duplicate ? "already ingested (idempotent): nothing written"
                                 : fmt::format("{} rows ({} quarantined)", s.rows, s.quarantined);
  std::string version = s.version.has_value() ? fmt::format(" version {}", *s.version) : "";
  const double mbs = s.seconds > 0 ? static_cast<double>(s.bytes_in) / 1e6 / s.seconds : 0;
  std::printf("ingested %s from %zu source%s into %s%s: %s in, %s stored, %.2f s, %.0f MB/s\n", what.c_str(),
              s.sources.size(), s.sources.size() == 1 ? "" : "s", s.table.c_str(), version.c_str(),
              Mb(s.bytes_in).c_str(), Mb(s.bytes_stored).c_str(), s.seconds, mbs);
  if (s.quarantined > 0) {
    std::printf("quarantined records are in table %s (lakewatch table scan %s)\n", s.quarantine_table.c_str(),
                s.quarantine_table.c_str());
  }
  for (const ingest::SourceSummary& src : s.sources) {
    if (src.skipped) std::printf("skipped %s: already in the table (--idempotent)\n", src.name.c_str());
  }
  return Status::OK();
}

}  // namespace

void RegisterIngestCommand(CLI::App* app, const GlobalOptions* global, Handler* handler) {
  auto a = std::make_shared<IngestArgs>();
  CLI::App* cmd = app->add_subcommand("ingest", "ingest logs and events (JSON, logfmt, CSV, text, OTLP) into a table");
  cmd->add_option("--table", a->table, "table name (under the data directory) or path")->required();
  cmd->add_option("--input-format", a->input_format, "auto|jsonl|json|logfmt|csv|tsv|text|otlp (default auto)")
      ->check(CLI::IsMember({"auto", "jsonl", "json", "logfmt", "csv", "tsv", "text", "otlp"}));
  cmd->add_option("--timestamp", a->timestamp, "field holding the event time (default: timestamp, @timestamp, ts, time)");
  cmd->add_flag("--idempotent", a->idempotent, "skip sources whose content the table already holds");
  cmd->add_option("--threads", a->threads, "threads for encoding (default: all cores)");
  cmd->add_option("--max-record-bytes", a->max_record_bytes, "longest record (default 16 MiB)");
  cmd->add_flag("--no-templates", a->no_templates, "do not mine log templates");
  cmd->add_flag("--no-partition", a->no_partition, "do not partition a new table by date");
  cmd->add_option("--index-text", a->index_text,
                  "columns with a full-text search index, comma-separated (stored in the table; default "
                  "message,error.message,template; '' for none)");
  cmd->add_option("--index-keyword", a->index_keyword,
                  "columns with an exact-value index, comma-separated (stored in the table; default "
                  "request_id,trace_id,span_id; '' for none)");
  cmd->add_flag("--no-index", a->no_index, "write no search index sidecars in this run");
  cmd->add_flag("--quiet", a->quiet, "no progress bar");
  cmd->add_option("--format", a->format, "summary format: text (default) or json");
  cmd->add_option("inputs", a->inputs, "files to ingest, or - for stdin")->required();
  cmd->callback([a, global, handler] { *handler = [a, global] { return RunIngest(*global, *a); }; });
}

}  // namespace lakewatch::cli
