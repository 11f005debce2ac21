/**
 * db/backup.ts on real file databases: a checked copy without the instance lease, refusals with
 * a clear message (existing target, missing folder, a libSQL server URL), and a full disk (a
 * 64 KiB tmpfs) that leaves no partial file behind.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createClient } from '@libsql/client';
import { openDatabase, type Db } from './client.ts';
import { migrate } from './migrate.ts';
import { BackupError, backupDatabase, databaseFilePath } from './backup.ts';

const ROOT = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'infoscreen-backup-'));
let db: Db;

const count = async (file: string, sql: string) => {
  const c = createClient({ url: `file:${file}` });
  try {
    return Number((await c.execute(sql)).rows[0][0]);
  } finally {
    c.close();
  }
};

test.before(async () => {
  db = await openDatabase(`file:${join(dir, 'live.db')}`);
  await migrate(db);
  await db.execute(`INSERT INTO instance_lease (id, holder, host, pid, started_at, renewed_at) VALUES (1, 'server', 'this-host', 42, '2026-01-01', '2026-01-01')`);
  const rows = Array.from({ length: 400 }, (_, i) => `('c0ffee00-0000-4000-8000-000000000001', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'INFO', 'row ${i} ${'x'.repeat(200)}')`);
  await db.execute(`INSERT INTO client_logs (client_uuid, timestamp, received_at, level, message) VALUES ${rows.join(',')}`);
});
test.after(() => {
  db.close();
  if (mounted) spawnSync('umount', [full]);
  rmSync(dir, { recursive: true, force: true });
});

test('a backup is a checked copy with every row and no instance lease, and nothing temporary is left', async () => {
  const r = await backupDatabase(db, join(dir, 'out', 'b1.db')).catch((e) => e);
  assert.instance(r, BackupError, 'a missing folder is refused');
  assert.match((r as Error).message, /folder .*out does not exist/);
  mkdirSync(join(dir, 'out'));
  const ok = await backupDatabase(db, join(dir, 'out', 'b1.db'));
  assert.ok(ok.schemaVersion >= 17);
  assert.is(await count(ok.path, 'SELECT count(*) FROM client_logs'), 400);
  assert.is(await count(ok.path, 'SELECT count(*) FROM instance_lease'), 0, 'a copy must not look held by the server it came from');
  assert.equal(readdirSync(join(dir, 'out')), ['b1.db']);
});

test('an existing target is refused unless --overwrite; overwriting replaces it whole', async () => {
  const target = join(dir, 'out', 'b2.db');
  writeFileSync(target, 'old');
  const err = await backupDatabase(db, target).catch((e) => e);
  assert.instance(err, BackupError);
  assert.match(err.message, /exists already/);
  const ok = await backupDatabase(db, target, { overwrite: true });
  assert.is(await count(ok.path, 'SELECT count(*) FROM client_logs'), 400);
});

test('a libSQL server URL and :memory: are refused with the reason', () => {
  assert.throws(() => databaseFilePath('libsql://db-org.turso.io'), /libSQL server .*VACUUM INTO would write on the server's own disk/);
  assert.throws(() => databaseFilePath('http://user:secret@sqld:8080'), (e: Error) => !e.message.includes('secret'));
  assert.throws(() => databaseFilePath(':memory:'), /in-memory/);
  assert.is(databaseFilePath('file:data/x.db'), resolve('data/x.db'));
});

test('npm run backup against a libSQL server: one line, exit 2, no stack trace', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/backup.ts', join(dir, 'x.db')], {
    cwd: ROOT, encoding: 'utf8', timeout: 30_000, env: { ...process.env, DATABASE_URL: 'ws://127.0.0.1:1', BACKUP_DIR: '' },
  });
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /^backup refused: DATABASE_URL is a libSQL server/);
  assert.not.match(r.stderr, /\n\s+at /);
});

// A full disk: a 64 KiB tmpfs (root may mount one; elsewhere the test reports itself skipped).
const full = join(dir, 'full');
mkdirSync(full);
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', full], { stdio: 'ignore' });
  mounted = true;
} catch {
  console.log('NOTICE: cannot mount a tmpfs here (not root?): the full-disk test is skipped');
}
(mounted ? test : test.skip)('a full disk: a clear "disk is full" error and no partial file', async () => {
  try {
    const err = await backupDatabase(db, join(full, 'b.db')).catch((e) => e);
    assert.instance(err, BackupError);
    assert.match(err.message, /disk is full/);
    assert.equal(readdirSync(full), [], 'nothing left on the full disk');
  } finally {
    if (spawnSync('umount', [full]).status === 0) mounted = false;
  }
});

test.run();
