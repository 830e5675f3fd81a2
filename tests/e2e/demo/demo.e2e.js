// The one-command demo as a user runs it (README's run command, minus the build CI already did):
// scripts/demo.sh starts tandem-pbx and tandem in demo mode; this checks it gets ready and says
// what to open, the HTTPS API (GET /, /api/demo, POST /api/demo/token), that a second start
// names the busy port and the variable that moves it, that the softphone it built shows its demo
// login, real calls (headless Chromium + JsSIP logged in through POST /api/demo/token: 1000
// calls 601 and hears 1000 Hz; 1000 calls 1001 in a second browser, audio both ways), then
// SIGINT: both processes exit 0 after tandem's graceful shutdown and nothing is left running.
// Runs inside run.sh's loopback-only network namespace, so the demo's default ports are free.
// Usage: node demo.e2e.js <demo.sh> <tandem> <tandem-pbx> <artefact dir>
'use strict';
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const https = require('https');
const path = require('path');
const { chromium } = require('playwright-core');
const { addPageHelpers } = require('../support/page_helpers');

const [demoScript, tandem, tandemPbx, out] = process.argv.slice(2);
const PORT = 8443;
const ORIGIN = `https://localhost:${PORT}`;
const TONE_HZ = 440;  // 1000's microphone; 601 answers with 1000 Hz
const OTHER_HZ = 660;  // 1001's microphone
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let passed = 0;
const failed = [];
function check(ok, what) {
  if (ok) passed++; else failed.push(what);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  return ok;
}

// The demo script with its output in <out>/<name>.log; `text` grows as it prints.
function startDemo(name, stateDir, env = {}) {
  const log = fs.createWriteStream(path.join(out, `${name}.log`));
  const proc = spawn('bash', [demoScript, '--tandem', tandem, '--tandem-pbx', tandemPbx, '--state-dir', stateDir],
                     { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const d = { proc, text: '', code: undefined };
  const keep = (b) => { d.text += b; log.write(b); };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  d.exited = new Promise((resolve) => proc.on('exit', (code, signal) => { d.code = signal || code; log.end(); resolve(d.code); }));
  return d;
}

async function until(pred, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pred()) return true;
    await sleep(100);
  }
  return pred();
}

function request(method, urlPath, body = null) {
  return new Promise((resolve) => {
    const req = https.request(`${ORIGIN}${urlPath}`, { method, rejectUnauthorized: false,
                                                     headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode, type: res.headers['content-type'] || '', text }));
    });
    req.on('error', (e) => resolve({ status: 0, text: String(e) }));
    if (body) req.write(body);
    req.end();
  });
}
const json = (text) => { try { return JSON.parse(text); } catch { return null; } };
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };

async function api() {
  const index = await request('GET', '/');
  check(index.status === 200 && index.type.startsWith('text/html'), `GET / serves the web root's index.html (${index.status} ${index.type})`);
  const info = json((await request('GET', '/api/demo')).text);
  const users = Array.from({ length: 10 }, (_, i) => String(1000 + i));
  check(info && info.enabled === true && JSON.stringify(info.users) === JSON.stringify(users),
        `GET /api/demo says demo mode is on for 1000-1009 (${info && JSON.stringify(info.users)})`);
  const minted = await request('POST', '/api/demo/token', '{"user":"1000"}');
  const body = json(minted.text);
  check(minted.status === 200 && body && /^[\w-]+\.[\w-]+\.[\w-]+$/.test(body.token) && body.expires_in === 3600,
        `POST /api/demo/token {"user":"1000"} mints a JWT (${minted.status}, expires_in ${body && body.expires_in})`);
  const other = await request('POST', '/api/demo/token', '{"user":"2000"}');
  check(other.status === 403 && json(other.text)?.error === 'user-not-allowed', `a user outside 1000-1009 is refused (${other.status} ${other.text})`);
  const bad = await request('POST', '/api/demo/token', '{"user":');
  check(bad.status === 400 && json(bad.text)?.error === 'bad-request', `a malformed body is refused (${bad.status} ${bad.text})`);
  const precall = await request('GET', '/precall/');
  check(precall.status === 200, `the pre-call test page is still served at /precall/ (${precall.status})`);
}

// A second demo while the first runs: it must stop at the port check and say how to move.
async function busyPort() {
  const second = startDemo('demo-second', path.join(out, 'state-second'));
  const code = await Promise.race([second.exited, sleep(20000).then(() => 'timeout')]);
  if (code === 'timeout') second.proc.kill('SIGKILL');
  check(code === 1 && /port 8443\/tcp .*in use/.test(second.text) && /TANDEM_DEMO_PORT=<port>/.test(second.text),
        `a second demo exits 1 naming port 8443 and TANDEM_DEMO_PORT (exit ${code}: ${second.text.trim().split('\n').pop()})`);
}

// The caller is served by tandem itself, from the web root the demo script built (files are read
// per request): a page from anywhere else would be a public page reaching a loopback server,
// which Chromium's Local Network Access checks block, and a user's softphone is served so too.
async function call(browser, webRoot) {
  const pageDir = path.join(webRoot, 'e2e-caller');
  fs.mkdirSync(pageDir, { recursive: true });
  require('esbuild').buildSync({
    entryPoints: [path.join(process.env.NODE_PATH, 'jssip', 'lib', 'JsSIP.js')], bundle: true, format: 'iife',
    globalName: 'JsSIP', outfile: path.join(pageDir, 'jssip.js'), logLevel: 'warning', nodePaths: [process.env.NODE_PATH] });
  for (const f of ['index.html', 'caller.js']) fs.copyFileSync(path.join(__dirname, 'page', f), path.join(pageDir, f));

  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  await addPageHelpers(context);
  const page = await context.newPage();
  const log = fs.createWriteStream(path.join(out, 'page.log'));
  page.on('console', (m) => log.write(`[${m.type()}] ${m.text()}\n`));
  page.on('pageerror', (e) => log.write(`[pageerror] ${e.stack || e}\n`));
  // The softphone the demo built (web/softphone) offers its demo login with the demo's users.
  await page.goto(`${ORIGIN}/`);
  if (fs.existsSync(path.join(webRoot, 'softphone.js'))) {
    const shown = await page.waitForSelector('#demo-form:not([hidden])', { timeout: 10000 }).then(() => true, () => false);
    const options = await page.$$eval('#demo-user option', (os) => os.map((o) => o.value)).catch(() => []);
    check(shown && options.length === 10 && options[0] === '1000',
          `the softphone at / shows its demo login for ${options.join(',') || 'no users'}`);
    await page.screenshot({ path: path.join(out, 'softphone-demo-login.png') }).catch(() => {});
  } else {
    console.log('note: web/softphone/build.sh did not produce softphone.js: the softphone login is not checked');
  }
  await page.goto(`${ORIGIN}/e2e-caller/index.html`);
  await page.waitForFunction(() => window.caller !== undefined, null, { timeout: 10000 });
  const login = await page.evaluate(() => window.caller.login('1000'));
  check(login.status === 200 && login.token, `the page logs in as 1000 through POST /api/demo/token (${login.status})`);
  const reg = await page.evaluate((token) => window.caller.register({ token, user: '1000', domain: '127.0.0.1' }), login.token);
  check(reg.name === 'registered', `JsSIP registers 1000 through tandem at tandem-pbx with the demo token (${reg.name}${reg.status ? ` ${reg.status}` : ''})`);
  if (reg.name === 'registered') {
    const answered = await page.evaluate(() => window.caller.call('601', '127.0.0.1'));
    if (check(answered.name === 'session-confirmed', `a call to 601 is answered (${answered.name}${answered.cause ? ` ${answered.cause}` : ''})`)) {
      await sleep(1000);
      const m = await page.evaluate(() => window.caller.measure(1500));
      check(typeof m.hz === 'number' && Math.abs(m.hz - 1000) <= 25 && m.peakDb > -70,
            `601 is heard: ${typeof m.hz === 'number' ? m.hz.toFixed(1) : m.error} Hz at ${m.peakDb?.toFixed?.(1)} dB (want 1000 ± 25)`);
      const ended = await page.evaluate(() => window.caller.hangup());
      check(ended.name === 'session-ended', `the page hangs up (${ended.name})`);
    }
  }
  await callAnotherTab(page);
  await page.screenshot({ path: path.join(out, 'page.png') }).catch(() => {});
  // The context stays open: 1000 is still registered when the demo is stopped.
  return async () => { await context.close().catch(() => {}); log.end(); };
}

// Headless Chromium whose fake microphone plays `hz` (rig NOTES §1 flags; the certificate is
// self-signed, accepted per context).
async function launchBrowser(hz) {
  const wav = path.join(out, `tone${hz}.wav`);
  fs.writeFileSync(wav, require('../make-tone').toneWav(hz, 20, 48000));
  return chromium.launch({
    executablePath: process.env.CHROMIUM, headless: true,
    args: ['--disable-gpu', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
           '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
           '--disable-dev-shm-usage', '--autoplay-policy=no-user-gesture-required',
           '--allow-loopback-in-peer-connection', `--use-file-for-fake-audio-capture=${wav}`] });
}

// The printed hint "1001: log in as 1001 in a second tab": 1000 calls 1001 through tandem and
// tandem-pbx, the other answers (a second Chromium: its microphone plays OTHER_HZ, so each side
// must hear the other's tone, not its own). Closed after.
async function callAnotherTab(page) {
  const browser = await launchBrowser(OTHER_HZ);
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  await addPageHelpers(context);
  const other = await context.newPage();
  const log = fs.createWriteStream(path.join(out, 'page-1001.log'));
  other.on('console', (m) => log.write(`[${m.type()}] ${m.text()}\n`));
  try {
    await other.goto(`${ORIGIN}/e2e-caller/index.html`);
    await other.waitForFunction(() => window.caller !== undefined, null, { timeout: 10000 });
    const login = await other.evaluate(() => window.caller.login('1001'));
    const reg = await other.evaluate((token) => window.caller.register({ token, user: '1001', domain: '127.0.0.1' }), login.token);
    if (!check(reg.name === 'registered', `a second tab registers 1001 (${reg.name})`)) return;
    const answered = await page.evaluate(() => window.caller.call('1001', '127.0.0.1'));
    const incoming = await other.evaluate(() => window.caller.incoming());
    if (!check(answered.name === 'session-confirmed' && incoming.name === 'session-confirmed',
               `1000 calls 1001 and the second tab answers (${answered.name} / ${incoming.name})`)) return;
    await sleep(1000);
    const [heard1000, heard1001] = await Promise.all([page.evaluate(() => window.caller.measure(1500)),
                                                      other.evaluate(() => window.caller.measure(1500))]);
    const near = (m, hz) => typeof m.hz === 'number' && Math.abs(m.hz - hz) <= 25 && m.peakDb > -70;
    check(near(heard1000, OTHER_HZ) && near(heard1001, TONE_HZ),
          `audio both ways: 1000 hears ${heard1000.hz?.toFixed?.(1)} Hz (want ${OTHER_HZ}), ` +
          `1001 hears ${heard1001.hz?.toFixed?.(1)} Hz (want ${TONE_HZ})`);
    const ended = await page.evaluate(() => window.caller.hangup());
    check(ended.name === 'session-ended', `1000 hangs up (${ended.name})`);
  } finally {
    await context.close().catch(() => {});
    await browser.close().catch(() => {});
    log.end();
  }
}

async function main() {
  fs.mkdirSync(out, { recursive: true });
  const stateDir = path.join(out, 'state');
  const demo = startDemo('demo', stateDir);
  const ready = await until(() => /^demo: ready \(tandem pid (\d+), tandem-pbx pid (\d+)\)/m.test(demo.text) || demo.code !== undefined, 120000);
  const m = demo.text.match(/^demo: ready \(tandem pid (\d+), tandem-pbx pid (\d+)\)/m);
  if (!check(ready && m, `the demo script gets ready (${m ? m[0] : `exit ${demo.code}`})`)) {
    console.log(demo.text.slice(-3000));
    demo.proc.kill('SIGKILL');
    return 1;
  }
  const [tandemPid, pbxPid] = [Number(m[1]), Number(m[2])];
  check(demo.text.includes(`Open            https://localhost:${PORT}/`) && demo.text.includes('Ctrl-C'),
        'it prints the URL to open and how to stop');
  let closePage = async () => {};
  let browser = null;
  try {
    await api();
    await busyPort();
    browser = await launchBrowser(TONE_HZ);
    closePage = await call(browser, path.join(stateDir, 'web'));
  } catch (e) {
    check(false, `no exception (${e.stack || e})`);
  }

  // Ctrl-C, as a user stops it.
  demo.proc.kill('SIGINT');
  const code = await Promise.race([demo.exited, sleep(30000).then(() => 'timeout')]);
  check(code === 0, `SIGINT: the demo script exits 0 (${code})`);
  check(/demo: stopped \(tandem exit 0, tandem-pbx exit 0\)/.test(demo.text),
        `both processes exited 0 (${(demo.text.match(/demo: stopped.*/) || ['no "stopped" line'])[0]})`);
  const tandemLog = fs.readFileSync(path.join(stateDir, 'tandem.log'), 'utf8');
  check(/DEMO MODE IS ON/.test(tandemLog), 'tandem warned at start that demo mode is on');
  check(/shutdown: removing 1 registration\(s\)/.test(tandemLog) && /shutdown: stopped/.test(tandemLog),
        `tandem shut down gracefully, un-registering 1000 first (${(tandemLog.match(/shutdown: removing.*/) || ['-'])[0]})`);
  await sleep(200);
  check(!alive(tandemPid) && !alive(pbxPid), `nothing is left running (tandem ${tandemPid} ${alive(tandemPid) ? 'ALIVE' : 'gone'}, tandem-pbx ${pbxPid} ${alive(pbxPid) ? 'ALIVE' : 'gone'})`);
  for (const pid of [tandemPid, pbxPid]) if (alive(pid)) process.kill(pid, 'SIGKILL');
  await closePage();
  if (browser) await browser.close().catch(() => {});
  // Another run may share the host's process table (no PID namespace): look for ours only.
  const config = path.join(stateDir, 'tandem.toml');
  const leftovers = spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).stdout.split('\n')
    .filter((l) => l.includes(config) || (l.includes(demoScript) && !l.includes(__filename))).join('; ');
  check(leftovers === '', `no process of this demo is left (${leftovers || 'none'})`);

  console.log(`${passed} passed, ${failed.length} failed`);
  for (const f of failed) console.log(`  failed: ${f}`);
  return failed.length ? 1 : 0;
}

main().then((code) => process.exit(code), (e) => { console.error(e); process.exit(1); });
