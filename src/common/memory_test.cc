#include "common/memory.h"

#include <gtest/gtest.h>

#include <cstring>
#include <thread>
#include <vector>

#include "common/buffer.h"

namespace lakewatch {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kPooled = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kPooled = false;
#else
constexpr bool kPooled = true;
#endif
#else
constexpr bool kPooled = true;
#endif

TEST(MemoryTest, LargeBufferGrowsKeepingItsBytes) {
  Buffer b;
  for (uint32_t i = 0; i < (3u << 20); ++i) b.AppendValue(i);  // 12 MiB, crosses the threshold
  ASSERT_EQ(b.size(), size_t{12} << 20);
  EXPECT_GE(b.capacity(), b.size());
  const uint32_t* v = b.data_as<uint32_t>();
  for (uint32_t i = 0; i < (3u << 20); i += 4097) ASSERT_EQ(v[i], i);
  Buffer moved = std::move(b);
  EXPECT_EQ(moved.data_as<uint32_t>()[12345], 12345u);
  EXPECT_EQ(b.size(), 0u);
  Buffer copy = moved;
  EXPECT_EQ(std::memcmp(copy.data(), moved.data(), moved.size()), 0);
}

TEST(MemoryTest, FreedBlocksAreReused) {
  if (!kPooled) GTEST_SKIP() << "large blocks come from malloc under AddressSanitizer";
  memory::ReleaseCachedBlocks();
  auto before = memory::GetLargeBlockStats();
  for (int round = 0; round < 5; ++round) {
    Buffer b(size_t{40} << 20);
    std::memset(b.data(), round, b.size());
  }
  auto after = memory::GetLargeBlockStats();
  EXPECT_EQ(after.maps - before.maps, 1) << "one mapping, then four reuses";
  EXPECT_GE(after.cache_hits - before.cache_hits, 4);
  EXPECT_GE(after.cached_bytes, int64_t{40} << 20);
  memory::ReleaseCachedBlocks();
  EXPECT_EQ(memory::GetLargeBlockStats().cached_bytes, 0);
}

TEST(MemoryTest, CacheLimitIsRespected) {
  if (!kPooled) GTEST_SKIP() << "large blocks come from malloc under AddressSanitizer";
  size_t limit = memory::LargeBlockCacheLimit();
  memory::SetLargeBlockCacheLimit(size_t{8} << 20);
  {
    std::vector<Buffer> bufs;
    for (int i = 0; i < 4; ++i) bufs.emplace_back(size_t{6} << 20);
  }
  EXPECT_LE(memory::GetLargeBlockStats().cached_bytes, int64_t{8} << 20);
  memory::SetLargeBlockCacheLimit(0);
  EXPECT_EQ(memory::GetLargeBlockStats().cached_bytes, 0);
  memory::SetLargeBlockCacheLimit(limit);
}

TEST(MemoryTest, ConcurrentAllocationAndFree) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < 50; ++i) {
        Buffer b;
        b.Resize((size_t{1} << 20) + static_cast<size_t>((t * 50 + i) % 7) * 300000);
        std::memset(b.data(), t, b.size());
        b.Resize(b.size() * 3);
        ASSERT_EQ(b.data()[0], static_cast<uint8_t>(t));
      }
    });
  }
  for (auto& th : threads) th.join();
}

}  // namespace
}  // namespace lakewatch
