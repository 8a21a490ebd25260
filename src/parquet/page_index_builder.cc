// What one column chunk's page index holds as built here (serialized with the
// Thrift compact protocol by metadata.cc; the file writer places it):
//   OffsetIndex { 1: page_locations = [ PageLocation { 1: offset (i64, file offset
//                   of the page header), 2: compressed_page_size (i32, header +
//                   body), 3: first_row_index (i64, row within the row group) } ... ] }
//   ColumnIndex { 1: null_pages   [bool per page: no non-null value]
//                 2: min_values   [binary per page: PLAIN bound, b"" for a null page]
//                 3: max_values   [binary per page: PLAIN bound, b"" for a null page]
//                 4: boundary_order (ASCENDING when both bound lists never
//                    decrease over the non-null pages, DESCENDING when they never
//                    increase, else UNORDERED; ASCENDING when both hold)
//                 5: null_counts  [i64 per page: entries below max definition level] }
#include "parquet/page_index_builder.h"

#include <utility>

#include "common/utf8.h"

namespace lakewatch::parquet {

namespace {

bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Decodes `s`, one UTF-8 character; false unless it is the one valid
// (shortest) encoding of a code point.
bool DecodeUtf8(std::string_view s, uint32_t* cp) {
  const auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  if (s.empty()) return false;
  uint32_t c;
  size_t n;
  if (b(0) < 0x80) {
    c = b(0);
    n = 1;
  } else if ((b(0) & 0xE0) == 0xC0) {
    c = b(0) & 0x1F;
    n = 2;
  } else if ((b(0) & 0xF0) == 0xE0) {
    c = b(0) & 0x0F;
    n = 3;
  } else if ((b(0) & 0xF8) == 0xF0) {
    c = b(0) & 0x07;
    n = 4;
  } else {
    return false;
  }
  if (s.size() != n) return false;
  for (size_t i = 1; i < n; ++i) {
    if (!IsContinuation(s[i])) return false;
    c = (c << 6) | (b(i) & 0x3F);
  }
  static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
  if (c < kMinForLength[n] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return false;
  *cp = c;
  return true;
}

bool IsUtf8(const LeafDescriptor& leaf) { return leaf.type->id() == TypeId::kString; }

bool IsByteArray(const LeafDescriptor& leaf) {
  return leaf.physical_type == Type::kByteArray && leaf.type->is_binary_like();
}

}  // namespace

std::string TruncateLowerBound(std::string_view value, size_t limit, bool utf8) {
  if (value.size() <= limit) return std::string(value);
  size_t n = limit;
  if (utf8) {
    while (n > 0 && IsContinuation(value[n])) --n;  // value[n] is the first byte cut off
  }
  return std::string(value.substr(0, n));
}

std::optional<std::string> TruncateUpperBound(std::string_view value, size_t limit, bool utf8) {
  if (value.size() <= limit) return std::string(value);
  std::string p = TruncateLowerBound(value, limit, utf8);
  while (!p.empty()) {
    if (!utf8) {
      const unsigned char last = static_cast<unsigned char>(p.back());
      if (last != 0xFF) {
        p.back() = static_cast<char>(last + 1);
        return p;
      }
      p.pop_back();
      continue;
    }
    // Replace the last character by the next code point; UTF-8 preserves
    // code-point order bytewise and is prefix-free, so the result is greater
    // than every string starting with the character it replaces.
    size_t start = p.size() - 1;
    while (start > 0 && IsContinuation(p[start])) --start;
    uint32_t cp;
    const bool valid = DecodeUtf8(std::string_view(p).substr(start), &cp);
    p.resize(start);
    if (!valid || cp == 0x10FFFF) continue;
    AppendUtf8(cp + 1 == 0xD800 ? 0xE000 : cp + 1, &p);
    return p;
  }
  return std::nullopt;
}

PageIndexBuilder::PageIndexBuilder(const LeafDescriptor& leaf) : leaf_(&leaf) { Reset(); }

void PageIndexBuilder::AddPage(int64_t offset, int64_t size, int64_t first_row,
                               int64_t non_null_values, const StatsCollector& stats) {
  offsets_.page_locations.push_back({offset, static_cast<int32_t>(size), first_row});
  const bool null_page = non_null_values == 0;
  bounds_.null_pages.push_back(null_page);
  bounds_.null_counts->push_back(stats.null_count());
  std::string& min = bounds_.min_values.emplace_back();
  std::string& max = bounds_.max_values.emplace_back();
  if (null_page || !bounds_ok_) return;
  if (!stats.has_bounds()) {  // values, but all NaN
    bounds_ok_ = false;
    return;
  }
  Scalar lo = stats.min(), hi = stats.max();
  if (IsByteArray(*leaf_)) {
    lo.str = TruncateLowerBound(lo.str, kMaxBoundBytes, IsUtf8(*leaf_));
    std::optional<std::string> upper = TruncateUpperBound(hi.str, kMaxBoundBytes, IsUtf8(*leaf_));
    if (!upper.has_value()) {
      bounds_ok_ = false;
      return;
    }
    hi.str = std::move(*upper);
  }
  EncodeBounds(*leaf_, lo, hi, &min, &max);
  if (have_previous_) {
    bool ok;
    const int c_min = CompareScalars(lo, previous_min_, &ok);
    const int c_max = CompareScalars(hi, previous_max_, &ok);
    if (c_min < 0 || c_max < 0) ascending_ = false;
    if (c_min > 0 || c_max > 0) descending_ = false;
  }
  previous_min_ = std::move(lo);
  previous_max_ = std::move(hi);
  have_previous_ = true;
}

void PageIndexBuilder::Finish(int64_t offset_shift, OffsetIndex* offset_index,
                              std::optional<ColumnIndex>* column_index) {
  for (PageLocation& loc : offsets_.page_locations) loc.offset += offset_shift;
  *offset_index = std::move(offsets_);
  column_index->reset();
  if (bounds_ok_) {
    bounds_.boundary_order = ascending_    ? BoundaryOrder::kAscending
                             : descending_ ? BoundaryOrder::kDescending
                                           : BoundaryOrder::kUnordered;
    *column_index = std::move(bounds_);
  }
  Reset();
}

void PageIndexBuilder::Reset() {
  offsets_ = OffsetIndex();
  bounds_ = ColumnIndex();
  bounds_.null_counts.emplace();
  bounds_ok_ = true;
  ascending_ = descending_ = true;
  have_previous_ = false;
}

}  // namespace lakewatch::parquet
