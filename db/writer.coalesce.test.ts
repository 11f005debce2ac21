import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { InStatement } from '@libsql/client';
import { openDatabase, type Db } from './client.ts';
import { coalesceInserts } from './writer.coalesce.ts';
import { BatchedWriter } from './writer.ts';
import { setQuiet } from '../lib/logger.ts';

const TABLES = [
  'CREATE TABLE logs (id INTEGER PRIMARY KEY, who TEXT NOT NULL, msg TEXT, key TEXT UNIQUE)',
  'CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER, n INTEGER NOT NULL DEFAULT 0)',
];
const log = (who: string | null, msg: string, key: string): InStatement => ({
  sql: 'INSERT OR IGNORE INTO logs (who, msg, key) VALUES (?, ?, ?)',
  args: [who, msg, key],
});
const upsert = (k: string, v: number): InStatement => ({
  sql: 'INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v, n = kv.n + 1',
  args: [k, v],
});

async function fresh(): Promise<Db> {
  const db = await openDatabase(':memory:');
  for (const t of TABLES) await db.execute(t);
  return db;
}
async function contents(db: Db): Promise<unknown> {
  const logs = (await db.execute('SELECT id, who, msg, key FROM logs ORDER BY id')).rows.map((r) => [r.id, r.who, r.msg, r.key]);
  const kv = (await db.execute('SELECT k, v, n FROM kv ORDER BY k')).rows.map((r) => [r.k, r.v, r.n]);
  return { logs, kv };
}

test.before(() => setQuiet(true));

test('merged runs leave the tables exactly as the single statements do (order, OR IGNORE, upserts of one key twice)', async () => {
  const stmts: InStatement[] = [];
  for (let i = 0; i < 150; i++) stmts.push(log('a', `m${i}`, `k${i % 120}`)); // 30 duplicates ignored
  stmts.push(upsert('x', 1), upsert('y', 2), upsert('x', 3)); // x conflicts with itself inside one statement
  stmts.push('DELETE FROM logs WHERE msg = \'m3\'');
  stmts.push(log('b', 'after', 'k-after'), upsert('x', 4));
  const merged = coalesceInserts(stmts);
  assert.ok(merged.length < stmts.length / 10, `${merged.length} statements for ${stmts.length}`);

  const one = await fresh();
  const many = await fresh();
  await one.batch(merged, 'write');
  await many.batch(stmts, 'write');
  assert.equal(await contents(one), await contents(many));
  one.close();
  many.close();
});

test('a run is cut at 64 rows; other statement shapes are passed through untouched', () => {
  const run = Array.from({ length: 130 }, (_, i) => log('a', `m${i}`, `k${i}`));
  const merged = coalesceInserts(run);
  assert.equal(merged.length, 3);
  assert.equal((merged[0] as { args: unknown[] }).args.length, 64 * 3);
  assert.equal((merged[2] as { args: unknown[] }).args.length, 2 * 3);

  const returning: InStatement = { sql: 'INSERT INTO kv (k, v) VALUES (?, ?) RETURNING k', args: ['a', 1] };
  const literal: InStatement = { sql: "INSERT INTO kv (k, v) VALUES ('a', ?)", args: [1] };
  const named: InStatement = { sql: 'INSERT INTO kv (k, v) VALUES (:k, :v)', args: { k: 'a', v: 1 } };
  const select: InStatement = { sql: 'INSERT INTO kv (k, v) SELECT ?, ?', args: ['a', 1] };
  for (const s of [returning, literal, named, select]) assert.equal(coalesceInserts([s, s]), [s, s]);
});

test('one bad row in a merged run: the writer retries statement by statement and drops only that row', async () => {
  const db = await fresh();
  const writer = new BatchedWriter(db, { flushMs: 1000, freshnessMs: 1000, clientUpsert: () => null });
  const plain = (k: string | null, v: number): InStatement => ({ sql: 'INSERT INTO kv (k, v, n) VALUES (?, ?, ?)', args: [k, v, 0] });
  writer.enqueue(plain('a', 1), plain('a', 2), plain('c', 3)); // the second breaks the primary key
  await writer.settled();
  const rows = (await db.execute('SELECT k, v FROM kv ORDER BY k')).rows.map((r) => [r.k, r.v]);
  assert.equal(rows, [['a', 1], ['c', 3]]);
  assert.equal(writer.stats.failedStatements, 1);
  db.close();
});

test.run();
