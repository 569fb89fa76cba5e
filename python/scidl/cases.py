"""The scientific cases (cases/), as thin functions over the code the CLI runs.

    scidl.cases.three_body_generate("data/tb", runs=400)     # scidl three-body generate
    scidl.cases.three_body_report("data/tb", "runs/tb/best.scidl")  # scidl three-body report
    scidl.cases.random_polyhedra(1000)                       # the Euler's-formula table
"""
import os

from . import _core


def three_body_generate(out_dir, runs, seed=1, t_max=3.9, dt=1.0 / 256.0, threads=2,
                        verbose=False):
    """Breen et al.'s three-body runs into out_dir (resumable: finished runs are reused) and
    the training tables train_X.csv / train_Y.csv / run_id.csv assembled from them. Ctrl-C stops
    after the runs in progress (kept) and raises KeyboardInterrupt."""
    return _core.cases.three_body_generate(os.fspath(out_dir), runs, seed, t_max, dt, threads,
                                           verbose)


def three_body_report(dataset_dir, model_path, run_dir="", out_dir="", ring_points=1000,
                      threads=2):
    """The report of `scidl three-body report`: figures, MAEs, energy errors and speed-ups in
    out_dir/report.md (default dataset_dir/report); returns its headline numbers."""
    return _core.cases.three_body_report(os.fspath(dataset_dir), os.fspath(model_path),
                                         os.fspath(run_dir), os.fspath(out_dir), ring_points,
                                         threads)


def random_polyhedra(count=1000, seed=0):
    """Random convex lattice polyhedra as arrays: vertices, edges, faces, volume, surface_area
    (V - E + F = 2 for every one)."""
    return _core.cases.random_polyhedra(count, seed)


knot_invariant_names = _core.cases.knot_invariant_names
slope_rule_signature = _core.cases.slope_rule_signature
