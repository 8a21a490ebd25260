#include "monitor/frame.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <cmath>
#include <limits>
#include <optional>
#include <unordered_map>

#include "common/string_hash.h"
#include "delta/table.h"
#include "monitor/stats/category_counts.h"
#include "sql/function/cast.h"
#include "sql/function/function_registry.h"

namespace lakewatch::monitor {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// String -> code, looked up by string_view without a copy (the stats module's transparent hash).
using CodeMap = std::unordered_map<std::string, int32_t, StringHash, std::equal_to<>>;

std::string TablePath(const std::string& data_dir, const std::string& table) {
  return table.find('/') != std::string::npos ? table : data_dir + "/" + table;
}

// The type at a dotted path of a schema, or null when a part is missing.
TypePtr TypeAt(const Schema& schema, const std::string& path) {
  const std::vector<Field>* fields = &schema.fields;
  TypePtr type;
  size_t begin = 0;
  while (true) {
    const size_t dot = path.find('.', begin);
    const std::string part = path.substr(begin, dot == std::string::npos ? std::string::npos : dot - begin);
    type = nullptr;
    for (const Field& f : *fields) {
      if (f.name.size() == part.size() &&
          std::equal(f.name.begin(), f.name.end(), part.begin(),
                     [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) ==
                                                 std::tolower(static_cast<unsigned char>(b)); })) {
        type = f.type;
        break;
      }
    }
    if (type == nullptr || dot == std::string::npos) return type;
    if (type->id() != TypeId::kStruct) return nullptr;
    fields = &type->fields();
    begin = dot + 1;
  }
}

// Leaf paths under a struct column (features.* by default), depth first.
void LeafPaths(const TypePtr& type, const std::string& prefix, std::vector<std::pair<std::string, TypePtr>>* out) {
  if (type->id() != TypeId::kStruct) {
    out->emplace_back(prefix, type);
    return;
  }
  for (const Field& f : type->fields()) LeafPaths(f.type, prefix + "." + f.name, out);
}

bool IsTextType(const DataType& t) { return t.id() == TypeId::kString; }

// The SELECT list being built: each role's expression gets an alias c<i>.
class SelectList {
 public:
  int Add(std::string expr) {
    exprs_.push_back(std::move(expr) + " AS c" + std::to_string(exprs_.size()));
    return static_cast<int>(exprs_.size()) - 1;
  }
  std::string Text() const {
    std::string s;
    for (const std::string& e : exprs_) s += (s.empty() ? "" : ", ") + e;
    return s;
  }
  size_t size() const { return exprs_.size(); }

 private:
  std::vector<std::string> exprs_;
};

// Codes of a string column over all batches against `map`/`dict` (shared so
// labels and predictions code alike).
void CodeStrings(const sql::QueryResult& result, int column, CodeMap* map, std::vector<std::string>* dict,
                 std::vector<int32_t>* codes, int64_t* missing) {
  codes->reserve(static_cast<size_t>(result.num_rows));
  for (const RecordBatch& b : result.batches) {
    ColumnPtr cast;  // other types as their SQL text (CAST(x AS STRING))
    if (b.columns[column]->type->id() != TypeId::kString) {
      if (!sql::CanCast(*b.columns[column]->type, *DataType::String())) {
        codes->insert(codes->end(), static_cast<size_t>(b.num_rows), -1);
        *missing += b.num_rows;
        continue;
      }
      cast = sql::CastColumn(*b.columns[column], DataType::String());
    }
    const Column& c = cast != nullptr ? *cast : *b.columns[column];
    for (int64_t i = 0; i < b.num_rows; ++i) {
      if (c.IsNull(i)) {
        codes->push_back(-1);
        ++*missing;
        continue;
      }
      const std::string_view v = c.GetString(i);
      auto it = map->find(v);
      if (it == map->end()) {
        it = map->emplace(std::string(v), static_cast<int32_t>(dict->size())).first;
        dict->emplace_back(v);
      }
      codes->push_back(it->second);
    }
  }
}

}  // namespace

int32_t CategoricalValues::Find(std::string_view value) const {
  for (size_t i = 0; i < dictionary.size(); ++i) {
    if (dictionary[i] == value) return static_cast<int32_t>(i);
  }
  return -1;
}

std::string SqlString(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string QuotePath(const std::string& path) {
  std::string out;
  size_t begin = 0;
  while (true) {
    const size_t dot = path.find('.', begin);
    const std::string part = path.substr(begin, dot == std::string::npos ? std::string::npos : dot - begin);
    if (!out.empty()) out += '.';
    out += '`';
    for (char ch : part) {
      if (ch == '`') out += '`';  // a backtick inside a quoted name is doubled
      out += ch;
    }
    out += '`';
    if (dot == std::string::npos) return out;
    begin = dot + 1;
  }
}

std::string TableRef(const std::string& table, int64_t version) {
  std::string ref;
  if (table.find('/') != std::string::npos) {
    ref = "delta.`";
    for (char ch : table) {
      if (ch == '`') ref += '`';
      ref += ch;
    }
    ref += '`';
  } else {
    ref = QuotePath(table);
  }
  if (version >= 0) ref += " VERSION AS OF " + std::to_string(version);
  return ref;
}

Result<int64_t> TableVersion(const std::string& data_dir, const std::string& table) {
  delta::DeltaTable t(TablePath(data_dir, table));
  auto snap = t.Load();
  if (!snap.ok()) return snap.status().WithContext("table '" + table + "'");
  return (*snap)->version();
}

NumericValues ExtractNumeric(const sql::QueryResult& result, int column) {
  NumericValues out;
  out.values.reserve(static_cast<size_t>(result.num_rows));
  for (const RecordBatch& b : result.batches) {
    ColumnPtr cast;  // numbers of other types through the SQL engine's own cast
    if (b.columns[column]->type->id() != TypeId::kDouble) {
      if (!sql::CanCast(*b.columns[column]->type, *DataType::Double())) {  // not a number at all: missing
        out.values.insert(out.values.end(), static_cast<size_t>(b.num_rows), kNaN);
        out.missing += b.num_rows;
        continue;
      }
      cast = sql::CastColumn(*b.columns[column], DataType::Double());
    }
    const Column& c = cast != nullptr ? *cast : *b.columns[column];
    const double* v = c.values<double>();
    for (int64_t i = 0; i < b.num_rows; ++i) {
      const double x = c.IsValid(i) ? v[i] : kNaN;
      if (std::isnan(x)) ++out.missing;
      out.values.push_back(x);
    }
  }
  return out;
}

CategoricalValues ExtractCategorical(const sql::QueryResult& result, int column) {
  CategoricalValues out;
  CodeMap map;
  CodeStrings(result, column, &map, &out.dictionary, &out.codes, &out.missing);
  return out;
}

// Labels from their own table, joined on the id here (a hash join over the
// ids' xxh3 hashes, confirmed by comparing the ids) rather than by the SQL
// engine: the first row of each id in the table's scan order counts, as
// first() over GROUP BY id would take it. Returns one column aligned with the
// events' rows (null where an event has no label).
Result<sql::QueryResult> JoinLabels(const ModelConfig& model, const std::string& class_cast, int64_t labels_version,
                                    const sql::QueryOptions& qo, const sql::QueryResult& events, int c_id,
                                    const std::vector<uint64_t>& id_hash) {
  const std::string q = "SELECT CAST(" + QuotePath(model.labels.id) + " AS STRING), CAST(" +
                        QuotePath(model.labels.label) + " AS " + class_cast + ") FROM " +
                        TableRef(model.labels.table, labels_version) + " WHERE " + QuotePath(model.labels.id) +
                        " IS NOT NULL";
  LW_ASSIGN_OR_RETURN(sql::QueryResult labels, sql::ExecuteQuery(q, qo));
  if (labels.num_rows >= int64_t{UINT32_MAX}) {
    return Status::InvalidArgument(fmt::format("{} label rows: more than the {} a join holds", labels.num_rows,
                                               UINT32_MAX - 1));
  }
  // Open addressing: slot -> label row + 1 (0 = empty), beside the id's hash.
  std::vector<std::pair<const Column*, int64_t>> rows;  // label row -> (its label column, row)
  std::vector<std::string_view> ids;
  rows.reserve(static_cast<size_t>(labels.num_rows));
  ids.reserve(static_cast<size_t>(labels.num_rows));
  for (const RecordBatch& b : labels.batches) {
    for (int64_t i = 0; i < b.num_rows; ++i) {
      rows.emplace_back(b.columns[1].get(), i);
      ids.push_back(b.columns[0]->GetString(i));
    }
  }
  size_t capacity = 16;
  while (capacity < 2 * ids.size()) capacity *= 2;
  const size_t mask = capacity - 1;
  std::vector<uint32_t> slot_row(capacity, 0);
  std::vector<uint64_t> slot_hash(capacity, 0);
  for (size_t r = 0; r < ids.size(); ++r) {
    const uint64_t h = XXH3_64bits(ids[r].data(), ids[r].size());
    size_t s = h & mask;
    while (slot_row[s] != 0 && !(slot_hash[s] == h && ids[slot_row[s] - 1] == ids[r])) s = (s + 1) & mask;
    if (slot_row[s] != 0) continue;  // this id has its first label already
    slot_row[s] = static_cast<uint32_t>(r + 1);
    slot_hash[s] = h;
  }
  sql::QueryResult out;
  out.schema.fields.push_back(labels.schema.fields.at(1));
  RecordBatch joined = RecordBatch::Empty(out.schema);
  Column& label = *joined.columns[0];
  size_t e = 0;
  for (const RecordBatch& b : events.batches) {
    const Column& id = *b.columns[c_id];
    for (int64_t i = 0; i < b.num_rows; ++i, ++e) {
      if (!id.IsValid(i)) {
        label.AppendNull();
        continue;
      }
      const std::string_view key = id.GetString(i);
      size_t s = id_hash[e] & mask;
      while (slot_row[s] != 0 && !(slot_hash[s] == id_hash[e] && ids[slot_row[s] - 1] == key)) s = (s + 1) & mask;
      if (slot_row[s] == 0) {
        label.AppendNull();
      } else {
        const auto& [column, row] = rows[slot_row[s] - 1];
        label.AppendFrom(*column, row);
      }
    }
  }
  joined.num_rows = static_cast<int64_t>(e);
  out.num_rows = joined.num_rows;
  out.batches.push_back(std::move(joined));
  // (the label columns referenced by `rows` die with `labels`: everything is copied out above)
  return out;
}

Result<ModelFrame> LoadModelFrame(const ModelConfig& model, const LoadOptions& options) {
  const bool baseline_table = options.table.has_value();
  const std::string table = baseline_table ? *options.table : model.table;
  const std::string where = "model '" + model.name + "', table '" + table + "'";
  LW_ASSIGN_OR_RETURN(const int64_t version, TableVersion(options.data_dir, table));
  sql::QueryOptions qo;
  qo.data_dir = options.data_dir;
  qo.threads = options.threads;
  LW_ASSIGN_OR_RETURN(sql::QueryResult probe,
                      sql::ExecuteQuery("SELECT * FROM " + TableRef(table, version) + " LIMIT 0", qo));
  const Schema& schema = probe.schema;
  auto missing_column = [&](const std::string& role, const std::string& col) {
    return Status::InvalidArgument(where + ": the " + role + " column '" + col + "' is not in the table (columns: " +
                                   schema.ToString() + ")");
  };

  ModelFrame frame;
  frame.source_version = version;
  SelectList sel;
  // Roles: -1 = absent.
  int c_ts = -1, c_version = -1, c_id = -1, c_pred = -1, c_label = -1, c_score = -1, c_latency = -1, c_error = -1;
  std::vector<int> c_probs, c_resources, c_slices;
  std::vector<std::pair<int, int>> c_features;  // value column, type-violation flag column (-1: none)
  const bool classification = model.problem != Problem::kRegression;
  const std::string class_cast = classification ? "STRING" : "DOUBLE";

  if (!model.timestamp.empty()) {
    TypePtr t = TypeAt(schema, model.timestamp);
    if (t != nullptr) {
      c_ts = sel.Add("CAST(" + QuotePath(model.timestamp) + " AS TIMESTAMP)");
    } else if (!baseline_table) {
      return missing_column("timestamp", model.timestamp);
    }
  }
  if (!model.version.empty() && TypeAt(schema, model.version) != nullptr) {
    c_version = sel.Add("CAST(" + QuotePath(model.version) + " AS STRING)");
  }
  if (!model.id.empty() && TypeAt(schema, model.id) != nullptr) {
    c_id = sel.Add("CAST(" + QuotePath(model.id) + " AS STRING)");
  }
  if (!model.prediction.empty()) {
    if (TypeAt(schema, model.prediction) != nullptr) {
      c_pred = sel.Add("CAST(" + QuotePath(model.prediction) + " AS " + class_cast + ")");
    } else if (!baseline_table) {
      return missing_column("prediction", model.prediction);
    }
  }
  if (!model.score.empty()) {
    if (TypeAt(schema, model.score) != nullptr) {
      c_score = sel.Add("CAST(" + QuotePath(model.score) + " AS DOUBLE)");
    } else if (!baseline_table) {
      return missing_column("score", model.score);
    }
  }
  for (const auto& [cls, col] : model.probabilities) {
    if (TypeAt(schema, col) == nullptr) {
      if (baseline_table) continue;
      return missing_column("probability", col);
    }
    frame.probability_classes.push_back(cls);
    c_probs.push_back(sel.Add("CAST(" + QuotePath(col) + " AS DOUBLE)"));
  }
  // Labels from the same table (a column; also used for a baseline table that carries them).
  const std::string label_column = !model.labels.column.empty() ? model.labels.column
                                   : baseline_table              ? model.labels.label
                                                                 : std::string();
  if (!label_column.empty()) {
    if (TypeAt(schema, label_column) != nullptr) {
      c_label = sel.Add("CAST(" + QuotePath(label_column) + " AS " + class_cast + ")");
    } else if (!baseline_table) {
      return missing_column("label", label_column);
    }
  }
  if (!baseline_table) {
    if (!model.latency.empty() && TypeAt(schema, model.latency) != nullptr) {
      c_latency = sel.Add("CAST(" + QuotePath(model.latency) + " AS DOUBLE)");
    }
    std::string error_expr;
    if (!model.level.empty()) {
      TypePtr t = TypeAt(schema, model.level);
      if (t != nullptr && IsTextType(*t)) {
        error_expr = "coalesce(upper(" + QuotePath(model.level) + ") IN ('ERROR', 'FATAL', 'CRITICAL'), false)";
      }
    }
    if (!model.error.empty() && TypeAt(schema, model.error) != nullptr) {
      error_expr += (error_expr.empty() ? "" : " OR ") + QuotePath(model.error) + " IS NOT NULL";
    }
    if (!error_expr.empty()) c_error = sel.Add("(" + error_expr + ")");
    for (const std::string& r : model.resources) {
      if (TypeAt(schema, r) == nullptr) continue;
      frame.resources.emplace_back(r, NumericValues{});
      c_resources.push_back(sel.Add("CAST(" + QuotePath(r) + " AS DOUBLE)"));
    }
    for (const std::string& s : model.slices) {
      if (TypeAt(schema, s) == nullptr) return missing_column("slice", s);
      frame.slices.emplace_back(s, CategoricalValues{});
      c_slices.push_back(sel.Add("CAST(" + QuotePath(s) + " AS STRING)"));
    }
  }
  // Features: configured, else every leaf under `features`.
  std::vector<FeatureConfig> features = model.features;
  if (features.empty()) {
    TypePtr t = TypeAt(schema, "features");
    if (t != nullptr) {
      std::vector<std::pair<std::string, TypePtr>> leaves;
      LeafPaths(t, "features", &leaves);
      for (auto& leaf : leaves) features.push_back(FeatureConfig{leaf.first, FeatureConfig::Kind::kInfer});
    }
  }
  for (const FeatureConfig& f : features) {
    TypePtr t = TypeAt(schema, f.column);
    if (t == nullptr) return missing_column("feature", f.column);
    FeatureData fd;
    fd.column = f.column;
    fd.numeric = f.kind == FeatureConfig::Kind::kNumeric ||
                 (f.kind == FeatureConfig::Kind::kInfer && sql::IsNumeric(t));
    const std::string q = QuotePath(f.column);
    int value = -1, violation = -1;
    if (fd.numeric && IsTextType(*t)) {  // declared numeric, stored as text: count what does not parse
      value = sel.Add("TRY_CAST(" + q + " AS DOUBLE)");
      violation = sel.Add("(" + q + " IS NOT NULL AND TRY_CAST(" + q + " AS DOUBLE) IS NULL)");
    } else if (fd.numeric && !sql::IsNumeric(t) && t->id() != TypeId::kBoolean) {
      return Status::InvalidArgument(where + ": feature '" + f.column + "' is declared numeric but its type is " +
                                     t->ToString());
    } else {
      value = sel.Add("CAST(" + q + " AS " + (fd.numeric ? "DOUBLE" : "STRING") + ")");
    }
    frame.features.push_back(std::move(fd));
    c_features.emplace_back(value, violation);
  }
  if (sel.size() == 0) sel.Add("1");  // count-only frames still need a column

  const std::string query = "SELECT " + sel.Text() + " FROM " + TableRef(table, version);
  // Labels joined from another table (below, by JoinLabels): one label per id.
  const bool joined_labels = !baseline_table && !model.labels.table.empty();
  if (joined_labels) {
    LW_ASSIGN_OR_RETURN(frame.labels_version, TableVersion(options.data_dir, model.labels.table));
    if (c_id < 0) return missing_column("id", model.id);
  }
  auto run = sql::ExecuteQuery(query, qo);
  if (!run.ok()) return run.status().WithContext(where);
  const sql::QueryResult& r = *run;
  frame.rows = r.num_rows;

  if (c_ts >= 0) {
    frame.ts.reserve(static_cast<size_t>(r.num_rows));
    for (const RecordBatch& b : r.batches) {
      const Column& c = *b.columns[c_ts];
      for (int64_t i = 0; i < b.num_rows; ++i) {
        frame.ts.push_back(c.IsValid(i) ? c.Value<int64_t>(i) : std::numeric_limits<int64_t>::min());
      }
    }
  }
  if (c_version >= 0) {
    frame.version = ExtractCategorical(r, c_version);
  } else {  // no version column: only the all-versions ('*') groups
    frame.version.codes.assign(static_cast<size_t>(r.num_rows), -1);
  }
  if (c_id >= 0) {
    frame.id_hash.reserve(static_cast<size_t>(r.num_rows));
    frame.id_valid.reserve(static_cast<size_t>(r.num_rows));
    for (const RecordBatch& b : r.batches) {
      const Column& c = *b.columns[c_id];
      for (int64_t i = 0; i < b.num_rows; ++i) {
        const bool valid = c.IsValid(i);
        const std::string_view s = valid ? c.GetString(i) : std::string_view();
        frame.id_valid.push_back(valid ? 1 : 0);
        frame.id_hash.push_back(valid ? XXH3_64bits(s.data(), s.size()) : 0);
      }
    }
  }
  std::optional<sql::QueryResult> label_result;  // the joined labels, aligned with r's rows
  if (joined_labels) {
    auto joined = JoinLabels(model, class_cast, frame.labels_version, qo, r, c_id, frame.id_hash);
    if (!joined.ok()) return joined.status().WithContext(where + ", labels table '" + model.labels.table + "'");
    label_result = std::move(*joined);
    c_label = 0;
  }
  const sql::QueryResult& lr = label_result.has_value() ? *label_result : r;
  if (classification) {
    CodeMap classes;
    int64_t ignored = 0;
    if (c_pred >= 0) CodeStrings(r, c_pred, &classes, &frame.classes, &frame.prediction_class, &ignored);
    if (c_label >= 0) CodeStrings(lr, c_label, &classes, &frame.classes, &frame.label_class, &ignored);
  } else {
    if (c_pred >= 0) frame.prediction_value = ExtractNumeric(r, c_pred);
    if (c_label >= 0) frame.label_value = ExtractNumeric(lr, c_label);
  }
  frame.has_prediction = c_pred >= 0;
  frame.has_label = c_label >= 0;
  frame.has_score = c_score >= 0;
  if (c_score >= 0) frame.score = ExtractNumeric(r, c_score);
  for (int c : c_probs) frame.probabilities.push_back(ExtractNumeric(r, c));
  if (c_latency >= 0) frame.latency = ExtractNumeric(r, c_latency);
  if (c_error >= 0) {
    frame.error.reserve(static_cast<size_t>(r.num_rows));
    for (const RecordBatch& b : r.batches) {
      const Column& c = *b.columns[c_error];
      for (int64_t i = 0; i < b.num_rows; ++i) {
        frame.error.push_back(c.IsValid(i) && c.Value<uint8_t>(i) != 0 ? 1 : 0);
      }
    }
  }
  for (size_t i = 0; i < c_resources.size(); ++i) frame.resources[i].second = ExtractNumeric(r, c_resources[i]);
  for (size_t i = 0; i < c_slices.size(); ++i) frame.slices[i].second = ExtractCategorical(r, c_slices[i]);
  for (size_t i = 0; i < c_features.size(); ++i) {
    FeatureData& fd = frame.features[i];
    if (fd.numeric) {
      fd.num = ExtractNumeric(r, c_features[i].first);
    } else {
      fd.cat = ExtractCategorical(r, c_features[i].first);
    }
    if (c_features[i].second >= 0) {
      fd.type_violation.reserve(static_cast<size_t>(r.num_rows));
      for (const RecordBatch& b : r.batches) {
        const Column& c = *b.columns[c_features[i].second];
        for (int64_t j = 0; j < b.num_rows; ++j) {
          fd.type_violation.push_back(c.IsValid(j) && c.Value<uint8_t>(j) != 0 ? 1 : 0);
        }
      }
    }
  }
  return frame;
}

}  // namespace lakewatch::monitor
