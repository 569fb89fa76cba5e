// scidl augment CONFIG.toml --out GRID.png: what a config's on-the-fly augmentation does to its
// training images, as a picture grid (each row one image as it is, then augmented versions).
#include <fmt/core.h>

#include "command.h"
#include "scidl/data/augment.h"
#include "scidl/io/config_reader.h"
#include "scidl/ops/shape_ops.h"
#include "scidl/tensor/shape.h"
#include "scidl/train/run_config.h"

namespace {

struct AugmentArgs {
  std::string config, output;
  std::vector<std::string> overrides;
  int64_t rows = 8, variants = 8, scale = 3;
};

void write_grid(const AugmentArgs& a) {
  auto doc = scidl::io::parse_config_file(a.config);
  for (const auto& o : a.overrides) scidl::io::apply_override(doc, o);
  const auto c = scidl::train::parse_run_config(doc, std::filesystem::path(a.config).parent_path());
  if (c.data.augment.is_null())
    throw std::invalid_argument(fmt::format(
        "{} has no data.augment table, so there is nothing to show; add one, e.g. "
        "--set 'data.augment={{flip=0.5, pad_crop=2}}'",
        a.config));
  const auto options = scidl::data::parse_augment_options(c.data.augment, "data.augment");
  const scidl::data::Dataset d = scidl::train::load_dataset(c.data, c.seed);
  if (d.x.dim() != 4)
    throw std::invalid_argument(fmt::format(
        "{}: augmentation works on images [N, C, H, W], but this data's examples have shape {}",
        a.config, scidl::shape_str(scidl::Shape(d.x.shape().begin() + 1, d.x.shape().end()))));
  const int64_t rows = std::min(a.rows, d.size());
  // The training run's augmenter is seeded the same way, so these are the draws its first
  // batch would see for these images.
  scidl::data::Augmenter augmenter(options, c.seed);
  scidl::data::write_augmentation_grid(a.output, scidl::slice(d.x, 0, 0, rows), augmenter, rows,
                                       a.variants, a.scale);
  fmt::print("wrote {}: {} images, each followed by {} augmented versions\n", a.output, rows,
             a.variants);
}

SCIDL_COMMAND([](CLI::App& app) {
  auto a = std::make_shared<AugmentArgs>();
  auto* cmd = app.add_subcommand(
      "augment", "Write a PNG grid of a config's training images and their augmented versions");
  cmd->add_option("config", a->config, "a training config with a data.augment table")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--out", a->output, "the PNG to write")->required();
  cmd->add_option("--set", a->overrides,
                  "override a config entry, e.g. --set data.augment.rotation=15 (repeatable)");
  cmd->add_option("--rows", a->rows, "images, one per row (the first of the training data)")
      ->check(CLI::Range(1, 64));
  cmd->add_option("--variants", a->variants, "augmented versions of each")
      ->check(CLI::Range(1, 32));
  cmd->add_option("--scale", a->scale, "pixels per image pixel")->check(CLI::Range(1, 16));
  cmd->callback([a] { write_grid(*a); });
});

}  // namespace
