#!/usr/bin/env bash
# tandem-pbx's service media against SIPp's RTP: SIPp calls a SIPp UAS whose 200 OK carries the
# SDP answer built by service_media_probe (plan_service_media + build_service_answer), so SIPp
# plays its pcaps (RFC 4733 digits from Debian's sip-tester, G.711 speech) to our endpoint.
#   run-sipp-media.sh <service_media_probe> <sipp> <scenario dir>
# Exit 77 (skip) when SIPp or its pcaps are absent.
set -euo pipefail
probe=$1 sipp=$2 scenarios=$3
pcaps=/usr/share/sip-tester
[[ -x "$sipp" && -r "$pcaps/dtmf_2833_1.pcap" && -r "$pcaps/g711a.pcap" ]] || exit 77

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

free_port() {  # an unused UDP port on 127.0.0.1 (the OS's choice)
  python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

play() { printf '  <nop><action><exec play_pcap_audio="%s"/></action></nop>\n  <pause milliseconds="%s"/>\n' "$1" "$2"; }

failures=0
# run_case NAME MODE FORMATS RTPMAPS PLAYS
run_case() {
  local name=$1 mode=$2 formats=$3 rtpmaps=$4 plays=$5
  local mp uas
  mp=$(free_port)
  uas=$(free_port)
  # The offer SIPp's INVITE will carry, with the media port SIPp will use.
  printf 'v=0\r\no=user1 53655765 2353687637 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio %s RTP/AVP %s\r\n%s' \
    "$mp" "$formats" "$(printf '%s' "$rtpmaps" | sed 's/$/\r/')" >"$name-offer.sdp"
  "$probe" "$mode" "$name-offer.sdp" "$name-answer.sdp" 60 >"$name-probe.log" 2>&1 &
  local probe_pid=$!
  pids+=("$probe_pid")
  for _ in $(seq 50); do grep -q '^port ' "$name-probe.log" && break; sleep 0.1; done
  grep -q '^port ' "$name-probe.log" || { echo "FAIL $name: probe did not start"; cat "$name-probe.log"; failures=$((failures + 1)); return; }

  local answer rtpmaps_xml plays_xml
  answer=$(tr -d '\r' <"$name-answer.sdp")
  ANSWER="$answer" perl -pe 's/\@ANSWER\@/$ENV{ANSWER}/' "$scenarios/uas-answer.xml.in" >"$name-uas.xml"
  rtpmaps_xml=$(printf '%s' "$rtpmaps")
  FORMATS="$formats" RTPMAPS="$rtpmaps_xml" PLAYS="$plays" perl -pe \
    's/\@OFFER_FORMATS\@/$ENV{FORMATS}/; s/\@OFFER_RTPMAPS\@/$ENV{RTPMAPS}/; s/\@PLAYS\@/$ENV{PLAYS}/' \
    "$scenarios/uac-pcap.xml.in" >"$name-uac.xml"

  "$sipp" -sf "$name-uas.xml" -i 127.0.0.1 -p "$uas" -m 1 -nostdin -timeout 40s \
    -trace_err -error_file "$name-uas.err" >"$name-uas.out" 2>&1 &
  local uas_pid=$!
  pids+=("$uas_pid")
  sleep 0.3
  if ! "$sipp" 127.0.0.1:"$uas" -sf "$name-uac.xml" -i 127.0.0.1 -p 0 -mi 127.0.0.1 -mp "$mp" \
      -m 1 -nostdin -timeout 40s -timeout_error -trace_err -error_file "$name-uac.err" \
      >"$name-uac.out" 2>&1; then
    echo "FAIL $name: SIPp UAC"; tail -20 "$name-uac.err" 2>/dev/null || true
    failures=$((failures + 1))
  fi
  wait "$uas_pid" || true
  sleep 0.5  # the last packets and the DTMF flush delay
  kill -TERM "$probe_pid" 2>/dev/null || true
  wait "$probe_pid" || true
  echo "--- $name: our answer"; cat "$name-answer.sdp"
  echo "--- $name: probe"; cat "$name-probe.log"
}

check() {  # NAME DESCRIPTION COMMAND...
  local name=$1 what=$2
  shift 2
  if "$@"; then echo "PASS $name: $what"; else echo "FAIL $name: $what"; failures=$((failures + 1)); fi
}

# 602: four RFC 4733 digits as SIPp's pcaps carry them (each end packet sent three times).
dtmf_plays=$(play "$pcaps/dtmf_2833_1.pcap" 700; play "$pcaps/dtmf_2833_2.pcap" 700;
             play "$pcaps/dtmf_2833_pound.pcap" 700; play "$pcaps/dtmf_2833_9.pcap" 1000)
run_case dtmf dtmf "0 101" $'a=rtpmap:0 PCMU/8000\na=rtpmap:101 telephone-event/8000\na=fmtp:101 0-15' "$dtmf_plays"
check dtmf "digits 1 2 # 9 reported once each, in order" \
  test "$(sed -n 's/^digit \(.\) rtp-event .*/\1/p' dtmf-probe.log | tr -d '\n')" = '12#9'
check dtmf "latched to SIPp's media port" grep -q "latched=127.0.0.1:" dtmf-probe.log

# 600: SIPp's PCMA speech pcap (236 packets over 7 s) goes to the echo, which returns every
# packet to SIPp's port.
run_case echo echo "8 101" $'a=rtpmap:8 PCMA/8000\na=rtpmap:101 telephone-event/8000' "$(play "$pcaps/g711a.pcap" 7500)"
received=$(sed -n 's/^stats received=\([0-9]*\) .*/\1/p' echo-probe.log)
sent=$(sed -n 's/^stats .* sent=\([0-9]*\) .*/\1/p' echo-probe.log)
check echo "the pcap's packets arrived (received=$received)" test "${received:-0}" -ge 230
check echo "every packet echoed (sent=$sent)" test "${sent:-0}" -eq "${received:--1}"

[[ $failures -eq 0 ]] && echo "all service media SIPp cases passed"
exit "$failures"
