// LSTM and GRU as ONNX's LSTM and GRU nodes, one per layer. ONNX orders the gates (i, o, f, c)
// for an LSTM and (z, r, h) for a GRU where PyTorch (and scidl) order them (i, f, g, o) and
// (r, z, n); its B is the input and hidden biases end to end; linear_before_reset = 1 is
// PyTorch's GRU, r * (W_hn h + b_hn). ONNX runs time-first ([T, B, F]): a batch-first model is
// transposed on the way in and, returning sequences, on the way out. onnxruntime refuses
// layout = 1 (batch-first recurrent nodes), hence the transposes.
#include <fmt/format.h>

#include "scidl/nn/onnx_layers.h"
#include "scidl/nn/recurrent.h"

namespace scidl::nn::onnx_export {

using io::onnx::Attribute;

namespace {

// `t` ([gates * H, ...] or [gates * H]) with its gate blocks in ONNX's order (`order[k]` is the
// PyTorch block that goes k-th), and a leading dimension of 1 (one direction).
Tensor onnx_gates(const Tensor& t, const std::vector<int64_t>& order) {
  const std::vector<double> values = t.contiguous().to_vector<double>();
  const size_t block = values.size() / order.size();
  std::vector<double> out;
  out.reserve(values.size());
  for (int64_t k : order)
    out.insert(out.end(), values.begin() + int64_t(size_t(k) * block),
               values.begin() + int64_t(size_t(k + 1) * block));
  Shape shape{1};
  shape.insert(shape.end(), t.shape().begin(), t.shape().end());
  return from_vector(out, shape, t.dtype());
}

}  // namespace

std::string export_recurrent(GraphBuilder& b, const Recurrent& layer, const Value& in,
                             const std::string& name) {
  const RecurrentOptions& o = layer.options();
  const bool lstm = layer.is_lstm();
  const int64_t hidden = layer.hidden_size();
  const std::vector<int64_t> order =
      lstm ? std::vector<int64_t>{0, 3, 1, 2} : std::vector<int64_t>{1, 0, 2};
  const std::vector<Attribute> time_major{Attribute::of_ints("perm", {1, 0, 2})};
  std::string x =
      o.batch_first ? b.node("Transpose", {in.name}, name + ".time_first", time_major) : in.name;
  std::string last_state;
  for (int64_t l = 0; l < o.num_layers; ++l) {
    const std::string at = fmt::format("{}.l{}", name, l);
    std::vector<std::string> inputs{x, b.constant(at + ".W", onnx_gates(layer.weight_ih(l), order)),
                                    b.constant(at + ".R", onnx_gates(layer.weight_hh(l), order))};
    if (layer.bias_ih(l).defined()) {
      const Tensor w = onnx_gates(layer.bias_ih(l), order);
      const Tensor r = onnx_gates(layer.bias_hh(l), order);
      std::vector<double> both = w.to_vector<double>();
      const std::vector<double> second = r.to_vector<double>();
      both.insert(both.end(), second.begin(), second.end());
      inputs.push_back(
          b.constant(at + ".B", from_vector(both, {1, int64_t(both.size())}, w.dtype())));
    }
    std::vector<Attribute> attributes{Attribute::of_int("hidden_size", hidden)};
    if (!lstm) attributes.push_back(Attribute::of_int("linear_before_reset", 1));
    const auto outputs =
        b.node_outputs(lstm ? "LSTM" : "GRU", inputs, {at + ".Y", at + ".Y_h"}, attributes);
    last_state = outputs[1];
    // Y is [T, 1, B, H] (one direction): the next layer, or the output, reads [T, B, H].
    if (l + 1 < o.num_layers || o.return_sequences)
      x = b.node("Squeeze", {outputs[0], b.constant_ints(at + ".direction_axis", {1})},
                 at + ".sequence");
  }
  if (o.return_sequences) return o.batch_first ? b.node("Transpose", {x}, name, time_major) : x;
  // Y_h of the last layer is [1, B, H]: the model's output is [B, H].
  return b.node("Squeeze", {last_state, b.constant_ints(name + ".direction_axis", {0})}, name);
}

}  // namespace scidl::nn::onnx_export
