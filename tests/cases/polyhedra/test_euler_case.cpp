// Case 2, Euler's formula: a network learns F from (E, V, volume, area) of random convex
// polyhedra; its salience ranking puts E and V first with volume and area near zero; a sparse
// integer fit on the two salient features recovers F = E - V + 2. A few thousand polyhedra and a
// small MLP keep it to seconds.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "scidl/cases/polyhedra/polyhedra.h"
#include "scidl/explain/explain.h"
#include "scidl/nn/model_spec.h"
#include "scidl/optim/factory.h"
#include "scidl/train/losses.h"
#include "scidl/train/trainer.h"

namespace {

using namespace scidl;
using namespace scidl::explain;

TEST(EulerCase, SalienceFindsEAndVAndTheFitFindsEulersFormula) {
  auto samples = sci::random_polyhedra({.count = 3000, .seed = 2021});
  const int64_t n = static_cast<int64_t>(samples.size());
  std::vector<double> raw, faces;
  for (const auto& s : samples) {
    raw.insert(raw.end(), {static_cast<double>(s.edges), static_cast<double>(s.vertices), s.volume,
                           s.surface_area});
    faces.push_back(static_cast<double>(s.faces));
  }
  const std::vector<std::string> names{"E", "V", "volume", "area"};
  Tensor x_raw = from_vector(raw, {n, 4});
  // The network sees standardised features (z-scores), as Davies et al. do, so salience compares
  // features on one scale.
  const auto sd = feature_stddev(x_raw);
  std::vector<double> mean(4, 0.0), z(raw.size());
  for (int64_t i = 0; i < n; ++i)
    for (int j = 0; j < 4; ++j) mean[j] += raw[i * 4 + j] / n;
  for (int64_t i = 0; i < n; ++i)
    for (int j = 0; j < 4; ++j) z[i * 4 + j] = (raw[i * 4 + j] - mean[j]) / sd[j];

  data::Dataset d;
  d.x = from_vector(z, {n, 4}, DType::Float32);
  d.y = from_vector(faces, {n, 1}, DType::Float32);
  auto model = nn::build_sequential({{"inputs", 4},
                                {"layers",
                                 {{{"type", "dense"}, {"units", 32}, {"activation", "tanh"}},
                                  {{"type", "dense"}, {"units", 32}, {"activation", "tanh"}},
                                  {{"type", "dense"}, {"units", 1}}}}},
                               7);
  auto optimizer = optim::make_optimizer({.type = "adam", .lr = 3e-3}, model->parameters());
  train::Trainer trainer(*model, *optimizer, train::make_loss("mse"), {"mae"});
  trainer.fit(d, nullptr, {.epochs = 40, .batch_size = 64, .seed = 1, .verbose = false});
  model->eval();
  const double mae = trainer.evaluate(d).at("mae");
  EXPECT_LT(mae, 0.5) << "the network should predict the face count to within half a face";

  // Salience: mean |dF/dz| over the dataset (the inputs are already standardised).
  auto ranking = gradient_ranking(*model, d.x, {}, names, /*standardise=*/false);
  auto ranked = ranking.ranked_names();
  std::sort(ranked.begin(), ranked.begin() + 2);
  EXPECT_EQ(std::vector<std::string>(ranked.begin(), ranked.begin() + 2),
            (std::vector<std::string>{"E", "V"}));
  EXPECT_LT(ranking.shares[2] + ranking.shares[3], 0.1)
      << "volume " << ranking.shares[2] << ", area " << ranking.shares[3];

  // The mathematician's step: a least-squares fit on the two salient features, rounded.
  auto formula =
      fit_integer_formula(x_raw, from_vector(faces, {n}), {ranking.order[0], ranking.order[1]},
                          {names[ranking.order[0]], names[ranking.order[1]]});
  std::string text = formula.text("F");
  EXPECT_TRUE(text == "F = E - V + 2" || text == "F = -V + E + 2") << text;
  EXPECT_DOUBLE_EQ(formula.exact_fraction, 1.0);
  std::printf(
      "discovered: %s (mae of the network %.3f; salience E %.3f V %.3f volume %.3f area %.3f)\n",
      text.c_str(), mae, ranking.shares[0], ranking.shares[1], ranking.shares[2],
      ranking.shares[3]);
}

// The command-line half: generate polyhedra, then fit the formula on the named features.
TEST(EulerCase, CommandsGenerateDataAndPrintTheFormula) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("scidl_test_euler_commands_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const auto log = dir.string() + ".log";
  auto run = [&](const std::string& args) {
    const int status =
        std::system((std::string(SCIDL_CLI) + " " + args + " > " + log + " 2>&1").c_str());
    std::ifstream in(log);
    std::stringstream ss;
    ss << in.rdbuf();
    return std::make_pair(status, ss.str());
  };
  auto [generated, out] = run("polyhedra generate --count 300 --seed 4 --out " + dir.string());
  ASSERT_EQ(generated, 0) << out;
  for (const char* file : {"train_X.csv", "train_Y.csv", "train_Z.csv", "standardisation.csv"})
    EXPECT_TRUE(std::filesystem::exists(dir / file)) << file;
  auto [fitted, formula] = run("explain-formula --data " + (dir / "train_X.csv").string() +
                               " --target " + (dir / "train_Y.csv").string() + " --features E,V");
  ASSERT_EQ(fitted, 0) << formula;
  EXPECT_NE(formula.find("discovered formula: F = E - V + 2"), std::string::npos) << formula;
  EXPECT_NE(formula.find("exact on 100.00% of 300 rows"), std::string::npos) << formula;
  auto [failed, message] =
      run("explain-formula --data " + (dir / "train_X.csv").string() + " --target " +
          (dir / "train_Y.csv").string() + " --features E,faces");
  EXPECT_NE(failed, 0);
  EXPECT_NE(message.find("feature 'faces' is not a column"), std::string::npos) << message;
  std::filesystem::remove_all(dir);
}

}  // namespace
