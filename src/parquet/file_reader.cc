#include "parquet/file_reader.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>

namespace lakewatch::parquet {

namespace {
constexpr char kMagic[] = "PAR1";
constexpr char kEncryptedMagic[] = "PARE";
}  // namespace

ParquetFileReader::~ParquetFileReader() {
  if (mapping_ != nullptr) munmap(mapping_, size_);
}

Result<std::unique_ptr<ParquetFileReader>> ParquetFileReader::Open(const std::string& path,
                                                                   ReaderOptions options) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound(path + ": no such file");
    return Status::IOError(path + ": " + std::strerror(errno));
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    return Status::IOError(path + ": " + std::strerror(e));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Status::InvalidArgument(path + ": is a directory, not a Parquet file");
  }
  std::unique_ptr<ParquetFileReader> r(new ParquetFileReader());
  r->name_ = path;
  r->options_ = options;
  r->size_ = static_cast<size_t>(st.st_size);
  if (r->size_ > 0) {
    void* m = mmap(nullptr, r->size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m == MAP_FAILED) {
      int e = errno;
      ::close(fd);
      return Status::IOError(path + ": mmap: " + std::strerror(e));
    }
    r->mapping_ = m;
    r->data_ = static_cast<const uint8_t*>(m);
  }
  ::close(fd);
  LW_RETURN_IF_ERROR(r->Init());
  return r;
}

Result<std::unique_ptr<ParquetFileReader>> ParquetFileReader::FromBuffer(std::string bytes,
                                                                         std::string name,
                                                                         ReaderOptions options) {
  std::unique_ptr<ParquetFileReader> r(new ParquetFileReader());
  r->name_ = std::move(name);
  r->options_ = options;
  r->owned_ = std::move(bytes);
  r->data_ = reinterpret_cast<const uint8_t*>(r->owned_.data());
  r->size_ = r->owned_.size();
  LW_RETURN_IF_ERROR(r->Init());
  return r;
}

Status ParquetFileReader::Init() {
  if (size_ < 12) {
    return Status::Corrupt(fmt::format("{}: not a Parquet file ({} bytes, too small)", name_, size_));
  }
  const uint8_t* tail = data_ + size_ - 4;
  if (std::memcmp(tail, kEncryptedMagic, 4) == 0) {
    return Status::NotSupported(name_ + ": encrypted Parquet files (PARE footer)");
  }
  if (std::memcmp(data_, kMagic, 4) != 0 || std::memcmp(tail, kMagic, 4) != 0) {
    return Status::Corrupt(name_ + ": not a Parquet file (no PAR1 magic at start and end)");
  }
  uint32_t footer_len;
  std::memcpy(&footer_len, data_ + size_ - 8, 4);
  if (footer_len > size_ - 12) {
    return Status::Corrupt(fmt::format("{}: footer length {} exceeds the file ({} bytes)", name_,
                                       footer_len, size_));
  }
  footer_start_ = size_ - 8 - footer_len;
  auto md = ParseFileMetaData(data_ + footer_start_, footer_len);
  if (!md.ok()) return md.status().WithContext(name_ + ": footer");
  metadata_ = std::move(md).value();
  auto schema = ParquetSchema::FromElements(metadata_.schema);
  if (!schema.ok()) return schema.status().WithContext(name_);
  schema_ = std::move(schema).value();
  const size_t nleaves = schema_.leaves().size();
  for (size_t g = 0; g < metadata_.row_groups.size(); ++g) {
    const RowGroup& rg = metadata_.row_groups[g];
    if (rg.columns.size() != nleaves) {
      return Status::Corrupt(fmt::format("{}: row group {} has {} column chunks, the schema {} leaves",
                                         name_, g, rg.columns.size(), nleaves));
    }
    if (rg.num_rows < 0) {
      return Status::Corrupt(fmt::format("{}: row group {} has {} rows", name_, g, rg.num_rows));
    }
    for (size_t c = 0; c < nleaves; ++c) {
      if (!rg.columns[c].meta_data.has_value()) {
        return Status::NotSupported(fmt::format(
            "{}: row group {} column {} has no metadata (external column chunks)", name_, g, c));
      }
      if (rg.columns[c].file_path.has_value() && !rg.columns[c].file_path->empty()) {
        return Status::NotSupported(fmt::format("{}: column chunk stored in another file ({})", name_,
                                                *rg.columns[c].file_path));
      }
    }
  }
  return Status::OK();
}

Status ParquetFileReader::ChunkRange(int rg, int leaf, size_t* begin, size_t* size) const {
  const ColumnMetaData& m = *metadata_.row_groups[rg].columns[leaf].meta_data;
  int64_t start = m.data_page_offset;
  if (m.dictionary_page_offset.has_value() && *m.dictionary_page_offset > 0 &&
      *m.dictionary_page_offset < start) {
    start = *m.dictionary_page_offset;
  }
  int64_t len = m.total_compressed_size;
  if (start < 4 || len < 0 || static_cast<uint64_t>(start) > footer_start_ ||
      static_cast<uint64_t>(len) > footer_start_ - static_cast<uint64_t>(start)) {
    return Status::Corrupt(fmt::format(
        "{}: row group {} column '{}': chunk at byte {} of {} bytes lies outside the data ({} bytes)",
        name_, rg, schema_.leaves()[leaf].DottedPath(), start, len, footer_start_));
  }
  *begin = static_cast<size_t>(start);
  *size = static_cast<size_t>(len);
  return Status::OK();
}

ColumnStats ParquetFileReader::RowGroupStats(int rg, int leaf) const {
  bool type_order = metadata_.column_orders.has_value() &&
                    static_cast<size_t>(leaf) < metadata_.column_orders->size() &&
                    (*metadata_.column_orders)[leaf].kind == ColumnOrder::Kind::kTypeOrder;
  return DecodeColumnStats(schema_.leaves()[leaf], *metadata_.row_groups[rg].columns[leaf].meta_data,
                           type_order);
}

bool ParquetFileReader::RowGroupMayMatch(int rg, const std::vector<StatsPredicate>& predicates) const {
  for (const StatsPredicate& p : predicates) {
    for (const LeafDescriptor& leaf : schema_.leaves()) {
      if (leaf.max_rep != 0 || leaf.DottedPath() != p.column) continue;
      if (!StatsMayMatch(RowGroupStats(rg, leaf.index), p)) return false;
    }
  }
  return true;
}

Result<RecordBatch> ParquetFileReader::ReadRowGroup(int rg, const std::vector<FieldPlan>& plans) const {
  if (rg < 0 || rg >= num_row_groups()) {
    return Status::InvalidArgument(fmt::format("{}: no row group {}", name_, rg));
  }
  const size_t nleaves = schema_.leaves().size();
  std::vector<bool> needed(nleaves, false);
  for (const FieldPlan& p : plans) CollectLeaves(p, &needed);
  std::vector<LeafData> leaves(nleaves);
  for (size_t i = 0; i < nleaves; ++i) {
    if (!needed[i]) continue;
    const ColumnMetaData& cm = *metadata_.row_groups[rg].columns[i].meta_data;
    if (cm.num_values == 0) {  // an empty chunk: nothing to read (offsets may be 0)
      leaves[i].max_def = schema_.leaves()[i].max_def;
      leaves[i].max_rep = schema_.leaves()[i].max_rep;
      leaves[i].values = Column::Make(schema_.leaves()[i].type);
      continue;
    }
    size_t begin, size;
    LW_RETURN_IF_ERROR(ChunkRange(rg, static_cast<int>(i), &begin, &size));
    const ColumnMetaData& m = *metadata_.row_groups[rg].columns[i].meta_data;
    ColumnChunkReader reader(schema_.leaves()[i], m, data_ + begin, size,
                             static_cast<int64_t>(begin), options_.column);
    Status st = reader.ReadAll(&leaves[i]);
    if (!st.ok()) return st.WithContext(fmt::format("{}: row group {}", name_, rg));
  }
  RecordBatch batch;
  LevelAssembler assembler(&leaves);
  int64_t rows = -1;
  for (const FieldPlan& p : plans) {
    auto col = assembler.AssembleTop(p);
    if (!col.ok()) return col.status().WithContext(fmt::format("{}: row group {}", name_, rg));
    if (rows >= 0 && (*col)->length != rows) {
      return Status::Corrupt(fmt::format("{}: row group {}: column '{}' has {} rows, others {}", name_,
                                         rg, p.field.name, (*col)->length, rows));
    }
    rows = (*col)->length;
    batch.schema.fields.push_back(p.field);
    batch.columns.push_back(std::move(col).value());
  }
  batch.num_rows = rows >= 0 ? rows : metadata_.row_groups[rg].num_rows;
  return batch;
}

Result<std::vector<RecordBatch>> ParquetFileReader::ReadAll(
    const std::vector<std::string>& columns, const std::vector<StatsPredicate>& predicates,
    int threads) const {
  LW_ASSIGN_OR_RETURN(std::vector<FieldPlan> plans, schema_.Project(columns));
  std::vector<int> groups;
  for (int g = 0; g < num_row_groups(); ++g) {
    if (RowGroupMayMatch(g, predicates)) groups.push_back(g);
  }
  std::vector<Result<RecordBatch>> results(groups.size(), Status::Internal("not read"));
  if (threads <= 1 || groups.size() <= 1) {
    for (size_t i = 0; i < groups.size(); ++i) {
      results[i] = ReadRowGroup(groups[i], plans);
      if (!results[i].ok()) return results[i].status();
    }
  } else {
    std::atomic<size_t> next{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&] {
        for (size_t i = next++; i < groups.size(); i = next++) results[i] = ReadRowGroup(groups[i], plans);
      });
    }
    for (auto& th : pool) th.join();
  }
  std::vector<RecordBatch> out;
  out.reserve(results.size());
  for (auto& r : results) {
    if (!r.ok()) return r.status();
    out.push_back(std::move(r).value());
  }
  return out;
}

}  // namespace lakewatch::parquet
