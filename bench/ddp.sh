#!/usr/bin/env bash
# Data-parallel training of the three-body network (3 -> 10 x 128 ReLU -> 4, Adam, L1) at a job
# batch of 5000 rows a step: scidl alone (1 process x 2 threads) against scidl under
# `mpirun -np 2` (2 ranks x 1 thread, 2500 rows each, over Open MPI's shared memory), and
# PyTorch DDP (gloo, 2 processes x 1 thread, bench/peers/torch_ddp.py) on the same work.
#   bench/run ddp [--batch B] [--steps N] [--warmup W]
# Prints `ddp scidl_2rank_ms=.. scidl_1rank_ms=.. efficiency=.. torch_ddp_ms=.. ratio=..`:
# efficiency = 1-rank time / 2-rank time (1.00: two ranks of one thread each as fast as one
# process with both threads), ratio = PyTorch DDP / scidl's 2 ranks (> 1: scidl faster). Each
# side's best median over SCIDL_BENCH_ROUNDS alternating rounds (default 3). With
# SCIDL_BENCH_COMPILED=1 also PyTorch DDP over torch.compile (a line of its own). Then
# `ddp_allreduce ...`: the all-reduce's latency and bandwidth between the 2 ranks. Where network
# namespaces can be made (root), the same across two "hosts" talking TCP through veth links
# (scripts/netns_hosts.sh): `ddp_hosts scidl_2host_ms=.. efficiency=.. torch_ddp_ms=.. ratio=..`
# (PyTorch: one process per host, gloo over TCP) and `ddp_hosts_allreduce ...`;
# SCIDL_BENCH_HOSTS=0 skips it.
# Then the Keras baseline CNN (bench_ddp --model cnn, a job batch of 64), where the dense
# layers' all-reduce can travel while the convolutions' backward runs: scidl's 2 ranks with that
# overlap and without it, and PyTorch DDP: `ddp_cnn scidl_2rank_ms=.. scidl_no_overlap_ms=..
# overlap_gain=.. torch_ddp_ms=.. ratio=..` (overlap_gain = without / with), and `ddp_cnn_hosts`
# the same across the two hosts.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=build/bench/bench_ddp
python=${SCIDL_DDP_PYTHON:-${SCIDL_TORCH_PYTHON:-/usr/bin/python3}}
source bench/common.bash  # value_of, ratio, better

batch=5000 steps=30 warmup=5
while [[ $# -gt 0 ]]; do
  case $1 in
    --batch) batch=$2 ;;
    --steps) steps=$2 ;;
    --warmup) warmup=$2 ;;
    *) echo "ddp: unknown argument '$1' (use --batch, --steps, --warmup)" >&2; exit 2 ;;
  esac
  shift 2
done
if [[ ! -x $binary ]]; then echo "ddp: $binary not built (ninja -C build bench_ddp)" >&2; exit 1; fi
if ! command -v mpirun >/dev/null; then echo "ddp: no mpirun (Debian openmpi-bin)" >&2; exit 1; fi
args=(--batch "$batch" --steps "$steps" --warmup "$warmup")
# As root Open MPI wants --allow-run-as-root; one core a rank, one thread a rank.
mpirun=(mpirun --allow-run-as-root --oversubscribe --bind-to core -x OMP_NUM_THREADS=1
  -x OPENBLAS_NUM_THREADS=1 -np 2)

one="" two="" torch="" compiled=""
for ((round = 0; round < ${SCIDL_BENCH_ROUNDS:-3}; ++round)); do
  v=$(OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 "$binary" "${args[@]}" | value_of scidl_ms)
  [[ -n $v ]] && one=$(better lower "$one" "$v")
  v=$("${mpirun[@]}" "$binary" "${args[@]}" | value_of scidl_ms)
  [[ -n $v ]] && two=$(better lower "$two" "$v")
  v=$(OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 "$python" bench/peers/torch_ddp.py "${args[@]}" |
    value_of torch_ddp_ms)
  [[ -n $v ]] && torch=$(better lower "$torch" "$v")
  if [[ ${SCIDL_BENCH_COMPILED:-0} == 1 ]]; then
    v=$(OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 "$python" bench/peers/torch_ddp.py \
      "${args[@]}" --compile | value_of torch_ddp_compiled_ms)
    [[ -n $v ]] && compiled=$(better lower "$compiled" "$v")
  fi
done
if [[ -z $one || -z $two || -z $torch ]]; then
  echo "ddp: a side printed nothing (scidl_1rank_ms='$one' scidl_2rank_ms='$two' torch_ddp_ms='$torch')" >&2
  exit 1
fi
echo "ddp scidl_2rank_ms=$two scidl_1rank_ms=$one efficiency=$(ratio "$one" "$two")" \
  "torch_ddp_ms=$torch ratio=$(ratio "$torch" "$two")"
# What the model of larger jobs in bench/RESULTS.md starts from: this machine's all-reduce.
"${mpirun[@]}" "$binary" --allreduce-probe | tr '\n' ' ' | sed 's/^/ddp_allreduce /; s/ $/\n/'
if [[ -n $compiled ]]; then
  echo "ddp_compiled torch_ddp_compiled_ms=$compiled ratio=$(ratio "$compiled" "$two")"
fi

# ddp_cnn LINE LAUNCH... -- PEER...: the CNN's three sides over the rounds, alternated.
cnn_args=(--model cnn --batch 64 --steps "$steps" --warmup "$warmup")
ddp_cnn() {
  local line=$1 with="" without="" peer="" v
  shift
  local launch=() peer_command=()
  while [[ $1 != -- ]]; do launch+=("$1"); shift; done
  shift
  peer_command=("$@")
  for ((round = 0; round < ${SCIDL_BENCH_ROUNDS:-3}; ++round)); do
    v=$("${launch[@]}" "$binary" "${cnn_args[@]}" | value_of scidl_ms)
    [[ -n $v ]] && with=$(better lower "$with" "$v")
    v=$("${launch[@]}" "$binary" "${cnn_args[@]}" --no-overlap | value_of scidl_ms)
    [[ -n $v ]] && without=$(better lower "$without" "$v")
    v=$("${peer_command[@]}" | value_of torch_ddp_ms)
    [[ -n $v ]] && peer=$(better lower "$peer" "$v")
  done
  echo "$line scidl_2rank_ms=$with scidl_no_overlap_ms=$without" \
    "overlap_gain=$(ratio "$without" "$with") torch_ddp_ms=$peer ratio=$(ratio "$peer" "$with")"
}
ddp_cnn ddp_cnn "${mpirun[@]}" -- env OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 "$python" \
  bench/peers/torch_ddp.py "${cnn_args[@]}"

# Across two namespace hosts: the same steps, every byte through the kernel's TCP stack.
if [[ ${SCIDL_BENCH_HOSTS:-1} == 1 ]]; then
  export SCIDL_NETNS_DIR=${TMPDIR:-/tmp}/scidl-bench-netns-$$
  hosts_rc=0
  bash scripts/netns_hosts.sh up 2 >/dev/null || hosts_rc=$?
  if ((hosts_rc != 0)); then
    echo "ddp_hosts skipped: network namespaces cannot be made here (scripts/netns_hosts.sh: $hosts_rc)"
  else
    trap 'bash scripts/netns_hosts.sh down' EXIT
    # The hosts share this machine's cores: rank r on core r, as --bind-to core does above.
    hosts=(bash scripts/netns_hosts.sh mpirun -x OMP_NUM_THREADS=1 -x OPENBLAS_NUM_THREADS=1
      -np 2 sh -c 'exec taskset -c "$OMPI_COMM_WORLD_RANK" "$0" "$@"')
    across="" torch_across=""
    for ((round = 0; round < ${SCIDL_BENCH_ROUNDS:-3}; ++round)); do
      v=$("${hosts[@]}" "$binary" "${args[@]}" | value_of scidl_ms)
      [[ -n $v ]] && across=$(better lower "$across" "$v")
      v=$(bash bench/peers/torch_ddp_hosts.sh "$python" "${args[@]}" | value_of torch_ddp_ms)
      [[ -n $v ]] && torch_across=$(better lower "$torch_across" "$v")
    done
    echo "ddp_hosts scidl_2host_ms=$across efficiency=$(ratio "$one" "$across")" \
      "torch_ddp_ms=$torch_across ratio=$(ratio "$torch_across" "$across")"
    "${hosts[@]}" "$binary" --allreduce-probe | tr '\n' ' ' | sed 's/^/ddp_hosts_allreduce /; s/ $/\n/'
    ddp_cnn ddp_cnn_hosts "${hosts[@]}" -- bash bench/peers/torch_ddp_hosts.sh "$python" \
      "${cnn_args[@]}"
  fi
fi
