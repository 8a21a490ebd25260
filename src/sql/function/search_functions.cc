// Full-text search: match(column, 'words') is true where the column's text
// holds every token of `words` (index/tokenizer.h defines a token; order,
// case of ASCII letters and repetition do not matter). The scan narrows the
// rows it reads with the per-file search index where one exists; this kernel
// is the exact check every read row gets, so both paths give one answer.
#include "index/tokenizer.h"
#include "sql/function/function_registry.h"
#include "sql/function/kernel_util.h"

namespace lakewatch::sql {

void RegisterSearchFunctions(FunctionTable* t) {
  t->Add("match", [](std::vector<BoundExprPtr> args) -> Result<BoundExprPtr> {
    LW_RETURN_IF_ERROR(CheckArity("match", args.size(), 2, 2));
    if (!args[1]->IsConstant() || args[1]->type->id() != TypeId::kString) {
      return Status::InvalidArgument("match(): the search words must be a constant string");
    }
    LW_ASSIGN_OR_RETURN(BoundExprPtr text, BindCast(args[0], DataType::String()));
    auto tokens = std::make_shared<std::vector<std::string>>(
        args[1]->value.valid ? index::QueryTokens(args[1]->value.str) : std::vector<std::string>{});
    bool null_words = !args[1]->value.valid;
    ScalarKernel k = [null_words](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
      const auto& q = self.State<std::vector<std::string>>();
      StringReader s(v[0]);
      FixedWriter<uint8_t> w(DataType::Boolean(), n);
      for (int64_t i = 0; i < n; ++i) {
        if (null_words || !s.Valid(i)) {
          w.SetNull(i);
        } else {
          w.values[i] = index::ContainsAllTokens(s[i], q);
        }
      }
      *out = w.Finish();
      return Status::OK();
    };
    return MakeFunction("match", DataType::Boolean(), {text, args[1]}, k, tokens);
  });
}

}  // namespace lakewatch::sql
