// RecordBuilder: turns records (JSON objects, flat records of the text
// formats) into typed columns, inferring the types as it goes, and emits
// RecordBatches in the table's schema.
//
// Type rules (docs/ingest.md is the user-facing statement):
// - Every field path is a node whose kind is inferred from its values:
//   boolean, bigint, double, string, timestamp, struct, list, map. A node
//   that has seen only nulls has no kind and no column yet.
// - A node's kind may still change while it is new (not yet in the table
//   schema): bigint widens to double when a float appears; scalars of
//   different kinds widen to string (existing values re-rendered as text).
// - Once a node is in the table schema (a previous batch, or the existing
//   table) its type is fixed: a value that does not fit it (a string where a
//   number was, an object where a scalar was, ...) is never dropped: the
//   column gets a null for that row and the value goes to `_rest`, a JSON
//   object that maps the value's JSON Pointer (RFC 6901, "/features/amount",
//   "/items/2/price") to the value as it arrived. Scalars do fit a string
//   column (as their JSON text), integers a double column, and integral
//   doubles a bigint column.
// - Objects become structs; an object whose keys are data rather than names
//   (any key that is not name-like: more than 64 bytes, or containing a
//   character outside [A-Za-z0-9_$@-], or starting with a digit or '-')
//   becomes a map<string, V> with V inferred over all its values. A struct
//   takes at most `max_struct_fields` fields; further new keys go to `_rest`.
// - Arrays become lists with an element kind inferred over all elements; an
//   element that does not fit goes to `_rest` ("/tags/3") and the list holds
//   a null there. Lists that never held a typed element are list<string>.
// - Nesting deeper than `max_depth` is refused by the readers (quarantine).
//
// System columns: `timestamp` (from the first present field of
// `timestamp_fields`, converted from epoch s/ms/µs/ns or an RFC 3339 /
// ISO-8601 string; a value that cannot be converted goes to `_rest`),
// `_source`, `_line`, `_rest`; the pipeline derives `date`. A field named
// like a system column (other than the timestamp source) is stored with a
// trailing '_' ("date_").
//
// Names: a field name with characters Delta refuses in column names
// (" ,;{}()\n\t=") has them replaced by '_'; the empty name is "_empty".
//
// Template hook: a string value of a top-level `message` or of
// `error.message` is passed to the TemplateSink (when set), and its id and
// template go to sibling fields `template_id` and `template`.
//
// Thread-safety: none; one builder per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "common/buffer.h"
#include "common/column.h"
#include "common/status.h"
#include "ingest/record.h"

namespace lakewatch::ingest {

// Assigns log templates to messages (implemented by the pipeline over the
// template miner).
class TemplateSink {
 public:
  virtual ~TemplateSink() = default;
  // Returns the template id; *text receives the template (valid until the next call).
  virtual int64_t Match(std::string_view message, std::string_view* text) = 0;
};

struct BuilderOptions {
  std::vector<std::string> timestamp_fields = {"timestamp", "@timestamp", "ts", "time"};
  size_t max_struct_fields = 1000;
  int max_depth = 64;
};

struct BuilderNode;

class RecordBuilder {
 public:
  explicit RecordBuilder(BuilderOptions options = {});
  ~RecordBuilder();
  RecordBuilder(const RecordBuilder&) = delete;
  RecordBuilder& operator=(const RecordBuilder&) = delete;

  // Fixes the types of the columns of an existing table. Call before the
  // first record. Columns of types the builder does not produce keep their
  // type too: values that cannot be converted go to `_rest`.
  void LockSchema(const Schema& table_schema);
  void SetTemplateSink(TemplateSink* sink) { templates_ = sink; }

  // One JSON record. A top-level value that is not an object is stored as a
  // field named `_value`. REQUIRES: depth <= max_depth (checked by the reader).
  void AddJson(simdjson::dom::element record, std::string_view source, int64_t line);
  // One JSON record from its text (one line of JSON lines) in a single pass,
  // without a DOM, when it is an object whose every field goes to an existing
  // column of the value's own kind (the steady state of a log): the same rows
  // AddJson would give. Returns false, with nothing added, for anything else
  // (a new field or type, a value for _rest, a \u escape, invalid JSON or
  // UTF-8, ...): the caller parses the record and calls AddJson. REQUIRES:
  // simdjson::SIMDJSON_PADDING readable bytes after `text` (as JsonReader's
  // input has).
  bool AddJsonText(std::string_view text, std::string_view source, int64_t line);
  // One flat record; dotted names nest ("model.version").
  void AddFlat(const FlatRecord& record, std::string_view source);

  int64_t num_rows() const { return rows_; }

  // The rows since the last Flush as a batch in the current table schema
  // (locked columns in table order, then the columns new in this batch, which
  // become locked). Resets the rows; keeps the schema.
  RecordBatch Flush();
  // The schema the next Flush will have at least (the locked columns).
  const Schema& schema() const { return schema_; }

 private:
  struct Ctx;
  void BeginRow();
  void EndRow(std::string_view source, int64_t line);
  void AppendJson(BuilderNode* node, simdjson::dom::element v, Ctx& ctx);
  void AppendJsonObject(BuilderNode* node, simdjson::dom::object obj, Ctx& ctx);
  void AppendField(BuilderNode* parent, BuilderNode* c, std::string_view key, simdjson::dom::element value, Ctx& ctx);
  void AppendScalar(BuilderNode* node, const FieldValue& v, Ctx& ctx);
  bool AppendTimestampValue(BuilderNode* node, simdjson::dom::element v);
  void AddRest(const Ctx& ctx, std::string_view json_value);
  BuilderNode* Child(BuilderNode* parent, std::string_view key, bool top_level, bool create = true);
  // Child's slow path; nullptr for a key that has no node when !create.
  BuilderNode* ChildLookup(BuilderNode* parent, std::string_view key, bool top_level, bool create);
  // The template of string `s` just appended to `node` (a message field) in
  // row `slot` of `parent`.
  void AfterString(BuilderNode* parent, BuilderNode* node, std::string_view s, int64_t slot);

  // AddJsonText's pass (record_builder.cc, "One pass over JSON text").
  struct TextPass;
  bool TextValue(TextPass& t, BuilderNode* parent, BuilderNode* node);
  bool TextObject(TextPass& t, BuilderNode* node);
  bool TextRecord(TextPass& t);
  bool TextKey(TextPass& t, BuilderNode* parent, std::string_view* key, BuilderNode** known);
  BuilderNode* TextField(TextPass& t, BuilderNode* parent, std::string_view key, bool top_level, int64_t slot,
                         BuilderNode* known);
  void Touch(TextPass& t, BuilderNode* node);

  BuilderOptions options_;
  std::unique_ptr<Ctx> path_;  // the path of the record being added (reused across records)
  std::unique_ptr<BuilderNode> root_;
  // Adds (or finds, in a locked schema) the system columns' nodes.
  void AddSystemNodes();
  BuilderNode* timestamp_node_ = nullptr;  // the system columns (owned by root_)
  BuilderNode* rest_node_ = nullptr;
  BuilderNode* source_node_ = nullptr;
  BuilderNode* line_node_ = nullptr;
  BuilderNode* date_node_ = nullptr;
  Schema schema_;  // locked columns
  TemplateSink* templates_ = nullptr;
  int64_t rows_ = 0;
  // system columns of the current batch
  Buffer source_offsets_, source_bytes_, line_values_;
  std::string last_source_;
  Buffer rest_validity_, rest_offsets_, rest_bytes_;
  std::string rest_;  // the current row's _rest object, "" when empty
  std::string scratch_;
  std::unique_ptr<TextPass> text_;  // AddJsonText's state (reused across records)
};

// Whether `key` reads as a field name rather than data (see the type rules).
bool IsNameLikeKey(std::string_view key);

}  // namespace lakewatch::ingest
