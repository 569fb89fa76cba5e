#!/usr/bin/env bash
# "Hosts" on this machine for jobs across a real network stack: network namespaces scidl-h1..hN,
# each with its own address on a bridge (veth pairs), so MPI ranks placed in them talk over TCP
# as ranks on different machines do. mpirun runs in a head namespace, scidl-h0, as on a login
# node, and starts its daemons in the hosts through scripts/netns_agent.sh instead of ssh.
# Needs root (or CAP_NET_ADMIN) and iproute2; the machine's own network is not touched.
#
#   scripts/netns_hosts.sh up [N]              N hosts (default 2): 10.77.0.1 .. 10.77.0.N, the
#                                              head 10.77.0.254, on bridge scidlbr0
#   scripts/netns_hosts.sh mpirun MPIRUN_ARGS  mpirun across them (one rank a host in turn), e.g.
#                                              scripts/netns_hosts.sh mpirun -np 2 scidl train C.toml
#   scripts/netns_hosts.sh cut HOST | mend HOST  take HOST's link down (its packets are dropped,
#                                              as a pulled cable) or up again
#   scripts/netns_hosts.sh down                remove them
# Exits 77 when namespaces cannot be made here (not root, no iproute2): tests read it as a skip.
# The subnet is SCIDL_NETNS_SUBNET (default 10.77.0; change it where that one is in use).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
subnet=${SCIDL_NETNS_SUBNET:-10.77.0}
bridge=scidlbr0
hostfile=${SCIDL_NETNS_DIR:-/tmp/scidl-netns}/hostfile

hosts() { ip netns list 2>/dev/null | awk '/^scidl-h[0-9]+/ && $1 != "scidl-h0" {print $1}' | sort -V; }

# Namespace $1 with address $2 on the bridge through veth scidl-v$3.
attach() {
  ip netns add "$1"
  ip link add "scidl-v$3" type veth peer name eth0 netns "$1"
  ip link set "scidl-v$3" master "$bridge" up
  ip -n "$1" addr add "$2/24" dev eth0
  ip -n "$1" link set eth0 up
  ip -n "$1" link set lo up
  # A peer that stops answering fails a TCP send after about 6 s of retransmissions instead of
  # Linux's 15 minutes: mpirun's teardown of a job with a host cut off then ends.
  ip netns exec "$1" sysctl -qw net.ipv4.tcp_retries2=4
}

up() {
  local n=${1:-2}
  if [[ ! $n =~ ^[0-9]+$ ]] || ((n < 1 || n > 250)); then
    echo "netns_hosts: '$n' hosts: give a number from 1 to 250" >&2
    exit 2
  fi
  if ! command -v ip >/dev/null; then
    echo "netns_hosts: no 'ip' command (Debian's iproute2)" >&2
    exit 77
  fi
  if ! ip link show "$bridge" >/dev/null 2>&1; then
    if ! err=$(ip link add "$bridge" type bridge 2>&1); then
      echo "netns_hosts: cannot make network devices here ($err): run as root" >&2
      exit 77
    fi
    ip link set "$bridge" up
  fi
  ip netns list | grep -qw "^scidl-h0" || attach scidl-h0 "$subnet.254" 0
  for ((i = 1; i <= n; ++i)); do
    ip netns list | grep -qw "^scidl-h$i" || attach "scidl-h$i" "$subnet.$i" "$i"
  done
  mkdir -p "$(dirname "$hostfile")"
  : >"$hostfile"
  for ns in $(hosts); do echo "$ns slots=$(nproc)" >>"$hostfile"; done
  echo "netns_hosts: $(hosts | tr '\n' ' ')on $subnet.0/24 (hostfile $hostfile)"
}

down() {
  # Processes left in a host (Open MPI's daemon on a host that was cut off) would keep its
  # namespace and links alive after `ip netns del`.
  for ns in $(hosts) scidl-h0; do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  done
  ip -o link show 2>/dev/null | awk -F': ' '$2 ~ /^scidl-v[0-9]+@/ {sub(/@.*/, "", $2); print $2}' |
    xargs -r -n1 ip link del 2>/dev/null || true
  ip link del "$bridge" 2>/dev/null || true
  rm -f "$hostfile"
  rm -rf "$(dirname "$hostfile")"/tmp-scidl-h*  # the hosts' session folders (netns_agent.sh)
}

link() {  # HOST up|down
  local ns=$1 i=${1#scidl-h}
  if ! hosts | grep -qx "$ns"; then
    echo "netns_hosts: no host '$ns' (have: $(hosts | tr '\n' ' '))" >&2
    exit 2
  fi
  ip link set "scidl-v$i" "$2"
}

case ${1:-} in
  up) up "${2:-2}" ;;
  down) down ;;
  cut) link "${2:?cut which host}" down ;;
  mend) link "${2:?mend which host}" up ;;
  mpirun)
    shift
    if [[ ! -s $hostfile ]]; then
      echo "netns_hosts: no hosts: run 'scripts/netns_hosts.sh up' first" >&2
      exit 2
    fi
    # Daemons and ranks talk only on the bridge's subnet, and over TCP (not shared memory):
    # as ranks on different machines do. TCP keepalives on the daemons' connections find a host
    # that went silent in about 6 s (Open MPI's default: 8 minutes), so mpirun ends the job
    # instead of waiting on it.
    # The hosts share this machine's cores, so Open MPI's binding (each host's first rank to
    # its first core) would put every host's rank on core 0: no binding here.
    export SCIDL_NETNS_DIR=${SCIDL_NETNS_DIR:-/tmp/scidl-netns}  # for netns_agent.sh
    exec ip netns exec scidl-h0 mpirun --allow-run-as-root --hostfile "$hostfile" --map-by node \
      --bind-to none \
      --mca plm_rsh_agent "$here/netns_agent.sh" \
      --mca oob_tcp_keepalive_time 3 --mca oob_tcp_keepalive_intvl 1 \
      --mca oob_tcp_keepalive_probes 3 \
      --mca oob_tcp_if_include "$subnet.0/24" --mca btl tcp,self \
      --mca btl_tcp_if_include "$subnet.0/24" "$@"
    ;;
  *)
    echo "usage: scripts/netns_hosts.sh up [N] | mpirun MPIRUN_ARGS... | cut HOST | mend HOST | down" >&2
    exit 2
    ;;
esac
