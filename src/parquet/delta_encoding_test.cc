#include "parquet/delta_encoding.h"

#include <gtest/gtest.h>

#include "common/test_data.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "parquet/bit_util.h"
#include "parquet/plain_encoding.h"
#include "parquet/plain_encoding_test_pages.h"

namespace lakewatch::parquet {
namespace {

std::vector<uint8_t> Bytes(const Buffer& b) { return {b.data(), b.data() + b.size()}; }

template <typename T>
std::vector<uint8_t> EncodeDbp(const std::vector<T>& values, uint32_t block = 128,
                               uint32_t miniblocks = 4) {
  DeltaBinaryPackedEncoder<T> encoder(block, miniblocks);
  encoder.PutBatch(values.data(), static_cast<int64_t>(values.size()));
  Buffer out;
  encoder.Flush(&out);
  return Bytes(out);
}

// Decodes a whole stream; returns the bytes consumed through *consumed.
template <typename T>
Status DecodeDbp(const std::vector<uint8_t>& data, std::vector<T>* out, size_t* consumed,
                 int64_t batch = 1 << 30) {
  DeltaBinaryPackedDecoder<T> decoder;
  LW_RETURN_IF_ERROR(decoder.Init(data.data(), data.size()));
  out->assign(static_cast<size_t>(decoder.total_values()), 0);
  int64_t done = 0;
  while (done < decoder.total_values()) {
    const int64_t k = std::min(batch, decoder.values_left());
    LW_RETURN_IF_ERROR(decoder.GetBatch(out->data() + done, k));
    done += k;
  }
  *consumed = decoder.bytes_consumed();
  return Status::OK();
}

std::vector<std::string> Strings(const Buffer& chars, const Buffer& offsets) {
  std::vector<std::string> out;
  const int64_t* ends = offsets.data_as<int64_t>();
  int64_t start = 0;
  for (size_t i = 0; i < offsets.size() / 8; ++i) {
    out.emplace_back(reinterpret_cast<const char*>(chars.data()) + start,
                     static_cast<size_t>(ends[i] - start));
    start = ends[i];
  }
  return out;
}

// ---- the spec's examples, with a legal block size (128, 4 miniblocks of 32)

TEST(DeltaEncodingTest, SpecExample1) {
  // 1, 2, 3, 4, 5: deltas all 1, min delta 1, every bit width 0.
  const std::vector<uint8_t> expected = {0x80, 0x01, 0x04, 0x05, 0x02,   // 128, 4, 5, zigzag(1)
                                         0x02, 0x00, 0x00, 0x00, 0x00};  // zigzag(1), widths
  EXPECT_EQ(EncodeDbp<int32_t>({1, 2, 3, 4, 5}), expected);
  std::vector<int32_t> out;
  size_t consumed = 0;
  ASSERT_TRUE(DecodeDbp(expected, &out, &consumed).ok());
  EXPECT_EQ(out, (std::vector<int32_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(consumed, expected.size());
}

TEST(DeltaEncodingTest, SpecExample2) {
  // 7, 5, 3, 1, 2, 3, 4, 5: deltas -2 -2 -2 1 1 1 1, min -2, relative
  // 0 0 0 3 3 3 3 at width 2; the 32-value miniblock takes 8 bytes.
  const std::vector<uint8_t> expected = {0x80, 0x01, 0x04, 0x08, 0x0E,  // header, zigzag(7)
                                         0x03,                          // zigzag(-2)
                                         0x02, 0x00, 0x00, 0x00,        // widths
                                         0xC0, 0x3F, 0,    0,    0,
                                         0,    0,    0};  // 0,0,0,3 | 3,3,3,0
  EXPECT_EQ(EncodeDbp<int64_t>({7, 5, 3, 1, 2, 3, 4, 5}), expected);
  std::vector<int64_t> out;
  size_t consumed = 0;
  ASSERT_TRUE(DecodeDbp(expected, &out, &consumed).ok());
  EXPECT_EQ(out, (std::vector<int64_t>{7, 5, 3, 1, 2, 3, 4, 5}));
  EXPECT_EQ(consumed, expected.size());
}

TEST(DeltaEncodingTest, HeaderOnlyStreams) {
  for (const std::vector<int32_t>& values : {std::vector<int32_t>{}, std::vector<int32_t>{-7}}) {
    const auto stream = EncodeDbp(values);
    EXPECT_EQ(stream.size(), 5u);
    std::vector<int32_t> out;
    size_t consumed = 0;
    ASSERT_TRUE(DecodeDbp(stream, &out, &consumed).ok());
    EXPECT_EQ(out, values);
    EXPECT_EQ(consumed, 5u);
  }
}

// ---- round trips

template <typename T>
std::vector<T> ValuesWithDeltaWidth(std::mt19937_64& rng, int width, size_t n) {
  using U = std::make_unsigned_t<T>;
  std::vector<T> v(n);
  U cur = static_cast<U>(rng());
  const U mask = width >= static_cast<int>(8 * sizeof(T)) ? static_cast<U>(~U{0})
                                                          : static_cast<U>((U{1} << width) - 1);
  for (auto& x : v) {
    cur += static_cast<U>(rng()) & mask;  // wraps freely
    x = static_cast<T>(cur);
  }
  return v;
}

template <typename T>
void CheckRoundTrip(const std::vector<T>& values, uint32_t block, uint32_t miniblocks,
                    const std::string& what) {
  auto stream = EncodeDbp(values, block, miniblocks);
  const size_t length = stream.size();
  stream.push_back(0xAB);  // a following stream must not be touched
  for (int64_t batch :
       {int64_t{1} << 30, int64_t{1}, int64_t{7}, int64_t{32}, int64_t{33}, int64_t{100}}) {
    std::vector<T> out;
    size_t consumed = 0;
    Status st = DecodeDbp(stream, &out, &consumed, batch);
    ASSERT_TRUE(st.ok()) << what << ": " << st.ToString();
    ASSERT_EQ(out, values) << what << " batch " << batch;
    ASSERT_EQ(consumed, length) << what;
  }
}

TEST(DeltaEncodingTest, RoundTripInt32AllWidths) {
  std::mt19937_64 rng(17);
  for (int width = 0; width <= 32; ++width) {
    for (size_t n : {2, 3, 31, 32, 33, 127, 128, 129, 200, 513, 3000}) {
      CheckRoundTrip(ValuesWithDeltaWidth<int32_t>(rng, width, n), 128, 4,
                     "int32 width " + std::to_string(width) + " n " + std::to_string(n));
    }
  }
}

TEST(DeltaEncodingTest, RoundTripInt64AllWidths) {
  std::mt19937_64 rng(19);
  for (int width = 0; width <= 64; ++width) {
    for (size_t n : {2, 33, 129, 1000}) {
      CheckRoundTrip(ValuesWithDeltaWidth<int64_t>(rng, width, n), 128, 4,
                     "int64 width " + std::to_string(width) + " n " + std::to_string(n));
    }
  }
}

TEST(DeltaEncodingTest, RoundTripBlockShapes) {
  std::mt19937_64 rng(23);
  const std::pair<uint32_t, uint32_t> shapes[] = {{128, 1},  {128, 2},   {256, 8},
                                                  {1024, 8}, {2048, 16}, {384, 12}};
  for (auto [block, mini] : shapes) {
    for (size_t n : {1, 100, 385, 5000}) {
      CheckRoundTrip(ValuesWithDeltaWidth<int64_t>(rng, static_cast<int>(rng() % 65), n), block,
                     mini, "shape " + std::to_string(block) + "/" + std::to_string(mini));
    }
  }
}

TEST(DeltaEncodingTest, OverflowingDeltas) {
  const std::vector<int64_t> v64 = {INT64_MIN, INT64_MAX, INT64_MIN, 0,  -1, INT64_MAX,
                                    INT64_MAX, INT64_MIN, 1,         -1, 0,  INT64_MIN};
  CheckRoundTrip(v64, 128, 4, "int64 extremes");
  const std::vector<int32_t> v32 = {INT32_MIN, INT32_MAX, INT32_MIN, 0,
                                    -1,        INT32_MAX, 1,         INT32_MIN};
  CheckRoundTrip(v32, 128, 4, "int32 extremes");
  std::vector<int64_t> alternating(1000);
  for (size_t i = 0; i < alternating.size(); ++i) alternating[i] = i % 2 ? INT64_MAX : INT64_MIN;
  CheckRoundTrip(alternating, 128, 4, "alternating");
  std::vector<int32_t> descending(777);
  for (size_t i = 0; i < descending.size(); ++i) {
    descending[i] = static_cast<int32_t>(uint32_t{INT32_MAX} - static_cast<uint32_t>(i) * 5000000u);
  }
  CheckRoundTrip(descending, 128, 4, "descending wrap");
}

TEST(DeltaEncodingTest, PutOneByOneMatchesPutBatch) {
  std::mt19937_64 rng(29);
  const auto values = ValuesWithDeltaWidth<int64_t>(rng, 20, 1000);
  DeltaBinaryPackedEncoder<int64_t> encoder;
  for (int64_t v : values) encoder.Put(v);
  EXPECT_EQ(encoder.num_values(), 1000);
  EXPECT_GE(encoder.EstimatedSize(), EncodeDbp(values).size());
  Buffer out;
  encoder.Flush(&out);
  EXPECT_EQ(Bytes(out), EncodeDbp(values));
  EXPECT_EQ(encoder.num_values(), 0);
}

// ---- corrupt and truncated input

TEST(DeltaEncodingTest, TruncationAtEveryByteIsAnError) {
  std::mt19937_64 rng(31);
  for (int width : {0, 1, 9, 32}) {
    const auto values = ValuesWithDeltaWidth<int32_t>(rng, width, 300);
    const auto stream = EncodeDbp(values);
    for (size_t cut = 0; cut < stream.size(); ++cut) {
      std::vector<uint8_t> prefix(stream.begin(), stream.begin() + static_cast<ptrdiff_t>(cut));
      std::vector<int32_t> out;
      size_t consumed;
      Status st = DecodeDbp(prefix, &out, &consumed);
      EXPECT_EQ(st.code(), StatusCode::kCorrupt) << "width " << width << " cut " << cut;
    }
  }
}

TEST(DeltaEncodingTest, UnusedMiniblockWidthsMayBeArbitrary) {
  // 33 values = 32 deltas: one used miniblock; the spec lets writers put
  // anything in the other width bytes, and they own no data bytes.
  std::vector<int32_t> values(33);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<int32_t>(i * i);
  auto stream = EncodeDbp(values);
  const size_t widths = 5 + 1;  // header, zigzag min delta (one byte here)
  ASSERT_EQ(stream[widths + 1], 0);
  stream[widths + 1] = 0xFF;
  stream[widths + 2] = 77;
  stream[widths + 3] = 33;
  std::vector<int32_t> out;
  size_t consumed = 0;
  Status st = DecodeDbp(stream, &out, &consumed);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(out, values);
  EXPECT_EQ(consumed, stream.size());
}

TEST(DeltaEncodingTest, CorruptHeadersAndWidths) {
  auto init = [](std::vector<uint8_t> bytes) {
    DeltaBinaryPackedDecoder<int32_t> decoder;
    return decoder.Init(bytes.data(), bytes.size());
  };
  EXPECT_EQ(init({0x64, 0x04, 0x01, 0x00}).code(), StatusCode::kCorrupt);        // block 100
  EXPECT_EQ(init({0x80, 0x01, 0x00, 0x01, 0x00}).code(), StatusCode::kCorrupt);  // 0 miniblocks
  EXPECT_EQ(init({0x80, 0x01, 0x08, 0x01, 0x00}).code(), StatusCode::kCorrupt);  // 16 per mini
  EXPECT_EQ(init({0x80, 0x01, 0x03, 0x01, 0x00}).code(), StatusCode::kCorrupt);  // 3 ∤ 128
  EXPECT_EQ(init({0x80, 0x01, 0x04, 0x80, 0x80, 0x80, 0x80, 0x08, 0x00}).code(),
            StatusCode::kCorrupt);  // 2^31 values
  EXPECT_TRUE(init({0x80, 0x01, 0x04, 0x01, 0x00}).ok());

  // Bit width 33 for int32, 65 for int64.
  std::vector<uint8_t> wide = {0x80, 0x01, 0x04, 0x02, 0x00, 0x00, 33, 0, 0, 0};
  wide.resize(wide.size() + 4 * 33);
  std::vector<int32_t> out32;
  size_t consumed;
  EXPECT_EQ(DecodeDbp(wide, &out32, &consumed).code(), StatusCode::kCorrupt);
  std::vector<int64_t> out64;
  EXPECT_TRUE(DecodeDbp(wide, &out64, &consumed).ok());
  wide[6] = 65;
  wide.resize(wide.size() + 4 * 32);
  EXPECT_EQ(DecodeDbp(wide, &out64, &consumed).code(), StatusCode::kCorrupt);

  // More values requested than the stream holds.
  const auto stream = EncodeDbp<int64_t>({1, 2, 3});
  DeltaBinaryPackedDecoder<int64_t> decoder;
  ASSERT_TRUE(decoder.Init(stream.data(), stream.size()).ok());
  int64_t buf[4];
  EXPECT_EQ(decoder.GetBatch(buf, 4).code(), StatusCode::kCorrupt);
}

TEST(DeltaEncodingTest, RandomGarbageNeverCrashes) {
  std::mt19937_64 rng(37);
  for (int iter = 0; iter < 3000; ++iter) {
    std::vector<uint8_t> junk = {0x80, 0x01, 0x04, static_cast<uint8_t>(rng() % 128)};
    const size_t extra = rng() % 80;
    for (size_t i = 0; i < extra; ++i) junk.push_back(static_cast<uint8_t>(rng()));
    std::vector<int64_t> out;
    size_t consumed;
    (void)DecodeDbp(junk, &out, &consumed, 1 + static_cast<int64_t>(rng() % 40));
    Buffer chars, offsets;
    DeltaByteArrayDecoder dba;
    (void)dba.Decode(junk.data(), junk.size(), static_cast<int64_t>(rng() % 128), &chars, &offsets);
  }
}

// ---- DELTA_LENGTH_BYTE_ARRAY

TEST(DeltaEncodingTest, SpecDeltaLengthByteArrayExample) {
  // Lengths 5 5 6 6: first 5 (zigzag 10), deltas 0 1 0, min 0, width 1
  // (bits 0 1 0 -> 0x02), then the bytes back to back.
  std::vector<uint8_t> expected = {0x80, 0x01, 0x04, 0x04, 0x0A, 0x00, 0x01,
                                   0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00};
  const std::string chars = "HelloWorldFoobarABCDEF";
  expected.insert(expected.end(), chars.begin(), chars.end());

  DeltaLengthByteArrayEncoder encoder;
  for (const char* s : {"Hello", "World", "Foobar", "ABCDEF"}) encoder.Put(s);
  Buffer out;
  encoder.Flush(&out);
  EXPECT_EQ(Bytes(out), expected);

  DeltaLengthByteArrayDecoder decoder;
  Buffer decoded_chars, offsets;
  auto r = decoder.Decode(expected.data(), expected.size(), 4, &decoded_chars, &offsets);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, expected.size());
  EXPECT_EQ(Strings(decoded_chars, offsets),
            (std::vector<std::string>{"Hello", "World", "Foobar", "ABCDEF"}));
}

std::vector<std::string> RandomStrings(std::mt19937_64& rng, size_t n, bool sorted) {
  std::vector<std::string> v(n);
  const char* stems[] = {"", "a", "axis", "http://example.com/", "prefix/prefix/prefix/"};
  for (auto& s : v) {
    s = stems[rng() % 5];
    const size_t len = rng() % 3 == 0 ? 0 : rng() % 40;
    for (size_t i = 0; i < len; ++i) s.push_back(static_cast<char>('a' + rng() % 26));
  }
  if (sorted) std::sort(v.begin(), v.end());
  return v;
}

TEST(DeltaEncodingTest, DeltaLengthByteArrayRoundTripAndTruncation) {
  std::mt19937_64 rng(41);
  for (size_t n : {0, 1, 2, 100, 1000}) {
    const auto values = RandomStrings(rng, n, false);
    DeltaLengthByteArrayEncoder encoder;
    // Half one at a time, half through the column layout.
    Buffer layout_chars;
    std::vector<int64_t> ends;
    for (size_t i = 0; i < n; ++i) {
      if (i < n / 2) {
        encoder.Put(values[i]);
      } else {
        layout_chars.Append(values[i]);
        ends.push_back(static_cast<int64_t>(layout_chars.size()));
      }
    }
    encoder.PutBatch(layout_chars.data(), ends.data(), 0, static_cast<int64_t>(ends.size()));
    EXPECT_EQ(encoder.num_values(), static_cast<int64_t>(n));
    Buffer stream;
    encoder.Flush(&stream);

    Buffer chars, offsets;
    chars.Append("pre", 3);  // decoders append after existing data
    DeltaLengthByteArrayDecoder decoder;
    auto r =
        decoder.Decode(stream.data(), stream.size(), static_cast<int64_t>(n), &chars, &offsets);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(*r, stream.size());
    auto got = Strings(chars, offsets);
    if (!got.empty()) got[0] = got[0].substr(3);
    EXPECT_EQ(got, values);

    for (size_t cut = 0; cut < stream.size(); ++cut) {
      std::vector<uint8_t> prefix(stream.data(), stream.data() + cut);
      Buffer c, o;
      EXPECT_FALSE(
          decoder.Decode(prefix.data(), prefix.size(), static_cast<int64_t>(n), &c, &o).ok())
          << cut;
    }
  }
}

TEST(DeltaEncodingTest, DeltaLengthByteArrayBadLengths) {
  DeltaLengthByteArrayDecoder decoder;
  Buffer chars, offsets;
  // Negative length: lengths {-1}.
  std::vector<uint8_t> negative = EncodeDbp<int32_t>({-1});
  auto r = decoder.Decode(negative.data(), negative.size(), 1, &chars, &offsets);
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(r.status().message().find("negative length"), std::string::npos);
  // Length past the end.
  std::vector<uint8_t> long_one = EncodeDbp<int32_t>({2, 10});
  long_one.insert(long_one.end(), 5, 'x');
  r = decoder.Decode(long_one.data(), long_one.size(), 2, &chars, &offsets);
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(r.status().message().find("value 1"), std::string::npos) << r.status().message();
  // Count mismatch.
  std::vector<uint8_t> two = EncodeDbp<int32_t>({0, 0});
  r = decoder.Decode(two.data(), two.size(), 3, &chars, &offsets);
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
}

// ---- DELTA_BYTE_ARRAY

TEST(DeltaEncodingTest, SpecDeltaByteArrayExample) {
  // axis axle babble babyhood: prefixes 0 2 0 3, suffix lengths 4 2 6 5.
  std::vector<uint8_t> expected = {
      // prefixes: first 0; deltas 2 -2 3, min -2, relative 4 0 5 at width 3
      0x80, 0x01, 0x04, 0x04, 0x00, 0x03, 0x03, 0x00, 0x00, 0x00,  //
      0x44, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,                    //
      // suffix lengths: first 4; deltas -2 4 -1, min -2, relative 0 6 1
      0x80, 0x01, 0x04, 0x04, 0x08, 0x03, 0x03, 0x00, 0x00, 0x00,  //
      0x70, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  const std::string suffixes = "axislebabbleyhood";
  expected.insert(expected.end(), suffixes.begin(), suffixes.end());
  const std::vector<std::string> values = {"axis", "axle", "babble", "babyhood"};

  DeltaByteArrayEncoder encoder;
  for (const auto& v : values) encoder.Put(v);
  Buffer out;
  encoder.Flush(&out);
  EXPECT_EQ(Bytes(out), expected);

  DeltaByteArrayDecoder decoder;
  Buffer chars, offsets;
  auto r = decoder.Decode(expected.data(), expected.size(), 4, &chars, &offsets);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, expected.size());
  EXPECT_EQ(Strings(chars, offsets), values);
}

TEST(DeltaEncodingTest, DeltaByteArrayRoundTripAndTruncation) {
  std::mt19937_64 rng(43);
  for (bool sorted : {true, false}) {
    for (size_t n : {0, 1, 2, 50, 2000}) {
      const auto values = RandomStrings(rng, n, sorted);
      Buffer layout_chars;
      std::vector<int64_t> ends;
      for (const auto& v : values) {
        layout_chars.Append(v);
        ends.push_back(static_cast<int64_t>(layout_chars.size()));
      }
      // Encode through PutBatch in two slices, then compare with Put.
      DeltaByteArrayEncoder batch;
      const int64_t half = static_cast<int64_t>(n / 2);
      batch.PutBatch(layout_chars.data(), ends.data(), 0, half);
      batch.PutBatch(layout_chars.data(), ends.data() + half, half == 0 ? 0 : ends[half - 1],
                     static_cast<int64_t>(n) - half);
      Buffer stream;
      batch.Flush(&stream);
      DeltaByteArrayEncoder single;
      for (const auto& v : values) single.Put(v);
      Buffer stream2;
      single.Flush(&stream2);
      EXPECT_EQ(Bytes(stream), Bytes(stream2));

      DeltaByteArrayDecoder decoder;
      Buffer chars, offsets;
      auto r =
          decoder.Decode(stream.data(), stream.size(), static_cast<int64_t>(n), &chars, &offsets);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      EXPECT_EQ(*r, stream.size());
      EXPECT_EQ(Strings(chars, offsets), values);

      if (n > 100) continue;  // truncation is quadratic
      for (size_t cut = 0; cut < stream.size(); ++cut) {
        std::vector<uint8_t> prefix(stream.data(), stream.data() + cut);
        Buffer c, o;
        EXPECT_FALSE(
            decoder.Decode(prefix.data(), prefix.size(), static_cast<int64_t>(n), &c, &o).ok())
            << cut;
      }
    }
  }
}

TEST(DeltaEncodingTest, DeltaByteArrayBadPrefixes) {
  auto build = [](const std::vector<int32_t>& prefixes, const std::vector<int32_t>& suffixes,
                  const std::string& bytes) {
    std::vector<uint8_t> s = EncodeDbp(prefixes);
    const auto t = EncodeDbp(suffixes);
    s.insert(s.end(), t.begin(), t.end());
    s.insert(s.end(), bytes.begin(), bytes.end());
    return s;
  };
  DeltaByteArrayDecoder decoder;
  Buffer chars, offsets;
  // The first value cannot have a prefix.
  auto s = build({1}, {2}, "ab");
  auto r = decoder.Decode(s.data(), s.size(), 1, &chars, &offsets);
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(r.status().message().find("prefix length 1"), std::string::npos);
  // Prefix longer than the previous value.
  s = build({0, 3}, {2, 1}, "abc");
  EXPECT_EQ(decoder.Decode(s.data(), s.size(), 2, &chars, &offsets).status().code(),
            StatusCode::kCorrupt);
  // Negative prefix and suffix.
  s = build({0, -1}, {2, 1}, "abc");
  EXPECT_EQ(decoder.Decode(s.data(), s.size(), 2, &chars, &offsets).status().code(),
            StatusCode::kCorrupt);
  s = build({0, 0}, {2, -1}, "ab");
  EXPECT_EQ(decoder.Decode(s.data(), s.size(), 2, &chars, &offsets).status().code(),
            StatusCode::kCorrupt);
  // Suffixes past the end.
  s = build({0, 1}, {2, 5}, "abc");
  EXPECT_EQ(decoder.Decode(s.data(), s.size(), 2, &chars, &offsets).status().code(),
            StatusCode::kCorrupt);
  // Prefix and suffix counts differ.
  s = build({0, 1}, {2}, "ab");
  EXPECT_EQ(decoder.Decode(s.data(), s.size(), 2, &chars, &offsets).status().code(),
            StatusCode::kCorrupt);
  // A prefix bomb: one 1000-byte value repeated by prefix far past 2^31 bytes.
  std::vector<int32_t> prefixes(3000000, 1000), suffixes(3000000, 0);
  prefixes[0] = 0;
  suffixes[0] = 1000;
  s = build(prefixes, suffixes, std::string(1000, 'z'));
  EXPECT_EQ(decoder.Decode(s.data(), s.size(), 3000000, &chars, &offsets).status().code(),
            StatusCode::kResourceExhausted);
}

// ---- the real files of parquet-testing

std::string DataFile(const std::string& name) {
  return std::string(LW_SHARED_DATA) + "/conformance/parquet-testing/data/" + name;
}

// Decodes every page of a column; nulls come back as nullopt.
Status DecodeIntColumn(const testing::TestColumn& col, std::vector<std::optional<int64_t>>* out) {
  for (const auto& page : col.pages) {
    if (page.encoding != 5)
      return Status::NotSupported("encoding " + std::to_string(page.encoding));
    const int64_t n = page.non_null();
    const auto* data = reinterpret_cast<const uint8_t*>(page.values.data());
    std::vector<int64_t> values(static_cast<size_t>(n));
    if (col.physical_type == 1) {
      DeltaBinaryPackedDecoder<int32_t> decoder;
      LW_RETURN_IF_ERROR(decoder.Init(data, page.values.size()));
      std::vector<int32_t> v32(static_cast<size_t>(n));
      LW_RETURN_IF_ERROR(decoder.GetBatch(v32.data(), n));
      std::copy(v32.begin(), v32.end(), values.begin());
    } else {
      DeltaBinaryPackedDecoder<int64_t> decoder;
      LW_RETURN_IF_ERROR(decoder.Init(data, page.values.size()));
      LW_RETURN_IF_ERROR(decoder.GetBatch(values.data(), n));
    }
    size_t next = 0;
    for (int64_t i = 0; i < page.num_values; ++i) {
      if (!page.def_levels.empty() && page.def_levels[static_cast<size_t>(i)] == 0) {
        out->push_back(std::nullopt);
      } else {
        out->push_back(values[next++]);
      }
    }
  }
  return Status::OK();
}

Status DecodeStringColumn(const testing::TestColumn& col,
                          std::vector<std::optional<std::string>>* out) {
  DeltaByteArrayDecoder dba;
  DeltaLengthByteArrayDecoder dlba;
  for (const auto& page : col.pages) {
    const int64_t n = page.non_null();
    const auto* data = reinterpret_cast<const uint8_t*>(page.values.data());
    Buffer chars, offsets;
    Result<size_t> r = Status::NotSupported("encoding " + std::to_string(page.encoding));
    if (page.encoding == 7) r = dba.Decode(data, page.values.size(), n, &chars, &offsets);
    if (page.encoding == 6) r = dlba.Decode(data, page.values.size(), n, &chars, &offsets);
    if (page.encoding == 0) r = DecodePlainByteArray(data, page.values.size(), n, &chars, &offsets);
    LW_RETURN_IF_ERROR(r.status());
    if (*r != page.values.size()) return Status::Corrupt("page not fully consumed");
    const auto strings = Strings(chars, offsets);
    size_t next = 0;
    for (int64_t i = 0; i < page.num_values; ++i) {
      if (!page.def_levels.empty() && page.def_levels[static_cast<size_t>(i)] == 0) {
        out->push_back(std::nullopt);
      } else {
        out->push_back(strings[next++]);
      }
    }
  }
  return Status::OK();
}

// Compares every column of `file` with its _expect.csv (header row first).
void CheckAgainstCsv(const std::string& file, const std::string& csv, bool nulls_as_empty) {
  LW_SKIP_IF_MISSING(DataFile(csv));
  const auto rows = testing::ReadCsv(DataFile(csv));
  ASSERT_GT(rows.size(), 1u);
  const size_t columns = rows[0].size();
  for (size_t c = 0; c < columns; ++c) {
    testing::TestColumn col;
    Status st = testing::ReadTestColumn(DataFile(file), static_cast<int>(c), &col);
    ASSERT_TRUE(st.ok()) << file << " column " << c << ": " << st.ToString();
    if (col.physical_type == 1 || col.physical_type == 2) {
      std::vector<std::optional<int64_t>> got;
      st = DecodeIntColumn(col, &got);
      ASSERT_TRUE(st.ok()) << col.name << ": " << st.ToString();
      ASSERT_EQ(got.size(), rows.size() - 1) << col.name;
      for (size_t r = 1; r < rows.size(); ++r) {
        const auto& cell = rows[r][c];
        if (cell.null) {
          EXPECT_FALSE(got[r - 1].has_value()) << col.name << " row " << r;
        } else {
          ASSERT_TRUE(got[r - 1].has_value()) << col.name << " row " << r;
          EXPECT_EQ(*got[r - 1], std::stoll(cell.text)) << col.name << " row " << r;
        }
      }
    } else {
      ASSERT_EQ(col.physical_type, 6) << col.name;
      std::vector<std::optional<std::string>> got;
      st = DecodeStringColumn(col, &got);
      ASSERT_TRUE(st.ok()) << col.name << ": " << st.ToString();
      ASSERT_EQ(got.size(), rows.size() - 1) << col.name;
      for (size_t r = 1; r < rows.size(); ++r) {
        const auto& cell = rows[r][c];
        if (cell.null && nulls_as_empty) {
          EXPECT_FALSE(got[r - 1].has_value()) << col.name << " row " << r;
        } else {
          ASSERT_TRUE(got[r - 1].has_value()) << col.name << " row " << r;
          EXPECT_EQ(*got[r - 1], cell.text) << col.name << " row " << r;
        }
      }
    }
  }
}

TEST(DeltaEncodingTest, RealFileDeltaBinaryPacked) {
  // 65 INT64 columns with delta bit widths 0..64 and one INT32 column.
  CheckAgainstCsv("delta_binary_packed.parquet", "delta_binary_packed_expect.csv", true);
}

TEST(DeltaEncodingTest, RealFileDeltaEncodingRequired) {
  CheckAgainstCsv("delta_encoding_required_column.parquet",
                  "delta_encoding_required_column_expect.csv", false);
}

TEST(DeltaEncodingTest, RealFileDeltaEncodingOptional) {
  CheckAgainstCsv("delta_encoding_optional_column.parquet",
                  "delta_encoding_optional_column_expect.csv", true);
}

TEST(DeltaEncodingTest, RealFileDeltaByteArray) {
  CheckAgainstCsv("delta_byte_array.parquet", "delta_byte_array_expect.csv", true);
}

TEST(DeltaEncodingTest, RealFileDeltaLengthByteArray) {
  LW_SKIP_IF_MISSING(DataFile("delta_length_byte_array.parquet"));
  testing::TestColumn col;
  Status st = testing::ReadTestColumn(DataFile("delta_length_byte_array.parquet"), 0, &col);
  ASSERT_TRUE(st.ok()) << st.ToString();
  std::vector<std::optional<std::string>> got;
  st = DecodeStringColumn(col, &got);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(got.size(), 1000u);
  // The file holds "apple_banana_mango" followed by i * i for row i.
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_TRUE(got[i].has_value());
    EXPECT_EQ(*got[i], "apple_banana_mango" + std::to_string(i * i)) << i;
  }
}

}  // namespace
}  // namespace lakewatch::parquet
