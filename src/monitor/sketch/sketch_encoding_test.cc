#include "monitor/sketch/sketch_encoding.h"

#include <gtest/gtest.h>
#include <xxhash.h>

#include <cmath>
#include <limits>
#include <string>

namespace lakewatch::monitor::sketch {
namespace {

TEST(SketchEncoding, FieldsRoundTrip) {
  ByteWriter w;
  w.U8(0xab);
  w.U16(0xbeef);
  w.U32(0xdeadbeef);
  w.U64(0x0123456789abcdefULL);
  w.F64(-2.5);
  w.F64(std::numeric_limits<double>::infinity());
  for (uint64_t v : {uint64_t{0}, uint64_t{127}, uint64_t{128}, ~uint64_t{0}}) w.Varint(v);
  w.Bytes("hello");
  w.Bytes("");
  std::string sealed = std::move(w).Seal(SketchKind::kKll);
  auto r = OpenEnvelope(sealed, SketchKind::kKll, "test");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  uint8_t u8;
  uint16_t u16;
  uint32_t u32;
  uint64_t u64;
  double f;
  std::string_view bytes;
  ASSERT_TRUE(r->U8(&u8, "u8").ok());
  ASSERT_TRUE(r->U16(&u16, "u16").ok());
  ASSERT_TRUE(r->U32(&u32, "u32").ok());
  ASSERT_TRUE(r->U64(&u64, "u64").ok());
  EXPECT_EQ(u8, 0xab);
  EXPECT_EQ(u16, 0xbeef);
  EXPECT_EQ(u32, 0xdeadbeefu);
  EXPECT_EQ(u64, 0x0123456789abcdefULL);
  ASSERT_TRUE(r->F64(&f, "f").ok());
  EXPECT_EQ(f, -2.5);
  ASSERT_TRUE(r->F64(&f, "f").ok());
  EXPECT_EQ(f, std::numeric_limits<double>::infinity());
  for (uint64_t v : {uint64_t{0}, uint64_t{127}, uint64_t{128}, ~uint64_t{0}}) {
    ASSERT_TRUE(r->Varint(&u64, "varint").ok());
    EXPECT_EQ(u64, v);
  }
  ASSERT_TRUE(r->Bytes(&bytes, "bytes").ok());
  EXPECT_EQ(bytes, "hello");
  ASSERT_TRUE(r->Bytes(&bytes, "bytes").ok());
  EXPECT_EQ(bytes, "");
  EXPECT_TRUE(r->ExpectEnd().ok());
  Status st = r->U8(&u8, "extra field");
  EXPECT_EQ(st.code(), StatusCode::kCorrupt);
  EXPECT_NE(st.message().find("truncated reading extra field"), std::string::npos);
}

TEST(SketchEncoding, BadFieldsNameTheirOffset) {
  ByteWriter w;
  w.F64(std::nan(""));
  for (int i = 0; i < 10; ++i) w.U8(0xff);  // an 11-byte varint
  w.Varint(100);                            // a length beyond the payload
  std::string sealed = std::move(w).Seal(SketchKind::kHyperLogLog);
  auto r = OpenEnvelope(sealed, SketchKind::kHyperLogLog, "hll");
  ASSERT_TRUE(r.ok());
  double f;
  Status st = r->F64(&f, "mean");
  EXPECT_EQ(st.message(), "hll: byte 10: mean is NaN");
  ByteReader overflow(std::string_view(sealed).substr(18, 10), "v", 18);
  uint64_t v;
  EXPECT_NE(overflow.Varint(&v, "count").message().find("varint overflow in count"),
            std::string::npos);
  ByteReader past(std::string_view(sealed).substr(28, 1), "b", 28);
  std::string_view b;
  EXPECT_NE(past.Bytes(&b, "item").message().find("item of 100 bytes overruns the 0 left"),
            std::string::npos);
}

// A valid envelope of another format version is NotSupported; anything damaged
// (including the version byte itself) is Corrupt.
TEST(SketchEncoding, EnvelopeChecks) {
  ByteWriter w;
  w.U32(7);
  std::string good = std::move(w).Seal(SketchKind::kFrequentItems);
  EXPECT_TRUE(OpenEnvelope(good, SketchKind::kFrequentItems, "fi").ok());
  EXPECT_EQ(OpenEnvelope(good, SketchKind::kKll, "kll").status().code(), StatusCode::kCorrupt);
  EXPECT_NE(OpenEnvelope(good, SketchKind::kKll, "kll").status().message().find("sketch kind 3"),
            std::string::npos);
  EXPECT_NE(OpenEnvelope("LWSK", SketchKind::kKll, "kll").status().message().find("shorter"),
            std::string::npos);
  std::string magic = good;
  magic[0] = 'X';
  EXPECT_NE(OpenEnvelope(magic, SketchKind::kFrequentItems, "fi").status().message().find("magic"),
            std::string::npos);
  std::string damaged = good;
  damaged[4] = 2;
  EXPECT_EQ(OpenEnvelope(damaged, SketchKind::kFrequentItems, "fi").status().code(),
            StatusCode::kCorrupt);
  // The same version byte with its checksum recomputed: a newer format.
  std::string newer = damaged.substr(0, damaged.size() - 8);
  ByteWriter sum;
  sum.U64(XXH3_64bits(newer.data(), newer.size()));
  newer += sum.data();
  Status st = OpenEnvelope(newer, SketchKind::kFrequentItems, "fi").status();
  EXPECT_EQ(st.code(), StatusCode::kNotSupported);
  EXPECT_NE(st.message().find("format version 2"), std::string::npos);
  std::string longer = good + "x";
  EXPECT_NE(OpenEnvelope(longer, SketchKind::kFrequentItems, "fi")
                .status()
                .message()
                .find("payload length 4 but the envelope holds 5"),
            std::string::npos);
}

}  // namespace
}  // namespace lakewatch::monitor::sketch
