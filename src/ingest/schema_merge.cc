#include "ingest/schema_merge.h"

#include <algorithm>

#include "common/scalar.h"

namespace lakewatch::ingest {

namespace {

bool SameNameIgnoringCase(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

bool MergeType(const TypePtr& base, const TypePtr& add, TypePtr* out);

// Struct fields (or a schema's): base's in order, merged, then add's new ones.
bool MergeFields(const std::vector<Field>& base, const std::vector<Field>& add, std::vector<Field>* out) {
  *out = base;
  for (const Field& f : add) {
    auto same = std::find_if(out->begin(), out->end(), [&](const Field& o) { return o.name == f.name; });
    if (same != out->end()) {
      TypePtr merged;
      if (!MergeType(same->type, f.type, &merged)) return false;
      same->type = std::move(merged);
      continue;
    }
    for (const Field& o : *out) {
      if (SameNameIgnoringCase(o.name, f.name)) return false;
    }
    out->push_back(f);
  }
  return true;
}

bool MergeType(const TypePtr& base, const TypePtr& add, TypePtr* out) {
  if (base->Equals(*add)) {
    *out = base;
    return true;
  }
  if (base->id() != add->id()) return false;
  switch (base->id()) {
    case TypeId::kStruct: {
      std::vector<Field> fields;
      if (!MergeFields(base->fields(), add->fields(), &fields)) return false;
      *out = DataType::Struct(std::move(fields));
      return true;
    }
    case TypeId::kList: {
      TypePtr element;
      if (!MergeType(base->field(0).type, add->field(0).type, &element)) return false;
      *out = DataType::List(std::move(element), base->field(0).nullable);
      return true;
    }
    case TypeId::kMap: {
      if (!base->field(0).type->Equals(*add->field(0).type)) return false;
      TypePtr value;
      if (!MergeType(base->field(1).type, add->field(1).type, &value)) return false;
      *out = DataType::Map(base->field(0).type, std::move(value), base->field(1).nullable);
      return true;
    }
    default:
      return false;
  }
}

ColumnPtr ConformColumn(ColumnPtr col, const TypePtr& target);

// Children of a struct column (fields `have`) in the order of `want`.
std::vector<ColumnPtr> ConformChildren(std::vector<ColumnPtr> cols, const std::vector<Field>& have,
                                       const std::vector<Field>& want, int64_t rows) {
  std::vector<ColumnPtr> out;
  out.reserve(want.size());
  for (const Field& w : want) {
    auto it = std::find_if(have.begin(), have.end(), [&](const Field& h) { return h.name == w.name; });
    if (it == have.end()) {
      out.push_back(MakeNullColumn(w.type, rows));
    } else {
      out.push_back(ConformColumn(std::move(cols[static_cast<size_t>(it - have.begin())]), w.type));
    }
  }
  return out;
}

ColumnPtr ConformColumn(ColumnPtr col, const TypePtr& target) {
  if (col->type->Equals(*target)) return col;
  switch (target->id()) {
    case TypeId::kStruct:
      col->children = ConformChildren(std::move(col->children), col->type->fields(), target->fields(), col->length);
      break;
    case TypeId::kList:
      col->children[0] = ConformColumn(std::move(col->children[0]), target->field(0).type);
      break;
    case TypeId::kMap:
      col->children[1] = ConformColumn(std::move(col->children[1]), target->field(1).type);
      break;
    default:
      break;  // equal types (MergeSchemas agreed)
  }
  col->type = target;
  return col;
}

}  // namespace

bool SameSchema(const Schema& a, const Schema& b) {
  if (a.fields.size() != b.fields.size()) return false;
  for (size_t i = 0; i < a.fields.size(); ++i) {
    if (a.fields[i].name != b.fields[i].name || !a.fields[i].type->Equals(*b.fields[i].type)) return false;
  }
  return true;
}

bool MergeSchemas(const Schema& base, const Schema& add, Schema* out) {
  Schema merged;
  if (!MergeFields(base.fields, add.fields, &merged.fields)) return false;
  *out = std::move(merged);
  return true;
}

RecordBatch ConformBatch(RecordBatch batch, const Schema& target) {
  if (SameSchema(batch.schema, target)) return batch;
  RecordBatch out;
  out.num_rows = batch.num_rows;
  out.schema = target;
  out.columns = ConformChildren(std::move(batch.columns), batch.schema.fields, target.fields, batch.num_rows);
  return out;
}

}  // namespace lakewatch::ingest
