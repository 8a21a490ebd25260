// Test helpers shared by the flat-record parsers' unit tests (csv_test.cc,
// logfmt_test.cc): a chunked feed as the pipeline does it (into the capture
// sink of record_capture.h) and a check of records' positions. Not part
// of the library (header only, included by tests alone).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ingest/record.h"
#include "ingest/record_capture.h"

namespace lakewatch::ingest::test_util {

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

// Counts what a parser reports (for throughput runs).
struct CountSink : public RecordSink {
  void OnRecord(const FlatRecord& record) override {
    ++records;
    fields += static_cast<int64_t>(record.fields.size());
  }
  void OnBadRecord(int64_t, int64_t, std::string_view, const std::string&) override { ++bad; }
  int64_t records = 0, fields = 0, bad = 0;
};

// Parses `text` three times with a fresh parser from `make()`, in 1 MiB
// chunks (the unconsumed tail of one starts the next); calls `check` with each
// run's counts and returns the best time in seconds (the machine is shared).
template <typename MakeParser, typename Check>
double BestOfThreeSeconds(MakeParser make, std::string_view text, Check check) {
  double best = 1e9;
  for (int rep = 0; rep < 3; ++rep) {
    auto parser = make();
    CountSink sink;
    const auto t0 = std::chrono::steady_clock::now();
    size_t pos = 0;
    while (true) {
      const size_t len = std::min<size_t>(1 << 20, text.size() - pos);
      const bool eof = pos + len == text.size();
      pos += parser.Parse(text.substr(pos, len), eof, &sink);
      if (eof) break;
    }
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    EXPECT_EQ(pos, text.size());
    check(sink);
  }
  return best;
}

}  // namespace lakewatch::ingest::test_util
