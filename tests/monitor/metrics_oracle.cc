// metrics_oracle: the C++ side of the performance-metrics oracle test. Reads one case per line
// (JSON) on stdin, runs it through lakewatch::monitor::metrics and prints one JSON line per case:
//   {"id":N,"figures":[["metric","column",value,n],...]}   or   {"id":N,"error":"message"}
// tests/monitor/metrics_oracle.py writes the cases and checks the answers against scikit-learn.
//
// Cases ("kind" selects the function; arrays hold one entry per row):
//   binary       y_true [0/1], y_pred [0/1] (may be absent), score [p] (may be absent)
//   multiclass   labels "str"|"int", y_true, y_pred, classes, proba (flat, row-major)
//   regression   y_true, y_pred
//   calibration  y_true, score, bins
//   ztest        baseline [successes, trials], current [successes, trials]
//   delong       baseline {y_true, score}, current {y_true, score}; besides the change figures
//                prints delong_auc and delong_variance with column baseline/current
//
// `metrics_oracle --bench FILE` times BinaryMetrics once on the rows of FILE (int64 n, then n
// bytes y_true, n bytes y_pred, n doubles score, native byte order; written by
// metrics_oracle.py --bench) and prints {"seconds":wall,"cpu_seconds":cpu,"figures":[...]}.
#include <simdjson.h>

#include <chrono>
#include <cstdint>
#include <ctime>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "common/json_format.h"
#include "common/status.h"
#include "monitor/metrics/binary_metrics.h"
#include "monitor/metrics/calibration.h"
#include "monitor/metrics/multiclass_metrics.h"
#include "monitor/metrics/regression_metrics.h"
#include "monitor/metrics/significance.h"

namespace lakewatch::monitor::metrics {
namespace {

using simdjson::dom::element;

// Absent keys read as empty arrays; type errors become Status errors. (simdjson's get<double>
// accepts integers too.)
template <typename T>
Status ReadArray(element c, std::string_view key, std::vector<T>* out) {
  auto field = c[key];
  if (field.error() == simdjson::NO_SUCH_FIELD) return Status::OK();
  simdjson::dom::array array;
  if (field.get(array) != simdjson::SUCCESS) {
    return Status::InvalidArgument("case field " + std::string(key) + " is not an array");
  }
  for (element v : array) {
    T value;
    if (v.get(value) != simdjson::SUCCESS) {
      return Status::InvalidArgument("case field " + std::string(key) + " has a bad entry");
    }
    out->push_back(value);
  }
  return Status::OK();
}

Status ReadZeroOne(element c, std::string_view key, std::vector<uint8_t>* out) {
  std::vector<int64_t> values;
  LW_RETURN_IF_ERROR(ReadArray(c, key, &values));
  for (const int64_t v : values) out->push_back(static_cast<uint8_t>(v));
  return Status::OK();
}

Result<Figures> RunBinary(element c) {
  std::vector<uint8_t> y_true, y_pred;
  std::vector<double> score;
  LW_RETURN_IF_ERROR(ReadZeroOne(c, "y_true", &y_true));
  LW_RETURN_IF_ERROR(ReadZeroOne(c, "y_pred", &y_pred));
  LW_RETURN_IF_ERROR(ReadArray(c, "score", &score));
  return BinaryMetrics({.y_true = y_true, .y_pred = y_pred, .score = score});
}

template <typename Label, typename Stored>
Result<Figures> RunMulticlassAs(element c) {
  std::vector<Stored> y_true, y_pred, classes;
  std::vector<double> proba;
  LW_RETURN_IF_ERROR(ReadArray(c, "y_true", &y_true));
  LW_RETURN_IF_ERROR(ReadArray(c, "y_pred", &y_pred));
  LW_RETURN_IF_ERROR(ReadArray(c, "classes", &classes));
  LW_RETURN_IF_ERROR(ReadArray(c, "proba", &proba));
  const std::vector<Label> t(y_true.begin(), y_true.end());
  const std::vector<Label> p(y_pred.begin(), y_pred.end());
  const std::vector<Label> k(classes.begin(), classes.end());
  return MulticlassMetrics(
      MulticlassInput<Label>{.y_true = t, .y_pred = p, .classes = k, .proba = proba});
}

Result<Figures> RunMulticlass(element c) {
  std::string_view labels;
  if (c["labels"].get(labels) == simdjson::SUCCESS && labels == "int") {
    return RunMulticlassAs<int64_t, int64_t>(c);
  }
  return RunMulticlassAs<std::string_view, std::string_view>(c);
}

Result<Figures> RunRegression(element c) {
  std::vector<double> y_true, y_pred;
  LW_RETURN_IF_ERROR(ReadArray(c, "y_true", &y_true));
  LW_RETURN_IF_ERROR(ReadArray(c, "y_pred", &y_pred));
  return RegressionMetrics(y_true, y_pred);
}

Result<Figures> RunCalibration(element c) {
  std::vector<uint8_t> y_true;
  std::vector<double> score;
  int64_t bins = kDefaultCalibrationBins;
  LW_RETURN_IF_ERROR(ReadZeroOne(c, "y_true", &y_true));
  LW_RETURN_IF_ERROR(ReadArray(c, "score", &score));
  if (c["bins"].get(bins) != simdjson::SUCCESS) bins = kDefaultCalibrationBins;
  LW_ASSIGN_OR_RETURN(CalibrationTable table, Calibrate(y_true, score, static_cast<int>(bins)));
  return CalibrationFigures(table);
}

Result<Figures> RunZTest(element c) {
  std::vector<int64_t> baseline, current;
  LW_RETURN_IF_ERROR(ReadArray(c, "baseline", &baseline));
  LW_RETURN_IF_ERROR(ReadArray(c, "current", &current));
  if (baseline.size() != 2 || current.size() != 2) {
    return Status::InvalidArgument("ztest needs baseline and current as [successes, trials]");
  }
  LW_ASSIGN_OR_RETURN(ChangeTest t,
                      TwoProportionZTest(baseline[0], baseline[1], current[0], current[1]));
  return ChangeFigures("accuracy", t, current[1]);
}

Result<AucEstimate> ReadAucSample(element c, std::string_view key) {
  std::vector<uint8_t> y_true;
  std::vector<double> score;
  LW_RETURN_IF_ERROR(ReadZeroOne(c[key], "y_true", &y_true));
  LW_RETURN_IF_ERROR(ReadArray(c[key], "score", &score));
  return EstimateAuc(y_true, score);
}

Result<Figures> RunDeLong(element c) {
  LW_ASSIGN_OR_RETURN(AucEstimate baseline, ReadAucSample(c, "baseline"));
  LW_ASSIGN_OR_RETURN(AucEstimate current, ReadAucSample(c, "current"));
  Figures out = ChangeFigures("roc_auc", DeLongTest(baseline, current),
                              current.positives + current.negatives);
  for (const auto& [name, e] : {std::pair{"baseline", baseline}, std::pair{"current", current}}) {
    out.push_back({"delong_auc", name, e.auc, e.positives + e.negatives});
    out.push_back({"delong_variance", name, e.variance, e.positives + e.negatives});
  }
  return out;
}

Result<Figures> RunCase(element c) {
  std::string_view kind;
  if (c["kind"].get(kind) != simdjson::SUCCESS) return Status::InvalidArgument("case has no kind");
  if (kind == "binary") return RunBinary(c);
  if (kind == "multiclass") return RunMulticlass(c);
  if (kind == "regression") return RunRegression(c);
  if (kind == "calibration") return RunCalibration(c);
  if (kind == "ztest") return RunZTest(c);
  if (kind == "delong") return RunDeLong(c);
  return Status::InvalidArgument("unknown case kind " + std::string(kind));
}

// `line` opens the JSON object ({"id":N); the figures or the error complete it.
void PrintResult(std::string line, const Result<Figures>& result) {
  if (!result.ok()) {
    line += ",\"error\":";
    AppendJsonString(result.status().ToString(), &line);
  } else {
    line += ",\"figures\":[";
    bool first = true;
    for (const Figure& f : *result) {
      line += first ? "[" : ",[";
      first = false;
      AppendJsonString(f.metric, &line);
      line += ',';
      AppendJsonString(f.column, &line);
      line += ',';
      AppendDouble(f.value, &line);
      line += ',' + std::to_string(f.n) + ']';
    }
    line += ']';
  }
  line += "}\n";
  std::cout << line;
}

int RunBench(const char* path) {
  std::ifstream in(path, std::ios::binary);
  int64_t n = 0;
  in.read(reinterpret_cast<char*>(&n), sizeof n);
  std::vector<uint8_t> y_true(n), y_pred(n);
  std::vector<double> score(n);
  in.read(reinterpret_cast<char*>(y_true.data()), n);
  in.read(reinterpret_cast<char*>(y_pred.data()), n);
  in.read(reinterpret_cast<char*>(score.data()), n * static_cast<int64_t>(sizeof(double)));
  if (!in) {
    std::cerr << "metrics_oracle: " << path << " is not a bench file\n";
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  auto result = BinaryMetrics({.y_true = y_true, .y_pred = y_pred, .score = score});
  const double cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
  PrintResult("{\"seconds\":" + std::to_string(seconds.count()) +
                  ",\"cpu_seconds\":" + std::to_string(cpu_seconds),
              result);
  return result.ok() ? 0 : 1;
}

int RunCases() {
  simdjson::dom::parser parser;
  std::string line;
  int64_t line_number = 0;
  while (std::getline(std::cin, line)) {
    ++line_number;
    if (line.empty()) continue;
    element c;
    if (parser.parse(line).get(c) != simdjson::SUCCESS) {
      std::cerr << "metrics_oracle: line " << line_number << " is not JSON\n";
      return 2;
    }
    int64_t id = line_number;
    if (c["id"].get(id) != simdjson::SUCCESS) id = line_number;
    PrintResult("{\"id\":" + std::to_string(id), RunCase(c));
  }
  return 0;
}

}  // namespace
}  // namespace lakewatch::monitor::metrics

int main(int argc, char** argv) {
  if (argc == 3 && std::string_view(argv[1]) == "--bench") {
    return lakewatch::monitor::metrics::RunBench(argv[2]);
  }
  return lakewatch::monitor::metrics::RunCases();
}
