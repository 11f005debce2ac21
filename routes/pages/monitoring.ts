/**
 * `/monitoring` (docs/http.md "Dashboard pages"; role admin, like the monitoring APIs it mirrors):
 * status table of all clients with reasons (worst first, paged), the crashed/unreachable panel,
 * the service-failed panel with per-row acknowledge, recent errors, and the outage banner (layout).
 * Paging links ask for the `#status-table` fragment; acknowledging answers the service panel.
 */
import { Hono } from 'hono';
import { recentErrors } from '../../db/logs.ts';
import { isUuid } from '../client-json.ts';
import type { AppEnv } from '../middleware/session.ts';
import { partial, type ViewContext } from '../../views/render.ts';
import { fragment, isHtmx, render } from './hx.ts';
import { monitoringLive, parsePage, serviceFailedList } from './monitoring.model.ts';
import { errorPage, pageContext, pageRole, type PageDeps } from './kit.ts';
import { activityChart } from './metrics.ts';
import { acknowledgeServiceFailed } from '../service-failed.ts';
import { audit } from '../audit-record.ts';

const RECENT_ERRORS = 20;

export function monitoringPages(deps: PageDeps) {
  const app = new Hono<AppEnv>();
  const admin = pageRole('admin', deps);

  app.get('/monitoring', admin, async (c) => {
    const it = pageContext(c, deps);
    const page = parsePage(c.req.query('page'));
    const errors = isHtmx(c) ? [] : await recentErrors(deps.db, RECENT_ERRORS);
    const chart = deps.metrics ? activityChart(deps.metrics.snapshot(), it.lang) : null;
    const data = { ...it, title: it.t('monitoring.title'), ...monitoringLive(deps, page), errors, chart };
    return render(c, { page: 'monitoring', fragment: 'monitoring-table', data });
  });

  // Acknowledge a service failure (docs/http.md: clear_service_failed): flag and retained topic cleared,
  // and its open `service-failed` alert on /alerts acknowledged too (one fact, one acknowledgement).
  app.post('/monitoring/service-failed/:uuid/ack', admin, async (c) => {
    const uuid = c.req.param('uuid');
    if (!isUuid(uuid) || !deps.fleet.get(uuid)) return errorPage(c, deps, 404);
    if (await acknowledgeServiceFailed(deps, uuid, c.var.user!.id)) await audit(c, deps, 'clients.clear-service-failed', uuid);
    if (!isHtmx(c)) return c.redirect('/monitoring', 303);
    const it: ViewContext = pageContext(c, deps);
    return fragment(c, partial('monitoring-service', { ...it, serviceFailed: serviceFailedList(deps.fleet.list()), notice: it.t('monitoring.service.acked') }));
  });

  return app;
}
