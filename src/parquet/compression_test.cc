#include "parquet/compression.h"

#include <gtest/gtest.h>
#include <lz4.h>
#include <lz4frame.h>
#include <zlib.h>

#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace lakewatch::parquet {
namespace {

using Bytes = std::vector<uint8_t>;

constexpr size_t kMiB = size_t{1} << 20;

Bytes RandomBytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Bytes b(n);
  for (auto& x : b) x = static_cast<uint8_t>(rng());
  return b;
}

// Log-like text: compresses well, with some variety so every codec has real work to do.
Bytes RepetitiveBytes(size_t n) {
  static constexpr const char* kWords[] = {"model=fraud ", "version=v3 ", "latency_ms=12 ",
                                           "level=info ",  "country=NG ", "score=0.91\n"};
  Bytes b;
  b.reserve(n);
  for (size_t i = 0; b.size() < n; ++i) {
    const char* w = kWords[(i * 7 + i / 5) % 6];
    for (const char* p = w; *p != '\0' && b.size() < n; ++p) b.push_back(static_cast<uint8_t>(*p));
  }
  return b;
}

Bytes ToBytes(const Buffer& buf) { return Bytes(buf.data(), buf.data() + buf.size()); }

Bytes MustCompress(Codec codec, const Bytes& in, int level = kDefaultCompressionLevel) {
  Buffer out;
  Status st = Compress(codec, in.data(), in.size(), level, &out);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return ToBytes(out);
}

// Decompresses into a heap block of exactly out_size bytes, so ASan sees any overrun.
Status DecompressTo(Codec codec, const Bytes& in, size_t out_size, Bytes* result) {
  std::unique_ptr<uint8_t[]> out(new uint8_t[out_size == 0 ? 1 : out_size]);
  Status st =
      Decompress(codec, in.data(), in.size(), out_size == 0 ? nullptr : out.get(), out_size);
  if (st.ok() && result != nullptr) result->assign(out.get(), out.get() + out_size);
  return st;
}

Bytes GzipMember(const Bytes& data, int window_bits = 15 + 16) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY), Z_OK);
  Bytes out(deflateBound(&z, data.size()) + 32);
  z.next_in = const_cast<Bytef*>(data.data());
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(out.size() - z.avail_out);
  deflateEnd(&z);
  return out;
}

Bytes Lz4Block(const Bytes& data) {
  Bytes out(LZ4_compressBound(static_cast<int>(data.size())));
  int n = LZ4_compress_default(reinterpret_cast<const char*>(data.data()),
                               reinterpret_cast<char*>(out.data()), static_cast<int>(data.size()),
                               static_cast<int>(out.size()));
  EXPECT_GT(n, 0);
  out.resize(n);
  return out;
}

void PutBigEndian32(Bytes* b, uint32_t v) {
  b->push_back(static_cast<uint8_t>(v >> 24));
  b->push_back(static_cast<uint8_t>(v >> 16));
  b->push_back(static_cast<uint8_t>(v >> 8));
  b->push_back(static_cast<uint8_t>(v));
}

// Hadoop's BlockCompressorStream layout, as parquet-mr wrote codec LZ4: per block the
// big-endian uncompressed size, the big-endian compressed size, then the raw LZ4 block.
Bytes HadoopLz4(const std::vector<Bytes>& blocks) {
  Bytes out;
  for (const Bytes& block : blocks) {
    Bytes c = Lz4Block(block);
    PutBigEndian32(&out, static_cast<uint32_t>(block.size()));
    PutBigEndian32(&out, static_cast<uint32_t>(c.size()));
    out.insert(out.end(), c.begin(), c.end());
  }
  return out;
}

Bytes Concat(const Bytes& a, const Bytes& b) {
  Bytes out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

// ---- round trips: every writable codec x data kind x size x level

struct RoundTripCase {
  Codec codec;
  int level;
};

class RoundTripTest : public ::testing::TestWithParam<RoundTripCase> {};

TEST_P(RoundTripTest, RandomAndRepetitiveData) {
  const RoundTripCase& c = GetParam();
  for (size_t size : {size_t{0}, size_t{1}, size_t{1000}, kMiB}) {
    for (bool repetitive : {false, true}) {
      SCOPED_TRACE(std::string(CodecName(c.codec)) + " size=" + std::to_string(size) +
                   (repetitive ? " repetitive" : " random"));
      Bytes data = repetitive ? RepetitiveBytes(size) : RandomBytes(size, size + 17);
      Bytes compressed = MustCompress(c.codec, data, c.level);
      EXPECT_LE(compressed.size(), MaxCompressedSize(c.codec, size));
      if (repetitive && size == kMiB && c.codec != Codec::kUncompressed) {
        EXPECT_LT(compressed.size(), size / 4);
      }
      Bytes back;
      Status st = DecompressTo(c.codec, compressed, size, &back);
      ASSERT_TRUE(st.ok()) << st.ToString();
      EXPECT_EQ(back, data);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Codecs, RoundTripTest,
    ::testing::Values(RoundTripCase{Codec::kUncompressed, kDefaultCompressionLevel},
                      RoundTripCase{Codec::kSnappy, kDefaultCompressionLevel},
                      RoundTripCase{Codec::kGzip, kDefaultCompressionLevel},
                      RoundTripCase{Codec::kGzip, 1}, RoundTripCase{Codec::kGzip, 9},
                      RoundTripCase{Codec::kZstd, kDefaultCompressionLevel},
                      RoundTripCase{Codec::kZstd, 1}, RoundTripCase{Codec::kZstd, -5},
                      RoundTripCase{Codec::kZstd, 9},
                      RoundTripCase{Codec::kLz4Raw, kDefaultCompressionLevel},
                      RoundTripCase{Codec::kLz4Raw, 9}),
    [](const ::testing::TestParamInfo<RoundTripCase>& info) {
      std::string level =
          info.param.level == kDefaultCompressionLevel
              ? "Default"
              : (info.param.level < 0 ? "Minus" : "") + std::to_string(std::abs(info.param.level));
      return std::string(CodecName(info.param.codec)) + "_Level" + level;
    });

TEST(CompressTest, AppendsAfterExistingBytes) {
  Bytes data = RepetitiveBytes(5000);
  for (Codec codec :
       {Codec::kUncompressed, Codec::kSnappy, Codec::kGzip, Codec::kZstd, Codec::kLz4Raw}) {
    SCOPED_TRACE(CodecName(codec));
    Buffer out;
    out.Append("HEAD");
    ASSERT_TRUE(Compress(codec, data.data(), data.size(), kDefaultCompressionLevel, &out).ok());
    ASSERT_GE(out.size(), 4u);
    EXPECT_EQ(std::memcmp(out.data(), "HEAD", 4), 0);
    Bytes compressed(out.data() + 4, out.data() + out.size());
    Bytes back;
    ASSERT_TRUE(DecompressTo(codec, compressed, data.size(), &back).ok());
    EXPECT_EQ(back, data);
  }
}

TEST(CompressTest, UnwritableCodecsAreNotSupported) {
  Bytes data = RepetitiveBytes(100);
  for (Codec codec : {Codec::kLzo, Codec::kBrotli, Codec::kLz4Hadoop}) {
    Buffer out;
    out.Append("x");
    Status st = Compress(codec, data.data(), data.size(), kDefaultCompressionLevel, &out);
    EXPECT_EQ(st.code(), StatusCode::kNotSupported) << CodecName(codec);
    EXPECT_EQ(out.size(), 1u);
    EXPECT_EQ(MaxCompressedSize(codec, 100), 0u);
  }
}

// ---- decoding what other writers produce

TEST(DecompressTest, GzipConcatenatedMembers) {
  Bytes a = RepetitiveBytes(70000);
  Bytes b = RandomBytes(3000, 5);
  Bytes two = Concat(GzipMember(a), GzipMember(b));
  Bytes back;
  Status st = DecompressTo(Codec::kGzip, two, a.size() + b.size(), &back);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(back, Concat(a, b));

  // An empty trailing member adds nothing and is accepted.
  Bytes with_empty = Concat(two, GzipMember({}));
  EXPECT_TRUE(DecompressTo(Codec::kGzip, with_empty, a.size() + b.size(), nullptr).ok());

  // The page header's size must cover both members: one member's worth is too small.
  EXPECT_EQ(DecompressTo(Codec::kGzip, two, a.size(), nullptr).code(), StatusCode::kCorrupt);
  EXPECT_EQ(DecompressTo(Codec::kGzip, two, a.size() + b.size() + 1, nullptr).code(),
            StatusCode::kCorrupt);
}

TEST(DecompressTest, GzipAcceptsZlibAndRawDeflate) {
  Bytes data = RepetitiveBytes(20000);
  for (int window_bits : {15, -15}) {
    SCOPED_TRACE(window_bits);
    Bytes back;
    Status st = DecompressTo(Codec::kGzip, GzipMember(data, window_bits), data.size(), &back);
    ASSERT_TRUE(st.ok()) << st.ToString();
    EXPECT_EQ(back, data);
  }
}

TEST(DecompressTest, GzipChecksumCatchesFlippedByte) {
  Bytes data = RandomBytes(4000, 9);
  Bytes member = GzipMember(data);
  member[member.size() / 2] ^= 0x40;
  EXPECT_EQ(DecompressTo(Codec::kGzip, member, data.size(), nullptr).code(), StatusCode::kCorrupt);
}

TEST(DecompressTest, Lz4HadoopFraming) {
  Bytes a = RepetitiveBytes(200000);
  Bytes b = RandomBytes(1000, 3);
  Bytes c = RepetitiveBytes(1);
  Bytes framed = HadoopLz4({a, b, c});
  Bytes back;
  Status st = DecompressTo(Codec::kLz4Hadoop, framed, a.size() + b.size() + c.size(), &back);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(back, Concat(Concat(a, b), c));

  // One block, as parquet-mr wrote small pages.
  Bytes one = HadoopLz4({a});
  ASSERT_TRUE(DecompressTo(Codec::kLz4Hadoop, one, a.size(), &back).ok());
  EXPECT_EQ(back, a);

  // Wrong total size or a cut-off last block is corrupt.
  EXPECT_EQ(DecompressTo(Codec::kLz4Hadoop, framed, a.size() + b.size(), nullptr).code(),
            StatusCode::kCorrupt);
  Bytes cut(framed.begin(), framed.end() - 3);
  EXPECT_EQ(DecompressTo(Codec::kLz4Hadoop, cut, a.size() + b.size() + c.size(), nullptr).code(),
            StatusCode::kCorrupt);
}

TEST(DecompressTest, Lz4FallsBackToRawBlock) {
  Bytes data = RepetitiveBytes(50000);
  Bytes back;
  Status st = DecompressTo(Codec::kLz4Hadoop, Lz4Block(data), data.size(), &back);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(back, data);
}

TEST(DecompressTest, Lz4FallsBackToFrameFormat) {
  Bytes data = RepetitiveBytes(300000);
  Bytes frame(LZ4F_compressFrameBound(data.size(), nullptr));
  size_t n = LZ4F_compressFrame(frame.data(), frame.size(), data.data(), data.size(), nullptr);
  ASSERT_FALSE(LZ4F_isError(n));
  frame.resize(n);
  Bytes back;
  Status st = DecompressTo(Codec::kLz4Hadoop, frame, data.size(), &back);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(back, data);

  Bytes cut(frame.begin(), frame.end() - 4);  // drops the end mark
  EXPECT_EQ(DecompressTo(Codec::kLz4Hadoop, cut, data.size(), nullptr).code(),
            StatusCode::kCorrupt);
  EXPECT_EQ(DecompressTo(Codec::kLz4Hadoop, frame, data.size() - 1, nullptr).code(),
            StatusCode::kCorrupt);
}

TEST(DecompressTest, ZstdConcatenatedFrames) {
  Bytes a = RepetitiveBytes(10000);
  Bytes b = RandomBytes(777, 1);
  Bytes frames = Concat(MustCompress(Codec::kZstd, a), MustCompress(Codec::kZstd, b));
  Bytes back;
  ASSERT_TRUE(DecompressTo(Codec::kZstd, frames, a.size() + b.size(), &back).ok());
  EXPECT_EQ(back, Concat(a, b));
}

// ---- corrupt, truncated and mis-sized input: a Corrupt status, never a crash or overrun

class BadInputTest : public ::testing::TestWithParam<Codec> {};

// kLz4Hadoop has no writer: its input is framed by hand.
Bytes CompressedFor(Codec codec, const Bytes& data) {
  return codec == Codec::kLz4Hadoop ? HadoopLz4({data}) : MustCompress(codec, data);
}

TEST_P(BadInputTest, WrongSizeTruncatedAndGarbage) {
  Codec codec = GetParam();
  Bytes data = RepetitiveBytes(100000);
  Bytes compressed = CompressedFor(codec, data);

  // Output buffer one byte too small or too large.
  EXPECT_EQ(DecompressTo(codec, compressed, data.size() - 1, nullptr).code(), StatusCode::kCorrupt);
  EXPECT_EQ(DecompressTo(codec, compressed, data.size() + 1, nullptr).code(), StatusCode::kCorrupt);
  EXPECT_EQ(DecompressTo(codec, compressed, 10, nullptr).code(), StatusCode::kCorrupt);
  EXPECT_EQ(DecompressTo(codec, compressed, 0, nullptr).code(), StatusCode::kCorrupt);

  // Truncated at several points.
  for (size_t keep :
       {size_t{0}, size_t{1}, size_t{5}, compressed.size() / 2, compressed.size() - 1}) {
    SCOPED_TRACE(keep);
    Bytes cut(compressed.begin(), compressed.begin() + keep);
    Status st = DecompressTo(codec, cut, data.size(), nullptr);
    EXPECT_EQ(st.code(), StatusCode::kCorrupt) << st.ToString();
    EXPECT_NE(st.message().find(CodecName(codec)), std::string::npos) << st.message();
  }

  // Garbage of various lengths into a large buffer.
  for (uint64_t seed = 0; seed < 20; ++seed) {
    Bytes junk = RandomBytes(1 + seed * 37, seed);
    EXPECT_FALSE(DecompressTo(codec, junk, data.size(), nullptr).ok()) << seed;
  }
}

TEST_P(BadInputTest, FlippedBytesNeverOverrun) {
  // Without checksums a flipped byte may still decode to the right size; what matters is that
  // decoding stays inside the buffer (ASan) and ends with a status.
  Codec codec = GetParam();
  Bytes data = RandomBytes(3000, 2);
  Bytes rep = RepetitiveBytes(3000);
  data.insert(data.end(), rep.begin(), rep.end());
  Bytes compressed = CompressedFor(codec, data);
  std::mt19937_64 rng(42);
  for (int i = 0; i < 200; ++i) {
    Bytes bad = compressed;
    bad[rng() % bad.size()] ^= static_cast<uint8_t>(1 + rng() % 255);
    (void)DecompressTo(codec, bad, data.size(), nullptr);
  }
}

INSTANTIATE_TEST_SUITE_P(Codecs, BadInputTest,
                         ::testing::Values(Codec::kSnappy, Codec::kGzip, Codec::kZstd,
                                           Codec::kLz4Raw, Codec::kLz4Hadoop),
                         [](const ::testing::TestParamInfo<Codec>& info) {
                           return std::string(CodecName(info.param));
                         });

TEST(DecompressTest, UncompressedSizeMustMatch) {
  Bytes data = RandomBytes(10, 1);
  EXPECT_TRUE(DecompressTo(Codec::kUncompressed, data, 10, nullptr).ok());
  EXPECT_EQ(DecompressTo(Codec::kUncompressed, data, 9, nullptr).code(), StatusCode::kCorrupt);
  EXPECT_EQ(DecompressTo(Codec::kUncompressed, data, 11, nullptr).code(), StatusCode::kCorrupt);
}

TEST(DecompressTest, SnappyLengthPrefixIsNotTrusted) {
  // A prefix claiming 1 GiB must not make us write (or allocate) beyond the 16-byte buffer.
  Bytes liar = {0x80, 0x80, 0x80, 0x80, 0x04, 0x00};
  EXPECT_EQ(DecompressTo(Codec::kSnappy, liar, 16, nullptr).code(), StatusCode::kCorrupt);
}

TEST(DecompressTest, HadoopHeaderSizesAreNotTrusted) {
  Bytes liar;
  PutBigEndian32(&liar, 0x7fffffff);  // "uncompressed" size far beyond the page
  PutBigEndian32(&liar, 4);
  liar.insert(liar.end(), {0x10, 'a', 0, 0});
  EXPECT_EQ(DecompressTo(Codec::kLz4Hadoop, liar, 64, nullptr).code(), StatusCode::kCorrupt);
}

TEST(DecompressTest, LzoAndBrotliAreNotSupported) {
  Bytes data = {1, 2, 3};
  Status lzo = DecompressTo(Codec::kLzo, data, 3, nullptr);
  EXPECT_EQ(lzo.code(), StatusCode::kNotSupported);
  EXPECT_NE(lzo.message().find("LZO"), std::string::npos);
  Status brotli = DecompressTo(Codec::kBrotli, data, 3, nullptr);
  EXPECT_EQ(brotli.code(), StatusCode::kNotSupported);
  EXPECT_NE(brotli.message().find("BROTLI"), std::string::npos);
}

TEST(CodecTest, ThriftValuesAndNames) {
  for (int32_t v = 0; v <= 7; ++v) {
    Result<Codec> codec = CodecFromThrift(v);
    ASSERT_TRUE(codec.ok());
    EXPECT_EQ(static_cast<int32_t>(*codec), v);
  }
  EXPECT_EQ(CodecFromThrift(8).status().code(), StatusCode::kNotSupported);
  EXPECT_EQ(CodecFromThrift(-1).status().code(), StatusCode::kNotSupported);
  EXPECT_EQ(CodecName(Codec::kLz4Raw), "LZ4_RAW");
  EXPECT_EQ(CodecName(Codec::kLz4Hadoop), "LZ4");
  EXPECT_EQ(CodecName(Codec::kZstd), "ZSTD");
}

TEST(ThreadTest, ConcurrentZstdUsesPerThreadContexts) {
  auto work = [](uint64_t seed, bool* ok) {
    *ok = true;
    for (int i = 0; i < 50; ++i) {
      Bytes data = RandomBytes(1000 + i * 100, seed + i);
      Bytes rep = RepetitiveBytes(5000);
      data.insert(data.end(), rep.begin(), rep.end());
      Buffer out;
      if (!Compress(Codec::kZstd, data.data(), data.size(), 3, &out).ok()) *ok = false;
      Bytes back(data.size());
      if (!Decompress(Codec::kZstd, out.data(), out.size(), back.data(), back.size()).ok() ||
          back != data) {
        *ok = false;
      }
    }
  };
  bool ok1 = false;
  bool ok2 = false;
  std::thread t1(work, 1, &ok1);
  std::thread t2(work, 1000, &ok2);
  t1.join();
  t2.join();
  EXPECT_TRUE(ok1);
  EXPECT_TRUE(ok2);
}

}  // namespace
}  // namespace lakewatch::parquet
