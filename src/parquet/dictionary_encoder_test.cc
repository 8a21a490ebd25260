#include "parquet/dictionary_encoder.h"

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace lakewatch::parquet {
namespace {

// Indices are dense and in first-seen order, with runs of one value (which
// skip the hash table) and values recurring after other values alike.
TEST(DictionaryEncoder, IndicesInFirstSeenOrderWithRuns) {
  uint64_t state = 7;
  auto next = [&](uint64_t n) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (state >> 33) % n;
  };
  for (int round = 0; round < 200; ++round) {
    // Byte arrays: a few values (empty included) in runs of 1-5.
    std::vector<std::string> values;
    while (values.size() < 300) {
      std::string v = next(6) == 0 ? std::string() : "v" + std::to_string(next(8));
      for (uint64_t k = 1 + next(5); k > 0; --k) values.push_back(v);
    }
    std::string chars;
    std::vector<int64_t> offsets = {0};
    for (const std::string& v : values) {
      chars += v;
      offsets.push_back(static_cast<int64_t>(chars.size()));
    }
    chars.append(8, '\0');
    DictionaryEncoder bytes(0);
    std::vector<uint32_t> idx(values.size());
    // Two calls, as the writer makes per page (the second starts mid-array).
    const int64_t split = static_cast<int64_t>(next(values.size()));
    const auto* c = reinterpret_cast<const uint8_t*>(chars.data());
    bytes.PutBytes(c, offsets.data(), 0, split, idx.data());
    bytes.PutBytes(c, offsets.data(), split, static_cast<int64_t>(values.size()), idx.data() + split);
    std::map<std::string, uint32_t> first;
    for (size_t i = 0; i < values.size(); ++i) {
      auto [it, fresh] = first.emplace(values[i], static_cast<uint32_t>(first.size()));
      ASSERT_EQ(idx[i], it->second) << "round " << round << " value " << i;
    }
    EXPECT_EQ(bytes.size(), static_cast<int64_t>(first.size()));

    // Fixed width (8 bytes): the same sequence as integers.
    std::vector<int64_t> ints;
    for (const std::string& v : values) ints.push_back(v.empty() ? -1 : std::stoll(v.substr(1)));
    DictionaryEncoder fixed(8);
    std::vector<uint32_t> fidx(ints.size());
    fixed.PutFixed(reinterpret_cast<const uint8_t*>(ints.data()), static_cast<int64_t>(ints.size()), fidx.data());
    std::map<int64_t, uint32_t> ffirst;
    for (size_t i = 0; i < ints.size(); ++i) {
      auto [it, fresh] = ffirst.emplace(ints[i], static_cast<uint32_t>(ffirst.size()));
      ASSERT_EQ(fidx[i], it->second) << "round " << round << " value " << i;
    }
  }
}

}  // namespace
}  // namespace lakewatch::parquet
