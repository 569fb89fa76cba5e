#include "scidl/train/table_evaluation.h"

#include <fmt/format.h>

#include "scidl/autograd/grad_mode.h"
#include "scidl/data/csv.h"
#include "scidl/io/classification_report.h"
#include "scidl/io/file_io.h"
#include "scidl/ops/ops.h"
#include "scidl/train/losses.h"
#include "scidl/train/metrics.h"

namespace scidl::train {
namespace {

double metric_value(const std::string& name, const Tensor& outputs, const Tensor& targets) {
  auto m = make_metric(name);
  m->update(outputs, targets);
  return m->value();
}

}  // namespace

std::vector<EvaluationLine> write_table_evaluation(const std::filesystem::path& dir,
                                                   const nlohmann::json& spec,
                                                   const Tensor& outputs, const Tensor& targets) {
  NoGradGuard no_grad;
  const nlohmann::json& t = spec.at("table");
  const std::string loss = t.value("loss", std::string("mse"));
  const auto trained = t.value("metrics", std::vector<std::string>{});
  auto target_names = t.value("targets", std::vector<std::string>{});
  std::vector<EvaluationLine> lines;
  lines.push_back({"loss (" + loss + ")", "all", make_loss(loss)(outputs, targets).item()});
  // the trained metrics the task's usual ones below do not already give
  const bool classes = loss_takes_class_indices(loss);
  for (const auto& m : trained) {
    const bool usual =
        classes ? (m == "accuracy" || m == "acc") : (m == "mae" || m == "rmse" || m == "r2");
    if (m != "confusion_matrix" && !usual)
      lines.push_back({m, "all", metric_value(m, outputs, targets)});
  }
  std::filesystem::create_directories(dir);
  if (classes) {
    const auto report = io::write_classification_report(
        dir, Tensor(), targets, outputs, t.value("classes", std::vector<std::string>{}), 0);
    lines.push_back({"accuracy", "all", report.accuracy()});
    lines.push_back({"log_loss", "all", report.log_loss});
  } else if (loss == "bce_with_logits") {  // logits > 0 against targets > 0.5; the loss is the
                                           // log-loss
    if (std::find(trained.begin(), trained.end(), "accuracy") == trained.end())
      lines.push_back({"accuracy", "all", metric_value("accuracy", outputs, targets)});
  } else {
    const int64_t k = outputs.shape()[1];
    if (static_cast<int64_t>(target_names.size()) != k) {
      target_names.clear();
      for (int64_t c = 0; c < k; ++c) target_names.push_back(fmt::format("y{}", c));
    }
    for (const char* m : {"mae", "rmse", "r2"}) {
      if (k > 1)
        for (int64_t c = 0; c < k; ++c)
          lines.push_back(
              {m, target_names[static_cast<size_t>(c)],
               metric_value(m, slice(outputs, 1, c, c + 1), slice(targets, 1, c, c + 1))});
      lines.push_back({m, k > 1 ? "all" : target_names[0], metric_value(m, outputs, targets)});
    }
  }
  std::string text = "metric,target,value\n";
  for (const auto& l : lines)
    text += fmt::format("{},{},{}\n", data::csv_cell(l.metric), data::csv_cell(l.target), l.value);
  io::AtomicFileWriter out(dir / "metrics.csv");
  out.write(text);
  out.commit();
  return lines;
}

}  // namespace scidl::train
