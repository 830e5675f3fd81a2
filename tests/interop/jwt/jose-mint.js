// Mints tokens with the npm `jose` package, one per line as "<name> <token>", from keys the
// openssl CLI generated: HS256 (secret), RS256 and ES256 (PKCS#8 PEM), plus tokens tandem must
// refuse (expired, not yet valid, wrong audience, signed by a key it does not know).
//   node jose-mint.js <hs256 secret> <rs256.key> <es256.key> <other-es256.key>
'use strict';
const fs = require('fs');
const jose = require('jose');

async function main() {
  const [secret, rsPath, esPath, otherPath] = process.argv.slice(2);
  const hs = new TextEncoder().encode(secret);
  const rs = await jose.importPKCS8(fs.readFileSync(rsPath, 'utf8'), 'RS256');
  const es = await jose.importPKCS8(fs.readFileSync(esPath, 'utf8'), 'ES256');
  const other = await jose.importPKCS8(fs.readFileSync(otherPath, 'utf8'), 'ES256');
  const now = Math.floor(Date.now() / 1000);
  const mint = (alg, key, claims, exp = now + 600) =>
    new jose.SignJWT({ allow: ['600', 'sales'], ...claims })
      .setProtectedHeader({ alg, typ: 'JWT' })
      .setSubject('1001').setAudience(claims.aud || 'tandem').setIssuedAt(now).setExpirationTime(exp)
      .sign(key);
  const out = [
    ['valid-HS256', await mint('HS256', hs, {})],
    ['valid-RS256', await mint('RS256', rs, {})],
    ['valid-ES256', await mint('ES256', es, {})],
    ['valid-aud-array', await mint('ES256', es, { aud: ['other', 'tandem'] })],
    ['expired', await mint('HS256', hs, {}, now - 3600)],
    ['wrong-audience', await mint('RS256', rs, { aud: 'someone-else' })],
    ['bad-signature', await mint('ES256', other, {})],
    ['not-yet-valid', await new jose.SignJWT({}).setProtectedHeader({ alg: 'HS256' })
      .setSubject('1001').setAudience('tandem').setNotBefore(now + 3600).setExpirationTime(now + 7200)
      .sign(hs)],
  ];
  for (const [name, token] of out) console.log(`${name} ${token}`);
}
main().catch((e) => { console.error(e); process.exit(1); });
