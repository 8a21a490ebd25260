#include "common/column.h"

#include <cmath>
#include <cstring>

namespace lakewatch {

Column::Column(TypePtr t) : type(std::move(t)) {
  if (type->has_offsets()) offsets.AppendValue<int64_t>(0);
  for (const Field& f : type->fields()) children.push_back(Make(f.type));
}

int64_t Column::null_count() const {
  if (type->id() == TypeId::kNull) return length;
  if (validity.empty()) return 0;
  int64_t valid = 0;
  const uint8_t* v = validity.data();
  for (int64_t i = 0; i < length; ++i) valid += v[i];
  return length - valid;
}

void Column::Reserve(int64_t rows) {
  int w = type->byte_width();
  if (w > 0) data.Reserve(static_cast<size_t>(rows) * w);
  if (type->has_offsets()) offsets.Reserve(static_cast<size_t>(rows + 1) * sizeof(int64_t));
}

void Column::MaterializeValidity() {
  if (validity.empty()) {
    validity.Resize(length);
    if (length > 0) std::memset(validity.data(), 1, length);
  }
}

void Column::CompactValidity() {
  // No null = no zero byte: memchr scans the bytes many at a time.
  if (validity.empty()) return;
  if (type->id() == TypeId::kNull ? length == 0
                                  : std::memchr(validity.data(), 0, static_cast<size_t>(length)) == nullptr) {
    validity = Buffer();
  }
}

void Column::AppendNull() {
  MaterializeValidity();
  validity.PushByte(0);
  ++length;
  switch (type->id()) {
    case TypeId::kNull: break;
    case TypeId::kString:
    case TypeId::kBinary:
      offsets.AppendValue<int64_t>(static_cast<int64_t>(data.size()));
      break;
    case TypeId::kList:
    case TypeId::kMap:
      offsets.AppendValue<int64_t>(children[0]->length);
      break;
    case TypeId::kStruct:
      for (auto& c : children) c->AppendNull();
      break;
    default: {
      size_t w = type->byte_width();
      data.ResizeZeroed(data.size() + w);
      break;
    }
  }
}

void Column::AppendFrom(const Column& src, int64_t row) {
  if (src.IsNull(row)) {
    AppendNull();
    return;
  }
  switch (type->id()) {
    case TypeId::kNull: AppendNull(); return;
    case TypeId::kString:
    case TypeId::kBinary: AppendString(src.GetString(row)); return;
    case TypeId::kList:
    case TypeId::kMap: {
      for (int64_t k = src.ListBegin(row); k < src.ListEnd(row); ++k) {
        for (size_t c = 0; c < children.size(); ++c) children[c]->AppendFrom(*src.children[c], k);
      }
      FinishListRow();
      return;
    }
    case TypeId::kStruct:
      for (size_t c = 0; c < children.size(); ++c) children[c]->AppendFrom(*src.children[c], row);
      FinishStructRow();
      return;
    default: {
      size_t w = type->byte_width();
      data.Append(src.data.data() + w * row, w);
      MarkValid();
      return;
    }
  }
}

namespace {

// Appends offsets[0..n) + base to *out (the offsets of rows appended elsewhere).
void AppendShiftedOffsets(const int64_t* offsets, int64_t n, int64_t base, Buffer* out) {
  const size_t at = out->size();
  out->Resize(at + static_cast<size_t>(n) * sizeof(int64_t));
  int64_t* dst = reinterpret_cast<int64_t*>(out->data() + at);
  for (int64_t i = 0; i < n; ++i) dst[i] = offsets[i] + base;
}

}  // namespace

void Column::AppendRange(const Column& src, int64_t begin, int64_t end) {
  const int64_t n = end - begin;
  if (n <= 0) return;
  if (type->id() == TypeId::kNull) {
    for (int64_t r = begin; r < end; ++r) AppendNull();
    return;
  }
  // Validity first (MaterializeValidity sizes it by the rows before these).
  const bool src_nulls = !src.validity.empty() &&
                         std::memchr(src.validity.data() + begin, 0, static_cast<size_t>(n)) != nullptr;
  if (src_nulls || !validity.empty()) {  // (empty validity also means "no rows yet")
    MaterializeValidity();
    const size_t at = validity.size();
    validity.Resize(at + static_cast<size_t>(n));
    if (src.validity.empty()) {
      std::memset(validity.data() + at, 1, static_cast<size_t>(n));
    } else {
      std::memcpy(validity.data() + at, src.validity.data() + begin, static_cast<size_t>(n));
    }
  }
  switch (type->id()) {
    case TypeId::kString:
    case TypeId::kBinary: {
      const int64_t* o = src.offset_values();
      const int64_t base = static_cast<int64_t>(data.size()) - o[begin];
      data.Append(src.data.data() + o[begin], static_cast<size_t>(o[end] - o[begin]));
      AppendShiftedOffsets(o + begin + 1, n, base, &offsets);
      break;
    }
    case TypeId::kList:
    case TypeId::kMap: {
      const int64_t* o = src.offset_values();
      const int64_t base = children[0]->length - o[begin];
      for (size_t c = 0; c < children.size(); ++c) children[c]->AppendRange(*src.children[c], o[begin], o[end]);
      AppendShiftedOffsets(o + begin + 1, n, base, &offsets);
      break;
    }
    case TypeId::kStruct:
      for (size_t c = 0; c < children.size(); ++c) children[c]->AppendRange(*src.children[c], begin, end);
      break;
    default: {
      const size_t w = type->byte_width();
      data.Append(src.data.data() + w * static_cast<size_t>(begin), w * static_cast<size_t>(n));
      break;
    }
  }
  length += n;
}

bool Column::RowEquals(int64_t i, const Column& o, int64_t j) const {
  bool a = IsValid(i), b = o.IsValid(j);
  if (!a || !b) return a == b;
  switch (type->id()) {
    case TypeId::kNull: return true;
    case TypeId::kFloat: {
      float x = Value<float>(i), y = o.Value<float>(j);
      return x == y || (std::isnan(x) && std::isnan(y));
    }
    case TypeId::kDouble: {
      double x = Value<double>(i), y = o.Value<double>(j);
      return x == y || (std::isnan(x) && std::isnan(y));
    }
    case TypeId::kString:
    case TypeId::kBinary: return GetString(i) == o.GetString(j);
    case TypeId::kList:
    case TypeId::kMap: {
      int64_t n = ListEnd(i) - ListBegin(i);
      if (n != o.ListEnd(j) - o.ListBegin(j)) return false;
      for (int64_t k = 0; k < n; ++k) {
        for (size_t c = 0; c < children.size(); ++c) {
          if (!children[c]->RowEquals(ListBegin(i) + k, *o.children[c], o.ListBegin(j) + k)) {
            return false;
          }
        }
      }
      return true;
    }
    case TypeId::kStruct:
      for (size_t c = 0; c < children.size(); ++c) {
        if (!children[c]->RowEquals(i, *o.children[c], j)) return false;
      }
      return true;
    default: {
      size_t w = type->byte_width();
      return std::memcmp(data.data() + w * i, o.data.data() + w * j, w) == 0;
    }
  }
}

RecordBatch RecordBatch::Empty(const Schema& schema) {
  RecordBatch b;
  b.schema = schema;
  for (const Field& f : schema.fields) b.columns.push_back(Column::Make(f.type));
  return b;
}

RecordBatch RecordBatch::Slice(int64_t begin, int64_t end) const {
  RecordBatch part;
  part.schema = schema;
  part.num_rows = end - begin;
  for (const ColumnPtr& c : columns) {
    auto sc = Column::Make(c->type);
    sc->AppendRange(*c, begin, end);
    part.columns.push_back(std::move(sc));
  }
  return part;
}

}  // namespace lakewatch
