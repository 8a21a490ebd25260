// RecordBuilder::AddJsonText (one pass over a JSON line, no DOM) against
// AddJson over simdjson's DOM: for every line the text path takes, the rows
// must be the same as the DOM path gives; every line it does not take is
// left untouched for AddJson.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include <simdjson.h>

#include "common/json_format.h"
#include "ingest/record_builder.h"

namespace lakewatch::ingest {
namespace {

// Deterministic ids for messages, as the template miner gives them.
class CountingTemplates : public TemplateSink {
 public:
  int64_t Match(std::string_view message, std::string_view* text) override {
    for (size_t i = 0; i < seen_.size(); ++i) {
      if (seen_[i] == message) {
        *text = seen_[i];
        return static_cast<int64_t>(i);
      }
    }
    seen_.emplace_back(message);
    *text = seen_.back();
    return static_cast<int64_t>(seen_.size() - 1);
  }

 private:
  std::vector<std::string> seen_;
};

std::string Render(const RecordBatch& b) {
  std::string out;
  AppendJsonBatch(b, &out);
  return out;
}

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next(uint64_t n) {
    state_ = state_ * 6364136223846793005ull + 1442695040888963407ull;
    return (state_ >> 33) % n;
  }
  bool OneIn(uint64_t n) { return Next(n) == 0; }

 private:
  uint64_t state_;
};

// Random JSON lines: mostly records of one shape (the steady state), with
// every kind of deviation now and then: new keys, values of other kinds,
// escapes, odd numbers, whitespace, invalid JSON and UTF-8.
class LineMaker {
 public:
  explicit LineMaker(uint64_t seed) : rng_(seed) {}

  std::string Line() {
    std::string s;
    Object(&s, 0);
    if (rng_.OneIn(25) && !s.empty()) {  // damage: drop, double or replace a byte
      size_t at = rng_.Next(s.size());
      switch (rng_.Next(3)) {
        case 0: s.erase(at, 1); break;
        case 1: s.insert(at, 1, s[at]); break;
        default: s[at] = "{}[]\",:0 \\\x01\xff"[rng_.Next(12)]; break;
      }
    }
    if (rng_.OneIn(30)) s = " \t" + s + " \r";
    if (rng_.OneIn(200)) s += " {}";  // two values
    return s;
  }

 private:
  void Ws(std::string* s) {
    if (rng_.OneIn(20)) *s += " \t"[rng_.Next(2)];
  }

  void Key(std::string* s, std::string_view k) {
    Ws(s);
    *s += '"';
    if (rng_.OneIn(300)) {
      *s += "k\\u0065y";  // an escaped key
    } else {
      *s += k;
    }
    *s += '"';
    Ws(s);
    *s += ':';
    Ws(s);
  }

  void Number(std::string* s, bool integral) {
    static const char* kOdd[] = {"-0", "0", "-0.0", "0.0", "1e2", "1E-3", "0.1e1", "-1.5e+3", "9007199254740993.0",
                                 "123456789012345678", "1234567890123456789", "12345678901234567890",
                                 "-9223372036854775808", "9223372036854775807", "1e400", "1e-400", "4.9e-324",
                                 "2.2250738585072014e-308", "0.30000000000000004", "1.7976931348623157e308",
                                 "3.14159265358979323846264338327950288", "1e22", "1e23", "8.5e-23", "01", "1.",
                                 ".5", "-", "1e", "+1", "0x10", "1.5e+", "00.5"};
    if (rng_.OneIn(30)) {
      *s += kOdd[rng_.Next(sizeof(kOdd) / sizeof(kOdd[0]))];
    } else if (integral || rng_.OneIn(5)) {
      *s += std::to_string(static_cast<int64_t>(rng_.Next(2000000)) - 1000000);
    } else {
      *s += std::to_string(rng_.Next(100000));
      *s += '.';
      const uint64_t digits = 1 + rng_.Next(6);
      for (uint64_t i = 0; i < digits; ++i) *s += static_cast<char>('0' + rng_.Next(10));
    }
  }

  void String(std::string* s) {
    static const char* kPieces[] = {"abc", "Hello world", "a\\nb", "q\\\"q", "back\\\\slash", "sl\\/ash", "\\b\\f\\r\\t",
                                    "caf\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\\u00e9", "\\ud83d\\ude00",
                                    "\\ud800", "\xc3\x28", "\xed\xa0\x80", "\x01", "\\x", "2025-11-20T00:00:00.311Z",
                                    "2025-11-20 00:00:01", "not a time", "", "0123456789012345678901234567890123456789"};
    *s += '"';
    const uint64_t n = 1 + rng_.Next(3);
    for (uint64_t i = 0; i < n; ++i) {
      if (rng_.OneIn(40)) {
        *s += kPieces[rng_.Next(sizeof(kPieces) / sizeof(kPieces[0]))];
      } else {
        *s += "value";
        *s += std::to_string(rng_.Next(20));
      }
    }
    *s += '"';
  }

  void Timestamp(std::string* s) {
    switch (rng_.Next(12)) {
      case 0: *s += "1763596800123"; break;        // epoch ms
      case 1: *s += "1763596800.5"; break;         // epoch s
      case 2: *s += "\"yesterday\""; break;         // not a time: _rest
      case 3: *s += "null"; break;
      case 4: *s += "true"; break;
      case 5: *s += "{\"a\":1}"; break;
      default: {
        char buf[40];
        std::snprintf(buf, sizeof buf, "\"2025-11-%02dT%02d:%02d:%02d.%03dZ\"", static_cast<int>(20 + rng_.Next(3)),
                      static_cast<int>(rng_.Next(24)), static_cast<int>(rng_.Next(60)),
                      static_cast<int>(rng_.Next(60)), static_cast<int>(rng_.Next(1000)));
        *s += buf;
      }
    }
  }

  // A value for a field whose usual kind is `kind` (0 int, 1 double, 2
  // string, 3 bool), now and then of another kind.
  void Value(std::string* s, int kind, int depth) {
    if (rng_.OneIn(80)) kind = static_cast<int>(rng_.Next(8));
    switch (kind) {
      case 0: case 1: Number(s, kind == 0); break;
      case 2: String(s); break;
      case 3: *s += rng_.OneIn(2) ? "true" : "false"; break;
      case 4: *s += "null"; break;
      case 5:
        if (depth < 3) {
          Object(s, depth + 1);
        } else {
          *s += "{}";
        }
        break;
      case 6: Array(s, depth, 1); break;
      case 8: Array(s, depth, 2); break;
      default: String(s); break;
    }
  }

  void Array(std::string* s, int depth, int kind) {
    *s += '[';
    const uint64_t n = rng_.Next(4);
    for (uint64_t i = 0; i < n; ++i) {
      if (i > 0) *s += ',';
      Ws(s);
      if (depth < 3 && rng_.OneIn(200)) {
        Object(s, depth + 1);
      } else {
        Value(s, kind, depth + 1);
      }
    }
    *s += ']';
  }

  void Object(std::string* s, int depth) {
    struct F {
      const char* key;
      int kind;
    };
    static const F kTop[] = {{"timestamp", -1}, {"request_id", 2}, {"level", 2}, {"message", 2}, {"n", 0},
                             {"score", 1}, {"ok", 3}, {"model", 5}, {"tags", 8}, {"error", 7}, {"ts", -2},
                             {"date", 2}, {"_rest", 2}, {"Level", 2}, {"a b", 0}, {"timestamp_", 2}};
    static const F kNested[] = {{"name", 2}, {"version", 2}, {"amount", 1}, {"count", 0}, {"flag", 3},
                                {"message", 2}, {"inner", 5}, {"list", 6}};
    *s += '{';
    bool first = true;
    auto field = [&](const F& f) {
      if (!first) *s += ',';
      first = false;
      Key(s, f.key);
      if (f.kind == -1 || f.kind == -2) {
        Timestamp(s);
      } else if (f.kind == 7) {  // error: an object with a message
        *s += "{\"type\":";
        String(s);
        *s += ",\"message\":";
        String(s);
        *s += '}';
      } else {
        Value(s, f.kind, depth);
      }
    };
    if (depth == 0) {
      for (const F& f : kTop) {
        // The usual fields nearly always, the rare ones rarely.
        const bool usual = f.key[0] != '_' && f.key[0] != 'a' && f.key[0] != 'L' && f.kind != -2 &&
                           std::string_view(f.key) != "date" && std::string_view(f.key) != "timestamp_";
        if (usual ? !rng_.OneIn(12) : rng_.OneIn(40)) field(f);
      }
      if (rng_.OneIn(50)) field(kTop[rng_.Next(sizeof(kTop) / sizeof(kTop[0]))]);  // a duplicate
      if (rng_.OneIn(60)) {
        if (!first) *s += ',';
        first = false;
        Key(s, "new_" + std::to_string(rng_.Next(5)));
        Value(s, static_cast<int>(rng_.Next(4)), depth);
      }
    } else {
      for (const F& f : kNested) {
        if (f.kind == 5 ? depth < 2 && rng_.OneIn(4) : !rng_.OneIn(5)) field(f);
      }
    }
    Ws(s);
    *s += '}';
  }

  Rng rng_;
};

TEST(RecordBuilderTextTest, TheTextPathGivesTheRowsOfTheDomPath) {
  // The default timestamp sources, then others (`timestamp` no source: it
  // becomes `timestamp_`), then none at all.
  const std::vector<std::vector<std::string>> sources = {
      BuilderOptions{}.timestamp_fields, {"ts", "time"}, {}};
  for (uint64_t seed : {1u, 2u, 3u, 4u, 5u}) {
    SCOPED_TRACE(seed);
    LineMaker maker(seed);
    CountingTemplates ta, tb;
    BuilderOptions options;
    options.timestamp_fields = sources[seed <= 3 ? 0 : seed - 3];
    RecordBuilder text(options), dom(options);
    text.SetTemplateSink(&ta);
    dom.SetTemplateSink(&tb);
    simdjson::dom::parser parser;
    int64_t taken = 0, records = 0;
    for (int i = 0; i < 6000; ++i) {
      const std::string line = maker.Line();
      const simdjson::padded_string padded(line);
      simdjson::dom::element el;
      const bool valid = parser.parse(padded).get(el) == simdjson::SUCCESS;
      if (text.AddJsonText(padded, "src", i + 1)) {
        ASSERT_TRUE(valid) << "the text path took what simdjson refuses: " << line;
        ++taken;
      } else if (valid) {
        text.AddJson(el, "src", i + 1);
      }
      if (valid) {
        dom.AddJson(el, "src", i + 1);
        ++records;
      }
      ASSERT_EQ(text.num_rows(), dom.num_rows()) << line;
      if (i % 700 == 699) {  // batches: later ones meet a locked schema
        ASSERT_EQ(Render(text.Flush()), Render(dom.Flush())) << "batch ending at line " << i + 1;
      }
    }
    ASSERT_EQ(Render(text.Flush()), Render(dom.Flush()));
    // Not vacuous: most records of the steady state take the text path.
    EXPECT_GT(taken, records / 2) << taken << " of " << records;
    std::printf("seed %d: %lld of %lld valid records by the text path\n", static_cast<int>(seed),
                static_cast<long long>(taken), static_cast<long long>(records));
  }
}

// The shape of the ingest benchmark's events: once the columns exist, every
// record takes the text path, and the rows are those of the DOM path.
TEST(RecordBuilderTextTest, SteadyStateRecordsAllTakeTheTextPath) {
  const std::string lines[] = {
      R"({"timestamp":"2025-11-20T00:00:00.311Z","request_id":"req_02c8","level":"info","model":{"name":"churn","version":"2025.02"},"features":{"amount":54,"age":37,"country":"BR","intl":false,"ip_risk":0},"prediction":{"label":"stay","score":0.951,"probabilities":[0.951,0.049]},"latency_ms":28.2,"tags":["canary"]})",
      R"({"timestamp":"2025-11-20T00:00:00.620Z","request_id":"req_579e","level":"error","model":{"name":"fraud","version":"v3.2"},"features":{"amount":16.42,"age":79,"country":"FR","intl":false,"ip_risk":0.841},"prediction":{"label":"legit","score":0.965,"probabilities":[0.965,0.035]},"latency_ms":22.98,"tags":[],"error":{"type":"TimeoutError","message":"lookup timed out after 250 ms","stack":"Traceback:\n  File \"/srv/app/serve.py\", line 398"}})",
      R"({"timestamp":"2025-11-20T00:00:01.002Z","request_id":"req_bb36","level":"info","model":{"name":"churn","version":"2024.11"},"features":{"amount":19.3,"age":39,"country":"DE","intl":true,"ip_risk":0.485},"prediction":{"label":"stay","score":0.5,"probabilities":[0.5,0.5]},"latency_ms":31,"tags":["a","b"],"error":{"type":"ValueError","message":"lookup timed out after 300 ms","stack":"x"}})",
  };
  CountingTemplates ta, tb;
  RecordBuilder text, dom;
  text.SetTemplateSink(&ta);
  dom.SetTemplateSink(&tb);
  simdjson::dom::parser parser;
  for (int round = 0; round < 3; ++round) {
    int taken = 0;
    for (int i = 0; i < 3; ++i) {
      const simdjson::padded_string padded(lines[i]);
      simdjson::dom::element el;
      ASSERT_EQ(parser.parse(padded).get(el), simdjson::SUCCESS);
      if (text.AddJsonText(padded, "src", i + 1)) {
        ++taken;
      } else {
        text.AddJson(el, "src", i + 1);
      }
      dom.AddJson(el, "src", i + 1);
    }
    // The first round creates the columns (line 2 adds error.*); after that, all.
    if (round > 0) {
      EXPECT_EQ(taken, 3) << "round " << round;
    }
    ASSERT_EQ(Render(text.Flush()), Render(dom.Flush())) << "round " << round;
  }
}

// The text path checks UTF-8 in every string (key or value), wherever the
// bytes fall in its 16-byte steps; anything else non-ASCII is not JSON.
TEST(RecordBuilderTextTest, InvalidUtf8IsNeverTaken) {
  RecordBuilder b;
  simdjson::dom::parser parser;
  const std::string first = R"({"k":"x","v":"y"})";
  const simdjson::padded_string padded_first(first);
  simdjson::dom::element el;
  ASSERT_EQ(parser.parse(padded_first).get(el), simdjson::SUCCESS);
  b.AddJson(el, "src", 1);  // the columns exist: what follows may take the text path
  const std::string bad[] = {"\xff", "\xc3\x28", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc0\xaf", "\xe2\x82"};
  int taken = 0;
  for (size_t pad = 0; pad < 20; ++pad) {
    for (const std::string& b8 : bad) {
      for (int where = 0; where < 3; ++where) {
        std::string filler(pad, 'a');
        std::string line = where == 0   ? "{\"k\":\"" + filler + b8 + "\",\"v\":\"y\"}"
                           : where == 1 ? "{\"k\":\"x\",\"v\":\"" + filler + "\\n" + b8 + "\"}"
                                        : "{\"k\":\"x\",\"v\":\"y\"," + filler.substr(0, 1) + b8 + "}";
        const simdjson::padded_string padded(line);
        ASSERT_NE(parser.parse(padded).get(el), simdjson::SUCCESS) << line;
        EXPECT_FALSE(b.AddJsonText(padded, "src", 2)) << line;
      }
      // Valid multi-byte characters at the same places are taken.
      std::string good = "{\"k\":\"" + std::string(pad, 'a') + "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\",\"v\":\"y\"}";
      const simdjson::padded_string padded(good);
      if (b.AddJsonText(padded, "src", 3)) ++taken;
    }
  }
  EXPECT_EQ(taken, 20 * 6);
  EXPECT_EQ(b.num_rows(), 1 + taken);
}

}  // namespace
}  // namespace lakewatch::ingest
