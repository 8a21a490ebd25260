// Owned copies of what a flat-record parser hands its sink (record.h), for
// the parsers' unit tests (parser_test_util.h) and fuzz targets
// (fuzz/record_capture.h): no test framework needed. Not part of the library.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ingest/record.h"

namespace lakewatch::ingest::test_util {

using Kind = FieldValue::Kind;

// Owned copies of what a parser hands its sink, good records and bad ones in order.
struct Value {
  Kind kind = Kind::kNull;
  bool b = false;
  int64_t i = 0;
  double d = 0;
  std::string s;
  bool operator==(const Value&) const = default;
};

struct Captured {
  bool bad = false;
  int64_t line = 0;
  int64_t offset = 0;
  std::string raw;
  std::vector<std::pair<std::string, Value>> fields;
  std::string reason;
  bool operator==(const Captured&) const = default;

  std::vector<std::string> Names() const {
    std::vector<std::string> names;
    for (const auto& f : fields) names.push_back(f.first);
    return names;
  }

  const Value* Get(std::string_view name) const {
    for (const auto& [n, v] : fields) {
      if (n == name) return &v;
    }
    return nullptr;
  }
};

class CaptureSink : public RecordSink {
 public:
  void OnRecord(const FlatRecord& record) override {
    Captured& c = out.emplace_back();
    c.line = record.line;
    c.offset = record.offset;
    c.raw = std::string(record.raw);
    for (const FlatField& f : record.fields) {
      Value v;
      v.kind = f.value.kind;
      v.b = f.value.b;
      v.i = f.value.i;
      v.d = f.value.d;
      v.s = std::string(f.value.s);
      c.fields.emplace_back(std::string(f.name), std::move(v));
    }
  }
  void OnBadRecord(int64_t line, int64_t offset, std::string_view raw,
                   const std::string& reason) override {
    Captured& c = out.emplace_back();
    c.bad = true;
    c.line = line;
    c.offset = offset;
    c.raw = std::string(raw);
    c.reason = reason;
  }
  std::vector<Captured> out;
};

}  // namespace lakewatch::ingest::test_util
