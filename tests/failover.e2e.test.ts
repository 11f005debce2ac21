/**
 * Failover with real processes on one file database (docs/high-availability.md), HIGH_AVAILABILITY
 * with a 2 s lease: the second server waits as a standby (its /health says so, it has not started
 * the runtime), and takes over when the first is killed -9; a first server that stalls (SIGSTOP)
 * past its lease is taken over after the stale time and, woken again, is fenced: it writes
 * nothing more and exits 3 saying why.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openDatabase } from '../db/client.ts';
import { tempDir, type TempDir } from '../testing/helpers.ts';
import { killServers, serverEnv, startServer } from '../testing/server-process.ts';

const dirs: TempDir[] = [];
test.after(() => {
  killServers();
  dirs.forEach((d) => d.remove());
});

/** The real entry point (testing/server-process.ts), with its output as `s.out` / `s.err`. */
function start(env: Record<string, string>) {
  const p = startServer(env);
  const s = { get out() { return p.out(); }, get err() { return p.err(); } };
  return { child: p.child, s, exited: p.exited.then((e) => e.code) };
}

function haEnv(): Record<string, string> {
  const t = tempDir('infoscreen-failover-');
  dirs.push(t);
  return serverEnv(t.dir, { MQTT_ALLOW_ANONYMOUS: 'true', HIGH_AVAILABILITY: 'true', LEASE_SECONDS: '2' });
}

async function until(what: string, check: () => boolean, p: { s: { out: string; err: string } }, ms = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > ms) throw new Error(`${what} did not happen within ${ms / 1000} s:\n${p.s.out}\n${p.s.err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const standbyPort = (out: string) => Number(/standby: waiting for the database, health at http:\/\/[^:]+:(\d+)\/health/.exec(out)?.[1]);

/** Both servers up: the first active, the second a standby whose /health says so. */
async function pair(env: Record<string, string>) {
  const first = start(env);
  await until('first server listening', () => /listening/.test(first.s.out), first);
  const second = start(env);
  await until('second server on standby', () => standbyPort(second.s.out) > 0, second);
  assert.not.match(second.s.out, /listening/, 'the standby has not started');
  const res = await fetch(`http://127.0.0.1:${standbyPort(second.s.out)}/health`);
  assert.is(res.status, 503);
  const body = await res.json();
  assert.is(body.status, 'standby');
  assert.is(body.holder.pid, first.child.pid);
  return { first, second };
}

test('second server waits as a standby; first killed -9: the second takes over and serves', async () => {
  const env = haEnv();
  const { first, second } = await pair(env);
  first.child.kill('SIGKILL');
  await first.exited;
  await until('standby took over', () => /listening/.test(second.s.out), second, 15_000);
  assert.match(second.s.out + second.s.err, /standby: took over the database \(lease epoch 2\)/);
  const res = await fetch(`http://127.0.0.1:${standbyPort(second.s.out)}/health`);
  assert.is((await res.json()).status === 'standby', false, 'the same listener now serves the app');
  second.child.kill('SIGTERM');
  assert.is(await second.exited, 0);
});

test('a stalled holder is taken over after the stale time and, woken, is fenced: exits 3, wrote nothing more', async () => {
  const env = haEnv();
  const { first, second } = await pair(env);
  first.child.kill('SIGSTOP'); // alive (its pid exists) but silent: like a host that froze or lost its network
  await until('standby took over after the stale time', () => /listening/.test(second.s.out), second, 20_000);
  const db = await openDatabase(env.DATABASE_URL);
  first.child.kill('SIGCONT');
  const code = await first.exited;
  assert.is(code, 3, `the old holder exits 3; stderr: ${first.s.err}`);
  assert.match(first.s.out + first.s.err, /lease lost|no longer holds the database/);
  const ended = (await db.execute('SELECT count(*) AS n FROM server_runs WHERE ended_at IS NOT NULL')).rows[0].n;
  assert.is(Number(ended), 0, 'the fenced server could not even write the end of its run');
  const lease = (await db.execute('SELECT pid, epoch FROM instance_lease')).rows[0];
  assert.is(Number(lease.pid), second.child.pid);
  assert.is(Number(lease.epoch), 2);
  db.close();
  second.child.kill('SIGTERM');
  assert.is(await second.exited, 0);
});

test.run();
