// Regression tests of the read side (Snapshot::Load, CheckReadable,
// DeltaTable::Scan) for bugs the golden-table conformance test
// (tests/delta/delta_golden.mjs) found. Each table is built by hand: data
// files written with the Parquet writer, the log written as JSON lines, so a
// test can give the log a schema the data files do not store exactly.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "delta/actions.h"
#include "delta/schema_json.h"
#include "delta/table.h"
#include "delta/writer_test_fixture.h"
#include "parquet/file_writer.h"

namespace lakewatch::delta {
namespace {

// A hand-made table in `table_`, inside the writer tests' temporary directory.
class ScanTest : public WriterTest {
 protected:
  void SetUp() override {
    WriterTest::SetUp();
    table_ = dir_ + "/t";
    std::filesystem::create_directories(table_ + "/_delta_log");
  }

  // Writes `batch` as the table's data file `name`.
  void WriteData(const std::string& name, const RecordBatch& batch) {
    auto w = parquet::ParquetFileWriter::Open(table_ + "/" + name, batch.schema);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    ASSERT_TRUE((*w)->WriteBatch(batch).ok());
    ASSERT_TRUE((*w)->Close().ok());
  }

  // Writes commit 0: `protocol`, metaData with `table_schema`, one add per file.
  void WriteLog(const Schema& table_schema, const std::vector<std::string>& files,
                Protocol protocol = {}) {
    Metadata m;
    m.id = "test";
    m.schema_string = SchemaToJson(table_schema);
    std::string log = ToJson(protocol) + "\n" + ToJson(m) + "\n";
    for (const std::string& f : files) {
      AddFile add;
      add.path = f;
      log += ToJson(add) + "\n";
    }
    std::ofstream(table_ + "/_delta_log/00000000000000000000.json") << log;
  }

  Result<std::vector<RecordBatch>> ScanAll() {
    DeltaTable table(table_);
    LW_ASSIGN_OR_RETURN(auto snap, table.Load());
    return table.Scan(*snap, ScanOptions{});
  }

  std::string table_;
};

// delta-rs (arrow) writes `timestamp` columns as Parquet TIMESTAMP without
// UTC adjustment (read as timestamp_ntz); Delta readers take the values as
// UTC instants. Found on delta-rs/data/http_requests and issue_1374.
TEST_F(ScanTest, TimestampStoredWithoutUtcAdjustmentReadsAsTimestamp) {
  Schema file_schema{{Field{"ts", DataType::TimestampNtz(), true, {}}}};
  RecordBatch b = RecordBatch::Empty(file_schema);
  b.columns[0]->Append<int64_t>(1681344000123456);
  b.columns[0]->AppendNull();
  b.num_rows = 2;
  WriteData("a.parquet", b);
  WriteLog(Schema{{Field{"ts", DataType::Timestamp(), true, {}}}}, {"a.parquet"});

  auto batches = ScanAll();
  ASSERT_TRUE(batches.ok()) << batches.status().ToString();
  ASSERT_EQ(batches->size(), 1u);
  const Column& ts = *(*batches)[0].columns[0];
  EXPECT_EQ(ts.type->id(), TypeId::kTimestamp);
  ASSERT_EQ(ts.length, 2);
  EXPECT_EQ(ts.Value<int64_t>(0), 1681344000123456);
  EXPECT_TRUE(ts.IsNull(1));
}

// A map/list whose values the file declares required while the table says
// they may be null (or the other way round) is the same data. Found on
// golden_data/hive/delta/deltatbl-map-types-correctly ("stores column 'c14'
// as map<string,bigint>, the table as map<string,bigint>").
TEST_F(ScanTest, NestedColumnWithOtherNullabilityReads) {
  Schema file_schema{
      {Field{"m", DataType::Map(DataType::String(), DataType::Int64(), false), true, {}},
       Field{"l", DataType::List(DataType::Int32(), false), true, {}}}};
  RecordBatch b = RecordBatch::Empty(file_schema);
  b.columns[0]->children[0]->AppendString("k");
  b.columns[0]->children[1]->Append<int64_t>(7);
  b.columns[0]->FinishListRow();
  b.columns[1]->children[0]->Append<int32_t>(1);
  b.columns[1]->children[0]->Append<int32_t>(2);
  b.columns[1]->FinishListRow();
  b.num_rows = 1;
  WriteData("a.parquet", b);
  Schema table_schema{
      {Field{"m", DataType::Map(DataType::String(), DataType::Int64(), true), true, {}},
       Field{"l", DataType::List(DataType::Int32(), true), true, {}}}};
  WriteLog(table_schema, {"a.parquet"});

  auto batches = ScanAll();
  ASSERT_TRUE(batches.ok()) << batches.status().ToString();
  ASSERT_EQ(batches->size(), 1u);
  const RecordBatch& out = (*batches)[0];
  ASSERT_EQ(out.num_rows, 1);
  EXPECT_TRUE(out.columns[0]->type->Equals(*table_schema.fields[0].type));
  EXPECT_EQ(out.columns[0]->children[1]->Value<int64_t>(0), 7);
  EXPECT_EQ(out.columns[1]->ListEnd(0) - out.columns[1]->ListBegin(0), 2);
  EXPECT_EQ(out.columns[1]->children[0]->Value<int32_t>(1), 2);
}

// A stored type the table cannot take stays an error naming the column.
TEST_F(ScanTest, IncompatibleStoredTypeIsRefused) {
  Schema file_schema{{Field{"s", DataType::String(), true, {}}}};
  RecordBatch b = RecordBatch::Empty(file_schema);
  b.columns[0]->AppendString("text");
  b.num_rows = 1;
  WriteData("a.parquet", b);
  WriteLog(Schema{{Field{"s", DataType::Int64(), true, {}}}}, {"a.parquet"});

  auto batches = ScanAll();
  ASSERT_FALSE(batches.ok());
  EXPECT_EQ(batches.status().code(), StatusCode::kNotSupported);
  EXPECT_NE(batches.status().message().find("column 's' is stored as string"), std::string::npos)
      << batches.status().ToString();
}

// Reader version 2 is column mapping; lakewatch does not implement it, so
// such a table is refused even when no mapping mode is set (Delta's readers
// check the version). Found on delta-rs/data/delta-live-table.
TEST_F(ScanTest, ReaderVersion2WithoutMappingModeIsRefused) {
  WriteLog(Schema{{Field{"a", DataType::Int64(), true, {}}}}, {}, Protocol{2, 5, {}, {}});
  DeltaTable table(table_);
  auto snap = table.Load();
  ASSERT_FALSE(snap.ok());
  EXPECT_EQ(snap.status().code(), StatusCode::kNotSupported);
  EXPECT_NE(snap.status().message().find("reader version 2 (column mapping, mode none)"),
            std::string::npos)
      << snap.status().ToString();
}

// A _delta_log holding only a checksum file is not a table. Found on
// delta-kernel-rs/data/crc-malformed.
TEST_F(ScanTest, LogWithoutCommitsIsNotATable) {
  std::ofstream(table_ + "/_delta_log/00000000000000000000.crc") << "{not json";
  DeltaTable table(table_);
  auto snap = table.Load();
  ASSERT_FALSE(snap.ok());
  EXPECT_EQ(snap.status().code(), StatusCode::kNotFound);
  EXPECT_NE(snap.status().message().find("no commit or checkpoint file"), std::string::npos)
      << snap.status().ToString();
}

// Delta keys files by canonical path: a file added by its relative path and
// removed by its absolute file: URI (or the other way round) is gone.
TEST_F(ScanTest, RemoveByAbsoluteUriMatchesRelativeAdd) {
  WriteLog(Schema{{Field{"a", DataType::Int64(), true, {}}}}, {"x%20y.parquet", "z.parquet"});
  const std::string abs = std::filesystem::absolute(table_).lexically_normal().string();
  RemoveFile rm;
  rm.path = "file:" + EncodePath(abs + "/x y.parquet");
  std::ofstream(table_ + "/_delta_log/00000000000000000001.json") << ToJson(rm) << "\n";

  auto snap = Snapshot::Load(LogStore(table_));
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  ASSERT_EQ((*snap)->files().size(), 1u);
  EXPECT_EQ((*snap)->files()[0].path, "z.parquet");
  EXPECT_EQ((*snap)->tombstones().size(), 1u);
}

// With in-commit timestamps, time travel by timestamp goes by them, not by
// the commit files' modification times (here deliberately the other way
// round: the older commit has the newer mtime).
TEST_F(ScanTest, TimestampTravelUsesInCommitTimestamps) {
  WriteLog(Schema{{Field{"a", DataType::Int64(), true, {}}}}, {});
  const std::string v0 = table_ + "/_delta_log/00000000000000000000.json";
  const std::string v1 = table_ + "/_delta_log/00000000000000000001.json";
  std::string log0;
  {
    std::ifstream in(v0);
    log0.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::ofstream(v0) << "{\"commitInfo\":{\"inCommitTimestamp\":1000000,\"timestamp\":1}}\n" << log0;
  std::ofstream(v1) << "{\"commitInfo\":{\"inCommitTimestamp\":2000000,\"timestamp\":2}}\n";
  auto set_mtime = [](const std::string& path, time_t seconds) {
    std::filesystem::last_write_time(path, std::filesystem::file_time_type::clock::now() -
                                               std::chrono::seconds(std::time(nullptr) - seconds));
  };
  set_mtime(v0, 5000000);
  set_mtime(v1, 10);

  // The version loaded at `ms`, or -1 when the load fails.
  auto at = [&](int64_t ms) -> int64_t {
    SnapshotOptions o;
    o.timestamp_ms = ms;
    auto snap = Snapshot::Load(LogStore(table_), o);
    return snap.ok() ? (*snap)->version() : -1;
  };
  EXPECT_EQ(at(1500000), 0);
  EXPECT_EQ(at(2000000), 1);
  EXPECT_EQ(at(999999), -1);
}

}  // namespace
}  // namespace lakewatch::delta
