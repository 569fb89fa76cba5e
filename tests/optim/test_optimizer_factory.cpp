// Optimizers by name: PyTorch's defaults per type, JSON options checked key by key, and
// round trips through to_json.
#include <gtest/gtest.h>

#include "scidl/optim/adadelta.h"
#include "scidl/optim/adagrad.h"
#include "scidl/optim/factory.h"
#include "scidl/optim/rmsprop.h"

namespace scidl::testing {
namespace {

using nlohmann::json;

std::vector<Tensor> two_parameters() {
  Tensor a = zeros({3}, DType::Float64), b = zeros({2, 2}, DType::Float64);
  a.requires_grad_();
  b.requires_grad_();
  return {a, b};
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no error";
}

TEST(OptimizerFactory, EveryNameBuildsItsOptimizerWithPyTorchDefaults) {
  for (const auto& name : optim::optimizer_names()) {
    auto opt = optim::make_optimizer(optim::default_optimizer_spec(name), two_parameters());
    EXPECT_EQ(opt->flat_parameters().numel(), 7) << name;
  }
  EXPECT_EQ(optim::default_optimizer_spec("adagrad").eps, 1e-10);
  EXPECT_EQ(optim::default_optimizer_spec("adadelta").eps, 1e-6);
  EXPECT_EQ(optim::default_optimizer_spec("adadelta").lr, 1.0);
  EXPECT_EQ(optim::default_optimizer_spec("rmsprop").alpha, 0.99);
  EXPECT_EQ(optim::default_optimizer_spec("adamw").weight_decay, 1e-2);
}

TEST(OptimizerFactory, JsonOptionsReachTheOptimizer) {
  auto spec = optim::optimizer_spec_from_json(json{
      {"type", "rmsprop"}, {"lr", 0.02}, {"alpha", 0.9}, {"momentum", 0.5}, {"centered", true}});
  auto opt = optim::make_optimizer(spec, two_parameters());
  auto* rms = dynamic_cast<optim::RMSprop*>(opt.get());
  ASSERT_NE(rms, nullptr);
  EXPECT_EQ(rms->options().alpha, 0.9);
  EXPECT_EQ(rms->options().momentum, 0.5);
  EXPECT_TRUE(rms->options().centered);
  EXPECT_EQ(rms->options().eps, 1e-8);
  EXPECT_EQ(opt->lr(), 0.02);
  auto state = opt->state();
  EXPECT_TRUE(state.count("grad_avg") && state.count("momentum_buffer") &&
              state.count("square_avg"));
}

TEST(OptimizerFactory, AdagradAccumulatorStartsAtItsInitialValue) {
  optim::Adagrad opt(two_parameters(), {0.1, 0.0, 0.0, 0.25, 1e-10});
  for (double v : opt.state().at("sum").to_vector<double>()) EXPECT_EQ(v, 0.25);
}

TEST(OptimizerFactory, ToJsonReadsBackUnchanged) {
  for (const auto& name : optim::optimizer_names()) {
    json j = optim::to_json(optim::default_optimizer_spec(name));
    EXPECT_EQ(optim::to_json(optim::optimizer_spec_from_json(j)), j) << name;
    EXPECT_EQ(j.size(), optim::optimizer_options(name).size() + 1) << name;
  }
}

TEST(OptimizerFactory, AnOptionOfAnotherOptimizerIsRefusedWithTheValidOnes) {
  std::string e = error_of([] {
    optim::optimizer_spec_from_json(json{{"type", "adagrad"}, {"rho", 0.9}});
  });
  EXPECT_NE(e.find("'adagrad' has no option 'rho'"), std::string::npos) << e;
  EXPECT_NE(e.find("initial_accumulator_value"), std::string::npos) << e;
}

TEST(OptimizerFactory, UnknownNameListsTheChoices) {
  std::string e = error_of([] { optim::default_optimizer_spec("adamax"); });
  EXPECT_NE(e.find("unknown optimizer 'adamax'"), std::string::npos) << e;
  EXPECT_NE(e.find("adadelta"), std::string::npos) << e;
}

TEST(OptimizerFactory, OutOfRangeOptionsNameTheOption) {
  std::string e = error_of([] { optim::Adadelta(two_parameters(), {1.0, 1.5, 1e-6, 0.0}); });
  EXPECT_NE(e.find("Adadelta: 'rho' must lie in [0, 1], got 1.5"), std::string::npos) << e;
  e = error_of([] { optim::RMSprop(two_parameters(), {0.01, 0.99, 1e-8, 0.0, -1.0, false}); });
  EXPECT_NE(e.find("RMSprop: 'momentum'"), std::string::npos) << e;
  e = error_of([] { optim::optimizer_spec_from_json(json{{"type", "rmsprop"}, {"centered", 1}}); });
  EXPECT_NE(e.find("optimizer.centered: expected a boolean"), std::string::npos) << e;
}

}  // namespace
}  // namespace scidl::testing
