#include "scidl/automl/xgboost_model.h"

#include <fmt/format.h>
#include <omp.h>
#include <xgboost/c_api.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <stdexcept>

#include "scidl/io/file_io.h"

namespace scidl::automl {
namespace {

void check(int status, const char* what) {
  if (status != 0)
    throw std::runtime_error(fmt::format("XGBoost: {} failed: {}", what, XGBGetLastError()));
}

// A DMatrix of float32 rows, freed with it.
class Matrix {
 public:
  Matrix(const Tensor& x, const std::vector<double>* labels) {
    const Tensor c = x.contiguous();
    check(XGDMatrixCreateFromMat(c.data<float>(), static_cast<bst_ulong>(x.shape()[0]),
                                 static_cast<bst_ulong>(x.shape()[1]), std::nanf(""), &handle),
          "XGDMatrixCreateFromMat");
    if (labels) {
      std::vector<float> y(labels->begin(), labels->end());
      check(XGDMatrixSetFloatInfo(handle, "label", y.data(), static_cast<bst_ulong>(y.size())),
            "XGDMatrixSetFloatInfo");
    }
  }
  ~Matrix() { XGDMatrixFree(handle); }
  Matrix(const Matrix&) = delete;
  Matrix& operator=(const Matrix&) = delete;
  DMatrixHandle handle = nullptr;
};

// The score in XGBoost's evaluation line "[12]\tval-rmse:123.456".
double eval_value(const char* line) {
  const char* colon = std::strrchr(line, ':');
  if (!colon) throw std::runtime_error(fmt::format("XGBoost: unexpected evaluation '{}'", line));
  return std::strtod(colon + 1, nullptr);
}

}  // namespace

XGBoostModel::XGBoostModel(nlohmann::json params, Task task, int64_t classes)
    : params_(std::move(params)), task_(task), classes_(classes) {}

XGBoostModel::~XGBoostModel() {
  if (booster_) XGBoosterFree(booster_);
}

namespace {

// A booster grown on `dtrain` round by round, keeping the best round on `dval`.
struct Grown {
  BoosterHandle booster = nullptr;  // cut back to the best round
  int rounds_grown = 0, best_round = -1;
  bool timed_out = false;
};

}  // namespace

void XGBoostModel::fit(const TabularData& train, const TabularData& validation,
                       const FitContext& context) {
  // No validation rows (a refit): XGBoost is given none to evaluate.
  const bool stopping = validation.rows() > 0;
  Matrix dtrain(train.x, &train.y);
  std::optional<Matrix> dval;
  if (stopping) dval.emplace(validation.x, &validation.y);
  DMatrixHandle cache[] = {dtrain.handle, stopping ? dval->handle : nullptr};
  const bool regression = task_ == Task::Regression;
  const int rounds = params_.value("rounds", 10000);
  const int patience = params_.value("early_stopping_rounds", 50);
  auto grow = [&](int forest) {
    BoosterHandle booster = nullptr;
    check(XGBoosterCreate(cache, stopping ? 2 : 1, &booster), "XGBoosterCreate");
    auto set = [&](const char* key, const std::string& value) {
      check(XGBoosterSetParam(booster, key, value.c_str()), "XGBoosterSetParam");
    };
    set("objective", regression ? "reg:squarederror" : "multi:softprob");
    if (!regression) set("num_class", std::to_string(classes_));
    set("eval_metric", regression ? "rmse" : "mlogloss");
    set("tree_method", "hist");
    set("nthread", std::to_string(omp_get_max_threads()));
    set("seed", std::to_string(context.seed % 2147483647));
    set("verbosity", "0");
    for (const auto& [key, value] : params_.items()) {
      if (key == "rounds" || key == "early_stopping_rounds" || key == "num_parallel_tree") continue;
      set(key.c_str(), value.is_string() ? value.get<std::string>() : value.dump());
    }
    set("num_parallel_tree", std::to_string(forest));
    const char* names[] = {"val"};
    double best = INFINITY;
    Grown g;
    for (int round = 0; round < rounds; ++round) {
      check(XGBoosterUpdateOneIter(booster, round, dtrain.handle), "XGBoosterUpdateOneIter");
      g.rounds_grown = round + 1;
      if (!stopping) {  // every round kept
        g.best_round = round;
        if (context.should_stop()) {
          g.timed_out = round + 1 < rounds;
          break;
        }
        continue;
      }
      const char* line = nullptr;
      check(XGBoosterEvalOneIter(booster, round, &cache[1], names, 1, &line),
            "XGBoosterEvalOneIter");
      const double value = eval_value(line);
      if (value < best) best = value, g.best_round = round;
      if (round - g.best_round >= patience) break;
      if (context.should_stop()) {
        g.timed_out = round + 1 < rounds;
        break;
      }
    }
    check(XGBoosterSlice(booster, 0, g.best_round + 1, 1, &g.booster), "XGBoosterSlice");
    XGBoosterFree(booster);
    return g;
  };
  // A forest grows in one round that cannot stop halfway: with a deadline, a forest of 10 trees
  // first times a tree, and the forest grows only as many as the time left allows.
  int forest = params_.value("num_parallel_tree", 1);
  Grown g;
  if (forest > 10 && context.deadline != Clock::time_point::max()) {
    const auto t0 = Clock::now();
    g = grow(10);
    const double per_tree = std::chrono::duration<double>(Clock::now() - t0).count() / 10;
    const double left = std::chrono::duration<double>(context.deadline - Clock::now()).count();
    const int affordable = static_cast<int>(0.8 * left / std::max(per_tree, 1e-9));
    if (affordable > 10 && !context.should_stop()) {
      XGBoosterFree(g.booster);
      forest = std::min(forest, affordable);
      g = grow(forest);
    } else {
      forest = 10;
      g.timed_out = forest < params_.value("num_parallel_tree", 1);
    }
  } else {
    g = grow(forest);
  }
  if (booster_) XGBoosterFree(booster_);
  booster_ = g.booster;
  note_ = forest > 1 ? fmt::format("{} round{} of {} trees", g.rounds_grown,
                                   g.rounds_grown == 1 ? "" : "s", forest)
                     : fmt::format("{} trees grown, best at {}", g.rounds_grown, g.best_round + 1);
  if (g.timed_out) note_ += ", stopped at the time limit";
  refit_params_ = params_;
  refit_params_["rounds"] = g.best_round + 1;
  refit_params_["num_parallel_tree"] = forest;
}

Predictions XGBoostModel::predict(const Tensor& x) const {
  Matrix d(x, nullptr);
  const char* config =
      R"({"type": 0, "training": false, "iteration_begin": 0, "iteration_end": 0,
          "strict_shape": true})";
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* out = nullptr;
  check(XGBoosterPredictFromDMatrix(booster_, d.handle, config, &shape, &dim, &out),
        "XGBoosterPredictFromDMatrix");
  Predictions p;
  p.rows = x.shape()[0];
  p.cols = task_ == Task::Regression ? 1 : classes_;
  p.values.assign(out, out + p.rows * p.cols);
  return p;
}

std::string XGBoostModel::save(const std::filesystem::path& stem) const {
  bst_ulong length = 0;
  const char* bytes = nullptr;
  check(XGBoosterSaveModelToBuffer(booster_, R"({"format": "json"})", &length, &bytes),
        "XGBoosterSaveModelToBuffer");
  const std::filesystem::path file = stem.string() + ".xgb.json";
  io::write_file_atomically(file, std::string_view(bytes, length));
  return file.filename().string();
}

void XGBoostModel::load(const std::filesystem::path& file) {
  const std::vector<char> bytes = io::read_file_bytes(file);
  if (booster_) XGBoosterFree(booster_);
  booster_ = nullptr;
  check(XGBoosterCreate(nullptr, 0, &booster_), "XGBoosterCreate");
  check(XGBoosterLoadModelFromBuffer(booster_, bytes.data(), static_cast<bst_ulong>(bytes.size())),
        "XGBoosterLoadModelFromBuffer");
}

}  // namespace scidl::automl
