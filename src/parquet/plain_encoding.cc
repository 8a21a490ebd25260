// Byte layout written by the PLAIN encoders, value after value, no header:
//
//   BOOLEAN               ceil(n / 8) bytes; value i is bit (i % 8) of byte i / 8,
//                         unused high bits of the last byte are 0
//   INT32, FLOAT          4 bytes each, little-endian (IEEE 754 for FLOAT)
//   INT64, DOUBLE         8 bytes each, little-endian (IEEE 754 for DOUBLE)
//   INT96, FIXED_LEN_BA   `width` bytes each, as given
//   BYTE_ARRAY            uint32 LE length, then that many bytes, per value
#include "parquet/plain_encoding.h"

#include <fmt/format.h>

#include <cassert>
#include <climits>
#include <cstring>

#include "parquet/bit_util.h"

namespace lakewatch::parquet {

namespace {

// Spreads the 8 bits of `bits` (LSB-first) into 8 bytes of 0 or 1.
inline uint64_t SpreadBits(uint8_t bits) {
  const uint64_t lanes = (bits * 0x0101010101010101ULL) & 0x8040201008040201ULL;
  // A lane holds 0 or its own bit; adding 0x7f sets the lane's top bit iff
  // the lane is non-zero, and never carries into the next lane.
  return ((lanes + 0x7f7f7f7f7f7f7f7fULL) >> 7) & 0x0101010101010101ULL;
}

// Gathers 8 bytes (each zero or not) into 8 bits, byte i -> bit i.
inline uint8_t GatherBits(const uint8_t* values) {
  uint64_t x = LoadLE64(values);
  // Each lane becomes 1 if non-zero, 0 otherwise.
  x = (((x & 0x7f7f7f7f7f7f7f7fULL) + 0x7f7f7f7f7f7f7f7fULL) | x) & 0x8080808080808080ULL;
  x >>= 7;
  // Lane i (bit 8i) moves to bit 56 + i.
  return static_cast<uint8_t>((x * 0x0102040810204080ULL) >> 56);
}

// Fixed copy size for short byte-array values.
constexpr size_t kCopySlack = 32;

Status Short(const char* type, int64_t num_values, int64_t width, size_t size) {
  return Status::Corrupt(fmt::format(
      "PLAIN {}: {} values need {} bytes, the page holds {} (value {} is the first cut off)", type,
      num_values, num_values * width, size, size / static_cast<size_t>(width)));
}

}  // namespace

Result<size_t> DecodePlainBoolean(const uint8_t* data, size_t size, int64_t num_values,
                                  uint8_t* out) {
  if (num_values < 0) return Status::InvalidArgument("PLAIN BOOLEAN: negative count");
  if (static_cast<uint64_t>(num_values) > static_cast<uint64_t>(size) * 8) {
    return Status::Corrupt(fmt::format("PLAIN BOOLEAN: {} values need {} bytes, the page holds {}",
                                       num_values, BytesForBits(num_values), size));
  }
  const int64_t full = num_values / 8;
  for (int64_t b = 0; b < full; ++b) StoreLE64(out + b * 8, SpreadBits(data[b]));
  for (int64_t i = full * 8; i < num_values; ++i) out[i] = (data[i >> 3] >> (i & 7)) & 1;
  return static_cast<size_t>(BytesForBits(num_values));
}

template <typename T>
Result<size_t> DecodePlain(const uint8_t* data, size_t size, int64_t num_values, T* out) {
  if (num_values < 0) return Status::InvalidArgument("PLAIN: negative count");
  if (static_cast<uint64_t>(num_values) > size / sizeof(T)) {
    return Short(sizeof(T) == 4 ? "INT32/FLOAT" : "INT64/DOUBLE", num_values, sizeof(T), size);
  }
  const size_t bytes = static_cast<size_t>(num_values) * sizeof(T);
  if (bytes != 0) std::memcpy(out, data, bytes);
  return bytes;
}

template Result<size_t> DecodePlain<int32_t>(const uint8_t*, size_t, int64_t, int32_t*);
template Result<size_t> DecodePlain<int64_t>(const uint8_t*, size_t, int64_t, int64_t*);
template Result<size_t> DecodePlain<float>(const uint8_t*, size_t, int64_t, float*);
template Result<size_t> DecodePlain<double>(const uint8_t*, size_t, int64_t, double*);

Result<size_t> DecodePlainFixedWidth(const uint8_t* data, size_t size, int64_t num_values,
                                     int width, uint8_t* out) {
  if (num_values < 0 || width < 0) {
    return Status::InvalidArgument("PLAIN fixed width: negative count or width");
  }
  if (width == 0) return size_t{0};
  if (static_cast<uint64_t>(num_values) > size / static_cast<size_t>(width)) {
    return Short(width == kInt96Width ? "INT96/FIXED_LEN_BYTE_ARRAY" : "FIXED_LEN_BYTE_ARRAY",
                 num_values, width, size);
  }
  const size_t bytes = static_cast<size_t>(num_values) * static_cast<size_t>(width);
  if (bytes != 0) std::memcpy(out, data, bytes);
  return bytes;
}

Result<size_t> DecodePlainByteArray(const uint8_t* data, size_t size, int64_t num_values,
                                    Buffer* chars, Buffer* offsets) {
  if (num_values < 0) return Status::InvalidArgument("PLAIN BYTE_ARRAY: negative count");
  // Every value takes at least its 4-byte length: this bounds the offsets
  // we allocate by the page size.
  if (static_cast<uint64_t>(num_values) > size / 4) {
    return Status::Corrupt(
        fmt::format("PLAIN BYTE_ARRAY: {} values cannot fit in a {}-byte page", num_values, size));
  }
  const size_t offsets_start = offsets->size();
  assert(offsets_start % sizeof(int64_t) == 0);
  offsets->Resize(offsets_start + static_cast<size_t>(num_values) * sizeof(int64_t));
  int64_t* ends = offsets->data_as<int64_t>() + offsets_start / sizeof(int64_t);
  // The value bytes are bounded by the page, so one reservation (plus slack
  // for the short-value copies below) suffices and the loop writes through
  // a raw pointer.
  const size_t chars_start = chars->size();
  chars->Reserve(chars_start + size - static_cast<size_t>(num_values) * 4 + kCopySlack);
  uint8_t* dst = chars->data() + chars_start;
  size_t pos = 0;
  size_t written = 0;
  for (int64_t i = 0; i < num_values; ++i) {
    // Invariant: pos + 4 * (num_values - i) <= size, so the length is there,
    // and a value may take only what the later values' lengths leave: this
    // keeps `written` inside the reservation above.
    const size_t later = static_cast<size_t>(num_values - i - 1) * 4;
    const uint32_t len = LoadLE32(data + pos);
    pos += 4;
    if (len > size - pos - later) {
      offsets->Resize(offsets_start);
      return Status::Corrupt(fmt::format(
          "PLAIN BYTE_ARRAY: value {} of {}: length {} at byte {} runs past the end of the "
          "{}-byte page",
          i, num_values, len, pos - 4, size));
    }
    if (len <= kCopySlack && size - pos >= kCopySlack) {
      // Short value: a fixed-size copy (no libc call); bytes past `len` land
      // in the slack or are overwritten by the next value.
      std::memcpy(dst + written, data + pos, kCopySlack);
    } else {
      std::memcpy(dst + written, data + pos, len);
    }
    pos += len;
    written += len;
    ends[i] = static_cast<int64_t>(chars_start + written);
  }
  chars->Resize(chars_start + written);
  return pos;
}

void EncodePlainBoolean(const uint8_t* values, int64_t n, Buffer* out) {
  assert(n >= 0);
  const size_t start = out->size();
  out->Resize(start + static_cast<size_t>(BytesForBits(n)));
  uint8_t* dst = out->data() + start;
  const int64_t full = n / 8;
  for (int64_t b = 0; b < full; ++b) dst[b] = GatherBits(values + b * 8);
  if (full * 8 < n) {
    uint8_t last = 0;
    for (int64_t i = full * 8; i < n; ++i)
      last |= static_cast<uint8_t>((values[i] != 0) << (i & 7));
    dst[full] = last;
  }
}

template <typename T>
void EncodePlain(const T* values, int64_t n, Buffer* out) {
  assert(n >= 0);
  out->Append(values, static_cast<size_t>(n) * sizeof(T));
}

template void EncodePlain<int32_t>(const int32_t*, int64_t, Buffer*);
template void EncodePlain<int64_t>(const int64_t*, int64_t, Buffer*);
template void EncodePlain<float>(const float*, int64_t, Buffer*);
template void EncodePlain<double>(const double*, int64_t, Buffer*);

void EncodePlainFixedWidth(const uint8_t* values, int64_t n, int width, Buffer* out) {
  assert(n >= 0 && width >= 0);
  out->Append(values, static_cast<size_t>(n) * static_cast<size_t>(width));
}

void EncodePlainByteArray(const uint8_t* chars, const int64_t* ends, int64_t begin, int64_t n,
                          Buffer* out) {
  if (n <= 0) return;
  const size_t start = out->size();
  const size_t total = static_cast<size_t>(n) * 4 + static_cast<size_t>(ends[n - 1] - begin);
  out->Resize(start + total);
  uint8_t* dst = out->data() + start;
  int64_t from = begin;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t len = ends[i] - from;
    assert(len >= 0 && len <= INT32_MAX);
    StoreLE32(dst, static_cast<uint32_t>(len));
    if (len != 0) std::memcpy(dst + 4, chars + from, static_cast<size_t>(len));
    dst += 4 + len;
    from = ends[i];
  }
}

void EncodePlainByteArray(std::string_view value, Buffer* out) {
  assert(value.size() <= static_cast<size_t>(INT32_MAX));
  uint8_t len[4];
  StoreLE32(len, static_cast<uint32_t>(value.size()));
  out->Append(len, 4);
  out->Append(value);
}

}  // namespace lakewatch::parquet
