// DictionaryEncoder: maps the physical values of one column chunk to dense
// dictionary indices (first-seen order) with an open-addressing hash table,
// and emits the dictionary page body (the distinct values, PLAIN-encoded).
//
// Values are physical: fixed-width records (INT32, INT64, FLOAT, DOUBLE,
// FIXED_LEN_BYTE_ARRAY; compared bitwise, so -0.0 and +0.0 or different NaN
// payloads stay distinct and round-trip exactly) or byte arrays.
//
// Thread-safety: none; one encoder per column writer.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/buffer.h"

namespace lakewatch::parquet {

class DictionaryEncoder {
 public:
  // width > 0: fixed-width records of `width` bytes; width == 0: byte arrays.
  explicit DictionaryEncoder(int width);

  // Fixed width: indices for values[0, n) (n records of width bytes).
  void PutFixed(const uint8_t* values, int64_t n, uint32_t* indices);
  // Byte arrays: value i is chars[ends[i-1], ends[i]) for i in [begin, end),
  // with ends[begin-1] read as `ends[-1]` (the caller passes a pointer to a
  // leading offset, as Column offsets have).
  void PutBytes(const uint8_t* chars, const int64_t* offsets, int64_t begin, int64_t end,
                uint32_t* indices);

  int64_t size() const { return num_entries_; }
  // Byte arrays: entry e (< size()).
  std::string_view BytesEntry(uint32_t e) const {
    const int64_t b = e == 0 ? 0 : ends_[e - 1];
    return {reinterpret_cast<const char*>(values_.data()) + b, static_cast<size_t>(ends_[e] - b)};
  }
  // Bytes of the PLAIN-encoded dictionary page body.
  size_t plain_bytes() const { return plain_bytes_; }
  // Appends the PLAIN-encoded dictionary values to *out.
  void WritePlain(Buffer* out) const;
  void Clear();

 private:
  void Grow();
  template <int kWidth> uint32_t InsertFixed(const uint8_t* v, uint64_t h);
  template <int kWidth> void PutFixedAs(const uint8_t* values, int64_t n, uint32_t* indices);

  int width_;
  int64_t num_entries_ = 0;
  size_t plain_bytes_ = 0;
  std::vector<int32_t> table_;  // entry index + 1, 0 = empty; size is a power of two
  uint64_t mask_ = 0;
  std::vector<uint64_t> hashes_;  // per entry
  Buffer values_;                 // fixed: records; bytes: the chars
  std::vector<int64_t> ends_;     // bytes: end offset of each entry in values_
};

}  // namespace lakewatch::parquet
