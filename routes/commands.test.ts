/**
 * The command routes over `app.request()` with the real registry (simulated clock, recording
 * publisher) and a real database: status codes and bodies of docs/commands.md "Status API", history,
 * audit filters, cancel. The wire and real timers are covered by tests/commands.e2e.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, json, UUID_A, UUID_B, UUID_C, type Fixture } from '../testing/route-fixture.ts';
import { topics } from '../broker/topics.ts';

const FIELDS = [
  'commandId', 'clientUuid', 'action', 'status', 'reason', 'requestedBy', 'issuedAt', 'expiresAt', 'publishedAt', 'ackedAt',
  'executionStartedAt', 'completedAt', 'failedAt', 'errorCode', 'errorMessage', 'createdAt', 'updatedAt',
];

let f: Fixture;
let admin: string;
test.before(async () => {
  f = await fixture();
  for (const uuid of [UUID_A, UUID_B, UUID_C]) f.fleet.put({ uuid });
  admin = await f.login('admin');
});
test.after(async () => {
  await f.close();
});

const call = async (method: string, path: string, body?: unknown) => {
  const res = await f.app.request(path, json(method, body, admin));
  return { status: res.status, body: await res.json() };
};
const ack = (uuid: string, commandId: string, status: 'accepted' | 'execution_started' | 'completed' | 'failed', errorCode: string | null = null) =>
  f.commands.ack(uuid, { commandId, status, errorCode, errorMessage: errorCode ? `client says ${errorCode}` : null }, f.commandClock.now());

test('POST restart | restart_app | shutdown: 202 with the published command, camelCase, requested_by = the user', async () => {
  for (const [path, action] of [['restart', 'reboot_host'], ['restart_app', 'restart_app'], ['shutdown', 'shutdown_host']]) {
    const r = await call('POST', `/api/clients/${UUID_A}/${path}`, { reason: `  ${path} please ` });
    assert.is(r.status, 202, path);
    assert.is(r.body.success, true);
    assert.is(r.body.message, `${action} command published`);
    assert.equal(Object.keys(r.body.command), FIELDS);
    assert.is(r.body.command.action, action);
    assert.is(r.body.command.status, 'published');
    assert.is(r.body.command.reason, `${path} please`);
    assert.is(r.body.command.requestedBy, f.ids.admin);
    assert.match(r.body.command.publishedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.is(r.body.command.clientUuid, UUID_A);
  }
  // reboot: canonical + alias + legacy; the others: canonical + alias.
  assert.equal(f.publisher.published.map((p) => p.topic), [
    topics.commands(UUID_A), topics.commandAlias(UUID_A), topics.legacyRestart(UUID_A),
    topics.commands(UUID_A), topics.commandAlias(UUID_A),
    topics.commands(UUID_A), topics.commandAlias(UUID_A),
  ]);
});

test('the body is optional: no body, {} and {reason: null} give reason null', async () => {
  for (const body of [undefined, {}, { reason: null }, { reason: '' }]) {
    const r = await call('POST', `/api/clients/${UUID_B}/shutdown`, body);
    assert.is(r.status, 202, JSON.stringify(body));
    assert.is(r.body.command.reason, null);
  }
});

test('404 unknown client or a path that is no uuid; 400 for a bad reason', async () => {
  const unknown = await call('POST', '/api/clients/44444444-4444-4444-8444-444444444444/restart', {});
  assert.equal(unknown, { status: 404, body: { error: 'client not found' } });
  assert.is((await call('POST', '/api/clients/not-a-uuid/restart_app', {})).status, 404);
  const long = await call('POST', `/api/clients/${UUID_A}/restart`, { reason: 'x'.repeat(2001) });
  assert.is(long.status, 400);
  assert.is(long.body.error, 'invalid reason');
  assert.is((await call('POST', `/api/clients/${UUID_A}/restart`, { reason: 42 })).status, 400);
});

test('the 4th reboot-kind command in the window: 429 with the blocked_safety command', async () => {
  // UUID_A already had one reboot_host and one restart_app above.
  assert.is((await call('POST', `/api/clients/${UUID_A}/restart_app`, {})).status, 202);
  const r = await call('POST', `/api/clients/${UUID_A}/restart`, { reason: 'once more' });
  assert.is(r.status, 429);
  assert.is(r.body.success, false);
  assert.match(r.body.message, /safety lockout/);
  assert.is(r.body.command.status, 'blocked_safety');
  assert.is(r.body.command.errorCode, 'lockout_threshold');
  assert.is(r.body.command.reason, 'once more');
  const stored = await call('GET', `/api/clients/commands/${r.body.command.commandId}`);
  assert.equal(stored.body, r.body.command, 'blocked commands are persisted');
  assert.is((await call('POST', `/api/clients/${UUID_A}/shutdown`, {})).status, 202, 'shutdowns do not count');
});

test('500 with the failed command when the broker refuses the publish', async () => {
  f.publisher.fail = true;
  try {
    const r = await call('POST', `/api/clients/${UUID_C}/restart_app`, {});
    assert.is(r.status, 500);
    assert.is(r.body.success, false);
    assert.is(r.body.command.status, 'failed');
    assert.is(r.body.command.errorCode, 'mqtt_publish_failed');
    assert.is(r.body.command.publishedAt, null);
    assert.match(r.body.message, /could not be published: broker refused the publish/);
  } finally {
    f.publisher.fail = false;
  }
});

test('GET one command: the live record, then the settled one from the database with the client error', async () => {
  const { body } = await call('POST', `/api/clients/${UUID_C}/restart_app`, {});
  const id = body.command.commandId;
  ack(UUID_C, id, 'accepted');
  const live = await call('GET', `/api/clients/commands/${id}`);
  assert.is(live.body.status, 'ack_received');
  assert.ok(live.body.ackedAt);
  ack(UUID_C, id, 'failed', 'execution_failed');
  assert.is(f.commands.get(id), undefined, 'settled: only the database has it now');
  const done = await call('GET', `/api/clients/commands/${id}`);
  assert.is(done.body.status, 'failed');
  assert.is(done.body.errorCode, 'execution_failed');
  assert.is(done.body.errorMessage, 'client says execution_failed');
  assert.equal((await call('GET', '/api/clients/commands/nope')), { status: 404, body: { error: 'command not found' } });
});

test('cancel: 200 before execution, 409 once started or settled, 404 unknown', async () => {
  const a = (await call('POST', `/api/clients/${UUID_B}/restart_app`, {})).body.command.commandId;
  const ok = await call('POST', `/api/clients/commands/${a}/cancel`);
  assert.is(ok.status, 200);
  assert.equal([ok.body.success, ok.body.message, ok.body.command.status], [true, 'command canceled', 'canceled']);
  const again = await call('POST', `/api/clients/commands/${a}/cancel`);
  assert.is(again.status, 409);
  assert.is(again.body.message, 'command already canceled: nothing to cancel');

  const b = (await call('POST', `/api/clients/${UUID_B}/restart_app`, {})).body.command.commandId;
  ack(UUID_B, b, 'execution_started');
  const late = await call('POST', `/api/clients/commands/${b}/cancel`);
  assert.is(late.status, 409);
  assert.is(late.body.command.status, 'execution_started');
  assert.match(late.body.message, /has not started executing/);
  assert.is((await call('POST', '/api/clients/commands/nope/cancel')).status, 404);
});

test("a client's history: newest first, paged; 404 for an unknown client", async () => {
  const all = await call('GET', `/api/clients/${UUID_B}/commands`);
  assert.is(all.status, 200);
  assert.is(all.body.total, 6);
  const times = all.body.commands.map((c: { createdAt: string }) => c.createdAt);
  assert.equal(times, [...times].sort().reverse());
  assert.ok(all.body.commands.every((c: { clientUuid: string }) => c.clientUuid === UUID_B));
  const page = await call('GET', `/api/clients/${UUID_B}/commands?limit=2&offset=1`);
  assert.equal(page.body.commands.map((c: { commandId: string }) => c.commandId), all.body.commands.slice(1, 3).map((c: { commandId: string }) => c.commandId));
  assert.equal([page.body.total, page.body.limit, page.body.offset], [6, 2, 1]);
  assert.is((await call('GET', '/api/clients/44444444-4444-4444-8444-444444444444/commands')).status, 404);
  assert.is((await call('GET', `/api/clients/${UUID_B}/commands?limit=0`)).status, 400);
});

test('the audit list filters by status, action, client and since; bad values answer 400 naming them', async () => {
  f.commandClock.increment(1000);
  const t0 = new Date(f.commandClock.now()).toISOString();
  const newer = (await call('POST', `/api/clients/${UUID_C}/shutdown`, {})).body.command;
  const q = async (qs: string) => (await call('GET', `/api/commands?${qs}`)).body;
  assert.equal((await q(`since=${t0.replace('Z', '%2B00:00')}`)).commands.map((c: { commandId: string }) => c.commandId), [newer.commandId]);
  const blocked = await q('status=blocked_safety');
  assert.is(blocked.total, 1);
  assert.is(blocked.commands[0].clientUuid, UUID_A);
  const shutdowns = await q(`action=shutdown_host&client=${UUID_C}`);
  assert.equal(shutdowns.commands.map((c: { commandId: string }) => c.commandId), [newer.commandId]);
  const everything = await q('limit=500');
  assert.is(everything.total, everything.commands.length);
  assert.is(everything.total, 15); // A: 6 (one blocked), B: 6, C: 3
  const bad = await call('GET', '/api/commands?status=nope&action=reboot&client=ABC&since=yesterday&limit=x&offset=-1');
  assert.is(bad.status, 400);
  assert.is(bad.body.error, 'invalid status, action, client, since, limit, offset');
});

test.run();
