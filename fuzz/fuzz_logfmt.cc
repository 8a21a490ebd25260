// libFuzzer target for LogfmtParser (logfmt.h).
//
// Input: byte 0 picks the chunk split point, byte 1 bit 0 the type inference;
// the rest is the logfmt text. Checks:
// - parsing in two chunks (split where byte 0 says) gives the same records,
//   bad records and reasons as one call over the whole text;
// - one record or bad record per non-blank line, in order, each with the
//   line's number, offset and bytes as counted here independently;
// - field names within a record are unique.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "record_capture.h"
#include "ingest/logfmt.h"

namespace {

using lakewatch::fuzz::Captured;
using lakewatch::fuzz::Check;
using lakewatch::fuzz::RunInTwoChunks;
using lakewatch::ingest::LogfmtOptions;
using lakewatch::ingest::LogfmtParser;

std::vector<Captured> Run(const LogfmtOptions& options, std::string_view text, size_t cut) {
  LogfmtParser parser(options);
  return RunInTwoChunks(parser, text, cut);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 2, size - 2);
  const size_t cut = text.size() * data[0] / 255;
  LogfmtOptions options;
  options.infer_types = (data[1] & 1) != 0;

  const std::vector<Captured> whole = Run(options, text, text.size());
  Check(whole == Run(options, text, cut));

  // The non-blank lines, found here without the parser.
  size_t next = 0;
  size_t pos = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  int64_t line = 1;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    const size_t stop = end == std::string_view::npos ? text.size() : end;
    std::string_view content = text.substr(pos, stop - pos);
    if (end != std::string_view::npos && !content.empty() && content.back() == '\r') {
      content.remove_suffix(1);
    }
    if (content.find_first_not_of(" \t") != std::string_view::npos) {
      Check(next < whole.size());
      const Captured& c = whole[next++];
      Check(c.line == line);
      Check(c.offset == static_cast<int64_t>(pos));
      Check(c.raw == content);
      Check(c.bad == !c.reason.empty());
      if (!c.bad) {
        Check(!c.fields.empty());
        std::vector<std::string> names = c.Names();
        std::sort(names.begin(), names.end());
        Check(std::adjacent_find(names.begin(), names.end()) == names.end());
      }
    }
    ++line;
    pos = stop + 1;
  }
  Check(next == whole.size());
  return 0;
}
