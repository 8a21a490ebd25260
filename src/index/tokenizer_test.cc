#include "index/tokenizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

namespace lakewatch::index {
namespace {

using Tokens = std::vector<std::string>;

TEST(TokenizerTest, SplitsOnEverythingButLettersDigitsUnderscore) {
  EXPECT_EQ(Tokenize("user_id=42, ERROR: Timeout"), (Tokens{"user_id", "42", "error", "timeout"}));
  EXPECT_EQ(Tokenize("10.0.0.1"), (Tokens{"10", "0", "0", "1"}));
  EXPECT_EQ(Tokenize("foo-bar/baz\tqux\nQUUX"), (Tokens{"foo", "bar", "baz", "qux", "quux"}));
  EXPECT_EQ(Tokenize("__init__ a1B2"), (Tokens{"__init__", "a1b2"}));
}

TEST(TokenizerTest, EdgeCases) {
  EXPECT_TRUE(Tokenize("").empty());
  EXPECT_TRUE(Tokenize(" ,.;:!?()[]{}<>\"'\\/|-+=*&^%$#@~`\x01\x7f").empty());
  EXPECT_EQ(Tokenize("x"), (Tokens{"x"}));
  EXPECT_EQ(Tokenize("  x  "), (Tokens{"x"}));
  EXPECT_EQ(Tokenize(std::string_view("a\0b", 3)), (Tokens{"a", "b"}));
  const std::string long_token(100000, 'Z');
  EXPECT_EQ(Tokenize(long_token), (Tokens{std::string(100000, 'z')}));
}

TEST(TokenizerTest, Utf8CharactersStayWholeAndOnlyAsciiFolds) {
  EXPECT_EQ(Tokenize("ÉCOLE école"), (Tokens{"École", "école"}));
  EXPECT_EQ(Tokenize("日本語のテキスト,café"), (Tokens{"日本語のテキスト", "café"}));
  EXPECT_EQ(Tokenize("naïve—dash"), (Tokens{"naïve—dash"}));  // an em dash is bytes >= 0x80
  // Invalid UTF-8: bytes >= 0x80 are token bytes whatever they form.
  EXPECT_EQ(Tokenize("a\xff\xfe b\x80"), (Tokens{"a\xff\xfe", "b\x80"}));
}

TEST(TokenizerTest, QueryTokensAreDistinctAndSorted) {
  EXPECT_EQ(QueryTokens("Timeout timeout ERROR, error db"), (Tokens{"db", "error", "timeout"}));
  EXPECT_TRUE(QueryTokens(" -- ").empty());
}

TEST(TokenizerTest, ForEachTokenViewsPointIntoTextWhenAlreadyLowercase) {
  const std::string text = "abc DEF";
  std::string scratch;
  std::vector<const char*> where;
  ForEachToken(text, &scratch, [&](std::string_view t) { where.push_back(t.data()); });
  ASSERT_EQ(where.size(), 2u);
  EXPECT_EQ(where[0], text.data());
  EXPECT_EQ(where[1], scratch.data());
}

TEST(TokenizerTest, ContainsTokenNeedsWholeTokens) {
  EXPECT_TRUE(ContainsToken("Connection TIMEOUT after 30s", "timeout"));
  EXPECT_FALSE(ContainsToken("timeouts happen", "timeout"));
  EXPECT_FALSE(ContainsToken("my_timeout", "timeout"));
  EXPECT_TRUE(ContainsToken("timeout", "timeout"));
  EXPECT_TRUE(ContainsToken("x=timeout.", "timeout"));
  EXPECT_FALSE(ContainsToken("caféx", "café"));
  EXPECT_TRUE(ContainsToken("un café.", "café"));
  // Not a normalized token: never contained.
  EXPECT_FALSE(ContainsToken("Timeout", "Timeout"));
  EXPECT_FALSE(ContainsToken("a b", "a b"));
  EXPECT_FALSE(ContainsToken("abc", ""));
  EXPECT_TRUE(ContainsAllTokens("anything", {}));
  EXPECT_TRUE(ContainsAllTokens("db ERROR: disk full", {"disk", "error"}));
  EXPECT_FALSE(ContainsAllTokens("db ERROR: disk full", {"disk", "errors"}));
}

// ContainsAllTokens must agree with the tokenizer exactly: checked against
// the token set of random texts built from a small alphabet (so tokens
// repeat, touch, and cross the 16-byte vector boundaries).
TEST(TokenizerTest, ContainsAllTokensAgreesWithTokenize) {
  std::mt19937_64 rng(20251127);
  const std::string alphabet = "abAB_1 .-\xc3\xa9\xff";
  for (int iter = 0; iter < 20000; ++iter) {
    std::string text;
    const size_t len = rng() % 70;
    for (size_t i = 0; i < len; ++i) text += alphabet[rng() % alphabet.size()];
    const Tokens tokens = Tokenize(text);
    std::set<std::string> set(tokens.begin(), tokens.end());
    // Queries: tokens of the text, tokens of another random text, or both.
    std::string other;
    for (size_t i = 0, n = rng() % 12; i < n; ++i) other += alphabet[rng() % alphabet.size()];
    Tokens query = QueryTokens(other);
    if (!tokens.empty() && rng() % 2 == 0) query.push_back(tokens[rng() % tokens.size()]);
    bool want = true;
    for (const std::string& q : query) want &= set.count(q) > 0;
    ASSERT_EQ(ContainsAllTokens(text, query), want) << "text '" << text << "' query '" << other << "'";
    for (const std::string& t : set) ASSERT_TRUE(ContainsToken(text, t)) << text << " / " << t;
  }
}

}  // namespace
}  // namespace lakewatch::index
