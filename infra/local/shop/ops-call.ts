import type { Platform } from '../engine/platform';

/** One ops API call as a user with these roles, with a token from the platform's local issuer. */
export async function callOpsApi(platform: Platform, method: string, route: string, as: { user: string; groups: string[] }, body?: unknown) {
  const token = await platform.issuer.mint({ user: as.user, groups: as.groups, now: new Date(platform.clock.now()) });
  const response = await fetch(`${platform.apiEndpoint}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, text };
}
