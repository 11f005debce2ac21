/**
 * db/restore.ts on real file databases: refusals leave the database as it was and no temporary
 * file (not a database, a newer schema, a foreign SQLite file, a corrupt file, a server holding
 * the lease); a restore keeps the previous database as `.before-restore-<time>` and puts the
 * backup in place, with the lease free for the next server.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chownSync, copyFileSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { openDatabase } from './client.ts';
import { migrate } from './migrate.ts';
import { BackupError, backupDatabase } from './backup.ts';
import { restoreDatabase, type RestoreClaim } from './restore.ts';

const dir = mkdtempSync(join(tmpdir(), 'infoscreen-restore-'));
const live = join(dir, 'live.db');
const backup = join(dir, 'backup.db');
const NOW = Date.UTC(2026, 11, 5, 10, 15, 0);
const claim: RestoreClaim = { host: 'this-host', pid: 1000, now: NOW, alive: () => true };

// libSQL closes a connection for good only once its statements are garbage-collected; until then
// it still counts as "another connection" for PRAGMA journal_mode (the restore's check that nobody
// else has the file open). A restore runs in a process of its own; here the test's reads share it.
setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

async function sql(file: string, statement: string): Promise<unknown[][]> {
  const c = createClient({ url: `file:${file}` });
  try {
    return (await c.execute(statement)).rows.map((r) => Array.from({ length: r.length }, (_, i) => r[i]));
  } finally {
    c.close();
    gc();
    await new Promise((r) => setImmediate(r));
  }
}
const setting = async (file: string) => (await sql(file, "SELECT value FROM settings WHERE key = 'marker'"))[0]?.[0];

/** The live database says "now"; the backup taken from it earlier says "then". */
test.before(async () => {
  const db = await openDatabase(`file:${live}`);
  await migrate(db);
  await db.execute("INSERT INTO settings (key, value, updated_at) VALUES ('marker', 'then', '2026-01-01')");
  await backupDatabase(db, backup);
  await db.execute("UPDATE settings SET value = 'now' WHERE key = 'marker'");
  db.close();
  gc();
  await new Promise((r) => setImmediate(r));
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** The folder holds only these names afterwards (no temporary copy left). */
const namesAre = (expected: string[]) => assert.equal(readdirSync(dir).filter((n) => !n.endsWith('-wal') && !n.endsWith('-shm')).sort(), expected.sort());

async function refused(source: string, why: RegExp) {
  const before = statSync(live).ino;
  const err = await restoreDatabase(source, live, claim).catch((e) => e);
  assert.instance(err, BackupError, String(err));
  assert.match(err.message, why);
  assert.is(statSync(live).ino, before, 'the database is not replaced');
  assert.is(await setting(live), 'now');
}

test('a file that is not a database: a clear error, nothing replaced, nothing left', async () => {
  writeFileSync(join(dir, 'notes.txt'), 'these are not the rows you are looking for\n'.repeat(200));
  await refused(join(dir, 'notes.txt'), /notes\.txt is not a SQLite database/);
  await refused(join(dir, 'missing.db'), /no backup file at/);
  namesAre(['live.db', 'backup.db', 'notes.txt']);
});

test('a backup from a newer schema is refused, naming both versions', async () => {
  copyFileSync(backup, join(dir, 'newer.db'));
  await sql(join(dir, 'newer.db'), "INSERT INTO schema_migrations VALUES (9999, '9999_future', '2030-01-01')");
  await refused(join(dir, 'newer.db'), /newer schema \(migration 9999; this build knows up to \d+\)/);
  namesAre(['live.db', 'backup.db', 'notes.txt', 'newer.db']);
});

test('a SQLite file of another program, and a corrupt one, are refused', async () => {
  await sql(join(dir, 'other.db'), 'CREATE TABLE t (x)');
  await refused(join(dir, 'other.db'), /not one of infoscreen-server/);
  copyFileSync(backup, join(dir, 'corrupt.db'));
  const fd = openSync(join(dir, 'corrupt.db'), 'r+');
  writeSync(fd, Buffer.alloc(4096 * 6, 0xa5), 0, 4096 * 6, 4096 * 2); // pages 3–8: b-tree pages now garbage
  closeSync(fd);
  await refused(join(dir, 'corrupt.db'), /corrupt|malformed|integrity_check/i);
  namesAre(['live.db', 'backup.db', 'notes.txt', 'newer.db', 'other.db', 'corrupt.db']);
});

test('refused while a server holds the instance lease, naming it', async () => {
  await sql(live, `INSERT INTO instance_lease (id, holder, host, pid, started_at, renewed_at) VALUES (1, 'srv', 'other-host', 4711, '2026-12-05T09:00:00Z', '${new Date(NOW - 5000).toISOString()}')`);
  await refused(backup, /a server \(host other-host, pid 4711, started 2026-12-05T09:00:00Z\) is using .*live\.db: stop it first/);
  // The same host, a pid that no longer runs (kill -9): free at once, as for a server start.
  await sql(live, "UPDATE instance_lease SET host = 'this-host'");
  const r = await restoreDatabase(backup, live, { ...claim, alive: (pid) => pid !== 4711 });
  assert.is(r.previous, join(dir, 'live.db.before-restore-20261205T101500Z'));
  rmSync(r.previous!);
  copyFileSync(backup, live); // back to a plain state for the next test (no lease)
});

test('a restore keeps the previous database and puts the backup in place; no lease stays behind', async () => {
  await sql(live, "UPDATE settings SET value = 'now' WHERE key = 'marker'");
  const r = await restoreDatabase(backup, live, { ...claim, now: NOW + 1000 });
  assert.is(await setting(live), 'then');
  assert.is(r.previous, join(dir, 'live.db.before-restore-20261205T101501Z'));
  assert.is(await setting(r.previous!), 'now', 'the previous database, whole');
  assert.equal(await sql(live, 'SELECT count(*) FROM instance_lease'), [[0]]);
  assert.equal(await sql(r.previous!, 'SELECT count(*) FROM instance_lease'), [[0]], "the restore's own lease is dropped");
  assert.ok(r.schemaVersion >= 17);
  assert.equal(await sql(live, 'PRAGMA integrity_check'), [['ok']]);
});

const root = process.getuid?.() === 0;
(root ? test : test.skip)('run as root, the restored database keeps the owner of the one it replaces', async () => {
  chownSync(live, 65534, 65534);
  await restoreDatabase(backup, live, { ...claim, now: NOW + 2000 });
  assert.is(statSync(live).uid, 65534);
  assert.is(statSync(live).gid, 65534);
});

test('onto a machine without a database: the backup becomes the database', async () => {
  const fresh = join(dir, 'fresh.db');
  const r = await restoreDatabase(backup, fresh, claim);
  assert.is(r.previous, null);
  assert.is(await setting(fresh), 'then');
});

test.run();
