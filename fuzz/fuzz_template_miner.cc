// libFuzzer target for the log template miner (src/ingest/template_miner.h).
//
//  - Every line of the input ('\n'-separated, any bytes) is fed to two
//    miners: one with the default options and one with tight limits (few
//    tokens, tree children and clusters) so the overflow paths run too.
//  - Each miner's state goes through Serialize and Deserialize, which must
//    succeed and serialize back to the same text; replaying the lines into
//    the original and the reloaded miner must give the same ids and
//    templates (a mismatch aborts).
//  - The raw input is also fed to Deserialize; when it loads, the loaded
//    miner must serialize, reload and serialize again to the same text, and
//    take a few messages.
//
// Any outcome other than a clean Status (crash, sanitizer report, leak,
// hang, abort) is a bug. Inputs above kMaxInputBytes are skipped.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/template_miner.h"

namespace {

using lakewatch::ingest::TemplateMatch;
using lakewatch::ingest::TemplateMiner;
using lakewatch::ingest::TemplateMinerOptions;

constexpr size_t kMaxInputBytes = 1 << 16;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_template_miner: %s\n", what);
    std::abort();
  }
}

void RoundTrip(TemplateMiner* miner, const std::vector<std::string_view>& lines) {
  std::string state = miner->Serialize();
  auto reloaded = TemplateMiner::Deserialize(state);
  Check(reloaded.ok(), "Serialize output did not load");
  Check(reloaded->Serialize() == state, "reloaded state serializes differently");
  Check(reloaded->size() == miner->size(), "reloaded miner has a different size");
  for (std::string_view line : lines) {
    TemplateMatch a = miner->Add(line);
    std::string text_a(a.template_text);
    TemplateMatch b = reloaded->Add(line);
    Check(a.id == b.id, "reloaded miner gave another id");
    Check(text_a == b.template_text, "reloaded miner gave another template");
    Check(a.is_new == b.is_new && a.changed == b.changed, "reloaded miner flags differ");
    const std::string* t = miner->TemplateText(a.id);
    Check(t != nullptr && *t == text_a, "TemplateText disagrees with Add");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxInputBytes) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);

  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start <= input.size()) {
    size_t end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    lines.push_back(input.substr(start, end - start));
    start = end + 1;
  }

  TemplateMiner plain;
  TemplateMinerOptions tight;
  tight.max_tokens = 6;
  tight.max_children = 2;
  tight.max_clusters = 8;
  tight.prefix_tokens = 1;
  TemplateMiner small(tight);
  for (std::string_view line : lines) {
    TemplateMatch a = plain.Add(line);
    Check(a.id >= 1, "id below 1");
    TemplateMatch b = small.Add(line);
    Check(b.id >= 1 && small.size() <= tight.max_clusters + 1, "cluster limit exceeded");
  }
  RoundTrip(&plain, lines);
  RoundTrip(&small, lines);

  auto loaded = TemplateMiner::Deserialize(input);
  if (loaded.ok()) {
    std::string state = loaded->Serialize();
    auto again = TemplateMiner::Deserialize(state);
    Check(again.ok(), "a loaded state did not reload");
    Check(again->Serialize() == state, "a loaded state serializes differently");
    for (size_t i = 0; i < lines.size() && i < 16; ++i) loaded->Add(lines[i]);
  }
  return 0;
}
