/**
 * Scheduled backups (runtime/backup-schedule.ts): when the next one is due, pruning to the newest
 * BACKUP_KEEP, a run in the worker thread against a real file database, leftovers of a dead
 * process removed, and the runtime with BACKUP_DIR set writing a backup through its schedule.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { openDatabase } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { loadConfig } from '../config.ts';
import { startRuntime } from '../runtime.ts';
import { setQuiet } from '../lib/logger.ts';
import { StartupError } from '../lib/startup-error.ts';
import { preflight } from '../scripts/preflight.ts';
import { BackupSchedule, backupName, dueIn, listBackups, prune } from './backup-schedule.ts';

setQuiet(true);
const HOUR = 3_600_000;
const root = mkdtempSync(join(tmpdir(), 'infoscreen-backup-schedule-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

test('due at once without a backup, else one interval after the newest (a restart does not add one)', () => {
  const now = Date.UTC(2026, 11, 5, 12);
  assert.is(dueIn(null, now, 24 * HOUR), 0);
  assert.is(dueIn(now - 3 * HOUR, now, 24 * HOUR), 21 * HOUR);
  assert.is(dueIn(now - 30 * HOUR, now, 24 * HOUR), 0);
});

test('pruning keeps the newest N of our backups and touches nothing else', async () => {
  const dir = join(root, 'prune');
  mkdirSync(dir);
  const t0 = Date.UTC(2026, 11, 1);
  for (let i = 0; i < 5; i++) writeFileSync(join(dir, backupName(t0 + i * HOUR)), 'x');
  writeFileSync(join(dir, 'infoscreen-manual.db'), 'mine');
  writeFileSync(join(dir, 'notes.txt'), 'mine');
  const removed = await prune(dir, 2);
  assert.equal(removed.sort(), [0, 1, 2].map((i) => backupName(t0 + i * HOUR)).sort());
  assert.equal(readdirSync(dir).sort(), [backupName(t0 + 3 * HOUR), backupName(t0 + 4 * HOUR), 'infoscreen-manual.db', 'notes.txt'].sort());
  assert.is((await listBackups(dir))[0].at, t0 + 4 * HOUR, 'newest first, time read from the name');
});

test('a run writes infoscreen-<time>.db in the worker thread, prunes, and clears a dead process\'s leftover', async () => {
  const dir = join(root, 'run');
  mkdirSync(dir);
  const dbPath = join(root, 'run.db');
  const db = await openDatabase(`file:${dbPath}`);
  await migrate(db);
  await db.execute("INSERT INTO settings (key, value, updated_at) VALUES ('marker', 'backed up', '2026-01-01')");
  const old = Date.UTC(2026, 0, 1);
  writeFileSync(join(dir, backupName(old)), 'the oldest');
  writeFileSync(join(dir, backupName(old + HOUR)), 'older');
  const leftover = `.${backupName(old)}.tmp-999999999-abcdef12`; // pid 999999999 does not run
  writeFileSync(join(dir, leftover), 'half a copy');
  let now = Date.UTC(2026, 11, 5, 10, 0, 0);
  const schedule = new BackupSchedule({ dir, dbPath, intervalMs: 24 * HOUR, keep: 2, now: () => now, minDelayMs: 3_600_000 });
  await schedule.start(); // the first backup waits at least minDelayMs: only the leftover goes now
  assert.not.ok(readdirSync(dir).includes(leftover));
  const r = await schedule.runOnce();
  assert.is(r.path, join(dir, 'infoscreen-20261205T100000Z.db'));
  assert.equal(readdirSync(dir).sort(), [backupName(old + HOUR), 'infoscreen-20261205T100000Z.db']);
  const copy = createClient({ url: `file:${r.path}` });
  assert.equal((await copy.execute("SELECT value FROM settings WHERE key = 'marker'")).rows[0].value, 'backed up');
  copy.close();
  now += HOUR;
  await schedule.runOnce();
  assert.equal(readdirSync(dir).sort(), ['infoscreen-20261205T100000Z.db', 'infoscreen-20261205T110000Z.db']);
  assert.is(schedule.status.last?.path, join(dir, 'infoscreen-20261205T110000Z.db'));
  await schedule.stop();
  db.close();
});

test('a failed run is reported in the status, and leaves no file', async () => {
  const dir = join(root, 'failing');
  mkdirSync(dir);
  const schedule = new BackupSchedule({ dir, dbPath: join(root, 'not-a-db.txt'), intervalMs: HOUR, keep: 2 });
  writeFileSync(join(root, 'not-a-db.txt'), 'plain text, not SQLite '.repeat(100));
  const err = await schedule.runOnce().catch((e: Error) => e);
  assert.instance(err, Error);
  assert.match(schedule.status.lastError?.message ?? '', /not a database|NOTADB/i);
  assert.equal(readdirSync(dir), []);
  await schedule.stop();
});

test('the runtime with BACKUP_DIR runs the schedule; config refuses BACKUP_DIR for a libSQL server', async () => {
  const dir = join(root, 'rt');
  mkdirSync(dir);
  assert.throws(() => loadConfig({ BACKUP_DIR: dir, DATABASE_URL: 'libsql://db.example.org' }), /BACKUP_DIR: scheduled backups copy a file database/);
  assert.throws(() => loadConfig({ BACKUP_KEEP: '0' }), /BACKUP_KEEP/);
  const config = loadConfig({
    ENV: 'test', DATA_DIR: root, DATABASE_URL: `file:${join(root, 'rt.db')}`, MQTT_EMBEDDED_PORT: '0',
    DEFAULT_SUPERADMIN_PASSWORD: 'backup schedule', BACKUP_DIR: dir, BACKUP_INTERVAL_HOURS: '6', BACKUP_KEEP: '3',
  });
  const rt = await startRuntime(config, { inspector: false });
  try {
    assert.ok(rt.backups, 'a schedule exists');
    const r = await rt.backups!.runOnce();
    assert.match(r.path, /infoscreen-\d{8}T\d{6}Z\.db$/);
    assert.is((await listBackups(dir)).length, 1);
  } finally {
    await rt.close();
  }
});

test('start-up refuses a BACKUP_DIR that does not exist outside DATA_DIR, and creates none', async () => {
  const missing = `/nonexistent-backups-${process.pid}`;
  const config = loadConfig({ ENV: 'test', DATA_DIR: root, DATABASE_URL: `file:${join(root, 'pf.db')}`, PORT: '0', MQTT_EMBEDDED_PORT: '0', BACKUP_DIR: missing });
  const err = await preflight(config).catch((e: StartupError) => e);
  assert.instance(err, StartupError);
  assert.match((err as StartupError).line, /^start-up refused: BACKUP_DIR: folder \/nonexistent-backups-\d+ does not exist \(create it first, or mount the backup disk\)$/);
  assert.not.ok(existsSync(missing));
  // Inside DATA_DIR it is created, as DATA_DIR's own folders are.
  await preflight(loadConfig({ ENV: 'test', DATA_DIR: root, DATABASE_URL: `file:${join(root, 'pf.db')}`, PORT: '0', MQTT_EMBEDDED_PORT: '0', BACKUP_DIR: join(root, 'made') }));
  assert.ok(existsSync(join(root, 'made')));
});

test.run();
