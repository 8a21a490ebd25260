// FeatureSummary payload byte layout (inside the envelope of sketch_encoding.cc,
// kind kFeatureSummary; varints LEB128, f64 IEEE-754 little-endian):
//
//   u8       kind (FeatureKind: 1 numeric, 2 categorical)
//   varint   missing count
//   varint   infinite count (0 for categoricals)
//   numeric:
//     f64    mean of the finite values (0 when none)
//     f64    sum of squared deviations from the mean (>= 0)
//     u8     1 when the distinct values are tracked, else 0
//     if 1:  varint c (<= kMaxTrackedValues), then c pairs (f64 value, varint
//            count >= 1), values strictly ascending
//     bytes  the KllSketch's serialized form (its own envelope)
//   categorical:
//     bytes  the FrequentItems' serialized form
//     bytes  the HyperLogLog's serialized form
//
// Invariants checked on reading: tracked counts sum to the sketch's n and lie
// within its [min, max]; the sketch holds no infinity.
#include "monitor/sketch/feature_summary.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

#include "monitor/sketch/sketch_encoding.h"

namespace lakewatch::monitor::sketch {

FeatureSummary FeatureSummary::Numeric(const SummaryOptions& options) {
  FeatureSummary s(FeatureKind::kNumeric);
  s.kll_.emplace(options.kll_k, options.kll_seed);
  return s;
}

FeatureSummary FeatureSummary::Categorical(const SummaryOptions& options) {
  FeatureSummary s(FeatureKind::kCategorical);
  s.items_.emplace(options.items_capacity);
  s.hll_.emplace(options.hll_precision);
  return s;
}

// ---- adding

void FeatureSummary::AddNumber(double x) {
  assert(numeric());
  if (std::isnan(x)) {
    ++missing_;
    return;
  }
  if (std::isinf(x)) {
    ++infinite_;
    return;
  }
  kll_->Update(x);
  AddMoment(x);
  TrackValue(x);
}

void FeatureSummary::AddNumbers(std::span<const double> values) {
  assert(numeric());
  std::vector<double> finite(std::min(values.size(), KllSketch::kBatchChunk));
  for (size_t start = 0; start < values.size(); start += KllSketch::kBatchChunk) {
    const size_t end = std::min(values.size(), start + KllSketch::kBatchChunk);
    finite.resize(end - start);
    // Branch-free: every value is written, the position advances past finite ones only.
    double sum = 0;
    size_t kept = 0, nans = 0;
    for (size_t i = start; i < end; ++i) {
      const double x = values[i];
      const bool ok = std::isfinite(x);
      finite[kept] = x;
      kept += ok;
      sum += ok ? x : 0.0;
      nans += std::isnan(x);
    }
    missing_ += nans;
    infinite_ += (end - start) - kept - nans;
    finite.resize(kept);
    if (finite.empty()) continue;
    const auto m = static_cast<double>(finite.size());
    const double mean_b = sum / m;
    if (std::isfinite(mean_b)) {  // the block's moments, then one merge
      double m2_b = 0;
      for (double x : finite) m2_b += (x - mean_b) * (x - mean_b);
      MergeMoments(m, mean_b, m2_b);
      kll_->Update(finite);
    } else {  // a sum beyond a double: value by value, scaled
      kll_->Update(finite);
      const uint64_t n_after = kll_->n();
      // AddMoment reads the running count from the sketch: replay it.
      for (size_t i = 0; i < finite.size(); ++i) {
        AddMomentAt(finite[i], static_cast<double>(n_after - finite.size() + i + 1));
      }
    }
    for (double x : finite) {
      if (!values_tracked_) break;
      TrackValue(x);
    }
  }
}

void FeatureSummary::AddMoment(double x) { AddMomentAt(x, static_cast<double>(kll_->n())); }

void FeatureSummary::AddMomentAt(double x, double n) {
  const double delta = x - mean_;
  if (!std::isfinite(delta)) {  // values near ±DBL_MAX: scale first so the mean stays finite
    mean_ += x / n - mean_ / n;
    m2_ = std::numeric_limits<double>::infinity();  // the variance is beyond a double
  } else {
    mean_ += delta / n;
    m2_ += delta * (x - mean_);
  }
}

void FeatureSummary::MergeMoments(double nb, double mean_b, double m2_b) {
  const auto na = static_cast<double>(kll_->n());
  const double delta = mean_b - mean_;
  const double n = na + nb;
  if (!std::isfinite(delta)) {  // means near ±DBL_MAX: a weighted sum keeps the mean finite
    mean_ = mean_ * (na / n) + mean_b * (nb / n);
    m2_ = std::numeric_limits<double>::infinity();
  } else {
    mean_ += delta * (nb / n);
    m2_ += m2_b + delta * delta * (na * nb / n);
  }
}

void FeatureSummary::TrackValue(double x) {
  if (!values_tracked_) return;
  for (ValueCount& vc : values_) {
    if (vc.value == x) {
      ++vc.count;
      return;
    }
  }
  if (values_.size() < kMaxTrackedValues) {
    values_.push_back({x, 1});
  } else {
    values_tracked_ = false;
    values_ = {};
  }
}

void FeatureSummary::AddCategory(std::string_view category, uint64_t count) {
  assert(!numeric());
  if (count == 0) return;
  items_->Add(category, count);
  hll_->Add(category);
}

Status FeatureSummary::CheckMergeable(const FeatureSummary& other) const {
  if (other.kind_ != kind_) {
    return Status::InvalidArgument("feature summary: cannot merge a " +
                                   std::string(other.numeric() ? "numeric" : "categorical") +
                                   " summary into a " + (numeric() ? "numeric" : "categorical") +
                                   " one");
  }
  auto differ = [](const char* what, uint64_t mine, uint64_t theirs) {
    return Status::InvalidArgument("feature summary: cannot merge " + std::string(what) + " " +
                                   std::to_string(theirs) + " into " + std::to_string(mine));
  };
  if (numeric() && kll_->k() != other.kll_->k()) return differ("kll k", kll_->k(), other.kll_->k());
  if (!numeric() && items_->capacity() != other.items_->capacity()) {
    return differ("frequent-items capacity", items_->capacity(), other.items_->capacity());
  }
  if (!numeric() && hll_->precision() != other.hll_->precision()) {
    return differ("hyperloglog precision", static_cast<uint64_t>(hll_->precision()),
                  static_cast<uint64_t>(other.hll_->precision()));
  }
  return Status::OK();
}

Status FeatureSummary::Merge(const FeatureSummary& other) {
  LW_RETURN_IF_ERROR(CheckMergeable(other));
  if (&other == this) {
    FeatureSummary copy = other;
    return Merge(copy);
  }
  if (other.missing_ > kMaxSketchRows - missing_ || other.infinite_ > kMaxSketchRows - infinite_ ||
      (kll_.has_value() && other.kll_.has_value() && other.kll_->n() > kMaxSketchRows - kll_->n())) {
    return Status::InvalidArgument("feature summary: the merged count would exceed 2^62 rows");
  }
  missing_ += other.missing_;
  infinite_ += other.infinite_;
  if (!numeric()) {
    LW_RETURN_IF_ERROR(items_->Merge(*other.items_));
    return hll_->Merge(*other.hll_);
  }
  if (other.kll_->n() > 0) {
    MergeMoments(static_cast<double>(other.kll_->n()), other.mean_, other.m2_);
  }
  LW_RETURN_IF_ERROR(kll_->Merge(*other.kll_));
  if (values_tracked_ && other.values_tracked_) {
    for (const ValueCount& theirs : other.values_) {
      auto it = std::find_if(values_.begin(), values_.end(),
                             [&](const ValueCount& v) { return v.value == theirs.value; });
      if (it != values_.end()) {
        it->count += theirs.count;
      } else {
        values_.push_back(theirs);
      }
    }
  }
  if (!other.values_tracked_ || values_.size() > kMaxTrackedValues) {
    values_tracked_ = false;
    values_ = {};
  }
  return Status::OK();
}

// ---- figures

uint64_t FeatureSummary::count() const { return numeric() ? kll_->n() : items_->total(); }

double FeatureSummary::missing_rate() const {
  uint64_t rows = count() + missing_ + infinite_;
  return rows == 0 ? 0 : static_cast<double>(missing_) / static_cast<double>(rows);
}

double FeatureSummary::variance() const {
  uint64_t n = count();
  return n == 0 ? 0 : std::max(0.0, m2_ / static_cast<double>(n));
}

double FeatureSummary::stddev() const { return std::sqrt(variance()); }

std::optional<std::vector<FeatureSummary::ValueCount>> FeatureSummary::value_counts() const {
  if (!values_tracked_) return std::nullopt;
  std::vector<ValueCount> sorted = values_;
  std::sort(sorted.begin(), sorted.end(),
            [](const ValueCount& a, const ValueCount& b) { return a.value < b.value; });
  return sorted;
}

double FeatureSummary::distinct_count() const {
  if (items_->exact()) return static_cast<double>(items_->num_counters());
  return hll_->Estimate();
}

// ---- serialization

std::string FeatureSummary::Serialize() const {
  ByteWriter w;
  w.U8(static_cast<uint8_t>(kind_));
  w.Varint(missing_);
  w.Varint(infinite_);
  if (numeric()) {
    w.F64(mean_);
    w.F64(m2_);
    w.U8(values_tracked_ ? 1 : 0);
    if (values_tracked_) {
      std::vector<ValueCount> sorted = *value_counts();
      w.Varint(sorted.size());
      for (const ValueCount& vc : sorted) {
        w.F64(vc.value);
        w.Varint(vc.count);
      }
    }
    w.Bytes(kll_->Serialize());
  } else {
    w.Bytes(items_->Serialize());
    w.Bytes(hll_->Serialize());
  }
  return std::move(w).Seal(SketchKind::kFeatureSummary);
}

namespace {

// Parses a nested sketch, prefixing its error with where it sits.
template <typename Sketch>
Result<Sketch> ReadNested(ByteReader& r, const char* field) {
  std::string_view bytes;
  LW_RETURN_IF_ERROR(r.Bytes(&bytes, field));
  Result<Sketch> nested = Sketch::Deserialize(bytes);
  if (!nested.ok()) return nested.status().WithContext("feature summary");
  return nested;
}

}  // namespace

Result<FeatureSummary> FeatureSummary::Deserialize(std::string_view bytes) {
  LW_ASSIGN_OR_RETURN(ByteReader r,
                      OpenEnvelope(bytes, SketchKind::kFeatureSummary, "feature summary"));
  uint8_t kind;
  LW_RETURN_IF_ERROR(r.U8(&kind, "kind"));
  if (kind != static_cast<uint8_t>(FeatureKind::kNumeric) &&
      kind != static_cast<uint8_t>(FeatureKind::kCategorical)) {
    return r.Error("unknown feature kind " + std::to_string(kind));
  }
  FeatureSummary s(static_cast<FeatureKind>(kind));
  LW_RETURN_IF_ERROR(r.Varint(&s.missing_, "missing count"));
  LW_RETURN_IF_ERROR(r.Varint(&s.infinite_, "infinite count"));
  // No count of rows comes near 2^62: larger ones are damage (and would overflow sums).
  if (s.missing_ > kMaxSketchRows || s.infinite_ > kMaxSketchRows) {
    return r.Error("implausible missing/infinite count");
  }
  if (!s.numeric()) {
    if (s.infinite_ != 0) return r.Error("categorical summary with infinite values");
    LW_ASSIGN_OR_RETURN(FrequentItems items, ReadNested<FrequentItems>(r, "frequent items"));
    LW_ASSIGN_OR_RETURN(HyperLogLog hll, ReadNested<HyperLogLog>(r, "hyperloglog"));
    LW_RETURN_IF_ERROR(r.ExpectEnd());
    s.items_.emplace(std::move(items));
    s.hll_.emplace(std::move(hll));
    return s;
  }
  uint8_t tracked;
  LW_RETURN_IF_ERROR(r.F64(&s.mean_, "mean"));
  LW_RETURN_IF_ERROR(r.F64(&s.m2_, "sum of squared deviations"));
  if (!std::isfinite(s.mean_)) return r.Error("the mean is not finite");
  if (s.m2_ < 0) return r.Error("negative sum of squared deviations");
  LW_RETURN_IF_ERROR(r.U8(&tracked, "values tracked flag"));
  if (tracked > 1) return r.Error("values tracked flag " + std::to_string(tracked));
  s.values_tracked_ = tracked == 1;
  if (s.values_tracked_) {
    uint64_t num;
    LW_RETURN_IF_ERROR(r.Varint(&num, "tracked value count"));
    if (num > kMaxTrackedValues) return r.Error(std::to_string(num) + " tracked values");
    for (uint64_t i = 0; i < num; ++i) {
      ValueCount vc;
      LW_RETURN_IF_ERROR(r.F64(&vc.value, "tracked value"));
      LW_RETURN_IF_ERROR(r.Varint(&vc.count, "tracked value count"));
      if (vc.count == 0) return r.Error("tracked value with count 0");
      if (!s.values_.empty() && !(s.values_.back().value < vc.value)) {
        return r.Error("tracked values not strictly ascending");
      }
      s.values_.push_back(vc);
    }
  }
  LW_ASSIGN_OR_RETURN(KllSketch kll, ReadNested<KllSketch>(r, "kll sketch"));
  LW_RETURN_IF_ERROR(r.ExpectEnd());
  if (!kll.empty() && (std::isinf(kll.min()) || std::isinf(kll.max()))) {
    return r.Error("the quantile sketch holds an infinite value");
  }
  if (kll.empty() && (s.mean_ != 0 || s.m2_ != 0)) return r.Error("moments without values");
  if (s.values_tracked_) {
    uint64_t total = 0;
    for (const ValueCount& vc : s.values_) {
      if (vc.count > kll.n() - total) return r.Error("tracked counts exceed the sketch's count");
      total += vc.count;
      if (vc.value < kll.min() || vc.value > kll.max()) {
        return r.Error("tracked value outside the sketch's [min, max]");
      }
    }
    if (total != kll.n()) {
      return r.Error("tracked value counts sum to " + std::to_string(total) +
                     ", not n=" + std::to_string(kll.n()));
    }
  }
  s.kll_.emplace(std::move(kll));
  return s;
}

}  // namespace lakewatch::monitor::sketch
