// FeatureSummary: what the monitor keeps of one feature in one window (say an
// hour), so longer windows (1d, 7d, all) merge from the hourly summaries without
// rescanning the events, and approximate drift (approximate_drift.h) works from
// summaries alone.
//
//   numeric:      a KllSketch of the finite values; their count, mean and sum of
//                 squared deviations (Welford; merged with Chan et al.'s formula,
//                 which keeps the variance accurate where sum and sum of squares
//                 would cancel, e.g. timestamps); exact min and max; the distinct
//                 values with exact counts while there are at most
//                 kMaxTrackedValues of them (Evidently's test choice and value
//                 bins need these).
//   categorical:  FrequentItems (exact counts while at most its capacity of
//                 distinct categories, Misra–Gries bounds beyond) and a
//                 HyperLogLog of the categories.
//   both:         the number of missing values. For numerics NaN is missing and
//                 ±infinity is counted apart and left out of every figure, as
//                 stats::SortedSample does, so exact and approximate drift agree.
//
// Thread-safety: none; a value, one writer at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "monitor/sketch/frequent_items.h"
#include "monitor/sketch/hyperloglog.h"
#include "monitor/sketch/kll_sketch.h"

namespace lakewatch::monitor::sketch {

// Stored in serialized summaries: never renumber.
enum class FeatureKind : uint8_t { kNumeric = 1, kCategorical = 2 };

struct SummaryOptions {
  uint16_t kll_k = KllSketch::kDefaultK;
  uint64_t kll_seed = KllSketch::kDefaultSeed;
  uint32_t items_capacity = FrequentItems::kDefaultCapacity;
  int hll_precision = HyperLogLog::kDefaultPrecision;
};

class FeatureSummary {
 public:
  static constexpr size_t kMaxTrackedValues = 32;

  struct ValueCount {
    double value;
    uint64_t count;
  };

  // REQUIRES: options within the sketches' limits (KllSketch::kMinK <= kll_k, ...).
  static FeatureSummary Numeric(const SummaryOptions& options = {});
  static FeatureSummary Categorical(const SummaryOptions& options = {});

  FeatureKind kind() const { return kind_; }
  bool numeric() const { return kind_ == FeatureKind::kNumeric; }

  // ---- adding values

  // REQUIRES: numeric(). NaN counts as missing; ±infinity as infinite.
  void AddNumber(double x);
  // AddNumber on each value, faster (moments per block, KllSketch's batch update).
  // REQUIRES: numeric().
  void AddNumbers(std::span<const double> values);
  // REQUIRES: !numeric().
  void AddCategory(std::string_view category, uint64_t count = 1);
  void AddMissing(uint64_t count = 1) { missing_ += count; }
  // Folds in `other` (the same feature over another window). InvalidArgument,
  // leaving this summary unchanged, when the kinds or sketch parameters differ.
  Status Merge(const FeatureSummary& other);

  // ---- figures of both kinds

  // The values that enter the figures: finite numbers, or categories.
  uint64_t count() const;
  uint64_t missing_count() const { return missing_; }
  // ±infinity values (numeric only; 0 for categoricals).
  uint64_t infinite_count() const { return infinite_; }
  // missing / (count + missing + infinite); 0 with no rows.
  double missing_rate() const;

  // ---- numeric figures. REQUIRES: numeric(); min/max also count() > 0.

  double min() const { return kll_->min(); }
  double max() const { return kll_->max(); }
  double mean() const { return mean_; }
  double sum() const { return mean_ * static_cast<double>(count()); }
  double sum_of_squares() const { return m2_ + sum() * mean_; }
  // Population variance (ddof 0, np.var's default); 0 when count() == 0.
  double variance() const;
  double stddev() const;
  const KllSketch& quantiles() const { return *kll_; }
  // The distinct values, ascending, with exact counts, while there are at most
  // kMaxTrackedValues of them; nullopt beyond.
  std::optional<std::vector<ValueCount>> value_counts() const;

  // ---- categorical figures. REQUIRES: !numeric().

  const FrequentItems& items() const { return *items_; }
  const HyperLogLog& distinct_sketch() const { return *hll_; }
  // The number of distinct categories: exact while items().exact(), else the
  // HyperLogLog estimate.
  double distinct_count() const;

  // ---- storage: layout at the top of feature_summary.cc; Corrupt for malformed
  // bytes, including summaries whose parts disagree (counts, min/max).
  std::string Serialize() const;
  static Result<FeatureSummary> Deserialize(std::string_view bytes);

 private:
  explicit FeatureSummary(FeatureKind kind) : kind_(kind) {}
  Status CheckMergeable(const FeatureSummary& other) const;
  // Folds a block's count, mean and sum of squared deviations into the moments
  // (Chan et al.). REQUIRES: count_b > 0; the KLL's n not yet counting the block.
  void MergeMoments(double count_b, double mean_b, double m2_b);
  // Welford's update for one finite value, the KLL's n already counting it
  // (AddMomentAt: the count after it given).
  void AddMoment(double x);
  void AddMomentAt(double x, double n);
  // Counts x among the tracked values while they are tracked.
  void TrackValue(double x);

  FeatureKind kind_;
  uint64_t missing_ = 0;
  uint64_t infinite_ = 0;
  // numeric
  std::optional<KllSketch> kll_;
  double mean_ = 0;
  double m2_ = 0;                   // sum of squared deviations from the mean
  bool values_tracked_ = true;      // false once more than kMaxTrackedValues distinct
  std::vector<ValueCount> values_;  // in first-seen order
  // categorical
  std::optional<FrequentItems> items_;
  std::optional<HyperLogLog> hll_;
};

}  // namespace lakewatch::monitor::sketch
