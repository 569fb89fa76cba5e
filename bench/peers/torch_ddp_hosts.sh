#!/usr/bin/env bash
# PyTorch DDP across the two namespace hosts of scripts/netns_hosts.sh (bench/ddp.sh brings them
# up): rank 1 in scidl-h2, rank 0 in scidl-h1 (whose address is the master), one thread each,
# pinned to cores 1 and 0, gloo over the hosts' link. Prints rank 0's line.
#   bench/peers/torch_ddp_hosts.sh PYTHON [bench/peers/torch_ddp.py's arguments]
set -uo pipefail
python=$1
shift
port=$((29500 + RANDOM % 1000))
master=${SCIDL_NETNS_SUBNET:-10.77.0}.1
peer=(env OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 GLOO_SOCKET_IFNAME=eth0 taskset -c)
here=$(dirname "$0")
ip netns exec scidl-h2 "${peer[@]}" 1 "$python" "$here/torch_ddp.py" "$@" \
  --rank 1 --master "$master" --port "$port" >/dev/null &
ip netns exec scidl-h1 "${peer[@]}" 0 "$python" "$here/torch_ddp.py" "$@" \
  --rank 0 --master "$master" --port "$port"
wait || true  # a peer that failed leaves its figure empty
