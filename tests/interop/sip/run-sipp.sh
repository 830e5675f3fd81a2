#!/usr/bin/env bash
# Runs SIPp scenarios (UAC) against tandem_sip_responder over UDP and TCP on 127.0.0.1.
#   run-sipp.sh <tandem_sip_responder> <sipp> <scenario dir>
set -euo pipefail
responder=$1 sipp=$2 scenarios=$3
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"

"$responder" 0 0 >responder.log 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q '^listening' responder.log && break; sleep 0.1; done
udp=$(sed -n 's/^listening udp:127\.0\.0\.1:\([0-9]*\) .*/\1/p' responder.log)
tcp=$(sed -n 's/.* tcp:127\.0\.0\.1:\([0-9]*\)$/\1/p' responder.log)
[[ -n "$udp" && -n "$tcp" ]] || { echo "responder did not start"; cat responder.log; exit 1; }

failures=0
run() {  # scenario transport port
  local name=$1 transport=$2 port=$3
  if "$sipp" 127.0.0.1:"$port" -sf "$scenarios/$name.xml" -t "$transport" -i 127.0.0.1 -p 0 \
      -m 1 -nostdin -timeout 20s -timeout_error -trace_err -error_file "$name-$transport.err" \
      >"$name-$transport.out" 2>&1; then
    echo "PASS $name over $transport"
  else
    echo "FAIL $name over $transport"
    cat "$name-$transport.err" 2>/dev/null | tail -30 || true
    failures=$((failures + 1))
  fi
}

for scenario in options register invite cancel malformed; do
  run "$scenario" u1 "$udp"
  run "$scenario" t1 "$tcp"
done
run retransmit u1 "$udp"

kill -TERM "$pid"
wait "$pid" || true
cat responder.log
# Every scenario's requests reach the application once: options 1, register 1, invite 2 (INVITE,
# BYE), cancel 2 (INVITE, CANCEL), malformed 0 — over two transports — plus one for retransmit.
grep -q '^requests=13 ' responder.log || { echo "FAIL: expected requests=13"; failures=$((failures + 1)); }
# Each INVITE/200 got its ACK as a stray message for the dialog layer.
grep -q ' stray=2$' responder.log || { echo "FAIL: expected stray=2 (two 2xx ACKs)"; failures=$((failures + 1)); }
[[ $failures -eq 0 ]] && echo "all SIPp scenarios passed"
exit $failures
