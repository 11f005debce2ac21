/**
 * Shared by the broker CLIs (scripts/provision.ts, scripts/broker-mosquitto.ts): configuration from
 * the environment (the same variables as the server), the migrated database and a writer of their
 * own (every write still goes through a BatchedWriter, docs/architecture.md "One writer"), and the Mosquitto file
 * regeneration from persisted rows (no live fleet here).
 */
import { userInfo } from 'node:os';
import { loadConfig, ConfigError, type Config } from '../config.ts';
import { openDatabase, type Db } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { BatchedWriter } from '../db/writer.ts';
import { persistedGroups } from '../db/credentials.ts';
import { signalReload, writeMosquittoFiles, type WrittenFiles } from '../broker/mosquitto-files.ts';
import type { MosquittoConfOptions } from '../broker/mosquitto.ts';
import type { ServerAccount } from '../broker/server-account.ts';
import { setQuiet } from '../lib/logger.ts';

export interface CliContext {
  config: Readonly<Config>;
  db: Db;
  writer: BatchedWriter;
  /** Audit actor: the operating-system user running the command. */
  actor: string;
  close(): Promise<void>;
}

export async function openCli(env: Record<string, string | undefined> = process.env): Promise<CliContext> {
  setQuiet(true); // stdout carries the result (passwords, CSV); keep log lines out of it
  let config: Readonly<Config>;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
  const db = await openDatabase(config.DATABASE_URL!, config.DATABASE_AUTH_TOKEN);
  // A server may be running on the same file: wait for its write lock instead of failing at once.
  await db.execute('PRAGMA busy_timeout = 5000');
  await migrate(db);
  const writer = new BatchedWriter(db, { flushMs: 1000, freshnessMs: 30_000, clientUpsert: () => null });
  let who = 'unknown';
  try {
    who = userInfo().username;
  } catch {
    /* no passwd entry (containers) */
  }
  return {
    config,
    db,
    writer,
    actor: `cli:${who}`,
    close: async () => {
      await writer.stop();
      db.close();
    },
  };
}

/** Mosquitto files from the database: groups come from the persisted client rows. */
export async function regenerateMosquitto(
  ctx: CliContext,
  dir: string,
  server: ServerAccount,
  conf: MosquittoConfOptions,
  opts: { overwriteConf: boolean; pidFile?: string },
): Promise<WrittenFiles & { reloaded: boolean | null; reloadError?: string }> {
  const groups = await persistedGroups(ctx.db);
  const written = await writeMosquittoFiles(ctx.db, { dir, server, groupOf: (uuid) => groups.get(uuid) ?? null, conf, overwriteConf: opts.overwriteConf });
  if (!opts.pidFile) return { ...written, reloaded: null };
  const r = signalReload(opts.pidFile);
  return { ...written, reloaded: r.ok, reloadError: r.error };
}

export function fail(message: string, code = 2): never {
  console.error(message);
  process.exit(code);
}
