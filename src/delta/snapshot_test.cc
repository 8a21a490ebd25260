// Log replay across a checkpoint and the commits after it.
#include "delta/snapshot.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/time.h"
#include "delta/log_store.h"
#include "delta/transaction.h"
#include "parquet/file_reader.h"

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

TEST_F(SnapshotTest, CheckpointOfSeveralRowGroupsLoadsAsTheCommitsDo) {
  // More files than a checkpoint row group holds, so WriteCheckpoint writes several and Load
  // reads them in parallel; tombstones (recent, so kept) and a txn sit in other rows.
  const int64_t n = 2 * kCheckpointRowGroupRows + 1000;
  std::vector<std::string> adds;
  for (int64_t i = 0; i < n; ++i) {
    char name[32];
    std::snprintf(name, sizeof(name), i % 1000 == 0 ? "f%%20%06lld" : "f%06lld",
                  static_cast<long long>(i));
    adds.push_back(Add(name, i + 1));
    if (i % 3 == 0) {  // stats on every third file
      const std::string stats = R"(,"stats":"{\"numRecords\":)" + std::to_string(i) + R"(}"}})";
      adds.back().replace(adds.back().size() - 2, 2, stats);
    }
  }
  Commit(0, adds);
  const std::string now = std::to_string(NowMillis());
  std::vector<std::string> removes;
  for (int64_t i = 1; i < n; i += 7) {
    if (i % 1000 == 0) continue;  // an encoded path
    char name[32];
    std::snprintf(name, sizeof(name), "f%06lld", static_cast<long long>(i));
    removes.push_back(R"({"remove":{"path":")" + std::string(name) + R"(","deletionTimestamp":)" +
                      now + R"(,"dataChange":true}})");
  }
  removes.push_back(R"({"txn":{"appId":"app","version":7}})");
  Commit(1, removes);
  auto json = Snapshot::Load(*store_);
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  ASSERT_TRUE(WriteCheckpoint(*store_, **json).ok());
  auto reader = parquet::ParquetFileReader::Open(store_->log_dir() +
                                                 "/00000000000000000001.checkpoint.parquet");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_GE((*reader)->num_row_groups(), 3);

  auto cp = Snapshot::Load(*store_);
  ASSERT_TRUE(cp.ok()) << cp.status().ToString();
  EXPECT_EQ((*cp)->checkpoint_version(), 1);
  const Snapshot& a = **json;
  const Snapshot& b = **cp;
  EXPECT_EQ(b.files().size(), static_cast<size_t>(n) - (removes.size() - 1));
  ASSERT_EQ(Paths(b), Paths(a));
  for (size_t i = 0; i < a.files().size(); ++i) {
    EXPECT_EQ(b.files()[i].add.path, a.files()[i].add.path);
    ASSERT_EQ(b.files()[i].add.size, a.files()[i].add.size) << b.files()[i].path;
    ASSERT_EQ(b.files()[i].add.stats, a.files()[i].add.stats) << b.files()[i].path;
  }
  auto file = [&](const std::string& path) -> const LiveFile& {
    return *std::find_if(b.files().begin(), b.files().end(),
                         [&](const LiveFile& f) { return f.path == path; });
  };
  ASSERT_TRUE(file("f000003").add.stats.has_value());
  EXPECT_FALSE(file("f000002").add.stats.has_value());
  EXPECT_EQ(*file("f000003").add.stats, R"({"numRecords":3})");
  EXPECT_EQ(b.files().front().path, "f 000000");
  EXPECT_EQ(Tombstones(b), Tombstones(a));
  EXPECT_EQ(b.tombstones().size(), removes.size() - 1);
  EXPECT_EQ(b.TxnVersion("app"), std::optional<int64_t>(7));
  EXPECT_TRUE(b.CheckReadable().ok());

  // ReadCheckpoint alone lists the same adds, in the checkpoint's order.
  auto listing = store_->List();
  ASSERT_TRUE(listing.ok());
  auto actions = ReadCheckpoint(*store_, {listing->checkpoints.back()});
  ASSERT_TRUE(actions.ok()) << actions.status().ToString();
  ASSERT_EQ(actions->adds.size(), b.files().size());
  EXPECT_EQ(actions->adds.back().path, b.files().back().add.path);
  EXPECT_EQ(actions->removes.size(), b.tombstones().size());
  EXPECT_TRUE(actions->protocol.has_value());
  EXPECT_TRUE(actions->metadata.has_value());

  // A copy of an add outlives the snapshot whose checkpoint column its stats view into.
  AddFile kept = file("f000006").add;
  cp->reset();
  actions = Status::Internal("dropped");
  ASSERT_TRUE(kept.stats.has_value());
  EXPECT_EQ(*kept.stats, R"({"numRecords":6})");
}

}  // namespace
}  // namespace lakewatch::delta
