/**
 * What every dashboard route shares: its dependencies, the view context of a request, the role
 * guard for pages and fragments, and the HTML error page. A fragment URL is never a way around a
 * page's role: pages and their fragments use the same guard.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { roleRank, type Role } from '../../domain/users.ts';
import type { AppEnv } from '../middleware/session.ts';
import type { RouteDeps } from '../deps.ts';
import { viewContext, type ViewContext } from '../../views/render.ts';
import { hxRedirect, isHtmx, render } from './hx.ts';
import type { StreamGate } from './stream-gate.ts';
import type { ClientRecord } from '../../domain/client.types.ts';
import { priorityActive } from '../../db/screenshots.ts';

/** The dashboard's dependencies: the app's (the hub, group names and alert center are among them) and its stream gate. */
export interface PageDeps extends RouteDeps {
  /** Slots and stall limit of every SSE stream of this app (stream-gate.ts). */
  streams: StreamGate;
}

export type PageContext = ViewContext & { outage: boolean };

export function pageContext(c: Context<AppEnv>, deps: RouteDeps, title?: string): PageContext {
  return { ...viewContext(c, c.var.user, deps.now()), outage: deps.hub.outageSuspected, title };
}

/**
 * How long (ms) the client page still shows the priority screenshot; 0 when it is not active
 * (docs/clients-screens.md). The page removes the figure itself when this runs out (static/app.js).
 */
export function priorityLeftMs(deps: PageDeps, r: ClientRecord, now: number): number {
  const ttlMs = deps.config.PRIORITY_SCREENSHOT_TTL_SECONDS * 1000;
  return priorityActive(r.priorityScreenshotAt, now, ttlMs) ? r.priorityScreenshotAt! + ttlMs - now : 0;
}

/**
 * What the client page's "now" card needs besides the record: the priority image's time left and
 * the titles of the events the screen should play and reports playing (ids as strings on the wire).
 */
export function clientNowData(deps: PageDeps, r: ClientRecord, now: number) {
  const eventTitle = (id: string | null): string | null =>
    id !== null && /^\d{1,15}$/.test(id) ? (deps.scheduler?.eventTitle?.(Number(id)) ?? null) : null;
  return { r, priorityLeftMs: priorityLeftMs(deps, r, now), eventTitle };
}

/** A local path to return to after signing in; anything else (`//evil`, `https:`) becomes `/`. */
export function safeNext(raw: string | undefined | null): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\') || /[\u0000-\u001f]/.test(raw)) return '/';
  return raw.slice(0, 2000);
}

/**
 * Anonymous: a page redirects to the login form (and back afterwards); an htmx request gets 401
 * with `HX-Redirect`, so the whole page goes to the login form instead of a fragment swap.
 * Signed in below `min`: 403 error page (or fragment).
 */
export function pageRole(min: Role, deps: RouteDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const user = c.var.user;
    if (!user) {
      const here = isHtmx(c) ? safeNext(pathOf(c.req.header('hx-current-url'))) : safeNext(pathOf(c.req.url));
      const login = `/login${here === '/' ? '' : `?next=${encodeURIComponent(here)}`}`;
      if (isHtmx(c) || c.req.header('accept')?.includes('text/event-stream')) {
        hxRedirect(c, login);
        return c.body(null, 401);
      }
      return c.redirect(login, 303);
    }
    if (roleRank(user.role) < roleRank(min)) return errorPage(c, deps, 403);
    await next();
  };
}

function pathOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url, 'http://x');
    return u.pathname + u.search;
  } catch {
    return null;
  }
}

export function errorPage(c: Context<AppEnv>, deps: RouteDeps, status: 400 | 403 | 404 | 500 | 503): Response {
  const it = pageContext(c, deps);
  const message = it.t(`error.${status}`);
  return render(c, { page: 'error', fragment: 'error', data: { ...it, title: it.t('error.title'), status, message }, status });
}
