#include "scidl/automl/xgboost_model.h"

#include <fmt/format.h>
#include <omp.h>
#include <xgboost/c_api.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
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

void XGBoostModel::fit(const TabularData& train, const TabularData& validation,
                       const FitContext& context) {
  Matrix dtrain(train.x, &train.y), dval(validation.x, &validation.y);
  DMatrixHandle cache[] = {dtrain.handle, dval.handle};
  BoosterHandle booster = nullptr;
  check(XGBoosterCreate(cache, 2, &booster), "XGBoosterCreate");
  auto set = [&](const char* key, const std::string& value) {
    check(XGBoosterSetParam(booster, key, value.c_str()), "XGBoosterSetParam");
  };
  const bool regression = task_ == Task::Regression;
  set("objective", regression ? "reg:squarederror" : "multi:softprob");
  if (!regression) set("num_class", std::to_string(classes_));
  set("eval_metric", regression ? "rmse" : "mlogloss");
  set("tree_method", "hist");
  set("nthread", std::to_string(omp_get_max_threads()));
  set("seed", std::to_string(context.seed % 2147483647));
  set("verbosity", "0");
  for (const auto& [key, value] : params_.items()) {
    if (key == "rounds" || key == "early_stopping_rounds") continue;
    set(key.c_str(), value.is_string() ? value.get<std::string>() : value.dump());
  }
  const int rounds = params_.value("rounds", 10000);
  const int patience = params_.value("early_stopping_rounds", 50);
  const char* names[] = {"val"};
  double best = INFINITY;
  int best_round = -1, round = 0;
  bool timed_out = false;
  for (; round < rounds; ++round) {
    check(XGBoosterUpdateOneIter(booster, round, dtrain.handle), "XGBoosterUpdateOneIter");
    const char* line = nullptr;
    check(XGBoosterEvalOneIter(booster, round, &cache[1], names, 1, &line), "XGBoosterEvalOneIter");
    const double value = eval_value(line);
    if (value < best) best = value, best_round = round;
    if (round - best_round >= patience) break;
    if (context.should_stop()) {
      timed_out = true;
      break;
    }
  }
  BoosterHandle sliced = nullptr;
  check(XGBoosterSlice(booster, 0, best_round + 1, 1, &sliced), "XGBoosterSlice");
  XGBoosterFree(booster);
  if (booster_) XGBoosterFree(booster_);
  booster_ = sliced;
  const int forest = params_.value("num_parallel_tree", 1);
  note_ = forest > 1 ? fmt::format("{} rounds of {} trees, best at {}", std::min(round + 1, rounds),
                                   forest, best_round + 1)
                     : fmt::format("{} trees grown, best at {}", std::min(round + 1, rounds),
                                   best_round + 1);
  if (timed_out) note_ += ", stopped at the time limit";
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
