// scidl side of `bench/run mlp_step`: one full training step (zero_grad, forward, L1 loss,
// backward, Adam) of the Breen et al. three-body network, 3 -> 10 x Dense(128, ReLU) -> 4
// (--activation tanh: the same with tanh).
// The step is the one `scidl train` takes (train::fused_training_step: for this network, loss and
// optimizer one pass, forward, loss and backward a group of rows at a time, with Adam updating
// each layer as its gradients are final); with SCIDL_STEP=eager it is zero_grad, model(x),
// l1_loss, loss.backward() and opt.step() as separate ops, as PyTorch runs it; with
// SCIDL_STEP=unfused it is the fused forward and backward (train::forward_and_loss) with
// zero_grad, backward() and opt.step() separate: what the optimizer's fusion saves.
// Prints `scidl_ms=<median>`; bench/mlp_step.sh pairs it with the PyTorch peer.
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>

#include "scidl/nn/activation.h"
#include "scidl/nn/linear.h"
#include "scidl/nn/sequential.h"
#include "scidl/optim/adam.h"
#include "scidl/scidl.h"
#include "scidl/train/fused_step.h"
#include "scidl/train/step_forward.h"

using namespace scidl;

int main(int argc, char** argv) {
  int64_t batch = 5000;
  int steps = 30, warmup = 5;
  std::string activation = "relu";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--batch") batch = std::stoll(argv[i + 1]);
    if (a == "--steps") steps = std::stoi(argv[i + 1]);
    if (a == "--warmup") warmup = std::stoi(argv[i + 1]);
    if (a == "--activation") activation = argv[i + 1];
  }
  const char* step = std::getenv("SCIDL_STEP");
  const bool eager = step && std::string(step) == "eager";
  const bool unfused = step && std::string(step) == "unfused";
  manual_seed(0);
  nn::Sequential model;
  int64_t in = 3;
  for (int l = 0; l < 10; ++l) {
    model.push_back(std::make_shared<nn::Linear>(in, 128));
    if (activation == "tanh")
      model.push_back(std::make_shared<nn::Tanh>());
    else
      model.push_back(std::make_shared<nn::ReLU>());
    in = 128;
  }
  model.push_back(std::make_shared<nn::Linear>(128, 4));
  optim::Adam opt(model.parameters(), {.lr = 5e-4, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-7});
  Tensor x = rand({batch, 3});
  Tensor y = rand({batch, 4});
  std::vector<double> times;
  for (int s = 0; s < warmup + steps; ++s) {
    auto t0 = std::chrono::steady_clock::now();
    // Where the step does not fuse (no dense kernels in the running copy, SCIDL_KERNELS=
    // no-dense), the separate calls, as `scidl train` takes them.
    if (eager || unfused || !train::fused_training_step(model, opt, x, y, FusedLoss::L1)) {
      if (!eager && !unfused && s == 0)
        fmt::print(stderr, "mlp_step: the step does not fuse here; timing the separate calls\n");
      opt.zero_grad();
      Tensor loss = unfused ? train::forward_and_loss(model, x, y, l1_loss, FusedLoss::L1).loss
                            : l1_loss(model(x), y);
      loss.backward();
      opt.step();
    }
    auto t1 = std::chrono::steady_clock::now();
    if (s >= warmup) times.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  std::sort(times.begin(), times.end());
  fmt::print("scidl_ms={:.4f}\n", times[times.size() / 2]);
}
