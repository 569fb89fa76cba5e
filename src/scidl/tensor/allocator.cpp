#include "scidl/tensor/allocator.h"

#include <cstdlib>
#include <new>

namespace scidl {

size_t CachingAllocator::round_size(size_t bytes) {
  // Small blocks round to 512 B, larger ones to a quarter of their power of two: few size
  // classes, at most 25% waste, and repeated shapes always land in the same class.
  if (bytes <= 512) return 512;
  size_t p = 1;
  while (p < bytes) p <<= 1;
  size_t quarter = std::max<size_t>(p / 8, 512);
  return (bytes + quarter - 1) / quarter * quarter;
}

void* CachingAllocator::allocate(size_t bytes) {
  size_t size = round_size(bytes);
  std::lock_guard lock(mutex_);
  auto it = free_blocks_.find(size);
  if (it != free_blocks_.end() && !it->second.empty()) {
    void* p = it->second.back();
    it->second.pop_back();
    stats_.bytes_in_use += size;
    ++stats_.cache_hits;
    return p;
  }
  void* p = std::aligned_alloc(64, size);
  if (!p) {  // out of memory: give the cache back to the system and try once more
    release_cache_locked();
    p = std::aligned_alloc(64, size);
    if (!p) throw std::bad_alloc();
  }
  ++stats_.system_allocations;
  stats_.bytes_reserved += size;
  stats_.bytes_in_use += size;
  return p;
}

void CachingAllocator::deallocate(void* ptr, size_t bytes) {
  if (!ptr) return;
  size_t size = round_size(bytes);
  std::lock_guard lock(mutex_);
  free_blocks_[size].push_back(ptr);
  stats_.bytes_in_use -= size;
}

void CachingAllocator::release_cache() {
  std::lock_guard lock(mutex_);
  release_cache_locked();
}

void CachingAllocator::release_cache_locked() {
  for (auto& [s, blocks] : free_blocks_)
    for (void* b : blocks) {
      std::free(b);
      stats_.bytes_reserved -= s;
    }
  free_blocks_.clear();
}

AllocatorStats CachingAllocator::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

CachingAllocator::~CachingAllocator() { release_cache(); }

CachingAllocator& cpu_allocator() {
  // Leaked on purpose: tensors held by static objects may be freed after main returns.
  static auto* allocator = new CachingAllocator();
  return *allocator;
}

}  // namespace scidl
