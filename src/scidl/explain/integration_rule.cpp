#include "scidl/explain/integration_rule.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "scidl/explain/target_gradient.h"

namespace scidl::explain {

namespace {

// n evenly spaced values from first to last inclusive (torch.linspace).
std::vector<double> linspace(double first, double last, int n) {
  std::vector<double> v(n);
  const double step = (last - first) / (n - 1);
  // Fill from both ends towards the middle, as torch.linspace does, so the end points are exact.
  for (int i = 0; i < n; ++i) v[i] = i < n / 2 ? first + step * i : last - step * (n - 1 - i);
  return v;
}

// The n-point Gauss-Legendre rule on [-1, 1]: Newton's method on the Legendre polynomial P_n
// from the Chebyshev-like initial guesses, to full double precision.
void gauss_legendre(int n, std::vector<double>& nodes, std::vector<double>& weights) {
  nodes.assign(n, 0.0);
  weights.assign(n, 0.0);
  for (int i = 0; i < (n + 1) / 2; ++i) {
    double x = std::cos(std::numbers::pi * (i + 0.75) / (n + 0.5));
    double derivative = 0.0;
    for (int iteration = 0; iteration < 100; ++iteration) {
      double p0 = 1.0, p1 = x;  // P_0, P_1; the recurrence runs up to P_n in p1
      for (int k = 2; k <= n; ++k) {
        double pk = ((2.0 * k - 1.0) * x * p1 - (k - 1.0) * p0) / k;
        p0 = p1;
        p1 = pk;
      }
      // P_n'(x) = n (x P_n - P_{n-1}) / (x^2 - 1)
      derivative = n * (x * p1 - p0) / (x * x - 1.0);
      const double dx = p1 / derivative;
      x -= dx;
      if (std::abs(dx) < 1e-16) break;
    }
    nodes[i] = -x;  // ascending: the guess runs from the largest root down
    nodes[n - 1 - i] = x;
    const double w = 2.0 / ((1.0 - x * x) * derivative * derivative);
    weights[i] = w;
    weights[n - 1 - i] = w;
  }
  if (n % 2 == 1) nodes[n / 2] = 0.0;  // exactly, as symmetry demands
}

}  // namespace

IntegrationPoints integration_points(IntegrationRule rule, int n) {
  const std::string name = integration_rule_name(rule);
  if (rule == IntegrationRule::GaussLegendre) {
    if (n < 1)
      throw ExplainError(fmt::format(
          "integrated gradients: n_steps is {} but {} needs at least 1 step (50 is the default)", n,
          name));
    IntegrationPoints p;
    gauss_legendre(n, p.alphas, p.weights);
    for (int i = 0; i < n; ++i) {
      p.alphas[i] = 0.5 * (1.0 + p.alphas[i]);
      p.weights[i] *= 0.5;
    }
    return p;
  }
  if (n < 2)
    throw ExplainError(fmt::format(
        "integrated gradients: n_steps is {} but the Riemann rule {} needs at least 2 steps (50 "
        "is the default)",
        n, name));
  IntegrationPoints p;
  p.weights.assign(n, 1.0 / n);
  switch (rule) {
    case IntegrationRule::RiemannLeft:
      p.alphas = linspace(0.0, 1.0 - 1.0 / n, n);
      break;
    case IntegrationRule::RiemannRight:
      p.alphas = linspace(1.0 / n, 1.0, n);
      break;
    case IntegrationRule::RiemannMiddle:
      p.alphas = linspace(1.0 / (2.0 * n), 1.0 - 1.0 / (2.0 * n), n);
      break;
    case IntegrationRule::RiemannTrapezoid:
      p.alphas = linspace(0.0, 1.0, n);
      p.weights.front() /= 2;
      p.weights.back() /= 2;
      break;
    case IntegrationRule::GaussLegendre:
      break;
  }
  return p;
}

const std::vector<std::string>& integration_rule_names() {
  static const std::vector<std::string> names{"gausslegendre", "riemann_left", "riemann_right",
                                              "riemann_middle", "riemann_trapezoid"};
  return names;
}

IntegrationRule parse_integration_rule(const std::string& name) {
  if (name == "gausslegendre") return IntegrationRule::GaussLegendre;
  if (name == "riemann_left") return IntegrationRule::RiemannLeft;
  if (name == "riemann_right") return IntegrationRule::RiemannRight;
  if (name == "riemann_middle") return IntegrationRule::RiemannMiddle;
  if (name == "riemann_trapezoid") return IntegrationRule::RiemannTrapezoid;
  throw ExplainError(fmt::format("unknown integration rule '{}'; choose one of {}", name,
                                 fmt::join(integration_rule_names(), ", ")));
}

std::string integration_rule_name(IntegrationRule rule) {
  switch (rule) {
    case IntegrationRule::RiemannLeft:
      return "riemann_left";
    case IntegrationRule::RiemannRight:
      return "riemann_right";
    case IntegrationRule::RiemannMiddle:
      return "riemann_middle";
    case IntegrationRule::RiemannTrapezoid:
      return "riemann_trapezoid";
    case IntegrationRule::GaussLegendre:
      return "gausslegendre";
  }
  return "?";
}

}  // namespace scidl::explain
