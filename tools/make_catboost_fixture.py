"""Writes tests/data/catboost/oblivious_regression.json and oblivious_binary.json: CatBoost's
predictions (RMSE; Logloss, as class-1 probabilities) for scidl's boosted oblivious trees
(automl/oblivious_boost.h) to match exactly.

CatBoost runs deterministically here: no bootstrap, no split noise (random_strength 0), its
default Cosine score, Newton leaves, boosting from the mean. Every feature has at most 40
distinct values, so both sides put a border between every pair of neighbouring values (CatBoost's
GreedyLogSum and scidl's quantiles differ only when a feature has more values than borders).

Run with a Python that has catboost (PyPI; AutoGluon's virtual environment has it):
    /work/venvs/autogluon/bin/python tools/make_catboost_fixture.py
"""
import argparse
import json
import os

import numpy as np
from catboost import CatBoostClassifier, CatBoostRegressor, __version__

SEED = 11
OPTIONS = dict(iterations=40, learning_rate=0.1, depth=4, l2_leaf_reg=3.0, random_strength=0,
               bootstrap_type="No", score_function="Cosine", border_count=254,
               boost_from_average=True, thread_count=1, verbose=0)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "tests",
                                                 "data", "catboost"))
    out = p.parse_args().out
    rng = np.random.default_rng(SEED)
    x = (rng.integers(0, 40, (300, 4)) / 40.0).astype(np.float32)
    y = np.sin(4 * x[:, 0]) * 3 + 2 * x[:, 1] * x[:, 2] + rng.normal(0, 0.3, 300)
    train, test = slice(0, 240), slice(240, 300)
    os.makedirs(out, exist_ok=True)
    classes = (y > np.median(y)).astype(int)
    for name, model, target in (
            ("oblivious_regression", CatBoostRegressor(**OPTIONS), y),
            ("oblivious_binary", CatBoostClassifier(loss_function="Logloss", **OPTIONS), classes)):
        model.fit(x[train], target[train])
        prediction = (model.predict(x[test]) if name == "oblivious_regression" else
                      model.predict_proba(x[test])[:, 1])
        payload = {
            "meta": {"generator": "tools/make_catboost_fixture.py",
                     "catboost_version": __version__, "seed": SEED},
            "options": {k: v for k, v in OPTIONS.items() if k not in ("thread_count", "verbose")},
            "x_train": {"shape": [240, 4], "data": x[train].astype(float).reshape(-1).tolist()},
            "y_train": target[train].astype(float).tolist(),
            "x_test": {"shape": [60, 4], "data": x[test].astype(float).reshape(-1).tolist()},
            "prediction": prediction.tolist(),
        }
        with open(os.path.join(out, name + ".json"), "w") as f:
            json.dump(payload, f, indent=1)
            f.write("\n")

if __name__ == "__main__":
    main()
