// libFuzzer target: what scidl automl reads. The bytes as a table (every column typed, the
// encoder learned from it and applied to it, the last column the target), as a predictor's
// description (predictor.json, automl/predictor.h), and as an extra-trees model (.et.bin,
// automl/extra_trees.h) and a boosted oblivious-trees model (.ob.bin, automl/oblivious_boost.h),
// which then predict a row.
#include <nlohmann/json.hpp>

#include "fuzz_file.h"
#include "scidl/automl/column_types.h"
#include "scidl/automl/extra_trees.h"
#include "scidl/automl/feature_encoder.h"
#include "scidl/automl/oblivious_boost.h"
#include "scidl/automl/predictor.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace scidl::automl;
  try {
    const auto forest = ExtraTrees::parse(std::string(data, data + size), "fuzz.et.bin");
    const std::vector<float> row(size_t(forest.features()), 0.5f);
    forest.predict(row.data(), 1);
  } catch (const std::runtime_error&) {
  }
  try {
    const auto boosted = ObliviousBoost::parse(std::string(data, data + size), "fuzz.ob.bin");
    const std::vector<float> row(size_t(boosted.features()), 0.5f);
    boosted.predict(row.data(), 1);
  } catch (const std::runtime_error&) {
  }
  scidl::fuzz::on_file(data, size, ".csv", [&](const auto& path) {
    const auto json = nlohmann::json::parse(data, data + size, nullptr, false);
    if (!json.is_discarded()) {
      try {
        const auto predictor = parse_predictor_json(json, "fuzz.json");
        predictor.encoder.feature_names();
      } catch (const std::exception&) {
      }
    }
    const RawTable table = read_raw_table(path);
    if (table.names.empty()) return;
    const auto columns = infer_columns(table, table.names.back(), {});
    const FeatureEncoder encoder(table, columns);
    int64_t bad = 0;
    encoder.encode(table, &bad);
    FeatureEncoder::from_json(encoder.to_json()).encode(table.subset({}), &bad);
  });
  return 0;
}
