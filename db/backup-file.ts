/**
 * What backup and restore share (docs/operations.md "Backup and restore"): checking that a file is
 * an intact database of a schema this build knows, making a copy carry no instance lease, flushing
 * files to disk, and removing a temporary copy with its side files so nothing half written stays.
 */
import { createClient, type Client } from '@libsql/client';
import { open, rm, stat } from 'node:fs/promises';
import { loadMigrations } from './migrate.ts';

/** A refusal with a message meant for the operator (the scripts print it as one line, exit 2). */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

/** The first 16 bytes of every SQLite database file (sqlite.org/fileformat.html, "The Database Header"). */
const MAGIC = 'SQLite format 3\0';

export interface DatabaseFacts {
  /** Highest applied migration (schema_migrations). */
  schemaVersion: number;
  bytes: number;
}

/** The highest migration this build ships (db/migrations/). */
export async function buildSchemaVersion(): Promise<number> {
  return Math.max(0, ...(await loadMigrations()).map((m) => m.version));
}

async function hasMagic(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = new Uint8Array(16);
    const { bytesRead } = await fh.read(buf, 0, 16, 0);
    return bytesRead === 16 && new TextDecoder('latin1').decode(buf) === MAGIC;
  } finally {
    await fh.close();
  }
}

/** The message for a libSQL error: SQLITE_FULL and ENOSPC say "disk full" in plain words. */
export function plainError(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const text = `${e?.code ?? ''} ${e?.message ?? String(err)}`;
  if (/SQLITE_FULL|ENOSPC|disk is full|database or disk is full/i.test(text)) return 'the disk is full (no space left for the copy)';
  return e?.message ?? String(err);
}

/**
 * Prepares a copy that will stand as a database: rollback journal instead of WAL (no side files
 * to travel with it), no instance lease (a restored copy must not look held by the server it came
 * from), then `PRAGMA integrity_check` and the schema version. Throws BackupError; `what` names
 * the file in messages ("the backup file x.db").
 */
export async function sealCopy(path: string, what: string, maxVersion: number): Promise<DatabaseFacts> {
  return withFile(path, what, async (db) => {
    await db.execute('PRAGMA journal_mode=DELETE');
    const lease = await db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'instance_lease'");
    if (lease.rows.length) await db.execute('DELETE FROM instance_lease');
    return checkOpen(db, path, what, maxVersion);
  });
}

/** Integrity and schema version of a database file, opened without changing it beyond SQLite's own recovery. */
export async function checkDatabaseFile(path: string, what: string, maxVersion: number): Promise<DatabaseFacts> {
  return withFile(path, what, (db) => checkOpen(db, path, what, maxVersion));
}

/** Opens a SQLite file for `work`, closed afterwards; every failure becomes a BackupError naming `what`. */
async function withFile<T>(path: string, what: string, work: (db: Client) => Promise<T>): Promise<T> {
  if (!(await hasMagic(path))) throw new BackupError(`${what} is not a SQLite database`);
  const db = createClient({ url: `file:${path}` });
  try {
    return await work(db);
  } catch (err) {
    if (err instanceof BackupError) throw err;
    throw new BackupError(`${what}: ${plainError(err)}`);
  } finally {
    db.close();
  }
}

async function checkOpen(db: Client, path: string, what: string, maxVersion: number): Promise<DatabaseFacts> {
  const integrity = (await db.execute('PRAGMA integrity_check')).rows.map((r) => String(r[0]));
  if (integrity.length !== 1 || integrity[0] !== 'ok') {
    throw new BackupError(`${what} failed PRAGMA integrity_check: ${integrity.slice(0, 3).join('; ')}`);
  }
  const table = await db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
  if (!table.rows.length) throw new BackupError(`${what} is a SQLite database, but not one of infoscreen-server (no schema_migrations table)`);
  const schemaVersion = Number((await db.execute('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations')).rows[0].v);
  if (schemaVersion > maxVersion) {
    throw new BackupError(`${what} is from a newer schema (migration ${schemaVersion}; this build knows up to ${maxVersion}): restore it with that newer version`);
  }
  return { schemaVersion, bytes: (await stat(path)).size };
}

/** fsync a file or a folder (a rename is durable only once its folder is synced). */
export async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } catch (err) {
    // Some file systems refuse fsync on a folder (EINVAL/EISDIR); the data itself was synced.
    if (!['EINVAL', 'EISDIR', 'EBADF'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
  } finally {
    await fh.close();
  }
}

/** Removes a database file and the side files SQLite may have made next to it. */
export async function removeWithSideFiles(path: string): Promise<void> {
  for (const suffix of ['', '-journal', '-wal', '-shm']) await rm(path + suffix, { force: true }).catch(() => {});
}

/** A compact UTC time for file names: 20261205T101500Z. */
export function fileStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}
