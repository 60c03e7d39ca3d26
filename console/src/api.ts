import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './api-types';
import { explain, type Problem } from './words';

export type Api = ReturnType<typeof createApi>;

/**
 * The typed ops API client (openapi-fetch over the generated `paths`), sending the session's token.
 * A 401 (the token expired, or was never good) calls `onUnauthorized`: the console asks to sign in again.
 */
export function createApi(baseUrl: string, token: () => string | undefined, onUnauthorized: () => void = () => undefined) {
  const client = createClient<paths>({ baseUrl });
  const auth: Middleware = {
    onRequest({ request }) {
      const value = token();
      if (value) request.headers.set('Authorization', `Bearer ${value}`);
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401) onUnauthorized();
      return response;
    },
  };
  client.use(auth);
  return {
    client,
    /** For a route the document may not have yet (a report added later): the status and the JSON. */
    async raw(path: string): Promise<{ status: number; body: any }> {
      const value = token();
      const response = await fetch(`${baseUrl}${path}`, { headers: value ? { Authorization: `Bearer ${value}` } : {} });
      if (response.status === 401) onUnauthorized();
      return { status: response.status, body: await response.json().catch(() => undefined) };
    },
  };
}

/** Thrown for a refused call; `problem` is what to tell the person. */
export class ApiProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.words);
  }
}

/** The data of an openapi-fetch result, or an ApiProblem in plain words. */
export function must<T>(result: { data?: T; error?: unknown; response: Response }, what?: string): T {
  if (result.response.ok && result.data !== undefined) return result.data;
  throw new ApiProblem(explain(result.response.status, result.error as never, what));
}
