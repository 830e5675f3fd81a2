#!/usr/bin/env node
// e2e.sdp-translation-chromium: hands the browser-side SDPs that gateway::SdpTranslator builds to
// a real headless Chromium and checks that it applies them. Outgoing calls: Chromium's own offer
// (audio, audio+video) -> offer-to-pbx -> a tandem-pbx style answer -> answer-to-browser ->
// setRemoteDescription, then a hold re-offer (sendonly) the same way. Incoming calls: a SIPp
// PCMU offer and an Asterisk-style offer -> offer-to-browser -> setRemoteDescription,
// createAnswer -> answer-to-pbx, then the PBX's hold re-offer. Only Node built-ins; the HTTP
// server binds 127.0.0.1 on an ephemeral port. Exit 77 when chromium is absent.
//   node run.mjs <sdp_translate binary> <fixture dir> [capture dir]
import {spawn, execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, writeFileSync, rmSync} from 'node:fs';
import {createServer} from 'node:http';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

const [tool, fixtures, capture] = process.argv.slice(2);
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.log(`SKIP: ${chromium} not found`);
  process.exit(77);
}
const work = mkdtempSync(join(tmpdir(), 'sdp-translation-'));
const file = (name, text) => {
  const path = join(work, name);
  if (text !== undefined) writeFileSync(path, text);
  return path;
};
const fixture = (name) => join(fixtures, name);
const save = (name, text) => { if (capture) writeFileSync(join(capture, name), text); };
const log = [];

// Runs the translator; throws with its stderr on failure.
function translate(...args) {
  try {
    const out = execFileSync(tool, args, {stdio: ['ignore', 'pipe', 'pipe']}).toString();
    return out;
  } catch (e) {
    throw new Error(`sdp_translate ${args[0]}: ${e.stderr}`);
  }
}

// Each step gets the browser's SDP (or nothing) and returns the SDP the page applies next.
const steps = {
  'out-offer': (sdp, tag) => {
    save(`chromium-${tag}.offer.sdp`, sdp);
    file(`${tag}-browser-offer.sdp`, sdp);
    const pbxOffer = translate('offer-to-pbx', file(`${tag}-browser-offer.sdp`));
    file(`${tag}-pbx-offer.sdp`, pbxOffer);
    if (/ice-|fingerprint|setup:|SAVPF/.test(pbxOffer)) throw new Error('PBX offer carries WebRTC attributes');
    const answer = translate('answer-to-browser', file(`${tag}-browser-offer.sdp`),
                             file(`${tag}-pbx-offer.sdp`), fixture('tandem-pbx-pcmu.answer.sdp'));
    save(`tandem-${tag}.answer.sdp`, answer);
    return answer;
  },
  'in-offer': (_, tag) => {
    const offer = translate('offer-to-browser', fixture(`${tag}.offer.sdp`));
    file(`${tag}-our-offer.sdp`, offer);
    save(`tandem-from-${tag}.offer.sdp`, offer);
    return offer;
  },
  'in-answer': (sdp, tag) => {
    save(`chromium-to-${tag}.answer.sdp`, sdp);
    return translate('answer-to-pbx', fixture(`${tag}.offer.sdp`), file(`${tag}-our-offer.sdp`),
                     file(`${tag}-browser-answer.sdp`, sdp));
  },
};

const page = `<!doctype html><script>
const post = async (path, body) => {
  const r = await fetch(path, {method: 'POST', body});
  const text = await r.text();
  if (!r.ok) throw new Error(path + ': ' + text);
  return text;
};
async function outgoing(tag, video) {
  const pc = new RTCPeerConnection();
  const audio = pc.addTransceiver('audio');
  if (video) pc.addTransceiver('video');
  for (const hold of [false, true]) {
    if (hold) audio.direction = 'sendonly';
    await pc.setLocalDescription(await pc.createOffer());
    const answer = await post('/step/out-offer/' + tag + (hold ? '-hold' : ''), pc.localDescription.sdp);
    await pc.setRemoteDescription({type: 'answer', sdp: answer});
    if (pc.signalingState !== 'stable') throw new Error(tag + ': state ' + pc.signalingState);
    // A port-0 answer stops the transceiver; Chromium then drops it from getTransceivers().
    const vt = pc.getTransceivers().find((t) => t !== audio);
    const vdir = video && (vt ? vt.currentDirection : 'stopped');
    if (video && vdir !== 'stopped' && vdir !== 'inactive') throw new Error(tag + ': video not rejected: ' + vdir);
    const want = hold ? 'sendonly' : 'sendrecv';
    if (audio.currentDirection !== want) throw new Error(tag + ': audio ' + audio.currentDirection + ', want ' + want);
  }
  pc.close();
}
const track = new AudioContext().createMediaStreamDestination().stream.getAudioTracks()[0];
async function incoming(tag) {
  const pc = new RTCPeerConnection();
  for (const t of [tag, tag + '-hold']) {
    const offer = await post('/step/in-offer/' + t, '');
    await pc.setRemoteDescription({type: 'offer', sdp: offer});
    // Answer as an app would: our microphone on the offered transceiver, sendrecv.
    const t0 = pc.getTransceivers()[0];
    if (!t0.sender.track) await t0.sender.replaceTrack(track);
    t0.direction = 'sendrecv';
    await pc.setLocalDescription(await pc.createAnswer());
    await post('/step/in-answer/' + t, pc.localDescription.sdp);
    const want = t.endsWith('-hold') ? 'recvonly' : 'sendrecv';
    const dir = pc.getTransceivers()[0].currentDirection;
    if (dir !== want) throw new Error(t + ': audio ' + dir + ', want ' + want);
  }
  pc.close();
}
(async () => {
  try {
    await outgoing('156-audio', false);
    await outgoing('156-audio-video', true);
    await incoming('sipp-pcmu');
    await incoming('asterisk');
    await post('/done', JSON.stringify({ok: true}));
  } catch (e) {
    await post('/done', JSON.stringify({ok: false, error: String(e && e.stack || e)}));
  }
})();
</script>`;

let finish;
const done = new Promise((resolve) => (finish = resolve));
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    if (req.method === 'GET') return res.writeHead(200, {'content-type': 'text/html'}).end(page);
    if (req.url === '/done') {
      res.writeHead(204).end();
      return finish(JSON.parse(body));
    }
    const [, , step, tag] = req.url.split('/');
    try {
      const out = steps[step](body, tag);
      log.push(`${step} ${tag}: ok`);
      res.writeHead(200, {'content-type': 'application/sdp'}).end(out);
    } catch (e) {
      log.push(`${step} ${tag}: ${e.message}`);
      res.writeHead(500).end(e.message);
    }
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const profile = mkdtempSync(join(tmpdir(), 'sdp-translation-profile-'));
const child = spawn(chromium, ['--headless', '--no-sandbox', '--disable-gpu',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', `--user-data-dir=${profile}`,
  `http://127.0.0.1:${server.address().port}/`], {detached: true, stdio: 'ignore'});
const timer = setTimeout(() => finish({ok: false, error: 'timed out after 60 s'}), 60000);
const result = await done;
clearTimeout(timer);
try { process.kill(-child.pid, 'SIGKILL'); } catch {}
server.close();
rmSync(profile, {recursive: true, force: true});
rmSync(work, {recursive: true, force: true});
for (const line of log) console.log(line);
if (!result.ok) {
  console.log(`FAIL: ${result.error}`);
  process.exit(1);
}
console.log('PASS: Chromium applied every SDP the translator built');
