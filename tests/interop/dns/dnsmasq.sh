# shellcheck shell=bash
# Set-up shared by the DNS interop scripts; sourcing it also sources tests/interop/lib.sh.
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../lib.sh"

# dns_test_setup: sets $dnsmasq and $sipp (exit 77 when either is missing), enters a work
# directory and sets $net to a corner of 127/8 of this run's own, so parallel runs do not collide
# on the SIP addresses.
dns_test_setup() {
  dnsmasq=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
  sipp=$(command -v sipp || true)
  if [[ ! -x $dnsmasq || -z $sipp ]]; then
    echo "SKIP: needs dnsmasq (apt dnsmasq-base) and sipp (apt sip-tester)"
    exit 77
  fi
  enter_workdir
  net=127.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1))
}

# start_dnsmasq RECORD_OPTION...: starts dnsmasq in the foreground of a background job on a random
# port of 127.0.0.1, authoritative for the records given as dnsmasq options, logging every query to
# $work/dnsmasq.log; sets $dns to 127.0.0.1:PORT. Retries on another port when one is taken; exits
# 1 with dnsmasq's log when it never starts. Needs dns_test_setup first.
start_dnsmasq() {
  local port _
  for _ in 1 2 3 4 5; do
    port=$((RANDOM % 20000 + 30000))
    spawn "$work/dnsmasq.log" "$dnsmasq" --no-daemon --port="$port" --listen-address=127.0.0.1 \
      --bind-interfaces --no-resolv --no-hosts --conf-file=/dev/null \
      --pid-file="$work/dnsmasq.pid" --log-queries --log-facility=- "$@"
    sleep 0.5
    if kill -0 "$spawned" 2>/dev/null; then
      dns=127.0.0.1:$port
      return 0
    fi
    wait "$spawned" 2>/dev/null || true
  done
  echo "FAIL: dnsmasq did not start"
  cat "$work/dnsmasq.log"
  exit 1
}
