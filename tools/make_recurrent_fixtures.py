#!/usr/bin/python3
"""Writes PyTorch reference numbers for scidl's recurrent layers (LSTM, GRU, GRU cell).

Run by hand (not by CI), with Debian's PyTorch:
    /usr/bin/python3 tools/make_recurrent_fixtures.py [--out tests/data/reference]

Same conventions as tools/make_reference_fixtures.py: a tensor is {"shape": [...], "data":
[row-major values]}; numbers are Python doubles written by json (shortest repr that round-trips);
float32 results are widened to double exactly. Parameter names and layouts are PyTorch's
state_dict ones ("weight_ih_l0" is (4*hidden, input) for an LSTM, gates stacked i, f, g, o; a
GRU's are stacked r, z, n) and param_order lists them in state_dict order. Everything is drawn in
float32 and then cast, so the float32 and float64 files start from identical numbers and differ
only in the arithmetic.

Output (tools/README.md has the layouts):
  recurrent_float32.json  layer cases (output, final states, gradients of a random linear
  recurrent_float64.json  functional of them) and a small LSTM regressor with 10 Adam steps
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

# Every case (layer or model) seeds the global generator with SEED, builds its module in float32
# (PyTorch's default init, uniform +-1/sqrt(hidden) for the recurrent weights), then draws its
# inputs, initial states, target and upstream gradients in float32, and only then casts to the
# file's dtype. So a case's numbers depend on no other case, and both files hold the same inputs
# and parameters. No ReLU anywhere: tanh and sigmoid cannot switch a unit under round-off, so no
# seed search was needed.
SEED = 20
STEPS = 10  # Adam steps recorded for the model case
GENERATOR = "tools/make_recurrent_fixtures.py"





def all_arguments(optimizer):
    """Every constructor argument, PyTorch's defaults included (eps, foreach, maximize, ...)."""
    return {k: jsonable(v) for k, v in optimizer.defaults.items()}


def dtype_name(dtype):
    return str(dtype).replace("torch.", "")


# ---------------------------------------------------------------------------------------------
# Layer cases. Gradients are of sum(output * seed_output) + sum(h_n * seed_h_n)
# [+ sum(c_n * seed_c_n)] with random seeds, w.r.t. the input, the initial states and every
# parameter.


def rnn_arguments(module):
    """All nn.LSTM / nn.GRU constructor arguments (proj_size exists for LSTM only)."""
    args = {"input_size": module.input_size, "hidden_size": module.hidden_size,
            "num_layers": module.num_layers, "bias": module.bias,
            "batch_first": module.batch_first, "dropout": module.dropout,
            "bidirectional": module.bidirectional}
    if isinstance(module, nn.LSTM):
        args["proj_size"] = module.proj_size
    return args


def rnn_case(spec, make_module, input_shape, with_states, dtype):
    """One nn.LSTM / nn.GRU case in `dtype`; all values drawn in float32 under SEED first."""
    torch.manual_seed(SEED)
    module = make_module()
    is_lstm = isinstance(module, nn.LSTM)
    hidden, layers = module.hidden_size, module.num_layers
    x = torch.randn(*input_shape)
    batch = input_shape[0] if module.batch_first else input_shape[1]
    state_shape = (layers, batch, hidden)
    states = {}
    if with_states:
        states["h0"] = torch.randn(*state_shape)
        if is_lstm:
            states["c0"] = torch.randn(*state_shape)
    output_shape = (*input_shape[:2], hidden)
    seeds = {"seed_output": torch.randn(*output_shape), "seed_h_n": torch.randn(*state_shape)}
    if is_lstm:
        seeds["seed_c_n"] = torch.randn(*state_shape)

    module = module.to(dtype)
    x = x.to(dtype)
    states = {k: v.to(dtype) for k, v in states.items()}
    seeds = {k: v.to(dtype) for k, v in seeds.items()}
    leaf = x.clone().requires_grad_(True)
    state_leaves = {k: v.clone().requires_grad_(True) for k, v in states.items()}
    if not with_states:
        output, final = module(leaf)
    elif is_lstm:
        output, final = module(leaf, (state_leaves["h0"], state_leaves["c0"]))
    else:
        output, final = module(leaf, state_leaves["h0"])
    finals = {"h_n": final[0], "c_n": final[1]} if is_lstm else {"h_n": final}
    total = (output * seeds["seed_output"]).sum()
    for name, value in finals.items():
        total = total + (value * seeds["seed_" + name]).sum()
    total.backward()

    case = {"layer": spec, "module": type(module).__name__, "args": rnn_arguments(module),
            "input": tensor_json(x)}
    case.update({k: tensor_json(v) for k, v in states.items()})
    case.update({"param_order": list(module.state_dict().keys()), "params": param_dict(module),
                 "output": tensor_json(output)})
    case.update({k: tensor_json(v) for k, v in finals.items()})
    case.update({k: tensor_json(v) for k, v in seeds.items()})
    case["input_grad"] = tensor_json(leaf.grad)
    case.update({k + "_grad": tensor_json(v.grad) for k, v in state_leaves.items()})
    case["param_grads"] = {name: tensor_json(p.grad) for name, p in module.named_parameters()}
    return case


def gru_cell_case(dtype):
    """GRUCell(3, 4) on x (2,3), h0 (2,4); gradients of sum(h1 * seed_h1)."""
    torch.manual_seed(SEED)
    module = nn.GRUCell(3, 4)
    x, h0, seed_h1 = torch.randn(2, 3), torch.randn(2, 4), torch.randn(2, 4)
    module, x, h0, seed_h1 = (v.to(dtype) for v in (module, x, h0, seed_h1))
    leaves = [t.clone().requires_grad_(True) for t in (x, h0)]
    h1 = module(leaves[0], leaves[1])
    (h1 * seed_h1).sum().backward()
    return {"layer": {"type": "gru_cell", "units": 4}, "module": type(module).__name__,
            "args": {"input_size": module.input_size, "hidden_size": module.hidden_size,
                     "bias": module.bias},
            "input": tensor_json(x), "h0": tensor_json(h0),
            "param_order": list(module.state_dict().keys()), "params": param_dict(module),
            "h1": tensor_json(h1), "seed_h1": tensor_json(seed_h1),
            "input_grad": tensor_json(leaves[0].grad), "h0_grad": tensor_json(leaves[1].grad),
            "param_grads": {name: tensor_json(p.grad) for name, p in module.named_parameters()}}


LAYER_CASES = [
    ("lstm_one_layer", {"type": "lstm", "units": 5, "return_sequences": True},
     lambda: nn.LSTM(input_size=3, hidden_size=5, num_layers=1, batch_first=True), (2, 4, 3),
     False),
    ("lstm_two_layers_states",
     {"type": "lstm", "units": 5, "num_layers": 2, "return_sequences": True},
     lambda: nn.LSTM(3, 5, num_layers=2, batch_first=True), (2, 4, 3), True),
    # (time, batch, features)
    ("lstm_time_first", {"type": "lstm", "units": 4, "batch_first": False,
                         "return_sequences": True},
     lambda: nn.LSTM(3, 4, batch_first=False), (5, 2, 3), False),
    ("gru_one_layer", {"type": "gru", "units": 5, "return_sequences": True},
     lambda: nn.GRU(3, 5, batch_first=True), (2, 4, 3), False),
    ("gru_two_layers_states",
     {"type": "gru", "units": 5, "num_layers": 2, "return_sequences": True},
     lambda: nn.GRU(3, 5, num_layers=2, batch_first=True), (2, 4, 3), True),
]


# ---------------------------------------------------------------------------------------------
# Model case: LSTM(2, 16) -> last time step -> Linear(16, 2), MSE loss, gradients, 10 Adam steps.


class LSTMRegressor(nn.Module):
    """Submodules "0" (LSTM) and "1" (Linear), so state_dict names are "0.weight_ih_l0", ...,
    "1.weight", "1.bias", as in an nn.Sequential."""

    def __init__(self):
        super().__init__()
        self.add_module("0", nn.LSTM(2, 16, batch_first=True))
        self.add_module("1", nn.Linear(16, 2))

    def __getitem__(self, index):
        return self._modules[str(index)]

    def forward(self, x):
        out, _ = self[0](x)
        return self[1](out[:, -1, :])


REGRESSOR_SPEC = {"inputs": [10, 2], "layers": [{"type": "lstm", "units": 16},
                                               {"type": "dense", "units": 2}]}


def regressor_case(dtype):
    torch.manual_seed(SEED)
    model = LSTMRegressor()
    x, target = torch.randn(8, 10, 2), torch.randn(8, 2)
    model, x, target = model.to(dtype), x.to(dtype), target.to(dtype)
    param_order = list(model.state_dict().keys())
    initial = param_dict(model)
    leaf = x.clone().requires_grad_(True)
    output = model(leaf)
    loss = nn.functional.mse_loss(output, target)
    loss.backward()
    grads = {name: tensor_json(p.grad) for name, p in model.named_parameters()}

    # The trajectory starts from the same initial weights (the gradients above are cleared by
    # the first zero_grad).
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    losses = []
    for _ in range(STEPS):
        optimizer.zero_grad()
        step_loss = nn.functional.mse_loss(model(x), target)
        losses.append(step_loss.item())
        step_loss.backward()
        optimizer.step()

    return {"spec": REGRESSOR_SPEC, "param_order": param_order, "params": initial,
            "input": tensor_json(x), "target": tensor_json(target),
            "output": tensor_json(output), "loss_function": "MSELoss(reduction='mean')",
            "loss": loss.item(), "input_grad": tensor_json(leaf.grad), "param_grads": grads,
            "optimizer": {"name": "adam", **all_arguments(optimizer)}, "steps": STEPS,
            "losses": losses, "params_after": param_dict(model)}


def recurrent_fixture(dtype):
    cases = {}
    for name, spec, make_module, input_shape, with_states in LAYER_CASES:
        cases[name] = rnn_case(spec, make_module, input_shape, with_states, dtype)
    cases["gru_cell"] = gru_cell_case(dtype)
    cases["lstm_regressor"] = regressor_case(dtype)
    losses = cases["lstm_regressor"]["losses"]
    print(f"  lstm_regressor {dtype_name(dtype)}: loss {losses[0]:.6g} -> {losses[-1]:.6g}")
    return {"dtype": dtype_name(dtype), "cases": cases}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--out", default=os.path.join(root, "tests", "data", "reference"))
    out = parser.parse_args().out
    os.makedirs(out, exist_ok=True)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)  # one thread: reductions add in one fixed order

    for dtype in (torch.float32, torch.float64):
        fixture_json.write(os.path.join(out, f"recurrent_{dtype_name(dtype)}.json"),
                           recurrent_fixture(dtype), GENERATOR, SEED)


if __name__ == "__main__":
    sys.exit(main())
