import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  SignJWT,
  calculateJwkThumbprint,
  compactVerify,
  decodeProtectedHeader,
  errors as joseErrors,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
} from 'jose';

/**
 * Local stand-in for a Cognito user pool in front of the API Gateway HTTP API JWT authorizer:
 * mints access tokens shaped like Cognito's and verifies them the way the authorizer does.
 */

/** A token the authorizer refuses (API Gateway answers 401); the message says why. */
export class UnauthorizedError extends Error {
  override name = 'UnauthorizedError';
  readonly status = 401;
}

const ALG = 'ES256';
const DEFAULT_TTL_SECONDS = 3600;
// Cognito puts this scope on every access token issued by the hosted UI / InitiateAuth.
const COGNITO_DEFAULT_SCOPE = 'aws.cognito.signin.user.admin';

export type JwtClaims = JWTPayload & {
  username?: string;
  'cognito:groups'?: string[];
  client_id?: string;
  token_use?: string;
  scope?: string;
};

export interface MintClaims {
  user: string;
  groups: string[];
  expiresInSeconds?: number;
  now?: Date;
}

export interface LocalIssuer {
  readonly issuer: string;
  readonly audience: string;
  mint(claims: MintClaims): Promise<string>;
  /** Accepts the bare token or `Bearer <token>`, as the authorizer's identity source does. */
  verify(token: string, now?: Date): Promise<JwtClaims>;
  jwks(): JSONWebKeySet;
}

export interface LocalIssuerOptions {
  issuer: string;
  audience: string;
  /** Private JWK shared between processes (platform and CLI); created with mode 0600 if missing. */
  keyFile?: string;
}

type SigningKey = Awaited<ReturnType<typeof importJWK>>;

export async function createLocalIssuer(options: LocalIssuerOptions): Promise<LocalIssuer> {
  const { issuer, audience } = options;
  const privateJwk = await loadOrCreatePrivateJwk(options.keyFile);
  const publicJwk = toPublicJwk(privateJwk);
  const privateKey = await importJWK(privateJwk, ALG);
  const publicKey = await importJWK(publicJwk, ALG);
  const kid = publicJwk.kid!;

  return {
    issuer,
    audience,
    mint: (claims) => mintToken(claims, { issuer, audience, kid, privateKey }),
    verify: (token, now = new Date()) => verifyToken(token, now, { issuer, audience, kid, publicKey }),
    jwks: () => ({ keys: [{ ...publicJwk }] }),
  };
}

// ---------------------------------------------------------------------------------------------
// Minting

async function mintToken(
  { user, groups, expiresInSeconds = DEFAULT_TTL_SECONDS, now = new Date() }: MintClaims,
  ctx: { issuer: string; audience: string; kid: string; privateKey: SigningKey },
): Promise<string> {
  if (!user) throw new TypeError('mint: user is required');
  if (!(expiresInSeconds > 0)) throw new TypeError('mint: expiresInSeconds must be positive');
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT(accessTokenClaims(user, groups, ctx.audience, iat))
    .setProtectedHeader({ alg: ALG, kid: ctx.kid, typ: 'JWT' })
    .setSubject(user)
    .setIssuer(ctx.issuer)
    .setIssuedAt(iat)
    .setExpirationTime(iat + Math.floor(expiresInSeconds))
    .setJti(randomUUID())
    .sign(ctx.privateKey);
}

/** Cognito access tokens carry client_id, not aud, and omit cognito:groups when there are none. */
function accessTokenClaims(user: string, groups: string[], audience: string, iat: number): JWTPayload {
  return {
    ...(groups.length ? { 'cognito:groups': [...groups] } : {}),
    username: user,
    client_id: audience,
    token_use: 'access',
    scope: COGNITO_DEFAULT_SCOPE,
    auth_time: iat,
  };
}

// ---------------------------------------------------------------------------------------------
// Verification (mirrors the HTTP API JWT authorizer's checks, with zero clock skew)

async function verifyToken(
  rawToken: string,
  now: Date,
  ctx: { issuer: string; audience: string; kid: string; publicKey: SigningKey },
): Promise<JwtClaims> {
  const token = stripBearer(rawToken);
  if (!token) throw new UnauthorizedError('missing token');
  checkHeader(token, ctx.kid);
  const claims = await verifySignature(token, ctx.publicKey);
  checkIssuer(claims, ctx.issuer);
  checkAudience(claims, ctx.audience);
  checkTimes(claims, now);
  return claims;
}

function stripBearer(value: string | undefined | null): string {
  return (value ?? '').trim().replace(/^bearer(\s+|$)/i, '');
}

/** Pin the algorithm before touching the key, so `alg: none` and HS256-with-public-key fail early. */
function checkHeader(token: string, kid: string): void {
  const header = decodeHeader(token);
  if (header.alg !== ALG || header.kid !== kid) throw new UnauthorizedError('bad signature');
}

function decodeHeader(token: string): ReturnType<typeof decodeProtectedHeader> {
  try {
    if (token.split('.').length !== 3) throw new Error('not a compact JWS');
    return decodeProtectedHeader(token);
  } catch {
    throw new UnauthorizedError('malformed token');
  }
}

async function verifySignature(token: string, key: SigningKey): Promise<JwtClaims> {
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(token, key, { algorithms: [ALG] }));
  } catch (err) {
    const forged = err instanceof joseErrors.JWSSignatureVerificationFailed || err instanceof joseErrors.JOSEAlgNotAllowed;
    throw new UnauthorizedError(forged ? 'bad signature' : 'malformed token');
  }
  return parseClaims(payload);
}

function parseClaims(payload: Uint8Array): JwtClaims {
  try {
    const claims: unknown = JSON.parse(new TextDecoder().decode(payload));
    if (claims && typeof claims === 'object' && !Array.isArray(claims)) return claims as JwtClaims;
  } catch {
    // fall through
  }
  throw new UnauthorizedError('malformed token');
}

function checkIssuer(claims: JwtClaims, issuer: string): void {
  if (claims.iss !== issuer) throw new UnauthorizedError('wrong issuer');
}

/** API Gateway evaluates `aud` when present and falls back to `client_id` only when it is absent. */
function checkAudience(claims: JwtClaims, audience: string): void {
  const accepted =
    claims.aud !== undefined
      ? (Array.isArray(claims.aud) ? claims.aud : [claims.aud]).includes(audience)
      : claims.client_id === audience;
  if (!accepted) throw new UnauthorizedError('wrong audience');
}

/** exp must be after now; nbf and iat must not be in the future. */
function checkTimes(claims: JwtClaims, now: Date): void {
  const nowMs = now.getTime();
  if (typeof claims.exp !== 'number') throw new UnauthorizedError('malformed token');
  if (claims.exp * 1000 <= nowMs) throw new UnauthorizedError('token expired');
  for (const name of ['nbf', 'iat'] as const) {
    const value = claims[name];
    if (value === undefined) continue;
    if (typeof value !== 'number') throw new UnauthorizedError('malformed token');
    if (value * 1000 > nowMs) throw new UnauthorizedError('token not yet valid');
  }
}

// ---------------------------------------------------------------------------------------------
// Keys

async function loadOrCreatePrivateJwk(keyFile?: string): Promise<JWK> {
  if (!keyFile) return generatePrivateJwk();
  const existing = await readKeyFile(keyFile);
  if (existing) return existing;
  const created = await generatePrivateJwk();
  if (await publishKeyFile(keyFile, created)) return created;
  // Another process won the race; use its key so both accept each other's tokens.
  const winner = await readKeyFile(keyFile);
  if (!winner) throw new Error(`${keyFile}: key file vanished while being created`);
  return winner;
}

async function generatePrivateJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(ALG, { extractable: true });
  return withKeyId({ ...(await exportJWK(privateKey)), alg: ALG, use: 'sig' });
}

async function withKeyId(jwk: JWK): Promise<JWK> {
  return jwk.kid ? jwk : { ...jwk, kid: await calculateJwkThumbprint(jwk) };
}

function toPublicJwk({ kty, crv, x, y, kid, alg, use }: JWK): JWK {
  return { kty, crv, x, y, kid, alg: alg ?? ALG, use: use ?? 'sig' };
}

async function readKeyFile(keyFile: string): Promise<JWK | undefined> {
  let text: string;
  try {
    text = await readFile(keyFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const jwk = JSON.parse(text) as JWK;
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.d || !jwk.x || !jwk.y) {
    throw new Error(`${keyFile} does not hold an ES256 (P-256) private JWK`);
  }
  return withKeyId(jwk);
}

/**
 * Write to a private temp file, then hard-link it into place: the link either appears complete
 * or fails with EEXIST, so a concurrent reader never sees a half-written key.
 */
async function publishKeyFile(keyFile: string, jwk: JWK): Promise<boolean> {
  await mkdir(dirname(keyFile), { recursive: true });
  const tmp = `${keyFile}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(tmp, `${JSON.stringify(jwk, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(tmp, keyFile);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}
