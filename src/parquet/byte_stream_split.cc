// Byte layout written by EncodeByteStreamSplit, for n values of K bytes
// (value i = bytes x_i[0..K)):
//
//   x_0[0] x_1[0] ... x_{n-1}[0]  x_0[1] ... x_{n-1}[1]  ...  x_0[K-1] ... x_{n-1}[K-1]
//
// K streams of n bytes each, no header, no padding: n * K bytes in all.
//
// The SSE2 path moves 16 values at a time through a 16K-byte block held in
// K registers. A byte's address in the block is a (log2 K + 4)-bit number;
// unpacking register j with register j + K/2 (lo and hi halves into
// registers 2j and 2j + 1) rotates every address left by one bit. Decoding
// turns address (k, i) into (i, k): log2 K rotations. Encoding turns (i, k)
// into (k, i): 4 rotations.
#include "parquet/byte_stream_split.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace lakewatch::parquet {

namespace {

// Scalar transposition for tails and odd widths, in blocks of values whose
// bytes stay in L1 while each stream is walked over them.
constexpr int64_t kScalarBlock = 256;

void DecodeScalar(const uint8_t* data, size_t stride, int width, int64_t begin, int64_t count,
                  uint8_t* out) {
  for (int64_t b = 0; b < count; b += kScalarBlock) {
    const int64_t m = std::min(kScalarBlock, count - b);
    for (int k = 0; k < width; ++k) {
      const uint8_t* stream = data + static_cast<size_t>(k) * stride + begin + b;
      uint8_t* dst = out + b * width + k;
      for (int64_t i = 0; i < m; ++i) dst[i * width] = stream[i];
    }
  }
}

void EncodeScalar(const uint8_t* values, int64_t n, int width, size_t stride, int64_t first,
                  uint8_t* out) {
  for (int64_t b = 0; b < n; b += kScalarBlock) {
    const int64_t m = std::min(kScalarBlock, n - b);
    for (int k = 0; k < width; ++k) {
      uint8_t* stream = out + static_cast<size_t>(k) * stride + first + b;
      const uint8_t* src = values + b * width + k;
      for (int64_t i = 0; i < m; ++i) stream[i] = src[i * width];
    }
  }
}

#if defined(__SSE2__)

template <int K>
inline void RotateAddresses(__m128i* v) {
  __m128i t[K];
#pragma GCC unroll 16
  for (int j = 0; j < K / 2; ++j) {
    t[2 * j] = _mm_unpacklo_epi8(v[j], v[j + K / 2]);
    t[2 * j + 1] = _mm_unpackhi_epi8(v[j], v[j + K / 2]);
  }
#pragma GCC unroll 16
  for (int j = 0; j < K; ++j) v[j] = t[j];
}

template <int K, int kRounds>
inline void Rotate(__m128i* v) {
#pragma GCC unroll 4
  for (int r = 0; r < kRounds; ++r) RotateAddresses<K>(v);
}

constexpr int Log2(int k) { return k == 1 ? 0 : 1 + Log2(k / 2); }

template <int K>
int64_t DecodeBlocks(const uint8_t* data, size_t stride, int64_t begin, int64_t count,
                     uint8_t* out) {
  const int64_t blocks = count / 16;
  for (int64_t b = 0; b < blocks; ++b) {
    __m128i v[K];
#pragma GCC unroll 16
    for (int k = 0; k < K; ++k) {
      v[k] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(
          data + static_cast<size_t>(k) * stride + begin + b * 16));
    }
    Rotate<K, Log2(K)>(v);
    uint8_t* dst = out + b * 16 * K;
#pragma GCC unroll 16
    for (int j = 0; j < K; ++j) _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + 16 * j), v[j]);
  }
  return blocks * 16;
}

template <int K>
int64_t EncodeBlocks(const uint8_t* values, int64_t n, size_t stride, uint8_t* out) {
  const int64_t blocks = n / 16;
  for (int64_t b = 0; b < blocks; ++b) {
    __m128i v[K];
    const uint8_t* src = values + b * 16 * K;
#pragma GCC unroll 16
    for (int j = 0; j < K; ++j)
      v[j] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 16 * j));
    Rotate<K, 4>(v);
#pragma GCC unroll 16
    for (int k = 0; k < K; ++k) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + static_cast<size_t>(k) * stride + b * 16),
                       v[k]);
    }
  }
  return blocks * 16;
}

#else

template <int K>
int64_t DecodeBlocks(const uint8_t*, size_t, int64_t, int64_t, uint8_t*) {
  return 0;
}
template <int K>
int64_t EncodeBlocks(const uint8_t*, int64_t, size_t, uint8_t*) {
  return 0;
}

#endif

}  // namespace

Status DecodeByteStreamSplit(const uint8_t* data, size_t size, int width, int64_t begin,
                             int64_t count, uint8_t* out) {
  if (width < 1 || begin < 0 || count < 0) {
    return Status::InvalidArgument(fmt::format(
        "BYTE_STREAM_SPLIT: bad arguments width {} begin {} count {}", width, begin, count));
  }
  const size_t w = static_cast<size_t>(width);
  if (size % w != 0) {
    return Status::Corrupt(
        fmt::format("BYTE_STREAM_SPLIT: page of {} bytes is not a whole number of {}-byte values",
                    size, width));
  }
  const size_t stride = size / w;  // values in the page
  if (static_cast<uint64_t>(begin) > stride || static_cast<uint64_t>(count) > stride - begin) {
    return Status::Corrupt(
        fmt::format("BYTE_STREAM_SPLIT: values [{}, {}) requested, the page holds {}", begin,
                    begin + count, stride));
  }
  int64_t done = 0;
  switch (width) {
    case 2:
      done = DecodeBlocks<2>(data, stride, begin, count, out);
      break;
    case 4:
      done = DecodeBlocks<4>(data, stride, begin, count, out);
      break;
    case 8:
      done = DecodeBlocks<8>(data, stride, begin, count, out);
      break;
    case 16:
      done = DecodeBlocks<16>(data, stride, begin, count, out);
      break;
    default:
      break;
  }
  DecodeScalar(data, stride, width, begin + done, count - done, out + done * width);
  return Status::OK();
}

void EncodeByteStreamSplit(const uint8_t* values, int64_t n, int width, Buffer* out) {
  assert(width >= 1 && n >= 0);
  if (n == 0) return;
  const size_t stride = static_cast<size_t>(n);
  const size_t start = out->size();
  out->Resize(start + stride * static_cast<size_t>(width));
  uint8_t* dst = out->data() + start;
  int64_t done = 0;
  switch (width) {
    case 2:
      done = EncodeBlocks<2>(values, n, stride, dst);
      break;
    case 4:
      done = EncodeBlocks<4>(values, n, stride, dst);
      break;
    case 8:
      done = EncodeBlocks<8>(values, n, stride, dst);
      break;
    case 16:
      done = EncodeBlocks<16>(values, n, stride, dst);
      break;
    default:
      break;
  }
  EncodeScalar(values + done * width, n - done, width, stride, done, dst);
}

}  // namespace lakewatch::parquet
