// Template mining, after Drain (He et al., "Drain: An Online Log Parsing
// Approach with Fixed Depth Tree", ICWS 2017), with stronger preprocessing:
//
//  1. Tokens. Whitespace separates tokens; each of = : , ; ( ) [ ] { } is a
//     token of its own, and so is a run of two or more dots ("rounded.....0").
//     A double-quoted span is one token.
//  2. Masks. A token is a variable when it holds a digit, starts with '/'
//     (a path), is a quoted span, a host name ("a.example.com", or
//     "name:port" standing alone), or a month/weekday name next to another
//     variable (a date).
//  3. Runs. Adjacent variables merge into one "<*>": with whitespace between
//     them, with a joiner (: , = ;) between them and no whitespace, with a
//     unit word after them ("12 ms", "3 KB"). Brackets that hold only a
//     variable, or nothing, become part of it ("(1.2 KB)", "()"), together
//     with a word glued to the opening bracket ("WorkSource{10113}"). So
//     "0 bytes sent" and "1396 bytes (1.36 KB) sent" both read "<*> sent".
//  4. Tree. Key = token count, then the first prefix_tokens tokens, then the
//     last token. A masked token takes the "<*>" branch; a node that already
//     has max_children children sends new words to its "<*>" branch too.
//  5. Leaf. Each cluster of the leaf is scored by the fraction of positions
//     that agree. Template "<*>" positions come in two kinds: kWildcard (has
//     held only masked variables: agrees with a variable, not with a word)
//     and kWildAny (has held words: agrees with anything). The boolean words
//     true/false never generalize: a disagreement there rules a cluster out.
//     The best cluster scoring >= similarity_threshold absorbs the message
//     (disagreeing positions become kWildAny); else a new cluster starts.
//     A cluster's branch at each key position never changes (a word there
//     stays that word, a "<*>" stays a "<*>"), which is what lets Deserialize
//     rebuild the tree by re-inserting the clusters in creation order.
//
// Serialized form (version 1): text, one record per line ('\n'):
//
//   lakewatch-templates 1
//   options <similarity_threshold> <prefix_tokens> <match_last_token 0|1>
//           <max_children> <max_tokens> <max_clusters>      (one line)
//   next_id <int>
//   clusters <count>
//   <id> <count> <kind> <ntokens> <token>*       (count lines, creation order)
//   end
//
// kind is T (tree cluster) or C (the catch-all cluster). Each token is
// separated by one space and is '+' (whitespace before it in the template
// text) or '.' (none) followed by '*' (kWildcard), '?' (kWildAny) or '='
// and the token's bytes with '%', bytes <= 0x20 and 0x7f written as %XX
// (other bytes as they are, so UTF-8 text stays readable).
// Integers are decimal; the threshold is printed with 17 significant digits.
#include "ingest/template_miner.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>

namespace lakewatch::ingest {
namespace {

constexpr std::string_view kMagic = "lakewatch-templates";
constexpr int kFormatVersion = 1;
constexpr size_t kMaxPrefixTokens = 8;
// Ids grow by one per template ever created; a state claiming more is corrupt
// (and the bound keeps next_id_++ from overflowing).
constexpr int64_t kMaxNextId = int64_t{1} << 62;

// Character classes of the tokenizer.
enum : uint8_t { kSpaceBit = 1, kSplitBit = 2, kDigitBit = 4, kDotBit = 8, kAlphaBit = 16 };

constexpr std::array<uint8_t, 256> MakeClasses() {
  std::array<uint8_t, 256> t{};
  for (unsigned char c : {' ', '\t', '\n', '\v', '\f', '\r'}) t[c] |= kSpaceBit;
  for (unsigned char c : {'=', ':', ',', ';', '(', ')', '[', ']', '{', '}'}) t[c] |= kSplitBit;
  for (int c = '0'; c <= '9'; ++c) t[c] |= kDigitBit;
  for (int c = 'a'; c <= 'z'; ++c) t[c] |= kAlphaBit;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] |= kAlphaBit;
  t['.'] |= kDotBit;
  return t;
}
constexpr std::array<uint8_t, 256> kClasses = MakeClasses();

uint8_t ClassOf(char c) { return kClasses[static_cast<unsigned char>(c)]; }
bool IsSpace(char c) { return ClassOf(c) & kSpaceBit; }
bool IsDigit(char c) { return ClassOf(c) & kDigitBit; }
bool IsAlpha(char c) { return ClassOf(c) & kAlphaBit; }

// Punctuation that joins two variables into one ("10.0.0.1:80", "12:30:01").
bool IsJoiner(char c) { return c == ':' || c == ',' || c == '=' || c == ';'; }

char ClosingOf(char c) {
  switch (c) {
    case '(':
      return ')';
    case '[':
      return ']';
    case '{':
      return '}';
    default:
      return 0;
  }
}

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// `lower` is lower case.
bool EqualsIgnoreCase(std::string_view w, std::string_view lower) {
  if (w.size() != lower.size()) return false;
  for (size_t i = 0; i < w.size(); ++i) {
    if (Lower(w[i]) != lower[i]) return false;
  }
  return true;
}

template <size_t N>
bool InList(std::string_view w, const std::string_view (&list)[N]) {
  for (std::string_view u : list) {
    if (EqualsIgnoreCase(w, u)) return true;
  }
  return false;
}

// A unit belonging to the number before it ("12 ms", "3.1 KB").
bool IsUnit(std::string_view w) {
  static constexpr std::string_view kUnits[] = {
      "b",      "kb",      "mb", "gb", "tb",  "kib",  "mib",    "gib",     "byte", "bytes",
      "ms",     "us",      "ns", "s",  "sec", "secs", "second", "seconds", "min",  "mins",
      "minute", "minutes", "h",  "hr", "hrs", "hour", "hours",  "%"};
  while (!w.empty() && (w.back() == '.' || w.back() == ',')) w.remove_suffix(1);
  return !w.empty() && w.size() <= 7 && InList(w, kUnits);
}

// Month and weekday names, as in dates.
bool IsCalendarWord(std::string_view w) {
  static constexpr std::string_view kWords[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun",
                                                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
                                                "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (w.size() != 3) return false;
  for (std::string_view u : kWords) {
    if (w == u) return true;
  }
  return false;
}

bool IsBoolean(std::string_view t) {
  return (t.size() == 4 && EqualsIgnoreCase(t, "true")) ||
         (t.size() == 5 && EqualsIgnoreCase(t, "false"));
}

bool IsPort(std::string_view t) {
  if (t.empty() || t.size() > 5) return false;
  for (char c : t) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

// "mail.example.com", "host.example.edu.pl": dot-separated labels of
// letters, digits and '-', ending in a generic top-level domain, or in one
// followed by a two-letter country code.
bool IsHostName(std::string_view t) {
  static constexpr std::string_view kTopLevel[] = {"com", "net", "org",  "edu", "gov",
                                                   "mil", "int", "info", "biz", "io"};
  size_t labels = 0;
  std::string_view last, before_last;
  size_t start = 0;
  for (size_t i = 0; i <= t.size(); ++i) {
    if (i == t.size() || t[i] == '.') {
      if (i == start) return false;
      before_last = last;
      last = t.substr(start, i - start);
      ++labels;
      start = i + 1;
      continue;
    }
    if (!(ClassOf(t[i]) & (kAlphaBit | kDigitBit)) && t[i] != '-') return false;
  }
  if (labels < 2) return false;
  if (InList(last, kTopLevel)) return true;
  return labels >= 3 && last.size() == 2 && IsAlpha(last[0]) && IsAlpha(last[1]) &&
         InList(before_last, kTopLevel);
}

}  // namespace

TemplateMiner::TemplateMiner(TemplateMinerOptions options) : options_(options) {
  if (!(options_.similarity_threshold >= 0)) options_.similarity_threshold = 0;  // NaN too
  options_.similarity_threshold = std::min(options_.similarity_threshold, 1.0);
  options_.prefix_tokens = std::min(options_.prefix_tokens, kMaxPrefixTokens);
  options_.max_tokens = std::clamp<size_t>(options_.max_tokens, 1, 1u << 20);
  options_.max_children = std::max<size_t>(options_.max_children, 1);
  options_.max_clusters = std::max<size_t>(options_.max_clusters, 1);
  nodes_.emplace_back();  // root
}

// ---- tokens

void TemplateMiner::Tokenize(std::string_view m) {
  // Pass 1: raw tokens; words with a digit, paths, host names and quoted
  // strings are variables. A message longer than 4 GiB is cut (offsets are
  // 32-bit).
  if (m.size() > 0xffffffffu) m = m.substr(0, 0xffffffffu);
  raw_.clear();
  const size_t n = m.size();
  const size_t raw_limit = options_.max_tokens * 4;
  size_t i = 0;
  bool space = false;
  auto text = [&](const RawToken& r) { return m.substr(r.begin, r.end - r.begin); };
  while (i < n) {
    const char c = m[i];
    const uint8_t cls = ClassOf(c);
    if (cls & kSpaceBit) {
      space = true;
      ++i;
      continue;
    }
    RawToken r;
    r.begin = static_cast<uint32_t>(i);
    r.space_before = space;
    space = false;
    size_t j = i + 1;
    if (raw_.size() + 1 >= raw_limit) {
      j = n;
      while (j > i && IsSpace(m[j - 1])) --j;
    } else if (cls & kSplitBit) {
      r.punct = true;
    } else if (c == '.' && j < n && m[j] == '.') {
      r.punct = true;
      while (j < n && m[j] == '.') ++j;
    } else if (c == '"' && m.find('"', j) != std::string_view::npos) {
      j = m.find('"', j) + 1;
      r.var = true;  // a quoted string
    } else {
      // A word. Pass 2's masks, but for host names, need only its classes.
      uint8_t seen = cls;
      while (j < n) {
        const uint8_t d = ClassOf(m[j]);
        if (d & (kSpaceBit | kSplitBit)) break;
        if ((d & kDotBit) && j + 1 < n && m[j + 1] == '.') break;
        seen |= d;
        ++j;
      }
      r.var = (seen & kDigitBit) || (c == '/' && j > i + 1) ||
              ((seen & kDotBit) && IsHostName(m.substr(i, j - i)));
    }
    r.end = static_cast<uint32_t>(j);
    raw_.push_back(r);
    i = j;
  }

  // Pass 2: variables known by their neighbours.
  for (size_t k = raw_.size(); k-- > 0;) {
    RawToken& r = raw_[k];
    if (r.punct || r.var) continue;
    std::string_view t = text(r);
    // host:port, as "a.b.c:80" or a whole "name:80" between whitespace.
    if (k + 2 < raw_.size() && m[raw_[k + 1].begin] == ':' && raw_[k + 1].punct &&
        !raw_[k + 1].space_before && !raw_[k + 2].space_before && raw_[k + 2].var &&
        (t.find('.') != std::string_view::npos ||
         ((k == 0 || r.space_before) && (k + 3 == raw_.size() || raw_[k + 3].space_before) &&
          IsPort(text(raw_[k + 2]))))) {
      r.var = true;
      continue;
    }
    if (IsCalendarWord(t) &&
        ((k + 1 < raw_.size() && raw_[k + 1].var) || (k > 0 && raw_[k - 1].var))) {
      r.var = true;
    }
  }

  // Pass 3: runs of variables become one.
  merged_.clear();
  for (const RawToken& r : raw_) {
    if (r.var) {
      PushVariable(m, r);
      continue;
    }
    if (!r.punct) {
      if (!merged_.empty() && merged_.back().var && IsUnit(text(r))) {
        merged_.back().end = r.end;
        continue;
      }
      merged_.push_back(r);
      continue;
    }
    char c = m[r.begin];
    if (c == ')' || c == ']' || c == '}') {
      size_t s = merged_.size();
      size_t open = s;  // index of the matching opener if only a variable or nothing follows it
      if (s >= 1 && merged_[s - 1].punct && ClosingOf(m[merged_[s - 1].begin]) == c) {
        open = s - 1;
      } else if (s >= 2 && merged_[s - 1].var && merged_[s - 2].punct &&
                 ClosingOf(m[merged_[s - 2].begin]) == c) {
        open = s - 2;
      }
      if (open < s) {
        RawToken v = merged_[open];
        v.punct = false;
        v.var = true;
        v.end = r.end;
        merged_.resize(open);
        if (open > 0 && !v.space_before && !merged_.back().punct) {
          v.begin = merged_.back().begin;
          v.space_before = merged_.back().space_before;
          merged_.pop_back();
        }
        PushVariable(m, v);
        continue;
      }
    }
    merged_.push_back(r);
  }

  tokens_.clear();
  for (const RawToken& r : merged_) {
    Token t;
    t.text = text(r);
    t.space_before = r.space_before;
    t.var = r.var;
    tokens_.push_back(t);
  }
  if (tokens_.size() > options_.max_tokens) {
    Token& last = tokens_[options_.max_tokens - 1];
    const Token& end = tokens_.back();
    last.text =
        std::string_view(last.text.data(),
                         static_cast<size_t>(end.text.data() + end.text.size() - last.text.data()));
    last.var = true;
    tokens_.resize(options_.max_tokens);
  }
  for (Token& t : tokens_) {
    if (t.var) {
      t.id = kWildcard;
    } else {
      t.id = Lookup(t.text);
      t.pinned = IsBoolean(t.text);
    }
  }
}

void TemplateMiner::PushVariable(std::string_view m, const RawToken& r) {
  size_t s = merged_.size();
  if (s >= 1 && merged_[s - 1].var) {
    merged_[s - 1].end = r.end;
    return;
  }
  if (s >= 2 && merged_[s - 2].var && merged_[s - 1].punct && !merged_[s - 1].space_before &&
      !r.space_before && IsJoiner(m[merged_[s - 1].begin])) {
    merged_.pop_back();
    merged_.back().end = r.end;
    return;
  }
  merged_.push_back(r);
}

uint32_t TemplateMiner::Lookup(std::string_view text) const {
  auto it = token_ids_.find(text);
  return it == token_ids_.end() ? kUnknown : it->second;
}

uint32_t TemplateMiner::Intern(std::string_view text) {
  auto it = token_ids_.find(text);
  if (it != token_ids_.end()) return it->second;
  token_text_.emplace_back(text);
  pinned_.push_back(IsBoolean(text) ? 1 : 0);
  uint32_t id = static_cast<uint32_t>(token_text_.size() - 1) + kFirstConstant;
  token_ids_.emplace(token_text_.back(), id);
  return id;
}

// ---- tree

size_t TemplateMiner::KeyPositions(size_t n, size_t out[]) const {
  size_t k = 0;
  size_t prefix = std::min(options_.prefix_tokens, n);
  for (size_t p = 0; p < prefix; ++p) out[k++] = p;
  if (options_.match_last_token && n > prefix) out[k++] = n - 1;
  return k;
}

uint32_t TemplateMiner::Child(uint32_t node, uint64_t key) const {
  auto it = edges_.find((static_cast<uint64_t>(node) << 32) | key);
  return it == edges_.end() ? kNoNode : it->second;
}

uint32_t TemplateMiner::AddNode() {
  nodes_.emplace_back();
  return static_cast<uint32_t>(nodes_.size() - 1);
}

uint32_t TemplateMiner::Descend(bool create, uint32_t* wild_at) {
  const size_t n = tokens_.size();
  uint32_t node = Child(0, n);
  if (node == kNoNode) {
    if (!create) return kNoNode;
    node = AddNode();
    edges_.emplace(n, node);
  }
  size_t keys[kMaxPrefixTokens + 1];
  size_t nkeys = KeyPositions(n, keys);
  for (size_t k = 0; k < nkeys; ++k) {
    const Token& t = tokens_[keys[k]];
    uint32_t next = kNoNode;
    bool wild = t.var;
    if (!wild) {
      if (t.id != kUnknown) next = Child(node, t.id);
      if (next == kNoNode) {
        if (nodes_[node].children >= options_.max_children) {
          wild = true;
          if (create) *wild_at |= 1u << k;
        } else if (create) {
          uint32_t id = Intern(t.text);
          next = AddNode();
          edges_.emplace((static_cast<uint64_t>(node) << 32) | id, next);
          ++nodes_[node].children;
        } else {
          return kNoNode;
        }
      }
    }
    if (wild) {
      next = nodes_[node].wild;
      if (next == kNoNode) {
        if (!create) return kNoNode;
        next = AddNode();
        nodes_[node].wild = next;
      }
    }
    node = next;
  }
  return node;
}

int64_t TemplateMiner::BestInLeaf(uint32_t leaf, double* score) const {
  *score = -1;
  int64_t best = -1;
  const size_t n = tokens_.size();
  for (uint32_t ci : nodes_[leaf].clusters) {
    const Cluster& c = clusters_[ci];
    size_t agree = 0;
    bool ruled_out = false;
    for (size_t i = 0; i < n; ++i) {
      if (Agree(c.tokens[i], tokens_[i])) {
        ++agree;
      } else if (tokens_[i].pinned || Pinned(c.tokens[i])) {
        ruled_out = true;
        break;
      }
    }
    if (ruled_out) continue;
    double s = n == 0 ? 1.0 : static_cast<double>(agree) / static_cast<double>(n);
    if (s > *score) {
      *score = s;
      best = ci;
    }
  }
  return best;
}

// ---- clusters

void TemplateMiner::RenderText(Cluster* c) const {
  c->text.clear();
  for (size_t i = 0; i < c->tokens.size(); ++i) {
    if (i > 0 && c->space_before[i]) c->text.push_back(' ');
    if (c->tokens[i] < kFirstConstant) {
      c->text.append("<*>");
    } else {
      c->text.append(token_text_[c->tokens[i] - kFirstConstant]);
    }
  }
}

TemplateMatch TemplateMiner::Join(size_t index) {
  Cluster& c = clusters_[index];
  if (c.count < UINT64_MAX) ++c.count;
  TemplateMatch match;
  if (static_cast<int64_t>(index) != catch_all_) {
    for (size_t i = 0; i < tokens_.size(); ++i) {
      if (!Agree(c.tokens[i], tokens_[i])) {
        c.tokens[i] = kWildAny;
        match.changed = true;
      }
    }
    if (match.changed) RenderText(&c);
  }
  match.id = c.id;
  match.template_text = c.text;
  return match;
}

TemplateMatch TemplateMiner::NewCluster(uint32_t leaf, uint32_t wild_at) {
  size_t keys[kMaxPrefixTokens + 1];
  size_t nkeys = KeyPositions(tokens_.size(), keys);
  Cluster c;
  c.id = next_id_++;
  c.count = 1;
  c.tokens.reserve(tokens_.size());
  c.space_before.reserve(tokens_.size());
  for (const Token& t : tokens_) {
    c.tokens.push_back(t.var ? kWildcard : Intern(t.text));
    c.space_before.push_back(t.space_before ? 1 : 0);
  }
  for (size_t k = 0; k < nkeys; ++k) {
    if (wild_at & (1u << k)) c.tokens[keys[k]] = kWildAny;
  }
  RenderText(&c);
  size_t index = clusters_.size();
  by_id_[c.id] = index;
  clusters_.push_back(std::move(c));
  nodes_[leaf].clusters.push_back(static_cast<uint32_t>(index));
  TemplateMatch match;
  match.id = clusters_[index].id;
  match.template_text = clusters_[index].text;
  match.is_new = true;
  return match;
}

TemplateMatch TemplateMiner::CatchAll() {
  bool created = false;
  if (catch_all_ < 0) {
    Cluster c;
    c.id = next_id_++;
    c.tokens.push_back(kWildAny);
    c.space_before.push_back(0);
    RenderText(&c);
    catch_all_ = static_cast<int64_t>(clusters_.size());
    by_id_[c.id] = clusters_.size();
    clusters_.push_back(std::move(c));
    created = true;
  }
  TemplateMatch match = Join(static_cast<size_t>(catch_all_));
  match.is_new = created;
  return match;
}

TemplateMatch TemplateMiner::Add(std::string_view message) {
  Tokenize(message);
  int64_t best = -1;
  double score = -1;
  uint32_t leaf = Descend(false, nullptr);
  if (leaf != kNoNode) best = BestInLeaf(leaf, &score);
  if (best >= 0 && score >= options_.similarity_threshold) return Join(static_cast<size_t>(best));
  if (clusters_.size() >= options_.max_clusters) {
    return best >= 0 ? Join(static_cast<size_t>(best)) : CatchAll();
  }
  uint32_t wild_at = 0;
  leaf = Descend(true, &wild_at);
  return NewCluster(leaf, wild_at);
}

const std::string* TemplateMiner::TemplateText(int64_t id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &clusters_[it->second].text;
}

// ---- persistence

namespace {

void AppendEscaped(std::string* out, std::string_view s) {
  static const char kHex[] = "0123456789ABCDEF";
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7f || c == '%') {
      out->push_back('%');
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    } else {
      out->push_back(ch);
    }
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Splits the serialized text into lines and fields with positions for errors.
class LineReader {
 public:
  explicit LineReader(std::string_view data) : data_(data) {}

  // The next line's fields (split on single spaces); false at end of input.
  bool Next() {
    if (pos_ >= data_.size()) return false;
    size_t end = data_.find('\n', pos_);
    if (end == std::string_view::npos) end = data_.size();
    line_ = data_.substr(pos_, end - pos_);
    pos_ = end + 1;
    ++number_;
    fields_.clear();
    size_t start = 0;
    for (size_t i = 0; i <= line_.size(); ++i) {
      if (i == line_.size() || line_[i] == ' ') {
        fields_.push_back(line_.substr(start, i - start));
        start = i + 1;
      }
    }
    return true;
  }

  const std::vector<std::string_view>& fields() const { return fields_; }

  Status Error(const std::string& what) const {
    std::string shown(line_.substr(0, 60));
    for (char& c : shown) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    }
    return Status::Corrupt("template state line " + std::to_string(number_) + ": " + what +
                           " (line starts \"" + shown + "\")");
  }
  Status EndError(const std::string& what) const {
    return Status::Corrupt("template state: truncated after line " + std::to_string(number_) +
                           ": expected " + what);
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
  int64_t number_ = 0;
  std::string_view line_;
  std::vector<std::string_view> fields_;
};

template <typename T>
bool ParseUnsigned(std::string_view s, T* out) {
  if (s.empty() || s.size() > 20) return false;
  for (char c : s) {
    if (!IsDigit(static_cast<unsigned char>(c))) return false;
  }
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

std::string TemplateMiner::Serialize() const {
  std::string out;
  out.append(kMagic).append(" ").append(std::to_string(kFormatVersion)).append("\n");
  char threshold[40];
  auto [end, ec] = std::to_chars(threshold, threshold + sizeof(threshold),
                                 options_.similarity_threshold, std::chars_format::general, 17);
  (void)ec;
  out.append("options ").append(threshold, end);
  out.append(" ").append(std::to_string(options_.prefix_tokens));
  out.append(" ").append(options_.match_last_token ? "1" : "0");
  out.append(" ").append(std::to_string(options_.max_children));
  out.append(" ").append(std::to_string(options_.max_tokens));
  out.append(" ").append(std::to_string(options_.max_clusters)).append("\n");
  out.append("next_id ").append(std::to_string(next_id_)).append("\n");
  out.append("clusters ").append(std::to_string(clusters_.size())).append("\n");
  for (size_t i = 0; i < clusters_.size(); ++i) {
    const Cluster& c = clusters_[i];
    out.append(std::to_string(c.id)).append(" ").append(std::to_string(c.count));
    out.append(static_cast<int64_t>(i) == catch_all_ ? " C " : " T ");
    out.append(std::to_string(c.tokens.size()));
    for (size_t k = 0; k < c.tokens.size(); ++k) {
      out.push_back(' ');
      out.push_back(c.space_before[k] ? '+' : '.');
      if (c.tokens[k] == kWildcard) {
        out.push_back('*');
      } else if (c.tokens[k] == kWildAny) {
        out.push_back('?');
      } else {
        out.push_back('=');
        AppendEscaped(&out, token_text_[c.tokens[k] - kFirstConstant]);
      }
    }
    out.push_back('\n');
  }
  out.append("end\n");
  return out;
}

Status TemplateMiner::Reindex(size_t index) {
  const Cluster& c = clusters_[index];
  const size_t n = c.tokens.size();
  uint32_t node = Child(0, n);
  if (node == kNoNode) {
    node = AddNode();
    edges_.emplace(n, node);
  }
  size_t keys[kMaxPrefixTokens + 1];
  size_t nkeys = KeyPositions(n, keys);
  for (size_t k = 0; k < nkeys; ++k) {
    uint32_t tok = clusters_[index].tokens[keys[k]];
    uint32_t next = tok >= kFirstConstant ? Child(node, tok) : kNoNode;
    if (next == kNoNode && tok >= kFirstConstant && nodes_[node].children < options_.max_children) {
      next = AddNode();
      edges_.emplace((static_cast<uint64_t>(node) << 32) | tok, next);
      ++nodes_[node].children;
    }
    if (next == kNoNode) {
      if (tok >= kFirstConstant) {
        return Status::Corrupt("template state: cluster " + std::to_string(c.id) +
                               " holds a word where its tree node is full");
      }
      next = nodes_[node].wild;
      if (next == kNoNode) {
        next = AddNode();
        nodes_[node].wild = next;
      }
    }
    node = next;
  }
  nodes_[node].clusters.push_back(static_cast<uint32_t>(index));
  return Status::OK();
}

Result<TemplateMiner> TemplateMiner::Deserialize(std::string_view data) {
  LineReader in(data);
  if (!in.Next()) return Status::Corrupt("template state: empty input");
  if (in.fields().size() != 2 || in.fields()[0] != kMagic) {
    return in.Error("expected \"lakewatch-templates <version>\"");
  }
  int version = 0;
  if (!ParseUnsigned(in.fields()[1], &version)) return in.Error("bad format version");
  if (version != kFormatVersion) {
    return Status::NotSupported("template state format version " + std::to_string(version) +
                                " (this build reads version " + std::to_string(kFormatVersion) +
                                ")");
  }

  if (!in.Next()) return in.EndError("the options line");
  const auto& f = in.fields();
  TemplateMinerOptions o;
  if (f.size() != 7 || f[0] != "options") {
    return in.Error("expected \"options\" and 6 values");
  }
  {
    auto [p, ec] = std::from_chars(f[1].data(), f[1].data() + f[1].size(), o.similarity_threshold);
    if (ec != std::errc() || p != f[1].data() + f[1].size() ||
        !(o.similarity_threshold >= 0 && o.similarity_threshold <= 1)) {
      return in.Error("similarity threshold is not a number in [0, 1]");
    }
  }
  if (!ParseUnsigned(f[2], &o.prefix_tokens) || o.prefix_tokens > kMaxPrefixTokens) {
    return in.Error("prefix_tokens is not an integer in [0, 8]");
  }
  if (f[3] != "0" && f[3] != "1") return in.Error("match_last_token is not 0 or 1");
  o.match_last_token = f[3] == "1";
  if (!ParseUnsigned(f[4], &o.max_children) || o.max_children < 1) {
    return in.Error("max_children is not a positive integer");
  }
  if (!ParseUnsigned(f[5], &o.max_tokens) || o.max_tokens < 1 || o.max_tokens > (1u << 20)) {
    return in.Error("max_tokens is not an integer in [1, 2^20]");
  }
  if (!ParseUnsigned(f[6], &o.max_clusters) || o.max_clusters < 1) {
    return in.Error("max_clusters is not a positive integer");
  }
  TemplateMiner miner(o);

  if (!in.Next()) return in.EndError("the next_id line");
  if (in.fields().size() != 2 || in.fields()[0] != "next_id" ||
      !ParseUnsigned(in.fields()[1], &miner.next_id_) || miner.next_id_ < 1 ||
      miner.next_id_ > kMaxNextId) {
    return in.Error("expected \"next_id <integer in [1, 2^62]>\"");
  }
  if (!in.Next()) return in.EndError("the clusters line");
  size_t count = 0;
  if (in.fields().size() != 2 || in.fields()[0] != "clusters" ||
      !ParseUnsigned(in.fields()[1], &count)) {
    return in.Error("expected \"clusters <count>\"");
  }
  // Each cluster takes a line of at least 8 bytes: a count beyond that is a lie.
  if (count > data.size() / 8) return in.Error("cluster count exceeds the input size");
  miner.clusters_.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    if (!in.Next())
      return in.EndError("cluster " + std::to_string(i + 1) + " of " + std::to_string(count));
    const auto& g = in.fields();
    Cluster c;
    size_t ntokens = 0;
    if (g.size() < 4 || !ParseUnsigned(g[0], &c.id) || !ParseUnsigned(g[1], &c.count) ||
        (g[2] != "T" && g[2] != "C") || !ParseUnsigned(g[3], &ntokens)) {
      return in.Error("expected \"<id> <count> <T|C> <ntokens> <token>...\"");
    }
    if (c.id < 1 || c.id >= miner.next_id_) {
      return in.Error("cluster id " + std::string(g[0]) + " is not in [1, next_id)");
    }
    if (miner.by_id_.count(c.id)) return in.Error("duplicate cluster id " + std::string(g[0]));
    if (ntokens != g.size() - 4) {
      return in.Error("token count " + std::string(g[3]) + " but " + std::to_string(g.size() - 4) +
                      " tokens follow");
    }
    if (ntokens > o.max_tokens) return in.Error("more tokens than max_tokens");
    bool catch_all = g[2] == "C";
    if (catch_all && (miner.catch_all_ >= 0 || ntokens != 1 || g[4] != ".?")) {
      return in.Error("a second or malformed catch-all cluster");
    }
    std::string buf;
    for (size_t k = 4; k < g.size(); ++k) {
      std::string_view tok = g[k];
      if (tok.size() < 2 || (tok[0] != '+' && tok[0] != '.')) {
        return in.Error("token " + std::to_string(k - 3) + " does not start with '+' or '.'");
      }
      c.space_before.push_back(tok[0] == '+' ? 1 : 0);
      if (tok.substr(1) == "*") {
        c.tokens.push_back(kWildcard);
      } else if (tok.substr(1) == "?") {
        c.tokens.push_back(kWildAny);
      } else if (tok[1] == '=' && tok.size() > 2) {
        buf.clear();
        for (size_t j = 2; j < tok.size(); ++j) {
          if (tok[j] != '%') {
            buf.push_back(tok[j]);
            continue;
          }
          int hi = j + 2 < tok.size() ? HexValue(tok[j + 1]) : -1;
          int lo = j + 2 < tok.size() ? HexValue(tok[j + 2]) : -1;
          if (hi < 0 || lo < 0) {
            return in.Error("token " + std::to_string(k - 3) + " has a bad %XX escape");
          }
          buf.push_back(static_cast<char>(hi * 16 + lo));
          j += 2;
        }
        c.tokens.push_back(miner.Intern(buf));
      } else {
        return in.Error("token " + std::to_string(k - 3) + " is not '*', '?' or '=<text>'");
      }
    }
    miner.RenderText(&c);
    size_t index = miner.clusters_.size();
    miner.by_id_[c.id] = index;
    miner.clusters_.push_back(std::move(c));
    if (catch_all) {
      miner.catch_all_ = static_cast<int64_t>(index);
    } else {
      Status st = miner.Reindex(index);
      if (!st.ok()) return st;
    }
  }
  if (!in.Next()) return in.EndError("\"end\"");
  if (in.fields().size() != 1 || in.fields()[0] != "end") return in.Error("expected \"end\"");
  if (in.Next()) return in.Error("data after \"end\"");
  return miner;
}

}  // namespace lakewatch::ingest
