// Dictionary page body layout (PLAIN encoding of the distinct values, in
// index order):
//   fixed width:  value_0 | value_1 | ...            (width bytes each, LE for numbers)
//   byte arrays:  len_0 (u32 LE) | bytes_0 | len_1 | bytes_1 | ...
// Data pages then carry the indices as one byte of bit width followed by the
// RLE/bit-packed hybrid (see rle_encoding.h).
#include "parquet/dictionary_encoder.h"

#include <xxhash.h>

#include <cstring>

#include "common/bytes_equal.h"

namespace lakewatch::parquet {

namespace {

inline uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

inline uint64_t HashFixed(const uint8_t* v, int width) {
  if (width == 8) {
    uint64_t x;
    std::memcpy(&x, v, 8);
    return Mix(x);
  }
  if (width == 4) {
    uint32_t x;
    std::memcpy(&x, v, 4);
    return Mix(x);
  }
  return XXH3_64bits(v, width);
}

}  // namespace

DictionaryEncoder::DictionaryEncoder(int width) : width_(width) { Clear(); }

void DictionaryEncoder::Clear() {
  num_entries_ = 0;
  plain_bytes_ = 0;
  table_.assign(1024, 0);
  mask_ = 1023;
  hashes_.clear();
  values_.Clear();
  ends_.clear();
}

void DictionaryEncoder::Grow() {
  std::vector<int32_t> t(table_.size() * 2, 0);
  uint64_t mask = t.size() - 1;
  for (int64_t e = 0; e < num_entries_; ++e) {
    uint64_t pos = hashes_[e] & mask;
    while (t[pos] != 0) pos = (pos + 1) & mask;
    t[pos] = static_cast<int32_t>(e + 1);
  }
  table_.swap(t);
  mask_ = mask;
}

template <int kWidth>
uint32_t DictionaryEncoder::InsertFixed(const uint8_t* v, uint64_t h) {
  // kWidth > 0: the width known at compile time (4 and 8, the numbers); 0: width_.
  const int width = kWidth > 0 ? kWidth : width_;
  uint64_t pos = h & mask_;
  const uint8_t* base = values_.data();
  while (true) {
    int32_t slot = table_[pos];
    if (slot == 0) break;
    uint32_t e = static_cast<uint32_t>(slot - 1);
    if (hashes_[e] == h && BytesEqual(base + static_cast<size_t>(e) * width, v, static_cast<size_t>(width))) return e;
    pos = (pos + 1) & mask_;
  }
  uint32_t e = static_cast<uint32_t>(num_entries_++);
  table_[pos] = static_cast<int32_t>(e + 1);
  hashes_.push_back(h);
  values_.Append(v, width);
  plain_bytes_ += width;
  if (static_cast<uint64_t>(num_entries_) * 2 > table_.size()) Grow();
  return e;
}

template <int kWidth>
void DictionaryEncoder::PutFixedAs(const uint8_t* values, int64_t n, uint32_t* indices) {
  const int width = kWidth > 0 ? kWidth : width_;
  for (int64_t i = 0; i < n; ++i) {
    const uint8_t* v = values + i * width;
    // Runs of one value (a date, a status) skip the hash table.
    if (i > 0 && BytesEqual(v - width, v, static_cast<size_t>(width))) {
      indices[i] = indices[i - 1];
      continue;
    }
    indices[i] = InsertFixed<kWidth>(v, HashFixed(v, width));
  }
}

void DictionaryEncoder::PutFixed(const uint8_t* values, int64_t n, uint32_t* indices) {
  switch (width_) {
    case 8: return PutFixedAs<8>(values, n, indices);
    case 4: return PutFixedAs<4>(values, n, indices);
    default: return PutFixedAs<0>(values, n, indices);
  }
}

void DictionaryEncoder::PutBytes(const uint8_t* chars, const int64_t* offsets, int64_t begin,
                                 int64_t end, uint32_t* indices) {
  for (int64_t i = begin; i < end; ++i) {
    const uint8_t* v = chars + offsets[i];
    size_t len = static_cast<size_t>(offsets[i + 1] - offsets[i]);
    // Runs of one value (a source file, a level, a model name) skip hashing.
    if (i > begin && len == static_cast<size_t>(offsets[i] - offsets[i - 1]) &&
        BytesEqual(v - len, v, len)) {
      indices[i - begin] = indices[i - begin - 1];
      continue;
    }
    uint64_t h = XXH3_64bits(v, len);
    uint64_t pos = h & mask_;
    uint32_t found = UINT32_MAX;
    while (true) {
      int32_t slot = table_[pos];
      if (slot == 0) break;
      uint32_t e = static_cast<uint32_t>(slot - 1);
      if (hashes_[e] == h) {
        int64_t b = e == 0 ? 0 : ends_[e - 1];
        if (static_cast<size_t>(ends_[e] - b) == len && BytesEqual(values_.data() + b, v, len)) {
          found = e;
          break;
        }
      }
      pos = (pos + 1) & mask_;
    }
    if (found == UINT32_MAX) {
      found = static_cast<uint32_t>(num_entries_++);
      table_[pos] = static_cast<int32_t>(found + 1);
      hashes_.push_back(h);
      values_.Append(v, len);
      ends_.push_back(static_cast<int64_t>(values_.size()));
      plain_bytes_ += 4 + len;
      if (static_cast<uint64_t>(num_entries_) * 2 > table_.size()) Grow();
    }
    indices[i - begin] = found;
  }
}

void DictionaryEncoder::WritePlain(Buffer* out) const {
  if (width_ > 0) {
    out->Append(values_.data(), values_.size());
    return;
  }
  int64_t b = 0;
  for (int64_t e = 0; e < num_entries_; ++e) {
    uint32_t len = static_cast<uint32_t>(ends_[e] - b);
    out->AppendValue(len);
    out->Append(values_.data() + b, len);
    b = ends_[e];
  }
}

}  // namespace lakewatch::parquet
