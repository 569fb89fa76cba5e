// A progress bar with rate and ETA for long jobs. On a terminal it redraws one line in place
// (at most 10 times a second); when the stream is not a terminal (a log file, CI) it prints a
// plain line at every 10% and at least once a minute, so logs stay readable.
// Contract: advance() is thread-safe and cheap; the ETA counts only work done since the bar was
// created, so a resumed job (already_done > 0) does not look faster than it is.
#pragma once
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>

namespace scidl::io {

class ProgressBar {
 public:
  enum class Style { automatic, terminal, plain };

  ProgressBar(std::string label, std::int64_t total, std::int64_t already_done = 0,
              std::FILE* out = stdout, Style style = Style::automatic);
  ~ProgressBar();  // finishes the line if finish() was not called
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void advance(std::int64_t n = 1);
  void set_note(std::string note);  // shown after the ETA, e.g. "3 not converged"
  void finish();                    // draws the final state and ends the line

  std::int64_t done() const;

  // "1:02:03" / "2:03" style durations, "--:--" when unknown.
  static std::string format_duration(double seconds);

 private:
  void draw_locked(bool force);
  std::string status_text_locked() const;

  mutable std::mutex mutex_;
  std::string label_;
  std::int64_t total_, done_, done_at_start_;
  std::FILE* out_;
  bool terminal_;
  bool finished_ = false;
  std::string note_;
  std::chrono::steady_clock::time_point start_, last_draw_;
  int last_plain_decile_ = -1;
  std::int64_t last_plain_done_ = -1;
};

}  // namespace scidl::io
