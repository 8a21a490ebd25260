#include "ingest/record_builder.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "common/bytes_equal.h"
#include "common/json_format.h"
#include "common/time.h"
#include "ingest/timestamp_parse.h"

namespace lakewatch::ingest {

namespace {

enum class Kind : uint8_t { kNone, kBool, kInt64, kDouble, kString, kTimestamp, kStruct, kList, kMap, kOther };

// A scalar on its way into a column, from JSON or a flat record.
struct Sc {
  enum T : uint8_t { kBool, kInt, kDouble, kString, kTs } t;
  bool b = false;
  int64_t i = 0;
  double d = 0;
  std::string_view s;  // kString: the value; others: the source text when known
};

constexpr std::string_view kReserved[] = {"date", "_source", "_line", "_rest"};

// Whether a top-level key is one of kReserved (a test on the length first:
// most keys are none of 4, 5 or 7 bytes long).
bool IsReserved(std::string_view key) {
  if (key.size() != 4 && key.size() != 5 && key.size() != 7) return false;
  for (std::string_view r : kReserved) {
    if (key == r) return true;
  }
  return false;
}

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

struct BuilderNode {
  // Read or written for every value (the per-field paths): together, first.
  Kind kind = Kind::kNone;
  bool locked = false;
  bool system = false;            // _rest, _source, _line, date: placed after user columns
  bool template_source = false;   // message / error.message
  int8_t plain_key = -1;  // AddJsonText: 1 when `key` is written in JSON as is (no escapes); -1 unknown
  uint32_t hint = 0;      // struct: the child expected next
  int64_t length = 0;
  Buffer valid;    // one byte per slot
  Buffer data;     // bool: u8; int64/timestamp/other-int: int64; double/other-float: double; string: bytes
  Buffer offsets;  // int64 [length + 1]: string, list, map
  std::string key;  // the key it was first seen as (differs when the name was sanitized)
  std::vector<std::unique_ptr<BuilderNode>> children;  // struct fields; list: [element]; map: [value]
  int64_t text_stamp = -1;  // AddJsonText: the record that saved its sizes
  // The rest.
  std::string name;  // the column name
  TypePtr other_type;             // kOther: the table's type
  int depth = 0;                  // 0 = root
  Buffer key_offsets, key_bytes;  // map keys: int64 [keys + 1] and their bytes
  int64_t keys = 0;
  std::unordered_map<std::string, uint32_t> index;      // struct: name -> child
  std::unordered_set<std::string> lower_names;         // struct: children's names in lower case
  std::vector<uint32_t> locked_order;                  // struct: children in table order
  int64_t open_stamp = -1;                             // flat records: row this struct is open for
  // Buffer sizes of the last batch: the next one reserves them up front
  // (growing by reallocation copies and faults in fresh pages).
  size_t last_valid = 0, last_data = 0, last_offsets = 0, last_key_offsets = 0, last_key_bytes = 0;
};

namespace {

using Node = BuilderNode;

// How a kOther type stores its values (or kNone when it cannot hold any).
enum class OtherStore : uint8_t { kNone, kInt, kFloat };

OtherStore StoreOf(const DataType& t) {
  switch (t.id()) {
    case TypeId::kInt8: case TypeId::kInt16: case TypeId::kInt32: case TypeId::kDate:
    case TypeId::kTimestampNtz:
      return OtherStore::kInt;
    case TypeId::kFloat:
      return OtherStore::kFloat;
    default:
      return OtherStore::kNone;
  }
}

int FixedWidth(const Node& n) {
  switch (n.kind) {
    case Kind::kBool: return 1;
    case Kind::kInt64: case Kind::kDouble: case Kind::kTimestamp: return 8;
    case Kind::kOther: return StoreOf(*n.other_type) == OtherStore::kNone ? 0 : 8;
    default: return 0;
  }
}

bool HasOffsets(Kind k) { return k == Kind::kString || k == Kind::kList || k == Kind::kMap; }

int64_t LastOffset(const Buffer& b) { return b.data_as<int64_t>()[b.size() / 8 - 1]; }

void ResetOffsets(Buffer* b, int64_t count, int64_t value = 0) {
  b->Clear();
  for (int64_t i = 0; i <= count; ++i) b->AppendValue<int64_t>(value);
}

// Gives a kNone node its kind, with placeholders for the null slots it has.
void SetKind(Node* n, Kind k) {
  n->kind = k;
  if (int w = FixedWidth(*n); w > 0) n->data.ResizeZeroed(static_cast<size_t>(n->length) * w);
  if (HasOffsets(k)) ResetOffsets(&n->offsets, n->length);
  if (k == Kind::kMap) {
    ResetOffsets(&n->key_offsets, 0);
    n->children.push_back(std::make_unique<Node>());
    n->children.back()->name = "value";
    n->children.back()->key = "value";
    n->children.back()->depth = n->depth + 1;
  } else if (k == Kind::kList) {
    n->children.push_back(std::make_unique<Node>());
    n->children.back()->name = "element";
    n->children.back()->key = "element";
    n->children.back()->depth = n->depth + 1;
  }
}

void AppendNull(Node* n) {
  n->valid.PushByte(0);
  switch (n->kind) {
    case Kind::kNone: case Kind::kStruct: break;
    case Kind::kString: n->offsets.AppendValue<int64_t>(static_cast<int64_t>(n->data.size())); break;
    case Kind::kList: n->offsets.AppendValue<int64_t>(n->children[0]->length); break;
    case Kind::kMap: n->offsets.AppendValue<int64_t>(n->keys); break;
    default:
      if (int w = FixedWidth(*n); w == 1) {
        n->data.PushByte(0);
      } else if (w == 8) {
        n->data.AppendValue<int64_t>(0);
      }
  }
  ++n->length;
}

// Appends `count` nulls at once (AppendNull's effect, a buffer at a time).
void AppendNulls(Node* n, int64_t count) {
  const size_t k = static_cast<size_t>(count);
  n->valid.ResizeZeroed(n->valid.size() + k);
  auto repeat_offset = [&](int64_t value) {
    const size_t at = n->offsets.size();
    n->offsets.Resize(at + k * sizeof(int64_t));
    std::fill_n(reinterpret_cast<int64_t*>(n->offsets.data() + at), k, value);
  };
  switch (n->kind) {
    case Kind::kNone: case Kind::kStruct: break;
    case Kind::kString: repeat_offset(static_cast<int64_t>(n->data.size())); break;
    case Kind::kList: repeat_offset(n->children[0]->length); break;
    case Kind::kMap: repeat_offset(n->keys); break;
    default:
      if (int w = FixedWidth(*n); w > 0) n->data.ResizeZeroed(n->data.size() + k * static_cast<size_t>(w));
  }
  n->length += count;
}

// Drops the slots from `len` on (the text path's undo; only slots were
// appended since, so every buffer's size follows from the length).
void CutTo(Node* n, int64_t len) {
  n->length = len;
  n->valid.Resize(static_cast<size_t>(len));
  if (HasOffsets(n->kind)) {
    n->offsets.Resize(static_cast<size_t>(len + 1) * sizeof(int64_t));
    if (n->kind == Kind::kString) n->data.Resize(static_cast<size_t>(LastOffset(n->offsets)));
  } else if (int w = FixedWidth(*n); w > 0) {
    n->data.Resize(static_cast<size_t>(len) * static_cast<size_t>(w));
  }
}

// Moves the parent's hint (the child Child() expects next) past `child` when
// it expects that one: for a field taken without a lookup.
void HintPast(Node* parent, const Node* child) {
  const size_t h = parent->hint < parent->children.size() ? parent->hint : 0;
  if (h < parent->children.size() && parent->children[h].get() == child) parent->hint = static_cast<uint32_t>(h + 1);
}

[[gnu::always_inline]] inline void PadTo(Node* n, int64_t len) {
  if (n->length == len) return;
  if (n->length + 1 == len) {
    AppendNull(n);
  } else if (n->length < len) {
    AppendNulls(n, len - n->length);
  }
}

template <typename T> [[gnu::always_inline]] inline void AppendFixed(Node* n, T v) {
  n->valid.PushByte(1);
  n->data.AppendValue<T>(v);
  ++n->length;
}

[[gnu::always_inline]] inline void AppendStr(Node* n, std::string_view s) {
  n->valid.PushByte(1);
  n->data.Append(s);
  n->offsets.AppendValue<int64_t>(static_cast<int64_t>(n->data.size()));
  ++n->length;
}

void FinishRow(Node* n) {
  n->valid.PushByte(1);
  ++n->length;
}

// The text a scalar takes in a string column.
void RenderScalar(const Sc& v, std::string* out) {
  if (!v.s.empty() || v.t == Sc::kString) {
    out->append(v.s);
    return;
  }
  switch (v.t) {
    case Sc::kBool: out->append(v.b ? "true" : "false"); break;
    case Sc::kInt: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof buf, v.i);
      out->append(buf, r.ptr);
      break;
    }
    case Sc::kDouble: AppendDouble(v.d, out); break;
    case Sc::kTs: AppendTimestampMicros(v.i, out); break;
    case Sc::kString: break;
  }
}

// The JSON text of a scalar (for _rest).
void ScalarJson(const Sc& v, std::string* out) {
  switch (v.t) {
    case Sc::kBool: out->append(v.b ? "true" : "false"); break;
    case Sc::kInt: case Sc::kDouble: {
      std::string text;
      RenderScalar(v, &text);
      if (v.t == Sc::kDouble && !std::isfinite(v.d)) {
        AppendJsonString(text, out);
      } else {
        out->append(text);
      }
      break;
    }
    case Sc::kString: AppendJsonString(v.s, out); break;
    case Sc::kTs: {
      std::string text;
      RenderScalar(v, &text);
      AppendJsonString(text, out);
      break;
    }
  }
}

// A flat record's value as a scalar (kNull maps to an empty string; callers
// handle nulls first).
Sc ScOf(const FieldValue& fv) {
  Sc v{};
  v.s = fv.s;
  switch (fv.kind) {
    case FieldValue::Kind::kNull: v.t = Sc::kString; break;
    case FieldValue::Kind::kBool: v.t = Sc::kBool; v.b = fv.b; break;
    case FieldValue::Kind::kInt64: v.t = Sc::kInt; v.i = fv.i; break;
    case FieldValue::Kind::kDouble: v.t = Sc::kDouble; v.d = fv.d; break;
    case FieldValue::Kind::kString: v.t = Sc::kString; break;
    case FieldValue::Kind::kTimestamp: v.t = Sc::kTs; v.i = fv.i; break;
  }
  return v;
}

// The event time a timestamp field's value gives: a timestamp as is, a
// number as epoch s/ms/µs/ns (EpochToMicros), a string by ParseTimestampText.
bool TimestampOf(const Sc& v, int64_t* micros) {
  switch (v.t) {
    case Sc::kTs: *micros = v.i; return true;
    case Sc::kInt: *micros = EpochToMicros(v.i); return true;
    case Sc::kDouble:
      if (!std::isfinite(v.d) || std::fabs(v.d) >= 9e18) return false;
      *micros = EpochToMicros(v.d);
      return true;
    case Sc::kString:
      if (auto t = ParseTimestampText(v.s)) {
        *micros = *t;
        return true;
      }
      return false;
    default: return false;
  }
}

// Re-renders every value of a scalar node as text (unlocked widening).
void WidenToString(Node* n) {
  Buffer data;
  Buffer offsets;
  offsets.AppendValue<int64_t>(0);
  std::string text;
  for (int64_t i = 0; i < n->length; ++i) {
    if (n->valid.data()[i] != 0) {
      Sc v{};
      switch (n->kind) {
        case Kind::kBool: v.t = Sc::kBool; v.b = n->data.data()[i] != 0; break;
        case Kind::kInt64: v.t = Sc::kInt; v.i = n->data.data_as<int64_t>()[i]; break;
        case Kind::kDouble: v.t = Sc::kDouble; v.d = n->data.data_as<double>()[i]; break;
        case Kind::kTimestamp: v.t = Sc::kTs; v.i = n->data.data_as<int64_t>()[i]; break;
        default: break;
      }
      text.clear();
      RenderScalar(v, &text);
      data.Append(text);
    }
    offsets.AppendValue<int64_t>(static_cast<int64_t>(data.size()));
  }
  n->data = std::move(data);
  n->offsets = std::move(offsets);
  n->kind = Kind::kString;
}

void WidenToDouble(Node* n) {
  int64_t* p = n->data.data_as<int64_t>();
  for (int64_t i = 0; i < n->length; ++i) {
    double d = static_cast<double>(p[i]);
    std::memcpy(&p[i], &d, 8);
  }
  n->kind = Kind::kDouble;
}

Kind KindOfScalar(Sc::T t) {
  switch (t) {
    case Sc::kBool: return Kind::kBool;
    case Sc::kInt: return Kind::kInt64;
    case Sc::kDouble: return Kind::kDouble;
    case Sc::kString: return Kind::kString;
    case Sc::kTs: return Kind::kTimestamp;
  }
  return Kind::kString;
}

bool IntegralDouble(double d, int64_t* out) {
  if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) return false;
  auto i = static_cast<int64_t>(d);
  if (static_cast<double>(i) != d) return false;
  *out = i;
  return true;
}

// Appends `v` to a kOther node; false when the table's type cannot hold it.
bool AppendOther(Node* n, const Sc& v) {
  const DataType& t = *n->other_type;
  int64_t i = 0;
  switch (t.id()) {
    case TypeId::kInt8: case TypeId::kInt16: case TypeId::kInt32: {
      if (v.t == Sc::kInt) {
        i = v.i;
      } else if (v.t != Sc::kDouble || !IntegralDouble(v.d, &i)) {
        return false;
      }
      int bits = t.id() == TypeId::kInt8 ? 8 : t.id() == TypeId::kInt16 ? 16 : 32;
      int64_t lim = int64_t{1} << (bits - 1);
      if (i < -lim || i >= lim) return false;
      AppendFixed<int64_t>(n, i);
      return true;
    }
    case TypeId::kFloat:
      if (v.t == Sc::kInt) {
        AppendFixed<double>(n, static_cast<double>(v.i));
      } else if (v.t == Sc::kDouble) {
        AppendFixed<double>(n, v.d);
      } else {
        return false;
      }
      return true;
    case TypeId::kDate: {
      if (v.t == Sc::kTs) {
        AppendFixed<int64_t>(n, FloorDiv(v.i, kMicrosPerDay));
        return true;
      }
      if (v.t != Sc::kString) return false;
      std::string_view s = v.s;
      int y = 0, m = 0, d = 0;
      if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
      auto num = [&](size_t a, size_t b, int* out) {
        auto r = std::from_chars(s.data() + a, s.data() + b, *out);
        return r.ec == std::errc() && r.ptr == s.data() + b;
      };
      if (!num(0, 4, &y) || !num(5, 7, &m) || !num(8, 10, &d) || m < 1 || m > 12 || d < 1 || d > 31) return false;
      CivilDate back = CivilFromDays(DaysFromCivil(y, m, d));
      if (back.day != d || back.month != m) return false;
      AppendFixed<int64_t>(n, DaysFromCivil(y, m, d));
      return true;
    }
    case TypeId::kTimestampNtz: {
      if (v.t == Sc::kTs) {
        AppendFixed<int64_t>(n, v.i);
        return true;
      }
      if (v.t != Sc::kString) return false;
      auto ts = ParseTimestampText(v.s);
      if (!ts.has_value()) return false;
      AppendFixed<int64_t>(n, *ts);
      return true;
    }
    default:
      return false;
  }
}

// Builds the column of a node (nullptr when it has no type yet).
ColumnPtr BuildColumn(Node* n, size_t max_fields);

ColumnPtr BuildScalar(Node* n, TypePtr type) {
  auto col = Column::Make(type);
  if (n->kind == Kind::kOther && StoreOf(*type) == OtherStore::kNone) {
    // A table type the builder cannot produce: every value went to _rest.
    for (int64_t i = 0; i < n->length; ++i) col->AppendNull();
    return col;
  }
  col->length = n->length;
  col->validity = std::move(n->valid);
  const int64_t len = n->length;
  switch (type->id()) {
    case TypeId::kInt8: case TypeId::kInt16: case TypeId::kInt32: case TypeId::kDate: case TypeId::kFloat: {
      // Narrow the int64/double slots to the table's width.
      Buffer out;
      out.Resize(static_cast<size_t>(len) * type->byte_width());
      const int64_t* iv = n->data.data_as<int64_t>();
      const double* dv = n->data.data_as<double>();
      for (int64_t i = 0; i < len; ++i) {
        switch (type->id()) {
          case TypeId::kInt8: out.data_as<int8_t>()[i] = static_cast<int8_t>(iv[i]); break;
          case TypeId::kInt16: out.data_as<int16_t>()[i] = static_cast<int16_t>(iv[i]); break;
          case TypeId::kFloat: out.data_as<float>()[i] = static_cast<float>(dv[i]); break;
          default: out.data_as<int32_t>()[i] = static_cast<int32_t>(iv[i]); break;
        }
      }
      col->data = std::move(out);
      break;
    }
    default:
      col->data = std::move(n->data);
      if (type->has_offsets()) col->offsets = std::move(n->offsets);
      break;
  }
  col->CompactValidity();
  return col;
}

ColumnPtr BuildColumn(Node* n, size_t max_fields) {
  n->last_valid = n->valid.size();
  n->last_data = n->data.size();
  n->last_offsets = n->offsets.size();
  n->last_key_offsets = n->key_offsets.size();
  n->last_key_bytes = n->key_bytes.size();
  switch (n->kind) {
    case Kind::kNone: return nullptr;
    case Kind::kBool: return BuildScalar(n, DataType::Boolean());
    case Kind::kInt64: return BuildScalar(n, DataType::Int64());
    case Kind::kDouble: return BuildScalar(n, DataType::Double());
    case Kind::kString: return BuildScalar(n, DataType::String());
    case Kind::kTimestamp: return BuildScalar(n, DataType::Timestamp());
    case Kind::kOther: return BuildScalar(n, n->other_type);
    case Kind::kStruct: {
      // Locked children in table order, then the newly typed ones in creation order.
      std::vector<uint32_t> order = n->locked_order;
      std::vector<bool> in(n->children.size(), false);
      for (uint32_t i : order) in[i] = true;
      std::vector<uint32_t> fresh, fresh_system;
      for (uint32_t i = 0; i < n->children.size(); ++i) {
        if (!in[i]) (n->children[i]->system ? fresh_system : fresh).push_back(i);
      }
      order.insert(order.end(), fresh.begin(), fresh.end());
      order.insert(order.end(), fresh_system.begin(), fresh_system.end());
      std::vector<Field> fields;
      std::vector<ColumnPtr> cols;
      std::vector<uint32_t> built;
      for (uint32_t i : order) {
        Node* c = n->children[i].get();
        PadTo(c, n->length);
        ColumnPtr col = BuildColumn(c, max_fields);
        if (col == nullptr) continue;
        fields.push_back(Field{c->name, col->type, true, {}});
        cols.push_back(std::move(col));
        built.push_back(i);
      }
      if (fields.empty() && n->depth > 0) return nullptr;  // no typed field yet
      n->locked_order = built;
      auto col = Column::Make(DataType::Struct(std::move(fields)));
      col->children = std::move(cols);
      col->length = n->length;
      col->validity = std::move(n->valid);
      col->CompactValidity();
      return col;
    }
    case Kind::kList: case Kind::kMap: {
      Node* elem = n->children[0].get();
      const int64_t count = n->kind == Kind::kList ? LastOffset(n->offsets) : n->keys;
      PadTo(elem, count);
      if (elem->kind == Kind::kNone) SetKind(elem, Kind::kString);  // no typed element yet
      ColumnPtr ec = BuildColumn(elem, max_fields);
      if (ec == nullptr) {  // e.g. a list of empty objects: elements as strings
        elem->kind = Kind::kNone;
        elem->children.clear();
        elem->index.clear();
        SetKind(elem, Kind::kString);
        ec = BuildColumn(elem, max_fields);
      }
      ColumnPtr col;
      if (n->kind == Kind::kList) {
        col = Column::Make(DataType::List(ec->type));
        col->children = {ec};
      } else {
        auto keys = Column::Make(DataType::String());
        keys->length = n->keys;
        keys->data = std::move(n->key_bytes);
        keys->offsets = std::move(n->key_offsets);
        col = Column::Make(DataType::Map(DataType::String(), ec->type));
        col->children = {keys, ec};
      }
      col->length = n->length;
      col->offsets = std::move(n->offsets);
      col->validity = std::move(n->valid);
      col->CompactValidity();
      return col;
    }
  }
  return nullptr;
}

// Clears a node's rows (after BuildColumn moved its buffers out). A node that
// produced a column (`typed`) is in the table schema from now on: locked.
void ResetRows(Node* n, bool typed) {
  n->length = 0;
  n->valid = Buffer();
  n->data = Buffer();
  n->open_stamp = -1;
  if (typed && n->kind != Kind::kNone) n->locked = true;
  auto room = [](size_t last) { return last + last / 8 + 64; };
  n->valid.Reserve(room(n->last_valid));
  n->data.Reserve(room(n->last_data));
  if (HasOffsets(n->kind)) {
    n->offsets = Buffer();
    n->offsets.Reserve(room(n->last_offsets));
    ResetOffsets(&n->offsets, 0);
  }
  if (n->kind == Kind::kMap) {
    n->keys = 0;
    n->key_bytes = Buffer();
    n->key_bytes.Reserve(room(n->last_key_bytes));
    n->key_offsets = Buffer();
    n->key_offsets.Reserve(room(n->last_key_offsets));
    ResetOffsets(&n->key_offsets, 0);
  }
  if (n->kind == Kind::kStruct) {
    std::vector<bool> built(n->children.size(), false);
    for (uint32_t i : n->locked_order) built[i] = true;
    for (size_t i = 0; i < n->children.size(); ++i) ResetRows(n->children[i].get(), typed && built[i]);
  } else {
    for (auto& c : n->children) ResetRows(c.get(), typed);
  }
}

// Creates the node tree of a table type.
void LockNode(Node* n, const TypePtr& type) {
  n->locked = true;
  switch (type->id()) {
    case TypeId::kBoolean: SetKind(n, Kind::kBool); break;
    case TypeId::kInt64: SetKind(n, Kind::kInt64); break;
    case TypeId::kDouble: SetKind(n, Kind::kDouble); break;
    case TypeId::kString: SetKind(n, Kind::kString); break;
    case TypeId::kTimestamp: SetKind(n, Kind::kTimestamp); break;
    case TypeId::kStruct:
      SetKind(n, Kind::kStruct);
      for (const Field& f : type->fields()) {
        auto c = std::make_unique<Node>();
        c->name = f.name;
        c->key = f.name;
        c->depth = n->depth + 1;
        LockNode(c.get(), f.type);
        n->index.emplace(f.name, static_cast<uint32_t>(n->children.size()));
        n->lower_names.insert(LowerAscii(f.name));
        n->locked_order.push_back(static_cast<uint32_t>(n->children.size()));
        n->children.push_back(std::move(c));
      }
      break;
    case TypeId::kList:
      SetKind(n, Kind::kList);
      LockNode(n->children[0].get(), type->field(0).type);
      break;
    case TypeId::kMap:
      if (type->field(0).type->id() == TypeId::kString) {
        SetKind(n, Kind::kMap);
        LockNode(n->children[0].get(), type->field(1).type);
        break;
      }
      [[fallthrough]];
    default:
      n->other_type = type;
      SetKind(n, Kind::kOther);
      break;
  }
}

void AppendPointerSegment(std::string_view key, std::string* out) {
  out->push_back('/');
  for (char c : key) {
    if (c == '~') {
      out->append("~0");
    } else if (c == '/') {
      out->append("~1");
    } else {
      out->push_back(c);
    }
  }
}

// Appends a scalar to a node, widening a new node's kind as needed; false
// when the node's fixed type cannot hold it (nothing appended then).
bool PutScalar(Node* n, const Sc& v, std::string* text) {
  if (n->kind == Kind::kNone) SetKind(n, KindOfScalar(v.t));
  switch (n->kind) {
    case Kind::kBool:
      if (v.t == Sc::kBool) {
        AppendFixed<uint8_t>(n, v.b ? 1 : 0);
        return true;
      }
      break;
    case Kind::kInt64:
      if (v.t == Sc::kInt) {
        AppendFixed<int64_t>(n, v.i);
        return true;
      }
      if (v.t == Sc::kDouble) {
        int64_t i = 0;
        if (!n->locked) {
          WidenToDouble(n);
          AppendFixed<double>(n, v.d);
          return true;
        }
        if (IntegralDouble(v.d, &i)) {
          AppendFixed<int64_t>(n, i);
          return true;
        }
        return false;
      }
      break;
    case Kind::kDouble:
      if (v.t == Sc::kInt) {
        AppendFixed<double>(n, static_cast<double>(v.i));
        return true;
      }
      if (v.t == Sc::kDouble) {
        AppendFixed<double>(n, v.d);
        return true;
      }
      break;
    case Kind::kString:
      if (v.t == Sc::kString) {
        AppendStr(n, v.s);
        return true;
      }
      text->clear();
      RenderScalar(v, text);
      AppendStr(n, *text);
      return true;
    case Kind::kTimestamp:
      if (v.t == Sc::kTs) {
        AppendFixed<int64_t>(n, v.i);
        return true;
      }
      if (v.t == Sc::kString) {
        if (auto ts = ParseTimestampText(v.s)) {
          AppendFixed<int64_t>(n, *ts);
          return true;
        }
      }
      break;
    case Kind::kOther:
      return AppendOther(n, v);
    default:
      return false;  // nested kinds
  }
  // Scalars of different kinds: a new column widens to string.
  if (n->locked || n->kind == Kind::kOther) return false;
  WidenToString(n);
  text->clear();
  RenderScalar(v, text);
  AppendStr(n, *text);
  return true;
}

}  // namespace

// The path of the value being appended, for _rest entries.
struct RecordBuilder::Ctx {
  struct Seg {
    std::string_view key;
    int64_t index;
    bool is_index;
  };
  // A stack pushed and popped once per value: kept to a bounds check and a
  // store inline (the growth is out of line and rare: depth is bounded).
  std::vector<Seg> storage;  // empty until the first push: a Ctx costs nothing to make
  size_t depth = 0;
  [[gnu::always_inline]] void Push(std::string_view k) {
    if (depth == storage.size()) [[unlikely]] Grow();
    storage[depth++] = {k, 0, false};
  }
  [[gnu::always_inline]] void PushIndex(int64_t i) {
    if (depth == storage.size()) [[unlikely]] Grow();
    storage[depth++] = {{}, i, true};
  }
  void Pop() { --depth; }
  void Clear() { depth = 0; }
  [[gnu::noinline]] void Grow() { storage.resize(storage.empty() ? 16 : storage.size() * 2); }
  std::string Pointer() const {
    std::string p;
    for (size_t k = 0; k < depth; ++k) {
      const Seg& s = storage[k];
      if (s.is_index) {
        p += '/';
        p += std::to_string(s.index);
      } else {
        AppendPointerSegment(s.key, &p);
      }
    }
    return p;
  }
};

bool IsNameLikeKey(std::string_view key) {
  if (key.empty() || key.size() > 64) return false;
  unsigned char c0 = static_cast<unsigned char>(key[0]);
  if ((c0 >= '0' && c0 <= '9') || c0 == '-') return false;
  for (char ch : key) {
    unsigned char c = static_cast<unsigned char>(ch);
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '$' || c == '@' || c == '-';
    if (!ok) return false;
  }
  return true;
}

RecordBuilder::RecordBuilder(BuilderOptions options)
    : options_(std::move(options)), path_(std::make_unique<Ctx>()) {
  root_ = std::make_unique<Node>();
  root_->kind = Kind::kStruct;
  AddSystemNodes();
}

RecordBuilder::~RecordBuilder() = default;

void RecordBuilder::AddSystemNodes() {
  // A table may hold them already (with their types); others are added,
  // `timestamp` among the user columns and the rest after them.
  auto ensure = [&](const char* name, Kind kind, TypePtr other, bool system) {
    Node* n = Child(root_.get(), name, false);
    if (n->kind == Kind::kNone) {
      if (other != nullptr) n->other_type = std::move(other);
      SetKind(n, kind);
      n->system = system;
    }
    return n;
  };
  timestamp_node_ = ensure("timestamp", Kind::kTimestamp, nullptr, false);
  rest_node_ = ensure("_rest", Kind::kString, nullptr, true);
  source_node_ = ensure("_source", Kind::kString, nullptr, true);
  line_node_ = ensure("_line", Kind::kInt64, nullptr, true);
  date_node_ = ensure("date", Kind::kOther, DataType::Date(), true);
}

void RecordBuilder::LockSchema(const Schema& table_schema) {
  root_ = std::make_unique<Node>();
  root_->kind = Kind::kStruct;
  LockNode(root_.get(), table_schema.AsStruct());
  schema_ = table_schema;
  // The message fields templates are mined from (as Child() marks new ones).
  for (auto& c : root_->children) {
    if (c->name == "message") c->template_source = true;
    if (c->name == "error" && c->kind == Kind::kStruct) {
      for (auto& e : c->children) {
        if (e->name == "message") e->template_source = true;
      }
    }
  }
  AddSystemNodes();
}

[[gnu::always_inline]] inline BuilderNode* RecordBuilder::Child(BuilderNode* parent, std::string_view key, bool top_level,
                                                                bool create) {
  // Fast path (small enough to inline into the per-field loops): records
  // usually repeat their keys in the same order. System nodes are left to
  // the slow path, which renames a top-level key equal to theirs ("date").
  // The hint wraps: the next record's first key follows the last child.
  auto& kids = parent->children;
  const size_t h = parent->hint < kids.size() ? parent->hint : 0;
  if (h < kids.size()) {
    BuilderNode* next = kids[h].get();
    if (!next->system && SameBytes(next->key, key)) {
      parent->hint = static_cast<uint32_t>(h + 1);
      return next;
    }
  }
  return ChildLookup(parent, key, top_level, create);
}

BuilderNode* RecordBuilder::ChildLookup(BuilderNode* parent, std::string_view key, bool top_level, bool create) {
  if (top_level && IsReserved(key)) {
    scratch_.assign(key);
    scratch_ += '_';
    key = scratch_;
  }
  auto& kids = parent->children;
  // An optional field skipped or added: look a few children ahead, then
  // through a small struct, before hashing.
  const size_t nk = kids.size();
  const size_t ahead = nk <= 16 ? nk : 4;
  const size_t h = parent->hint < nk ? parent->hint : 0;
  for (size_t d = 1; d <= ahead; ++d) {
    size_t i = h + d;
    if (i >= nk) i -= nk;
    if (i < nk && SameBytes(kids[i]->key, key)) {
      parent->hint = static_cast<uint32_t>(i + 1);
      return kids[i].get();
    }
  }
  auto it = parent->index.find(std::string(key));
  if (it != parent->index.end()) {
    parent->hint = it->second + 1;
    return kids[it->second].get();
  }
  if (!create) return nullptr;
  // A new key. Names Delta refuses without column mapping (" ,;{}()\n\t=")
  // get '_' for those characters; the empty name becomes "_empty". The key
  // as given stays in the index, so the next lookup is direct.
  std::string name(key);
  if (name.empty()) name = "_empty";
  for (char& c : name) {
    if (std::strchr(" ,;{}()\n\t=", c) != nullptr && c != '\0') c = '_';
  }
  if (name != key) {
    auto same = parent->index.find(name);
    if (same != parent->index.end()) {
      parent->index.emplace(std::string(key), same->second);
      return kids[same->second].get();
    }
  }
  if (kids.size() >= options_.max_struct_fields + (parent == root_.get() ? 5 : 0)) return nullptr;
  // Delta column names are case-insensitive: a name equal to a sibling's but
  // for case gets the first free suffix _2, _3, ... ("Date" next to date).
  std::string lower = LowerAscii(name);
  if (parent->lower_names.count(lower) != 0) {
    for (int k = 2;; ++k) {
      std::string candidate = name + "_" + std::to_string(k);
      std::string cl = LowerAscii(candidate);
      if (parent->lower_names.count(cl) == 0) {
        name = std::move(candidate);
        lower = std::move(cl);
        break;
      }
    }
  }
  parent->lower_names.insert(lower);
  auto n = std::make_unique<Node>();
  n->key = std::string(key);
  n->name = std::move(name);
  n->depth = parent->depth + 1;
  n->template_source =
      n->name == "message" && (parent == root_.get() || (parent->depth == 1 && parent->name == "error"));
  const auto idx = static_cast<uint32_t>(kids.size());
  parent->index.emplace(n->name, idx);
  if (n->key != n->name) parent->index.emplace(n->key, idx);
  kids.push_back(std::move(n));
  parent->hint = idx + 1;
  return kids[idx].get();
}

void RecordBuilder::AddRest(const Ctx& ctx, std::string_view json_value) {
  rest_ += rest_.empty() ? '{' : ',';
  AppendJsonString(ctx.Pointer(), &rest_);
  rest_ += ':';
  rest_.append(json_value);
}

void RecordBuilder::AppendScalar(BuilderNode* n, const FieldValue& fv, Ctx& ctx) {
  if (fv.kind == FieldValue::Kind::kNull) {
    AppendNull(n);
    return;
  }
  const Sc v = ScOf(fv);
  if (!PutScalar(n, v, &scratch_)) {
    AppendNull(n);
    std::string json;
    ScalarJson(v, &json);
    AddRest(ctx, json);
  }
}

namespace {

// simdjson's typed getters, inlined into the per-value paths (GCC leaves
// them out of line there otherwise). REQUIRES: the element has that type.
[[gnu::flatten]] inline double DomDouble(simdjson::dom::element v) {
  return v.get_double().value_unsafe();
}
[[gnu::flatten]] inline int64_t DomInt64(simdjson::dom::element v) {
  return v.get_int64().value_unsafe();
}
[[gnu::flatten]] inline std::string_view DomString(simdjson::dom::element v) {
  return v.get_string().value_unsafe();
}
[[gnu::flatten]] inline bool DomBool(simdjson::dom::element v) { return v.get_bool().value_unsafe(); }

// A scalar of the node's own kind, the common case once a column is typed,
// appended directly (PutScalar would do the same after its checks); false
// for anything else (the general path decides).
[[gnu::always_inline]] inline bool AppendOwnKind(Node* n, simdjson::dom::element_type type, simdjson::dom::element v) {
  using simdjson::dom::element_type;
  switch (type) {
    case element_type::DOUBLE:
      if (n->kind != Kind::kDouble) return false;
      AppendFixed<double>(n, DomDouble(v));
      return true;
    case element_type::INT64:
      if (n->kind == Kind::kInt64) {
        AppendFixed<int64_t>(n, DomInt64(v));
        return true;
      }
      if (n->kind != Kind::kDouble) return false;
      AppendFixed<double>(n, static_cast<double>(DomInt64(v)));  // a float column's integral values ("amount": 54)
      return true;
    case element_type::STRING:
      if (n->kind != Kind::kString) return false;
      AppendStr(n, DomString(v));
      return true;
    case element_type::BOOL:
      if (n->kind != Kind::kBool) return false;
      AppendFixed<uint8_t>(n, DomBool(v) ? 1 : 0);
      return true;
    default:
      return false;
  }
}

bool ScalarFromJson(simdjson::dom::element v, Sc* out) {
  using simdjson::dom::element_type;
  switch (v.type()) {
    case element_type::BOOL: out->t = Sc::kBool; out->b = DomBool(v); return true;
    case element_type::INT64: out->t = Sc::kInt; out->i = DomInt64(v); return true;
    case element_type::UINT64:
      out->t = Sc::kDouble;
      out->d = static_cast<double>(v.get_uint64().value_unsafe());
      return true;
    case element_type::DOUBLE: out->t = Sc::kDouble; out->d = DomDouble(v); return true;
    case element_type::STRING: out->t = Sc::kString; out->s = DomString(v); return true;
    default: return false;
  }
}

}  // namespace

void RecordBuilder::AppendJson(BuilderNode* n, simdjson::dom::element v, Ctx& ctx) {
  using simdjson::dom::element_type;
  const element_type type = v.type();
  if (type == element_type::NULL_VALUE) {
    AppendNull(n);
    return;
  }
  if (type == element_type::OBJECT) {
    simdjson::dom::object obj;
    if (v.get_object().get(obj) != simdjson::SUCCESS) obj = {};
    if (n->kind == Kind::kNone) {
      bool map = false;
      for (auto field : obj) {
        if (!IsNameLikeKey(field.key)) {
          map = true;
          break;
        }
      }
      SetKind(n, map ? Kind::kMap : Kind::kStruct);
    }
    if (n->kind == Kind::kStruct) {
      AppendJsonObject(n, obj, ctx);
      return;
    }
    if (n->kind == Kind::kMap) {
      Node* value = n->children[0].get();
      for (auto field : obj) {
        PadTo(value, n->keys);
        ctx.Push(field.key);
        AppendJson(value, field.value, ctx);
        ctx.Pop();
        n->key_bytes.Append(field.key);
        n->key_offsets.AppendValue<int64_t>(static_cast<int64_t>(n->key_bytes.size()));
        ++n->keys;
      }
      n->offsets.AppendValue<int64_t>(n->keys);
      FinishRow(n);
      return;
    }
  } else if (type == element_type::ARRAY) {
    if (n->kind == Kind::kNone) SetKind(n, Kind::kList);
    if (n->kind == Kind::kList) {
      Node* elem = n->children[0].get();
      int64_t i = 0;
      simdjson::dom::array arr;
      if (v.get_array().get(arr) != simdjson::SUCCESS) arr = {};
      for (simdjson::dom::element e : arr) {
        ctx.PushIndex(i++);
        AppendJson(elem, e, ctx);
        ctx.Pop();
      }
      n->offsets.AppendValue<int64_t>(elem->length);
      FinishRow(n);
      return;
    }
  } else {
    if (AppendOwnKind(n, type, v)) return;
    Sc sc{};
    ScalarFromJson(v, &sc);
    if (!PutScalar(n, sc, &scratch_)) {
      AppendNull(n);
      std::string json;
      ScalarJson(sc, &json);
      AddRest(ctx, json);
    } else if (type == element_type::UINT64) {
      // Above 2^63: the column holds it as a double; the exact digits go to _rest.
      AddRest(ctx, std::to_string(v.get_uint64().value_unsafe()));
    }
    return;
  }
  // A shape that does not fit the node.
  AppendNull(n);
  AddRest(ctx, simdjson::minify(v));
}

void RecordBuilder::AfterString(BuilderNode* parent, BuilderNode* node, std::string_view s, int64_t slot) {
  if (templates_ == nullptr || node->kind != Kind::kString) return;
  std::string_view text;
  int64_t id = templates_->Match(s, &text);
  Ctx ctx;
  Node* tid = Child(parent, "template_id", false);
  if (tid != nullptr && tid->length <= slot) {
    PadTo(tid, slot);
    AppendScalar(tid, FieldValue::Int64(id), ctx);
  }
  Node* tt = Child(parent, "template", false);
  if (tt != nullptr && tt->length <= slot) {
    PadTo(tt, slot);
    AppendScalar(tt, FieldValue::String(text), ctx);
  }
}

// The value of field `key` of a struct (`parent`) into its node `c` (padded
// to the struct's row first): a scalar of the node's kind inline, anything
// else through AppendJson with the key on the path.
[[gnu::always_inline]] inline void RecordBuilder::AppendField(BuilderNode* parent, BuilderNode* c, std::string_view key,
                                                              simdjson::dom::element value, Ctx& ctx) {
  PadTo(c, parent->length);
  const simdjson::dom::element_type type = value.type();
  if (!AppendOwnKind(c, type, value)) {
    ctx.Push(key);
    AppendJson(c, value, ctx);
    ctx.Pop();
  }
  if (c->template_source && type == simdjson::dom::element_type::STRING) AfterString(parent, c, DomString(value), parent->length);
}

void RecordBuilder::AppendJsonObject(BuilderNode* n, simdjson::dom::object obj, Ctx& ctx) {
  const int64_t slot = n->length;
  for (auto field : obj) {
    Node* c = Child(n, field.key, false);
    if (c == nullptr || c->length > slot) {  // too many fields, or a duplicate key
      ctx.Push(field.key);
      AddRest(ctx, simdjson::minify(field.value));
      ctx.Pop();
      continue;
    }
    AppendField(n, c, field.key, field.value, ctx);
  }
  FinishRow(n);
}

bool RecordBuilder::AppendTimestampValue(BuilderNode* node, simdjson::dom::element v) {
  Sc sc{};
  int64_t micros = 0;
  const bool ok = ScalarFromJson(v, &sc) && TimestampOf(sc, &micros);
  if (ok) {
    AppendFixed<int64_t>(node, micros);
  } else {
    AppendNull(node);
  }
  return ok;
}

void RecordBuilder::AddJson(simdjson::dom::element record, std::string_view source, int64_t line) {
  Ctx& ctx = *path_;  // reused: no allocation per record
  ctx.Clear();
  Node* root = root_.get();
  const int64_t slot = root->length;
  if (!record.is_object()) {
    Node* c = Child(root, "_value", true);
    ctx.Push("_value");
    if (c == nullptr) {
      AddRest(ctx, simdjson::minify(record));
    } else {
      PadTo(c, slot);
      AppendJson(c, record, ctx);
    }
    ctx.Pop();
    PadTo(timestamp_node_, slot);
    AppendNull(timestamp_node_);
    EndRow(source, line);
    return;
  }
  simdjson::dom::object obj;
  if (record.get_object().get(obj) != simdjson::SUCCESS) obj = {};
  // The timestamp source is the first of options_.timestamp_fields present;
  // found in the same pass as the fields are stored.
  const size_t nts = options_.timestamp_fields.size();
  size_t best = nts;
  simdjson::dom::element ts_value;
  const bool ts_column = timestamp_node_->kind == Kind::kTimestamp;
  for (auto field : obj) {
    std::string_view key = field.key;
    for (size_t k = 0; k < best; ++k) {
      if (SameBytes(key, options_.timestamp_fields[k])) {
        best = k;
        ts_value = field.value;
        break;
      }
    }
    if (SameBytes(key, "timestamp")) {
      // The top candidate is the source for sure; stored as the timestamp column
      // (the field lookup's hint moves past it, as if it had been looked up).
      if (best == 0 && nts > 0 && options_.timestamp_fields[0] == "timestamp" && ts_column) {
        HintPast(root, timestamp_node_);
        continue;
      }
      if (nts == 0 || options_.timestamp_fields[0] != "timestamp") key = "timestamp_";  // not a source
    }
    Node* c = Child(root, key, true);
    if (c == nullptr || c->length > slot) {
      ctx.Push(field.key);
      AddRest(ctx, simdjson::minify(field.value));
      ctx.Pop();
      continue;
    }
    AppendField(root, c, field.key, field.value, ctx);
  }
  const bool have_ts = best < nts;
  PadTo(timestamp_node_, slot);
  if (ts_column && timestamp_node_->length == slot) {
    if (!have_ts) {
      AppendNull(timestamp_node_);
    } else if (!AppendTimestampValue(timestamp_node_, ts_value) && options_.timestamp_fields[best] == "timestamp") {
      ctx.Push("timestamp");
      AddRest(ctx, simdjson::minify(ts_value));
      ctx.Pop();
    }
  }
  EndRow(source, line);
}

// ---- One pass over JSON text (AddJsonText) ----
//
// A recursive descent over the record's text that appends each value to its
// node as soon as it is read, by AddJson's rules for the case where every
// value fits its node's kind. Whatever else it meets (a new key, a value of
// another kind, a value for _rest, an escape it does not read, text that is
// not JSON) ends the pass: the nodes it appended to are cut back to the sizes
// they had (saved when each was first touched) and AddJson takes the record.

namespace {

constexpr double kExactPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

inline bool IsDigit(char c) { return static_cast<unsigned>(c - '0') <= 9; }

// The first byte in [p, end) that ends a plain run of a JSON string (the
// quote, the backslash, or a control character, which a JSON string may not
// hold raw), or `end`; *non_ascii tells whether the run holds a byte above
// 0x7F (then it needs UTF-8 validation). Reads up to 15 bytes past `end`
// (the padding).
[[gnu::always_inline]] inline const char* StringRunEnd(const char* p, const char* end, bool* non_ascii) {
#ifdef __SSE2__
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i control = _mm_set1_epi8(0x1F);
  unsigned high = 0;
  for (; p < end; p += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)),
                                      _mm_cmpeq_epi8(_mm_max_epu8(x, control), control));
    const unsigned bytes_high = static_cast<unsigned>(_mm_movemask_epi8(x));
    if (const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(stop)); mask != 0) {
      const unsigned at = static_cast<unsigned>(__builtin_ctz(mask));
      const char* q = p + at;
      if (q > end) q = end;
      high |= bytes_high & ((1u << static_cast<unsigned>(q - p)) - 1);
      *non_ascii = high != 0;
      return q;
    }
    high |= bytes_high & (p + 16 <= end ? 0xFFFFu : (1u << static_cast<unsigned>(end - p)) - 1);
  }
  *non_ascii = high != 0;
  return end;
#else
  bool high = false;
  while (p < end && *p != '"' && *p != '\\' && static_cast<unsigned char>(*p) >= 0x20) {
    high |= static_cast<unsigned char>(*p) > 0x7F;
    ++p;
  }
  *non_ascii = high;
  return p;
#endif
}

// A scalar read from text: a null, or what simdjson would have given as `v`.
struct TextScalar {
  Sc v{};
  bool null = false;
  bool escaped = false;  // a string unescaped into the pass's scratch (valid until the next string)
};

// A scalar into a node as AddJson appends it (PutScalar), unless that would
// change the node's kind (type a new column, widen one not yet in the table's
// schema; a value for _rest appends nothing either): false then.
[[gnu::always_inline]] inline bool AppendTextScalar(Node* n, const TextScalar& x, std::string* render) {
  if (x.null) {
    AppendNull(n);
    return true;
  }
  const Sc::T t = x.v.t;
  const bool own_kind = (n->kind == Kind::kBool && t == Sc::kBool) || (n->kind == Kind::kInt64 && t == Sc::kInt) ||
                        (n->kind == Kind::kDouble && (t == Sc::kInt || t == Sc::kDouble));
  if (!(own_kind || n->locked || n->kind == Kind::kString || n->kind == Kind::kOther)) return false;
  return PutScalar(n, x.v, render);
}

}  // namespace

struct RecordBuilder::TextPass {
  const char* p = nullptr;
  const char* end = nullptr;
  int64_t stamp = 0;
  struct Saved {  // a node's length before the record (its buffers follow from it)
    BuilderNode* node;
    int64_t length;
  };
  std::vector<Saved> saved;  // the nodes touched, as they were before: [0, num_saved)
  size_t num_saved = 0;
  struct Template {
    BuilderNode* parent;
    BuilderNode* node;
    int64_t slot;
  };
  std::vector<Template> templates;  // message strings, matched once the record is in
  std::string scratch;
  std::string render;  // a scalar's text for a string column

  char Peek() const { return p < end ? *p : '\0'; }
  [[gnu::always_inline]] void SkipWs() {
    // Most tokens follow one another directly: one test for that.
    if (p < end && static_cast<unsigned char>(*p) > ' ') [[likely]] return;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) ++p;
  }
  bool Consume(char c) {
    if (p < end && *p == c) {
      ++p;
      return true;
    }
    return false;
  }
  bool ConsumeWord(std::string_view w) {
    if (static_cast<size_t>(end - p) < w.size() || std::memcmp(p, w.data(), w.size()) != 0) return false;
    p += w.size();
    return true;
  }

  // A string's contents, after its opening quote; false when the text ends
  // first or it holds a raw control character or a \u escape.
  [[gnu::always_inline]] bool ReadString(std::string_view* out, bool* escaped) {
    const char* start = p;
    bool non_ascii = false;
    p = StringRunEnd(p, end, &non_ascii);
    // UTF-8 is checked here, run by run: outside strings only ASCII is JSON.
    if (non_ascii && !simdjson::validate_utf8(start, static_cast<size_t>(p - start))) return false;
    if (p < end && *p == '"') [[likely]] {
      *out = std::string_view(start, static_cast<size_t>(p - start));
      *escaped = false;
      ++p;
      return true;
    }
    return ReadEscapedString(start, out, escaped);
  }
  // ReadString's rest for a string with escapes (or no end).
  bool ReadEscapedString(const char* start, std::string_view* out, bool* escaped) {
    scratch.assign(start, p);
    for (;;) {
      if (end - p < 2 || *p != '\\') return false;  // the end, or a control character
      switch (p[1]) {
        case '"': scratch += '"'; break;
        case '\\': scratch += '\\'; break;
        case '/': scratch += '/'; break;
        case 'b': scratch += '\b'; break;
        case 'f': scratch += '\f'; break;
        case 'n': scratch += '\n'; break;
        case 'r': scratch += '\r'; break;
        case 't': scratch += '\t'; break;
        default: return false;  // \u, or not an escape
      }
      p += 2;
      const char* run = p;
      bool non_ascii = false;
      p = StringRunEnd(p, end, &non_ascii);
      if (non_ascii && !simdjson::validate_utf8(run, static_cast<size_t>(p - run))) return false;
      scratch.append(run, p);
      if (p < end && *p == '"') {
        ++p;
        *out = scratch;
        *escaped = true;
        return true;
      }
    }
  }

  // A number as simdjson reads it: an integer literal is an int64, any other
  // a double (correctly rounded: exactly when the digits and the power of ten
  // are exact doubles, else by from_chars). False for what simdjson would not
  // give as int64 or double (19 digits or more, out of range) or not JSON.
  [[gnu::always_inline]] bool ReadNumber(Sc* out) {
    const char* start = p;
    const bool neg = Consume('-');
    if (p == end || !IsDigit(*p)) return false;
    uint64_t m = 0;
    int digits = 0;  // significant digits in m
    bool exact = true;  // m holds every digit
    if (*p == '0') {
      ++p;
      if (p < end && IsDigit(*p)) return false;  // a leading zero
    } else {
      while (p < end && IsDigit(*p)) {
        if (digits == 18) return false;  // as long as int64's range, or longer: AddJson decides
        m = m * 10 + static_cast<uint64_t>(*p - '0');
        ++digits;
        ++p;
      }
    }
    int64_t exp10 = 0;
    bool is_double = false;
    if (p < end && *p == '.') {
      is_double = true;
      ++p;
      if (p == end || !IsDigit(*p)) return false;
      while (p < end && IsDigit(*p)) {
        if (digits < 19) {
          m = m * 10 + static_cast<uint64_t>(*p - '0');
          digits += m != 0 ? 1 : 0;
          --exp10;
        } else {
          exact = false;
        }
        ++p;
      }
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
      is_double = true;
      ++p;
      const bool eneg = p < end && *p == '-';
      if (p < end && (*p == '-' || *p == '+')) ++p;
      if (p == end || !IsDigit(*p)) return false;
      int64_t e = 0;
      while (p < end && IsDigit(*p)) {
        if (e < 100000) e = e * 10 + (*p - '0');
        ++p;
      }
      exp10 += eneg ? -e : e;
    }
    if (!is_double) {
      out->t = Sc::kInt;
      out->i = neg ? -static_cast<int64_t>(m) : static_cast<int64_t>(m);
      return true;
    }
    out->t = Sc::kDouble;
    if (exact && m <= (uint64_t{1} << 53) && exp10 >= -22 && exp10 <= 22) {
      double d = static_cast<double>(m);
      d = exp10 < 0 ? d / kExactPow10[-exp10] : d * kExactPow10[exp10];
      out->d = neg ? -d : d;
      return true;
    }
    auto r = std::from_chars(start, p, out->d);
    return r.ec == std::errc() && r.ptr == p;
  }

  // A string, number, true, false or null; false for anything else.
  bool ReadScalar(TextScalar* out) {
    out->null = false;
    out->escaped = false;
    out->v.s = {};
    switch (Peek()) {
      case '"':
        ++p;
        out->v.t = Sc::kString;
        return ReadString(&out->v.s, &out->escaped);
      case 't':
        out->v.t = Sc::kBool;
        out->v.b = true;
        return ConsumeWord("true");
      case 'f':
        out->v.t = Sc::kBool;
        out->v.b = false;
        return ConsumeWord("false");
      case 'n':
        out->null = true;
        return ConsumeWord("null");
      default:
        return ReadNumber(&out->v);
    }
  }

  // After a member of an object or array: true at a comma (skipped) or at
  // `close` (consumed, *done set); false otherwise.
  bool AfterMember(char close, bool* done) {
    SkipWs();
    if (Consume(close)) {
      *done = true;
      return true;
    }
    if (!Consume(',')) return false;
    SkipWs();
    return true;
  }

  // `"key"` and the colon after it; false for a key with escapes (AddJson
  // reads those) or anything but a key.
  bool ReadKey(std::string_view* key) {
    bool escaped = false;
    if (!Consume('"') || !ReadString(key, &escaped) || escaped) return false;
    SkipWs();
    if (!Consume(':')) return false;
    SkipWs();
    return true;
  }
};

[[gnu::always_inline]] inline void RecordBuilder::Touch(TextPass& t, BuilderNode* n) {
  if (n->text_stamp == t.stamp) return;
  n->text_stamp = t.stamp;
  if (t.num_saved == t.saved.size()) [[unlikely]] t.saved.resize(t.saved.size() * 2 + 64);
  t.saved[t.num_saved++] = {n, n->length};
}

// The node of field `key` of struct `parent`, touched and padded to row
// `slot`; nullptr for a key it has no node for, or a duplicate.
[[gnu::always_inline]] inline BuilderNode* RecordBuilder::TextField(TextPass& t, BuilderNode* parent,
                                                                   std::string_view key, bool top_level, int64_t slot,
                                                                   BuilderNode* known) {
  Node* c = known != nullptr ? known : Child(parent, key, top_level, /*create=*/false);
  if (c == nullptr || c->length > slot) return nullptr;
  Touch(t, c);
  PadTo(c, slot);
  return c;
}

// `"key"` and its colon at the cursor. When the key is that of the child
// Child() expects next (the parent's hint), it is compared in place, without
// a scan for its end, and *known is that child (else nullptr).
[[gnu::always_inline]] inline bool RecordBuilder::TextKey(TextPass& t, BuilderNode* parent, std::string_view* key,
                                                          BuilderNode** known) {
  *known = nullptr;
  auto& kids = parent->children;
  const size_t h = parent->hint < kids.size() ? parent->hint : 0;
  if (h < kids.size() && t.p < t.end && *t.p == '"') {
    Node* next = kids[h].get();
    const std::string& k = next->key;
    if (next->plain_key < 0) {
      next->plain_key = 1;
      for (char ch : k) {
        if (ch == '"' || ch == '\\' || static_cast<unsigned char>(ch) < 0x20) next->plain_key = 0;
      }
    }
    const char* q = t.p + 1;
    if (!next->system && next->plain_key == 1 && static_cast<size_t>(t.end - q) > k.size() && q[k.size()] == '"' &&
        BytesEqual(q, k.data(), k.size())) {
      *key = std::string_view(q, k.size());
      *known = next;
      parent->hint = static_cast<uint32_t>(h + 1);
      t.p = q + k.size() + 1;
      t.SkipWs();
      if (!t.Consume(':')) return false;
      t.SkipWs();
      return true;
    }
  }
  return t.ReadKey(key);
}

// The value at the cursor into `n` (touched, and padded to its row when a
// struct field of `parent`; parent is null for a list element).
bool RecordBuilder::TextValue(TextPass& t, BuilderNode* parent, BuilderNode* n) {
  const char c = t.Peek();
  // The value the node's kind expects, read straight into it (the common case).
  switch (n->kind) {
    case Kind::kString:
      if (c == '"') {
        ++t.p;
        std::string_view s;
        bool escaped = false;
        if (!t.ReadString(&s, &escaped)) return false;
        AppendStr(n, s);
        if (n->template_source && parent != nullptr) t.templates.push_back({parent, n, parent->length});
        return true;
      }
      break;
    case Kind::kDouble:
    case Kind::kInt64:
      if (c == '-' || IsDigit(c)) {
        TextScalar v;
        if (!t.ReadNumber(&v.v)) return false;
        if (v.v.t == Sc::kInt && n->kind == Kind::kInt64) {
          AppendFixed<int64_t>(n, v.v.i);
        } else if (n->kind == Kind::kDouble) {
          AppendFixed<double>(n, v.v.t == Sc::kInt ? static_cast<double>(v.v.i) : v.v.d);
        } else {
          return AppendTextScalar(n, v, &t.render);  // a double in a bigint column
        }
        return true;
      }
      break;
    default:
      break;
  }
  if (c == '{') {
    if (n->kind != Kind::kStruct) return false;
    ++t.p;
    return TextObject(t, n);
  }
  if (c == '[') {
    if (n->kind != Kind::kList) return false;
    ++t.p;
    Node* elem = n->children[0].get();
    Touch(t, elem);
    t.SkipWs();
    for (bool done = t.Consume(']'); !done;) {
      if (!TextValue(t, nullptr, elem) || !t.AfterMember(']', &done)) return false;
    }
    n->offsets.AppendValue<int64_t>(elem->length);
    FinishRow(n);
    return true;
  }
  TextScalar v;
  if (!t.ReadScalar(&v) || !AppendTextScalar(n, v, &t.render)) return false;
  if (n->template_source && parent != nullptr && !v.null && v.v.t == Sc::kString) {
    t.templates.push_back({parent, n, parent->length});
  }
  return true;
}

// The fields of an object (after its '{') into struct node `n`.
bool RecordBuilder::TextObject(TextPass& t, BuilderNode* n) {
  const int64_t slot = n->length;
  t.SkipWs();
  for (bool done = t.Consume('}'); !done;) {
    std::string_view key;
    Node* known = nullptr;
    if (!TextKey(t, n, &key, &known)) return false;
    Node* c = TextField(t, n, key, false, slot, known);
    if (c == nullptr || !TextValue(t, n, c) || !t.AfterMember('}', &done)) return false;
  }
  FinishRow(n);
  return true;
}

// The record's fields (after its '{') with AddJson's top-level rules: the
// timestamp source, reserved names.
bool RecordBuilder::TextRecord(TextPass& t) {
  Node* root = root_.get();
  const int64_t slot = root->length;
  const auto& tf = options_.timestamp_fields;
  const size_t nts = tf.size();
  const bool ts_first = nts > 0 && tf[0] == "timestamp";
  const bool ts_column = timestamp_node_->kind == Kind::kTimestamp;
  size_t best = nts;
  TextScalar ts_value;
  t.SkipWs();
  for (bool done = t.Consume('}'); !done;) {
    std::string_view key;
    Node* known = nullptr;
    if (!TextKey(t, root, &key, &known)) return false;
    bool source = false;  // this field is the best timestamp source so far
    for (size_t k = 0; k < best; ++k) {
      if (SameBytes(key, tf[k])) {
        best = k;
        source = true;
        break;
      }
    }
    std::string_view name = key;
    bool stored = true;
    if (SameBytes(key, "timestamp")) {
      if (best == 0 && ts_first && ts_column) {
        stored = false;  // the timestamp column itself, set below
        HintPast(root, timestamp_node_);
      } else if (!ts_first) {
        name = "timestamp_";  // not a source
        known = nullptr;
      }
    }
    if (source || !stored) {
      // A scalar the timestamp may come from (an object or array there: AddJson).
      TextScalar v;
      if (!t.ReadScalar(&v) || v.escaped) return false;
      if (source) ts_value = v;
      if (stored) {
        Node* c = TextField(t, root, name, true, slot, known);
        if (c == nullptr || !AppendTextScalar(c, v, &t.render)) return false;
        if (c->template_source && !v.null && v.v.t == Sc::kString) t.templates.push_back({root, c, slot});
      }
    } else {
      Node* c = TextField(t, root, name, true, slot, known);
      if (c == nullptr || !TextValue(t, root, c)) return false;
    }
    if (!t.AfterMember('}', &done)) return false;
  }
  t.SkipWs();
  if (t.p != t.end) return false;  // more than one value
  Touch(t, timestamp_node_);
  PadTo(timestamp_node_, slot);
  if (ts_column && timestamp_node_->length == slot) {
    int64_t micros = 0;
    if (best == nts) {
      AppendNull(timestamp_node_);
    } else if (!ts_value.null && TimestampOf(ts_value.v, &micros)) {
      AppendFixed<int64_t>(timestamp_node_, micros);
    } else if (tf[best] == "timestamp") {
      return false;  // AddJson keeps the value in _rest
    } else {
      AppendNull(timestamp_node_);
    }
  }
  return true;
}

bool RecordBuilder::AddJsonText(std::string_view text, std::string_view source, int64_t line) {
  if (text_ == nullptr) text_ = std::make_unique<TextPass>();
  TextPass& t = *text_;
  t.p = text.data();
  t.end = text.data() + text.size();
  t.SkipWs();
  if (!t.Consume('{')) return false;
  ++t.stamp;
  t.num_saved = 0;
  t.templates.clear();
  if (!TextRecord(t)) {
    for (size_t i = 0; i < t.num_saved; ++i) CutTo(t.saved[i].node, t.saved[i].length);
    return false;
  }
  for (const TextPass::Template& m : t.templates) {
    // The message is the string last appended to its node.
    const int64_t* off = m.node->offsets.data_as<int64_t>();
    const int64_t k = m.node->length - 1;
    std::string_view s(reinterpret_cast<const char*>(m.node->data.data()) + off[k], static_cast<size_t>(off[k + 1] - off[k]));
    AfterString(m.parent, m.node, s, m.slot);
  }
  EndRow(source, line);
  return true;
}

void RecordBuilder::AddFlat(const FlatRecord& record, std::string_view source) {
  Ctx& ctx = *path_;  // reused: no allocation per record
  ctx.Clear();
  Node* root = root_.get();
  const int64_t slot = root->length;
  size_t best = options_.timestamp_fields.size();
  const FieldValue* ts_value = nullptr;
  for (const FlatField& f : record.fields) {
    for (size_t k = 0; k < best; ++k) {
      if (f.name == options_.timestamp_fields[k]) {
        best = k;
        ts_value = &f.value;
        break;
      }
    }
  }
  const bool have_ts = ts_value != nullptr;
  const std::string_view ts_key = have_ts ? std::string_view(options_.timestamp_fields[best]) : std::string_view();
  PadTo(timestamp_node_, slot);
  if (timestamp_node_->kind == Kind::kTimestamp) {
    int64_t micros = 0;
    if (have_ts && ts_value->kind != FieldValue::Kind::kNull && TimestampOf(ScOf(*ts_value), &micros)) {
      AppendFixed<int64_t>(timestamp_node_, micros);
    } else {
      AppendNull(timestamp_node_);
      if (have_ts && ts_key == "timestamp" && ts_value->kind != FieldValue::Kind::kNull) {
        std::string json;
        ScalarJson(ScOf(*ts_value), &json);
        ctx.Push("timestamp");
        AddRest(ctx, json);
        ctx.Pop();
      }
    }
  }
  std::vector<Node*> opened;
  std::vector<std::string_view> segs;
  for (const FlatField& f : record.fields) {
    std::string_view name = f.name;
    if (name == "timestamp") {
      if (have_ts && ts_key == "timestamp" && timestamp_node_->kind == Kind::kTimestamp) continue;
      if (!(have_ts && ts_key == "timestamp")) name = "timestamp_";
    }
    // A dotted name nests ("a.b.c"); a name with an empty segment stays whole.
    segs.clear();
    bool nest = !name.empty() && name.front() != '.' && name.back() != '.' &&
                name.find("..") == std::string_view::npos;
    for (size_t start = 0;;) {
      size_t dot = nest ? name.find('.', start) : std::string_view::npos;
      segs.push_back(name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
      if (dot == std::string_view::npos) break;
      start = dot + 1;
    }
    ctx.Clear();
    for (std::string_view seg : segs) ctx.Push(seg);
    Node* parent = root;
    int64_t parent_slot = slot;
    bool ok = true;
    for (size_t k = 0; k + 1 < segs.size() && ok; ++k) {
      Node* c = Child(parent, segs[k], parent == root);
      if (c != nullptr && c->kind == Kind::kNone) SetKind(c, Kind::kStruct);
      if (c == nullptr || c->kind != Kind::kStruct || (c->open_stamp != rows_ && c->length > parent_slot)) {
        ok = false;
        break;
      }
      if (c->open_stamp != rows_) {
        PadTo(c, parent_slot);
        c->open_stamp = rows_;
        opened.push_back(c);
      }
      parent = c;
      parent_slot = c->length;
    }
    if (ok) {
      Node* c = Child(parent, segs.back(), parent == root);
      if (c == nullptr || c->length > parent_slot) {
        ok = false;
      } else {
        PadTo(c, parent_slot);
        AppendScalar(c, f.value, ctx);
        if (c->template_source && f.value.kind == FieldValue::Kind::kString) AfterString(parent, c, f.value.s, parent->length);
      }
    }
    if (!ok) {
      std::string json = "null";
      if (f.value.kind != FieldValue::Kind::kNull) {
        json.clear();
        ScalarJson(ScOf(f.value), &json);
      }
      AddRest(ctx, json);
    }
  }
  // Close the structs this record opened, deepest first.
  for (auto it = opened.rbegin(); it != opened.rend(); ++it) FinishRow(*it);
  EndRow(source, record.line);
}

void RecordBuilder::EndRow(std::string_view source, int64_t line) {
  Node* root = root_.get();
  const int64_t slot = root->length;
  Ctx ctx;
  auto sys = [&](Node* n) {
    PadTo(n, slot);
    return n;
  };
  Node* rest = sys(rest_node_);
  if (rest_.empty()) {
    AppendNull(rest);
  } else {
    rest_ += '}';
    AppendScalar(rest, FieldValue::String(rest_), ctx);
    rest_.clear();
  }
  // The system columns have their own types unless a table gave them others:
  // appended directly then (AppendScalar converts otherwise).
  Node* src = sys(source_node_);
  if (src->kind == Kind::kString) {
    AppendStr(src, source);
  } else {
    AppendScalar(src, FieldValue::String(source), ctx);
  }
  Node* ln = sys(line_node_);
  if (ln->kind == Kind::kInt64) {
    AppendFixed<int64_t>(ln, line);
  } else {
    AppendScalar(ln, FieldValue::Int64(line), ctx);
  }
  Node* date = sys(date_node_);
  PadTo(timestamp_node_, slot + 1);
  if (timestamp_node_->kind == Kind::kTimestamp && timestamp_node_->valid.data()[slot] != 0) {
    const int64_t micros = timestamp_node_->data.data_as<int64_t>()[slot];
    if (date->kind == Kind::kOther && date->other_type->id() == TypeId::kDate) {
      AppendFixed<int64_t>(date, FloorDiv(micros, kMicrosPerDay));
    } else {
      AppendScalar(date, FieldValue::Timestamp(micros), ctx);
    }
  } else {
    AppendNull(date);
  }
  FinishRow(root);
  ++rows_;
}

RecordBatch RecordBuilder::Flush() {
  Node* root = root_.get();
  ColumnPtr all = BuildColumn(root, options_.max_struct_fields);
  RecordBatch batch;
  batch.num_rows = rows_;
  const DataType& st = *all->type;
  for (size_t i = 0; i < st.num_fields(); ++i) {
    batch.schema.fields.push_back(st.field(i));
    batch.columns.push_back(all->children[i]);
  }
  schema_ = batch.schema;
  ResetRows(root, true);
  root->locked = true;
  rows_ = 0;
  return batch;
}

}  // namespace lakewatch::ingest
