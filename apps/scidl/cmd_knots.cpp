// scidl knots prepare --data knots.csv.gz --out DIR [--test-fraction 0.125] [--seed 0]: splits
//   the knot table of tools/make_knot_dataset.py into training and test knots, standardises the
//   invariants (the training rows' mean and standard deviation, as Davies et al. do) and writes
//   DIR/train_X.csv, train_Y.csv (class index), test_X.csv, test_Y.csv, test_invariants.csv (raw,
//   with the signature), classes.csv and standardisation.csv.
// scidl knots report --data DIR [--model M [--features A,B,C]]: scores the slope rule on the test
//   knots and, given a model, the model's test accuracy beside it.
// See examples/knots/README.md for the whole case.
#include <fmt/core.h>
#include <fmt/ranges.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "command.h"
#include "option_ranges.h"
#include "scidl/cases/knots/knots.h"
#include "scidl/data/csv.h"
#include "scidl/nn/model_io.h"
#include "scidl/nn/model_spec.h"
#include "scidl/ops/ops.h"

namespace {

using scidl::sci::knot_invariant_names;
namespace fs = std::filesystem;

scidl::sci::KnotTable read_knot_table(const fs::path& path) {
  scidl::data::CsvOptions options;
  options.header = scidl::data::CsvHeader::Present;
  for (const auto& name : knot_invariant_names()) options.columns.emplace_back(name);
  options.columns.emplace_back(std::string("signature"));
  auto csv = scidl::data::read_csv(path, options);  // a missing column names itself and the file
  const auto width = static_cast<int64_t>(knot_invariant_names().size());
  scidl::sci::KnotTable table;
  table.rows = csv.rows;
  table.invariants.reserve(csv.rows * width);
  for (int64_t i = 0; i < csv.rows; ++i) {
    for (int64_t j = 0; j < width; ++j) table.invariants.push_back(csv.at(i, j));
    const double sigma = csv.at(i, width);
    if (sigma != std::floor(sigma))
      throw std::invalid_argument(
          fmt::format("{}: row {} has signature {}, not an integer", path.string(), i + 1, sigma));
    table.signatures.push_back(static_cast<int64_t>(sigma));
  }
  return table;
}

struct PrepareArgs {
  std::string data, out;
  double test_fraction = 0.125;
  uint64_t seed = 0;
  int64_t smallest = 0, classes = 0;  // a fixed class range when classes > 0 (default: the data's)
  bool fixed_smallest = false;
};

void prepare(const PrepareArgs& a) {
  const auto table = read_knot_table(a.data);
  auto classes = scidl::sci::signature_classes(table.signatures);
  if (a.fixed_smallest || a.classes != 0) {  // fixed: a subset and the census share class numbers
    if (!a.fixed_smallest || a.classes < 1 || a.smallest % 2 != 0)
      throw std::invalid_argument(
          "--smallest-signature (even) and --classes go together (e.g. -16 and 17 for -16, -14, "
          "..., 16)");
    const auto seen = classes;
    classes = {a.smallest, a.classes};
    if (seen.smallest < classes.smallest ||
        seen.signature_of(seen.count - 1) > classes.signature_of(classes.count - 1))
      throw std::invalid_argument(
          fmt::format("{}: signatures run from {} to {}, outside the classes asked for ({} to {})",
                      a.data, seen.smallest, seen.signature_of(seen.count - 1), classes.smallest,
                      classes.signature_of(classes.count - 1)));
  }
  const auto split = scidl::sci::split_knots(table, a.test_fraction, a.seed);
  const auto& names = knot_invariant_names();
  const auto width = static_cast<int64_t>(names.size());
  const fs::path dir(a.out);
  fs::create_directories(dir);
  auto write_split = [&](const std::string& stem, const std::vector<int64_t>& rows) {
    std::vector<double> z, y, raw;
    for (int64_t r : rows) {
      for (int64_t j = 0; j < width; ++j) {
        const double v = table.invariants[r * width + j];
        z.push_back((v - split.mean[j]) / split.stddev[j]);
        raw.push_back(v);
      }
      raw.push_back(static_cast<double>(table.signatures[r]));
      y.push_back(static_cast<double>(classes.class_of(table.signatures[r])));
    }
    const auto n = static_cast<int64_t>(rows.size());
    scidl::data::write_csv(dir / (stem + "_X.csv"), names, n, width, z.data());
    scidl::data::write_csv(dir / (stem + "_Y.csv"), {"class"}, n, 1, y.data());
    auto raw_names = names;
    raw_names.push_back("signature");
    scidl::data::write_csv(dir / (stem + "_invariants.csv"), raw_names, n, width + 1, raw.data());
  };
  write_split("train", split.train_rows);
  write_split("test", split.test_rows);
  std::vector<double> class_rows;
  for (int64_t k = 0; k < classes.count; ++k)
    class_rows.insert(class_rows.end(),
                      {static_cast<double>(k), static_cast<double>(classes.signature_of(k))});
  scidl::data::write_csv(dir / "classes.csv", {"class", "signature"}, classes.count, 2,
                         class_rows.data());
  std::vector<double> stats = split.mean;  // rows: mean, standard deviation
  stats.insert(stats.end(), split.stddev.begin(), split.stddev.end());
  scidl::data::write_csv(dir / "standardisation.csv", names, 2, width, stats.data());
  fmt::print(
      "{} knots from {}: {} to train (train_X.csv, train_Y.csv), {} to test (test_X.csv, "
      "test_Y.csv); {} classes, signatures {} to {} (classes.csv); features standardised with the "
      "training knots' mean and deviation (standardisation.csv) -> {}\n",
      table.rows, a.data, split.train_rows.size(), split.test_rows.size(), classes.count,
      classes.signature_of(0), classes.signature_of(classes.count - 1), a.out);
}

struct ReportArgs {
  std::string data, model, features;
};

// The model's test accuracy on DIR/test_X.csv (the named columns, or all) against test_Y.csv.
double model_accuracy(const ReportArgs& a, int64_t& examples) {
  const fs::path dir(a.data);
  scidl::data::CsvOptions options;
  if (!a.features.empty()) {
    std::stringstream ss(a.features);
    for (std::string name; std::getline(ss, name, ',');) options.columns.emplace_back(name);
  }
  auto x = scidl::data::read_csv(dir / "test_X.csv", options);
  auto y = scidl::data::read_csv(dir / "test_Y.csv");
  auto loaded = scidl::io::load_model(a.model);
  scidl::nn::check_input_shape(loaded.spec, {x.rows, x.cols}, (dir / "test_X.csv").string());
  auto params = loaded.model->parameters();
  const auto dtype = params.empty() ? scidl::DType::Float32 : params.front().dtype();
  scidl::NoGradGuard no_grad;
  loaded.model->eval();
  scidl::Tensor logits = (*loaded.model)(scidl::from_vector(x.values, {x.rows, x.cols}, dtype));
  auto predicted = scidl::argmax(logits, 1).to_vector<int64_t>();
  int64_t correct = 0;
  for (int64_t i = 0; i < x.rows; ++i) correct += predicted[i] == static_cast<int64_t>(y.at(i, 0));
  examples = x.rows;
  return static_cast<double>(correct) / static_cast<double>(x.rows);
}

void report(const ReportArgs& a) {
  const fs::path dir(a.data);
  const auto table = read_knot_table(dir / "test_invariants.csv");
  const auto score = scidl::sci::score_slope_rule(table);
  const double n = static_cast<double>(score.knots);
  fmt::print("test knots: {} ({})\n", score.knots, (dir / "test_invariants.csv").string());
  fmt::print(
      "slope rule, sigma = 2 round(Re(lambda / mu) / 4): accuracy {:.2f}%, within 2: {:.2f}%\n",
      100 * score.accuracy(), 100 * score.within_two / n);
  if (a.model.empty()) return;
  int64_t examples = 0;
  const double accuracy = model_accuracy(a, examples);
  fmt::print("model {}{}: test accuracy {:.2f}% ({} knots)\n", a.model,
             a.features.empty() ? "" : fmt::format(" on {}", a.features), 100 * accuracy, examples);
}

// Knot signatures are even.
CLI::Validator even_number() {
  return CLI::Validator(
      [](std::string& input) -> std::string {
        int64_t value = 1;
        if (!CLI::detail::lexical_cast(input, value) || value % 2 != 0)
          return "Value " + input + " is not even";
        return {};
      },
      "EVEN");
}

SCIDL_COMMAND([](CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "knots", "Knot signature from hyperbolic invariants (Davies et al. 2021): data and scores");
  cmd->require_subcommand(1);
  auto p = std::make_shared<PrepareArgs>();
  auto* prep = cmd->add_subcommand(
      "prepare", "Split a knot table into standardised training and test sets with class labels");
  prep->add_option("--data", p->data,
                   "knot table (CSV or .csv.gz) with the invariants and signature, as written by "
                   "tools/make_knot_dataset.py")
      ->required()
      ->check(CLI::ExistingFile);
  prep->add_option("--out", p->out, "output folder")->required();
  prep->add_option("--test-fraction", p->test_fraction, "share of knots kept for testing (0.125)")
      ->check(scidl::cli::strictly_between(0.0, 1.0));
  prep->add_option("--seed", p->seed, "seed of the split")->check(scidl::cli::seed_range());
  prep->add_option("--smallest-signature", p->smallest,
                   "signature of class 0, even (default: the smallest in the data)")
      ->check(CLI::Range(-1000, 1000) & even_number());
  prep->add_option("--classes", p->classes,
                   "number of classes, signatures smallest, smallest + 2, ... (default: to the "
                   "largest in the data)")
      ->check(CLI::Range(0, 1000));
  prep->callback([p, prep] {
    p->fixed_smallest = prep->get_option("--smallest-signature")->count() > 0;
    prepare(*p);
  });
  auto r = std::make_shared<ReportArgs>();
  auto* rep = cmd->add_subcommand(
      "report", "Score the slope rule on the test knots, and a trained model beside it");
  rep->add_option("--data", r->data, "folder written by scidl knots prepare")
      ->required()
      ->check(CLI::ExistingDirectory);
  rep->add_option("--model", r->model, "a classifier trained on train_X.csv / train_Y.csv")
      ->check(CLI::ExistingFile);
  rep->add_option("--features", r->features,
                  "comma-separated columns of test_X.csv the model takes (default: all)");
  rep->callback([r] { report(*r); });
});

}  // namespace
