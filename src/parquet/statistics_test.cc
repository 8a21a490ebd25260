#include "parquet/statistics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "common/column.h"

namespace lakewatch::parquet {
namespace {

// String bounds are found with an 8-byte prefix comparison first: they must
// be the byte-wise minimum and maximum, whatever the lengths, shared
// prefixes, zero bytes and bytes above 0x7f.
TEST(StatsCollector, StringBoundsAreTheByteWiseMinAndMax) {
  uint64_t state = 42;
  auto next = [&](uint64_t n) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (state >> 33) % n;
  };
  static const char kAlphabet[] = {'\0', '\x01', 'a', 'b', '\x7f', '\x80', '\xff'};
  LeafDescriptor leaf;
  leaf.type = DataType::String();
  for (int round = 0; round < 2000; ++round) {
    auto col = Column::Make(DataType::String());
    std::vector<std::string> values;
    const std::string common(next(12), 'p');  // a shared prefix of 0-11 bytes
    const int n = 1 + static_cast<int>(next(40));
    for (int i = 0; i < n; ++i) {
      std::string v = next(4) == 0 ? std::string() : common;
      const size_t len = next(12);
      for (size_t k = 0; k < len; ++k) v += kAlphabet[next(sizeof(kAlphabet))];
      values.push_back(v);
      col->AppendString(v);
    }
    // Two updates, as the writer calls it page by page.
    StatsCollector stats(leaf);
    const int64_t split = static_cast<int64_t>(next(static_cast<uint64_t>(n)));
    stats.Update(*col, 0, split);
    stats.Update(*col, split, n);
    ASSERT_TRUE(stats.has_bounds());
    EXPECT_EQ(stats.min().str, *std::min_element(values.begin(), values.end())) << round;
    EXPECT_EQ(stats.max().str, *std::max_element(values.begin(), values.end())) << round;
  }
}

}  // namespace
}  // namespace lakewatch::parquet
