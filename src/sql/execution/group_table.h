// GroupTable: a hash table from key tuples to dense group ids 0, 1, 2, …
// (open addressing, linear probing, load ≤ 1/2), keeping the keys of every
// group in columns. A slot holds the group id and the high 32 bits of its
// hash, so a probe rarely touches a group's hash or keys that differ; probes
// prefetch the slots of the rows ahead (large tables are cache misses). Used
// by hash aggregation (GROUP BY, DISTINCT) and by DISTINCT aggregates.
//
// Keys compare as SQL GROUP BY does: NULL equals NULL, NaN equals NaN, -0.0
// equals 0.0.
//
// Thread-safety: none; one table per thread (merged afterwards).
#pragma once

#include <cstdint>
#include <vector>

#include "common/column.h"

namespace lakewatch::sql {

// Row i of `a` equals row j of `b` as grouping and join keys compare (see
// above; same types).
bool KeyEquals(const Column& a, int64_t i, const Column& b, int64_t j);

class GroupTable {
 public:
  explicit GroupTable(std::vector<TypePtr> key_types);

  // For rows 0..n of `keys` (one column per key type, n rows each) writes
  // each row's group id to gids[i], adding new groups as needed.
  void FindOrInsert(const std::vector<ColumnPtr>& keys, int64_t n, uint32_t* gids);
  // Same with precomputed hashes (HashColumn over the keys).
  void FindOrInsertHashed(const std::vector<ColumnPtr>& keys, const uint64_t* hashes, int64_t n, uint32_t* gids);

  size_t size() const { return num_groups_; }
  // Keys of group g at row g of each column.
  const std::vector<ColumnPtr>& keys() const { return stored_; }
  size_t MemoryUsage() const;

 private:
  bool KeysEqual(uint32_t group, const std::vector<ColumnPtr>& keys, int64_t row) const;
  void Grow();

  std::vector<TypePtr> types_;
  std::vector<ColumnPtr> stored_;
  // (hash >> 32) << 32 | (group id + 1); 0 = empty.
  std::vector<uint64_t> slots_;
  std::vector<uint64_t> hashes_;  // hash per group
  size_t mask_ = 0;
  size_t num_groups_ = 0;
};

}  // namespace lakewatch::sql
