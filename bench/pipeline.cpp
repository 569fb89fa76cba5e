// scidl side of `bench/run pipeline`: GPipe's bubble, measured. An MLP of --layers dense layers
// (all but the last of --width units and ReLU, the last of 8) at --batch rows a step, trained by
// Trainer::fit as a pipeline of one stage a rank (under `mpirun -np S`, its layers balanced by
// parameter count) with each of the --micro-batches counts in turn (default 1,2,4,8). Alone it
// trains the whole model on one rank (the reference step). For each count rank 0 prints
//   pipeline stages=S micro_batches=M step_ms=.. schedule_ms=.. compute_ms=..
//     stage_compute_ms=../.. bubble=.. ideal=..
// step_ms: the median step; schedule_ms: the forwards and backwards of a step (the longest
// stage's first forward to last backward); compute_ms: a stage's computing in it (the mean over
// the stages; stage_compute_ms: each stage's); bubble: 1 - compute / schedule, the share of the
// schedule a stage waits for another (receiving, or its sends finishing); ideal: GPipe's
// (S - 1) / (M + S - 1), which assumes equal stages and free messages. Means over timed steps.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include "scidl/dist/communicator.h"
#include "scidl/nn/model_spec.h"
#include "scidl/ops/random_ops.h"
#include "scidl/optim/adam.h"
#include "scidl/scidl.h"
#include "scidl/train/pipeline.h"
#include "scidl/train/trainer.h"

using namespace scidl;

namespace {

struct StepClock : train::Callback {
  std::vector<double> ms;
  std::chrono::steady_clock::time_point last = std::chrono::steady_clock::now();
  int warmup = 0;
  void on_batch_end(train::Trainer& t, int64_t step, const train::Logs&) override {
    const auto now = std::chrono::steady_clock::now();
    ms.push_back(std::chrono::duration<double, std::milli>(now - last).count());
    last = now;
    if (step == warmup && t.pipeline()) t.pipeline()->reset_times();  // time the rest
  }
};

double median(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int64_t batch = 4096, width = 256;
  int layers = 9, steps = 20, warmup = 3;
  std::vector<int> counts{1, 2, 4, 8};
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--batch") batch = std::stoll(v);
    if (a == "--width") width = std::stoll(v);
    if (a == "--layers") layers = std::stoi(v);
    if (a == "--steps") steps = std::stoi(v);
    if (a == "--warmup") warmup = std::stoi(v);
    if (a == "--micro-batches") {
      counts.clear();
      std::stringstream list(v);
      for (std::string item; std::getline(list, item, ',');) counts.push_back(std::stoi(item));
    }
  }
  const auto communicator = dist::communicator_from_launch();
  const int stages = communicator ? communicator->size() : 1;
  const nlohmann::json spec = {
      {"inputs", width},
      {"layers",
       {{{"type", "dense"}, {"units", width}, {"activation", "relu"}, {"repeat", layers - 1}},
        {{"type", "dense"}, {"units", 8}}}}};
  data::Dataset d;
  Generator gen(1);
  d.x = rand({batch * (warmup + steps), width}, DType::Float32, gen);
  d.y = rand({batch * (warmup + steps), 8}, DType::Float32, gen);
  for (int m : communicator ? counts : std::vector<int>{0}) {
    auto model = nn::build_model(spec, 0);
    optim::Adam adam(model->parameters(), optim::AdamOptions{.lr = 1e-4});
    train::Trainer trainer(*model, adam, "mse");
    train::PipelineOptions options;
    options.micro_batches = m;
    if (communicator) trainer.set_pipeline(communicator.get(), options);
    train::FitOptions o;
    o.epochs = 1;
    o.batch_size = batch;
    o.shuffle = false;
    o.verbose = false;
    StepClock clock;
    clock.warmup = warmup;
    trainer.fit(d, nullptr, o, {&clock});
    const double step_ms = median(std::vector<double>(clock.ms.begin() + warmup, clock.ms.end()));
    if (!communicator) {
      fmt::print("pipeline stages=1 step_ms={:.2f}\n", step_ms);
      continue;
    }
    // Each stage's computing and its window (its first forward to its last backward). The
    // ranks start a step together (the previous step's loss all-reduce), so the schedule spans
    // the longest window; a stage idles for the rest of it.
    const train::PipelineTimes& t = trainer.pipeline()->times();
    std::vector<double> times(size_t(2 * stages), 0.0);
    times[size_t(communicator->rank())] = t.compute_s / double(t.steps);
    times[size_t(stages + communicator->rank())] = (t.compute_s + t.idle_s) / double(t.steps);
    communicator->all_reduce_sum(times.data(), int64_t(times.size()), "the stages' times");
    double compute = 0, span = 0;
    std::vector<double> stage_ms;
    for (int r = 0; r < stages; ++r) {
      compute += times[size_t(r)] / stages;
      stage_ms.push_back(1e3 * times[size_t(r)]);
      span = std::max(span, times[size_t(stages + r)]);
    }
    if (communicator->rank() == 0)
      fmt::print(
          "pipeline stages={} micro_batches={} step_ms={:.2f} schedule_ms={:.2f} "
          "compute_ms={:.2f} stage_compute_ms={:.2f} bubble={:.3f} ideal={:.3f}\n",
          stages, m, step_ms, 1e3 * span, 1e3 * compute, fmt::join(stage_ms, "/"),
          1 - compute / span, double(stages - 1) / double(m + stages - 1));
  }
}
