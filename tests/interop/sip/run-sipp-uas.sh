#!/usr/bin/env bash
# Runs tandem-ua (our user agent core) against SIPp over UDP and TCP on 127.0.0.1. As a client
# against SIPp UAS scenarios: plain answered call, callee's BYE, 401 and 407 Digest challenges, a
# late 2xx retransmission that must be re-ACKed (after a re-INVITE), and a Digest registrar with
# un-REGISTER; a wrong password must fail (so the checks can fail). As a server (--answer) against
# SIPp UAC scenarios: INVITE/180/200/ACK/BYE, and (UDP only: SIPp takes a repeated 200 on TCP for
# an unexpected message) a caller that never ACKs, whose 200 must be retransmitted and the call
# ended with BYE after 64*T1.
#   run-sipp-uas.sh <tandem-ua> <sipp> <scenario dir>
set -uo pipefail
ua=$1 sipp=$2 scenarios=$3
work=$(mktemp -d)
sipp_pid=
trap '[[ -n "$sipp_pid" ]] && kill "$sipp_pid" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work"

free_port() {  # a currently free port for both UDP and TCP on 127.0.0.1
  python3 - <<'PY'
import socket
while True:
    t = socket.socket(); t.bind(("127.0.0.1", 0)); port = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", port)); print(port); break
    except OSError:
        pass
    finally:
        u.close(); t.close()
PY
}

failures=0
# check NAME SCENARIO TRANSPORT EXPECTED_UA_EXIT UA_ARGS... ("UAS" in UA_ARGS becomes host:port)
check() {
  local name=$1 scenario=$2 transport=$3 expected=$4
  shift 4
  local port; port=$(free_port)
  local sipp_t=u1 local_spec=udp:127.0.0.1:0 uri="127.0.0.1:$port"
  if [[ $transport == tcp ]]; then sipp_t=t1 local_spec=tcp:127.0.0.1:0 uri="127.0.0.1:$port;transport=tcp"; fi
  "$sipp" -sf "$scenarios/$scenario.xml" -i 127.0.0.1 -p "$port" -t "$sipp_t" -m 1 -nostdin \
      -timeout 20s -timeout_error -trace_err -error_file "$name-$transport.err" \
      >"$name-$transport.sipp" 2>&1 &
  sipp_pid=$!
  sleep 0.3
  local args=()
  for a in "$@"; do args+=("${a//UAS/$uri}"); done
  "$ua" --local "$local_spec" --timeout 15s "${args[@]}" >"$name-$transport.ua" 2>&1
  local ua_rc=$?
  wait "$sipp_pid"
  local sipp_rc=$?
  sipp_pid=
  if [[ $ua_rc -eq $expected && $sipp_rc -eq 0 ]]; then
    echo "PASS $name over $transport"
  else
    echo "FAIL $name over $transport (tandem-ua exit $ua_rc, expected $expected; sipp exit $sipp_rc)"
    cat "$name-$transport.ua"
    tail -20 "$name-$transport.err" 2>/dev/null
    failures=$((failures + 1))
  fi
}

for t in udp tcp; do
  check answer uas_answer "$t" 0 --user alice --call "sip:bob@UAS" --hangup-after 300ms
  check callee-bye uas_bye "$t" 0 --user alice --call "sip:bob@UAS" --expect-bye
  check auth-401 uas_auth401 "$t" 0 --user alice --password secret --call "sip:bob@UAS" --hangup-after 300ms
  check auth-407 uas_auth407 "$t" 0 --user alice --password secret --call "sip:bob@UAS" --hangup-after 300ms
  check wrong-password uas_auth401 "$t" 1 --user alice --password wrong --call "sip:bob@UAS"
  check re-ack uas_retransmit "$t" 0 --user alice --call "sip:bob@UAS" --reinvite-after 200ms --hangup-after 1s
  check register uas_register "$t" 0 --user alice --password secret --domain sipp.test --register "sip:UAS"
done
# check_answer NAME SCENARIO TRANSPORT EXPECTED_UA_EXIT EXPECTED_LINE [UA_ARGS...]
check_answer() {
  local name=$1 scenario=$2 transport=$3 expected=$4 line=$5
  shift 5
  local sipp_t=u1
  [[ $transport == tcp ]] && sipp_t=t1
  "$ua" --local "$transport:127.0.0.1:0" --user bob --answer --timeout 15s "$@" \
      >"$name-$transport.ua" 2>&1 &
  local ua_pid=$!
  local port=
  for _ in $(seq 50); do
    port=$(sed -n 's/^listening [a-z]*:127\.0\.0\.1:\([0-9]*\)$/\1/p' "$name-$transport.ua")
    [[ -n "$port" ]] && break
    sleep 0.1
  done
  "$sipp" 127.0.0.1:"$port" -sf "$scenarios/$scenario.xml" -t "$sipp_t" -i 127.0.0.1 -p 0 -m 1 \
      -nostdin -timeout 15s -timeout_error -trace_err -error_file "$name-$transport.err" \
      -trace_msg -message_file "$name-$transport.msg" >"$name-$transport.sipp" 2>&1
  local sipp_rc=$?
  wait "$ua_pid"
  local ua_rc=$?
  if [[ $ua_rc -eq $expected && $sipp_rc -eq 0 ]] && grep -q "^$line\$" "$name-$transport.ua"; then
    echo "PASS $name over $transport"
  else
    echo "FAIL $name over $transport (tandem-ua exit $ua_rc, expected $expected; sipp exit $sipp_rc)"
    cat "$name-$transport.ua"
    tail -20 "$name-$transport.err" 2>/dev/null
    failures=$((failures + 1))
  fi
}

for t in udp tcp; do
  check_answer answered invite "$t" 0 "call ended: remote BYE"
done
# Exit 1: the call ended by our BYE for want of an ACK, not by the caller's BYE as --answer expects.
check_answer no-ack uac_no_ack udp 1 "call ended: no ACK" --t1 50
oks=$(grep -c '^SIP/2.0 200 OK' no-ack-udp.msg)  # received copies of our 200 + SIPp's 200 to BYE
if [[ $oks -lt 5 ]]; then
  echo "FAIL no-ack: expected our 200 retransmitted at least 3 times, saw $((oks - 1)) copies"
  failures=$((failures + 1))
fi

[[ $failures -eq 0 ]] && echo "all SIPp scenarios against tandem-ua passed"
exit $failures
