// `scidl three-body`: the Breen et al. (2020) three-body problem. Generate a converged dataset
// (resumable, parallel), assemble it into training tables, or integrate a single run.
#include <fmt/core.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>

#include "command.h"
#include "interrupt.h"
#include "option_ranges.h"
#include "scidl/cases/three_body/breen.h"
#include "scidl/cases/three_body/dataset.h"
#include "scidl/io/file_io.h"
#include "scidl/sci/convergence.h"
#include "three_body_command.h"

namespace {

using namespace scidl::sci;

struct Options {
  GenerateSettings generate;
  AssembleSettings assemble;
  std::string out;
  double t_max = 3.9;
  double assemble_t_max = 0;
  bool no_progress = false, no_assemble = false, include_unconverged = false;
  double x2 = 0, y2 = 0;
  std::string trajectory_out;
};

void add_convergence_options(CLI::App& cmd, ConvergenceSettings& c) {
  cmd.add_option("--accept-distance", c.accept_distance,
                 "two rungs agree when the phase-space distance (Euclidean, all positions and "
                 "velocities) stays below this at EVERY output time. The default 1e-4 is 1000x "
                 "stricter than Brutus (mean distance < 0.1) and 200x below the surrogate's "
                 "target MAE of 0.02; the stored (stricter) solution is typically far closer")
      ->capture_default_str()
      ->check(scidl::cli::positive_at_most(1.0));
  cmd.add_option("--max-bits", c.max_bits,
                 "precision cap. Rungs: tol 1e-11 and 1e-13 in double; 1e-16 and 1e-18 in "
                 "double-double (106 bits, stored as bits=106); then MPFR 1e-20/112 bits, "
                 "1e-24/128, 1e-28/144, ... A rung is used when Brutus' rule, bits = "
                 "4|log10 tol| + 32, is within the cap. Runs still disagreeing are reported as not "
                 "converged. 53 means double precision only, 104 adds double-double")
      ->capture_default_str()
      ->check(CLI::Range(53, 1024));
}

void run_assemble(Options& o);

void run_generate(Options& o) {
  GenerateSettings& s = o.generate;
  s.out_dir = o.out;
  s.t_max = o.t_max;
  s.show_progress = !o.no_progress;
  GenerateSummary r;
  {
    const scidl::cli::StopOnInterrupt interrupt(
        "\nscidl: stopping after the runs in progress (Ctrl-C again to quit now; finished runs "
        "are kept either way)\n");
    s.stop_requested = interrupt.flag();
    r = generate_three_body_runs(s);
  }
  fmt::print(
      "{} runs in {}: {} computed now ({:.1f} s of integration, {:.1f} s wall), {} reused, "
      "{} damaged files recomputed\n",
      r.runs, o.out, r.computed, r.compute_seconds, r.wall_seconds, r.reused, r.corrupt_replaced);
  if (r.interrupted) {
    fmt::print(stderr,
               "scidl: interrupted: {} of {} runs are saved in {}/runs; run the same command "
               "again to resume\n",
               r.reused + r.computed, r.runs, o.out);
    std::exit(130);
  }
  if (r.not_converged > 0) {
    fmt::print(stderr,
               "scidl: warning: {} of {} runs did not converge with --max-bits {} and "
               "--accept-distance {:g} (listed with converged=0 in runs.csv); rerun with a "
               "higher --max-bits to retry just those\n",
               r.not_converged, r.runs, s.convergence.max_bits, s.convergence.accept_distance);
  }
  if (o.no_assemble) return;
  run_assemble(o);  // the whole generated window (generate has no --t-max for the tables)
}

void run_assemble(Options& o) {
  AssembleSettings a;
  a.out_dir = o.out;
  a.t_max = o.assemble_t_max;
  a.include_unconverged = o.include_unconverged;
  const AssembleSummary as = assemble_three_body_dataset(a);
  fmt::print(
      "wrote {} rows ({} runs x {} times) to {}/train_X.csv, train_Y.csv, train_V.csv, "
      "run_id.csv and runs.csv\n",
      as.rows_written, as.runs_written, as.rows_per_run, o.out);
}

void run_integrate(Options& o) {
  const NBodyProblem problem = breen_problem({o.x2, o.y2});  // rejects x2 outside the region
  const OutputGrid grid = OutputGrid::covering(o.t_max, o.generate.dt);
  const ConvergedRun run = integrate_until_converged(problem, grid, o.generate.convergence);
  for (const ConvergenceAttempt& a : run.attempts) {
    fmt::print("  {:<22} {:>8.3f} s  {}\n", a.precision.describe(), a.wall_seconds,
               a.distance_to_previous < 0
                   ? std::string("(first rung)")
                   : fmt::format("distance to previous {:.3g}", a.distance_to_previous));
  }
  const Trajectory& t = run.trajectory;
  fmt::print(
      "{} at {} (distance {:.3g}); relative energy error {:.3g}, angular momentum drift "
      "{:.3g}; {:.3f} s\n",
      run.converged ? "converged" : "NOT converged", run.precision.describe(), run.distance,
      t.max_relative_energy_error, t.max_angular_momentum_drift, run.wall_seconds);
  if (!run.converged) fmt::print("  {}\n", run.note);
  if (!t.states.empty()) {
    const double* end = t.row(static_cast<int>(t.states.size() / 12) - 1);
    fmt::print(
        "last output: x1 = ({:.10f}, {:.10f}), x2 = ({:.10f}, {:.10f}), x3 = ({:.10f}, "
        "{:.10f})\n",
        end[0], end[1], end[2], end[3], end[4], end[5]);
  }
  if (!o.trajectory_out.empty()) {
    std::string csv = "t,x1,y1,x2,y2,x3,y3,vx1,vy1,vx2,vy2,vx3,vy3\n";
    const int rows = static_cast<int>(t.states.size() / 12);
    for (int k = 0; k < rows; ++k) {
      csv += fmt::format("{:.17g}", grid.time(k));
      for (int i = 0; i < 12; ++i) csv += fmt::format(",{:.17g}", t.row(k)[i]);
      csv += '\n';
    }
    scidl::io::write_file_atomically(o.trajectory_out, csv);
    fmt::print("wrote {} rows to {}\n", rows, o.trajectory_out);
  }
  if (!run.converged) std::exit(1);  // a failed run, as every subcommand reports one
}

void setup(CLI::App& app) {
  auto options = std::make_shared<Options>();
  Options& o = *options;
  CLI::App* cmd = app.add_subcommand(
      "three-body",
      "The planar three-body problem of Breen et al. 2020 (\"Newton vs the machine\"): three "
      "equal masses at rest, x1 = (1, 0), x2 in x in [-0.5, 0], y in [0, 1], |x2| <= 1, x3 = -x1 "
      "- x2. Runs are integrated with Bulirsch-Stoer and accepted only when a stricter rerun (a "
      "smaller tolerance and, past double precision, more MPFR bits) agrees.");
  cmd->require_subcommand(1);

  CLI::App* gen = cmd->add_subcommand(
      "generate",
      "Integrate --runs random initial conditions to --t-max on a grid of --dt and write the "
      "training tables. Resumable: finished runs are kept in OUT/runs/ and skipped on a rerun; "
      "damaged run files are detected and recomputed. The same --seed gives the same data for "
      "any --threads.");
  gen->add_option("--runs", o.generate.runs, "number of runs (initial conditions)")
      ->required()
      ->check(CLI::Range(int64_t{1}, int64_t{100'000'000}));
  gen->add_option("--out", o.out, "dataset directory (created if needed)")->required();
  gen->add_option("--seed", o.generate.seed, "run k's x2 is drawn from (seed, k) alone")
      ->capture_default_str()
      ->check(scidl::cli::seed_range());
  gen->add_option("--t-max", o.t_max,
                  "end of the output window; 3.9 (1000 rows per run), 7.8 or 10 (2561 rows) as "
                  "in the paper")
      ->capture_default_str()
      ->check(scidl::cli::positive_at_most(1e3));
  gen->add_option("--dt", o.generate.dt, "output spacing (2^-8 as in the paper)")
      ->capture_default_str()
      ->check(scidl::cli::positive_at_most(1.0));
  gen->add_option("--threads", o.generate.threads, "worker threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  add_convergence_options(*gen, o.generate.convergence);
  gen->add_flag("--no-progress", o.no_progress, "do not show the progress bar");
  gen->add_flag("--no-assemble", o.no_assemble, "only write OUT/runs/, not the tables");
  gen->add_flag("--include-unconverged", o.include_unconverged,
                "keep runs that did not converge in the train_* tables (not recommended)");
  gen->callback([options] { run_generate(*options); });

  CLI::App* asm_cmd = cmd->add_subcommand(
      "assemble",
      "Write train_X.csv (t, x2_0, y2_0), train_Y.csv (x1, y1, x2, y2 at t), train_V.csv "
      "(vx1, vy1, vx2, vy2, vx3, vy3 at t), run_id.csv and runs.csv from OUT/runs/, in run "
      "order. Runs that did not converge are left out of the train_* tables.");
  asm_cmd->add_option("--out", o.out, "dataset directory written by generate")->required();
  asm_cmd
      ->add_option("--t-max", o.assemble_t_max,
                   "a shorter window than the generated one (default: all of it)")
      ->check(CLI::Range(0.0, 1e3));
  asm_cmd->add_flag("--include-unconverged", o.include_unconverged,
                    "keep runs that did not converge in the train_* tables");
  asm_cmd->callback([options] { run_assemble(*options); });

  CLI::App* one = cmd->add_subcommand(
      "integrate",
      "Integrate one initial condition until converged and report each rung of the ladder; exits "
      "with status 1 when it does not converge.");
  one->add_option("--x2", o.x2, "initial x of particle 2, in [-0.5, 0]")
      ->required()
      ->check(CLI::Range(-0.5, 0.0));
  one->add_option("--y2", o.y2, "initial y of particle 2, in [0, 1] (and |x2| <= 1)")
      ->required()
      ->check(CLI::Range(0.0, 1.0));
  one->add_option("--t-max", o.t_max, "end of the output window")
      ->capture_default_str()
      ->check(scidl::cli::positive_at_most(1e3));
  one->add_option("--dt", o.generate.dt, "output spacing")
      ->capture_default_str()
      ->check(scidl::cli::positive_at_most(1.0));
  one->add_option("--out", o.trajectory_out, "write the trajectory to this CSV file");
  add_convergence_options(*one, o.generate.convergence);
  one->callback([options] { run_integrate(*options); });

  for (auto& add : scidl::cli::three_body_command_registry()) add(*cmd);  // e.g. `report`
}

SCIDL_COMMAND(setup);

}  // namespace
