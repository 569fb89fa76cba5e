#!/usr/bin/env python3
"""Writes PyTorch Geometric reference numbers for scidl's graph neural network layers.

Run by hand (not by CI). Debian's PyTorch 1.13 has no torch_geometric: use a PyTorch 2 venv with
torch_geometric, e.g. one made by bench/peers/setup_torch2.sh (default ~/.cache/scidl/torch2):
    ~/.cache/scidl/torch2/bin/python tools/make_gnn_fixtures.py [--out tests/data/reference]
    /work/venvs/torch2/bin/python tools/make_gnn_fixtures.py    (the venv of the machine that
                                                                 wrote the committed files)

Same conventions as tools/make_reference_fixtures.py: a tensor is {"shape": [...], "data":
[row-major values]}; numbers are Python doubles written by json (shortest repr that round-trips);
float32 results are widened to double exactly; integer tensors (edge_index, batch) stay ints.
Parameter names and layouts are PyG's state_dict ones ("lin_rel.weight" is (out, in)) and
param_order lists them in state_dict order. Everything is drawn in float32 and then cast, so the
float32 and float64 files start from identical numbers and differ only in the arithmetic. meta
also records the torch_geometric version.

Output (tools/README.md has the layouts):
  gnn_float32.json  one batched graph; GraphConv, GCNConv, GINConv, global pools and scatter
  gnn_float64.json  cases (output, gradients of sum(output * seed_grad)); a small GraphConv
                    graph classifier with cross-entropy, gradients and 5 Adam steps
"""

import argparse
import os
import sys
import warnings

import torch
from torch import nn

# torch_geometric 2.8 imports torch.jit.script, which torch 2.15 calls deprecated.
warnings.filterwarnings("ignore", message=".*torch.jit.script.*", category=FutureWarning)
import torch_geometric  # noqa: E402
from torch_geometric.nn import (GCNConv, GINConv, GraphConv, global_add_pool,  # noqa: E402
                                global_max_pool, global_mean_pool)
from torch_geometric.nn.conv.gcn_conv import gcn_norm  # noqa: E402
from torch_geometric.utils import scatter  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixture_json  # noqa: E402
from fixture_json import jsonable, param_dict, tensor_json  # noqa: E402

# The graph is drawn first under SEED; then every case seeds the global generator with SEED
# again, builds its module in float32 (PyG's default init), draws its own extra numbers (seed_grad,
# src, labels) and only then casts. So the cases do not depend on each other. Seed 40 keeps every
# ReLU input (GIN's MLP, the classifier along its 5 Adam steps) at least 4.4e-3 from zero and the
# two largest entries of every max segment (GraphConv max, global_max_pool, scatter max) at least
# 1.1e-2 apart, in both dtypes (the best of seeds 0..99; the script asserts MARGIN and prints the
# margins), so round-off in scidl cannot switch a unit or pick another maximum than PyG did.
SEED = 40
MARGIN = 1e-3
STEPS = 5  # Adam steps recorded for the classifier
GENERATOR = "tools/make_gnn_fixtures.py"
FEATURES = 5

# Three graphs batched as a PyG DataLoader does: nodes 0-3, 4-8 and 9-15; edges (source j,
# target i), messages flow j -> i (flow="source_to_target"). Self-loops 1->1, 7->7, 13->13 (no
# duplicated self-loop: PyG's add_remaining_self_loops keeps only one of them, whichever is
# written last); the edge 5->7 twice; node 8 isolated; node 9 has outgoing edges only.
GRAPH_SIZES = [4, 5, 7]
EDGES = [(0, 1), (1, 0), (1, 2), (2, 1), (2, 3), (3, 0), (1, 1), (0, 2), (2, 0),
         (4, 5), (5, 4), (5, 6), (6, 5), (6, 4), (4, 6), (7, 6), (6, 7), (5, 7), (5, 7), (7, 7),
         (9, 10), (9, 11), (9, 12), (10, 11), (11, 10), (11, 12), (12, 11), (12, 13), (13, 12),
         (13, 14), (14, 13), (14, 15), (15, 14), (15, 10), (13, 13)]


def dtype_name(dtype):
    return str(dtype).replace("torch.", "")


def make_graph():
    """x, edge_index (edges in a random order), edge_weight in [0.5, 1.5), batch; float32."""
    torch.manual_seed(SEED)
    edge_index = torch.tensor(EDGES).t()[:, torch.randperm(len(EDGES))].contiguous()
    num_nodes = sum(GRAPH_SIZES)
    graph = {"x": torch.randn(num_nodes, FEATURES), "edge_index": edge_index,
             "edge_weight": 0.5 + torch.rand(len(EDGES)),
             "batch": torch.repeat_interleave(torch.arange(len(GRAPH_SIZES)),
                                               torch.tensor(GRAPH_SIZES)),
             "num_graphs": len(GRAPH_SIZES)}
    source, target = edge_index.tolist()
    batch = graph["batch"].tolist()
    assert all(batch[j] == batch[i] for j, i in zip(source, target)), "edge across graphs"
    assert len(set(EDGES)) < len(EDGES) and any(j == i for j, i in EDGES)
    assert 8 not in source + target and 9 in source and 9 not in target
    return graph


def max_gap(src, index, dim_size):
    """Smallest gap between the largest and second largest entry of a segment, any column."""
    gaps = [float("inf")]
    for i in range(dim_size):
        segment = src[index == i]
        if segment.shape[0] >= 2:
            top = segment.topk(2, dim=0).values
            gaps.append((top[0] - top[1]).min().item())
    return min(gaps)


def relu_margin(values):
    """Smallest |ReLU input|: far from 0 means round-off cannot switch a unit."""
    return min((v.abs().min().item() for v in values), default=float("inf"))


def as_dtype(graph, dtype):
    return {k: v.to(dtype) if torch.is_tensor(v) and v.is_floating_point() else v
            for k, v in graph.items()}


# ---------------------------------------------------------------------------------------------
# Convolution cases. Gradients are of sum(output * seed_grad) with a random seed_grad, w.r.t. x,
# edge_weight (where the layer takes it) and every parameter.


def graph_conv(aggr):
    return (lambda: GraphConv(5, 4, aggr=aggr, bias=True),
            {"in_channels": 5, "out_channels": 4, "aggr": aggr, "bias": True})


def gcn_conv(improved):
    def make():
        module = GCNConv(5, 4, improved=improved, cached=False, add_self_loops=True,
                         normalize=True, bias=True)
        with torch.no_grad():  # PyG inits the bias to zeros; make it visible
            module.bias.copy_(0.1 * torch.randn(4))
        return module
    return make, {"in_channels": 5, "out_channels": 4, "improved": improved, "cached": False,
                  "add_self_loops": True, "normalize": True, "bias": True}


def gin_conv(eps, train_eps):
    def make():
        mlp = nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 4))
        return GINConv(mlp, eps=eps, train_eps=train_eps)
    mlp_spec = [{"type": "Linear", "in_features": 5, "out_features": 8, "bias": True},
                {"type": "ReLU"},
                {"type": "Linear", "in_features": 8, "out_features": 4, "bias": True}]
    return make, {"nn": mlp_spec, "eps": eps, "train_eps": train_eps}


CONV_CASES = [  # name, class, (make, args), takes edge_weight
    ("graph_conv_add", "GraphConv", graph_conv("add"), True),
    ("graph_conv_mean", "GraphConv", graph_conv("mean"), True),
    ("graph_conv_max", "GraphConv", graph_conv("max"), True),
    ("graph_conv_add_unweighted", "GraphConv", graph_conv("add"), False),
    ("gcn", "GCNConv", gcn_conv(False), True),
    ("gcn_improved", "GCNConv", gcn_conv(True), True),
    ("gcn_unweighted", "GCNConv", gcn_conv(False), False),
    # PyG quirk: without edge_weight, gcn_norm fills every weight (self-loops included) with 1
    # after add_remaining_self_loops, so improved=True changes nothing here.
    ("gcn_improved_unweighted", "GCNConv", gcn_conv(True), False),
    ("gin_train_eps", "GINConv", gin_conv(0.1, True), False),
    ("gin_eps0", "GINConv", gin_conv(0.0, False), False),
]


def conv_case(module_name, make, args, weighted, graph, dtype, margins):
    torch.manual_seed(SEED)
    module = make()
    seed_grad = torch.randn(graph["x"].shape[0], 4)
    module, seed_grad, g = module.to(dtype), seed_grad.to(dtype), as_dtype(graph, dtype)
    edge_index = g["edge_index"]
    x = g["x"].clone().requires_grad_(True)
    inputs = [x, edge_index]
    if weighted:
        edge_weight = g["edge_weight"].clone().requires_grad_(True)
        inputs.append(edge_weight)
    pre = []  # GIN's ReLU inputs
    if module_name == "GINConv":
        module.nn[0].register_forward_hook(lambda m, i, o: pre.append(o.detach()))
    output = module(*inputs)
    (output * seed_grad).sum().backward()

    case = {"layer": module_name, "args": {**args, "aggr": module.aggr, "flow": module.flow},
            "inputs": ["x", "edge_index"] + (["edge_weight"] if weighted else []),
            "param_order": list(module.state_dict().keys()), "params": param_dict(module),
            "output": tensor_json(output), "seed_grad": tensor_json(seed_grad),
            "x_grad": tensor_json(x.grad)}
    if weighted:
        case["edge_weight_grad"] = tensor_json(edge_weight.grad)
    case["param_grads"] = {name: tensor_json(p.grad) for name, p in module.named_parameters()}
    if module_name == "GCNConv":  # the normalised edge list PyG's GCNConv propagates over
        norm_index, norm_weight = gcn_norm(edge_index, g["edge_weight"] if weighted else None,
                                           x.shape[0], args["improved"], True, module.flow,
                                           dtype)
        case["gcn_norm"] = {"edge_index": tensor_json(norm_index),
                            "edge_weight": tensor_json(norm_weight)}
    if pre:
        margins["relu"] = min(margins.get("relu", float("inf")), relu_margin(pre))
    if module.aggr == "max":
        with torch.no_grad():
            source, target = edge_index
            messages = g["x"][source] * (g["edge_weight"].view(-1, 1) if weighted else 1)
            margins["max"] = min(margins.get("max", float("inf")),
                                 max_gap(messages, target, x.shape[0]))
    return case


# ---------------------------------------------------------------------------------------------
# Global pools over the graph's x, and torch_geometric.utils.scatter on edge values.

POOLS = [("global_add_pool", global_add_pool), ("global_mean_pool", global_mean_pool),
         ("global_max_pool", global_max_pool)]


def pool_case(name, pool, graph, dtype, margins):
    torch.manual_seed(SEED)
    size = graph["num_graphs"]
    seed_grad = torch.randn(size, FEATURES).to(dtype)
    x = graph["x"].to(dtype).clone().requires_grad_(True)
    output = pool(x, graph["batch"], size=size)
    (output * seed_grad).sum().backward()
    if name == "global_max_pool":
        margins["max"] = min(margins.get("max", float("inf")),
                             max_gap(x.detach(), graph["batch"], size))
    return {"layer": name, "args": {"size": size}, "inputs": ["x", "batch"],
            "output": tensor_json(output), "seed_grad": tensor_json(seed_grad),
            "x_grad": tensor_json(x.grad)}


def scatter_case(reduce, graph, dtype, margins):
    torch.manual_seed(SEED)
    num_nodes, num_edges = graph["x"].shape[0], graph["edge_index"].shape[1]
    src, seed_grad = torch.randn(num_edges, 3), torch.randn(num_nodes, 3)
    src, seed_grad = src.to(dtype), seed_grad.to(dtype)
    index = graph["edge_index"][1]
    leaf = src.clone().requires_grad_(True)
    output = scatter(leaf, index, dim=0, dim_size=num_nodes, reduce=reduce)
    (output * seed_grad).sum().backward()
    if reduce == "max":
        margins["max"] = min(margins.get("max", float("inf")), max_gap(src, index, num_nodes))
    return {"layer": "scatter", "args": {"dim": 0, "dim_size": num_nodes, "reduce": reduce},
            "src": tensor_json(src), "index": tensor_json(index), "output": tensor_json(output),
            "seed_grad": tensor_json(seed_grad), "src_grad": tensor_json(leaf.grad)}


# ---------------------------------------------------------------------------------------------
# Model case: the lecture's Mutagenicity network, shrunk (2 GraphConv of 8 instead of 5 of 32,
# no dropout): conv1, conv2 (GraphConv add, edge_weight, ReLU) -> global_add_pool -> lin1 + ReLU
# -> lin2 -> logits; cross_entropy (mean) against one label per graph; 5 Adam steps.


class GraphClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = GraphConv(FEATURES, 8, aggr="add")
        self.conv2 = GraphConv(8, 8, aggr="add")
        self.lin1 = nn.Linear(8, 8)
        self.lin2 = nn.Linear(8, 2)

    def forward(self, x, edge_index, edge_weight, batch, num_graphs, relu_inputs=None):
        relu_inputs = [] if relu_inputs is None else relu_inputs
        relu_inputs.append(self.conv1(x, edge_index, edge_weight))
        relu_inputs.append(self.conv2(relu_inputs[-1].relu(), edge_index, edge_weight))
        pooled = global_add_pool(relu_inputs[-1].relu(), batch, size=num_graphs)
        relu_inputs.append(self.lin1(pooled))
        return self.lin2(relu_inputs[-1].relu())


CLASSIFIER_SPEC = [
    {"name": "conv1", "layer": "GraphConv", "in_channels": FEATURES, "out_channels": 8,
     "aggr": "add", "edge_weight": True, "activation": "relu"},
    {"name": "conv2", "layer": "GraphConv", "in_channels": 8, "out_channels": 8, "aggr": "add",
     "edge_weight": True, "activation": "relu"},
    {"name": "pool", "layer": "global_add_pool"},
    {"name": "lin1", "layer": "Linear", "in_features": 8, "out_features": 8,
     "activation": "relu"},
    {"name": "lin2", "layer": "Linear", "in_features": 8, "out_features": 2}]


def classifier_case(graph, dtype, margins):
    torch.manual_seed(SEED)
    model = GraphClassifier()
    labels = torch.randint(0, 2, (graph["num_graphs"],))
    model, g = model.to(dtype), as_dtype(graph, dtype)
    fixed = (g["edge_index"], g["edge_weight"], g["batch"], g["num_graphs"])
    param_order = list(model.state_dict().keys())
    initial = param_dict(model)
    x = g["x"].clone().requires_grad_(True)
    edge_weight = g["edge_weight"].clone().requires_grad_(True)
    output = model(x, g["edge_index"], edge_weight, g["batch"], g["num_graphs"])
    loss = nn.functional.cross_entropy(output, labels)
    loss.backward()
    grads = {name: tensor_json(p.grad) for name, p in model.named_parameters()}

    # The trajectory starts from the same initial weights (the gradients above are cleared by
    # the first zero_grad); margins cover the parameters before every step and after the last.
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    losses, margin = [], float("inf")
    for step in range(STEPS + 1):
        relu_inputs = []
        step_loss = nn.functional.cross_entropy(model(g["x"], *fixed, relu_inputs), labels)
        margin = min(margin, relu_margin(relu_inputs))
        if step == STEPS:
            break
        optimizer.zero_grad()
        losses.append(step_loss.item())
        step_loss.backward()
        optimizer.step()
    margins["relu"] = min(margins.get("relu", float("inf")), margin)

    return {"model": CLASSIFIER_SPEC, "param_order": param_order, "params": initial,
            "inputs": ["x", "edge_index", "edge_weight", "batch"], "labels": tensor_json(labels),
            "output": tensor_json(output), "loss_function": "cross_entropy(reduction='mean')",
            "loss": loss.item(), "x_grad": tensor_json(x.grad),
            "edge_weight_grad": tensor_json(edge_weight.grad), "param_grads": grads,
            "optimizer": {"name": "adam", **{k: jsonable(v) for k, v in
                                             optimizer.defaults.items()}},
            "steps": STEPS, "losses": losses, "params_after": param_dict(model)}


def gnn_fixture(dtype):
    graph = make_graph()
    margins = {}
    cases = {}
    for name, module_name, (make, args), weighted in CONV_CASES:
        cases[name] = conv_case(module_name, make, args, weighted, graph, dtype, margins)
    for name, pool in POOLS:
        cases[name] = pool_case(name, pool, graph, dtype, margins)
    for reduce in ("sum", "mean", "max"):
        cases["scatter_" + reduce] = scatter_case(reduce, graph, dtype, margins)
    cases["graph_classifier"] = classifier_case(graph, dtype, margins)
    losses = cases["graph_classifier"]["losses"]
    print(f"  {dtype_name(dtype)}: smallest |ReLU input| {margins['relu']:.2g}, smallest max "
          f"gap {margins['max']:.2g}; classifier loss {losses[0]:.6g} -> {losses[-1]:.6g}")
    assert min(margins.values()) > MARGIN, f"seed {SEED} is too close to a switch: {margins}"

    meta = {"generator": GENERATOR, "torch_version": torch.__version__, "seed": SEED,
            "torch_geometric_version": torch_geometric.__version__}
    g = as_dtype(graph, dtype)
    return {"meta": meta,  # replaces fixture_json.write's meta: the same keys plus PyG's version
            "dtype": dtype_name(dtype),
            "graph": {k: tensor_json(v) if torch.is_tensor(v) else v for k, v in g.items()},
            "cases": cases}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--out", default=os.path.join(root, "tests", "data", "reference"))
    out = parser.parse_args().out
    os.makedirs(out, exist_ok=True)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)  # one thread: reductions add in one fixed order

    for dtype in (torch.float32, torch.float64):
        fixture_json.write(os.path.join(out, f"gnn_{dtype_name(dtype)}.json"),
                           gnn_fixture(dtype), GENERATOR, SEED)


if __name__ == "__main__":
    sys.exit(main())
