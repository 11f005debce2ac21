/**
 * A worker thread whose entry is one of our TypeScript modules: Deno loads TypeScript itself; Node
 * needs tsx registered inside the new thread before the entry is imported. Used by the writer's
 * thread (db/write-thread.ts) and the scheduled backups (runtime/backup-schedule.ts).
 */
import { Worker } from 'node:worker_threads';

export function startTsWorker(entry: URL, workerData: unknown): Worker {
  if ('Deno' in globalThis) return new Worker(entry, { workerData });
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { eval: true, workerData });
}
