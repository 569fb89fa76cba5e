// A PyTorch state_dict saved with safetensors.torch.save_file loads into the same architecture
// built in scidl and gives PyTorch's outputs; and scidl's export reads back identically.
#include "../test_util.h"
#include "scidl/nn/model_io.h"
#include "scidl/nn/model_spec.h"

namespace scidl::testing {
namespace {

nlohmann::json reference_mlp_spec() {
  return {{"inputs", 5},
          {"dtype", "float64"},
          {"layers",
           {{{"type", "dense"}, {"units", 16}, {"activation", "tanh"}},
            {{"type", "dense"}, {"units", 16}, {"activation", "relu"}},
            {{"type", "dense"}, {"units", 3}}}}};
}

TEST(TorchWeights, PyTorchStateDictLoadsAndGivesPyTorchOutputs) {
  auto fx = load_fixture("reference/mlp_float64.json");
  auto model = nn::build_sequential(reference_mlp_spec(), 0);
  // Same names as PyTorch's Sequential: a dense layer and its activation take two slots.
  auto names = model->state_dict();
  ASSERT_TRUE(names.count("0.weight") && names.count("2.weight") && names.count("4.bias"));
  io::import_safetensors(std::string(SCIDL_TEST_DATA) + "/reference/mlp_float64.safetensors",
                         *model);
  Tensor out = (*model)(tensor_from_json(fx["input"], DType::Float64));
  expect_close(out, fx["output"], 1e-12, "output", 1e-14);
}

TEST(TorchWeights, ExportThenImportIsExact) {
  TempDir dir("export_import");
  auto a = nn::build_sequential(reference_mlp_spec(), 1);
  auto b = nn::build_sequential(reference_mlp_spec(), 2);
  io::export_safetensors(dir.path / "w.safetensors", *a);
  io::import_safetensors(dir.path / "w.safetensors", *b);
  for (auto& [name, t] : a->state_dict())
    EXPECT_EQ(t.to_vector<double>(), b->state_dict().at(name).to_vector<double>()) << name;
}

TEST(TorchWeights, MismatchedArchitectureNamesWhatDiffers) {
  auto spec = reference_mlp_spec();
  spec["layers"][1]["units"] = 8;
  auto model = nn::build_sequential(spec, 0);
  try {
    io::import_safetensors(std::string(SCIDL_TEST_DATA) + "/reference/mlp_float64.safetensors",
                           *model);
    FAIL();
  } catch (const std::runtime_error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("2.weight (model [8, 16], given [16, 16])"), std::string::npos) << msg;
  }
}

}  // namespace
}  // namespace scidl::testing
