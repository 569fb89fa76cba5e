// scidl side of `bench/run lstm_step`: one training step (zero_grad, forward, MSE, backward,
// Adam) of an LSTM over windows of 2-D points and a dense head on the last state, the lecture's
// ODE surrogate (issue 22): --hidden 64 --steps-in 10 --batch 64 (small), --hidden 256
// --steps-in 100 (large). Prints `scidl_ms=<median>`; bench/lstm_step.sh pairs it with PyTorch.
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "scidl/nn/linear.h"
#include "scidl/nn/recurrent.h"
#include "scidl/nn/sequential.h"
#include "scidl/optim/adam.h"
#include "scidl/scidl.h"

using namespace scidl;

int main(int argc, char** argv) {
  int64_t batch = 64, hidden = 64, length = 10, layers = 1;
  int steps = 30, warmup = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--batch") batch = std::stoll(argv[i + 1]);
    if (a == "--hidden") hidden = std::stoll(argv[i + 1]);
    if (a == "--length") length = std::stoll(argv[i + 1]);
    if (a == "--layers") layers = std::stoll(argv[i + 1]);
    if (a == "--steps") steps = std::stoi(argv[i + 1]);
    if (a == "--warmup") warmup = std::stoi(argv[i + 1]);
  }
  manual_seed(0);
  nn::Sequential model;
  nn::RecurrentOptions o;
  o.num_layers = layers;
  model.push_back(std::make_shared<nn::LSTM>(2, hidden, o));
  model.push_back(std::make_shared<nn::Linear>(hidden, 2));
  optim::Adam opt(model.parameters(), {.lr = 1e-3});
  Tensor x = rand({batch, length, 2});
  Tensor y = rand({batch, 2});
  std::vector<double> times;
  for (int s = 0; s < warmup + steps; ++s) {
    const auto t0 = std::chrono::steady_clock::now();
    opt.zero_grad();
    Tensor loss = mse_loss(model(x), y);
    loss.backward();
    opt.step();
    const auto t1 = std::chrono::steady_clock::now();
    if (s >= warmup) times.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  std::sort(times.begin(), times.end());
  fmt::print("scidl_ms={:.4f}\n", times[times.size() / 2]);
}
