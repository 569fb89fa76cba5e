#!/usr/bin/env python3
"""Benchmark, peer side: REBOUND's IAS15 (Rein & Spiegel 2015) on the initial conditions that
bench_three_body_integrator wrote, to the same end time through the same output grid.

    python3 three_body_integrator.py --initial IC.csv --final FINAL.csv

IAS15 runs at its default epsilon (1e-9) and is timed; a second run at epsilon 1e-11 serves as its
own convergence check (final positions agree to 1e-6). Prints rebound_ms_per_run=<median> and
max_position_diff=<max over runs where both converge of the max |position difference| at the end
between IAS15 and scidl's converged reference>. REBOUND is a peer for comparison only
(pip install rebound); scidl does not depend on it.
"""
import argparse
import csv
import statistics
import time

import rebound


def integrate(x2, y2, t_end, dt, rows, epsilon, through_grid=True):
    sim = rebound.Simulation()
    sim.G = 1.0
    sim.integrator = "ias15"
    sim.integrator.epsilon = epsilon
    for x, y in ((1.0, 0.0), (x2, y2), (-1.0 - x2, -y2)):
        sim.add(m=1.0, x=x, y=y)
    start = time.thread_time()  # CPU time, as on our side: robust to a busy machine
    for k in range(1, rows) if through_grid else [rows - 1]:
        sim.integrate(k * dt, exact_finish_time=1)
    elapsed = time.thread_time() - start
    assert abs(sim.t - t_end) < 1e-12
    return elapsed, [c for p in sim.particles for c in (p.x, p.y)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--initial", required=True)
    parser.add_argument("--final", required=True)
    args = parser.parse_args()
    with open(args.final) as f:
        ours = {int(r["run"]): r for r in csv.DictReader(f)}
    times, direct_times, worst, both = [], [], 0.0, 0
    with open(args.initial) as f:
        for row in csv.DictReader(f):
            run, x2, y2 = int(row["run"]), float(row["x2"]), float(row["y2"])
            t_end, dt, rows = float(row["t_end"]), float(row["dt"]), int(row["rows"])
            elapsed, final = integrate(x2, y2, t_end, dt, rows, 1e-9)
            times.append(elapsed)
            # Straight to t_end, no stops: the integrator without the Python call per output.
            direct_times.append(integrate(x2, y2, t_end, dt, rows, 1e-9, through_grid=False)[0])
            _, check = integrate(x2, y2, t_end, dt, rows, 1e-11)
            rebound_converged = max(abs(a - b) for a, b in zip(final, check)) < 1e-6
            reference = ours[run]
            if rebound_converged and reference["converged"] == "1":
                both += 1
                ref = [float(reference[k]) for k in ("x1", "y1", "x2", "y2", "x3", "y3")]
                worst = max(worst, max(abs(a - b) for a, b in zip(final, ref)))
    print(f"rebound_version={rebound.__version__}")
    print(f"rebound_both_converged_runs={both}/{len(times)}")
    print(f"rebound_ms_per_run_no_output_stops={1e3 * statistics.median(direct_times):.3f}")
    print(f"rebound_ms_per_run={1e3 * statistics.median(times):.3f}")
    print(f"max_position_diff={worst:.3g}")


if __name__ == "__main__":
    main()
