// Test fixture shared by the writer's unit tests (transaction_test.cc,
// log_store_test.cc, maintenance_test.cc): a table in a fresh temporary
// directory, Parquet inputs of known ids, and file ages set by hand. Not part
// of the library (header only, included by tests alone).
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "common/time.h"
#include "delta/table.h"
#include "parquet/file_writer.h"

namespace lakewatch::delta {

class WriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = (std::filesystem::temp_directory_path() /
            ("lw-writer-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++)))
               .string();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ + "/input");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // id long, p string.
  static Schema TestSchema() {
    return Schema{
        {Field{"id", DataType::Int64(), true, {}}, Field{"p", DataType::String(), true, {}}}};
  }

  // Creates `dir_/t` (partitioned by p when asked) with `configuration`.
  DeltaTable CreateTable(bool partitioned = false, StringMap configuration = {}) {
    DeltaTable t(dir_ + "/t");
    CreateOptions o;
    if (partitioned) o.partition_columns = {"p"};
    o.configuration = std::move(configuration);
    auto r = t.Create(TestSchema(), o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return t;
  }

  // A Parquet file of ids [first, first + n) with p = `p`, outside the table;
  // with `extra`, also a string column of that name (schema evolution).
  std::string WriteIds(int64_t first, int64_t n, const std::string& p = "x",
                       const std::string& extra = "") {
    Schema schema = TestSchema();
    if (!extra.empty()) schema.fields.push_back(Field{extra, DataType::String(), true, {}});
    RecordBatch b = RecordBatch::Empty(schema);
    for (int64_t i = 0; i < n; ++i) {
      b.columns[0]->Append<int64_t>(first + i);
      b.columns[1]->AppendString(p);
      if (!extra.empty()) b.columns[2]->AppendString(extra);
    }
    b.num_rows = n;
    std::string path = dir_ + "/input/" + std::to_string(inputs_++) + ".parquet";
    auto w = parquet::ParquetFileWriter::Open(path, schema);
    EXPECT_TRUE(w.ok());
    EXPECT_TRUE((*w)->WriteBatch(b).ok());
    EXPECT_TRUE((*w)->Close().ok());
    return path;
  }

  // Appends ids [first, first + n) in one commit; returns its result.
  CommitResult Append(const DeltaTable& t, int64_t first, int64_t n, const std::string& p = "x",
                      std::optional<Txn> txn = std::nullopt) {
    auto r = t.AppendParquetFiles({WriteIds(first, n, p)}, txn);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : CommitResult{};
  }

  // Every id in the table, sorted.
  static std::vector<int64_t> Ids(const DeltaTable& t) {
    std::vector<int64_t> ids;
    auto snap = t.Load();
    EXPECT_TRUE(snap.ok()) << snap.status().ToString();
    if (!snap.ok()) return ids;
    ScanOptions o;
    o.columns = {"id"};
    auto batches = t.Scan(**snap, o);
    EXPECT_TRUE(batches.ok()) << batches.status().ToString();
    if (!batches.ok()) return ids;
    for (const RecordBatch& b : *batches) {
      for (int64_t i = 0; i < b.num_rows; ++i) ids.push_back(b.columns[0]->Value<int64_t>(i));
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  static std::vector<int64_t> Range(int64_t first, int64_t n) {
    std::vector<int64_t> v;
    for (int64_t i = 0; i < n; ++i) v.push_back(first + i);
    return v;
  }

  // Sets a file's modification time `days` days into the past.
  static void AgeFile(const std::string& path, double days) {
    struct timespec ts[2];
    int64_t ms = NowMillis() - static_cast<int64_t>(days * 86400000.0);
    ts[0].tv_sec = ts[1].tv_sec = ms / 1000;
    ts[0].tv_nsec = ts[1].tv_nsec = (ms % 1000) * 1000000;
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), ts, 0), 0) << path;
  }

  static bool Exists(const std::string& path) { return std::filesystem::exists(path); }

  std::string dir_;
  std::atomic<int> inputs_{0};
};

}  // namespace lakewatch::delta
