// scidl export-onnx: a model file as an ONNX model for onnxruntime and other ONNX tools
// (nn/onnx_export.h; docs/onnx.md lists each layer's operators and what is refused).
#include <fmt/core.h>

#include <charconv>
#include <filesystem>

#include "command.h"
#include "scidl/nn/model_io.h"
#include "scidl/nn/onnx_export.h"

namespace {

constexpr int64_t kLargestBatch = int64_t{1} << 30;

struct ExportOnnxArgs {
  std::string model, output, batch = "dynamic";
  int64_t opset = scidl::nn::kOnnxOpsetDefault;
};

// "dynamic" (0) or a batch size in [1, kLargestBatch]; nullopt for anything else.
std::optional<int64_t> parse_batch(const std::string& text) {
  if (text == "dynamic") return 0;
  int64_t n = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (error != std::errc() || end != text.data() + text.size() || n < 1 || n > kLargestBatch)
    return std::nullopt;
  return n;
}

CLI::Validator batch_choice() {
  return CLI::Validator(
      [](std::string& input) -> std::string {
        if (parse_batch(input)) return {};
        return fmt::format("Value {} is neither 'dynamic' nor a batch size in [1 - {}]", input,
                           kLargestBatch);
      },
      fmt::format("dynamic or in [1 - {}]", kLargestBatch));
}

SCIDL_COMMAND([](CLI::App& app) {
  auto a = std::make_shared<ExportOnnxArgs>();
  auto* cmd = app.add_subcommand(
      "export-onnx", "Write a model as ONNX (for onnxruntime, netron and other ONNX tools)");
  cmd->add_option("--model", a->model, "a scidl model file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--output", a->output, "the .onnx file to write")->required();
  cmd->add_option("--opset", a->opset,
                  "the ONNX operator set (17: ONNX 1.12 and newer; below 17 LayerNorm is "
                  "written as its definition)")
      ->capture_default_str()
      ->check(CLI::Range(scidl::nn::kOnnxOpsetMin, scidl::nn::kOnnxOpsetMax));
  cmd->add_option("--batch", a->batch,
                  "the inputs' batch size: 'dynamic' (a dimension named N) or a fixed size")
      ->capture_default_str()
      ->check(batch_choice());
  cmd->callback([a] {
    // Checked before any work, so a typo in the folder costs no export.
    const std::filesystem::path output(a->output);
    const std::filesystem::path folder = output.parent_path();
    if (!folder.empty() && !std::filesystem::is_directory(folder))
      throw std::invalid_argument(
          fmt::format("--output {}: the folder '{}' does not exist; create it or write elsewhere",
                      a->output, folder.string()));
    auto loaded = scidl::io::load_model(a->model);
    scidl::nn::OnnxExportOptions options;
    options.opset = a->opset;
    options.batch = *parse_batch(a->batch);
    try {
      scidl::nn::export_onnx(output, *loaded.model, loaded.spec, options);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(fmt::format("{}: {}", a->model, e.what()));
    }
    fmt::print("wrote {} (ONNX opset {}, {} parameters, batch {})\n", a->output, a->opset,
               loaded.model->parameter_count(), a->batch);
  });
});

}  // namespace
