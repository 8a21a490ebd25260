// TextLogParser: plain-text logs, one record per line (or per multi-line
// entry), with the header fields found at the start of each line.
//
// Layouts are recognized per line, with no configuration, in this order (the
// user documentation, docs/ingest-text-logs.md, lists the fields of each):
//   1. Apache/nginx access logs, common and combined:
//      `ip ident user [17/May/2015:10:05:03 +0000] "GET /p HTTP/1.1" 200 512 "ref" "agent"`
//   2. BlueGene/L RAS: `- 1117838570 2005.06.03 NODE 2005-06-03-15.42.50.675872 NODE RAS KERNEL
//   INFO msg`
//   3. LANL HPC: `134681 node-246 unix.hw state_change.unavailable 1077804742 1 msg`
//   4. glog: `I1124 16:00:00.123456  1234 file.cc:10] msg`
//   5. A leading timestamp (any form of ExtractLeadingTimestamp, bracketed or
//      not) followed by a header: syslog `host tag[pid]: `, or any of pid/tid
//      numbers, a level (`INFO`, `[notice]`, `[core:error]`, Android `D` after
//      pid and tid), a `[thread]` (log4j `[thread:Class@line]` split), a
//      component (`name: `, `name - `, or a padded column), ` - ` separators.
//   6. A leading level with no timestamp (`ERROR: ...`, `[WARN] ...`, `INFO:root:...`).
//   Anything else is plain text: the line is the message. A syslog PRI
//   (`<34>`) may precede any of them; `<34>1 ...` is read as RFC 5424.
//
// Records and continuation lines: a line that matches one of layouts 1-6 has
// a header. A line without a header is a continuation of the record being
// built when that record's first line had a timestamp (so stack traces,
// Python tracebacks and wrapped messages stay with their entry); after a
// first line with only a level, or none, only indented and stack-trace lines
// continue it (`Caused by: `, `... 12 more`, a Python traceback and the
// exception line that closes it). An access-log line takes no continuations.
// Blank lines inside an entry are kept when a continuation line follows them;
// other blank lines are skipped. A record's `message` keeps its line breaks
// (LF; CR before LF is removed), and has surrounding whitespace trimmed;
// `raw` spans all its lines.
//
// Bad input, reported to RecordSink::OnBadRecord and skipped:
// - a line longer than max_record_bytes (raw: its first max_record_bytes
//   bytes; the rest of the line is skipped without being buffered);
// - a record that is not valid UTF-8 (the table stores UTF-8 strings).
// A multi-line entry that would grow past max_record_bytes ends before the
// line that would overflow it; that line starts the next record.
//
// A record is complete only when the next record's first line (or the end of
// input) is seen, so Parse() leaves the last record unconsumed unless `eof`.
//
// Thread-safety: one parser per source and thread. No heap allocation per
// line in steady state (string_views into the chunk; one reused scratch
// string for multi-line CRLF messages).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ingest/record.h"
#include "ingest/timestamp_parse.h"

namespace lakewatch::ingest {

struct TextLogOptions {
  // Reference time for year-less timestamps (see TimestampContext): normally
  // when the source is read.
  TimestampContext timestamp_context = TimestampContext::Now();
  // Longest record, in bytes of raw input (line terminators included).
  size_t max_record_bytes = 1 << 20;
};

class TextLogParser : public RecordParser {
 public:
  explicit TextLogParser(TextLogOptions options = {});

  size_t Parse(std::string_view data, bool eof, RecordSink* sink) override;

  // Counters since construction.
  int64_t records() const { return records_; }
  int64_t bad_records() const { return bad_records_; }

  // The most header fields one line yields (fields beyond the message).
  static constexpr int kMaxHeaderFields = 16;

  // A line's header: the fields found and where the message starts.
  // Exposed for tests and for callers that classify single lines.
  struct Header {
    enum class Kind : uint8_t {
      kNone,    // plain text
      kLevel,   // starts with a level, no timestamp
      kStamped  // a timestamp or a fixed layout (access log, BGL, HPC, glog)
    };
    Kind kind = Kind::kNone;
    int num_fields = 0;
    FlatField fields[kMaxHeaderFields];
    // Where the message starts in the line; npos: the layout has no message
    // (a fully parsed access-log line).
    size_t message_begin = 0;
  };
  // Parses the header of one line (no terminator) into *h.
  static void ParseHeader(std::string_view line, const TimestampContext& ctx, Header* h);

 private:
  // Emits the record [begin, end) of `data` whose first line is `first`.
  void Emit(std::string_view data, size_t begin, size_t end, size_t first_line_end,
            const Header& header, int64_t line, int lines, RecordSink* sink);
  void Bad(int64_t line, int64_t offset, std::string_view raw, const std::string& reason,
           RecordSink* sink);

  TextLogOptions options_;
  int64_t line_ = 1;       // line number at the next unconsumed byte
  int64_t offset_ = 0;     // source offset of the next unconsumed byte
  bool skipping_ = false;  // inside an oversized line: drop bytes up to its LF
  int64_t records_ = 0;
  int64_t bad_records_ = 0;
  FlatRecord record_;
  std::string scratch_;
  Header next_;  // header of the line after the record being built
};

}  // namespace lakewatch::ingest
