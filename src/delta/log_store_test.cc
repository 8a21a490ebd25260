#include "delta/log_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "delta/writer_test_fixture.h"

namespace lakewatch::delta {
namespace {

namespace fs = std::filesystem;

class LogStoreTest : public WriterTest {
 protected:
  void SetUp() override {
    WriterTest::SetUp();
    ASSERT_TRUE(store().CreateLogDir().ok());
  }
  LogStore store() const { return LogStore(dir_ + "/t"); }

  // Names in the log directory that start with '.' (temporaries).
  std::vector<std::string> Hidden() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(store().log_dir())) {
      std::string n = e.path().filename().string();
      if (n[0] == '.') out.push_back(n);
    }
    return out;
  }
};

TEST_F(LogStoreTest, PutCommitIfAbsentNeverOverwrites) {
  ASSERT_TRUE(store().PutCommitIfAbsent(0, "first\n").ok());
  Status st = store().PutCommitIfAbsent(0, "second\n");
  EXPECT_EQ(st.code(), StatusCode::kAlreadyExists) << st.ToString();
  EXPECT_EQ(*store().ReadCommit(0), "first\n");
  EXPECT_TRUE(Hidden().empty()) << "a temporary was left behind";
}

TEST_F(LogStoreTest, ConcurrentPutIfAbsentHasExactlyOneWinner) {
  constexpr int kThreads = 8;
  for (int64_t v = 0; v < 20; ++v) {
    std::atomic<int> winners{0}, losers{0}, winner{-1};
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        Status st = store().PutCommitIfAbsent(v, "writer " + std::to_string(i) + "\n");
        if (st.ok()) {
          ++winners;
          winner = i;
        } else if (st.code() == StatusCode::kAlreadyExists) {
          ++losers;
        }
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(winners, 1);
    EXPECT_EQ(losers, kThreads - 1);
    EXPECT_EQ(*store().ReadCommit(v), "writer " + std::to_string(winner) + "\n");
  }
  auto listing = store().List();
  ASSERT_TRUE(listing.ok());
  EXPECT_EQ(listing->commits.size(), 20u);
  EXPECT_TRUE(Hidden().empty());
}

TEST_F(LogStoreTest, ListIgnoresTemporariesAndClassifiesCheckpoints) {
  for (const char* name :
       {".tmp-00000000000000000001.json-1-2-3", ".00000000000000000001.checkpoint.parquet.tmp-4-5",
        ".00000000000000000000.json.crc", "00000000000000000000.json", "00000000000000000001.json",
        "00000000000000000001.checkpoint.parquet",
        "00000000000000000002.checkpoint.0000000001.0000000002.parquet", "_last_checkpoint"}) {
    std::ofstream(store().log_dir() + "/" + name) << "x";
  }
  auto listing = store().List();
  ASSERT_TRUE(listing.ok());
  EXPECT_EQ(listing->commits, (std::vector<int64_t>{0, 1}));
  ASSERT_EQ(listing->checkpoints.size(), 2u);
  EXPECT_EQ(listing->checkpoints[0].version, 1);
  EXPECT_EQ(listing->checkpoints[0].parts, 0);
  EXPECT_EQ(listing->checkpoints[1].part, 1);
  EXPECT_EQ(listing->checkpoints[1].parts, 2);
  EXPECT_TRUE(listing->has_last_checkpoint);
}

TEST_F(LogStoreTest, ReplaceLogFileReplacesAtomically) {
  ASSERT_TRUE(store().ReplaceLogFile("_last_checkpoint", R"({"version":10,"size":3})").ok());
  ASSERT_TRUE(
      store().ReplaceLogFile("_last_checkpoint", R"({"version":20,"size":4,"parts":2})").ok());
  auto last = store().ReadLastCheckpoint();
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->version, 20);
  EXPECT_EQ(last->parts, 2);
  EXPECT_TRUE(Hidden().empty());
}

TEST_F(LogStoreTest, CorruptLastCheckpointReadsAsMissing) {
  std::ofstream(store().log_dir() + "/_last_checkpoint") << "{\"version\":";
  EXPECT_FALSE(store().ReadLastCheckpoint().has_value());
}

// Regression: data files were fsynced but not their directories, so a commit
// could name a file whose directory entry a power loss would drop.
TEST_F(LogStoreTest, SyncDirsOfCoversEveryPartitionDirectory) {
  fs::create_directories(dir_ + "/t/a=1/b=2");
  std::ofstream(dir_ + "/t/a=1/b=2/f.parquet") << "x";
  std::ofstream(dir_ + "/t/g.parquet") << "x";
  EXPECT_TRUE(SyncDirsOf(dir_ + "/t", {"a=1/b=2/f.parquet", "g.parquet"}).ok());
  Status st = SyncDirsOf(dir_ + "/t", {"missing=1/f.parquet"});
  EXPECT_EQ(st.code(), StatusCode::kIOError) << st.ToString();
}

}  // namespace
}  // namespace lakewatch::delta
