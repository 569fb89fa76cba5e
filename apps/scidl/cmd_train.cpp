// scidl train CONFIG.toml [--set key=value ...] [--out DIR] [--overwrite] [--resume RUN_DIR]
// [--init-from MODEL.scidl]: train a model described by a config file, or continue a run that
// was interrupted. Ctrl-C stops after the batch in progress with a checkpoint (status 130).
// scidl train --help-config [SECTION] [--markdown]: the reference of every config key.
#include <fmt/core.h>
#include <fmt/format.h>

#include <omp.h>
#include <sched.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <thread>

#include "command.h"
#include "interrupt.h"
#include "scidl/dist/communicator.h"
#include "scidl/io/config_reader.h"
#include "scidl/train/config_reference.h"
#include "scidl/train/run.h"
#include "scidl/tune/trial_channel.h"
#include "scidl/tune/trial_files.h"

namespace {

// --help-config [SECTION] runs while the line is parsed, before `config` is required: the
// reference of every config key needs no config file.
void add_help_config_options(CLI::App* cmd) {
  auto* markdown = cmd->add_flag("--markdown")
                       ->description("with --help-config: Markdown, as in docs/config.md");
  cmd->add_option_function<std::string>(
         "--help-config",
         [markdown](const std::string& section) {
           try {
             fmt::print("{}", markdown->count() > 0 ? scidl::train::config_reference_markdown()
                                                    : scidl::train::config_reference_text(section));
           } catch (const std::invalid_argument& e) {
             throw CLI::ValidationError("--help-config", e.what());
           }
           throw CLI::Success();
         },
         "print every config key with its type, default and meaning (or only SECTION's: data, "
         "model, optimizer, training, lr_schedule, output, callbacks) and exit")
      ->expected(0, 1);
}

struct TrainArgs {
  std::string config;
  std::vector<std::string> overrides;
  std::string output;
  std::string resume;
  std::string init_from;
  std::string config_dir;  // where the config's relative paths start (default: its folder)
  int report_fd = -1;      // scidl tune's trials: the socket to the tuner (tune/trial_channel.h)
  std::string report_dir;  // scidl tune's Slurm trials: files the tuner reads (tune/trial_files.h)
  bool overwrite = false;
  bool quiet = false;
};

// A word as a POSIX shell reads it back: quoted unless it is plainly safe.
std::string shell_word(const std::string& word) {
  const bool plain = !word.empty() && word.find_first_not_of(
                                          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                          "0123456789_./=:,+-@%") == std::string::npos;
  if (plain) return word;
  std::string quoted = "'";
  for (char ch : word) quoted += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return quoted + "'";
}

// The command that continues the run in `dir`: this config and its overrides, --resume DIR.
std::string resume_command(const TrainArgs& args, const std::filesystem::path& dir) {
  std::string command = "scidl train " + shell_word(args.config);
  for (const auto& o : args.overrides) command += " --set " + shell_word(o);
  return command + " --resume " + shell_word(dir.string());
}

// A pipeline stopped between the steps that gather its stages keeps its last checkpoint
// (train/checkpoint.h), so the run resumes from there.
void report_interruption(const TrainArgs& args, const scidl::train::RunResult& result,
                         const std::filesystem::path& dir, bool pipeline) {
  if (result.previous_run_restored)
    fmt::print(stderr,
               "scidl: interrupted before the first model was written; '{}' holds the run it "
               "held before --overwrite, as it was, and nothing of this run was kept\n",
               dir.string());
  else
    fmt::print(
        stderr,
        "scidl: interrupted after {} epochs; the checkpoint in {} holds the run as it "
        "stood{}. Continue it with:\n  {}\n",
        result.history.epochs.size(), dir.string(),
        pipeline ? " at its last checkpoint (a pipeline's stages are gathered only then)" : "",
        resume_command(args, dir));
}

// The ranks on one machine share its cores: each takes its part unless OMP_NUM_THREADS says, or
// the launcher bound it to fewer cores already (mpirun binds each rank to a core or socket).
void share_cores(const scidl::dist::Communicator& communicator) {
  if (std::getenv("OMP_NUM_THREADS") || communicator.local_size() < 2) return;
  cpu_set_t usable;
  if (sched_getaffinity(0, sizeof usable, &usable) != 0) return;
  const int cores = CPU_COUNT(&usable);
  if (cores < static_cast<int>(std::thread::hardware_concurrency())) return;  // bound
  omp_set_num_threads(std::max(1, cores / communicator.local_size()));
}

SCIDL_COMMAND([](CLI::App& app) {
  auto args = std::make_shared<TrainArgs>();
  auto* cmd = app.add_subcommand(
      "train",
      "Train a model from a TOML config (data, model, optimizer, loss, metrics, callbacks)");
  // Required, but checked in the callback: CLI11 would give --help-config's SECTION to it.
  cmd->add_option("config", args->config,
                  "the run's TOML config (see examples/training/); required but with --help-config")
      ->check(CLI::ExistingFile);
  cmd->add_option("--set", args->overrides,
                  "override a config entry, e.g. --set training.epochs=5 (repeatable)");
  auto* out = cmd->add_option("--out", args->output,
                              "the run folder (default: output.dir, or runs/<config name>)");
  auto* resume =
      cmd->add_option(
             "--resume", args->resume,
             "continue the run in this folder from its last checkpoint (same config required, "
             "but for training.epochs: more extend a finished run); the result is bit for bit "
             "that of an uninterrupted run")
          ->excludes(out);
  cmd->add_flag("--overwrite", args->overwrite,
                "replace the run already in the run folder once this one has written its first "
                "model (until then, and if this one fails before, the old run stays as it was; "
                "without the flag such a folder is refused)")
      ->excludes("--resume");
  cmd->add_option("--init-from", args->init_from,
                  "start from the weights of this model file (fine-tuning): its parameters must "
                  "match the config's model by name and shape; the optimizer starts afresh")
      ->check(CLI::ExistingFile)
      ->excludes(resume);
  cmd->add_flag("-q,--quiet", args->quiet, "print only errors");
  // For `scidl tune`'s trials, not shown in --help: a trial config lives in the study folder
  // while its data paths are relative to the base config's folder.
  cmd->add_option("--config-dir", args->config_dir)->group("")->check(CLI::ExistingDirectory);
  cmd->add_option("--report-fd", args->report_fd)->group("")->check(CLI::Range(3, 1 << 20));
  cmd->add_option("--report-dir", args->report_dir)->group("")->excludes("--report-fd");
  add_help_config_options(cmd);
  cmd->callback([args] {
    if (args->config.empty()) throw CLI::RequiredError("config");
    auto doc = scidl::io::parse_config_file(args->config);
    for (const auto& o : args->overrides) scidl::io::apply_override(doc, o);
    auto config = scidl::train::parse_run_config(
        doc, args->config_dir.empty() ? std::filesystem::path(args->config).parent_path()
                                      : std::filesystem::path(args->config_dir));
    if (!args->output.empty()) config.output_dir = args->output;
    if (!args->init_from.empty()) config.training.init_from = args->init_from;
    scidl::train::RunOptions options;
    options.verbose = !args->quiet;
    options.overwrite = args->overwrite;
    if (!args->resume.empty()) {
      config.output_dir = args->resume;
      options.resume = true;
    }
    const scidl::cli::StopOnInterrupt interrupt(
        "\nscidl: stopping after the batch in progress, with a checkpoint (Ctrl-C again to quit "
        "now, losing the steps since the last checkpoint)\n");
    options.stop_requested = interrupt.flag();
    std::unique_ptr<scidl::tune::TrialReport> report;
    if (args->report_fd >= 0) {  // a tuner that is gone is Ctrl-C: a checkpoint, then exit
      report =
          std::make_unique<scidl::tune::TrialReport>(args->report_fd, [] { std::raise(SIGINT); });
      options.extra_callbacks.push_back(report.get());
    }
    std::unique_ptr<scidl::tune::TrialFileReport> file_report;
    if (!args->report_dir.empty()) {
      file_report = std::make_unique<scidl::tune::TrialFileReport>(args->report_dir);
      options.extra_callbacks.push_back(file_report.get());
    }
    // Under mpirun or srun: one rank of a data-parallel job, or one stage of a pipeline
    // (dist/communicator.h, [distributed] mode).
    std::unique_ptr<scidl::dist::Communicator> communicator =
        scidl::dist::communicator_from_launch();
    if (communicator) {
      options.communicator = communicator.get();
      share_cores(*communicator);
      const bool pipeline = config.distributed.mode == "pipeline";
      if (communicator->rank() == 0 && !args->quiet)
        fmt::print("{}: {} {} over {}, {} thread{} each\n", pipeline ? "pipeline" : "data-parallel",
                   communicator->size(), pipeline ? "stages" : "ranks", communicator->name(),
                   omp_get_max_threads(), omp_get_max_threads() > 1 ? "s" : "");
    }
    scidl::train::RunResult result;
    try {
      result = scidl::train::run_training(config, options);
    } catch (const scidl::dist::JobError& e) {
      // Every rank raised it: rank 0 says it, and they all end together. Rank 0 says it before
      // MPI_Finalize: once the others pass it and exit 1, mpirun may end rank 0 at any moment.
      if (!communicator) throw;
      if (communicator->rank() == 0) {
        fmt::print(stderr, "scidl: error: {}\n", e.what());
        std::fflush(stderr);
      }
      communicator.reset();  // MPI_Finalize: every rank waits there for the others
      std::exit(1);
    } catch (const std::exception& e) {
      if (!communicator || communicator->size() == 1) throw;
      // The other ranks would wait for this one: say why here, then end them all.
      fmt::print(stderr, "scidl: error (rank {} of {}): {}\n", communicator->rank(),
                 communicator->size(), e.what());
      communicator->abort(1);
    }
    if (result.interrupted) {
      report_interruption(*args, result, config.output_dir,
                          communicator && config.distributed.mode == "pipeline");
      std::exit(130);
    }
    if (result.previous_run_restored) std::exit(1);  // it stopped before its first model
  });
});

}  // namespace
