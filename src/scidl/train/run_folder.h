// How a new run takes a folder: one that holds another run is refused, or with --overwrite that
// run's outputs are moved aside into RUN/.replaced-run/ (renames, nothing copied) and stay there
// until the new run has written its first model; then they are removed. A new run that fails,
// or is interrupted, before that moves them back, so the old run is never lost to a run that
// produced nothing. A run killed in that window leaves the folder set aside; the next run into
// the folder (any mode, under the folder's lock) puts the old run back first.
// Contract: call everything here while holding the folder's RunFolderLock.
#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "scidl/train/callback.h"

namespace scidl::train {

// The files at the top of a folder whose presence marks a run there.
const std::vector<std::string>& run_files();

class RunFolderClaim {
 public:
  // Throws, changing nothing, when `dir` holds a run and !overwrite.
  static void refuse_if_taken(const std::filesystem::path& dir, bool overwrite);
  // Sets aside the run in `dir`, if any. `outputs`: every path, relative to `dir`, that a run
  // of this config writes (run_files(), plots, its callbacks' files).
  static RunFolderClaim take(const std::filesystem::path& dir,
                             const std::vector<std::string>& outputs);
  // Puts back a run that an --overwrite killed before its first model had set aside. Returns
  // whether there was one.
  static bool recover_replaced_run(const std::filesystem::path& dir);

  // Whether an old run is set aside, waiting for commit() or restore().
  bool pending() const { return !moved_.empty(); }
  // The new run has written its first model: the old run's outputs go for good.
  void commit();
  // The new run ended before its first model: its outputs go and the old run's come back.
  void restore();

  // A callback, placed after the run's first model writer, that commits at the first epoch end.
  std::unique_ptr<Callback> commit_at_first_epoch_end();

  static constexpr const char* kReplacedFolder = ".replaced-run";

 private:
  std::filesystem::path dir_;
  std::vector<std::string> outputs_;
  std::vector<std::string> moved_;  // relative paths now under kReplacedFolder
};

}  // namespace scidl::train
