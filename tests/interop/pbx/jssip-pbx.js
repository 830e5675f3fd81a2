// JsSIP (npm jssip) in Node as user 1000 of tandem-pbx over WSS: registers with digest, sends a
// MESSAGE to 1001 (a SIPp UAS on UDP) through the pbx, then must receive, over the same
// WebSocket, a MESSAGE and an INVITE that SIPp sends it through the pbx (JsSIP refuses the
// INVITE itself with 405: no WebRTC in Node). Prints READY once registered and its own MESSAGE
// answered, PASS once the MESSAGE from SIPp arrived; then stays up until killed.
//   node jssip-pbx.js <wss url> <ca.pem>
'use strict';
const fs = require('fs');
const JsSIP = require('jssip');
const WS = require('ws');

const [url, caFile] = process.argv.slice(2);
const ca = fs.readFileSync(caFile);
globalThis.window = {};  // JsSIP reads window.RTCPeerConnection: absent, INVITEs are refused
globalThis.WebSocket = class extends WS {
  constructor(address, protocols) {
    super(address, protocols, { ca });
  }
};

function fail(why) {
  console.error(`FAIL jssip through tandem-pbx: ${why}`);
  process.exit(1);
}
const deadline = setTimeout(() => fail('timed out'), 30000);

const ua = new JsSIP.UA({
  sockets: [new JsSIP.WebSocketInterface(url)],
  uri: 'sip:1000@tandem.test',
  password: 'secret1000',
  register: false,
  session_timers: false,
  connection_recovery_min_interval: 60,
});

ua.on('newMessage', (e) => {
  if (e.originator !== 'remote') return;
  if (!/hello from 1001/.test(e.request.body)) fail(`unexpected MESSAGE body: ${e.request.body}`);
  clearTimeout(deadline);
  console.log('PASS jssip through tandem-pbx: MESSAGE out to SIPp and in from SIPp over WSS');
  setTimeout(() => process.exit(0), 20000);  // stays registered for the INVITE
});
ua.on('registrationFailed', (e) => fail(`registration failed: ${e.cause}`));
ua.on('registered', () => {
  ua.sendMessage('sip:1001@tandem.test', 'hello from 1000', {
    eventHandlers: {
      succeeded: () => console.log('READY'),
      failed: (e) => fail(`MESSAGE to 1001 failed: ${e.cause}`),
    },
  });
});
ua.on('connected', () => ua.register());
ua.start();
