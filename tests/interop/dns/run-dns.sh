#!/usr/bin/env bash
# RFC 3263 target resolution and failover against real peers. dnsmasq serves NAPTR, SRV, A and
# AAAA records on loopback; SIPp UASes answer 503 and 200; one TCP target refuses connections and
# one UDP target never answers. Our client must walk NAPTR -> SRV -> A, order by priority and
# weight, and fail over target by target until the 200.
#   run-dns.sh <tandem_resolve_and_send> <scenario dir>
set -uo pipefail
prog=$1 scenarios=$2
source "$(cd "$(dirname "$0")" && pwd)/dnsmasq.sh"
dns_test_setup
down=$net.1 busy=$net.2 good=$net.3 silent=$net.4

records=(
  --local=/test/  # authoritative: unknown names under .test are NXDOMAIN
  --naptr-record=example.test,10,10,S,SIP+D2T,,_sip._tcp.example.test
  --naptr-record=example.test,20,10,S,SIP+D2U,,_sip._udp.example.test
  --naptr-record=example.test,5,10,S,SIP+D2S,,_sip._sctp.example.test  # SCTP: must be skipped
  --srv-host=_sip._tcp.example.test,down.example.test,5060,10,10
  --srv-host=_sip._udp.example.test,silent.example.test,5060,10,10
  --srv-host=_sip._udp.example.test,busy.example.test,5060,20,10
  --srv-host=_sip._udp.example.test,good.example.test,5060,30,10
  --host-record=down.example.test,$down
  --host-record=silent.example.test,$silent
  --host-record=busy.example.test,$busy
  --host-record=good.example.test,$good
  # weights: no NAPTR, two SRV records of one priority weighted 90:10
  --srv-host=_sip._udp.weights.example.test,heavy.example.test,5060,10,90
  --srv-host=_sip._udp.weights.example.test,light.example.test,5060,10,10
  --host-record=heavy.example.test,$net.10
  --host-record=light.example.test,$net.11
  --host-record=v6.example.test,::1
)
start_dnsmasq "${records[@]}"
echo "dnsmasq on $dns, SIP peers in $net.0/24"


# 1. NAPTR -> SRV -> A, ordered by NAPTR order then SRV priority; SCTP skipped.
"$prog" --dns "$dns" --uri sip:example.test >"$work/list.out" 2>&1
cat "$work/list.out"
cat >"$work/list.expected" <<LIST
target 1: TCP $down:5060 (down.example.test)
target 2: UDP $silent:5060 (silent.example.test)
target 3: UDP $busy:5060 (busy.example.test)
target 4: UDP $good:5060 (good.example.test)
LIST
if diff -u "$work/list.expected" "$work/list.out"; then pass "NAPTR/SRV/A target list"; else fail "NAPTR/SRV/A target list"; fi
# dnsmasq saw the chain in that order.
chain=$(grep -oE 'query\[(NAPTR|SRV|A)\] [^ ]+' "$work/dnsmasq.log" | head -4 | tr '\n' '|')
expected_chain='query[NAPTR] example.test|query[SRV] _sip._tcp.example.test|query[SRV] _sip._udp.example.test|query[A] down.example.test|'
if [[ $chain == "$expected_chain" ]]; then pass "query chain as dnsmasq logged it"; else fail "query chain: $chain"; fi

# 2. Failover: TCP refused -> UDP silent (Timer F = 64*T1 = 3.2 s) -> 503 -> 200.
"$sipp" -sf "$scenarios/uas_options_503.xml" -i "$busy" -p 5060 -t u1 -m 1 -nostdin \
  -timeout 30s -trace_err -error_file "$work/busy.err" >"$work/busy.out" 2>&1 &
busy_pid=$!
pids+=("$busy_pid")
"$sipp" -sf "$scenarios/uas_options_200.xml" -i "$good" -p 5060 -t u1 -m 1 -nostdin \
  -timeout 30s -trace_err -error_file "$work/good.err" >"$work/good.out" 2>&1 &
good_pid=$!
pids+=("$good_pid")
sleep 0.5
"$prog" --dns "$dns" --uri sip:example.test --send --t1 50 --expect-status 200 \
  --expect-from "$good:5060" >"$work/send.out" 2>&1
status=$?
cat "$work/send.out"
if [[ $status -eq 0 ]]; then pass "failover ends with 200 from $good"; else fail "failover (exit $status)"; fi
tries=$(grep -c '^try ' "$work/send.out")
branches=$(grep -oE 'branch=z9hG4bK[^ ]+' "$work/send.out" | sort -u | wc -l)
gave_up=$(grep -c '^gave up ' "$work/send.out")
# The refused TCP target never gets a transaction; the three UDP tries each get their own branch.
if [[ $tries -eq 3 && $branches -eq 3 && $gave_up -eq 3 ]] &&
  grep -q "^gave up TCP $down:5060 (down.example.test): .*Connection refused" "$work/send.out" &&
  grep -q "^gave up UDP $silent:5060 (silent.example.test): timeout" "$work/send.out" &&
  grep -q "^gave up UDP $busy:5060 (busy.example.test): 503 from" "$work/send.out"; then
  pass "refused, timed out, 503: three targets given up; 3 tries with 3 branches"
else
  fail "tries=$tries branches=$branches gave_up=$gave_up"
fi
wait "$busy_pid"
busy_status=$?
wait "$good_pid"
good_status=$?
if [[ $busy_status -eq 0 && $good_status -eq 0 ]]; then
  pass "both SIPp UASes completed their call (503 and 200)"
else
  fail "SIPp exit codes: busy=$busy_status good=$good_status"
  cat "$work"/*.err 2>/dev/null | tail -20
fi

# 3. SRV weights 90:10 within one priority (and the no-NAPTR fallback to SRV).
"$prog" --dns "$dns" --uri sip:weights.example.test --repeat 200 >"$work/weights.out" 2>&1
cat "$work/weights.out"
heavy=$(sed -n "s/^first \([0-9]*\) UDP $net.10:5060 .*/\1/p" "$work/weights.out")
light=$(sed -n "s/^first \([0-9]*\) UDP $net.11:5060 .*/\1/p" "$work/weights.out")
if [[ -n $heavy && -n $light && $heavy -ge 150 && $light -ge 1 && $((heavy + light)) -eq 200 ]]; then
  pass "SRV weights: heavy first $heavy/200, light $light/200"
else
  fail "SRV weights: heavy=$heavy light=$light"
fi

# 4. AAAA: an IPv6-only host.
out=$("$prog" --dns "$dns" --uri sip:v6.example.test:5090 2>&1)
echo "$out"
if [[ $out == "target 1: UDP [::1]:5090 (v6.example.test)" ]]; then pass "AAAA ::1"; else fail "AAAA"; fi

# 5. NXDOMAIN: a clear error, not a crash or an empty list.
out=$("$prog" --dns "$dns" --uri sip:nowhere.example.test 2>&1)
status=$?
echo "$out"
if [[ $status -eq 2 && $out == *"NXDOMAIN: nowhere.example.test does not exist"* && $out == *"dns status 3"* ]]; then
  pass "NXDOMAIN"
else
  fail "NXDOMAIN (exit $status)"
fi

[[ $failures -eq 0 ]] && echo "all DNS interop checks passed"
exit $((failures > 0))
