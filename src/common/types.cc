#include "common/types.h"

#include <cassert>

namespace lakewatch {

int DataType::FieldIndex(const std::string& name) const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

int DataType::byte_width() const {
  switch (id_) {
    case TypeId::kBoolean:
    case TypeId::kInt8: return 1;
    case TypeId::kInt16: return 2;
    case TypeId::kInt32:
    case TypeId::kFloat:
    case TypeId::kDate: return 4;
    case TypeId::kInt64:
    case TypeId::kDouble:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
    case TypeId::kTime: return 8;
    case TypeId::kDecimal: return 16;
    default: return 0;
  }
}

std::string DataType::ToString() const {
  switch (id_) {
    case TypeId::kNull: return "void";
    case TypeId::kBoolean: return "boolean";
    case TypeId::kInt8: return "tinyint";
    case TypeId::kInt16: return "smallint";
    case TypeId::kInt32: return "int";
    case TypeId::kInt64: return "bigint";
    case TypeId::kFloat: return "float";
    case TypeId::kDouble: return "double";
    case TypeId::kDecimal:
      return "decimal(" + std::to_string(precision_) + "," + std::to_string(scale_) + ")";
    case TypeId::kDate: return "date";
    case TypeId::kTimestamp: return "timestamp";
    case TypeId::kTimestampNtz: return "timestamp_ntz";
    case TypeId::kTime: return "time";
    case TypeId::kString: return "string";
    case TypeId::kBinary: return "binary";
    case TypeId::kList: return "array<" + fields_[0].type->ToString() + ">";
    case TypeId::kMap:
      return "map<" + fields_[0].type->ToString() + "," + fields_[1].type->ToString() + ">";
    case TypeId::kStruct: {
      std::string s = "struct<";
      for (size_t i = 0; i < fields_.size(); ++i) {
        if (i) s += ",";
        s += fields_[i].name + ":" + fields_[i].type->ToString();
      }
      return s + ">";
    }
  }
  return "?";
}

bool DataType::Equals(const DataType& o) const {
  if (id_ != o.id_ || precision_ != o.precision_ || scale_ != o.scale_ ||
      fields_.size() != o.fields_.size()) {
    return false;
  }
  for (size_t i = 0; i < fields_.size(); ++i) {
    const Field& a = fields_[i];
    const Field& b = o.fields_[i];
    if (a.name != b.name || a.nullable != b.nullable || !a.type->Equals(*b.type)) return false;
  }
  return true;
}

TypePtr DataType::Primitive(TypeId id) {
  assert(id != TypeId::kDecimal && id != TypeId::kList && id != TypeId::kMap &&
         id != TypeId::kStruct);
  static const TypePtr kTypes[] = {
      std::make_shared<DataType>(TypeId::kNull, 0, 0, std::vector<Field>{}),
      std::make_shared<DataType>(TypeId::kBoolean, 0, 0, std::vector<Field>{}),
      std::make_shared<DataType>(TypeId::kInt8, 0, 0, std::vector<Field>{}),
      std::make_shared<DataType>(TypeId::kInt16, 0, 0, std::vector<Field>{}),
      std::make_shared<DataType>(TypeId::kInt32, 0, 0, std::vector<Field>{}),
      std::make_shared<DataType>(TypeId::kInt64, 0, 0, std::vector<Field>{}),
      std::make_shared<DataType>(TypeId::kFloat, 0, 0, std::vector<Field>{}),
      std::make_shared<DataType>(TypeId::kDouble, 0, 0, std::vector<Field>{}),
      nullptr,  // decimal
      std::make_shared<DataType>(TypeId::kDate, 0, 0, std::vector<Field>{}),
      std::make_shared<DataType>(TypeId::kTimestamp, 0, 0, std::vector<Field>{}),
      std::make_shared<DataType>(TypeId::kTimestampNtz, 0, 0, std::vector<Field>{}),
      std::make_shared<DataType>(TypeId::kTime, 0, 0, std::vector<Field>{}),
      std::make_shared<DataType>(TypeId::kString, 0, 0, std::vector<Field>{}),
      std::make_shared<DataType>(TypeId::kBinary, 0, 0, std::vector<Field>{}),
  };
  return kTypes[static_cast<int>(id)];
}

TypePtr DataType::Null() { return Primitive(TypeId::kNull); }
TypePtr DataType::Boolean() { return Primitive(TypeId::kBoolean); }
TypePtr DataType::Int8() { return Primitive(TypeId::kInt8); }
TypePtr DataType::Int16() { return Primitive(TypeId::kInt16); }
TypePtr DataType::Int32() { return Primitive(TypeId::kInt32); }
TypePtr DataType::Int64() { return Primitive(TypeId::kInt64); }
TypePtr DataType::Float() { return Primitive(TypeId::kFloat); }
TypePtr DataType::Double() { return Primitive(TypeId::kDouble); }
TypePtr DataType::Date() { return Primitive(TypeId::kDate); }
TypePtr DataType::Timestamp() { return Primitive(TypeId::kTimestamp); }
TypePtr DataType::TimestampNtz() { return Primitive(TypeId::kTimestampNtz); }
TypePtr DataType::Time() { return Primitive(TypeId::kTime); }
TypePtr DataType::String() { return Primitive(TypeId::kString); }
TypePtr DataType::Binary() { return Primitive(TypeId::kBinary); }

TypePtr DataType::Decimal(int precision, int scale) {
  assert(precision >= 1 && precision <= 38 && scale >= 0 && scale <= precision);
  return std::make_shared<DataType>(TypeId::kDecimal, precision, scale, std::vector<Field>{});
}

TypePtr DataType::List(TypePtr element, bool contains_null) {
  return std::make_shared<DataType>(
      TypeId::kList, 0, 0, std::vector<Field>{Field{"element", std::move(element), contains_null, {}}});
}

TypePtr DataType::Map(TypePtr key, TypePtr value, bool value_contains_null) {
  return std::make_shared<DataType>(
      TypeId::kMap, 0, 0,
      std::vector<Field>{Field{"key", std::move(key), false, {}},
                         Field{"value", std::move(value), value_contains_null, {}}});
}

TypePtr DataType::Struct(std::vector<Field> fields) {
  return std::make_shared<DataType>(TypeId::kStruct, 0, 0, std::move(fields));
}

int Schema::FieldIndex(const std::string& name) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::string Schema::ToString() const {
  std::string s;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) s += ", ";
    s += fields[i].name + ": " + fields[i].type->ToString();
  }
  return s;
}

}  // namespace lakewatch
