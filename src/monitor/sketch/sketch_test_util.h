// Helpers shared by the sketch unit tests (test-only; included by *_test.cc).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <random>

#include "monitor/sketch/kll_sketch.h"
#include "monitor/sketch/sketch_encoding.h"

namespace lakewatch::monitor::sketch::testing {

// Every strict prefix, every single-byte flip (three masks) and one appended
// byte of `bytes` must be refused by `deserialize` (a callable taking a
// std::string_view and returning a Result), and the intact bytes accepted.
template <typename Deserialize>
void ExpectEveryCorruptionRejected(const std::string& bytes, Deserialize deserialize) {
  ASSERT_TRUE(deserialize(bytes).ok());
  for (size_t len = 0; len < bytes.size(); ++len) {
    EXPECT_FALSE(deserialize(std::string_view(bytes).substr(0, len)).ok()) << "prefix " << len;
  }
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (int mask : {0x01, 0x80, 0xff}) {
      std::string bad = bytes;
      bad[i] = static_cast<char>(bad[i] ^ mask);
      EXPECT_FALSE(deserialize(bad).ok()) << "byte " << i << " ^ " << mask;
    }
  }
  EXPECT_FALSE(deserialize(bytes + '\0').ok()) << "trailing byte";
}

// Mutations past the checksum: `rounds` copies of the payload of `bytes` (an
// envelope of `kind`) with 1-3 random bytes changed, resealed with a valid
// checksum, each passed to `use` (a callable taking the std::string). This is
// what reaches the invariant checks of a deserializer; `use` should deserialize
// and exercise whatever is accepted.
template <typename Use>
void ForEachResealedMutation(const std::string& bytes, SketchKind kind, int rounds, Use use) {
  constexpr size_t kHeader = 10, kChecksum = 8;  // sketch_encoding.cc's envelope
  ASSERT_GT(bytes.size(), kHeader + kChecksum);
  const std::string payload = bytes.substr(kHeader, bytes.size() - kHeader - kChecksum);
  std::mt19937_64 gen(payload.size());
  for (int round = 0; round < rounds; ++round) {
    std::string mutated = payload;
    int changes = 1 + static_cast<int>(gen() % 3);
    for (int c = 0; c < changes && !mutated.empty(); ++c) {
      size_t at = gen() % mutated.size();
      mutated[at] = static_cast<char>(gen() % 4 == 0 ? mutated[at] ^ 0x80 : gen());
    }
    ByteWriter w;
    for (char ch : mutated) w.U8(static_cast<uint8_t>(ch));
    use(std::move(w).Seal(kind));
  }
}

// The exact fraction of `sorted` that is <= x.
inline double ExactRank(const std::vector<double>& sorted, double x) {
  auto it = std::upper_bound(sorted.begin(), sorted.end(), x);
  return static_cast<double>(it - sorted.begin()) / static_cast<double>(sorted.size());
}

// max over all x of |view.Rank(x) - ExactRank(sorted, x)|. Both are right-continuous
// step functions jumping only at data values (retained items are data values), so
// checking at every distinct data value gives the exact supremum.
inline double MaxRankError(const KllSortedView& view, const std::vector<double>& sorted) {
  const std::vector<double>& items = view.items();
  const std::vector<uint64_t>& cum = view.cumulative_weights();
  double n = static_cast<double>(sorted.size());
  double worst = 0;
  size_t j = 0;
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (i + 1 < sorted.size() && sorted[i + 1] == sorted[i]) continue;
    while (j < items.size() && items[j] <= sorted[i]) ++j;
    double approx = j == 0 ? 0 : static_cast<double>(cum[j - 1]) / static_cast<double>(view.n());
    worst = std::max(worst, std::fabs(approx - static_cast<double>(i + 1) / n));
  }
  return worst;
}

}  // namespace lakewatch::monitor::sketch::testing
