// Test helpers shared by the flat-record parsers' unit tests (csv_test.cc,
// logfmt_test.cc): a chunked feed as the pipeline does it (into the capture
// sink of record_capture.h) and a check of records' positions. Not part
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

}  // namespace lakewatch::ingest::test_util
