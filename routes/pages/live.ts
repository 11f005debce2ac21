/**
 * Live streams (docs/http.md "Live updates"):
 * - `/live/overview?filter&q&group`, `/live/monitoring?page`, `/live/clients/{uuid}`: HTML
 *   fragments for the dashboard pages, each behind the same role as its page;
 * - `/live/toasts`: toasts and the outage banner for every other page (layout.eta);
 * - `/api/stream`: named JSON events for scripts (role user).
 * The browser tells what it already shows: `?v=` (the page's render version) on first connect,
 * `Last-Event-ID` on reconnect; anything older is resynced with the current state.
 */
import { Hono, type Context } from 'hono';
import { requireRole } from '../middleware/roles.ts';
import type { AppEnv } from '../middleware/session.ts';
import { isUuid } from '../client-json.ts';
import { pickLanguage } from '../../views/i18n/index.ts';
import { errorPage, pageRole, type PageDeps } from './kit.ts';
import { liveStream } from './sse.ts';
import { clientView, type Viewer } from './live-views.ts';
import { overviewView } from './live-overview.ts';
import { monitoringView } from './live-monitoring.ts';
import { jsonStreamView } from './stream-json.ts';
import { toastsView } from './live-toasts.ts';
import { parseOverviewQuery } from './overview.model.ts';
import { parsePage } from './monitoring.model.ts';
import { withActivityChart } from './metrics.ts';
import { apiDoc } from '../openapi/describe.ts';

const doc = apiDoc('Live');

function knownVersion(c: Context): number | null {
  const raw = c.req.header('last-event-id') ?? c.req.query('v');
  return raw && /^\d{1,15}$/.test(raw) ? Number(raw) : null;
}

function viewer(c: Context<AppEnv>): Viewer {
  const user = c.var.user!;
  return { lang: pickLanguage(user.language, c.req.header('accept-language')), role: user.role };
}

export function liveRoutes(deps: PageDeps) {
  const app = new Hono<AppEnv>();
  const { hub } = deps;

  app.get('/live/overview', pageRole('user', deps), (c) =>
    liveStream(c, hub, overviewView(deps, viewer(c), parseOverviewQuery((k) => c.req.query(k))), knownVersion(c), deps.streams),
  );

  app.get('/live/monitoring', pageRole('admin', deps), (c) =>
    liveStream(c, hub, withActivityChart(monitoringView(deps, viewer(c), parsePage(c.req.query('page'))), deps.metrics, viewer(c), deps.now), knownVersion(c), deps.streams),
  );

  app.get('/live/clients/:uuid', pageRole('user', deps), (c) => {
    const uuid = c.req.param('uuid');
    if (!isUuid(uuid) || !deps.fleet.get(uuid)) return errorPage(c, deps, 404);
    return liveStream(c, hub, clientView(deps, viewer(c), uuid), knownVersion(c), deps.streams);
  });

  // Pages without a live view of their own still get toasts and the outage banner (layout.eta).
  app.get('/live/toasts', pageRole('user', deps), (c) => liveStream(c, hub, toastsView(deps, viewer(c)), knownVersion(c), deps.streams));

  app.get('/api/stream', doc('Live updates as server-sent events (text/event-stream)', 'The event stream'), requireRole('user'), (c) => {
    const id = c.req.header('last-event-id');
    return liveStream(c, hub, jsonStreamView(deps.fleet, hub), id && /^\d{1,15}$/.test(id) ? Number(id) : null, deps.streams);
  });

  return app;
}
