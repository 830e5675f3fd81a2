// The browser side of a call through `tandem --config`: raw SIP over WSS (npm ws) with a token,
// a recorded Chromium offer as the body, one call per run. Signaling only (no ICE/DTLS/RTP: the
// e2e tests with Chromium prove media).
//   node browser-calls.js <wss url> <ca.pem> <secret> <audience> <sub> <case> <sdp dir>
// Cases (the SIPp UAS on the PBX side plays the matching scenario):
//   busy    INVITE -> 486 with a Reason header
//   answer  INVITE -> 180 -> 200 (WebRTC answer) -> ACK; the browser sends BYE
//   early   INVITE -> 183 with SDP (early media) -> 200 with the same answer -> ACK; BYE
//   cancel  INVITE -> 180; the browser CANCELs -> 487
//   hold    INVITE -> 200 -> ACK; the PBX re-INVITEs (sendonly): the browser gets a re-offer
//           (sendonly, same DTLS fingerprint), answers recvonly; the PBX sends BYE
//   browser-hold  INVITE -> 200 -> ACK; the browser re-INVITEs sendonly: the PBX gets a
//           sendonly re-offer, the browser a recvonly answer; BYE
//   info    INVITE -> 200 -> ACK; INFO application/dtmf-relay -> 200; BYE
//   gone    INVITE -> 200 -> ACK; then the WebSocket drops (the PBX gets BYE with a Reason)
//   shutdown  INVITE -> 200 -> ACK; prints "in call"; Tandem is then stopped with SIGTERM: the
//           browser gets BYE with a Reason (and the PBX too)
//   down    INVITE -> 408/503 with a Reason (the PBX does not answer / is not there)
//   inbound REGISTER (Tandem registers us at the PBX); the PBX calls: a WebRTC offer (actpass)
//           arrives on this WebSocket, 180, 200 with Chromium's answer, ACK; the PBX sends BYE
//   inbound-cancel  the same, but the PBX cancels while we ring: 200 for the CANCEL, 487, ACK
//   inbound-refer  the inbound call, then the PBX transfers us (REFER to 601, RFC 3515): 202,
//           our NOTIFY (sipfrag 200) reaches the PBX with its REFER's id; the PBX sends BYE
// Prints "OK <what>" / "BAD <what>" lines and exits with the count of BAD ones.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const WS = require('ws');

const [url, caFile, secret, audience, sub, mode, sdpDir] = process.argv.slice(2);
const ca = fs.readFileSync(caFile);
const offer = fs.readFileSync(path.join(sdpDir, 'chromium-156-audio.offer.sdp'), 'utf8');
const holdAnswer = fs.readFileSync(path.join(sdpDir, 'chromium-to-sipp-pcmu-hold.answer.sdp'),
  'utf8');
const answerSdp = fs.readFileSync(path.join(sdpDir, 'chromium-to-sipp-pcmu.answer.sdp'), 'utf8');

let bad = 0;
const ok = (what) => console.log(`OK ${what}`);
const check = (cond, what) => {
  if (cond) {
    ok(what);
  } else {
    bad += 1;
    console.log(`BAD ${what}`);
  }
};

function b64url(data) {
  return Buffer.from(data).toString('base64url');
}
function token(subject) {
  const now = Math.floor(Date.now() / 1000);
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify({ sub: subject, aud: audience, exp: now + 600, iat: now }));
  const sig = crypto.createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

// ---- a minimal SIP message model ----
function parse(text) {
  const split = text.indexOf('\r\n\r\n');
  const head = text.slice(0, split).split('\r\n');
  const body = text.slice(split + 4);
  const start = head.shift();
  const headers = [];
  for (const line of head) {
    const colon = line.indexOf(':');
    headers.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  const m = { start, headers, body };
  m.get = (name) => (headers.find(([n]) => n === name) || [])[1];
  m.all = (name) => headers.filter(([n]) => n === name).map(([, v]) => v);
  const status = /^SIP\/2\.0 (\d{3}) ?(.*)$/.exec(start);
  if (status) {
    m.status = Number(status[1]);
    m.reason = status[2];
  } else {
    [m.method, m.uri] = start.split(' ');
  }
  m.cseq = m.get('cseq') || '';
  return m;
}
function build(start, headers, body = '') {
  const lines = [start, ...headers.map(([n, v]) => `${n}: ${v}`)];
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`, '', body);
  return lines.join('\r\n');
}
const rand = () => crypto.randomBytes(6).toString('hex');
const uriOf = (nameAddr) => {
  const m = /<([^>]+)>/.exec(nameAddr);
  return m ? m[1] : nameAddr.split(';')[0];
};

const callId = `${rand()}@browser.invalid`;
const fromTag = rand();
const contactHost = `${rand()}.invalid`;
const via = () => `SIP/2.0/WSS ${contactHost};branch=z9hG4bK${rand()}`;
const target = 'sip:600@tandem.test';
const from = `<sip:${sub}@tandem.test>;tag=${fromTag}`;
const contact = `<sip:${sub}@${contactHost};transport=ws>`;
let cseq = 1;
let inviteVia;
let dialog = null;  // { to, remoteTarget, routes }

const ws = new WS(`${url}?token=${token(sub)}`, 'sip', { ca });
const send = (text) => ws.send(text);
const events = [];
let waiter = null;
// Resolves with the next message that `pred` accepts (messages are kept in arrival order).
function next(pred, ms = 8000) {
  return new Promise((resolve, reject) => {
    const take = () => {
      const i = events.findIndex(pred);
      if (i >= 0) {
        const [m] = events.splice(i, 1);
        waiter = null;
        clearTimeout(timer);
        resolve(m);
        return true;
      }
      return false;
    };
    const timer = setTimeout(() => {
      waiter = null;
      reject(new Error('timed out'));
    }, ms);
    if (!take()) waiter = take;
  });
}
ws.on('message', (data) => {
  const m = parse(data.toString());
  events.push(m);
  if (waiter) waiter();
});

function invite() {
  inviteVia = via();
  send(build(`INVITE ${target} SIP/2.0`, [
    ['Via', inviteVia], ['Max-Forwards', '70'], ['From', from], ['To', `<${target}>`],
    ['Call-ID', callId], ['CSeq', `${cseq} INVITE`], ['Contact', contact],
    ['Content-Type', 'application/sdp']], offer));
}
function inDialog(method, body = '', type = '') {
  cseq += 1;
  const headers = [['Via', via()], ['Max-Forwards', '70']];
  for (const r of dialog.routes) headers.push(['Route', r]);
  headers.push(['From', from], ['To', dialog.to], ['Call-ID', callId], ['CSeq', `${cseq} ${method}`]);
  if (type) headers.push(['Content-Type', type]);
  send(build(`${method} ${dialog.remoteTarget} SIP/2.0`, headers, body));
}
function ack(response) {
  dialog = {
    to: response.get('to'),
    remoteTarget: uriOf(response.get('contact')),
    routes: response.all('record-route').reverse(),
  };
  const headers = [['Via', via()], ['Max-Forwards', '70']];
  for (const r of dialog.routes) headers.push(['Route', r]);
  headers.push(['From', from], ['To', dialog.to], ['Call-ID', callId], ['CSeq', '1 ACK']);
  send(build(`ACK ${dialog.remoteTarget} SIP/2.0`, headers));
}
const localTag = rand();
function respond(request, status, reason, body = '', extra = [], tag = false) {
  const headers = request.all('via').map((v) => ['Via', v]);
  const to = request.get('to');
  headers.push(['From', request.get('from')], ['To', tag && !/;tag=/.test(to) ? `${to};tag=${localTag}` : to],
    ['Call-ID', request.get('call-id')], ['CSeq', request.get('cseq')], ...extra);
  if (body) headers.push(['Content-Type', 'application/sdp']);
  send(build(`SIP/2.0 ${status} ${reason}`, headers, body));
}
const final = (m) => m.status >= 200 && m.cseq.endsWith('INVITE');
const status = (code) => (m) => m.status === code;
const sdpLine = (body, prefix) => (body.split('\r\n').find((l) => l.startsWith(prefix)) || '');

async function answered(sendInvite = true) {
  if (sendInvite) invite();
  const ok200 = await next((m) => final(m));
  check(ok200.status === 200, `INVITE answered ${ok200.status} ${ok200.reason}`);
  check(sdpLine(ok200.body, 'm=audio').includes('UDP/TLS/RTP/SAVPF'),
    `the 200 carries a WebRTC answer (${sdpLine(ok200.body, 'm=audio')})`);
  check(sdpLine(ok200.body, 'a=setup:') === 'a=setup:passive', 'we are the DTLS server (setup:passive)');
  ack(ok200);
  return ok200;
}
async function bye() {
  inDialog('BYE');
  const r = await next((m) => m.cseq.endsWith('BYE') && m.status >= 200);
  check(r.status === 200, `BYE answered ${r.status}`);
}

async function run() {
  await new Promise((resolve, reject) => {
    ws.on('open', resolve);
    ws.on('unexpected-response', (req, res) => reject(new Error(`upgrade ${res.statusCode}`)));
    ws.on('error', reject);
  });
  ok('WebSocket upgraded with the token');
  if (mode === 'busy') {
    invite();
    const r = await next(final);
    check(r.status === 486, `INVITE answered ${r.status} ${r.reason}`);
    check(/^SIP ;cause=486/.test(r.get('reason') || ''), `Reason: ${r.get('reason')}`);
  } else if (mode === 'down') {
    invite();
    const r = await next(final, 40000);
    check(r.status === 408 || r.status === 503, `INVITE answered ${r.status} ${r.reason}`);
    check(/^SIP ;cause=(408|503)/.test(r.get('reason') || ''), `Reason: ${r.get('reason')}`);
  } else if (mode === 'answer') {
    invite();
    const ringing = await next(status(180));
    check(!!ringing, '180 Ringing relayed');
    await answered(false);
    await bye();
  } else if (mode === 'early') {
    invite();
    const early = await next(status(183));
    check(sdpLine(early.body, 'm=audio').includes('UDP/TLS/RTP/SAVPF'),
      '183 carries early media SDP for the browser');
    const ok200 = await next(final);
    check(ok200.status === 200, `then 200 (${ok200.status})`);
    check(ok200.body === early.body, 'the 200 repeats the 183 answer (same o= version)');
    ack(ok200);
    await bye();
  } else if (mode === 'cancel') {
    invite();
    await next(status(180));
    ok('180 Ringing relayed');
    send(build(`CANCEL ${target} SIP/2.0`, [['Via', inviteVia], ['Max-Forwards', '70'],
      ['From', from], ['To', `<${target}>`], ['Call-ID', callId], ['CSeq', '1 CANCEL']]));
    const c = await next((m) => m.cseq.endsWith('CANCEL'));
    check(c.status === 200, `CANCEL answered ${c.status}`);
    const r = await next(final);
    check(r.status === 487, `INVITE answered ${r.status} ${r.reason}`);
  } else if (mode === 'hold') {
    const ok200 = await answered();
    const reinvite = await next((m) => m.method === 'INVITE');
    check(sdpLine(reinvite.body, 'a=sendonly') === 'a=sendonly', 'the PBX hold arrives as a sendonly re-offer');
    check(sdpLine(reinvite.body, 'a=fingerprint') === sdpLine(ok200.body, 'a=fingerprint'),
      'our DTLS fingerprint is unchanged in the re-offer');
    const o1 = sdpLine(ok200.body, 'o=').split(' ');
    const o2 = sdpLine(reinvite.body, 'o=').split(' ');
    check(o1[1] === o2[1] && Number(o2[2]) === Number(o1[2]) + 1,
      `o= continues: ${o1.slice(1, 3).join(' ')} -> ${o2.slice(1, 3).join(' ')}`);
    respond(reinvite, 200, 'OK', holdAnswer, [['Contact', contact]]);
    await next((m) => m.method === 'ACK');
    ok('the re-INVITE 200 was ACKed');
    const b = await next((m) => m.method === 'BYE', 15000);
    respond(b, 200, 'OK');
    ok('the PBX hung up: BYE relayed to the browser');
  } else if (mode === 'info') {
    await answered();
    inDialog('INFO', 'Signal=5\r\nDuration=160\r\n', 'application/dtmf-relay');
    const r = await next((m) => m.cseq.endsWith('INFO') && m.status >= 200);
    check(r.status === 200, `INFO dtmf-relay answered ${r.status}`);
    await bye();
  } else if (mode === 'browser-hold') {
    invite();
    await next(status(180));
    const ok200 = await answered(false);
    const o = sdpLine(offer, 'o=');
    const version = Number(o.split(' ')[2]);
    const holdOffer = offer.replace(o, o.replace(` ${version} IN`, ` ${version + 1} IN`))
      .replace('a=sendrecv', 'a=sendonly');
    cseq += 1;
    const headers = [['Via', via()], ['Max-Forwards', '70']];
    for (const r of dialog.routes) headers.push(['Route', r]);
    headers.push(['From', from], ['To', dialog.to], ['Call-ID', callId], ['CSeq', `${cseq} INVITE`],
      ['Contact', contact], ['Content-Type', 'application/sdp']);
    send(build(`INVITE ${dialog.remoteTarget} SIP/2.0`, headers, holdOffer));
    const r = await next((m) => m.status >= 200 && m.cseq === `${cseq} INVITE`);
    check(r.status === 200, `hold re-INVITE answered ${r.status}`);
    check(sdpLine(r.body, 'a=recvonly') === 'a=recvonly', 'the answer is recvonly');
    const o1 = sdpLine(ok200.body, 'o=').split(' ');
    const o2 = sdpLine(r.body, 'o=').split(' ');
    check(o1[1] === o2[1] && Number(o2[2]) === Number(o1[2]) + 1,
      `o= continues: ${o1.slice(1, 3).join(' ')} -> ${o2.slice(1, 3).join(' ')}`);
    send(build(`ACK ${dialog.remoteTarget} SIP/2.0`, [['Via', via()], ['Max-Forwards', '70'],
      ...dialog.routes.map((x) => ['Route', x]), ['From', from], ['To', dialog.to],
      ['Call-ID', callId], ['CSeq', `${cseq} ACK`]]));
    await bye();
  } else if (mode === 'shutdown') {
    await answered();
    ok('in call');
    const b = await next((m) => m.method === 'BYE', 15000);
    check(/^SIP ;cause=503/.test(b.get('reason') || ''), `shutdown BYE to the browser, Reason: ${b.get('reason')}`);
    respond(b, 200, 'OK');
  } else if (mode === 'gone') {
    await answered();
    ws.terminate();
    ok('the WebSocket dropped mid-call');
  } else if (mode === 'inbound' || mode === 'inbound-cancel' || mode === 'inbound-refer') {
    send(build('REGISTER sip:tandem.test SIP/2.0', [['Via', via()], ['Max-Forwards', '70'],
      ['From', from], ['To', `<sip:${sub}@tandem.test>`], ['Call-ID', callId],
      ['CSeq', '1 REGISTER'], ['Contact', `${contact};expires=300`], ['Expires', '300']]));
    const reg = await next((m) => m.cseq.endsWith('REGISTER') && m.status >= 200);
    check(reg.status === 200, `REGISTER through tandem answered ${reg.status}`);
    const inv = await next((m) => m.method === 'INVITE', 15000);
    check(inv.uri === uriOf(contact), `the PBX's call arrives on our WebSocket for ${inv.uri}`);
    check(sdpLine(inv.body, 'm=audio').includes('UDP/TLS/RTP/SAVPF') &&
      sdpLine(inv.body, 'a=setup:') === 'a=setup:actpass', `a WebRTC offer (${sdpLine(inv.body, 'm=audio')}, actpass)`);
    respond(inv, 180, 'Ringing', '', [['Contact', contact]], true);
    if (mode === 'inbound-refer') {
      respond(inv, 200, 'OK', answerSdp, [['Contact', contact]], true);
      await next((m) => m.method === 'ACK');
      const refer = await next((m) => m.method === 'REFER', 10000);
      check(/<sip:601@/.test(refer.get('refer-to') || ''), `the PBX's REFER reaches us (Refer-To ${refer.get('refer-to')})`);
      respond(refer, 202, 'Accepted');
      // Our NOTIFY as the UAS of this dialog (RFC 3261 §12.2.1.1): the INVITE's From is our To.
      const to = inv.get('to');
      const headers = [['Via', via()], ['Max-Forwards', '70']];
      for (const r of inv.all('record-route')) headers.push(['Route', r]);
      headers.push(['From', /;tag=/.test(to) ? to : `${to};tag=${localTag}`], ['To', inv.get('from')],
        ['Call-ID', inv.get('call-id')], ['CSeq', '1 NOTIFY'], ['Contact', contact],
        ['Event', `refer;id=${refer.get('cseq').split(' ')[0]}`],
        ['Subscription-State', 'terminated;reason=noresource'], ['Content-Type', 'message/sipfrag;version=2.0']);
      send(build(`NOTIFY ${uriOf(inv.get('contact'))} SIP/2.0`, headers, 'SIP/2.0 200 OK\r\n'));
      const n = await next((m) => m.cseq.endsWith('NOTIFY') && m.status >= 200);
      check(n.status === 200, `our NOTIFY is answered with the PBX's answer (${n.status})`);
      const b = await next((m) => m.method === 'BYE', 15000);
      respond(b, 200, 'OK');
      ok('the transferor hung up: BYE relayed to the browser');
    } else if (mode === 'inbound') {
      respond(inv, 200, 'OK', answerSdp, [['Contact', contact]], true);
      await next((m) => m.method === 'ACK');
      ok('our 200 was ACKed');
      const b = await next((m) => m.method === 'BYE', 15000);
      respond(b, 200, 'OK');
      ok('the PBX hung up: BYE relayed to the browser');
    } else {
      const c = await next((m) => m.method === 'CANCEL');
      respond(c, 200, 'OK', '', [], true);
      respond(inv, 487, 'Request Terminated', '', [], true);
      await next((m) => m.method === 'ACK');
      ok('the PBX cancelled: CANCEL relayed, our 487 ACKed');
    }
  } else {
    throw new Error(`unknown case ${mode}`);
  }
}

run()
  .catch((e) => {
    bad += 1;
    console.log(`BAD ${mode}: ${e.message}`);
  })
  .finally(() => {
    ws.close();
    setTimeout(() => process.exit(bad), 200);
  });
