/**
 * The dashboard (issue 5): server-rendered pages, their htmx fragments, the live streams and the
 * static files, as one sub-app mounted at `/` after the JSON API (app.ts). Its `onError` answers
 * HTML: an error page, or a small fragment for htmx requests (style.md point 5).
 *
 * Content-Security-Policy (`DASHBOARD_CSP`, set in app.ts): only our own scripts, styles, images
 * and connections; no inline script or style, no eval. htmx 4 needs eval only for `hx-on`,
 * `js:` values and trigger filters, which the dashboard does not use. Alpine.js is NOT loaded:
 * its standard build compiles every expression with `new AsyncFunction` (needs 'unsafe-eval',
 * which would turn any HTML-injection bug into script execution through `x-*` attributes), and its
 * CSP build (`@alpinejs/csp`) is not installed. The little local state there is (menus, filters,
 * toasts, the connection indicator) is native HTML (`<details>`, GET forms) plus views/static/app.js.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { GroupNames } from '../../db/group-names.ts';
import { logger } from '../../lib/logger.ts';
import type { AppEnv } from '../middleware/session.ts';
import type { RouteDeps } from '../deps.ts';
import { liveHubFor } from './live-hub.ts';
import { errorPage, type PageDeps } from './kit.ts';
import { assetRoutes } from './assets.ts';
import { authPages } from './auth.ts';
import { overviewPages } from './overview.ts';
import { monitoringPages } from './monitoring.ts';
import { clientPages } from './client.ts';
import { liveRoutes } from './live.ts';

const log = logger('dashboard');

export const DASHBOARD_CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

export function dashboardRoutes(deps: RouteDeps) {
  const d: PageDeps = { ...deps, hub: liveHubFor(deps.bus), groups: new GroupNames(deps.db, deps.now) };
  const app = new Hono<AppEnv>();
  app.onError((err, c) => {
    if (err instanceof HTTPException && err.status < 500) {
      if (c.req.path.startsWith('/api/')) return c.json({ error: err.message }, err.status);
      return errorPage(c, d, err.status === 403 ? 403 : err.status === 404 ? 404 : 400);
    }
    log.error(`${c.req.method} ${c.req.path} failed`, err);
    return errorPage(c, d, 500);
  });
  app.route('/', assetRoutes());
  app.route('/', authPages(d));
  app.route('/', overviewPages(d));
  app.route('/', monitoringPages(d));
  app.route('/', clientPages(d));
  app.route('/', liveRoutes(d));
  return app;
}
