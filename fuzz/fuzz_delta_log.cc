// libFuzzer target for Delta log parsing. The input is one log file:
//
//  - Parquet bytes ("PAR1" first): written as the table's only log entry,
//    _delta_log/00000000000000000000.checkpoint.parquet, and loaded with
//    Snapshot::Load, which reads the checkpoint's add/remove/txn/metaData/
//    protocol rows (checkpoint parsing).
//  - anything else: a commit file. ParseCommit on the bytes in memory; every
//    action it returns is serialized again with ToJson and must parse back
//    (a parse/serialize disagreement aborts); then the same bytes are written
//    as _delta_log/00000000000000000000.json and loaded with Snapshot::Load
//    (log replay, URI path decoding).
//
// Either way the loaded snapshot then goes through what a scan does with the
// log before it opens data files: the protocol check, schemaString parsing
// (CheckReadable), each live file's partition values typed by the schema and
// its stats JSON (ParseStats). Any outcome other than a clean Status (crash,
// sanitizer report, leak, hang, abort) is a bug.
//
// Work is capped: inputs above kMaxInputBytes are rejected, and checkpoints
// whose row groups declare more than kMaxDeclaredRows rows or values are not
// loaded (a few bytes of RLE can declare billions of nulls; see
// fuzz_parquet_reader.cc).
#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "delta/actions.h"
#include "delta/log_store.h"
#include "delta/schema_json.h"
#include "delta/snapshot.h"
#include "parquet/file_reader.h"

namespace {

namespace delta = lakewatch::delta;

constexpr size_t kMaxInputBytes = size_t{1} << 20;
constexpr int64_t kMaxDeclaredRows = int64_t{1} << 16;

// A table directory reused by every run (one per process).
const std::string& TableDir() {
  static const std::string dir = [] {
    char tmpl[] = "/tmp/fuzz_delta_log.XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) std::abort();
    std::string d = tmpl;
    if (!delta::LogStore(d).CreateLogDir().ok()) std::abort();
    return d;
  }();
  return dir;
}

void WriteLogFile(const std::string& name, std::string_view content) {
  const std::string path = TableDir() + "/_delta_log/" + name;
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) std::abort();
  if (!content.empty() && std::fwrite(content.data(), 1, content.size(), f) != content.size()) {
    std::abort();
  }
  std::fclose(f);
}

void RemoveLogFile(const std::string& name) {
  ::unlink((TableDir() + "/_delta_log/" + name).c_str());
}

bool CheckpointWithinBudget(std::string_view bytes) {
  auto reader = lakewatch::parquet::ParquetFileReader::FromBuffer(std::string(bytes), "fuzz");
  if (!reader.ok()) return true;  // the load fails early and cheaply
  for (const auto& rg : (*reader)->metadata().row_groups) {
    if (rg.num_rows > kMaxDeclaredRows) return false;
    for (const auto& chunk : rg.columns) {
      if (chunk.meta_data.has_value() &&
          (chunk.meta_data->num_values < 0 || chunk.meta_data->num_values > kMaxDeclaredRows)) {
        return false;
      }
    }
  }
  return true;
}

// What a scan derives from the log: schema, typed partition values, stats.
void UseSnapshot(const delta::Snapshot& snap) {
  if (!snap.CheckReadable().ok()) return;
  const lakewatch::Schema& schema = snap.schema();
  for (const delta::LiveFile& f : snap.files()) {
    for (const auto& [column, value] : f.add.partition_values) {
      const int i = schema.FieldIndex(column);
      if (i >= 0) (void)delta::ParsePartitionValue(value, schema.fields[i].type);
    }
    if (f.add.stats.has_value()) (void)delta::ParseStats(*f.add.stats, schema);
  }
}

// Every parsed action must survive ToJson -> ParseCommit.
void CheckRoundTrip(const delta::ActionSet& a) {
  std::string text;
  auto line = [&](const std::string& json) {
    text += json;
    text += '\n';
  };
  if (a.protocol) line(delta::ToJson(*a.protocol));
  if (a.metadata) line(delta::ToJson(*a.metadata));
  for (const auto& add : a.adds) line(delta::ToJson(add));
  for (const auto& rm : a.removes) line(delta::ToJson(rm));
  for (const auto& t : a.txns) line(delta::ToJson(t));
  auto again = delta::ParseCommit(text, 0);
  if (!again.ok()) {
    std::fprintf(stderr, "re-parse of serialized actions failed: %s\n%s\n",
                 again.status().ToString().c_str(), text.c_str());
    std::abort();
  }
  if (again->adds.size() != a.adds.size() || again->removes.size() != a.removes.size() ||
      again->txns.size() != a.txns.size() ||
      again->protocol.has_value() != a.protocol.has_value() ||
      again->metadata.has_value() != a.metadata.has_value()) {
    std::fprintf(stderr, "serialized actions re-parse to other actions:\n%s\n", text.c_str());
    std::abort();
  }
  for (size_t i = 0; i < a.adds.size(); ++i) {
    if (again->adds[i].path != a.adds[i].path ||
        again->adds[i].partition_values != a.adds[i].partition_values ||
        again->adds[i].stats != a.adds[i].stats) {
      std::fprintf(stderr, "add %zu changed in a round trip:\n%s\n", i, text.c_str());
      std::abort();
    }
  }
  if (a.metadata && again->metadata->schema_string != a.metadata->schema_string) {
    std::fprintf(stderr, "schemaString changed in a round trip:\n%s\n", text.c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxInputBytes) return -1;  // -1: never added to the corpus
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string commit = delta::LogStore::CommitName(0);
  const std::string checkpoint = "00000000000000000000.checkpoint.parquet";
  const bool is_parquet = input.substr(0, 4) == "PAR1";
  if (is_parquet) {
    if (!CheckpointWithinBudget(input)) return -1;
    RemoveLogFile(commit);
    WriteLogFile(checkpoint, input);
  } else {
    auto actions = delta::ParseCommit(input, 0);
    if (actions.ok()) {
      CheckRoundTrip(*actions);
      if (actions->metadata && actions->metadata->schema_string) {
        (void)delta::ParseSchemaString(*actions->metadata->schema_string);
      }
      for (const auto& add : actions->adds) (void)delta::DecodePath(add.path);
    }
    RemoveLogFile(checkpoint);
    WriteLogFile(commit, input);
  }
  delta::LogStore store(TableDir());
  auto snap = delta::Snapshot::Load(store);
  if (snap.ok()) UseSnapshot(**snap);
  return 0;
}
