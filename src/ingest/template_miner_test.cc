#include "ingest/template_miner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/test_data.h"
#include "ingest/csv.h"

namespace lakewatch::ingest {
namespace {

std::string Text(const TemplateMatch& m) { return std::string(m.template_text); }

// ---- unit behaviour

TEST(TemplateMinerTest, IdenticalMessagesShareAnId) {
  TemplateMiner miner;
  TemplateMatch a = miner.Add("Scheduler started");
  EXPECT_TRUE(a.is_new);
  EXPECT_GE(a.id, 1);
  EXPECT_EQ(Text(a), "Scheduler started");
  TemplateMatch b = miner.Add("Scheduler started");
  EXPECT_EQ(b.id, a.id);
  EXPECT_FALSE(b.is_new);
  EXPECT_FALSE(b.changed);
  EXPECT_EQ(miner.size(), 1u);
}

TEST(TemplateMinerTest, NumbersBecomeWildcards) {
  TemplateMiner miner;
  TemplateMatch a = miner.Add("Connected to 10.0.0.1:8080 in 35 ms");
  TemplateMatch b = miner.Add("Connected to 10.0.0.7:9090 in 1200 ms");
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(Text(b), "Connected to <*> in <*>");
  TemplateMatch c = miner.Add("batch 17 of 250 scored, p99 latency 0.25 s");
  TemplateMatch d = miner.Add("batch 18 of 250 scored, p99 latency 0.31 s");
  EXPECT_EQ(c.id, d.id);
  EXPECT_NE(c.id, a.id);
  EXPECT_EQ(Text(d), "batch <*> of <*> scored, <*> latency <*>");
}

TEST(TemplateMinerTest, WordVariableGeneralizesAndKeepsId) {
  TemplateMiner miner;
  TemplateMatch a = miner.Add("Invalid user alice from 10.1.2.3 port 5022");
  TemplateMatch b = miner.Add("Invalid user bob from 10.9.8.7 port 61000");
  EXPECT_EQ(a.id, b.id);
  EXPECT_FALSE(b.is_new);
  EXPECT_TRUE(b.changed);
  EXPECT_EQ(Text(b), "Invalid user <*> from <*> port <*>");
  ASSERT_NE(miner.TemplateText(a.id), nullptr);
  EXPECT_EQ(*miner.TemplateText(a.id), "Invalid user <*> from <*> port <*>");
  TemplateMatch c = miner.Add("Invalid user carol from 10.0.0.1 port 1");
  EXPECT_EQ(c.id, a.id);
  EXPECT_FALSE(c.changed);
}

TEST(TemplateMinerTest, DifferentEventsGetDifferentIds) {
  TemplateMiner miner;
  std::vector<std::string> events = {
      "Starting worker pool with 8 threads",
      "Stopping worker pool with 8 threads",
      "Model fraud-v3 loaded from /models/fraud/3",
      "Connection closed by 10.0.0.1",
      "Connection reset by peer",
      "Feature drift detected on column age",
      "Prediction request took 12 ms",
      "Disk quota exceeded for volume data",
      "",
  };
  std::set<int64_t> ids;
  for (const std::string& e : events) ids.insert(miner.Add(e).id);
  EXPECT_EQ(ids.size(), events.size());
  // And each maps back to its own id.
  for (const std::string& e : events) EXPECT_FALSE(miner.Add(e).is_new) << e;
}

TEST(TemplateMinerTest, VariableLengthValuesShareATemplate) {
  // Optional bracketed sizes and durations with units merge into one variable.
  TemplateMiner miner;
  TemplateMatch a =
      miner.Add("proxy.example.com:5070 close, 0 bytes sent, 10 bytes received, lifetime 00:01");
  TemplateMatch b = miner.Add(
      "www.example.org:443 close, 1396 bytes (1.36 KB) sent, 5669 bytes (5.53 KB) received, "
      "lifetime <1 sec");
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(Text(b), "<*> close, <*> sent, <*> received, lifetime <*>");
  TemplateMatch c = miner.Add("connection from 10.2.3.4 () at Fri Jul 15 23:42:43 2005");
  TemplateMatch d =
      miner.Add("connection from 10.2.3.5 (host.example.net) at Sun Jul  3 01:02:03 2005");
  EXPECT_EQ(c.id, d.id);
  EXPECT_EQ(Text(d), "connection from <*> at <*>");
}

TEST(TemplateMinerTest, BooleansStayConstant) {
  TemplateMiner miner;
  TemplateMatch a = miner.Add("cache warmup enabled=true for shard 3");
  TemplateMatch b = miner.Add("cache warmup enabled=false for shard 3");
  TemplateMatch c = miner.Add("cache warmup enabled=true for shard 9");
  EXPECT_NE(a.id, b.id);
  EXPECT_EQ(a.id, c.id);
}

TEST(TemplateMinerTest, IdsAreNeverReused) {
  TemplateMiner miner;
  std::vector<int64_t> seen;
  for (int i = 0; i < 50; ++i) {
    TemplateMatch m = miner.Add("event" + std::string(1, static_cast<char>('a' + i % 26)) +
                                std::string(static_cast<size_t>(i / 26 + 1), 'x'));
    if (m.is_new) seen.push_back(m.id);
  }
  std::vector<int64_t> sorted = seen;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_TRUE(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end());
  EXPECT_EQ(sorted, seen);  // handed out in increasing order
  EXPECT_EQ(miner.size(), seen.size());
}

TEST(TemplateMinerTest, AnyBytesAreAccepted) {
  TemplateMiner miner;
  const char odd_bytes[] = "\x00\xff\xfe((]]{{\"\"\"....:::===";
  std::string odd(odd_bytes, sizeof(odd_bytes) - 1);
  TemplateMatch a = miner.Add(odd);
  EXPECT_EQ(miner.Add(odd).id, a.id);
  TemplateMatch e = miner.Add("");
  EXPECT_EQ(Text(e), "");
  EXPECT_EQ(miner.Add("   \t  ").id, e.id);
}

TEST(TemplateMinerTest, LongMessagesAreCappedAtMaxTokens) {
  TemplateMinerOptions o;
  o.max_tokens = 8;
  TemplateMiner miner(o);
  std::string a = "alpha beta gamma delta epsilon zeta eta theta iota kappa";
  TemplateMatch m = miner.Add(a);
  EXPECT_EQ(Text(m), "alpha beta gamma delta epsilon zeta eta <*>");  // 7 tokens, then the rest
  EXPECT_EQ(miner.Add(a).id, m.id);
  EXPECT_EQ(miner.Add("alpha beta gamma delta epsilon zeta eta theta and more words").id, m.id);
  EXPECT_NE(miner.Add("alpha beta gamma delta epsilon zeta eta").id, m.id);
}

TEST(TemplateMinerTest, MaxClustersSendsTheRestToTheCatchAll) {
  TemplateMinerOptions o;
  o.max_clusters = 3;
  TemplateMiner miner(o);
  int64_t a = miner.Add("one thing happened").id;
  int64_t b = miner.Add("another thing entirely").id;
  int64_t c = miner.Add("yet another").id;
  TemplateMatch d = miner.Add("something else");
  EXPECT_TRUE(d.is_new);
  EXPECT_EQ(Text(d), "<*>");
  TemplateMatch e = miner.Add("and more besides here");
  EXPECT_EQ(e.id, d.id);
  EXPECT_FALSE(e.is_new);
  EXPECT_EQ(miner.Add("one thing happened").id, a);
  EXPECT_EQ(miner.Add("another thing entirely").id, b);
  EXPECT_EQ(miner.Add("yet another").id, c);
  EXPECT_EQ(miner.size(), 4u);
}

TEST(TemplateMinerTest, MaxChildrenBoundsClustersPerLeadingWord) {
  // With the last token as a tree key, a last word the masks miss would make a
  // cluster per value; past max_children values they share one cluster.
  TemplateMinerOptions o;
  o.max_children = 4;
  TemplateMiner miner(o);
  const char* users[] = {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"};
  std::set<int64_t> ids;
  for (const char* u : users) ids.insert(miner.Add(std::string("session closed for user ") + u).id);
  EXPECT_EQ(ids.size(), 5u);  // four keyed by name, then one "<*>" cluster
  EXPECT_EQ(*miner.TemplateText(*ids.rbegin()), "session closed for user <*>");
}

// ---- persistence

std::vector<std::string> SampleMessages() {
  return {
      "Invalid user alice from 10.1.2.3 port 5022",
      "Invalid user bob from 10.9.8.7 port 61000",
      "Accepted publickey for root from 10.0.0.9 port 22 ssh2",
      "Model churn-v2 scored 512 rows in 35 ms",
      "Model churn-v3 scored 1024 rows in 41 ms",
      "weird % token\twith tab and 100% and \x01 control",
      "Disk quota exceeded for volume data",
      "",
      "cache warmup enabled=true for shard 3",
      "cache warmup enabled=false for shard 3",
  };
}

TEST(TemplateMinerTest, SerializeRoundTripKeepsIds) {
  TemplateMiner miner;
  std::vector<int64_t> ids;
  for (const std::string& m : SampleMessages()) ids.push_back(miner.Add(m).id);
  std::string state = miner.Serialize();
  EXPECT_EQ(state.rfind("lakewatch-templates 1\n", 0), 0u) << state;

  Result<TemplateMiner> reloaded = TemplateMiner::Deserialize(state);
  ASSERT_TRUE(reloaded.ok()) << reloaded.status().ToString();
  EXPECT_EQ(reloaded->size(), miner.size());
  EXPECT_EQ(reloaded->Serialize(), state);
  std::vector<std::string> msgs = SampleMessages();
  for (size_t i = 0; i < msgs.size(); ++i) {
    TemplateMatch m = reloaded->Add(msgs[i]);
    EXPECT_EQ(m.id, ids[i]) << msgs[i];
    EXPECT_FALSE(m.is_new) << msgs[i];
    EXPECT_EQ(Text(m), *miner.TemplateText(ids[i]));
  }
}

TEST(TemplateMinerTest, ReloadedMinerGivesNewClustersFreshIds) {
  TemplateMiner first;
  std::vector<std::string> msgs = SampleMessages();
  int64_t max_id = 0;
  for (const std::string& m : msgs) max_id = std::max(max_id, first.Add(m).id);
  Result<TemplateMiner> second = TemplateMiner::Deserialize(first.Serialize());
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  // Run 2: old messages interleaved with new kinds, then another reload.
  TemplateMatch n1 = second->Add("Checkpoint written to /ckpt/step-100 in 3 s");
  EXPECT_TRUE(n1.is_new);
  EXPECT_GT(n1.id, max_id);
  EXPECT_EQ(second->Add("Invalid user mallory from 10.3.3.3 port 1").id, first.Add(msgs[0]).id);
  TemplateMatch n2 = second->Add("Drift alarm raised for feature income");
  EXPECT_TRUE(n2.is_new);
  EXPECT_GT(n2.id, n1.id);
  Result<TemplateMiner> third = TemplateMiner::Deserialize(second->Serialize());
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_EQ(third->Add("Checkpoint written to /ckpt/step-200 in 4 s").id, n1.id);
  EXPECT_EQ(third->Add("Drift alarm raised for feature income").id, n2.id);
  EXPECT_GT(third->Add("A third kind of message").id, n2.id);
}

TEST(TemplateMinerTest, RoundTripKeepsOptionsAndTreeOverflow) {
  TemplateMinerOptions o;
  o.similarity_threshold = 0.6;
  o.max_children = 2;
  o.prefix_tokens = 1;
  o.match_last_token = false;
  o.max_tokens = 50;
  o.max_clusters = 7;
  TemplateMiner miner(o);
  std::vector<std::string> msgs;
  for (const char* w : {"red", "green", "blue", "cyan", "magenta"}) {
    msgs.push_back(std::string(w) + " light is on");
  }
  for (int i = 0; i < 9; ++i) msgs.push_back("k" + std::string(static_cast<size_t>(i + 1), 'q'));
  std::vector<int64_t> ids;
  ids.reserve(msgs.size());
  for (const std::string& m : msgs) ids.push_back(miner.Add(m).id);
  Result<TemplateMiner> r = TemplateMiner::Deserialize(miner.Serialize());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->Serialize(), miner.Serialize());
  EXPECT_EQ(r->options().similarity_threshold, 0.6);
  EXPECT_EQ(r->options().max_children, 2u);
  EXPECT_EQ(r->options().prefix_tokens, 1u);
  EXPECT_FALSE(r->options().match_last_token);
  EXPECT_EQ(r->options().max_tokens, 50u);
  EXPECT_EQ(r->options().max_clusters, 7u);
  for (size_t i = 0; i < msgs.size(); ++i) EXPECT_EQ(r->Add(msgs[i]).id, ids[i]) << msgs[i];
}

TEST(TemplateMinerTest, DeserializeRejectsGarbage) {
  for (std::string_view bad : {
           std::string_view(""),
           std::string_view("hello world"),
           std::string_view("\x00\x01\x02", 3),
           std::string_view("lakewatch-templates x\n"),
           std::string_view("lakewatch-templates 1\noptions 2 2 1 32 256 50000\n"),
           std::string_view("lakewatch-templates 1\noptions nan 2 1 32 256 50000\n"),
           std::string_view("lakewatch-templates 1\noptions 0.8 2 1 0 256 50000\n"),
           std::string_view("lakewatch-templates 1\noptions 0.8 2 1 32 256 50000\nnext_id 0\n"),
           std::string_view("lakewatch-templates 1\noptions 0.8 2 1 32 256 50000\nnext_id 5\n"
                            "clusters 99999999\n"),
       }) {
    Result<TemplateMiner> r = TemplateMiner::Deserialize(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kCorrupt) << r.status().ToString();
  }
  Result<TemplateMiner> v2 = TemplateMiner::Deserialize("lakewatch-templates 2\n");
  ASSERT_FALSE(v2.ok());
  EXPECT_EQ(v2.status().code(), StatusCode::kNotSupported);
}

TEST(TemplateMinerTest, DeserializeErrorsNameTheProblem) {
  const std::string head = "lakewatch-templates 1\noptions 0.8 2 1 32 256 50000\nnext_id 3\n";
  struct Case {
    std::string text;
    std::string expect;  // a substring of the error message
  };
  std::vector<Case> cases = {
      {head + "clusters 1\n1 1 T 2 +=a .*\n", "truncated after line 5: expected \"end\""},
      {head + "clusters 2\n1 1 T 1 .=a\nend\n", "line 6: expected \"<id>"},
      {head + "clusters 1\n3 1 T 1 .=a\nend\n", "cluster id 3 is not in [1, next_id)"},
      {head + "clusters 2\n1 1 T 1 .=a\n1 1 T 1 .=b\nend\n", "duplicate cluster id 1"},
      {head + "clusters 1\n1 1 T 3 .=a\nend\n", "token count 3 but 1 tokens follow"},
      {head + "clusters 1\n1 1 T 1 .=a%4\nend\n", "bad %XX escape"},
      {head + "clusters 1\n1 1 T 1 x=a\nend\n", "does not start with '+' or '.'"},
      {head + "clusters 1\n1 1 T 1 .!\nend\n", "is not '*', '?' or '=<text>'"},
      {head + "clusters 1\n1 1 X 1 .=a\nend\n", "line 5: expected \"<id>"},
      {head + "clusters 1\n1 1 C 1 .=a\nend\n", "malformed catch-all"},
      {head + "clusters 0\nend\nmore\n", "data after \"end\""},
  };
  for (const Case& c : cases) {
    Result<TemplateMiner> r = TemplateMiner::Deserialize(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_NE(r.status().message().find(c.expect), std::string::npos)
        << r.status().ToString() << "\nwanted: " << c.expect;
  }
  // The same state with valid lines loads.
  Result<TemplateMiner> ok =
      TemplateMiner::Deserialize(head + "clusters 2\n1 4 T 2 .=a +*\n2 1 C 1 .?\nend\n");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(*ok->TemplateText(1), "a <*>");
  EXPECT_EQ(ok->Add("a 17").id, 1);
}

TEST(TemplateMinerTest, EveryTruncationIsAnError) {
  TemplateMiner miner;
  for (const std::string& m : SampleMessages()) miner.Add(m);
  std::string state = miner.Serialize();
  for (size_t len = 0; len < state.size(); ++len) {
    Result<TemplateMiner> r = TemplateMiner::Deserialize(state.substr(0, len));
    // Cutting only the final '\n' leaves a complete state; anything else fails.
    if (len + 1 == state.size()) {
      EXPECT_TRUE(r.ok()) << r.status().ToString();
    } else {
      EXPECT_FALSE(r.ok()) << "prefix of " << len << " bytes loaded";
    }
  }
}

// ---- accuracy on the loghub 2k samples
//
// Grouping accuracy (Zhu et al., "Tools and Benchmarks for Automated Log
// Parsing", ICSE-SEIP 2019): a line is parsed correctly when the set of lines
// in its predicted group equals the set of lines of its true group (EventId).

double GroupingAccuracy(const std::vector<int64_t>& predicted,
                        const std::vector<std::string>& truth) {
  std::map<int64_t, std::vector<size_t>> groups;
  std::map<std::string, size_t> true_sizes;
  for (size_t i = 0; i < predicted.size(); ++i) {
    groups[predicted[i]].push_back(i);
    ++true_sizes[truth[i]];
  }
  size_t correct = 0;
  for (const auto& [id, lines] : groups) {
    const std::string& label = truth[lines[0]];
    bool pure =
        std::all_of(lines.begin(), lines.end(), [&](size_t i) { return truth[i] == label; });
    if (pure && true_sizes[label] == lines.size()) correct += lines.size();
  }
  return predicted.empty() ? 0
                           : static_cast<double>(correct) / static_cast<double>(predicted.size());
}

TEST(TemplateMinerTest, GroupingAccuracyOfTheMetricItself) {
  EXPECT_EQ(GroupingAccuracy({1, 1, 2, 3}, {"a", "a", "b", "c"}), 1.0);
  EXPECT_EQ(GroupingAccuracy({1, 1, 2, 2}, {"a", "a", "b", "c"}), 0.5);  // b,c merged
  EXPECT_EQ(GroupingAccuracy({1, 2, 3, 3}, {"a", "a", "b", "b"}), 0.5);  // a split
}

struct SystemFloor {
  const char* name;
  double floor;  // documented in docs/log-templates.md; a little under the measured value
};

TEST(TemplateMinerTest, LoghubGroupingAccuracy) {
  const std::string dir = std::string(LW_SHARED_DATA) + "/logs/loghub_2k";
  LW_SKIP_IF_MISSING(dir);
  const SystemFloor systems[] = {
      {"Android", 0.95},   {"Apache", 0.99}, {"BGL", 0.95},     {"HDFS", 0.99},
      {"HPC", 0.93},       {"Hadoop", 0.97}, {"Linux", 0.90},   {"OpenSSH", 0.78},
      {"Proxifier", 0.97}, {"Spark", 0.90},  {"Windows", 0.98}, {"Zookeeper", 0.97},
  };
  double sum = 0;
  double seconds = 0;
  size_t lines = 0;
  std::printf("%-10s %8s %9s %7s\n", "system", "accuracy", "templates", "events");
  for (const SystemFloor& s : systems) {
    std::string path = dir + "/" + s.name + "/" + s.name + "_2k.log_structured.csv";
    auto rows = ReadCsvFile(path);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    ASSERT_GE(rows->size(), 2u) << path;
    const std::vector<std::string>& header = (*rows)[0];
    auto column = [&](const char* name) {
      return static_cast<size_t>(std::find(header.begin(), header.end(), name) - header.begin());
    };
    size_t line_col = column("LineId"), content_col = column("Content"),
           event_col = column("EventId");
    ASSERT_LT(std::max({line_col, content_col, event_col}), header.size()) << path;
    struct Line {
      long id;
      const std::string* content;
      const std::string* event;
    };
    std::vector<Line> data;
    for (size_t r = 1; r < rows->size(); ++r) {
      const auto& row = (*rows)[r];
      ASSERT_EQ(row.size(), header.size()) << path << " row " << r;
      data.push_back({std::stol(row[line_col]), &row[content_col], &row[event_col]});
    }
    std::stable_sort(data.begin(), data.end(),
                     [](const Line& a, const Line& b) { return a.id < b.id; });

    TemplateMiner miner;  // one configuration for every system: the defaults
    std::vector<int64_t> predicted;
    std::vector<std::string> truth;
    predicted.reserve(data.size());
    auto start = std::chrono::steady_clock::now();
    for (const Line& l : data) predicted.push_back(miner.Add(*l.content).id);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    lines += data.size();
    truth.reserve(data.size());
    for (const Line& l : data) truth.push_back(*l.event);
    std::set<std::string> events(truth.begin(), truth.end());

    double accuracy = GroupingAccuracy(predicted, truth);
    std::printf("%-10s %8.4f %9zu %7zu\n", s.name, accuracy, miner.size(), events.size());
    EXPECT_GT(accuracy, s.floor) << s.name;
    sum += accuracy;
  }
  double average = sum / static_cast<double>(std::size(systems));
  std::printf("%-10s %8.4f\n", "average", average);
  std::printf("Add(): %zu lines in %.1f ms, %.0f lines/s (%.0f ns/line)\n", lines, seconds * 1e3,
              static_cast<double>(lines) / seconds, seconds * 1e9 / static_cast<double>(lines));
  EXPECT_GE(average, 0.90);
}

}  // namespace
}  // namespace lakewatch::ingest
