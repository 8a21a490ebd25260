// Parquet metadata <-> Thrift compact protocol.
//
// Each parquet.thrift struct is a Thrift struct; field ids below are the
// spec's (see metadata.h for which fields are mirrored). Encoding:
//   - i32/i64/i16 fields and enums: zigzag varints; i8: one byte; bool: in the
//     field header; binary/string: varint length + bytes; list<T>: list
//     header + elements; nested struct: its fields then a stop byte.
//   - Unions (LogicalType, TimeUnit, ColumnOrder) are structs holding exactly
//     one field whose value is a (usually empty) struct.
//   - Fields are written in increasing id order, so every header is one byte
//     (ids here never jump by more than 15).
// See thrift_compact.cc for the byte layout of each of these.
//
// Parsing follows Thrift-generated readers where they are lenient (unknown
// field ids skipped; a known id with another wire type skipped too; integer
// list elements of another varint width accepted) and is strict where they
// are: required fields present, list elements of the declared type, a union
// with exactly one member. Unknown enum values are kept as raw integers.
#include "parquet/metadata.h"

#include <algorithm>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "parquet/thrift_compact.h"

namespace lakewatch::parquet {

namespace {

using Reader = ThriftCompactReader;
using Writer = ThriftCompactWriter;

// A list header's size (already checked against the bytes left) is trusted
// for reserve() up to 16 bytes of memory per input byte left, or 1 MiB;
// beyond that the vector grows only as elements actually parse, so a lying
// header cannot make us allocate much more than the input warrants.
constexpr size_t kReserveBytesPerInputByte = 16;
constexpr size_t kMinReserveBudget = size_t{1} << 20;

template <typename T>
size_t ReserveFor(uint32_t n, size_t bytes_left) {
  const size_t budget = std::max(kMinReserveBudget, kReserveBytesPerInputByte * bytes_left);
  return std::min<size_t>(n, budget / sizeof(T));
}

template <typename T>
struct IsVector : std::false_type {};
template <typename T>
struct IsVector<std::vector<T>> : std::true_type {};

// The wire type of a C++ field type.
template <typename T>
constexpr ThriftType WireType() {
  if constexpr (std::is_same_v<T, bool>) {
    return ThriftType::kBool;
  } else if constexpr (std::is_same_v<T, int8_t>) {
    return ThriftType::kI8;
  } else if constexpr (std::is_same_v<T, int16_t>) {
    return ThriftType::kI16;
  } else if constexpr (std::is_same_v<T, int32_t> || std::is_enum_v<T>) {
    return ThriftType::kI32;
  } else if constexpr (std::is_same_v<T, int64_t>) {
    return ThriftType::kI64;
  } else if constexpr (std::is_same_v<T, std::string>) {
    return ThriftType::kBinary;
  } else if constexpr (IsVector<T>::value) {
    return ThriftType::kList;
  } else {
    return ThriftType::kStruct;
  }
}

// ============================================================================
// Reading

Status ReadValue(Reader* r, bool* v) { return r->ReadBool(v); }
Status ReadValue(Reader* r, int8_t* v) { return r->ReadI8(v); }
Status ReadValue(Reader* r, int16_t* v) { return r->ReadI16(v); }
Status ReadValue(Reader* r, int32_t* v) { return r->ReadI32(v); }
Status ReadValue(Reader* r, int64_t* v) { return r->ReadI64(v); }
Status ReadValue(Reader* r, std::string* v) { return r->ReadString(v); }

template <typename E>
requires std::is_enum_v<E> Status ReadValue(Reader* r, E* v) {
  int32_t raw;
  LW_RETURN_IF_ERROR(r->ReadI32(&raw));
  *v = static_cast<E>(raw);  // unknown values are kept: every enum here is int32_t-based
  return Status::OK();
}

Status ReadValue(Reader* r, Statistics* out);
Status ReadValue(Reader* r, LogicalType* out);
Status ReadValue(Reader* r, SchemaElement* out);
Status ReadValue(Reader* r, DataPageHeader* out);
Status ReadValue(Reader* r, IndexPageHeader* out);
Status ReadValue(Reader* r, DictionaryPageHeader* out);
Status ReadValue(Reader* r, DataPageHeaderV2* out);
Status ReadValue(Reader* r, PageHeader* out);
Status ReadValue(Reader* r, KeyValue* out);
Status ReadValue(Reader* r, SortingColumn* out);
Status ReadValue(Reader* r, PageEncodingStats* out);
Status ReadValue(Reader* r, ColumnMetaData* out);
Status ReadValue(Reader* r, ColumnChunk* out);
Status ReadValue(Reader* r, RowGroup* out);
Status ReadValue(Reader* r, ColumnOrder* out);
Status ReadValue(Reader* r, FileMetaData* out);
Status ReadValue(Reader* r, PageLocation* out);
Status ReadValue(Reader* r, OffsetIndex* out);
Status ReadValue(Reader* r, ColumnIndex* out);

// Which fields of one struct were read, and which known ids came with an
// unexpected wire type (and were skipped, as Thrift-generated readers do).
// Mirrored field ids are all below 32.
class Seen {
 public:
  void Set(int16_t id) {
    if (id >= 0 && id < kIds) present_ |= 1u << id;
  }
  void SetMismatch(int16_t id, ThriftType type) {
    if (id >= 0 && id < kIds) mismatch_[id] = type;
  }
  bool Has(int id) const { return (present_ >> id) & 1u; }
  ThriftType Mismatch(int id) const { return mismatch_[id]; }

 private:
  static constexpr int kIds = 32;
  uint32_t present_ = 0;
  ThriftType mismatch_[kIds] = {};  // kStop: none
};

Status Missing(const char* name, size_t struct_offset, const Seen& seen, int id) {
  std::string msg = std::string(name) + " missing (struct at byte " + std::to_string(struct_offset);
  if (seen.Mismatch(id) != ThriftType::kStop) {
    msg += "; field " + std::to_string(id) + " was there as " + ThriftTypeName(seen.Mismatch(id)) +
           " and was skipped";
  }
  return Status::Corrupt(msg + ")");
}

#define LW_REQUIRE(seen, id, name, start) \
  if (!(seen).Has(id)) return Missing(name, start, seen, id)

// Skips a field this reader does not mirror.
Status SkipField(Reader* r, const ThriftFieldHeader& fh, const char* struct_name) {
  Status st = r->Skip(fh.type);
  if (!st.ok()) {
    return st.WithContext(std::string(struct_name) + " field " + std::to_string(fh.id) +
                          " (not mirrored, " + ThriftTypeName(fh.type) + ")");
  }
  return st;
}

// A known field id with another wire type than the spec's: skipped like an
// unknown field (a required one is then reported missing).
Status SkipMismatch(Reader* r, const ThriftFieldHeader& fh, const char* name, Seen* seen) {
  seen->SetMismatch(fh.id, fh.type);
  Status st = r->Skip(fh.type);
  if (!st.ok()) {
    return st.WithContext(std::string(name) + " (unexpected " + ThriftTypeName(fh.type) + ")");
  }
  return st;
}

// Whether list elements of wire type `have` can be read as `want`. The
// zigzag-varint integers share one encoding, so a list<i16> where the spec
// says list<i32> reads fine (range-checked), as Thrift-generated readers do.
bool ElementTypeMatches(ThriftType have, ThriftType want) {
  auto varint = [](ThriftType t) {
    return t == ThriftType::kI16 || t == ThriftType::kI32 || t == ThriftType::kI64;
  };
  return have == want || (varint(have) && varint(want));
}

// Reads the value of field `fh` into *out; `name` ("Struct.field") prefixes
// any error.
template <typename T>
Status ReadField(Reader* r, const ThriftFieldHeader& fh, const char* name, T* out, Seen* seen) {
  if (fh.type != WireType<T>()) return SkipMismatch(r, fh, name, seen);
  seen->Set(fh.id);
  Status st = ReadValue(r, out);
  if (!st.ok()) return st.WithContext(name);
  return st;
}

template <typename T>
Status ReadField(Reader* r, const ThriftFieldHeader& fh, const char* name, std::vector<T>* out,
                 Seen* seen) {
  if (fh.type != ThriftType::kList) return SkipMismatch(r, fh, name, seen);
  seen->Set(fh.id);
  const size_t list_offset = r->position();
  ThriftType element_type;
  uint32_t n;
  Status st = r->ReadListHeader(&element_type, &n);
  if (!st.ok()) return st.WithContext(name);
  if (n > 0 && !ElementTypeMatches(element_type, WireType<T>())) {
    return Status::Corrupt(std::string(name) + ": expected list<" + ThriftTypeName(WireType<T>()) +
                           ">, found list<" + ThriftTypeName(element_type) + "> (list at byte " +
                           std::to_string(list_offset) + ")");
  }
  out->clear();
  out->reserve(ReserveFor<T>(n, r->remaining()));
  for (uint32_t i = 0; i < n; ++i) {
    if constexpr (std::is_same_v<T, bool>) {  // vector<bool> elements have no address
      bool b = false;
      st = ReadValue(r, &b);
      out->push_back(b);
    } else {
      st = ReadValue(r, &out->emplace_back());
    }
    if (!st.ok()) return st.WithContext(std::string(name) + "[" + std::to_string(i) + "]");
  }
  return Status::OK();
}

// Declared after the vector overload so optional<vector<T>> finds it.
template <typename T>
Status ReadField(Reader* r, const ThriftFieldHeader& fh, const char* name, std::optional<T>* out,
                 Seen* seen) {
  if (fh.type != WireType<T>()) return SkipMismatch(r, fh, name, seen);
  return ReadField(r, fh, name, &out->emplace(), seen);
}

// Reads one struct, calling on_field(header) for each field until the stop.
template <typename OnField>
Status ReadStruct(Reader* r, const char* struct_name, OnField&& on_field) {
  Status st = r->BeginStruct();
  if (!st.ok()) return st.WithContext(struct_name);
  ThriftFieldHeader fh;
  for (;;) {
    st = r->ReadFieldHeader(&fh);
    if (!st.ok()) return st.WithContext(struct_name);
    if (fh.type == ThriftType::kStop) break;
    LW_RETURN_IF_ERROR(on_field(fh));
  }
  return r->EndStruct();
}

Status ReadValue(Reader* r, Statistics* out) {
  Seen seen;
  return ReadStruct(r, "Statistics", [&](const ThriftFieldHeader& fh) -> Status {
    switch (fh.id) {
      case 1:
        return ReadField(r, fh, "Statistics.max", &out->max, &seen);
      case 2:
        return ReadField(r, fh, "Statistics.min", &out->min, &seen);
      case 3:
        return ReadField(r, fh, "Statistics.null_count", &out->null_count, &seen);
      case 4:
        return ReadField(r, fh, "Statistics.distinct_count", &out->distinct_count, &seen);
      case 5:
        return ReadField(r, fh, "Statistics.max_value", &out->max_value, &seen);
      case 6:
        return ReadField(r, fh, "Statistics.min_value", &out->min_value, &seen);
      case 7:
        return ReadField(r, fh, "Statistics.is_max_value_exact", &out->is_max_value_exact, &seen);
      case 8:
        return ReadField(r, fh, "Statistics.is_min_value_exact", &out->is_min_value_exact, &seen);
      case 9:
        return ReadField(r, fh, "Statistics.nan_count", &out->nan_count, &seen);
      default:
        return SkipField(r, fh, "Statistics");
    }
  });
}

// A union: exactly one field, each member a struct. on_member(header) reads
// the member's struct.
template <typename OnMember>
Status ReadUnion(Reader* r, const char* union_name, OnMember&& on_member) {
  const size_t start = r->position();
  int members = 0;
  LW_RETURN_IF_ERROR(ReadStruct(r, union_name, [&](const ThriftFieldHeader& fh) -> Status {
    // Members are structs; anything else is skipped as Thrift readers do.
    if (fh.type != ThriftType::kStruct) return SkipField(r, fh, union_name);
    if (++members > 1) {
      return Status::Corrupt(std::string(union_name) +
                             " union has more than one member (second: field " +
                             std::to_string(fh.id) + " at byte " + std::to_string(fh.offset) + ")");
    }
    return on_member(fh);
  }));
  if (members == 0) {
    return Status::Corrupt(std::string(union_name) + " union has no member (struct at byte " +
                           std::to_string(start) + ")");
  }
  return Status::OK();
}

// Reads a member struct whose contents we do not need (empty in the spec).
Status SkipMember(Reader* r, const char* name) {
  Status st = r->Skip(ThriftType::kStruct);
  if (!st.ok()) return st.WithContext(name);
  return st;
}

Status ReadTimeUnit(Reader* r, TimeUnit* out) {
  return ReadUnion(r, "TimeUnit", [&](const ThriftFieldHeader& fh) -> Status {
    *out = static_cast<TimeUnit>(fh.id);  // unknown units keep their id
    return SkipMember(r, "TimeUnit");
  });
}

// TimeType and TimestampType share their layout.
Status ReadTimeMember(Reader* r, const char* struct_name, const char* utc_name,
                      const char* unit_name, LogicalType* out) {
  const size_t start = r->position();
  Seen seen;
  LW_RETURN_IF_ERROR(ReadStruct(r, struct_name, [&](const ThriftFieldHeader& fh) -> Status {
    switch (fh.id) {
      case 1:
        return ReadField(r, fh, utc_name, &out->is_adjusted_to_utc, &seen);
      case 2: {
        if (fh.type != ThriftType::kStruct) return SkipMismatch(r, fh, unit_name, &seen);
        seen.Set(2);
        Status st = ReadTimeUnit(r, &out->unit);
        return st.ok() ? st : st.WithContext(unit_name);
      }
      default:
        return SkipField(r, fh, struct_name);
    }
  }));
  LW_REQUIRE(seen, 1, utc_name, start);
  LW_REQUIRE(seen, 2, unit_name, start);
  return Status::OK();
}

Status ReadValue(Reader* r, LogicalType* out) {
  return ReadUnion(r, "LogicalType", [&](const ThriftFieldHeader& fh) -> Status {
    const size_t start = r->position();
    Seen seen;
    switch (fh.id) {
      case 1:
      case 2:
      case 3:
      case 4:
      case 6:
      case 11:
      case 12:
      case 13:
      case 14:
      case 15:
        out->kind = static_cast<LogicalType::Kind>(fh.id);
        return SkipMember(r, "LogicalType");
      case 5:
        out->kind = LogicalType::Kind::kDecimal;
        LW_RETURN_IF_ERROR(ReadStruct(r, "DecimalType", [&](const ThriftFieldHeader& f) -> Status {
          switch (f.id) {
            case 1:
              return ReadField(r, f, "DecimalType.scale", &out->scale, &seen);
            case 2:
              return ReadField(r, f, "DecimalType.precision", &out->precision, &seen);
            default:
              return SkipField(r, f, "DecimalType");
          }
        }));
        LW_REQUIRE(seen, 1, "DecimalType.scale", start);
        LW_REQUIRE(seen, 2, "DecimalType.precision", start);
        return Status::OK();
      case 7:
        out->kind = LogicalType::Kind::kTime;
        return ReadTimeMember(r, "TimeType", "TimeType.isAdjustedToUTC", "TimeType.unit", out);
      case 8:
        out->kind = LogicalType::Kind::kTimestamp;
        return ReadTimeMember(r, "TimestampType", "TimestampType.isAdjustedToUTC",
                              "TimestampType.unit", out);
      case 10:
        out->kind = LogicalType::Kind::kInteger;
        LW_RETURN_IF_ERROR(ReadStruct(r, "IntType", [&](const ThriftFieldHeader& f) -> Status {
          switch (f.id) {
            case 1:
              return ReadField(r, f, "IntType.bitWidth", &out->bit_width, &seen);
            case 2:
              return ReadField(r, f, "IntType.isSigned", &out->is_signed, &seen);
            default:
              return SkipField(r, f, "IntType");
          }
        }));
        LW_REQUIRE(seen, 1, "IntType.bitWidth", start);
        LW_REQUIRE(seen, 2, "IntType.isSigned", start);
        return Status::OK();
      default:
        out->kind = LogicalType::Kind::kUnrecognized;
        out->unrecognized_id = fh.id;
        return SkipMember(r, "LogicalType");
    }
  });
}

Status ReadValue(Reader* r, SchemaElement* out) {
  const size_t start = r->position();
  Seen seen;
  LW_RETURN_IF_ERROR(ReadStruct(r, "SchemaElement", [&](const ThriftFieldHeader& fh) -> Status {
    switch (fh.id) {
      case 1:
        return ReadField(r, fh, "SchemaElement.type", &out->type, &seen);
      case 2:
        return ReadField(r, fh, "SchemaElement.type_length", &out->type_length, &seen);
      case 3:
        return ReadField(r, fh, "SchemaElement.repetition_type", &out->repetition_type, &seen);
      case 4:
        return ReadField(r, fh, "SchemaElement.name", &out->name, &seen);
      case 5:
        return ReadField(r, fh, "SchemaElement.num_children", &out->num_children, &seen);
      case 6:
        return ReadField(r, fh, "SchemaElement.converted_type", &out->converted_type, &seen);
      case 7:
        return ReadField(r, fh, "SchemaElement.scale", &out->scale, &seen);
      case 8:
        return ReadField(r, fh, "SchemaElement.precision", &out->precision, &seen);
      case 9:
        return ReadField(r, fh, "SchemaElement.field_id", &out->field_id, &seen);
      case 10:
        return ReadField(r, fh, "SchemaElement.logicalType", &out->logical_type, &seen);
      default:
        return SkipField(r, fh, "SchemaElement");
    }
  }));
  LW_REQUIRE(seen, 4, "SchemaElement.name", start);
  return Status::OK();
}

Status ReadValue(Reader* r, DataPageHeader* out) {
  const size_t start = r->position();
  Seen seen;
  LW_RETURN_IF_ERROR(ReadStruct(r, "DataPageHeader", [&](const ThriftFieldHeader& fh) -> Status {
    switch (fh.id) {
      case 1:
        return ReadField(r, fh, "DataPageHeader.num_values", &out->num_values, &seen);
      case 2:
        return ReadField(r, fh, "DataPageHeader.encoding", &out->encoding, &seen);
      case 3:
        return ReadField(r, fh, "DataPageHeader.definition_level_encoding",
                         &out->definition_level_encoding, &seen);
      case 4:
        return ReadField(r, fh, "DataPageHeader.repetition_level_encoding",
                         &out->repetition_level_encoding, &seen);
      case 5:
        return ReadField(r, fh, "DataPageHeader.statistics", &out->statistics, &seen);
      default:
        return SkipField(r, fh, "DataPageHeader");
    }
  }));
  LW_REQUIRE(seen, 1, "DataPageHeader.num_values", start);
  LW_REQUIRE(seen, 2, "DataPageHeader.encoding", start);
  LW_REQUIRE(seen, 3, "DataPageHeader.definition_level_encoding", start);
  LW_REQUIRE(seen, 4, "DataPageHeader.repetition_level_encoding", start);
  return Status::OK();
}

Status ReadValue(Reader* r, IndexPageHeader* /*out*/) {
  return ReadStruct(r, "IndexPageHeader", [&](const ThriftFieldHeader& fh) -> Status {
    return SkipField(r, fh, "IndexPageHeader");
  });
}

Status ReadValue(Reader* r, DictionaryPageHeader* out) {
  const size_t start = r->position();
  Seen seen;
  LW_RETURN_IF_ERROR(
      ReadStruct(r, "DictionaryPageHeader", [&](const ThriftFieldHeader& fh) -> Status {
        switch (fh.id) {
          case 1:
            return ReadField(r, fh, "DictionaryPageHeader.num_values", &out->num_values, &seen);
          case 2:
            return ReadField(r, fh, "DictionaryPageHeader.encoding", &out->encoding, &seen);
          case 3:
            return ReadField(r, fh, "DictionaryPageHeader.is_sorted", &out->is_sorted, &seen);
          default:
            return SkipField(r, fh, "DictionaryPageHeader");
        }
      }));
  LW_REQUIRE(seen, 1, "DictionaryPageHeader.num_values", start);
  LW_REQUIRE(seen, 2, "DictionaryPageHeader.encoding", start);
  return Status::OK();
}

Status ReadValue(Reader* r, DataPageHeaderV2* out) {
  const size_t start = r->position();
  Seen seen;
  LW_RETURN_IF_ERROR(ReadStruct(r, "DataPageHeaderV2", [&](const ThriftFieldHeader& fh) -> Status {
    switch (fh.id) {
      case 1:
        return ReadField(r, fh, "DataPageHeaderV2.num_values", &out->num_values, &seen);
      case 2:
        return ReadField(r, fh, "DataPageHeaderV2.num_nulls", &out->num_nulls, &seen);
      case 3:
        return ReadField(r, fh, "DataPageHeaderV2.num_rows", &out->num_rows, &seen);
      case 4:
        return ReadField(r, fh, "DataPageHeaderV2.encoding", &out->encoding, &seen);
      case 5:
        return ReadField(r, fh, "DataPageHeaderV2.definition_levels_byte_length",
                         &out->definition_levels_byte_length, &seen);
      case 6:
        return ReadField(r, fh, "DataPageHeaderV2.repetition_levels_byte_length",
                         &out->repetition_levels_byte_length, &seen);
      case 7:
        return ReadField(r, fh, "DataPageHeaderV2.is_compressed", &out->is_compressed, &seen);
      case 8:
        return ReadField(r, fh, "DataPageHeaderV2.statistics", &out->statistics, &seen);
      default:
        return SkipField(r, fh, "DataPageHeaderV2");
    }
  }));
  LW_REQUIRE(seen, 1, "DataPageHeaderV2.num_values", start);
  LW_REQUIRE(seen, 2, "DataPageHeaderV2.num_nulls", start);
  LW_REQUIRE(seen, 3, "DataPageHeaderV2.num_rows", start);
  LW_REQUIRE(seen, 4, "DataPageHeaderV2.encoding", start);
  LW_REQUIRE(seen, 5, "DataPageHeaderV2.definition_levels_byte_length", start);
  LW_REQUIRE(seen, 6, "DataPageHeaderV2.repetition_levels_byte_length", start);
  return Status::OK();
}

Status ReadValue(Reader* r, PageHeader* out) {
  const size_t start = r->position();
  Seen seen;
  LW_RETURN_IF_ERROR(ReadStruct(r, "PageHeader", [&](const ThriftFieldHeader& fh) -> Status {
    switch (fh.id) {
      case 1:
        return ReadField(r, fh, "PageHeader.type", &out->type, &seen);
      case 2:
        return ReadField(r, fh, "PageHeader.uncompressed_page_size", &out->uncompressed_page_size,
                         &seen);
      case 3:
        return ReadField(r, fh, "PageHeader.compressed_page_size", &out->compressed_page_size,
                         &seen);
      case 4:
        return ReadField(r, fh, "PageHeader.crc", &out->crc, &seen);
      case 5:
        return ReadField(r, fh, "PageHeader.data_page_header", &out->data_page_header, &seen);
      case 6:
        return ReadField(r, fh, "PageHeader.index_page_header", &out->index_page_header, &seen);
      case 7:
        return ReadField(r, fh, "PageHeader.dictionary_page_header", &out->dictionary_page_header,
                         &seen);
      case 8:
        return ReadField(r, fh, "PageHeader.data_page_header_v2", &out->data_page_header_v2, &seen);
      default:
        return SkipField(r, fh, "PageHeader");
    }
  }));
  LW_REQUIRE(seen, 1, "PageHeader.type", start);
  LW_REQUIRE(seen, 2, "PageHeader.uncompressed_page_size", start);
  LW_REQUIRE(seen, 3, "PageHeader.compressed_page_size", start);
  return Status::OK();
}

Status ReadValue(Reader* r, KeyValue* out) {
  const size_t start = r->position();
  Seen seen;
  LW_RETURN_IF_ERROR(ReadStruct(r, "KeyValue", [&](const ThriftFieldHeader& fh) -> Status {
    switch (fh.id) {
      case 1:
        return ReadField(r, fh, "KeyValue.key", &out->key, &seen);
      case 2:
        return ReadField(r, fh, "KeyValue.value", &out->value, &seen);
      default:
        return SkipField(r, fh, "KeyValue");
    }
  }));
  LW_REQUIRE(seen, 1, "KeyValue.key", start);
  return Status::OK();
}

Status ReadValue(Reader* r, SortingColumn* out) {
  const size_t start = r->position();
  Seen seen;
  LW_RETURN_IF_ERROR(ReadStruct(r, "SortingColumn", [&](const ThriftFieldHeader& fh) -> Status {
    switch (fh.id) {
      case 1:
        return ReadField(r, fh, "SortingColumn.column_idx", &out->column_idx, &seen);
      case 2:
        return ReadField(r, fh, "SortingColumn.descending", &out->descending, &seen);
      case 3:
        return ReadField(r, fh, "SortingColumn.nulls_first", &out->nulls_first, &seen);
      default:
        return SkipField(r, fh, "SortingColumn");
    }
  }));
  LW_REQUIRE(seen, 1, "SortingColumn.column_idx", start);
  LW_REQUIRE(seen, 2, "SortingColumn.descending", start);
  LW_REQUIRE(seen, 3, "SortingColumn.nulls_first", start);
  return Status::OK();
}

Status ReadValue(Reader* r, PageEncodingStats* out) {
  const size_t start = r->position();
  Seen seen;
  LW_RETURN_IF_ERROR(ReadStruct(r, "PageEncodingStats", [&](const ThriftFieldHeader& fh) -> Status {
    switch (fh.id) {
      case 1:
        return ReadField(r, fh, "PageEncodingStats.page_type", &out->page_type, &seen);
      case 2:
        return ReadField(r, fh, "PageEncodingStats.encoding", &out->encoding, &seen);
      case 3:
        return ReadField(r, fh, "PageEncodingStats.count", &out->count, &seen);
      default:
        return SkipField(r, fh, "PageEncodingStats");
    }
  }));
  LW_REQUIRE(seen, 1, "PageEncodingStats.page_type", start);
  LW_REQUIRE(seen, 2, "PageEncodingStats.encoding", start);
  LW_REQUIRE(seen, 3, "PageEncodingStats.count", start);
  return Status::OK();
}

Status ReadValue(Reader* r, ColumnMetaData* out) {
  const size_t start = r->position();
  Seen seen;
  LW_RETURN_IF_ERROR(ReadStruct(r, "ColumnMetaData", [&](const ThriftFieldHeader& fh) -> Status {
    switch (fh.id) {
      case 1:
        return ReadField(r, fh, "ColumnMetaData.type", &out->type, &seen);
      case 2:
        return ReadField(r, fh, "ColumnMetaData.encodings", &out->encodings, &seen);
      case 3:
        return ReadField(r, fh, "ColumnMetaData.path_in_schema", &out->path_in_schema, &seen);
      case 4:
        return ReadField(r, fh, "ColumnMetaData.codec", &out->codec, &seen);
      case 5:
        return ReadField(r, fh, "ColumnMetaData.num_values", &out->num_values, &seen);
      case 6:
        return ReadField(r, fh, "ColumnMetaData.total_uncompressed_size",
                         &out->total_uncompressed_size, &seen);
      case 7:
        return ReadField(r, fh, "ColumnMetaData.total_compressed_size", &out->total_compressed_size,
                         &seen);
      case 8:
        return ReadField(r, fh, "ColumnMetaData.key_value_metadata", &out->key_value_metadata,
                         &seen);
      case 9:
        return ReadField(r, fh, "ColumnMetaData.data_page_offset", &out->data_page_offset, &seen);
      case 10:
        return ReadField(r, fh, "ColumnMetaData.index_page_offset", &out->index_page_offset, &seen);
      case 11:
        return ReadField(r, fh, "ColumnMetaData.dictionary_page_offset",
                         &out->dictionary_page_offset, &seen);
      case 12:
        return ReadField(r, fh, "ColumnMetaData.statistics", &out->statistics, &seen);
      case 13:
        return ReadField(r, fh, "ColumnMetaData.encoding_stats", &out->encoding_stats, &seen);
      case 14:
        return ReadField(r, fh, "ColumnMetaData.bloom_filter_offset", &out->bloom_filter_offset,
                         &seen);
      case 15:
        return ReadField(r, fh, "ColumnMetaData.bloom_filter_length", &out->bloom_filter_length,
                         &seen);
      default:
        return SkipField(r, fh, "ColumnMetaData");
    }
  }));
  LW_REQUIRE(seen, 1, "ColumnMetaData.type", start);
  LW_REQUIRE(seen, 2, "ColumnMetaData.encodings", start);
  LW_REQUIRE(seen, 3, "ColumnMetaData.path_in_schema", start);
  LW_REQUIRE(seen, 4, "ColumnMetaData.codec", start);
  LW_REQUIRE(seen, 5, "ColumnMetaData.num_values", start);
  LW_REQUIRE(seen, 6, "ColumnMetaData.total_uncompressed_size", start);
  LW_REQUIRE(seen, 7, "ColumnMetaData.total_compressed_size", start);
  LW_REQUIRE(seen, 9, "ColumnMetaData.data_page_offset", start);
  return Status::OK();
}

Status ReadValue(Reader* r, ColumnChunk* out) {
  const size_t start = r->position();
  Seen seen;
  LW_RETURN_IF_ERROR(ReadStruct(r, "ColumnChunk", [&](const ThriftFieldHeader& fh) -> Status {
    switch (fh.id) {
      case 1:
        return ReadField(r, fh, "ColumnChunk.file_path", &out->file_path, &seen);
      case 2:
        return ReadField(r, fh, "ColumnChunk.file_offset", &out->file_offset, &seen);
      case 3:
        return ReadField(r, fh, "ColumnChunk.meta_data", &out->meta_data, &seen);
      case 4:
        return ReadField(r, fh, "ColumnChunk.offset_index_offset", &out->offset_index_offset,
                         &seen);
      case 5:
        return ReadField(r, fh, "ColumnChunk.offset_index_length", &out->offset_index_length,
                         &seen);
      case 6:
        return ReadField(r, fh, "ColumnChunk.column_index_offset", &out->column_index_offset,
                         &seen);
      case 7:
        return ReadField(r, fh, "ColumnChunk.column_index_length", &out->column_index_length,
                         &seen);
      default:
        return SkipField(r, fh, "ColumnChunk");
    }
  }));
  LW_REQUIRE(seen, 2, "ColumnChunk.file_offset", start);
  return Status::OK();
}

Status ReadValue(Reader* r, RowGroup* out) {
  const size_t start = r->position();
  Seen seen;
  LW_RETURN_IF_ERROR(ReadStruct(r, "RowGroup", [&](const ThriftFieldHeader& fh) -> Status {
    switch (fh.id) {
      case 1:
        return ReadField(r, fh, "RowGroup.columns", &out->columns, &seen);
      case 2:
        return ReadField(r, fh, "RowGroup.total_byte_size", &out->total_byte_size, &seen);
      case 3:
        return ReadField(r, fh, "RowGroup.num_rows", &out->num_rows, &seen);
      case 4:
        return ReadField(r, fh, "RowGroup.sorting_columns", &out->sorting_columns, &seen);
      case 5:
        return ReadField(r, fh, "RowGroup.file_offset", &out->file_offset, &seen);
      case 6:
        return ReadField(r, fh, "RowGroup.total_compressed_size", &out->total_compressed_size,
                         &seen);
      case 7:
        return ReadField(r, fh, "RowGroup.ordinal", &out->ordinal, &seen);
      default:
        return SkipField(r, fh, "RowGroup");
    }
  }));
  LW_REQUIRE(seen, 1, "RowGroup.columns", start);
  LW_REQUIRE(seen, 2, "RowGroup.total_byte_size", start);
  LW_REQUIRE(seen, 3, "RowGroup.num_rows", start);
  return Status::OK();
}

Status ReadValue(Reader* r, ColumnOrder* out) {
  return ReadUnion(r, "ColumnOrder", [&](const ThriftFieldHeader& fh) -> Status {
    out->kind = static_cast<ColumnOrder::Kind>(fh.id);  // unknown members keep their id
    return SkipMember(r, "ColumnOrder");
  });
}

Status ReadValue(Reader* r, FileMetaData* out) {
  const size_t start = r->position();
  Seen seen;
  LW_RETURN_IF_ERROR(ReadStruct(r, "FileMetaData", [&](const ThriftFieldHeader& fh) -> Status {
    switch (fh.id) {
      case 1:
        return ReadField(r, fh, "FileMetaData.version", &out->version, &seen);
      case 2:
        return ReadField(r, fh, "FileMetaData.schema", &out->schema, &seen);
      case 3:
        return ReadField(r, fh, "FileMetaData.num_rows", &out->num_rows, &seen);
      case 4:
        return ReadField(r, fh, "FileMetaData.row_groups", &out->row_groups, &seen);
      case 5:
        return ReadField(r, fh, "FileMetaData.key_value_metadata", &out->key_value_metadata, &seen);
      case 6:
        return ReadField(r, fh, "FileMetaData.created_by", &out->created_by, &seen);
      case 7:
        return ReadField(r, fh, "FileMetaData.column_orders", &out->column_orders, &seen);
      default:
        return SkipField(r, fh, "FileMetaData");
    }
  }));
  LW_REQUIRE(seen, 1, "FileMetaData.version", start);
  LW_REQUIRE(seen, 2, "FileMetaData.schema", start);
  LW_REQUIRE(seen, 3, "FileMetaData.num_rows", start);
  LW_REQUIRE(seen, 4, "FileMetaData.row_groups", start);
  return Status::OK();
}

Status ReadValue(Reader* r, PageLocation* out) {
  const size_t start = r->position();
  Seen seen;
  LW_RETURN_IF_ERROR(ReadStruct(r, "PageLocation", [&](const ThriftFieldHeader& fh) -> Status {
    switch (fh.id) {
      case 1:
        return ReadField(r, fh, "PageLocation.offset", &out->offset, &seen);
      case 2:
        return ReadField(r, fh, "PageLocation.compressed_page_size", &out->compressed_page_size,
                         &seen);
      case 3:
        return ReadField(r, fh, "PageLocation.first_row_index", &out->first_row_index, &seen);
      default:
        return SkipField(r, fh, "PageLocation");
    }
  }));
  LW_REQUIRE(seen, 1, "PageLocation.offset", start);
  LW_REQUIRE(seen, 2, "PageLocation.compressed_page_size", start);
  LW_REQUIRE(seen, 3, "PageLocation.first_row_index", start);
  return Status::OK();
}

Status ReadValue(Reader* r, OffsetIndex* out) {
  const size_t start = r->position();
  Seen seen;
  LW_RETURN_IF_ERROR(ReadStruct(r, "OffsetIndex", [&](const ThriftFieldHeader& fh) -> Status {
    switch (fh.id) {
      case 1:
        return ReadField(r, fh, "OffsetIndex.page_locations", &out->page_locations, &seen);
      case 2:
        return ReadField(r, fh, "OffsetIndex.unencoded_byte_array_data_bytes",
                         &out->unencoded_byte_array_data_bytes, &seen);
      default:
        return SkipField(r, fh, "OffsetIndex");
    }
  }));
  LW_REQUIRE(seen, 1, "OffsetIndex.page_locations", start);
  return Status::OK();
}

Status ReadValue(Reader* r, ColumnIndex* out) {
  const size_t start = r->position();
  Seen seen;
  LW_RETURN_IF_ERROR(ReadStruct(r, "ColumnIndex", [&](const ThriftFieldHeader& fh) -> Status {
    switch (fh.id) {
      case 1:
        return ReadField(r, fh, "ColumnIndex.null_pages", &out->null_pages, &seen);
      case 2:
        return ReadField(r, fh, "ColumnIndex.min_values", &out->min_values, &seen);
      case 3:
        return ReadField(r, fh, "ColumnIndex.max_values", &out->max_values, &seen);
      case 4:
        return ReadField(r, fh, "ColumnIndex.boundary_order", &out->boundary_order, &seen);
      case 5:
        return ReadField(r, fh, "ColumnIndex.null_counts", &out->null_counts, &seen);
      case 6:
        return ReadField(r, fh, "ColumnIndex.repetition_level_histograms",
                         &out->repetition_level_histograms, &seen);
      case 7:
        return ReadField(r, fh, "ColumnIndex.definition_level_histograms",
                         &out->definition_level_histograms, &seen);
      case 8:
        return ReadField(r, fh, "ColumnIndex.nan_counts", &out->nan_counts, &seen);
      default:
        return SkipField(r, fh, "ColumnIndex");
    }
  }));
  LW_REQUIRE(seen, 1, "ColumnIndex.null_pages", start);
  LW_REQUIRE(seen, 2, "ColumnIndex.min_values", start);
  LW_REQUIRE(seen, 3, "ColumnIndex.max_values", start);
  LW_REQUIRE(seen, 4, "ColumnIndex.boundary_order", start);
  return Status::OK();
}

#undef LW_REQUIRE

// ============================================================================
// Writing

void WriteValue(Writer* w, bool v) { w->WriteBool(v); }  // list elements only
void WriteValue(Writer* w, int8_t v) { w->WriteI8(v); }
void WriteValue(Writer* w, int16_t v) { w->WriteI16(v); }
void WriteValue(Writer* w, int32_t v) { w->WriteI32(v); }
void WriteValue(Writer* w, int64_t v) { w->WriteI64(v); }
void WriteValue(Writer* w, const std::string& v) { w->WriteBinary(v); }

template <typename E>
requires std::is_enum_v<E>
void WriteValue(Writer* w, E v) { w->WriteI32(static_cast<int32_t>(v)); }

void WriteValue(Writer* w, const Statistics& v);
void WriteValue(Writer* w, const LogicalType& v);
void WriteValue(Writer* w, const SchemaElement& v);
void WriteValue(Writer* w, const DataPageHeader& v);
void WriteValue(Writer* w, const IndexPageHeader& v);
void WriteValue(Writer* w, const DictionaryPageHeader& v);
void WriteValue(Writer* w, const DataPageHeaderV2& v);
void WriteValue(Writer* w, const PageHeader& v);
void WriteValue(Writer* w, const KeyValue& v);
void WriteValue(Writer* w, const SortingColumn& v);
void WriteValue(Writer* w, const PageEncodingStats& v);
void WriteValue(Writer* w, const ColumnMetaData& v);
void WriteValue(Writer* w, const ColumnChunk& v);
void WriteValue(Writer* w, const RowGroup& v);
void WriteValue(Writer* w, const ColumnOrder& v);
void WriteValue(Writer* w, const FileMetaData& v);
void WriteValue(Writer* w, const PageLocation& v);
void WriteValue(Writer* w, const OffsetIndex& v);
void WriteValue(Writer* w, const ColumnIndex& v);

template <typename T>
void WriteField(Writer* w, int16_t id, const T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    w->WriteBoolField(id, v);
  } else {
    w->WriteFieldHeader(WireType<T>(), id);
    WriteValue(w, v);
  }
}

template <typename T>
void WriteField(Writer* w, int16_t id, const std::vector<T>& v) {
  w->WriteFieldHeader(ThriftType::kList, id);
  w->WriteListHeader(WireType<T>(), static_cast<uint32_t>(v.size()));
  for (const T& e : v) WriteValue(w, e);
}

template <typename T>
void WriteField(Writer* w, int16_t id, const std::optional<T>& v) {
  if (v.has_value()) WriteField(w, id, *v);
}

// A union member or marker whose struct is empty.
void WriteEmptyStructField(Writer* w, int16_t id) {
  w->WriteFieldHeader(ThriftType::kStruct, id);
  w->BeginStruct();
  w->EndStruct();
}

void WriteValue(Writer* w, const Statistics& v) {
  w->BeginStruct();
  WriteField(w, 1, v.max);
  WriteField(w, 2, v.min);
  WriteField(w, 3, v.null_count);
  WriteField(w, 4, v.distinct_count);
  WriteField(w, 5, v.max_value);
  WriteField(w, 6, v.min_value);
  WriteField(w, 7, v.is_max_value_exact);
  WriteField(w, 8, v.is_min_value_exact);
  WriteField(w, 9, v.nan_count);
  w->EndStruct();
}

void WriteValue(Writer* w, const LogicalType& v) {
  using Kind = LogicalType::Kind;
  const int16_t id =
      v.kind == Kind::kUnrecognized ? v.unrecognized_id : static_cast<int16_t>(v.kind);
  w->BeginStruct();
  w->WriteFieldHeader(ThriftType::kStruct, id);
  w->BeginStruct();
  switch (v.kind) {
    case Kind::kDecimal:
      WriteField(w, 1, v.scale);
      WriteField(w, 2, v.precision);
      break;
    case Kind::kTime:
    case Kind::kTimestamp:
      WriteField(w, 1, v.is_adjusted_to_utc);
      w->WriteFieldHeader(ThriftType::kStruct, 2);
      w->BeginStruct();
      WriteEmptyStructField(w, static_cast<int16_t>(v.unit));
      w->EndStruct();
      break;
    case Kind::kInteger:
      WriteField(w, 1, v.bit_width);
      WriteField(w, 2, v.is_signed);
      break;
    default:
      break;  // members without parameters are empty structs
  }
  w->EndStruct();
  w->EndStruct();
}

void WriteValue(Writer* w, const SchemaElement& v) {
  w->BeginStruct();
  WriteField(w, 1, v.type);
  WriteField(w, 2, v.type_length);
  WriteField(w, 3, v.repetition_type);
  WriteField(w, 4, v.name);
  WriteField(w, 5, v.num_children);
  WriteField(w, 6, v.converted_type);
  WriteField(w, 7, v.scale);
  WriteField(w, 8, v.precision);
  WriteField(w, 9, v.field_id);
  WriteField(w, 10, v.logical_type);
  w->EndStruct();
}

void WriteValue(Writer* w, const DataPageHeader& v) {
  w->BeginStruct();
  WriteField(w, 1, v.num_values);
  WriteField(w, 2, v.encoding);
  WriteField(w, 3, v.definition_level_encoding);
  WriteField(w, 4, v.repetition_level_encoding);
  WriteField(w, 5, v.statistics);
  w->EndStruct();
}

void WriteValue(Writer* w, const IndexPageHeader& /*v*/) {
  w->BeginStruct();
  w->EndStruct();
}

void WriteValue(Writer* w, const DictionaryPageHeader& v) {
  w->BeginStruct();
  WriteField(w, 1, v.num_values);
  WriteField(w, 2, v.encoding);
  WriteField(w, 3, v.is_sorted);
  w->EndStruct();
}

void WriteValue(Writer* w, const DataPageHeaderV2& v) {
  w->BeginStruct();
  WriteField(w, 1, v.num_values);
  WriteField(w, 2, v.num_nulls);
  WriteField(w, 3, v.num_rows);
  WriteField(w, 4, v.encoding);
  WriteField(w, 5, v.definition_levels_byte_length);
  WriteField(w, 6, v.repetition_levels_byte_length);
  WriteField(w, 7, v.is_compressed);
  WriteField(w, 8, v.statistics);
  w->EndStruct();
}

void WriteValue(Writer* w, const PageHeader& v) {
  w->BeginStruct();
  WriteField(w, 1, v.type);
  WriteField(w, 2, v.uncompressed_page_size);
  WriteField(w, 3, v.compressed_page_size);
  WriteField(w, 4, v.crc);
  WriteField(w, 5, v.data_page_header);
  WriteField(w, 6, v.index_page_header);
  WriteField(w, 7, v.dictionary_page_header);
  WriteField(w, 8, v.data_page_header_v2);
  w->EndStruct();
}

void WriteValue(Writer* w, const KeyValue& v) {
  w->BeginStruct();
  WriteField(w, 1, v.key);
  WriteField(w, 2, v.value);
  w->EndStruct();
}

void WriteValue(Writer* w, const SortingColumn& v) {
  w->BeginStruct();
  WriteField(w, 1, v.column_idx);
  WriteField(w, 2, v.descending);
  WriteField(w, 3, v.nulls_first);
  w->EndStruct();
}

void WriteValue(Writer* w, const PageEncodingStats& v) {
  w->BeginStruct();
  WriteField(w, 1, v.page_type);
  WriteField(w, 2, v.encoding);
  WriteField(w, 3, v.count);
  w->EndStruct();
}

void WriteValue(Writer* w, const ColumnMetaData& v) {
  w->BeginStruct();
  WriteField(w, 1, v.type);
  WriteField(w, 2, v.encodings);
  WriteField(w, 3, v.path_in_schema);
  WriteField(w, 4, v.codec);
  WriteField(w, 5, v.num_values);
  WriteField(w, 6, v.total_uncompressed_size);
  WriteField(w, 7, v.total_compressed_size);
  WriteField(w, 8, v.key_value_metadata);
  WriteField(w, 9, v.data_page_offset);
  WriteField(w, 10, v.index_page_offset);
  WriteField(w, 11, v.dictionary_page_offset);
  WriteField(w, 12, v.statistics);
  WriteField(w, 13, v.encoding_stats);
  WriteField(w, 14, v.bloom_filter_offset);
  WriteField(w, 15, v.bloom_filter_length);
  w->EndStruct();
}

void WriteValue(Writer* w, const ColumnChunk& v) {
  w->BeginStruct();
  WriteField(w, 1, v.file_path);
  WriteField(w, 2, v.file_offset);
  WriteField(w, 3, v.meta_data);
  WriteField(w, 4, v.offset_index_offset);
  WriteField(w, 5, v.offset_index_length);
  WriteField(w, 6, v.column_index_offset);
  WriteField(w, 7, v.column_index_length);
  w->EndStruct();
}

void WriteValue(Writer* w, const RowGroup& v) {
  w->BeginStruct();
  WriteField(w, 1, v.columns);
  WriteField(w, 2, v.total_byte_size);
  WriteField(w, 3, v.num_rows);
  WriteField(w, 4, v.sorting_columns);
  WriteField(w, 5, v.file_offset);
  WriteField(w, 6, v.total_compressed_size);
  WriteField(w, 7, v.ordinal);
  w->EndStruct();
}

void WriteValue(Writer* w, const ColumnOrder& v) {
  w->BeginStruct();
  WriteEmptyStructField(w, static_cast<int16_t>(v.kind));
  w->EndStruct();
}

void WriteValue(Writer* w, const FileMetaData& v) {
  w->BeginStruct();
  WriteField(w, 1, v.version);
  WriteField(w, 2, v.schema);
  WriteField(w, 3, v.num_rows);
  WriteField(w, 4, v.row_groups);
  WriteField(w, 5, v.key_value_metadata);
  WriteField(w, 6, v.created_by);
  WriteField(w, 7, v.column_orders);
  w->EndStruct();
}

void WriteValue(Writer* w, const PageLocation& v) {
  w->BeginStruct();
  WriteField(w, 1, v.offset);
  WriteField(w, 2, v.compressed_page_size);
  WriteField(w, 3, v.first_row_index);
  w->EndStruct();
}

void WriteValue(Writer* w, const OffsetIndex& v) {
  w->BeginStruct();
  WriteField(w, 1, v.page_locations);
  WriteField(w, 2, v.unencoded_byte_array_data_bytes);
  w->EndStruct();
}

void WriteValue(Writer* w, const ColumnIndex& v) {
  w->BeginStruct();
  WriteField(w, 1, v.null_pages);
  WriteField(w, 2, v.min_values);
  WriteField(w, 3, v.max_values);
  WriteField(w, 4, v.boundary_order);
  WriteField(w, 5, v.null_counts);
  WriteField(w, 6, v.repetition_level_histograms);
  WriteField(w, 7, v.definition_level_histograms);
  WriteField(w, 8, v.nan_counts);
  w->EndStruct();
}

// ============================================================================
// Names

template <typename E>
std::string Unnamed(const char* enum_name, E v) {
  return std::string(enum_name) + "(" + std::to_string(static_cast<int64_t>(v)) + ")";
}

const char* TimeUnitName(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kMillis:
      return "MILLIS";
    case TimeUnit::kMicros:
      return "MICROS";
    case TimeUnit::kNanos:
      return "NANOS";
  }
  return nullptr;
}

}  // namespace

std::string TypeName(Type type) {
  switch (type) {
    case Type::kBoolean:
      return "BOOLEAN";
    case Type::kInt32:
      return "INT32";
    case Type::kInt64:
      return "INT64";
    case Type::kInt96:
      return "INT96";
    case Type::kFloat:
      return "FLOAT";
    case Type::kDouble:
      return "DOUBLE";
    case Type::kByteArray:
      return "BYTE_ARRAY";
    case Type::kFixedLenByteArray:
      return "FIXED_LEN_BYTE_ARRAY";
  }
  return Unnamed("Type", type);
}

std::string ConvertedTypeName(ConvertedType type) {
  switch (type) {
    case ConvertedType::kUtf8:
      return "UTF8";
    case ConvertedType::kMap:
      return "MAP";
    case ConvertedType::kMapKeyValue:
      return "MAP_KEY_VALUE";
    case ConvertedType::kList:
      return "LIST";
    case ConvertedType::kEnum:
      return "ENUM";
    case ConvertedType::kDecimal:
      return "DECIMAL";
    case ConvertedType::kDate:
      return "DATE";
    case ConvertedType::kTimeMillis:
      return "TIME_MILLIS";
    case ConvertedType::kTimeMicros:
      return "TIME_MICROS";
    case ConvertedType::kTimestampMillis:
      return "TIMESTAMP_MILLIS";
    case ConvertedType::kTimestampMicros:
      return "TIMESTAMP_MICROS";
    case ConvertedType::kUint8:
      return "UINT_8";
    case ConvertedType::kUint16:
      return "UINT_16";
    case ConvertedType::kUint32:
      return "UINT_32";
    case ConvertedType::kUint64:
      return "UINT_64";
    case ConvertedType::kInt8:
      return "INT_8";
    case ConvertedType::kInt16:
      return "INT_16";
    case ConvertedType::kInt32:
      return "INT_32";
    case ConvertedType::kInt64:
      return "INT_64";
    case ConvertedType::kJson:
      return "JSON";
    case ConvertedType::kBson:
      return "BSON";
    case ConvertedType::kInterval:
      return "INTERVAL";
  }
  return Unnamed("ConvertedType", type);
}

std::string RepetitionName(FieldRepetitionType repetition) {
  switch (repetition) {
    case FieldRepetitionType::kRequired:
      return "REQUIRED";
    case FieldRepetitionType::kOptional:
      return "OPTIONAL";
    case FieldRepetitionType::kRepeated:
      return "REPEATED";
  }
  return Unnamed("FieldRepetitionType", repetition);
}

std::string EncodingName(Encoding encoding) {
  switch (encoding) {
    case Encoding::kPlain:
      return "PLAIN";
    case Encoding::kPlainDictionary:
      return "PLAIN_DICTIONARY";
    case Encoding::kRle:
      return "RLE";
    case Encoding::kBitPacked:
      return "BIT_PACKED";
    case Encoding::kDeltaBinaryPacked:
      return "DELTA_BINARY_PACKED";
    case Encoding::kDeltaLengthByteArray:
      return "DELTA_LENGTH_BYTE_ARRAY";
    case Encoding::kDeltaByteArray:
      return "DELTA_BYTE_ARRAY";
    case Encoding::kRleDictionary:
      return "RLE_DICTIONARY";
    case Encoding::kByteStreamSplit:
      return "BYTE_STREAM_SPLIT";
  }
  return Unnamed("Encoding", encoding);
}

std::string CodecName(CompressionCodec codec) {
  switch (codec) {
    case CompressionCodec::kUncompressed:
      return "UNCOMPRESSED";
    case CompressionCodec::kSnappy:
      return "SNAPPY";
    case CompressionCodec::kGzip:
      return "GZIP";
    case CompressionCodec::kLzo:
      return "LZO";
    case CompressionCodec::kBrotli:
      return "BROTLI";
    case CompressionCodec::kLz4:
      return "LZ4";
    case CompressionCodec::kZstd:
      return "ZSTD";
    case CompressionCodec::kLz4Raw:
      return "LZ4_RAW";
  }
  return Unnamed("CompressionCodec", codec);
}

std::string PageTypeName(PageType type) {
  switch (type) {
    case PageType::kDataPage:
      return "DATA_PAGE";
    case PageType::kIndexPage:
      return "INDEX_PAGE";
    case PageType::kDictionaryPage:
      return "DICTIONARY_PAGE";
    case PageType::kDataPageV2:
      return "DATA_PAGE_V2";
  }
  return Unnamed("PageType", type);
}

std::string BoundaryOrderName(BoundaryOrder order) {
  switch (order) {
    case BoundaryOrder::kUnordered:
      return "UNORDERED";
    case BoundaryOrder::kAscending:
      return "ASCENDING";
    case BoundaryOrder::kDescending:
      return "DESCENDING";
  }
  return Unnamed("BoundaryOrder", order);
}

std::string ColumnOrderName(const ColumnOrder& order) {
  switch (order.kind) {
    case ColumnOrder::Kind::kTypeOrder:
      return "TYPE_ORDER";
    case ColumnOrder::Kind::kIeee754TotalOrder:
      return "IEEE_754_TOTAL_ORDER";
  }
  return Unnamed("ColumnOrder", order.kind);
}

std::string LogicalTypeToString(const LogicalType& type) {
  using Kind = LogicalType::Kind;
  auto unit = [&type]() -> std::string {
    const char* name = TimeUnitName(type.unit);
    return name != nullptr ? name : Unnamed("TimeUnit", type.unit);
  };
  auto utc = [&type]() { return type.is_adjusted_to_utc ? "true" : "false"; };
  switch (type.kind) {
    case Kind::kString:
      return "STRING";
    case Kind::kMap:
      return "MAP";
    case Kind::kList:
      return "LIST";
    case Kind::kEnum:
      return "ENUM";
    case Kind::kDecimal:
      return "DECIMAL(" + std::to_string(type.precision) + "," + std::to_string(type.scale) + ")";
    case Kind::kDate:
      return "DATE";
    case Kind::kTime:
      return std::string("TIME(isAdjustedToUTC=") + utc() + ", " + unit() + ")";
    case Kind::kTimestamp:
      return std::string("TIMESTAMP(isAdjustedToUTC=") + utc() + ", " + unit() + ")";
    case Kind::kInteger:
      return "INTEGER(" + std::to_string(type.bit_width) + ", " +
             (type.is_signed ? "signed" : "unsigned") + ")";
    case Kind::kNull:
      return "UNKNOWN";
    case Kind::kJson:
      return "JSON";
    case Kind::kBson:
      return "BSON";
    case Kind::kUuid:
      return "UUID";
    case Kind::kFloat16:
      return "FLOAT16";
    case Kind::kUnrecognized:
      return "UNRECOGNIZED(" + std::to_string(type.unrecognized_id) + ")";
  }
  return Unnamed("LogicalType", type.kind);
}

// ============================================================================
// Entry points

namespace {

template <typename T>
Result<T> ParseWhole(const uint8_t* data, size_t size) {
  ThriftCompactReader reader(data, size);
  T value;
  LW_RETURN_IF_ERROR(ReadValue(&reader, &value));
  return value;
}

template <typename T>
void SerializeWhole(const T& value, std::string* out) {
  ThriftCompactWriter writer(out);
  WriteValue(&writer, value);
}

}  // namespace

Result<FileMetaData> ParseFileMetaData(const uint8_t* data, size_t size) {
  return ParseWhole<FileMetaData>(data, size);
}

void SerializeFileMetaData(const FileMetaData& metadata, std::string* out) {
  SerializeWhole(metadata, out);
}

Result<PageHeader> ParsePageHeader(const uint8_t* data, size_t size, size_t* header_size) {
  ThriftCompactReader reader(data, size);
  PageHeader header;
  LW_RETURN_IF_ERROR(ReadValue(&reader, &header));
  *header_size = reader.position();
  return header;
}

void SerializePageHeader(const PageHeader& header, std::string* out) {
  SerializeWhole(header, out);
}

Result<OffsetIndex> ParseOffsetIndex(const uint8_t* data, size_t size) {
  return ParseWhole<OffsetIndex>(data, size);
}

Result<ColumnIndex> ParseColumnIndex(const uint8_t* data, size_t size) {
  return ParseWhole<ColumnIndex>(data, size);
}

void SerializeOffsetIndex(const OffsetIndex& index, std::string* out) { SerializeWhole(index, out); }

void SerializeColumnIndex(const ColumnIndex& index, std::string* out) { SerializeWhole(index, out); }

}  // namespace lakewatch::parquet
