// The scidl command end to end: help and version, train -> predict on real CSV files, weights
// out to safetensors and back, and one clear error for each kind of bad input.
#include "../test_util.h"
#include "scidl/data/csv.h"
#include "scidl/io/model_io.h"

namespace scidl::testing {
namespace {

void write_regression_csvs(const std::filesystem::path& dir, int rows) {
  std::string x = "a,b\n", y = "target\n";
  for (int i = 0; i < rows; ++i) {
    double a = (i % 17) / 17.0, b = (i % 5) / 5.0;
    x += std::to_string(a) + "," + std::to_string(b) + "\n";
    y += std::to_string(2 * a - b + 0.5) + "\n";
  }
  write_text(dir / "x.csv", x);
  write_text(dir / "y.csv", y);
}

std::string config_text(const std::string& extra = "") {
  return R"(seed = 3
[data]
x = "x.csv"
y = "y.csv"
validation_split = 0.2
[model]
inputs = 2
layers = [ { type = "dense", units = 16, activation = "relu" }, { type = "dense", units = 1 } ]
[optimizer]
type = "adam"
lr = 0.01
[training]
epochs = 20
batch_size = 16
loss = "mse"
metrics = ["mae"]
)" + extra;
}

// config_text() with the first `from` replaced by `to`.
std::string config_with(const std::string& from, const std::string& to) {
  std::string cfg = config_text();
  cfg.replace(cfg.find(from), from.size(), to);
  return cfg;
}

TEST(Cli, VersionAndHelpForEverySubcommand) {
  auto v = run_cli("--version");
  EXPECT_EQ(v.status, 0);
  EXPECT_NE(v.output.find("scidl 0."), std::string::npos);
  auto h = run_cli("--help");
  EXPECT_EQ(h.status, 0);
  for (const char* sub : {"train", "predict", "import-weights", "export-weights", "demo"}) {
    EXPECT_NE(h.output.find(sub), std::string::npos) << sub;
    auto s = run_cli(std::string(sub) + " --help");
    EXPECT_EQ(s.status, 0) << sub << ": " << s.output;
    EXPECT_NE(s.output.find("Usage"), std::string::npos) << sub;
  }
}

TEST(Cli, TrainThenPredictOnCsvFiles) {
  TempDir dir("train_predict");
  write_regression_csvs(dir.path, 300);
  write_text(dir.path / "run.toml", config_text());
  auto t = run_cli("train " + (dir.path / "run.toml").string() + " --out " +
                   (dir.path / "run").string());
  ASSERT_EQ(t.status, 0) << t.output;
  EXPECT_NE(t.output.find("epoch 20/20"), std::string::npos);
  EXPECT_NE(t.output.find("val_mae"), std::string::npos);
  for (const char* f : {"best.scidl", "last.scidl", "history.csv", "config.json"})
    EXPECT_TRUE(std::filesystem::exists(dir.path / "run" / f)) << f;
  auto hist = data::read_csv(dir.path / "run" / "history.csv");
  EXPECT_EQ(hist.rows, 20);

  auto p = run_cli("predict --model " + (dir.path / "run/best.scidl").string() + " --input " +
                   (dir.path / "x.csv").string() + " --output " + (dir.path / "pred.csv").string());
  ASSERT_EQ(p.status, 0) << p.output;
  auto pred = data::read_csv(dir.path / "pred.csv");
  auto truth = data::read_csv(dir.path / "y.csv");
  ASSERT_EQ(pred.rows, 300);
  double mae = 0;
  for (int i = 0; i < 300; ++i) mae += std::abs(pred.values[i] - truth.values[i]) / 300;
  EXPECT_LT(mae, 0.1);  // y = 2a - b + 0.5 is easy
}

TEST(Cli, SetOverridesAConfigEntry) {
  TempDir dir("set");
  write_regression_csvs(dir.path, 100);
  write_text(dir.path / "run.toml", config_text());
  auto t = run_cli("train " + (dir.path / "run.toml").string() + " --set training.epochs=2 --out " +
                   (dir.path / "run").string());
  ASSERT_EQ(t.status, 0) << t.output;
  EXPECT_NE(t.output.find("epoch 2/2"), std::string::npos);
}

TEST(Cli, WeightsRoundTripThroughSafetensors) {
  TempDir dir("weights");
  write_regression_csvs(dir.path, 100);
  write_text(dir.path / "run.toml", config_text());
  ASSERT_EQ(run_cli("train " + (dir.path / "run.toml").string() +
                    " -q --set training.epochs=1 --out " + (dir.path / "run").string())
                .status,
            0);
  auto model = (dir.path / "run/last.scidl").string();
  auto e = run_cli("export-weights --model " + model + " --output " +
                   (dir.path / "w.safetensors").string());
  ASSERT_EQ(e.status, 0) << e.output;
  auto i = run_cli("import-weights --model " + model + " --weights " +
                   (dir.path / "w.safetensors").string() + " --output " +
                   (dir.path / "back.scidl").string());
  ASSERT_EQ(i.status, 0) << i.output;
  auto a = io::load_model(model).model->state_dict();
  auto b = io::load_model(dir.path / "back.scidl").model->state_dict();
  ASSERT_EQ(a.size(), 4u);
  for (auto& [name, t] : a) EXPECT_EQ(t.to_vector<float>(), b.at(name).to_vector<float>()) << name;
}

// ---- bad input: one clear error each ---------------------------------------------------------

std::string train_error(const std::filesystem::path& dir, const std::string& config) {
  write_text(dir / "bad.toml", config);
  auto r = run_cli("train " + (dir / "bad.toml").string() + " -q --out " + (dir / "run").string());
  EXPECT_NE(r.status, 0) << r.output;
  return r.output;
}

TEST(CliBadInput, MissingCsvNamesTheFile) {
  TempDir dir("missing");
  auto out = train_error(dir.path, config_text());
  EXPECT_NE(out.find("cannot open"), std::string::npos) << out;
  EXPECT_NE(out.find("x.csv"), std::string::npos) << out;
}

TEST(CliBadInput, EmptyCsvSaysSo) {
  TempDir dir("empty");
  write_text(dir.path / "x.csv", "");
  write_text(dir.path / "y.csv", "1\n");
  auto out = train_error(dir.path, config_text());
  EXPECT_NE(out.find("x.csv"), std::string::npos) << out;
  EXPECT_NE(out.find("empty"), std::string::npos) << out;
}

TEST(CliBadInput, RaggedRowNamesTheLine) {
  TempDir dir("ragged");
  write_regression_csvs(dir.path, 10);
  write_text(dir.path / "x.csv", "a,b\n1,2\n3\n");
  auto out = train_error(dir.path, config_text());
  EXPECT_NE(out.find("x.csv:3"), std::string::npos) << out;
}

TEST(CliBadInput, NonNumericCellNamesLineAndColumn) {
  TempDir dir("nonnumeric");
  write_regression_csvs(dir.path, 10);
  write_text(dir.path / "x.csv", "a,b\n1,2\n3,abc\n");
  auto out = train_error(dir.path, config_text());
  EXPECT_NE(out.find("x.csv:3:3"), std::string::npos) << out;
  EXPECT_NE(out.find("abc"), std::string::npos) << out;
}

TEST(CliBadInput, UnknownConfigKeyListsValidKeys) {
  TempDir dir("unknown_key");
  write_regression_csvs(dir.path, 10);
  auto out = train_error(dir.path, config_text("learning_rate = 3\n"));
  EXPECT_NE(out.find("unknown key 'training.learning_rate'"), std::string::npos) << out;
  EXPECT_NE(out.find("epochs"), std::string::npos) << out;
}

TEST(CliBadInput, MisspeltRequiredKeyIsNamedAsTheLikelyCause) {
  TempDir dir("misspelt_key");
  write_regression_csvs(dir.path, 10);
  auto out = train_error(dir.path, config_with("[model]", "[modle]"));
  EXPECT_NE(out.find("'model' is missing: add a [model] table"), std::string::npos) << out;
  EXPECT_NE(out.find("is 'modle' a misspelling of it?"), std::string::npos) << out;
  out = train_error(dir.path, config_with("y = ", "Y = "));
  EXPECT_NE(out.find("'data.y' is missing: the CSV file of targets; is 'data.Y' a misspelling"),
            std::string::npos)
      << out;
  // A key far from the missing one is not offered.
  out = train_error(dir.path, config_with("[model]", "[network]"));
  EXPECT_NE(out.find("'model' is missing"), std::string::npos) << out;
  EXPECT_EQ(out.find("misspelling"), std::string::npos) << out;
}

TEST(CliBadInput, WrongTypeNamesTheKey) {
  TempDir dir("wrong_type");
  write_regression_csvs(dir.path, 10);
  auto out = train_error(dir.path, config_with("epochs = 20", "epochs = \"many\""));
  EXPECT_NE(out.find("'training.epochs' must be an integer"), std::string::npos) << out;
}

TEST(CliBadInput, UnknownLayerListsTheChoices) {
  TempDir dir("unknown_layer");
  write_regression_csvs(dir.path, 10);
  auto out =
      train_error(dir.path, config_with("type = \"dense\", units = 16", "type = \"densse\""));
  EXPECT_NE(out.find("model.layers[0]: unknown layer type 'densse'"), std::string::npos) << out;
  EXPECT_NE(out.find("dense, dropout"), std::string::npos) << out;
}

TEST(CliBadInput, TruncatedModelFileIsRefusedAndWrongVersionNamed) {
  TempDir dir("model_file");
  write_regression_csvs(dir.path, 50);
  write_text(dir.path / "run.toml", config_text());
  ASSERT_EQ(run_cli("train " + (dir.path / "run.toml").string() +
                    " -q --set training.epochs=1 --out " + (dir.path / "run").string())
                .status,
            0);
  auto model = dir.path / "run/last.scidl";
  auto bytes = std::filesystem::file_size(model);
  std::filesystem::copy_file(model, dir.path / "truncated.scidl");
  std::filesystem::resize_file(dir.path / "truncated.scidl", bytes / 2);
  auto r = run_cli("predict --model " + (dir.path / "truncated.scidl").string() + " --input " +
                   (dir.path / "x.csv").string() + " --output " + (dir.path / "p.csv").string());
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("truncated"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir.path / "p.csv"));
  // A newer format version: bump the version field (bytes 8..11, little-endian).
  std::filesystem::copy_file(model, dir.path / "newer.scidl");
  {
    std::fstream f(dir.path / "newer.scidl", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(8);
    char v[4] = {7, 0, 0, 0};
    f.write(v, 4);
  }
  r = run_cli("predict --model " + (dir.path / "newer.scidl").string() + " --input " +
              (dir.path / "x.csv").string() + " --output " + (dir.path / "p.csv").string());
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("version"), std::string::npos) << r.output;
}

TEST(CliBadInput, InputWidthThatDoesNotFitTheModel) {
  TempDir dir("width");
  write_regression_csvs(dir.path, 50);
  write_text(dir.path / "run.toml", config_text());
  ASSERT_EQ(run_cli("train " + (dir.path / "run.toml").string() +
                    " -q --set training.epochs=1 --out " + (dir.path / "run").string())
                .status,
            0);
  auto r = run_cli("predict --model " + (dir.path / "run/last.scidl").string() + " --input " +
                   (dir.path / "y.csv").string() + " --output " + (dir.path / "p.csv").string());
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("has 1 columns but the model takes 2 inputs"), std::string::npos)
      << r.output;
}

}  // namespace
}  // namespace scidl::testing
