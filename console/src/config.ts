/**
 * What the console is told where it is deployed (`config.json` beside the page): the local
 * platform serves one for its local issuer; in AWS the deployment writes the API URL and the
 * user pool's settings.
 */
export type ConsoleConfig = {
  /** Base URL of the ops API; '' when the API is served from the console's own origin. */
  apiUrl: string;
  /** Where the virtual clock is read (local platform only): due times are then shown against it. */
  clockUrl?: string;
  auth: LocalAuth | CognitoAuth;
};

export type LocalAuth = { kind: 'local'; tokenUrl: string };

export type CognitoAuth = {
  kind: 'cognito';
  /** `https://cognito-idp.<region>.amazonaws.com/<poolId>`: the issuer whose discovery document names the endpoints. */
  authority: string;
  /** The hosted UI's domain, `https://<prefix>.auth.<region>.amazoncognito.com`. */
  domain: string;
  clientId: string;
  /** Where the hosted UI sends the browser back: `https://<console>/console/`. */
  redirectUri: string;
};
