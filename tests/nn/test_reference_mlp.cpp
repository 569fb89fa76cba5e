// The 3-layer MLP of tools/make_reference_fixtures.py against PyTorch's own numbers: outputs,
// loss, every parameter gradient, the input gradient, and weights after 10 Adam and 10
// SGD-Nesterov steps. float32 to 1e-5 relative, float64 to 1e-10.
#include "../test_util.h"
#include "scidl/nn/activation.h"
#include "scidl/nn/linear.h"
#include "scidl/nn/sequential.h"
#include "scidl/optim/adam.h"
#include "scidl/optim/sgd.h"

namespace scidl::testing {
namespace {

struct Reference {
  nlohmann::json fx;
  DType dtype;
  double rtol;
  std::shared_ptr<nn::Sequential> model;
  Tensor x, y;

  explicit Reference(const std::string& file, DType d, double tol)
      : fx(load_fixture("reference/" + file)), dtype(d), rtol(tol) {
    model = std::make_shared<nn::Sequential>();
    nn::LinearOptions o{true, nn::Init::KaimingUniform, d};
    model->push_back(std::make_shared<nn::Linear>(5, 16, o));
    model->push_back(std::make_shared<nn::Tanh>());
    model->push_back(std::make_shared<nn::Linear>(16, 16, o));
    model->push_back(std::make_shared<nn::ReLU>());
    model->push_back(std::make_shared<nn::Linear>(16, 3, o));
    std::map<std::string, Tensor> state;
    for (auto& [name, t] : fx["params"].items()) state[name] = tensor_from_json(t, d);
    model->load_state_dict(state);
    x = tensor_from_json(fx["input"], d);
    y = tensor_from_json(fx["target"], d);
  }

  void expect_params(const nlohmann::json& expected, const std::string& what) {
    for (auto& [name, p] : model->named_parameters())
      expect_close(p, expected[name], rtol, what + " " + name, rtol * 1e-2);
  }
};

class ReferenceMlp : public ::testing::TestWithParam<std::tuple<std::string, DType, double>> {
 protected:
  Reference ref() {
    return Reference(std::get<0>(GetParam()), std::get<1>(GetParam()), std::get<2>(GetParam()));
  }
};

TEST_P(ReferenceMlp, ForwardLossAndGradientsMatchPyTorch) {
  Reference r = ref();
  r.x.requires_grad_();
  Tensor out = (*r.model)(r.x);
  expect_close(out, r.fx["output"], r.rtol, "output", r.rtol * 1e-2);
  Tensor loss = mse_loss(out, r.y);
  EXPECT_NEAR(loss.item(), r.fx["loss"].get<double>(), r.rtol * r.fx["loss"].get<double>());
  loss.backward();
  for (auto& [name, p] : r.model->named_parameters())
    expect_close(p.grad(), r.fx["grads"][name], r.rtol, "grad " + name, r.rtol * 1e-2);
  expect_close(r.x.grad(), r.fx["input_grad"], r.rtol, "input grad", r.rtol * 1e-2);
}

TEST_P(ReferenceMlp, TenAdamStepsMatchPyTorch) {
  Reference r = ref();
  auto h = r.fx["adam_hyperparameters"];
  optim::Adam opt(r.model->parameters(),
                  {h["lr"].get<double>(), h["betas"][0].get<double>(), h["betas"][1].get<double>(),
                   h["eps"].get<double>(), h["weight_decay"].get<double>(), false});
  for (int s = 0; s < 10; ++s) {
    opt.zero_grad();
    mse_loss((*r.model)(r.x), r.y).backward();
    opt.step();
  }
  r.expect_params(r.fx["adam_after_10"], "adam");
}

TEST_P(ReferenceMlp, TenNesterovStepsMatchPyTorch) {
  Reference r = ref();
  auto h = r.fx["sgd_nesterov_hyperparameters"];
  optim::SGD opt(r.model->parameters(),
                 {h["lr"].get<double>(), h["momentum"].get<double>(), h["dampening"].get<double>(),
                  h["weight_decay"].get<double>(), h["nesterov"].get<bool>()});
  for (int s = 0; s < 10; ++s) {
    opt.zero_grad();
    mse_loss((*r.model)(r.x), r.y).backward();
    opt.step();
  }
  r.expect_params(r.fx["sgd_nesterov_after_10"], "sgd nesterov");
}

INSTANTIATE_TEST_SUITE_P(
    Precisions, ReferenceMlp,
    ::testing::Values(std::make_tuple(std::string("mlp_float32.json"), DType::Float32, 1e-5),
                      std::make_tuple(std::string("mlp_float64.json"), DType::Float64, 1e-10)),
    [](const auto& info) {
      return std::get<1>(info.param) == DType::Float32 ? "float32" : "float64";
    });

}  // namespace
}  // namespace scidl::testing
