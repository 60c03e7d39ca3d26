import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from './api-server';
import { createLocalIssuer, type LocalIssuer } from './auth';
import { VirtualClock } from './clock';
import type { StaticSite } from './static-site';

const encode = (text: string) => new TextEncoder().encode(text);
let server: http.Server;
let base: string;
let issuer: LocalIssuer;
let builds = 0;
const clock = new VirtualClock(Date.parse('2026-11-23T01:00:00Z'));

const site: StaticSite = {
  basePath: '/console/',
  headers: { 'content-security-policy': "default-src 'self'" },
  async files() {
    builds += 1;
    return new Map([
      ['index.html', encode('<!doctype html><title>console</title>')],
      ['app.js', encode('console.log(1)')],
      ['chunks/graph-1.js', encode('export {}')],
    ]);
  },
};

beforeAll(async () => {
  issuer = await createLocalIssuer({ issuer: 'https://issuer.invalid', audience: 'client' });
  server = createApiServer({
    apis: [{ logicalId: 'Api', audience: 'client', routes: [{ routeKey: 'GET /me', functionName: 'whoami', authorization: 'JWT' }] }] as never,
    issuer,
    clock,
    invoke: async (_name, event) => ({ statusCode: 200, body: JSON.stringify({ user: (event as any).requestContext.authorizer.jwt.claims.username }) }),
    site,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  clock.dispose();
  await new Promise((resolve) => server.close(resolve));
});

describe('the HTTP API port also serves a web app and a local sign-in', () => {
  it.each([
    ['/console/', 200, 'text/html; charset=utf-8', '<!doctype html>'],
    ['/console/tasks/01JQ8Z6W3D5V0K2M7N4P9R1S3T', 200, 'text/html; charset=utf-8', '<!doctype html>'],
    ['/console/flows/refund/R-1', 200, 'text/html; charset=utf-8', '<!doctype html>'],
    ['/console/app.js', 200, 'text/javascript; charset=utf-8', 'console.log(1)'],
    ['/console/chunks/graph-1.js', 200, 'text/javascript; charset=utf-8', 'export {}'],
    ['/console/missing.js', 404, 'text/plain; charset=utf-8', 'no missing.js in this site'],
  ])('GET %s → %i %s', async (path, status, type, body) => {
    const response = await fetch(base + path);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe(type);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toBe("default-src 'self'");
    expect(await response.text()).toContain(body);
  });

  it('builds the site once, however many files are asked for', () => {
    expect(builds).toBe(1);
  });

  it('redirects the base path without its slash, and leaves the API routes to the API', async () => {
    const redirect = await fetch(`${base}/console`, { redirect: 'manual' });
    expect([redirect.status, redirect.headers.get('location')]).toEqual([308, '/console/']);
    expect((await fetch(`${base}/me`)).status).toBe(401);
  });

  it('mints a token for a user and groups that the API accepts, and names the field it needs', async () => {
    const minted = await fetch(`${base}/_local/token`, { method: 'POST', body: JSON.stringify({ user: 'alice', groups: ['aftersales', ' finance '] }) });
    expect(minted.status).toBe(200);
    const { token } = (await minted.json()) as { token: string };
    expect(await issuer.verify(token, new Date(clock.now()))).toMatchObject({ username: 'alice', 'cognito:groups': ['aftersales', 'finance'] });
    const me = await fetch(`${base}/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(await me.json()).toEqual({ user: 'alice' });

    const refused = await fetch(`${base}/_local/token`, { method: 'POST', body: JSON.stringify({ groups: 'finance' }) });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toEqual(['user', 'groups']);
  });

  it('tells a page the virtual clock', async () => {
    await clock.advance(3600);
    // Real time runs on from the advanced instant: within a second of it.
    const { now } = (await (await fetch(`${base}/_local/clock`)).json()) as { now: string };
    expect(Date.parse(now) - Date.parse('2026-11-23T02:00:00Z')).toBeGreaterThanOrEqual(0);
    expect(Date.parse(now) - Date.parse('2026-11-23T02:00:00Z')).toBeLessThan(5_000);
  });
});
