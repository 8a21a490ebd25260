// Lexer: splits Spark SQL text into tokens.
//
// Spark's lexical rules, as the parser needs them:
//   identifiers   [A-Za-z_][A-Za-z0-9_]* (keywords are identifiers the parser
//                 recognises case-insensitively) or `back quoted` (`` inside = `)
//   strings       '...' or "..." with backslash escapes (\n \t \' \" \\ \uXXXX ...);
//                 adjacent string literals are concatenated by the parser
//   numbers       123, 123L (bigint), 12S, 12Y, 1.5 (decimal), 1.5D/1e3 (double),
//                 1.5BD (decimal)
//   operators     + - * / % || = == <> != < <= > >= <=> & | ^ ~ ! ( ) , . [ ] ;
//   comments      -- to end of line, /* ... */ (nested)
//
// Every token carries its byte offset so errors can point at it
// ("line 1, column 15: expected an expression, found ')'").
//
// Thread-safety: a value type; Tokenize is a pure function.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace lakewatch::sql {

enum class TokenKind : uint8_t {
  kIdentifier,        // text = the name (unquoted as written; quoted unescaped)
  kQuotedIdentifier,  // `name`
  kString,            // text = the unescaped value
  kInteger,           // text = digits; suffix in `suffix`
  kDecimal,           // text = 1.5 (no exponent); suffix may be D, BD, F
  kDouble,            // text = 1e3 / 1.5e-2 (exponent present)
  kOperator,          // text = the operator
  kEnd,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;
  std::string suffix;  // numeric literal suffix, upper case: L S Y D F BD
  size_t offset = 0;   // byte offset in the query
  size_t length = 0;   // bytes in the query

  bool IsOperator(std::string_view op) const { return kind == TokenKind::kOperator && text == op; }
  // True for an unquoted identifier equal to `word` ignoring ASCII case.
  bool IsKeyword(std::string_view word) const;
};

// Tokenizes `sql`; the last token is kEnd. InvalidArgument with the position
// for an unterminated string/comment/quoted identifier or a stray character.
Result<std::vector<Token>> Tokenize(std::string_view sql);

// "line L, column C" (1-based) of byte `offset` in `sql`.
std::string DescribePosition(std::string_view sql, size_t offset);

}  // namespace lakewatch::sql
