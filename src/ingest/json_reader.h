// JSON input: JSON lines (one value per line) and whole JSON documents (a
// top-level array's elements are the records; any other value is one
// record), parsed with simdjson's DOM parser, which validates UTF-8 and the
// whole RFC 8259 grammar. Records that fail go to the sink's OnBadRecord with
// simdjson's reason, the line and the byte offset.
//
// Padding: simdjson reads up to SIMDJSON_PADDING bytes past the end of a
// record. Every `data` passed here must have that many readable bytes after
// its end (the pipeline's buffers reserve them).
//
// Numbers: integers beyond the 64-bit range (valid JSON, which simdjson
// refuses) are read as doubles, as DuckDB reads them.
//
// A sink may take a JSON line from its text before it is parsed
// (OnJsonText; the pipeline's RecordBuilder::AddJsonText), which skips the DOM.
//
// Thread-safety: none; one reader per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <simdjson.h>

namespace lakewatch::ingest {

class JsonRecordSink {
 public:
  virtual ~JsonRecordSink() = default;
  // A JSON line's text before it is parsed: true when the sink took it
  // without a DOM (then OnJson is not called for it).
  virtual bool OnJsonText(std::string_view text, int64_t line, int64_t offset) { return false; }
  virtual void OnJson(simdjson::dom::element record, int64_t line, int64_t offset, std::string_view raw) = 0;
  virtual void OnBadRecord(int64_t line, int64_t offset, std::string_view raw, const std::string& reason) = 0;
};

struct JsonReaderOptions {
  int max_depth = 64;  // deeper nesting is a bad record
  // A longer line is a bad record (its first 1 MiB kept as raw).
  size_t max_record_bytes = size_t{16} << 20;
};

// Copies `text` to *out with every integer literal outside the 64-bit range
// given a ".0" fraction (strings untouched); false when there was none.
bool RewriteBigIntegers(std::string_view text, std::string* out);

class JsonReader {
 public:
  explicit JsonReader(JsonReaderOptions options = {});

  // JSON lines: parses the complete lines at the front of `data` and returns
  // the bytes consumed; with `eof` the last line may lack its newline. Blank
  // lines are skipped; a CR before the LF is ignored. Lines and offsets
  // continue across calls. Stops after `max_lines` lines (blank ones included).
  size_t ParseLines(std::string_view data, bool eof, JsonRecordSink* sink, size_t max_lines = SIZE_MAX);

  // The line number and byte offset the next byte parsed has; settable (a
  // block of a source parsed on its own starts at 1 and 0, or is parsed again).
  int64_t line() const { return line_; }
  int64_t offset() const { return offset_; }
  void SetPosition(int64_t line, int64_t offset) {
    line_ = line;
    offset_ = offset;
  }

  // One whole JSON text (`data` is all of the source). A top-level array
  // gives one record per element, each with the line and offset where it
  // starts; anything else is one record. Invalid JSON is one bad record.
  void ParseDocument(std::string_view data, JsonRecordSink* sink);

  // Parses one value (for OTLP and tests); error text in *reason.
  bool Parse(std::string_view text, simdjson::dom::element* out, std::string* reason);

 private:
  JsonReaderOptions options_;
  simdjson::dom::parser parser_;
  std::string rewrite_;  // a record with integers beyond 64 bits, made doubles
  int64_t line_ = 1;     // line number of the next unconsumed byte
  int64_t offset_ = 0;   // byte offset of the next unconsumed byte
};

}  // namespace lakewatch::ingest
