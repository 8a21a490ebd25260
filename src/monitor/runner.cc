#include "monitor/runner.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <map>
#include <mutex>
#include <thread>
#include <functional>
#include <optional>
#include <unordered_map>

#include "common/time.h"
#include "monitor/figures.h"
#include "monitor/frame.h"
#include "monitor/metrics_table.h"
#include "sql/engine.h"

namespace lakewatch::monitor {

namespace {

constexpr int64_t kDayMicros = int64_t{86400} * 1000000;
constexpr size_t kMaxSliceValues = 10;  // the most frequent values of each slice column
constexpr int kAnomalyMinPoints = 8;    // a series needs this many windows for a robust z-score

// One (granularity, window, version, slice) group of rows.
struct Group {
  const Granularity* granularity = nullptr;
  int64_t start = kNoTime, end = kNoTime;
  int32_t version = -1;  // -1: every version ('*')
  std::string slice;     // '' or column=value
  std::vector<uint32_t> rows;
};

// Signature of a computed window, to decide whether it must be recomputed.
struct Signature {
  int64_t count = -1, labelled = -1;
  std::string baseline;
  bool operator==(const Signature& o) const {
    return count == o.count && labelled == o.labelled && baseline == o.baseline;
  }
};

std::string GroupKey(const std::string& version, const std::string& granularity, int64_t start) {
  return version + '\x1f' + granularity + '\x1f' + std::to_string(start);
}

// The latest stored signature of every window of `model` (empty when the table
// does not exist yet).
Result<std::unordered_map<std::string, Signature>> StoredSignatures(const std::string& data_dir,
                                                                    const std::string& model) {
  LW_ASSIGN_OR_RETURN(std::vector<MetricRow> rows,
                      ReadLatestMetrics(data_dir, model,
                                        "slice = '' AND `column` = '' AND metric IN ('count', 'label_coverage')"));
  // A window's signature comes from its newest computation only (a metric it no longer
  // writes, e.g. label_coverage after labels were dropped, must not linger).
  std::unordered_map<std::string, int64_t> newest;
  for (const MetricRow& r : rows) {
    int64_t& at = newest.emplace(GroupKey(r.version, r.granularity, r.window_start), r.computed_at).first->second;
    at = std::max(at, r.computed_at);
  }
  std::unordered_map<std::string, Signature> out;
  for (const MetricRow& r : rows) {
    const std::string key = GroupKey(r.version, r.granularity, r.window_start);
    if (r.computed_at != newest[key]) continue;
    Signature& s = out[key];
    if (r.metric == "count") s.count = r.n;
    if (r.metric == "label_coverage") s.labelled = r.n;
    s.baseline = r.baseline;
  }
  return out;
}

// Groups of one granularity: per window, one per version and one for all versions.
void WindowGroups(const ModelFrame& frame, const Granularity& g, std::vector<Group>* out) {
  const size_t versions = frame.version.dictionary.size();
  if (g.all() || frame.ts.empty()) {
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (int64_t t : frame.ts) {
      if (t == INT64_MIN) continue;
      lo = std::min(lo, t);
      hi = std::max(hi, t);
    }
    const bool timed = lo <= hi;
    std::vector<Group> gs(versions + 1);
    for (size_t v = 0; v <= versions; ++v) {
      gs[v].granularity = &g;
      gs[v].start = timed ? lo : kNoTime;
      gs[v].end = timed ? hi + 1 : kNoTime;
      gs[v].version = v < versions ? static_cast<int32_t>(v) : -1;
    }
    for (uint32_t i = 0; i < frame.rows; ++i) {
      const int32_t v = frame.version.codes[i];
      if (v >= 0) gs[static_cast<size_t>(v)].rows.push_back(i);
      gs[versions].rows.push_back(i);
    }
    for (Group& gr : gs) {
      if (!gr.rows.empty()) out->push_back(std::move(gr));
    }
    return;
  }
  // Window index per row, then a counting sort by (window, version slot).
  std::unordered_map<int64_t, uint32_t> window_index;
  std::vector<int64_t> starts;
  std::vector<uint32_t> row_window(static_cast<size_t>(frame.rows), UINT32_MAX);
  for (uint32_t i = 0; i < frame.rows; ++i) {
    const int64_t t = frame.ts[i];
    if (t == INT64_MIN) continue;  // rows without a timestamp fall in no window
    const int64_t s = g.Start(t);
    auto [it, inserted] = window_index.emplace(s, static_cast<uint32_t>(starts.size()));
    if (inserted) starts.push_back(s);
    row_window[i] = it->second;
  }
  const size_t slots = versions + 1;
  std::vector<Group> gs(starts.size() * slots);
  for (size_t w = 0; w < starts.size(); ++w) {
    for (size_t v = 0; v < slots; ++v) {
      Group& gr = gs[w * slots + v];
      gr.granularity = &g;
      gr.start = starts[w];
      gr.end = g.End(starts[w]);
      gr.version = v < versions ? static_cast<int32_t>(v) : -1;
    }
  }
  for (uint32_t i = 0; i < frame.rows; ++i) {
    if (row_window[i] == UINT32_MAX) continue;
    const size_t base = row_window[i] * slots;
    const int32_t v = frame.version.codes[i];
    if (v >= 0) gs[base + static_cast<size_t>(v)].rows.push_back(i);
    gs[base + versions].rows.push_back(i);
  }
  std::sort(gs.begin(), gs.end(), [](const Group& a, const Group& b) {
    return a.start != b.start ? a.start < b.start : a.version < b.version;
  });
  for (Group& gr : gs) {
    if (!gr.rows.empty()) out->push_back(std::move(gr));
  }
}

// The most frequent values of each slice column over the whole frame.
std::vector<std::vector<int32_t>> TopSliceValues(const ModelFrame& frame) {
  std::vector<std::vector<int32_t>> out;
  for (const auto& [name, values] : frame.slices) {
    std::vector<int64_t> counts(values.dictionary.size(), 0);
    for (int32_t c : values.codes) {
      if (c >= 0) ++counts[static_cast<size_t>(c)];
    }
    std::vector<int32_t> codes(values.dictionary.size());
    for (size_t i = 0; i < codes.size(); ++i) codes[i] = static_cast<int32_t>(i);
    std::stable_sort(codes.begin(), codes.end(), [&](int32_t a, int32_t b) {
      return counts[static_cast<size_t>(a)] > counts[static_cast<size_t>(b)];
    });
    if (codes.size() > kMaxSliceValues) codes.resize(kMaxSliceValues);
    out.push_back(std::move(codes));
  }
  return out;
}

std::string SliceName(const ModelFrame& frame, size_t slice, int32_t code) {
  const auto& [column, values] = frame.slices[slice];
  return column + "=" + values.dictionary[static_cast<size_t>(code)];
}

// Robust z-scores (0.6745 (x - median) / MAD) over each series of figures of
// one (version, granularity, slice, column, metric) along its windows: every
// point of `rows` gets a `<metric>_anomaly_z` row, an alarm beyond the model's
// anomaly_z (so a recomputed window supersedes an earlier verdict). `stored`:
// the series' points already in monitor_metrics (an incremental run computes a
// few windows; their anomalies are judged against the whole series), replaced
// by `rows` where both hold a window.
void AddAnomalies(const ModelConfig& model, const std::vector<MetricRow>& stored, std::vector<MetricRow>* rows) {
  struct SeriesPoints {
    std::map<int64_t, double> values;  // window_start -> value (stored, then this run's)
    std::vector<size_t> fresh;         // indices into *rows
  };
  std::map<std::string, SeriesPoints> series;
  auto key = [](const MetricRow& r) {
    return r.version + '\x1f' + r.granularity + '\x1f' + r.slice + '\x1f' + r.column + '\x1f' + r.metric;
  };
  auto tracked = [](const MetricRow& r) {
    return r.granularity != "all" && r.window_start != kNoTime && std::isfinite(r.value) &&
           IsAnomalyTracked(r.metric);
  };
  for (const MetricRow& r : stored) {
    if (tracked(r)) series[key(r)].values[r.window_start] = r.value;
  }
  for (size_t i = 0; i < rows->size(); ++i) {
    const MetricRow& r = (*rows)[i];
    if (!tracked(r)) continue;
    SeriesPoints& s = series[key(r)];
    s.values[r.window_start] = r.value;
    s.fresh.push_back(i);
  }
  std::vector<MetricRow> extra;
  for (const auto& [k, s] : series) {
    if (s.fresh.empty() || s.values.size() < static_cast<size_t>(kAnomalyMinPoints)) continue;
    std::vector<double> v;
    v.reserve(s.values.size());
    for (const auto& kv : s.values) v.push_back(kv.second);
    const double med = Median(v);
    std::vector<double> dev;
    dev.reserve(v.size());
    for (const auto& kv : s.values) dev.push_back(std::fabs(kv.second - med));
    const double mad = Median(dev);
    if (!(mad > 0)) continue;  // a flat series has no anomalies to speak of
    for (size_t i : s.fresh) {
      const MetricRow& r = (*rows)[i];
      const double z = 0.6745 * (r.value - med) / mad;
      MetricRow a = r;
      a.metric = r.metric + "_anomaly_z";
      a.value = z;
      a.threshold = model.anomaly_z;
      a.alarm = std::fabs(z) > model.anomaly_z;
      extra.push_back(std::move(a));
    }
  }
  for (MetricRow& r : extra) rows->push_back(std::move(r));
}

// Runs fn(i) for i in [0, n) on `threads` threads; the first error stops the
// others at their next item and is returned.
Status ParallelFor(size_t n, int threads, const std::function<Status(size_t)>& fn) {
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex error_mu;
  Status error;
  auto worker = [&]() {
    for (size_t i = next.fetch_add(1); i < n && !failed.load(); i = next.fetch_add(1)) {
      Status st = fn(i);
      if (!st.ok()) {
        std::lock_guard<std::mutex> lock(error_mu);
        if (error.ok()) error = st;
        failed.store(true);
        return;
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads && static_cast<size_t>(t) < n; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  return error;
}

using FinestSummaries =
    std::map<std::pair<int32_t, int64_t>, std::pair<int64_t, std::vector<sketch::FeatureSummary>>>;

// The feature summaries of a group (approximate mode): a finest window's were
// built already; a longer window of the same version merges the finest windows
// it covers when they hold exactly its rows (else, and for slices, from rows).
Result<std::vector<sketch::FeatureSummary>> GroupSummaries(const ModelConfig& model, const ModelFrame& frame,
                                                           const Group& gr, const Granularity* finest,
                                                           const FinestSummaries& finest_summaries) {
  if (gr.slice.empty() && finest != nullptr && gr.start != kNoTime) {
    const bool all = gr.granularity->all();  // 'all' covers every finest window of the version
    auto it = finest_summaries.lower_bound({gr.version, all ? INT64_MIN : gr.start});
    const auto end = finest_summaries.lower_bound({gr.version, all ? INT64_MAX : gr.end});
    std::optional<std::vector<sketch::FeatureSummary>> merged;
    int64_t covered = 0;
    for (; it != end; ++it) {
      covered += it->second.first;
      if (!merged.has_value()) {
        merged = it->second.second;
        continue;
      }
      for (size_t f = 0; f < merged->size(); ++f) LW_RETURN_IF_ERROR((*merged)[f].Merge(it->second.second[f]));
    }
    if (merged.has_value() && covered == static_cast<int64_t>(gr.rows.size())) return std::move(*merged);
  }
  return SummarizeFeatures(model, frame, gr.rows);
}

// The smallest fixed-size granularity of the model (months count as larger
// than any fixed size); null when every window is `all`.
const Granularity* FinestGranularity(const ModelConfig& model) {
  const Granularity* finest = nullptr;
  for (const Granularity& g : model.windows) {
    if (g.all()) continue;
    if (finest == nullptr) {
      finest = &g;
    } else if (g.micros > 0 && (finest->micros == 0 || g.micros < finest->micros)) {
      finest = &g;
    } else if (g.micros == 0 && finest->micros == 0 && g.months < finest->months) {
      finest = &g;
    }
  }
  return finest;
}

}  // namespace

std::vector<uint32_t> BaselineRows(const ModelConfig& model, const ModelFrame& frame) {
  std::vector<uint32_t> rows;
  const BaselineConfig& b = model.baseline;
  if (b.kind == BaselineConfig::Kind::kVersion) {
    const int32_t code = frame.version.Find(b.version);
    for (uint32_t i = 0; i < frame.rows; ++i) {
      if (frame.version.codes[i] == code && code >= 0) rows.push_back(i);
    }
    return rows;
  }
  if (frame.ts.empty()) {  // no time axis and no other choice: everything
    rows.resize(static_cast<size_t>(frame.rows));
    for (uint32_t i = 0; i < frame.rows; ++i) rows[i] = i;
    return rows;
  }
  int64_t from = b.from_micros, to = b.to_micros;
  if (b.kind == BaselineConfig::Kind::kDefault) {  // the first day of events
    int64_t first = INT64_MAX;
    for (int64_t t : frame.ts) {
      if (t != INT64_MIN) first = std::min(first, t);
    }
    from = first;
    to = first == INT64_MAX ? first : first + kDayMicros;
  }
  for (uint32_t i = 0; i < frame.rows; ++i) {
    const int64_t t = frame.ts[i];
    if (t != INT64_MIN && t >= from && t < to) rows.push_back(i);
  }
  return rows;
}


Result<RunSummary> RunMonitors(const MonitorConfig& config, const RunOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  RunSummary summary;
  if (!options.model.empty() && config.Find(options.model) == nullptr) {
    std::string names;
    for (const ModelConfig& m : config.models) names += (names.empty() ? "" : ", ") + m.name;
    return Status::InvalidArgument("no model '" + options.model + "' in " + config.path + " (models: " + names + ")");
  }
  const int threads = options.threads > 0 ? options.threads
                                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  std::vector<MetricRow> all_rows;
  const int64_t computed_at = NowMillis() * 1000;
  for (const ModelConfig& configured : config.models) {
    if (!options.model.empty() && configured.name != options.model) continue;
    ModelConfig model = configured;
    if (options.approximate) model.approximate = true;
    ModelRunSummary ms;
    ms.model = model.name;
    if (options.progress) options.progress(model.name + ": reading " + model.table);
    LoadOptions lo;
    lo.data_dir = options.data_dir;
    lo.threads = threads;
    LW_ASSIGN_OR_RETURN(ModelFrame frame, LoadModelFrame(model, lo));
    ms.rows = frame.rows;
    ms.source_version = frame.source_version;
    std::optional<ModelFrame> baseline_frame;
    std::vector<uint32_t> baseline_rows;
    if (model.baseline.kind == BaselineConfig::Kind::kTable) {
      lo.table = model.baseline.table;
      LW_ASSIGN_OR_RETURN(ModelFrame bf, LoadModelFrame(model, lo));
      baseline_frame.emplace(std::move(bf));
      baseline_rows.resize(static_cast<size_t>(baseline_frame->rows));
      for (uint32_t i = 0; i < baseline_frame->rows; ++i) baseline_rows[i] = i;
    } else {
      baseline_rows = BaselineRows(model, frame);
    }
    // (Approximate figures are told apart by their baseline; switching modes recomputes.)
    const std::string baseline_text = model.baseline.Describe() + (model.approximate ? " approximate" : "");
    LW_ASSIGN_OR_RETURN(Baseline baseline,
                        Baseline::Build(model, frame, baseline_frame ? *baseline_frame : frame, baseline_rows, threads));

    // A slice is compared with the same slice of the baseline (the baseline's NG
    // traffic for slice country=NG), where the baseline comes from the events.
    const std::vector<std::vector<int32_t>> slice_values = TopSliceValues(frame);
    std::map<std::string, Baseline> slice_baselines;
    if (!baseline_frame.has_value()) {
      for (size_t s = 0; s < frame.slices.size(); ++s) {
        const CategoricalValues& values = frame.slices[s].second;
        for (int32_t code : slice_values[s]) {
          std::vector<uint32_t> rows;
          for (uint32_t row : baseline_rows) {
            if (values.codes[row] == code) rows.push_back(row);
          }
          LW_ASSIGN_OR_RETURN(Baseline sb, Baseline::Build(model, frame, frame, rows, threads));
          slice_baselines.emplace(SliceName(frame, s, code), std::move(sb));
        }
      }
    }

    std::vector<Group> groups;
    for (const Granularity& g : model.windows) WindowGroups(frame, g, &groups);
    ms.windows = static_cast<int64_t>(groups.size());
    std::unordered_map<std::string, Signature> stored;
    if (!options.full) {
      LW_ASSIGN_OR_RETURN(stored, StoredSignatures(options.data_dir, model.name));
    }
    // Approximate mode: a summary of every feature of every finest window, from
    // its rows; longer windows merge them (below) instead of reading rows again.
    const Granularity* finest = model.approximate ? FinestGranularity(model) : nullptr;
    std::map<std::pair<int32_t, int64_t>, std::pair<int64_t, std::vector<sketch::FeatureSummary>>> finest_summaries;
    if (finest != nullptr) {
      std::vector<const Group*> fg;
      for (const Group& gr : groups) {
        if (gr.granularity == finest) fg.push_back(&gr);
      }
      std::vector<std::vector<sketch::FeatureSummary>> built(fg.size());
      LW_RETURN_IF_ERROR(ParallelFor(fg.size(), threads, [&](size_t i) {
        built[i] = SummarizeFeatures(model, frame, fg[i]->rows);
        return Status::OK();
      }));
      for (size_t i = 0; i < fg.size(); ++i) {
        finest_summaries.emplace(std::make_pair(fg[i]->version, fg[i]->start),
                                 std::make_pair(static_cast<int64_t>(fg[i]->rows.size()), std::move(built[i])));
      }
    }

    // Windows to compute: new or changed ones; each brings its slices along.
    std::vector<Group> work;
    for (Group& gr : groups) {
      const std::string vname = gr.version < 0 ? "*" : frame.version.dictionary[static_cast<size_t>(gr.version)];
      Signature now;
      now.count = static_cast<int64_t>(gr.rows.size());
      now.labelled = frame.has_label ? CountLabelled(frame, gr.rows) : 0;
      now.baseline = baseline_text;
      auto it = stored.find(GroupKey(vname, gr.granularity->name, gr.start));
      if (it != stored.end() && it->second == now) continue;
      const bool sliced = model.slice_windows.empty() ||
                          std::find(model.slice_windows.begin(), model.slice_windows.end(),
                                    gr.granularity->name) != model.slice_windows.end();
      for (size_t s = 0; sliced && s < frame.slices.size(); ++s) {
        const CategoricalValues& values = frame.slices[s].second;
        for (int32_t code : slice_values[s]) {
          Group sg;
          sg.granularity = gr.granularity;
          sg.start = gr.start;
          sg.end = gr.end;
          sg.version = gr.version;
          sg.slice = SliceName(frame, s, code);
          for (uint32_t row : gr.rows) {
            if (values.codes[row] == code) sg.rows.push_back(row);
          }
          if (!sg.rows.empty()) work.push_back(std::move(sg));
        }
      }
      work.push_back(std::move(gr));
      ++ms.windows_computed;
    }
    groups.clear();

    // Compute the groups in parallel; each keeps its own rows.
    std::vector<std::vector<MetricRow>> out(work.size());
    std::vector<SketchRow> sketch_rows;
    std::mutex sketch_mu;
    std::atomic<size_t> done{0};
    LW_RETURN_IF_ERROR(ParallelFor(work.size(), threads, [&](size_t i) -> Status {
      const Group& gr = work[i];
      GroupContext ctx;
      ctx.model = &model;
      ctx.frame = &frame;
      auto sb = slice_baselines.find(gr.slice);
      ctx.baseline = sb != slice_baselines.end() ? &sb->second : &baseline;
      ctx.rows = &gr.rows;
      ctx.window_hours = gr.start == kNoTime ? 0 : static_cast<double>(gr.end - gr.start) / 3.6e9;
      MetricRow proto;
      proto.model = model.name;
      proto.version = gr.version < 0 ? "*" : frame.version.dictionary[static_cast<size_t>(gr.version)];
      proto.window_start = gr.start;
      proto.window_end = gr.end;
      proto.granularity = gr.granularity->name;
      proto.slice = gr.slice;
      proto.baseline = baseline_text;
      proto.source_version = frame.source_version;
      proto.computed_at = computed_at;
      std::vector<sketch::FeatureSummary> summaries;
      if (model.approximate) {
        LW_ASSIGN_OR_RETURN(summaries, GroupSummaries(model, frame, gr, finest, finest_summaries));
        ctx.summaries = &summaries;
        if (gr.granularity == finest && gr.slice.empty()) {  // kept per window (monitor_sketches)
          std::lock_guard<std::mutex> lock(sketch_mu);
          for (size_t f = 0; f < summaries.size(); ++f) {
            SketchRow row;
            row.model = model.name;
            row.version = proto.version;
            row.window_start = gr.start;
            row.window_end = gr.end;
            row.granularity = gr.granularity->name;
            row.column = frame.features[f].column;
            row.summary = summaries[f].Serialize();
            row.n = static_cast<int64_t>(gr.rows.size());
            row.source_version = frame.source_version;
            row.computed_at = computed_at;
            sketch_rows.push_back(std::move(row));
          }
        }
      }
      Status st = ComputeGroupFigures(ctx, proto, &out[i]);
      if (!st.ok()) return st.WithContext("model '" + model.name + "'");
      const size_t d = done.fetch_add(1) + 1;
      if (options.progress && (d % 64 == 0 || d == work.size())) {
        options.progress(model.name + ": " + std::to_string(d) + "/" + std::to_string(work.size()) + " groups");
      }
      return Status::OK();
    }));
    if (!sketch_rows.empty()) {
      LW_RETURN_IF_ERROR(AppendSketches(options.data_dir + "/" + kSketchesTable, sketch_rows).status());
    }

    std::vector<MetricRow> rows;
    for (auto& part : out) {
      for (MetricRow& r : part) rows.push_back(std::move(r));
    }
    // An incremental run judges its windows against the stored series too.
    std::vector<MetricRow> stored_rows;
    if (!options.full && static_cast<size_t>(ms.windows_computed) < static_cast<size_t>(ms.windows) && !rows.empty()) {
      std::string in;
      for (const std::string& m : AnomalyTrackedMetrics()) in += (in.empty() ? "" : ", ") + SqlString(m);
      LW_ASSIGN_OR_RETURN(stored_rows, ReadLatestMetrics(options.data_dir, model.name,
                                                    "granularity <> 'all' AND metric IN (" + in + ")"));
    }
    AddAnomalies(model, stored_rows, &rows);
    // Too few rows behind a figure for a threshold to mean anything: no verdict
    // (alarm null). Volume figures are exempt: a window with little traffic is their signal.
    for (MetricRow& r : rows) {
      if (r.alarm.has_value() && r.n < model.min_rows && !IsVolumeMetric(r.metric)) r.alarm.reset();
    }
    for (const MetricRow& r : rows) {
      if (r.alarm.value_or(false)) {
        ++ms.alarms;
        if (ms.alarm_lines.size() < 20) ms.alarm_lines.push_back(DescribeAlarm(r));
      }
    }
    ms.figures = static_cast<int64_t>(rows.size());
    for (MetricRow& r : rows) all_rows.push_back(std::move(r));
    summary.models.push_back(std::move(ms));
  }
  LW_ASSIGN_OR_RETURN(summary.metrics_version,
                      AppendMetrics(options.data_dir + "/" + kMetricsTable, all_rows));
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return summary;
}

}  // namespace lakewatch::monitor
