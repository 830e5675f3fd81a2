// Clients of tandem-pbx's stream transports for run-stream-flood.sh, each bound to a source
// address of its own (127.0.0.x):
//   node stream-flood.js flood-tls HOST PORT SOURCE SECONDS RATE
//   node stream-flood.js flood-ws  URL SOURCE SECONDS RATE
//     send OPTIONS over TLS (Node's OpenSSL) or WebSocket (npm ws): a burst of 0.15 * RATE on
//     every new connection, then RATE per second, reconnecting whenever the pbx closes the
//     connection, until SECONDS pass; then print one JSON line: sent, answered (200s read
//     back), connections, closed_by_peer.
//   node stream-flood.js good-tls HOST PORT SOURCE     one OPTIONS over TLS, expects its 200
//   node stream-flood.js good-ws URL SOURCE USER PASSWORD
//     JsSIP (npm jssip) registers USER with digest over WS: PASS once registered, else FAIL.
'use strict';
const tls = require('tls');

const [mode, ...args] = process.argv.slice(2);

function options(n, transport, source) {
  return (
    `OPTIONS sip:pbx@127.0.0.1 SIP/2.0\r\n` +
    `Via: SIP/2.0/${transport} ${source}:9;branch=z9hG4bK-flood-${process.pid}-${n}\r\n` +
    `From: <sip:flood@${source}>;tag=f${n}\r\nTo: <sip:pbx@127.0.0.1>\r\n` +
    `Call-ID: flood-${process.pid}-${n}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n` +
    `Content-Length: 0\r\n\r\n`
  );
}

function count200(text) {
  return (text.match(/^SIP\/2\.0 200 /gm) || []).length;
}

// Runs `open` (which returns a connection-like object) again after each close until the
// deadline, sending RATE messages a second in 10 ms ticks while a connection is up.
function flood(seconds, rate, open) {
  const stats = { sent: 0, answered: 0, connections: 0, closed_by_peer: 0 };
  const end = Date.now() + seconds * 1000;
  const perTick = Math.max(1, Math.round(rate / 100));
  let current = null;
  let finished = false;
  // A flooder does not pace itself: a burst as soon as a connection is up, then RATE a second.
  const burst = (c) => {
    for (let i = 0; i < 15 * perTick && c.ready(); i++) c.send(options(stats.sent++, c.transport, c.source));
  };
  const connect = () => {
    if (Date.now() >= end) return;
    stats.connections++;
    current = open(stats, burst, () => {
      current = null;
      if (!finished) {
        stats.closed_by_peer++;
        setTimeout(connect, 50);
      }
    });
  };
  const tick = setInterval(() => {
    if (Date.now() >= end) {
      finished = true;
      clearInterval(tick);
      if (current) current.stop();
      setTimeout(() => {
        console.log(JSON.stringify(stats));
        process.exit(0);
      }, 500);
      return;
    }
    if (current && current.ready()) {
      for (let i = 0; i < perTick; i++) current.send(options(stats.sent++, current.transport, current.source));
    }
  }, 10);
  connect();
}

function openTls(host, port, source) {
  return (stats, burst, closed) => {
    let ready = false;
    const socket = tls.connect({ host, port: Number(port), localAddress: source, rejectUnauthorized: false });
    socket.on('secureConnect', () => {
      ready = true;
      burst(self);
    });
    socket.setEncoding('utf8');
    socket.on('data', (d) => (stats.answered += count200(d)));
    socket.on('error', () => {});
    socket.on('close', () => {
      ready = false;
      closed();
    });
    const self = {
      transport: 'TLS',
      source,
      ready: () => ready && socket.writableLength < 65536,
      send: (m) => socket.write(m),
      stop: () => socket.destroy(),
    };
    return self;
  };
}

function openWs(url, source) {
  const WebSocket = require('ws');
  return (stats, burst, closed) => {
    let ready = false;
    const ws = new WebSocket(url, 'sip', { localAddress: source });
    ws.on('open', () => {
      ready = true;
      burst(self);
    });
    ws.on('message', (d) => (stats.answered += count200(d.toString())));
    ws.on('error', () => {});
    ws.on('close', () => {
      ready = false;
      closed();
    });
    const self = {
      transport: 'WS',
      source,
      ready: () => ready && ws.bufferedAmount < 65536,
      send: (m) => ws.send(m),
      stop: () => ws.terminate(),
    };
    return self;
  };
}

function fail(why) {
  console.log(`FAIL ${mode}: ${why}`);
  process.exit(1);
}

if (mode === 'flood-tls') {
  const [host, port, source, seconds, rate] = args;
  flood(Number(seconds), Number(rate), openTls(host, port, source));
} else if (mode === 'flood-ws') {
  const [url, source, seconds, rate] = args;
  flood(Number(seconds), Number(rate), openWs(url, source));
} else if (mode === 'good-tls') {
  const [host, port, source] = args;
  setTimeout(() => fail('no 200 within 10 s'), 10000);
  const socket = tls.connect({ host, port: Number(port), localAddress: source, rejectUnauthorized: false }, () =>
    socket.write(options(1, 'TLS', source)),
  );
  socket.setEncoding('utf8');
  let text = '';
  socket.on('data', (d) => {
    text += d;
    if (count200(text) === 1) {
      console.log('PASS good-tls: OPTIONS answered 200 over TLS');
      process.exit(0);
    }
  });
  socket.on('error', (e) => fail(e.message));
  socket.on('close', () => fail('connection closed before the 200'));
} else if (mode === 'good-ws') {
  const [url, source, user, password] = args;
  const JsSIP = require('jssip');
  const WS = require('ws');
  globalThis.window = {};
  globalThis.WebSocket = class extends WS {
    constructor(address, protocols) {
      super(address, protocols, { localAddress: source });
    }
  };
  setTimeout(() => fail('not registered within 20 s'), 20000);
  const ua = new JsSIP.UA({
    sockets: [new JsSIP.WebSocketInterface(url)],
    uri: `sip:${user}@tandem.test`,
    password,
    register: true,
    session_timers: false,
    connection_recovery_min_interval: 60,
  });
  ua.on('registered', () => {
    console.log(`PASS good-ws: JsSIP registered ${user} over WS from ${source}`);
    ua.stop();
    setTimeout(() => process.exit(0), 300);
  });
  ua.on('registrationFailed', (e) => fail(`registration failed: ${e.cause}`));
  ua.start();
} else {
  fail('unknown mode');
}
