// End-to-end tests of the search index sidecars an ingest writes: one per
// data file, before the commit, answering lookups without missing rows; the
// index configuration stored in the table; vacuum deleting orphans.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "delta/maintenance.h"
#include "delta/table.h"
#include "index/index_config.h"
#include "index/sidecar_file.h"
#include "index/sidecar_reader.h"
#include "index/tokenizer.h"
#include "ingest/ingester.h"
#include "parquet/file_reader.h"

namespace lakewatch::ingest {
namespace {

namespace fs = std::filesystem;

class IngestIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() / ("lw-ingest-index-" + std::to_string(::getpid()))).string();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    table_ = dir_ + "/t";
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Events over two days with messages (common and rare words), errors and
  // request ids.
  std::string WriteEvents(int n) {
    std::mt19937_64 rng(3);
    std::ofstream out(dir_ + "/events.jsonl");
    for (int i = 0; i < n; ++i) {
      out << "{\"timestamp\":\"2025-11-" << (i < n / 2 ? 20 : 21) << "T10:00:00Z\",\"request_id\":\"req-" << i
          << "\",\"message\":\"GET /api/items user=" << rng() % 50 << " took " << rng() % 1000 << "ms"
          << (i % 997 == 0 ? " needle" + std::to_string(i % 3) : "") << "\"";
      if (i % 10 == 0) out << ",\"error\":{\"type\":\"E\",\"message\":\"Timeout after " << i << " tries\"}";
      out << "}\n";
    }
    return dir_ + "/events.jsonl";
  }

  IngestOptions Options() {
    IngestOptions o;
    o.table_path = table_;
    o.threads = 2;
    o.batch_rows = 1000;
    return o;
  }

  std::string dir_, table_;
};

// Every row a lookup must find is covered, for each data file.
TEST_F(IngestIndexTest, EveryCommittedFileHasASidecarThatMissesNoRow) {
  const std::string input = WriteEvents(20000);
  auto summary = Ingest({input}, Options());
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_GT(summary->index_bytes, 0);
  delta::DeltaTable t(table_);
  auto snap = t.Load();
  ASSERT_TRUE(snap.ok());
  ASSERT_EQ((*snap)->files().size(), 2u);  // one per date
  int64_t needle_rows = 0;
  for (const delta::LiveFile& f : (*snap)->files()) {
    auto sidecar = index::SidecarReader::Open(index::SidecarPath(table_, f.path));
    ASSERT_TRUE(sidecar.ok()) << f.path << ": " << sidecar.status().ToString();
    const index::SidecarReader& r = **sidecar;
    EXPECT_EQ(r.data_file_size(), f.add.size);
    EXPECT_NE(r.FindColumn("message", index::IndexKind::kText), nullptr);
    EXPECT_NE(r.FindColumn("error.message", index::IndexKind::kText), nullptr);
    EXPECT_NE(r.FindColumn("request_id", index::IndexKind::kKeyword), nullptr);
    EXPECT_EQ(r.FindColumn("trace_id", index::IndexKind::kKeyword), nullptr);  // not in the data
    auto pq = parquet::ParquetFileReader::Open(t.DataPath(f.path));
    ASSERT_TRUE(pq.ok());
    ASSERT_EQ(r.num_rows(), (*pq)->num_rows());
    auto batches = (*pq)->ReadAll({"message", "request_id", "error.message"});
    ASSERT_TRUE(batches.ok());
    auto needle = r.Lookup("message", {"NEEDLE1"});
    auto timeout = r.Lookup("error.message", {"timeout tries"});
    ASSERT_TRUE(needle.ok() && timeout.ok());
    int64_t row = 0;
    for (const RecordBatch& b : *batches) {
      const Column& msg = *b.columns[0];
      const Column& id = *b.columns[1];
      const Column& err = *b.columns[2]->children[0];
      for (int64_t i = 0; i < b.num_rows; ++i, ++row) {
        auto covers = [&](const index::RowRanges& rr) {
          for (const index::RowRange& x : rr) {
            if (row >= x.begin && row < x.end) return true;
          }
          return false;
        };
        if (index::ContainsAllTokens(msg.GetString(i), {"needle1"})) {
          ++needle_rows;
          EXPECT_TRUE(covers(*needle)) << f.path << " row " << row;
        }
        if (err.IsValid(i)) {
          EXPECT_TRUE(covers(*timeout)) << f.path << " row " << row;
        }
        if (row % 301 == 0) {
          auto exact = r.LookupExact("request_id", id.GetString(i));
          ASSERT_TRUE(exact.ok());
          EXPECT_TRUE(covers(*exact)) << f.path << " row " << row;
          EXPECT_LE(index::CountRows(*exact), 2 * r.block_rows());
        }
      }
    }
    EXPECT_LT(index::CountRows(*needle), r.num_rows() / 2 + r.block_rows());
  }
  EXPECT_GT(needle_rows, 5);
  // The quarantine table (if any) gets none; no configuration was given, so
  // none is stored (the defaults apply).
  EXPECT_FALSE(fs::exists(QuarantineTablePath(table_) + "/_lakewatch/index"));
  EXPECT_FALSE((*snap)->metadata().Config(index::kTextColumnsKey).has_value());
}

TEST_F(IngestIndexTest, ColumnsAreConfigurableAndStoredInTheTable) {
  const std::string input = WriteEvents(300);
  IngestOptions o = Options();
  o.index_text = "error.message";
  o.index_keyword = "";
  ASSERT_TRUE(Ingest({input}, o).ok());
  delta::DeltaTable t(table_);
  auto snap = t.Load();
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ((*snap)->metadata().Config(index::kTextColumnsKey), std::optional<std::string>("error.message"));
  EXPECT_EQ((*snap)->metadata().Config(index::kKeywordColumnsKey), std::optional<std::string>(""));
  // The next ingest follows the table's configuration; a new option changes it.
  o.index_text.reset();
  o.index_keyword = "request_id";
  ASSERT_TRUE(Ingest({input}, o).ok());
  snap = t.Load();
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ((*snap)->metadata().Config(index::kKeywordColumnsKey), std::optional<std::string>("request_id"));
  for (const delta::LiveFile& f : (*snap)->files()) {
    auto r = index::SidecarReader::Open(index::SidecarPath(table_, f.path));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ((*r)->FindColumn("message", index::IndexKind::kText), nullptr);
    EXPECT_NE((*r)->FindColumn("error.message", index::IndexKind::kText), nullptr);
  }
  o.index = false;
  const size_t before = (*snap)->files().size();
  ASSERT_TRUE(Ingest({input}, o).ok());
  snap = t.Load();
  ASSERT_TRUE(snap.ok());
  size_t without = 0;
  for (const delta::LiveFile& f : (*snap)->files()) without += fs::exists(index::SidecarPath(table_, f.path)) ? 0 : 1;
  EXPECT_EQ(without, (*snap)->files().size() - before);
}

TEST_F(IngestIndexTest, VacuumDeletesOrphanSidecarsAndKeepsLiveOnes) {
  const std::string input = WriteEvents(3000);
  ASSERT_TRUE(Ingest({input}, Options()).ok());
  ASSERT_TRUE(Ingest({input}, Options()).ok());  // two small files per date
  delta::DeltaTable t(table_);
  auto old_past = fs::file_time_type::clock::now() - std::chrono::hours(24 * 30);
  // An orphan (its data file never existed or is gone) and a crashed writer's temporary.
  const std::string orphan = table_ + "/_lakewatch/index/date=2025-11-20/part-gone.zstd.parquet.lwidx";
  const std::string temp = table_ + "/_lakewatch/index/date=2025-11-20/.part-x.lwidx.tmp-1-1";
  std::ofstream(orphan) << "x";
  std::ofstream(temp) << "x";
  fs::last_write_time(temp, old_past);
  // Compaction removes the files it rewrites; vacuum then deletes them and their sidecars.
  auto opt = delta::Optimize(t);
  ASSERT_TRUE(opt.ok()) << opt.status().ToString();
  ASSERT_GT(opt->files_removed, 0);
  delta::VacuumOptions vo;
  vo.retain_hours = 0;
  vo.force = true;
  auto vac = delta::Vacuum(t, vo);
  ASSERT_TRUE(vac.ok()) << vac.status().ToString();
  EXPECT_FALSE(fs::exists(orphan));
  EXPECT_FALSE(fs::exists(temp));
  int64_t sidecars_deleted = 0;
  for (const std::string& f : vac->files) sidecars_deleted += f.rfind("_lakewatch/index/", 0) == 0 ? 1 : 0;
  EXPECT_EQ(sidecars_deleted, opt->files_removed + 2);
  auto snap = t.Load();
  ASSERT_TRUE(snap.ok());
  for (const delta::LiveFile& f : (*snap)->files()) {
    // Optimize's files have no sidecar until `lakewatch index build`; none was deleted.
    const std::string s = index::SidecarPath(table_, f.path);
    if (fs::exists(s)) {
      EXPECT_TRUE(index::SidecarReader::Open(s).ok());
    }
    auto built = index::BuildSidecarFromParquet(t.DataPath(f.path), {index::IndexColumnsFromConfig({}, {})});
    ASSERT_TRUE(built.ok()) << built.status().ToString();
    ASSERT_TRUE(index::WriteSidecar(table_, f.path, *built).ok());
    auto r = index::SidecarReader::Open(s);
    ASSERT_TRUE(r.ok());
    auto needle = (*r)->Lookup("message", {"needle0"});
    EXPECT_TRUE(needle.ok());
  }
  // A second vacuum keeps every live sidecar.
  auto again = delta::Vacuum(t, vo);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->files.empty());
}

}  // namespace
}  // namespace lakewatch::ingest
