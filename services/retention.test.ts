import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { BatchedWriter } from '../db/writer.ts';
import { insertLogStatement } from '../db/logs.ts';
import { insertSessionStatement } from '../db/sessions.ts';
import { insertUserStatement } from '../db/users.ts';
import { auditStatement } from '../db/audit.ts';
import { setQuiet } from '../lib/logger.ts';
import { Retention } from './retention.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T00:00:00Z');
const UUID = '11111111-1111-4111-8111-111111111111';
let dir: string;
let db: Db;
let writer: BatchedWriter;
let batches: number[] = [];

test.before(async () => {
  setQuiet(true);
  dir = mkdtempSync(join(tmpdir(), 'infoscreen-retention-'));
  db = await openDatabase(`file:${join(dir, 'r.db')}`);
  await migrate(db);
  writer = new BatchedWriter(db, { flushMs: 1000, freshnessMs: 30_000, clientUpsert: () => null });
});
test.after(async () => {
  await writer.stop();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const count = async (sql: string) => Number((await db.execute(sql)).rows[0].n);

test('purges logs received before the retention cutoff in bounded batches, keeps the rest', async () => {
  // 2,500 expired rows (received 91..95 days ago, some with a client clock far in the future) + 30 fresh.
  for (let i = 0; i < 2500; i++) {
    const received = NOW - (91 + (i % 5)) * DAY;
    writer.enqueue(insertLogStatement(UUID, { level: 'INFO', timestamp: i % 2 ? received : NOW + 365 * DAY, message: `old ${i}`, context: null }, received));
  }
  for (let i = 0; i < 30; i++) writer.enqueue(insertLogStatement(UUID, { level: 'ERROR', timestamp: NOW - i * DAY, message: `new ${i}`, context: null }, NOW - i * DAY));
  await writer.write();
  // Count the delete statements the writer receives: one per batch.
  const spy = { enqueue: (...s: Parameters<BatchedWriter['enqueue']>) => (batches.push(s.length), writer.enqueue(...s)), write: (...s: Parameters<BatchedWriter['write']>) => (batches.push(s.length), writer.write(...s)), settled: () => writer.settled() };
  const r = new Retention({ db, writer: spy, retentionDays: 90, batchSize: 1000, pauseMs: 1, now: () => NOW });
  const result = await r.runOnce();
  assert.equal(result, { logs: 2500, batches: 3 });
  assert.is(await count('SELECT COUNT(*) AS n FROM client_logs'), 30);
  assert.is(await count("SELECT COUNT(*) AS n FROM client_logs WHERE message LIKE 'old%'"), 0);
  assert.equal(batches, [1, 1, 1, 1]); // three log batches + the expired-sessions delete
  assert.equal(await r.runOnce(), { logs: 0, batches: 0 });
});

test('the same pass removes expired sessions only', async () => {
  writer.enqueue(insertUserStatement({ username: 'u', passwordHash: 'x', role: 'user' }, NOW));
  await writer.write(insertSessionStatement('a'.repeat(64), 1, NOW - 2 * DAY, DAY)); // expired yesterday
  writer.enqueue(insertSessionStatement('b'.repeat(64), 1, NOW, DAY));
  await new Retention({ db, writer, retentionDays: 90, now: () => NOW }).runOnce();
  assert.equal((await db.execute('SELECT id FROM sessions')).rows.map((r) => String(r.id)), ['b'.repeat(64)]);
});

test('the same pass removes audit entries older than AUDIT_RETENTION_DAYS, and none without it', async () => {
  await writer.write(
    auditStatement({ actor: 'system', action: 'old' }, NOW - 400 * DAY),
    auditStatement({ actor: 'system', action: 'recent' }, NOW - 10 * DAY),
  );
  await new Retention({ db, writer, retentionDays: 90, now: () => NOW }).runOnce();
  assert.is(await count('SELECT COUNT(*) AS n FROM audit_log'), 2, 'unset: kept');
  await new Retention({ db, writer, retentionDays: 90, auditRetentionDays: 365, now: () => NOW }).runOnce();
  assert.equal((await db.execute('SELECT action FROM audit_log')).rows.map((r) => String(r.action)), ['recent']);
});

test('start() runs at once and stop() ends it; runOnce calls share one pass', async () => {
  await writer.write(insertLogStatement(UUID, { level: 'INFO', timestamp: NOW, message: 'x', context: null }, NOW - 200 * DAY));
  const r = new Retention({ db, writer, retentionDays: 90, now: () => NOW });
  const [p1, p2] = [r.runOnce(), r.runOnce()];
  assert.is(p1, p2);
  assert.equal(await p1, { logs: 1, batches: 1 });
  r.start();
  await r.stop();
});

test.run();
