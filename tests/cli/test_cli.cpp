// The scidl command end to end: help and version, train -> predict on real CSV files, weights
// out to safetensors and back, and one clear error for each kind of bad input.
#include "../test_util.h"
#include "scidl/data/csv.h"
#include "scidl/nn/model_io.h"

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

// `scidl info` says which instruction set and kernel families run; SCIDL_KERNELS forces a lower
// set or turns a family off.
TEST(Cli, InfoNamesTheKernelFamilies) {
  const auto r = run_cli("info");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("BLAS: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("dense kernels: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("AMX tiles: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("instruction set: "), std::string::npos) << r.output;
  const auto off = run_cli("info", "SCIDL_KERNELS=no-amx,no-dense");
  EXPECT_NE(off.output.find("AMX tiles: off"), std::string::npos) << off.output;
  EXPECT_EQ(off.output.find("dense kernels: on"), std::string::npos) << off.output;
  const auto portable = run_cli("info", "SCIDL_KERNELS=portable");
  ASSERT_EQ(portable.status, 0) << portable.output;
  EXPECT_NE(portable.output.find("instruction set: portable"), std::string::npos)
      << portable.output;
  EXPECT_NE(portable.output.find("dense kernels: on (portable copy)"), std::string::npos)
      << portable.output;
}

// A word SCIDL_KERNELS does not know stops the program before it starts, with the valid words
// and what this CPU supports.
TEST(Cli, AnUnknownKernelSettingIsRefusedAtStartWithTheChoices) {
  const auto r = run_cli("info", "SCIDL_KERNELS=portable,no-gemm");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("unknown word \"no-gemm\""), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("no-winograd"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("This CPU and build can run: portable"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("BLAS: "), std::string::npos) << r.output;
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
  // inside the model's layers too: the layer, the key, what it must be and what it is
  out = train_error(dir.path, config_with("units = 16", "units = \"16\""));
  EXPECT_NE(out.find("model.layers[0]: 'units' has the wrong type: expected an integer, got "
                     "string \"16\""),
            std::string::npos)
      << out;
  out = train_error(dir.path, config_with("inputs = 2", "inputs = 2\ninit = \"glorot\""));
  EXPECT_NE(out.find("model.init: unknown initialiser 'glorot'; choose one of"), std::string::npos)
      << out;
}

TEST(CliBadInput, GroupSplitWithoutGroupsNamesTheMissingKey) {
  TempDir dir("group_split");
  write_regression_csvs(dir.path, 10);
  auto out = train_error(
      dir.path, config_with("validation_split = 0.2", "validation_split = 0.2\nsplit = \"group\""));
  EXPECT_NE(out.find("'data.split' \"group\" needs data.groups"), std::string::npos) << out;
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
  EXPECT_NE(r.output.find("lacks the columns a, b that the model was trained on (its columns: "
                          "target)"),
            std::string::npos)
      << r.output;
  write_text(dir.path / "three.csv", "1,2,3\n");  // no header: the width must be the inputs'
  r = run_cli("predict --model " + (dir.path / "run/last.scidl").string() + " --input " +
              (dir.path / "three.csv").string() + " --output " + (dir.path / "p.csv").string());
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("has 3 columns and no header row but the model takes 2 inputs"),
            std::string::npos)
      << r.output;
}

}  // namespace
}  // namespace scidl::testing

namespace scidl::testing {
namespace {

std::string file_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// A fresh run into a folder that already holds one changes nothing there unless asked to.
TEST(CliBadInput, FolderWithARunIsRefusedAndKeptUnlessOverwriteIsAsked) {
  TempDir dir("existing_run");
  write_regression_csvs(dir.path, 60);
  write_text(dir.path / "run.toml", config_text());
  const std::string train = "train " + (dir.path / "run.toml").string() + " -q --out " +
                            (dir.path / "run").string() + " --set training.epochs=";
  ASSERT_EQ(run_cli(train + "3").status, 0);
  const auto files = {"config.json", "history.csv", "best.scidl", "last.scidl"};
  std::vector<std::string> before;
  for (const char* f : files) before.push_back(file_text(dir.path / "run" / f));

  auto r = run_cli(train + "2");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("already holds a run"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("--overwrite"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("--resume"), std::string::npos) << r.output;
  size_t i = 0;
  for (const char* f : files) EXPECT_EQ(file_text(dir.path / "run" / f), before[i++]) << f;

  r = run_cli(train + "2 --overwrite");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(data::read_csv(dir.path / "run" / "history.csv").rows, 2);
}

// Targets of the wrong width, a nan in the data and a class the model has no output for are
// found before the run folder is made, each naming the data.
TEST(CliBadInput, DataThatDoesNotFitTheModelIsRefusedBeforeAnythingIsWritten) {
  TempDir dir("data_fit");
  write_regression_csvs(dir.path, 40);
  std::string wide = "u,v\n", with_nan = "target\n", classes = "label\n";
  for (int i = 0; i < 40; ++i) {
    wide += "1,2\n";
    with_nan += i == 30 ? "nan\n" : "0.5\n";
    classes += i == 25 ? "7\n" : std::to_string(i % 3) + "\n";
  }
  write_text(dir.path / "wide.csv", wide);
  write_text(dir.path / "with_nan.csv", with_nan);
  write_text(dir.path / "classes.csv", classes);
  auto out = train_error(dir.path, config_with("\"y.csv\"", "\"wide.csv\""));
  EXPECT_NE(out.find("wide.csv"), std::string::npos) << out;
  EXPECT_NE(out.find("prediction of shape [32, 1] and target of shape [32, 2]"), std::string::npos)
      << out;
  out = train_error(dir.path, config_with("\"y.csv\"", "\"with_nan.csv\""));
  EXPECT_NE(out.find("with_nan.csv"), std::string::npos) << out;
  EXPECT_NE(out.find("example 31 holds nan in column 'target'"), std::string::npos) << out;
  std::string cfg = config_with("\"y.csv\"", "\"classes.csv\"\ntargets = \"classes\"");
  cfg.replace(cfg.find("units = 1 }"), 11, "units = 3 }");
  cfg.replace(cfg.find("\"mse\""), 5, "\"cross_entropy\"");
  cfg.replace(cfg.find("[\"mae\"]"), 7, "[\"accuracy\"]");
  out = train_error(dir.path, cfg);
  EXPECT_NE(out.find("classes.csv"), std::string::npos) << out;
  EXPECT_NE(out.find("example 26 has class 7, but the model has 3 outputs"), std::string::npos)
      << out;
  EXPECT_FALSE(std::filesystem::exists(dir.path / "run"));
}

TEST(Cli, Float64ModelTrainsAndPredictsFromCsvFiles) {
  TempDir dir("float64");
  write_regression_csvs(dir.path, 80);
  write_text(dir.path / "run.toml", config_with("inputs = 2", "inputs = 2\ndtype = \"float64\""));
  auto r = run_cli("train " + (dir.path / "run.toml").string() +
                   " -q --set training.epochs=2 --out " + (dir.path / "run").string());
  ASSERT_EQ(r.status, 0) << r.output;
  r = run_cli("predict --model " + (dir.path / "run/best.scidl").string() + " --input " +
              (dir.path / "x.csv").string() + " --output " + (dir.path / "p.csv").string());
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(data::read_csv(dir.path / "p.csv").rows, 80);
}

// A run that diverges stops at the batch whose loss overflows, names it, and leaves the best
// model of the epochs before loadable and the history of those epochs in place.
TEST(CliBadInput, DivergingRunStopsNamingEpochAndBatchAndKeepsTheBestModel) {
  TempDir dir("diverging");
  write_regression_csvs(dir.path, 160);
  std::string cfg = config_with("{ type = \"dense\", units = 16, activation = \"relu\" }, ", "");
  cfg.replace(cfg.find("\"adam\""), 6, "\"sgd\"");
  cfg.replace(cfg.find("lr = 0.01"), 9, "lr = 4");  // beyond 2 / the curvature: it diverges
  auto out = train_error(dir.path, cfg);
  const size_t at = out.find("the loss became inf at epoch ");
  ASSERT_NE(at, std::string::npos) << out;
  const int epoch = std::stoi(out.substr(at + 29));
  EXPECT_NE(out.find(", batch ", at), std::string::npos) << out;
  ASSERT_GE(epoch, 2) << out;
  EXPECT_EQ(data::read_csv(dir.path / "run" / "history.csv").rows, epoch - 1);
  EXPECT_NO_THROW(io::load_model(dir.path / "run" / "best.scidl"));
}

}  // namespace
}  // namespace scidl::testing

namespace scidl::testing {
namespace {

// Header rows said outright: a header of numbers (pandas' default column names "0", "1") is
// skipped when declared (and at prediction, because the model knows those names), and with
// header = false a first row of text is an error at its cell.
TEST(Cli, HeaderRowsCanBeDeclaredForTrainingAndPrediction) {
  TempDir dir("header");
  std::string x = "0,1\n", y = "0\n";
  for (int i = 0; i < 40; ++i) {
    x += std::to_string(i % 7) + "," + std::to_string(i % 3) + "\n";
    y += std::to_string(i % 5) + "\n";
  }
  write_text(dir.path / "x.csv", x);
  write_text(dir.path / "y.csv", y);
  const std::string cfg = config_with("y = \"y.csv\"", "y = \"y.csv\"\nheader = true");
  write_text(dir.path / "run.toml", cfg);
  auto r = run_cli("train " + (dir.path / "run.toml").string() +
                   " -q --set training.epochs=1 --out " + (dir.path / "run").string());
  ASSERT_EQ(r.status, 0) << r.output;
  auto out = train_error(dir.path, config_with("y = \"y.csv\"", "y = \"y.csv\"\nheader = 3"));
  EXPECT_NE(out.find("data.header"), std::string::npos) << out;

  write_text(dir.path / "named.csv", "a,b\n1,2\n");
  const std::string predict = "predict --model " + (dir.path / "run/best.scidl").string() +
                              " --output " + (dir.path / "p.csv").string() + " --input ";
  r = run_cli(predict + (dir.path / "x.csv").string() + " --header yes");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("wrote 40 predictions"), std::string::npos) << r.output;
  // "0,1" alone looks like data, but it names the columns the model was trained on: a header,
  // and predict says so.
  r = run_cli(predict + (dir.path / "x.csv").string());
  EXPECT_NE(r.output.find("wrote 40 predictions"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("its first row (0,1) names the model's input columns"), std::string::npos)
      << r.output;
  r = run_cli(predict + (dir.path / "named.csv").string() + " --header no");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("named.csv:1:1: cannot parse 'a'"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace scidl::testing
