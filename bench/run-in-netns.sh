#!/bin/sh
# Runs a media benchmark in a private network namespace with a TUN device standing in for a NIC,
# and passes it `--tx-nic 10.255.0.2`: the forwarding loop's sends go to that address, routed to
# tnic0 (NOARP, no receiver); the benchmark attaches to the device and empties its ring between
# rounds. That is the transmit cost of a real server (UDP/IP output, qdisc, a driver's xmit)
# without loopback's extra charge of the receiver's softirq work to the sender. A dummy device
# (whose driver just frees packets) would do as well, but this VM's kernel lacks CONFIG_DUMMY.
# The host's interfaces and routes are never touched.
#
#   bench/run-in-netns.sh PROGRAM [ARGS...]
#
# Needs root, or unprivileged user namespaces; otherwise PROGRAM runs as is, in the host
# namespace without --tx-nic, and prints that its tx=tun-nic lines were skipped.
set -eu

setup='set -e
ip link set lo up
ip tuntap add dev tnic0 mode tun
# No IPv6 on it: DAD, router solicitations and MLD reports would add to its TX counter, which
# the benchmarks compare with the number of packets they sent.
echo 1 >/proc/sys/net/ipv6/conf/tnic0/disable_ipv6 2>/dev/null || true
# The ring holds a whole round (512 packets) between two drains, like a NIC TX ring of 4096.
ip link set tnic0 txqueuelen 4096
ip addr add 10.255.0.1/24 dev tnic0
ip link set tnic0 up
exec "$@" --tx-nic 10.255.0.2'

if [ "$#" -eq 0 ]; then
  echo "usage: $0 PROGRAM [ARGS...]" >&2
  exit 64
fi
if unshare --net true 2>/dev/null; then
  exec unshare --net sh -c "$setup" sh "$@"
fi
if unshare --user --map-root-user --net true 2>/dev/null; then
  exec unshare --user --map-root-user --net sh -c "$setup" sh "$@"
fi
echo "run-in-netns.sh: cannot create a network namespace (needs root or user namespaces)" >&2
exec "$@"
