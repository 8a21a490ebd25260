#include "common/memory.h"

#include <malloc.h>

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <new>
#include <string>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LW_MEMORY_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define LW_MEMORY_ASAN 1
#endif

namespace lakewatch::memory {

namespace {

constexpr size_t kHugePage = size_t{2} << 20;
constexpr auto kMaxCacheAge = std::chrono::seconds(10);

size_t RoundUp(size_t n) { return (n + kHugePage - 1) / kHugePage * kHugePage; }

size_t DefaultCacheLimit() {
  if (const char* env = std::getenv("LAKEWATCH_BLOCK_CACHE_MB")) {
    char* end = nullptr;
    unsigned long long mb = std::strtoull(env, &end, 10);
    if (end != env && *end == '\0') return static_cast<size_t>(mb) << 20;
  }
  long pages = ::sysconf(_SC_PHYS_PAGES);
  long page = ::sysconf(_SC_PAGESIZE);
  size_t phys = pages > 0 && page > 0 ? static_cast<size_t>(pages) * static_cast<size_t>(page)
                                      : size_t{1} << 30;
  return std::min(phys / 8, size_t{4} << 30);
}

using Clock = std::chrono::steady_clock;

struct Cached {
  void* p;
  Clock::time_point freed;
};

class Pool {
 public:
  static Pool& Get() {
    static Pool* pool = new Pool();  // never destroyed: buffers may outlive static destructors
    return *pool;
  }

  void* Allocate(size_t* size) {
    size_t want = RoundUp(std::max(*size, size_t{1}));
    void* p = nullptr;
    size_t have = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      ExpireLocked(Clock::now());
      // The smallest cached block that is large enough, unless it is much larger (shrinking it
      // would throw away pages a later large request could reuse); else the largest smaller
      // one, grown.
      auto it = cache_.lower_bound(want);
      if (it != cache_.end() && it->first > 2 * want + 4 * kHugePage) {
        it = it == cache_.begin() ? cache_.end() : std::prev(it);
      } else if (it == cache_.end() && !cache_.empty()) {
        it = std::prev(cache_.end());
      }
      if (it != cache_.end()) {
        p = it->second.p;
        have = it->first;
        cached_ -= static_cast<int64_t>(have);
        cache_.erase(it);
        ++hits_;
      }
      mapped_ += static_cast<int64_t>(want);
    }
    if (p == nullptr) {
      p = Map(want);
    } else if (have != want) {
      // Shrinking gives the tail's pages back; growing keeps the touched head and maps a tail.
      void* q = ::mremap(p, have, want, MREMAP_MAYMOVE);
      if (q == MAP_FAILED) {
        ::munmap(p, have);
        q = Map(want);
      }
      p = q;
    }
    *size = want;
    return p;
  }

  void* Reallocate(void* p, size_t old_size, size_t* size) {
    size_t want = RoundUp(std::max(*size, size_t{1}));
    if (want == old_size) {
      *size = old_size;
      return p;
    }
    void* q = ::mremap(p, old_size, want, MREMAP_MAYMOVE);
    if (q == MAP_FAILED) {
      size_t n = want;
      q = Allocate(&n);
      std::memcpy(q, p, std::min(old_size, want));
      Free(p, old_size);
      *size = n;
      return q;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      mapped_ += static_cast<int64_t>(want) - static_cast<int64_t>(old_size);
    }
    *size = want;
    return q;
  }

  void Free(void* p, size_t size) {
    if (p == nullptr) return;
    std::lock_guard<std::mutex> lock(mu_);
    mapped_ -= static_cast<int64_t>(size);
    Clock::time_point now = Clock::now();
    ExpireLocked(now);
    if (size > limit_) {
      ::munmap(p, size);
      return;
    }
    while (!cache_.empty() && static_cast<size_t>(cached_) + size > limit_) EvictOldestLocked();
    if (cache_.empty()) oldest_freed_ = now;
    cache_.emplace(size, Cached{p, now});
    cached_ += static_cast<int64_t>(size);
  }

  LargeBlockStats Stats() {
    std::lock_guard<std::mutex> lock(mu_);
    return LargeBlockStats{mapped_, cached_, hits_, maps_};
  }

  size_t Limit() {
    std::lock_guard<std::mutex> lock(mu_);
    return limit_;
  }

  void SetLimit(size_t bytes) {
    std::lock_guard<std::mutex> lock(mu_);
    limit_ = bytes;
    while (!cache_.empty() && static_cast<size_t>(cached_) > limit_) EvictOldestLocked();
  }

 private:
  Pool() : limit_(DefaultCacheLimit()) {}

  void* Map(size_t size) {
    // Over-map by one huge page and trim, so the block starts on a 2 MiB boundary and the
    // kernel can back it with huge pages.
    size_t len = size + kHugePage;
    void* raw = ::mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) {
      std::lock_guard<std::mutex> lock(mu_);
      mapped_ -= static_cast<int64_t>(size);
      throw std::bad_alloc();
    }
    uintptr_t start = reinterpret_cast<uintptr_t>(raw);
    uintptr_t aligned = (start + kHugePage - 1) & ~(uintptr_t{kHugePage} - 1);
    if (aligned > start) ::munmap(raw, aligned - start);
    size_t tail = (start + len) - (aligned + size);
    if (tail > 0) ::munmap(reinterpret_cast<void*>(aligned + size), tail);
    void* p = reinterpret_cast<void*>(aligned);
    AdviseHugePages(p, size);
    std::lock_guard<std::mutex> lock(mu_);
    ++maps_;
    return p;
  }

  void EvictOldestLocked() {
    auto oldest = cache_.begin();
    for (auto it = cache_.begin(); it != cache_.end(); ++it) {
      if (it->second.freed < oldest->second.freed) oldest = it;
    }
    ::munmap(oldest->second.p, oldest->first);
    cached_ -= static_cast<int64_t>(oldest->first);
    cache_.erase(oldest);
  }

  // Unmaps the blocks cached for longer than kMaxCacheAge. Called on every Allocate and Free,
  // so the walk happens only once the oldest block may have expired: oldest_freed_ is a lower
  // bound of the cached blocks' times (blocks leave the cache in any order), refreshed by
  // each walk.
  void ExpireLocked(Clock::time_point now) {
    if (cache_.empty() || now - oldest_freed_ <= kMaxCacheAge) return;
    Clock::time_point oldest = now;
    for (auto it = cache_.begin(); it != cache_.end();) {
      if (now - it->second.freed > kMaxCacheAge) {
        ::munmap(it->second.p, it->first);
        cached_ -= static_cast<int64_t>(it->first);
        it = cache_.erase(it);
      } else {
        oldest = std::min(oldest, it->second.freed);
        ++it;
      }
    }
    oldest_freed_ = oldest;
  }

  std::mutex mu_;
  std::multimap<size_t, Cached> cache_;  // by size
  Clock::time_point oldest_freed_{};      // <= every cached block's `freed` (see ExpireLocked)
  size_t limit_;
  int64_t cached_ = 0, mapped_ = 0, hits_ = 0, maps_ = 0;
};

}  // namespace

#ifdef LW_MEMORY_ASAN

void* AllocateLarge(size_t* size) {
  void* p = std::malloc(*size);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
void* ReallocateLarge(void* p, size_t, size_t* size) {
  void* q = std::realloc(p, *size);
  if (q == nullptr) throw std::bad_alloc();
  return q;
}
void FreeLarge(void* p, size_t) { std::free(p); }

#else

void* AllocateLarge(size_t* size) { return Pool::Get().Allocate(size); }
void* ReallocateLarge(void* p, size_t old_size, size_t* size) {
  return Pool::Get().Reallocate(p, old_size, size);
}
void FreeLarge(void* p, size_t size) { Pool::Get().Free(p, size); }

#endif

LargeBlockStats GetLargeBlockStats() { return Pool::Get().Stats(); }
size_t LargeBlockCacheLimit() { return Pool::Get().Limit(); }
void SetLargeBlockCacheLimit(size_t bytes) { Pool::Get().SetLimit(bytes); }
void ReleaseCachedBlocks() {
  size_t limit = Pool::Get().Limit();
  Pool::Get().SetLimit(0);
  Pool::Get().SetLimit(limit);
}

void AdviseHugePages(void* p, size_t size) {
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(p) + kHugePage - 1) & ~(uintptr_t{kHugePage} - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(p) + size) & ~(uintptr_t{kHugePage} - 1);
  if (end > begin) (void)::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

void TuneMallocForBatches() {
  static const bool tuned = [] {
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    return true;
  }();
  (void)tuned;
}

}  // namespace lakewatch::memory
