// A caching allocator: freed blocks go to per-size free lists and are handed out again, so a
// training loop whose shapes repeat stops asking the system for memory after its first step.
// Contract: allocate() returns 64-byte-aligned memory of at least `bytes`; stats() counts system
// allocations so tests can assert the steady state allocates nothing new.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <vector>

namespace scidl {

struct AllocatorStats {
  int64_t system_allocations = 0;  // blocks obtained from the system (never decreases)
  int64_t bytes_reserved = 0;      // held from the system, in use or cached
  int64_t bytes_in_use = 0;
  int64_t cache_hits = 0;
};

class CachingAllocator {
 public:
  void* allocate(size_t bytes);
  void deallocate(void* ptr, size_t bytes);
  void release_cache();  // returns cached blocks to the system
  AllocatorStats stats() const;
  ~CachingAllocator();

 private:
  static size_t round_size(size_t bytes);
  void release_cache_locked();
  mutable std::mutex mutex_;
  std::map<size_t, std::vector<void*>> free_blocks_;
  AllocatorStats stats_;
};

CachingAllocator& cpu_allocator();

}  // namespace scidl
