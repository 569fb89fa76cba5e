#!/usr/bin/env python3
"""Writes tests/data/reference/mlp_float64.safetensors: the reference MLP's PyTorch state_dict
saved by safetensors.torch.save_file, so a test can check that a PyTorch user's weights load into
the same architecture in scidl and give PyTorch's outputs.

Run by hand (not by CI) with Debian's PyTorch: /usr/bin/python3 tools/make_torch_safetensors_fixture.py
(needs `pip install safetensors`, a fixture tool only)."""
import json
import pathlib

import torch
from safetensors.torch import save_file

root = pathlib.Path(__file__).resolve().parent.parent
fixture = json.loads((root / "tests/data/reference/mlp_float64.json").read_text())
model = torch.nn.Sequential(torch.nn.Linear(5, 16), torch.nn.Tanh(), torch.nn.Linear(16, 16),
                            torch.nn.ReLU(), torch.nn.Linear(16, 3)).double()
state = {name: torch.tensor(t["data"], dtype=torch.float64).reshape(t["shape"])
         for name, t in fixture["params"].items()}
model.load_state_dict(state)
x = torch.tensor(fixture["input"]["data"], dtype=torch.float64).reshape(fixture["input"]["shape"])
expected = torch.tensor(fixture["output"]["data"], dtype=torch.float64).reshape(fixture["output"]["shape"])
assert torch.allclose(model(x), expected, rtol=0, atol=1e-14)
save_file(model.state_dict(), str(root / "tests/data/reference/mlp_float64.safetensors"))
print("wrote tests/data/reference/mlp_float64.safetensors")
