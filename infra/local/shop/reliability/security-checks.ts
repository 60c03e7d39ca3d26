import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { SignJWT, importJWK, type JWK } from 'jose';
import type { Platform } from '../../engine/platform';
import { IDLE_REUSE_MS } from './policy';
import type { CheckRow } from './report';

/** A concrete path for a route key: `GET /tasks/{taskId}` → `GET /tasks/x-reliability`. */
const concrete = (routeKey: string) => {
  const [method, route] = routeKey.split(' ');
  return { method, path: route.replace(/\{[^}]+\}/g, 'x-reliability') };
};

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * JWT attacks on every route of the template: each forged, expired, early, misdirected or
 * tampered token must get 401, and a valid token without any group 403 (GET /me excepted: it
 * needs no role, it tells the caller who they are).
 */
export async function jwtAttacks(platform: Platform, stateDir: string): Promise<CheckRow> {
  const routes = platform.model.apis.flatMap((api) => api.routes.map((r) => r.routeKey));
  const { issuer, audience } = platform.issuer;
  const jwk = { ...(JSON.parse(readFileSync(path.join(stateDir, 'issuer-key.json'), 'utf8')) as JWK), kid: platform.issuer.jwks().keys[0].kid };
  const key = await importJWK(jwk, 'ES256');
  const publicJwk = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
  const now = Math.floor(platform.clock.now() / 1000);
  const claims = { username: 'mallory', client_id: audience, token_use: 'access', 'cognito:groups': ['ops-lead'] };
  const sign = (payload: Record<string, unknown>, header: Record<string, unknown> = {}) =>
    new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid: jwk.kid, typ: 'JWT', ...header }).sign(key);
  const valid = await sign({ ...claims, iss: issuer, sub: 'mallory', iat: now, exp: now + 3600 });
  const [h, , s] = valid.split('.');
  const hs256 = await new SignJWT({ ...claims, iss: issuer, iat: now, exp: now + 3600 })
    .setProtectedHeader({ alg: 'HS256', kid: jwk.kid, typ: 'JWT' })
    .sign(new TextEncoder().encode(JSON.stringify(publicJwk)));
  const attacks: Record<string, string | undefined> = {
    'no token': undefined,
    'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, iss: issuer, iat: now, exp: now + 3600 })}.`,
    'HS256 with the public key': hs256,
    expired: await sign({ ...claims, iss: issuer, iat: now - 7200, exp: now - 3600 }),
    'not yet valid': await sign({ ...claims, iss: issuer, iat: now + 3600, nbf: now + 3600, exp: now + 7200 }),
    'wrong issuer': await sign({ ...claims, iss: 'https://issuer.invalid/evil', iat: now, exp: now + 3600 }),
    'wrong audience': await sign({ ...claims, client_id: 'someone-else', iss: issuer, iat: now, exp: now + 3600 }),
    'tampered claims': `${h}.${b64({ ...claims, 'cognito:groups': ['ops-lead', 'finance'], iss: issuer, iat: now, exp: now + 3600 })}.${s}`,
  };
  const noGroups = await platform.issuer.mint({ user: 'mallory', groups: [], now: new Date(platform.clock.now()) });

  let requests = 0;
  const wrong: string[] = [];
  const call = async (routeKey: string, token: string | undefined) => {
    const { method, path: route } = concrete(routeKey);
    requests++;
    const response = await fetch(`${platform.apiEndpoint}${route}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
      body: method === 'GET' ? undefined : '{}',
    });
    await response.arrayBuffer();
    return response.status;
  };
  for (const routeKey of routes) {
    for (const [name, token] of Object.entries(attacks)) {
      const status = await call(routeKey, token);
      if (status !== 401) wrong.push(`${name} on ${routeKey}: ${status}`);
    }
    const status = await call(routeKey, noGroups);
    const expected = routeKey === 'GET /me' ? 200 : 403;
    if (status !== expected) wrong.push(`no groups on ${routeKey}: ${status}`);
  }
  return {
    check: 'JWT attacks on every route',
    figure: `${routes.length} routes × ${Object.keys(attacks).length + 1} attacks = ${requests} requests; ${requests - wrong.length} refused (401, or 403 without groups)${wrong.length ? `; wrong: ${wrong.slice(0, 3).join(', ')}` : ''}`,
    pass: routes.length > 0 && wrong.length === 0,
  };
}

/**
 * Connection reuse: a keep-alive client makes a request, leaves the connection idle for longer
 * than 5 s (Node's default keep-alive timeout, where a server would close it under the client),
 * and reuses it. Both endpoints must answer on the same socket without a socket error.
 */
export async function keepAliveReuse(platform: Platform): Promise<CheckRow> {
  const results = await Promise.all(
    [
      ['AWS endpoint', `${platform.awsEndpoint}/_local/health`],
      ['ops API', `${platform.apiEndpoint}/me`],
    ].map(async ([name, url]) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const first = await get(url, agent);
        await new Promise((resolve) => setTimeout(resolve, IDLE_REUSE_MS));
        const second = await get(url, agent);
        return { name, reused: first.socket === second.socket, error: undefined as string | undefined };
      } catch (error) {
        return { name, reused: false, error: (error as NodeJS.ErrnoException).code ?? (error as Error).message };
      } finally {
        agent.destroy();
      }
    }),
  );
  const ok = results.filter((r) => r.reused && !r.error);
  return {
    check: `keep-alive reuse after ${IDLE_REUSE_MS / 1000} s idle`,
    figure: results.map((r) => `${r.name}: ${r.error ? `error ${r.error}` : r.reused ? 'same socket, no error' : 'new socket'}`).join('; '),
    pass: ok.length === results.length,
  };
}

function get(url: string, agent: http.Agent): Promise<{ status: number; socket: unknown }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, socket: request.socket }));
    });
    request.on('error', reject);
  });
}
