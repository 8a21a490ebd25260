// TemplateMiner: online log template mining. Each text message fed to Add()
// is assigned the id of a cluster of messages printed by the same log
// statement, and that cluster's template: the message with its variable parts
// (numbers, ids, addresses, paths, values that vary within the cluster)
// replaced by "<*>".
//
// Algorithm (details in template_miner.cc and docs/log-templates.md): the
// message is split into tokens on whitespace and on punctuation such as '='
// ':' ',' and brackets. Obvious variables (tokens holding a digit, paths,
// host names, quoted strings, ...) are masked, and each run of adjacent
// variables (with the units, joining punctuation and brackets between them)
// becomes one "<*>" token. A Drain-style tree keyed by the token count, the
// first prefix_tokens tokens and the last token leads to a short list of
// candidate clusters; the candidate agreeing with the message on the largest
// fraction of positions wins if that fraction reaches similarity_threshold,
// and the positions where they differ become "<*>". Otherwise the message
// starts a new cluster.
//
// Ids: a cluster keeps its id for life while its template generalizes; ids
// are never reused. Serialize()/Deserialize() carry the options, the
// clusters and the next free id, so a miner reloaded from its serialized
// form maps messages to the same ids as before and gives new clusters fresh
// ids.
//
// Memory is bounded: at most max_tokens tokens per message (the rest of a
// longer message is one final "<*>"), at most max_children distinct tokens
// under one tree node (further tokens share a "<*>" branch, so a variable
// the masks miss cannot create a cluster per value forever), at most
// max_clusters clusters (once reached, a message that matches nothing joins
// its most similar candidate, or the catch-all cluster "<*>").
//
// Thread-safety: none. A miner is used by one thread (one miner per table per
// ingest run); distinct miners are independent. Const methods may run
// concurrently with each other but not with Add().
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "common/string_hash.h"

namespace lakewatch::ingest {

// The defaults are the one configuration measured in docs/log-templates.md;
// nothing needs tuning per data set. Out-of-range values are clamped by the
// constructor (threshold to [0, 1], prefix_tokens to 8, limits to >= 1).
struct TemplateMinerOptions {
  // A message joins its most similar candidate cluster when the fraction of
  // token positions where they agree is at least this. A "<*>" agrees with
  // any token, except that a "<*>" that has only held masked variables does
  // not agree with a plain word.
  double similarity_threshold = 0.8;
  // Leading tokens that must equal a cluster's for the message to join it
  // (variables excepted: a masked token only matches "<*>").
  size_t prefix_tokens = 2;
  // Whether the last token must equal a cluster's too.
  bool match_last_token = true;
  // Distinct tokens a tree node tells apart; others share its "<*>" branch.
  size_t max_children = 32;
  // Longer messages keep their first max_tokens - 1 tokens; the rest of the
  // message is one final variable.
  size_t max_tokens = 256;
  // Cluster count limit (memory bound); see the header comment.
  size_t max_clusters = 50000;
};

struct TemplateMatch {
  int64_t id = 0;                  // the cluster's id (>= 1)
  std::string_view template_text;  // valid until the next Add() or destruction
  bool is_new = false;             // this message created the cluster
  bool changed = false;            // this message generalized an existing template
};

class TemplateMiner {
 public:
  explicit TemplateMiner(TemplateMinerOptions options = {});

  TemplateMiner(TemplateMiner&&) noexcept = default;
  TemplateMiner& operator=(TemplateMiner&&) noexcept = default;
  TemplateMiner(const TemplateMiner&) = delete;
  TemplateMiner& operator=(const TemplateMiner&) = delete;

  // Assigns `message` to a cluster, creating or generalizing one as needed.
  // Any bytes are accepted (invalid UTF-8 included).
  TemplateMatch Add(std::string_view message);

  // The current template of cluster `id`, or null for an unknown id. The
  // pointer is valid until the next Add().
  const std::string* TemplateText(int64_t id) const;

  // Number of clusters.
  size_t size() const { return clusters_.size(); }

  // The options in force (after Deserialize: the serialized ones).
  const TemplateMinerOptions& options() const { return options_; }

  // The whole miner state (options, next id, every cluster in creation order)
  // in the versioned text format described in template_miner.cc.
  std::string Serialize() const;

  // Rebuilds a miner from Serialize() output. Malformed or truncated input
  // gives kCorrupt naming the line and what was expected; an unknown format
  // version gives kNotSupported.
  static Result<TemplateMiner> Deserialize(std::string_view data);

 private:
  // Template token ids; interned constants are >= kFirstConstant.
  static constexpr uint32_t kWildcard = 0;  // "<*>" that has only held masked variables
  static constexpr uint32_t kWildAny = 1;   // "<*>" that has held words too
  static constexpr uint32_t kFirstConstant = 2;
  static constexpr uint32_t kUnknown = 0xffffffffu;  // a word no template holds
  static constexpr uint32_t kNoNode = 0xffffffffu;

  struct RawToken {
    uint32_t begin = 0, end = 0;  // byte range in the message
    bool space_before = false;
    bool punct = false;  // a single split character
    bool var = false;
  };

  struct Token {
    std::string_view text;
    uint32_t id = kUnknown;  // interned id; kWildcard when masked
    bool space_before = false;
    bool var = false;
    bool pinned = false;  // a boolean word: never generalized
  };

  struct Cluster {
    int64_t id = 0;
    uint64_t count = 0;                 // messages assigned, saturating
    std::vector<uint32_t> tokens;       // interned ids, kWildcard or kWildAny
    std::vector<uint8_t> space_before;  // whitespace precedes token i in the text
    std::string text;                   // the rendered template
  };

  // Tree node: children are in edges_, keyed by (node, token id); the root's
  // children are keyed by token count.
  struct Node {
    uint32_t children = 0;
    uint32_t wild = kNoNode;         // the "<*>" branch
    std::vector<uint32_t> clusters;  // cluster indexes, at leaves
  };

  void Tokenize(std::string_view message);
  void PushVariable(std::string_view m, const RawToken& r);
  // Positions of tokens_ that key the tree, in descent order.
  size_t KeyPositions(size_t n, size_t out[]) const;
  // The leaf for tokens_, or kNoNode. With `create`, builds missing nodes and
  // sets *wild_at (bit i: key position i took the "<*>" branch for a word).
  uint32_t Descend(bool create, uint32_t* wild_at);
  uint32_t Child(uint32_t node, uint64_t key) const;
  uint32_t AddNode();
  // The best cluster of `leaf` for tokens_ (index, or -1) and its score.
  int64_t BestInLeaf(uint32_t leaf, double* score) const;
  bool Agree(uint32_t tmpl, const Token& t) const {
    return tmpl == kWildAny || (t.var ? tmpl == kWildcard : tmpl == t.id);
  }
  bool Pinned(uint32_t tmpl) const {
    return tmpl >= kFirstConstant && pinned_[tmpl - kFirstConstant];
  }
  uint32_t Intern(std::string_view text);
  uint32_t Lookup(std::string_view text) const;
  void RenderText(Cluster* cluster) const;
  TemplateMatch NewCluster(uint32_t leaf, uint32_t wild_at);
  TemplateMatch Join(size_t index);
  TemplateMatch CatchAll();
  // Re-inserts a cluster read by Deserialize into the tree.
  Status Reindex(size_t index);

  TemplateMinerOptions options_;
  int64_t next_id_ = 1;
  std::vector<Cluster> clusters_;
  std::unordered_map<int64_t, size_t> by_id_;
  int64_t catch_all_ = -1;  // index of the catch-all cluster, once made

  std::vector<Node> nodes_;                       // nodes_[0] is the root
  std::unordered_map<uint64_t, uint32_t> edges_;  // (node << 32 | key) -> child

  // Interned constant tokens; id i >= kFirstConstant is
  // token_text_[i - kFirstConstant]. The deque keeps the strings in place so
  // the map's keys can view them.
  std::deque<std::string> token_text_;
  std::vector<uint8_t> pinned_;
  std::unordered_map<std::string_view, uint32_t, StringHash> token_ids_;

  // Scratch of the message being added (kept to avoid allocation per call).
  std::vector<RawToken> raw_;
  std::vector<RawToken> merged_;
  std::vector<Token> tokens_;
};

}  // namespace lakewatch::ingest
