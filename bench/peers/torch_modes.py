"""The ways a peer runs PyTorch: bench/common.bash's compare_sides runs each peer once per mode
and compares scidl with the fastest, naming it.

  eager          PyTorch as written
  compiled       torch.compile of the model and the loss (one graph, Inductor's defaults)
  compiled_step  that, and torch.compile of the optimizer's step too (PyTorch's recipe
                 "compiling the optimizer")

Debian's PyTorch 1.13 has no torch.compile: a mode it cannot run prints
`torch_mode_unavailable=<mode>` and nothing else, and compare_sides leaves it out.
"""

import sys

import torch

MODES = ("eager", "compiled", "compiled_step")


def add_argument(parser):
    parser.add_argument("--torch-mode", choices=MODES, default="eager",
                        help="eager, torch.compile of model and loss, or of the optimizer too")


def require(mode, applies=MODES):
    """Exits quietly (compare_sides skips the mode) where this torch or this work lacks it."""
    if mode not in applies or (mode != "eager" and not hasattr(torch, "compile")):
        print(f"torch_mode_unavailable={mode}")
        sys.exit(0)


def compiled(mode, function, **options):
    """function, through torch.compile unless the mode is eager."""
    return function if mode == "eager" else torch.compile(function, **options)


def loss_of(mode, model, loss_function, **options):
    """(inputs..., target) -> loss, the model and the loss compiled together unless eager."""
    def forward_loss(*inputs_and_target):
        return loss_function(model(*inputs_and_target[:-1]), inputs_and_target[-1])
    return compiled(mode, forward_loss, **options)


def step_of(mode, optimizer):
    """The optimizer's step, compiled in compiled_step mode."""
    return torch.compile(optimizer.step) if mode == "compiled_step" else optimizer.step
