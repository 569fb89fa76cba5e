#!/usr/bin/env python3
"""Writes the Davies et al. (Nature 600, 70, 2021) knot dataset for scidl: hyperbolic invariants
of the Hoste-Thistlethwaite census knots and their signatures, as CSV tables scidl trains on.

Run by hand to prepare data; SnapPy is a data-preparation tool only, never a dependency of scidl:
    python3 -m venv /tmp/knots && /tmp/knots/bin/pip install snappy snappy_manifolds
    /tmp/knots/bin/python tools/make_knot_dataset.py --out data/knots [--limit 2000]

Writes to --out:
  knots.csv      name, the invariants below, signature (one row per knot)
  train_X.csv    the invariants only (header row), for `scidl train` and `scidl explain`
  train_Y.csv    the class index of the signature among the even signatures seen (header "class")
  classes.csv    class index -> signature
Invariants (the paper's names; the two torsion degrees need SageMath and are left out):
  chern_simons, cusp_volume, injectivity_radius, longitudinal_translation,
  meridinal_translation_imag, meridinal_translation_real, short_geodesic_imag_part,
  short_geodesic_real_part, Symmetry_0, Symmetry_D3, Symmetry_D4, Symmetry_D6, Symmetry_D8,
  Symmetry_Z/2 + Z/2, volume
Conventions (see docs in REFERENCES.md, "Davies et al."):
  - cusp translations are SnapPy's on the maximal cusp: meridian complex, longitude real;
  - cusp_volume = cusp area / 2 (the volume of the maximal cusp);
  - the shortest geodesic's complex length gives short_geodesic_*; injectivity_radius is half
    its real part;
  - signature = signature of V + V^T for the Seifert matrix V of the census diagram, with the
    sign fixed so that the right-handed trefoil has signature -2 (checked at start-up).
Knots whose invariants fail to compute (rare numerical failures) are skipped and counted.
"""

import argparse
import csv
import math
import os
import sys

FEATURES = [
    "chern_simons", "cusp_volume", "injectivity_radius", "longitudinal_translation",
    "meridinal_translation_imag", "meridinal_translation_real", "short_geodesic_imag_part",
    "short_geodesic_real_part", "Symmetry_0", "Symmetry_D3", "Symmetry_D4", "Symmetry_D6",
    "Symmetry_D8", "Symmetry_Z/2 + Z/2", "volume",
]
SYMMETRY_GROUPS = ["0", "D3", "D4", "D6", "D8", "Z/2 + Z/2"]


def symmetric_signature(matrix):
    """Number of positive minus number of negative eigenvalues of a symmetric integer matrix."""
    import numpy as np

    eigenvalues = np.linalg.eigvalsh(np.array(matrix, dtype=float))
    return int((eigenvalues > 1e-9).sum() - (eigenvalues < -1e-9).sum())


def seifert_signature(link, sign):
    v = [[int(x) for x in row] for row in link.seifert_matrix()]
    n = len(v)
    sym = [[v[i][j] + v[j][i] for j in range(n)] for i in range(n)]
    return sign * symmetric_signature(sym)


def signature_sign():
    """+1 or -1 so that the right-handed trefoil gets signature -2 (the usual convention)."""
    import spherogram

    # The census trefoil is not hyperbolic; spherogram's Link('3_1') is one handedness of it and
    # its mirror the other. The right-handed trefoil has positive writhe (all crossings +1).
    trefoil = spherogram.Link("3_1")
    if sum(c.sign for c in trefoil.crossings) < 0:
        trefoil = trefoil.mirror()
    raw = symmetric_signature(
        [[a + b for a, b in zip(row, col)] for row, col in zip(trefoil.seifert_matrix(),
                                                              zip(*trefoil.seifert_matrix()))])
    if abs(raw) != 2:
        sys.exit(f"trefoil check failed: signature {raw}; the Seifert matrix convention changed")
    return -1 if raw == 2 else 1


def invariants(manifold):
    meridian, longitude = manifold.cusp_translations()[0]
    shortest = manifold.length_spectrum_alt(count=1)[0].length
    group = str(manifold.symmetry_group())
    row = {
        "chern_simons": float(manifold.chern_simons()),
        "cusp_volume": float(manifold.cusp_areas()[0]) / 2,
        "injectivity_radius": float(shortest.real()) / 2,
        "longitudinal_translation": float(longitude.real() if hasattr(longitude, "real") else longitude),
        "meridinal_translation_imag": float(meridian.imag()),
        "meridinal_translation_real": float(meridian.real()),
        "short_geodesic_imag_part": float(shortest.imag()),
        "short_geodesic_real_part": float(shortest.real()),
        "volume": float(manifold.volume()),
    }
    for g in SYMMETRY_GROUPS:
        row[f"Symmetry_{g}"] = 1.0 if group == g else 0.0
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--limit", type=int, default=0, help="first N census knots only (0: all)")
    args = parser.parse_args()
    import snappy

    sign = signature_sign()
    census = snappy.HTLinkExteriors(knots_vs_links="knots")
    rows, skipped = [], 0
    for index, manifold in enumerate(census):
        if args.limit and index >= args.limit:
            break
        try:
            row = invariants(manifold)
            row["signature"] = seifert_signature(manifold.link(), sign)
            row["name"] = manifold.name()
        except Exception as error:  # noqa: BLE001 - SnapPy raises many kinds; skip and count
            skipped += 1
            print(f"skipping {manifold.name()}: {error}", file=sys.stderr)
            continue
        if not all(math.isfinite(row[f]) for f in FEATURES):
            skipped += 1
            continue
        rows.append(row)
        if len(rows) % 1000 == 0:
            print(f"{len(rows)} knots", file=sys.stderr)

    os.makedirs(args.out, exist_ok=True)
    signatures = sorted({r["signature"] for r in rows})
    class_of = {s: i for i, s in enumerate(signatures)}
    with open(os.path.join(args.out, "knots.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["name"] + FEATURES + ["signature"])
        for r in rows:
            w.writerow([r["name"]] + [repr(r[k]) for k in FEATURES] + [r["signature"]])
    with open(os.path.join(args.out, "train_X.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(FEATURES)
        for r in rows:
            w.writerow([repr(r[k]) for k in FEATURES])
    with open(os.path.join(args.out, "train_Y.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["class"])
        for r in rows:
            w.writerow([class_of[r["signature"]]])
    with open(os.path.join(args.out, "classes.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["class", "signature"])
        for s, i in class_of.items():
            w.writerow([i, s])
    print(f"wrote {len(rows)} knots ({skipped} skipped), {len(signatures)} signatures, to {args.out}")


if __name__ == "__main__":
    main()
