/**
 * Bulk restarts (docs/commands.md "Bulk actions"), admin only, mounted at `/api`:
 *   POST /groups/{id}/restart  {reason, uuids?, action?}  → 202 {success, message, run, commands}
 *   GET  /bulk-runs                                        → {runs} newest first (held and saved)
 *   GET  /bulk-runs/{id}                                   → {run, commands} with live counts; a run from
 *                                                            before a restart as saved (routes/bulk-run-view.ts)
 *   POST /bulk-runs/{id}/abort {reason?}                   → {run}: stop issuing (409 when already finished)
 * Default selection: the group's offline clients, action `reboot_host`. Given `uuids` must all be
 * clients of that group. A group exists when a `groups` row has its id or any client is
 * assigned to it (clients may carry an id without a row).
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import type { BulkRuns } from '../actors/bulk-runs.ts';
import type { CommandRecord } from '../domain/command.types.ts';
import type { Db } from '../db/client.ts';
import { commandsOfBulkRun, getBulkRun, groupRowExists, listBulkRuns } from '../db/bulk-runs.ts';
import { heldRunView, runJson, storedRunView, type RunView } from './bulk-run-view.ts';
import { requireRole } from './middleware/roles.ts';
import type { AppEnv } from './middleware/session.ts';
import { invalidBody, validate } from './validate.ts';
import { isUuid } from './client-json.ts';
import { commandJson } from './command-json.ts';
import { reasonField } from './commands.ts';
import type { RouteDeps } from './deps.ts';
import { audit } from './audit-record.ts';
import { apiDoc } from './openapi/describe.ts';

const doc = apiDoc('Bulk runs');

export type BulkRunsApi = Pick<BulkRuns, 'start' | 'get' | 'list' | 'abort' | 'watch'>;

const body = z.object({
  reason: reasonField.min(1, 'a bulk action needs a reason'),
  uuids: z.array(z.string().refine(isUuid, 'must be a lower-case UUID')).min(1).max(10_000).optional(),
  action: z.enum(['reboot_host', 'restart_app', 'shutdown_host']).default('reboot_host'),
});

const abortBody = z.object({ reason: z.string().trim().max(2000).optional() }).default({});

/** At most this many runs are listed. */
export const LIST_LIMIT = 100;

/** Held runs and saved ones not held (each from its row and commands), newest first. */
export async function allRuns(bulkRuns: Pick<BulkRunsApi, 'list'>, db: Db, commandsOf: (id: string) => Promise<CommandRecord[]>): Promise<RunView[]> {
  const held = bulkRuns.list().map(heldRunView);
  const ids = new Set(held.map((r) => r.id));
  const saved = (await listBulkRuns(db, LIST_LIMIT)).filter((r) => !ids.has(r.id));
  // A finished saved run reads from its row; only unfinished ones need their commands.
  const stored = await Promise.all(saved.map(async (r) => storedRunView(r.id, r, r.status === 'done' ? [] : await commandsOf(r.id))!));
  return [...held, ...stored].sort((a, b) => b.startedAt - a.startedAt).slice(0, LIST_LIMIT);
}

export function bulkRunsRoutes(deps: RouteDeps & { bulkRuns: BulkRunsApi }) {
  const { bulkRuns, fleet, db, writer } = deps;
  const app = new Hono<AppEnv>();
  const admin = requireRole('admin');

  const commandsOf = async (runId: string) => {
    await writer.settled(); // the registry persists asynchronously
    return commandsOfBulkRun(db, runId);
  };

  app.post('/groups/:id/restart', doc("Restart a group's screens (or some of them) as one bulk run", 'The bulk run', { status: 202 }), admin, validate('json', body), async (c) => {
    const raw = c.req.param('id');
    const groupId = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
    const members = Number.isInteger(groupId) ? fleet.list().filter((r) => r.groupId === groupId) : [];
    if (!members.length && !(Number.isInteger(groupId) && (await groupRowExists(db, groupId))))
      throw new HTTPException(404, { message: 'group not found' });
    const b = c.req.valid('json');

    let uuids: string[];
    if (b.uuids) {
      uuids = [...new Set(b.uuids)];
      const inGroup = new Set(members.map((r) => r.uuid));
      const issues = b.uuids.flatMap((u, i) => (inGroup.has(u) ? [] : [{ path: `uuids.${i}`, message: `not a client of group ${groupId}` }]));
      if (issues.length) return invalidBody(c, issues);
    } else {
      uuids = members.filter((r) => r.status === 'offline').map((r) => r.uuid);
    }
    if (!uuids.length) {
      return c.json({ success: true, message: `no client selected in group ${groupId} (default: its offline clients)`, run: null, commands: [] });
    }

    const view = await bulkRuns.start({ groupId, uuids, action: b.action, reason: b.reason, requestedBy: c.var.user!.id });
    // Like a single issue, answer once the first wave's publishes were confirmed (or refused).
    await Promise.all(view.commandIds.map((id) => deps.commands?.settledPublish(id)));
    await audit(c, deps, 'bulk-runs.start', view.id, { groupId, action: b.action, reason: b.reason ?? null, clients: uuids });
    const commands = (await commandsOf(view.id)).map(commandJson);
    const message = `bulk ${b.action} started for ${uuids.length} client(s) of group ${groupId}`;
    return c.json({ success: true, message, run: runJson(heldRunView(bulkRuns.get(view.id) ?? view)), commands }, 202);
  });

  app.get('/bulk-runs', doc('The bulk runs', 'The runs'), admin, async (c) => c.json({ runs: (await allRuns(bulkRuns, db, commandsOf)).map(runJson) }));

  app.post('/bulk-runs/:id/abort', doc('Abort a bulk run: no further screens are restarted', 'The run'), admin, validate('json', abortBody), async (c) => {
    const id = c.req.param('id');
    const before = bulkRuns.get(id);
    if (!before) throw new HTTPException(404, { message: 'bulk run not found' });
    if (before.status === 'done') return c.json({ success: false, message: 'the run already finished', run: runJson(heldRunView(before)) }, 409);
    const view = bulkRuns.abort(id, c.var.user!.username, c.req.valid('json').reason || null)!;
    await audit(c, deps, 'bulk-runs.abort', id, { reason: c.req.valid('json').reason || null });
    return c.json({ success: true, message: 'stopped issuing; commands already sent run to their end', run: runJson(heldRunView(view)) });
  });

  app.get('/bulk-runs/:id', doc('One bulk run with its commands', 'The run'), admin, async (c) => {
    const id = c.req.param('id');
    const rows = await commandsOf(id);
    const held = bulkRuns.get(id);
    const run = held ? heldRunView(held) : storedRunView(id, await getBulkRun(db, id), rows);
    if (!run) throw new HTTPException(404, { message: 'bulk run not found' });
    return c.json({ run: runJson(run), commands: rows.map(commandJson) });
  });

  return app;
}
