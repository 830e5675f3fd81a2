// Group 6 of issue 5's e2e tests: misbehaving browsers are disconnected while a concurrent call
// keeps its audio. The JsSIP page holds a call to tandem-pbx 601 (1000 Hz); raw TLS clients then
// send garbage instead of the HTTP upgrade, garbage WebSocket frames after a valid upgrade, an
// INVITE with a huge SDP, and a half-open connection (headers never finished; an upgraded
// connection that goes silent mid-frame). Each must be closed by tandem; after each the call
// still carries the tone and tandem is still running.
'use strict';
const crypto = require('crypto');
const ws = require('./wsclient');
const { sleep } = require('./rig');
const { gatewayUp, registeredPhone, callAnswered, measure, hangup } = require('./gateway_setup');

// How long tandem may take to drop a half-open connection: the HTTP handshake timeout (10 s),
// and for an upgraded one the WebSocket idle timeout (sip::WsOptions: 120 s without a byte, not
// even the pong to its keep-alive ping at half that time).
const HANDSHAKE_LIMIT_MS = 15000;
const IDLE_LIMIT_MS = Number(process.env.TANDEM_E2E_IDLE_MS || 130000);

function hugeInvite(sdpBytes) {
  const filler = `a=x-junk:${'z'.repeat(900)}\r\n`;
  let sdp = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n';
  while (sdp.length < sdpBytes) sdp += filler;
  return 'INVITE sip:601@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/WSS abuse.invalid;branch=z9hG4bK-abuse-1\r\nMax-Forwards: 70\r\n' +
    'From: <sip:1000@127.0.0.1>;tag=abuse\r\nTo: <sip:601@127.0.0.1>\r\nCall-ID: abuse-huge-sdp\r\nCSeq: 1 INVITE\r\n' +
    'Contact: <sip:abuse@abuse.invalid;transport=ws>\r\nContent-Type: application/sdp\r\n' +
    `Content-Length: ${Buffer.byteLength(sdp)}\r\n\r\n${sdp}`;
}

module.exports = async function abuse(rig, checks) {
  await gatewayUp(rig, checks);
  const page = await registeredPhone(rig, checks);
  // Without the call (already a FAIL) the disconnections are still checked.
  const inCall = await callAnswered(page, checks, '601', 'concurrent call');
  if (inCall) checks.near((await measure(page)).hz, 1000, 'concurrent call: 1000 Hz from tandem-pbx 601 before the abuse');
  const token = rig.token(rig.config, ['--sub', '1000', '--ttl', '10m']);
  const path = `/sip?token=${encodeURIComponent(token)}`;

  // Opened first: its idle timer runs while the other attacks are made.
  const silent = await ws.upgrade(path);
  silent.socket.write(ws.frame('OPTIONS sip:127.0.0.1 SIP/2.0\r\n').subarray(0, 8));

  const attacks = [
    ['garbage instead of the HTTP upgrade', 10000, async () => {
      const c = await ws.open();
      c.socket.write(crypto.randomBytes(4096));
      return c;
    }],
    ['garbage WebSocket frames after a valid upgrade', 10000, async () => {
      const c = await ws.upgrade(path);
      checks.check(c.status === 101, `garbage frames: the upgrade itself succeeds (${c.status})`);
      c.socket.write(Buffer.from([0x8f, 0x85, 1, 2, 3, 4, 9, 9, 9, 9, 9]));  // reserved opcode 0xF
      c.socket.write(crypto.randomBytes(2048));
      return c;
    }],
    ['unmasked client frame', 10000, async () => {
      const c = await ws.upgrade(path);
      c.socket.write(Buffer.concat([Buffer.from([0x81, 5]), Buffer.from('hello')]));  // RFC 6455 §5.1: must close
      return c;
    }],
    ['INVITE with a 2 MB SDP', 15000, async () => {
      const c = await ws.upgrade(path);
      c.socket.write(ws.frame(hugeInvite(2 * 1024 * 1024)));
      return c;
    }],
    ['half-open: upgrade headers never finished', HANDSHAKE_LIMIT_MS, async () => {
      const c = await ws.open();
      c.socket.write(ws.upgradeRequest(path).split('\r\n').slice(0, 3).join('\r\n'));
      return c;
    }],
    ['half-open: upgraded, then silent in the middle of a frame', () => IDLE_LIMIT_MS - (Date.now() - silent.t0), async () => silent],
  ];
  for (const [what, limit, attack] of attacks) {
    const conn = await attack();
    const ms = typeof limit === 'function' ? limit() : limit;
    const closedAfter = await ws.closedWithin(conn, Math.max(ms, 0));
    const answer = conn.received.toString('latin1').split('\r\n')[0].slice(0, 80);
    checks.check(closedAfter !== null, `${what}: tandem closes the connection (${closedAfter === null ? `still open after ${Date.now() - conn.t0} ms` : `after ${closedAfter} ms`}; first line back: ${JSON.stringify(answer)})`);
    conn.socket.destroy();
    checks.check(rig.tandem.exitCode === null, `${what}: tandem still running`);
    if (inCall) checks.near((await measure(page, 1000)).hz, 1000, `${what}: the concurrent call still carries the tone`);
  }
  const registered = await page.evaluate(() => !window.phone.events.some((e) => e.name === 'ws-disconnected'));
  checks.check(registered, "the JsSIP page's own WebSocket stayed connected");
  if (!inCall) return page.done();
  const stillUp = await page.evaluate(() => !window.phone.events.some((e) => ['session-ended', 'session-failed'].includes(e.name)));
  checks.check(stillUp, 'the concurrent call was never interrupted');
  await hangup(page, checks, 'concurrent call');
  await sleep(200);
  await page.done();
};
