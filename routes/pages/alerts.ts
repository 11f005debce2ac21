/**
 * `/alerts` (an alerts list page with acknowledge; role admin, like monitoring
 * whose events most alerts are). One row per deduplicated alert (services/alerts/center.ts) with its counter,
 * newest first, 50 per page; open only (default) or all. New alerts arrive live over
 * `/live/alerts?<same filter>` (the list is re-read once per batch that carries alerts).
 *   POST /alerts/{id}/ack     acknowledge one      POST /alerts/ack-all   acknowledge every open one
 * Both answer the list fragment to htmx and 303 back to the page otherwise.
 */
import { Hono, type Context } from 'hono';
import { ackAlertsStatement, getAlert, listAlerts, openAlertIds } from '../../db/alerts.ts';
import { clientName, isUuid } from '../client-json.ts';
import type { AppEnv } from '../middleware/session.ts';
import { detachedContext, partial, type ViewContext } from '../../views/render.ts';
import { isHtmx, render } from './hx.ts';
import { pickLanguage } from '../../views/i18n/index.ts';
import { errorPage, pageContext, pageRole, type PageDeps } from './kit.ts';
import { cached } from './live-hub.ts';
import { liveStream } from './sse.ts';
import { alertText } from './alert-text.ts';
import { userNames } from './client-commands.ts';
import { audit } from '../audit-record.ts';

const PAGE_SIZE = 50;

export interface AlertsQuery {
  show: 'open' | 'all';
  page: number;
}

export function parseAlertsQuery(get: (k: string) => string | undefined): AlertsQuery | null {
  const show = get('show') || 'open';
  const page = get('page') ?? '1';
  if ((show !== 'open' && show !== 'all') || !/^\d{1,6}$/.test(page) || Number(page) < 1) return null;
  return { show, page: Number(page) };
}

const search = (q: AlertsQuery, page = q.page) => {
  const p = new URLSearchParams();
  if (q.show !== 'open') p.set('show', q.show);
  if (page > 1) p.set('page', String(page));
  const s = p.toString();
  return s ? `?${s}` : '';
};

async function alertsData(deps: PageDeps, it: ViewContext, q: AlertsQuery) {
  await deps.writer.settled(); // alerts are raised by the actors fire-and-forget: those of a moment ago
  const [page, users] = await Promise.all([listAlerts(deps.db, { open: q.show === 'open', limit: PAGE_SIZE, offset: (q.page - 1) * PAGE_SIZE }), userNames(deps)]);
  const rows = page.alerts.map((a) => {
    const r = a.clientUuid ? deps.fleet.get(a.clientUuid) : undefined;
    return { a, uuid: r ? r.uuid : null, text: alertText(it, a, a.params, r ? clientName(r) : (a.clientUuid ?? '')), by: a.acknowledgedBy === null ? '' : (users.get(a.acknowledgedBy) ?? `#${a.acknowledgedBy}`) };
  });
  return { q, rows, total: page.total, open: page.open, pages: Math.max(1, Math.ceil(page.total / PAGE_SIZE)), search };
}

/**
 * Acknowledges alerts (persisted, then the dedup group closed so a repeat starts a new alert).
 * The one path for /alerts and for monitoring's service-failed acknowledge (monitoring.ts).
 */
export async function acknowledgeAlerts(deps: PageDeps, ids: string[], by: number): Promise<void> {
  if (!ids.length) return;
  await deps.writer.write(ackAlertsStatement(ids, by, deps.now()));
  deps.alerts.acknowledged(ids);
}

export function alertPages(deps: PageDeps) {
  const app = new Hono<AppEnv>();
  const admin = pageRole('admin', deps);
  const query = (c: Context) => parseAlertsQuery((k) => c.req.query(k));

  const answer = async (c: Context<AppEnv>, q: AlertsQuery, notice: string | null = null) => {
    const it = pageContext(c, deps);
    const version = deps.hub.version;
    const data = { ...it, ...(await alertsData(deps, it, q)), notice, liveUrl: `/live/alerts${search(q) ? `${search(q)}&` : '?'}v=${version}` };
    return render(c, { page: 'alerts', fragment: 'alerts-view', data: { ...data, title: it.t('alerts.title') } });
  };

  app.get('/alerts', admin, async (c) => {
    const q = query(c);
    return q ? answer(c, q) : errorPage(c, deps, 400);
  });

  const acknowledge = async (c: Context<AppEnv>, ids: string[], target: string | null) => {
    await acknowledgeAlerts(deps, ids, c.var.user!.id);
    if (ids.length) await audit(c, deps, target === null ? 'alerts.acknowledge-all' : 'alerts.acknowledge', target, target === null ? { alerts: ids } : {});
    const back = parseAlertsQuery((k) => new URL(c.req.header('hx-current-url') ?? c.req.url).searchParams.get(k) ?? undefined) ?? { show: 'open', page: 1 };
    if (!isHtmx(c)) return c.redirect(`/alerts${search(back)}`, 303);
    return answer(c, back, pageContext(c, deps).t('alerts.ackedDone'));
  };

  app.post('/alerts/ack-all', admin, async (c) => acknowledge(c, await openAlertIds(deps.db), null));

  app.post('/alerts/:id/ack', admin, async (c) => {
    const id = c.req.param('id');
    await deps.writer.settled(); // it may have been raised (fire-and-forget) a moment ago
    if (!isUuid(id) || !(await getAlert(deps.db, id))) return errorPage(c, deps, 404);
    return acknowledge(c, [id], id);
  });

  app.get('/live/alerts', admin, (c) => {
    const q = query(c);
    if (!q) return errorPage(c, deps, 400);
    const user = c.var.user!;
    const lang = pickLanguage(user.language, c.req.header('accept-language'));
    const list = async () => {
      const it = detachedContext(lang, user.role, deps.now());
      return `<hx-partial hx-target="#alerts-list" hx-swap="outerHTML">${partial('alerts-list', { ...it, ...(await alertsData(deps, it, q)) })}</hx-partial>`;
    };
    const raw = c.req.header('last-event-id') ?? c.req.query('v');
    const known = raw && /^\d{1,15}$/.test(raw) ? Number(raw) : null;
    return liveStream(
      c,
      deps.hub,
      {
        resync: async () => [{ data: await list() }],
        update: async (b) => (b.alerts.length ? [{ data: await cached(b, `alerts|${lang}|${user.role}|${search(q)}`, list) }] : []),
      },
      known,
      deps.streams,
    );
  });

  return app;
}
