// Reads the format written by sidecar_builder.cc (byte layout at its top).
#include "index/sidecar_reader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
// Inlined (the header of the system package): the vectorized XXH3 is several times faster
// than the shared library's on checksums of megabytes.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "index/key_filter.h"
#include "index/sidecar_builder.h"
#include "index/sidecar_format.h"
#include "index/tokenizer.h"
#include "parquet/bit_util.h"

namespace lakewatch::index {

using parquet::LoadLE32;
using parquet::LoadLE64;

struct SidecarReader::Section {
  const uint8_t* frequent_keys = nullptr;  // u64[num_frequent]
  const uint8_t* posting_end = nullptr;    // u32[num_frequent]
  const uint8_t* filter_end = nullptr;     // u32[num_blocks]
  const uint8_t* postings = nullptr;
  const uint8_t* filters = nullptr;
  uint32_t num_frequent = 0;
  int bits = 0;

  std::string_view Posting(uint32_t k) const {
    const uint32_t begin = k == 0 ? 0 : LoadLE32(posting_end + 4 * (k - 1));
    return {reinterpret_cast<const char*>(postings) + begin, LoadLE32(posting_end + 4 * k) - begin};
  }
  std::string_view Filter(int64_t b) const {
    const uint32_t begin = b == 0 ? 0 : LoadLE32(filter_end + 4 * (b - 1));
    return {reinterpret_cast<const char*>(filters) + begin, LoadLE32(filter_end + 4 * b) - begin};
  }
  // Index of `key` among the frequent keys, or -1.
  int64_t FindFrequent(uint64_t key) const {
    uint32_t lo = 0, hi = num_frequent;
    while (lo < hi) {
      const uint32_t mid = lo + (hi - lo) / 2;
      const uint64_t k = LoadLE64(frequent_keys + 8 * size_t{mid});
      if (k == key) return mid;
      if (k < key) lo = mid + 1;
      else hi = mid;
    }
    return -1;
  }
};

SidecarReader::~SidecarReader() = default;

Result<std::unique_ptr<SidecarReader>> SidecarReader::Make(std::string name, SidecarReadOptions options,
                                                           std::shared_ptr<const uint8_t> bytes, size_t size) {
  std::unique_ptr<SidecarReader> r(new SidecarReader());
  r->name_ = std::move(name);
  r->options_ = options;
  r->bytes_ = std::move(bytes);
  r->data_ = r->bytes_.get();
  r->size_ = size;
  LW_RETURN_IF_ERROR(r->Init());
  return r;
}

Result<std::unique_ptr<SidecarReader>> SidecarReader::Open(const std::string& path, SidecarReadOptions options) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound(path + ": no such sidecar");
    return Status::IOError(path + ": " + std::strerror(errno));
  }
  struct stat sb;
  void* m = nullptr;
  Status st;
  if (::fstat(fd, &sb) != 0) {
    st = Status::IOError(path + ": fstat: " + std::strerror(errno));
  } else if (sb.st_size > 0) {
    m = ::mmap(nullptr, static_cast<size_t>(sb.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (m == MAP_FAILED) st = Status::IOError(path + ": mmap: " + std::strerror(errno));
  }
  ::close(fd);
  LW_RETURN_IF_ERROR(st);
  const size_t size = static_cast<size_t>(sb.st_size);
  // Unmapped when the reader (the last owner) goes.
  std::shared_ptr<const uint8_t> bytes(static_cast<const uint8_t*>(m), [size](const uint8_t* p) {
    if (p != nullptr) ::munmap(const_cast<uint8_t*>(p), size);
  });
  return Make(path, options, std::move(bytes), size);
}

Result<std::unique_ptr<SidecarReader>> SidecarReader::FromBuffer(std::string bytes, std::string name,
                                                                 SidecarReadOptions options) {
  auto owned = std::make_shared<const std::string>(std::move(bytes));
  const auto* data = reinterpret_cast<const uint8_t*>(owned->data());
  return Make(std::move(name), options, std::shared_ptr<const uint8_t>(owned, data), owned->size());
}

Status SidecarReader::Init() {
  auto corrupt = [&](std::string_view what) {
    return Status::Corrupt(fmt::format("{}: not a valid search index sidecar: {}", name_, what));
  };
  if (size_ < format::kHeaderBytes) return corrupt(fmt::format("{} bytes, shorter than the header", size_));
  if (std::memcmp(data_, format::kMagic.data(), format::kMagic.size()) != 0) return corrupt("bad magic");
  const uint32_t version = LoadLE32(data_ + 8);
  if (version != format::kVersion) {
    return Status::NotSupported(fmt::format("{}: sidecar format version {} (this build reads {})", name_, version,
                                            format::kVersion));
  }
  block_rows_ = LoadLE32(data_ + 12);
  const uint64_t rows = LoadLE64(data_ + 16);
  const uint64_t file_size = LoadLE64(data_ + 24);
  const uint32_t num_columns = LoadLE32(data_ + 32);
  const uint32_t directory_bytes = LoadLE32(data_ + 36);
  if (block_rows_ < 1 || block_rows_ > format::kMaxBlockRows) return corrupt(fmt::format("block of {} rows", block_rows_));
  if (rows > (uint64_t{1} << 62) || file_size > (uint64_t{1} << 62)) return corrupt("row count or file size out of range");
  num_rows_ = static_cast<int64_t>(rows);
  data_file_size_ = static_cast<int64_t>(file_size);
  num_blocks_ = (num_rows_ + block_rows_ - 1) / block_rows_;
  if (num_blocks_ > UINT32_MAX) return corrupt("too many blocks");
  if (directory_bytes > size_ - format::kHeaderBytes) return corrupt("directory runs past the end of the file");
  const uint8_t* dir = data_ + format::kHeaderBytes;
  if (options_.verify_checksums) {
    const uint64_t want = LoadLE64(data_ + format::kChecksummedHeaderBytes);
    const uint64_t got =
        XXH3_64bits_withSeed(dir, directory_bytes, XXH3_64bits(data_, format::kChecksummedHeaderBytes));
    if (want != got) return corrupt("header checksum mismatch");
  }
  const uint8_t* p = dir;
  const uint8_t* const end = dir + directory_bytes;
  for (uint32_t i = 0; i < num_columns; ++i) {
    if (static_cast<size_t>(end - p) < format::kEntryFixedBytes) return corrupt("truncated directory");
    const uint8_t kind = p[0];
    const int bits = p[1];
    const uint16_t path_bytes = parquet::LoadLE16(p + 2);
    if (static_cast<size_t>(end - p) < format::kEntryFixedBytes + path_bytes) return corrupt("truncated directory");
    if (kind != static_cast<uint8_t>(IndexKind::kText) && kind != static_cast<uint8_t>(IndexKind::kKeyword)) {
      return corrupt(fmt::format("column {} has unknown index kind {}", i, kind));
    }
    if (bits < kMinFingerprintBits || bits > kMaxFingerprintBits) {
      return corrupt(fmt::format("column {} has {}-bit fingerprints", i, bits));
    }
    IndexedColumnInfo info;
    info.column.kind = static_cast<IndexKind>(kind);
    info.column.path.assign(reinterpret_cast<const char*>(p + 4), path_bytes);
    info.fingerprint_bits = bits;
    p += 4 + path_bytes;
    const uint64_t rows_indexed = LoadLE64(p), offset = LoadLE64(p + 8), bytes = LoadLE64(p + 16);
    const uint64_t checksum = LoadLE64(p + 24);
    p += 32;
    if (rows_indexed > rows) return corrupt(fmt::format("column '{}' indexes more rows than the file has", info.column.path));
    if (offset < format::kHeaderBytes + directory_bytes || offset > size_ || bytes > size_ - offset) {
      return corrupt(fmt::format("column '{}' section [{}, +{}) outside the file", info.column.path, offset, bytes));
    }
    info.rows_indexed = static_cast<int64_t>(rows_indexed);
    info.bytes = static_cast<int64_t>(bytes);
    columns_.push_back(std::move(info));
    section_extent_.emplace_back(offset, bytes);
    section_checksum_.push_back(checksum);
  }
  if (p != end) return corrupt("trailing bytes in the directory");
  sections_.resize(columns_.size());
  return Status::OK();
}

const IndexedColumnInfo* SidecarReader::FindColumn(std::string_view column, IndexKind kind) const {
  for (const IndexedColumnInfo& c : columns_) {
    if (c.column.kind == kind && c.column.path == column) return &c;
  }
  return nullptr;
}

Result<std::shared_ptr<const SidecarReader::Section>> SidecarReader::GetSection(size_t column) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (sections_[column] != nullptr) return sections_[column];
  const std::string& path = columns_[column].column.path;
  auto corrupt = [&](std::string_view what) {
    return Status::Corrupt(fmt::format("{}: index of column '{}': {}", name_, path, what));
  };
  const auto [offset, bytes] = section_extent_[column];
  const uint8_t* s = data_ + offset;
  if (options_.verify_checksums && XXH3_64bits(s, bytes) != section_checksum_[column]) {
    return corrupt("checksum mismatch");
  }
  if (bytes < format::kSectionHeaderBytes) return corrupt("truncated section");
  const uint32_t blocks = LoadLE32(s);
  auto sec = std::make_shared<Section>();
  sec->num_frequent = LoadLE32(s + 4);
  sec->bits = columns_[column].fingerprint_bits;
  if (blocks != num_blocks_) return corrupt(fmt::format("{} blocks, the header implies {}", blocks, num_blocks_));
  const uint64_t arrays = format::kSectionHeaderBytes + 12 * uint64_t{sec->num_frequent} + 4 * uint64_t{blocks};
  if (arrays > bytes) return corrupt("block and key tables run past the section");
  sec->frequent_keys = s + format::kSectionHeaderBytes;
  sec->posting_end = sec->frequent_keys + 8 * size_t{sec->num_frequent};
  sec->filter_end = sec->posting_end + 4 * size_t{sec->num_frequent};
  sec->postings = sec->filter_end + 4 * size_t{blocks};
  const uint64_t rest = bytes - arrays;
  uint64_t prev = 0;
  for (uint32_t k = 0; k < sec->num_frequent; ++k) {
    const uint32_t e = LoadLE32(sec->posting_end + 4 * size_t{k});
    if (e < prev || e > rest) return corrupt(fmt::format("posting {} ends at {}", k, e));
    prev = e;
    if (k > 0 && LoadLE64(sec->frequent_keys + 8 * size_t{k}) <= LoadLE64(sec->frequent_keys + 8 * size_t{k - 1})) {
      return corrupt("frequent keys not ascending");
    }
  }
  sec->filters = sec->postings + prev;
  const uint64_t filter_bytes = rest - prev;
  prev = 0;
  for (uint32_t b = 0; b < blocks; ++b) {
    const uint32_t e = LoadLE32(sec->filter_end + 4 * size_t{b});
    // Every filter has at least its kind byte.
    if (e <= prev || e > filter_bytes) return corrupt(fmt::format("filter of block {} ends at {}", b, e));
    prev = e;
  }
  if (prev != filter_bytes) return corrupt("trailing bytes after the filters");
  sections_[column] = sec;
  return std::shared_ptr<const Section>(sec);
}

Result<RowRanges> SidecarReader::LookupKeys(size_t column, const std::vector<uint64_t>& keys) const {
  LW_ASSIGN_OR_RETURN(std::shared_ptr<const Section> sec, GetSection(column));
  const std::string& path = columns_[column].column.path;
  auto corrupt = [&](std::string_view what) {
    return Status::Corrupt(fmt::format("{}: index of column '{}': {}", name_, path, what));
  };
  const int64_t blocks = num_blocks_;
  std::vector<uint8_t> candidate(static_cast<size_t>(blocks), 1);
  std::vector<uint8_t> listed;
  // Probes block b's filter; false only when the filter excludes `key`.
  auto filter_may_contain = [&](int64_t b, uint64_t key) -> Result<bool> {
    LW_ASSIGN_OR_RETURN(KeyFilterView f, KeyFilterView::Parse(sec->Filter(b), sec->bits, name_));
    return f.MayContain(key);
  };
  for (uint64_t key : keys) {
    const int64_t k = sec->FindFrequent(key);
    int64_t first_listed = blocks;  // blocks from here on are answered by the posting
    if (k >= 0) {
      const std::string_view posting = sec->Posting(static_cast<uint32_t>(k));
      const auto* p = reinterpret_cast<const uint8_t*>(posting.data());
      const uint8_t* const end = p + posting.size();
      uint64_t first = 0;
      if (!parquet::ReadUleb128(&p, end, &first) || first > static_cast<uint64_t>(blocks) || p == end) {
        return corrupt(fmt::format("bad posting {}", k));
      }
      first_listed = static_cast<int64_t>(first);
      listed.assign(static_cast<size_t>(blocks), 0);
      const uint8_t encoding = *p++;
      if (encoding == format::kPostingBitmap) {
        const uint64_t need = (static_cast<uint64_t>(blocks) - first + 7) / 8;
        if (static_cast<uint64_t>(end - p) != need) return corrupt(fmt::format("bitmap posting {} size", k));
        for (int64_t b = first_listed; b < blocks; ++b) {
          const int64_t j = b - first_listed;
          listed[static_cast<size_t>(b)] = (p[j / 8] >> (j % 8)) & 1;
        }
      } else if (encoding == format::kPostingList) {
        uint64_t n = 0;
        if (!parquet::ReadUleb128(&p, end, &n) || n > static_cast<uint64_t>(blocks)) {
          return corrupt(fmt::format("list posting {} length", k));
        }
        uint64_t b = first;
        for (uint64_t i = 0; i < n; ++i) {
          uint64_t gap = 0;
          if (!parquet::ReadUleb128(&p, end, &gap) || gap >= static_cast<uint64_t>(blocks) ||
              b + gap >= static_cast<uint64_t>(blocks)) {
            return corrupt(fmt::format("list posting {} entry {}", k, i));
          }
          b += gap;
          listed[b] = 1;
          ++b;
        }
        if (p != end) return corrupt(fmt::format("list posting {} has trailing bytes", k));
      } else {
        return corrupt(fmt::format("posting {} has unknown encoding {}", k, encoding));
      }
    }
    for (int64_t b = 0; b < blocks; ++b) {
      if (candidate[static_cast<size_t>(b)] == 0) continue;
      if (b >= first_listed) {
        candidate[static_cast<size_t>(b)] = listed[static_cast<size_t>(b)];
        continue;
      }
      LW_ASSIGN_OR_RETURN(bool may, filter_may_contain(b, key));
      candidate[static_cast<size_t>(b)] = may ? 1 : 0;
    }
  }
  RowRanges out;
  for (int64_t b = 0; b < blocks; ++b) {
    if (candidate[static_cast<size_t>(b)] == 0) continue;
    const int64_t begin = b * block_rows_;
    const int64_t end = std::min(num_rows_, begin + block_rows_);
    if (!out.empty() && out.back().end == begin) {
      out.back().end = end;
    } else {
      out.push_back({begin, end});
    }
  }
  return out;
}

namespace {

std::vector<uint64_t> TokenKeys(const std::vector<std::string_view>& words) {
  std::vector<uint64_t> keys;
  std::string scratch;
  for (std::string_view w : words) {
    ForEachToken(w, &scratch, [&](std::string_view t) { keys.push_back(KeyHash(t)); });
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

}  // namespace

Result<RowRanges> SidecarReader::Lookup(std::string_view column, const std::vector<std::string>& words) const {
  const IndexedColumnInfo* c = FindColumn(column, IndexKind::kText);
  if (c == nullptr) return Status::NotFound(fmt::format("{}: no text index on column '{}'", name_, column));
  return LookupKeys(static_cast<size_t>(c - columns_.data()),
                    TokenKeys(std::vector<std::string_view>(words.begin(), words.end())));
}

Result<RowRanges> SidecarReader::LookupExact(std::string_view column, std::string_view value) const {
  if (const IndexedColumnInfo* c = FindColumn(column, IndexKind::kKeyword)) {
    return LookupKeys(static_cast<size_t>(c - columns_.data()), {KeyHash(value)});
  }
  if (const IndexedColumnInfo* c = FindColumn(column, IndexKind::kText)) {
    return LookupKeys(static_cast<size_t>(c - columns_.data()), TokenKeys({value}));
  }
  return Status::NotFound(fmt::format("{}: no index on column '{}'", name_, column));
}

Status SidecarReader::VerifyAll() const {
  for (size_t i = 0; i < columns_.size(); ++i) {
    LW_ASSIGN_OR_RETURN(std::shared_ptr<const Section> sec, GetSection(i));
    for (int64_t b = 0; b < num_blocks_; ++b) {
      auto f = KeyFilterView::Parse(sec->Filter(b), sec->bits, name_);
      if (!f.ok()) return f.status().WithContext(fmt::format("column '{}' block {}", columns_[i].column.path, b));
    }
  }
  return Status::OK();
}

}  // namespace lakewatch::index
