// Tokenizer: THE definition of a search token, shared by the index builder
// (sidecar_builder.h) and by the scan that answers `match(column, 'words')`
// where no index exists, so both give the same answer.
//
// A token is a maximal run of bytes that are ASCII letters, ASCII digits,
// '_' or any byte >= 0x80, with ASCII letters lowercased. Every other byte
// (space, punctuation, control bytes) separates tokens. Consequences:
//   - UTF-8 multi-byte characters are never split (all their bytes are
//     >= 0x80) and are kept byte for byte: only ASCII letters are folded, so
//     "ÉCOLE" gives "École", a different token from "école".
//   - Invalid UTF-8 needs no special case: its bytes >= 0x80 are token bytes.
//   - "user_id=42, ERROR: Timeout" → "user_id", "42", "error", "timeout";
//     "10.0.0.1" → "10", "0", "0", "1"; "foo-bar" → "foo", "bar".
// A row matches query words when its column's tokens include every token of
// the words (QueryTokens): order, repetition and position do not matter.
//
// Thread-safety: pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lakewatch::index {

namespace internal {
// 1 for the bytes that belong to tokens, 0 for separators.
inline constexpr std::array<uint8_t, 256> kTokenByte = [] {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    t[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c >= 0x80;
  }
  return t;
}();
}  // namespace internal

// Whether byte `c` is part of tokens.
inline bool IsTokenByte(char c) { return internal::kTokenByte[static_cast<uint8_t>(c)] != 0; }

// Calls fn(std::string_view token) for each token of `text`, in order
// (duplicates included), lowercased. The view points into `text` when the
// token has no uppercase letter, else into `*scratch`; it is valid during the
// call only. No allocation per token (scratch grows to the longest token).
template <typename Fn>
void ForEachToken(std::string_view text, std::string* scratch, Fn&& fn) {
  const char* p = text.data();
  const char* const end = p + text.size();
  while (p < end) {
    while (p < end && !IsTokenByte(*p)) ++p;
    if (p == end) break;
    const char* begin = p;
    bool upper = false;
    while (p < end && IsTokenByte(*p)) {
      upper |= (*p >= 'A' && *p <= 'Z');
      ++p;
    }
    std::string_view token(begin, static_cast<size_t>(p - begin));
    if (upper) {
      scratch->assign(token);
      for (char& c : *scratch) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
      }
      token = *scratch;
    }
    fn(token);
  }
}

// The tokens of `text`, in order, duplicates included.
std::vector<std::string> Tokenize(std::string_view text);

// The tokens a query `match(column, words)` looks for: the distinct tokens of
// `words`, sorted. Empty when `words` has no token (every non-null row
// matches then).
std::vector<std::string> QueryTokens(std::string_view words);

// Whether every token of `query_tokens` is a token of `text`, i.e.
// QueryTokens(text) ⊇ query_tokens. An empty list is contained in any text.
// REQUIRES: each query token is a token (from QueryTokens/Tokenize); a string
// that is not one (empty, uppercase, with separators) is never contained.
// Fast: a vectorized search for each query token with a boundary check, no
// tokenization of `text`; this is what the scan fallback runs per row.
bool ContainsAllTokens(std::string_view text, const std::vector<std::string>& query_tokens);

// Whether `token` occurs in `text` as a whole token (same rules).
bool ContainsToken(std::string_view text, std::string_view token);

}  // namespace lakewatch::index
