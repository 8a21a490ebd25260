#include "delta/transaction.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "delta/writer_test_fixture.h"

namespace lakewatch::delta {
namespace {

class TransactionTest : public WriterTest {
 protected:
  void SetUp() override {
    WriterTest::SetUp();
    table_ = std::make_unique<DeltaTable>(CreateTable());
  }

  std::shared_ptr<const Snapshot> Latest() const {
    auto s = Snapshot::Load(table_->store());
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return *s;
  }

  static AddFile Add(const std::string& path, bool data_change = true) {
    AddFile a;
    a.path = path;
    a.size = 100;
    a.modification_time = 1;
    a.data_change = data_change;
    return a;
  }
  static RemoveFile Remove(const std::string& path, bool data_change = true) {
    RemoveFile r;
    r.path = path;
    r.deletion_timestamp = NowMillis();
    r.data_change = data_change;
    return r;
  }

  // Commits one add from `read` (the latest snapshot when null).
  Result<CommitResult> CommitAdd(const std::string& path,
                                 std::shared_ptr<const Snapshot> read = nullptr,
                                 std::optional<Txn> txn = std::nullopt) {
    Transaction tx(table_->store(), read ? read : Latest());
    tx.Add(Add(path));
    if (txn) tx.SetTxn(txn->app_id, txn->version);
    return tx.Commit();
  }

  std::unique_ptr<DeltaTable> table_;
};

TEST_F(TransactionTest, BlindAppendRetriesAfterLosingTheRace) {
  auto read = Latest();
  ASSERT_TRUE(CommitAdd("a.parquet", read).ok());  // wins version 1
  auto r = CommitAdd("b.parquet", read);           // read version 0 too
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->version, 2);
  EXPECT_EQ(r->attempts, 2);
  EXPECT_EQ(Latest()->files().size(), 2u);
}

TEST_F(TransactionTest, ConcurrentMetadataChangeConflicts) {
  auto read = Latest();
  Transaction evolve(table_->store(), read);
  Metadata m = read->metadata();
  m.configuration.emplace_back("delta.appendOnly", "true");
  evolve.SetMetadata(m);
  ASSERT_TRUE(evolve.Commit().ok());
  auto r = CommitAdd("a.parquet", read);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(r.status().ToString().find("concurrent modification"), std::string::npos)
      << r.status().ToString();
}

TEST_F(TransactionTest, AppendOnlyTablesRefuseDeletesButAllowRearranging) {
  ASSERT_TRUE(CommitAdd("a.parquet").ok());
  ASSERT_TRUE(CommitAdd("b.parquet").ok());
  {
    Transaction set(table_->store(), Latest());
    Metadata m = Latest()->metadata();
    m.configuration.emplace_back("delta.appendOnly", "true");
    set.SetMetadata(m);
    ASSERT_TRUE(set.Commit().ok());
  }
  Transaction del(table_->store(), Latest());
  del.Remove(Remove("a.parquet"));
  auto refused = del.Commit();
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("append-only"), std::string::npos)
      << refused.status().ToString();
  Transaction compact(table_->store(), Latest());
  compact.Remove(Remove("b.parquet", /*data_change=*/false));
  EXPECT_TRUE(compact.Commit().ok()) << "rearranging (dataChange=false) is allowed";
  EXPECT_TRUE(CommitAdd("c.parquet").ok()) << "appends are allowed";
}

TEST_F(TransactionTest, RemovingTheSameFileTwiceConflicts) {
  ASSERT_TRUE(CommitAdd("a.parquet").ok());
  auto read = Latest();
  Transaction first(table_->store(), read), second(table_->store(), read);
  first.Remove(Remove("a.parquet"));
  second.Remove(Remove("a.parquet"));
  ASSERT_TRUE(first.Commit().ok());
  auto r = second.Commit();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().ToString().find("a.parquet"), std::string::npos) << r.status().ToString();
}

TEST_F(TransactionTest, ReaderConflictsWithConcurrentAppendButNotWithCompaction) {
  ASSERT_TRUE(CommitAdd("a.parquet").ok());
  ASSERT_TRUE(CommitAdd("b.parquet").ok());
  auto read = Latest();
  // A compaction (dataChange=false) commits first: a reader need not care.
  Transaction compact(table_->store(), read);
  compact.Add(Add("ab.parquet", false));
  ASSERT_TRUE(compact.Commit().ok());
  Transaction reader(table_->store(), read);
  reader.SetReadsData(true);
  reader.Add(Add("c.parquet"));
  auto ok = reader.Commit();
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();
  // New data does conflict with a transaction that read the table.
  read = Latest();
  ASSERT_TRUE(CommitAdd("d.parquet", read).ok());
  Transaction late(table_->store(), read);
  late.SetReadsData(true);
  late.Add(Add("e.parquet"));
  EXPECT_FALSE(late.Commit().ok());
}

TEST_F(TransactionTest, CompactionRetriesPastConcurrentBlindAppend) {
  ASSERT_TRUE(CommitAdd("a.parquet").ok());
  ASSERT_TRUE(CommitAdd("b.parquet").ok());
  auto read = Latest();
  ASSERT_TRUE(CommitAdd("c.parquet", read).ok());
  Transaction compact(table_->store(), read);
  compact.Remove(Remove("a.parquet", false));
  compact.Remove(Remove("b.parquet", false));
  compact.Add(Add("ab.parquet", false));
  auto r = compact.Commit();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::set<std::string> live;
  auto latest = Latest();  // held: a range-for over Latest()->files() would dangle
  for (const LiveFile& f : latest->files()) live.insert(f.path);
  EXPECT_EQ(live, (std::set<std::string>{"ab.parquet", "c.parquet"}));
}

TEST_F(TransactionTest, TxnAlreadyInSnapshotIsANoOp) {
  ASSERT_TRUE(CommitAdd("a.parquet", nullptr, Txn{"app", 7, {}}).ok());
  for (int64_t v : {7, 3}) {
    auto r = CommitAdd("again.parquet", nullptr, Txn{"app", v, {}});
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->duplicate);
    EXPECT_EQ(r->version, 1);
  }
  auto r = CommitAdd("next.parquet", nullptr, Txn{"app", 8, {}});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->duplicate);
  EXPECT_EQ(Latest()->files().size(), 2u);
  EXPECT_EQ(Latest()->TxnVersion("app"), 8);
}

TEST_F(TransactionTest, TxnCommittedByConcurrentWinnerIsANoOp) {
  auto read = Latest();
  ASSERT_TRUE(CommitAdd("a.parquet", read, Txn{"app", 1, {}}).ok());
  auto r = CommitAdd("a-retry.parquet", read, Txn{"app", 1, {}});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->duplicate);
  EXPECT_EQ(r->version, 1);
  EXPECT_EQ(Latest()->version(), 1);
  EXPECT_EQ(Latest()->files().size(), 1u);
}

TEST_F(TransactionTest, ThreadsAppendingAtOnceGetContiguousVersions) {
  constexpr int kThreads = 4, kCommits = 15;
  std::vector<std::thread> threads;
  std::vector<std::vector<int64_t>> versions(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCommits; ++i) {
        auto r = CommitAdd("t" + std::to_string(t) + "-" + std::to_string(i) + ".parquet");
        if (r.ok()) versions[t].push_back(r->version);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<int64_t> all;
  for (const auto& v : versions) all.insert(v.begin(), v.end());
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kCommits));
  EXPECT_EQ(*all.begin(), 1);
  EXPECT_EQ(*all.rbegin(), kThreads * kCommits);
  EXPECT_EQ(Latest()->files().size(), static_cast<size_t>(kThreads * kCommits));
}

TEST_F(TransactionTest, CheckpointEveryTenCommitsThenLastCheckpoint) {
  std::vector<int64_t> checkpointed;
  for (int i = 0; i < 25; ++i) {
    auto r = CommitAdd("f" + std::to_string(i) + ".parquet");
    ASSERT_TRUE(r.ok());
    if (r->checkpointed) checkpointed.push_back(r->version);
  }
  EXPECT_EQ(checkpointed, (std::vector<int64_t>{10, 20}));
  auto last = table_->store().ReadLastCheckpoint();
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->version, 20);
  auto snap = Latest();
  EXPECT_EQ(snap->checkpoint_version(), 20);
  EXPECT_EQ(snap->files().size(), 25u);
}

TEST_F(TransactionTest, CheckpointIntervalZeroNeverCheckpoints) {
  for (int i = 0; i < 12; ++i) {
    Transaction tx(table_->store(), Latest());
    tx.Add(Add("f" + std::to_string(i) + ".parquet"));
    tx.SetCheckpointInterval(0);
    auto r = tx.Commit();
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->checkpointed);
  }
  EXPECT_TRUE(table_->store().List()->checkpoints.empty());
}

TEST_F(TransactionTest, CheckpointCarriesTxnsAndFiles) {
  ASSERT_TRUE(CommitAdd("a.parquet", nullptr, Txn{"app", 4, {}}).ok());
  ASSERT_TRUE(WriteCheckpoint(table_->store(), *Latest()).ok());
  auto r = CommitAdd("b.parquet", nullptr, Txn{"app", 4, {}});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->duplicate) << "the txn was lost by the checkpoint";
  EXPECT_EQ(Latest()->checkpoint_version(), 1);
}

// Regression: a slower writer checkpointing an older version moved
// `_last_checkpoint` backwards.
TEST_F(TransactionTest, OlderCheckpointDoesNotMoveLastCheckpointBack) {
  ASSERT_TRUE(CommitAdd("a.parquet").ok());
  auto old = Latest();
  ASSERT_TRUE(CommitAdd("b.parquet").ok());
  ASSERT_TRUE(WriteCheckpoint(table_->store(), *Latest()).ok());
  ASSERT_TRUE(WriteCheckpoint(table_->store(), *old).ok());
  EXPECT_EQ(table_->store().ReadLastCheckpoint()->version, 2);
}

// Regression: log cleanup existed but nothing ever ran it, so expired commit
// files piled up forever. A checkpoint now runs it, as in Delta.
TEST_F(TransactionTest, CheckpointDeletesExpiredCommits) {
  for (int i = 0; i < 12; ++i)
    ASSERT_TRUE(CommitAdd("f" + std::to_string(i) + ".parquet").ok());  // ckpt at 10
  for (int64_t v = 0; v <= 12; ++v) AgeFile(table_->store().CommitPath(v), 40);
  ASSERT_TRUE(WriteCheckpoint(table_->store(), *Latest()).ok());  // at 12
  auto listing = table_->store().List();
  ASSERT_TRUE(listing.ok());
  EXPECT_EQ(listing->commits, (std::vector<int64_t>{12}));
  EXPECT_EQ(Latest()->files().size(), 12u);
}

TEST_F(TransactionTest, RetriedAppendBatchIsSkippedBeforeCopying) {
  ASSERT_TRUE(table_->AppendParquetFiles({WriteIds(0, 5)}, Txn{"app", 1, {}}).ok());
  auto again = table_->AppendParquetFiles({WriteIds(0, 5)}, Txn{"app", 1, {}});
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->version, 1);
  EXPECT_EQ(Ids(*table_), Range(0, 5));
  size_t data_files = 0;
  for (const auto& e : std::filesystem::directory_iterator(table_->path())) {
    data_files += e.path().extension() == ".parquet" ? 1 : 0;
  }
  EXPECT_EQ(data_files, 1u) << "the skipped batch left a copy behind";
}

// Regression: an append that lost the race to another append adding a
// column failed with "concurrent modification" instead of committing
// against the new schema.
TEST_F(TransactionTest, AppendsSurviveConcurrentSchemaEvolution) {
  constexpr int kThreads = 4, kAppends = 5, kRows = 3;
  std::vector<std::thread> threads;
  std::vector<std::string> errors(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAppends; ++i) {
        int64_t first = (t * kAppends + i) * kRows;
        auto r = table_->AppendParquetFiles({WriteIds(first, kRows, "x", "c" + std::to_string(t))});
        if (!r.ok()) errors[t] = r.status().ToString();
      }
    });
  }
  for (auto& th : threads) th.join();
  for (const std::string& e : errors) EXPECT_EQ(e, "");
  auto snap = Latest();
  EXPECT_EQ(snap->version(), kThreads * kAppends);
  for (int t = 0; t < kThreads; ++t)
    EXPECT_GE(snap->schema().FieldIndex("c" + std::to_string(t)), 0);
  EXPECT_EQ(Ids(*table_), Range(0, kThreads * kAppends * kRows));
}

// Regression (found by tests/delta/delta_interop.mjs): a string partition
// value longer than 64 bytes was refused as "not constant", because the
// partition value came from footer statistics, which omit such long bounds.
TEST_F(WriterTest, AppendTakesLongStringPartitionValuesFromTheData) {
  DeltaTable t = CreateTable(/*partitioned=*/true);
  const std::string long_value(65, 'r');
  auto r = t.AppendParquetFiles({WriteIds(0, 3, long_value)});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto snap = t.Load();
  ASSERT_TRUE(snap.ok());
  ASSERT_EQ((*snap)->files().size(), 1u);
  EXPECT_EQ((*snap)->files()[0].add.partition_values.at(0).second, long_value);
  EXPECT_EQ(Ids(t), Range(0, 3));
}

TEST_F(WriterTest, AppendRefusesAFileWithSeveralPartitionValues) {
  DeltaTable t = CreateTable(/*partitioned=*/true);
  Schema schema = TestSchema();
  RecordBatch b = RecordBatch::Empty(schema);
  for (const char* p : {"a", "b"}) {
    b.columns[0]->Append<int64_t>(1);
    b.columns[1]->AppendString(p);
  }
  b.columns[0]->Append<int64_t>(2);
  b.columns[1]->AppendNull();
  b.num_rows = 3;
  const std::string path = dir_ + "/input/mixed.parquet";
  auto w = parquet::ParquetFileWriter::Open(path, schema);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->WriteBatch(b).ok());
  ASSERT_TRUE((*w)->Close().ok());
  auto r = t.AppendParquetFiles({path});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().ToString().find("is not constant"), std::string::npos)
      << r.status().ToString();
  EXPECT_EQ((*t.Load())->version(), 0);
}

}  // namespace
}  // namespace lakewatch::delta
