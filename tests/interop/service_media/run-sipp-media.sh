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

# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$(dirname "$0")/../lib.sh"
enter_workdir

play() { printf '  <nop><action><exec play_pcap_audio="%s"/></action></nop>\n  <pause milliseconds="%s"/>\n' "$1" "$2"; }

# run_case NAME MODE FORMATS RTPMAPS PLAYS
run_case() {
  local name=$1 mode=$2 formats=$3 rtpmaps=$4 plays=$5
  local mp uas
  mp=$(free_port)
  uas=$(free_port)
  # The offer SIPp's INVITE will carry, with the media port SIPp will use.
  printf 'v=0\r\no=user1 53655765 2353687637 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio %s RTP/AVP %s\r\n%s' \
    "$mp" "$formats" "$(printf '%s' "$rtpmaps" | sed 's/$/\r/')" >"$name-offer.sdp"
  spawn "$name-probe.log" "$probe" "$mode" "$name-offer.sdp" "$name-answer.sdp" 60
  local probe_pid=$spawned
  wait_for "$name-probe.log" '^port ' ||
    { fail "$name: probe did not start"; cat "$name-probe.log"; return; }

  local answer rtpmaps_xml plays_xml
  answer=$(tr -d '\r' <"$name-answer.sdp")
  ANSWER="$answer" perl -pe 's/\@ANSWER\@/$ENV{ANSWER}/' "$scenarios/uas-answer.xml.in" >"$name-uas.xml"
  rtpmaps_xml=$(printf '%s' "$rtpmaps")
  FORMATS="$formats" RTPMAPS="$rtpmaps_xml" PLAYS="$plays" perl -pe \
    's/\@OFFER_FORMATS\@/$ENV{FORMATS}/; s/\@OFFER_RTPMAPS\@/$ENV{RTPMAPS}/; s/\@PLAYS\@/$ENV{PLAYS}/' \
    "$scenarios/uac-pcap.xml.in" >"$name-uac.xml"

  spawn "$name-uas.out" "$sipp" -sf "$name-uas.xml" -i 127.0.0.1 -p "$uas" -m 1 -nostdin \
    -timeout 40s -trace_err -error_file "$name-uas.err"
  local uas_pid=$spawned
  sleep 0.3
  if ! "$sipp" 127.0.0.1:"$uas" -sf "$name-uac.xml" -i 127.0.0.1 -p 0 -mi 127.0.0.1 -mp "$mp" \
      -m 1 -nostdin -timeout 40s -timeout_error -trace_err -error_file "$name-uac.err" \
      >"$name-uac.out" 2>&1; then
    fail "$name: SIPp UAC"
    tail -20 "$name-uac.err" 2>/dev/null || true
  fi
  wait "$uas_pid" || true
  sleep 0.5  # the last packets and the DTMF flush delay
  kill -TERM "$probe_pid" 2>/dev/null || true
  wait "$probe_pid" || true
  echo "--- $name: our answer"; cat "$name-answer.sdp"
  echo "--- $name: probe"; cat "$name-probe.log"
}

# 602: four RFC 4733 digits as SIPp's pcaps carry them (each end packet sent three times).
dtmf_plays=$(play "$pcaps/dtmf_2833_1.pcap" 700; play "$pcaps/dtmf_2833_2.pcap" 700;
             play "$pcaps/dtmf_2833_pound.pcap" 700; play "$pcaps/dtmf_2833_9.pcap" 1000)
run_case dtmf dtmf "0 101" $'a=rtpmap:0 PCMU/8000\na=rtpmap:101 telephone-event/8000\na=fmtp:101 0-15' "$dtmf_plays"
verify dtmf "digits 1 2 # 9 reported once each, in order" \
  test "$(sed -n 's/^digit \(.\) rtp-event .*/\1/p' dtmf-probe.log | tr -d '\n')" = '12#9'
verify dtmf "latched to SIPp's media port" grep -q "latched=127.0.0.1:" dtmf-probe.log

# 600: SIPp's PCMA speech pcap (236 packets over 7 s) goes to the echo, which returns every
# packet to SIPp's port.
run_case echo echo "8 101" $'a=rtpmap:8 PCMA/8000\na=rtpmap:101 telephone-event/8000' "$(play "$pcaps/g711a.pcap" 7500)"
received=$(sed -n 's/^stats received=\([0-9]*\) .*/\1/p' echo-probe.log)
sent=$(sed -n 's/^stats .* sent=\([0-9]*\) .*/\1/p' echo-probe.log)
verify echo "the pcap's packets arrived (received=$received)" test "${received:-0}" -ge 230
verify echo "every packet echoed (sent=$sent)" test "${sent:-0}" -eq "${received:--1}"

finish "all service media SIPp cases passed"
