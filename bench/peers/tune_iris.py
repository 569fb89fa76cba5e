"""bench/run tune_iris's peers: the lecture's Iris search with Ray Tune (ASHA) and with Optuna
(its ASHA, SuccessiveHalvingPruner), each driving a PyTorch training loop of scidl's
examples/tune/iris.toml network: Normalization, Dense(l1, ReLU), Dense(l2, ReLU), Dense(3),
Adam, cross-entropy, 30 epochs, batch from the space, the same 80/20 split of Debian's Iris.
Prints `ray_s=.. ray_best=..` or `optuna_s=.. optuna_best=..`: the study's wall time (Ray's
start-up included) and the
validation accuracy of its best trial (lowest last validation loss)."""
import argparse
import os
import time

import numpy as np
import torch

IRIS = "/usr/lib/python3/dist-packages/sklearn/datasets/data/iris.csv"


def load(seed=1):
    data = np.loadtxt(IRIS, delimiter=",", skiprows=1)
    x, y = data[:, :4].astype(np.float32), data[:, 4].astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(x))
    n_val = int(round(0.2 * len(x)))
    val, train = order[:n_val], order[n_val:]
    mean, std = x[train].mean(0), x[train].std(0) + 1e-7  # the Normalization layer's adapt
    x = (x - mean) / std
    return (torch.tensor(x[train]), torch.tensor(y[train]), torch.tensor(x[val]),
            torch.tensor(y[val]))


def epochs(config, data, report):
    """Trains one trial, calling report(epoch, val_loss, val_acc) after each epoch; report
    returns False to stop."""
    torch.set_num_threads(1)
    torch.manual_seed(1)
    xt, yt, xv, yv = data
    model = torch.nn.Sequential(torch.nn.Linear(4, config["l1"]), torch.nn.ReLU(),
                                torch.nn.Linear(config["l1"], config["l2"]), torch.nn.ReLU(),
                                torch.nn.Linear(config["l2"], 3))
    opt = torch.optim.Adam(model.parameters(), lr=config["lr"])
    loss_fn = torch.nn.CrossEntropyLoss()
    g = torch.Generator().manual_seed(1)
    for epoch in range(1, 31):
        model.train()
        for idx in torch.randperm(len(xt), generator=g).split(config["batch_size"]):
            opt.zero_grad()
            loss_fn(model(xt[idx]), yt[idx]).backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            out = model(xv)
            val_loss = loss_fn(out, yv).item()
            val_acc = (out.argmax(1) == yv).float().mean().item()
        if not report(epoch, val_loss, val_acc):
            return


def run_ray(samples, concurrency):
    import ray
    from ray import tune
    from ray.tune.schedulers import ASHAScheduler

    data = load()

    def trainable(config):
        epochs(config, data, lambda e, l, a: tune.report({"val_loss": l, "val_accuracy": a}) or True)

    start = time.perf_counter()  # a Ray user pays for starting Ray too
    ray.init(num_cpus=concurrency, include_dashboard=False, log_to_driver=False)
    space = {"l1": tune.choice([4, 8, 16, 32, 64]), "l2": tune.choice([4, 8, 16, 32, 64]),
             "lr": tune.loguniform(1e-4, 1e-1), "batch_size": tune.choice([2, 4, 8, 16])}
    tuner = tune.Tuner(
        tune.with_resources(trainable, {"cpu": 1}), param_space=space,
        tune_config=tune.TuneConfig(
            metric="val_loss", mode="min", num_samples=samples, max_concurrent_trials=concurrency,
            scheduler=ASHAScheduler(max_t=30, grace_period=1, reduction_factor=4)),
        run_config=tune.RunConfig(verbose=0, storage_path="/tmp/scidl_bench_ray"))
    results = tuner.fit()
    seconds = time.perf_counter() - start
    best = results.get_best_result(metric="val_loss", mode="min", scope="last")
    print(f"ray_s={seconds:.2f}")
    print(f"ray_best={best.metrics['val_accuracy']:.4f}")
    ray.shutdown()


def run_optuna(samples, concurrency):
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    data = load()

    def objective(trial):
        config = {"l1": trial.suggest_categorical("l1", [4, 8, 16, 32, 64]),
                  "l2": trial.suggest_categorical("l2", [4, 8, 16, 32, 64]),
                  "lr": trial.suggest_float("lr", 1e-4, 1e-1, log=True),
                  "batch_size": trial.suggest_categorical("batch_size", [2, 4, 8, 16])}
        last = {}

        def report(epoch, val_loss, val_acc):
            last.update(loss=val_loss, acc=val_acc)
            trial.set_user_attr("val_accuracy", val_acc)
            trial.report(val_loss, epoch)
            return not trial.should_prune()

        epochs(config, data, report)
        return last["loss"]

    study = optuna.create_study(
        direction="minimize", sampler=optuna.samplers.RandomSampler(seed=0),
        pruner=optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=4))
    start = time.perf_counter()
    study.optimize(objective, n_trials=samples, n_jobs=concurrency)
    seconds = time.perf_counter() - start
    finished = [t for t in study.trials if t.value is not None or t.intermediate_values]
    best = min(finished, key=lambda t: t.value if t.value is not None
               else t.intermediate_values[max(t.intermediate_values)])
    print(f"optuna_s={seconds:.2f}")
    print(f"optuna_best={best.user_attrs['val_accuracy']:.4f}")


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("peer", choices=["ray", "optuna"])
    p.add_argument("--samples", type=int, default=40)
    p.add_argument("--concurrency", type=int, default=os.cpu_count())
    a = p.parse_args()
    (run_ray if a.peer == "ray" else run_optuna)(a.samples, a.concurrency)
