/**
 * The singletons run only on the lease holder (docs/high-availability.md "Singletons"): two
 * runtimes on one file database with HIGH_AVAILABILITY; the second waits inside startRuntime
 * before anything of the runtime exists (no run row, no broker, no scheduler, retention,
 * expiry sweep, bulk runs, notifications or backups: none of them is constructed before the
 * lease is held), and starts all of it once the first closes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { loadConfig } from '../config.ts';
import { startRuntime, type Runtime } from '../runtime.ts';
import type { Holder } from '../db/lease.ts';
import { embeddedTarget, startHarness, tempDir, waitFor, type Harness } from '../testing/helpers.ts';

const t = tempDir();
const HA = { HIGH_AVAILABILITY: 'true', LEASE_SECONDS: '1' };
let first: Harness | null = null;
let second: Runtime | null = null;
test.after(async () => {
  await first?.close();
  await second?.close();
  t.remove();
});

test('a standby constructs nothing of the runtime until it holds the lease, then starts everything', async () => {
  first = await startHarness(t.dir, embeddedTarget(), HA);
  const seen: Holder[] = [];
  let started = false;
  const config = loadConfig({ ENV: 'test', DATABASE_URL: `file:${join(t.dir, 'x.db')}`, DATA_DIR: t.dir, MQTT_EMBEDDED_PORT: '0', DEFAULT_SUPERADMIN_PASSWORD: 'standby singletons', MQTT_ALLOW_ANONYMOUS: 'true', ...HA });
  const pending = startRuntime(config, { onStandby: (h) => seen.push(h) }).then((rt) => ((started = true), (second = rt)));
  await waitFor(() => seen.length >= 3, 'the standby to poll a few times');
  assert.not.ok(started, 'startRuntime has not returned: no runtime, so no singleton exists on the standby');
  const runs = async () => Number((await first!.rt.db.execute('SELECT count(*) AS n FROM server_runs')).rows[0].n);
  assert.is(await runs(), 1, 'the standby wrote nothing (not even its run row)');
  assert.is(seen[0].pid, process.pid);

  await first.close(); // a clean shutdown releases the lease
  first = null;
  const rt = await waitFor(async () => (await pending, second), 'the standby to take over', 10_000);
  assert.ok(rt.scheduler && rt.notifications && rt.bulkRuns, 'the singletons start with the runtime');
  await waitFor(() => rt.broker.connection.status === 'connected', 'the new holder to connect to MQTT', 10_000);
  await rt.writer.settled();
  assert.is(Number((await rt.db.execute('SELECT count(*) AS n FROM server_runs')).rows[0].n), 2);
  assert.is(Number((await rt.db.execute('SELECT epoch FROM instance_lease')).rows[0].epoch), 2);
});

test.run();
