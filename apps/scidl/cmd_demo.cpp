// scidl demo: the main job on its built-in default, needing no files. The Breen et al. (2020)
// pipeline in small: generate a few hundred converged three-body runs (t ≤ 3.9), train the
// paper's network (10 × Dense(128, ReLU)) briefly, and write the report with its figures
// (`scidl three-body report`) into one named folder:
//   OUT/data/    the dataset (train_X.csv, train_Y.csv, train_V.csv, run_id.csv, runs.csv, runs/)
//   OUT/train/   the training run (best.scidl, history.csv, config.json, plots/)
//   OUT/report/  report.md, fig3_mae, fig4_trajectories, fig5_ring, energy_error (.svg .png .csv)
// Each step reuses what a previous demo left (finished runs are not recomputed), so a rerun
// after Ctrl-C continues. Sized for about 3-5 minutes on 2 cores.
#include <fmt/core.h>

#include <chrono>
#include <filesystem>
#include <memory>

#include "command.h"
#include "option_ranges.h"
#include "scidl/cases/three_body/dataset.h"
#include "scidl/cases/three_body/report.h"
#include "scidl/io/config_reader.h"
#include "scidl/train/run.h"

namespace {

namespace fs = std::filesystem;

// The paper's network and optimizer (examples/three_body/breen2020.toml), with a shorter
// training: a smaller batch and larger step make a few epochs count (the paper: batch 5000,
// lr 5e-4, 1000 epochs), and 5% of the runs are held out so validation sees more than 3 runs.
constexpr const char* kTrainingConfig = R"(
seed = 2020
[data]
x = "{data}/train_X.csv"
y = "{data}/train_Y.csv"
groups = "{data}/run_id.csv"
validation_split = 0.05
split = "group"
[model]
inputs = 3
init = "glorot_uniform"
layers = [ {{ type = "dense", units = 128, activation = "relu", repeat = 10 }},
           {{ type = "dense", units = 4 }} ]
[optimizer]
type = "adam"
lr = 1e-3
betas = [0.9, 0.999]
eps = 1e-7
[training]
epochs = {epochs}
batch_size = 500
loss = "mae"
metrics = ["mae", "mse"]
[output]
dir = "{train}"
)";

struct DemoArgs {
  fs::path out = "runs/demo";
  std::int64_t runs = 400;
  int epochs = 5;
  int max_bits = 106;  // double, then double-double: MPFR only in `three-body generate`
  double accept_distance = 1e-3;
  int threads = 2;
  int ring_points = 1000;
  std::uint64_t seed = 1;
  std::vector<std::string> overrides;
  bool show_config = false;
};

std::string training_config(const DemoArgs& a) {
  return fmt::format(kTrainingConfig, fmt::arg("data", (a.out / "data").generic_string()),
                     fmt::arg("train", (a.out / "train").generic_string()),
                     fmt::arg("epochs", a.epochs));
}

void run_demo(const DemoArgs& a) {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(clock::now() - start).count(); };
  if (a.show_config) {
    fmt::print("{}", training_config(a));
    return;
  }
  fmt::print(
      "scidl demo: Breen et al. (2020) \"Newton vs the machine\" in small: {} three-body runs to "
      "t = 3.9, the paper's network trained for {} epochs, then the report. Everything goes to "
      "{}/\n\n",
      a.runs, a.epochs, a.out.string());

  scidl::sci::GenerateSettings g;
  g.out_dir = a.out / "data";
  g.runs = a.runs;
  g.seed = a.seed;
  g.t_max = 3.9;
  g.threads = a.threads;
  g.convergence.max_bits = a.max_bits;
  g.convergence.accept_distance = a.accept_distance;
  fmt::print(
      "1/3 data: Bulirsch-Stoer runs, kept when a stricter rerun agrees to a phase-space distance "
      "of {:g}. To stay cheap the demo caps the precision at {} bits ({}): runs with close "
      "encounters that need more are left out and counted, which makes the demo data easier "
      "than the paper's. (`scidl three-body generate` defaults: distance 1e-4, up to 144 "
      "bits.)\n",
      g.convergence.accept_distance, a.max_bits,
      a.max_bits <= 53    ? "double precision only: tol 1e-11 against 1e-13"
      : a.max_bits <= 106 ? "double, then double-double at tol 1e-16 and 1e-18"
                          : "double, double-double, then MPFR rungs");
  const auto generated = scidl::sci::generate_three_body_runs(g);
  scidl::sci::AssembleSettings as;
  as.out_dir = g.out_dir;
  const auto assembled = scidl::sci::assemble_three_body_dataset(as);
  fmt::print(
      "    {} of {} runs converged ({} computed now, {} reused); {} rows in {}/ ({:.0f} s)\n\n",
      assembled.runs_written, generated.runs, generated.computed, generated.reused,
      assembled.rows_written, g.out_dir.string(), elapsed());

  fmt::print("2/3 training: 10 x Dense(128, ReLU) -> 4, Adam, MAE loss, 5% of the runs held out\n");
  auto doc = scidl::io::parse_config_string(training_config(a), "built-in demo config");
  for (const auto& o : a.overrides) scidl::io::apply_override(doc, o);
  const auto config = scidl::train::parse_run_config(doc, {});
  // The demo's folder is its own: a second demo replaces the first one's training run.
  scidl::train::run_training(config, {.verbose = true, .overwrite = true});
  fmt::print("    trained in {}/ ({:.0f} s so far)\n\n", config.output_dir.string(), elapsed());

  fmt::print("3/3 report: figures, energies, timings\n");
  scidl::sci::ReportSettings r;
  r.dataset_dir = g.out_dir;
  r.model_path = config.output_dir / "best.scidl";
  r.run_dir = config.output_dir;
  r.out_dir = a.out / "report";
  r.ring_points = a.ring_points;
  r.threads = a.threads;
  r.energy_runs = 10;
  const auto report = scidl::sci::write_three_body_report(r);
  fmt::print(
      "\ndone in {:.0f} s. Validation MAE {:.4g} (best of {} epochs; the paper: 0.013-0.02 after "
      "1000 epochs); energy error of the network {:.2g}, projected {:.2g}; speed-up per trajectory "
      "point {:.3g}x.\nReport: {}\nFigures: {}/*.png (and .svg, .csv)\n",
      elapsed(), report.best_val_mae, report.epochs, report.energy_error_network_median,
      report.energy_error_projected_median, report.speedup_per_point_batched,
      report.report.string(), r.out_dir.string());
}

SCIDL_COMMAND([](CLI::App& app) {
  auto a = std::make_shared<DemoArgs>();
  auto* cmd = app.add_subcommand(
      "demo",
      "The main job on its built-in default: generate three-body runs, train the Breen et al. "
      "network briefly and write the report with its figures (a few minutes on 2 cores)");
  cmd->add_option("--out", a->out, "the demo's folder")->capture_default_str();
  cmd->add_option("--runs", a->runs, "three-body runs to generate")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{10}, std::int64_t{1000000}));
  cmd->add_option("--epochs", a->epochs, "training epochs")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--max-bits", a->max_bits,
                  "precision cap of the convergence ladder (53: double only; 106: double-double)")
      ->capture_default_str()
      ->check(CLI::Range(53, 1024));
  cmd->add_option("--accept-distance", a->accept_distance,
                  "phase-space distance under which two rungs agree")
      ->capture_default_str()
      ->check(scidl::cli::positive_at_most(1.0));
  cmd->add_option("--threads", a->threads, "threads for data generation")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--ring-points", a->ring_points, "initial conditions on the Fig. 5 ring")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--seed", a->seed, "seed of the initial conditions")
      ->capture_default_str()
      ->check(scidl::cli::seed_range());
  cmd->add_option("--set", a->overrides,
                  "override an entry of the training config, e.g. --set training.batch_size=5000");
  cmd->add_flag("--show-config", a->show_config, "print the training config and exit");
  cmd->callback([a] { run_demo(*a); });
});

}  // namespace
