#!/usr/bin/env python3
"""Writes the Davies et al. (Nature 600, 70, 2021) knot dataset for scidl: hyperbolic invariants
of Hoste-Thistlethwaite census knots and their signatures, as one gzip'd CSV that
`scidl knots prepare` splits and standardises.

Run by hand to prepare data; SnapPy is a data-preparation tool only, never a dependency of scidl:
    python3 -m venv /tmp/knots && /tmp/knots/bin/pip install snappy snappy_manifolds numpy
    nice -n 10 /tmp/knots/bin/python tools/make_knot_dataset.py --work /tmp/knot_parts \
        --count 30000 --out data/knots/knots.csv.gz [--processes 2]

The census knots are visited in a fixed random order (seed 0), so any prefix is a uniform sample
of the census. Work is done in chunks of --chunk knots, each written to --work as soon as it is
done; a stopped run resumes where it stopped, losing at most one chunk per process. The final file
concatenates the chunks in order and keeps the first --count knots.

Columns: name, then the invariants (the paper's names), then signature. Of the paper's 17
invariants, 12 are written by default. Left out: the two torsion degrees
(hyperbolic_torsion_degree, hyperbolic_adjoint_torsion_degree), which need SageMath, and the
three shortest-geodesic ones (injectivity_radius, short_geodesic_real_part,
short_geodesic_imag_part), which --geodesic-tries N adds at a price: see below.

Cost (SnapPy 3.3.2, spherogram 2.4.1, one core of a busy 2-core machine, per knot): loading the
census manifold 30 ms, cusp, Chern-Simons, volume and symmetry group 15 ms, the diagram 12 ms,
the Goeritz signature 3 ms: about 60 ms. The shortest geodesic adds 40-100 ms per Dirichlet
attempt, and on a random sample only 4 of 12 census triangulations (canonical) gave a Dirichlet
domain at the first attempt, 8 of 25 within 4 attempts; the verified length_spectrum_alt took
35-190 s. Knots are left out when every attempt fails, so --geodesic-tries both triples the cost
and drops about half the census, biased towards the knots SnapPea's Dirichlet code dislikes.
Conventions (see REFERENCES.md, "Davies et al."):
  - cusp translations are on the maximal cusp (SnapPea's cusp neighbourhood at its stopping
    displacement): meridian complex, longitude real; cusp_volume is that cusp's volume. Checked
    by hand on K8a7: they equal the verified cusp_translations() and cusp_areas() / 2.
  - with --geodesic-tries N: short_geodesic_* is the complex length of the shortest closed
    geodesic, from the Dirichlet domain's length spectrum (cutoff 2.5), on the canonical
    triangulation and then N - 1 random retriangulations; injectivity_radius is half its real
    part.
  - symmetry group one-hot over the paper's six groups; other groups (e.g. Z/2) get all zeros.
  - signature = signature of V + V^T for the Seifert matrix V of the census diagram, with the
    sign fixed so that the right-handed (positive) trefoil has signature -2 (checked at start-up
    on both trefoils, and on 5_1 (-4 positive), 4_1 (0)); the census diagram M.link() is the one
    the triangulation M was built from, so both see the same chirality.
Knots whose invariants fail to compute are left out and counted, by reason.
"""

import argparse
import collections
import csv
import gzip
import math
import os
import random
import sys
import time

FEATURES = [
    "chern_simons", "cusp_volume", "longitudinal_translation", "meridinal_translation_imag",
    "meridinal_translation_real", "Symmetry_0", "Symmetry_D3", "Symmetry_D4", "Symmetry_D6",
    "Symmetry_D8", "Symmetry_Z/2 + Z/2", "volume",
]
GEODESIC_FEATURES = ["injectivity_radius", "short_geodesic_imag_part", "short_geodesic_real_part"]
SYMMETRY_GROUPS = ["0", "D3", "D4", "D6", "D8", "Z/2 + Z/2"]
GEODESIC_CUTOFF = 2.5


def symmetric_signature(matrix):
    """Number of positive minus number of negative eigenvalues of a symmetric integer matrix."""
    import numpy as np

    eigenvalues = np.linalg.eigvalsh(np.array(matrix, dtype=float))
    return int((eigenvalues > 1e-9).sum() - (eigenvalues < -1e-9).sum())


def raw_signature(link):
    v = link.seifert_matrix()
    n = len(v)
    return symmetric_signature([[int(v[i][j]) + int(v[j][i]) for j in range(n)] for i in range(n)])


def goeritz_signature(link):
    """The signature by Gordon and Litherland's formula on the Goeritz matrix of a checkerboard
    colouring: sign(G) + correction, negated so that positive knots have negative signature.
    This is spherogram's Link.signature() (which needs Sage) with numpy in place of Sage, and
    about 45 times faster than the Seifert matrix (3 ms against 140 ms per census knot)."""
    import numpy as np
    from spherogram.links.links_base import CrossingStrand

    faces = link.faces()
    face_of = {corner: n for n, face in enumerate(faces) for corner in face}
    edges = []  # (face, face, Goeritz sign, crossing sign): opposite corners of each crossing
    for c in link.crossings:
        edges.append((face_of[CrossingStrand(c, 0)], face_of[CrossingStrand(c, 2)], 1, c.sign))
        edges.append((face_of[CrossingStrand(c, 1)], face_of[CrossingStrand(c, 3)], -1, c.sign))
    parent = list(range(len(faces)))

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for a, b, _, _ in edges:
        parent[find(a)] = find(b)
    roots = sorted({find(v) for v in range(len(faces))})
    if len(roots) != 2:
        raise ValueError("the diagram is split")
    white = [v for v in range(len(faces)) if find(v) == roots[1]]  # one colour class
    index = {v: i for i, v in enumerate(white)}
    g = np.zeros((len(white), len(white)))
    correction = 0
    for a, b, goeritz_sign, crossing_sign in edges:
        if a not in index:
            continue
        i, j = index[a], index[b]
        if i != j:
            g[i, j] += goeritz_sign
            g[j, i] += goeritz_sign
        if goeritz_sign == crossing_sign:
            correction += goeritz_sign
    for i in range(len(white)):
        g[i, i] = -(g[:, i].sum() - g[i, i])
    reduced = g[1:, 1:]
    eigenvalues = np.linalg.eigvalsh(reduced) if len(reduced) else np.zeros(0)
    signature = int((eigenvalues > 1e-9).sum() - (eigenvalues < -1e-9).sum())
    return -(signature + correction)


def signature_sign():
    """+1 or -1 so that positive knots get negative signatures (the right-handed trefoil -2, the
    positive (5,2) torus knot -4, the positive twist knot 5_2 -2) and the figure eight 0.
    spherogram's seifert_matrix() fails on the mirrors of these diagrams, so each is checked in
    the chirality the table gives, using the sign of its writhe (all three are alternating and
    reduced, so all their crossings have the writhe's sign)."""
    import spherogram

    sign = None
    for name, expected_for_positive in (("3_1", -2), ("5_1", -4), ("5_2", -2)):
        link = spherogram.Link(name)
        writhe = sum(c.sign for c in link.crossings)
        raw = raw_signature(link)
        expected = expected_for_positive if writhe > 0 else -expected_for_positive
        if abs(raw) != abs(expected) or abs(writhe) != len(link.crossings):
            sys.exit(f"{name} check failed: signature {raw}, writhe {writhe}; conventions changed")
        s = 1 if raw == expected else -1
        if sign is not None and s != sign:
            sys.exit("the signature sign checks disagree between knots; conventions changed")
        sign = s
    if raw_signature(spherogram.Link("4_1")) != 0:
        sys.exit("figure-eight signature is not 0")
    for name in ("3_1", "5_1", "5_2", "4_1", "7_1"):
        link = spherogram.Link(name)
        if goeritz_signature(link) != sign * raw_signature(link):
            sys.exit(f"{name}: Goeritz and Seifert signatures disagree; conventions changed")
    return sign


def shortest_geodesic(manifold, tries):
    """Complex length of the shortest closed geodesic, or None when every Dirichlet domain
    construction fails."""
    candidate = manifold.copy()
    candidate.canonize()
    for attempt in range(tries):
        try:
            spectrum = candidate.length_spectrum(GEODESIC_CUTOFF)
        except RuntimeError:
            candidate.randomize()
            continue
        return spectrum[0]["length"] if spectrum else None
    return None


def knot_row(manifold, sign, tries, check=False):
    """The row of one census knot, or a reason string when it is left out."""
    if not manifold.solution_type().startswith("all tetrahedra positively oriented"):
        return "no positively oriented hyperbolic structure"
    shortest = shortest_geodesic(manifold, tries) if tries else None
    if tries and shortest is None:
        return "shortest geodesic: Dirichlet construction failed"
    cusp = manifold.cusp_neighborhood()
    cusp.set_displacement(cusp.stopping_displacement())
    meridian, longitude = cusp.translations()
    group = str(manifold.symmetry_group())
    row = {
        "chern_simons": float(manifold.chern_simons()),
        "cusp_volume": float(cusp.volume()),
        "longitudinal_translation": float(longitude.real() if hasattr(longitude, "real") else longitude),
        "meridinal_translation_imag": float(meridian.imag()),
        "meridinal_translation_real": float(meridian.real()),
        "volume": float(manifold.volume()),
    }
    if shortest is not None:
        row["injectivity_radius"] = float(shortest.real()) / 2
        row["short_geodesic_imag_part"] = float(shortest.imag())
        row["short_geodesic_real_part"] = float(shortest.real())
    for g in SYMMETRY_GROUPS:
        row[f"Symmetry_{g}"] = 1.0 if group == g else 0.0
    if not all(math.isfinite(row[f]) for f in FEATURES + (GEODESIC_FEATURES if tries else [])):
        return "non-finite invariant"
    link = manifold.link()
    try:
        row["signature"] = goeritz_signature(link)
    except Exception:  # noqa: BLE001 - spherogram raises several kinds
        return "Goeritz signature failed"
    row["seifert_check"] = None
    if check:  # the slow Seifert route on a sample, as a check of the Goeritz route
        try:
            row["seifert_check"] = sign * raw_signature(link) == row["signature"]
        except Exception:  # noqa: BLE001 - seifert_matrix fails on some diagrams
            row["seifert_check"] = "failed"
    row["name"] = manifold.name()
    return row


def format_row(row):
    columns = FEATURES + (GEODESIC_FEATURES if "injectivity_radius" in row else [])
    return [row["name"]] + [f"{row[f]:.9g}" for f in columns] + [row["signature"]]


def do_chunk(job):
    """Computes one chunk of census indices into work/part_NNNNN.csv (+ its skip counts)."""
    number, indices, work, sign, tries = job
    import snappy

    census = snappy.HTLinkExteriors(knots_vs_links="knots")
    rows, skipped, checks = [], collections.Counter(), collections.Counter()
    start = time.time()
    for k, i in enumerate(indices):
        try:
            result = knot_row(census[i], sign, tries, check=k % 25 == 0)
        except Exception as error:  # noqa: BLE001 - SnapPy raises many kinds; leave out, count
            result = f"error: {type(error).__name__}"
        if isinstance(result, str):
            skipped[result] += 1
            continue
        check = result.pop("seifert_check")
        if check is not None:
            checks[{True: "Seifert check agrees", False: "Seifert check DISAGREES",
                    "failed": "Seifert check: seifert_matrix failed"}[check]] += 1
        rows.append(format_row(result))
    tmp = os.path.join(work, f"part_{number:05d}.tmp")
    with open(tmp, "w", newline="") as f:
        w = csv.writer(f)
        for reason, n in skipped.items():
            w.writerow(["#skipped", reason, n])
        for reason, n in checks.items():
            w.writerow(["#check", reason, n])
        w.writerows(rows)
    os.replace(tmp, os.path.join(work, f"part_{number:05d}.csv"))
    return number, len(rows), sum(skipped.values()), time.time() - start


def read_part(path):
    rows, skipped = [], collections.Counter()
    with open(path, newline="") as f:
        for r in csv.reader(f):
            if r[0] in ("#skipped", "#check"):
                skipped[r[1]] += int(r[2])
            else:
                rows.append(r)
    return rows, skipped


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", required=True, help="folder for the resumable chunk files")
    parser.add_argument("--out", required=True, help="the dataset, e.g. knots.csv.gz")
    parser.add_argument("--count", type=int, default=20000, help="knots to keep")
    parser.add_argument("--chunk", type=int, default=250)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--geodesic-tries", type=int, default=0,
                        help="Dirichlet domain attempts per knot for the shortest geodesic "
                             "(0: leave the three geodesic columns out)")
    parser.add_argument("--budget", type=float, default=0, help="stop after this many seconds")
    args = parser.parse_args()
    import snappy

    sign = signature_sign()
    print(f"signature sign {sign:+d} (positive trefoil -2)", file=sys.stderr)
    order = list(range(len(snappy.HTLinkExteriors(knots_vs_links="knots"))))
    random.Random(0).shuffle(order)
    os.makedirs(args.work, exist_ok=True)

    def done_rows():
        total = 0
        for name in sorted(os.listdir(args.work)):
            if name.endswith(".csv"):
                total += len(read_part(os.path.join(args.work, name))[0])
        return total

    chunks = [order[at:at + args.chunk] for at in range(0, len(order), args.chunk)]
    have = done_rows()
    todo = [n for n in range(len(chunks))
            if not os.path.exists(os.path.join(args.work, f"part_{n:05d}.csv"))]
    # Enough chunks for the count at the acceptance rate seen so far (or 60% before any).
    started, kept = time.time(), have
    jobs = iter((n, chunks[n], args.work, sign, args.geodesic_tries) for n in todo)

    def want_more():
        return kept < args.count and (not args.budget or time.time() - started < args.budget)

    if args.processes > 1:
        import multiprocessing

        with multiprocessing.Pool(args.processes) as pool:
            pending = []
            while want_more() or pending:
                while want_more() and len(pending) < args.processes:
                    job = next(jobs, None)
                    if job is None:
                        break
                    pending.append(pool.apply_async(do_chunk, (job,)))
                if not pending:
                    break
                pending[0].wait()
                number, n, s, dt = pending.pop(0).get()
                kept += n
                print(f"chunk {number}: {n} kept, {s} left out, {dt:.0f} s; {kept} knots",
                      file=sys.stderr, flush=True)
    else:
        while want_more():
            job = next(jobs, None)
            if job is None:
                break
            number, n, s, dt = do_chunk(job)
            kept += n
            print(f"chunk {number}: {n} kept, {s} left out, {dt:.1f} s ({dt / len(job[1]):.3f} s "
                  f"per knot); {kept} knots", file=sys.stderr, flush=True)

    # Chunks in census-order prefix: stop at the first missing one so the sample stays uniform.
    rows, skipped = [], collections.Counter()
    for n in range(len(chunks)):
        path = os.path.join(args.work, f"part_{n:05d}.csv")
        if not os.path.exists(path) or len(rows) >= args.count:
            break
        part, part_skipped = read_part(path)
        rows += part
        skipped += part_skipped
    rows = rows[:args.count]
    with gzip.open(args.out, "wt", newline="") as f:
        w = csv.writer(f)
        geodesics = GEODESIC_FEATURES if args.geodesic_tries else []
        w.writerow(["name"] + FEATURES + geodesics + ["signature"])
        w.writerows(rows)
    print(f"wrote {len(rows)} knots to {args.out}; left out and checked on the way: "
          + ", ".join(f"{n} ({reason})" for reason, n in skipped.items()), file=sys.stderr)


if __name__ == "__main__":
    main()
