// A QoS 1 log message delivered twice (broker redelivery after a restart or failover) is one row.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryDb } from '../testing/db.ts';
import { insertLogStatement } from '../db/logs.ts';
import { logSchema, toLogEntry } from './schemas.ts';

const UUID = '33333333-3333-4333-8333-333333333333';
const T = Date.parse('2026-05-01T12:00:00Z');

async function storeTwice(payload: string): Promise<number> {
  const { db, writer } = await memoryDb();
  try {
    const p = logSchema.parse(JSON.parse(payload));
    // Same bytes, arriving a minute apart (the redelivery comes after the restart).
    writer.enqueue(insertLogStatement(UUID, toLogEntry('ERROR', p, T), T));
    await writer.write(insertLogStatement(UUID, toLogEntry('ERROR', p, T + 60_000), T + 60_000));
    const r = await db.execute({ sql: 'SELECT COUNT(*) AS n FROM client_logs WHERE client_uuid = ?', args: [UUID] });
    return Number(r.rows[0].n);
  } finally {
    db.close();
  }
}

test('a redelivered identical log message (device timestamp) adds no second row', async () => {
  assert.is(await storeTwice(JSON.stringify({ timestamp: '2026-05-01T11:59:59Z', message: 'player died', context: { code: 3 } })), 1);
});

test('the same text at another device time, or with another context, is a row of its own', async () => {
  const { db, writer } = await memoryDb();
  try {
    const entry = (ts: string, context: unknown) => toLogEntry('ERROR', logSchema.parse({ timestamp: ts, message: 'x', context }), T);
    await writer.write(
      insertLogStatement(UUID, entry('2026-05-01T11:00:00Z', null), T),
      insertLogStatement(UUID, entry('2026-05-01T11:00:01Z', null), T),
      insertLogStatement(UUID, entry('2026-05-01T11:00:01Z', { n: 1 }), T),
    );
    const r = await db.execute('SELECT COUNT(*) AS n FROM client_logs');
    assert.is(Number(r.rows[0].n), 3);
  } finally {
    db.close();
  }
});

test('lines without a device timestamp are never merged (documented limit of the key)', async () => {
  assert.is(await storeTwice(JSON.stringify({ message: 'tick' })), 2);
});

test.run();
