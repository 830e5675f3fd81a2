// coturn (Debian `turnserver`) for the relay variant of the pre-call e2e test: writes its own
// configuration into a temporary directory (nothing from /etc or the rig), starts it on
// 127.0.0.1:3478 with relay addresses on 127.0.0.2, and mints TURN REST API credentials
// (coturn's use-auth-secret: username "expiry:user", password base64(HMAC-SHA1(secret, username))).
'use strict';
const { spawn } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const TURN_SECRET = crypto.randomBytes(16).toString('hex');
const LISTEN = '127.0.0.1';
const PORT = 3478;

function turnConfig(dir) {
  return [
    `listening-ip=${LISTEN}`, `listening-port=${PORT}`, 'relay-ip=127.0.0.2',
    'min-port=49160', 'max-port=49200',
    'use-auth-secret', `static-auth-secret=${TURN_SECRET}`, 'realm=tandem.test', 'fingerprint',
    'allow-loopback-peers', 'no-multicast-peers', 'no-tls', 'no-dtls', 'no-cli', 'no-rfc5780',
    'no-software-attribute', 'log-file=stdout', 'simple-log',
    `pidfile=${path.join(dir, 'turnserver.pid')}`, `userdb=${path.join(dir, 'turndb')}`, ''].join('\n');
}

function startTurn(dir, turnserver = 'turnserver') {
  fs.mkdirSync(dir, { recursive: true });
  const conf = path.join(dir, 'turnserver.conf');
  fs.writeFileSync(conf, turnConfig(dir));
  const child = spawn(turnserver, ['-c', conf, '-v'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`turnserver did not start:\n${log}`)), 10000);
    const onData = (d) => {
      log += d;
      if (log.includes(`UDP listener opened on: ${LISTEN}:${PORT}`)) { clearTimeout(timer); resolve(); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`turnserver exited ${code}:\n${log}`)); });
  });
  return { child, ready, log: () => log };
}

function turnCredentials(user = 'precall', ttlSeconds = 600) {
  const username = `${Math.floor(Date.now() / 1000) + ttlSeconds}:${user}`;
  const credential = crypto.createHmac('sha1', TURN_SECRET).update(username).digest('base64');
  return { urls: `turn:${LISTEN}:${PORT}?transport=udp`, username, credential };
}

module.exports = { startTurn, turnCredentials };
