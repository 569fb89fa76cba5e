"""scidl.automl from Python: a fit from columns, the leaderboard, the predictor read back, and
the CLI's messages as Python exceptions."""
import numpy as np
import pytest

import scidl

BIKES = "/usr/share/gretl/data/misc/bikesharing.gdt"


def test_fit_on_columns_ranks_the_zoo_and_predicts_by_column_name(tmp_path, regression):
    x, y = regression
    colour = np.array(["red", "green", "blue"])[np.arange(len(x)) % 3]
    data = {"a": x[:, 0], "b": x[:, 1], "c": x[:, 2], "colour": colour,
            "y": y[:, 0] + (colour == "red")}
    predictor = scidl.automl.fit(data, "y", tmp_path / "run", models=["LinearModel", "XGBoost"],
                                 verbose=False)
    assert predictor.task == "regression" and predictor.metric == "rmse"
    names = [row["model"] for row in predictor.leaderboard]
    assert sorted(names) == ["LinearModel", "WeightedEnsemble_L2", "XGBoost"]
    assert predictor.best == names[0]
    fitted = predictor.predict(data)
    assert fitted.shape == (len(x), 1)
    assert np.sqrt(np.mean((fitted[:, 0] - data["y"]) ** 2)) < 0.5 * np.std(data["y"])
    # Read back, with the columns in another order and no target: read by name.
    again = scidl.automl.load(tmp_path / "run")
    p = again.predict({"colour": colour[:5], "c": x[:5, 2], "b": x[:5, 1], "a": x[:5, 0]})
    np.testing.assert_allclose(p, fitted[:5], rtol=1e-6)


def test_classes_come_back_as_probabilities(tmp_path, blobs):
    x, y, _, _ = blobs
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    data = {f"x{i}": x[:, i] for i in range(4)} | {"species": names}
    predictor = scidl.automl.fit(data, "species", tmp_path / "run", models=["XGBoost"],
                                 train_fraction=0.75, seed=2, verbose=False)
    assert predictor.task == "classification"
    assert predictor.classes == ["setosa", "versicolor", "virginica"]
    assert predictor.leaderboard[0]["score_test"] > 0.9
    p = predictor.predict({f"x{i}": x[:10, i] for i in range(4)})
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-5)


def test_a_missing_target_names_the_columns(tmp_path):
    with pytest.raises(ValueError, match="--target 'count' is not a column of the table"):
        scidl.automl.fit(BIKES, "count", tmp_path / "run", verbose=False)
    assert not (tmp_path / "run").exists()


def test_bag_sets_repeat_the_k_fold_bagging(tmp_path, regression):
    x, y = regression
    data = {"a": x[:, 0], "b": x[:, 1], "c": x[:, 2], "y": y[:, 0]}
    scidl.automl.fit(data, "y", tmp_path / "run", preset="best", models=["LinearModel"],
                     bag_sets=2, verbose=False)
    # 256 rows: 8 folds (min(8, max(5, 25))), twice over on two deals of the rows.
    folds = sorted(p.name.split(".")[0] for p in (tmp_path / "run/models/LinearModel").iterdir()
                   if p.name.startswith("fold"))
    assert sorted(set(folds)) == sorted(f"fold{n}" for n in range(16))
    with pytest.raises(ValueError, match=r"bag_sets must be in \[1, 100\]"):
        scidl.automl.fit(data, "y", tmp_path / "again", bag_sets=101, verbose=False)
