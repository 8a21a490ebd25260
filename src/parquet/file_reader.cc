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

#include "parquet/leaf_rows.h"
#include "parquet/page_index.h"

namespace lakewatch::parquet {

namespace {
constexpr char kMagic[] = "PAR1";
constexpr char kEncryptedMagic[] = "PARE";

// Whether statistics predicate `p` is about `leaf`: a flat leaf of that
// dotted path whose type is known (a leaf no field maps to, under a
// malformed map or list group, has none and no statistics to decide by).
bool PredicateNames(const LeafDescriptor& leaf, const StatsPredicate& p) {
  return leaf.max_rep == 0 && leaf.type != nullptr && leaf.DottedPath() == p.column;
}

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

bool ParquetFileReader::TypeOrderKnown(int leaf) const {
  return metadata_.column_orders.has_value() &&
         static_cast<size_t>(leaf) < metadata_.column_orders->size() &&
         (*metadata_.column_orders)[leaf].kind == ColumnOrder::Kind::kTypeOrder;
}

ColumnStats ParquetFileReader::RowGroupStats(int rg, int leaf) const {
  return DecodeColumnStats(schema_.leaves()[leaf], *metadata_.row_groups[rg].columns[leaf].meta_data,
                           TypeOrderKnown(leaf));
}

bool ParquetFileReader::RowGroupMayMatch(int rg, const std::vector<StatsPredicate>& predicates) const {
  for (const StatsPredicate& p : predicates) {
    for (const LeafDescriptor& leaf : schema_.leaves()) {
      if (!PredicateNames(leaf, p)) continue;
      if (!StatsMayMatch(RowGroupStats(rg, leaf.index), p)) return false;
    }
  }
  return true;
}

Status ParquetFileReader::ReadChunk(int rg, int leaf, LeafData* out, bool lazy_levels) const {
  const LeafDescriptor& desc = schema_.leaves()[leaf];
  const ColumnMetaData& m = *metadata_.row_groups[rg].columns[leaf].meta_data;
  if (m.num_values == 0) {  // an empty chunk: nothing to read (offsets may be 0)
    out->max_def = desc.max_def;
    out->max_rep = desc.max_rep;
    out->values = Column::Make(desc.type);
    return Status::OK();
  }
  size_t begin, size;
  LW_RETURN_IF_ERROR(ChunkRange(rg, leaf, &begin, &size));
  ColumnChunkReader reader(desc, m, data_ + begin, size, static_cast<int64_t>(begin), options_.column);
  return reader.ReadAll(out, lazy_levels);
}

Status ParquetFileReader::MatchRows(int rg, int leaf, const ColumnChunkReader::ValuePredicate& pred,
                                    std::vector<uint8_t>* matches) const {
  if (rg < 0 || rg >= num_row_groups() || leaf < 0 || static_cast<size_t>(leaf) >= schema_.leaves().size()) {
    return Status::InvalidArgument(fmt::format("{}: no row group {} column {}", name_, rg, leaf));
  }
  const LeafDescriptor& desc = schema_.leaves()[leaf];
  const ColumnMetaData& m = *metadata_.row_groups[rg].columns[leaf].meta_data;
  if (m.num_values == 0) {
    matches->clear();
    return Status::OK();
  }
  size_t begin, size;
  LW_RETURN_IF_ERROR(ChunkRange(rg, leaf, &begin, &size));
  ColumnChunkReader reader(desc, m, data_ + begin, size, static_cast<int64_t>(begin), options_.column);
  Status st = reader.ReadMatches(pred, matches);
  if (!st.ok()) return st.WithContext(fmt::format("{}: row group {}", name_, rg));
  if (static_cast<int64_t>(matches->size()) != metadata_.row_groups[rg].num_rows) {
    return Status::Corrupt(fmt::format("{}: row group {}: column '{}' has {} values for {} rows", name_, rg,
                                       desc.DottedPath(), matches->size(), metadata_.row_groups[rg].num_rows));
  }
  return Status::OK();
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
    Status st = ReadChunk(rg, static_cast<int>(i), &leaves[i], /*lazy_levels=*/true);
    if (!st.ok()) return st.WithContext(fmt::format("{}: row group {}", name_, rg));
  }
  return Assemble(rg, plans, leaves, metadata_.row_groups[rg].num_rows);
}

Result<RecordBatch> ParquetFileReader::Assemble(int rg, const std::vector<FieldPlan>& plans,
                                                const std::vector<LeafData>& leaves,
                                                int64_t default_rows) const {
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
  batch.num_rows = rows >= 0 ? rows : default_rows;
  return batch;
}

// ---- page index

Result<ParquetFileReader::IndexBytes> ParquetFileReader::LocateIndex(int rg, int leaf,
                                                                     bool offset_index) const {
  if (rg < 0 || rg >= num_row_groups() || leaf < 0 ||
      static_cast<size_t>(leaf) >= schema_.leaves().size()) {
    return Status::InvalidArgument(fmt::format("{}: no row group {} column {}", name_, rg, leaf));
  }
  const ColumnChunk& cc = metadata_.row_groups[rg].columns[leaf];
  const char* what = offset_index ? "offset index" : "column index";
  const std::optional<int64_t> offset = offset_index ? cc.offset_index_offset : cc.column_index_offset;
  const std::optional<int32_t> length = offset_index ? cc.offset_index_length : cc.column_index_length;
  const std::string column = fmt::format("{}: row group {} column '{}'", name_, rg,
                                         schema_.leaves()[leaf].DottedPath());
  if (!offset.has_value() || !length.has_value()) {
    return Status::NotFound(fmt::format("{} has no {}", column, what));
  }
  if (*offset < 0 || *length < 0 || static_cast<uint64_t>(*offset) > footer_start_ ||
      static_cast<uint64_t>(*length) > footer_start_ - static_cast<uint64_t>(*offset)) {
    return Status::Corrupt(fmt::format("{}: {} at byte {} of {} bytes lies outside the data ({} bytes)",
                                       column, what, *offset, *length, footer_start_));
  }
  return IndexBytes{data_ + *offset, static_cast<size_t>(*length),
                    fmt::format("{}: {} at byte {}", column, what, *offset)};
}

Result<OffsetIndex> ParquetFileReader::ReadOffsetIndex(int rg, int leaf) const {
  LW_ASSIGN_OR_RETURN(IndexBytes bytes, LocateIndex(rg, leaf, true));
  auto index = ParseOffsetIndex(bytes.data, bytes.size);
  if (!index.ok()) return index.status().WithContext(bytes.context);
  const ColumnMetaData& m = *metadata_.row_groups[rg].columns[leaf].meta_data;
  size_t begin = 0, size = 0;
  if (m.num_values > 0) LW_RETURN_IF_ERROR(ChunkRange(rg, leaf, &begin, &size));
  Status st = CheckOffsetIndex(*index, static_cast<int64_t>(begin), static_cast<int64_t>(begin + size),
                               m.num_values > 0 ? metadata_.row_groups[rg].num_rows : 0);
  if (!st.ok()) return st.WithContext(bytes.context);
  return index;
}

Result<ColumnIndex> ParquetFileReader::ReadColumnIndex(int rg, int leaf, const OffsetIndex& offsets) const {
  LW_ASSIGN_OR_RETURN(IndexBytes bytes, LocateIndex(rg, leaf, false));
  auto index = ParseColumnIndex(bytes.data, bytes.size);
  if (!index.ok()) return index.status().WithContext(bytes.context);
  Status st = CheckColumnIndex(*index, offsets);
  if (!st.ok()) return st.WithContext(bytes.context);
  return index;
}

RowSelection ParquetFileReader::PagesMayMatch(int rg, const std::vector<StatsPredicate>& predicates) const {
  if (rg < 0 || rg >= num_row_groups()) return RowSelection();
  const int64_t num_rows = metadata_.row_groups[rg].num_rows;
  if (!RowGroupMayMatch(rg, predicates)) return RowSelection();
  RowSelection out = RowSelection::All(num_rows);
  for (const StatsPredicate& p : predicates) {
    for (const LeafDescriptor& leaf : schema_.leaves()) {
      if (!PredicateNames(leaf, p)) continue;
      auto offsets = ReadOffsetIndex(rg, leaf.index);
      if (!offsets.ok()) continue;
      auto index = ReadColumnIndex(rg, leaf.index, *offsets);
      if (!index.ok()) continue;
      out = out.Intersect(
          ColumnIndexMayMatch(leaf, *offsets, *index, num_rows, TypeOrderKnown(leaf.index), p));
    }
  }
  return out;
}

Status ParquetFileReader::ReadLeafRowsWhole(int rg, int leaf, const RowSelection& rows,
                                            LeafData* out) const {
  LeafData all;
  LW_RETURN_IF_ERROR(ReadChunk(rg, leaf, &all, /*lazy_levels=*/false));  // AppendLeafRows reads levels
  int64_t n = 0;
  LW_RETURN_IF_ERROR(AppendLeafRows(all, 0, rows, out, &n));
  if (n != metadata_.row_groups[rg].num_rows) {
    return Status::Corrupt(fmt::format("column '{}' has {} rows, the row group {}",
                                       schema_.leaves()[leaf].DottedPath(), n,
                                       metadata_.row_groups[rg].num_rows));
  }
  return Status::OK();
}

Status ParquetFileReader::ReadLeafRowsIndexed(int rg, int leaf, const OffsetIndex& index,
                                              const RowSelection& rows, LeafData* out,
                                              RowReadStats* stats) const {
  const LeafDescriptor& desc = schema_.leaves()[leaf];
  const ColumnMetaData& m = *metadata_.row_groups[rg].columns[leaf].meta_data;
  const int64_t num_rows = metadata_.row_groups[rg].num_rows;
  size_t begin, size;
  LW_RETURN_IF_ERROR(ChunkRange(rg, leaf, &begin, &size));
  ColumnChunkReader reader(desc, m, data_ + begin, size, static_cast<int64_t>(begin), options_.column);
  const std::vector<PageLocation>& pages = index.page_locations;
  LeafData page;
  page.max_def = desc.max_def;
  page.max_rep = desc.max_rep;
  page.values = Column::Make(desc.type);
  const std::vector<RowRange>& ranges = rows.ranges();
  size_t k = 0;  // the first range that may overlap the current page
  bool dictionary_read = false;
  for (size_t i = 0; i < pages.size(); ++i) {
    const RowRange page_rows = PageRows(index, i, num_rows);
    while (k < ranges.size() && ranges[k].end <= page_rows.begin) ++k;
    if (k == ranges.size() || ranges[k].begin >= page_rows.end) {
      ++stats->pages_skipped;
      continue;
    }
    if (!dictionary_read) {
      LW_RETURN_IF_ERROR(reader.ReadPagesBefore(static_cast<size_t>(pages[0].offset) - begin));
      dictionary_read = true;
    }
    page.num_entries = 0;
    page.def_levels.Clear();
    page.rep_levels.Clear();
    page.values->length = 0;
    page.values->data.Clear();
    if (desc.type->has_offsets()) {
      page.values->offsets.Clear();
      page.values->offsets.AppendValue<int64_t>(0);
    }
    // Only the page's rows from the first selected to the last (a flat leaf
    // decodes just those; a repeated one the whole page).
    size_t last = k;
    while (last + 1 < ranges.size() && ranges[last + 1].begin < page_rows.end) ++last;
    const int64_t keep_begin = std::max(ranges[k].begin, page_rows.begin) - page_rows.begin;
    const int64_t keep_end = std::min(ranges[last].end, page_rows.end) - page_rows.begin;
    int64_t kept_begin = 0, entries = 0;
    LW_RETURN_IF_ERROR(reader.ReadDataPageRange(static_cast<size_t>(pages[i].offset) - begin,
                                                static_cast<size_t>(pages[i].compressed_page_size),
                                                keep_begin, keep_end, &page, &kept_begin, &entries));
    ++stats->pages_read;
    int64_t n = 0;
    LW_RETURN_IF_ERROR(AppendLeafRows(page, page_rows.begin + kept_begin, rows, out, &n));
    // A flat page's entries are its rows; a repeated page was kept whole.
    const int64_t rows_in_page = desc.max_rep == 0 ? entries : n;
    if (rows_in_page != page_rows.size() || (desc.max_rep == 0 && n != keep_end - keep_begin)) {
      return Status::Corrupt(fmt::format("column '{}': page {} at byte {} holds {} rows, the offset "
                                         "index says {}",
                                         desc.DottedPath(), i, pages[i].offset, rows_in_page, page_rows.size()));
    }
  }
  return Status::OK();
}

Result<RecordBatch> ParquetFileReader::ReadRowGroupRows(int rg, const std::vector<FieldPlan>& plans,
                                                        const RowSelection& rows,
                                                        RowReadStats* stats) const {
  if (rg < 0 || rg >= num_row_groups()) {
    return Status::InvalidArgument(fmt::format("{}: no row group {}", name_, rg));
  }
  const std::string context = fmt::format("{}: row group {}", name_, rg);
  const int64_t num_rows = metadata_.row_groups[rg].num_rows;
  Status st = rows.Check(num_rows);
  if (!st.ok()) return st.WithContext(context);
  RowReadStats ignored;
  if (stats == nullptr) stats = &ignored;
  const size_t nleaves = schema_.leaves().size();
  std::vector<bool> needed(nleaves, false);
  for (const FieldPlan& p : plans) CollectLeaves(p, &needed);
  if (rows.num_rows() == num_rows) {  // every row: the plain read
    for (size_t i = 0; i < nleaves; ++i) stats->chunks_read_whole += needed[i];
    return ReadRowGroup(rg, plans);
  }
  std::vector<LeafData> leaves(nleaves);
  for (size_t i = 0; i < nleaves; ++i) {
    if (!needed[i]) continue;
    const int leaf = static_cast<int>(i);
    const LeafDescriptor& desc = schema_.leaves()[i];
    auto fresh = [&] {
      leaves[i] = LeafData();
      leaves[i].max_def = desc.max_def;
      leaves[i].max_rep = desc.max_rep;
      leaves[i].values = Column::Make(desc.type);
      // Allocated even when no row is selected: the assembler wants level buffers.
      if (desc.max_def > 0) leaves[i].def_levels.Reserve(sizeof(int16_t));
      if (desc.max_rep > 0) leaves[i].rep_levels.Reserve(sizeof(int16_t));
    };
    fresh();
    const ColumnMetaData& chunk = *metadata_.row_groups[rg].columns[i].meta_data;
    if (rows.empty() || chunk.num_values == 0) continue;
    if (desc.max_rep == 0 && chunk.dictionary_page_offset.has_value() &&
        rows.ranges().size() >= kScatteredRanges) {
      // Scattered rows of a dictionary-encoded chunk: every page holds some, so
      // decode the indices of all and copy out only the selected values.
      ++stats->chunks_read_selected;
      size_t begin, size;
      LW_RETURN_IF_ERROR(ChunkRange(rg, leaf, &begin, &size));
      ColumnChunkReader reader(desc, chunk, data_ + begin, size, static_cast<int64_t>(begin), options_.column);
      st = reader.ReadSelectedFlat(rows, &leaves[i]);
      if (!st.ok()) return st.WithContext(context);
      continue;
    }
    bool index_error = false;
    auto index = ReadOffsetIndex(rg, leaf);
    if (index.ok()) {
      RowReadStats attempt;
      if (ReadLeafRowsIndexed(rg, leaf, *index, rows, &leaves[i], &attempt).ok()) {
        stats->pages_read += attempt.pages_read;
        stats->pages_skipped += attempt.pages_skipped;
        continue;
      }
      index_error = true;  // the index misled us: fall back to the whole chunk
      fresh();
    } else {
      index_error = index.status().code() != StatusCode::kNotFound;
    }
    stats->index_errors += index_error;
    ++stats->chunks_read_whole;
    st = ReadLeafRowsWhole(rg, leaf, rows, &leaves[i]);
    if (!st.ok()) return st.WithContext(context);
  }
  return Assemble(rg, plans, leaves, rows.num_rows());
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
