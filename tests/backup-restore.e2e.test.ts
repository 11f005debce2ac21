/**
 * Backup and restore round trip under load (docs/operations.md "Backup and restore"): the real
 * server process (embedded broker, file database) while a device pipelines QoS 1 logs;
 * `npm run backup` meanwhile; `npm run restore` refused while the server holds the database;
 * after the server stops, the restore puts the backup in place, and every row acknowledged
 * (PUBACKed) before the backup started is in the restored database. A server starts on it again.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mqtt from 'mqtt';
import { LOG_TOPIC, logPayload, startDurable, storedOf } from '../scripts/durability-kit.ts';
import type { ServerProcess } from '../testing/server-process.ts';

const ROOT = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'infoscreen-backup-e2e-'));
const dbFile = join(dir, 'x.db');
const servers: ServerProcess[] = [];
test.after(() => {
  for (const s of servers) if (s.child.exitCode === null) s.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** An npm script's entry in a child process with the server's database settings. */
function script(file: string, args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_URL: `file:${dbFile}`, DATA_DIR: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  return new Promise((r) => child.once('exit', (code) => r({ code, out, err })));
}

/** Keeps up to `window` QoS 1 publishes in flight until stopped; `acked` grows with every PUBACK. */
function publisher(dev: mqtt.MqttClient, window = 100) {
  const acked = new Set<number>();
  let next = 0;
  let stopped = false;
  const inflight = new Set<Promise<void>>();
  const done = (async () => {
    while (!stopped) {
      while (inflight.size < window && !stopped) {
        const n = next++;
        const p: Promise<void> = dev.publishAsync(LOG_TOPIC, logPayload(n), { qos: 1 }).then(
          () => void acked.add(n),
          () => {},
        );
        inflight.add(p);
        void p.finally(() => inflight.delete(p));
      }
      await Promise.race(inflight);
    }
    await Promise.all(inflight);
  })();
  return { acked, stop: () => ((stopped = true), done) };
}

test('backup under QoS 1 load, restore refused while the server runs, then restored: every row acknowledged before the backup is there', async () => {
  const server = startDurable(dir, {});
  servers.push(server);
  const url = await server.waitFor(/embedded broker on (mqtt:\/\/127\.0\.0\.1:\d+)/, 60_000);
  await server.waitFor(/listening on (http:\/\/\S+)/, 60_000);
  const dev = await mqtt.connectAsync(url, { clientId: `backup-e2e-${process.pid}`, protocolVersion: 4, reconnectPeriod: 0 });
  const load = publisher(dev);
  while (load.acked.size < 1500) await new Promise((r) => setTimeout(r, 20));

  const ackedBefore = new Set(load.acked); // every one of these was stored before the backup began
  const backup = await script('scripts/backup.ts', [join(dir, 'backup.db')]);
  const ackedDuring = load.acked.size - ackedBefore.size;
  assert.is(backup.code, 0, backup.err);
  assert.match(backup.out, /^backup written: .*backup\.db/);

  // Still running: the restore must not touch the database.
  const early = await script('scripts/restore.ts', [join(dir, 'backup.db')]);
  assert.is(early.code, 2, early.out);
  assert.match(early.err, new RegExp(`^restore refused: a server \\(host \\S+, pid ${server.child.pid}, .*stop it first`));
  assert.not.match(early.err, /\n\s+at /);

  await load.stop();
  await dev.endAsync();
  const ackedTotal = load.acked.size;
  server.child.kill('SIGTERM');
  await server.exited;

  const restored = await script('scripts/restore.ts', [join(dir, 'backup.db')]);
  assert.is(restored.code, 0, restored.err);
  assert.match(restored.out, /integrity ok/);
  const kept = readdirSync(dir).find((n) => /^x\.db\.before-restore-\d{8}T\d{6}Z$/.test(n));
  assert.ok(kept, `previous database kept: ${readdirSync(dir).join(', ')}`);
  assert.is(await storedOf(join(dir, kept!), load.acked), ackedTotal, 'the kept database has every acknowledged row');

  const stored = await storedOf(dbFile, ackedBefore);
  assert.is(stored, ackedBefore.size, `${ackedBefore.size - stored} of ${ackedBefore.size} rows acknowledged before the backup are missing`);
  console.log(`NOTICE: ${ackedBefore.size} acknowledged before the backup, ${ackedDuring} during it, ${ackedTotal} in all`);

  // The restored database is free for the next server (a backup carries no lease).
  const again = startDurable(dir, {});
  servers.push(again);
  await again.waitFor(/listening on (http:\/\/\S+)/, 60_000);
  again.child.kill('SIGTERM');
  await again.exited;
  assert.ok(existsSync(dbFile));
});

test.run();
