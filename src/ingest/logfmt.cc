#include "ingest/logfmt.h"

#include <cstring>
#include <string>

#include "common/utf8.h"
#include "ingest/scalar_infer.h"

namespace lakewatch::ingest {

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
// Up to this many fields a line's names are checked for duplicates by a scan;
// beyond it through a hash set (a line of thousands of keys stays linear).
constexpr size_t kLinearNameCheck = 16;

inline bool IsSpace(char c) { return c == ' ' || c == '\t'; }

// Byte classes for the scanning loops: bit 1 ends an unquoted value (space,
// tab), bit 2 ends a key (those and '=', '"').
constexpr uint8_t kEndsValue = 1;
constexpr uint8_t kEndsKey = 2;
struct ByteClasses {
  uint8_t c[256] = {};
  constexpr ByteClasses() {
    c[static_cast<uint8_t>(' ')] = kEndsValue | kEndsKey;
    c[static_cast<uint8_t>('\t')] = kEndsValue | kEndsKey;
    c[static_cast<uint8_t>('=')] = kEndsKey;
    c[static_cast<uint8_t>('"')] = kEndsKey;
  }
};
constexpr ByteClasses kClasses;
inline uint8_t ClassOf(char ch) { return kClasses.c[static_cast<uint8_t>(ch)]; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The code unit of `\uXXXX` at s[at] (s[at] == '\\'), or -1.
int ReadU16(std::string_view s, size_t at) {
  if (at + 6 > s.size() || s[at] != '\\' || s[at + 1] != 'u') return -1;
  int v = 0;
  for (size_t k = at + 2; k < at + 6; ++k) {
    const int h = HexValue(s[k]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

// Appends the unescaped form of `body` (a quoted value without its quotes,
// whose backslashes each start a two-byte-or-longer sequence) to *out.
void AppendUnescaped(std::string_view body, std::string* out) {
  size_t k = 0;
  while (k < body.size()) {
    const void* hit = std::memchr(body.data() + k, '\\', body.size() - k);
    const size_t b = hit ? static_cast<const char*>(hit) - body.data() : body.size();
    out->append(body.substr(k, b - k));
    if (b == body.size()) break;
    const char e = b + 1 < body.size() ? body[b + 1] : '\0';
    k = b + 2;
    switch (e) {
      case '"':
        out->push_back('"');
        break;
      case '\\':
        out->push_back('\\');
        break;
      case '/':
        out->push_back('/');
        break;
      case 'b':
        out->push_back('\b');
        break;
      case 'f':
        out->push_back('\f');
        break;
      case 'n':
        out->push_back('\n');
        break;
      case 'r':
        out->push_back('\r');
        break;
      case 't':
        out->push_back('\t');
        break;
      case 'u': {
        const int hi = ReadU16(body, b);
        if (hi < 0) {
          out->append(body.substr(b, 2));
        } else if (hi < 0xD800 || hi > 0xDFFF) {
          AppendUtf8(static_cast<uint32_t>(hi), out);
          k = b + 6;
        } else {
          const int lo = hi <= 0xDBFF ? ReadU16(body, b + 6) : -1;
          if (lo >= 0xDC00 && lo <= 0xDFFF) {
            AppendUtf8(0x10000 + ((static_cast<uint32_t>(hi) - 0xD800) << 10) +
                           (static_cast<uint32_t>(lo) - 0xDC00),
                       out);
            k = b + 12;
          } else {
            out->append(body.substr(b, 6));  // a lone surrogate stays as written
            k = b + 6;
          }
        }
        break;
      }
      default:
        out->append(body.substr(b, 2));  // unknown escape kept as written
        break;
    }
  }
}

}  // namespace

LogfmtParser::LogfmtParser(LogfmtOptions options) : options_(options) {}

FlatField& LogfmtParser::AddField(std::string_view key) {
  std::vector<FlatField>& fields = record_.fields;
  std::string_view name = key;
  if (fields.size() <= kLinearNameCheck) {
    const auto taken = [&fields](std::string_view n) {
      for (const FlatField& f : fields) {
        if (f.name == n) return true;
      }
      return false;
    };
    if (taken(key)) {
      std::string candidate;
      int k = 2;
      do {
        candidate = std::string(key) + "_" + std::to_string(k++);
      } while (taken(candidate));
      name = renamed_.emplace_back(std::move(candidate));
    }
  } else {
    if (names_.empty()) {
      for (const FlatField& f : fields) names_.emplace(f.name, 2);
    }
    auto taken = names_.find(key);
    if (taken != names_.end()) {
      // Suffixes below taken->second were tried and are in use on this line.
      int k = taken->second;
      std::string candidate;
      do {
        candidate = std::string(key) + "_" + std::to_string(k++);
      } while (names_.count(candidate) != 0);
      taken->second = k;
      name = renamed_.emplace_back(std::move(candidate));
    }
    names_.emplace(name, 2);
  }
  FlatField& field = fields.emplace_back();
  field.name = name;
  return field;
}

bool LogfmtParser::ParseLine(std::string_view line, std::string* reason) {
  record_.fields.clear();
  renamed_.clear();
  if (!names_.empty()) names_.clear();  // clear() costs the bucket count even when empty
  scratch_.clear();
  // Unescaping never lengthens a value, so views into scratch_ stay valid.
  if (scratch_.capacity() < line.size()) scratch_.reserve(line.size());
  if (std::memchr(line.data(), '=', line.size()) == nullptr) {
    // Plain text: no pair can be read from a line without '='.
    FlatField& message = record_.fields.emplace_back();
    message.name = "message";
    message.value = FieldValue::String(line);
    return true;
  }
  const size_t n = line.size();
  size_t i = 0;
  while (true) {
    while (i < n && IsSpace(line[i])) ++i;
    if (i == n) break;
    const size_t key_begin = i;
    while (i < n && !(ClassOf(line[i]) & kEndsKey)) ++i;
    if (i < n && line[i] == '"') {
      *reason = "a '\"' inside a key at column " + std::to_string(i + 1);
      return false;
    }
    const std::string_view key = line.substr(key_begin, i - key_begin);
    if (key.empty()) {
      *reason = "an empty key before '=' at column " + std::to_string(i + 1);
      return false;
    }
    if (i == n || IsSpace(line[i])) {
      AddField(key).value = FieldValue::Bool(true);
      continue;
    }
    ++i;  // '='
    if (i == n || IsSpace(line[i])) {
      AddField(key).value = FieldValue::Null();
      continue;
    }
    std::string_view text;
    if (line[i] == '"') {
      const size_t open = i;
      size_t j = i + 1;
      bool escaped = false;
      while (j < n && line[j] != '"') {
        if (line[j] == '\\') {
          escaped = true;
          ++j;  // the escaped byte never closes the value
        }
        ++j;
      }
      if (j >= n) {
        *reason = "the quoted value of key '" + std::string(key) + "' opened at column " +
                  std::to_string(open + 1) + " is not closed before the end of the line";
        return false;
      }
      if (j + 1 < n && !IsSpace(line[j + 1])) {
        *reason = "unexpected '" + std::string(1, line[j + 1]) + "' at column " +
                  std::to_string(j + 2) + " after the quoted value of key '" + std::string(key) +
                  "'";
        return false;
      }
      const std::string_view body = line.substr(open + 1, j - open - 1);
      if (escaped) {
        const size_t at = scratch_.size();
        AppendUnescaped(body, &scratch_);
        text = std::string_view(scratch_.data() + at, scratch_.size() - at);
      } else {
        text = body;
      }
      i = j + 1;
    } else {
      const size_t begin = i;
      while (i < n && !(ClassOf(line[i]) & kEndsValue)) ++i;
      text = line.substr(begin, i - begin);
    }
    FieldValue value;
    if (text.empty()) {
      value = FieldValue::String(text);  // only a quoted value can be empty here
    } else {
      value = options_.infer_types ? InferScalar(text) : FieldValue::String(text);
    }
    AddField(key).value = value;
  }
  return true;
}

size_t LogfmtParser::Parse(std::string_view data, bool eof, RecordSink* sink) {
  size_t pos = 0;
  if (!bom_checked_) {
    const size_t have = std::min(data.size(), kUtf8Bom.size());
    if (data.substr(0, have) == kUtf8Bom.substr(0, have)) {
      if (have < kUtf8Bom.size() && !eof) return 0;
      if (have == kUtf8Bom.size()) pos = kUtf8Bom.size();
    }
    bom_checked_ = true;
  }
  std::string reason;
  while (pos < data.size()) {
    const void* lf = std::memchr(data.data() + pos, '\n', data.size() - pos);
    if (lf == nullptr && !eof) break;
    const size_t end = lf ? static_cast<const char*>(lf) - data.data() : data.size();
    std::string_view line = data.substr(pos, end - pos);
    if (lf != nullptr && !line.empty() && line.back() == '\r') line.remove_suffix(1);
    const int64_t line_offset = offset_ + static_cast<int64_t>(pos);
    bool blank = true;
    for (char c : line) {
      if (!IsSpace(c)) {
        blank = false;
        break;
      }
    }
    if (!blank) {
      if (ParseLine(line, &reason)) {
        record_.line = line_;
        record_.offset = line_offset;
        record_.raw = line;
        sink->OnRecord(record_);
      } else {
        sink->OnBadRecord(line_, line_offset, line, reason);
      }
    }
    ++line_;
    pos = lf ? end + 1 : end;
  }
  offset_ += static_cast<int64_t>(pos);
  return pos;
}

}  // namespace lakewatch::ingest
