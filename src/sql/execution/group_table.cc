#include "sql/execution/group_table.h"

#include <cmath>

#include "sql/execution/vector_ops.h"

namespace lakewatch::sql {

GroupTable::GroupTable(std::vector<TypePtr> key_types) : types_(std::move(key_types)) {
  for (const TypePtr& t : types_) stored_.push_back(Column::Make(t));
  slots_.assign(1024, 0);
  mask_ = slots_.size() - 1;
}

size_t GroupTable::MemoryUsage() const {
  size_t bytes = slots_.size() * sizeof(uint64_t) + hashes_.capacity() * sizeof(uint64_t);
  for (const ColumnPtr& c : stored_) bytes += c->data.capacity() + c->offsets.capacity() + c->validity.capacity();
  return bytes;
}

bool KeyEquals(const Column& a, int64_t i, const Column& b, int64_t j) {
  switch (a.type->id()) {
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz: {
      bool va = a.IsValid(i), vb = b.IsValid(j);
      if (!va || !vb) return va == vb;
      return a.Value<int64_t>(i) == b.Value<int64_t>(j);
    }
    case TypeId::kInt32:
    case TypeId::kDate: {
      bool va = a.IsValid(i), vb = b.IsValid(j);
      if (!va || !vb) return va == vb;
      return a.Value<int32_t>(i) == b.Value<int32_t>(j);
    }
    case TypeId::kString:
    case TypeId::kBinary: {
      bool va = a.IsValid(i), vb = b.IsValid(j);
      if (!va || !vb) return va == vb;
      return a.GetString(i) == b.GetString(j);
    }
    case TypeId::kDouble: {
      bool va = a.IsValid(i), vb = b.IsValid(j);
      if (!va || !vb) return va == vb;
      double x = a.Value<double>(i), y = b.Value<double>(j);
      return x == y || (std::isnan(x) && std::isnan(y));
    }
    default: return a.RowEquals(i, b, j);
  }
}

bool GroupTable::KeysEqual(uint32_t group, const std::vector<ColumnPtr>& keys, int64_t row) const {
  for (size_t c = 0; c < keys.size(); ++c) {
    if (!KeyEquals(*stored_[c], group, *keys[c], row)) return false;
  }
  return true;
}

namespace {

constexpr uint64_t kTagMask = ~uint64_t{0xFFFFFFFF};
constexpr int64_t kPrefetchAhead = 16;

inline uint64_t SlotOf(uint64_t hash, uint32_t group) { return (hash & kTagMask) | (uint64_t{group} + 1); }

}  // namespace

void GroupTable::Grow() {
  std::vector<uint64_t> next(slots_.size() * 2, 0);
  size_t mask = next.size() - 1;
  for (uint32_t g = 0; g < num_groups_; ++g) {
    size_t s = hashes_[g] & mask;
    while (next[s] != 0) s = (s + 1) & mask;
    next[s] = SlotOf(hashes_[g], g);
  }
  slots_.swap(next);
  mask_ = mask;
}

void GroupTable::FindOrInsert(const std::vector<ColumnPtr>& keys, int64_t n, uint32_t* gids) {
  std::vector<uint64_t> h(static_cast<size_t>(n));
  if (keys.empty()) {
    std::fill(h.begin(), h.end(), 0);
  }
  for (size_t c = 0; c < keys.size(); ++c) HashColumn(*keys[c], h.data(), n, c == 0);
  FindOrInsertHashed(keys, h.data(), n, gids);
}

void GroupTable::FindOrInsertHashed(const std::vector<ColumnPtr>& keys, const uint64_t* h, int64_t n,
                                    uint32_t* gids) {
  for (int64_t i = 0; i < n; ++i) {
    if (i + kPrefetchAhead < n) __builtin_prefetch(&slots_[h[i + kPrefetchAhead] & mask_]);
    const uint64_t tag = h[i] & kTagMask;
    size_t s = h[i] & mask_;
    while (true) {
      uint64_t slot = slots_[s];
      if (slot == 0) {
        uint32_t g = static_cast<uint32_t>(num_groups_++);
        for (size_t c = 0; c < keys.size(); ++c) stored_[c]->AppendFrom(*keys[c], i);
        hashes_.push_back(h[i]);
        slots_[s] = SlotOf(h[i], g);
        gids[i] = g;
        if (num_groups_ * 2 > slots_.size()) Grow();
        break;
      }
      uint32_t g = static_cast<uint32_t>(slot) - 1;
      if ((slot & kTagMask) == tag && hashes_[g] == h[i] && KeysEqual(g, keys, i)) {
        gids[i] = g;
        break;
      }
      s = (s + 1) & mask_;
    }
  }
}

}  // namespace lakewatch::sql
