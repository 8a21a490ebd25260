#include "sql/execution/executor.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <numeric>
#include <thread>

#include "delta/table.h"
#include "index/index_config.h"
#include "index/sidecar_file.h"
#include "index/sidecar_reader.h"
#include "sql/execution/group_table.h"
#include "sql/execution/vector_ops.h"

namespace lakewatch::sql {

Status Executor::Reserve(int64_t bytes) {
  int64_t now = used_ += bytes;
  if (options_.memory_limit_bytes > 0 && now > options_.memory_limit_bytes) {
    return Status::ResourceExhausted("the query needs more than " + std::to_string(options_.memory_limit_bytes >> 20) +
                                     " MiB of memory (its limit; raise it with --memory-limit, or add filters / a LIMIT)");
  }
  return Status::OK();
}

namespace {

int64_t BatchBytes(const RecordBatch& b) {
  int64_t n = 0;
  std::function<void(const Column&)> add = [&](const Column& c) {
    n += static_cast<int64_t>(c.data.size() + c.offsets.size() + c.validity.size());
    for (const auto& ch : c.children) add(*ch);
  };
  for (const auto& c : b.columns) add(*c);
  return n;
}

// ---- sinks

// A sink receives the batches of a pipeline. Consume may be called from
// many threads with their own local state; Finish runs once at the end.
class Sink {
 public:
  virtual ~Sink() = default;
  struct Local {
    virtual ~Local() = default;
  };
  virtual std::unique_ptr<Local> MakeLocal() = 0;
  // `seq` orders morsels (ascending = source order).
  virtual Status Consume(Local* local, RecordBatch batch, uint64_t seq) = 0;
  virtual Status Combine(std::unique_ptr<Local> local) = 0;
  // True when the sink needs no more input (LIMIT reached).
  virtual bool Done() const { return false; }
  virtual Result<std::vector<RecordBatch>> Finish() = 0;
};

// Keeps every batch with its sequence number; Ordered() returns them in source order.
class BufferSink : public Sink {
 public:
  explicit BufferSink(Executor* ex) : ex_(ex) {}
  std::unique_ptr<Local> MakeLocal() override { return std::make_unique<Local>(); }
  Status Consume(Local*, RecordBatch batch, uint64_t seq) override {
    LW_RETURN_IF_ERROR(ex_->Reserve(BatchBytes(batch)));
    std::lock_guard<std::mutex> g(mu_);
    parts_.emplace_back(seq, std::move(batch));
    return Status::OK();
  }
  Status Combine(std::unique_ptr<Local>) override { return Status::OK(); }

 protected:
  std::vector<RecordBatch> Ordered() {
    std::stable_sort(parts_.begin(), parts_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<RecordBatch> out;
    for (auto& p : parts_) out.push_back(std::move(p.second));
    parts_.clear();
    return out;
  }
  Executor* ex_;

 private:
  std::mutex mu_;
  std::vector<std::pair<uint64_t, RecordBatch>> parts_;
};

class CollectSink : public BufferSink {
 public:
  using BufferSink::BufferSink;
  Result<std::vector<RecordBatch>> Finish() override { return Ordered(); }
};

class LimitSink : public Sink {
 public:
  LimitSink(Executor* ex, int64_t limit, int64_t offset, bool ordered)
      : ex_(ex), limit_(limit), offset_(offset), ordered_(ordered) {}
  std::unique_ptr<Local> MakeLocal() override { return std::make_unique<Local>(); }
  Status Consume(Local*, RecordBatch batch, uint64_t seq) override {
    std::lock_guard<std::mutex> g(mu_);
    if (done_) return Status::OK();
    rows_ += batch.num_rows;
    LW_RETURN_IF_ERROR(ex_->Reserve(BatchBytes(batch)));
    parts_.emplace_back(seq, std::move(batch));
    // Unordered input: any rows will do, stop once there are enough.
    // Ordered input comes from one thread in order: the same holds.
    if (limit_ >= 0 && rows_ >= limit_ + offset_) done_ = true;
    (void)ordered_;
    return Status::OK();
  }
  Status Combine(std::unique_ptr<Local>) override { return Status::OK(); }
  bool Done() const override { return done_; }
  Result<std::vector<RecordBatch>> Finish() override {
    std::stable_sort(parts_.begin(), parts_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<RecordBatch> out;
    int64_t skip = offset_, left = limit_ < 0 ? INT64_MAX : limit_;
    for (auto& [seq, b] : parts_) {
      if (left <= 0) break;
      int64_t begin = std::min(skip, b.num_rows);
      skip -= begin;
      int64_t end = b.num_rows - begin > left ? begin + left : b.num_rows;
      if (end <= begin) continue;
      left -= end - begin;
      if (begin == 0 && end == b.num_rows) {
        out.push_back(std::move(b));
      } else {
        out.push_back(b.Slice(begin, end));
      }
    }
    return out;
  }

 private:
  Executor* ex_;
  int64_t limit_, offset_;
  bool ordered_;
  std::mutex mu_;
  bool done_ = false;
  int64_t rows_ = 0;
  std::vector<std::pair<uint64_t, RecordBatch>> parts_;
};

class AggregateSink : public Sink {
 public:
  AggregateSink(Executor* ex, const PlanNode& node) : ex_(ex), node_(node) {
    for (const auto& g : node.groups) key_types_.push_back(g->type);
  }
  struct AggLocal : Local {
    std::unique_ptr<GroupTable> table;
    std::vector<std::unique_ptr<AggregateState>> states;
    int64_t reserved = 0;
  };
  std::unique_ptr<Local> MakeLocal() override {
    auto l = std::make_unique<AggLocal>();
    l->table = std::make_unique<GroupTable>(key_types_);
    for (const auto& a : node_.aggregates) l->states.push_back(a.make_state());
    // Aggregates that collect the same values keep one copy (the first's).
    for (size_t i = 0; i < node_.aggregates.size(); ++i) {
      if (node_.aggregates[i].share_key.empty()) continue;
      for (size_t j = 0; j < i; ++j) {
        if (node_.aggregates[j].share_key == node_.aggregates[i].share_key &&
            l->states[i]->ShareValuesOf(*l->states[j])) {
          break;
        }
      }
    }
    return l;
  }
  Status Consume(Local* lp, RecordBatch batch, uint64_t) override {
    auto* l = static_cast<AggLocal*>(lp);
    const int64_t n = batch.num_rows;
    std::vector<uint32_t> gids(static_cast<size_t>(n));
    if (node_.groups.empty()) {
      std::fill(gids.begin(), gids.end(), 0);
      if (l->table->size() == 0) {
        uint32_t g;
        l->table->FindOrInsert({}, 1, &g);
      }
    } else {
      std::vector<ColumnPtr> keys;
      for (const auto& g : node_.groups) {
        Datum d;
        LW_RETURN_IF_ERROR(Evaluate(*g, batch, &d));
        keys.push_back(Materialize(d, n));
      }
      l->table->FindOrInsert(keys, n, gids.data());
    }
    size_t groups = l->table->size();
    for (size_t a = 0; a < node_.aggregates.size(); ++a) {
      const BoundAggregate& agg = node_.aggregates[a];
      std::vector<Datum> args(agg.args.size());
      for (size_t k = 0; k < agg.args.size(); ++k) LW_RETURN_IF_ERROR(Evaluate(*agg.args[k], batch, &args[k]));
      l->states[a]->Resize(groups);
      l->states[a]->Update(args, gids.data(), n);
    }
    return Account(l);
  }
  Status Account(AggLocal* l) {
    int64_t bytes = static_cast<int64_t>(l->table->MemoryUsage());
    for (const auto& s : l->states) bytes += static_cast<int64_t>(s->MemoryUsage());
    int64_t delta = bytes - l->reserved;
    l->reserved = bytes;
    if (delta > 0) return ex_->Reserve(delta);
    ex_->Release(-delta);
    return Status::OK();
  }
  Status Combine(std::unique_ptr<Local> lp) override {
    std::unique_ptr<AggLocal> l(static_cast<AggLocal*>(lp.release()));
    std::lock_guard<std::mutex> g(mu_);
    if (!global_) {
      global_ = std::move(l);
      return Status::OK();
    }
    size_t og = l->table->size();
    std::vector<uint32_t> map(og);
    if (og > 0) {
      if (node_.groups.empty()) {
        if (global_->table->size() == 0) {
          uint32_t id;
          global_->table->FindOrInsert({}, 1, &id);
        }
        map[0] = 0;
      } else {
        global_->table->FindOrInsert(l->table->keys(), static_cast<int64_t>(og), map.data());
      }
    }
    for (size_t a = 0; a < global_->states.size(); ++a) {
      global_->states[a]->Resize(global_->table->size());
      global_->states[a]->Merge(*l->states[a], map.data(), og);
    }
    ex_->Release(l->reserved);
    return Account(global_.get());
  }
  Result<std::vector<RecordBatch>> Finish() override {
    if (!global_) global_.reset(static_cast<AggLocal*>(MakeLocal().release()));
    if (node_.groups.empty() && global_->table->size() == 0) {
      uint32_t id;
      global_->table->FindOrInsert({}, 1, &id);  // a global aggregate has one row even without input
    }
    size_t groups = global_->table->size();
    RecordBatch b;
    b.schema = node_.schema;
    b.num_rows = static_cast<int64_t>(groups);
    for (const auto& k : global_->table->keys()) b.columns.push_back(k);
    for (auto& s : global_->states) {
      s->Resize(groups);
      b.columns.push_back(s->Finalize(groups));
    }
    ex_->Release(global_->reserved);
    std::vector<RecordBatch> out;
    out.push_back(std::move(b));
    return out;
  }

 private:
  Executor* ex_;
  const PlanNode& node_;
  std::vector<TypePtr> key_types_;
  std::mutex mu_;
  std::unique_ptr<AggLocal> global_;
};

// Compares rows of the sort key columns.
struct RowComparator {
  const std::vector<ColumnPtr>* keys;
  const std::vector<SortKey>* spec;

  int CompareValues(const Column& c, int64_t a, int64_t b) const {
    switch (c.type->id()) {
      case TypeId::kBoolean:
      case TypeId::kInt8: return Cmp(c.Value<int8_t>(a), c.Value<int8_t>(b));
      case TypeId::kInt16: return Cmp(c.Value<int16_t>(a), c.Value<int16_t>(b));
      case TypeId::kInt32:
      case TypeId::kDate: return Cmp(c.Value<int32_t>(a), c.Value<int32_t>(b));
      case TypeId::kInt64:
      case TypeId::kTimestamp:
      case TypeId::kTimestampNtz:
      case TypeId::kTime: return Cmp(c.Value<int64_t>(a), c.Value<int64_t>(b));
      case TypeId::kFloat: return CmpF(c.Value<float>(a), c.Value<float>(b));
      case TypeId::kDouble: return CmpF(c.Value<double>(a), c.Value<double>(b));
      case TypeId::kDecimal: return Cmp(c.Value<__int128>(a), c.Value<__int128>(b));
      case TypeId::kString:
      case TypeId::kBinary: {
        int r = c.GetString(a).compare(c.GetString(b));
        return r < 0 ? -1 : r > 0;
      }
      case TypeId::kStruct:
        for (const auto& ch : c.children) {
          int r = CompareNullable(*ch, a, b, false);
          if (r != 0) return r;
        }
        return 0;
      case TypeId::kList: {
        int64_t la = c.ListEnd(a) - c.ListBegin(a), lb = c.ListEnd(b) - c.ListBegin(b);
        for (int64_t k = 0; k < std::min(la, lb); ++k) {
          // element-wise, lists compared lexicographically
          const Column& el = *c.children[0];
          int64_t x = c.ListBegin(a) + k, y = c.ListBegin(b) + k;
          bool vx = el.IsValid(x), vy = el.IsValid(y);
          if (!vx || !vy) {
            if (vx != vy) return vx ? 1 : -1;
            continue;
          }
          int r = CompareElement(el, x, y);
          if (r != 0) return r;
        }
        return Cmp(la, lb);
      }
      default: return 0;
    }
  }
  int CompareElement(const Column& c, int64_t x, int64_t y) const { return CompareValues(c, x, y); }
  template <typename T>
  static int Cmp(T x, T y) {
    return x < y ? -1 : (y < x ? 1 : 0);
  }
  template <typename T>
  static int CmpF(T x, T y) {
    bool nx = std::isnan(x), ny = std::isnan(y);
    if (nx || ny) return nx == ny ? 0 : nx ? 1 : -1;
    return Cmp(x, y);
  }
  int CompareNullable(const Column& c, int64_t a, int64_t b, bool nulls_first) const {
    bool va = c.IsValid(a), vb = c.IsValid(b);
    if (!va || !vb) {
      if (va == vb) return 0;
      return (!va) == nulls_first ? -1 : 1;
    }
    return CompareValues(c, a, b);
  }
  bool operator()(uint32_t a, uint32_t b) const {
    for (size_t k = 0; k < keys->size(); ++k) {
      const SortKey& s = (*spec)[k];
      const Column& c = *(*keys)[k];
      bool va = c.IsValid(a), vb = c.IsValid(b);
      int r;
      if (!va || !vb) {
        if (va == vb) continue;
        r = (!va) == s.nulls_first ? -1 : 1;  // placement of NULLs is absolute
        return r < 0;
      }
      r = CompareValues(c, a, b);
      if (r == 0) continue;
      return s.descending ? r > 0 : r < 0;
    }
    return false;
  }
};

// Sorts `all` by the node's keys; keeps the first `limit` rows when limit >= 0.
Result<RecordBatch> SortRows(const PlanNode& node, const RecordBatch& all, int64_t limit) {
  std::vector<ColumnPtr> keys;
  for (const SortKey& k : node.sort_keys) {
    Datum d;
    LW_RETURN_IF_ERROR(Evaluate(*k.expr, all, &d));
    keys.push_back(Materialize(d, all.num_rows));
  }
  std::vector<uint32_t> order(static_cast<size_t>(all.num_rows));
  std::iota(order.begin(), order.end(), 0u);
  RowComparator cmp{&keys, &node.sort_keys};
  if (limit >= 0 && limit < all.num_rows) {
    // Ties keep input order, like the stable sort of the full path.
    std::partial_sort(order.begin(), order.begin() + limit, order.end(),
                      [&](uint32_t a, uint32_t b) { return cmp(a, b) || (!cmp(b, a) && a < b); });
    order.resize(static_cast<size_t>(limit));
  } else {
    std::stable_sort(order.begin(), order.end(), cmp);
  }
  RecordBatch out = GatherBatch(all, order);
  out.schema = node.schema;
  return out;
}

// ORDER BY; with a limit (ORDER BY … LIMIT n) each thread keeps only its
// best n rows as batches arrive, so memory stays O(threads · n).
class SortSink : public BufferSink {
 public:
  SortSink(Executor* ex, const PlanNode& node) : BufferSink(ex), node_(node) {}
  struct TopLocal : Local {
    RecordBatch best;
    bool has = false;
    uint64_t seq = 0;
  };
  std::unique_ptr<Local> MakeLocal() override { return std::make_unique<TopLocal>(); }
  Status Consume(Local* lp, RecordBatch batch, uint64_t seq) override {
    if (node_.limit < 0) return BufferSink::Consume(lp, std::move(batch), seq);
    auto* l = static_cast<TopLocal*>(lp);
    RecordBatch all = l->has ? ConcatBatches(node_.schema, {l->best, batch}) : std::move(batch);
    all.schema = node_.schema;
    LW_ASSIGN_OR_RETURN(l->best, SortRows(node_, all, node_.limit));
    l->has = true;
    l->seq = std::max(l->seq, seq);
    return Status::OK();
  }
  Status Combine(std::unique_ptr<Local> lp) override {
    auto* l = static_cast<TopLocal*>(lp.get());
    if (node_.limit < 0 || !l->has) return Status::OK();
    return BufferSink::Consume(nullptr, std::move(l->best), l->seq);
  }
  Result<std::vector<RecordBatch>> Finish() override {
    std::vector<RecordBatch> batches = Ordered();
    RecordBatch all = ConcatBatches(node_.schema, batches);
    batches.clear();
    std::vector<RecordBatch> out;
    LW_ASSIGN_OR_RETURN(RecordBatch sorted, SortRows(node_, all, node_.limit));
    out.push_back(std::move(sorted));
    return out;
  }

 private:
  const PlanNode& node_;
};

// ---- the hash join's build side

// The build side of a hash join: its rows, and a chained hash table over
// them. Bucket b of `heads` holds the first build row of the bucket (+ 1; 0:
// empty) in its low 32 bits and, in the high 32, one bit per key hash in the
// bucket (a small Bloom filter): most probe rows without a match are turned
// away by that one load. Rows of a bucket chain through `next` in ascending
// order. Build rows with a NULL key are left out (NULL never equals
// anything) unless the join is null-safe.
struct JoinTable {
  RecordBatch build;                 // all right rows
  std::vector<ColumnPtr> key_cols;   // the build keys, one column per key
  std::vector<uint64_t> hashes;      // per build row
  std::vector<uint64_t> heads;       // per bucket
  std::vector<uint32_t> next;        // per build row: next row of its bucket + 1, 0: none
  uint64_t mask = 0;                 // heads.size() - 1
  // FULL joins: build rows some probe row matched (set by many threads).
  std::unique_ptr<std::atomic<uint8_t>[]> matched;

  static uint64_t BloomBit(uint64_t hash) { return uint64_t{1} << (32 + (hash >> 59)); }
};

Status BuildJoinTable(const PlanNode& join, std::vector<RecordBatch> right, JoinTable* jt) {
  jt->build = ConcatBatches(join.children[1]->schema, right);
  right.clear();
  const int64_t n = jt->build.num_rows;
  if (n >= int64_t{0xFFFFFFFF}) {
    return Status::ResourceExhausted("the build side of the join has more than 2^32 rows");
  }
  if (join.join_type == JoinType::kFull) {
    jt->matched = std::make_unique<std::atomic<uint8_t>[]>(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) jt->matched[i] = 0;
  }
  if (join.right_keys.empty()) return Status::OK();
  std::vector<uint8_t> has_null(static_cast<size_t>(n), 0);
  for (const auto& k : join.right_keys) {
    Datum d;
    LW_RETURN_IF_ERROR(Evaluate(*k, jt->build, &d));
    jt->key_cols.push_back(Materialize(d, n));
    const Column& c = *jt->key_cols.back();
    for (int64_t i = 0; i < n; ++i) has_null[i] |= c.IsNull(i);
  }
  jt->hashes.assign(static_cast<size_t>(n), 0);
  for (size_t c = 0; c < jt->key_cols.size(); ++c) HashColumn(*jt->key_cols[c], jt->hashes.data(), n, c == 0);
  size_t buckets = 1024;
  while (buckets < static_cast<size_t>(n)) buckets *= 2;
  jt->heads.assign(buckets, 0);
  jt->mask = buckets - 1;
  jt->next.assign(static_cast<size_t>(n), 0);
  for (int64_t i = n - 1; i >= 0; --i) {
    if (has_null[i] && !join.null_safe) continue;
    const uint64_t h = jt->hashes[i];
    uint64_t& head = jt->heads[h & jt->mask];
    jt->next[i] = static_cast<uint32_t>(head);
    head = ((head | JoinTable::BloomBit(h)) & ~uint64_t{0xFFFFFFFF}) | static_cast<uint64_t>(i + 1);
  }
  return Status::OK();
}

Result<RecordBatch> ProbeJoin(const PlanNode& join, const JoinTable& jt, const RecordBatch& left) {
  const int64_t n = left.num_rows;
  std::vector<uint32_t> lrows, rrows;
  if (join.left_keys.empty()) {
    // Cross product (with the residual below).
    if (static_cast<double>(n) * static_cast<double>(jt.build.num_rows) > 2e9) {
      return Status::ResourceExhausted("the join has no equality condition and would produce more than 2e9 rows");
    }
    for (int64_t i = 0; i < n; ++i) {
      for (int64_t j = 0; j < jt.build.num_rows; ++j) {
        lrows.push_back(static_cast<uint32_t>(i));
        rrows.push_back(static_cast<uint32_t>(j));
      }
    }
  } else {
    std::vector<ColumnPtr> cols;
    for (const auto& k : join.left_keys) {
      Datum d;
      LW_RETURN_IF_ERROR(Evaluate(*k, left, &d));
      cols.push_back(Materialize(d, n));
    }
    std::vector<uint64_t> h(static_cast<size_t>(n), 0);
    for (size_t c = 0; c < cols.size(); ++c) HashColumn(*cols[c], h.data(), n, c == 0);
    constexpr int64_t kAhead = 16;  // prefetch the buckets of the rows ahead: large tables miss the cache
    for (int64_t i = 0; i < n; ++i) {
      if (i + kAhead < n && !jt.heads.empty()) __builtin_prefetch(&jt.heads[h[i + kAhead] & jt.mask]);
      if (jt.heads.empty()) break;
      const uint64_t head = jt.heads[h[i] & jt.mask];
      if ((head & JoinTable::BloomBit(h[i])) == 0) continue;
      bool null_key = false;
      for (const auto& c : cols) null_key = null_key || c->IsNull(i);
      if (null_key && !join.null_safe) continue;
      for (uint32_t r = static_cast<uint32_t>(head); r != 0; r = jt.next[r - 1]) {
        const uint32_t j = r - 1;
        if (jt.hashes[j] != h[i]) continue;
        bool equal = true;
        for (size_t c = 0; c < cols.size() && equal; ++c) equal = KeyEquals(*jt.key_cols[c], j, *cols[c], i);
        if (!equal) continue;
        lrows.push_back(static_cast<uint32_t>(i));
        rrows.push_back(j);
      }
    }
  }
  const bool semi = join.join_type == JoinType::kSemi || join.join_type == JoinType::kAnti;
  auto assemble = [&](const std::vector<uint32_t>& l, const std::vector<uint32_t>& r) {
    RecordBatch out;
    out.schema = join.schema;
    out.num_rows = static_cast<int64_t>(l.size());
    for (const auto& c : left.columns) out.columns.push_back(Gather(*c, l.data(), out.num_rows));
    if (!semi || join.residual) {
      for (const auto& c : jt.build.columns) out.columns.push_back(Gather(*c, r.data(), out.num_rows));
    }
    return out;
  };
  if (join.residual) {
    RecordBatch joined = assemble(lrows, rrows);
    std::vector<uint32_t> keep;
    LW_RETURN_IF_ERROR(EvaluateSelection(*join.residual, joined, &keep));
    if (keep.size() != lrows.size()) {
      std::vector<uint32_t> l2, r2;
      for (uint32_t k : keep) {
        l2.push_back(lrows[k]);
        r2.push_back(rrows[k]);
      }
      lrows.swap(l2);
      rrows.swap(r2);
    }
  }
  if (jt.matched) {
    for (uint32_t r : rrows) jt.matched[r].store(1, std::memory_order_relaxed);
  }
  std::vector<uint8_t> matched(static_cast<size_t>(n), 0);
  for (uint32_t i : lrows) matched[i] = 1;
  if (semi) {
    // Each left row once: with (semi) or without (anti) a match.
    std::vector<uint32_t> l2;
    const bool want = join.join_type == JoinType::kSemi;
    for (int64_t i = 0; i < n; ++i) {
      if ((matched[i] != 0) == want) l2.push_back(static_cast<uint32_t>(i));
    }
    RecordBatch out;
    out.schema = join.schema;
    out.num_rows = static_cast<int64_t>(l2.size());
    for (const auto& c : left.columns) out.columns.push_back(Gather(*c, l2.data(), out.num_rows));
    return out;
  }
  if (join.join_type == JoinType::kLeft || join.join_type == JoinType::kFull) {
    bool all = std::all_of(matched.begin(), matched.end(), [](uint8_t m) { return m != 0; });
    if (!all) {
      // Matched pairs in left order, then unmatched left rows with NULLs.
      std::vector<uint32_t> l2, r2;
      size_t k = 0;
      for (int64_t i = 0; i < n; ++i) {
        if (!matched[i]) {
          l2.push_back(static_cast<uint32_t>(i));
          r2.push_back(kNullRow);
          continue;
        }
        while (k < lrows.size() && lrows[k] == static_cast<uint32_t>(i)) {
          l2.push_back(lrows[k]);
          r2.push_back(rrows[k]);
          ++k;
        }
      }
      lrows.swap(l2);
      rrows.swap(r2);
    }
  }
  return assemble(lrows, rrows);
}

// FULL joins, after the probe: the build rows no probe row matched, with
// NULLs for the left columns.
RecordBatch UnmatchedBuildRows(const PlanNode& join, const JoinTable& jt) {
  std::vector<uint32_t> rows;
  for (int64_t i = 0; i < jt.build.num_rows; ++i) {
    if (!jt.matched[i].load(std::memory_order_relaxed)) rows.push_back(static_cast<uint32_t>(i));
  }
  RecordBatch out;
  out.schema = join.schema;
  out.num_rows = static_cast<int64_t>(rows.size());
  for (const Field& f : join.children[0]->schema.fields) out.columns.push_back(MakeNullColumn(f.type, out.num_rows));
  for (const auto& c : jt.build.columns) out.columns.push_back(Gather(*c, rows.data(), out.num_rows));
  return out;
}

// Flattens a scan batch (projected table schema: structs hold the
// requested fields) into the scan's output columns, one per path.
ColumnPtr ExtractPath(const RecordBatch& b, const std::string& path) {
  size_t dot = path.find('.');
  int i = b.schema.FieldIndex(path.substr(0, dot));
  ColumnPtr c = b.columns[static_cast<size_t>(i)];
  while (dot != std::string::npos) {
    size_t next = path.find('.', dot + 1);
    std::string name = path.substr(dot + 1, next == std::string::npos ? std::string::npos : next - dot - 1);
    int k = c->type->FieldIndex(name);
    c = MaskByParent(c->children[static_cast<size_t>(k)], *c);  // a NULL struct makes its fields NULL
    dot = next;
  }
  return c;
}

// Marks in *used the input columns `expr` reads.
void CollectColumnRefs(const BoundExpr& expr, std::vector<bool>* used) {
  if (expr.kind == BoundKind::kColumnRef && expr.index >= 0 && static_cast<size_t>(expr.index) < used->size()) {
    (*used)[static_cast<size_t>(expr.index)] = true;
  }
  for (const auto& c : expr.children) CollectColumnRefs(*c, used);
}

// The rows of data file `file` the search index sidecar says the lookups
// can match (an empty selection: none, so the file need not be opened);
// nullopt when there is no usable sidecar or no lookup it answers.
std::optional<parquet::RowSelection> SidecarRows(const ScanSpec& spec, const delta::LiveFile& file,
                                                 ExecStats* stats) {
  if (spec.lookups.empty()) return std::nullopt;
  std::string path = index::SidecarPath(spec.table_path, file.path);
  if (path.empty()) return std::nullopt;
  auto rd = index::SidecarReader::Open(path);
  // A sidecar made for another file of the same name (a rewrite) is not used.
  if (!rd.ok() || (*rd)->data_file_size() != file.add.size) return std::nullopt;
  std::optional<parquet::RowSelection> acc;  // file rows
  for (const IndexLookup& l : spec.lookups) {
    auto r = l.exact ? (*rd)->LookupExact(l.column, *l.exact) : (*rd)->Lookup(l.column, l.tokens);
    if (!r.ok()) continue;  // not indexed, or a corrupt section: read the rows
    std::vector<parquet::RowRange> ranges;
    for (const auto& x : *r) ranges.push_back({x.begin, x.end});
    parquet::RowSelection sel(std::move(ranges));
    acc = acc ? acc->Intersect(sel) : sel;
  }
  if (acc) ++stats->index_lookups;
  return acc;
}

// The rows of each row group of `file` the scan must read: by the search
// index (`by_index`, from SidecarRows) and by the page index (the
// predicates). An entry is nullopt for "every row", an empty selection to
// skip the group.
std::vector<std::optional<parquet::RowSelection>> NarrowRows(const ScanSpec& spec, const delta::ScanFile& file,
                                                             const std::optional<parquet::RowSelection>& by_index) {
  const auto& rgs = file.reader->metadata().row_groups;
  std::vector<std::optional<parquet::RowSelection>> out(rgs.size());
  if (by_index) {
    index::RowRanges ranges;
    for (const auto& x : by_index->ranges()) ranges.push_back({x.begin, x.end});
    std::vector<int64_t> rows;
    for (const auto& rg : rgs) rows.push_back(rg.num_rows);
    std::vector<index::RowRanges> per = index::SplitByRowGroup(ranges, rows);
    for (size_t g = 0; g < rgs.size(); ++g) {
      std::vector<parquet::RowRange> rr;
      if (g < per.size()) {
        for (const auto& x : per[g]) rr.push_back({x.begin, x.end});
      }
      out[g] = parquet::RowSelection(std::move(rr));
    }
  }
  if (!spec.predicates.empty()) {
    for (int g : file.row_groups) {
      parquet::RowSelection pages = file.reader->PagesMayMatch(g, spec.predicates);
      if (pages.num_rows() == rgs[g].num_rows) continue;
      out[g] = out[g] ? out[g]->Intersect(pages) : pages;
    }
  }
  for (size_t g = 0; g < rgs.size(); ++g) {
    if (out[g] && out[g]->num_rows() == rgs[g].num_rows) out[g].reset();
  }
  return out;
}

}  // namespace

// Runs pipelines. One per Executor::Run call tree.
class PipelineRunner {
 public:
  explicit PipelineRunner(Executor* ex) : ex_(ex) {}

  Result<std::vector<RecordBatch>> Materialize(const PlanNode& node) {
    switch (node.kind) {
      case PlanKind::kAggregate: {
        AggregateSink sink(ex_, node);
        LW_RETURN_IF_ERROR(Run(*node.children[0], &sink));
        return sink.Finish();
      }
      case PlanKind::kSort: {
        SortSink sink(ex_, node);
        LW_RETURN_IF_ERROR(Run(*node.children[0], &sink));
        return sink.Finish();
      }
      case PlanKind::kLimit: {
        LimitSink sink(ex_, node.limit, node.offset, IsOrdered(*node.children[0]));
        LW_RETURN_IF_ERROR(Run(*node.children[0], &sink));
        return sink.Finish();
      }
      case PlanKind::kUnion: {
        std::vector<RecordBatch> out;
        for (const auto& c : node.children) {
          LW_ASSIGN_OR_RETURN(std::vector<RecordBatch> part, Materialize(*c));
          for (auto& b : part) {
            b.schema = node.schema;
            out.push_back(std::move(b));
          }
        }
        return out;
      }
      case PlanKind::kValues: return node.values;
      default: {
        CollectSink sink(ex_);
        LW_RETURN_IF_ERROR(Run(node, &sink));
        return sink.Finish();
      }
    }
  }

 private:
  // Whether the rows of `node` come in a meaningful order (sorted).
  static bool IsOrdered(const PlanNode& node) {
    switch (node.kind) {
      case PlanKind::kSort: return true;
      case PlanKind::kFilter:
      case PlanKind::kProject:
      case PlanKind::kLimit: return IsOrdered(*node.children[0]);
      default: return false;
    }
  }

  // Runs the pipeline whose top is `top` into `sink`.
  Status Run(const PlanNode& top, Sink* sink) {
    // The streaming chain, top first.
    std::vector<const PlanNode*> chain;
    const PlanNode* src = &top;
    while (src->kind == PlanKind::kFilter || src->kind == PlanKind::kProject || src->kind == PlanKind::kJoin) {
      chain.push_back(src);
      src = src->children[0].get();
    }
    std::reverse(chain.begin(), chain.end());  // bottom first
    // Build sides of joins first.
    std::vector<std::shared_ptr<JoinTable>> tables(chain.size());
    for (size_t i = 0; i < chain.size(); ++i) {
      if (chain[i]->kind != PlanKind::kJoin) continue;
      LW_ASSIGN_OR_RETURN(std::vector<RecordBatch> right, Materialize(*chain[i]->children[1]));
      tables[i] = std::make_shared<JoinTable>();
      LW_RETURN_IF_ERROR(BuildJoinTable(*chain[i], std::move(right), tables[i].get()));
    }
    // Runs the chain from operator `start` up.
    auto apply_from = [&](RecordBatch b, size_t start) -> Result<RecordBatch> {
      for (size_t i = start; i < chain.size(); ++i) {
        const PlanNode& op = *chain[i];
        // No rows left: the chain's output is empty (in the schema of its top).
        if (b.num_rows == 0) return RecordBatch::Empty(chain.back()->schema);
        switch (op.kind) {
          case PlanKind::kFilter: {
            std::vector<uint32_t> rows;
            LW_RETURN_IF_ERROR(EvaluateSelection(*op.predicate, b, &rows));
            if (static_cast<int64_t>(rows.size()) != b.num_rows) b = GatherBatch(b, rows);
            b.schema = op.schema;
            break;
          }
          case PlanKind::kProject: {
            RecordBatch out;
            out.schema = op.schema;
            out.num_rows = b.num_rows;
            for (const auto& e : op.exprs) {
              Datum d;
              LW_RETURN_IF_ERROR(Evaluate(*e, b, &d));
              out.columns.push_back(sql::Materialize(d, b.num_rows));
            }
            b = std::move(out);
            break;
          }
          case PlanKind::kJoin: {
            LW_ASSIGN_OR_RETURN(b, ProbeJoin(op, *tables[i], b));
            break;
          }
          default: break;
        }
      }
      return b;
    };
    auto apply = [&](RecordBatch b) { return apply_from(std::move(b), 0); };
    auto apply_after_filter = [&](RecordBatch b) { return apply_from(std::move(b), 1); };
    if (src->kind == PlanKind::kScan) {
      const PlanNode* filter = !chain.empty() && chain[0]->kind == PlanKind::kFilter ? chain[0] : nullptr;
      LW_RETURN_IF_ERROR(RunScan(*src, filter, apply, apply_after_filter, sink));
    } else {
      LW_ASSIGN_OR_RETURN(std::vector<RecordBatch> input, Materialize(*src));
      auto local = sink->MakeLocal();
      uint64_t seq = 0;
      for (RecordBatch& b : input) {
        if (sink->Done()) break;
        LW_ASSIGN_OR_RETURN(RecordBatch out, apply(std::move(b)));
        LW_RETURN_IF_ERROR(sink->Consume(local.get(), std::move(out), seq++));
      }
      LW_RETURN_IF_ERROR(sink->Combine(std::move(local)));
    }
    // FULL joins: the build rows nothing matched go up the rest of the chain last.
    for (size_t i = 0; i < chain.size(); ++i) {
      if (chain[i]->kind != PlanKind::kJoin || chain[i]->join_type != JoinType::kFull) continue;
      LW_ASSIGN_OR_RETURN(RecordBatch out, apply_from(UnmatchedBuildRows(*chain[i], *tables[i]), i + 1));
      auto local = sink->MakeLocal();
      LW_RETURN_IF_ERROR(sink->Consume(local.get(), std::move(out), ~uint64_t{0}));
      LW_RETURN_IF_ERROR(sink->Combine(std::move(local)));
    }
    return Status::OK();
  }

  // Runs the scan `scan_node` into `apply` (the chain above it) and `sink`.
  // When `filter`, the chain's first operator, reads only some of the
  // scan's columns, each row group is read in two steps (late
  // materialization): the filter's columns, then the other columns for the
  // rows that passed only — skipping the pages that hold none of them — and
  // the batch goes on into `apply_after_filter`.
  template <typename Apply, typename ApplyAfterFilter>
  Status RunScan(const PlanNode& scan_node, const PlanNode* filter, Apply& apply,
                 ApplyAfterFilter& apply_after_filter, Sink* sink) {
    const ScanSpec& spec = *scan_node.scan;
    delta::DeltaTable table(spec.table_path);
    LW_ASSIGN_OR_RETURN(auto cursor, delta::ScanCursor::Make(table, spec.snapshot, ScanOptionsOf(spec)));
    ex_->stats_.files_total += cursor->files_total();
    const size_t nfiles = cursor->files().size();
    int threads = std::max(1, ex_->options_.threads);
    // Late materialization: the scan columns the filter reads, and the others.
    std::vector<size_t> filter_cols, rest_cols, all_cols;
    // A filter on one column that NULL fails can be decided through the
    // column's dictionary (ParquetFileReader::MatchRows) where the row group
    // is read whole and the chunk is dictionary-encoded.
    int dict_col = -1;
    if (filter != nullptr) {
      std::vector<bool> used(spec.paths.size(), false);
      CollectColumnRefs(*filter->predicate, &used);
      for (size_t k = 0; k < used.size(); ++k) (used[k] ? filter_cols : rest_cols).push_back(k);
      all_cols.resize(used.size());
      std::iota(all_cols.begin(), all_cols.end(), size_t{0});
      if (filter_cols.size() == 1) {
        const size_t k = filter_cols[0];
        RecordBatch nulls;
        nulls.schema = filter->schema;
        nulls.num_rows = 1;
        nulls.columns.resize(spec.paths.size());
        nulls.columns[k] = MakeNullColumn(scan_node.schema.fields[k].type, 1);
        std::vector<uint32_t> pass;
        if (EvaluateSelection(*filter->predicate, nulls, &pass).ok() && pass.empty()) dict_col = static_cast<int>(k);
      }
      if (filter_cols.empty() || (rest_cols.empty() && dict_col < 0)) filter_cols.clear(), rest_cols.clear();
    }
    const bool late = !filter_cols.empty();
    // The dictionary filter: out[i] = whether values[i] passes.
    auto match_values = [&](const Column& values, uint8_t* out) -> Status {
      RecordBatch vb;
      vb.schema = filter->schema;
      vb.num_rows = values.length;
      vb.columns.resize(spec.paths.size());
      vb.columns[static_cast<size_t>(dict_col)] = std::make_shared<Column>(values);
      std::vector<uint32_t> pass;
      LW_RETURN_IF_ERROR(EvaluateSelection(*filter->predicate, vb, &pass));
      std::memset(out, 0, static_cast<size_t>(values.length));
      for (uint32_t i : pass) out[i] = 1;
      return Status::OK();
    };
    // The leaf of the dictionary filter's column in `file`, or -1 (absent,
    // repeated, or of another type than the table's: read it the usual way).
    auto dict_leaf_of = [&](const delta::ScanFile& file) {
      if (dict_col < 0 || file.reader == nullptr) return -1;
      const auto& leaves = file.reader->schema().leaves();
      for (size_t i = 0; i < leaves.size(); ++i) {
        if (leaves[i].DottedPath() != spec.paths[static_cast<size_t>(dict_col)]) continue;
        const bool same = leaves[i].max_rep == 0 && leaves[i].type->Equals(*scan_node.schema.fields[dict_col].type);
        return same ? static_cast<int>(i) : -1;
      }
      return -1;
    };
    auto paths_of = [&](const std::vector<size_t>& cols) {
      std::vector<std::string> out;
      for (size_t k : cols) out.push_back(spec.paths[k]);
      return out;
    };
    const std::vector<std::string> filter_paths = paths_of(filter_cols), rest_paths = paths_of(rest_cols);
    std::mutex mu;
    struct Morsel {
      std::shared_ptr<const delta::ScanFile> file;
      size_t file_index = 0;
      int rg = -1;  // -1: the whole file (no column read)
      std::optional<parquet::RowSelection> rows;
      // Late materialization: the file narrowed to the filter's columns and to
      // the others (null when there are none), and the dictionary filter's leaf.
      std::shared_ptr<const delta::ScanFile> filter_file, rest_file;
      int dict_leaf = -1;
    };
    // Row group m.rg of `file` (narrowed or not): the rows m.rows selects, else all.
    auto read_rows = [&](const delta::ScanFile& file, const Morsel& m) {
      return m.rows ? cursor->ReadRowGroupRows(file, m.rg, *m.rows) : cursor->ReadRowGroup(file, m.rg);
    };
    // Reads row group m.rg in two steps (see above); `out` gets the rows that
    // passed the filter, in the scan's schema.
    auto read_late = [&](const Morsel& m, RecordBatch* out) -> Status {
      RecordBatch b;
      b.schema = filter->schema;  // the filter keeps the scan's columns
      b.columns.resize(spec.paths.size());  // the other columns stay unset: the filter does not read them
      std::vector<uint32_t> pass;
      int64_t n = 0;
      // Step 2 reads these columns of this file: the others, or all with the dictionary filter.
      const std::vector<size_t>* second_cols = &rest_cols;
      const delta::ScanFile* second = m.rest_file.get();
      const parquet::ColumnMetaData* chunk = nullptr;
      if (m.dict_leaf >= 0) {
        const auto& meta = m.file->reader->metadata().row_groups[m.rg].columns[m.dict_leaf].meta_data;
        if (meta.has_value()) chunk = &*meta;
      }
      if (!m.rows && chunk != nullptr && chunk->dictionary_page_offset.has_value()) {
        std::vector<uint8_t> match;
        LW_RETURN_IF_ERROR(m.file->reader->MatchRows(m.rg, m.dict_leaf, match_values, &match));
        n = static_cast<int64_t>(match.size());
        ex_->stats_.rows_by_dictionary += n;
        for (int64_t i = 0; i < n; ++i) {
          if (match[i]) pass.push_back(static_cast<uint32_t>(i));
        }
        second_cols = &all_cols;
        second = m.file.get();
      } else {
        LW_ASSIGN_OR_RETURN(RecordBatch fb, read_rows(*m.filter_file, m));
        n = fb.num_rows;
        b.num_rows = n;
        for (size_t k : filter_cols) b.columns[k] = ExtractPath(fb, spec.paths[k]);
        LW_RETURN_IF_ERROR(EvaluateSelection(*filter->predicate, b, &pass));
      }
      ex_->stats_.rows_scanned += n;
      const int64_t kept = static_cast<int64_t>(pass.size());
      b.num_rows = kept;
      if (second != m.file.get() && kept < n) {
        for (size_t k : filter_cols) b.columns[k] = Gather(*b.columns[k], pass.data(), kept);
      }
      if (kept == 0 || second == nullptr) {
        for (size_t k : *second_cols) b.columns[k] = MakeNullColumn(scan_node.schema.fields[k].type, 0);
        *out = std::move(b);
        return Status::OK();
      }
      RecordBatch rb;
      if (kept * 2 <= n) {
        // Few rows passed: read just those (row numbers within the row group).
        parquet::RowSelection sel;
        if (m.rows) {
          const auto& ranges = m.rows->ranges();
          size_t r = 0;
          int64_t before = 0;  // rows of ranges[0..r)
          for (uint32_t i : pass) {
            while (i >= before + ranges[r].size()) before += ranges[r++].size();
            int64_t row = ranges[r].begin + (i - before);
            sel.Append(row, row + 1);
          }
        } else {
          for (uint32_t i : pass) sel.Append(i, i + 1);
        }
        LW_ASSIGN_OR_RETURN(rb, cursor->ReadRowGroupRows(*second, m.rg, sel));
        ex_->stats_.rows_late += kept;
      } else {
        LW_ASSIGN_OR_RETURN(rb, read_rows(*second, m));
        ex_->stats_.rows_late += rb.num_rows;
        if (kept < n) rb = GatherBatch(rb, pass);
      }
      if (rb.num_rows != kept) {
        return Status::Internal("late materialization read " + std::to_string(rb.num_rows) + " rows for " +
                                std::to_string(kept));
      }
      for (size_t k : *second_cols) b.columns[k] = ExtractPath(rb, spec.paths[k]);
      *out = std::move(b);
      return Status::OK();
    };
    std::deque<Morsel> morsels;
    size_t next_file = 0;
    Status first_error;
    std::atomic<bool> failed{false};
    auto fail = [&](Status st) {
      std::lock_guard<std::mutex> g(mu);
      if (first_error.ok()) first_error = std::move(st);
      failed = true;
    };
    auto worker = [&]() {
      auto local = sink->MakeLocal();
      while (!failed && !sink->Done()) {
        Morsel m;
        size_t file_index = 0;
        bool open = false;
        {
          std::lock_guard<std::mutex> g(mu);
          if (!morsels.empty()) {
            m = std::move(morsels.front());
            morsels.pop_front();
          } else if (next_file < nfiles) {
            file_index = next_file++;
            open = true;
          } else {
            break;
          }
        }
        if (open) {
          // The search index first: a file it rules out is not even opened.
          std::optional<parquet::RowSelection> by_index =
              SidecarRows(spec, *cursor->files()[file_index], &ex_->stats_);
          if (by_index && by_index->empty()) {
            ++ex_->stats_.files_skipped_by_index;
            continue;
          }
          auto f = cursor->OpenFile(file_index);
          if (!f.ok()) {
            fail(f.status());
            break;
          }
          ++ex_->stats_.files_read;
          std::shared_ptr<const delta::ScanFile> file = *f;
          std::vector<std::optional<parquet::RowSelection>> narrow;
          if (file->reader != nullptr) narrow = NarrowRows(spec, *file, by_index);
          std::shared_ptr<const delta::ScanFile> filter_file, rest_file;
          if (late && file->reader != nullptr) {
            auto ff = cursor->Narrow(*file, filter_paths);
            auto rf = ff.ok() && !rest_paths.empty() ? cursor->Narrow(*file, rest_paths) : ff;
            if (!rf.ok()) {
              fail(rf.status());
              break;
            }
            filter_file = std::move(ff).value();
            if (!rest_paths.empty()) rest_file = std::move(rf).value();
          }
          const int dict_leaf = late ? dict_leaf_of(*file) : -1;
          std::lock_guard<std::mutex> g(mu);
          if (file->reader == nullptr) {
            morsels.push_back({file, file_index, -1, std::nullopt, nullptr, nullptr, -1});
          } else {
            ex_->stats_.row_groups_total += file->reader->num_row_groups();
            for (int r : file->row_groups) {
              if (narrow[r] && narrow[r]->empty()) continue;
              morsels.push_back({file, file_index, r, narrow[r], filter_file, rest_file, dict_leaf});
            }
          }
          continue;
        }
        const auto& file = m.file;
        const int rg = m.rg;
        const uint64_t seq = (static_cast<uint64_t>(m.file_index) << 32) | static_cast<uint32_t>(rg + 1);
        if (m.filter_file != nullptr) {
          ++ex_->stats_.row_groups_read;
          RecordBatch b;
          Status st = read_late(m, &b);
          auto out = st.ok() ? apply_after_filter(std::move(b)) : Result<RecordBatch>(st);
          if (out.ok()) st = sink->Consume(local.get(), std::move(out).value(), seq);
          if (!st.ok() || !out.ok()) {
            fail(st.ok() ? out.status() : st);
            break;
          }
          continue;
        }
        RecordBatch tb;
        if (rg < 0) {
          auto all = cursor->ReadFile(*file);
          if (!all.ok()) {
            fail(all.status());
            break;
          }
          tb = std::move((*all)[0]);
        } else {
          auto read = read_rows(*file, m);
          ++ex_->stats_.row_groups_read;
          if (!read.ok()) {
            fail(read.status());
            break;
          }
          tb = std::move(read).value();
        }
        ex_->stats_.rows_scanned += tb.num_rows;
        RecordBatch b;
        b.schema = scan_node.schema;
        b.num_rows = tb.num_rows;
        for (const std::string& p : spec.paths) b.columns.push_back(ExtractPath(tb, p));
        auto out = apply(std::move(b));
        if (!out.ok()) {
          fail(out.status());
          break;
        }
        Status st = sink->Consume(local.get(), std::move(out).value(), seq);
        if (!st.ok()) {
          fail(st);
          break;
        }
      }
      Status st = sink->Combine(std::move(local));
      if (!st.ok()) fail(st);
    };
    if (threads == 1 || nfiles == 0) {
      worker();
    } else {
      std::vector<std::thread> pool;
      for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
      for (auto& t : pool) t.join();
    }
    return first_error;
  }

  Executor* ex_;
};

Result<std::vector<RecordBatch>> Executor::Run(const PlanNode& root) {
  PipelineRunner runner(this);
  LW_ASSIGN_OR_RETURN(std::vector<RecordBatch> out, runner.Materialize(root));
  for (auto& b : out) b.schema = root.schema;
  return out;
}

}  // namespace lakewatch::sql
