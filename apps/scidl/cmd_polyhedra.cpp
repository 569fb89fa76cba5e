// scidl polyhedra generate --count N --out DIR [--seed S]: random convex polyhedra for the Euler's
// formula case. Writes DIR/train_X.csv (E, V, volume, area) and DIR/train_Y.csv (F), the layout
// `scidl train` configs read, plus DIR/train_Z.csv, the same features standardised (z-scores, to
// train on and rank salience on one scale, as Davies et al. do) and DIR/standardisation.csv
// (mean and population standard deviation of each feature).
#include <fmt/core.h>

#include <cmath>
#include <filesystem>

#include "command.h"
#include "option_ranges.h"
#include "scidl/cases/polyhedra/polyhedra.h"
#include "scidl/data/csv.h"

namespace {

struct PolyhedraArgs {
  scidl::sci::RandomPolyhedraOptions options;
  std::string out;
};

void generate(const PolyhedraArgs& a) {
  auto samples = scidl::sci::random_polyhedra(a.options);
  std::filesystem::create_directories(a.out);
  std::vector<double> x, y;
  for (const auto& s : samples) {
    x.insert(x.end(), {static_cast<double>(s.edges), static_cast<double>(s.vertices), s.volume,
                       s.surface_area});
    y.push_back(static_cast<double>(s.faces));
  }
  const auto n = static_cast<int64_t>(samples.size());
  const std::filesystem::path dir(a.out);
  scidl::data::write_csv(dir / "train_X.csv", {"E", "V", "volume", "area"}, n, 4, x.data());
  scidl::data::write_csv(dir / "train_Y.csv", {"F"}, n, 1, y.data());
  std::vector<double> stats(8, 0.0), z(x.size());  // rows: mean, std
  for (int64_t i = 0; i < n; ++i)
    for (int j = 0; j < 4; ++j) stats[j] += x[i * 4 + j] / static_cast<double>(n);
  for (int64_t i = 0; i < n; ++i)
    for (int j = 0; j < 4; ++j)
      stats[4 + j] += std::pow(x[i * 4 + j] - stats[j], 2) / static_cast<double>(n);
  for (int j = 0; j < 4; ++j) stats[4 + j] = stats[4 + j] > 0 ? std::sqrt(stats[4 + j]) : 1.0;
  for (int64_t i = 0; i < n; ++i)
    for (int j = 0; j < 4; ++j) z[i * 4 + j] = (x[i * 4 + j] - stats[j]) / stats[4 + j];
  scidl::data::write_csv(dir / "train_Z.csv", {"E", "V", "volume", "area"}, n, 4, z.data());
  scidl::data::write_csv(dir / "standardisation.csv", {"E", "V", "volume", "area"}, 2, 4,
                         stats.data());
  fmt::print(
      "wrote {} random convex polyhedra to {} (train_X.csv: E, V, volume, area; train_Z.csv: "
      "the same standardised; train_Y.csv: F)\n",
      n, a.out);
}

SCIDL_COMMAND([](CLI::App& app) {
  auto a = std::make_shared<PolyhedraArgs>();
  auto* cmd = app.add_subcommand("polyhedra", "Random convex polyhedra (Euler's formula case)");
  cmd->require_subcommand(1);
  auto* gen = cmd->add_subcommand(
      "generate", "Write E, V, volume, area -> F tables of random convex hulls of lattice points");
  gen->add_option("--count", a->options.count, "number of polyhedra")
      ->required()
      ->check(CLI::Range(int64_t{1}, int64_t{100'000'000}));
  gen->add_option("--out", a->out, "output folder")->required();
  gen->add_option("--seed", a->options.seed, "random seed (same seed, same polyhedra)")
      ->check(scidl::cli::seed_range());
  gen->add_option("--min-points", a->options.min_points, "fewest lattice points per hull (>= 4)")
      ->check(CLI::Range(4, 100000));
  gen->add_option("--max-points", a->options.max_points, "most lattice points per hull")
      ->check(CLI::Range(4, 100000));
  gen->add_option("--min-grid", a->options.min_grid, "smallest lattice {0..L}^3")
      ->check(CLI::Range(1, 1000));
  gen->add_option("--max-grid", a->options.max_grid, "largest lattice {0..L}^3")
      ->check(CLI::Range(1, 1000));
  gen->callback([a] { generate(*a); });
});

}  // namespace
