#include "sql/parser/parser.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>

#include "common/time.h"
#include "sql/parser/lexer.h"

namespace lakewatch::sql {

namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Words that end an expression or a select item: never taken as an alias
// without AS.
bool IsReserved(const Token& t) {
  static const char* kWords[] = {
      "FROM",  "WHERE", "GROUP", "HAVING", "ORDER",  "LIMIT",   "OFFSET", "UNION",   "INTERSECT",
      "EXCEPT", "JOIN", "INNER", "LEFT",   "RIGHT",  "FULL",    "CROSS",  "ON",      "USING",
      "AS",    "SELECT", "WHEN", "THEN",   "ELSE",   "END",     "AND",    "OR",      "NOT",
      "IS",    "IN",    "BETWEEN", "LIKE", "ILIKE",  "RLIKE",   "REGEXP", "WITH",    "NATURAL",
      "SEMI",  "ANTI",  "LATERAL", "WINDOW", "DISTINCT", "CASE", "ESCAPE", "DIV",    "NULLS",
      "ASC",   "DESC", "VALUES"};
  if (t.kind != TokenKind::kIdentifier) return false;
  for (const char* w : kWords) {
    if (t.IsKeyword(w)) return true;
  }
  return false;
}

class Parser {
 public:
  Parser(std::string_view sql, std::vector<Token> tokens) : sql_(sql), toks_(std::move(tokens)) {}

  Result<Statement> ParseStatementTop() {
    Statement st;
    if (Peek().IsKeyword("EXPLAIN")) {
      Advance();
      st.explain = true;
    }
    LW_ASSIGN_OR_RETURN(st.query, ParseQuery());
    while (Peek().IsOperator(";")) Advance();
    if (Peek().kind != TokenKind::kEnd) return Expected("the end of the statement");
    return st;
  }

  Result<TypePtr> ParseTypeTop() {
    LW_ASSIGN_OR_RETURN(TypePtr t, ParseType());
    if (Peek().kind != TokenKind::kEnd) return Expected("the end of the type");
    return t;
  }

 private:
  // ---- token helpers
  const Token& Peek(size_t k = 0) const {
    size_t i = pos_ + k;
    return i < toks_.size() ? toks_[i] : toks_.back();
  }
  const Token& Advance() {
    const Token& t = toks_[pos_];
    if (pos_ + 1 < toks_.size()) ++pos_;
    return t;
  }
  bool AcceptKeyword(std::string_view w) {
    if (Peek().IsKeyword(w)) {
      Advance();
      return true;
    }
    return false;
  }
  bool AcceptOp(std::string_view op) {
    if (Peek().IsOperator(op)) {
      Advance();
      return true;
    }
    return false;
  }
  static std::string Describe(const Token& t) {
    switch (t.kind) {
      case TokenKind::kEnd: return "the end of the query";
      case TokenKind::kString: return "string '" + t.text + "'";
      case TokenKind::kQuotedIdentifier: return "`" + t.text + "`";
      default: return "'" + t.text + t.suffix + "'";
    }
  }
  Status Expected(const std::string& what) const {
    const Token& t = Peek();
    return Status::InvalidArgument("SQL syntax error at " + DescribePosition(sql_, t.offset) + ": expected " +
                                   what + ", found " + Describe(t));
  }
  Status ExpectKeyword(std::string_view w) {
    if (!AcceptKeyword(w)) return Expected(std::string(w));
    return Status::OK();
  }
  Status ExpectOp(std::string_view op) {
    if (!AcceptOp(op)) return Expected("'" + std::string(op) + "'");
    return Status::OK();
  }
  size_t PrevEnd() const {
    const Token& t = toks_[pos_ > 0 ? pos_ - 1 : 0];
    return t.offset + t.length;
  }
  Status Enter() {
    if (++depth_ > kMaxParseDepth) {
      return Status::InvalidArgument("SQL syntax error at " + DescribePosition(sql_, Peek().offset) +
                                     ": the query nests deeper than " + std::to_string(kMaxParseDepth) +
                                     " levels");
    }
    return Status::OK();
  }
  struct DepthGuard {
    int* d;
    ~DepthGuard() { --*d; }
  };

  bool IsIdentifier(const Token& t) const {
    return t.kind == TokenKind::kQuotedIdentifier || (t.kind == TokenKind::kIdentifier && !IsReserved(t));
  }
  Result<std::string> ParseIdentifier(const char* what) {
    if (Peek().kind == TokenKind::kQuotedIdentifier ||
        (Peek().kind == TokenKind::kIdentifier && !IsReserved(Peek()))) {
      return Advance().text;
    }
    return Expected(what);
  }

  // ---- queries
  Result<QueryPtr> ParseQuery() {
    LW_RETURN_IF_ERROR(Enter());
    DepthGuard g{&depth_};
    size_t begin = Peek().offset;
    std::vector<CommonTableExpr> ctes;
    if (AcceptKeyword("WITH")) {
      do {
        CommonTableExpr cte;
        LW_ASSIGN_OR_RETURN(cte.name, ParseIdentifier("a name for the WITH query"));
        if (AcceptOp("(")) {
          do {
            LW_ASSIGN_OR_RETURN(std::string c, ParseIdentifier("a column name"));
            cte.column_aliases.push_back(std::move(c));
          } while (AcceptOp(","));
          LW_RETURN_IF_ERROR(ExpectOp(")"));
        }
        AcceptKeyword("AS");
        LW_RETURN_IF_ERROR(ExpectOp("("));
        LW_ASSIGN_OR_RETURN(cte.query, ParseQuery());
        LW_RETURN_IF_ERROR(ExpectOp(")"));
        ctes.push_back(std::move(cte));
      } while (AcceptOp(","));
    }
    LW_ASSIGN_OR_RETURN(QueryPtr q, ParseSetExpr());
    // ORDER BY / LIMIT / OFFSET apply to the whole set expression.
    if (!q->order_by.empty() || q->limit || q->offset || !q->ctes.empty()) {
      auto wrap = std::make_unique<QueryNode>();
      wrap->begin = q->begin;
      wrap->end = q->end;
      // A parenthesized query with its own modifiers becomes a subquery.
      auto sel = std::make_unique<SelectCore>();
      SelectItem item;
      item.expr = std::make_unique<Expr>();
      item.expr->kind = ExprKind::kStar;
      sel->items.push_back(std::move(item));
      sel->from = std::make_unique<TableRef>();
      sel->from->kind = TableRefKind::kSubquery;
      sel->from->subquery = std::move(q);
      wrap->select = std::move(sel);
      q = std::move(wrap);
    }
    q->ctes = std::move(ctes);
    if (AcceptKeyword("ORDER")) {
      LW_RETURN_IF_ERROR(ExpectKeyword("BY"));
      do {
        OrderItem o;
        LW_ASSIGN_OR_RETURN(o.expr, ParseExpr());
        if (AcceptKeyword("DESC")) {
          o.descending = true;
        } else {
          AcceptKeyword("ASC");
        }
        if (AcceptKeyword("NULLS")) {
          if (AcceptKeyword("FIRST")) {
            o.nulls_first = true;
          } else if (AcceptKeyword("LAST")) {
            o.nulls_first = false;
          } else {
            return Expected("FIRST or LAST");
          }
        }
        q->order_by.push_back(std::move(o));
      } while (AcceptOp(","));
    }
    if (AcceptKeyword("LIMIT")) {
      if (!AcceptKeyword("ALL")) {
        LW_ASSIGN_OR_RETURN(q->limit, ParseExpr());
      }
    }
    if (AcceptKeyword("OFFSET")) {
      LW_ASSIGN_OR_RETURN(q->offset, ParseExpr());
    }
    q->begin = begin;
    q->end = PrevEnd();
    return q;
  }

  Result<QueryPtr> ParseSetExpr() {
    LW_ASSIGN_OR_RETURN(QueryPtr left, ParseSetTerm());
    while (true) {
      std::string op;
      if (Peek().IsKeyword("UNION")) {
        Advance();
        op = "UNION";
        if (AcceptKeyword("ALL")) {
          op = "UNION ALL";
        } else {
          AcceptKeyword("DISTINCT");
        }
      } else if (Peek().IsKeyword("EXCEPT") || Peek().IsKeyword("INTERSECT")) {
        op = Upper(Advance().text);
        if (AcceptKeyword("ALL")) op += " ALL";
        else AcceptKeyword("DISTINCT");
      } else {
        break;
      }
      LW_ASSIGN_OR_RETURN(QueryPtr right, ParseSetTerm());
      auto node = std::make_unique<QueryNode>();
      node->begin = left->begin;
      node->end = PrevEnd();
      node->set_op = op;
      node->left = std::move(left);
      node->right = std::move(right);
      left = std::move(node);
    }
    return left;
  }

  Result<QueryPtr> ParseSetTerm() {
    if (Peek().IsOperator("(")) {
      // A parenthesized query (not an expression: queries start with SELECT/WITH/VALUES/().
      Advance();
      LW_ASSIGN_OR_RETURN(QueryPtr q, ParseQuery());
      LW_RETURN_IF_ERROR(ExpectOp(")"));
      return q;
    }
    auto q = std::make_unique<QueryNode>();
    q->begin = Peek().offset;
    if (Peek().IsKeyword("VALUES")) {
      // VALUES as a query: SELECT * FROM VALUES ...
      LW_ASSIGN_OR_RETURN(TableRefPtr values, ParseValues());
      auto sel = std::make_unique<SelectCore>();
      SelectItem item;
      item.expr = std::make_unique<Expr>();
      item.expr->kind = ExprKind::kStar;
      sel->items.push_back(std::move(item));
      sel->from = std::move(values);
      q->select = std::move(sel);
    } else {
      LW_ASSIGN_OR_RETURN(q->select, ParseSelect());
    }
    q->end = PrevEnd();
    return q;
  }

  Result<std::unique_ptr<SelectCore>> ParseSelect() {
    LW_RETURN_IF_ERROR(ExpectKeyword("SELECT"));
    auto s = std::make_unique<SelectCore>();
    if (AcceptKeyword("DISTINCT")) {
      s->distinct = true;
    } else {
      AcceptKeyword("ALL");
    }
    do {
      SelectItem item;
      LW_ASSIGN_OR_RETURN(item.expr, ParseExpr());
      if (AcceptKeyword("AS")) {
        LW_ASSIGN_OR_RETURN(std::string a, ParseAliasName());
        item.alias = std::move(a);
      } else if (IsIdentifier(Peek()) || Peek().kind == TokenKind::kString) {
        item.alias = Advance().text;
      }
      s->items.push_back(std::move(item));
    } while (AcceptOp(","));
    if (AcceptKeyword("FROM")) {
      LW_ASSIGN_OR_RETURN(s->from, ParseFrom());
    }
    if (AcceptKeyword("WHERE")) {
      LW_ASSIGN_OR_RETURN(s->where, ParseExpr());
    }
    if (AcceptKeyword("GROUP")) {
      LW_RETURN_IF_ERROR(ExpectKeyword("BY"));
      if (Peek().IsKeyword("ALL") && !Peek(1).IsOperator("(")) {
        Advance();
        s->group_by_all = true;
      } else {
        do {
          LW_ASSIGN_OR_RETURN(ExprPtr e, ParseExpr());
          s->group_by.push_back(std::move(e));
        } while (AcceptOp(","));
      }
    }
    if (AcceptKeyword("HAVING")) {
      LW_ASSIGN_OR_RETURN(s->having, ParseExpr());
    }
    return s;
  }

  // After AS: any identifier, even a reserved word, or a string.
  Result<std::string> ParseAliasName() {
    const Token& t = Peek();
    if (t.kind == TokenKind::kIdentifier || t.kind == TokenKind::kQuotedIdentifier ||
        t.kind == TokenKind::kString) {
      return Advance().text;
    }
    return Expected("an alias");
  }

  Result<TableRefPtr> ParseFrom() {
    LW_ASSIGN_OR_RETURN(TableRefPtr left, ParseTableRef());
    while (true) {
      JoinType type;
      size_t begin = left->begin;
      if (AcceptOp(",")) {
        type = JoinType::kCross;
      } else if (AcceptKeyword("JOIN")) {
        type = JoinType::kInner;
      } else if (Peek().IsKeyword("INNER") && Peek(1).IsKeyword("JOIN")) {
        Advance(), Advance();
        type = JoinType::kInner;
      } else if (Peek().IsKeyword("CROSS") && Peek(1).IsKeyword("JOIN")) {
        Advance(), Advance();
        type = JoinType::kCross;
      } else if (Peek().IsKeyword("LEFT") || Peek().IsKeyword("RIGHT") || Peek().IsKeyword("FULL")) {
        std::string w = Upper(Advance().text);
        AcceptKeyword("OUTER");
        if (Peek().IsKeyword("SEMI") || Peek().IsKeyword("ANTI")) {
          return Status::NotSupported("SQL: " + w + " " + Upper(Peek().text) + " JOIN is not supported");
        }
        LW_RETURN_IF_ERROR(ExpectKeyword("JOIN"));
        type = w == "LEFT" ? JoinType::kLeft : w == "RIGHT" ? JoinType::kRight : JoinType::kFull;
      } else if (Peek().IsKeyword("NATURAL")) {
        return Status::NotSupported("SQL: NATURAL JOIN is not supported; name the columns with USING (…)");
      } else {
        break;
      }
      LW_ASSIGN_OR_RETURN(TableRefPtr right, ParseTableRef());
      auto j = std::make_unique<TableRef>();
      j->kind = TableRefKind::kJoin;
      j->join_type = type;
      j->begin = begin;
      j->left = std::move(left);
      j->right = std::move(right);
      if (type != JoinType::kCross) {
        if (AcceptKeyword("ON")) {
          LW_ASSIGN_OR_RETURN(j->condition, ParseExpr());
        } else if (AcceptKeyword("USING")) {
          LW_RETURN_IF_ERROR(ExpectOp("("));
          do {
            LW_ASSIGN_OR_RETURN(std::string c, ParseIdentifier("a column name"));
            j->using_columns.push_back(std::move(c));
          } while (AcceptOp(","));
          LW_RETURN_IF_ERROR(ExpectOp(")"));
        } else if (type != JoinType::kInner) {
          return Expected("ON or USING");
        } else {
          j->join_type = JoinType::kCross;  // JOIN without a condition
        }
      }
      j->end = PrevEnd();
      left = std::move(j);
    }
    return left;
  }

  Status ParseTableAlias(TableRef* t) {
    if (AcceptKeyword("AS")) {
      LW_ASSIGN_OR_RETURN(std::string a, ParseAliasName());
      t->alias = std::move(a);
    } else if (IsIdentifier(Peek())) {
      t->alias = Advance().text;
    } else {
      return Status::OK();
    }
    if (Peek().IsOperator("(")) {
      Advance();
      do {
        LW_ASSIGN_OR_RETURN(std::string c, ParseIdentifier("a column name"));
        t->column_aliases.push_back(std::move(c));
      } while (AcceptOp(","));
      LW_RETURN_IF_ERROR(ExpectOp(")"));
    }
    return Status::OK();
  }

  Result<TableRefPtr> ParseValues() {
    auto t = std::make_unique<TableRef>();
    t->kind = TableRefKind::kValues;
    t->begin = Peek().offset;
    LW_RETURN_IF_ERROR(ExpectKeyword("VALUES"));
    do {
      std::vector<ExprPtr> row;
      if (Peek().IsOperator("(")) {
        Advance();
        do {
          LW_ASSIGN_OR_RETURN(ExprPtr e, ParseExpr());
          row.push_back(std::move(e));
        } while (AcceptOp(","));
        LW_RETURN_IF_ERROR(ExpectOp(")"));
      } else {
        LW_ASSIGN_OR_RETURN(ExprPtr e, ParseExpr());
        row.push_back(std::move(e));
      }
      if (!t->rows.empty() && row.size() != t->rows[0].size()) {
        return Status::InvalidArgument("SQL error at " + DescribePosition(sql_, Peek().offset) +
                                       ": VALUES rows have different numbers of columns (" +
                                       std::to_string(t->rows[0].size()) + " and " +
                                       std::to_string(row.size()) + ")");
      }
      t->rows.push_back(std::move(row));
    } while (AcceptOp(","));
    LW_RETURN_IF_ERROR(ParseTableAlias(t.get()));
    t->end = PrevEnd();
    return t;
  }

  Result<TableRefPtr> ParseTableRef() {
    LW_RETURN_IF_ERROR(Enter());
    DepthGuard g{&depth_};
    if (Peek().IsKeyword("VALUES")) return ParseValues();
    auto t = std::make_unique<TableRef>();
    t->begin = Peek().offset;
    if (AcceptOp("(")) {
      if (Peek().IsKeyword("SELECT") || Peek().IsKeyword("WITH") || Peek().IsKeyword("VALUES") ||
          Peek().IsOperator("(")) {
        // A parenthesized join "(a JOIN b)" is not supported; a query is.
        t->kind = TableRefKind::kSubquery;
        LW_ASSIGN_OR_RETURN(t->subquery, ParseQuery());
        LW_RETURN_IF_ERROR(ExpectOp(")"));
      } else {
        LW_ASSIGN_OR_RETURN(TableRefPtr inner, ParseFrom());
        LW_RETURN_IF_ERROR(ExpectOp(")"));
        t = std::move(inner);
      }
      LW_RETURN_IF_ERROR(ParseTableAlias(t.get()));
      t->end = PrevEnd();
      return t;
    }
    t->kind = TableRefKind::kTable;
    LW_ASSIGN_OR_RETURN(std::string first, ParseIdentifier("a table name"));
    t->name.push_back(std::move(first));
    while (AcceptOp(".")) {
      const Token& n = Peek();
      if (n.kind != TokenKind::kIdentifier && n.kind != TokenKind::kQuotedIdentifier) {
        return Expected("a name after '.'");
      }
      t->name.push_back(Advance().text);
    }
    // Time travel.
    if ((Peek().IsKeyword("VERSION") || Peek().IsKeyword("TIMESTAMP")) && Peek(1).IsKeyword("AS") &&
        Peek(2).IsKeyword("OF")) {
      bool version = Peek().IsKeyword("VERSION");
      Advance(), Advance(), Advance();
      if (version) {
        const Token& v = Peek();
        if (v.kind != TokenKind::kInteger || (!v.suffix.empty() && v.suffix != "L")) {
          return Expected("a version number");
        }
        int64_t n = 0;
        auto r = std::from_chars(v.text.data(), v.text.data() + v.text.size(), n);
        if (r.ec != std::errc()) return Expected("a version number");
        t->version_as_of = n;
        Advance();
      } else {
        if (Peek().kind != TokenKind::kString) return Expected("a timestamp string");
        t->timestamp_as_of = Advance().text;
      }
    }
    LW_RETURN_IF_ERROR(ParseTableAlias(t.get()));
    t->end = PrevEnd();
    return t;
  }

  // ---- expressions
  Result<ExprPtr> ParseExpr() {
    LW_RETURN_IF_ERROR(Enter());
    DepthGuard g{&depth_};
    return ParseOr();
  }

  ExprPtr MakeBinary(std::string op, ExprPtr l, ExprPtr r) {
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::kBinary;
    e->op = std::move(op);
    e->begin = l->begin;
    e->end = r->end;
    e->children.push_back(std::move(l));
    e->children.push_back(std::move(r));
    return e;
  }

  Result<ExprPtr> ParseOr() {
    LW_ASSIGN_OR_RETURN(ExprPtr l, ParseAnd());
    while (Peek().IsKeyword("OR")) {
      Advance();
      LW_ASSIGN_OR_RETURN(ExprPtr r, ParseAnd());
      l = MakeBinary("OR", std::move(l), std::move(r));
    }
    return l;
  }

  Result<ExprPtr> ParseAnd() {
    LW_ASSIGN_OR_RETURN(ExprPtr l, ParseNot());
    while (Peek().IsKeyword("AND") || Peek().IsOperator("&&")) {
      Advance();
      LW_ASSIGN_OR_RETURN(ExprPtr r, ParseNot());
      l = MakeBinary("AND", std::move(l), std::move(r));
    }
    return l;
  }

  Result<ExprPtr> ParseNot() {
    if (Peek().IsKeyword("NOT") || Peek().IsOperator("!")) {
      size_t begin = Advance().offset;
      LW_RETURN_IF_ERROR(Enter());
      DepthGuard g{&depth_};
      LW_ASSIGN_OR_RETURN(ExprPtr c, ParseNot());
      auto e = std::make_unique<Expr>();
      e->kind = ExprKind::kUnary;
      e->op = "NOT";
      e->begin = begin;
      e->end = c->end;
      e->children.push_back(std::move(c));
      return e;
    }
    return ParsePredicate();
  }

  Result<ExprPtr> ParsePredicate() {
    LW_ASSIGN_OR_RETURN(ExprPtr l, ParseBitOr());
    while (true) {
      const Token& t = Peek();
      static const char* kCmp[] = {"=", "==", "<>", "!=", "<", "<=", ">", ">=", "<=>"};
      bool cmp = false;
      for (const char* op : kCmp) cmp = cmp || t.IsOperator(op);
      if (cmp) {
        std::string op = Advance().text;
        if (op == "==") op = "=";
        if (op == "!=") op = "<>";
        LW_ASSIGN_OR_RETURN(ExprPtr r, ParseBitOr());
        l = MakeBinary(op, std::move(l), std::move(r));
        continue;
      }
      bool negated = false;
      size_t save = pos_;
      if (t.IsKeyword("NOT")) {
        Advance();
        negated = true;
      }
      const Token& k = Peek();
      if (k.IsKeyword("IN")) {
        Advance();
        LW_RETURN_IF_ERROR(ExpectOp("("));
        if (Peek().IsKeyword("SELECT") || Peek().IsKeyword("WITH")) {
          return Status::NotSupported("SQL: IN (subquery) is not supported; use a JOIN");
        }
        auto e = std::make_unique<Expr>();
        e->kind = ExprKind::kIn;
        e->negated = negated;
        e->begin = l->begin;
        e->children.push_back(std::move(l));
        do {
          LW_ASSIGN_OR_RETURN(ExprPtr v, ParseExpr());
          e->children.push_back(std::move(v));
        } while (AcceptOp(","));
        LW_RETURN_IF_ERROR(ExpectOp(")"));
        e->end = PrevEnd();
        l = std::move(e);
      } else if (k.IsKeyword("BETWEEN")) {
        Advance();
        LW_ASSIGN_OR_RETURN(ExprPtr lo, ParseBitOr());
        LW_RETURN_IF_ERROR(ExpectKeyword("AND"));
        LW_ASSIGN_OR_RETURN(ExprPtr hi, ParseBitOr());
        auto e = std::make_unique<Expr>();
        e->kind = ExprKind::kBetween;
        e->negated = negated;
        e->begin = l->begin;
        e->end = hi->end;
        e->children.push_back(std::move(l));
        e->children.push_back(std::move(lo));
        e->children.push_back(std::move(hi));
        l = std::move(e);
      } else if (k.IsKeyword("LIKE") || k.IsKeyword("ILIKE") || k.IsKeyword("RLIKE") ||
                 k.IsKeyword("REGEXP")) {
        std::string op = Upper(Advance().text);
        if (op == "REGEXP") op = "RLIKE";
        LW_ASSIGN_OR_RETURN(ExprPtr pat, ParseBitOr());
        auto e = std::make_unique<Expr>();
        e->kind = ExprKind::kLike;
        e->op = op;
        e->negated = negated;
        e->begin = l->begin;
        e->children.push_back(std::move(l));
        e->children.push_back(std::move(pat));
        if (AcceptKeyword("ESCAPE")) {
          if (Peek().kind != TokenKind::kString || Peek().text.size() != 1) {
            return Expected("a one-character escape string");
          }
          e->escape = Advance().text[0];
        }
        e->end = PrevEnd();
        l = std::move(e);
      } else if (!negated && k.IsKeyword("IS")) {
        Advance();
        bool neg = AcceptKeyword("NOT");
        auto e = std::make_unique<Expr>();
        e->negated = neg;
        e->begin = l->begin;
        if (AcceptKeyword("NULL")) {
          e->kind = ExprKind::kIsNull;
        } else if (Peek().IsKeyword("TRUE") || Peek().IsKeyword("FALSE")) {
          e->kind = ExprKind::kIsBool;
          e->value = Scalar::Boolean(Advance().IsKeyword("TRUE"));
        } else if (AcceptKeyword("DISTINCT")) {
          LW_RETURN_IF_ERROR(ExpectKeyword("FROM"));
          LW_ASSIGN_OR_RETURN(ExprPtr r, ParseBitOr());
          // a IS [NOT] DISTINCT FROM b  ==  [NOT] (a <=> b)
          ExprPtr eq = MakeBinary("<=>", std::move(l), std::move(r));
          if (neg) {
            l = std::move(eq);
          } else {
            auto n = std::make_unique<Expr>();
            n->kind = ExprKind::kUnary;
            n->op = "NOT";
            n->begin = eq->begin;
            n->end = eq->end;
            n->children.push_back(std::move(eq));
            l = std::move(n);
          }
          continue;
        } else {
          return Expected("NULL, TRUE, FALSE or DISTINCT FROM after IS");
        }
        e->children.push_back(std::move(l));
        e->end = PrevEnd();
        l = std::move(e);
      } else {
        pos_ = save;
        break;
      }
    }
    return l;
  }

  Result<ExprPtr> ParseBitOr() {
    LW_ASSIGN_OR_RETURN(ExprPtr l, ParseBitXor());
    while (Peek().IsOperator("|")) {
      Advance();
      LW_ASSIGN_OR_RETURN(ExprPtr r, ParseBitXor());
      l = MakeBinary("|", std::move(l), std::move(r));
    }
    return l;
  }
  Result<ExprPtr> ParseBitXor() {
    LW_ASSIGN_OR_RETURN(ExprPtr l, ParseBitAnd());
    while (Peek().IsOperator("^")) {
      Advance();
      LW_ASSIGN_OR_RETURN(ExprPtr r, ParseBitAnd());
      l = MakeBinary("^", std::move(l), std::move(r));
    }
    return l;
  }
  Result<ExprPtr> ParseBitAnd() {
    LW_ASSIGN_OR_RETURN(ExprPtr l, ParseAdditive());
    while (Peek().IsOperator("&")) {
      Advance();
      LW_ASSIGN_OR_RETURN(ExprPtr r, ParseAdditive());
      l = MakeBinary("&", std::move(l), std::move(r));
    }
    return l;
  }
  Result<ExprPtr> ParseAdditive() {
    LW_ASSIGN_OR_RETURN(ExprPtr l, ParseMultiplicative());
    while (Peek().IsOperator("+") || Peek().IsOperator("-") || Peek().IsOperator("||")) {
      std::string op = Advance().text;
      LW_ASSIGN_OR_RETURN(ExprPtr r, ParseMultiplicative());
      l = MakeBinary(op, std::move(l), std::move(r));
    }
    return l;
  }
  Result<ExprPtr> ParseMultiplicative() {
    LW_ASSIGN_OR_RETURN(ExprPtr l, ParseUnary());
    while (Peek().IsOperator("*") || Peek().IsOperator("/") || Peek().IsOperator("%") ||
           Peek().IsKeyword("DIV")) {
      std::string op = Lower(Advance().text);
      LW_ASSIGN_OR_RETURN(ExprPtr r, ParseUnary());
      l = MakeBinary(op, std::move(l), std::move(r));
    }
    return l;
  }
  Result<ExprPtr> ParseUnary() {
    if (Peek().IsOperator("-") || Peek().IsOperator("+") || Peek().IsOperator("~")) {
      const Token& t = Advance();
      size_t begin = t.offset;
      std::string op = t.text;
      LW_RETURN_IF_ERROR(Enter());
      DepthGuard g{&depth_};
      LW_ASSIGN_OR_RETURN(ExprPtr c, ParseUnary());
      auto e = std::make_unique<Expr>();
      e->kind = ExprKind::kUnary;
      e->op = op;
      e->begin = begin;
      e->end = c->end;
      e->children.push_back(std::move(c));
      return e;
    }
    return ParsePostfix();
  }
  Result<ExprPtr> ParsePostfix() {
    LW_ASSIGN_OR_RETURN(ExprPtr e, ParsePrimary());
    while (true) {
      if (AcceptOp("[")) {
        LW_ASSIGN_OR_RETURN(ExprPtr idx, ParseExpr());
        LW_RETURN_IF_ERROR(ExpectOp("]"));
        auto s = std::make_unique<Expr>();
        s->kind = ExprKind::kSubscript;
        s->begin = e->begin;
        s->end = PrevEnd();
        s->children.push_back(std::move(e));
        s->children.push_back(std::move(idx));
        e = std::move(s);
      } else if (Peek().IsOperator(".") &&
                 (Peek(1).kind == TokenKind::kIdentifier || Peek(1).kind == TokenKind::kQuotedIdentifier)) {
        Advance();
        std::string name = Advance().text;
        if (e->kind == ExprKind::kColumn) {
          e->names.push_back(std::move(name));
          e->end = PrevEnd();
        } else {
          auto f = std::make_unique<Expr>();
          f->kind = ExprKind::kField;
          f->name = std::move(name);
          f->begin = e->begin;
          f->end = PrevEnd();
          f->children.push_back(std::move(e));
          e = std::move(f);
        }
      } else if (Peek().IsOperator(".") && Peek(1).IsOperator("*") && e->kind == ExprKind::kColumn) {
        Advance(), Advance();
        e->kind = ExprKind::kStar;
        e->end = PrevEnd();
      } else if (AcceptOp("::")) {
        LW_ASSIGN_OR_RETURN(TypePtr t, ParseType());
        auto c = std::make_unique<Expr>();
        c->kind = ExprKind::kCast;
        c->cast_type = std::move(t);
        c->begin = e->begin;
        c->end = PrevEnd();
        c->children.push_back(std::move(e));
        e = std::move(c);
      } else {
        break;
      }
    }
    return e;
  }

  Result<ExprPtr> ParseNumber() {
    const Token& t = Advance();
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::kLiteral;
    e->begin = t.offset;
    e->end = t.offset + t.length;
    const std::string& s = t.text;
    auto bad = [&]() {
      return Status::InvalidArgument("SQL error at " + DescribePosition(sql_, t.offset) + ": the number " + s +
                                     t.suffix + " is out of range");
    };
    if (t.kind == TokenKind::kInteger && (t.suffix.empty() || t.suffix == "L" || t.suffix == "S" ||
                                          t.suffix == "Y")) {
      unsigned __int128 v = 0;
      for (char c : s) {
        v = v * 10 + static_cast<unsigned>(c - '0');
        if (v > (static_cast<unsigned __int128>(1) << 64)) break;
      }
      if (t.suffix == "L") {
        if (v > static_cast<unsigned __int128>(INT64_MAX)) return bad();
        e->value = Scalar::Int64(static_cast<int64_t>(v));
      } else if (t.suffix == "S") {
        if (v > 32768) return bad();
        e->value = Scalar::Int64(static_cast<int64_t>(v));
        e->value.type = DataType::Int16();
      } else if (t.suffix == "Y") {
        if (v > 128) return bad();
        e->value = Scalar::Int64(static_cast<int64_t>(v));
        e->value.type = DataType::Int8();
      } else if (v <= static_cast<unsigned __int128>(INT32_MAX)) {
        e->value = Scalar::Int32(static_cast<int32_t>(v));
      } else if (v <= static_cast<unsigned __int128>(INT64_MAX)) {
        e->value = Scalar::Int64(static_cast<int64_t>(v));
      } else if (s.size() <= 38) {
        // Beyond bigint: a decimal(n, 0) literal, as Spark does.
        __int128 d = 0;
        for (char c : s) d = d * 10 + (c - '0');
        e->value = Scalar::Decimal(d, static_cast<int>(s.size()), 0);
      } else {
        return bad();
      }
      return e;
    }
    if (t.kind == TokenKind::kDouble || t.suffix == "D" || t.suffix == "F") {
      double d = std::strtod(s.c_str(), nullptr);
      if (std::isinf(d)) return bad();
      e->value = t.suffix == "F" ? Scalar::Float(static_cast<float>(d)) : Scalar::Double(d);
      return e;
    }
    // Decimal literal: digits with a point (or BD suffix).
    std::string digits;
    int scale = 0;
    bool after = false;
    for (char c : s) {
      if (c == '.') {
        after = true;
        continue;
      }
      digits.push_back(c);
      if (after) ++scale;
    }
    size_t first = digits.find_first_not_of('0');
    std::string sig = first == std::string::npos ? "0" : digits.substr(first);
    int precision = std::max<int>(static_cast<int>(sig.size()), scale);
    if (precision == 0) precision = 1;
    if (precision > 38) {
      double d = std::strtod(s.c_str(), nullptr);
      e->value = Scalar::Double(d);  // Spark too falls back to double beyond 38 digits
      return e;
    }
    __int128 v = 0;
    for (char c : sig) v = v * 10 + (c - '0');
    e->value = Scalar::Decimal(v, precision, scale);
    return e;
  }

  Result<ExprPtr> ParsePrimary() {
    const Token& t = Peek();
    size_t begin = t.offset;
    switch (t.kind) {
      case TokenKind::kInteger:
      case TokenKind::kDecimal:
      case TokenKind::kDouble:
        return ParseNumber();
      case TokenKind::kString: {
        auto e = std::make_unique<Expr>();
        e->kind = ExprKind::kLiteral;
        e->begin = begin;
        std::string s;
        while (Peek().kind == TokenKind::kString) s += Advance().text;  // 'a' 'b' = 'ab'
        e->value = Scalar::String(std::move(s));
        e->end = PrevEnd();
        return e;
      }
      case TokenKind::kEnd:
        return Expected("an expression");
      case TokenKind::kOperator: {
        if (t.IsOperator("(")) {
          Advance();
          if (Peek().IsKeyword("SELECT") || Peek().IsKeyword("WITH")) {
            return Status::NotSupported("SQL error at " + DescribePosition(sql_, begin) +
                                        ": scalar subqueries are not supported; use a JOIN or a WITH query");
          }
          LW_ASSIGN_OR_RETURN(ExprPtr e, ParseExpr());
          if (Peek().IsOperator(",")) {
            // (a, b) in IN lists or VALUES: a struct; Spark builds named_struct(col1...)
            auto s = std::make_unique<Expr>();
            s->kind = ExprKind::kFunction;
            s->name = "struct";
            s->begin = begin;
            s->children.push_back(std::move(e));
            while (AcceptOp(",")) {
              LW_ASSIGN_OR_RETURN(ExprPtr n, ParseExpr());
              s->children.push_back(std::move(n));
            }
            LW_RETURN_IF_ERROR(ExpectOp(")"));
            s->end = PrevEnd();
            return s;
          }
          LW_RETURN_IF_ERROR(ExpectOp(")"));
          e->begin = begin;
          e->end = PrevEnd();
          return e;
        }
        if (t.IsOperator("*")) {
          Advance();
          auto e = std::make_unique<Expr>();
          e->kind = ExprKind::kStar;
          e->begin = begin;
          e->end = PrevEnd();
          return e;
        }
        return Expected("an expression");
      }
      case TokenKind::kIdentifier:
      case TokenKind::kQuotedIdentifier:
        break;
    }
    // Keywords with a special form.
    if (t.kind == TokenKind::kIdentifier) {
      if (t.IsKeyword("NULL")) {
        Advance();
        auto e = std::make_unique<Expr>();
        e->kind = ExprKind::kLiteral;
        e->value = Scalar::Null(DataType::Null());
        e->begin = begin;
        e->end = PrevEnd();
        return e;
      }
      if (t.IsKeyword("TRUE") || t.IsKeyword("FALSE")) {
        bool v = t.IsKeyword("TRUE");
        Advance();
        auto e = std::make_unique<Expr>();
        e->kind = ExprKind::kLiteral;
        e->value = Scalar::Boolean(v);
        e->begin = begin;
        e->end = PrevEnd();
        return e;
      }
      if (t.IsKeyword("CASE")) return ParseCase();
      if ((t.IsKeyword("CAST") || t.IsKeyword("TRY_CAST")) && Peek(1).IsOperator("(")) {
        bool try_cast = t.IsKeyword("TRY_CAST");
        Advance(), Advance();
        auto e = std::make_unique<Expr>();
        e->kind = ExprKind::kCast;
        e->try_cast = try_cast;
        e->begin = begin;
        LW_ASSIGN_OR_RETURN(ExprPtr v, ParseExpr());
        LW_RETURN_IF_ERROR(ExpectKeyword("AS"));
        LW_ASSIGN_OR_RETURN(e->cast_type, ParseType());
        LW_RETURN_IF_ERROR(ExpectOp(")"));
        e->children.push_back(std::move(v));
        e->end = PrevEnd();
        return e;
      }
      if ((t.IsKeyword("DATE") || t.IsKeyword("TIMESTAMP") || t.IsKeyword("TIMESTAMP_NTZ") ||
           t.IsKeyword("TIMESTAMP_LTZ")) &&
          Peek(1).kind == TokenKind::kString) {
        // DATE '2025-01-01', TIMESTAMP '2025-01-01 10:00:00': a cast of the string.
        TypePtr type = t.IsKeyword("DATE")            ? DataType::Date()
                       : t.IsKeyword("TIMESTAMP_NTZ") ? DataType::TimestampNtz()
                                                      : DataType::Timestamp();
        Advance();
        auto lit = std::make_unique<Expr>();
        lit->kind = ExprKind::kLiteral;
        lit->begin = Peek().offset;
        lit->value = Scalar::String(Advance().text);
        lit->end = PrevEnd();
        auto e = std::make_unique<Expr>();
        e->kind = ExprKind::kCast;
        e->cast_type = type;
        e->begin = begin;
        e->end = PrevEnd();
        e->name = "typed literal";
        e->children.push_back(std::move(lit));
        return e;
      }
      if (t.IsKeyword("INTERVAL")) return ParseInterval();
      if (t.IsKeyword("EXISTS") && Peek(1).IsOperator("(")) {
        return Status::NotSupported("SQL error at " + DescribePosition(sql_, begin) +
                                    ": EXISTS (subquery) is not supported; use a JOIN");
      }
    }
    // A few reserved words are also function names: window(…), left(…), right(…).
    if (t.kind == TokenKind::kIdentifier && IsReserved(t) &&
        !((t.IsKeyword("WINDOW") || t.IsKeyword("LEFT") || t.IsKeyword("RIGHT")) && Peek(1).IsOperator("("))) {
      return Expected("an expression");
    }
    // A name: a function call or a column reference.
    std::string name = Advance().text;
    if (Peek().IsOperator("(") && t.kind == TokenKind::kIdentifier) return ParseFunction(name, begin);
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::kColumn;
    e->begin = begin;
    e->names.push_back(std::move(name));
    e->end = PrevEnd();
    return e;
  }

  Result<ExprPtr> ParseFunction(const std::string& name, size_t begin) {
    LW_RETURN_IF_ERROR(ExpectOp("("));
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::kFunction;
    e->name = Lower(name);
    e->begin = begin;
    if (AcceptOp(")")) {
      e->end = PrevEnd();
      return e;
    }
    if (Peek().IsOperator("*") && Peek(1).IsOperator(")")) {
      Advance(), Advance();
      e->star = true;
      e->end = PrevEnd();
      return e;
    }
    if (AcceptKeyword("DISTINCT")) {
      e->distinct = true;
    } else {
      AcceptKeyword("ALL");
    }
    // Spark's extract(field FROM source) and position(sub IN str) forms.
    if (e->name == "extract" && Peek(1).IsKeyword("FROM")) {
      auto f = std::make_unique<Expr>();
      f->kind = ExprKind::kLiteral;
      f->begin = Peek().offset;
      f->value = Scalar::String(Advance().text);
      f->end = PrevEnd();
      Advance();  // FROM
      e->children.push_back(std::move(f));
      LW_ASSIGN_OR_RETURN(ExprPtr src, ParseExpr());
      e->children.push_back(std::move(src));
      LW_RETURN_IF_ERROR(ExpectOp(")"));
      e->end = PrevEnd();
      return e;
    }
    do {
      LW_ASSIGN_OR_RETURN(ExprPtr a, ParseExpr());
      e->children.push_back(std::move(a));
    } while (AcceptOp(","));
    if (e->name == "trim" && Peek().IsKeyword("FROM")) {
      // trim('x' FROM s) → trim(s, 'x')
      Advance();
      LW_ASSIGN_OR_RETURN(ExprPtr src, ParseExpr());
      e->children.insert(e->children.begin(), std::move(src));
    }
    LW_RETURN_IF_ERROR(ExpectOp(")"));
    if (Peek().IsKeyword("OVER")) {
      return Status::NotSupported("SQL error at " + DescribePosition(sql_, Peek().offset) +
                                  ": window functions (OVER) are not supported yet");
    }
    if (Peek().IsKeyword("FILTER") && Peek(1).IsOperator("(")) {
      return Status::NotSupported("SQL error at " + DescribePosition(sql_, Peek().offset) +
                                  ": aggregate FILTER (WHERE …) is not supported; use count_if or CASE");
    }
    e->end = PrevEnd();
    return e;
  }

  Result<ExprPtr> ParseCase() {
    size_t begin = Advance().offset;
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::kCase;
    e->begin = begin;
    if (!Peek().IsKeyword("WHEN")) {
      LW_ASSIGN_OR_RETURN(ExprPtr op, ParseExpr());
      e->children.push_back(std::move(op));
      e->has_operand = true;
    }
    if (!Peek().IsKeyword("WHEN")) return Expected("WHEN");
    while (AcceptKeyword("WHEN")) {
      LW_ASSIGN_OR_RETURN(ExprPtr w, ParseExpr());
      LW_RETURN_IF_ERROR(ExpectKeyword("THEN"));
      LW_ASSIGN_OR_RETURN(ExprPtr th, ParseExpr());
      e->children.push_back(std::move(w));
      e->children.push_back(std::move(th));
    }
    if (AcceptKeyword("ELSE")) {
      LW_ASSIGN_OR_RETURN(ExprPtr el, ParseExpr());
      e->children.push_back(std::move(el));
      e->has_else = true;
    }
    LW_RETURN_IF_ERROR(ExpectKeyword("END"));
    e->end = PrevEnd();
    return e;
  }

  // INTERVAL '1' HOUR | INTERVAL 1 HOUR | INTERVAL '1 hour 30 minutes' | INTERVAL 2 HOURS 5 MINUTES
  Result<ExprPtr> ParseInterval() {
    size_t begin = Advance().offset;
    int64_t micros = 0, months = 0;
    auto add_unit = [&](double n, std::string unit) -> Status {
      unit = Lower(unit);
      if (unit.size() > 1 && unit.back() == 's') unit.pop_back();
      if (unit == "microsecond") micros += static_cast<int64_t>(n);
      else if (unit == "millisecond") micros += static_cast<int64_t>(n * 1000);
      else if (unit == "second") micros += static_cast<int64_t>(std::llround(n * 1e6));
      else if (unit == "minute") micros += static_cast<int64_t>(std::llround(n * 60e6));
      else if (unit == "hour") micros += static_cast<int64_t>(std::llround(n * 3600e6));
      else if (unit == "day") micros += static_cast<int64_t>(std::llround(n * 86400e6));
      else if (unit == "week") micros += static_cast<int64_t>(std::llround(n * 7 * 86400e6));
      else if (unit == "month") months += static_cast<int64_t>(n);
      else if (unit == "year") months += static_cast<int64_t>(n) * 12;
      else return Status::InvalidArgument("SQL error: unknown interval unit '" + unit + "'");
      return Status::OK();
    };
    bool any = false;
    while (true) {
      const Token& t = Peek();
      if (t.kind == TokenKind::kString) {
        std::string text = Advance().text;
        // '1 hour 30 minutes' or '1' followed by a unit keyword
        std::vector<std::string> words;
        size_t i = 0;
        while (i < text.size()) {
          while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
          size_t j = i;
          while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j]))) ++j;
          if (j > i) words.push_back(text.substr(i, j - i));
          i = j;
        }
        if (words.size() == 1 && Peek().kind == TokenKind::kIdentifier) {
          words.push_back(Advance().text);
        }
        if (words.empty() || words.size() % 2 != 0) {
          return Status::InvalidArgument("SQL error at " + DescribePosition(sql_, t.offset) +
                                         ": cannot read interval '" + text + "'");
        }
        for (size_t k = 0; k < words.size(); k += 2) {
          char* endp = nullptr;
          double n = std::strtod(words[k].c_str(), &endp);
          if (endp == words[k].c_str() || *endp != '\0') {
            return Status::InvalidArgument("SQL error at " + DescribePosition(sql_, t.offset) +
                                           ": cannot read interval '" + text + "'");
          }
          LW_RETURN_IF_ERROR(add_unit(n, words[k + 1]));
        }
        any = true;
      } else if (t.kind == TokenKind::kInteger || t.kind == TokenKind::kDecimal ||
                 (t.IsOperator("-") && (Peek(1).kind == TokenKind::kInteger || Peek(1).kind == TokenKind::kDecimal))) {
        double sign = 1;
        if (t.IsOperator("-")) {
          Advance();
          sign = -1;
        }
        double n = sign * std::strtod(Advance().text.c_str(), nullptr);
        if (Peek().kind != TokenKind::kIdentifier) return Expected("an interval unit");
        LW_RETURN_IF_ERROR(add_unit(n, Advance().text));
        any = true;
      } else {
        break;
      }
    }
    if (!any) return Expected("an interval value");
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::kInterval;
    e->value = Scalar::Int64(micros);
    e->months = months;
    e->begin = begin;
    e->end = PrevEnd();
    return e;
  }

  // ---- types
  Result<TypePtr> ParseType() {
    LW_RETURN_IF_ERROR(Enter());
    DepthGuard g{&depth_};
    const Token& t = Peek();
    if (t.kind != TokenKind::kIdentifier) return Expected("a type name");
    std::string n = Lower(Advance().text);
    if (n == "boolean" || n == "bool") return DataType::Boolean();
    if (n == "tinyint" || n == "byte") return DataType::Int8();
    if (n == "smallint" || n == "short") return DataType::Int16();
    if (n == "int" || n == "integer") return DataType::Int32();
    if (n == "bigint" || n == "long") return DataType::Int64();
    if (n == "float" || n == "real") return DataType::Float();
    if (n == "double") return DataType::Double();
    if (n == "date") return DataType::Date();
    if (n == "timestamp" || n == "timestamp_ltz") return DataType::Timestamp();
    if (n == "timestamp_ntz") return DataType::TimestampNtz();
    if (n == "binary") return DataType::Binary();
    if (n == "string" || n == "varchar" || n == "char" || n == "text") {
      if (n != "string" && AcceptOp("(")) {
        if (Peek().kind != TokenKind::kInteger) return Expected("a length");
        Advance();
        LW_RETURN_IF_ERROR(ExpectOp(")"));
      }
      return DataType::String();
    }
    if (n == "decimal" || n == "dec" || n == "numeric") {
      int p = 10, s = 0;
      if (AcceptOp("(")) {
        if (Peek().kind != TokenKind::kInteger) return Expected("a precision");
        p = std::atoi(Advance().text.c_str());
        if (AcceptOp(",")) {
          if (Peek().kind != TokenKind::kInteger) return Expected("a scale");
          s = std::atoi(Advance().text.c_str());
        }
        LW_RETURN_IF_ERROR(ExpectOp(")"));
      }
      if (p < 1 || p > 38 || s < 0 || s > p) {
        return Status::InvalidArgument("SQL error: decimal(" + std::to_string(p) + "," + std::to_string(s) +
                                       ") is not a valid type (precision 1..38, scale 0..precision)");
      }
      return DataType::Decimal(p, s);
    }
    if (n == "array") {
      LW_RETURN_IF_ERROR(ExpectOp("<"));
      LW_ASSIGN_OR_RETURN(TypePtr el, ParseType());
      LW_RETURN_IF_ERROR(ExpectOp(">"));
      return DataType::List(std::move(el));
    }
    if (n == "map") {
      LW_RETURN_IF_ERROR(ExpectOp("<"));
      LW_ASSIGN_OR_RETURN(TypePtr k, ParseType());
      LW_RETURN_IF_ERROR(ExpectOp(","));
      LW_ASSIGN_OR_RETURN(TypePtr v, ParseType());
      LW_RETURN_IF_ERROR(ExpectOp(">"));
      return DataType::Map(std::move(k), std::move(v));
    }
    if (n == "struct") {
      LW_RETURN_IF_ERROR(ExpectOp("<"));
      std::vector<Field> fields;
      if (!Peek().IsOperator(">")) {
        do {
          const Token& f = Peek();
          if (f.kind != TokenKind::kIdentifier && f.kind != TokenKind::kQuotedIdentifier) {
            return Expected("a field name");
          }
          Field field;
          field.name = Advance().text;
          AcceptOp(":");
          LW_ASSIGN_OR_RETURN(field.type, ParseType());
          fields.push_back(std::move(field));
        } while (AcceptOp(","));
      }
      LW_RETURN_IF_ERROR(ExpectOp(">"));
      return DataType::Struct(std::move(fields));
    }
    pos_--;
    return Expected("a type name (int, bigint, double, string, decimal(p,s), date, timestamp, …)");
  }

  std::string_view sql_;
  std::vector<Token> toks_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

Result<Statement> ParseStatement(std::string_view sql) {
  LW_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(sql));
  Parser p(sql, std::move(tokens));
  return p.ParseStatementTop();
}

Result<TypePtr> ParseTypeName(std::string_view text) {
  LW_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(text));
  Parser p(text, std::move(tokens));
  return p.ParseTypeTop();
}

}  // namespace lakewatch::sql
