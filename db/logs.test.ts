import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Db } from './client.ts';
import type { BatchedWriter } from './writer.ts';
import { memoryDb } from '../testing/db.ts';
import { deleteClientData, insertLogStatement, listLogs, purgeOldLogs, recentLogLevels } from './logs.ts';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const T = Date.parse('2026-05-01T12:00:00Z');
let db: Db;
let writer: BatchedWriter;

test.before(async () => {
  ({ db, writer } = await memoryDb());
  const add = (uuid: string, level: 'ERROR' | 'WARN' | 'INFO', clientTs: number, received: number, context: unknown = null) =>
    writer.enqueue(insertLogStatement(uuid, { level, timestamp: clientTs, message: `${level}@${received}`, context }, received));
  add(A, 'ERROR', T - 10_000, T - 5_000, { code: 1 });
  add(A, 'INFO', T - 9_000, T - 4_000);
  add(B, 'WARN', T - 3 * 3_600_000, T - 2_000); // client clock 3 h behind: arrival time still counts
  add(B, 'ERROR', T - 7_200_000, T - 7_200_000); // arrived 2 h ago
  await writer.write();
  await writer.write(
    { sql: 'INSERT INTO client_commands (command_id, client_uuid, action, status, issued_at, expires_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', args: ['c1', A, 'restart_app', 'completed', 'x', 'x', 'x', 'x'] },
  );
});
test.after(() => db.close());

test('timestamps are stored as ISO Z; context round-trips as JSON', async () => {
  const [info, error] = await listLogs(db, A, { limit: 10 });
  assert.is(error.timestamp, new Date(T - 10_000).toISOString());
  assert.equal(error.context, { code: 1 });
  assert.is(info.context, null);
  const raw = await db.execute({ sql: 'SELECT received_at FROM client_logs WHERE id = ?', args: [error.id] });
  assert.is(raw.rows[0].received_at, new Date(T - 5_000).toISOString());
});

test('recentLogLevels: ERROR/WARN by arrival time, oldest first', async () => {
  assert.equal(await recentLogLevels(db, T - 3_600_000), [
    { uuid: A, level: 'ERROR', at: T - 5_000 },
    { uuid: B, level: 'WARN', at: T - 2_000 },
  ]);
});

test('purgeOldLogs deletes at most batchSize rows received before the cutoff', async () => {
  assert.is(await purgeOldLogs(db, writer, T - 3_600_000, 10), 1); // B's error, received 2 h ago
  assert.is(await purgeOldLogs(db, writer, T - 3_600_000, 10), 0);
  assert.is((await listLogs(db, B, { limit: 10 })).length, 1);
});

test('deleteClientData removes that client\'s logs and commands only', async () => {
  await writer.write(...deleteClientData(A));
  assert.is((await listLogs(db, A, { limit: 10 })).length, 0);
  assert.is((await listLogs(db, B, { limit: 10 })).length, 1);
  assert.is(Number((await db.execute('SELECT COUNT(*) AS n FROM client_commands')).rows[0].n), 0);
});

test.run();
