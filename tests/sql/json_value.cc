#include "tests/sql/json_value.h"

#include <cctype>
#include <cstdint>

namespace lakewatch::sqltest {

namespace {

class JsonReader {
 public:
  explicit JsonReader(std::string_view s) : s_(s) {}

  Result<JsonValue> ReadDocument() {
    LW_ASSIGN_OR_RETURN(JsonValue v, ReadValue(0));
    SkipBlanks();
    if (pos_ != s_.size()) return Fail("the end of the row");
    return v;
  }

 private:
  static constexpr int kMaxDepth = 64;

  Status Fail(std::string_view expected) const {
    return Status::InvalidArgument("byte " + std::to_string(pos_) + ": expected " +
                                   std::string(expected));
  }
  void SkipBlanks() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\r' || s_[pos_] == '\n')) {
      ++pos_;
    }
  }
  bool Accept(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  Result<JsonValue> ReadValue(int depth) {
    if (depth > kMaxDepth) return Fail("less nesting");
    SkipBlanks();
    JsonValue v;
    if (pos_ >= s_.size()) return Fail("a value");
    char c = s_[pos_];
    if (Accept("null")) return v;
    if (Accept("true") || Accept("false")) {
      v.kind = JsonValue::Kind::kBool;
      v.boolean = c == 't';
      return v;
    }
    if (c == '"') {
      v.kind = JsonValue::Kind::kString;
      LW_ASSIGN_OR_RETURN(v.text, ReadString());
      return v;
    }
    if (c == '[') return ReadArray(depth);
    if (c == '{') return ReadObject(depth);
    size_t begin = pos_;
    if (s_[pos_] == '-') ++pos_;
    bool digits = false;
    while (pos_ < s_.size() &&
           (std::isdigit(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '.' ||
            s_[pos_] == 'e' || s_[pos_] == 'E' || s_[pos_] == '+' || s_[pos_] == '-')) {
      digits = true;
      ++pos_;
    }
    if (!digits) return Fail("a value");
    v.kind = JsonValue::Kind::kNumber;
    v.text = std::string(s_.substr(begin, pos_ - begin));
    return v;
  }

  Result<std::string> ReadString() {
    ++pos_;  // the opening quote
    std::string out;
    while (pos_ < s_.size() && s_[pos_] != '"') {
      char c = s_[pos_++];
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (pos_ >= s_.size()) break;
      char e = s_[pos_++];
      switch (e) {
        case 'n':
          out.push_back('\n');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'u': {
          if (pos_ + 4 > s_.size()) return Fail("4 hex digits");
          uint32_t cp = std::stoul(std::string(s_.substr(pos_, 4)), nullptr, 16);
          pos_ += 4;
          AppendUtf8(cp, &out);
          break;
        }
        default:
          out.push_back(e);  // \" \\ \/
      }
    }
    if (pos_ >= s_.size()) return Fail("'\"'");
    ++pos_;
    return out;
  }

  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  Result<JsonValue> ReadArray(int depth) {
    ++pos_;
    JsonValue v;
    v.kind = JsonValue::Kind::kArray;
    SkipBlanks();
    if (Accept("]")) return v;
    while (true) {
      LW_ASSIGN_OR_RETURN(JsonValue e, ReadValue(depth + 1));
      v.elements.push_back(std::move(e));
      SkipBlanks();
      if (Accept("]")) return v;
      if (!Accept(",")) return Fail("',' or ']'");
    }
  }

  Result<JsonValue> ReadObject(int depth) {
    ++pos_;
    JsonValue v;
    v.kind = JsonValue::Kind::kObject;
    SkipBlanks();
    if (Accept("}")) return v;
    while (true) {
      SkipBlanks();
      if (pos_ >= s_.size() || s_[pos_] != '"') return Fail("a member name");
      LW_ASSIGN_OR_RETURN(std::string name, ReadString());
      SkipBlanks();
      if (!Accept(":")) return Fail("':'");
      LW_ASSIGN_OR_RETURN(JsonValue e, ReadValue(depth + 1));
      v.fields.push_back(JsonMember{std::move(name), std::move(e)});
      SkipBlanks();
      if (Accept("}")) return v;
      if (!Accept(",")) return Fail("',' or '}'");
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

const JsonValue* JsonValue::Find(std::string_view name) const {
  for (const auto& [k, v] : fields) {
    if (k == name) return &v;
  }
  return nullptr;
}

Result<JsonValue> ParseJson(std::string_view text) { return JsonReader(text).ReadDocument(); }

}  // namespace lakewatch::sqltest
