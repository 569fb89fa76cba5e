// What a user watches while a study runs: event lines (a trial started, was stopped, ended,
// failed) and a table of the running trials (trial, epoch, the metric's last value, state,
// seconds, its values). On a terminal the table stays below the event lines and is redrawn in
// place; anywhere else (a log file, CI, a notebook) nothing is redrawn: the table is printed as
// plain lines every `status_every_s`, as Ray Tune prints its status table when not on a terminal.
// Contract: every line goes through the sink, whole; in live mode the only control sequences are
// "cursor up and clear below" (ESC [nF ESC [J) and every table line fits `width` columns.
#pragma once
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace scidl::tune {

struct RunningTrial {
  int64_t id = 0;
  nlohmann::json params;
  int epoch = 0;      // epochs reported so far
  double last = 0;    // the metric at that epoch (NaN before the first)
  std::string state;  // "running", "stopping", ...
  double seconds = 0;
};

struct StudyCounts {
  int64_t started = 0, total = 0, completed = 0, stopped = 0, failed = 0;
  double elapsed_s = 0;
};

class StudyDisplay {
 public:
  // text: whole lines, each ending in '\n'; error: it belongs on stderr.
  using Sink = std::function<void(const std::string& text, bool error)>;

  StudyDisplay(std::string metric, bool live, int width, double status_every_s, Sink sink);

  // An event line ("trial_0003 stopped at epoch 4 ..."), printed above the table.
  void event(const std::string& line, bool error = false);
  // Called from the study's loop: redraws the table when it changed (live, at most 5 times a
  // second) or prints it when status_every_s has passed since the last (plain).
  void refresh(const std::vector<RunningTrial>& running, const StudyCounts& counts);
  // Whether refresh() may draw now: the study asks before it gathers the table's rows.
  bool due() const;
  // Clears the live table, so what follows starts on a clean line.
  void finish();

  // The table as lines (no control sequences), each cut to `width` columns when width > 0.
  static std::vector<std::string> table(const std::string& metric,
                                        const std::vector<RunningTrial>& running,
                                        const StudyCounts& counts, int width);
  // "lr=0.0123 layers[1].units=32": each searched key by the fewest last parts that tell it
  // from the others, numbers to 4 significant digits.
  static std::string params_summary(const nlohmann::json& params);

 private:
  void erase();

  std::string metric_;
  bool live_;
  int width_;
  double status_every_s_;
  Sink sink_;
  int drawn_lines_ = 0;  // live: lines of the table now on screen
  std::string drawn_;    // live: what they show
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace scidl::tune
