// Delta Lake log actions: JSON parsing and serialization (see actions.h).
//
// Commit file layout (PROTOCOL.md "Delta Log Entries"): UTF-8 text, one JSON
// object per line, each wrapping exactly one action:
//
//   {"commitInfo":{"timestamp":1700000000000,"operation":"WRITE",...}}
//   {"protocol":{"minReaderVersion":1,"minWriterVersion":2}}
//   {"metaData":{"id":"..","format":{"provider":"parquet","options":{}},
//                "schemaString":"{\"type\":\"struct\",...}","partitionColumns":[],
//                "configuration":{},"createdTime":1700000000000}}
//   {"add":{"path":"a%20b.parquet","partitionValues":{"p":null},"size":1,
//           "modificationTime":1,"dataChange":true,"stats":"{\"numRecords\":1}"}}
//   {"remove":{"path":"..","deletionTimestamp":1,"dataChange":true}}
//   {"txn":{"appId":"..","version":3,"lastUpdated":1}}
//
// Parsing uses simdjson On-Demand, one document per line, in place: the
// bytes after a line (the next lines) serve as simdjson's padding, and only
// the lines within SIMDJSON_PADDING bytes of the end are read from a padded
// copy of the file's tail. Fields are visited in file order, action field
// names are compared as written, and strings stay string_views into the
// parser's buffer until they are copied into the action being filled.
// Writing emits the protocol's camelCase names in the order Spark writes them.
#include "delta/actions.h"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>

#include "common/json_format.h"

namespace lakewatch::delta {

namespace {

namespace od = simdjson::ondemand;

const char* JsonTypeName(od::json_type t) {
  switch (t) {
    case od::json_type::array:
      return "an array";
    case od::json_type::object:
      return "an object";
    case od::json_type::number:
      return "a number";
    case od::json_type::string:
      return "a string";
    case od::json_type::boolean:
      return "a boolean";
    case od::json_type::null:
      return "null";
  }
  return "an unknown JSON value";
}

bool IsBlank(const char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r') return false;
  }
  return true;
}

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// Parses the lines of one commit file into an ActionSet. Every error names
// the commit version, the 1-based line and the field.
class CommitParser {
 public:
  CommitParser(int64_t version, ActionSet* out) : version_(version), out_(out) {}

  // Parses one non-blank line of `len` bytes.
  // REQUIRES: capacity >= len + SIMDJSON_PADDING bytes at `line` are readable.
  Status ParseLine(const char* line, size_t len, size_t capacity, int64_t line_no);

 private:
  // -- errors
  Status Fail(std::string_view field, std::string_view what) const;
  Status JsonFail(simdjson::error_code err, std::string_view field) const;
  // `err` came from reading `v` as `expected`: a type mismatch or bad JSON.
  Status ReadFail(simdjson::error_code err, od::value& v, std::string_view field,
                  std::string_view expected) const;

  // -- typed readers; `field` names the value in messages ("add.size")
  // Calls fn(raw key, value) per member of the object `v`. Field names of
  // actions are matched as written (raw_json_string == "name": no
  // unescaping, as no writer escapes ASCII letters).
  template <typename F>
  Status ForEachField(od::value& v, std::string_view field, F&& fn);
  // Calls fn(unescaped key, value) per member: for maps with free-form keys.
  template <typename F>
  Status ForEachEntry(od::value& v, std::string_view field, F&& fn);
  Status IsNull(od::value& v, std::string_view field, bool* is_null) const;
  Status ReadStringView(od::value& v, std::string_view field, std::string_view* out) const;
  Status ReadString(od::value& v, std::string_view field, std::string* out) const;
  Status ReadInt64(od::value& v, std::string_view field, int64_t* out) const;
  Status ReadInt32(od::value& v, std::string_view field, int32_t* out) const;
  Status ReadBool(od::value& v, std::string_view field, bool* out) const;
  Status ReadOptString(od::value& v, std::string_view field, std::optional<std::string>* out);
  Status ReadOptText(od::value& v, std::string_view field, SharedText* out);
  Status ReadOptInt64(od::value& v, std::string_view field, std::optional<int64_t>* out);
  Status ReadOptBool(od::value& v, std::string_view field, std::optional<bool>* out);
  Status ReadStringMap(od::value& v, std::string_view field, StringMap* out);
  Status ReadOptStringMap(od::value& v, std::string_view field, std::optional<StringMap>* out);
  Status ReadPartitionValues(od::value& v, std::string_view field, PartitionValues* out);
  Status ReadStringList(od::value& v, std::string_view field, std::vector<std::string>* out);
  Status ReadOptStringList(od::value& v, std::string_view field,
                           std::optional<std::vector<std::string>>* out);
  Status ReadDeletionVector(od::value& v, std::string_view field,
                            std::optional<DeletionVectorDescriptor>* out);

  // -- actions
  Status ParseActions(od::object& root);  // the members of one line's object
  Status ParseProtocol(od::value& v, Protocol* p);
  Status ParseMetadata(od::value& v, Metadata* m);
  Status ParseFormat(od::value& v, Metadata* m);
  Status ParseAdd(od::value& v, AddFile* a);
  Status ParseRemove(od::value& v, RemoveFile* r);
  Status ParseTxn(od::value& v, Txn* t);
  Status ParseCommitInfo(od::value& v, CommitInfo* c);

  int64_t version_;
  ActionSet* out_;
  const char* buffer_end_ = nullptr;  // end of the readable bytes after the current line
  int64_t line_no_ = 0;
  int64_t protocol_line_ = 0;
  int64_t metadata_line_ = 0;
  od::parser parser_;
  od::parser commit_info_parser_;  // second pass over the commitInfo object text
};

Status CommitParser::Fail(std::string_view field, std::string_view what) const {
  std::string msg =
      "commit " + std::to_string(version_) + ", line " + std::to_string(line_no_) + ": ";
  if (!field.empty()) {
    msg.append(field);
    msg.push_back(' ');
  }
  msg.append(what);
  return Status::Corrupt(std::move(msg));
}

Status CommitParser::JsonFail(simdjson::error_code err, std::string_view field) const {
  std::string what = "malformed JSON (";
  what += simdjson::error_message(err);
  what += ")";
  if (!field.empty()) what = "is " + what;
  return Fail(field, what);
}

Status CommitParser::ReadFail(simdjson::error_code err, od::value& v, std::string_view field,
                              std::string_view expected) const {
  if (err == simdjson::INCORRECT_TYPE) {
    od::json_type t;
    if (!v.type().get(t)) {
      return Fail(field, "is not " + std::string(expected) + " (got " + JsonTypeName(t) + ")");
    }
  }
  if (err == simdjson::NUMBER_OUT_OF_RANGE || err == simdjson::NUMBER_ERROR) {
    return Fail(field,
                "is not " + std::string(expected) + " (" + simdjson::error_message(err) + ")");
  }
  return JsonFail(err, field);
}

template <typename F>
Status CommitParser::ForEachField(od::value& v, std::string_view field, F&& fn) {
  od::object obj;
  if (auto err = v.get_object().get(obj)) return ReadFail(err, v, field, "an object");
  for (auto field_result : obj) {
    od::field f;
    if (auto err = std::move(field_result).get(f)) return JsonFail(err, field);
    LW_RETURN_IF_ERROR(fn(f.key(), f.value()));
  }
  return Status::OK();
}

template <typename F>
Status CommitParser::ForEachEntry(od::value& v, std::string_view field, F&& fn) {
  od::object obj;
  if (auto err = v.get_object().get(obj)) return ReadFail(err, v, field, "an object");
  for (auto field_result : obj) {
    od::field f;
    if (auto err = std::move(field_result).get(f)) return JsonFail(err, field);
    std::string_view key;
    if (auto err = f.unescaped_key().get(key)) return JsonFail(err, field);
    LW_RETURN_IF_ERROR(fn(key, f.value()));
  }
  return Status::OK();
}

Status CommitParser::IsNull(od::value& v, std::string_view field, bool* is_null) const {
  if (auto err = v.is_null().get(*is_null)) return JsonFail(err, field);
  return Status::OK();
}

Status CommitParser::ReadStringView(od::value& v, std::string_view field,
                                    std::string_view* out) const {
  if (auto err = v.get_string().get(*out)) return ReadFail(err, v, field, "a string");
  return Status::OK();
}

Status CommitParser::ReadString(od::value& v, std::string_view field, std::string* out) const {
  std::string_view s;
  LW_RETURN_IF_ERROR(ReadStringView(v, field, &s));
  out->assign(s);
  return Status::OK();
}

Status CommitParser::ReadInt64(od::value& v, std::string_view field, int64_t* out) const {
  if (auto err = v.get_int64().get(*out)) return ReadFail(err, v, field, "an integer");
  return Status::OK();
}

Status CommitParser::ReadInt32(od::value& v, std::string_view field, int32_t* out) const {
  int64_t x;
  LW_RETURN_IF_ERROR(ReadInt64(v, field, &x));
  if (x < INT32_MIN || x > INT32_MAX) {
    return Fail(field, "is out of the 32-bit integer range (" + std::to_string(x) + ")");
  }
  *out = static_cast<int32_t>(x);
  return Status::OK();
}

Status CommitParser::ReadBool(od::value& v, std::string_view field, bool* out) const {
  if (auto err = v.get_bool().get(*out)) return ReadFail(err, v, field, "a boolean");
  return Status::OK();
}

Status CommitParser::ReadOptString(od::value& v, std::string_view field,
                                   std::optional<std::string>* out) {
  bool null;
  LW_RETURN_IF_ERROR(IsNull(v, field, &null));
  if (null) {
    out->reset();
    return Status::OK();
  }
  return ReadString(v, field, &out->emplace());
}

Status CommitParser::ReadOptText(od::value& v, std::string_view field, SharedText* out) {
  bool null;
  LW_RETURN_IF_ERROR(IsNull(v, field, &null));
  if (null) {
    *out = std::nullopt;
    return Status::OK();
  }
  std::string_view s;
  LW_RETURN_IF_ERROR(ReadStringView(v, field, &s));
  *out = SharedText(s);
  return Status::OK();
}

Status CommitParser::ReadOptInt64(od::value& v, std::string_view field,
                                  std::optional<int64_t>* out) {
  bool null;
  LW_RETURN_IF_ERROR(IsNull(v, field, &null));
  if (null) {
    out->reset();
    return Status::OK();
  }
  return ReadInt64(v, field, &out->emplace());
}

Status CommitParser::ReadOptBool(od::value& v, std::string_view field, std::optional<bool>* out) {
  bool null;
  LW_RETURN_IF_ERROR(IsNull(v, field, &null));
  if (null) {
    out->reset();
    return Status::OK();
  }
  return ReadBool(v, field, &out->emplace());
}

Status CommitParser::ReadStringMap(od::value& v, std::string_view field, StringMap* out) {
  out->clear();
  return ForEachEntry(v, field, [&](std::string_view key, od::value& value) -> Status {
    bool null;
    LW_RETURN_IF_ERROR(IsNull(value, field, &null));
    if (null) return Status::OK();
    std::string_view s;
    if (auto err = value.get_string().get(s)) {
      return ReadFail(err, value, std::string(field) + "." + std::string(key), "a string");
    }
    out->emplace_back(std::string(key), std::string(s));
    return Status::OK();
  });
}

Status CommitParser::ReadOptStringMap(od::value& v, std::string_view field,
                                      std::optional<StringMap>* out) {
  bool null;
  LW_RETURN_IF_ERROR(IsNull(v, field, &null));
  if (null) {
    out->reset();
    return Status::OK();
  }
  return ReadStringMap(v, field, &out->emplace());
}

Status CommitParser::ReadPartitionValues(od::value& v, std::string_view field,
                                         PartitionValues* out) {
  out->clear();
  return ForEachEntry(v, field, [&](std::string_view key, od::value& value) -> Status {
    bool null;
    LW_RETURN_IF_ERROR(IsNull(value, field, &null));
    if (null) {
      out->emplace_back(std::string(key), std::nullopt);
      return Status::OK();
    }
    std::string_view s;
    if (auto err = value.get_string().get(s)) {
      return ReadFail(err, value, std::string(field) + "." + std::string(key), "a string or null");
    }
    out->emplace_back(std::string(key), std::string(s));
    return Status::OK();
  });
}

Status CommitParser::ReadStringList(od::value& v, std::string_view field,
                                    std::vector<std::string>* out) {
  out->clear();
  od::array arr;
  if (auto err = v.get_array().get(arr)) return ReadFail(err, v, field, "an array");
  for (auto element_result : arr) {
    od::value element;
    // get() is &&-qualified.
    if (auto err = std::move(element_result).get(element)) {  // NOLINT(performance-move-const-arg)
      return JsonFail(err, field);
    }
    std::string_view s;
    if (auto err = element.get_string().get(s)) {
      return ReadFail(err, element, std::string(field) + "[" + std::to_string(out->size()) + "]",
                      "a string");
    }
    out->emplace_back(s);
  }
  return Status::OK();
}

Status CommitParser::ReadOptStringList(od::value& v, std::string_view field,
                                       std::optional<std::vector<std::string>>* out) {
  bool null;
  LW_RETURN_IF_ERROR(IsNull(v, field, &null));
  if (null) {
    out->reset();
    return Status::OK();
  }
  return ReadStringList(v, field, &out->emplace());
}

Status CommitParser::ReadDeletionVector(od::value& v, std::string_view field,
                                        std::optional<DeletionVectorDescriptor>* out) {
  bool null;
  LW_RETURN_IF_ERROR(IsNull(v, field, &null));
  if (null) {
    out->reset();
    return Status::OK();
  }
  DeletionVectorDescriptor dv;
  bool has_type = false, has_path = false, has_size = false, has_cardinality = false;
  const std::string prefix(field);
  LW_RETURN_IF_ERROR(
      ForEachField(v, field, [&](od::raw_json_string key, od::value& value) -> Status {
        if (key == "storageType") {
          has_type = true;
          return ReadString(value, prefix + ".storageType", &dv.storage_type);
        }
        if (key == "pathOrInlineDv") {
          has_path = true;
          return ReadString(value, prefix + ".pathOrInlineDv", &dv.path_or_inline_dv);
        }
        if (key == "offset") {
          bool offset_null;
          LW_RETURN_IF_ERROR(IsNull(value, field, &offset_null));
          if (offset_null) {
            dv.offset.reset();
            return Status::OK();
          }
          return ReadInt32(value, prefix + ".offset", &dv.offset.emplace());
        }
        if (key == "sizeInBytes") {
          has_size = true;
          return ReadInt32(value, prefix + ".sizeInBytes", &dv.size_in_bytes);
        }
        if (key == "cardinality") {
          has_cardinality = true;
          return ReadInt64(value, prefix + ".cardinality", &dv.cardinality);
        }
        ++out_->ignored_fields;
        return Status::OK();
      }));
  if (!has_type) return Fail(prefix + ".storageType", "is missing");
  if (!has_path) return Fail(prefix + ".pathOrInlineDv", "is missing");
  if (!has_size) return Fail(prefix + ".sizeInBytes", "is missing");
  if (!has_cardinality) return Fail(prefix + ".cardinality", "is missing");
  if (dv.storage_type != "u" && dv.storage_type != "i" && dv.storage_type != "p") {
    return Fail(prefix + ".storageType",
                "is \"" + dv.storage_type + "\"; the protocol allows \"u\", \"i\" or \"p\"");
  }
  *out = std::move(dv);
  return Status::OK();
}

Status CommitParser::ParseProtocol(od::value& v, Protocol* p) {
  bool has_reader = false, has_writer = false;
  LW_RETURN_IF_ERROR(ForEachField(v, "protocol", [&](od::raw_json_string key, od::value& value) {
    if (key == "minReaderVersion") {
      has_reader = true;
      return ReadInt32(value, "protocol.minReaderVersion", &p->min_reader_version);
    }
    if (key == "minWriterVersion") {
      has_writer = true;
      return ReadInt32(value, "protocol.minWriterVersion", &p->min_writer_version);
    }
    if (key == "readerFeatures") {
      return ReadOptStringList(value, "protocol.readerFeatures", &p->reader_features);
    }
    if (key == "writerFeatures") {
      return ReadOptStringList(value, "protocol.writerFeatures", &p->writer_features);
    }
    ++out_->ignored_fields;
    return Status::OK();
  }));
  if (!has_reader) return Fail("protocol.minReaderVersion", "is missing");
  if (!has_writer) return Fail("protocol.minWriterVersion", "is missing");
  return Status::OK();
}

Status CommitParser::ParseFormat(od::value& v, Metadata* m) {
  return ForEachField(v, "metaData.format", [&](od::raw_json_string key, od::value& value) {
    if (key == "provider")
      return ReadString(value, "metaData.format.provider", &m->format_provider);
    if (key == "options") {
      bool null;
      LW_RETURN_IF_ERROR(IsNull(value, "metaData.format.options", &null));
      if (null) {
        m->format_options.clear();
        return Status::OK();
      }
      return ReadStringMap(value, "metaData.format.options", &m->format_options);
    }
    ++out_->ignored_fields;
    return Status::OK();
  });
}

// Required by the protocol but tolerated when absent, as Delta itself does:
// format (defaults to parquet), schemaString (some golden tables lack it),
// partitionColumns and configuration (empty). `id` is required.
Status CommitParser::ParseMetadata(od::value& v, Metadata* m) {
  bool has_id = false;
  LW_RETURN_IF_ERROR(ForEachField(v, "metaData", [&](od::raw_json_string key, od::value& value) {
    if (key == "id") {
      has_id = true;
      return ReadString(value, "metaData.id", &m->id);
    }
    if (key == "name") return ReadOptString(value, "metaData.name", &m->name);
    if (key == "description") return ReadOptString(value, "metaData.description", &m->description);
    if (key == "format") return ParseFormat(value, m);
    if (key == "schemaString")
      return ReadOptString(value, "metaData.schemaString", &m->schema_string);
    if (key == "partitionColumns") {
      bool null;
      LW_RETURN_IF_ERROR(IsNull(value, "metaData.partitionColumns", &null));
      if (null) {
        m->partition_columns.clear();
        return Status::OK();
      }
      return ReadStringList(value, "metaData.partitionColumns", &m->partition_columns);
    }
    if (key == "configuration") {
      bool null;
      LW_RETURN_IF_ERROR(IsNull(value, "metaData.configuration", &null));
      if (null) {
        m->configuration.clear();
        return Status::OK();
      }
      return ReadStringMap(value, "metaData.configuration", &m->configuration);
    }
    if (key == "createdTime") return ReadOptInt64(value, "metaData.createdTime", &m->created_time);
    ++out_->ignored_fields;
    return Status::OK();
  }));
  if (!has_id) return Fail("metaData.id", "is missing");
  return Status::OK();
}

Status CommitParser::ParseAdd(od::value& v, AddFile* a) {
  bool has_path = false, has_values = false, has_size = false, has_mtime = false,
       has_data_change = false;
  LW_RETURN_IF_ERROR(ForEachField(v, "add", [&](od::raw_json_string key, od::value& value) {
    if (key == "path") {
      has_path = true;
      return ReadString(value, "add.path", &a->path);
    }
    if (key == "partitionValues") {
      has_values = true;
      return ReadPartitionValues(value, "add.partitionValues", &a->partition_values);
    }
    if (key == "size") {
      has_size = true;
      return ReadInt64(value, "add.size", &a->size);
    }
    if (key == "modificationTime") {
      has_mtime = true;
      return ReadInt64(value, "add.modificationTime", &a->modification_time);
    }
    if (key == "dataChange") {
      has_data_change = true;
      return ReadBool(value, "add.dataChange", &a->data_change);
    }
    if (key == "stats") return ReadOptText(value, "add.stats", &a->stats);
    if (key == "tags") return ReadOptStringMap(value, "add.tags", &a->tags);
    if (key == "deletionVector") {
      return ReadDeletionVector(value, "add.deletionVector", &a->deletion_vector);
    }
    if (key == "baseRowId") return ReadOptInt64(value, "add.baseRowId", &a->base_row_id);
    if (key == "defaultRowCommitVersion") {
      return ReadOptInt64(value, "add.defaultRowCommitVersion", &a->default_row_commit_version);
    }
    if (key == "clusteringProvider") {
      return ReadOptString(value, "add.clusteringProvider", &a->clustering_provider);
    }
    ++out_->ignored_fields;
    return Status::OK();
  }));
  if (!has_path) return Fail("add.path", "is missing");
  if (!has_values) return Fail("add.partitionValues", "is missing");
  if (!has_size) return Fail("add.size", "is missing");
  if (!has_mtime) return Fail("add.modificationTime", "is missing");
  if (!has_data_change) return Fail("add.dataChange", "is missing");
  return Status::OK();
}

Status CommitParser::ParseRemove(od::value& v, RemoveFile* r) {
  bool has_path = false, has_data_change = false;
  LW_RETURN_IF_ERROR(ForEachField(v, "remove", [&](od::raw_json_string key, od::value& value) {
    if (key == "path") {
      has_path = true;
      return ReadString(value, "remove.path", &r->path);
    }
    if (key == "deletionTimestamp") {
      return ReadOptInt64(value, "remove.deletionTimestamp", &r->deletion_timestamp);
    }
    if (key == "dataChange") {
      has_data_change = true;
      return ReadBool(value, "remove.dataChange", &r->data_change);
    }
    if (key == "extendedFileMetadata") {
      return ReadOptBool(value, "remove.extendedFileMetadata", &r->extended_file_metadata);
    }
    if (key == "partitionValues") {
      bool null;
      LW_RETURN_IF_ERROR(IsNull(value, "remove.partitionValues", &null));
      if (null) {
        r->partition_values.reset();
        return Status::OK();
      }
      return ReadPartitionValues(value, "remove.partitionValues", &r->partition_values.emplace());
    }
    if (key == "size") return ReadOptInt64(value, "remove.size", &r->size);
    if (key == "stats") return ReadOptString(value, "remove.stats", &r->stats);
    if (key == "tags") return ReadOptStringMap(value, "remove.tags", &r->tags);
    if (key == "deletionVector") {
      return ReadDeletionVector(value, "remove.deletionVector", &r->deletion_vector);
    }
    if (key == "baseRowId") return ReadOptInt64(value, "remove.baseRowId", &r->base_row_id);
    if (key == "defaultRowCommitVersion") {
      return ReadOptInt64(value, "remove.defaultRowCommitVersion", &r->default_row_commit_version);
    }
    ++out_->ignored_fields;
    return Status::OK();
  }));
  if (!has_path) return Fail("remove.path", "is missing");
  if (!has_data_change) return Fail("remove.dataChange", "is missing");
  return Status::OK();
}

Status CommitParser::ParseTxn(od::value& v, Txn* t) {
  bool has_app = false, has_version = false;
  LW_RETURN_IF_ERROR(ForEachField(v, "txn", [&](od::raw_json_string key, od::value& value) {
    if (key == "appId") {
      has_app = true;
      return ReadString(value, "txn.appId", &t->app_id);
    }
    if (key == "version") {
      has_version = true;
      return ReadInt64(value, "txn.version", &t->version);
    }
    if (key == "lastUpdated") return ReadOptInt64(value, "txn.lastUpdated", &t->last_updated);
    ++out_->ignored_fields;
    return Status::OK();
  }));
  if (!has_app) return Fail("txn.appId", "is missing");
  if (!has_version) return Fail("txn.version", "is missing");
  return Status::OK();
}

// commitInfo is free-form: its text is kept as written, and a second
// iteration over that text picks out the fields the reader uses.
Status CommitParser::ParseCommitInfo(od::value& v, CommitInfo* c) {
  od::object obj;
  if (auto err = v.get_object().get(obj)) return ReadFail(err, v, "commitInfo", "an object");
  std::string_view raw;
  if (auto err = obj.raw_json().get(raw)) return JsonFail(err, "commitInfo");
  raw = TrimRight(raw);
  c->json.assign(raw);

  od::document doc;
  const size_t capacity = static_cast<size_t>(buffer_end_ - raw.data());
  if (auto err = commit_info_parser_.iterate(raw.data(), raw.size(), capacity).get(doc)) {
    return JsonFail(err, "commitInfo");
  }
  od::value root;
  if (auto err = doc.get_value().get(root)) return JsonFail(err, "commitInfo");
  return ForEachField(root, "commitInfo", [&](od::raw_json_string key, od::value& value) {
    if (key == "timestamp") return ReadOptInt64(value, "commitInfo.timestamp", &c->timestamp);
    if (key == "inCommitTimestamp") {
      return ReadOptInt64(value, "commitInfo.inCommitTimestamp", &c->in_commit_timestamp);
    }
    if (key == "operation") return ReadOptString(value, "commitInfo.operation", &c->operation);
    return Status::OK();  // free-form: other fields are not "unknown"
  });
}

Status CommitParser::ParseActions(od::object& root) {
  for (auto field_result : root) {
    od::field f;
    if (auto err = std::move(field_result).get(f)) return JsonFail(err, "");
    const od::raw_json_string key = f.key();
    od::value& value = f.value();
    bool null;
    LW_RETURN_IF_ERROR(IsNull(value, "action", &null));
    if (null) {
      ++out_->ignored_actions;
      continue;
    }
    if (key == "add") {
      AddFile& a = out_->adds.emplace_back();
      LW_RETURN_IF_ERROR(ParseAdd(value, &a));
    } else if (key == "remove") {
      RemoveFile& r = out_->removes.emplace_back();
      LW_RETURN_IF_ERROR(ParseRemove(value, &r));
    } else if (key == "metaData") {
      if (out_->metadata) {
        return Fail("", "holds a second metaData action (the first is on line " +
                            std::to_string(metadata_line_) + ")");
      }
      metadata_line_ = line_no_;
      LW_RETURN_IF_ERROR(ParseMetadata(value, &out_->metadata.emplace()));
    } else if (key == "protocol") {
      if (out_->protocol) {
        return Fail("", "holds a second protocol action (the first is on line " +
                            std::to_string(protocol_line_) + ")");
      }
      protocol_line_ = line_no_;
      LW_RETURN_IF_ERROR(ParseProtocol(value, &out_->protocol.emplace()));
    } else if (key == "txn") {
      Txn& t = out_->txns.emplace_back();
      LW_RETURN_IF_ERROR(ParseTxn(value, &t));
    } else if (key == "commitInfo" && !out_->commit_info) {
      LW_RETURN_IF_ERROR(ParseCommitInfo(value, &out_->commit_info.emplace()));
    } else {
      // cdc, domainMetadata, checkpointMetadata, sidecar, a repeated
      // commitInfo, or an action from a newer protocol: skipped unread.
      ++out_->ignored_actions;
    }
  }
  return Status::OK();
}

Status CommitParser::ParseLine(const char* line, size_t len, size_t capacity, int64_t line_no) {
  line_no_ = line_no;
  buffer_end_ = line + capacity;
  od::document doc;
  if (auto err = parser_.iterate(line, len, capacity).get(doc)) return JsonFail(err, "");
  od::object root;
  if (auto err = doc.get_object().get(root)) {
    if (err == simdjson::INCORRECT_TYPE) return Fail("", "is not a JSON object");
    return JsonFail(err, "");
  }
  LW_RETURN_IF_ERROR(ParseActions(root));
  // One object per line (PROTOCOL.md): anything after it, even a second
  // object, makes the line malformed rather than silently half-read.
  if (const char* rest; !doc.current_location().get(rest)) {
    return Fail(
        "", "has content after its JSON object (at byte " + std::to_string(rest - line + 1) + ")");
  }
  return Status::OK();
}

// -- writing

void AppendInt(int64_t v, std::string* out) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, static_cast<size_t>(res.ptr - buf));
}

void AppendKey(std::string_view key, std::string* out) {
  out->push_back('"');
  out->append(key);  // our own camelCase names: nothing to escape
  out->append("\":");
}

void AppendStringMap(const StringMap& m, std::string* out) {
  out->push_back('{');
  bool first = true;
  for (const auto& [k, v] : m) {
    if (!first) out->push_back(',');
    first = false;
    AppendJsonString(k, out);
    out->push_back(':');
    AppendJsonString(v, out);
  }
  out->push_back('}');
}

void AppendPartitionValues(const PartitionValues& m, std::string* out) {
  out->push_back('{');
  bool first = true;
  for (const auto& [k, v] : m) {
    if (!first) out->push_back(',');
    first = false;
    AppendJsonString(k, out);
    out->push_back(':');
    if (v) {
      AppendJsonString(*v, out);
    } else {
      out->append("null");
    }
  }
  out->push_back('}');
}

void AppendStringList(const std::vector<std::string>& list, std::string* out) {
  out->push_back('[');
  for (size_t i = 0; i < list.size(); ++i) {
    if (i) out->push_back(',');
    AppendJsonString(list[i], out);
  }
  out->push_back(']');
}

void AppendDeletionVector(const DeletionVectorDescriptor& dv, std::string* out) {
  out->push_back('{');
  AppendKey("storageType", out);
  AppendJsonString(dv.storage_type, out);
  out->push_back(',');
  AppendKey("pathOrInlineDv", out);
  AppendJsonString(dv.path_or_inline_dv, out);
  if (dv.offset) {
    out->push_back(',');
    AppendKey("offset", out);
    AppendInt(*dv.offset, out);
  }
  out->push_back(',');
  AppendKey("sizeInBytes", out);
  AppendInt(dv.size_in_bytes, out);
  out->push_back(',');
  AppendKey("cardinality", out);
  AppendInt(dv.cardinality, out);
  out->push_back('}');
}

void AppendBoolField(std::string_view key, bool v, std::string* out) {
  out->push_back(',');
  AppendKey(key, out);
  out->append(v ? "true" : "false");
}

void AppendIntField(std::string_view key, int64_t v, std::string* out) {
  out->push_back(',');
  AppendKey(key, out);
  AppendInt(v, out);
}

void AppendStringField(std::string_view key, std::string_view v, std::string* out) {
  out->push_back(',');
  AppendKey(key, out);
  AppendJsonString(v, out);
}

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int HexValue(char c) {
  if (c <= '9') return c - '0';
  if (c >= 'a') return c - 'a' + 10;
  return c - 'A' + 10;
}

// Characters a Spark-written path keeps unescaped (java.net.URI's legal path
// characters minus ':').
bool KeptInPath(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '-':
    case '.':
    case '_':
    case '~':
    case '!':
    case '*':
    case '\'':
    case '(':
    case ')':
    case ',':
    case ';':
    case '$':
    case '&':
    case '+':
    case '=':
    case '@':
    case '/':
      return true;
    default:
      return false;
  }
}

}  // namespace

SharedText::SharedText(std::string_view text) {
  // One block for the reference count and the characters.
  std::shared_ptr<char[]> block = std::make_shared_for_overwrite<char[]>(std::max<size_t>(text.size(), 1));
  if (!text.empty()) std::memcpy(block.get(), text.data(), text.size());
  text_ = std::string_view(block.get(), text.size());
  owner_ = std::move(block);
}

std::optional<std::string> Metadata::Config(std::string_view key) const {
  for (const auto& [k, v] : configuration) {
    if (k == key) return v;
  }
  return std::nullopt;
}

std::string DeletionVectorDescriptor::UniqueId() const {
  std::string id = storage_type + path_or_inline_dv;
  if (offset) {
    id.push_back('@');
    id += std::to_string(*offset);
  }
  return id;
}

Result<ActionSet> ParseCommit(std::string_view content, int64_t version) {
  ActionSet out;
  size_t line_count = 0;
  for (const char *p = content.data(), *end = p + content.size();
       (p = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)))); ++p) {
    ++line_count;
  }
  out.adds.reserve(line_count + 1);  // most lines of a big commit are adds

  // Lines are parsed in place: simdjson may read SIMDJSON_PADDING bytes past
  // a line's end (what they hold does not matter), and the following lines
  // provide them. Only lines that close to the end of `content` are read
  // from a padded copy of the file's tail.
  constexpr size_t kPad = simdjson::SIMDJSON_PADDING;
  const char* base = content.data();
  const size_t size = content.size();
  CommitParser parser(version, &out);
  std::string tail;
  size_t tail_start = 0;
  size_t pos = 0;
  int64_t line_no = 0;
  while (pos < size) {
    const void* nl = std::memchr(base + pos, '\n', size - pos);
    const size_t end = nl ? static_cast<size_t>(static_cast<const char*>(nl) - base) : size;
    ++line_no;
    size_t len = end - pos;
    if (!IsBlank(base + pos, len)) {
      if (base[pos + len - 1] == '\r') --len;
      if (pos + len + kPad <= size) {
        LW_RETURN_IF_ERROR(parser.ParseLine(base + pos, len, size - pos, line_no));
      } else {
        if (tail.empty()) {
          tail_start = pos;
          tail.assign(base + pos, size - pos);
          tail.append(kPad, ' ');
        }
        const size_t offset = pos - tail_start;
        LW_RETURN_IF_ERROR(
            parser.ParseLine(tail.data() + offset, len, tail.size() - offset, line_no));
      }
    }
    pos = end + 1;
  }
  // A commit of mostly other actions keeps no large unused reservation.
  if (out.adds.capacity() > 2 * out.adds.size() + 16) out.adds.shrink_to_fit();
  return out;
}

std::string ToJson(const Protocol& p) {
  std::string out = "{\"protocol\":{";
  AppendKey("minReaderVersion", &out);
  AppendInt(p.min_reader_version, &out);
  AppendIntField("minWriterVersion", p.min_writer_version, &out);
  if (p.reader_features) {
    out.push_back(',');
    AppendKey("readerFeatures", &out);
    AppendStringList(*p.reader_features, &out);
  }
  if (p.writer_features) {
    out.push_back(',');
    AppendKey("writerFeatures", &out);
    AppendStringList(*p.writer_features, &out);
  }
  out.append("}}");
  return out;
}

std::string ToJson(const Metadata& m) {
  std::string out = "{\"metaData\":{";
  AppendKey("id", &out);
  AppendJsonString(m.id, &out);
  if (m.name) AppendStringField("name", *m.name, &out);
  if (m.description) AppendStringField("description", *m.description, &out);
  out.push_back(',');
  AppendKey("format", &out);
  out.push_back('{');
  AppendKey("provider", &out);
  AppendJsonString(m.format_provider, &out);
  out.push_back(',');
  AppendKey("options", &out);
  AppendStringMap(m.format_options, &out);
  out.push_back('}');
  if (m.schema_string) AppendStringField("schemaString", *m.schema_string, &out);
  out.push_back(',');
  AppendKey("partitionColumns", &out);
  AppendStringList(m.partition_columns, &out);
  out.push_back(',');
  AppendKey("configuration", &out);
  AppendStringMap(m.configuration, &out);
  if (m.created_time) AppendIntField("createdTime", *m.created_time, &out);
  out.append("}}");
  return out;
}

std::string ToJson(const AddFile& a) {
  std::string out;
  out.reserve(160 + a.path.size() + (a.stats ? a.stats->size() + a.stats->size() / 4 : 0));
  out.append("{\"add\":{");
  AppendKey("path", &out);
  AppendJsonString(a.path, &out);
  out.push_back(',');
  AppendKey("partitionValues", &out);
  AppendPartitionValues(a.partition_values, &out);
  AppendIntField("size", a.size, &out);
  AppendIntField("modificationTime", a.modification_time, &out);
  AppendBoolField("dataChange", a.data_change, &out);
  if (a.stats) AppendStringField("stats", *a.stats, &out);
  if (a.tags) {
    out.push_back(',');
    AppendKey("tags", &out);
    AppendStringMap(*a.tags, &out);
  }
  if (a.deletion_vector) {
    out.push_back(',');
    AppendKey("deletionVector", &out);
    AppendDeletionVector(*a.deletion_vector, &out);
  }
  if (a.base_row_id) AppendIntField("baseRowId", *a.base_row_id, &out);
  if (a.default_row_commit_version) {
    AppendIntField("defaultRowCommitVersion", *a.default_row_commit_version, &out);
  }
  if (a.clustering_provider) AppendStringField("clusteringProvider", *a.clustering_provider, &out);
  out.append("}}");
  return out;
}

std::string ToJson(const RemoveFile& r) {
  std::string out = "{\"remove\":{";
  AppendKey("path", &out);
  AppendJsonString(r.path, &out);
  if (r.deletion_timestamp) AppendIntField("deletionTimestamp", *r.deletion_timestamp, &out);
  AppendBoolField("dataChange", r.data_change, &out);
  if (r.extended_file_metadata) {
    AppendBoolField("extendedFileMetadata", *r.extended_file_metadata, &out);
  }
  if (r.partition_values) {
    out.push_back(',');
    AppendKey("partitionValues", &out);
    AppendPartitionValues(*r.partition_values, &out);
  }
  if (r.size) AppendIntField("size", *r.size, &out);
  if (r.stats) AppendStringField("stats", *r.stats, &out);
  if (r.tags) {
    out.push_back(',');
    AppendKey("tags", &out);
    AppendStringMap(*r.tags, &out);
  }
  if (r.deletion_vector) {
    out.push_back(',');
    AppendKey("deletionVector", &out);
    AppendDeletionVector(*r.deletion_vector, &out);
  }
  if (r.base_row_id) AppendIntField("baseRowId", *r.base_row_id, &out);
  if (r.default_row_commit_version) {
    AppendIntField("defaultRowCommitVersion", *r.default_row_commit_version, &out);
  }
  out.append("}}");
  return out;
}

std::string ToJson(const Txn& t) {
  std::string out = "{\"txn\":{";
  AppendKey("appId", &out);
  AppendJsonString(t.app_id, &out);
  AppendIntField("version", t.version, &out);
  if (t.last_updated) AppendIntField("lastUpdated", *t.last_updated, &out);
  out.append("}}");
  return out;
}

std::string ToJson(const CommitInfo& c) {
  std::string out = "{\"commitInfo\":";
  out.append(c.json.empty() ? "{}" : c.json);
  out.push_back('}');
  return out;
}

std::string CommitInfoJson(int64_t timestamp_ms, std::string_view operation,
                           const StringMap& operation_parameters, bool is_blind_append,
                           std::string_view engine_info) {
  std::string out = "{\"commitInfo\":{";
  AppendKey("timestamp", &out);
  AppendInt(timestamp_ms, &out);
  AppendStringField("operation", operation, &out);
  out.push_back(',');
  AppendKey("operationParameters", &out);
  AppendStringMap(operation_parameters, &out);
  AppendStringField("engineInfo", engine_info, &out);
  AppendBoolField("isBlindAppend", is_blind_append, &out);
  out.append("}}");
  return out;
}

Result<std::string> DecodePath(std::string_view uri_path) {
  const size_t first = uri_path.find('%');
  if (first == std::string_view::npos) return std::string(uri_path);
  std::string out(uri_path.substr(0, first));
  out.reserve(uri_path.size());
  for (size_t i = first; i < uri_path.size(); ++i) {
    const char c = uri_path[i];
    if (c != '%') {
      out.push_back(c);
      continue;
    }
    if (i + 2 >= uri_path.size() || !IsHex(uri_path[i + 1]) || !IsHex(uri_path[i + 2])) {
      return Status::Corrupt("path \"" + std::string(uri_path) + "\": bad percent escape at byte " +
                             std::to_string(i) + " (expected '%' and two hex digits)");
    }
    out.push_back(static_cast<char>(HexValue(uri_path[i + 1]) * 16 + HexValue(uri_path[i + 2])));
    i += 2;
  }
  return out;
}

std::string EncodePath(std::string_view path) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(path.size() + path.size() / 8);
  for (const char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    if (KeptInPath(c)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

int64_t IntervalMs(const std::optional<std::string>& text, int64_t dflt) {
  if (!text.has_value()) return dflt;
  std::string s = *text;
  for (auto& c : s) c = static_cast<char>(std::tolower(c));
  size_t i = s.find_first_of("0123456789");
  if (i == std::string::npos) return dflt;
  size_t j = i;
  while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
  int64_t n = 0;
  auto [end, ec] = std::from_chars(s.data() + i, s.data() + j, n);
  if (ec != std::errc() || end != s.data() + j || n > 100LL * 365 * 86400) return dflt;
  std::string unit = s.substr(j);
  int64_t ms = 0;
  if (unit.find("week") != std::string::npos) ms = n * 7 * 86400000LL;
  else if (unit.find("day") != std::string::npos) ms = n * 86400000LL;
  else if (unit.find("hour") != std::string::npos) ms = n * 3600000LL;
  else if (unit.find("minute") != std::string::npos) ms = n * 60000LL;
  else if (unit.find("second") != std::string::npos) ms = n * 1000LL;
  else return dflt;
  return ms;
}


}  // namespace lakewatch::delta
