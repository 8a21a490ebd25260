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
    sc->Reserve(end - begin);
    for (int64_t r = begin; r < end; ++r) sc->AppendFrom(*c, r);
    part.columns.push_back(std::move(sc));
  }
  return part;
}

}  // namespace lakewatch
