// Interop bad-input test (issue 4): a real third-party WebRTC peer (npm werift: ICE, DTLS,
// SRTP in pure TypeScript) runs a live Opus echo session against `tandem echo` while this script
// attacks the same media port with garbage, truncated and forged STUN, forged DTLS records,
// replayed SRTP/SRTCP from the peer's own 5-tuple and SRTP with forged tags. It passes only if
//   - echoed packets keep arriving during and after the attack (bounded gap, most of them back),
//     werift stays connected and tandem reports the session ICE-connected and DTLS-connected;
//   - tandem's counters account for the attack (unknown class, bad STUN, unknown ufrag and path,
//     SRTP failures) and no replayed or forged packet was accepted (tandem's per-stream receive
//     count never exceeds what werift really sent);
//   - a wrongly signed check gets no answer while a correctly signed one does;
//   - tandem still serves a brand-new echo session afterwards and exits cleanly on SIGTERM (under
//     ASan/UBSan that exit also carries the leak check).
// Usage: node bad_input.js <tandem binary> <web dir>   (NODE_PATH must hold werift)
'use strict';
const dgram = require('dgram');
const crypto = require('crypto');
const http = require('http');
const { spawn } = require('child_process');

// --- Record what werift sends (before werift is loaded, so its sockets use the hook) ---------
// Every SRTP/SRTCP datagram werift sends to tandem is kept, with the socket it left from, so the
// attack can replay it byte for byte from the peer's own 5-tuple.
const sent = { rtp: [], rtcp: [], socket: null, mediaPort: 0 };
let replaying = false;
const originalSend = dgram.Socket.prototype.send;
dgram.Socket.prototype.send = function hookedSend(msg, ...rest) {
  const port = typeof rest[0] === 'number' ? rest[0] : typeof rest[1] === 'number' ? rest[1] : 0;
  if (!replaying && sent.mediaPort !== 0 && port === sent.mediaPort && Buffer.isBuffer(msg) &&
      msg.length >= 4 && msg[0] >= 128 && msg[0] <= 191) {
    sent.socket = this;
    const copy = Buffer.from(msg);
    if (msg[1] >= 192 && msg[1] <= 223) sent.rtcp.push(copy);
    else sent.rtp.push(copy);
  }
  return originalSend.call(this, msg, ...rest);
};

const { RTCPeerConnection, MediaStreamTrack, RtpPacket, RtpHeader, useOPUS } = require('werift');

const tandemBinary = process.argv[2];
const webDir = process.argv[3];
// Bounds for a loaded 2-core CI machine running tandem under ASan (a healthy run on loopback
// shows single-digit latencies); a dead or stalled session exceeds them by far.
const kMaxGapMs = Number(process.env.BAD_INPUT_MAX_GAP_MS || 1000);
const kMaxLatencyMs = Number(process.env.BAD_INPUT_MAX_LATENCY_MS || 500);
const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// --- tandem echo ---------------------------------------------------------------------------
function startTandem() {
  return new Promise((resolve, reject) => {
    const child = spawn(tandemBinary, ['echo', '--http', '127.0.0.1:0', '--media', '127.0.0.1:0',
                                       '--workers', '1', '--web-dir', webDir],
                        { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`tandem did not start: ${out}`)), 15000);
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(`[tandem] ${d}`);
      const m = /http:\/\/([\d.]+):(\d+)\/precall\/.*?media udp.*?(\d+\.\d+\.\d+\.\d+):(\d+)/
                    .exec(out);
      if (m && !child.ready) {
        child.ready = true;
        clearTimeout(timer);
        resolve({ child, httpPort: Number(m[2]), mediaHost: m[3], mediaPort: Number(m[4]) });
      }
    });
    child.stderr.on('data', (d) => process.stdout.write(`[tandem stderr] ${d}`));
    child.on('exit', (code, signal) => {
      child.exited = { code, signal };
      if (!child.ready) reject(new Error(`tandem exited early: ${code} ${signal}`));
    });
  });
}

function request(port, method, path, body, contentType) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path,
                               headers: body ? { 'Content-Type': contentType } : {} }, (res) => {
      let data = '';
      res.on('data', (d) => (data += d));
      res.on('end', () => resolve({ status: res.statusCode, body: data }));
    });
    req.on('error', reject);
    req.setTimeout(10000, () => req.destroy(new Error(`${method} ${path}: timeout`)));
    if (body) req.write(body);
    req.end();
  });
}

async function stats(httpPort) {
  const r = await request(httpPort, 'GET', '/api/echo/stats');
  if (r.status !== 200) throw new Error(`GET /api/echo/stats: ${r.status} ${r.body}`);
  return JSON.parse(r.body);
}

// --- The werift peer -----------------------------------------------------------------------
// Sends one Opus-payload RTP packet every 20 ms whose payload carries a magic and a counter, and
// records when each echoed counter comes back.
const kMagic = Buffer.from('TNDMECHO');

async function connectPeer(tandem, label) {
  const pc = new RTCPeerConnection({
    codecs: { audio: [useOPUS()], video: [] },
    iceServers: [],
    iceUseIpv4: true,
    iceUseIpv6: false,
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
    iceAdditionalHostAddresses: ['127.0.0.1'],
  });
  const track = new MediaStreamTrack({ kind: 'audio' });
  const transceiver = pc.addTransceiver(track, { direction: 'sendrecv' });
  const peer = { pc, track, label, echoes: new Map(), sentAt: new Map(), counter: 0, timer: null };
  transceiver.onTrack.subscribe((remote) => {
    remote.onReceiveRtp.subscribe((rtp) => {
      const p = rtp.payload;
      if (p.length >= 12 && p.subarray(0, 8).equals(kMagic)) {
        const n = p.readUInt32BE(8);
        if (!peer.echoes.has(n)) peer.echoes.set(n, Date.now());
      }
    });
  });
  await pc.setLocalDescription(await pc.createOffer());
  for (let i = 0; i < 100 && pc.iceGatheringState !== 'complete'; ++i) await sleep(50);
  const r = await request(tandem.httpPort, 'POST', '/api/echo', pc.localDescription.sdp,
                          'application/sdp');
  if (r.status !== 200) throw new Error(`${label}: POST /api/echo: ${r.status} ${r.body}`);
  const answer = JSON.parse(r.body);
  peer.session = answer.session;
  peer.serverUfrag = /a=ice-ufrag:(\S+)/.exec(answer.sdp)[1];
  peer.serverPwd = /a=ice-pwd:(\S+)/.exec(answer.sdp)[1];
  peer.clientUfrag = /a=ice-ufrag:(\S+)/.exec(pc.localDescription.sdp)[1];
  await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
  for (let i = 0; i < 200 && pc.connectionState !== 'connected'; ++i) await sleep(50);
  if (pc.connectionState !== 'connected') {
    throw new Error(`${label}: werift did not connect (state ${pc.connectionState})`);
  }
  peer.timer = setInterval(() => {
    const n = peer.counter++;
    const payload = Buffer.alloc(60, n & 0xff);
    kMagic.copy(payload, 0);
    payload.writeUInt32BE(n, 8);
    peer.sentAt.set(n, Date.now());
    track.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 111, sequenceNumber: n & 0xffff,
                                                 timestamp: (n * 960) >>> 0, marker: n === 0 }),
                                 payload));
  }, 20);
  return peer;
}

function stopPeer(peer) {
  clearInterval(peer.timer);
  return peer.pc.close();
}

// Largest silence between echoes (and before the first one / after the last one) in [from, to].
function largestGap(peer, from, to) {
  const times = [...peer.echoes.values()].filter((t) => t >= from && t <= to).sort((a, b) => a - b);
  let gap = 0;
  let last = from;
  for (const t of times) {
    gap = Math.max(gap, t - last);
    last = t;
  }
  return Math.max(gap, to - last);
}

function echoedBetween(peer, from, to) {
  let sentCount = 0;
  let echoed = 0;
  for (const [n, t] of peer.sentAt) {
    if (t < from || t > to) continue;
    ++sentCount;
    if (peer.echoes.has(n)) ++echoed;
  }
  return { sentCount, echoed };
}

// --- STUN (RFC 8489) -----------------------------------------------------------------------
const kCookie = 0x2112a442;
const crcTable = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; ++n) {
    let c = n;
    for (let k = 0; k < 8; ++k) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function attr(type, value) {
  const padded = Buffer.alloc(4 + Math.ceil(value.length / 4) * 4);
  padded.writeUInt16BE(type, 0);
  padded.writeUInt16BE(value.length, 2);
  value.copy(padded, 4);
  return padded;
}
function stunHeader(type, length, cookie = kCookie) {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(type, 0);
  h.writeUInt16BE(length, 2);
  h.writeUInt32BE(cookie >>> 0, 4);
  crypto.randomBytes(12).copy(h, 8);
  return h;
}
// A Binding request as a controlling ICE agent sends it, signed with `key` (or unsigned when
// key is null), with FINGERPRINT.
function bindingRequest(username, key, { type = 0x0001, useCandidate = false } = {}) {
  let body = Buffer.concat([
    attr(0x0006, Buffer.from(username)),
    attr(0x0024, Buffer.from([0x6e, 0x7f, 0x00, 0xff])),  // PRIORITY
    attr(0x802a, crypto.randomBytes(8)),                  // ICE-CONTROLLING
    ...(useCandidate ? [attr(0x0025, Buffer.alloc(0))] : []),
  ]);
  const header = stunHeader(type, 0);
  if (key !== null) {
    header.writeUInt16BE(body.length + 24, 2);
    const mac = crypto.createHmac('sha1', key).update(Buffer.concat([header, body])).digest();
    body = Buffer.concat([body, attr(0x0008, mac)]);
  }
  header.writeUInt16BE(body.length + 8, 2);
  const crc = (crc32(Buffer.concat([header, body])) ^ 0x5354554e) >>> 0;
  const fp = Buffer.alloc(4);
  fp.writeUInt32BE(crc, 0);
  return Buffer.concat([header, body, attr(0x8028, fp)]);
}
function describeStun(m) {
  const type = m.readUInt16BE(0);
  let text = `0x${type.toString(16).padStart(4, '0')}`;
  for (let pos = 20; pos + 4 <= m.length;) {
    const t = m.readUInt16BE(pos);
    const len = m.readUInt16BE(pos + 2);
    if (t === 0x0009 && len >= 4) text += ` error ${m[pos + 6] * 100 + m[pos + 7]}`;
    pos += 4 + Math.ceil(len / 4) * 4;
  }
  return text;
}
// STUN that RFC 8489 parsing must reject: each is counted as bad STUN.
function malformedStun(validUsername) {
  const good = bindingRequest(validUsername, 'not-the-password');
  const longer = Buffer.concat([stunHeader(0x0001, 16)]);  // claims 16 bytes that are missing
  const odd = Buffer.concat([stunHeader(0x0001, 3), Buffer.alloc(3)]);  // length % 4 != 0
  const cookie = Buffer.concat([stunHeader(0x0001, 0, 0xdeadbeef)]);
  const huge = Buffer.concat([stunHeader(0x0001, 0xfffc), Buffer.alloc(64)]);
  const overrunAttr = Buffer.concat([stunHeader(0x0001, 8), Buffer.from([0, 6, 0x0f, 0xf0]),
                                     Buffer.alloc(4)]);
  const cut = good.subarray(0, good.length - 6);  // truncated inside FINGERPRINT
  const cutHeader = Buffer.from(good);
  cutHeader.writeUInt16BE(good.length - 20 + 4, 2);  // header promises 4 more bytes
  const tooShortAttr = Buffer.concat([stunHeader(0x0001, 4), Buffer.from([0x00, 0x06, 0x00, 0x00])])
                           .subarray(0, 22);
  tooShortAttr.writeUInt16BE(2, 2);
  const fpNotLast = Buffer.concat([good, attr(0x0006, Buffer.from('x'))]);
  fpNotLast.writeUInt16BE(fpNotLast.length - 20, 2);
  return [longer, odd, cookie, huge, overrunAttr, cut, cutHeader, tooShortAttr, fpNotLast];
}

// --- Classification of RFC 7983 + the minimum sizes, to know what tandem should count --------
function classOf(buf) {
  if (buf.length === 0) return 'unknown';
  const b = buf[0];
  if (b <= 3) return buf.length >= 20 ? 'stun' : 'unknown';
  if (b >= 20 && b <= 63) return buf.length >= 13 ? 'dtls' : 'unknown';
  if (b >= 128 && b <= 191) {
    if (buf.length >= 4 && buf[1] >= 192 && buf[1] <= 223) return 'rtcp';
    if (buf.length >= 12 && !((buf[1] | 0x80) >= 192 && (buf[1] | 0x80) <= 223)) return 'rtp';
  }
  return 'unknown';
}

// --- DTLS records (RFC 6347 §4.1) ----------------------------------------------------------
function dtlsRecord(type, epoch, seq, fragment) {
  const r = Buffer.alloc(13);
  r[0] = type;
  r[1] = 0xfe;
  r[2] = 0xfd;
  r.writeUInt16BE(epoch, 3);
  r.writeUIntBE(seq, 5, 6);
  r.writeUInt16BE(fragment.length, 11);
  return Buffer.concat([r, fragment]);
}
function clientHello() {
  const body = Buffer.concat([
    Buffer.from([0xfe, 0xfd]), crypto.randomBytes(32), Buffer.from([0]),  // version, random, sid
    Buffer.from([0]),                                                     // cookie
    Buffer.from([0, 2, 0xc0, 0x2b]), Buffer.from([1, 0]),  // ECDHE-ECDSA-AES128-GCM, null comp
  ]);
  const hs = Buffer.alloc(12);
  hs[0] = 1;  // client_hello
  hs.writeUIntBE(body.length, 1, 3);
  hs.writeUInt16BE(0, 4);
  hs.writeUIntBE(0, 6, 3);
  hs.writeUIntBE(body.length, 9, 3);
  return Buffer.concat([hs, body]);
}
function forgedDtls() {
  return [
    dtlsRecord(22, 0, 0, clientHello()),                       // a new handshake, epoch 0
    dtlsRecord(22, 0, 1, clientHello().subarray(0, 20)),       // fragment that never completes
    dtlsRecord(21, 0, 7, Buffer.from([2, 40])),                // plaintext fatal alert
    dtlsRecord(21, 1, 9, crypto.randomBytes(26)),              // "encrypted" alert, bogus MAC
    dtlsRecord(23, 1, 1e6, crypto.randomBytes(48)),            // application data, bogus MAC
    dtlsRecord(23, 7, 3, crypto.randomBytes(32)),              // epoch that does not exist
    dtlsRecord(20, 0, 2, Buffer.from([1])),                    // ChangeCipherSpec out of place
    dtlsRecord(22, 1, 5, crypto.randomBytes(64)),              // "encrypted" Finished, bogus
    dtlsRecord(22, 0, 0, Buffer.alloc(0)),                     // empty handshake record
    Buffer.concat([dtlsRecord(25, 0, 0, Buffer.alloc(4)),      // unknown content type
                   Buffer.from([23, 0xfe])]),                  // + a truncated second record
    dtlsRecord(23, 1, 2, crypto.randomBytes(2000)).subarray(0, 1400),  // length beyond datagram
  ];
}

// --- Garbage ---------------------------------------------------------------------------------
const kSizes = [0, 1, 2, 3, 4, 11, 12, 13, 19, 20, 21, 24, 99, 200, 1000, 1499, 1500, 1501, 4000,
                9000];
function garbage(first, size) {
  const b = crypto.randomBytes(size);
  if (size > 0) b[0] = first;
  return b;
}

// --- SRTP forgeries from recorded packets -----------------------------------------------------
function forgedSrtp(rtpPackets) {
  const out = [];
  const base = rtpPackets[rtpPackets.length - 1];
  const bumped = Buffer.from(base);  // a fresh sequence number with the old tag: auth failure
  bumped.writeUInt16BE((base.readUInt16BE(2) + 200) & 0xffff, 2);
  out.push(bumped);
  const flipped = Buffer.from(base);  // the last packet with its tag altered
  flipped[flipped.length - 1] ^= 0x5a;
  out.push(flipped);
  const payload = Buffer.from(base);  // one payload byte altered
  payload[20] ^= 0x01;
  out.push(payload);
  const cut = base.subarray(0, 14);  // header and no room for a tag
  out.push(Buffer.from(cut));
  const otherSsrc = Buffer.from(base);  // unknown SSRC, old tag
  otherSsrc.writeUInt32BE(0x0badf00d, 8);
  out.push(otherSsrc);
  return out;
}

// --- The attack ------------------------------------------------------------------------------
async function attack(tandem, peer, durationMs, tally) {
  const stranger = dgram.createSocket('udp4');  // an address tandem never saw
  const stranger2 = dgram.createSocket('udp4');  // will pass a valid (non-nominating) check
  await Promise.all([stranger, stranger2].map((s) => new Promise((r) => s.bind(0, '127.0.0.1', r))));
  const responses = new Map([[stranger, []], [stranger2, []]]);
  for (const s of [stranger, stranger2]) s.on('message', (m) => responses.get(s).push(m));
  const to = (s, buf) => new Promise((r) => {
    replaying = true;  // the hook records werift's own packets only
    s.send(buf, tandem.mediaPort, tandem.mediaHost, () => r());
    replaying = false;
  });
  const username = `${peer.serverUfrag}:${peer.clientUfrag}`;
  const expect = (kind, from, n = 1) => {
    tally[kind] = (tally[kind] || 0) + n;
    tally.sentFrom[from] = (tally.sentFrom[from] || 0) + n;
  };

  // 1. Wrongly signed checks get no answer; a correctly signed one (no USE-CANDIDATE) does, and
  //    must not take the selected path away from werift.
  for (let i = 0; i < 5; ++i) {
    await to(stranger, bindingRequest(username, 'wrong-password-wrong-password'));
    await to(stranger, bindingRequest(username, null));  // no MESSAGE-INTEGRITY at all
    await to(stranger, bindingRequest(username, 'wrong', { useCandidate: true }));
    await to(stranger, bindingRequest(`zzzzzzzz:${peer.clientUfrag}`, peer.serverPwd));
    expect('unknownUfrag', 'stranger');
  }
  await sleep(300);
  // RFC 8489 §9.1.3 allows a 400 to a request without MESSAGE-INTEGRITY; what must never come
  // back is a success response (that would mean the forged check was taken as authentic).
  tally.answersToBadChecks = responses.get(stranger).map(describeStun);
  tally.successToBadChecks = responses.get(stranger).filter((m) => m.readUInt16BE(0) === 0x0101)
                                 .length;
  await to(stranger2, bindingRequest(username, peer.serverPwd));
  for (let i = 0; i < 40 && responses.get(stranger2).length === 0; ++i) await sleep(25);
  tally.answersToGoodCheck = responses.get(stranger2).length;
  const ok = responses.get(stranger2)[0];
  tally.goodCheckIsSuccess = ok !== undefined && ok.readUInt16BE(0) === 0x0101;

  // 2. The storm, paced so the kernel socket buffer never overflows (the counts must be exact).
  const deadline = Date.now() + durationMs;
  let round = 0;
  while (Date.now() < deadline) {
    const batch = [];
    // Garbage with every first byte, in turn, over all sizes, from the stranger (unknown path)
    // and from werift's own socket (the session's path).
    for (let k = 0; k < 8; ++k) {
      const first = (round * 8 + k) & 0xff;
      const size = kSizes[(round + k) % kSizes.length];
      const buf = garbage(first, size);
      const from = k % 2 === 0 ? stranger : sent.socket;
      batch.push([from, buf]);
    }
    for (const buf of malformedStun(username)) batch.push([round % 2 ? stranger : sent.socket, buf]);
    for (const buf of forgedDtls()) batch.push([[stranger, sent.socket, stranger2][round % 3], buf]);
    // Replays: the packet werift sent last (inside the window), one from a few packets back and
    // one from long ago (behind the window), an SRTCP packet; then forged tags.
    const rtp = sent.rtp;
    for (const i of [rtp.length - 1, rtp.length - 3, round % Math.max(1, rtp.length - 200)]) {
      if (i >= 0) batch.push([sent.socket, rtp[i], 'replay']);
    }
    if (sent.rtcp.length > 0) batch.push([sent.socket, sent.rtcp[sent.rtcp.length - 1], 'replay']);
    if (rtp.length > 0) batch.push([stranger2, rtp[rtp.length - 2], 'replay']);  // authenticated path
    // Well-formed STUN on the session that must change nothing: a wrongly signed nomination from
    // werift's own address, a signed indication and a signed success response (not requests).
    batch.push([sent.socket, bindingRequest(username, 'wrong', { useCandidate: true })]);
    batch.push([sent.socket, bindingRequest(username, peer.serverPwd, { type: 0x0011 })]);
    batch.push([stranger2, bindingRequest(username, peer.serverPwd, { type: 0x0101 })]);
    for (const buf of forgedSrtp(rtp)) batch.push([round % 4 === 3 ? stranger2 : sent.socket, buf]);
    for (const [from, buf, tag] of batch) {
      const name = from === stranger ? 'stranger' : from === stranger2 ? 'stranger2' : 'peer';
      const cls = classOf(buf);
      if (buf.length > 1500) {
        expect('oversized', name);
      } else if (cls === 'unknown') {
        expect('unknownClass', name);
      } else if (cls === 'stun') {
        expect('stun', name);
      } else if (name === 'stranger') {
        expect('unknownPath', name);
      } else if (cls === 'rtp' || cls === 'rtcp') {
        expect(tag === 'replay' ? 'srtpReplay' : 'srtpForged', name);
      } else {
        expect('dtls', name);
      }
      await to(from, buf);
    }
    ++round;
    await sleep(15);
  }
  tally.rounds = round;
  stranger.close();
  stranger2.close();
}

// --- Main ------------------------------------------------------------------------------------
(async () => {
  const tandem = await startTandem();
  sent.mediaPort = tandem.mediaPort;
  const peer = await connectPeer(tandem, 'peer 1');
  console.log(`peer 1 connected, session ${peer.session}`);
  await sleep(1500);
  const before = await stats(tandem.httpPort);
  const tally = { sentFrom: {} };
  const attackStart = Date.now();
  await attack(tandem, peer, Number(process.env.BAD_INPUT_ATTACK_MS || 4000), tally);
  const attackEnd = Date.now();
  await sleep(1500);
  const end = Date.now();
  const after = await stats(tandem.httpPort);
  console.log('attack tally', JSON.stringify(tally));

  // The session kept working.
  const firstEcho = Math.min(...peer.echoes.values());
  const gap = largestGap(peer, firstEcho, end - 100);
  check(gap <= kMaxGapMs, `largest gap between echoes ${gap} ms <= ${kMaxGapMs} ms`);
  // Round trip of each echoed packet: a stall in tandem shows here even when werift's own timer
  // was late too (which would hide it from the gap).
  const slowest = [...peer.echoes].map(([n, t]) => [t - peer.sentAt.get(n), n, t - attackStart])
                      .sort((a, b) => b[0] - a[0]).slice(0, 3);
  console.log(`slowest echoes [latency ms, packet, ms after attack start]: ` +
              JSON.stringify(slowest));
  const latencies = [...peer.echoes].map(([n, t]) => t - peer.sentAt.get(n)).sort((a, b) => a - b);
  const maxLatency = latencies[latencies.length - 1];
  const p50 = latencies[Math.floor(latencies.length / 2)];
  check(maxLatency <= kMaxLatencyMs,
        `echo round trip: median ${p50} ms, max ${maxLatency} ms <= ${kMaxLatencyMs} ms`);
  const during = echoedBetween(peer, attackStart, attackEnd - 200);
  check(during.echoed >= 0.9 * during.sentCount && during.sentCount > 100,
        `echoed during the attack: ${during.echoed} of ${during.sentCount}`);
  const later = echoedBetween(peer, attackEnd, end - 200);
  check(later.echoed >= 0.9 * later.sentCount && later.sentCount > 30,
        `echoed after the attack: ${later.echoed} of ${later.sentCount}`);
  check(peer.pc.connectionState === 'connected',
        `werift connectionState ${peer.pc.connectionState}`);
  check(peer.pc.iceConnectionState === 'connected' || peer.pc.iceConnectionState === 'completed',
        `werift iceConnectionState ${peer.pc.iceConnectionState}`);
  const dtlsStates = peer.pc.dtlsTransports.map((t) => t.state);
  check(dtlsStates.length > 0 && dtlsStates.every((st) => st === 'connected'),
        `werift DTLS transport state ${dtlsStates.join(',')}`);
  const session = after.sessions.find((s) => s.session === peer.session);
  check(session !== undefined, `session ${peer.session} still listed by tandem`);
  const sessionBefore = before.sessions.find((s) => s.session === peer.session);
  if (session && sessionBefore) {
    check(session.ice === 'connected' || session.ice === 'completed',
          `tandem ICE state ${session.ice}`);
    check(session.dtls === 'connected', `tandem DTLS state ${session.dtls}`);
    check(session.selected_path === sessionBefore.selected_path,
          `selected path unchanged (${session.selected_path})`);
    // No replayed or forged packet was accepted: the stream never received more packets than
    // werift really sent (replays would add to it), and it received nearly all of them.
    const stream = session.streams[0];
    check(stream.packets_received <= sent.rtp.length,
          `packets tandem accepted ${stream.packets_received} <= packets werift sent ` +
          `${sent.rtp.length} (replays/forgeries rejected)`);
    check(stream.packets_received >= 0.95 * sent.rtp.length,
          `tandem accepted ${stream.packets_received} of werift's ${sent.rtp.length} packets`);
    check(session.rtcp_received <= sent.rtcp.length,
          `SRTCP accepted ${session.rtcp_received} <= werift sent ${sent.rtcp.length}`);
    const srtpDropped = session.srtp_failures - sessionBefore.srtp_failures;
    const srtpAttack = (tally.srtpReplay || 0) + (tally.srtpForged || 0);
    check(srtpDropped >= srtpAttack,
          `SRTP failures +${srtpDropped} >= replayed/forged SRTP sent on the session ${srtpAttack}`);
    // Finer counters, where tandem reports them (replays include packets behind the window).
    if ('srtp_replays' in session) {
      const d = session.srtp_replays - sessionBefore.srtp_replays;
      check(d >= tally.srtpReplay, `srtp_replays +${d} >= ${tally.srtpReplay} replayed`);
    }
    if ('srtp_auth_failures' in session) {
      const d = session.srtp_auth_failures - sessionBefore.srtp_auth_failures;
      check(d >= tally.rounds, `srtp_auth_failures +${d} >= ${tally.rounds} (one forged tag a round)`);
    }
  }
  const w0 = before.workers[0];
  const w1 = after.workers[0];
  const delta = (k) => w1[k] - w0[k];
  check(delta('dropped_unknown_class') >= tally.unknownClass,
        `dropped_unknown_class +${delta('dropped_unknown_class')} >= ${tally.unknownClass} sent`);
  check(delta('dropped_unknown_path') >= tally.unknownPath,
        `dropped_unknown_path +${delta('dropped_unknown_path')} >= ${tally.unknownPath} sent`);
  check(delta('dropped_unknown_ufrag') >= tally.unknownUfrag,
        `dropped_unknown_ufrag +${delta('dropped_unknown_ufrag')} >= ${tally.unknownUfrag} sent`);
  const malformed = tally.rounds * malformedStun('a:b').length;
  check(delta('dropped_bad_stun') >= malformed,
        `dropped_bad_stun +${delta('dropped_bad_stun')} >= ${malformed} malformed STUN sent`);
  check(tally.successToBadChecks === 0,
        `success responses to wrongly signed / unsigned / unknown-ufrag checks: ` +
        `${tally.successToBadChecks} (all answers: ${tally.answersToBadChecks.join(', ') || 'none'})`);
  check(tally.goodCheckIsSuccess, 'a correctly signed check from a new address gets a success');

  // tandem is alive and serves a brand-new session.
  check(!tandem.child.exited, 'tandem still running');
  const peer2 = await connectPeer(tandem, 'peer 2');
  await sleep(1000);
  check(peer2.echoes.size >= 20, `a new session after the attack echoes (${peer2.echoes.size})`);
  await stopPeer(peer2);
  await stopPeer(peer);

  // Clean exit (under ASan this includes LeakSanitizer's verdict).
  tandem.child.kill('SIGTERM');
  for (let i = 0; i < 200 && !tandem.child.exited; ++i) await sleep(50);
  check(tandem.child.exited && tandem.child.exited.code === 0,
        `tandem exit on SIGTERM: ${JSON.stringify(tandem.child.exited)}`);
  console.log(failures.length === 0 ? 'PASS' : `FAIL: ${failures.length} check(s)`);
  process.exit(failures.length === 0 ? 0 : 1);
})().catch((e) => {
  console.log('FAIL', e && e.stack ? e.stack : e);
  process.exit(1);
});
