// JSON documents written out as TOML, for configs that people read and `scidl train` reads back
// (a run folder's config.toml). Contract: a JSON object becomes a TOML document whose tables,
// arrays, strings, booleans and numbers parse back to the same values (doubles in the shortest
// text that round-trips); null values in tables are left out, as TOML has none. Throws
// std::invalid_argument for what TOML cannot hold (a top level that is not an object, an integer
// past int64, a null in an array).
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace scidl::io {

std::string json_to_toml(const nlohmann::json& document);

}  // namespace scidl::io
