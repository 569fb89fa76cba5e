// scidl side of `bench/run pipeline`: GPipe's bubble, measured. An MLP of --layers dense layers
// of --width units (ReLU) at --batch rows a step, trained by Trainer::fit as a pipeline of one
// stage a rank (under `mpirun -np S`, its layers balanced by parameter count) with each of the
// --micro-batches counts in turn (default 1,2,4,8). Alone it trains the whole model on one rank
// (the reference step). For each count rank 0 prints
//   pipeline stages=S micro_batches=M step_ms=.. bubble=.. ideal=..
// step_ms: the median step; bubble: the share of the schedule's window (first forward to last
// backward) a stage spends waiting for another, averaged over the stages and the timed steps;
// ideal: GPipe's (S - 1) / (M + S - 1), which assumes equal stages and free messages.
#include <fmt/core.h>

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
  int layers = 8, steps = 20, warmup = 3;
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
    const train::PipelineTimes& t = trainer.pipeline()->times();
    double shares[2] = {t.idle_s / (t.idle_s + t.compute_s), (t.idle_s + t.compute_s) / t.steps};
    communicator->all_reduce_sum(shares, 2, "the stages' times");
    if (communicator->rank() == 0)
      fmt::print(
          "pipeline stages={} micro_batches={} step_ms={:.2f} window_ms={:.2f} bubble={:.3f} "
          "ideal={:.3f}\n",
          stages, m, step_ms, 1e3 * shares[1] / stages, shares[0] / stages,
          double(stages - 1) / double(m + stages - 1));
  }
}
