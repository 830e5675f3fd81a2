#!/usr/bin/env bash
# CTest driver for the pre-call e2e test. Skips (exit 77) when Chromium, node/npm or network
# namespaces are missing (and coturn's turnserver for --relay). Installs playwright-core (pinned
# in package-lock.json) into <node-dir>/node_modules on first use, then runs precall.e2e.js
# inside a network namespace of its own so nothing leaves the machine. Plain variants see only
# lo. For --relay the namespace also gets a veth with 127.0.0.2 (IPv6 off) for coturn's relay
# addresses. For --family=ipv6 it gets a veth with fd00:e2e::1/64 and an IPv6 default route via
# the veth's own peer: Chromium gathers no IPv6 candidate at all (not even ::1) without an IPv6
# default route; the peer is in the same namespace and forwards nothing.
# Usage: run-precall.sh <tandem binary> <web dir> <node dir> <artefact dir> [precall.e2e.js flags]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../interop/lib.sh
source "$here/../interop/lib.sh"
tandem=$1 web=$2 node_dir=$3 out=$4
shift 4
chromium=${CHROMIUM:-/usr/lib/chromium/chromium}
if [ ! -x "$chromium" ]; then
  echo "SKIP: Chromium not installed ($chromium); apt-get install chromium"
  exit 77
fi
require_tools node npm unshare ip
netns=plain
for arg in "$@"; do
  if [ "$arg" = --relay ]; then netns=relay; fi
  if [ "$arg" = --family=ipv6 ]; then netns=ipv6; fi
done
if [ $netns = relay ] && ! command -v turnserver >/dev/null 2>&1; then
  echo "SKIP: turnserver not found (apt-get install coturn)"
  exit 77
fi
if ! unshare --net true 2>/dev/null; then
  echo "SKIP: cannot create a network namespace (needs root or user namespaces)"
  exit 77
fi
npm_ci "$here" "$node_dir"
mkdir -p "$out"
export CHROMIUM="$chromium"
exec unshare --net sh -c '
  ip link set lo up || exit 1
  if [ "$0" != plain ]; then
    ip link add e2e0 type veth peer name e2e1 || exit 1
  fi
  if [ "$0" = relay ]; then
    echo 1 > /proc/sys/net/ipv6/conf/e2e0/disable_ipv6 &&
    echo 1 > /proc/sys/net/ipv6/conf/e2e1/disable_ipv6 &&
    ip link set e2e1 up && ip link set e2e0 up &&
    ip addr add 127.0.0.2/32 dev e2e0 || exit 1
  fi
  if [ "$0" = ipv6 ]; then
    ip link set e2e1 up && ip link set e2e0 up &&
    ip -6 addr add fd00:e2e::1/64 dev e2e0 nodad &&
    ip -6 route add default via fd00:e2e::2 dev e2e0 || exit 1
  fi
  exec node "$@"' $netns "$here/precall.e2e.js" "$tandem" "$web" "$out" "$@"
