// The model object Python's scidl.Model wraps: a built network with its spec, and, once
// compiled, its optimizer and Trainer (kept across fit calls, as Keras keeps its optimizer's
// state). fit.cpp runs the Trainer; model.cpp builds, saves, loads and predicts.
#pragma once
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "convert.h"
#include "scidl/nn/module.h"
#include "scidl/optim/factory.h"
#include "scidl/train/trainer.h"

namespace scidl::python {

struct Model {
  nlohmann::json spec;        // as nn::build_model reads it
  nlohmann::json saved_spec;  // spec plus what training learned of the inputs (their range)
  nn::ModulePtr module;
  // compile()
  bool compiled = false;
  nlohmann::json optimizer_json;
  std::string loss;
  std::vector<std::string> metrics;
  std::unique_ptr<optim::Optimizer> optimizer;
  std::unique_ptr<train::Trainer> trainer;

  void compile(const nlohmann::json& optimizer, const std::string& loss,
               const std::vector<std::string>& metrics);
  void require_compiled(const char* call) const;
  DType dtype() const;
  // Inputs as the model takes them: its float type, checked against its input shape.
  Tensor inputs(py::handle x, const std::string& what) const;
  // Targets as the loss takes them: class indices as int64, values in the model's type.
  Tensor targets(py::handle y, const std::string& what, int64_t rows) const;
};

py::dict logs_to_python(const train::Logs& logs);
py::object fit(Model& m, py::handle x, py::handle y, py::handle validation_x,
               py::handle validation_y, int epochs, int64_t batch_size, bool shuffle, uint64_t seed,
               int initial_epoch, py::handle callback_configs, py::handle python_callbacks,
               const std::string& progress);

}  // namespace scidl::python
