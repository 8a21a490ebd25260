// BoundExpr: an expression whose names are resolved to input column indexes
// and whose types are known; what the executor evaluates over a batch.
//
// Scalar functions are bound to a kernel (a plain function over Datums) plus
// optional prepared state (a compiled regular expression, a LIKE matcher, the
// target type of a cast …), so evaluation does no lookup and no parsing.
//
// Thread-safety: immutable once bound; one BoundExpr may be evaluated by many
// threads at once (kernels keep no mutable state; RE2 is thread-safe).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/scalar.h"
#include "common/status.h"
#include "common/types.h"
#include "sql/execution/datum.h"

namespace lakewatch::sql {

struct BoundExpr;
using BoundExprPtr = std::shared_ptr<const BoundExpr>;

// A kernel computes the function over `args` (each a column of `rows` rows
// or a scalar) into *out. Kernels return errors only for failures the user
// must see (ANSI-style errors are not used: bad values give NULL, as Spark's
// default non-ANSI mode does).
using ScalarKernel =
    std::function<Status(const BoundExpr& self, const std::vector<Datum>& args, int64_t rows, Datum* out)>;

enum class BoundKind : uint8_t {
  kColumnRef,  // input column `index`
  kConstant,   // `value`
  kFunction,   // kernel over children (CAST, arithmetic, comparisons, functions, …)
  kAnd,        // three-valued AND of children (any number)
  kOr,         // three-valued OR
  kCase,       // children: when1, then1, …, else (else always present, maybe NULL constant)
  kCoalesce,   // first non-null child
};

struct BoundExpr {
  BoundKind kind = BoundKind::kConstant;
  TypePtr type;
  int index = -1;  // kColumnRef
  Scalar value;    // kConstant
  std::vector<BoundExprPtr> children;
  std::string name;                   // function name, for EXPLAIN and errors
  ScalarKernel kernel;                // kFunction
  std::shared_ptr<const void> state;  // kFunction: prepared state the kernel reads
  // True when the value depends only on constants (folded at bind time).
  bool IsConstant() const { return kind == BoundKind::kConstant; }

  template <typename T> const T& State() const { return *static_cast<const T*>(state.get()); }
  // Canonical text, used to match expressions (GROUP BY items against SELECT
  // items) and in EXPLAIN: "#3", "42", "upper(#1)".
  std::string ToString() const;
};

BoundExprPtr MakeColumnRef(int index, TypePtr type);
BoundExprPtr MakeConstant(Scalar value);
BoundExprPtr MakeFunction(std::string name, TypePtr type, std::vector<BoundExprPtr> children, ScalarKernel kernel,
                          std::shared_ptr<const void> state = nullptr);

// Evaluates `expr` over `batch`. The result is a scalar only when expr is
// constant; else a column of batch.num_rows rows.
Status Evaluate(const BoundExpr& expr, const RecordBatch& batch, Datum* out);
// Evaluates a boolean `expr` and returns the rows where it is true (not
// false, not null), ascending.
Status EvaluateSelection(const BoundExpr& expr, const RecordBatch& batch, std::vector<uint32_t>* rows);
// Evaluates a constant expression to a scalar (for folding).
Result<Scalar> EvaluateConstant(const BoundExpr& expr);

}  // namespace lakewatch::sql
