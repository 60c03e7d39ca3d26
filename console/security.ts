/**
 * The console's Content-Security-Policy: scripts, styles and images from its own origin only; calls
 * only to `connect` (the ops API, the user pool). The local platform sends the same policy as the
 * CDN in AWS, so the browser tests show the console works under it. The data form does not
 * validate in the browser, so no script evaluation is needed ('unsafe-eval' stays out).
 */
export function consoleContentSecurityPolicy(connect: string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src ${["'self'", ...connect].join(' ')}`,
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join('; ');
}
