#include "sql/execution/vector_ops.h"

#include <cmath>
#include <cstring>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace lakewatch::sql {

namespace {

template <typename T>
void GatherFixed(const Column& src, const uint32_t* rows, int64_t n, Column* out) {
  out->data.Resize(sizeof(T) * static_cast<size_t>(n));
  T* dst = out->data.data_as<T>();
  const T* s = src.values<T>();
  for (int64_t i = 0; i < n; ++i) dst[i] = rows[i] == kNullRow ? T{} : s[rows[i]];
}

}  // namespace

ColumnPtr Gather(const Column& src, const uint32_t* rows, int64_t n) {
  auto out = Column::Make(src.type);
  bool any_null_row = false;
  for (int64_t i = 0; i < n && !any_null_row; ++i) any_null_row = rows[i] == kNullRow;
  // validity
  if (!src.validity.empty() || any_null_row) {
    out->validity.Resize(static_cast<size_t>(n));
    uint8_t* v = out->validity.data();
    for (int64_t i = 0; i < n; ++i) v[i] = rows[i] != kNullRow && src.IsValid(rows[i]);
  }
  switch (src.type->id()) {
    case TypeId::kNull: break;
    case TypeId::kBoolean:
    case TypeId::kInt8: GatherFixed<uint8_t>(src, rows, n, out.get()); break;
    case TypeId::kInt16: GatherFixed<uint16_t>(src, rows, n, out.get()); break;
    case TypeId::kInt32:
    case TypeId::kDate:
    case TypeId::kFloat: GatherFixed<uint32_t>(src, rows, n, out.get()); break;
    case TypeId::kInt64:
    case TypeId::kDouble:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
    case TypeId::kTime: GatherFixed<uint64_t>(src, rows, n, out.get()); break;
    case TypeId::kDecimal: GatherFixed<__int128>(src, rows, n, out.get()); break;
    case TypeId::kString:
    case TypeId::kBinary: {
      const int64_t* so = src.offset_values();
      size_t total = 0;
      for (int64_t i = 0; i < n; ++i) {
        if (rows[i] != kNullRow) total += static_cast<size_t>(so[rows[i] + 1] - so[rows[i]]);
      }
      out->data.Resize(total);
      out->offsets.Resize(sizeof(int64_t) * static_cast<size_t>(n + 1));
      int64_t* o = out->offsets.data_as<int64_t>();
      uint8_t* d = out->data.data();
      const uint8_t* sd = src.data.data();
      int64_t pos = 0;
      o[0] = 0;
      for (int64_t i = 0; i < n; ++i) {
        if (rows[i] != kNullRow) {
          int64_t len = so[rows[i] + 1] - so[rows[i]];
          if (len > 0) std::memcpy(d + pos, sd + so[rows[i]], static_cast<size_t>(len));  // sd is null when all are empty
          pos += len;
        }
        o[i + 1] = pos;
      }
      break;
    }
    case TypeId::kList:
    case TypeId::kMap: {
      std::vector<uint32_t> child_rows;
      out->offsets.Resize(sizeof(int64_t) * static_cast<size_t>(n + 1));
      int64_t* o = out->offsets.data_as<int64_t>();
      o[0] = 0;
      for (int64_t i = 0; i < n; ++i) {
        if (rows[i] != kNullRow) {
          for (int64_t k = src.ListBegin(rows[i]); k < src.ListEnd(rows[i]); ++k) {
            child_rows.push_back(static_cast<uint32_t>(k));
          }
        }
        o[i + 1] = static_cast<int64_t>(child_rows.size());
      }
      out->children.clear();
      for (const ColumnPtr& c : src.children) {
        out->children.push_back(Gather(*c, child_rows.data(), static_cast<int64_t>(child_rows.size())));
      }
      break;
    }
    case TypeId::kStruct: {
      out->children.clear();
      for (const ColumnPtr& c : src.children) out->children.push_back(Gather(*c, rows, n));
      break;
    }
  }
  out->length = n;
  return out;
}

RecordBatch GatherBatch(const RecordBatch& batch, const std::vector<uint32_t>& rows) {
  RecordBatch out;
  out.schema = batch.schema;
  out.num_rows = static_cast<int64_t>(rows.size());
  for (const ColumnPtr& c : batch.columns) out.columns.push_back(Gather(*c, rows.data(), out.num_rows));
  return out;
}

void AppendRange(Column* dst, const Column& src, int64_t begin, int64_t end) {
  if (begin >= end) return;
  int64_t n = end - begin;
  // validity
  if (!src.validity.empty() || !dst->validity.empty()) {
    dst->MaterializeValidity();
    if (src.validity.empty()) {
      for (int64_t i = 0; i < n; ++i) dst->validity.PushByte(1);
    } else {
      dst->validity.Append(src.validity.data() + begin, static_cast<size_t>(n));
    }
  }
  switch (src.type->id()) {
    case TypeId::kNull: break;
    case TypeId::kString:
    case TypeId::kBinary: {
      const int64_t* so = src.offset_values();
      int64_t base = static_cast<int64_t>(dst->data.size()) - so[begin];
      dst->data.Append(src.data.data() + so[begin], static_cast<size_t>(so[end] - so[begin]));
      for (int64_t i = begin + 1; i <= end; ++i) dst->offsets.AppendValue<int64_t>(so[i] + base);
      break;
    }
    case TypeId::kList:
    case TypeId::kMap: {
      const int64_t* so = src.offset_values();
      int64_t base = dst->children[0]->length - so[begin];
      for (size_t c = 0; c < src.children.size(); ++c) {
        AppendRange(dst->children[c].get(), *src.children[c], so[begin], so[end]);
      }
      for (int64_t i = begin + 1; i <= end; ++i) dst->offsets.AppendValue<int64_t>(so[i] + base);
      break;
    }
    case TypeId::kStruct:
      for (size_t c = 0; c < src.children.size(); ++c) {
        AppendRange(dst->children[c].get(), *src.children[c], begin, end);
      }
      break;
    default: {
      size_t w = static_cast<size_t>(src.type->byte_width());
      dst->data.Append(src.data.data() + w * begin, w * static_cast<size_t>(n));
      break;
    }
  }
  dst->length += n;
}

RecordBatch ConcatBatches(const Schema& schema, const std::vector<RecordBatch>& batches) {
  if (batches.size() == 1) return batches[0];
  RecordBatch out = RecordBatch::Empty(schema);
  for (const RecordBatch& b : batches) {
    for (size_t c = 0; c < out.columns.size(); ++c) AppendRange(out.columns[c].get(), *b.columns[c], 0, b.num_rows);
    out.num_rows += b.num_rows;
  }
  return out;
}

ColumnPtr MaskByParent(const ColumnPtr& child, const Column& parent) {
  if (parent.validity.empty()) return child;
  const uint8_t* pv = parent.validity.data();
  const int64_t n = child->length;
  bool violated = false;
  for (int64_t i = 0; i < n && !violated; ++i) violated = !pv[i] && child->IsValid(i);
  if (!violated) return child;
  auto out = std::make_shared<Column>(*child);
  out->MaterializeValidity();
  uint8_t* v = out->validity.data();
  for (int64_t i = 0; i < n; ++i) v[i] &= pv[i];
  return out;
}

namespace {

inline uint64_t Mix(uint64_t h, uint64_t v) {
  // A cheap strong mix (from the splitmix64 finalizer) of the running hash and a value.
  uint64_t x = h ^ (v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2));
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  x ^= x >> 31;
  return x;
}

constexpr uint64_t kNullHash = 0x5bd1e9955bd1e995ULL;

template <typename T, typename F>
void HashFixed(const Column& col, uint64_t* hashes, int64_t n, bool first, F to_bits) {
  const T* v = col.values<T>();
  for (int64_t i = 0; i < n; ++i) {
    uint64_t x = col.IsValid(i) ? to_bits(v[i]) : kNullHash;
    hashes[i] = first ? Mix(0, x) : Mix(hashes[i], x);
  }
}

}  // namespace

void HashColumn(const Column& col, uint64_t* hashes, int64_t n, bool first) {
  auto as_u64 = [](auto v) { return static_cast<uint64_t>(v); };
  switch (col.type->id()) {
    case TypeId::kNull:
      for (int64_t i = 0; i < n; ++i) hashes[i] = first ? Mix(0, kNullHash) : Mix(hashes[i], kNullHash);
      return;
    case TypeId::kBoolean:
    case TypeId::kInt8: HashFixed<int8_t>(col, hashes, n, first, as_u64); return;
    case TypeId::kInt16: HashFixed<int16_t>(col, hashes, n, first, as_u64); return;
    case TypeId::kInt32:
    case TypeId::kDate: HashFixed<int32_t>(col, hashes, n, first, as_u64); return;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
    case TypeId::kTime: HashFixed<int64_t>(col, hashes, n, first, as_u64); return;
    case TypeId::kFloat:
    case TypeId::kDouble: {
      auto bits = [](double d) -> uint64_t {
        if (d == 0) d = 0;  // -0.0 == 0.0
        if (std::isnan(d)) return uint64_t{0x7ff8000000000000ULL};
        uint64_t b;
        std::memcpy(&b, &d, 8);
        return b;
      };
      if (col.type->id() == TypeId::kFloat) {
        HashFixed<float>(col, hashes, n, first, [&](float f) { return bits(f); });
      } else {
        HashFixed<double>(col, hashes, n, first, bits);
      }
      return;
    }
    case TypeId::kDecimal:
      HashFixed<__int128>(col, hashes, n, first, [](__int128 v) {
        return static_cast<uint64_t>(v) ^ (static_cast<uint64_t>(static_cast<unsigned __int128>(v) >> 64) * 31);
      });
      return;
    case TypeId::kString:
    case TypeId::kBinary:
      for (int64_t i = 0; i < n; ++i) {
        uint64_t x = kNullHash;
        if (col.IsValid(i)) {
          std::string_view s = col.GetString(i);
          x = XXH3_64bits(s.data(), s.size());
        }
        hashes[i] = first ? Mix(0, x) : Mix(hashes[i], x);
      }
      return;
    case TypeId::kList:
    case TypeId::kMap:
    case TypeId::kStruct: {
      // Nested keys (rare): hash row by row through the children.
      for (int64_t i = 0; i < n; ++i) {
        uint64_t x = kNullHash;
        if (col.IsValid(i)) {
          x = 17;
          if (col.type->id() == TypeId::kStruct) {
            for (const ColumnPtr& c : col.children) {
              uint64_t h = 0;
              Column one(c->type);
              one.AppendFrom(*c, i);
              HashColumn(one, &h, 1, true);
              x = Mix(x, h);
            }
          } else {
            for (int64_t k = col.ListBegin(i); k < col.ListEnd(i); ++k) {
              for (const ColumnPtr& c : col.children) {
                uint64_t h = 0;
                Column one(c->type);
                one.AppendFrom(*c, k);
                HashColumn(one, &h, 1, true);
                x = Mix(x, h);
              }
            }
          }
        }
        hashes[i] = first ? Mix(0, x) : Mix(hashes[i], x);
      }
      return;
    }
  }
}

}  // namespace lakewatch::sql
