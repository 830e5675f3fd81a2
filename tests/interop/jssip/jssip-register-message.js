// JsSIP (npm jssip) in Node registers to tandem_jssip_responder over WS or WSS, sends a MESSAGE
// and gets 200, then unregisters and closes the WebSocket cleanly. Prints the time of each step.
//   node jssip-register-message.js <ws|wss> <url> <ca.pem>
// The certificate is verified against ca.pem (the responder's self-signed certificate carries
// subjectAltName IP:127.0.0.1), not waved through with NODE_TLS_REJECT_UNAUTHORIZED=0.
'use strict';
const fs = require('fs');
const JsSIP = require('jssip');
const WS = require('ws');

const [scheme, url, caFile] = process.argv.slice(2);
const ca = fs.readFileSync(caFile);

// JsSIP.WebSocketInterface calls `new WebSocket(url, 'sip')`: give it the `ws` package with our
// trust anchor (Node 20 has no global WebSocket without --experimental-websocket).
globalThis.WebSocket = class extends WS {
  constructor(address, protocols) {
    super(address, protocols, { ca });
  }
};

const timings = [];
const started = process.hrtime.bigint();
let last = started;
function mark(step) {
  const now = process.hrtime.bigint();
  timings.push(`${step} ${(Number(now - last) / 1e6).toFixed(1)} ms`);
  last = now;
}

function fail(why) {
  console.error(`FAIL jssip over ${scheme}: ${why}`);
  process.exit(1);
}
const deadline = setTimeout(() => fail(`timed out; done so far: ${timings.join(', ')}`), 15000);

const socket = new JsSIP.WebSocketInterface(url);
const ua = new JsSIP.UA({
  sockets: [socket],
  uri: `sip:alice-${scheme}@tandem.test`,
  register: false,
  session_timers: false,
  connection_recovery_min_interval: 60,  // a failure must fail the test, not retry quietly
});

// Each step waits for its event and fails the test on the matching failure event.
function step(name, start, ok, bad) {
  return new Promise((resolve, reject) => {
    ua.once(ok, (e) => { mark(name); resolve(e); });
    if (bad) {
      ua.once(bad, (e) => reject(new Error(`${bad}: ${e && e.cause ? e.cause : 'no cause'}` +
          (e && e.response ? ` (${e.response.status_code} ${e.response.reason_phrase})` : ''))));
    }
    start();
  });
}

(async () => {
  await step('connect', () => ua.start(), 'connected', 'disconnected');
  const registered = await step('register', () => ua.register(), 'registered', 'registrationFailed');
  const contacts = registered.response.getHeaders('Contact');
  if (contacts.length === 0) throw new Error('200 to REGISTER without Contact');

  await new Promise((resolve, reject) => {
    ua.sendMessage(`sip:bob@tandem.test`, `hello over ${scheme}`, {
      eventHandlers: {
        succeeded: (e) => {
          if (e.response.status_code !== 200) reject(new Error(`MESSAGE got ${e.response.status_code}`));
          mark('message');
          resolve();
        },
        failed: (e) => reject(new Error(`MESSAGE failed: ${e.cause}`)),
      },
    });
  });

  await step('unregister', () => ua.unregister(), 'unregistered', 'registrationFailed');
  // JsSIP's stop() polls every 2 s until its own transactions have ended, then closes.
  const closed = await step('stop+close', () => ua.stop(), 'disconnected');
  if (closed.error) throw new Error(`WebSocket closed uncleanly (code ${closed.code})`);
  clearTimeout(deadline);
  const total = (Number(process.hrtime.bigint() - started) / 1e6).toFixed(1);
  console.log(`PASS jssip over ${scheme}: ${timings.join(', ')}; total ${total} ms`);
  process.exit(0);
})().catch((e) => fail(e.message));
