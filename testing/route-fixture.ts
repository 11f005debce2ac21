/**
 * Shared fixtures for the route tests (not a test file itself): a real libSQL database (temp
 * file, migrated), the real BatchedWriter (flushed by the routes' writes, not started), a Map-backed
 * FleetApi, one user per role, and small request helpers around `app.request()`. Commands go
 * through the real CommandRegistry and BulkRuns on a SimulatedClock with a recording publisher.
 * real-fleet.ts builds on this with the real Supervisor + Fleet instead of MapFleet.
 */
import { SimulatedClock } from 'xstate';
import { CommandRegistry } from '../actors/commands.ts';
import { BulkRuns } from '../actors/bulk-runs.ts';
import { upsertCommandStatement } from '../db/commands.ts';
import { EventBus } from '../lib/bus.ts';
import { topics } from '../broker/topics.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../config.ts';
import { openDatabase, type Db } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { BatchedWriter } from '../db/writer.ts';
import { insertUserStatement, getUserByUsername } from '../db/users.ts';
import type { Role } from '../domain/users.ts';
import { hashPassword } from '../lib/password.ts';
import { setQuiet } from '../lib/logger.ts';
import { emptyRecord, type ClientRecord, type ClientStatus } from '../domain/client.types.ts';
import type { ClientUpdate, FleetApi, FleetCounts } from '../domain/fleet.types.ts';
import type { ScreenshotSource } from '../routes/screenshots.ts';
import { createApp } from '../app.ts';
import { appParts, type AppParts } from '../runtime/parts.ts';
import type { InStatement } from '@libsql/client';

export const PASSWORD = 'correct horse battery';
/** Cheap scrypt for fixtures only (the stored hash carries its own cost). */
const FAST = { N: 2 ** 10, r: 8, p: 1 };

/** In-memory stand-in for actors/fleet.ts; records the calls the routes make. */
export class MapFleet implements FleetApi {
  graceSeconds = 170;
  records = new Map<string, ClientRecord>();
  cleared: string[] = [];
  put(partial: Partial<ClientRecord> & { uuid: string }, now = Date.now()): ClientRecord {
    const r = { ...emptyRecord(partial.uuid, now), ...partial };
    this.records.set(r.uuid, r);
    return r;
  }
  list = () => [...this.records.values()].sort((a, b) => a.uuid.localeCompare(b.uuid));
  get = (uuid: string) => this.records.get(uuid);
  size = () => this.records.size;
  byStatus = (s: ClientStatus) => this.list().filter((r) => r.status === s);
  counts(): FleetCounts {
    const c = { total: this.size(), online: 0, healthy: 0, warning: 0, critical: 0, offline: 0 };
    for (const r of this.records.values()) {
      c[r.status]++;
      if (r.connectivity === 'online') c.online++;
    }
    return c;
  }
  async updateClient(uuid: string, u: ClientUpdate) {
    const r = this.records.get(uuid);
    if (!r) return undefined;
    if (u.description !== undefined) r.description = u.description;
    if (u.groupId !== undefined) r.groupId = u.groupId;
    return r;
  }
  async assignGroup(uuids: string[], groupId: number | null) {
    let n = 0;
    for (const id of uuids) if (await this.updateClient(id, { groupId })) n++;
    return n;
  }
  async deleteClient(uuid: string) {
    return this.records.delete(uuid);
  }
  async clearServiceFailed(uuid: string) {
    const r = this.records.get(uuid);
    if (!r) return false;
    this.cleared.push(uuid);
    r.serviceFailedAt = null;
    r.serviceFailedUnit = null;
    r.serviceStatus = 'ok';
    return true;
  }
  discovery = () => ({ groupId: null });
  clientEvent = () => {};
  log = () => {};
  screenshot = async () => {};
  commandAck = () => {};
}

/** Stands in for the broker connection: records publishes; `fail` makes them reject (no PUBACK). */
export class RecordingPublisher {
  connected = true;
  fail = false;
  published: Array<{ topic: string; payload: string; retain?: boolean }> = [];
  async publish(topic: string, payload: string | Uint8Array, opts?: { retain: boolean }) {
    if (this.fail) throw new Error('broker refused the publish');
    this.published.push({ topic, payload: String(payload), retain: opts?.retain ?? false });
  }
}

export class MapScreenshots implements ScreenshotSource {
  latestBytes = new Map<string, Uint8Array>();
  priorityBytes = new Map<string, Uint8Array>();
  latest = async (uuid: string) => this.latestBytes.get(uuid) ?? null;
  activePriority = async (uuid: string) => this.priorityBytes.get(uuid) ?? null;
}

export interface Fixture {
  app: ReturnType<typeof createApp>;
  db: Db;
  writer: BatchedWriter;
  fleet: MapFleet;
  screenshots: MapScreenshots;
  config: Readonly<Config>;
  clock: { t: number };
  /** The command actors' clock (starts at `clock.t`); advance it with `increment`. */
  commandClock: SimulatedClock;
  commands: CommandRegistry;
  bulkRuns: BulkRuns;
  publisher: RecordingPublisher;
  bus: EventBus;
  /** The app's long-lived parts (runtime/parts.ts): live hub, alert center, login guard, group names, ids. */
  parts: AppParts;
  /** Where the writer pulls client rows from at flush time (real-fleet.ts points it at its supervisor). */
  clientRows: { upsert: (uuid: string) => InStatement | null };
  ids: Record<Role, number>;
  /** Signs in (password PASSWORD) and answers the `sid=…` cookie pair. */
  login(username: string, password?: string): Promise<string>;
  close(): Promise<void>;
}

export async function fixture(env: Record<string, string> = {}): Promise<Fixture> {
  setQuiet(true);
  const dir = mkdtempSync(join(tmpdir(), 'infoscreen-routes-'));
  const config = loadConfig({ ENV: 'test', DATABASE_URL: `file:${join(dir, 'x.db')}`, ...env });
  const db = await openDatabase(config.DATABASE_URL!);
  await migrate(db);
  const clock = { t: Date.parse('2026-03-02T10:00:00Z') };
  const clientRows: Fixture['clientRows'] = { upsert: () => null };
  const writer = new BatchedWriter(db, { flushMs: 1000, freshnessMs: 30_000, now: () => clock.t, clientUpsert: (uuid) => clientRows.upsert(uuid) });
  const ids = {} as Record<Role, number>;
  for (const role of ['user', 'editor', 'admin', 'superadmin'] as Role[]) {
    writer.enqueue(insertUserStatement({ username: role, passwordHash: await hashPassword(PASSWORD, FAST), role }, clock.t));
  }
  await writer.write();
  for (const role of ['user', 'editor', 'admin', 'superadmin'] as Role[]) ids[role] = (await getUserByUsername(db, role))!.id;
  const fleet = new MapFleet();
  const screenshots = new MapScreenshots();
  const commandClock = new SimulatedClock();
  commandClock.set(clock.t);
  const bus = new EventBus();
  const publisher = new RecordingPublisher();
  const commands = new CommandRegistry({
    clock: commandClock, bus, publisher, topics, persist: (r) => writer.enqueue(upsertCommandStatement(r)),
  });
  const bulkRuns = new BulkRuns({ commands, bus, now: () => commandClock.now(), persist: (s) => writer.enqueue(s) });
  const lasting = appParts({ db, bus, persist: (...s) => writer.enqueue(...s), now: () => clock.t });
  const app = createApp({
    config, db, writer, fleet, screenshots, bus, commands, bulkRuns, brokerStatus: () => ({ connected: true }), now: () => clock.t, ...lasting.parts,
  });
  const login = async (username: string, password = PASSWORD) => {
    const res = await app.request('/api/auth/login', json('POST', { username, password }));
    if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
    return cookieOf(res);
  };
  return {
    app, db, writer, fleet, screenshots, config, clock, commandClock, commands, bulkRuns, publisher, bus, parts: lasting.parts, clientRows, ids, login,
    close: async () => {
      lasting.close(); // the live streams end, the alert center leaves the bus
      bulkRuns.stop();
      commands.stop();
      await writer.stop();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** RequestInit for a JSON request, optionally signed in. */
export function json(method: string, body?: unknown, cookie?: string, headers: Record<string, string> = {}): RequestInit {
  return {
    method,
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  };
}

/** The `sid=…` pair of a response's Set-Cookie. */
export function cookieOf(res: Response): string {
  const m = /(?:^|,\s*)(sid=[^;]*)/.exec(res.headers.get('set-cookie') ?? '');
  if (!m) throw new Error('no sid cookie');
  return m[1];
}

export const UUID_A = '11111111-1111-4111-8111-111111111111';
export const UUID_B = '22222222-2222-4222-8222-222222222222';
export const UUID_C = '33333333-3333-4333-8333-333333333333';
