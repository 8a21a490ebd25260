#include "delta/maintenance.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "delta/writer_test_fixture.h"

namespace lakewatch::delta {
namespace {

namespace fs = std::filesystem;

using MaintenanceTest = WriterTest;

TEST_F(MaintenanceTest, OptimizeCompactsWithDataChangeFalseAndKeepsRowsAndStats) {
  DeltaTable t = CreateTable();
  for (int i = 0; i < 5; ++i) Append(t, i * 10, 10);
  auto r = Optimize(t);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->files_removed, 5);
  EXPECT_EQ(r->files_added, 1);
  EXPECT_EQ(r->version, 6);
  auto commit = ParseCommit(*t.store().ReadCommit(6), 6);
  ASSERT_TRUE(commit.ok());
  EXPECT_EQ(commit->commit_info->operation, "OPTIMIZE");
  ASSERT_EQ(commit->adds.size(), 1u);
  EXPECT_FALSE(commit->adds[0].data_change);
  ASSERT_TRUE(commit->adds[0].stats.has_value());
  EXPECT_NE(commit->adds[0].stats->find("\"numRecords\":50"), std::string::npos)
      << *commit->adds[0].stats;
  for (const RemoveFile& rm : commit->removes) EXPECT_FALSE(rm.data_change);
  EXPECT_EQ(Ids(t), Range(0, 50));
}

TEST_F(MaintenanceTest, OptimizeCompactsEachPartitionSeparately) {
  DeltaTable t = CreateTable(/*partitioned=*/true);
  for (int i = 0; i < 6; ++i) Append(t, i * 10, 10, i % 2 ? "a" : "b");
  Append(t, 100, 1, "c");  // alone in its partition: nothing to compact
  auto r = Optimize(t);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->files_removed, 6);
  EXPECT_EQ(r->files_added, 2);
  auto snap = t.Load();
  ASSERT_TRUE(snap.ok());
  std::set<std::string> partitions;
  for (const LiveFile& f : (*snap)->files())
    partitions.insert(*f.add.partition_values.at(0).second);
  EXPECT_EQ(partitions, (std::set<std::string>{"a", "b", "c"}));
  std::vector<int64_t> want = Range(0, 60);
  want.push_back(100);
  EXPECT_EQ(Ids(t), want);
}

// Regression (found by tests/delta/delta_interop.mjs): table append refused
// a file whose struct column has a new nested field instead of evolving the
// schema; optimize then has to widen the older files' structs.
TEST_F(MaintenanceTest, AppendEvolvesNestedFieldsAndOptimizeWidensOldFiles) {
  auto features = [](bool with_country) {
    std::vector<Field> f = {Field{"amount", DataType::Double(), true, {}}};
    if (with_country) f.push_back(Field{"country", DataType::String(), true, {}});
    return Schema{{Field{"id", DataType::Int64(), true, {}}, Field{"features", DataType::Struct(f), true, {}}}};
  };
  auto write = [&](bool with_country, int64_t id) {
    Schema schema = features(with_country);
    RecordBatch b = RecordBatch::Empty(schema);
    b.columns[0]->Append<int64_t>(id);
    Column& st = *b.columns[1];
    st.children[0]->Append<double>(1.5);
    if (with_country) st.children[1]->AppendString("DE");
    st.FinishStructRow();
    b.num_rows = 1;
    std::string path = dir_ + "/input/nested-" + std::to_string(id) + ".parquet";
    auto w = parquet::ParquetFileWriter::Open(path, schema);
    EXPECT_TRUE(w.ok() && (*w)->WriteBatch(b).ok() && (*w)->Close().ok());
    return path;
  };
  DeltaTable t(dir_ + "/nested");
  ASSERT_TRUE(t.Create(features(false), CreateOptions{}).ok());
  ASSERT_TRUE(t.AppendParquetFiles({write(false, 1)}).ok());
  auto evolved = t.AppendParquetFiles({write(true, 2)});
  ASSERT_TRUE(evolved.ok()) << evolved.status().ToString();
  auto snap = t.Load();
  ASSERT_TRUE(snap.ok());
  EXPECT_TRUE((*snap)->schema().fields[1].type->Equals(*features(true).fields[1].type))
      << (*snap)->schema().fields[1].type->ToString();
  auto optimized = Optimize(t);
  ASSERT_TRUE(optimized.ok()) << optimized.status().ToString();
  EXPECT_EQ(optimized->files_removed, 2);
  snap = t.Load();
  ASSERT_TRUE(snap.ok());
  auto batches = t.Scan(**snap, ScanOptions{});
  ASSERT_TRUE(batches.ok()) << batches.status().ToString();
  std::map<int64_t, bool> country_null;
  for (const RecordBatch& b : *batches) {
    for (int64_t r = 0; r < b.num_rows; ++r) {
      country_null[b.columns[0]->Value<int64_t>(r)] = !b.columns[1]->children[1]->IsValid(r);
    }
  }
  EXPECT_EQ(country_null, (std::map<int64_t, bool>{{1, true}, {2, false}}));
  // A field of another type is still refused.
  Schema clash = features(false);
  clash.fields[1].type = DataType::Struct({Field{"amount", DataType::String(), true, {}}});
  RecordBatch b = RecordBatch::Empty(clash);
  b.columns[0]->Append<int64_t>(3);
  b.columns[1]->children[0]->AppendString("x");
  b.columns[1]->FinishStructRow();
  b.num_rows = 1;
  auto w = parquet::ParquetFileWriter::Open(dir_ + "/input/clash.parquet", clash);
  ASSERT_TRUE(w.ok() && (*w)->WriteBatch(b).ok() && (*w)->Close().ok());
  auto refused = t.AppendParquetFiles({dir_ + "/input/clash.parquet"});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().ToString().find("features.amount"), std::string::npos) << refused.status().ToString();
}

TEST_F(MaintenanceTest, OptimizeWithNothingToCompactCommitsNothing) {
  DeltaTable t = CreateTable();
  Append(t, 0, 10);
  auto r = Optimize(t);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->version, -1);
  EXPECT_EQ((*t.Load())->version(), 1);
}

TEST_F(MaintenanceTest, VacuumDeletesOnlyUnreferencedFilesPastTheRetention) {
  DeltaTable t = CreateTable();
  for (int i = 0; i < 3; ++i) Append(t, i * 10, 10);
  ASSERT_TRUE(Optimize(t).ok());
  std::ofstream(t.path() + "/part-orphan.parquet") << "left by a crashed writer";
  AgeFile(t.path() + "/part-orphan.parquet", 1);
  // Retention 0 keeps what was removed or written in this very millisecond.
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  // Default retention: everything is younger than 7 days.
  auto none = Vacuum(t, VacuumOptions{});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->files.empty());
  // Retention 0, dry run: lists the 3 compacted files and the orphan, deletes nothing.
  auto dry = Vacuum(t, VacuumOptions{0, true, true});
  ASSERT_TRUE(dry.ok());
  EXPECT_EQ(dry->files.size(), 4u);
  for (const std::string& f : dry->files) EXPECT_TRUE(Exists(t.path() + "/" + f));
  auto done = Vacuum(t, VacuumOptions{0, false, true});
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->files, dry->files);
  for (const std::string& f : done->files) EXPECT_FALSE(Exists(t.path() + "/" + f));
  EXPECT_EQ(Ids(t), Range(0, 30));  // every live file is still there
}

// Regression: `vacuum --retain-hours 0` ran while an append was between copying its data
// files and committing them, deleted those files, and the commit then named missing files.
// As in Delta, a retention below delta.deletedFileRetentionDuration needs an override.
TEST_F(MaintenanceTest, VacuumRefusesARetentionBelowTheTablesUnlessForced) {
  DeltaTable t = CreateTable();
  Append(t, 0, 10);
  auto refused = Vacuum(t, VacuumOptions{1, true, false});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("deletedFileRetentionDuration (168 hours)"),
            std::string::npos)
      << refused.status().ToString();
  EXPECT_TRUE(Vacuum(t, VacuumOptions{1, true, true}).ok());
  EXPECT_TRUE(Vacuum(t, VacuumOptions{168, true, false}).ok());
}

// Regression: checkpoints kept tombstones for 7 days whatever the table's
// delta.deletedFileRetentionDuration said.
TEST_F(MaintenanceTest, CheckpointKeepsTombstonesForTheTablesRetention) {
  for (const char* retention : {"interval 1 weeks", "interval 0 seconds"}) {
    SCOPED_TRACE(retention);
    std::filesystem::remove_all(dir_ + "/t");
    DeltaTable t = CreateTable(false, {{"delta.deletedFileRetentionDuration", retention}});
    for (int i = 0; i < 3; ++i) Append(t, i * 10, 10);
    ASSERT_TRUE(Optimize(t).ok());  // removes the three small files
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    auto snap = t.Load();
    ASSERT_TRUE(snap.ok());
    ASSERT_TRUE(WriteCheckpoint(t.store(), **snap).ok());
    auto listing = t.store().List();
    ASSERT_TRUE(listing.ok());
    ASSERT_FALSE(listing->checkpoints.empty());
    auto actions = ReadCheckpoint(t.store(), {listing->checkpoints.back()});
    ASSERT_TRUE(actions.ok()) << actions.status().ToString();
    EXPECT_EQ(actions->removes.size(), std::string(retention) == "interval 0 seconds" ? 0u : 3u);
  }
}

TEST_F(MaintenanceTest, VacuumRetentionCheckFollowsTheTableProperty) {
  DeltaTable shorter = CreateTable(false, {{"delta.deletedFileRetentionDuration", "interval 2 hours"}});
  EXPECT_TRUE(Vacuum(shorter, VacuumOptions{2, true, false}).ok());
  EXPECT_FALSE(Vacuum(shorter, VacuumOptions{1, true, false}).ok());
}

// Regression: vacuum judged removed files by their modification time, so a
// file written long ago but removed just now (by optimize) was deleted at
// once, breaking time travel to the versions before the removal.
TEST_F(MaintenanceTest, VacuumKeepsFilesRemovedWithinTheRetention) {
  DeltaTable t = CreateTable();
  for (int i = 0; i < 3; ++i) Append(t, i * 10, 10);
  auto before = t.Load();
  ASSERT_TRUE(before.ok());
  for (const LiveFile& f : (*before)->files()) AgeFile(t.DataPath(f.path), 30);
  ASSERT_TRUE(Optimize(t).ok());  // removes the three 30-day-old files now
  auto r = Vacuum(t, VacuumOptions{});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->files.empty()) << r->files.size() << " files deleted, first " << r->files[0];
  auto old = t.Load(SnapshotOptions{3, std::nullopt});
  ASSERT_TRUE(old.ok());
  for (const LiveFile& f : (*old)->files()) EXPECT_TRUE(Exists(t.DataPath(f.path))) << f.path;
}

TEST_F(MaintenanceTest, CleanupLogKeepsEverythingWithinTheRetention) {
  DeltaTable t = CreateTable();
  for (int i = 0; i < 15; ++i) Append(t, i, 1);
  auto n = CleanupLog(t, NowMillis());
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0);
  EXPECT_EQ(t.store().List()->commits.size(), 16u);
}

// Regression: cleanup deleted every expired file before the newest
// checkpoint — including the older checkpoint that versions still inside
// the retention needed, so time travel to them broke.
TEST_F(MaintenanceTest, CleanupKeepsTheCheckpointRetainedVersionsNeed) {
  DeltaTable t = CreateTable();
  for (int i = 0; i < 24; ++i) Append(t, i, 1);  // checkpoints at 10 and 20
  const LogStore& s = t.store();
  for (int64_t v = 0; v <= 14; ++v) AgeFile(s.CommitPath(v), 40);
  AgeFile(s.log_dir() + "/00000000000000000010.checkpoint.parquet", 40);
  auto n = CleanupLog(t, NowMillis());
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 10);  // commits 0..9
  auto listing = s.List();
  EXPECT_EQ(listing->commits.front(), 10);
  EXPECT_EQ(listing->checkpoints.front().version, 10);
  for (int64_t v : {10, 12, 15, 19, 24}) {
    auto snap = t.Load(SnapshotOptions{v, std::nullopt});
    ASSERT_TRUE(snap.ok()) << "version " << v << ": " << snap.status().ToString();
    EXPECT_EQ((*snap)->files().size(), static_cast<size_t>(v));
  }
}

TEST_F(MaintenanceTest, CleanupHonoursLogRetentionAndTheOffSwitch) {
  DeltaTable t = CreateTable(false, {{"delta.logRetentionDuration", "interval 1 hours"}});
  for (int i = 0; i < 11; ++i) Append(t, i, 1);
  for (int64_t v = 0; v <= 10; ++v) AgeFile(t.store().CommitPath(v), 0.1);  // 2.4 hours
  auto n = CleanupLog(t, NowMillis());
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 10);

  DeltaTable off(dir_ + "/off");
  CreateOptions o;
  o.configuration = {{"delta.enableExpiredLogCleanup", "false"}};
  ASSERT_TRUE(off.Create(TestSchema(), o).ok());
  for (int i = 0; i < 11; ++i) Append(off, i, 1);
  for (int64_t v = 0; v <= 10; ++v) AgeFile(off.store().CommitPath(v), 40);
  EXPECT_EQ(*CleanupLog(off, NowMillis()), 0);
}

// Regression: temporaries of crashed writers in `_delta_log` were never
// deleted (vacuum does not look there).
TEST_F(MaintenanceTest, CleanupDeletesStaleTemporariesOnly) {
  DeltaTable t = CreateTable();
  const std::string old_tmp = t.store().log_dir() + "/.tmp-00000000000000000001.json-1-2-3";
  const std::string old_cp =
      t.store().log_dir() + "/.00000000000000000010.checkpoint.parquet.tmp-1-2";
  const std::string fresh = t.store().log_dir() + "/.tmp-00000000000000000002.json-4-5-6";
  for (const auto& p : {old_tmp, old_cp, fresh}) std::ofstream(p) << "partial";
  AgeFile(old_tmp, 0.5);
  AgeFile(old_cp, 0.5);
  auto n = CleanupLog(t, NowMillis());
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2);
  EXPECT_FALSE(Exists(old_tmp));
  EXPECT_FALSE(Exists(old_cp));
  EXPECT_TRUE(Exists(fresh));
}

}  // namespace
}  // namespace lakewatch::delta
