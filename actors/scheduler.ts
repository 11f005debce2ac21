/**
 * The scheduler service (docs/scheduler.md "Publishing", "TV power intent"): owns the
 * scheduler actor (actors/scheduler.machine.ts) and what its cycles need: the in-memory schedule
 * (lib/schedule/book.ts, loaded from the database and reloaded on every edit), the last published
 * event list and power intent per group, counters and the transition log.
 *
 * A cycle publishes a group's retained event list when it changed (and every REFRESH_SECONDS),
 * an edited group's list at once, everything after a broker (re)connect and at start-up; the power
 * intent on change, as a heartbeat with the same intent_id every poll, and after every (re)connect.
 * It also tells the fleet which event each group should be playing (docs/scheduler.md "Expected vs actual").
 */
import { createActor, fromPromise, type Actor, type InspectionEvent } from 'xstate';
import { schedulerMachine, type CycleResult, type CycleWork } from './scheduler.machine.ts';
import type { Publisher } from '../broker/publisher.ts';
import { SchedulePublisher, type ScheduleTopics } from '../broker/schedule-publisher.ts';
import type { Db } from '../db/client.ts';
import { listEvents } from '../db/events.ts';
import { getGroup, listGroups } from '../db/groups.ts';
import { listHolidays } from '../db/holidays.ts';
import { listSettings } from '../db/settings.ts';
import { ScheduleBook } from '../lib/schedule/book.ts';
import { activeAt } from '../lib/schedule/occurrences.ts';
import { desiredIntent, nextIntent, type IntentPolicy, type IntentSemantics, type IntentState } from '../lib/schedule/power-intent.ts';
import { settingValues, type SettingValues } from '../lib/schedule/settings.ts';
import { eventListPayload, intentPayload, usesMedia, type MediaLinks } from '../lib/schedule/wire.ts';
import type { Occurrence } from '../lib/schedule/types.ts';
import type { Clock } from '../lib/clock.ts';
import { logger } from '../lib/logger.ts';
import { SchedulerCounters, type IntentTransition } from './scheduler.counters.ts';
import type { ScheduleChange } from '../domain/schedule.types.ts';

const log = logger('scheduler');

/** What a group's clients should be playing now (the first of its published active events). */
export interface ExpectedEvent {
  eventId: string;
  changing: boolean; // a video: identical screenshots mean a frozen screen (docs/clients-screens.md "Frozen screens")
}

/** Implemented by the Fleet: `complete` = every group is in the map (unassigned clients expect nothing). */
export interface ExpectedEventSink {
  expectEvents(byGroup: ReadonlyMap<number, ExpectedEvent | null>, complete: boolean): void;
}

/** The event a group is showing now, for the overview's group cards (title, type, until when). */
export interface ActiveEvent {
  eventId: number;
  title: string;
  eventType: string;
  /** End of this occurrence (UTC ms). */
  until: number;
  /** More events run at the same time (the clients get them all; the card names the first). */
  others: number;
}

/** What changed, for `changed()`: which groups' events, or the holidays / settings / group list. */
export type { ScheduleChange };

export interface SchedulerDeps {
  clock: Clock;
  db: Db;
  publisher: Publisher;
  topics?: ScheduleTopics;
  pollSeconds: number; // POLL_INTERVAL_SECONDS
  refreshSeconds: number; // REFRESH_SECONDS: 0 = publish only on change
  windowDays: number; // EVENTS_WINDOW_DAYS
  powerIntent: {
    enabled: boolean; // POWER_INTENT_PUBLISH_ENABLED
    heartbeat: boolean; // POWER_INTENT_HEARTBEAT_ENABLED
    expiryMultiplier: number; // POWER_INTENT_EXPIRY_MULTIPLIER
    minExpirySeconds: number; // POWER_INTENT_MIN_EXPIRY_SECONDS
  };
  expected?: ExpectedEventSink;
  /** Shared inspection callback (the inspector sees the scheduler like every other actor). */
  inspect?: (event: InspectionEvent) => void;
  newId?: () => string;
  /**
   * Where the last intent per group survives a restart (runtime: db/power-intents.ts through the
   * writer), so unchanged semantics keep their intent_id. Without it ids live in memory only.
   */
  intents?: { load(): Promise<Map<number, IntentState>>; save(groupId: number, state: IntentState | null): void };
  /**
   * The media library (docs/media.md "Signed URLs"): library items in event lists become signed
   * URLs, and a group showing one is recomputed (and, its URL having changed, republished) when
   * the URL's grid step ends, a full step before the URL it had expires.
   */
  media?: MediaLinks;
}

interface GroupWire {
  events: string | null; // last event list handed to the broker (null: publish again)
  eventsAt: number;
  intent: IntentState | null;
  intentPublished: boolean;
  expected: ExpectedEvent | null;
  /** What was computed holds until then, while the book's version stays the same. */
  stableUntil: number;
  version: number;
}

export class SchedulerService {
  readonly counters = new SchedulerCounters();
  #d: SchedulerDeps;
  #pub: SchedulePublisher;
  #book: ScheduleBook;
  #settings: SettingValues = settingValues({});
  #wire = new Map<number, GroupWire>();
  #toClear = new Set<number>();
  #actor: Actor<typeof schedulerMachine> | null = null;
  #idleWaiters: Array<() => void> = [];
  #policy: IntentPolicy;

  constructor(deps: SchedulerDeps) {
    this.#d = deps;
    this.#pub = new SchedulePublisher(deps.publisher, deps.topics);
    this.#book = new ScheduleBook(deps.windowDays);
    const p = deps.powerIntent;
    this.#policy = { pollSeconds: deps.pollSeconds, expiryMultiplier: p.expiryMultiplier, minExpirySeconds: p.minExpirySeconds };
  }

  /** Loads the schedule and starts the actor; its first cycle publishes every group (start-up). */
  async start(): Promise<void> {
    const [groups, events, holidays, settings] = await Promise.all([listGroups(this.#d.db), listEvents(this.#d.db), listHolidays(this.#d.db), listSettings(this.#d.db)]);
    this.#book.setGroups(groups.map((g) => g.id));
    this.#book.setAllEvents(events);
    this.#book.setHolidays(holidays);
    this.#settings = settingValues(settings);
    // The intents published before a restart: the first poll keeps their ids if nothing semantic
    // changed (it still publishes them, as after every start).
    for (const [id, intent] of (await this.#d.intents?.load()) ?? []) {
      if (this.#book.has(id)) this.#wire.set(id, { events: null, eventsAt: 0, intent, intentPublished: false, expected: null, stableUntil: 0, version: -1 });
    }
    const machine = schedulerMachine.provide({
      actors: { cycle: fromPromise<CycleResult, CycleWork>(({ input }) => this.#cycle(input)) },
    });
    const { clock, inspect } = this.#d;
    this.#actor = createActor(machine, { id: 'scheduler', systemId: 'scheduler', clock, inspect, input: { pollMs: this.#d.pollSeconds * 1000, now: clock.now() } });
    this.#actor.subscribe((snap) => {
      if (snap.value !== 'waiting') return;
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const w of waiters) w();
    });
    this.#actor.start();
  }

  /**
   * After an edit (the write is stored): reloads what changed from the database and republishes
   * the affected groups at once. Resolves when that cycle is done.
   */
  async changed(change: ScheduleChange): Promise<void> {
    const db = this.#d.db;
    const groups = new Set(change.groups ?? []);
    for (const id of groups) {
      if (await getGroup(db, id)) this.#book.setEvents(id, await listEvents(db, { groupId: id }));
      else if (this.#book.has(id) || this.#wire.has(id)) {
        // docs/scheduler.md: a deleted group gets its retained topics cleared.
        this.#book.removeGroup(id);
        this.#toClear.add(id);
      } else groups.delete(id);
    }
    if (change.holidays) this.#book.setHolidays(await listHolidays(db));
    if (change.settings) this.#settings = settingValues(await listSettings(db));
    const all = change.holidays || change.settings;
    if (!this.#actor || (!all && groups.size === 0 && this.#toClear.size === 0)) return;
    this.#actor.send({ type: 'CHANGED', at: this.#d.clock.now(), groups: all ? this.#book.groupIds() : [...groups] });
    await this.whenIdle(); // (the send moved the actor out of `waiting`, synchronously)
  }

  /** docs/scheduler.md: publish every group's intent (and event list) again after every broker reconnect. */
  brokerConnected(): void {
    this.#actor?.send({ type: 'BROKER_CONNECTED', at: this.#d.clock.now() });
  }

  /** Resolves once no cycle runs and none is queued. */
  whenIdle(): Promise<void> {
    if (!this.#actor || this.#actor.getSnapshot().value === 'waiting') return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Active occurrences of a group now (the dashboard's "now playing"). */
  active(groupId: number): Occurrence[] {
    return this.#book.active(groupId, this.#d.clock.now());
  }

  /** The group's current power intent as last computed (null before the first cycle or when disabled). */
  intent(groupId: number): IntentState | null {
    return this.#wire.get(groupId)?.intent ?? null;
  }

  transitions(): IntentTransition[] {
    return this.counters.transitions();
  }

  get state(): string {
    return String(this.#actor?.getSnapshot().value ?? 'stopped');
  }

  /** The first event running in a group at `now` (as the cycle publishes it), or null. */
  activeEvent(groupId: number, now: number): ActiveEvent | null {
    if (!this.#book.has(groupId)) return null;
    const active = this.#book.active(groupId, now);
    const first = active[0];
    if (!first) return null;
    return { eventId: first.event.id, title: first.event.title, eventType: first.event.eventType, until: first.end, others: active.length - 1 };
  }

  /**
   * Whether a group's schedule has its screens on at `now` (docs/notifications.md "Respect the
   * schedule"): `scheduled` false when it has no active events at all (always on), else `on` as the
   * power intent would say and `since` the start of the current on-window.
   */
  scheduleState(groupId: number, now: number): { scheduled: boolean; on: boolean; since: number | null } {
    if (!this.#book.events(groupId).some((e) => e.isActive)) return { scheduled: false, on: true, since: null };
    const want = desiredIntent(this.#book.occurrences(groupId, now), now);
    return { scheduled: true, on: want.desiredState === 'on', since: want.windowStart };
  }

  /** An event's title by id (the client page names what a screen plays), or null when no group has it. */
  eventTitle(eventId: number): string | null {
    for (const g of this.#book.groupIds()) for (const e of this.#book.events(g)) if (e.id === eventId) return e.title;
    return null;
  }

  stop(): void {
    this.#actor?.stop();
    this.#actor = null;
    for (const w of this.#idleWaiters.splice(0)) w();
  }

  // ── the cycle ───────────────────────────────────────────────────────────────────────────────

  async #cycle(work: CycleWork): Promise<CycleResult> {
    const started = performance.now();
    const now = this.#d.clock.now();
    const jobs: Promise<void>[] = [];
    for (const id of this.#toClear) {
      this.#toClear.delete(id);
      this.#wire.delete(id);
      this.#d.intents?.save(id, null);
      jobs.push(
        this.#pub.clear(id).then((ok) => {
          if (ok) this.counters.cleared++;
          else this.#toClear.add(id); // again at the next cycle
        }),
      );
    }
    const everything = work.full || work.reconnect;
    const edited = new Set(work.groups);
    const targets = everything ? this.#book.groupIds() : work.groups.filter((id) => this.#book.has(id));
    const expected = new Map<number, ExpectedEvent | null>();
    const refreshMs = this.#d.refreshSeconds * 1000;
    const media = await this.#d.media?.at(now);
    for (const id of targets) {
      let w = this.#wire.get(id);
      if (!w) this.#wire.set(id, (w = { events: null, eventsAt: 0, intent: null, intentPublished: false, expected: null, stableUntil: 0, version: -1 }));
      const refreshDue = work.full && refreshMs > 0 && now - w.eventsAt >= refreshMs;
      // Most polls: nothing started or ended since the last computation. Only refresh and heartbeat.
      if (!work.reconnect && !edited.has(id) && w.events !== null && now < w.stableUntil && w.version === this.#book.version(id)) {
        expected.set(id, w.expected);
        if (refreshDue) jobs.push(this.#publishEvents(id, w, w.events, now));
        if (this.#d.powerIntent.enabled && w.intent) this.#intentStep(id, w, w.intent, now, work, jobs);
        continue;
      }
      const occurrences = this.#book.occurrences(id, now);
      const active = activeAt(occurrences, now);
      w.expected = active[0] ? { eventId: String(active[0].event.id), changing: active[0].event.eventType === 'video' } : null;
      w.stableUntil = this.#book.nextChange(id, now);
      if (media && active.some((o) => usesMedia(o.event))) w.stableUntil = Math.min(w.stableUntil, media.renewAt);
      w.version = this.#book.version(id);
      expected.set(id, w.expected);
      const payload = eventListPayload(active, this.#settings, media?.lookup);
      if (payload !== w.events || work.reconnect || edited.has(id) || refreshDue) jobs.push(this.#publishEvents(id, w, payload, now));
      if (this.#d.powerIntent.enabled) this.#intentStep(id, w, desiredIntent(occurrences, now), now, work, jobs);
    }
    this.#d.expected?.expectEvents(expected, everything);
    await Promise.all(jobs);
    this.counters.cycleDone(performance.now() - started, work.full);
    return { at: this.#d.clock.now() };
  }

  async #publishEvents(id: number, w: GroupWire, payload: string, now: number): Promise<void> {
    w.events = payload;
    w.eventsAt = now;
    const ok = await this.#pub.events(id, payload);
    if (ok) this.counters.eventPublishes++;
    else {
      this.counters.publishFailures++;
      if (w.events === payload) w.events = null; // publish again at the next poll
    }
  }

  #intentStep(id: number, w: GroupWire, wanted: IntentSemantics, now: number, work: CycleWork, jobs: Promise<void>[]): void {
    const step = nextIntent(w.intent, wanted, now, this.#policy, this.#d.newId ?? (() => crypto.randomUUID()));
    const heartbeat = !step.changed && w.intentPublished && work.full && this.#d.powerIntent.heartbeat;
    if (!step.changed && !heartbeat && !work.reconnect && w.intentPublished) return;
    if (step.transition) {
      this.counters.transition(id, w.intent, step.state, now);
      this.#d.intents?.save(id, step.state);
    }
    w.intent = step.state;
    w.intentPublished = false;
    // docs/scheduler.md: never publish an already expired intent.
    if (step.state.expiresAt <= this.#d.clock.now()) return void this.counters.expiredSkipped++;
    const state = step.state;
    const reconnect = work.reconnect && this.counters.cycles > 0; // the first cycle is the start-up
    jobs.push(
      this.#pub.intent(id, intentPayload(id, state, this.#d.pollSeconds)).then((ok) => {
        if (!ok) return void this.counters.publishFailures++;
        if (w.intent === state) w.intentPublished = true;
        this.counters.intentPublished({ heartbeat, reconnect });
      }),
    );
  }
}
