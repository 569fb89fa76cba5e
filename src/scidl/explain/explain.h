// Explaining a model: which inputs matter for an output, per example and over a dataset.
// Saliency, InputXGradient, IntegratedGradients and NoiseTunnel follow Captum's definitions
// (and match its numbers; tests/explain/test_captum_fixtures.cpp), a global feature ranking,
// the fit that turns salient features into an integer formula, and the report `scidl explain`
// writes. Every method is one batched forward/backward pass per batch (target_gradient.h).
#pragma once
#include "scidl/explain/attribution_heatmap.h"
#include "scidl/explain/attribution_report.h"
#include "scidl/explain/bar_chart.h"
#include "scidl/explain/baseline.h"
#include "scidl/explain/feature_ranking.h"
#include "scidl/explain/integer_formula.h"
#include "scidl/explain/integrated_gradients.h"
#include "scidl/explain/integration_rule.h"
#include "scidl/explain/noise_tunnel.h"
#include "scidl/explain/saliency.h"
#include "scidl/explain/target_gradient.h"
