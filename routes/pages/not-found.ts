/**
 * The app's one not-found handler: the JSON API keeps its JSON 404 (docs/http.md), every
 * other unknown path is a dashboard page and gets the HTML error page (views/pages/error.eta) with
 * the layout and navigation, or the small error fragment for an htmx request. It renders with the
 * dashboard's own page dependencies, which `dashboardRoutes` registers here (`rememberPageDeps`).
 */
import type { Context, NotFoundHandler } from 'hono';
import type { AppEnv } from '../middleware/session.ts';
import type { RouteDeps } from '../deps.ts';
import { errorPage, type PageDeps } from './kit.ts';

/** Paths that answer JSON (or bytes): never an HTML page. */
const MACHINE = /^\/(api|screenshots|health)(\/|$)/;

const pageDeps = new WeakMap<RouteDeps, PageDeps>();

/** Called by dashboardRoutes with the deps it was given and the page deps it built from them. */
export function rememberPageDeps(deps: RouteDeps, d: PageDeps): void {
  pageDeps.set(deps, d);
}

/** The dashboard's page dependencies, once dashboardRoutes registered them (for HTML error pages). */
export function pageDepsOf(deps: RouteDeps): PageDeps | undefined {
  return pageDeps.get(deps);
}

/** True for paths that answer JSON (or bytes), never an HTML page. */
export function isMachinePath(path: string): boolean {
  return MACHINE.test(path);
}

export function notFoundHandler(deps: RouteDeps): NotFoundHandler<AppEnv> {
  return (c: Context<AppEnv>) => {
    const d = pageDeps.get(deps);
    const page = c.req.method === 'GET' || c.req.method === 'HEAD';
    if (!d || !page || MACHINE.test(c.req.path)) return c.json({ error: 'not found' }, 404);
    return errorPage(c, d, 404);
  };
}
