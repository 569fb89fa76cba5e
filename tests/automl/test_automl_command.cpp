// scidl automl end to end: Debian gretl-data's bike rentals (the lecture's table), small tables
// made here for classification and bagging, the predictor read back by scidl predict, and the
// bad inputs the issue names.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "../test_util.h"

using namespace scidl::testing;

namespace {

const std::string kBike = "/usr/share/gretl/data/misc/bikesharing.gdt";
const std::string kFast = " --models LinearModel --models XGBoost";

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// score_val of every leaderboard row, by model.
std::map<std::string, double> scores_val(const std::filesystem::path& dir, bool with_test) {
  std::map<std::string, double> out;
  const auto rows = lines(read_text(dir / "leaderboard.csv"));
  for (size_t i = 1; i < rows.size(); ++i) {
    std::stringstream in(rows[i]);
    std::string model, first, second;
    std::getline(in, model, ',');
    std::getline(in, first, ',');
    std::getline(in, second, ',');
    out[model] = std::stod(with_test ? second : first);
  }
  return out;
}

// y = 3 x1 - 2 x2 + (colour == "red") + noise, with a date column and a row number.
void write_regression_table(const std::filesystem::path& file, int rows) {
  std::ofstream out(file);
  out << "row,x1,x2,colour,day,y\n";
  for (int i = 0; i < rows; ++i) {
    const double x1 = (i * 37 % 101) / 101.0, x2 = (i * 53 % 97) / 97.0;
    const char* colour = i % 3 == 0 ? "red" : i % 3 == 1 ? "green" : "blue";
    out << i + 1 << "," << x1 << "," << x2 << "," << colour << ",2020-03-"
        << (i % 28 + 1 < 10 ? "0" : "") << i % 28 + 1 << ","
        << 3 * x1 - 2 * x2 + (i % 3 == 0) + 0.01 * ((i * 7919) % 13 - 6) << "\n";
  }
}

// Two classes, "low" and "high", by the sum of two measurements.
void write_classes_table(const std::filesystem::path& file, int rows) {
  std::ofstream out(file);
  out << "a,b,label\n";
  for (int i = 0; i < rows; ++i) {
    const double a = (i * 37 % 101) / 101.0, b = (i * 53 % 97) / 97.0;
    out << a << "," << b << "," << (a + b > 1.0 ? "high" : "low") << "\n";
  }
}

}  // namespace

TEST(AutomlCommand, BikeRentalsMediumRanksTheZooAndTheEnsembleAndPredicts) {
  TempDir dir("automl_bike");
  const auto out = dir.path / "bike";
  const auto r = run_cli("automl --data " + kBike + " --target cnt --exclude casual --exclude " +
                         "registered --train-fraction 0.7 --seed 1 --out " + out.string() + kFast);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("512 rows for training, 219 for testing; task regression"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(lines(read_text(out / "leaderboard.csv")).at(0),
            "model,score_test,score_val,eval_metric,pred_time_test,pred_time_val,fit_time,"
            "pred_time_test_marginal,pred_time_val_marginal,fit_time_marginal,stack_level,"
            "can_infer,fit_order");
  const auto scores = scores_val(out, true);
  ASSERT_EQ(scores.size(), 3u);
  // Greedy selection starts from the best single model, so the ensemble never scores worse.
  for (const auto& [model, s] : scores) EXPECT_GE(scores.at("WeightedEnsemble_L2"), s) << model;
  const std::string columns = read_text(out / "columns.md");
  EXPECT_NE(columns.find("| casual | dropped |"), std::string::npos) << columns;
  EXPECT_NE(columns.find("| temp | numeric |"), std::string::npos) << columns;
  for (const char* file :
       {"predictor.json", "feature_importance.csv", "feature_importance.png",
        "plots/predicted_vs_true.svg", "plots/residuals.png", "test_metrics.csv",
        "test_predictions.csv", "models/XGBoost/full.xgb.json", "models/LinearModel/full.scidl"})
    EXPECT_TRUE(std::filesystem::exists(out / file)) << file;
  // Refitted on all 512 rows once the holdout judged them; the holdout fits are gone.
  EXPECT_NE(r.output.find("refit on all 512 rows: "), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(out / "models/XGBoost/fold0.xgb.json"));
  EXPECT_NE(read_text(out / "feature_importance.csv").find("\ntemp,"), std::string::npos);

  const auto predicted = dir.path / "predicted.csv";
  const auto p = run_cli("predict --model " + out.string() + " --input " + kBike + " --output " +
                         predicted.string());
  ASSERT_EQ(p.status, 0) << p.output;
  const auto rows = lines(read_text(predicted));
  ASSERT_EQ(rows.size(), 732u);
  EXPECT_EQ(rows[0], "cnt");
  EXPECT_GT(std::stod(rows[200]), 0.0);
}

TEST(AutomlCommand, NoRefitFullKeepsTheHoldoutFits) {
  TempDir dir("automl_no_refit");
  const auto out = dir.path / "bike";
  const auto r = run_cli("automl --data " + kBike + " --target cnt --exclude casual --exclude " +
                         "registered --seed 1 --no-refit-full --out " + out.string() + kFast);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output.find("refit on all"), std::string::npos) << r.output;
  EXPECT_TRUE(std::filesystem::exists(out / "models/XGBoost/fold0.xgb.json"));
  EXPECT_FALSE(std::filesystem::exists(out / "models/XGBoost/full.xgb.json"));
}

TEST(AutomlCommand, BestPresetBagsKFoldsAndTypesDatesCategoriesAndRowNumbers) {
  TempDir dir("automl_bagged");
  const auto table = dir.path / "table.csv";
  write_regression_table(table, 60);
  const auto out = dir.path / "run";
  const auto r = run_cli("automl --data " + table.string() + " --target y --preset best --out " +
                         out.string() + " --models LinearModel");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("6-fold bagging"), std::string::npos) << r.output;
  const std::string columns = read_text(out / "columns.md");
  EXPECT_NE(columns.find("| row | dropped |"), std::string::npos) << columns;
  EXPECT_NE(columns.find("| day | date |"), std::string::npos) << columns;
  EXPECT_NE(columns.find("| colour | categorical |"), std::string::npos) << columns;
  for (int f = 0; f < 6; ++f)
    EXPECT_TRUE(std::filesystem::exists(out / "models/LinearModel" /
                                        ("fold" + std::to_string(f) + ".scidl")));
  // A linear model of a linear target: out-of-fold RMSE far below the target's spread (~1).
  EXPECT_GT(scores_val(out, false).at("LinearModel"), -0.3);
  // Columns are read by name: reordered, with the target absent.
  const auto later = dir.path / "later.csv";
  write_text(later, "colour,day,x2,x1\nred,2020-04-01,0.5,0.25\nblue,2020-04-02,0.0,1.0\n");
  const auto p = run_cli("predict --model " + out.string() + " --input " + later.string() +
                         " --output " + (dir.path / "p.csv").string());
  ASSERT_EQ(p.status, 0) << p.output;
  const auto rows = lines(read_text(dir.path / "p.csv"));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_NEAR(std::stod(rows[1]), 0.75, 0.3);  // 3 * 0.25 - 2 * 0.5 + 1
  EXPECT_NEAR(std::stod(rows[2]), 3.0, 0.3);
}

TEST(AutomlCommand, ClassifiesTextLabelsWithAccuracyLogLossAndAConfusionMatrix) {
  TempDir dir("automl_classes");
  const auto table = dir.path / "table.csv";
  write_classes_table(table, 200);
  const auto out = dir.path / "run";
  const auto r = run_cli("automl --data " + table.string() + " --target label --train-fraction " +
                         "0.75 --out " + out.string() + kFast);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("task classification (the target holds text"), std::string::npos)
      << r.output;
  const std::string metrics = read_text(out / "test_metrics.csv");
  EXPECT_NE(metrics.find("WeightedEnsemble_L2,accuracy,"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("WeightedEnsemble_L2,log_loss,"), std::string::npos) << metrics;
  EXPECT_TRUE(std::filesystem::exists(out / "plots/confusion.png"));
  EXPECT_GE(scores_val(out, true).at("WeightedEnsemble_L2"), 0.85);
  const auto p = run_cli("predict --model " + out.string() + " --input " + table.string() +
                         " --output " + (dir.path / "p.csv").string());
  ASSERT_EQ(p.status, 0) << p.output;
  EXPECT_EQ(lines(read_text(dir.path / "p.csv")).at(0), "p_high,p_low,label");
}

TEST(AutomlCommand, AMissingTargetColumnIsNamedWithTheColumnsAndNothingIsWritten) {
  TempDir dir("automl_no_target");
  const auto out = dir.path / "run";
  const auto r = run_cli("automl --data " + kBike + " --target count --out " + out.string());
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("--target 'count' is not a column of the table (its columns: season"),
            std::string::npos)
      << r.output;
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(AutomlCommand, RowsWithoutATargetAreDroppedAndCountedAndMixedColumnsAreNamed) {
  TempDir dir("automl_gaps");
  const auto table = dir.path / "table.csv";
  write_regression_table(table, 50);
  std::string text = read_text(table);
  // Two rows lose their target; one x2 cell becomes text.
  auto rows = lines(text);
  rows[3] = rows[3].substr(0, rows[3].rfind(',') + 1);
  rows[9] = rows[9].substr(0, rows[9].rfind(',') + 1) + "NA";
  rows[12].replace(rows[12].find(",", rows[12].find(",") + 1) + 1, 0, "about ");
  text.clear();
  for (const auto& line : rows) text += line + "\n";
  write_text(table, text);
  const auto r = run_cli("automl --data " + table.string() + " --target y --out " +
                         (dir.path / "run").string() + " --models LinearModel");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("dropped 2 rows whose target 'y' is missing"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("column x2: categorical (mixes numbers"), std::string::npos) << r.output;
}

TEST(AutomlCommand, TooFewRowsForTheFoldsSaysSo) {
  TempDir dir("automl_few");
  const auto table = dir.path / "table.csv";
  write_regression_table(table, 8);
  const auto r = run_cli("automl --data " + table.string() + " --target y --preset best --out " +
                         (dir.path / "run").string());
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("8 rows, too few for 5-fold bagging"), std::string::npos) << r.output;
}

TEST(AutomlCommand, ATimeLimitTooShortForTheZooKeepsTheFirstModelAndRecordsTheRest) {
  TempDir dir("automl_short");
  const auto out = dir.path / "run";
  const auto r = run_cli("automl --data " + kBike + " --target cnt --exclude casual --exclude " +
                         "registered --time-limit 0.001 --out " + out.string());
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("the time limit was reached"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("the time limit of 0.001 s was too short for the whole zoo"),
            std::string::npos)
      << r.output;
  const auto scores = scores_val(out, false);
  EXPECT_TRUE(scores.count("LinearModel")) << read_text(out / "leaderboard.csv");
  EXPECT_NE(read_text(out / "failures.csv").find("XGBoost,skipped"), std::string::npos);
}

TEST(AutomlCommand, AnOutputFolderInUseIsRefusedAndOverwriteReplacesItOnlyWhenDone) {
  TempDir dir("automl_out");
  const auto out = dir.path / "run";
  std::filesystem::create_directories(out);
  write_text(out / "notes.txt", "mine");
  const std::string args = "automl --data " + kBike + " --target cnt --exclude casual --exclude " +
                           "registered --models LinearModel --out " + out.string();
  const auto refused = run_cli(args);
  EXPECT_EQ(refused.status, 1);
  EXPECT_NE(refused.output.find("already holds files"), std::string::npos) << refused.output;
  EXPECT_EQ(read_text(out / "notes.txt"), "mine");
  // A failing run with --overwrite leaves the folder as it was.
  const auto failed = run_cli(args + " --overwrite --metric accuracy");
  EXPECT_EQ(failed.status, 1);
  EXPECT_EQ(read_text(out / "notes.txt"), "mine");
  const auto replaced = run_cli(args + " --overwrite");
  ASSERT_EQ(replaced.status, 0) << replaced.output;
  EXPECT_FALSE(std::filesystem::exists(out / "notes.txt"));
  EXPECT_TRUE(std::filesystem::exists(out / "predictor.json"));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path),
                          std::filesystem::directory_iterator()),
            1);  // no temporary folder left beside it
}

TEST(AutomlCommand, PredictNamesAMissingColumnAndABrokenPredictor) {
  TempDir dir("automl_predict_bad");
  const auto out = dir.path / "run";
  ASSERT_EQ(
      run_cli("automl --data " + kBike + " --target cnt --models LinearModel --out " + out.string())
          .status,
      0);
  const auto table = dir.path / "t.csv";
  write_text(table, "season,temp\n1,0.3\n");
  const auto r = run_cli("predict --model " + out.string() + " --input " + table.string() +
                         " --output " + (dir.path / "p.csv").string());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("input column 'holiday' is not a column"), std::string::npos) << r.output;
  write_text(out / "predictor.json", "{\"format\": \"scidl-automl\", \"version\": 1}");
  const auto broken = run_cli("predict --model " + out.string() + " --input " + kBike +
                              " --output " + (dir.path / "p.csv").string());
  EXPECT_EQ(broken.status, 1);
  EXPECT_NE(broken.output.find("predictor.json: malformed predictor description"),
            std::string::npos)
      << broken.output;
}

TEST(AutomlCommand, CtrlCStopsTheFitAndKeepsAPredictorOfWhatWasFitted) {
  TempDir dir("automl_interrupt");
  const auto out = dir.path / "run";
  // Bagging the whole zoo takes several seconds; the signal comes after one.
  const std::string cmd = "sh -c '" + std::string(SCIDL_CLI) + " automl --data " + kBike +
                          " --target cnt --preset best --out " + out.string() +
                          " > /dev/null 2>&1 & pid=$!; sleep 1; kill -INT $pid; wait $pid; "
                          "echo status=$?'";
  FILE* pipe = popen(cmd.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  char buf[256] = {};
  std::string output;
  while (fgets(buf, sizeof buf, pipe)) output += buf;
  pclose(pipe);
  EXPECT_NE(output.find("status=130"), std::string::npos) << output;
  EXPECT_TRUE(std::filesystem::exists(out / "predictor.json"));
  EXPECT_NE(read_text(out / "failures.csv").find("skipped: stopped (Ctrl-C)"), std::string::npos);
  const auto p = run_cli("predict --model " + out.string() + " --input " + kBike + " --output " +
                         (dir.path / "p.csv").string());
  EXPECT_EQ(p.status, 0) << p.output;
}

TEST(AutomlCommand, StartedAsTheRanksOfAJobItRefusesOnce) {
  TempDir dir("automl_ranks");
  const auto r =
      run_cli("automl --data " + kBike + " --target cnt --out " + (dir.path / "run").string(),
              "OMPI_COMM_WORLD_RANK=1 OMPI_COMM_WORLD_SIZE=2 "
              "OMPI_COMM_WORLD_LOCAL_RANK=1 OMPI_COMM_WORLD_LOCAL_SIZE=2");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("scidl automl was started as rank 1 of 2 by open-mpi"), std::string::npos)
      << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir.path / "run"));
  const auto tune =
      run_cli("tune " + std::string(SCIDL_TEST_DATA) +
                  "/../../examples/tune/iris_asha.toml --out " + (dir.path / "study").string(),
              "SLURM_PROCID=0 SLURM_STEP_NUM_TASKS=2 SLURM_LOCALID=0");
  EXPECT_EQ(tune.status, 1) << tune.output;
  EXPECT_NE(tune.output.find("scidl tune was started as rank 0 of 2 by slurm"), std::string::npos)
      << tune.output;
}
