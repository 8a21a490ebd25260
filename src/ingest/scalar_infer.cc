#include "ingest/scalar_infer.h"

#include <charconv>
#include <cstdint>
#include <optional>
#include <system_error>

#include "ingest/timestamp_parse.h"

namespace lakewatch::ingest {

namespace {

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

inline char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool EqualsIgnoreCase(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (size_t k = 0; k < text.size(); ++k) {
    if (Lower(text[k]) != lower[k]) return false;
  }
  return true;
}

enum class NumberForm { kNone, kInteger, kReal };

// Matches the whole of `t` against JSON's number grammar.
NumberForm ClassifyNumber(std::string_view t) {
  size_t k = 0;
  const size_t n = t.size();
  if (k < n && t[k] == '-') ++k;
  if (k == n || !IsDigit(t[k])) return NumberForm::kNone;
  if (t[k] == '0') {
    ++k;
  } else {
    while (k < n && IsDigit(t[k])) ++k;
  }
  NumberForm form = NumberForm::kInteger;
  if (k < n && t[k] == '.') {
    ++k;
    if (k == n || !IsDigit(t[k])) return NumberForm::kNone;
    while (k < n && IsDigit(t[k])) ++k;
    form = NumberForm::kReal;
  }
  if (k < n && (t[k] == 'e' || t[k] == 'E')) {
    ++k;
    if (k < n && (t[k] == '+' || t[k] == '-')) ++k;
    if (k == n || !IsDigit(t[k])) return NumberForm::kNone;
    while (k < n && IsDigit(t[k])) ++k;
    form = NumberForm::kReal;
  }
  return k == n ? form : NumberForm::kNone;
}

// Bounds that let most strings skip ParseTimestampText: every form it accepts
// holds a full date (8+ bytes) and a time (3+ bytes), and none nears 64 bytes.
constexpr size_t kMinTimestampLength = 11;
constexpr size_t kMaxTimestampLength = 64;

}  // namespace

FieldValue InferScalar(std::string_view text) {
  FieldValue v;
  v.s = text;
  if (text.empty()) return v;  // null
  const char first = text[0];
  if (first == '-' || IsDigit(first)) {
    switch (ClassifyNumber(text)) {
      case NumberForm::kInteger: {
        int64_t i = 0;
        const auto r = std::from_chars(text.data(), text.data() + text.size(), i);
        if (r.ec == std::errc()) {
          v.kind = FieldValue::Kind::kInt64;
          v.i = i;
        } else {
          v.kind = FieldValue::Kind::kString;
        }
        return v;
      }
      case NumberForm::kReal: {
        double d = 0;
        const auto r = std::from_chars(text.data(), text.data() + text.size(), d);
        if (r.ec == std::errc()) {
          v.kind = FieldValue::Kind::kDouble;
          v.d = d;
        } else {
          v.kind = FieldValue::Kind::kString;
        }
        return v;
      }
      case NumberForm::kNone:
        break;
    }
  } else if (text.size() <= 5 && (Lower(first) == 't' || Lower(first) == 'f')) {
    if (EqualsIgnoreCase(text, "true")) {
      v.kind = FieldValue::Kind::kBool;
      v.b = true;
      return v;
    }
    if (EqualsIgnoreCase(text, "false")) {
      v.kind = FieldValue::Kind::kBool;
      v.b = false;
      return v;
    }
  }
  if (text.size() >= kMinTimestampLength && text.size() <= kMaxTimestampLength) {
    if (std::optional<int64_t> micros = ParseTimestampText(text)) {
      v.kind = FieldValue::Kind::kTimestamp;
      v.i = *micros;
      return v;
    }
  }
  v.kind = FieldValue::Kind::kString;
  return v;
}

}  // namespace lakewatch::ingest
