#!/usr/bin/env node
// Records real browser SDP offers and answers into tests/data/sdp/.
// Only Node built-in modules: no npm install needed. See README.md.
import {spawn, execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, writeFileSync, rmSync, mkdirSync} from 'node:fs';
import {createServer} from 'node:http';
import {tmpdir} from 'node:os';
import {join, dirname} from 'node:path';
import {fileURLToPath} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = process.argv[2] ?? join(here, '../../tests/data/sdp');
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
const firefox = process.env.FIREFOX ?? '/usr/bin/firefox-esr';
const page = readFileSync(join(here, 'page.html'));

let pending = null;      // {resolve} for the scenario in flight
let offerForAnswer = ''; // served at /offer for the answer scenario

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url.startsWith('/?')) {
    res.writeHead(200, {'content-type': 'text/html'}).end(page);
  } else if (req.method === 'GET' && req.url === '/offer') {
    res.writeHead(200, {'content-type': 'text/plain'}).end(offerForAnswer);
  } else if (req.method === 'POST' && req.url === '/result') {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      res.writeHead(204).end();
      pending?.resolve(JSON.parse(body));
    });
  } else {
    res.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}/`;

function chromiumArgs(profile, url) {
  return ['--headless', '--no-sandbox', '--disable-gpu', '--use-fake-device-for-media-stream',
          '--use-fake-ui-for-media-stream', '--disable-background-networking',
          '--disable-component-update', '--disable-sync', '--no-first-run',
          `--user-data-dir=${profile}`, url];
}

function firefoxArgs(profile, url) {
  writeFileSync(join(profile, 'user.js'), [
    'user_pref("media.navigator.streams.fake", true);',
    'user_pref("media.navigator.permission.disabled", true);',
    'user_pref("browser.shell.checkDefaultBrowser", false);',
    'user_pref("datareporting.policy.dataSubmissionEnabled", false);',
    'user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);',
    'user_pref("app.update.enabled", false);',
    '',
  ].join('\n'));
  return ['--headless', '--no-remote', '--profile', profile, url];
}

// Launches the browser on one scenario, waits for its POST, then stops the browser.
async function record(browser, scenario) {
  const profile = mkdtempSync(join(tmpdir(), `sdp-${browser}-`));
  const url = `${base}?scenario=${scenario}`;
  const [binary, args] = browser === 'chromium'
      ? [chromium, chromiumArgs(profile, url)] : [firefox, firefoxArgs(profile, url)];
  const child = spawn(binary, args, {detached: true, stdio: 'ignore'});
  try {
    const result = await new Promise((resolve, reject) => {
      pending = {resolve};
      setTimeout(() => reject(new Error(`${browser} ${scenario}: timed out`)), 60000);
    });
    if (!result.ok) throw new Error(`${browser} ${scenario}: ${result.error}`);
    return result;
  } finally {
    pending = null;
    try { process.kill(-child.pid, 'SIGTERM'); } catch {}
    await new Promise((r) => setTimeout(r, 1500));
    try { process.kill(-child.pid, 'SIGKILL'); } catch {}
    rmSync(profile, {recursive: true, force: true});
  }
}

function majorVersion(binary) {
  return execFileSync(binary, ['--version'], {encoding: 'utf8'}).match(/(\d+)\./)[1];
}

const versions = {chromium: majorVersion(chromium), firefox: majorVersion(firefox)};
mkdirSync(outDir, {recursive: true});

async function save(browser, scenario, name) {
  const result = await record(browser, scenario);
  const file = join(outDir, `${browser}-${versions[browser]}-${name}.${result.kind}.sdp`);
  writeFileSync(file, result.sdp);  // kept exactly as the browser produced it (CRLF)
  console.log(`${file} (gathering ${result.gathering}; ${result.userAgent})`);
  return result.sdp;
}

const offers = {};
for (const browser of ['chromium', 'firefox']) {
  for (const scenario of ['audio', 'audio-video', 'audio-video-data']) {
    offers[`${browser}/${scenario}`] = await save(browser, scenario, scenario);
  }
}
// Each browser answers the other's richest offer.
offerForAnswer = offers['firefox/audio-video-data'];
await save('chromium', 'answer', `audio-video-data-to-firefox-${versions.firefox}`);
offerForAnswer = offers['chromium/audio-video-data'];
await save('firefox', 'answer', `audio-video-data-to-chromium-${versions.chromium}`);
server.close();
