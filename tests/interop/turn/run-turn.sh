#!/usr/bin/env bash
# TURN REST credentials from GET /api/ice-servers against coturn (use-auth-secret), on loopback:
#   1. a token minted by `tandem token` buys credentials (curl), and coturn's turnutils_uclient
#      allocates a relay with them and relays data through it;
#   2. the same credential tampered with, and a correctly signed but expired username, fail to
#      allocate;
#   3. an expired, a forged, a wrong-audience and a missing token get 401 with the reason in the
#      JSON body.
#   run-turn.sh <tandem> <tandem_ice_servers_server> <source dir>
# Exits 77 (skipped) when turnserver, turnutils_uclient, curl, jq or openssl is missing.
set -euo pipefail
src=$(realpath "$3")
source "$src/../lib.sh"
require_tools turnserver turnutils_uclient curl jq openssl
tandem=$(realpath "$1") server=$(realpath "$2")
enter_workdir

# Ports of this test only (the pre-call e2e uses 3478 and 49160-49200).
turn_port=34790
secret=$(openssl rand -hex 16)
cat >turnserver.conf <<CONF
listening-ip=127.0.0.1
listening-port=$turn_port
relay-ip=127.0.0.1
min-port=49300
max-port=49340
use-auth-secret
static-auth-secret=$secret
realm=tandem.test
fingerprint
allow-loopback-peers
no-multicast-peers
no-tls
no-dtls
no-cli
no-rfc5780
no-software-attribute
log-file=stdout
simple-log
pidfile=$work/turnserver.pid
userdb=$work/turndb
CONF
cat >tandem.toml <<TOML
[listen]
ws = "127.0.0.1:8080"  # not bound by this test
[sip]
pbx = "sip:127.0.0.1"
[media]
public_ip = "127.0.0.1"
[auth]
audience = "tandem"
hs256_secret = "$(openssl rand -hex 24)"
[turn]
stun = ["stun:127.0.0.1:$turn_port"]
servers = ["turn:127.0.0.1:$turn_port?transport=udp"]
secret = "$secret"
credential_ttl = "10m"
TOML
"$tandem" check-config tandem.toml >/dev/null

spawn turnserver.log turnserver -c turnserver.conf -v  # -v logs "UDP listener opened"
for _ in $(seq 100); do grep -q "UDP listener opened on: 127.0.0.1:$turn_port" turnserver.log && break; sleep 0.1; done
grep -q "UDP listener opened on: 127.0.0.1:$turn_port" turnserver.log || { echo "turnserver did not start"; cat turnserver.log; exit 1; }
spawn api.log "$server" tandem.toml 127.0.0.1:0
for _ in $(seq 100); do grep -q '^listening' api.log && break; sleep 0.1; done
api=$(sed -n 's/^listening //p' api.log)
[[ -n $api ]] || { echo "ice-servers server did not start"; cat api.log; exit 1; }

fail() { echo "FAIL $*"; failures=$((failures + 1)); }
get() {  # curl args... -> body in body.json, prints the status
  curl -s -o body.json -w '%{http_code}' "$@"
}
allocate() {  # username password -> turnutils_uclient's exit status
  timeout 30 turnutils_uclient -p "$turn_port" -u "$1" -w "$2" -n 3 -m 1 -y -c 127.0.0.1 >uclient.log 2>&1
}

# 1. Valid token -> credentials -> allocation.
token=$("$tandem" token --config tandem.toml --sub 1001 --ttl 5m)
status=$(get -H "Authorization: Bearer $token" "http://$api/api/ice-servers")
[[ $status == 200 ]] || fail "valid token: HTTP $status $(cat body.json)"
username=$(jq -r '.iceServers[1].username' body.json)
credential=$(jq -r '.iceServers[1].credential' body.json)
echo "ice-servers: $(jq -c '{stun: .iceServers[0].urls, turn: .iceServers[1].urls, username: .iceServers[1].username, ttl}' body.json)"
now=$(date +%s)
expiry=${username%%:*}
[[ ${username#*:} == 1001 && $expiry -ge $((now + 590)) && $expiry -le $((now + 610)) ]] ||
  fail "username $username: expected <now+600>:1001"
[[ $(jq -r '.ttl' body.json) == 600 ]] || fail "ttl $(jq -r '.ttl' body.json)"
if allocate "$username" "$credential"; then
  echo "ok   allocation with the minted credential: $(grep -m1 'Total lost packets' uclient.log | sed 's/.*: : //')"
else
  fail "allocation with a valid credential failed: $(tail -3 uclient.log)"
fi
# The same through ?token=.
status=$(get "http://$api/api/ice-servers?token=$token")
[[ $status == 200 ]] || fail "?token=: HTTP $status"

# 2. Tampered credential and an expired (correctly signed) username must not allocate.
tampered="${credential:0:5}$([[ ${credential:5:1} == A ]] && echo B || echo A)${credential:6}"
if allocate "$username" "$tampered"; then fail "allocation with a tampered credential succeeded"; else echo "ok   tampered credential refused by coturn"; fi
old="$((now - 60)):1001"
old_credential=$(printf %s "$old" | openssl dgst -sha1 -hmac "$secret" -binary | base64)
if allocate "$old" "$old_credential"; then fail "allocation with an expired username succeeded"; else echo "ok   expired username refused by coturn"; fi
# Control for the expired case: the same computation with a future expiry works, so the refusal
# above is the expiry, not our openssl arithmetic.
future="$((now + 60)):1001"
future_credential=$(printf %s "$future" | openssl dgst -sha1 -hmac "$secret" -binary | base64)
allocate "$future" "$future_credential" || fail "control allocation with an openssl-computed credential failed"

# 3. Refused tokens: 401 with the reason in the body.
expect_401() {  # reason curl-args...
  local reason=$1; shift
  local status
  status=$(get "$@")
  if [[ $status == 401 && $(jq -r .error body.json) == "$reason" ]]; then
    echo "ok   401 $reason: $(jq -r .detail body.json)"
  else
    fail "expected 401 $reason, got $status $(cat body.json)"
  fi
}
# The clock skew is 30 s by default: an expired token is judged by a second server whose
# configuration (same keys) allows none.
sed 's/^audience = "tandem"$/audience = "tandem"\nclock_skew = "0s"/' tandem.toml >noskew.toml
grep -q '^clock_skew = "0s"' noskew.toml || fail "noskew.toml"
spawn api-noskew.log "$server" noskew.toml 127.0.0.1:0
expired=$("$tandem" token --config tandem.toml --sub 1001 --ttl 1s)
sleep 2
for _ in $(seq 100); do grep -q '^listening' api-noskew.log && break; sleep 0.1; done
api_noskew=$(sed -n 's/^listening //p' api-noskew.log)
expect_401 expired -H "Authorization: Bearer $expired" "http://$api_noskew/api/ice-servers"
status=$(get -H "Authorization: Bearer $expired" "http://$api/api/ice-servers")
[[ $status == 200 ]] || fail "a token expired 1-2 s ago must pass within the default 30 s skew, got $status"
forged="${token%.*}.$(printf 'forged-signature' | base64 | tr '+/' '-_' | tr -d '=')"
expect_401 bad_signature "http://$api/api/ice-servers?token=$forged"
wrong_aud=$("$tandem" token --config tandem.toml --sub 1001 --ttl 5m --aud other)
expect_401 wrong_audience -H "Authorization: Bearer $wrong_aud" "http://$api/api/ice-servers"
expect_401 missing_token "http://$api/api/ice-servers"
grep -q -F "${token##*.}" api.log api-noskew.log turnserver.log && fail "a token appears in a log"

echo "failures: $failures"
exit "$failures"
