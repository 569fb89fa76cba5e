// A study's record in SQLite (DIR/study.db): its config, every trial (parameters, state, how it
// ended) and every result a trial reported, in the order they arrived. Everything the tuner
// decides is written here, in one transaction per event, before it acts on it (WAL journal,
// synchronous FULL), so a tuner killed at any moment leaves a database a resumed tuner trusts.
// One writer: the tuner holding the study folder's lock (train/run_lock.h); readers may open it
// at the same time (WAL), and a busy database is retried for up to 10 s before an error.
// Contract: every read checks what it reads (types, JSON); a damaged or foreign file is refused
// with StudyDbError naming the file and what is wrong, never a crash.
#pragma once
#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

struct sqlite3;

namespace scidl::tune {

class StudyDbError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class TrialState { pending, running, completed, stopped, failed };
const char* state_name(TrialState state);

struct TrialRow {
  int64_t id = 0;
  nlohmann::json params;
  TrialState state = TrialState::pending;
  std::string stopped_by;  // the scheduler's reason, "time budget", or ""
  std::string error;       // a failed trial's message
  int epochs = 0;          // results recorded
  double seconds = 0;      // wall time while running
};

// One entry of the study's log: a result, or a trial's end.
struct StudyEvent {
  int64_t seq = 0, trial = 0;
  bool is_result = true;   // else: the trial ended (trials[trial].state says how)
  int epoch = 0;           // results: 1-based
  nlohmann::json metrics;  // results: name -> value
};

class StudyDb {
 public:
  // Opens (create: or makes) the database. An existing file that is not a study is refused.
  static StudyDb open(const std::filesystem::path& file, bool create);
  StudyDb(StudyDb&& other) noexcept;
  StudyDb(const StudyDb&) = delete;
  StudyDb& operator=(const StudyDb&) = delete;
  StudyDb& operator=(StudyDb&&) = delete;
  ~StudyDb();

  std::optional<std::string> get(const std::string& key) const;
  void put(const std::string& key, const std::string& value);

  void add_trial(int64_t id, const nlohmann::json& params);
  void set_running(int64_t id);
  // Ends a trial (completed, stopped or failed) and logs the end as an event.
  void finish_trial(int64_t id, TrialState state, const std::string& stopped_by,
                    const std::string& error, double seconds);
  // Records a result; false (and nothing written) when this trial's epoch is already recorded,
  // as when a resumed trial repeats an epoch its checkpoint did not hold.
  bool add_result(int64_t trial, int epoch, const nlohmann::json& metrics, double seconds);

  std::vector<TrialRow> trials() const;
  std::vector<StudyEvent> events() const;
  const std::filesystem::path& file() const { return file_; }

 private:
  StudyDb(std::filesystem::path file, sqlite3* db);
  void exec(const std::string& sql) const;
  std::filesystem::path file_;
  sqlite3* db_ = nullptr;
};

}  // namespace scidl::tune
