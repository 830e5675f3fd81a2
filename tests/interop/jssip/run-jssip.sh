#!/usr/bin/env bash
# SIP over WS, WSS and TLS against real clients, on 127.0.0.1:
#   1. JsSIP (npm, in Node) registers, sends a MESSAGE, unregisters, over WS and over WSS;
#   2. raw WebSocket checks (npm ws): upgrade refusals (400 without `sip`, 401 from the token
#      validator), RFC 7118 framing, keep-alive, 1009 on oversize, clean close; over WS and WSS;
#   3. openssl s_client sends OPTIONS and REGISTER over TLS (Debian's SIPp has no TLS built in).
#   run-jssip.sh <tandem_jssip_responder> <source dir> <node work dir>
# Exits 77 (skipped) when node, npm or openssl is missing.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$(dirname "$0")/../lib.sh"
require_tools node npm openssl
responder=$(realpath "$1") src=$(realpath "$2") nodedir=$(realpath -m "$3")
npm_ci "$src" "$nodedir"

work=$(mktemp -d)
pid=
trap '[[ -n "$pid" ]] && { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }; rm -rf "$work"' EXIT
cd "$work"
secret=$(openssl rand -hex 16)
: >responder.log
"$responder" --cert-out cert.pem --token "$secret" >responder.log 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q '^listening' responder.log && break; sleep 0.1; done
port() { sed -n "s/.* $1:127\.0\.0\.1:\([0-9]*\).*/\1/p" responder.log; }
ws=$(port ws) wss=$(port wss) tls=$(port tls)
[[ -n "$ws" && -n "$wss" && -n "$tls" ]] || { echo "responder did not start"; cat responder.log; exit 1; }
grep -o 'fingerprint=.*' responder.log

failures=0
run() {  # description, command...
  local what=$1; shift
  if "$@"; then :; else echo "FAIL $what"; failures=$((failures + 1)); fi
}
run "jssip ws" node "$src/jssip-register-message.js" ws "ws://127.0.0.1:$ws/?token=$secret" cert.pem
run "jssip wss" node "$src/jssip-register-message.js" wss "wss://127.0.0.1:$wss/?token=$secret" cert.pem
run "ws checks" node "$src/ws-upgrade-checks.js" "ws://127.0.0.1:$ws" "$secret"
run "wss checks" node "$src/ws-upgrade-checks.js" "wss://127.0.0.1:$wss" "$secret" cert.pem

# TLS: two requests and a CRLFCRLF keep-alive on one connection, the certificate verified
# against the responder's own (SAN IP:127.0.0.1).
sip_request() {  # method call-id
  printf '%s sip:echo@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TLS client.invalid;branch=z9hG4bK-%s;rport\r\nFrom: <sip:tls@tandem.test>;tag=t1\r\nTo: <sip:tls@tandem.test>\r\nCall-ID: %s\r\nCSeq: 1 %s\r\nMax-Forwards: 70\r\nContact: <sip:tls@client.invalid;transport=tls>\r\nContent-Length: 0\r\n\r\n' \
    "$1" "$2" "$2" "$1"
}
start=$(date +%s%N)
{ sip_request OPTIONS tls-options; printf '\r\n\r\n'; sip_request REGISTER tls-register
  for _ in $(seq 50); do [[ $(grep -c '^SIP/2.0 200 OK' tls.out 2>/dev/null) -ge 2 ]] && break; sleep 0.1; done
} | timeout 10 openssl s_client -connect "127.0.0.1:$tls" -quiet -no_ign_eof -CAfile cert.pem -verify_return_error \
      -verify_ip 127.0.0.1 >tls.out 2>tls.err || true
elapsed=$((($(date +%s%N) - start) / 1000000))
if [[ $(grep -c '^SIP/2.0 200 OK' tls.out) -eq 2 ]] && grep -q 'received=127.0.0.1' tls.out; then
  echo "PASS tls (openssl s_client): OPTIONS 200, REGISTER 200, Via stamped; ${elapsed} ms"
else
  echo "FAIL tls (openssl s_client)"; cat tls.out tls.err; failures=$((failures + 1))
fi

kill -TERM "$pid"
wait "$pid" || true
pid=
cat responder.log
# JsSIP: REGISTER, MESSAGE, un-REGISTER per scheme (6); checks: OPTIONS, a binary MESSAGE and a
# MESSAGE to close per scheme (6); TLS: OPTIONS, REGISTER (2). One malformed and four refused
# upgrades per check run.
expect='requests=14 register=5 message=6 options=3 malformed=2 refused=8'
grep -q "^$expect\$" responder.log || { echo "FAIL: expected $expect"; failures=$((failures + 1)); }
[[ $failures -eq 0 ]] && echo "all JsSIP, WebSocket and TLS interop checks passed"
exit $failures
