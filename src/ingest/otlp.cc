#include "ingest/otlp.h"

#include <charconv>
#include <deque>
#include <string>

namespace lakewatch::ingest {

namespace {

using simdjson::dom::element;
using simdjson::dom::object;

// Strings the flattened record points at (field names, JSON texts).
class Arena {
 public:
  std::string_view Keep(std::string s) {
    strings_.push_back(std::move(s));
    return strings_.back();
  }
  void Clear() { strings_.clear(); }

 private:
  std::deque<std::string> strings_;
};

bool ToInt(element v, int64_t* out) {
  if (v.is_int64()) {
    *out = v.get_int64().value_unsafe();
    return true;
  }
  if (v.is_uint64()) {
    uint64_t u = v.get_uint64().value_unsafe();
    if (u > static_cast<uint64_t>(INT64_MAX)) return false;
    *out = static_cast<int64_t>(u);
    return true;
  }
  if (v.is_string()) {
    std::string_view s = v.get_string().value_unsafe();
    auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
  }
  return false;
}

// An OTLP AnyValue as a field value.
FieldValue AnyValue(element v, Arena* arena) {
  object o;
  if (v.get_object().get(o) != simdjson::SUCCESS) return FieldValue::Null();
  for (auto kv : o) {
    std::string_view k = kv.key;
    if (k == "stringValue" && kv.value.is_string()) return FieldValue::String(kv.value.get_string().value_unsafe());
    if (k == "boolValue" && kv.value.is_bool()) return FieldValue::Bool(kv.value.get_bool().value_unsafe());
    if (k == "intValue") {
      int64_t i = 0;
      if (ToInt(kv.value, &i)) return FieldValue::Int64(i);
      return FieldValue::String(arena->Keep(simdjson::minify(kv.value)));
    }
    if (k == "doubleValue") {
      if (kv.value.is_number()) return FieldValue::Double(kv.value.get_double().value_unsafe());
      if (kv.value.is_string()) return FieldValue::String(kv.value.get_string().value_unsafe());  // "NaN", "Infinity"
    }
    if (k == "bytesValue" && kv.value.is_string()) return FieldValue::String(kv.value.get_string().value_unsafe());
    if (k == "arrayValue" || k == "kvlistValue") return FieldValue::String(arena->Keep(simdjson::minify(kv.value)));
  }
  return FieldValue::Null();
}

void Attributes(element list, std::string_view prefix, FlatRecord* rec, Arena* arena) {
  simdjson::dom::array arr;
  if (list.get_array().get(arr) != simdjson::SUCCESS) return;
  for (element kv : arr) {
    std::string_view key;
    element value;
    if (kv["key"].get_string().get(key) != simdjson::SUCCESS) continue;
    if (kv["value"].get(value) != simdjson::SUCCESS) {
      rec->fields.push_back({arena->Keep(std::string(prefix) + std::string(key)), FieldValue::Null()});
      continue;
    }
    rec->fields.push_back({arena->Keep(std::string(prefix) + std::string(key)), AnyValue(value, arena)});
  }
}

bool NanosField(element v, int64_t* micros) {
  int64_t ns = 0;
  if (!ToInt(v, &ns) || ns == 0) return false;
  *micros = ns >= 0 ? ns / 1000 : -((-ns + 999) / 1000);
  return true;
}

}  // namespace

bool IsOtlpLogs(element doc) {
  // Called for every JSON record: only the first key is looked at (a request
  // has no other field; a record that merely holds one among others is an
  // ordinary record, none of whose fields is dropped).
  object o;
  if (doc.get_object().get(o) != simdjson::SUCCESS) return false;
  auto first = o.begin();
  return first != o.end() && first.key() == "resourceLogs" && first.value().is_array();
}

bool MayBeOtlpLogsText(std::string_view text) {
  size_t i = 0;
  auto ws = [&] {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n')) ++i;
  };
  ws();
  if (i == text.size() || text[i] != '{') return false;
  ++i;
  ws();
  return text.substr(i).starts_with("\"resourceLogs\"");
}

int64_t OtlpLogsToRecords(element doc, int64_t line, int64_t offset, RecordSink* sink) {
  Arena arena;
  FlatRecord rec;
  std::string raw;
  int64_t n = 0;
  simdjson::dom::array resource_logs;
  if (doc["resourceLogs"].get_array().get(resource_logs) != simdjson::SUCCESS) return 0;
  for (element rl : resource_logs) {
    FlatRecord resource;  // fields shared by the resource's records
    element res;
    if (rl["resource"].get(res) == simdjson::SUCCESS) {
      element attrs;
      if (res["attributes"].get(attrs) == simdjson::SUCCESS) Attributes(attrs, "resource.", &resource, &arena);
    }
    simdjson::dom::array scope_logs;
    if (rl["scopeLogs"].get_array().get(scope_logs) != simdjson::SUCCESS) continue;
    for (element sl : scope_logs) {
      FlatRecord scope;
      element sc;
      if (sl["scope"].get(sc) == simdjson::SUCCESS) {
        std::string_view s;
        if (sc["name"].get_string().get(s) == simdjson::SUCCESS) scope.fields.push_back({"scope.name", FieldValue::String(s)});
        if (sc["version"].get_string().get(s) == simdjson::SUCCESS) {
          scope.fields.push_back({"scope.version", FieldValue::String(s)});
        }
        element attrs;
        if (sc["attributes"].get(attrs) == simdjson::SUCCESS) Attributes(attrs, "scope.attributes.", &scope, &arena);
      }
      simdjson::dom::array records;
      if (sl["logRecords"].get_array().get(records) != simdjson::SUCCESS) continue;
      for (element lr : records) {
        rec.Clear();
        rec.line = line;
        rec.offset = offset;
        int64_t ts = 0, observed = 0;
        element v;
        bool has_ts = lr["timeUnixNano"].get(v) == simdjson::SUCCESS && NanosField(v, &ts);
        bool has_obs = lr["observedTimeUnixNano"].get(v) == simdjson::SUCCESS && NanosField(v, &observed);
        if (has_ts || has_obs) rec.fields.push_back({"timestamp", FieldValue::Timestamp(has_ts ? ts : observed)});
        if (has_obs) rec.fields.push_back({"observed_timestamp", FieldValue::Timestamp(observed)});
        int64_t i = 0;
        if (lr["severityNumber"].get(v) == simdjson::SUCCESS && ToInt(v, &i)) {
          rec.fields.push_back({"severity_number", FieldValue::Int64(i)});
        }
        std::string_view s;
        if (lr["severityText"].get_string().get(s) == simdjson::SUCCESS) rec.fields.push_back({"level", FieldValue::String(s)});
        if (lr["eventName"].get_string().get(s) == simdjson::SUCCESS) {
          rec.fields.push_back({"event_name", FieldValue::String(s)});
        }
        if (lr["body"].get(v) == simdjson::SUCCESS) {
          FieldValue body = AnyValue(v, &arena);
          object bo;
          bool string_body = v.get_object().get(bo) == simdjson::SUCCESS && bo["stringValue"].is_string();
          rec.fields.push_back({string_body ? "message" : "body", body});
        }
        if (lr["attributes"].get(v) == simdjson::SUCCESS) Attributes(v, "attributes.", &rec, &arena);
        if (lr["traceId"].get_string().get(s) == simdjson::SUCCESS) rec.fields.push_back({"trace_id", FieldValue::String(s)});
        if (lr["spanId"].get_string().get(s) == simdjson::SUCCESS) rec.fields.push_back({"span_id", FieldValue::String(s)});
        if (lr["flags"].get(v) == simdjson::SUCCESS && ToInt(v, &i)) rec.fields.push_back({"flags", FieldValue::Int64(i)});
        if (lr["droppedAttributesCount"].get(v) == simdjson::SUCCESS && ToInt(v, &i)) {
          rec.fields.push_back({"dropped_attributes_count", FieldValue::Int64(i)});
        }
        rec.fields.insert(rec.fields.end(), resource.fields.begin(), resource.fields.end());
        rec.fields.insert(rec.fields.end(), scope.fields.begin(), scope.fields.end());
        raw = simdjson::minify(lr);
        rec.raw = raw;
        sink->OnRecord(rec);
        ++n;
      }
    }
  }
  return n;
}

}  // namespace lakewatch::ingest
