#include "ingest/text_log.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "common/test_data.h"
#include "common/time.h"
#include "ingest/csv.h"

namespace lakewatch::ingest {
namespace {

constexpr int64_t kUs = kMicrosPerSecond;

// ---- owned copies of what the parser emits ---------------------------------------

struct Value {
  FieldValue::Kind kind = FieldValue::Kind::kNull;
  int64_t i = 0;
  std::string s;
};

struct Rec {
  int64_t line = 0;
  int64_t offset = 0;
  std::string raw;
  std::map<std::string, Value> fields;
  bool bad = false;
  std::string reason;

  bool Has(const std::string& name) const { return fields.count(name) > 0; }
  // The value as text: strings as is, integers in decimal, timestamps as
  // microseconds, null as "<null>", absent as "<absent>".
  std::string Text(const std::string& name) const {
    auto it = fields.find(name);
    if (it == fields.end()) return "<absent>";
    switch (it->second.kind) {
      case FieldValue::Kind::kString:
        return it->second.s;
      case FieldValue::Kind::kInt64:
      case FieldValue::Kind::kTimestamp:
        return std::to_string(it->second.i);
      case FieldValue::Kind::kNull:
        return "<null>";
      default:
        return "<other>";
    }
  }
  std::string Render() const {
    std::string out = (bad ? "BAD " + reason + " " : "") + std::to_string(line) + "@" +
                      std::to_string(offset) + " raw=[" + raw + "]";
    for (const auto& [k, v] : fields) {
      out += " " + k + "=" + std::to_string(static_cast<int>(v.kind)) + ":" + Text(k);
    }
    return out;
  }
};

class CollectSink : public RecordSink {
 public:
  void OnRecord(const FlatRecord& r) override {
    Rec rec;
    rec.line = r.line;
    rec.offset = r.offset;
    rec.raw = std::string(r.raw);
    for (const FlatField& f : r.fields) {
      Value v;
      v.kind = f.value.kind;
      v.i = f.value.i;
      v.s = std::string(f.value.s);
      EXPECT_EQ(rec.fields.count(std::string(f.name)), 0u) << "duplicate field " << f.name;
      rec.fields[std::string(f.name)] = v;
    }
    records.push_back(std::move(rec));
  }
  void OnBadRecord(int64_t line, int64_t offset, std::string_view raw,
                   const std::string& reason) override {
    Rec rec;
    rec.bad = true;
    rec.line = line;
    rec.offset = offset;
    rec.raw = std::string(raw);
    rec.reason = reason;
    records.push_back(std::move(rec));
  }
  std::vector<Rec> records;
  std::vector<Rec> Good() const {
    std::vector<Rec> out;
    for (const Rec& r : records) {
      if (!r.bad) out.push_back(r);
    }
    return out;
  }
};

TextLogOptions Options(int64_t reference_micros, size_t max_record_bytes = 1 << 20) {
  TextLogOptions o;
  o.timestamp_context.reference_micros = reference_micros;
  o.max_record_bytes = max_record_bytes;
  return o;
}

int64_t Civil(int64_t y, int mo, int d, int h = 0, int mi = 0, int s = 0, int64_t us = 0) {
  return (DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s) * kUs + us;
}

// The reference used for the loghub samples: mid-June 2025, so that the
// year-less samples exercise both branches of the year rule.
const int64_t kReference = Civil(2025, 6, 15);

std::vector<Rec> ParseWhole(const std::string& text, const TextLogOptions& o) {
  TextLogParser p(o);
  CollectSink sink;
  const size_t used = p.Parse(text, true, &sink);
  EXPECT_EQ(used, text.size());
  return sink.records;
}

// What the pipeline does: append each chunk to the unconsumed tail, parse,
// keep the new tail; at the end, parse the tail with eof.
std::vector<Rec> ParseChunks(const std::string& text, const std::vector<size_t>& cuts,
                             const TextLogOptions& o) {
  TextLogParser p(o);
  CollectSink sink;
  std::string buf;
  size_t prev = 0;
  for (size_t cut : cuts) {
    buf.append(text, prev, cut - prev);
    prev = cut;
    buf.erase(0, p.Parse(buf, false, &sink));
  }
  buf.append(text, prev, std::string::npos);
  EXPECT_EQ(p.Parse(buf, true, &sink), buf.size());
  return sink.records;
}

std::vector<std::string> Render(const std::vector<Rec>& rs) {
  std::vector<std::string> out;
  for (const Rec& r : rs) out.push_back(r.Render());
  return out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// ---- expected timestamps from the loghub columns, computed here -------------------

int MonthNumber(const std::string& name) {
  static const char* kNames[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int i = 0; i < 12; ++i) {
    if (name == kNames[i]) return i + 1;
  }
  return 0;
}

// "HH:MM:SS" with an optional ".fff" / ",fff" fraction.
int64_t ClockMicros(const std::string& t) {
  int h = 0, m = 0, s = 0;
  EXPECT_EQ(std::sscanf(t.c_str(), "%d:%d:%d", &h, &m, &s), 3) << t;
  int64_t us = 0;
  const size_t sep = t.find_first_of(".,");
  if (sep != std::string::npos) {
    std::string frac = t.substr(sep + 1);
    frac.resize(6, '0');
    us = std::stoll(frac);
  }
  return (h * 3600 + m * 60 + s) * kUs + us;
}

// The documented year rule, restated: the reference's year, or the one
// before if that is more than a day after the reference.
int64_t YearRule(int month, int day, int64_t clock_us) {
  int64_t t = Civil(2025, month, day) + clock_us;
  if (t > kReference + kMicrosPerDay) t = Civil(2024, month, day) + clock_us;
  return t;
}

using Row = std::map<std::string, std::string>;

int64_t ExpectedTimestamp(const std::string& sys, const Row& r) {
  auto get = [&](const char* c) { return r.at(c); };
  if (sys == "Android") {
    int mo = 0, d = 0;
    std::sscanf(get("Date").c_str(), "%d-%d", &mo, &d);
    return YearRule(mo, d, ClockMicros(get("Time")));
  }
  if (sys == "Apache") {
    char mon[4] = {0};
    int d = 0, h = 0, mi = 0, s = 0, y = 0;
    std::sscanf(get("Time").c_str(), "%*s %3s %d %d:%d:%d %d", mon, &d, &h, &mi, &s, &y);
    return Civil(y, MonthNumber(mon), d, h, mi, s);
  }
  if (sys == "BGL") return std::stoll(get("Timestamp")) * kUs;
  if (sys == "HPC") return std::stoll(get("Time")) * kUs;
  if (sys == "HDFS") {
    const std::string d = get("Date"), t = get("Time");
    return Civil(2000 + std::stoi(d.substr(0, 2)), std::stoi(d.substr(2, 2)),
                 std::stoi(d.substr(4, 2)), std::stoi(t.substr(0, 2)), std::stoi(t.substr(2, 2)),
                 std::stoi(t.substr(4, 2)));
  }
  if (sys == "Hadoop" || sys == "Windows" || sys == "Zookeeper") {
    int y = 0, mo = 0, d = 0;
    std::sscanf(get("Date").c_str(), "%d-%d-%d", &y, &mo, &d);
    return Civil(y, mo, d) + ClockMicros(get("Time"));
  }
  if (sys == "Linux") {
    return YearRule(MonthNumber(get("Month")), std::stoi(get("Date")), ClockMicros(get("Time")));
  }
  if (sys == "OpenSSH") {
    return YearRule(MonthNumber(get("Date")), std::stoi(get("Day")), ClockMicros(get("Time")));
  }
  if (sys == "Proxifier") {
    int mo = 0, d = 0;
    char clock[16] = {0};
    std::sscanf(get("Time").c_str(), "%d.%d %15s", &mo, &d, clock);
    return YearRule(mo, d, ClockMicros(clock));
  }
  if (sys == "Spark") {
    int y = 0, mo = 0, d = 0;
    std::sscanf(get("Date").c_str(), "%d/%d/%d", &y, &mo, &d);
    return Civil(2000 + y, mo, d) + ClockMicros(get("Time"));
  }
  ADD_FAILURE() << "no timestamp rule for " << sys;
  return 0;
}

// loghub column -> our field, per system (docs/ingest-text-logs.md).
struct SystemSpec {
  const char* name;
  std::vector<std::pair<const char*, const char*>> columns;
};

const std::vector<SystemSpec>& Systems() {
  static const std::vector<SystemSpec> kSystems = {
      {"Android", {{"Pid", "pid"}, {"Tid", "tid"}, {"Level", "level"}, {"Component", "component"}}},
      {"Apache", {{"Level", "level"}}},
      {"BGL",
       {{"Label", "label"},
        {"Node", "node"},
        {"Type", "type"},
        {"Component", "component"},
        {"Level", "level"}}},
      {"HDFS", {{"Pid", "pid"}, {"Level", "level"}, {"Component", "component"}}},
      {"HPC",
       {{"LogId", "log_id"},
        {"Node", "node"},
        {"Component", "component"},
        {"State", "state"},
        {"Flag", "flag"}}},
      {"Hadoop", {{"Level", "level"}, {"Process", "thread"}, {"Component", "component"}}},
      // loghub's Linux "Level" column holds the host name.
      {"Linux", {{"Level", "host"}, {"Component", "component"}, {"PID", "pid"}}},
      // loghub's OpenSSH "Component" column holds the host name.
      {"OpenSSH", {{"Component", "host"}, {"Pid", "pid"}}},
      {"Proxifier", {{"Program", "component"}}},
      {"Spark", {{"Level", "level"}, {"Component", "component"}}},
      {"Windows", {{"Level", "level"}, {"Component", "component"}}},
      {"Zookeeper", {{"Level", "level"}, {"Id", "source_line"}}},
  };
  return kSystems;
}

void PrintTo(const SystemSpec& s, std::ostream* os) { *os << s.name; }

class LoghubTest : public ::testing::TestWithParam<SystemSpec> {};

TEST_P(LoghubTest, MatchesStructuredCsv) {
  const SystemSpec& spec = GetParam();
  const std::string dir = std::string(LW_SHARED_DATA) + "/logs/loghub_2k/" + spec.name + "/";
  const std::string log_path = dir + spec.name + "_2k.log";
  const std::string csv_path = log_path + "_structured.csv";
  LW_SKIP_IF_MISSING(log_path);
  LW_SKIP_IF_MISSING(csv_path);
  auto table = ReadCsvFile(csv_path);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  const auto& rows = table.value();
  ASSERT_EQ(rows.size(), 2001u);
  const std::vector<std::string>& header = rows[0];

  const std::string text = ReadFile(log_path);
  const std::vector<Rec> recs = ParseWhole(text, Options(kReference));
  ASSERT_EQ(recs.size(), 2000u) << "each loghub line is one record";

  int message_match = 0, ts_match = 0;
  std::map<std::string, int> field_match;
  for (size_t i = 0; i < recs.size(); ++i) {
    const Rec& rec = recs[i];
    ASSERT_FALSE(rec.bad) << rec.Render();
    Row row;
    for (size_t c = 0; c < header.size() && c < rows[i + 1].size(); ++c) {
      row[header[c]] = rows[i + 1][c];
    }
    EXPECT_EQ(rec.line, std::stoll(row.at("LineId")));
    const bool msg_ok = rec.Text("message") == row.at("Content");
    message_match += msg_ok;
    if (!msg_ok && i < 2000) {
      ADD_FAILURE() << spec.name << " line " << rec.line << "\n  got      [" << rec.Text("message")
                    << "]\n  expected [" << row.at("Content") << "]\n  raw " << rec.raw;
    }
    const bool ts_ok = rec.Has("timestamp") &&
                       rec.fields.at("timestamp").kind == FieldValue::Kind::kTimestamp &&
                       rec.fields.at("timestamp").i == ExpectedTimestamp(spec.name, row);
    ts_match += ts_ok;
    EXPECT_TRUE(ts_ok) << spec.name << " line " << rec.line << " " << rec.Text("timestamp")
                       << " vs " << ExpectedTimestamp(spec.name, row);
    for (const auto& [column, field] : spec.columns) {
      const std::string& want = row.at(column);
      const std::string got = rec.Text(field);
      const bool ok = want.empty() ? !rec.Has(field) : got == want;
      field_match[field] += ok;
      EXPECT_TRUE(ok) << spec.name << " line " << rec.line << " " << field << ": got [" << got
                      << "] expected [" << want << "]";
    }
    if (std::string(spec.name) == "Zookeeper") {
      // loghub splits the log4j "[thread:Class@line]" at the first ':'; we
      // split at the last (class names hold no ':'). The joined text agrees.
      const std::string ours = rec.Text("thread") + ":" + rec.Text("component");
      const bool ok = ours == row.at("Node") + ":" + row.at("Component");
      field_match["thread:component"] += ok;
      EXPECT_TRUE(ok) << ours;
    }
  }
  std::printf("[ loghub   ] %-9s message==Content %d/2000 (%.2f%%), timestamp %d/2000", spec.name,
              message_match, message_match / 20.0, ts_match);
  for (const auto& [f, n] : field_match) std::printf(", %s %d", f.c_str(), n);
  std::printf("\n");
  EXPECT_EQ(message_match, 2000);
}

INSTANTIATE_TEST_SUITE_P(AllSystems, LoghubTest, ::testing::ValuesIn(Systems()),
                         [](const auto& info) { return std::string(info.param.name); });

// Feeding a sample in chunks (every 4 KiB, and at awkward places: inside a
// CRLF, right after an LF) gives the records of the single call.
TEST(TextLogTest, LoghubChunkedEqualsWhole) {
  for (const SystemSpec& spec : Systems()) {
    const std::string path =
        std::string(LW_SHARED_DATA) + "/logs/loghub_2k/" + spec.name + "/" + spec.name + "_2k.log";
    LW_SKIP_IF_MISSING(path);
    const std::string text = ReadFile(path);
    const auto whole = Render(ParseWhole(text, Options(kReference)));
    std::vector<size_t> cuts;
    for (size_t c = 4096; c < text.size(); c += 4096) cuts.push_back(c);
    EXPECT_EQ(Render(ParseChunks(text, cuts, Options(kReference))), whole) << spec.name;
    const size_t crlf = text.find("\r\n", 1000);
    if (crlf != std::string::npos) {
      EXPECT_EQ(Render(ParseChunks(text, {crlf + 1, crlf + 2, crlf + 3}, Options(kReference))),
                whole)
          << spec.name;
    }
  }
}

TEST(TextLogTest, ApacheAccessLog) {
  const std::string path = std::string(LW_SHARED_DATA) + "/logs/elastic_apache_access/apache_logs";
  LW_SKIP_IF_MISSING(path);
  const std::string text = ReadFile(path);
  const auto recs = ParseWhole(text, Options(kReference));
  ASSERT_EQ(recs.size(), 10000u);
  std::map<std::string, int> status;
  int with_agent = 0;
  for (const Rec& r : recs) {
    ASSERT_FALSE(r.bad) << r.Render();
    ASSERT_TRUE(r.Has("client_ip")) << r.raw;
    EXPECT_FALSE(r.Has("message")) << r.raw;
    EXPECT_EQ(r.fields.at("status").kind, FieldValue::Kind::kInt64);
    EXPECT_EQ(r.fields.at("timestamp").kind, FieldValue::Kind::kTimestamp);
    EXPECT_TRUE(r.Has("method") && r.Has("path") && r.Has("protocol")) << r.raw;
    ++status[r.Text("status")];
    with_agent += r.Has("user_agent");
  }
  EXPECT_EQ(status["200"], 9126);
  EXPECT_EQ(status["304"], 445);
  EXPECT_EQ(status["404"], 213);
  EXPECT_EQ(status["301"], 164);
  EXPECT_EQ(status["206"], 45);
  EXPECT_EQ(with_agent, 10000);
  // The first line, read off by hand.
  const Rec& r = recs[0];
  EXPECT_EQ(r.Text("client_ip"), "83.149.9.216");
  EXPECT_EQ(r.Text("ident"), "<null>");
  EXPECT_EQ(r.Text("user"), "<null>");
  EXPECT_EQ(r.fields.at("timestamp").i, Civil(2015, 5, 17, 10, 5, 3));
  EXPECT_EQ(r.Text("method"), "GET");
  EXPECT_EQ(r.Text("path"), "/presentations/logstash-monitorama-2013/images/kibana-search.png");
  EXPECT_EQ(r.Text("protocol"), "HTTP/1.1");
  EXPECT_EQ(r.Text("bytes"), "203023");
  EXPECT_EQ(r.Text("referer"), "http://semicomplete.com/presentations/logstash-monitorama-2013/");
  EXPECT_EQ(r.Text("user_agent"),
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/32.0.1700.77 Safari/537.36");
  // Line 8899's user agent has no closing quote: kept to the end of the line.
  EXPECT_EQ(recs[8898].Text("user_agent"),
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html");
}

TEST(TextLogTest, AccessLogOddLines) {
  const std::string text =
      "10.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326\n"
      "10.0.0.2 - - [10/Oct/2000:13:55:36 -0700] \"-\" 400 -\n"
      "10.0.0.3 - - [10/Oct/2000:13:55:36 -0700] \"GET /old\" 200 5 \"-\" \"curl/8\"\n"
      "::1 - - [10/Oct/2000:13:55:36 +0000] \"\\x16\\x03\\x01\" 400 0 \"-\" \"-\" \"1.2.3.4\"\n"
      "10.0.0.4 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.1\n";
  const auto recs = ParseWhole(text, Options(kReference));
  ASSERT_EQ(recs.size(), 5u);
  EXPECT_EQ(recs[0].Text("user"), "frank");
  EXPECT_EQ(recs[0].fields.at("timestamp").i, Civil(2000, 10, 10, 20, 55, 36));
  EXPECT_FALSE(recs[0].Has("referer"));  // common log format
  EXPECT_EQ(recs[1].Text("request"), "-");
  EXPECT_EQ(recs[1].Text("bytes"), "<null>");
  EXPECT_FALSE(recs[1].Has("method"));
  EXPECT_EQ(recs[2].Text("method"), "GET");
  EXPECT_EQ(recs[2].Text("path"), "/old");
  EXPECT_EQ(recs[2].Text("request"), "GET /old");
  EXPECT_EQ(recs[2].Text("referer"), "<null>");
  EXPECT_EQ(recs[2].Text("user_agent"), "curl/8");
  EXPECT_EQ(recs[3].Text("client_ip"), "::1");
  EXPECT_EQ(recs[3].Text("request"), "\\x16\\x03\\x01");
  EXPECT_EQ(recs[3].Text("extra"), "\"1.2.3.4\"");
  // A truncated line: what is there is kept.
  EXPECT_EQ(recs[4].Text("client_ip"), "10.0.0.4");
  EXPECT_EQ(recs[4].Text("protocol"), "HTTP/1.1");
  EXPECT_FALSE(recs[4].Has("status"));
  EXPECT_EQ(recs[4].raw, "10.0.0.4 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.1");
  // A line that is no access log after access-log lines is its own record.
  const auto mixed = ParseWhole(
      "10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200 1\n"
      "garbage line\n",
      Options(kReference));
  ASSERT_EQ(mixed.size(), 2u);
  EXPECT_EQ(mixed[1].Text("message"), "garbage line");
}

// ---- multi-line records -------------------------------------------------------------

TEST(TextLogTest, JavaStackTrace) {
  const std::string text =
      "2025-11-24 16:00:00,123 ERROR [main] com.x.Service: request failed\n"
      "java.lang.IllegalStateException: boom\n"
      "\tat com.x.Service.handle(Service.java:10)\n"
      "\tat com.x.Main.main(Main.java:5)\n"
      "Caused by: java.io.IOException: disk\n"
      "\tat com.x.Disk.read(Disk.java:3)\n"
      "\t... 2 more\n"
      "2025-11-24 16:00:01,000 INFO [main] com.x.Service: recovered\n";
  const auto recs = ParseWhole(text, Options(kReference));
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].line, 1);
  EXPECT_EQ(recs[0].Text("level"), "ERROR");
  EXPECT_EQ(recs[0].Text("thread"), "main");
  EXPECT_EQ(recs[0].Text("component"), "com.x.Service");
  EXPECT_EQ(recs[0].Text("message"),
            "request failed\n"
            "java.lang.IllegalStateException: boom\n"
            "\tat com.x.Service.handle(Service.java:10)\n"
            "\tat com.x.Main.main(Main.java:5)\n"
            "Caused by: java.io.IOException: disk\n"
            "\tat com.x.Disk.read(Disk.java:3)\n"
            "\t... 2 more");
  EXPECT_EQ(recs[0].raw, text.substr(0, text.find("2025-11-24 16:00:01") - 1));
  EXPECT_EQ(recs[1].line, 8);
  EXPECT_EQ(recs[1].offset, static_cast<int64_t>(text.find("2025-11-24 16:00:01")));
  EXPECT_EQ(recs[1].Text("message"), "recovered");
}

TEST(TextLogTest, PythonTraceback) {
  const std::string text =
      "2025-11-24 16:00:00,123 - trainer - ERROR - step failed\n"
      "Traceback (most recent call last):\n"
      "  File \"train.py\", line 3, in <module>\n"
      "    step()\n"
      "ZeroDivisionError: division by zero\n"
      "\n"
      "During handling of the above exception, another exception occurred:\n"
      "\n"
      "Traceback (most recent call last):\n"
      "  File \"train.py\", line 5, in <module>\n"
      "ValueError: bad\n"
      "\n"
      "2025-11-24 16:00:02,000 - trainer - INFO - next\n";
  const auto recs = ParseWhole(text, Options(kReference));
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].Text("component"), "trainer");
  EXPECT_EQ(recs[0].Text("level"), "ERROR");
  EXPECT_EQ(recs[0].fields.at("timestamp").i, Civil(2025, 11, 24, 16, 0, 0, 123000));
  EXPECT_EQ(recs[0].Text("message"),
            text.substr(text.find("step failed"),
                        text.find("ValueError: bad") + 15 - text.find("step failed")));
  EXPECT_EQ(recs[1].line, 13);
  EXPECT_EQ(recs[1].Text("message"), "next");
}

TEST(TextLogTest, HeaderlessSourceJoinsOnlyStackTraceLines) {
  const std::string text =
      "starting worker\n"
      "loaded 3 models\n"
      "Traceback (most recent call last):\n"
      "  File \"w.py\", line 1, in <module>\n"
      "KeyError: 'x'\n"
      "java.lang.RuntimeException: y\n"
      "\tat A.b(A.java:1)\n"
      "    indented continuation\n"
      "done\n";
  const auto recs = ParseWhole(text, Options(kReference));
  ASSERT_EQ(recs.size(), 5u) << Render(recs)[0];
  EXPECT_EQ(recs[0].Text("message"), "starting worker");
  EXPECT_EQ(recs[1].Text("message"), "loaded 3 models");
  EXPECT_EQ(
      recs[2].Text("message"),
      "Traceback (most recent call last):\n  File \"w.py\", line 1, in <module>\nKeyError: 'x'");
  EXPECT_EQ(recs[3].Text("message"),
            "java.lang.RuntimeException: y\n\tat A.b(A.java:1)\n    indented continuation");
  EXPECT_EQ(recs[3].line, 6);
  EXPECT_EQ(recs[4].Text("message"), "done");
  EXPECT_EQ(recs[4].line, 9);
}

TEST(TextLogTest, LevelOnlyLinesJoinOnlyStackTraces) {
  const std::string text =
      "Error: could not open model.bin\n"
      "Retrying with the fallback\n"
      "ERROR:root:step failed\n"
      "Traceback (most recent call last):\n"
      "  File \"t.py\", line 1, in <module>\n"
      "ValueError: nan loss\n"
      "INFO:root:next\n";
  const auto recs = ParseWhole(text, Options(kReference));
  ASSERT_EQ(recs.size(), 4u);
  EXPECT_EQ(recs[0].Text("level"), "Error");
  EXPECT_EQ(recs[0].Text("message"), "could not open model.bin");
  EXPECT_EQ(recs[1].Text("message"), "Retrying with the fallback");
  EXPECT_EQ(recs[2].Text("component"), "root");
  EXPECT_EQ(recs[2].Text("message"),
            "step failed\nTraceback (most recent call last):\n  File \"t.py\", line 1, in "
            "<module>\nValueError: nan loss");
  EXPECT_EQ(recs[3].line, 7);
}

TEST(TextLogTest, SyslogPri) {
  const std::string text =
      "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
      "[exampleSDID@32473 iut=\"3\" eventSource=\"App\\]\"] An application event\n"
      "<34>1 2003-10-11T22:14:15.003Z mymachine su 77 - - 'su root' failed\n"
      "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick\n";
  const auto recs = ParseWhole(text, Options(Civil(2025, 11, 24)));
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].fields.at("timestamp").i, Civil(2003, 10, 11, 22, 14, 15, 3000));
  EXPECT_EQ(recs[0].Text("host"), "mymachine.example.com");
  EXPECT_EQ(recs[0].Text("component"), "evntslog");
  EXPECT_EQ(recs[0].Text("msgid"), "ID47");
  EXPECT_EQ(recs[0].Text("structured_data"),
            "[exampleSDID@32473 iut=\"3\" eventSource=\"App\\]\"]");
  EXPECT_EQ(recs[0].Text("level"), "notice");  // 165 = 20 * 8 + 5
  EXPECT_EQ(recs[0].Text("facility"), "20");
  EXPECT_EQ(recs[0].Text("message"), "An application event");
  EXPECT_EQ(recs[1].Text("pid"), "77");
  EXPECT_EQ(recs[1].Text("level"), "crit");  // 34 = 4 * 8 + 2
  EXPECT_EQ(recs[1].Text("message"), "'su root' failed");
  EXPECT_EQ(recs[2].fields.at("timestamp").i, Civil(2025, 10, 11, 22, 14, 15));
  EXPECT_EQ(recs[2].Text("host"), "mymachine");
  EXPECT_EQ(recs[2].Text("component"), "su");
  EXPECT_EQ(recs[2].Text("level"), "crit");
  EXPECT_EQ(recs[2].Text("message"), "'su root' failed for lonvick");
}

TEST(TextLogTest, CrlfNoFinalNewlineBlankLines) {
  const std::string text =
      "\r\n"
      "Jun 14 15:16:01 combo sshd[1]: first\r\n"
      "   wrapped part\r\n"
      "\r\n"
      "Jun 14 15:16:02 combo sshd[2]: second  \r\n"
      "\r\n"
      "\r\n"
      "Jun 14 15:16:03 combo kernel: third";
  const auto recs = ParseWhole(text, Options(kReference));
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].line, 2);
  EXPECT_EQ(recs[0].offset, 2);
  EXPECT_EQ(recs[0].Text("message"), "first\n   wrapped part");
  EXPECT_EQ(recs[0].raw, "Jun 14 15:16:01 combo sshd[1]: first\r\n   wrapped part");
  EXPECT_EQ(recs[0].Text("pid"), "1");
  EXPECT_EQ(recs[1].line, 5);
  EXPECT_EQ(recs[1].Text("message"), "second");
  EXPECT_EQ(recs[1].raw, "Jun 14 15:16:02 combo sshd[2]: second  ");
  EXPECT_EQ(recs[2].line, 8);
  EXPECT_EQ(recs[2].Text("component"), "kernel");
  EXPECT_EQ(recs[2].Text("message"), "third");
  EXPECT_EQ(recs[2].fields.at("timestamp").i, Civil(2025, 6, 14, 15, 16, 3));
}

// Every split point of a mixed input gives the records of the single call.
TEST(TextLogTest, EverySplitPointEqualsWhole) {
  const std::string text =
      "\n2025-11-24T16:00:00Z INFO app: a\r\n\tat x\r\n\r\n  y\n"
      "plain\n  indented\nTraceback (most recent call last):\n  File \"f\"\nE: z\n"
      "[Sun Dec 04 04:47:44 2005] [error] e\n"
      "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"a\"\n"
      "bad \xff utf8\n"
      "0123456789012345678901234567890123456789\n"
      "03-17 16:13:38.811  1702  2395 D Tag: m\nlast";
  for (size_t cap : {size_t{32}, size_t{1} << 20}) {
    const auto whole = Render(ParseWhole(text, Options(kReference, cap)));
    for (size_t i = 0; i <= text.size(); ++i) {
      ASSERT_EQ(Render(ParseChunks(text, {i}, Options(kReference, cap))), whole)
          << "split at " << i << " cap " << cap;
    }
    for (size_t step : {1, 2, 3, 7}) {
      std::vector<size_t> cuts;
      for (size_t c = step; c < text.size(); c += step) cuts.push_back(c);
      ASSERT_EQ(Render(ParseChunks(text, cuts, Options(kReference, cap))), whole) << step;
    }
  }
}

TEST(TextLogTest, InvalidUtf8IsQuarantined) {
  const std::string text =
      "2025-11-24T16:00:00Z INFO ok \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\n"
      "2025-11-24T16:00:01Z INFO bad \xc3\x28\n"
      "2025-11-24T16:00:02Z INFO surrogate \xed\xa0\x80\n"
      "2025-11-24T16:00:03Z INFO overlong \xc0\xaf\n"
      "2025-11-24T16:00:04Z INFO fine\n";
  const auto recs = ParseWhole(text, Options(kReference));
  ASSERT_EQ(recs.size(), 5u);
  EXPECT_FALSE(recs[0].bad);
  EXPECT_EQ(recs[0].Text("message"), "ok \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
  for (int i = 1; i <= 3; ++i) {
    EXPECT_TRUE(recs[i].bad) << recs[i].Render();
    EXPECT_EQ(recs[i].line, i + 1);
    EXPECT_NE(recs[i].reason.find("invalid UTF-8"), std::string::npos);
  }
  EXPECT_EQ(recs[1].reason, "invalid UTF-8 at byte 30 of the record");
  EXPECT_FALSE(recs[4].bad);
}

TEST(TextLogTest, OversizedLinesAndRecords) {
  const size_t cap = 100;
  const std::string long_line(250, 'x');
  const std::string text = "2025-11-24T16:00:00Z INFO a\n" + long_line + "\n" +
                           "2025-11-24T16:00:01Z INFO b\n" + long_line;
  TextLogParser p(Options(kReference, cap));
  CollectSink sink;
  // Fed in 16-byte chunks: the long lines are never buffered whole.
  std::string buf;
  size_t max_buf = 0;
  for (size_t i = 0; i < text.size(); i += 16) {
    buf.append(text, i, 16);
    max_buf = std::max(max_buf, buf.size());
    buf.erase(0, p.Parse(buf, false, &sink));
  }
  EXPECT_EQ(p.Parse(buf, true, &sink), buf.size());
  EXPECT_LE(max_buf, cap + 2 + 16 + 30);
  ASSERT_EQ(sink.records.size(), 4u);
  EXPECT_EQ(sink.records[0].Text("message"), "a");
  EXPECT_TRUE(sink.records[1].bad);
  EXPECT_EQ(sink.records[1].line, 2);
  EXPECT_EQ(sink.records[1].raw, long_line.substr(0, cap));
  EXPECT_EQ(sink.records[2].Text("message"), "b");
  EXPECT_EQ(sink.records[2].line, 3);
  EXPECT_TRUE(sink.records[3].bad);
  EXPECT_EQ(sink.records[3].line, 4);
  EXPECT_EQ(p.records(), 2);
  EXPECT_EQ(p.bad_records(), 2);

  // A multi-line entry stops growing at the cap; nothing is lost.
  std::string multi = "2025-11-24T16:00:00Z INFO head\n";
  for (int i = 0; i < 10; ++i) multi += "\tat frame" + std::to_string(i) + "\n";
  const auto recs = ParseWhole(multi, Options(kReference, 60));
  ASSERT_GE(recs.size(), 2u);
  std::string joined;
  for (const Rec& r : recs) {
    EXPECT_FALSE(r.bad);
    EXPECT_LE(r.raw.size(), 60u);
    joined += r.raw + "\n";
  }
  EXPECT_EQ(joined, multi);
}

// Header layouts beyond the loghub samples.
TEST(TextLogTest, OtherLayouts) {
  const TextLogOptions o = Options(Civil(2025, 11, 24, 12));
  auto one = [&](const std::string& line) {
    auto recs = ParseWhole(line, o);
    EXPECT_EQ(recs.size(), 1u) << line;
    return recs.empty() ? Rec() : recs[0];
  };
  Rec r = one("I1124 16:00:00.123456  1234 trainer.cc:42] loss=0.5");
  EXPECT_EQ(r.Text("level"), "I");
  EXPECT_EQ(r.fields.at("timestamp").i, Civil(2025, 11, 24, 16, 0, 0, 123456));
  EXPECT_EQ(r.Text("tid"), "1234");
  EXPECT_EQ(r.Text("component"), "trainer.cc");
  EXPECT_EQ(r.Text("source_line"), "42");
  EXPECT_EQ(r.Text("message"), "loss=0.5");

  r =
      one("[Fri Sep 09 10:42:29.902022 2011] [core:error] [pid 35708:tid 4328636416] [client "
          "1.2.3.4] File does not exist");
  EXPECT_EQ(r.fields.at("timestamp").i, Civil(2011, 9, 9, 10, 42, 29, 902022));
  EXPECT_EQ(r.Text("component"), "core");
  EXPECT_EQ(r.Text("level"), "error");
  EXPECT_EQ(r.Text("pid"), "35708");
  EXPECT_EQ(r.Text("tid"), "4328636416");
  EXPECT_EQ(r.Text("message"), "[client 1.2.3.4] File does not exist");

  r = one("2025-11-24 16:00:00,001 [worker-1] WARN  org.acme.Job - slow batch: 12s");
  EXPECT_EQ(r.Text("thread"), "worker-1");
  EXPECT_EQ(r.Text("level"), "WARN");
  EXPECT_EQ(r.Text("component"), "org.acme.Job");
  EXPECT_EQ(r.Text("message"), "slow batch: 12s");

  r = one("2025-11-24T16:00:00.5+01:00 gpu-node-3 trainer[812]: epoch 3 done");
  EXPECT_EQ(r.fields.at("timestamp").i, Civil(2025, 11, 24, 15, 0, 0, 500000));
  EXPECT_EQ(r.Text("host"), "gpu-node-3");
  EXPECT_EQ(r.Text("component"), "trainer");
  EXPECT_EQ(r.Text("pid"), "812");
  EXPECT_EQ(r.Text("message"), "epoch 3 done");

  r = one("ERROR:root:model file missing");
  EXPECT_EQ(r.Text("level"), "ERROR");
  EXPECT_EQ(r.Text("component"), "root");
  EXPECT_EQ(r.Text("message"), "model file missing");
  EXPECT_EQ(r.Text("timestamp"), "<absent>");

  r = one("[WARN] disk almost full");
  EXPECT_EQ(r.Text("level"), "WARN");
  EXPECT_EQ(r.Text("message"), "disk almost full");

  r = one("1732464000 served 12 requests");
  EXPECT_EQ(r.fields.at("timestamp").i, 1732464000LL * kUs);
  EXPECT_EQ(r.Text("message"), "served 12 requests");

  r = one("2025-11-24 16:00:00 42 items processed");
  EXPECT_EQ(r.Text("pid"), "<absent>");
  EXPECT_EQ(r.Text("message"), "42 items processed");

  r = one("just some text: with a colon");
  EXPECT_EQ(r.fields.size(), 1u);
  EXPECT_EQ(r.Text("message"), "just some text: with a colon");
}

// Throughput over all samples, in one call per file (reported).
TEST(TextLogTest, Throughput) {
  std::vector<std::string> texts;
  for (const SystemSpec& spec : Systems()) {
    const std::string path =
        std::string(LW_SHARED_DATA) + "/logs/loghub_2k/" + spec.name + "/" + spec.name + "_2k.log";
    LW_SKIP_IF_MISSING(path);
    texts.push_back(ReadFile(path));
  }
  const std::string access =
      std::string(LW_SHARED_DATA) + "/logs/elastic_apache_access/apache_logs";
  LW_SKIP_IF_MISSING(access);
  texts.push_back(ReadFile(access));
  class CountSink : public RecordSink {
   public:
    void OnRecord(const FlatRecord& r) override { n += r.fields.size(); }
    void OnBadRecord(int64_t, int64_t, std::string_view, const std::string&) override {}
    size_t n = 0;
  } sink;
  size_t bytes = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int rep = 0; rep < 5; ++rep) {
    for (const std::string& t : texts) {
      TextLogParser p(Options(kReference));
      p.Parse(t, true, &sink);
      bytes += t.size();
    }
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double mbps = bytes / secs / 1e6;
  std::printf("[ speed    ] %.1f MB in %.3f s: %.0f MB/s (%zu fields)\n", bytes / 1e6, secs, mbps,
              sink.n);
  // Optimized builds run at 200+ MB/s; sanitizer and debug builds at a tenth
  // of that. The floor only catches a pathological (e.g. quadratic) slowdown.
  EXPECT_GT(mbps, 2.0);
}

}  // namespace
}  // namespace lakewatch::ingest
