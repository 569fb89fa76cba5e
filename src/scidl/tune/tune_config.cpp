#include "scidl/tune/tune_config.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <sstream>

#include "scidl/io/config_path.h"
#include "scidl/io/nearest_name.h"
#include "scidl/train/run_config.h"

namespace scidl::tune {

namespace {

using io::ConfigKey;
using io::KeyTable;
using io::KeyType;

const KeyTable& tune_keys() {
  static const KeyTable keys{
      "",
      "",
      "a tune config",
      {
          {"base", KeyType::Any, "", "the run config: a file, or a [base] table inline"},
          {"metric", KeyType::String, "\"val_loss\"", "the value a trial is judged by"},
          {"mode", KeyType::String, "\"min\"", "which way is better", {"min", "max"}},
          {"searcher",
           KeyType::String,
           "\"random\"",
           "how trials' values are chosen",
           {"random", "grid", "tpe"}},
          {"scheduler",
           KeyType::String,
           "\"fifo\"",
           "what stops trials early",
           {"fifo", "asha", "median"}},
          {"num_samples", KeyType::Integer, "10", "trials, or repetitions of the grid"},
          {"concurrency", KeyType::Integer, "0", "trials at once (0: one per core)"},
          {"time_budget_s", KeyType::Number, "0", "seconds for the whole study (0: none)"},
          {"seed", KeyType::Integer, "0", "seeds the searcher"},
          {"executor",
           KeyType::String,
           "\"local\"",
           "where trials run: processes here, or Slurm jobs",
           {"local", "slurm"}},
          {"slurm", KeyType::Table, "",
           "partition, time_limit, cpus_per_trial, sbatch_args, poll_s (executor = \"slurm\")"},
          {"asha", KeyType::Table, "", "max_t, grace_period, reduction_factor"},
          {"median", KeyType::Table, "",
           "n_startup_trials, n_warmup_steps, interval_steps, "
           "n_min_trials"},
          {"space", KeyType::Table, "", "the search space: key path = domain"},
          {"output", KeyType::Table, "", "dir = the study folder"},
      }};
  return keys;
}

const KeyTable& asha_keys() {
  static const KeyTable keys{"asha",
                             "",
                             "ASHA's rungs",
                             {{"max_t", KeyType::Integer, "100", "epochs at most"},
                              {"grace_period", KeyType::Integer, "1", "the first rung"},
                              {"reduction_factor", KeyType::Integer, "4", "rung spacing"}}};
  return keys;
}

const KeyTable& median_keys() {
  static const KeyTable keys{
      "median",
      "",
      "Optuna's MedianPruner",
      {{"n_startup_trials", KeyType::Integer, "5", "completed trials before any stop"},
       {"n_warmup_steps", KeyType::Integer, "0", "epochs before a trial may stop"},
       {"interval_steps", KeyType::Integer, "1", "judge every this many epochs"},
       {"n_min_trials", KeyType::Integer, "1", "values at an epoch needed to judge"}}};
  return keys;
}

const KeyTable& output_keys() {
  static const KeyTable keys{
      "output", "", "where the study goes", {{"dir", KeyType::String, "", "the study folder"}}};
  return keys;
}

const KeyTable& slurm_keys() {
  static const KeyTable keys{
      "slurm",
      "",
      "trials as Slurm jobs (executor = \"slurm\")",
      {{"partition", KeyType::String, "\"\"", "sbatch --partition (\"\": the default)"},
       {"time_limit", KeyType::String, "\"\"",
        "each trial's sbatch --time, e.g. \"30\" or \"1:00:00\" (\"\": the partition's)"},
       {"cpus_per_trial", KeyType::Integer, "1", "sbatch --cpus-per-task: the trial's threads"},
       {"sbatch_args", KeyType::Any, "[]", "more sbatch options, e.g. [\"--mem=4G\"]"},
       {"poll_s", KeyType::Number, "2", "seconds between asking squeue"}}};
  return keys;
}

int positive(io::ConfigSection& s, const std::string& key, int fallback, int minimum) {
  const auto v = s.integer(key);
  if (!v) return fallback;
  if (*v < minimum || *v > 1'000'000)
    s.fail(key, fmt::format("must be from {} to 1000000, got {}", minimum, *v));
  return static_cast<int>(*v);
}

void read_schedulers(io::ConfigSection& root, TuneConfig& c) {
  if (auto asha = root.section("asha", &asha_keys())) {
    c.asha.max_t = positive(*asha, "max_t", c.asha.max_t, 1);
    c.asha.grace_period = positive(*asha, "grace_period", c.asha.grace_period, 1);
    c.asha.reduction_factor = positive(*asha, "reduction_factor", c.asha.reduction_factor, 2);
    asha->finish();
  }
  if (c.asha.grace_period > c.asha.max_t)
    root.fail("asha", fmt::format("grace_period {} is above max_t {}: the first rung would "
                                  "never be reached",
                                  c.asha.grace_period, c.asha.max_t));
  if (auto median = root.section("median", &median_keys())) {
    c.median.n_startup_trials = positive(*median, "n_startup_trials", 5, 0);
    c.median.n_warmup_steps = positive(*median, "n_warmup_steps", 0, 0);
    c.median.interval_steps = positive(*median, "interval_steps", 1, 1);
    c.median.n_min_trials = positive(*median, "n_min_trials", 1, 1);
    median->finish();
  }
}

void read_slurm(io::ConfigSection& root, TuneConfig& c) {
  c.executor = root.choice("executor").value_or(c.executor);
  auto slurm = root.section("slurm", &slurm_keys());
  if (!slurm) return;
  if (c.executor != "slurm")
    root.fail("slurm", "is read only with executor = \"slurm\" (trials as Slurm jobs)");
  c.slurm.partition = slurm->string("partition").value_or("");
  c.slurm.time_limit = slurm->string("time_limit").value_or("");
  c.slurm.cpus_per_trial = positive(*slurm, "cpus_per_trial", 1, 1);
  if (auto args = slurm->json("sbatch_args")) {
    if (!args->is_array()) slurm->fail("sbatch_args", "must be a list, e.g. [\"--mem=4G\"]");
    for (const auto& item : *args) {
      if (!item.is_string() || item.get<std::string>().rfind("-", 0) != 0)
        slurm->fail("sbatch_args",
                    "must be a list of sbatch options, each starting with '-' (\"--mem=4G\")");
      c.slurm.sbatch_args.push_back(item.get<std::string>());
    }
  }
  if (auto poll = slurm->number("poll_s")) {
    if (!(*poll >= 0.1 && *poll <= 3600))
      slurm->fail("poll_s", fmt::format("must be from 0.1 to 3600 seconds, got {}", *poll));
    c.slurm.poll_s = *poll;
  }
  slurm->finish();
}

void read_base(io::ConfigDocument& doc, io::ConfigSection& root,
               const std::filesystem::path& folder, TuneConfig& c) {
  const toml::node* base = doc.table->get("base");
  root.json("base");  // read here from the TOML itself
  if (!base) root.missing("base", "the run config to tune: base = \"run.toml\", or [base]");
  if (auto path = base->value<std::string>()) {
    const auto base_file = folder / *path;
    if (!std::filesystem::is_regular_file(base_file))
      root.fail("base", fmt::format("'{}' is not a file", base_file.string()));
    c.base = io::parse_config_file(base_file);
    c.base_dir = base_file.parent_path();
    c.base_name = base_file.string();
  } else if (const auto* table = base->as_table()) {
    c.base.table = std::make_shared<toml::table>(*table);
    c.base.file = doc.file + " [base]";
    c.base_dir = folder;
    c.base_name = c.base.file;
  } else {
    root.fail("base", "must be a file name or a [base] table");
  }
}

// Applies the first value each axis can take and parses the result as a run config: a key that
// does not exist, or a value of the wrong kind, is found before any trial runs.
void check_space_against_base(const TuneConfig& c) {
  Generator rng(c.seed);
  nlohmann::json params = c.space.grid_point(0);
  for (const auto& axis : c.space.axes)
    if (!axis.domain.is_grid()) params[axis.key] = axis.domain.sample(rng);
  for (const auto& axis : c.space.axes) {
    const auto steps = io::parse_key_path(axis.key);
    const bool section_key = steps.size() == 2 && steps[0].indices.empty() &&
                             steps[1].indices.empty() && steps[0].key != "model";
    // Keys in a section the run config declares are checked by its parser below; keys inside
    // the model (layers' options) must already be in the base config.
    if (!section_key && !io::config_value_exists(c.base, axis.key)) {
      try {
        io::ConfigDocument probe{std::make_shared<toml::table>(*c.base.table), c.base.file};
        io::set_config_value(probe, axis.key, params[axis.key], io::MissingSteps::refuse);
      } catch (const io::ConfigError& e) {
        throw io::ConfigError(
            fmt::format("{}: [space] '{}': {}", c.source_name, axis.key, e.what()));
      }
      throw io::ConfigError(fmt::format(
          "{}: [space] '{}': the base config {} sets no such key; a search may only change "
          "keys of the model the base config already sets",
          c.source_name, axis.key, c.base_name));
    }
  }
  auto trial = trial_config(c, params);
  try {
    train::parse_run_config(trial, c.base_dir);
  } catch (const io::ConfigError& e) {
    throw io::ConfigError(
        fmt::format("{}: [space] applied to {}: {}", c.source_name, c.base_name, e.what()));
  }
}

void check_metric(TuneConfig& c) {
  auto trial = trial_config(c, c.space.grid_point(0));
  const auto run = train::parse_run_config(trial, c.base_dir);
  c.run_metrics = train::logged_names(run);
  if (std::find(c.run_metrics.begin(), c.run_metrics.end(), c.metric) == c.run_metrics.end())
    throw io::ConfigError(fmt::format(
        "{}: metric '{}' is not a value the run logs{}; it logs {}", c.source_name, c.metric,
        io::did_you_mean(c.metric, c.run_metrics), fmt::join(c.run_metrics, ", ")));
}

}  // namespace

io::ConfigDocument trial_config(const TuneConfig& config, const nlohmann::json& params) {
  io::ConfigDocument doc{std::make_shared<toml::table>(*config.base.table), config.base.file};
  for (const auto& [key, value] : params.items())
    io::set_config_value(doc, key, value, io::MissingSteps::refuse);
  return doc;
}

TuneConfig parse_tune_config(const std::filesystem::path& file,
                             const std::vector<std::string>& overrides) {
  return parse_tune_config(io::parse_config_file(file), file.parent_path(),
                           std::filesystem::absolute(file), overrides);
}

TuneConfig parse_tune_config(io::ConfigDocument doc, const std::filesystem::path& folder,
                             const std::filesystem::path& source_file,
                             const std::vector<std::string>& overrides) {
  std::vector<std::string> base_overrides;
  for (const auto& o : overrides) {
    if (o.rfind("base.", 0) == 0 &&
        (!doc.table->get("base") || !doc.table->get("base")->is_table()))
      base_overrides.push_back(o.substr(5));
    else
      io::apply_override(doc, o);
  }
  TuneConfig c;
  c.source_name = doc.file;
  c.source_file = source_file;
  c.overrides = overrides;
  auto root = doc.root(&tune_keys());
  read_base(doc, root, folder, c);
  for (const auto& o : base_overrides) io::apply_override(c.base, o);
  c.metric = root.string("metric").value_or(c.metric);
  c.mode = root.choice("mode").value_or(c.mode);
  c.searcher = root.choice("searcher").value_or(c.searcher);
  c.scheduler = root.choice("scheduler").value_or(c.scheduler);
  c.num_samples = positive(root, "num_samples", 10, 1);
  c.concurrency = positive(root, "concurrency", 0, 0);
  if (auto budget = root.number("time_budget_s")) {
    if (!(*budget >= 0 && *budget <= 1e9))
      root.fail("time_budget_s",
                fmt::format("must be from 0 (none) to 1e9 seconds, got {}", *budget));
    c.time_budget_s = *budget;
  }
  if (auto seed = root.integer("seed")) {
    if (*seed < 0) root.fail("seed", fmt::format("must be 0 or more, got {}", *seed));
    c.seed = static_cast<uint64_t>(*seed);
  }
  read_schedulers(root, c);
  read_slurm(root, c);
  const toml::node* space = doc.table->get("space");
  root.json("space");
  if (!space || !space->is_table())
    root.missing("space",
                 "the search space: [space] \"optimizer.lr\" = { loguniform = [1e-4, "
                 "1e-1] }");
  c.space = parse_search_space(*space->as_table(), c.source_name);
  if (auto output = root.section("output", &output_keys())) {
    if (auto dir = output->string("dir")) c.output_dir = folder / *dir;
    output->finish();
  }
  if (c.output_dir.empty())
    c.output_dir = std::filesystem::path("runs") /
                   (source_file.empty() ? std::filesystem::path("tune") : source_file.stem());
  root.finish();
  try {  // the searcher refuses spaces it cannot search (a grid with random axes, tpe and grids)
    make_searcher(c.searcher, c.space, c.num_samples, c.seed, c.minimize());
  } catch (const std::invalid_argument& e) {
    throw io::ConfigError(fmt::format("{}: {}", c.source_name, e.what()));
  }
  check_space_against_base(c);
  check_metric(c);
  return c;
}

nlohmann::json study_identity(const TuneConfig& c) {
  nlohmann::json space = nlohmann::json::object();
  for (const auto& axis : c.space.axes) space[axis.key] = axis.domain.describe();
  return {{"base", io::toml_to_json(*c.base.table)},
          {"metric", c.metric},
          {"mode", c.mode},
          {"searcher", c.searcher},
          {"scheduler", c.scheduler},
          {"num_samples", c.num_samples},
          {"seed", c.seed},
          {"asha",
           {{"max_t", c.asha.max_t},
            {"grace_period", c.asha.grace_period},
            {"reduction_factor", c.asha.reduction_factor}}},
          {"median",
           {{"n_startup_trials", c.median.n_startup_trials},
            {"n_warmup_steps", c.median.n_warmup_steps},
            {"interval_steps", c.median.interval_steps},
            {"n_min_trials", c.median.n_min_trials}}},
          {"space", space}};
}

}  // namespace scidl::tune
