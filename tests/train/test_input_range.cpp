// The trained input range in a model's spec, and `scidl predict`'s warning when asked outside it.
#include "scidl/train/input_range.h"

#include "../test_util.h"

namespace scidl::testing {
namespace {

TEST(InputRange, SpecKeepsEachColumnsTrainedRangeAndWarnsOnlyWellOutsideIt) {
  data::Dataset d;
  d.x = from_vector({0.0, 0.1, 3.9, 0.2, 1.0, 0.3}, {3, 2}, DType::Float32);
  d.x_names = {"t", "x2"};
  const nlohmann::json spec = train::spec_with_input_range({{"inputs", 2}}, d);
  EXPECT_EQ(spec["inputs"], 2);
  EXPECT_EQ(spec["input_range"]["names"], (std::vector<std::string>{"t", "x2"}));
  EXPECT_NEAR(spec["input_range"]["max"][0].get<double>(), 3.9, 1e-6);
  EXPECT_NEAR(spec["input_range"]["min"][1].get<double>(), 0.1, 1e-6);

  // inside, and within 1% of the span past an edge: no warning
  EXPECT_EQ(train::extrapolation_warning(spec, 2, 2, {0.5, 0.2, 3.93, 0.299}), "");
  // t = 10 and t = 5: two rows of three outside, the furthest named
  EXPECT_EQ(train::extrapolation_warning(spec, 3, 2, {10, 0.2, 1, 0.2, 5, 0.25}),
            "2 of 3 rows lie outside the range the model was trained on (column 't' reaches 10, "
            "trained on 0 to 3.9): its outputs there extrapolate");
  // a spec without a range (an older model file, images) never warns
  EXPECT_EQ(train::extrapolation_warning({{"inputs", 2}}, 1, 2, {99, 99}), "");
  // images get no range
  data::Dataset images;
  images.x = zeros({2, 1, 4, 4});
  EXPECT_FALSE(train::spec_with_input_range({}, images).contains("input_range"));
}

TEST(InputRange, PredictWarnsWhenAskedOutsideWhatTheModelWasTrainedOn) {
  TempDir dir("input_range");
  std::string x = "t,u\n", y = "v\n";
  for (int i = 0; i < 50; ++i) {
    x += std::to_string(i / 49.0) + "," + std::to_string((i % 5) / 4.0) + "\n";
    y += std::to_string(i / 49.0) + "\n";
  }
  write_text(dir.path / "x.csv", x);
  write_text(dir.path / "y.csv", y);
  write_text(dir.path / "run.toml", R"([data]
x = "x.csv"
y = "y.csv"
validation_split = 0
[model]
inputs = 2
layers = [ { type = "dense", units = 1 } ]
[optimizer]
type = "sgd"
lr = 0.01
[training]
epochs = 1
batch_size = 10
loss = "mse"
)");
  auto r = run_cli("train " + (dir.path / "run.toml").string() + " -q --out " +
                   (dir.path / "run").string());
  ASSERT_EQ(r.status, 0) << r.output;
  write_text(dir.path / "far.csv", "t,u\n0.5,0.5\n4,0.5\n");
  const std::string predict = "predict --model " + (dir.path / "run/last.scidl").string() +
                              " --output " + (dir.path / "p.csv").string() + " --input ";
  r = run_cli(predict + (dir.path / "far.csv").string());
  ASSERT_EQ(r.status, 0) << r.output;  // a warning, not an error: the predictions are written
  EXPECT_NE(r.output.find("warning: 1 of 2 rows lie outside the range the model was trained on "
                          "(column 't' reaches 4, trained on 0 to 1)"),
            std::string::npos)
      << r.output;
  r = run_cli(predict + (dir.path / "x.csv").string());
  EXPECT_EQ(r.output.find("warning"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace scidl::testing
