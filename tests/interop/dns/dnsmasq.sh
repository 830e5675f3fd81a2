# shellcheck shell=bash
# start_dnsmasq RECORD_OPTION...: starts dnsmasq in the foreground of a background job on a random
# port of 127.0.0.1, authoritative for the records given as dnsmasq options, logging every query to
# $work/dnsmasq.log; sets $dns to 127.0.0.1:PORT. Retries on another port when one is taken; exits
# 1 with dnsmasq's log when it never starts. Needs tests/interop/lib.sh and $dnsmasq.
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
