// Byte layout written by RleBitPackedEncoder, for bit width W (0..32) and
// V = ceil(W / 8):
//
//   stream     := run*
//   rle run    := ULEB128(count << 1)       value: V bytes, little-endian
//                 count in [8, 2^31 - 1]
//   packed run := ULEB128(groups << 1 | 1) groups * W bytes
//                 groups in [1, 63] (so the header is one byte); 8 values per
//                 group, each W bits, packed LSB-first: value i occupies bits
//                 [i*W, (i+1)*W) of the run body, bit b of the body being bit
//                 (b % 8) of byte b / 8. Only the run that ends the stream has
//                 zero values padding its last group.
//
// EncodeLengthPrefixedRle writes: uint32 LE byte length of the stream, stream.
//
// BIT_PACKED (EncodeBitPackedLevels) writes the values back to back,
// MSB-first: value i occupies bits [i*W, (i+1)*W) counting from the most
// significant bit of byte 0; the last byte is zero-padded.
#include "parquet/rle_encoding.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <type_traits>
#include <utility>

#include "parquet/bit_util.h"

namespace lakewatch::parquet {

namespace {

constexpr int kMaxBitWidth = 32;
constexpr uint64_t kMaxRunValues = (uint64_t{1} << 31) - 1;  // spec: run lengths < 2^31

}  // namespace

// ---------------------------------------------------------------- decoder

RleBitPackedDecoder::RleBitPackedDecoder(const uint8_t* data, size_t size, int bit_width)
    : begin_(data), pos_(data), end_(data + size), bit_width_(bit_width) {}

Status RleBitPackedDecoder::RanOut(int64_t wanted) const {
  if (packed_truncated_) {
    return Status::Corrupt(fmt::format(
        "RLE/bit-packed stream: bit-packed run at byte {} claims {} values but the {} bytes "
        "left hold only {} (bit width {}); {} more values wanted",
        packed_header_offset_, packed_claimed_, end_ - begin_ - packed_header_offset_,
        packed_claimed_ - packed_left_, bit_width_, wanted));
  }
  return Status::Corrupt(fmt::format(
      "RLE/bit-packed stream of {} bytes ended with {} more values wanted", end_ - begin_, wanted));
}

bool RleBitPackedDecoder::FirstRunCovers(int64_t n, uint32_t* value) {
  if (pos_ != begin_ || bit_width_ < 0 || bit_width_ > kMaxBitWidth || n < 0) return false;
  if (!NextRun().ok() || rle_left_ < n) return false;
  *value = rle_value_;
  return true;
}

Status RleBitPackedDecoder::NextRun() {
  const size_t header_offset = static_cast<size_t>(pos_ - begin_);
  uint64_t header;
  if (!ReadUleb128(&pos_, end_, &header)) {
    return Status::Corrupt(
        fmt::format("RLE/bit-packed stream: truncated or overlong run header at byte {} of {}",
                    header_offset, end_ - begin_));
  }
  const uint64_t count = header >> 1;
  const size_t avail = static_cast<size_t>(end_ - pos_);
  if (header & 1) {
    if (count > kMaxRunValues / 8) {
      return Status::Corrupt(fmt::format(
          "RLE/bit-packed stream: bit-packed run at byte {} claims {} groups of 8 values "
          "(limit 2^31 - 1 values)",
          header_offset, count));
    }
    const int64_t values = static_cast<int64_t>(count * 8);
    const uint64_t run_bytes = count * static_cast<uint64_t>(bit_width_);
    packed_pos_ = pos_;
    packed_header_offset_ = header_offset;
    packed_claimed_ = values;
    if (run_bytes <= avail) {
      packed_left_ = values;
      packed_truncated_ = false;
      pos_ += run_bytes;
    } else {
      // A final run may stop inside its last group; what is left is padding.
      packed_left_ = static_cast<int64_t>(avail * 8 / static_cast<size_t>(bit_width_));
      packed_truncated_ = true;
      pos_ = end_;
    }
    return Status::OK();
  }
  if (count > kMaxRunValues) {
    return Status::Corrupt(
        fmt::format("RLE/bit-packed stream: RLE run at byte {} claims {} values (limit 2^31 - 1)",
                    header_offset, count));
  }
  const int value_bytes = (bit_width_ + 7) / 8;
  if (avail < static_cast<size_t>(value_bytes)) {
    return Status::Corrupt(fmt::format(
        "RLE/bit-packed stream: RLE run at byte {} needs a {}-byte value, {} bytes left",
        header_offset, value_bytes, avail));
  }
  const uint64_t value = LoadLEPartial(pos_, value_bytes);
  if (bit_width_ < kMaxBitWidth && (value >> bit_width_) != 0) {
    return Status::Corrupt(
        fmt::format("RLE/bit-packed stream: RLE run at byte {} repeats {}, wider than bit width {}",
                    header_offset, value, bit_width_));
  }
  pos_ += value_bytes;
  rle_value_ = static_cast<uint32_t>(value);
  rle_left_ = static_cast<int64_t>(count);
  packed_truncated_ = false;
  return Status::OK();
}

void RleBitPackedDecoder::FillBuffer() {
  const int n = static_cast<int>(std::min<int64_t>(packed_left_, 32));
  if (n == 32) {
    UnpackGroupsFor<uint32_t>(bit_width_)(packed_pos_, 1, buffered_);
    packed_pos_ += 4 * bit_width_;
  } else {
    // A run's last values: whole groups of 8, then (only in a truncated
    // final run) a partial group read up to the end of the data.
    const int groups = n / 8;
    UnpackGroups8For<uint32_t>(bit_width_)(packed_pos_, groups, buffered_);
    packed_pos_ += groups * bit_width_;
    const int rest = n - groups * 8;
    if (rest > 0) {
      const size_t bytes = static_cast<size_t>(BytesForBits(int64_t{rest} * bit_width_));
      UnpackBitsLsb(packed_pos_, bytes, bit_width_, 0, rest, buffered_ + groups * 8);
      packed_pos_ += bytes;
    }
  }
  packed_left_ -= n;
  buffer_pos_ = 0;
  buffer_len_ = n;
}

template <typename T>
Status RleBitPackedDecoder::GetBatch(T* out, int64_t n) {
  if (bit_width_ < 0 || bit_width_ > kMaxBitWidth) {
    return Status::Corrupt(
        fmt::format("RLE/bit-packed stream: bit width {} is outside 0..32", bit_width_));
  }
  if (bit_width_ > static_cast<int>(8 * sizeof(T))) {
    return Status::InvalidArgument(
        fmt::format("RLE/bit-packed stream: bit width {} does not fit a {}-byte output", bit_width_,
                    sizeof(T)));
  }
  int64_t done = 0;
  while (done < n) {
    const int64_t want = n - done;
    if (buffer_pos_ < buffer_len_) {
      const int k = static_cast<int>(std::min<int64_t>(want, buffer_len_ - buffer_pos_));
      const uint32_t* src = buffered_ + buffer_pos_;
      T* dst = out + done;
      for (int i = 0; i < k; ++i) dst[i] = static_cast<T>(src[i]);
      buffer_pos_ += k;
      done += k;
    } else if (rle_left_ > 0) {
      const int64_t k = std::min(want, rle_left_);
      std::fill(out + done, out + done + k, static_cast<T>(rle_value_));
      rle_left_ -= k;
      done += k;
    } else if (packed_left_ >= 32 && want >= 32) {
      const int64_t groups = std::min(want, packed_left_) / 32;
      UnpackGroupsFor<T>(bit_width_)(packed_pos_, groups, out + done);
      packed_pos_ += groups * 4 * bit_width_;
      packed_left_ -= groups * 32;
      done += groups * 32;
    } else if (packed_left_ >= 8 && want >= 8) {
      // Runs that are not a multiple of 32 values (e.g. 504-value runs).
      const int64_t groups = std::min(want, packed_left_) / 8;
      UnpackGroups8For<T>(bit_width_)(packed_pos_, groups, out + done);
      packed_pos_ += groups * bit_width_;
      packed_left_ -= groups * 8;
      done += groups * 8;
    } else if (packed_left_ > 0) {
      FillBuffer();
    } else {
      if (pos_ == end_) return RanOut(want);
      LW_RETURN_IF_ERROR(NextRun());
    }
  }
  return Status::OK();
}

Status RleBitPackedDecoder::Skip(int64_t n) {
  if (bit_width_ < 0 || bit_width_ > kMaxBitWidth) {
    return Status::Corrupt(
        fmt::format("RLE/bit-packed stream: bit width {} is outside 0..32", bit_width_));
  }
  int64_t done = 0;
  while (done < n) {
    const int64_t want = n - done;
    if (buffer_pos_ < buffer_len_) {
      const int k = static_cast<int>(std::min<int64_t>(want, buffer_len_ - buffer_pos_));
      buffer_pos_ += k;
      done += k;
    } else if (rle_left_ > 0) {
      const int64_t k = std::min(want, rle_left_);
      rle_left_ -= k;
      done += k;
    } else if (packed_left_ >= 8 && want >= 8) {
      const int64_t groups = std::min(want, packed_left_) / 8;
      packed_pos_ += groups * bit_width_;
      packed_left_ -= groups * 8;
      done += groups * 8;
    } else if (packed_left_ > 0) {
      FillBuffer();
    } else {
      if (pos_ == end_) return RanOut(want);
      LW_RETURN_IF_ERROR(NextRun());
    }
  }
  return Status::OK();
}

template Status RleBitPackedDecoder::GetBatch<uint8_t>(uint8_t*, int64_t);
template Status RleBitPackedDecoder::GetBatch<int16_t>(int16_t*, int64_t);
template Status RleBitPackedDecoder::GetBatch<uint16_t>(uint16_t*, int64_t);
template Status RleBitPackedDecoder::GetBatch<int32_t>(int32_t*, int64_t);
template Status RleBitPackedDecoder::GetBatch<uint32_t>(uint32_t*, int64_t);

Result<RleBitPackedDecoder> MakeDictionaryIndexDecoder(const uint8_t* data, size_t size) {
  if (size < 1) {
    return Status::Corrupt("dictionary indices: page has no bit-width byte");
  }
  const int bit_width = data[0];
  if (bit_width > kMaxBitWidth) {
    return Status::Corrupt(fmt::format("dictionary indices: bit width {} exceeds 32", bit_width));
  }
  return RleBitPackedDecoder(data + 1, size - 1, bit_width);
}

// ---------------------------------------------------------------- encoder

RleBitPackedEncoder::RleBitPackedEncoder(int bit_width)
    : bit_width_(bit_width), value_bytes_((bit_width + 7) / 8) {
  assert(bit_width >= 0 && bit_width <= kMaxBitWidth);
}

void RleBitPackedEncoder::Put(uint32_t value) {
  assert(bit_width_ == kMaxBitWidth || (value >> bit_width_) == 0);
  if (run_length_ > 0 && value == run_value_) {
    ++run_length_;
    return;
  }
  EndRun();
  run_value_ = value;
  run_length_ = 1;
}

template <typename T>
void RleBitPackedEncoder::PutBatch(const T* values, int64_t n) {
  // Through the unsigned type: an int16 level of width 16 stays 16 bits.
  auto value_at = [values](int64_t i) {
    return static_cast<uint32_t>(static_cast<std::make_unsigned_t<T>>(values[i]));
  };
  int64_t i = 0;
  while (i < n) {
    if (run_length_ > 0) {
      while (i < n && value_at(i) == run_value_) {
        ++run_length_;
        ++i;
      }
      if (i == n) return;
      if (run_length_ >= 8) {
        EndRun();
        continue;
      }
    }
    // Literal mode: values go straight into literals_ while `repeats` counts
    // how many at its end equal `last`; the 8th repeat turns them back into
    // a run. A short pending run becomes the tail of the literals.
    uint32_t last = run_value_;
    AddLiterals(run_value_, run_length_);
    int repeats = static_cast<int>(std::min<int64_t>(run_length_, num_literals_));
    run_length_ = 0;
    // A local count (literals_ stores could alias the member) and a
    // branch-free repeat counter keep this loop tight on noisy data.
    int count = num_literals_;
    while (i < n) {
      const uint32_t v = value_at(i++);
      assert(bit_width_ == kMaxBitWidth || (v >> bit_width_) == 0);
      repeats = (repeats & -static_cast<int>(v == last)) + 1;
      last = v;
      literals_[count++] = v;
      if ((repeats == 8) | (count == kMaxLiterals)) [[unlikely]] {
        if (repeats == 8) {
          count -= 8;
          run_value_ = v;
          run_length_ = 8;
          break;
        }
        num_literals_ = count;
        FlushLiterals();
        count = 0;
        repeats = 0;
      }
    }
    num_literals_ = count;
    if (run_length_ == 0) {
      // Input ended in literal mode: trailing repeats stay a pending run, so
      // the next batch can extend them.
      num_literals_ -= repeats;
      run_value_ = last;
      run_length_ = repeats;
    }
  }
}

void RleBitPackedEncoder::PutRun(uint32_t value, int64_t count) {
  assert(bit_width_ == kMaxBitWidth || (value >> bit_width_) == 0);
  if (count <= 0) return;
  if (run_length_ == 0 || value != run_value_) {
    EndRun();
    run_value_ = value;
  }
  run_length_ += count;
}

template void RleBitPackedEncoder::PutBatch<uint8_t>(const uint8_t*, int64_t);
template void RleBitPackedEncoder::PutBatch<int16_t>(const int16_t*, int64_t);
template void RleBitPackedEncoder::PutBatch<uint16_t>(const uint16_t*, int64_t);
template void RleBitPackedEncoder::PutBatch<int32_t>(const int32_t*, int64_t);
template void RleBitPackedEncoder::PutBatch<uint32_t>(const uint32_t*, int64_t);

void RleBitPackedEncoder::EndRun() {
  int64_t len = std::exchange(run_length_, 0);
  if (len == 0) return;
  // Bit-packed groups hold 8 values, so pending literals are first topped up
  // to a whole group from this run; an RLE run pays off for what remains
  // when that is still at least 8 values.
  const int64_t top_up = (8 - num_literals_ % 8) % 8;
  if (len - top_up >= 8) {
    AddLiterals(run_value_, top_up);
    FlushLiterals();
    len -= top_up;
    while (len >= 8) {
      const int64_t chunk = std::min(len, kMaxRunLength);
      WriteRleRun(run_value_, chunk);
      len -= chunk;
    }
  }
  AddLiterals(run_value_, len);
}

void RleBitPackedEncoder::AddLiterals(uint32_t value, int64_t count) {
  while (count > 0) {
    const int k = static_cast<int>(std::min<int64_t>(count, kMaxLiterals - num_literals_));
    std::fill(literals_ + num_literals_, literals_ + num_literals_ + k, value);
    num_literals_ += k;
    count -= k;
    if (num_literals_ == kMaxLiterals) FlushLiterals();
  }
}

void RleBitPackedEncoder::FlushLiterals() {
  if (num_literals_ == 0) return;
  const int groups = (num_literals_ + 7) / 8;
  std::fill(literals_ + num_literals_, literals_ + groups * 8, 0u);
  uint8_t header[kMaxUleb128Bytes];
  const int header_len = WriteUleb128((static_cast<uint64_t>(groups) << 1) | 1, header);
  const size_t body = static_cast<size_t>(groups) * static_cast<size_t>(bit_width_);
  const size_t start = out_.size();
  out_.Resize(start + static_cast<size_t>(header_len) + body);
  uint8_t* dst = out_.data() + start;
  std::memcpy(dst, header, static_cast<size_t>(header_len));
  dst += header_len;
  const int full = groups / 4;  // groups of 32 values
  PackGroupsFor<uint32_t>(bit_width_)(literals_, full, dst);
  const int rest = groups * 8 - full * 32;
  PackBitsLsb(literals_ + full * 32, rest, bit_width_, dst + full * 4 * bit_width_);
  num_literals_ = 0;
}

void RleBitPackedEncoder::WriteRleRun(uint32_t value, int64_t count) {
  uint8_t tmp[kMaxUleb128Bytes + 4];
  int n = WriteUleb128(static_cast<uint64_t>(count) << 1, tmp);
  for (int i = 0; i < value_bytes_; ++i) tmp[n++] = static_cast<uint8_t>(value >> (8 * i));
  out_.Append(tmp, static_cast<size_t>(n));
}

void RleBitPackedEncoder::Flush(Buffer* out) {
  EndRun();
  FlushLiterals();
  if (out->empty()) {
    std::swap(*out, out_);
  } else {
    out->Append(out_.data(), out_.size());
  }
  out_.Clear();
  run_length_ = 0;
  num_literals_ = 0;
}

size_t RleBitPackedEncoder::EstimatedSize() const {
  // Pending literals plus a run that may end up as literals: bounded by
  // bit-packing them all, plus headers.
  const int64_t pending = num_literals_ + std::min<int64_t>(run_length_, 15);
  const int64_t groups = (pending + 7) / 8;
  return out_.size() + static_cast<size_t>(groups * bit_width_) + 2 * kMaxUleb128Bytes +
         static_cast<size_t>(value_bytes_);
}

// ---------------------------------------------------------------- length-prefixed

Result<LengthPrefixedBody> FindLengthPrefixedBody(const uint8_t* data, size_t size) {
  if (size < 4) {
    return Status::Corrupt(
        fmt::format("length-prefixed RLE: needs a 4-byte length, only {} bytes present", size));
  }
  const uint32_t len = LoadLE32(data);
  if (len > size - 4) {
    return Status::Corrupt(fmt::format(
        "length-prefixed RLE: length {} exceeds the {} bytes that follow it", len, size - 4));
  }
  return LengthPrefixedBody{data + 4, len};
}

template <typename T>
Result<size_t> DecodeLengthPrefixedRle(const uint8_t* data, size_t size, int bit_width,
                                       int64_t num_values, T* out) {
  LW_ASSIGN_OR_RETURN(LengthPrefixedBody body, FindLengthPrefixedBody(data, size));
  RleBitPackedDecoder decoder(body.data, body.size, bit_width);
  LW_RETURN_IF_ERROR(decoder.GetBatch(out, num_values));
  return size_t{4} + body.size;
}

namespace {

// The 4-byte length, then the stream `put` feeds to an encoder.
template <typename Put>
void AppendLengthPrefixed(int bit_width, Buffer* out, Put put) {
  const size_t start = out->size();
  out->Resize(start + 4);
  RleBitPackedEncoder encoder(bit_width);
  put(encoder);
  encoder.Flush(out);
  StoreLE32(out->data() + start, static_cast<uint32_t>(out->size() - start - 4));
}

}  // namespace

template <typename T>
void EncodeLengthPrefixedRle(const T* values, int64_t n, int bit_width, Buffer* out) {
  AppendLengthPrefixed(bit_width, out, [&](RleBitPackedEncoder& e) { e.PutBatch(values, n); });
}

void EncodeLengthPrefixedRun(uint32_t value, int64_t n, int bit_width, Buffer* out) {
  AppendLengthPrefixed(bit_width, out, [&](RleBitPackedEncoder& e) { e.PutRun(value, n); });
}

template Result<size_t> DecodeLengthPrefixedRle<uint8_t>(const uint8_t*, size_t, int, int64_t,
                                                         uint8_t*);
template Result<size_t> DecodeLengthPrefixedRle<int16_t>(const uint8_t*, size_t, int, int64_t,
                                                         int16_t*);
template Result<size_t> DecodeLengthPrefixedRle<uint16_t>(const uint8_t*, size_t, int, int64_t,
                                                          uint16_t*);
template Result<size_t> DecodeLengthPrefixedRle<int32_t>(const uint8_t*, size_t, int, int64_t,
                                                         int32_t*);
template Result<size_t> DecodeLengthPrefixedRle<uint32_t>(const uint8_t*, size_t, int, int64_t,
                                                          uint32_t*);
template void EncodeLengthPrefixedRle<uint8_t>(const uint8_t*, int64_t, int, Buffer*);
template void EncodeLengthPrefixedRle<int16_t>(const int16_t*, int64_t, int, Buffer*);
template void EncodeLengthPrefixedRle<uint16_t>(const uint16_t*, int64_t, int, Buffer*);
template void EncodeLengthPrefixedRle<int32_t>(const int32_t*, int64_t, int, Buffer*);
template void EncodeLengthPrefixedRle<uint32_t>(const uint32_t*, int64_t, int, Buffer*);

// ---------------------------------------------------------------- BIT_PACKED

Result<size_t> DecodeBitPackedLevels(const uint8_t* data, size_t size, int bit_width,
                                     int64_t num_values, int16_t* out) {
  if (bit_width < 0 || bit_width > 16) {
    return Status::Corrupt(
        fmt::format("BIT_PACKED levels: bit width {} is outside 0..16", bit_width));
  }
  if (num_values < 0) {
    return Status::InvalidArgument("BIT_PACKED levels: negative value count");
  }
  if (bit_width == 0) {
    std::fill(out, out + num_values, int16_t{0});
    return size_t{0};
  }
  if (static_cast<uint64_t>(num_values) > size * 8 / static_cast<size_t>(bit_width)) {
    return Status::Corrupt(
        fmt::format("BIT_PACKED levels: {} values of {} bits need {} bytes, only {} present",
                    num_values, bit_width, BytesForBits(num_values * bit_width), size));
  }
  const size_t need = static_cast<size_t>(BytesForBits(num_values * bit_width));
  const uint32_t mask = (uint32_t{1} << bit_width) - 1;
  // A value spans at most 3 bytes (7 bits of offset + 16 bits); read a
  // 24-bit big-endian window, with zeros past the end.
  for (int64_t i = 0; i < num_values; ++i) {
    const uint64_t bit = static_cast<uint64_t>(i) * static_cast<uint64_t>(bit_width);
    const size_t byte = static_cast<size_t>(bit >> 3);
    const int shift = static_cast<int>(bit & 7);
    uint32_t window = static_cast<uint32_t>(data[byte]) << 16;
    if (byte + 1 < need) window |= static_cast<uint32_t>(data[byte + 1]) << 8;
    if (byte + 2 < need) window |= data[byte + 2];
    out[i] = static_cast<int16_t>((window >> (24 - shift - bit_width)) & mask);
  }
  return need;
}

void EncodeBitPackedLevels(const int16_t* levels, int64_t n, int bit_width, Buffer* out) {
  assert(bit_width >= 0 && bit_width <= 16);
  if (bit_width == 0 || n == 0) return;
  const size_t start = out->size();
  const size_t need = static_cast<size_t>(BytesForBits(n * bit_width));
  out->Resize(start + need);
  uint8_t* dst = out->data() + start;
  const uint32_t mask = (uint32_t{1} << bit_width) - 1;
  uint32_t acc = 0;  // low `bits` bits are pending, MSB-first
  int bits = 0;
  size_t o = 0;
  for (int64_t i = 0; i < n; ++i) {
    acc = (acc << bit_width) | (static_cast<uint32_t>(levels[i]) & mask);
    bits += bit_width;
    while (bits >= 8) {
      bits -= 8;
      dst[o++] = static_cast<uint8_t>(acc >> bits);
    }
  }
  if (bits > 0) dst[o++] = static_cast<uint8_t>(acc << (8 - bits));
  assert(o == need);
}

}  // namespace lakewatch::parquet
