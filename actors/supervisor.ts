/**
 * The supervisor: a registry of root client actors (docs/architecture.md "Actors in a registry, not spawned children"), not an XState parent, so 50,000
 * clients cost ~4 KB each instead of an O(n²) spawn. It creates and restores actors, routes events
 * to them, turns their snapshots into records, and reports what changed: to the writer (persist,
 * urgent or freshness-only) and to the bus (status changes, alerts). One actor failing never stops
 * the others: it is logged and recreated from its last good record.
 */
import { createActor, type Actor, type InspectionEvent } from 'xstate';
import { clientMachine } from './client.machine.ts';
import { firstRecord, freshnessOnly, significantlyDifferent, toRecord, type ClientSnapshot } from './client.record.ts';
import { restoredSnapshot } from './client.restore.ts';
import type { ClientInput } from './client.context.ts';
import { commandUpdate, type RecoveryPolicy } from './client.recovery.ts';
import type { CommandAction, CommandRecord, CommandStatus } from '../domain/command.types.ts';
import { clientName, emptyRecord, type ClientEvent, type ClientRecord, type ClientStatus, type LogLevel, type RecoveryReason } from '../domain/client.types.ts';
import { OFFLINE_ALERT_SETTLE_MS, OutageDetector } from './outage.ts';
import { supervisorMachine } from './supervisor.machine.ts';
import { leafPaths } from './inspection/summary.ts';
import { DeadlineQueue } from './deadlines.ts';
import { DeadlineWheel } from './deadline-wheel.ts';
import { hold, refreshed, unchangedReport, type Report } from './client.unchanged.ts';
import { quietExpectation, type Expectation } from './client.expected.ts';
import type { EventBus } from '../lib/bus.ts';
import type { Clock } from '../lib/clock.ts';
import { logger } from '../lib/logger.ts';

const log = logger('supervisor');

/**
 * A restored client still silent this long (ms) before its deadline gets its RESUME then (see
 * `restore`); RESUME arms the time left itself, so this only has to cover a late timer.
 */
const RESUME_LEAD_MS = 10_000;
/**
 * Held unchanged reports (actors/client.unchanged.ts) reach their actor this long (ms) before the
 * grace timer it armed from the last report it saw could run out, so that timer never fires early.
 */
const RELEASE_LEAD_MS = 10_000;

type ClientActor = Actor<typeof clientMachine>;

interface Entry {
  /** Created on first use for a restored client (a getter until then: `lazyActor`). */
  actor: ClientActor;
  /** False while a restored client's actor is not created yet. */
  created: boolean;
  record: ClientRecord; // last observed, derived status included
  snap: ClientSnapshot | null; // the snapshot `record` was made from
  /** Unchanged reports not handed to the actor yet (`record` already has their freshness). */
  held: Report[] | null;
  releasing: boolean;
  /** An expected event that changes nothing visible yet (actors/client.expected.ts), not sent yet. */
  expectation: Expectation | null;
}

/** A restored online client whose grace timer is not armed yet (see `restore`). */
interface PendingResume {
  entry: Entry;
  lastAlive: number; // as restored: a different value means the client talked since
}

export interface SupervisorDeps {
  clock: Clock;
  bus: EventBus;
  graceMs: number;
  /** A client's row must be written: `urgent` for state changes, otherwise freshness only. */
  persist: (uuid: string, urgent: boolean) => void;
  /**
   * A client's connectivity changed (also while restoring): the availability history records it
   * through the writer (docs/availability.md).
   */
  connectivityChanged?: (uuid: string, connectivity: ClientRecord['connectivity'], at: number) => void;
  /**
   * Unchanged reports are taken without a transition and handed to the actor later
   * (actors/client.unchanged.ts). Default on; off sends every report through the machine at once
   * (the equivalence tests and the benchmark's comparison).
   */
  holdUnchanged?: boolean;
  /**
   * Restored clients get their actor on first use (`#spawnLazy`). Default on; off creates every
   * actor at the restore (the benchmark's comparison).
   */
  lazyRestore?: boolean;
  /** Shared inspection callback for every actor (the inspector hooks in here). */
  inspect?: (event: InspectionEvent) => void;
  /**
   * Crash recovery (docs/commands.md; actors/client.recovery.ts): the policy every client actor gets and
   * the effect its ladder asks for commands with (the runtime: CommandRegistry.issue, which applies
   * the lockout). Without it, recovery is off.
   */
  recovery?: {
    policy: RecoveryPolicy;
    request: (uuid: string, action: CommandAction, reason: RecoveryReason) => void;
    /** Withdraws a ladder's command that a suspected outage explains (CommandRegistry.cancel). */
    cancel?: (commandId: string) => void;
  };
}

export interface RecentLog {
  uuid: string;
  level: LogLevel;
  at: number;
}

export class Supervisor {
  #clients = new Map<string, Entry>();
  #deps: SupervisorDeps;
  #outage: OutageDetector;
  #online = 0;
  /**
   * Per-client offline alerts not shown yet: each waits OFFLINE_ALERT_SETTLE_MS after its own client
   * went offline (not after the first one of a wave), so an outage recognised meanwhile replaces it.
   * The map holds the offline time of the episode an alert belongs to.
   */
  #pendingOffline = new Map<string, number>();
  #offlineAlerts: DeadlineQueue<{ uuid: string; message: string; at: number }>;
  /** Clients told that a suspected outage explains their silence (OUTAGE events); told again when it ends. */
  #held = new Set<string>();
  #quiet = false; // no alerts while restoring: a client that went silent while we were down is not news
  #resumes: DeadlineQueue<PendingResume>;
  #machine: typeof clientMachine;
  #holdUnchanged: boolean;
  /** Releases held unchanged reports before their actor's grace timer could run out. */
  #releases: DeadlineWheel<Entry>;
  failures = 0; // actors that threw and were recreated
  /** Client reports that changed nothing but freshness, taken without a transition (actors/client.unchanged.ts). */
  unchangedReports = 0;
  /** The supervisor's own actor (`supervisor` in the inspector): restore, failures, outages. */
  readonly story: Actor<typeof supervisorMachine>;

  constructor(deps: SupervisorDeps) {
    this.#deps = deps;
    this.#holdUnchanged = deps.holdUnchanged ?? true;
    const recovery = deps.recovery;
    this.#machine = recovery
      ? clientMachine.provide({
          actions: {
            requestCommand: ({ context }, p) => recovery.request(context.identity.uuid, p.action, p.reason),
            cancelCommand: (_, p) => void (p.commandId !== null && recovery.cancel?.(p.commandId)),
          },
        })
      : clientMachine;
    this.#outage = new OutageDetector({ windowMs: deps.graceMs });
    this.#resumes = new DeadlineQueue(deps.clock, (p) => this.#resumeIfSilent(p));
    this.story = createActor(supervisorMachine, { id: 'supervisor', clock: deps.clock, inspect: deps.inspect }).start();
    this.#offlineAlerts = new DeadlineQueue(deps.clock, (p) => this.#offlineAlertDue(p));
    this.#releases = new DeadlineWheel(deps.clock, (entry) => {
      if (entry.held !== null && this.#clients.get(entry.record.uuid) === entry) this.#release(entry);
    });
  }

  get size(): number {
    return this.#clients.size;
  }

  get onlineCount(): number {
    return this.#online;
  }

  get outageSuspected(): boolean {
    return this.#outage.active;
  }

  /**
   * Start-up: one actor per persisted client, timers re-armed from `last_alive`.
   *
   * A restored actor's grace timer only runs once it is entered again (RESUME, docs/architecture.md "Absolute deadlines"), and
   * any message from the client enters it again anyway: with health every 5 s most of the fleet
   * arms its own timer within seconds. So RESUME, the costliest step of a restore (~20 µs each), is
   * only sent to a client still silent shortly before its deadline (`last_alive` + grace), which
   * it then reaches exactly as if it had been armed at start-up. One timer serves all of them.
   */
  restore(records: ClientRecord[], recentLogs: RecentLog[] = [], rebootKinds: Array<{ uuid: string; createdAt: number }> = []): void {
    const errors = new Map<string, number[]>();
    const warns = new Map<string, number[]>();
    const kinds = new Map<string, number[]>(); // the candidate rule of crash recovery needs them
    for (const k of rebootKinds) kinds.set(k.uuid, [...(kinds.get(k.uuid) ?? []), k.createdAt].sort((a, b) => a - b));
    for (const l of recentLogs) {
      const m = l.level === 'ERROR' ? errors : l.level === 'WARN' ? warns : null;
      if (!m) continue;
      const list = m.get(l.uuid) ?? [];
      list.push(l.at);
      m.set(l.uuid, list);
    }
    const now = this.#deps.clock.now();
    const started = performance.now();
    this.#quiet = true;
    try {
      for (const record of records) {
        if (this.#clients.has(record.uuid)) continue;
        const args = [errors.get(record.uuid), warns.get(record.uuid), kinds.get(record.uuid)] as const;
        const entry = this.#deps.lazyRestore === false ? this.#spawn(record, true, ...args) : this.#spawnLazy(record, ...args);
        // Mid-way through the recovery ladder: RESUME arms its deadline (it may fire at once).
        if (midLadder(entry.record)) entry.actor.send({ type: 'RESUME', at: now });
        const lastAlive = entry.record.lastAlive;
        if (entry.record.connectivity !== 'online' || lastAlive === null) continue;
        const resumeAt = lastAlive + this.#deps.graceMs - RESUME_LEAD_MS;
        if (resumeAt > now) this.#resumes.add(resumeAt, { entry, lastAlive });
        else entry.actor.send({ type: 'RESUME', at: now }); // due within the lead: arm it now
      }
    } finally {
      this.#quiet = false;
    }
    this.#resumes.arm();
    this.story.send({ type: 'RESTORED', clients: records.length, ms: Math.round(performance.now() - started), at: now });
  }

  has(uuid: string): boolean {
    return this.#clients.has(uuid);
  }

  get(uuid: string): ClientRecord | undefined {
    return this.#clients.get(uuid)?.record;
  }

  /** The actor's current snapshot, held reports handed over first (the inspector, tests). */
  snapshot(uuid: string): ClientSnapshot | undefined {
    const entry = this.#clients.get(uuid);
    if (entry) this.#expect(entry);
    if (entry?.held) this.#release(entry);
    return this.#clients.get(uuid)?.actor.getSnapshot();
  }

  /** Every client's record, in insertion order. */
  list(): ClientRecord[] {
    return Array.from(this.#clients.values(), (e) => e.record);
  }

  /**
   * Client actors per leaf state of their machine (`process.crashed` → 3), from the actors' own
   * snapshots: what the inspector's supervisor entry shows. One pass; only asked on request.
   */
  stateCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const e of this.#clients.values()) for (const p of leafPaths((e.created ? e.actor.getSnapshot() : e.snap!).value)) out[p] = (out[p] ?? 0) + 1;
    return out;
  }

  /** Creates the client when unknown (a new, not yet discovered client); answers whether it was new. */
  ensure(uuid: string): boolean {
    if (this.#clients.has(uuid)) return false;
    const record = emptyRecord(uuid, this.#deps.clock.now());
    this.#spawn(record, false);
    this.#deps.persist(uuid, true);
    this.#deps.bus.emit({ type: 'client-changed', uuid });
    return true;
  }

  /**
   * Route an event to a client's actor, creating the client when unknown. A report that changes
   * nothing but freshness refreshes the record at once and is held for the actor (see `#hold`);
   * anything else first hands the held reports over, so the actor sees every event in order.
   */
  send(uuid: string, event: ClientEvent): void {
    this.ensure(uuid);
    const entry = this.#clients.get(uuid)!;
    try {
      const snap = entry.snap;
      const unchanged = snap !== null && this.#holdUnchanged && !entry.releasing && unchangedReport(entry.record, snap.value, event);
      if (unchanged) return this.#hold(uuid, entry, unchanged);
      const quiet = snap !== null && this.#holdUnchanged && !entry.releasing && quietExpectation(entry.record, snap.value, event);
      if (quiet) return void (entry.expectation = quiet);
      if (event.type === 'EXPECTED_EVENT') entry.expectation = null; // superseded (it moved nothing)
      this.#expect(entry);
      if (entry.held !== null) this.#release(entry);
      if (this.#clients.get(uuid) !== entry) return this.send(uuid, event); // recreated while releasing
      entry.actor.send(event);
    } catch (err) {
      this.#recover(uuid, err);
    }
  }

  /**
   * An unchanged report: what the actor would make of it (freshness, `client-seen`, a non-urgent
   * write) without a transition now. The actor gets the latest held reports before its grace timer,
   * armed from the last report it saw, could run out: then it re-arms from the true last message.
   */
  #hold(uuid: string, entry: Entry, report: Report): void {
    if (entry.held === null) {
      const seen = entry.snap!.context.lastAlive ?? report.at;
      this.#releases.add(seen + this.#deps.graceMs - RELEASE_LEAD_MS, entry);
    }
    entry.held = hold(entry.held, report);
    entry.record = refreshed(entry.record, report);
    this.unchangedReports++;
    this.#deps.persist(uuid, false);
    this.#deps.bus.emit({ type: 'client-seen', uuid, lastAlive: report.at });
  }

  /**
   * Hands a client's held reports to its actor, in arrival order (the record has them already),
   * then RESUME: XState arms `after` relative to the clock when a state is entered, so the grace
   * timer is armed again for the time left after the last report (or the client goes offline now),
   * as when a restored actor resumes (docs/architecture.md "Absolute deadlines").
   */
  #release(entry: Entry): void {
    this.#expect(entry);
    const held = entry.held!;
    const uuid = entry.record.uuid;
    entry.held = null;
    entry.releasing = true;
    try {
      for (const e of held) entry.actor.send(e);
      entry.actor.send({ type: 'RESUME', at: this.#deps.clock.now() });
    } catch (err) {
      entry.releasing = false;
      return this.#recover(uuid, err);
    }
    entry.releasing = false;
    const before = entry.snap;
    const after = entry.actor.getSnapshot();
    if (after === before) return;
    const fresh = before && freshnessOnly(entry.record, before, after);
    if (fresh && fresh.lastAlive === entry.record.lastAlive && fresh.lastFrameUpdate === entry.record.lastFrameUpdate) entry.snap = after;
    else this.#observe(uuid, entry, after); // (not expected: the reports were unchanged ones)
  }

  /** Hands a kept quiet expectation to the actor, before anything else reaches it. */
  #expect(entry: Entry): void {
    const e = entry.expectation;
    if (e === null) return;
    entry.expectation = null;
    entry.actor.send(e);
  }

  /** A transition of one of a client's commands (CommandRegistry `onTransition`): its recovery ladder hears it. */
  commandChanged(record: CommandRecord, from: CommandStatus | null): void {
    if (this.#clients.has(record.clientUuid)) this.send(record.clientUuid, commandUpdate(record, from));
  }

  /** Stops and drops a client's actor. */
  remove(uuid: string): boolean {
    const entry = this.#clients.get(uuid);
    if (!entry) return false;
    this.#clients.delete(uuid);
    this.#pendingOffline.delete(uuid); // a deleted client's offline alert is not news
    entry.held = null;
    this.#held.delete(uuid);
    if (entry.record.connectivity === 'online') this.#online--;
    if (entry.created) entry.actor.stop();
    this.#deps.bus.emit({ type: 'client-removed', uuid });
    return true;
  }

  /**
   * Re-evaluate time-based rules (an ERROR log ageing out of the last hour changes the derived status
   * without any event). Called periodically by the runtime.
   */
  tick(): void {
    for (const [uuid, entry] of this.#clients) this.#observe(uuid, entry, entry.created ? entry.actor.getSnapshot() : entry.snap!);
  }

  stop(): void {
    this.#offlineAlerts.clear();
    this.#pendingOffline.clear();
    this.#held.clear();
    this.#resumes.clear();
    this.#releases.clear();
    this.story.stop();
    // Records stay readable: the writer's final flush still pulls the rows of stopped actors.
    for (const entry of this.#clients.values()) if (entry.created) entry.actor.stop();
  }

  /** A new client starts from the machine's initial states; a persisted one from its record. */
  #spawn(record: ClientRecord, restore: boolean, recentErrors?: number[], recentWarns?: number[], rebootKinds?: number[]): Entry {
    const { clock, graceMs, inspect } = this.#deps;
    const now = clock.now();
    const input = { record, now, graceMs, recentErrors, recentWarns, recovery: this.#deps.recovery?.policy, rebootKinds };
    // A restored actor needs no `input` (the snapshot carries the context); the actor keeps its
    // options for life, so passing it anyway would keep the loaded row alive for every client.
    // (cast: XState's types require `input` whenever the machine declares one)
    const start = (restore ? { snapshot: restoredSnapshot(input) } : { input }) as { input: ClientInput };
    const actor = createActor(this.#machine, { id: `client:${record.uuid}`, clock, inspect, ...start });
    const uuid = record.uuid; // (the closures below must not keep the loaded record alive)
    const entry: Entry = { actor, created: true, record, snap: null, held: null, releasing: false, expectation: null };
    this.#clients.set(uuid, entry);
    if (record.connectivity === 'online') this.#online++;
    actor.subscribe({
      // XState also notifies when an event changed nothing (RESUME, an event no state handles):
      // the same snapshot object again, nothing to persist or announce.
      next: (snap) => {
        if (snap !== entry.snap && !entry.releasing) this.#observe(uuid, entry, snap);
      },
      error: (err) => this.#recover(uuid, err),
    });
    // Starting notifies the observer with the first snapshot: that derives the record (restoring may
    // change the connectivity: a client silent for longer than the grace period).
    actor.start();
    return entry;
  }

  /**
   * A restored client without its actor yet (docs/performance.md "Restore"): its record is derived
   * from the restored snapshot as the actor's first snapshot would be, and the actor is created
   * from that same snapshot on first use (an event for its machine, a held report's release, a
   * timer, the inspector). Most restored clients send only unchanged reports for minutes, and
   * a client offline for good never needs one.
   */
  #spawnLazy(record: ClientRecord, recentErrors?: number[], recentWarns?: number[], rebootKinds?: number[]): Entry {
    const { clock, graceMs, inspect } = this.#deps;
    const input = { record, now: clock.now(), graceMs, recentErrors, recentWarns, recovery: this.#deps.recovery?.policy, rebootKinds };
    const restored = restoredSnapshot(input);
    const uuid = record.uuid;
    const entry = { record, snap: null, held: null, releasing: false, expectation: null } as unknown as Entry;
    lazyActor(entry, () => {
      const actor = createActor(this.#machine, { id: `client:${uuid}`, clock, inspect, snapshot: restored } as unknown as { input: ClientInput });
      actor.subscribe({
        next: (snap) => {
          if (snap !== entry.snap && !entry.releasing) this.#observe(uuid, entry, snap);
        },
        error: (err) => this.#recover(uuid, err),
      });
      // The start notification: the same state the record was derived from at the restore.
      entry.snap = null;
      entry.releasing = true;
      try {
        actor.start();
      } finally {
        entry.releasing = false;
      }
      entry.snap = actor.getSnapshot();
      return actor;
    });
    this.#clients.set(uuid, entry);
    if (record.connectivity === 'online') this.#online++;
    this.#observe(uuid, entry, restored as ClientSnapshot); // the record, as the actor's first snapshot would make it
    return entry;
  }

  /** A restored client silent until shortly before its deadline: enter `online` again (arms the time left). */
  #resumeIfSilent({ entry, lastAlive }: PendingResume): void {
    if (this.#clients.get(entry.record.uuid) !== entry || entry.record.connectivity !== 'online') return;
    if (entry.held !== null) this.#release(entry); // it talked: its reports re-arm the timer
    if (entry.actor.getSnapshot().context.lastAlive !== lastAlive) return; // it talked: its own timer runs
    entry.actor.send({ type: 'RESUME', at: this.#deps.clock.now() });
  }

  #observe(uuid: string, entry: Entry, snap: ClientSnapshot): void {
    if (this.#clients.get(uuid) !== entry || snap.status !== 'active') return;
    const now = this.#deps.clock.now();
    const prev = entry.record;
    // Hot path (most health messages): nothing moved but the client's freshness.
    const first = entry.snap === null;
    const fresh = !first && this.#withHeld(entry, freshnessOnly(prev, entry.snap!, snap));
    entry.snap = snap;
    if (fresh) {
      entry.record = fresh;
      this.#deps.persist(uuid, false);
      this.#deps.bus.emit({ type: 'client-seen', uuid, lastAlive: fresh.lastAlive! });
      return;
    }
    // (`first`: the actor's first snapshot, usually a restored client whose row already says it all)
    const next = first ? firstRecord(prev, snap, now) : this.#withHeld(entry, toRecord(snap, now))!;
    entry.record = next;
    if (significantlyDifferent(prev, next)) {
      this.#deps.persist(uuid, true);
      this.#deps.bus.emit({ type: 'client-changed', uuid });
    } else if (prev.lastAlive !== next.lastAlive) {
      this.#deps.persist(uuid, false);
    }
    if (prev.lastAlive !== next.lastAlive && next.lastAlive !== null)
      this.#deps.bus.emit({ type: 'client-seen', uuid, lastAlive: next.lastAlive });
    if (prev.connectivity !== next.connectivity) this.#connectivityChanged(next, prev.connectivity, now);
    if (prev.serviceStatus !== 'failed' && next.serviceStatus === 'failed' && !this.#quiet)
      this.#alert('service-failed', 'critical', `${clientName(next)}: service ${next.serviceFailedUnit ?? ''} failed`, uuid, now);
    if (prev.status !== next.status)
      this.#deps.bus.emit({
        type: 'client-status',
        uuid,
        status: next.status,
        previous: prev.status as ClientStatus,
        reasons: next.statusReasons,
        at: now,
      });
  }

  /** With reports held (only a `tick` observes then), the record's freshness is newer than the actor's. */
  #withHeld(entry: Entry, r: ClientRecord | null): ClientRecord | null {
    if (r === null || entry.held === null) return r;
    r.lastAlive = entry.record.lastAlive;
    r.lastFrameUpdate = entry.record.lastFrameUpdate;
    return r;
  }

  #connectivityChanged(next: ClientRecord, before: string, now: number): void {
    if (before === 'online') this.#online--;
    if (next.connectivity === 'online') this.#online++;
    this.#deps.connectivityChanged?.(next.uuid, next.connectivity, now);
    if (this.#quiet) return;
    if (next.connectivity === 'offline' && before === 'online') {
      const verdict = this.#outage.wentOffline(next.uuid, now, this.#online);
      if (verdict === 'outage') {
        // The one outage alert replaces every per-client alert still waiting.
        this.#pendingOffline.clear();
        this.#offlineAlerts.clear();
        this.story.send({ type: 'OUTAGE_SUSPECTED', at: now });
        this.#alert('outage-suspected', 'critical', 'Broker or network outage suspected: most of the fleet went silent', undefined, now);
        for (const uuid of [...this.#outage.silent()]) this.#holdForOutage(uuid, now);
      } else if (verdict === 'suppressed') {
        this.#holdForOutage(next.uuid, now);
      } else {
        this.#pendingOffline.set(next.uuid, now);
        this.#offlineAlerts.add(now + OFFLINE_ALERT_SETTLE_MS, { uuid: next.uuid, message: `${clientName(next)} went offline`, at: now });
        this.#offlineAlerts.arm();
      }
    } else if (next.connectivity === 'online' && before === 'offline') {
      this.#pendingOffline.delete(next.uuid); // back before its alert was shown: nothing to show
      if (this.#outage.cameOnline(next.uuid, this.#online)) {
        this.story.send({ type: 'OUTAGE_RESOLVED', at: now });
        this.#alert('outage-resolved', 'info', 'The fleet is reporting again', undefined, now);
        this.#releaseOutage(now);
      }
      else if (!this.#outage.active) this.#alert('client-online', 'info', `${clientName(next)} is back online`, next.uuid, now);
    }
  }

  /**
   * Crash recovery holds off a client whose silence a suspected outage explains (docs/commands.md
   * "Crash auto-recovery"): told now, as an event, so its machine stays pure.
   */
  #holdForOutage(uuid: string, at: number): void {
    if (this.#held.has(uuid) || !this.#clients.has(uuid)) return;
    this.#held.add(uuid);
    this.send(uuid, { type: 'OUTAGE', at, suspected: true });
  }

  /** The outage is over: every client it held gets a fresh recovery grace from now. */
  #releaseOutage(at: number): void {
    const held = [...this.#held];
    this.#held.clear();
    for (const uuid of held) if (this.#clients.has(uuid)) this.send(uuid, { type: 'OUTAGE', at, suspected: false });
  }

  /** A per-client offline alert has settled: shown unless an outage replaced it or the client came back. */
  #offlineAlertDue(p: { uuid: string; message: string; at: number }): void {
    if (this.#pendingOffline.get(p.uuid) !== p.at) return; // came back (or a later episode owns the alert)
    this.#pendingOffline.delete(p.uuid);
    if (this.#outage.active || this.#clients.get(p.uuid)?.record.connectivity !== 'offline') return;
    this.#alert('client-offline', 'warning', p.message, p.uuid, p.at);
  }

  #alert(kind: string, severity: 'info' | 'warning' | 'critical', message: string, uuid: string | undefined, at: number): void {
    this.#deps.bus.emit({ type: 'alert', kind, severity, message, uuid, at });
  }

  /** Failure isolation: log, then recreate the actor from its last good record. */
  #recover(uuid: string, err: unknown): void {
    const entry = this.#clients.get(uuid);
    if (!entry) return;
    this.failures++;
    this.story.send({ type: 'ACTOR_FAILED', uuid, error: String(err instanceof Error ? err.message : err).slice(0, 200), at: this.#deps.clock.now() });
    log.error(`client actor ${uuid} failed; recreating it from its last good state`, err);
    this.#clients.delete(uuid);
    if (entry.record.connectivity === 'online') this.#online--;
    try {
      if (entry.created) entry.actor.stop();
    } catch {
      /* already stopped by the error */
    }
    const next = this.#spawn(entry.record, true, undefined, undefined, entry.snap?.context.recovery.rebootKinds);
    if (next.record.connectivity === 'online' || midLadder(next.record)) next.actor.send({ type: 'RESUME', at: this.#deps.clock.now() });
  }
}

/** Makes `entry.actor` a getter that creates the actor once, on first use. */
function lazyActor(entry: Entry, create: () => ClientActor): void {
  entry.created = false;
  Object.defineProperty(entry, 'actor', {
    configurable: true,
    enumerable: true,
    get() {
      const actor = create();
      Object.defineProperty(entry, 'actor', { value: actor, writable: true, configurable: true, enumerable: true });
      entry.created = true;
      return actor;
    },
  });
}

/** A recovery step with a deadline to re-arm after a restore. */
const midLadder = (r: ClientRecord) => r.recoveryState === 'restarting_app' || r.recoveryState === 'rebooting';

