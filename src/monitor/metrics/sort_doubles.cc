#include "monitor/metrics/sort_doubles.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>

namespace lakewatch::monitor::metrics {
namespace {

constexpr size_t kRadixMinSize = 4096;
constexpr int kDigitBits = 11;
constexpr int kPasses = 6;  // 6 × 11 bits cover the 64 bits of a double
constexpr size_t kBuckets = size_t{1} << kDigitBits;
constexpr uint64_t kSign = uint64_t{1} << 63;

// Maps a double's bits to an unsigned key with the same order: negatives have all bits
// flipped (larger magnitude = smaller key), non-negatives get the sign bit set.
uint64_t ToKey(double v) {
  const auto bits = std::bit_cast<uint64_t>(v);
  return (bits & kSign) ? ~bits : (bits | kSign);
}

double FromKey(uint64_t key) {
  return std::bit_cast<double>((key & kSign) ? (key & ~kSign) : ~key);
}

unsigned Digit(uint64_t key, int pass) {
  return static_cast<unsigned>(key >> (pass * kDigitBits)) & (kBuckets - 1);
}

}  // namespace

void SortDoubles(std::vector<double>* values) {
  const size_t n = values->size();
  if (n < kRadixMinSize) {
    std::sort(values->begin(), values->end());
    return;
  }
  std::vector<uint64_t> keys(n);
  std::vector<uint64_t> scratch(n);
  std::vector<std::array<size_t, kBuckets>> counts(kPasses);
  for (auto& c : counts) c.fill(0);
  for (size_t i = 0; i < n; ++i) {
    const uint64_t key = ToKey((*values)[i]);
    keys[i] = key;
    for (int p = 0; p < kPasses; ++p) ++counts[p][Digit(key, p)];
  }
  for (int p = 0; p < kPasses; ++p) {
    auto& count = counts[p];
    if (count[Digit(keys[0], p)] == n) continue;  // every key has this digit: nothing to do
    size_t offset = 0;
    for (auto& c : count) {
      const size_t bucket = c;
      c = offset;
      offset += bucket;
    }
    for (const uint64_t key : keys) scratch[count[Digit(key, p)]++] = key;
    keys.swap(scratch);
  }
  for (size_t i = 0; i < n; ++i) (*values)[i] = FromKey(keys[i]);
}

}  // namespace lakewatch::monitor::metrics
