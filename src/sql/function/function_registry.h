// The scalar function catalogue: binding a call by name (type checks,
// Spark's implicit casts, the result type, prepared state), and the type
// rules every binder step shares (common super type, casts).
//
// Each family of functions lives in its own file and registers itself
// through a Register* function called once by the registry (no static
// initialisers: they vanish from static libraries).
//
// Thread-safety: the table is built once (thread-safe static init) and
// read-only afterwards.
#pragma once

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "sql/planner/bound_expression.h"

namespace lakewatch::sql {

// Binds one call; args are bound expressions. Errors name the function.
using FunctionBinder = std::function<Result<BoundExprPtr>(std::vector<BoundExprPtr> args)>;

struct FunctionTable {
  std::unordered_map<std::string, FunctionBinder> binders;
  void Add(const std::string& name, FunctionBinder b) { binders[name] = std::move(b); }
};

// Binds `name(args)` (name lower case; operators use their symbol: "+",
// "=", "not", "like", …). Constant calls are folded. NotFound-style
// InvalidArgument for an unknown function.
Result<BoundExprPtr> BindFunction(const std::string& name, std::vector<BoundExprPtr> args);
bool IsScalarFunction(const std::string& name);

// CAST(e AS to): the identity when types are equal; folded when e is constant.
// InvalidArgument when the cast is not defined.
Result<BoundExprPtr> BindCast(BoundExprPtr e, const TypePtr& to, bool try_cast = false);

// The type two values are brought to before they meet (comparison, CASE
// branches, IN lists, COALESCE, UNION): Spark's rules (numbers widen; a
// string meeting a number, date or timestamp is cast to that type; date and
// timestamp meet as timestamp; NULL takes the other type). Null when there
// is none.
TypePtr CommonType(const TypePtr& a, const TypePtr& b);
// Whether the type is a number (integers, float, double, decimal).
bool IsNumeric(const TypePtr& t);
bool IsIntegral(const TypePtr& t);

// InvalidArgument "name() takes lo to hi argument(s), got n" unless lo <= got <= hi.
Status CheckArity(const std::string& name, size_t got, size_t lo, size_t hi);

// A function kernel that does not need the registry: helpers for the
// Register* files.
BoundExprPtr FoldIfConstant(BoundExprPtr e);

// The families (one per file).
void RegisterOperators(FunctionTable* t);        // operators.cc
void RegisterStringFunctions(FunctionTable* t);  // string_functions.cc
void RegisterMathFunctions(FunctionTable* t);    // math_functions.cc
void RegisterDatetimeFunctions(FunctionTable* t);  // datetime_functions.cc
void RegisterCollectionFunctions(FunctionTable* t);  // collection_functions.cc
void RegisterSearchFunctions(FunctionTable* t);      // search_functions.cc

// Field `index` of the struct-valued `e` (NULL where the struct is NULL).
BoundExprPtr MakeStructField(BoundExprPtr e, int index);

// Spark's decimal result-type rule: precision over 38 keeps the integral
// digits and lowers the scale, but not below min(scale, 6).
TypePtr AdjustedDecimal(int precision, int scale);
// The decimal type holding every value of an integral/decimal type.
TypePtr DecimalFor(const TypePtr& t);

}  // namespace lakewatch::sql
