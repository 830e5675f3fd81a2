// Raw WebSocket checks (npm ws) against tandem_jssip_responder, started with --token SECRET:
// upgrade refusals (no `sip` subprotocol: 400; bad or missing token: 401), then on an accepted
// connection: a SIP message without Content-Length is accepted (RFC 7118 §5), a malformed one
// gets a stateless 400 and the connection stays up, binary in gives binary out, CRLFCRLF gets
// CRLF, an oversize message closes with 1009, and closes from either side are clean (1000).
//   node ws-upgrade-checks.js <ws://... or wss://... base url> <secret> [ca.pem for wss]
'use strict';
const fs = require('fs');
const WS = require('ws');

const [base, secret, caFile] = process.argv.slice(2);
const options = caFile ? { ca: fs.readFileSync(caFile) } : {};
const scheme = base.split(':')[0];
let failures = 0;
setTimeout(() => { console.error('FAIL timed out after 20 s'); process.exit(1); }, 20000).unref();
function check(ok, what) {
  console.log(`${ok ? 'PASS' : 'FAIL'} ${scheme}: ${what}`);
  if (!ok) failures++;
}

// Resolves with {status, body} when the upgrade is refused, or {socket} when it is accepted.
function upgrade(url, protocols) {
  return new Promise((resolve) => {
    const socket = new WS(url, protocols, options);
    socket.on('unexpected-response', (req, res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    socket.on('open', () => resolve({ socket }));
    socket.on('error', (e) => resolve({ status: 0, body: String(e) }));
  });
}

function next(socket) {
  return new Promise((resolve) => socket.once('message', (data, binary) => resolve({ text: data.toString(), binary })));
}

function request(method, callId, { contentLength = true, body = '' } = {}) {
  const lines = [
    `${method} sip:echo@127.0.0.1 SIP/2.0`,
    `Via: SIP/2.0/WS client.invalid;branch=z9hG4bK-${callId};rport`,
    'From: <sip:checker@tandem.test>;tag=c1',
    'To: <sip:echo@tandem.test>',
    `Call-ID: ${callId}`,
    `CSeq: 1 ${method}`,
    'Max-Forwards: 70',
  ];
  if (contentLength) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return lines.join('\r\n') + '\r\n\r\n' + body;
}

(async () => {
  const good = `${base}/?token=${secret}`;
  let r = await upgrade(good, []);
  check(r.status === 400 && /Sec-WebSocket-Protocol: sip/.test(r.body),
        `upgrade without the sip subprotocol refused: ${r.status} ${JSON.stringify(r.body)}`);
  r = await upgrade(good, ['chat']);
  check(r.status === 400, `upgrade offering only "chat" refused: ${r.status}`);
  r = await upgrade(`${base}/`, ['sip']);
  check(r.status === 401 && /token/.test(r.body), `upgrade without a token refused: ${r.status} ${JSON.stringify(r.body)}`);
  r = await upgrade(`${base}/?token=wrong`, ['sip']);
  check(r.status === 401, `upgrade with a wrong token refused: ${r.status}`);

  r = await upgrade(good, ['chat', 'sip']);
  check(r.socket && r.socket.protocol === 'sip', `upgrade with sip and a good token accepted (protocol "${r.socket && r.socket.protocol}")`);
  if (!r.socket) process.exit(1);
  const s = r.socket;
  let reply = next(s);
  s.send(request('OPTIONS', 'no-cl', { contentLength: false }));
  let m = await reply;
  check(/^SIP\/2.0 200 /.test(m.text) && /received=127\.0\.0\.1/.test(m.text) && /rport=\d+/.test(m.text) && !m.binary,
        'OPTIONS without Content-Length: 200 as text, Via stamped with received and rport');
  reply = next(s);
  s.send(request('MESSAGE', 'cl-mismatch', { body: 'hello' }).replace('Content-Length: 5', 'Content-Length: 9'));
  m = await reply;
  check(/^SIP\/2.0 400 /.test(m.text) && /Content-Length/.test(m.text), `mismatched Content-Length: ${m.text.split('\r\n')[0]}`);
  reply = next(s);
  s.send(Buffer.from(request('MESSAGE', 'binary', { body: 'hi' })), { binary: true });
  m = await reply;
  check(/^SIP\/2.0 200 /.test(m.text) && m.binary, 'binary MESSAGE: 200 as binary on the same connection');
  reply = next(s);
  s.send('\r\n\r\n');
  m = await reply;
  check(m.text === '\r\n', 'CRLFCRLF keep-alive answered with CRLF');
  const closed = new Promise((resolve) => s.once('close', (code) => resolve(code)));
  s.close(1000, 'bye');
  check((await closed) === 1000, 'clean close by the client (1000)');

  r = await upgrade(good, ['sip']);
  const serverClose = new Promise((resolve) => r.socket.once('close', (code, reason) => resolve(`${code} ${reason}`)));
  reply = next(r.socket);
  r.socket.send(request('MESSAGE', 'close-me', { body: 'bye' }).replace('sip:echo@', 'sip:close@'));
  m = await reply;
  const how = await serverClose;
  check(/^SIP\/2.0 200 /.test(m.text) && how === '1000 closed by request',
        `server-initiated close after the 200: ${how}`);

  r = await upgrade(good, ['sip']);
  const big = new Promise((resolve) => r.socket.once('close', (code) => resolve(code)));
  r.socket.send(request('MESSAGE', 'big', { body: 'x'.repeat(70000) }));
  check((await big) === 1009, 'oversize message closes with 1009 (message too big)');

  process.exit(failures === 0 ? 0 : 1);
})().catch((e) => { console.error(`FAIL ${e.stack}`); process.exit(1); });
