// Byte layouts written by the delta encoders.
//
// DELTA_BINARY_PACKED (DeltaBinaryPackedEncoder<T>, U = unsigned T):
//   header := ULEB128(block_size = 128) ULEB128(miniblocks = 4)
//             ULEB128(total value count) zigzag-ULEB128(first value)
//   block  := zigzag-ULEB128(min delta) bit_width[miniblocks] (one byte each)
//             miniblock*
//   Deltas are v[i] - v[i-1] computed in U (wrapping); a block holds
//   block_size of them, the last block fewer. A miniblock holds
//   block_size / miniblocks deltas minus the block's min delta (compared as
//   signed T), bit-packed LSB-first with its bit width, the last one padded
//   with zeros to full size. Miniblocks of the last block that hold no
//   deltas have bit width 0 and no bytes. A stream of 0 or 1 values is the
//   header alone.
//
// DELTA_LENGTH_BYTE_ARRAY (DeltaLengthByteArrayEncoder):
//   DELTA_BINARY_PACKED<int32>(lengths) then every value's bytes back to back.
//
// DELTA_BYTE_ARRAY (DeltaByteArrayEncoder):
//   DELTA_BINARY_PACKED<int32>(prefix lengths)
//   DELTA_LENGTH_BYTE_ARRAY(suffixes)
//   where prefix length i is the longest common prefix of values i-1 and i
//   (0 for the first value) and suffix i is the rest of value i.
#include "parquet/delta_encoding.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <climits>
#include <cstring>
#include <utility>

#include "parquet/bit_util.h"

namespace lakewatch::parquet {

namespace {

constexpr uint64_t kMaxBlockSize = uint64_t{1} << 31;
constexpr uint64_t kMaxValueCount = INT32_MAX;
constexpr int64_t kMaxByteArrayOutput = INT32_MAX;
constexpr size_t kCopySlack = 32;  // fixed copy size for short suffixes

// Unpacks `groups` groups of 32 deltas of W bits and turns them into values:
// last += min_delta + delta, all in the unsigned domain. Returns the last value.
template <typename T, int W>
std::make_unsigned_t<T> DecodeDeltaGroups(const uint8_t* in, int64_t groups,
                                          std::make_unsigned_t<T> min_delta,
                                          std::make_unsigned_t<T> last, T* out) {
  using U = std::make_unsigned_t<T>;
  for (int64_t g = 0; g < groups; ++g) {
    U deltas[32];
    Unpack32<W>(in + g * 4 * W, deltas);
    T* dst = out + g * 32;
    for (int i = 0; i < 32; ++i) {
      last += min_delta + deltas[i];
      dst[i] = static_cast<T>(last);
    }
  }
  return last;
}

template <typename T>
using DecodeDeltaGroupsFn = std::make_unsigned_t<T> (*)(const uint8_t*, int64_t,
                                                        std::make_unsigned_t<T>,
                                                        std::make_unsigned_t<T>, T*);

template <typename T, int... W>
constexpr std::array<DecodeDeltaGroupsFn<T>, sizeof...(W)> MakeDecodeDeltaTable(
    std::integer_sequence<int, W...>) {
  return {&DecodeDeltaGroups<T, W>...};
}

template <typename T>
DecodeDeltaGroupsFn<T> DecodeDeltaGroupsFor(int width) {
  static constexpr auto kTable =
      MakeDecodeDeltaTable<T>(std::make_integer_sequence<int, 8 * sizeof(T) + 1>());
  return kTable[static_cast<size_t>(width)];
}

}  // namespace

// ---------------------------------------------------------------- DELTA_BINARY_PACKED decoder

template <typename T>
Status DeltaBinaryPackedDecoder<T>::Init(const uint8_t* data, size_t size) {
  begin_ = pos_ = data;
  end_ = data + size;
  uint64_t block_size = 0, miniblocks = 0, total = 0, first = 0;
  const char* field = nullptr;
  if (!ReadUleb128(&pos_, end_, &block_size)) {
    field = "block size";
  } else if (!ReadUleb128(&pos_, end_, &miniblocks)) {
    field = "miniblock count";
  } else if (!ReadUleb128(&pos_, end_, &total)) {
    field = "value count";
  } else if (!ReadUleb128(&pos_, end_, &first)) {
    field = "first value";
  }
  if (field != nullptr) {
    return Status::Corrupt(
        fmt::format("DELTA_BINARY_PACKED header: truncated or overlong {} at byte {} of {}", field,
                    pos_ - begin_, size));
  }
  if (block_size == 0 || block_size % 128 != 0 || block_size > kMaxBlockSize) {
    return Status::Corrupt(fmt::format(
        "DELTA_BINARY_PACKED header: block size {} is not a multiple of 128 in 128..2^31",
        block_size));
  }
  if (miniblocks == 0 || block_size % miniblocks != 0 || (block_size / miniblocks) % 32 != 0) {
    return Status::Corrupt(fmt::format(
        "DELTA_BINARY_PACKED header: {} miniblocks do not split a block of {} values into "
        "multiples of 32",
        miniblocks, block_size));
  }
  if (total > kMaxValueCount) {
    return Status::Corrupt(
        fmt::format("DELTA_BINARY_PACKED header: value count {} exceeds 2^31 - 1", total));
  }
  values_per_miniblock_ = block_size / miniblocks;
  miniblocks_per_block_ = miniblocks;
  total_values_ = values_left_ = static_cast<int64_t>(total);
  first_pending_ = total > 0;
  last_value_ = static_cast<U>(ZigZagDecode(first));
  min_delta_ = 0;
  bit_widths_ = nullptr;
  miniblock_index_ = miniblocks;  // the first miniblock starts a block
  width_ = 0;
  miniblock_pos_ = nullptr;
  miniblock_left_ = 0;
  buffer_pos_ = buffer_len_ = 0;
  return Status::OK();
}

template <typename T>
Status DeltaBinaryPackedDecoder<T>::NotEnough(int64_t wanted) const {
  return Status::Corrupt(fmt::format(
      "DELTA_BINARY_PACKED: {} values requested, the stream holds {} more", wanted, values_left_));
}

template <typename T>
Status DeltaBinaryPackedDecoder<T>::StartBlock() {
  const size_t offset = static_cast<size_t>(pos_ - begin_);
  uint64_t zigzag;
  if (!ReadUleb128(&pos_, end_, &zigzag)) {
    return Status::Corrupt(fmt::format(
        "DELTA_BINARY_PACKED: truncated or overlong min delta of the block at byte {} of {}",
        offset, end_ - begin_));
  }
  if (static_cast<uint64_t>(end_ - pos_) < miniblocks_per_block_) {
    return Status::Corrupt(
        fmt::format("DELTA_BINARY_PACKED: block at byte {} needs {} bit-width bytes, {} left",
                    offset, miniblocks_per_block_, end_ - pos_));
  }
  min_delta_ = static_cast<U>(ZigZagDecode(zigzag));
  bit_widths_ = pos_;
  pos_ += miniblocks_per_block_;
  miniblock_index_ = 0;
  return Status::OK();
}

template <typename T>
Status DeltaBinaryPackedDecoder<T>::StartMiniblock() {
  if (miniblock_index_ >= miniblocks_per_block_) LW_RETURN_IF_ERROR(StartBlock());
  const int width = bit_widths_[miniblock_index_];
  if (width > static_cast<int>(8 * sizeof(T))) {
    return Status::Corrupt(fmt::format(
        "DELTA_BINARY_PACKED: miniblock {} of the block ending its widths at byte {} has bit "
        "width {} (max {})",
        miniblock_index_, bit_widths_ + miniblocks_per_block_ - begin_, width, 8 * sizeof(T)));
  }
  const uint64_t bytes = values_per_miniblock_ / 8 * static_cast<uint64_t>(width);
  if (bytes > static_cast<uint64_t>(end_ - pos_)) {
    return Status::Corrupt(fmt::format(
        "DELTA_BINARY_PACKED: miniblock at byte {} needs {} bytes ({} values of {} bits), {} "
        "left",
        pos_ - begin_, bytes, values_per_miniblock_, width, end_ - pos_));
  }
  miniblock_pos_ = pos_;
  pos_ += bytes;
  width_ = width;
  miniblock_left_ = values_per_miniblock_;
  ++miniblock_index_;
  return Status::OK();
}

template <typename T>
Status DeltaBinaryPackedDecoder<T>::GetBatch(T* out, int64_t n) {
  if (n > values_left_) return NotEnough(n);
  if (n <= 0) return Status::OK();
  // Values still to come from the stream (not yet decoded into buffered_).
  int64_t stream_left = values_left_ - (buffer_len_ - buffer_pos_);
  int64_t done = 0;
  if (first_pending_) {
    out[0] = static_cast<T>(last_value_);
    first_pending_ = false;
    done = 1;
    --stream_left;
  }
  while (done < n) {
    const int64_t want = n - done;
    if (buffer_pos_ < buffer_len_) {
      const int k = static_cast<int>(std::min<int64_t>(want, buffer_len_ - buffer_pos_));
      std::memcpy(out + done, buffered_ + buffer_pos_, static_cast<size_t>(k) * sizeof(T));
      buffer_pos_ += k;
      done += k;
    } else if (miniblock_left_ == 0) {
      LW_RETURN_IF_ERROR(StartMiniblock());
    } else if (want >= 32 && miniblock_left_ >= 32) {
      const int64_t groups =
          static_cast<int64_t>(std::min<uint64_t>(static_cast<uint64_t>(want), miniblock_left_)) /
          32;
      last_value_ = DecodeDeltaGroupsFor<T>(width_)(miniblock_pos_, groups, min_delta_, last_value_,
                                                    out + done);
      miniblock_pos_ += groups * 4 * width_;
      miniblock_left_ -= static_cast<uint64_t>(groups) * 32;
      done += groups * 32;
      stream_left -= groups * 32;
    } else {
      // Fewer than 32 wanted: decode one group; its tail past the stream's
      // last value is padding and is never returned.
      last_value_ =
          DecodeDeltaGroupsFor<T>(width_)(miniblock_pos_, 1, min_delta_, last_value_, buffered_);
      miniblock_pos_ += 4 * width_;
      miniblock_left_ -= 32;
      buffer_pos_ = 0;
      buffer_len_ = static_cast<int>(std::min<int64_t>(stream_left, 32));
      stream_left -= buffer_len_;
    }
  }
  values_left_ -= n;
  return Status::OK();
}

template <typename T>
Status DeltaBinaryPackedDecoder<T>::SkipAll() {
  T scratch[256];
  while (values_left_ > 0) {
    LW_RETURN_IF_ERROR(GetBatch(scratch, std::min<int64_t>(values_left_, 256)));
  }
  return Status::OK();
}

template class DeltaBinaryPackedDecoder<int32_t>;
template class DeltaBinaryPackedDecoder<int64_t>;

// ---------------------------------------------------------------- DELTA_BINARY_PACKED encoder

template <typename T>
DeltaBinaryPackedEncoder<T>::DeltaBinaryPackedEncoder(uint32_t block_size, uint32_t miniblocks)
    : block_size_(block_size),
      miniblocks_(miniblocks),
      values_per_miniblock_(miniblocks == 0 ? 0 : block_size / miniblocks),
      deltas_(new U[block_size]) {
  assert(block_size > 0 && block_size % 128 == 0);
  assert(miniblocks > 0 && block_size % miniblocks == 0);
  assert(values_per_miniblock_ % 32 == 0);
}

template <typename T>
void DeltaBinaryPackedEncoder<T>::Put(T value) {
  const U u = static_cast<U>(value);
  if (total_values_ == 0) {
    first_value_ = u;
  } else {
    deltas_[num_deltas_++] = u - last_value_;
    if (num_deltas_ == block_size_) FlushBlock();
  }
  last_value_ = u;
  ++total_values_;
}

template <typename T>
void DeltaBinaryPackedEncoder<T>::PutBatch(const T* values, int64_t n) {
  int64_t i = 0;
  if (n > 0 && total_values_ == 0) Put(values[i++]);
  while (i < n) {
    const int64_t k = std::min<int64_t>(n - i, block_size_ - num_deltas_);
    U* d = deltas_.get() + num_deltas_;
    U last = last_value_;
    for (int64_t j = 0; j < k; ++j) {
      const U u = static_cast<U>(values[i + j]);
      d[j] = u - last;
      last = u;
    }
    last_value_ = last;
    num_deltas_ += static_cast<uint32_t>(k);
    total_values_ += k;
    i += k;
    if (num_deltas_ == block_size_) FlushBlock();
  }
}

template <typename T>
void DeltaBinaryPackedEncoder<T>::FlushBlock() {
  if (num_deltas_ == 0) return;
  U* d = deltas_.get();
  T min_delta = static_cast<T>(d[0]);
  for (uint32_t i = 1; i < num_deltas_; ++i) min_delta = std::min(min_delta, static_cast<T>(d[i]));
  const U umin = static_cast<U>(min_delta);
  const uint32_t used = (num_deltas_ + values_per_miniblock_ - 1) / values_per_miniblock_;
  std::fill(d + num_deltas_, d + used * values_per_miniblock_, umin);  // pads to relative 0

  const size_t start = blocks_.size();
  // Reserve the worst case (every delta at full width), write, then trim.
  blocks_.Resize(start + kMaxUleb128Bytes + miniblocks_ +
                 static_cast<size_t>(used) * values_per_miniblock_ * sizeof(T));
  uint8_t* dst = blocks_.data() + start;
  size_t o = static_cast<size_t>(WriteUleb128(ZigZagEncode(static_cast<int64_t>(min_delta)), dst));
  uint8_t* width_bytes = dst + o;
  std::memset(width_bytes, 0, miniblocks_);
  o += miniblocks_;
  for (uint32_t m = 0; m < used; ++m) {
    U* mini = d + static_cast<size_t>(m) * values_per_miniblock_;
    U bits = 0;
    for (uint32_t i = 0; i < values_per_miniblock_; ++i) {
      mini[i] -= umin;
      bits |= mini[i];
    }
    const int width = BitWidthOf(bits);
    width_bytes[m] = static_cast<uint8_t>(width);
    PackGroupsFor<U>(width)(mini, values_per_miniblock_ / 32, dst + o);
    o += static_cast<size_t>(values_per_miniblock_) / 8 * static_cast<size_t>(width);
  }
  blocks_.Resize(start + o);
  num_deltas_ = 0;
}

template <typename T>
size_t DeltaBinaryPackedEncoder<T>::EstimatedSize() const {
  return 4 * kMaxUleb128Bytes + blocks_.size() +
         (num_deltas_ == 0
              ? 0
              : kMaxUleb128Bytes + miniblocks_ + static_cast<size_t>(block_size_) * sizeof(T));
}

template <typename T>
void DeltaBinaryPackedEncoder<T>::Flush(Buffer* out) {
  FlushBlock();
  uint8_t header[4 * kMaxUleb128Bytes];
  int n = WriteUleb128(block_size_, header);
  n += WriteUleb128(miniblocks_, header + n);
  n += WriteUleb128(static_cast<uint64_t>(total_values_), header + n);
  n += WriteUleb128(ZigZagEncode(static_cast<int64_t>(static_cast<T>(first_value_))), header + n);
  out->Append(header, static_cast<size_t>(n));
  out->Append(blocks_.data(), blocks_.size());
  blocks_.Clear();
  num_deltas_ = 0;
  total_values_ = 0;
  first_value_ = last_value_ = 0;
}

template class DeltaBinaryPackedEncoder<int32_t>;
template class DeltaBinaryPackedEncoder<int64_t>;

// ---------------------------------------------------------------- byte arrays

namespace {

// Decodes a DELTA_BINARY_PACKED int32 stream that must hold exactly n values
// into scratch. Returns the stream's length in bytes.
Result<size_t> DecodeLengthStream(const uint8_t* data, size_t size, int64_t n,
                                  std::string_view what, Buffer* scratch) {
  DeltaBinaryPackedDecoder<int32_t> decoder;
  LW_RETURN_IF_ERROR(decoder.Init(data, size).WithContext(what));
  if (decoder.total_values() != n) {
    return Status::Corrupt(fmt::format("{}: stream holds {} values, the page has {}", what,
                                       decoder.total_values(), n));
  }
  scratch->Resize(static_cast<size_t>(n) * sizeof(int32_t));
  LW_RETURN_IF_ERROR(decoder.GetBatch(scratch->data_as<int32_t>(), n).WithContext(what));
  return decoder.bytes_consumed();
}

// Makes room for n more int64 end offsets and returns where they go.
int64_t* AppendOffsets(Buffer* offsets, int64_t n) {
  const size_t start = offsets->size();
  assert(start % sizeof(int64_t) == 0);
  offsets->Resize(start + static_cast<size_t>(n) * sizeof(int64_t));
  return offsets->data_as<int64_t>() + start / sizeof(int64_t);
}

// Appends src[0, n) to *out. Short values are copied as a fixed 32 bytes
// when `src_limit` shows they are readable, avoiding a libc call per value.
inline void AppendBytes(const uint8_t* src, size_t n, const uint8_t* src_limit, Buffer* out) {
  const size_t size = out->size();
  out->Reserve(size + n + kCopySlack);
  uint8_t* dst = out->data() + size;
  if (n <= kCopySlack && static_cast<size_t>(src_limit - src) >= kCopySlack) {
    std::memcpy(dst, src, kCopySlack);
  } else {
    std::memcpy(dst, src, n);
  }
  out->Resize(size + n);
}

size_t CommonPrefixLength(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  const auto* pa = reinterpret_cast<const uint8_t*>(a.data());
  const auto* pb = reinterpret_cast<const uint8_t*>(b.data());
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const uint64_t diff = LoadLE64(pa + i) ^ LoadLE64(pb + i);
    if (diff != 0) return i + static_cast<size_t>(std::countr_zero(diff)) / 8;
  }
  while (i < n && pa[i] == pb[i]) ++i;
  return i;
}

}  // namespace

Result<size_t> DeltaLengthByteArrayDecoder::Decode(const uint8_t* data, size_t size,
                                                   int64_t num_values, Buffer* chars,
                                                   Buffer* offsets) {
  if (num_values < 0) return Status::InvalidArgument("DELTA_LENGTH_BYTE_ARRAY: negative count");
  LW_ASSIGN_OR_RETURN(
      const size_t header_bytes,
      DecodeLengthStream(data, size, num_values, "DELTA_LENGTH_BYTE_ARRAY lengths", &lengths_));
  const int32_t* lengths = lengths_.data_as<int32_t>();
  const size_t avail = size - header_bytes;
  // Validation in a branch-free pass; the slow search below only names the
  // culprit.
  int64_t total = 0;
  int32_t any = 0;
  for (int64_t i = 0; i < num_values; ++i) {
    total += lengths[i];
    any |= lengths[i];
  }
  if (any < 0 || total > static_cast<int64_t>(avail)) {
    int64_t end = 0;
    for (int64_t i = 0; i < num_values; ++i) {
      if (lengths[i] < 0) {
        return Status::Corrupt(
            fmt::format("DELTA_LENGTH_BYTE_ARRAY: value {} has negative length {}", i, lengths[i]));
      }
      end += lengths[i];
      if (end > static_cast<int64_t>(avail)) {
        return Status::Corrupt(fmt::format(
            "DELTA_LENGTH_BYTE_ARRAY: value {} ({} bytes) ends at byte {}, past the end of the "
            "{}-byte page",
            i, lengths[i], static_cast<int64_t>(header_bytes) + end, size));
      }
    }
  }
  int64_t pos = static_cast<int64_t>(chars->size());
  chars->Append(data + header_bytes, static_cast<size_t>(total));
  int64_t* ends = AppendOffsets(offsets, num_values);
  for (int64_t i = 0; i < num_values; ++i) {
    pos += lengths[i];
    ends[i] = pos;
  }
  return header_bytes + static_cast<size_t>(total);
}

Result<size_t> DeltaByteArrayDecoder::Decode(const uint8_t* data, size_t size, int64_t num_values,
                                             Buffer* chars, Buffer* offsets) {
  if (num_values < 0) return Status::InvalidArgument("DELTA_BYTE_ARRAY: negative count");
  LW_ASSIGN_OR_RETURN(const size_t prefix_bytes,
                      DecodeLengthStream(data, size, num_values, "DELTA_BYTE_ARRAY prefix lengths",
                                         &prefix_lengths_));
  LW_ASSIGN_OR_RETURN(const size_t suffix_bytes,
                      DecodeLengthStream(data + prefix_bytes, size - prefix_bytes, num_values,
                                         "DELTA_BYTE_ARRAY suffix lengths", &suffix_lengths_));
  const int32_t* prefixes = prefix_lengths_.data_as<int32_t>();
  const int32_t* suffixes = suffix_lengths_.data_as<int32_t>();
  const size_t header_bytes = prefix_bytes + suffix_bytes;
  const int64_t avail = static_cast<int64_t>(size - header_bytes);

  int64_t previous = 0;  // length of the previous value
  int64_t suffix_total = 0;
  int64_t out_total = 0;
  for (int64_t i = 0; i < num_values; ++i) {
    const int32_t p = prefixes[i];
    const int32_t s = suffixes[i];
    if (p < 0 || p > previous) {
      return Status::Corrupt(fmt::format(
          "DELTA_BYTE_ARRAY: value {} has prefix length {}, the previous value has {} bytes", i, p,
          previous));
    }
    if (s < 0) {
      return Status::Corrupt(
          fmt::format("DELTA_BYTE_ARRAY: value {} has negative suffix length {}", i, s));
    }
    suffix_total += s;
    if (suffix_total > avail) {
      return Status::Corrupt(fmt::format(
          "DELTA_BYTE_ARRAY: suffix of value {} ({} bytes) ends at byte {}, past the end of "
          "the {}-byte page",
          i, s, static_cast<int64_t>(header_bytes) + suffix_total, size));
    }
    previous = int64_t{p} + s;
    out_total += previous;
    if (out_total > kMaxByteArrayOutput) {
      return Status::ResourceExhausted(fmt::format(
          "DELTA_BYTE_ARRAY: page expands past 2^31 - 1 bytes of values at value {}", i));
    }
  }

  const size_t base = chars->size();
  chars->Reserve(base + static_cast<size_t>(out_total) + kCopySlack);
  chars->Resize(base + static_cast<size_t>(out_total));
  uint8_t* out = chars->data();
  int64_t* ends = AppendOffsets(offsets, num_values);
  const uint8_t* src = data + header_bytes;
  const uint8_t* const src_end = data + size;
  int64_t prev_start = static_cast<int64_t>(base);
  int64_t pos = prev_start;
  for (int64_t i = 0; i < num_values; ++i) {
    const int64_t p = prefixes[i];
    const int64_t s = suffixes[i];
    // Disjoint: p <= the previous value's length. (A fixed-size copy does
    // not pay here: it reads bytes just written and stalls store forwarding.)
    std::memcpy(out + pos, out + prev_start, static_cast<size_t>(p));
    if (s <= static_cast<int64_t>(kCopySlack) &&
        src_end - src >= static_cast<int64_t>(kCopySlack)) {
      // Short suffix: a fixed-size copy; extra bytes land in the slack or
      // are overwritten by the next value.
      std::memcpy(out + pos + p, src, kCopySlack);
    } else {
      std::memcpy(out + pos + p, src, static_cast<size_t>(s));
    }
    src += s;
    prev_start = pos;
    pos += p + s;
    ends[i] = pos;
  }
  return header_bytes + static_cast<size_t>(suffix_total);
}

void DeltaLengthByteArrayEncoder::Put(std::string_view value) {
  assert(value.size() <= static_cast<size_t>(INT32_MAX));
  lengths_.Put(static_cast<int32_t>(value.size()));
  chars_.Append(value);
}

void DeltaLengthByteArrayEncoder::PutBatch(const uint8_t* chars, const int64_t* ends, int64_t begin,
                                           int64_t n) {
  if (n <= 0) return;
  int64_t start = begin;
  for (int64_t i = 0; i < n; ++i) {
    assert(ends[i] >= start && ends[i] - start <= INT32_MAX);
    lengths_.Put(static_cast<int32_t>(ends[i] - start));
    start = ends[i];
  }
  chars_.Append(chars + begin, static_cast<size_t>(ends[n - 1] - begin));
}

void DeltaLengthByteArrayEncoder::Flush(Buffer* out) {
  lengths_.Flush(out);
  out->Append(chars_.data(), chars_.size());
  chars_.Clear();
}

void DeltaByteArrayEncoder::Put(std::string_view value) {
  assert(value.size() <= static_cast<size_t>(INT32_MAX));
  const size_t prefix = CommonPrefixLength(value, last_value_.view());
  prefix_lengths_.Put(static_cast<int32_t>(prefix));
  suffix_lengths_.Put(static_cast<int32_t>(value.size() - prefix));
  suffix_chars_.Append(value.substr(prefix));
  last_value_.Clear();
  last_value_.Append(value);
}

void DeltaByteArrayEncoder::PutBatch(const uint8_t* chars, const int64_t* ends, int64_t begin,
                                     int64_t n) {
  if (n <= 0) return;
  const uint8_t* const limit = chars + ends[n - 1];
  auto slice = [chars](int64_t from, int64_t to) {
    return std::string_view(reinterpret_cast<const char*>(chars) + from,
                            static_cast<size_t>(to - from));
  };
  std::string_view previous = last_value_.view();
  int64_t start = begin;
  for (int64_t i = 0; i < n; ++i) {
    const std::string_view value = slice(start, ends[i]);
    assert(value.size() <= static_cast<size_t>(INT32_MAX));
    const size_t prefix = CommonPrefixLength(value, previous);
    prefix_lengths_.Put(static_cast<int32_t>(prefix));
    suffix_lengths_.Put(static_cast<int32_t>(value.size() - prefix));
    AppendBytes(chars + start + prefix, value.size() - prefix, limit, &suffix_chars_);
    previous = value;
    start = ends[i];
  }
  last_value_.Clear();
  last_value_.Append(previous);
}

void DeltaByteArrayEncoder::Flush(Buffer* out) {
  prefix_lengths_.Flush(out);
  suffix_lengths_.Flush(out);
  out->Append(suffix_chars_.data(), suffix_chars_.size());
  suffix_chars_.Clear();
  last_value_.Clear();
}

}  // namespace lakewatch::parquet
