// One harness for every op (after ggml's test-backend-ops): an op registered once is checked for
// float32 vs float64 agreement, for the same values on non-contiguous inputs, against a scalar
// reference where one exists, and for float64 finite-difference gradients of every input.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "scidl/scidl.h"

namespace scidl::testing {

struct OpCase {
  std::string name;
  // Builds the inputs (float64; int64 for indices) from a generator.
  std::function<std::vector<Tensor>(Generator&)> make_inputs;
  std::function<Tensor(const std::vector<Tensor>&)> forward;
  // Optional elementwise reference on float64 values (inputs broadcast to the output shape).
  std::function<double(const std::vector<double>&)> reference;
  double fd_tolerance = 1e-6;  // relative tolerance of the finite-difference check

  using Maker = std::function<std::vector<Tensor>(Generator&)>;
  using Forward = std::function<Tensor(const std::vector<Tensor>&)>;
  using Reference = std::function<double(const std::vector<double>&)>;
  OpCase(std::string n, Maker m, Forward f, Reference r = {}, double tol = 1e-6)
      : name(std::move(n)),
        make_inputs(std::move(m)),
        forward(std::move(f)),
        reference(std::move(r)),
        fd_tolerance(tol) {}
  OpCase(std::string n, Maker m, Forward f, double tol)
      : OpCase(std::move(n), std::move(m), std::move(f), Reference{}, tol) {}

  // An op with several outputs: each output's values and the gradients through every output
  // alone and through all together are checked.
  using ForwardMany = std::function<std::vector<Tensor>(const std::vector<Tensor>&)>;
  ForwardMany forward_many;
  static OpCase many(std::string n, Maker m, ForwardMany f, double tol = 1e-6) {
    OpCase c(std::move(n), std::move(m), Forward{}, Reference{}, tol);
    c.forward_many = std::move(f);
    return c;
  }
  std::vector<Tensor> outputs(const std::vector<Tensor>& in) const {
    return forward_many ? forward_many(in) : std::vector<Tensor>{forward(in)};
  }
};

std::vector<OpCase>& op_registry();

struct OpRegistrar {
  explicit OpRegistrar(OpCase c) { op_registry().push_back(std::move(c)); }
};

// Random input helpers.
Tensor random_input(Generator& gen, const Shape& shape, double low = -2, double high = 2);
// Values with |x| >= margin, so kinks (abs, relu, clamp) are not straddled by finite differences.
Tensor away_from(Generator& gen, const Shape& shape, const std::vector<double>& kinks,
                 double margin = 0.05, double low = -2, double high = 2);
Shape random_shape(Generator& gen, int min_rank = 1, int max_rank = 3, int max_dim = 5);
// A shape that broadcasts against `shape` (some dims set to 1, maybe fewer leading dims).
Shape broadcastable_to(Generator& gen, const Shape& shape);

}  // namespace scidl::testing

#define SCIDL_CAT_(a, b) a##b
#define SCIDL_CAT(a, b) SCIDL_CAT_(a, b)
#define REGISTER_MULTI_OP(...)                    \
  static ::scidl::testing::OpRegistrar SCIDL_CAT( \
      op_case_, __LINE__)(::scidl::testing::OpCase::many(__VA_ARGS__))
#define REGISTER_OP(...)                                   \
  static ::scidl::testing::OpRegistrar SCIDL_CAT(op_case_, \
                                                 __LINE__)(::scidl::testing::OpCase(__VA_ARGS__))
