// The line a tuner and one trial process speak over a socket pair: after each epoch the trial
// sends {"epoch": E, "logs": {...}} (E from 1; NaN values as null) and waits for the answer,
// {"stop": false} or {"stop": true, "reason": "asha rung 4"}. The trial is `scidl train ...
// --report-fd N` (TrialReport below); the tuner's end is tune/trial_process.h.
// A trial whose tuner is gone (EOF or a write error) calls on_tuner_gone: `scidl train` treats it
// as Ctrl-C, a checkpoint after the batch in progress, so a resumed study continues the trial.
#pragma once
#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>

#include "scidl/train/callback.h"

namespace scidl::tune {

// Writes all of `line` and a newline; false when the other end is gone.
bool send_line(int fd, const std::string& line);
// Reads up to a newline (a line of at most 1 MiB); nullopt when the other end is gone.
std::optional<std::string> receive_line(int fd);

class TrialReport : public train::Callback {
 public:
  TrialReport(int fd, std::function<void()> on_tuner_gone);
  void on_epoch_end(train::Trainer& trainer, int epoch, const train::Logs& logs) override;

 private:
  int fd_;
  std::function<void()> on_tuner_gone_;
  bool gone_ = false;
};

}  // namespace scidl::tune
