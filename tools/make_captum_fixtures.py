#!/usr/bin/python3
"""Writes Captum's attributions that scidl's explain tests compare against.

Run by hand (not by CI), with Debian's PyTorch and Captum from PyPI:
    /usr/bin/python3 -m pip install --break-system-packages --no-deps captum==0.6.0
    /usr/bin/python3 tools/make_captum_fixtures.py [--out tests/data/captum]

Captum is a fixture tool only, never a dependency of scidl. Captum 0.6.0 imports matplotlib for
its visualisation module; when matplotlib is missing a stub stands in (nothing here draws).

Output: tests/data/captum/attributions_float64.json, with the conventions of
tools/make_reference_fixtures.py: a tensor is {"shape": [...], "data": [row-major values]};
parameter names are PyTorch state_dict ones ("0.weight" is (out, in)); numbers are exact doubles.
  "models":  name -> {"spec": scidl model spec (build_model JSON), "param_order": [...],
             "params": name -> tensor, "outputs": number of outputs}
             mlp_tanh_relu: 4 -> Linear 8, Tanh -> Linear 8, ReLU -> Linear 3
             mlp_sigmoid:   4 -> Linear 6, Sigmoid -> Linear 6, Sigmoid -> Linear 1
  "inputs":  tensor (6, 4), the examples every case explains
  "cases":   list of {"name", "model", "method", "target", "attributions", ...}:
             method saliency (+ "abs"), input_x_gradient, integrated_gradients (+ "n_steps",
             "rule", "baseline", "delta"), noise_tunnel (+ "nt_type", "inner", "stdev",
             "nt_samples", "noise": the exact noise Captum drew, (6 * nt_samples, 4), each
             example's samples in consecutive rows; "inner_args").
             target: null (the only output), an int, or a list (one per example).
             baseline: {"kind": "zero"} | {"kind": "scalar", "value": v} |
             {"kind": "tensor", "value": tensor (4) per feature or (6, 4) per example} |
             {"kind": "mean"} (the mean of "inputs" over examples, shape (1, 4) for Captum).
Everything runs in float64 with torch's default dtype float64, so Captum's step sizes and alphas
are not rounded to float32 on the way.
"""

import argparse
import json
import os
import sys

import warnings

import torch
from torch import nn


import captum_without_matplotlib  # noqa: E402,F401  (before captum)

import captum  # noqa: E402
from captum.attr import (  # noqa: E402
    InputXGradient,
    IntegratedGradients,
    NoiseTunnel,
    Saliency,
)

SEED = 6
RULES = ["gausslegendre", "riemann_left", "riemann_right", "riemann_middle", "riemann_trapezoid"]


def tensor_json(t):
    t = t.detach().cpu()
    return {"shape": list(t.shape), "data": t.reshape(-1).tolist()}


def make_models():
    torch.manual_seed(SEED)
    tanh_relu = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 3))
    sigmoid = nn.Sequential(nn.Linear(4, 6), nn.Sigmoid(), nn.Linear(6, 6), nn.Sigmoid(), nn.Linear(6, 1))
    specs = {
        "mlp_tanh_relu": {"inputs": 4, "dtype": "float64", "layers": [
            {"type": "dense", "units": 8, "activation": "tanh"},
            {"type": "dense", "units": 8, "activation": "relu"},
            {"type": "dense", "units": 3}]},
        "mlp_sigmoid": {"inputs": 4, "dtype": "float64", "layers": [
            {"type": "dense", "units": 6, "activation": "sigmoid"},
            {"type": "dense", "units": 6, "activation": "sigmoid"},
            {"type": "dense", "units": 1}]},
    }
    models = {"mlp_tanh_relu": tanh_relu.double().eval(), "mlp_sigmoid": sigmoid.double().eval()}
    return models, specs


def baseline_for_captum(baseline, inputs):
    kind = baseline["kind"]
    if kind == "zero":
        return None
    if kind == "scalar":
        return baseline["value"]
    if kind == "mean":
        return inputs.mean(0, keepdim=True)
    value = baseline["tensor"]
    return value.unsqueeze(0) if value.dim() == 1 else value


def baseline_json(baseline):
    out = {k: v for k, v in baseline.items() if k != "tensor"}
    if "tensor" in baseline:
        out["value"] = tensor_json(baseline["tensor"])
    return out


def noise_like_captum(seed, inputs, nt_samples, stdev):
    """The noise NoiseTunnel draws right after torch.manual_seed(seed) (captum 0.6.0:
    torch.normal(0, stdev repeated to (N * nt_samples, ...)), example-major)."""
    torch.manual_seed(seed)
    size = (inputs.shape[0] * nt_samples,) + tuple(inputs.shape[1:])
    return torch.normal(0, torch.tensor(stdev).repeat(size))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "tests", "data", "captum"))
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message="Input Tensor 0 did not already require gradients")
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)

    models, specs = make_models()
    torch.manual_seed(SEED + 1)
    inputs = torch.randn(6, 4, dtype=torch.float32).double()
    per_feature = torch.tensor([0.25, -0.5, 0.1, 0.3])
    per_example = torch.randn(6, 4, dtype=torch.float32).double() * 0.5
    baselines = [
        {"kind": "zero"},
        {"kind": "scalar", "value": 0.5},
        {"kind": "tensor", "tensor": per_feature},
        {"kind": "tensor", "tensor": per_example},
        {"kind": "mean"},
    ]
    targets = {"mlp_tanh_relu": [0, 2, [0, 1, 2, 2, 1, 0]], "mlp_sigmoid": [None]}

    cases = []

    def add(name, model_name, method, target, attributions, **extra):
        case = {"name": name, "model": model_name, "method": method, "target": target,
                "attributions": tensor_json(attributions)}
        case.update(extra)
        cases.append(case)

    for model_name, model in models.items():
        for target in targets[model_name]:
            tname = "none" if target is None else (f"t{target}" if isinstance(target, int) else "tlist")
            for use_abs in (True, False):
                a = Saliency(model).attribute(inputs, target=target, abs=use_abs)
                add(f"{model_name}/{tname}/saliency_abs{int(use_abs)}", model_name, "saliency", target, a, abs=use_abs)
            a = InputXGradient(model).attribute(inputs, target=target)
            add(f"{model_name}/{tname}/input_x_gradient", model_name, "input_x_gradient", target, a)
            ig = IntegratedGradients(model)
            for rule in RULES:
                for n_steps in ((50, 2, 7) if rule != "gausslegendre" else (50, 1, 7)):
                    a, delta = ig.attribute(inputs, target=target, n_steps=n_steps, method=rule,
                                            return_convergence_delta=True)
                    add(f"{model_name}/{tname}/ig_{rule}_{n_steps}", model_name, "integrated_gradients", target, a,
                        n_steps=n_steps, rule=rule, baseline={"kind": "zero"}, delta=tensor_json(delta))
            for b_index, baseline in enumerate(baselines[1:], start=1):
                for rule in ("gausslegendre", "riemann_trapezoid"):
                    a, delta = ig.attribute(inputs, baselines=baseline_for_captum(baseline, inputs), target=target,
                                            n_steps=20, method=rule, return_convergence_delta=True)
                    add(f"{model_name}/{tname}/ig_{rule}_20_baseline{b_index}", model_name, "integrated_gradients",
                        target, a, n_steps=20, rule=rule, baseline=baseline_json(baseline), delta=tensor_json(delta))
            # IG with internal batching gives the same numbers; one case checks it on both sides.
            a, delta = ig.attribute(inputs, target=target, n_steps=30, internal_batch_size=7,
                                    return_convergence_delta=True)
            add(f"{model_name}/{tname}/ig_gausslegendre_30_internal7", model_name, "integrated_gradients", target, a,
                n_steps=30, rule="gausslegendre", baseline={"kind": "zero"}, delta=tensor_json(delta),
                internal_batch_size=7)

            # NoiseTunnel: Captum draws its own noise; the same draw is recorded and replayed by
            # hand here, so scidl can run with the identical noise.
            nt_samples, stdev = 4, 0.3
            inners = {
                "saliency": (Saliency(model), {"abs": True}),
                "input_x_gradient": (InputXGradient(model), {}),
                "integrated_gradients": (IntegratedGradients(model), {"n_steps": 10, "method": "gausslegendre"}),
            }
            for inner_name, (method, kwargs) in inners.items():
                for nt_type in ("smoothgrad", "smoothgrad_sq", "vargrad"):
                    seed = 1000 + len(cases)
                    torch.manual_seed(seed)
                    a = NoiseTunnel(method).attribute(inputs, nt_type=nt_type, nt_samples=nt_samples,
                                                      stdevs=stdev, target=target, **kwargs)
                    noise = noise_like_captum(seed, inputs, nt_samples, stdev)
                    noisy = inputs.repeat_interleave(nt_samples, dim=0) + noise
                    expanded = target
                    if isinstance(target, list):
                        expanded = [t for t in target for _ in range(nt_samples)]
                    per_sample = method.attribute(noisy, target=expanded, **kwargs).view(6, nt_samples, 4)
                    mean, mean_sq = per_sample.mean(1), (per_sample ** 2).mean(1)
                    replay = {"smoothgrad": mean, "smoothgrad_sq": mean_sq, "vargrad": mean_sq - mean * mean}[nt_type]
                    assert torch.allclose(replay, a, rtol=1e-12, atol=1e-14), f"noise replay failed for {inner_name}"
                    add(f"{model_name}/{tname}/nt_{nt_type}_{inner_name}", model_name, "noise_tunnel", target, a,
                        nt_type=nt_type, inner=inner_name, stdev=stdev, nt_samples=nt_samples,
                        noise=tensor_json(noise), inner_args={k: v for k, v in kwargs.items()})

    payload = {
        "meta": {"generator": "tools/make_captum_fixtures.py", "torch_version": torch.__version__,
                 "captum_version": captum.__version__, "seed": SEED},
        "dtype": "float64",
        "models": {name: {"spec": specs[name], "param_order": list(m.state_dict().keys()),
                          "params": {k: tensor_json(v) for k, v in m.state_dict().items()},
                          "outputs": specs[name]["layers"][-1]["units"]}
                   for name, m in models.items()},
        "inputs": tensor_json(inputs),
        "cases": cases,
    }
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "attributions_float64.json")
    with open(path, "w") as f:
        json.dump(payload, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print(f"wrote {os.path.normpath(path)} ({len(cases)} cases, {os.path.getsize(path) / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
