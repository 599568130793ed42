/**
 * The asymmetric signing key of local mode with TRIPSAGE_JWT_ALG=ES256, as new Supabase projects
 * sign: user access tokens carry its `kid`, and GET /auth/v1/.well-known/jwks.json publishes its
 * public half, so clients (supabase-js `getClaims()`) and other services verify tokens without
 * the secret. The key comes from TRIPSAGE_JWT_PRIVATE_KEY(_FILE) (PKCS#8 PEM, P-256), or is
 * generated once into the embedded data directory (`jwt-signing-key.pem`, 0600).
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { Config } from '../config.ts';
import { loadOrCreateSecretFile } from './secrets.ts';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public key as a JWK with kid, alg and use, as a JWKS lists it. */
  publicJwk: JWK;
}

export class SigningKeyError extends Error {}

const generatePem = () =>
  generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } })
    .privateKey;

/** RFC 7638 thumbprint of an EC public key: SHA-256 over its required members in order. */
function thumbprint(jwk: JWK): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}

export function loadSigningKey(config: Config): SigningKey {
  let pem = config.jwtPrivateKey;
  if (!pem) {
    if (config.databaseUrl) {
      throw new SigningKeyError(
        'TRIPSAGE_JWT_ALG=ES256 with DATABASE_URL needs TRIPSAGE_JWT_PRIVATE_KEY (or _FILE): every instance must sign with the same key ' +
          '(`openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256`)',
      );
    }
    pem = loadOrCreateSecretFile(config.dataDir, 'jwt-signing-key.pem', generatePem);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem.includes('\n') ? pem : pem.replace(/\\n/g, '\n'));
  } catch (e) {
    throw new SigningKeyError(`the ES256 signing key is not a PEM private key: ${(e as Error).message}`);
  }
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new SigningKeyError('the ES256 signing key must be an EC key on the P-256 curve');
  }
  const publicKey = createPublicKey(privateKey);
  const jwk = publicKey.export({ format: 'jwk' }) as JWK;
  const kid = thumbprint(jwk);
  return { kid, privateKey, publicKey, publicJwk: { ...jwk, kid, alg: 'ES256', use: 'sig', key_ops: ['verify'] } };
}
