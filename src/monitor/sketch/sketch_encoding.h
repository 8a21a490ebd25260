// The envelope and the little-endian field codec shared by every sketch's
// serialized form (KllSketch, HyperLogLog, FrequentItems, FeatureSummary), so
// the bytes kept in a Delta table column are self-describing, versioned and
// checksummed. The envelope's byte layout is at the top of sketch_encoding.cc;
// each sketch's payload layout is at the top of its own .cc.
//
// Reading checks every length before it reads, so corrupt or truncated bytes
// give a Corrupt status naming the byte offset and the field, never an
// out-of-bounds read.
//
// Thread-safety: ByteWriter and ByteReader are plain values with no shared
// state; one thread per object.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace lakewatch::monitor::sketch {

// The largest row count a serialized sketch may claim: no table comes near 2^62
// rows, so a larger count is damage — and sketches under it merge without
// overflowing 64 bits.
inline constexpr uint64_t kMaxSketchRows = uint64_t{1} << 62;

// What a serialized envelope holds. Values are stored on disk: never renumber.
enum class SketchKind : uint8_t {
  kKll = 1,
  kHyperLogLog = 2,
  kFrequentItems = 3,
  kFeatureSummary = 4,
};

const char* SketchKindName(SketchKind kind);

// Appends fixed-width little-endian fields and LEB128 varints to a string.
class ByteWriter {
 public:
  void U8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void U16(uint16_t v) { Fixed(v, 2); }
  void U32(uint32_t v) { Fixed(v, 4); }
  void U64(uint64_t v) { Fixed(v, 8); }
  void F64(double v);
  void Varint(uint64_t v);
  // A varint length, then the bytes.
  void Bytes(std::string_view v);

  const std::string& data() const { return out_; }
  // Wraps what was written as the payload of an envelope of `kind`.
  std::string Seal(SketchKind kind) &&;

 private:
  void Fixed(uint64_t v, int width);
  std::string out_;
};

// Reads the fields ByteWriter writes from a payload. Every read names the
// field, so an error says which field at which byte was cut off or invalid.
// Offsets in messages count from the start of the envelope.
class ByteReader {
 public:
  // `context` starts every error message (e.g. "kll sketch"); `base` is the
  // payload's offset inside the envelope. The bytes must outlive the reader.
  ByteReader(std::string_view payload, std::string_view context, size_t base = 0)
      : data_(payload), context_(context), base_(base) {}

  Status U8(uint8_t* v, const char* field);
  Status U16(uint16_t* v, const char* field);
  Status U32(uint32_t* v, const char* field);
  Status U64(uint64_t* v, const char* field);
  // Refuses NaN: no sketch stores one.
  Status F64(double* v, const char* field);
  Status Varint(uint64_t* v, const char* field);
  // A varint length and that many bytes (a view into the payload).
  Status Bytes(std::string_view* v, const char* field);

  // Corrupt unless every byte was read.
  Status ExpectEnd() const;
  // A Corrupt status "<context>: byte <offset>: <what>" at the current offset.
  Status Error(std::string_view what) const;

  size_t remaining() const { return data_.size() - pos_; }

 private:
  Status Fixed(uint64_t* v, int width, const char* field);
  std::string_view data_;
  std::string_view context_;
  size_t base_;
  size_t pos_ = 0;
};

// Checks the envelope (magic, format version, kind, length, checksum) and
// returns a reader over its payload; Corrupt when any of them is wrong.
Result<ByteReader> OpenEnvelope(std::string_view bytes, SketchKind kind, std::string_view context);

}  // namespace lakewatch::monitor::sketch
