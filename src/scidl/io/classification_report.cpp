#include "scidl/io/classification_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>

#include "scidl/io/file_io.h"
#include "scidl/io/plot_confusion.h"
#include "scidl/io/png.h"

namespace scidl::io {

double ClassificationReport::class_accuracy(size_t k) const {
  int64_t total = 0;
  for (int64_t v : confusion.at(k)) total += v;
  return total ? double(confusion[k][k]) / double(total) : 0.0;
}

namespace {

std::string csv_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// Per class: its examples, how many were right, accuracy (= recall), precision and F1 as
// scikit-learn's classification_report (0 where undefined); then all classes, with macro
// averages of precision, recall and F1.
void write_per_class(const std::filesystem::path& path, const ClassificationReport& r) {
  std::ofstream out(path);
  out << "class,name,count,correct,accuracy,precision,recall,f1\n";
  double sum_p = 0, sum_r = 0, sum_f = 0;
  const size_t k_all = r.confusion.size();
  for (size_t k = 0; k < k_all; ++k) {
    int64_t total = 0, predicted = 0;
    for (int64_t v : r.confusion[k]) total += v;
    for (size_t i = 0; i < k_all; ++i) predicted += r.confusion[i][k];
    const double recall = r.class_accuracy(k);
    const double precision = predicted ? double(r.confusion[k][k]) / double(predicted) : 0.0;
    const double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
    sum_p += precision, sum_r += recall, sum_f += f1;
    out << fmt::format("{},{},{},{},{:.4f},{:.4f},{:.4f},{:.4f}\n", k, csv_quote(r.class_names[k]),
                       total, r.confusion[k][k], recall, precision, recall, f1);
  }
  const double n = static_cast<double>(std::max<size_t>(k_all, 1));
  out << fmt::format("all,{},{},{},{:.4f},{:.4f},{:.4f},{:.4f}\n", csv_quote("all"), r.examples,
                     r.correct, r.accuracy(), sum_p / n, sum_r / n, sum_f / n);
}

void write_confusion_csv(const std::filesystem::path& path, const ClassificationReport& r) {
  const auto k = static_cast<int64_t>(r.confusion.size());
  std::ofstream out(path);
  out << "true_class";
  for (int64_t j = 0; j < k; ++j) out << ",predicted_" << j;
  out << "\n";
  for (int64_t i = 0; i < k; ++i) {
    out << i;
    for (int64_t j = 0; j < k; ++j) out << "," << r.confusion[i][j];
    out << "\n";
  }
}

void write_confusion_png(const std::filesystem::path& path, const ClassificationReport& r) {
  AtomicFileWriter out(path);
  out.write(encode_png(render_confusion_image(r.confusion, r.class_names)));
  out.commit();
}

// A tile's two caption lines, "true Sneaker" over "pred Sandal" (class indices where the data
// has no names); long names are cut so that tiles stay narrow.
std::array<std::string, 2> gallery_caption(const ClassificationReport& r, int64_t label,
                                           int64_t predicted) {
  constexpr size_t kLongestName = 12;
  auto name = [&](int64_t k) { return r.class_names[k].substr(0, kLongestName); };
  return {"true " + name(label), "pred " + name(predicted)};
}

void write_gallery(const std::filesystem::path& dir, const Tensor& images,
                   const std::vector<int64_t>& labels, const std::vector<int64_t>& predicted,
                   const std::vector<double>& confidence, const ClassificationReport& r,
                   int64_t gallery_size) {
  std::vector<int64_t> wrong;
  for (size_t i = 0; i < labels.size() && int64_t(wrong.size()) < gallery_size; ++i)
    if (labels[i] != predicted[i]) wrong.push_back(static_cast<int64_t>(i));
  std::ofstream legend(dir / "misclassified.csv");
  legend << "tile,row,column,example,true_class,true_name,predicted_class,predicted_name,"
            "confidence\n";
  if (wrong.empty()) return;
  std::vector<std::array<std::string, 2>> captions;
  int64_t caption_width = 0;
  for (int64_t i : wrong) {
    captions.push_back(gallery_caption(r, labels[i], predicted[i]));
    for (const auto& line : captions.back())
      caption_width = std::max(caption_width, label_width(line));
  }
  const int64_t h = images.shape()[2], w = images.shape()[3], scale = 2, per_row = 8;
  const int64_t tile_w = std::max(w * scale + 4, caption_width) + 8;
  const int64_t tile_h = h * scale + 4 + 2 * label_height() + 8;
  const int64_t rows = (static_cast<int64_t>(wrong.size()) + per_row - 1) / per_row;
  Image img(per_row * tile_w + 4, rows * tile_h + 4);
  Tensor x = images.contiguous();
  const int64_t plane = images.shape()[1] * h * w;
  for (size_t t = 0; t < wrong.size(); ++t) {
    const int64_t i = wrong[t], col = int64_t(t) % per_row, row = int64_t(t) / per_row;
    const int64_t x0 = 4 + col * tile_w, y0 = 4 + row * tile_h;
    img.fill_rect(x0, y0, w * scale + 4, h * scale + 4, class_color(predicted[i]));
    std::vector<float> pixels(h * w);
    dispatch_float(x.dtype(), [&]<typename T>() {
      const T* p = x.data<T>() + i * plane;
      for (int64_t k = 0; k < h * w; ++k) pixels[k] = static_cast<float>(p[k]);
    });
    img.draw_grey(x0 + 2, y0 + 2, pixels.data(), h, w, scale);
    const int64_t caption_y = y0 + h * scale + 6;
    img.draw_label(x0, caption_y, captions[t][0], {0, 0, 0});
    img.draw_label(x0, caption_y + label_height(), captions[t][1], {170, 0, 0});
    legend << fmt::format("{},{},{},{},{},{},{},{},{:.4f}\n", t, row, col, i, labels[i],
                          csv_quote(r.class_names[labels[i]]), predicted[i],
                          csv_quote(r.class_names[predicted[i]]), confidence[i]);
  }
  write_png(dir / "misclassified.png", img);
}

}  // namespace

ClassificationReport write_classification_report(const std::filesystem::path& dir,
                                                 const Tensor& images, const Tensor& labels,
                                                 const Tensor& logits,
                                                 std::vector<std::string> class_names,
                                                 int64_t gallery_size) {
  const bool has_images = images.defined();  // tables have none: no gallery
  if (logits.dim() != 2 || labels.dim() != 1 || (has_images && images.dim() != 4) ||
      logits.shape()[0] != labels.shape()[0] ||
      (has_images && images.shape()[0] != labels.shape()[0]))
    throw std::invalid_argument(fmt::format(
        "classification report: expected images [N, C, H, W], labels [N] and logits [N, K], got "
        "{}, {} and {}",
        shape_str(images.shape()), shape_str(labels.shape()), shape_str(logits.shape())));
  const int64_t n = logits.shape()[0], k = logits.shape()[1];
  auto y = labels.to_vector<int64_t>();
  auto z = logits.to_vector<double>();
  ClassificationReport r;
  r.examples = n;
  r.confusion.assign(k, std::vector<int64_t>(k, 0));
  for (int64_t c = static_cast<int64_t>(class_names.size()); c < k; ++c)
    class_names.push_back(std::to_string(c));
  r.class_names = std::move(class_names);
  std::vector<int64_t> predicted(n);
  std::vector<double> confidence(n);
  for (int64_t i = 0; i < n; ++i) {
    if (y[i] < 0 || y[i] >= k)
      throw std::invalid_argument(
          fmt::format("classification report: example {} has class {}, but the logits have {} "
                      "columns (classes 0 to {})",
                      i + 1, y[i], k, k - 1));
    const double* row = z.data() + i * k;
    const int64_t best = std::max_element(row, row + k) - row;
    double sum = 0;
    for (int64_t j = 0; j < k; ++j) sum += std::exp(row[j] - row[best]);
    r.log_loss += (std::log(sum) + row[best] - row[y[i]]) / static_cast<double>(n);
    predicted[i] = best;
    confidence[i] = 1.0 / sum;  // softmax probability of the predicted class
    r.confusion[y[i]][best]++;
    r.correct += best == y[i];
  }
  std::filesystem::create_directories(dir);
  write_per_class(dir / "per_class.csv", r);
  write_confusion_csv(dir / "confusion.csv", r);
  write_confusion_png(dir / "confusion.png", r);
  if (has_images) write_gallery(dir, images, y, predicted, confidence, r, gallery_size);
  return r;
}

}  // namespace scidl::io
