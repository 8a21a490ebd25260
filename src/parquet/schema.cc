#include "parquet/schema.h"

#include <fmt/format.h>

#include <cmath>

namespace lakewatch::parquet {

namespace {

constexpr int kMaxSchemaDepth = 128;

struct Node {
  const SchemaElement* el = nullptr;
  std::vector<Node> children;
  int16_t def = 0;  // max definition level at this node
  int16_t rep = 0;  // max repetition level at this node
  int first_leaf = -1;
  std::vector<std::string> path;
  bool is_leaf() const { return el->num_children.value_or(0) == 0 && el->type.has_value(); }
  FieldRepetitionType repetition() const {
    return el->repetition_type.value_or(FieldRepetitionType::kOptional);
  }
  bool is_repeated() const { return repetition() == FieldRepetitionType::kRepeated; }
  bool is_optional() const { return repetition() == FieldRepetitionType::kOptional; }
};

class TreeBuilder {
 public:
  TreeBuilder(const std::vector<SchemaElement>& els, std::vector<LeafDescriptor>* leaves)
      : els_(els), leaves_(leaves) {}

  Status Build(Node* root) {
    if (els_.empty()) return Status::Corrupt("Parquet schema is empty (no root element)");
    pos_ = 1;
    root->el = &els_[0];
    LW_RETURN_IF_ERROR(Children(root, 0));
    if (pos_ != els_.size()) {
      return Status::Corrupt(fmt::format("Parquet schema: {} elements but the root's tree uses {}",
                                         els_.size(), pos_));
    }
    return Status::OK();
  }

 private:
  Status Children(Node* parent, int depth) {
    if (depth > kMaxSchemaDepth) {
      return Status::Corrupt(fmt::format("Parquet schema nested deeper than {}", kMaxSchemaDepth));
    }
    int32_t n = parent->el->num_children.value_or(0);
    if (n < 0 || static_cast<size_t>(n) > els_.size() - pos_) {
      return Status::Corrupt(fmt::format("Parquet schema element '{}' claims {} children, {} remain",
                                         parent->el->name, n, els_.size() - pos_));
    }
    parent->children.resize(n);
    for (int32_t i = 0; i < n; ++i) {
      // The check above is against the elements left when this group began; children that
      // are groups consume elements too, so each sibling is checked again.
      if (pos_ >= els_.size()) {
        return Status::Corrupt(fmt::format(
            "Parquet schema element '{}' claims {} children, but the schema ends after {}",
            parent->el->name, n, i));
      }
      Node& c = parent->children[i];
      c.el = &els_[pos_++];
      c.path = parent->path;
      c.path.push_back(c.el->name);
      c.def = parent->def + (c.repetition() != FieldRepetitionType::kRequired ? 1 : 0);
      c.rep = parent->rep + (c.is_repeated() ? 1 : 0);
      bool group = c.el->num_children.has_value() && *c.el->num_children > 0;
      if (!group) {
        if (!c.el->type.has_value()) {
          // An empty group (num_children = 0, no type): not readable.
          return Status::NotSupported(fmt::format("Parquet schema: empty group '{}'", c.el->name));
        }
        c.first_leaf = static_cast<int>(leaves_->size());
        LeafDescriptor leaf;
        leaf.index = c.first_leaf;
        leaf.path = c.path;
        leaf.element = *c.el;
        leaf.physical_type = *c.el->type;
        leaf.type_length = c.el->type_length.value_or(0);
        leaf.max_def = c.def;
        leaf.max_rep = c.rep;
        leaves_->push_back(std::move(leaf));
      } else {
        c.first_leaf = static_cast<int>(leaves_->size());
        LW_RETURN_IF_ERROR(Children(&c, depth + 1));
      }
    }
    return Status::OK();
  }

  const std::vector<SchemaElement>& els_;
  std::vector<LeafDescriptor>* leaves_;
  size_t pos_ = 0;
};

bool HasLogical(const SchemaElement& el, LogicalType::Kind k) {
  return el.logical_type.has_value() && el.logical_type->kind == k;
}
bool HasConverted(const SchemaElement& el, ConvertedType c) {
  return el.converted_type.has_value() && *el.converted_type == c;
}

Status Unsupported(const LeafDescriptor& leaf, const std::string& what) {
  return Status::NotSupported(fmt::format("column '{}': {}", leaf.DottedPath(), what));
}

// Sets leaf->type and leaf->conversion from the physical type and annotations.
Status ResolveLeafType(LeafDescriptor* leaf) {
  const SchemaElement& el = leaf->element;
  const Type pt = leaf->physical_type;
  auto set = [&](TypePtr t, ValueConversion c = ValueConversion::kNone) {
    leaf->type = std::move(t);
    leaf->conversion = c;
    return Status::OK();
  };

  // DECIMAL (logical or converted).
  int precision = -1, scale = 0;
  if (HasLogical(el, LogicalType::Kind::kDecimal)) {
    precision = el.logical_type->precision;
    scale = el.logical_type->scale;
  } else if (HasConverted(el, ConvertedType::kDecimal) && !el.logical_type.has_value()) {
    precision = el.precision.value_or(-1);
    scale = el.scale.value_or(0);
  }
  if (precision != -1) {
    if (precision < 1 || scale < 0 || scale > precision) {
      return Status::Corrupt(fmt::format("column '{}': invalid DECIMAL({},{})", leaf->DottedPath(),
                                         precision, scale));
    }
    if (precision > 38) {
      return Unsupported(*leaf, fmt::format("DECIMAL precision {} > 38", precision));
    }
    TypePtr t = DataType::Decimal(precision, scale);
    switch (pt) {
      case Type::kInt32: return set(t, ValueConversion::kInt32ToDecimal);
      case Type::kInt64: return set(t, ValueConversion::kInt64ToDecimal);
      case Type::kByteArray: return set(t, ValueConversion::kBytesToDecimal);
      case Type::kFixedLenByteArray:
        if (leaf->type_length < 1 || leaf->type_length > 16) {
          return Unsupported(*leaf, fmt::format("DECIMAL on FIXED_LEN_BYTE_ARRAY({})", leaf->type_length));
        }
        return set(t, ValueConversion::kBytesToDecimal);
      default: return Unsupported(*leaf, "DECIMAL on " + TypeName(pt));
    }
  }

  const bool unknown_logical =
      el.logical_type.has_value() && (el.logical_type->kind == LogicalType::Kind::kUnrecognized ||
                                      el.logical_type->kind == LogicalType::Kind::kNull);
  const bool use_logical = el.logical_type.has_value() && !unknown_logical;
  switch (pt) {
    case Type::kBoolean: return set(DataType::Boolean());
    case Type::kInt32: {
      if (use_logical) {
        const LogicalType& lt = *el.logical_type;
        if (lt.kind == LogicalType::Kind::kDate) return set(DataType::Date());
        if (lt.kind == LogicalType::Kind::kInteger) {
          if (lt.is_signed) {
            if (lt.bit_width == 8) return set(DataType::Int8(), ValueConversion::kInt32ToInt8);
            if (lt.bit_width == 16) return set(DataType::Int16(), ValueConversion::kInt32ToInt16);
            return set(DataType::Int32());
          }
          if (lt.bit_width == 8) return set(DataType::Int16(), ValueConversion::kInt32ToInt16);
          if (lt.bit_width == 16) return set(DataType::Int32());
          return set(DataType::Int64(), ValueConversion::kUint32ToInt64);
        }
        if (lt.kind == LogicalType::Kind::kTime && lt.unit == TimeUnit::kMillis) {
          return set(DataType::Time(), ValueConversion::kTimeMillisToMicros);
        }
        return Unsupported(*leaf, "logical type " + LogicalTypeToString(lt) + " on INT32");
      }
      if (el.converted_type.has_value() && !unknown_logical) {
        switch (*el.converted_type) {
          case ConvertedType::kDate: return set(DataType::Date());
          case ConvertedType::kInt8: return set(DataType::Int8(), ValueConversion::kInt32ToInt8);
          case ConvertedType::kInt16: return set(DataType::Int16(), ValueConversion::kInt32ToInt16);
          case ConvertedType::kInt32: return set(DataType::Int32());
          case ConvertedType::kUint8: return set(DataType::Int16(), ValueConversion::kInt32ToInt16);
          case ConvertedType::kUint16: return set(DataType::Int32());
          case ConvertedType::kUint32: return set(DataType::Int64(), ValueConversion::kUint32ToInt64);
          case ConvertedType::kTimeMillis:
            return set(DataType::Time(), ValueConversion::kTimeMillisToMicros);
          default:
            return Unsupported(*leaf, ConvertedTypeName(*el.converted_type) + " on INT32");
        }
      }
      return set(DataType::Int32());
    }
    case Type::kInt64: {
      if (use_logical) {
        const LogicalType& lt = *el.logical_type;
        if (lt.kind == LogicalType::Kind::kTimestamp) {
          TypePtr t = lt.is_adjusted_to_utc ? DataType::Timestamp() : DataType::TimestampNtz();
          switch (lt.unit) {
            case TimeUnit::kMillis: return set(t, ValueConversion::kMillisToMicros);
            case TimeUnit::kMicros: return set(t);
            case TimeUnit::kNanos: return set(t, ValueConversion::kNanosToMicros);
          }
          return Unsupported(*leaf, "TIMESTAMP with an unknown unit");
        }
        if (lt.kind == LogicalType::Kind::kInteger) {
          if (lt.is_signed || lt.bit_width != 64) return set(DataType::Int64());
          return set(DataType::Decimal(20, 0), ValueConversion::kUint64ToDecimal);
        }
        if (lt.kind == LogicalType::Kind::kTime) {
          if (lt.unit == TimeUnit::kMicros) return set(DataType::Time());
          if (lt.unit == TimeUnit::kNanos) return set(DataType::Time(), ValueConversion::kNanosToMicros);
        }
        return Unsupported(*leaf, "logical type " + LogicalTypeToString(lt) + " on INT64");
      }
      if (el.converted_type.has_value() && !unknown_logical) {
        switch (*el.converted_type) {
          case ConvertedType::kTimestampMillis:
            return set(DataType::Timestamp(), ValueConversion::kMillisToMicros);
          case ConvertedType::kTimestampMicros: return set(DataType::Timestamp());
          case ConvertedType::kInt64: return set(DataType::Int64());
          case ConvertedType::kUint64:
            return set(DataType::Decimal(20, 0), ValueConversion::kUint64ToDecimal);
          case ConvertedType::kTimeMicros: return set(DataType::Time());
          default:
            return Unsupported(*leaf, ConvertedTypeName(*el.converted_type) + " on INT64");
        }
      }
      return set(DataType::Int64());
    }
    case Type::kInt96: return set(DataType::Timestamp(), ValueConversion::kInt96ToMicros);
    case Type::kFloat: return set(DataType::Float());
    case Type::kDouble: return set(DataType::Double());
    case Type::kByteArray: {
      if (use_logical) {
        switch (el.logical_type->kind) {
          case LogicalType::Kind::kString:
          case LogicalType::Kind::kEnum:
          case LogicalType::Kind::kJson: return set(DataType::String());
          case LogicalType::Kind::kBson: return set(DataType::Binary());
          default:
            return Unsupported(*leaf, "logical type " + LogicalTypeToString(*el.logical_type) +
                                          " on BYTE_ARRAY");
        }
      }
      if (el.converted_type.has_value() && !unknown_logical) {
        switch (*el.converted_type) {
          case ConvertedType::kUtf8:
          case ConvertedType::kEnum:
          case ConvertedType::kJson: return set(DataType::String());
          case ConvertedType::kBson: return set(DataType::Binary());
          default:
            return Unsupported(*leaf, ConvertedTypeName(*el.converted_type) + " on BYTE_ARRAY");
        }
      }
      return set(DataType::Binary());
    }
    case Type::kFixedLenByteArray: {
      if (leaf->type_length < 0) {
        return Status::Corrupt(fmt::format("column '{}': FIXED_LEN_BYTE_ARRAY with length {}",
                                           leaf->DottedPath(), leaf->type_length));
      }
      if (use_logical) {
        switch (el.logical_type->kind) {
          case LogicalType::Kind::kFloat16:
            if (leaf->type_length != 2) return Unsupported(*leaf, "FLOAT16 with length != 2");
            return set(DataType::Float(), ValueConversion::kFloat16ToFloat);
          case LogicalType::Kind::kUuid:
            if (leaf->type_length != 16) return Unsupported(*leaf, "UUID with length != 16");
            return set(DataType::String(), ValueConversion::kUuidToString);
          default:
            return Unsupported(*leaf, "logical type " + LogicalTypeToString(*el.logical_type) +
                                          " on FIXED_LEN_BYTE_ARRAY");
        }
      }
      if (el.converted_type.has_value() && !unknown_logical) {
        if (*el.converted_type == ConvertedType::kInterval) return Unsupported(*leaf, "INTERVAL");
        return Unsupported(*leaf,
                           ConvertedTypeName(*el.converted_type) + " on FIXED_LEN_BYTE_ARRAY");
      }
      return set(DataType::Binary());
    }
  }
  return Status::Corrupt(fmt::format("column '{}': invalid physical type {}", leaf->DottedPath(),
                                     static_cast<int>(pt)));
}

class PlanBuilder {
 public:
  explicit PlanBuilder(std::vector<LeafDescriptor>* leaves) : leaves_(leaves) {}

  // Maps a node that is not consumed by an enclosing LIST/MAP.
  Result<FieldPlan> Map(const Node& n) {
    if (n.is_repeated()) {
      // A bare repeated field: a required list of required elements.
      LW_ASSIGN_OR_RETURN(FieldPlan elem, MapElement(n));
      return MakeList(n.el->name, false, static_cast<int16_t>(n.def - 1), n, std::move(elem),
                      FieldPlan::Kind::kList);
    }
    return MapElement(n);
  }

 private:
  // Maps `n` ignoring its own repetition (the caller accounted for it).
  Result<FieldPlan> MapElement(const Node& n) {
    FieldPlan p;
    p.field.name = n.el->name;
    p.field.nullable = n.is_optional();
    p.def_present = n.def;
    p.first_leaf = n.first_leaf;
    if (n.is_leaf()) {
      LeafDescriptor& leaf = (*leaves_)[n.first_leaf];
      LW_RETURN_IF_ERROR(ResolveLeafType(&leaf));
      p.kind = FieldPlan::Kind::kLeaf;
      p.leaf = n.first_leaf;
      p.field.type = leaf.type;
      return p;
    }
    const SchemaElement& el = *n.el;
    const bool is_list = HasLogical(el, LogicalType::Kind::kList) || HasConverted(el, ConvertedType::kList);
    const bool is_map = HasLogical(el, LogicalType::Kind::kMap) || HasConverted(el, ConvertedType::kMap) ||
                        HasConverted(el, ConvertedType::kMapKeyValue);
    if (is_list) return MapList(n);
    if (is_map) return MapMap(n);
    p.kind = FieldPlan::Kind::kStruct;
    std::vector<Field> fields;
    for (const Node& c : n.children) {
      LW_ASSIGN_OR_RETURN(FieldPlan cp, Map(c));
      fields.push_back(cp.field);
      p.children.push_back(std::move(cp));
    }
    p.field.type = DataType::Struct(std::move(fields));
    return p;
  }

  Result<FieldPlan> MakeList(std::string name, bool nullable, int16_t def_present, const Node& rep,
                             FieldPlan elem, FieldPlan::Kind kind) {
    FieldPlan p;
    p.kind = kind;
    p.field.name = std::move(name);
    p.field.nullable = nullable;
    p.def_present = def_present;
    p.rep_elem = rep.rep;
    p.def_elem = rep.def;
    p.first_leaf = rep.first_leaf;
    p.field.type = DataType::List(elem.field.type, elem.field.nullable);
    p.children.push_back(std::move(elem));
    return p;
  }

  Result<FieldPlan> MapList(const Node& n) {
    if (n.children.size() != 1 || !n.children[0].is_repeated()) {
      return Status::NotSupported(fmt::format(
          "column '{}': LIST group must have exactly one repeated child", n.el->name));
    }
    const Node& r = n.children[0];
    FieldPlan elem;
    if (r.is_leaf()) {
      LW_ASSIGN_OR_RETURN(elem, MapElement(r));  // legacy 2-level: repeated primitive
      elem.field.nullable = false;
    } else if (r.children.size() > 1 || r.el->name == "array" || r.el->name == n.el->name + "_tuple") {
      LW_ASSIGN_OR_RETURN(elem, MapElement(r));  // legacy 2-level: repeated group is the element
      elem.field.nullable = false;
    } else {
      LW_ASSIGN_OR_RETURN(elem, Map(r.children[0]));  // standard 3-level
    }
    return MakeList(n.el->name, n.is_optional(), n.def, r, std::move(elem), FieldPlan::Kind::kList);
  }

  Result<FieldPlan> MapMap(const Node& n) {
    const Node* kv = &n;
    // MAP group { repeated group key_value { key; value } }; legacy files may
    // annotate the repeated group itself with MAP_KEY_VALUE.
    if (!(n.children.size() == 1 && n.children[0].is_repeated() && !n.children[0].is_leaf())) {
      return Status::NotSupported(fmt::format(
          "column '{}': MAP group must have one repeated key_value group", n.el->name));
    }
    kv = &n.children[0];
    if (kv->children.empty() || kv->children.size() > 2) {
      return Status::NotSupported(fmt::format(
          "column '{}': MAP key_value group has {} fields (expected key and value)", n.el->name,
          kv->children.size()));
    }
    LW_ASSIGN_OR_RETURN(FieldPlan key, Map(kv->children[0]));
    FieldPlan p;
    p.kind = FieldPlan::Kind::kMap;
    p.field.name = n.el->name;
    p.field.nullable = n.is_optional();
    p.def_present = n.def;
    p.rep_elem = kv->rep;
    p.def_elem = kv->def;
    p.first_leaf = kv->first_leaf;
    if (kv->children.size() == 1) {
      // A map without values (seen in the wild): read it as a list of keys.
      p.kind = FieldPlan::Kind::kList;
      key.field.nullable = false;
      p.field.type = DataType::List(key.field.type, false);
      p.children.push_back(std::move(key));
      return p;
    }
    LW_ASSIGN_OR_RETURN(FieldPlan value, Map(kv->children[1]));
    p.field.type = DataType::Map(key.field.type, value.field.type, value.field.nullable);
    key.field.name = "key";
    value.field.name = "value";
    p.children.push_back(std::move(key));
    p.children.push_back(std::move(value));
    return p;
  }

  std::vector<LeafDescriptor>* leaves_;
};

// ---- logical -> Parquet elements

int DecimalBytes(int precision) {
  int bytes = 1;
  // smallest n with 2^(8n-1) > 10^precision
  while (true) {
    double max = std::ldexp(1.0, 8 * bytes - 1);
    if (max > std::pow(10.0, precision)) return bytes;
    ++bytes;
  }
}

Status AppendElements(const Field& f, FieldRepetitionType rep, std::vector<SchemaElement>* out) {
  SchemaElement el;
  el.name = f.name;
  el.repetition_type = rep;
  const DataType& t = *f.type;
  auto child_rep = [](bool nullable) {
    return nullable ? FieldRepetitionType::kOptional : FieldRepetitionType::kRequired;
  };
  switch (t.id()) {
    case TypeId::kNull:
      return Status::NotSupported("column '" + f.name + "': type void has no Parquet representation");
    case TypeId::kBoolean: el.type = Type::kBoolean; break;
    case TypeId::kInt8:
      el.type = Type::kInt32;
      el.logical_type = LogicalType::Integer(8, true);
      el.converted_type = ConvertedType::kInt8;
      break;
    case TypeId::kInt16:
      el.type = Type::kInt32;
      el.logical_type = LogicalType::Integer(16, true);
      el.converted_type = ConvertedType::kInt16;
      break;
    case TypeId::kInt32: el.type = Type::kInt32; break;
    case TypeId::kInt64: el.type = Type::kInt64; break;
    case TypeId::kFloat: el.type = Type::kFloat; break;
    case TypeId::kDouble: el.type = Type::kDouble; break;
    case TypeId::kDecimal:
      if (t.precision() <= 9) {
        el.type = Type::kInt32;
      } else if (t.precision() <= 18) {
        el.type = Type::kInt64;
      } else {
        el.type = Type::kFixedLenByteArray;
        el.type_length = DecimalBytes(t.precision());
      }
      el.logical_type = LogicalType::Decimal(t.precision(), t.scale());
      el.converted_type = ConvertedType::kDecimal;
      el.precision = t.precision();
      el.scale = t.scale();
      break;
    case TypeId::kDate:
      el.type = Type::kInt32;
      el.logical_type = LogicalType::Simple(LogicalType::Kind::kDate);
      el.converted_type = ConvertedType::kDate;
      break;
    case TypeId::kTimestamp:
      el.type = Type::kInt64;
      el.logical_type = LogicalType::Timestamp(true, TimeUnit::kMicros);
      el.converted_type = ConvertedType::kTimestampMicros;
      break;
    case TypeId::kTimestampNtz:
      el.type = Type::kInt64;
      el.logical_type = LogicalType::Timestamp(false, TimeUnit::kMicros);
      break;
    case TypeId::kTime:
      // A wall-clock time of day: isAdjustedToUTC=false, as Spark writes and
      // requires (it refuses TIME with isAdjustedToUTC=true; DuckDB reads that
      // as TIME WITH TIME ZONE). No TIME_MICROS: that converted type means the
      // UTC-adjusted form.
      el.type = Type::kInt64;
      el.logical_type = LogicalType::Time(false, TimeUnit::kMicros);
      break;
    case TypeId::kString:
      el.type = Type::kByteArray;
      el.logical_type = LogicalType::Simple(LogicalType::Kind::kString);
      el.converted_type = ConvertedType::kUtf8;
      break;
    case TypeId::kBinary: el.type = Type::kByteArray; break;
    case TypeId::kStruct: {
      if (t.num_fields() == 0) {
        return Status::NotSupported("column '" + f.name + "': empty struct");
      }
      el.num_children = static_cast<int32_t>(t.num_fields());
      out->push_back(el);
      for (const Field& c : t.fields()) LW_RETURN_IF_ERROR(AppendElements(c, child_rep(c.nullable), out));
      return Status::OK();
    }
    case TypeId::kList: {
      el.num_children = 1;
      el.logical_type = LogicalType::Simple(LogicalType::Kind::kList);
      el.converted_type = ConvertedType::kList;
      out->push_back(el);
      SchemaElement list;
      list.name = "list";
      list.repetition_type = FieldRepetitionType::kRepeated;
      list.num_children = 1;
      out->push_back(list);
      Field elem = t.field(0);
      elem.name = "element";
      return AppendElements(elem, child_rep(elem.nullable), out);
    }
    case TypeId::kMap: {
      el.num_children = 1;
      el.logical_type = LogicalType::Simple(LogicalType::Kind::kMap);
      el.converted_type = ConvertedType::kMap;
      out->push_back(el);
      SchemaElement kv;
      kv.name = "key_value";
      kv.repetition_type = FieldRepetitionType::kRepeated;
      kv.num_children = 2;
      out->push_back(kv);
      Field key = t.field(0);
      key.name = "key";
      LW_RETURN_IF_ERROR(AppendElements(key, FieldRepetitionType::kRequired, out));
      Field value = t.field(1);
      value.name = "value";
      return AppendElements(value, child_rep(value.nullable), out);
    }
  }
  out->push_back(el);
  return Status::OK();
}

}  // namespace

int LeafDescriptor::PhysicalByteWidth() const {
  switch (physical_type) {
    case Type::kBoolean: return 1;
    case Type::kInt32:
    case Type::kFloat: return 4;
    case Type::kInt64:
    case Type::kDouble: return 8;
    case Type::kInt96: return 12;
    case Type::kFixedLenByteArray: return type_length;
    case Type::kByteArray: return 0;
  }
  return 0;
}

std::string LeafDescriptor::DottedPath() const {
  std::string s;
  for (size_t i = 0; i < path.size(); ++i) {
    if (i) s += '.';
    s += path[i];
  }
  return s;
}

Result<ParquetSchema> ParquetSchema::FromElements(const std::vector<SchemaElement>& elements) {
  ParquetSchema s;
  s.elements_ = elements;
  Node root;
  TreeBuilder tb(s.elements_, &s.leaves_);
  LW_RETURN_IF_ERROR(tb.Build(&root));
  PlanBuilder pb(&s.leaves_);
  for (const Node& c : root.children) {
    LW_ASSIGN_OR_RETURN(FieldPlan p, pb.Map(c));
    s.logical_.fields.push_back(p.field);
    s.plans_.push_back(std::move(p));
  }
  return s;
}

Result<ParquetSchema> ParquetSchema::FromLogical(const Schema& schema) {
  std::vector<SchemaElement> els(1);
  els[0].name = "schema";
  els[0].num_children = static_cast<int32_t>(schema.fields.size());
  for (const Field& f : schema.fields) {
    LW_RETURN_IF_ERROR(AppendElements(
        f, f.nullable ? FieldRepetitionType::kOptional : FieldRepetitionType::kRequired, &els));
  }
  return FromElements(els);
}

void CollectLeaves(const FieldPlan& plan, std::vector<bool>* needed) {
  if (plan.kind == FieldPlan::Kind::kLeaf) {
    (*needed)[plan.leaf] = true;
    return;
  }
  for (const FieldPlan& c : plan.children) CollectLeaves(c, needed);
}

namespace {

// Keeps in `plan` (a struct) only the path `rest`; merges into `into` if given.
Status PrunePath(const FieldPlan& plan, const std::vector<std::string>& parts, size_t i,
                 FieldPlan* out, const std::string& full) {
  if (i == parts.size()) {
    *out = plan;
    return Status::OK();
  }
  if (plan.kind != FieldPlan::Kind::kStruct) {
    return Status::NotFound("column '" + full + "': '" + plan.field.name + "' is not a struct");
  }
  const FieldPlan* child = nullptr;
  for (const FieldPlan& c : plan.children) {
    if (c.field.name == parts[i]) child = &c;
  }
  if (child == nullptr) {
    std::string names;
    for (const FieldPlan& c : plan.children) names += (names.empty() ? "" : ", ") + c.field.name;
    return Status::NotFound("column '" + full + "': struct '" + plan.field.name + "' has no field '" +
                            parts[i] + "' (fields: " + names + ")");
  }
  // Merge with an existing pruned copy of the same struct.
  if (out->kind != FieldPlan::Kind::kStruct || out->field.name != plan.field.name) {
    *out = plan;
    out->children.clear();
  }
  FieldPlan* existing = nullptr;
  for (FieldPlan& c : out->children) {
    if (c.field.name == parts[i]) existing = &c;
  }
  if (existing == nullptr) {
    out->children.emplace_back();
    existing = &out->children.back();
    existing->field.name = "";
  }
  LW_RETURN_IF_ERROR(PrunePath(*child, parts, i + 1, existing, full));
  std::vector<Field> fields;
  for (const FieldPlan& c : out->children) fields.push_back(c.field);
  out->field.type = DataType::Struct(std::move(fields));
  out->first_leaf = out->children.front().first_leaf;
  return Status::OK();
}

}  // namespace

Result<std::vector<FieldPlan>> ParquetSchema::Project(const std::vector<std::string>& columns) const {
  if (columns.empty()) return plans_;
  std::vector<FieldPlan> out;
  for (const std::string& col : columns) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (true) {
      size_t dot = col.find('.', start);
      parts.push_back(col.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    const FieldPlan* top = nullptr;
    for (const FieldPlan& p : plans_) {
      if (p.field.name == parts[0]) top = &p;
    }
    if (top == nullptr && parts.size() > 1) {
      // A top-level name may itself contain dots.
      for (const FieldPlan& p : plans_) {
        if (p.field.name == col) {
          top = &p;
          parts = {col};
        }
      }
    }
    if (top == nullptr) {
      std::string names;
      for (const FieldPlan& p : plans_) names += (names.empty() ? "" : ", ") + p.field.name;
      return Status::NotFound("column '" + col + "' not found (columns: " + names + ")");
    }
    FieldPlan* existing = nullptr;
    for (FieldPlan& p : out) {
      if (p.field.name == parts[0]) existing = &p;
    }
    if (existing == nullptr) {
      out.emplace_back();
      existing = &out.back();
      existing->field.name = "";
    } else if (parts.size() == 1) {
      // The whole column; a pruned copy already there is widened. (A pruned
      // copy is never taken as whole: it may have as many children as the
      // struct and still be pruned further down.)
      *existing = *top;
      continue;
    }
    LW_RETURN_IF_ERROR(PrunePath(*top, parts, 1, existing, col));
  }
  return out;
}

}  // namespace lakewatch::parquet

namespace lakewatch::parquet {

namespace {

std::string PhysicalTypeText(const SchemaElement& el) {
  switch (*el.type) {
    case Type::kBoolean: return "boolean";
    case Type::kInt32: return "int32";
    case Type::kInt64: return "int64";
    case Type::kInt96: return "int96";
    case Type::kFloat: return "float";
    case Type::kDouble: return "double";
    case Type::kByteArray: return "binary";
    case Type::kFixedLenByteArray: return "fixed_len_byte_array(" + std::to_string(el.type_length.value_or(0)) + ")";
  }
  return TypeName(*el.type);
}

void FormatNode(const std::vector<SchemaElement>& els, size_t* pos, int depth, std::string* out) {
  const SchemaElement& el = els[(*pos)++];
  std::string indent(2 * depth, ' ');
  std::string rep = el.repetition_type.has_value() ? RepetitionName(*el.repetition_type) : "REQUIRED";
  for (auto& c : rep) c = static_cast<char>(std::tolower(c));
  std::string annot;
  if (el.logical_type.has_value()) {
    annot = " (" + LogicalTypeToString(*el.logical_type) + ")";
  } else if (el.converted_type.has_value()) {
    annot = " (" + ConvertedTypeName(*el.converted_type) + ")";
  }
  int32_t n = el.num_children.value_or(0);
  if (n > 0 || !el.type.has_value()) {
    *out += indent + rep + " group " + el.name + annot + " {\n";
    for (int32_t i = 0; i < n && *pos < els.size(); ++i) FormatNode(els, pos, depth + 1, out);
    *out += indent + "}\n";
  } else {
    *out += indent + rep + " " + PhysicalTypeText(el) + " " + el.name + annot + ";\n";
  }
}

}  // namespace

std::string FormatSchemaElements(const std::vector<SchemaElement>& elements) {
  if (elements.empty()) return "message schema {}\n";
  std::string out = "message " + elements[0].name + " {\n";
  size_t pos = 1;
  int32_t n = elements[0].num_children.value_or(0);
  for (int32_t i = 0; i < n && pos < elements.size(); ++i) FormatNode(elements, &pos, 1, &out);
  out += "}\n";
  return out;
}

}  // namespace lakewatch::parquet
