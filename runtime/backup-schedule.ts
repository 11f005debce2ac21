/**
 * Scheduled backups inside the server (BACKUP_DIR, BACKUP_INTERVAL_HOURS, BACKUP_KEEP;
 * docs/operations.md "Scheduled backups"): every interval a copy `infoscreen-<UTC time>.db` is
 * written in a worker thread (db/backup.ts: temporary name, checked, atomic rename), then all but
 * the newest BACKUP_KEEP of those files are deleted. The next run is timed from the newest backup
 * in the folder, so a restart neither adds an extra backup nor skips one.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { startTsWorker } from '../lib/ts-worker.ts';
import type { BackupResult } from '../db/backup.ts';
import { fileStamp } from '../db/backup-file.ts';
import { pidAlive } from './lease.ts';
import { logger } from '../lib/logger.ts';

const log = logger('backup');

const NAME = /^infoscreen-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\.db$/;
/** Temporary copies db/backup.ts leaves only when its process died mid-copy: `.name.tmp-<pid>-<id>`. */
const LEFTOVER = /^\.infoscreen-\d{8}T\d{6}Z\.db\.tmp-(\d+)-/;
const RETRY_MS = 3_600_000; // a failed backup is tried again after at most an hour
const MAX_TIMER_MS = 2 ** 31 - 1; // setTimeout's limit (ms)

export const backupName = (ms: number) => `infoscreen-${fileStamp(ms)}.db`;

/** This schedule's backup files in `dir`, newest first. */
export async function listBackups(dir: string): Promise<{ name: string; at: number }[]> {
  const found: { name: string; at: number }[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const m = NAME.exec(name);
    if (m) found.push({ name, at: Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) });
  }
  return found.sort((a, b) => b.at - a.at);
}

/** Milliseconds until the next backup is due: at once without one, else one interval after the newest. */
export function dueIn(newestAt: number | null, now: number, intervalMs: number): number {
  return newestAt === null ? 0 : Math.max(0, newestAt + intervalMs - now);
}

/** Deletes all but the newest `keep` backups (only files named like ours); answers the names deleted. */
export async function prune(dir: string, keep: number): Promise<string[]> {
  const old = (await listBackups(dir)).slice(keep).map((b) => b.name);
  for (const name of old) await rm(join(dir, name), { force: true });
  return old;
}

/** Temporary copies of processes that are gone (or of this one, after `stop`), with their side files. */
async function removeLeftovers(dir: string, ours: boolean): Promise<void> {
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const pid = Number(LEFTOVER.exec(name)?.[1] ?? NaN);
    if (Number.isNaN(pid) || (pid === process.pid ? !ours : pidAlive(pid))) continue;
    await rm(join(dir, name), { force: true }).catch(() => {});
  }
}

/** Runs the backup in a worker thread (lib/ts-worker.ts). */
function backupInWorker(dbPath: string, target: string, track: (w: Worker | null) => void): Promise<BackupResult> {
  const worker = startTsWorker(new URL('./backup-worker.ts', import.meta.url), { dbPath, target });
  track(worker);
  return new Promise<BackupResult>((resolve, reject) => {
    worker.once('message', (m: { ok: true; result: BackupResult } | { ok: false; error: string }) => (m.ok ? resolve(m.result) : reject(new Error(m.error))));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the backup worker stopped (exit code ${code})`)));
  }).finally(() => track(null));
}

export interface BackupScheduleOptions {
  dir: string;
  dbPath: string;
  intervalMs: number;
  keep: number;
  now?: () => number;
  /** Least time from start to the first backup (let start-up settle); default 60 s. */
  minDelayMs?: number;
}

export interface BackupStatus {
  last: { at: number; path: string; bytes: number } | null;
  lastError: { at: number; message: string } | null;
}

export class BackupSchedule {
  readonly status: BackupStatus = { last: null, lastError: null };
  #o: Required<BackupScheduleOptions>;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #running: Promise<BackupResult> | null = null;
  #worker: Worker | null = null;
  #stopped = false;

  constructor(opts: BackupScheduleOptions) {
    this.#o = { now: () => Date.now(), minDelayMs: 60_000, ...opts };
  }

  async start(): Promise<void> {
    await removeLeftovers(this.#o.dir, false);
    const newest = (await listBackups(this.#o.dir))[0]?.at ?? null;
    this.#arm(Math.max(this.#o.minDelayMs, dueIn(newest, this.#o.now(), this.#o.intervalMs)));
  }

  /** One backup now, then pruning; concurrent calls share the run in progress. */
  runOnce(): Promise<BackupResult> {
    this.#running ??= (async () => {
      const at = this.#o.now();
      const result = await backupInWorker(this.#o.dbPath, join(this.#o.dir, backupName(at)), (w) => (this.#worker = w));
      const removed = await prune(this.#o.dir, this.#o.keep);
      this.status.last = { at, path: result.path, bytes: result.bytes };
      log.info(`backup written: ${result.path} (${(result.bytes / 1048576).toFixed(1)} MiB)${removed.length ? `; removed ${removed.join(', ')}` : ''}`);
      return result;
    })()
      .catch((err: Error) => {
        this.status.lastError = { at: this.#o.now(), message: err.message };
        throw err;
      })
      .finally(() => (this.#running = null));
    return this.#running;
  }

  /** Stops the timer; a copy in progress is abandoned (its worker ended, its temporary file removed). */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#worker) await this.#worker.terminate().catch(() => 0);
    await this.#running?.catch(() => {});
    await removeLeftovers(this.#o.dir, true);
  }

  #arm(ms: number): void {
    if (this.#stopped) return;
    if (ms > MAX_TIMER_MS) {
      // setTimeout fires at once beyond ~24.8 days: wait in steps.
      this.#timer = setTimeout(() => this.#arm(ms - MAX_TIMER_MS), MAX_TIMER_MS);
      (this.#timer as { unref?: () => void }).unref?.();
      return;
    }
    this.#timer = setTimeout(() => {
      this.runOnce().then(
        () => this.#arm(this.#o.intervalMs),
        (err: Error) => {
          log.error(`scheduled backup into ${this.#o.dir} failed: ${err.message}`);
          this.#arm(Math.min(RETRY_MS, this.#o.intervalMs));
        },
      );
    }, ms);
    (this.#timer as { unref?: () => void }).unref?.();
  }
}
