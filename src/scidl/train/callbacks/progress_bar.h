// A progress bar per epoch: step count, ETA and the running loss and metrics. On a terminal one
// line is redrawn in place (at most 10 times a second) and left as the epoch's summary; when the
// output is not a terminal (a log file, CI) it prints plain lines only: one per epoch, plus one
// every 30 seconds inside long epochs. The epoch line starts "epoch N/M", like the fit loop's own.
#pragma once
#include <chrono>
#include <cstdio>
#include <string>

#include "scidl/train/callback.h"

namespace scidl::train {

class ProgressBar : public Callback {
 public:
  enum class Style { automatic, terminal, plain };
  explicit ProgressBar(std::FILE* out = stdout, Style style = Style::automatic);
  void on_epoch_begin(Trainer&, int epoch) override;
  void on_batch_end(Trainer&, int64_t step, const Logs& logs) override;
  void on_epoch_end(Trainer&, int epoch, const Logs& logs) override;

  static std::string format_duration(double seconds);  // "0:07", "1:02:03"

 private:
  void start(Trainer& t, int epoch);
  std::string bar(int64_t done, int64_t total) const;
  std::FILE* out_;
  bool terminal_;
  bool started_ = false;
  int epoch_ = -1;
  int64_t first_batch_ = 0;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace scidl::train
