// KllSketch payload byte layout (inside the envelope of sketch_encoding.cc,
// kind kKll; integers little-endian, varints LEB128):
//
//   u16      k
//   u64      generator state (so a deserialized sketch compacts as the original would)
//   varint   n, the stream length
//   f64      min      } only when n > 0
//   f64      max      }
//   u8       number of levels L (1..kMaxLevels)
//   L times: varint count c_h, then c_h f64 items (level 0 in arrival order,
//            levels above in ascending order)
//
// Invariants checked on reading: sum over h of c_h * 2^h == n; levels >= 1 sorted;
// min <= every item <= max; the items fit the capacity of L levels.
#include "monitor/sketch/kll_sketch.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>

#include "monitor/metrics/sort_doubles.h"
#include "monitor/sketch/sketch_encoding.h"

namespace lakewatch::monitor::sketch {
namespace {

constexpr uint32_t kMinWidth = 8;      // no level's capacity goes below this
constexpr size_t kMaxLevels = 61;      // weights 2^60: more than any uint64 stream needs
constexpr size_t kMaxExactDepth = 30;  // (2/3)^30 * 65535 < kMinWidth

constexpr std::array<uint64_t, kMaxExactDepth + 1> PowersOfThree() {
  std::array<uint64_t, kMaxExactDepth + 1> p{};
  p[0] = 1;
  for (size_t i = 1; i < p.size(); ++i) p[i] = p[i - 1] * 3;
  return p;
}
constexpr auto kPow3 = PowersOfThree();

}  // namespace

KllSketch::KllSketch(uint16_t k, uint64_t seed) : k_(k), rng_(seed), levels_(1) {
  assert(k >= kMinK);
  RecomputeCapacity();
}

uint32_t KllSketch::LevelCapacity(size_t h, size_t num_levels) const {
  size_t depth = num_levels - 1 - h;
  if (depth > kMaxExactDepth) return kMinWidth;
  // ceil(k * (2/3)^depth) in integers, so every platform sizes levels alike.
  uint64_t num = uint64_t{k_} << depth;
  uint64_t cap = (num + kPow3[depth] - 1) / kPow3[depth];
  return static_cast<uint32_t>(std::max<uint64_t>(cap, kMinWidth));
}

void KllSketch::RecomputeCapacity() {
  capacity_ = 0;
  for (size_t h = 0; h < levels_.size(); ++h) capacity_ += LevelCapacity(h, levels_.size());
}

uint64_t KllSketch::NextRandom() {  // splitmix64
  uint64_t z = (rng_ += 0x9e3779b97f4a7c15);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

void KllSketch::Update(double x) {
  if (std::isnan(x)) return;
  if (n_ == 0) {
    min_ = max_ = x;
  } else {
    min_ = std::min(min_, x);
    max_ = std::max(max_, x);
  }
  ++n_;
  levels_[0].push_back(x);
  if (++retained_ > capacity_) Compress();
}

namespace {

// The sampler level for a chunk arriving after n items: the largest s with
// 2^s <= 0.04 ε² n (ε = NormalizedRankError(k)). One item drawn from each run of
// 2^s values (weight 2^s) errs, at any x, by at most 2^s on runs that straddle x;
// over the n / 2^s runs that is a standard deviation below sqrt(n 2^s) / 2 =
// 0.1 ε n: added in quadrature, 1% of the sketch's own error bound squared
// (Karnin, Lang and Liberty's sampler for the lowest levels).
size_t SamplerLevel(uint16_t k, uint64_t n) {
  const double eps = KllSketch::NormalizedRankError(k);
  const double limit = 0.04 * eps * eps * static_cast<double>(n);
  size_t s = 0;
  while (s < 20 && std::ldexp(1.0, static_cast<int>(s) + 1) <= limit) ++s;
  return s;
}

}  // namespace

void KllSketch::Update(std::span<const double> values) {
  for (size_t start = 0; start < values.size(); start += kBatchChunk) {
    const size_t end = std::min(values.size(), start + kBatchChunk);
    std::vector<double>& level0 = levels_[0];
    const size_t before = level0.size();
    level0.resize(before + (end - start));
    // Branch-free: every value is written, the write position advances past numbers only.
    double* out = level0.data() + before;
    double lo = n_ == 0 ? std::numeric_limits<double>::infinity() : min_;
    double hi = n_ == 0 ? -std::numeric_limits<double>::infinity() : max_;
    size_t added = 0;
    for (size_t i = start; i < end; ++i) {
      const double x = values[i];
      out[added] = x;
      added += !std::isnan(x);
      lo = std::min(lo, x);  // (a NaN x leaves both unchanged: comparisons with NaN are false)
      hi = std::max(hi, x);
    }
    level0.resize(before + added);
    if (added == 0) continue;
    min_ = lo;
    max_ = hi;
    // A long stream: the chunk enters level s as one random item per run of 2^s.
    const size_t s = std::min(SamplerLevel(k_, n_), levels_.size() - 1);
    n_ += added;
    if (s > 0) {
      const size_t run = size_t{1} << s;
      const size_t runs = added / run;
      std::vector<double>& picks = scratch_;
      picks.clear();
      for (size_t r = 0; r < runs; ++r) picks.push_back(out[r * run + (NextRandom() & (run - 1))]);
      // The values of an incomplete last run stay at level 0 with weight 1.
      const size_t rest = added - runs * run;
      std::copy(out + runs * run, out + added, out);
      level0.resize(before + rest);
      metrics::SortDoubles(picks);
      MergeIntoLevel(s, picks.data(), picks.size());
      retained_ += picks.size() + rest;
    } else {
      retained_ += added;
    }
    while (retained_ > capacity_) Compress();
  }
}

void KllSketch::Compress() {
  size_t num_levels = levels_.size();
  for (size_t h = 0; h < num_levels; ++h) {
    if (levels_[h].size() < LevelCapacity(h, num_levels)) continue;
    if (h + 1 == num_levels) levels_.emplace_back();
    CompactLevel(h);
    RecomputeCapacity();
    return;
  }
  assert(false && "KLL compress found no full level");
}

void KllSketch::CompactLevel(size_t h) {
  std::vector<double>& src = levels_[h];
  if (h == 0) metrics::SortDoubles(src);  // no NaN reaches a level
  // With an odd count the smallest item stays behind, keeping its weight.
  size_t keep = src.size() % 2;
  size_t start = keep + (NextRandom() & 1);
  std::vector<double> promoted;
  promoted.swap(scratch_);
  promoted.clear();
  for (size_t i = start; i < src.size(); i += 2) promoted.push_back(src[i]);
  retained_ -= src.size() - keep;
  src.resize(keep);
  MergeIntoLevel(h + 1, promoted.data(), promoted.size());
  retained_ += promoted.size();
  promoted.swap(scratch_);
}

void KllSketch::MergeIntoLevel(size_t h, const double* items, size_t count) {
  std::vector<double>& dst = levels_[h];
  merged_.resize(dst.size() + count);
  std::merge(dst.begin(), dst.end(), items, items + count, merged_.begin());
  dst.swap(merged_);  // buffers circulate between levels: no allocation once grown
}

Status KllSketch::Merge(const KllSketch& other) {
  if (other.k_ != k_) {
    return Status::InvalidArgument(
        "kll sketch: cannot merge a sketch of k=" + std::to_string(other.k_) +
        " into one of k=" + std::to_string(k_));
  }
  if (other.empty()) return Status::OK();
  if (other.n_ > kMaxSketchRows - n_) {
    return Status::InvalidArgument("kll sketch: the merged count would exceed 2^62 rows");
  }
  if (&other == this) {
    KllSketch copy = other;
    return Merge(copy);
  }
  if (n_ == 0) {
    min_ = other.min_;
    max_ = other.max_;
  } else {
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
  }
  n_ += other.n_;
  if (levels_.size() < other.levels_.size()) levels_.resize(other.levels_.size());
  levels_[0].insert(levels_[0].end(), other.levels_[0].begin(), other.levels_[0].end());
  for (size_t h = 1; h < other.levels_.size(); ++h) {
    MergeIntoLevel(h, other.levels_[h].data(), other.levels_[h].size());
  }
  retained_ += other.retained_;
  RecomputeCapacity();
  while (retained_ > capacity_) Compress();
  return Status::OK();
}

double KllSketch::Rank(double x) const {
  if (n_ == 0) return 0;
  uint64_t weight = 0;
  for (double v : levels_[0]) weight += v <= x;
  for (size_t h = 1; h < levels_.size(); ++h) {
    const std::vector<double>& level = levels_[h];
    auto below = std::upper_bound(level.begin(), level.end(), x) - level.begin();
    weight += static_cast<uint64_t>(below) << h;
  }
  return static_cast<double>(weight) / static_cast<double>(n_);
}

double KllSketch::Quantile(double q) const { return KllSortedView(*this).Quantile(q); }

KllSortedView KllSketch::SortedView() const { return KllSortedView(*this); }

double KllSketch::NormalizedRankError(uint16_t k) {
  return 2.296 / std::pow(static_cast<double>(k), 0.9723);
}

double KllSketch::NormalizedRankErrorTwoSided(uint16_t k) {
  return 2.446 / std::pow(static_cast<double>(k), 0.9433);
}

// ---- serialization

std::string KllSketch::Serialize() const {
  ByteWriter w;
  w.U16(k_);
  w.U64(rng_);
  w.Varint(n_);
  if (n_ > 0) {
    w.F64(min_);
    w.F64(max_);
  }
  w.U8(static_cast<uint8_t>(levels_.size()));
  for (const std::vector<double>& level : levels_) {
    w.Varint(level.size());
    for (double v : level) w.F64(v);
  }
  return std::move(w).Seal(SketchKind::kKll);
}

Result<KllSketch> KllSketch::Deserialize(std::string_view bytes) {
  LW_ASSIGN_OR_RETURN(ByteReader r, OpenEnvelope(bytes, SketchKind::kKll, "kll sketch"));
  uint16_t k;
  uint64_t rng, n;
  LW_RETURN_IF_ERROR(r.U16(&k, "k"));
  if (k < kMinK) return r.Error("k=" + std::to_string(k) + " is below the minimum 8");
  LW_RETURN_IF_ERROR(r.U64(&rng, "generator state"));
  LW_RETURN_IF_ERROR(r.Varint(&n, "n"));
  // No count of rows comes near 2^62: larger ones are damage (and would overflow a merge).
  if (n > kMaxSketchRows) return r.Error("implausible count");
  KllSketch s(k, rng);
  s.n_ = n;
  if (n > 0) {
    LW_RETURN_IF_ERROR(r.F64(&s.min_, "min"));
    LW_RETURN_IF_ERROR(r.F64(&s.max_, "max"));
    if (!(s.min_ <= s.max_)) return r.Error("min is greater than max");
  }
  uint8_t num_levels;
  LW_RETURN_IF_ERROR(r.U8(&num_levels, "level count"));
  if (num_levels < 1 || num_levels > kMaxLevels) {
    return r.Error("level count " + std::to_string(num_levels) + " outside 1.." +
                   std::to_string(kMaxLevels));
  }
  s.levels_.assign(num_levels, {});
  unsigned __int128 weight = 0;
  for (size_t h = 0; h < num_levels; ++h) {
    uint64_t count;
    LW_RETURN_IF_ERROR(r.Varint(&count, "level size"));
    if (count > r.remaining() / 8) {
      return r.Error("level " + std::to_string(h) + " claims " + std::to_string(count) +
                     " items, more than the bytes left hold");
    }
    std::vector<double>& level = s.levels_[h];
    level.resize(count);
    for (double& v : level) {
      LW_RETURN_IF_ERROR(r.F64(&v, "item"));
      if (v < s.min_ || v > s.max_) return r.Error("item outside [min, max]");
    }
    if (h > 0 && !std::is_sorted(level.begin(), level.end())) {
      return r.Error("level " + std::to_string(h) + " is not sorted");
    }
    weight += static_cast<unsigned __int128>(count) << h;
    s.retained_ += count;
  }
  LW_RETURN_IF_ERROR(r.ExpectEnd());
  if (weight != n) return r.Error("item weights do not sum to n=" + std::to_string(n));
  s.RecomputeCapacity();
  if (s.retained_ > s.capacity_) {
    return r.Error(std::to_string(s.retained_) + " items exceed the capacity " +
                   std::to_string(s.capacity_) + " of " + std::to_string(num_levels) + " levels");
  }
  return s;
}

// ---- sorted view

KllSortedView::KllSortedView(const KllSketch& sketch)
    : n_(sketch.n_), min_(sketch.min_), max_(sketch.max_) {
  std::vector<std::pair<double, uint64_t>> weighted;
  weighted.reserve(sketch.retained_);
  for (size_t h = 0; h < sketch.levels_.size(); ++h) {
    for (double v : sketch.levels_[h]) weighted.emplace_back(v, uint64_t{1} << h);
  }
  std::sort(weighted.begin(), weighted.end());
  items_.reserve(weighted.size());
  cum_.reserve(weighted.size());
  uint64_t total = 0;
  for (const auto& [v, w] : weighted) {
    total += w;
    if (!items_.empty() && items_.back() == v) {
      cum_.back() = total;
    } else {
      items_.push_back(v);
      cum_.push_back(total);
    }
  }
}

uint64_t KllSortedView::WeightBelow(double x) const {
  auto below = std::lower_bound(items_.begin(), items_.end(), x) - items_.begin();
  return below == 0 ? 0 : cum_[static_cast<size_t>(below) - 1];
}

uint64_t KllSortedView::WeightAtOrBelow(double x) const {
  auto upto = std::upper_bound(items_.begin(), items_.end(), x) - items_.begin();
  return upto == 0 ? 0 : cum_[static_cast<size_t>(upto) - 1];
}

double KllSortedView::Rank(double x) const {
  if (n_ == 0) return 0;
  return static_cast<double>(WeightAtOrBelow(x)) / static_cast<double>(n_);
}

double KllSortedView::QuantileLinear(double q) const {
  assert(n_ > 0 && q >= 0 && q <= 1);
  auto order_statistic = [&](uint64_t j) {
    auto it = std::upper_bound(cum_.begin(), cum_.end(), j);
    return items_[static_cast<size_t>(it - cum_.begin())];
  };
  double position = static_cast<double>(n_ - 1) * q;
  double below = std::floor(position);
  auto j = static_cast<uint64_t>(below);
  double a = order_statistic(j);
  double b = order_statistic(std::min(j + 1, n_ - 1));
  double t = position - below;
  // Interpolated from b's side for t >= 1/2, so t = 1 gives b exactly (as numpy).
  return t < 0.5 ? a + (b - a) * t : b - (b - a) * (1 - t);
}

double KllSortedView::Quantile(double q) const {
  assert(n_ > 0 && q >= 0 && q <= 1);
  if (q <= 0) return min_;
  if (q >= 1) return max_;
  // q * n computed in doubles may land a few ulps above the integer it stands for
  // (0.7666... * 150 = 115.00000000000001); those ulps must not skip an item.
  double t = q * static_cast<double>(n_);
  auto target =
      static_cast<uint64_t>(std::ceil(t - 4 * t * std::numeric_limits<double>::epsilon()));
  target = std::clamp<uint64_t>(target, 1, n_);
  auto it = std::lower_bound(cum_.begin(), cum_.end(), target);
  return items_[static_cast<size_t>(it - cum_.begin())];
}

}  // namespace lakewatch::monitor::sketch
