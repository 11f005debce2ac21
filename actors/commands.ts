/**
 * The command registry: owns every live command actor (root actors in a Map, like the client
 * supervisor), issues new commands under the safety lockout, routes acks and client sightings to
 * them, persists every transition through the writer, puts every transition on the bus, restores
 * unsettled commands at start-up with their original deadlines, and runs the expiry sweep.
 */
import { createActor, fromPromise, type Actor, type SnapshotFrom } from 'xstate';
import { commandMachine, type PublishInput } from './command.machine.ts';
import {
  DEFAULT_TIMERS,
  isRebootKind,
  isTerminal,
  NOT_STARTED,
  type CommandEvent,
  type CommandRecord,
  type CommandStatus,
  type CommandTimers,
} from '../domain/command.types.ts';
import type { CommandAck } from '../domain/ingest.port.ts';
import { REBOOT_LOCKOUT } from '../domain/policies.ts';
import { upsertCommandStatement } from '../db/commands.ts';
import { RebootLockout, type LockoutPolicy } from './commands.lockout.ts';
import { LiveCommandsByClient } from './commands.by-client.ts';
import type { IssueRequest, IssueResult, RegistryDeps } from './commands.types.ts';
import { commandPayload } from './commands.payload.ts';
import { logger, rateLimiter } from '../lib/logger.ts';

const log = logger('commands');

type CommandActor = Actor<typeof commandMachine>;
type CommandSnapshot = SnapshotFrom<typeof commandMachine>;

export type { LockoutPolicy } from './commands.lockout.ts';
export type { CommandTopics, IssueRequest, IssueResult, RegistryDeps } from './commands.types.ts';
export { commandPayload } from './commands.payload.ts';

export class CommandRegistry {
  #live = new Map<string, { actor: CommandActor; record: CommandRecord }>();
  // uuid → its live command ids, kept with #live: a sighting costs that client's commands, not all.
  #byClient = new LiveCommandsByClient();
  #lockout: RebootLockout;
  #d: RegistryDeps & { timers: CommandTimers; lockout: LockoutPolicy };
  #machine;
  #ignoredLog = rateLimiter(60_000);
  #waiters = new Map<string, Array<(r: CommandRecord) => void>>();

  constructor(deps: RegistryDeps) {
    this.#d = { timers: DEFAULT_TIMERS, lockout: { max: REBOOT_LOCKOUT.max, windowMs: REBOOT_LOCKOUT.windowMinutes * 60_000 }, ...deps };
    const { publisher, topics, clock } = this.#d;
    this.#lockout = new RebootLockout(clock, this.#d.lockout);
    this.#machine = commandMachine.provide({
      actors: {
        // Canonical + compat topics with identical bytes; reboots also on the legacy topic.
        // Resolves when the broker confirmed every QoS 1 publish (PUBACK).
        publish: fromPromise<{ at: number }, PublishInput>(async ({ input }) => {
          const payload = commandPayload(input);
          const opts = { qos: 1 as const, retain: false };
          await Promise.all([
            publisher.publish(topics.commands(input.clientUuid), payload, opts),
            publisher.publish(topics.commandAlias(input.clientUuid), payload, opts),
            input.action === 'reboot_host'
              ? publisher.publish(topics.legacyRestart(input.clientUuid), JSON.stringify({ action: 'restart' }), opts)
              : null,
          ]);
          return { at: clock.now() };
        }),
      },
    });
  }

  get liveCount(): number {
    return this.#live.size;
  }

  /** Live command records (those with an actor), newest first. */
  live(): CommandRecord[] {
    return Array.from(this.#live.values(), (e) => e.record).sort((a, b) => b.createdAt - a.createdAt);
  }

  get(commandId: string): CommandRecord | undefined {
    return this.#live.get(commandId)?.record;
  }

  /** Clients with at least one live command (the sighting index; for tests and metrics). */
  get clientsWithLiveCommands(): number {
    return this.#byClient.size;
  }

  /** Reboot-kind commands a client may still get in the current window. */
  lockoutRemaining(uuid: string): number {
    return Math.max(0, this.#d.lockout.max - this.#lockout.windowed(uuid).length);
  }

  /** Start-up: actors for unsettled commands, with their original absolute deadlines. */
  restore(records: CommandRecord[], rebootKinds: Array<{ uuid: string; createdAt: number }>): void {
    for (const r of rebootKinds) this.#lockout.remember(r.uuid, r.createdAt);
    for (const record of records) this.#spawn(record, true);
  }

  /** Creates a command, or records it as blocked_safety when the lockout would be exceeded. */
  issue(req: IssueRequest): IssueResult {
    const now = this.#d.clock.now();
    const issuedAt = Math.floor(now / 1000) * 1000; // whole seconds on the wire
    const expiry = Math.min(360, Math.max(180, req.expirySeconds ?? this.#d.expirySeconds ?? 240));
    const base: CommandRecord = {
      commandId: crypto.randomUUID(),
      clientUuid: req.uuid,
      action: req.action,
      status: 'queued',
      reason: req.reason,
      requestedBy: req.requestedBy,
      issuedAt,
      expiresAt: issuedAt + expiry * 1000,
      ...NOT_STARTED,
      stageDeadline: now + this.#d.timers.queued,
      lastSeenAt: null,
      bulkRunId: req.bulkRunId ?? null,
      createdAt: now,
      updatedAt: now,
    };
    if (isRebootKind(req.action) && this.#lockout.windowed(req.uuid).length >= this.#d.lockout.max) {
      const blocked: CommandRecord = {
        ...base,
        status: 'blocked_safety',
        stageDeadline: null,
        failedAt: now,
        errorCode: 'lockout_threshold',
        errorReason: 'lockout',
        errorMessage: `at most ${this.#d.lockout.max} reboot-kind commands per client in ${this.#d.lockout.windowMs / 60_000} minutes`,
      };
      this.#d.persist(blocked);
      this.#emit(blocked, null);
      return { command: blocked, blocked: true };
    }
    if (isRebootKind(req.action)) this.#lockout.remember(req.uuid, now);
    this.#spawn(base, false);
    this.#d.persist(base);
    this.#emit(base, null);
    if (this.#d.publisher.connected) this.#send(base.commandId, { type: 'START', at: now });
    return { command: this.get(base.commandId) ?? base, blocked: false };
  }

  /** Resolves once the command has left queued / publish_in_progress (for the 202 / 500 answer). */
  settledPublish(commandId: string): Promise<CommandRecord | undefined> {
    const current = this.get(commandId);
    if (!current || (current.status !== 'queued' && current.status !== 'publish_in_progress')) return Promise.resolve(current);
    return new Promise((resolve) => {
      const list = this.#waiters.get(commandId) ?? [];
      list.push(resolve);
      this.#waiters.set(commandId, list);
    });
  }

  /** An ack from a client; unknown commands and other clients' commands are logged and ignored. */
  ack(uuid: string, ack: CommandAck, at: number): void {
    const entry = this.#live.get(ack.commandId);
    if (!entry) return this.#ignored(uuid, `ack for unknown or settled command ${ack.commandId}`, at);
    if (entry.record.clientUuid !== uuid)
      return this.#ignored(uuid, `ack for command ${ack.commandId} of another client (${entry.record.clientUuid})`, at);
    this.#send(ack.commandId, { type: 'ACK', at, status: ack.status, errorCode: ack.errorCode, errorMessage: ack.errorMessage });
  }

  /** The client sent a heartbeat, health or discovery: its live commands hear of it. */
  clientSeen(uuid: string, kind: 'heartbeat' | 'health' | 'discovery', at: number): void {
    const ids = this.#byClient.ids(uuid);
    if (ids) for (const id of ids) this.#send(id, { type: 'CLIENT_SEEN', at, kind });
  }

  /** Cancels a live command before execution; answers the record (unchanged when too late). */
  cancel(commandId: string, by: number | null): CommandRecord | undefined {
    const entry = this.#live.get(commandId);
    if (!entry) return undefined;
    this.#send(commandId, { type: 'CANCEL', at: this.#d.clock.now(), by });
    // Not `this.get()`: a canceled command is settled and already left the map.
    return entry.record;
  }

  /** The broker (re)connected: queued commands can publish now. */
  brokerConnected(): void {
    const at = this.#d.clock.now();
    for (const [id, e] of this.#live) if (e.record.status === 'queued') this.#send(id, { type: 'START', at });
  }

  /** Expiry sweep (docs/commands.md): catches whatever a timer missed. */
  sweep(): void {
    const at = this.#d.clock.now();
    for (const [id, e] of this.#live) if (!isTerminal(e.record.status) && at > e.record.expiresAt) this.#send(id, { type: 'SWEEP', at });
  }

  stop(): void {
    for (const e of this.#live.values()) e.actor.stop();
    this.#live.clear();
    this.#byClient.clear();
  }

  #spawn(record: CommandRecord, restore: boolean): void {
    const { clock, inspect, timers } = this.#d;
    const input = { record, timers, now: clock.now() };
    const snapshot = restore
      ? this.#machine.resolveState({
          value: isTerminal(record.status) ? record.status : { live: record.status },
          context: { ...withoutStatus(record), now: clock.now(), timers },
        })
      : undefined;
    const actor = createActor(this.#machine, { id: `command:${record.commandId}`, clock, inspect, input, snapshot });
    const entry = { actor, record };
    this.#live.set(record.commandId, entry);
    this.#byClient.add(record.clientUuid, record.commandId);
    actor.subscribe({
      next: (snap) => this.#observe(entry, snap),
      error: (err) => {
        log.error(`command actor ${record.commandId} failed; marking it failed`, err);
        this.#settle(entry, { ...entry.record, status: 'failed', errorCode: 'internal_error', errorReason: 'internal_error', errorMessage: String(err), failedAt: clock.now() });
      },
    });
    actor.start();
    // Timers of a restored command are re-armed with the time left (docs/architecture.md "Absolute deadlines"); a deadline that
    // passed while the server was down fires at once.
    if (restore) actor.send({ type: 'RESUME', at: clock.now() });
  }

  #observe(entry: { actor: CommandActor; record: CommandRecord }, snap: CommandSnapshot): void {
    const value = snap.value as string | { live: string };
    const status = (typeof value === 'string' ? value : value.live) as CommandStatus;
    const prev = entry.record;
    const { now: _now, timers: _t, ...ctx } = snap.context;
    const next: CommandRecord = { ...ctx, status, updatedAt: this.#d.clock.now() };
    if (status === prev.status && sameRecord(prev, next)) return;
    entry.record = next;
    this.#d.persist(next);
    if (status !== prev.status) this.#emit(next, prev.status);
    if (status !== 'queued' && status !== 'publish_in_progress') this.#release(next);
    const settled = snap.status === 'done' || (isTerminal(status) && !escalationPending(next));
    if (settled) this.#settle(entry, next);
  }

  #settle(entry: { actor: CommandActor; record: CommandRecord }, record: CommandRecord): void {
    if (this.#live.get(record.commandId) !== entry) return;
    this.#live.delete(record.commandId);
    this.#byClient.delete(record.clientUuid, record.commandId);
    if (entry.record !== record) {
      entry.record = record;
      this.#d.persist(record);
    }
    this.#release(record);
    queueMicrotask(() => entry.actor.stop());
  }

  #release(record: CommandRecord): void {
    const waiters = this.#waiters.get(record.commandId);
    if (!waiters) return;
    this.#waiters.delete(record.commandId);
    for (const w of waiters) w(record);
  }

  #emit(record: CommandRecord, from: CommandStatus | null): void {
    this.#d.bus.emit({
      type: 'command',
      commandId: record.commandId,
      uuid: record.clientUuid,
      action: record.action,
      from,
      to: record.status,
      errorCode: record.errorCode,
      errorMessage: record.errorMessage,
      at: record.updatedAt,
    });
    this.#d.onTransition?.(record, from);
  }

  #send(commandId: string, event: CommandEvent): void {
    const entry = this.#live.get(commandId);
    if (!entry) return;
    try {
      entry.actor.send(event);
    } catch (err) {
      log.error(`command ${commandId} rejected ${event.type}`, err);
    }
  }

  #ignored(uuid: string, message: string, at: number): void {
    if (this.#ignoredLog(uuid, at)) log.warn(`${message}: ignored`);
  }
}

function withoutStatus(r: CommandRecord): Omit<CommandRecord, 'status'> {
  const { status: _s, ...rest } = r;
  return rest;
}

/** A failed / timed-out / expired last rung of automatic recovery still escalates after a cooldown. */
function escalationPending(r: CommandRecord): boolean {
  return (r.status === 'failed' || r.status === 'timed_out' || r.status === 'expired') && r.requestedBy === null && r.action === 'reboot_host';
}

function sameRecord(a: CommandRecord, b: CommandRecord): boolean {
  for (const key of Object.keys(b) as (keyof CommandRecord)[]) if (key !== 'updatedAt' && a[key] !== b[key]) return false;
  return true;
}
