// Trials as `scidl train` processes on this machine (tune/trial_process.h), each reporting its
// epochs over its socket (tune/trial_channel.h) and waiting for the answer; the cores shared
// between the trials that run at once. Interrupting one is SIGINT: a checkpoint, then exit 130.
#pragma once
#include <map>

#include "scidl/tune/trial_executor.h"
#include "scidl/tune/trial_process.h"

namespace scidl::tune {

class LocalExecutor : public TrialExecutor {
 public:
  explicit LocalExecutor(int threads_per_trial) : threads_(threads_per_trial) {}
  std::string describe() const override;
  void start(int64_t trial, const TrialLaunch& launch) override;
  std::vector<TrialEvent> poll(std::chrono::milliseconds wait) override;
  void answer(int64_t trial, int epoch, const Decision& decision) override;
  void interrupt(int64_t trial) override;

 private:
  struct Child {
    TrialProcess process;
    bool interrupted = false;
  };
  int threads_ = 1;
  std::map<int64_t, Child> children_;
};

}  // namespace scidl::tune
