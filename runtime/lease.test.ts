/**
 * Holding the lease (runtime/lease.ts) on a real libSQL file, two servers as two connections:
 * refused without HIGH_AVAILABILITY; with it a standby waits and takes over once the holder's
 * renewals are older than the stale time; a holder whose renewal is fenced, or which cannot renew
 * within the lease time, is told to stop. Time is injected (`now`, `sleep`), the renewal ticks are
 * real but tiny.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { currentHolder, type LeaseTiming } from '../db/lease.ts';
import { BatchedWriter } from '../db/writer.ts';
import { holdLease } from './lease.ts';
import { StartupError } from '../lib/startup-error.ts';
import { setQuiet } from '../lib/logger.ts';

let dir: string;
let a: Db;
let b: Db;
const timing: LeaseTiming = { renewMs: 5, ttlMs: 10_000, staleMs: 12_000 };
let t = 1_000_000;
const now = () => t;
const lostWhen = (fn: (resolve: (r: string) => void) => void) => new Promise<string>((resolve) => fn(resolve));

let keepAlive: ReturnType<typeof setInterval>; // the renewal timer is unref'd: keep the test process up

test.before(async () => {
  keepAlive = setInterval(() => {}, 1000);
  setQuiet(true);
  dir = mkdtempSync(join(tmpdir(), 'lease-hold-'));
  a = await openDatabase(`file:${join(dir, 'x.db')}`);
  await migrate(a);
  b = await openDatabase(`file:${join(dir, 'x.db')}`);
});
test.after(() => {
  clearInterval(keepAlive);
  a.close();
  b.close();
  rmSync(dir, { recursive: true, force: true });
});

test('without HIGH_AVAILABILITY a second server is refused, naming the holder and the setting', async () => {
  const first = await holdLease(a, { timing, standby: false, now });
  const err = await holdLease(b, { timing, standby: false, now }).then(() => null, (e: unknown) => e);
  assert.instance(err, StartupError);
  assert.match((err as StartupError).line, /DATABASE_URL.*another infoscreen-server.*HIGH_AVAILABILITY=true/);
  await first.stop();
  assert.is(await currentHolder(a), null, 'a clean stop releases it');
});

test('a standby waits while the holder renews, then takes over with a higher epoch; the old holder is fenced', async () => {
  const first = await holdLease(a, { timing, standby: false, now });
  const seen: string[] = [];
  let polls = 0;
  const standby = holdLease(b, {
    timing,
    standby: true,
    now,
    onStandby: (h) => seen.push(h.holder),
    // Each poll: time moves 3 s; the first holder stopped renewing (it stalled).
    sleep: async () => void ((t += 3000), polls++),
  });
  const second = await standby;
  assert.ok(polls >= 4, `waited ${polls} polls: at least staleMs (12 s) in 3 s steps`);
  assert.is(seen.length, polls);
  assert.is(second.epoch, first.epoch + 1);
  // The stalled first holder wakes up and renews through its writer: fenced, told to stop.
  const writer = new BatchedWriter(a, { flushMs: 10_000, freshnessMs: 1000, clientUpsert: () => null, fence: first.fence });
  const reason = await lostWhen((onLost) => first.renew({ write: (...s) => writer.write(...s), onLost }));
  assert.match(reason, /fenced/);
  assert.is((await currentHolder(a))!.epoch, second.epoch);
  await first.stop(); // releases nothing: the lease is not its own
  assert.ok(await currentHolder(a));
  await second.stop();
});

test('a holder that cannot renew within the lease time stops itself', async () => {
  const held = await holdLease(a, { timing, standby: false, now });
  const clock = setInterval(() => (t += 1000), 5); // time goes on while the store hangs
  const reason = await lostWhen((onLost) => held.renew({ write: () => new Promise<void>(() => {}), onLost }));
  clearInterval(clock);
  assert.match(reason, /no renewal succeeded for 1\d\.\d s \(lease 10 s\)/);
  await held.stop();
});

test.run();
