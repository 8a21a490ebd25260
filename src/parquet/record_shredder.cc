#include "parquet/record_shredder.h"

#include <cstring>
#include <vector>

namespace lakewatch::parquet {

namespace {

void PushLevels(LeafData* l, int16_t r, int16_t d) {
  if (l->max_rep > 0) l->rep_levels.AppendValue<int16_t>(r);
  if (l->max_def > 0) l->def_levels.AppendValue<int16_t>(d);
  ++l->num_entries;
}

// Every leaf below `node` gets an entry (r, d) without a value.
void EmitEmpty(const FieldPlan& node, int16_t r, int16_t d, std::vector<LeafData>* leaves) {
  if (node.kind == FieldPlan::Kind::kLeaf) {
    PushLevels(&(*leaves)[node.leaf], r, d);
    return;
  }
  for (const FieldPlan& c : node.children) EmitEmpty(c, r, d, leaves);
}

Status NullInRequired(const FieldPlan& node) {
  return Status::InvalidArgument("field '" + node.field.name + "' is not nullable but holds a null");
}

Status ShredValue(const FieldPlan& node, const Column& col, int64_t i, int16_t r,
                  std::vector<LeafData>* leaves) {
  if (col.IsNull(i)) {
    if (!node.field.nullable) return NullInRequired(node);
    EmitEmpty(node, r, static_cast<int16_t>(node.def_present - 1), leaves);
    return Status::OK();
  }
  switch (node.kind) {
    case FieldPlan::Kind::kLeaf: {
      LeafData& l = (*leaves)[node.leaf];
      PushLevels(&l, r, node.def_present);
      l.values->AppendFrom(col, i);
      return Status::OK();
    }
    case FieldPlan::Kind::kStruct:
      for (size_t c = 0; c < node.children.size(); ++c) {
        LW_RETURN_IF_ERROR(ShredValue(node.children[c], *col.children[c], i, r, leaves));
      }
      return Status::OK();
    case FieldPlan::Kind::kList:
    case FieldPlan::Kind::kMap: {
      int64_t b = col.ListBegin(i), e = col.ListEnd(i);
      if (b == e) {
        EmitEmpty(node, r, node.def_present, leaves);
        return Status::OK();
      }
      for (int64_t k = b; k < e; ++k) {
        int16_t rk = k == b ? r : node.rep_elem;
        for (size_t c = 0; c < node.children.size(); ++c) {
          LW_RETURN_IF_ERROR(ShredValue(node.children[c], *col.children[c], k, rk, leaves));
        }
      }
      return Status::OK();
    }
  }
  return Status::OK();
}

// Appends the values of a primitive column whose mask byte is 1 (all of
// them when `mask` is null), compacted.
void AppendCompacted(const Column& col, const uint8_t* mask, Column* out) {
  const int64_t n = col.length;
  if (mask == nullptr) {
    if (col.type->is_binary_like()) {
      const int64_t* o = col.offset_values();
      int64_t base = static_cast<int64_t>(out->data.size()) - o[0];
      out->data.Append(col.data.data() + o[0], o[n] - o[0]);
      size_t ob = out->offsets.size();
      out->offsets.Resize(ob + n * sizeof(int64_t));
      int64_t* dst = reinterpret_cast<int64_t*>(out->offsets.data() + ob);
      for (int64_t i = 0; i < n; ++i) dst[i] = o[i + 1] + base;
    } else {
      out->data.Append(col.data.data(), static_cast<size_t>(n) * col.type->byte_width());
    }
    out->length += n;
    return;
  }
  const uint8_t* v = mask;
  if (col.type->is_binary_like()) {
    const int64_t* o = col.offset_values();
    size_t bytes = 0;
    int64_t count = 0;
    for (int64_t i = 0; i < n; ++i) {
      bytes += v[i] ? static_cast<size_t>(o[i + 1] - o[i]) : 0;
      count += v[i];
    }
    out->data.Reserve(out->data.size() + bytes);
    out->offsets.Reserve(out->offsets.size() + static_cast<size_t>(count) * sizeof(int64_t));
    for (int64_t i = 0; i < n; ++i) {
      if (v[i]) out->AppendString(col.GetString(i));
    }
    return;
  }
  const int w = col.type->byte_width();
  size_t base = out->data.size();
  out->data.Resize(base + static_cast<size_t>(n) * w);
  uint8_t* dst = out->data.data() + base;
  const uint8_t* src = col.data.data();
  int64_t k = 0;
  switch (w) {
    case 4:
      for (int64_t i = 0; i < n; ++i) {
        std::memcpy(dst + k * 4, src + i * 4, 4);
        k += v[i];
      }
      break;
    case 8:
      for (int64_t i = 0; i < n; ++i) {
        std::memcpy(dst + k * 8, src + i * 8, 8);
        k += v[i];
      }
      break;
    default:
      for (int64_t i = 0; i < n; ++i) {
        if (v[i]) std::memcpy(dst + (k++) * w, src + i * w, w);
      }
  }
  out->data.Resize(base + static_cast<size_t>(k) * w);
  out->length += k;
}

// A leaf's first entries, all with a value: `column` is then the leaf's
// dense value stream, shared rather than copied (the column writer only reads
// it), with its levels (all max_def) left unmaterialized. False when the leaf
// has entries already or holds another type.
bool ShareAllDefined(const ColumnPtr& column, LeafData* l) {
  if (l->num_entries != 0 || l->values->length != 0 || !column->type->Equals(*l->values->type)) return false;
  l->values = column;
  l->num_entries = column->length;
  l->all_defined = l->max_def > 0;
  return true;
}

// Whether ShredFlat handles `node`: structs and leaves, and lists whose
// element is a leaf (one level of repetition, e.g. tags, probabilities).
bool FlatShreddable(const FieldPlan& node) {
  switch (node.kind) {
    case FieldPlan::Kind::kLeaf: return true;
    case FieldPlan::Kind::kMap: return false;
    case FieldPlan::Kind::kList:
      return node.children.size() == 1 && node.children[0].kind == FieldPlan::Kind::kLeaf;
    case FieldPlan::Kind::kStruct:
      for (const FieldPlan& c : node.children) {
        if (!FlatShreddable(c)) return false;
      }
      return true;
  }
  return false;
}

// Structs and leaves without repetition, a column at a time. `alive` says
// whether every ancestor of a row is present, `level` the definition level
// at which a row that is not alive ended; both null while no row has ended
// (the common case: no arrays are made or copied for it).
Status ShredFlat(const FieldPlan& node, const ColumnPtr& column, const std::vector<int16_t>* level,
                 const std::vector<uint8_t>* alive, std::vector<LeafData>* leaves) {
  const Column& col = *column;
  const int64_t n = col.length;
  std::vector<int16_t> own_level;
  std::vector<uint8_t> own_alive;
  if (!col.validity.empty() && std::memchr(col.validity.data(), 0, static_cast<size_t>(n)) != nullptr) {
    // Rows end here: this node's copies, with them marked.
    own_level = level != nullptr ? *level : std::vector<int16_t>(static_cast<size_t>(n), 0);
    own_alive = alive != nullptr ? *alive : std::vector<uint8_t>(static_cast<size_t>(n), 1);
    const uint8_t* v = col.validity.data();
    for (int64_t i = 0; i < n; ++i) {
      if (own_alive[i] && !v[i]) {
        if (!node.field.nullable) return NullInRequired(node);
        own_level[i] = static_cast<int16_t>(node.def_present - 1);
        own_alive[i] = 0;
      }
    }
    level = &own_level;
    alive = &own_alive;
  }
  // A row's definition level at this node: def_present if alive, else where it ended.
  auto level_of = [&](int64_t i) {
    return alive == nullptr || (*alive)[i] ? static_cast<int16_t>(node.def_present) : (*level)[i];
  };
  if (node.kind == FieldPlan::Kind::kLeaf) {
    LeafData& l = (*leaves)[node.leaf];
    // Every value present: the common case for a struct's fields.
    const bool all =
        alive == nullptr || n == 0 || std::memchr(alive->data(), 0, static_cast<size_t>(n)) == nullptr;
    if (all && ShareAllDefined(column, &l)) return Status::OK();
    if (l.max_def > 0) {
      const size_t base = l.def_levels.size();
      l.def_levels.Resize(base + static_cast<size_t>(n) * sizeof(int16_t));
      int16_t* d = reinterpret_cast<int16_t*>(l.def_levels.data() + base);
      for (int64_t i = 0; i < n; ++i) d[i] = level_of(i);
    }
    AppendCompacted(col, all ? nullptr : alive->data(), l.values.get());
    l.num_entries += n;
    return Status::OK();
  }
  if (node.kind == FieldPlan::Kind::kList) {
    // Entries: one per absent/null/empty list, else one per element.
    const FieldPlan& el = node.children[0];
    LeafData& l = (*leaves)[el.leaf];
    const Column& child = *col.children[0];
    std::vector<uint8_t> keep(static_cast<size_t>(child.length), 0);
    auto push = [&](int16_t r, int16_t d) {
      l.rep_levels.AppendValue<int16_t>(r);
      if (l.max_def > 0) l.def_levels.AppendValue<int16_t>(d);
      ++l.num_entries;
    };
    const int16_t elem_null = static_cast<int16_t>(el.def_present - 1);
    for (int64_t i = 0; i < n; ++i) {
      if (alive != nullptr && !(*alive)[i]) {
        push(0, (*level)[i]);
        continue;
      }
      const int64_t b = col.ListBegin(i), e = col.ListEnd(i);
      if (b == e) {
        push(0, node.def_present);
        continue;
      }
      for (int64_t k = b; k < e; ++k) {
        const int16_t r = k == b ? 0 : node.rep_elem;
        if (child.IsNull(k)) {
          if (!el.field.nullable) return NullInRequired(el);
          push(r, elem_null);
        } else {
          push(r, el.def_present);
          keep[static_cast<size_t>(k)] = 1;
        }
      }
    }
    AppendCompacted(child, keep.data(), l.values.get());
    return Status::OK();
  }
  for (size_t c = 0; c < node.children.size(); ++c) {
    LW_RETURN_IF_ERROR(ShredFlat(node.children[c], col.children[c], level, alive, leaves));
  }
  return Status::OK();
}

}  // namespace

Status ShredColumn(const FieldPlan& plan, const ColumnPtr& column, std::vector<LeafData>* leaves) {
  const Column& col = *column;
  // Leaves, structs and lists of leaves a column at a time; the rest value by value.
  if (FlatShreddable(plan)) return ShredFlat(plan, column, nullptr, nullptr, leaves);
  for (int64_t i = 0; i < col.length; ++i) LW_RETURN_IF_ERROR(ShredValue(plan, col, i, 0, leaves));
  return Status::OK();
}

}  // namespace lakewatch::parquet
