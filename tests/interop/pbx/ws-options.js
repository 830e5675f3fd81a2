// Sends one OPTIONS over a SIP WebSocket (RFC 7118, subprotocol "sip") with the `ws` package and
// prints the status line of the answer; exits 1 without one within 5 s.
//   node ws-options.js URL CA_FILE
'use strict';
const fs = require('fs');
const WebSocket = require('ws');
const [url, ca] = process.argv.slice(2);
const ws = new WebSocket(url, 'sip', { ca: fs.readFileSync(ca), rejectUnauthorized: false });
const timer = setTimeout(() => { console.log('no answer'); process.exit(1); }, 5000);
ws.on('open', () => {
  ws.send('OPTIONS sip:pbx.invalid SIP/2.0\r\n' +
          'Via: SIP/2.0/WSS client.invalid;branch=z9hG4bK-ws6;rport\r\n' +
          'From: <sip:probe@tandem.test>;tag=w6\r\nTo: <sip:pbx.invalid>\r\n' +
          'Call-ID: ws6-options\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n' +
          'Content-Length: 0\r\n\r\n');
});
ws.on('message', (data) => {
  console.log(String(data).split('\r\n')[0]);
  clearTimeout(timer);
  ws.close();
});
ws.on('error', (e) => { console.log(`error: ${e.message}`); process.exit(1); });
