// C++ side of `bench/run python_fit`: the same fit the Python module runs (train::Trainer::fit
// over an in-memory dataset: the three-body network 3 -> 10 x Dense(128, ReLU) -> 4, Adam
// (lr 5e-4, eps 1e-7), MAE, shuffled batches), called from C++ alone, so that the difference to
// bench/python_fit_scidl.py is what the Python layer costs.
// Prints `cpp_ms=<ms per step>`: the best of --repeats timed fits of --steps steps each, after one
// untimed fit of a tenth as many.
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "scidl/nn/model_spec.h"
#include "scidl/optim/factory.h"
#include "scidl/scidl.h"
#include "scidl/train/trainer.h"

using namespace scidl;

int main(int argc, char** argv) {
  int64_t batch = 5000;
  int steps = 50, repeats = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--batch") batch = std::stoll(argv[i + 1]);
    if (a == "--steps") steps = std::stoi(argv[i + 1]);
    if (a == "--repeats") repeats = std::stoi(argv[i + 1]);
  }
  const int64_t batches_per_epoch = 10;
  const nlohmann::json spec = {
      {"inputs", 3},
      {"layers",
       {{{"type", "dense"}, {"units", 128}, {"activation", "relu"}, {"repeat", 10}},
        {{"type", "dense"}, {"units", 4}}}}};
  auto model = nn::build_model(spec, 0);
  auto o = optim::default_optimizer_spec("adam");
  o.lr = 5e-4;
  o.eps = 1e-7;
  auto optimizer = optim::make_optimizer(o, model->parameters());
  train::Trainer trainer(*model, *optimizer, "mae");
  data::Dataset d;
  d.x = rand({batch * batches_per_epoch, 3});
  d.y = rand({batch * batches_per_epoch, 4});
  train::FitOptions fo;
  fo.batch_size = batch;
  fo.verbose = false;
  fo.epochs = std::max<int>(1, steps / 10 / batches_per_epoch);
  trainer.fit(d, nullptr, fo);  // warm-up
  fo.epochs = std::max<int64_t>(1, steps / batches_per_epoch);
  double best = 1e300;
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    trainer.fit(d, nullptr, fo);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    best = std::min(best, ms / static_cast<double>(fo.epochs * batches_per_epoch));
  }
  fmt::print("cpp_ms={:.4f}\n", best);
}
