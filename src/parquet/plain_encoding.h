// PLAIN (= 0) for every physical type:
//   BOOLEAN               1 bit per value, LSB-first (value i is bit i % 8 of byte i / 8)
//   INT32, FLOAT          4 bytes little-endian
//   INT64, DOUBLE         8 bytes little-endian
//   INT96                 12 bytes
//   FIXED_LEN_BYTE_ARRAY  `width` bytes
//   BYTE_ARRAY            4-byte little-endian length, then the bytes
//
// Decoders read num_values values from data[0, size), never past size, and
// return the bytes consumed; a short page is Status::Corrupt with the value
// index and byte offset. Byte arrays go to the shared column layout: bytes
// appended to *chars, int64 end offsets (chars->size() after each value)
// appended to *offsets. Booleans decode to one uint8_t (0 or 1) per value.
//
// Encoders append to *out.
// Thread-safety: stateless free functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/buffer.h"
#include "common/status.h"

namespace lakewatch::parquet {

constexpr int kInt96Width = 12;

// ---- decoders

Result<size_t> DecodePlainBoolean(const uint8_t* data, size_t size, int64_t num_values,
                                  uint8_t* out);

// T is int32_t, int64_t, float or double; the copy is one memcpy.
template <typename T>
Result<size_t> DecodePlain(const uint8_t* data, size_t size, int64_t num_values, T* out);

// INT96 (width 12) and FIXED_LEN_BYTE_ARRAY: values of `width` bytes copied
// to out[0, num_values * width). REQUIRES: width >= 0.
Result<size_t> DecodePlainFixedWidth(const uint8_t* data, size_t size, int64_t num_values,
                                     int width, uint8_t* out);

Result<size_t> DecodePlainByteArray(const uint8_t* data, size_t size, int64_t num_values,
                                    Buffer* chars, Buffer* offsets);

// ---- encoders

// Packs values[0, n) (zero is false, anything else true) into ceil(n / 8)
// bytes. A page's booleans must be encoded in one call, or in calls of a
// multiple of 8 values except the last, since each call starts a new byte.
void EncodePlainBoolean(const uint8_t* values, int64_t n, Buffer* out);

// T is int32_t, int64_t, float or double.
template <typename T>
void EncodePlain(const T* values, int64_t n, Buffer* out);

// INT96 and FIXED_LEN_BYTE_ARRAY: values[0, n * width).
void EncodePlainFixedWidth(const uint8_t* values, int64_t n, int width, Buffer* out);

// Value i is chars[begin_i, ends[i]) with begin_0 = begin, begin_i = ends[i-1].
// REQUIRES: every value is at most INT32_MAX bytes.
void EncodePlainByteArray(const uint8_t* chars, const int64_t* ends, int64_t begin, int64_t n,
                          Buffer* out);
void EncodePlainByteArray(std::string_view value, Buffer* out);

}  // namespace lakewatch::parquet
