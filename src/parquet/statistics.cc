#include "parquet/statistics.h"

#include "parquet/bit_util.h"

#include <cmath>
#include <algorithm>
#include <cstring>

namespace lakewatch::parquet {

namespace {

template <typename T>
bool ReadLE(const std::string& s, T* out) {
  if (s.size() != sizeof(T)) return false;
  std::memcpy(out, s.data(), sizeof(T));
  return true;
}

bool BigEndianToInt128(const std::string& s, __int128* out) {
  if (s.empty() || s.size() > 16) return false;
  unsigned __int128 v = (static_cast<unsigned char>(s[0]) & 0x80) ? ~static_cast<unsigned __int128>(0) : 0;
  for (unsigned char c : s) v = (v << 8) | c;
  *out = static_cast<__int128>(v);
  return true;
}

// Decodes one PLAIN-encoded bound into a logical scalar; false when it cannot.
bool DecodeBound(const LeafDescriptor& leaf, const std::string& raw, Scalar* out) {
  const TypePtr& t = leaf.type;
  Scalar s;
  s.type = t;
  s.valid = true;
  int32_t i32;
  int64_t i64;
  switch (leaf.conversion) {
    case ValueConversion::kNone:
      switch (leaf.physical_type) {
        case Type::kBoolean:
          if (raw.size() != 1) return false;
          s.i64 = raw[0] != 0;
          break;
        case Type::kInt32:
          if (!ReadLE(raw, &i32)) return false;
          // Both arms int64_t: a bare `cond ? i32 : uint32_t` would convert the
          // signed value to unsigned and turn negative bounds into 2^32 - |v|.
          s.i64 = t->id() == TypeId::kInt32 || t->id() == TypeId::kDate
                      ? static_cast<int64_t>(i32)
                      : static_cast<int64_t>(static_cast<uint32_t>(i32));
          break;
        case Type::kInt64:
          if (!ReadLE(raw, &i64)) return false;
          s.i64 = i64;
          break;
        case Type::kFloat: {
          float f;
          if (!ReadLE(raw, &f)) return false;
          s.f64 = f;
          break;
        }
        case Type::kDouble:
          if (!ReadLE(raw, &s.f64)) return false;
          break;
        case Type::kByteArray:
        case Type::kFixedLenByteArray: s.str = raw; break;
        default: return false;
      }
      break;
    case ValueConversion::kInt32ToInt8:
    case ValueConversion::kInt32ToInt16:
      if (!ReadLE(raw, &i32)) return false;
      s.i64 = i32;
      break;
    case ValueConversion::kUint32ToInt64:
      if (!ReadLE(raw, &i32)) return false;
      s.i64 = static_cast<uint32_t>(i32);
      break;
    case ValueConversion::kUint64ToDecimal:
      if (!ReadLE(raw, &i64)) return false;
      s.i128 = static_cast<__int128>(static_cast<uint64_t>(i64));
      break;
    case ValueConversion::kMillisToMicros:
      if (!ReadLE(raw, &i64)) return false;
      if (i64 > INT64_MAX / 1000 || i64 < INT64_MIN / 1000) return false;
      s.i64 = i64 * 1000;
      break;
    case ValueConversion::kNanosToMicros:
      if (!ReadLE(raw, &i64)) return false;
      s.i64 = i64 >= 0 ? i64 / 1000 : -((-(i64 + 1)) / 1000) - 1;
      break;
    case ValueConversion::kInt32ToDecimal:
      if (!ReadLE(raw, &i32)) return false;
      s.i128 = i32;
      break;
    case ValueConversion::kInt64ToDecimal:
      if (!ReadLE(raw, &i64)) return false;
      s.i128 = i64;
      break;
    case ValueConversion::kBytesToDecimal:
      if (!BigEndianToInt128(raw, &s.i128)) return false;
      break;
    case ValueConversion::kFloat16ToFloat: {
      uint16_t h;
      if (!ReadLE(raw, &h)) return false;
      s.f64 = HalfToFloat(h);
      break;
    }
    case ValueConversion::kTimeMillisToMicros:
      if (!ReadLE(raw, &i32)) return false;
      s.i64 = static_cast<int64_t>(i32) * 1000;
      break;
    case ValueConversion::kInt96ToMicros:
    case ValueConversion::kUuidToString: return false;
  }
  if ((t->id() == TypeId::kFloat || t->id() == TypeId::kDouble) && std::isnan(s.f64)) return false;
  *out = std::move(s);
  return true;
}

bool SignedOrderIsTypeOrder(const LeafDescriptor& leaf) {
  const SchemaElement& el = leaf.element;
  if (el.converted_type == ConvertedType::kUint8 || el.converted_type == ConvertedType::kUint16 ||
      el.converted_type == ConvertedType::kUint32 || el.converted_type == ConvertedType::kUint64 ||
      (el.logical_type.has_value() && el.logical_type->kind == LogicalType::Kind::kInteger &&
       !el.logical_type->is_signed)) {
    return false;
  }
  switch (leaf.conversion) {
    case ValueConversion::kNone:
      return leaf.physical_type != Type::kByteArray && leaf.physical_type != Type::kFixedLenByteArray &&
             leaf.physical_type != Type::kInt96;
    case ValueConversion::kInt32ToInt8:
    case ValueConversion::kInt32ToInt16:
    case ValueConversion::kMillisToMicros:
    case ValueConversion::kNanosToMicros:
    case ValueConversion::kTimeMillisToMicros:
    case ValueConversion::kInt32ToDecimal:
    case ValueConversion::kInt64ToDecimal: return true;
    default: return false;
  }
}

}  // namespace

ColumnStats DecodeColumnStats(const LeafDescriptor& leaf, const ColumnMetaData& meta,
                              bool type_order_known) {
  ColumnStats cs;
  cs.num_values = meta.num_values;
  if (!meta.statistics.has_value()) return cs;
  const Statistics& st = *meta.statistics;
  if (st.null_count.has_value() && *st.null_count >= 0) cs.null_count = st.null_count;
  const std::string* lo = nullptr;
  const std::string* hi = nullptr;
  if (type_order_known && st.min_value.has_value() && st.max_value.has_value()) {
    lo = &*st.min_value;
    hi = &*st.max_value;
  } else if (st.min.has_value() && st.max.has_value() && SignedOrderIsTypeOrder(leaf)) {
    lo = &*st.min;
    hi = &*st.max;
  }
  if (lo != nullptr) DecodeBounds(leaf, *lo, *hi, &cs);
  return cs;
}

void DecodeBounds(const LeafDescriptor& leaf, const std::string& lo, const std::string& hi,
                  ColumnStats* stats) {
  stats->has_bounds = false;
  if (!DecodeBound(leaf, lo, &stats->min) || !DecodeBound(leaf, hi, &stats->max)) return;
  stats->has_bounds = true;
  if (leaf.type->id() == TypeId::kFloat || leaf.type->id() == TypeId::kDouble) {
    // Signed zeros: treat a 0 bound as covering both -0 and +0.
    if (stats->min.f64 == 0) stats->min.f64 = -0.0;
    if (stats->max.f64 == 0) stats->max.f64 = 0.0;
  }
}

bool StatsMayMatch(const ColumnStats& stats, const StatsPredicate& pred) {
  using Op = StatsPredicate::Op;
  if (pred.op == Op::kIsNull) return !(stats.null_count.has_value() && *stats.null_count == 0);
  bool all_null = stats.null_count.has_value() && *stats.null_count >= stats.num_values;
  if (pred.op == Op::kIsNotNull) return !all_null;
  if (all_null || !pred.value.valid) return false;  // comparisons with NULL are never true
  if (!stats.has_bounds) return true;
  bool ok1 = true, ok2 = true;
  int lo = CompareScalars(pred.value, stats.min, &ok1);  // value vs min
  int hi = CompareScalars(pred.value, stats.max, &ok2);  // value vs max
  if (!ok1 || !ok2) return true;
  switch (pred.op) {
    case Op::kEq: return lo >= 0 && hi <= 0;
    case Op::kLt: return lo > 0;   // some x < value needs min < value
    case Op::kLe: return lo >= 0;
    case Op::kGt: return hi < 0;   // some x > value needs max > value
    case Op::kGe: return hi <= 0;
    default: return true;
  }
}

// ---- writer side

void StatsCollector::Reset() {
  has_ = false;
  has_nan_ = false;
  null_count_ = 0;
}

namespace {

template <typename T>
void MinMax(const T* v, int64_t begin, int64_t end, T* lo, T* hi) {
  T a = v[begin], b = v[begin];
  for (int64_t i = begin + 1; i < end; ++i) {
    a = v[i] < a ? v[i] : a;
    b = v[i] > b ? v[i] : b;
  }
  *lo = a;
  *hi = b;
}

}  // namespace

namespace {

// The byte-wise least and greatest of get(begin) .. get(end - 1) (begin < end).
// Compared by their first 8 bytes as a big-endian number first (a shorter
// string's missing bytes as 0): a difference there decides the byte-wise
// order, equality leaves it to the whole strings. (Built in registers: a
// short copy into a stack word and a 64-bit reload of it would stall on store
// forwarding.)
template <typename Get>
void StringBounds(Get get, int64_t begin, int64_t end, std::string_view* lo, std::string_view* hi) {
  auto prefix = [](std::string_view v) -> uint64_t {
    const auto* p = reinterpret_cast<const unsigned char*>(v.data());
    const size_t n = v.size();
    if (n >= 8) {
      uint64_t k;
      std::memcpy(&k, p, 8);
      return __builtin_bswap64(k);
    }
    if (n >= 4) {  // two overlapping 4-byte loads
      uint32_t h, l;
      std::memcpy(&h, p, 4);
      std::memcpy(&l, p + n - 4, 4);
      return (uint64_t{__builtin_bswap32(h)} << 32) | (uint64_t{__builtin_bswap32(l)} << (64 - 8 * n));
    }
    uint64_t k = 0;
    for (size_t i = 0; i < n; ++i) k |= uint64_t{p[i]} << (56 - 8 * i);
    return k;
  };
  std::string_view a = get(begin), b = a;
  uint64_t ka = prefix(a), kb = ka;
  for (int64_t i = begin + 1; i < end; ++i) {
    std::string_view x = get(i);
    const uint64_t kx = prefix(x);
    if (kx < ka || (kx == ka && x < a)) {
      a = x;
      ka = kx;
    }
    if (kx > kb || (kx == kb && x > b)) {
      b = x;
      kb = kx;
    }
  }
  *lo = a;
  *hi = b;
}

}  // namespace

void StatsCollector::Update(const Column& values, int64_t begin, int64_t end) {
  if (begin >= end) return;
  Scalar lo, hi;
  lo.type = hi.type = values.type;
  lo.valid = hi.valid = true;
  switch (values.type->id()) {
    case TypeId::kBoolean: {
      uint8_t a, b;
      MinMax(values.values<uint8_t>(), begin, end, &a, &b);
      lo.i64 = a;
      hi.i64 = b;
      break;
    }
    case TypeId::kInt8: { int8_t a, b; MinMax(values.values<int8_t>(), begin, end, &a, &b); lo.i64 = a; hi.i64 = b; break; }
    case TypeId::kInt16: { int16_t a, b; MinMax(values.values<int16_t>(), begin, end, &a, &b); lo.i64 = a; hi.i64 = b; break; }
    case TypeId::kInt32:
    case TypeId::kDate: { int32_t a, b; MinMax(values.values<int32_t>(), begin, end, &a, &b); lo.i64 = a; hi.i64 = b; break; }
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
    case TypeId::kTime: { int64_t a, b; MinMax(values.values<int64_t>(), begin, end, &a, &b); lo.i64 = a; hi.i64 = b; break; }
    case TypeId::kDecimal: { __int128 a, b; MinMax(values.values<__int128>(), begin, end, &a, &b); lo.i128 = a; hi.i128 = b; break; }
    case TypeId::kFloat:
    case TypeId::kDouble: {
      bool is_float = values.type->id() == TypeId::kFloat;
      double a = INFINITY, b = -INFINITY;
      bool any = false;
      for (int64_t i = begin; i < end; ++i) {
        double x = is_float ? values.Value<float>(i) : values.Value<double>(i);
        if (std::isnan(x)) { has_nan_ = true; continue; }
        any = true;
        a = x < a ? x : a;
        b = x > b ? x : b;
      }
      if (!any) return;
      lo.f64 = a;
      hi.f64 = b;
      break;
    }
    case TypeId::kString:
    case TypeId::kBinary: {
      std::string_view a, b;
      StringBounds([&](int64_t i) { return values.GetString(i); }, begin, end, &a, &b);
      lo.str = std::string(a);
      hi.str = std::string(b);
      break;
    }
    default: return;
  }
  Add(std::move(lo), std::move(hi));
}

void StatsCollector::Add(Scalar lo, Scalar hi) {
  if (!has_) {
    min_ = std::move(lo);
    max_ = std::move(hi);
    has_ = true;
    return;
  }
  bool ok;
  if (CompareScalars(lo, min_, &ok) < 0) min_ = std::move(lo);
  if (CompareScalars(hi, max_, &ok) > 0) max_ = std::move(hi);
}

void StatsCollector::UpdateStrings(const std::string_view* values, int64_t n) {
  if (n <= 0) return;
  std::string_view a, b;
  StringBounds([&](int64_t i) { return values[i]; }, 0, n, &a, &b);
  Scalar lo, hi;
  lo.type = hi.type = leaf_->type;
  lo.valid = hi.valid = true;
  lo.str = std::string(a);
  hi.str = std::string(b);
  Add(std::move(lo), std::move(hi));
}

void StatsCollector::Merge(const StatsCollector& other) {
  null_count_ += other.null_count_;
  has_nan_ = has_nan_ || other.has_nan_;
  if (!other.has_) return;
  if (!has_) {
    min_ = other.min_;
    max_ = other.max_;
    has_ = true;
    return;
  }
  bool ok;
  if (CompareScalars(other.min_, min_, &ok) < 0) min_ = other.min_;
  if (CompareScalars(other.max_, max_, &ok) > 0) max_ = other.max_;
}

namespace {

template <typename T>
std::string Plain(T v) {
  return std::string(reinterpret_cast<const char*>(&v), sizeof(T));
}

std::string EncodeBound(const LeafDescriptor& leaf, const Scalar& s) {
  switch (leaf.physical_type) {
    case Type::kBoolean: return std::string(1, static_cast<char>(s.i64 != 0));
    case Type::kInt32:
      return Plain<int32_t>(leaf.type->id() == TypeId::kDecimal ? static_cast<int32_t>(s.i128)
                                                                : static_cast<int32_t>(s.i64));
    case Type::kInt64:
      return Plain<int64_t>(leaf.type->id() == TypeId::kDecimal ? static_cast<int64_t>(s.i128) : s.i64);
    case Type::kFloat: return Plain<float>(static_cast<float>(s.f64));
    case Type::kDouble: return Plain<double>(s.f64);
    case Type::kByteArray: return s.str;
    case Type::kFixedLenByteArray: {
      std::string out(leaf.type_length, '\0');
      unsigned __int128 v = static_cast<unsigned __int128>(s.i128);
      for (int i = leaf.type_length - 1; i >= 0; --i) {
        out[i] = static_cast<char>(v & 0xFF);
        v >>= 8;
      }
      return out;
    }
    default: return {};
  }
}

}  // namespace

void EncodeBounds(const LeafDescriptor& leaf, Scalar lo, Scalar hi, std::string* min,
                  std::string* max) {
  if (leaf.type->id() == TypeId::kFloat || leaf.type->id() == TypeId::kDouble) {
    // parquet-format: write -0.0 as the min and +0.0 as the max of zero bounds.
    if (lo.f64 == 0) lo.f64 = -0.0;
    if (hi.f64 == 0) hi.f64 = 0.0;
  }
  *min = EncodeBound(leaf, lo);
  *max = EncodeBound(leaf, hi);
}

Statistics StatsCollector::ToStatistics() const {
  Statistics st;
  st.null_count = null_count_;
  if (!has_) return st;
  if (leaf_->type->is_binary_like() &&
      (min_.str.size() > kMaxStatBytes || max_.str.size() > kMaxStatBytes)) {
    return st;
  }
  EncodeBounds(*leaf_, min_, max_, &st.min_value.emplace(), &st.max_value.emplace());
  st.is_min_value_exact = true;
  st.is_max_value_exact = true;
  return st;
}

}  // namespace lakewatch::parquet
