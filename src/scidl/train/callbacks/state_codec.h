// Exact, JSON-safe encodings for resumable state: a double as the hex of its IEEE-754 bits
// (JSON has no NaN or infinity, and decimal text may round), a Generator state likewise.
#pragma once
#include <nlohmann/json.hpp>

#include "scidl/tensor/random.h"

namespace scidl::train {

nlohmann::json encode_double(double value);
double decode_double(const nlohmann::json& j);  // throws std::invalid_argument when malformed
nlohmann::json encode_generator(const Generator::State& state);
Generator::State decode_generator(const nlohmann::json& j);

}  // namespace scidl::train
