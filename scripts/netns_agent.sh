#!/bin/sh
# Open MPI's launch agent for the namespace "hosts" of scripts/netns_hosts.sh, in place of ssh:
# mpirun calls it as `netns_agent.sh HOST COMMAND...` and it runs COMMAND inside HOST's network
# namespace (same machine, same files, its own network stack).
# Each host keeps Open MPI's session directory in a folder of its own: the hosts share one /tmp,
# and two daemons making the same directory at once can fail ("mkdir ... File exists").
host=$1
shift
dir=${SCIDL_NETNS_DIR:-/tmp/scidl-netns}/tmp-$host
mkdir -p "$dir"
exec ip netns exec "$host" env TMPDIR="$dir" /bin/sh -c "$*"
