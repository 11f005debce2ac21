/**
 * `npm run backup -- <file>`: a consistent copy of the file database while the server runs
 * (VACUUM INTO a temporary name, checked, then renamed; docs/operations.md "Backup and restore").
 * A libSQL server URL is refused with the reason: the copy would be written on the server's disk.
 */
import { stat } from 'node:fs/promises';
import { createClient } from '@libsql/client';
import { parseCli } from './cli.ts';
import { configOrExit } from './announce.ts';
import { BackupError, backupDatabase, databaseFilePath } from '../db/backup.ts';

const USAGE = `usage: npm run backup -- <file> [--overwrite]

Writes a consistent copy of the database (DATABASE_URL, a file database) to <file>, also while
the server runs: VACUUM INTO a temporary name in the same folder, PRAGMA integrity_check on the
copy, then a rename. On any error (disk full, folder missing) no partial file is left behind.
A libSQL server (libsql://, http(s)://, ws(s)://) is refused: back it up with its own tools.

  --overwrite  replace <file> if it exists (atomically; refused otherwise)
  -h, --help   this text`;

const { positionals, values } = parseCli(USAGE, { options: { overwrite: { type: 'boolean' } }, allowPositionals: true });
if (positionals.length !== 1) {
  console.error(USAGE);
  process.exit(2);
}
const config = configOrExit(process.env, (code) => process.exit(code));

try {
  const path = databaseFilePath(config.DATABASE_URL!);
  if (!(await stat(path).catch(() => null))?.isFile()) throw new BackupError(`no database at ${path} (DATABASE_URL)`);
  const db = createClient({ url: `file:${path}` });
  try {
    await db.execute('PRAGMA busy_timeout = 5000'); // a running server's checkpoint may hold the file a moment
    const r = await backupDatabase(db, positionals[0], { overwrite: values.overwrite });
    console.log(`backup written: ${r.path} (${(r.bytes / 1048576).toFixed(1)} MiB, schema ${r.schemaVersion}, ${(r.ms / 1000).toFixed(1)} s)`);
  } finally {
    db.close();
  }
} catch (err) {
  if (!(err instanceof BackupError)) throw err;
  console.error(`backup refused: ${err.message}`);
  process.exit(2);
}
