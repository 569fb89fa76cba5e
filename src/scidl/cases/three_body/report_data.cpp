#include "scidl/cases/three_body/report_data.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "scidl/cases/three_body/manifest.h"
#include "scidl/data/csv.h"
#include "scidl/data/dataset.h"
#include "scidl/train/validation_split.h"

namespace scidl::sci {

namespace fs = std::filesystem;

namespace {

void require_file(const fs::path& path, const std::string& how_to_make) {
  if (!fs::exists(path))
    throw std::runtime_error(
        fmt::format("three-body report: '{}' does not exist; {}", path.string(), how_to_make));
}

data::CsvOptions with_header() {
  data::CsvOptions o;
  o.header = data::CsvHeader::Present;
  return o;
}

std::int64_t column_index(const data::CsvTable& t, const std::string& name) {
  const auto it = std::find(t.column_names.begin(), t.column_names.end(), name);
  return it == t.column_names.end() ? -1 : it - t.column_names.begin();
}

}  // namespace

double quantile(std::vector<double> values, double q) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  const double position = q * static_cast<double>(values.size() - 1);
  const auto below = static_cast<size_t>(std::floor(position));
  const size_t above = std::min(below + 1, values.size() - 1);
  return values[below] + (position - static_cast<double>(below)) * (values[above] - values[below]);
}

RunsStatistics read_runs_statistics(const fs::path& runs_csv) {
  require_file(runs_csv, "run `scidl three-body generate --out DIR` (or `assemble`) first");
  const data::CsvTable t = data::read_csv(runs_csv, with_header());
  for (const char* name : {"converged", "bits", "relative_energy_error", "wall_seconds"})
    if (column_index(t, name) < 0)
      throw std::runtime_error(fmt::format(
          "three-body report: '{}' has no column '{}'; it is not a runs.csv written by `scidl "
          "three-body generate`",
          runs_csv.string(), name));
  const std::int64_t converged = column_index(t, "converged"), bits = column_index(t, "bits"),
                     energy = column_index(t, "relative_energy_error"),
                     wall = column_index(t, "wall_seconds"), cpu = column_index(t, "cpu_seconds");
  RunsStatistics s;
  s.runs = t.rows;
  bool all_cpu = cpu >= 0;
  for (std::int64_t r = 0; r < t.rows && all_cpu; ++r)
    if (t.at(r, converged) > 0.5 && t.at(r, cpu) < 0) all_cpu = false;
  s.time_source = all_cpu ? "cpu_seconds" : "wall_seconds";
  std::vector<double> errors, seconds;
  for (std::int64_t r = 0; r < t.rows; ++r) {
    if (t.at(r, converged) < 0.5) continue;
    ++s.converged;
    ++s.runs_by_bits[static_cast<int>(t.at(r, bits))];
    errors.push_back(t.at(r, energy));
    seconds.push_back(t.at(r, all_cpu ? cpu : wall));
  }
  s.energy_error_median = quantile(errors, 0.5);
  s.energy_error_max = errors.empty() ? NAN : *std::max_element(errors.begin(), errors.end());
  s.seconds_median = quantile(seconds, 0.5);
  s.seconds_p99 = quantile(seconds, 0.99);
  s.seconds_max = seconds.empty() ? NAN : *std::max_element(seconds.begin(), seconds.end());
  for (double v : seconds) s.seconds_total += v;
  return s;
}

TrainingCurves read_training_curves(const fs::path& history_csv) {
  require_file(history_csv,
               "pass --run with the folder `scidl train` wrote (it holds history.csv)");
  const data::CsvTable t = data::read_csv(history_csv, with_header());
  TrainingCurves c;
  std::int64_t train = column_index(t, "mae"), val = column_index(t, "val_mae");
  if (train < 0) {  // trained with another metric list: the loss is MAE for breen2020.toml
    c.metric = "loss";
    train = column_index(t, "loss");
    val = column_index(t, "val_loss");
  }
  if (train < 0 || column_index(t, "epoch") < 0)
    throw std::runtime_error(fmt::format(
        "three-body report: '{}' has neither an 'mae' nor a 'loss' column (or no 'epoch'); it is "
        "not a history.csv written by `scidl train`",
        history_csv.string()));
  const std::int64_t epoch = column_index(t, "epoch");
  for (std::int64_t r = 0; r < t.rows; ++r) {
    c.epoch.push_back(t.at(r, epoch) + 1);
    c.mae.push_back(t.at(r, train));
    if (val >= 0) c.val_mae.push_back(t.at(r, val));
  }
  return c;
}

std::vector<std::int64_t> read_run_id_column(const fs::path& dataset_dir) {
  const fs::path ids_path = dataset_dir / "run_id.csv";
  require_file(ids_path, "run `scidl three-body generate --out DIR` (or `assemble`) first");
  const data::CsvTable ids_table = data::read_csv(ids_path);
  std::vector<std::int64_t> ids(ids_table.values.begin(), ids_table.values.end());
  if (ids.empty())
    throw std::runtime_error(fmt::format(
        "three-body report: '{}' has no rows: no run converged; generate more runs or raise "
        "--max-bits",
        ids_path.string()));
  return ids;
}

int rows_per_run(const std::vector<std::int64_t>& column) {
  return column.empty()
             ? 0
             : static_cast<int>(std::count(column.begin(), column.end(), column.front()));
}

namespace {

// The dataset folder a run's config trained on: its data.x as stored (relative to where
// `scidl train` ran, or absolute), looked for from here and from the run folder's parents;
// empty when it is found nowhere (the data moved), and then nothing can be checked.
fs::path trained_dataset_dir(const nlohmann::json& data_spec, const fs::path& run_dir) {
  const fs::path x = data_spec.value("x", std::string());
  if (x.empty()) return {};
  if (x.is_absolute()) return fs::exists(x) ? x.parent_path() : fs::path();
  for (fs::path base = fs::absolute(run_dir);; base = base.parent_path()) {
    if (fs::exists(base / x)) return (base / x).parent_path();
    if (base == base.parent_path()) break;
  }
  return fs::exists(x) ? x.parent_path() : fs::path();
}

std::string describe_dataset(const fs::path& dir, const std::optional<Manifest>& m) {
  return m ? fmt::format("'{}' (seed {}, {} runs, t <= {:g})", dir.string(), m->seed, m->runs,
                         m->t_max)
           : fmt::format("'{}'", dir.string());
}

// The report rebuilds the run's training/validation split on DIR's runs, which means something
// only for the dataset the model was trained on (or an identical copy of it).
void check_trained_on(const fs::path& dataset_dir, const nlohmann::json& data_spec,
                      const fs::path& run_dir) {
  const fs::path trained = trained_dataset_dir(data_spec, run_dir);
  if (trained.empty() || fs::equivalent(trained, dataset_dir)) return;
  const auto a = read_manifest(trained), b = read_manifest(dataset_dir);
  if (a && b && a->seed == b->seed && a->runs == b->runs && a->dt == b->dt &&
      a->t_max == b->t_max)
    return;  // the same generation settings: a copy
  throw std::invalid_argument(fmt::format(
      "three-body report: the model in '{}' was trained on {}, not on {}; its training and "
      "validation runs are not DIR's. Report on the dataset it was trained on, and pass this "
      "one as --held-out to measure the model on its runs",
      run_dir.string(), describe_dataset(trained, a), describe_dataset(dataset_dir, b)));
}

// Splits by row put neighbouring time steps of one run on both sides; the report needs whole
// runs held out.
void require_split_by_group(const std::string& how, const fs::path& run_dir) {
  if (how != "group")
    throw std::runtime_error(fmt::format(
        "three-body report: the run in '{}' split its validation data by row, which leaks "
        "neighbouring time steps of one run into validation; train with data.split = "
        "\"group\" (examples/three_body/breen2020.toml does)",
        run_dir.string()));
}

// The runs data::split_by_group held out of `ids` (one run id per row) with this fraction and
// seed: what `scidl train` did, for a run folder without validation_split.json.
std::set<std::int64_t> recompute_validation_runs(const std::vector<std::int64_t>& ids,
                                                 double fraction, std::uint64_t seed) {
  data::Dataset d;
  const auto n = static_cast<std::int64_t>(ids.size());
  d.x = zeros({n, 1});
  d.y = zeros({n, 1});
  d.groups = from_vector(ids, {n});
  const data::Split s = data::split_by_group(d, fraction, seed);
  std::set<std::int64_t> validation;
  for (std::int64_t id : s.validation.groups.to_vector<std::int64_t>()) validation.insert(id);
  return validation;
}

}  // namespace

RunSplit read_run_split(const fs::path& dataset_dir, const fs::path& run_dir) {
  const fs::path config_path = run_dir / "config.json";
  require_file(config_path, "pass --run with the folder `scidl train` wrote");
  const std::vector<std::int64_t> ids = read_run_id_column(dataset_dir);
  nlohmann::json config;
  try {
    std::ifstream in(config_path);
    config = nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    throw std::runtime_error(
        fmt::format("three-body report: cannot parse '{}': {}", config_path.string(), e.what()));
  }
  const nlohmann::json data_spec = config.value("data", nlohmann::json::object());
  check_trained_on(dataset_dir, data_spec, run_dir);
  RunSplit split;
  split.rows_per_run = rows_per_run(ids);
  const std::set<std::int64_t> all(ids.begin(), ids.end());
  std::set<std::int64_t> validation;
  if (const auto recorded = train::read_validation_split(run_dir)) {
    require_split_by_group(recorded->split, run_dir);
    split.recorded = true;
    split.seed = recorded->seed;
    split.validation_fraction = recorded->fraction;
    for (std::int64_t id : recorded->groups) {
      if (!all.count(id))
        throw std::runtime_error(fmt::format(
            "three-body report: run {} validated the model in '{}' ({}), but '{}' has no run {}; "
            "report on the dataset the model was trained on",
            id, run_dir.string(), train::kValidationSplitFile, dataset_dir.string(), id));
      validation.insert(id);
    }
  } else {  // a run folder from before runs recorded their split: the same split again
    split.seed = config.value("seed", std::uint64_t{0});
    split.validation_fraction = data_spec.value("validation_split", 0.0);
    if (split.validation_fraction > 0) {
      require_split_by_group(data_spec.value("split", std::string("row")), run_dir);
      validation = recompute_validation_runs(ids, split.validation_fraction, split.seed);
    }
  }
  for (std::int64_t id : all) (validation.count(id) ? split.validation : split.train).push_back(id);
  return split;
}

}  // namespace scidl::sci
