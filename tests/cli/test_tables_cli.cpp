// One table with a target column, as a Keras user brings a DataFrame: text labels become named
// classes saved in the model; predict reads columns by name and names its outputs; evaluate
// reports the task's numbers; a validation table; metrics that do not fit the task are refused.
#include <fmt/format.h>

#include <cmath>
#include <fstream>

#include "../test_util.h"
#include "scidl/data/csv.h"
#include "scidl/nn/model_io.h"

namespace scidl::testing {
namespace {

const std::filesystem::path kRepo = std::filesystem::path(SCIDL_TEST_DATA) / ".." / "..";

const char* kSpecies[] = {"versicolor", "setosa", "virginica"};  // sorted: setosa, versicolor, ...

// Three well separated clusters of two measurements, labelled by name, in `rows` rows; the
// columns in the given order (names from "petal", "sepal", "species").
std::string flowers(int rows, const std::vector<std::string>& order, int seed = 0) {
  std::string text;
  for (size_t c = 0; c < order.size(); ++c) text += (c ? "," : "") + order[c];
  text += "\n";
  for (int r = 0; r < rows; ++r) {
    const int k = (r * 7 + seed) % 3;
    const double petal = 1.0 + 2.0 * k + 0.3 * std::sin(r * 1.3 + seed);
    const double sepal = 4.0 - 1.5 * k + 0.3 * std::cos(r * 0.7 + seed);
    for (size_t c = 0; c < order.size(); ++c) {
      text += c ? "," : "";
      text += order[c] == "petal"   ? fmt::format("{}", petal)
              : order[c] == "sepal" ? fmt::format("{}", sepal)
                                    : std::string(kSpecies[k]);
    }
    text += "\n";
  }
  return text;
}

std::string classifier_config(const std::string& data_lines, const std::string& metrics) {
  return fmt::format(R"(seed = 1
[data]
path = "flowers.csv"
target = "species"
{}
[model]
inputs = 2
layers = [{{ type = "dense", units = 16, activation = "relu" }}, {{ type = "dense", units = 3 }}]
[optimizer]
type = "adam"
lr = 0.05
[training]
epochs = 25
batch_size = 16
loss = "cross_entropy"
metrics = {}
[output]
plots = false
)",
                     data_lines, metrics);
}

std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(TablesCli, TextLabelsBecomeNamedClassesAndPredictReadsColumnsByName) {
  TempDir dir("tables_classes");
  write_text(dir.path / "flowers.csv", flowers(120, {"petal", "sepal", "species"}));
  write_text(dir.path / "run.toml", classifier_config("validation_split = 0.2", "[\"accuracy\"]"));
  const auto run = dir.path / "run";
  auto train =
      run_cli(fmt::format("train {} --out {}", (dir.path / "run.toml").string(), run.string()));
  ASSERT_EQ(train.status, 0) << train.output;
  EXPECT_NE(train.output.find("classes: setosa, versicolor, virginica"), std::string::npos)
      << train.output;
  const auto model = io::load_model(run / "best.scidl");
  EXPECT_EQ(model.spec["table"]["classes"], nlohmann::json({"setosa", "versicolor", "virginica"}));
  EXPECT_EQ(model.spec["table"]["x_columns"], nlohmann::json({"petal", "sepal"}));

  // The same rows with the columns in another order and no target: the same predictions.
  write_text(dir.path / "new.csv", flowers(30, {"sepal", "species", "petal"}, 5));
  write_text(dir.path / "same.csv", flowers(30, {"petal", "sepal"}, 5));
  for (const char* input : {"new.csv", "same.csv"}) {
    auto p = run_cli(fmt::format("predict --model {} --input {} --output {}",
                                 (run / "best.scidl").string(), (dir.path / input).string(),
                                 (dir.path / (std::string("p_") + input)).string()));
    ASSERT_EQ(p.status, 0) << p.output;
  }
  const std::string reordered = read_all(dir.path / "p_new.csv");
  EXPECT_EQ(reordered, read_all(dir.path / "p_same.csv"));
  EXPECT_EQ(reordered.substr(0, reordered.find('\n')), "setosa,versicolor,virginica,predicted");
  data::CsvOptions options;
  options.text_columns = {std::string("predicted")};
  const auto predicted = data::read_csv(dir.path / "p_new.csv", options);
  const auto truth = [&] {
    data::CsvOptions o;
    o.columns = {std::string("petal")};
    o.text_columns = {std::string("species")};
    return data::read_csv(dir.path / "new.csv", o);
  }();
  int right = 0;
  for (int64_t r = 0; r < predicted.rows; ++r) {
    right += predicted.text[0][r] == truth.text[0][r];
    double sum = 0;
    for (int64_t c = 0; c < 3; ++c) sum += predicted.at(r, c);
    EXPECT_NEAR(sum, 1.0, 1e-6);  // probabilities
  }
  EXPECT_GE(right, 27) << reordered;

  // A missing input column is named; a headerless file must have exactly the inputs.
  write_text(dir.path / "bad.csv", "petal,width\n1,2\n");
  auto missing = run_cli(fmt::format("predict --model {} --input {} --output {}",
                                     (run / "best.scidl").string(), (dir.path / "bad.csv").string(),
                                     (dir.path / "p.csv").string()));
  EXPECT_NE(missing.status, 0);
  EXPECT_NE(missing.output.find("lacks the column sepal"), std::string::npos) << missing.output;
  write_text(dir.path / "wide.csv", "1,2,3\n4,5,6\n");
  auto wide = run_cli(fmt::format("predict --model {} --input {} --output {}",
                                  (run / "best.scidl").string(), (dir.path / "wide.csv").string(),
                                  (dir.path / "p.csv").string()));
  EXPECT_NE(wide.status, 0);
  EXPECT_NE(wide.output.find("has 3 columns and no header row but the model takes 2"),
            std::string::npos)
      << wide.output;
  EXPECT_FALSE(std::filesystem::exists(dir.path / "p.csv"));

  // evaluate: accuracy, log-loss, precision/recall/F1 per class and the confusion matrix.
  auto eval =
      run_cli(fmt::format("evaluate --model {} --data {} --out {}", (run / "best.scidl").string(),
                          (dir.path / "new.csv").string(), (dir.path / "eval").string()));
  ASSERT_EQ(eval.status, 0) << eval.output;
  EXPECT_NE(eval.output.find("log_loss"), std::string::npos) << eval.output;
  const std::string per_class = read_all(dir.path / "eval" / "per_class.csv");
  EXPECT_EQ(per_class.substr(0, per_class.find('\n')),
            "class,name,count,correct,accuracy,precision,recall,f1");
  EXPECT_NE(per_class.find("\"virginica\""), std::string::npos) << per_class;
  EXPECT_TRUE(std::filesystem::exists(dir.path / "eval" / "confusion.png"));
  const std::string metrics = read_all(dir.path / "eval" / "metrics.csv");
  EXPECT_NE(metrics.find("accuracy,all,"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("loss (cross_entropy),all,"), std::string::npos) << metrics;
}

TEST(TablesCli, AValidationTableIsReadByTheTrainingColumnsAndClasses) {
  TempDir dir("tables_validation");
  write_text(dir.path / "flowers.csv", flowers(90, {"petal", "sepal", "species"}));
  write_text(dir.path / "val.csv", flowers(30, {"species", "sepal", "petal"}, 3));
  write_text(dir.path / "run.toml",
             classifier_config("validation = \"val.csv\"", "[\"accuracy\"]"));
  auto train = run_cli(fmt::format("train {} --out {}", (dir.path / "run.toml").string(),
                                   (dir.path / "run").string()));
  ASSERT_EQ(train.status, 0) << train.output;
  EXPECT_NE(train.output.find("90 training, 30 validation"), std::string::npos) << train.output;
  const auto history = data::read_csv(dir.path / "run" / "history.csv");
  const auto& names = history.column_names;
  ASSERT_NE(std::find(names.begin(), names.end(), "val_accuracy"), names.end());
  EXPECT_GT(history.at(history.rows - 1,
                       std::find(names.begin(), names.end(), "val_accuracy") - names.begin()),
            0.9);

  // A label the training table never had: named with its row, and nothing is written.
  std::string val = flowers(5, {"petal", "sepal", "species"}, 1);
  val += "2,2,daisy\n";
  write_text(dir.path / "val.csv", val);
  auto bad = run_cli(fmt::format("train {} --out {}", (dir.path / "run.toml").string(),
                                 (dir.path / "run2").string()));
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.output.find("data row 6 has label 'daisy'"), std::string::npos) << bad.output;
  EXPECT_FALSE(std::filesystem::exists(dir.path / "run2" / "config.json"));

  // An explicit split beside a validation table is a contradiction.
  write_text(dir.path / "run.toml", classifier_config("validation = \"val.csv\"\n"
                                                      "validation_split = 0.2",
                                                      "[\"accuracy\"]"));
  bad = run_cli(fmt::format("train {} --out {}", (dir.path / "run.toml").string(),
                            (dir.path / "run3").string()));
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.output.find("replaces validation_split"), std::string::npos) << bad.output;
}

TEST(TablesCli, MetricsThatDoNotFitTheTaskAreRefusedNamingTheOnesThatDo) {
  TempDir dir("tables_metrics");
  write_text(dir.path / "flowers.csv", flowers(30, {"petal", "sepal", "species"}));
  std::string config = classifier_config("", "[\"rmse\"]");
  write_text(dir.path / "run.toml", config);
  auto r = run_cli(fmt::format("train {} --out {}", (dir.path / "run.toml").string(),
                               (dir.path / "run").string()));
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("names 'rmse', which does not fit loss \"cross_entropy\""),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("accuracy, top_k_accuracy, confusion_matrix"), std::string::npos)
      << r.output;

  write_text(dir.path / "x.csv", "a\n1\n2\n3\n");
  write_text(dir.path / "y.csv", "b\n1\n2\n3\n");
  write_text(dir.path / "reg.toml", R"([data]
x = "x.csv"
y = "y.csv"
[model]
inputs = 1
layers = [{ type = "dense", units = 1 }]
[training]
loss = "mse"
metrics = ["mae", "accuracy"]
)");
  r = run_cli(fmt::format("train {} --out {}", (dir.path / "reg.toml").string(),
                          (dir.path / "run").string()));
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("names 'accuracy', which does not fit loss \"mse\" (a regression); "
                          "metrics for this loss: mae, mse, rmse, r2"),
            std::string::npos)
      << r.output;

  // Text in a regression target says what a class target needs.
  write_text(dir.path / "run.toml",
             "[data]\npath = \"flowers.csv\"\ntarget = \"species\"\n[model]\ninputs = 2\n"
             "layers = [{ type = \"dense\", units = 1 }]\n");
  r = run_cli(fmt::format("train {} --out {}", (dir.path / "run.toml").string(),
                          (dir.path / "run").string()));
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("class labels need a class loss"), std::string::npos) << r.output;
}

TEST(TablesCli, RegressionOutputsAreNamedAfterTheTargetsAndAHeaderOfNumbersIsDecidedByTheModel) {
  TempDir dir("tables_regression");
  std::string table = "0,1,out_a,out_b\n";
  for (int r = 0; r < 60; ++r) {
    const double u = r * 0.05, v = std::sin(r * 0.3);
    table += fmt::format("{},{},{},{}\n", u, v, u + v, u - 2 * v);
  }
  write_text(dir.path / "t.csv", table);
  write_text(dir.path / "run.toml", R"(seed = 2
[data]
path = "t.csv"
target = ["out_a", "out_b"]
validation_split = 0
[model]
inputs = 2
layers = [{ type = "dense", units = 2 }]
[optimizer]
lr = 0.05
[training]
epochs = 40
batch_size = 8
metrics = ["mae"]
[output]
plots = false
)");
  const auto run = dir.path / "run";
  auto train =
      run_cli(fmt::format("train {} --out {}", (dir.path / "run.toml").string(), run.string()));
  ASSERT_EQ(train.status, 0) << train.output;

  // The input's first row "0,1" is all numbers, but it names the model's columns: a header.
  write_text(dir.path / "in.csv", "0,1\n0.5,0.25\n1,-1\n");
  const std::string model = (run / "last.scidl").string(), out = (dir.path / "p.csv").string();
  auto p = run_cli(fmt::format("predict --model {} --input {} --output {}", model,
                               (dir.path / "in.csv").string(), out));
  ASSERT_EQ(p.status, 0) << p.output;
  EXPECT_NE(p.output.find("names the model's input columns, so it is read as the header"),
            std::string::npos)
      << p.output;
  auto predictions = data::read_csv(out);
  EXPECT_EQ(predictions.column_names, (std::vector<std::string>{"out_a", "out_b"}));
  EXPECT_EQ(predictions.rows, 2);
  EXPECT_NEAR(predictions.at(0, 0), 0.75, 0.2);
  p = run_cli(fmt::format("predict --model {} --input {} --output {} --header no", model,
                          (dir.path / "in.csv").string(), out));
  ASSERT_EQ(p.status, 0) << p.output;
  EXPECT_EQ(data::read_csv(out).rows, 3);

  auto eval = run_cli(fmt::format("evaluate --model {} --data {} --out {}", model,
                                  (dir.path / "t.csv").string(), (dir.path / "eval").string()));
  ASSERT_EQ(eval.status, 0) << eval.output;
  const std::string metrics = read_all(dir.path / "eval" / "metrics.csv");
  for (const char* line : {"mae,out_a,", "rmse,out_b,", "r2,all,", "loss (mse),all,"})
    EXPECT_NE(metrics.find(line), std::string::npos) << line << "\n" << metrics;
}

// A model trained on files without a header knows its columns only by position: a first data
// row "0" is data, not a header naming column "0".
TEST(TablesCli, AFirstRowOfNumbersIsDataForAModelTrainedWithoutAHeader) {
  TempDir dir("tables_no_header");
  std::string x, y;
  for (int r = 0; r < 20; ++r) x += fmt::format("{}\n", r), y += fmt::format("{}\n", 2 * r);
  write_text(dir.path / "x.csv", x);
  write_text(dir.path / "y.csv", y);
  write_text(dir.path / "run.toml",
             "[data]\nx = \"x.csv\"\ny = \"y.csv\"\nvalidation_split = 0\n[model]\ninputs = 1\n"
             "layers = [{ type = \"dense\", units = 1 }]\n[training]\nepochs = 1\n"
             "[output]\nplots = false\n");
  auto train = run_cli(fmt::format("train {} -q --out {}", (dir.path / "run.toml").string(),
                                   (dir.path / "run").string()));
  ASSERT_EQ(train.status, 0) << train.output;
  auto p = run_cli(fmt::format("predict --model {} --input {} --output {}",
                               (dir.path / "run" / "last.scidl").string(),
                               (dir.path / "x.csv").string(), (dir.path / "p.csv").string()));
  ASSERT_EQ(p.status, 0) << p.output;
  EXPECT_NE(p.output.find("wrote 20 predictions"), std::string::npos) << p.output;
}

// The README's tour: a real table Debian ships (gretl-data), its days as numeric columns.
TEST(TablesCli, TheBikeSharingTableDebianShipsTrainsPredictsAndEvaluates) {
  const std::filesystem::path table = "/usr/share/gretl/data/misc/bikesharing.gdt";
  if (!std::filesystem::exists(table))
    GTEST_SKIP() << table << " is missing: scripts/setup.sh installs Debian's gretl-data";
  TempDir dir("tables_bike_sharing");
  const auto run = dir.path / "run";
  auto train =
      run_cli(fmt::format("train {} --set training.epochs=3 --out {}",
                          (kRepo / "examples/tables/bike_sharing.toml").string(), run.string()));
  ASSERT_EQ(train.status, 0) << train.output;
  EXPECT_NE(train.output.find("data: 731 rows (585 training, 146 validation"), std::string::npos)
      << train.output;
  auto eval =
      run_cli(fmt::format("evaluate --model {} --data {} --out {}", (run / "best.scidl").string(),
                          table.string(), (dir.path / "eval").string()));
  ASSERT_EQ(eval.status, 0) << eval.output;
  EXPECT_NE(read_all(dir.path / "eval" / "metrics.csv").find("r2,cnt,"), std::string::npos);
  auto predict = run_cli(fmt::format("predict --model {} --input {} --output {}",
                                     (run / "best.scidl").string(), table.string(),
                                     (dir.path / "p.csv").string()));
  ASSERT_EQ(predict.status, 0) << predict.output;
  const auto p = data::read_csv(dir.path / "p.csv");
  EXPECT_EQ(p.column_names, (std::vector<std::string>{"cnt"}));
  EXPECT_EQ(p.rows, 731);
}

}  // namespace
}  // namespace scidl::testing
