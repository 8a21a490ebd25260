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
#include <deque>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
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

// ---- streaming parser -------------------------------------------------------

struct CsvOptions {
  char delimiter = ',';  // '\t' for TSV
  // Type each value with InferScalar (scalar_infer.h); false: every non-empty
  // value is a string.
  bool infer_types = true;
  // A quoted field longer than this many bytes, or holding more line breaks,
  // is reported bad even if it closes later (CsvQuoteLimits).
  size_t max_quoted_field_bytes = 1 << 20;
  int64_t max_quoted_field_newlines = 1000;
};

// The streaming CSV/TSV RecordParser. The first record of the source is the
// header; every later record becomes a FlatRecord with one field per header
// column, in column order:
// - column names are the header's values; an empty name becomes `column_<n>`
//   (n = 1-based position), and a name already taken gets the smallest
//   suffix `_<k>` (k >= 2) that makes it unique (`a,a,` -> a, a_2, column_3);
// - a record with fewer fields than the header gets nulls for the missing
//   ones; fields beyond the header are kept as `_extra_1`, `_extra_2`, ...
//   (numbered from the first field past the header; made unique the same way);
// - an empty unquoted field is null, a quoted empty field ("") is the empty
//   string, any other value is typed by InferScalar (quoted or not) or kept as
//   a string when !infer_types.
// FlatRecord.line/offset/raw are those of the record's first line, first byte
// and bytes (terminator excluded). A bad quoted field (see the top of this
// file) goes to OnBadRecord with its line, the quote's line and byte offset;
// the header itself can be such a record, and then the next record is the
// header. Splitting the input into chunks at any points gives the same
// records as one call over the whole input.
class CsvParser : public RecordParser {
 public:
  explicit CsvParser(CsvOptions options = {});

  size_t Parse(std::string_view data, bool eof, RecordSink* sink) override;

  // The column names (after renaming) once the header has been read; empty before.
  std::vector<std::string_view> column_names() const;

 private:
  void ReadHeader(std::string_view data);
  void EmitRecord(std::string_view data, const CsvScan& scan, size_t start, RecordSink* sink);
  void ReportBadQuote(std::string_view data, const CsvScan& scan, size_t start, RecordSink* sink);
  // Stores `name` (made unique among the names so far) and returns a stable view of it.
  std::string_view AddName(std::string name);

  CsvOptions options_;
  CsvQuoteLimits limits_;
  bool bom_checked_ = false;
  bool have_header_ = false;
  int64_t line_ = 1;    // line number of the next unconsumed byte
  int64_t offset_ = 0;  // source offset of the next unconsumed byte
  size_t header_width_ = 0;
  std::deque<std::string> name_storage_;  // stable storage behind names_
  std::vector<std::string_view> names_;   // header columns, then _extra_ names as seen
  // Every name given out -> the next `_k` suffix to try for it, so that a
  // header of many equal names is renamed in linear time.
  std::unordered_map<std::string_view, int> used_names_;
  std::vector<CsvFieldSpan> spans_;
  std::string scratch_;  // decoded quoted values of the current record
  FlatRecord record_;
};

}  // namespace lakewatch::ingest
