import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { InStatement } from '@libsql/client';
import { openDatabase, type Db } from './client.ts';
import { BatchedWriter, canWriteAtomic } from './writer.ts';
import { setQuiet } from '../lib/logger.ts';

// A UNIQUE column makes any statement fail on demand: insert a value twice.
let db: Db;
let writer: BatchedWriter;
const insert = (v: number): InStatement => ({ sql: 'INSERT INTO t (v) VALUES (?)', args: [v] });
const values = async () => (await db.execute('SELECT v FROM t ORDER BY v')).rows.map((r) => Number(r.v));

test.before(async () => {
  setQuiet(true);
  db = await openDatabase(':memory:');
  await db.execute('CREATE TABLE t (v INTEGER NOT NULL UNIQUE)');
  writer = new BatchedWriter(db, { flushMs: 1000, freshnessMs: 1000, maxBatch: 3, clientUpsert: () => null });
});
test.after(() => db.close());
test.before.each(async () => {
  await db.execute('DELETE FROM t');
});

test('enqueue + settled: a flush over maxBatch is split, a failed batch retried one by one', async () => {
  writer.enqueue(insert(1), insert(2), insert(3), insert(4), insert(4), insert(5));
  await writer.settled();
  assert.equal(await values(), [1, 2, 3, 4, 5]); // the duplicate alone was dropped
});

test('writeAtomic: a group whose 4th statement fails writes nothing of it, however long (never split at maxBatch)', async () => {
  assert.ok(canWriteAtomic(writer));
  writer.enqueue(insert(100)); // queued before the group: written first, whatever happens to the group
  let error: unknown = null;
  await writer.writeAtomic([insert(1), insert(2), insert(3), insert(100), insert(5)]).catch((e) => (error = e));
  assert.ok(error instanceof Error, 'the failed group rejects');
  assert.equal(await values(), [100]);
});

test('writeAtomic: a good group over maxBatch is one transaction; statements queued after it follow', async () => {
  await writer.writeAtomic([1, 2, 3, 4, 5, 6, 7].map(insert));
  await writer.write(insert(8));
  assert.equal(await values(), [1, 2, 3, 4, 5, 6, 7, 8]);
});

test('writeAtomic waits for a running flush and holds the next one off (no concurrent transactions)', async () => {
  writer.enqueue(insert(1));
  const flushing = writer.flush(true);
  const group = writer.writeAtomic([insert(2), insert(3)]);
  const after = writer.write(insert(4));
  await Promise.all([flushing, group, after]);
  assert.equal(await values(), [1, 2, 3, 4]);
  assert.not.ok(canWriteAtomic({ enqueue() {}, write: async () => {} }));
});

test('write: resolves once its own statements are stored, read back by a direct SELECT', async () => {
  await writer.write(insert(1), insert(2));
  assert.equal(await values(), [1, 2]);
  assert.is(writer.storeStatus().pendingStatements, 0);
});

test('write: statements enqueued before it are written first, in order', async () => {
  writer.enqueue(insert(1)); // fire-and-forget, no flush yet
  await writer.write({ sql: 'UPDATE t SET v = v + 10 WHERE v = 1' });
  assert.equal(await values(), [11], 'the update saw the row queued before it');
});

test('write: a bad statement of its own is dropped and counted, as with enqueue (the write still resolves)', async () => {
  const failed = writer.stats.failedStatements;
  await writer.write(insert(1), insert(1), insert(2));
  assert.equal(await values(), [1, 2]);
  assert.is(writer.stats.failedStatements, failed + 1);
});

/** `db` whose batches wait until the test opens them one by one. */
function gatedDb() {
  const gates: Array<() => void> = [];
  const gated = new Proxy(db, {
    get(target, key) {
      if (key === 'batch') return async (...args: Parameters<Db['batch']>) => (await new Promise<void>((open) => gates.push(open)), target.batch(...args));
      const v = Reflect.get(target, key);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  const batchWaiting = async (n: number) => {
    while (gates.length < n) await new Promise((r) => setImmediate(r));
  };
  return { gated, gates, batchWaiting };
}

test('write: does not wait for what is queued after its flush started; writes queued meanwhile share the next flush', async () => {
  const { gated, gates, batchWaiting } = gatedDb();
  const w = new BatchedWriter(gated, { flushMs: 1000, freshnessMs: 1000, clientUpsert: () => null });
  const first = w.write(insert(1));
  await batchWaiting(1); // its flush is in the database now
  w.enqueue(insert(2));
  let laterDone = false;
  const later = Promise.all([w.write(insert(3)), w.write(insert(4))]).then(() => (laterDone = true));
  gates[0]();
  await first;
  assert.equal(await values(), [1], 'resolved with its own row stored, the later ones not yet');
  assert.not.ok(laterDone, 'the later writes wait for their own flush');
  await batchWaiting(2);
  gates[1]();
  await later;
  assert.equal(await values(), [1, 2, 3, 4]);
  assert.is(w.stats.flushes, 2, 'two writes queued during a flush took one more flush, not two');
});

test('durable(): a waiter does not wait for the flush timer; waiters arriving meanwhile share the next flush (group commit)', async () => {
  const w = new BatchedWriter(db, { flushMs: 60_000, freshnessMs: 1000, clientUpsert: () => null }); // timer never started
  w.enqueueLog(insert(1));
  const first = w.durable(5000);
  w.enqueueLog(insert(2)); // same I/O turn: the same flush
  const second = w.durable(5000);
  assert.equal(await Promise.all([first, second]), [true, true]);
  assert.is(w.stats.flushes, 1);
  w.enqueueLog(insert(3));
  assert.is(await w.durable(5000), true);
  assert.is(w.stats.flushes, 2);
  assert.equal(await values(), [1, 2, 3]);
});

test('write(): a barrier for statements; a client row that is only fresher (not due yet) waits for its time', async () => {
  const upserts: string[] = [];
  const w = new BatchedWriter(db, { flushMs: 60_000, freshnessMs: 60_000, clientUpsert: (uuid) => (upserts.push(uuid), insert(900 + upserts.length)) });
  w.markClient('a', true);
  await w.write(insert(1)); // 'a' changed: due now, written with it
  assert.equal(upserts, ['a']);
  w.markClient('a', false); // freshness only, written a moment ago
  await w.write(insert(2));
  assert.equal(upserts, ['a'], 'not written again by a write');
  await w.settled(); // the read barrier takes every client row
  assert.equal(upserts, ['a', 'a']);
});

test.run();
