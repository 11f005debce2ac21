/**
 * The inspection feed (docs/inspector.md): XState's own `inspect` hook of every root actor (clients,
 * commands, bulk runs, the scheduler) into one registry of live actors, each with a bounded
 * history ring, plus live fan-out to watchers (the inspector pages' SSE streams).
 *
 * What a history row is: a transition (the state value changed, or the actor started or stopped)
 * is one row; events in between that left the state value as it was (a healthy client's HEALTH
 * every 5 s) are folded into one row that counts them per event type and keeps the first event and
 * the latest context. So the last 100 rows show how the actor got where it is, not the last 500 seconds
 * of heartbeats. Every row keeps the context after it (time travel): XState snapshots are
 * immutable, so that is a reference, not a copy.
 *
 * Cost with nobody watching (negligible): per root snapshot one WeakMap lookup, a state
 * value comparison and a row push or counter bump; every other inspection event type returns at
 * the first check. Watchers are only looked up when there are any.
 */
import type { AnyActorRef, InspectionEvent } from 'xstate';
import { Ring } from './ring.ts';
import { leafPaths, sameValue } from './summary.ts';
import { MachineRegistry } from './machines.ts';

/** Rows kept per actor (docs/inspector.md: "the actor's last 100 transitions"). */
export const HISTORY_SIZE = 100;
/** Stopped actors (settled commands, removed clients) kept readable for their page. */
export const RECENTLY_STOPPED = 200;

export type EventLike = { type: string } & Record<string, unknown>;

export interface HistoryRow {
  /** Per actor, from 1. */
  seq: number;
  /** Time of the (latest) event of this row. */
  at: number;
  /** Time of the first event folded into this row (= `at` for a transition). */
  since: number;
  /** The event (of a folded row: its first event). */
  event: EventLike;
  /** State value before; null for the actor's first snapshot. */
  from: unknown;
  to: unknown;
  /** Context after this row (the latest, for a folded row). */
  context: unknown;
  transition: boolean;
  /** Folded row: event type → count. */
  folded: Record<string, number> | null;
  /** Snapshot status after: active, done, stopped, error. */
  status: string;
}

export interface InspectedActor {
  id: string;
  /** `client`, `command`, `bulk-run`, `scheduler` (the id up to the first colon). */
  kind: string;
  machineId: string;
  value: unknown;
  /** Leaf state paths of `value` (`process.crashed`). */
  paths: string[];
  context: unknown;
  status: string;
  startedAt: number;
  changedAt: number;
  updatedAt: number;
  history: Ring<HistoryRow>;
  seq: number;
  /** The last snapshot seen (XState re-emits the same object for an event that changed nothing). */
  snapshot: unknown;
}

export type Change = 'started' | 'row' | 'folded' | 'stopped';

export interface FeedSink {
  notify(actor: InspectedActor, row: HistoryRow, change: Change): void;
  /** The feed is closing (shutdown): end the stream. */
  close(): void;
}

export interface FeedOptions {
  now: () => number;
  machines?: MachineRegistry;
  historySize?: number;
  /** Every inspection event is also handed here (the optional Stately bridge). */
  forward?: (event: InspectionEvent) => void;
}

interface MachineSnapshotLike {
  value: unknown;
  context: unknown;
  status: string;
}

export class InspectionFeed {
  readonly machines: MachineRegistry;
  #now: () => number;
  #size: number;
  #forward: ((event: InspectionEvent) => void) | null;
  #byRef = new WeakMap<object, InspectedActor>();
  #live = new Map<string, InspectedActor>();
  #stopped = new Map<string, InspectedActor>();
  #watchers = new Map<string, Set<FeedSink>>();
  #listWatchers = new Set<FeedSink>();
  #closed = false;
  #resolve: ((id: string) => void) | null = null;

  constructor(opts: FeedOptions) {
    this.#now = opts.now;
    this.machines = opts.machines ?? new MachineRegistry();
    this.#size = opts.historySize ?? HISTORY_SIZE;
    this.#forward = opts.forward ?? null;
  }

  /** Pass as `inspect` to `createActor` (bound: safe to hand around). */
  readonly inspect = (ev: InspectionEvent): void => {
    if (this.#forward !== null) this.#forward(ev);
    if (ev.type !== '@xstate.snapshot') return;
    const ref = ev.actorRef as AnyActorRef;
    // Invoked children (a command's publish promise) are part of their root actor's story.
    if (ref.sessionId !== ev.rootId) return;
    const actor = this.#byRef.get(ref);
    if (actor === undefined) this.#adopt(ref, ev.snapshot as unknown as MachineSnapshotLike, ev.event as EventLike);
    else if (ev.snapshot !== actor.snapshot) this.#record(actor, ev.snapshot as unknown as MachineSnapshotLike, ev.event as EventLike);
  };

  /** Sets (or clears) the bridge every inspection event is also handed to. */
  setForward(forward: ((event: InspectionEvent) => void) | null): void {
    this.#forward = forward;
  }

  /** Live actors, in the order they appeared. */
  live(): IterableIterator<InspectedActor> {
    return this.#live.values();
  }

  get liveCount(): number {
    return this.#live.size;
  }

  /** Recently stopped actors, newest last. */
  stopped(): IterableIterator<InspectedActor> {
    return this.#stopped.values();
  }

  get(id: string): InspectedActor | undefined {
    const known = this.#live.get(id) ?? this.#stopped.get(id);
    if (known !== undefined || this.#resolve === null) return known;
    this.#resolve(id); // an actor created on first use (a restored client) starts now
    return this.#live.get(id);
  }

  /**
   * Who creates an actor not started yet when it is asked for by id (docs/performance.md
   * "Restore": restored clients get their actor on first use, so the inspector is such a use).
   */
  setResolver(resolve: ((id: string) => void) | null): void {
    this.#resolve = resolve;
  }

  /** Live changes of one actor. Returns the unsubscribe function. */
  watch(actorId: string, sink: FeedSink): () => void {
    if (this.#closed) {
      sink.close();
      return () => {};
    }
    let set = this.#watchers.get(actorId);
    if (!set) this.#watchers.set(actorId, (set = new Set()));
    set.add(sink);
    return () => {
      set.delete(sink);
      if (set.size === 0 && this.#watchers.get(actorId) === set) this.#watchers.delete(actorId);
    };
  }

  /** Actors starting, stopping or changing state (folded rows are not announced here). */
  watchAll(sink: FeedSink): () => void {
    if (this.#closed) {
      sink.close();
      return () => {};
    }
    this.#listWatchers.add(sink);
    return () => void this.#listWatchers.delete(sink);
  }

  get watcherCount(): number {
    let n = this.#listWatchers.size;
    for (const s of this.#watchers.values()) n += s.size;
    return n;
  }

  /** Ends every watcher's stream (runtime shutdown); the feed keeps recording. */
  close(): void {
    this.#closed = true;
    const sinks = [...this.#listWatchers, ...[...this.#watchers.values()].flatMap((s) => [...s])];
    this.#listWatchers.clear();
    this.#watchers.clear();
    for (const s of sinks) safely(() => s.close());
  }

  #adopt(ref: AnyActorRef, snap: MachineSnapshotLike, event: EventLike): void {
    const machineId = this.machines.learn((ref as unknown as { logic: unknown }).logic);
    if (machineId === null) return; // not a state machine: nothing to draw or to fold
    const now = this.#now();
    const id = ref.id;
    // The same id again (a client recreated after a failure, or removed and discovered again):
    // its history continues.
    const before = this.#live.get(id) ?? this.#stopped.get(id);
    this.#stopped.delete(id);
    const actor: InspectedActor = {
      id,
      kind: id.includes(':') ? id.slice(0, id.indexOf(':')) : id,
      machineId,
      value: snap.value,
      paths: leafPaths(snap.value),
      context: snap.context,
      status: snap.status,
      startedAt: now,
      changedAt: now,
      updatedAt: now,
      history: before?.history ?? new Ring<HistoryRow>(this.#size),
      seq: before?.seq ?? 0,
      snapshot: snap,
    };
    this.#byRef.set(ref, actor);
    this.#live.set(id, actor);
    const row = this.#push(actor, now, event, null, snap, true);
    this.#announce(actor, row, 'started', true);
    if (snap.status !== 'active') this.#retire(actor, row);
  }

  #record(actor: InspectedActor, snap: MachineSnapshotLike, event: EventLike): void {
    const now = this.#now();
    // Fast path: XState keeps a snapshot's array of active state nodes when an event changes only
    // the context (the common case: heartbeats, health), so identity means "same state value"
    // without walking the parallel regions. Anything else falls back to comparing the values.
    const prevNodes = (actor.snapshot as { _nodes?: unknown })._nodes;
    const sameNodes = prevNodes !== undefined && prevNodes === (snap as { _nodes?: unknown })._nodes;
    actor.snapshot = snap;
    actor.updatedAt = now;
    actor.context = snap.context;
    const transition = snap.status !== actor.status || (!sameNodes && !sameValue(actor.value, snap.value));
    const last = actor.history.last();
    if (!transition && last !== undefined && last.folded !== null) {
      // Another event that left the state as it was: fold it into the open row.
      // The row keeps its first event: holding on to each new one (young garbage otherwise) would
      // promote every health message to the old generation, which doubled GC time in bench runs.
      // The latest context costs nothing: the actor holds it anyway.
      last.folded[event.type] = (last.folded[event.type] ?? 0) + 1;
      last.at = now;
      last.context = snap.context;
      this.#announce(actor, last, 'folded', false);
      return;
    }
    const row = this.#push(actor, now, event, actor.value, snap, transition);
    if (transition) {
      actor.value = snap.value;
      actor.paths = leafPaths(snap.value);
      actor.changedAt = now;
      actor.status = snap.status;
    }
    if (snap.status !== 'active') this.#retire(actor, row);
    else this.#announce(actor, row, 'row', transition);
  }

  #push(actor: InspectedActor, at: number, event: EventLike, from: unknown, snap: MachineSnapshotLike, transition: boolean): HistoryRow {
    const row: HistoryRow = {
      seq: ++actor.seq,
      at,
      since: at,
      event,
      from,
      to: snap.value,
      context: snap.context,
      transition,
      folded: transition ? null : { [event.type]: 1 },
      status: snap.status,
    };
    actor.history.push(row);
    return row;
  }

  /** Stopped, done or failed: no longer live, still readable for a while. */
  #retire(actor: InspectedActor, row: HistoryRow): void {
    if (this.#live.get(actor.id) === actor) {
      this.#live.delete(actor.id);
      this.#stopped.set(actor.id, actor);
      if (this.#stopped.size > RECENTLY_STOPPED) this.#stopped.delete(this.#stopped.keys().next().value!);
    }
    this.#announce(actor, row, 'stopped', true);
  }

  #announce(actor: InspectedActor, row: HistoryRow, change: Change, listWorthy: boolean): void {
    if (this.#watchers.size !== 0) {
      const sinks = this.#watchers.get(actor.id);
      if (sinks) for (const s of sinks) safely(() => s.notify(actor, row, change));
    }
    if (listWorthy && this.#listWatchers.size !== 0) for (const s of this.#listWatchers) safely(() => s.notify(actor, row, change));
  }
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    console.error('[inspector] watcher failed', err);
  }
}
