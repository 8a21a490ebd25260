// libFuzzer target: the JSON side of ingest. The input is read as JSON lines
// (whole, and again in two chunks split at a point taken from the first
// byte: both must give the same records and bad records), and as one JSON
// document; every record goes through the RecordBuilder (OTLP requests
// through the OTLP flattener), whose batches are flushed twice so the second
// half meets a locked schema (the `_rest` and widening paths). The batches
// must be well formed: every column as long as the batch. As the parallel
// pipeline does, two builders also take the lines before and after a split
// on their own (the second also in parts of at most a few lines, with the
// line numbers continuing), and when their schemas merge, both batches
// conformed to the merged schema must be well formed and in its shape.
// Builders that take lines by RecordBuilder::AddJsonText first (one pass over
// the text, no DOM) must give the same batches as builders that take them
// all through the DOM.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include <simdjson.h>

#include "common/json_format.h"
#include "ingest/json_reader.h"
#include "ingest/otlp.h"
#include "ingest/record_builder.h"
#include "ingest/schema_merge.h"

namespace {

using namespace lakewatch;
using namespace lakewatch::ingest;

struct Sink : JsonRecordSink, RecordSink {
  RecordBuilder* builder = nullptr;
  std::vector<int64_t> lines;      // of good records
  std::vector<int64_t> bad_lines;  // of bad records
  void OnJson(simdjson::dom::element record, int64_t line, int64_t offset, std::string_view raw) override {
    lines.push_back(line);
    if (builder == nullptr) return;
    if (IsOtlpLogs(record)) {
      OtlpLogsToRecords(record, line, offset, this);
    } else {
      builder->AddJson(record, "fuzz", line);
    }
  }
  void OnRecord(const FlatRecord& record) override {
    if (builder != nullptr) builder->AddFlat(record, "fuzz");
  }
  void OnBadRecord(int64_t line, int64_t offset, std::string_view raw, const std::string& reason) override {
    if (reason.empty()) std::abort();
    bad_lines.push_back(line);
  }
};

// Takes lines by their text where the builder can (as the pipeline does).
struct TextSink : Sink {
  bool OnJsonText(std::string_view text, int64_t line, int64_t) override {
    if (MayBeOtlpLogsText(text) || !builder->AddJsonText(text, "fuzz", line)) return false;
    lines.push_back(line);
    return true;
  }
};

std::string Render(const RecordBatch& b) {
  std::string out;
  AppendJsonBatch(b, &out);
  return out;
}

void CheckBatch(const RecordBatch& b) {
  if (b.columns.size() != b.schema.fields.size()) std::abort();
  for (const ColumnPtr& c : b.columns) {
    if (c->length != b.num_rows) std::abort();
  }
}

// `text` with simdjson's padding behind it.
std::string Padded(std::string_view text) {
  std::string s(text);
  s.append(simdjson::SIMDJSON_PADDING, '\0');
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // Whole input as JSON lines, into a builder.
  RecordBuilder builder;
  Sink whole;
  whole.builder = &builder;
  {
    JsonReader reader;
    std::string buf = Padded(input);
    size_t used = reader.ParseLines(std::string_view(buf.data(), input.size()), true, &whole);
    if (used != input.size()) std::abort();
  }
  CheckBatch(builder.Flush());
  // Again after the schema was locked by the first batch.
  {
    Sink again;
    again.builder = &builder;
    JsonReader reader;
    std::string buf = Padded(input);
    reader.ParseLines(std::string_view(buf.data(), input.size()), true, &again);
    CheckBatch(builder.Flush());
  }
  // The text path against the DOM path, twice (the second time with a locked schema).
  {
    RecordBuilder by_text, by_dom;
    TextSink ts;
    ts.builder = &by_text;
    Sink ds;
    ds.builder = &by_dom;
    std::string buf = Padded(input);
    for (int round = 0; round < 2; ++round) {
      ts.lines.clear();
      ts.bad_lines.clear();
      ds.lines.clear();
      ds.bad_lines.clear();
      JsonReader rt, rd;
      rt.ParseLines(std::string_view(buf.data(), input.size()), true, &ts);
      rd.ParseLines(std::string_view(buf.data(), input.size()), true, &ds);
      if (Render(by_text.Flush()) != Render(by_dom.Flush())) std::abort();
      std::sort(ts.lines.begin(), ts.lines.end());
      if (ts.lines != ds.lines || ts.bad_lines != ds.bad_lines) std::abort();
    }
  }
  // Two chunks: the same records at the same lines.
  {
    size_t split = size > 0 ? data[0] % (size + 1) : 0;
    Sink chunked;
    JsonReader reader;
    std::string first = Padded(input.substr(0, split));
    size_t used = reader.ParseLines(std::string_view(first.data(), split), false, &chunked);
    std::string rest = Padded(input.substr(used));
    size_t used2 = reader.ParseLines(std::string_view(rest.data(), input.size() - used), true, &chunked);
    if (used + used2 != input.size()) std::abort();
    if (chunked.lines != whole.lines || chunked.bad_lines != whole.bad_lines) std::abort();
  }
  // Two builders on either side of a split, as two workers on two blocks.
  {
    const size_t at = size > 1 ? data[1] % (size + 1) : 0;
    const size_t cut = input.substr(0, at).rfind('\n');
    const size_t split = cut == std::string_view::npos ? 0 : cut + 1;
    RecordBuilder a, b;
    Sink sa, sb;
    sa.builder = &a;
    sb.builder = &b;
    JsonReader ra, rb;
    std::string first = Padded(input.substr(0, split));
    ra.ParseLines(std::string_view(first.data(), split), true, &sa);
    std::string rest = Padded(input.substr(split));
    std::string_view tail(rest.data(), input.size() - split);
    std::vector<RecordBatch> parts;
    for (size_t pos = 0; pos < tail.size();) {
      pos += rb.ParseLines(tail.substr(pos), true, &sb, 3);
      if (b.num_rows() > 0) parts.push_back(b.Flush());
    }
    // The run's schema grows part by part; a part that disagrees is dropped
    // here (the pipeline parses it again).
    RecordBatch ba = a.Flush();
    Schema run = ba.schema;
    std::vector<RecordBatch> kept;
    for (RecordBatch& part : parts) {
      Schema next;
      if (!MergeSchemas(run, part.schema, &next)) continue;
      run = std::move(next);
      kept.push_back(std::move(part));
    }
    kept.push_back(std::move(ba));
    for (RecordBatch& part : kept) {
      RecordBatch c = ConformBatch(std::move(part), run);
      CheckBatch(c);
      if (!SameSchema(c.schema, run)) std::abort();
    }
  }
  // One document.
  {
    RecordBuilder doc_builder;
    Sink doc;
    doc.builder = &doc_builder;
    JsonReader reader;
    std::string buf = Padded(input);
    reader.ParseDocument(std::string_view(buf.data(), input.size()), &doc);
    CheckBatch(doc_builder.Flush());
  }
  return 0;
}
