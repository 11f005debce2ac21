/**
 * A consistent copy of a file database while the server runs (docs/operations.md "Backup and
 * restore"): `VACUUM INTO` a temporary name beside the target (one read transaction: a snapshot,
 * and in WAL mode writers go on meanwhile), seal and check the copy, fsync, then rename it into
 * place. Any failure removes the temporary copy: the target is either the whole backup or absent.
 */
import { randomUUID } from 'node:crypto';
import { rename, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Db } from './client.ts';
import { BackupError, buildSchemaVersion, fsyncPath, plainError, removeWithSideFiles, sealCopy } from './backup-file.ts';

export interface BackupResult {
  path: string;
  bytes: number;
  schemaVersion: number;
  ms: number;
}

/** The path of a `file:` DATABASE_URL, or a BackupError saying why a server URL cannot be copied here. */
export function databaseFilePath(url: string): string {
  if (url.startsWith('file:')) {
    const path = url.slice('file:'.length).split('?')[0];
    if (path && path !== ':memory:') return resolve(path);
  }
  if (url.includes(':memory:')) throw new BackupError('DATABASE_URL is an in-memory database: there is nothing on disk to back up or restore');
  throw new BackupError(
    `DATABASE_URL is a libSQL server (${url.replace(/\/\/[^@/]*@/, '//…@')}): VACUUM INTO would write on the server's own disk, and sqld refuses it ` +
      `as an unsupported statement. Back up a libSQL server with its own tools (docs/operations.md "A libSQL server")`,
  );
}

/** Backs `db` up into `target` (a file path). Refuses an existing target unless `overwrite`. */
export async function backupDatabase(db: Db, target: string, opts: { overwrite?: boolean } = {}): Promise<BackupResult> {
  const started = performance.now();
  const file = resolve(target);
  const dir = dirname(file);
  const folder = await stat(dir).catch(() => null);
  if (!folder?.isDirectory()) throw new BackupError(`folder ${dir} does not exist (create it first)`);
  const current = await stat(file).catch(() => null);
  if (current?.isDirectory()) throw new BackupError(`${file} is a folder; name a file inside it`);
  if (current && !opts.overwrite) throw new BackupError(`${file} exists already (choose a new name, or pass --overwrite)`);
  // Hidden, unique and in the same folder: the rename below is atomic, and a leftover is recognisable.
  const temp = join(dir, `.${basename(file)}.tmp-${process.pid}-${randomUUID().slice(0, 8)}`);
  try {
    try {
      await db.execute({ sql: 'VACUUM INTO ?', args: [temp] });
    } catch (err) {
      throw new BackupError(`cannot write the backup into ${dir}: ${plainError(err)}`);
    }
    const facts = await sealCopy(temp, `the copy of the database`, await buildSchemaVersion());
    await fsyncPath(temp);
    await rename(temp, file);
    await fsyncPath(dir);
    return { path: file, bytes: facts.bytes, schemaVersion: facts.schemaVersion, ms: performance.now() - started };
  } catch (err) {
    await removeWithSideFiles(temp);
    if (err instanceof BackupError) throw err;
    throw new BackupError(`backup into ${file} failed: ${plainError(err)}`);
  }
}

export { BackupError };
