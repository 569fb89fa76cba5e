#!/usr/bin/python3
"""The lecture's Keras baseline trained in PyTorch on the real Fashion-MNIST: a reference accuracy.

Same model, initialisation and recipe as examples/fashion_mnist/keras_baseline.toml (Keras's
Glorot-uniform kernels and zero biases; SGD lr 0.01 momentum 0.9; batch 32; 15 epochs; pixels
/ 255; a fresh shuffle every epoch) on Debian's dataset-fashion-mnist. Prints the test accuracy
after every epoch, as Keras's validation_data=(x_test, y_test) would, then one line
`torch_test_accuracy=<last epoch>`. It answers whether a gap between scidl and the lecture's
92.84% is scidl's or the recipe's; it is not a timed benchmark.
  /usr/bin/python3 bench/peers/torch_fashion_baseline.py [--seed S] [--epochs N]
"""

import argparse
import time

import numpy as np
import torch
from torch import nn

from fashion_mnist_files import fashion_mnist
from torch_cnn import keras_baseline_cnn, threads


def split(prefix):
    x, y = fashion_mnist(prefix)
    return torch.from_numpy(x.reshape(-1, 1, 28, 28)), torch.from_numpy(y.astype(np.int64))


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        right = sum(int((model(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum())
                    for i in range(0, len(x), 1000))
    model.train()
    return right / len(x)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=15)
    args = parser.parse_args()
    torch.set_num_threads(threads())
    torch.manual_seed(args.seed)
    model = keras_baseline_cnn()
    for m in model.modules():  # Keras's defaults
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_function = nn.CrossEntropyLoss()
    x, y = split("train")
    x_test, y_test = split("t10k")
    for epoch in range(1, args.epochs + 1):
        start = time.time()
        order = torch.randperm(len(x))
        total = 0.0
        for i in range(0, len(x), 32):
            batch = order[i:i + 32]
            optimizer.zero_grad()
            loss = loss_function(model(x[batch]), y[batch])
            loss.backward()
            optimizer.step()
            total += float(loss) * len(batch)
        test = accuracy(model, x_test, y_test)
        print(f"epoch {epoch}/{args.epochs} {time.time() - start:.1f}s loss {total / len(x):.6f} "
              f"test_accuracy {test:.4f}", flush=True)
    print(f"torch_test_accuracy={test:.4f}")


if __name__ == "__main__":
    main()
