"""JSON helpers shared by the fixture scripts in tools/ (see tools/README.md, "Conventions")."""

import json
import os

import torch


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


def param_dict(model):
    return {name: tensor_json(p) for name, p in model.state_dict().items()}


def write(path, payload, generator, seed):
    """The fixture file: meta (generator, torch version, seed) first, then the payload."""
    payload = {"meta": {"generator": generator, "torch_version": torch.__version__,
                        "seed": seed}, **payload}
    with open(path, "w") as f:
        # Compact separators keep the files small; allow_nan=False refuses to write a broken case.
        json.dump(payload, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print(f"wrote {path} ({os.path.getsize(path) / 1024:.0f} KB)")
