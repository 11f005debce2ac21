/**
 * Bulk restarts over `app.request()` with the real registry and BulkRuns (simulated clock,
 * recording publisher): selection, group existence, validation, lockout per client, the abort rule
 * and live counts. Over a real broker with 20 simulated clients: tests/commands.e2e.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, json, type Fixture } from '../testing/route-fixture.ts';
import { commandsOfBulkRun } from '../db/bulk-runs.ts';
import { upsertCommandStatement } from '../db/commands.ts';

const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

let f: Fixture;
let admin: string;
test.before(async () => {
  f = await fixture();
  // Group 5: 1, 2 offline, 3 healthy. Group 6: 4 offline. Group 8: 10..15, all healthy.
  f.fleet.put({ uuid: uuid(1), groupId: 5, status: 'offline' });
  f.fleet.put({ uuid: uuid(2), groupId: 5, status: 'offline' });
  f.fleet.put({ uuid: uuid(3), groupId: 5, status: 'healthy' });
  f.fleet.put({ uuid: uuid(4), groupId: 6, status: 'offline' });
  for (let i = 10; i < 16; i++) f.fleet.put({ uuid: uuid(i), groupId: 8, status: 'healthy' });
  admin = await f.login('admin');
});
test.after(async () => {
  await f.close();
});

const call = async (method: string, path: string, body?: unknown) => {
  const res = await f.app.request(path, json(method, body, admin));
  return { status: res.status, body: await res.json() };
};
const ack = (u: string, commandId: string, status: 'completed' | 'failed') =>
  f.commands.ack(u, { commandId, status, errorCode: status === 'failed' ? 'execution_failed' : null, errorMessage: null }, f.commandClock.now());

test("default selection: the group's offline clients, reboot_host, one command each tagged with the run", async () => {
  const r = await call('POST', '/api/groups/5/restart', { reason: 'screens dark since the storm' });
  assert.is(r.status, 202);
  assert.is(r.body.success, true);
  assert.is(r.body.message, 'bulk reboot_host started for 2 client(s) of group 5');
  assert.equal(r.body.commands.map((c: { clientUuid: string }) => c.clientUuid), [uuid(1), uuid(2)]);
  assert.ok(r.body.commands.every((c: any) => c.action === 'reboot_host' && c.requestedBy === f.ids.admin && c.reason === 'screens dark since the storm'));
  const run = r.body.run;
  assert.equal([run.groupId, run.action, run.status, run.targets, run.aborted, run.abortReason], [5, 'reboot_host', 'running', 2, false, null]);
  assert.equal(run.counts, { issued: 2, blocked: 0, skipped: 0, completed: 0, failed: 0, timedOut: 0, expired: 0, canceled: 0 });
  const rows = await commandsOfBulkRun(f.db, run.id);
  assert.equal(rows.map((c) => c.commandId), r.body.commands.map((c: { commandId: string }) => c.commandId));

  for (const c of r.body.commands) ack(c.clientUuid, c.commandId, 'completed');
  const after = await call('GET', `/api/bulk-runs/${run.id}`);
  assert.is(after.body.run.status, 'done');
  assert.is(after.body.run.counts.completed, 2);
  assert.ok(after.body.run.finishedAt);
  assert.ok(after.body.commands.every((c: { status: string }) => c.status === 'completed'));
});

test('unknown group: 404; a groups row makes an empty group exist (nothing selected: 200, no run)', async () => {
  assert.equal(await call('POST', '/api/groups/7/restart', { reason: 'x' }), { status: 404, body: { error: 'group not found' } });
  assert.is((await call('POST', '/api/groups/abc/restart', { reason: 'x' })).status, 404);
  await f.db.execute({ sql: 'INSERT INTO groups (id, name, created_at, updated_at) VALUES (7, ?, ?, ?)', args: ['Lobby', '2026-03-02T10:00:00Z', '2026-03-02T10:00:00Z'] });
  const r = await call('POST', '/api/groups/7/restart', { reason: 'x' });
  assert.is(r.status, 200);
  assert.equal([r.body.run, r.body.commands], [null, []]);
});

test('400: reason required, uuids must be clients of the group, action from the list', async () => {
  const noReason = await call('POST', '/api/groups/5/restart', {});
  assert.is(noReason.status, 400);
  assert.is(noReason.body.error, 'invalid reason');
  assert.is((await call('POST', '/api/groups/5/restart', { reason: '   ' })).body.error, 'invalid reason');
  const foreign = await call('POST', '/api/groups/5/restart', { reason: 'x', uuids: [uuid(3), uuid(4), 'nope'] });
  assert.is(foreign.status, 400);
  assert.is(foreign.body.error, 'invalid uuids.2');
  const notInGroup = await call('POST', '/api/groups/5/restart', { reason: 'x', uuids: [uuid(3), uuid(4)] });
  assert.is(notInGroup.body.error, 'invalid uuids.1');
  assert.equal(notInGroup.body.issues, [{ path: 'uuids.1', message: 'not a client of group 5' }]);
  assert.is((await call('POST', '/api/groups/5/restart', { reason: 'x', action: 'format_disk' })).body.error, 'invalid action');
});

test('the lockout applies per client: blocked ones are counted and returned, the others run', async () => {
  // uuid(1) had one reboot above; two more fill its window.
  for (let i = 0; i < 2; i++) assert.is((await call('POST', `/api/clients/${uuid(1)}/restart_app`, {})).status, 202);
  const r = await call('POST', '/api/groups/5/restart', { reason: 'again', uuids: [uuid(1), uuid(3)], action: 'restart_app' });
  assert.is(r.status, 202);
  assert.equal(r.body.commands.map((c: { status: string }) => c.status), ['blocked_safety', 'published']);
  assert.equal([r.body.run.counts.blocked, r.body.run.counts.issued], [1, 1]);
});

test('a failure among the first finished commands stops the run; GET shows why and the live counts', async () => {
  const uuids = Array.from({ length: 6 }, (_, i) => uuid(10 + i));
  const r = await call('POST', '/api/groups/8/restart', { reason: 'rollout', uuids, action: 'restart_app' });
  assert.is(r.status, 202);
  assert.is(r.body.commands.length, 5, 'the first wave: 5 in flight');
  const [c0, c1, c2, c3, c4] = r.body.commands;
  ack(c1.clientUuid, c1.commandId, 'failed');
  await new Promise((res) => setTimeout(res, 0));
  const mid = (await call('GET', `/api/bulk-runs/${r.body.run.id}`)).body.run;
  assert.is(mid.status, 'running');
  assert.is(mid.aborted, true);
  assert.is(mid.abortReason, '1 of 1 finished commands failed or timed out (100 % > 5 %): stopped issuing; 1 client(s) not issued');
  assert.equal([mid.counts.issued, mid.counts.failed, mid.counts.skipped], [5, 1, 1]);
  for (const c of [c0, c2, c3, c4]) ack(c.clientUuid, c.commandId, 'completed');
  const end = await call('GET', `/api/bulk-runs/${r.body.run.id}`);
  assert.is(end.body.run.status, 'done');
  assert.equal(end.body.run.counts, { issued: 5, blocked: 0, skipped: 1, completed: 4, failed: 1, timedOut: 0, expired: 0, canceled: 0 });
  assert.is(end.body.commands.length, 5, 'the skipped client got no command');
  assert.ok(!end.body.commands.some((c: { clientUuid: string }) => c.clientUuid === uuid(15)));
});

test('a run the server no longer holds (restarted) is summarised from its persisted commands', async () => {
  const base = (await call('POST', `/api/clients/${uuid(3)}/shutdown`, { reason: 'old' })).body.command;
  const rec = { ...f.commands.get(base.commandId)!, bulkRunId: 'run-before-restart' };
  f.writer.enqueue(
    upsertCommandStatement({ ...rec, status: 'completed', completedAt: rec.createdAt }),
    upsertCommandStatement({ ...rec, commandId: crypto.randomUUID(), status: 'timed_out', failedAt: rec.createdAt }),
    upsertCommandStatement({ ...rec, commandId: crypto.randomUUID(), status: 'published' }),
  );
  const r = await call('GET', '/api/bulk-runs/run-before-restart');
  assert.is(r.status, 200);
  assert.is(r.body.run.status, 'interrupted');
  assert.match(r.body.run.abortReason, /server restarted/);
  assert.equal(r.body.run.counts, { issued: 3, blocked: 0, skipped: 0, completed: 1, failed: 0, timedOut: 1, expired: 0, canceled: 0 });
  assert.is(r.body.commands.length, 3);
});

test('POST /api/bulk-runs/{id}/abort: stops issuing (who and why in the reason), 409 once finished, 404 unknown; GET /api/bulk-runs lists newest first', async () => {
  const uuids = Array.from({ length: 6 }, (_, i) => uuid(10 + i));
  const r = await call('POST', '/api/groups/8/restart', { reason: 'second rollout', uuids, action: 'restart_app' });
  assert.is(r.body.commands.length, 5);
  const id = r.body.run.id;
  const ab = await call('POST', `/api/bulk-runs/${id}/abort`, { reason: 'wrong group' });
  assert.is(ab.status, 200);
  assert.equal([ab.body.run.aborted, ab.body.run.abortReason, ab.body.run.counts.skipped, ab.body.run.status], [true, 'aborted by admin: wrong group', 1, 'running']);
  for (const c of r.body.commands) ack(c.clientUuid, c.commandId, 'completed');
  await new Promise((res) => setTimeout(res, 0));
  const end = await call('GET', `/api/bulk-runs/${id}`);
  assert.is(end.body.run.status, 'done');
  assert.is(end.body.commands.length, 5, 'the aborted run issued nothing more');
  assert.is((await call('POST', `/api/bulk-runs/${id}/abort`, {})).status, 409);
  assert.is((await call('POST', '/api/bulk-runs/nope/abort', {})).status, 404);
  const list = await call('GET', '/api/bulk-runs');
  assert.is(list.body.runs[0].id, id);
  assert.ok(list.body.runs.length >= 3);
  const user = await f.login('user');
  assert.is((await f.app.request(`/api/bulk-runs/${id}/abort`, json('POST', {}, user))).status, 403);
});

test('GET /api/bulk-runs/{id}: 404 when unknown', async () => {
  assert.equal(await call('GET', '/api/bulk-runs/nope'), { status: 404, body: { error: 'bulk run not found' } });
});

test.run();
