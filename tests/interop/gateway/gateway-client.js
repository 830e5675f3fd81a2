// Browser-side clients of `tandem --config` in Node: JsSIP (npm jssip) over WSS and plain
// WebSocket upgrades (npm ws). Tokens are HS256 JWTs made here with Node's crypto, so the test
// controls every claim (expired, forged, wrong audience, other subject).
//   node gateway-client.js tokens  <wss url> <ca.pem> <secret> <audience>
//   node gateway-client.js session <wss url> <ca.pem> <secret> <audience> <sub> [<aor user>]
// `tokens` (upgrades, the API, and INVITEs whose From or destination the token does not allow)
// prints PASS/FAIL lines and exits with the failure count. `session` registers JsSIP as
// sip:<aor user>@tandem.test with a token for <sub>, prints REGISTERED <expires>, REGFAILED
// <status> <reason>, UNREGISTERED, REGISTER-RESPONSE <status> for every REGISTER answer on the
// wire, and obeys lines on standard input: "register" (refresh),
// "unregister", "exit" (drop the WebSocket without un-REGISTER, as a closed tab does).
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const https = require('https');
const readline = require('readline');
const JsSIP = require('jssip');
const WS = require('ws');

const [mode, url, caFile, secret, audience, sub, aorUser] = process.argv.slice(2);
const ca = fs.readFileSync(caFile);

function b64url(data) {
  return Buffer.from(data).toString('base64url');
}
function jwt(claims, key = secret) {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(claims));
  const sig = crypto.createHmac('sha256', key).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}
const now = () => Math.floor(Date.now() / 1000);
function token(subject, extra = {}) {
  return jwt({ sub: subject, aud: audience, exp: now() + 600, iat: now(), ...extra });
}

// One WebSocket upgrade: resolves with the HTTP status (101 when upgraded) and the body.
function upgrade(target, headers = {}) {
  return new Promise((resolve) => {
    const ws = new WS(target, 'sip', { ca, headers });
    ws.on('open', () => { ws.close(); resolve({ status: 101, body: '' }); });
    ws.on('unexpected-response', (req, res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    ws.on('error', (e) => resolve({ status: 0, body: String(e) }));
  });
}

// GET on the WebSocket port (the HTTP API shares it): resolves with the status and body.
function get(target, headers = {}) {
  return new Promise((resolve) => {
    https.get(target.replace(/^wss:/, 'https:'), { ca, headers }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    }).on('error', (e) => resolve({ status: 0, body: String(e) }));
  });
}

async function tokens() {
  let failures = 0;
  const api = [
    ['GET /api/ice-servers without a token', `${url}/api/ice-servers`, {}, 401, '"missing_token"'],
    ['GET /api/ice-servers with an expired token',
      `${url}/api/ice-servers?token=${token('1000', { exp: now() - 3600 })}`, {}, 401, '"expired"'],
    ['GET /api/ice-servers with a valid token', `${url}/api/ice-servers`,
      { Authorization: `Bearer ${token('1000')}` }, 200, '"iceServers"'],
  ];
  for (const [name, target, headers, want, needle] of api) {
    const got = await get(target, headers);
    const ok = got.status === want && got.body.includes(needle);
    console.log(`${ok ? 'PASS' : 'FAIL'} ${name} on the WSS port: HTTP ${got.status} ${got.body.trim()}`);
    if (!ok) failures++;
  }
  const cases = [
    ['missing token', url, {}, 401, 'missing_token'],
    ['expired token', `${url}?token=${token('1000', { exp: now() - 3600 })}`, {}, 401, 'expired'],
    ['forged token (other key)', `${url}?token=${jwt({ sub: '1000', aud: audience, exp: now() + 600 },
      'not-the-secret-not-the-secret-not-the-secret')}`, {}, 401, 'bad_signature'],
    ['wrong audience', `${url}?token=${token('1000', { aud: 'someone-else' })}`, {}, 401,
      'wrong_audience'],
    ['alg none', `${url}?token=${b64url('{"alg":"none"}')}.${b64url(JSON.stringify(
      { sub: '1000', aud: audience, exp: now() + 600 }))}.`, {}, 401, 'unsupported_alg'],
    ['valid token in the query', `${url}?token=${token('1000')}`, {}, 101, ''],
    ['valid token as Authorization: Bearer', url, { Authorization: `Bearer ${token('1000')}` },
      101, ''],
  ];
  for (const [name, target, headers, want, code] of cases) {
    const got = await upgrade(target, headers);
    const ok = got.status === want && (code === '' || got.body.includes(`"${code}"`));
    console.log(`${ok ? 'PASS' : 'FAIL'} upgrade with ${name}: HTTP ${got.status} ${got.body.trim()}`);
    if (!ok) failures++;
  }
  const invites = [
    ['INVITE whose From is not the token subject', token('1000'), '1001', '600'],
    ['INVITE to a destination outside the token allow list', token('1000', { allow: ['601'] }),
      '1000', '600'],
  ];
  for (const [name, tok, fromUser, toUser] of invites) {
    const got = await inviteAs(tok, fromUser, toUser);
    const ok = got.status === 403;
    console.log(`${ok ? 'PASS' : 'FAIL'} ${name}: ${got.status} ${got.reason}`);
    if (!ok) failures++;
  }
  process.exit(failures);
}

// One INVITE over a WebSocket opened with `tok`, From sip:<fromUser>@tandem.test to
// sip:<toUser>@tandem.test (a recorded-style WebRTC offer is not needed: the identity checks come
// first). Resolves with the final status and reason.
function inviteAs(tok, fromUser, toUser) {
  return new Promise((resolve) => {
    const ws = new WS(`${url}/sip?token=${tok}`, 'sip', { ca });
    const callId = crypto.randomBytes(8).toString('hex');
    ws.on('open', () => {
      const lines = [
        `INVITE sip:${toUser}@tandem.test SIP/2.0`,
        `Via: SIP/2.0/WSS client.invalid;branch=z9hG4bK${crypto.randomBytes(6).toString('hex')}`,
        'Max-Forwards: 70',
        `From: <sip:${fromUser}@tandem.test>;tag=${crypto.randomBytes(4).toString('hex')}`,
        `To: <sip:${toUser}@tandem.test>`,
        `Call-ID: ${callId}`,
        'CSeq: 1 INVITE',
        `Contact: <sip:${fromUser}@client.invalid;transport=ws>`,
        'Content-Length: 0',
      ];
      ws.send(`${lines.join('\r\n')}\r\n\r\n`);
    });
    ws.on('message', (data) => {
      const m = /^SIP\/2\.0 (\d+) ([^\r]*)/.exec(data.toString());
      if (m && Number(m[1]) >= 200) {
        ws.close();
        resolve({ status: Number(m[1]), reason: m[2] });
      }
    });
    ws.on('error', (e) => resolve({ status: 0, reason: String(e) }));
    setTimeout(() => resolve({ status: 0, reason: 'no final answer in 10 s' }), 10000);
  });
}

function session() {
  globalThis.window = {};  // JsSIP reads window.RTCPeerConnection: absent
  // JsSIP emits `registered` only when the state changes: the socket reports every REGISTER
  // response it carries, so refreshes are seen too.
  globalThis.WebSocket = class extends WS {
    constructor(address, protocols) {
      super(address, protocols, { ca });
      this.on('message', (data) => {
        const text = data.toString();
        const status = /^SIP\/2\.0 (\d+)/.exec(text);
        if (status && /\r\nCSeq:\s*\d+ REGISTER\r\n/i.test(text)) {
          console.log(`REGISTER-RESPONSE ${status[1]}`);
        }
      });
    }
  };
  const user = aorUser || sub;
  const socket = new JsSIP.WebSocketInterface(`${url}/sip?token=${token(sub)}`);
  const ua = new JsSIP.UA({
    sockets: [socket],
    uri: `sip:${user}@tandem.test`,
    register: false,
    session_timers: false,
    connection_recovery_min_interval: 60,
  });
  ua.on('registered', (e) => {
    const contact = e.response.parseHeader('contact');
    const expires = contact ? contact.getParam('expires') : '?';
    console.log(`REGISTERED ${expires}`);
  });
  ua.on('unregistered', () => console.log('UNREGISTERED'));
  ua.on('registrationFailed', (e) => {
    const r = e.response;
    console.log(r ? `REGFAILED ${r.status_code} ${r.reason_phrase} | ${r.getHeader('Reason') || ''}`
                  : `REGFAILED 0 ${e.cause}`);
  });
  ua.on('disconnected', () => console.log('DISCONNECTED'));
  ua.on('connected', () => ua.register());
  readline.createInterface({ input: process.stdin }).on('line', (line) => {
    if (line === 'register') ua.register();
    if (line === 'unregister') ua.unregister();
    if (line === 'exit') process.exit(0);
  });
  ua.start();
}

if (mode === 'tokens') tokens();
else if (mode === 'session') session();
else { console.error(`unknown mode ${mode}`); process.exit(2); }
