#include "monitor/metrics/sort_doubles.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <vector>

#include "common/buffer.h"

namespace lakewatch::monitor::metrics {
namespace {

constexpr size_t kRadixMinSize = 1024;  // measured: radix wins from ~1,000 values (KLL chunks of 1-8k)
// 8-bit digits: each scatter pass writes to 256 places at once, which the TLB and the cache
// follow better than 2048 (11-bit digits: fewer passes, measured 2.5x slower here).
constexpr int kDigitBits = 8;
constexpr int kPasses = 8;
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

void SortDoubles(std::span<double> values) {
  const size_t n = values.size();
  if (n < kRadixMinSize) {
    std::sort(values.begin(), values.end());
    return;
  }
  // The keys live in the values' own storage (bits moved with memcpy, never as doubles) and in
  // one scratch Buffer: uninitialised, and from common/memory's recycled huge-page blocks once
  // large — the scatter passes touch pages all over the array, and fresh 4 KiB pages cost more
  // in faults and TLB misses than the sort itself (3x, measured on 10M scores).
  double* data = values.data();
  Buffer scratch_buffer(n * sizeof(uint64_t));
  std::vector<std::array<size_t, kBuckets>> counts(kPasses);
  for (auto& c : counts) c.fill(0);
  for (size_t i = 0; i < n; ++i) {
    const uint64_t key = ToKey(data[i]);
    std::memcpy(&data[i], &key, sizeof key);
    for (int p = 0; p < kPasses; ++p) ++counts[p][Digit(key, p)];
  }
  // Passes alternate between the values' storage (even) and the scratch array (odd).
  auto load = [](const void* base, size_t i) {
    uint64_t key;
    std::memcpy(&key, static_cast<const char*>(base) + i * sizeof key, sizeof key);
    return key;
  };
  auto store = [](void* base, size_t i, uint64_t key) {
    std::memcpy(static_cast<char*>(base) + i * sizeof key, &key, sizeof key);
  };
  void* from = data;
  void* to = scratch_buffer.data();
  for (int p = 0; p < kPasses; ++p) {
    auto& count = counts[p];
    if (count[Digit(load(from, 0), p)] == n) continue;  // every key has this digit
    size_t offset = 0;
    for (auto& c : count) {
      const size_t bucket = c;
      c = offset;
      offset += bucket;
    }
    for (size_t i = 0; i < n; ++i) {
      const uint64_t key = load(from, i);
      store(to, count[Digit(key, p)]++, key);
    }
    std::swap(from, to);
  }
  for (size_t i = 0; i < n; ++i) data[i] = FromKey(load(from, i));
}

}  // namespace lakewatch::monitor::metrics
