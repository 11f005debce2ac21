/**
 * `/clients/{uuid}` (docs/http.md "Dashboard pages"; role user): for field staff first the latest
 * screenshot, what the screen should be playing vs. what it plays, last seen and the actions; then
 * live status with reasons, process, screen health, MQTT reconnects, details and group assignment
 * (admin), logs with level filter and keyset paging (admin, like the logs API).
 * Fragments: `/clients/{uuid}/logs` (the logs card) and POST `/clients/{uuid}/group`.
 */
import { Hono, type Context } from 'hono';
import { clientName, type ClientRecord, type LogLevel } from '../../domain/client.types.ts';
import { LOG_LEVELS } from '../../db/logs.ts';
import { isLogCursor, logPage } from '../../db/log-pages.ts';
import { findClient } from '../client-json.ts';
import type { AppEnv } from '../middleware/session.ts';
import { partial } from '../../views/render.ts';
import { fragment, isHtmx, render } from './hx.ts';
import { clientNowData, errorPage, pageContext, pageRole, type PageDeps } from './kit.ts';
import { clientCommandsData, issuedNotice } from './client-commands.ts';
import { clientMuteNotices } from './mute-notices.ts';
import { audit } from '../audit-record.ts';

const LOG_PAGE = 50;

interface LogsQuery {
  level: LogLevel | '';
  before: string;
}

/** `?level=&before=`; null when a value is not one we would ever produce (→ 400). */
function parseLogsQuery(c: Context): LogsQuery | null {
  const level = (c.req.query('level') ?? '').toUpperCase();
  const before = c.req.query('before') ?? '';
  if (level && !(LOG_LEVELS as readonly string[]).includes(level)) return null;
  if (before && !isLogCursor(before)) return null;
  return { level: level as LogLevel | '', before };
}

export function clientPages(deps: PageDeps) {
  const app = new Hono<AppEnv>();
  const user = pageRole('user', deps);
  const admin = pageRole('admin', deps);
  const find = (raw: string): ClientRecord | undefined => findClient(deps.fleet, raw);

  const logsData = async (r: ClientRecord, q: LogsQuery) => {
    const page = await logPage(deps.db, r.uuid, { level: q.level || undefined, before: q.before || undefined, limit: LOG_PAGE });
    const link = (before: string, fragment = false) => {
      const p = new URLSearchParams();
      if (q.level) p.set('level', q.level);
      if (before) p.set('before', before);
      const s = p.toString();
      return `/clients/${r.uuid}${fragment ? '/logs' : ''}${s ? `?${s}` : ''}`;
    };
    return { logs: page.logs, next: page.next, level: q.level, before: q.before, logsLink: link };
  };

  app.get('/clients/:uuid', user, async (c) => {
    const r = find(c.req.param('uuid'));
    if (!r) return errorPage(c, deps, 404);
    const it = pageContext(c, deps);
    const q = parseLogsQuery(c);
    if (!q) return errorPage(c, deps, 400);
    const version = deps.hub.version;
    const logs = it.can('admin') ? await logsData(r, q) : {};
    // Actions + command history (client-commands.ts); `?issued=` shows the outcome of a no-JS POST.
    const commands = await clientCommandsData(deps, it, r, await issuedNotice(deps, it, r.uuid, c.req.query('issued')));
    const fresh = deps.fleet.get(r.uuid) ?? r; // freshest record after the await
    const groups = await deps.groups.list();
    const group = groups.find((g) => g.id === fresh.groupId) ?? null;
    const data = {
      ...it,
      title: clientName(r),
      ...clientNowData(deps, fresh, it.now),
      groups,
      mutes: clientMuteNotices(deps.notifications, it, fresh.uuid, group),
      liveUrl: `/live/clients/${r.uuid}?v=${version}`,
      ...logs,
      ...commands,
      notice: null,
    };
    return render(c, { page: 'client', data });
  });

  app.get('/clients/:uuid/logs', admin, async (c) => {
    const r = find(c.req.param('uuid'));
    if (!r) return errorPage(c, deps, 404);
    const q = parseLogsQuery(c);
    if (!q) return errorPage(c, deps, 400);
    const query = new URL(c.req.url).search;
    if (!isHtmx(c)) return c.redirect(`/clients/${r.uuid}${query}`, 303);
    const it = pageContext(c, deps);
    return fragment(c, partial('client-logs', { ...it, r, ...(await logsData(r, q)) }));
  });

  app.post('/clients/:uuid/group', admin, async (c) => {
    const r = find(c.req.param('uuid'));
    if (!r) return errorPage(c, deps, 404);
    const raw = (await c.req.parseBody()).groupId;
    const groups = await deps.groups.list();
    const groupId = raw === '' || raw === undefined ? null : typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
    if (Number.isNaN(groupId) || (groupId !== null && !groups.some((g) => g.id === groupId))) return errorPage(c, deps, 400);
    const before = { description: r.description, groupId: r.groupId }; // copied: the fleet updates its record in place
    const updated = await deps.fleet.updateClient(r.uuid, { groupId });
    if (!updated) return errorPage(c, deps, 404);
    await audit(c, deps, 'clients.update', r.uuid, { before, after: { description: updated.description, groupId: updated.groupId } });
    if (!isHtmx(c)) return c.redirect(`/clients/${r.uuid}`, 303);
    const it = pageContext(c, deps);
    return fragment(c, partial('client-group', { ...it, r: updated, groups, notice: it.t('client.group.saved') }));
  });

  return app;
}
