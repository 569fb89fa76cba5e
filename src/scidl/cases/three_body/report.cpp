#include "scidl/cases/three_body/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>
#include <stdexcept>

#include "scidl/cases/three_body/energy_model.h"
#include "scidl/cases/three_body/figures.h"
#include "scidl/cases/three_body/manifest.h"
#include "scidl/cases/three_body/report_data.h"
#include "scidl/cases/three_body/ring.h"
#include "scidl/cases/three_body/run_file.h"
#include "scidl/cases/three_body/surrogate.h"
#include "scidl/cases/three_body/timing.h"
#include "scidl/io/file_io.h"
#include "scidl/nn/model_io.h"
#include "scidl/sci/nbody_integration.h"

namespace scidl::sci {

namespace fs = std::filesystem;

namespace {

// Integrator and network (with autograd velocities, and projected) on one run of the dataset.
ComparedRun compare_run(nn::Module& model, const fs::path& dataset_dir, std::int64_t run_id,
                        bool validation, int rows, bool project) {
  const ThreeBodyRun run = read_run_file(run_file_path(dataset_dir, run_id));
  ComparedRun c;
  c.run_id = run_id;
  c.validation = validation;
  c.x2_0 = run.x2;
  c.y2_0 = run.y2;
  c.initial_energy = breen_initial_energy(run.x2, run.y2);
  rows = std::min(rows, run.grid.rows);
  std::vector<double> inputs;
  for (int k = 0; k < rows; ++k) {
    c.t.push_back(run.grid.time(k));
    inputs.insert(inputs.end(), {run.grid.time(k), run.x2, run.y2});
  }
  c.integrator.assign(run.states.begin(),
                      run.states.begin() + static_cast<std::ptrdiff_t>(rows) * 12);
  c.network = evaluate_surrogate(model, inputs, true).states;
  if (project) {
    for (int k = 0; k < rows; ++k) {
      const ProjectedState p =
          project_to_energy(&c.network[static_cast<size_t>(k) * 12], c.initial_energy);
      c.projected.insert(c.projected.end(), p.state.begin(), p.state.end());
    }
  }
  return c;
}

double position_mae(const ComparedRun& r) {
  double sum = 0;
  size_t n = 0;
  for (size_t k = 0; k + 12 <= r.integrator.size(); k += 12)
    for (int i = 0; i < 4; ++i, ++n) sum += std::abs(r.network[k + i] - r.integrator[k + i]);
  return n ? sum / static_cast<double>(n) : NAN;
}

// Band edges of the closest-approach breakdown. The error rises steeply below 0.01: there two
// unit masses pass each other at a relative speed of ~20, 0.08 per output step, so the grid no
// longer resolves the encounter.
constexpr double kApproachEdges[] = {0, 1e-3, 3e-3, 1e-2, 3e-2, INFINITY};

// A model's position MAE on each of a set of runs, and how it splits: the mean over runs (the
// validation MAE training logs), median, 90% and the share of the sum the worst 5% carry; and
// by closest approach.
struct RunMaes {
  std::vector<double> by_run;  // largest first
  std::size_t worst = 0;       // how many runs are the worst 5% (at least one)
  double mean = 0, median = 0, worst_share = 0, rest_mean = 0;
  std::vector<ApproachBand> by_approach;  // non-empty bands, closest first
};

RunMaes mae_over_runs(nn::Module& model, const fs::path& dataset_dir,
                      const std::vector<std::int64_t>& ids, int rows_per_run) {
  RunMaes m;
  std::vector<ApproachBand> bands;
  for (size_t b = 0; b + 1 < std::size(kApproachEdges); ++b)
    bands.push_back({.from = kApproachEdges[b], .to = kApproachEdges[b + 1]});
  for (std::int64_t id : ids) {
    const ComparedRun run = compare_run(model, dataset_dir, id, true, rows_per_run, false);
    const double mae = position_mae(run), approach = run.closest_approach();
    m.by_run.push_back(mae);
    for (ApproachBand& b : bands)
      if (approach >= b.from && approach < b.to) {
        ++b.runs;
        b.mae += mae;  // a sum until divided below
      }
  }
  if (m.by_run.empty()) return m;
  std::sort(m.by_run.begin(), m.by_run.end(), std::greater<>());
  m.worst = std::max<size_t>(1, (m.by_run.size() + 10) / 20);
  double sum = 0, worst_sum = 0;
  for (size_t i = 0; i < m.by_run.size(); ++i) (i < m.worst ? worst_sum : sum) += m.by_run[i];
  sum += worst_sum;
  m.mean = sum / static_cast<double>(m.by_run.size());
  m.median = quantile(m.by_run, 0.5);
  m.worst_share = sum > 0 ? worst_sum / sum : 0;
  const size_t rest = m.by_run.size() - m.worst;
  m.rest_mean = rest > 0 ? (sum - worst_sum) / static_cast<double>(rest) : NAN;
  for (ApproachBand& b : bands) {
    if (b.runs == 0) continue;
    b.share = sum > 0 ? b.mae / sum : 0;
    b.mae /= static_cast<double>(b.runs);
    m.by_approach.push_back(b);
  }
  return m;
}

// One line of report.md on `m`, for runs described as `which` ("validation runs").
std::string describe(const RunMaes& m, const std::string& which) {
  std::string md = fmt::format(
      "position MAE {:.4g} over all {} {}; per run: median {:.3g}, 90% {:.3g}, worst {:.3g}. The "
      "worst {} run(s) (5%) carry {:.0f}% of that MAE",
      m.mean, m.by_run.size(), which, m.median, quantile(m.by_run, 0.9), m.by_run.front(),
      m.worst, 100 * m.worst_share);
  if (m.by_run.size() > m.worst)
    md += fmt::format("; the other {} runs: MAE {:.4g}", m.by_run.size() - m.worst, m.rest_mean);
  return md;
}

// A table of `m` by closest approach, for runs described as `which`.
std::string approach_table(const RunMaes& m, const std::string& which) {
  std::string md = fmt::format(
      "\n{} by closest approach (the least distance between two bodies at the output times):\n\n"
      "| closest approach | runs | position MAE | share of the sum |\n|---|---:|---:|---:|\n",
      which);
  for (const ApproachBand& b : m.by_approach)
    md += fmt::format("| {} | {} | {:.4f} | {:.0f}% |\n",
                      std::isinf(b.to) ? fmt::format("≥ {:g}", b.from)
                                       : fmt::format("{:g} – {:g}", b.from, b.to),
                      b.runs, b.mae, 100 * b.share);
  return md;
}

// "1000 rows per run (t-max 3.9, dt 0.00390625)", the grid part when generation.txt tells it.
std::string window(int rows, const std::optional<Manifest>& m) {
  return m ? fmt::format("{} rows per run (t-max {:g}, dt {:g})", rows, m->t_max, m->dt)
           : fmt::format("{} rows per run", rows);
}

// A held-out dataset measures the model only over the window and grid it was trained on.
void check_same_window(const fs::path& train_dir, int train_rows, const fs::path& held_out_dir,
                       int held_out_rows) {
  const auto a = read_manifest(train_dir), b = read_manifest(held_out_dir);
  if (held_out_rows == train_rows && (!a || !b || a->dt == b->dt)) return;
  throw std::invalid_argument(fmt::format(
      "three-body report: the held-out dataset {} has {}, but the model's data {} has {}; "
      "generate the held-out runs with the same --t-max and --dt and another --seed",
      held_out_dir.string(), window(held_out_rows, b), train_dir.string(),
      window(train_rows, a)));
}

std::string seconds(double s) {
  if (!std::isfinite(s)) return "n/a";
  if (s >= 1) return fmt::format("{:.3g} s", s);
  if (s >= 1e-3) return fmt::format("{:.3g} ms", s * 1e3);
  return fmt::format("{:.3g} µs", s * 1e6);
}

std::string precision_name(int bits) {
  if (bits <= 53) return "double";
  if (bits == Precision::kDoubleDoubleBits) return "double-double (106 bits)";
  return fmt::format("{} bits (MPFR)", bits);
}

}  // namespace

ReportSummary write_three_body_report(const ReportSettings& in) {
  using clock = std::chrono::steady_clock;
  const auto started = clock::now();
  ReportSettings s = in;
  if (s.run_dir.empty()) s.run_dir = s.model_path.parent_path();
  if (s.out_dir.empty()) s.out_dir = s.dataset_dir / "report";
  if (!fs::exists(s.model_path))
    throw std::runtime_error(
        fmt::format("three-body report: model '{}' does not exist; train one with `scidl train "
                    "examples/three_body/breen2020.toml` and pass --model RUN_DIR/best.scidl",
                    s.model_path.string()));
  ReportSummary out;
  auto note = [&](const std::string& what) {
    if (s.log) fmt::print(s.log, "report: {}\n", what);
  };
  auto add_files = [&](const std::vector<fs::path>& files) {
    out.files.insert(out.files.end(), files.begin(), files.end());
  };

  const RunsStatistics stats = read_runs_statistics(s.dataset_dir / "runs.csv");
  const TrainingCurves curves = read_training_curves(s.run_dir / "history.csv");
  const RunSplit split = read_run_split(s.dataset_dir, s.run_dir);
  std::vector<std::int64_t> held_out_column;  // checked before the long work starts
  if (!s.held_out_dir.empty()) {
    held_out_column = read_run_id_column(s.held_out_dir);
    check_same_window(s.dataset_dir, split.rows_per_run, s.held_out_dir,
                      rows_per_run(held_out_column));
  }
  fs::create_directories(s.out_dir);  // after the checks: a refused report leaves nothing
  auto loaded = io::load_model(s.model_path);
  nn::Module& model = *loaded.model;

  note("Fig. 3: MAE per epoch");
  add_files(io::write_figure(s.out_dir / "fig3_mae", mae_figure(curves)));
  write_mae_csv(s.out_dir / "fig3_mae.csv", curves);
  out.files.push_back(s.out_dir / "fig3_mae.csv");
  out.epochs = static_cast<int>(curves.epoch.size());
  if (!curves.val_mae.empty()) {
    out.final_val_mae = curves.val_mae.back();
    out.best_val_mae = *std::min_element(curves.val_mae.begin(), curves.val_mae.end());
  }

  note("Fig. 4: trajectories, and energies along them (with the energy projection)");
  std::vector<ComparedRun> shown;
  for (size_t i = 0; i < std::min<size_t>(2, split.train.size()); ++i)
    shown.push_back(compare_run(model, s.dataset_dir, split.train[i], false, split.rows_per_run,
                                s.project_energy));
  for (size_t i = 0; i < std::min<size_t>(2, split.validation.size()); ++i)
    shown.push_back(compare_run(model, s.dataset_dir, split.validation[i], true, split.rows_per_run,
                                s.project_energy));
  add_files(io::write_figure(s.out_dir / "fig4_trajectories", trajectories_figure(shown)));
  write_trajectories_csv(s.out_dir / "fig4_trajectories.csv", shown);
  add_files(io::write_figure(s.out_dir / "energy_error", energy_figure(shown)));
  write_energy_csv(s.out_dir / "energy_error.csv", shown);
  out.files.push_back(s.out_dir / "fig4_trajectories.csv");
  out.files.push_back(s.out_dir / "energy_error.csv");

  // Energy and MAE over validation runs (the shown ones reused), at most energy_runs of them.
  std::vector<double> raw_errors, projected_errors;
  const int energy_runs = std::min<int>(s.energy_runs, static_cast<int>(split.validation.size()));
  for (int i = 0; i < energy_runs; ++i) {
    const auto it = std::find_if(shown.begin(), shown.end(), [&](const ComparedRun& r) {
      return r.validation && r.run_id == split.validation[i];
    });
    const ComparedRun r = it != shown.end()
                              ? *it
                              : compare_run(model, s.dataset_dir, split.validation[i], true,
                                            split.rows_per_run, s.project_energy);
    for (double e : r.energy_error(r.network)) raw_errors.push_back(e);
    for (double e : r.energy_error(r.projected)) projected_errors.push_back(e);
  }
  out.energy_error_network_median = quantile(raw_errors, 0.5);
  out.energy_error_projected_median = quantile(projected_errors, 0.5);

  note(fmt::format("every validation run ({}), without the energy projection",
                   split.validation.size()));
  const RunMaes validation =
      mae_over_runs(model, s.dataset_dir, split.validation, split.rows_per_run);
  out.val_mae_all_runs = validation.mean;
  out.val_mae_run_median = validation.median;
  out.val_mae_worst_share = validation.worst_share;
  out.val_mae_by_approach = validation.by_approach;

  RunMaes held_out;
  if (!s.held_out_dir.empty()) {
    const std::set<std::int64_t> ids(held_out_column.begin(), held_out_column.end());
    note(fmt::format("every run of the held-out dataset {} ({})", s.held_out_dir.string(),
                     ids.size()));
    held_out = mae_over_runs(model, s.held_out_dir, {ids.begin(), ids.end()}, split.rows_per_run);
    out.held_out_runs = held_out.by_run.size();
    out.held_out_mae = held_out.mean;
    out.held_out_run_median = held_out.median;
    out.held_out_worst_share = held_out.worst_share;
    out.held_out_mae_by_approach = held_out.by_approach;
  }

  note(fmt::format("Fig. 5: sensitivity ring ({} runs in double, tolerance {:g})", s.ring_points,
                   s.ring_tolerance));
  RingSettings ring_settings;
  ring_settings.points = s.ring_points;
  ring_settings.tolerance = s.ring_tolerance;
  ring_settings.threads = s.threads;
  // Only the paper's times inside the data's window: beyond it the network extrapolates, and
  // its distance from the integrator there says nothing about the fit.
  std::vector<double> ring_beyond_window;
  if (const auto m = read_manifest(s.dataset_dir)) {
    std::erase_if(ring_settings.times, [&](double t) {
      if (t <= m->t_max + 1e-9) return false;
      ring_beyond_window.push_back(t);
      return true;
    });
  }
  const RingResult ring = integrate_ring(ring_settings);
  std::vector<double> ring_inputs;
  for (int i = 0; i < ring_settings.points; ++i)
    for (double t : ring_settings.times)
      ring_inputs.insert(ring_inputs.end(), {t, ring.x2_0[i], ring.y2_0[i]});
  const std::vector<double> ring_network = evaluate_surrogate(model, ring_inputs, false).states;
  add_files(
      io::write_figure(s.out_dir / "fig5_ring", ring_figure(ring_settings, ring, ring_network)));
  write_ring_csv(s.out_dir / "fig5_ring.csv", ring_settings, ring, ring_network);
  out.files.push_back(s.out_dir / "fig5_ring.csv");

  note("timing the surrogate");
  const SurrogateTiming timing = time_surrogate(model, split.rows_per_run);
  const double integrator_per_run = stats.seconds_median;
  const double integrator_per_point = integrator_per_run / split.rows_per_run;
  out.speedup_per_point_batched = integrator_per_point / timing.per_point_batched();
  out.speedup_single_point = integrator_per_run / timing.single_seconds;
  const double integrator_mean_run =
      stats.converged > 0 ? stats.seconds_total / static_cast<double>(stats.converged) : NAN;
  out.speedup_per_query = integrator_mean_run / timing.per_point_batched();

  const double window_end = shown.empty() || shown.front().t.empty() ? NAN : shown.front().t.back();

  // report.md
  std::string md = "# Newton vs the machine: the three-body surrogate\n\n";
  md += fmt::format(
      "Dataset `{}`, model `{}` (run folder `{}`). Reproduces Breen et al. 2020 (MNRAS 494, "
      "2465); their numbers are quoted for comparison.\n\n",
      s.dataset_dir.string(), s.model_path.string(), s.run_dir.string());
  md += "## Data\n\n";
  md += fmt::format("- runs: {} generated, {} converged ({:.1f}%), {} left out of training\n",
                    stats.runs, stats.converged,
                    100.0 * stats.converged / std::max<std::int64_t>(stats.runs, 1),
                    stats.runs - stats.converged);
  md += "- precision kept (converged runs):";
  for (const auto& [bits, count] : stats.runs_by_bits)
    md += fmt::format(" {} {};", count, precision_name(bits));
  md += "\n";
  md += fmt::format(
      "- {} rows per run (t = 0 to {:.4g}); split by run: {} training runs, {} validation runs "
      "({:g} of the runs, seed {})\n",
      split.rows_per_run, window_end, split.train.size(), split.validation.size(),
      split.validation_fraction, split.seed);
  md += fmt::format(
      "- integrator relative energy error (converged runs): median {:.3g}, max {:.3g}\n\n",
      stats.energy_error_median, stats.energy_error_max);
  md += "## Training (Fig. 3)\n\n![MAE per epoch](fig3_mae.png)\n\n";
  if (!curves.val_mae.empty())
    md += fmt::format(
        "- {} epochs; validation MAE: final {:.4g}, best {:.4g}; training MAE final {:.4g} "
        "(paper, t ≤ 3.9 after 1000 epochs: 0.013-0.015 training, 0.013-0.02 validation)\n",
        out.epochs, out.final_val_mae, out.best_val_mae, curves.mae.back());
  else
    md += fmt::format("- {} epochs, no validation split; training MAE final {:.4g}\n", out.epochs,
                      curves.mae.back());
  if (!validation.by_run.empty())
    md += "- this model: " + describe(validation, "validation runs") +
          " (chaotic runs with close encounters, where neighbouring initial conditions part "
          "ways, dominate the mean)\n";
  if (!held_out.by_run.empty())
    md += fmt::format("- on the held-out dataset `{}` (initial conditions training never saw): ",
                      s.held_out_dir.string()) +
          describe(held_out, "runs") + "\n";
  if (!validation.by_run.empty()) md += approach_table(validation, "Validation runs");
  if (!held_out.by_run.empty()) md += approach_table(held_out, "Held-out runs");
  md += "\n## Trajectories (Fig. 4)\n\n![trajectories](fig4_trajectories.png)\n\n";
  for (const ComparedRun& r : shown)
    md += fmt::format("- run {} ({}): position MAE {:.4g}\n", r.run_id,
                      r.validation ? "validation" : "training", position_mae(r));
  md += "\n## Sensitivity ring (Fig. 5)\n\n![ring](fig5_ring.png)\n\n";
  md += fmt::format(
      "- {} initial x2 on a circle of radius {} around ({}, {}); integrator: Bulirsch-Stoer in "
      "double precision at tolerance {:g} (one run each, no convergence ladder); {} runs failed; "
      "{} of CPU time ({} per run)\n",
      ring_settings.points, ring_settings.radius, ring_settings.centre_x, ring_settings.centre_y,
      ring_settings.tolerance, ring.failed, seconds(ring.cpu_seconds),
      seconds(ring.cpu_seconds / ring_settings.points));
  if (!ring_beyond_window.empty())
    md += fmt::format("- left out: t = {}, beyond this dataset's window, where the network would "
                      "extrapolate\n",
                      fmt::join(ring_beyond_window, ", "));
  for (size_t k = 0; k < ring_settings.times.size(); ++k) {
    std::vector<double> d;
    for (int i = 0; i < ring_settings.points; ++i) {
      const size_t at = (static_cast<size_t>(i) * ring_settings.times.size() + k) * 12;
      d.push_back(std::hypot(ring.states[at + 2] - ring_network[at + 2],
                             ring.states[at + 3] - ring_network[at + 3]));
    }
    md += fmt::format("- t = {}: median distance network-integrator of particle 2: {:.3g}\n",
                      ring_settings.times[k], quantile(d, 0.5));
  }
  md += "\n## Energy\n\n![energy error](energy_error.png)\n\n";
  md += fmt::format(
      "Velocities of the network are its time derivatives by autograd; E = kinetic + potential "
      "(G = m = 1), E0 = the potential at rest. Over {} validation runs ({} points):\n\n",
      energy_runs, raw_errors.size());
  md += fmt::format(
      "- raw network: median relative energy error {:.3g}, 90% {:.3g}, max {:.3g} (paper: ~1e-2)\n",
      quantile(raw_errors, 0.5), quantile(raw_errors, 0.9),
      raw_errors.empty() ? NAN : *std::max_element(raw_errors.begin(), raw_errors.end()));
  if (s.project_energy)
    md += fmt::format(
        "- energy-projected (Nelder-Mead per point on |E - E0|/|E0| + 1e-3 |s - s_net|): median "
        "{:.3g}, 90% {:.3g}, max {:.3g} (paper, projected: ~1e-5)\n",
        quantile(projected_errors, 0.5), quantile(projected_errors, 0.9),
        projected_errors.empty()
            ? NAN
            : *std::max_element(projected_errors.begin(), projected_errors.end()));
  md += "\n## Speed\n\n";
  md += fmt::format(
      "- integrator, per converged run ({}, the whole convergence ladder): median {}, slowest 1% "
      "from {}, slowest {}; per trajectory point (÷ {} rows): {}\n",
      stats.time_source, seconds(stats.seconds_median), seconds(stats.seconds_p99),
      seconds(stats.seconds_max), split.rows_per_run, seconds(integrator_per_point));
  md += fmt::format(
      "- surrogate, one evaluation of a single point: {}; a batch of {} points: {} ({} per "
      "point)\n",
      seconds(timing.single_seconds), timing.batch_rows, seconds(timing.batch_seconds),
      seconds(timing.per_point_batched()));
  md += fmt::format(
      "- speed-up per trajectory point (a whole trajectory, batched): {:.3g}x; for one state at "
      "t ≤ {:.3g} (one run against one evaluation): {:.3g}x (paper: about 1e5 against Brutus at "
      "~86 s per run; against 86 s per run this network is {:.3g}x faster per single point)\n",
      out.speedup_per_point_batched, window_end, out.speedup_single_point,
      86.0 / timing.single_seconds);
  md += fmt::format(
      "- speed-up per query, the paper's comparison (one state at t ≤ {:.3g} from its initial "
      "condition: the integrator runs the convergence ladder from 0 to t, mean {} per run over "
      "the {} converged runs, as Brutus' 86 s is a mean; the network evaluates that point in a "
      "batch, {} per point): {:.3g}x (paper: ~1e5 against Brutus)\n\n",
      window_end, seconds(integrator_mean_run), stats.converged,
      seconds(timing.per_point_batched()), out.speedup_per_query);
  md += fmt::format("Report written in {:.1f} s.\n",
                    std::chrono::duration<double>(clock::now() - started).count());
  out.report = s.out_dir / "report.md";
  io::AtomicFileWriter file(out.report);
  file.write(md);
  file.commit();
  out.files.insert(out.files.begin(), out.report);
  return out;
}

}  // namespace scidl::sci
