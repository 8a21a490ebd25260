// ParquetSchema: the bridge between a file's flattened Parquet schema
// (SchemaElements, depth-first) and lakewatch's logical Schema.
//
// Reading: resolves every leaf's physical type and annotations to a logical
// type (Spark's mapping: UINT_8 -> smallint, UINT_64 -> decimal(20,0),
// INT96 -> timestamp, ...) and every group to a struct, list (3-level and the
// legacy 2-level forms, bare repeated fields) or map, with the level
// thresholds record assembly needs (see level_assembler.h).
// Writing: maps a logical Schema to SchemaElements (3-level lists, MAP
// key_value groups, both LogicalType and ConvertedType annotations).
//
// Thread-safety: immutable after construction; share freely.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "common/types.h"
#include "parquet/level_assembler.h"
#include "parquet/metadata.h"

namespace lakewatch::parquet {

// How a leaf's physical values become its logical values.
enum class ValueConversion : uint8_t {
  kNone,              // identical layout (int32, int64, float, double, bool, bytes)
  kInt32ToInt8,       // INT(8)/INT_8 on INT32
  kInt32ToInt16,      // INT(16)/INT_16 on INT32, UINT_8
  kUint32ToInt64,     // UINT_32
  kUint64ToDecimal,   // UINT_64 -> decimal(20,0)
  kMillisToMicros,    // TIMESTAMP(MILLIS)
  kNanosToMicros,     // TIMESTAMP(NANOS): floor to microseconds
  kInt96ToMicros,     // legacy INT96 timestamps (nanos of day + Julian day)
  kInt32ToDecimal,    // DECIMAL on INT32
  kInt64ToDecimal,    // DECIMAL on INT64
  kBytesToDecimal,    // DECIMAL on BYTE_ARRAY / FIXED_LEN_BYTE_ARRAY (big-endian two's complement)
  kFloat16ToFloat,    // FLOAT16 on FIXED_LEN_BYTE_ARRAY(2)
  kUuidToString,      // UUID on FIXED_LEN_BYTE_ARRAY(16) -> canonical 8-4-4-4-12 text
  kTimeMillisToMicros,  // TIME(MILLIS) on INT32
};

struct LeafDescriptor {
  int index = 0;                  // position among the leaves (= ColumnChunk index)
  std::vector<std::string> path;  // names from the root's child down to the leaf
  SchemaElement element;
  Type physical_type = Type::kInt32;
  int32_t type_length = 0;  // FIXED_LEN_BYTE_ARRAY width
  int16_t max_def = 0;
  int16_t max_rep = 0;
  TypePtr type;  // logical type of the values
  ValueConversion conversion = ValueConversion::kNone;

  std::string DottedPath() const;
  // Bytes of one PLAIN value in the fixed-width layout (booleans: 1 byte per
  // value once unpacked); 0 for BYTE_ARRAY.
  int PhysicalByteWidth() const;
};

class ParquetSchema {
 public:
  // Resolves `elements` (FileMetaData.schema). Corrupt for a malformed tree,
  // NotSupported (naming the column and feature) for types we do not read.
  static Result<ParquetSchema> FromElements(const std::vector<SchemaElement>& elements);

  // Builds the Parquet schema our writer emits for `schema`.
  // NotSupported for kNull columns (no Parquet physical type).
  static Result<ParquetSchema> FromLogical(const Schema& schema);

  const Schema& logical() const { return logical_; }
  const std::vector<LeafDescriptor>& leaves() const { return leaves_; }
  const std::vector<FieldPlan>& plans() const { return plans_; }  // one per top-level field
  const std::vector<SchemaElement>& elements() const { return elements_; }

  // Plans for a projection. `columns` are top-level names or dotted paths
  // into structs ("features.amount"); empty selects every column. Columns are
  // returned in the order given; a nested path keeps its ancestors, pruned to
  // the selected fields. NotFound (with the available names) for an unknown path.
  Result<std::vector<FieldPlan>> Project(const std::vector<std::string>& columns) const;

 private:
  std::vector<SchemaElement> elements_;
  std::vector<LeafDescriptor> leaves_;
  std::vector<FieldPlan> plans_;
  Schema logical_;
};

// Marks in `needed` (sized to the number of leaves) the leaves below `plan`.
void CollectLeaves(const FieldPlan& plan, std::vector<bool>* needed);

}  // namespace lakewatch::parquet

namespace lakewatch::parquet {
// The schema in Parquet's message syntax, e.g.
//   message schema {
//     optional int64 id;
//     optional group tags (LIST) { repeated group list { optional binary element (STRING); } }
//   }
std::string FormatSchemaElements(const std::vector<SchemaElement>& elements);
}  // namespace lakewatch::parquet
