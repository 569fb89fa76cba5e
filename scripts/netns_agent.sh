#!/bin/sh
# Open MPI's launch agent for the namespace "hosts" of scripts/netns_hosts.sh, in place of ssh:
# mpirun calls it as `netns_agent.sh HOST COMMAND...` and it runs COMMAND inside HOST's network
# namespace (same machine, same files, its own network stack).
host=$1
shift
exec ip netns exec "$host" /bin/sh -c "$*"
