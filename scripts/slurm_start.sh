#!/usr/bin/env bash
# A single-node Slurm cluster from Debian's slurm-wlm (scripts/setup.sh --slurm installs it):
# munged, slurmctld and slurmd on this machine, one node with its cores, one partition "debug".
#   scripts/slurm_start.sh           start it (already running: says so), wait until the node is idle
#   scripts/slurm_start.sh --stop    stop the daemons it started
#   scripts/slurm_start.sh --env     print the line that points Slurm's commands at its config:
#                                    eval "$(scripts/slurm_start.sh --env)"
# Its config, state and logs live in SCIDL_SLURM_DIR (default /tmp/scidl-slurm): the system's
# /etc/slurm is left alone, so sinfo, sbatch, srun and scidl tune need SLURM_CONF set to
# $SCIDL_SLURM_DIR/slurm.conf. Meant for tests and trying things as root in a container without
# systemd (SlurmUser=root, no cgroups: proctrack/linuxproc, task/none); not for production.
set -euo pipefail

dir=${SCIDL_SLURM_DIR:-/tmp/scidl-slurm}
conf=$dir/slurm.conf
export SLURM_CONF=$conf
node=$(hostname -s)
timeout_s=${SCIDL_SLURM_START_TIMEOUT_S:-60}

say() { echo "slurm_start: $*"; }
die() { echo "slurm_start: error: $*" >&2; exit 1; }

# The pid in a pid file, when that process still runs.
running_pid() {
  local file=$1 pid
  [[ -f $file ]] || return 1
  pid=$(<"$file")
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# Ends a daemon by its pid file and waits until it is gone (5 s, then SIGKILL).
stop_daemon() {
  local name=$1 pid
  pid=$(running_pid "$dir/$name.pid") || return 0
  kill "$pid"
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  say "stopped $name (pid $pid)"
}

stop() {
  stop_daemon slurmd
  stop_daemon slurmctld
  stop_daemon munged
}

case "${1:-}" in
  --stop) stop; exit 0 ;;
  --env) echo "export SLURM_CONF=$conf"; exit 0 ;;
  "") ;;
  *) die "unknown option '$1' (use no option, --stop or --env)" ;;
esac

for tool in munged slurmctld slurmd sinfo; do
  command -v "$tool" >/dev/null ||
    die "$tool not found: install Debian's slurm-wlm (scripts/setup.sh --slurm, or apt-get install slurm-wlm)"
done
[[ $(id -u) -eq 0 ]] || die "this single-node cluster runs its daemons as root (SlurmUser=root); run it as root"

node_state() { timeout 10 sinfo --noheader --nodes="$node" --format=%T 2>/dev/null | head -n1; }

if running_pid "$dir/slurmctld.pid" >/dev/null && running_pid "$dir/slurmd.pid" >/dev/null &&
  pgrep -x munged >/dev/null && state=$(node_state) && [[ -n $state ]]; then
  say "already running (node $node: $state); config $conf"
  exit 0
fi
stop >/dev/null  # a half-started cluster: start it again whole

mkdir -p "$dir/state" "$dir/spool"

# munge: the key the daemons and the commands sign their messages with.
mkdir -p /run/munge /var/lib/munge /var/log/munge /etc/munge
if [[ ! -s /etc/munge/munge.key ]]; then
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  chmod 400 /etc/munge/munge.key
fi
if ! running_pid "$dir/munged.pid" >/dev/null; then
  if pgrep -x munged >/dev/null; then
    say "munged already runs (not started by this script): using it"
  else
    munged --force --pid-file="$dir/munged.pid" --log-file="$dir/munged.log" ||
      die "munged did not start: see $dir/munged.log"
  fi
fi

cat >"$conf" <<EOF
# Written by scripts/slurm_start.sh: a single-node cluster for tests (SlurmUser=root, no cgroups).
ClusterName=scidl
SlurmctldHost=$node(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=pmix
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
# Finished jobs stay visible to squeue (with their state) this many seconds.
MinJobAge=600
KillWait=30
NodeName=$node NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
EOF

slurmctld -f "$conf" || die "slurmctld did not start: see $dir/slurmctld.log"
slurmd -f "$conf" || die "slurmd did not start: see $dir/slurmd.log"

for _ in $(seq $((timeout_s * 2))); do
  state=$(node_state || true)
  case "$state" in
    idle*|mixed*|allocated*)
      say "running: node $node ($(nproc) CPUs) is $state; partition debug"
      say "point Slurm's commands at it: export SLURM_CONF=$conf"
      exit 0 ;;
  esac
  sleep 0.5
done
die "node $node is not idle after ${timeout_s} s (sinfo says '${state:-nothing}'); see $dir/slurmctld.log and $dir/slurmd.log"
