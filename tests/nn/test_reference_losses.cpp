// Every loss against PyTorch's value and input gradient (tools/make_reference_fixtures.py).
#include "../test_util.h"

namespace scidl::testing {
namespace {

TEST(ReferenceLosses, ValuesAndInputGradientsMatchPyTorch) {
  auto fx = load_fixture("reference/losses_float64.json");
  int checked = 0;
  for (auto& [name, c] : fx["cases"].items()) {
    Tensor input = tensor_from_json(c["input"], DType::Float64).requires_grad_();
    bool classes = name == "cross_entropy" || name.rfind("nll", 0) == 0;
    Tensor target = tensor_from_json(c["target"], classes ? DType::Int64 : DType::Float64);
    Tensor loss;
    if (name == "mse") loss = mse_loss(input, target);
    else if (name == "l1") loss = l1_loss(input, target);
    else if (name.rfind("huber", 0) == 0)
      loss = huber_loss(input, target, c["args"]["delta"].get<double>());
    else if (name == "cross_entropy") loss = cross_entropy(input, target);
    else if (name == "nll_log_softmax") {
      loss = nll_loss(input, target);  // input holds log-probabilities
      Tensor logits = tensor_from_json(c["logits"], DType::Float64).requires_grad_();
      nll_loss(log_softmax(logits, 1), target).backward();
      expect_close(logits.grad(), c["logits_grad"], 1e-10, "nll through log_softmax", 1e-14);
    }
    else if (name == "bce_with_logits") loss = binary_cross_entropy_with_logits(input, target);
    else FAIL() << "fixture case without a scidl loss: " << name;
    EXPECT_NEAR(loss.item(), c["value"].get<double>(), 1e-12) << name;
    loss.backward();
    expect_close(input.grad(), c["input_grad"], 1e-10, name + " input grad", 1e-14);
    ++checked;
  }
  EXPECT_EQ(checked, 7);
}

}  // namespace
// A bad class target is reported under the name of the loss the user chose.
TEST(Losses, ClassTargetErrorsNameTheLossCalled) {
  const Tensor scores = zeros({2, 3});
  for (auto [name, loss] : {std::pair{"cross_entropy", &cross_entropy}, {"nll_loss", &nll_loss}}) {
    try {
      loss(scores, from_vector(std::vector<int64_t>{0, 3}, {2}));
      ADD_FAILURE() << name;
    } catch (const std::out_of_range& e) {
      EXPECT_EQ(std::string(e.what()),
                std::string(name) + ": target class 3 is out of range for 3 classes");
    }
  }
}

}  // namespace scidl::testing
