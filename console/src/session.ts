import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api } from './api';
import type { components } from './api-types';
import type { ConsoleConfig } from './config';

export type Me = components['schemas']['MeResponse'];

export interface Session {
  config: ConsoleConfig;
  api: Api;
  me: Me;
  /** Now as the platform sees it: the virtual clock locally, the browser's clock in AWS. */
  now(): number;
  /** Re-reads the platform's clock (locally it moves when tests or people advance it). */
  syncClock(): Promise<void>;
}

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

/** A clock that follows the platform's: the offset from the browser's clock, read from `clockUrl`. */
export function platformClock(clockUrl: string | undefined) {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    async sync() {
      if (!clockUrl) return;
      const response = await fetch(clockUrl, { cache: 'no-store' }).catch(() => undefined);
      const body = response?.ok ? ((await response.json()) as { now?: string }) : undefined;
      if (body?.now) offset = Date.parse(body.now) - Date.now();
    },
  };
}
