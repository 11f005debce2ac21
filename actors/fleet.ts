/**
 * The Fleet: the domain facade over the supervisor. Ingestion (broker/) and the routes call it;
 * it sends typed events to client actors and performs the effects around them: log rows and deletes
 * through the one writer, retained MQTT publishes (group_id, service_failed clear), screenshot files.
 */
import type { Supervisor } from './supervisor.ts';
import type { ClientRecord, ClientStatus } from '../domain/client.types.ts';
import type { ClientUpdate, FleetApi, FleetCounts } from '../domain/fleet.types.ts';
import type { CommandAck, DiscoveryInfo, LogEntry, Screenshot } from '../domain/ingest.port.ts';
import type { Publisher } from '../broker/publisher.ts';
import type { BatchedWriter } from '../db/writer.ts';
import { deleteClientStatement } from '../db/clients.ts';
import { deleteClientData, insertLogStatement } from '../db/logs.ts';
import { logger, rateLimiter } from '../lib/logger.ts';

const log = logger('fleet');

/** What the Fleet needs of the screenshot store (db/screenshots.ts). */
export interface ScreenshotFiles {
  save(
    uuid: string,
    jpeg: Uint8Array,
    captureType: Screenshot['captureType'],
    metadata: Record<string, unknown>,
    at: number,
  ): Promise<{ identicalToPrevious: boolean }>;
  remove(uuid: string): Promise<void>;
}

/** Server → client retained topics the Fleet owns (docs/mqtt.md "Server → client"). */
export interface FleetTopics {
  groupId(uuid: string): string;
  serviceFailed(uuid: string): string;
}

/** What the Fleet needs of the command registry (actors/commands.ts). */
export interface CommandSink {
  ack(uuid: string, ack: CommandAck, at: number): void;
  clientSeen(uuid: string, kind: 'heartbeat' | 'health' | 'discovery', at: number): void;
}

export interface FleetDeps {
  supervisor: Supervisor;
  writer: BatchedWriter;
  publisher: Publisher;
  screenshots: ScreenshotFiles;
  topics: FleetTopics;
  graceSeconds: number;
  now: () => number;
  /** The command registry: acks go to it, and it hears when a client shows signs of life. */
  commands?: CommandSink;
  /** Extra cleanup when a client is deleted (credentials, commands…). */
  onClientDeleted?: (uuid: string) => Promise<void>;
  /**
   * Clients moved to another group, awaited BEFORE their retained group_id is published: the broker's
   * ACL (Mosquitto files) must know the new group before the device subscribes to its topics.
   */
  onGroupsChanged?: (uuids: string[]) => Promise<void>;
}

export class Fleet implements FleetApi {
  #d: FleetDeps;
  #ackLog = rateLimiter(60_000);
  #expected = new Map<string, string>(); // uuid → the expected event it was last told ("id|changing", '' = none)

  constructor(deps: FleetDeps) {
    this.#d = deps;
  }

  get graceSeconds(): number {
    return this.#d.graceSeconds;
  }

  // ── ingestion (IngestPort) ─────────────────────────────────────────────────────────────────

  discovery(uuid: string, info: DiscoveryInfo, at: number): { groupId: number | null } {
    this.#d.supervisor.send(uuid, { type: 'DISCOVERED', at, ...info });
    this.#d.commands?.clientSeen(uuid, 'discovery', at);
    return { groupId: this.#d.supervisor.get(uuid)?.groupId ?? null };
  }

  clientEvent(uuid: string, event: Parameters<Supervisor['send']>[1]): void {
    this.#d.supervisor.send(uuid, event);
    // docs/commands.md: reboots and shutdowns are followed by the client's silence and return.
    if (event.type === 'HEARTBEAT') this.#d.commands?.clientSeen(uuid, 'heartbeat', event.at);
    else if (event.type === 'HEALTH') this.#d.commands?.clientSeen(uuid, 'health', event.at);
  }

  log(uuid: string, entry: LogEntry, at: number): void {
    this.#d.writer.enqueueLog(insertLogStatement(uuid, entry, at));
    this.#d.supervisor.send(uuid, { type: 'LOG', at, level: entry.level });
  }

  async screenshot(uuid: string, shot: Screenshot, at: number): Promise<void> {
    this.#d.supervisor.ensure(uuid);
    const { identicalToPrevious } = await this.#d.screenshots.save(uuid, shot.jpeg, shot.captureType, shot.metadata, at);
    this.#d.supervisor.send(uuid, { type: 'SCREENSHOT', at, captureType: shot.captureType, identicalToPrevious });
  }

  commandAck(uuid: string, ack: CommandAck, at: number): void {
    if (this.#d.commands) return this.#d.commands.ack(uuid, ack, at);
    // docs/commands.md: an ack for an unknown command is logged and ignored.
    if (this.#ackLog(uuid, at)) log.warn(`ack for unknown command ${ack.commandId} from ${uuid} ignored`);
  }

  // ── reads ──────────────────────────────────────────────────────────────────────────────────

  list(): ClientRecord[] {
    return this.#d.supervisor.list().sort((a, b) => (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0));
  }

  get(uuid: string): ClientRecord | undefined {
    return this.#d.supervisor.get(uuid);
  }

  size(): number {
    return this.#d.supervisor.size;
  }

  counts(): FleetCounts {
    const c: FleetCounts = { total: 0, online: 0, healthy: 0, warning: 0, critical: 0, offline: 0 };
    for (const r of this.#d.supervisor.list()) {
      c.total++;
      c[r.status]++;
      if (r.connectivity === 'online') c.online++;
    }
    return c;
  }

  outageSuspected(): boolean {
    return this.#d.supervisor.outageSuspected;
  }

  byStatus(status: ClientStatus): ClientRecord[] {
    return this.list().filter((r) => r.status === status);
  }

  // ── operator actions ───────────────────────────────────────────────────────────────────────

  async updateClient(uuid: string, update: ClientUpdate): Promise<ClientRecord | undefined> {
    const moved = this.#apply(uuid, update);
    if (moved === undefined) return undefined;
    if (moved) await this.#groupsChanged([uuid]);
    return this.#d.supervisor.get(uuid);
  }

  async assignGroup(uuids: string[], groupId: number | null): Promise<number> {
    let n = 0;
    const moved: string[] = [];
    for (const uuid of uuids) {
      const m = this.#apply(uuid, { groupId });
      if (m === undefined) continue;
      n++;
      if (m) moved.push(uuid);
    }
    if (moved.length) await this.#groupsChanged(moved);
    return n;
  }

  /** Creates the client record when unknown (provisioning a device before it ever connected). */
  ensureClient(uuid: string): boolean {
    return this.#d.supervisor.ensure(uuid);
  }

  /** UPDATE_META; answers whether the group changed, or undefined for an unknown client. */
  #apply(uuid: string, update: ClientUpdate): boolean | undefined {
    const before = this.#d.supervisor.get(uuid);
    if (!before) return undefined;
    this.#d.supervisor.send(uuid, { type: 'UPDATE_META', at: this.#d.now(), ...update });
    return update.groupId !== undefined && update.groupId !== before.groupId;
  }

  async #groupsChanged(uuids: string[]): Promise<void> {
    await this.#d.onGroupsChanged?.(uuids).catch((err) => log.warn(`group change hook failed: ${(err as Error).message}`));
    for (const uuid of uuids) await this.publishGroup(uuid, this.#d.supervisor.get(uuid)?.groupId ?? null);
  }

  async deleteClient(uuid: string): Promise<boolean> {
    const record = this.#d.supervisor.get(uuid);
    if (!record) return false;
    this.#d.supervisor.remove(uuid);
    this.#expected.delete(uuid);
    this.#d.writer.forgetClient(uuid);
    await this.#d.writer.write(deleteClientStatement(uuid), ...deleteClientData(uuid));
    await this.#d.screenshots.remove(uuid);
    await this.#d.onClientDeleted?.(uuid);
    // Clear what the broker still holds for it, so a re-installed device starts clean.
    await this.#clearRetained(this.#d.topics.groupId(uuid));
    await this.#clearRetained(this.#d.topics.serviceFailed(uuid));
    return true;
  }

  async clearServiceFailed(uuid: string): Promise<boolean> {
    if (!this.#d.supervisor.has(uuid)) return false;
    this.#d.supervisor.send(uuid, { type: 'SERVICE_ACKNOWLEDGED', at: this.#d.now() });
    // docs/mqtt.md: an empty retained payload clears the notice; the client's retain-clear echo is ignored.
    await this.#clearRetained(this.#d.topics.serviceFailed(uuid));
    return true;
  }

  /**
   * Expected vs actual (docs/clients.md): the scheduler's expected event per group reaches each client
   * actor as EXPECTED_EVENT, only when it differs from what that client was last told. `complete`:
   * every group is in the map, so clients of other groups and unassigned ones expect nothing.
   */
  expectEvents(byGroup: ReadonlyMap<number, { eventId: string; changing: boolean } | null>, complete: boolean): void {
    const at = this.#d.now();
    for (const r of this.#d.supervisor.list()) {
      if (r.groupId === null ? !complete : !byGroup.has(r.groupId) && !complete) continue;
      const want = (r.groupId !== null && byGroup.get(r.groupId)) || null;
      const key = want ? `${want.eventId}|${want.changing}` : '';
      if (this.#expected.get(r.uuid) === key) continue;
      this.#expected.set(r.uuid, key);
      this.#d.supervisor.send(r.uuid, { type: 'EXPECTED_EVENT', at, eventId: want?.eventId ?? null, changing: want?.changing ?? false });
    }
  }

  /** Publishes a client's retained group id (empty payload when unassigned). */
  async publishGroup(uuid: string, groupId: number | null): Promise<void> {
    const topic = this.#d.topics.groupId(uuid);
    if (groupId === null) return this.#clearRetained(topic);
    await this.#publish(topic, JSON.stringify(groupId));
  }

  /**
   * After every broker (re)connect: the embedded broker keeps retained messages in memory only, so
   * the retained group ids are published again (harmless duplicates on a persistent broker).
   */
  async republishRetained(): Promise<void> {
    for (const r of this.#d.supervisor.list()) if (r.groupId !== null) await this.publishGroup(r.uuid, r.groupId);
  }

  async #clearRetained(topic: string): Promise<void> {
    await this.#publish(topic, '');
  }

  async #publish(topic: string, payload: string): Promise<void> {
    try {
      await this.#d.publisher.publish(topic, payload, { qos: 1, retain: true });
    } catch (err) {
      // The state change stands; the retained topic is republished on the next reconnect.
      log.warn(`publish to ${topic} failed: ${(err as Error).message}`);
    }
  }
}
