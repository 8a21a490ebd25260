// Log replay across a checkpoint and the commits after it.
#include "delta/snapshot.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "delta/log_store.h"
#include "delta/transaction.h"

namespace lakewatch::delta {
namespace {

class SnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() /
            ("lw-snapshot-test-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    std::filesystem::remove_all(dir_);
    store_ = std::make_unique<LogStore>(dir_);
    ASSERT_TRUE(store_->CreateLogDir().ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static std::string Add(const std::string& path, int64_t size = 10) {
    return R"({"add":{"path":")" + path + R"(","partitionValues":{},"size":)" +
           std::to_string(size) + R"(,"modificationTime":1,"dataChange":true}})";
  }
  static std::string Remove(const std::string& path) {
    return R"({"remove":{"path":")" + path +
           R"(","deletionTimestamp":2,"dataChange":true}})";
  }
  void Commit(int64_t v, const std::vector<std::string>& lines) {
    std::string content;
    if (v == 0) {
      content +=
          R"({"protocol":{"minReaderVersion":1,"minWriterVersion":2}})"
          "\n"
          R"({"metaData":{"id":"t","format":{"provider":"parquet","options":{}},)"
          R"("schemaString":"{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\",)"
          R"(\"nullable\":true,\"metadata\":{}}]}","partitionColumns":[],"configuration":{},)"
          R"("createdTime":1}})"
          "\n";
    }
    for (const std::string& l : lines) content += l + "\n";
    ASSERT_TRUE(store_->PutCommitIfAbsent(v, content).ok());
  }
  static std::vector<std::string> Paths(const Snapshot& s) {
    std::vector<std::string> out;
    for (const LiveFile& f : s.files()) out.push_back(f.path);
    return out;
  }
  static std::vector<std::string> Tombstones(const Snapshot& s) {
    std::vector<std::string> out;
    for (const RemoveFile& r : s.tombstones()) out.push_back(r.path);
    std::sort(out.begin(), out.end());
    return out;
  }

  std::string dir_;
  std::unique_ptr<LogStore> store_;
};

TEST_F(SnapshotTest, CommitsAfterACheckpointOverrideItsFiles) {
  Commit(0, {Add("a"), Add("b"), Add("c"), Add("z")});
  Commit(1, {Remove("c"), Add("d")});
  auto at1 = Snapshot::Load(*store_);
  ASSERT_TRUE(at1.ok()) << at1.status().ToString();
  ASSERT_TRUE(WriteCheckpoint(*store_, **at1).ok());
  const std::string root =
      std::filesystem::absolute(dir_).lexically_normal().string();
  // An absolute file: URI removes the relative "a"; "c" comes back; "e" comes and goes; an
  // encoded path decodes; "z" is replaced by a newer add of itself.
  Commit(2, {Remove("file://" + root + "/a"), Add("c", 20), Add("e"), Add("z", 99)});
  Commit(3, {Remove("e"), Add("f%20g")});

  auto snap = Snapshot::Load(*store_);
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  EXPECT_EQ((*snap)->checkpoint_version(), 1);
  EXPECT_EQ((*snap)->version(), 3);
  EXPECT_EQ(Paths(**snap), (std::vector<std::string>{"b", "c", "d", "f g", "z"}));
  for (const LiveFile& f : (*snap)->files()) {
    if (f.path == "c") {
      EXPECT_EQ(f.add.size, 20) << "the re-added c";
    }
    if (f.path == "z") {
      EXPECT_EQ(f.add.size, 99) << "the newest add of z";
    }
  }
  EXPECT_EQ(Tombstones(**snap), (std::vector<std::string>{"e", "file://" + root + "/a"}));

  // The same state without the checkpoint (time travel from the JSON commits alone).
  for (const auto& e : std::filesystem::directory_iterator(store_->log_dir())) {
    if (e.path().filename().string().find(".checkpoint.") != std::string::npos) {
      std::filesystem::remove(e.path());
    }
  }
  std::filesystem::remove(store_->log_dir() + "/_last_checkpoint");
  auto json_only = Snapshot::Load(*store_);
  ASSERT_TRUE(json_only.ok()) << json_only.status().ToString();
  EXPECT_EQ((*json_only)->checkpoint_version(), -1);
  EXPECT_EQ(Paths(**json_only), Paths(**snap));
  EXPECT_EQ(Tombstones(**json_only), Tombstones(**snap));
}

TEST_F(SnapshotTest, FilesComeOutSortedByPathWhateverTheLogOrder) {
  Commit(0, {Add("m"), Add("b"), Add("x")});
  Commit(1, {Add("a"), Add("n")});
  auto snap = Snapshot::Load(*store_);
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(Paths(**snap), (std::vector<std::string>{"a", "b", "m", "n", "x"}));
  ASSERT_TRUE(WriteCheckpoint(*store_, **snap).ok());
  Commit(2, {Add("c"), Remove("x"), Add("0")});
  auto after = Snapshot::Load(*store_);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ((*after)->checkpoint_version(), 1);
  EXPECT_EQ(Paths(**after), (std::vector<std::string>{"0", "a", "b", "c", "m", "n"}));
}

}  // namespace
}  // namespace lakewatch::delta
