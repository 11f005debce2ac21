/**
 * The rule engine (docs/notifications.md "Rules", "Semantics"): turns alert signals into notices
 * for the outbox, per rule. An alert fires once its delay has passed (counted from when the
 * group's schedule turned on, if it was off), is announced resolved with the same fingerprint,
 * may repeat while open; mutes and flapping hold it; quiet hours defer it to one digest at their
 * end; a channel over its rate cap gets one digest for the excess. Reads time only from the
 * injected clock, so every rule is a test on a simulated clock.
 */
import type { InStatement } from '@libsql/client';
import type { DeferredRow } from '../../db/notification-deferred.ts';
import { closeStatement, openStatement } from '../../db/notifications.ts';
import type { Clock } from '../../lib/clock.ts';
import { Deferrals } from './deferred.ts';
import { FlapTracker, inQuietHours, quietHoursEnd } from './windows.ts';
import { defaultDelaySeconds, SCREEN_KINDS, SEVERITY_RANK, type AlertKind, type Channel, type Notice, type NoticeAlert, type Rule, type Signal } from '../../domain/notifications.ts';

export const RATE_WINDOW_MS = 10 * 60_000; // a channel's rate cap counts messages in this window
export const TICK_MS = 15_000; // delays, schedules, mutes, quiet hours and flapping are looked at this often

/** What a group's schedule says at an instant: `scheduled` false = no events, always on. */
export interface ScheduleState {
  scheduled: boolean;
  on: boolean;
  since: number | null;
}

export interface ClientFacts {
  name: string;
  groupId: number | null;
  offline: boolean;
}

export interface EngineDeps {
  clock: Clock;
  /** Into the outbox (Delivery.enqueue); `also` is written in the same batch. */
  send: (channelId: number, ruleId: number | null, notice: Notice, also?: InStatement[]) => void;
  /** Durable memory of announced and deferred alerts (the writer's enqueue). */
  persist: (...s: InStatement[]) => void;
  schedule?: (groupId: number, at: number) => ScheduleState;
  /** The end of a mute covering this client or group at `at`, or null. */
  mutedUntil?: (uuid: string | undefined, groupId: number | null | undefined, at: number) => number | null;
  client?: (uuid: string) => ClientFacts | undefined;
}

interface Open {
  rule: Rule;
  signal: Signal;
  openedAt: number;
  firedAt: number | null;
  lastSentAt: number | null;
  /** Came back while flapping: the resolution waits for the stable message. */
  resolvedWhileFlapping?: boolean;
}

const toAlert = (s: Signal, status: 'firing' | 'resolved', startsAt: number, endsAt: number | null): NoticeAlert => ({
  kind: s.kind,
  status,
  fingerprint: s.fingerprint,
  severity: s.severity,
  uuid: s.uuid,
  groupId: s.groupId,
  summary: s.summary,
  params: s.params,
  startsAt,
  endsAt,
});

export class NotificationEngine {
  #d: EngineDeps;
  #rules: Rule[] = [];
  #channels = new Map<number, Channel>();
  #open = new Map<string, Open>(); // rule id|fingerprint
  #flaps = new FlapTracker();
  #deferred: Deferrals; // quiet hours and rate cap: durable until their digest
  #sent = new Map<number, number[]>(); // channel id → send times within RATE_WINDOW_MS
  #timer: unknown = null;

  constructor(deps: EngineDeps) {
    this.#d = deps;
    this.#deferred = new Deferrals((...s) => deps.persist(...s));
  }

  /** Rules and channels as stored (after every edit). Open alerts of deleted rules are forgotten. */
  setRules(rules: Rule[], channels: Channel[]): void {
    this.#rules = rules;
    this.#channels = new Map(channels.map((c) => [c.id, c]));
    const byId = new Map(rules.map((r) => [r.id, r]));
    for (const [key, o] of this.#open) {
      const r = byId.get(o.rule.id);
      if (r) o.rule = r;
      else this.#open.delete(key);
    }
    this.#deferred.keepOnly(new Set(byId.keys()), new Set(this.#channels.keys()));
  }

  /** After a restart: what quiet hours and rate caps held; due digests go out at the next tick. */
  restoreDeferred(rows: DeferredRow[]): void {
    this.#deferred.restore(rows);
  }

  /** After a restart: alerts announced before it, so their resolution still follows. */
  restore(rows: Array<{ ruleId: number; fingerprint: string; alert: unknown; firedAt: number }>): void {
    for (const row of rows) {
      const rule = this.#rules.find((r) => r.id === row.ruleId);
      const signal = row.alert as Signal | null;
      if (!rule || !signal?.kind) continue;
      this.#open.set(`${rule.id}|${row.fingerprint}`, { rule, signal, openedAt: signal.at, firedAt: row.firedAt, lastSentAt: row.firedAt });
    }
  }

  start(): void {
    const loop = () => {
      this.tick();
      this.#timer = this.#d.clock.setTimeout(loop, TICK_MS);
    };
    this.#timer = this.#d.clock.setTimeout(loop, TICK_MS);
  }

  stop(): void {
    if (this.#timer !== null) this.#d.clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Fingerprints of open alerts of one kind (any rule): the sources resolve them when their condition ends. */
  openOf(kind: AlertKind): Signal[] {
    const seen = new Map<string, Signal>();
    for (const o of this.#open.values()) if (o.signal.kind === kind) seen.set(o.signal.fingerprint, o.signal);
    return [...seen.values()];
  }

  /** An alert opened, closed, or happened once. */
  signal(s: Signal): void {
    const now = this.#d.clock.now();
    for (const rule of this.#rules) {
      if (!this.#matches(rule, s)) continue;
      const key = `${rule.id}|${s.fingerprint}`;
      const open = this.#open.get(key);
      if (s.status === 'resolved') {
        if (open) this.#resolve(key, open, s, now);
        continue;
      }
      if (open) open.signal = { ...s, at: open.signal.at };
      else this.#open.set(key, { rule, signal: s, openedAt: s.at, firedAt: null, lastSentAt: null });
      this.#evaluate(key, this.#open.get(key)!, now);
      if (s.status === 'event') this.#open.delete(key); // news once, never resolved
    }
  }

  /** A client went offline or came back (flapping counts these). */
  connectivity(uuid: string, at: number): void {
    if (!this.#flaps.change(uuid, at)) return;
    const facts = this.#d.client?.(uuid);
    const s: Signal = { kind: 'flapping', status: 'firing', fingerprint: `flapping|${uuid}`, severity: 'warning', uuid, groupId: facts?.groupId ?? null, summary: `${facts?.name ?? uuid} is flapping`, params: { name: facts?.name ?? uuid, count: String(this.#flaps.count(uuid)) }, at };
    for (const rule of this.#rules) {
      if (!this.#matches(rule, s) || this.#mutedOrOff(rule, s, at)) continue;
      const key = `${rule.id}|${s.fingerprint}`;
      this.#open.set(key, { rule, signal: s, openedAt: at, firedAt: at, lastSentAt: at });
      this.#announce(rule, toAlert(s, 'firing', at, null), 'flapping', at);
    }
  }

  /** Time moved on: delays, schedules, mutes, repeats, quiet-hour ends, rate windows, flapping ends. */
  tick(): void {
    const now = this.#d.clock.now();
    for (const uuid of this.#flaps.settled(now)) this.#stable(uuid, now);
    for (const [key, o] of this.#open) this.#evaluate(key, o, now);
    for (const d of this.#deferred.due(now)) {
      const notice: Notice = { kind: 'digest', alerts: d.alerts, digest: { reason: d.reason, resolved: d.resolved }, at: now };
      if (d.reason === 'rate-cap') {
        this.#d.send(d.channelId, d.ruleId, notice, [d.clear]);
        this.#sent.set(d.channelId, [now]);
      } else if (d.alerts.length || d.resolved) this.#out(d.channelId, d.ruleId, notice, [d.clear]);
      else this.#d.persist(d.clear);
    }
  }

  #matches(rule: Rule, s: Signal): boolean {
    const kinds = rule.kinds;
    const kindOk = !kinds || kinds.length === 0 || kinds.includes(s.kind) || (s.kind === 'flapping' && kinds.includes('client-offline'));
    if (!kindOk || SEVERITY_RANK[s.severity] < SEVERITY_RANK[rule.minSeverity]) return false;
    // Fleet-wide alerts (outage, command share) concern every group.
    return !rule.groupIds || rule.groupIds.length === 0 || s.groupId === null || s.groupId === undefined || rule.groupIds.includes(s.groupId);
  }

  /** Muted, or a screen alert while its group is scheduled off. */
  #mutedOrOff(rule: Rule, s: Signal, now: number): boolean {
    if (this.#d.mutedUntil?.(s.uuid, s.groupId, now)) return true;
    return this.#scheduleBase(rule, s, now) === null;
  }

  /** When the delay starts counting: the alert's start, or later when the schedule turned on; null while scheduled off. */
  #scheduleBase(rule: Rule, s: Signal, openedAt: number): number | null {
    if (!rule.respectSchedule || !SCREEN_KINDS.has(s.kind) || s.groupId === null || s.groupId === undefined || !this.#d.schedule) return openedAt;
    const st = this.#d.schedule(s.groupId, this.#d.clock.now());
    if (!st.scheduled) return openedAt; // no events at all: always on
    if (!st.on) return null;
    return Math.max(openedAt, st.since ?? openedAt);
  }

  #evaluate(key: string, o: Open, now: number): void {
    const { rule, signal: s } = o;
    if (o.firedAt !== null) {
      const every = rule.repeatSeconds ? rule.repeatSeconds * 1000 : 0;
      if (every && s.status !== 'event' && now - (o.lastSentAt ?? o.firedAt) >= every && !this.#d.mutedUntil?.(s.uuid, s.groupId, now)) {
        o.lastSentAt = now;
        this.#announce(rule, toAlert(s, 'firing', o.openedAt, null), 'firing', now);
      }
      return;
    }
    if (s.uuid && SCREEN_KINDS.has(s.kind) && this.#flaps.isFlapping(s.uuid)) return; // the stable message tells
    if (this.#d.mutedUntil?.(s.uuid, s.groupId, now)) return;
    const base = this.#scheduleBase(rule, s, o.openedAt);
    if (base === null) return;
    const delay = (s.status === 'event' ? 0 : rule.delaySeconds ?? defaultDelaySeconds(s.kind)) * 1000;
    if (now < base + delay) return;
    o.firedAt = o.lastSentAt = now;
    if (s.status !== 'event') this.#d.persist(openStatement(rule.id, s.fingerprint, s, now));
    this.#announce(rule, toAlert(s, 'firing', o.openedAt, null), 'firing', now);
  }

  #resolve(key: string, o: Open, s: Signal, now: number): void {
    if (o.signal.uuid && SCREEN_KINDS.has(o.signal.kind) && this.#flaps.isFlapping(o.signal.uuid)) {
      if (o.firedAt === null) this.#open.delete(key);
      else o.resolvedWhileFlapping = true;
      return;
    }
    this.#open.delete(key);
    if (o.firedAt === null) return; // never announced: nothing to take back
    this.#d.persist(closeStatement(o.rule.id, o.signal.fingerprint));
    if (o.rule.notifyResolved) this.#announce(o.rule, toAlert({ ...o.signal, params: { ...o.signal.params, ...s.params } }, 'resolved', o.openedAt, s.at), 'resolved', now);
  }

  /** A flapping client is stable again: one notice per rule with its current state. */
  #stable(uuid: string, now: number): void {
    const facts = this.#d.client?.(uuid);
    for (const rule of this.#rules) {
      const flapKey = `${rule.id}|flapping|${uuid}`;
      const flap = this.#open.get(flapKey);
      if (!flap) continue;
      this.#open.delete(flapKey);
      const alerts = [toAlert(flap.signal, 'resolved', flap.openedAt, now)];
      const offKey = `${rule.id}|client-offline|${uuid}`;
      const off = this.#open.get(offKey);
      if (facts?.offline) {
        const s: Signal = off?.signal ?? { kind: 'client-offline', status: 'firing', fingerprint: `client-offline|${uuid}`, severity: 'warning', uuid, groupId: facts.groupId, summary: `${facts.name} went offline`, params: { name: facts.name }, at: now };
        if (!off?.firedAt) {
          this.#open.set(offKey, { rule, signal: s, openedAt: s.at, firedAt: now, lastSentAt: now });
          this.#d.persist(openStatement(rule.id, s.fingerprint, s, now));
          alerts.push(toAlert(s, 'firing', s.at, null));
        }
      } else if (off) {
        this.#open.delete(offKey);
        if (off.firedAt !== null) {
          this.#d.persist(closeStatement(rule.id, off.signal.fingerprint));
          alerts.push(toAlert(off.signal, 'resolved', off.openedAt, now));
        }
      }
      this.#announce(rule, alerts, 'digest', now, 'stable');
    }
  }

  /** Quiet hours defer; otherwise out to the channel. */
  #announce(rule: Rule, alert: NoticeAlert | NoticeAlert[], kind: Notice['kind'], now: number, digest?: 'stable'): void {
    const alerts = Array.isArray(alert) ? alert : [alert];
    if (rule.quietHours && inQuietHours(rule.quietHours, now)) {
      this.#deferred.holdQuiet(rule, quietHoursEnd(rule.quietHours, now), alerts);
      return;
    }
    this.#out(rule.channelId, rule.id, { kind, alerts, ...(digest ? { digest: { reason: digest, resolved: 0 } } : {}), at: now });
  }

  /** The channel's rate cap: past it, notices fold into one digest at the end of the window. */
  #out(channelId: number, ruleId: number | null, notice: Notice, also: InStatement[] = []): void {
    const now = notice.at;
    const cap = this.#channels.get(channelId)?.rateCap ?? 20;
    const times = (this.#sent.get(channelId) ?? []).filter((t) => now - t < RATE_WINDOW_MS);
    if (this.#deferred.folding(channelId) || times.length >= cap) {
      // (while folding, the flush time was set by the first fold and is kept)
      this.#deferred.fold(channelId, ruleId, (times[0] ?? now) + RATE_WINDOW_MS, notice.alerts, also);
      this.#sent.set(channelId, times);
      return;
    }
    times.push(now);
    this.#sent.set(channelId, times);
    this.#d.send(channelId, ruleId, notice, also);
  }
}
