import type { CognitoAuth, ConsoleConfig } from './config';

/**
 * Signing in. Tokens live in memory only (a reload signs in again, nothing is left in storage for a
 * script to read). Locally the form asks the local issuer for a token; in AWS the user pool's hosted
 * UI signs in with the authorization code flow and PKCE (oidc-client-ts, loaded only there).
 */

let token: string | undefined;

export const currentToken = () => token;

export function forgetToken(): void {
  token = undefined;
}

/** Local platform: a token for `user` with `groups` from the local issuer. */
export async function signInLocally(tokenUrl: string, user: string, groups: string[]): Promise<void> {
  const response = await fetch(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, groups }) });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.errors?.map((e: { message: string }) => e.message).join('; ') || body.message || `the local issuer answered ${response.status}`);
  token = body.token;
}

async function userManager(auth: CognitoAuth) {
  const { UserManager, WebStorageStateStore, InMemoryWebStorage } = await import('oidc-client-ts');
  return new UserManager({
    authority: auth.authority,
    client_id: auth.clientId,
    redirect_uri: auth.redirectUri,
    post_logout_redirect_uri: auth.redirectUri,
    response_type: 'code',
    scope: 'openid',
    // The user (and its tokens) in memory; only the sign-in's state and PKCE verifier survive the redirect.
    userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
    // Cognito's discovery document has no end-session endpoint: its hosted UI's logout is this one.
    metadataSeed: { end_session_endpoint: `${auth.domain}/logout` },
    extraQueryParams: {},
  });
}

/** AWS: coming back from the hosted UI with `?code=…&state=…`, finishes the sign-in and says where to go. */
export async function completeCognitoSignIn(config: ConsoleConfig): Promise<string | undefined> {
  if (config.auth.kind !== 'cognito') return undefined;
  const params = new URLSearchParams(location.search);
  if (!params.has('code') || !params.has('state')) return undefined;
  const user = await (await userManager(config.auth)).signinRedirectCallback();
  token = user.access_token;
  return (user.state as { returnTo?: string } | undefined)?.returnTo ?? '/console/';
}

/** AWS: to the hosted UI; it comes back to the console with a code. */
export async function startCognitoSignIn(auth: CognitoAuth): Promise<void> {
  await (await userManager(auth)).signinRedirect({ state: { returnTo: location.pathname + location.search } });
}

/** Signs out: the token is dropped; in AWS the hosted UI's session ends too. */
export async function signOut(config: ConsoleConfig): Promise<void> {
  token = undefined;
  if (config.auth.kind === 'cognito') {
    const manager = await userManager(config.auth);
    await manager.removeUser();
    location.assign(`${config.auth.domain}/logout?client_id=${encodeURIComponent(config.auth.clientId)}&logout_uri=${encodeURIComponent(config.auth.redirectUri)}`);
  }
}
