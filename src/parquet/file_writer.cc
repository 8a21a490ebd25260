#include "parquet/file_writer.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>

#include "parquet/record_shredder.h"

#ifndef LAKEWATCH_VERSION
#define LAKEWATCH_VERSION "0.1.0"
#endif

namespace lakewatch::parquet {

namespace {

constexpr size_t kWriteBuffer = size_t{1} << 20;

// Runs fn(i) for i in [0, n) on up to `threads` threads.
template <typename F>
Status ParallelFor(int threads, size_t n, F fn) {
  if (threads <= 1 || n <= 1) {
    for (size_t i = 0; i < n; ++i) LW_RETURN_IF_ERROR(fn(i));
    return Status::OK();
  }
  std::vector<Status> st(n);
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads && static_cast<size_t>(t) < n; ++t) {
    pool.emplace_back([&] {
      for (size_t i = next++; i < n; i = next++) st[i] = fn(i);
    });
  }
  for (auto& th : pool) th.join();
  for (auto& s : st) LW_RETURN_IF_ERROR(s);
  return Status::OK();
}

// Bytes held by a column and its children: a cheap estimate of the work of encoding it.
size_t ColumnBytes(const Column& c) {
  size_t n = c.data.size() + c.offsets.size() + c.validity.size();
  for (const ColumnPtr& child : c.children) n += ColumnBytes(*child);
  return n;
}

}  // namespace

ParquetFileWriter::~ParquetFileWriter() {
  if (!closed_) Abort();
}

Result<std::unique_ptr<ParquetFileWriter>> ParquetFileWriter::Open(const std::string& path,
                                                                   const Schema& schema,
                                                                   WriterOptions options) {
  LW_ASSIGN_OR_RETURN(ParquetSchema ps, ParquetSchema::FromLogical(schema));
  std::unique_ptr<ParquetFileWriter> w(new ParquetFileWriter());
  w->path_ = path;
  // A hidden temporary beside the target: Delta/Spark readers ignore names
  // starting with '.', so a crash never leaves a file that looks like data.
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  static std::atomic<uint64_t> counter{0};
  w->tmp_path_ = dir + "." + base + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  w->options_ = std::move(options);
  w->schema_ = std::move(ps);
  w->fd_ = ::open(w->tmp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (w->fd_ < 0) {
    w->closed_ = true;
    return Status::IOError(path + ": cannot create: " + std::strerror(errno));
  }
  for (const LeafDescriptor& leaf : w->schema_.leaves()) {
    w->writers_.push_back(std::make_unique<ColumnWriter>(leaf, w->options_));
  }
  w->metadata_.version = 1;
  w->metadata_.schema = w->schema_.elements();
  w->metadata_.created_by = std::string("lakewatch version ") + LAKEWATCH_VERSION;
  if (!w->options_.key_value_metadata.empty()) w->metadata_.key_value_metadata = w->options_.key_value_metadata;
  std::vector<ColumnOrder> orders(w->schema_.leaves().size());
  w->metadata_.column_orders = std::move(orders);
  LW_RETURN_IF_ERROR(w->WriteBytes("PAR1", 4));
  return w;
}

Status ParquetFileWriter::WriteFully(const void* p, size_t n) {
  const uint8_t* d = static_cast<const uint8_t*>(p);
  while (n > 0) {
    ssize_t k = ::write(fd_, d, n);
    if (k < 0) {
      if (errno == EINTR) continue;
      return Status::IOError(path_ + ": write: " + std::strerror(errno));
    }
    d += k;
    n -= static_cast<size_t>(k);
  }
  return Status::OK();
}

// Small pieces (headers, the footer) gather in out_buf_; column chunks, usually
// large, go to the file directly rather than through another copy.
Status ParquetFileWriter::WriteBytes(const void* p, size_t n) {
  offset_ += static_cast<int64_t>(n);
  if (out_buf_.size() + n < kWriteBuffer) {
    out_buf_.Append(p, n);
    return Status::OK();
  }
  LW_RETURN_IF_ERROR(WriteFully(out_buf_.data(), out_buf_.size()));
  out_buf_.Clear();
  if (n >= kWriteBuffer) return WriteFully(p, n);
  out_buf_.Append(p, n);
  return Status::OK();
}

Status ParquetFileWriter::WriteBatch(const RecordBatch& batch) {
  if (closed_) return Status::InvalidArgument(path_ + ": writer is closed");
  const Schema& s = schema_.logical();
  if (batch.columns.size() != s.fields.size()) {
    return Status::InvalidArgument(fmt::format("{}: batch has {} columns, the file {}", path_,
                                               batch.columns.size(), s.fields.size()));
  }
  for (size_t i = 0; i < s.fields.size(); ++i) {
    // Same types in another order (or under other names) would write values
    // under the wrong column; the names must match too.
    if (i < batch.schema.fields.size() && batch.schema.fields[i].name != s.fields[i].name) {
      return Status::InvalidArgument(fmt::format("{}: batch column {} is named '{}', the file's '{}'",
                                                 path_, i, batch.schema.fields[i].name,
                                                 s.fields[i].name));
    }
    if (!batch.columns[i]->type->Equals(*s.fields[i].type)) {
      return Status::InvalidArgument(fmt::format("{}: column '{}' has type {}, the file {}", path_,
                                                 s.fields[i].name, batch.columns[i]->type->ToString(),
                                                 s.fields[i].type->ToString()));
    }
  }
  // Split at row-group boundaries.
  int64_t begin = 0;
  while (begin < batch.num_rows) {
    int64_t take = std::min(batch.num_rows - begin, options_.row_group_rows - group_rows_);
    if (begin == 0 && take == batch.num_rows) {
      LW_RETURN_IF_ERROR(WriteRows(batch, 0, batch.num_rows));
    } else {
      LW_RETURN_IF_ERROR(WriteRows(batch.Slice(begin, begin + take), 0, take));
    }
    begin += take;
    int64_t buffered = 0;
    for (auto& w : writers_) buffered += w->buffered_bytes();
    if (group_rows_ >= options_.row_group_rows || buffered >= options_.row_group_bytes) {
      LW_RETURN_IF_ERROR(FlushRowGroup());
    }
  }
  return Status::OK();
}

Status ParquetFileWriter::WriteRows(const RecordBatch& batch, int64_t, int64_t end) {
  const auto& plans = schema_.plans();
  const auto& leaves = schema_.leaves();
  // Each top-level field is shredded and encoded independently. With several threads
  // the biggest fields start first (longest-processing-time order), so one large column
  // (a free-text string, say) does not start last and keep the other threads waiting.
  std::vector<size_t> order(plans.size());
  for (size_t f = 0; f < order.size(); ++f) order[f] = f;
  if (options_.threads > 1) {
    std::vector<size_t> bytes(plans.size());
    for (size_t f = 0; f < bytes.size(); ++f) bytes[f] = ColumnBytes(*batch.columns[f]);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return bytes[a] > bytes[b]; });
  }
  Status st = ParallelFor(options_.threads, plans.size(), [&](size_t i) -> Status {
    const size_t f = order[i];
    const FieldPlan& plan = plans[f];
    std::vector<bool> mine(leaves.size(), false);
    CollectLeaves(plan, &mine);
    std::vector<LeafData> data(leaves.size());
    for (size_t l = 0; l < leaves.size(); ++l) {
      if (!mine[l]) continue;
      data[l].max_def = leaves[l].max_def;
      data[l].max_rep = leaves[l].max_rep;
      data[l].values = Column::Make(leaves[l].type);
    }
    // (A column, or struct field, without nulls is shared as its leaf's values, not copied.)
    if (Status s = ShredColumn(plan, batch.columns[f], &data); !s.ok()) return s.WithContext(path_);
    for (size_t l = 0; l < leaves.size(); ++l) {
      if (mine[l]) LW_RETURN_IF_ERROR(writers_[l]->Write(data[l]));
    }
    return Status::OK();
  });
  LW_RETURN_IF_ERROR(st);
  group_rows_ += end;
  total_rows_ += end;
  return Status::OK();
}

Status ParquetFileWriter::FlushRowGroup() {
  if (group_rows_ == 0) return Status::OK();
  // chunks_ outlives the row group so its buffers are reused by the next one.
  std::vector<ColumnChunkOutput>& chunks = chunks_;
  chunks.resize(writers_.size());
  LW_RETURN_IF_ERROR(ParallelFor(options_.threads, writers_.size(),
                                 [&](size_t i) { return writers_[i]->FinishChunk(&chunks[i]); }));
  RowGroup rg;
  rg.num_rows = group_rows_;
  rg.file_offset = offset_;
  int64_t compressed = 0;
  for (auto& c : chunks) {
    int64_t base = offset_;
    ColumnChunk cc;
    cc.file_offset = 0;
    ColumnMetaData m = std::move(c.meta);
    m.data_page_offset += base;
    if (m.dictionary_page_offset.has_value()) *m.dictionary_page_offset += base;
    rg.total_byte_size += m.total_uncompressed_size;
    compressed += m.total_compressed_size;
    cc.meta_data = std::move(m);
    if (c.offset_index.has_value()) {
      for (PageLocation& loc : c.offset_index->page_locations) loc.offset += base;
      cc.offset_index_offset = static_cast<int64_t>(offset_indexes_.size());
      SerializeOffsetIndex(*c.offset_index, &offset_indexes_);
      cc.offset_index_length = static_cast<int32_t>(offset_indexes_.size() - *cc.offset_index_offset);
    }
    if (c.column_index.has_value()) {
      cc.column_index_offset = static_cast<int64_t>(column_indexes_.size());
      SerializeColumnIndex(*c.column_index, &column_indexes_);
      cc.column_index_length = static_cast<int32_t>(column_indexes_.size() - *cc.column_index_offset);
    }
    LW_RETURN_IF_ERROR(WriteBytes(c.bytes.data(), c.bytes.size()));
    rg.columns.push_back(std::move(cc));
  }
  rg.total_compressed_size = compressed;
  rg.ordinal = static_cast<int16_t>(metadata_.row_groups.size());
  metadata_.row_groups.push_back(std::move(rg));
  group_rows_ = 0;
  return Status::OK();
}

Status ParquetFileWriter::WritePageIndexes() {
  const int64_t column_base = offset_;
  LW_RETURN_IF_ERROR(WriteBytes(column_indexes_.data(), column_indexes_.size()));
  const int64_t offset_base = offset_;
  LW_RETURN_IF_ERROR(WriteBytes(offset_indexes_.data(), offset_indexes_.size()));
  for (RowGroup& rg : metadata_.row_groups) {
    for (ColumnChunk& cc : rg.columns) {
      if (cc.column_index_offset.has_value()) *cc.column_index_offset += column_base;
      if (cc.offset_index_offset.has_value()) *cc.offset_index_offset += offset_base;
    }
  }
  column_indexes_ = std::string();
  offset_indexes_ = std::string();
  return Status::OK();
}

Status ParquetFileWriter::Close(bool sync) {
  if (closed_) return Status::InvalidArgument(path_ + ": writer already closed");
  Status st = FlushRowGroup();
  if (st.ok()) st = WritePageIndexes();
  if (st.ok()) {
    metadata_.num_rows = total_rows_;
    std::string footer;
    SerializeFileMetaData(metadata_, &footer);
    uint32_t len = static_cast<uint32_t>(footer.size());
    st = WriteBytes(footer.data(), footer.size());
    if (st.ok()) st = WriteBytes(&len, 4);
    if (st.ok()) st = WriteBytes("PAR1", 4);
  }
  if (st.ok()) st = WriteFully(out_buf_.data(), out_buf_.size());
  out_buf_.Clear();
  if (st.ok() && sync && ::fsync(fd_) != 0) st = Status::IOError(path_ + ": fsync: " + std::strerror(errno));
  if (::close(fd_) != 0 && st.ok()) st = Status::IOError(path_ + ": close: " + std::strerror(errno));
  fd_ = -1;
  closed_ = true;
  if (!st.ok()) {
    ::unlink(tmp_path_.c_str());
    return st;
  }
  if (::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp_path_.c_str());
    return Status::IOError(path_ + ": rename: " + std::strerror(e));
  }
  return Status::OK();
}

void ParquetFileWriter::Abort() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  ::unlink(tmp_path_.c_str());
  closed_ = true;
}

}  // namespace lakewatch::parquet
