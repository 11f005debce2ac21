/**
 * Writes a request needs while the store fails (docs/reliability.md "Storage faults"): the answer
 * is 503, never a success for something that was not stored. Two ways in, one answer:
 * - the guard refuses every state-changing request up front while the writer reports the store as
 *   failing, so nothing is half done (no command published, no session cookie handed out);
 * - a write that fails during the request (`write`/`writeAtomic` reject with StoreUnavailableError)
 *   reaches app.ts `onError`, which calls `storeUnavailable` here.
 * JSON for the API, the HTML error notice (page or htmx fragment) for dashboard paths.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from './middleware/session.ts';
import type { RouteDeps } from './deps.ts';
import { StoreUnavailableError } from '../db/store-errors.ts';
import { errorPage } from './pages/kit.ts';
import { isMachinePath } from './pages/not-found.ts';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function storeGuard(status: (() => { ok: boolean; reason: string | null }) | undefined): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (status && !READS.has(c.req.method)) {
      const s = status();
      if (!s.ok) throw new StoreUnavailableError(s.reason ?? 'the store fails');
    }
    await next();
  };
}

export function storeUnavailable(c: Context<AppEnv>, deps: RouteDeps, err: StoreUnavailableError): Response {
  c.header('Retry-After', '5');
  if (isMachinePath(c.req.path)) {
    return c.json({ error: 'storage unavailable: nothing was saved, try again later', reason: err.reason }, 503);
  }
  return errorPage(c, deps, 503);
}
