// Parser: Spark SQL text → Statement (ast.h), by recursive descent.
//
// Grammar (the subset lakewatch runs; see docs/sql.md):
//   statement  := [EXPLAIN] query [;]
//   query      := [WITH cte (, cte)*] set_expr [ORDER BY order (, order)*]
//                 [LIMIT expr | LIMIT ALL] [OFFSET expr]
//   set_expr   := select_or_paren ((UNION [ALL|DISTINCT] | INTERSECT | EXCEPT) select_or_paren)*
//   select     := SELECT [DISTINCT|ALL] item (, item)* [FROM from] [WHERE expr]
//                 [GROUP BY (ALL | expr (, expr)*)] [HAVING expr]
//   from       := table_ref ((, | [INNER|CROSS|LEFT [OUTER]|RIGHT [OUTER]|FULL [OUTER]] JOIN)
//                 table_ref [ON expr | USING (cols)])*
//   table_ref  := name [VERSION AS OF n | TIMESTAMP AS OF 'ts'] [[AS] alias [(cols)]]
//               | ( query ) [AS] alias | VALUES row (, row)* [[AS] alias [(cols)]]
// Operator precedence, lowest first (as Spark): OR; AND; NOT; comparison,
// IN, BETWEEN, LIKE, IS; |; ^; &; + - ||; * / % DIV; unary - + ~; [] and .
//
// Errors: InvalidArgument "SQL syntax error at line L, column C: expected …,
// found …". Nesting deeper than kMaxDepth is refused (no stack overflow).
//
// Thread-safety: pure function.
#pragma once

#include <string_view>

#include "common/status.h"
#include "sql/parser/ast.h"

namespace lakewatch::sql {

inline constexpr int kMaxParseDepth = 200;

Result<Statement> ParseStatement(std::string_view sql);

// Parses a type name: "bigint", "decimal(10,2)", "array<string>", "map<string,int>",
// "struct<a:int,b:string>" (also used by CAST).
Result<TypePtr> ParseTypeName(std::string_view text);

}  // namespace lakewatch::sql
