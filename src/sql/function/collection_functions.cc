// Functions over arrays, maps and structs: size/cardinality (-1 for NULL,
// Spark's legacy default), element_at (1-based; map key), the [] operator
// (arrays 0-based, maps by key; out of range → NULL), struct field access,
// array_contains, array(...), map_keys, map_values, struct(...),
// named_struct(...).
#include "sql/execution/vector_ops.h"
#include "sql/function/function_registry.h"
#include "sql/function/kernel_util.h"

namespace lakewatch::sql {

namespace {

// Row k of child column `c` as the i-th output row.
void AppendChildRow(Column* out, const Column& c, int64_t k) {
  if (k < 0) {
    out->AppendNull();
  } else {
    out->AppendFrom(c, k);
  }
}

// For each row, which child row to take (or -1 for NULL); then gathers.
Datum TakeChildRows(const TypePtr& type, const Column& child, const std::vector<int64_t>& pick) {
  auto out = Column::Make(type);
  out->Reserve(static_cast<int64_t>(pick.size()));
  for (int64_t k : pick) AppendChildRow(out.get(), child, k);
  return Datum(std::move(out));
}

// Finds `key` (row `row` of keys datum) among the map's keys of row i.
int64_t FindKey(const Column& map, int64_t i, const Column& keys, int64_t key_row) {
  const Column& mk = *map.children[0];
  for (int64_t k = map.ListBegin(i); k < map.ListEnd(i); ++k) {
    if (mk.RowEquals(k, keys, key_row)) return k;
  }
  return -1;
}

// Shared by element_at (1-based) and [] (0-based).
Result<BoundExprPtr> BindElementAt(const std::string& name, int base, std::vector<BoundExprPtr> args) {
  LW_RETURN_IF_ERROR(CheckArity(name, args.size(), 2, 2));
  TypePtr ct = args[0]->type;
  if (ct->id() == TypeId::kList) {
    LW_ASSIGN_OR_RETURN(BoundExprPtr idx, BindCast(args[1], DataType::Int64()));
    ScalarKernel k = [base](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
      ColumnPtr list = Materialize(v[0], n);
      FixedReader<int64_t> ix(v[1]);
      std::vector<int64_t> pick(static_cast<size_t>(n), -1);
      for (int64_t i = 0; i < n; ++i) {
        if (!list->IsValid(i) || !ix.Valid(i)) continue;
        int64_t len = list->ListEnd(i) - list->ListBegin(i);
        int64_t j = ix[i];
        if (base == 1) {
          if (j == 0) return Status::InvalidArgument("element_at(): SQL array indices start at 1 (index 0)");
          j = j > 0 ? j - 1 : len + j;
        }
        if (j >= 0 && j < len) pick[i] = list->ListBegin(i) + j;
      }
      *out = TakeChildRows(self.type, *list->children[0], pick);
      return Status::OK();
    };
    return MakeFunction(name, ct->field(0).type, {args[0], idx}, k);
  }
  if (ct->id() == TypeId::kMap) {
    LW_ASSIGN_OR_RETURN(BoundExprPtr key, BindCast(args[1], ct->field(0).type));
    ScalarKernel k = [](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
      ColumnPtr map = Materialize(v[0], n);
      ColumnPtr keys = Materialize(v[1], n);
      std::vector<int64_t> pick(static_cast<size_t>(n), -1);
      for (int64_t i = 0; i < n; ++i) {
        if (!map->IsValid(i) || !keys->IsValid(i)) continue;
        pick[i] = FindKey(*map, i, *keys, i);
      }
      *out = TakeChildRows(self.type, *map->children[1], pick);
      return Status::OK();
    };
    return MakeFunction(name, ct->field(1).type, {args[0], key}, k);
  }
  return Status::InvalidArgument(name + "() needs an array or a map, got " + ct->ToString());
}

}  // namespace

// Struct field `index` of `e` (a struct): the child column, NULL where the struct is NULL.
BoundExprPtr MakeStructField(BoundExprPtr e, int index) {
  TypePtr ft = e->type->field(static_cast<size_t>(index)).type;
  ScalarKernel k = [index](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
    ColumnPtr s = Materialize(v[0], n);
    *out = Datum(MaskByParent(s->children[static_cast<size_t>(index)], *s));  // NULL structs hide their fields
    return Status::OK();
  };
  std::string name = "get_field." + e->type->field(static_cast<size_t>(index)).name;
  return MakeFunction(std::move(name), ft, {std::move(e)}, k);
}

void RegisterCollectionFunctions(FunctionTable* t) {
  auto size = [](std::vector<BoundExprPtr> a) -> Result<BoundExprPtr> {
    LW_RETURN_IF_ERROR(CheckArity("size", a.size(), 1, 1));
    if (a[0]->type->id() != TypeId::kList && a[0]->type->id() != TypeId::kMap && a[0]->type->id() != TypeId::kNull) {
      return Status::InvalidArgument("size() needs an array or a map, got " + a[0]->type->ToString());
    }
    ScalarKernel k = [](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
      FixedWriter<int32_t> w(self.type, n);
      if (v[0].type()->id() == TypeId::kNull) {
        std::fill(w.values, w.values + n, -1);
      } else {
        ColumnPtr c = Materialize(v[0], n);
        for (int64_t i = 0; i < n; ++i) {
          w.values[i] = c->IsValid(i) ? static_cast<int32_t>(c->ListEnd(i) - c->ListBegin(i)) : -1;
        }
      }
      *out = w.Finish();
      return Status::OK();
    };
    return MakeFunction("size", DataType::Int32(), std::move(a), k);
  };
  t->Add("size", size);
  t->Add("cardinality", size);
  t->Add("array_size", size);
  t->Add("element_at", [](std::vector<BoundExprPtr> a) { return BindElementAt("element_at", 1, std::move(a)); });
  t->Add("subscript", [](std::vector<BoundExprPtr> a) { return BindElementAt("subscript", 0, std::move(a)); });
  t->Add("array_contains", [](std::vector<BoundExprPtr> a) -> Result<BoundExprPtr> {
    LW_RETURN_IF_ERROR(CheckArity("array_contains", a.size(), 2, 2));
    if (a[0]->type->id() != TypeId::kList) {
      return Status::InvalidArgument("array_contains() needs an array, got " + a[0]->type->ToString());
    }
    LW_ASSIGN_OR_RETURN(BoundExprPtr v, BindCast(a[1], a[0]->type->field(0).type));
    ScalarKernel k = [](const BoundExpr& self, const std::vector<Datum>& args, int64_t n, Datum* out) {
      ColumnPtr list = Materialize(args[0], n);
      ColumnPtr val = Materialize(args[1], n);
      const Column& el = *list->children[0];
      FixedWriter<uint8_t> w(self.type, n);
      for (int64_t i = 0; i < n; ++i) {
        if (!list->IsValid(i) || !val->IsValid(i)) {
          w.SetNull(i);
          continue;
        }
        bool found = false, null_seen = false;
        for (int64_t k = list->ListBegin(i); k < list->ListEnd(i) && !found; ++k) {
          if (el.IsNull(k)) null_seen = true;
          else found = el.RowEquals(k, *val, i);
        }
        if (!found && null_seen) w.SetNull(i);
        else w.values[i] = found;
      }
      *out = w.Finish();
      return Status::OK();
    };
    return MakeFunction("array_contains", DataType::Boolean(), {a[0], v}, k);
  });
  t->Add("array", [](std::vector<BoundExprPtr> a) -> Result<BoundExprPtr> {
    TypePtr et = DataType::Null();
    for (auto& e : a) {
      TypePtr c = CommonType(et, e->type);
      if (!c) return Status::InvalidArgument("array(): elements of different types");
      et = c;
    }
    if (et->id() == TypeId::kNull) et = DataType::String();
    std::vector<BoundExprPtr> cast;
    for (auto& e : a) {
      LW_ASSIGN_OR_RETURN(BoundExprPtr c, BindCast(e, et));
      cast.push_back(std::move(c));
    }
    ScalarKernel k = [](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
      auto col = Column::Make(self.type);
      std::vector<ColumnPtr> cols;
      for (const Datum& d : v) cols.push_back(Materialize(d, n));
      for (int64_t i = 0; i < n; ++i) {
        for (const ColumnPtr& c : cols) col->children[0]->AppendFrom(*c, i);
        col->FinishListRow();
      }
      *out = Datum(std::move(col));
      return Status::OK();
    };
    return MakeFunction("array", DataType::List(et), std::move(cast), k);
  });
  auto map_part = [](const std::string& name, int part) {
    return [name, part](std::vector<BoundExprPtr> a) -> Result<BoundExprPtr> {
      LW_RETURN_IF_ERROR(CheckArity(name, a.size(), 1, 1));
      if (a[0]->type->id() != TypeId::kMap) return Status::InvalidArgument(name + "() needs a map, got " + a[0]->type->ToString());
      ScalarKernel k = [part](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
        ColumnPtr m = Materialize(v[0], n);
        auto col = Column::Make(self.type);
        col->validity = m->validity;
        col->offsets = m->offsets;
        col->children = {m->children[static_cast<size_t>(part)]};
        col->length = n;
        *out = Datum(std::move(col));
        return Status::OK();
      };
      TypePtr type = DataType::List(a[0]->type->field(static_cast<size_t>(part)).type);
      return MakeFunction(name, std::move(type), std::move(a), k);
    };
  };
  t->Add("map_keys", map_part("map_keys", 0));
  t->Add("map_values", map_part("map_values", 1));
  auto make_struct = [](std::vector<std::string> names, std::vector<BoundExprPtr> vals) -> BoundExprPtr {
    std::vector<Field> fields;
    for (size_t i = 0; i < vals.size(); ++i) fields.push_back({names[i], vals[i]->type, true, ""});
    ScalarKernel k = [](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
      auto col = Column::Make(self.type);
      col->children.clear();
      for (const Datum& d : v) col->children.push_back(Materialize(d, n));
      col->length = n;
      *out = Datum(std::move(col));
      return Status::OK();
    };
    return MakeFunction("struct", DataType::Struct(std::move(fields)), std::move(vals), k);
  };
  t->Add("struct", [make_struct](std::vector<BoundExprPtr> a) -> Result<BoundExprPtr> {
    std::vector<std::string> names;
    for (size_t i = 0; i < a.size(); ++i) names.push_back("col" + std::to_string(i + 1));
    return make_struct(names, std::move(a));
  });
  t->Add("named_struct", [make_struct](std::vector<BoundExprPtr> a) -> Result<BoundExprPtr> {
    if (a.size() % 2 != 0) return Status::InvalidArgument("named_struct() takes name, value pairs");
    std::vector<std::string> names;
    std::vector<BoundExprPtr> vals;
    for (size_t i = 0; i < a.size(); i += 2) {
      if (!a[i]->IsConstant() || a[i]->type->id() != TypeId::kString) {
        return Status::InvalidArgument("named_struct(): field names must be constant strings");
      }
      names.push_back(a[i]->value.str);
      vals.push_back(a[i + 1]);
    }
    return make_struct(names, std::move(vals));
  });
}

}  // namespace lakewatch::sql
