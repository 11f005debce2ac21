/**
 * The app's one not-found handler: the JSON API keeps its JSON 404 (docs/http.md), every
 * other unknown path is a dashboard page and gets the HTML error page (views/pages/error.eta) with
 * the layout and navigation, or the small error fragment for an htmx request.
 */
import type { Context, NotFoundHandler } from 'hono';
import type { AppEnv } from '../middleware/session.ts';
import type { RouteDeps } from '../deps.ts';
import { errorPage } from './kit.ts';

/** Paths that answer JSON (or bytes): never an HTML page. */
const MACHINE = /^\/(api|screenshots|health)(\/|$)/;

/** True for paths that answer JSON (or bytes), never an HTML page. */
export function isMachinePath(path: string): boolean {
  return MACHINE.test(path);
}

export function notFoundHandler(deps: RouteDeps): NotFoundHandler<AppEnv> {
  return (c: Context<AppEnv>) => {
    const page = c.req.method === 'GET' || c.req.method === 'HEAD';
    if (!page || MACHINE.test(c.req.path)) return c.json({ error: 'not found' }, 404);
    return errorPage(c, deps, 404);
  };
}
