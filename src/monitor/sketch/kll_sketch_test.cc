#include "common/test_data.h"
#include "monitor/sketch/kll_sketch.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>
#include <random>
#include <vector>

#include "monitor/sketch/sketch_encoding.h"
#include "monitor/sketch/sketch_test_util.h"

namespace lakewatch::monitor::sketch {
namespace {

using testing::ExactRank;
using testing::MaxRankError;

// A stream of n values from one of several shapes (continuous, heavy-tailed,
// heavily tied, sorted), reproducible from `seed`.
std::vector<double> Stream(int shape, size_t n, uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::vector<double> v(n);
  std::normal_distribution<double> normal(10, 3);
  std::lognormal_distribution<double> lognormal(0, 1.5);
  std::uniform_int_distribution<int> dice(1, 20);
  for (size_t i = 0; i < n; ++i) {
    switch (shape % 5) {
      case 0:
        v[i] = normal(gen);
        break;
      case 1:
        v[i] = lognormal(gen);
        break;
      case 2:
        v[i] = dice(gen);
        break;  // many ties
      case 3:
        v[i] = static_cast<double>(i);
        break;  // sorted arrival
      default:
        v[i] = static_cast<double>(n - i) + normal(gen);
        break;  // reverse-ish
    }
  }
  return v;
}

KllSketch Sketch(const std::vector<double>& v, uint16_t k = KllSketch::kDefaultK,
                 uint64_t seed = KllSketch::kDefaultSeed) {
  KllSketch s(k, seed);
  for (double x : v) s.Update(x);
  return s;
}

std::vector<double> Sorted(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST(KllSketch, EmptySketch) {
  KllSketch s;
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.n(), 0u);
  EXPECT_EQ(s.Rank(1.0), 0.0);
  EXPECT_TRUE(s.SortedView().items().empty());
  KllSketch other;
  ASSERT_TRUE(s.Merge(other).ok());
  EXPECT_TRUE(s.empty());
  auto back = KllSketch::Deserialize(s.Serialize());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(back->empty());
  EXPECT_EQ(back->k(), s.k());
}

TEST(KllSketch, ExactBeforeTheFirstCompaction) {
  std::vector<double> v = Stream(0, 150, 1);
  KllSketch s = Sketch(v);
  ASSERT_TRUE(s.exact());
  std::vector<double> sorted = Sorted(v);
  EXPECT_EQ(s.min(), sorted.front());
  EXPECT_EQ(s.max(), sorted.back());
  for (double x : v) EXPECT_DOUBLE_EQ(s.Rank(x), ExactRank(sorted, x));
  for (size_t i = 1; i <= sorted.size(); ++i) {
    // The inverted-CDF quantile: the smallest value whose rank reaches q.
    double q = static_cast<double>(i) / static_cast<double>(sorted.size());
    EXPECT_EQ(s.Quantile(q), sorted[i - 1]) << q;
  }
  EXPECT_EQ(s.Quantile(0), sorted.front());
}

TEST(KllSketch, NanIgnoredInfinitiesKept) {
  KllSketch s;
  s.Update(std::nan(""));
  EXPECT_TRUE(s.empty());
  s.Update(-std::numeric_limits<double>::infinity());
  s.Update(1);
  s.Update(std::numeric_limits<double>::infinity());
  EXPECT_EQ(s.n(), 3u);
  EXPECT_EQ(s.min(), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(s.Quantile(0.5), 1);
  EXPECT_DOUBLE_EQ(s.Rank(1), 2.0 / 3);
  auto back = KllSketch::Deserialize(s.Serialize());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->max(), std::numeric_limits<double>::infinity());
}

// The documented bound (max over all x, 99% confidence) must hold on every
// one of many streams of several shapes and lengths, for three values of k.
TEST(KllSketch, RankErrorWithinDocumentedBound) {
  const std::vector<uint16_t> ks = {100, 200, 400};
  std::vector<double> worst(ks.size(), 0);
  for (uint64_t trial = 0; trial < static_cast<uint64_t>(SanitizerScaled(15, 3)); ++trial) {
    size_t n = trial % 3 == 0 ? 1000000 : 100000;
    std::vector<double> v = Stream(static_cast<int>(trial), n, 100 + trial);
    std::vector<double> sorted = Sorted(v);
    for (size_t i = 0; i < ks.size(); ++i) {
      KllSketch s = Sketch(v, ks[i], trial + 1);
      ASSERT_EQ(s.n(), n);
      EXPECT_LE(s.num_retained(), 3u * ks[i] + 8u * 64u);  // O(k) space
      double err = MaxRankError(s.SortedView(), sorted);
      EXPECT_LT(err, KllSketch::NormalizedRankError(ks[i])) << "k=" << ks[i] << " trial " << trial;
      worst[i] = std::max(worst[i], err);
    }
  }
  for (size_t i = 0; i < ks.size(); ++i) {
    std::printf("kll k=%u: worst max-rank error %.4f%% over 15 streams (bound %.4f%%)\n", ks[i],
                100 * worst[i], 100 * KllSketch::NormalizedRankError(ks[i]));
  }
}

// The batch update summarizes the same stream: n, min and max exact, ranks
// within the same bound (also where long streams enter through the sampler),
// NaN skipped, exact while the stream fits; fed in pieces of every size (one
// value, less than a chunk, several chunks).
TEST(KllSketch, BatchUpdateWithinDocumentedBound) {
  for (uint64_t trial = 0; trial < static_cast<uint64_t>(SanitizerScaled(10, 5)); ++trial) {
    const size_t n = trial == 0 ? 4000000 : trial % 2 == 0 ? 1000000 : 150000;  // 4M: sampler levels 0-3
    std::vector<double> v = Stream(static_cast<int>(trial), n, 500 + trial);
    if (trial % 3 == 0) v[n / 2] = std::nan("");
    std::vector<double> finite;
    for (double x : v) {
      if (!std::isnan(x)) finite.push_back(x);
    }
    const std::vector<double> sorted = Sorted(finite);
    KllSketch s(KllSketch::kDefaultK, trial + 1);
    const size_t piece = std::vector<size_t>{1, 777, KllSketch::kBatchChunk, 100000}[trial % 4];
    for (size_t start = 0; start < n; start += piece) {
      s.Update(std::span<const double>(v).subspan(start, std::min(piece, n - start)));
    }
    ASSERT_EQ(s.n(), finite.size()) << "trial " << trial;
    EXPECT_EQ(s.min(), sorted.front());
    EXPECT_EQ(s.max(), sorted.back());
    EXPECT_LE(s.num_retained(), 3u * KllSketch::kDefaultK + 8u * 64u);
    const double err = MaxRankError(s.SortedView(), sorted);
    EXPECT_LT(err, KllSketch::NormalizedRankError(KllSketch::kDefaultK))
        << "trial " << trial << " piece " << piece;
    // What it serializes reads back with the same ranks (the invariants hold).
    Result<KllSketch> back = KllSketch::Deserialize(s.Serialize());
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->Rank(sorted[n / 3]), s.Rank(sorted[n / 3]));
  }
  std::vector<double> small = Stream(0, 150, 9);
  KllSketch s;
  s.Update(small);
  EXPECT_TRUE(s.exact());
  EXPECT_EQ(MaxRankError(s.SortedView(), Sorted(small)), 0);
}

TEST(KllSketch, QuantilesWithinBound) {
  std::vector<double> v = Stream(1, 300000, 7);
  KllSketch s = Sketch(v);
  std::vector<double> sorted = Sorted(v);
  KllSortedView view = s.SortedView();
  double bound = KllSketch::NormalizedRankError(s.k());
  double n = static_cast<double>(v.size());
  for (int i = 0; i <= 100; ++i) {
    double q = i / 100.0;
    double x = view.Quantile(q);
    EXPECT_EQ(x, s.Quantile(q));
    // x is a data value; its rank interval [rank of the values below, rank of x]
    // must come within the bound of q.
    double hi = ExactRank(sorted, x);
    double lo =
        static_cast<double>(std::lower_bound(sorted.begin(), sorted.end(), x) - sorted.begin()) / n;
    EXPECT_LE(lo - bound, q) << q;
    EXPECT_GE(hi + bound, q) << q;
  }
  EXPECT_EQ(s.Quantile(0), sorted.front());
  EXPECT_EQ(s.Quantile(1), sorted.back());
}

// Hourly sketches merged in any order must describe the whole stream within the
// bound (merging is not bit-for-bit associative, but every order stays accurate).
TEST(KllSketch, MergedHourlySketchesWithinBound) {
  std::vector<KllSketch> hourly;
  std::vector<double> all;
  for (int hour = 0; hour < 24; ++hour) {
    std::vector<double> v = Stream(hour, 20000 + 1000 * static_cast<size_t>(hour), 500 + hour);
    for (double& x : v) x += hour;  // drifting through the day
    hourly.push_back(Sketch(v, KllSketch::kDefaultK, 1000 + hour));
    all.insert(all.end(), v.begin(), v.end());
  }
  std::vector<double> sorted = Sorted(all);
  double bound = KllSketch::NormalizedRankError(KllSketch::kDefaultK);

  KllSketch forward;
  for (const KllSketch& h : hourly) ASSERT_TRUE(forward.Merge(h).ok());
  KllSketch backward;
  for (auto it = hourly.rbegin(); it != hourly.rend(); ++it) ASSERT_TRUE(backward.Merge(*it).ok());
  std::vector<KllSketch> tree = hourly;  // pairwise, as 1h -> 2h -> 4h ...
  while (tree.size() > 1) {
    std::vector<KllSketch> next;
    for (size_t i = 0; i + 1 < tree.size(); i += 2) {
      next.push_back(tree[i]);
      ASSERT_TRUE(next.back().Merge(tree[i + 1]).ok());
    }
    if (tree.size() % 2) next.push_back(tree.back());
    tree.swap(next);
  }
  KllSketch single = Sketch(all);
  for (const KllSketch* s : {&forward, &backward, &tree[0], &single}) {
    EXPECT_EQ(s->n(), all.size());
    EXPECT_EQ(s->min(), sorted.front());
    EXPECT_EQ(s->max(), sorted.back());
    EXPECT_LT(MaxRankError(s->SortedView(), sorted), bound);
  }
  // The merged sketches agree with the single one within the two-sided bound.
  KllSortedView a = forward.SortedView(), b = single.SortedView();
  for (int i = 0; i <= 50; ++i) {
    double x = b.Quantile(i / 50.0);
    EXPECT_NEAR(a.Rank(x), b.Rank(x), KllSketch::NormalizedRankErrorTwoSided(200));
  }
}

TEST(KllSketch, MergeIntoEmptyAndSelf) {
  std::vector<double> v = Stream(0, 5000, 3);
  KllSketch s = Sketch(v);
  KllSketch empty;
  ASSERT_TRUE(empty.Merge(s).ok());
  EXPECT_EQ(empty.n(), s.n());
  EXPECT_EQ(empty.min(), s.min());
  ASSERT_TRUE(s.Merge(s).ok());
  EXPECT_EQ(s.n(), 10000u);
  std::vector<double> doubled = v;
  doubled.insert(doubled.end(), v.begin(), v.end());
  EXPECT_LT(MaxRankError(s.SortedView(), Sorted(doubled)), KllSketch::NormalizedRankError(200));
}

TEST(KllSketch, MergeOfDifferentKRefused) {
  KllSketch a(200), b(100);
  b.Update(1);
  Status st = a.Merge(b);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("k=100"), std::string::npos) << st.message();
}

TEST(KllSketch, DeterministicForASeed) {
  std::vector<double> v = Stream(1, 50000, 9);
  EXPECT_EQ(Sketch(v, 200, 42).Serialize(), Sketch(v, 200, 42).Serialize());
  EXPECT_NE(Sketch(v, 200, 42).Serialize(), Sketch(v, 200, 43).Serialize());
}

TEST(KllSketch, SerializationRoundTrip) {
  std::vector<double> v = Stream(4, 70000, 11);
  KllSketch s = Sketch(v);
  std::string bytes = s.Serialize();
  auto back = KllSketch::Deserialize(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->Serialize(), bytes);
  EXPECT_EQ(back->n(), s.n());
  EXPECT_EQ(back->num_retained(), s.num_retained());
  for (double q : {0.0, 0.1, 0.5, 0.9, 1.0}) EXPECT_EQ(back->Quantile(q), s.Quantile(q));
  // The generator state travels too: both continue identically.
  for (double x : Stream(0, 10000, 12)) {
    s.Update(x);
    back->Update(x);
  }
  EXPECT_EQ(back->Serialize(), s.Serialize());
  // Compact: about 8 bytes per retained item.
  EXPECT_LT(bytes.size(), 8 * s.num_retained() + 64 + 2 * 64);
}

TEST(KllSketch, CorruptBytesRejected) {
  KllSketch s(8, 5);
  for (double x : Stream(0, 40, 5)) s.Update(x);
  ASSERT_FALSE(s.exact());
  testing::ExpectEveryCorruptionRejected(
      s.Serialize(), [](std::string_view b) { return KllSketch::Deserialize(b); });
  EXPECT_FALSE(KllSketch::Deserialize("").ok());
}

// Payload mutations behind a valid checksum are refused as Corrupt, or give a
// sketch that keeps working (updates, merges, queries, round trips).
TEST(KllSketch, MutatedPayloadsRefusedOrUsable) {
  KllSketch s(8, 5);
  for (double x : Stream(1, 60, 5)) s.Update(x);
  int accepted = 0;
  testing::ForEachResealedMutation(s.Serialize(), SketchKind::kKll, 3000, [&](std::string b) {
    auto r = KllSketch::Deserialize(b);
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kCorrupt) << r.status().ToString();
      return;
    }
    ++accepted;
    KllSketch k = *r;
    for (int i = 0; i < 300; ++i) k.Update(i);
    KllSketch copy = k;
    ASSERT_TRUE(k.Merge(copy).ok());
    double median = k.Quantile(0.5);
    EXPECT_TRUE(median >= k.min() && median <= k.max());
    EXPECT_TRUE(KllSketch::Deserialize(k.Serialize()).ok());
  });
  EXPECT_GT(accepted, 0);  // some mutations (items, generator state) are valid sketches
}

// Bytes with a valid envelope (checksum) whose payload breaks an invariant.
TEST(KllSketch, InvariantViolationsRejected) {
  auto payload = [](uint64_t n, double min, double max, std::vector<std::vector<double>> levels) {
    ByteWriter w;
    w.U16(8);
    w.U64(1);
    w.Varint(n);
    if (n > 0) {
      w.F64(min);
      w.F64(max);
    }
    w.U8(static_cast<uint8_t>(levels.size()));
    for (const auto& l : levels) {
      w.Varint(l.size());
      for (double x : l) w.F64(x);
    }
    return std::move(w).Seal(SketchKind::kKll);
  };
  auto error = [](const std::string& bytes) {
    auto r = KllSketch::Deserialize(bytes);
    return r.ok() ? std::string("ok") : r.status().message();
  };
  EXPECT_TRUE(KllSketch::Deserialize(payload(5, 1, 4, {{3}, {1, 2}})).ok());
  EXPECT_NE(error(payload(6, 1, 4, {{3}, {1, 2}})).find("do not sum to n=6"), std::string::npos);
  EXPECT_NE(error(payload(5, 1, 4, {{3}, {2, 1}})).find("not sorted"), std::string::npos);
  EXPECT_NE(error(payload(5, 1, 2, {{3}, {1, 2}})).find("outside [min, max]"), std::string::npos);
  EXPECT_NE(error(payload(5, 4, 1, {{3}, {1, 2}})).find("min is greater"), std::string::npos);
  EXPECT_NE(error(payload(0, 0, 0, {})).find("level count 0"), std::string::npos);
  std::vector<double> many(40, 1.0);
  EXPECT_NE(error(payload(40, 1, 1, {many})).find("exceed the capacity"), std::string::npos);
  ByteWriter other;
  other.U8(1);
  EXPECT_NE(error(std::move(other).Seal(SketchKind::kHyperLogLog)).find("sketch kind"),
            std::string::npos);
}

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Update is amortized O(1): 10M doubles in well under a second. Both wall-clock
// and thread CPU time are printed (the machine is shared); the loose assertion
// is on CPU time.
TEST(KllSketch, UpdateThroughput) {
  LW_SKIP_IN_SANITIZER_BUILD();
  std::mt19937_64 gen(1);
  std::vector<double> v(10000000);
  for (double& x : v) x = static_cast<double>(gen() >> 11) * 0x1.0p-53;  // uniform [0, 1)
  KllSketch s;
  auto start = std::chrono::steady_clock::now();
  double cpu_start = ThreadCpuSeconds();
  for (double x : v) s.Update(x);
  double cpu = ThreadCpuSeconds() - cpu_start;
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("kll: 10M updates in %.3f s wall, %.3f s CPU (%.1f ns each), %zu items retained\n",
              secs, cpu, cpu * 100, s.num_retained());
  EXPECT_EQ(s.n(), v.size());
#if defined(NDEBUG) && !defined(__SANITIZE_ADDRESS__)
  EXPECT_LT(cpu, 2.0);
#endif
  KllSketch batch;
  cpu_start = ThreadCpuSeconds();
  batch.Update(v);
  const double batch_cpu = ThreadCpuSeconds() - cpu_start;
  std::printf("kll: 10M values as one batch in %.3f s CPU (%.1f ns each)\n", batch_cpu,
              batch_cpu * 100);
  EXPECT_EQ(batch.n(), v.size());
}

}  // namespace
}  // namespace lakewatch::monitor::sketch
