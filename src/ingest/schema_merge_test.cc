#include "ingest/schema_merge.h"

#include <gtest/gtest.h>

#include "common/json_format.h"

namespace lakewatch::ingest {
namespace {

Field F(const std::string& name, TypePtr type) { return Field{name, std::move(type), true, {}}; }

TEST(SchemaMerge, NewFieldsAreAppendedAtEveryLevel) {
  Schema base{{F("a", DataType::Int64()),
               F("s", DataType::Struct({F("x", DataType::String())})),
               F("l", DataType::List(DataType::Struct({F("p", DataType::Double())})))}};
  // Fields in another order, new ones inside the struct and the list's element, and at the top.
  Schema add{{F("s", DataType::Struct({F("y", DataType::Boolean()), F("x", DataType::String())})),
              F("b", DataType::String()),
              F("l", DataType::List(DataType::Struct({F("q", DataType::Int64())}))),
              F("a", DataType::Int64())}};
  Schema out;
  ASSERT_TRUE(MergeSchemas(base, add, &out));
  EXPECT_EQ(out.ToString(),
            "a: bigint, s: struct<x:string,y:boolean>, l: array<struct<p:double,q:bigint>>, b: string");
  // Merging again adds nothing; the merge of a schema with itself is itself.
  Schema again;
  ASSERT_TRUE(MergeSchemas(out, add, &again));
  EXPECT_TRUE(SameSchema(again, out));
  ASSERT_TRUE(MergeSchemas(out, out, &again));
  EXPECT_TRUE(SameSchema(again, out));
}

TEST(SchemaMerge, DisagreementsAreRefused) {
  Schema base{{F("a", DataType::Int64()), F("s", DataType::Struct({F("x", DataType::String())})),
               F("m", DataType::Map(DataType::String(), DataType::Int64()))}};
  Schema out;
  EXPECT_FALSE(MergeSchemas(base, Schema{{F("a", DataType::Double())}}, &out));
  EXPECT_FALSE(MergeSchemas(base, Schema{{F("a", DataType::Struct({}))}}, &out));
  EXPECT_FALSE(MergeSchemas(base, Schema{{F("s", DataType::Struct({F("x", DataType::Int64())}))}}, &out));
  EXPECT_FALSE(MergeSchemas(base, Schema{{F("m", DataType::Map(DataType::String(), DataType::String()))}}, &out));
  // Delta column names are case-insensitive: "A" next to "a" is a disagreement.
  EXPECT_FALSE(MergeSchemas(base, Schema{{F("A", DataType::Int64())}}, &out));
  EXPECT_FALSE(MergeSchemas(base, Schema{{F("s", DataType::Struct({F("X", DataType::String())}))}}, &out));
  EXPECT_TRUE(MergeSchemas(base, Schema{{F("m", DataType::Map(DataType::String(), DataType::Int64()))}}, &out));
}

TEST(SchemaMerge, ConformBatchReordersAndFillsNulls) {
  // A batch with s{y} and l[{q}] and a, conformed to a wider schema.
  RecordBatch b;
  b.schema = Schema{{F("s", DataType::Struct({F("y", DataType::Boolean())})),
                     F("l", DataType::List(DataType::Struct({F("q", DataType::Int64())}))),
                     F("a", DataType::Int64())}};
  for (const Field& f : b.schema.fields) b.columns.push_back(Column::Make(f.type));
  b.num_rows = 2;
  Column& s = *b.columns[0];  // rows: {y: true}, null
  s.children[0]->Append<uint8_t>(1);
  s.children[0]->AppendNull();
  s.length = 2;
  s.validity.PushByte(1);
  s.validity.PushByte(0);
  Column& list = *b.columns[1];
  list.children[0]->children[0]->Append<int64_t>(7);
  list.children[0]->children[0]->Append<int64_t>(8);
  list.children[0]->validity.Clear();
  list.children[0]->length = 2;
  list.FinishListRow();
  list.AppendNull();
  b.columns[2]->Append<int64_t>(1);
  b.columns[2]->Append<int64_t>(2);

  Schema target{{F("a", DataType::Int64()), F("b", DataType::String()),
                 F("s", DataType::Struct({F("x", DataType::String()), F("y", DataType::Boolean())})),
                 F("l", DataType::List(DataType::Struct({F("p", DataType::Double()), F("q", DataType::Int64())})))}};
  Schema merged;
  ASSERT_TRUE(MergeSchemas(target, b.schema, &merged));
  ASSERT_TRUE(SameSchema(merged, target));
  RecordBatch out = ConformBatch(std::move(b), target);
  ASSERT_TRUE(SameSchema(out.schema, target));
  ASSERT_EQ(out.num_rows, 2);
  std::string r0, r1;
  AppendJsonRow(out, 0, &r0);
  AppendJsonRow(out, 1, &r1);
  EXPECT_EQ(r0, R"({"a":1,"b":null,"s":{"x":null,"y":true},"l":[{"p":null,"q":7},{"p":null,"q":8}]})");
  EXPECT_EQ(r1, R"({"a":2,"b":null,"s":null,"l":null})");
}

}  // namespace
}  // namespace lakewatch::ingest
