// A search space over a run config's keys with Ray Tune's primitives and their exact sampling
// rules (ray/tune/search/sample.py), written in a tune config's [space] table:
//   "optimizer.lr" = { loguniform = [1e-4, 1e-1] }
//   "model.layers[0].units" = { choice = [4, 8, 16, 32, 64] }
//   "training.batch_size" = { grid_search = [16, 32] }
//   "model.layers[2].rate" = { quniform = [0.1, 0.5, 0.1] }
//   "training.epochs" = 20                       (a constant: the same in every trial)
// uniform [l, u); quniform (l, u, q): bounds divisible by q, u included; loguniform (l > 0);
// qloguniform; randint [l, u) (u excluded); qrandint (q = 1: as randint, else u included);
// lograndint [l, u) floored; qlograndint; randn (mean, sd); qrandn; choice; grid_search (every
// trial point is one combination of all grid axes: the cartesian product).
// Contract: parse_search_space refuses an empty space and every malformed domain naming the key;
// sample() draws from a Generator, so a seeded study draws the same points on every machine.
#pragma once
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "scidl/tensor/random.h"

namespace toml {
inline namespace v3 {
class table;
}
}  // namespace toml

namespace scidl::tune {

enum class DomainKind {
  constant,
  choice,
  grid_search,
  uniform,
  quniform,
  loguniform,
  qloguniform,
  randint,
  qrandint,
  lograndint,
  qlograndint,
  randn,
  qrandn,
};

struct Domain {
  DomainKind kind = DomainKind::constant;
  double low = 0, high = 0, q = 0;     // randn: low is the mean, high the standard deviation
  std::vector<nlohmann::json> values;  // constant (one), choice, grid_search

  bool is_grid() const { return kind == DomainKind::grid_search; }
  bool is_integer() const;  // randint and its kin draw integers
  bool is_log() const;      // loguniform and its kin: sampled (and modelled by TPE) in log space
  bool is_numeric_range() const;  // a range in [low, high] (not choice, grid, constant, randn)
  nlohmann::json sample(Generator& rng) const;  // grid_search and constant: not sampled
  // Snaps a value drawn elsewhere (TPE) in [low, high] to the domain: quantised, rounded,
  // clipped to its bounds, an integer where the domain draws integers.
  nlohmann::json snap(double value) const;
  std::string describe() const;  // "loguniform(0.0001, 0.1)", for tables and messages
};

struct SearchAxis {
  std::string key;  // a key path into the run config (io/config_path.h)
  Domain domain;
};

struct SearchSpace {
  std::vector<SearchAxis> axes;  // sorted by key (TOML tables keep no order)

  // The number of grid points: the product of every grid axis's length (1 without grids).
  int64_t grid_points() const;
  // The values of every grid axis at grid point `index` (0 <= index < grid_points()), the
  // first axis varying slowest, as Ray's BasicVariantGenerator enumerates them.
  nlohmann::json grid_point(int64_t index) const;
};

// `file` names the tune config for messages ("iris_tune.toml: [space] 'optimizer.lr': ...").
SearchSpace parse_search_space(const toml::table& space, const std::string& file);

}  // namespace scidl::tune
