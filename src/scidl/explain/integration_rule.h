// Quadrature rules for the path integral of integrated gradients, with Captum's points and
// weights (captum/attr/_utils/approximation_methods.py): for n steps,
//   riemann_left      alpha = linspace(0, 1 - 1/n, n),          w = 1/n
//   riemann_right     alpha = linspace(1/n, 1, n),              w = 1/n
//   riemann_middle    alpha = linspace(1/(2n), 1 - 1/(2n), n),  w = 1/n
//   riemann_trapezoid alpha = linspace(0, 1, n),                w = 1/n, first and last halved
//   gausslegendre     alpha = (1 + x_i)/2, w = w_i/2 for the n-point Gauss-Legendre rule on
//                     [-1, 1], nodes ascending (numpy.polynomial.legendre.leggauss order)
// Contract: Riemann rules need n >= 2 and Gauss-Legendre n >= 1; otherwise ExplainError says so.
#pragma once
#include <string>
#include <vector>

namespace scidl::explain {

enum class IntegrationRule {
  RiemannLeft,
  RiemannRight,
  RiemannMiddle,
  RiemannTrapezoid,
  GaussLegendre
};

struct IntegrationPoints {
  std::vector<double> alphas;   // where on the path from baseline (0) to input (1)
  std::vector<double> weights;  // their weights; they sum to 1 (trapezoid: 1 - 1/n)
};

IntegrationPoints integration_points(IntegrationRule rule, int n_steps);

// "gausslegendre", "riemann_left", ... as Captum spells them; ExplainError lists the choices.
IntegrationRule parse_integration_rule(const std::string& name);
std::string integration_rule_name(IntegrationRule rule);
const std::vector<std::string>& integration_rule_names();

}  // namespace scidl::explain
