// Envelope byte layout (all integers little-endian):
//
//   offset  size  field
//   0       4     magic "LWSK"
//   4       1     format version (kFormatVersion; these first 10 bytes keep their
//                 layout in every version)
//   5       1     SketchKind
//   6       4     u32 payload length L
//   10      L     payload (layout at the top of the sketch's own .cc)
//   10+L    8     u64 XXH3_64bits of bytes [0, 10+L)
//
// The checksum makes any flipped byte an error rather than a sketch that
// silently answers differently. Fields inside payloads: fixed-width integers
// and IEEE-754 doubles little-endian; varints LEB128 (7 bits per byte, low
// group first, at most 10 bytes); byte strings as a varint length then bytes.
#include "monitor/sketch/sketch_encoding.h"

#include <xxhash.h>

#include <cmath>
#include <cstring>
#include <string>

namespace lakewatch::monitor::sketch {
namespace {

constexpr std::string_view kMagic = "LWSK";
constexpr uint8_t kFormatVersion = 1;
constexpr size_t kHeaderBytes = 10;
constexpr size_t kChecksumBytes = 8;

uint64_t LoadLe(const char* p, int width) {
  uint64_t v = 0;
  for (int i = width - 1; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

}  // namespace

const char* SketchKindName(SketchKind kind) {
  switch (kind) {
    case SketchKind::kKll:
      return "kll sketch";
    case SketchKind::kHyperLogLog:
      return "hyperloglog";
    case SketchKind::kFrequentItems:
      return "frequent items";
    case SketchKind::kFeatureSummary:
      return "feature summary";
  }
  return "unknown sketch";
}

// ---- ByteWriter

void ByteWriter::Fixed(uint64_t v, int width) {
  for (int i = 0; i < width; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void ByteWriter::F64(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  U64(bits);
}

void ByteWriter::Varint(uint64_t v) {
  while (v >= 0x80) {
    out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<char>(v));
}

void ByteWriter::Bytes(std::string_view v) {
  Varint(v.size());
  out_.append(v);
}

std::string ByteWriter::Seal(SketchKind kind) && {
  std::string env;
  env.reserve(kHeaderBytes + out_.size() + kChecksumBytes);
  env.append(kMagic);
  env.push_back(static_cast<char>(kFormatVersion));
  env.push_back(static_cast<char>(kind));
  ByteWriter len;
  len.U32(static_cast<uint32_t>(out_.size()));
  env.append(len.data());
  env.append(out_);
  ByteWriter sum;
  sum.U64(XXH3_64bits(env.data(), env.size()));
  env.append(sum.data());
  return env;
}

// ---- ByteReader

Status ByteReader::Error(std::string_view what) const {
  std::string msg(context_);
  msg += ": byte ";
  msg += std::to_string(base_ + pos_);
  msg += ": ";
  msg += what;
  return Status::Corrupt(std::move(msg));
}

Status ByteReader::Fixed(uint64_t* v, int width, const char* field) {
  if (remaining() < static_cast<size_t>(width)) {
    return Error(std::string("truncated reading ") + field);
  }
  *v = LoadLe(data_.data() + pos_, width);
  pos_ += static_cast<size_t>(width);
  return Status::OK();
}

Status ByteReader::U8(uint8_t* v, const char* field) {
  uint64_t x;
  LW_RETURN_IF_ERROR(Fixed(&x, 1, field));
  *v = static_cast<uint8_t>(x);
  return Status::OK();
}

Status ByteReader::U16(uint16_t* v, const char* field) {
  uint64_t x;
  LW_RETURN_IF_ERROR(Fixed(&x, 2, field));
  *v = static_cast<uint16_t>(x);
  return Status::OK();
}

Status ByteReader::U32(uint32_t* v, const char* field) {
  uint64_t x;
  LW_RETURN_IF_ERROR(Fixed(&x, 4, field));
  *v = static_cast<uint32_t>(x);
  return Status::OK();
}

Status ByteReader::U64(uint64_t* v, const char* field) { return Fixed(v, 8, field); }

Status ByteReader::F64(double* v, const char* field) {
  uint64_t bits;
  LW_RETURN_IF_ERROR(Fixed(&bits, 8, field));
  std::memcpy(v, &bits, sizeof bits);
  if (std::isnan(*v)) {
    pos_ -= 8;
    return Error(std::string(field) + " is NaN");
  }
  return Status::OK();
}

Status ByteReader::Varint(uint64_t* v, const char* field) {
  uint64_t x = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= data_.size()) return Error(std::string("truncated reading ") + field);
    uint8_t b = static_cast<uint8_t>(data_[pos_++]);
    if (shift == 63 && b > 1) return Error(std::string("varint overflow in ") + field);
    x |= uint64_t{b & 0x7fu} << shift;
    if ((b & 0x80) == 0) {
      *v = x;
      return Status::OK();
    }
  }
  return Error(std::string("varint overflow in ") + field);
}

Status ByteReader::Bytes(std::string_view* v, const char* field) {
  uint64_t len;
  LW_RETURN_IF_ERROR(Varint(&len, field));
  if (len > remaining()) {
    return Error(std::string(field) + " of " + std::to_string(len) + " bytes overruns the " +
                 std::to_string(remaining()) + " left");
  }
  *v = data_.substr(pos_, static_cast<size_t>(len));
  pos_ += static_cast<size_t>(len);
  return Status::OK();
}

Status ByteReader::ExpectEnd() const {
  if (remaining() == 0) return Status::OK();
  return Error(std::to_string(remaining()) + " unexpected trailing bytes");
}

// ---- envelope

Result<ByteReader> OpenEnvelope(std::string_view bytes, SketchKind kind, std::string_view context) {
  ByteReader header(bytes, context);
  if (bytes.size() < kHeaderBytes + kChecksumBytes) {
    return Status::Corrupt(std::string(context) + ": " + std::to_string(bytes.size()) +
                           " bytes, shorter than the " +
                           std::to_string(kHeaderBytes + kChecksumBytes) + "-byte envelope");
  }
  if (bytes.substr(0, kMagic.size()) != kMagic) {
    return header.Error("bad magic (expected \"LWSK\")");
  }
  // Length and checksum first: a damaged version or kind byte is corruption;
  // only an intact envelope of another version is NotSupported.
  ByteReader fields(bytes.substr(kMagic.size(), kHeaderBytes - kMagic.size()), context,
                    kMagic.size());
  uint8_t version, kind_byte;
  uint32_t len;
  LW_RETURN_IF_ERROR(fields.U8(&version, "format version"));
  LW_RETURN_IF_ERROR(fields.U8(&kind_byte, "sketch kind"));
  LW_RETURN_IF_ERROR(fields.U32(&len, "payload length"));
  if (len != bytes.size() - kHeaderBytes - kChecksumBytes) {
    return Status::Corrupt(std::string(context) + ": byte 6: payload length " +
                           std::to_string(len) + " but the envelope holds " +
                           std::to_string(bytes.size() - kHeaderBytes - kChecksumBytes));
  }
  size_t body = kHeaderBytes + len;
  uint64_t stored = LoadLe(bytes.data() + body, 8);
  if (stored != XXH3_64bits(bytes.data(), body)) {
    return Status::Corrupt(std::string(context) + ": byte " + std::to_string(body) +
                           ": checksum mismatch");
  }
  if (version != kFormatVersion) {
    return Status::NotSupported(std::string(context) + ": format version " +
                                std::to_string(version) + " (this build reads version " +
                                std::to_string(kFormatVersion) + ")");
  }
  if (kind_byte != static_cast<uint8_t>(kind)) {
    return Status::Corrupt(
        std::string(context) + ": byte 5: sketch kind " + std::to_string(kind_byte) +
        ", expected " + std::to_string(static_cast<int>(kind)) + " (" + SketchKindName(kind) + ")");
  }
  return ByteReader(bytes.substr(kHeaderBytes, len), context, kHeaderBytes);
}

}  // namespace lakewatch::monitor::sketch
