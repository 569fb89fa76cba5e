// `scidl three-body report DIR --model RUN_DIR/best.scidl [--run RUN_DIR] [--out OUT]`: the
// figures, energies, timings and speed-up of a trained Breen et al. surrogate on a dataset
// (cases/three_body/report.h), written as OUT/report.md with SVG, PNG and CSV per figure.
#include <fmt/core.h>

#include <memory>

#include "option_ranges.h"
#include "scidl/cases/three_body/report.h"
#include "three_body_command.h"

namespace {

void setup(CLI::App& three_body) {
  auto s = std::make_shared<scidl::sci::ReportSettings>();
  CLI::App* cmd = three_body.add_subcommand(
      "report",
      "Write a report on a trained surrogate: data statistics from DIR/runs.csv, MAE per epoch "
      "(Fig. 3), four trajectories network vs integrator (Fig. 4), the sensitivity ring (Fig. 5), "
      "energy errors (raw and energy-projected), time per run and per evaluation, and the "
      "speed-up. Writes OUT/report.md and SVG/PNG/CSV figures.");
  cmd->add_option("DIR", s->dataset_dir, "dataset folder written by `scidl three-body generate`")
      ->required();
  cmd->add_option("--model", s->model_path, "the trained model, e.g. RUN_DIR/best.scidl")
      ->required();
  cmd->add_option(
      "--run", s->run_dir,
      "the training run folder (history.csv, config.json); default: the model's folder");
  cmd->add_option("--out", s->out_dir, "where the report goes; default: DIR/report");
  cmd->add_option("--held-out", s->held_out_dir,
                  "a second dataset folder (generate with another --seed): the model's MAE on "
                  "every one of its runs, all new to it");
  cmd->add_option("--ring-points", s->ring_points, "initial conditions on the Fig. 5 ring")
      ->capture_default_str()
      ->check(CLI::Range(1, 1'000'000));
  cmd->add_option("--ring-tolerance", s->ring_tolerance,
                  "Bulirsch-Stoer tolerance of the ring runs (double precision)")
      ->capture_default_str()
      ->check(scidl::cli::positive_at_most(1e-3));
  cmd->add_option("--threads", s->threads, "threads for the ring runs")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--energy-runs", s->energy_runs,
                  "validation runs (at most) whose energy errors are summarised")
      ->capture_default_str()
      ->check(CLI::Range(1, 1'000'000));
  cmd->add_flag("!--no-projection", s->project_energy, "skip the per-point energy projection");
  cmd->callback([s] {
    const scidl::sci::ReportSummary r = scidl::sci::write_three_body_report(*s);
    fmt::print("wrote {} files; the report is {}\n", r.files.size(), r.report.string());
  });
}

SCIDL_THREE_BODY_COMMAND(setup);

}  // namespace
