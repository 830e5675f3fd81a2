// Group "rig": the gateway tests' peers on their own, so a failure in the gateway groups points
// at the gateway and not at the harness: Kamailio's digest auth (a wrong password is refused),
// SIPp UAC → Kamailio → SIPp UAS with its RTP echo, tandem-pbx's 600/601 reached through
// Kamailio's trunk (uac_auth), each verified on the wire by the RTP tap, and Chromium loading the
// JsSIP page and measuring its fake microphone's tone with the page's analyser.
'use strict';
const sipp = require('./sipp');
const { PORTS } = require('./rig');
const { openPage, TONE_HZ } = require('./browser');

module.exports = async function rigGroup(rig, checks) {
  await rig.startKamailio();
  await rig.startPbx();

  const bad = await sipp.register(rig, { user: '2000', password: 'wrong', name: 'sipp-register-wrong' });
  checks.check(bad !== 0, `Kamailio refuses REGISTER 2000 with a wrong password (SIPp exit ${bad})`);
  const good = await sipp.register(rig, { user: '2000' });
  const contacts = rig.contacts('2000');
  checks.check(good === 0 && contacts.some((c) => c.includes(`127.0.0.1:${PORTS.uas}`)),
               `SIPp registers 2000 with digest auth (exit ${good}; contacts ${contacts.join(' ') || 'none'})`);

  // 2001 → 2000 (SIPp UAS, echo): the UAS receives the 700 Hz tone and echoes it.
  let tap = await rig.startTap('tap-echo', PORTS.uasMedia, PORTS.uacMedia + 1);
  const uas = sipp.uas(rig, { codec: 'g711' });
  let uac = sipp.uac(rig, { target: '2000', hz: 700, holdMs: 3000 });
  const [uacCode, uasCode] = [await uac.exited, await uas.exited];
  checks.check(uacCode === 0 && uasCode === 0, `SIPp call 2001 → Kamailio → 2000 completes (UAC exit ${uacCode}, UAS exit ${uasCode})`);
  let flows = await tap.result();
  const toUas = checks.flowTo(flows, PORTS.uasMedia);
  const echoed = checks.flowTo(flows, PORTS.uacMedia);
  checks.check(toUas && toUas.packets > 100 && toUas.payload_types[0] > 0, `UAS received PCMU (${JSON.stringify(toUas)})`);
  checks.near(toUas && toUas.dominant_hz, 700, 'tone the UAS received');
  checks.near(echoed && echoed.dominant_hz, 700, `tone echoed back by the UAS (${echoed && echoed.packets} packets)`);

  // The generated flows the gateway groups use, SIPp against SIPp: early media (183 with SDP,
  // echoed), CANCEL while ringing (200, 487, ACK on the INVITE's branch), BYE from the callee.
  tap = await rig.startTap('tap-early', PORTS.uasMedia, PORTS.uasMedia + 1);
  const early = sipp.uas(rig, { codec: 'g711', earlyMs: 2000 }, 'sipp-uas-early');
  uac = sipp.uac(rig, { target: '2000', hz: 700, holdMs: 3000, name: 'sipp-uac-early' });
  const [earlyUac, earlyUas] = [await uac.exited, await early.exited];
  flows = await tap.result();
  const earlyEcho = checks.flowFrom(flows, PORTS.uasMedia);
  checks.check(earlyUac === 0 && earlyUas === 0 && earlyEcho && earlyEcho.packets > 100,
               `SIPp early-media flow (183 + 2 s, then 200) completes with RTP echoed (UAC ${earlyUac}, UAS ${earlyUas}, ${earlyEcho && earlyEcho.packets} packets back)`);
  const ringing = sipp.uas(rig, { codec: 'g711', mode: 'cancel' }, 'sipp-uas-cancel');
  uac = sipp.uac(rig, { target: '2000', cancelAfterMs: 500, name: 'sipp-uac-cancel' });
  const [cancelUac, cancelUas] = [await uac.exited, await ringing.exited];
  checks.check(cancelUac === 0 && cancelUas === 0, `SIPp CANCEL flow through Kamailio: 200 for CANCEL, 487, ACK (UAC ${cancelUac}, UAS ${cancelUas})`);

  const hangsUp = sipp.uas(rig, { codec: 'g711', mode: 'bye', byeAfterMs: 1500 }, 'sipp-uas-bye');
  uac = sipp.uac(rig, { target: '2000', awaitBye: true, name: 'sipp-uac-bye' });
  const [byeUac, byeUas] = [await uac.exited, await hangsUp.exited];
  checks.check(byeUac === 0 && byeUas === 0, `SIPp BYE from the callee through Kamailio's Record-Route (UAC ${byeUac}, UAS ${byeUas})`);

  // 2001 → 601 and 600 through Kamailio's trunk to tandem-pbx.
  for (const [service, hz] of [['601', 1000], ['600', 700]]) {
    tap = await rig.startTap(`tap-${service}`, PORTS.uacMedia, PORTS.uacMedia + 1);
    uac = sipp.uac(rig, { target: service, hz: 700, holdMs: 3000, name: `sipp-uac-${service}` });
    const code = await uac.exited;
    checks.check(code === 0, `SIPp call 2001 → Kamailio → tandem-pbx ${service} completes (exit ${code})`);
    flows = await tap.result();
    const back = checks.flowTo(flows, PORTS.uacMedia);
    checks.near(back && back.dominant_hz, hz, `tone from tandem-pbx ${service} (${back && back.packets} packets, PT ${back && Object.keys(back.payload_types)})`);
  }

  // The page: JsSIP loads, the fake microphone plays its tone and the analyser hears it.
  const page = await openPage(rig, 'rig');
  const info = await page.evaluate(async () => ({ version: window.JsSIP && window.JsSIP.version, mic: await window.phone.measureMicrophone() }));
  checks.check(typeof info.version === 'string', `Chromium loads the JsSIP bundle (JsSIP ${info.version})`);
  checks.near(info.mic && info.mic.hz, TONE_HZ, 'the page measures its fake microphone');
};
