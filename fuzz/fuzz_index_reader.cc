// libFuzzer target for the search index sidecar reader: the input is a whole
// sidecar file. It is opened from memory twice — with checksum verification
// (what production does) and without it, so that mutations reach the
// parsing of the directory, sections, postings and key filters behind the
// checksums — and every column is looked up with a few tokens and values.
// Any outcome other than a clean Status or a result (crash, sanitizer
// report, leak, hang, huge allocation) is a bug in the reader.
#include <cstddef>
#include <cstdint>
#include <string>

#include "index/sidecar_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (size_t{1} << 20)) return -1;  // -1: never added to the corpus
  using lakewatch::index::SidecarReader;
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  for (bool verify : {true, false}) {
    lakewatch::index::SidecarReadOptions options;
    options.verify_checksums = verify;
    auto reader = SidecarReader::FromBuffer(bytes, "fuzz.lwidx", options);
    if (!reader.ok()) continue;
    const SidecarReader& r = **reader;
    // Lookups allocate a byte per block: a declared row count is no budget
    // for a fuzzing iteration beyond a few million blocks.
    if (r.num_rows() / r.block_rows() > (int64_t{1} << 22)) continue;
    (void)r.VerifyAll();
    for (const auto& c : r.columns()) {
      (void)r.Lookup(c.column.path, {"error timeout", "w1"});
      (void)r.LookupExact(c.column.path, "id-1");
      (void)r.LookupExact(c.column.path, "");
    }
  }
  return 0;
}
