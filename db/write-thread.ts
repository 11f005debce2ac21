/**
 * The writer's batches on a thread of their own (docs/architecture.md "One writer"): for a file
 * database, `openWriteThread` gives the writer a connection in a worker thread, so SQLite's work on
 * the rows no longer holds the event loop that parses MQTT and serves HTTP. Reads stay on the
 * server's own connection (WAL: they see every committed batch). A thread that dies fails what it
 * had in hand as a store failure (the writer keeps it and retries) and is started anew on the next
 * call (lib/ts-worker.ts starts it on Node and Deno).
 */
import type { Worker } from 'node:worker_threads';
import { startTsWorker } from '../lib/ts-worker.ts';
import type { InStatement, TransactionMode } from '@libsql/client';
import type { WriterDb } from './writer.types.ts';

export interface WriteThread extends WriterDb {
  close(): Promise<void>;
}

type Answer = { id: number; ok: true } | { id: number; ok: false; error: Failure };
interface Failure {
  name: string;
  message: string;
  code?: string;
  rawCode?: number;
  cause?: Failure;
}

/** The failure as an Error again, with the code the writer tells store failures by. */
function revive(f: Failure): Error {
  return Object.assign(new Error(f.message), { name: f.name, code: f.code, rawCode: f.rawCode, cause: f.cause && revive(f.cause) });
}

/** Thread lost (crashed, or closed under a pending call): a store failure, never a bad statement. */
const lost = (why: string) => Object.assign(new Error(`write thread ${why}`), { code: 'WRITE_THREAD_LOST' });

export async function openWriteThread(url: string): Promise<WriteThread> {
  let worker: Worker | null = null;
  let ready: Promise<void> | null = null;
  let closed = false;
  let nextId = 1;
  const pending = new Map<number, { resolve: (a: Answer) => void; reject: (e: Error) => void }>();

  const start = (): Promise<void> => {
    const w = startTsWorker(new URL('./write-thread.worker.ts', import.meta.url), { url });
    worker = w;
    w.unref(); // the writer's own stop and the runtime's close end it; it never keeps a process alive
    ready = new Promise<void>((resolve, reject) => {
      w.once('error', reject);
      w.on('message', (m: Answer | { ready: true }) => {
        if ('ready' in m) return resolve();
        const p = pending.get(m.id);
        pending.delete(m.id);
        p?.resolve(m);
      });
      w.once('exit', (code) => {
        if (worker === w) (worker = null), (ready = null);
        reject(lost(`stopped before it was ready (exit code ${code})`));
        for (const [id, p] of pending) pending.delete(id), p.reject(lost(`stopped (exit code ${code})`));
      });
    });
    return ready;
  };

  const call = async (req: { op: 'batch'; statements: InStatement[]; mode: TransactionMode } | { op: 'execute'; statement: InStatement }): Promise<void> => {
    if (closed) throw lost('closed');
    if (!worker) await start();
    else await ready;
    const id = nextId++;
    const answer = await new Promise<Answer>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker!.postMessage({ id, ...req });
    });
    if (!answer.ok) throw revive(answer.error);
  };

  await start();
  return {
    batch: (statements, mode = 'deferred') => call({ op: 'batch', statements, mode }),
    execute: (statement) => call({ op: 'execute', statement }),
    async close() {
      closed = true;
      const w = worker;
      worker = null;
      if (w) await w.terminate();
    },
  };
}
