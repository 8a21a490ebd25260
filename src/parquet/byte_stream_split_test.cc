#include "parquet/byte_stream_split.h"

#include <gtest/gtest.h>

#include "common/test_data.h"

#include <cstdint>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "parquet/plain_encoding.h"
#include "parquet/plain_encoding_test_pages.h"

namespace lakewatch::parquet {
namespace {

std::vector<uint8_t> Bytes(const Buffer& b) { return {b.data(), b.data() + b.size()}; }

TEST(ByteStreamSplitTest, SpecExample) {
  // Encodings.md: three 32-bit values AA BB CC DD, 00 11 22 33, A3 B4 C5 D6.
  const std::vector<uint8_t> values = {0xAA, 0xBB, 0xCC, 0xDD, 0x00, 0x11,
                                       0x22, 0x33, 0xA3, 0xB4, 0xC5, 0xD6};
  const std::vector<uint8_t> encoded = {0xAA, 0x00, 0xA3, 0xBB, 0x11, 0xB4,
                                        0xCC, 0x22, 0xC5, 0xDD, 0x33, 0xD6};
  Buffer out;
  EncodeByteStreamSplit(values.data(), 3, 4, &out);
  EXPECT_EQ(Bytes(out), encoded);
  std::vector<uint8_t> back(12);
  ASSERT_TRUE(DecodeByteStreamSplit(encoded.data(), encoded.size(), 4, 0, 3, back.data()).ok());
  EXPECT_EQ(back, values);
}

// Reference transposition, written independently of the vectorized code.
std::vector<uint8_t> NaiveEncode(const std::vector<uint8_t>& values, size_t n, int width) {
  std::vector<uint8_t> out(values.size());
  for (size_t i = 0; i < n; ++i) {
    for (int k = 0; k < width; ++k) out[static_cast<size_t>(k) * n + i] = values[i * width + k];
  }
  return out;
}

TEST(ByteStreamSplitTest, RoundTripAllWidthsAndSizes) {
  std::mt19937_64 rng(53);
  for (int width : {1, 2, 3, 4, 5, 7, 8, 12, 16, 33}) {
    for (size_t n : {0, 1, 15, 16, 17, 31, 32, 33, 100, 1000, 4099}) {
      std::vector<uint8_t> values(n * static_cast<size_t>(width));
      for (auto& b : values) b = static_cast<uint8_t>(rng());
      Buffer encoded;
      encoded.Append("hdr", 3);  // appends after existing bytes
      EncodeByteStreamSplit(values.data(), static_cast<int64_t>(n), width, &encoded);
      ASSERT_EQ(encoded.size(), 3 + values.size());
      const std::vector<uint8_t> body(encoded.data() + 3, encoded.data() + encoded.size());
      ASSERT_EQ(body, NaiveEncode(values, n, width)) << "width " << width << " n " << n;

      std::vector<uint8_t> back(values.size());
      ASSERT_TRUE(DecodeByteStreamSplit(body.data(), body.size(), width, 0, static_cast<int64_t>(n),
                                        back.data())
                      .ok());
      ASSERT_EQ(back, values) << "width " << width << " n " << n;

      // Any sub-range decodes to the matching slice (batched reading).
      if (n >= 3) {
        const int64_t begin = static_cast<int64_t>(rng() % n);
        const int64_t count = static_cast<int64_t>(rng() % (n - static_cast<size_t>(begin) + 1));
        std::vector<uint8_t> part(static_cast<size_t>(count * width));
        ASSERT_TRUE(
            DecodeByteStreamSplit(body.data(), body.size(), width, begin, count, part.data()).ok());
        ASSERT_TRUE(std::equal(part.begin(), part.end(), values.begin() + begin * width));
      }
    }
  }
}

TEST(ByteStreamSplitTest, TypedValues) {
  const std::vector<double> doubles = {0.0,       -0.0,    1.5,
                                       -3.25e300, 6.02e23, std::numeric_limits<double>::infinity()};
  Buffer enc;
  EncodeByteStreamSplit(reinterpret_cast<const uint8_t*>(doubles.data()), 6, 8, &enc);
  std::vector<double> back(6);
  ASSERT_TRUE(DecodeByteStreamSplit(enc.data(), enc.size(), 8, 0, 6,
                                    reinterpret_cast<uint8_t*>(back.data()))
                  .ok());
  EXPECT_EQ(std::memcmp(back.data(), doubles.data(), sizeof(double) * 6), 0);
  std::vector<int32_t> ints(50);
  for (size_t i = 0; i < ints.size(); ++i) ints[i] = static_cast<int32_t>(i * 0x01020304);
  Buffer enc32;
  EncodeByteStreamSplit(reinterpret_cast<const uint8_t*>(ints.data()), 50, 4, &enc32);
  std::vector<int32_t> back32(50);
  ASSERT_TRUE(DecodeByteStreamSplit(enc32.data(), enc32.size(), 4, 0, 50,
                                    reinterpret_cast<uint8_t*>(back32.data()))
                  .ok());
  EXPECT_EQ(back32, ints);
}

TEST(ByteStreamSplitTest, BadSizesAndRanges) {
  std::vector<uint8_t> data(12), out(64);
  // 12 bytes are not whole 8-byte values: a truncated page.
  EXPECT_EQ(DecodeByteStreamSplit(data.data(), 12, 8, 0, 1, out.data()).code(),
            StatusCode::kCorrupt);
  for (size_t cut = 1; cut < 12; ++cut) {
    if (cut % 4 == 0) continue;
    EXPECT_EQ(DecodeByteStreamSplit(data.data(), cut, 4, 0, 1, out.data()).code(),
              StatusCode::kCorrupt);
  }
  // More values than the page holds.
  EXPECT_EQ(DecodeByteStreamSplit(data.data(), 12, 4, 0, 4, out.data()).code(),
            StatusCode::kCorrupt);
  EXPECT_EQ(DecodeByteStreamSplit(data.data(), 12, 4, 2, 2, out.data()).code(),
            StatusCode::kCorrupt);
  EXPECT_EQ(DecodeByteStreamSplit(data.data(), 12, 0, 0, 1, out.data()).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeByteStreamSplit(data.data(), 12, 4, -1, 1, out.data()).code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(DecodeByteStreamSplit(nullptr, 0, 4, 0, 0, out.data()).ok());
}

// byte_stream_split_extended.gzip.parquet stores each type twice, PLAIN in
// column "<type>_plain" and BYTE_STREAM_SPLIT in "<type>_byte_stream_split";
// both must decode to the same bytes.
TEST(ByteStreamSplitTest, RealFileMatchesPlainTwin) {
  const std::string path =
      std::string(LW_SHARED_DATA) +
      "/conformance/parquet-testing/data/byte_stream_split_extended.gzip.parquet";
  LW_SKIP_IF_MISSING(path);
  std::map<std::string, std::vector<uint8_t>> plain, split;
  int pairs_seen = 0;
  for (int c = 0;; ++c) {
    testing::TestColumn col;
    Status st = testing::ReadTestColumn(path, c, &col);
    if (st.code() == StatusCode::kInvalidArgument) break;  // past the last column
    ASSERT_TRUE(st.ok()) << "column " << c << ": " << st.ToString();
    std::vector<uint8_t> bytes;
    int width = 0;
    switch (col.physical_type) {
      case 1:
      case 4:
        width = 4;
        break;  // INT32, FLOAT
      case 2:
      case 5:
        width = 8;
        break;  // INT64, DOUBLE
      case 7:
        width = col.type_length;
        break;  // FIXED_LEN_BYTE_ARRAY
      default:
        FAIL() << col.name << " has type " << col.physical_type;
    }
    for (const auto& page : col.pages) {
      if (page.type == 2) continue;
      const int64_t n = page.non_null();
      std::vector<uint8_t> values(static_cast<size_t>(n * width));
      const auto* data = reinterpret_cast<const uint8_t*>(page.values.data());
      if (page.encoding == 9) {
        st = DecodeByteStreamSplit(data, page.values.size(), width, 0, n, values.data());
        ASSERT_TRUE(st.ok()) << col.name << ": " << st.ToString();
        ASSERT_EQ(page.values.size(), values.size()) << col.name;
      } else {
        ASSERT_EQ(page.encoding, 0) << col.name;
        auto r = DecodePlainFixedWidth(data, page.values.size(), n, width, values.data());
        ASSERT_TRUE(r.ok()) << col.name << ": " << r.status().ToString();
      }
      bytes.insert(bytes.end(), values.begin(), values.end());
    }
    const auto suffix = col.name.rfind('_');
    ASSERT_NE(suffix, std::string::npos) << col.name;
    if (col.name.size() > 18 && col.name.ends_with("_byte_stream_split")) {
      split[col.name.substr(0, col.name.size() - 18)] = bytes;
    } else if (col.name.ends_with("_plain")) {
      plain[col.name.substr(0, col.name.size() - 6)] = bytes;
    } else {
      FAIL() << "unexpected column " << col.name;
    }
  }
  for (const auto& [name, bytes] : split) {
    ASSERT_TRUE(plain.count(name)) << name;
    EXPECT_FALSE(bytes.empty()) << name;
    EXPECT_EQ(bytes, plain[name]) << name;
    ++pairs_seen;
  }
  EXPECT_GE(pairs_seen, 5);
}

}  // namespace
}  // namespace lakewatch::parquet
