#include "common/memory.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <list>
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
constexpr size_t kSmallGranule = size_t{64} << 10;  // blocks below a huge page
constexpr auto kMaxCacheAge = std::chrono::seconds(10);

// Blocks of a huge page or more are whole huge pages; smaller ones whole 64 KiB granules.
size_t RoundUp(size_t n) {
  const size_t g = n >= kHugePage ? kHugePage : kSmallGranule;
  return (n + g - 1) / g * g;
}

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

// A freed block kept for reuse. The cache is a list in the order of freeing (oldest first: what
// expiry and eviction take) indexed by size (what allocation searches), both O(log n).
struct Cached;
using CacheList = std::list<Cached>;
using SizeIndex = std::multimap<size_t, CacheList::iterator>;
struct Cached {
  void* p;
  size_t size;
  Clock::time_point freed;
  SizeIndex::iterator by_size;
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
      // The smallest cached block that is large enough, unless it is much larger: then a new
      // mapping (resizing a cached block would give back touched pages or map untouched ones,
      // and page faults are what the cache is there to avoid).
      auto it = by_size_.lower_bound(want);
      if (it != by_size_.end() && it->first <= 2 * want + kHugePage) {
        CacheList::iterator entry = it->second;
        p = entry->p;
        have = entry->size;
        cached_ -= static_cast<int64_t>(have);
        by_size_.erase(it);
        fifo_.erase(entry);
        ++hits_;
      }
      mapped_ += static_cast<int64_t>(p != nullptr ? have : want);
    }
    if (p == nullptr) {
      p = Map(want);
      have = want;
    }
    *size = have;
    return p;
  }

  void* Reallocate(void* p, size_t old_size, size_t* size) {
    size_t want = RoundUp(std::max(*size, size_t{1}));
    if (want <= old_size) {  // shrinking keeps the block
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
    while (!fifo_.empty() && static_cast<size_t>(cached_) + size > limit_) EvictOldestLocked();
    fifo_.push_back(Cached{p, size, now, {}});
    fifo_.back().by_size = by_size_.emplace(size, std::prev(fifo_.end()));
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
    while (!fifo_.empty() && static_cast<size_t>(cached_) > limit_) EvictOldestLocked();
  }

 private:
  Pool() : limit_(DefaultCacheLimit()) {}

  void* Map(size_t size) {
    // Over-map by one huge page and trim, so the block starts on a 2 MiB boundary and the
    // kernel can back it with huge pages. Smaller blocks are plain mappings.
    if (size < kHugePage) {
      void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      std::lock_guard<std::mutex> lock(mu_);
      if (p == MAP_FAILED) {
        mapped_ -= static_cast<int64_t>(size);
        throw std::bad_alloc();
      }
      ++maps_;
      return p;
    }
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
    ::madvise(p, size, MADV_HUGEPAGE);
    std::lock_guard<std::mutex> lock(mu_);
    ++maps_;
    return p;
  }

  void EvictOldestLocked() {
    Cached& oldest = fifo_.front();
    ::munmap(oldest.p, oldest.size);
    cached_ -= static_cast<int64_t>(oldest.size);
    by_size_.erase(oldest.by_size);
    fifo_.pop_front();
  }

  void ExpireLocked(Clock::time_point now) {
    while (!fifo_.empty() && now - fifo_.front().freed > kMaxCacheAge) EvictOldestLocked();
  }

  std::mutex mu_;
  CacheList fifo_;    // freed blocks, oldest first
  SizeIndex by_size_;  // the same blocks by size
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

}  // namespace lakewatch::memory
