// Bit-level building blocks shared by the Parquet value and level codecs:
// little-endian loads and stores, ULEB128 and zigzag varints, and packing and
// unpacking of fixed-width integers in the LSB-first order that the
// RLE/bit-packing hybrid and DELTA_BINARY_PACKED use.
//
// The hot entry points (UnpackGroups32, PackGroups32) are specialized per bit
// width at compile time; callers pick the specialization once per run or
// miniblock through the tables below, never per value.
//
// Thread-safety: stateless free functions; safe from any thread.
#pragma once

#include <cmath>
#include <limits>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

#include "common/buffer.h"

namespace lakewatch::parquet {

static_assert(std::endian::native == std::endian::little,
              "the Parquet codecs assume a little-endian host");

// ---- little-endian loads and stores (unaligned)

inline uint16_t LoadLE16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}
inline uint32_t LoadLE32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}
inline uint64_t LoadLE64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}
inline void StoreLE32(uint8_t* p, uint32_t v) { std::memcpy(p, &v, sizeof(v)); }
inline void StoreLE64(uint8_t* p, uint64_t v) { std::memcpy(p, &v, sizeof(v)); }

// Reads `nbytes` (0..8) little-endian bytes; the rest of the result is zero.
inline uint64_t LoadLEPartial(const uint8_t* p, int nbytes) {
  uint64_t v = 0;
  std::memcpy(&v, p, static_cast<size_t>(nbytes));
  return v;
}

// Number of bits needed to represent v (0 for 0).
inline int BitWidthOf(uint64_t v) { return static_cast<int>(std::bit_width(v)); }

// Bytes needed for `bits` bits.
constexpr int64_t BytesForBits(int64_t bits) { return (bits + 7) >> 3; }

// ---- ULEB128 and zigzag varints

constexpr int kMaxUleb128Bytes = 10;  // a uint64 needs at most 10 groups of 7 bits

// Reads one ULEB128 varint from [*pos, end) into *out and advances *pos.
// Returns false, leaving *pos and *out unchanged, when the varint runs past
// `end` or does not fit in 64 bits.
inline bool ReadUleb128(const uint8_t** pos, const uint8_t* end, uint64_t* out) {
  const uint8_t* p = *pos;
  uint64_t result = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (p == end) return false;
    const uint8_t byte = *p++;
    if (shift == 63 && byte > 1) return false;  // bits past 64, or an 11th byte
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *out = result;
      *pos = p;
      return true;
    }
  }
  return false;
}

// Writes v as ULEB128 to dst, which must have kMaxUleb128Bytes of room.
// Returns the number of bytes written.
inline int WriteUleb128(uint64_t v, uint8_t* dst) {
  int n = 0;
  while (v >= 0x80) {
    dst[n++] = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  dst[n++] = static_cast<uint8_t>(v);
  return n;
}

inline void AppendUleb128(uint64_t v, Buffer* out) {
  uint8_t tmp[kMaxUleb128Bytes];
  out->Append(tmp, static_cast<size_t>(WriteUleb128(v, tmp)));
}

constexpr uint64_t ZigZagEncode(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
constexpr int64_t ZigZagDecode(uint64_t u) {
  return static_cast<int64_t>((u >> 1) ^ (0 - (u & 1)));
}

// ---- LSB-first bit packing, generic (runtime width; for tails and odd sizes)

// Unpacks `count` values of `width` (0..64) bits, LSB-first, starting at bit
// `bit_offset` of in[0, in_bytes). Bits at or past in_bytes read as zero, so
// a short final group yields zero padding instead of an out-of-bounds read.
template <typename T>
inline void UnpackBitsLsb(const uint8_t* in, size_t in_bytes, int width, uint64_t bit_offset,
                          int64_t count, T* out) {
  if (width == 0) {
    for (int64_t i = 0; i < count; ++i) out[i] = 0;
    return;
  }
  const uint64_t mask = width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
  for (int64_t i = 0; i < count; ++i) {
    const uint64_t bit = bit_offset + static_cast<uint64_t>(i) * static_cast<uint64_t>(width);
    const uint64_t byte = bit >> 3;
    const int shift = static_cast<int>(bit & 7);
    uint64_t lo = 0;
    uint64_t hi = 0;  // the 9th byte, needed only when shift + width > 64
    if (byte < in_bytes) {
      const size_t avail = in_bytes - byte;
      lo = avail >= 8 ? LoadLE64(in + byte) : LoadLEPartial(in + byte, static_cast<int>(avail));
      if (avail > 8) hi = in[byte + 8];
    }
    uint64_t v = lo >> shift;
    if (shift != 0) v |= hi << (64 - shift);
    out[i] = static_cast<T>(v & mask);
  }
}

// Packs `count` values of `width` (0..64) bits LSB-first into out, which must
// hold BytesForBits(count * width) zero-initialized-or-not bytes; every byte
// in that range is fully written (trailing pad bits are zero).
template <typename T>
inline void PackBitsLsb(const T* in, int64_t count, int width, uint8_t* out) {
  if (width == 0) return;
  const uint64_t mask = width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
  uint64_t acc = 0;  // pending bits, LSB-first
  int acc_bits = 0;
  size_t o = 0;
  for (int64_t i = 0; i < count; ++i) {
    const uint64_t v = static_cast<uint64_t>(static_cast<std::make_unsigned_t<T>>(in[i])) & mask;
    acc |= v << acc_bits;
    const int total = acc_bits + width;
    if (total >= 64) {
      StoreLE64(out + o, acc);
      o += 8;
      acc = acc_bits == 0 ? 0 : v >> (64 - acc_bits);
      acc_bits = total - 64;
    } else {
      acc_bits = total;
    }
  }
  while (acc_bits > 0) {
    out[o++] = static_cast<uint8_t>(acc);
    acc >>= 8;
    acc_bits -= 8;
  }
}

// ---- LSB-first bit packing, specialized: groups of 32 values of W bits
//
// 32 values of W bits are exactly W little-endian 32-bit words, so a group is
// read and written without touching a byte past its 4*W bytes.

namespace bits_internal {

template <int W, int I>
inline uint64_t ExtractPacked(const uint8_t* in) {
  constexpr int kBit = I * W;
  constexpr int kWord = kBit / 32;
  constexpr int kShift = kBit % 32;
  constexpr int kSpan = (kShift + W + 31) / 32;  // words touched: 1..3
  if constexpr (W <= 32) {
    uint32_t v = LoadLE32(in + 4 * kWord) >> kShift;
    if constexpr (kSpan == 2) v |= LoadLE32(in + 4 * kWord + 4) << (32 - kShift);
    if constexpr (W < 32) v &= (uint32_t{1} << W) - 1;
    return v;
  } else {
    uint64_t v = static_cast<uint64_t>(LoadLE32(in + 4 * kWord)) >> kShift;
    if constexpr (kSpan >= 2)
      v |= static_cast<uint64_t>(LoadLE32(in + 4 * kWord + 4)) << (32 - kShift);
    if constexpr (kSpan == 3)
      v |= static_cast<uint64_t>(LoadLE32(in + 4 * kWord + 8)) << (64 - kShift);
    if constexpr (W < 64) v &= (uint64_t{1} << W) - 1;
    return v;
  }
}

template <int W, typename T, int... I>
inline void Unpack32Impl(const uint8_t* in, T* out, std::integer_sequence<int, I...>) {
  ((out[I] = static_cast<T>(ExtractPacked<W, I>(in))), ...);
}

// Value I of an 8-value group: bits [I*W, (I+1)*W) of W bytes, read with
// exactly the bytes it touches.
template <int W, int I>
inline uint32_t ExtractPacked8(const uint8_t* in) {
  constexpr int kBit = I * W;
  constexpr int kByte = kBit / 8;
  constexpr int kShift = kBit % 8;
  constexpr int kBytes = (kShift + W + 7) / 8;  // 1..5
  uint64_t v = 0;
  std::memcpy(&v, in + kByte, kBytes);
  v >>= kShift;
  if constexpr (W < 32) v &= (uint64_t{1} << W) - 1;
  return static_cast<uint32_t>(v);
}

template <int W, typename T, int... I>
inline void Unpack8Impl(const uint8_t* in, T* out, std::integer_sequence<int, I...>) {
  ((out[I] = static_cast<T>(ExtractPacked8<W, I>(in))), ...);
}

template <int W, typename T, int I>
inline void DepositPacked(const T* in, uint32_t* words) {
  constexpr int kBit = I * W;
  constexpr int kWord = kBit / 32;
  constexpr int kShift = kBit % 32;
  constexpr int kSpan = (kShift + W + 31) / 32;
  constexpr uint64_t kMask = W == 64 ? ~uint64_t{0} : (uint64_t{1} << W) - 1;
  const uint64_t v = static_cast<uint64_t>(static_cast<std::make_unsigned_t<T>>(in[I])) & kMask;
  words[kWord] |= static_cast<uint32_t>(v << kShift);
  if constexpr (kSpan >= 2) words[kWord + 1] |= static_cast<uint32_t>(v >> (32 - kShift));
  if constexpr (kSpan == 3) words[kWord + 2] |= static_cast<uint32_t>(v >> (64 - kShift));
}

template <int W, typename T, int... I>
inline void Pack32Impl(const T* in, uint32_t* words, std::integer_sequence<int, I...>) {
  (DepositPacked<W, T, I>(in, words), ...);
}

}  // namespace bits_internal

// Unpacks 32 values of W bits from in[0, 4*W) into out[0, 32).
template <int W, typename T>
inline void Unpack32(const uint8_t* in, T* out) {
  static_assert(W >= 0 && W <= 64, "bit width out of range");
  if constexpr (W == 0) {
    for (int i = 0; i < 32; ++i) out[i] = 0;
  } else if constexpr (W == 8 * sizeof(T)) {
    std::memcpy(out, in, 32 * sizeof(T));
  } else {
    bits_internal::Unpack32Impl<W>(in, out, std::make_integer_sequence<int, 32>());
  }
}

// Unpacks 8 values of W (0..32) bits from in[0, W) into out[0, 8): the unit
// of a hybrid bit-packed run, for runs that are not a multiple of 32 values.
template <int W, typename T>
inline void Unpack8(const uint8_t* in, T* out) {
  static_assert(W >= 0 && W <= 32, "bit width out of range");
  if constexpr (W == 0) {
    for (int i = 0; i < 8; ++i) out[i] = 0;
  } else {
    bits_internal::Unpack8Impl<W>(in, out, std::make_integer_sequence<int, 8>());
  }
}

// Packs in[0, 32) as W-bit values into out[0, 4*W). Bits above W are dropped.
template <int W, typename T>
inline void Pack32(const T* in, uint8_t* out) {
  static_assert(W >= 0 && W <= 64, "bit width out of range");
  if constexpr (W == 0) {
    return;
  } else if constexpr (W == 8 * sizeof(T)) {
    std::memcpy(out, in, 32 * sizeof(T));
  } else {
    uint32_t words[W] = {};
    bits_internal::Pack32Impl<W>(in, words, std::make_integer_sequence<int, 32>());
    std::memcpy(out, words, sizeof(words));
  }
}

template <int W, typename T>
void UnpackGroups32(const uint8_t* in, int64_t groups, T* out) {
  for (int64_t g = 0; g < groups; ++g) Unpack32<W>(in + g * 4 * W, out + g * 32);
}

template <int W, typename T>
void UnpackGroups8(const uint8_t* in, int64_t groups, T* out) {
  for (int64_t g = 0; g < groups; ++g) Unpack8<W>(in + g * W, out + g * 8);
}

template <int W, typename T>
void PackGroups32(const T* in, int64_t groups, uint8_t* out) {
  for (int64_t g = 0; g < groups; ++g) Pack32<W>(in + g * 32, out + g * 4 * W);
}

// Function tables indexed by bit width 0..8*sizeof(T): one indirect call per
// run of groups, never per value. The groups are 32 values (4*W bytes) for
// UnpackGroupsFor/PackGroupsFor and 8 values (W bytes) for UnpackGroups8For.
template <typename T>
using UnpackGroupsFn = void (*)(const uint8_t* in, int64_t groups, T* out);
template <typename T>
using PackGroupsFn = void (*)(const T* in, int64_t groups, uint8_t* out);

namespace bits_internal {
template <typename T, int... W>
constexpr std::array<UnpackGroupsFn<T>, sizeof...(W)> MakeUnpackTable(
    std::integer_sequence<int, W...>) {
  return {&UnpackGroups32<W, T>...};
}
template <typename T, int... W>
constexpr std::array<UnpackGroupsFn<T>, sizeof...(W)> MakeUnpack8Table(
    std::integer_sequence<int, W...>) {
  return {&UnpackGroups8<W, T>...};
}
template <typename T, int... W>
constexpr std::array<PackGroupsFn<T>, sizeof...(W)> MakePackTable(
    std::integer_sequence<int, W...>) {
  return {&PackGroups32<W, T>...};
}
}  // namespace bits_internal

// REQUIRES: 0 <= width <= 8 * sizeof(T).
template <typename T>
inline UnpackGroupsFn<T> UnpackGroupsFor(int width) {
  static constexpr auto kTable =
      bits_internal::MakeUnpackTable<T>(std::make_integer_sequence<int, 8 * sizeof(T) + 1>());
  return kTable[static_cast<size_t>(width)];
}

// Groups of 8 values (W bytes each). REQUIRES: 0 <= width <= min(32, 8 * sizeof(T)).
template <typename T>
inline UnpackGroupsFn<T> UnpackGroups8For(int width) {
  static constexpr auto kTable = bits_internal::MakeUnpack8Table<T>(
      std::make_integer_sequence<int, (8 * sizeof(T) < 32 ? 8 * sizeof(T) : 32) + 1>());
  return kTable[static_cast<size_t>(width)];
}

// REQUIRES: 0 <= width <= 8 * sizeof(T).
template <typename T>
inline PackGroupsFn<T> PackGroupsFor(int width) {
  static constexpr auto kTable =
      bits_internal::MakePackTable<T>(std::make_integer_sequence<int, 8 * sizeof(T) + 1>());
  return kTable[static_cast<size_t>(width)];
}

// IEEE 754 half precision (FLOAT16, little-endian bits) to float.
inline float HalfToFloat(uint16_t h) {
  const uint32_t sign = (h >> 15) & 1, exp = (h >> 10) & 0x1F, mant = h & 0x3FF;
  float v;
  if (exp == 0) {
    v = std::ldexp(static_cast<float>(mant), -24);
  } else if (exp == 31) {
    v = mant ? std::numeric_limits<float>::quiet_NaN() : std::numeric_limits<float>::infinity();
  } else {
    v = std::ldexp(static_cast<float>(mant | 0x400), static_cast<int>(exp) - 25);
  }
  return sign ? -v : v;
}

}  // namespace lakewatch::parquet
