/**
 * Bulk restarts on the dashboard (docs/commands.md "Bulk actions"; admin only, like the bulk API):
 *
 *   GET  /groups/{id}/restart          the reason form for the group's offline screens
 *   POST /groups/{id}/restart          reason (required), confirm=1 → starts the run, 303 to its page;
 *                                      without confirm=1 the confirmation step (the Alpine dialog
 *                                      of the form normally did it already)
 *   GET  /bulk-runs                    runs newest first (held in memory and saved ones)
 *   GET  /bulk-runs/{id}               progress, counts, commands, Abort; live over /live/bulk-runs/{id}
 *   POST /bulk-runs/{id}/abort         reason (optional) → 303 back (htmx: the progress card)
 *   GET  /live/bulk-runs/{id}          SSE: the progress card and the command table after each change
 *
 * Starting goes through the same BulkRuns as `POST /api/groups/{id}/restart` (selection: the
 * group's offline screens; action reboot_host), so the lockout per client and the 5 % failure
 * rule apply alike.
 */
import { Hono, type Context } from 'hono';
import type { CommandRecord } from '../../domain/command.types.ts';
import { commandsOfBulkRun, getBulkRun } from '../../db/bulk-runs.ts';
import type { StopReason } from '../../domain/bulk-run.types.ts';
import { stopText } from './bulk-run-text.ts';
import type { AppEnv } from '../middleware/session.ts';
import { partial, type ViewContext } from '../../views/render.ts';
import { isHtmx, render } from './hx.ts';
import { errorPage, pageContext, pageRole, type PageDeps } from './kit.ts';
import { userNames } from './client-commands.ts';
import { commandErrorFor } from './command-error.ts';
import { allRuns } from '../bulk-runs.ts';
import { heldRunView, storedRunView, type RunView } from '../bulk-run-view.ts';
import { eventStream, formatFrame } from './sse.ts';
import { audit } from '../audit-record.ts';

const ACTION = 'reboot_host'; // the API's default for a group restart
const COALESCE_MS = 200;

const field = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : '');
const groupIdOf = (raw: string) => (/^\d{1,9}$/.test(raw) ? Number(raw) : null);

export function bulkRunPages(deps: PageDeps) {
  const app = new Hono<AppEnv>();
  const admin = pageRole('admin', deps);
  const runs = deps.bulkRuns;

  const offlineOf = (groupId: number) => deps.fleet.list().filter((r) => r.groupId === groupId && r.status === 'offline');
  const groupName = async (groupId: number | null) =>
    groupId === null ? null : ((await deps.groups.list()).find((g) => g.id === groupId)?.name ?? `#${groupId}`);

  const commandsOf = async (id: string) => {
    await deps.writer.settled(); // the registry persists asynchronously
    return (await commandsOfBulkRun(deps.db, id)).map((c) => deps.commands?.get(c.commandId) ?? c);
  };

  /** A run and its commands: the live actor's view, else as saved (the server restarted since). */
  const load = async (id: string): Promise<{ run: RunView; commands: CommandRecord[] } | null> => {
    const rows = await commandsOf(id);
    const held = runs?.get(id);
    const run = held ? heldRunView(held) : storedRunView(id, await getBulkRun(deps.db, id), rows);
    return run ? { run, commands: rows } : null;
  };

  const runData = async (it: ViewContext, id: string) => {
    const got = await load(id);
    if (!got) return null;
    const [users, group] = await Promise.all([userNames(deps), groupName(got.run.groupId)]);
    const nameOf = (uuid: string) => {
      const r = deps.fleet.get(uuid);
      return r ? it.clientName(r) : uuid;
    };
    return { ...got, users, group, nameOf, stopText: (st: StopReason | null) => stopText(it, st), commandError: commandErrorFor(it) };
  };

  const formPage = async (c: Context<AppEnv>, groupId: number, error: string | null, status: 200 | 400 = 200) => {
    const it = pageContext(c, deps);
    const group = await groupName(groupId);
    const offline = offlineOf(groupId).length;
    const title = it.t('bulk.form.title', { group: group ?? '' });
    return render(c, { page: 'bulk-restart', data: { ...it, title, groupId, group, offline, action: ACTION, error }, status });
  };

  const knownGroup = async (groupId: number | null) =>
    groupId !== null && ((await deps.groups.list()).some((g) => g.id === groupId) || deps.fleet.list().some((r) => r.groupId === groupId));

  app.get('/groups/:id/restart', admin, async (c) => {
    const groupId = groupIdOf(c.req.param('id'));
    if (!runs || !(await knownGroup(groupId))) return errorPage(c, deps, 404);
    return formPage(c, groupId!, null);
  });

  app.post('/groups/:id/restart', admin, async (c) => {
    const groupId = groupIdOf(c.req.param('id'));
    if (!runs || !(await knownGroup(groupId))) return errorPage(c, deps, 404);
    const body = await c.req.parseBody();
    const reason = field(body.reason, 2001).trim();
    const it = pageContext(c, deps);
    if (!reason || reason.length > 2000) return formPage(c, groupId!, it.t('command.reason.required'), 400);
    const uuids = offlineOf(groupId!).map((r) => r.uuid);
    if (!uuids.length) return formPage(c, groupId!, null);
    if (body.confirm !== '1') {
      const group = await groupName(groupId);
      const data = { ...it, title: it.t('command.confirm.title'), groupId, group, count: uuids.length, action: ACTION, reason };
      return render(c, { page: 'bulk-confirm', data });
    }
    const view = await runs.start({ groupId: groupId!, uuids, action: ACTION, reason, requestedBy: c.var.user!.id });
    await audit(c, deps, 'bulk-runs.start', view.id, { groupId, action: ACTION, reason, clients: uuids });
    return c.redirect(`/bulk-runs/${view.id}`, 303);
  });

  app.get('/bulk-runs', admin, async (c) => {
    const it = pageContext(c, deps);
    const [users, groups] = await Promise.all([userNames(deps), deps.groups.list()]);
    const names = new Map(groups.map((g) => [g.id, g.name]));
    const list = runs ? await allRuns(runs, deps.db, commandsOf) : [];
    const groupName = (id: number | null) => (id === null ? '–' : (names.get(id) ?? `#${id}`));
    return render(c, { page: 'bulk-runs', data: { ...it, title: it.t('bulk.title'), runs: list, users, groupName } });
  });

  app.get('/bulk-runs/:id', admin, async (c) => {
    const id = c.req.param('id');
    const it = pageContext(c, deps);
    const data = id.length <= 100 ? await runData(it, id) : null;
    if (!data) return errorPage(c, deps, 404);
    const notice = c.req.query('aborted') === '1' ? 'bulk.abort.done' : c.req.query('aborted') === '0' ? 'bulk.abort.tooLate' : null;
    const liveUrl = `/live/bulk-runs/${encodeURIComponent(id)}`;
    // The run's stream carries only the run (and ends with it): the layout opens /live/toasts as well.
    return render(c, { page: 'bulk-run', data: { ...it, title: it.t('bulk.detail.title'), ...data, notice, liveUrl, toastsStream: true } });
  });

  app.post('/bulk-runs/:id/abort', admin, async (c) => {
    const id = c.req.param('id');
    const before = runs?.get(id);
    if (!before) return errorPage(c, deps, 404);
    const body = await c.req.parseBody();
    const ok = before.status === 'running' && !before.aborted;
    const reason = field(body.reason, 2000).trim() || null;
    if (ok) runs!.abort(id, c.var.user!.username, reason);
    if (ok) await audit(c, deps, 'bulk-runs.abort', id, { reason });
    if (!isHtmx(c)) return c.redirect(`/bulk-runs/${id}?aborted=${ok ? 1 : 0}`, 303);
    const it = pageContext(c, deps);
    const data = await runData(it, id);
    c.header('Cache-Control', 'no-store');
    return c.html(partial('bulk-run-progress', { ...it, ...data!, notice: ok ? 'bulk.abort.done' : 'bulk.abort.tooLate' }));
  });

  app.get('/live/bulk-runs/:id', admin, (c) => {
    const id = c.req.param('id');
    if (!runs?.get(id)) return errorPage(c, deps, 404);
    const it = pageContext(c, deps);
    return liveRun(c, id, async () => {
      const data = await runData({ ...it, now: deps.now() }, id);
      if (!data) return '';
      const d = { ...it, ...data, notice: null };
      return (
        `<hx-partial hx-target="#bulk-run-progress" hx-swap="outerHTML">${partial('bulk-run-progress', d)}</hx-partial>` +
        `<hx-partial hx-target="#bulk-run-commands" hx-swap="outerHTML">${partial('bulk-run-commands', d)}</hx-partial>`
      );
    });
  });

  /** One SSE stream per open run page: a frame after each change of the run, coalesced. */
  function liveRun(c: Context<AppEnv>, id: string, frame: () => Promise<string>): Response {
    return eventStream(c, deps.streams, (write, stop) => {
      let timer: ReturnType<typeof setTimeout> | null = null;
      let chain = Promise.resolve();
      const send = () =>
        (chain = chain.then(async () => {
          const html = await frame();
          if (html) await write(formatFrame({ data: html }));
        }).catch(() => stop()));
      const changed = () => {
        timer ??= setTimeout(() => {
          timer = null;
          send();
        }, COALESCE_MS);
      };
      send(); // whatever changed between the page render and this connection
      const off = runs!.watch(id, changed);
      return () => {
        off();
        if (timer) clearTimeout(timer);
      };
    });
  }

  return app;
}
