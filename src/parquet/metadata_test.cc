#include "parquet/metadata.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "parquet/thrift_compact.h"

namespace lakewatch::parquet {
namespace {

const uint8_t* U8(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

// ---------------------------------------------------------------------------
// Fixtures: every struct with all optional fields set, and with none.

Statistics FullStatistics() {
  Statistics s;
  s.max = std::string("\x7f\xff", 2);
  s.min = std::string("\x00\x01", 2);
  s.null_count = 3;
  s.distinct_count = 17;
  s.max_value = "zebra";
  s.min_value = "";
  s.is_max_value_exact = false;
  s.is_min_value_exact = true;
  s.nan_count = 0;
  return s;
}

std::vector<SchemaElement> FullSchema() {
  using K = LogicalType::Kind;
  std::vector<SchemaElement> schema;
  SchemaElement root;
  root.name = "schema";
  root.num_children = 0;
  schema.push_back(root);

  const std::vector<LogicalType> logical = {
      LogicalType::Simple(K::kString),
      LogicalType::Simple(K::kMap),
      LogicalType::Simple(K::kList),
      LogicalType::Simple(K::kEnum),
      LogicalType::Decimal(38, 10),
      LogicalType::Simple(K::kDate),
      LogicalType::Time(false, TimeUnit::kMillis),
      LogicalType::Time(true, TimeUnit::kNanos),
      LogicalType::Timestamp(true, TimeUnit::kMicros),
      LogicalType::Timestamp(false, TimeUnit::kNanos),
      LogicalType::Timestamp(true, TimeUnit::kMillis),
      LogicalType::Integer(8, true),
      LogicalType::Integer(64, false),
      LogicalType::Simple(K::kNull),
      LogicalType::Simple(K::kJson),
      LogicalType::Simple(K::kBson),
      LogicalType::Simple(K::kUuid),
      LogicalType::Simple(K::kFloat16),
  };
  for (size_t i = 0; i < logical.size(); ++i) {
    SchemaElement e;
    e.type = static_cast<Type>(i % 8);
    e.type_length = static_cast<int32_t>(i);
    e.repetition_type = static_cast<FieldRepetitionType>(i % 3);
    e.name = "col_" + std::to_string(i);
    e.converted_type = static_cast<ConvertedType>(i);
    e.scale = 2;
    e.precision = 9;
    e.field_id = static_cast<int32_t>(100 + i);
    e.logical_type = logical[i];
    schema.push_back(e);
  }
  // Unknown values: an unrecognized LogicalType and out-of-range enums.
  SchemaElement odd;
  odd.name = "odd";
  odd.type = static_cast<Type>(99);
  odd.repetition_type = static_cast<FieldRepetitionType>(7);
  odd.converted_type = static_cast<ConvertedType>(-3);
  LogicalType unrecognized = LogicalType::Simple(K::kUnrecognized);
  unrecognized.unrecognized_id = 16;
  odd.logical_type = unrecognized;
  schema.push_back(odd);
  schema[0].num_children = static_cast<int32_t>(schema.size() - 1);
  return schema;
}

ColumnMetaData FullColumnMetaData() {
  ColumnMetaData c;
  c.type = Type::kByteArray;
  c.encodings = {Encoding::kPlain, Encoding::kRle, Encoding::kRleDictionary,
                 static_cast<Encoding>(42)};
  c.path_in_schema = {"a", "b", "c"};
  c.codec = CompressionCodec::kZstd;
  c.num_values = 1000000;
  c.total_uncompressed_size = 1LL << 40;
  c.total_compressed_size = (1LL << 40) - 1;
  c.key_value_metadata = std::vector<KeyValue>{{"k1", "v1"}, {"k2", std::nullopt}};
  c.data_page_offset = 4;
  c.index_page_offset = 5;
  c.dictionary_page_offset = 6;
  c.statistics = FullStatistics();
  c.encoding_stats =
      std::vector<PageEncodingStats>{{PageType::kDictionaryPage, Encoding::kPlain, 1},
                                     {PageType::kDataPage, Encoding::kRleDictionary, 12}};
  c.bloom_filter_offset = 1 << 20;
  c.bloom_filter_length = 4096;
  return c;
}

ColumnMetaData MinimalColumnMetaData() {
  ColumnMetaData c;
  c.type = Type::kInt64;
  c.encodings = {};
  c.path_in_schema = {"x"};
  c.codec = CompressionCodec::kUncompressed;
  c.data_page_offset = 4;
  return c;
}

FileMetaData FullFileMetaData() {
  FileMetaData md;
  md.version = 2;
  md.schema = FullSchema();
  md.num_rows = 123456789012LL;
  for (int g = 0; g < 3; ++g) {
    RowGroup rg;
    ColumnChunk full;
    full.file_path = "other.parquet";
    full.file_offset = 77;
    full.meta_data = FullColumnMetaData();
    full.offset_index_offset = 1000;
    full.offset_index_length = 20;
    full.column_index_offset = 2000;
    full.column_index_length = 30;
    rg.columns.push_back(full);
    ColumnChunk minimal;
    minimal.meta_data = MinimalColumnMetaData();
    rg.columns.push_back(minimal);
    rg.columns.push_back(ColumnChunk{});  // no meta_data at all
    rg.total_byte_size = 999;
    rg.num_rows = 41;
    rg.sorting_columns = std::vector<SortingColumn>{{0, true, false}, {1, false, true}};
    rg.file_offset = 4;
    rg.total_compressed_size = 888;
    rg.ordinal = static_cast<int16_t>(g);
    md.row_groups.push_back(rg);
  }
  md.key_value_metadata = std::vector<KeyValue>{
      {"org.apache.spark.version", "3.5.0"}, {"empty", ""}, {"novalue", std::nullopt}};
  md.created_by = "lakewatch version 0.1.0";
  ColumnOrder unknown_order;
  unknown_order.kind = static_cast<ColumnOrder::Kind>(9);
  md.column_orders = std::vector<ColumnOrder>{
      ColumnOrder{}, ColumnOrder{ColumnOrder::Kind::kIeee754TotalOrder}, unknown_order};
  return md;
}

FileMetaData MinimalFileMetaData() {
  FileMetaData md;
  SchemaElement root;
  root.name = "";
  md.schema.push_back(root);
  return md;
}

FileMetaData RoundTrip(const FileMetaData& md, std::string* bytes = nullptr) {
  std::string out;
  SerializeFileMetaData(md, &out);
  auto parsed = ParseFileMetaData(U8(out), out.size());
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  if (bytes != nullptr) *bytes = out;
  return parsed.ok() ? *parsed : FileMetaData{};
}

// ---------------------------------------------------------------------------
// Round trips

TEST(MetadataRoundTripTest, FileMetaDataAllFieldsSet) {
  const FileMetaData md = FullFileMetaData();
  EXPECT_EQ(RoundTrip(md), md);
}

TEST(MetadataRoundTripTest, FileMetaDataRequiredOnly) {
  const FileMetaData md = MinimalFileMetaData();
  std::string bytes;
  const FileMetaData back = RoundTrip(md, &bytes);
  EXPECT_EQ(back, md);
  EXPECT_FALSE(back.key_value_metadata.has_value());
  EXPECT_FALSE(back.created_by.has_value());
  EXPECT_FALSE(back.column_orders.has_value());
  // version=1 (15 02), schema list of one struct (19 1c) {name "" (48 00), stop},
  // num_rows 0 (16 00), row_groups empty list (19 0c), stop.
  const std::string want("\x15\x02\x19\x1c\x48\x00\x00\x16\x00\x19\x0c\x00", 12);
  EXPECT_EQ(bytes, want);
}

TEST(MetadataRoundTripTest, EmptyVersusAbsentLists) {
  FileMetaData md = MinimalFileMetaData();
  md.key_value_metadata = std::vector<KeyValue>{};
  md.column_orders = std::vector<ColumnOrder>{};
  const FileMetaData back = RoundTrip(md);
  ASSERT_TRUE(back.key_value_metadata.has_value());
  EXPECT_TRUE(back.key_value_metadata->empty());
  EXPECT_EQ(back, md);
}

TEST(MetadataRoundTripTest, EachOptionalFieldAlone) {
  // Setting one optional field at a time catches field-id slips that a
  // single all-set round trip could hide.
  const ColumnMetaData full = FullColumnMetaData();
  const std::vector<void (*)(const ColumnMetaData&, ColumnMetaData*)> setters = {
      [](const ColumnMetaData& f, ColumnMetaData* c) {
        c->key_value_metadata = f.key_value_metadata;
      },
      [](const ColumnMetaData& f, ColumnMetaData* c) {
        c->index_page_offset = f.index_page_offset;
      },
      [](const ColumnMetaData& f, ColumnMetaData* c) {
        c->dictionary_page_offset = f.dictionary_page_offset;
      },
      [](const ColumnMetaData& f, ColumnMetaData* c) { c->statistics = f.statistics; },
      [](const ColumnMetaData& f, ColumnMetaData* c) { c->encoding_stats = f.encoding_stats; },
      [](const ColumnMetaData& f, ColumnMetaData* c) {
        c->bloom_filter_offset = f.bloom_filter_offset;
      },
      [](const ColumnMetaData& f, ColumnMetaData* c) {
        c->bloom_filter_length = f.bloom_filter_length;
      },
  };
  for (size_t i = 0; i < setters.size(); ++i) {
    FileMetaData md = MinimalFileMetaData();
    RowGroup rg;
    ColumnChunk cc;
    cc.meta_data = MinimalColumnMetaData();
    setters[i](full, &*cc.meta_data);
    rg.columns.push_back(cc);
    md.row_groups.push_back(rg);
    EXPECT_EQ(RoundTrip(md), md) << "setter " << i;
  }
  const Statistics stats = FullStatistics();
  for (int field = 1; field <= 9; ++field) {
    Statistics s;
    switch (field) {
      case 1:
        s.max = stats.max;
        break;
      case 2:
        s.min = stats.min;
        break;
      case 3:
        s.null_count = stats.null_count;
        break;
      case 4:
        s.distinct_count = stats.distinct_count;
        break;
      case 5:
        s.max_value = stats.max_value;
        break;
      case 6:
        s.min_value = stats.min_value;
        break;
      case 7:
        s.is_max_value_exact = stats.is_max_value_exact;
        break;
      case 8:
        s.is_min_value_exact = stats.is_min_value_exact;
        break;
      case 9:
        s.nan_count = stats.nan_count;
        break;
    }
    PageHeader h;
    h.data_page_header = DataPageHeader{};
    h.data_page_header->statistics = s;
    std::string out;
    SerializePageHeader(h, &out);
    size_t used = 0;
    auto back = ParsePageHeader(U8(out), out.size(), &used);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, h) << "Statistics field " << field;
  }
}

std::vector<PageHeader> SamplePageHeaders() {
  std::vector<PageHeader> headers;
  PageHeader v1;
  v1.type = PageType::kDataPage;
  v1.uncompressed_page_size = 1 << 20;
  v1.compressed_page_size = 12345;
  v1.crc = -123456789;
  v1.data_page_header = DataPageHeader{1000, Encoding::kRleDictionary, Encoding::kRle,
                                       Encoding::kBitPacked, FullStatistics()};
  headers.push_back(v1);
  v1.crc.reset();
  v1.data_page_header->statistics.reset();
  headers.push_back(v1);

  PageHeader dict;
  dict.type = PageType::kDictionaryPage;
  dict.uncompressed_page_size = 80;
  dict.compressed_page_size = 80;
  dict.dictionary_page_header = DictionaryPageHeader{10, Encoding::kPlain, true};
  headers.push_back(dict);
  dict.dictionary_page_header->is_sorted.reset();
  headers.push_back(dict);

  PageHeader v2;
  v2.type = PageType::kDataPageV2;
  v2.uncompressed_page_size = 100;
  v2.compressed_page_size = 50;
  v2.crc = 7;
  v2.data_page_header_v2 =
      DataPageHeaderV2{10, 2, 5, Encoding::kDeltaBinaryPacked, 3, 4, false, FullStatistics()};
  headers.push_back(v2);
  v2.crc.reset();
  v2.data_page_header_v2->is_compressed.reset();
  v2.data_page_header_v2->statistics.reset();
  headers.push_back(v2);

  PageHeader index;
  index.type = PageType::kIndexPage;
  index.index_page_header = IndexPageHeader{};
  headers.push_back(index);

  PageHeader bare;  // required fields only, unknown page type
  bare.type = static_cast<PageType>(17);
  headers.push_back(bare);
  return headers;
}

TEST(MetadataRoundTripTest, PageHeaders) {
  for (const PageHeader& h : SamplePageHeaders()) {
    std::string out;
    SerializePageHeader(h, &out);
    const size_t header_bytes = out.size();
    out += "page bytes follow";  // the parser stops at the header's end
    size_t used = 0;
    auto back = ParsePageHeader(U8(out), out.size(), &used);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, h) << PageTypeName(h.type);
    EXPECT_EQ(used, header_bytes);
  }
}

TEST(MetadataRoundTripTest, PageHeaderKnownBytes) {
  PageHeader h;
  h.type = PageType::kDataPage;
  h.uncompressed_page_size = 10;
  h.compressed_page_size = 10;
  h.data_page_header = DataPageHeader{5, Encoding::kPlain, Encoding::kRle, Encoding::kRle, {}};
  std::string out;
  SerializePageHeader(h, &out);
  // 15 00: type 0; 15 14: 10; 15 14: 10; 2c: field 5 (delta 2) struct
  //   { 15 0a: 5; 15 00: PLAIN; 15 06: RLE; 15 06: RLE; 00 } 00
  const std::string want("\x15\x00\x15\x14\x15\x14\x2c\x15\x0a\x15\x00\x15\x06\x15\x06\x00\x00",
                         17);
  EXPECT_EQ(out, want);
}

TEST(MetadataRoundTripTest, ThousandsOfColumns) {
  constexpr int kColumns = 5000;
  FileMetaData md = MinimalFileMetaData();
  md.schema[0].num_children = kColumns;
  RowGroup rg;
  for (int i = 0; i < kColumns; ++i) {
    SchemaElement e;
    e.name = "column_" + std::to_string(i);
    e.type = Type::kInt64;
    e.repetition_type = FieldRepetitionType::kOptional;
    md.schema.push_back(e);
    ColumnChunk cc;
    cc.meta_data = MinimalColumnMetaData();
    cc.meta_data->path_in_schema = {e.name};
    cc.meta_data->statistics = FullStatistics();
    rg.columns.push_back(cc);
  }
  md.row_groups.assign(4, rg);
  std::string bytes;
  const auto start = std::chrono::steady_clock::now();
  const FileMetaData back = RoundTrip(md, &bytes);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  EXPECT_EQ(back, md);
  // Not a benchmark; a generous bound that only a quadratic slip would break.
  EXPECT_LT(ms, 5000) << bytes.size() << " bytes";
}

// ---------------------------------------------------------------------------
// Names

TEST(MetadataNamesTest, EnumNames) {
  EXPECT_EQ(TypeName(Type::kFixedLenByteArray), "FIXED_LEN_BYTE_ARRAY");
  EXPECT_EQ(TypeName(static_cast<Type>(99)), "Type(99)");
  EXPECT_EQ(ConvertedTypeName(ConvertedType::kTimestampMicros), "TIMESTAMP_MICROS");
  EXPECT_EQ(ConvertedTypeName(ConvertedType::kUint8), "UINT_8");
  EXPECT_EQ(RepetitionName(FieldRepetitionType::kRepeated), "REPEATED");
  EXPECT_EQ(EncodingName(Encoding::kRleDictionary), "RLE_DICTIONARY");
  EXPECT_EQ(EncodingName(static_cast<Encoding>(42)), "Encoding(42)");
  EXPECT_EQ(CodecName(CompressionCodec::kLz4Raw), "LZ4_RAW");
  EXPECT_EQ(PageTypeName(PageType::kDataPageV2), "DATA_PAGE_V2");
  EXPECT_EQ(BoundaryOrderName(BoundaryOrder::kDescending), "DESCENDING");
  EXPECT_EQ(ColumnOrderName(ColumnOrder{}), "TYPE_ORDER");
  EXPECT_EQ(LogicalTypeToString(LogicalType::Decimal(10, 2)), "DECIMAL(10,2)");
  EXPECT_EQ(LogicalTypeToString(LogicalType::Timestamp(true, TimeUnit::kMicros)),
            "TIMESTAMP(isAdjustedToUTC=true, MICROS)");
  EXPECT_EQ(LogicalTypeToString(LogicalType::Integer(16, false)), "INTEGER(16, unsigned)");
  EXPECT_EQ(LogicalTypeToString(LogicalType::Simple(LogicalType::Kind::kNull)), "UNKNOWN");
}

// ---------------------------------------------------------------------------
// Unknown fields, missing fields, wrong types

// Writes one unknown field of every wire type, nested, with ids past any the
// spec uses (long-form headers) and small ids the struct lacks.
void WriteJunkFields(ThriftCompactWriter* w, int16_t base_id) {
  w->WriteBoolField(base_id, true);
  w->WriteFieldHeader(ThriftType::kI8, base_id + 1);
  w->WriteI8(1);
  w->WriteFieldHeader(ThriftType::kI16, base_id + 2);
  w->WriteI16(-2);
  w->WriteFieldHeader(ThriftType::kI32, base_id + 3);
  w->WriteI32(3);
  w->WriteFieldHeader(ThriftType::kI64, base_id + 4);
  w->WriteI64(-4);
  w->WriteFieldHeader(ThriftType::kDouble, base_id + 5);
  w->WriteDouble(5.5);
  w->WriteFieldHeader(ThriftType::kBinary, base_id + 6);
  w->WriteBinary("junk");
  w->WriteFieldHeader(ThriftType::kList, base_id + 7);
  w->WriteListHeader(ThriftType::kStruct, 1);
  w->BeginStruct();
  w->WriteFieldHeader(ThriftType::kMap, 1);
  w->WriteMapHeader(ThriftType::kBinary, ThriftType::kList, 1);
  w->WriteBinary("key");
  w->WriteListHeader(ThriftType::kBool, 2);
  w->WriteBool(true);
  w->WriteBool(false);
  w->WriteBoolField(2, false);
  w->EndStruct();
  w->WriteFieldHeader(ThriftType::kSet, base_id + 8);
  w->WriteListHeader(ThriftType::kI32, 2);
  w->WriteI32(1);
  w->WriteI32(2);
  w->WriteFieldHeader(ThriftType::kStruct, base_id + 9);
  w->BeginStruct();
  w->WriteFieldHeader(ThriftType::kStruct, 1);
  w->BeginStruct();
  w->WriteFieldHeader(ThriftType::kUuid, 3);
  for (int i = 0; i < 16; ++i) w->WriteI8(static_cast<int8_t>(i));
  w->EndStruct();
  w->EndStruct();
}

// FileMetaData{version 1, schema [root "r" + leaf "x" INT64], num_rows 5,
// row_groups [{columns [{file_offset 0, meta_data {...}}], 100, 5}]} with
// junk in every struct. `omit` drops one ColumnMetaData field by id;
// `wrong_type` writes ColumnMetaData.num_values (5) as a binary.
std::string HandWrittenFooter(bool junk, int omit = 0, bool wrong_type = false,
                              ThriftType encodings_element = ThriftType::kI32) {
  std::string out;
  ThriftCompactWriter w(&out);
  w.BeginStruct();  // FileMetaData
  if (junk) WriteJunkFields(&w, 200);
  w.WriteFieldHeader(ThriftType::kI32, 1);
  w.WriteI32(1);
  w.WriteFieldHeader(ThriftType::kList, 2);
  w.WriteListHeader(ThriftType::kStruct, 2);
  w.BeginStruct();
  w.WriteFieldHeader(ThriftType::kBinary, 4);
  w.WriteBinary("r");
  w.WriteFieldHeader(ThriftType::kI32, 5);
  w.WriteI32(1);
  if (junk) WriteJunkFields(&w, 11);  // just past the spec's ids
  w.EndStruct();
  w.BeginStruct();
  w.WriteFieldHeader(ThriftType::kI32, 1);
  w.WriteI32(2);
  w.WriteFieldHeader(ThriftType::kI32, 3);
  w.WriteI32(1);
  w.WriteFieldHeader(ThriftType::kBinary, 4);
  w.WriteBinary("x");
  w.WriteFieldHeader(ThriftType::kStruct, 10);  // logicalType with an extra field inside
  w.BeginStruct();
  w.WriteFieldHeader(ThriftType::kStruct, 10);  // INTEGER
  w.BeginStruct();
  w.WriteFieldHeader(ThriftType::kI8, 1);
  w.WriteI8(64);
  w.WriteBoolField(2, true);
  if (junk) WriteJunkFields(&w, 3);
  w.EndStruct();
  w.EndStruct();
  w.EndStruct();
  w.WriteFieldHeader(ThriftType::kI64, 3);
  w.WriteI64(5);
  w.WriteFieldHeader(ThriftType::kList, 4);
  w.WriteListHeader(ThriftType::kStruct, 1);
  w.BeginStruct();  // RowGroup
  w.WriteFieldHeader(ThriftType::kList, 1);
  w.WriteListHeader(ThriftType::kStruct, 1);
  w.BeginStruct();  // ColumnChunk
  w.WriteFieldHeader(ThriftType::kI64, 2);
  w.WriteI64(0);
  w.WriteFieldHeader(ThriftType::kStruct, 3);
  w.BeginStruct();  // ColumnMetaData
  if (omit != 1) {
    w.WriteFieldHeader(ThriftType::kI32, 1);
    w.WriteI32(2);
  }
  w.WriteFieldHeader(ThriftType::kList, 2);
  w.WriteListHeader(encodings_element, 1);
  switch (encodings_element) {
    case ThriftType::kI16:
      w.WriteI16(0);
      break;
    case ThriftType::kI64:
      w.WriteI64(0);
      break;
    case ThriftType::kBinary:
      w.WriteBinary("");
      break;
    default:
      w.WriteI32(0);
      break;
  }
  w.WriteFieldHeader(ThriftType::kList, 3);
  w.WriteListHeader(ThriftType::kBinary, 1);
  w.WriteBinary("x");
  w.WriteFieldHeader(ThriftType::kI32, 4);
  w.WriteI32(0);
  if (wrong_type) {
    w.WriteFieldHeader(ThriftType::kBinary, 5);
    w.WriteBinary("5");
  } else {
    w.WriteFieldHeader(ThriftType::kI64, 5);
    w.WriteI64(5);
  }
  w.WriteFieldHeader(ThriftType::kI64, 6);
  w.WriteI64(40);
  w.WriteFieldHeader(ThriftType::kI64, 7);
  w.WriteI64(40);
  if (omit != 9) {
    w.WriteFieldHeader(ThriftType::kI64, 9);
    w.WriteI64(4);
  }
  if (junk) {
    w.WriteFieldHeader(ThriftType::kStruct, 16);  // size_statistics: not mirrored
    w.BeginStruct();
    w.WriteFieldHeader(ThriftType::kI64, 1);
    w.WriteI64(10);
    w.WriteFieldHeader(ThriftType::kList, 2);
    w.WriteListHeader(ThriftType::kI64, 2);
    w.WriteI64(1);
    w.WriteI64(4);
    w.EndStruct();
    WriteJunkFields(&w, 300);
  }
  w.EndStruct();                     // ColumnMetaData
  if (junk) WriteJunkFields(&w, 8);  // ColumnChunk 8 (crypto) and on: not mirrored
  w.EndStruct();                     // ColumnChunk
  w.WriteFieldHeader(ThriftType::kI64, 2);
  w.WriteI64(100);
  w.WriteFieldHeader(ThriftType::kI64, 3);
  w.WriteI64(5);
  if (junk) WriteJunkFields(&w, 8);
  w.EndStruct();                     // RowGroup
  if (junk) WriteJunkFields(&w, 8);  // FileMetaData 8 (encryption) and on
  w.EndStruct();                     // FileMetaData
  return out;
}

FileMetaData HandWrittenExpected() {
  FileMetaData md;
  md.version = 1;
  SchemaElement root;
  root.name = "r";
  root.num_children = 1;
  SchemaElement x;
  x.name = "x";
  x.type = Type::kInt64;
  x.repetition_type = FieldRepetitionType::kOptional;
  x.logical_type = LogicalType::Integer(64, true);
  md.schema = {root, x};
  md.num_rows = 5;
  ColumnChunk cc;
  cc.meta_data = ColumnMetaData{};
  cc.meta_data->type = Type::kInt64;
  cc.meta_data->encodings = {Encoding::kPlain};
  cc.meta_data->path_in_schema = {"x"};
  cc.meta_data->num_values = 5;
  cc.meta_data->total_uncompressed_size = 40;
  cc.meta_data->total_compressed_size = 40;
  cc.meta_data->data_page_offset = 4;
  RowGroup rg;
  rg.columns = {cc};
  rg.total_byte_size = 100;
  rg.num_rows = 5;
  md.row_groups = {rg};
  return md;
}

TEST(MetadataParseTest, SkipsUnknownFieldsOfEveryType) {
  const std::string plain = HandWrittenFooter(false);
  const std::string junk = HandWrittenFooter(true);
  ASSERT_GT(junk.size(), plain.size() + 200);
  auto a = ParseFileMetaData(U8(plain), plain.size());
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  auto b = ParseFileMetaData(U8(junk), junk.size());
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(*a, HandWrittenExpected());
  EXPECT_EQ(*b, HandWrittenExpected());
  // Serializing drops what was not mirrored.
  std::string again;
  SerializeFileMetaData(*b, &again);
  EXPECT_EQ(again, plain);
}

TEST(MetadataParseTest, MissingRequiredFieldNamed) {
  const std::string bytes = HandWrittenFooter(true, /*omit=*/1);
  auto md = ParseFileMetaData(U8(bytes), bytes.size());
  ASSERT_FALSE(md.ok());
  EXPECT_EQ(md.status().code(), StatusCode::kCorrupt);
  const std::string& msg = md.status().message();
  EXPECT_NE(msg.find("ColumnMetaData.type missing"), std::string::npos) << msg;
  EXPECT_NE(msg.find("FileMetaData.row_groups[0]: RowGroup.columns[0]: ColumnChunk.meta_data"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("struct at byte"), std::string::npos) << msg;

  const std::string no_offset = HandWrittenFooter(false, /*omit=*/9);
  md = ParseFileMetaData(U8(no_offset), no_offset.size());
  ASSERT_FALSE(md.ok());
  EXPECT_NE(md.status().message().find("ColumnMetaData.data_page_offset missing"),
            std::string::npos)
      << md.status().ToString();

  // An empty struct lacks everything; the first required field is named.
  const std::string empty("\x00", 1);
  md = ParseFileMetaData(U8(empty), empty.size());
  ASSERT_FALSE(md.ok());
  EXPECT_NE(md.status().message().find("FileMetaData.version missing"), std::string::npos);

  // PageHeader without compressed_page_size.
  const std::string page("\x15\x00\x15\x14\x00", 5);
  size_t used = 0;
  auto h = ParsePageHeader(U8(page), page.size(), &used);
  ASSERT_FALSE(h.ok());
  EXPECT_NE(h.status().message().find("PageHeader.compressed_page_size missing"), std::string::npos)
      << h.status().ToString();
}

TEST(MetadataParseTest, WrongWireTypeIsSkipped) {
  // As in Thrift-generated readers, a known field id with another wire type
  // is skipped; a required one is then missing, and the error says why.
  const std::string bytes = HandWrittenFooter(false, 0, /*wrong_type=*/true);
  auto md = ParseFileMetaData(U8(bytes), bytes.size());
  ASSERT_FALSE(md.ok());
  const std::string& msg = md.status().message();
  EXPECT_NE(msg.find("ColumnMetaData.num_values missing"), std::string::npos) << msg;
  EXPECT_NE(msg.find("field 5 was there as binary and was skipped"), std::string::npos) << msg;

  // An optional field of the wrong type stays unset: created_by (6) as an i32.
  std::string ok = HandWrittenFooter(false);
  ok.pop_back();                         // FileMetaData's stop byte
  ok += std::string("\x25\x04\x00", 3);  // field 6 (delta 2 from 4), i32 2, stop
  md = ParseFileMetaData(U8(ok), ok.size());
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  EXPECT_FALSE(md->created_by.has_value());
  EXPECT_EQ(*md, HandWrittenExpected());
}

TEST(MetadataParseTest, ListElementTypes) {
  // Integer lists of another varint width read as the spec's type (some
  // writers put list<i16> in ColumnMetaData.encodings); other types do not.
  for (ThriftType t : {ThriftType::kI16, ThriftType::kI64}) {
    const std::string bytes = HandWrittenFooter(false, 0, false, t);
    auto md = ParseFileMetaData(U8(bytes), bytes.size());
    ASSERT_TRUE(md.ok()) << md.status().ToString();
    EXPECT_EQ(*md, HandWrittenExpected());
  }
  const std::string bytes = HandWrittenFooter(false, 0, false, ThriftType::kBinary);
  auto md = ParseFileMetaData(U8(bytes), bytes.size());
  ASSERT_FALSE(md.ok());
  EXPECT_NE(md.status().message().find(
                "ColumnMetaData.encodings: expected list<i32>, found list<binary>"),
            std::string::npos)
      << md.status().ToString();
}

TEST(MetadataParseTest, UnionsMustHaveOneMember) {
  // SchemaElement{name "x", logicalType {}}: an empty union.
  auto schema_with_logical = [](const std::string& union_bytes) {
    std::string out;
    ThriftCompactWriter w(&out);
    w.BeginStruct();
    w.WriteFieldHeader(ThriftType::kI32, 1);
    w.WriteI32(1);
    w.WriteFieldHeader(ThriftType::kList, 2);
    w.WriteListHeader(ThriftType::kStruct, 1);
    w.BeginStruct();
    w.WriteFieldHeader(ThriftType::kBinary, 4);
    w.WriteBinary("x");
    w.WriteFieldHeader(ThriftType::kStruct, 10);
    out += union_bytes;  // the union struct, stop byte included
    w.EndStruct();
    w.WriteFieldHeader(ThriftType::kI64, 3);
    w.WriteI64(0);
    w.WriteFieldHeader(ThriftType::kList, 4);
    w.WriteListHeader(ThriftType::kStruct, 0);
    w.EndStruct();
    return out;
  };
  {
    const std::string bytes = schema_with_logical(std::string("\x00", 1));
    auto md = ParseFileMetaData(U8(bytes), bytes.size());
    ASSERT_FALSE(md.ok());
    EXPECT_NE(md.status().message().find("LogicalType union has no member"), std::string::npos)
        << md.status().ToString();
  }
  {
    // STRING and DATE at once.
    const std::string bytes = schema_with_logical(std::string("\x1c\x00\x5c\x00\x00", 5));
    auto md = ParseFileMetaData(U8(bytes), bytes.size());
    ASSERT_FALSE(md.ok());
    EXPECT_NE(md.status().message().find("more than one member"), std::string::npos)
        << md.status().ToString();
  }
  {
    // An unknown member (id 19) with contents is kept as its id.
    const std::string bytes = schema_with_logical(std::string("\x0c\x26\x15\x04\x00\x00", 6));
    auto md = ParseFileMetaData(U8(bytes), bytes.size());
    ASSERT_TRUE(md.ok()) << md.status().ToString();
    ASSERT_TRUE(md->schema[0].logical_type.has_value());
    EXPECT_EQ(md->schema[0].logical_type->kind, LogicalType::Kind::kUnrecognized);
    EXPECT_EQ(md->schema[0].logical_type->unrecognized_id, 19);
    EXPECT_EQ(LogicalTypeToString(*md->schema[0].logical_type), "UNRECOGNIZED(19)");
  }
  {
    // DECIMAL without precision.
    const std::string bytes = schema_with_logical(std::string("\x5c\x15\x04\x00\x00", 5));
    auto md = ParseFileMetaData(U8(bytes), bytes.size());
    ASSERT_FALSE(md.ok());
    EXPECT_NE(md.status().message().find("DecimalType.precision missing"), std::string::npos)
        << md.status().ToString();
  }
}

// ---------------------------------------------------------------------------
// Corrupt input never crashes

TEST(MetadataParseTest, EveryTruncationFails) {
  std::string bytes;
  SerializeFileMetaData(FullFileMetaData(), &bytes);
  ASSERT_GT(bytes.size(), 500u);
  for (size_t len = 0; len < bytes.size(); ++len) {
    // A private copy so ASan sees any read past `len`.
    std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + len);
    auto md = ParseFileMetaData(prefix.data(), prefix.size());
    ASSERT_FALSE(md.ok()) << "prefix of " << len << " bytes parsed";
    EXPECT_EQ(md.status().code(), StatusCode::kCorrupt);
  }
  for (const PageHeader& h : SamplePageHeaders()) {
    std::string page;
    SerializePageHeader(h, &page);
    for (size_t len = 0; len < page.size(); ++len) {
      std::vector<uint8_t> prefix(page.begin(), page.begin() + len);
      size_t used = 0;
      auto back = ParsePageHeader(prefix.data(), prefix.size(), &used);
      EXPECT_FALSE(back.ok()) << "prefix of " << len << " bytes parsed";
    }
  }
}

TEST(MetadataParseTest, TruncationErrorNamesPathAndOffset) {
  std::string bytes;
  SerializeFileMetaData(FullFileMetaData(), &bytes);
  auto md = ParseFileMetaData(U8(bytes), bytes.size() / 2);
  ASSERT_FALSE(md.ok());
  const std::string& msg = md.status().message();
  EXPECT_EQ(msg.rfind("FileMetaData.", 0), 0u) << msg;
  EXPECT_NE(msg.find("byte "), std::string::npos) << msg;
}

TEST(MetadataParseTest, ByteFlipsNeverCrash) {
  std::string bytes;
  SerializeFileMetaData(FullFileMetaData(), &bytes);
  int failures = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (uint8_t x : {0x01, 0x0f, 0x80, 0xff}) {
      std::vector<uint8_t> copy(bytes.begin(), bytes.end());
      copy[i] ^= x;
      auto md = ParseFileMetaData(copy.data(), copy.size());
      if (!md.ok()) {
        ++failures;
        EXPECT_EQ(md.status().code(), StatusCode::kCorrupt);
      }
    }
  }
  EXPECT_GT(failures, 0);
}

TEST(MetadataParseTest, HugeListClaimsRejected) {
  // version 1, then schema: list<struct> claiming INT32_MAX elements.
  const std::string bytes("\x15\x02\x19\xfc\xff\xff\xff\xff\x07\x00", 10);
  auto md = ParseFileMetaData(U8(bytes), bytes.size());
  ASSERT_FALSE(md.ok());
  EXPECT_NE(md.status().message().find("FileMetaData.schema"), std::string::npos)
      << md.status().ToString();
  EXPECT_NE(md.status().message().find("claims 2147483647 elements"), std::string::npos)
      << md.status().ToString();

  // row_groups claiming as many elements as bytes remain, each empty: the
  // parse fails on the first RowGroup without allocating for the claim.
  std::string many("\x15\x02\x19\x0c\x16\x00\x19\xfc\x80\x80\x04", 11);  // 65536 row groups
  many.append(65536, '\0');
  md = ParseFileMetaData(U8(many), many.size());
  ASSERT_FALSE(md.ok());
  EXPECT_NE(md.status().message().find("RowGroup.columns missing"), std::string::npos)
      << md.status().ToString();
}

TEST(MetadataParseTest, DeepNestingRejected) {
  // An unknown field (id 100) holding structs nested 1000 deep.
  std::string bytes("\x0c\xc8\x01", 3);
  for (int i = 0; i < 1000; ++i) bytes.push_back(0x1c);
  bytes.append(1002, '\0');
  auto md = ParseFileMetaData(U8(bytes), bytes.size());
  ASSERT_FALSE(md.ok());
  EXPECT_NE(md.status().message().find("nested deeper than"), std::string::npos)
      << md.status().ToString();
  EXPECT_NE(md.status().message().find("FileMetaData field 100"), std::string::npos)
      << md.status().ToString();
}

// ---------------------------------------------------------------------------
// Real footers: apache/parquet-testing

std::filesystem::path TestingDir() {
  return std::filesystem::path(LW_SHARED_DATA) / "conformance" / "parquet-testing";
}

bool ReadFile(const std::filesystem::path& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

// Returns the footer bytes of a Parquet file, or an error message.
bool Footer(const std::string& file, std::string* footer, std::string* error) {
  if (file.size() < 12 || file.compare(file.size() - 4, 4, "PAR1") != 0) {
    *error = "no PAR1 trailer";
    return false;
  }
  uint32_t len;
  std::memcpy(&len, file.data() + file.size() - 8, 4);  // little-endian hosts only
  if (len > file.size() - 12) {
    *error = "footer length " + std::to_string(len) + " exceeds file";
    return false;
  }
  *footer = file.substr(file.size() - 8 - len, len);
  return true;
}

std::vector<std::filesystem::path> ParquetFiles(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".parquet") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(MetadataConformanceTest, ParsesEveryFooter) {
  const auto dir = TestingDir() / "data";
  if (!std::filesystem::is_directory(dir)) {
    GTEST_SKIP() << "conformance corpus not found at " << dir
                 << " (LW_SHARED_DATA/conformance/parquet-testing/data)";
  }
  // From data/conformance/SOURCES.md.
  const std::map<std::string, int64_t> expected_rows = {
      {"alltypes_plain.parquet", 8},
      {"alltypes_dictionary.parquet", 2},
      {"alltypes_tiny_pages.parquet", 7300},
      {"datapage_v1-snappy-compressed-checksum.parquet", 5120},
      {"delta_byte_array.parquet", 1000},
      {"nested_structs.rust.parquet", 1},
      {"overflow_i16_page_cnt.parquet", 40000},
      {"repeated_no_annotation.parquet", 0},
      {"column_chunk_key_value_metadata.parquet", 0},
      {"int96_from_spark.parquet", 6},
  };
  size_t parsed = 0, checked_rows = 0;
  for (const auto& path : ParquetFiles(dir)) {
    SCOPED_TRACE(path.filename().string());
    std::string file, footer, error;
    ASSERT_TRUE(ReadFile(path, &file));
    ASSERT_TRUE(Footer(file, &footer, &error)) << error;
    auto md = ParseFileMetaData(U8(footer), footer.size());
    ASSERT_TRUE(md.ok()) << md.status().ToString();
    ++parsed;
    EXPECT_FALSE(md->schema.empty());
    for (const RowGroup& rg : md->row_groups) {
      for (const ColumnChunk& cc : rg.columns) EXPECT_TRUE(cc.meta_data.has_value());
    }
    // What we read we write back identically (modulo skipped fields).
    std::string again;
    SerializeFileMetaData(*md, &again);
    auto back = ParseFileMetaData(U8(again), again.size());
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, *md);

    auto it = expected_rows.find(path.filename().string());
    if (it != expected_rows.end()) {
      EXPECT_EQ(md->num_rows, it->second);
      ++checked_rows;
    }
  }
  EXPECT_GT(parsed, 50u);
  EXPECT_EQ(checked_rows, expected_rows.size());
}

TEST(MetadataConformanceTest, SpecificFooterContents) {
  const auto dir = TestingDir() / "data";
  if (!std::filesystem::is_directory(dir)) {
    GTEST_SKIP() << "conformance corpus not found at " << dir;
  }
  auto load = [&](const std::string& name) -> FileMetaData {
    std::string file, footer, error;
    EXPECT_TRUE(ReadFile(dir / name, &file)) << name;
    EXPECT_TRUE(Footer(file, &footer, &error)) << name << ": " << error;
    auto md = ParseFileMetaData(U8(footer), footer.size());
    EXPECT_TRUE(md.ok()) << name << ": " << md.status().ToString();
    return md.ok() ? *md : FileMetaData{};
  };
  {
    const FileMetaData md = load("alltypes_plain.parquet");
    ASSERT_EQ(md.row_groups.size(), 1u);
    ASSERT_EQ(md.schema.size(), 12u);  // root + 11 columns
    EXPECT_EQ(md.schema[0].num_children, 11);
    EXPECT_EQ(md.schema[1].name, "id");
    EXPECT_EQ(md.schema[1].type, Type::kInt32);
    ASSERT_EQ(md.row_groups[0].columns.size(), 11u);
    const ColumnMetaData& id = *md.row_groups[0].columns[0].meta_data;
    EXPECT_EQ(id.path_in_schema, std::vector<std::string>{"id"});
    EXPECT_EQ(id.codec, CompressionCodec::kUncompressed);
    EXPECT_EQ(id.num_values, 8);
    bool int96 = false;
    for (const SchemaElement& e : md.schema) int96 |= e.type == Type::kInt96;
    EXPECT_TRUE(int96);
  }
  {
    const FileMetaData md = load("unknown-logical-type.parquet");
    bool unrecognized = false;
    for (const SchemaElement& e : md.schema) {
      if (e.logical_type && e.logical_type->kind == LogicalType::Kind::kUnrecognized) {
        unrecognized = true;
      }
    }
    EXPECT_TRUE(unrecognized);
  }
  {
    const FileMetaData md = load("sort_columns.parquet");
    ASSERT_EQ(md.row_groups.size(), 2u);
    ASSERT_TRUE(md.row_groups[0].sorting_columns.has_value());
    EXPECT_FALSE(md.row_groups[0].sorting_columns->empty());
  }
  {
    const FileMetaData md = load("floating_orders_nan_count.parquet");
    EXPECT_EQ(md.row_groups.size(), 5u);
    bool nan_count = false;
    for (const RowGroup& rg : md.row_groups) {
      for (const ColumnChunk& cc : rg.columns) {
        nan_count |= cc.meta_data->statistics && cc.meta_data->statistics->nan_count.has_value();
      }
    }
    EXPECT_TRUE(nan_count);
  }
  {
    const FileMetaData md = load("column_chunk_key_value_metadata.parquet");
    bool kv = false;
    for (const RowGroup& rg : md.row_groups) {
      for (const ColumnChunk& cc : rg.columns) kv |= cc.meta_data->key_value_metadata.has_value();
    }
    EXPECT_TRUE(kv);
  }
  {
    const FileMetaData md = load("data_index_bloom_encoding_with_length.parquet");
    const ColumnMetaData& c = *md.row_groups.at(0).columns.at(0).meta_data;
    EXPECT_TRUE(c.bloom_filter_offset.has_value());
    EXPECT_TRUE(c.bloom_filter_length.has_value());
  }
  {
    // Its writer used ColumnMetaData field 15 for a list: skipped, left unset.
    const FileMetaData md = load("dict-page-offset-zero.parquet");
    const ColumnMetaData& c = *md.row_groups.at(0).columns.at(0).meta_data;
    EXPECT_FALSE(c.bloom_filter_length.has_value());
    EXPECT_EQ(c.dictionary_page_offset, 0);
  }
  {
    const FileMetaData md = load("data_index_bloom_encoding_stats.parquet");
    const ColumnChunk& cc = md.row_groups.at(0).columns.at(0);
    ASSERT_TRUE(cc.meta_data->encoding_stats.has_value());
    EXPECT_FALSE(cc.meta_data->encoding_stats->empty());
    EXPECT_TRUE(cc.meta_data->bloom_filter_offset.has_value());
    EXPECT_TRUE(cc.offset_index_offset.has_value());
    EXPECT_TRUE(cc.column_index_offset.has_value());
  }
  {
    const FileMetaData md = load("binary_truncated_min_max.parquet");
    bool exact_flags = false;
    for (const ColumnChunk& cc : md.row_groups.at(0).columns) {
      const auto& s = cc.meta_data->statistics;
      exact_flags |= s && s->is_max_value_exact.has_value() && s->is_min_value_exact.has_value();
    }
    EXPECT_TRUE(exact_flags);
  }
}

// Walks the page headers of every column chunk: each parses, and the pages
// tile the chunk exactly (total_compressed_size counts headers and bodies).
TEST(MetadataConformanceTest, PageHeadersTileEveryColumnChunk) {
  const auto dir = TestingDir() / "data";
  if (!std::filesystem::is_directory(dir)) {
    GTEST_SKIP() << "conformance corpus not found at " << dir;
  }
  size_t pages = 0;
  for (const auto& path : ParquetFiles(dir)) {
    SCOPED_TRACE(path.filename().string());
    std::string file, footer, error;
    ASSERT_TRUE(ReadFile(path, &file));
    ASSERT_TRUE(Footer(file, &footer, &error)) << error;
    auto md = ParseFileMetaData(U8(footer), footer.size());
    ASSERT_TRUE(md.ok()) << md.status().ToString();
    for (const RowGroup& rg : md->row_groups) {
      for (const ColumnChunk& cc : rg.columns) {
        const ColumnMetaData& c = *cc.meta_data;
        // A dictionary page comes first; 0 means "none" in some writers, and
        // a chunk without data pages has data_page_offset 0.
        int64_t start = c.data_page_offset;
        if (c.dictionary_page_offset && *c.dictionary_page_offset > 0 &&
            (start == 0 || *c.dictionary_page_offset < start)) {
          start = *c.dictionary_page_offset;
        }
        const int64_t end = start + c.total_compressed_size;
        ASSERT_LE(end, static_cast<int64_t>(file.size()));
        int64_t pos = start;
        while (pos < end) {
          size_t used = 0;
          auto h = ParsePageHeader(U8(file) + pos, static_cast<size_t>(end - pos), &used);
          ASSERT_TRUE(h.ok()) << "page at " << pos << ": " << h.status().ToString();
          ASSERT_GE(h->compressed_page_size, 0);
          pos += static_cast<int64_t>(used) + h->compressed_page_size;
          ++pages;
          switch (h->type) {
            case PageType::kDataPage:
              EXPECT_TRUE(h->data_page_header.has_value());
              break;
            case PageType::kDataPageV2:
              EXPECT_TRUE(h->data_page_header_v2.has_value());
              break;
            case PageType::kDictionaryPage:
              EXPECT_TRUE(h->dictionary_page_header.has_value());
              break;
            default:
              break;
          }
        }
        if (path.filename() == "nation.dict-malformed.parquet") continue;  // malformed on purpose
        EXPECT_EQ(pos, end) << "column " << c.path_in_schema.back();
      }
    }
  }
  EXPECT_GT(pages, 100u);
}

TEST(MetadataConformanceTest, BadDataFootersFailCleanly) {
  const auto dir = TestingDir() / "bad_data";
  if (!std::filesystem::is_directory(dir)) {
    GTEST_SKIP() << "conformance corpus not found at " << dir;
  }
  for (const auto& path : ParquetFiles(dir)) {
    SCOPED_TRACE(path.filename().string());
    std::string file, footer, error;
    ASSERT_TRUE(ReadFile(path, &file));
    if (!Footer(file, &footer, &error)) continue;
    // These files are bad in their data or in values later layers check; the
    // footer parse must only return (ok or Corrupt), never crash.
    auto md = ParseFileMetaData(U8(footer), footer.size());
    if (!md.ok()) {
      EXPECT_EQ(md.status().code(), StatusCode::kCorrupt);
    }
  }
}

}  // namespace
}  // namespace lakewatch::parquet
