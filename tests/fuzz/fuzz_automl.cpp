// libFuzzer target: what scidl automl reads. The bytes as a table (every column typed, the
// encoder learned from it and applied to it, the last column the target) and as a predictor's
// description (predictor.json, automl/predictor.h).
#include <nlohmann/json.hpp>

#include "fuzz_file.h"
#include "scidl/automl/column_types.h"
#include "scidl/automl/feature_encoder.h"
#include "scidl/automl/predictor.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace scidl::automl;
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
