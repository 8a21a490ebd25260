// drift_bench: exact drift statistics on 20 numeric + 5 categorical features,
// 1M reference rows against 1M current rows (bench/drift_scipy.py runs the same
// computations in scipy on the same data and compares answers and times).
//
// Per numeric feature: sort both samples (SortedSample), KS (statistic and
// p-value, scipy's method='auto': asymptotic at this size), Wasserstein-1
// normed by the reference std, PSI and Jensen–Shannon on reference deciles.
// Per categorical feature: count the values (strings), chi-square
// (contingency), PSI and Jensen–Shannon on the category shares.
//
// Approximate mode (the monitor's `approximate: true`): each sample summarized
// (sketch::FeatureSummary), then every figure estimated from the two summaries;
// building and estimating are timed apart and the estimates printed beside the
// exact figures (drift_scipy.py reports their errors against scipy).
//
// The data are generated deterministically (fixed seeds; libstdc++'s
// distributions). Features are spread over the worker threads (1 and 2 by
// default); each feature is computed by one thread.
//
//   drift_bench [--rows N] [--threads 1,2] [--reps R] [--data-dir DIR] [--results FILE]
//
// --data-dir writes the generated data for drift_scipy.py: numeric_<f>_{ref,cur}.f64
// (little-endian doubles, NaN = missing), categorical_<f>_{ref,cur}.u16 (codes) and
// categories.json (the names per categorical feature). --results writes the figures
// and times as JSON (also printed on stdout).
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/memory.h"
#include "monitor/sketch/approximate_drift.h"
#include "monitor/sketch/feature_summary.h"
#include "monitor/stats/binning.h"
#include "monitor/stats/category_counts.h"
#include "monitor/stats/chi_square.h"
#include "monitor/stats/jensen_shannon.h"
#include "monitor/stats/kolmogorov_smirnov.h"
#include "monitor/stats/psi.h"
#include "monitor/stats/sorted_sample.h"
#include "monitor/stats/wasserstein.h"

namespace lakewatch::monitor::stats {
namespace {

constexpr int kNumeric = 20;
constexpr int kCategorical = 5;

struct NumericFeature {
  std::vector<double> reference;
  std::vector<double> current;
};

struct CategoricalFeature {
  std::vector<std::string> names;
  std::vector<uint16_t> reference;  // codes into names
  std::vector<uint16_t> current;
};

// Feature f: shape f % 5 (normal, lognormal, uniform, rounded normal = ties,
// exponential); the current sample shifted by 0.25 (f % 4 == 0, drift), by
// 0.003 (f % 4 == 1, barely: the p-value needs the finite-n distribution's
// series) or not at all; 1% missing values when f % 3 == 0.
NumericFeature MakeNumeric(int f, int64_t rows) {
  std::mt19937_64 rng(1000 + f);
  std::normal_distribution<double> normal(0, 1);
  std::lognormal_distribution<double> lognormal(0, 0.5);
  std::uniform_real_distribution<double> uniform(0, 100);
  std::exponential_distribution<double> exponential(1);
  std::uniform_real_distribution<double> unit(0, 1);
  const double shift = f % 4 == 0 ? 0.25 : f % 4 == 1 ? 0.003 : 0.0;
  auto draw = [&](double s) {
    switch (f % 5) {
      case 0:
        return normal(rng) + s;
      case 1:
        return lognormal(rng) + s;
      case 2:
        return uniform(rng) + 100 * s;
      case 3:
        return std::round(10 * (normal(rng) + s));
      default:
        return exponential(rng) + s;
    }
  };
  NumericFeature out;
  out.reference.resize(rows);
  out.current.resize(rows);
  for (int64_t i = 0; i < rows; ++i) out.reference[i] = draw(0);
  for (int64_t i = 0; i < rows; ++i) out.current[i] = draw(shift);
  if (f % 3 == 0) {
    for (auto* v : {&out.reference, &out.current}) {
      for (double& x : *v) {
        if (unit(rng) < 0.01) x = std::nan("");
      }
    }
  }
  return out;
}

// Feature f: k categories with Zipf-like shares (1 / (i + 1)^1.1); for even f
// the current swaps the shares of the two most common categories.
CategoricalFeature MakeCategorical(int f, int64_t rows) {
  static constexpr int kSizes[kCategorical] = {2, 5, 12, 50, 300};
  const int k = kSizes[f];
  std::mt19937_64 rng(2000 + f);
  CategoricalFeature out;
  std::vector<double> weights;
  for (int i = 0; i < k; ++i) {
    out.names.push_back(fmt::format("cat{}_{}", f, i));
    weights.push_back(1.0 / std::pow(i + 1, 1.1));
  }
  std::discrete_distribution<int> ref_dist(weights.begin(), weights.end());
  if (f % 2 == 0) std::swap(weights[0], weights[1]);
  std::discrete_distribution<int> cur_dist(weights.begin(), weights.end());
  for (int64_t i = 0; i < rows; ++i) out.reference.push_back(static_cast<uint16_t>(ref_dist(rng)));
  for (int64_t i = 0; i < rows; ++i) out.current.push_back(static_cast<uint16_t>(cur_dist(rng)));
  return out;
}

struct NumericFigures {
  double ks_stat = 0, ks_p = 0, wasserstein_norm = 0, psi = 0, js = 0;
};
struct CategoricalFigures {
  double chi2_stat = 0, chi2_p = 0, psi = 0, js = 0;
};

template <typename T>
T OrDie(Result<T> r) {
  if (!r.ok()) {
    std::cerr << "drift_bench: " << r.status().ToString() << "\n";
    std::exit(2);
  }
  return std::move(r).value();
}

NumericFigures RunNumeric(const NumericFeature& data) {
  SortedSample ref = SortedSample::FromValues(data.reference);
  SortedSample cur = SortedSample::FromValues(data.current);
  NumericFigures out;
  const KsResult ks = OrDie(KsTest(ref, cur, KsMethod::kAuto));
  out.ks_stat = ks.statistic;
  out.ks_p = ks.p_value;
  out.wasserstein_norm = OrDie(NormedWasserstein(ref, cur));
  const BinnedCounts bins = OrDie(BinSamples(ref, cur, BinOptions{}));
  out.psi = OrDie(Psi(bins.reference, bins.current));
  out.js = OrDie(JensenShannonDistance(bins.reference, bins.current));
  return out;
}

CategoricalFigures RunCategorical(const CategoricalFeature& data) {
  CategoryCounts ref;
  CategoryCounts cur;
  for (uint16_t c : data.reference) ref.Add(data.names[c]);
  for (uint16_t c : data.current) cur.Add(data.names[c]);
  const AlignedCounts counts = OrDie(AlignCategories(ref, cur));
  const ChiSquareResult chi = OrDie(ChiSquareContingency(counts));
  CategoricalFigures out;
  out.chi2_stat = chi.statistic;
  out.chi2_p = chi.p_value;
  out.psi = OrDie(Psi(counts.reference, counts.current));
  out.js = OrDie(JensenShannonDistance(counts.reference, counts.current));
  return out;
}

// Approximate mode: each sample summarized once (sketch::FeatureSummary, the
// monitor's per-window summary: KLL quantiles, moments, tracked values; frequent
// items + HyperLogLog for categoricals), then the figures estimated from the two
// summaries alone. Build and estimate are timed apart: a monitor builds each
// window's summary once and stores it, and compares stored summaries after that.
struct Summaries {
  std::vector<sketch::FeatureSummary> numeric_ref, numeric_cur, categorical_ref, categorical_cur;
};

void BuildNumericSummaries(const NumericFeature& data, sketch::FeatureSummary* ref,
                           sketch::FeatureSummary* cur) {
  for (const auto& [v, s] : {std::pair{&data.reference, ref}, std::pair{&data.current, cur}}) {
    *s = sketch::FeatureSummary::Numeric();
    s->AddNumbers(*v);
  }
}

void BuildCategoricalSummaries(const CategoricalFeature& data, sketch::FeatureSummary* ref,
                               sketch::FeatureSummary* cur) {
  for (const auto& [v, s] : {std::pair{&data.reference, ref}, std::pair{&data.current, cur}}) {
    // As the monitor does with a window's dictionary codes: count the codes, then
    // add each category once with its count.
    *s = sketch::FeatureSummary::Categorical();
    std::vector<uint64_t> counts(data.names.size());
    for (uint16_t c : *v) ++counts[c];
    for (size_t c = 0; c < counts.size(); ++c) {
      if (counts[c] > 0) s->AddCategory(data.names[c], counts[c]);
    }
  }
}

NumericFigures EstimateNumeric(const sketch::FeatureSummary& ref,
                               const sketch::FeatureSummary& cur) {
  const sketch::NumericDriftEstimate e = OrDie(sketch::EstimateNumericDrift(ref, cur));
  return {e.ks_statistic, e.ks_pvalue, e.wasserstein_norm, e.psi, e.js_distance};
}

CategoricalFigures EstimateCategorical(const sketch::FeatureSummary& ref,
                                       const sketch::FeatureSummary& cur) {
  const sketch::CategoricalDriftEstimate e = OrDie(sketch::EstimateCategoricalDrift(ref, cur));
  return {e.chi_square.statistic, e.chi_square.p_value, e.psi, e.js_distance};
}

// Runs work(i) for i in [0, n) on `threads` threads; returns the wall time in seconds.
template <typename Work>
double Timed(int n, int threads, Work work) {
  const auto start = std::chrono::steady_clock::now();
  std::atomic<int> next{0};
  auto worker = [&] {
    for (int i = next++; i < n; i = next++) work(i);
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void WriteFile(const std::string& path, const void* data, size_t bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(bytes));
  if (!out) {
    std::cerr << "drift_bench: cannot write " << path << "\n";
    std::exit(2);
  }
}

// Writes <dir>/<stem>_ref.<ext> and <dir>/<stem>_cur.<ext> as raw arrays.
template <typename T>
void WriteSamples(const std::string& dir, const std::string& stem, const char* ext,
                  const std::vector<T>& reference, const std::vector<T>& current) {
  for (const auto& [side, v] : {std::pair{"ref", &reference}, std::pair{"cur", &current}}) {
    WriteFile(fmt::format("{}/{}_{}.{}", dir, stem, side, ext), v->data(), v->size() * sizeof(T));
  }
}

void WriteData(const std::string& dir, const std::vector<NumericFeature>& numeric,
               const std::vector<CategoricalFeature>& categorical) {
  for (int f = 0; f < kNumeric; ++f) {
    WriteSamples(dir, fmt::format("numeric_{}", f), "f64", numeric[f].reference,
                 numeric[f].current);
  }
  std::string names = "[";
  for (int f = 0; f < kCategorical; ++f) {
    const auto& d = categorical[f];
    WriteSamples(dir, fmt::format("categorical_{}", f), "u16", d.reference, d.current);
    names += f ? ",[" : "[";
    for (size_t i = 0; i < d.names.size(); ++i) {
      names += fmt::format("{}\"{}\"", i ? "," : "", d.names[i]);
    }
    names += "]";
  }
  names += "]\n";
  WriteFile(dir + "/categories.json", names.data(), names.size());
}

int Main(int argc, char** argv) {
  int64_t rows = 1000000;
  std::vector<int> thread_counts = {1, 2};
  int reps = 1;
  std::string data_dir;
  std::string results_path;
  for (int i = 1; i < argc; i += 2) {  // --flag value pairs
    const std::string_view a = argv[i];
    const char* v = i + 1 < argc ? argv[i + 1] : nullptr;
    if (a == "--rows" && v) {
      rows = std::atoll(v);
    } else if (a == "--threads" && v) {
      thread_counts.clear();
      for (std::string_view s = v; !s.empty();) {
        const size_t comma = s.find(',');
        thread_counts.push_back(std::atoi(std::string(s.substr(0, comma)).c_str()));
        s = comma == std::string_view::npos ? "" : s.substr(comma + 1);
      }
    } else if (a == "--reps" && v) {
      reps = std::atoi(v);
    } else if (a == "--data-dir" && v) {
      data_dir = v;
    } else if (a == "--results" && v) {
      results_path = v;
    } else {
      std::cerr << "usage: drift_bench [--rows N] [--threads 1,2] [--reps R] [--data-dir DIR] "
                   "[--results FILE]\n";
      return 1;
    }
  }
  if (rows < 2 || reps < 1 || thread_counts.empty()) {
    std::cerr << "drift_bench: --rows must be at least 2 and --reps at least 1\n";
    return 1;
  }

  // The malloc tuning every lakewatch process gets from its SQL engine: sample
  // buffers are reused instead of faulted in afresh for every feature.
  memory::TuneMallocForBatches();
  std::vector<NumericFeature> numeric(kNumeric);
  std::vector<CategoricalFeature> categorical(kCategorical);
  Timed(kNumeric, 2, [&](int f) { numeric[f] = MakeNumeric(f, rows); });
  Timed(kCategorical, 2, [&](int f) { categorical[f] = MakeCategorical(f, rows); });
  if (!data_dir.empty()) WriteData(data_dir, numeric, categorical);

  std::vector<NumericFigures> num_figs(kNumeric);
  std::vector<CategoricalFigures> cat_figs(kCategorical);
  std::vector<NumericFigures> approx_num(kNumeric);
  std::vector<CategoricalFigures> approx_cat(kCategorical);
  std::string timings;
  for (int threads : thread_counts) {
    double best_numeric = 1e300;
    double best_categorical = 1e300;
    for (int rep = 0; rep < reps; ++rep) {
      best_numeric =
          std::min(best_numeric,
                   Timed(kNumeric, threads, [&](int f) { num_figs[f] = RunNumeric(numeric[f]); }));
      best_categorical = std::min(best_categorical, Timed(kCategorical, threads, [&](int f) {
                                    cat_figs[f] = RunCategorical(categorical[f]);
                                  }));
    }
    double best_build = 1e300;
    double best_estimate = 1e300;
    for (int rep = 0; rep < reps; ++rep) {
      Summaries sums;
      sums.numeric_ref.resize(kNumeric, sketch::FeatureSummary::Numeric());
      sums.numeric_cur = sums.numeric_ref;
      sums.categorical_ref.resize(kCategorical, sketch::FeatureSummary::Categorical());
      sums.categorical_cur = sums.categorical_ref;
      const double build = Timed(kNumeric + kCategorical, threads, [&](int f) {
        if (f < kNumeric) {
          BuildNumericSummaries(numeric[f], &sums.numeric_ref[f], &sums.numeric_cur[f]);
        } else {
          const int c = f - kNumeric;
          BuildCategoricalSummaries(categorical[c], &sums.categorical_ref[c],
                                    &sums.categorical_cur[c]);
        }
      });
      const double estimate = Timed(kNumeric + kCategorical, threads, [&](int f) {
        if (f < kNumeric) {
          approx_num[f] = EstimateNumeric(sums.numeric_ref[f], sums.numeric_cur[f]);
        } else {
          const int c = f - kNumeric;
          approx_cat[c] = EstimateCategorical(sums.categorical_ref[c], sums.categorical_cur[c]);
        }
      });
      best_build = std::min(best_build, build);
      best_estimate = std::min(best_estimate, estimate);
    }
    timings += fmt::format(
        "{}\"{}\":{{\"numeric_s\":{:.4f},\"categorical_s\":{:.4f},\"approx_build_s\":{:.4f},"
        "\"approx_estimate_s\":{:.5f}}}",
        timings.empty() ? "" : ",", threads, best_numeric, best_categorical, best_build,
        best_estimate);
  }

  std::string json = fmt::format("{{\"rows\":{},\"reps\":{},\"timings\":{{{}}},\"numeric\":[", rows,
                                 reps, timings);
  auto append_figures = [&json](const std::vector<NumericFigures>& nums,
                                const std::vector<CategoricalFigures>& cats) {
    for (size_t f = 0; f < nums.size(); ++f) {
      const NumericFigures& n = nums[f];
      json += fmt::format(
          "{}{{\"ks_stat\":{},\"ks_p\":{},\"wasserstein_norm\":{},\"psi\":{},\"js\":{}}}",
          f ? "," : "", n.ks_stat, n.ks_p, n.wasserstein_norm, n.psi, n.js);
    }
    json += "],\"categorical\":[";
    for (size_t f = 0; f < cats.size(); ++f) {
      const CategoricalFigures& c = cats[f];
      json += fmt::format("{}{{\"chi2_stat\":{},\"chi2_p\":{},\"psi\":{},\"js\":{}}}",
                          f ? "," : "", c.chi2_stat, c.chi2_p, c.psi, c.js);
    }
    json += "]";
  };
  append_figures(num_figs, cat_figs);
  json += ",\"approximate\":{\"numeric\":[";
  append_figures(approx_num, approx_cat);
  json += "}}\n";
  std::cout << json;
  if (!results_path.empty()) WriteFile(results_path, json.data(), json.size());
  return 0;
}

}  // namespace
}  // namespace lakewatch::monitor::stats

int main(int argc, char** argv) { return lakewatch::monitor::stats::Main(argc, argv); }
