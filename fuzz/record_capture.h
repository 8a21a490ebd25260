// Shared by the fuzz targets of the flat-record parsers (CSV, logfmt, ...):
// a RecordSink that copies every record and bad record, and a two-chunk run
// of a parser, so a target can compare a split parse with a whole one.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ingest/record.h"

namespace lakewatch::fuzz {

using ingest::FieldValue;
using ingest::FlatField;
using ingest::FlatRecord;
using ingest::RecordParser;
using ingest::RecordSink;

struct Captured {
  bool bad = false;
  int64_t line = 0;
  int64_t offset = 0;
  std::string raw;
  std::string reason;
  std::vector<std::string> names;
  std::vector<FieldValue::Kind> kinds;
  std::vector<std::string> texts;
  std::vector<int64_t> bits;  // b, i, or the bits of d
  bool operator==(const Captured&) const = default;
};

class CaptureSink : public RecordSink {
 public:
  void OnRecord(const FlatRecord& record) override {
    Captured& c = out.emplace_back();
    c.line = record.line;
    c.offset = record.offset;
    c.raw = std::string(record.raw);
    for (const FlatField& f : record.fields) {
      c.names.emplace_back(f.name);
      c.kinds.push_back(f.value.kind);
      c.texts.emplace_back(f.value.s);
      int64_t bits = f.value.kind == FieldValue::Kind::kBool ? f.value.b : f.value.i;
      if (f.value.kind == FieldValue::Kind::kDouble) std::memcpy(&bits, &f.value.d, sizeof(bits));
      c.bits.push_back(bits);
    }
  }
  void OnBadRecord(int64_t line, int64_t offset, std::string_view raw, const std::string& reason) override {
    Captured& c = out.emplace_back();
    c.bad = true;
    c.line = line;
    c.offset = offset;
    c.raw = std::string(raw);
    c.reason = reason;
  }
  std::vector<Captured> out;
};

inline void Check(bool ok) {
  if (!ok) __builtin_trap();
}

// Feeds text[0, cut) and then the rest (after the unconsumed tail) to `parser`.
inline std::vector<Captured> RunInTwoChunks(RecordParser& parser, std::string_view text, size_t cut) {
  CaptureSink sink;
  std::string buffer(text.substr(0, cut));
  const size_t used = parser.Parse(buffer, false, &sink);
  Check(used <= buffer.size());
  buffer.erase(0, used);
  buffer.append(text.substr(cut));
  Check(parser.Parse(buffer, true, &sink) == buffer.size());
  return std::move(sink.out);
}

}  // namespace lakewatch::fuzz
