// End-to-end tests of the ingest pipeline (record builder, JSON/OTLP readers,
// partitioned writer, quarantine, idempotence, templates) through Ingest(),
// reading the tables back with the Delta reader.
#include "ingest/ingester.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <simdjson.h>

#include "common/json_format.h"
#include "common/test_data.h"
#include "delta/crash_point.h"
#include "delta/table.h"

namespace lakewatch::ingest {
namespace {

class IngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = (std::filesystem::temp_directory_path() /
            ("lw-ingest-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++)))
               .string();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& content) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  IngestOptions Options(const std::string& table = "t") {
    IngestOptions o;
    o.table_path = dir_ + "/" + table;
    return o;
  }

  IngestSummary Run(const std::vector<std::string>& inputs, const IngestOptions& o) {
    auto r = Ingest(inputs, o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : IngestSummary{};
  }

  // The table's rows as JSON objects, ordered by (_source, _line).
  std::vector<std::string> Rows(const std::string& table, Schema* schema = nullptr) {
    delta::DeltaTable t(dir_ + "/" + table);
    auto snap = t.Load();
    EXPECT_TRUE(snap.ok()) << snap.status().ToString();
    if (!snap.ok()) return {};
    if (schema != nullptr) *schema = (*snap)->schema();
    auto batches = t.Scan(**snap, {});
    EXPECT_TRUE(batches.ok()) << batches.status().ToString();
    std::map<std::pair<std::string, int64_t>, std::string> ordered;
    int64_t seq = 0;
    for (const RecordBatch& b : *batches) {
      int src = b.schema.FieldIndex("_source");
      int line = b.schema.FieldIndex("_line");
      for (int64_t r = 0; r < b.num_rows; ++r) {
        std::string json;
        AppendJsonRow(b, r, &json);
        std::string s = src >= 0 ? std::string(b.columns[src]->GetString(r)) : "";
        int64_t l = line >= 0 ? b.columns[line]->Value<int64_t>(r) * 1000000 + seq++ : seq++;
        ordered[{s, l}] = json;
      }
    }
    std::vector<std::string> out;
    for (auto& [k, v] : ordered) out.push_back(v);
    return out;
  }

  static simdjson::dom::element Parse(simdjson::dom::parser& p, const std::string& json) {
    simdjson::dom::element e;
    EXPECT_EQ(p.parse(json).get(e), simdjson::SUCCESS) << json;
    return e;
  }

  static std::string TypeOf(const Schema& s, const std::string& name) {
    int i = s.FieldIndex(name);
    return i < 0 ? "" : s.fields[i].type->ToString();
  }

  std::string dir_;
};

TEST_F(IngestTest, NestedJsonLinesBecomeTypedColumns) {
  std::string f = Write("ev.jsonl",
                        R"({"timestamp":"2025-11-24T16:00:00Z","request_id":"a","model":{"name":"fraud","version":"2"},"features":{"amount":12.5,"age":31},"tags":["x","y"],"items":[{"sku":"p1","qty":2}]})"
                        "\n"
                        R"({"timestamp":"2025-11-24T17:30:00.250Z","request_id":"b","model":{"name":"fraud","version":"3"},"features":{"amount":3,"age":40,"country":"NG"},"tags":[],"items":[]})"
                        "\n");
  IngestSummary s = Run({f}, Options());
  EXPECT_EQ(s.rows, 2);
  EXPECT_EQ(s.quarantined, 0);
  ASSERT_TRUE(s.version.has_value());
  EXPECT_EQ(*s.version, 0);
  Schema schema;
  std::vector<std::string> rows = Rows("t", &schema);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(TypeOf(schema, "timestamp"), "timestamp");
  EXPECT_EQ(TypeOf(schema, "model"), "struct<name:string,version:string>");
  // amount widened from 12.5/3 to double; a later field (country) joined the struct.
  EXPECT_EQ(TypeOf(schema, "features"), "struct<amount:double,age:bigint,country:string>");
  EXPECT_EQ(TypeOf(schema, "tags"), "array<string>");
  EXPECT_EQ(TypeOf(schema, "items"), "array<struct<sku:string,qty:bigint>>");
  EXPECT_EQ(TypeOf(schema, "date"), "date");
  simdjson::dom::parser p;
  auto r0 = Parse(p, rows[0]);
  EXPECT_EQ(std::string_view(r0["timestamp"].get_string().value()), "2025-11-24T16:00:00.000000Z");
  EXPECT_EQ(std::string_view(r0["date"].get_string().value()), "2025-11-24");
  EXPECT_EQ(double(r0["features"]["amount"].get_double().value()), 12.5);
  EXPECT_EQ(int64_t(r0["items"].at(0)["qty"].get_int64().value()), 2);
  EXPECT_TRUE(r0["features"]["country"].is_null());
  EXPECT_TRUE(r0["_rest"].is_null());
  EXPECT_EQ(int64_t(r0["_line"].get_int64().value()), 1);
  auto r1 = Parse(p, rows[1]);
  EXPECT_EQ(std::string_view(r1["timestamp"].get_string().value()), "2025-11-24T17:30:00.250000Z");
  EXPECT_EQ(double(r1["features"]["amount"].get_double().value()), 3.0);
  EXPECT_EQ(r1["tags"].get_array().value().size(), 0u);
  // Partition folder by date.
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/t/date=2025-11-24"));
}

TEST_F(IngestTest, ValuesThatFitNoColumnGoToRestByJsonPointer) {
  // First run fixes the types.
  Run({Write("a.jsonl", R"({"ts":1700000000,"n":1,"s":"x","o":{"k":1},"l":[1,2]})"
                        "\n")},
      Options());
  // Second run: a string where a number was, an object where a string was,
  // a string in an int list, a new field.
  IngestSummary s = Run({Write("b.jsonl", R"({"ts":1700000001,"n":"many","s":{"deep":true},"o":{"k":"one"},"l":[3,"four",5],"new":true})"
                                          "\n")},
                        Options());
  EXPECT_EQ(s.rows, 1);
  EXPECT_EQ(s.quarantined, 0);
  Schema schema;
  std::vector<std::string> rows = Rows("t", &schema);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(TypeOf(schema, "n"), "bigint");
  EXPECT_EQ(TypeOf(schema, "new"), "boolean");  // schema evolution
  simdjson::dom::parser p;
  auto r = Parse(p, rows[1]);  // b.jsonl sorts after a.jsonl
  EXPECT_TRUE(r["n"].is_null());
  EXPECT_TRUE(r["s"].is_null());
  EXPECT_TRUE(r["o"]["k"].is_null());
  EXPECT_EQ(int64_t(r["l"].at(0).get_int64().value()), 3);
  EXPECT_TRUE(r["l"].at(1).is_null());
  EXPECT_EQ(int64_t(r["l"].at(2).get_int64().value()), 5);
  std::string_view rest_text = r["_rest"].get_string().value();
  simdjson::dom::parser p2;
  auto rest = Parse(p2, std::string(rest_text));
  EXPECT_EQ(std::string_view(rest["/n"].get_string().value()), "many");
  EXPECT_TRUE(bool(rest["/s"]["deep"].get_bool().value()));
  EXPECT_EQ(std::string_view(rest["/o/k"].get_string().value()), "one");
  EXPECT_EQ(std::string_view(rest["/l/1"].get_string().value()), "four");
  // The old row reads the new column as null.
  auto r0 = Parse(p, rows[0]);
  EXPECT_TRUE(r0["new"].is_null());
}

TEST_F(IngestTest, MixedScalarsInANewColumnWidenToString) {
  Run({Write("a.jsonl", "{\"v\":1}\n{\"v\":\"x\"}\n{\"v\":2.5}\n{\"v\":true}\n")}, Options());
  Schema schema;
  std::vector<std::string> rows = Rows("t", &schema);
  EXPECT_EQ(TypeOf(schema, "v"), "string");
  ASSERT_EQ(rows.size(), 4u);
  simdjson::dom::parser p;
  std::vector<std::string> got;
  for (const auto& r : rows) got.emplace_back(std::string_view(Parse(p, r)["v"].get_string().value()));
  EXPECT_EQ(got, (std::vector<std::string>{"1", "x", "2.5", "true"}));
}

TEST_F(IngestTest, DataKeyedObjectsBecomeMaps) {
  std::string nginx = std::string(LW_SHARED_DATA) + "/json/elastic_nginxplus/nginxplus_json_logs.jsonl";
  LW_SKIP_IF_MISSING(nginx);
  IngestSummary s = Run({nginx}, Options());
  EXPECT_EQ(s.rows, 500);
  EXPECT_EQ(s.quarantined, 0);
  Schema schema;
  std::vector<std::string> rows = Rows("t", &schema);
  ASSERT_EQ(rows.size(), 500u);
  // Host names are data: server_zones is a map; a handful of named fields stay a struct.
  EXPECT_EQ(TypeOf(schema, "server_zones").rfind("map<string,struct<", 0), 0u) << TypeOf(schema, "server_zones");
  EXPECT_LT(schema.fields.size(), 40u);
  // timestamp (epoch ms) became the timestamp column.
  simdjson::dom::parser p;
  auto r0 = Parse(p, rows[0]);
  EXPECT_EQ(std::string_view(r0["timestamp"].get_string().value()).substr(0, 10), "2015-10-30");
  EXPECT_TRUE(r0["server_zones"]["hg.nginx.org"]["requests"].is_int64());
}

TEST_F(IngestTest, BadRecordsGoToQuarantineWithReasons) {
  std::string deep(100, '[');
  deep += std::string(100, ']');
  std::string content = "{\"a\":1}\n{\"a\":\n" + std::string("{\"a\":\"\xff\xfe\"}\n") + "{\"x\":" + deep + "}\n" +
                        "{\"a\":2}\r\n{\"a\":3}";  // CRLF and no final newline
  IngestSummary s = Run({Write("bad.jsonl", content)}, Options());
  EXPECT_EQ(s.rows, 3);
  EXPECT_EQ(s.quarantined, 3);
  std::vector<std::string> q = Rows("t_quarantine");
  ASSERT_EQ(q.size(), 3u);
  simdjson::dom::parser p;
  auto q0 = Parse(p, q[0]);
  EXPECT_EQ(int64_t(q0["_line"].get_int64().value()), 2);
  EXPECT_EQ(int64_t(q0["_offset"].get_int64().value()), 8);
  EXPECT_NE(std::string_view(q0["reason"].get_string().value()).find("invalid JSON"), std::string_view::npos);
  auto q1 = Parse(p, q[1]);
  EXPECT_NE(std::string_view(q1["reason"].get_string().value()).find("UTF-8"), std::string_view::npos);
  auto q2 = Parse(p, q[2]);
  EXPECT_NE(std::string_view(q2["reason"].get_string().value()).find("deeper than 64"), std::string_view::npos);
  std::vector<std::string> rows = Rows("t");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(int64_t(Parse(p, rows[2])["_line"].get_int64().value()), 6);
  EXPECT_EQ(int64_t(Parse(p, rows[2])["a"].get_int64().value()), 3);
}

TEST_F(IngestTest, OversizedLineIsQuarantinedAndTheRestIngested) {
  std::string big = "{\"a\":\"" + std::string(3000, 'x') + "\"}";
  IngestOptions o = Options();
  o.max_record_bytes = 1000;
  IngestSummary s = Run({Write("big.jsonl", "{\"a\":\"s\"}\n" + big + "\n{\"a\":\"t\"}\n")}, o);
  EXPECT_EQ(s.rows, 2);
  EXPECT_EQ(s.quarantined, 1);
  std::vector<std::string> q = Rows("t_quarantine");
  ASSERT_EQ(q.size(), 1u);
  EXPECT_NE(q[0].find("longer than 1000 bytes"), std::string::npos) << q[0];
}

TEST_F(IngestTest, CompressedInputsAreReadTransparently) {
  std::string plain;
  for (int i = 0; i < 1000; ++i) plain += "{\"i\":" + std::to_string(i) + ",\"msg\":\"event " + std::to_string(i) + "\"}\n";
  // gzip
  std::string gz = dir_ + "/a.jsonl.gz";
  gzFile g = gzopen(gz.c_str(), "wb");
  gzwrite(g, plain.data(), static_cast<unsigned>(plain.size()));
  gzclose(g);
  // zstd
  std::string z(ZSTD_compressBound(plain.size()), '\0');
  z.resize(ZSTD_compress(z.data(), z.size(), plain.data(), plain.size(), 3));
  std::string zs = Write("b.jsonl.zst", z);
  IngestSummary s = Run({gz, zs}, Options());
  EXPECT_EQ(s.rows, 2000);
  EXPECT_EQ(s.quarantined, 0);
  ASSERT_EQ(s.sources.size(), 2u);
  EXPECT_EQ(s.sources[0].compression, "gzip");
  EXPECT_EQ(s.sources[1].compression, "zstd");
  EXPECT_EQ(s.sources[0].format, "jsonl");
  EXPECT_EQ(Rows("t").size(), 2000u);
  // A truncated gzip keeps what came before and quarantines the damage.
  std::string whole;
  {
    std::ifstream in(gz, std::ios::binary);
    whole.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::string cut = Write("c.jsonl.gz", whole.substr(0, whole.size() / 2));
  IngestSummary s2 = Run({cut}, Options("t2"));
  EXPECT_GT(s2.rows, 0);
  // The damage, and the line it cut in half.
  EXPECT_GE(s2.quarantined, 1);
  std::vector<std::string> q = Rows("t2_quarantine");
  bool named = false;
  for (const std::string& r : q) named = named || r.find("truncated gzip") != std::string::npos;
  EXPECT_TRUE(named) << (q.empty() ? "" : q.back());
}

TEST_F(IngestTest, IdempotentRerunWritesNothing) {
  std::string f = Write("a.jsonl", "{\"a\":1}\n{\"a\":2}\n");
  IngestOptions o = Options();
  o.idempotent = true;
  IngestSummary s1 = Run({f}, o);
  EXPECT_EQ(s1.rows, 2);
  IngestSummary s2 = Run({f}, o);
  ASSERT_EQ(s2.sources.size(), 1u);
  EXPECT_TRUE(s2.sources[0].skipped);
  EXPECT_EQ(s2.rows, 0);
  // A new file in the same run is ingested, the known one skipped.
  std::string g = Write("b.jsonl", "{\"a\":3}\n");
  IngestSummary s3 = Run({f, g}, o);
  EXPECT_EQ(s3.rows, 1);
  EXPECT_EQ(Rows("t").size(), 3u);
}

TEST_F(IngestTest, KilledRunLeavesNoCommitAndARerunIngestsOnce) {
  std::string f = Write("a.jsonl", "{\"a\":1}\n{\"a\":2}\n");
  IngestOptions o = Options();
  o.idempotent = true;
  for (const char* point : {"ingest-before-commit", "ingest-between-commits"}) {
    SCOPED_TRACE(point);
    std::filesystem::remove_all(dir_ + "/t");
    std::filesystem::remove_all(dir_ + "/t_quarantine");
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      delta::SetCrashPointForTest(point);
      auto r = Ingest({f}, o);
      ::_exit(r.ok() ? 0 : 3);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the child was not killed at " << point;
    delta::DeltaTable t(dir_ + "/t");
    bool committed = t.Load().ok();
    EXPECT_EQ(committed, std::string(point) == "ingest-between-commits");
    IngestSummary s = Run({f}, o);
    EXPECT_EQ(Rows("t").size(), 2u);  // never twice
    EXPECT_EQ(s.rows, committed ? 0 : 2);
  }
}

TEST_F(IngestTest, OtlpLogsGiveOneRowPerLogRecord) {
  std::string otlp = std::string(LW_SHARED_DATA) + "/json/otlp_examples/logs.json";
  LW_SKIP_IF_MISSING(otlp);
  // Count the logRecords independently.
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  ASSERT_EQ(p.load(otlp).get(doc), simdjson::SUCCESS);
  size_t expected = 0;
  simdjson::dom::array rls;
  ASSERT_EQ(doc["resourceLogs"].get_array().get(rls), simdjson::SUCCESS);
  for (simdjson::dom::element rl : rls) {
    simdjson::dom::array sls;
    ASSERT_EQ(rl["scopeLogs"].get_array().get(sls), simdjson::SUCCESS);
    for (simdjson::dom::element sl : sls) {
      simdjson::dom::array recs;
      ASSERT_EQ(sl["logRecords"].get_array().get(recs), simdjson::SUCCESS);
      expected += recs.size();
    }
  }
  IngestSummary s = Run({otlp}, Options());
  EXPECT_EQ(s.rows, static_cast<int64_t>(expected));
  EXPECT_EQ(s.quarantined, 0);
  Schema schema;
  std::vector<std::string> rows = Rows("t", &schema);
  ASSERT_EQ(rows.size(), expected);
  EXPECT_EQ(TypeOf(schema, "severity_number"), "bigint");
  EXPECT_NE(TypeOf(schema, "resource").find("service:struct<name:string"), std::string::npos) << TypeOf(schema, "resource");
  simdjson::dom::parser p2;
  auto r0 = Parse(p2, rows[0]);
  EXPECT_FALSE(r0["timestamp"].is_null());
  EXPECT_FALSE(r0["message"].is_null());
  EXPECT_FALSE(r0["template_id"].is_null());
}

// A JSON line is an OTLP request when its first key is resourceLogs; a record
// that merely holds such a key among others keeps all its fields.
TEST_F(IngestTest, OnlyARecordStartingWithResourceLogsIsAnOtlpRequest) {
  const std::string logs =
      R"([{"scopeLogs":[{"logRecords":[{"timeUnixNano":"1763632800000000000","body":{"stringValue":"a"}},)"
      R"({"timeUnixNano":"1763632801000000000","body":{"stringValue":"b"}}]}]}])";
  std::string f = Write("mixed.jsonl", "{\"resourceLogs\":" + logs + "}\n" +
                                           "{\"id\":7,\"resourceLogs\":" + logs + "}\n");
  IngestSummary s = Run({f}, Options());
  EXPECT_EQ(s.rows, 3);  // two log records, and the ordinary record
  EXPECT_EQ(s.quarantined, 0);
  std::vector<std::string> rows = Rows("t");
  ASSERT_EQ(rows.size(), 3u);
  int with_id = 0, messages = 0;
  simdjson::dom::parser p;
  for (const std::string& row : rows) {
    auto r = Parse(p, row);
    int64_t id = 0;
    if (r["id"].get_int64().get(id) == simdjson::SUCCESS) {
      EXPECT_EQ(id, 7);
      EXPECT_TRUE(r["resourceLogs"].is_array()) << row;  // kept, as a column of its own
      ++with_id;
    }
    std::string_view m;
    if (r["message"].get_string().get(m) == simdjson::SUCCESS && (m == "a" || m == "b")) ++messages;
  }
  EXPECT_EQ(with_id, 1);
  EXPECT_EQ(messages, 2);
}

TEST_F(IngestTest, TextLogsGetTemplatesThatPersistAcrossRuns) {
  std::string a = Write("a.log",
                        "2025-11-24 16:00:00,001 INFO worker 7 started\n"
                        "2025-11-24 16:00:01,002 ERROR connection to 10.0.0.1 refused\n"
                        "java.net.ConnectException: refused\n"
                        "\tat com.example.Client.connect(Client.java:42)\n"
                        "2025-11-24 16:00:02,003 INFO worker 9 started\n");
  IngestSummary s = Run({a}, Options());
  EXPECT_EQ(s.rows, 3);  // the stack trace joins its record
  std::vector<std::string> rows = Rows("t");
  ASSERT_EQ(rows.size(), 3u);
  simdjson::dom::parser p0, p1, p2;
  auto r0 = Parse(p0, rows[0]);
  auto r2 = Parse(p2, rows[2]);
  int64_t id = r0["template_id"].get_int64().value();
  EXPECT_EQ(int64_t(r2["template_id"].get_int64().value()), id);
  EXPECT_EQ(std::string_view(r0["level"].get_string().value()), "INFO");
  EXPECT_NE(std::string_view(Parse(p1, rows[1])["message"].get_string().value()).find("Client.java:42"),
            std::string_view::npos);
  simdjson::dom::parser p;
  // A second run into the same table assigns the same id to the same event type.
  IngestSummary s2 = Run({Write("b.log", "2025-11-25 09:00:00,000 INFO worker 12 started\n")}, Options());
  EXPECT_EQ(s2.rows, 1);
  std::vector<std::string> all = Rows("t");
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(int64_t(Parse(p, all[3])["template_id"].get_int64().value()), id);
}

TEST_F(IngestTest, CsvAndLogfmtSources) {
  std::string csv = Write("m.csv", "ts,model,latency_ms,ok\n2025-11-24T16:00:00Z,a,12.5,true\n2025-11-24T16:00:01Z,b,7,false\n");
  std::string lf = Write("app.logfmt",
                         "time=2025-11-24T16:00:02Z level=info msg=\"served request\" latency_ms=3 svc.version=2\n");
  IngestSummary s = Run({csv, lf}, Options());
  EXPECT_EQ(s.rows, 3);
  ASSERT_EQ(s.sources.size(), 2u);
  EXPECT_EQ(s.sources[0].format, "csv");
  EXPECT_EQ(s.sources[1].format, "logfmt");
  Schema schema;
  std::vector<std::string> rows = Rows("t", &schema);
  EXPECT_EQ(TypeOf(schema, "latency_ms"), "double");
  EXPECT_EQ(TypeOf(schema, "ok"), "boolean");
  ASSERT_EQ(rows.size(), 3u);
  simdjson::dom::parser p;
  auto r = Parse(p, rows[0]);  // app.logfmt sorts first
  EXPECT_EQ(std::string_view(r["timestamp"].get_string().value()), "2025-11-24T16:00:02.000000Z");
  EXPECT_EQ(int64_t(r["svc"]["version"].get_int64().value()), 2);  // a dotted key nests
  EXPECT_TRUE(r["_rest"].is_null());
}

TEST_F(IngestTest, NamesDifferingOnlyInCaseGetSuffixes) {
  // Delta column names are case-insensitive: "Date" next to the date column,
  // "Name" next to "name", and a sanitized name.
  Run({Write("a.jsonl", R"({"Date":"x","name":1,"Name":2,"a b":3,"Timestamp":4})"
                        "\n")},
      Options());
  Schema schema;
  std::vector<std::string> rows = Rows("t", &schema);
  std::set<std::string> lower;
  for (const Field& f : schema.fields) {
    std::string l = f.name;
    for (char& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_TRUE(lower.insert(l).second) << "duplicate column " << f.name;
  }
  EXPECT_EQ(TypeOf(schema, "Date_2"), "string");
  EXPECT_EQ(TypeOf(schema, "Name_2"), "bigint");
  EXPECT_EQ(TypeOf(schema, "a_b"), "bigint");
  EXPECT_EQ(TypeOf(schema, "Timestamp_2"), "bigint");
  ASSERT_EQ(rows.size(), 1u);
}

TEST_F(IngestTest, IntegersBeyond64BitsAreDoubles) {
  Run({Write("a.jsonl", R"({"big":18446744073709551616,"neg":-9223372036854775809,"u":18446744073709551615,"s":"123456789012345678901234"})"
                        "\n")},
      Options());
  Schema schema;
  std::vector<std::string> rows = Rows("t", &schema);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(TypeOf(schema, "big"), "double");
  EXPECT_EQ(TypeOf(schema, "neg"), "double");
  EXPECT_EQ(TypeOf(schema, "s"), "string");  // digits inside a string stay as they are
  simdjson::dom::parser p;
  auto r = Parse(p, rows[0]);
  EXPECT_EQ(double(r["big"].get_double().value()), 18446744073709551616.0);
  EXPECT_EQ(std::string_view(r["s"].get_string().value()), "123456789012345678901234");
  // 2^64-1 fits uint64 but not bigint: a double in the column, exact digits in _rest.
  std::string rest(std::string_view(r["_rest"].get_string().value()));
  EXPECT_NE(rest.find("18446744073709551615"), std::string::npos) << rest;
}

TEST_F(IngestTest, DetectFormat) {
  EXPECT_EQ(DetectFormat("[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok\n", "x.log"), "text");
  EXPECT_EQ(DetectFormat("[10.30 16:49:06] chrome.exe - proxy.cse.cuhk.edu.hk:5070 open\n", "x"), "text");
  EXPECT_EQ(DetectFormat("[\n  {\"a\": 1},\n  {\"a\": 2}\n]\n", "x"), "json");
  EXPECT_EQ(DetectFormat("{\"a\": 1\n{\"a\": 2}\n", "x"), "jsonl");  // a broken first line
  EXPECT_EQ(DetectFormat("{\"a\":1}\n{\"a\":2}\n", "x"), "jsonl");
  EXPECT_EQ(DetectFormat("[{\"a\":1}]", "x"), "json");
  EXPECT_EQ(DetectFormat("{\n  \"resourceLogs\": []\n}\n", "x.json"), "json");
  EXPECT_EQ(DetectFormat("level=info msg=\"x y\" a=1\nlevel=warn msg=z b=2\n", "x"), "logfmt");
  EXPECT_EQ(DetectFormat("081109 203615 148 INFO dfs.DataNode: Receiving block\n", "x"), "text");
  EXPECT_EQ(DetectFormat("a,b\n1,2\n", "data.csv.gz"), "csv");
  EXPECT_EQ(DetectFormat("anything", "x.ndjson"), "jsonl");
}

// JSON lines for the parallel tests: fields that appear late (at the top and
// inside structs and list elements), keys in varying order, blank and CRLF
// lines, invalid lines, an OTLP request on one line, no final newline.
std::string VariedJsonLines(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    const std::string day = std::to_string(20 + i % 3);
    std::string rec = "{\"timestamp\":\"2025-11-" + day + "T10:00:0" + std::to_string(i % 10) + "Z\",";
    if (i % 2 == 0) {
      rec += "\"id\":" + std::to_string(i) + ",\"model\":{\"name\":\"m" + std::to_string(i % 4) + "\"";
    } else {
      rec += "\"model\":{\"name\":\"m" + std::to_string(i % 4) + "\"";
    }
    if (i > 120) rec += ",\"version\":\"v" + std::to_string(i % 7) + "\"";  // a struct field from line 122 on
    rec += "}";
    if (i % 2 == 1) rec += ",\"id\":" + std::to_string(i);
    rec += ",\"score\":" + std::to_string(i % 10) + "." + std::to_string(i % 7 + 1);
    rec += ",\"items\":[{\"sku\":\"s" + std::to_string(i % 5) + "\"" +
           (i > 200 ? ",\"qty\":" + std::to_string(i % 3) : std::string()) + "}]";
    if (i > 300 && i % 5 == 0) rec += ",\"late\":{\"flag\":" + std::string(i % 2 == 0 ? "true" : "false") + "}";
    if (i % 9 == 0) rec += ",\"tags\":[\"a\",\"b" + std::to_string(i % 4) + "\"]";
    rec += "}";
    if (i % 97 == 13) rec = "{\"broken\": ";            // invalid JSON: quarantined
    if (i % 89 == 7) rec = "{\"utf8\":\"\xff\"}";        // invalid UTF-8
    if (i % 61 == 5) out += "\n";                       // a blank line before it
    out += rec;
    out += i % 50 == 3 ? "\r\n" : "\n";
    if (i == 250) {
      out += R"({"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},)"
             R"("scopeLogs":[{"logRecords":[{"timeUnixNano":"1763632800000000000","body":{"stringValue":"a"}},)"
             R"({"timeUnixNano":"1763632801000000000","body":{"stringValue":"b"}}]}]}]})"
             "\n";
    }
  }
  out += R"({"timestamp":"2025-11-20T11:00:00Z","id":-1,"last":true})";  // no final newline
  return out;
}

// A JSON value's text with object keys sorted (at every level): tables that
// differ only in the order of their columns compare equal.
void CanonicalJson(simdjson::dom::element e, std::string* out) {
  simdjson::dom::object obj;
  simdjson::dom::array arr;
  if (e.get_object().get(obj) == simdjson::SUCCESS) {
    std::map<std::string, std::string> fields;
    for (auto field : obj) CanonicalJson(field.value, &fields[std::string(field.key)]);
    *out += '{';
    for (const auto& [k, v] : fields) *out += k + ":" + v + ",";
    *out += '}';
  } else if (e.get_array().get(arr) == simdjson::SUCCESS) {
    *out += '[';
    for (simdjson::dom::element x : arr) {
      CanonicalJson(x, out);
      *out += ',';
    }
    *out += ']';
  } else {
    *out += simdjson::minify(e);
  }
}

std::string Canonical(const std::string& json) {
  simdjson::dom::parser p;
  simdjson::dom::element e;
  if (p.parse(json).get(e) != simdjson::SUCCESS) return "(invalid) " + json;
  std::string out;
  CanonicalJson(e, &out);
  return out;
}

std::set<std::string> FieldSet(const Schema& s) {
  std::set<std::string> out;
  for (const Field& f : s.fields) out.insert(f.name + ": " + f.type->ToString());
  return out;
}

std::string WithoutIngestedAt(std::string row) {
  const size_t at = row.find(",\"ingested_at\":");
  if (at != std::string::npos) row.erase(at, row.find('}', at) - at);
  return row;
}

TEST_F(IngestTest, ParallelJsonLinesGiveTheSameTableAsOneThread) {
  const std::string f = Write("varied.jsonl", VariedJsonLines(700));
  IngestOptions one = Options("one");
  one.templates = false;
  IngestSummary s1 = Run({f}, one);
  for (int threads : {2, 3}) {
    SCOPED_TRACE(threads);
    const std::string name = "par" + std::to_string(threads);
    IngestOptions par = Options(name);
    par.templates = false;
    par.threads = threads;
    par.batch_bytes = 6000;  // blocks of 2,000 bytes: dozens of blocks,
    par.batch_rows = 5;      // each in parts of at most 5 lines
    IngestSummary s = Run({f}, par);
    EXPECT_EQ(s.rows, s1.rows);
    EXPECT_EQ(s.quarantined, s1.quarantined);
    EXPECT_EQ(s.sources.at(0).rows, s1.sources.at(0).rows);
    Schema schema1, schema;
    std::vector<std::string> rows1 = Rows("one", &schema1);
    std::vector<std::string> rows = Rows(name, &schema);
    // The same columns; one thread writes this small input as one batch, so
    // its system columns come after all the others: the order may differ.
    EXPECT_EQ(FieldSet(schema), FieldSet(schema1));
    ASSERT_EQ(rows.size(), rows1.size());
    for (size_t i = 0; i < rows.size(); ++i) ASSERT_EQ(Canonical(rows[i]), Canonical(rows1[i])) << "row " << i;
    std::vector<std::string> q1 = Rows("one_quarantine"), q = Rows(name + "_quarantine");
    ASSERT_EQ(q.size(), q1.size());
    for (size_t i = 0; i < q.size(); ++i) EXPECT_EQ(WithoutIngestedAt(q[i]), WithoutIngestedAt(q1[i]));
  }
  // The input has what the comparison is meant to cover.
  int64_t bad = 0;
  for (int i = 0; i < 700; ++i) bad += i % 97 == 13 || i % 89 == 7 ? 1 : 0;
  EXPECT_EQ(s1.quarantined, bad);
  Schema schema1;
  Rows("one", &schema1);
  EXPECT_EQ(TypeOf(schema1, "model"), "struct<name:string,version:string>");
  EXPECT_EQ(TypeOf(schema1, "items"), "array<struct<sku:string,qty:bigint>>");
  EXPECT_EQ(TypeOf(schema1, "late"), "struct<flag:boolean>");
  EXPECT_NE(schema1.FieldIndex("resource"), -1);
}

TEST_F(IngestTest, ParallelJsonLinesSettleDisagreeingTypesInBlockOrder) {
  // `v` is an integer on the first 40 lines, then a fraction on every 10th
  // line; "Name" comes before "name". Every block's worker infers on its own;
  // the table must be what block order says: v bigint (the fractions kept in
  // _rest), and "name" suffixed because "Name" came first.
  std::string in;
  for (int i = 0; i < 200; ++i) {
    std::string v = i >= 40 && i % 10 == 0 ? std::to_string(i) + ".5" : std::to_string(i);
    in += "{\"i\":" + std::to_string(i) + ",\"v\":" + v;
    if (i == 60) in += ",\"Name\":\"first\"";
    if (i >= 150) in += ",\"name\":\"later\"";
    in += "}\n";
  }
  IngestOptions o = Options();
  o.threads = 2;
  o.batch_bytes = 600;
  o.batch_rows = 4;
  IngestSummary s = Run({Write("v.jsonl", in)}, o);
  EXPECT_EQ(s.rows, 200);
  Schema schema;
  std::vector<std::string> rows = Rows("t", &schema);
  ASSERT_EQ(rows.size(), 200u);
  EXPECT_EQ(TypeOf(schema, "v"), "bigint");
  EXPECT_EQ(TypeOf(schema, "Name"), "string");
  EXPECT_EQ(TypeOf(schema, "name_2"), "string");
  simdjson::dom::parser p;
  for (int i = 0; i < 200; ++i) {
    SCOPED_TRACE(i);
    auto r = Parse(p, rows[static_cast<size_t>(i)]);
    EXPECT_EQ(int64_t(r["_line"].get_int64().value()), i + 1);
    EXPECT_EQ(int64_t(r["i"].get_int64().value()), i);
    if (i >= 40 && i % 10 == 0) {
      EXPECT_TRUE(r["v"].is_null());
      EXPECT_EQ(std::string(std::string_view(r["_rest"].get_string().value())),
                "{\"/v\":" + std::to_string(i) + ".5}");
    } else {
      EXPECT_EQ(int64_t(r["v"].get_int64().value()), i);
      EXPECT_TRUE(r["_rest"].is_null());
    }
    if (i >= 150) {
      EXPECT_EQ(std::string_view(r["name_2"].get_string().value()), "later");
    }
  }
}

TEST_F(IngestTest, TheDamageOfATruncatedSourceInsideALongLineIsQuarantined) {
  // The damage falls inside a line longer than a block, which the reading
  // thread reads on to find its end.
  std::string plain;
  for (int i = 0; i < 50; ++i) plain += "{\"i\":" + std::to_string(i) + "}\n";
  plain += "{\"long\":\"";
  uint64_t state = 1;
  for (int i = 0; i < 30000; ++i) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    plain += static_cast<char>('a' + (state >> 59) % 26);
  }
  plain += "\"}\n";
  std::string gz = dir_ + "/long.jsonl.gz";
  gzFile g = gzopen(gz.c_str(), "wb");
  gzwrite(g, plain.data(), static_cast<unsigned>(plain.size()));
  gzclose(g);
  std::string whole;
  {
    std::ifstream in(gz, std::ios::binary);
    whole.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::string cut = Write("cut.jsonl.gz", whole.substr(0, whole.size() - 200));
  // One and two threads; and with a record limit below the long line's
  // length, where its rest is skipped up to the damage.
  int n = 0;
  for (int threads : {1, 2}) {
    for (int64_t limit : {int64_t{16} << 20, int64_t{1000}}) {
      SCOPED_TRACE(std::to_string(threads) + " threads, limit " + std::to_string(limit));
      const std::string table = "t" + std::to_string(n++);
      IngestOptions o = Options(table);
      o.threads = threads;
      o.batch_bytes = 3000;
      o.max_record_bytes = limit;
      IngestSummary s = Run({cut}, o);
      EXPECT_EQ(s.rows, 50);
      std::vector<std::string> q = Rows(table + "_quarantine");
      bool named = false;
      for (const std::string& r : q) named = named || r.find("truncated gzip") != std::string::npos;
      EXPECT_TRUE(named) << (q.empty() ? "(no quarantine rows)" : q.back().substr(0, 300));
    }
  }
}

TEST_F(IngestTest, ParallelJsonLinesMineTemplates) {
  std::string in;
  for (int i = 0; i < 300; ++i) {
    std::string msg = i % 3 == 0   ? "user u" + std::to_string(i) + " logged in from 10.0.0." + std::to_string(i % 250)
                      : i % 3 == 1 ? "disk /dev/sd" + std::string(1, static_cast<char>('a' + i % 5)) + " is " +
                                         std::to_string(i % 100) + "% full"
                                   : "request " + std::to_string(i * 7) + " took " + std::to_string(i % 40) + " ms";
    in += "{\"message\":\"" + msg + "\"}\n";
  }
  const std::string f = Write("m.jsonl", in);
  std::set<int64_t> ids[2];
  for (int threads : {1, 2}) {
    IngestOptions o = Options("t" + std::to_string(threads));
    o.threads = threads;
    o.batch_bytes = 3000;
    o.batch_rows = 8;
    IngestSummary s = Run({f}, o);
    EXPECT_EQ(s.rows, 300);
    EXPECT_EQ(s.templates, 3);
    simdjson::dom::parser p;
    for (const std::string& row : Rows("t" + std::to_string(threads))) {
      auto r = Parse(p, row);
      ASSERT_FALSE(r["template_id"].is_null()) << row;
      ASSERT_FALSE(r["template"].is_null()) << row;
      ids[threads - 1].insert(int64_t(r["template_id"].get_int64().value()));
    }
  }
  EXPECT_EQ(ids[0].size(), 3u);
  EXPECT_EQ(ids[1], ids[0]);
}

}  // namespace
}  // namespace lakewatch::ingest
