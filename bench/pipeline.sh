#!/usr/bin/env bash
# GPipe's bubble in scidl's pipeline: an MLP (--layers dense layers: all but the last of --width
# units and ReLU, the last of 8; default 9 of 256, so that 2 stages hold 4 wide layers each) at
# --batch rows a step, cut into 2 stages (`mpirun -np 2`, one core and one thread a rank,
# balanced by parameter count), each batch in M micro-batches for M in --micro-batches
# (default 1,2,4,8). One line per M:
#   pipeline stages=2 micro_batches=M step_ms=.. schedule_ms=.. compute_ms=.. stage_compute_ms=..
#     bubble=.. ideal=..
# schedule_ms: a step's forwards and backwards (first forward to last backward over the
# stages); compute_ms: a stage's computing in it (the mean; stage_compute_ms: each stage's);
# bubble = 1 - compute / schedule, the share a stage waits for the other, averaged over stages
# and steps; ideal: (stages - 1) / (M + stages - 1). Then the same
# model alone on one rank and thread (`pipeline stages=1 step_ms=..`), the work the two
# stages share. The peer, PyTorch's torch.distributed.pipelining (ScheduleGPipe, gloo, 2
# processes of one thread: bench/peers/torch_pipeline.py) on the same work, adds
# `torch_ms=.. ratio=..` to each line (ratio = torch / scidl: > 1, scidl faster) when its Python
# (SCIDL_PIPELINE_PYTHON, else SCIDL_TORCH_PYTHON) has PyTorch 2.x.
#   bench/run pipeline [--batch B] [--width W] [--layers L] [--steps N] [--micro-batches 1,2,4,8]
set -euo pipefail
cd "$(dirname "$0")/.."
binary=build/bench/bench_pipeline
if [[ ! -x $binary ]]; then echo "pipeline: $binary not built (ninja -C build bench_pipeline)" >&2; exit 1; fi
if ! command -v mpirun >/dev/null; then echo "pipeline: no mpirun (Debian openmpi-bin)" >&2; exit 1; fi
python=${SCIDL_PIPELINE_PYTHON:-${SCIDL_TORCH_PYTHON:-/usr/bin/python3}}
# As root Open MPI wants --allow-run-as-root; one core a rank, one thread a rank.
scidl_lines=$(mpirun --allow-run-as-root --oversubscribe --bind-to core -x OMP_NUM_THREADS=1 \
  -x OPENBLAS_NUM_THREADS=1 -np 2 "$binary" "$@")
peer_lines=""
if "$python" -c 'import torch.distributed.pipelining' 2>/dev/null; then
  peer_lines=$(OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 "$python" bench/peers/torch_pipeline.py "$@")
else
  echo "pipeline: $python has no torch.distributed.pipelining (PyTorch 2.x): no peer" >&2
fi
# One line per count: scidl's, with the peer's time for the same count when there is one.
awk -v peer="$peer_lines" '
  BEGIN { n = split(peer, lines, "\n")
          for (i = 1; i <= n; ++i) if (match(lines[i], /micro_batches=[0-9]+ torch_ms=[0-9.]+/)) {
            split(substr(lines[i], RSTART, RLENGTH), kv, /[= ]/); torch[kv[2]] = kv[4] } }
  { line = $0
    if (match($0, /micro_batches=[0-9]+/) && (m = substr($0, RSTART + 14, RLENGTH - 14)) in torch &&
        match($0, /step_ms=[0-9.]+/))
      line = sprintf("%s torch_ms=%s ratio=%.2f", $0, torch[m], torch[m] / substr($0, RSTART + 8, RLENGTH - 8))
    print line }' <<<"$scidl_lines"
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 "$binary" "$@"
