#include "index/key_filter.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

namespace lakewatch::index {
namespace {

std::vector<uint64_t> RandomKeys(std::mt19937_64* rng, size_t n) {
  std::set<uint64_t> s;
  while (s.size() < n) s.insert((*rng)());
  return {s.begin(), s.end()};
}

TEST(KeyFilterTest, NoFalseNegativesAndFalsePositivesNearTwoToMinusBits) {
  std::mt19937_64 rng(7);
  for (int bits : {4, 8, 10, 12, 16}) {
    for (size_t n : {0, 1, 4, 5, 7, 30, 100, 1000, 20000}) {
      std::vector<uint64_t> keys = RandomKeys(&rng, n);
      std::vector<uint64_t> copy = keys;
      Buffer buf;
      AppendKeyFilter(&copy, bits, &buf);
      auto f = KeyFilterView::Parse(buf.view(), bits, "test");
      ASSERT_TRUE(f.ok()) << f.status().ToString();
      for (uint64_t k : keys) ASSERT_TRUE(f->MayContain(k)) << "bits " << bits << " n " << n;
      int false_positives = 0;
      const int probes = 200000;
      for (int i = 0; i < probes; ++i) false_positives += f->MayContain(rng()) ? 1 : 0;
      const double rate = static_cast<double>(false_positives) / probes;
      if (n > kMaxListKeys) {
        EXPECT_LT(rate, 2.0 / (1 << bits) + 0.001) << "bits " << bits << " n " << n;
      } else {
        EXPECT_EQ(false_positives, 0);  // tiny sets are exact
      }
      if (n >= 20000) {  // the paper's sizing: 1.23 slots per key at 20,000 keys
        EXPECT_LT(static_cast<double>(buf.size()) * 8 / n, 1.25 * bits) << "bits " << bits;
      }
    }
  }
}

TEST(KeyFilterTest, MalformedFiltersAreCorrupt) {
  std::mt19937_64 rng(8);
  std::vector<uint64_t> keys = RandomKeys(&rng, 50);
  Buffer buf;
  AppendKeyFilter(&keys, 8, &buf);
  const std::string good(buf.view());
  EXPECT_TRUE(KeyFilterView::Parse(good, 8, "t").ok());
  EXPECT_FALSE(KeyFilterView::Parse(good, 9, "t").ok());  // sizes depend on the width
  EXPECT_FALSE(KeyFilterView::Parse("", 8, "t").ok());
  EXPECT_FALSE(KeyFilterView::Parse(std::string(1, '\x07'), 8, "t").ok());
  for (size_t len = 0; len < good.size(); ++len) {
    EXPECT_FALSE(KeyFilterView::Parse(good.substr(0, len), 8, "t").ok()) << len;
  }
  std::string big_segments = good;
  big_segments[6] = '\xff';  // segment count
  big_segments[9] = '\x7f';
  auto r = KeyFilterView::Parse(big_segments, 8, "t");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(r.status().message().find("t: "), std::string::npos);
}

}  // namespace
}  // namespace lakewatch::index
