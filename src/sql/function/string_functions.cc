// String functions (Spark semantics): lower, upper, length, substring,
// concat, concat_ws, split, regexp_extract, regexp_replace, trim/ltrim/rtrim,
// replace, instr, locate, lpad/rpad, reverse, left, right, repeat, initcap,
// startswith/endswith/contains. Lengths and positions count characters
// (UTF-8 code points), positions are 1-based.
#include <re2/re2.h>

#include <locale.h>
#include <wctype.h>

#include <cctype>
#include <cstring>
#include <optional>

#include "common/utf8.h"
#include "sql/execution/datum.h"
#include "sql/function/cast.h"
#include "sql/function/function_registry.h"
#include "sql/function/kernel_util.h"

namespace lakewatch::sql {

namespace {

// Casts every argument to the given types (strings by default).
Result<std::vector<BoundExprPtr>> CastArgs(std::vector<BoundExprPtr> args, const std::vector<TypePtr>& types) {
  std::vector<BoundExprPtr> out;
  for (size_t i = 0; i < args.size(); ++i) {
    TypePtr t = i < types.size() ? types[i] : types.back();
    LW_ASSIGN_OR_RETURN(BoundExprPtr c, BindCast(args[i], t));
    out.push_back(std::move(c));
  }
  return out;
}

inline bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

int64_t CharLength(std::string_view s) {
  int64_t n = 0;
  for (unsigned char c : s) n += !IsContinuation(c);
  return n;
}

// Byte offset of character `k` (0-based) in s, or s.size().
size_t ByteOfChar(std::string_view s, int64_t k) {
  size_t i = 0;
  int64_t seen = 0;
  while (i < s.size()) {
    if (!IsContinuation(static_cast<unsigned char>(s[i]))) {
      if (seen == k) return i;
      ++seen;
    }
    ++i;
  }
  return s.size();
}

// Spark's substring(s, pos, len): pos 1-based, 0 acts as 1, negative counts from the end.
std::string_view Substring(std::string_view s, int64_t pos, int64_t len) {
  int64_t n = CharLength(s);
  int64_t start;
  if (pos > 0) {
    start = pos - 1;
  } else if (pos < 0) {
    start = n + pos;
  } else {
    start = 0;
  }
  int64_t end = len == INT64_MAX ? n : start + std::max<int64_t>(len, 0);
  if (start < 0) start = 0;  // len counts from the requested start even before the string
  if (end > n) end = n;
  if (start >= end) return {};
  size_t b = ByteOfChar(s, start), e = ByteOfChar(s, end);
  return s.substr(b, e - b);
}

// A kernel over string arguments producing a string; f(args, row, out) returns false for NULL.
// Any NULL argument gives NULL.
template <typename F>
ScalarKernel StringKernel(F f) {
  return [f](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
    std::vector<StringReader> r;
    for (const Datum& d : v) r.emplace_back(d);
    StringWriter w(n);
    std::string buf;
    std::vector<std::string_view> row(v.size());
    for (int64_t i = 0; i < n; ++i) {
      bool null = false;
      for (size_t k = 0; k < r.size(); ++k) {
        if (!r[k].Valid(i)) {
          null = true;
          break;
        }
        row[k] = r[k][i];
      }
      buf.clear();
      if (null || !f(self, row, &buf)) {
        w.AppendNull();
      } else {
        w.Append(buf);
      }
    }
    *out = w.Finish();
    return Status::OK();
  };
}

int64_t ToInt(std::string_view s) { return std::strtoll(std::string(s).c_str(), nullptr, 10); }

FunctionBinder StringFn(const std::string& name, size_t lo, size_t hi,
                        std::function<bool(const BoundExpr&, const std::vector<std::string_view>&, std::string*)> f) {
  return [name, lo, hi, f](std::vector<BoundExprPtr> args) -> Result<BoundExprPtr> {
    LW_RETURN_IF_ERROR(CheckArity(name, args.size(), lo, hi));
    LW_ASSIGN_OR_RETURN(auto cast, CastArgs(std::move(args), {DataType::String()}));
    return MakeFunction(name, DataType::String(), std::move(cast), StringKernel(f));
  };
}

// The C.UTF-8 locale's case tables (simple Unicode case mapping), loaded once.
locale_t Utf8Locale() {
  static locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
  return loc;
}

// Upper/lower case of UTF-8 text: ASCII directly, other characters through
// towupper/towlower (simple case mapping; invalid bytes are kept as they are).
void ConvertCase(std::string_view s, std::string* out, bool upper) {
  out->clear();
  out->reserve(s.size());
  locale_t loc = Utf8Locale();
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out->push_back(static_cast<char>(upper ? std::toupper(c) : std::tolower(c)));
      ++i;
      continue;
    }
    int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    uint32_t cp = len == 4 ? c & 0x07 : len == 3 ? c & 0x0F : c & 0x1F;
    bool ok = len > 1 && i + len <= s.size();
    for (int k = 1; ok && k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      ok = (cc & 0xC0) == 0x80;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (!ok || loc == static_cast<locale_t>(0)) {
      out->push_back(s[i]);
      ++i;
      continue;
    }
    wint_t mapped = upper ? towupper_l(static_cast<wint_t>(cp), loc) : towlower_l(static_cast<wint_t>(cp), loc);
    AppendUtf8(static_cast<uint32_t>(mapped), out);
    i += static_cast<size_t>(len);
  }
}

std::string_view TrimChars(std::string_view s, std::string_view chars, bool left, bool right) {
  auto in = [&](char c) { return chars.find(c) != std::string_view::npos; };
  if (left) {
    while (!s.empty() && in(s.front())) s.remove_prefix(1);
  }
  if (right) {
    while (!s.empty() && in(s.back())) s.remove_suffix(1);
  }
  return s;
}

struct Re {
  std::unique_ptr<RE2> re;
};

Result<std::shared_ptr<Re>> CompileConstantRegex(const std::string& fn, const BoundExprPtr& p) {
  if (!p->IsConstant()) return Status::InvalidArgument(fn + "(): the pattern must be a constant string");
  auto st = std::make_shared<Re>();
  RE2::Options opts;
  opts.set_log_errors(false);
  st->re = std::make_unique<RE2>(p->value.valid ? p->value.str : "", opts);
  if (!st->re->ok()) {
    return Status::InvalidArgument(fn + "(): bad regular expression '" + p->value.str + "': " + st->re->error());
  }
  return st;
}

// Java's regex replacement uses $1; RE2 uses \1.
std::string JavaReplacementToRe2(std::string_view r) {
  std::string out;
  for (size_t i = 0; i < r.size(); ++i) {
    if (r[i] == '$' && i + 1 < r.size() && std::isdigit(static_cast<unsigned char>(r[i + 1]))) {
      out.push_back('\\');
      out.push_back(r[++i]);
    } else if (r[i] == '\\' && i + 1 < r.size()) {
      out.push_back(r[++i]);
      if (out.back() == '\\') out.push_back('\\');
    } else {
      out.push_back(r[i]);
    }
  }
  return out;
}

}  // namespace

void RegisterStringFunctions(FunctionTable* t) {
  auto lower = StringFn("lower", 1, 1, [](const BoundExpr&, const std::vector<std::string_view>& a, std::string* o) {
    ConvertCase(a[0], o, false);
    return true;
  });
  t->Add("lower", lower);
  t->Add("lcase", lower);
  auto upper = StringFn("upper", 1, 1, [](const BoundExpr&, const std::vector<std::string_view>& a, std::string* o) {
    ConvertCase(a[0], o, true);
    return true;
  });
  t->Add("upper", upper);
  t->Add("ucase", upper);
  auto length = [](std::vector<BoundExprPtr> args) -> Result<BoundExprPtr> {
    LW_RETURN_IF_ERROR(CheckArity("length", args.size(), 1, 1));
    bool binary = args[0]->type->id() == TypeId::kBinary;
    LW_ASSIGN_OR_RETURN(auto cast, CastArgs(std::move(args), {binary ? DataType::Binary() : DataType::String()}));
    ScalarKernel k = [binary](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
      StringReader a(v[0]);
      FixedWriter<int32_t> w(self.type, n);
      for (int64_t i = 0; i < n; ++i) {
        if (!a.Valid(i)) {
          w.SetNull(i);
        } else {
          w.values[i] = static_cast<int32_t>(binary ? a[i].size() : CharLength(a[i]));
        }
      }
      *out = w.Finish();
      return Status::OK();
    };
    return MakeFunction("length", DataType::Int32(), std::move(cast), k);
  };
  t->Add("length", length);
  t->Add("char_length", length);
  t->Add("character_length", length);
  t->Add("len", length);
  auto substr = [](std::vector<BoundExprPtr> args) -> Result<BoundExprPtr> {
    LW_RETURN_IF_ERROR(CheckArity("substring", args.size(), 2, 3));
    LW_ASSIGN_OR_RETURN(auto cast, CastArgs(std::move(args), {DataType::String(), DataType::Int64()}));
    ScalarKernel k = [](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
      StringReader s(v[0]);
      FixedReader<int64_t> pos(v[1]);
      std::optional<FixedReader<int64_t>> len;
      if (v.size() > 2) len.emplace(v[2]);
      StringWriter w(n);
      for (int64_t i = 0; i < n; ++i) {
        if (!s.Valid(i) || !pos.Valid(i) || (len && !len->Valid(i))) {
          w.AppendNull();
        } else {
          w.Append(Substring(s[i], pos[i], len ? (*len)[i] : INT64_MAX));
        }
      }
      *out = w.Finish();
      return Status::OK();
    };
    return MakeFunction("substring", DataType::String(), std::move(cast), k);
  };
  t->Add("substring", substr);
  t->Add("substr", substr);
  // left(s, n) / right(s, n): the first / last n characters ('' for n <= 0).
  auto edge = [](const std::string& name, bool left) {
    return [name, left](std::vector<BoundExprPtr> args) -> Result<BoundExprPtr> {
      LW_RETURN_IF_ERROR(CheckArity(name, args.size(), 2, 2));
      LW_ASSIGN_OR_RETURN(auto cast, CastArgs(std::move(args), {DataType::String(), DataType::Int64()}));
      ScalarKernel k = [left](const BoundExpr&, const std::vector<Datum>& v, int64_t n, Datum* out) {
        StringReader s(v[0]);
        FixedReader<int64_t> len(v[1]);
        StringWriter w(n);
        for (int64_t i = 0; i < n; ++i) {
          if (!s.Valid(i) || !len.Valid(i)) {
            w.AppendNull();
          } else if (len[i] <= 0) {
            w.Append({});
          } else {
            int64_t start = left ? 1 : std::max<int64_t>(1, CharLength(s[i]) - len[i] + 1);
            w.Append(Substring(s[i], start, len[i]));
          }
        }
        *out = w.Finish();
        return Status::OK();
      };
      return MakeFunction(name, DataType::String(), std::move(cast), k);
    };
  };
  t->Add("left", edge("left", true));
  t->Add("right", edge("right", false));
  t->Add("concat", StringFn("concat", 1, 1000,
                            [](const BoundExpr&, const std::vector<std::string_view>& a, std::string* o) {
                              for (auto s : a) o->append(s);
                              return true;
                            }));
  t->Add("concat_ws", [](std::vector<BoundExprPtr> args) -> Result<BoundExprPtr> {
    LW_RETURN_IF_ERROR(CheckArity("concat_ws", args.size(), 1, 1000));
    // The arguments after the separator are strings, or arrays whose
    // elements are joined in their place (as array<string>).
    std::vector<TypePtr> types;
    for (size_t i = 0; i < args.size(); ++i) {
      const bool array = i > 0 && args[i]->type->id() == TypeId::kList;
      types.push_back(array ? DataType::List(DataType::String()) : DataType::String());
    }
    LW_ASSIGN_OR_RETURN(auto cast, CastArgs(std::move(args), types));
    // NULL arguments and NULL array elements after the separator are skipped (Spark).
    ScalarKernel k = [](const BoundExpr&, const std::vector<Datum>& v, int64_t n, Datum* out) {
      const StringReader sep(v[0]);
      // Each argument after the separator: a string (strs) or an array (lists).
      std::vector<std::optional<StringReader>> strs(v.size());
      std::vector<ColumnPtr> lists(v.size());
      for (size_t k = 1; k < v.size(); ++k) {
        if (v[k].type()->id() == TypeId::kList) {
          lists[k] = Materialize(v[k], n);
        } else {
          strs[k].emplace(v[k]);
        }
      }
      StringWriter w(n);
      std::string buf;
      for (int64_t i = 0; i < n; ++i) {
        if (!sep.Valid(i)) {
          w.AppendNull();
          continue;
        }
        buf.clear();
        bool first = true;
        auto add = [&](std::string_view s) {
          if (!first) buf.append(sep[i]);
          buf.append(s);
          first = false;
        };
        for (size_t k = 1; k < v.size(); ++k) {
          if (strs[k]) {
            if (strs[k]->Valid(i)) add((*strs[k])[i]);
            continue;
          }
          const Column& list = *lists[k];
          if (!list.IsValid(i)) continue;
          const Column& el = *list.children[0];
          for (int64_t e = list.ListBegin(i); e < list.ListEnd(i); ++e) {
            if (!el.IsNull(e)) add(el.GetString(e));
          }
        }
        w.Append(buf);
      }
      *out = w.Finish();
      return Status::OK();
    };
    return MakeFunction("concat_ws", DataType::String(), std::move(cast), k);
  });
  auto trim_fn = [](const std::string& name, bool left, bool right) {
    return StringFn(name, 1, 2, [left, right](const BoundExpr&, const std::vector<std::string_view>& a, std::string* o) {
      o->assign(TrimChars(a[0], a.size() > 1 ? a[1] : std::string_view(" "), left, right));
      return true;
    });
  };
  t->Add("trim", trim_fn("trim", true, true));
  t->Add("btrim", trim_fn("btrim", true, true));
  t->Add("ltrim", trim_fn("ltrim", true, false));
  t->Add("rtrim", trim_fn("rtrim", false, true));
  t->Add("replace", StringFn("replace", 2, 3, [](const BoundExpr&, const std::vector<std::string_view>& a, std::string* o) {
    std::string_view s = a[0], from = a[1], to = a.size() > 2 ? a[2] : std::string_view();
    if (from.empty()) {
      o->assign(s);
      return true;
    }
    size_t i = 0;
    while (true) {
      size_t j = s.find(from, i);
      if (j == std::string_view::npos) break;
      o->append(s.substr(i, j - i));
      o->append(to);
      i = j + from.size();
    }
    o->append(s.substr(i));
    return true;
  }));
  t->Add("reverse", StringFn("reverse", 1, 1, [](const BoundExpr&, const std::vector<std::string_view>& a, std::string* o) {
    std::string_view s = a[0];
    size_t end = s.size();
    while (end > 0) {
      size_t b = end - 1;
      while (b > 0 && IsContinuation(static_cast<unsigned char>(s[b]))) --b;
      o->append(s.substr(b, end - b));
      end = b;
    }
    return true;
  }));
  t->Add("repeat", [](std::vector<BoundExprPtr> args) -> Result<BoundExprPtr> {
    LW_RETURN_IF_ERROR(CheckArity("repeat", args.size(), 2, 2));
    LW_ASSIGN_OR_RETURN(auto cast, CastArgs(std::move(args), {DataType::String(), DataType::String()}));
    return MakeFunction("repeat", DataType::String(), std::move(cast),
                        StringKernel([](const BoundExpr&, const std::vector<std::string_view>& a, std::string* o) {
                          int64_t k = ToInt(a[1]);
                          if (k * static_cast<int64_t>(a[0].size()) > (1 << 28)) return false;
                          for (int64_t i = 0; i < k; ++i) o->append(a[0]);
                          return true;
                        }));
  });
  auto pad = [](const std::string& name, bool left) {
    return StringFn(name, 2, 3, [left](const BoundExpr&, const std::vector<std::string_view>& a, std::string* o) {
      int64_t len = ToInt(a[1]);
      std::string_view p = a.size() > 2 ? a[2] : std::string_view(" ");
      if (len > (1 << 28)) return false;
      int64_t have = CharLength(a[0]);
      if (len <= have) {
        o->assign(Substring(a[0], 1, std::max<int64_t>(len, 0)));
        return true;
      }
      std::string fill;
      int64_t need = len - have;
      if (!p.empty()) {
        while (CharLength(fill) < need) fill.append(p);
        fill = std::string(Substring(fill, 1, need));
      }
      if (left) {
        *o = fill;
        o->append(a[0]);
      } else {
        o->assign(a[0]);
        o->append(fill);
      }
      return true;
    });
  };
  t->Add("lpad", pad("lpad", true));
  t->Add("rpad", pad("rpad", false));
  t->Add("initcap", StringFn("initcap", 1, 1, [](const BoundExpr&, const std::vector<std::string_view>& a, std::string* o) {
    o->assign(a[0]);
    bool start = true;
    for (char& c : *o) {
      c = static_cast<char>(start ? std::toupper(static_cast<unsigned char>(c)) : std::tolower(static_cast<unsigned char>(c)));
      start = c == ' ';
    }
    return true;
  }));
  // Functions returning ints/booleans from strings.
  auto int_of = [](const std::string& name, size_t lo, size_t hi,
                   std::function<int64_t(const std::vector<std::string_view>&)> f) {
    return [name, lo, hi, f](std::vector<BoundExprPtr> args) -> Result<BoundExprPtr> {
      LW_RETURN_IF_ERROR(CheckArity(name, args.size(), lo, hi));
      LW_ASSIGN_OR_RETURN(auto cast, CastArgs(std::move(args), {DataType::String()}));
      ScalarKernel k = [f](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
        std::vector<StringReader> r;
        for (const Datum& d : v) r.emplace_back(d);
        FixedWriter<int32_t> w(self.type, n);
        std::vector<std::string_view> row(v.size());
        for (int64_t i = 0; i < n; ++i) {
          bool null = false;
          for (size_t k = 0; k < r.size(); ++k) {
            if (!r[k].Valid(i)) null = true;
            else row[k] = r[k][i];
          }
          if (null) {
            w.SetNull(i);
          } else {
            w.values[i] = static_cast<int32_t>(f(row));
          }
        }
        *out = w.Finish();
        return Status::OK();
      };
      return MakeFunction(name, DataType::Int32(), std::move(cast), k);
    };
  };
  t->Add("instr", int_of("instr", 2, 2, [](const std::vector<std::string_view>& a) -> int64_t {
    size_t p = a[0].find(a[1]);
    return p == std::string_view::npos ? 0 : CharLength(a[0].substr(0, p)) + 1;
  }));
  t->Add("locate", int_of("locate", 2, 3, [](const std::vector<std::string_view>& a) -> int64_t {
    int64_t start = a.size() > 2 ? ToInt(a[2]) : 1;
    if (start < 1) return 0;
    size_t b = ByteOfChar(a[1], start - 1);
    size_t p = a[1].find(a[0], b);
    return p == std::string_view::npos ? 0 : CharLength(a[1].substr(0, p)) + 1;
  }));
  t->Add("ascii", int_of("ascii", 1, 1, [](const std::vector<std::string_view>& a) -> int64_t {
    return a[0].empty() ? 0 : static_cast<unsigned char>(a[0][0]);
  }));
  auto bool_of = [](const std::string& name, std::function<bool(std::string_view, std::string_view)> f) {
    return [name, f](std::vector<BoundExprPtr> args) -> Result<BoundExprPtr> {
      LW_RETURN_IF_ERROR(CheckArity(name, args.size(), 2, 2));
      LW_ASSIGN_OR_RETURN(auto cast, CastArgs(std::move(args), {DataType::String()}));
      ScalarKernel k = [f](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
        StringReader a(v[0]), b(v[1]);
        *out = BinaryLoop<std::string_view, std::string_view, uint8_t>(
            a, b, self.type, n, [&f](std::string_view x, std::string_view y, uint8_t* o) { return *o = f(x, y), true; });
        return Status::OK();
      };
      return MakeFunction(name, DataType::Boolean(), std::move(cast), k);
    };
  };
  t->Add("startswith", bool_of("startswith", [](std::string_view a, std::string_view b) { return a.substr(0, b.size()) == b; }));
  t->Add("endswith", bool_of("endswith", [](std::string_view a, std::string_view b) {
    return a.size() >= b.size() && a.substr(a.size() - b.size()) == b;
  }));
  t->Add("contains", bool_of("contains", [](std::string_view a, std::string_view b) {
    return a.find(b) != std::string_view::npos;
  }));
  // Regular expressions.
  t->Add("regexp_extract", [](std::vector<BoundExprPtr> args) -> Result<BoundExprPtr> {
    LW_RETURN_IF_ERROR(CheckArity("regexp_extract", args.size(), 2, 3));
    if (args.size() == 2) args.push_back(MakeConstant(Scalar::Int32(1)));
    LW_ASSIGN_OR_RETURN(auto cast, CastArgs(std::move(args), {DataType::String(), DataType::String(), DataType::Int32()}));
    LW_ASSIGN_OR_RETURN(auto re, CompileConstantRegex("regexp_extract", cast[1]));
    if (cast[2]->IsConstant() && cast[2]->value.valid &&
        (cast[2]->value.i64 < 0 || cast[2]->value.i64 > re->re->NumberOfCapturingGroups())) {
      return Status::InvalidArgument("regexp_extract(): group " + std::to_string(cast[2]->value.i64) +
                                     " does not exist; the pattern has " +
                                     std::to_string(re->re->NumberOfCapturingGroups()) + " group(s)");
    }
    ScalarKernel k = [](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
      const RE2& re = *self.State<Re>().re;
      StringReader s(v[0]);
      FixedReader<int32_t> idx(v[2]);
      StringWriter w(n);
      int groups = re.NumberOfCapturingGroups();
      std::vector<re2::StringPiece> m(static_cast<size_t>(groups) + 1);
      for (int64_t i = 0; i < n; ++i) {
        if (!s.Valid(i) || !idx.Valid(i) || idx[i] < 0 || idx[i] > groups) {
          w.AppendNull();
          continue;
        }
        std::string_view str = s[i];
        re2::StringPiece in(str.data(), str.size());
        if (re.Match(in, 0, in.size(), RE2::UNANCHORED, m.data(), groups + 1)) {
          const re2::StringPiece& g = m[static_cast<size_t>(idx[i])];
          w.Append(std::string_view(g.data() ? g.data() : "", g.size()));
        } else {
          w.Append({});
        }
      }
      *out = w.Finish();
      return Status::OK();
    };
    return MakeFunction("regexp_extract", DataType::String(), std::move(cast), k, re);
  });
  t->Add("regexp_replace", [](std::vector<BoundExprPtr> args) -> Result<BoundExprPtr> {
    LW_RETURN_IF_ERROR(CheckArity("regexp_replace", args.size(), 3, 3));
    LW_ASSIGN_OR_RETURN(auto cast, CastArgs(std::move(args), {DataType::String()}));
    LW_ASSIGN_OR_RETURN(auto re, CompileConstantRegex("regexp_replace", cast[1]));
    ScalarKernel k = [](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
      const RE2& re = *self.State<Re>().re;
      StringReader s(v[0]), rep(v[2]);
      StringWriter w(n);
      for (int64_t i = 0; i < n; ++i) {
        if (!s.Valid(i) || !rep.Valid(i)) {
          w.AppendNull();
          continue;
        }
        std::string str(s[i]);
        RE2::GlobalReplace(&str, re, JavaReplacementToRe2(rep[i]));
        w.Append(str);
      }
      *out = w.Finish();
      return Status::OK();
    };
    return MakeFunction("regexp_replace", DataType::String(), std::move(cast), k, re);
  });
  t->Add("split", [](std::vector<BoundExprPtr> args) -> Result<BoundExprPtr> {
    LW_RETURN_IF_ERROR(CheckArity("split", args.size(), 2, 3));
    if (args.size() == 2) args.push_back(MakeConstant(Scalar::Int32(-1)));
    LW_ASSIGN_OR_RETURN(auto cast, CastArgs(std::move(args), {DataType::String(), DataType::String(), DataType::Int32()}));
    LW_ASSIGN_OR_RETURN(auto re, CompileConstantRegex("split", cast[1]));
    ScalarKernel k = [](const BoundExpr& self, const std::vector<Datum>& v, int64_t n, Datum* out) {
      const RE2& re = *self.State<Re>().re;
      StringReader s(v[0]);
      FixedReader<int32_t> limit(v[2]);
      auto col = Column::Make(self.type);
      Column& el = *col->children[0];
      for (int64_t i = 0; i < n; ++i) {
        if (!s.Valid(i) || !limit.Valid(i)) {
          col->AppendNull();
          continue;
        }
        std::string_view str = s[i];
        int32_t lim = limit[i];
        re2::StringPiece in(str.data(), str.size());
        size_t pos = 0;
        int parts = 0;
        re2::StringPiece m;
        // Java's String.split: with limit <= 0 trailing empty strings are dropped (Spark keeps them for -1).
        std::vector<std::string_view> pieces;
        while (pos <= str.size() && (lim <= 0 || parts < lim - 1) &&
               re.Match(in, pos, in.size(), RE2::UNANCHORED, &m, 1)) {
          size_t mb = static_cast<size_t>(m.data() - in.data());
          if (m.size() == 0) {
            if (mb >= str.size()) break;
            // An empty match splits between characters.
            size_t next = mb + 1;
            while (next < str.size() && IsContinuation(static_cast<unsigned char>(str[next]))) ++next;
            if (mb == 0 && pos == 0) {
              pos = 0;
              pieces.push_back(str.substr(0, next));
              pos = next;
              ++parts;
              continue;
            }
            pieces.push_back(str.substr(pos, next - pos));
            pos = next;
            ++parts;
            continue;
          }
          pieces.push_back(str.substr(pos, mb - pos));
          pos = mb + m.size();
          ++parts;
        }
        pieces.push_back(str.substr(std::min(pos, str.size())));
        for (auto p : pieces) el.AppendString(p);
        col->FinishListRow();
      }
      *out = Datum(std::move(col));
      return Status::OK();
    };
    return MakeFunction("split", DataType::List(DataType::String()), std::move(cast), k, re);
  });
}

}  // namespace lakewatch::sql
