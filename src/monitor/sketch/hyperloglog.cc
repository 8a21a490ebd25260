// HyperLogLog payload byte layout (inside the envelope of sketch_encoding.cc,
// kind kHyperLogLog):
//
//   u8       precision p (kMinPrecision..kMaxPrecision); m = 2^p registers
//   u8       encoding: 0 dense, 1 sparse
//   dense:   m bytes, register j's value at byte j
//   sparse:  varint c, the number of non-zero registers, then c pairs
//            (varint index gap, u8 value): the first gap is the register index,
//            later ones the distance (>= 1) from the previous index
//
// Register values are 0..65-p (a hash's leading-zero count after the index bits,
// plus one). The writer picks whichever encoding is smaller.
#include "monitor/sketch/hyperloglog.h"

#include <xxhash.h>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

#include "monitor/sketch/sketch_encoding.h"

namespace lakewatch::monitor::sketch {
namespace {

constexpr uint8_t kDense = 0;
constexpr uint8_t kSparse = 1;

// sigma(x) = x + sum_{k>=1} x^(2^k) 2^(k-1) (Ertl 2017), the correction for
// registers still at zero; infinite at x = 1 (an empty sketch).
double Sigma(double x) {
  if (x == 1) return std::numeric_limits<double>::infinity();
  double y = 1, z = x, prev;
  do {
    x *= x;
    prev = z;
    z += x * y;
    y += y;
  } while (z != prev);
  return z;
}

// tau(x) = (1 - x - sum_{k>=1} (1 - x^(2^-k))^2 2^-k) / 3, the correction for
// registers at the maximum value.
double Tau(double x) {
  if (x == 0 || x == 1) return 0;
  double y = 1, z = 1 - x, prev;
  do {
    x = std::sqrt(x);
    prev = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
  } while (z != prev);
  return z / 3;
}

}  // namespace

HyperLogLog::HyperLogLog(int precision) : p_(precision), registers_(size_t{1} << precision, 0) {
  assert(precision >= kMinPrecision && precision <= kMaxPrecision);
}

void HyperLogLog::AddHash(uint64_t hash) {
  size_t index = hash >> (64 - p_);
  uint64_t rest = hash << p_;  // the 64-p bits after the index, at the top
  auto value = static_cast<uint8_t>(rest == 0 ? 65 - p_ : __builtin_clzll(rest) + 1);
  uint8_t& r = registers_[index];
  if (value > r) r = value;
}

void HyperLogLog::Add(std::string_view value) { AddHash(XXH3_64bits(value.data(), value.size())); }

Status HyperLogLog::Merge(const HyperLogLog& other) {
  if (other.p_ != p_) {
    return Status::InvalidArgument("hyperloglog: cannot merge precision " +
                                   std::to_string(other.p_) + " into precision " +
                                   std::to_string(p_));
  }
  for (size_t j = 0; j < registers_.size(); ++j) {
    registers_[j] = std::max(registers_[j], other.registers_[j]);
  }
  return Status::OK();
}

bool HyperLogLog::empty() const {
  return std::all_of(registers_.begin(), registers_.end(), [](uint8_t r) { return r == 0; });
}

double HyperLogLog::Estimate() const {
  const int q = 64 - p_;
  std::vector<double> hist(static_cast<size_t>(q) + 2, 0);
  for (uint8_t r : registers_) hist[r] += 1;
  const double m = static_cast<double>(registers_.size());
  if (hist[0] == m) return 0;
  double z = m * Tau(1 - hist[static_cast<size_t>(q) + 1] / m);
  for (int k = q; k >= 1; --k) z = 0.5 * (z + hist[static_cast<size_t>(k)]);
  z += m * Sigma(hist[0] / m);
  return m * m / (2 * std::log(2.0) * z);
}

double HyperLogLog::RelativeStandardError(int precision) {
  return 1.04 / std::sqrt(std::ldexp(1.0, precision));
}

std::string HyperLogLog::Serialize() const {
  size_t nonzero = 0;
  for (uint8_t r : registers_) nonzero += r != 0;
  ByteWriter w;
  w.U8(static_cast<uint8_t>(p_));
  // A sparse pair takes at most 4 bytes (3 of gap at p <= 18, 1 of value).
  if (4 * nonzero + 4 < registers_.size()) {
    w.U8(kSparse);
    w.Varint(nonzero);
    size_t prev = 0;
    for (size_t j = 0; j < registers_.size(); ++j) {
      if (registers_[j] == 0) continue;
      w.Varint(j - prev);
      w.U8(registers_[j]);
      prev = j;
    }
  } else {
    w.U8(kDense);
    for (uint8_t r : registers_) w.U8(r);
  }
  return std::move(w).Seal(SketchKind::kHyperLogLog);
}

Result<HyperLogLog> HyperLogLog::Deserialize(std::string_view bytes) {
  LW_ASSIGN_OR_RETURN(ByteReader r, OpenEnvelope(bytes, SketchKind::kHyperLogLog, "hyperloglog"));
  uint8_t p, encoding;
  LW_RETURN_IF_ERROR(r.U8(&p, "precision"));
  if (p < kMinPrecision || p > kMaxPrecision) {
    return r.Error("precision " + std::to_string(p) + " outside " + std::to_string(kMinPrecision) +
                   ".." + std::to_string(kMaxPrecision));
  }
  HyperLogLog h(p);
  const size_t m = h.registers_.size();
  const int max_value = 65 - p;
  auto check = [&](uint8_t v) {
    return v <= max_value ? Status::OK()
                          : r.Error("register value " + std::to_string(v) + " above " +
                                    std::to_string(max_value));
  };
  LW_RETURN_IF_ERROR(r.U8(&encoding, "encoding"));
  if (encoding == kDense) {
    if (r.remaining() < m) return r.Error("truncated reading " + std::to_string(m) + " registers");
    for (uint8_t& v : h.registers_) {
      LW_RETURN_IF_ERROR(r.U8(&v, "register"));
      LW_RETURN_IF_ERROR(check(v));
    }
  } else if (encoding == kSparse) {
    uint64_t count;
    LW_RETURN_IF_ERROR(r.Varint(&count, "register count"));
    if (count > m)
      return r.Error(std::to_string(count) + " registers set, more than " + std::to_string(m));
    uint64_t index = 0;
    for (uint64_t i = 0; i < count; ++i) {
      uint64_t gap;
      uint8_t v;
      LW_RETURN_IF_ERROR(r.Varint(&gap, "register index gap"));
      if (i > 0 && gap == 0) return r.Error("register index repeated");
      if (gap >= m - index) return r.Error("register index beyond " + std::to_string(m));
      index += gap;
      LW_RETURN_IF_ERROR(r.U8(&v, "register"));
      if (v == 0) return r.Error("sparse register with value 0");
      LW_RETURN_IF_ERROR(check(v));
      h.registers_[index] = v;
    }
  } else {
    return r.Error("unknown encoding " + std::to_string(encoding));
  }
  LW_RETURN_IF_ERROR(r.ExpectEnd());
  return h;
}

}  // namespace lakewatch::monitor::sketch
