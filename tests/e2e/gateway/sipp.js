// SIPp peers of the gateway e2e tests: the scenarios are generated here (the SDP and the call
// flow vary by test) and written to the artefact directory, then run with the rig's ports.
//   uas(rig, {...})       user 2000, registered at Kamailio, answers and echoes RTP (-rtp_echo)
//   register(rig, ...)    REGISTER with digest auth; Contact = the UAS port
//   uac(rig, {...})       user 2001 calls a target through Kamailio, streams a PCMU tone
'use strict';
const fs = require('fs');
const path = require('path');
const { PORTS, PASSWORDS } = require('./rig');

const HEAD = '<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE scenario SYSTEM "sipp.dtd">\n';

// One <send>. Template lines left blank by an optional part (indentation only) are dropped; a
// truly empty line is the header/body separator.
function send(text, retrans) {
  const lines = text.trim().split('\n').filter((l) => l === '' || l.trim() !== '');
  return `  <send${retrans ? ' retrans="500"' : ''}><![CDATA[\n${lines.map((l) => `      ${l.trim()}`).join('\n')}\n\n  ]]></send>\n`;
}

// retrans: final responses to INVITE, repeated until the ACK comes.
function reply(code, reason, { sdp = null, tag = true, cseq = '[last_CSeq:]', retrans = false } = {}) {
  return send(`SIP/2.0 ${code} ${reason}
    [last_Via:]
    [last_Record-Route:]
    [last_From:]
    [last_To:]${tag ? ';tag=[pid]SIPpTag01[call_number]' : ''}
    [last_Call-ID:]
    ${cseq}
    Contact: <sip:2000@[local_ip]:[local_port];transport=[transport]>
    ${sdp ? 'Content-Type: application/sdp' : ''}
    Content-Length: [len]${sdp ? `\n\n${sdp}` : ''}`, retrans);
}

// The answer SDP for `codec`: pcmu, pcma (static payload types), opus (the offer's payload type,
// captured into $opus_pt) or g711 (both); telephone-event at the offer's 8 kHz payload type.
function answerSdp(codec) {
  const formats = { pcmu: ['0'], pcma: ['8'], g711: ['0', '8'], opus: ['[$opus_pt]'] }[codec];
  const maps = { 0: 'a=rtpmap:0 PCMU/8000', 8: 'a=rtpmap:8 PCMA/8000', '[$opus_pt]': 'a=rtpmap:[$opus_pt] opus/48000/2\na=fmtp:[$opus_pt] minptime=10;useinbandfec=1' };
  return `v=0
    o=uas 1 1 IN IP[local_ip_type] [local_ip]
    s=-
    c=IN IP[media_ip_type] [media_ip]
    t=0 0
    m=audio [media_port] RTP/AVP ${formats.join(' ')} [$te_pt]
    ${formats.map((f) => maps[f]).join('\n')}
    a=rtpmap:[$te_pt] telephone-event/8000
    a=fmtp:[$te_pt] 0-15
    a=ptime:20
    a=sendrecv`;
}

// UAS flows. mode: 'answer' (echo until BYE), 'bye' (echo, then BYE from here after byeAfterMs),
// 'cancel' (ring until CANCEL), 'reject' (answer `rejectCode`). earlyMs: a 183 with SDP and that
// long of early media (echoed) before the 200; ringMs: 180 that long before answering.
function uasScenario({ codec = 'g711', mode = 'answer', earlyMs = 0, ringMs = 200, byeAfterMs = 3000, rejectCode = 486 }) {
  // SIPp refuses variables that are set but never used: capture only what this flow sends.
  const sdp = mode !== 'cancel' && mode !== 'reject';
  const captures = `<action>
      ${sdp ? '<ereg regexp="a=rtpmap:([0-9]+) telephone-event/8000" search_in="body" check_it="true" assign_to="dummy,te_pt"/>' : ''}
      ${mode !== 'reject' ? '<ereg regexp="CSeq: ([0-9]+) INVITE" search_in="msg" check_it="true" assign_to="dummy,inv_cseq"/>' : ''}
      ${sdp && codec === 'opus' ? '<ereg regexp="a=rtpmap:([0-9]+) opus/48000" search_in="body" check_it="true" assign_to="dummy,opus_pt"/>' : ''}
      ${mode !== 'reject' ? '<log message="matched [$dummy]"/>' : ''}
    </action>`;
  let x = `${HEAD}<scenario name="e2e-uas-${codec}-${mode}">\n  <recv request="INVITE" crlf="true">\n    ${captures}\n  </recv>\n`;
  x += reply(100, 'Trying', { tag: false });
  if (mode === 'reject') {
    x += reply(rejectCode, 'Busy Here', { retrans: true });
    x += '  <recv request="ACK"/>\n</scenario>\n';
    return x;
  }
  if (earlyMs > 0) {
    x += reply(183, 'Session Progress', { sdp: answerSdp(codec) });
    x += `  <pause milliseconds="${earlyMs}"/>\n`;
  } else {
    x += reply(180, 'Ringing');
  }
  if (mode === 'cancel') {
    x += '  <recv request="CANCEL"/>\n';
    x += reply(200, 'OK');
    x += reply(487, 'Request Terminated', { cseq: 'CSeq: [$inv_cseq] INVITE', retrans: true });
    x += '  <recv request="ACK"/>\n</scenario>\n';
    return x;
  }
  if (ringMs > 0) x += `  <pause milliseconds="${ringMs}"/>\n`;
  x += reply(200, 'OK', { sdp: answerSdp(codec), cseq: 'CSeq: [$inv_cseq] INVITE', retrans: true });
  x += '  <recv request="ACK" crlf="true"/>\n';
  if (mode === 'bye') {
    x += `  <pause milliseconds="${byeAfterMs}"/>\n`;
    x += send(`BYE [$caller_contact] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:2000@127.0.0.1>;tag=[pid]SIPpTag01[call_number]
      To:[$caller_from]
      Route:[$caller_rr]
      Call-ID: [call_id]
      CSeq: 1 BYE
      Max-Forwards: 70
      Content-Length: 0`, true);
    x += '  <recv response="200"/>\n';
  } else {
    x += '  <recv request="BYE"/>\n';
    x += reply(200, 'OK', { tag: false });
  }
  x += '  <pause milliseconds="500"/>\n</scenario>\n';
  if (mode === 'bye') {
    // SIPp sends the BYE back to where the INVITE came from (Kamailio), with the Record-Route
    // as Route so Kamailio's loose_route() relays it; From/To are the INVITE's, swapped.
    x = x.replace('</action>', `  <ereg regexp=".*" search_in="hdr" header="From:" check_it="true" assign_to="caller_from"/>
      <ereg regexp=".*" search_in="hdr" header="Record-Route:" check_it="true" assign_to="caller_rr"/>
      <ereg regexp="&lt;([^>]*)>" search_in="hdr" header="Contact:" check_it="true" assign_to="dummy,caller_contact"/>
    </action>`);
  }
  return x;
}

function registerScenario() {
  const req = (cseq, auth) => send(`REGISTER sip:127.0.0.1:${PORTS.kamailio} SIP/2.0
    Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
    From: <sip:[service]@127.0.0.1>;tag=[pid]SIPpTag00[call_number]
    To: <sip:[service]@127.0.0.1>
    Call-ID: [call_id]
    CSeq: ${cseq} REGISTER
    Contact: <sip:[service]@[local_ip]:[contact_port];transport=[transport]>
    ${auth ? '[authentication]' : ''}
    Max-Forwards: 70
    Expires: [expires]
    Content-Length: 0`, true);
  return `${HEAD}<scenario name="e2e-register">\n${req(1, false)}  <recv response="401" auth="true"/>\n${req(2, true)}  <recv response="200"/>\n</scenario>\n`;
}

// The authenticated INVITE's branch, which its CANCEL and the ACK of a 487 must repeat.
const INVITE2_BRANCH = 'z9hG4bK-[pid]-[call_number]-invite2';

// UAC user 2001 → [service] through Kamailio (407 answered), offering PCMU/PCMA/telephone-event,
// streaming tone-<hz>-pcmu.wav for holdMs, then BYE. cancelAfterMs: CANCEL after the 180
// instead (expects 487). infoDigit: 1 s into the call, that digit as SIP INFO (dtmf-relay).
// awaitBye: the callee hangs up (BYE answered with 200) instead of the pause and our BYE.
function uacScenario({ cancelAfterMs = 0, infoDigit = null, awaitBye = false } = {}) {
  const invite = (cseq, auth) => send(`INVITE sip:[service]@127.0.0.1:${PORTS.kamailio} SIP/2.0
    Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=${cseq === 2 ? INVITE2_BRANCH : '[branch]'}
    From: <sip:2001@127.0.0.1>;tag=[pid]SIPpTag00[call_number]
    To: <sip:[service]@127.0.0.1>
    Call-ID: [call_id]
    CSeq: ${cseq} INVITE
    Contact: <sip:2001@[local_ip]:[local_port];transport=[transport]>
    ${auth ? '[authentication]' : ''}
    Max-Forwards: 70
    Content-Type: application/sdp
    Content-Length: [len]

    v=0
    o=uac 1 1 IN IP[local_ip_type] [local_ip]
    s=-
    c=IN IP[media_ip_type] [media_ip]
    t=0 0
    m=audio [rtpstream_audio_port] RTP/AVP 0 8 101
    a=rtpmap:0 PCMU/8000
    a=rtpmap:8 PCMA/8000
    a=rtpmap:101 telephone-event/8000
    a=fmtp:101 0-15
    a=ptime:20
    a=sendrecv`, true);
  const ack = (cseq, uri, extra) => send(`ACK ${uri} SIP/2.0
    Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
    From: <sip:2001@127.0.0.1>;tag=[pid]SIPpTag00[call_number]
    [last_To:]
    ${extra}
    Call-ID: [call_id]
    CSeq: ${cseq} ACK
    Max-Forwards: 70
    Content-Length: 0`, false);
  let x = `${HEAD}<scenario name="e2e-uac">\n${invite(1, false)}`;
  x += '  <recv response="100" optional="true"/>\n  <recv response="407" auth="true"/>\n';
  x += ack(1, `sip:[service]@127.0.0.1:${PORTS.kamailio}`, '');
  x += invite(2, true);
  x += '  <recv response="100" optional="true"/>\n  <recv response="183" optional="true"/>\n';
  if (cancelAfterMs > 0) {
    x += `  <recv response="180"/>\n  <pause milliseconds="${cancelAfterMs}"/>\n`;
    x += send(`CANCEL sip:[service]@127.0.0.1:${PORTS.kamailio} SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=${INVITE2_BRANCH}
      From: <sip:2001@127.0.0.1>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@127.0.0.1>
      Call-ID: [call_id]
      CSeq: 2 CANCEL
      Max-Forwards: 70
      Content-Length: 0`, true);
    x += '  <recv response="200"/>\n  <recv response="487"/>\n';
    x += ack(2, `sip:[service]@127.0.0.1:${PORTS.kamailio}`, '').replace('[branch]', INVITE2_BRANCH);
    return `${x}</scenario>\n`;
  }
  x += '  <recv response="180" optional="true"/>\n  <recv response="183" optional="true"/>\n';
  x += '  <recv response="200" rrs="true" rtd="true"/>\n';
  x += ack(2, '[next_url]', '[routes]');
  x += '  <nop><action><exec rtp_stream="tone-pcmu.wav,-1,0"/></action></nop>\n';
  if (infoDigit !== null) {
    x += '  <pause milliseconds="1000"/>\n';
    x += send(`INFO [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:2001@127.0.0.1>;tag=[pid]SIPpTag00[call_number]
      [last_To:]
      [routes]
      Call-ID: [call_id]
      CSeq: 3 INFO
      Max-Forwards: 70
      Content-Type: application/dtmf-relay
      Content-Length: [len]

      Signal=${infoDigit}
      Duration=160`, true);
    x += '  <recv response="200"/>\n';
  }
  if (awaitBye) {
    x += '  <recv request="BYE"/>\n';
    x += send(`SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0`, false);
    return `${x}  <pause milliseconds="500"/>\n</scenario>\n`;
  }
  x += '  <pause/>\n';
  x += send(`BYE [next_url] SIP/2.0
    Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
    From: <sip:2001@127.0.0.1>;tag=[pid]SIPpTag00[call_number]
    [last_To:]
    [routes]
    Call-ID: [call_id]
    CSeq: 4 BYE
    Max-Forwards: 70
    Content-Length: 0`, true);
  x += '  <recv response="200" crlf="true"/>\n</scenario>\n';
  return x;
}

// A mono 8 kHz G.711 µ-law WAV of a sine (SIPp's rtp_stream sends its samples as PT 0).
function ulawToneWav(hz, seconds) {
  const n = 8000 * seconds;
  const data = Buffer.alloc(n);
  for (let i = 0; i < n; i++) data[i] = linearToUlaw(Math.round(0.4 * 32767 * Math.sin((2 * Math.PI * hz * i) / 8000)));
  const h = Buffer.alloc(58);
  h.write('RIFF', 0); h.writeUInt32LE(50 + n, 4); h.write('WAVE', 8);
  h.write('fmt ', 12); h.writeUInt32LE(18, 16); h.writeUInt16LE(7, 20); h.writeUInt16LE(1, 22);
  h.writeUInt32LE(8000, 24); h.writeUInt32LE(8000, 28); h.writeUInt16LE(1, 32); h.writeUInt16LE(8, 34); h.writeUInt16LE(0, 36);
  h.write('fact', 38); h.writeUInt32LE(4, 42); h.writeUInt32LE(n, 46);
  h.write('data', 50); h.writeUInt32LE(n, 54);
  return Buffer.concat([h, data]);
}

function linearToUlaw(sample) {
  const BIAS = 0x84;
  const sign = sample < 0 ? 0x80 : 0;
  let s = Math.min(Math.abs(sample), 32635) + BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0F;
  return ~(sign | (exponent << 4) | mantissa) & 0xFF;
}

function write(rig, name, text) {
  const file = path.join(rig.out, name);
  fs.writeFileSync(file, text);
  return file;
}

function sippArgs(rig, name, extra) {
  return [...extra, '-nostdin', '-trace_msg', '-message_file', path.join(rig.out, `${name}-messages.log`),
          '-trace_err', '-error_file', path.join(rig.out, `${name}-errors.log`)];
}

// Starts the UAS (one call, or `calls`); its exit code 0 means the flow went as scripted.
function uas(rig, options = {}, name = 'sipp-uas') {
  const sf = write(rig, `${name}.xml`, uasScenario(options));
  return rig.spawn(name, 'sipp', sippArgs(rig, name, ['-sf', sf, '-i', '127.0.0.1', '-p', String(PORTS.uas), '-mi', '127.0.0.1',
    '-mp', String(PORTS.uasMedia), '-rtp_echo', '-m', String(options.calls || 1), '-timeout', '90s']), { cwd: rig.out });
}

// Registers `user` (default 2000) at Kamailio with Contact on `contactPort`; resolves with
// SIPp's exit code (0: registered).
async function register(rig, { user = '2000', password = PASSWORDS[user], contactPort = PORTS.uas, name = 'sipp-register' } = {}) {
  const sf = write(rig, 'sipp-register.xml', registerScenario());
  const r = rig.spawn(name, 'sipp', sippArgs(rig, name, [`127.0.0.1:${PORTS.kamailio}`, '-sf', sf, '-s', user, '-au', user, '-ap', password,
    '-key', 'contact_port', String(contactPort), '-key', 'expires', '300', '-i', '127.0.0.1', '-p', String(PORTS.uasReg),
    '-m', '1', '-timeout', '10s', '-timeout_error']), { cwd: rig.out });
  return r.exited;
}

// Starts the UAC calling `target`, streaming a `hz` PCMU tone for holdMs.
function uac(rig, { target, hz = 700, holdMs = 5000, cancelAfterMs = 0, infoDigit = null, awaitBye = false, name = 'sipp-uac' }) {
  fs.writeFileSync(path.join(rig.out, 'tone-pcmu.wav'), ulawToneWav(hz, 20));
  const sf = write(rig, `${name}.xml`, uacScenario({ cancelAfterMs, infoDigit, awaitBye }));
  return rig.spawn(name, 'sipp', sippArgs(rig, name, [`127.0.0.1:${PORTS.kamailio}`, '-sf', sf, '-s', target, '-au', '2001',
    '-ap', PASSWORDS[2001], '-i', '127.0.0.1', '-p', String(PORTS.uac), '-mi', '127.0.0.1', '-mp', String(PORTS.uacMedia),
    '-d', String(holdMs), '-m', '1', '-timeout', '60s', '-timeout_error']), { cwd: rig.out });
}

module.exports = { uas, register, uac, uasScenario, uacScenario, ulawToneWav };
