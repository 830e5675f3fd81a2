// Interop: the npm `stun` package (an independent STUN implementation) against
// tandem_stun_responder. Run the responder first:
//   tandem_stun_responder --port 34790 --ufrag tndm --pwd tandemresponderpwd0123 \
//       --remote-ufrag peer --plain
//   NODE_PATH=<dir with node_modules/stun> node stun_npm_check.js 34790
// Checks: plain Binding (no credentials); an ICE check with USERNAME, PRIORITY, ICE-CONTROLLING,
// USE-CANDIDATE, MESSAGE-INTEGRITY and FINGERPRINT whose response must pass the package's own
// MESSAGE-INTEGRITY and FINGERPRINT validation; a wrong password (must get no answer); an
// ICE-CONTROLLED check (487 with valid MESSAGE-INTEGRITY).
'use strict';
const dgram = require('dgram');
const crypto = require('crypto');
const stun = require('stun');
const crc32 = require('turbo-crc32/crc32');

const port = Number(process.argv[2] || 34790);
const pwd = 'tandemresponderpwd0123';
const C = stun.constants;
const T = {
  BINDING_REQUEST: C.STUN_BINDING_REQUEST,
  BINDING_RESPONSE: C.STUN_BINDING_RESPONSE,
  BINDING_ERROR_RESPONSE: C.STUN_BINDING_ERROR_RESPONSE,
};
const socket = dgram.createSocket('udp4');
let failures = 0;

function check(name, ok, detail) {
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail ? ': ' + detail : ''}`);
  if (!ok) failures++;
}

function exchange(message, timeoutMs = 700) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => { socket.removeListener('message', onMessage); resolve(null); },
                             timeoutMs);
    function onMessage(buf) {
      clearTimeout(timer);
      socket.removeListener('message', onMessage);
      resolve(stun.decode(buf));
    }
    socket.on('message', onMessage);
    socket.send(stun.encode(message), port, '127.0.0.1');
  });
}

const tieBreaker = Buffer.from('1122334455667788', 'hex');

function exchangeRaw(message, timeoutMs = 700) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => { socket.removeListener('message', onMessage); resolve(null); },
                             timeoutMs);
    function onMessage(buf) {
      clearTimeout(timer);
      socket.removeListener('message', onMessage);
      resolve(buf);
    }
    socket.on('message', onMessage);
    socket.send(stun.encode(message), port, '127.0.0.1');
  });
}

// type -> { offset of the value, value } for the first occurrence of each attribute.
function parseAttributes(buf) {
  const out = new Map();
  for (let pos = 20; pos + 4 <= buf.length;) {
    const type = buf.readUInt16BE(pos);
    const len = buf.readUInt16BE(pos + 2);
    if (!out.has(type)) out.set(type, { offset: pos + 4, value: buf.subarray(pos + 4, pos + 4 + len) });
    pos += 4 + ((len + 3) & ~3);
  }
  return out;
}

function iceCheck({ password = pwd, controlled = false } = {}) {
  const m = stun.createMessage(T.BINDING_REQUEST);
  m.addUsername('tndm:peer');
  m.addPriority(0x6e7f1eff);
  if (controlled) m.addIceControlled(tieBreaker); else m.addIceControlling(tieBreaker);
  m.addUseCandidate();
  m.addMessageIntegrity(password);
  m.addFingerprint();
  return m;
}

socket.bind(0, '127.0.0.1', async () => {
  const local = socket.address();
  const self = `${local.address}:${local.port}`;

  let r = await exchange(stun.createMessage(T.BINDING_REQUEST));
  check('plain binding answered', r && r.type === T.BINDING_RESPONSE);
  if (r) {
    const x = r.getXorAddress();
    check('plain XOR-MAPPED-ADDRESS is our socket', x && `${x.address}:${x.port}` === self,
          x && `${x.address}:${x.port}`);
    check('plain FINGERPRINT valid', stun.validateFingerprint(r));
  }

  r = await exchange(iceCheck());
  check('ICE check answered with success', r && r.type === T.BINDING_RESPONSE);
  if (r) {
    const x = r.getXorAddress();
    check('ICE XOR-MAPPED-ADDRESS is our socket', x && `${x.address}:${x.port}` === self,
          x && `${x.address}:${x.port}`);
    check('response MESSAGE-INTEGRITY valid (local pwd)', stun.validateMessageIntegrity(r, pwd));
    check('response MESSAGE-INTEGRITY fails with another pwd',
          !stun.validateMessageIntegrity(r, 'x' + pwd.slice(1)));
    check('response FINGERPRINT valid', stun.validateFingerprint(r));
  }

  r = await exchange(iceCheck({ password: 'wrongpassword012345678' }));
  check('wrong password: no answer', r === null);

  // npm stun 2.1.0 decodes ERROR-CODE as errorClass * (number + 100) (487 reads as 748) and its
  // validators re-encode the decoded message, so the error response is checked on the raw bytes
  // with Node's crypto HMAC and the package's CRC-32 (turbo-crc32).
  const raw = await exchangeRaw(iceCheck({ controlled: true }));
  check('ICE-CONTROLLED answered', raw !== null);
  if (raw) {
    check('error response type', raw.readUInt16BE(0) === 0x0111);
    const attrs = parseAttributes(raw);
    const ec = attrs.get(0x0009);
    check('ERROR-CODE 487', ec && (ec.value[2] & 7) * 100 + ec.value[3] === 487,
          ec && `${(ec.value[2] & 7) * 100 + ec.value[3]} ${ec.value.subarray(4).toString()}`);
    const mi = attrs.get(0x0008);
    const header = Buffer.from(raw.subarray(0, 20));
    header.writeUInt16BE(mi.offset + 20 - 20, 2);
    const hmac = crypto.createHmac('sha1', pwd).update(header)
        .update(raw.subarray(20, mi.offset - 4)).digest();
    check('487 MESSAGE-INTEGRITY valid', mi && hmac.equals(mi.value));
    const fp = attrs.get(0x8028);
    const crc = (crc32(raw.subarray(0, fp.offset - 4)) ^ 0x5354554e) >>> 0;
    check('487 FINGERPRINT valid', fp && crc === fp.value.readUInt32BE(0));
  }

  socket.close();
  console.log(failures === 0 ? 'ALL PASS' : `${failures} FAILURE(S)`);
  process.exit(failures === 0 ? 0 : 1);
});
