// scidl side of `bench/run cnn`: the lecture's Keras baseline CNN for Fashion-MNIST on random
// data of the real shapes (built from the same layer list as examples/fashion_mnist/
// keras_baseline.toml): Conv(32, 3x3, ReLU) -> Conv(64, 3x3, ReLU) -> MaxPool 2x2 ->
// Dropout 0.25 -> Flatten -> Dense(128, ReLU) -> Dropout 0.5 -> Dense(10); SGD 0.01 m 0.9.
//   --mode train: full steps (zero_grad, forward, cross-entropy, backward, step), dropout on
//   --mode infer: forward passes in eval mode without autograd
// Prints `scidl_ips=<images per second>` (batch / median step time), like the PyTorch peer.
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "scidl/nn/model_spec.h"
#include "scidl/optim/sgd.h"
#include "scidl/scidl.h"

using namespace scidl;

nlohmann::json keras_baseline_spec() {
  return nlohmann::json::parse(R"({
    "inputs": [1, 28, 28],
    "layers": [
      {"type": "conv2d", "filters": 32, "kernel_size": 3, "activation": "relu"},
      {"type": "conv2d", "filters": 64, "kernel_size": 3, "activation": "relu"},
      {"type": "maxpool2d", "pool_size": 2},
      {"type": "dropout", "rate": 0.25},
      {"type": "flatten"},
      {"type": "dense", "units": 128, "activation": "relu"},
      {"type": "dropout", "rate": 0.5},
      {"type": "dense", "units": 10}]})");
}

int main(int argc, char** argv) {
  std::string mode = "train";
  int64_t batch = 0;
  int steps = 50, warmup = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--mode")
      mode = argv[i + 1];
    else if (a == "--batch")
      batch = std::stoll(argv[i + 1]);
    else if (a == "--steps")
      steps = std::stoi(argv[i + 1]);
    else if (a == "--warmup")
      warmup = std::stoi(argv[i + 1]);
    else {
      fmt::print(stderr, "cnn: unknown argument '{}' (use --mode, --batch, --steps, --warmup)\n",
                 a);
      return 2;
    }
  }
  if (mode != "train" && mode != "infer") {
    fmt::print(stderr, "cnn: --mode must be train or infer, got '{}'\n", mode);
    return 2;
  }
  if (batch == 0) batch = mode == "train" ? 32 : 128;
  manual_seed(0);
  auto model = nn::build_sequential(keras_baseline_spec(), 0);
  optim::SGD opt(model->parameters(), {.lr = 0.01, .momentum = 0.9});
  Tensor images = rand({batch, 1, 28, 28});
  std::vector<int64_t> label_values(batch);
  for (int64_t i = 0; i < batch; ++i) label_values[i] = i % 10;
  Tensor labels = from_vector(label_values, {batch});
  if (mode == "infer") model->eval();
  std::vector<double> times;
  for (int s = 0; s < warmup + steps; ++s) {
    auto t0 = std::chrono::steady_clock::now();
    if (mode == "train") {
      opt.zero_grad();
      Tensor loss = cross_entropy((*model)(images), labels);
      loss.backward();
      opt.step();
    } else {
      NoGradGuard no_grad;
      (*model)(images);
    }
    auto t1 = std::chrono::steady_clock::now();
    if (s >= warmup) times.push_back(std::chrono::duration<double>(t1 - t0).count());
  }
  std::sort(times.begin(), times.end());
  fmt::print("scidl_ips={:.1f}\n", batch / times[times.size() / 2]);
}
