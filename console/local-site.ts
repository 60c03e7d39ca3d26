import type { StaticSite } from '../infra/local/engine/static-site';
import { buildConsole, type SiteFiles } from './build';
import { consoleContentSecurityPolicy } from './security';
import type { ConsoleConfig } from './src/config';

/** What the console is told on the local platform: the API on its own origin, the local issuer, the virtual clock. */
export const LOCAL_CONSOLE_CONFIG: ConsoleConfig = { apiUrl: '', clockUrl: '/_local/clock', auth: { kind: 'local', tokenUrl: '/_local/token' } };

let built: Promise<SiteFiles> | undefined;

/** The console as the local platform serves it at /console/: built once per process (every platform of a test run shares it), on first use, in memory. */
export const LOCAL_CONSOLE_SITE: StaticSite = {
  basePath: '/console/',
  headers: { 'content-security-policy': consoleContentSecurityPolicy([]) },
  files() {
    built ??= buildConsole().then((files) => {
      files.set('config.json', new TextEncoder().encode(JSON.stringify(LOCAL_CONSOLE_CONFIG)));
      return files;
    });
    return built;
  },
};
