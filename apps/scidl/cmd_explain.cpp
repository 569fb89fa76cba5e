// scidl explain --model M --data X.csv --method ig|saliency|ixg|smoothgrad [--target k]
//   [--baseline zero|mean|VALUE|file.csv] [--steps N] [--rule R] --out DIR
// Attributions per example (CSV, JSON with convergence deltas), a global ranking (CSV) and its
// bar chart (SVG and PNG). A model that takes images ([C, H, W] inputs) is explained on images (IDX
// or CSV of flattened pixels; --labels, --limit) and gets heatmaps.png/.svg of the first
// --heatmaps examples, explaining each example's predicted class unless --target is given.
// See src/scidl/explain/ for the methods and examples/explain/ for cases.
// scidl explain-toy --out DIR writes the "where gradients fail" one-ReLU model and points to
// explain with it. scidl explain-formula --data X.csv --target Y.csv --ranking ranking.csv
// [--top K] fits the target with integer coefficients on the K most salient features.
#include <fmt/core.h>
#include <fmt/ranges.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "command.h"
#include "explain_graphs.h"
#include "explain_images.h"
#include "option_ranges.h"
#include "scidl/cases/explanation_toy/saturated_relu_toy.h"
#include "scidl/data/csv.h"
#include "scidl/explain/explain.h"
#include "scidl/nn/joined_inputs.h"
#include "scidl/nn/mean_of_models.h"
#include "scidl/nn/model_io.h"
#include "scidl/nn/model_spec.h"
#include "scidl/ops/ops.h"
#include "scidl/ops/shape_ops.h"

namespace {

using namespace scidl;
using namespace scidl::explain;

struct ExplainArgs {
  std::vector<std::string> models;  // several: their mean (nn/mean_of_models.h)
  std::string data, method = "ig", baseline = "zero", rule = "gausslegendre", out;
  std::string ranking = "attribution", nt_type = "smoothgrad", nt_method = "saliency";
  std::string labels, class_names;   // images: labels file, names of the classes for captions
  std::string targets;               // one-column CSV: each example's own target (e.g. train_Y.csv)
  std::string score = "logit";       // graphs: what of a class is explained (class_score.h)
  int64_t limit = 0, heatmaps = 16;  // explain the first `limit` examples (0: all)
  int64_t target = 0;
  bool has_target = false;  // --target given
  int steps = 50, nt_samples = 5;
  double stdev = 1.0;
  uint64_t seed = 0;
  int64_t batch_size = 1024, internal_batch_size = 0;
  bool signed_gradient = false, float64 = false;
};

Baseline parse_baseline(const std::string& text, const Tensor& x) {
  if (text == "zero") return Baseline::zero();
  if (text == "mean") return Baseline::dataset_mean(x);
  if (std::filesystem::exists(text)) {
    auto table = data::read_csv(text);
    Shape example(x.shape().begin() + 1, x.shape().end());  // images: rows of flattened pixels
    if (example.size() == 1 || numel_of(example) != table.cols) example = {table.cols};
    Shape shape = example;
    if (table.rows != 1) shape.insert(shape.begin(), table.rows);
    return Baseline::tensor(from_vector(table.values, shape, DType::Float64));
  }
  try {
    size_t used = 0;
    double value = std::stod(text, &used);
    if (used == text.size()) return Baseline::scalar(value);
  } catch (const std::exception&) {
  }
  throw ExplainError(fmt::format(
      "--baseline '{}': use zero, mean (of --data), a number, or a CSV file with one row (per "
      "feature) or one row per example",
      text));
}

// The attributions of one chunk of examples by the chosen method; delta is set for ig.
Tensor attribute(const ExplainArgs& a, nn::Module& model, const Tensor& x, const Target& target,
                 const Baseline& baseline, uint64_t first_row, Tensor& delta) {
  IntegratedGradientsOptions ig;
  ig.n_steps = a.steps;
  ig.rule = parse_integration_rule(a.rule);
  ig.baseline = baseline;
  ig.internal_batch_size = a.internal_batch_size;
  auto run = [&](const std::string& method, const Tensor& inputs, const Target& t) -> Tensor {
    if (method == "saliency") return saliency(model, inputs, t, {.absolute = !a.signed_gradient});
    if (method == "ixg") return input_x_gradient(model, inputs, t);
    if (method == "ig") {
      auto result = integrated_gradients(model, inputs, t, ig);
      delta = result.convergence_delta;
      return result.attributions;
    }
    throw ExplainError(
        fmt::format("unknown method '{}'; choose ig, saliency, ixg or smoothgrad", method));
  };
  if (a.method != "smoothgrad") return run(a.method, x, target);
  // Each chunk draws its own noise (seeded by its first row), so chunks are not correlated.
  NoiseTunnelOptions nt{parse_noise_tunnel_type(a.nt_type), a.nt_samples, a.stdev,
                        a.seed + first_row};
  ig.baseline = baseline.for_repeated_batch(x, a.nt_samples);
  Tensor result = noise_tunnel(
      [&](const Tensor& inputs, const Target& t) { return run(a.nt_method, inputs, t); }, x, target,
      nt);
  delta = Tensor();  // deltas of noisy inputs say nothing about x itself
  return result;
}

std::string method_name(const ExplainArgs& a) {
  if (a.method == "ig") return "integrated_gradients";
  if (a.method == "ixg") return "input_x_gradient";
  if (a.method == "smoothgrad") return fmt::format("noise_tunnel({}, {})", a.nt_type, a.nt_method);
  return a.method;
}

// The class each example is predicted to be (argmax of the model's outputs), in batches.
std::vector<int64_t> predicted_classes(nn::Module& model, const Tensor& x, int64_t batch) {
  NoGradGuard no_grad;
  std::vector<int64_t> out;
  for (int64_t at = 0; at < x.shape()[0]; at += batch) {
    Tensor logits = model(slice(x, 0, at, std::min(x.shape()[0], at + batch)));
    if (logits.dim() != 2)
      throw ExplainError(fmt::format(
          "the model's outputs have shape {}; image heatmaps explain a classifier ([N, classes])",
          shape_str(logits.shape())));
    auto k = argmax(logits, 1).to_vector<int64_t>();
    out.insert(out.end(), k.begin(), k.end());
  }
  return out;
}

void run_explain(const ExplainArgs& a) {
  if (std::filesystem::is_directory(a.data)) {  // a folder of graphs in the TU format
    cli::explain_graphs({a.models, a.data, a.method, a.rule, a.out, a.score, a.steps, a.limit,
                         a.target, a.has_target});
    return;
  }
  if (a.score != "logit")
    throw ExplainError(fmt::format(
        "--score {} is for graph models (--data a folder of graphs); tables and images are "
        "explained on the model's outputs as they are",
        a.score));
  auto loaded = nn::load_mean_of_models({a.models.begin(), a.models.end()});
  loaded.model->eval();
  if (a.float64) loaded.model->to(DType::Float64);
  // A model of several named inputs is explained over their columns joined, as the training
  // run recorded them (spec.input_columns).
  std::shared_ptr<nn::JoinedInputs> joined;
  std::vector<std::string> joined_columns;
  const auto named_inputs = nn::model_inputs(loaded.spec);
  if (named_inputs.size() > 1 || loaded.spec.contains("input_columns")) {
    if (!loaded.spec.contains("input_columns"))
      throw ExplainError(fmt::format(
          "the model has {} inputs but its file does not say which CSV columns feed each",
          named_inputs.size()));
    std::vector<std::pair<std::string, int64_t>> widths;
    for (const auto& [name, shape] : named_inputs) {
      if (shape.size() != 1)
        throw ExplainError(fmt::format("input '{}' has shape {}: scidl explain joins flat inputs",
                                       name, shape_str(shape)));
      const auto columns = loaded.spec["input_columns"].value(name, std::vector<std::string>{});
      joined_columns.insert(joined_columns.end(), columns.begin(), columns.end());
      widths.emplace_back(name, shape[0]);
    }
    joined = std::make_shared<nn::JoinedInputs>(*loaded.model, widths);
  }
  nn::Module& model = joined ? *joined : *loaded.model;
  auto params = loaded.model->parameters();
  const DType dtype = params.empty() ? DType::Float32 : params.front().dtype();
  if (a.batch_size < 1) throw ExplainError("--batch-size must be at least 1");
  const Shape example =
      joined ? Shape{int64_t(joined_columns.size())} : nn::model_input_shape(loaded.spec);
  const bool images = example.size() == 3;
  Tensor x;
  std::vector<std::string> names;
  cli::ImageInputs image_inputs;
  if (images) {
    if (a.ranking == "gradient")
      throw ExplainError(
          "--ranking gradient ranks standardised tabular features; images are ranked by mean "
          "|attribution| per pixel (the default, --ranking attribution)");
    image_inputs = cli::load_image_inputs(a.data, a.labels, loaded.spec, dtype, a.limit);
    x = image_inputs.x;
    names = cli::pixel_names(example);
  } else {
    data::CsvOptions options;
    if (joined) options.header = data::CsvHeader::Present;
    for (const auto& c : joined_columns) options.columns.emplace_back(c);
    auto table = data::read_csv(a.data, options);
    const int64_t inputs = example[0];
    if (table.cols != inputs)
      throw ExplainError(fmt::format("'{}' has {} columns but the model takes {} inputs", a.data,
                                     table.cols, inputs));
    if (table.rows < 1) throw ExplainError(fmt::format("'{}' has no rows to explain", a.data));
    x = from_vector(table.values, {table.rows, table.cols}, dtype);
    if (a.limit > 0 && a.limit < table.rows) x = slice(x, 0, 0, a.limit).contiguous();
    names = table.column_names;
  }
  const int64_t rows = x.shape()[0];
  // Images explain each example's predicted class unless --target names one.
  std::vector<int64_t> predicted;
  if (images) predicted = predicted_classes(model, x, a.batch_size);
  Target target = a.has_target ? Target(a.target) : images ? Target(predicted) : Target();
  if (!a.targets.empty()) {
    auto t = data::read_csv(a.targets);
    if (t.cols != 1 || t.rows < rows)
      throw ExplainError(fmt::format(
          "--targets '{}' must hold one column with a target per example ({}), it has {} x {}",
          a.targets, rows, t.rows, t.cols));
    std::vector<int64_t> per_example(t.values.begin(), t.values.begin() + rows);
    target = Target(per_example);
  }

  // Resolved once for all rows, so a per-example baseline file lines up with its examples.
  const Tensor baseline_rows = parse_baseline(a.baseline, x).resolve(x);
  std::vector<Tensor> attribution_parts, delta_parts;
  for (int64_t at = 0; at < rows; at += a.batch_size) {
    const int64_t end = std::min(rows, at + a.batch_size);
    Tensor chunk = slice(x, 0, at, end).contiguous();
    Baseline chunk_baseline = Baseline::tensor(slice(baseline_rows, 0, at, end).contiguous());
    Tensor delta;
    attribution_parts.push_back(attribute(a, model, chunk, target.for_rows(at, end - at, rows),
                                          chunk_baseline, static_cast<uint64_t>(at), delta));
    if (delta.defined()) delta_parts.push_back(delta);
  }
  AttributionReport report;
  report.method = method_name(a);
  Tensor attributions =
      attribution_parts.size() == 1 ? attribution_parts[0] : concat(attribution_parts, 0);
  report.attributions = reshape(attributions, {rows, -1});  // images: one column per pixel
  if (!delta_parts.empty())
    report.convergence_delta = delta_parts.size() == 1 ? delta_parts[0] : concat(delta_parts, 0);
  report.settings = {
      {"model", a.models.size() == 1 ? nlohmann::json(a.models[0]) : nlohmann::json(a.models)},
      {"data", a.data},
      {"dtype", dtype_name(dtype)}};
  if (a.has_target) report.settings["target"] = a.target;
  if (!a.targets.empty()) report.settings["targets"] = a.targets;
  if (images && !a.has_target) report.settings["target"] = "predicted class";
  if (a.method == "ig" || a.nt_method == "ig") {
    report.settings["n_steps"] = a.steps;
    report.settings["rule"] = a.rule;
    report.settings["baseline"] = a.baseline;
  }
  if (a.method == "saliency") report.settings["absolute"] = !a.signed_gradient;
  if (a.method == "smoothgrad")
    report.settings.update({{"nt_type", a.nt_type},
                            {"nt_samples", a.nt_samples},
                            {"stdev", a.stdev},
                            {"seed", a.seed},
                            {"inner_method", a.nt_method}});
  if (a.ranking == "gradient") {
    report.ranking = gradient_ranking(model, x, target, names, true, a.batch_size);
    report.ranking_statistic = "mean |dF/dz| (z: standardised features)";
  } else {
    report.ranking = rank_features(report.attributions, names);
    report.ranking_statistic = "mean |attribution|";
  }
  write_attribution_report(a.out, report);
  if (images) {
    const std::vector<int64_t> explained =
        a.has_target ? std::vector<int64_t>(rows, a.target) : predicted;
    cli::write_image_heatmaps(
        a.out, image_inputs, attributions, predicted, explained,
        cli::parse_class_names(a.class_names), a.heatmaps,
        fmt::format("{} (red raises, blue lowers the explained class)", report.method));
  }

  fmt::print("{} of {} for {} examples of '{}' -> {}\n", report.method,
             target.is_default()       ? std::string("the output")
             : !a.targets.empty()      ? fmt::format("each example's target in '{}'", a.targets)
             : images && !a.has_target ? std::string("each example's predicted class")
                                       : target.str(),
             rows, a.data, a.out);
  if (images)
    fmt::print("heatmaps of the first {} images: heatmaps.png, heatmaps.svg\n",
               std::min(rows, a.heatmaps));
  fmt::print("ranking ({}){}:\n", report.ranking_statistic, images ? ", top 10 pixels" : "");
  const size_t listed =
      images ? std::min<size_t>(10, report.ranking.order.size()) : report.ranking.order.size();
  for (size_t r = 0; r < listed; ++r) {
    const int64_t i = report.ranking.order[r];
    fmt::print("  {:>2}. {:<24} {:.6g}  ({:.1f}%)\n", r + 1, report.ranking.names[i],
               report.ranking.scores[i], 100.0 * report.ranking.shares[i]);
  }
  if (report.convergence_delta.defined()) {
    double worst = 0.0;
    for (double d : report.convergence_delta.to_vector<double>())
      worst = std::max(worst, std::abs(d));
    fmt::print("max |convergence delta| = {:.3g} (raise --steps if this is large)\n", worst);
  }
}

void write_toy(const std::string& out) {
  std::filesystem::create_directories(out);
  const std::filesystem::path dir(out);
  io::save_model(dir / "saturated_relu.scidl", *saturated_relu_model(), saturated_relu_spec(),
                 {{"description", "F(x) = 1 - ReLU(1 - (10 x1 + x2))"}});
  // Three points in the flat region (10 x1 + x2 > 1) and one on the slope.
  const std::vector<double> points{1.0, 1.0, 0.5, 2.0, 0.2, 0.3, 0.05, 0.2};
  data::write_csv(dir / "points.csv", {"x1", "x2"}, 4, 2, points.data());
  fmt::print("wrote {} and {}\n", (dir / "saturated_relu.scidl").string(),
             (dir / "points.csv").string());
}

struct FormulaArgs {
  std::string data, target, ranking, features;
  int top = 2;
};

// The feature names of a ranking.csv (rank,feature,score,share), most salient first.
std::vector<std::string> ranked_features(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ExplainError(fmt::format("cannot read '{}'", path));
  std::string line;
  std::getline(in, line);
  if (line.rfind("rank,feature", 0) != 0)
    throw ExplainError(
        fmt::format("'{}' is not a ranking written by scidl explain (its header is '{}', expected "
                    "'rank,feature,score,share')",
                    path, line));
  std::vector<std::string> names;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::string cell;
    size_t at = line.find(',') + 1;
    if (at < line.size() && line[at] == '"') {  // a quoted name: "" stands for "
      for (++at; at < line.size(); ++at) {
        if (line[at] == '"' && at + 1 < line.size() && line[at + 1] == '"')
          cell += line[++at];
        else if (line[at] == '"')
          break;
        else
          cell += line[at];
      }
    } else {
      cell = line.substr(at, line.find(',', at) - at);
    }
    names.push_back(cell);
  }
  return names;
}

void fit_formula(const FormulaArgs& a) {
  auto x = data::read_csv(a.data);
  auto y = data::read_csv(a.target);
  if (y.cols != 1 || y.rows != x.rows)
    throw ExplainError(
        fmt::format("--target '{}' must have one column and {} rows (it has {} x {})", a.target,
                    x.rows, y.rows, y.cols));
  std::vector<std::string> chosen;
  if (!a.features.empty()) {
    std::stringstream ss(a.features);
    for (std::string name; std::getline(ss, name, ',');) chosen.push_back(name);
  } else if (!a.ranking.empty()) {
    chosen = ranked_features(a.ranking);
    if (a.top < 1 || a.top > static_cast<int>(chosen.size()))
      throw ExplainError(
          fmt::format("--top {} but the ranking has {} features", a.top, chosen.size()));
    chosen.resize(a.top);
  } else {
    throw ExplainError("name the features: --ranking ranking.csv [--top K] or --features A,B");
  }
  std::vector<int64_t> columns;
  for (const auto& name : chosen) {
    auto it = std::find(x.column_names.begin(), x.column_names.end(), name);
    if (it == x.column_names.end())
      throw ExplainError(fmt::format("feature '{}' is not a column of '{}' (columns: {})", name,
                                     a.data, fmt::join(x.column_names, ", ")));
    columns.push_back(it - x.column_names.begin());
  }
  auto formula = fit_integer_formula(from_vector(x.values, {x.rows, x.cols}),
                                     from_vector(y.values, {y.rows}), columns, chosen);
  std::vector<std::string> fitted;
  for (size_t i = 0; i < chosen.size(); ++i)
    fitted.push_back(fmt::format("{} {:.6g}", chosen[i], formula.fitted[i]));
  fmt::print("least squares on {}: {}, intercept {:.6g}\n", fmt::join(chosen, ", "),
             fmt::join(fitted, ", "), formula.fitted.back());
  fmt::print("discovered formula: {}\n", formula.text(y.column_names.at(0)));
  fmt::print("exact on {:.2f}% of {} rows; max |residual| {:.3g}\n", 100.0 * formula.exact_fraction,
             x.rows, formula.max_residual);
}

SCIDL_COMMAND([](CLI::App& app) {
  auto a = std::make_shared<FormulaArgs>();
  auto* cmd = app.add_subcommand("explain-formula",
                                 "Fit a target with integer coefficients on the most salient "
                                 "features (least squares, rounded, checked)");
  cmd->add_option("--data", a->data, "CSV of features with a header (e.g. train_X.csv)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--target", a->target, "CSV with the target column (e.g. train_Y.csv)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--ranking", a->ranking, "ranking.csv written by scidl explain")
      ->check(CLI::ExistingFile);
  cmd->add_option("--top", a->top, "how many of the ranking's top features to use (default 2)")
      ->check(CLI::Range(1, 10000));
  cmd->add_option("--features", a->features, "comma-separated feature names instead of a ranking");
  cmd->callback([a] { fit_formula(*a); });
});

SCIDL_COMMAND([](CLI::App& app) {
  auto out = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("explain-toy",
                                 "Write the 'where gradients fail' one-ReLU model F(x) = 1 - "
                                 "ReLU(1 - (10 x1 + x2)) and points to explain");
  cmd->add_option("--out", *out, "output folder")->required();
  cmd->callback([out] { write_toy(*out); });
});

SCIDL_COMMAND([](CLI::App& app) {
  auto a = std::make_shared<ExplainArgs>();
  auto* cmd =
      app.add_subcommand("explain",
                         "Attribute a model's output to its inputs (saliency, input x gradient, "
                         "integrated gradients, SmoothGrad) and rank the features");
  cmd->add_option("--model", a->models,
                  "a model file written by scidl train (.scidl); repeated: an ensemble, "
                  "explained as the mean of the models' outputs")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--data", a->data,
                  "CSV of inputs to explain, one row per example (a header names the features); "
                  "for image models also an IDX file of images (gzip or plain, scaled to [0, 1]); "
                  "for graph models a folder in the TU format (edges and nodes attributed)")
      ->required()
      ->check(CLI::ExistingPath);
  cmd->add_option("--labels", a->labels,
                  "images: their labels (IDX or one-column CSV), shown in the heatmap captions")
      ->check(CLI::ExistingFile);
  cmd->add_option("--limit", a->limit, "explain only the first N examples (0: all)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 40));
  cmd->add_option("--heatmaps", a->heatmaps,
                  "images: how many examples the heatmap grid shows (default 16)")
      ->check(CLI::Range(1, 4096));
  cmd->add_option("--class-names", a->class_names,
                  "images: class names for the captions: fashion_mnist or NAME,NAME,...");
  cmd->add_option(
         "--method", a->method,
         "ig (integrated gradients), saliency, ixg (input x gradient) or smoothgrad (noise tunnel)")
      ->check(CLI::IsMember({"ig", "saliency", "ixg", "smoothgrad"}));
  cmd->add_option(
         "--target", a->target,
         "the output index (or class) to explain; required when the model has several outputs")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 30));
  cmd->add_option("--targets", a->targets,
                  "one-column CSV with each example's own target, e.g. its class (train_Y.csv)")
      ->check(CLI::ExistingFile)
      ->excludes(cmd->get_option("--target"));
  cmd->add_option("--score", a->score,
                  "graphs: what of the class is explained: logit (default), log_probability "
                  "(PyG's Captum tutorial) or log_odds (for two classes the logit difference)")
      ->check(CLI::IsMember({"logit", "log_probability", "log_odds"}));
  cmd->add_option(
      "--baseline", a->baseline,
      "ig baseline: zero, mean (of --data), a number, or a CSV (one row, or one per example)");
  cmd->add_option("--steps", a->steps, "ig: number of path points (default 50)")
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--rule", a->rule,
                  "ig: gausslegendre (default), riemann_left, riemann_right, riemann_middle, "
                  "riemann_trapezoid");
  cmd->add_option("--internal-batch-size", a->internal_batch_size,
                  "ig: path points per forward/backward pass (0: all at once)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 20));
  cmd->add_option("--batch-size", a->batch_size, "examples per call (default 1024)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
  cmd->add_flag("--signed", a->signed_gradient,
                "saliency: keep the gradient's sign instead of |gradient|");
  cmd->add_option("--nt-type", a->nt_type, "smoothgrad: smoothgrad, smoothgrad_sq or vargrad")
      ->check(CLI::IsMember({"smoothgrad", "smoothgrad_sq", "vargrad"}));
  cmd->add_option("--nt-method", a->nt_method,
                  "smoothgrad: the method run on noisy inputs (saliency, ixg, ig)")
      ->check(CLI::IsMember({"saliency", "ixg", "ig"}));
  cmd->add_option("--nt-samples", a->nt_samples,
                  "smoothgrad: noisy samples per example (default 5)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--stdev", a->stdev,
                  "smoothgrad: noise standard deviation, in input units (default 1)")
      ->check(scidl::cli::positive_at_most(1e6));
  cmd->add_option("--seed", a->seed, "smoothgrad: noise seed")->check(scidl::cli::seed_range());
  cmd->add_option("--ranking", a->ranking,
                  "global ranking: attribution (mean |attribution|) or gradient (mean |gradient| "
                  "on standardised features)")
      ->check(CLI::IsMember({"attribution", "gradient"}));
  cmd->add_flag("--float64", a->float64, "compute in float64 (the model is converted)");
  cmd->add_option(
         "--out", a->out,
         "folder for attributions.csv/.json, ranking.csv, ranking.svg/.png (and for images "
         "heatmaps.png, heatmaps.svg)")
      ->required();
  cmd->callback([a, cmd] {
    a->has_target = cmd->get_option("--target")->count() > 0;
    run_explain(*a);
  });
});

}  // namespace
