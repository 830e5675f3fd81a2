#!/usr/bin/env bash
# tandem-ua on host names: RFC 3263 resolution (dnsmasq) and failover inside the user agent core
# (SIPp peers). NAPTR and SRV for ua.test lead first to a SIPp that answers 503 to everything,
# then to a SIPp that registers and answers: tandem-ua must REGISTER, call, hang up and
# un-REGISTER through the second after the first's 503s. Then an INVITE to silent.test whose
# first SRV target never answers (Timer B, 64*T1) and whose second answers.
#   run-ua-failover.sh <tandem-ua> <scenario dir>
set -uo pipefail
ua=$1 scenarios=$2
source "$(cd "$(dirname "$0")" && pwd)/dnsmasq.sh"
dns_test_setup
busy=$net.2 good=$net.3 silent=$net.4 good2=$net.5

records=(
  --local=/test/
  --naptr-record=ua.test,10,10,S,SIP+D2U,,_sip._udp.ua.test
  --srv-host=_sip._udp.ua.test,busy.ua.test,5060,10,10
  --srv-host=_sip._udp.ua.test,good.ua.test,5060,20,10
  --host-record=busy.ua.test,$busy
  --host-record=good.ua.test,$good
  # no NAPTR: SRV for UDP directly
  --srv-host=_sip._udp.silent.test,quiet.silent.test,5060,10,10
  --srv-host=_sip._udp.silent.test,answer.silent.test,5060,20,10
  --host-record=quiet.silent.test,$silent
  --host-record=answer.silent.test,$good2
)
start_dnsmasq "${records[@]}"
echo "dnsmasq on $dns, SIP peers in $net.0/24"

sipp_uas() {  # name scenario ip calls
  "$sipp" -sf "$scenarios/$2" -i "$3" -p 5060 -t u1 -m "$4" -nostdin -timeout 40s \
    -trace_msg -message_file "$work/$1.msg" -trace_err -error_file "$work/$1.err" \
    >"$work/$1.out" 2>&1 &
  last_pid=$!
  pids+=("$last_pid")
}
count() { grep -cE "$1" "$2" 2>/dev/null || true; }

# 1. REGISTER, INVITE and un-REGISTER each fail over from the 503 target to the good one.
# Two SIPp calls each: the registration (REGISTER, un-REGISTER) and the INVITE.
sipp_uas busy uas_503_all.xml "$busy" 2
busy_pid=$last_pid
sipp_uas good uas_register_call.xml "$good" 2
good_pid=$last_pid
sleep 0.5
"$ua" --dns "$dns" --local udp:127.0.0.1:0 --user alice --register sip:ua.test \
  --call sip:bob@ua.test --hangup-after 1s --t1 50 --expires 60 --timeout 30s \
  >"$work/ua1.out" 2>&1
status=$?
cat "$work/ua1.out"
if [[ $status -eq 0 ]] && grep -q '^registered' "$work/ua1.out" &&
  grep -q '^answered 200' "$work/ua1.out" && grep -q '^call ended: local BYE' "$work/ua1.out" &&
  grep -q '^unregistered' "$work/ua1.out" && grep -q '^done$' "$work/ua1.out"; then
  pass "tandem-ua registered, called, hung up and un-registered via sip:ua.test"
else
  fail "tandem-ua (exit $status)"
fi
wait "$busy_pid"
busy_status=$?
wait "$good_pid"
good_status=$?
# What each SIPp received (its message trace): the 503 target got every out-of-dialog request
# first and no BYE; the good one everything, the BYE included.
busy_register=$(count '^REGISTER sip:ua.test' "$work/busy.msg")
busy_invite=$(count '^INVITE sip:bob@ua.test' "$work/busy.msg")
busy_503=$(count '^SIP/2.0 503' "$work/busy.msg")
good_register=$(count '^REGISTER sip:ua.test' "$work/good.msg")
good_invite=$(count '^INVITE sip:bob@ua.test' "$work/good.msg")
good_bye=$(count '^BYE ' "$work/good.msg")
echo "busy: REGISTER=$busy_register INVITE=$busy_invite 503s=$busy_503 (SIPp exit $busy_status)"
echo "good: REGISTER=$good_register INVITE=$good_invite BYE=$good_bye (SIPp exit $good_status)"
if [[ $busy_status -eq 0 && $good_status -eq 0 && $busy_register -eq 2 && $busy_invite -eq 1 &&
  $busy_503 -eq 3 && $good_register -eq 2 && $good_invite -eq 1 && $good_bye -eq 1 ]]; then
  pass "failover 503 -> 200 for REGISTER, INVITE and un-REGISTER; BYE only to the answering peer"
else
  fail "SIPp counts or exit codes"
  tail -20 "$work"/*.err 2>/dev/null
fi

# 2. INVITE: the first target is silent (Timer B = 64*T1 = 3.2 s), the second answers.
sipp_uas good2 uas_register_call.xml "$good2" 1
good2_pid=$last_pid
sleep 0.5
start=$(date +%s%N)
"$ua" --dns "$dns" --local udp:127.0.0.1:0 --user alice --call sip:bob@silent.test \
  --hangup-after 500ms --t1 50 --timeout 30s >"$work/ua2.out" 2>&1
status=$?
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
cat "$work/ua2.out"
wait "$good2_pid"
good2_status=$?
good2_invite=$(count '^INVITE sip:bob@silent.test' "$work/good2.msg")
echo "silent first: ${elapsed_ms} ms; good2 INVITE=$good2_invite (SIPp exit $good2_status)"
if [[ $status -eq 0 && $good2_status -eq 0 && $good2_invite -eq 1 && $elapsed_ms -ge 3200 ]] &&
  grep -q '^answered 200' "$work/ua2.out" && grep -q '^call ended: local BYE' "$work/ua2.out"; then
  pass "INVITE timed out on the silent target (Timer B) and completed on the second"
else
  fail "silent-first INVITE (exit $status, ${elapsed_ms} ms)"
fi
# dnsmasq answered the NAPTR -> SRV -> A chain for ua.test and SRV -> A for silent.test.
if grep -q 'query\[NAPTR\] ua.test' "$work/dnsmasq.log" &&
  grep -q 'query\[SRV\] _sip._udp.ua.test' "$work/dnsmasq.log" &&
  grep -q 'query\[SRV\] _sip._udp.silent.test' "$work/dnsmasq.log"; then
  pass "resolution went through dnsmasq"
else
  fail "dnsmasq log lacks the expected queries"
fi

[[ $failures -eq 0 ]] && echo "all tandem-ua DNS failover checks passed"
exit $((failures > 0))
