// The surrogate as a physical model: autograd velocities, energies, the energy projection, and
// the Nelder–Mead search behind it.
#include <gtest/gtest.h>

#include <cmath>

#include "scidl/cases/three_body/breen.h"
#include "scidl/cases/three_body/energy_model.h"
#include "scidl/cases/three_body/surrogate.h"
#include "scidl/nn/model_spec.h"
#include "scidl/sci/nbody.h"
#include "scidl/sci/nelder_mead.h"

namespace scidl::sci {
namespace {

std::shared_ptr<nn::Sequential> smooth_network() {
  // tanh, float64: smooth, so finite differences are accurate (a ReLU network is piecewise
  // linear in t and its derivative jumps at kinks).
  return nn::build_sequential(nlohmann::json::parse(R"({"inputs": 3, "dtype": "float64",
      "layers": [{"type": "dense", "units": 16, "activation": "tanh", "repeat": 2},
                 {"type": "dense", "units": 4}]})"),
                         11);
}

TEST(ThreeBodySurrogate, AutogradVelocitiesMatchFiniteDifferencesOfPositions) {
  auto model = smooth_network();
  const std::vector<double> inputs = {0.0, -0.2,  0.3,  0.7, -0.1, 0.8,
                                      2.5, -0.45, 0.05, 3.9, -0.3, 0.6};
  const SurrogateStates s = evaluate_surrogate(*model, inputs, true);
  ASSERT_EQ(s.rows, 4);
  ASSERT_TRUE(s.has_velocities);
  const double h = 1e-5;
  for (std::int64_t k = 0; k < s.rows; ++k) {
    std::vector<double> plus(inputs.begin() + k * 3, inputs.begin() + k * 3 + 3), minus = plus;
    plus[0] += h;
    minus[0] -= h;
    const auto p = surrogate_positions(*model, plus), m = surrogate_positions(*model, minus);
    for (int i = 0; i < 4; ++i) {
      const double fd = (p[i] - m[i]) / (2 * h);
      EXPECT_NEAR(s.row(k)[6 + i], fd, 1e-8 + 1e-6 * std::abs(fd))
          << "row " << k << " output " << i;
    }
    // Particle 3 from the barycentre and zero total momentum.
    EXPECT_DOUBLE_EQ(s.row(k)[4], -s.row(k)[0] - s.row(k)[2]);
    EXPECT_DOUBLE_EQ(s.row(k)[11], -s.row(k)[7] - s.row(k)[9]);
  }
}

TEST(ThreeBodySurrogate, PositionsWithoutVelocitiesAgreeWithTheTapedPass) {
  auto model = smooth_network();
  const std::vector<double> inputs = {1.0, -0.2, 0.3, 2.0, -0.4, 0.5};
  const SurrogateStates taped = evaluate_surrogate(*model, inputs, true);
  const SurrogateStates plain = evaluate_surrogate(*model, inputs, false);
  for (int i = 0; i < 6; ++i) EXPECT_DOUBLE_EQ(taped.states[i], plain.states[i]);
  EXPECT_TRUE(std::isnan(plain.states[6]));
}

TEST(ThreeBodySurrogate, RejectsAModelWithTheWrongNumberOfOutputs) {
  auto model = nn::build_sequential(
      nlohmann::json::parse(R"({"inputs": 3, "layers": [{"type": "dense", "units": 6}]})"), 1);
  try {
    evaluate_surrogate(*model, {0.0, -0.2, 0.3}, false);
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("[N, 4]"), std::string::npos) << e.what();
  }
}

TEST(ThreeBodyEnergy, EnergyOfAnIntegratorStateMatchesTheNBodyEnergy) {
  const NBodyProblem problem = breen_problem({-0.2, 0.3});
  const Trajectory t = integrate_nbody(problem, OutputGrid{1.0 / 256, 257}, Precision{1e-13, 53});
  ASSERT_TRUE(t.completed) << t.failure;
  PlanarNBody<double> system(problem.masses);
  for (int k : {0, 128, 256}) {
    const std::vector<double> state(t.row(k), t.row(k) + 12);
    EXPECT_NEAR(three_body_energy(t.row(k)), system.energy(state), 1e-13) << "row " << k;
  }
  const double e0 = breen_initial_energy(-0.2, 0.3);
  EXPECT_NEAR(e0, system.energy(problem.initial_state), 1e-14);
  EXPECT_LT(relative_energy_error(t.row(256), e0), 1e-8);  // the integrator conserves it
}

TEST(ThreeBodyEnergy, ProjectionBringsAPerturbedStateBackToTheEnergySurface) {
  const NBodyProblem problem = breen_problem({-0.3, 0.6});
  const Trajectory t = integrate_nbody(problem, OutputGrid{1.0 / 256, 257}, Precision{1e-13, 53});
  ASSERT_TRUE(t.completed);
  const double e0 = breen_initial_energy(-0.3, 0.6);
  std::array<double, 12> noisy;
  std::copy(t.row(256), t.row(256) + 12, noisy.begin());
  for (int i : {6, 7, 8, 9}) noisy[i] *= 1.02;  // a network-like 2% velocity error
  noisy[10] = -noisy[6] - noisy[8];
  noisy[11] = -noisy[7] - noisy[9];
  const double before = relative_energy_error(noisy.data(), e0);
  ASSERT_GT(before, 1e-3);
  const ProjectedState p = project_to_energy(noisy.data(), e0);
  EXPECT_LT(p.relative_energy_error, 1e-6) << "before " << before;
  EXPECT_LT(p.distance, 0.1);
  EXPECT_DOUBLE_EQ(p.state[4], -p.state[0] - p.state[2]);
  EXPECT_DOUBLE_EQ(p.state[10], -p.state[6] - p.state[8]);
}

TEST(NelderMead, FindsTheMinimumOfTheRosenbrockValley) {
  auto rosenbrock = [](const std::vector<double>& x) {
    return 100 * std::pow(x[1] - x[0] * x[0], 2) + std::pow(1 - x[0], 2);
  };
  const NelderMeadResult r = nelder_mead(rosenbrock, {-1.2, 1.0}, {0.1, 0.1}, {1e-16, 5000});
  EXPECT_TRUE(r.converged);
  EXPECT_NEAR(r.x[0], 1.0, 1e-4);
  EXPECT_NEAR(r.x[1], 1.0, 1e-4);
}

}  // namespace
}  // namespace scidl::sci
