// libFuzzer target for CsvParser and the shared tokenizer (csv.h).
//
// Input: byte 0 picks the chunk split point, byte 1 the options (delimiter,
// quote limits, type inference); the rest is the CSV text. Checks:
// - parsing in two chunks (split where byte 0 says) gives the same records,
//   bad records and reasons as one call over the whole text;
// - every record's raw bytes sit at its offset, its line is one more than the
//   LFs before that offset, and the eof call consumes everything;
// - without quote limits, CsvParser agrees with ParseCsvText: same data rows
//   and field texts when the text parses, no good records lost otherwise.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "record_capture.h"
#include "ingest/csv.h"

namespace {

using lakewatch::fuzz::Captured;
using lakewatch::fuzz::Check;
using lakewatch::fuzz::RunInTwoChunks;
using lakewatch::ingest::CsvOptions;
using lakewatch::ingest::CsvParser;

std::vector<Captured> Run(const CsvOptions& options, std::string_view text, size_t cut) {
  CsvParser parser(options);
  return RunInTwoChunks(parser, text, cut);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 2, size - 2);
  const size_t cut = text.size() * data[0] / 255;
  const uint8_t mode = data[1];
  CsvOptions options;
  options.delimiter = "\t,;|"[mode & 3];
  options.infer_types = (mode & 4) != 0;
  const bool unlimited = (mode & 0x18) == 0;
  if (unlimited) {
    options.max_quoted_field_bytes = std::numeric_limits<size_t>::max();
    options.max_quoted_field_newlines = std::numeric_limits<int64_t>::max();
  } else if ((mode & 0x18) == 0x08) {
    options.max_quoted_field_bytes = 16;
    options.max_quoted_field_newlines = 2;
  }  // else the defaults

  const std::vector<Captured> whole = Run(options, text, text.size());
  const std::vector<Captured> split = Run(options, text, cut);
  Check(whole == split);

  size_t newlines_before = 0, scanned = 0;
  int64_t last_offset = -1;
  for (const Captured& c : whole) {
    Check(c.offset > last_offset);
    last_offset = c.offset;
    Check(static_cast<size_t>(c.offset) + c.raw.size() <= text.size());
    Check(text.substr(c.offset, c.raw.size()) == c.raw);
    for (; scanned < static_cast<size_t>(c.offset); ++scanned)
      newlines_before += text[scanned] == '\n';
    Check(c.line == static_cast<int64_t>(newlines_before) + 1);
    Check(c.bad == !c.reason.empty());
  }

  if (unlimited) {
    auto rows = lakewatch::ingest::ParseCsvText(text, options.delimiter);
    if (rows.ok()) {
      Check(rows->empty() ? whole.empty() : whole.size() == rows->size() - 1);
      for (size_t r = 0; r < whole.size(); ++r) {
        const Captured& c = whole[r];
        const std::vector<std::string>& row = (*rows)[r + 1];
        Check(!c.bad);
        Check(c.fields.size() >= row.size() && c.fields.size() >= (*rows)[0].size());
        for (size_t k = 0; k < c.fields.size(); ++k) {
          Check(c.fields[k].second.s == (k < row.size() ? row[k] : std::string()));
        }
      }
    } else {
      // The whole-text reader stops at the first unterminated quote; the
      // parser reports it as a bad record.
      bool any_bad = false;
      for (const Captured& c : whole) any_bad |= c.bad;
      Check(any_bad);
    }
  }
  return 0;
}
