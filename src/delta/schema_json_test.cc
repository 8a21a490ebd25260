#include "delta/schema_json.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "common/time.h"
#include "delta/actions.h"

namespace lakewatch::delta {
namespace {

namespace fs = std::filesystem;

Schema MustParseSchema(std::string_view json) {
  Result<Schema> r = ParseSchemaString(json);
  EXPECT_TRUE(r.ok()) << r.status().ToString() << "\n" << json;
  return r.ok() ? std::move(r).value() : Schema{};
}

void ExpectSameSchema(const Schema& a, const Schema& b);

void ExpectSameFields(const std::vector<Field>& a, const std::vector<Field>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].name, b[i].name);
    EXPECT_EQ(a[i].nullable, b[i].nullable) << a[i].name;
    EXPECT_EQ(a[i].metadata_json.empty() ? "{}" : a[i].metadata_json,
              b[i].metadata_json.empty() ? "{}" : b[i].metadata_json)
        << a[i].name;
    EXPECT_TRUE(a[i].type->Equals(*b[i].type))
        << a[i].name << ": " << a[i].type->ToString() << " vs " << b[i].type->ToString();
    if (a[i].type->id() == TypeId::kStruct && b[i].type->id() == TypeId::kStruct) {
      ExpectSameFields(a[i].type->fields(), b[i].type->fields());
    }
  }
}

void ExpectSameSchema(const Schema& a, const Schema& b) { ExpectSameFields(a.fields, b.fields); }

// ---------------------------------------------------------------------------
// Schema JSON

TEST(SchemaJson, EveryPrimitiveType) {
  const std::string json =
      R"({"type":"struct","fields":[)"
      R"({"name":"s","type":"string","nullable":true,"metadata":{}},)"
      R"({"name":"l","type":"long","nullable":false,"metadata":{}},)"
      R"({"name":"i","type":"integer","nullable":true,"metadata":{}},)"
      R"({"name":"sh","type":"short","nullable":true,"metadata":{}},)"
      R"({"name":"b","type":"byte","nullable":true,"metadata":{}},)"
      R"({"name":"f","type":"float","nullable":true,"metadata":{}},)"
      R"({"name":"d","type":"double","nullable":true,"metadata":{}},)"
      R"({"name":"bo","type":"boolean","nullable":true,"metadata":{}},)"
      R"({"name":"bi","type":"binary","nullable":true,"metadata":{}},)"
      R"({"name":"da","type":"date","nullable":true,"metadata":{}},)"
      R"({"name":"ts","type":"timestamp","nullable":true,"metadata":{}},)"
      R"({"name":"tn","type":"timestamp_ntz","nullable":true,"metadata":{}},)"
      R"j({"name":"de","type":"decimal(10,2)","nullable":true,"metadata":{}},)j"
      R"({"name":"v","type":"void","nullable":true,"metadata":{}}]})";
  Schema s = MustParseSchema(json);
  const std::vector<TypeId> ids = {
      TypeId::kString,    TypeId::kInt64,        TypeId::kInt32,   TypeId::kInt16,  TypeId::kInt8,
      TypeId::kFloat,     TypeId::kDouble,       TypeId::kBoolean, TypeId::kBinary, TypeId::kDate,
      TypeId::kTimestamp, TypeId::kTimestampNtz, TypeId::kDecimal, TypeId::kNull};
  ASSERT_EQ(s.fields.size(), ids.size());
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(s.fields[i].type->id(), ids[i]) << i;
  EXPECT_FALSE(s.fields[1].nullable);
  EXPECT_EQ(s.fields[12].type->precision(), 10);
  EXPECT_EQ(s.fields[12].type->scale(), 2);
  EXPECT_EQ(s.fields[0].metadata_json, "{}");
  // Spark's own compact form comes back byte for byte.
  EXPECT_EQ(SchemaToJson(s), json);
}

TEST(SchemaJson, DecimalSpellings) {
  auto type_of = [](const std::string& t) {
    Schema s = MustParseSchema(R"({"type":"struct","fields":[{"name":"x","type":")" + t +
                               R"(","nullable":true,"metadata":{}}]})");
    return s.fields.empty() ? TypePtr() : s.fields[0].type;
  };
  EXPECT_TRUE(type_of("decimal(10,2)")->Equals(*DataType::Decimal(10, 2)));
  EXPECT_TRUE(type_of("decimal( 10 , 2 )")->Equals(*DataType::Decimal(10, 2)));
  EXPECT_TRUE(type_of("decimal(38,38)")->Equals(*DataType::Decimal(38, 38)));
  EXPECT_TRUE(type_of("decimal(1,0)")->Equals(*DataType::Decimal(1, 0)));
  EXPECT_TRUE(type_of("decimal")->Equals(*DataType::Decimal(10, 0)));
  EXPECT_TRUE(type_of("char(10)")->Equals(*DataType::String()));
  EXPECT_TRUE(type_of("varchar( 5 )")->Equals(*DataType::String()));
  for (const char* bad : {"decimal(39,0)", "decimal(5,-1)", "decimal(5,6)", "decimal(0,0)",
                          "decimal(5)", "decimal(a,b)"}) {
    Result<Schema> r =
        ParseSchemaString(R"({"type":"struct","fields":[{"name":"x","type":")" + std::string(bad) +
                          R"(","nullable":true,"metadata":{}}]})");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kNotSupported) << bad;
    EXPECT_NE(r.status().message().find(bad), std::string::npos) << r.status().message();
  }
}

TEST(SchemaJson, NestedTypes) {
  const std::string json =
      R"({"type":"struct","fields":[)"
      R"({"name":"a","type":{"type":"array","elementType":"integer","containsNull":false},"nullable":true,"metadata":{}},)"
      R"j({"name":"m","type":{"type":"map","keyType":"string","valueType":{"type":"array","elementType":{"type":"struct","fields":[{"name":"x","type":"decimal(5,1)","nullable":false,"metadata":{}}]},"containsNull":true},"valueContainsNull":false},"nullable":false,"metadata":{}},)j"
      R"({"name":"s","type":{"type":"struct","fields":[{"name":"t","type":{"type":"struct","fields":[{"name":"u","type":"timestamp","nullable":true,"metadata":{}}]},"nullable":true,"metadata":{}}]},"nullable":true,"metadata":{}}]})";
  Schema s = MustParseSchema(json);
  EXPECT_EQ(s.ToString(),
            "a: array<int>, m: map<string,array<struct<x:decimal(5,1)>>>, "
            "s: struct<t:struct<u:timestamp>>");
  EXPECT_FALSE(s.fields[0].type->field(0).nullable);  // containsNull
  EXPECT_FALSE(s.fields[1].type->field(1).nullable);  // valueContainsNull
  EXPECT_TRUE(s.fields[1].type->field(1).type->field(0).nullable);
  EXPECT_FALSE(s.fields[1].type->field(1).type->field(0).type->field(0).nullable);
  EXPECT_EQ(SchemaToJson(s), json);
}

TEST(SchemaJson, MetadataKeptVerbatim) {
  const std::string meta1 =
      R"({"delta.invariants":"{\"expression\": { \"expression\": \"x > 3\"} }","delta.columnMapping.id":5,"a":[1,{"b":null}],"c":1.50,"e":"\u00e9"})";
  const std::string meta2 = R"({ "comment" : "spaced \"out\"" ,
      "k" : [ ] })";
  const std::string json =
      R"({"type":"struct","fields":[{"name":"x","type":"integer","nullable":true,"metadata":)" +
      meta1 + R"(},{"name":"y","type":"long","nullable":true,"metadata" : )" + meta2 + " \n}]}";
  Schema s = MustParseSchema(json);
  ASSERT_EQ(s.fields.size(), 2u);
  EXPECT_EQ(s.fields[0].metadata_json, meta1);
  EXPECT_EQ(s.fields[1].metadata_json, meta2);
  Schema again = MustParseSchema(SchemaToJson(s));
  EXPECT_EQ(again.fields[0].metadata_json, meta1);
  EXPECT_EQ(again.fields[1].metadata_json, meta2);
}

TEST(SchemaJson, KeysInAnyOrderAndDefaults) {
  Schema s = MustParseSchema(
      R"({"fields":[{"metadata":{"k":1},"nullable":false,"type":{"containsNull":false,"elementType":"long","type":"array"},"name":"a"},)"
      R"({"type":{"valueType":"string","keyType":"integer","type":"map"},"name":"m"},)"
      R"({"name":"n","type":"string","nullable":null,"metadata":null}],"type":"struct","extra":1})");
  ASSERT_EQ(s.fields.size(), 3u);
  EXPECT_EQ(s.fields[0].name, "a");
  EXPECT_FALSE(s.fields[0].nullable);
  EXPECT_EQ(s.fields[0].metadata_json, R"({"k":1})");
  EXPECT_TRUE(s.fields[0].type->Equals(*DataType::List(DataType::Int64(), false)));
  EXPECT_TRUE(s.fields[1].nullable);
  EXPECT_TRUE(
      s.fields[1].type->Equals(*DataType::Map(DataType::Int32(), DataType::String(), true)));
  EXPECT_EQ(s.fields[1].metadata_json, "");
  EXPECT_TRUE(s.fields[2].nullable);
  EXPECT_EQ(
      SchemaToJson(s),
      R"({"type":"struct","fields":[{"name":"a","type":{"type":"array","elementType":"long","containsNull":false},"nullable":false,"metadata":{"k":1}},)"
      R"({"name":"m","type":{"type":"map","keyType":"integer","valueType":"string","valueContainsNull":true},"nullable":true,"metadata":{}},)"
      R"({"name":"n","type":"string","nullable":true,"metadata":{}}]})");
}

TEST(SchemaJson, RoundTripOfBuiltSchema) {
  Schema s;
  s.fields.push_back(Field{"ts", DataType::Timestamp(), false, ""});
  s.fields.push_back(Field{"name with space", DataType::String(), true, R"({"comment":"x"})"});
  s.fields.push_back(Field{"q\"uote", DataType::Decimal(38, 9), true, ""});
  s.fields.push_back(Field{
      "nested",
      DataType::Struct(
          {Field{"l",
                 DataType::List(DataType::Map(DataType::Int8(), DataType::Binary(), false), true),
                 true, ""},
           Field{"n", DataType::TimestampNtz(), true, ""}}),
      true, ""});
  Schema again = MustParseSchema(SchemaToJson(s));
  ExpectSameSchema(s, again);
}

void ExpectSchemaError(const std::string& json, StatusCode code, const std::string& substring) {
  Result<Schema> r = ParseSchemaString(json);
  ASSERT_FALSE(r.ok()) << json;
  EXPECT_EQ(r.status().code(), code) << r.status().ToString();
  EXPECT_NE(r.status().message().find(substring), std::string::npos)
      << "message: " << r.status().message() << "\nexpected: " << substring;
}

TEST(SchemaJson, UnsupportedTypesNameTheTypeAndField) {
  ExpectSchemaError(
      R"({"type":"struct","fields":[{"name":"v","type":"variant","nullable":true,"metadata":{}}]})",
      StatusCode::kNotSupported, "column 'v' has type 'variant'");
  ExpectSchemaError(
      R"({"type":"struct","fields":[{"name":"p","type":{"type":"array","elementType":{"type":"struct","fields":[{"name":"v","type":"variant","nullable":true,"metadata":{}}]},"containsNull":true},"nullable":true,"metadata":{}}]})",
      StatusCode::kNotSupported, "column 'p.element.v' has type 'variant'");
  ExpectSchemaError(
      R"({"type":"struct","fields":[{"name":"m","type":{"type":"map","keyType":"string","valueType":"interval","valueContainsNull":true},"nullable":true,"metadata":{}}]})",
      StatusCode::kNotSupported, "column 'm.value' has type 'interval'");
  ExpectSchemaError(
      R"({"type":"struct","fields":[{"name":"u","type":{"type":"udt","class":"x.Y","sqlType":"string"},"nullable":true,"metadata":{}}]})",
      StatusCode::kNotSupported, "column 'u' has type 'udt'");
}

TEST(SchemaJson, MalformedSchemasAreCorrupt) {
  ExpectSchemaError("", StatusCode::kCorrupt, "schemaString");
  ExpectSchemaError("{", StatusCode::kCorrupt, "schemaString");
  ExpectSchemaError(R"([1,2])", StatusCode::kCorrupt, "schemaString");
  ExpectSchemaError(R"({"type":"array","elementType":"long","containsNull":true})",
                    StatusCode::kCorrupt, "top-level type must be");
  ExpectSchemaError(R"({"type":"struct"})", StatusCode::kCorrupt, "without \"fields\"");
  ExpectSchemaError(R"({"type":"struct","fields":{}})", StatusCode::kCorrupt,
                    "expected a \"fields\" array, got an object");
  ExpectSchemaError(R"({"type":"struct","fields":[{"type":"long"}]})", StatusCode::kCorrupt,
                    "field 0: field without \"name\"");
  ExpectSchemaError(R"({"type":"struct","fields":[{"name":"a"}]})", StatusCode::kCorrupt,
                    "a: field without \"type\"");
  ExpectSchemaError(R"({"type":"struct","fields":[{"name":"a","type":5}]})", StatusCode::kCorrupt,
                    "a: expected a type name or a type object, got a number");
  ExpectSchemaError(R"({"type":"struct","fields":[{"name":"a","type":"long","nullable":"yes"}]})",
                    StatusCode::kCorrupt, "a.nullable: expected a boolean, got a string");
  ExpectSchemaError(R"({"type":"struct","fields":[{"name":"a","type":"long","metadata":[]}]})",
                    StatusCode::kCorrupt, "a.metadata: expected an object, got an array");
  ExpectSchemaError(R"({"type":"struct","fields":[{"name":"a","type":{"type":"array"}}]})",
                    StatusCode::kCorrupt, "a: array type without \"elementType\"");
  ExpectSchemaError(
      R"({"type":"struct","fields":[{"name":"Id","type":"long"},{"name":"iD","type":"long"}]})",
      StatusCode::kCorrupt, "iD: duplicate column name");
  ExpectSchemaError(
      R"({"type":"struct","fields":[{"name":"s","type":{"type":"struct","fields":[{"name":"a","type":"long"},{"name":"A","type":"long"}]}}]})",
      StatusCode::kCorrupt, "s.A: duplicate column name");
  ExpectSchemaError(R"({"type":"struct","fields":[]} x)", StatusCode::kCorrupt, "schemaString");
  // A type object that is not closed ('/' for '}'), in a field whose later
  // lookups ("nullable" absent) wrap around over the members already read
  // (found by fuzz_delta_log: simdjson's development checks aborted).
  ExpectSchemaError(
      R"({"type":"struct","fields":[{"name":"s","type":{"type":"struct","fields":[{"name":"f","type":"long"}]/,"nulable":true,"metadata":{}}]})",
      StatusCode::kCorrupt, "schemaString: malformed JSON");
}

// ---------------------------------------------------------------------------
// Partition values

Scalar MustParseValue(const std::optional<std::string>& text, const TypePtr& type) {
  Result<Scalar> r = ParsePartitionValue(text, type);
  EXPECT_TRUE(r.ok()) << (text ? *text : "<null>") << " as " << type->ToString() << ": "
                      << r.status().ToString();
  return r.ok() ? std::move(r).value() : Scalar{};
}

int64_t Micros(int64_t y, int mo, int d, int h, int mi, int s, int64_t us = 0) {
  return DaysFromCivil(y, mo, d) * kMicrosPerDay + (h * 3600LL + mi * 60LL + s) * kMicrosPerSecond +
         us;
}

TEST(PartitionValues, NullsForEveryType) {
  const std::vector<TypePtr> types = {
      DataType::String(),       DataType::Binary(), DataType::Boolean(),
      DataType::Int8(),         DataType::Int16(),  DataType::Int32(),
      DataType::Int64(),        DataType::Float(),  DataType::Double(),
      DataType::Decimal(12, 5), DataType::Date(),   DataType::Timestamp(),
      DataType::TimestampNtz(), DataType::Null()};
  for (const TypePtr& t : types) {
    Scalar a = MustParseValue(std::nullopt, t);
    EXPECT_FALSE(a.valid) << t->ToString();
    EXPECT_TRUE(a.type->Equals(*t));
    Scalar b = MustParseValue(std::string(), t);
    EXPECT_FALSE(b.valid) << t->ToString();
    EXPECT_FALSE(FormatPartitionValue(a));
  }
  // The literal string "null" is a string, not a null.
  Scalar lit = MustParseValue(std::string("null"), DataType::String());
  EXPECT_TRUE(lit.valid);
  EXPECT_EQ(lit.str, "null");
  EXPECT_EQ(FormatPartitionValue(lit), "null");
}

TEST(PartitionValues, EveryTypeParses) {
  EXPECT_EQ(MustParseValue("bar+%21", DataType::String()).str, "bar+%21");
  EXPECT_EQ(MustParseValue("\x01\x02", DataType::Binary()).str, "\x01\x02");
  EXPECT_EQ(MustParseValue("true", DataType::Boolean()).i64, 1);
  EXPECT_EQ(MustParseValue("FALSE", DataType::Boolean()).i64, 0);
  EXPECT_EQ(MustParseValue("-128", DataType::Int8()).i64, -128);
  EXPECT_EQ(MustParseValue("32767", DataType::Int16()).i64, 32767);
  EXPECT_EQ(MustParseValue("+5", DataType::Int32()).i64, 5);
  EXPECT_EQ(MustParseValue("-9223372036854775808", DataType::Int64()).i64, INT64_MIN);
  EXPECT_EQ(MustParseValue("0.0", DataType::Float()).f64, 0.0);
  EXPECT_FLOAT_EQ(static_cast<float>(MustParseValue("9.9", DataType::Float()).f64), 9.9f);
  EXPECT_EQ(MustParseValue("1.0", DataType::Double()).f64, 1.0);
  EXPECT_EQ(MustParseValue("1.0E10", DataType::Double()).f64, 1e10);
  EXPECT_EQ(MustParseValue("-2.5e-3", DataType::Double()).f64, -2.5e-3);
  EXPECT_TRUE(std::isnan(MustParseValue("NaN", DataType::Double()).f64));
  EXPECT_EQ(MustParseValue("Infinity", DataType::Double()).f64, HUGE_VAL);
  EXPECT_EQ(MustParseValue("-Infinity", DataType::Float()).f64, -HUGE_VAL);
  EXPECT_EQ(MustParseValue("-2342342.23423", DataType::Decimal(12, 5)).i128, -234234223423);
  EXPECT_EQ(MustParseValue("0.00004", DataType::Decimal(12, 5)).i128, 4);
  EXPECT_EQ(MustParseValue("234.00000", DataType::Decimal(12, 5)).i128, 23400000);
  EXPECT_EQ(MustParseValue("234", DataType::Decimal(12, 5)).i128, 23400000);
  EXPECT_EQ(MustParseValue("1E+3", DataType::Decimal(10, 2)).i128, 100000);
  EXPECT_EQ(MustParseValue("0E-18", DataType::Decimal(38, 18)).i128, 0);
  EXPECT_EQ(MustParseValue("1.50", DataType::Decimal(2, 1)).i128, 15);
  __int128 max38 = 0;
  for (int i = 0; i < 38; ++i) max38 = max38 * 10 + 9;
  EXPECT_EQ(MustParseValue(std::string(38, '9'), DataType::Decimal(38, 0)).i128, max38);
  EXPECT_EQ(MustParseValue("-" + std::string(38, '9'), DataType::Decimal(38, 0)).i128, -max38);
  EXPECT_EQ(MustParseValue("2021-09-08", DataType::Date()).i64, DaysFromCivil(2021, 9, 8));
  EXPECT_EQ(MustParseValue("1969-12-31", DataType::Date()).i64, -1);
  EXPECT_EQ(MustParseValue("2021-09-08 11:11:11", DataType::Timestamp()).i64,
            Micros(2021, 9, 8, 11, 11, 11));
  EXPECT_EQ(MustParseValue("2020-01-01 08:09:10.001", DataType::Timestamp()).i64,
            Micros(2020, 1, 1, 8, 9, 10, 1000));
  EXPECT_EQ(MustParseValue("1969-01-01 00:00:00", DataType::Timestamp()).i64,
            Micros(1969, 1, 1, 0, 0, 0));
  EXPECT_EQ(MustParseValue("2024-01-01T10:00:00.000000Z", DataType::Timestamp()).i64,
            Micros(2024, 1, 1, 10, 0, 0));
  EXPECT_EQ(MustParseValue("1970-01-01T00:00:00.123456Z", DataType::Timestamp()).i64, 123456);
  EXPECT_EQ(MustParseValue("1971-07-22T03:06:40.000000Z", DataType::Timestamp()).i64,
            Micros(1971, 7, 22, 3, 6, 40));
  EXPECT_EQ(MustParseValue("2024-01-01T10:00:00+02:00", DataType::Timestamp()).i64,
            Micros(2024, 1, 1, 8, 0, 0));
  EXPECT_EQ(MustParseValue("2024-01-01T10:00:00.5-0130", DataType::Timestamp()).i64,
            Micros(2024, 1, 1, 11, 30, 0, 500000));
  EXPECT_EQ(MustParseValue("2024-01-01 10:00:00.123456000", DataType::Timestamp()).i64,
            Micros(2024, 1, 1, 10, 0, 0, 123456));
  EXPECT_EQ(MustParseValue("2021-11-18 02:30:00.123456", DataType::TimestampNtz()).i64,
            Micros(2021, 11, 18, 2, 30, 0, 123456));
  EXPECT_EQ(MustParseValue("2021-11-18T02:30:00", DataType::TimestampNtz()).i64,
            Micros(2021, 11, 18, 2, 30, 0));
}

TEST(PartitionValues, TextThatDoesNotFitIsInvalidArgument) {
  const std::vector<std::pair<std::string, TypePtr>> bad = {
      {"yes", DataType::Boolean()},
      {"128", DataType::Int8()},
      {"-32769", DataType::Int16()},
      {"2147483648", DataType::Int32()},
      {"9223372036854775808", DataType::Int64()},
      {"1.0", DataType::Int32()},
      {" 1", DataType::Int32()},
      {"+-1", DataType::Int32()},
      {"abc", DataType::Double()},
      {"+-1.5", DataType::Double()},
      {"inf", DataType::Double()},
      {"1.0x", DataType::Double()},
      {"1.234", DataType::Decimal(10, 2)},
      {"12345678901", DataType::Decimal(10, 0)},
      {"1e400", DataType::Decimal(38, 0)},
      {"20180512", DataType::Date()},
      {"2021-02-29", DataType::Date()},
      {"2021-13-01", DataType::Date()},
      {"2021-09-08 25:00:00", DataType::Timestamp()},
      {"2021-09-08 11:11:11 PST", DataType::Timestamp()},
      {"2021-09-08 11:11:11.1234567", DataType::Timestamp()},
      {"2021-09-08T11:11:11Z", DataType::TimestampNtz()},
  };
  for (const auto& [text, type] : bad) {
    Result<Scalar> r = ParsePartitionValue(text, type);
    ASSERT_FALSE(r.ok()) << text << " as " << type->ToString();
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(text), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find(type->ToString()), std::string::npos);
  }
  Result<Scalar> nested = ParsePartitionValue("1", DataType::List(DataType::Int32()));
  ASSERT_FALSE(nested.ok());
  EXPECT_EQ(nested.status().code(), StatusCode::kNotSupported);
}

TEST(PartitionValues, FormatIsCanonicalAndRoundTrips) {
  EXPECT_EQ(FormatPartitionValue(Scalar::Boolean(true)), "true");
  EXPECT_EQ(FormatPartitionValue(Scalar::Int32(-7)), "-7");
  EXPECT_EQ(FormatPartitionValue(Scalar::Double(1.0)), "1.0");
  EXPECT_EQ(FormatPartitionValue(Scalar::Double(0.1)), "0.1");
  EXPECT_EQ(FormatPartitionValue(Scalar::Float(9.9f)), "9.9");
  EXPECT_EQ(FormatPartitionValue(Scalar::Double(1e20)), "1e+20");
  EXPECT_EQ(FormatPartitionValue(Scalar::Double(std::nan(""))), "NaN");
  EXPECT_EQ(FormatPartitionValue(Scalar::Double(-HUGE_VAL)), "-Infinity");
  EXPECT_EQ(FormatPartitionValue(Scalar::Decimal(23400000, 12, 5)), "234.00000");
  EXPECT_EQ(FormatPartitionValue(Scalar::Decimal(-4, 12, 5)), "-0.00004");
  EXPECT_EQ(FormatPartitionValue(Scalar::Date(static_cast<int32_t>(DaysFromCivil(2021, 9, 8)))),
            "2021-09-08");
  EXPECT_EQ(FormatPartitionValue(Scalar::Timestamp(Micros(2024, 1, 1, 10, 0, 0))),
            "2024-01-01T10:00:00.000000Z");
  Scalar ntz = MustParseValue("2013-07-05 17:01:00.123456", DataType::TimestampNtz());
  EXPECT_EQ(FormatPartitionValue(ntz), "2013-07-05 17:01:00.123456");
  EXPECT_EQ(FormatPartitionValue(Scalar::String("a b=c/%")), "a b=c/%");
  EXPECT_EQ(FormatPartitionValue(Scalar::String("")), "");  // reads back as null

  const std::vector<Scalar> values = {
      Scalar::Boolean(false),
      MustParseValue("-128", DataType::Int8()),
      MustParseValue("-32768", DataType::Int16()),
      Scalar::Int32(INT32_MIN),
      Scalar::Int64(INT64_MAX),
      Scalar::Float(-3.4028235e38f),
      Scalar::Float(1.17549435e-38f),
      Scalar::Double(-0.0),
      Scalar::Double(4.9e-324),
      Scalar::Double(123456789.125),
      Scalar::Decimal(-1, 38, 38),
      Scalar::Decimal(12345, 5, 0),
      Scalar::Date(-719528),
      Scalar::Timestamp(-1),
      Scalar::Timestamp(Micros(9999, 12, 31, 23, 59, 59, 999999)),
      MustParseValue("1900-01-01 00:00:00.000001", DataType::TimestampNtz()),
      Scalar::String("null"),
      Scalar::String("\xC3\xA9t\xC3\xA9 / = %3A"),
      Scalar::Binary(std::string("\x00\xFF", 2)),
  };
  for (const Scalar& v : values) {
    std::optional<std::string> text = FormatPartitionValue(v);
    ASSERT_TRUE(text) << v.ToString();
    Scalar back = MustParseValue(text, v.type);
    bool comparable = false;
    EXPECT_EQ(CompareScalars(v, back, &comparable), 0) << *text << " for " << v.ToString();
    EXPECT_TRUE(comparable || v.type->id() == TypeId::kBoolean) << v.type->ToString();
    EXPECT_EQ(std::signbit(v.f64), std::signbit(back.f64)) << *text;
  }
}

// ---------------------------------------------------------------------------
// Stats

Schema StatsSchema() {
  return MustParseSchema(
      R"({"type":"struct","fields":[)"
      R"({"name":"i","type":"integer","nullable":true,"metadata":{}},)"
      R"({"name":"b","type":"byte","nullable":true,"metadata":{}},)"
      R"({"name":"l","type":"long","nullable":true,"metadata":{}},)"
      R"({"name":"f","type":"float","nullable":true,"metadata":{}},)"
      R"({"name":"d","type":"double","nullable":true,"metadata":{}},)"
      R"j({"name":"dec","type":"decimal(38,18)","nullable":true,"metadata":{}},)j"
      R"({"name":"s","type":"string","nullable":true,"metadata":{}},)"
      R"({"name":"da","type":"date","nullable":true,"metadata":{}},)"
      R"({"name":"ts","type":"timestamp","nullable":true,"metadata":{}},)"
      R"({"name":"tn","type":"timestamp_ntz","nullable":true,"metadata":{}},)"
      R"({"name":"bo","type":"boolean","nullable":true,"metadata":{}},)"
      R"({"name":"bi","type":"binary","nullable":true,"metadata":{}},)"
      R"({"name":"arr","type":{"type":"array","elementType":"long","containsNull":true},"nullable":true,"metadata":{}},)"
      R"({"name":"st","type":{"type":"struct","fields":[{"name":"x","type":"long","nullable":true,"metadata":{}},{"name":"in","type":{"type":"struct","fields":[{"name":"y","type":"string","nullable":true,"metadata":{}}]},"nullable":true,"metadata":{}}]},"nullable":true,"metadata":{}}]})");
}

FileStats MustParseStats(std::string_view json, const Schema& schema) {
  Result<FileStats> r = ParseStats(json, schema);
  EXPECT_TRUE(r.ok()) << r.status().ToString() << "\n" << json;
  return r.ok() ? std::move(r).value() : FileStats{};
}

TEST(Stats, ParseEveryType) {
  const Schema schema = StatsSchema();
  FileStats st = MustParseStats(
      R"({"numRecords":5,"minValues":{"i":-3,"b":-128,"l":-9223372036854775808,"f":1.5,"d":"NaN",)"
      R"("dec":0E-18,"s":"a\"b","da":"2021-09-08","ts":"2000-01-01T00:00:00.000-08:00",)"
      R"("tn":"2021-11-18T02:30:00.123","bo":false,"bi":"x","arr":[1],"st":{"x":1,"in":{"y":"q"}},)"
      R"("gone":7},"maxValues":{"i":3,"d":"Infinity","dec":12.5,"ts":"2021-07-30T18:11:51.626Z",)"
      R"("s":null,"st":{"in":null}},"nullCount":{"i":0,"s":2,"arr":1,"st":{"x":0,"in":{"y":4}},"gone":1},)"
      R"("tightBounds":false,"extra":{"a":1}})",
      schema);
  EXPECT_EQ(st.num_records, 5);
  EXPECT_FALSE(st.tight_bounds);
  ASSERT_EQ(st.min_values.size(), 14u);
  EXPECT_EQ(st.min_values["i"].i64, -3);
  EXPECT_EQ(st.min_values["i"].type->id(), TypeId::kInt32);
  EXPECT_EQ(st.min_values["b"].i64, -128);
  EXPECT_EQ(st.min_values["l"].i64, INT64_MIN);
  EXPECT_EQ(st.min_values["f"].type->id(), TypeId::kFloat);
  EXPECT_EQ(st.min_values["f"].f64, 1.5);
  EXPECT_TRUE(std::isnan(st.min_values["d"].f64));
  EXPECT_EQ(st.min_values["dec"].i128, 0);
  EXPECT_EQ(st.min_values["dec"].type->scale(), 18);
  EXPECT_EQ(st.min_values["s"].str, "a\"b");
  EXPECT_EQ(st.min_values["da"].i64, DaysFromCivil(2021, 9, 8));
  EXPECT_EQ(st.min_values["ts"].i64, Micros(2000, 1, 1, 8, 0, 0));
  EXPECT_EQ(st.min_values["tn"].i64, Micros(2021, 11, 18, 2, 30, 0, 123000));
  EXPECT_EQ(st.min_values["tn"].type->id(), TypeId::kTimestampNtz);
  EXPECT_EQ(st.min_values["bo"].i64, 0);
  EXPECT_EQ(st.min_values["bi"].str, "x");
  EXPECT_EQ(st.min_values["st.x"].i64, 1);
  EXPECT_EQ(st.min_values["st.in.y"].str, "q");
  EXPECT_FALSE(st.min_values.count("arr"));
  EXPECT_FALSE(st.min_values.count("gone"));
  ASSERT_EQ(st.max_values.size(), 4u);
  EXPECT_EQ(st.max_values["d"].f64, HUGE_VAL);
  EXPECT_EQ(st.max_values["dec"].i128, static_cast<__int128>(125) * 100000000000000000LL);
  EXPECT_EQ(st.max_values["ts"].i64, Micros(2021, 7, 30, 18, 11, 51, 626000));
  EXPECT_EQ(st.null_count, (std::map<std::string, int64_t>{
                               {"i", 0}, {"s", 2}, {"arr", 1}, {"st.x", 0}, {"st.in.y", 4}}));
}

TEST(Stats, EmptyAndPartialStats) {
  const Schema schema = StatsSchema();
  FileStats a = MustParseStats("{}", schema);
  EXPECT_FALSE(a.num_records);
  EXPECT_TRUE(a.tight_bounds);
  EXPECT_TRUE(a.min_values.empty());
  FileStats b =
      MustParseStats(R"({"numRecords":0,"minValues":{},"maxValues":{},"nullCount":{}})", schema);
  EXPECT_EQ(b.num_records, 0);
  FileStats c =
      MustParseStats(R"({"numRecords":null,"minValues":null,"nullCount":{"st":3}})", schema);
  EXPECT_FALSE(c.num_records);
  EXPECT_EQ(c.null_count["st"], 3);
}

void ExpectStatsError(const std::string& json, const std::string& substring) {
  Result<FileStats> r = ParseStats(json, StatsSchema());
  ASSERT_FALSE(r.ok()) << json;
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(r.status().message().find(substring), std::string::npos)
      << "message: " << r.status().message() << "\nexpected: " << substring;
}

TEST(Stats, WrongValuesAreCorruptNamingTheColumn) {
  ExpectStatsError(R"({"minValues":{"i":"1"}})",
                   "stats: minValues.i: expected an integer, got a string");
  ExpectStatsError(R"({"minValues":{"b":300}})",
                   "stats: minValues.b: 300 is out of range for tinyint");
  ExpectStatsError(R"({"minValues":{"i":1.5}})", "stats: minValues.i: expected an integer");
  ExpectStatsError(R"({"maxValues":{"st":{"x":"a"}}})",
                   "stats: maxValues.st.x: expected an integer");
  ExpectStatsError(R"({"maxValues":{"st":5}})",
                   "stats: maxValues.st: expected an object, got a number");
  ExpectStatsError(R"({"maxValues":{"da":"2021-02-30"}})", "stats: maxValues.da: expected a date");
  ExpectStatsError(R"({"maxValues":{"ts":"yesterday"}})",
                   "stats: maxValues.ts: expected an ISO-8601 timestamp");
  ExpectStatsError(R"({"maxValues":{"tn":"2021-11-18T02:30:00.123Z"}})", "without a zone");
  ExpectStatsError(R"({"maxValues":{"dec":1e-19}})",
                   "maxValues.dec: \"1e-19\" does not fit decimal(38,18)");
  ExpectStatsError(R"({"maxValues":{"d":"big"}})", "maxValues.d: expected a number");
  ExpectStatsError(R"({"nullCount":{"i":-1}})", "nullCount.i: negative null count");
  ExpectStatsError(R"({"nullCount":{"i":"1"}})", "nullCount.i: expected an integer count");
  ExpectStatsError(R"({"numRecords":"1"})", "numRecords: expected an integer");
  ExpectStatsError(R"({"tightBounds":1})", "tightBounds: expected a boolean");
  ExpectStatsError(R"({"numRecords":1)", "stats: ");
  ExpectStatsError(R"([])", "stats: ");
}

TEST(Stats, WrittenTheWaySparkWritesThem) {
  const Schema schema = StatsSchema();
  FileStats st;
  st.num_records = 3;
  st.min_values["i"] = Scalar::Int32(-3);
  st.min_values["l"] = Scalar::Int64(INT64_MIN);
  st.min_values["f"] = Scalar::Float(0.1f);
  st.min_values["d"] = Scalar::Double(-0.25);
  st.min_values["dec"] = Scalar::Decimal(-1, 38, 18);
  st.min_values["s"] = Scalar::String("a\"b\\c\n");
  st.min_values["da"] = Scalar::Date(-1);
  st.min_values["ts"] = Scalar::Timestamp(Micros(2025, 11, 24, 16, 0, 0, 123456));
  st.min_values["tn"] = MustParseValue("2021-11-18 02:30:00.123999", DataType::TimestampNtz());
  st.min_values["bo"] = Scalar::Boolean(false);  // Spark writes no boolean bounds
  st.min_values["bi"] = Scalar::Binary("x");     // nor binary ones
  st.min_values["st.in.y"] = Scalar::String("q");
  st.min_values["not.a.column"] = Scalar::Int32(1);
  st.max_values["ts"] = Scalar::Timestamp(-1);  // floor to ms: 1969-12-31T23:59:59.999Z
  st.max_values["d"] = Scalar::Double(std::nan(""));
  st.max_values["s"] = Scalar::String(std::string(40, 'z'));
  st.null_count = {{"i", 0}, {"s", 1}, {"arr", 2}, {"st.x", 0}, {"st.in.y", 3}};
  st.tight_bounds = false;
  EXPECT_EQ(
      StatsToJson(st, schema),
      R"({"numRecords":3,)"
      R"("minValues":{"i":-3,"l":-9223372036854775808,"f":0.1,"d":-0.25,)"
      R"("dec":-0.000000000000000001,"s":"a\"b\\c\n","da":"1969-12-31",)"
      R"("ts":"2025-11-24T16:00:00.123Z","tn":"2021-11-18T02:30:00.123","st":{"in":{"y":"q"}}},)"
      R"("maxValues":{"d":"NaN","s":"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz)"
      "\x7F"
      R"(","ts":"1969-12-31T23:59:59.999Z"},)"
      R"("nullCount":{"i":0,"s":1,"arr":2,"st":{"x":0,"in":{"y":3}}},"tightBounds":false})");
  EXPECT_EQ(StatsToJson(FileStats{}, schema), "{}");
}

TEST(Stats, RoundTrip) {
  const Schema schema = StatsSchema();
  FileStats st;
  st.num_records = 1000;
  st.min_values["i"] = Scalar::Int32(INT32_MIN);
  st.min_values["f"] = Scalar::Float(-3.4028235e38f);
  st.min_values["d"] = Scalar::Double(4.9e-324);
  st.min_values["dec"] = Scalar::Decimal(static_cast<__int128>(1) << 100, 38, 18);
  st.min_values["s"] = Scalar::String("\xC3\xA9t\xC3\xA9");
  st.min_values["da"] = Scalar::Date(-719528);
  st.min_values["ts"] = Scalar::Timestamp(Micros(1900, 1, 1, 0, 0, 0, 1000));
  st.min_values["st.x"] = Scalar::Int64(7);
  st.max_values["d"] = Scalar::Double(-HUGE_VAL);
  st.max_values["tn"] = MustParseValue("9999-12-31 23:59:59.999", DataType::TimestampNtz());
  st.null_count = {{"i", 1}, {"st.in.y", 2}};
  FileStats back = MustParseStats(StatsToJson(st, schema), schema);
  EXPECT_EQ(back.num_records, st.num_records);
  EXPECT_EQ(back.tight_bounds, st.tight_bounds);
  EXPECT_EQ(back.null_count, st.null_count);
  for (auto which : {&FileStats::min_values, &FileStats::max_values}) {
    const auto& want = st.*which;
    const auto& got = back.*which;
    ASSERT_EQ(got.size(), want.size());
    for (const auto& [k, v] : want) {
      ASSERT_TRUE(got.count(k)) << k;
      bool comparable = false;
      EXPECT_EQ(CompareScalars(v, got.at(k), &comparable), 0) << k << ": " << got.at(k).ToString();
      EXPECT_TRUE(comparable) << k;
    }
  }
}

// ---------------------------------------------------------------------------
// String truncation (Delta's truncateMinStringAgg / truncateMaxStringAgg)

TEST(StatsTruncation, MinAndMax) {
  const std::string a32(32, 'a');
  const std::string max_cp = "\xF4\x8F\xBF\xBF";  // U+10FFFF
  const std::string smile = "\xF0\x9F\x98\x80";   // U+1F600: two UTF-16 units
  EXPECT_EQ(TruncateStatsMin("short"), "short");
  EXPECT_EQ(TruncateStatsMax("short"), "short");
  EXPECT_EQ(TruncateStatsMin(a32), a32);
  EXPECT_EQ(TruncateStatsMax(a32), a32);
  EXPECT_EQ(TruncateStatsMin(a32 + "bcd"), a32);
  EXPECT_EQ(TruncateStatsMax(a32 + "bcd"), a32 + "\x7F");
  EXPECT_EQ(TruncateStatsMax(a32 + "\x7F"
                                   "x"),
            a32 + max_cp);                                       // next char not below U+007F
  EXPECT_EQ(TruncateStatsMax(a32 + "\xC3\xA9x"), a32 + max_cp);  // é
  // 31 units + a surrogate pair: the pair is kept whole (33 units).
  const std::string a31(31, 'a');
  EXPECT_EQ(TruncateStatsMin(a31 + smile + "zz"), a31 + smile);
  EXPECT_EQ(TruncateStatsMax(a31 + smile + "zz"), a31 + smile + "\x7F");
  // 16 multi-byte characters count 16 units, not 32 bytes.
  std::string e16;
  for (int i = 0; i < 40; ++i) e16 += "\xC3\xA9";
  EXPECT_EQ(TruncateStatsMin(e16), e16.substr(0, 64));
  EXPECT_EQ(TruncateStatsMax(e16), e16.substr(0, 64) + max_cp);
  // U+10FFFF right after the prefix cannot be beaten: it is kept and skipped.
  EXPECT_EQ(TruncateStatsMax(a32 + max_cp + "b"), a32 + max_cp + "\x7F");
  EXPECT_EQ(TruncateStatsMax(a32 + max_cp), a32 + max_cp);  // the whole string fits
  // Nothing short enough is >= the original: no max.
  std::string all_max;
  for (int i = 0; i < 40; ++i) all_max += max_cp;
  EXPECT_EQ(TruncateStatsMin(all_max), all_max.substr(0, 16 * 4));
  EXPECT_FALSE(TruncateStatsMax(all_max));
  // Smaller prefixes.
  EXPECT_EQ(TruncateStatsMin("abcdef", 2), "ab");
  EXPECT_EQ(TruncateStatsMax("abcdef", 2), "ab\x7F");
  EXPECT_FALSE(TruncateStatsMax("abc", 0));
}

// ---------------------------------------------------------------------------
// The conformance corpus: every schemaString, every partition value, every
// stats string.

fs::path GoldenRoot() { return fs::path(LW_SHARED_DATA) / "conformance" / "delta-golden"; }

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct CorpusCommit {
  fs::path file;
  int64_t version;
  ActionSet actions;
};

// Each table (a folder holding _delta_log) with its numbered commit files in
// version order.
std::map<fs::path, std::vector<CorpusCommit>> CorpusTables() {
  std::map<fs::path, std::vector<CorpusCommit>> tables;
  const fs::path root = GoldenRoot();
  if (!fs::exists(root)) return tables;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file() || e.path().extension() != ".json") continue;
    if (e.path().parent_path().filename() != "_delta_log") continue;
    const std::string name = e.path().filename().string();
    if (name.size() != 25 || !std::all_of(name.begin(), name.begin() + 20, ::isdigit)) continue;
    Result<ActionSet> r = ParseCommit(ReadFile(e.path()), std::stoll(name.substr(0, 20)));
    EXPECT_TRUE(r.ok()) << e.path() << ": " << r.status().ToString();
    if (!r.ok()) continue;
    tables[e.path().parent_path().parent_path()].push_back(
        CorpusCommit{e.path(), std::stoll(name.substr(0, 20)), std::move(r).value()});
  }
  for (auto& [table, commits] : tables) {
    std::sort(commits.begin(), commits.end(),
              [](const CorpusCommit& a, const CorpusCommit& b) { return a.version < b.version; });
  }
  return tables;
}

TEST(SchemaCorpus, EverySchemaStringParses) {
  auto tables = CorpusTables();
  if (tables.empty()) GTEST_SKIP() << "conformance corpus not found at " << GoldenRoot();
  int parsed = 0, unsupported = 0, identical = 0;
  std::map<std::string, int> unsupported_types;
  for (const auto& [table, commits] : tables) {
    for (const CorpusCommit& c : commits) {
      if (!c.actions.metadata || !c.actions.metadata->schema_string) continue;
      const std::string& text = *c.actions.metadata->schema_string;
      Result<Schema> r = ParseSchemaString(text);
      if (!r.ok()) {
        ASSERT_EQ(r.status().code(), StatusCode::kNotSupported)
            << c.file << ": " << r.status().ToString();
        const std::string& m = r.status().message();
        const size_t at = m.find("has type '");
        ASSERT_NE(at, std::string::npos) << m;
        ASSERT_NE(m.find("column '"), std::string::npos) << m;
        unsupported_types[m.substr(at + 10, m.find('\'', at + 10) - at - 10)]++;
        ++unsupported;
        continue;
      }
      ++parsed;
      // What we write reads back as the same schema, and Spark's compact
      // text comes back byte for byte.
      const std::string written = SchemaToJson(*r);
      Schema again = MustParseSchema(written);
      ExpectSameSchema(*r, again);
      identical += written == text;
    }
  }
  std::cout << "[ corpus   ] schemaStrings: " << parsed << " parsed (" << identical
            << " re-serialized byte-identical), " << unsupported << " NotSupported:";
  for (const auto& [t, n] : unsupported_types) std::cout << " " << t << " x" << n;
  std::cout << "\n";
  EXPECT_GT(parsed, 200);
  EXPECT_GT(identical, parsed * 9 / 10);
  for (const auto& [t, n] : unsupported_types) EXPECT_EQ(t, "variant");
}

// The schema field a partitionValues / stats key names: by name, or by the
// column-mapping physical name recorded in the field's metadata.
const Field* ColumnByKey(const Schema& schema, const std::string& key) {
  for (const Field& f : schema.fields) {
    if (f.name == key) return &f;
  }
  const std::string needle = "\"delta.columnMapping.physicalName\":\"" + key + "\"";
  for (const Field& f : schema.fields) {
    if (f.metadata_json.find(needle) != std::string::npos) return &f;
  }
  return nullptr;
}

TEST(SchemaCorpus, EveryPartitionValueAndStatsStringParses) {
  auto tables = CorpusTables();
  if (tables.empty()) GTEST_SKIP() << "conformance corpus not found at " << GoldenRoot();
  int64_t values = 0, nulls = 0, stats = 0, bounds = 0, skipped_tables = 0;
  for (const auto& [table, commits] : tables) {
    std::optional<Schema> schema;
    bool schema_known = false;
    for (const CorpusCommit& c : commits) {
      if (c.actions.metadata) {
        schema.reset();
        schema_known = true;
        if (c.actions.metadata->schema_string) {
          Result<Schema> r = ParseSchemaString(*c.actions.metadata->schema_string);
          if (r.ok()) schema = std::move(r).value();
        }
      }
      if (!schema) {
        if (schema_known) ++skipped_tables;
        continue;
      }
      for (const AddFile& a : c.actions.adds) {
        for (const auto& [key, text] : a.partition_values) {
          const Field* f = ColumnByKey(*schema, key);
          ASSERT_NE(f, nullptr) << c.file << ": partition column " << key;
          Result<Scalar> v = ParsePartitionValue(text, f->type);
          ASSERT_TRUE(v.ok()) << c.file << ": " << key << ": " << v.status().ToString();
          ++values;
          nulls += !v->valid;
          // Canonical text reads back as the same value.
          if (v->valid) {
            Scalar back = *ParsePartitionValue(FormatPartitionValue(*v), f->type);
            bool comparable = false;
            EXPECT_EQ(CompareScalars(*v, back, &comparable), 0) << c.file << ": " << key;
          }
        }
        if (!a.stats) continue;
        Result<FileStats> st = ParseStats(*a.stats, *schema);
        ASSERT_TRUE(st.ok()) << c.file << ": " << st.status().ToString() << "\n" << *a.stats;
        ++stats;
        bounds += static_cast<int64_t>(st->min_values.size() + st->max_values.size());
      }
      for (const RemoveFile& r : c.actions.removes) {
        if (!r.stats) continue;
        Result<FileStats> st = ParseStats(*r.stats, *schema);
        ASSERT_TRUE(st.ok()) << c.file << ": " << st.status().ToString();
        ++stats;
      }
    }
  }
  std::cout << "[ corpus   ] " << values << " partition values (" << nulls << " null), " << stats
            << " stats strings with " << bounds << " min/max bounds\n";
  EXPECT_GT(values, 100);
  EXPECT_GT(stats, 500);
  EXPECT_GT(bounds, 1000);
}

TEST(SchemaCorpus, KnownPartitionValues) {
  const fs::path log =
      GoldenRoot() / "delta-kernel-rs/golden_data/data-reader-partition-values/delta/_delta_log";
  if (!fs::exists(log)) GTEST_SKIP() << "conformance corpus not found at " << GoldenRoot();
  ActionSet s = *ParseCommit(ReadFile(log / "00000000000000000000.json"), 0);
  ASSERT_TRUE(s.metadata && s.metadata->schema_string);
  Schema schema = MustParseSchema(*s.metadata->schema_string);
  int checked = 0;
  for (const AddFile& a : s.adds) {
    std::map<std::string, Scalar> row;
    for (const auto& [k, v] : a.partition_values) {
      row[k] = *ParsePartitionValue(v, ColumnByKey(schema, k)->type);
    }
    if (!row["as_int"].valid) {
      for (const auto& [k, v] : row) EXPECT_FALSE(v.valid) << k;
      continue;
    }
    const int n = static_cast<int>(row["as_int"].i64);
    EXPECT_EQ(row["as_string_lit_null"].str, "null");
    EXPECT_EQ(row["as_timestamp"].i64, Micros(2021, 9, 8, 11, 11, 11));
    EXPECT_EQ(row["as_date"].i64, DaysFromCivil(2021, 9, 8));
    EXPECT_EQ(row["as_boolean"].i64, n == 0 ? 1 : 0);
    EXPECT_EQ(row["as_double"].f64, n);
    EXPECT_EQ(row["as_big_decimal"].i128, n);
    ++checked;
  }
  EXPECT_EQ(checked, 2);
}

TEST(Stats, NumRecordsAloneSkipsTheRest) {
  auto n = StatsNumRecords(R"({"minValues":{"numRecords":1,"a":[1,{"x":2}]},"numRecords":42,)"
                           R"("nullCount":{"a":0}})");
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  ASSERT_TRUE(n->has_value());
  EXPECT_EQ(**n, 42) << "the top-level member, not the column named numRecords";
  auto absent = StatsNumRecords(R"({"minValues":{}})");
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->has_value());
  auto null = StatsNumRecords(R"({"numRecords":null})");
  ASSERT_TRUE(null.ok());
  EXPECT_FALSE(null->has_value());
  auto bad = StatsNumRecords(R"({"numRecords":"7"})");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("numRecords"), std::string::npos) << bad.status().ToString();
  EXPECT_FALSE(StatsNumRecords(R"({"numRecords":)").ok());
}

}  // namespace
}  // namespace lakewatch::delta
