#include "parquet/plain_encoding.h"

#include <gtest/gtest.h>

#include "common/test_data.h"

#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "parquet/plain_encoding_test_pages.h"
#include "parquet/rle_encoding.h"

namespace lakewatch::parquet {
namespace {

std::vector<uint8_t> Bytes(const Buffer& b) { return {b.data(), b.data() + b.size()}; }

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

TEST(PlainEncodingTest, BooleanBytes) {
  // Value i is bit i % 8 of byte i / 8, LSB first.
  const std::vector<uint8_t> values = {1, 0, 1, 1, 0, 0, 0, 0, 1, 1};
  Buffer out;
  EncodePlainBoolean(values.data(), 10, &out);
  EXPECT_EQ(Bytes(out), (std::vector<uint8_t>{0x0D, 0x03}));
  std::vector<uint8_t> back(10);
  auto r = DecodePlainBoolean(out.data(), out.size(), 10, back.data());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 2u);
  EXPECT_EQ(back, values);
  // Non-zero bytes other than 1 encode as true.
  const std::vector<uint8_t> loose = {0, 2, 0x80, 0, 0, 0, 0, 0xFF};
  Buffer packed;
  EncodePlainBoolean(loose.data(), 8, &packed);
  EXPECT_EQ(Bytes(packed), (std::vector<uint8_t>{0x86}));
}

TEST(PlainEncodingTest, BooleanRoundTripAndTruncation) {
  std::mt19937_64 rng(61);
  for (int64_t n : {0, 1, 7, 8, 9, 64, 1000, 1003}) {
    std::vector<uint8_t> values(static_cast<size_t>(n));
    for (auto& v : values) v = rng() & 1;
    Buffer out;
    EncodePlainBoolean(values.data(), n, &out);
    ASSERT_EQ(static_cast<int64_t>(out.size()), (n + 7) / 8);
    std::vector<uint8_t> back(static_cast<size_t>(n));
    auto r = DecodePlainBoolean(out.data(), out.size(), n, back.data());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(back, values);
    if (!out.empty()) {
      std::vector<uint8_t> shorter(out.data(), out.data() + out.size() - 1);
      EXPECT_EQ(DecodePlainBoolean(shorter.data(), shorter.size(), n, back.data()).status().code(),
                StatusCode::kCorrupt);
    }
  }
}

template <typename T>
void FixedRoundTrip(const std::vector<T>& values) {
  Buffer out;
  out.Append("#", 1);
  EncodePlain(values.data(), static_cast<int64_t>(values.size()), &out);
  ASSERT_EQ(out.size(), 1 + values.size() * sizeof(T));
  const std::vector<uint8_t> body(out.data() + 1, out.data() + out.size());
  // Little-endian, back to back.
  std::vector<T> back(values.size());
  auto r = DecodePlain(body.data(), body.size(), static_cast<int64_t>(values.size()), back.data());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, body.size());
  if (!values.empty()) {  // memcmp wants non-null pointers even for 0 bytes
    EXPECT_EQ(std::memcmp(body.data(), values.data(), body.size()), 0);
    EXPECT_EQ(std::memcmp(back.data(), values.data(), body.size()), 0);
  }
  for (size_t cut = 0; cut < body.size(); ++cut) {
    std::vector<uint8_t> prefix(body.begin(), body.begin() + static_cast<ptrdiff_t>(cut));
    EXPECT_EQ(
        DecodePlain(prefix.data(), prefix.size(), static_cast<int64_t>(values.size()), back.data())
            .status()
            .code(),
        StatusCode::kCorrupt);
  }
}

TEST(PlainEncodingTest, FixedWidthTypes) {
  FixedRoundTrip<int32_t>({0, 1, -1, INT32_MIN, INT32_MAX, 123456});
  FixedRoundTrip<int64_t>({0, -1, INT64_MIN, INT64_MAX});
  FixedRoundTrip<float>({0.0f, -0.0f, 1.5f, std::numeric_limits<float>::quiet_NaN()});
  FixedRoundTrip<double>({0.0, -1e308, std::numeric_limits<double>::infinity()});
  FixedRoundTrip<int32_t>({});
  // The exact bytes of one INT32.
  Buffer out;
  const int32_t v = 0x01020304;
  EncodePlain(&v, 1, &out);
  EXPECT_EQ(Bytes(out), (std::vector<uint8_t>{0x04, 0x03, 0x02, 0x01}));
}

TEST(PlainEncodingTest, Int96AndFixedLenByteArray) {
  for (int width : {kInt96Width, 1, 3, 16}) {
    std::vector<uint8_t> values(static_cast<size_t>(width) * 5);
    for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<uint8_t>(i * 7);
    Buffer out;
    EncodePlainFixedWidth(values.data(), 5, width, &out);
    EXPECT_EQ(Bytes(out), values);
    std::vector<uint8_t> back(values.size());
    auto r = DecodePlainFixedWidth(out.data(), out.size(), 5, width, back.data());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, values.size());
    EXPECT_EQ(back, values);
    EXPECT_EQ(
        DecodePlainFixedWidth(out.data(), out.size() - 1, 5, width, back.data()).status().code(),
        StatusCode::kCorrupt);
  }
  uint8_t dummy;
  EXPECT_EQ(*DecodePlainFixedWidth(nullptr, 0, 10, 0, &dummy), 0u);
}

TEST(PlainEncodingTest, ByteArrayBytes) {
  Buffer out;
  EncodePlainByteArray("ab", &out);
  EncodePlainByteArray("", &out);
  EXPECT_EQ(Bytes(out), (std::vector<uint8_t>{2, 0, 0, 0, 'a', 'b', 0, 0, 0, 0}));
  // The column layout: end offsets, first value starting at `begin`.
  const std::string chars = "xxhelloworld";
  const int64_t ends[] = {7, 7, 12};
  Buffer batch;
  EncodePlainByteArray(reinterpret_cast<const uint8_t*>(chars.data()), ends, 2, 3, &batch);
  EXPECT_EQ(Bytes(batch), (std::vector<uint8_t>{5, 0, 0, 0, 'h', 'e', 'l', 'l', 'o', 0,   0,
                                                0, 0, 5, 0, 0,   0,   'w', 'o', 'r', 'l', 'd'}));
  Buffer decoded, offsets;
  decoded.Append("zz", 2);
  auto r = DecodePlainByteArray(batch.data(), batch.size(), 3, &decoded, &offsets);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, batch.size());
  EXPECT_EQ(decoded.view(), "zzhelloworld");
  ASSERT_EQ(offsets.size(), 24u);
  EXPECT_EQ(offsets.data_as<int64_t>()[0], 7);
  EXPECT_EQ(offsets.data_as<int64_t>()[1], 7);
  EXPECT_EQ(offsets.data_as<int64_t>()[2], 12);
}

TEST(PlainEncodingTest, ByteArrayRoundTripAndTruncation) {
  std::mt19937_64 rng(67);
  std::vector<std::string> values(300);
  for (auto& s : values) {
    s.resize(rng() % 3 == 0 ? 0 : rng() % 50);
    for (auto& c : s) c = static_cast<char>(rng());
  }
  Buffer out;
  for (const auto& s : values) EncodePlainByteArray(s, &out);
  out.Append("TAIL", 4);
  Buffer chars, offsets;
  auto r = DecodePlainByteArray(out.data(), out.size(), 300, &chars, &offsets);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, out.size() - 4);
  EXPECT_EQ(Strings(chars, offsets), values);
  for (size_t cut = 0; cut < out.size() - 4; ++cut) {
    std::vector<uint8_t> prefix(out.data(), out.data() + cut);
    Buffer c, o;
    auto bad = DecodePlainByteArray(prefix.data(), prefix.size(), 300, &c, &o);
    ASSERT_FALSE(bad.ok()) << cut;
    EXPECT_EQ(bad.status().code(), StatusCode::kCorrupt);
    EXPECT_EQ(o.size(), 0u);  // a failed page leaves no offsets behind
  }
  // A length that runs past the end names the value and offset.
  const std::vector<uint8_t> liar = {1, 0, 0, 0, 'a', 0xFF, 0, 0, 0, 'b'};
  auto bad = DecodePlainByteArray(liar.data(), liar.size(), 2, &chars, &offsets);
  EXPECT_NE(bad.status().message().find("value 1"), std::string::npos) << bad.status().message();
  EXPECT_NE(bad.status().message().find("byte 5"), std::string::npos) << bad.status().message();
}

// alltypes_plain.parquet (Impala): 8 rows; most columns have a PLAIN
// dictionary page and PLAIN_DICTIONARY data pages, bool_col has PLAIN data
// pages. Row i has id {4,5,6,7,2,3,0,1}[i]; the other columns follow from id % 2.
TEST(PlainEncodingTest, RealFileAllTypesPlain) {
  const std::string path =
      std::string(LW_SHARED_DATA) + "/conformance/parquet-testing/data/alltypes_plain.parquet";
  LW_SKIP_IF_MISSING(path);
  const std::vector<int32_t> ids = {4, 5, 6, 7, 2, 3, 0, 1};
  for (int c = 0; c < 11; ++c) {
    testing::TestColumn col;
    Status st = testing::ReadTestColumn(path, c, &col);
    ASSERT_TRUE(st.ok()) << c << ": " << st.ToString();
    // `plain` is the dictionary page, or the single PLAIN data page; idx maps
    // rows to its values.
    ASSERT_FALSE(col.pages.empty());
    const testing::TestPage& plain = col.pages[0];
    std::vector<uint32_t> idx;
    if (plain.type == 2) {
      for (size_t p = 1; p < col.pages.size(); ++p) {
        const auto& page = col.pages[p];
        const auto* data = reinterpret_cast<const uint8_t*>(page.values.data());
        auto decoder = MakeDictionaryIndexDecoder(data, page.values.size());
        ASSERT_TRUE(decoder.ok());
        std::vector<uint32_t> part(static_cast<size_t>(page.non_null()));
        ASSERT_TRUE(decoder->GetBatch(part.data(), page.non_null()).ok());
        idx.insert(idx.end(), part.begin(), part.end());
      }
    } else {
      ASSERT_EQ(col.pages.size(), 1u);
      ASSERT_EQ(plain.encoding, 0);
      for (uint32_t i = 0; i < 8; ++i) idx.push_back(i);
    }
    ASSERT_EQ(idx.size(), 8u) << col.name;
    const auto* d = reinterpret_cast<const uint8_t*>(plain.values.data());
    const size_t size = plain.values.size();
    const int64_t n = plain.num_values;
    for (size_t row = 0; row < 8; ++row) {
      const int odd = ids[row] % 2;
      if (col.name == "id") {
        std::vector<int32_t> v(static_cast<size_t>(n));
        ASSERT_TRUE(DecodePlain(d, size, n, v.data()).ok());
        EXPECT_EQ(v[idx[row]], ids[row]);
      } else if (col.name == "bool_col") {
        std::vector<uint8_t> v(static_cast<size_t>(n));
        ASSERT_TRUE(DecodePlainBoolean(d, size, n, v.data()).ok());
        EXPECT_EQ(v[idx[row]], odd ? 0 : 1);
      } else if (col.name == "tinyint_col" || col.name == "smallint_col" || col.name == "int_col") {
        std::vector<int32_t> v(static_cast<size_t>(n));
        ASSERT_TRUE(DecodePlain(d, size, n, v.data()).ok());
        EXPECT_EQ(v[idx[row]], odd);
      } else if (col.name == "bigint_col") {
        std::vector<int64_t> v(static_cast<size_t>(n));
        ASSERT_TRUE(DecodePlain(d, size, n, v.data()).ok());
        EXPECT_EQ(v[idx[row]], odd * 10);
      } else if (col.name == "float_col") {
        std::vector<float> v(static_cast<size_t>(n));
        ASSERT_TRUE(DecodePlain(d, size, n, v.data()).ok());
        EXPECT_EQ(v[idx[row]], odd * 1.1f);
      } else if (col.name == "double_col") {
        std::vector<double> v(static_cast<size_t>(n));
        ASSERT_TRUE(DecodePlain(d, size, n, v.data()).ok());
        EXPECT_EQ(v[idx[row]], odd * 10.1);
      } else if (col.name == "string_col" || col.name == "date_string_col") {
        Buffer chars, offsets;
        auto r = DecodePlainByteArray(d, size, n, &chars, &offsets);
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(*r, size);
        const auto strings = Strings(chars, offsets);
        if (col.name == "string_col") {
          EXPECT_EQ(strings[idx[row]], odd ? "1" : "0");
        } else {
          const char* months[] = {"01", "01", "02", "02", "03", "03", "04", "04"};
          EXPECT_EQ(strings[idx[row]], std::string(months[ids[row]]) + "/01/09");
        }
      } else if (col.name == "timestamp_col") {
        ASSERT_EQ(col.physical_type, 3);  // INT96
        std::vector<uint8_t> v(static_cast<size_t>(n) * kInt96Width);
        auto r = DecodePlainFixedWidth(d, size, n, kInt96Width, v.data());
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(*r, size);
        // Julian day in the last 4 bytes: 2009 dates are near day 2454800.
        uint32_t julian;
        std::memcpy(&julian, v.data() + idx[row] * kInt96Width + 8, 4);
        EXPECT_GT(julian, 2454800u);
        EXPECT_LT(julian, 2455000u);
      } else {
        FAIL() << "unexpected column " << col.name;
      }
    }
  }
}

}  // namespace
}  // namespace lakewatch::parquet
