// Run configs from Python: the TOML files `scidl train` reads (or the same as a dict), read into
// a dict, their data loaded as arrays, or the whole run made as the CLI makes it.
#include <pybind11/stl.h>

#include <filesystem>

#include "config_document.h"
#include "convert.h"
#include "interrupt.h"
#include "scidl/train/run.h"
#include "scidl/train/run_config.h"

namespace scidl::python {

namespace {

using namespace pybind11::literals;

train::RunConfig run_config(py::handle config) {
  if (py::isinstance<py::dict>(config)) {
    io::ConfigDocument doc = config_document(json_from_python(config, "config"), "config dict");
    return train::parse_run_config(doc, std::filesystem::current_path());
  }
  const std::filesystem::path path = py::str(config).cast<std::string>();
  io::ConfigDocument doc = io::parse_config_file(path);
  return train::parse_run_config(doc, path.parent_path());
}

py::tuple load_data(py::handle config) {
  const train::RunConfig c = run_config(config);
  data::Dataset d;
  {
    py::gil_scoped_release release;
    d = train::load_dataset(c.data, c.seed);
  }
  return py::make_tuple(array_from_tensor(d.x), d.y.defined() ? py::object(array_from_tensor(d.y))
                                                              : py::object(py::none()));
}

py::dict train_run(py::handle config, py::handle output_dir, bool overwrite, bool resume,
                   bool verbose) {
  train::RunConfig c = run_config(config);
  if (!output_dir.is_none()) c.output_dir = py::str(output_dir).cast<std::string>();
  train::RunOptions o;
  o.verbose = verbose;
  o.overwrite = overwrite;
  o.resume = resume;
  o.program = "scidl.train";
  std::atomic<bool> stop{false};  // Ctrl-C: a checkpoint after the batch in progress, as the CLI
  o.stop_requested = &stop;
  const train::RunResult r = run_interruptible(stop, [&] { return train::run_training(c, o); });
  py::list epochs;
  py::dict history;  // name -> values per epoch, as Keras' History.history
  for (const auto& logs : r.history.epochs) {
    py::dict d;
    for (const auto& [k, v] : logs) {
      d[py::str(k)] = v;
      if (!history.contains(k)) history[py::str(k)] = py::list();
      history[py::str(k)].cast<py::list>().append(v);
    }
    epochs.append(d);
  }
  py::dict out;
  out["epochs"] = epochs;
  out["history"] = history;
  out["metrics"] = epochs.empty() ? py::dict() : epochs[epochs.size() - 1].cast<py::dict>();
  out["best_model"] = r.best_model.string();
  out["last_model"] = r.last_model.string();
  out["stopped_because"] = r.stopped_because;
  out["output_dir"] = c.output_dir.string();
  return out;
}

}  // namespace

void bind_runs(py::module_& m) {
  m.def(
      "read_run_config",
      [](py::handle config) { return python_from_json(train::to_json(run_config(config))); },
      "config"_a, "A run config (a TOML path or a dict of its sections), checked and resolved.");
  m.def("load_run_data", &load_data, "config"_a, "The (x, y) arrays a run config's [data] names.");
  m.def("train_run", &train_run, "config"_a, "output_dir"_a = py::none(), "overwrite"_a = false,
        "resume"_a = false, "verbose"_a = true);
}

}  // namespace scidl::python
