#include "parquet/level_assembler.h"

#include <cstring>
#include <string>

namespace lakewatch::parquet {

namespace {

// A leaf's definition levels, or nullptr when every entry is defined (no
// levels, or all_defined).
const int16_t* DefLevels(const LeafData& l) {
  return l.max_def > 0 && !l.all_defined ? l.def_levels.data_as<int16_t>() : nullptr;
}

template <typename T>
void ScatterFixed(const T* src, const uint8_t* valid, int64_t n, T* dst) {
  int64_t k = 0;
  for (int64_t i = 0; i < n; ++i) {
    // Branch-free: copy the current dense value (or a harmless repeat) and
    // advance only on valid rows; nulls are zeroed.
    T v = valid[i] ? src[k] : T{};
    dst[i] = v;
    k += valid[i];
  }
}

}  // namespace

ColumnPtr ScatterDense(const Column& dense, const uint8_t* valid, int64_t n) {
  auto out = Column::Make(dense.type);
  out->length = n;
  out->validity.Resize(n);
  if (n > 0) std::memcpy(out->validity.data(), valid, n);  // valid may be null when n == 0
  const TypeId id = dense.type->id();
  if (id == TypeId::kString || id == TypeId::kBinary) {
    out->data = dense.data;
    out->offsets.Resize((n + 1) * sizeof(int64_t));
    int64_t* dst = out->offsets.data_as<int64_t>();
    const int64_t* src = dense.offset_values();
    int64_t k = 0;
    dst[0] = src[0];
    for (int64_t i = 0; i < n; ++i) {
      k += valid[i];
      dst[i + 1] = src[k];
    }
  } else if (id != TypeId::kNull) {
    const int w = dense.type->byte_width();
    out->data.Resize(static_cast<size_t>(n) * w);
    switch (w) {
      case 1: ScatterFixed(dense.values<uint8_t>(), valid, n, out->mutable_values<uint8_t>()); break;
      case 2: ScatterFixed(dense.values<uint16_t>(), valid, n, out->mutable_values<uint16_t>()); break;
      case 4: ScatterFixed(dense.values<uint32_t>(), valid, n, out->mutable_values<uint32_t>()); break;
      case 8: ScatterFixed(dense.values<uint64_t>(), valid, n, out->mutable_values<uint64_t>()); break;
      default: {
        const uint8_t* src = dense.data.data();
        uint8_t* dst = out->data.data();
        int64_t k = 0;
        for (int64_t i = 0; i < n; ++i) {
          if (valid[i]) {
            std::memcpy(dst + i * w, src + k * w, w);
            ++k;
          } else {
            std::memset(dst + i * w, 0, w);
          }
        }
      }
    }
  }
  out->CompactValidity();
  return out;
}

LevelAssembler::Slots LevelAssembler::ComputeSlots(int leaf, int16_t scope_rep,
                                                   int16_t scope_def) const {
  const LeafData& l = (*leaves_)[leaf];
  Slots s;
  if (l.max_rep == 0) {
    // No repetition: every entry is a top-level record.
    s.identity = true;
    s.count = l.num_entries;
    return s;
  }
  const int16_t* r = l.rep_levels.data_as<int16_t>();
  const int16_t* d = DefLevels(l);
  s.index.reserve(l.num_entries);
  for (int64_t e = 0; e < l.num_entries; ++e) {
    if (r[e] <= scope_rep && (d == nullptr || d[e] >= scope_def)) s.index.push_back(e);
  }
  s.count = static_cast<int64_t>(s.index.size());
  return s;
}

Result<ColumnPtr> LevelAssembler::AssembleTop(const FieldPlan& plan) {
  const LeafData& l = (*leaves_)[plan.first_leaf];
  if (l.max_rep > 0 && l.num_entries > 0 && l.rep_levels.data_as<int16_t>()[0] != 0) {
    return Status::Corrupt("column '" + plan.field.name +
                           "': first repetition level is not 0 (a record must start a chunk)");
  }
  Slots slots = ComputeSlots(plan.first_leaf, 0, 0);
  return Assemble(plan, 0, 0, slots);
}

void LevelAssembler::FillValidity(const FieldPlan& node, const Slots& slots, Column* out) const {
  const LeafData& l = (*leaves_)[node.first_leaf];
  const int16_t* d = DefLevels(l);
  if (node.def_present == 0 || d == nullptr) return;  // always present
  out->validity.Resize(slots.count);
  uint8_t* v = out->validity.data();
  for (int64_t i = 0; i < slots.count; ++i) v[i] = d[slots.at(i)] >= node.def_present;
  out->CompactValidity();
}

Result<ColumnPtr> LevelAssembler::Assemble(const FieldPlan& node, int16_t scope_rep,
                                           int16_t scope_def, const Slots& slots) {
  switch (node.kind) {
    case FieldPlan::Kind::kLeaf: return AssembleLeaf(node, slots);
    case FieldPlan::Kind::kList:
    case FieldPlan::Kind::kMap: return AssembleRepeated(node, slots);
    case FieldPlan::Kind::kStruct: break;
  }
  auto out = Column::Make(node.field.type);
  out->children.clear();
  for (const FieldPlan& child : node.children) {
    ColumnPtr c;
    if (child.first_leaf == node.first_leaf) {
      LW_ASSIGN_OR_RETURN(c, Assemble(child, scope_rep, scope_def, slots));
    } else {
      Slots own = ComputeSlots(child.first_leaf, scope_rep, scope_def);
      LW_ASSIGN_OR_RETURN(c, Assemble(child, scope_rep, scope_def, own));
    }
    if (c->length != slots.count) {
      return Status::Corrupt("struct '" + node.field.name + "': field '" + child.field.name +
                             "' has " + std::to_string(c->length) + " values where its siblings have " +
                             std::to_string(slots.count));
    }
    out->children.push_back(std::move(c));
  }
  out->length = slots.count;
  FillValidity(node, slots, out.get());
  return out;
}

Result<ColumnPtr> LevelAssembler::AssembleLeaf(const FieldPlan& node, const Slots& slots) {
  const LeafData& l = (*leaves_)[node.leaf];
  const Column& dense = *l.values;
  const int16_t* d = DefLevels(l);
  if (d == nullptr) {
    if (dense.length != slots.count) {
      return Status::Corrupt("column '" + node.field.name + "': " + std::to_string(slots.count) +
                             " levels but " + std::to_string(dense.length) + " values");
    }
    if (slots.identity) return l.values;
  }
  if (d != nullptr && dense.length == slots.count) {
    // The common case of an optional column without nulls: when every slot holds a
    // value, the dense values are the column as they are (no copy).
    int64_t nvalid = 0;
    if (slots.identity) {
      for (int64_t i = 0; i < slots.count; ++i) nvalid += d[i] == l.max_def;
    } else {
      for (int64_t i = 0; i < slots.count; ++i) nvalid += d[slots.index[i]] == l.max_def;
    }
    if (nvalid == slots.count) return l.values;
  }
  Buffer valid(slots.count);
  uint8_t* v = valid.data();
  int64_t nvalid = 0;
  for (int64_t i = 0; i < slots.count; ++i) {
    v[i] = d == nullptr || d[slots.at(i)] == l.max_def;
    nvalid += v[i];
  }
  if (nvalid != dense.length) {
    return Status::Corrupt("column '" + node.field.name + "': levels define " +
                           std::to_string(nvalid) + " values but " + std::to_string(dense.length) +
                           " were decoded");
  }
  return ScatterDense(dense, v, slots.count);
}

Result<ColumnPtr> LevelAssembler::AssembleRepeated(const FieldPlan& node, const Slots& slots) {
  const LeafData& l = (*leaves_)[node.first_leaf];
  const int16_t* r = l.rep_levels.data_as<int16_t>();
  const int16_t* d = DefLevels(l);
  if (r == nullptr) return Status::Corrupt("list '" + node.field.name + "' without repetition levels");
  auto out = Column::Make(node.field.type);
  out->children.clear();
  out->offsets.Resize((slots.count + 1) * sizeof(int64_t));
  int64_t* off = out->offsets.data_as<int64_t>();
  Slots elems;
  elems.index.reserve(l.num_entries);
  off[0] = 0;
  for (int64_t i = 0; i < slots.count; ++i) {
    int64_t begin = slots.at(i);
    int64_t end = i + 1 < slots.count ? slots.at(i + 1) : l.num_entries;
    for (int64_t e = begin; e < end; ++e) {
      if (r[e] <= node.rep_elem && (d == nullptr || d[e] >= node.def_elem)) elems.index.push_back(e);
    }
    off[i + 1] = static_cast<int64_t>(elems.index.size());
  }
  elems.count = static_cast<int64_t>(elems.index.size());
  for (const FieldPlan& child : node.children) {
    ColumnPtr c;
    if (child.first_leaf == node.first_leaf) {
      LW_ASSIGN_OR_RETURN(c, Assemble(child, node.rep_elem, node.def_elem, elems));
    } else {
      Slots own = ComputeSlots(child.first_leaf, node.rep_elem, node.def_elem);
      LW_ASSIGN_OR_RETURN(c, Assemble(child, node.rep_elem, node.def_elem, own));
    }
    if (c->length != elems.count) {
      return Status::Corrupt("'" + node.field.name + "': element field '" + child.field.name +
                             "' has " + std::to_string(c->length) + " values, expected " +
                             std::to_string(elems.count));
    }
    out->children.push_back(std::move(c));
  }
  out->length = slots.count;
  FillValidity(node, slots, out.get());
  return out;
}

}  // namespace lakewatch::parquet
