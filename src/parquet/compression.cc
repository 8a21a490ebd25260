// Byte layouts handled here (all sizes in bytes):
//
//   SNAPPY   varint32 uncompressed_length, then snappy elements (snappy format_description.txt)
//   GZIP     member+ ; member = 1f 8b 08 flags mtime(4) xfl os [extra][name][comment][hcrc]
//                      deflate-data crc32(4 LE) isize(4 LE)                       (RFC 1952)
//            also read: zlib = cmf flg deflate-data adler32(4 BE)                 (RFC 1950)
//                       raw deflate-data                                          (RFC 1951)
//   LZ4 (5)  Hadoop:  block+ ; block = uncompressed_size(4 BE) compressed_size(4 BE)
//                                      lz4-block[compressed_size]
//            or one bare lz4-block, or LZ4 frame(s) (magic 04 22 4d 18)
//   LZ4_RAW  one bare lz4-block (lz4_Block_format.md)
//   ZSTD     frame+ (RFC 8878), skippable frames allowed
//
// Written: snappy (one buffer), gzip (one member, no name/mtime), zstd (one frame with content
// size), lz4_raw (one block).

#include "parquet/compression.h"

#include <lz4.h>
#include <lz4frame.h>
#include <lz4hc.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <string>

namespace lakewatch::parquet {

namespace {

Status CorruptCodec(Codec codec, std::string_view what) {
  std::string msg(CodecName(codec));
  msg += " page: ";
  msg += what;
  return Status::Corrupt(std::move(msg));
}

Status SizeMismatch(Codec codec, size_t got, size_t want) {
  return CorruptCodec(codec, "decompressed to " + std::to_string(got) +
                                 " bytes, page header says " + std::to_string(want));
}

uint32_t LoadBigEndian32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

// ---- snappy

Status SnappyDecompress(const uint8_t* in, size_t in_size, uint8_t* out, size_t out_size) {
  const char* src = reinterpret_cast<const char*>(in);
  size_t declared = 0;
  if (!snappy::GetUncompressedLength(src, in_size, &declared)) {
    return CorruptCodec(Codec::kSnappy, "bad length prefix");
  }
  // RawUncompress writes `declared` bytes: it must be exactly the caller's buffer.
  if (declared != out_size) return SizeMismatch(Codec::kSnappy, declared, out_size);
  if (!snappy::RawUncompress(src, in_size, reinterpret_cast<char*>(out))) {
    return CorruptCodec(Codec::kSnappy, "malformed or truncated data");
  }
  return Status::OK();
}

// ---- gzip / zlib / deflate

enum class DeflateWrapper { kGzip, kZlib, kRaw };

DeflateWrapper DetectWrapper(const uint8_t* in, size_t in_size) {
  if (in_size >= 2 && in[0] == 0x1f && in[1] == 0x8b) return DeflateWrapper::kGzip;
  // zlib: CM = 8 (deflate), CINFO <= 7, and the header checksum (FCHECK) holds.
  if (in_size >= 2 && (in[0] & 0x0f) == 8 && (in[0] >> 4) <= 7 &&
      ((uint32_t{in[0]} << 8) | in[1]) % 31 == 0) {
    return DeflateWrapper::kZlib;
  }
  return DeflateWrapper::kRaw;
}

int WindowBits(DeflateWrapper w) {
  switch (w) {
    case DeflateWrapper::kGzip:
      return 15 + 16;
    case DeflateWrapper::kZlib:
      return 15;
    case DeflateWrapper::kRaw:
      return -15;
  }
  return 15;
}

class InflateStream {
 public:
  InflateStream() = default;
  InflateStream(const InflateStream&) = delete;
  InflateStream& operator=(const InflateStream&) = delete;
  ~InflateStream() {
    if (initialized_) inflateEnd(&z_);
  }
  bool Init(int window_bits) {
    initialized_ = inflateInit2(&z_, window_bits) == Z_OK;
    return initialized_;
  }
  z_stream* get() { return &z_; }

 private:
  z_stream z_{};
  bool initialized_ = false;
};

// zlib counts in uInt; feed at most this much per call.
constexpr size_t kZlibChunk = std::numeric_limits<uInt>::max();

Status InflateExact(DeflateWrapper wrapper, const uint8_t* in, size_t in_size, uint8_t* out,
                    size_t out_size) {
  constexpr Codec kCodec = Codec::kGzip;
  InflateStream stream;
  if (!stream.Init(WindowBits(wrapper)))
    return Status::ResourceExhausted("zlib inflateInit failed");
  z_stream* z = stream.get();

  size_t in_pos = 0;
  size_t out_pos = 0;
  uint8_t overflow_probe = 0;  // receives output beyond out_size, which means a corrupt page
  while (true) {
    bool probing = out_pos == out_size;
    z->next_in = const_cast<Bytef*>(in + in_pos);
    z->avail_in = static_cast<uInt>(std::min(in_size - in_pos, kZlibChunk));
    z->next_out = probing ? &overflow_probe : out + out_pos;
    z->avail_out = probing ? 1 : static_cast<uInt>(std::min(out_size - out_pos, kZlibChunk));
    uInt avail_in_before = z->avail_in;
    uInt avail_out_before = z->avail_out;
    int rc = inflate(z, Z_NO_FLUSH);
    size_t consumed = avail_in_before - z->avail_in;
    size_t produced = avail_out_before - z->avail_out;
    in_pos += consumed;
    if (probing && produced > 0) {
      return CorruptCodec(kCodec, "decompresses to more than the page header's " +
                                      std::to_string(out_size) + " bytes");
    }
    if (!probing) out_pos += produced;

    if (rc == Z_STREAM_END) {
      if (in_pos == in_size) break;
      // Another gzip member follows (concatenated members form one page).
      if (wrapper != DeflateWrapper::kGzip) {
        return CorruptCodec(
            kCodec, std::to_string(in_size - in_pos) + " trailing bytes after the deflate stream");
      }
      if (inflateReset(z) != Z_OK) return CorruptCodec(kCodec, "inflateReset failed");
      continue;
    }
    if (rc == Z_OK) continue;
    if (rc == Z_BUF_ERROR) {
      // No progress possible: input exhausted mid-stream (output space remains, or we were only
      // probing for excess output, which is then absent but the stream still unfinished).
      if (consumed == 0 && produced == 0) {
        return CorruptCodec(kCodec, in_pos == in_size ? "truncated stream" : "stream stalled");
      }
      continue;
    }
    const char* msg = z->msg != nullptr ? z->msg : "inflate error";
    return CorruptCodec(kCodec, std::string(msg) + " at input byte " + std::to_string(in_pos));
  }
  if (out_pos != out_size) return SizeMismatch(kCodec, out_pos, out_size);
  return Status::OK();
}

Status GzipDecompress(const uint8_t* in, size_t in_size, uint8_t* out, size_t out_size) {
  if (in_size == 0) {
    if (out_size == 0) return Status::OK();
    return CorruptCodec(Codec::kGzip, "empty input");
  }
  DeflateWrapper wrapper = DetectWrapper(in, in_size);
  Status st = InflateExact(wrapper, in, in_size, out, out_size);
  // 1 in 31 raw deflate streams starts with bytes that pass the zlib header check.
  if (!st.ok() && wrapper == DeflateWrapper::kZlib) {
    if (InflateExact(DeflateWrapper::kRaw, in, in_size, out, out_size).ok()) return Status::OK();
  }
  return st;
}

// ---- lz4

bool FitsInt(size_t n) { return n <= static_cast<size_t>(std::numeric_limits<int>::max()); }

// One bare LZ4 block that must decode to exactly out_size bytes.
bool Lz4BlockExact(const uint8_t* in, size_t in_size, uint8_t* out, size_t out_size) {
  if (!FitsInt(in_size) || !FitsInt(out_size)) return false;
  if (in_size == 0) return out_size == 0;
  int n = LZ4_decompress_safe(reinterpret_cast<const char*>(in), reinterpret_cast<char*>(out),
                              static_cast<int>(in_size), static_cast<int>(out_size));
  return n >= 0 && static_cast<size_t>(n) == out_size;
}

// Hadoop framing; false when the bytes are not a well-formed sequence of blocks that fills
// out_size exactly.
bool Lz4HadoopExact(const uint8_t* in, size_t in_size, uint8_t* out, size_t out_size) {
  constexpr size_t kHeader = 8;
  if (in_size < kHeader) return false;
  size_t in_pos = 0;
  size_t out_pos = 0;
  while (in_size - in_pos >= kHeader) {
    size_t block_out = LoadBigEndian32(in + in_pos);
    size_t block_in = LoadBigEndian32(in + in_pos + 4);
    in_pos += kHeader;
    if (block_in > in_size - in_pos || block_out > out_size - out_pos) return false;
    if (!Lz4BlockExact(in + in_pos, block_in, out + out_pos, block_out)) return false;
    in_pos += block_in;
    out_pos += block_out;
  }
  return in_pos == in_size && out_pos == out_size;
}

struct Lz4FrameContextDeleter {
  void operator()(LZ4F_dctx* d) const { LZ4F_freeDecompressionContext(d); }
};

// One or more LZ4 frames that together fill out_size exactly.
bool Lz4FrameExact(const uint8_t* in, size_t in_size, uint8_t* out, size_t out_size) {
  if (in_size < 4) return false;
  LZ4F_dctx* raw = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&raw, LZ4F_VERSION))) return false;
  std::unique_ptr<LZ4F_dctx, Lz4FrameContextDeleter> dctx(raw);
  size_t in_pos = 0;
  size_t out_pos = 0;
  size_t hint = 1;  // LZ4F_decompress returns 0 exactly when a frame has just ended
  uint8_t overflow_probe = 0;
  while (in_pos < in_size) {
    bool probing = out_pos == out_size;
    size_t src = in_size - in_pos;
    size_t dst = probing ? 1 : out_size - out_pos;
    hint = LZ4F_decompress(dctx.get(), probing ? &overflow_probe : out + out_pos, &dst, in + in_pos,
                           &src, nullptr);
    if (LZ4F_isError(hint)) return false;
    if (probing && dst > 0) return false;  // more output than the page header says
    if (!probing) out_pos += dst;
    in_pos += src;
    if (src == 0 && dst == 0) return false;  // no progress
  }
  return hint == 0 && out_pos == out_size;  // else the last frame is truncated
}

Status Lz4HadoopDecompress(const uint8_t* in, size_t in_size, uint8_t* out, size_t out_size) {
  if (in_size == 0 && out_size == 0) return Status::OK();
  if (Lz4HadoopExact(in, in_size, out, out_size)) return Status::OK();
  if (Lz4BlockExact(in, in_size, out, out_size)) return Status::OK();
  if (Lz4FrameExact(in, in_size, out, out_size)) return Status::OK();
  return CorruptCodec(Codec::kLz4Hadoop,
                      "neither Hadoop-framed LZ4, a raw LZ4 block nor an LZ4 frame decoding to " +
                          std::to_string(out_size) + " bytes");
}

Status Lz4RawDecompress(const uint8_t* in, size_t in_size, uint8_t* out, size_t out_size) {
  if (!FitsInt(in_size) || !FitsInt(out_size)) {
    return Status::NotSupported("LZ4_RAW page larger than 2 GiB");
  }
  if (in_size == 0) {
    if (out_size == 0) return Status::OK();
    return CorruptCodec(Codec::kLz4Raw, "empty input");
  }
  int n = LZ4_decompress_safe(reinterpret_cast<const char*>(in), reinterpret_cast<char*>(out),
                              static_cast<int>(in_size), static_cast<int>(out_size));
  if (n < 0) {
    return CorruptCodec(Codec::kLz4Raw, "malformed block, or it decodes to more than " +
                                            std::to_string(out_size) + " bytes");
  }
  if (static_cast<size_t>(n) != out_size) return SizeMismatch(Codec::kLz4Raw, n, out_size);
  return Status::OK();
}

// ---- zstd

struct ZstdDCtxDeleter {
  void operator()(ZSTD_DCtx* c) const { ZSTD_freeDCtx(c); }
};
struct ZstdCCtxDeleter {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};

// Reused per thread: creating a context costs more than decompressing a small page.
ZSTD_DCtx* ThreadZstdDCtx() {
  thread_local std::unique_ptr<ZSTD_DCtx, ZstdDCtxDeleter> ctx(ZSTD_createDCtx());
  return ctx.get();
}

ZSTD_CCtx* ThreadZstdCCtx() {
  thread_local std::unique_ptr<ZSTD_CCtx, ZstdCCtxDeleter> ctx(ZSTD_createCCtx());
  return ctx.get();
}

Status ZstdDecompress(const uint8_t* in, size_t in_size, uint8_t* out, size_t out_size) {
  ZSTD_DCtx* dctx = ThreadZstdDCtx();
  if (dctx == nullptr) return Status::ResourceExhausted("ZSTD_createDCtx failed");
  // A previous call may have failed midway; start clean.
  ZSTD_DCtx_reset(dctx, ZSTD_reset_session_only);
  size_t n = ZSTD_decompressDCtx(dctx, out, out_size, in, in_size);
  if (ZSTD_isError(n)) {
    if (ZSTD_getErrorCode(n) == ZSTD_error_dstSize_tooSmall) {
      return CorruptCodec(Codec::kZstd, "decompresses to more than the page header's " +
                                            std::to_string(out_size) + " bytes");
    }
    return CorruptCodec(Codec::kZstd, ZSTD_getErrorName(n));
  }
  if (n != out_size) return SizeMismatch(Codec::kZstd, n, out_size);
  return Status::OK();
}

// ---- compression

Status GzipCompress(const uint8_t* in, size_t in_size, int level, Buffer* out) {
  if (level == kDefaultCompressionLevel) level = Z_DEFAULT_COMPRESSION;
  level = std::clamp(level, -1, 9);
  z_stream z{};
  if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return Status::ResourceExhausted("zlib deflateInit failed");
  }
  size_t start = out->size();
  size_t in_pos = 0;
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    size_t chunk = std::min(in_size - in_pos, kZlibChunk);
    bool last = in_pos + chunk == in_size;
    z.next_in = const_cast<Bytef*>(in + in_pos);
    z.avail_in = static_cast<uInt>(chunk);
    // Room for this chunk in one go, so each deflate call drains its input.
    size_t room = deflateBound(&z, static_cast<uLong>(chunk)) + 64;
    size_t before = out->size();
    out->Resize(before + room);
    z.next_out = out->data() + before;
    z.avail_out = static_cast<uInt>(std::min(room, kZlibChunk));
    rc = deflate(&z, last ? Z_FINISH : Z_NO_FLUSH);
    out->Resize(before + (std::min(room, kZlibChunk) - z.avail_out));
    in_pos += chunk - z.avail_in;
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      deflateEnd(&z);
      out->Resize(start);
      return Status::Internal("zlib deflate failed: " + std::to_string(rc));
    }
  }
  deflateEnd(&z);
  return Status::OK();
}

}  // namespace

std::string_view CodecName(Codec codec) {
  switch (codec) {
    case Codec::kUncompressed:
      return "UNCOMPRESSED";
    case Codec::kSnappy:
      return "SNAPPY";
    case Codec::kGzip:
      return "GZIP";
    case Codec::kLzo:
      return "LZO";
    case Codec::kBrotli:
      return "BROTLI";
    case Codec::kLz4Hadoop:
      return "LZ4";
    case Codec::kZstd:
      return "ZSTD";
    case Codec::kLz4Raw:
      return "LZ4_RAW";
  }
  return "CODEC(?)";
}

Result<Codec> CodecFromThrift(int32_t value) {
  if (value < 0 || value > static_cast<int32_t>(Codec::kLz4Raw)) {
    return Status::NotSupported("compression codec " + std::to_string(value) +
                                " (parquet.thrift defines 0..7)");
  }
  return static_cast<Codec>(value);
}

Status Decompress(Codec codec, const uint8_t* in, size_t in_size, uint8_t* out, size_t out_size) {
  switch (codec) {
    case Codec::kUncompressed:
      if (in_size != out_size) return SizeMismatch(codec, in_size, out_size);
      if (out_size > 0) std::copy(in, in + in_size, out);
      return Status::OK();
    case Codec::kSnappy:
      return SnappyDecompress(in, in_size, out, out_size);
    case Codec::kGzip:
      return GzipDecompress(in, in_size, out, out_size);
    case Codec::kLz4Hadoop:
      return Lz4HadoopDecompress(in, in_size, out, out_size);
    case Codec::kZstd:
      return ZstdDecompress(in, in_size, out, out_size);
    case Codec::kLz4Raw:
      return Lz4RawDecompress(in, in_size, out, out_size);
    case Codec::kLzo:
    case Codec::kBrotli:
      return Status::NotSupported(std::string(CodecName(codec)) + " compression");
  }
  return Status::NotSupported("compression codec " + std::to_string(static_cast<int>(codec)));
}

size_t MaxCompressedSize(Codec codec, size_t in_size) {
  switch (codec) {
    case Codec::kUncompressed:
      return in_size;
    case Codec::kSnappy:
      if (in_size > std::numeric_limits<uint32_t>::max()) return 0;
      return snappy::MaxCompressedLength(in_size);
    case Codec::kGzip:
      // zlib's bound for its own wrapper (6 bytes) plus the larger gzip header and trailer (18),
      // plus the per-chunk slack GzipCompress reserves.
      return compressBound(static_cast<uLong>(in_size)) + 18 + 64 * (1 + in_size / kZlibChunk);
    case Codec::kZstd:
      return ZSTD_compressBound(in_size);
    case Codec::kLz4Raw:
      if (!FitsInt(in_size) || in_size > LZ4_MAX_INPUT_SIZE) return 0;
      return static_cast<size_t>(LZ4_compressBound(static_cast<int>(in_size)));
    case Codec::kLzo:
    case Codec::kBrotli:
    case Codec::kLz4Hadoop:
      return 0;
  }
  return 0;
}

Status Compress(Codec codec, const uint8_t* in, size_t in_size, int level, Buffer* out) {
  size_t start = out->size();
  switch (codec) {
    case Codec::kUncompressed:
      out->Append(in, in_size);
      return Status::OK();
    case Codec::kSnappy: {
      size_t bound = MaxCompressedSize(codec, in_size);
      if (bound == 0) return Status::NotSupported("SNAPPY page larger than 4 GiB");
      out->Resize(start + bound);
      size_t n = 0;
      snappy::RawCompress(reinterpret_cast<const char*>(in), in_size,
                          reinterpret_cast<char*>(out->data() + start), &n);
      out->Resize(start + n);
      return Status::OK();
    }
    case Codec::kGzip:
      return GzipCompress(in, in_size, level, out);
    case Codec::kZstd: {
      ZSTD_CCtx* cctx = ThreadZstdCCtx();
      if (cctx == nullptr) return Status::ResourceExhausted("ZSTD_createCCtx failed");
      if (level == kDefaultCompressionLevel) level = kZstdDefaultLevel;
      level = std::clamp(level, ZSTD_minCLevel(), ZSTD_maxCLevel());
      size_t bound = ZSTD_compressBound(in_size);
      out->Resize(start + bound);
      size_t n = ZSTD_compressCCtx(cctx, out->data() + start, bound, in, in_size, level);
      if (ZSTD_isError(n)) {
        out->Resize(start);
        return Status::Internal(std::string("zstd compression failed: ") + ZSTD_getErrorName(n));
      }
      out->Resize(start + n);
      return Status::OK();
    }
    case Codec::kLz4Raw: {
      size_t bound = MaxCompressedSize(codec, in_size);
      if (bound == 0) return Status::NotSupported("LZ4_RAW page larger than LZ4's 2 GiB limit");
      out->Resize(start + bound);
      const char* src = reinterpret_cast<const char*>(in);
      char* dst = reinterpret_cast<char*>(out->data() + start);
      int n;
      if (level != kDefaultCompressionLevel && level >= 3) {
        n = LZ4_compress_HC(src, dst, static_cast<int>(in_size), static_cast<int>(bound),
                            std::min(level, LZ4HC_CLEVEL_MAX));
      } else {
        n = LZ4_compress_default(src, dst, static_cast<int>(in_size), static_cast<int>(bound));
      }
      if (n <= 0 && in_size > 0) {
        out->Resize(start);
        return Status::Internal("LZ4 compression failed");
      }
      out->Resize(start + static_cast<size_t>(std::max(n, 0)));
      return Status::OK();
    }
    case Codec::kLz4Hadoop:
      return Status::NotSupported("writing LZ4 (deprecated Hadoop framing); use LZ4_RAW");
    case Codec::kLzo:
    case Codec::kBrotli:
      return Status::NotSupported(std::string(CodecName(codec)) + " compression");
  }
  return Status::NotSupported("compression codec " + std::to_string(static_cast<int>(codec)));
}

}  // namespace lakewatch::parquet
