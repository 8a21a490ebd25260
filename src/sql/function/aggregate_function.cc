#include "sql/function/aggregate_function.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "common/decimal.h"
#include "sql/execution/group_table.h"
#include "sql/execution/vector_ops.h"
#include "sql/function/cast.h"
#include "sql/function/function_registry.h"
#include "sql/function/kernel_util.h"

namespace lakewatch::sql {

namespace {

// ---- count, count_if

class CountState : public AggregateState {
 public:
  explicit CountState(bool truth) : truth_(truth) {}
  void Resize(size_t g) override { counts_.resize(g, 0); }
  void Update(const std::vector<Datum>& args, const uint32_t* gids, int64_t n) override {
    if (args.empty()) {
      for (int64_t i = 0; i < n; ++i) ++counts_[gids[i]];
      return;
    }
    if (truth_) {
      FixedReader<uint8_t> r(args[0]);
      for (int64_t i = 0; i < n; ++i) counts_[gids[i]] += r.Valid(i) && r[i];
      return;
    }
    for (int64_t i = 0; i < n; ++i) {
      bool all = true;
      for (const Datum& a : args) all = all && a.IsValid(i);
      counts_[gids[i]] += all;
    }
  }
  void Merge(AggregateState& o, const uint32_t* map, size_t og) override {
    auto& other = static_cast<CountState&>(o);
    for (size_t g = 0; g < og; ++g) counts_[map[g]] += other.counts_[g];
  }
  ColumnPtr Finalize(size_t groups) override {
    auto c = Column::Make(DataType::Int64());
    for (size_t g = 0; g < groups; ++g) c->Append<int64_t>(counts_[g]);
    return c;
  }
  size_t MemoryUsage() const override { return counts_.capacity() * 8; }

 private:
  bool truth_;
  std::vector<int64_t> counts_;
};

// ---- sum / avg over int64, double or decimal accumulators

enum class AccKind { kInt, kDouble, kDecimal };

class SumAvgState : public AggregateState {
 public:
  SumAvgState(AccKind kind, bool avg, TypePtr out, int in_scale) : kind_(kind), avg_(avg), out_(std::move(out)), in_scale_(in_scale) {}
  void Resize(size_t g) override {
    count_.resize(g, 0);
    if (kind_ == AccKind::kDouble) dsum_.resize(g, 0);
    else isum_.resize(g, 0);
    overflow_.resize(g, 0);
  }
  void Update(const std::vector<Datum>& args, const uint32_t* gids, int64_t n) override {
    const Datum& a = args[0];
    switch (kind_) {
      case AccKind::kInt: {
        FixedReader<int64_t> r(a);
        for (int64_t i = 0; i < n; ++i) {
          if (!r.Valid(i)) continue;
          uint32_t g = gids[i];
          isum_[g] = static_cast<__int128>(static_cast<int64_t>(static_cast<uint64_t>(static_cast<int64_t>(isum_[g])) +
                                                                 static_cast<uint64_t>(r[i])));
          ++count_[g];
        }
        break;
      }
      case AccKind::kDouble: {
        FixedReader<double> r(a);
        for (int64_t i = 0; i < n; ++i) {
          if (!r.Valid(i)) continue;
          dsum_[gids[i]] += r[i];
          ++count_[gids[i]];
        }
        break;
      }
      case AccKind::kDecimal: {
        FixedReader<__int128> r(a);
        for (int64_t i = 0; i < n; ++i) {
          if (!r.Valid(i)) continue;
          uint32_t g = gids[i];
          if (__builtin_add_overflow(isum_[g], r[i], &isum_[g])) overflow_[g] = 1;
          ++count_[g];
        }
        break;
      }
    }
  }
  void Merge(AggregateState& o, const uint32_t* map, size_t og) override {
    auto& other = static_cast<SumAvgState&>(o);
    for (size_t g = 0; g < og; ++g) {
      uint32_t d = map[g];
      count_[d] += other.count_[g];
      overflow_[d] |= other.overflow_[g];
      if (kind_ == AccKind::kDouble) {
        dsum_[d] += other.dsum_[g];
      } else if (kind_ == AccKind::kInt) {
        isum_[d] = static_cast<int64_t>(static_cast<uint64_t>(static_cast<int64_t>(isum_[d])) +
                                        static_cast<uint64_t>(static_cast<int64_t>(other.isum_[g])));
      } else if (__builtin_add_overflow(isum_[d], other.isum_[g], &isum_[d])) {
        overflow_[d] = 1;
      }
    }
  }
  ColumnPtr Finalize(size_t groups) override {
    auto c = Column::Make(out_);
    for (size_t g = 0; g < groups; ++g) {
      if (count_[g] == 0 || overflow_[g]) {
        c->AppendNull();
        continue;
      }
      if (!avg_) {
        if (kind_ == AccKind::kDouble) c->Append<double>(dsum_[g]);
        else if (kind_ == AccKind::kInt) c->Append<int64_t>(static_cast<int64_t>(isum_[g]));
        else if (!FitsPrecision(isum_[g], out_->precision())) c->AppendNull();
        else c->Append<__int128>(isum_[g]);
        continue;
      }
      if (kind_ == AccKind::kDouble) {
        c->Append<double>(dsum_[g] / static_cast<double>(count_[g]));
      } else if (kind_ == AccKind::kInt) {
        c->Append<double>(static_cast<double>(isum_[g]) / static_cast<double>(count_[g]));
      } else {
        // decimal average at the result scale, rounded half up
        int shift = out_->scale() - in_scale_;
        __int128 num;
        if (!ScaleUp(isum_[g], shift, &num)) {
          c->AppendNull();
          continue;
        }
        __int128 q = num / count_[g], r = num % count_[g];
        if ((r < 0 ? -r : r) * 2 >= count_[g]) q += num < 0 ? -1 : 1;
        c->Append<__int128>(q);
      }
    }
    return c;
  }
  size_t MemoryUsage() const override { return count_.capacity() * 8 + isum_.capacity() * 16 + dsum_.capacity() * 8; }

 private:
  AccKind kind_;
  bool avg_;
  TypePtr out_;
  int in_scale_;
  std::vector<int64_t> count_;
  std::vector<__int128> isum_;
  std::vector<double> dsum_;
  std::vector<uint8_t> overflow_;
};

// ---- min / max

template <typename T>
inline bool Less(const T& a, const T& b) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(b)) return !std::isnan(a);
    if (std::isnan(a)) return false;
  }
  return a < b;
}

template <typename T>
class MinMaxState : public AggregateState {
 public:
  MinMaxState(bool max, TypePtr type) : max_(max), type_(std::move(type)) {}
  void Resize(size_t g) override {
    vals_.resize(g);
    has_.resize(g, 0);
  }
  void Offer(uint32_t g, const T& v) {
    if (!has_[g] || (max_ ? Less(vals_[g], v) : Less(v, vals_[g]))) {
      vals_[g] = v;
      has_[g] = 1;
    }
  }
  void Update(const std::vector<Datum>& args, const uint32_t* gids, int64_t n) override {
    if constexpr (std::is_same_v<T, std::string>) {
      StringReader r(args[0]);
      for (int64_t i = 0; i < n; ++i) {
        if (!r.Valid(i)) continue;
        uint32_t g = gids[i];
        std::string_view v = r[i];
        if (!has_[g] || (max_ ? std::string_view(vals_[g]) < v : v < std::string_view(vals_[g]))) {
          vals_[g].assign(v);
          has_[g] = 1;
        }
      }
    } else {
      FixedReader<T> r(args[0]);
      for (int64_t i = 0; i < n; ++i) {
        if (r.Valid(i)) Offer(gids[i], r[i]);
      }
    }
  }
  void Merge(AggregateState& o, const uint32_t* map, size_t og) override {
    auto& other = static_cast<MinMaxState<T>&>(o);
    for (size_t g = 0; g < og; ++g) {
      if (other.has_[g]) Offer(map[g], other.vals_[g]);
    }
  }
  ColumnPtr Finalize(size_t groups) override {
    auto c = Column::Make(type_);
    for (size_t g = 0; g < groups; ++g) {
      if (!has_[g]) {
        c->AppendNull();
      } else if constexpr (std::is_same_v<T, std::string>) {
        c->AppendString(vals_[g]);
      } else {
        c->template Append<T>(vals_[g]);
      }
    }
    return c;
  }
  size_t MemoryUsage() const override {
    size_t b = vals_.capacity() * sizeof(T) + has_.capacity();
    if constexpr (std::is_same_v<T, std::string>) {
      for (const auto& s : vals_) b += s.capacity();
    }
    return b;
  }

 private:
  bool max_;
  TypePtr type_;
  std::vector<T> vals_;
  std::vector<uint8_t> has_;
};

// ---- variance family (Welford per group, Chan et al. to merge)

enum class VarKind { kVarSamp, kVarPop, kStdSamp, kStdPop };

class VarianceState : public AggregateState {
 public:
  explicit VarianceState(VarKind k) : kind_(k) {}
  void Resize(size_t g) override {
    n_.resize(g, 0);
    mean_.resize(g, 0);
    m2_.resize(g, 0);
  }
  void Add(uint32_t g, double nb, double mb, double m2b) {
    double na = n_[g];
    if (nb == 0) return;
    double n = na + nb;
    double delta = mb - mean_[g];
    mean_[g] += delta * nb / n;
    m2_[g] += m2b + delta * delta * na * nb / n;
    n_[g] = n;
  }
  void Update(const std::vector<Datum>& args, const uint32_t* gids, int64_t n) override {
    FixedReader<double> r(args[0]);
    for (int64_t i = 0; i < n; ++i) {
      if (!r.Valid(i)) continue;
      uint32_t g = gids[i];
      double x = r[i];
      n_[g] += 1;
      double delta = x - mean_[g];
      mean_[g] += delta / n_[g];
      m2_[g] += delta * (x - mean_[g]);
    }
  }
  void Merge(AggregateState& o, const uint32_t* map, size_t og) override {
    auto& other = static_cast<VarianceState&>(o);
    for (size_t g = 0; g < og; ++g) Add(map[g], other.n_[g], other.mean_[g], other.m2_[g]);
  }
  ColumnPtr Finalize(size_t groups) override {
    auto c = Column::Make(DataType::Double());
    for (size_t g = 0; g < groups; ++g) {
      double n = n_[g];
      bool samp = kind_ == VarKind::kVarSamp || kind_ == VarKind::kStdSamp;
      if (n == 0 || (samp && n < 2)) {
        c->AppendNull();
        continue;
      }
      double v = m2_[g] / (samp ? n - 1 : n);
      if (v < 0) v = 0;
      c->Append<double>(kind_ == VarKind::kStdSamp || kind_ == VarKind::kStdPop ? std::sqrt(v) : v);
    }
    return c;
  }
  size_t MemoryUsage() const override { return n_.capacity() * 24; }

 private:
  VarKind kind_;
  std::vector<double> n_, mean_, m2_;
};

// ---- first / last / any_value: the chosen row per group kept in a column

class PickState : public AggregateState {
 public:
  PickState(bool last, bool ignore_nulls, TypePtr type) : last_(last), ignore_nulls_(ignore_nulls), vals_(Column::Make(type)) {}
  void Resize(size_t g) override { idx_.resize(g, -1); }
  void Take(uint32_t g, const Column& src, int64_t row) {
    if (!last_ && idx_[g] >= 0) return;
    idx_[g] = vals_->length;
    vals_->AppendFrom(src, row);
  }
  void Update(const std::vector<Datum>& args, const uint32_t* gids, int64_t n) override {
    ColumnPtr col = Materialize(args[0], n);
    if (last_) {
      // Only the last qualifying row of each group in this batch is kept.
      std::vector<std::pair<uint32_t, int64_t>> last_rows;
      std::vector<int64_t> seen;
      for (int64_t i = n - 1; i >= 0; --i) {
        if (ignore_nulls_ && col->IsNull(i)) continue;
        uint32_t g = gids[i];
        if (seen.size() <= g) seen.resize(g + 1, -1);
        if (seen[g] >= 0) continue;
        seen[g] = i;
        last_rows.emplace_back(g, i);
      }
      for (auto [g, i] : last_rows) Take(g, *col, i);
      return;
    }
    for (int64_t i = 0; i < n; ++i) {
      if (ignore_nulls_ && col->IsNull(i)) continue;
      if (idx_[gids[i]] < 0) Take(gids[i], *col, i);
    }
  }
  void Merge(AggregateState& o, const uint32_t* map, size_t og) override {
    auto& other = static_cast<PickState&>(o);
    for (size_t g = 0; g < og; ++g) {
      if (other.idx_[g] >= 0) Take(map[g], *other.vals_, other.idx_[g]);
    }
  }
  ColumnPtr Finalize(size_t groups) override {
    std::vector<uint32_t> rows(groups);
    for (size_t g = 0; g < groups; ++g) rows[g] = idx_[g] < 0 ? kNullRow : static_cast<uint32_t>(idx_[g]);
    return Gather(*vals_, rows.data(), static_cast<int64_t>(groups));
  }
  size_t MemoryUsage() const override { return idx_.capacity() * 8 + vals_->data.capacity() + vals_->offsets.capacity(); }

 private:
  bool last_, ignore_nulls_;
  ColumnPtr vals_;
  std::vector<int64_t> idx_;
};

// ---- bool_and / bool_or

class BoolState : public AggregateState {
 public:
  explicit BoolState(bool is_and) : and_(is_and) {}
  void Resize(size_t g) override { v_.resize(g, -1); }
  void Offer(uint32_t g, bool b) {
    if (v_[g] < 0) v_[g] = b;
    else v_[g] = and_ ? (v_[g] && b) : (v_[g] || b);
  }
  void Update(const std::vector<Datum>& args, const uint32_t* gids, int64_t n) override {
    FixedReader<uint8_t> r(args[0]);
    for (int64_t i = 0; i < n; ++i) {
      if (r.Valid(i)) Offer(gids[i], r[i] != 0);
    }
  }
  void Merge(AggregateState& o, const uint32_t* map, size_t og) override {
    auto& other = static_cast<BoolState&>(o);
    for (size_t g = 0; g < og; ++g) {
      if (other.v_[g] >= 0) Offer(map[g], other.v_[g] != 0);
    }
  }
  ColumnPtr Finalize(size_t groups) override {
    auto c = Column::Make(DataType::Boolean());
    for (size_t g = 0; g < groups; ++g) {
      if (v_[g] < 0) c->AppendNull();
      else c->Append<uint8_t>(static_cast<uint8_t>(v_[g]));
    }
    return c;
  }
  size_t MemoryUsage() const override { return v_.capacity(); }

 private:
  bool and_;
  std::vector<int8_t> v_;
};

// ---- percentiles: every value kept per group, selected at the end.
// percentile_approx answers exactly (the value at rank max(1, ceil(p·n)),
// which is within any accuracy Spark allows); percentile interpolates.

template <typename T>
class PercentileState : public AggregateState {
  // One group's values, in a Buffer: large ones grow in place (mremap), not by copying.
  struct ValueList {
    Buffer buf;
    size_t size() const { return buf.size() / sizeof(T); }
    bool empty() const { return buf.empty(); }
    T* begin() { return buf.data_as<T>(); }
    T* end() { return begin() + size(); }
    T& operator[](size_t i) { return begin()[i]; }
    size_t capacity_bytes() const { return buf.capacity(); }
  };

 public:
  PercentileState(std::vector<double> ps, bool array_result, bool interpolate, TypePtr out)
      : ps_(std::move(ps)), array_(array_result), interpolate_(interpolate), out_(std::move(out)) {}
  void Resize(size_t g) override {
    if (owner_) vals_->resize(g);
  }
  void Update(const std::vector<Datum>& args, const uint32_t* gids, int64_t n) override {
    if (!owner_) return;
    FixedReader<T> r(args[0]);
    auto& vals = *vals_;
    for (int64_t i = 0; i < n; ++i) {
      if (r.Valid(i)) vals[gids[i]].buf.template AppendValue<T>(r[i]);
    }
  }
  void Merge(AggregateState& o, const uint32_t* map, size_t og) override {
    if (!owner_) return;
    auto& other = *static_cast<PercentileState<T>&>(o).vals_;
    for (size_t g = 0; g < og; ++g) {
      auto& d = (*vals_)[map[g]];
      if (d.empty()) {
        std::swap(d.buf, other[g].buf);
      } else {
        d.buf.Append(other[g].buf.data(), other[g].buf.size());
      }
      other[g].buf.Release();
    }
  }
  bool ShareValuesOf(AggregateState& first) override {
    auto* f = dynamic_cast<PercentileState<T>*>(&first);
    if (f == nullptr || !f->owner_) return false;
    vals_ = f->vals_;
    owner_ = false;
    return true;
  }
  ColumnPtr Finalize(size_t groups) override {
    auto c = Column::Make(out_);
    Column* target = array_ ? c->children[0].get() : c.get();
    auto less = [](const T& a, const T& b) { return Less<T>(a, b); };  // inlined, not a function pointer
    for (size_t g = 0; g < groups; ++g) {
      auto& v = (*vals_)[g];
      if (v.empty()) {
        c->AppendNull();
        continue;
      }
      for (double p : ps_) {
        if (interpolate_) {
          double pos = p * static_cast<double>(v.size() - 1);
          size_t lo = static_cast<size_t>(std::floor(pos));
          size_t hi = std::min(lo + 1, v.size() - 1);
          std::nth_element(v.begin(), v.begin() + static_cast<long>(lo), v.end(), less);
          double a = static_cast<double>(v[lo]);
          double b = a;
          if (hi != lo) b = static_cast<double>(*std::min_element(v.begin() + static_cast<long>(lo) + 1, v.end(), less));
          target->Append<double>(a + (b - a) * (pos - static_cast<double>(lo)));
        } else {
          size_t rank = static_cast<size_t>(std::max(1.0, std::ceil(p * static_cast<double>(v.size()) - 1e-9)));
          size_t idx = std::min(rank, v.size()) - 1;
          std::nth_element(v.begin(), v.begin() + static_cast<long>(idx), v.end(), less);
          AppendTyped(target, v[idx]);
        }
      }
      if (array_) c->FinishListRow();  // the values stay: states sharing them finalize too
    }
    return c;
  }
  size_t MemoryUsage() const override {
    if (!owner_) return 0;
    size_t b = vals_->capacity() * sizeof(ValueList);
    for (const auto& v : *vals_) b += v.capacity_bytes();
    return b;
  }

 private:
  void AppendTyped(Column* c, T v) {
    switch (c->type->id()) {
      case TypeId::kInt8: c->Append<int8_t>(static_cast<int8_t>(v)); break;
      case TypeId::kInt16: c->Append<int16_t>(static_cast<int16_t>(v)); break;
      case TypeId::kInt32:
      case TypeId::kDate: c->Append<int32_t>(static_cast<int32_t>(v)); break;
      case TypeId::kFloat: c->Append<float>(static_cast<float>(v)); break;
      case TypeId::kDouble: c->Append<double>(static_cast<double>(v)); break;
      case TypeId::kDecimal: c->Append<__int128>(static_cast<__int128>(v)); break;
      default: c->Append<int64_t>(static_cast<int64_t>(v)); break;
    }
  }
  std::vector<double> ps_;
  bool array_, interpolate_;
  TypePtr out_;
  // Values per group; shared with (and owned by) another state after ShareValuesOf.
  std::shared_ptr<std::vector<ValueList>> vals_ = std::make_shared<std::vector<ValueList>>();
  bool owner_ = true;
};

// ---- approx_count_distinct: HyperLogLog with 2^p registers per group,
// linear counting for small cardinalities.

class HllState : public AggregateState {
 public:
  explicit HllState(int p) : p_(p), m_(size_t{1} << p) {}
  void Resize(size_t g) override { regs_.resize(g * m_, 0); }
  void Update(const std::vector<Datum>& args, const uint32_t* gids, int64_t n) override {
    ColumnPtr col = Materialize(args[0], n);
    std::vector<uint64_t> h(static_cast<size_t>(n));
    HashColumn(*col, h.data(), n, true);
    for (int64_t i = 0; i < n; ++i) {
      if (col->IsNull(i)) continue;
      uint64_t x = h[i];
      size_t idx = x >> (64 - p_);
      uint64_t w = (x << p_) | (uint64_t{1} << (p_ - 1));
      uint8_t rank = static_cast<uint8_t>(__builtin_clzll(w) + 1);
      uint8_t& r = regs_[gids[i] * m_ + idx];
      if (rank > r) r = rank;
    }
  }
  void Merge(AggregateState& o, const uint32_t* map, size_t og) override {
    auto& other = static_cast<HllState&>(o);
    for (size_t g = 0; g < og; ++g) {
      uint8_t* d = &regs_[map[g] * m_];
      const uint8_t* s = &other.regs_[g * m_];
      for (size_t k = 0; k < m_; ++k) d[k] = std::max(d[k], s[k]);
    }
  }
  ColumnPtr Finalize(size_t groups) override {
    auto c = Column::Make(DataType::Int64());
    double m = static_cast<double>(m_);
    double alpha = m_ == 16 ? 0.673 : m_ == 32 ? 0.697 : m_ == 64 ? 0.709 : 0.7213 / (1 + 1.079 / m);
    for (size_t g = 0; g < groups; ++g) {
      const uint8_t* r = &regs_[g * m_];
      double sum = 0;
      size_t zeros = 0;
      for (size_t k = 0; k < m_; ++k) {
        sum += std::ldexp(1.0, -r[k]);
        zeros += r[k] == 0;
      }
      double est = alpha * m * m / sum;
      if (est <= 2.5 * m && zeros > 0) est = m * std::log(m / static_cast<double>(zeros));
      c->Append<int64_t>(static_cast<int64_t>(std::llround(est)));
    }
    return c;
  }
  size_t MemoryUsage() const override { return regs_.capacity(); }

 private:
  int p_;
  size_t m_;
  std::vector<uint8_t> regs_;
};

// ---- collect_list / collect_set

class CollectState : public AggregateState {
 public:
  CollectState(TypePtr out, bool set) : out_(std::move(out)), set_(set), vals_(Column::Make(out_->field(0).type)) {}
  void Resize(size_t g) override { (void)g; }
  void Update(const std::vector<Datum>& args, const uint32_t* gids, int64_t n) override {
    ColumnPtr col = Materialize(args[0], n);
    for (int64_t i = 0; i < n; ++i) {
      if (col->IsNull(i)) continue;  // Spark skips NULLs
      vals_->AppendFrom(*col, i);
      gid_.push_back(gids[i]);
    }
  }
  void Merge(AggregateState& o, const uint32_t* map, size_t og) override {
    (void)og;
    auto& other = static_cast<CollectState&>(o);
    for (size_t k = 0; k < other.gid_.size(); ++k) {
      vals_->AppendFrom(*other.vals_, static_cast<int64_t>(k));
      gid_.push_back(map[other.gid_[k]]);
    }
  }
  ColumnPtr Finalize(size_t groups) override {
    std::vector<std::vector<uint32_t>> rows(groups);
    for (size_t k = 0; k < gid_.size(); ++k) rows[gid_[k]].push_back(static_cast<uint32_t>(k));
    auto c = Column::Make(out_);
    for (size_t g = 0; g < groups; ++g) {
      auto& r = rows[g];
      if (set_) {
        std::vector<uint32_t> uniq;
        for (uint32_t k : r) {
          bool dup = false;
          for (uint32_t u : uniq) dup = dup || vals_->RowEquals(k, *vals_, u);
          if (!dup) uniq.push_back(k);
        }
        r.swap(uniq);
      }
      for (uint32_t k : r) c->children[0]->AppendFrom(*vals_, k);
      c->FinishListRow();
    }
    return c;
  }
  size_t MemoryUsage() const override { return vals_->data.capacity() + vals_->offsets.capacity() + gid_.capacity() * 4; }

 private:
  TypePtr out_;
  bool set_;
  ColumnPtr vals_;
  std::vector<uint32_t> gid_;
};

// ---- DISTINCT: distinct (group, values) pairs kept in a GroupTable; the
// inner aggregate runs over them at the end.

class DistinctState : public AggregateState {
 public:
  DistinctState(std::unique_ptr<AggregateState> inner, const std::vector<TypePtr>& arg_types)
      : inner_(std::move(inner)), table_(KeyTypes(arg_types)) {}
  static std::vector<TypePtr> KeyTypes(const std::vector<TypePtr>& args) {
    std::vector<TypePtr> k = {DataType::Int64()};
    k.insert(k.end(), args.begin(), args.end());
    return k;
  }
  void Resize(size_t g) override { groups_ = std::max(groups_, g); }
  void Insert(const std::vector<ColumnPtr>& keys, int64_t n) {
    std::vector<uint32_t> ids(static_cast<size_t>(n));
    table_.FindOrInsert(keys, n, ids.data());
  }
  void Update(const std::vector<Datum>& args, const uint32_t* gids, int64_t n) override {
    auto g = Column::Make(DataType::Int64());
    g->data.Resize(8 * static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) g->mutable_values<int64_t>()[i] = gids[i];
    g->length = n;
    std::vector<ColumnPtr> keys = {g};
    for (const Datum& a : args) keys.push_back(Materialize(a, n));
    Insert(keys, n);
  }
  void Merge(AggregateState& o, const uint32_t* map, size_t og) override {
    (void)og;
    auto& other = static_cast<DistinctState&>(o);
    std::vector<ColumnPtr> keys = other.table_.keys();
    auto g = std::make_shared<Column>(*keys[0]);
    int64_t* gv = g->mutable_values<int64_t>();
    for (int64_t i = 0; i < g->length; ++i) gv[i] = map[gv[i]];
    keys[0] = g;
    Insert(keys, g->length);
  }
  ColumnPtr Finalize(size_t groups) override {
    inner_->Resize(groups);
    const auto& keys = table_.keys();
    int64_t n = static_cast<int64_t>(table_.size());
    std::vector<uint32_t> gids(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) gids[i] = static_cast<uint32_t>(keys[0]->Value<int64_t>(i));
    std::vector<Datum> args;
    for (size_t c = 1; c < keys.size(); ++c) args.emplace_back(keys[c]);
    inner_->Update(args, gids.data(), n);
    return inner_->Finalize(groups);
  }
  size_t MemoryUsage() const override { return table_.MemoryUsage() + inner_->MemoryUsage(); }

 private:
  std::unique_ptr<AggregateState> inner_;
  GroupTable table_;
  size_t groups_ = 0;
};

Result<double> ConstantDouble(const std::string& fn, const BoundExprPtr& e, const char* what) {
  if (!e->IsConstant() || !e->value.valid || !IsNumeric(e->type)) {
    return Status::InvalidArgument(fn + "(): " + what + " must be a constant number");
  }
  Scalar s = e->value;
  if (IsIntegral(s.type)) return static_cast<double>(s.i64);
  if (s.type->id() == TypeId::kDecimal) {
    return static_cast<double>(s.i128) / std::pow(10.0, s.type->scale());
  }
  return s.f64;
}

const char* kAggregates[] = {"count", "count_if", "sum", "avg", "mean", "min", "max", "stddev", "stddev_samp", "std",
                             "stddev_pop", "variance", "var_samp", "var_pop", "first", "first_value", "last",
                             "last_value", "any_value", "bool_and", "every", "bool_or", "any", "some",
                             "percentile_approx", "approx_percentile", "percentile", "median",
                             "approx_count_distinct", "collect_list", "array_agg", "collect_set"};

}  // namespace

std::string BoundAggregate::ToString() const {
  if (!key.empty()) return key;
  std::string s = name + "(" + (distinct ? "DISTINCT " : "");
  for (size_t i = 0; i < args.size(); ++i) {
    if (i) s += ", ";
    s += args[i]->ToString();
  }
  return s + ")";
}

bool IsAggregateFunction(const std::string& name) {
  for (const char* a : kAggregates) {
    if (name == a) return true;
  }
  return false;
}

Result<BoundAggregate> BindAggregate(const std::string& name_in, std::vector<BoundExprPtr> args, bool distinct,
                                     bool star) {
  BoundAggregate agg;
  // The key tells calls apart by every argument (percentile's p, first's ignoreNulls).
  agg.key = name_in + "(" + (distinct ? "DISTINCT " : "") + (star ? "*" : "");
  for (size_t i = 0; i < args.size(); ++i) agg.key += (i ? ", " : "") + args[i]->ToString();
  agg.key += ")";
  std::string name = name_in;
  if (name == "mean") name = "avg";
  if (name == "std" || name == "stddev") name = "stddev_samp";
  if (name == "variance") name = "var_samp";
  if (name == "every") name = "bool_and";
  if (name == "any" || name == "some") name = "bool_or";
  if (name == "first_value") name = "first";
  if (name == "last_value") name = "last";
  if (name == "approx_percentile") name = "percentile_approx";
  if (name == "array_agg") name = "collect_list";
  agg.name = name;
  agg.distinct = distinct;
  if (star) {
    if (name != "count") return Status::InvalidArgument(name + "(*) is not valid; only count(*)");
    agg.type = DataType::Int64();
    agg.make_state = [] { return std::make_unique<CountState>(false); };
    return agg;
  }
  std::function<std::unique_ptr<AggregateState>()> make;
  if (name == "count") {
    if (args.empty()) return Status::InvalidArgument("count() needs an argument or *");
    agg.type = DataType::Int64();
    agg.args = args;
    make = [] { return std::make_unique<CountState>(false); };
  } else if (name == "count_if") {
    LW_RETURN_IF_ERROR(CheckArity(name, args.size(), 1, 1));
    LW_ASSIGN_OR_RETURN(BoundExprPtr b, BindCast(args[0], DataType::Boolean()));
    agg.args = {b};
    agg.type = DataType::Int64();
    make = [] { return std::make_unique<CountState>(true); };
  } else if (name == "sum" || name == "avg") {
    LW_RETURN_IF_ERROR(CheckArity(name, args.size(), 1, 1));
    TypePtr t = args[0]->type;
    bool avg = name == "avg";
    if (t->id() == TypeId::kString || t->id() == TypeId::kNull) t = DataType::Double();
    if (!IsNumeric(t)) return Status::InvalidArgument(name + "() needs numbers, got " + args[0]->type->ToString());
    if (t->id() == TypeId::kDecimal) {
      int p = t->precision(), s = t->scale();
      TypePtr out = avg ? DataType::Decimal(std::min(38, p + 4), std::min(38, s + 4)) : DataType::Decimal(std::min(38, p + 10), s);
      LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindCast(args[0], t));
      agg.args = {x};
      agg.type = out;
      make = [avg, out, s] { return std::make_unique<SumAvgState>(AccKind::kDecimal, avg, out, s); };
    } else if (IsIntegral(t)) {
      LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindCast(args[0], DataType::Int64()));
      agg.args = {x};
      agg.type = avg ? DataType::Double() : DataType::Int64();
      TypePtr out = agg.type;
      make = [avg, out] { return std::make_unique<SumAvgState>(AccKind::kInt, avg, out, 0); };
    } else {
      LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindCast(args[0], DataType::Double()));
      agg.args = {x};
      agg.type = DataType::Double();
      make = [avg] { return std::make_unique<SumAvgState>(AccKind::kDouble, avg, DataType::Double(), 0); };
    }
  } else if (name == "min" || name == "max") {
    LW_RETURN_IF_ERROR(CheckArity(name, args.size(), 1, 1));
    TypePtr t = args[0]->type;
    bool mx = name == "max";
    agg.args = args;
    agg.type = t;
    switch (t->id()) {
      case TypeId::kBoolean:
      case TypeId::kInt8: make = [mx, t] { return std::make_unique<MinMaxState<int8_t>>(mx, t); }; break;
      case TypeId::kInt16: make = [mx, t] { return std::make_unique<MinMaxState<int16_t>>(mx, t); }; break;
      case TypeId::kInt32:
      case TypeId::kDate: make = [mx, t] { return std::make_unique<MinMaxState<int32_t>>(mx, t); }; break;
      case TypeId::kInt64:
      case TypeId::kTimestamp:
      case TypeId::kTimestampNtz:
      case TypeId::kTime: make = [mx, t] { return std::make_unique<MinMaxState<int64_t>>(mx, t); }; break;
      case TypeId::kFloat: make = [mx, t] { return std::make_unique<MinMaxState<float>>(mx, t); }; break;
      case TypeId::kDouble: make = [mx, t] { return std::make_unique<MinMaxState<double>>(mx, t); }; break;
      case TypeId::kDecimal: make = [mx, t] { return std::make_unique<MinMaxState<__int128>>(mx, t); }; break;
      case TypeId::kString:
      case TypeId::kBinary: make = [mx, t] { return std::make_unique<MinMaxState<std::string>>(mx, t); }; break;
      case TypeId::kNull: make = [t] { return std::make_unique<PickState>(false, true, t); }; break;
      default: return Status::InvalidArgument(name + "() does not order " + t->ToString() + " values");
    }
  } else if (name == "stddev_samp" || name == "stddev_pop" || name == "var_samp" || name == "var_pop") {
    LW_RETURN_IF_ERROR(CheckArity(name, args.size(), 1, 1));
    LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindCast(args[0], DataType::Double()));
    agg.args = {x};
    agg.type = DataType::Double();
    VarKind k = name == "stddev_samp" ? VarKind::kStdSamp
                : name == "stddev_pop" ? VarKind::kStdPop
                : name == "var_samp"   ? VarKind::kVarSamp
                                       : VarKind::kVarPop;
    make = [k] { return std::make_unique<VarianceState>(k); };
  } else if (name == "first" || name == "last" || name == "any_value") {
    LW_RETURN_IF_ERROR(CheckArity(name, args.size(), 1, 2));
    bool ignore = false;
    if (args.size() == 2) {
      if (!args[1]->IsConstant() || args[1]->type->id() != TypeId::kBoolean) {
        return Status::InvalidArgument(name + "(): ignoreNulls must be a constant boolean");
      }
      ignore = args[1]->value.i64 != 0;
    }
    agg.args = {args[0]};
    agg.type = args[0]->type;
    bool last = name == "last";
    TypePtr t = agg.type;
    make = [last, ignore, t] { return std::make_unique<PickState>(last, ignore, t); };
  } else if (name == "bool_and" || name == "bool_or") {
    LW_RETURN_IF_ERROR(CheckArity(name, args.size(), 1, 1));
    LW_ASSIGN_OR_RETURN(BoundExprPtr b, BindCast(args[0], DataType::Boolean()));
    agg.args = {b};
    agg.type = DataType::Boolean();
    bool is_and = name == "bool_and";
    make = [is_and] { return std::make_unique<BoolState>(is_and); };
  } else if (name == "percentile_approx" || name == "percentile" || name == "median") {
    bool interp = name != "percentile_approx";
    if (name == "median") {
      LW_RETURN_IF_ERROR(CheckArity(name, args.size(), 1, 1));
      args.push_back(MakeConstant(Scalar::Double(0.5)));
    }
    LW_RETURN_IF_ERROR(CheckArity(name, args.size(), 2, 3));
    TypePtr t = args[0]->type;
    if (!IsNumeric(t) && t->id() != TypeId::kDate && t->id() != TypeId::kTimestamp && t->id() != TypeId::kTimestampNtz) {
      return Status::InvalidArgument(name + "() needs numbers, dates or timestamps, got " + t->ToString());
    }
    if (interp && !IsNumeric(t)) return Status::InvalidArgument(name + "() needs numbers, got " + t->ToString());
    std::vector<double> ps;
    bool array = false;
    const BoundExprPtr& p = args[1];
    if (p->type->id() == TypeId::kList) {
      // array(0.5, 0.95): a constant array built by array(); read its constant children.
      array = true;
      for (const BoundExprPtr& c : p->children) {
        LW_ASSIGN_OR_RETURN(double v, ConstantDouble(name, c, "the percentage"));
        ps.push_back(v);
      }
    } else {
      LW_ASSIGN_OR_RETURN(double v, ConstantDouble(name, p, "the percentage"));
      ps.push_back(v);
    }
    for (double v : ps) {
      if (!(v >= 0 && v <= 1)) return Status::InvalidArgument(name + "(): percentages must be between 0 and 1");
    }
    if (args.size() == 3) {
      LW_ASSIGN_OR_RETURN(double acc, ConstantDouble(name, args[2], "the accuracy"));
      if (!(acc > 0) || acc > 2147483647.0) {
        return Status::InvalidArgument(name + "(): the accuracy must be a positive integer");
      }
    }
    TypePtr elem = interp ? DataType::Double() : t;
    TypePtr out = array ? DataType::List(elem) : elem;
    agg.type = out;
    bool floating = t->id() == TypeId::kFloat || t->id() == TypeId::kDouble || t->id() == TypeId::kDecimal || interp;
    if (floating) {
      LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindCast(args[0], DataType::Double()));
      agg.args = {x};
      if (!interp && t->id() == TypeId::kDecimal) {
        // Keep the decimal type: compare as doubles, return the exact value.
        LW_ASSIGN_OR_RETURN(BoundExprPtr xd, BindCast(args[0], DataType::Double()));
        agg.args = {xd};
        elem = DataType::Double();
        out = array ? DataType::List(elem) : elem;
        agg.type = out;
      }
      make = [ps, array, interp, out] { return std::make_unique<PercentileState<double>>(ps, array, interp, out); };
      agg.share_key = "percentile<double>(" + agg.args[0]->ToString() + ")";
    } else {
      LW_ASSIGN_OR_RETURN(BoundExprPtr x, BindCast(args[0], t->id() == TypeId::kDate ? DataType::Int32() : DataType::Int64()));
      if (t->id() == TypeId::kDate) {
        LW_ASSIGN_OR_RETURN(x, BindCast(x, DataType::Int64()));
      }
      if (t->id() == TypeId::kTimestamp || t->id() == TypeId::kTimestampNtz) {
        ScalarKernel k = [](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* o) {
          FixedReader<int64_t> r(v[0]);
          *o = UnaryLoop<int64_t>(r, self.type, n, [](int64_t a, int64_t* b) { return *b = a, true; });
          return Status::OK();
        };
        x = MakeFunction("unix_micros", DataType::Int64(), {args[0]}, k);
      }
      if (t->id() == TypeId::kDate) {
        ScalarKernel k = [](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* o) {
          FixedReader<int32_t> r(v[0]);
          *o = UnaryLoop<int64_t>(r, self.type, n, [](int32_t a, int64_t* b) { return *b = a, true; });
          return Status::OK();
        };
        x = MakeFunction("unix_date", DataType::Int64(), {args[0]}, k);
      }
      agg.args = {x};
      make = [ps, array, out] { return std::make_unique<PercentileState<int64_t>>(ps, array, false, out); };
      agg.share_key = "percentile<int64>(" + agg.args[0]->ToString() + ")";
    }
  } else if (name == "approx_count_distinct") {
    LW_RETURN_IF_ERROR(CheckArity(name, args.size(), 1, 2));
    double rsd = 0.05;
    if (args.size() == 2) {
      LW_ASSIGN_OR_RETURN(rsd, ConstantDouble(name, args[1], "the relative standard deviation"));
      if (!(rsd > 0 && rsd < 1)) return Status::InvalidArgument(name + "(): the relative standard deviation must be in (0, 1)");
    }
    int p = static_cast<int>(std::ceil(2.0 * std::log2(1.106 / rsd)));
    p = std::clamp(p, 4, 18);
    agg.args = {args[0]};
    agg.type = DataType::Int64();
    make = [p] { return std::make_unique<HllState>(p); };
  } else if (name == "collect_list" || name == "collect_set") {
    LW_RETURN_IF_ERROR(CheckArity(name, args.size(), 1, 1));
    agg.args = {args[0]};
    agg.type = DataType::List(args[0]->type);
    TypePtr out = agg.type;
    bool set = name == "collect_set";
    make = [out, set] { return std::make_unique<CollectState>(out, set); };
  } else {
    return Status::InvalidArgument("unknown aggregate function " + name + "()");
  }
  if (distinct && name != "min" && name != "max" && name != "approx_count_distinct" && name != "collect_set") {
    std::vector<TypePtr> types;
    for (const auto& a : agg.args) types.push_back(a->type);
    agg.make_state = [make, types] { return std::make_unique<DistinctState>(make(), types); };
    agg.share_key.clear();
  } else {
    agg.make_state = make;
  }
  return agg;
}

}  // namespace lakewatch::sql
