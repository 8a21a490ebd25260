#include "ingest/csv.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>

#include "ingest/scalar_infer.h"

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
      const bool over =
          content_end - (i + 1) > limits.max_bytes || inner_newlines > limits.max_newlines;
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

Result<std::vector<std::vector<std::string>>> ParseCsvText(std::string_view text, char delimiter) {
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
    const bool blank =
        spans.size() == 1 && !spans[0].quoted && spans[0].value_begin == spans[0].value_end;
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

Result<std::vector<std::vector<std::string>>> ReadCsvFile(const std::string& path, char delimiter) {
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

// ---- streaming parser -------------------------------------------------------

CsvParser::CsvParser(CsvOptions options) : options_(options) {
  limits_.max_bytes = options_.max_quoted_field_bytes;
  limits_.max_newlines = options_.max_quoted_field_newlines;
}

std::vector<std::string_view> CsvParser::column_names() const {
  return std::vector<std::string_view>(names_.begin(), names_.begin() + header_width_);
}

std::string_view CsvParser::AddName(std::string name) {
  auto taken = used_names_.find(name);
  if (taken != used_names_.end()) {
    // Suffixes below taken->second were tried and are in use; names stay taken.
    int k = taken->second;
    std::string candidate;
    do {
      candidate = name + "_" + std::to_string(k++);
    } while (used_names_.count(candidate) != 0);
    taken->second = k;
    name = std::move(candidate);
  }
  const std::string_view view = name_storage_.emplace_back(std::move(name));
  used_names_.emplace(view, 2);
  names_.push_back(view);
  return view;
}

void CsvParser::ReadHeader(std::string_view data) {
  std::string name;
  for (size_t k = 0; k < spans_.size(); ++k) {
    const CsvFieldSpan& f = spans_[k];
    name.clear();
    if (f.needs_decode) {
      AppendDecodedCsvField(data, f, &name);
    } else {
      name.assign(data.substr(f.value_begin, f.value_end - f.value_begin));
    }
    if (name.empty()) name = "column_" + std::to_string(k + 1);
    AddName(name);
  }
  header_width_ = names_.size();
  have_header_ = true;
}

void CsvParser::EmitRecord(std::string_view data, const CsvScan& scan, size_t start,
                           RecordSink* sink) {
  record_.fields.clear();
  record_.line = line_;
  record_.offset = offset_ + static_cast<int64_t>(start);
  record_.raw = data.substr(start, scan.content_end - start);
  // Decoded values go to scratch_, reserved up front so views into it stay valid.
  size_t decoded = 0;
  for (const CsvFieldSpan& f : spans_) {
    if (f.needs_decode) decoded += f.end - f.begin;
  }
  scratch_.clear();
  if (scratch_.capacity() < decoded) scratch_.reserve(decoded);
  const size_t width = std::max(spans_.size(), header_width_);
  while (names_.size() < width) {
    AddName("_extra_" + std::to_string(names_.size() - header_width_ + 1));
  }
  for (size_t k = 0; k < width; ++k) {
    FlatField& field = record_.fields.emplace_back();
    field.name = names_[k];
    if (k >= spans_.size()) continue;  // missing: null
    const CsvFieldSpan& f = spans_[k];
    std::string_view text;
    if (f.needs_decode) {
      const size_t at = scratch_.size();
      AppendDecodedCsvField(data, f, &scratch_);
      text = std::string_view(scratch_.data() + at, scratch_.size() - at);
    } else {
      text = data.substr(f.value_begin, f.value_end - f.value_begin);
    }
    if (text.empty()) {
      field.value = f.quoted ? FieldValue::String(text) : FieldValue::Null();
    } else {
      field.value = options_.infer_types ? InferScalar(text) : FieldValue::String(text);
    }
  }
  sink->OnRecord(record_);
}

void CsvParser::ReportBadQuote(std::string_view data, const CsvScan& scan, size_t start,
                               RecordSink* sink) {
  const int64_t quote_line =
      line_ + std::count(data.data() + start, data.data() + scan.bad_quote, '\n');
  const int64_t quote_offset = offset_ + static_cast<int64_t>(scan.bad_quote);
  std::string reason = "the quoted field opened at line " + std::to_string(quote_line) +
                       " (byte offset " + std::to_string(quote_offset) + ") ";
  if (scan.over_limit) {
    reason += "exceeds " + std::to_string(options_.max_quoted_field_bytes) + " bytes or " +
              std::to_string(options_.max_quoted_field_newlines) +
              " line breaks (a stray quote?); reading resumes on the next line";
  } else {
    reason += "is not closed before the end of input";
  }
  sink->OnBadRecord(line_, offset_ + static_cast<int64_t>(start),
                    data.substr(start, scan.content_end - start), reason);
}

size_t CsvParser::Parse(std::string_view data, bool eof, RecordSink* sink) {
  size_t pos = 0;
  if (!bom_checked_) {
    // Only the first bytes of the source may be a BOM; wait until 3 bytes decide.
    const size_t have = std::min(data.size(), kUtf8Bom.size());
    if (data.substr(0, have) == kUtf8Bom.substr(0, have)) {
      if (have < kUtf8Bom.size() && !eof) return 0;
      if (have == kUtf8Bom.size()) pos = kUtf8Bom.size();
    }
    bom_checked_ = true;
  }
  while (pos < data.size()) {
    const CsvScan scan = ScanCsvRecord(data, pos, eof, options_.delimiter, limits_, &spans_);
    if (scan.status == CsvScanStatus::kNeedMore) break;
    if (scan.status == CsvScanStatus::kBadQuote) {
      ReportBadQuote(data, scan, pos, sink);
    } else if (spans_.size() == 1 && !spans_[0].quoted &&
               spans_[0].value_begin == spans_[0].value_end) {
      // A blank line: skipped.
    } else if (!have_header_) {
      ReadHeader(data);
    } else {
      EmitRecord(data, scan, pos, sink);
    }
    line_ += scan.newlines;
    pos = scan.next;
  }
  offset_ += static_cast<int64_t>(pos);
  return pos;
}

}  // namespace lakewatch::ingest
