#!/usr/bin/python3
"""Writes PyTorch reference numbers that scidl's tests compare against.

Run by hand (not by CI), with Debian's PyTorch:
    /usr/bin/python3 tools/make_reference_fixtures.py [--out tests/data/reference]

Every fixture is a small JSON file. A tensor is {"shape": [...], "data": [row-major values]};
numbers are Python doubles written by json (shortest repr that round-trips, so nothing is lost).
float32 results are widened to double exactly. Parameter names and layouts are PyTorch's
state_dict ones: "0.weight" is (out_features, in_features). The fixtures are committed, so a rerun
only matters when a case is added; a rerun with another torch build may differ in the last bits.
"""

import argparse
import json
import os
import sys

import torch
from torch import nn

# Seed 16 keeps every ReLU input at least 5.7e-5 away from zero along every recorded trajectory
# (the best of seeds 0..39), so float32 round-off in scidl cannot switch a unit that PyTorch did not.
SEED = 16
MLP_STEPS = 10  # optimizer steps recorded in mlp_<dtype>.json
TRAJECTORY_STEPS = 20  # steps run in optimizers_float64.json
# Steps after which the 419-number parameter vector is stored. Four snapshots would put the file
# near 380 KB, over the ~300 KB budget for committed fixtures; step 10 is the one left out because
# mlp_float64.json already holds Adam and Nesterov SGD after 10 steps on this same problem.
TRAJECTORY_SNAPSHOTS = (1, 5, 20)


def tensor_json(t):
    """A tensor as {"shape", "data"}; ints stay ints, floats become exact doubles."""
    t = t.detach().cpu()
    return {"shape": list(t.shape), "data": t.reshape(-1).tolist()}


def jsonable(value):
    """Optimizer/module arguments as JSON: tuples become lists, None becomes null."""
    if isinstance(value, (tuple, list)):
        return [jsonable(v) for v in value]
    if isinstance(value, torch.Tensor):
        return tensor_json(value)
    return value


def write(path, payload):
    payload = {"meta": {"generator": "tools/make_reference_fixtures.py",
                        "torch_version": torch.__version__, "seed": SEED}, **payload}
    with open(path, "w") as f:
        # Compact separators keep the files small; allow_nan=False refuses to write a broken case.
        json.dump(payload, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print(f"wrote {path} ({os.path.getsize(path) / 1024:.0f} KB)")


# ---------------------------------------------------------------------------------------------
# The shared small problem: MLP 5 -> 16 -> 16 -> 3 on one batch of 8, MSE loss.


def make_mlp_problem(dtype):
    """Model, input and target, identical bits in float32 and float64.

    Everything is drawn in float32 and then cast, so the float64 fixture starts from exactly the
    same numbers as the float32 one and the two differ only in the arithmetic.
    """
    torch.manual_seed(SEED)
    model = nn.Sequential(nn.Linear(5, 16), nn.Tanh(), nn.Linear(16, 16), nn.ReLU(),
                          nn.Linear(16, 3))
    x = torch.randn(8, 5)
    y = torch.randn(8, 3)
    return model.to(dtype), x.to(dtype), y.to(dtype)


def param_dict(model):
    return {name: tensor_json(p) for name, p in model.state_dict().items()}


def flat_params(model):
    return torch.cat([p.detach().reshape(-1) for p in model.state_dict().values()])


def train(dtype, optimizer_class, kwargs, steps, snapshots=()):
    """Runs `steps` full-batch steps from the fixed initial weights.

    Returns the model, the optimizer (for its completed argument list), the flat parameter
    vectors after each step listed in `snapshots` and the smallest |ReLU input| met on the way.
    """
    model, x, y = make_mlp_problem(dtype)
    optimizer = optimizer_class(model.parameters(), **kwargs)
    taken = {}
    margin = relu_margin(model, x)
    for step in range(1, steps + 1):
        optimizer.zero_grad()
        nn.functional.mse_loss(model(x), y).backward()
        optimizer.step()
        if step in snapshots:
            taken[str(step)] = flat_params(model).tolist()
        margin = min(margin, relu_margin(model, x))
    return model, optimizer, taken, margin


def all_arguments(optimizer):
    """Every constructor argument, PyTorch's defaults included (eps, foreach, maximize, ...)."""
    return {k: jsonable(v) for k, v in optimizer.defaults.items()}


def relu_margin(model, x):
    """Smallest |pre-activation| at the ReLU: far from 0 means float32 cannot flip a unit."""
    with torch.no_grad():
        return model[2](model[1](model[0](x))).abs().min().item()


def mlp_fixture(dtype):
    model, x, y = make_mlp_problem(dtype)
    initial = param_dict(model)
    x_leaf = x.clone().requires_grad_(True)
    output = model(x_leaf)
    loss = nn.functional.mse_loss(output, y)
    loss.backward()

    adam_args = dict(lr=1e-2, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)
    sgd_args = dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3)
    adam_model, adam, _, adam_margin = train(dtype, torch.optim.Adam, adam_args, MLP_STEPS)
    sgd_model, sgd, _, sgd_margin = train(dtype, torch.optim.SGD, sgd_args, MLP_STEPS)
    print(f"  mlp {dtype}: smallest |ReLU input| {min(adam_margin, sgd_margin):.2g}")

    return {
        "dtype": str(dtype).replace("torch.", ""),
        "model": "Sequential(Linear(5,16), Tanh(), Linear(16,16), ReLU(), Linear(16,3))",
        "loss_function": "MSELoss(reduction='mean')",
        "param_order": list(model.state_dict().keys()),
        "params": initial,
        "input": tensor_json(x),
        "target": tensor_json(y),
        "output": tensor_json(output),
        "loss": loss.item(),
        "grads": {name: tensor_json(p.grad) for name, p in model.named_parameters()},
        "input_grad": tensor_json(x_leaf.grad),
        "optimizer_steps": MLP_STEPS,
        "adam_hyperparameters": all_arguments(adam),
        "adam_after_10": param_dict(adam_model),
        "sgd_nesterov_hyperparameters": all_arguments(sgd),
        "sgd_nesterov_after_10": param_dict(sgd_model),
    }


# ---------------------------------------------------------------------------------------------
# Optimizer trajectories on the same problem, float64.

OPTIMIZER_CASES = [
    ("sgd", torch.optim.SGD, dict(lr=0.05)),
    ("sgd_momentum", torch.optim.SGD, dict(lr=0.05, momentum=0.9, dampening=0)),
    ("sgd_nesterov_wd", torch.optim.SGD,
     dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3)),
    ("adam", torch.optim.Adam, dict(lr=1e-2)),
    ("adam_wd", torch.optim.Adam, dict(lr=1e-2, amsgrad=False, weight_decay=1e-2)),
    ("adamw", torch.optim.AdamW, dict(lr=1e-2, weight_decay=1e-2)),
    ("adagrad", torch.optim.Adagrad, dict(lr=0.1)),
    ("adagrad_decay_init", torch.optim.Adagrad,
     dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1)),
    ("adadelta", torch.optim.Adadelta, dict(lr=1.0, rho=0.9)),
    ("rmsprop", torch.optim.RMSprop, dict(lr=1e-2)),
    ("rmsprop_centered_momentum", torch.optim.RMSprop, dict(lr=1e-2, momentum=0.9, centered=True)),
]


def optimizers_fixture():
    model, x, y = make_mlp_problem(torch.float64)
    cases = {}
    for name, optimizer_class, kwargs in OPTIMIZER_CASES:
        _, optimizer, taken, margin = train(torch.float64, optimizer_class, kwargs,
                                            TRAJECTORY_STEPS, TRAJECTORY_SNAPSHOTS)
        print(f"  {name}: smallest |ReLU input| {margin:.2g}")
        cases[name] = {"optimizer": optimizer_class.__name__, "args": all_arguments(optimizer),
                       "params_after_step": taken}
    return {
        "dtype": "float64",
        "model": "Sequential(Linear(5,16), Tanh(), Linear(16,16), ReLU(), Linear(16,3))",
        "loss_function": "MSELoss(reduction='mean')",
        "param_order": list(model.state_dict().keys()),
        "param_shapes": {k: list(v.shape) for k, v in model.state_dict().items()},
        "initial_params": flat_params(model).tolist(),
        "input": tensor_json(x),
        "target": tensor_json(y),
        "steps": TRAJECTORY_STEPS,
        "snapshot_steps": list(TRAJECTORY_SNAPSHOTS),
        "cases": cases,
    }


# ---------------------------------------------------------------------------------------------
# Losses, float64, reduction mean.


def loss_case(module, input_, target, args):
    leaf = input_.clone().requires_grad_(True)
    value = module(leaf, target)
    value.backward()
    return {"module": type(module).__name__, "args": args, "input": tensor_json(input_),
            "target": tensor_json(target), "value": value.item(),
            "input_grad": tensor_json(leaf.grad)}


def losses_fixture():
    g = torch.Generator().manual_seed(SEED)
    dtype = torch.float64
    prediction = torch.randn(4, 3, generator=g, dtype=dtype)
    # Spread the residuals over (-2, 2) so both Huber branches (|r| < delta, |r| > delta) occur.
    regression_target = prediction + 4 * (torch.rand(4, 3, generator=g, dtype=dtype) - 0.5)
    logits = 2 * torch.randn(5, 4, generator=g, dtype=dtype)
    classes = torch.tensor([0, 3, 1, 3, 2])
    # BCE targets: hard labels and soft probabilities, as both occur in practice.
    probabilities = torch.tensor([[0.0, 1.0, 0.3], [1.0, 0.0, 0.75], [0.5, 1.0, 0.0],
                                  [0.1, 0.9, 1.0]], dtype=dtype)
    binary_logits = 2 * torch.randn(4, 3, generator=g, dtype=dtype)

    cases = {
        "mse": loss_case(nn.MSELoss(), prediction, regression_target, {"reduction": "mean"}),
        "l1": loss_case(nn.L1Loss(), prediction, regression_target, {"reduction": "mean"}),
        "huber_delta_1": loss_case(nn.HuberLoss(delta=1.0), prediction, regression_target,
                                   {"reduction": "mean", "delta": 1.0}),
        "huber_delta_0.5": loss_case(nn.HuberLoss(delta=0.5), prediction, regression_target,
                                     {"reduction": "mean", "delta": 0.5}),
        "cross_entropy": loss_case(nn.CrossEntropyLoss(), logits, classes,
                                   {"reduction": "mean", "weight": None, "ignore_index": -100,
                                    "label_smoothing": 0.0}),
        "bce_with_logits": loss_case(nn.BCEWithLogitsLoss(), binary_logits, probabilities,
                                     {"reduction": "mean", "weight": None, "pos_weight": None}),
    }
    # NLLLoss sees log-probabilities; its own input gradient is only -1/N at the targets, so the
    # gradient through log_softmax back to the logits is stored as well.
    log_probabilities = torch.log_softmax(logits, dim=1)
    nll = loss_case(nn.NLLLoss(), log_probabilities, classes,
                    {"reduction": "mean", "weight": None, "ignore_index": -100})
    logits_leaf = logits.clone().requires_grad_(True)
    nn.NLLLoss()(torch.log_softmax(logits_leaf, dim=1), classes).backward()
    nll["logits"] = tensor_json(logits)
    nll["logits_grad"] = tensor_json(logits_leaf.grad)
    cases["nll_log_softmax"] = nll
    return {"dtype": "float64", "cases": cases}


# ---------------------------------------------------------------------------------------------
# Batch normalisation, float64.


def batch(g, shape, channels):
    """A batch whose channels have different means and spreads, so normalising does something."""
    view = [1, channels] + [1] * (len(shape) - 2)
    mean = torch.linspace(-2.0, 3.0, channels, dtype=torch.float64).view(view)
    spread = torch.linspace(0.5, 2.5, channels, dtype=torch.float64).view(view)
    return mean + spread * torch.randn(*shape, generator=g, dtype=torch.float64)


def batchnorm_case(module_class, channels, shape, g):
    args = dict(num_features=channels, eps=1e-5, momentum=0.1, affine=True,
                track_running_stats=True)

    def fresh():
        module = module_class(**args).double()
        with torch.no_grad():  # non-trivial affine parameters, fixed by construction
            module.weight.copy_(torch.linspace(0.5, 1.5, channels, dtype=torch.float64))
            module.bias.copy_(torch.linspace(-0.3, 0.4, channels, dtype=torch.float64))
        return module.train()

    # Train mode: output and gradients of sum(output * grad_output). A random grad_output matters:
    # the gradient of plain sum(output) through batch norm is zero.
    module = fresh()
    x = batch(g, shape, channels)
    grad_output = torch.randn(*shape, generator=g, dtype=torch.float64)
    leaf = x.clone().requires_grad_(True)
    output = module(leaf)
    output.backward(grad_output)
    case = {"module": module_class.__name__, "args": args,
            "weight": tensor_json(module.weight), "bias": tensor_json(module.bias),
            "input": tensor_json(x), "grad_output": tensor_json(grad_output),
            "output": tensor_json(output), "input_grad": tensor_json(leaf.grad),
            "weight_grad": tensor_json(module.weight.grad),
            "bias_grad": tensor_json(module.bias.grad)}

    # Running statistics: a fresh module (running_mean 0, running_var 1) sees three batches.
    # PyTorch updates running_var with the unbiased (n - 1) batch variance.
    module = fresh()
    batches = [batch(g, shape, channels) for _ in range(3)]
    with torch.no_grad():
        for b in batches:
            module(b)
        module.eval()
        eval_input = batch(g, shape, channels)
        eval_output = module(eval_input)
    case.update({"batches": [tensor_json(b) for b in batches],
                 "running_mean": tensor_json(module.running_mean),
                 "running_var": tensor_json(module.running_var),
                 "num_batches_tracked": int(module.num_batches_tracked),
                 "eval_input": tensor_json(eval_input), "eval_output": tensor_json(eval_output)})
    return case


def batchnorm_fixture():
    g = torch.Generator().manual_seed(SEED)
    return {"dtype": "float64",
            "batchnorm1d": batchnorm_case(nn.BatchNorm1d, 6, (8, 6), g),
            "batchnorm2d": batchnorm_case(nn.BatchNorm2d, 3, (4, 3, 5, 5), g)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--out", default=os.path.join(root, "tests", "data", "reference"))
    out = parser.parse_args().out
    os.makedirs(out, exist_ok=True)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)  # one thread: reductions add in one fixed order

    write(os.path.join(out, "mlp_float64.json"), mlp_fixture(torch.float64))
    write(os.path.join(out, "mlp_float32.json"), mlp_fixture(torch.float32))
    write(os.path.join(out, "optimizers_float64.json"), optimizers_fixture())
    write(os.path.join(out, "losses_float64.json"), losses_fixture())
    write(os.path.join(out, "batchnorm_float64.json"), batchnorm_fixture())


if __name__ == "__main__":
    sys.exit(main())
