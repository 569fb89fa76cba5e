#include "interrupt.h"

#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>

namespace scidl::cli {

namespace {

std::atomic<bool> stop_requested{false};
std::atomic<const char*> stop_message{""};

extern "C" void on_interrupt(int) {
  if (stop_requested.exchange(true)) std::_Exit(130);  // second Ctrl-C: quit now
  const char* message = stop_message.load();
  [[maybe_unused]] const auto ignored = ::write(STDERR_FILENO, message, std::strlen(message));
}

}  // namespace

StopOnInterrupt::StopOnInterrupt(const char* message) {
  stop_requested = false;
  stop_message = message;
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
}

StopOnInterrupt::~StopOnInterrupt() {
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

const std::atomic<bool>* StopOnInterrupt::flag() const { return &stop_requested; }

}  // namespace scidl::cli
