/**
 * Fencing of the instance lease (docs/high-availability.md "Fencing") on a real libSQL file opened
 * by two servers (two connections behave like two servers on one database): every takeover raises
 * the epoch, and a stale holder's writer cannot write a single batch after it, even before its
 * next renewal; the fenced batch is not retried as a store failure.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from './client.ts';
import { migrate } from './migrate.ts';
import { currentHolder, fenceStatement, releaseLeaseStatement, takeLease, type LeaseClaim } from './lease.ts';
import { BatchedWriter, FencedError } from './writer.ts';
import { setQuiet } from '../lib/logger.ts';

let dir: string;
let a: Db;
let b: Db;
const claim = (id: string, now: number, pid = 1): LeaseClaim => ({ id, host: 'h', pid, now, staleMs: 10_000, alive: () => true });
const values = async () => (await a.execute('SELECT v FROM t ORDER BY v')).rows.map((r) => Number(r.v));

test.before(async () => {
  setQuiet(true);
  dir = mkdtempSync(join(tmpdir(), 'lease-fence-'));
  a = await openDatabase(`file:${join(dir, 'x.db')}`);
  await migrate(a);
  await a.execute('CREATE TABLE t (v INTEGER NOT NULL UNIQUE)');
  b = await openDatabase(`file:${join(dir, 'x.db')}`);
});
test.after(() => {
  a.close();
  b.close();
  rmSync(dir, { recursive: true, force: true });
});

test('every take raises the epoch; a fresh lease is refused; a release keeps the epoch', async () => {
  const first = await takeLease(a, claim('A', 0));
  assert.equal(first, { ok: true, epoch: 1 });
  const refused = await takeLease(b, claim('B', 5_000, 2));
  assert.is(refused.ok, false);
  assert.is(!refused.ok && refused.holder.holder, 'A');
  const stale = await takeLease(b, claim('B', 20_000, 2)); // A's last renewal is older than staleMs
  assert.equal(stale, { ok: true, epoch: 2 });
  await b.execute(releaseLeaseStatement('B', 2));
  assert.is(await currentHolder(a), null);
  assert.equal(await takeLease(a, claim('A2', 21_000)), { ok: true, epoch: 3 }, 'a released lease is free at once, and the epoch goes on');
});

test('a stale holder cannot write a batch after the takeover: fenced, nothing written, never retried as a store failure', async () => {
  await a.execute("UPDATE instance_lease SET holder = ''");
  const taken = await takeLease(a, claim('A', 100_000));
  assert.ok(taken.ok);
  const epochA = taken.ok ? taken.epoch : 0;
  const fenced: string[] = [];
  const writer = new BatchedWriter(a, { flushMs: 10_000, freshnessMs: 1000, clientUpsert: () => null, fence: fenceStatement(epochA), onFenced: (r) => fenced.push(r) });
  await writer.write({ sql: 'INSERT INTO t (v) VALUES (?)', args: [1] });
  assert.equal(await values(), [1], 'the holder writes');

  // Server B takes over (A stalled past the stale time); A has not renewed since, so it does not know.
  assert.ok((await takeLease(b, claim('B', 200_000, 2))).ok);
  writer.enqueue({ sql: 'INSERT INTO t (v) VALUES (?)', args: [2] }, { sql: 'INSERT INTO t (v) VALUES (?)', args: [3] });
  try {
    await writer.write({ sql: 'INSERT INTO t (v) VALUES (?)', args: [4] });
    assert.unreachable('a fenced write must fail');
  } catch (err) {
    assert.instance(err, FencedError);
  }
  assert.equal(await values(), [1], 'no statement of the stale holder got through, not even one by one');
  assert.is(fenced.length, 1);
  assert.match(fenced[0], /fenced/);
  assert.ok(writer.fenced);
  assert.is(writer.stats.storeFailures, 0, 'not a store failure');
  assert.is(writer.stats.failedStatements, 0, 'not a bad statement either');
  assert.ok(writer.storeStatus().ok);
  await writer.flush(true); // nothing more is attempted
  const atomic = await writer.writeAtomic([{ sql: 'INSERT INTO t (v) VALUES (?)', args: [5] }]).then(() => null, (e: unknown) => e);
  assert.instance(atomic, FencedError);
  assert.equal(await values(), [1]);
});

test('a bad statement in a guarded batch is still dropped alone (the guard goes with each retry)', async () => {
  const h = await currentHolder(a);
  const writer = new BatchedWriter(a, { flushMs: 10_000, freshnessMs: 1000, clientUpsert: () => null, fence: fenceStatement(h!.epoch) });
  await writer.write({ sql: 'INSERT INTO t (v) VALUES (?)', args: [10] }, { sql: 'INSERT INTO t (v) VALUES (?)', args: [1] }, { sql: 'INSERT INTO t (v) VALUES (?)', args: [11] });
  assert.equal(await values(), [1, 10, 11]);
  assert.is(writer.stats.failedStatements, 1);
  assert.is(writer.fenced, null);
});

test.run();
