/**
 * `npm run restore -- <file>`: puts a backup in place of the file database, refused while a
 * server holds it; checked before and after, the previous database kept beside it
 * (db/restore.ts, docs/operations.md "Backup and restore").
 */
import { hostname } from 'node:os';
import { parseCli } from './cli.ts';
import { configOrExit } from './announce.ts';
import { BackupError, databaseFilePath } from '../db/backup.ts';
import { restoreDatabase } from '../db/restore.ts';
import { pidAlive } from '../runtime/lease.ts';

const USAGE = `usage: npm run restore -- <file>

Replaces the database (DATABASE_URL, a file database) with the backup <file>. Stop the server
first: a database held by a running server is refused. <file> must be an intact infoscreen-server
database (PRAGMA integrity_check) whose schema is not newer than this version's; it is copied and
checked beside the database before anything is replaced, and the database it replaces is kept as
<name>.before-restore-<time>. Start the server afterwards: it applies newer migrations itself.

  -h, --help   this text`;

const { positionals } = parseCli(USAGE, { options: {}, allowPositionals: true });
if (positionals.length !== 1) {
  console.error(USAGE);
  process.exit(2);
}
const config = configOrExit(process.env, (code) => process.exit(code));

try {
  const target = databaseFilePath(config.DATABASE_URL!);
  const r = await restoreDatabase(positionals[0], target, { host: hostname(), pid: process.pid, now: Date.now(), alive: pidAlive });
  console.log(`restored ${r.path} (${(r.bytes / 1048576).toFixed(1)} MiB, schema ${r.schemaVersion}, integrity ok)`);
  console.log(r.previous ? `  the previous database is kept as ${r.previous}` : '  there was no database before');
} catch (err) {
  if (!(err instanceof BackupError)) throw err;
  console.error(`restore refused: ${err.message}`);
  process.exit(2);
}
