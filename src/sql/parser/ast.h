// The parsed form of a statement, before names are resolved (the binder turns
// it into a logical plan). Nodes own their children (unique_ptr); every node
// keeps the byte range of its text in the query, for error messages and for
// Spark-style output column names.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/scalar.h"
#include "common/types.h"

namespace lakewatch::sql {

struct Expr;
struct QueryNode;
struct TableRef;
using ExprPtr = std::unique_ptr<Expr>;
using QueryPtr = std::unique_ptr<QueryNode>;
using TableRefPtr = std::unique_ptr<TableRef>;

enum class ExprKind : uint8_t {
  kLiteral,    // value
  kColumn,     // names: a, t.a, a.b.c (resolved by the binder: table, column, fields)
  kStar,       // names: qualifier parts (empty for *)
  kFunction,   // name(args) [DISTINCT]; count(*) has star = true
  kUnary,      // op: "-", "+", "NOT", "~"
  kBinary,     // op: + - * / % div || = <=> <> < <= > >= AND OR & | ^
  kCase,       // [operand] WHEN..THEN.. [ELSE]: children = operand?, when1, then1, ..., else?
  kCast,       // children[0] AS type; try_cast = TRY_CAST
  kIn,         // children[0] [NOT] IN (children[1..])
  kBetween,    // children[0] [NOT] BETWEEN children[1] AND children[2]
  kIsNull,     // children[0] IS [NOT] NULL
  kIsBool,     // children[0] IS [NOT] TRUE/FALSE (value.i64 = 1 for TRUE)
  kLike,       // children[0] [NOT] LIKE|ILIKE|RLIKE children[1] [ESCAPE 'c']
  kSubscript,  // children[0][children[1]]
  kField,      // children[0].name, where children[0] is not a plain name chain
  kInterval,   // INTERVAL: value.i64 = microseconds, months in `months`
};

struct Expr {
  ExprKind kind = ExprKind::kLiteral;
  size_t begin = 0, end = 0;  // byte range in the query
  Scalar value;                        // kLiteral; kIsBool
  std::vector<std::string> names;      // kColumn, kStar
  std::string name;                    // kFunction (lower case), kField
  std::string op;                      // kUnary, kBinary, kLike ("LIKE"/"ILIKE"/"RLIKE")
  std::vector<ExprPtr> children;
  bool distinct = false;               // kFunction
  bool star = false;                   // kFunction: count(*)
  bool negated = false;                // kIn, kBetween, kIsNull, kIsBool, kLike
  bool has_operand = false;            // kCase
  bool has_else = false;               // kCase
  bool try_cast = false;               // kCast
  TypePtr cast_type;                   // kCast
  std::optional<char> escape;          // kLike
  int64_t months = 0;                  // kInterval
};

struct SelectItem {
  ExprPtr expr;
  std::optional<std::string> alias;
};

struct OrderItem {
  ExprPtr expr;
  bool descending = false;
  std::optional<bool> nulls_first;  // unset: Spark's default (first for ASC, last for DESC)
};

enum class TableRefKind : uint8_t { kTable, kSubquery, kJoin, kValues };
// kSemi / kAnti are planner-only (INTERSECT, EXCEPT): left rows with / without a match.
enum class JoinType : uint8_t { kInner, kLeft, kRight, kFull, kCross, kSemi, kAnti };

struct TableRef {
  TableRefKind kind = TableRefKind::kTable;
  size_t begin = 0, end = 0;
  std::optional<std::string> alias;
  std::vector<std::string> column_aliases;  // t(a, b)
  // kTable: name parts (["delta", "/path"] for delta.`/path`), time travel
  std::vector<std::string> name;
  std::optional<int64_t> version_as_of;
  std::optional<std::string> timestamp_as_of;
  // kSubquery
  QueryPtr subquery;
  // kJoin
  JoinType join_type = JoinType::kInner;
  TableRefPtr left, right;
  ExprPtr condition;                   // ON ...
  std::vector<std::string> using_columns;
  // kValues: rows of expressions
  std::vector<std::vector<ExprPtr>> rows;
};

struct SelectCore {
  bool distinct = false;
  std::vector<SelectItem> items;
  TableRefPtr from;  // may be null: SELECT 1
  ExprPtr where;
  std::vector<ExprPtr> group_by;
  bool group_by_all = false;
  ExprPtr having;
};

struct CommonTableExpr {
  std::string name;
  std::vector<std::string> column_aliases;
  QueryPtr query;
};

// A query: either a SELECT core or a set operation of two queries, with the
// ORDER BY / LIMIT / OFFSET that apply to the whole.
struct QueryNode {
  std::vector<CommonTableExpr> ctes;
  std::unique_ptr<SelectCore> select;  // set when this is a plain SELECT
  // Set operation (select is null): left op right.
  std::string set_op;  // "UNION ALL", "UNION", "INTERSECT", "EXCEPT"
  QueryPtr left, right;
  std::vector<OrderItem> order_by;
  ExprPtr limit;
  ExprPtr offset;
  size_t begin = 0, end = 0;
};

struct Statement {
  bool explain = false;
  QueryPtr query;
};

}  // namespace lakewatch::sql
