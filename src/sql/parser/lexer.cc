#include "sql/parser/lexer.h"

#include <cctype>

#include "common/utf8.h"

namespace lakewatch::sql {

namespace {

bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

Status ErrorAt(std::string_view sql, size_t offset, const std::string& what) {
  return Status::InvalidArgument("SQL syntax error at " + DescribePosition(sql, offset) + ": " + what);
}

// Reads a quoted string starting at sql[*pos] (the quote); Spark's escapes.
Status ReadString(std::string_view sql, size_t* pos, std::string* out) {
  const char quote = sql[*pos];
  size_t start = *pos;
  size_t i = *pos + 1;
  while (i < sql.size()) {
    char c = sql[i];
    if (c == quote) {
      *pos = i + 1;
      return Status::OK();
    }
    if (c == '\\' && i + 1 < sql.size()) {
      char e = sql[i + 1];
      i += 2;
      switch (e) {
        case 'n': out->push_back('\n'); break;
        case 't': out->push_back('\t'); break;
        case 'r': out->push_back('\r'); break;
        case 'b': out->push_back('\b'); break;
        case '0': out->push_back('\0'); break;
        case 'Z': out->push_back('\x1A'); break;
        case '%': out->append("\\%"); break;  // kept for LIKE, as Spark does
        case '_': out->append("\\_"); break;
        case 'u': {
          if (i + 4 > sql.size()) return ErrorAt(sql, i - 2, "bad \\u escape in a string");
          uint32_t cp = 0;
          for (int k = 0; k < 4; ++k) {
            char h = sql[i + k];
            int v = std::isdigit(static_cast<unsigned char>(h)) ? h - '0'
                    : (h >= 'a' && h <= 'f')                   ? h - 'a' + 10
                    : (h >= 'A' && h <= 'F')                   ? h - 'A' + 10
                                                               : -1;
            if (v < 0) return ErrorAt(sql, i - 2, "bad \\u escape in a string");
            cp = cp * 16 + static_cast<uint32_t>(v);
          }
          i += 4;
          AppendUtf8(cp, out);
          break;
        }
        default: out->push_back(e); break;
      }
      continue;
    }
    out->push_back(c);
    ++i;
  }
  return ErrorAt(sql, start, "unterminated string literal");
}

}  // namespace

bool Token::IsKeyword(std::string_view word) const {
  if (kind != TokenKind::kIdentifier || text.size() != word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(text[i])) != std::toupper(static_cast<unsigned char>(word[i]))) {
      return false;
    }
  }
  return true;
}

std::string DescribePosition(std::string_view sql, size_t offset) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < offset && i < sql.size(); ++i) {
    if (sql[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(col);
}

Result<std::vector<Token>> Tokenize(std::string_view sql) {
  std::vector<Token> out;
  size_t i = 0;
  const size_t n = sql.size();
  while (true) {
    // whitespace and comments
    while (i < n) {
      char c = sql[i];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
      } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
        while (i < n && sql[i] != '\n') ++i;
      } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
        size_t start = i;
        int depth = 0;
        while (i < n) {
          if (sql[i] == '/' && i + 1 < n && sql[i + 1] == '*') {
            ++depth;
            i += 2;
          } else if (sql[i] == '*' && i + 1 < n && sql[i + 1] == '/') {
            i += 2;
            if (--depth == 0) break;
          } else {
            ++i;
          }
        }
        if (depth != 0) return ErrorAt(sql, start, "unterminated comment");
      } else {
        break;
      }
    }
    Token t;
    t.offset = i;
    if (i >= n) {
      t.kind = TokenKind::kEnd;
      out.push_back(std::move(t));
      return out;
    }
    char c = sql[i];
    if (IsIdentStart(c)) {
      size_t j = i;
      while (j < n && IsIdentChar(sql[j])) ++j;
      t.kind = TokenKind::kIdentifier;
      t.text.assign(sql.substr(i, j - i));
      i = j;
    } else if (c == '`') {
      size_t j = i + 1;
      bool closed = false;
      while (j < n) {
        if (sql[j] == '`') {
          if (j + 1 < n && sql[j + 1] == '`') {
            t.text.push_back('`');
            j += 2;
            continue;
          }
          closed = true;
          ++j;
          break;
        }
        t.text.push_back(sql[j++]);
      }
      if (!closed) return ErrorAt(sql, i, "unterminated quoted identifier");
      t.kind = TokenKind::kQuotedIdentifier;
      i = j;
    } else if (c == '\'' || c == '"') {
      t.kind = TokenKind::kString;
      LW_RETURN_IF_ERROR(ReadString(sql, &i, &t.text));
    } else if (IsDigit(c) || (c == '.' && i + 1 < n && IsDigit(sql[i + 1]))) {
      size_t j = i;
      bool dot = false, exp = false;
      while (j < n && IsDigit(sql[j])) ++j;
      if (j < n && sql[j] == '.') {
        dot = true;
        ++j;
        while (j < n && IsDigit(sql[j])) ++j;
      }
      if (j < n && (sql[j] == 'e' || sql[j] == 'E')) {
        size_t k = j + 1;
        if (k < n && (sql[k] == '+' || sql[k] == '-')) ++k;
        if (k < n && IsDigit(sql[k])) {
          exp = true;
          j = k;
          while (j < n && IsDigit(sql[j])) ++j;
        }
      }
      t.text.assign(sql.substr(i, j - i));
      t.kind = exp ? TokenKind::kDouble : dot ? TokenKind::kDecimal : TokenKind::kInteger;
      // suffix: L S Y D F BD (only when not followed by more identifier characters)
      size_t k = j;
      while (k < n && std::isalpha(static_cast<unsigned char>(sql[k]))) ++k;
      if (k > j && (k >= n || !IsIdentChar(sql[k]))) {
        std::string suf(sql.substr(j, k - j));
        for (char& ch : suf) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        if (suf == "L" || suf == "S" || suf == "Y" || suf == "D" || suf == "F" || suf == "BD") {
          if ((suf == "L" || suf == "S" || suf == "Y") && t.kind != TokenKind::kInteger) {
            return ErrorAt(sql, i, "the suffix " + suf + " needs an integer literal");
          }
          t.suffix = suf;
          j = k;
        }
      }
      if (j < n && IsIdentChar(sql[j])) {
        return ErrorAt(sql, i, "invalid number '" + std::string(sql.substr(i, k - i)) + "'");
      }
      i = j;
    } else {
      static const char* kOps3[] = {"<=>"};
      static const char* kOps2[] = {"||", "==", "<>", "!=", "<=", ">=", "&&", "::"};
      t.kind = TokenKind::kOperator;
      bool found = false;
      for (const char* op : kOps3) {
        if (sql.substr(i, 3) == op) {
          t.text = op;
          found = true;
        }
      }
      if (!found) {
        for (const char* op : kOps2) {
          if (sql.substr(i, 2) == op) {
            t.text = op;
            found = true;
            break;
          }
        }
      }
      if (!found) {
        if (std::string_view("+-*/%=<>&|^~!(),.[];:").find(c) == std::string_view::npos) {
          return ErrorAt(sql, i, std::string("unexpected character '") + c + "'");
        }
        t.text.assign(1, c);
      }
      i += t.text.size();
    }
    t.length = i - t.offset;
    out.push_back(std::move(t));
  }
}

}  // namespace lakewatch::sql
