#include "scidl/train/checkpoint.h"

#include <fmt/format.h>

#include "scidl/nn/activation.h"
#include "scidl/nn/model_io.h"
#include "scidl/train/callbacks/state_codec.h"

namespace scidl::train {

namespace {

// Every Dropout's generator, by module path ("3", "block.1"), in a stable order.
void collect_generators(nn::Module& m, const std::string& prefix,
                        std::vector<std::pair<std::string, Generator*>>& out) {
  if (auto* d = dynamic_cast<nn::Dropout*>(&m))
    out.emplace_back(prefix.empty() ? "." : prefix, &d->generator());
  for (const auto& [name, child] : m.children())
    collect_generators(*child, prefix.empty() ? name : prefix + "." + name, out);
}

nlohmann::json encode_values(const std::vector<double>& v) {
  nlohmann::json j = nlohmann::json::array();
  for (double x : v) j.push_back(encode_double(x));
  return j;
}
std::vector<double> decode_values(const nlohmann::json& j) {
  std::vector<double> v;
  for (const auto& x : j) v.push_back(decode_double(x));
  return v;
}

nlohmann::json encode_logs(const Logs& logs) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : logs) j[k] = encode_double(v);
  return j;
}
Logs decode_logs(const nlohmann::json& j) {
  Logs logs;
  for (const auto& [k, v] : j.items()) logs[k] = decode_double(v);
  return logs;
}

}  // namespace

void save_training_checkpoint(const std::filesystem::path& path, Trainer& t,
                              const std::vector<Callback*>& callbacks,
                              const nlohmann::json& run_meta) {
  std::map<std::string, Tensor> tensors;
  for (const auto& [k, v] : t.model().state_dict()) tensors["model/" + k] = v;
  for (const auto& [k, v] : t.optimizer().state()) tensors["optimizer/" + k] = v;
  nlohmann::json cb_values = nlohmann::json::object();
  for (auto* cb : callbacks) {
    std::string key = cb->state_key();
    if (key.empty()) continue;
    if (cb_values.contains(key))
      throw std::invalid_argument(fmt::format(
          "checkpoint: two callbacks keep state under the key '{}'; give them different files",
          key));
    CallbackState s = cb->state();
    cb_values[key] = s.values;
    for (const auto& [k, v] : s.tensors) tensors["callbacks/" + key + "/" + k] = v;
  }
  const TrainerProgress& p = t.progress();
  nlohmann::json metric_states = nlohmann::json::array();
  for (const auto& s : p.metric_states) metric_states.push_back(encode_values(s));
  nlohmann::json generators = {{"default", encode_generator(default_generator().state())}};
  std::vector<std::pair<std::string, Generator*>> dropouts;
  collect_generators(t.model(), "", dropouts);
  for (const auto& [name, g] : dropouts) generators["dropout"][name] = encode_generator(g->state());
  nlohmann::json history = nlohmann::json::array();
  for (const auto& logs : t.history().epochs) history.push_back(encode_logs(logs));
  nlohmann::json meta = {{"kind", kCheckpointKind},
                         {"format_version", 1},
                         {"progress",
                          {{"epoch", p.epoch},
                           {"batch", p.batch},
                           {"global_step", p.global_step},
                           {"epoch_order_state", encode_generator(p.epoch_order_state)},
                           {"loss_sum", encode_double(p.loss_sum)},
                           {"rows", p.rows},
                           {"metric_states", metric_states},
                           {"stopped", t.stop_training}}},
                         {"generators", generators},
                         {"history", history},
                         {"callbacks", cb_values},
                         {"run", run_meta}};
  io::save_tensors(path, tensors, meta);
}

CheckpointSummary read_checkpoint_summary(const std::filesystem::path& path) {
  nlohmann::json meta;
  io::load_tensors(path, &meta);
  if (meta.value("kind", std::string()) != kCheckpointKind)
    throw std::runtime_error(
        fmt::format("'{}' is a scidl file but not a training checkpoint (it holds {})",
                    path.string(), meta.value("kind", std::string("no kind"))));
  const auto& p = meta.at("progress");
  return {p.at("epoch").get<int>(), p.at("batch").get<int64_t>(),
          p.at("global_step").get<int64_t>(), p.at("stopped").get<bool>(),
          meta.value("run", nlohmann::json::object())};
}

void restore_training_checkpoint(const std::filesystem::path& path, Trainer& t,
                                 const std::vector<Callback*>& callbacks) {
  nlohmann::json meta;
  auto tensors = io::load_tensors(path, &meta);
  if (meta.value("kind", std::string()) != kCheckpointKind)
    throw std::runtime_error(fmt::format("'{}' is not a training checkpoint", path.string()));
  auto fail = [&](const std::string& what) {
    return std::runtime_error(fmt::format("cannot resume from '{}': {}", path.string(), what));
  };
  std::map<std::string, Tensor> model_state, optimizer_state;
  std::map<std::string, CallbackState> cb_states;
  for (const auto& [k, v] : meta.at("callbacks").items()) cb_states[k].values = v;
  for (auto& [name, tensor] : tensors) {
    if (name.rfind("model/", 0) == 0) {
      model_state[name.substr(6)] = tensor;
    } else if (name.rfind("optimizer/", 0) == 0) {
      optimizer_state[name.substr(10)] = tensor;
    } else if (name.rfind("callbacks/", 0) == 0) {
      // callbacks/<key>/<tensor name>; keys may hold '/' (file paths), so match known keys.
      bool placed = false;
      for (auto& [key, state] : cb_states) {
        std::string prefix = "callbacks/" + key + "/";
        if (name.rfind(prefix, 0) == 0) {
          state.tensors[name.substr(prefix.size())] = tensor;
          placed = true;
          break;
        }
      }
      if (!placed) throw fail("tensor '" + name + "' belongs to no callback state");
    }
  }
  // Check everything before changing anything.
  for (auto* cb : callbacks)
    if (!cb->state_key().empty() && !cb_states.count(cb->state_key()))
      throw fail(fmt::format("it holds no state for callback '{}' (the run's callbacks differ)",
                             cb->state_key()));
  const auto& p = meta.at("progress");
  TrainerProgress progress;
  progress.epoch = p.at("epoch").get<int>();
  progress.batch = p.at("batch").get<int64_t>();
  progress.global_step = p.at("global_step").get<int64_t>();
  progress.epoch_order_state = decode_generator(p.at("epoch_order_state"));
  progress.loss_sum = decode_double(p.at("loss_sum"));
  progress.rows = p.at("rows").get<int64_t>();
  for (const auto& s : p.at("metric_states")) progress.metric_states.push_back(decode_values(s));
  progress.stopped = p.at("stopped").get<bool>();
  History history;
  for (const auto& logs : meta.at("history")) history.epochs.push_back(decode_logs(logs));
  std::vector<std::pair<std::string, Generator*>> dropouts;
  collect_generators(t.model(), "", dropouts);
  const auto& gens = meta.at("generators");
  for (const auto& [name, g] : dropouts)
    if (!gens.contains("dropout") || !gens["dropout"].contains(name))
      throw fail("it holds no generator state for the Dropout at '" + name + "'");
  try {
    t.model().load_state_dict(model_state);
  } catch (const std::exception& e) {
    throw fail(e.what());
  }
  t.optimizer().load_state(optimizer_state);
  default_generator().set_state(decode_generator(gens.at("default")));
  for (const auto& [name, g] : dropouts) g->set_state(decode_generator(gens["dropout"][name]));
  for (auto* cb : callbacks)
    if (!cb->state_key().empty()) cb->load_state(cb_states.at(cb->state_key()));
  t.resume_from(progress, std::move(history));
}

CheckpointWriter::CheckpointWriter(std::filesystem::path path, int64_t every_n_steps,
                                   std::vector<Callback*> callbacks, nlohmann::json run_meta,
                                   const std::atomic<bool>* stop_requested)
    : path_(std::move(path)),
      every_n_steps_(every_n_steps),
      callbacks_(std::move(callbacks)),
      run_meta_(std::move(run_meta)),
      stop_requested_(stop_requested) {
  if (every_n_steps_ < 0)
    throw std::invalid_argument(
        fmt::format("checkpoint: every_n_steps must be >= 0, got {}", every_n_steps_));
}

void CheckpointWriter::save(Trainer& t) {
  try {
    save_training_checkpoint(path_, t, callbacks_, run_meta_);
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format(
        "writing the training checkpoint failed at epoch {}, step {}: {}. {} Free space (or fix "
        "the folder) and continue with --resume.",
        t.epoch() + 1, t.global_step(), e.what(),
        last_saved_.empty() ? std::string("No earlier checkpoint exists.")
                            : "The previous checkpoint (" + last_saved_ + ") is intact."));
  }
  ++written_;
  last_saved_ = fmt::format("epoch {}, batch {}, step {}", t.epoch() + 1, t.progress().batch,
                            t.global_step());
}

void CheckpointWriter::on_batch_end(Trainer& t, int64_t step, const Logs&) {
  const bool due = every_n_steps_ > 0 && step % every_n_steps_ == 0;
  const bool stop = !interrupted_ && stop_requested_ && stop_requested_->load();
  // A pipeline's ranks hold the whole model only after the steps that gathered it (the due
  // ones): stopped between them, the last checkpoint stays the resume point rather than one
  // holding other stages' stale layers.
  const bool stale = t.pipeline() != nullptr && !due;
  if (due || (stop && !stale)) save(t);  // before stop_training is set: the resumed run goes on
  if (stop) interrupted_ = t.stop_training = true;
}

void CheckpointWriter::on_epoch_end(Trainer& t, int, const Logs&) {
  // A stop at an epoch's last batch still ends that epoch; the batch's checkpoint stays the
  // resume point (one written now would record the stop and resume to nothing).
  if (!interrupted_) save(t);
}

}  // namespace scidl::train
