"""bench/run automl_bike's data and peers: Debian gretl-data's daily bike rentals
(bikesharing.gdt, 731 days from 2011-01-01) as a CSV with the date as a column (dteday), split
once at random (seeded) into training and test rows, and the peers fitted on the same rows:

  split OUT_DIR --train-fraction F --seed S   writes OUT_DIR/train.csv and OUT_DIR/test.csv
  autogluon OUT_DIR --time-limit T --preset P AutoGluon's TabularPredictor (eval_metric rmse)
  xgboost OUT_DIR                             XGBoost alone: AutoGluon's XGB settings (lr 0.1,
                                              depth 6, hist), early stopping on a 20% holdout
  hgb OUT_DIR                                 scikit-learn's HistGradientBoosting (defaults)
  torch_mlp OUT_DIR                           scidl's NeuralNetScidl written in PyTorch

cnt is predicted without casual and registered (they sum to it). Each prints
`NAME_rmse=.. NAME_s=..` lines (test RMSE, wall seconds of fitting)."""
import argparse
import csv
import datetime
import gzip
import os
import re
import time

import numpy as np

GDT = "/usr/share/gretl/data/misc/bikesharing.gdt"
FEATURES = ["season", "holiday", "workingday", "weathersit", "temp", "atemp", "hum", "windspeed"]


def read_gdt(path):
    raw = open(path, "rb").read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    text = raw.decode()
    names = re.findall(r'<variable name="([^"]+)"', text)
    start = re.search(r'startobs="([0-9-]+)"', text).group(1)
    rows = [line.split() for line in re.findall(r"<obs>([^<]*)</obs>", text)]
    first = datetime.date.fromisoformat(start)
    return names, [(first + datetime.timedelta(days=i)).isoformat() for i in range(len(rows))], rows


def split(out, fraction, seed):
    names, dates, rows = read_gdt(GDT)
    order = np.random.default_rng(seed).permutation(len(rows))
    cut = int(round(fraction * len(rows)))
    keep = [names.index(n) for n in FEATURES] + [names.index("cnt")]
    for name, part in (("train", sorted(order[:cut])), ("test", sorted(order[cut:]))):
        with open(os.path.join(out, f"{name}.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["dteday"] + FEATURES + ["cnt"])
            for i in part:
                w.writerow([dates[i]] + [rows[i][k] for k in keep])


def load(out, name):
    """The features (the date as AutoGluon splits it: year, month, day, day of week) and cnt."""
    x, y = [], []
    with open(os.path.join(out, f"{name}.csv")) as f:
        for row in csv.DictReader(f):
            d = datetime.date.fromisoformat(row["dteday"])
            x.append([float(row[n]) for n in FEATURES] + [d.year, d.month, d.day, d.weekday()])
            y.append(float(row["cnt"]))
    return np.array(x, np.float32), np.array(y)


def rmse(a, b):
    return float(np.sqrt(np.mean((np.asarray(a, float) - np.asarray(b, float)) ** 2)))


def autogluon(out, time_limit, preset):
    import pandas as pd
    from autogluon.tabular import TabularPredictor

    train = pd.read_csv(os.path.join(out, "train.csv"))
    test = pd.read_csv(os.path.join(out, "test.csv"))
    start = time.time()
    predictor = TabularPredictor(label="cnt", eval_metric="rmse", path=os.path.join(out, "ag"),
                                 verbosity=0).fit(train, time_limit=time_limit,
                                                  presets=f"{preset}_quality")
    seconds = time.time() - start
    board = predictor.leaderboard(test, silent=True)
    best_single = -board[board["stack_level"] == 1]["score_test"].max()
    print(f"autogluon_rmse={rmse(predictor.predict(test), test['cnt']):.2f}")
    print(f"autogluon_best_single_rmse={best_single:.2f}")
    for _, row in board[board["stack_level"] == 1].iterrows():
        print(f"autogluon_model:{row['model']}={-row['score_test']:.2f}")
    print(f"autogluon_s={seconds:.2f}")


def xgboost_alone(out):
    import xgboost as xgb

    (x, y), (xt, yt) = load(out, "train"), load(out, "test")
    order = np.random.default_rng(0).permutation(len(x))
    n_val = int(round(0.2 * len(x)))
    val, fit = order[:n_val], order[n_val:]
    start = time.time()
    model = xgb.XGBRegressor(n_estimators=10000, learning_rate=0.1, max_depth=6,
                             tree_method="hist", early_stopping_rounds=50, n_jobs=1)
    model.fit(x[fit], y[fit], eval_set=[(x[val], y[val])], verbose=False)
    print(f"xgboost_rmse={rmse(model.predict(xt), yt):.2f}")
    print(f"xgboost_s={time.time() - start:.2f}")


def hist_gradient_boosting(out):
    from sklearn.ensemble import HistGradientBoostingRegressor

    (x, y), (xt, yt) = load(out, "train"), load(out, "test")
    start = time.time()
    hgb = HistGradientBoostingRegressor(random_state=0).fit(x, y)
    print(f"hgb_rmse={rmse(hgb.predict(xt), yt):.2f}")
    print(f"hgb_s={time.time() - start:.2f}")


def torch_mlp(out):
    """scidl's NeuralNetScidl in PyTorch: 2 x 128 ReLU, dropout 0.1, Adam 3e-3, standardised
    inputs and target, early stopping on a 20% holdout (patience 30) with the best weights."""
    import copy

    import torch

    (x, y), (xt, yt) = load(out, "train"), load(out, "test")
    torch.manual_seed(0)
    torch.set_num_threads(1)
    order = np.random.default_rng(0).permutation(len(x))
    n_val = int(round(0.2 * len(x)))
    val, fit = order[:n_val], order[n_val:]
    mean, std = x[fit].mean(0), x[fit].std(0) + 1e-7
    ym, ys = y[fit].mean(), y[fit].std()
    tx = lambda a: torch.tensor((a - mean) / std)
    ty = lambda a: torch.tensor(((a - ym) / ys).astype(np.float32))[:, None]
    xf, yf, xv, yv = tx(x[fit]), ty(y[fit]), tx(x[val]), ty(y[val])
    start = time.time()
    model = torch.nn.Sequential(torch.nn.Linear(x.shape[1], 128), torch.nn.ReLU(),
                                torch.nn.Dropout(0.1), torch.nn.Linear(128, 128), torch.nn.ReLU(),
                                torch.nn.Dropout(0.1), torch.nn.Linear(128, 1))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    best, best_state, wait = float("inf"), None, 0
    for _ in range(500):
        model.train()
        for idx in torch.randperm(len(xf)).split(max(16, len(xf) // 16)):
            opt.zero_grad()
            torch.nn.functional.mse_loss(model(xf[idx]), yf[idx]).backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            v = torch.nn.functional.mse_loss(model(xv), yv).item()
        if v < best:
            best, best_state, wait = v, copy.deepcopy(model.state_dict()), 0
        else:
            wait += 1
            if wait >= 30:
                break
    model.load_state_dict(best_state)
    with torch.no_grad():
        pred = model(tx(xt)).numpy()[:, 0]
    print(f"torch_mlp_rmse={rmse(pred * ys + ym, yt):.2f}")
    print(f"torch_mlp_s={time.time() - start:.2f}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["split", "autogluon", "xgboost", "hgb", "torch_mlp"])
    p.add_argument("out")
    p.add_argument("--train-fraction", type=float, default=0.7)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--time-limit", type=float, default=60)
    p.add_argument("--preset", default="medium")
    a = p.parse_args()
    if a.mode == "split":
        split(a.out, a.train_fraction, a.seed)
    elif a.mode == "autogluon":
        autogluon(a.out, a.time_limit, a.preset)
    elif a.mode == "xgboost":
        xgboost_alone(a.out)
    elif a.mode == "hgb":
        hist_gradient_boosting(a.out)
    else:
        torch_mlp(a.out)


if __name__ == "__main__":
    main()
