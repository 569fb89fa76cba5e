// An on/off switch for one family of optional kernels (oneDNN convolutions, the fused dense
// kernels): on unless its environment variable is "0", and settable at run time so tests can
// run both paths in one process and benchmarks can measure the difference.
#pragma once
#include <atomic>
#include <cstdlib>
#include <cstring>

namespace scidl::backend::cpu {

class KernelSwitch {
 public:
  explicit KernelSwitch(const char* environment_variable) {
    const char* v = std::getenv(environment_variable);
    on_.store(!(v && std::strcmp(v, "0") == 0));
  }
  bool on() const { return on_.load(std::memory_order_relaxed); }
  void set(bool on) { on_.store(on); }

 private:
  std::atomic<bool> on_;
};

}  // namespace scidl::backend::cpu
