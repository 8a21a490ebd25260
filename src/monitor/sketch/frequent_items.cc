// FrequentItems payload byte layout (inside the envelope of sketch_encoding.cc,
// kind kFrequentItems; varints LEB128):
//
//   varint   capacity
//   varint   total, the weight added (n)
//   varint   offset, the largest possible under-count
//   varint   c, the number of counters (<= capacity)
//   c times: bytes item (varint length, then the bytes), varint count (>= 1),
//            varint base (<= offset); items in strictly ascending byte order
//
// Invariants checked on reading: sum of counts + r * offset <= total (each purge
// removes at least r times what it adds to offset, r = ceil((capacity+1)/2)); the
// lower bounds sum to at most total; with offset 0 (exact) the counts sum to total.
#include "monitor/sketch/frequent_items.h"

#include <algorithm>
#include <cassert>

#include "monitor/sketch/sketch_encoding.h"

namespace lakewatch::monitor::sketch {
namespace {

// The rank of the counter whose value a purge subtracts: ceil((capacity + 1) / 2).
uint64_t PurgeRank(uint32_t capacity) { return (uint64_t{capacity} + 2) / 2; }

}  // namespace

FrequentItems::FrequentItems(uint32_t capacity) : capacity_(capacity) {
  assert(capacity >= kMinCapacity && capacity <= kMaxCapacity);
}

void FrequentItems::Add(std::string_view item, uint64_t count) {
  if (count == 0) return;
  total_ += count;
  auto it = counters_.find(item);
  if (it != counters_.end()) {
    it->second.count += count;
    return;
  }
  counters_.emplace(std::string(item), Counter{count, offset_});
  if (counters_.size() > capacity_) Purge();
}

void FrequentItems::Purge() {
  std::vector<uint64_t> counts;
  counts.reserve(counters_.size());
  for (const auto& entry : counters_) counts.push_back(entry.second.count);
  size_t r = static_cast<size_t>(PurgeRank(capacity_));
  assert(counts.size() >= r);
  std::nth_element(counts.begin(), counts.begin() + static_cast<std::ptrdiff_t>(r - 1),
                   counts.end(), std::greater<>());
  uint64_t d = counts[r - 1];
  for (auto it = counters_.begin(); it != counters_.end();) {
    if (it->second.count <= d) {
      it = counters_.erase(it);
    } else {
      it->second.count -= d;
      ++it;
    }
  }
  offset_ += d;
}

Status FrequentItems::Merge(const FrequentItems& other) {
  if (other.capacity_ != capacity_) {
    return Status::InvalidArgument("frequent items: cannot merge capacity " +
                                   std::to_string(other.capacity_) + " into capacity " +
                                   std::to_string(capacity_));
  }
  if (other.total_ > kMaxSketchRows - total_ || other.offset_ > kMaxSketchRows - offset_) {
    return Status::InvalidArgument("frequent items: the merged count would exceed 2^62 rows");
  }
  if (&other == this) {
    FrequentItems copy = other;
    return Merge(copy);
  }
  // Bounds add: an item one side lacks has a count in [0, that side's offset].
  for (auto& [item, mine] : counters_) {
    auto theirs = other.counters_.find(item);
    if (theirs != other.counters_.end()) {
      mine.count += theirs->second.count;
      mine.base += theirs->second.base;
    } else {
      mine.base += other.offset_;
    }
  }
  for (const auto& [item, theirs] : other.counters_) {
    if (counters_.find(item) == counters_.end()) {
      counters_.emplace(item, Counter{theirs.count, theirs.base + offset_});
    }
  }
  total_ += other.total_;
  offset_ += other.offset_;
  if (counters_.size() > capacity_) Purge();
  return Status::OK();
}

uint64_t FrequentItems::LowerBound(std::string_view item) const {
  auto it = counters_.find(item);
  return it == counters_.end() ? 0 : it->second.count + offset_ - it->second.base;
}

uint64_t FrequentItems::UpperBound(std::string_view item) const {
  auto it = counters_.find(item);
  return it == counters_.end() ? offset_ : it->second.count + offset_;
}

std::vector<FrequentItems::Item> FrequentItems::Items(size_t limit) const {
  std::vector<Item> out;
  out.reserve(counters_.size());
  for (const auto& [item, c] : counters_) {
    out.push_back({item, c.count + offset_ - c.base, c.count + offset_});
  }
  auto order = [](const Item& a, const Item& b) {
    return a.lower != b.lower ? a.lower > b.lower : a.item < b.item;
  };
  if (limit < out.size()) {
    std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(limit), out.end(),
                      order);
    out.resize(limit);
  } else {
    std::sort(out.begin(), out.end(), order);
  }
  return out;
}

// ---- serialization

std::string FrequentItems::Serialize() const {
  std::vector<std::pair<std::string_view, Counter>> sorted(counters_.begin(), counters_.end());
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  ByteWriter w;
  w.Varint(capacity_);
  w.Varint(total_);
  w.Varint(offset_);
  w.Varint(sorted.size());
  for (const auto& [item, c] : sorted) {
    w.Bytes(item);
    w.Varint(c.count);
    w.Varint(c.base);
  }
  return std::move(w).Seal(SketchKind::kFrequentItems);
}

Result<FrequentItems> FrequentItems::Deserialize(std::string_view bytes) {
  LW_ASSIGN_OR_RETURN(ByteReader r,
                      OpenEnvelope(bytes, SketchKind::kFrequentItems, "frequent items"));
  uint64_t capacity, total, offset, num;
  LW_RETURN_IF_ERROR(r.Varint(&capacity, "capacity"));
  if (capacity < kMinCapacity || capacity > kMaxCapacity) {
    return r.Error("capacity " + std::to_string(capacity) + " outside " +
                   std::to_string(kMinCapacity) + ".." + std::to_string(kMaxCapacity));
  }
  LW_RETURN_IF_ERROR(r.Varint(&total, "total"));
  LW_RETURN_IF_ERROR(r.Varint(&offset, "offset"));
  LW_RETURN_IF_ERROR(r.Varint(&num, "counter count"));
  // No count of rows comes near 2^62: larger ones are damage (and would overflow a merge).
  if (total > kMaxSketchRows || offset > kMaxSketchRows) return r.Error("implausible total");
  if (num > capacity) {
    return r.Error(std::to_string(num) + " counters exceed the capacity " +
                   std::to_string(capacity));
  }
  FrequentItems fi(static_cast<uint32_t>(capacity));
  fi.total_ = total;
  fi.offset_ = offset;
  unsigned __int128 sum = 0, lower_sum = 0;
  std::string_view prev;
  for (uint64_t i = 0; i < num; ++i) {
    std::string_view item;
    Counter c;
    LW_RETURN_IF_ERROR(r.Bytes(&item, "item"));
    if (i > 0 && !(prev < item)) return r.Error("items not in strictly ascending order");
    LW_RETURN_IF_ERROR(r.Varint(&c.count, "item count"));
    if (c.count == 0) return r.Error("item with count 0");
    LW_RETURN_IF_ERROR(r.Varint(&c.base, "item base"));
    if (c.base > offset) return r.Error("item base above the offset");
    fi.counters_.emplace(item, c);
    sum += c.count;
    lower_sum += c.count + (offset - c.base);
    prev = item;
  }
  LW_RETURN_IF_ERROR(r.ExpectEnd());
  if (lower_sum > total) {
    return r.Error("lower bounds exceed the total weight " + std::to_string(total));
  }
  unsigned __int128 accounted =
      sum + static_cast<unsigned __int128>(offset) * PurgeRank(fi.capacity_);
  if (accounted > total) {
    return r.Error("counts and offset exceed the total weight " + std::to_string(total));
  }
  if (offset == 0 && sum != total) {
    return r.Error("exact counts do not sum to the total weight " + std::to_string(total));
  }
  return fi;
}

}  // namespace lakewatch::monitor::sketch
