/**
 * `/commands` (docs/http.md "Dashboard pages": audit view of all commands, filter by status / action /
 * client / time; role admin like `GET /api/commands`). Newest first, 50 per page. The filter form is
 * a plain GET form (works without JavaScript); htmx swaps only `#commands-list`. Rows follow command
 * transitions live over `/live/commands?<same filter>`: a batch that touches a shown command, or a
 * command the filter matches, re-renders the list once (commands are rare next to client events).
 */
import { Hono, type Context } from 'hono';
import { LIVE_STATES, TERMINAL_STATES, type CommandAction, type CommandStatus } from '../../domain/command.types.ts';
import { listCommands } from '../../db/commands.ts';
import type { ClientRecord } from '../../domain/client.types.ts';
import { clientName, isUuid } from '../client-json.ts';
import type { AppEnv } from '../middleware/session.ts';
import { detachedContext, partial, type ViewContext } from '../../views/render.ts';
import { render } from './hx.ts';
import { pickLanguage } from '../../views/i18n/index.ts';
import { errorPage, pageContext, pageRole, type PageDeps } from './kit.ts';
import { cached } from './live-hub.ts';
import { liveStream, type StreamView } from './sse.ts';
import { ACTIONS, userNames } from './client-commands.ts';
import { commandErrorFor } from './command-error.ts';
import { withToasts } from './live-toasts.ts';

export const PAGE_SIZE = 50;
const STATUSES: readonly CommandStatus[] = [...LIVE_STATES, ...TERMINAL_STATES];
export const PERIODS = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000, all: 0 } as const;
type Period = keyof typeof PERIODS;

export interface AuditQuery {
  status: CommandStatus | '';
  action: CommandAction | '';
  client: string; // as typed: a UUID, or a screen's name / hostname
  period: Period;
  page: number;
}

/** The query string; null when a value is not one the form offers (→ 400). */
export function parseAuditQuery(get: (k: string) => string | undefined): AuditQuery | null {
  const status = get('status') ?? '';
  const action = get('action') ?? '';
  const client = (get('client') ?? '').trim();
  const period = get('period') || 'all';
  const page = get('page') ?? '1';
  if (status && !STATUSES.includes(status as CommandStatus)) return null;
  if (action && !ACTIONS.includes(action as CommandAction)) return null;
  if (!(period in PERIODS) || client.length > 200 || !/^\d{1,6}$/.test(page) || Number(page) < 1) return null;
  return { status: status as AuditQuery['status'], action: action as AuditQuery['action'], client, period: period as Period, page: Number(page) };
}

export function auditSearch(q: AuditQuery, page = q.page): string {
  const p = new URLSearchParams();
  if (q.status) p.set('status', q.status);
  if (q.action) p.set('action', q.action);
  if (q.client) p.set('client', q.client);
  if (q.period !== 'all') p.set('period', q.period);
  if (page > 1) p.set('page', String(page));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** A UUID as it is; a name or hostname (case-insensitive, exact) → that client; null: nobody by that name. */
function resolveClient(deps: PageDeps, raw: string): string | null | undefined {
  if (!raw) return undefined;
  if (isUuid(raw.toLowerCase())) return raw.toLowerCase();
  const want = raw.toLowerCase();
  const hit = deps.fleet.list().find((r) => r.description?.toLowerCase() === want || r.hostname?.toLowerCase() === want);
  return hit ? hit.uuid : null;
}

/** Everything the list fragment shows. */
export async function auditData(deps: PageDeps, q: AuditQuery) {
  const client = resolveClient(deps, q.client);
  const names = new Map<string, string>();
  const nameOf = (uuid: string) => {
    if (!names.has(uuid)) {
      const r: ClientRecord | undefined = deps.fleet.get(uuid);
      names.set(uuid, r ? clientName(r) : uuid);
    }
    return names.get(uuid)!;
  };
  if (client === null) return { q, rows: [], total: 0, pages: 1, unknownClient: true, nameOf, users: new Map<number, string>(), search: auditSearch };
  await deps.writer.settled(); // the registry writes transitions fire-and-forget
  const since = PERIODS[q.period] ? deps.now() - PERIODS[q.period] : undefined;
  const filter = { status: q.status || undefined, action: q.action || undefined, client, since, limit: PAGE_SIZE, offset: (q.page - 1) * PAGE_SIZE };
  const [page, users] = await Promise.all([listCommands(deps.db, filter), userNames(deps)]);
  // Live records are fresher than their rows (the registry persists asynchronously).
  const rows = page.commands.map((c) => deps.commands?.get(c.commandId) ?? c);
  return { q, rows, total: page.total, pages: Math.max(1, Math.ceil(page.total / PAGE_SIZE)), unknownClient: false, nameOf, users, search: auditSearch, clientUuid: client };
}

type AuditData = Awaited<ReturnType<typeof auditData>>;

/** `#commands-list` (rows, total, pager): what the live stream swaps. */
function listHtml(it: ViewContext, data: AuditData): string {
  return partial('commands-list', { ...it, ...data, commandError: commandErrorFor(it) });
}

/** `#commands-view`: the live connection for this filter, the filter form and the list (page and htmx answer). */
function viewData(it: ViewContext, data: AuditData, version: number) {
  const search = auditSearch(data.q);
  const liveUrl = `/live/commands${search ? `${search}&` : '?'}v=${version}`;
  return { ...it, ...data, statuses: STATUSES, actions: ACTIONS, periods: Object.keys(PERIODS), liveUrl, commandError: commandErrorFor(it) };
}

/** Live rows: re-render when a batch touches a shown command or one the filter matches. */
function auditView(deps: PageDeps, ctx: () => ViewContext, q: AuditQuery, key: string): StreamView {
  let shown = new Set<string>();
  let clientUuid: string | null | undefined;
  const list = async () => {
    const data = await auditData(deps, q);
    shown = new Set(data.rows.map((r) => r.commandId));
    clientUuid = data.unknownClient ? null : (data.clientUuid ?? undefined);
    return `<hx-partial hx-target="#commands-list" hx-swap="outerHTML">${listHtml(ctx(), data)}</hx-partial>`;
  };
  return {
    resync: async () => [{ data: await list() }],
    prime: async () => void (await list()),
    update: async (b) => {
      const touched = [...b.commands.values()].some(
        (c) =>
          shown.has(c.commandId) ||
          ((!q.status || q.status === c.to) && (!q.action || q.action === c.action) && clientUuid !== null && (!clientUuid || clientUuid === c.uuid)),
      );
      if (!touched) return [];
      const html = await cached(b, `commands|${key}`, async () => ({ html: await list(), shown, clientUuid }));
      shown = html.shown;
      return [{ data: html.html }];
    },
  };
}

export function commandAuditPages(deps: PageDeps) {
  const app = new Hono<AppEnv>();
  const admin = pageRole('admin', deps);
  const query = (c: Context) => parseAuditQuery((k) => c.req.query(k));

  app.get('/commands', admin, async (c) => {
    const q = query(c);
    if (!q) return errorPage(c, deps, 400);
    const it = pageContext(c, deps);
    const version = deps.hub.version; // before the read: a change during it makes the stream resync
    const data = viewData(it, await auditData(deps, q), version);
    return render(c, { page: 'commands', fragment: 'commands-view', data: { ...data, title: it.t('commands.title') } });
  });

  app.get('/live/commands', admin, (c) => {
    const q = query(c);
    if (!q) return errorPage(c, deps, 400);
    const user = c.var.user!;
    const lang = pickLanguage(user.language, c.req.header('accept-language'));
    const ctx = () => detachedContext(lang, user.role, deps.now());
    const raw = c.req.header('last-event-id') ?? c.req.query('v');
    const known = raw && /^\d{1,15}$/.test(raw) ? Number(raw) : null;
    // The rows move live; the toasts (a command completed, a screen back online) come along.
    const view = withToasts(deps, { lang, role: user.role }, auditView(deps, ctx, q, `${lang}|${user.role}|${auditSearch(q)}`));
    return liveStream(c, deps.hub, view, known, deps.streams);
  });

  return app;
}
