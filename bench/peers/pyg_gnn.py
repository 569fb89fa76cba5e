"""PyTorch Geometric side of `bench/run gnn`: the same epoch as bench/gnn.cpp.

The lecture's network (PyG's Captum tutorial Net with dim = --dim): 5 GraphConv + ReLU,
global_add_pool, Linear + ReLU, dropout 0.5, Linear(dim, 2); Adam 1e-3; cross entropy; the
molecule graphs of a TU folder (read with torch_geometric.io.read_tu_data, node attributes
included), class = TPSA above its median; shuffled DataLoader batches. Prints
`torch_s=<median epoch>` over --epochs timed epochs after one warm-up epoch. --torch-mode: eager,
or through torch.compile with dynamic shapes (batches differ in nodes and edges; torch_modes.py).
"""

import argparse
import os
import time

import torch
import torch.nn.functional as F
from torch_geometric.io import read_tu_data
from torch_geometric.loader import DataLoader
from torch_geometric.nn import GraphConv, global_add_pool

import torch_modes


class Net(torch.nn.Module):
    def __init__(self, features, dim):
        super().__init__()
        self.convs = torch.nn.ModuleList(
            [GraphConv(features if i == 0 else dim, dim) for i in range(5)])
        self.lin1 = torch.nn.Linear(dim, dim)
        self.lin2 = torch.nn.Linear(dim, 2)

    def forward(self, x, edge_index, batch):
        for conv in self.convs:
            x = conv(x, edge_index).relu()
        x = global_add_pool(x, batch)
        x = F.dropout(self.lin1(x).relu(), p=0.5, training=self.training)
        return self.lin2(x)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--dim", type=int, default=64)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--epochs", type=int, default=3)
    torch_modes.add_argument(p)
    a = p.parse_args()
    torch_modes.require(a.torch_mode)
    folder = os.path.abspath(a.data)
    out = read_tu_data(folder, os.path.basename(folder))
    data, slices = out[0], out[1]
    y = data.y.view(-1)
    labels = (y > y.median()).long()
    graphs = []
    for g in range(labels.numel()):
        n0, n1 = slices["x"][g].item(), slices["x"][g + 1].item()
        e0, e1 = slices["edge_index"][g].item(), slices["edge_index"][g + 1].item()
        from torch_geometric.data import Data
        graphs.append(Data(x=data.x[n0:n1].float(), edge_index=data.edge_index[:, e0:e1],
                           y=labels[g:g + 1]))
    torch.manual_seed(0)
    model = Net(graphs[0].x.shape[1], a.dim)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loader = DataLoader(graphs, batch_size=a.batch, shuffle=True)
    loss_of = torch_modes.loss_of(a.torch_mode, model, F.cross_entropy, dynamic=True)
    opt_step = torch_modes.step_of(a.torch_mode, opt)
    times = []
    for epoch in range(a.epochs + 1):
        model.train()
        t0 = time.perf_counter()
        for b in loader:
            opt.zero_grad()
            loss = loss_of(b.x, b.edge_index, b.batch, b.y)
            loss.backward()
            opt_step()
        if epoch > 0:
            times.append(time.perf_counter() - t0)
    times.sort()
    print(f"torch_s={times[len(times) // 2]:.4f}")


if __name__ == "__main__":
    main()
