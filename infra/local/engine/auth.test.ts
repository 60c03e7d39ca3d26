import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompactSign, SignJWT, UnsecuredJWT, base64url, decodeJwt, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnauthorizedError, createLocalIssuer, type LocalIssuer } from './auth';

const ISSUER = 'https://cognito-idp.local.test/local_pool';
const AUDIENCE = 'local-ops-client';
const T0 = new Date('2030-01-01T12:00:00.000Z');
const T0_SECONDS = T0.getTime() / 1000;

let dir: string;
let keyFile: string;
let issuer: LocalIssuer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'local-auth-'));
  keyFile = join(dir, 'main-key.json');
  issuer = await createLocalIssuer({ issuer: ISSUER, audience: AUDIENCE, keyFile });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function expectUnauthorized(promise: Promise<unknown>, reason: string): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UnauthorizedError);
  expect((err as UnauthorizedError).status).toBe(401);
  expect((err as UnauthorizedError).message).toBe(reason);
}

/** Sign an arbitrary payload with the main issuer's own private key (read from its key file). */
async function signRaw(payload: string): Promise<string> {
  const jwk = JSON.parse(await readFile(keyFile, 'utf8')) as JWK;
  const key = await importJWK(jwk, 'ES256');
  return new CompactSign(new TextEncoder().encode(payload)).setProtectedHeader({ alg: 'ES256', kid: jwk.kid }).sign(key);
}

function signClaims(claims: Record<string, unknown>): Promise<string> {
  return signRaw(JSON.stringify({ sub: 'rita', iss: ISSUER, client_id: AUDIENCE, iat: T0_SECONDS, exp: T0_SECONDS + 3600, ...claims }));
}

describe('mint + verify', () => {
  it('mints a Cognito-shaped access token that verifies', async () => {
    const token = await issuer.mint({ user: 'rita', groups: ['reviewer', 'finance'], now: T0 });
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', kid: issuer.jwks().keys[0].kid });

    const claims = await issuer.verify(token, T0);
    expect(claims).toMatchObject({
      sub: 'rita',
      username: 'rita',
      'cognito:groups': ['reviewer', 'finance'],
      client_id: AUDIENCE,
      token_use: 'access',
      iss: ISSUER,
      iat: T0_SECONDS,
      exp: T0_SECONDS + 3600,
      jti: expect.any(String),
    });
    expect(claims.aud).toBeUndefined();
  });

  it('honours expiresInSeconds and omits cognito:groups for a user without groups', async () => {
    const token = await issuer.mint({ user: 'nobody', groups: [], expiresInSeconds: 60, now: T0 });
    const claims = await issuer.verify(token, T0);
    expect(claims.exp! - claims.iat!).toBe(60);
    expect(claims).not.toHaveProperty('cognito:groups');
  });

  it('gives every token its own jti', async () => {
    const [a, b] = await Promise.all([1, 2].map(() => issuer.mint({ user: 'u', groups: [], now: T0 })));
    expect(decodeJwt(a).jti).not.toBe(decodeJwt(b).jti);
  });

  it('accepts the token with a Bearer prefix, like the identity source', async () => {
    const token = await issuer.mint({ user: 'rita', groups: ['ops-lead'], now: T0 });
    await expect(issuer.verify(`Bearer ${token}`, T0)).resolves.toMatchObject({ username: 'rita' });
  });

  it('rejects bad mint input', async () => {
    await expect(issuer.mint({ user: '', groups: [] })).rejects.toThrow(TypeError);
    await expect(issuer.mint({ user: 'u', groups: [], expiresInSeconds: 0 })).rejects.toThrow(TypeError);
  });

  it('publishes only the public key in the JWKS', () => {
    const { keys } = issuer.jwks();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: expect.any(String) });
    expect(keys[0]).not.toHaveProperty('d');
  });

  it('works with an in-memory key (no keyFile)', async () => {
    const memory = await createLocalIssuer({ issuer: ISSUER, audience: AUDIENCE });
    const token = await memory.mint({ user: 'rita', groups: ['aftersales'], now: T0 });
    await expect(memory.verify(token, T0)).resolves.toMatchObject({ 'cognito:groups': ['aftersales'] });
  });
});

describe('time checks use the injected clock with no skew', () => {
  it('accepts until just before exp and rejects at and after it', async () => {
    const token = await issuer.mint({ user: 'rita', groups: [], expiresInSeconds: 60, now: T0 });
    await expect(issuer.verify(token, new Date(T0.getTime() + 59_999))).resolves.toBeDefined();
    await expectUnauthorized(issuer.verify(token, new Date(T0.getTime() + 60_000)), 'token expired');
    await expectUnauthorized(issuer.verify(token, new Date(T0.getTime() + 86_400_000)), 'token expired');
  });

  it('rejects a token issued after the virtual now', async () => {
    const token = await issuer.mint({ user: 'rita', groups: [], now: T0 });
    await expectUnauthorized(issuer.verify(token, new Date(T0.getTime() - 1000)), 'token not yet valid');
  });

  it('rejects a token whose nbf is after now', async () => {
    const token = await signClaims({ nbf: T0_SECONDS + 10 });
    await expectUnauthorized(issuer.verify(token, T0), 'token not yet valid');
    await expect(issuer.verify(token, new Date(T0.getTime() + 10_000))).resolves.toBeDefined();
  });
});

describe('rejections', () => {
  it('rejects a token signed by another key with the same issuer and audience', async () => {
    const forger = await createLocalIssuer({ issuer: ISSUER, audience: AUDIENCE });
    const forged = await forger.mint({ user: 'mallory', groups: ['ops-lead'], now: T0 });
    await expectUnauthorized(issuer.verify(forged, T0), 'bad signature');

    // Even when the forger copies our kid into the header.
    const kid = issuer.jwks().keys[0].kid;
    const [, payload, signature] = forged.split('.');
    const header = base64url.encode(JSON.stringify({ alg: 'ES256', kid }));
    await expectUnauthorized(issuer.verify(`${header}.${payload}.${signature}`, T0), 'bad signature');
  });

  it('rejects a tampered payload', async () => {
    const token = await issuer.mint({ user: 'rita', groups: ['cs-agent'], now: T0 });
    const [header, , signature] = token.split('.');
    const escalated = base64url.encode(JSON.stringify({ ...decodeJwt(token), 'cognito:groups': ['ops-lead'] }));
    await expectUnauthorized(issuer.verify(`${header}.${escalated}.${signature}`, T0), 'bad signature');
  });

  it('rejects the wrong issuer', async () => {
    await expectUnauthorized(issuer.verify(await signClaims({ iss: 'https://elsewhere.test/pool' }), T0), 'wrong issuer');
    await expectUnauthorized(issuer.verify(await signClaims({ iss: undefined }), T0), 'wrong issuer');
  });

  it('rejects the wrong audience, evaluating aud before client_id as API Gateway does', async () => {
    await expectUnauthorized(issuer.verify(await signClaims({ client_id: 'other-client' }), T0), 'wrong audience');
    await expectUnauthorized(issuer.verify(await signClaims({ client_id: undefined }), T0), 'wrong audience');
    await expectUnauthorized(issuer.verify(await signClaims({ aud: 'other-client' }), T0), 'wrong audience');
    await expect(issuer.verify(await signClaims({ aud: ['x', AUDIENCE], client_id: undefined }), T0)).resolves.toBeDefined();
    await expect(issuer.verify(await signClaims({ aud: AUDIENCE, client_id: 'other' }), T0)).resolves.toBeDefined();
  });

  it('rejects alg none, with or without our kid', async () => {
    const unsecured = new UnsecuredJWT({ sub: 'mallory', 'cognito:groups': ['ops-lead'], client_id: AUDIENCE })
      .setIssuer(ISSUER)
      .setIssuedAt(T0)
      .setExpirationTime(T0_SECONDS + 3600)
      .encode();
    await expectUnauthorized(issuer.verify(unsecured, T0), 'bad signature');

    const kid = issuer.jwks().keys[0].kid;
    const withKid = `${base64url.encode(JSON.stringify({ alg: 'none', kid }))}.${unsecured.split('.')[1]}.`;
    await expectUnauthorized(issuer.verify(withKid, T0), 'bad signature');
  });

  it('rejects HS256 signed with the public key as the HMAC secret', async () => {
    const publicJwk = issuer.jwks().keys[0];
    const claims = { iss: ISSUER, client_id: AUDIENCE, exp: T0_SECONDS + 3600 };
    for (const secret of [JSON.stringify(publicJwk), publicJwk.x!]) {
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', kid: publicJwk.kid })
        .sign(new TextEncoder().encode(secret));
      await expectUnauthorized(issuer.verify(token, T0), 'bad signature');
    }
  });

  it.each([
    ['not a jwt at all', 'malformed token'],
    ['a.b', 'malformed token'],
    ['a.b.c', 'malformed token'],
    ['a.b.c.d', 'malformed token'],
    ['Bearer x.y.z', 'malformed token'],
    ['', 'missing token'],
    ['   ', 'missing token'],
    ['Bearer ', 'missing token'],
  ])('rejects %j as %s', async (token, reason) => {
    await expectUnauthorized(issuer.verify(token, T0), reason);
  });

  it('rejects a correctly signed payload that is not a JSON object', async () => {
    await expectUnauthorized(issuer.verify(await signRaw('"just a string"'), T0), 'malformed token');
    await expectUnauthorized(issuer.verify(await signRaw('{not json'), T0), 'malformed token');
  });

  it('rejects a correctly signed token without a numeric exp', async () => {
    await expectUnauthorized(issuer.verify(await signClaims({ exp: undefined }), T0), 'malformed token');
    await expectUnauthorized(issuer.verify(await signClaims({ exp: 'tomorrow' }), T0), 'malformed token');
  });
});

describe('keyFile', () => {
  it('creates the key file with mode 0600, and issuers from the same file accept each other', async () => {
    const shared = join(dir, 'nested', 'issuer-key.json');
    const platform = await createLocalIssuer({ issuer: ISSUER, audience: AUDIENCE, keyFile: shared });
    expect((await stat(shared)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(shared, 'utf8'))).toMatchObject({ kty: 'EC', crv: 'P-256', d: expect.any(String) });

    const cli = await createLocalIssuer({ issuer: ISSUER, audience: AUDIENCE, keyFile: shared });
    const fromCli = await cli.mint({ user: 'ops', groups: ['ops-lead'], now: T0 });
    const fromPlatform = await platform.mint({ user: 'rita', groups: ['reviewer'], now: T0 });
    await expect(platform.verify(fromCli, T0)).resolves.toMatchObject({ username: 'ops' });
    await expect(cli.verify(fromPlatform, T0)).resolves.toMatchObject({ username: 'rita' });
    expect(cli.jwks()).toEqual(platform.jwks());
  });

  it('settles on one key when several issuers create the file at once', async () => {
    const raced = join(dir, 'race-key.json');
    const issuers = await Promise.all(
      Array.from({ length: 6 }, () => createLocalIssuer({ issuer: ISSUER, audience: AUDIENCE, keyFile: raced })),
    );
    expect(new Set(issuers.map((i) => i.jwks().keys[0].kid)).size).toBe(1);
  });

  it('keeps different key files apart', async () => {
    const a = await createLocalIssuer({ issuer: ISSUER, audience: AUDIENCE, keyFile: join(dir, 'a.json') });
    const b = await createLocalIssuer({ issuer: ISSUER, audience: AUDIENCE, keyFile: join(dir, 'b.json') });
    await expectUnauthorized(b.verify(await a.mint({ user: 'rita', groups: [], now: T0 }), T0), 'bad signature');
  });

  it('refuses a key file that does not hold an ES256 private key', async () => {
    const bogus = join(dir, 'bogus.json');
    await writeFile(bogus, JSON.stringify(issuer.jwks().keys[0]));
    await expect(createLocalIssuer({ issuer: ISSUER, audience: AUDIENCE, keyFile: bogus })).rejects.toThrow(/ES256/);
  });
});
