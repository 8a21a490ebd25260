// Thrift compact protocol, the subset Parquet uses (structs, lists, maps).
//
// Byte layout written by ThriftCompactWriter and read by ThriftCompactReader
// (from the Apache Thrift compact protocol specification):
//
//   varint    ULEB128: 7 bits per byte, least significant group first, high
//             bit set on every byte but the last. At most 10 bytes (64 bits).
//   zigzag    signed n -> (n << 1) ^ (n >> 63), then varint. Used for i16, i32,
//             i64 and field ids; 0,-1,1,-2,2 -> 0,1,2,3,4.
//   i8        1 raw byte.
//   double    8 bytes, IEEE 754, little-endian.
//   binary    varint byte length, then the bytes (strings are UTF-8 binary).
//   uuid      16 raw bytes.
//   bool      in a struct: carried by the field header's type code (1 = true,
//             2 = false), no value bytes. As a container element: 1 byte,
//             1 = true, 0 = false (2 = false is accepted on read).
//
//   struct    field* stop
//     field   header value
//     header  short form, 1 byte:  dddd tttt   dddd = id - previous id (1..15)
//             long form, 1+ bytes: 0000 tttt, zigzag varint of the i16 id
//             The previous id starts at 0 in each struct, nested ones included.
//     stop    0x00
//   Type codes tttt: 1 bool-true, 2 bool-false, 3 i8, 4 i16, 5 i32 (and
//   enums), 6 i64, 7 double, 8 binary, 9 list, 10 set, 11 map, 12 struct
//   (and union: a struct with exactly one field), 13 uuid.
//
//   list/set  short form, 1 byte:   ssss tttt            size 0..14
//             long form, 1+ bytes:  1111 tttt, varint size (<= INT32_MAX)
//             then `size` element values. Element type codes are the field
//             type codes except bool, which is 2 (1 accepted on read).
//   map       empty: 0x00
//             otherwise: varint size, kkkk vvvv (key/value element types),
//             then `size` key, value pairs.
#include "parquet/thrift_compact.h"

#include <cassert>
#include <climits>
#include <cstring>
#include <string>

namespace lakewatch::parquet {

namespace {

constexpr uint8_t kCodeBoolTrue = 1;
constexpr uint8_t kCodeBoolFalse = 2;
constexpr uint8_t kCodeListBool = 2;  // element-type code of bool in containers
constexpr uint8_t kMaxTypeCode = 13;
constexpr int kMaxVarintBytes = 10;

// Smallest encoding of one element of `type` inside a container.
size_t MinElementBytes(ThriftType type) {
  switch (type) {
    case ThriftType::kDouble:
      return 8;
    case ThriftType::kUuid:
      return 16;
    default:
      return 1;  // every other value takes at least one byte
  }
}

uint64_t ZigzagEncode(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

int64_t ZigzagDecode(uint64_t v) { return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1)); }

}  // namespace

std::string ThriftTypeName(ThriftType type) {
  switch (type) {
    case ThriftType::kStop:
      return "stop";
    case ThriftType::kBool:
      return "bool";
    case ThriftType::kI8:
      return "i8";
    case ThriftType::kI16:
      return "i16";
    case ThriftType::kI32:
      return "i32";
    case ThriftType::kI64:
      return "i64";
    case ThriftType::kDouble:
      return "double";
    case ThriftType::kBinary:
      return "binary";
    case ThriftType::kList:
      return "list";
    case ThriftType::kSet:
      return "set";
    case ThriftType::kMap:
      return "map";
    case ThriftType::kStruct:
      return "struct";
    case ThriftType::kUuid:
      return "uuid";
  }
  return "type(" + std::to_string(static_cast<int>(type)) + ")";
}

// ============================================================================
// ThriftCompactReader

ThriftCompactReader::ThriftCompactReader(const uint8_t* data, size_t size)
    : data_(data), size_(size) {
  assert(data != nullptr || size == 0);
}

Status ThriftCompactReader::Truncated(const char* what, size_t at) const {
  return Status::Corrupt("Thrift: input ends inside " + std::string(what) + " starting at byte " +
                         std::to_string(at) + " (input is " + std::to_string(size_) + " bytes)");
}

Status ThriftCompactReader::ReadVarint(const char* what, uint64_t* value) {
  const size_t start = pos_;
  uint64_t result = 0;
  for (int i = 0; i < kMaxVarintBytes; ++i) {
    if (pos_ >= size_) return Truncated(what, start);
    const uint8_t b = data_[pos_++];
    if (i == kMaxVarintBytes - 1 && b > 1) {
      return Status::Corrupt("Thrift: varint of " + std::string(what) + " at byte " +
                             std::to_string(start) + " overflows 64 bits");
    }
    result |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      *value = result;
      return Status::OK();
    }
  }
  return Status::Corrupt("Thrift: varint of " + std::string(what) + " at byte " +
                         std::to_string(start) + " is longer than 10 bytes");
}

Status ThriftCompactReader::ReadZigzag(const char* what, int64_t* value) {
  uint64_t raw;
  LW_RETURN_IF_ERROR(ReadVarint(what, &raw));
  *value = ZigzagDecode(raw);
  return Status::OK();
}

Status ThriftCompactReader::BeginStruct() {
  if (depth_ >= kMaxThriftDepth) {
    return Status::Corrupt("Thrift: structs nested deeper than " + std::to_string(kMaxThriftDepth) +
                           " at byte " + std::to_string(pos_));
  }
  ++depth_;
  last_field_id_[depth_] = 0;
  bool_pending_ = false;
  return Status::OK();
}

Status ThriftCompactReader::EndStruct() {
  if (depth_ == 0) {
    return Status::Internal("Thrift: EndStruct without BeginStruct at byte " +
                            std::to_string(pos_));
  }
  --depth_;
  bool_pending_ = false;
  return Status::OK();
}

Status ThriftCompactReader::ReadFieldHeader(ThriftFieldHeader* header) {
  assert(depth_ > 0);
  bool_pending_ = false;
  const size_t start = pos_;
  if (pos_ >= size_) return Truncated("a field header (no stop byte)", start);
  const uint8_t b = data_[pos_++];
  header->offset = start;
  if (b == 0) {
    header->type = ThriftType::kStop;
    header->id = 0;
    return Status::OK();
  }
  const uint8_t code = b & 0x0f;
  const uint8_t delta = b >> 4;
  if (code == kCodeBoolTrue || code == kCodeBoolFalse) {
    header->type = ThriftType::kBool;
    bool_pending_ = true;
    bool_value_ = code == kCodeBoolTrue;
  } else if (code == 0 || code > kMaxTypeCode) {
    return Status::Corrupt("Thrift: invalid field type code " + std::to_string(code) +
                           " in field header at byte " + std::to_string(start));
  } else {
    header->type = static_cast<ThriftType>(code);
  }
  int64_t id;
  if (delta != 0) {
    id = last_field_id_[depth_] + delta;
  } else {
    LW_RETURN_IF_ERROR(ReadZigzag("a field id", &id));
  }
  if (id < INT16_MIN || id > INT16_MAX) {
    return Status::Corrupt("Thrift: field id " + std::to_string(id) + " out of i16 range at byte " +
                           std::to_string(start));
  }
  header->id = static_cast<int16_t>(id);
  last_field_id_[depth_] = header->id;
  return Status::OK();
}

Status ThriftCompactReader::ReadBool(bool* value) {
  if (bool_pending_) {
    bool_pending_ = false;
    *value = bool_value_;
    return Status::OK();
  }
  const size_t start = pos_;
  if (pos_ >= size_) return Truncated("a bool", start);
  const uint8_t b = data_[pos_++];
  if (b > 2) {
    return Status::Corrupt("Thrift: invalid bool byte " + std::to_string(b) + " at byte " +
                           std::to_string(start));
  }
  *value = b == 1;
  return Status::OK();
}

Status ThriftCompactReader::ReadI8(int8_t* value) {
  if (pos_ >= size_) return Truncated("an i8", pos_);
  *value = static_cast<int8_t>(data_[pos_++]);
  return Status::OK();
}

Status ThriftCompactReader::ReadI16(int16_t* value) {
  const size_t start = pos_;
  int64_t v;
  LW_RETURN_IF_ERROR(ReadZigzag("an i16", &v));
  if (v < INT16_MIN || v > INT16_MAX) {
    return Status::Corrupt("Thrift: i16 at byte " + std::to_string(start) +
                           " out of range: " + std::to_string(v));
  }
  *value = static_cast<int16_t>(v);
  return Status::OK();
}

Status ThriftCompactReader::ReadI32(int32_t* value) {
  const size_t start = pos_;
  int64_t v;
  LW_RETURN_IF_ERROR(ReadZigzag("an i32", &v));
  if (v < INT32_MIN || v > INT32_MAX) {
    return Status::Corrupt("Thrift: i32 at byte " + std::to_string(start) +
                           " out of range: " + std::to_string(v));
  }
  *value = static_cast<int32_t>(v);
  return Status::OK();
}

Status ThriftCompactReader::ReadI64(int64_t* value) { return ReadZigzag("an i64", value); }

Status ThriftCompactReader::ReadDouble(double* value) {
  if (size_ - pos_ < 8) return Truncated("a double", pos_);
  uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) bits |= static_cast<uint64_t>(data_[pos_ + i]) << (8 * i);
  pos_ += 8;
  std::memcpy(value, &bits, sizeof(*value));
  return Status::OK();
}

Status ThriftCompactReader::ReadBinary(std::string_view* value) {
  const size_t start = pos_;
  uint64_t len;
  LW_RETURN_IF_ERROR(ReadVarint("a binary length", &len));
  if (len > static_cast<uint64_t>(INT32_MAX)) {
    return Status::Corrupt("Thrift: binary at byte " + std::to_string(start) +
                           " claims negative or > 2 GiB length " + std::to_string(len));
  }
  if (len > size_ - pos_) {
    return Status::Corrupt("Thrift: binary at byte " + std::to_string(start) + " claims " +
                           std::to_string(len) + " bytes but only " + std::to_string(size_ - pos_) +
                           " remain");
  }
  *value = std::string_view(reinterpret_cast<const char*>(data_ + pos_), len);
  pos_ += len;
  return Status::OK();
}

Status ThriftCompactReader::ReadString(std::string* value) {
  std::string_view v;
  LW_RETURN_IF_ERROR(ReadBinary(&v));
  value->assign(v.data(), v.size());
  return Status::OK();
}

Status ThriftCompactReader::ReadElementType(uint8_t code, size_t at, bool allow_stop,
                                            ThriftType* type) {
  if (code == 0 && allow_stop) {
    *type = ThriftType::kStop;
    return Status::OK();
  }
  if (code == kCodeBoolTrue || code == kCodeBoolFalse) {
    *type = ThriftType::kBool;
    return Status::OK();
  }
  if (code == 0 || code > kMaxTypeCode) {
    return Status::Corrupt("Thrift: invalid element type code " + std::to_string(code) +
                           " in container header at byte " + std::to_string(at));
  }
  *type = static_cast<ThriftType>(code);
  return Status::OK();
}

Status ThriftCompactReader::CheckSize(uint64_t size, size_t min_element_bytes, size_t at,
                                      const char* what) {
  if (size > static_cast<uint64_t>(INT32_MAX)) {
    return Status::Corrupt("Thrift: " + std::string(what) + " at byte " + std::to_string(at) +
                           " claims negative or huge size " + std::to_string(size));
  }
  // size <= INT32_MAX and min_element_bytes <= 32: the product cannot overflow.
  if (size * min_element_bytes > size_ - pos_) {
    return Status::Corrupt("Thrift: " + std::string(what) + " at byte " + std::to_string(at) +
                           " claims " + std::to_string(size) + " elements but only " +
                           std::to_string(size_ - pos_) + " bytes remain");
  }
  return Status::OK();
}

Status ThriftCompactReader::ReadListHeader(ThriftType* element_type, uint32_t* size) {
  const size_t start = pos_;
  if (pos_ >= size_) return Truncated("a list header", start);
  const uint8_t b = data_[pos_++];
  uint64_t n = b >> 4;
  if (n == 15) LW_RETURN_IF_ERROR(ReadVarint("a list size", &n));
  // Some writers give empty lists element type 0; accept it only then.
  LW_RETURN_IF_ERROR(ReadElementType(b & 0x0f, start, /*allow_stop=*/n == 0, element_type));
  LW_RETURN_IF_ERROR(CheckSize(n, MinElementBytes(*element_type), start, "list"));
  *size = static_cast<uint32_t>(n);
  return Status::OK();
}

Status ThriftCompactReader::ReadMapHeader(ThriftType* key_type, ThriftType* value_type,
                                          uint32_t* size) {
  const size_t start = pos_;
  uint64_t n;
  LW_RETURN_IF_ERROR(ReadVarint("a map size", &n));
  if (n == 0) {
    *key_type = ThriftType::kStop;
    *value_type = ThriftType::kStop;
    *size = 0;
    return Status::OK();
  }
  if (pos_ >= size_) return Truncated("a map header", start);
  const uint8_t kv = data_[pos_++];
  LW_RETURN_IF_ERROR(ReadElementType(kv >> 4, start, /*allow_stop=*/false, key_type));
  LW_RETURN_IF_ERROR(ReadElementType(kv & 0x0f, start, /*allow_stop=*/false, value_type));
  LW_RETURN_IF_ERROR(
      CheckSize(n, MinElementBytes(*key_type) + MinElementBytes(*value_type), start, "map"));
  *size = static_cast<uint32_t>(n);
  return Status::OK();
}

Status ThriftCompactReader::Skip(ThriftType type) {
  if (type == ThriftType::kBool && bool_pending_) {
    bool_pending_ = false;
    return Status::OK();
  }
  bool_pending_ = false;
  return SkipValue(type, depth_);
}

// `depth` counts the structs and containers enclosing the value.
Status ThriftCompactReader::SkipValue(ThriftType type, int depth) {
  switch (type) {
    case ThriftType::kBool:
    case ThriftType::kI8:
      if (pos_ >= size_) return Truncated(type == ThriftType::kBool ? "a bool" : "an i8", pos_);
      ++pos_;
      return Status::OK();
    case ThriftType::kI16:
    case ThriftType::kI32:
    case ThriftType::kI64: {
      uint64_t ignored;
      return ReadVarint("an integer", &ignored);
    }
    case ThriftType::kDouble:
      if (size_ - pos_ < 8) return Truncated("a double", pos_);
      pos_ += 8;
      return Status::OK();
    case ThriftType::kUuid:
      if (size_ - pos_ < 16) return Truncated("a uuid", pos_);
      pos_ += 16;
      return Status::OK();
    case ThriftType::kBinary: {
      std::string_view ignored;
      return ReadBinary(&ignored);
    }
    default:
      break;
  }
  if (type != ThriftType::kList && type != ThriftType::kSet && type != ThriftType::kMap &&
      type != ThriftType::kStruct) {
    return Status::Corrupt("Thrift: cannot skip a value of type " + ThriftTypeName(type) +
                           " at byte " + std::to_string(pos_));
  }
  if (depth >= kMaxThriftDepth) {
    return Status::Corrupt("Thrift: values nested deeper than " + std::to_string(kMaxThriftDepth) +
                           " at byte " + std::to_string(pos_));
  }
  if (type == ThriftType::kStruct) {
    for (;;) {
      const size_t start = pos_;
      if (pos_ >= size_) return Truncated("a field header (no stop byte)", start);
      const uint8_t b = data_[pos_++];
      if (b == 0) return Status::OK();
      const uint8_t code = b & 0x0f;
      if (code == 0 || code > kMaxTypeCode) {
        return Status::Corrupt("Thrift: invalid field type code " + std::to_string(code) +
                               " in field header at byte " + std::to_string(start));
      }
      if ((b >> 4) == 0) {
        int64_t id;
        LW_RETURN_IF_ERROR(ReadZigzag("a field id", &id));
      }
      // A bool field's value is its header.
      if (code == kCodeBoolTrue || code == kCodeBoolFalse) continue;
      LW_RETURN_IF_ERROR(SkipValue(static_cast<ThriftType>(code), depth + 1));
    }
  }
  if (type == ThriftType::kMap) {
    ThriftType key_type, value_type;
    uint32_t n;
    LW_RETURN_IF_ERROR(ReadMapHeader(&key_type, &value_type, &n));
    for (uint32_t i = 0; i < n; ++i) {
      LW_RETURN_IF_ERROR(SkipValue(key_type, depth + 1));
      LW_RETURN_IF_ERROR(SkipValue(value_type, depth + 1));
    }
    return Status::OK();
  }
  ThriftType element_type;
  uint32_t n;
  LW_RETURN_IF_ERROR(ReadListHeader(&element_type, &n));
  for (uint32_t i = 0; i < n; ++i) LW_RETURN_IF_ERROR(SkipValue(element_type, depth + 1));
  return Status::OK();
}

// ============================================================================
// ThriftCompactWriter

ThriftCompactWriter::ThriftCompactWriter(std::string* out) : str_(out) { assert(out != nullptr); }

ThriftCompactWriter::ThriftCompactWriter(Buffer* out) : buf_(out) { assert(out != nullptr); }

void ThriftCompactWriter::PutByte(uint8_t b) {
  if (str_ != nullptr) {
    str_->push_back(static_cast<char>(b));
  } else {
    buf_->PushByte(b);
  }
}

void ThriftCompactWriter::Put(const void* p, size_t n) {
  if (str_ != nullptr) {
    str_->append(static_cast<const char*>(p), n);
  } else {
    buf_->Append(p, n);
  }
}

void ThriftCompactWriter::PutVarint(uint64_t v) {
  uint8_t tmp[kMaxVarintBytes];
  size_t n = 0;
  while (v >= 0x80) {
    tmp[n++] = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  tmp[n++] = static_cast<uint8_t>(v);
  Put(tmp, n);
}

void ThriftCompactWriter::BeginStruct() {
  assert(depth_ < kMaxThriftDepth);
  ++depth_;
  last_field_id_[depth_] = 0;
}

void ThriftCompactWriter::EndStruct() {
  assert(depth_ > 0);
  PutByte(0);
  --depth_;
}

void ThriftCompactWriter::PutFieldHeader(uint8_t type_code, int16_t id) {
  assert(depth_ > 0);
  const int delta = static_cast<int>(id) - last_field_id_[depth_];
  if (delta > 0 && delta <= 15) {
    PutByte(static_cast<uint8_t>((delta << 4) | type_code));
  } else {
    PutByte(type_code);
    PutVarint(ZigzagEncode(id));
  }
  last_field_id_[depth_] = id;
}

void ThriftCompactWriter::WriteFieldHeader(ThriftType type, int16_t id) {
  assert(type != ThriftType::kStop && type != ThriftType::kBool);
  PutFieldHeader(static_cast<uint8_t>(type), id);
}

void ThriftCompactWriter::WriteBoolField(int16_t id, bool value) {
  PutFieldHeader(value ? kCodeBoolTrue : kCodeBoolFalse, id);
}

void ThriftCompactWriter::WriteBool(bool value) { PutByte(value ? 1 : 0); }

void ThriftCompactWriter::WriteI8(int8_t value) { PutByte(static_cast<uint8_t>(value)); }

void ThriftCompactWriter::WriteI16(int16_t value) { PutVarint(ZigzagEncode(value)); }

void ThriftCompactWriter::WriteI32(int32_t value) { PutVarint(ZigzagEncode(value)); }

void ThriftCompactWriter::WriteI64(int64_t value) { PutVarint(ZigzagEncode(value)); }

void ThriftCompactWriter::WriteDouble(double value) {
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  uint8_t le[8];
  for (int i = 0; i < 8; ++i) le[i] = static_cast<uint8_t>(bits >> (8 * i));
  Put(le, sizeof(le));
}

void ThriftCompactWriter::WriteBinary(std::string_view value) {
  assert(value.size() <= static_cast<size_t>(INT32_MAX));
  PutVarint(value.size());
  Put(value.data(), value.size());
}

namespace {
uint8_t ElementCode(ThriftType type) {
  assert(type != ThriftType::kStop);
  return type == ThriftType::kBool ? kCodeListBool : static_cast<uint8_t>(type);
}
}  // namespace

void ThriftCompactWriter::WriteListHeader(ThriftType element_type, uint32_t size) {
  assert(size <= static_cast<uint32_t>(INT32_MAX));
  const uint8_t code = ElementCode(element_type);
  if (size < 15) {
    PutByte(static_cast<uint8_t>((size << 4) | code));
  } else {
    PutByte(static_cast<uint8_t>(0xf0 | code));
    PutVarint(size);
  }
}

void ThriftCompactWriter::WriteMapHeader(ThriftType key_type, ThriftType value_type,
                                         uint32_t size) {
  assert(size <= static_cast<uint32_t>(INT32_MAX));
  if (size == 0) {
    PutByte(0);
    return;
  }
  PutVarint(size);
  PutByte(static_cast<uint8_t>((ElementCode(key_type) << 4) | ElementCode(value_type)));
}

}  // namespace lakewatch::parquet
