// CSV and TSV input (RFC 4180): the record tokenizer, a whole-file reader for
// tests and small tables (ReadCsvFile), and the streaming CsvParser that feeds
// the ingest pipeline. Both readers split records with ScanCsvRecord, so they
// agree byte for byte on what a record and a field are.
//
// Syntax accepted (a superset of RFC 4180):
// - Records end at LF or CRLF outside quotes; the last record may lack one.
//   A CR not followed by LF is data. A UTF-8 byte order mark at the very start
//   of the input is skipped. Blank lines (no bytes, or a lone CR) are skipped
//   but counted for line numbers.
// - A field that starts with '"' is quoted: it runs to the next '"' not
//   doubled, may hold delimiters, CR and LF, and "" stands for one '"'. Text
//   between a closing quote and the next delimiter or record end is appended
//   literally (`"ab"c` reads as `abc`), as most CSV readers do.
// - A '"' anywhere else in a field is an ordinary character.
// - A quoted field whose quote never closes, or whose content exceeds the
//   limits below, is an error: the record's lines up to and including the
//   line holding that opening quote are bad, and reading resumes on the next
//   line. This keeps one stray quote from swallowing the rest of a file.
//
// Thread-safety: functions are pure; a CsvParser is used by one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "ingest/record.h"

namespace lakewatch::ingest {

// ---- tokenizer ------------------------------------------------------------

// Bounds on one quoted field, counted over the bytes between its quotes.
// A field over either bound is bad even when its quote closes later, so the
// verdict never depends on how the input was split into chunks.
struct CsvQuoteLimits {
  size_t max_bytes = std::numeric_limits<size_t>::max();
  int64_t max_newlines = std::numeric_limits<int64_t>::max();  // LF bytes inside the quotes
};

// One field of a scanned record; offsets index the `data` given to ScanCsvRecord.
struct CsvFieldSpan {
  size_t begin = 0;        // first byte of the field (its opening quote when quoted)
  size_t end = 0;          // one past its last byte (before the delimiter or CR LF)
  size_t value_begin = 0;  // the value's bytes when !needs_decode:
  size_t value_end = 0;    //   inside the quotes, or the whole unquoted field
  bool quoted = false;
  bool needs_decode = false;  // quoted with "" escapes or text after the closing quote
};

enum class CsvScanStatus : uint8_t {
  kRecord,    // a complete record
  kNeedMore,  // the record may continue past `data` (only when !eof)
  kBadQuote,  // a quoted field never closes or is over the limits
};

struct CsvScan {
  CsvScanStatus status = CsvScanStatus::kNeedMore;
  // kRecord: end of the record's bytes (terminator excluded).
  // kBadQuote: end of the line holding the bad opening quote (terminator excluded).
  size_t content_end = 0;
  size_t next = 0;          // where the next record starts (kRecord, kBadQuote)
  int64_t newlines = 0;     // LF bytes in [start, next)
  size_t bad_quote = 0;     // kBadQuote: offset of the opening quote
  bool over_limit = false;  // kBadQuote: true = over a limit, false = still open at end of input
};

// Scans the record starting at data[start] (REQUIRES start < data.size()),
// filling `fields` (cleared first). With `eof`, the end of `data` ends the
// input, so the result is never kNeedMore. The result for a prefix of the
// input is either kNeedMore or the same as for the whole input.
CsvScan ScanCsvRecord(std::string_view data, size_t start, bool eof, char delimiter,
                      const CsvQuoteLimits& limits, std::vector<CsvFieldSpan>* fields);

// Appends the value of a field with span.needs_decode (quotes removed, ""
// unescaped, text after the closing quote kept) to *out.
void AppendDecodedCsvField(std::string_view data, const CsvFieldSpan& span, std::string* out);

// ---- whole-file reader -----------------------------------------------------

// Reads every record of CSV text: rows of field values, the header row (if
// any) first, each row as long as its record (rows are not padded). Quoted and
// unquoted empty fields both read as "". No limits on quoted fields. An
// unterminated quote is a kCorrupt error naming the line where it opened.
Result<std::vector<std::vector<std::string>>> ParseCsvText(std::string_view text,
                                                           char delimiter = ',');

// ParseCsvText over the whole file at `path`; errors name the file.
Result<std::vector<std::vector<std::string>>> ReadCsvFile(const std::string& path,
                                                          char delimiter = ',');

}  // namespace lakewatch::ingest
