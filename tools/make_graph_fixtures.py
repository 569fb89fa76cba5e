#!/usr/bin/python3
"""Writes PyTorch reference numbers for scidl's single layers and graph (non-sequential) models.

Run by hand (not by CI), with Debian's PyTorch:
    /usr/bin/python3 tools/make_graph_fixtures.py [--out tests/data/reference]

Same conventions as tools/make_reference_fixtures.py: a tensor is {"shape": [...], "data":
[row-major values]}; numbers are Python doubles written by json (shortest repr that round-trips);
float32 results are widened to double exactly; integer inputs stay ints. Parameter names and
layouts are PyTorch's state_dict ones ("h1.weight" is (out_features, in_features)) and
param_order lists them in state_dict order. Everything is drawn in float32 and then cast, so the
float32 and float64 graph fixtures start from identical numbers and differ only in the arithmetic.

Output (tools/README.md has the layouts):
  layers_float64.json        one layer per case: output, and gradients of sum(output * seed_grad)
  graph_models_float32.json  small DAG models (residual add, two inputs + concat, dotted names):
  graph_models_float64.json  forward, MSE loss, gradients and 10 Adam steps
"""

import argparse
import json
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixture_json  # noqa: E402
from fixture_json import jsonable, param_dict, tensor_json  # noqa: E402,F401

# Layer cases: the global generator is seeded once with LAYERS_SEED and every case draws from it
# in turn (module default inits included), so a case's numbers depend on the cases before it.
GENERATOR = "tools/make_graph_fixtures.py"
LAYERS_SEED = 16
# Graph cases: each case seeds the global generator with GRAPH_SEED, builds its module (default
# nn.Linear init), then draws its extra parameters, inputs and target. Seed 10 keeps every ReLU
# input at least 2.1e-3 away from zero along every recorded trajectory, float32 and float64 (the
# best of seeds 0..99; the script prints the margins), so round-off in scidl cannot switch a unit
# that PyTorch did not.
GRAPH_SEED = 10
GRAPH_STEPS = 10  # Adam steps recorded per graph case
BATCH = 8





def all_arguments(optimizer):
    """Every constructor argument, PyTorch's defaults included (eps, foreach, maximize, ...)."""
    return {k: jsonable(v) for k, v in optimizer.defaults.items()}


def randn(*shape):
    """Standard normal draws in float32 (global generator), cast to float64."""
    return torch.randn(*shape).double()


# ---------------------------------------------------------------------------------------------
# Single layers, float64. Gradients are of sum(output * seed_grad) with a random seed_grad.


def layer_case(spec, module, args, x, integer_input=False):
    """Forward and backward of one torch module; module must already be float64."""
    leaf = x.clone() if integer_input else x.clone().requires_grad_(True)
    output = module(leaf)
    seed_grad = randn(*output.shape)
    (output * seed_grad).sum().backward()
    case = {"layer": spec, "module": type(module).__name__, "args": args,
            "input": tensor_json(x), "param_order": list(module.state_dict().keys()),
            "params": param_dict(module), "output": tensor_json(output),
            "seed_grad": tensor_json(seed_grad)}
    if not integer_input:
        case["input_grad"] = tensor_json(leaf.grad)
    case["param_grads"] = {name: tensor_json(p.grad) for name, p in module.named_parameters()}
    return case


def layernorm(features, eps=1e-5):
    """LayerNorm with weight ~ 1 + 0.1 randn and bias ~ 0.1 randn (drawn in float32)."""
    module = nn.LayerNorm(features, eps=eps)
    with torch.no_grad():
        module.weight.copy_(1 + 0.1 * torch.randn(features))
        module.bias.copy_(0.1 * torch.randn(features))
    return module.double()


def layernorm_args(module):
    return {"normalized_shape": list(module.normalized_shape), "eps": module.eps,
            "elementwise_affine": module.elementwise_affine}


def normalization_case():
    """Keras 3 Normalization(axis=-1) computed by hand: adapt() takes the column mean and the
    population variance (ddof=0); output = (x - mean) / max(sqrt(variance), 1e-7)."""
    epsilon = 1e-7
    scale = torch.tensor([1.0, 10.0, 0.1])
    shift = torch.tensor([0.0, 5.0, -3.0])
    adapt_data = (torch.randn(20, 3) * scale + shift).double()
    x = (torch.randn(4, 3) * scale + shift).double()
    mean = adapt_data.mean(dim=0)
    variance = adapt_data.var(dim=0, unbiased=False)
    leaf = x.clone().requires_grad_(True)
    output = (leaf - mean) / torch.clamp(torch.sqrt(variance), min=epsilon)
    seed_grad = randn(*output.shape)
    (output * seed_grad).sum().backward()
    return {"layer": {"type": "normalization"}, "module": "keras.layers.Normalization",
            "args": {"axis": -1, "epsilon": epsilon},
            "adapt_data": tensor_json(adapt_data), "input": tensor_json(x),
            "param_order": [], "params": {},
            "buffers": {"mean": tensor_json(mean), "variance": tensor_json(variance)},
            "output": tensor_json(output), "seed_grad": tensor_json(seed_grad),
            "input_grad": tensor_json(leaf.grad), "param_grads": {}}


def lstm_cell_case():
    """LSTMCell(3, 4), gates (i, f, g, o); gradients of sum(h1 * seed_grad_h + c1 * seed_grad_c)."""
    module = nn.LSTMCell(3, 4).double()
    x, h0, c0 = randn(2, 3), randn(2, 4), randn(2, 4)
    leaves = [t.clone().requires_grad_(True) for t in (x, h0, c0)]
    h1, c1 = module(leaves[0], (leaves[1], leaves[2]))
    seed_h, seed_c = randn(*h1.shape), randn(*c1.shape)
    ((h1 * seed_h).sum() + (c1 * seed_c).sum()).backward()
    return {"layer": {"type": "lstm_cell", "units": 4}, "module": "LSTMCell",
            "args": {"input_size": 3, "hidden_size": 4, "bias": True},
            "input": tensor_json(x), "h0": tensor_json(h0), "c0": tensor_json(c0),
            "param_order": list(module.state_dict().keys()), "params": param_dict(module),
            "h1": tensor_json(h1), "c1": tensor_json(c1),
            "seed_grad_h": tensor_json(seed_h), "seed_grad_c": tensor_json(seed_c),
            "input_grad": tensor_json(leaves[0].grad), "h0_grad": tensor_json(leaves[1].grad),
            "c0_grad": tensor_json(leaves[2].grad),
            "param_grads": {name: tensor_json(p.grad) for name, p in module.named_parameters()}}


def layers_fixture():
    torch.manual_seed(LAYERS_SEED)
    cases = {}

    module = layernorm(6, eps=1e-5)
    cases["layernorm"] = layer_case({"type": "layernorm", "eps": 1e-5}, module,
                                    layernorm_args(module), (torch.randn(4, 6) * 2 + 0.5).double())
    module = layernorm(5)
    cases["layernorm_3d"] = layer_case({"type": "layernorm"}, module, layernorm_args(module),
                                       randn(2, 3, 5))

    cases["gelu"] = layer_case({"type": "gelu"}, nn.GELU(), {"approximate": "none"},
                               (torch.randn(3, 7) * 2).double())
    cases["gelu_tanh"] = layer_case({"type": "gelu", "approximate": "tanh"},
                                    nn.GELU(approximate="tanh"), {"approximate": "tanh"},
                                    (torch.randn(3, 7) * 2).double())
    cases["silu"] = layer_case({"type": "silu"}, nn.SiLU(), {}, (torch.randn(3, 7) * 3).double())

    # Index 7 appears twice, so its weight-gradient row is the sum of two seed_grad rows.
    module = nn.Embedding(10, 4).double()
    cases["embedding"] = layer_case(
        {"type": "embedding", "input_dim": 10, "output_dim": 4}, module,
        {"num_embeddings": 10, "embedding_dim": 4, "padding_idx": None, "max_norm": None,
         "norm_type": 2.0, "scale_grad_by_freq": False, "sparse": False},
        torch.tensor([[1, 7, 3], [7, 0, 9]], dtype=torch.int64), integer_input=True)

    cases["normalization"] = normalization_case()
    cases["lstm_cell"] = lstm_cell_case()
    return {"dtype": "float64", "cases": cases}


# ---------------------------------------------------------------------------------------------
# Graph models: forward, MSE loss, gradients and 10 Adam steps on one batch.


class ResidualMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.h1 = nn.Linear(5, 16)
        self.h2 = nn.Linear(16, 16)
        self.out = nn.Linear(16, 3)

    def forward(self, x):
        a = torch.relu(self.h1(x))
        b = torch.tanh(self.h2(a))
        return self.out(a + b)

    def relu_inputs(self, x):
        return [self.h1(x)]


class TwoInput(nn.Module):
    def __init__(self):
        super().__init__()
        self.hx = nn.Linear(5, 8)
        self.hc = nn.Linear(2, 8)
        self.out = nn.Linear(16, 3)

    def forward(self, x, c):
        return self.out(torch.cat([torch.tanh(self.hx(x)), torch.relu(self.hc(c))], dim=1))

    def relu_inputs(self, x, c):
        return [self.hc(c)]


class Block(nn.Module):
    def __init__(self, features):
        super().__init__()
        self.linear = nn.Linear(features, features)
        self.norm = nn.LayerNorm(features)


class DottedBlock(nn.Module):
    def __init__(self):
        super().__init__()
        self.block1 = Block(4)
        self.head = nn.Linear(4, 2)

    def forward(self, x):
        h = x + nn.functional.gelu(self.block1.norm(self.block1.linear(x)))
        return self.head(h)

    def relu_inputs(self, x):
        return []


def make_residual_mlp():
    model = ResidualMLP()
    return model, {"x": torch.randn(BATCH, 5)}, torch.randn(BATCH, 3)


def make_two_input():
    model = TwoInput()
    return model, {"x": torch.randn(BATCH, 5), "c": torch.randn(BATCH, 2)}, torch.randn(BATCH, 3)


def make_dotted_block():
    model = DottedBlock()
    with torch.no_grad():  # non-default LayerNorm affine parameters, drawn after the default init
        model.block1.norm.weight.copy_(1 + 0.1 * torch.randn(4))
        model.block1.norm.bias.copy_(0.1 * torch.randn(4))
    return model, {"x": torch.randn(BATCH, 4)}, torch.randn(BATCH, 2)


GRAPH_CASES = [
    ("residual_mlp", make_residual_mlp, {"inputs": 5, "layers": [
        {"name": "h1", "type": "dense", "units": 16, "activation": "relu"},
        {"name": "h2", "type": "dense", "units": 16, "activation": "tanh", "inputs": ["h1"]},
        {"name": "r", "type": "add", "inputs": ["h1", "h2"]},
        {"name": "out", "type": "dense", "units": 3, "inputs": ["r"]}]}),
    ("two_input", make_two_input, {"inputs": {"x": 5, "c": 2}, "layers": [
        {"name": "hx", "type": "dense", "units": 8, "activation": "tanh", "inputs": ["x"]},
        {"name": "hc", "type": "dense", "units": 8, "activation": "relu", "inputs": ["c"]},
        {"name": "j", "type": "concat", "inputs": ["hx", "hc"]},
        {"name": "out", "type": "dense", "units": 3, "inputs": ["j"]}]}),
    ("dotted_block", make_dotted_block, {"inputs": 4, "layers": [
        {"name": "block1.linear", "type": "dense", "units": 4, "inputs": ["x"]},
        {"name": "block1.norm", "type": "layernorm", "inputs": ["block1.linear"]},
        {"name": "g", "type": "gelu", "inputs": ["block1.norm"]},
        {"name": "r", "type": "add", "inputs": ["x", "g"]},
        {"name": "head", "type": "dense", "units": 2, "inputs": ["r"]}]}),
]


def make_graph_problem(make, dtype, seed):
    """Module, inputs and target drawn in float32 under `seed`, then cast to `dtype`."""
    torch.manual_seed(seed)
    model, inputs, target = make()
    return model.to(dtype), {k: v.to(dtype) for k, v in inputs.items()}, target.to(dtype)


def relu_margin(model, inputs):
    """Smallest |pre-activation| at any ReLU: far from 0 means float32 cannot flip a unit."""
    with torch.no_grad():
        values = [t.abs().min().item() for t in model.relu_inputs(**inputs)]
    return min(values, default=float("inf"))


def graph_case(make, spec, dtype, seed=GRAPH_SEED):
    """One case in `dtype`; returns it and the smallest |ReLU input| on the Adam trajectory."""
    model, inputs, target = make_graph_problem(make, dtype, seed)
    param_order = list(model.state_dict().keys())
    initial = param_dict(model)
    leaves = {k: v.clone().requires_grad_(True) for k, v in inputs.items()}
    output = model(**leaves)
    loss = nn.functional.mse_loss(output, target)
    loss.backward()
    grads = {name: tensor_json(p.grad) for name, p in model.named_parameters()}

    # The trajectory starts from the same initial weights (the gradients above are cleared by
    # the first zero_grad).
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    losses = []
    margin = relu_margin(model, inputs)
    for _ in range(GRAPH_STEPS):
        optimizer.zero_grad()
        step_loss = nn.functional.mse_loss(model(**inputs), target)
        losses.append(step_loss.item())
        step_loss.backward()
        optimizer.step()
        margin = min(margin, relu_margin(model, inputs))

    case = {"spec": spec, "param_order": param_order, "params": initial,
            "inputs": {k: tensor_json(v) for k, v in inputs.items()},
            "target": tensor_json(target), "output": tensor_json(output),
            "loss_function": "MSELoss(reduction='mean')", "loss": loss.item(),
            "input_grads": {k: tensor_json(v.grad) for k, v in leaves.items()},
            "param_grads": grads, "optimizer": {"name": "adam", **all_arguments(optimizer)},
            "steps": GRAPH_STEPS, "losses": losses, "params_after": param_dict(model)}
    return case, margin


def graph_fixture(dtype):
    cases = {}
    for name, make, spec in GRAPH_CASES:
        cases[name], margin = graph_case(make, spec, dtype)
        shown = "no ReLU" if margin == float("inf") else f"smallest |ReLU input| {margin:.2g}"
        print(f"  {name} {str(dtype).replace('torch.', '')}: {shown}")
    return {"dtype": str(dtype).replace("torch.", ""), "cases": cases}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--out", default=os.path.join(root, "tests", "data", "reference"))
    out = parser.parse_args().out
    os.makedirs(out, exist_ok=True)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)  # one thread: reductions add in one fixed order

    fixture_json.write(os.path.join(out, "layers_float64.json"), layers_fixture(), GENERATOR,
                       LAYERS_SEED)
    fixture_json.write(os.path.join(out, "graph_models_float32.json"),
                       graph_fixture(torch.float32), GENERATOR, GRAPH_SEED)
    fixture_json.write(os.path.join(out, "graph_models_float64.json"),
                       graph_fixture(torch.float64), GENERATOR, GRAPH_SEED)


if __name__ == "__main__":
    sys.exit(main())
