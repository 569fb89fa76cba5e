#!/usr/bin/python3
"""Breen et al.'s three-body surrogate from Python, over the code the CLI runs: generate the
runs (scidl three-body generate), train the paper's network from a run config (scidl train), and
write the report (scidl three-body report).

    python3 examples/python/three_body.py [OUT_DIR] [RUNS]
"""
import os
import sys

import scidl


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "runs/python_three_body"
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    data = os.path.join(out, "data")
    print("generate:", scidl.cases.three_body_generate(data, runs=runs, threads=2))
    config = {
        "seed": 1,
        "data": {"x": os.path.join(data, "train_X.csv"), "y": os.path.join(data, "train_Y.csv"),
                 "groups": os.path.join(data, "run_id.csv"), "validation_split": 0.1,
                 "split": "group"},
        "model": {"inputs": 3, "layers": [
            {"type": "dense", "units": 128, "activation": "relu", "repeat": 10},
            {"type": "dense", "units": 4}]},
        "optimizer": {"type": "adam", "lr": 5e-4, "eps": 1e-7},
        "training": {"epochs": 3, "batch_size": 5000, "loss": "mae", "metrics": ["mae"]},
        "output": {"dir": os.path.join(out, "train")},
    }
    run = scidl.train(config, overwrite=True, verbose=False)
    print("validation MAE per epoch:", [round(e["val_mae"], 4) for e in run["epochs"]])
    report = scidl.cases.three_body_report(data, run["best_model"], ring_points=200)
    print("report:", report["report"])


if __name__ == "__main__":
    main()
