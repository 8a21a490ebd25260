// Large-block memory for column data: blocks of 1 MiB and more are mapped directly, backed by
// transparent huge pages where the kernel allows (madvise), grown in place by mremap, and on
// free kept in a bounded process-wide cache for the next allocation instead of being returned to
// the kernel.
//
// Why: decoding a row group fills tens to hundreds of MiB of fresh column buffers. With the
// default allocator every such buffer is a new mapping that is zero-filled page by page on first
// touch and unmapped again on free, so a scan spends more time in page faults than in decoding.
// Reusing mapped blocks (and 2 MiB pages for the first touch) removes that cost.
//
// The cache keeps at most LargeBlockCacheLimit() bytes (default: an eighth of physical memory,
// at most 4 GiB; environment LAKEWATCH_BLOCK_CACHE_MB overrides, 0 disables caching) and gives
// blocks cached longer than 10 s back to the kernel on the next allocation or free.
//
// Under AddressSanitizer, large blocks come from malloc so that overflows are still caught.
//
// Thread-safety: all functions are thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lakewatch::memory {

// Requests of at least this many bytes take the large-block path.
constexpr size_t kLargeBlockThreshold = size_t{1} << 20;

// Returns a block of at least *size bytes (uninitialized) and sets *size to its usable size.
// Throws std::bad_alloc when memory is exhausted.
void* AllocateLarge(size_t* size);

// Grows (or shrinks) a block from AllocateLarge to at least *size bytes, keeping the first
// min(old_size, *size) bytes; sets *size to the new usable size. Throws std::bad_alloc.
void* ReallocateLarge(void* p, size_t old_size, size_t* size);

// Returns a block (with the usable size AllocateLarge reported) to the cache or the kernel.
void FreeLarge(void* p, size_t size);

struct LargeBlockStats {
  int64_t mapped_bytes = 0;    // bytes in blocks currently handed out
  int64_t cached_bytes = 0;    // bytes in freed blocks kept for reuse
  int64_t cache_hits = 0;      // allocations served from the cache
  int64_t maps = 0;            // blocks mapped from the kernel
};
LargeBlockStats GetLargeBlockStats();

// The cache limit in bytes; SetLargeBlockCacheLimit changes it (releasing blocks above it).
size_t LargeBlockCacheLimit();
void SetLargeBlockCacheLimit(size_t bytes);

// Gives every cached block back to the kernel.
void ReleaseCachedBlocks();

// Asks the kernel to back the whole 2 MiB pages inside [p, p + size) with
// transparent huge pages: for a large buffer about to be filled, one fault per
// 2 MiB instead of one per 4 KiB. A no-op where THP is off.
void AdviseHugePages(void* p, size_t size);

// Tunes malloc for batch processing (once per process; later calls do
// nothing): column buffers of a few hundred KiB to a few MiB are allocated
// and freed once per batch, so they are kept on the heap (not fresh mmaps)
// and the heap is not trimmed — the next batch reuses pages instead of
// faulting in zeroed ones. Memory stays bounded by the batches in flight.
void TuneMallocForBatches();

}  // namespace lakewatch::memory
