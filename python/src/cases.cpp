// scidl.cases: thin functions over the scientific cases of cases/ (the same code the CLI's
// three-body, polyhedra and knots subcommands run), with the GIL released while they compute.
// Ctrl-C during generate stops after the runs in progress, as `scidl three-body generate` does
// (finished runs stay on disk; a rerun continues), and raises KeyboardInterrupt.
#include <pybind11/stl.h>

#include "convert.h"
#include "interrupt.h"
#include "scidl/cases/knots/knots.h"
#include "scidl/cases/polyhedra/polyhedra.h"
#include "scidl/cases/three_body/dataset.h"
#include "scidl/cases/three_body/report.h"

namespace scidl::python {

namespace {

using namespace pybind11::literals;

py::dict generate(const std::string& out_dir, int64_t runs, uint64_t seed, double t_max, double dt,
                  int threads, bool verbose) {
  sci::GenerateSettings s;
  s.out_dir = out_dir;
  s.runs = runs;
  s.seed = seed;
  s.t_max = t_max;
  s.dt = dt;
  s.threads = threads;
  s.show_progress = verbose;
  std::atomic<bool> stop{false};
  s.stop_requested = &stop;
  const sci::GenerateSummary g =
      run_interruptible(stop, [&] { return sci::generate_three_body_runs(s); });
  sci::AssembleSettings a;
  a.out_dir = out_dir;
  a.t_max = 0;
  sci::AssembleSummary as;
  {
    py::gil_scoped_release release;
    as = sci::assemble_three_body_dataset(a);
  }
  return py::dict("runs"_a = g.runs, "computed"_a = g.computed, "reused"_a = g.reused,
                  "not_converged"_a = g.not_converged, "rows_written"_a = as.rows_written,
                  "wall_seconds"_a = g.wall_seconds);
}

py::dict report(const std::string& dataset_dir, const std::string& model_path,
                const std::string& run_dir, const std::string& out_dir, int ring_points,
                int threads) {
  sci::ReportSettings s;
  s.dataset_dir = dataset_dir;
  s.model_path = model_path;
  s.run_dir = run_dir;
  s.out_dir = out_dir;
  s.ring_points = ring_points;
  s.threads = threads;
  sci::ReportSummary r;
  {
    py::gil_scoped_release release;
    r = sci::write_three_body_report(s);
  }
  return py::dict("report"_a = r.report.string(), "epochs"_a = r.epochs,
                  "best_val_mae"_a = r.best_val_mae, "val_mae_all_runs"_a = r.val_mae_all_runs,
                  "energy_error_network_median"_a = r.energy_error_network_median,
                  "energy_error_projected_median"_a = r.energy_error_projected_median,
                  "speedup_per_query"_a = r.speedup_per_query);
}

py::dict polyhedra(int64_t count, uint64_t seed) {
  sci::RandomPolyhedraOptions o;
  o.count = count;
  o.seed = seed;
  std::vector<sci::PolyhedronSample> samples;
  {
    py::gil_scoped_release release;
    samples = sci::random_polyhedra(o);
  }
  py::array_t<int64_t> v(count), e(count), f(count);
  py::array_t<double> volume(count), area(count);
  for (int64_t i = 0; i < count; ++i) {
    v.mutable_at(i) = samples[i].vertices;
    e.mutable_at(i) = samples[i].edges;
    f.mutable_at(i) = samples[i].faces;
    volume.mutable_at(i) = samples[i].volume;
    area.mutable_at(i) = samples[i].surface_area;
  }
  return py::dict("vertices"_a = v, "edges"_a = e, "faces"_a = f, "volume"_a = volume,
                  "surface_area"_a = area);
}

}  // namespace

void bind_cases(py::module_& m) {
  py::module_ c = m.def_submodule("cases", "The scientific cases of cases/.");
  c.def("three_body_generate", &generate, "out_dir"_a, "runs"_a, "seed"_a = 1, "t_max"_a = 3.9,
        "dt"_a = 1.0 / 256.0, "threads"_a = 2, "verbose"_a = false);
  c.def("three_body_report", &report, "dataset_dir"_a, "model_path"_a, "run_dir"_a = "",
        "out_dir"_a = "", "ring_points"_a = 1000, "threads"_a = 2);
  c.def("random_polyhedra", &polyhedra, "count"_a = 1000, "seed"_a = 0);
  c.def("knot_invariant_names", &sci::knot_invariant_names);
  c.def("slope_rule_signature", &sci::slope_rule_signature, "slope"_a);
}

}  // namespace scidl::python
