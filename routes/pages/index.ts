/**
 * The dashboard: server-rendered pages, their htmx fragments, the live streams and the
 * static files, as one sub-app mounted at `/` after the JSON API (app.ts). Its `onError` answers
 * HTML: an error page, or a small fragment for htmx requests (style.md point 5).
 *
 * Content-Security-Policy (`DASHBOARD_CSP`, set in app.ts): only our own scripts, styles, images
 * and connections; no inline script or style, no eval. htmx 4 needs eval only for `hx-on`,
 * `js:` values and trigger filters, which the dashboard does not use. Alpine.js is loaded as its
 * CSP build (`@alpinejs/csp`, served as /vendor/alpine.js): the standard build compiles every
 * expression with `new AsyncFunction` (needs 'unsafe-eval', which would turn any HTML-injection bug
 * into script execution through `x-*` attributes); the CSP build only evaluates its own small
 * expression language. Components are registered with `Alpine.data` in views/static/admin.js and
 * templates only name them (`x-data="commandForm"`, `x-on:click="ask"`). Alpine carries small local
 * state (the command confirmation dialog); menus, filters, toasts and the connection indicator are
 * native HTML (`<details>`, GET forms) plus views/static/app.js. Pages read the same without it.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { logger } from '../../lib/logger.ts';
import type { AppEnv } from '../middleware/session.ts';
import type { RouteDeps } from '../deps.ts';
import { StreamGate, streamLimits } from './stream-gate.ts';
import { errorPage, type PageDeps } from './kit.ts';
import { assetRoutes } from './assets.ts';
import { authPages } from './auth.ts';
import { overviewPages } from './overview.ts';
import { monitoringPages } from './monitoring.ts';
import { clientPages } from './client.ts';
import { liveRoutes } from './live.ts';
import { clientCommandPages } from './client-commands.ts';
import { commandAuditPages } from './commands.ts';
import { alertPages } from './alerts.ts';
import { userPages } from './users.ts';
import { settingsPages } from './settings.ts';
import { auditPages } from './audit.ts';
import { searchPages } from './search.ts';
import { labelPages } from './label.ts';
import { exportRoutes } from './export.ts';
import { inspectorPages } from './inspector.ts';
import { groupPages } from './groups.ts';
import { schedulePages } from './schedule/index.ts';
import { scheduleAllPages } from './schedule/all.ts';
import { scheduleEventPages } from './schedule/events.ts';
import { holidayPages } from './holidays.ts';
import { mediaPages } from './media.ts';
import { bulkRunPages } from './bulk-runs.ts';
import { notificationPages } from './notifications.ts';
import { reportPages } from './reports.ts';
import { periodPages } from './periods.ts';

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
  // The hub, alert center and group names come from the composition (runtime/parts.ts); the stream gate is the dashboard's.
  const d: PageDeps = { ...deps, streams: new StreamGate(streamLimits(deps.config)) };
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
  app.route('/', clientCommandPages(d)); // commands, alerts, users, settings
  app.route('/', commandAuditPages(d));
  app.route('/', bulkRunPages(d)); // group restarts: reason form, runs list, run page with live progress and abort
  app.route('/', alertPages(d));
  app.route('/', userPages(d));
  app.route('/', settingsPages(d));
  app.route('/', auditPages(d)); // the audit log (docs/http.md "Audit trail")
  app.route('/', notificationPages(d)); // /settings/notifications (docs/notifications.md)
  app.route('/', searchPages(d)); // fieldwork: search-first home, labels, monitoring export
  app.route('/', labelPages(d));
  app.route('/', exportRoutes(d));
  app.route('/', inspectorPages(d)); // actor inspector (superadmin)
  app.route('/', groupPages(d)); // scheduling: groups, schedule + event form, holidays
  app.route('/', scheduleAllPages(d));
  app.route('/', schedulePages(d));
  app.route('/', scheduleEventPages(d));
  app.route('/', holidayPages(d));
  app.route('/', reportPages(d)); // availability report (docs/availability.md)
  app.route('/', periodPages(d)); // academic periods (docs/periods.md)
  if (d.media) app.route('/', mediaPages(d, d.media)); // media library and conversions (docs/media.md)
  app.route('/', liveRoutes(d));
  return app;
}
