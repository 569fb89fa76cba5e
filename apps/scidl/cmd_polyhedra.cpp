// scidl polyhedra generate --count N --out DIR [--seed S]: random convex polyhedra for the Euler's
// formula case. Writes DIR/train_X.csv (E, V, volume, area) and DIR/train_Y.csv (F), the layout
// `scidl train` configs read.
#include <fmt/core.h>

#include <filesystem>

#include "command.h"
#include "scidl/data/csv.h"
#include "scidl/sci/polyhedra.h"

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
  fmt::print("wrote {} random convex polyhedra to {} (train_X.csv: E, V, volume, area; "
             "train_Y.csv: F)\n",
             n, a.out);
}

SCIDL_COMMAND([](CLI::App& app) {
  auto a = std::make_shared<PolyhedraArgs>();
  auto* cmd = app.add_subcommand("polyhedra", "Random convex polyhedra (Euler's formula case)");
  cmd->require_subcommand(1);
  auto* gen = cmd->add_subcommand("generate", "Write E, V, volume, area -> F tables of random convex hulls of lattice points");
  gen->add_option("--count", a->options.count, "number of polyhedra")->required()->check(CLI::PositiveNumber);
  gen->add_option("--out", a->out, "output folder")->required();
  gen->add_option("--seed", a->options.seed, "random seed (same seed, same polyhedra)");
  gen->add_option("--min-points", a->options.min_points, "fewest lattice points per hull (>= 4)");
  gen->add_option("--max-points", a->options.max_points, "most lattice points per hull");
  gen->add_option("--min-grid", a->options.min_grid, "smallest lattice {0..L}^3");
  gen->add_option("--max-grid", a->options.max_grid, "largest lattice {0..L}^3");
  gen->callback([a] { generate(*a); });
});

}  // namespace
