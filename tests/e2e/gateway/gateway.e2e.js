// End-to-end tests of the gateway (issue 5, "End-to-end tests" 1-6): headless Chromium running
// JsSIP (page/) → `tandem --config` (WSS + JWT) → Kamailio (registrar/proxy, digest auth) →
// SIPp UAS (RTP echo) / SIPp UAC / tandem-pbx services 600-602 (reached through Kamailio).
// Must run inside a loopback-only network namespace (run.sh makes one).
//   node gateway.e2e.js <tandem> <tandem-pbx> <artefact dir> <group>
// Groups: rig (the peers without the gateway: Kamailio auth, SIPp echo, tandem-pbx through
// Kamailio, the JsSIP page loads), outbound, inbound, codecs, call-control, tokens, abuse.
'use strict';
const fs = require('fs');
const path = require('path');
const { Rig } = require('./rig');
const { Checks } = require('./checks');

const GROUPS = {
  rig: () => require('./group_rig'),
  outbound: () => require('./group_calls').outbound,
  inbound: () => require('./group_calls').inbound,
  codecs: () => require('./group_calls').codecs,
  'call-control': () => require('./group_control'),
  tokens: () => require('./group_tokens'),
  abuse: () => require('./group_abuse'),
};

async function main() {
  const [tandem, tandemPbx, outArg, group] = process.argv.slice(2);
  const out = path.resolve(outArg || '.');
  if (!GROUPS[group]) {
    console.error(`usage: gateway.e2e.js <tandem> <tandem-pbx> <artefact dir> <${Object.keys(GROUPS).join('|')}>`);
    process.exit(2);
  }
  fs.rmSync(out, { recursive: true, force: true });
  const rig = new Rig(out, { tandem, tandemPbx });
  const checks = new Checks();
  const t0 = Date.now();
  let crashed = null;
  try {
    await GROUPS[group]()(rig, checks);
  } catch (e) {
    crashed = e;
  } finally {
    if (rig.browser) await rig.browser.close().catch(() => {});
    await rig.stopAll();
  }
  if (crashed) checks.fail(`group ${group} stopped early: ${crashed.stack || crashed}`);
  for (const c of rig.children) {
    if (/ERROR: AddressSanitizer|runtime error:/.test(c.text)) checks.fail(`${c.name} reported a sanitizer error (${c.logPath})`);
  }
  console.log(`e2e gateway ${group}: ${((Date.now() - t0) / 1000).toFixed(1)} s, artefacts in ${out}`);
  process.exit(checks.summary());
}

main().catch((e) => { console.error(e); process.exit(1); });
