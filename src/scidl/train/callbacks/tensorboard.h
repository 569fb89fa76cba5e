// The TensorBoard callback, laid out as Keras lays it out so runs read the same way:
//   LOG_DIR/train       epoch_<name> per epoch (step = epoch, 0-based), batch_loss every
//                       update_freq steps (step = global step), with histogram_freq > 0
//                       <parameter>/histogram and <parameter>/gradient (last batch's gradient),
//                       and with write_graph the model's graph (GRAPHS tab, model_graph.h)
//   LOG_DIR/validation  epoch_<name> for every val_<name>, and with write_images an image
//                       classifier's first validation examples with their predictions
//                       (IMAGES tab, tag validation_examples: tensorboard_images.h) every
//                       image_freq epochs (0: only after the last epoch) and after the last
//                       (nothing when the fit has no validation data or the model is not one)
//   LOG_DIR             the model summary (TEXT tab), and the hparams experiment with this run's
//                       session_start_info / session_end_info (HPARAMS tab; status failure when
//                       training ended on a non-finite loss)
// Point TensorBoard at the folder holding many runs to compare them. A resumed run appends new
// event files to the same folders.
#pragma once
#include <filesystem>
#include <memory>

#include "scidl/io/tensorboard_writer.h"
#include "scidl/train/callback.h"

namespace scidl::train {

struct TensorBoardOptions {
  std::filesystem::path log_dir = "tensorboard";
  int64_t update_freq = 0;  // 0: epoch values only ("epoch"); N: also batch_loss every N steps
  int histogram_freq = 0;   // every N epochs, 0: never
  bool write_graph = true;
  bool write_images = false;
  int image_freq = 0;  // every N epochs, 0: after the last epoch only
  bool write_model_summary = true;
  bool hparams_enabled = true;  // config switch; the run fills `hparams` when set
  io::HParamMap hparams;        // the run's hyperparameters for the HPARAMS tab (empty: none)
  bool has_validation = true;   // whether validation metrics belong in the experiment's columns
};

class TensorBoard : public Callback {
 public:
  explicit TensorBoard(TensorBoardOptions options);
  ~TensorBoard() override;
  void on_train_begin(Trainer&) override;
  void on_batch_end(Trainer&, int64_t step, const Logs&) override;
  void on_epoch_end(Trainer&, int epoch, const Logs&) override;
  void on_train_end(Trainer&, const Logs&) override;

 private:
  void write_examples(Trainer& t, int epoch);

  TensorBoardOptions options_;
  int last_image_epoch_ = -1;
  std::unique_ptr<io::TensorBoardWriter> root_, train_, validation_;
};

}  // namespace scidl::train
