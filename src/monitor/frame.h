// ModelFrame: one model's events as typed arrays, read from its Delta table(s)
// through the SQL engine at a pinned table version — the input of the monitor.
//
//   auto frame = monitor::LoadModelFrame(model_config, {.data_dir = dir});
//
// Numeric values are doubles with NaN for missing; categorical values are
// int32 codes into a dictionary with -1 for missing. Classification labels and
// predictions share one class dictionary so they compare by code.
// Thread-safety: a loaded frame is immutable and may be read from many threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/column.h"
#include "common/status.h"
#include "monitor/config.h"
#include "sql/engine.h"

namespace lakewatch::monitor {

struct NumericValues {
  std::vector<double> values;  // NaN = missing
  int64_t missing = 0;
};

struct CategoricalValues {
  std::vector<int32_t> codes;             // -1 = missing
  std::vector<std::string> dictionary;    // code -> value
  int64_t missing = 0;
  int32_t Find(std::string_view value) const;  // -1 when absent
};

struct FeatureData {
  std::string column;
  bool numeric = true;
  NumericValues num;
  CategoricalValues cat;
  // Values present but not of the feature's declared type (text in a numeric
  // feature that does not parse as a number).
  std::vector<uint8_t> type_violation;  // per row; empty = none
};

struct ModelFrame {
  int64_t rows = 0;
  std::vector<int64_t> ts;     // timestamp, µs since the epoch (empty: no time axis)
  CategoricalValues version;   // model version per row (-1 and no dictionary without a version column)
  std::vector<uint64_t> id_hash;  // hash of the id (empty: no id); id_valid marks non-null ids
  std::vector<uint8_t> id_valid;
  // Classification: codes into `classes`; regression: values.
  std::vector<std::string> classes;
  std::vector<int32_t> prediction_class, label_class;  // -1 = missing
  NumericValues prediction_value, label_value;
  NumericValues score;                                 // binary: score of the positive class
  std::vector<NumericValues> probabilities;            // multiclass: per class of `probability_classes`
  std::vector<std::string> probability_classes;
  bool has_prediction = false, has_label = false, has_score = false;
  // Operations.
  NumericValues latency;      // empty values: no latency column
  std::vector<uint8_t> error;  // 1 = an error event (empty: no error signal)
  std::vector<std::pair<std::string, NumericValues>> resources;
  std::vector<FeatureData> features;
  std::vector<std::pair<std::string, CategoricalValues>> slices;
  int64_t source_version = -1;  // the events table's Delta version read
  int64_t labels_version = -1;  // the labels table's, when labels are joined
};

struct LoadOptions {
  std::string data_dir;
  int threads = 0;
  // Overrides the model's table (a baseline table with the same feature columns);
  // then only features (and whatever else exists there) are loaded.
  std::optional<std::string> table;
};

Result<ModelFrame> LoadModelFrame(const ModelConfig& model, const LoadOptions& options);

// A SQL string literal: 'text' with quotes and backslashes escaped.
std::string SqlString(const std::string& s);
// Quotes a column path for SQL: features.amount -> `features`.`amount`.
std::string QuotePath(const std::string& path);
// FROM-clause text for a table name or path, pinned at `version` when >= 0.
std::string TableRef(const std::string& table, int64_t version);
// The current Delta version of a table given by name (under data_dir) or path.
Result<int64_t> TableVersion(const std::string& data_dir, const std::string& table);

// Typed extraction of a SQL result column (all batches), used by the frame and
// by `lakewatch drift`: other types are cast as SQL's CAST(x AS DOUBLE / STRING)
// casts them (a value that does not convert is missing).
NumericValues ExtractNumeric(const sql::QueryResult& result, int column);
CategoricalValues ExtractCategorical(const sql::QueryResult& result, int column);

}  // namespace lakewatch::monitor
