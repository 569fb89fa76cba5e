// scidl.tune: the study `scidl tune` runs (tune/study.h), from Python. Trials are `scidl train`
// processes as from the CLI, so the module needs the scidl executable (scidl/tune.py finds it);
// the study runs on a worker thread with the GIL released, its lines go to sys.stdout, and
// Ctrl-C stops the running trials at a checkpoint (the study stays resumable) and raises
// KeyboardInterrupt.
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include <cmath>
#include <filesystem>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "config_document.h"
#include "convert.h"
#include "interrupt.h"
#include "scidl/io/config_reader.h"
#include "scidl/tune/study.h"
#include "scidl/tune/study_outputs.h"

namespace scidl::python {

namespace {

using namespace pybind11::literals;

py::object number_or_none(double v) {
  return std::isnan(v) ? py::object(py::none()) : py::object(py::float_(v));
}

tune::TuneConfig tune_config(py::handle config, const std::vector<std::string>& overrides,
                             py::handle output_dir, bool resume) {
  std::vector<std::string> all = overrides;
  tune::TuneConfig c;
  if (config.is_none()) {  // resume=True alone: the config the study was made with
    if (!resume || output_dir.is_none())
      throw py::value_error(
          "scidl.tune needs a tune config (a TOML path or a dict), or resume=True with the "
          "study's output_dir");
    auto [file, recorded] = tune::study_source(py::str(output_dir).cast<std::string>());
    all.insert(all.begin(), recorded.begin(), recorded.end());
    c = tune::parse_tune_config(file, all);
  } else if (py::isinstance<py::dict>(config)) {
    io::ConfigDocument doc = config_document(json_from_python(config, "config"), "tune config");
    c = tune::parse_tune_config(std::move(doc), std::filesystem::current_path(), {}, all);
  } else {
    c = tune::parse_tune_config(py::str(config).cast<std::string>(), all);
  }
  if (!output_dir.is_none()) c.output_dir = py::str(output_dir).cast<std::string>();
  return c;
}

py::dict leaderboard_row(const tune::TuneConfig& c, const tune::LeaderboardRow& r) {
  py::dict row;
  row["rank"] = r.rank > 0 ? py::object(py::int_(r.rank)) : py::object(py::none());
  row["trial"] = r.trial.id;
  row["params"] = python_from_json(r.trial.params);
  row[py::str(c.metric)] = number_or_none(r.last);
  row["best"] = number_or_none(r.best);
  row["epochs"] = r.trial.epochs;
  row["ended"] = tune::trial_ending(r.trial);
  row["seconds"] = r.trial.seconds;
  return row;
}

// What the finished study holds: its leaderboard (rows as dicts, best first) and its best trial.
py::dict study_summary(const tune::TuneConfig& c, const tune::StudyResult& result) {
  const auto db = tune::StudyDb::open(c.output_dir / "study.db", false);
  py::list rows;
  nlohmann::json best_params;
  for (const auto& r : tune::leaderboard(c, db)) {
    rows.append(leaderboard_row(c, r));
    if (r.trial.id == result.best_trial) best_params = r.trial.params;
  }
  py::dict out;
  out["output_dir"] = c.output_dir.string();
  out["metric"] = c.metric;
  out["mode"] = c.mode;
  out["leaderboard"] = rows;
  out["best_trial"] = py::none();
  out["best_params"] = py::none();
  out["best_config"] = py::none();
  if (result.best_trial >= 0) {
    out["best_trial"] = result.best_trial;
    out["best_params"] = python_from_json(best_params);
    out["best_config"] =
        python_from_json(io::toml_to_json(*tune::trial_config(c, best_params).table));
  }
  const auto model = c.output_dir / "best_model.scidl";
  out["best_model"] =
      std::filesystem::exists(model) ? py::object(py::str(model.string())) : py::object(py::none());
  return out;
}

py::dict tune_run(py::handle config, const std::vector<std::string>& overrides,
                  py::handle output_dir, bool resume, bool verbose, const std::string& executable,
                  bool live_table, int width, double status_every_s) {
  const tune::TuneConfig c = tune_config(config, overrides, output_dir, resume);
  tune::StudyOptions o;
  o.resume = resume;
  o.verbose = verbose;
  o.executable = executable;
  o.program = "scidl.tune";
  o.live_table = live_table;
  o.width = width;
  o.status_every_s = status_every_s;
  o.print = [](const std::string& text, bool error) {  // from the study's thread
    py::gil_scoped_acquire gil;
    try {
      py::object stream = py::module_::import("sys").attr(error ? "stderr" : "stdout");
      stream.attr("write")(text);
      stream.attr("flush")();
    } catch (py::error_already_set&) {  // a closed or replaced stream: the lines are lost
    }
  };
  std::atomic<bool> stop{false};
  o.stop_requested = &stop;
  const tune::StudyResult result = run_interruptible(stop, [&] {
    auto r = tune::run_study(c, o);
    if (r.interrupted)
      o.print(fmt::format("scidl.tune: interrupted; the running trials stopped at a checkpoint. "
                          "Continue the study with scidl.tune(..., output_dir=\"{}\", "
                          "resume=True)\n",
                          c.output_dir.string()),
              true);
    return r;
  });
  return study_summary(c, result);
}

}  // namespace

void bind_tune(py::module_& m) {
  m.def("tune_run", &tune_run, "config"_a, "overrides"_a, "output_dir"_a, "resume"_a, "verbose"_a,
        "executable"_a, "live_table"_a, "width"_a, "status_every_s"_a);
#ifdef SCIDL_CLI_PATH
  m.attr("build_tree_cli") = SCIDL_CLI_PATH;  // the scidl executable of the same build
#else
  m.attr("build_tree_cli") = py::none();
#endif
}

}  // namespace scidl::python
