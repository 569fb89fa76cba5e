#include "scidl/nn/init.h"

#include <cmath>
#include <stdexcept>

#include "scidl/backend/backend.h"
#include "scidl/autograd/grad_mode.h"

namespace scidl::nn {

Init parse_init(const std::string& name) {
  if (name == "kaiming_uniform" || name == "he_uniform" || name == "pytorch")
    return Init::KaimingUniform;
  if (name == "glorot_uniform" || name == "xavier_uniform" || name == "keras")
    return Init::GlorotUniform;
  if (name == "glorot_normal" || name == "xavier_normal") return Init::GlorotNormal;
  if (name == "kaiming_normal" || name == "he_normal") return Init::KaimingNormal;
  if (name == "zeros") return Init::Zeros;
  throw std::invalid_argument("unknown initialiser '" + name +
                              "'; choose one of kaiming_uniform (PyTorch default), glorot_uniform "
                              "(Keras default), glorot_normal, kaiming_normal, zeros");
}

void init_weight(const Tensor& w, Init init, int64_t fan_in, int64_t fan_out, Generator& gen) {
  auto& be = backend::backend_of(w);
  switch (init) {
    case Init::KaimingUniform: {
      // gain sqrt(2 / (1 + a^2)) with a = sqrt(5) gives bound 1/sqrt(fan_in)
      double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
      be.uniform(w, gen, -bound, bound);
      break;
    }
    case Init::GlorotUniform: {
      double bound = std::sqrt(6.0 / static_cast<double>(fan_in + fan_out));
      be.uniform(w, gen, -bound, bound);
      break;
    }
    case Init::GlorotNormal:
      be.normal(w, gen, 0.0, std::sqrt(2.0 / static_cast<double>(fan_in + fan_out)));
      break;
    case Init::KaimingNormal:
      be.normal(w, gen, 0.0, std::sqrt(2.0 / static_cast<double>(fan_in)));
      break;
    case Init::Zeros: be.fill(w, 0.0); break;
  }
}

void init_bias(const Tensor& b, Init init, int64_t fan_in, Generator& gen) {
  auto& be = backend::backend_of(b);
  if (init == Init::KaimingUniform || init == Init::KaimingNormal) {
    double bound = fan_in > 0 ? 1.0 / std::sqrt(static_cast<double>(fan_in)) : 0.0;
    be.uniform(b, gen, -bound, bound);
  } else {
    be.fill(b, 0.0);
  }
}

}  // namespace scidl::nn
