#!/usr/bin/env bash
# JsSIP (Node) and SIPp as users of tandem-pbx, across transports: JsSIP registers over WSS
# (with a certificate given by --tls-cert/--tls-key and verified by Node), sends a MESSAGE to a
# SIPp UAS registered over UDP, then receives a MESSAGE and an INVITE from a SIPp UAC over UDP,
# which the pbx can only deliver on JsSIP's WebSocket connection (JsSIP in Node has no WebRTC
# and refuses the INVITE itself with 405, which SIPp must get back).
#   run-pbx-jssip.sh <tandem-pbx> <sipp> <source dir> <node work dir>
# Exits 77 (skipped) when node, npm or openssl is missing.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$(dirname "$0")/../lib.sh"
require_tools node npm openssl
pbx=$(realpath "$1") sipp=$2 src=$(realpath "$3") nodedir=$(realpath -m "$4")
scenarios=$src/scenarios
npm_ci "$src/../jssip" "$nodedir"
enter_workdir

# JsSIP 3.13 answers only MD5 challenges and reads the last WWW-Authenticate: offer only MD5.
self_signed_cert key.pem cert.pem
spawn pbx.log "$pbx" --listen udp:127.0.0.1:0 --listen wss:127.0.0.1:0 --listen tls:127.0.0.1:0 \
  --tls-cert cert.pem --tls-key key.pem \
  --user 1000:secret1000 --user 1001:secret1001 --digest MD5
pid=$spawned
# A clean stop (SIGTERM ends the event loop) lets the sanitizers of an ASan build report.
stop_pbx() { stop_checked "$pid" pbx.log tandem-pbx; }
wait_for pbx.log '^listening' 3 || true
udp=$(listen_port pbx.log UDP:127.0.0.1)
wss=$(listen_port pbx.log WSS:127.0.0.1)
tls=$(listen_port pbx.log TLS:127.0.0.1)
[[ -n "$udp" && -n "$wss" && -n "$tls" ]] || { echo "tandem-pbx did not start"; cat pbx.log; exit 1; }

uport=$(free_port)
sed -e 's/\[linger\]/0/' "$scenarios/uas-message.xml" >uas.xml
sed -e 's/\[expect\]/200/' "$scenarios/register.xml" >register.xml
sed -e 's/\[expect\]/200/' "$scenarios/message.xml" >message.xml
sed -e 's/\[expect\]/405/' "$scenarios/invite.xml" >invite.xml
spawn uas.out "$sipp" -sf uas.xml -t u1 -i 127.0.0.1 -p "$uport" -s 1001 -m 1 -nostdin \
  -timeout 30s -timeout_error
uas=$spawned
sleep 0.3
common=(-t u1 -i 127.0.0.1 -p "$(free_port)" -m 1 -nostdin -timeout 15s -timeout_error)
"$sipp" 127.0.0.1:"$udp" -sf register.xml "${common[@]}" -s 1001 -au 1001 -ap secret1001 \
  -key expires 300 -key contact_port "$uport" >register.out 2>&1 ||
  { echo "FAIL SIPp 1001 could not register"; exit 1; }

spawn node.out node "$src/jssip-pbx.js" "wss://127.0.0.1:$wss" cert.pem
wait_for node.out READY 1 150 ||
  { echo "FAIL JsSIP did not register or message 1001"; cat node.out; exit 1; }
wait "$uas" && pass "JsSIP (WSS) -> pbx -> SIPp (UDP): MESSAGE" ||
  fail "SIPp UAS 1001 did not get JsSIP's MESSAGE"
"$sipp" 127.0.0.1:"$udp" -sf message.xml "${common[@]}" -s 1000 -key caller 1001 -au 1001 \
  -ap secret1001 >message.out 2>&1 && pass "SIPp (UDP) -> pbx -> JsSIP (WSS): MESSAGE" ||
  { fail "MESSAGE to JsSIP"; grep -A8 -E 'Aborting|unexpected|timed out' message.out | head -30; }
"$sipp" 127.0.0.1:"$udp" -sf invite.xml "${common[@]}" -s 1000 -au 1001 -ap secret1001 \
  >invite.out 2>&1 && pass "SIPp (UDP) -> pbx -> JsSIP (WSS): INVITE, refused 405 by JsSIP" ||
  { fail "INVITE to JsSIP"; grep -A8 -E 'Aborting|unexpected|timed out' invite.out | head -30; }
# The tls: listener with the same certificate, verified by openssl s_client: OPTIONS gets 200.
printf 'OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TLS client.invalid;branch=z9hG4bK-tls1;rport\r\nFrom: <sip:probe@tandem.test>;tag=t1\r\nTo: <sip:127.0.0.1>\r\nCall-ID: tls-options\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n' |
  (cat; sleep 2) | timeout 10 openssl s_client -connect "127.0.0.1:$tls" -quiet -CAfile cert.pem \
    -verify_return_error -verify_ip 127.0.0.1 >tls.out 2>tls.err || true
if grep -q '^SIP/2.0 200 OK' tls.out; then pass "OPTIONS over TLS (certificate verified)"; else
  fail "OPTIONS over TLS"
  cat tls.out tls.err
fi
# IPv6: a second pbx (one listener per transport kind) on [::1]; OPTIONS over TLS and WSS. The
# certificate names 127.0.0.1 only, so it is not verified here.
spawn pbx6.log "$pbx" --listen 'wss:[::1]:0' --listen 'tls:[::1]:0' --tls-cert cert.pem \
  --tls-key key.pem --user 1000:secret1000
pid6=$spawned
wait_for pbx6.log '^listening' 2 || true
wss6=$(listen_port pbx6.log 'WSS:[::1]')
tls6=$(listen_port pbx6.log 'TLS:[::1]')
printf 'OPTIONS sip:[::1] SIP/2.0\r\nVia: SIP/2.0/TLS client.invalid;branch=z9hG4bK-tls6;rport\r\nFrom: <sip:probe@tandem.test>;tag=t6\r\nTo: <sip:[::1]>\r\nCall-ID: tls6-options\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n' |
  (cat; sleep 2) | timeout 10 openssl s_client -connect "[::1]:$tls6" -quiet >tls6.out 2>tls6.err ||
  true
if grep -q '^SIP/2.0 200 OK' tls6.out; then pass "OPTIONS over TLS on [::1]"; else
  fail "OPTIONS over TLS on [::1]"
  cat tls6.out tls6.err
fi
if node "$src/ws-options.js" "wss://[::1]:$wss6" cert.pem >ws6.out 2>&1 &&
  grep -q '^SIP/2.0 200 OK' ws6.out; then
  pass "OPTIONS over WSS on [::1] (node ws)"
else
  fail "OPTIONS over WSS on [::1]"
  cat ws6.out
fi
stop_checked "$pid6" pbx6.log "tandem-pbx on [::1]"
if grep -q PASS node.out; then grep PASS node.out; else
  fail "JsSIP did not get the MESSAGE"
  cat node.out
fi
stop_pbx
finish
