import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UUID_A, UUID_B, UUID_C } from '../testing/route-fixture.ts';
import { realFleetFixture, type RealFleetFixture } from '../testing/real-fleet.ts';
import { insertLogStatement } from '../db/logs.ts';
import type { LogLevel } from '../domain/client.types.ts';

const H = 3_600_000;
let f: RealFleetFixture;
let admin: string;

test.before(async () => {
  f = await realFleetFixture();
  const t = f.clock.t;
  const log = (uuid: string, level: LogLevel, ago: number, message: string, context: unknown = null) =>
    f.writer.enqueue(insertLogStatement(uuid, { level, timestamp: t - ago, message, context }, t - ago + 50));
  log(UUID_A, 'ERROR', 1 * H, 'disk full', { disk: '/' }); // received 59 min 59.95 s ago: still "recent"
  log(UUID_A, 'WARN', 2 * H, 'slow');
  log(UUID_A, 'INFO', 30 * H, 'old info');
  log(UUID_A, 'ERROR', 48 * H, 'old error');
  log(UUID_B, 'WARN', 10 * 60_000, 'w1');
  log(UUID_B, 'WARN', 5 * 60_000, 'w2');
  log(UUID_B, 'DEBUG', 60_000, 'dbg');
  await f.writer.write();
  // Restored like at start-up, with the last hour's ERROR/WARN logs: the actors derive the status.
  await f.seed(
    { uuid: UUID_A, description: 'Hall', lastAlive: t - 1000, priorityScreenshotAt: t - 60_000, priorityScreenshotType: 'event_start', latestScreenshotType: 'event_start' },
    { uuid: UUID_B, hostname: 'pi-b', lastAlive: t - 2000, priorityScreenshotAt: t - 600_000 },
    { uuid: UUID_C, lastAlive: t - 5 * H, mqttReconnectCount: 4, mqttLastDisconnectAt: t - 5 * H },
  );
  admin = await f.login('admin');
});
test.after(async () => {
  await f.close();
});

const get = async (path: string) => {
  const res = await f.app.request(path, { headers: { cookie: admin } });
  return { status: res.status, body: await res.json() };
};

test('logs: newest first, with parsed context; level, limit and since filter', async () => {
  const all = await get(`/api/client-logs/${UUID_A}/logs`);
  assert.is(all.status, 200);
  assert.is(all.body.count, 4);
  assert.equal(all.body.logs.map((l: { message: string }) => l.message), ['disk full', 'slow', 'old info', 'old error']);
  const first = all.body.logs[0];
  assert.equal(Object.keys(first).sort(), ['context', 'id', 'level', 'message', 'timestamp']);
  assert.equal(first.context, { disk: '/' });
  assert.is(first.timestamp, new Date(f.clock.t - H).toISOString());
  assert.is(all.body.logs[1].context, null);
  const errors = await get(`/api/client-logs/${UUID_A}/logs?level=error`);
  assert.equal(errors.body.logs.map((l: { message: string }) => l.message), ['disk full', 'old error']);
  assert.is((await get(`/api/client-logs/${UUID_A}/logs?limit=1`)).body.count, 1);
  assert.is((await get(`/api/client-logs/${UUID_A}/logs?limit=100000`)).body.count, 4); // clamped to 500
  const since = new Date(f.clock.t - 3 * H).toISOString();
  assert.is((await get(`/api/client-logs/${UUID_A}/logs?since=${since}`)).body.count, 2);
  // `+00:00` sent unencoded arrives as a space.
  assert.is((await get(`/api/client-logs/${UUID_A}/logs?since=${since.replace('Z', '+00:00')}`)).body.count, 2);
});

test('logs: bad level/since/limit are 400 naming the field; unknown client 404', async () => {
  for (const [q, field] of [['level=LOUD', 'level'], ['since=yesterday', 'since'], ['limit=0', 'limit'], ['limit=abc', 'limit'], ['limit=-5', 'limit']]) {
    const r = await get(`/api/client-logs/${UUID_A}/logs?${q}`);
    assert.is(r.status, 400, q);
    assert.is(r.body.error, `invalid ${field}`, q);
    assert.is(r.body.issues[0].path, field, q);
  }
  assert.is((await get('/api/client-logs/99999999-9999-4999-8999-999999999999/logs')).status, 404);
  assert.is((await get('/api/client-logs/nope/logs')).status, 404);
});

test('summary: ERROR/WARN/INFO per client over 24 h', async () => {
  const { body } = await get('/api/client-logs/summary');
  assert.equal(body, {
    summary: { [UUID_A]: { ERROR: 1, WARN: 1, INFO: 0 }, [UUID_B]: { ERROR: 0, WARN: 2, INFO: 0 } },
    period_hours: 24,
  });
});

test('recent-errors: newest ERROR logs with client names', async () => {
  const { body } = await get('/api/client-logs/recent-errors?limit=5');
  assert.is(body.count, 2);
  assert.is(body.errors[0].message, 'disk full');
  assert.is(body.errors[0].uuid, UUID_A);
  assert.is(body.errors[0].clientName, 'Hall');
  assert.is(body.errors[1].message, 'old error');
  assert.is((await get('/api/client-logs/recent-errors?limit=x')).status, 400);
});

test('monitoring-overview: exact shape, live status, db counts within hours', async () => {
  const { status, body } = await get('/api/client-logs/monitoring-overview');
  assert.is(status, 200);
  assert.equal(body.summary, {
    totalClients: 3, healthy: 1, warning: 1, critical: 0, offline: 1, errorLogs: 1, warnLogs: 3, activePriorityScreenshots: 1,
  });
  const [a, b, c] = body.clients;
  assert.equal(Object.keys(a).sort(), [
    'currentEventId', 'currentProcess', 'errorCount', 'groupId', 'hasActivePriorityScreenshot', 'lastAlive', 'latestError',
    'latestLog', 'latestScreenshotType', 'mqttLastDisconnectAt', 'mqttReconnectCount', 'name', 'priorityScreenshotReceivedAt',
    'priorityScreenshotType', 'processStatus', 'screenHealthStatus', 'serviceFailedAt', 'status', 'statusReasons', 'uuid', 'warnCount',
  ]);
  // The original's screenshot fields: latest type, and the last priority shot's type and time.
  assert.equal([a.latestScreenshotType, a.priorityScreenshotType, a.priorityScreenshotReceivedAt], ['event_start', 'event_start', new Date(f.clock.t - 60_000).toISOString()]);
  assert.equal([b.priorityScreenshotType, b.priorityScreenshotReceivedAt], [null, new Date(f.clock.t - 600_000).toISOString()]);
  assert.equal([c.latestScreenshotType, c.priorityScreenshotType, c.priorityScreenshotReceivedAt], [null, null, null]);
  assert.is(a.name, 'Hall');
  assert.is(a.status, 'warning');
  assert.equal(a.statusReasons, ['recent_errors']); // the ERROR received within the hour
  assert.is(a.errorCount, 1);
  assert.is(a.warnCount, 1);
  assert.is(a.latestLog.message, 'disk full');
  assert.is(a.latestError.message, 'disk full');
  assert.is(a.hasActivePriorityScreenshot, true);
  assert.is(b.name, 'pi-b');
  assert.is(b.warnCount, 2);
  assert.is(b.latestLog.message, 'dbg');
  assert.is(b.latestError, null);
  assert.is(b.hasActivePriorityScreenshot, false); // 10 min old, TTL 120 s
  assert.is(c.name, UUID_C);
  assert.is(c.latestLog, null);
  assert.is(c.mqttReconnectCount, 4);
  assert.is(c.mqttLastDisconnectAt, new Date(f.clock.t - 5 * H).toISOString());
  // A wider window sees the old error too.
  const wide = await get('/api/client-logs/monitoring-overview?hours=72');
  assert.is(wide.body.clients[0].errorCount, 2);
  assert.is(wide.body.summary.errorLogs, 2);
  for (const bad of ['0', 'abc', '999999']) {
    const r = await get(`/api/client-logs/monitoring-overview?hours=${bad}`);
    assert.is(r.status, 400, bad);
    assert.is(r.body.error, 'invalid hours');
  }
});

test.run();
