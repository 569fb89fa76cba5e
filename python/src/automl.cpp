// scidl automl from Python: the CLI's fit (a table file, or columns as a dict of sequences) and
// the saved predictor's predictions as NumPy arrays.
#include <pybind11/stl.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <optional>

#include <fmt/format.h>

#include "convert.h"
#include "interrupt.h"
#include "scidl/automl/automl.h"
#include "scidl/automl/predictor.h"
#include "scidl/data/csv.h"

namespace scidl::python {

namespace {

using namespace pybind11::literals;

// Columns given as {name: sequence}: every cell as its text (str() of each value; None and
// float NaN as missing), as a table file would hold them.
automl::RawTable table_from_columns(const py::dict& columns, const std::string& what) {
  automl::RawTable t;
  t.file = what;
  for (const auto& [name, values] : columns) {
    t.names.push_back(py::str(name).cast<std::string>());
    std::vector<std::string> cells;
    for (const auto& v : py::iter(values)) {
      const std::string kind =
          py::hasattr(v, "dtype") ? py::str(v.attr("dtype").attr("kind")).cast<std::string>() : "";
      if (v.is_none()) {
        cells.emplace_back();
      } else if (kind == "i" || kind == "u" || kind == "b") {  // NumPy integers as integers
        cells.push_back(
            py::str(py::int_(py::reinterpret_borrow<py::object>(v))).cast<std::string>());
      } else if (py::isinstance<py::float_>(v) || kind == "f") {
        const double d = py::float_(py::reinterpret_borrow<py::object>(v)).cast<double>();
        cells.push_back(std::isnan(d) ? std::string() : py::str(py::float_(d)).cast<std::string>());
      } else {
        cells.push_back(py::str(v).cast<std::string>());
      }
    }
    if (!t.names.empty() && t.cells.size() > 0 && cells.size() != t.cells[0].size())
      throw std::invalid_argument(
          fmt::format("{}: column '{}' has {} values but column '{}' has {}", what, t.names.back(),
                      cells.size(), t.names.front(), t.cells[0].size()));
    t.cells.push_back(std::move(cells));
  }
  t.rows = t.cells.empty() ? 0 : static_cast<int64_t>(t.cells[0].size());
  return t;
}

// A table given as a path, or as columns (written to a CSV beside the output folder, since the
// fit reads files).
std::filesystem::path table_path(py::handle table, const std::filesystem::path& scratch,
                                 const std::string& what) {
  if (!py::isinstance<py::dict>(table)) return py::str(table).cast<std::string>();
  const auto t = table_from_columns(table.cast<py::dict>(), what);
  data::CsvTable csv;
  csv.rows = t.rows;
  csv.text_names = t.names;
  csv.text = t.cells;
  data::write_csv(scratch, csv);
  return scratch;
}

py::dict fit(py::handle data, const std::string& target, const std::string& out,
             std::optional<std::string> task, const std::string& metric, double time_limit,
             const std::string& preset, py::handle test, double train_fraction, uint64_t seed,
             std::vector<std::string> exclude, std::vector<std::string> models, bool overwrite,
             bool verbose, int bag_sets, bool refit_full) {
  automl::AutomlOptions o;
  const auto scratch =
      std::filesystem::temp_directory_path() / fmt::format("scidl-automl-{}", ::getpid());
  std::filesystem::create_directories(scratch);
  struct Cleanup {
    std::filesystem::path dir;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  } cleanup{scratch};
  o.data = table_path(data, scratch / "data.csv", "data");
  if (!test.is_none()) o.test = table_path(test, scratch / "test.csv", "test");
  o.target = target;
  if (task) {
    if (*task != "regression" && *task != "classification")
      throw std::invalid_argument("task must be 'regression' or 'classification'");
    o.task = *task == "regression" ? automl::Task::Regression : automl::Task::Classification;
  }
  o.metric = metric;
  o.time_limit = time_limit;
  o.preset = preset;
  if (bag_sets < 0 || bag_sets > 100)
    throw std::invalid_argument(
        fmt::format("bag_sets must be in [1, 100] (0: the default), got {}", bag_sets));
  o.bag_sets = bag_sets;
  o.refit_full = refit_full;
  o.out = out;
  o.train_fraction = train_fraction;
  o.seed = seed;
  o.exclude = std::move(exclude);
  o.models = std::move(models);
  o.overwrite = overwrite;
  o.verbose = verbose;
  std::atomic<bool> stop{false};
  o.stop_requested = &stop;
  const automl::AutomlResult r = run_interruptible(stop, [&] { return automl::run_automl(o); });
  py::list board;
  for (const auto& row : r.leaderboard) {
    py::dict d("model"_a = row.model, "score_val"_a = row.score_val,
               "eval_metric"_a = row.eval_metric, "pred_time_val"_a = row.pred_time_val,
               "fit_time"_a = row.fit_time, "stack_level"_a = row.stack_level,
               "fit_order"_a = row.fit_order);
    if (!std::isnan(row.score_test)) d["score_test"] = row.score_test;
    board.append(d);
  }
  py::list failures;
  for (const auto& f : r.failures)
    failures.append(py::dict("model"_a = f.model, "error"_a = f.error));
  return py::dict("task"_a = automl::task_name(r.task), "metric"_a = r.metric, "best"_a = r.best,
                  "leaderboard"_a = board, "failures"_a = failures, "fit_seconds"_a = r.fit_seconds,
                  "path"_a = out);
}

}  // namespace

void bind_automl(py::module_& m) {
  m.def("automl_fit", &fit, "data"_a, "target"_a, "out"_a, "task"_a = py::none(), "metric"_a = "",
        "time_limit"_a = 0.0, "preset"_a = "medium", "test"_a = py::none(),
        "train_fraction"_a = 1.0, "seed"_a = 0, "exclude"_a = std::vector<std::string>{},
        "models"_a = std::vector<std::string>{}, "overwrite"_a = false, "verbose"_a = true,
        "bag_sets"_a = 0, "refit_full"_a = true);

  py::class_<automl::Predictor>(m, "AutomlPredictor")
      .def(py::init([](const std::string& dir) {
             py::gil_scoped_release release;
             return automl::load_predictor(dir);
           }),
           "path"_a)
      .def_readonly("target", &automl::Predictor::target)
      .def_readonly("metric", &automl::Predictor::metric)
      .def_readonly("classes", &automl::Predictor::classes)
      .def_readonly("best", &automl::Predictor::best)
      .def_property_readonly("task",
                             [](const automl::Predictor& p) { return automl::task_name(p.task); })
      .def_property_readonly("models", &automl::Predictor::model_names)
      .def(
          "predict",
          [](const automl::Predictor& p, py::handle table, const std::string& model) {
            const auto raw = py::isinstance<py::dict>(table)
                                 ? table_from_columns(table.cast<py::dict>(), "table")
                                 : automl::read_raw_table(py::str(table).cast<std::string>());
            automl::Predictions out;
            {
              py::gil_scoped_release release;
              out = p.predict_encoded(p.encoder.encode(raw), model.empty() ? p.best : model);
            }
            py::array_t<double> a({out.rows, out.cols});
            std::copy(out.values.begin(), out.values.end(), a.mutable_data());
            return a;
          },
          "table"_a, "model"_a = "");
}

}  // namespace scidl::python
