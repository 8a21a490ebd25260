// libFuzzer target for TextLogParser (and the timestamp readers it uses).
//
// Input layout: byte 0 picks max_record_bytes (small caps exercise the
// oversized-line and record-split paths), bytes 1-2 pick a split point; the
// rest is the log text. The text is parsed in one call and again as the
// pipeline feeds it (two chunks, unconsumed tail carried over), and the two
// record streams must be identical. Every record must also lie inside the
// input at its offset, be valid UTF-8 in its message, and respect the cap.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/text_log.h"
#include "ingest/timestamp_parse.h"

namespace {

using lakewatch::ingest::FieldValue;
using lakewatch::ingest::FlatRecord;
using lakewatch::ingest::RecordSink;
using lakewatch::ingest::TextLogOptions;
using lakewatch::ingest::TextLogParser;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_text_log: %s\n", what);
    std::abort();
  }
}

class RenderSink : public RecordSink {
 public:
  RenderSink(std::string_view input, size_t cap) : input_(input), cap_(cap) {}

  void OnRecord(const FlatRecord& r) override {
    Check(r.offset >= 0 && static_cast<size_t>(r.offset) + r.raw.size() <= input_.size(),
          "record outside the input");
    Check(input_.substr(r.offset, r.raw.size()) == r.raw, "raw differs from the input at offset");
    Check(r.raw.size() <= cap_, "record over max_record_bytes");
    Check(r.line >= 1, "line number");
    out.append("R ").append(std::to_string(r.line)).append(" ").append(std::to_string(r.offset));
    out.append(" [").append(r.raw).append("]");
    for (const auto& f : r.fields) {
      out.append(" ").append(f.name).append("=").append(
          std::to_string(static_cast<int>(f.value.kind)));
      out.append(":").append(std::to_string(f.value.i)).append(":").append(f.value.s);
    }
    out.push_back('\n');
  }
  void OnBadRecord(int64_t line, int64_t offset, std::string_view raw,
                   const std::string& reason) override {
    Check(offset >= 0 && static_cast<size_t>(offset) + raw.size() <= input_.size(),
          "bad record outside the input");
    Check(input_.substr(offset, raw.size()) == raw, "bad raw differs from the input");
    out.append("B ").append(std::to_string(line)).append(" ").append(std::to_string(offset));
    out.append(" [").append(raw).append("] ").append(reason).push_back('\n');
  }

  std::string out;

 private:
  std::string_view input_;
  size_t cap_;
};

std::string RunWhole(std::string_view text, const TextLogOptions& o) {
  TextLogParser p(o);
  RenderSink sink(text, o.max_record_bytes);
  Check(p.Parse(text, true, &sink) == text.size(), "eof call left bytes");
  return sink.out;
}

std::string RunChunks(std::string_view text, size_t cut, const TextLogOptions& o) {
  TextLogParser p(o);
  RenderSink sink(text, o.max_record_bytes);
  std::string buf(text.substr(0, cut));
  size_t used = p.Parse(buf, false, &sink);
  Check(used <= buf.size(), "consumed more than given");
  buf.erase(0, used);
  buf.append(text.substr(cut));
  Check(p.Parse(buf, true, &sink) == buf.size(), "eof call left bytes");
  return sink.out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  static const size_t kCaps[] = {1, 8, 40, 200, 1 << 20};
  TextLogOptions o;
  o.timestamp_context.reference_micros = 1764000000000000LL;  // 2025-11-24
  o.max_record_bytes = kCaps[data[0] % 5];
  const std::string_view text(reinterpret_cast<const char*>(data) + 3, size - 3);
  const size_t cut = text.empty() ? 0 : (data[1] | (data[2] << 8)) % (text.size() + 1);

  // The timestamp readers on their own: a whole-string timestamp is also a
  // leading one, of the same value and length.
  const size_t ts_len = text.empty() ? 0 : data[1] % (std::min<size_t>(text.size(), 64) + 1);
  const std::string_view ts_text = text.substr(0, ts_len);
  const auto whole_ts = lakewatch::ingest::ParseTimestampText(ts_text);
  const auto lead_ts = lakewatch::ingest::ExtractLeadingTimestamp(ts_text, o.timestamp_context);
  if (whole_ts) {
    Check(lead_ts && lead_ts->micros == *whole_ts && lead_ts->length == ts_text.size(),
          "ParseTimestampText and ExtractLeadingTimestamp disagree");
  }

  const std::string whole = RunWhole(text, o);
  const std::string chunked = RunChunks(text, cut, o);
  if (whole != chunked) {
    std::fprintf(stderr, "whole:\n%s\nchunked at %zu:\n%s\n", whole.c_str(), cut, chunked.c_str());
    Check(false, "chunked parse differs from the single call");
  }
  return 0;
}
