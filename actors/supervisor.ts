/**
 * The supervisor: a registry of root client actors (docs/architecture.md "Actors in a registry, not spawned children"), not an XState parent, so 50,000
 * clients cost ~4 KB each instead of an O(n²) spawn. It creates and restores actors, routes events
 * to them, turns their snapshots into records, and reports what changed: to the writer (persist,
 * urgent or freshness-only) and to the bus (status changes, alerts). One actor failing never stops
 * the others: it is logged and recreated from its last good record.
 */
import { createActor, type Actor } from 'xstate';
import { clientMachine } from './client.machine.ts';
import { firstRecord, freshnessOnly, significantlyDifferent, toRecord, type ClientSnapshot } from './client.record.ts';
import { restoredSnapshot } from './client.restore.ts';
import type { ClientInput } from './client.context.ts';
import { commandUpdate } from './client.recovery.ts';
import type { CommandRecord, CommandStatus } from '../domain/command.types.ts';
import { clientName, emptyRecord, type ClientEvent, type ClientRecord, type ClientStatus } from '../domain/client.types.ts';
import { supervisorMachine } from './supervisor.machine.ts';
import { leafPaths } from './inspection/summary.ts';
import { midLadder, recentByClient, Resumes } from './supervisor.restore.ts';
import { unchangedReport, type Report } from './client.unchanged.ts';
import { quietExpectation } from './client.expected.ts';
import { currentSnapshot, expect, lazyActor, machineFor, startQuietly } from './supervisor.entry.ts';
import { HeldReports, withHeld } from './supervisor.held-reports.ts';
import { SupervisorAlerts } from './supervisor.alerts.ts';
import type { ClientActor, Entry, RecentLog, SupervisorDeps } from './supervisor.types.ts';
import { logger } from '../lib/logger.ts';

const log = logger('supervisor');

export type { RecentLog, SupervisorDeps } from './supervisor.types.ts';

export class Supervisor {
  #clients = new Map<string, Entry>();
  #deps: SupervisorDeps;
  #alerts: SupervisorAlerts;
  #online = 0;
  #quiet = false; // no alerts while restoring: a client that went silent while we were down is not news
  #resumes: Resumes;
  #machine: typeof clientMachine;
  #holdUnchanged: boolean;
  #heldReports: HeldReports;
  failures = 0; // actors that threw and were recreated
  /** Client reports that changed nothing but freshness, taken without a transition (actors/client.unchanged.ts). */
  unchangedReports = 0;
  /** The supervisor's own actor (`supervisor` in the inspector): restore, failures, outages. */
  readonly story: Actor<typeof supervisorMachine>;

  constructor(deps: SupervisorDeps) {
    this.#deps = deps;
    this.#holdUnchanged = deps.holdUnchanged ?? true;
    this.#machine = machineFor(deps.recovery);
    this.#resumes = new Resumes({
      clock: deps.clock,
      graceMs: deps.graceMs,
      isCurrent: (entry) => this.#clients.get(entry.record.uuid) === entry,
      release: (entry) => this.#heldReports.release(entry),
    });
    this.story = createActor(supervisorMachine, { id: 'supervisor', clock: deps.clock, inspect: deps.inspect }).start();
    this.#alerts = new SupervisorAlerts({
      clock: deps.clock,
      bus: deps.bus,
      graceMs: deps.graceMs,
      story: this.story,
      has: (uuid) => this.#clients.has(uuid),
      connectivity: (uuid) => this.#clients.get(uuid)?.record.connectivity,
      send: (uuid, event) => this.send(uuid, event),
    });
    this.#heldReports = new HeldReports({
      clock: deps.clock,
      graceMs: deps.graceMs,
      isCurrent: (entry) => this.#clients.get(entry.record.uuid) === entry,
      expect,
      observe: (uuid, entry, snap) => this.#observe(uuid, entry, snap),
      recover: (uuid, err) => this.#recover(uuid, err),
    });
  }

  get size(): number {
    return this.#clients.size;
  }

  get onlineCount(): number {
    return this.#online;
  }

  get outageSuspected(): boolean {
    return this.#alerts.outageSuspected;
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
    const { errors, warns, kinds } = recentByClient(recentLogs, rebootKinds);
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
        this.#resumes.schedule(entry, now);
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
    if (entry) expect(entry);
    if (entry?.held) this.#heldReports.release(entry);
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
    for (const e of this.#clients.values()) for (const p of leafPaths(currentSnapshot(e).value)) out[p] = (out[p] ?? 0) + 1;
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
      expect(entry);
      if (entry.held !== null) this.#heldReports.release(entry);
      if (this.#clients.get(uuid) !== entry) return this.send(uuid, event); // recreated while releasing
      entry.actor.send(event);
    } catch (err) {
      this.#recover(uuid, err);
    }
  }

  /**
   * An unchanged report: what the actor would make of it (freshness, `client-seen`, a non-urgent
   * write) without a transition now; the actor gets it later (actors/supervisor.held-reports.ts).
   */
  #hold(uuid: string, entry: Entry, report: Report): void {
    this.#heldReports.hold(entry, report);
    this.unchangedReports++;
    this.#deps.persist(uuid, false);
    this.#deps.bus.emit({ type: 'client-seen', uuid, lastAlive: report.at });
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
    this.#alerts.forget(uuid); // a deleted client's offline alert is not news
    entry.held = null;
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
    for (const [uuid, entry] of this.#clients) this.#observe(uuid, entry, currentSnapshot(entry));
  }

  stop(): void {
    this.#alerts.clear();
    this.#resumes.clear();
    this.#heldReports.clear();
    this.story.stop();
    // Records stay readable: the writer's final flush still pulls the rows of stopped actors.
    for (const entry of this.#clients.values()) if (entry.created) entry.actor.stop();
  }

  /** A new client starts from the machine's initial states; a persisted one from its record. */
  #spawn(record: ClientRecord, restore: boolean, recentErrors?: number[], recentWarns?: number[], rebootKinds?: number[]): Entry {
    const { clock, inspect } = this.#deps;
    const input = this.#input(record, recentErrors, recentWarns, rebootKinds);
    // A restored actor needs no `input` (the snapshot carries the context); the actor keeps its
    // options for life, so passing it anyway would keep the loaded row alive for every client.
    // (cast: XState's types require `input` whenever the machine declares one)
    const start = (restore ? { snapshot: restoredSnapshot(input) } : { input }) as { input: ClientInput };
    const actor = createActor(this.#machine, { id: `client:${record.uuid}`, clock, inspect, ...start });
    const uuid = record.uuid; // (the closures below must not keep the loaded record alive)
    const entry: Entry = { actor, created: true, record, snap: null, held: null, releasing: false, expectation: null };
    this.#clients.set(uuid, entry);
    if (record.connectivity === 'online') this.#online++;
    this.#watch(uuid, entry, actor);
    // Starting notifies the observer with the first snapshot: that derives the record (restoring may
    // change the connectivity: a client silent for longer than the grace period).
    actor.start();
    return entry;
  }

  /**
   * A restored client without its actor yet (docs/performance.md "Restore"): the record is derived from the restored
   * snapshot, the actor is created from it on first use (an event for its machine, a release, a timer, the inspector).
   */
  #spawnLazy(record: ClientRecord, recentErrors?: number[], recentWarns?: number[], rebootKinds?: number[]): Entry {
    const { clock, inspect } = this.#deps;
    const restored = restoredSnapshot(this.#input(record, recentErrors, recentWarns, rebootKinds));
    const uuid = record.uuid;
    const entry = { record, snap: null, held: null, releasing: false, expectation: null } as unknown as Entry;
    lazyActor(entry, () => {
      const actor = createActor(this.#machine, { id: `client:${uuid}`, clock, inspect, snapshot: restored } as unknown as { input: ClientInput });
      this.#watch(uuid, entry, actor);
      startQuietly(entry, actor);
      return actor;
    });
    this.#clients.set(uuid, entry);
    if (record.connectivity === 'online') this.#online++;
    this.#observe(uuid, entry, restored as ClientSnapshot); // the record, as the actor's first snapshot would make it
    return entry;
  }

  #input(record: ClientRecord, recentErrors?: number[], recentWarns?: number[], rebootKinds?: number[]): ClientInput {
    const { clock, graceMs, recovery } = this.#deps;
    return { record, now: clock.now(), graceMs, recentErrors, recentWarns, recovery: recovery?.policy, rebootKinds };
  }

  /** Observes an actor's snapshots for its entry; a failure recreates it. */
  #watch(uuid: string, entry: Entry, actor: ClientActor): void {
    actor.subscribe({
      // XState also notifies when an event changed nothing (RESUME, an event no state handles):
      // the same snapshot object again, nothing to persist or announce.
      next: (snap) => {
        if (snap !== entry.snap && !entry.releasing) this.#observe(uuid, entry, snap);
      },
      error: (err) => this.#recover(uuid, err),
    });
  }

  #observe(uuid: string, entry: Entry, snap: ClientSnapshot): void {
    if (this.#clients.get(uuid) !== entry || snap.status !== 'active') return;
    const now = this.#deps.clock.now();
    const prev = entry.record;
    // Hot path (most health messages): nothing moved but the client's freshness.
    const first = entry.snap === null;
    const fresh = !first && withHeld(entry, freshnessOnly(prev, entry.snap!, snap));
    entry.snap = snap;
    if (fresh) {
      entry.record = fresh;
      this.#deps.persist(uuid, false);
      this.#deps.bus.emit({ type: 'client-seen', uuid, lastAlive: fresh.lastAlive! });
      return;
    }
    // (`first`: the actor's first snapshot, usually a restored client whose row already says it all)
    const next = first ? firstRecord(prev, snap, now) : withHeld(entry, toRecord(snap, now))!;
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
      this.#alerts.alert('service-failed', 'critical', `${clientName(next)}: service ${next.serviceFailedUnit ?? ''} failed`, uuid, now);
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

  #connectivityChanged(next: ClientRecord, before: string, now: number): void {
    if (before === 'online') this.#online--;
    if (next.connectivity === 'online') this.#online++;
    this.#deps.connectivityChanged?.(next.uuid, next.connectivity, now);
    if (this.#quiet) return;
    this.#alerts.connectivityChanged(next, before, now, this.#online);
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

