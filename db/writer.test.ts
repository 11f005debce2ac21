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

test('enqueue + drain (unchanged): a flush over maxBatch is split, a failed batch retried one by one', async () => {
  writer.enqueue(insert(1), insert(2), insert(3), insert(4), insert(4), insert(5));
  await writer.drain();
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
  writer.enqueue(insert(8));
  await writer.drain();
  assert.equal(await values(), [1, 2, 3, 4, 5, 6, 7, 8]);
});

test('writeAtomic waits for a running flush and holds the next one off (no concurrent transactions)', async () => {
  writer.enqueue(insert(1));
  const flushing = writer.flush(true);
  const group = writer.writeAtomic([insert(2), insert(3)]);
  writer.enqueue(insert(4));
  const after = writer.drain();
  await Promise.all([flushing, group, after]);
  assert.equal(await values(), [1, 2, 3, 4]);
  assert.not.ok(canWriteAtomic({ enqueue() {}, drain: async () => {} }));
});

test.run();
