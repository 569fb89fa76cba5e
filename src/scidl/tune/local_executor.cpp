#include "scidl/tune/local_executor.h"

#include <fmt/format.h>
#include <poll.h>

#include "scidl/tune/trial_channel.h"

namespace scidl::tune {

std::string LocalExecutor::describe() const {
  return fmt::format("local processes, {} thread{} each", threads_, threads_ == 1 ? "" : "s");
}

void LocalExecutor::start(int64_t trial, const TrialLaunch& launch) {
  children_.insert_or_assign(trial, Child{TrialProcess::start(launch, threads_), false});
}

std::vector<TrialEvent> LocalExecutor::poll(std::chrono::milliseconds wait) {
  std::vector<TrialEvent> events;
  std::vector<pollfd> fds;
  std::vector<int64_t> ids;
  for (auto& [id, child] : children_) {
    fds.push_back({child.process.fd(), POLLIN, 0});
    ids.push_back(id);
  }
  if (!fds.empty() && ::poll(fds.data(), fds.size(), static_cast<int>(wait.count())) > 0) {
    for (size_t i = 0; i < fds.size(); ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP))) continue;
      const int fd = children_.at(ids[i]).process.fd();
      const auto line = receive_line(fd);
      if (!line) continue;  // the trial ended: seen below
      const auto report = nlohmann::json::parse(*line, nullptr, false);
      if (report.is_object() && report.contains("epoch") && report["epoch"].is_number_integer() &&
          report.contains("logs") && report["logs"].is_object()) {
        TrialEvent e;
        e.trial = ids[i];
        e.epoch = report["epoch"].get<int>();
        e.logs = report["logs"];
        events.push_back(std::move(e));
      } else {  // not a report: go on, as a trial that is told nothing would
        send_line(fd, nlohmann::json{{"stop", false}, {"reason", ""}}.dump());
      }
    }
  }
  for (auto it = children_.begin(); it != children_.end();) {
    const auto status = it->second.process.poll_exit();
    if (!status) {
      ++it;
      continue;
    }
    TrialEvent e;
    e.kind = TrialEvent::Kind::ended;
    e.trial = it->first;
    e.exit.status = *status;
    e.exit.on_request = *status == 130 && it->second.interrupted;
    events.push_back(std::move(e));
    it = children_.erase(it);
  }
  return events;
}

void LocalExecutor::answer(int64_t trial, int, const Decision& decision) {
  const auto it = children_.find(trial);
  if (it == children_.end()) return;
  send_line(it->second.process.fd(),
            nlohmann::json{{"stop", decision.stop}, {"reason", decision.reason}}.dump());
}

void LocalExecutor::interrupt(int64_t trial) {
  const auto it = children_.find(trial);
  if (it == children_.end() || it->second.interrupted) return;
  it->second.interrupted = true;  // once: a second SIGINT would end it without a checkpoint
  it->second.process.interrupt();
}

}  // namespace scidl::tune
