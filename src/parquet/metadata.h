// Parquet metadata: plain C++ mirrors of the structs in apache/parquet-format
// parquet.thrift (FileMetaData, the schema, row groups, column chunks, page
// headers, the page index), with their Thrift compact-protocol parse and
// serialize functions.
//
// Conventions:
//   - Field names follow parquet.thrift; a Thrift `optional` field is a
//     std::optional (lists included, so "absent" and "empty" stay distinct).
//   - Enums have an explicit int32_t underlying type. The parser keeps values
//     it does not know (a newer writer's encoding, say) as the raw integer;
//     later layers decide whether they can handle them. The *Name() helpers
//     print such values as "Encoding(42)".
//   - Fields of parquet.thrift not mirrored here (SizeStatistics, geospatial
//     statistics, encryption metadata, ...) are skipped on read and not written.
//
// Thread-safety: the structs are plain values; the functions are reentrant.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace lakewatch::parquet {

// ============================================================================
// Enums

// Physical type of a leaf column.
enum class Type : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,  // deprecated; legacy timestamps
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

// Deprecated annotations, superseded by LogicalType but still written.
enum class ConvertedType : int32_t {
  kUtf8 = 0,
  kMap = 1,
  kMapKeyValue = 2,
  kList = 3,
  kEnum = 4,
  kDecimal = 5,
  kDate = 6,
  kTimeMillis = 7,
  kTimeMicros = 8,
  kTimestampMillis = 9,
  kTimestampMicros = 10,
  kUint8 = 11,
  kUint16 = 12,
  kUint32 = 13,
  kUint64 = 14,
  kInt8 = 15,
  kInt16 = 16,
  kInt32 = 17,
  kInt64 = 18,
  kJson = 19,
  kBson = 20,
  kInterval = 21,
};

enum class FieldRepetitionType : int32_t {
  kRequired = 0,
  kOptional = 1,
  kRepeated = 2,
};

enum class Encoding : int32_t {
  kPlain = 0,
  // 1 was GROUP_VAR_INT, never used.
  kPlainDictionary = 2,  // deprecated name of dictionary encoding
  kRle = 3,
  kBitPacked = 4,  // deprecated
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9,
};

enum class CompressionCodec : int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kLzo = 3,
  kBrotli = 4,
  kLz4 = 5,  // deprecated (Hadoop framing or none)
  kZstd = 6,
  kLz4Raw = 7,
};

enum class PageType : int32_t {
  kDataPage = 0,
  kIndexPage = 1,
  kDictionaryPage = 2,
  kDataPageV2 = 3,
};

enum class BoundaryOrder : int32_t {
  kUnordered = 0,
  kAscending = 1,
  kDescending = 2,
};

// Spec spellings ("FIXED_LEN_BYTE_ARRAY", "RLE_DICTIONARY", "ZSTD", ...);
// "<Enum>(<n>)" for a value the spec (as known here) does not define.
std::string TypeName(Type type);
std::string ConvertedTypeName(ConvertedType type);
std::string RepetitionName(FieldRepetitionType repetition);
std::string EncodingName(Encoding encoding);
std::string CodecName(CompressionCodec codec);
std::string PageTypeName(PageType type);
std::string BoundaryOrderName(BoundaryOrder order);

// ============================================================================
// Schema

// Unit of TIME and TIMESTAMP; the value is the TimeUnit union's field id.
// An unknown unit keeps its field id.
enum class TimeUnit : int16_t {
  kMillis = 1,
  kMicros = 2,
  kNanos = 3,
};

// The LogicalType union. `kind` is the union member's field id; members with
// parameters use the fields below, the others carry none.
struct LogicalType {
  enum class Kind : int16_t {
    kString = 1,
    kMap = 2,
    kList = 3,
    kEnum = 4,
    kDecimal = 5,
    kDate = 6,
    kTime = 7,
    kTimestamp = 8,
    // 9 is reserved (INTERVAL).
    kInteger = 10,
    kNull = 11,  // the spec's UNKNOWN: a column whose values are all null
    kJson = 12,
    kBson = 13,
    kUuid = 14,
    kFloat16 = 15,
    // A member this reader does not know (VARIANT, GEOMETRY, ... or future
    // ones); its field id is in `unrecognized_id`, its contents were skipped.
    // Readers reject such a column or read it by physical type.
    kUnrecognized = -1,
  };

  Kind kind = Kind::kString;
  int16_t unrecognized_id = 0;        // kUnrecognized only; written back as an empty struct
  int32_t scale = 0;                  // kDecimal
  int32_t precision = 0;              // kDecimal
  bool is_adjusted_to_utc = false;    // kTime, kTimestamp
  TimeUnit unit = TimeUnit::kMillis;  // kTime, kTimestamp
  int8_t bit_width = 0;               // kInteger: 8, 16, 32 or 64
  bool is_signed = false;             // kInteger

  bool operator==(const LogicalType&) const = default;

  static LogicalType Simple(Kind kind) {
    LogicalType t;
    t.kind = kind;
    return t;
  }
  static LogicalType Decimal(int32_t precision, int32_t scale) {
    LogicalType t = Simple(Kind::kDecimal);
    t.precision = precision;
    t.scale = scale;
    return t;
  }
  static LogicalType Time(bool is_adjusted_to_utc, TimeUnit unit) {
    LogicalType t = Simple(Kind::kTime);
    t.is_adjusted_to_utc = is_adjusted_to_utc;
    t.unit = unit;
    return t;
  }
  static LogicalType Timestamp(bool is_adjusted_to_utc, TimeUnit unit) {
    LogicalType t = Simple(Kind::kTimestamp);
    t.is_adjusted_to_utc = is_adjusted_to_utc;
    t.unit = unit;
    return t;
  }
  static LogicalType Integer(int8_t bit_width, bool is_signed) {
    LogicalType t = Simple(Kind::kInteger);
    t.bit_width = bit_width;
    t.is_signed = is_signed;
    return t;
  }
};

// "STRING", "DECIMAL(10,2)", "TIMESTAMP(isAdjustedToUTC=true, MICROS)",
// "INTEGER(8, signed)", "UNRECOGNIZED(16)" ...
std::string LogicalTypeToString(const LogicalType& type);

// One node of the schema tree, flattened depth-first (the root first).
struct SchemaElement {
  std::optional<Type> type;                            // leaves only
  std::optional<int32_t> type_length;                  // FIXED_LEN_BYTE_ARRAY width
  std::optional<FieldRepetitionType> repetition_type;  // absent on the root only
  std::string name;                                    // required
  std::optional<int32_t> num_children;                 // groups only
  std::optional<ConvertedType> converted_type;
  std::optional<int32_t> scale;
  std::optional<int32_t> precision;
  std::optional<int32_t> field_id;
  std::optional<LogicalType> logical_type;

  bool operator==(const SchemaElement&) const = default;
};

// ============================================================================
// Statistics and pages

// min/max are deprecated (signed order); min_value/max_value follow the
// column's ColumnOrder. Values are PLAIN-encoded without a length prefix.
struct Statistics {
  std::optional<std::string> max;
  std::optional<std::string> min;
  std::optional<int64_t> null_count;
  std::optional<int64_t> distinct_count;
  std::optional<std::string> max_value;
  std::optional<std::string> min_value;
  std::optional<bool> is_max_value_exact;
  std::optional<bool> is_min_value_exact;
  std::optional<int64_t> nan_count;

  bool operator==(const Statistics&) const = default;
};

struct DataPageHeader {
  int32_t num_values = 0;  // including nulls
  Encoding encoding = Encoding::kPlain;
  Encoding definition_level_encoding = Encoding::kRle;
  Encoding repetition_level_encoding = Encoding::kRle;
  std::optional<Statistics> statistics;

  bool operator==(const DataPageHeader&) const = default;
};

struct IndexPageHeader {
  bool operator==(const IndexPageHeader&) const = default;
};

struct DictionaryPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
  std::optional<bool> is_sorted;

  bool operator==(const DictionaryPageHeader&) const = default;
};

struct DataPageHeaderV2 {
  int32_t num_values = 0;  // including nulls
  int32_t num_nulls = 0;
  int32_t num_rows = 0;
  Encoding encoding = Encoding::kPlain;
  int32_t definition_levels_byte_length = 0;
  int32_t repetition_levels_byte_length = 0;
  std::optional<bool> is_compressed;  // absent means true
  std::optional<Statistics> statistics;

  bool operator==(const DataPageHeaderV2&) const = default;
};

// The header before every page; `type` says which *_header is set.
struct PageHeader {
  PageType type = PageType::kDataPage;
  int32_t uncompressed_page_size = 0;  // excluding this header
  int32_t compressed_page_size = 0;    // excluding this header
  std::optional<int32_t> crc;          // CRC-32 of the page bytes after the header
  std::optional<DataPageHeader> data_page_header;
  std::optional<IndexPageHeader> index_page_header;
  std::optional<DictionaryPageHeader> dictionary_page_header;
  std::optional<DataPageHeaderV2> data_page_header_v2;

  bool operator==(const PageHeader&) const = default;
};

// ============================================================================
// File, row group and column chunk metadata

struct KeyValue {
  std::string key;
  std::optional<std::string> value;

  bool operator==(const KeyValue&) const = default;
};

struct SortingColumn {
  int32_t column_idx = 0;
  bool descending = false;
  bool nulls_first = false;

  bool operator==(const SortingColumn&) const = default;
};

struct PageEncodingStats {
  PageType page_type = PageType::kDataPage;
  Encoding encoding = Encoding::kPlain;
  int32_t count = 0;

  bool operator==(const PageEncodingStats&) const = default;
};

struct ColumnMetaData {
  Type type = Type::kBoolean;
  std::vector<Encoding> encodings;
  std::vector<std::string> path_in_schema;
  CompressionCodec codec = CompressionCodec::kUncompressed;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;  // all pages, headers included
  int64_t total_compressed_size = 0;    // all pages, headers included
  std::optional<std::vector<KeyValue>> key_value_metadata;
  int64_t data_page_offset = 0;
  std::optional<int64_t> index_page_offset;
  std::optional<int64_t> dictionary_page_offset;
  std::optional<Statistics> statistics;
  std::optional<std::vector<PageEncodingStats>> encoding_stats;
  std::optional<int64_t> bloom_filter_offset;
  std::optional<int32_t> bloom_filter_length;

  bool operator==(const ColumnMetaData&) const = default;
};

struct ColumnChunk {
  std::optional<std::string> file_path;     // data in another file (summary files only)
  int64_t file_offset = 0;                  // deprecated; write 0
  std::optional<ColumnMetaData> meta_data;  // optional in Thrift, present in practice
  std::optional<int64_t> offset_index_offset;
  std::optional<int32_t> offset_index_length;
  std::optional<int64_t> column_index_offset;
  std::optional<int32_t> column_index_length;

  bool operator==(const ColumnChunk&) const = default;
};

struct RowGroup {
  std::vector<ColumnChunk> columns;  // in schema leaf order
  int64_t total_byte_size = 0;       // uncompressed column data
  int64_t num_rows = 0;
  std::optional<std::vector<SortingColumn>> sorting_columns;
  std::optional<int64_t> file_offset;
  std::optional<int64_t> total_compressed_size;
  std::optional<int16_t> ordinal;

  bool operator==(const RowGroup&) const = default;
};

// The ColumnOrder union. `kind` is the member's field id; unknown members
// keep theirs (readers then ignore that column's min_value/max_value).
struct ColumnOrder {
  enum class Kind : int16_t {
    kTypeOrder = 1,
    kIeee754TotalOrder = 2,
  };
  Kind kind = Kind::kTypeOrder;

  bool operator==(const ColumnOrder&) const = default;
};

// "TYPE_ORDER", "IEEE_754_TOTAL_ORDER", "ColumnOrder(3)".
std::string ColumnOrderName(const ColumnOrder& order);

struct FileMetaData {
  int32_t version = 1;
  std::vector<SchemaElement> schema;  // depth-first, root first
  int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  std::optional<std::vector<KeyValue>> key_value_metadata;
  std::optional<std::string> created_by;
  std::optional<std::vector<ColumnOrder>> column_orders;  // one per leaf

  bool operator==(const FileMetaData&) const = default;
};

// ============================================================================
// Page index (parquet-format PageIndex.md): per column chunk, stored between
// the last row group and the footer, located by ColumnChunk.*_index_offset.

// Where one data page of a column chunk lies and which row it starts with.
struct PageLocation {
  int64_t offset = 0;                // file offset of the page header
  int32_t compressed_page_size = 0;  // header plus compressed body
  int64_t first_row_index = 0;       // within the row group; pages start at rows

  bool operator==(const PageLocation&) const = default;
};

// Every data page of a column chunk, in file order (dictionary page excluded).
struct OffsetIndex {
  std::vector<PageLocation> page_locations;
  std::optional<std::vector<int64_t>> unencoded_byte_array_data_bytes;

  bool operator==(const OffsetIndex&) const = default;
};

// Per-page bounds of a column chunk; entry i describes page_locations[i] of
// its OffsetIndex. Bounds are PLAIN-encoded like Statistics.min_value and
// ordered by the column's ColumnOrder; they may be truncated (a lower bound
// that is a prefix, an upper bound greater than every value). An all-null
// page has null_pages[i] and empty bounds.
struct ColumnIndex {
  std::vector<bool> null_pages;
  std::vector<std::string> min_values;
  std::vector<std::string> max_values;
  BoundaryOrder boundary_order = BoundaryOrder::kUnordered;
  std::optional<std::vector<int64_t>> null_counts;
  std::optional<std::vector<int64_t>> repetition_level_histograms;
  std::optional<std::vector<int64_t>> definition_level_histograms;
  std::optional<std::vector<int64_t>> nan_counts;

  bool operator==(const ColumnIndex&) const = default;
};

// ============================================================================
// Parse and serialize (Thrift compact protocol)

// Parses a FileMetaData from `data[0, size)`, the footer bytes between the
// file body and the 4-byte length. Bytes after the struct's stop byte are
// ignored. Unknown fields are skipped, and so is a known field id carrying
// another wire type than the spec's (as Thrift-generated readers do; a
// required one is then reported missing, naming the skipped type).
// Errors are Status::Corrupt with the path of the field being read
// and the byte offset relative to `data`, e.g.
//   "FileMetaData.row_groups[0]: RowGroup.columns[3]: ColumnChunk.meta_data:
//    ColumnMetaData.type missing (struct at byte 1234)".
// Memory used is linear in `size` whatever the input claims.
// REQUIRES: data != nullptr || size == 0. Does not retain `data`.
Result<FileMetaData> ParseFileMetaData(const uint8_t* data, size_t size);

// Appends the compact-protocol encoding of `metadata` to *out. Writes every
// field that is set, unknown enum values as their raw integer, and no
// consistency checks (those belong to the file writer).
// REQUIRES: out != nullptr; every string and list shorter than 2^31.
void SerializeFileMetaData(const FileMetaData& metadata, std::string* out);

// Parses the PageHeader at the start of `data[0, size)` (usually a window
// larger than the header: the page follows it). On success *header_size is
// the number of bytes the header took. Errors as for ParseFileMetaData.
// REQUIRES: header_size != nullptr. Does not retain `data`.
Result<PageHeader> ParsePageHeader(const uint8_t* data, size_t size, size_t* header_size);

// Appends the compact-protocol encoding of `header` to *out.
// REQUIRES: out != nullptr.
void SerializePageHeader(const PageHeader& header, std::string* out);

// Parse an OffsetIndex / ColumnIndex from `data[0, size)` (the bytes that
// ColumnChunk.offset_index_offset/length or column_index_offset/length
// locate). Errors as for ParseFileMetaData; no consistency checks between
// fields (the reader checks them against the chunk, page_index.h).
// REQUIRES: data != nullptr || size == 0. Does not retain `data`.
Result<OffsetIndex> ParseOffsetIndex(const uint8_t* data, size_t size);
Result<ColumnIndex> ParseColumnIndex(const uint8_t* data, size_t size);

// Append the compact-protocol encodings. REQUIRES: out != nullptr.
void SerializeOffsetIndex(const OffsetIndex& index, std::string* out);
void SerializeColumnIndex(const ColumnIndex& index, std::string* out);

}  // namespace lakewatch::parquet
