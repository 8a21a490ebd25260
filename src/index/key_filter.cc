// Byte layout of one key filter (little-endian; `bits` is given by the
// column that holds the filter):
//
//   u8 kind
//   kind 0, empty:  nothing more
//   kind 3, all:    nothing more (the block may hold any key: too many keys to filter)
//   kind 1, list:   u8 n (1..kMaxListKeys) | u64 key[n], strictly ascending
//   kind 2, fuse:   u32 seed | u8 segment_length_log2 (0..18) | u32 segment_count (>= 1)
//                   | fingerprints: array_length = (segment_count + 2) << segment_length_log2
//                     values of `bits` bits each, packed LSB-first (value i at bit i * bits)
//                   | 3 zero bytes (so a value is always read with one 4-byte load)
//
// Binary fuse filter (3-wise): a key k is hashed to h = XXH3_64bits_withSeed(the 8
// bytes of k, little-endian, seed); its
// three slots are h0 = mulhi(h, segment_count << log2), h1 = h0 +
// segment_length, h2 = h1 + segment_length, with h1 ^= (h >> 18) & mask and
// h2 ^= h & mask (mask = segment_length - 1), i.e. one slot in each of three
// consecutive segments. The filter stores fingerprints F with
// F[h0] ^ F[h1] ^ F[h2] == Fingerprint(h) for every key, found by peeling
// the 3-hypergraph (a slot hit by one remaining key takes that key). Sizes
// follow the paper's rules for arity 3.
#include "index/key_filter.h"

#define XXH_INLINE_ALL  // the system package's header, inlined: Mix runs per key and probe
#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "parquet/bit_util.h"

namespace lakewatch::index {

namespace {

using parquet::LoadLE32;
using parquet::LoadLE64;

constexpr uint8_t kEmpty = 0, kList = 1, kFuse = 2, kAll = 3;
constexpr int kMaxAttempts = 64;
constexpr int kMaxSegmentLengthLog2 = 18;
constexpr size_t kFuseHeaderBytes = 1 + 4 + 1 + 4;
constexpr size_t kPadBytes = 3;

// The key rehashed with the filter's seed (each construction attempt gets
// another seed, so a cycle in one attempt is gone in the next).
uint64_t Mix(uint64_t key, uint32_t seed) {
  uint8_t bytes[8];
  std::memcpy(bytes, &key, sizeof(bytes));
  return XXH3_64bits_withSeed(bytes, sizeof(bytes), seed);
}

uint32_t Fingerprint(uint64_t h, int bits) {
  return static_cast<uint32_t>(h ^ (h >> 32)) & ((uint32_t{1} << bits) - 1);
}

struct Slots {
  uint32_t s[3];
};

Slots SlotsOf(uint64_t h, uint32_t segment_length, uint32_t segment_count_length) {
  const uint32_t mask = segment_length - 1;
  Slots r;
  r.s[0] = static_cast<uint32_t>((static_cast<unsigned __int128>(h) * segment_count_length) >> 64);
  r.s[1] = (r.s[0] + segment_length) ^ (static_cast<uint32_t>(h >> 18) & mask);
  r.s[2] = (r.s[0] + 2 * segment_length) ^ (static_cast<uint32_t>(h) & mask);
  return r;
}

uint32_t ReadPacked(const uint8_t* data, uint64_t i, int bits) {
  const uint64_t bit = i * static_cast<uint64_t>(bits);
  return (LoadLE32(data + (bit >> 3)) >> (bit & 7)) & ((uint32_t{1} << bits) - 1);
}

struct FuseShape {
  int segment_length_log2 = 0;
  uint32_t segment_count = 1;
  uint32_t array_length() const { return (segment_count + 2) << segment_length_log2; }
};

// The paper's sizing for arity 3, widened by `slack` after failed attempts.
FuseShape ShapeFor(size_t n, double slack) {
  FuseShape s;
  const double dn = static_cast<double>(std::max<size_t>(n, 2));
  s.segment_length_log2 =
      std::clamp(static_cast<int>(std::floor(std::log(dn) / std::log(3.33) + 2.25)), 0, kMaxSegmentLengthLog2);
  const double factor = std::max(1.125, 0.875 + 0.25 * std::log(1e6) / std::log(dn)) * slack;
  const uint64_t capacity = static_cast<uint64_t>(std::llround(dn * factor));
  const uint64_t segment_length = uint64_t{1} << s.segment_length_log2;
  const uint64_t segments = (capacity + segment_length - 1) / segment_length;
  s.segment_count = static_cast<uint32_t>(segments > 3 ? segments - 2 : 1);
  return s;
}

// Scratch space of TryBuild, reused across filters of one thread (a block's
// filter is built in microseconds; fresh allocations would dominate).
struct BuildScratch {
  struct Slot {
    uint64_t xors = 0;   // xor of the hashes of the keys still on this slot
    uint32_t count = 0;  // number of those keys
  };
  std::vector<Slot> slots;
  std::vector<uint32_t> queue;
  std::vector<std::pair<uint64_t, uint32_t>> stack;  // peeled (hash, slot), in peeling order
  std::vector<uint16_t> fingerprints;
};

// Fills scratch->fingerprints[array_length] so every key checks; false when
// peeling leaves a cycle (the caller retries with another seed).
bool TryBuild(const std::vector<uint64_t>& keys, const FuseShape& shape, uint32_t seed, int bits,
              BuildScratch* scratch) {
  const uint32_t length = shape.array_length();
  const uint32_t segment_length = uint32_t{1} << shape.segment_length_log2;
  const uint32_t scl = shape.segment_count << shape.segment_length_log2;
  auto& slots = scratch->slots;
  slots.assign(length, BuildScratch::Slot{});
  for (uint64_t k : keys) {
    const uint64_t h = Mix(k, seed);
    const Slots sl = SlotsOf(h, segment_length, scl);
    for (uint32_t s : sl.s) {
      ++slots[s].count;
      slots[s].xors ^= h;
    }
  }
  auto& queue = scratch->queue;
  queue.clear();
  for (uint32_t i = 0; i < length; ++i) {
    if (slots[i].count == 1) queue.push_back(i);
  }
  auto& stack = scratch->stack;
  stack.clear();
  for (size_t qi = 0; qi < queue.size(); ++qi) {
    const uint32_t slot = queue[qi];
    if (slots[slot].count != 1) continue;
    const uint64_t h = slots[slot].xors;
    stack.emplace_back(h, slot);
    const Slots sl = SlotsOf(h, segment_length, scl);
    for (uint32_t s : sl.s) {
      --slots[s].count;
      slots[s].xors ^= h;
      if (slots[s].count == 1) queue.push_back(s);
    }
  }
  if (stack.size() != keys.size()) return false;
  scratch->fingerprints.assign(length, 0);
  uint16_t* f = scratch->fingerprints.data();
  for (size_t i = stack.size(); i-- > 0;) {
    const auto [h, slot] = stack[i];
    const Slots sl = SlotsOf(h, segment_length, scl);
    uint32_t v = Fingerprint(h, bits);
    for (uint32_t s : sl.s) {
      if (s != slot) v ^= f[s];
    }
    f[slot] = static_cast<uint16_t>(v);
  }
  return true;
}

}  // namespace

void AppendKeyFilter(std::vector<uint64_t>* keys, int bits, Buffer* out) {
  assert(bits >= kMinFingerprintBits && bits <= kMaxFingerprintBits);
  const size_t n = keys->size();
  if (n == 0) {
    out->PushByte(kEmpty);
    return;
  }
  if (n > kMaxFilterKeys) {
    out->PushByte(kAll);
    return;
  }
  if (n <= kMaxListKeys) {
    std::sort(keys->begin(), keys->end());
    out->PushByte(kList);
    out->PushByte(static_cast<uint8_t>(n));
    for (uint64_t k : *keys) out->AppendValue<uint64_t>(k);
    return;
  }
  thread_local BuildScratch scratch;
  FuseShape shape;
  uint32_t seed = 0;
  for (int attempt = 0;; ++attempt) {
    if (attempt == kMaxAttempts) {  // only duplicate keys (a caller's bug) get here
      out->PushByte(kAll);
      return;
    }
    // Failures are rare for large sets and common for small ones; a little
    // more room after every few failures ends the loop quickly either way.
    shape = ShapeFor(n, std::pow(1.1, attempt / 4));
    seed = static_cast<uint32_t>(attempt) * 0x2545F491u + 1;
    if (TryBuild(*keys, shape, seed, bits, &scratch)) break;
  }
  out->PushByte(kFuse);
  out->AppendValue<uint32_t>(seed);
  out->PushByte(static_cast<uint8_t>(shape.segment_length_log2));
  out->AppendValue<uint32_t>(shape.segment_count);
  const std::vector<uint16_t>& fingerprints = scratch.fingerprints;
  const size_t packed = (static_cast<size_t>(fingerprints.size()) * bits + 7) / 8;
  const size_t start = out->size();
  out->Resize(start + packed + kPadBytes);
  uint8_t* dst = out->data() + start;
  std::memset(dst, 0, packed + kPadBytes);
  for (size_t i = 0; i < fingerprints.size(); ++i) {
    const uint64_t bit = i * static_cast<uint64_t>(bits);
    uint32_t word = LoadLE32(dst + (bit >> 3));
    word |= static_cast<uint32_t>(fingerprints[i]) << (bit & 7);
    std::memcpy(dst + (bit >> 3), &word, sizeof(word));
  }
}

Result<KeyFilterView> KeyFilterView::Parse(std::string_view bytes, int bits, std::string_view where) {
  auto corrupt = [&](std::string_view what) {
    return Status::Corrupt(fmt::format("{}: {} ({} bytes)", where, what, bytes.size()));
  };
  if (bits < kMinFingerprintBits || bits > kMaxFingerprintBits) {
    return corrupt(fmt::format("fingerprint width {} outside {}..{}", bits, kMinFingerprintBits,
                               kMaxFingerprintBits));
  }
  if (bytes.empty()) return corrupt("empty key filter");
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  KeyFilterView v;
  v.kind_ = p[0];
  v.bits_ = bits;
  switch (v.kind_) {
    case kEmpty:
    case kAll:
      if (bytes.size() != 1) return corrupt("key filter of kind " + std::to_string(v.kind_) + " with trailing bytes");
      return v;
    case kList: {
      if (bytes.size() < 2) return corrupt("truncated key list");
      v.count_ = p[1];
      if (v.count_ == 0 || v.count_ > kMaxListKeys) return corrupt(fmt::format("key list of {} keys", v.count_));
      if (bytes.size() != 2 + 8 * size_t{v.count_}) return corrupt("key list size mismatch");
      v.data_ = p + 2;
      return v;
    }
    case kFuse: {
      if (bytes.size() < kFuseHeaderBytes) return corrupt("truncated fuse filter header");
      v.seed_ = LoadLE32(p + 1);
      const int log2 = p[5];
      const uint32_t segments = LoadLE32(p + 6);
      if (log2 > kMaxSegmentLengthLog2) return corrupt(fmt::format("segment length 2^{}", log2));
      if (segments == 0 || segments > kMaxSlots >> log2) {
        return corrupt(fmt::format("{} segments of 2^{} slots", segments, log2));
      }
      const uint64_t length = (uint64_t{segments} + 2) << log2;
      const uint64_t packed = (length * static_cast<uint64_t>(bits) + 7) / 8;
      if (bytes.size() != kFuseHeaderBytes + packed + kPadBytes) return corrupt("fuse filter size mismatch");
      v.segment_length_ = uint32_t{1} << log2;
      v.segment_count_length_ = segments << log2;
      v.data_ = p + kFuseHeaderBytes;
      return v;
    }
    default:
      return corrupt(fmt::format("unknown key filter kind {}", v.kind_));
  }
}

bool KeyFilterView::MayContain(uint64_t key) const {
  switch (kind_) {
    case kList:
      for (uint32_t i = 0; i < count_; ++i) {
        if (LoadLE64(data_ + 8 * i) == key) return true;
      }
      return false;
    case kFuse: {
      const uint64_t h = Mix(key, seed_);
      const Slots sl = SlotsOf(h, segment_length_, segment_count_length_);
      const uint32_t v = ReadPacked(data_, sl.s[0], bits_) ^ ReadPacked(data_, sl.s[1], bits_) ^
                         ReadPacked(data_, sl.s[2], bits_);
      return v == Fingerprint(h, bits_);
    }
    case kAll:
      return true;
    default:
      return false;
  }
}

}  // namespace lakewatch::index
