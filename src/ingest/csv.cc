#include "ingest/csv.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

namespace lakewatch::ingest {

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// The end of the unquoted run starting at `i`: the first delimiter or LF, or n.
inline size_t FindFieldEnd(const char* p, size_t i, size_t n, char delimiter) {
  while (i < n && p[i] != delimiter && p[i] != '\n') ++i;
  return i;
}

}  // namespace

// ---- tokenizer ------------------------------------------------------------

CsvScan ScanCsvRecord(std::string_view data, size_t start, bool eof, char delimiter,
                      const CsvQuoteLimits& limits, std::vector<CsvFieldSpan>* fields) {
  fields->clear();
  const char* p = data.data();
  const size_t n = data.size();
  CsvScan scan;
  int64_t newlines = 0;
  size_t i = start;
  while (true) {
    CsvFieldSpan f;
    f.begin = i;
    size_t stop;  // the delimiter, the LF, or n that ends this field
    if (i < n && p[i] == '"') {
      f.quoted = true;
      // Find the closing quote: the first '"' not followed by another '"'.
      bool escaped = false;
      size_t close = std::string_view::npos;
      size_t examined = n;  // quoted bytes [i + 1, examined) are known to be content
      size_t q = i + 1;
      while (q < n) {
        const void* hit = std::memchr(p + q, '"', n - q);
        if (hit == nullptr) break;
        const size_t h = static_cast<const char*>(hit) - p;
        if (h + 1 < n) {
          if (p[h + 1] == '"') {
            escaped = true;
            q = h + 2;
            continue;
          }
          close = h;
        } else if (eof) {
          close = h;
        } else {
          examined = h;  // a doubled quote or the close: the next chunk decides
        }
        break;
      }
      const size_t content_end = close != std::string_view::npos ? close : examined;
      const int64_t inner_newlines = std::count(p + i + 1, p + content_end, '\n');
      const bool over = content_end - (i + 1) > limits.max_bytes ||
                        inner_newlines > limits.max_newlines;
      if (over || close == std::string_view::npos) {
        if (!over && !eof) return scan;  // kNeedMore
        // Bad: report the lines from the record start through the quote's line.
        const void* lf = std::memchr(p + i, '\n', n - i);
        if (lf == nullptr && !eof) return scan;  // kNeedMore: the line end is not here yet
        scan.status = CsvScanStatus::kBadQuote;
        scan.bad_quote = i;
        scan.over_limit = over;
        if (lf == nullptr) {
          scan.content_end = n;
          scan.next = n;
        } else {
          const size_t at = static_cast<const char*>(lf) - p;
          scan.content_end = (at > start && p[at - 1] == '\r') ? at - 1 : at;
          scan.next = at + 1;
        }
        scan.newlines = std::count(p + start, p + scan.next, '\n');
        return scan;
      }
      newlines += inner_newlines;
      // Text after the closing quote, up to the delimiter or record end, is kept.
      stop = FindFieldEnd(p, close + 1, n, delimiter);
      if (stop == n && !eof) return scan;
      f.end = stop;
      if (stop < n && p[stop] == '\n' && f.end > close + 1 && p[f.end - 1] == '\r') --f.end;
      f.value_begin = i + 1;
      f.value_end = close;
      f.needs_decode = escaped || f.end > close + 1;
    } else {
      stop = FindFieldEnd(p, i, n, delimiter);
      if (stop == n && !eof) return scan;
      f.end = stop;
      if (stop < n && p[stop] == '\n' && f.end > i && p[f.end - 1] == '\r') --f.end;
      f.value_begin = i;
      f.value_end = f.end;
    }
    fields->push_back(f);
    if (stop < n && p[stop] == delimiter) {
      i = stop + 1;
      continue;
    }
    scan.status = CsvScanStatus::kRecord;
    scan.content_end = f.end;
    if (stop == n) {
      scan.content_end = n;
      scan.next = n;
    } else {
      ++newlines;
      scan.next = stop + 1;
    }
    scan.newlines = newlines;
    return scan;
  }
}

void AppendDecodedCsvField(std::string_view data, const CsvFieldSpan& span, std::string* out) {
  if (!span.quoted) {
    out->append(data.substr(span.begin, span.end - span.begin));
    return;
  }
  // Between the quotes: "" -> ". The closing quote is at span.value_end.
  size_t k = span.value_begin;
  while (k < span.value_end) {
    const void* hit = std::memchr(data.data() + k, '"', span.value_end - k);
    const size_t h = hit ? static_cast<const char*>(hit) - data.data() : span.value_end;
    out->append(data.substr(k, h - k));
    if (h == span.value_end) break;
    out->push_back('"');
    k = h + 2;  // skip the doubled quote
  }
  out->append(data.substr(span.value_end + 1, span.end - (span.value_end + 1)));
}

// ---- whole-file reader -----------------------------------------------------

Result<std::vector<std::vector<std::string>>> ParseCsvText(std::string_view text,
                                                           char delimiter) {
  std::vector<std::vector<std::string>> rows;
  std::vector<CsvFieldSpan> spans;
  const CsvQuoteLimits no_limits;
  size_t pos = text.substr(0, kUtf8Bom.size()) == kUtf8Bom ? kUtf8Bom.size() : 0;
  int64_t line = 1;
  while (pos < text.size()) {
    const CsvScan scan = ScanCsvRecord(text, pos, /*eof=*/true, delimiter, no_limits, &spans);
    if (scan.status == CsvScanStatus::kBadQuote) {
      const int64_t quote_line =
          line + std::count(text.data() + pos, text.data() + scan.bad_quote, '\n');
      return Status::Corrupt("line " + std::to_string(quote_line) +
                             ": unterminated quoted field (the quote at byte offset " +
                             std::to_string(scan.bad_quote) + " never closes)");
    }
    const bool blank = spans.size() == 1 && !spans[0].quoted &&
                       spans[0].value_begin == spans[0].value_end;
    if (!blank) {
      std::vector<std::string>& row = rows.emplace_back();
      row.reserve(spans.size());
      for (const CsvFieldSpan& f : spans) {
        if (f.needs_decode) {
          AppendDecodedCsvField(text, f, &row.emplace_back());
        } else {
          row.emplace_back(text.substr(f.value_begin, f.value_end - f.value_begin));
        }
      }
    }
    line += scan.newlines;
    pos = scan.next;
  }
  return rows;
}

Result<std::vector<std::vector<std::string>>> ReadCsvFile(const std::string& path,
                                                          char delimiter) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    const int err = errno;
    const std::string msg = path + ": cannot open: " + std::strerror(err);
    return err == ENOENT ? Status::NotFound(msg) : Status::IOError(msg);
  }
  std::string text;
  char buf[1 << 16];
  size_t got;
  while ((got = std::fread(buf, 1, sizeof(buf), file)) > 0) text.append(buf, got);
  const bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) return Status::IOError(path + ": read failed");
  auto rows = ParseCsvText(text, delimiter);
  if (!rows.ok()) return rows.status().WithContext(path);
  return rows;
}

}  // namespace lakewatch::ingest
