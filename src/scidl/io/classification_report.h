// What a classifier got right and wrong, as files people open: per-class accuracy (CSV), the
// confusion matrix (CSV, and PNG with class names, counts and a colour bar: io/plot_confusion.h;
// rows the true class, columns the predicted one) and a gallery of
// misclassified images (PNG, each tile captioned "true Coat" over "pred Shirt", the class names
// or indices, and framed in the predicted class's color, with a CSV legend).
// Per class also precision, recall and F1 (scikit-learn's classification_report).
// Contract: images are [N, C, H, W] (channel 0 is drawn) with values in [0, 1], or undefined
// (a table: no gallery); labels int64 [N];
// logits [N, K] with every label < K. Writes into `dir` (created if needed) and returns the
// numbers it wrote.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "scidl/tensor/tensor.h"

namespace scidl::io {

struct ClassificationReport {
  int64_t examples = 0, correct = 0;
  std::vector<std::vector<int64_t>> confusion;  // [true][predicted]
  std::vector<std::string> class_names;
  double log_loss = 0;  // mean cross-entropy of the softmax of the logits, in nats
  double accuracy() const { return examples ? double(correct) / double(examples) : 0.0; }
  double class_accuracy(size_t k) const;
};

ClassificationReport write_classification_report(const std::filesystem::path& dir,
                                                 const Tensor& images, const Tensor& labels,
                                                 const Tensor& logits,
                                                 std::vector<std::string> class_names,
                                                 int64_t gallery_size = 64);

}  // namespace scidl::io
