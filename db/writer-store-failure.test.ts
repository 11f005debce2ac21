/**
 * The writer against a store that really fails: a libSQL file database whose connection is switched
 * to `PRAGMA query_only=1`, so SQLite itself answers every write with SQLITE_READONLY (the code a
 * read-only file or remount gives; chmod does not work here, root ignores permissions).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InStatement } from '@libsql/client';
import { openDatabase, type Db } from './client.ts';
import { BatchedWriter } from './writer.ts';
import { isStoreFailure, StoreUnavailableError } from './store-errors.ts';
import { setQuiet } from '../lib/logger.ts';

let dir: string;
let db: Db;
const state = new Map<string, string>();
const log = (v: number): InStatement => ({ sql: 'INSERT INTO logs (v) VALUES (?)', args: [v] });
const other = (v: number): InStatement => ({ sql: 'INSERT INTO other (v) VALUES (?)', args: [v] });
const col = async (table: string) => (await db.execute(`SELECT v FROM ${table} ORDER BY rowid`)).rows.map((r) => Number(r.v));
const fail = () => db.execute('PRAGMA query_only=1');
const heal = () => db.execute('PRAGMA query_only=0');
const makeWriter = (maxPending = 1000) =>
  new BatchedWriter(db, {
    flushMs: 50,
    freshnessMs: 1000,
    maxBatch: 4,
    maxPending,
    retryMinMs: 1,
    retryMaxMs: 1,
    clientUpsert: (uuid) => ({ sql: 'INSERT INTO clients (uuid, s) VALUES (?, ?) ON CONFLICT(uuid) DO UPDATE SET s = excluded.s', args: [uuid, state.get(uuid) ?? ''] }),
  });

test.before(async () => {
  setQuiet(true);
  dir = mkdtempSync(join(tmpdir(), 'writer-fault-'));
  db = await openDatabase(`file:${join(dir, 'w.db')}`);
  await db.execute('CREATE TABLE logs (v INTEGER NOT NULL UNIQUE)');
  await db.execute('CREATE TABLE other (v INTEGER NOT NULL UNIQUE)');
  await db.execute('CREATE TABLE clients (uuid TEXT PRIMARY KEY, s TEXT)');
});
test.after(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});
test.before.each(async () => {
  await heal();
  await db.batch(['DELETE FROM logs', 'DELETE FROM other', 'DELETE FROM clients'], 'write');
});

test('the fault is real: SQLite answers SQLITE_READONLY, classified as a store failure; a constraint is not', async () => {
  await fail();
  const err = await db.execute('INSERT INTO logs (v) VALUES (1)').catch((e) => e);
  assert.ok(isStoreFailure(err), String(err));
  await heal();
  await db.execute('INSERT INTO logs (v) VALUES (1)');
  assert.not.ok(isStoreFailure(await db.execute('INSERT INTO logs (v) VALUES (1)').catch((e) => e)));
});

test('classification: store and network errors are kept and retried, statement errors dropped', () => {
  const e = (code: string, message = code) => Object.assign(new Error(message), { code });
  for (const err of [e('SQLITE_IOERR_WRITE'), e('SQLITE_FULL'), e('SQLITE_BUSY'), e('SQLITE_READONLY_DBMOVED'), e('HRANA_WEBSOCKET_ERROR'), e('SERVER_ERROR')]) {
    assert.ok(isStoreFailure(err), (err as { code: string }).code);
  }
  assert.ok(isStoreFailure(new TypeError('fetch failed', { cause: e('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:8080') })), 'libSQL server unreachable');
  for (const err of [e('SQLITE_CONSTRAINT_UNIQUE'), e('SQLITE_CONSTRAINT'), e('SQLITE_ERROR', 'no such table: x'), e('SQLITE_MISMATCH'), new Error('odd')]) {
    assert.not.ok(isStoreFailure(err), (err as Error).message);
  }
});

test('store fails: nothing dropped, write rejects, status degraded; back: everything written in order, status ok', async () => {
  const w = makeWriter();
  for (let i = 1; i <= 10; i++) w.enqueueLog(log(i));
  w.enqueue(other(1), other(2));
  state.set('c1', 'online');
  w.markClient('c1', true);
  await fail();
  const err = await w.write().catch((e) => e);
  assert.ok(err instanceof StoreUnavailableError, String(err));
  let s = w.storeStatus();
  assert.is(s.ok, false);
  assert.match(s.reason ?? '', /READONLY/);
  assert.is(s.pendingLogRows, 10);
  assert.is(s.pendingStatements, 12);
  assert.is(s.pendingClients, 1);
  // More arrives during the outage, and the client's state moves on: the latest state is written.
  w.enqueueLog(log(11));
  state.set('c1', 'offline');
  await w.flush(); // the timer's flush during the outage: still failing, still kept
  assert.is(w.storeStatus().pendingLogRows, 11);
  await heal();
  await new Promise((r) => setTimeout(r, 5)); // past the (1 ms) backoff
  await w.settled();
  assert.equal(await col('logs'), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  assert.equal(await col('other'), [1, 2]);
  assert.equal((await db.execute('SELECT s FROM clients')).rows.map((r) => r.s), ['offline']);
  s = w.storeStatus();
  assert.is(s.ok, true);
  assert.is(s.pendingStatements + s.pendingClients + s.droppedLogRows, 0);
});

test('over the bound: the oldest log rows go first, counted; other statements are never dropped', async () => {
  const w = makeWriter(20);
  await fail();
  w.enqueue(other(1));
  for (let i = 1; i <= 30; i++) w.enqueueLog(log(i));
  w.enqueue(other(2));
  await w.settled();
  const s = w.storeStatus();
  assert.ok(s.droppedLogRows >= 10, `dropped ${s.droppedLogRows}`);
  await heal();
  await new Promise((r) => setTimeout(r, 5));
  await w.write();
  const logs = await col('logs');
  assert.is(logs.length + w.stats.droppedLogRows, 30, 'every log row is written or counted as dropped');
  assert.equal(logs, Array.from({ length: logs.length }, (_, i) => 30 - logs.length + 1 + i), 'the newest survive, in order');
  assert.equal(await col('other'), [1, 2]);
});

test('write(…) rejects with StoreUnavailableError while the store fails; its statements stay queued and are written in order once it is back', async () => {
  const w = makeWriter();
  w.enqueue(other(1));
  await fail();
  const err = await w.write(other(2), other(3)).catch((e) => e);
  assert.ok(err instanceof StoreUnavailableError, String(err));
  const again = await w.write(other(4)).catch((e) => e); // still inside the backoff: refused at once
  assert.ok(again instanceof StoreUnavailableError, String(again));
  assert.equal(await col('other'), []);
  assert.is(w.storeStatus().pendingStatements, 4);
  await heal();
  await new Promise((r) => setTimeout(r, 5));
  await w.write(other(5));
  assert.equal(await col('other'), [1, 2, 3, 4, 5]);
});

test('settled(): a read barrier that does not fail while the store does; once back it waits for the flush', async () => {
  const w = makeWriter();
  await w.write(other(1));
  await fail();
  w.enqueue(other(2));
  await w.settled(); // resolves: the read goes on with what is stored
  assert.equal(await col('other'), [1]);
  assert.is(w.storeStatus().ok, false);
  await heal();
  await new Promise((r) => setTimeout(r, 5));
  await w.settled();
  assert.equal(await col('other'), [1, 2]);
});

test('writeAtomic rejects with StoreUnavailableError while the store fails, and writes nothing', async () => {
  const w = makeWriter();
  await fail();
  const err = await w.writeAtomic([other(7)]).catch((e) => e);
  assert.ok(err instanceof StoreUnavailableError);
  await heal();
  assert.equal(await col('other'), []);
});

test('durable(): resolves true once a flush wrote what was queued, false on timeout while the store fails', async () => {
  const w = makeWriter();
  w.enqueueLog(log(1));
  const ok = w.durable(2000);
  await w.flush();
  assert.is(await ok, true);
  await fail();
  w.enqueueLog(log(2));
  const late = w.durable(50);
  await w.flush().catch(() => {});
  const keepAlive = setTimeout(() => {}, 1000); // the waiter's timer is unref'd, like the writer's
  assert.is(await late, false);
  clearTimeout(keepAlive);
  await heal();
  await new Promise((r) => setTimeout(r, 5));
  await w.write();
  assert.equal(await col('logs'), [1, 2]);
});

test.run();
