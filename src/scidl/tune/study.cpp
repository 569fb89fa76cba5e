#include "scidl/tune/study.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <chrono>
#include <cmath>
#include <map>
#include <thread>

#include "scidl/io/file_io.h"
#include "scidl/train/run.h"
#include "scidl/train/run_lock.h"
#include "scidl/tune/searcher.h"
#include "scidl/tune/study_outputs.h"
#include "scidl/tune/trial_executor.h"
#include "scidl/tune/trial_process.h"

namespace scidl::tune {

namespace {

using Clock = std::chrono::steady_clock;

std::string trial_name(int64_t id) { return fmt::format("trial_{:04d}", id); }

double metric_of(const nlohmann::json& logs, const std::string& metric) {
  if (!logs.contains(metric) || !logs[metric].is_number()) return std::nan("");
  return logs[metric].get<double>();
}

struct Running {
  Clock::time_point started;
  double seconds_before = 0;  // time spent in earlier runs of this trial (a resumed study)
  std::string stop_reason;    // the scheduler's, once it said stop
  bool budget_stop = false;
  bool interrupted = false;  // asked once to checkpoint and end
  int epoch = 0;
  double last_value = std::nan("");
  nlohmann::json params = nlohmann::json::object();  // its searched values, for the table
};

StudyDisplay::Sink print_to_stdout() {
  return [](const std::string& text, bool error) {
    std::fputs(text.c_str(), error ? stderr : stdout);
    std::fflush(error ? stderr : stdout);
  };
}

class StudyRunner {
 public:
  StudyRunner(const TuneConfig& c, const StudyOptions& o)
      : c_(c),
        o_(o),
        dir_(c.output_dir),
        db_(open_db()),
        display_(c.metric, o.live_table, o.width, o.status_every_s,
                 o.print ? o.print : print_to_stdout()) {
    searcher_ = make_searcher(c.searcher, c.space, c.num_samples, c.seed, c.minimize());
    scheduler_ = make_scheduler(c.scheduler, c.minimize(), c.asha, c.median);
    const int cores = std::max(1u, std::thread::hardware_concurrency());
    concurrency_ = c.concurrency > 0 ? c.concurrency : cores;
    executor_ = make_executor(c, concurrency_, dir_);
    executable_ =
        o.executable.empty() ? std::filesystem::read_symlink("/proc/self/exe") : o.executable;
  }

  StudyResult run() {
    replay();
    const auto start = Clock::now();
    elapsed_before_ = std::stod(db_.get("elapsed_s").value_or("0"));
    if (o_.verbose)
      display_.event(
          fmt::format("study {}: {} trials, {} searcher, {} scheduler, {} at once as {}, "
                      "metric {} ({})",
                      dir_.string(), searcher_->trials(), c_.searcher, scheduler_->name(),
                      concurrency_, executor_->describe(), c_.metric, c_.mode));
    while (true) {
      const double elapsed =
          elapsed_before_ + std::chrono::duration<double>(Clock::now() - start).count();
      db_.put("elapsed_s", fmt::format("{}", elapsed));
      if (interrupted())
        stop_all(false);
      else if (c_.time_budget_s > 0 && elapsed > c_.time_budget_s)
        stop_all(true);
      else
        launch_more();
      if (running_.empty()) break;
      for (auto& event : executor_->poll(std::chrono::milliseconds(200))) {
        if (event.kind == TrialEvent::Kind::report)
          on_report(event.trial, event.epoch, event.logs);
        else
          on_end(event.trial, event.exit);
      }
      if (o_.verbose && display_.due()) display_.refresh(running_table(), counts(elapsed));
    }
    display_.finish();
    StudyResult result;
    result.trials = db_.trials();
    result.interrupted = interrupted();
    const auto ranked = leaderboard(c_, db_);  // the best is the leaderboard's first
    result.best_trial = !ranked.empty() && ranked.front().rank == 1 ? ranked.front().trial.id : -1;
    return result;
  }

 private:
  StudyDb open_db() {
    std::filesystem::create_directories(dir_);
    const auto file = dir_ / "study.db";
    const bool exists = std::filesystem::exists(file);
    if (exists && !o_.resume)
      throw std::invalid_argument(fmt::format(
          "'{}' already holds a study: continue it with --resume {}, or choose another --out",
          dir_.string(), dir_.string()));
    if (!exists && o_.resume)
      throw std::invalid_argument(
          fmt::format("'{}' holds no study to resume (no study.db)", dir_.string()));
    auto db = StudyDb::open(file, !exists);
    const auto identity = study_identity(c_);
    if (auto stored = db.get("identity")) {
      const auto before = nlohmann::json::parse(*stored, nullptr, false);
      const auto differences = train::config_differences(before, identity);
      if (!differences.empty())
        throw std::invalid_argument(fmt::format(
            "'{}' holds a study made by another config; it differs in:\n  {}\nresume it with "
            "the config it was made with, or start a new study with another --out",
            dir_.string(), fmt::join(differences, "\n  ")));
    } else {
      db.put("identity", identity.dump());
      db.put("config_file", c_.source_file.string());
      db.put("overrides", nlohmann::json(c_.overrides).dump());
    }
    std::filesystem::create_directories(dir_ / "trials");
    std::filesystem::create_directories(dir_ / "logs");
    return db;
  }

  // The record back into the scheduler, in the order it was made; trials that were running come
  // back as to be continued, unless the scheduler had already stopped them.
  void replay() {
    std::map<int64_t, Decision> last_decision;
    const auto rows = db_.trials();
    std::map<int64_t, TrialState> states;
    for (const auto& r : rows) states[r.id] = r.state;
    for (const auto& e : db_.events()) {
      if (e.is_result)
        last_decision[e.trial] =
            scheduler_->on_result(e.trial, e.epoch, metric_of(e.metrics, c_.metric));
      else if (states[e.trial] == TrialState::completed)
        scheduler_->on_complete(e.trial);
    }
    for (const auto& r : rows) {
      next_trial_ = std::max(next_trial_, r.id + 1);
      if (r.state != TrialState::running && r.state != TrialState::pending) continue;
      const auto& d = last_decision[r.id];
      if (d.stop) {
        db_.finish_trial(r.id, TrialState::stopped, d.reason, "", r.seconds);
        continue;
      }
      to_continue_.push_back(r);
    }
  }

  bool interrupted() const { return o_.stop_requested && o_.stop_requested->load(); }

  std::vector<Observation> observations() const {
    std::vector<Observation> out;
    std::map<int64_t, std::pair<int, double>> last;
    for (const auto& e : db_.events())
      if (e.is_result) last[e.trial] = {e.epoch, metric_of(e.metrics, c_.metric)};
    for (const auto& r : db_.trials()) {
      if (r.state != TrialState::completed && r.state != TrialState::stopped) continue;
      const auto it = last.find(r.id);
      if (it == last.end()) continue;
      out.push_back(
          {r.params, it->second.second, r.state == TrialState::completed, it->second.first});
    }
    return out;
  }

  void launch_more() {
    while (static_cast<int>(running_.size()) < concurrency_) {
      if (!to_continue_.empty()) {
        const TrialRow row = to_continue_.front();
        to_continue_.erase(to_continue_.begin());
        launch(row.id, row.seconds);
      } else if (next_trial_ < searcher_->trials()) {
        const int64_t id = next_trial_++;
        const auto params = searcher_->suggest(id, observations());
        db_.add_trial(id, params);
        write_trial_config(id, params);
        launch(id, 0);
      } else {
        return;
      }
    }
  }

  void write_trial_config(int64_t id, const nlohmann::json& params) {
    const auto doc = trial_config(c_, params);
    std::ostringstream text;
    text << "# " << trial_name(id) << " of the study in " << dir_.string() << ": " << params.dump()
         << "\n"
         << *doc.table << "\n";
    io::write_file_atomically(dir_ / "trials" / (trial_name(id) + ".toml"), text.str());
  }

  void launch(int64_t id, double seconds_before) {
    const auto run_dir = dir_ / "trials" / trial_name(id);
    wait_until_free(run_dir);
    const bool resume = std::filesystem::exists(run_dir / "checkpoint.scidl");
    if (!resume) std::filesystem::remove_all(run_dir);  // an unstarted trial's leftovers
    if (!std::filesystem::exists(dir_ / "trials" / (trial_name(id) + ".toml")))
      write_trial_config(id, params_of(id));
    TrialLaunch l{executable_,   dir_ / "trials" / (trial_name(id) + ".toml"), run_dir,
                  c_.base_dir,   dir_ / "logs" / (trial_name(id) + ".log"),    resume,
                  trial_name(id)};
    db_.set_running(id);
    executor_->start(id, l);
    Running r{Clock::now(), seconds_before, "", false, false, 0, std::nan(""), params_of(id)};
    running_.emplace(id, std::move(r));
    if (o_.verbose)
      display_.event(fmt::format("{} {}: {}", resume ? "continuing" : "starting", trial_name(id),
                                 params_of(id).dump()));
  }

  nlohmann::json params_of(int64_t id) const {
    for (const auto& r : db_.trials())
      if (r.id == id) return r.params;
    return nlohmann::json::object();
  }

  // A trial of a killed tuner may still be writing its checkpoint: wait for its run folder.
  static void wait_until_free(const std::filesystem::path& run_dir) {
    if (!std::filesystem::exists(run_dir)) return;
    for (int tries = 0; tries < 600; ++tries) {
      try {
        auto lock = train::RunFolderLock::acquire(run_dir, false);
        return;
      } catch (const train::RunFolderBusy&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
    throw std::runtime_error(
        fmt::format("'{}' is still held by another process after 60 s", run_dir.string()));
  }

  // Every report is answered, a repeated epoch (a resumed trial) with "go on": it was decided.
  void on_report(int64_t id, int epoch, const nlohmann::json& logs) {
    auto& r = running_.at(id);
    const double seconds =
        r.seconds_before + std::chrono::duration<double>(Clock::now() - r.started).count();
    Decision d;
    if (db_.add_result(id, epoch, logs, seconds)) {
      const double value = metric_of(logs, c_.metric);
      r.epoch = epoch;
      r.last_value = value;
      d = scheduler_->on_result(id, epoch, value);
      if (d.stop) r.stop_reason = d.reason;
      if (o_.verbose && d.stop)
        display_.event(fmt::format("{} stopped at epoch {} ({} {:.6g}): {}", trial_name(id), epoch,
                                   c_.metric, value, d.reason));
    }
    executor_->answer(id, epoch, d);
  }

  void on_end(int64_t id, const TrialExit& exit) {
    const auto found = running_.find(id);
    if (found == running_.end()) return;
    const Running& r = found->second;
    const double seconds =
        r.seconds_before + std::chrono::duration<double>(Clock::now() - r.started).count();
    const bool scheduler_stop = !r.stop_reason.empty() && r.stop_reason != "max_t";
    // Ray's ASHA stops a trial at max_t epochs: it ran the epochs it was given.
    if (scheduler_stop && (exit.status == 0 || exit.on_request)) {
      db_.finish_trial(id, TrialState::stopped, r.stop_reason, "", seconds);
    } else if (exit.status == 0) {
      db_.finish_trial(id, TrialState::completed, "", "", seconds);
      scheduler_->on_complete(id);
    } else if (exit.on_request && r.budget_stop) {
      db_.finish_trial(id, TrialState::stopped, "time budget", "", seconds);
    } else if (exit.on_request && interrupted()) {
      // stays running in the record: --resume continues it from its checkpoint
    } else {
      const auto log = dir_ / "logs" / (trial_name(id) + ".log");
      const std::string error =
          fmt::format("{}{}exit status {}: {}", exit.failure, exit.failure.empty() ? "" : "; ",
                      exit.status, tail_of_file(log, 3));
      db_.finish_trial(id, TrialState::failed, "", error, seconds);
      if (o_.verbose)
        display_.event(fmt::format("{} failed ({}); the study goes on", trial_name(id), error),
                       true);
    }
    if (o_.verbose && (exit.status == 0 || (scheduler_stop && exit.on_request)))
      display_.event(fmt::format(
          "{} ended after {} epochs: {} {:.6g}{}   [{} running, {} of {} started]", trial_name(id),
          r.epoch, c_.metric, r.last_value,
          r.stop_reason.empty() ? std::string() : fmt::format(" (stopped: {})", r.stop_reason),
          running_.size() - 1, next_trial_, searcher_->trials()));
    running_.erase(found);
  }

  std::vector<RunningTrial> running_table() const {
    std::vector<RunningTrial> out;
    const auto now = Clock::now();
    for (const auto& [id, r] : running_) {
      const std::string waiting = executor_->waiting_reason(id);
      const std::string state = r.interrupted            ? "stopping"
                                : !r.stop_reason.empty() ? "stopped"
                                : !waiting.empty()       ? waiting
                                : r.epoch == 0           ? "starting"
                                                         : "running";
      out.push_back({id, r.params, r.epoch, r.last_value, state,
                     r.seconds_before + std::chrono::duration<double>(now - r.started).count()});
    }
    return out;
  }

  StudyCounts counts(double elapsed) const {
    StudyCounts n;
    n.started = next_trial_;
    n.total = searcher_->trials();
    n.elapsed_s = elapsed;
    for (const auto& r : db_.trials()) {
      n.completed += r.state == TrialState::completed;
      n.stopped += r.state == TrialState::stopped;
      n.failed += r.state == TrialState::failed;
    }
    return n;
  }

  void stop_all(bool budget) {
    for (auto& [id, r] : running_) {
      if (r.interrupted) continue;
      r.budget_stop = budget;
      r.interrupted = true;
      executor_->interrupt(id);
    }
    next_trial_ = std::max(next_trial_, budget ? searcher_->trials() : next_trial_);
    to_continue_.clear();
  }

  const TuneConfig& c_;
  const StudyOptions& o_;
  std::filesystem::path dir_;
  StudyDb db_;
  std::unique_ptr<Searcher> searcher_;
  std::unique_ptr<Scheduler> scheduler_;
  int concurrency_ = 1;
  std::unique_ptr<TrialExecutor> executor_;  // after db_: its trials end before the record
  std::filesystem::path executable_;
  int64_t next_trial_ = 0;
  std::vector<TrialRow> to_continue_;
  std::map<int64_t, Running> running_;
  double elapsed_before_ = 0;
  StudyDisplay display_;
};

}  // namespace

std::pair<std::filesystem::path, std::vector<std::string>> study_source(
    const std::filesystem::path& dir) {
  const auto db = StudyDb::open(dir / "study.db", false);
  const auto file = db.get("config_file");
  const auto overrides = nlohmann::json::parse(db.get("overrides").value_or("[]"), nullptr, false);
  if (!file || !overrides.is_array())
    throw StudyDbError(fmt::format("{}: the study's record lacks its config", db.file().string()));
  if (file->empty())
    throw std::invalid_argument(fmt::format(
        "'{}' holds a study made from a Python dict, not a file: resume it from Python with "
        "scidl.tune(the same dict, output_dir=\"{}\", resume=True)",
        dir.string(), dir.string()));
  std::vector<std::string> list;
  for (const auto& o : overrides)
    if (o.is_string()) list.push_back(o.get<std::string>());
  return {*file, list};
}

StudyResult run_study(const TuneConfig& config, const StudyOptions& options) {
  const auto lock =
      train::RunFolderLock::acquire(config.output_dir, options.verbose, options.program);
  StudyRunner runner(config, options);
  auto result = runner.run();
  if (!result.interrupted) write_study_outputs(config, result);
  return result;
}

}  // namespace scidl::tune
