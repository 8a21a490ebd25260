// Byte layout of a sidecar file (little-endian; constants in sidecar_format.h):
//
//   header, 48 bytes:
//     [0, 8)    magic "LWINDEX\x1a"
//     [8, 12)   u32 format version (2; 1 = an earlier key-filter hash, refused)
//     [12, 16)  u32 block_rows: block b holds rows [b * block_rows, (b + 1) * block_rows)
//     [16, 24)  u64 num_rows of the data file
//     [24, 32)  u64 size of the data file in bytes (0: unknown)
//     [32, 36)  u32 num_columns
//     [36, 40)  u32 directory_bytes
//     [40, 48)  u64 checksum: XXH3_64bits_withSeed(directory, XXH3_64bits(bytes [0, 40)))
//   directory, directory_bytes, one entry per column:
//     u8 kind (1 text, 2 keyword) | u8 fingerprint_bits | u16 path_bytes | path (dotted)
//     | u64 rows_indexed (non-null values) | u64 section_offset (from the file start)
//     | u64 section_bytes | u64 section_checksum (XXH3_64bits of the section)
//   sections, one per column, in directory order, each:
//     u32 num_blocks (= ceil(num_rows / block_rows)) | u32 num_frequent K
//     | u64 frequent_key[K], strictly ascending
//     | u32 posting_end[K]: posting k is postings[posting_end[k - 1], posting_end[k])
//     | u32 filter_end[num_blocks]: filter b is filters[filter_end[b - 1], filter_end[b])
//     | postings | filters
//   posting of a frequent key (it is listed exactly from first_block on; its
//   earlier blocks are in their filters):
//     uleb first_block | u8 encoding
//     encoding 0, bitmap: ceil((num_blocks - first_block) / 8) bytes, bit j (LSB-first)
//                         set when block first_block + j holds the key
//     encoding 1, list:   uleb n | n uleb gaps (block_0 - first_block, then
//                         block_i - block_{i-1} - 1)
//   filter of block b: a key filter (key_filter.cc) of the block's keys that
//   were not frequent when the block was closed.
//
// Keys are KeyHash() of a token (text columns) or of a whole value (keyword).
// A key becomes frequent when it occurs in two consecutive blocks, until a
// column has kMaxFrequentKeys frequent keys.
#include "index/sidecar_builder.h"

// Inlined (the header of the system package): the vectorized XXH3 is several times faster
// than the shared library's on checksums of megabytes.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <cstring>

#include <fmt/format.h>

#include "index/key_filter.h"
#include "index/sidecar_format.h"
#include "index/tokenizer.h"
#include "parquet/bit_util.h"

namespace lakewatch::index {

uint64_t KeyHash(std::string_view key) { return XXH3_64bits(key.data(), key.size()); }

namespace {

// An open-addressing map from key hashes to uint32 values (hashes are
// uniform: the low bits pick the slot). Clear() keeps the capacity.
class KeyTable {
 public:
  KeyTable() { Rehash(64); }

  // The value of `key`, or -1.
  int64_t Find(uint64_t key) const {
    if (key == 0) return has_zero_ ? zero_value_ : -1;
    for (uint64_t i = key & mask_;; i = (i + 1) & mask_) {
      if (slots_[i].key == key) return slots_[i].value;
      if (slots_[i].key == 0) return -1;
    }
  }
  // Inserts key → value unless present; true when inserted.
  bool Insert(uint64_t key, uint32_t value) {
    if (key == 0) {
      if (has_zero_) return false;
      has_zero_ = true;
      zero_value_ = value;
      keys_.push_back(key);
      return true;
    }
    uint64_t i = key & mask_;
    for (; slots_[i].key != 0; i = (i + 1) & mask_) {
      if (slots_[i].key == key) return false;
    }
    slots_[i] = {key, value};
    keys_.push_back(key);
    if (keys_.size() * 2 > slots_.size()) Rehash(slots_.size() * 2);
    return true;
  }
  // Keys in insertion order.
  const std::vector<uint64_t>& keys() const { return keys_; }
  void Clear() {
    if (keys_.empty()) return;
    if (keys_.size() * 16 < slots_.size() && slots_.size() > 4096) {
      Rehash(64);  // a block far smaller than the last: do not keep clearing a big table
    } else {
      std::fill(slots_.begin(), slots_.end(), Slot{});
    }
    keys_.clear();
    has_zero_ = false;
  }

 private:
  struct Slot {
    uint64_t key = 0;
    uint32_t value = 0;
  };
  void Rehash(size_t capacity) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    for (const Slot& s : old) {
      if (s.key == 0) continue;
      uint64_t i = s.key & mask_;
      while (slots_[i].key != 0) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }
  std::vector<Slot> slots_;
  std::vector<uint64_t> keys_;
  uint64_t mask_ = 0;
  bool has_zero_ = false;
  uint32_t zero_value_ = 0;
};

void AppendLE32(uint32_t v, Buffer* out) { out->AppendValue<uint32_t>(v); }
void AppendLE64(uint64_t v, Buffer* out) { out->AppendValue<uint64_t>(v); }

// Finds the column at dotted `path` in `batch`: a top-level column of that
// exact name, else the struct fields along the path. Null when absent.
const Column* FindColumn(const RecordBatch& batch, const std::string& path) {
  if (int i = batch.schema.FieldIndex(path); i >= 0) return batch.columns[i].get();
  const size_t dot = path.find('.');
  if (dot == std::string::npos) return nullptr;
  const std::string head = path.substr(0, dot);
  // A projection may hold one pruned struct per selected path: try each.
  for (size_t i = 0; i < batch.schema.fields.size(); ++i) {
    if (batch.schema.fields[i].name != head) continue;
    const Column* c = batch.columns[i].get();
    size_t pos = dot + 1;
    while (c != nullptr && pos <= path.size()) {
      if (c->type->id() != TypeId::kStruct) {
        c = nullptr;
        break;
      }
      size_t next = path.find('.', pos);
      if (next == std::string::npos) next = path.size();
      const int f = c->type->FieldIndex(path.substr(pos, next - pos));
      c = f >= 0 && static_cast<size_t>(f) < c->children.size() ? c->children[f].get() : nullptr;
      pos = next + 1;
    }
    if (c != nullptr) return c;
  }
  return nullptr;
}

}  // namespace

class SidecarBuilder::ColumnBuilder {
 public:
  ColumnBuilder(IndexColumn column, int bits, int64_t block_rows)
      : column_(std::move(column)), bits_(bits), block_rows_(block_rows) {}

  const IndexColumn& column() const { return column_; }
  int bits() const { return bits_; }
  int64_t rows_indexed() const { return rows_indexed_; }
  // Indexed when string-typed in some batch and never of another type.
  bool usable() const { return seen_string_ && !seen_other_; }

  void Add(const Column* c, int64_t row_offset) {
    if (c == nullptr) return;  // absent: null rows
    if (!c->type->is_binary_like()) {
      seen_other_ = true;
      return;
    }
    seen_string_ = true;
    int64_t next_boundary = (block_ + 1) * block_rows_;
    for (int64_t r = 0; r < c->length; ++r) {
      if (!c->IsValid(r)) continue;
      const int64_t row = row_offset + r;
      if (row >= next_boundary) {
        CloseBlocksBefore(row / block_rows_);
        next_boundary = (block_ + 1) * block_rows_;
      }
      ++rows_indexed_;
      const std::string_view v = c->GetString(r);
      if (column_.kind == IndexKind::kKeyword) {
        current_.Insert(KeyHash(v), 0);
      } else {
        ForEachToken(v, &scratch_, [&](std::string_view token) { current_.Insert(KeyHash(token), 0); });
      }
    }
  }

  // Closes the open block and every block before `block` (those get no keys).
  void CloseBlocksBefore(int64_t block) {
    while (block_ < block) CloseBlock();
  }

  // Appends the column's section (blocks already closed up to num_blocks).
  Status AppendSection(int64_t num_blocks, Buffer* out) const {
    assert(block_ == num_blocks);
    std::vector<uint32_t> order(frequent_.size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return frequent_[a].key < frequent_[b].key; });
    Buffer postings;
    std::vector<uint64_t> posting_end;
    for (uint32_t i : order) {
      AppendPosting(frequent_[i], num_blocks, &postings);
      posting_end.push_back(postings.size());
    }
    if (postings.size() > UINT32_MAX || filters_.size() > UINT32_MAX) {
      return Status::ResourceExhausted(fmt::format("index of column '{}' would pass 4 GiB", column_.path));
    }
    AppendLE32(static_cast<uint32_t>(num_blocks), out);
    AppendLE32(static_cast<uint32_t>(frequent_.size()), out);
    for (uint32_t i : order) AppendLE64(frequent_[i].key, out);
    for (uint64_t e : posting_end) AppendLE32(static_cast<uint32_t>(e), out);
    for (uint64_t e : filter_end_) AppendLE32(static_cast<uint32_t>(e), out);
    out->Append(postings.data(), postings.size());
    out->Append(filters_.data(), filters_.size());
    return Status::OK();
  }

 private:
  struct Frequent {
    uint64_t key = 0;
    int64_t first_block = 0;
    std::vector<uint64_t> blocks;  // bit b: block b holds the key (b >= first_block)
    void Set(int64_t b) {
      const size_t word = static_cast<size_t>(b) / 64;
      if (blocks.size() <= word) blocks.resize(word + 1, 0);
      blocks[word] |= uint64_t{1} << (b % 64);
    }
    bool Has(int64_t b) const {
      const size_t word = static_cast<size_t>(b) / 64;
      return word < blocks.size() && (blocks[word] >> (b % 64)) & 1;
    }
  };

  void CloseBlock() {
    filter_keys_.clear();
    for (uint64_t k : current_.keys()) {
      const int64_t f = frequent_index_.Find(k);
      if (f >= 0) {
        frequent_[static_cast<size_t>(f)].Set(block_);
      } else if (frequent_.size() < kMaxFrequentKeys && previous_.Find(k) >= 0) {
        frequent_index_.Insert(k, static_cast<uint32_t>(frequent_.size()));
        frequent_.push_back(Frequent{k, block_, {}});
        frequent_.back().Set(block_);
      } else {
        filter_keys_.push_back(k);
      }
    }
    AppendKeyFilter(&filter_keys_, bits_, &filters_);
    filter_end_.push_back(filters_.size());
    std::swap(previous_, current_);
    current_.Clear();
    ++block_;
  }

  static void AppendPosting(const Frequent& f, int64_t num_blocks, Buffer* out) {
    parquet::AppendUleb128(static_cast<uint64_t>(f.first_block), out);
    std::vector<int64_t> blocks;
    for (int64_t b = f.first_block; b < num_blocks; ++b) {
      if (f.Has(b)) blocks.push_back(b);
    }
    Buffer list;
    parquet::AppendUleb128(blocks.size(), &list);
    int64_t prev = f.first_block - 1;
    for (int64_t b : blocks) {
      parquet::AppendUleb128(static_cast<uint64_t>(b - prev - 1), &list);
      prev = b;
    }
    const size_t bitmap_bytes = static_cast<size_t>(num_blocks - f.first_block + 7) / 8;
    if (list.size() <= bitmap_bytes) {
      out->PushByte(format::kPostingList);
      out->Append(list.data(), list.size());
      return;
    }
    out->PushByte(format::kPostingBitmap);
    const size_t start = out->size();
    out->ResizeZeroed(start + bitmap_bytes);
    for (int64_t b : blocks) {
      const int64_t j = b - f.first_block;
      out->data()[start + static_cast<size_t>(j / 8)] |= static_cast<uint8_t>(1u << (j % 8));
    }
  }

  IndexColumn column_;
  int bits_;
  int64_t block_rows_;
  bool seen_string_ = false, seen_other_ = false;
  int64_t rows_indexed_ = 0;
  int64_t block_ = 0;  // the open block
  KeyTable current_, previous_;
  KeyTable frequent_index_;  // key → index in frequent_
  std::vector<Frequent> frequent_;
  std::vector<uint64_t> filter_keys_;
  Buffer filters_;
  std::vector<uint64_t> filter_end_;
  std::string scratch_;
};

SidecarBuilder::SidecarBuilder(SidecarOptions options) : options_(std::move(options)) {
  assert(options_.block_rows >= 1 && options_.block_rows <= format::kMaxBlockRows);
  for (const IndexColumn& c : options_.columns) {
    if (std::any_of(columns_.begin(), columns_.end(), [&](const auto& b) { return b->column() == c; })) continue;
    const int bits = c.kind == IndexKind::kText ? options_.text_fingerprint_bits : options_.keyword_fingerprint_bits;
    assert(bits >= kMinFingerprintBits && bits <= kMaxFingerprintBits);
    columns_.push_back(std::make_unique<ColumnBuilder>(c, bits, options_.block_rows));
  }
}

SidecarBuilder::~SidecarBuilder() = default;

Status SidecarBuilder::AddBatch(const RecordBatch& batch, int64_t row_offset) {
  if (row_offset != rows_) {
    return Status::InvalidArgument(
        fmt::format("sidecar builder: batch at row {}, expected row {} (batches in order, no gaps)", row_offset, rows_));
  }
  for (auto& c : columns_) c->Add(FindColumn(batch, c->column().path), row_offset);
  rows_ += batch.num_rows;
  return Status::OK();
}

Result<std::string> SidecarBuilder::Finish(int64_t data_file_size) {
  const int64_t num_blocks = (rows_ + options_.block_rows - 1) / options_.block_rows;
  if (num_blocks > UINT32_MAX) return Status::ResourceExhausted("sidecar: too many blocks");
  std::vector<const ColumnBuilder*> used;
  std::vector<Buffer> sections;
  for (auto& c : columns_) {
    if (!c->usable()) continue;
    c->CloseBlocksBefore(num_blocks);
    Buffer section;
    LW_RETURN_IF_ERROR(c->AppendSection(num_blocks, &section));
    used.push_back(c.get());
    sections.push_back(std::move(section));
  }
  Buffer directory;
  uint64_t offset = 0;
  for (size_t i = 0; i < used.size(); ++i) {
    offset += format::kEntryFixedBytes + std::min<size_t>(used[i]->column().path.size(), UINT16_MAX);
  }
  offset += format::kHeaderBytes;
  for (size_t i = 0; i < used.size(); ++i) {
    const std::string& path = used[i]->column().path;
    const uint16_t path_bytes = static_cast<uint16_t>(std::min<size_t>(path.size(), UINT16_MAX));
    directory.PushByte(static_cast<uint8_t>(used[i]->column().kind));
    directory.PushByte(static_cast<uint8_t>(used[i]->bits()));
    directory.AppendValue<uint16_t>(path_bytes);
    directory.Append(path.data(), path_bytes);
    AppendLE64(static_cast<uint64_t>(used[i]->rows_indexed()), &directory);
    AppendLE64(offset, &directory);
    AppendLE64(sections[i].size(), &directory);
    AppendLE64(XXH3_64bits(sections[i].data(), sections[i].size()), &directory);
    offset += sections[i].size();
  }
  Buffer header;
  header.Append(format::kMagic);
  AppendLE32(format::kVersion, &header);
  AppendLE32(static_cast<uint32_t>(options_.block_rows), &header);
  AppendLE64(static_cast<uint64_t>(rows_), &header);
  AppendLE64(static_cast<uint64_t>(std::max<int64_t>(data_file_size, 0)), &header);
  AppendLE32(static_cast<uint32_t>(used.size()), &header);
  AppendLE32(static_cast<uint32_t>(directory.size()), &header);
  AppendLE64(XXH3_64bits_withSeed(directory.data(), directory.size(),
                                  XXH3_64bits(header.data(), format::kChecksummedHeaderBytes)),
             &header);
  std::string out;
  out.reserve(offset);
  out.append(header.view());
  out.append(directory.view());
  for (const Buffer& s : sections) out.append(s.view());
  return out;
}

}  // namespace lakewatch::index
