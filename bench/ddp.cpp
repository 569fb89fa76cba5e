// scidl side of `bench/run ddp`: training steps of the Breen et al. three-body network
// (3 -> 10 x Dense(128, ReLU) -> 4, Adam, L1 loss) at a job batch of --batch rows, as
// `scidl train` takes them: Trainer::fit over a fixed data set, one epoch of --warmup + --steps
// steps. Alone it is one process (its threads: OMP_NUM_THREADS); under `mpirun -np N` each rank
// trains --batch / N rows a step (the fused dense pass for the gradients, their all-reduce, Adam).
// Rank 0 prints `scidl_ms=<median ms a step>` over the timed steps, and `ranks=N`.
// --model cnn: instead the Keras baseline CNN of bench/cnn.cpp (two convolutions, a 9216 x 128
// dense layer: 1.2M parameters; Adam, cross entropy) on random 28 x 28 images, where the dense
// layers' all-reduce can travel while the convolutions' backward runs. --no-overlap: every
// bucket's all-reduce starts after backward instead of as soon as its gradients are final.
// --allreduce-probe (under mpirun): instead, the median time of the communicator's all-reduce of
// one float (the latency) and of the network's gradients (149,828 floats): `allreduce_latency_us`,
// `allreduce_grad_us`, `allreduce_gb_s` (the gradient's bytes over the time above the latency),
// what bench/RESULTS.md's model of larger jobs starts from.
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "scidl/dist/communicator.h"
#include "scidl/nn/model_spec.h"
#include "scidl/ops/random_ops.h"
#include "scidl/optim/adam.h"
#include "scidl/scidl.h"
#include "scidl/train/trainer.h"

using namespace scidl;

namespace {

// The time of each step, from the end of one to the end of the next.
struct StepClock : train::Callback {
  std::vector<double> ms;
  std::chrono::steady_clock::time_point last = std::chrono::steady_clock::now();
  void on_batch_end(train::Trainer&, int64_t, const train::Logs&) override {
    const auto now = std::chrono::steady_clock::now();
    ms.push_back(std::chrono::duration<double, std::milli>(now - last).count());
    last = now;
  }
};

// The median microseconds of `reps` all-reduces of `count` floats.
double allreduce_us(dist::Communicator& comm, int64_t count, int reps) {
  std::vector<float> data(size_t(count), 1.0f);
  std::vector<double> us;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    comm.all_reduce_sum(data.data(), count, "the probe");
    us.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
  }
  std::nth_element(us.begin(), us.begin() + reps / 2, us.end());
  return us[size_t(reps / 2)];
}

}  // namespace

int main(int argc, char** argv) {
  int64_t batch = 5000;
  int steps = 30, warmup = 5;
  bool probe = false, overlap = true;
  std::string model_name = "three_body";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--allreduce-probe") probe = true;
    if (a == "--no-overlap") overlap = false;
    if (i + 1 >= argc) continue;
    if (a == "--model") model_name = argv[i + 1];
    if (a == "--batch") batch = std::stoll(argv[i + 1]);
    if (a == "--steps") steps = std::stoi(argv[i + 1]);
    if (a == "--warmup") warmup = std::stoi(argv[i + 1]);
  }
  const auto communicator = dist::communicator_from_launch();
  if (probe) {
    if (!communicator) {
      fmt::print(stderr, "--allreduce-probe runs under mpirun\n");
      return 1;
    }
    const int64_t gradient = 3 * 128 + 128 + 9 * (128 * 128 + 128) + 128 * 4 + 4;
    allreduce_us(*communicator, gradient, 20);  // warm up the transport
    const double latency = allreduce_us(*communicator, 1, 2000);
    const double whole = allreduce_us(*communicator, gradient, 200);
    if (communicator->rank() == 0)
      fmt::print(
          "ranks={}\nallreduce_latency_us={:.2f}\nallreduce_grad_us={:.1f}\n"
          "allreduce_gb_s={:.2f}\n",
          communicator->size(), latency, whole,
          double(gradient) * 4 / ((whole - latency) * 1e-6) / 1e9);
    return 0;
  }
  const int ranks = communicator ? communicator->size() : 1;
  const bool cnn = model_name == "cnn";
  if (!cnn && model_name != "three_body") {
    fmt::print(stderr, "--model is three_body or cnn, not '{}'\n", model_name);
    return 2;
  }
  manual_seed(0);
  auto model = nn::build_model(nlohmann::json::parse(cnn ? R"({"inputs": [1, 28, 28], "layers": [
      {"type": "conv2d", "filters": 32, "kernel_size": 3, "activation": "relu"},
      {"type": "conv2d", "filters": 64, "kernel_size": 3, "activation": "relu"},
      {"type": "maxpool2d", "pool_size": 2}, {"type": "dropout", "rate": 0.25},
      {"type": "flatten"}, {"type": "dense", "units": 128, "activation": "relu"},
      {"type": "dropout", "rate": 0.5}, {"type": "dense", "units": 10}]})"
                                                         : R"({"inputs": 3, "layers": [
      {"type": "dense", "units": 128, "activation": "relu", "repeat": 10},
      {"type": "dense", "units": 4}]})"),
                               0);
  optim::Adam adam(model->parameters(), optim::AdamOptions{.lr = cnn ? 1e-3 : 5e-4, .eps = 1e-7});
  train::Trainer trainer(*model, adam, cnn ? "cross_entropy" : "mae");
  if (communicator) trainer.set_communicator(communicator.get(), {.overlap = overlap});
  data::Dataset d;
  Generator gen(1);
  const int64_t rows = batch * (warmup + steps);
  if (cnn) {
    d.x = rand({rows, 1, 28, 28}, DType::Float32, gen);
    std::vector<int64_t> labels(static_cast<size_t>(rows));
    for (int64_t i = 0; i < rows; ++i) labels[size_t(i)] = i % 10;
    d.y = from_vector(labels, {rows});
  } else {
    d.x = rand({rows, 3}, DType::Float32, gen);
    d.y = rand({rows, 4}, DType::Float32, gen);
  }
  train::FitOptions o;
  o.epochs = 1;
  o.batch_size = batch / ranks;
  o.verbose = false;
  StepClock clock;
  trainer.fit(d, nullptr, o, {&clock});
  std::vector<double> timed(clock.ms.begin() + warmup, clock.ms.end());
  std::nth_element(timed.begin(), timed.begin() + timed.size() / 2, timed.end());
  if (!communicator || communicator->rank() == 0)
    fmt::print("ranks={}\nscidl_ms={:.4f}\n", ranks, timed[timed.size() / 2]);
}
