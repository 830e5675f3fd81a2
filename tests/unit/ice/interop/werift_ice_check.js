// Interop: a full ICE agent (npm werift-ice, pure TypeScript, controlling) against
// tandem_stun_responder as the ICE-lite side. werift gathers, pairs its host candidate with our
// single candidate 127.0.0.1:<port>, runs connectivity checks with short-term credentials and
// nominates; it only reaches "connected" if our responses pass its MESSAGE-INTEGRITY and
// FINGERPRINT checks. Then it keeps sending consent checks (RFC 7675) for a few seconds.
//   tandem_stun_responder --port 34793 --ufrag tndm --pwd tandemresponderpwd0123
//   NODE_PATH=<dir with node_modules> node werift_ice_check.js 34793
'use strict';
const { Connection, Candidate } = require('werift-ice');

const port = Number(process.argv[2] || 34793);
const holdMs = Number(process.argv[3] || 6000);

(async () => {
  const conn = new Connection(true, {
    useIpv4: true,
    useIpv6: false,
    interfaceAddresses: { udp4: '127.0.0.1' },
    additionalHostAddresses: ['127.0.0.1'],
  });
  conn.stateChanged.subscribe((s) => console.log(`werift state: ${s}`));
  conn.setRemoteParams({ iceLite: true, usernameFragment: 'tndm', password: 'tandemresponderpwd0123' });
  await conn.gatherCandidates();
  console.log(`werift local ufrag ${conn.localUsername}, candidates: ` +
              conn.localCandidates.map((c) => `${c.host}:${c.port}`).join(' '));
  await conn.addRemoteCandidate(
      new Candidate('1', 1, 'udp', 2130706431, '127.0.0.1', port, 'host'));
  await conn.addRemoteCandidate(undefined);  // end of candidates
  const timeout = setTimeout(() => { console.log('FAIL: connect timeout'); process.exit(1); }, 10000);
  await conn.connect();
  clearTimeout(timeout);
  const pair = conn.nominated;
  console.log(`nominated: local ${pair.localCandidate.host}:${pair.localCandidate.port} -> ` +
              `remote ${pair.remoteCandidate.host}:${pair.remoteCandidate.port}`);
  await new Promise((r) => setTimeout(r, holdMs));
  console.log(`after ${holdMs} ms: werift state ${conn.state}`);
  const ok = conn.state === 'connected' || conn.state === 'completed';
  await conn.close();
  console.log(ok ? 'PASS' : 'FAIL');
  process.exit(ok ? 0 : 1);
})().catch((e) => { console.log('FAIL', e); process.exit(1); });
