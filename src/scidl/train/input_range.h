// The range of each input a model was trained on, kept in the spec saved with the model file
// (key "input_range"), so that `scidl predict` can say when it is asked to extrapolate: a
// surrogate of the three-body problem queried at t = 10 after training on t <= 3.9 answers
// without complaint, and its answer there means little.
// Contract: only flat inputs [N, features] of at most kMaxRangeColumns columns get a range
// (per-pixel ranges of images say nothing useful); the spec is otherwise unchanged.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scidl/data/dataset.h"

namespace scidl::train {

constexpr int64_t kMaxRangeColumns = 1024;
// How far past the trained range (a fraction of its span) a value may lie unremarked.
constexpr double kRangeSlack = 0.01;

// `spec` with "input_range": {"names": [...], "min": [...], "max": [...]} from d's inputs.
nlohmann::json spec_with_input_range(nlohmann::json spec, const data::Dataset& d);

// For inputs rows x cols (row-major) given to a model with `spec`: "" when every value lies in
// the trained range, widened by kRangeSlack (or the spec has none), else one line naming how
// many rows lie outside and
// the column that strays furthest, e.g. "37 of 200 rows lie outside the range the model was
// trained on (column 't' reaches 10, trained on 0 to 3.9): its outputs there extrapolate".
std::string extrapolation_warning(const nlohmann::json& spec, int64_t rows, int64_t cols,
                                  const std::vector<double>& values);

}  // namespace scidl::train
