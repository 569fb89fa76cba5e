// The three-body report end to end on tiny data (a handful of short runs, a small network, two
// epochs), the figures it draws, and the `three-body report` command's errors.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "../../test_util.h"
#include "scidl/cases/three_body/dataset.h"
#include "scidl/cases/three_body/figures.h"
#include "scidl/cases/three_body/report.h"
#include "scidl/cases/three_body/report_data.h"
#include "scidl/data/csv.h"
#include "scidl/io/config_reader.h"
#include "scidl/io/plot_figure.h"
#include "scidl/train/run.h"
#include "scidl/train/validation_split.h"

namespace scidl::sci {
namespace {

namespace fs = std::filesystem;
using scidl::testing::run_cli;
using scidl::testing::TempDir;

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// `runs` runs to t_max from `seed`, assembled into a dataset folder `dir`.
void make_tiny_dataset(const fs::path& dir, int runs, std::uint64_t seed, double t_max = 0.5) {
  GenerateSettings g;
  g.out_dir = dir;
  g.runs = runs;
  g.seed = seed;
  g.t_max = t_max;
  g.show_progress = false;
  generate_three_body_runs(g);
  AssembleSettings a;
  a.out_dir = dir;
  assemble_three_body_dataset(a);
}

// 6 runs and a 2-epoch run of a small network on them; returns the run folder.
fs::path make_tiny_dataset_and_model(const fs::path& root) {
  const fs::path data = root / "data";
  make_tiny_dataset(data, 6, 3);
  const std::string config = fmt::format(R"(
seed = 4
[data]
x = "{0}/train_X.csv"
y = "{0}/train_Y.csv"
groups = "{0}/run_id.csv"
validation_split = 0.34
split = "group"
[model]
inputs = 3
layers = [ {{ type = "dense", units = 16, activation = "relu", repeat = 2 }}, {{ type = "dense", units = 4 }} ]
[optimizer]
type = "adam"
lr = 1e-3
[training]
epochs = 2
batch_size = 64
loss = "mae"
metrics = ["mae"]
[output]
dir = "{1}"
plots = false
)",
                                         data.string(), (root / "train").string());
  auto doc = io::parse_config_string(config, "tiny report config");
  train::run_training(train::parse_run_config(doc, {}), false);
  return root / "train";
}

// What write_three_body_report(s) throws as an E; a test failure (and "") when it throws nothing.
template <class E>
std::string report_error(const ReportSettings& s, const std::string& accepted) {
  try {
    write_three_body_report(s);
  } catch (const E& e) {
    return e.what();
  }
  ADD_FAILURE() << accepted << " was accepted";
  return "";
}

TEST(ThreeBodyReport, WritesTheReportAndEveryFigureFromTinyData) {
  TempDir dir("three_body_report");
  const fs::path run = make_tiny_dataset_and_model(dir.path);
  ReportSettings s;
  s.dataset_dir = dir.path / "data";
  s.model_path = run / "best.scidl";
  s.out_dir = dir.path / "report";
  s.ring_points = 12;
  s.log = nullptr;
  const ReportSummary r = write_three_body_report(s);
  EXPECT_EQ(r.epochs, 2);
  EXPECT_GT(r.final_val_mae, 0);
  // The report's own pass over every validation run reproduces the validation MAE training
  // logged for this model (best.scidl: the epoch of the lowest validation MAE).
  EXPECT_NEAR(r.val_mae_all_runs, r.best_val_mae, 1e-4 * r.best_val_mae);
  EXPECT_GT(r.val_mae_worst_share, 0);
  EXPECT_LE(r.val_mae_worst_share, 1);
  for (const char* stem : {"fig3_mae", "fig4_trajectories", "fig5_ring", "energy_error"})
    for (const char* ext : {".svg", ".png", ".csv"})
      EXPECT_TRUE(fs::exists(s.out_dir / (std::string(stem) + ext))) << stem << ext;
  const std::string md = read_text(r.report);
  for (const char* words : {"## Data", "converged", "slowest 1%", "speed-up per trajectory point",
                            "raw network", "energy-projected", "all 2 validation runs",
                            "carry"})
    EXPECT_NE(md.find(words), std::string::npos) << words << "\n" << md;
  // The projection does what it is for, even on an untrained network.
  EXPECT_LT(r.energy_error_projected_median, r.energy_error_network_median);
  EXPECT_GT(r.speedup_per_point_batched, 0);
  // Two training and two validation runs are drawn (6 runs, 2 held out).
  const std::string svg = read_text(s.out_dir / "fig4_trajectories.svg");
  EXPECT_NE(svg.find("(validation)"), std::string::npos);
  EXPECT_NE(svg.find("(training)"), std::string::npos);
  // The ring keeps only the paper's times inside the data's window (t <= 0.5): the network
  // is not judged where it extrapolates.
  EXPECT_NE(md.find("left out: t = 0.95, 1.9, 2.95, 3.8, beyond this dataset's window"),
            std::string::npos)
      << md;
  const auto ring = data::read_csv(s.out_dir / "fig5_ring.csv");
  EXPECT_EQ(ring.rows, s.ring_points);  // one time, t = 0
}

TEST(ThreeBodyReport, TakesTheSplitTheRunRecordedAndRecomputesItForOlderRunFolders) {
  TempDir dir("three_body_report_split");
  const fs::path run = make_tiny_dataset_and_model(dir.path);
  const auto recorded = train::read_validation_split(run);
  ASSERT_TRUE(recorded);
  const RunSplit split = read_run_split(dir.path / "data", run);
  EXPECT_TRUE(split.recorded);
  EXPECT_EQ(split.validation, recorded->groups);
  EXPECT_EQ(split.validation.size(), 2u);  // 34% of 6 runs
  EXPECT_EQ(split.train.size() + split.validation.size(), 6u);
  EXPECT_EQ(split.seed, 4u);
  EXPECT_EQ(split.validation_fraction, 0.34);

  // What the file says wins: here, one training run said to be the validation run.
  std::ofstream(run / train::kValidationSplitFile) << fmt::format(
      R"({{"split": "group", "fraction": 0.34, "seed": 4, "groups": [{}]}})", split.train.front());
  const RunSplit edited = read_run_split(dir.path / "data", run);
  EXPECT_EQ(edited.validation, std::vector<std::int64_t>{split.train.front()});

  // A run folder written before runs recorded their split: the same split, from config.json.
  fs::remove(run / train::kValidationSplitFile);
  const RunSplit recomputed = read_run_split(dir.path / "data", run);
  EXPECT_FALSE(recomputed.recorded);
  EXPECT_EQ(recomputed.validation, split.validation);
  EXPECT_EQ(recomputed.train, split.train);
  EXPECT_EQ(recomputed.seed, 4u);

  // A recorded run the dataset does not have is refused.
  std::ofstream(run / train::kValidationSplitFile)
      << R"({"split": "group", "fraction": 0.34, "seed": 4, "groups": [999]})";
  try {
    read_run_split(dir.path / "data", run);
    ADD_FAILURE() << "a validation run the dataset lacks was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("has no run 999"), std::string::npos) << e.what();
  }
}

TEST(ThreeBodyReport, MeasuresTheModelOnEveryRunOfAHeldOutDataset) {
  TempDir dir("three_body_report_held_out");
  const fs::path run = make_tiny_dataset_and_model(dir.path);
  make_tiny_dataset(dir.path / "fresh", 3, 11);  // another seed: initial conditions new to it
  ReportSettings s;
  s.dataset_dir = dir.path / "data";
  s.model_path = run / "best.scidl";
  s.out_dir = dir.path / "report";
  s.ring_points = 4;
  s.energy_runs = 0;
  s.project_energy = false;
  s.log = nullptr;
  s.held_out_dir = dir.path / "fresh";
  const ReportSummary r = write_three_body_report(s);
  EXPECT_EQ(r.held_out_runs, 3u);
  EXPECT_GT(r.held_out_mae, 0);
  EXPECT_GT(r.held_out_worst_share, 0);
  EXPECT_LE(r.held_out_run_median, r.held_out_mae * 3);
  const std::string md = read_text(r.report);
  EXPECT_NE(md.find("held-out dataset"), std::string::npos) << md;
  EXPECT_NE(md.find("over all 3 runs"), std::string::npos) << md;
  EXPECT_NE(md.find("Held-out runs by closest approach"), std::string::npos) << md;

  // The closest-approach bands, against each run's closest approach computed here from the
  // assembled table (x3 = -x1 - x2 in the barycentric frame) rather than the run files.
  const auto y = data::read_csv(dir.path / "fresh" / "train_Y.csv");
  const auto ids = data::read_csv(dir.path / "fresh" / "run_id.csv");
  std::map<double, double> closest;  // run id -> least distance
  for (std::int64_t i = 0; i < y.rows; ++i) {
    const double x1 = y.at(i, 0), y1 = y.at(i, 1), x2 = y.at(i, 2), y2 = y.at(i, 3);
    const double d = std::min({std::hypot(x1 - x2, y1 - y2), std::hypot(2 * x1 + x2, 2 * y1 + y2),
                               std::hypot(x1 + 2 * x2, y1 + 2 * y2)});
    auto [it, fresh] = closest.try_emplace(ids.at(i, 0), d);
    if (!fresh) it->second = std::min(it->second, d);
  }
  std::size_t runs = 0;
  double share = 0, weighted = 0;
  for (const ApproachBand& b : r.held_out_mae_by_approach) {
    std::size_t inside = 0;
    for (const auto& [id, d] : closest) inside += d >= b.from && d < b.to;
    EXPECT_EQ(b.runs, inside) << "band " << b.from << " - " << b.to;
    EXPECT_GT(b.runs, 0u);
    runs += b.runs;
    share += b.share;
    weighted += b.mae * static_cast<double>(b.runs);
  }
  EXPECT_EQ(runs, 3u);
  EXPECT_NEAR(share, 1, 1e-12);
  EXPECT_NEAR(weighted / 3, r.held_out_mae, 1e-12);
  std::size_t validation_runs = 0;
  for (const ApproachBand& b : r.val_mae_by_approach) validation_runs += b.runs;
  EXPECT_EQ(validation_runs, 2u);

  // A held-out dataset over another window is refused before any work, naming both windows.
  make_tiny_dataset(dir.path / "short", 2, 12, 0.25);
  s.held_out_dir = dir.path / "short";
  fs::remove_all(s.out_dir);
  std::string m = report_error<std::invalid_argument>(
      s, "a held-out dataset over t <= 0.25 for a model of t <= 0.5");
  EXPECT_NE(m.find("short has 65 rows per run (t-max 0.25"), std::string::npos) << m;
  EXPECT_NE(m.find("has 129 rows per run (t-max 0.5"), std::string::npos) << m;
  EXPECT_NE(m.find("--t-max"), std::string::npos) << m;
  EXPECT_FALSE(fs::exists(s.out_dir / "fig3_mae.png"));  // refused before the figures

  // Another dataset as DIR is refused: the model's training/validation split is not its runs.
  s.held_out_dir.clear();
  s.dataset_dir = dir.path / "fresh";
  m = report_error<std::invalid_argument>(s, "a dataset the model was not trained on");
  EXPECT_NE(m.find("was trained on '" + (dir.path / "data").string() + "' (seed 3, 6 runs"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("not on '" + (dir.path / "fresh").string() + "' (seed 11, 3 runs"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("--held-out"), std::string::npos) << m;
  EXPECT_FALSE(fs::exists(s.out_dir));
  s.dataset_dir = dir.path / "data";

  // The held-out folder must be a dataset: its run_id.csv is named, with the command.
  s.held_out_dir = dir.path / "not_a_dataset";
  fs::create_directories(s.held_out_dir);
  m = report_error<std::exception>(s, "a folder without run_id.csv");
  EXPECT_NE(m.find("not_a_dataset/run_id.csv"), std::string::npos) << m;
  EXPECT_NE(m.find("three-body generate"), std::string::npos) << m;
}

TEST(ComparedRun, ClosestApproachIsTheLeastDistanceOfAnyPairAtAnyOutputTime) {
  ComparedRun r;
  EXPECT_TRUE(std::isinf(r.closest_approach()));  // no rows
  // Row 0: bodies 1-2 are 3 apart, 2-3 are 1 apart. Row 1: bodies 1-3 are 0.5 apart (3-4-5).
  r.integrator = {0, 0, 3, 0, 3, 1, 9, 9, 9, 9, 9, 9,
                  0, 0, 5, 5, 0.3, 0.4, 0, 0, 0, 0, 0, 0};
  EXPECT_DOUBLE_EQ(r.closest_approach(), 0.5);
  r.integrator.resize(12);
  EXPECT_DOUBLE_EQ(r.closest_approach(), 1);  // velocities (the 9s) are not positions
}

TEST(ThreeBodyReport, CommandNamesAMissingModelAndHowToMakeIt) {
  TempDir dir("three_body_report_cli");
  const auto help = run_cli("three-body report --help");
  EXPECT_EQ(help.status, 0) << help.output;
  EXPECT_NE(help.output.find("--model"), std::string::npos);
  const auto r = run_cli("three-body report " + dir.path.string() + " --model " +
                         (dir.path / "nope.scidl").string());
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("nope.scidl' does not exist"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("scidl train"), std::string::npos) << r.output;
}

TEST(PlotFigure, DrawsPanelsWithLinesDashesAndPointsInBothFormats) {
  io::Figure f;
  f.title = "test";
  io::FigurePanel p;
  p.title = "panel";
  p.equal_aspect = true;
  p.series.push_back({"a", {0, 1, 2}, {0, 1, 0}, 0, io::MarkStyle::Line, 1.5});
  p.series.push_back({"b", {0, 1, 2}, {1, 0, NAN}, 1, io::MarkStyle::DashedLine, 1.5});
  p.series.push_back({"c", {0.5}, {0.5}, 2, io::MarkStyle::Points, 2});
  f.panels = {p, io::FigurePanel{"empty", "x", "y", {}, false}};
  const std::string svg = io::render_figure_svg(f);
  EXPECT_NE(svg.find("stroke-dasharray"), std::string::npos);
  EXPECT_NE(svg.find("<circle"), std::string::npos);
  EXPECT_NE(svg.find("no data"), std::string::npos);
  // Equal aspect: one data unit is as long on x as on y.
  const io::FigureLayout layout = io::layout_figure(f);  // kept: panels[0] must outlive the line
  const io::PanelLayout& l = layout.panels[0];
  EXPECT_NEAR((l.x_max - l.x_min) / l.width, (l.y_max - l.y_min) / l.height, 1e-12);
  const io::RgbImage image = io::render_figure_image(f);
  EXPECT_EQ(image.width, 2 * f.panel_width);
  EXPECT_EQ(image.pixels.size(), static_cast<size_t>(image.width) * image.height * 3);
}

}  // namespace
}  // namespace scidl::sci
