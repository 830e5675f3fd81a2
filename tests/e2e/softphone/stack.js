// The real stack behind the softphone UI tests, inside the test's loopback-only network
// namespace (run.sh makes it, so these fixed ports collide with nothing):
//   tandem-pbx  udp 127.0.0.1:5070  registrar/proxy, users 1000-1009 + web, services 600/601/602
//   tandem      wss 127.0.0.1:8443  SIP over WSS + the HTTP API + the softphone ([listen] web_root)
//               + demo mode; SIP 127.0.0.1:5090, browser media 40000, RTP 20000-20999
// The softphone is built by web/softphone/build.sh into <artefacts>/www.
'use strict';
const { execFileSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const tls = require('tls');
const { Child } = require('../gateway/rig');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const PORTS = { pbx: 5070, wss: 8443, tandemSip: 5090, browserMedia: 40000 };
const USERS = Array.from({ length: 10 }, (_, i) => String(1000 + i));
// The click-to-call widget's caller: a PBX account of its own, not a person's extension.
const ACCOUNTS = [...USERS, 'web'];
const SECRET = 'e2e-softphone-hs256-secret-0123456789abcdef';
const AUDIENCE = 'tandem';
const password = (u) => `pw-${u}-softphone`;

class Stack {
  constructor(out, bins) {
    this.out = out;
    this.bins = bins;  // { tandem, tandemPbx, buildScript, nodeDir }
    this.children = [];
    fs.mkdirSync(out, { recursive: true });
  }

  spawn(name, cmd, args) {
    const c = new Child(name, this.out, cmd, args);
    this.children.push(c);
    return c;
  }

  async stopAll() {
    for (const c of [...this.children].reverse()) await c.stop();
  }

  buildSoftphone() {
    this.www = path.join(this.out, 'www');
    const log = execFileSync(this.bins.buildScript, [this.www, this.bins.nodeDir], { encoding: 'utf8', stdio: 'pipe' });
    fs.writeFileSync(path.join(this.out, 'build.log'), log);
    return this.www;
  }

  async startPbx() {
    const args = ['--listen', `udp:127.0.0.1:${PORTS.pbx}`, '--realm', 'pbx.test', '--rtp-ports', '30000-30999'];
    for (const u of ACCOUNTS) args.push('--user', `${u}:${password(u)}`);
    this.pbx = this.spawn('tandem-pbx', this.bins.tandemPbx, args);
    await this.pbx.wait(/services 600 echo/);
  }

  writeConfig() {
    const key = path.join(this.out, 'tls-key.pem');
    const cert = path.join(this.out, 'tls-cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
                             '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert],
                 { stdio: 'pipe' });
    const creds = ACCOUNTS.map((u) => `[[credentials.user]]\nuser = "${u}"\npassword = "${password(u)}"\n`).join('');
    this.config = path.join(this.out, 'tandem.toml');
    fs.writeFileSync(this.config, `# written by tests/e2e/softphone/stack.js
[listen]
wss = "127.0.0.1:${PORTS.wss}"
tls_certificate = "${cert}"
tls_private_key = "${key}"
web_root = "${this.www}"

[sip]
pbx = "sip:127.0.0.1:${PORTS.pbx}"
transport = "udp"
local_address = "127.0.0.1:${PORTS.tandemSip}"

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
audience = "${AUDIENCE}"
clock_skew = "1s"
hs256_secret = "${SECRET}"

[demo]
enabled = true
token_ttl = "10m"
users = [${USERS.map((u) => `"${u}"`).join(', ')}]

[credentials]
mode = "store"
${creds}
[logging]
level = "debug"
`);
    return this.config;
  }

  async startTandem() {
    this.tandem = this.spawn('tandem', this.bins.tandem, ['--config', this.config]);
    const t0 = Date.now();
    while (Date.now() - t0 < 15000 && this.tandem.exitCode === null) {
      const ok = await new Promise((resolve) => {
        const s = tls.connect({ host: '127.0.0.1', port: PORTS.wss, rejectUnauthorized: false }, () => { s.destroy(); resolve(true); });
        s.on('error', () => resolve(false));
      });
      if (ok) return;
      await sleep(100);
    }
    throw new Error(`tandem did not open wss 127.0.0.1:${PORTS.wss}; log ${this.tandem.logPath}:\n${this.tandem.text.slice(-3000)}`);
  }

  token(sub, ttl = '10m', allow = null) {
    const args = ['token', '--config', this.config, '--sub', sub, '--ttl', ttl];
    if (allow) args.push('--allow', allow);
    return execFileSync(this.bins.tandem, args, { encoding: 'utf8' }).trim();
  }

  // A correctly signed token that expired a minute ago (`tandem token` refuses a negative TTL).
  expiredToken(sub) {
    const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub, aud: AUDIENCE, iat: now - 600, exp: now - 60 })}`;
    return `${body}.${crypto.createHmac('sha256', SECRET).update(body).digest('base64url')}`;
  }

  get url() {
    return `https://127.0.0.1:${PORTS.wss}/`;
  }
}

module.exports = { Stack, PORTS, USERS, sleep };
