// libFuzzer target for parquet/compression: Decompress must end with a status (never crash,
// overrun or leak) for any codec, input and output size; and whatever Compress writes must
// decompress back to its input.
//
// Input layout: byte 0 = codec (mod 8), bytes 1-2 = output size / 4 (big-endian), rest = data.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "parquet/compression.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using lakewatch::parquet::Codec;
  if (size < 3) return 0;
  auto codec = static_cast<Codec>(data[0] % 8);
  size_t out_size = ((size_t{data[1]} << 8) | data[2]) * 4;
  const uint8_t* in = data + 3;
  size_t in_size = size - 3;

  std::vector<uint8_t> out(out_size);
  (void)lakewatch::parquet::Decompress(codec, in, in_size, out.data(), out_size);

  lakewatch::Buffer compressed;
  if (lakewatch::parquet::Compress(codec, in, in_size, 1, &compressed).ok()) {
    std::vector<uint8_t> back(in_size);
    lakewatch::Status st = lakewatch::parquet::Decompress(codec, compressed.data(),
                                                          compressed.size(), back.data(), in_size);
    if (!st.ok() || (in_size > 0 && std::memcmp(back.data(), in, in_size) != 0)) __builtin_trap();
  }
  return 0;
}
