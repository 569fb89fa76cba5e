"""AutoML on a table, as AutoGluon does it (scidl automl): a zoo of linear, scidl MLP, XGBoost,
forest and CatBoost-style boosted models, a holdout (medium) or k-fold bagging (best), Caruana's
greedy ensemble and a leaderboard. A table is a path (CSV or gretl .gdt) or columns as a dict of
sequences (a pandas DataFrame converts with `dict(df)`)::

    predictor = scidl.automl.fit("bikes.csv", target="cnt", out="runs/bikes",
                                 exclude=["casual", "registered"], train_fraction=0.7)
    predictor.leaderboard[0]        # the best model, AutoGluon's columns
    predictor.predict("new_days.csv")   # values, or class probabilities (predictor.classes)
    scidl.automl.load("runs/bikes")

The fit releases the GIL; Ctrl-C stops it with a predictor of the models fitted so far.
"""
from . import _core


class Predictor:
    """A fitted predictor: its folder's models and ensemble, and the fit's leaderboard."""

    def __init__(self, path, fit_result=None):
        self._core = _core.AutomlPredictor(str(path))
        self.path = str(path)
        self.leaderboard = fit_result["leaderboard"] if fit_result else None
        self.failures = fit_result["failures"] if fit_result else None
        self.fit_seconds = fit_result["fit_seconds"] if fit_result else None

    task = property(lambda self: self._core.task)
    target = property(lambda self: self._core.target)
    metric = property(lambda self: self._core.metric)
    classes = property(lambda self: self._core.classes)
    best = property(lambda self: self._core.best)
    models = property(lambda self: self._core.models)

    def predict(self, table, model=None):
        """Predictions [rows, 1] (regression) or class probabilities [rows, classes] of `model`
        (default: the best) for a table of the training columns, read by name."""
        return self._core.predict(table if isinstance(table, dict) else str(table), model or "")

    def __repr__(self):
        return f"scidl.automl.Predictor({self.path!r}, task={self.task!r}, best={self.best!r})"


def fit(data, target, out, *, task=None, metric="", time_limit=0.0, preset="medium", test=None,
        train_fraction=1.0, seed=0, exclude=(), models=(), overwrite=False, verbose=True,
        bag_sets=0, refit_full=True):
    """Fits the zoo to `data` and saves the predictor in `out`; returns it (see the module).
    `bag_sets` (preset "best"): the most k-fold bagging repeats, as `scidl automl --bag-sets`
    (0: 20 while the time limit allows, 1 without a limit). `refit_full` (preset "medium"):
    each model fitted again on every row once the holdout has judged it (False: as
    `scidl automl --no-refit-full`)."""
    result = _core.automl_fit(data if isinstance(data, dict) else str(data), target, str(out),
                              task, metric, float(time_limit), preset,
                              test if test is None or isinstance(test, dict) else str(test),
                              float(train_fraction), int(seed), list(exclude), list(models),
                              overwrite, verbose, int(bag_sets), bool(refit_full))
    return Predictor(out, result)


def load(path):
    """The predictor scidl automl saved in `path`."""
    return Predictor(path)
