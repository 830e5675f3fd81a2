// A raw TLS WebSocket client for the token and misbehaving-browser tests: it sends exactly the
// bytes a test asks for (a browser's WebSocket would refuse to send garbage) and reports what
// the gateway answered and when it closed the connection.
'use strict';
const crypto = require('crypto');
const tls = require('tls');
const { PORTS } = require('./rig');

// Opens a TLS connection to the gateway; `closed` resolves (ms since open) when the server
// closes or resets it; `received` accumulates everything read.
function open() {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const socket = tls.connect({ host: '127.0.0.1', port: PORTS.wss, rejectUnauthorized: false }, () => {
      const conn = { socket, received: Buffer.alloc(0), t0 };
      conn.closed = new Promise((r) => {
        socket.on('close', () => r(Date.now() - t0));
        socket.on('error', () => {});
      });
      socket.on('data', (d) => { conn.received = Buffer.concat([conn.received, d]); });
      resolve(conn);
    });
    socket.once('error', reject);
  });
}

function upgradeRequest(path, headers = {}) {
  const lines = [`GET ${path} HTTP/1.1`, `Host: 127.0.0.1:${PORTS.wss}`, 'Upgrade: websocket', 'Connection: Upgrade',
                 `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}`, 'Sec-WebSocket-Version: 13',
                 'Sec-WebSocket-Protocol: sip', 'Origin: http://127.0.0.1:8000'];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

// The HTTP status of the upgrade response (101 on success), waiting up to `ms`.
async function status(conn, ms = 5000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const text = conn.received.toString('latin1');
    const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
    if (m && text.includes('\r\n\r\n')) return Number(m[1]);
    if (conn.socket.destroyed) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const m = /^HTTP\/1\.1 (\d{3})/.exec(conn.received.toString('latin1'));
  return m ? Number(m[1]) : null;
}

// Connects and upgrades on `path`; resolves with the connection and the status.
async function upgrade(path, headers) {
  const conn = await open();
  conn.socket.write(upgradeRequest(path, headers));
  conn.status = await status(conn);
  return conn;
}

// A client frame (RFC 6455 §5.2), masked as clients must.
function frame(payload, opcode = 1) {
  const data = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  let header;
  if (data.length < 126) {
    header = Buffer.from([0x80 | opcode, 0x80 | data.length]);
  } else if (data.length < 65536) {
    header = Buffer.alloc(4);
    header[0] = 0x80 | opcode; header[1] = 0x80 | 126; header.writeUInt16BE(data.length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x80 | opcode; header[1] = 0x80 | 127; header.writeBigUInt64BE(BigInt(data.length), 2);
  }
  const mask = crypto.randomBytes(4);
  const masked = Buffer.alloc(data.length);
  for (let i = 0; i < data.length; i++) masked[i] = data[i] ^ mask[i & 3];
  return Buffer.concat([header, mask, masked]);
}

// GET /api/ice-servers with `token` (null: none) → { status, body }.
function iceServers(token, { bearer = false } = {}) {
  const https = require('https');
  const query = token !== null && !bearer ? `?token=${encodeURIComponent(token)}` : '';
  const headers = bearer && token !== null ? { Authorization: `Bearer ${token}` } : {};
  return new Promise((resolve) => {
    const req = https.get({ host: '127.0.0.1', port: PORTS.wss, path: `/api/ice-servers${query}`, headers, rejectUnauthorized: false }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', (e) => resolve({ status: null, body: String(e) }));
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
  });
}

// Resolves true when `conn` is closed by the server within `ms`.
async function closedWithin(conn, ms) {
  const r = await Promise.race([conn.closed, new Promise((res) => setTimeout(() => res(null), ms))]);
  return r;
}

module.exports = { open, upgrade, upgradeRequest, frame, iceServers, closedWithin, status };
