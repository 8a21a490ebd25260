// Constants of the sidecar file format shared by its writer
// (sidecar_builder.cc, which opens with the full byte layout) and its reader
// (sidecar_reader.cc). Internal to the index module.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace lakewatch::index::format {

inline constexpr std::string_view kMagic{"LWINDEX\x1a", 8};
// 2: key filters hash with the key-filter hash of 9644335 (version 1 files, written
// before, would be read with the wrong hash and miss rows: they are refused, so
// scans fall back and `lakewatch index build` rebuilds them).
inline constexpr uint32_t kVersion = 2;
inline constexpr size_t kHeaderBytes = 48;
inline constexpr size_t kChecksummedHeaderBytes = 40;  // the header before its checksum
// Directory entry: kind, bits, u16 path length, path, then four u64.
inline constexpr size_t kEntryFixedBytes = 1 + 1 + 2 + 4 * 8;
// Section: u32 num_blocks, u32 num_frequent.
inline constexpr size_t kSectionHeaderBytes = 8;
inline constexpr uint8_t kPostingBitmap = 0;
inline constexpr uint8_t kPostingList = 1;
inline constexpr int64_t kMaxBlockRows = int64_t{1} << 30;

}  // namespace lakewatch::index::format
