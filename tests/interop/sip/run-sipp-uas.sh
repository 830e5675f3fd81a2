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
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$(dirname "$0")/../lib.sh"
enter_workdir

# verdict NAME TRANSPORT UA_EXIT EXPECTED_UA_EXIT SIPP_EXIT [LINE_MISSING]: PASS when
# tandem-ua exited as expected, SIPp with 0 (and the expected line was there); else FAIL with logs.
verdict() {
  local name=$1 transport=$2 ua_rc=$3 expected=$4 sipp_rc=$5 line_rc=${6:-0}
  if [[ $ua_rc -eq $expected && $sipp_rc -eq 0 && $line_rc -eq 0 ]]; then
    pass "$name over $transport"
  else
    fail "$name over $transport (tandem-ua exit $ua_rc, expected $expected; sipp exit $sipp_rc)"
    cat "$name-$transport.ua"
    tail -20 "$name-$transport.err" 2>/dev/null
  fi
}

# check NAME SCENARIO TRANSPORT EXPECTED_UA_EXIT UA_ARGS... ("UAS" in UA_ARGS becomes host:port)
check() {
  local name=$1 scenario=$2 transport=$3 expected=$4
  shift 4
  local port; port=$(free_port)
  local sipp_t=u1 local_spec=udp:127.0.0.1:0 uri="127.0.0.1:$port"
  if [[ $transport == tcp ]]; then sipp_t=t1 local_spec=tcp:127.0.0.1:0 uri="127.0.0.1:$port;transport=tcp"; fi
  spawn "$name-$transport.sipp" "$sipp" -sf "$scenarios/$scenario.xml" -i 127.0.0.1 -p "$port" \
      -t "$sipp_t" -m 1 -nostdin -timeout 20s -timeout_error -trace_err \
      -error_file "$name-$transport.err"
  local sipp_pid=$spawned
  sleep 0.3
  local args=()
  for a in "$@"; do args+=("${a//UAS/$uri}"); done
  "$ua" --local "$local_spec" --timeout 15s "${args[@]}" >"$name-$transport.ua" 2>&1
  local ua_rc=$?
  wait "$sipp_pid"
  local sipp_rc=$?
  verdict "$name" "$transport" "$ua_rc" "$expected" "$sipp_rc"
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
  spawn "$name-$transport.ua" "$ua" --local "$transport:127.0.0.1:0" --user bob --answer \
      --timeout 15s "$@"
  local ua_pid=$spawned
  wait_for "$name-$transport.ua" '^listening'
  local port
  port=$(listen_port "$name-$transport.ua" "$transport:127.0.0.1")
  "$sipp" 127.0.0.1:"$port" -sf "$scenarios/$scenario.xml" -t "$sipp_t" -i 127.0.0.1 -p 0 -m 1 \
      -nostdin -timeout 15s -timeout_error -trace_err -error_file "$name-$transport.err" \
      -trace_msg -message_file "$name-$transport.msg" >"$name-$transport.sipp" 2>&1
  local sipp_rc=$?
  wait "$ua_pid"
  local ua_rc=$?
  local line_rc=0
  grep -q "^$line\$" "$name-$transport.ua" || line_rc=1
  verdict "$name" "$transport" "$ua_rc" "$expected" "$sipp_rc" "$line_rc"
}

for t in udp tcp; do
  check_answer answered invite "$t" 0 "call ended: remote BYE"
done
# Exit 1: the call ended by our BYE for want of an ACK, not by the caller's BYE as --answer expects.
check_answer no-ack uac_no_ack udp 1 "call ended: no ACK" --t1 50
oks=$(grep -c '^SIP/2.0 200 OK' no-ack-udp.msg)  # received copies of our 200 + SIPp's 200 to BYE
if [[ $oks -lt 5 ]]; then
  fail "no-ack: expected our 200 retransmitted at least 3 times, saw $((oks - 1)) copies"
fi

finish "all SIPp scenarios against tandem-ua passed"
