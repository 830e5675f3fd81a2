#!/usr/bin/env bash
# Interop: coturn's turnutils_stunclient (apt coturn) sends a plain Binding request to
# tandem_stun_responder and must print the reflexive address it got from our XOR-MAPPED-ADDRESS.
#   turnutils_stunclient.sh <tandem_stun_responder> <turnutils_stunclient>
set -euo pipefail
responder=$1 client=$2
log=$(mktemp)
trap 'kill "$pid" 2>/dev/null || true; rm -f "$log"' EXIT
"$responder" --port 0 --plain --count 1 --timeout-ms 10000 >"$log" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q '^listening' "$log" && break; sleep 0.1; done
port=$(sed -n 's/^listening 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$log")
[[ -n "$port" ]] || { echo "responder did not start"; cat "$log"; exit 1; }
out=$(timeout 10 "$client" -p "$port" 127.0.0.1 2>&1 || true)
echo "$out"
wait "$pid" || { echo "responder failed"; cat "$log"; exit 1; }
cat "$log"
grep -q 'UDP reflexive addr: 127\.0\.0\.1:[0-9]' <<<"$out" || { echo "no reflexive address"; exit 1; }
grep -q -- '-> plain 40 bytes' "$log"
echo "PASS"
