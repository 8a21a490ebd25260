// Page compression codecs of Parquet: whole-buffer decompression of every codec real writers
// use, and compression for the ones lakewatch writes.
//
// Decompress is given the exact uncompressed size (a page header's uncompressed_page_size) and
// must produce exactly that many bytes; any disagreement, library error or truncated stream is
// Status::Corrupt naming the codec. Sizes inside the input (snappy's length prefix, Hadoop LZ4
// block headers, zstd frame headers) are never trusted to size a write or an allocation: output
// goes only into the caller's buffer, and the decoders' own working memory is bounded by the
// formats (LZ4 frame blocks <= 4 MiB; zstd decodes straight into the caller's buffer).
//
// Codec notes (parquet-format Compression.md):
// - GZIP: RFC 1952 members; several concatenated members are one page (some writers emit
//   them). zlib (RFC 1950) and raw deflate (RFC 1951) streams are accepted as well.
// - LZ4 (5, deprecated): parquet-mr wrote Hadoop's framing, each block being a big-endian
//   uint32 uncompressed size, a big-endian uint32 compressed size, then a raw LZ4 block;
//   parquet-cpp < 2.0 wrote a bare LZ4 block; some wrote the LZ4 frame format. Tried in that
//   order, as Arrow does; the first that yields exactly `out_size` bytes wins.
// - LZ4_RAW (7): one bare LZ4 block.
// - ZSTD: one or more frames.
// - LZO, BROTLI: Status::NotSupported naming the codec.
//
// Thread-safety: all functions may be called concurrently; zstd contexts are thread_local.
#pragma once

#include <climits>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/buffer.h"
#include "common/status.h"

namespace lakewatch::parquet {

// Numbered as parquet.thrift's CompressionCodec, so a metadata value converts with
// CodecFromThrift() (or a static_cast once validated).
enum class Codec : int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kLzo = 3,
  kBrotli = 4,
  kLz4Hadoop = 5,  // parquet "LZ4", deprecated: Hadoop framing or raw block, detected on read
  kZstd = 6,
  kLz4Raw = 7,
};

// Passed as `level` to pick the codec's default (zstd 1, gzip 6, lz4_raw fast mode).
inline constexpr int kDefaultCompressionLevel = INT_MIN;

// zstd's level for kDefaultCompressionLevel: 1, not zstd's own default 3. On Parquet pages
// (about 1 MiB, each compressed on its own) level 1 wrote smaller files than level 3 in our
// measurements (10M rows of the Parquet benchmark: 649.9 MB against 658.8 MB; 1M ingested
// events: 31.1 MB against 31.6 MB) and compresses ~1.4x faster (bench/RESULTS.md).
inline constexpr int kZstdDefaultLevel = 1;

// The parquet.thrift spelling: "UNCOMPRESSED", "SNAPPY", ..., "LZ4_RAW"; "CODEC(<n>)" otherwise.
std::string_view CodecName(Codec codec);

// The Codec for a parquet.thrift CompressionCodec value; NotSupported for values outside 0..7.
Result<Codec> CodecFromThrift(int32_t value);

// Decompresses in[0, in_size) into out[0, out_size), filling it exactly.
// REQUIRES: out points to out_size writable bytes (may be null when out_size is 0); in may be
//           null when in_size is 0.
// Returns Corrupt when the input is malformed, truncated, or decodes to more or fewer than
// out_size bytes; NotSupported for LZO and BROTLI.
[[nodiscard]] Status Decompress(Codec codec, const uint8_t* in, size_t in_size, uint8_t* out,
                                size_t out_size);

// Appends the compressed form of in[0, in_size) to *out (existing contents are kept).
// `level` is codec-specific (zstd 1..22 and negative fast levels, gzip 0..9, lz4_raw: >= 3
// selects LZ4-HC at that level); kDefaultCompressionLevel picks the default; snappy and
// uncompressed ignore it. Supports kUncompressed, kSnappy, kGzip (RFC 1952), kZstd and kLz4Raw;
// NotSupported for the others (LZ4 Hadoop is deprecated for writing).
// On error *out is left with its previous size.
[[nodiscard]] Status Compress(Codec codec, const uint8_t* in, size_t in_size, int level,
                              Buffer* out);

// An upper bound of the bytes Compress appends for in_size input bytes; 0 when the codec
// cannot be written or in_size is beyond what the codec library accepts.
size_t MaxCompressedSize(Codec codec, size_t in_size);

}  // namespace lakewatch::parquet
