// Ctrl-C (SIGINT) and SIGTERM as a request to stop where work is saved, for the commands that
// run long (three-body generate, train): the first signal sets a flag the work polls and prints
// a message saying what will happen; a second ends the program at once with status 130 (as a
// shell reports a Ctrl-C). The handlers are installed for the lifetime of one StopOnInterrupt.
#pragma once
#include <atomic>

namespace scidl::cli {

class StopOnInterrupt {
 public:
  // `message` (a string literal: the handler writes it) is printed to stderr at the first signal.
  explicit StopOnInterrupt(const char* message);
  StopOnInterrupt(const StopOnInterrupt&) = delete;
  StopOnInterrupt& operator=(const StopOnInterrupt&) = delete;
  ~StopOnInterrupt();

  const std::atomic<bool>* flag() const;
  bool requested() const { return flag()->load(); }
};

}  // namespace scidl::cli
