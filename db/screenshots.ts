/**
 * Screenshot files (docs/clients.md "Logs, screenshots, retention"): per client the latest image, the
 * last N timestamped ones, and the latest priority (`event_start`/`event_stop`) one with its
 * metadata, "active" for the priority TTL. Layout under `dir` (the screenshots root):
 *
 *   {uuid}/latest.jpg · {uuid}/priority.jpg · {uuid}/priority.json · {uuid}/history/{stamp}_{type}.jpg
 *
 * Every write is atomic (tmp file + rename), so a reader never sees half an image; writes of one
 * client are serialized. The uuid is validated (and lower-cased) before it becomes a path.
 * Identical-screenshot detection (FROZEN, docs/clients-screens.md) compares SHA-256 of consecutive
 * periodic captures; the last hash is kept in memory and, after a restart, taken once from the
 * newest periodic file in history/, so a frozen screen is still recognised after a restart.
 */
import { mkdir, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CaptureType } from '../domain/client.types.ts';

export interface ScreenshotStoreOptions {
  history: number; // timestamped screenshots kept per client
  priorityTtlMs: number; // ms a priority screenshot stays "active"
  now: () => number;
}

export interface PriorityInfo {
  captureType: CaptureType;
  at: number; // server receive time, epoch ms
  metadata: Record<string, unknown>;
}

export interface HistoryItem {
  name: string; // file name inside history/, for `historyImage`
  at: number;
  captureType: CaptureType;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HISTORY_RE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})\.(\d{3})Z_(periodic|event_start|event_stop)\.jpg$/;

export class ScreenshotStore {
  #dir: string;
  #o: ScreenshotStoreOptions;
  #lastPeriodic = new Map<string, string>(); // uuid → SHA-256 hex of its last periodic capture
  #priority = new Map<string, PriorityInfo | null>(); // read-through cache of priority.json
  #chains = new Map<string, Promise<unknown>>();

  constructor(dir: string, opts: ScreenshotStoreOptions) {
    this.#dir = dir;
    this.#o = opts;
  }

  /** Stores one capture; `identicalToPrevious` only for a periodic capture equal to the last periodic one. */
  save(uuid: string, jpeg: Uint8Array, captureType: CaptureType, metadata: Record<string, unknown>, at: number): Promise<{ identicalToPrevious: boolean }> {
    const id = this.#checked(uuid);
    return this.#serial(id, async () => {
      const dir = join(this.#dir, id);
      // Before this capture lands in history/: the previous periodic one (from disk after a restart).
      const previous = captureType === 'periodic' ? (this.#lastPeriodic.get(id) ?? (await this.#newestPeriodicHash(join(dir, 'history')))) : null;
      await mkdir(join(dir, 'history'), { recursive: true });
      await writeAtomic(join(dir, 'latest.jpg'), jpeg);
      await writeAtomic(join(dir, 'history', historyName(at, captureType)), jpeg);
      if (captureType !== 'periodic') {
        const info: PriorityInfo = { captureType, at, metadata };
        await writeAtomic(join(dir, 'priority.jpg'), jpeg);
        await writeAtomic(join(dir, 'priority.json'), new TextEncoder().encode(JSON.stringify(info)));
        this.#priority.set(id, info);
      }
      await this.#prune(join(dir, 'history'));
      if (captureType !== 'periodic') return { identicalToPrevious: false };
      const hash = await sha256(jpeg);
      const identicalToPrevious = previous === hash;
      this.#lastPeriodic.set(id, hash);
      return { identicalToPrevious };
    });
  }

  latest(uuid: string): Promise<Uint8Array | null> {
    const id = canonical(uuid);
    return id ? readOrNull(join(this.#dir, id, 'latest.jpg')) : Promise.resolve(null);
  }

  /** The last priority capture, active or not (null when none). */
  priority(uuid: string): Promise<Uint8Array | null> {
    const id = canonical(uuid);
    return id ? readOrNull(join(this.#dir, id, 'priority.jpg')) : Promise.resolve(null);
  }

  /** The priority capture while it is active (docs/clients-screens.md), else null: callers fall back to the latest. */
  async activePriority(uuid: string, now = this.#o.now()): Promise<Uint8Array | null> {
    return (await this.priorityActive(uuid, now)) ? this.priority(uuid) : null;
  }

  async priorityInfo(uuid: string): Promise<PriorityInfo | null> {
    const id = canonical(uuid);
    if (!id) return null;
    if (this.#priority.has(id)) return this.#priority.get(id)!;
    const raw = await readOrNull(join(this.#dir, id, 'priority.json'));
    let info: PriorityInfo | null = null;
    try {
      info = raw ? (JSON.parse(new TextDecoder().decode(raw)) as PriorityInfo) : null;
    } catch {
      info = null; // a corrupt file counts as none; the next priority capture rewrites it
    }
    this.#priority.set(id, info);
    return info;
  }

  /** docs/clients.md: a priority screenshot is active for PRIORITY_SCREENSHOT_TTL_SECONDS after it arrived. */
  async priorityActive(uuid: string, now = this.#o.now()): Promise<boolean> {
    const info = await this.priorityInfo(uuid);
    return priorityActive(info?.at ?? null, now, this.#o.priorityTtlMs);
  }

  /** Timestamped captures, newest first. */
  async history(uuid: string): Promise<HistoryItem[]> {
    const id = canonical(uuid);
    if (!id) return [];
    const names = await listOrEmpty(join(this.#dir, id, 'history'));
    return names.map(parseHistoryName).filter((h): h is HistoryItem => h !== null).sort((a, b) => b.name.localeCompare(a.name));
  }

  historyImage(uuid: string, name: string): Promise<Uint8Array | null> {
    const id = canonical(uuid);
    if (!id || !HISTORY_RE.test(name)) return Promise.resolve(null);
    return readOrNull(join(this.#dir, id, 'history', name));
  }

  /** Deletes every file of the client (client deleted). */
  remove(uuid: string): Promise<void> {
    const id = this.#checked(uuid);
    return this.#serial(id, async () => {
      await rm(join(this.#dir, id), { recursive: true, force: true });
      this.#lastPeriodic.delete(id);
      this.#priority.delete(id);
    });
  }

  #checked(uuid: string): string {
    const id = canonical(uuid);
    if (!id) throw new TypeError(`not a client uuid: ${JSON.stringify(uuid)}`);
    return id;
  }

  async #newestPeriodicHash(historyDir: string): Promise<string | null> {
    const newest = (await listOrEmpty(historyDir)).filter((n) => HISTORY_RE.test(n) && n.endsWith('_periodic.jpg')).sort().at(-1);
    const bytes = newest ? await readOrNull(join(historyDir, newest)) : null;
    return bytes ? sha256(bytes) : null;
  }

  async #prune(historyDir: string): Promise<void> {
    const names = (await listOrEmpty(historyDir)).filter((n) => HISTORY_RE.test(n)).sort();
    for (const old of names.slice(0, Math.max(0, names.length - this.#o.history))) {
      await unlink(join(historyDir, old)).catch(() => {});
    }
  }

  /** Runs `fn` after every earlier operation on the same client, whatever their outcome. */
  #serial<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.#chains.get(id) ?? Promise.resolve()).then(fn, fn);
    const tail = run.catch(() => {});
    this.#chains.set(id, tail);
    void tail.then(() => {
      if (this.#chains.get(id) === tail) this.#chains.delete(id);
    });
    return run;
  }
}

/**
 * The one rule for "active": a priority capture received at `at` is shown for `ttlMs` (exclusive),
 * after that the latest screenshot is. Shared by the image route, the dashboard and the overview.
 */
export function priorityActive(at: number | null, now: number, ttlMs: number): boolean {
  return at !== null && now < at + ttlMs;
}

function canonical(uuid: string): string | null {
  return UUID_RE.test(uuid) ? uuid.toLowerCase() : null;
}

/** `20260405T080000.123Z_periodic.jpg`: sorts by time as a string. */
function historyName(at: number, type: CaptureType): string {
  return `${new Date(at).toISOString().replace(/[-:]/g, '')}_${type}.jpg`;
}

function parseHistoryName(name: string): HistoryItem | null {
  const m = HISTORY_RE.exec(name);
  if (!m) return null;
  const at = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7]}Z`);
  return Number.isFinite(at) ? { name, at, captureType: m[8] as CaptureType } : null;
}

async function writeAtomic(path: string, data: Uint8Array): Promise<void> {
  const tmp = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
}

async function readOrNull(path: string): Promise<Uint8Array | null> {
  try {
    const b = await readFile(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength); // plain Uint8Array, not Node's Buffer
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function listOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}
