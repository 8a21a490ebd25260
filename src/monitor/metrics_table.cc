#include "monitor/metrics_table.h"

#include <sys/stat.h>

#include <cmath>
#include <filesystem>
#include <unordered_map>

#include "common/column.h"
#include "monitor/frame.h"
#include "sql/engine.h"
#include "delta/log_store.h"
#include "delta/table.h"
#include "parquet/file_writer.h"

namespace lakewatch::monitor {

Schema MetricsSchema() {
  Schema s;
  auto add = [&](const char* name, TypePtr type, bool nullable) { s.fields.push_back(Field{name, type, nullable, ""}); };
  add("model", DataType::String(), false);
  add("version", DataType::String(), false);
  add("window_start", DataType::Timestamp(), true);
  add("window_end", DataType::Timestamp(), true);
  add("granularity", DataType::String(), false);
  add("slice", DataType::String(), false);
  add("column", DataType::String(), false);
  add("metric", DataType::String(), false);
  add("value", DataType::Double(), true);
  add("threshold", DataType::Double(), true);
  add("alarm", DataType::Boolean(), true);
  add("baseline", DataType::String(), true);
  add("n", DataType::Int64(), false);
  add("source_version", DataType::Int64(), false);
  add("computed_at", DataType::Timestamp(), false);
  return s;
}

namespace {

// A window bound: null for models without a time axis.
void AppendTime(Column* col, int64_t v) {
  if (v == kNoTime) {
    col->AppendNull();
  } else {
    col->Append<int64_t>(v);
  }
}

RecordBatch ToBatch(const std::vector<MetricRow>& rows) {
  RecordBatch b = RecordBatch::Empty(MetricsSchema());
  b.num_rows = static_cast<int64_t>(rows.size());
  for (const ColumnPtr& c : b.columns) c->Reserve(b.num_rows);
  auto& c = b.columns;
  for (const MetricRow& r : rows) {
    c[0]->AppendString(r.model);
    c[1]->AppendString(r.version);
    AppendTime(c[2].get(), r.window_start);
    AppendTime(c[3].get(), r.window_end);
    c[4]->AppendString(r.granularity);
    c[5]->AppendString(r.slice);
    c[6]->AppendString(r.column);
    c[7]->AppendString(r.metric);
    if (std::isfinite(r.value)) {
      c[8]->Append<double>(r.value);
    } else {
      c[8]->AppendNull();  // undefined figures (0/0) are null, never NaN
    }
    if (r.threshold.has_value()) {
      c[9]->Append<double>(*r.threshold);
    } else {
      c[9]->AppendNull();
    }
    if (r.alarm.has_value()) {
      c[10]->Append<uint8_t>(*r.alarm ? 1 : 0);
    } else {
      c[10]->AppendNull();
    }
    c[11]->AppendString(r.baseline);
    c[12]->Append<int64_t>(r.n);
    c[13]->Append<int64_t>(r.source_version);
    c[14]->Append<int64_t>(r.computed_at);
  }
  return b;
}

}  // namespace

namespace {

// Writes `batch` as one Parquet file into the table at `table_path` (created
// on first use, named `name`) and commits it; returns the version written.
Result<int64_t> AppendBatch(const std::string& table_path, const RecordBatch& batch, const char* name,
                            const char* description) {
  std::error_code ec;
  std::filesystem::create_directories(table_path, ec);
  if (ec) return Status::IOError("cannot create '" + table_path + "': " + ec.message());
  delta::DataFile file;
  file.name = delta::NewDataFileName({}, ".zstd.parquet");
  file.schema = batch.schema;
  const std::string path = table_path + "/" + file.name;
  file.source = path;
  parquet::WriterOptions wo;
  LW_ASSIGN_OR_RETURN(std::unique_ptr<parquet::ParquetFileWriter> w,
                      parquet::ParquetFileWriter::Open(path, batch.schema, wo));
  LW_RETURN_IF_ERROR(w->WriteBatch(batch));
  LW_RETURN_IF_ERROR(w->Close(/*sync=*/true));
  LW_RETURN_IF_ERROR(delta::SyncDir(table_path));
  struct stat sb;
  if (::stat(path.c_str(), &sb) != 0) return Status::IOError("cannot stat '" + path + "'");
  file.size = static_cast<int64_t>(sb.st_size);
  delta::DeltaTable table(table_path);
  delta::CommitFilesOptions co;
  delta::CreateOptions create;
  create.name = name;
  create.description = description;
  co.create = create;
  bool in_doubt = false;
  auto r = table.CommitDataFiles({file}, co, &in_doubt);
  if (!r.ok()) {
    if (!in_doubt) std::filesystem::remove(path, ec);
    return r.status();
  }
  return r->version;
}

}  // namespace

Result<int64_t> AppendMetrics(const std::string& table_path, const std::vector<MetricRow>& rows) {
  if (rows.empty()) return int64_t{-1};
  return AppendBatch(table_path, ToBatch(rows), kMetricsTable, "lakewatch monitor results (docs/monitoring.md)");
}

Schema SketchesSchema() {
  Schema s;
  auto add = [&](const char* name, TypePtr type, bool nullable) { s.fields.push_back(Field{name, type, nullable, ""}); };
  add("model", DataType::String(), false);
  add("version", DataType::String(), false);
  add("window_start", DataType::Timestamp(), true);
  add("window_end", DataType::Timestamp(), true);
  add("granularity", DataType::String(), false);
  add("column", DataType::String(), false);
  add("summary", DataType::Binary(), false);
  add("n", DataType::Int64(), false);
  add("source_version", DataType::Int64(), false);
  add("computed_at", DataType::Timestamp(), false);
  return s;
}

Result<int64_t> AppendSketches(const std::string& table_path, const std::vector<SketchRow>& rows) {
  if (rows.empty()) return int64_t{-1};
  RecordBatch b = RecordBatch::Empty(SketchesSchema());
  b.num_rows = static_cast<int64_t>(rows.size());
  auto& c = b.columns;
  for (const SketchRow& r : rows) {
    c[0]->AppendString(r.model);
    c[1]->AppendString(r.version);
    AppendTime(c[2].get(), r.window_start);
    AppendTime(c[3].get(), r.window_end);
    c[4]->AppendString(r.granularity);
    c[5]->AppendString(r.column);
    c[6]->AppendString(r.summary);
    c[7]->Append<int64_t>(r.n);
    c[8]->Append<int64_t>(r.source_version);
    c[9]->Append<int64_t>(r.computed_at);
  }
  return AppendBatch(table_path, b, kSketchesTable, "lakewatch per-window feature summaries (docs/sketches.md)");
}

Result<std::vector<MetricRow>> ReadLatestMetrics(const std::string& data_dir, const std::string& model,
                                                 const std::string& where) {
  std::vector<MetricRow> out;
  auto version = TableVersion(data_dir, kMetricsTable);
  if (!version.ok()) {
    if (version.status().code() == StatusCode::kNotFound) return out;
    return version.status();
  }
  std::string conditions;
  if (!model.empty()) conditions = "model = " + SqlString(model);
  if (!where.empty()) conditions += (conditions.empty() ? "(" : " AND (") + where + ")";
  const std::string q =
      "SELECT model, version, window_start, window_end, granularity, slice, `column`, metric, value, threshold, "
      "alarm, baseline, n, source_version, computed_at FROM " +
      TableRef(kMetricsTable, *version) + (conditions.empty() ? "" : " WHERE " + conditions);
  sql::QueryOptions qo;
  qo.data_dir = data_dir;
  LW_ASSIGN_OR_RETURN(sql::QueryResult r, sql::ExecuteQuery(q, qo));
  std::unordered_map<std::string, size_t> newest;  // key -> index in out
  auto text = [](const Column& c, int64_t i) { return c.IsValid(i) ? std::string(c.GetString(i)) : std::string(); };
  for (const RecordBatch& b : r.batches) {
    const auto& c = b.columns;
    for (int64_t i = 0; i < b.num_rows; ++i) {
      MetricRow row;
      row.model = text(*c[0], i);
      row.version = text(*c[1], i);
      row.window_start = c[2]->IsValid(i) ? c[2]->Value<int64_t>(i) : kNoTime;
      row.window_end = c[3]->IsValid(i) ? c[3]->Value<int64_t>(i) : kNoTime;
      row.granularity = text(*c[4], i);
      row.slice = text(*c[5], i);
      row.column = text(*c[6], i);
      row.metric = text(*c[7], i);
      row.value = c[8]->IsValid(i) ? c[8]->Value<double>(i) : std::nan("");
      if (c[9]->IsValid(i)) row.threshold = c[9]->Value<double>(i);
      if (c[10]->IsValid(i)) row.alarm = c[10]->Value<uint8_t>(i) != 0;
      row.baseline = text(*c[11], i);
      row.n = c[12]->IsValid(i) ? c[12]->Value<int64_t>(i) : 0;
      row.source_version = c[13]->IsValid(i) ? c[13]->Value<int64_t>(i) : -1;
      row.computed_at = c[14]->IsValid(i) ? c[14]->Value<int64_t>(i) : 0;
      std::string key = row.model + '\x1f' + row.version + '\x1f' + row.granularity + '\x1f' +
                        std::to_string(row.window_start) + '\x1f' + row.slice + '\x1f' + row.column + '\x1f' +
                        row.metric;
      auto [it, inserted] = newest.emplace(std::move(key), out.size());
      if (inserted) {
        out.push_back(std::move(row));
      } else if (row.computed_at > out[it->second].computed_at) {
        out[it->second] = std::move(row);
      }
    }
  }
  return out;
}

}  // namespace lakewatch::monitor
