#include "monitor/sketch/hyperloglog.h"

#include <gtest/gtest.h>
#include <xxhash.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "monitor/sketch/sketch_encoding.h"
#include "monitor/sketch/sketch_test_util.h"

namespace lakewatch::monitor::sketch {
namespace {

// Adds the distinct values first..first+count-1 (as hashes of their bytes, seeded
// so trials see independent hash functions).
void AddRange(HyperLogLog* h, uint64_t first, uint64_t count, uint64_t seed = 0) {
  for (uint64_t v = first; v < first + count; ++v)
    h->AddHash(XXH3_64bits_withSeed(&v, sizeof v, seed));
}

TEST(HyperLogLog, EmptySketch) {
  HyperLogLog h;
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.Estimate(), 0.0);
  auto back = HyperLogLog::Deserialize(h.Serialize());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(back->empty());
  EXPECT_EQ(back->precision(), HyperLogLog::kDefaultPrecision);
}

TEST(HyperLogLog, DuplicatesCountOnce) {
  HyperLogLog h;
  for (int i = 0; i < 1000; ++i) h.Add(i % 2 ? "NG" : "US");
  EXPECT_NEAR(h.Estimate(), 2, 0.01);
  h.Add("");
  EXPECT_NEAR(h.Estimate(), 3, 0.01);
}

// Far below 2^p registers the estimate is nearly exact (collisions are rare).
TEST(HyperLogLog, SmallCardinalitiesNearlyExact) {
  for (uint64_t n : {1, 2, 5, 10, 50, 100}) {
    HyperLogLog h;
    AddRange(&h, 0, n);
    EXPECT_NEAR(h.Estimate(), static_cast<double>(n), 0.5) << n;
  }
  // Around n = 0.06 * m, linear counting's standard error is 0.56%: allow 4 of them.
  for (uint64_t seed = 0; seed < 10; ++seed) {
    HyperLogLog h;
    AddRange(&h, 0, 1000, seed);
    EXPECT_NEAR(h.Estimate(), 1000, 1000 * 4 * 0.0056) << seed;
  }
}

// Over independent trials: the root-mean-square relative error stays near the
// documented 1.04 / sqrt(2^p) (within 1.5x, the RMS of 20 trials varies by about
// 16%), no trial is off by more than 4 standard errors, and the mean error shows
// no bias beyond 3 standard errors of the mean, for cardinalities across the
// range where classic HyperLogLog needs its corrections (about 2.5m and 5m).
TEST(HyperLogLog, RelativeErrorWithinDocumentedBound) {
  struct Case {
    int p;
    uint64_t n;
  };
  const int kTrials = 20;
  for (Case c : {Case{14, 10000}, Case{14, 40000}, Case{14, 80000}, Case{14, 1000000},
                 Case{10, 3000}, Case{12, 100000}}) {
    double se = HyperLogLog::RelativeStandardError(c.p);
    double sum = 0, sum_sq = 0, worst = 0;
    for (int t = 0; t < kTrials; ++t) {
      HyperLogLog h(c.p);
      AddRange(&h, uint64_t{1} << 40, c.n, 1000 + static_cast<uint64_t>(t));
      double rel = h.Estimate() / static_cast<double>(c.n) - 1;
      sum += rel;
      sum_sq += rel * rel;
      worst = std::max(worst, std::fabs(rel));
      EXPECT_LT(std::fabs(rel), 4 * se) << "p=" << c.p << " n=" << c.n << " trial " << t;
    }
    double rms = std::sqrt(sum_sq / kTrials);
    std::printf("hll p=%d n=%llu: rms relative error %.4f%% (documented %.4f%%), worst %.4f%%\n",
                c.p, static_cast<unsigned long long>(c.n), 100 * rms, 100 * se, 100 * worst);
    EXPECT_LT(rms, 1.5 * se) << "p=" << c.p << " n=" << c.n;
    EXPECT_LT(std::fabs(sum / kTrials), 3 * se / std::sqrt(kTrials)) << c.n;
  }
}

// A union of overlapping sets equals the sketch of the union exactly (registers
// take maxima), whichever order the parts are merged in.
TEST(HyperLogLog, MergeIsTheSketchOfTheUnion) {
  HyperLogLog a, b, c, all;
  AddRange(&a, 0, 60000);
  AddRange(&b, 40000, 60000);
  AddRange(&c, 90000, 30000);
  AddRange(&all, 0, 120000);
  HyperLogLog ab = a;
  ASSERT_TRUE(ab.Merge(b).ok());
  ASSERT_TRUE(ab.Merge(c).ok());
  HyperLogLog cb = c;
  ASSERT_TRUE(cb.Merge(b).ok());
  ASSERT_TRUE(cb.Merge(a).ok());
  EXPECT_EQ(ab.Serialize(), all.Serialize());
  EXPECT_EQ(cb.Serialize(), all.Serialize());
  EXPECT_NEAR(ab.Estimate(), 120000, 120000 * 4 * HyperLogLog::RelativeStandardError(14));
  HyperLogLog other(12);
  EXPECT_EQ(a.Merge(other).code(), StatusCode::kInvalidArgument);
}

TEST(HyperLogLog, SerializationRoundTripSparseAndDense) {
  for (uint64_t n : {3, 500, 200000}) {
    HyperLogLog h;
    AddRange(&h, 7, n);
    std::string bytes = h.Serialize();
    auto back = HyperLogLog::Deserialize(bytes);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->Estimate(), h.Estimate());
    EXPECT_EQ(back->Serialize(), bytes);
    if (n <= 500) {
      EXPECT_LT(bytes.size(), 4 * n + 32) << "sparse form expected";
    }
  }
}

TEST(HyperLogLog, CorruptBytesRejected) {
  auto deserialize = [](std::string_view b) { return HyperLogLog::Deserialize(b); };
  HyperLogLog dense(4);
  AddRange(&dense, 0, 100);
  testing::ExpectEveryCorruptionRejected(dense.Serialize(), deserialize);
  HyperLogLog sparse;
  AddRange(&sparse, 0, 5);
  testing::ExpectEveryCorruptionRejected(sparse.Serialize(), deserialize);
}

TEST(HyperLogLog, MutatedPayloadsRefusedOrUsable) {
  for (uint64_t n : {5, 100}) {
    HyperLogLog h(n == 5 ? 14 : 4);
    AddRange(&h, 0, n);
    testing::ForEachResealedMutation(h.Serialize(), SketchKind::kHyperLogLog, 2000,
                                     [&](std::string b) {
                                       auto r = HyperLogLog::Deserialize(b);
                                       if (!r.ok()) {
                                         EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
                                         return;
                                       }
                                       HyperLogLog g = *r;
                                       AddRange(&g, 1000, 50);
                                       ASSERT_TRUE(g.Merge(h).ok() || g.precision() != 14);
                                       EXPECT_GE(g.Estimate(), 0);
                                       EXPECT_TRUE(HyperLogLog::Deserialize(g.Serialize()).ok());
                                     });
  }
}

TEST(HyperLogLog, InvariantViolationsRejected) {
  auto error = [](std::initializer_list<int> payload) {
    ByteWriter w;
    for (int b : payload) w.U8(static_cast<uint8_t>(b));
    auto r = HyperLogLog::Deserialize(std::move(w).Seal(SketchKind::kHyperLogLog));
    return r.ok() ? std::string("ok") : r.status().message();
  };
  EXPECT_EQ(error({4, 1, 1, 3, 2}), "ok");
  EXPECT_NE(error({3, 1, 0}).find("precision 3"), std::string::npos);
  EXPECT_NE(error({4, 2}).find("unknown encoding"), std::string::npos);
  EXPECT_NE(error({4, 1, 1, 3, 62}).find("register value 62 above 61"), std::string::npos);
  EXPECT_NE(error({4, 1, 1, 16, 1}).find("beyond 16"), std::string::npos);
  EXPECT_NE(error({4, 1, 2, 3, 1, 0, 1}).find("repeated"), std::string::npos);
  EXPECT_NE(error({4, 1, 1, 3, 0}).find("value 0"), std::string::npos);
  EXPECT_NE(error({4, 0, 1, 2}).find("truncated"), std::string::npos);
  EXPECT_NE(error({4, 1, 1, 3, 2, 9}).find("trailing"), std::string::npos);
}

}  // namespace
}  // namespace lakewatch::monitor::sketch
