// Buffer: a growable, contiguous byte array whose growth does not zero the new
// bytes (std::vector<uint8_t> would), used for column data, string bytes,
// offsets and encoded pages. Typed views via data<T>().
//
// Memory: blocks of 1 MiB and more come from common/memory.h (huge pages, grown in place,
// recycled through a process-wide cache); smaller ones from malloc.
//
// Ownership: owns its memory; movable, copyable (deep copy).
// Thread-safety: none; one writer at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>
#include <utility>

#include "common/memory.h"

namespace lakewatch {

class Buffer {
 public:
  Buffer() = default;
  explicit Buffer(size_t size) { Resize(size); }
  Buffer(const Buffer& o) { Append(o.data_, o.size_); }
  Buffer& operator=(const Buffer& o) {
    if (this != &o) { size_ = 0; Append(o.data_, o.size_); }
    return *this;
  }
  Buffer(Buffer&& o) noexcept
      : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)),
        capacity_(std::exchange(o.capacity_, 0)), large_(std::exchange(o.large_, false)) {}
  Buffer& operator=(Buffer&& o) noexcept {
    if (this != &o) {
      Release();
      data_ = std::exchange(o.data_, nullptr);
      size_ = std::exchange(o.size_, 0);
      capacity_ = std::exchange(o.capacity_, 0);
      large_ = std::exchange(o.large_, false);
    }
    return *this;
  }
  ~Buffer() { Release(); }

  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  template <typename T> T* data_as() { return reinterpret_cast<T*>(data_); }
  template <typename T> const T* data_as() const { return reinterpret_cast<const T*>(data_); }
  std::string_view view() const { return {reinterpret_cast<const char*>(data_), size_}; }

  [[gnu::always_inline]] void Reserve(size_t cap) {
    if (cap > capacity_) [[unlikely]] Grow(cap);
  }
  // New bytes are uninitialized.
  void Resize(size_t size) { Reserve(size); size_ = size; }
  // New bytes are zero.
  void ResizeZeroed(size_t size) {
    size_t old = size_;
    Resize(size);
    if (size > old) std::memset(data_ + old, 0, size - old);
  }
  void Clear() { size_ = 0; }
  // Inlined: the row-by-row appends of the builders and encoders are the
  // hot paths (GCC otherwise splits the body out of line).
  [[gnu::always_inline]] void Append(const void* p, size_t n) {
    if (n == 0) return;
    Reserve(size_ + n);
    CopyBytes(data_ + size_, static_cast<const uint8_t*>(p), n);
    size_ += n;
  }
  [[gnu::always_inline]] void Append(std::string_view s) { Append(s.data(), s.size()); }
  // memcpy, with the short copies that dominate row-by-row appends (keys,
  // ids, labels) done inline by two overlapping loads instead of a call.
  // (GCC's bounds warnings see the n > 16 branch from callers whose n is
  // small and constant; that branch is never taken there.)
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Warray-bounds"
#pragma GCC diagnostic ignored "-Wstringop-overread"
#endif
  [[gnu::always_inline]] static void CopyBytes(uint8_t* d, const uint8_t* s, size_t n) {
    if (n > 16) {
      std::memcpy(d, s, n);
    } else if (n >= 8) {
      uint64_t a, b;
      std::memcpy(&a, s, 8);
      std::memcpy(&b, s + n - 8, 8);
      std::memcpy(d, &a, 8);
      std::memcpy(d + n - 8, &b, 8);
    } else if (n >= 4) {
      uint32_t a, b;
      std::memcpy(&a, s, 4);
      std::memcpy(&b, s + n - 4, 4);
      std::memcpy(d, &a, 4);
      std::memcpy(d + n - 4, &b, 4);
    } else if (n > 0) {
      const uint8_t first = s[0], mid = s[n / 2], last = s[n - 1];
      d[0] = first;
      d[n / 2] = mid;
      d[n - 1] = last;
    }
  }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
  template <typename T> [[gnu::always_inline]] void AppendValue(const T& v) { Append(&v, sizeof(T)); }
  [[gnu::always_inline]] void PushByte(uint8_t b) { Reserve(size_ + 1); data_[size_++] = b; }

  // Frees the memory (the buffer becomes empty with no capacity).
  void Release() {
    if (large_) {
      memory::FreeLarge(data_, capacity_);
    } else {
      std::free(data_);
    }
    data_ = nullptr;
    size_ = capacity_ = 0;
    large_ = false;
  }

 private:
  // Reserve's slow path, out of line so the appends that call Reserve stay small.
  [[gnu::noinline]] void Grow(size_t cap) {
    size_t n = capacity_ ? capacity_ : 64;
    while (n < cap) n += n / 2 + 64;
    if (n >= memory::kLargeBlockThreshold) {
      if (large_) {
        data_ = static_cast<uint8_t*>(memory::ReallocateLarge(data_, capacity_, &n));
      } else {
        auto* p = static_cast<uint8_t*>(memory::AllocateLarge(&n));
        if (size_ > 0) std::memcpy(p, data_, size_);
        std::free(data_);
        data_ = p;
        large_ = true;
      }
      capacity_ = n;
      return;
    }
    void* p = std::realloc(data_, n);
    if (p == nullptr) throw std::bad_alloc();
    data_ = static_cast<uint8_t*>(p);
    capacity_ = n;
  }

  uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
  bool large_ = false;  // data_ is a block of memory::AllocateLarge
};

}  // namespace lakewatch
