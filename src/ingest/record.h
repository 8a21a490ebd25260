// FlatRecord and RecordParser: the contract between the line-oriented format
// parsers (CSV/TSV, logfmt, plain-text and access logs) and the ingest
// pipeline, which turns records into typed columns (record_builder.h).
//
// A parser is fed the decompressed bytes of one source in chunks. Each call
// parses the complete records at the front of the chunk, hands each one to the
// sink, and returns how many bytes it consumed; the pipeline keeps the
// unconsumed tail, appends the next chunk, and calls again. With `eof` the
// parser consumes everything (the last record may lack a final newline).
//
// Lifetime: every string_view in a FlatRecord points into the chunk passed to
// Parse() or into the parser's own scratch, and is valid only during the
// sink call.
// Thread-safety: a parser is used by one thread; parsers of different sources
// are independent.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lakewatch::ingest {

// One typed value of a flat record.
struct FieldValue {
  enum class Kind : uint8_t { kNull, kBool, kInt64, kDouble, kString, kTimestamp };
  Kind kind = Kind::kNull;
  bool b = false;
  int64_t i = 0;       // kInt64; kTimestamp: microseconds since the epoch, UTC
  double d = 0;        // kDouble
  std::string_view s;  // kString: the value; other kinds: the source text when known

  static FieldValue Null() { return {}; }
  static FieldValue Bool(bool v) { FieldValue f; f.kind = Kind::kBool; f.b = v; return f; }
  static FieldValue Int64(int64_t v) { FieldValue f; f.kind = Kind::kInt64; f.i = v; return f; }
  static FieldValue Double(double v) { FieldValue f; f.kind = Kind::kDouble; f.d = v; return f; }
  static FieldValue String(std::string_view v) { FieldValue f; f.kind = Kind::kString; f.s = v; return f; }
  static FieldValue Timestamp(int64_t micros) {
    FieldValue f; f.kind = Kind::kTimestamp; f.i = micros; return f;
  }
};

// A named value. A dotted name ("model.version") is a path into nested structs.
struct FlatField {
  std::string_view name;
  FieldValue value;
};

struct FlatRecord {
  std::vector<FlatField> fields;
  int64_t line = 0;      // 1-based line of the record's first line in its source
  int64_t offset = 0;    // byte offset of the record's first byte in its source (decompressed)
  std::string_view raw;  // the record's bytes, line terminator excluded

  void Clear() { fields.clear(); line = 0; offset = 0; raw = {}; }
};

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual void OnRecord(const FlatRecord& record) = 0;
  // A record the parser cannot read (e.g. an unterminated quote at end of
  // input): it goes to quarantine with `reason`; parsing continues after it.
  virtual void OnBadRecord(int64_t line, int64_t offset, std::string_view raw,
                           const std::string& reason) = 0;
};

class RecordParser {
 public:
  virtual ~RecordParser() = default;
  // Parses the complete records at the front of `data`, calling `sink` for
  // each, and returns the number of bytes consumed (always at a record
  // boundary). With `eof` it consumes all of `data`. Line numbers and offsets
  // continue across calls.
  virtual size_t Parse(std::string_view data, bool eof, RecordSink* sink) = 0;
};

}  // namespace lakewatch::ingest
