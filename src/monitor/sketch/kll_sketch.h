// KllSketch: a mergeable quantile sketch over doubles (Karnin, Lang, Liberty,
// "Optimal Quantile Approximation in Streams", FOCS 2016), in the lazy-compaction
// form Apache DataSketches uses: a stack of compactors, level h holding items of
// weight 2^h; level capacities shrink geometrically by 2/3 going down from the top
// (never below 8); when the sketch holds more items than its total capacity the
// lowest full level is sorted and every other item, from a random offset, moves up
// one level with double weight.
//
// Error bound. Let R(x) be the fraction of the stream <= x and R'(x) the
// sketch's estimate. DataSketches measured for this design, as the 99th percentile
// over trials of the maximum over all x:
//   max_x |R'(x) - R(x)| <= NormalizedRankError(k) = 2.296 / k^0.9723
// (1.33% at k = 200), and twice-sided (a difference of two ranks, as in a PMF or a
// bin share) 2.446 / k^0.9433 (1.65% at k = 200). The unit tests check the first
// bound on many streams, after updates and after merges. Quantile(q) returns an item
// whose true normalized rank is within the same bound of q. Until the first
// compaction (n < about 3k) the sketch is exact.
//
// Determinism: compaction offsets come from a generator seeded at construction,
// so the same seed and the same sequence of calls give bit-identical sketches
// (and bytes). Merging takes the receiver's generator.
//
// NaN is not a value: Update ignores it (callers count it as missing).
//
// Thread-safety: none; a sketch is a value, one writer at a time. const methods
// may run concurrently with each other.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace lakewatch::monitor::sketch {

class KllSortedView;

class KllSketch {
 public:
  static constexpr uint16_t kDefaultK = 200;
  static constexpr uint16_t kMinK = 8;
  static constexpr uint64_t kDefaultSeed = 0x6b6c6c5f6c616b65;  // "kll_lake"

  // REQUIRES: kMinK <= k.
  explicit KllSketch(uint16_t k = kDefaultK, uint64_t seed = kDefaultSeed);

  // Amortized O(1) (a sort of the lowest level once per compaction).
  void Update(double x);
  // The same stream as Update() on each value in turn, summarized several times
  // faster: values enter the lowest level kBatchChunk at a time, each chunk is
  // sorted once (radix) and compacted up the levels as a block. A block halved
  // on its own adds no more rank error at any level than the item-by-item
  // schedule (fewer compactions where each costs the least), so the bounds of
  // NormalizedRankError hold; the retained items differ from Update()'s.
  void Update(std::span<const double> values);
  static constexpr size_t kBatchChunk = 8192;
  // Folds `other` in, as if this sketch had also seen its stream.
  // InvalidArgument when the two have different k.
  Status Merge(const KllSketch& other);

  uint16_t k() const { return k_; }
  uint64_t n() const { return n_; }
  bool empty() const { return n_ == 0; }
  // The exact smallest / largest value seen. REQUIRES: !empty().
  double min() const { return min_; }
  double max() const { return max_; }
  size_t num_retained() const { return retained_; }
  // True while no item was compacted: ranks and quantiles are exact.
  bool exact() const { return levels_.size() == 1; }

  // The estimated fraction of the stream <= x (0 when empty). O(retained).
  double Rank(double x) const;
  double Cdf(double x) const { return Rank(x); }
  // The smallest retained item whose estimated rank is >= q; min() for q = 0,
  // max() for q = 1. REQUIRES: !empty(), 0 <= q <= 1. O(retained log retained):
  // for many queries build SortedView() once.
  double Quantile(double q) const;
  // The retained items in order with their cumulative weights, for repeated queries.
  KllSortedView SortedView() const;

  // The single-sided bound above (max over x of |R'(x) - R(x)|, 99% confidence).
  static double NormalizedRankError(uint16_t k);
  // The same for a difference of two ranks (a bin share).
  static double NormalizedRankErrorTwoSided(uint16_t k);

  // Bytes for storage (layout at the top of kll_sketch.cc) and back. Deserialize
  // gives Corrupt (with the byte offset) for malformed bytes and checks the
  // invariants (weights sum to n, levels sorted, items within [min, max]).
  std::string Serialize() const;
  static Result<KllSketch> Deserialize(std::string_view bytes);

 private:
  friend class KllSortedView;
  // Capacity of level `h` when there are `num_levels` levels.
  uint32_t LevelCapacity(size_t h, size_t num_levels) const;
  void RecomputeCapacity();
  // Compacts the lowest level at or over its capacity (adding a level on top when
  // that is the top one).
  void Compress();
  void CompactLevel(size_t h);
  // Merges the sorted `items` into sorted level `h`.
  void MergeIntoLevel(size_t h, const double* items, size_t count);
  uint64_t NextRandom();

  uint16_t k_;
  uint64_t rng_;
  uint64_t n_ = 0;
  double min_ = 0;
  double max_ = 0;
  size_t retained_ = 0;
  size_t capacity_ = 0;  // sum of the level capacities
  // levels_[0] is unsorted; every higher level is sorted.
  std::vector<std::vector<double>> levels_;
  std::vector<double> scratch_;  // the items a compaction promotes
  std::vector<double> merged_;   // MergeIntoLevel's output
};

// The retained items of a sketch in ascending order with cumulative weights,
// answering ranks and quantiles in O(log retained). Immutable once built.
class KllSortedView {
 public:
  explicit KllSortedView(const KllSketch& sketch);

  uint64_t n() const { return n_; }
  bool empty() const { return n_ == 0; }
  const std::vector<double>& items() const { return items_; }
  // cumulative_weights()[i]: the total weight of items()[0..i].
  const std::vector<uint64_t>& cumulative_weights() const { return cum_; }

  double Rank(double x) const;      // as KllSketch::Rank
  double Quantile(double q) const;  // as KllSketch::Quantile
  // numpy's default (linear) quantile: order statistics floor((n-1)q) and the
  // next interpolated, order statistic j (0-based) being the item whose
  // cumulative weight first exceeds j. Equals np.quantile while the sketch is
  // exact. REQUIRES: !empty(), 0 <= q <= 1.
  double QuantileLinear(double q) const;
  // The total weight of the items < x, and of those <= x.
  uint64_t WeightBelow(double x) const;
  uint64_t WeightAtOrBelow(double x) const;

 private:
  uint64_t n_;
  double min_, max_;
  std::vector<double> items_;
  std::vector<uint64_t> cum_;
};

}  // namespace lakewatch::monitor::sketch
