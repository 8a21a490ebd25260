// Shared by the fuzz targets of the flat-record parsers (CSV, logfmt, ...):
// a two-chunk run of a parser into the capture sink of
// ingest/record_capture.h, so a target can compare a split parse with a whole one.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ingest/record.h"
#include "ingest/record_capture.h"

namespace lakewatch::fuzz {

using ingest::RecordParser;

using ingest::test_util::Captured;
using ingest::test_util::CaptureSink;

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
