#include "parquet/thrift_compact.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "common/buffer.h"

namespace lakewatch::parquet {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

const uint8_t* U8(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

std::string Hex(const std::string& s) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    if (!out.empty()) out.push_back(' ');
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Known byte sequences (thrift-compact-protocol.md)

TEST(ThriftCompactWriterTest, VarintSpecExample) {
  // The spec's example: 50399 is the varint DF 89 03. Binary lengths are
  // plain varints, so a 50399-byte binary starts with exactly those bytes.
  std::string out;
  ThriftCompactWriter w(&out);
  w.WriteBinary(std::string(50399, 'x'));
  ASSERT_EQ(out.size(), 3u + 50399u);
  EXPECT_EQ(Hex(out.substr(0, 3)), "df 89 03");

  ThriftCompactReader r(U8(out), out.size());
  std::string_view v;
  ASSERT_TRUE(r.ReadBinary(&v).ok());
  EXPECT_EQ(v.size(), 50399u);
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(ThriftCompactWriterTest, ZigzagIntegers) {
  // 0, -1, 1, -2, 2 -> 0, 1, 2, 3, 4
  std::string out;
  ThriftCompactWriter w(&out);
  for (int32_t v : {0, -1, 1, -2, 2}) w.WriteI32(v);
  EXPECT_EQ(Hex(out), "00 01 02 03 04");

  out.clear();
  w.WriteI32(std::numeric_limits<int32_t>::max());
  EXPECT_EQ(Hex(out), "fe ff ff ff 0f");
  out.clear();
  w.WriteI32(std::numeric_limits<int32_t>::min());
  EXPECT_EQ(Hex(out), "ff ff ff ff 0f");
  out.clear();
  w.WriteI64(std::numeric_limits<int64_t>::min());
  EXPECT_EQ(Hex(out), "ff ff ff ff ff ff ff ff ff 01");
  out.clear();
  w.WriteI16(-64);
  EXPECT_EQ(Hex(out), "7f");
  out.clear();
  w.WriteI16(64);
  EXPECT_EQ(Hex(out), "80 01");
}

TEST(ThriftCompactWriterTest, IntegerRoundTrip) {
  const std::vector<int64_t> i64s = {0,
                                     1,
                                     -1,
                                     63,
                                     -64,
                                     64,
                                     1LL << 40,
                                     -(1LL << 40),
                                     std::numeric_limits<int64_t>::max(),
                                     std::numeric_limits<int64_t>::min()};
  const std::vector<int32_t> i32s = {0,
                                     1,
                                     -1,
                                     300,
                                     -300,
                                     std::numeric_limits<int32_t>::max(),
                                     std::numeric_limits<int32_t>::min()};
  const std::vector<int16_t> i16s = {0, -1, 1, std::numeric_limits<int16_t>::max(),
                                     std::numeric_limits<int16_t>::min()};
  std::string out;
  ThriftCompactWriter w(&out);
  for (int64_t v : i64s) w.WriteI64(v);
  for (int32_t v : i32s) w.WriteI32(v);
  for (int16_t v : i16s) w.WriteI16(v);
  w.WriteI8(-128);
  w.WriteDouble(-2.5);

  ThriftCompactReader r(U8(out), out.size());
  for (int64_t want : i64s) {
    int64_t v;
    ASSERT_TRUE(r.ReadI64(&v).ok());
    EXPECT_EQ(v, want);
  }
  for (int32_t want : i32s) {
    int32_t v;
    ASSERT_TRUE(r.ReadI32(&v).ok());
    EXPECT_EQ(v, want);
  }
  for (int16_t want : i16s) {
    int16_t v;
    ASSERT_TRUE(r.ReadI16(&v).ok());
    EXPECT_EQ(v, want);
  }
  int8_t i8;
  ASSERT_TRUE(r.ReadI8(&i8).ok());
  EXPECT_EQ(i8, -128);
  double d;
  ASSERT_TRUE(r.ReadDouble(&d).ok());
  EXPECT_EQ(d, -2.5);
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(ThriftCompactWriterTest, DoubleIsLittleEndian) {
  std::string out;
  ThriftCompactWriter w(&out);
  w.WriteDouble(1.0);
  EXPECT_EQ(Hex(out), "00 00 00 00 00 00 f0 3f");
}

TEST(ThriftCompactWriterTest, FieldHeaders) {
  std::string out;
  ThriftCompactWriter w(&out);
  w.BeginStruct();
  w.WriteFieldHeader(ThriftType::kI32, 1);  // delta 1: short form 0x15
  w.WriteI32(1);
  w.WriteBoolField(2, true);                 // bool true in the header: 0x11
  w.WriteBoolField(3, false);                // bool false: 0x12
  w.WriteFieldHeader(ThriftType::kI64, 20);  // delta 17: long form 06 + zigzag(20)=0x28
  w.WriteI64(-1);
  w.WriteFieldHeader(ThriftType::kBinary, 5);  // backwards: long form 08 0a
  w.WriteBinary("ab");
  w.WriteFieldHeader(ThriftType::kStruct, 6);  // delta 1 from 5: 0x1c
  w.BeginStruct();                             // ids restart at 0 in a nested struct
  w.WriteFieldHeader(ThriftType::kI8, 15);     // delta 15: still short form 0xf3
  w.WriteI8(7);
  w.EndStruct();
  w.WriteFieldHeader(ThriftType::kDouble, 7);  // outer struct continues from 6: 0x17
  w.WriteDouble(0.0);
  w.EndStruct();
  EXPECT_EQ(Hex(out),
            "15 02 11 12 06 28 01 08 0a 02 61 62 1c f3 07 00 17 00 00 00 00 00 00 00 00 00");

  ThriftCompactReader r(U8(out), out.size());
  ThriftFieldHeader fh;
  ASSERT_TRUE(r.BeginStruct().ok());
  ASSERT_TRUE(r.ReadFieldHeader(&fh).ok());
  EXPECT_EQ(fh.type, ThriftType::kI32);
  EXPECT_EQ(fh.id, 1);
  EXPECT_EQ(fh.offset, 0u);
  int32_t i32;
  ASSERT_TRUE(r.ReadI32(&i32).ok());
  EXPECT_EQ(i32, 1);
  bool b;
  ASSERT_TRUE(r.ReadFieldHeader(&fh).ok());
  EXPECT_EQ(fh.type, ThriftType::kBool);
  EXPECT_EQ(fh.id, 2);
  ASSERT_TRUE(r.ReadBool(&b).ok());
  EXPECT_TRUE(b);
  ASSERT_TRUE(r.ReadFieldHeader(&fh).ok());
  EXPECT_EQ(fh.id, 3);
  ASSERT_TRUE(r.ReadBool(&b).ok());
  EXPECT_FALSE(b);
  ASSERT_TRUE(r.ReadFieldHeader(&fh).ok());
  EXPECT_EQ(fh.type, ThriftType::kI64);
  EXPECT_EQ(fh.id, 20);
  int64_t i64;
  ASSERT_TRUE(r.ReadI64(&i64).ok());
  EXPECT_EQ(i64, -1);
  ASSERT_TRUE(r.ReadFieldHeader(&fh).ok());
  EXPECT_EQ(fh.type, ThriftType::kBinary);
  EXPECT_EQ(fh.id, 5);
  std::string s;
  ASSERT_TRUE(r.ReadString(&s).ok());
  EXPECT_EQ(s, "ab");
  ASSERT_TRUE(r.ReadFieldHeader(&fh).ok());
  EXPECT_EQ(fh.type, ThriftType::kStruct);
  EXPECT_EQ(fh.id, 6);
  ASSERT_TRUE(r.BeginStruct().ok());
  ASSERT_TRUE(r.ReadFieldHeader(&fh).ok());
  EXPECT_EQ(fh.type, ThriftType::kI8);
  EXPECT_EQ(fh.id, 15);
  int8_t i8;
  ASSERT_TRUE(r.ReadI8(&i8).ok());
  EXPECT_EQ(i8, 7);
  ASSERT_TRUE(r.ReadFieldHeader(&fh).ok());
  EXPECT_EQ(fh.type, ThriftType::kStop);
  ASSERT_TRUE(r.EndStruct().ok());
  ASSERT_TRUE(r.ReadFieldHeader(&fh).ok());
  EXPECT_EQ(fh.type, ThriftType::kDouble);
  EXPECT_EQ(fh.id, 7);
  ASSERT_TRUE(r.Skip(fh.type).ok());
  ASSERT_TRUE(r.ReadFieldHeader(&fh).ok());
  EXPECT_EQ(fh.type, ThriftType::kStop);
  ASSERT_TRUE(r.EndStruct().ok());
  EXPECT_EQ(r.remaining(), 0u);
  EXPECT_EQ(r.depth(), 0);
}

TEST(ThriftCompactWriterTest, ListAndMapHeaders) {
  std::string out;
  ThriftCompactWriter w(&out);
  w.WriteListHeader(ThriftType::kI32, 3);  // short form: size 3, type 5
  EXPECT_EQ(Hex(out), "35");
  out.clear();
  w.WriteListHeader(ThriftType::kI32, 14);  // largest short form
  EXPECT_EQ(Hex(out), "e5");
  out.clear();
  w.WriteListHeader(ThriftType::kStruct, 15);  // long form from 15 on
  EXPECT_EQ(Hex(out), "fc 0f");
  out.clear();
  w.WriteListHeader(ThriftType::kBinary, 300);
  EXPECT_EQ(Hex(out), "f8 ac 02");
  out.clear();
  w.WriteListHeader(ThriftType::kBool, 2);  // bool element type is 2
  w.WriteBool(true);
  w.WriteBool(false);
  EXPECT_EQ(Hex(out), "22 01 00");
  out.clear();
  w.WriteMapHeader(ThriftType::kI32, ThriftType::kBinary, 0);
  EXPECT_EQ(Hex(out), "00");
  out.clear();
  w.WriteMapHeader(ThriftType::kI32, ThriftType::kBinary, 2);
  EXPECT_EQ(Hex(out), "02 58");
}

TEST(ThriftCompactReaderTest, ListHeaders) {
  ThriftType t;
  uint32_t n;
  {
    const std::string in = Bytes({0x35, 1, 2, 3});
    ThriftCompactReader r(U8(in), in.size());
    ASSERT_TRUE(r.ReadListHeader(&t, &n).ok());
    EXPECT_EQ(t, ThriftType::kI32);
    EXPECT_EQ(n, 3u);
  }
  {
    // Long form may also carry a small size.
    const std::string in = Bytes({0xf8, 0x02, 0, 0});
    ThriftCompactReader r(U8(in), in.size());
    ASSERT_TRUE(r.ReadListHeader(&t, &n).ok());
    EXPECT_EQ(t, ThriftType::kBinary);
    EXPECT_EQ(n, 2u);
  }
  {
    // Both bool element codes (1 as Java/C++ write, 2 as the spec says).
    for (int code : {1, 2}) {
      const std::string in = Bytes({0x30 | code, 1, 0, 2});
      ThriftCompactReader r(U8(in), in.size());
      ASSERT_TRUE(r.ReadListHeader(&t, &n).ok());
      EXPECT_EQ(t, ThriftType::kBool);
      bool b;
      ASSERT_TRUE(r.ReadBool(&b).ok());
      EXPECT_TRUE(b);
      ASSERT_TRUE(r.ReadBool(&b).ok());
      EXPECT_FALSE(b);
      ASSERT_TRUE(r.ReadBool(&b).ok());
      EXPECT_FALSE(b);
    }
  }
  {
    // An empty list with element type 0 is tolerated; a non-empty one is not.
    const std::string in = Bytes({0x00});
    ThriftCompactReader r(U8(in), in.size());
    ASSERT_TRUE(r.ReadListHeader(&t, &n).ok());
    EXPECT_EQ(n, 0u);
    const std::string bad = Bytes({0x10, 0});
    ThriftCompactReader r2(U8(bad), bad.size());
    EXPECT_EQ(r2.ReadListHeader(&t, &n).code(), StatusCode::kCorrupt);
  }
  {
    const std::string in = Bytes({0x02, 0x58, 2, 'a', 4, 0});
    ThriftCompactReader r(U8(in), in.size());
    ThriftType k, v;
    ASSERT_TRUE(r.ReadMapHeader(&k, &v, &n).ok());
    EXPECT_EQ(k, ThriftType::kI32);
    EXPECT_EQ(v, ThriftType::kBinary);
    EXPECT_EQ(n, 2u);
  }
}

TEST(ThriftCompactWriterTest, BufferAndStringSinksAgree) {
  auto write = [](ThriftCompactWriter* w) {
    w->BeginStruct();
    w->WriteFieldHeader(ThriftType::kList, 1);
    w->WriteListHeader(ThriftType::kBinary, 20);
    for (int i = 0; i < 20; ++i) w->WriteBinary(std::string(i, 'q'));
    w->WriteBoolField(2, true);
    w->WriteFieldHeader(ThriftType::kMap, 3);
    w->WriteMapHeader(ThriftType::kI32, ThriftType::kDouble, 1);
    w->WriteI32(5);
    w->WriteDouble(3.25);
    w->EndStruct();
  };
  std::string s;
  ThriftCompactWriter ws(&s);
  write(&ws);
  Buffer b;
  ThriftCompactWriter wb(&b);
  write(&wb);
  EXPECT_EQ(std::string(b.view()), s);
  EXPECT_EQ(ws.depth(), 0);
}

// ---------------------------------------------------------------------------
// Skipping

// A struct holding one field of every type, with nested containers. Field
// ids are spread so both header forms occur.
void WriteEverything(ThriftCompactWriter* w, int nesting) {
  w->BeginStruct();
  w->WriteBoolField(1, true);
  w->WriteBoolField(2, false);
  w->WriteFieldHeader(ThriftType::kI8, 3);
  w->WriteI8(-3);
  w->WriteFieldHeader(ThriftType::kI16, 4);
  w->WriteI16(-400);
  w->WriteFieldHeader(ThriftType::kI32, 5);
  w->WriteI32(123456);
  w->WriteFieldHeader(ThriftType::kI64, 60);
  w->WriteI64(-1234567890123LL);
  w->WriteFieldHeader(ThriftType::kDouble, 7);
  w->WriteDouble(6.5);
  w->WriteFieldHeader(ThriftType::kBinary, 8);
  w->WriteBinary("hello");
  w->WriteFieldHeader(ThriftType::kList, 9);
  w->WriteListHeader(ThriftType::kBool, 3);
  w->WriteBool(true);
  w->WriteBool(false);
  w->WriteBool(true);
  w->WriteFieldHeader(ThriftType::kSet, 10);
  w->WriteListHeader(ThriftType::kI64, 16);
  for (int i = 0; i < 16; ++i) w->WriteI64(i * 1000);
  w->WriteFieldHeader(ThriftType::kMap, 11);
  w->WriteMapHeader(ThriftType::kBinary, ThriftType::kList, 2);
  for (int i = 0; i < 2; ++i) {
    w->WriteBinary("k");
    w->WriteListHeader(ThriftType::kDouble, 2);
    w->WriteDouble(1.0);
    w->WriteDouble(2.0);
  }
  w->WriteFieldHeader(ThriftType::kMap, 12);
  w->WriteMapHeader(ThriftType::kI32, ThriftType::kI32, 0);
  w->WriteFieldHeader(ThriftType::kUuid, 13);
  for (int i = 0; i < 16; ++i) w->WriteI8(static_cast<int8_t>(i));
  w->WriteFieldHeader(ThriftType::kList, 14);
  w->WriteListHeader(ThriftType::kStruct, 2);
  w->BeginStruct();
  w->WriteBoolField(1, true);
  w->EndStruct();
  w->BeginStruct();
  w->EndStruct();
  if (nesting > 0) {
    w->WriteFieldHeader(ThriftType::kStruct, 15);
    WriteEverything(w, nesting - 1);
  }
  w->WriteFieldHeader(ThriftType::kI32, -5);  // negative id, long form
  w->WriteI32(-5);
  w->EndStruct();
}

TEST(ThriftCompactReaderTest, SkipsEveryType) {
  std::string out;
  ThriftCompactWriter w(&out);
  w.BeginStruct();
  w.WriteFieldHeader(ThriftType::kStruct, 1);
  WriteEverything(&w, 3);
  w.WriteFieldHeader(ThriftType::kI32, 2);
  w.WriteI32(42);
  w.EndStruct();

  ThriftCompactReader r(U8(out), out.size());
  ASSERT_TRUE(r.BeginStruct().ok());
  ThriftFieldHeader fh;
  ASSERT_TRUE(r.ReadFieldHeader(&fh).ok());
  ASSERT_EQ(fh.type, ThriftType::kStruct);
  ASSERT_TRUE(r.Skip(fh.type).ok());
  ASSERT_TRUE(r.ReadFieldHeader(&fh).ok());
  ASSERT_EQ(fh.type, ThriftType::kI32);
  EXPECT_EQ(fh.id, 2);
  int32_t v;
  ASSERT_TRUE(r.ReadI32(&v).ok());
  EXPECT_EQ(v, 42);
  ASSERT_TRUE(r.ReadFieldHeader(&fh).ok());
  EXPECT_EQ(fh.type, ThriftType::kStop);
  ASSERT_TRUE(r.EndStruct().ok());
  EXPECT_EQ(r.remaining(), 0u);

  // Field by field at top level too: Skip after each header, bools included.
  ThriftCompactReader r2(U8(out), out.size());
  ASSERT_TRUE(r2.BeginStruct().ok());
  ASSERT_TRUE(r2.ReadFieldHeader(&fh).ok());
  ASSERT_TRUE(r2.BeginStruct().ok());
  int fields = 0;
  for (;;) {
    ASSERT_TRUE(r2.ReadFieldHeader(&fh).ok());
    if (fh.type == ThriftType::kStop) break;
    ++fields;
    ASSERT_TRUE(r2.Skip(fh.type).ok()) << "field " << fh.id;
  }
  EXPECT_EQ(fields, 16);
  ASSERT_TRUE(r2.EndStruct().ok());

  // Every truncation fails cleanly.
  for (size_t len = 0; len < out.size(); ++len) {
    ThriftCompactReader t(U8(out), len);
    Status st = t.BeginStruct();
    ThriftFieldHeader h;
    if (st.ok()) st = t.ReadFieldHeader(&h);
    if (st.ok()) st = t.Skip(h.type);
    if (st.ok()) st = t.ReadFieldHeader(&h);
    if (st.ok()) st = t.Skip(h.type);
    if (st.ok()) st = t.ReadFieldHeader(&h);
    EXPECT_FALSE(st.ok()) << "prefix of " << len << " bytes";
    if (!st.ok()) {
      EXPECT_EQ(st.code(), StatusCode::kCorrupt);
    }
  }
}

// ---------------------------------------------------------------------------
// Corrupt input

TEST(ThriftCompactReaderTest, TruncatedValues) {
  int64_t i64;
  int32_t i32;
  double d;
  std::string_view bin;
  {
    const std::string in = Bytes({0x80, 0x80});
    ThriftCompactReader r(U8(in), in.size());
    Status st = r.ReadI64(&i64);
    EXPECT_EQ(st.code(), StatusCode::kCorrupt);
    EXPECT_NE(st.message().find("byte 0"), std::string::npos) << st.ToString();
  }
  {
    const std::string in = Bytes({0, 0, 0, 0, 0, 0, 0});
    ThriftCompactReader r(U8(in), in.size());
    EXPECT_EQ(r.ReadDouble(&d).code(), StatusCode::kCorrupt);
  }
  {
    const std::string in = Bytes({5, 'a', 'b'});
    ThriftCompactReader r(U8(in), in.size());
    Status st = r.ReadBinary(&bin);
    EXPECT_EQ(st.code(), StatusCode::kCorrupt);
    EXPECT_NE(st.message().find("claims 5 bytes"), std::string::npos) << st.ToString();
  }
  {
    ThriftCompactReader r(nullptr, 0);
    EXPECT_EQ(r.ReadI32(&i32).code(), StatusCode::kCorrupt);
    int8_t i8;
    EXPECT_EQ(r.ReadI8(&i8).code(), StatusCode::kCorrupt);
    ThriftType t;
    uint32_t n;
    EXPECT_EQ(r.ReadListHeader(&t, &n).code(), StatusCode::kCorrupt);
    ASSERT_TRUE(r.BeginStruct().ok());
    ThriftFieldHeader fh;
    EXPECT_EQ(r.ReadFieldHeader(&fh).code(), StatusCode::kCorrupt);
  }
}

TEST(ThriftCompactReaderTest, OverflowingIntegers) {
  int64_t i64;
  int32_t i32;
  int16_t i16;
  {
    // 11-byte varint.
    const std::string in = Bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x81, 0});
    ThriftCompactReader r(U8(in), in.size());
    EXPECT_EQ(r.ReadI64(&i64).code(), StatusCode::kCorrupt);
  }
  {
    // 10th byte carries more than bit 63.
    const std::string in = Bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02});
    ThriftCompactReader r(U8(in), in.size());
    EXPECT_EQ(r.ReadI64(&i64).code(), StatusCode::kCorrupt);
  }
  {
    // zigzag 2^32 = 2147483648 (one past INT32_MAX) is not an i32.
    const std::string in = Bytes({0x80, 0x80, 0x80, 0x80, 0x10});
    ThriftCompactReader r(U8(in), in.size());
    Status st = r.ReadI32(&i32);
    EXPECT_EQ(st.code(), StatusCode::kCorrupt);
    EXPECT_NE(st.message().find("out of range"), std::string::npos) << st.ToString();
  }
  {
    const std::string in = Bytes({0x80, 0x80, 0x04});  // zigzag 65536 = 32768
    ThriftCompactReader r(U8(in), in.size());
    EXPECT_EQ(r.ReadI16(&i16).code(), StatusCode::kCorrupt);
  }
}

TEST(ThriftCompactReaderTest, InvalidTypeCodes) {
  {
    const std::string in = Bytes({0x1e, 0});  // type 14 does not exist
    ThriftCompactReader r(U8(in), in.size());
    ASSERT_TRUE(r.BeginStruct().ok());
    ThriftFieldHeader fh;
    Status st = r.ReadFieldHeader(&fh);
    EXPECT_EQ(st.code(), StatusCode::kCorrupt);
    EXPECT_NE(st.message().find("type code 14"), std::string::npos) << st.ToString();
  }
  {
    const std::string in = Bytes({3});  // a bool element must be 0, 1 or 2
    ThriftCompactReader r(U8(in), in.size());
    bool b;
    EXPECT_EQ(r.ReadBool(&b).code(), StatusCode::kCorrupt);
  }
  {
    const std::string in = Bytes({0x01, 0x0f});  // map of type 0 keys
    ThriftCompactReader r(U8(in), in.size());
    EXPECT_EQ(r.Skip(ThriftType::kMap).code(), StatusCode::kCorrupt);
  }
}

TEST(ThriftCompactReaderTest, HugeContainerSizesRejected) {
  ThriftType t, k, v;
  uint32_t n;
  {
    // list<struct> claiming INT32_MAX elements in 6 bytes.
    const std::string in = Bytes({0xfc, 0xff, 0xff, 0xff, 0xff, 0x07});
    ThriftCompactReader r(U8(in), in.size());
    Status st = r.ReadListHeader(&t, &n);
    EXPECT_EQ(st.code(), StatusCode::kCorrupt);
    EXPECT_NE(st.message().find("2147483647 elements"), std::string::npos) << st.ToString();
  }
  {
    // Past INT32_MAX.
    const std::string in = Bytes({0xf5, 0xff, 0xff, 0xff, 0xff, 0x0f});
    ThriftCompactReader r(U8(in), in.size());
    EXPECT_EQ(r.ReadListHeader(&t, &n).code(), StatusCode::kCorrupt);
  }
  {
    // 3 doubles need 24 bytes; 16 are there.
    std::string in = Bytes({0x37});
    in.append(16, '\0');
    ThriftCompactReader r(U8(in), in.size());
    EXPECT_EQ(r.ReadListHeader(&t, &n).code(), StatusCode::kCorrupt);
  }
  {
    const std::string in = Bytes({0xff, 0xff, 0xff, 0xff, 0x07, 0x55, 1, 2});
    ThriftCompactReader r(U8(in), in.size());
    EXPECT_EQ(r.ReadMapHeader(&k, &v, &n).code(), StatusCode::kCorrupt);
  }
  {
    const std::string in = Bytes({0xff, 0xff, 0xff, 0xff, 0x07});  // binary of 2 GiB
    ThriftCompactReader r(U8(in), in.size());
    EXPECT_EQ(r.Skip(ThriftType::kBinary).code(), StatusCode::kCorrupt);
  }
}

TEST(ThriftCompactReaderTest, DeepNestingRejected) {
  // Structs: field 1 of type struct, nested 100 deep.
  std::string structs;
  for (int i = 0; i < 100; ++i) structs.push_back(0x1c);
  structs.append(101, '\0');
  {
    ThriftCompactReader r(U8(structs), structs.size());
    ASSERT_TRUE(r.BeginStruct().ok());
    ThriftFieldHeader fh;
    ASSERT_TRUE(r.ReadFieldHeader(&fh).ok());
    Status st = r.Skip(fh.type);
    EXPECT_EQ(st.code(), StatusCode::kCorrupt);
    EXPECT_NE(st.message().find("nested deeper than 64"), std::string::npos) << st.ToString();
  }
  {
    ThriftCompactReader r(U8(structs), structs.size());
    Status st;
    int opened = 0;
    for (; opened < 100 && st.ok(); ++opened) {
      st = r.BeginStruct();
      ThriftFieldHeader fh;
      if (st.ok()) st = r.ReadFieldHeader(&fh);
    }
    EXPECT_EQ(st.code(), StatusCode::kCorrupt);
    EXPECT_LE(opened, kMaxThriftDepth + 1);
  }
  {
    // Lists of lists, 1000 deep, inside a struct being skipped.
    std::string lists = Bytes({0x19});
    for (int i = 0; i < 1000; ++i) lists.push_back(0x19);
    lists.push_back(0x05);
    lists.push_back(0);
    ThriftCompactReader r(U8(lists), lists.size());
    ASSERT_TRUE(r.BeginStruct().ok());
    ThriftFieldHeader fh;
    ASSERT_TRUE(r.ReadFieldHeader(&fh).ok());
    EXPECT_EQ(r.Skip(fh.type).code(), StatusCode::kCorrupt);
  }
  {
    // 64 levels are fine.
    std::string ok;
    for (int i = 0; i < kMaxThriftDepth - 1; ++i) ok.push_back(0x1c);
    ok.append(kMaxThriftDepth, '\0');
    ThriftCompactReader r(U8(ok), ok.size());
    ASSERT_TRUE(r.BeginStruct().ok());
    ThriftFieldHeader fh;
    ASSERT_TRUE(r.ReadFieldHeader(&fh).ok());
    EXPECT_TRUE(r.Skip(fh.type).ok());
  }
}

TEST(ThriftCompactReaderTest, TypeNames) {
  EXPECT_EQ(ThriftTypeName(ThriftType::kI32), "i32");
  EXPECT_EQ(ThriftTypeName(ThriftType::kStruct), "struct");
  EXPECT_EQ(ThriftTypeName(static_cast<ThriftType>(14)), "type(14)");
}

}  // namespace
}  // namespace lakewatch::parquet
