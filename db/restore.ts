/**
 * Restoring a backup file in place of the database (docs/operations.md "Backup and restore").
 * Nothing half written: the file is copied to a temporary name beside the target and checked
 * there (a SQLite database, `PRAGMA integrity_check`, a schema not newer than this build's); only
 * then is the current database kept as `<name>.before-restore-<time>` (a hard link, so the target
 * never disappears) and the copy renamed over it. Refused while a server holds the instance lease
 * (db/lease.ts): the restore takes the lease itself, so no server can start in the middle.
 */
import { randomUUID } from 'node:crypto';
import { chown, constants, copyFile, link, rename, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { createClient } from '@libsql/client';
import { releaseLeaseStatement, SINGLE_TIMING, takeLease } from './lease.ts';
import {
  BackupError, buildSchemaVersion, checkDatabaseFile, fileStamp, fsyncPath, plainError, removeWithSideFiles, sealCopy, type DatabaseFacts,
} from './backup-file.ts';

export interface RestoreClaim {
  host: string;
  pid: number;
  now: number;
  /** Whether a pid of this host is still running (runtime/lease.ts). */
  alive: (pid: number) => boolean;
}

export interface RestoreResult extends DatabaseFacts {
  path: string;
  /** Where the database it replaced was kept; null when there was none. */
  previous: string | null;
}

/**
 * Takes the instance lease of an existing database (refusing, naming the holder, when a server
 * holds it) and leaves the file in rollback-journal mode: SQLite changes the mode only when no
 * other connection has the file open, and no -wal file is left to be applied to the new file.
 */
async function claimTarget(file: string, c: RestoreClaim, id: string): Promise<void> {
  const db = createClient({ url: `file:${file}` });
  let held: number | null = null; // the epoch taken
  try {
    await db.execute('PRAGMA busy_timeout = 5000');
    const hasLease = (await db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'instance_lease'")).rows.length > 0;
    if (hasLease) {
      const taken = await takeLease(db, { id, staleMs: SINGLE_TIMING.staleMs, ...c });
      if (!taken.ok) {
        const h = taken.holder;
        throw new BackupError(`a server (host ${h.host}, pid ${h.pid}, started ${h.startedAt}) is using ${file}: stop it first, then restore`);
      }
      held = taken.epoch;
    }
    const mode = String((await db.execute('PRAGMA journal_mode=DELETE').catch(() => null))?.rows[0]?.[0] ?? '');
    if (mode.toLowerCase() !== 'delete') throw new BackupError(`another process still has ${file} open: stop it first, then restore`);
  } catch (err) {
    if (held !== null) await db.execute(releaseLeaseStatement(id, held)).catch(() => {});
    if (err instanceof BackupError) throw err;
    throw new BackupError(`cannot open the current database ${file}: ${plainError(err)}`);
  } finally {
    db.close();
  }
}

/** The lease the restore held now sits in the kept previous database: drop it there. */
async function releaseIn(file: string, id: string): Promise<void> {
  const db = createClient({ url: `file:${file}` });
  try {
    await db.execute({ sql: 'DELETE FROM instance_lease WHERE holder = ?', args: [id] });
  } catch {
    /* an old file without the table; a stale lease is taken over anyway */
  } finally {
    db.close();
  }
}

export async function restoreDatabase(source: string, target: string, c: RestoreClaim): Promise<RestoreResult> {
  const src = resolve(source);
  const file = resolve(target);
  if (src === file) throw new BackupError(`${src} is the database itself; name a backup file`);
  const srcStat = await stat(src).catch(() => null);
  if (!srcStat?.isFile()) throw new BackupError(`no backup file at ${src}`);
  const dir = dirname(file);
  if (!(await stat(dir).catch(() => null))?.isDirectory()) throw new BackupError(`folder ${dir} of the database does not exist`);
  const maxVersion = await buildSchemaVersion();
  const id = randomUUID();
  const temp = join(dir, `.${basename(file)}.restore-tmp-${process.pid}-${id.slice(0, 8)}`);
  let previous: string | null = null;
  try {
    try {
      await copyFile(src, temp, constants.COPYFILE_EXCL);
    } catch (err) {
      throw new BackupError(`cannot copy ${src} into ${dir}: ${plainError(err)}`);
    }
    await sealCopy(temp, `the restore file ${src}`, maxVersion); // the check before
    await fsyncPath(temp);
    const current = await stat(file).catch(() => null);
    if (current) {
      await claimTarget(file, c, id);
      // Run as root (sudo), the copy would belong to root and the server's own user could not write it.
      if (process.getuid?.() === 0) await chown(temp, current.uid, current.gid);
      previous = join(dir, `${basename(file)}.before-restore-${fileStamp(c.now)}`);
      await link(file, previous).catch(() => copyFile(file, previous!, constants.COPYFILE_EXCL));
    }
    await rename(temp, file);
    await fsyncPath(dir);
  } catch (err) {
    await removeWithSideFiles(temp);
    if (err instanceof BackupError) throw err;
    throw new BackupError(`restore into ${file} failed: ${plainError(err)}`);
  }
  if (previous) await releaseIn(previous, id);
  const after = await checkDatabaseFile(file, `the restored database ${file}`, maxVersion); // and after
  return { path: file, previous, ...after };
}
