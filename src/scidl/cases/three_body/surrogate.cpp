#include "scidl/cases/three_body/surrogate.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "scidl/autograd/engine.h"
#include "scidl/autograd/grad_mode.h"
#include "scidl/ops/shape_ops.h"

namespace scidl::sci {

namespace {

DType model_dtype(nn::Module& model) {
  const auto params = model.parameters();
  return params.empty() ? DType::Float32 : params.front().dtype();
}

Tensor input_tensor(nn::Module& model, const std::vector<double>& inputs) {
  if (inputs.size() % 3 != 0)
    throw std::invalid_argument(fmt::format(
        "three-body surrogate: inputs must be rows of (t, x2_0, y2_0), got {} values (not a "
        "multiple of 3)",
        inputs.size()));
  const auto rows = static_cast<std::int64_t>(inputs.size() / 3);
  return from_vector(inputs, {rows, 3}, model_dtype(model));
}

void check_outputs(const Tensor& out, std::int64_t rows) {
  if (out.dim() != 2 || out.shape()[0] != rows || out.shape()[1] != 4)
    throw std::invalid_argument(fmt::format(
        "three-body surrogate: the model must map [N, 3] to [N, 4] = (x1, y1, x2, y2), but it "
        "returned {} for {} rows; load a model trained on train_X.csv/train_Y.csv",
        out.str(), rows));
}

// Writes the positions (and x3 = -x1 - x2) of each row into the 12-value states.
void fill_positions(const std::vector<double>& p, std::vector<double>& states) {
  const size_t rows = p.size() / 4;
  for (size_t k = 0; k < rows; ++k) {
    double* s = &states[k * 12];
    for (int i = 0; i < 4; ++i) s[i] = p[k * 4 + i];
    s[4] = -s[0] - s[2];
    s[5] = -s[1] - s[3];
  }
}

}  // namespace

std::vector<double> surrogate_positions(nn::Module& model, const std::vector<double>& inputs) {
  model.eval();
  NoGradGuard no_grad;
  const Tensor x = input_tensor(model, inputs);
  const Tensor out = model.forward(x);
  check_outputs(out, x.shape()[0]);
  return out.to(DType::Float64).to_vector<double>();
}

SurrogateStates evaluate_surrogate(nn::Module& model, const std::vector<double>& inputs,
                                   bool with_velocities) {
  SurrogateStates result;
  result.rows = static_cast<std::int64_t>(inputs.size() / 3);
  result.states.assign(static_cast<size_t>(result.rows) * 12,
                       std::numeric_limits<double>::quiet_NaN());
  if (!with_velocities) {
    fill_positions(surrogate_positions(model, inputs), result.states);
    return result;
  }
  model.eval();
  Tensor x = input_tensor(model, inputs);
  x.requires_grad_(true);
  const Tensor out = model.forward(x);
  check_outputs(out, result.rows);
  fill_positions(out.detach().to(DType::Float64).to_vector<double>(), result.states);
  // One reverse pass per output column: rows do not interact, so seeding column j with ones
  // gives d out[k, j] / d x[k, :] in row k of the gradient; its column 0 is the time derivative.
  for (int j = 0; j < 4; ++j) {
    Tensor seed = zeros({result.rows, 4}, out.dtype());
    slice(seed, 1, j, j + 1).fill_(1.0);
    const Tensor g = autograd::grad({out}, {x}, {seed}, /*retain_graph=*/j < 3)[0];
    const auto values = g.to(DType::Float64).to_vector<double>();
    for (std::int64_t k = 0; k < result.rows; ++k) result.states[k * 12 + 6 + j] = values[k * 3];
  }
  for (std::int64_t k = 0; k < result.rows; ++k) {
    double* s = &result.states[k * 12];
    s[10] = -s[6] - s[8];
    s[11] = -s[7] - s[9];
  }
  result.has_velocities = true;
  return result;
}

double three_body_energy(const double* s) {
  double kinetic = 0;
  for (int i = 6; i < 12; ++i) kinetic += 0.5 * s[i] * s[i];
  double potential = 0;
  for (int i = 0; i < 3; ++i)
    for (int j = i + 1; j < 3; ++j)
      potential -= 1.0 / std::hypot(s[2 * j] - s[2 * i], s[2 * j + 1] - s[2 * i + 1]);
  return kinetic + potential;
}

double breen_initial_energy(double x2_0, double y2_0) {
  const double s[12] = {1, 0, x2_0, y2_0, -1 - x2_0, -y2_0, 0, 0, 0, 0, 0, 0};
  return three_body_energy(s);
}

double relative_energy_error(const double* state, double initial_energy) {
  return std::abs(three_body_energy(state) - initial_energy) / std::abs(initial_energy);
}

}  // namespace scidl::sci
