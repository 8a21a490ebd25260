// BYTE_STREAM_SPLIT (= 9) for FLOAT, DOUBLE, INT32, INT64, FLOAT16 and any
// FIXED_LEN_BYTE_ARRAY width: N values of K bytes are stored as K streams of
// N bytes, stream k holding byte k of every value. The page has no header;
// N = page bytes / K.
//
// Widths 2, 4, 8 and 16 take a vectorized path (SSE2); any other width a
// cache-blocked scalar one.
// Thread-safety: stateless free functions.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/buffer.h"
#include "common/status.h"

namespace lakewatch::parquet {

// Decodes values [begin, begin + count) of the stream at data[0, size),
// whose values are `width` bytes each, into out[0, count * width).
// Fails with Corrupt when size is not a multiple of width or the range is
// not inside the stream's size / width values; InvalidArgument when
// width < 1 or begin/count are negative.
Status DecodeByteStreamSplit(const uint8_t* data, size_t size, int width, int64_t begin,
                             int64_t count, uint8_t* out);

// Appends the BYTE_STREAM_SPLIT form of values[0, n * width) — n values of
// `width` bytes — to *out (n * width bytes).
// REQUIRES: width >= 1, n >= 0.
void EncodeByteStreamSplit(const uint8_t* values, int64_t n, int width, Buffer* out);

}  // namespace lakewatch::parquet
