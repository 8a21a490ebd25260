// The delta encodings: DELTA_BINARY_PACKED (= 5) for INT32/INT64,
// DELTA_LENGTH_BYTE_ARRAY (= 6) and DELTA_BYTE_ARRAY (= 7) for byte arrays.
//
// Byte-array decoders append to the column layout shared by all our
// byte-array decoders: for each value, its bytes are appended to *chars and
// the int64 end offset (chars->size() after the append) to *offsets.
// Byte-array encoders take values either one at a time or in that layout:
// value i is chars[begin_i, ends[i]) with begin_0 = `begin`, begin_i = ends[i-1].
//
// Every length read from a stream is validated; a bad one yields
// Status::Corrupt saying which value and which byte offset.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <type_traits>

#include "common/buffer.h"
#include "common/status.h"

namespace lakewatch::parquet {

// Streams a DELTA_BINARY_PACKED sequence of int32_t or int64_t values.
//
// Ownership: borrows the bytes passed to Init; they must outlive the decoder.
// Thread-safety: none. Reusable: Init again for the next page.
//
// Arithmetic wraps in two's complement (all of it is done unsigned), as the
// format requires. Miniblock bit widths above 8 * sizeof(T) are Corrupt.
template <typename T>
class DeltaBinaryPackedDecoder {
  static_assert(std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t>);

 public:
  DeltaBinaryPackedDecoder() = default;

  // Reads the header of the stream that starts at data[0] and ends no later
  // than data[size]. Fails with Corrupt on a truncated header, a block size
  // that is not a multiple of 128 (up to 2^31), miniblocks that are not a
  // multiple of 32 values, or a value count above 2^31 - 1.
  Status Init(const uint8_t* data, size_t size);

  // The value count the header declares.
  int64_t total_values() const { return total_values_; }
  int64_t values_left() const { return values_left_; }

  // Decodes the next n values into out[0, n).
  // Fails with Corrupt when n > values_left() or the data is truncated.
  Status GetBatch(T* out, int64_t n);

  // Decodes the remaining values without returning them.
  Status SkipAll();

  // Bytes of the stream read so far. Once values_left() == 0 this is the
  // stream's full length: where a following stream (DELTA_BYTE_ARRAY,
  // DELTA_LENGTH_BYTE_ARRAY) begins.
  size_t bytes_consumed() const { return static_cast<size_t>(pos_ - begin_); }

 private:
  using U = std::make_unsigned_t<T>;

  Status StartBlock();
  Status StartMiniblock();
  Status NotEnough(int64_t wanted) const;

  const uint8_t* begin_ = nullptr;
  const uint8_t* pos_ = nullptr;  // after the last block header or miniblock entered
  const uint8_t* end_ = nullptr;

  uint64_t values_per_miniblock_ = 0;
  uint64_t miniblocks_per_block_ = 0;
  int64_t total_values_ = 0;
  int64_t values_left_ = 0;  // not yet returned
  bool first_pending_ = false;
  U last_value_ = 0;

  // Current block and miniblock.
  U min_delta_ = 0;
  const uint8_t* bit_widths_ = nullptr;  // miniblocks_per_block_ bytes
  uint64_t miniblock_index_ = 0;         // next miniblock of the block
  int width_ = 0;
  const uint8_t* miniblock_pos_ = nullptr;  // next unread group of 32
  uint64_t miniblock_left_ = 0;             // values (incl. padding) unread in the miniblock

  T buffered_[32] = {};  // decoded values of a group not yet returned
  int buffer_pos_ = 0;
  int buffer_len_ = 0;
};

// Encodes int32_t or int64_t values as DELTA_BINARY_PACKED.
//
// Ownership: owns its block buffers; Flush appends to a caller's Buffer.
// Thread-safety: none.
template <typename T>
class DeltaBinaryPackedEncoder {
  static_assert(std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t>);

 public:
  static constexpr uint32_t kDefaultBlockSize = 128;
  static constexpr uint32_t kDefaultMiniblocks = 4;

  // REQUIRES: block_size is a positive multiple of 128, miniblocks divides
  // it, and block_size / miniblocks is a multiple of 32.
  explicit DeltaBinaryPackedEncoder(uint32_t block_size = kDefaultBlockSize,
                                    uint32_t miniblocks = kDefaultMiniblocks);

  void Put(T value);
  void PutBatch(const T* values, int64_t n);

  int64_t num_values() const { return total_values_; }
  // Bytes the stream would take if flushed now (an upper bound).
  size_t EstimatedSize() const;

  // Appends the header and all blocks to *out and resets for a new stream.
  void Flush(Buffer* out);

 private:
  using U = std::make_unsigned_t<T>;
  void FlushBlock();

  uint32_t block_size_;
  uint32_t miniblocks_;
  uint32_t values_per_miniblock_;
  std::unique_ptr<U[]> deltas_;  // block_size_ deltas of the open block
  uint32_t num_deltas_ = 0;
  int64_t total_values_ = 0;
  U first_value_ = 0;
  U last_value_ = 0;
  Buffer blocks_;  // finished blocks
};

// DELTA_LENGTH_BYTE_ARRAY: a DELTA_BINARY_PACKED int32 stream of lengths, then
// all value bytes back to back.
//
// Thread-safety: none. Keeps scratch space between calls, so reuse one
// decoder per column.
class DeltaLengthByteArrayDecoder {
 public:
  // Decodes a stream at data[0, size) that holds exactly num_values values.
  // Returns the bytes consumed.
  Result<size_t> Decode(const uint8_t* data, size_t size, int64_t num_values, Buffer* chars,
                        Buffer* offsets);

 private:
  Buffer lengths_;  // int32 scratch
};

// DELTA_BYTE_ARRAY: DELTA_BINARY_PACKED prefix lengths, then the suffixes as
// DELTA_LENGTH_BYTE_ARRAY; value i = prefix_i bytes of value i-1 + suffix_i.
// A page that would expand to more than 2^31 - 1 bytes of values fails with
// ResourceExhausted (prefixes let a small page claim a huge output).
//
// Thread-safety: none. Keeps scratch space between calls.
class DeltaByteArrayDecoder {
 public:
  // Decodes a stream at data[0, size) that holds exactly num_values values.
  // Returns the bytes consumed.
  Result<size_t> Decode(const uint8_t* data, size_t size, int64_t num_values, Buffer* chars,
                        Buffer* offsets);

 private:
  Buffer prefix_lengths_;  // int32 scratch
  Buffer suffix_lengths_;  // int32 scratch
};

// Thread-safety: none.
class DeltaLengthByteArrayEncoder {
 public:
  // REQUIRES: value.size() <= INT32_MAX.
  void Put(std::string_view value);
  void PutBatch(const uint8_t* chars, const int64_t* ends, int64_t begin, int64_t n);

  int64_t num_values() const { return lengths_.num_values(); }
  size_t EstimatedSize() const { return lengths_.EstimatedSize() + chars_.size(); }
  // Appends the stream to *out and resets.
  void Flush(Buffer* out);

 private:
  DeltaBinaryPackedEncoder<int32_t> lengths_;
  Buffer chars_;
};

// Thread-safety: none.
class DeltaByteArrayEncoder {
 public:
  // REQUIRES: value.size() <= INT32_MAX.
  void Put(std::string_view value);
  void PutBatch(const uint8_t* chars, const int64_t* ends, int64_t begin, int64_t n);

  int64_t num_values() const { return prefix_lengths_.num_values(); }
  size_t EstimatedSize() const {
    return prefix_lengths_.EstimatedSize() + suffix_lengths_.EstimatedSize() + suffix_chars_.size();
  }
  // Appends the stream to *out and resets.
  void Flush(Buffer* out);

 private:
  DeltaBinaryPackedEncoder<int32_t> prefix_lengths_;
  DeltaBinaryPackedEncoder<int32_t> suffix_lengths_;
  Buffer suffix_chars_;
  Buffer last_value_;
};

}  // namespace lakewatch::parquet
