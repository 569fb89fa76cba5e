// scidl evaluate --model M --data fashion_mnist | IMAGES.idx LABELS.idx --out DIR: test-set
// accuracy per class, the confusion matrix (CSV + PNG) and a gallery of misclassified images.
// scidl evaluate --model M --data TABLE.csv: a model trained on a table, on a table of the same
// columns: its loss and metrics, and the task's usual numbers (train/table_evaluation.h).
#include <fmt/core.h>

#include "command.h"
#include "scidl/data/fashion_mnist.h"
#include "scidl/io/classification_report.h"
#include "scidl/nn/model_io.h"
#include "scidl/nn/model_spec.h"
#include "scidl/ops/ops.h"
#include "scidl/train/model_table.h"
#include "scidl/train/table_evaluation.h"
#include "scidl/train/trainer.h"

namespace {

struct EvaluateArgs {
  std::string model, split = "test", out = "evaluation";
  std::vector<std::string> data;
  int64_t batch = 1000, gallery = 64;
};

// A table model on a table holding its input and target columns.
void evaluate_table(const scidl::io::LoadedModel& loaded, const EvaluateArgs& a) {
  const std::string& file = a.data[0];
  auto table =
      scidl::train::read_model_table(loaded.spec, file, scidl::data::CsvHeader::Auto, true);
  if (!table.header_note.empty()) fmt::print(stderr, "scidl: note: {}\n", table.header_note);
  scidl::nn::check_input_shape(loaded.spec, table.x.shape(), file);
  const scidl::Tensor outputs =
      scidl::reshape(scidl::train::predict(*loaded.model, table.x, a.batch), {table.rows, -1});
  const auto lines = scidl::train::write_table_evaluation(a.out, loaded.spec, outputs, table.y);
  fmt::print("{}: {} examples\n", file, table.rows);
  for (const auto& l : lines)
    fmt::print("  {:<22} {:<16} {:.6g}\n", l.metric, l.target == "all" ? "" : l.target, l.value);
  const bool classes = table.y.dtype() == scidl::DType::Int64;  // class indices
  fmt::print("wrote metrics.csv{} to {}\n",
             classes ? ", per_class.csv, confusion.csv and confusion.png" : "", a.out);
}

// Every label must index one of the model's outputs; the error names the labels (the file, for
// IDX data) and counts examples from 1, as `scidl train` does.
void check_labels_fit_model(const scidl::Tensor& labels, int64_t classes,
                            const std::string& labels_source, const std::string& model) {
  const auto y = labels.to_vector<int64_t>();
  for (size_t i = 0; i < y.size(); ++i)
    if (y[i] < 0 || y[i] >= classes)
      throw std::invalid_argument(fmt::format(
          "{}: example {} has class {}, but the model '{}' has {} outputs (classes 0 to {}); "
          "evaluate it on data labelled with the classes it was trained on",
          labels_source, i + 1, y[i], model, classes, classes - 1));
}

SCIDL_COMMAND([](CLI::App& app) {
  auto a = std::make_shared<EvaluateArgs>();
  auto* cmd = app.add_subcommand(
      "evaluate",
      "A trained model on test data: a classifier's per-class accuracy, confusion matrix and "
      "misclassified images, or a table model's loss and metrics");
  cmd->add_option("--model", a->model, "a model file written by scidl train (.scidl)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--data", a->data,
                  "fashion_mnist, two IDX files (IMAGES LABELS, gzip or plain), or for a model "
                  "trained on a table, a table with its input and target columns")
      ->required()
      ->expected(1, 2);
  cmd->add_option("--split", a->split, "with --data fashion_mnist: test (default) or train");
  cmd->add_option("--out", a->out,
                  "folder for per_class.csv, confusion.csv/.png, "
                  "misclassified.png/.csv (default: evaluation)");
  // A batch of 0 once hung evaluate: the range is checked before any work.
  cmd->add_option("--batch-size", a->batch, "images per forward pass (1 to 1,048,576)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
  cmd->add_option("--gallery", a->gallery, "how many misclassified images to show (0 to 10,000)")
      ->check(CLI::Range(int64_t{0}, int64_t{10000}));
  cmd->callback([a] {
    auto loaded = scidl::io::load_model(a->model);
    // One file that is not a named set: a table (two files are IDX images and labels).
    if (loaded.spec.contains("table") && a->data.size() == 1 && a->data[0] != "fashion_mnist") {
      if (loaded.spec.contains("input_columns"))
        throw std::invalid_argument(fmt::format(
            "'{}' reads several named inputs; evaluate reads a table for a model of one input "
            "(scidl predict reads the named inputs' columns)",
            a->model));
      evaluate_table(loaded, *a);
      return;
    }
    const scidl::DType dtype = scidl::nn::model_dtype(loaded.spec);
    scidl::data::Dataset d;
    std::string source, labels_source;
    if (a->data.size() == 1 && a->data[0] == "fashion_mnist") {
      d = scidl::data::load_fashion_mnist(a->split, dtype);
      source = labels_source = "fashion_mnist (" + a->split + ")";
    } else if (a->data.size() == 2) {
      d = scidl::data::load_idx_dataset(a->data[0], a->data[1], dtype);
      source = a->data[0];
      labels_source = "'" + a->data[1] + "'";
    } else {
      throw std::invalid_argument(fmt::format(
          "--data takes 'fashion_mnist' or two IDX files (images, labels), got '{}'", a->data[0]));
    }
    scidl::nn::check_input_shape(loaded.spec, d.x.shape(), source);
    const scidl::Tensor logits = scidl::train::predict(*loaded.model, d.x, a->batch);
    if (logits.dim() != 2)
      throw std::invalid_argument(
          fmt::format("'{}' is not a classifier: its outputs have shape {}, expected [N, classes]",
                      a->model, scidl::shape_str(logits.shape())));
    check_labels_fit_model(d.y, logits.shape()[1], labels_source, a->model);
    auto report =
        scidl::io::write_classification_report(a->out, d.x, d.y, logits, d.y_names, a->gallery);
    fmt::print("{}: {} examples, accuracy {:.2f}%\n", source, report.examples,
               100 * report.accuracy());
    for (size_t k = 0; k < report.confusion.size(); ++k)
      fmt::print("  {:>2} {:<14} {:6.2f}%\n", k, report.class_names[k],
                 100 * report.class_accuracy(k));
    fmt::print(
        "wrote per_class.csv, confusion.csv, confusion.png, misclassified.png and "
        "misclassified.csv to {}\n",
        a->out);
  });
});

}  // namespace
