#include "ingest/json_reader.h"

#include <charconv>
#include <cstring>

#include <fmt/format.h>

namespace lakewatch::ingest {

JsonReader::JsonReader(JsonReaderOptions options) : options_(options) {
  // +1: the document root is a level for simdjson.
  if (parser_.allocate(1 << 16, static_cast<size_t>(options_.max_depth) + 1) != simdjson::SUCCESS) {
    // Parse() allocates again (and reports a failure per record).
  }
}

bool RewriteBigIntegers(std::string_view text, std::string* out) {
  out->clear();
  bool changed = false;
  bool in_string = false;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (in_string) {
      out->push_back(c);
      if (c == '\\' && i + 1 < text.size()) {
        out->push_back(text[++i]);
      } else if (c == '"') {
        in_string = false;
      }
      ++i;
      continue;
    }
    if (c == '"') {
      in_string = true;
      out->push_back(c);
      ++i;
      continue;
    }
    const bool starts = (c >= '0' && c <= '9') || (c == '-' && i + 1 < text.size() && text[i + 1] >= '0' && text[i + 1] <= '9');
    const bool after_value_char = i > 0 && ((text[i - 1] >= '0' && text[i - 1] <= '9') || text[i - 1] == '.' ||
                                            text[i - 1] == 'e' || text[i - 1] == 'E' || text[i - 1] == '+' ||
                                            (text[i - 1] >= 'a' && text[i - 1] <= 'z'));
    if (starts && !after_value_char) {
      size_t j = i + (c == '-' ? 1 : 0);
      while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
      const bool integer = j >= text.size() || (text[j] != '.' && text[j] != 'e' && text[j] != 'E');
      std::string_view token = text.substr(i, j - i);
      out->append(token);
      if (integer && token.size() > 18) {
        int64_t si;
        uint64_t ui;
        const char* b = token.data();
        const char* e = b + token.size();
        const bool fits = std::from_chars(b, e, si).ec == std::errc() ||
                          (c != '-' && std::from_chars(b, e, ui).ec == std::errc());
        if (!fits) {
          out->append(".0");
          changed = true;
        }
      }
      i = j;
      continue;
    }
    out->push_back(c);
    ++i;
  }
  return changed;
}

bool JsonReader::Parse(std::string_view text, simdjson::dom::element* out, std::string* reason) {
  if (text.size() > parser_.capacity()) {
    if (auto err = parser_.allocate(text.size(), static_cast<size_t>(options_.max_depth) + 1); err) {
      *reason = std::string("cannot parse a record of ") + std::to_string(text.size()) + " bytes: " +
                simdjson::error_message(err);
      return false;
    }
  }
  auto err = parser_.parse(reinterpret_cast<const uint8_t*>(text.data()), text.size(), false).get(*out);
  if (err == simdjson::SUCCESS) return true;
  if (err == simdjson::NUMBER_ERROR) {
    // Integers beyond the 64-bit range are valid JSON: read them as doubles
    // (as DuckDB does) by giving them a fraction, and parse again.
    if (RewriteBigIntegers(text, &rewrite_)) {
      const size_t n = rewrite_.size();
      rewrite_.append(simdjson::SIMDJSON_PADDING, '\0');
      if (n > parser_.capacity() &&
          parser_.allocate(n, static_cast<size_t>(options_.max_depth) + 1) != simdjson::SUCCESS) {
        *reason = "invalid JSON: a number out of range";
        return false;
      }
      err = parser_.parse(reinterpret_cast<const uint8_t*>(rewrite_.data()), n, false).get(*out);
      if (err == simdjson::SUCCESS) return true;
    }
  }
  switch (err) {
    case simdjson::DEPTH_ERROR:
      *reason = fmt::format("invalid JSON: nesting deeper than {} levels", options_.max_depth);
      break;
    case simdjson::UTF8_ERROR:
      *reason = "invalid JSON: the text is not valid UTF-8";
      break;
    case simdjson::EMPTY:
      *reason = "invalid JSON: no value";
      break;
    default:
      *reason = std::string("invalid JSON: ") + simdjson::error_message(err);
      break;
  }
  return false;
}

size_t JsonReader::ParseLines(std::string_view data, bool eof, JsonRecordSink* sink, size_t max_lines) {
  size_t pos = 0;
  std::string reason;
  for (size_t lines = 0; pos < data.size() && lines < max_lines; ++lines) {
    const void* nl = std::memchr(data.data() + pos, '\n', data.size() - pos);
    size_t end;
    size_t next;
    if (nl != nullptr) {
      end = static_cast<size_t>(static_cast<const char*>(nl) - data.data());
      next = end + 1;
    } else if (eof) {
      end = data.size();
      next = end;
    } else {
      break;
    }
    std::string_view line = data.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    bool blank = true;
    for (char c : line) {
      if (c != ' ' && c != '\t' && c != '\r') {
        blank = false;
        break;
      }
    }
    if (!blank && line.size() > options_.max_record_bytes) {
      sink->OnBadRecord(line_, offset_, line.substr(0, size_t{1} << 20),
                        fmt::format("a line longer than {} bytes (max record size; the first MiB is kept)",
                                    options_.max_record_bytes));
    } else if (!blank && !sink->OnJsonText(line, line_, offset_)) {
      simdjson::dom::element el;
      if (Parse(line, &el, &reason)) {
        sink->OnJson(el, line_, offset_, line);
      } else {
        sink->OnBadRecord(line_, offset_, line, reason);
      }
    }
    offset_ += static_cast<int64_t>(next - pos);
    if (nl != nullptr) ++line_;
    pos = next;
  }
  return pos;
}

namespace {

// Start offsets of the elements of the top-level array that `text` holds
// (already validated by simdjson): a scan that tracks strings and depth.
void ArrayElementStarts(std::string_view text, std::vector<size_t>* starts) {
  int depth = 0;
  bool in_string = false;
  bool expect_value = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    if (depth == 1 && expect_value && c != ']') {
      starts->push_back(i);
      expect_value = false;
    }
    switch (c) {
      case '"': in_string = true; break;
      case '[': case '{':
        ++depth;
        if (depth == 1) expect_value = true;
        break;
      case ']': case '}': --depth; break;
      case ',':
        if (depth == 1) expect_value = true;
        break;
      default: break;
    }
  }
}

}  // namespace

void JsonReader::ParseDocument(std::string_view data, JsonRecordSink* sink) {
  std::string reason;
  simdjson::dom::element doc;
  // Skip a UTF-8 byte order mark, as most JSON readers do.
  size_t skip = data.size() >= 3 && std::memcmp(data.data(), "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
  std::string_view text = data.substr(skip);
  if (!Parse(text, &doc, &reason)) {
    sink->OnBadRecord(1, 0, data, reason);
    return;
  }
  if (!doc.is_array()) {
    size_t first = 0;
    while (first < text.size() && (text[first] == ' ' || text[first] == '\t' || text[first] == '\n' ||
                                    text[first] == '\r')) {
      ++first;
    }
    int64_t line = 1;
    for (size_t i = 0; i < first; ++i) line += text[i] == '\n' ? 1 : 0;
    sink->OnJson(doc, line, static_cast<int64_t>(first + skip), text);
    return;
  }
  std::vector<size_t> starts;
  ArrayElementStarts(text, &starts);
  simdjson::dom::array arr;
  if (doc.get_array().get(arr) != simdjson::SUCCESS) return;
  size_t k = 0;
  size_t scanned = 0;
  int64_t line = 1;
  for (simdjson::dom::element el : arr) {
    size_t at = k < starts.size() ? starts[k] : 0;
    size_t stop = k + 1 < starts.size() ? starts[k + 1] : text.size();
    for (; scanned < at; ++scanned) line += text[scanned] == '\n' ? 1 : 0;
    sink->OnJson(el, line, static_cast<int64_t>(at + skip), text.substr(at, stop - at));
    ++k;
  }
}

}  // namespace lakewatch::ingest
