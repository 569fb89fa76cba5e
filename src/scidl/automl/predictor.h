// What scidl automl leaves behind and `scidl predict --model DIR` reads: the column types, the
// feature encoder, every fitted model of the zoo (one file per fold under models/NAME/), the
// weighted ensemble, and which model predicts (the leaderboard's first). Described by
// DIR/predictor.json (format "scidl-automl", version 1); a bagged model predicts the average of
// its fold models (of every bag set), the ensemble the weighted average of its members.
#pragma once
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scidl/automl/column_types.h"
#include "scidl/automl/feature_encoder.h"
#include "scidl/automl/tabular_model.h"

namespace scidl::automl {

inline constexpr const char* kEnsembleName = "WeightedEnsemble_L2";

struct FittedModel {
  ModelPreset preset;
  // One, or one per bagging fold: k per bag set, set after set (repeated bagging).
  std::vector<std::unique_ptr<TabularModel>> folds;
  std::vector<std::string> files;  // relative to the predictor's folder

  Predictions predict(const Tensor& x) const;
  // Each row predicted by the model of its fold (fold_of_row, one per row of x, numbering the
  // first bag set's folds; later sets' models are not used).
  Predictions predict_out_of_fold(const Tensor& x, const std::vector<int>& fold_of_row) const;
};

struct Predictor {
  Task task = Task::Regression;
  std::string target, metric;
  std::vector<std::string> classes;  // classification: index -> label
  std::vector<ColumnInfo> columns;
  FeatureEncoder encoder;
  std::vector<FittedModel> models;
  std::vector<double> ensemble_weights;  // one per model; empty: no ensemble
  std::string best;                      // a model's name or kEnsembleName

  // Names of the models that can predict: each model, then the ensemble.
  std::vector<std::string> model_names() const;
  // `name`'s predictions for encoded rows (fold_of_row: out of fold, as validated).
  Predictions predict_encoded(const Tensor& x, const std::string& name,
                              const std::vector<int>* fold_of_row = nullptr) const;
  // The best model's predictions for a table (read by column name). bad_cells as the encoder's.
  Predictions predict(const RawTable& table, int64_t* bad_cells = nullptr) const;

  // Writes predictor.json (the models' files must already be in `dir`).
  void save(const std::filesystem::path& dir) const;
};

bool is_predictor_dir(const std::filesystem::path& path);
// Reads DIR/predictor.json and its model files; throws std::runtime_error naming the file and
// the entry at fault.
Predictor load_predictor(const std::filesystem::path& dir);
// The description alone (no model files read): for load_predictor and the fuzz target.
Predictor parse_predictor_json(const nlohmann::json& j, const std::string& file);

// Predictions as a table: the target's value, or one probability per class (p_LABEL) and the
// predicted label.
void write_predictions(const std::filesystem::path& path, const Predictor& predictor,
                       const Predictions& p);

}  // namespace scidl::automl
