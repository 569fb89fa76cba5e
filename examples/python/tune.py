#!/usr/bin/python3
"""The lecture's Iris search from Python: the tune config of examples/tune/iris_asha.toml as a
dict (layer widths, learning rate, batch size; ASHA on validation loss), made small here, run by
the same C++ study as `scidl tune` (trials in parallel as processes, a resumable study folder:
run it again and the finished study is read back, nothing rerun).

    python3 examples/python/tune.py [STUDY_DIR]
"""
import os
import sys

import scidl

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "runs/python_tune"
    study = scidl.tune({
        "base": os.path.join(HERE, "..", "tune", "iris.toml"),
        "metric": "val_loss", "mode": "min",
        "searcher": "random", "scheduler": "asha", "num_samples": 8, "seed": 0,
        "asha": {"max_t": 10, "grace_period": 1, "reduction_factor": 4},
        "space": {
            "model.layers[1].units": {"choice": [4, 8, 16, 32, 64]},
            "model.layers[2].units": {"choice": [4, 8, 16, 32, 64]},
            "optimizer.lr": {"loguniform": [1e-4, 1e-1]},
            "training.batch_size": {"choice": [2, 4, 8, 16]},
            "training.epochs": 10,
        },
        "output": {"dir": out},
    }, resume=os.path.exists(os.path.join(out, "study.db")))  # a rerun: nothing finished reruns
    for row in study["leaderboard"][:3]:
        print(row["rank"], f"trial_{row['trial']:04d}", row["params"], "val_loss", row["val_loss"],
              row["ended"])
    print("best:", study["best_params"], "->", study["best_model"])
    model = scidl.load_model(study["best_model"])
    print("its prediction for a setosa:", model.predict([[5.1, 3.5, 1.4, 0.2]]).argmax(1))


if __name__ == "__main__":
    main()
