// Ctrl-C for long calls that take a stop flag, as the CLI's handler gives them one
// (apps/scidl/interrupt.h): the work runs on a worker thread with the GIL released while this
// (the main) thread polls Python for signals; the first SIGINT sets the flag, the work stops where
// its work is saved (a training checkpoint, the finished runs), and KeyboardInterrupt is raised.
#pragma once
#include <atomic>
#include <chrono>
#include <exception>
#include <optional>
#include <thread>

#include "convert.h"

namespace scidl::python {

template <typename Work>
auto run_interruptible(std::atomic<bool>& stop, Work&& work) -> decltype(work()) {
  std::optional<decltype(work())> result;
  std::exception_ptr failure;
  std::atomic<bool> done{false};
  std::optional<py::error_already_set> interrupt;
  std::thread worker([&] {
    try {
      result.emplace(work());
    } catch (...) {
      failure = std::current_exception();
    }
    done = true;
  });
  while (!done.load()) {
    {
      py::gil_scoped_release release;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (!interrupt && PyErr_CheckSignals() != 0) {
      interrupt.emplace();  // takes the KeyboardInterrupt now set
      stop = true;
    }
  }
  worker.join();
  if (failure) std::rethrow_exception(failure);
  if (interrupt) {
    interrupt->restore();
    throw py::error_already_set();
  }
  return std::move(*result);
}

}  // namespace scidl::python
