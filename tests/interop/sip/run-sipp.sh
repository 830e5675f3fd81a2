#!/usr/bin/env bash
# Runs SIPp scenarios (UAC) against tandem_sip_responder over UDP and TCP on 127.0.0.1.
#   run-sipp.sh <tandem_sip_responder> <sipp> <scenario dir>
set -euo pipefail
responder=$1 sipp=$2 scenarios=$3
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$(dirname "$0")/../lib.sh"
enter_workdir

spawn responder.log "$responder" 0 0
pid=$spawned
wait_for responder.log '^listening' || true
udp=$(listen_port responder.log udp:127.0.0.1)
tcp=$(listen_port responder.log tcp:127.0.0.1)
[[ -n "$udp" && -n "$tcp" ]] || { echo "responder did not start"; cat responder.log; exit 1; }

run() {  # scenario transport port
  local name=$1 transport=$2 port=$3
  if "$sipp" 127.0.0.1:"$port" -sf "$scenarios/$name.xml" -t "$transport" -i 127.0.0.1 -p 0 \
      -m 1 -nostdin -timeout 20s -timeout_error -trace_err -error_file "$name-$transport.err" \
      >"$name-$transport.out" 2>&1; then
    pass "$name over $transport"
  else
    fail "$name over $transport"
    cat "$name-$transport.err" 2>/dev/null | tail -30 || true
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
grep -q '^requests=13 ' responder.log || fail "expected requests=13"
# Each INVITE/200 got its ACK as a stray message for the dialog layer.
grep -q ' stray=2$' responder.log || fail "expected stray=2 (two 2xx ACKs)"
finish "all SIPp scenarios passed"
