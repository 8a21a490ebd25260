// KeyFilter: a static set of 64-bit key hashes (the keys of one row block of
// one column) that answers "may this key be in the block?" with no false
// negatives. Tiny sets (<= kMaxListKeys keys) are stored exactly; larger
// ones as a binary fuse filter (Graf & Lemire, "Binary Fuse Filters: Fast
// and Smaller Than Xor Filters", 2022) with `bits`-bit fingerprints: false
// positive rate 2^-bits at about 1.13 × bits bits per key for large sets
// (about 9 bits per key with bits = 8).
//
// The byte layout is at the top of key_filter.cc. Parsing checks every size
// and offset, so a corrupt filter is a Status, never an out-of-bounds read.
//
// Thread-safety: AppendKeyFilter is a pure function; a parsed KeyFilterView
// is immutable and may be probed from many threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "common/buffer.h"
#include "common/status.h"

namespace lakewatch::index {

inline constexpr size_t kMaxListKeys = 4;
// A block with more distinct keys is stored as "may hold any key".
inline constexpr size_t kMaxFilterKeys = size_t{1} << 24;
// The largest fuse filter a reader accepts, in slots (> kMaxFilterKeys * 1.2).
inline constexpr uint32_t kMaxSlots = uint32_t{1} << 26;
inline constexpr int kMinFingerprintBits = 4;
inline constexpr int kMaxFingerprintBits = 16;

// Appends the filter of `keys` to *out. `keys` may be reordered; it must
// hold distinct values (duplicates make a filter that matches every key). REQUIRES: kMinFingerprintBits <= bits <= kMaxFingerprintBits.
void AppendKeyFilter(std::vector<uint64_t>* keys, int bits, Buffer* out);

// A filter inside a sidecar's bytes (not owned: the bytes must outlive it).
class KeyFilterView {
 public:
  KeyFilterView() = default;  // the empty set
  // Parses the filter that fills `bytes` exactly; Corrupt (with `where`) when
  // the bytes are not a well-formed filter of `bits`-bit fingerprints.
  static Result<KeyFilterView> Parse(std::string_view bytes, int bits, std::string_view where);

  // No false negatives: true for every key the filter was built from.
  bool MayContain(uint64_t key) const;
  bool empty() const { return kind_ == 0; }  // holds no key

 private:
  uint8_t kind_ = 0;
  const uint8_t* data_ = nullptr;  // list: the keys; fuse: the fingerprints
  uint32_t count_ = 0;             // list: keys
  uint32_t seed_ = 0;
  int bits_ = 0;
  uint32_t segment_length_ = 0;
  uint32_t segment_count_length_ = 0;
};

}  // namespace lakewatch::index
