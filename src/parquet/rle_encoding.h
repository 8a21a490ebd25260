// The RLE/bit-packing hybrid (Parquet encoding RLE = 3) and the deprecated
// BIT_PACKED level encoding (= 4).
//
// The hybrid carries repetition and definition levels (int16), dictionary
// indices (uint32) and RLE booleans (uint8). A stream is a sequence of runs:
//   rle run:        ULEB128(count << 1)        value in ceil(bit_width / 8) bytes LE
//   bit-packed run: ULEB128(groups << 1 | 1)   groups * 8 values, bit_width bits each,
//                                              LSB-first (groups * bit_width bytes)
// The stream does not know its value count; the page header does.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/buffer.h"
#include "common/status.h"

namespace lakewatch::parquet {

// Decodes a hybrid stream held in data[0, size).
//
// Ownership: borrows `data`; the bytes must outlive the decoder.
// Thread-safety: none; one decoder per stream and thread. Cheap to construct.
//
// A bit-packed run whose header claims more groups than the remaining bytes
// hold is legal as long as the values actually read fit in those bytes (the
// missing part of a final group is padding). Reading past the values the
// data holds, a bit width above 32, or an RLE value wider than the bit width
// yields Status::Corrupt naming the byte offset.
class RleBitPackedDecoder {
 public:
  RleBitPackedDecoder() : RleBitPackedDecoder(nullptr, 0, 0) {}
  RleBitPackedDecoder(const uint8_t* data, size_t size, int bit_width);

  // Decodes the next n values into out[0, n).
  // T is one of uint8_t (booleans), int16_t (levels), uint16_t, int32_t,
  // uint32_t (dictionary indices). REQUIRES: n >= 0.
  // Fails with InvalidArgument when bit_width does not fit T.
  template <typename T>
  Status GetBatch(T* out, int64_t n);

  // Skips the next n values; fails like GetBatch when they are not there.
  Status Skip(int64_t n);

  // On a fresh decoder: true when the stream starts with an RLE run of at
  // least n values, whose value it sets. Reads the first run header (as
  // GetBatch would); false for anything else, a malformed header included.
  // A fast path for level streams that hold one value throughout (a column
  // without nulls): filled by the caller instead of decoded.
  bool FirstRunCovers(int64_t n, uint32_t* value);

  int bit_width() const { return bit_width_; }
  // Bytes of run headers and run bodies entered so far (a run is counted
  // whole once its header has been read).
  size_t bytes_consumed() const { return static_cast<size_t>(pos_ - begin_); }

 private:
  // Reads the next run header; fails at the end of data or on a bad header.
  Status NextRun();
  // Refills buffered_ from the current bit-packed run (at most 32 values).
  void FillBuffer();
  Status RanOut(int64_t wanted) const;

  const uint8_t* begin_;
  const uint8_t* pos_;  // next run header
  const uint8_t* end_;
  int bit_width_;

  // Current run: either rle_left_ > 0 or packed_left_ > 0 (or neither: none).
  int64_t rle_left_ = 0;
  uint32_t rle_value_ = 0;
  int64_t packed_left_ = 0;              // values of the run that the data holds, not yet read
  const uint8_t* packed_pos_ = nullptr;  // next unread group of the run
  size_t packed_header_offset_ = 0;      // for error messages
  int64_t packed_claimed_ = 0;           // values the header claimed (> held when truncated)
  bool packed_truncated_ = false;

  // Values unpacked from the current bit-packed run but not yet returned.
  uint32_t buffered_[32] = {};
  int buffer_pos_ = 0;
  int buffer_len_ = 0;
};

// Returns a decoder for RLE_DICTIONARY / PLAIN_DICTIONARY data-page values:
// one byte of bit width (at most 32), then hybrid runs with no length prefix.
Result<RleBitPackedDecoder> MakeDictionaryIndexDecoder(const uint8_t* data, size_t size);

// Encodes values into a hybrid stream.
//
// Values that repeat at least 8 times in a row become RLE runs; everything
// else is bit-packed in groups of 8 (the last group padded with zeros, which
// readers ignore because they know the value count).
//
// Ownership: owns its scratch state; Flush appends to a caller's Buffer.
// Thread-safety: none.
class RleBitPackedEncoder {
 public:
  // REQUIRES: 0 <= bit_width <= 32.
  explicit RleBitPackedEncoder(int bit_width);

  // REQUIRES: every value fits in bit_width bits.
  void Put(uint32_t value);
  // T is one of uint8_t, int16_t, uint16_t, int32_t, uint32_t; signed values
  // are taken as their unsigned bit pattern.
  template <typename T>
  void PutBatch(const T* values, int64_t n);
  // Put(value), `count` times. REQUIRES: count >= 0.
  void PutRun(uint32_t value, int64_t count);

  // Ends the stream, appends it to *out and resets the encoder for a new
  // stream with the same bit width. An empty stream appends nothing.
  void Flush(Buffer* out);

  int bit_width() const { return bit_width_; }
  // Bytes the stream would take if flushed now (an upper bound).
  size_t EstimatedSize() const;

 private:
  static constexpr int kMaxLiterals = 63 * 8;  // one bit-packed run; its header fits a byte
  static constexpr int64_t kMaxRunLength = (int64_t{1} << 31) - 1;

  void EndRun();
  void AddLiterals(uint32_t value, int64_t count);
  void FlushLiterals();
  void WriteRleRun(uint32_t value, int64_t count);

  int bit_width_;
  int value_bytes_;  // bytes of an RLE run's value
  Buffer out_;       // finished runs
  uint32_t run_value_ = 0;
  int64_t run_length_ = 0;  // trailing repeats of run_value_, not yet in out_ or literals_
  uint32_t literals_[kMaxLiterals];
  int num_literals_ = 0;
};

// ---- v1 data-page levels and booleans: a 4-byte LE length, then the hybrid

// The hybrid stream of the length-prefixed stream at data[0, size): the
// bytes after the 4-byte length (so 4 + its size are consumed). Fails when
// the length is missing or exceeds the data.
struct LengthPrefixedBody {
  const uint8_t* data;
  size_t size;
};
Result<LengthPrefixedBody> FindLengthPrefixedBody(const uint8_t* data, size_t size);

// Decodes num_values values from a length-prefixed hybrid stream at
// data[0, size) into out. Returns the bytes consumed (4 + the length).
// T as for RleBitPackedDecoder::GetBatch.
template <typename T>
Result<size_t> DecodeLengthPrefixedRle(const uint8_t* data, size_t size, int bit_width,
                                       int64_t num_values, T* out);

// Appends a length-prefixed hybrid stream of values[0, n) to *out.
// REQUIRES: 0 <= bit_width <= 32 and every value fits in bit_width bits.
template <typename T>
void EncodeLengthPrefixedRle(const T* values, int64_t n, int bit_width, Buffer* out);
// The same for n copies of `value` (the levels of a page without nulls).
void EncodeLengthPrefixedRun(uint32_t value, int64_t n, int bit_width, Buffer* out);

// ---- BIT_PACKED (deprecated, = 4): levels packed MSB-first, no headers

// Decodes num_values levels of bit_width (0..16) bits from data[0, size).
// Returns the bytes consumed: ceil(num_values * bit_width / 8).
Result<size_t> DecodeBitPackedLevels(const uint8_t* data, size_t size, int bit_width,
                                     int64_t num_values, int16_t* out);

// Appends levels[0, n) in the BIT_PACKED layout (last byte zero-padded).
// REQUIRES: 0 <= bit_width <= 16 and every level fits in bit_width bits.
void EncodeBitPackedLevels(const int16_t* levels, int64_t n, int bit_width, Buffer* out);

}  // namespace lakewatch::parquet
