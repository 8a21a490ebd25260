// Test helpers shared by the flat-record parsers' unit tests (csv_test.cc,
// logfmt_test.cc): owned copies of what a parser hands its sink, a chunked
// feed as the pipeline does it, and a check of records' positions. Not part
// of the library (header only, included by tests alone).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
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

// Feeds `input` the way the pipeline does: chunks cut at `cuts` (ascending),
// the unconsumed tail kept and the next chunk appended, eof on the last call.
inline std::vector<Captured> ParseInChunks(RecordParser& parser, std::string_view input,
                                           const std::vector<size_t>& cuts) {
  CaptureSink sink;
  std::string buffer;
  size_t from = 0;
  for (size_t k = 0; k <= cuts.size(); ++k) {
    const size_t to = k < cuts.size() ? cuts[k] : input.size();
    buffer.append(input.substr(from, to - from));
    from = to;
    const bool eof = k == cuts.size();
    const size_t used = parser.Parse(buffer, eof, &sink);
    EXPECT_LE(used, buffer.size());
    buffer.erase(0, used);
    if (eof) {
      EXPECT_TRUE(buffer.empty()) << "eof call left " << buffer.size() << " bytes";
    }
  }
  return sink.out;
}

// Every record's raw bytes sit at its offset in the input, and its line is one
// more than the LFs before that offset.
inline void ExpectPositionsMatchInput(std::string_view input, const std::vector<Captured>& recs) {
  for (const Captured& c : recs) {
    ASSERT_LE(static_cast<size_t>(c.offset) + c.raw.size(), input.size());
    EXPECT_EQ(input.substr(c.offset, c.raw.size()), c.raw);
    EXPECT_EQ(c.line, 1 + std::count(input.begin(), input.begin() + c.offset, '\n'));
  }
}

}  // namespace lakewatch::ingest::test_util
