"""BA-2Motifs: how the network and its training change how well integrated gradients on the edges
find the motif. A PyTorch Geometric twin of `scidl train examples/graphs/ba2motifs.toml` followed
by `scidl explain --method ig`, run by hand to measure alternatives faster than rebuilding
configs (examples/graphs/README.md, "Planted motifs", quotes its figures).

Reads a folder `scidl graphs generate --motifs ba2` wrote, holds out 10% of the graphs (seeded),
trains GraphConv layers + global pool + Dense ReLU + Dense 2 with Adam and cross-entropy, then
explains each held-out graph's predicted class as PyG's Captum tutorial does: an all-ones edge
mask passed as edge weight, integrated gradients from the zero mask with 50 Gauss-Legendre
points, both directions of an edge summed. Prints the mean per-graph ROC-AUC of the signed
attributions against the motif edges (all graphs, houses, 5-cycles) for three explained scores:
the class logit, its log-probability (the tutorial's network ends in log_softmax) and its log-odds
(for two classes the logit difference). With --members K, K networks trained on the same split
are explained together as the mean of their outputs.

  /work/venvs/torch2/bin/python tools/ba2motifs_ig_sweep.py --data BA2Motifs --seed 1 \
      [--layers 3 --width 32 --epochs 100 --edge-weights none|alpha|uniform|drop:P|...]
      [--members 5]
"""
import argparse
import os

import numpy as np
import torch
import torch.nn.functional as F
from torch_geometric.nn import GCNConv, GraphConv, global_add_pool, global_max_pool, global_mean_pool

p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
p.add_argument("--data", default="BA2Motifs")
p.add_argument("--layers", type=int, default=3)
p.add_argument("--width", type=int, default=32)
p.add_argument("--aggr", default="add", help="GraphConv aggregation: add, mean, max")
p.add_argument("--pool", default="add", help="global pool: add, mean, max")
p.add_argument("--conv", default="graph", help="graph (GraphConv) or gcn (GCNConv)")
p.add_argument("--epochs", type=int, default=100)
p.add_argument("--lr", type=float, default=1e-3)
p.add_argument("--weight-decay", type=float, default=0)
p.add_argument("--dropout", type=float, default=0, help="after the Dense ReLU layer")
p.add_argument("--edge-weights", default="none",
               help="training edge weights: none (ones); alpha (one U(0,1) per graph); "
                    "uniform (U(0,1) per edge); drop:P (each edge 0 with probability P); "
                    "mix:P (alpha for a share P of the graphs, else ones); half:LO (one "
                    "U(LO,1) per graph); mixup:P (mix:P with the label mixed toward uniform "
                    "by 1 - alpha)")
p.add_argument("--seed", type=int, default=1)
p.add_argument("--members", type=int, default=1,
               help="an ensemble of this many networks (seeds SEED + 1000 k), explained as the "
                    "mean of their outputs, as scidl explain --model A --model B ...")
a = p.parse_args()
torch.manual_seed(a.seed)
np.random.seed(a.seed)
torch.set_num_threads(1)

name = os.path.basename(os.path.abspath(a.data))
read = lambda what: np.loadtxt(f"{a.data}/{name}_{what}.txt", delimiter=",", dtype=np.int64)
A, indicator = read("A") - 1, read("graph_indicator") - 1
labels, truth = read("graph_labels"), read("edge_ground_truth")
graphs = []
for g in range(labels.shape[0]):
    nodes = np.nonzero(indicator == g)[0]
    rows = indicator[A[:, 0]] == g
    graphs.append(dict(x=torch.ones(len(nodes), 1), edge_index=torch.tensor(A[rows].T - nodes[0]),
                       y=int(labels[g]), truth=truth[rows], n=len(nodes)))
order = np.random.RandomState(a.seed).permutation(len(graphs))
test, train = order[: len(graphs) // 10], order[len(graphs) // 10:]


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        width = [1] + [a.width] * a.layers
        conv = lambda i, o: GraphConv(i, o, aggr=a.aggr) if a.conv == "graph" else GCNConv(i, o)
        self.convs = torch.nn.ModuleList(conv(width[k], width[k + 1]) for k in range(a.layers))
        self.lin1, self.lin2 = torch.nn.Linear(a.width, a.width), torch.nn.Linear(a.width, 2)
        self.pool = dict(add=global_add_pool, mean=global_mean_pool, max=global_max_pool)[a.pool]

    def forward(self, x, edge_index, batch, edge_weight, graphs):
        for conv in self.convs:
            x = conv(x, edge_index, edge_weight).relu()
        x = F.dropout(self.lin1(self.pool(x, batch, graphs)).relu(), a.dropout, self.training)
        return self.lin2(x)


def collate(ids):
    xs, edges, batch, offset = [], [], [], 0
    for k, g in enumerate(ids):
        xs.append(graphs[g]["x"])
        edges.append(graphs[g]["edge_index"] + offset)
        batch.append(torch.full((graphs[g]["n"],), k))
        offset += graphs[g]["n"]
    return torch.cat(xs), torch.cat(edges, 1), torch.cat(batch)


def training_weights(ids):
    """Edge weights for a training batch, and each graph's alpha (1 where unscaled)."""
    sizes = [graphs[g]["edge_index"].shape[1] for g in ids]
    mode, _, arg = a.edge_weights.partition(":")
    alphas = torch.ones(len(ids))
    if mode == "none":
        return None, alphas
    if mode in ("uniform", "drop"):
        e = sum(sizes)
        return (torch.rand(e) if mode == "uniform" else (torch.rand(e) >= float(arg)).float()), alphas
    for k in range(len(ids)):
        if mode == "alpha":
            alphas[k] = torch.rand(())
        elif mode in ("mix", "mixup"):
            alphas[k] = torch.rand(()) if torch.rand(()) < float(arg) else 1.0
        elif mode == "half":
            alphas[k] = float(arg) + (1 - float(arg)) * torch.rand(())
        else:
            raise SystemExit(f"unknown --edge-weights {a.edge_weights}")
    return torch.cat([torch.full((s,), float(al)) for s, al in zip(sizes, alphas)]), alphas


def fit(member):
    torch.manual_seed(a.seed + 1000 * member)
    np.random.seed(a.seed + 1000 * member)
    model = Net()
    optimizer = torch.optim.Adam(model.parameters(), lr=a.lr, weight_decay=a.weight_decay)
    for epoch in range(a.epochs):
        model.train()
        shuffled = np.random.permutation(train)
        for i in range(0, len(shuffled), 64):
            ids = shuffled[i: i + 64]
            x, edge_index, batch = collate(ids)
            weights, alphas = training_weights(ids)
            out = model(x, edge_index, batch, weights, len(ids))
            y = torch.tensor([graphs[g]["y"] for g in ids])
            if a.edge_weights.startswith("mixup"):
                soft = alphas[:, None] * F.one_hot(y, 2).float() + (1 - alphas[:, None]) * 0.5
                loss = -(soft * out.log_softmax(1)).sum(1).mean()
            else:
                loss = F.cross_entropy(out, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model


class Ensemble(torch.nn.Module):
    def __init__(self, members):
        super().__init__()
        self.members = torch.nn.ModuleList(members)

    def forward(self, *args):
        return torch.stack([m(*args) for m in self.members]).mean(0)


model = Ensemble([fit(k) for k in range(a.members)])
model.eval()
with torch.no_grad():
    x, edge_index, batch = collate(test)
    predicted = model(x, edge_index, batch, None, len(test)).argmax(1)
    accuracy = (predicted == torch.tensor([graphs[g]["y"] for g in test])).float().mean().item()

points, weights = np.polynomial.legendre.leggauss(50)  # Captum's gausslegendre on [0, 1]
alphas = torch.tensor(0.5 * (points + 1), dtype=torch.float32)
steps = torch.tensor(0.5 * weights, dtype=torch.float32)


def roc_auc(scores, positive):
    """Mann-Whitney, ties counting half (as scidl's explain::roc_auc)."""
    order = np.argsort(scores, kind="mergesort")
    ranks, i = np.empty(len(scores)), 0
    while i < len(order):
        j = i
        while j < len(order) and scores[order[j]] == scores[order[i]]:
            j += 1
        ranks[order[i:j]] = 0.5 * (i + j + 1)
        i = j
    pos = positive.sum()
    return (ranks[positive == 1].sum() - pos * (pos + 1) / 2) / (pos * (len(scores) - pos))


report = []
for score in ("logit", "log_probability", "log_odds"):
    by_class = {0: [], 1: []}
    for g in test:
        d, S = graphs[g], len(alphas)
        e = d["edge_index"].shape[1]
        x = d["x"].repeat(S, 1)
        edge_index = torch.cat([d["edge_index"] + k * d["n"] for k in range(S)], 1)
        batch = torch.arange(S).repeat_interleave(d["n"])
        with torch.no_grad():
            c = int(model(d["x"], d["edge_index"], torch.zeros(d["n"], dtype=torch.long), None, 1).argmax())
        mask = (alphas[:, None] * torch.ones(S, e)).requires_grad_(True)
        out = model(x, edge_index, batch, mask.reshape(-1), S)
        f = {"logit": out[:, c], "log_probability": out.log_softmax(1)[:, c],
             "log_odds": out[:, c] - out[:, 1 - c]}[score]
        gradient, = torch.autograd.grad(f.sum(), mask)
        attribution = (steps[:, None] * gradient).sum(0).numpy()  # input ones, baseline zeros
        edges = {}
        for k in range(e):
            u, v = sorted(int(t) for t in d["edge_index"][:, k])
            total, motif = edges.get((u, v), (0.0, 0))
            edges[(u, v)] = (total + attribution[k], motif | int(d["truth"][k]))
        values = np.array(list(edges.values()))
        by_class[d["y"]].append(roc_auc(values[:, 0], values[:, 1].astype(int)))
    everything = by_class[0] + by_class[1]
    report.append(f"{score} {np.mean(everything):.4f} (house {np.mean(by_class[0]):.4f}, "
                  f"5-cycle {np.mean(by_class[1]):.4f})")
settings = {k: v for k, v in vars(a).items() if k != "data"}
print(f"{settings} held-out accuracy {accuracy:.3f}; edge ROC-AUC: " + "; ".join(report), flush=True)
