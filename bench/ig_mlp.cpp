// scidl side of `bench/run ig_mlp`: integrated gradients (50 Gauss-Legendre steps, zero baseline,
// target 0, convergence deltas) for 100 inputs of the Breen et al. three-body network,
// 3 -> 10 x Dense(128, ReLU) -> 4, float32. The 5000 path points run as one batched forward and
// one input-only backward pass. Prints `scidl_ms=<median>`.
//   --weights-out FILE   also writes the weights, the inputs ("inputs") and scidl's attributions
//                        ("attributions") as safetensors, so the Captum peer runs the same numbers
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>

#include "scidl/explain/integrated_gradients.h"
#include "scidl/io/safetensors.h"
#include "scidl/nn/activation.h"
#include "scidl/nn/linear.h"
#include "scidl/nn/model_io.h"
#include "scidl/nn/sequential.h"
#include "scidl/scidl.h"

using namespace scidl;

int main(int argc, char** argv) {
  int64_t inputs = 100;
  int steps = 50, repeats = 30, warmup = 5;
  int64_t internal_batch_size = 0;
  std::string weights_out;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--inputs")
      inputs = std::stoll(argv[i + 1]);
    else if (a == "--steps")
      steps = std::stoi(argv[i + 1]);
    else if (a == "--repeats")
      repeats = std::stoi(argv[i + 1]);
    else if (a == "--warmup")
      warmup = std::stoi(argv[i + 1]);
    else if (a == "--weights-out")
      weights_out = argv[i + 1];
    else if (a == "--internal-batch-size")
      internal_batch_size = std::stoll(argv[i + 1]);
    else {
      fmt::print(stderr,
                 "bench_ig_mlp: unknown argument '{}' (use --inputs, --steps, --repeats, "
                 "--warmup, --internal-batch-size, --weights-out)\n",
                 a);
      return 2;
    }
  }
  manual_seed(0);
  nn::Sequential model;
  int64_t width = 3;
  for (int l = 0; l < 10; ++l) {
    model.push_back(std::make_shared<nn::Linear>(width, 128));
    model.push_back(std::make_shared<nn::ReLU>());
    width = 128;
  }
  model.push_back(std::make_shared<nn::Linear>(128, 4));
  model.eval();
  Tensor x = rand({inputs, 3});

  explain::IntegratedGradientsOptions options;
  options.n_steps = steps;
  options.internal_batch_size = internal_batch_size;
  explain::Attribution result;
  std::vector<double> times;
  for (int r = 0; r < warmup + repeats; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    result = explain::integrated_gradients(model, x, explain::Target(0), options);
    auto t1 = std::chrono::steady_clock::now();
    if (r >= warmup) times.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  if (!weights_out.empty()) {
    std::vector<io::NamedArray> arrays;
    for (const auto& [name, t] : model.state_dict()) arrays.push_back(io::to_named_array(name, t));
    arrays.push_back(io::to_named_array("inputs", x));
    arrays.push_back(io::to_named_array("attributions", result.attributions));
    io::write_safetensors(weights_out, arrays, {{"producer", "bench_ig_mlp"}});
  }
  double worst_delta = 0.0;
  for (double d : result.convergence_delta.to_vector<double>())
    worst_delta = std::max(worst_delta, std::abs(d));
  std::sort(times.begin(), times.end());
  fmt::print("max_abs_delta={:.3g}\n", worst_delta);
  fmt::print("scidl_ms={:.4f}\n", times[times.size() / 2]);
}
