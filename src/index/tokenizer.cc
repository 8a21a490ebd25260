#include "index/tokenizer.h"

#include <algorithm>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace lakewatch::index {

namespace {

char FoldAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; }
bool IsLowerLetter(char c) { return c >= 'a' && c <= 'z'; }

// A query token as the tokenizer makes them: non-empty, token bytes only, no
// uppercase letter.
bool IsNormalizedToken(std::string_view token) {
  if (token.empty()) return false;
  for (char c : token) {
    if (!IsTokenByte(c) || (c >= 'A' && c <= 'Z')) return false;
  }
  return true;
}

// Whether text[pos, pos + token.size()) is `token` up to ASCII case and is a
// whole token (no token byte right before or after it).
bool MatchAt(std::string_view text, size_t pos, std::string_view token) {
  const size_t n = token.size();
  if (pos > 0 && IsTokenByte(text[pos - 1])) return false;
  if (pos + n < text.size() && IsTokenByte(text[pos + n])) return false;
  for (size_t j = 0; j < n; ++j) {
    if (FoldAscii(text[pos + j]) != token[j]) return false;
  }
  return true;
}

}  // namespace

std::vector<std::string> Tokenize(std::string_view text) {
  std::vector<std::string> out;
  std::string scratch;
  ForEachToken(text, &scratch, [&](std::string_view t) { out.emplace_back(t); });
  return out;
}

std::vector<std::string> QueryTokens(std::string_view words) {
  std::vector<std::string> out = Tokenize(words);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool ContainsToken(std::string_view text, std::string_view token) {
  if (!IsNormalizedToken(token) || token.size() > text.size()) return false;
  const size_t n = token.size();
  const size_t last_start = text.size() - n;  // the last position a match can start at
  size_t i = 0;
#if defined(__SSE2__)
  // Candidates: positions whose first and last bytes match the token's (up
  // to ASCII case), 16 at a time; each candidate is then checked in full.
  // Folding: x | 0x20 equals a lowercase letter c exactly for x = c and its
  // uppercase; other token bytes compare exactly.
  const char first = token[0], last = token[n - 1];
  const __m128i first_v = _mm_set1_epi8(first), last_v = _mm_set1_epi8(last);
  const __m128i first_fold = _mm_set1_epi8(IsLowerLetter(first) ? 0x20 : 0);
  const __m128i last_fold = _mm_set1_epi8(IsLowerLetter(last) ? 0x20 : 0);
  const char* p = text.data();
  for (; i + 16 <= last_start + 1; i += 16) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + n - 1));
    const __m128i eq = _mm_and_si128(_mm_cmpeq_epi8(_mm_or_si128(a, first_fold), first_v),
                                     _mm_cmpeq_epi8(_mm_or_si128(b, last_fold), last_v));
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(eq));
    while (mask != 0) {
      const unsigned bit = static_cast<unsigned>(__builtin_ctz(mask));
      if (MatchAt(text, i + bit, token)) return true;
      mask &= mask - 1;
    }
  }
#endif
  for (; i <= last_start; ++i) {
    if (FoldAscii(text[i]) == token[0] && MatchAt(text, i, token)) return true;
  }
  return false;
}

bool ContainsAllTokens(std::string_view text, const std::vector<std::string>& query_tokens) {
  for (const std::string& t : query_tokens) {
    if (!ContainsToken(text, t)) return false;
  }
  return true;
}

}  // namespace lakewatch::index
