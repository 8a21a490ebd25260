#include "parquet/rle_encoding.h"

#include <gtest/gtest.h>

#include "common/test_data.h"

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "parquet/bit_util.h"
#include "parquet/plain_encoding_test_pages.h"

namespace lakewatch::parquet {
namespace {

std::vector<uint8_t> Bytes(const Buffer& b) { return {b.data(), b.data() + b.size()}; }

template <typename T>
std::vector<T> DecodeAll(const std::vector<uint8_t>& data, int width, int64_t n,
                         Status* status = nullptr) {
  RleBitPackedDecoder decoder(data.data(), data.size(), width);
  std::vector<T> out(static_cast<size_t>(n));
  Status st = decoder.GetBatch(out.data(), n);
  if (status != nullptr) {
    *status = st;
  } else {
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  return out;
}

template <typename T>
std::vector<uint8_t> Encode(const std::vector<T>& values, int width) {
  RleBitPackedEncoder encoder(width);
  encoder.PutBatch(values.data(), static_cast<int64_t>(values.size()));
  Buffer out;
  encoder.Flush(&out);
  return Bytes(out);
}

uint32_t MaxFor(int width) { return width == 32 ? UINT32_MAX : (uint32_t{1} << width) - 1; }

// Values with a mix of long runs, short runs and noise.
std::vector<uint32_t> MixedValues(std::mt19937_64& rng, int width, size_t n) {
  std::vector<uint32_t> v;
  const uint32_t max = MaxFor(width);
  std::uniform_int_distribution<uint32_t> value(0, max);
  while (v.size() < n) {
    const int kind = static_cast<int>(rng() % 4);
    const size_t len = kind == 0 ? rng() % 300 : kind == 1 ? rng() % 9 : 1 + rng() % 40;
    if (kind == 3) {
      for (size_t i = 0; i < len && v.size() < n; ++i) v.push_back(value(rng));
    } else {
      const uint32_t x = value(rng);
      for (size_t i = 0; i < len && v.size() < n; ++i) v.push_back(x);
    }
  }
  return v;
}

// ---- the spec's examples, byte for byte

TEST(RleEncodingTest, SpecBitPackedExample) {
  // Encodings.md: 0..7 with bit width 3 pack to 10001000 11000110 11111010.
  const std::vector<uint8_t> stream = {0x03, 0x88, 0xC6, 0xFA};  // 1 group of 8
  EXPECT_EQ(DecodeAll<uint32_t>(stream, 3, 8), (std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(Encode(std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7}, 3), stream);
}

TEST(RleEncodingTest, SpecDeprecatedBitPackedExample) {
  // Encodings.md: the same values MSB-first are 00000101 00111001 01110111.
  const std::vector<int16_t> levels = {0, 1, 2, 3, 4, 5, 6, 7};
  Buffer out;
  EncodeBitPackedLevels(levels.data(), 8, 3, &out);
  EXPECT_EQ(Bytes(out), (std::vector<uint8_t>{0x05, 0x39, 0x77}));
  std::vector<int16_t> back(8);
  auto r = DecodeBitPackedLevels(out.data(), out.size(), 3, 8, back.data());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, 3u);
  EXPECT_EQ(back, levels);
}

TEST(RleEncodingTest, RleRunBytes) {
  // 100 x 5 at width 3: header ULEB128(200) = C8 01, value 1 byte.
  EXPECT_EQ(Encode(std::vector<uint32_t>(100, 5), 3), (std::vector<uint8_t>{0xC8, 0x01, 0x05}));
  // Width 9: the value takes 2 bytes, little-endian.
  EXPECT_EQ(Encode(std::vector<uint32_t>(8, 0x1AB), 9), (std::vector<uint8_t>{0x10, 0xAB, 0x01}));
  // Width 0: no value bytes at all.
  EXPECT_EQ(Encode(std::vector<uint32_t>(10, 0), 0), (std::vector<uint8_t>{0x14}));
  // Width 32: 4 value bytes.
  EXPECT_EQ(Encode(std::vector<uint32_t>(9, 0xDEADBEEF), 32),
            (std::vector<uint8_t>{0x12, 0xEF, 0xBE, 0xAD, 0xDE}));
}

// RleBitPackedDecoder::FirstRunCovers on a fresh decoder of data[0, size).
bool LeadingRleRun(const uint8_t* data, size_t size, int bit_width, int64_t n, uint32_t* value) {
  RleBitPackedDecoder decoder(data, size, bit_width);
  return decoder.FirstRunCovers(n, value);
}

TEST(RleEncodingTest, FirstRunCovers) {
  uint32_t v = 99;
  // 100 x 5 at width 3 covers any n up to 100, and no more.
  const std::vector<uint8_t> run = {0xC8, 0x01, 0x05};
  EXPECT_TRUE(LeadingRleRun(run.data(), run.size(), 3, 100, &v));
  EXPECT_EQ(v, 5u);
  EXPECT_TRUE(LeadingRleRun(run.data(), run.size(), 3, 1, &v));
  EXPECT_FALSE(LeadingRleRun(run.data(), run.size(), 3, 101, &v));
  // A 2-byte value at width 9; width 0 has no value bytes.
  const std::vector<uint8_t> wide = {0x10, 0xAB, 0x01};
  EXPECT_TRUE(LeadingRleRun(wide.data(), wide.size(), 9, 8, &v));
  EXPECT_EQ(v, 0x1ABu);
  const std::vector<uint8_t> zero = {0x14};
  EXPECT_TRUE(LeadingRleRun(zero.data(), zero.size(), 0, 10, &v));
  EXPECT_EQ(v, 0u);
  // Not one run: a bit-packed start, a run followed by more values, a value
  // wider than the bit width, a missing value byte, an empty stream.
  const std::vector<uint8_t> packed = {0x03, 0x7F};
  EXPECT_FALSE(LeadingRleRun(packed.data(), packed.size(), 1, 7, &v));
  const std::vector<uint8_t> two_runs = {0x06, 0x01, 0x06, 0x00};  // 3 x 1, 3 x 0
  EXPECT_FALSE(LeadingRleRun(two_runs.data(), two_runs.size(), 1, 6, &v));
  EXPECT_TRUE(LeadingRleRun(two_runs.data(), two_runs.size(), 1, 3, &v));
  const std::vector<uint8_t> too_wide = {0x10, 0x04};
  EXPECT_FALSE(LeadingRleRun(too_wide.data(), too_wide.size(), 2, 8, &v));
  EXPECT_FALSE(LeadingRleRun(run.data(), 2, 3, 100, &v));
  EXPECT_FALSE(LeadingRleRun(run.data(), 0, 3, 0, &v));
  // Agrees with the regular decoder on every stream the encoder writes for
  // constant input.
  for (int width : {1, 2, 8, 9, 16}) {
    const uint32_t value = (1u << width) - 1;
    const std::vector<uint32_t> in(1000, value);
    const std::vector<uint8_t> enc = Encode(in, width);
    ASSERT_TRUE(LeadingRleRun(enc.data(), enc.size(), width, 1000, &v)) << width;
    EXPECT_EQ(v, value);
    EXPECT_EQ(DecodeAll<uint32_t>(enc, width, 1000), in);
  }
}

TEST(RleEncodingTest, EncoderRunChoice) {
  // 7 repeats stay bit-packed (1 group), 8 repeats become an RLE run.
  EXPECT_EQ(Encode(std::vector<uint32_t>(7, 1), 1), (std::vector<uint8_t>{0x03, 0x7F}));
  EXPECT_EQ(Encode(std::vector<uint32_t>(8, 1), 1), (std::vector<uint8_t>{0x10, 0x01}));
  // 2 zeros, then 14 ones: 6 ones complete the literal group, 8 go to RLE.
  std::vector<uint32_t> v = {0, 0};
  v.resize(16, 1);
  // group: 0,0,1,1,1,1,1,1 -> bits LSB-first 11111100 = 0xFC
  EXPECT_EQ(Encode(v, 1), (std::vector<uint8_t>{0x03, 0xFC, 0x10, 0x01}));
}

TEST(RleEncodingTest, HandWrittenMixedStream) {
  // RLE 3 x 7, one bit-packed group of 0..7, RLE 1 x 2 (runs shorter than
  // 8 are legal for other writers).
  const std::vector<uint8_t> stream = {0x06, 0x07, 0x03, 0x88, 0xC6, 0xFA, 0x02, 0x02};
  EXPECT_EQ(DecodeAll<uint32_t>(stream, 3, 12),
            (std::vector<uint32_t>{7, 7, 7, 0, 1, 2, 3, 4, 5, 6, 7, 2}));
  EXPECT_EQ(DecodeAll<int16_t>(stream, 3, 12),
            (std::vector<int16_t>{7, 7, 7, 0, 1, 2, 3, 4, 5, 6, 7, 2}));
  EXPECT_EQ(DecodeAll<uint8_t>(stream, 3, 12),
            (std::vector<uint8_t>{7, 7, 7, 0, 1, 2, 3, 4, 5, 6, 7, 2}));
}

// ---- round trips

TEST(RleEncodingTest, RoundTripAllWidthsUint32) {
  std::mt19937_64 rng(42);
  for (int width = 0; width <= 32; ++width) {
    for (size_t n : {0, 1, 7, 8, 9, 31, 32, 33, 100, 504, 505, 1000, 5000}) {
      const auto values = MixedValues(rng, width, n);
      const auto stream = Encode(values, width);
      EXPECT_EQ(DecodeAll<uint32_t>(stream, width, static_cast<int64_t>(n)), values)
          << "width " << width << " n " << n;
    }
    // Pure noise: the bit-packed fast path.
    std::vector<uint32_t> noise(4096);
    std::uniform_int_distribution<uint32_t> value(0, MaxFor(width));
    for (auto& x : noise) x = value(rng);
    EXPECT_EQ(DecodeAll<uint32_t>(Encode(noise, width), width, 4096), noise) << width;
  }
}

TEST(RleEncodingTest, RoundTripNarrowOutputs) {
  std::mt19937_64 rng(7);
  for (int width = 0; width <= 16; ++width) {
    std::vector<int16_t> levels;
    for (uint32_t v : MixedValues(rng, width, 3000)) levels.push_back(static_cast<int16_t>(v));
    EXPECT_EQ(DecodeAll<int16_t>(Encode(levels, width), width, 3000), levels) << width;
  }
  for (int width = 0; width <= 8; ++width) {
    std::vector<uint8_t> bytes;
    for (uint32_t v : MixedValues(rng, width, 3000)) bytes.push_back(static_cast<uint8_t>(v));
    EXPECT_EQ(DecodeAll<uint8_t>(Encode(bytes, width), width, 3000), bytes) << width;
  }
}

TEST(RleEncodingTest, BatchSizesAndSkip) {
  std::mt19937_64 rng(3);
  for (int width : {1, 3, 8, 13, 20, 32}) {
    const auto values = MixedValues(rng, width, 20000);
    const auto stream = Encode(values, width);
    for (int64_t batch : {1, 5, 31, 32, 33, 64, 1000}) {
      RleBitPackedDecoder decoder(stream.data(), stream.size(), width);
      std::vector<uint32_t> out;
      size_t i = 0;
      bool skip = false;
      while (i < values.size()) {
        const int64_t k = std::min<int64_t>(batch, static_cast<int64_t>(values.size() - i));
        if (skip) {
          ASSERT_TRUE(decoder.Skip(k).ok());
        } else {
          out.resize(static_cast<size_t>(k));
          ASSERT_TRUE(decoder.GetBatch(out.data(), k).ok());
          ASSERT_TRUE(
              std::equal(out.begin(), out.end(), values.begin() + static_cast<ptrdiff_t>(i)))
              << "width " << width << " batch " << batch << " at " << i;
        }
        skip = !skip;
        i += static_cast<size_t>(k);
      }
      EXPECT_EQ(decoder.bytes_consumed(), stream.size());
    }
  }
}

TEST(RleEncodingTest, PutOneByOneMatchesPutBatch) {
  std::mt19937_64 rng(11);
  const auto values = MixedValues(rng, 5, 5000);
  RleBitPackedEncoder one(5);
  for (uint32_t v : values) one.Put(v);
  Buffer a;
  one.Flush(&a);
  EXPECT_EQ(Bytes(a), Encode(values, 5));
  // The encoder is reusable after Flush and appends to a non-empty buffer.
  for (uint32_t v : values) one.Put(v);
  one.Flush(&a);
  EXPECT_EQ(a.size(), 2 * Encode(values, 5).size());
}

// PutRun(v, k) is Put(v) k times: the same bytes whether the run starts a
// stream, extends a pending run, or follows literals; and the length-prefixed
// run of a page's levels is the length-prefixed stream of its copies.
TEST(RleEncodingTest, PutRunMatchesRepeatedPut) {
  std::mt19937_64 rng(5);
  const auto noise = MixedValues(rng, 3, 37);
  for (int64_t count : {0, 1, 7, 8, 9, 63, 1000, 40000}) {
    for (int lead : {0, 1, 2}) {  // nothing before; literals; a run of the same value
      SCOPED_TRACE("count " + std::to_string(count) + " lead " + std::to_string(lead));
      std::vector<uint32_t> values;
      if (lead == 1) values = noise;
      if (lead == 2) values.assign(5, 6);
      const size_t prefix = values.size();
      values.insert(values.end(), static_cast<size_t>(count), 6);
      RleBitPackedEncoder run(3);
      for (size_t i = 0; i < prefix; ++i) run.Put(values[i]);
      run.PutRun(6, count);
      run.Put(1);
      Buffer a;
      run.Flush(&a);
      values.push_back(1);
      EXPECT_EQ(Bytes(a), Encode(values, 3));
    }
    std::vector<int16_t> levels(static_cast<size_t>(count), 2);
    Buffer x, y;
    EncodeLengthPrefixedRle(levels.data(), count, 2, &x);
    EncodeLengthPrefixedRun(2, count, 2, &y);
    EXPECT_EQ(Bytes(x), Bytes(y)) << count;
  }
}

TEST(RleEncodingTest, LongRunsAndEmptyStream) {
  std::vector<uint32_t> v(1 << 20, 3);
  v.push_back(1);
  const auto stream = Encode(v, 2);
  EXPECT_LT(stream.size(), 10u);
  EXPECT_EQ(DecodeAll<uint32_t>(stream, 2, static_cast<int64_t>(v.size())), v);
  EXPECT_TRUE(Encode(std::vector<uint32_t>{}, 4).empty());
}

// ---- corrupt and truncated input

TEST(RleEncodingTest, TruncatedFinalGroupIsPadding) {
  // Header claims 2 groups (16 values of 3 bits = 6 bytes); 4 bytes present
  // hold 32 bits = 10 whole values.
  const std::vector<uint8_t> stream = {0x05, 0x88, 0xC6, 0xFA, 0x88};
  Status st;
  auto ten = DecodeAll<uint32_t>(stream, 3, 10, &st);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(ten, (std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7, 0, 1}));
  DecodeAll<uint32_t>(stream, 3, 11, &st);
  EXPECT_EQ(st.code(), StatusCode::kCorrupt);
  EXPECT_NE(st.message().find("claims 16 values"), std::string::npos) << st.message();
}

TEST(RleEncodingTest, CorruptInputs) {
  Status st;
  // Bit width above 32.
  DecodeAll<uint32_t>({0x02, 0x01}, 33, 1, &st);
  EXPECT_EQ(st.code(), StatusCode::kCorrupt);
  // Bit width wider than the output type.
  DecodeAll<uint8_t>({0x02, 0x01, 0x00}, 9, 1, &st);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  // RLE run whose value bytes are missing.
  DecodeAll<uint32_t>({0x10, 0x01}, 9, 8, &st);
  EXPECT_EQ(st.code(), StatusCode::kCorrupt);
  // RLE value wider than the bit width.
  DecodeAll<uint32_t>({0x10, 0x04}, 2, 8, &st);
  EXPECT_EQ(st.code(), StatusCode::kCorrupt);
  // Run header cut inside its varint; overlong varint.
  DecodeAll<uint32_t>({0x80}, 1, 1, &st);
  EXPECT_EQ(st.code(), StatusCode::kCorrupt);
  DecodeAll<uint32_t>(std::vector<uint8_t>(11, 0xFF), 1, 1, &st);
  EXPECT_EQ(st.code(), StatusCode::kCorrupt);
  // Run longer than 2^31 - 1.
  DecodeAll<uint32_t>({0x80, 0x80, 0x80, 0x80, 0x10, 0x00}, 1, 1, &st);
  EXPECT_EQ(st.code(), StatusCode::kCorrupt);
  // Asking for more values than the stream holds.
  DecodeAll<uint32_t>({0x10, 0x01}, 1, 9, &st);
  EXPECT_EQ(st.code(), StatusCode::kCorrupt);
  // Empty stream.
  DecodeAll<uint32_t>({}, 1, 1, &st);
  EXPECT_EQ(st.code(), StatusCode::kCorrupt);
}

TEST(RleEncodingTest, TruncationAtEveryByteNeverCrashes) {
  std::mt19937_64 rng(5);
  for (int width : {1, 2, 7, 12, 32}) {
    const auto values = MixedValues(rng, width, 2000);
    const auto stream = Encode(values, width);
    for (size_t cut = 0; cut < stream.size(); ++cut) {
      // A heap copy of exactly `cut` bytes so ASan sees any overread.
      std::vector<uint8_t> prefix(stream.begin(), stream.begin() + static_cast<ptrdiff_t>(cut));
      Status st;
      auto out = DecodeAll<uint32_t>(prefix, width, 2000, &st);
      // Only the padding of the last group may be cut without loss.
      if (st.ok()) {
        EXPECT_EQ(out, values) << "width " << width << " cut " << cut;
      } else {
        EXPECT_EQ(st.code(), StatusCode::kCorrupt);
      }
    }
  }
}

TEST(RleEncodingTest, RandomGarbageNeverCrashes) {
  std::mt19937_64 rng(9);
  for (int iter = 0; iter < 2000; ++iter) {
    std::vector<uint8_t> junk(rng() % 64);
    for (auto& b : junk) b = static_cast<uint8_t>(rng());
    const int width = static_cast<int>(rng() % 34);
    RleBitPackedDecoder decoder(junk.data(), junk.size(), width);
    std::vector<uint32_t> out(300);
    (void)decoder.GetBatch(out.data(), 300);
  }
}

// ---- v1 levels: 4-byte length prefix

TEST(RleEncodingTest, LengthPrefixedLevels) {
  std::mt19937_64 rng(1);
  std::vector<int16_t> levels;
  for (uint32_t v : MixedValues(rng, 2, 1000)) levels.push_back(static_cast<int16_t>(v));
  Buffer buf;
  buf.Append("xy", 2);  // appends after existing bytes
  EncodeLengthPrefixedRle(levels.data(), 1000, 2, &buf);
  buf.Append("TAIL", 4);
  const uint8_t* data = buf.data() + 2;
  const size_t size = buf.size() - 2;
  std::vector<int16_t> back(1000);
  auto r = DecodeLengthPrefixedRle(data, size, 2, 1000, back.data());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, size - 4);  // everything but TAIL
  EXPECT_EQ(back, levels);
  EXPECT_EQ(LoadLE32(data), size - 8);

  for (size_t cut = 0; cut < size - 4; ++cut) {
    std::vector<uint8_t> prefix(data, data + cut);
    auto bad = DecodeLengthPrefixedRle(prefix.data(), prefix.size(), 2, 1000, back.data());
    EXPECT_FALSE(bad.ok()) << cut;
  }
}

TEST(RleEncodingTest, LengthPrefixedBooleans) {
  std::vector<uint8_t> bools(333);
  for (size_t i = 0; i < bools.size(); ++i) bools[i] = (i % 3 == 0) || (i > 200 && i < 260);
  Buffer buf;
  EncodeLengthPrefixedRle(bools.data(), 333, 1, &buf);
  std::vector<uint8_t> back(333);
  auto r = DecodeLengthPrefixedRle(buf.data(), buf.size(), 1, 333, back.data());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, buf.size());
  EXPECT_EQ(back, bools);
}

TEST(RleEncodingTest, DictionaryIndexDecoder) {
  const std::vector<uint8_t> page = {0x03, 0x03, 0x88, 0xC6, 0xFA};
  auto decoder = MakeDictionaryIndexDecoder(page.data(), page.size());
  ASSERT_TRUE(decoder.ok());
  std::vector<uint32_t> idx(8);
  ASSERT_TRUE(decoder->GetBatch(idx.data(), 8).ok());
  EXPECT_EQ(idx, (std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7}));
  const std::vector<uint8_t> wide = {33, 0x02, 0x00};
  EXPECT_EQ(MakeDictionaryIndexDecoder(wide.data(), wide.size()).status().code(),
            StatusCode::kCorrupt);
  EXPECT_FALSE(MakeDictionaryIndexDecoder(nullptr, 0).ok());
}

// ---- deprecated BIT_PACKED levels

TEST(RleEncodingTest, BitPackedLevelsRoundTripAndTruncation) {
  std::mt19937_64 rng(2);
  for (int width = 0; width <= 16; ++width) {
    for (int64_t n : {0, 1, 7, 8, 30, 1001}) {
      std::vector<int16_t> levels(static_cast<size_t>(n));
      for (auto& l : levels) l = static_cast<int16_t>(rng() & MaxFor(width));
      Buffer buf;
      EncodeBitPackedLevels(levels.data(), n, width, &buf);
      EXPECT_EQ(static_cast<int64_t>(buf.size()), BytesForBits(n * width));
      std::vector<int16_t> back(static_cast<size_t>(n));
      auto r = DecodeBitPackedLevels(buf.data(), buf.size(), width, n, back.data());
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      EXPECT_EQ(*r, buf.size());
      EXPECT_EQ(back, levels) << width << " " << n;
      if (buf.size() > 0) {
        std::vector<uint8_t> shorter(buf.data(), buf.data() + buf.size() - 1);
        EXPECT_EQ(DecodeBitPackedLevels(shorter.data(), shorter.size(), width, n, back.data())
                      .status()
                      .code(),
                  StatusCode::kCorrupt);
      }
    }
  }
  int16_t out;
  EXPECT_FALSE(DecodeBitPackedLevels(nullptr, 0, 17, 0, &out).ok());
}

// ---- bit_util

TEST(RleEncodingTest, VarintsAndZigZag) {
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{127}, uint64_t{128}, uint64_t{300},
                     uint64_t{1} << 35, ~uint64_t{0}}) {
    uint8_t buf[kMaxUleb128Bytes];
    const int n = WriteUleb128(v, buf);
    const uint8_t* p = buf;
    uint64_t back = 0;
    ASSERT_TRUE(ReadUleb128(&p, buf + n, &back));
    EXPECT_EQ(back, v);
    EXPECT_EQ(p, buf + n);
    const uint8_t* q = buf;
    EXPECT_FALSE(ReadUleb128(&q, buf + n - 1, &back));  // truncated
    EXPECT_EQ(q, buf);
  }
  const uint8_t too_big[] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02};
  const uint8_t* p = too_big;
  uint64_t v;
  EXPECT_FALSE(ReadUleb128(&p, too_big + 10, &v));
  for (int64_t x : {int64_t{0}, int64_t{-1}, int64_t{1}, INT64_MIN, INT64_MAX}) {
    EXPECT_EQ(ZigZagDecode(ZigZagEncode(x)), x);
  }
  EXPECT_EQ(ZigZagEncode(-1), 1u);
  EXPECT_EQ(ZigZagEncode(1), 2u);
  EXPECT_EQ(ZigZagEncode(INT64_MIN), ~uint64_t{0});
}

TEST(RleEncodingTest, PackUnpackAllWidths64) {
  std::mt19937_64 rng(8);
  for (int width = 0; width <= 64; ++width) {
    std::vector<uint64_t> v(96);
    for (auto& x : v) x = width == 64 ? rng() : rng() & ((uint64_t{1} << width) - 1);
    std::vector<uint8_t> packed(static_cast<size_t>(BytesForBits(96 * width)) + 1, 0xEE);
    PackGroupsFor<uint64_t>(width)(v.data(), 3, packed.data());
    EXPECT_EQ(packed.back(), 0xEE) << "wrote past the groups, width " << width;
    std::vector<uint8_t> generic(packed.size(), 0xEE);
    PackBitsLsb(v.data(), 96, width, generic.data());
    EXPECT_EQ(generic, packed) << width;
    std::vector<uint64_t> back(96);
    UnpackGroupsFor<uint64_t>(width)(packed.data(), 3, back.data());
    EXPECT_EQ(back, v) << width;
    std::vector<uint64_t> slow(96);
    UnpackBitsLsb(packed.data(), packed.size() - 1, width, 0, 96, slow.data());
    EXPECT_EQ(slow, v) << width;
  }
}

// ---- a real file: RLE booleans in v2 pages

TEST(RleEncodingTest, RealFileRleBooleans) {
  testing::TestColumn col;
  const std::string path = std::string(LW_SHARED_DATA) +
                           "/conformance/parquet-testing/data/rle_boolean_encoding.parquet";
  LW_SKIP_IF_MISSING(path);
  Status st = testing::ReadTestColumn(path, 0, &col);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(col.physical_type, 0);
  int64_t rows = 0, trues = 0, nulls = 0;
  for (const auto& page : col.pages) {
    ASSERT_EQ(page.encoding, 3);  // RLE
    const int64_t n = page.non_null();
    std::vector<uint8_t> values(static_cast<size_t>(n));
    auto r = DecodeLengthPrefixedRle(reinterpret_cast<const uint8_t*>(page.values.data()),
                                     page.values.size(), 1, n, values.data());
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    for (uint8_t b : values) trues += b;
    rows += page.num_values;
    nulls += page.num_values - n;
  }
  // 68 rows; the file's pattern (see parquet-testing) has nulls and both values.
  EXPECT_EQ(rows, 68);
  EXPECT_GT(trues, 0);
  EXPECT_GT(rows - nulls - trues, 0);
}

}  // namespace
}  // namespace lakewatch::parquet
