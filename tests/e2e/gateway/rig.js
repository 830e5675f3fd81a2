// The peers of the gateway e2e tests, each started as a child process inside the test's
// loopback-only network namespace (run.sh makes it, so the fixed ports below cannot collide
// with anything outside), its output kept in the artefact directory:
//   Kamailio  udp/tcp 127.0.0.1:5060  registrar + proxy, digest auth (kamailio.cfg)
//   tandem-pbx udp 127.0.0.1:5070     services 600 echo / 601 tone / 602 DTMF, RTP 30000-30999
//   SIPp UAS  127.0.0.1:5080 (RTP echo on 6000), SIPp UAC 127.0.0.1:5082 (RTP 6100)
//   tandem    wss 127.0.0.1:8443, SIP 127.0.0.1:5090, browser media 40000, RTP 20000-20999
//   page      http://127.0.0.1:8000 (static files + the JsSIP bundle)
'use strict';
const { spawn, execFileSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const path = require('path');

const HERE = __dirname;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const PORTS = {
  kamailio: 5060, pbx: 5070, uas: 5080, uasReg: 5081, uac: 5082, uasMedia: 6000, uacMedia: 6100,
  wss: 8443, tandemSip: 5090, browserMedia: 40000, page: 8000,
};
const PASSWORDS = {
  1000: 'pw-1000-e2e', 1001: 'pw-1001-e2e', 2000: 'pw-2000-e2e', 2001: 'pw-2001-e2e',
  trunk: 'pw-trunk-e2e', nobody: crypto.randomBytes(12).toString('hex'),
};
const HS256_SECRET = 'e2e-gateway-hs256-secret-0123456789abcdef';

// One child process with its output in <out>/<name>.log; `wait(regex)` resolves when the log
// matches, rejects when it exits first or the time runs out.
class Child {
  constructor(name, out, cmd, args, options = {}) {
    this.name = name;
    this.logPath = path.join(out, `${name}.log`);
    this.text = '';
    this.exitCode = null;
    const log = fs.createWriteStream(this.logPath);
    this.proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    const keep = (d) => { this.text += d; log.write(d); };
    this.proc.stdout.on('data', keep);
    this.proc.stderr.on('data', keep);
    this.exited = new Promise((resolve) => {
      this.proc.on('exit', (code, signal) => { this.exitCode = signal || code; log.end(); resolve(this.exitCode); });
      this.proc.on('error', (e) => { keep(`spawn error: ${e.message}\n`); this.exitCode = -1; resolve(-1); });
    });
  }

  async wait(regex, ms = 10000) {
    const t0 = Date.now();
    while (Date.now() - t0 < ms) {
      if (regex.test(this.text)) return;
      if (this.exitCode !== null) break;
      await sleep(50);
    }
    if (regex.test(this.text)) return;
    throw new Error(`${this.name}: ${this.exitCode !== null ? `exited (${this.exitCode})` : 'timed out'} ` +
                    `before ${regex}; log ${this.logPath}:\n${this.text.slice(-3000)}`);
  }

  // SIGTERM, SIGKILL after 4 s; resolves with the exit code or signal.
  async stop() {
    if (this.exitCode !== null) return this.exitCode;
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 4000);
    this.proc.kill('SIGTERM');
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

// Everything started through the rig, stopped in reverse order by stopAll().
class Rig {
  constructor(out, bins) {
    this.out = out;
    this.bins = bins;  // { tandem, tandemPbx }
    this.children = [];
    this.cleanups = [];
    fs.mkdirSync(out, { recursive: true });
  }

  spawn(name, cmd, args, options) {
    const c = new Child(name, this.out, cmd, args, options);
    this.children.push(c);
    return c;
  }

  async stopAll() {
    for (const c of [...this.children].reverse()) await c.stop();
    if (this.server) await new Promise((r) => this.server.close(r));
    for (const f of this.cleanups) f();
  }

  fill(template, values) {
    return template.replace(/@([A-Z0-9_]+)@/g, (m, key) => {
      if (!(key in values)) throw new Error(`no value for ${m}`);
      return values[key];
    });
  }

  async startKamailio() {
    // Run-time files (the ctl socket: a unix socket path must stay short) in a temporary dir.
    const work = fs.mkdtempSync(path.join(require('os').tmpdir(), 'tandem-e2e-kam-'));
    this.cleanups.push(() => fs.rmSync(work, { recursive: true, force: true }));
    const cfg = path.join(this.out, 'kamailio.cfg');
    fs.writeFileSync(cfg, this.fill(fs.readFileSync(path.join(HERE, 'kamailio.cfg'), 'utf8'), {
      WORK: work, TRUNK_PW: PASSWORDS.trunk, PW_1000: PASSWORDS[1000], PW_1001: PASSWORDS[1001],
      PW_2000: PASSWORDS[2000], PW_2001: PASSWORDS[2001], PW_NOBODY: PASSWORDS.nobody }));
    const k = this.spawn('kamailio', 'kamailio', ['-f', cfg, '-DD', '-E', '-Y', work, '-P', path.join(work, 'kamailio.pid')]);
    this.kamctl = path.join(work, 'kamailio_ctl');
    const t0 = Date.now();
    while (Date.now() - t0 < 10000) {
      if (k.exitCode !== null) break;
      try { execFileSync('kamcmd', ['-s', `unix:${this.kamctl}`, 'core.version'], { stdio: 'pipe' }); return k; } catch { await sleep(100); }
    }
    throw new Error(`kamailio did not start; log ${k.logPath}:\n${k.text.slice(-3000)}`);
  }

  // The registered contacts of AOR `user` at Kamailio ("" when none).
  contacts(user) {
    try {
      const dump = execFileSync('kamcmd', ['-s', `unix:${this.kamctl}`, 'ul.lookup', 'location', `${user}@127.0.0.1`],
                                { encoding: 'utf8', stdio: 'pipe' });
      return (dump.match(/Address: (\S+)/g) || []).map((l) => l.slice(9));
    } catch { return []; }
  }

  async startPbx() {
    const p = this.spawn('tandem-pbx', this.bins.tandemPbx, [
      '--listen', `udp:127.0.0.1:${PORTS.pbx}`, '--user', `trunk:${PASSWORDS.trunk}`, '--realm', 'pbx.test',
      '--rtp-ports', '30000-30999']);
    await p.wait(/services 600 echo/);
    return p;
  }

  // The gateway's configuration (docs/configuration.md) toward Kamailio; `extra` is appended
  // (e.g. a [demo] table), `secret` replaces the HS256 key (a second config mints forged tokens).
  writeTandemConfig(name = 'tandem.toml', { extra = '', secret = HS256_SECRET } = {}) {
    const key = path.join(this.out, 'tls-key.pem');
    const cert = path.join(this.out, 'tls-cert.pem');
    if (!fs.existsSync(cert)) {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
                               '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert],
                   { stdio: 'pipe' });
    }
    const file = path.join(this.out, name);
    fs.writeFileSync(file, `# written by tests/e2e/gateway/rig.js
[listen]
wss = "127.0.0.1:${PORTS.wss}"
tls_certificate = "${cert}"
tls_private_key = "${key}"

[sip]
pbx = "sip:127.0.0.1:${PORTS.kamailio}"
transport = "udp"
local_address = "127.0.0.1:${PORTS.tandemSip}"
domain = "127.0.0.1"

[media]
public_ip = "127.0.0.1"
bind_ip = "127.0.0.1"
browser_port = ${PORTS.browserMedia}
rtp_port_min = 20000
rtp_port_max = 20999
workers = 1
ice_tcp = false

[codecs]
order = ["opus", "pcmu", "pcma"]
transcoding = true

[auth]
audience = "tandem"
clock_skew = "1s"
hs256_secret = "${secret}"

[turn]
stun = ["stun:127.0.0.1:3478"]
servers = ["turn:127.0.0.1:3478?transport=udp"]
secret = "e2e-turn-secret"
credential_ttl = "1h"

[credentials]
mode = "store"
[[credentials.user]]
user = "1000"
password = "${PASSWORDS[1000]}"
[[credentials.user]]
user = "1001"
password = "${PASSWORDS[1001]}"

[logging]
level = "debug"
${extra}`);
    return file;
  }

  async startTandem(config) {
    const t = this.spawn('tandem', this.bins.tandem, ['--config', config]);
    // Ready once the WSS port accepts TLS connections.
    const tls = require('tls');
    const t0 = Date.now();
    while (Date.now() - t0 < 10000 && t.exitCode === null) {
      const ok = await new Promise((resolve) => {
        const s = tls.connect({ host: '127.0.0.1', port: PORTS.wss, rejectUnauthorized: false }, () => { s.destroy(); resolve(true); });
        s.on('error', () => resolve(false));
      });
      if (ok) return t;
      await sleep(100);
    }
    throw new Error(`tandem --config did not open wss 127.0.0.1:${PORTS.wss}; log ${t.logPath}:\n${t.text.slice(-3000)}`);
  }

  // `tandem token --config <config> ...args`: the token text.
  token(config, args) {
    return execFileSync(this.bins.tandem, ['token', '--config', config, ...args], { encoding: 'utf8' }).trim();
  }

  // The SIP-side RTP tap (rtp_tap.py) on ports [low, high], optionally logging SIP datagrams to
  // `sipLog`; result() stops it and resolves with its JSON.
  async startTap(name, low, high, sipLog = null) {
    const args = [path.join(HERE, 'rtp_tap.py'), String(low), String(high)];
    if (sipLog) args.push(sipLog);
    const tap = this.spawn(name, 'python3', args);
    await tap.wait(/tap ready/);
    tap.result = async () => {
      await tap.stop();
      const line = tap.text.split('\n').find((l) => l.startsWith('{'));
      if (!line) throw new Error(`${name}: no result; log ${tap.logPath}:\n${tap.text.slice(-2000)}`);
      return JSON.parse(line);
    };
    return tap;
  }

  // esbuild bundles JsSIP (npm ships CommonJS only) into the page directory served to Chromium.
  bundleJsSip() {
    const modules = process.env.NODE_PATH;
    const out = path.join(this.out, 'page');
    fs.mkdirSync(out, { recursive: true });
    for (const f of fs.readdirSync(path.join(HERE, 'page'))) fs.copyFileSync(path.join(HERE, 'page', f), path.join(out, f));
    require('esbuild').buildSync({
      entryPoints: [path.join(modules, 'jssip', 'lib', 'JsSIP.js')], bundle: true, format: 'iife',
      globalName: 'JsSIP', outfile: path.join(out, 'jssip.js'), logLevel: 'warning', nodePaths: [modules] });
    return out;
  }

  async servePage() {
    const dir = this.bundleJsSip();
    const types = { '.html': 'text/html', '.js': 'application/javascript' };
    this.server = http.createServer((req, res) => {
      const name = path.basename(new URL(req.url, 'http://x').pathname) || 'index.html';
      const file = path.join(dir, name);
      if (!fs.existsSync(file)) { res.writeHead(404); res.end(); return; }
      res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
      fs.createReadStream(file).pipe(res);
    });
    await new Promise((r) => this.server.listen(PORTS.page, '127.0.0.1', r));
    return `http://127.0.0.1:${PORTS.page}/index.html`;
  }
}

module.exports = { Rig, Child, PORTS, PASSWORDS, HS256_SECRET, sleep };
