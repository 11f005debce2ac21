/**
 * Bulk restarts (docs/commands.md "Bulk actions"), admin only, mounted at `/api`:
 *   POST /groups/{id}/restart  {reason, uuids?, action?}  → 202 {success, message, run, commands}
 *   GET  /bulk-runs                                        → {runs} held in memory, newest first
 *   GET  /bulk-runs/{id}                                   → {run, commands} with live counts
 *   POST /bulk-runs/{id}/abort {reason?}                   → {run}: stop issuing (409 when already finished)
 * Default selection: the group's offline clients, action `reboot_host`. Given `uuids` must all be
 * clients of that group. Until group CRUD exists a group exists when a `groups` row has
 * its id or any client is assigned to it.
 */
import { drainForRead } from '../db/writer.ts';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import type { BulkRuns, BulkRunView } from '../actors/bulk-runs.ts';
import type { BulkCounts } from '../actors/bulk-run.machine.ts';
import type { CommandRecord } from '../domain/command.types.ts';
import { commandsOfBulkRun, groupRowExists } from '../db/bulk-runs.ts';
import { iso } from '../lib/time.ts';
import { requireRole } from './middleware/roles.ts';
import type { AppEnv } from './middleware/session.ts';
import { invalidBody, validate } from './validate.ts';
import { isUuid } from './client-json.ts';
import { commandJson } from './command-json.ts';
import { reasonField } from './commands.ts';
import type { RouteDeps } from './deps.ts';

export type BulkRunsApi = Pick<BulkRuns, 'start' | 'get' | 'list' | 'abort' | 'watch'>;

const body = z.object({
  reason: reasonField.min(1, 'a bulk action needs a reason'),
  uuids: z.array(z.string().refine(isUuid, 'must be a lower-case UUID')).min(1).max(10_000).optional(),
  action: z.enum(['reboot_host', 'restart_app', 'shutdown_host']).default('reboot_host'),
});

const abortBody = z.object({ reason: z.string().trim().max(2000).optional() }).default({});

/** What the run shows as its abort reason: who stopped it, and why when they said. */
export const abortReason = (username: string, reason?: string) => `aborted by ${username}${reason ? `: ${reason}` : ''}`;

export const runJson = (v: BulkRunView) => ({
  id: v.id,
  groupId: v.groupId,
  action: v.action,
  reason: v.reason,
  requestedBy: v.requestedBy,
  status: v.status,
  targets: v.targets,
  counts: v.counts,
  aborted: v.aborted,
  abortReason: v.abortReason,
  startedAt: iso(v.startedAt),
  finishedAt: iso(v.finishedAt),
});

/** A run the server no longer holds (it restarted): what its persisted commands tell. */
export function interruptedRunJson(id: string, rows: CommandRecord[]) {
  const counts: BulkCounts = { issued: 0, blocked: 0, skipped: 0, completed: 0, failed: 0, timedOut: 0, expired: 0, canceled: 0 };
  for (const r of rows) {
    if (r.status === 'blocked_safety') counts.blocked++;
    else counts.issued++;
    if (r.status === 'completed') counts.completed++;
    else if (r.status === 'timed_out') counts.timedOut++;
    else if (r.status === 'expired') counts.expired++;
    else if (r.status === 'canceled') counts.canceled++;
    else if (r.status === 'failed' || r.status === 'manual_intervention_required') counts.failed++;
  }
  const first = rows[0];
  return {
    id, groupId: null, action: first.action, reason: first.reason, requestedBy: first.requestedBy, status: 'interrupted' as const,
    targets: null, counts, aborted: true, abortReason: 'the server restarted during this run: it issued nothing more',
    startedAt: iso(first.createdAt), finishedAt: null,
  };
}

export function bulkRunsRoutes(deps: RouteDeps & { bulkRuns: BulkRunsApi }) {
  const { bulkRuns, fleet, db, writer } = deps;
  const app = new Hono<AppEnv>();
  const admin = requireRole('admin');

  const commandsOf = async (runId: string) => {
    await drainForRead(writer); // the registry persists asynchronously
    return commandsOfBulkRun(db, runId);
  };

  app.post('/groups/:id/restart', admin, validate('json', body), async (c) => {
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
    const commands = (await commandsOf(view.id)).map(commandJson);
    const message = `bulk ${b.action} started for ${uuids.length} client(s) of group ${groupId}`;
    return c.json({ success: true, message, run: runJson(bulkRuns.get(view.id) ?? view), commands }, 202);
  });

  app.get('/bulk-runs', admin, (c) => c.json({ runs: bulkRuns.list().map(runJson) }));

  app.post('/bulk-runs/:id/abort', admin, validate('json', abortBody), (c) => {
    const id = c.req.param('id');
    const before = bulkRuns.get(id);
    if (!before) throw new HTTPException(404, { message: 'bulk run not found' });
    if (before.status === 'done') return c.json({ success: false, message: 'the run already finished', run: runJson(before) }, 409);
    const view = bulkRuns.abort(id, abortReason(c.var.user!.username, c.req.valid('json').reason))!;
    return c.json({ success: true, message: 'stopped issuing; commands already sent run to their end', run: runJson(view) });
  });

  app.get('/bulk-runs/:id', admin, async (c) => {
    const id = c.req.param('id');
    const view = bulkRuns.get(id);
    const rows = await commandsOf(id);
    if (view) return c.json({ run: runJson(bulkRuns.get(id) ?? view), commands: rows.map(commandJson) });
    if (!rows.length) throw new HTTPException(404, { message: 'bulk run not found' });
    return c.json({ run: interruptedRunJson(id, rows), commands: rows.map(commandJson) });
  });

  return app;
}
