#include "tests/sql/table_loader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "common/column.h"
#include "common/time.h"
#include "delta/table.h"
#include "ingest/ingester.h"
#include "parquet/file_writer.h"
#include "sql/parser/parser.h"
#include "tests/sql/json_value.h"

namespace lakewatch::sqltest {

namespace {

using Kind = JsonValue::Kind;

Status Mismatch(const JsonValue& v, const DataType& type) {
  static const char* kKinds[] = {"null",     "a boolean", "a number",
                                 "a string", "an array",  "an object"};
  return Status::InvalidArgument(std::string(kKinds[static_cast<int>(v.kind)]) + " does not fit " +
                                 type.ToString());
}

bool ParseInt(std::string_view s, int64_t* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

// "[-]digits[.digits]" exactly, as the unscaled value at `scale`.
bool ParseDecimal(std::string_view s, int scale, __int128* out) {
  bool negative = !s.empty() && s[0] == '-';
  if (negative) s.remove_prefix(1);
  size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  if (whole.empty() || static_cast<int>(frac.size()) > scale) return false;
  __int128 v = 0;
  for (std::string_view part : {whole, frac}) {
    for (char c : part) {
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
  }
  for (int i = static_cast<int>(frac.size()); i < scale; ++i) v *= 10;
  *out = negative ? -v : v;
  return true;
}

bool ParseFixed(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

bool ParseDate(std::string_view s, int64_t* days) {
  int y, m, d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !ParseFixed(s, 0, 4, &y) ||
      !ParseFixed(s, 5, 2, &m) || !ParseFixed(s, 8, 2, &d) || m < 1 || m > 12 || d < 1 || d > 31) {
    return false;
  }
  *days = DaysFromCivil(y, m, d);
  return true;
}

// "YYYY-MM-DD[ T]HH:MM:SS[.f{1,6}][Z|±HH:MM]" as UTC microseconds.
bool ParseTimestamp(std::string_view s, int64_t* micros) {
  int64_t days;
  int h, mi, sec;
  if (s.size() < 19 || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':' ||
      !ParseDate(s.substr(0, 10), &days) || !ParseFixed(s, 11, 2, &h) ||
      !ParseFixed(s, 14, 2, &mi) || !ParseFixed(s, 17, 2, &sec)) {
    return false;
  }
  int64_t frac = 0;
  size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    int digits = 0;
    for (++pos; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos, ++digits) {
      if (digits >= 6) return false;
      frac = frac * 10 + (s[pos] - '0');
    }
    for (; digits < 6; ++digits) frac *= 10;
  }
  int64_t offset_seconds = 0;
  if (pos < s.size() && s[pos] == 'Z') {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (pos + 6 != s.size() || s[pos + 3] != ':' || !ParseFixed(s, pos + 1, 2, &oh) ||
        !ParseFixed(s, pos + 4, 2, &om)) {
      return false;
    }
    offset_seconds = (s[pos] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    pos += 6;
  }
  if (pos != s.size()) return false;
  *micros = ((days * 86400 + h * 3600 + mi * 60 + sec) - offset_seconds) * 1000000 + frac;
  return true;
}

Status AppendJson(Column* col, const JsonValue& v);

template <typename T>
Status AppendInteger(Column* col, const JsonValue& v) {
  int64_t x;
  if (v.kind != Kind::kNumber || !ParseInt(v.text, &x)) return Mismatch(v, *col->type);
  col->Append<T>(static_cast<T>(x));
  return Status::OK();
}

template <typename T>
Status AppendFloat(Column* col, const JsonValue& v) {
  double x;
  if (v.kind == Kind::kNumber) {
    x = std::strtod(v.text.c_str(), nullptr);
  } else if (v.kind == Kind::kString &&
             (v.text == "NaN" || v.text == "Infinity" || v.text == "-Infinity")) {
    x = v.text == "NaN" ? std::nan("") : (v.text[0] == '-' ? -HUGE_VAL : HUGE_VAL);
  } else {
    return Mismatch(v, *col->type);
  }
  col->Append<T>(static_cast<T>(x));
  return Status::OK();
}

Status AppendNested(Column* col, const JsonValue& v) {
  const DataType& type = *col->type;
  if (type.id() == TypeId::kList) {
    if (v.kind != Kind::kArray) return Mismatch(v, type);
    for (const JsonValue& e : v.elements) LW_RETURN_IF_ERROR(AppendJson(col->children[0].get(), e));
    col->FinishListRow();
    return Status::OK();
  }
  if (v.kind != Kind::kObject) return Mismatch(v, type);
  if (type.id() == TypeId::kMap) {
    const bool numeric_keys = type.field(0).type->id() != TypeId::kString;
    for (const auto& [name, value] : v.fields) {
      JsonValue key;
      key.kind = numeric_keys ? Kind::kNumber : Kind::kString;
      key.text = name;
      LW_RETURN_IF_ERROR(AppendJson(col->children[0].get(), key));
      LW_RETURN_IF_ERROR(AppendJson(col->children[1].get(), value));
    }
    col->FinishListRow();
    return Status::OK();
  }
  for (const auto& [name, value] : v.fields) {
    if (type.FieldIndex(name) < 0)
      return Status::InvalidArgument("no field '" + name + "' in " + type.ToString());
  }
  static const JsonValue kNull;
  for (size_t i = 0; i < type.num_fields(); ++i) {
    const JsonValue* f = v.Find(type.field(i).name);
    LW_RETURN_IF_ERROR(AppendJson(col->children[i].get(), f != nullptr ? *f : kNull));
  }
  col->FinishStructRow();
  return Status::OK();
}

Status AppendJson(Column* col, const JsonValue& v) {
  if (v.kind == Kind::kNull) {
    col->AppendNull();
    return Status::OK();
  }
  const DataType& type = *col->type;
  int64_t x = 0;
  switch (type.id()) {
    case TypeId::kBoolean:
      if (v.kind != Kind::kBool) return Mismatch(v, type);
      col->Append<uint8_t>(v.boolean ? 1 : 0);
      return Status::OK();
    case TypeId::kInt8:
      return AppendInteger<int8_t>(col, v);
    case TypeId::kInt16:
      return AppendInteger<int16_t>(col, v);
    case TypeId::kInt32:
      return AppendInteger<int32_t>(col, v);
    case TypeId::kInt64:
      return AppendInteger<int64_t>(col, v);
    case TypeId::kFloat:
      return AppendFloat<float>(col, v);
    case TypeId::kDouble:
      return AppendFloat<double>(col, v);
    case TypeId::kDecimal: {
      __int128 d;
      if ((v.kind != Kind::kNumber && v.kind != Kind::kString) ||
          !ParseDecimal(v.text, type.scale(), &d)) {
        return Status::InvalidArgument("'" + v.text + "' is not a " + type.ToString());
      }
      col->Append<__int128>(d);
      return Status::OK();
    }
    case TypeId::kDate:
      if (v.kind != Kind::kString || !ParseDate(v.text, &x)) return Mismatch(v, type);
      col->Append<int32_t>(static_cast<int32_t>(x));
      return Status::OK();
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
      if (v.kind != Kind::kString || !ParseTimestamp(v.text, &x)) {
        return Status::InvalidArgument("'" + v.text +
                                       "' is not a timestamp (YYYY-MM-DD HH:MM:SS[.ffffff][Z])");
      }
      col->Append<int64_t>(x);
      return Status::OK();
    case TypeId::kString:
    case TypeId::kBinary:
      if (v.kind != Kind::kString) return Mismatch(v, type);
      col->AppendString(v.text);
      return Status::OK();
    case TypeId::kList:
    case TypeId::kMap:
    case TypeId::kStruct:
      return AppendNested(col, v);
    default:
      return Status::NotSupported("load: type " + type.ToString() + " is not supported");
  }
}

// The Delta partition value text of a JSON value (nullopt for null).
std::optional<std::string> PartitionText(const JsonValue* v) {
  if (v == nullptr || v->kind == Kind::kNull) return std::nullopt;
  if (v->kind == Kind::kBool) return v->boolean ? "true" : "false";
  return v->text;
}

// Sets the commit's time: the reader takes it from the log file's mtime.
Status SetCommitTime(const std::string& table_path, int64_t version, int64_t ms) {
  char name[32];
  std::snprintf(name, sizeof(name), "%020lld.json", static_cast<long long>(version));
  const std::string path = table_path + "/_delta_log/" + name;
  struct timespec times[2];
  times[0].tv_sec = times[1].tv_sec = ms / 1000;
  times[0].tv_nsec = times[1].tv_nsec = (ms % 1000) * 1000000;
  if (::utimensat(AT_FDCWD, path.c_str(), times, 0) != 0)
    return Status::IOError(path + ": cannot set its mtime");
  return Status::OK();
}

Result<int64_t> Finish(const LoadRequest& request, int64_t version) {
  if (request.commit_time.empty()) return version;
  int64_t micros;
  if (!ParseTimestamp(request.commit_time, &micros)) {
    return Status::InvalidArgument("commit time '" + request.commit_time + "' is not a timestamp");
  }
  LW_RETURN_IF_ERROR(SetCommitTime(request.table_path, version, FloorDiv(micros, 1000)));
  return version;
}

}  // namespace

Result<Schema> ParseSchemaText(std::string_view text) {
  Schema schema;
  size_t begin = 0;
  int depth = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && (text[i] == '<' || text[i] == '(')) ++depth;
    if (i < text.size() && (text[i] == '>' || text[i] == ')')) --depth;
    if (i < text.size() && (text[i] != ',' || depth > 0)) continue;
    std::string_view item = text.substr(begin, i - begin);
    begin = i + 1;
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    size_t space = item.find(' ');
    if (space == std::string_view::npos) {
      return Status::InvalidArgument("schema: expected 'name type', found '" + std::string(item) +
                                     "'");
    }
    auto type = sql::ParseTypeName(item.substr(space + 1));
    if (!type.ok())
      return type.status().WithContext("schema: column " + std::string(item.substr(0, space)));
    schema.fields.push_back({std::string(item.substr(0, space)), *type, true, ""});
  }
  return schema;
}

Result<int64_t> WriteRows(const LoadRequest& request) {
  const delta::DeltaTable table(request.table_path);
  const bool exists = std::filesystem::exists(request.table_path + "/_delta_log");
  Schema schema;
  std::vector<std::string> partition_by = request.partition_by;
  if (exists) {
    LW_ASSIGN_OR_RETURN(auto snapshot, table.Load());
    schema = request.schema.value_or(snapshot->schema());
    partition_by = snapshot->metadata().partition_columns;
  } else if (request.schema.has_value()) {
    schema = *request.schema;
  } else {
    return Status::InvalidArgument("a new table needs a 'schema:' line");
  }

  // One batch per distinct tuple of partition values.
  std::map<delta::PartitionValues, RecordBatch> groups;
  for (size_t r = 0; r < request.rows.size(); ++r) {
    auto row = ParseJson(request.rows[r]);
    const std::string where = "row " + std::to_string(r);
    if (!row.ok()) return row.status().WithContext(where);
    if (row->kind != Kind::kObject)
      return Status::InvalidArgument(where + ": expected a JSON object");
    for (const auto& [name, value] : row->fields) {
      if (schema.FieldIndex(name) < 0)
        return Status::InvalidArgument(where + ": no column '" + name + "'");
    }
    delta::PartitionValues pv;
    for (const std::string& c : partition_by) pv.emplace_back(c, PartitionText(row->Find(c)));
    auto [it, fresh] = groups.try_emplace(pv);
    RecordBatch& batch = it->second;
    if (fresh) {
      batch.schema = schema;
      for (const Field& f : schema.fields) batch.columns.push_back(Column::Make(f.type));
    }
    static const JsonValue kNull;
    for (size_t c = 0; c < schema.fields.size(); ++c) {
      const JsonValue* v = row->Find(schema.fields[c].name);
      Status st = AppendJson(batch.columns[c].get(), v != nullptr ? *v : kNull);
      if (!st.ok()) return st.WithContext(where + ", column " + schema.fields[c].name);
    }
    ++batch.num_rows;
  }
  if (groups.empty()) {  // an empty table (version 0: metadata only)
    if (exists) return Status::InvalidArgument("no rows to append");
    delta::CreateOptions create;
    create.partition_columns = partition_by;
    LW_ASSIGN_OR_RETURN(delta::CommitResult created, table.Create(schema, create));
    return Finish(request, created.version);
  }

  std::vector<delta::DataFile> files;
  for (auto& [pv, batch] : groups) {
    delta::DataFile f;
    f.name = delta::NewDataFileName(pv, ".zstd.parquet");
    f.partition_values = pv;
    f.schema = schema;
    f.source = request.table_path + "/" + f.name;
    std::filesystem::create_directories(std::filesystem::path(f.source).parent_path());
    LW_ASSIGN_OR_RETURN(auto writer, parquet::ParquetFileWriter::Open(f.source, schema));
    LW_RETURN_IF_ERROR(writer->WriteBatch(batch));
    LW_RETURN_IF_ERROR(writer->Close());
    f.size = writer->bytes_written();
    files.push_back(std::move(f));
  }
  delta::CommitFilesOptions options;
  if (!exists) {
    options.create.emplace();
    options.create->partition_columns = partition_by;
  }
  LW_ASSIGN_OR_RETURN(delta::CommitResult commit, table.CommitDataFiles(files, options));
  return Finish(request, commit.version);
}

Result<int64_t> IngestRows(const LoadRequest& request) {
  const std::string input = request.table_path + ".load.jsonl";
  {
    std::FILE* f = std::fopen(input.c_str(), "w");
    if (f == nullptr) return Status::IOError(input + ": cannot create");
    for (const std::string& row : request.rows) std::fprintf(f, "%s\n", row.c_str());
    std::fclose(f);
  }
  ingest::IngestOptions options;
  options.table_path = request.table_path;
  options.format = "jsonl";
  auto summary = ingest::Ingest({input}, options);
  std::filesystem::remove(input);
  if (!summary.ok()) return summary.status();
  if (summary->quarantined > 0) {
    return Status::InvalidArgument(std::to_string(summary->quarantined) + " row(s) quarantined");
  }
  if (!summary->version.has_value()) return Status::InvalidArgument("ingest committed nothing");
  return Finish(request, *summary->version);
}

}  // namespace lakewatch::sqltest
