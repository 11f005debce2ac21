/**
 * The writer's thread (db/write-thread.ts): its own connection to the database file, on which the
 * writer's batches run, so SQLite's work on them (the rows, their indexes, the commit) no longer
 * holds the server's event loop. Statements arrive already built; answers carry a failure's code,
 * so the writer still tells a store that fails from a statement that does (db/store-errors.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { InStatement, TransactionMode } from '@libsql/client';
import { openDatabase } from './client.ts';

type Request = { id: number; op: 'batch'; statements: InStatement[]; mode: TransactionMode } | { id: number; op: 'execute'; statement: InStatement };

const { url } = workerData as { url: string };
const db = await openDatabase(url);
// The server's own connection writes now and then (the lease at shutdown): wait, don't fail.
await db.execute('PRAGMA busy_timeout = 5000');

/** What survives the thread boundary of a failure: the fields db/store-errors.ts reads. */
function failure(err: unknown): { name: string; message: string; code?: string; rawCode?: number; cause?: unknown } {
  const e = err as { name?: string; message?: string; code?: unknown; rawCode?: unknown; cause?: unknown };
  return {
    name: typeof e?.name === 'string' ? e.name : 'Error',
    message: typeof e?.message === 'string' ? e.message : String(err),
    ...(typeof e?.code === 'string' && { code: e.code }),
    ...(typeof e?.rawCode === 'number' && { rawCode: e.rawCode }),
    ...(e?.cause !== undefined && e.cause !== err && { cause: failure(e.cause) }),
  };
}

parentPort!.on('message', async (req: Request) => {
  try {
    if (req.op === 'batch') await db.batch(req.statements, req.mode);
    else await db.execute(req.statement);
    parentPort!.postMessage({ id: req.id, ok: true });
  } catch (err) {
    parentPort!.postMessage({ id: req.id, ok: false, error: failure(err) });
  }
});
parentPort!.postMessage({ ready: true });
