// The channel between a tuner and a trial that runs elsewhere (a Slurm job on another node):
// files in a folder both see (a shared filesystem). The trial (`scidl train ... --report-dir D`)
// appends {"epoch": E, "logs": {...}} to D/reports.jsonl after each epoch, then waits up to
// kAnswerWait for D/answer.json to hold its answer, {"epoch": E, "stop": bool, "reason": "..."},
// which the tuner replaces whole (rename) after judging each report. An answer that does not
// come in time (a tuner slow or gone) lets the trial go on without waiting again until the
// answers catch up; a stop it finds at a later epoch's end stops it there. The job's wrapper
// writes the trial's exit status to D/exit_status.
#pragma once
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "scidl/train/callback.h"
#include "scidl/tune/scheduler.h"

namespace scidl::tune {

inline constexpr const char* kReportsFile = "reports.jsonl";
inline constexpr const char* kAnswerFile = "answer.json";
inline constexpr const char* kExitStatusFile = "exit_status";
inline constexpr std::chrono::seconds kAnswerWait{60};

class TrialFileReport : public train::Callback {
 public:
  explicit TrialFileReport(std::filesystem::path dir,
                           std::chrono::milliseconds answer_wait = kAnswerWait);
  void on_epoch_end(train::Trainer& trainer, int epoch, const train::Logs& logs) override;

 private:
  std::filesystem::path dir_;
  std::chrono::milliseconds answer_wait_;
  int unanswered_ = 0;  // the epoch whose answer did not come in time; 0: none
};

// The tuner's end: reads the reports a trial appended since the last call, writes its answers.
class TrialFileReader {
 public:
  explicit TrialFileReader(std::filesystem::path dir) : dir_(std::move(dir)) {}
  // Removes what an earlier run of the trial left (reports, answer, exit status).
  void clear();
  // Whole lines appended since the last call, parsed; lines that are not reports are skipped.
  std::vector<nlohmann::json> new_reports();
  void answer(int epoch, const Decision& decision) const;
  // The wrapper's record of the trial's exit status, or -1 when there is none (yet).
  int exit_status() const;
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  std::uintmax_t offset_ = 0;
};

}  // namespace scidl::tune
