#include "scidl/train/run_config_toml.h"

#include <fmt/format.h>

#include "scidl/io/toml_writer.h"
#include "scidl/train/run.h"

namespace scidl::train {

namespace {

std::filesystem::path absolute_path(const std::filesystem::path& p) {
  return p.empty() ? p : std::filesystem::absolute(p).lexically_normal();
}

// to_json's [data] holds every source's keys; a config holds only those its source reads.
nlohmann::json data_table(const RunConfig& c) {
  nlohmann::json d = to_json(c)["data"];
  for (const char* key : {"x", "y", "groups", "images", "labels"})
    if (d.contains(key) && d[key] == "") d.erase(key);
  if (c.data.source != "damped_oscillator") d.erase("trajectories"), d.erase("points");
  if (d["augment"].is_null()) d.erase("augment");
  return d;
}

nlohmann::json config_document(const RunConfig& c) {
  nlohmann::json j = to_json(c);
  j["data"] = data_table(c);
  if (j["lr_schedule"].is_null())
    j.erase("lr_schedule");
  else if (!c.lr_schedule_monitor.empty())
    j["lr_schedule"]["monitor"] = c.lr_schedule_monitor;
  if (c.callbacks_json.empty()) j.erase("callbacks");  // TOML has no empty array of tables
  return j;
}

}  // namespace

RunConfig with_absolute_paths(RunConfig c, const std::filesystem::path& run_dir) {
  for (auto* p :
       {&c.data.x, &c.data.y, &c.data.groups, &c.data.images, &c.data.labels, &c.data.graph_dir,
        &c.data.table, &c.data.validation_table, &c.training.init_from})
    *p = absolute_path(*p);
  c.output_dir = absolute_path(run_dir);
  return c;
}

std::string run_config_toml(const RunConfig& config, const std::filesystem::path& run_dir) {
  const RunConfig c = with_absolute_paths(config, run_dir);
  const std::string name = (c.output_dir / "config.toml").string();
  const std::string text = fmt::format(
      "# The config of the run in this folder, as `scidl train` reads it:\n"
      "#   scidl train {} --out DIR    trains it again\n"
      "#   scidl train {} --resume {}    continues it\n{}",
      name, name, c.output_dir.string(), io::json_to_toml(config_document(c)));
  io::ConfigDocument doc = io::parse_config_string(text, name);
  const RunConfig parsed = parse_run_config(doc, c.output_dir);
  const auto diffs = config_differences(to_json(c), to_json(parsed));
  if (!diffs.empty())
    throw std::logic_error(fmt::format(
        "config.toml would not read back as the run's config (a scidl bug; please report it):\n  "
        "{}",
        fmt::join(diffs, "\n  ")));
  return text;
}

}  // namespace scidl::train
