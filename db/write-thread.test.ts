import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from './client.ts';
import { openWriteThread, type WriteThread } from './write-thread.ts';
import { isStoreFailure } from './store-errors.ts';
import { BatchedWriter } from './writer.ts';
import { setQuiet } from '../lib/logger.ts';

let dir: string;
let db: Db;
let thread: WriteThread;
const values = async () => (await db.execute('SELECT v FROM t ORDER BY v')).rows.map((r) => Number(r.v));

test.before(async () => {
  setQuiet(true);
  dir = mkdtempSync(join(tmpdir(), 'write-thread-'));
  const url = `file:${join(dir, 'w.db')}`;
  db = await openDatabase(url);
  await db.execute('CREATE TABLE t (v INTEGER NOT NULL UNIQUE)');
  thread = await openWriteThread(url);
});
test.after(async () => {
  await thread.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

test("a batch on the thread's connection is committed: the server's own connection reads it at once", async () => {
  await thread.batch([{ sql: 'INSERT INTO t (v) VALUES (?)', args: [1] }, { sql: 'INSERT INTO t (v) VALUES (?)', args: [2] }], 'write');
  assert.equal(await values(), [1, 2]);
});

test('a failing statement comes back with its SQLite code; the batch is all or nothing', async () => {
  const err = (await thread.batch([{ sql: 'INSERT INTO t (v) VALUES (?)', args: [3] }, { sql: 'INSERT INTO t (v) VALUES (?)', args: [1] }], 'write').catch((e) => e)) as { code?: string };
  assert.match(String(err.code), /^SQLITE_CONSTRAINT/);
  assert.not.ok(isStoreFailure(err), 'a bad statement, not a failing store');
  assert.equal(await values(), [1, 2]);
});

test('a store that refuses writes is a store failure; the writer keeps the rows and writes them once it is back', async () => {
  const writer = new BatchedWriter(thread, { flushMs: 60_000, freshnessMs: 1000, clientUpsert: () => null, retryMinMs: 1, retryMaxMs: 1 });
  await thread.execute('PRAGMA query_only=1');
  const refused = await writer.write({ sql: 'INSERT INTO t (v) VALUES (?)', args: [10] }).catch((e) => e);
  assert.is(refused?.name, 'StoreUnavailableError');
  await thread.execute('PRAGMA query_only=0');
  await new Promise((r) => setTimeout(r, 5));
  await writer.write({ sql: 'INSERT INTO t (v) VALUES (?)', args: [11] });
  assert.equal(await values(), [1, 2, 10, 11]);
});

test('after close every call fails as a store failure (the writer keeps what it had)', async () => {
  const other = await openWriteThread(`file:${join(dir, 'w.db')}`);
  await other.close();
  const err = await other.execute('SELECT 1').catch((e) => e);
  assert.ok(isStoreFailure(err));
});

test.run();
