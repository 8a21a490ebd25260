// MulticlassMetrics: the performance figures of a single-label multiclass classifier over one
// window's labelled rows, exact to scikit-learn 1.2.1 (docs/performance-metrics.md).
//
//   MulticlassInput<std::string_view> in{.y_true = t, .y_pred = p, .classes = c, .proba = pr};
//   LW_ASSIGN_OR_RETURN(Figures figures, MulticlassMetrics(in));
//
// Classes are the labels present in y_true or y_pred (sklearn's default `labels`). Figures:
//   model-level: count, accuracy, {precision,recall,f1}_{micro,macro,weighted};
//                log_loss and roc_auc (one-vs-rest, macro) when proba is given
//   per class (column = label): precision, recall, f1, support, positive_rate, prediction_rate,
//                roc_auc (one-vs-rest, when the class has positives and negatives)
//   confusion:   column "true=A,pred=B" (labels with '%', ',' or '=' percent-encoded), value =
//                rows with label A predicted B; only non-zero cells are listed.
// roc_auc (macro) is given only when every class of `classes` occurs in y_true: sklearn's
// roc_auc_score(multi_class='ovr') raises otherwise. An empty window gives only count = 0.
//
// Cost: O(n) with one hash lookup per label, plus one radix sort per probability column.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "common/status.h"
#include "monitor/metrics/figure.h"

namespace lakewatch::monitor::metrics {

// More distinct labels than this is almost surely a regression target or an id: refused with
// ResourceExhausted rather than building a huge confusion matrix.
inline constexpr size_t kMaxClasses = 1000;

// Label is std::string_view or int64_t.
template <typename Label>
struct MulticlassInput {
  std::span<const Label> y_true = {};   // one label per row
  std::span<const Label> y_pred = {};   // predicted label, same length; empty: none logged
  std::span<const Label> classes = {};  // the classes of proba's columns, distinct, any order
  // Class probabilities, row-major: proba[i * classes.size() + k] = P(row i is classes[k]);
  // empty: none logged. Rows are renormalised for log_loss as sklearn does.
  std::span<const double> proba = {};
};

// Fails with InvalidArgument on a length mismatch, fewer than two or repeated classes, a
// probability outside [0, 1], or a y_true label missing from `classes` (when proba is given);
// with ResourceExhausted beyond kMaxClasses distinct labels.
template <typename Label>
Result<Figures> MulticlassMetrics(const MulticlassInput<Label>& in);

extern template Result<Figures> MulticlassMetrics(const MulticlassInput<std::string_view>&);
extern template Result<Figures> MulticlassMetrics(const MulticlassInput<int64_t>&);

// "true=A,pred=B", the `column` of a confusion figure.
std::string ConfusionCell(std::string_view true_label, std::string_view pred_label);

}  // namespace lakewatch::monitor::metrics
