// scidl side of `bench/run gnn`: one training epoch of the lecture's graph network (5 GraphConv
// of width --dim with ReLU, global add pool, Dense ReLU, dropout 0.5, Dense 2; Adam 1e-3, cross
// entropy) over the molecule graphs of a TU folder (scidl molecules prepare: 29 atom features;
// the class is TPSA above its median), shuffled batches of --batch graphs. Prints
// `scidl_s=<median epoch>` over --epochs timed epochs after one warm-up epoch.
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "scidl/data/tu_dataset.h"
#include "scidl/nn/model_spec.h"
#include "scidl/optim/adam.h"
#include "scidl/scidl.h"

using namespace scidl;

int main(int argc, char** argv) {
  std::string dir;
  int64_t dim = 64, batch = 128;
  int epochs = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--data") dir = argv[i + 1];
    if (a == "--dim") dim = std::stoll(argv[i + 1]);
    if (a == "--batch") batch = std::stoll(argv[i + 1]);
    if (a == "--epochs") epochs = std::stoi(argv[i + 1]);
  }
  const std::string name = std::filesystem::absolute(dir).lexically_normal().filename().string();
  auto tu = data::read_tu_dataset(dir, name, /*use_node_attributes=*/true);
  auto values = tu.data.y.to_vector<double>();
  auto sorted = values;
  std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
  const double median = sorted[sorted.size() / 2];
  std::vector<int64_t> labels;
  for (double v : values) labels.push_back(v > median);
  tu.data.y = from_vector(labels, {static_cast<int64_t>(labels.size())});
  nlohmann::json layers = nlohmann::json::array();
  for (int i = 0; i < 5; ++i)
    layers.push_back({{"type", "graphconv"}, {"units", dim}, {"activation", "relu"}});
  layers.push_back({{"type", "global_add_pool"}});
  layers.push_back({{"type", "dense"}, {"units", dim}, {"activation", "relu"}});
  layers.push_back({{"type", "dropout"}, {"rate", 0.5}});
  layers.push_back({{"type", "dense"}, {"units", 2}});
  manual_seed(0);
  auto model = nn::build_model({{"inputs", tu.data.graphs->features()}, {"layers", layers}}, 0);
  optim::Adam adam(model->parameters(), {.lr = 1e-3});
  Generator gen(0);
  std::vector<double> times;
  for (int epoch = 0; epoch <= epochs; ++epoch) {
    data::BatchIterator it(tu.data, batch, /*shuffle=*/true, gen);
    it.reset();
    model->train();
    const auto t0 = std::chrono::steady_clock::now();
    TensorDict b;
    while (it.next(b)) {
      adam.zero_grad();
      Tensor loss = cross_entropy(model->forward_batch(b), b.get("y"));
      loss.backward();
      adam.step();
    }
    const auto t1 = std::chrono::steady_clock::now();
    if (epoch > 0) times.push_back(std::chrono::duration<double>(t1 - t0).count());
  }
  std::sort(times.begin(), times.end());
  fmt::print("graphs={} nodes={}\nscidl_s={:.4f}\n", tu.data.size(), tu.data.graphs->x.shape()[0],
             times[times.size() / 2]);
}
