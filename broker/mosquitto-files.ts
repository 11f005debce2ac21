/**
 * Writes the Mosquitto files of broker/mosquitto.ts into a folder, atomically (temp file + rename,
 * so Mosquitto never reads half a file), and signals a reload (SIGHUP to the pid in
 * MOSQUITTO_PID_FILE: Mosquitto 2.0 then re-reads password and ACL files and disconnects clients
 * whose credentials no longer verify). `MosquittoSync` regenerates after every provisioning or
 * group change, coalescing bursts (a bulk group assignment is one rewrite). Node-only.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/client.ts';
import { listActiveCredentials } from '../db/credentials.ts';
import { aclFile, MOSQUITTO_FILES, mosquittoConf, passwordFile, type MosquittoAccount, type MosquittoConfOptions } from './mosquitto.ts';
import { hashBrokerPassword } from './password-hash.ts';
import { logger } from '../lib/logger.ts';

const log = logger('mosquitto');

export interface MosquittoFilesOptions {
  dir: string;
  server: { username: string; password: string };
  /** A device's current group: the live fleet in the server, the persisted rows in the CLI. */
  groupOf: (uuid: string) => number | null;
  conf: MosquittoConfOptions;
  /** Rewrite mosquitto.conf even when it exists (the CLI); the server only creates it when missing. */
  overwriteConf: boolean;
}

export interface WrittenFiles {
  dir: string;
  devices: number;
  files: string[];
}

function writeAtomic(path: string, text: string, mode: number): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, path);
}

export async function writeMosquittoFiles(db: Db, o: MosquittoFilesOptions): Promise<WrittenFiles> {
  const devices = await listActiveCredentials(db);
  const accounts: MosquittoAccount[] = [
    { username: o.server.username, passwordHash: await hashBrokerPassword(o.server.password), principal: { role: 'server' } },
    ...devices.map((d) => ({ username: d.username, passwordHash: d.passwordHash!, principal: { role: 'device' as const, uuid: d.uuid, groupId: o.groupOf(d.uuid) } })),
  ];
  mkdirSync(o.dir, { recursive: true });
  const files: string[] = [];
  const confPath = join(o.dir, MOSQUITTO_FILES.conf);
  if (o.overwriteConf || !existsSync(confPath)) {
    writeAtomic(confPath, mosquittoConf(o.conf), 0o644);
    files.push(confPath);
  }
  // 0640: the broker may run as its own user in our group; never world-readable.
  writeAtomic(join(o.dir, MOSQUITTO_FILES.passwords), passwordFile(accounts), 0o640);
  writeAtomic(join(o.dir, MOSQUITTO_FILES.acl), aclFile(accounts), 0o640);
  files.push(join(o.dir, MOSQUITTO_FILES.passwords), join(o.dir, MOSQUITTO_FILES.acl));
  return { dir: o.dir, devices: devices.length, files };
}

/** SIGHUP the Mosquitto whose pid is in `pidFile`; answers false (and says why) when it could not. */
export function signalReload(pidFile: string): { ok: boolean; error?: string } {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 1) return { ok: false, error: `no pid in ${pidFile}` };
    process.kill(pid, 'SIGHUP');
    return { ok: true };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

export interface MosquittoSyncStatus {
  dir: string;
  pidFile: string | null;
  writes: number;
  lastWrittenAt: number | null;
  lastReloadAt: number | null;
  lastError: string | null;
}

/** Regenerates on demand, at most one write at a time, bursts coalesced into one. */
export class MosquittoSync {
  #o: MosquittoFilesOptions & { db: Db; pidFile?: string; now: () => number; debounceMs?: number };
  #timer: ReturnType<typeof setTimeout> | null = null;
  #running: Promise<void> | null = null;
  #again = false;
  status: MosquittoSyncStatus;

  constructor(o: MosquittoFilesOptions & { db: Db; pidFile?: string; now: () => number; debounceMs?: number }) {
    this.#o = o;
    this.status = { dir: o.dir, pidFile: o.pidFile ?? null, writes: 0, lastWrittenAt: null, lastReloadAt: null, lastError: null };
  }

  /** Something changed: rewrite soon. */
  schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.sync();
    }, this.#o.debounceMs ?? 100);
  }

  /** Rewrite now (and reload); resolves when the files on disk reflect every change so far. */
  sync(): Promise<void> {
    this.#again = true; // a write already running started too early for this change: one more pass
    this.#running ??= this.#loop().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #loop(): Promise<void> {
    while (this.#again) {
      this.#again = false;
      try {
        await writeMosquittoFiles(this.#o.db, this.#o);
        this.status.writes++;
        this.status.lastWrittenAt = this.#o.now();
        this.status.lastError = null;
        if (this.#o.pidFile) {
          const r = signalReload(this.#o.pidFile);
          if (!r.ok) throw new Error(`files written, reload failed: ${r.error}`);
          this.status.lastReloadAt = this.#o.now();
        }
      } catch (err) {
        this.status.lastError = (err as Error).message;
        log.error(`regenerating Mosquitto files in ${this.#o.dir} failed: ${(err as Error).message}`);
      }
    }
  }

  async close(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running;
  }
}
