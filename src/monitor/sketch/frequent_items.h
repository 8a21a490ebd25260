// FrequentItems: weighted counts of string items in at most `capacity` counters
// (Misra–Gries, "Finding repeated elements", 1982), mergeable as in Agarwal et al.,
// "Mergeable Summaries" (PODS 2012), with a per-item error term as SpaceSaving
// keeps one (Metwally, Agrawal, El Abbadi 2005).
//
// While at most `capacity` distinct items have been seen, the counts are exact
// (exact() is true). When a new item would need counter capacity+1, the counters
// are purged: with d the value of the r-th largest counter, r = ceil((capacity+1)/2),
// every counter drops by d and those at or below zero go; `offset` grows by d.
// Every kept item also records `base`, the offset when it was (last) inserted: the
// most it can have lost before. Then
//     upper(item) = counter + offset                 (offset for an absent item)
//     lower(item) = counter + offset - base          (0 for an absent item)
//     lower(item) <= true count <= upper(item),
// and offset <= 2 n / (capacity + 1), where n is the total weight added; the same
// holds after any tree of merges (each purge removes at least r * d weight, and
// merging adds bounds). So every item with true count > 2n / (capacity + 1) is
// among the counters, and one kept since the start (base 0) is counted exactly.
// Halving on purge keeps Add amortized O(1).
//
// Thread-safety: none; a value, one writer at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "common/string_hash.h"

namespace lakewatch::monitor::sketch {

class FrequentItems {
 public:
  static constexpr uint32_t kDefaultCapacity = 1024;
  static constexpr uint32_t kMinCapacity = 2;
  static constexpr uint32_t kMaxCapacity = uint32_t{1} << 24;

  // An item with the bounds on its true count.
  struct Item {
    std::string item;
    uint64_t lower;  // guaranteed <= true count
    uint64_t upper;  // guaranteed >= true count
  };

  // REQUIRES: kMinCapacity <= capacity <= kMaxCapacity.
  explicit FrequentItems(uint32_t capacity = kDefaultCapacity);

  // Adds `count` occurrences of `item` (count 0 is a no-op).
  void Add(std::string_view item, uint64_t count = 1);
  // Folds in `other`'s counts; InvalidArgument when the capacities differ.
  Status Merge(const FrequentItems& other);

  uint32_t capacity() const { return capacity_; }
  uint64_t total() const { return total_; }  // n: the total weight added
  bool empty() const { return total_ == 0; }
  // True while no purge happened: counters are the exact counts of every item.
  bool exact() const { return offset_ == 0; }
  // The most any upper bound can exceed the true count by (offset).
  uint64_t max_error() const { return offset_; }
  size_t num_counters() const { return counters_.size(); }

  uint64_t LowerBound(std::string_view item) const;
  uint64_t UpperBound(std::string_view item) const;
  // Every counted item, by decreasing lower bound then by item; at most `limit`.
  std::vector<Item> Items(size_t limit = SIZE_MAX) const;

  // Bytes (layout at the top of frequent_items.cc; items in sorted order, so equal
  // sketches give equal bytes) and back; Corrupt for malformed bytes.
  std::string Serialize() const;
  static Result<FrequentItems> Deserialize(std::string_view bytes);

 private:
  struct Counter {
    uint64_t count;  // the Misra–Gries counter
    uint64_t base;   // offset_ when inserted, adjusted by merges; <= offset_
  };
  void Purge();

  uint32_t capacity_;
  uint64_t total_ = 0;
  uint64_t offset_ = 0;
  std::unordered_map<std::string, Counter, StringHash, std::equal_to<>> counters_;
};

}  // namespace lakewatch::monitor::sketch
