// Ingest: reads sources (files, stdin) in any supported format, turns their
// records into typed columns (RecordBuilder), writes Parquet files straight
// into the Delta table (partitioned by `date` when the ingest creates the
// table), sends bad records to `<table>_quarantine`, and commits everything in
// one Delta commit per table at the end: a run that is killed leaves no
// partial commit (only unreferenced files, which vacuum removes).
//
// Idempotence: with `idempotent`, each source's identity is the xxh3-128 hash
// of its bytes; the commit records txn(appId "lakewatch-ingest-<hash>", 1)
// per source, and a source whose appId the table already holds is skipped.
//
// Memory: bounded by the batch size (input bytes per batch), the open Parquet
// row groups and one record; it does not grow with the input size.
//
// Thread-safety: one Ingest call per table at a time per process is the
// intended use; concurrent ingests (processes) into one table are safe at the
// Delta level (optimistic commits), but the template file is last-writer-wins.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace lakewatch::ingest {

struct IngestProgress {
  int64_t bytes_read = 0;    // raw bytes of the sources consumed so far
  int64_t bytes_total = -1;  // raw bytes of all sources, -1 when unknown (stdin)
  int64_t rows = 0;
  int64_t quarantined = 0;
  double seconds = 0;
};

struct IngestOptions {
  std::string table_path;   // the Delta table directory
  std::string table_name;   // for messages (defaults to the path)
  // auto | jsonl | json | logfmt | csv | tsv | text | otlp
  std::string format = "auto";
  // Fields whose value becomes `timestamp`, first present wins; empty: the
  // defaults (timestamp, @timestamp, ts, time).
  std::vector<std::string> timestamp_fields;
  bool idempotent = false;
  int threads = 1;
  int64_t max_record_bytes = int64_t{16} << 20;
  int max_depth = 64;
  int64_t batch_rows = 1 << 15;
  int64_t batch_bytes = int64_t{12} << 20;   // input bytes per batch
  int64_t target_file_bytes = int64_t{128} << 20;
  bool templates = true;       // mine log templates for message / error.message
  bool partition_by_date = true;  // when the ingest creates the table
  // Search index sidecars (docs/search-index.md), one per data file, written
  // before the commit. Columns: comma-separated paths; nullopt takes the
  // table's configuration (lakewatch.index.text / lakewatch.index.keyword),
  // else the defaults. A value given is stored in the table's configuration
  // (at creation, or by a metadata commit before the data commit).
  bool index = true;
  std::optional<std::string> index_text;
  std::optional<std::string> index_keyword;
  std::function<void(const IngestProgress&)> progress;  // ~10 times a second at most
};

struct SourceSummary {
  std::string name;
  std::string format;       // the format used (after auto-detection)
  std::string compression;  // gzip, zstd or ""
  int64_t rows = 0;
  int64_t quarantined = 0;
  int64_t bytes = 0;        // raw bytes read
  bool skipped = false;     // idempotent: already in the table
};

struct IngestSummary {
  std::string table;
  std::string quarantine_table;
  std::optional<int64_t> version;             // the data table's commit (nothing to commit: none)
  std::optional<int64_t> quarantine_version;  // the quarantine table's commit
  int64_t rows = 0;
  int64_t quarantined = 0;
  int64_t bytes_in = 0;       // raw bytes read from the sources
  int64_t bytes_stored = 0;   // bytes of the Parquet files written (both tables)
  int64_t files_written = 0;
  int64_t index_bytes = 0;    // bytes of the search index sidecars written
  int64_t templates = 0;      // distinct log templates known after the run
  double seconds = 0;
  bool duplicate = false;     // idempotent: every source was already in the table
  std::vector<SourceSummary> sources;
};

// The quarantine table of a table: "<path>_quarantine" (a sibling directory).
std::string QuarantineTablePath(const std::string& table_path);

Result<IngestSummary> Ingest(const std::vector<std::string>& inputs, const IngestOptions& options);

// The format auto-detection picks for a source named `name` whose first
// bytes (decompressed) are `head`: jsonl, json, logfmt, csv, tsv or text.
std::string DetectFormat(std::string_view head, const std::string& name);

}  // namespace lakewatch::ingest
