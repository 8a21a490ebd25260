// logfmt input: one record per line of `key=value` pairs, as written by
// Heroku's router, Go kit's log.NewLogfmtLogger, logrus' text formatter and
// many others:
//
//   ts=2025-11-24T16:00:00Z level=info msg="model loaded" latency_ms=12.5 cached
//
// Syntax (one line, LF or CRLF; the last line may lack its terminator):
// - Pairs are separated by spaces or tabs (any number). Blank lines are
//   skipped but counted for line numbers; a UTF-8 BOM at the very start of the
//   source is skipped.
// - A key is a run of bytes other than space, tab, '=' and '"'. Keys are kept
//   as written; a dotted key (`model.version`) is a path into nested structs
//   for the pipeline. A key already used on the line gets the smallest suffix
//   `_<k>` (k >= 2) that makes it unique, so no value is lost.
// - `key` alone (a bare key) is the boolean true.
// - `key=` with nothing after it is null; `key=""` is the empty string.
// - `key=value`: an unquoted value runs to the next space or tab and may hold
//   '=' and '"' (`url=/q?a=b`).
// - `key="..."`: a quoted value runs to the next '"' not escaped by '\'.
//   Escapes: \" \\ \/ \b \f \n \r \t and \uXXXX (UTF-16, surrogate pairs
//   joined, written as UTF-8); any other backslash sequence, or a lone
//   surrogate, is kept as written.
// - Values are typed by InferScalar (scalar_infer.h), quoted or not, except
//   that "" stays an empty string; with !infer_types they stay strings.
//
// Lines that are not logfmt:
// - A line with no '=' at all (`Starting server`, `He said "hi`) is plain
//   text: one string field `message` holding the whole line.
// - A line with an '=' that breaks the syntax — an unterminated quoted value,
//   an empty key (`=x`), a '"' inside a key, or text right after a closing
//   quote (`k="a"b`) — is a bad record (OnBadRecord) whose reason names the
//   key and the 1-based byte column; parsing continues on the next line.
//
// FlatRecord.line/offset/raw are the line's number, byte offset and bytes
// (terminator excluded). Chunk boundaries never change the records.
// Thread-safety: a parser is used by one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

#include "ingest/record.h"

namespace lakewatch::ingest {

struct LogfmtOptions {
  bool infer_types = true;  // false: every value except bare keys and nulls is a string
};

class LogfmtParser : public RecordParser {
 public:
  explicit LogfmtParser(LogfmtOptions options = {});

  size_t Parse(std::string_view data, bool eof, RecordSink* sink) override;

 private:
  // Fills record_.fields from `line`; on a syntax error returns false with
  // *reason set (record_ is then meaningless).
  bool ParseLine(std::string_view line, std::string* reason);
  // Appends a field named `key` (renamed if taken on this line).
  FlatField& AddField(std::string_view key);

  LogfmtOptions options_;
  bool bom_checked_ = false;
  int64_t line_ = 1;                 // line number of the next unconsumed byte
  int64_t offset_ = 0;               // source offset of the next unconsumed byte
  std::string scratch_;              // unescaped quoted values of the current line
  std::deque<std::string> renamed_;  // renamed duplicate keys of the current line
  // On a line with many fields: each name -> the next `_k` suffix to try for it.
  std::unordered_map<std::string_view, int> names_;
  FlatRecord record_;
};

}  // namespace lakewatch::ingest
