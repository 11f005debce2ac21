/**
 * Commands on the client page (docs/http.md "Dashboard pages" `/clients/{uuid}`: actions with reason and
 * confirmation, command history with live status; docs/commands.md for the lifecycle). Admin only, like
 * the command API. Issuing goes through the CommandRegistry exactly as routes/commands.ts does:
 * `issue` under the lockout, then wait for the broker's answer (`settledPublish`).
 *
 *   POST /clients/{uuid}/commands            action, reason (required), confirm=1
 *        without confirm=1: the confirmation step (fragment, or a page without JavaScript);
 *        htmx: the actions card with the outcome (202 sent, 429 blocked, 200 publish failed) and
 *        the history; a plain form: 303 back to the page with `?issued={id}` (no re-POST on reload)
 *   POST /clients/{uuid}/commands/{id}/cancel   cancel before execution
 *   GET  /clients/{uuid}/commands            the history fragment (htmx), else → /commands?client=
 *   GET  /clients/{uuid}/commands/form?action=&from=monitoring   one command form (htmx), else → the client page
 *
 * The per-row restart of /monitoring's crashed/unreachable panel posts the same form with
 * `from=monitoring`: htmx then gets that row back (outcome + command status) instead of the
 * actions card; without JavaScript the flow is the client page's (confirmation page, then the
 * client page with the outcome).
 */
import { Hono, type Context } from 'hono';
import type { ClientRecord } from '../../domain/client.types.ts';
import { isTerminal, type CommandAction, type CommandRecord } from '../../domain/command.types.ts';
import { REBOOT_LOCKOUT } from '../../domain/policies.ts';
import { CANCELABLE } from '../../actors/command.states.ts';
import { getCommand, listCommands } from '../../db/commands.ts';
import { listUsers } from '../../db/users.ts';
import { clientName, findClient, isUuid } from '../client-json.ts';
import type { AppEnv } from '../middleware/session.ts';
import { partial, type ViewContext } from '../../views/render.ts';
import { fragment, hxPartial, isHtmx, render } from './hx.ts';
import { errorPage, pageContext, pageRole, type PageDeps } from './kit.ts';
import { crashReason } from './monitoring.model.ts';
import { commandError, commandErrorFor } from './command-error.ts';
import { audit } from '../audit-record.ts';

export const ACTIONS: readonly CommandAction[] = ['restart_app', 'reboot_host', 'shutdown_host'];
const HISTORY = 10; // rows on the client page; the audit page has the rest
const LOCKOUT_MAX = REBOOT_LOCKOUT.max; // docs/commands.md "Safety lockout"

export interface Notice {
  kind: 'ok' | 'error';
  text: string;
}

/** Usernames by id (requested_by); the users table is small. */
export async function userNames(deps: PageDeps): Promise<Map<number, string>> {
  return new Map((await listUsers(deps.db)).map((u) => [u.id, u.username]));
}

/** The newest commands of a client, the live record where one exists (fresher than its row). */
export async function history(deps: PageDeps, uuid: string): Promise<CommandRecord[]> {
  await deps.writer.settled(); // the registry writes transitions fire-and-forget
  const page = await listCommands(deps.db, { client: uuid, limit: HISTORY, offset: 0 });
  return page.commands.map((c) => deps.commands?.get(c.commandId) ?? c);
}

/** The history card alone (live updates, htmx). */
export async function historyHtml(deps: PageDeps, it: ViewContext, r: Pick<ClientRecord, 'uuid'>): Promise<string> {
  const [commands, users] = await Promise.all([history(deps, r.uuid), userNames(deps)]);
  return partial('client-commands', { ...it, r, commands, users, cancelable: CANCELABLE, commandError: commandErrorFor(it) });
}

/** What an issued command means for the operator (docs/commands.md: 202 / 429 / 500). */
export function outcome(it: ViewContext, c: CommandRecord, lockoutMinutes: number): Notice {
  const action = it.code('command.action', c.action);
  if (c.status === 'blocked_safety') return { kind: 'error', text: it.t('command.notice.blocked', { max: LOCKOUT_MAX, minutes: lockoutMinutes }) };
  if (isTerminal(c.status) && c.publishedAt === null) return { kind: 'error', text: it.t('command.notice.failed', { error: commandError(it, c) ?? it.code('command.status', c.status) }) };
  return { kind: 'ok', text: it.t('command.notice.sent', { action }) };
}

/** Data of the actions card and the history for the client page (admins; others get neither). */
export async function clientCommandsData(deps: PageDeps, it: ViewContext, r: ClientRecord, notice: Notice | null = null) {
  if (!it.can('admin') || !deps.commands) return { commandsEnabled: false, commandNotice: notice };
  const [commands, users] = await Promise.all([history(deps, r.uuid), userNames(deps)]);
  const registry = deps.commands as { lockoutRemaining?: (uuid: string) => number };
  return {
    commandsEnabled: true,
    actions: ACTIONS,
    commandNotice: notice,
    lockout: { left: registry.lockoutRemaining?.(r.uuid) ?? null, max: LOCKOUT_MAX, minutes: deps.config.CRASH_RECOVERY_LOCKOUT_MINUTES },
    commands,
    users,
    cancelable: CANCELABLE,
    commandError: commandErrorFor(it),
  };
}

const field = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : '');

export function clientCommandPages(deps: PageDeps) {
  const app = new Hono<AppEnv>();
  const admin = pageRole('admin', deps);
  const find = (raw: string) => findClient(deps.fleet, raw);
  const lockoutMinutes = deps.config.CRASH_RECOVERY_LOCKOUT_MINUTES;

  /** The actions card (+ the history as a second swap), answered to htmx after a command or a cancel. */
  const actionsFragment = async (c: Context<AppEnv>, r: ClientRecord, notice: Notice | null, status: 200 | 202 | 400 | 404 | 409 | 429) => {
    const it = pageContext(c, deps);
    const data = { ...it, r, ...(await clientCommandsData(deps, it, r, notice)) };
    const html = partial('client-actions', data) + hxPartial('#client-commands', 'outerHTML', partial('client-commands', data));
    return fragment(c, html, status);
  };

  /** The crashed/unreachable row of /monitoring (from=monitoring): outcome and command status in the row. */
  const monitoringRow = (c: Context<AppEnv>, r: ClientRecord, notice: Notice | null, command: CommandRecord | null, status: 200 | 202 | 400 | 429) => {
    const it = pageContext(c, deps);
    const data = { ...it, x: { r, reason: crashReason(r) }, notice, command, commandsEnabled: true, formOpen: status === 400 };
    return fragment(c, partial('monitoring-crashed-row', data), status);
  };

  app.post('/clients/:uuid/commands', admin, async (c) => {
    const r = find(c.req.param('uuid'));
    if (!r || !deps.commands) return errorPage(c, deps, 404);
    const body = await c.req.parseBody();
    const action = field(body.action, 40) as CommandAction;
    const reason = field(body.reason, 2001).trim();
    const fromMonitoring = body.from === 'monitoring';
    const inRow = fromMonitoring && isHtmx(c);
    const it = pageContext(c, deps);
    if (!ACTIONS.includes(action)) return errorPage(c, deps, 400);
    if (!reason || reason.length > 2000) {
      if (!isHtmx(c)) return errorPage(c, deps, 400);
      const notice: Notice = { kind: 'error', text: it.t('command.reason.required') };
      return inRow ? monitoringRow(c, r, notice, null, 400) : actionsFragment(c, r, notice, 400);
    }
    if (body.confirm !== '1') {
      // The confirmation step: the Alpine dialog normally did this already (views/static/admin.js).
      const from = fromMonitoring ? { from: 'monitoring', back: '/monitoring', target: `#cr-${r.uuid}`, sectionId: `cr-${r.uuid}` } : {};
      const data = { ...it, title: it.t('command.confirm.title'), r, name: clientName(r), action, reason, ...from };
      return render(c, { page: 'command-confirm', fragment: 'command-confirm', data });
    }
    const { command, blocked } = deps.commands.issue({ uuid: r.uuid, action, reason, requestedBy: c.var.user!.id });
    await audit(c, deps, `commands.${action}`, r.uuid, { commandId: command.commandId, reason, ...(blocked ? { blocked: true } : {}) });
    // Like the API: answer once the broker confirmed (or refused) the publish.
    const settled = (await deps.commands.settledPublish(command.commandId)) ?? command;
    if (!isHtmx(c)) return c.redirect(`/clients/${r.uuid}?issued=${settled.commandId}#client-actions`, 303);
    const notice = outcome(it, settled, lockoutMinutes);
    const status = settled.status === 'blocked_safety' ? 429 : notice.kind === 'ok' ? 202 : 200;
    // The row's badge then follows the command live (live-monitoring.ts, #crc-{uuid}).
    return inRow ? monitoringRow(c, r, notice, deps.commands.get(settled.commandId) ?? settled, status) : actionsFragment(c, r, notice, status);
  });

  app.post('/clients/:uuid/commands/:id/cancel', admin, async (c) => {
    const r = find(c.req.param('uuid'));
    const id = c.req.param('id');
    if (!r || !deps.commands || !isUuid(id)) return errorPage(c, deps, 404);
    const live = deps.commands.get(id);
    const it = pageContext(c, deps);
    let record = live;
    if (!record) {
      await deps.writer.settled(); // settled a moment ago: its last row may still be queued
      record = await getCommand(deps.db, id);
    }
    if (!record || record.clientUuid !== r.uuid) return errorPage(c, deps, 404);
    const after = live ? (deps.commands.cancel(id, c.var.user!.id) ?? live) : record;
    const ok = !!live && after.status === 'canceled'; // a settled command (even a canceled one) is past canceling
    if (ok) await audit(c, deps, 'commands.cancel', id, { client: after.clientUuid, action: after.action });
    if (!isHtmx(c)) return c.redirect(`/clients/${r.uuid}#client-commands`, 303);
    const notice: Notice = ok ? { kind: 'ok', text: it.t('command.canceled') } : { kind: 'error', text: it.t('command.cancel.tooLate', { status: it.code('command.status', after.status) }) };
    return actionsFragment(c, r, notice, ok ? 200 : 409);
  });

  // The command form of one crashed/unreachable row of /monitoring, fetched when its button is
  // pressed (the panel may list hundreds of screens); it posts back here with from=monitoring.
  app.get('/clients/:uuid/commands/form', admin, (c) => {
    const r = find(c.req.param('uuid'));
    const action = c.req.query('action') as CommandAction;
    if (!r || !deps.commands) return errorPage(c, deps, 404);
    if (!ACTIONS.includes(action)) return errorPage(c, deps, 400);
    if (!isHtmx(c)) return c.redirect(`/clients/${r.uuid}#client-actions`, 303);
    const it = pageContext(c, deps);
    const data = { ...it, r, name: clientName(r), action, primary: true, from: 'monitoring', target: `#cr-${r.uuid}`, idPrefix: `cr-${r.uuid}-`, compact: true };
    return fragment(c, partial('command-form', data));
  });

  app.get('/clients/:uuid/commands', admin, async (c) => {
    const r = find(c.req.param('uuid'));
    if (!r) return errorPage(c, deps, 404);
    if (!isHtmx(c)) return c.redirect(`/commands?client=${r.uuid}`, 303);
    return fragment(c, await historyHtml(deps, pageContext(c, deps), r));
  });

  return app;
}

/** `?issued={id}` on the client page: the outcome of the command this browser just sent (no-JS path). */
export async function issuedNotice(deps: PageDeps, it: ViewContext, uuid: string, raw: string | undefined): Promise<Notice | null> {
  if (!raw || !isUuid(raw) || !it.can('admin')) return null;
  let c = deps.commands?.get(raw);
  if (!c) {
    await deps.writer.settled(); // settled a moment ago: its last row may still be queued
    c = await getCommand(deps.db, raw);
  }
  return c && c.clientUuid === uuid ? outcome(it, c, deps.config.CRASH_RECOVERY_LOCKOUT_MINUTES) : null;
}
