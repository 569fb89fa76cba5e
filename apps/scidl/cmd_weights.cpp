// scidl import-weights / export-weights: move weights between a scidl model file and
// safetensors (what PyTorch's state_dict saves to with safetensors.torch.save_file).
#include <fmt/core.h>

#include "command.h"
#include "scidl/nn/model_io.h"

namespace {

struct WeightArgs {
  std::string model, weights, output;
};

SCIDL_COMMAND([](CLI::App& app) {
  auto a = std::make_shared<WeightArgs>();
  auto* exp = app.add_subcommand(
      "export-weights", "Write a model's weights as safetensors (PyTorch state_dict names)");
  exp->add_option("--model", a->model, "a scidl model file")->required()->check(CLI::ExistingFile);
  exp->add_option("--output", a->output, "the .safetensors file to write")->required();
  exp->callback([a] {
    auto loaded = scidl::io::load_model(a->model);
    scidl::io::export_safetensors(a->output, *loaded.model);
    fmt::print("wrote {} tensors ({} parameters) to {}\n", loaded.model->state_dict().size(),
               loaded.model->parameter_count(), a->output);
  });

  auto b = std::make_shared<WeightArgs>();
  auto* imp = app.add_subcommand("import-weights",
                                 "Load safetensors weights into a model of the same architecture");
  imp->add_option("--model", b->model, "a scidl model file giving the architecture")
      ->required()
      ->check(CLI::ExistingFile);
  imp->add_option("--weights", b->weights, "the .safetensors file (e.g. from PyTorch)")
      ->required()
      ->check(CLI::ExistingFile);
  imp->add_option("--output", b->output, "the model file to write with the imported weights")
      ->required();
  imp->callback([b] {
    auto loaded = scidl::io::load_model(b->model);
    scidl::io::import_safetensors(b->weights, *loaded.model);
    scidl::io::save_model(b->output, *loaded.model, loaded.spec, {{"imported_from", b->weights}});
    fmt::print("imported {} into {}\n", b->weights, b->output);
  });
});

}  // namespace
