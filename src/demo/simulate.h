// The simulator behind `lakewatch demo`: a deterministic production history of
// two models — a binary fraud detector and a delivery-time (ETA) regressor —
// written as the raw files their services would emit (JSON lines, logfmt,
// plain-text application logs), with a version rollout, a concept change in
// one slice, input drift, a storm, a new error and late labels injected at
// known times. docs/demo-data.md describes the world for users.
//
// Determinism: the files depend only on the options other than `threads`.
// Every (stream, day) pair draws from its own random stream seeded from
// `seed`; days are generated in parallel and written in order; records that
// cross days (late labels, feedback) are sorted by (time, request number).
//
// Thread-safety: Simulate is reentrant; it starts and joins its own threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace lakewatch::demo {

struct SimulationOptions {
  // Prediction events of the fraud detector over the period; the ETA regressor
  // gets events / 4. Application log records are about events / 20.
  int64_t events = 1'000'000;
  uint64_t seed = 42;
  // Start of the period, µs since the epoch (UTC): 2025-11-03T00:00:00Z, a Monday.
  int64_t start_micros = 1'762'128'000'000'000;
  // Length of the period in days (1..366). The scenario's times are laid out
  // for 14 days and scale with this (rounded to the minute).
  int days = 14;
  // Worker threads; 0 = all cores. The output does not depend on it.
  int threads = 0;
};

// What was injected, for the terminal summary and the tests. Times are µs
// since the epoch, UTC; "day N" is N days after `start` (day 0 = start).
struct Scenario {
  std::string fraud_model = "fraud-detector";
  std::string eta_model = "eta-regressor";
  int64_t start = 0, end = 0;  // the period [start, end)
  int64_t rollout_start = 0;   // version 3 canary, 10% of traffic: day 7 12:00
  int64_t rollout_full = 0;    // version 3 takes all traffic: day 8 12:00
  int64_t drift_start = 0;     // input drift and the storm begin: day 10 00:00
  int64_t drift_full = 0;      // amount ×1.6 and crypto ~38% reached: day 12 00:00
  int64_t missing_full = 0;    // account_age_days missing reaches 30%: day 13 00:00
  int64_t storm_end = 0;       // rain back to its usual share: day 13 00:00
  std::string old_version = "2", new_version = "3";
  // Features of the fraud detector whose inputs drift from drift_start.
  std::vector<std::string> drifted_features;
  // Features of the ETA regressor that drift during the storm.
  std::vector<std::string> eta_drifted_features;
  // The slice where version 3 of the fraud detector is clearly worse than version 2.
  std::string degraded_slice;
  // The slice where version 3 of the ETA regressor underestimates (MAE up).
  std::string eta_degraded_slice;
  // A substring of the error message that only version 3 produces, from rollout_start.
  std::string new_error_pattern;

  // Counts of what was written.
  int64_t fraud_predictions = 0;
  int64_t fraud_v3_predictions = 0;
  int64_t fraud_errors = 0;       // predictions with an error (no prediction)
  int64_t cuda_oom_errors = 0;    // of which the new CUDA out-of-memory error
  int64_t fraud_labels = 0;
  int64_t feedback = 0;
  int64_t disputes = 0;           // feedback of kind "dispute"
  int64_t eta_predictions = 0;
  int64_t eta_labels = 0;
  int64_t resource_samples = 0;
  int64_t log_records = 0;        // app.log entries (a traceback is part of its entry)
  int64_t log_lines = 0;          // app.log lines
  int64_t cuda_oom_log_records = 0;
};

// Absolute paths of the files written, and their record counts.
struct SimulationFiles {
  std::string fraud_predictions;  // fraud_predictions.jsonl
  std::string fraud_labels;       // fraud_labels.jsonl
  std::string eta_predictions;    // eta_predictions.jsonl
  std::string eta_labels;         // eta_labels.logfmt
  std::string resources;          // resources.logfmt
  std::string app_logs;           // app.log
  std::string feedback;           // feedback.jsonl
  int64_t fraud_prediction_count = 0;
  int64_t fraud_label_count = 0;
  int64_t eta_prediction_count = 0;
  int64_t eta_label_count = 0;
  int64_t resource_count = 0;
  int64_t log_record_count = 0;   // entries, not lines
  int64_t feedback_count = 0;
};

// Writes the seven files into `dir` (created with its parents if missing;
// existing files of the same names are replaced) and, when `scenario` is not
// null, fills it. Errors: InvalidArgument for options out of range, IOError
// naming the path for a directory or file that cannot be created or written.
Result<SimulationFiles> Simulate(const SimulationOptions& options, const std::string& dir,
                                 Scenario* scenario);

}  // namespace lakewatch::demo
