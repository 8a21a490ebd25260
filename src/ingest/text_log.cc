// TextLogParser. Each line's header is parsed once (ParseHeader); the record
// loop scans line by line with memchr, decides for each line after a
// record's first whether it continues that record (no header) or starts the
// next one, and emits a record once the next record's first line, or the end
// of input, is in view. Header fields are string_views into the line; the
// FlatRecord and the scratch string are members reused across records.
#include "ingest/text_log.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

namespace lakewatch::ingest {
namespace {

constexpr size_t kNpos = std::string_view::npos;

// Field names (docs/ingest-text-logs.md lists which layout sets which).
constexpr std::string_view kTimestampField = "timestamp";
constexpr std::string_view kLevelField = "level";
constexpr std::string_view kComponentField = "component";
constexpr std::string_view kPidField = "pid";
constexpr std::string_view kTidField = "tid";
constexpr std::string_view kThreadField = "thread";
constexpr std::string_view kHostField = "host";
constexpr std::string_view kSourceLineField = "source_line";
constexpr std::string_view kMessageField = "message";

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
inline bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
inline bool IsAlpha(char c) { return IsUpper(c) || IsLower(c); }
inline bool IsAlnum(char c) { return IsAlpha(c) || IsDigit(c); }
inline bool IsBlankChar(char c) { return c == ' ' || c == '\t'; }
inline bool At(std::string_view s, size_t p, char c) { return p < s.size() && s[p] == c; }

bool StartsWith(std::string_view s, size_t p, std::string_view prefix) {
  return p <= s.size() && s.size() - p >= prefix.size() && s.compare(p, prefix.size(), prefix) == 0;
}

size_t SkipSpaces(std::string_view s, size_t p) {
  while (p < s.size() && IsBlankChar(s[p])) ++p;
  return p;
}

size_t TokenEnd(std::string_view s, size_t p) {
  while (p < s.size() && !IsBlankChar(s[p])) ++p;
  return p;
}

size_t DigitsEnd(std::string_view s, size_t p) {
  while (p < s.size() && IsDigit(s[p])) ++p;
  return p;
}

std::string_view Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (IsBlankChar(s[b]) || s[b] == '\r' || s[b] == '\n')) ++b;
  while (e > b && (IsBlankChar(s[e - 1]) || s[e - 1] == '\r' || s[e - 1] == '\n')) --e;
  return s.substr(b, e - b);
}

bool IsBlankLine(std::string_view s) {
  for (char c : s) {
    if (!IsBlankChar(c) && c != '\r') return false;
  }
  return true;
}

// An integer field: at most 18 digits after an optional '-' (always fits).
bool ParseInt(std::string_view s, int64_t* out) {
  size_t i = 0;
  bool neg = false;
  if (!s.empty() && s[0] == '-') {
    neg = true;
    i = 1;
  }
  if (i == s.size() || s.size() - i > 18) return false;
  int64_t v = 0;
  for (; i < s.size(); ++i) {
    if (!IsDigit(s[i])) return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = neg ? -v : v;
  return true;
}

// A level name as written: all upper case, all lower case or capitalized.
bool IsLevelWord(std::string_view w) {
  if (w.size() < 3 || w.size() > 9) return false;
  char up[9];
  const bool first_upper = IsUpper(w[0]);
  bool rest_upper = true, rest_lower = true;
  for (size_t i = 0; i < w.size(); ++i) {
    const char c = w[i];
    if (!IsAlpha(c)) return false;
    if (i > 0) {
      rest_upper &= IsUpper(c);
      rest_lower &= IsLower(c);
    }
    up[i] = IsLower(c) ? static_cast<char>(c - 32) : c;
  }
  if (!(rest_upper && first_upper) && !rest_lower) return false;
  static constexpr std::string_view kLevels[] = {
      "TRACE",     "DEBUG", "DBG",    "INFO",  "INF",    "NOTICE", "WARN",     "WARNING", "WRN",
      "ERROR",     "ERR",   "SEVERE", "FATAL", "FTL",    "CRIT",   "CRITICAL", "ALERT",   "EMERG",
      "EMERGENCY", "PANIC", "FINE",   "FINER", "FINEST", "CONFIG", "VERBOSE",  "VRB"};
  const std::string_view u(up, w.size());
  for (std::string_view l : kLevels) {
    if (l == u) return true;
  }
  return false;
}

// A level at s[p]: a level word, or (letter_ok, Android logcat after pid and
// tid) one of V D I W E F A S, followed by a space, tab, ':' or the end.
// Sets *end past the word.
bool LevelAt(std::string_view s, size_t p, bool letter_ok, size_t* end) {
  size_t e = p;
  while (e < s.size() && IsAlpha(s[e])) ++e;
  if (e == p) return false;
  if (e < s.size() && !IsBlankChar(s[e]) && s[e] != ':') return false;
  const std::string_view w = s.substr(p, e - p);
  if (w.size() == 1) {
    if (!letter_ok || e == s.size() || !IsBlankChar(s[e])) return false;
    const char c = w[0];
    if (c != 'V' && c != 'D' && c != 'I' && c != 'W' && c != 'E' && c != 'F' && c != 'A' &&
        c != 'S') {
      return false;
    }
  } else if (!IsLevelWord(w)) {
    return false;
  }
  *end = e;
  return true;
}

// A component name: 1-128 bytes of letters, digits and _ . $ - / # @ < > ( ),
// with at least one letter.
bool ValidComponent(std::string_view s) {
  if (s.empty() || s.size() > 128) return false;
  bool letter = false;
  for (char c : s) {
    if (IsAlpha(c)) {
      letter = true;
    } else if (!IsDigit(c) && c != '_' && c != '.' && c != '$' && c != '-' && c != '/' &&
               c != '#' && c != '@' && c != '<' && c != '>' && c != '(' && c != ')') {
      return false;
    }
  }
  return letter;
}

// The ']' closing the '[' at s[p] (nested brackets counted), within 512
// bytes; kNpos if none.
size_t BracketEnd(std::string_view s, size_t p) {
  int depth = 0;
  const size_t limit = std::min(s.size(), p + 512);
  for (size_t i = p; i < limit; ++i) {
    if (s[i] == '[') {
      ++depth;
    } else if (s[i] == ']') {
      if (--depth == 0) return i;
    }
  }
  return kNpos;
}

// The closing '"' of a quoted string whose content starts at s[p]
// (backslash escapes skipped); kNpos if none.
size_t QuoteEnd(std::string_view s, size_t p) {
  for (size_t i = p; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == '"') {
      return i;
    }
  }
  return kNpos;
}

// The offset of the first byte that is not part of valid UTF-8 (RFC 3629:
// no overlongs, no surrogates, nothing above U+10FFFF), or kNpos.
size_t InvalidUtf8At(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    // ASCII fast path, 8 bytes at a time.
    if (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      if ((w & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;  // bounds of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return i;
    }
    if (i + len > n) return i;
    if (p[i + 1] < lo || p[i + 1] > hi) return i;
    for (size_t k = 2; k < len; ++k) {
      if (p[i + k] < 0x80 || p[i + k] > 0xBF) return i;
    }
    i += len;
  }
  return kNpos;
}

// ---- header parsing ----------------------------------------------------------

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

using Header = TextLogParser::Header;

void Add(Header* h, std::string_view name, FieldValue v) {
  if (h->num_fields < TextLogParser::kMaxHeaderFields) {
    h->fields[h->num_fields++] = FlatField{name, v};
  }
}

void AddString(Header* h, std::string_view name, std::string_view v) {
  Add(h, name, FieldValue::String(v));
}

// An integer when it is one, else the text.
void AddInt(Header* h, std::string_view name, std::string_view text) {
  int64_t v;
  if (ParseInt(text, &v)) {
    FieldValue f = FieldValue::Int64(v);
    f.s = text;
    Add(h, name, f);
  } else {
    AddString(h, name, text);
  }
}

void AddTimestamp(Header* h, int64_t micros, std::string_view text) {
  FieldValue f = FieldValue::Timestamp(micros);
  f.s = text;
  Add(h, kTimestampField, f);
}

// `-` (the access log's "none") as null, else the text.
void AddDashNull(Header* h, std::string_view name, std::string_view v) {
  if (v == "-") {
    FieldValue f = FieldValue::Null();
    f.s = v;
    Add(h, name, f);
  } else {
    AddString(h, name, v);
  }
}

// ip ident user [dd/Mmm/yyyy:HH:MM:SS zone] "request" status bytes ["referer" "agent"]
bool MatchAccessLog(std::string_view l, const TimestampContext& ctx, Header* h) {
  const size_t e0 = TokenEnd(l, 0);
  if (e0 == 0 || !At(l, e0, ' ')) return false;
  for (size_t i = 0; i < e0; ++i) {
    const char c = l[i];
    if (!IsAlnum(c) && c != '.' && c != ':' && c != '-' && c != '_') return false;
  }
  const size_t e1 = TokenEnd(l, e0 + 1);
  if (e1 == e0 + 1 || !At(l, e1, ' ')) return false;
  const size_t e2 = TokenEnd(l, e1 + 1);
  if (e2 == e1 + 1 || !At(l, e2, ' ') || !At(l, e2 + 1, '[')) return false;
  const std::string_view ts_text = l.substr(e2 + 2);
  std::optional<LeadingTimestamp> ts = ParseTimestampPrefix(ts_text, ctx);
  if (!ts || ts->form != TimestampForm::kCommonLog || !At(l, e2 + 2 + ts->length, ']')) {
    return false;
  }
  size_t p = e2 + 2 + ts->length + 1;
  if (!At(l, p, ' ') || !At(l, p + 1, '"')) return false;
  const size_t rq = p + 2;
  size_t rq_end = QuoteEnd(l, rq);
  // An unterminated request (a truncated line) keeps the rest of the line
  // as the request; status and what follows are then absent.
  const bool truncated = rq_end == kNpos;
  if (truncated) rq_end = l.size();
  p = std::min(rq_end + 1, l.size());
  int64_t status = 0;
  std::string_view status_text;
  std::string_view bytes_text;
  if (!truncated) {
    if (!At(l, p, ' ') || p + 4 > l.size() || !AllDigits(l.substr(p + 1, 3)) ||
        (p + 4 < l.size() && l[p + 4] != ' ')) {
      return false;
    }
    ParseInt(l.substr(p + 1, 3), &status);
    status_text = l.substr(p + 1, 3);
    p += 4;
    if (At(l, p, ' ')) {
      const size_t be = TokenEnd(l, p + 1);
      bytes_text = l.substr(p + 1, be - p - 1);
      int64_t b;
      if (bytes_text != "-" && !ParseInt(bytes_text, &b)) return false;
      p = be;
    }
  }

  h->num_fields = 0;
  AddString(h, "client_ip", l.substr(0, e0));
  AddDashNull(h, "ident", l.substr(e0 + 1, e1 - e0 - 1));
  AddDashNull(h, "user", l.substr(e1 + 1, e2 - e1 - 1));
  AddTimestamp(h, ts->micros, ts_text.substr(0, ts->length));
  // The request line: METHOD target PROTOCOL; anything else is kept whole
  // as `request`, with the method and target when they can be told.
  const std::string_view req = l.substr(rq, rq_end - rq);
  const size_t sp1 = req.find(' ');
  const size_t sp2 = req.rfind(' ');
  bool method_ok = sp1 != kNpos && sp1 > 0;
  for (size_t i = 0; method_ok && i < sp1; ++i) method_ok = IsUpper(req[i]);
  if (method_ok && sp2 > sp1 + 1 && StartsWith(req, sp2 + 1, "HTTP/")) {
    AddString(h, "method", req.substr(0, sp1));
    AddString(h, "path", req.substr(sp1 + 1, sp2 - sp1 - 1));
    AddString(h, "protocol", req.substr(sp2 + 1));
  } else {
    if (method_ok) {
      AddString(h, "method", req.substr(0, sp1));
      AddString(h, "path", req.substr(sp1 + 1));
    }
    AddString(h, "request", req);
  }
  if (!status_text.empty()) {
    FieldValue f = FieldValue::Int64(status);
    f.s = status_text;
    Add(h, "status", f);
  }
  if (!bytes_text.empty()) {
    if (bytes_text == "-") {
      AddDashNull(h, "bytes", bytes_text);
    } else {
      AddInt(h, "bytes", bytes_text);
    }
  }
  // Combined format: "referer" "user agent" (an unterminated quote keeps
  // the rest of the line).
  for (std::string_view name : {std::string_view("referer"), std::string_view("user_agent")}) {
    if (!At(l, p, ' ') || !At(l, p + 1, '"')) break;
    const size_t b = p + 2;
    size_t e = QuoteEnd(l, b);
    const bool closed = e != kNpos;
    if (!closed) e = l.size();
    AddDashNull(h, name, l.substr(b, e - b));
    p = closed ? e + 1 : e;
  }
  const std::string_view extra = Trim(l.substr(p));
  if (!extra.empty()) AddString(h, "extra", extra);
  h->kind = Header::Kind::kStamped;
  h->message_begin = kNpos;
  return true;
}

// Splits `n` single-space-separated tokens off the front of `l`.
bool Tokens(std::string_view l, int n, std::string_view* out, size_t* rest) {
  size_t p = 0;
  for (int i = 0; i < n; ++i) {
    const size_t e = TokenEnd(l, p);
    if (e == p) return false;
    out[i] = l.substr(p, e - p);
    if (i + 1 < n && !At(l, e, ' ')) return false;
    p = e + 1;
  }
  *rest = p;
  return true;
}

// BlueGene/L RAS: LABEL EPOCH yyyy.mm.dd NODE yyyy-mm-dd-hh.mm.ss.ffffff NODE TYPE COMPONENT LEVEL
// msg
bool MatchBgl(std::string_view l, const TimestampContext& ctx, Header* h) {
  std::string_view t[9];
  size_t rest;
  if (!Tokens(l, 9, t, &rest)) return false;
  if (t[0] != "-") {
    if (t[0].size() > 16) return false;
    for (char c : t[0]) {
      if (!IsUpper(c)) return false;
    }
  }
  if (t[1].size() != 10 || !AllDigits(t[1])) return false;
  if (t[2].size() != 10 || t[2][4] != '.' || t[2][7] != '.') return false;
  std::optional<LeadingTimestamp> local = ParseTimestampPrefix(t[4], ctx);
  if (!local || local->form != TimestampForm::kBgl || local->length != t[4].size()) return false;
  for (char c : t[8]) {
    if (!IsUpper(c)) return false;
  }
  int64_t epoch;
  ParseInt(t[1], &epoch);
  h->num_fields = 0;
  AddString(h, "label", t[0]);
  AddTimestamp(h, EpochToMicros(epoch), t[1]);
  AddString(h, "node", t[3]);
  AddString(h, "type", t[6]);
  AddString(h, kComponentField, t[7]);
  AddString(h, kLevelField, t[8]);
  h->kind = Header::Kind::kStamped;
  h->message_begin = std::min(rest, l.size());
  return true;
}

// LANL HPC: LOGID NODE COMPONENT STATE EPOCH FLAG msg
bool MatchHpc(std::string_view l, Header* h) {
  std::string_view t[6];
  size_t rest;
  if (!Tokens(l, 6, t, &rest)) return false;
  if (t[0].size() > 12 || !AllDigits(t[0])) return false;
  if (t[4].size() != 10 || !AllDigits(t[4]) || t[4][0] == '0') return false;
  int64_t flag;
  if (t[5].size() > 3 || !ParseInt(t[5], &flag)) return false;
  int64_t epoch;
  ParseInt(t[4], &epoch);
  h->num_fields = 0;
  AddInt(h, "log_id", t[0]);
  AddString(h, "node", t[1]);
  AddString(h, kComponentField, t[2]);
  AddString(h, "state", t[3]);
  AddTimestamp(h, EpochToMicros(epoch), t[4]);
  AddInt(h, "flag", t[5]);
  h->kind = Header::Kind::kStamped;
  h->message_begin = std::min(rest, l.size());
  return true;
}

// glog: Lmmdd hh:mm:ss.uuuuuu threadid file:line] msg
bool MatchGlog(std::string_view l, const TimestampContext& ctx, Header* h) {
  std::optional<LeadingTimestamp> ts = ParseTimestampPrefix(l.substr(1), ctx);
  if (!ts || ts->form != TimestampForm::kMonthDayCompact) return false;
  size_t p = SkipSpaces(l, 1 + ts->length);
  const size_t te = DigitsEnd(l, p);
  if (te == p || !At(l, te, ' ')) return false;
  const size_t fb = te + 1;
  const size_t fe = TokenEnd(l, fb);
  if (fe - fb < 4 || l[fe - 1] != ']') return false;
  const std::string_view loc = l.substr(fb, fe - fb - 1);
  const size_t colon = loc.rfind(':');
  if (colon == kNpos || !AllDigits(loc.substr(colon + 1))) return false;
  h->num_fields = 0;
  AddTimestamp(h, ts->micros, l.substr(1, ts->length));
  AddString(h, kLevelField, l.substr(0, 1));
  AddInt(h, kTidField, l.substr(p, te - p));
  AddString(h, kComponentField, loc.substr(0, colon));
  AddInt(h, kSourceLineField, loc.substr(colon + 1));
  h->kind = Header::Kind::kStamped;
  h->message_begin = fe;
  return true;
}

// `tag[pid]:` or `tag:` at l[p], within 64 bytes, at most two spaces in the
// tag (`syslogd 1.4.1:`). Sets *end past the ':'.
bool SyslogTag(std::string_view l, size_t p, bool require_pid, Header* h, size_t* end) {
  const size_t limit = std::min(l.size(), p + 64);
  size_t colon = kNpos;
  int spaces = 0;
  for (size_t i = p; i < limit; ++i) {
    const char c = l[i];
    if (c == ':' && (i + 1 == l.size() || IsBlankChar(l[i + 1]))) {
      colon = i;
      break;
    }
    if (c == ' ' && ++spaces > 2) return false;
    if (c == '"' || c == '\t') return false;
  }
  if (colon == kNpos || colon == p) return false;
  std::string_view tag = l.substr(p, colon - p);
  std::string_view pid;
  if (tag.back() == ']') {
    const size_t lb = tag.rfind('[');
    if (lb != kNpos && AllDigits(tag.substr(lb + 1, tag.size() - lb - 2))) {
      pid = tag.substr(lb + 1, tag.size() - lb - 2);
      tag = tag.substr(0, lb);
    }
  }
  while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
  if (tag.empty() || (require_pid && pid.empty())) return false;
  AddString(h, kComponentField, tag);
  if (!pid.empty()) AddInt(h, kPidField, pid);
  *end = colon + 1;
  return true;
}

// A host name or address: letters, digits, . - _ : with at least one
// letter or '.' or ':' (not a bare number), and not a level name.
bool HostToken(std::string_view host) {
  if (host.empty() || host.size() > 255 || IsLevelWord(host)) return false;
  bool named = false;
  for (char c : host) {
    if (!IsAlnum(c) && c != '.' && c != '-' && c != '_' && c != ':') return false;
    named = named || IsAlpha(c) || c == '.' || c == ':';
  }
  return named;
}

// Log4j-style thread `thread:Class@line` split into thread, component and
// source_line; any other bracket content is the thread.
void AddThread(Header* h, std::string_view in) {
  const size_t at = in.rfind('@');
  if (at != kNpos && AllDigits(in.substr(at + 1))) {
    const std::string_view before = in.substr(0, at);
    const size_t colon = before.rfind(':');
    if (colon != kNpos && colon > 0) {
      const std::string_view cls = before.substr(colon + 1);
      bool ok = !cls.empty() && (IsAlpha(cls[0]) || cls[0] == '_' || cls[0] == '$');
      for (char c : cls) ok = ok && (IsAlnum(c) || c == '_' || c == '$' || c == '.');
      if (ok) {
        AddString(h, kThreadField, before.substr(0, colon));
        AddString(h, kComponentField, cls);
        AddInt(h, kSourceLineField, in.substr(at + 1));
        return;
      }
    }
  }
  AddString(h, kThreadField, in);
}

// The header elements after a timestamp (or at the start of a line that
// starts with a level), in any order, each at most once; see text_log.h.
// Returns where the message starts.
size_t ParseElements(std::string_view l, size_t p, Header* h) {
  const size_t n = l.size();
  bool have_level = false, have_thread = false, have_component = false;
  bool bracketed_level = false, have_bracket_pid = false;
  int nints = 0;
  size_t e;
  for (;;) {
    p = SkipSpaces(l, p);
    if (p >= n) break;
    const char c = l[p];
    if (!have_level && !have_thread && !have_component && nints == 0 && IsDigit(c) &&
        At(l, DigitsEnd(l, p), ' ')) {
      // pid [tid] directly before a level (HDFS, Android logcat).
      const size_t e1 = DigitsEnd(l, p);
      if (e1 - p > 10) break;
      const size_t p2 = SkipSpaces(l, e1);
      if (LevelAt(l, p2, false, &e)) {
        AddInt(h, kPidField, l.substr(p, e1 - p));
        nints = 1;
        p = p2;
        continue;
      }
      const size_t e2 = DigitsEnd(l, p2);
      if (e2 == p2 || e2 - p2 > 10 || !At(l, e2, ' ')) break;
      const size_t p3 = SkipSpaces(l, e2);
      if (!LevelAt(l, p3, true, &e)) break;
      AddInt(h, kPidField, l.substr(p, e1 - p));
      AddInt(h, kTidField, l.substr(p2, e2 - p2));
      nints = 2;
      p = p3;
      continue;
    }
    if (!have_level) {
      if (c == '[') {
        const size_t close = BracketEnd(l, p);
        if (close != kNpos) {
          const std::string_view in = l.substr(p + 1, close - p - 1);
          const size_t colon = in.find(':');
          if (IsLevelWord(in)) {
            AddString(h, kLevelField, in);
            have_level = bracketed_level = true;
            p = close + 1;
            continue;
          }
          if (colon != kNpos && !have_component && IsLevelWord(in.substr(colon + 1)) &&
              ValidComponent(in.substr(0, colon))) {
            // Apache 2.4: [module:level]
            AddString(h, kComponentField, in.substr(0, colon));
            AddString(h, kLevelField, in.substr(colon + 1));
            have_level = bracketed_level = have_component = true;
            p = close + 1;
            continue;
          }
        }
      } else if (LevelAt(l, p, nints == 2, &e)) {
        AddString(h, kLevelField, l.substr(p, e - p));
        have_level = true;
        p = e;
        if (At(l, p, ':')) {
          // "LEVEL: message" ends the header; Python's "LEVEL:logger:message"
          // names the logger.
          if (p + 1 < n && !IsBlankChar(l[p + 1]) && !have_component) {
            const size_t c2 = l.find(':', p + 1);
            if (c2 != kNpos && ValidComponent(l.substr(p + 1, c2 - p - 1))) {
              AddString(h, kComponentField, l.substr(p + 1, c2 - p - 1));
              return c2 + 1;
            }
          }
          return p + 1;
        }
        continue;
      }
    }
    if (bracketed_level) {
      // Apache error log: an optional [pid N] or [pid N:tid M], then the message.
      if (!have_bracket_pid && StartsWith(l, p, "[pid ")) {
        const size_t close = BracketEnd(l, p);
        if (close == kNpos) break;
        const std::string_view in = l.substr(p + 5, close - p - 5);
        const size_t colon = in.find(':');
        AddInt(h, kPidField, in.substr(0, colon));
        if (colon != kNpos && StartsWith(in, colon + 1, "tid ")) {
          AddInt(h, kTidField, in.substr(colon + 5));
        }
        have_bracket_pid = true;
        p = close + 1;
        continue;
      }
      break;
    }
    if (!have_thread && c == '[') {
      const size_t close = BracketEnd(l, p);
      if (close == kNpos) break;
      const size_t before = h->num_fields;
      AddThread(h, l.substr(p + 1, close - p - 1));
      have_component = have_component || h->num_fields - before > 1;
      have_thread = true;
      p = close + 1;
      continue;
    }
    if (c == '-' && (p + 1 == n || IsBlankChar(l[p + 1]))) {
      // " - " ends the header, unless a "LEVEL - " is still to come.
      p = SkipSpaces(l, p + 1);
      if (!have_level && LevelAt(l, p, false, &e) && (e == n || StartsWith(l, e, " - "))) {
        AddString(h, kLevelField, l.substr(p, e - p));
        p = e == n ? n : e + 3;
      }
      break;
    }
    if (!have_component) {
      const size_t te = TokenEnd(l, p);
      const std::string_view tok = l.substr(p, te - p);
      if (tok.size() >= 2 && tok.back() == ':' && (have_level || have_thread || nints > 0) &&
          ValidComponent(tok.substr(0, tok.size() - 1))) {
        AddString(h, kComponentField, tok.substr(0, tok.size() - 1));
        p = te;
        break;
      }
      if (have_level && At(l, te, ' ') && At(l, te + 1, ' ') && ValidComponent(tok)) {
        // A padded column (Windows CBS: "Info    CBS    message").
        AddString(h, kComponentField, tok);
        p = te;
        break;
      }
      // "name - message", with Proxifier's " *64" bitness marker.
      size_t f = te;
      if (At(l, f, ' ') && At(l, f + 1, '*')) {
        const size_t g = DigitsEnd(l, f + 2);
        if (g > f + 2) f = g;
      }
      if ((StartsWith(l, f, " - ") || (f + 2 == n && StartsWith(l, f, " -"))) &&
          ValidComponent(tok)) {
        AddString(h, kComponentField, l.substr(p, f - p));
        p = std::min(n, f + 3);
        // Python logging: "name - LEVEL - message".
        const size_t q = SkipSpaces(l, p);
        if (!have_level && LevelAt(l, q, false, &e) && (e == n || StartsWith(l, e, " - "))) {
          AddString(h, kLevelField, l.substr(q, e - q));
          p = e == n ? n : e + 3;
        }
        break;
      }
    }
    break;
  }
  return p;
}

// Every layout except the syslog PRI prefix (ParseHeader strips that first).
void ParseLineHeader(std::string_view l, const TimestampContext& ctx, Header* h) {
  h->kind = Header::Kind::kNone;
  h->num_fields = 0;
  h->message_begin = 0;
  if (l.empty()) return;
  const char c = l[0];
  if ((IsAlnum(c) || c == ':') && MatchAccessLog(l, ctx, h)) return;
  if ((c == '-' || IsUpper(c)) && MatchBgl(l, ctx, h)) return;
  if (IsDigit(c) && MatchHpc(l, h)) return;
  if ((c == 'I' || c == 'W' || c == 'E' || c == 'F') && MatchGlog(l, ctx, h)) return;
  h->num_fields = 0;
  std::optional<LeadingTimestamp> ts = ExtractLeadingTimestamp(l, ctx);
  if (ts) {
    h->kind = Header::Kind::kStamped;
    const size_t inner = ts->bracketed ? 1 : 0;
    AddTimestamp(h, ts->micros, l.substr(inner, ts->length - 2 * inner));
    size_t p = SkipSpaces(l, ts->length);
    const size_t host_end = TokenEnd(l, p);
    size_t end;
    if (ts->form == TimestampForm::kSyslog) {
      // RFC 3164: host, then an optional tag[pid]:.
      if (HostToken(l.substr(p, host_end - p))) {
        AddString(h, kHostField, l.substr(p, host_end - p));
        p = SkipSpaces(l, host_end);
        if (SyslogTag(l, p, false, h, &end)) p = end;
      }
      h->message_begin = p;
      return;
    }
    // Other timestamps followed by "host tag[pid]: " read as syslog too.
    if (HostToken(l.substr(p, host_end - p)) && At(l, host_end, ' ')) {
      const int before = h->num_fields;
      AddString(h, kHostField, l.substr(p, host_end - p));
      if (SyslogTag(l, SkipSpaces(l, host_end), true, h, &end)) {
        h->message_begin = end;
        return;
      }
      h->num_fields = before;
    }
    // A separator right after the timestamp: "ts - ", "ts, ", "ts | ".
    if (p < l.size() && (l[p] == '-' || l[p] == ',' || l[p] == '|') &&
        (p + 1 == l.size() || IsBlankChar(l[p + 1]))) {
      ++p;
    }
    h->message_begin = ParseElements(l, p, h);
    return;
  }
  // No timestamp: a leading level ("ERROR: x", "[WARN] x", "INFO:root:x").
  size_t e;
  bool level = LevelAt(l, 0, false, &e);
  if (!level && c == '[') {
    const size_t close = BracketEnd(l, 0);
    level = close != kNpos && IsLevelWord(l.substr(1, close - 1));
  }
  if (level) {
    h->kind = Header::Kind::kLevel;
    h->message_begin = ParseElements(l, 0, h);
  }
}

// RFC 5424 after "<PRI>1 ": TIMESTAMP HOSTNAME APP-NAME PROCID MSGID
// STRUCTURED-DATA [MSG], "-" for an absent value. Sets the fields and
// returns where MSG starts in `l`, or kNpos if `l` is not of that shape.
size_t ParseRfc5424(std::string_view l, size_t p, const TimestampContext& ctx, Header* h) {
  std::string_view t[5];
  for (int i = 0; i < 5; ++i) {
    const size_t e = TokenEnd(l, p);
    if (e == p || !At(l, e, ' ')) return kNpos;
    t[i] = l.substr(p, e - p);
    p = e + 1;
  }
  if (t[0] != "-") {
    std::optional<int64_t> ts = ParseTimestampText(t[0]);
    if (!ts) return kNpos;
    AddTimestamp(h, *ts, t[0]);
  }
  if (t[1] != "-") AddString(h, kHostField, t[1]);
  if (t[2] != "-") AddString(h, kComponentField, t[2]);
  if (t[3] != "-") {
    if (AllDigits(t[3])) {
      AddInt(h, kPidField, t[3]);
    } else {
      AddString(h, "procid", t[3]);
    }
  }
  if (t[4] != "-") AddString(h, "msgid", t[4]);
  // STRUCTURED-DATA: "-" or [id k="v" ...][...] with \ " \] escapes in values.
  const size_t sd = p;
  if (At(l, p, '-')) {
    ++p;
  } else {
    while (At(l, p, '[')) {
      bool quoted = false;
      size_t i = p + 1;
      for (; i < l.size(); ++i) {
        if (l[i] == '\\' && quoted) {
          ++i;
        } else if (l[i] == '"') {
          quoted = !quoted;
        } else if (l[i] == ']' && !quoted) {
          break;
        }
      }
      if (i >= l.size()) return kNpos;
      p = i + 1;
    }
    if (p == sd) return kNpos;
    AddString(h, "structured_data", l.substr(sd, p - sd));
  }
  if (p < l.size() && l[p] != ' ') return kNpos;
  p = std::min(p + 1, l.size());
  if (StartsWith(l, p, "\xEF\xBB\xBF")) p += 3;  // MSG may start with a BOM
  return p;
}

}  // namespace

void TextLogParser::ParseHeader(std::string_view l, const TimestampContext& ctx, Header* h) {
  // A syslog PRI "<N>" (N = facility * 8 + severity, at most 191) in front
  // of an RFC 5424 or RFC 3164 line.
  if (l.size() > 3 && l[0] == '<') {
    const size_t e = DigitsEnd(l, 1);
    int64_t pri = 0;
    if (e > 1 && e - 1 <= 3 && At(l, e, '>') && ParseInt(l.substr(1, e - 1), &pri) && pri <= 191) {
      static constexpr std::string_view kSeverity[8] = {"emerg",   "alert",  "crit", "err",
                                                        "warning", "notice", "info", "debug"};
      const size_t p = e + 1;
      if (StartsWith(l, p, "1 ")) {
        h->kind = Header::Kind::kStamped;
        h->num_fields = 0;
        const size_t msg = ParseRfc5424(l, p + 2, ctx, h);
        if (msg != kNpos) {
          AddString(h, kLevelField, kSeverity[pri % 8]);
          Add(h, "facility", FieldValue::Int64(pri / 8));
          h->message_begin = msg;
          return;
        }
      }
      ParseLineHeader(l.substr(p), ctx, h);
      bool has_level = false;
      for (int i = 0; i < h->num_fields; ++i) has_level |= h->fields[i].name == kLevelField;
      if (!has_level) AddString(h, kLevelField, kSeverity[pri % 8]);
      Add(h, "facility", FieldValue::Int64(pri / 8));
      if (h->kind == Header::Kind::kNone) {
        h->kind = Header::Kind::kLevel;
        h->message_begin = 0;
      }
      if (h->message_begin != kNpos) h->message_begin += p;
      return;
    }
  }
  ParseLineHeader(l, ctx, h);
}

// ---- record loop ---------------------------------------------------------------

namespace {

// One line of the input: [begin, content_end) without its terminator; next
// is where the following line starts.
struct LineSpan {
  size_t begin = 0;
  size_t content_end = 0;
  size_t next = 0;
};

enum class LineState { kOk, kNeedMore, kTooLong };

// The line at `p` (REQUIRES p < data.size()). kNeedMore: no LF yet and not
// eof. kTooLong: its content is longer than `cap` (known without its LF once
// more than cap + 1 bytes are in view, so the verdict does not depend on
// where the input was split).
LineState GetLine(std::string_view data, size_t p, bool eof, size_t cap, LineSpan* ln) {
  const size_t avail = data.size() - p;
  const void* nl = std::memchr(data.data() + p, '\n', std::min(avail, cap + 2));
  if (nl == nullptr) {
    if (avail > cap + 1) return LineState::kTooLong;
    if (!eof) return LineState::kNeedMore;
    ln->begin = p;
    ln->content_end = data.size();
    if (ln->content_end > p && data[ln->content_end - 1] == '\r') --ln->content_end;
    ln->next = data.size();
  } else {
    const size_t le = static_cast<const char*>(nl) - data.data();
    ln->begin = p;
    ln->content_end = (le > p && data[le - 1] == '\r') ? le - 1 : le;
    ln->next = le + 1;
  }
  return ln->content_end - p > cap ? LineState::kTooLong : LineState::kOk;
}

bool Indented(std::string_view line) { return !line.empty() && IsBlankChar(line[0]); }

// A continuation line in a source whose lines carry no header: indented, or
// a stack-trace / traceback line.
bool StackTraceLine(std::string_view line) {
  return Indented(line) || StartsWith(line, 0, "Caused by: ") ||
         StartsWith(line, 0, "Suppressed: ") || StartsWith(line, 0, "...") ||
         StartsWith(line, 0, "During handling of the above exception") ||
         StartsWith(line, 0, "The above exception was the direct cause");
}

bool TracebackStart(std::string_view line) {
  return StartsWith(line, 0, "Traceback (most recent call last):");
}

}  // namespace

TextLogParser::TextLogParser(TextLogOptions options) : options_(std::move(options)) {
  // At least 1 byte; at most a quarter of the address space (cap + 2 must
  // not overflow).
  options_.max_record_bytes =
      std::clamp<size_t>(options_.max_record_bytes, 1, std::numeric_limits<size_t>::max() / 4);
}

void TextLogParser::Bad(int64_t line, int64_t offset, std::string_view raw,
                        const std::string& reason, RecordSink* sink) {
  ++bad_records_;
  sink->OnBadRecord(line, offset, raw, reason);
}

void TextLogParser::Emit(std::string_view data, size_t begin, size_t end, size_t first_line_end,
                         const Header& header, int64_t line, int lines, RecordSink* sink) {
  const int64_t offset = offset_ + static_cast<int64_t>(begin);
  const std::string_view raw = data.substr(begin, end - begin);
  const size_t bad = InvalidUtf8At(raw);
  if (bad != kNpos) {
    Bad(line, offset, raw, "invalid UTF-8 at byte " + std::to_string(bad) + " of the record", sink);
    return;
  }
  record_.Clear();
  record_.line = line;
  record_.offset = offset;
  record_.raw = raw;
  for (int i = 0; i < header.num_fields; ++i) record_.fields.push_back(header.fields[i]);
  if (header.message_begin != kNpos) {
    const size_t mb = begin + std::min(header.message_begin, first_line_end - begin);
    std::string_view msg = data.substr(mb, end - mb);
    if (lines > 1 && msg.find('\r') != kNpos) {
      scratch_.clear();
      for (size_t i = 0; i < msg.size(); ++i) {
        if (msg[i] == '\r' && i + 1 < msg.size() && msg[i + 1] == '\n') continue;
        scratch_.push_back(msg[i]);
      }
      msg = scratch_;
    }
    record_.fields.push_back(FlatField{kMessageField, FieldValue::String(Trim(msg))});
  }
  ++records_;
  sink->OnRecord(record_);
}

size_t TextLogParser::Parse(std::string_view data, bool eof, RecordSink* sink) {
  const size_t n = data.size();
  const size_t cap = options_.max_record_bytes;
  const TimestampContext& ctx = options_.timestamp_context;
  size_t pos = 0;
  // Emit() computes offsets from offset_ = the source offset of data[0].
  if (skipping_) {
    const void* nl = std::memchr(data.data(), '\n', n);
    if (nl == nullptr) {
      if (eof) skipping_ = false;
      offset_ += static_cast<int64_t>(n);
      return n;
    }
    pos = static_cast<const char*>(nl) - data.data() + 1;
    skipping_ = false;
    ++line_;
  }
  size_t next_at = kNpos;  // next_ holds the header of the line starting here
  Header cur;
  while (pos < n) {
    LineSpan first;
    const LineState st = GetLine(data, pos, eof, cap, &first);
    if (st == LineState::kNeedMore) break;
    if (st == LineState::kTooLong) {
      Bad(line_, offset_ + static_cast<int64_t>(pos), data.substr(pos, cap),
          "line longer than " + std::to_string(cap) +
              " bytes (max_record_bytes); the rest of the line is skipped",
          sink);
      const void* nl = std::memchr(data.data() + pos, '\n', n - pos);
      if (nl == nullptr) {
        skipping_ = !eof;
        pos = n;
        break;
      }
      pos = static_cast<const char*>(nl) - data.data() + 1;
      ++line_;
      continue;
    }
    const std::string_view first_line = data.substr(pos, first.content_end - pos);
    if (IsBlankLine(first_line)) {
      pos = first.next;
      ++line_;
      continue;
    }
    if (next_at == pos) {
      std::swap(cur, next_);
    } else {
      ParseHeader(first_line, ctx, &cur);
    }
    next_at = kNpos;

    // Continuation lines.
    size_t rec_end = first.content_end;
    size_t q = first.next;  // first byte not in the record
    int lines = 1;
    bool complete = false;
    bool traceback = TracebackStart(first_line);
    bool last_indented = false;
    while (true) {
      if (q >= n) {
        complete = eof;
        break;
      }
      // A run of blank lines joins only if a continuation follows it.
      size_t r = q;
      int blanks = 0;
      LineSpan ln;
      LineState ls;
      bool stop = false;
      while (true) {
        ls = GetLine(data, r, eof, cap, &ln);
        if (ls != LineState::kOk) break;
        if (!IsBlankLine(data.substr(r, ln.content_end - r))) break;
        ++blanks;
        r = ln.next;
        if (r - pos > cap) {
          stop = true;  // no continuation could fit any more
          break;
        }
        if (r >= n) {
          if (eof) {
            stop = true;
          } else {
            ls = LineState::kNeedMore;
          }
          break;
        }
      }
      if (stop || ls == LineState::kTooLong) {
        complete = true;
        break;
      }
      if (ls == LineState::kNeedMore) {
        // The record can only grow by this line if it fits.
        complete = n - pos > cap + 1;
        break;
      }
      if (ln.content_end - pos > cap) {
        complete = true;
        break;
      }
      const std::string_view line = data.substr(r, ln.content_end - r);
      ParseHeader(line, ctx, &next_);
      bool cont = false;
      // A layout without a message (access log) takes no continuation lines.
      // Behind a timestamped first line, every line without a header is a
      // continuation; behind a level-only or plain first line only stack-
      // trace lines are (so "Error: x" does not swallow the plain lines after
      // it).
      if (next_.kind == Header::Kind::kNone && cur.message_begin != kNpos) {
        if (cur.kind == Header::Kind::kStamped || StackTraceLine(line) ||
            (cur.kind == Header::Kind::kLevel && TracebackStart(line))) {
          cont = true;
        } else if (traceback && last_indented) {
          cont = true;  // the exception line closing a Python traceback
          traceback = false;
        }
      }
      if (!cont) {
        next_at = r;
        complete = true;
        break;
      }
      if (TracebackStart(line)) traceback = true;
      last_indented = Indented(line);
      rec_end = ln.content_end;
      lines += blanks + 1;
      q = ln.next;
    }
    if (!complete) break;
    Emit(data, pos, rec_end, first.content_end, cur, line_, lines, sink);
    line_ += lines;
    pos = q;
  }
  offset_ += static_cast<int64_t>(pos);
  return pos;
}

}  // namespace lakewatch::ingest
