// The folds of one bagged model fitted side by side, as AutoGluon fits them (its parallel fold
// strategy): each fold in a child process of its own (fork), on one thread, `workers` at a time.
// A child fits its fold, writes the model's file, reports the file's name and the fit's note
// over a pipe and exits; an exception becomes its error message. Processes rather than threads
// because the BLAS and OpenMP runtimes the models use are not made to be called from several
// threads of one process at once; a fold shares nothing with another.
#pragma once
#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace scidl::automl {

struct FoldOutcome {
  bool ok = false;
  std::string file, note;  // ok: the model's file name and the fit's note
  std::string error;       // not ok: why
};

// Runs fit(f) for every f < folds, at most `workers` at once, each in a child process whose
// OpenMP runtime is limited to one thread. fit returns {file, note}. Returns one outcome per fold.
// When `stop` becomes set, the running children get SIGINT once (the handler they inherited
// makes them stop as the parent would); folds started later see the flag set and stop at once,
// with what one step learned, as a fold fitted in this process would.
std::vector<FoldOutcome> fit_folds_in_processes(
    size_t folds, int workers,
    const std::function<std::pair<std::string, std::string>(size_t fold)>& fit,
    const std::atomic<bool>* stop = nullptr);

}  // namespace scidl::automl
