/**
 * Worker thread of the scheduled backups (runtime/backup-schedule.ts): a file database's VACUUM INTO
 * runs synchronously inside libSQL, so on the server's own thread it would stall ingestion and
 * the dashboard for as long as the copy takes. Here it has a connection and a thread of its own.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createClient } from '@libsql/client';
import { backupDatabase } from '../db/backup.ts';

const { dbPath, target } = workerData as { dbPath: string; target: string };
const db = createClient({ url: `file:${dbPath}` });
try {
  await db.execute('PRAGMA busy_timeout = 5000');
  parentPort!.postMessage({ ok: true, result: await backupDatabase(db, target) });
} catch (err) {
  parentPort!.postMessage({ ok: false, error: (err as Error).message ?? String(err) });
} finally {
  db.close();
}
