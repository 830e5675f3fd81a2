// Verifies a token minted by `tandem token` with the npm `jose` package and the public key (or
// secret) the openssl CLI produced; prints the claims and exits 0 when jose accepts it.
//   node jose-verify.js <HS256|RS256|ES256> <secret or public key PEM path> <token> [allow,list]
'use strict';
const fs = require('fs');
const jose = require('jose');

async function main() {
  const [alg, keyArg, token, allow] = process.argv.slice(2);
  const key = alg === 'HS256' ? new TextEncoder().encode(keyArg)
    : await jose.importSPKI(fs.readFileSync(keyArg, 'utf8'), alg);
  const { payload, protectedHeader } = await jose.jwtVerify(token, key, {
    algorithms: [alg], audience: 'tandem', subject: '1001', requiredClaims: ['exp', 'iat'],
  });
  if (protectedHeader.alg !== alg) throw new Error(`header alg ${protectedHeader.alg}`);
  const expected = allow ? allow.split(',') : undefined;
  if (JSON.stringify(payload.allow) !== JSON.stringify(expected)) {
    throw new Error(`allow ${JSON.stringify(payload.allow)}, expected ${JSON.stringify(expected)}`);
  }
  console.log(`jose accepts ${alg}: sub=${payload.sub} aud=${payload.aud} exp-iat=${payload.exp - payload.iat}`);
}
main().catch((e) => { console.error(`jose refuses: ${e.code || ''} ${e.message}`); process.exit(1); });
