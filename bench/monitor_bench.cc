// monitor_bench: `monitor run` over N prediction events (default 10M) of 4
// model versions with hourly windows — the figure of issue 6 ("under 30 s").
//
//   monitor_bench [--events N] [--dir DIR] [--hours H] [--threads T] [--reps R] [--joined-labels]
//
// Data (deterministic, splitmix64, fixed seed), written once into DIR/data/ev
// as the ingest writes tables (Parquet zstd, 2^18-row row groups, files of
// 1M rows, one Delta commit): a `timestamp` spread over H hours (default
// 168: a week, so 168 hourly and 7 daily windows), `model.version` "1".."4"
// (version k from hour (k-1)·H/8 on, all four at once by mid-week),
// `request_id`, `prediction.label`/`prediction.score`, a `label` for 70% of the
// rows (a column of the events table; with --joined-labels a separate table
// `labels` joined on request_id), four features (`features.amount` lognormal,
// `features.age` normal, `features.country` 8 values, `features.device` 3
// values with 5% missing), `latency_ms` and `level`.
//
// Timed: RunMonitors with windows [1h, 1d], the first day as baseline,
// everything computed (--full): reading the events through the SQL engine,
// grouping, every figure (performance with ROC AUC, drift of 4 features and
// of prediction/score/label, data quality, operations, anomalies) and the
// commit to monitor_metrics. Best and median of R runs, wall clock, with the
// thread count. Output: a Markdown table on stdout, progress on stderr.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <unistd.h>
#include <string>
#include <vector>

#include "common/column.h"
#include "delta/table.h"
#include "monitor/config.h"
#include "monitor/runner.h"
#include "parquet/file_writer.h"

namespace {

using namespace lakewatch;
namespace fs = std::filesystem;

struct Args {
  int64_t events = 10'000'000;
  std::string dir;
  int64_t hours = 168;
  int threads = 0;
  int reps = 3;
  bool joined_labels = false;
};

double Now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

struct Rng {
  uint64_t s;
  uint64_t Next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Normal() {
    const double u = std::max(Uniform(), 1e-300), v = Uniform();
    return std::sqrt(-2 * std::log(u)) * std::cos(2 * M_PI * v);
  }
};

Field F(const char* name, TypePtr type) { return Field{name, std::move(type), true, ""}; }

Schema EventSchema(bool with_label) {
  Schema s;
  s.fields = {F("timestamp", DataType::Timestamp()),
              F("model", DataType::Struct({F("version", DataType::String())})),
              F("request_id", DataType::String()),
              F("prediction", DataType::Struct({F("label", DataType::Int64()), F("score", DataType::Double())})),
              F("features", DataType::Struct({F("amount", DataType::Double()), F("age", DataType::Double()),
                                              F("country", DataType::String()), F("device", DataType::String())})),
              F("latency_ms", DataType::Double()),
              F("level", DataType::String())};
  if (with_label) s.fields.push_back(F("label", DataType::Int64()));
  return s;
}

Schema LabelSchema() {
  Schema s;
  s.fields = {F("request_id", DataType::String()), F("label", DataType::Int64())};
  return s;
}

// Writes `batches` (one file each) into the table at `path` and commits them.
void WriteTable(const std::string& path, const Schema& schema, const std::vector<RecordBatch>& batches) {
  fs::create_directories(path);
  std::vector<delta::DataFile> files;
  parquet::WriterOptions wo;
  wo.row_group_rows = int64_t{1} << 18;
  wo.page_bytes = int64_t{256} << 10;
  for (const RecordBatch& b : batches) {
    delta::DataFile f;
    f.name = delta::NewDataFileName({}, ".zstd.parquet");
    f.schema = schema;
    const std::string file = path + "/" + f.name;
    auto w = parquet::ParquetFileWriter::Open(file, schema, wo);
    if (!w.ok() || !(*w)->WriteBatch(b).ok() || !(*w)->Close(true).ok()) {
      std::fprintf(stderr, "cannot write %s\n", file.c_str());
      std::exit(1);
    }
    f.size = static_cast<int64_t>(fs::file_size(file));
    f.source = file;
    files.push_back(std::move(f));
  }
  delta::CommitFilesOptions co;
  co.create = delta::CreateOptions{};
  auto r = delta::DeltaTable(path).CommitDataFiles(files, co);
  if (!r.ok()) {
    std::fprintf(stderr, "commit: %s\n", r.status().ToString().c_str());
    std::exit(1);
  }
}

void Generate(const Args& a, const std::string& data) {
  Rng rng{42};
  const int64_t t0 = int64_t{1764000000} / 86400 * 86400 * 1000000;  // a midnight, µs
  const int64_t span = a.hours * int64_t{3600} * 1000000;
  const char* countries[] = {"US", "DE", "FR", "NG", "IN", "BR", "JP", "GB"};
  const char* devices[] = {"ios", "android", "web"};
  const char* versions[] = {"1", "2", "3", "4"};
  constexpr int64_t kFileRows = 1'000'000;
  std::vector<RecordBatch> events, labels;
  for (int64_t begin = 0; begin < a.events; begin += kFileRows) {
    const int64_t n = std::min(kFileRows, a.events - begin);
    RecordBatch b = RecordBatch::Empty(EventSchema(!a.joined_labels));
    RecordBatch l = RecordBatch::Empty(LabelSchema());
    b.num_rows = n;
    for (const ColumnPtr& c : b.columns) c->Reserve(n);
    auto& c = b.columns;
    for (int64_t i = 0; i < n; ++i) {
      const int64_t row = begin + i;
      const int64_t ts = t0 + span * row / a.events;  // in time order, as logs arrive
      const double hour_frac = static_cast<double>(ts - t0) / static_cast<double>(span);
      // Version k is deployed at (k-1)/8 of the span; traffic is split evenly among deployed ones.
      const int deployed = std::min(4, 1 + static_cast<int>(hour_frac * 8));
      const int v = static_cast<int>(rng.Next() % static_cast<uint64_t>(deployed));
      c[0]->Append<int64_t>(ts);
      c[1]->children[0]->AppendString(versions[v]);
      c[1]->FinishStructRow();
      const std::string id = fmt::format("req-{:012x}", rng.Next() & 0xffffffffffffULL);
      c[2]->AppendString(id);
      const double amount = std::exp(3.0 + 0.6 * rng.Normal()) * (hour_frac > 0.75 ? 1.3 : 1.0);
      const double age = 40 + 12 * rng.Normal();
      const double p = 1 / (1 + std::exp(-((std::log(amount) - 3.0) * 1.5 + (age - 40) / 20)));
      const double score = std::clamp(p + 0.08 * rng.Normal() + (v == 3 ? 0.1 : 0.0), 0.0, 1.0);
      const int64_t label = rng.Uniform() < p ? 1 : 0;
      c[3]->children[0]->Append<int64_t>(score >= 0.5 ? 1 : 0);
      c[3]->children[1]->Append<double>(score);
      c[3]->FinishStructRow();
      c[4]->children[0]->Append<double>(amount);
      c[4]->children[1]->Append<double>(age);
      c[4]->children[2]->AppendString(countries[rng.Next() % 8]);
      if (rng.Uniform() < 0.05) {
        c[4]->children[3]->AppendNull();
      } else {
        c[4]->children[3]->AppendString(devices[rng.Next() % 3]);
      }
      c[4]->FinishStructRow();
      c[5]->Append<double>(std::round(rng.Uniform() * 80 * (v == 2 ? 1.5 : 1.0) * 100) / 100);
      c[6]->AppendString(rng.Uniform() < (v == 3 ? 0.05 : 0.01) ? "ERROR" : "INFO");
      const bool labelled = rng.Uniform() < 0.7;
      if (!a.joined_labels) {
        if (labelled) {
          c[7]->Append<int64_t>(label);
        } else {
          c[7]->AppendNull();
        }
      } else if (labelled) {
        l.columns[0]->AppendString(id);
        l.columns[1]->Append<int64_t>(label);
        ++l.num_rows;
      }
    }
    events.push_back(std::move(b));
    if (a.joined_labels) labels.push_back(std::move(l));
    std::fprintf(stderr, "\rgenerated %lld events", static_cast<long long>(begin + n));
  }
  std::fprintf(stderr, "\n");
  WriteTable(data + "/ev", EventSchema(!a.joined_labels), events);
  if (a.joined_labels) WriteTable(data + "/labels", LabelSchema(), labels);
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", arg.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--events") {
      a.events = std::stoll(next());
    } else if (arg == "--dir") {
      a.dir = next();
    } else if (arg == "--hours") {
      a.hours = std::stoll(next());
    } else if (arg == "--threads") {
      a.threads = std::stoi(next());
    } else if (arg == "--reps") {
      a.reps = std::stoi(next());
    } else if (arg == "--joined-labels") {
      a.joined_labels = true;
    } else {
      std::fprintf(stderr,
                   "usage: monitor_bench [--events N] [--dir DIR] [--hours H] [--threads T] [--reps R] "
                   "[--joined-labels]\n");
      return 2;
    }
  }
  const bool temporary = a.dir.empty();
  if (temporary) a.dir = (fs::temp_directory_path() / fmt::format("lw-monitor-bench-{}", ::getpid())).string();
  const std::string data = a.dir + fmt::format("/data-{}{}", a.events, a.joined_labels ? "-joined" : "");
  if (!fs::exists(data + "/ev/_delta_log")) {
    fs::remove_all(data);
    const double g0 = Now();
    Generate(a, data);
    std::fprintf(stderr, "table written in %.1f s\n", Now() - g0);
  }
  std::string yaml = R"(models:
  - name: bench
    table: ev
    timestamp: timestamp
    version: model.version
    id: request_id
    prediction: prediction.label
    score: prediction.score
    problem: binary
    features: [features.amount, features.age, features.country, features.device]
    windows: [1h, 1d]
)";
  yaml += a.joined_labels ? "    labels: {table: labels, id: request_id, label: label}\n" : "    labels: {column: label}\n";
  auto config = monitor::ParseConfig(yaml, "bench");
  if (!config.ok()) {
    std::fprintf(stderr, "%s\n", config.status().ToString().c_str());
    return 1;
  }
  std::vector<double> times;
  monitor::RunSummary last;
  for (int r = 0; r < a.reps; ++r) {
    fs::remove_all(data + "/monitor_metrics");
    monitor::RunOptions o;
    o.data_dir = data;
    o.threads = a.threads;
    o.full = true;
    const double t = Now();
    auto s = monitor::RunMonitors(*config, o);
    times.push_back(Now() - t);
    if (!s.ok()) {
      std::fprintf(stderr, "monitor run: %s\n", s.status().ToString().c_str());
      return 1;
    }
    last = *s;
    std::fprintf(stderr, "run %d: %.2f s\n", r + 1, times.back());
  }
  std::sort(times.begin(), times.end());
  const monitor::ModelRunSummary& m = last.models[0];
  const int threads = a.threads > 0 ? a.threads : static_cast<int>(std::thread::hardware_concurrency());
  std::printf("| events | versions | windows (1h + 1d, × versions) | figures | threads | best | median | labels |\n");
  std::printf("|---|---|---|---|---|---|---|---|\n");
  std::printf("| %lld | 4 | %lld | %lld | %d | %.2f s | %.2f s | %s |\n", static_cast<long long>(m.rows),
              static_cast<long long>(m.windows), static_cast<long long>(m.figures), threads, times.front(),
              times[times.size() / 2], a.joined_labels ? "joined table" : "column");
  if (temporary) fs::remove_all(a.dir);
  return 0;
}
