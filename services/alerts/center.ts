/**
 * The alert center (one per app, built by the composition: runtime.ts): listens to the bus, persists every alert and deduplicates
 * them for the dashboard: the same kind for the same client within 5 minutes of the first
 * occurrence is one alert with a counter (one row in `alerts`, one toast showing "3 times").
 *
 * Alert sources: the supervisor's `alert` events (client offline / back, service failed, outage
 * suspected / resolved) and command outcomes, which the center turns into `alert` events of its
 * own (`command-completed`, `command-failed`, `command-blocked`) so toasts and `/api/stream` see
 * them like any other alert. The bus event objects stay as they are: the dedup facts of an event
 * (`lookup`) are kept beside it, keyed by the event object every listener receives.
 */
import type { InStatement } from '@libsql/client';
import type { BusEvent, EventBus } from '../../lib/bus.ts';
import { insertAlertStatement, repeatAlertStatement, type Severity } from '../../db/alerts.ts';

export const DEDUP_WINDOW_MS = 5 * 60_000; // same kind + client within 5 min shows once

export type AlertEvent = Extract<BusEvent, { type: 'alert' }>;
type CommandEvent = Extract<BusEvent, { type: 'command' }>;

/** What the dashboard needs to show an alert event: its group, counter and message parameters. */
export interface AlertInfo {
  id: string;
  /** `kind|uuid`: the dedup key (the browser keeps one toast per key). */
  key: string;
  count: number;
  params: Record<string, string>;
}

export const COMMAND_ALERT_KINDS = ['command-completed', 'command-failed', 'command-blocked'] as const;

/** The alert a command transition raises, if any (docs/commands.md terminal states; canceled is the operator's own doing). */
export function commandAlert(e: CommandEvent): { event: AlertEvent; params: Record<string, string> } | null {
  let kind: string;
  let severity: Severity;
  if (e.to === 'completed') (kind = 'command-completed'), (severity = 'info');
  else if (e.to === 'blocked_safety') (kind = 'command-blocked'), (severity = 'warning');
  else if (e.to === 'failed' || e.to === 'timed_out' || e.to === 'expired') (kind = 'command-failed'), (severity = 'warning');
  else if (e.to === 'manual_intervention_required') (kind = 'command-failed'), (severity = 'critical');
  else return null;
  const detail = e.errorMessage ? `: ${e.errorMessage}` : '';
  return {
    event: { type: 'alert', kind, severity, message: `${e.action} on ${e.uuid}: ${e.to}${detail}`, uuid: e.uuid, at: e.at },
    params: { action: e.action, status: e.to, commandId: e.commandId },
  };
}

interface Group {
  id: string;
  firstAt: number;
  count: number;
}

export interface AlertCenterDeps {
  bus?: EventBus;
  /** Persist (the writer's enqueue). */
  persist: (...statements: InStatement[]) => void;
  windowMs?: number;
  newId?: () => string;
}

export class AlertCenter {
  readonly windowMs: number;
  #groups = new Map<string, Group>(); // dedup key → the open group
  #info = new WeakMap<AlertEvent, AlertInfo>();
  #own = new WeakSet<AlertEvent>();
  #off: (() => void) | null;
  #d: AlertCenterDeps;

  constructor(deps: AlertCenterDeps) {
    this.#d = deps;
    this.windowMs = deps.windowMs ?? DEDUP_WINDOW_MS;
    this.#off = deps.bus ? deps.bus.on((e) => this.#onEvent(e)) : null;
  }

  /** The dedup facts of an alert event the center has seen (undefined for anything else). */
  lookup(e: AlertEvent): AlertInfo | undefined {
    return this.#info.get(e);
  }

  /** Acknowledged groups are closed: the next occurrence starts a new alert (and a new toast). */
  acknowledged(ids: Iterable<string>): void {
    const set = new Set(ids);
    for (const [key, g] of this.#groups) if (set.has(g.id)) this.#groups.delete(key);
  }

  close(): void {
    this.#off?.();
    this.#off = null;
  }

  #onEvent(e: BusEvent): void {
    if (e.type === 'alert') {
      if (!this.#own.has(e)) this.#record(e, {}, null);
      return;
    }
    if (e.type !== 'command') return;
    const raised = commandAlert(e);
    if (!raised) return;
    this.#own.add(raised.event);
    this.#record(raised.event, raised.params, e.commandId);
    this.#d.bus?.emit(raised.event); // re-entrant: every listener (toasts, /api/stream) sees it
  }

  #record(e: AlertEvent, params: Record<string, string>, commandId: string | null): void {
    const key = `${e.kind}|${e.uuid ?? ''}`;
    // Drop groups whose window closed (keeps the map small on a long-running server).
    if (this.#groups.size > 1000) for (const [k, g] of this.#groups) if (e.at - g.firstAt >= this.windowMs) this.#groups.delete(k);
    const open = this.#groups.get(key);
    if (open && e.at - open.firstAt < this.windowMs && e.at >= open.firstAt) {
      open.count++;
      this.#info.set(e, { id: open.id, key, count: open.count, params });
      this.#d.persist(repeatAlertStatement({ id: open.id, severity: e.severity, message: e.message, commandId, params, count: open.count, lastAt: e.at }));
      return;
    }
    const id = this.#d.newId?.() ?? crypto.randomUUID();
    this.#groups.set(key, { id, firstAt: e.at, count: 1 });
    this.#info.set(e, { id, key, count: 1, params });
    this.#d.persist(
      insertAlertStatement({
        id,
        kind: e.kind,
        severity: e.severity,
        message: e.message,
        clientUuid: e.uuid ?? null,
        commandId,
        params,
        count: 1,
        firstAt: e.at,
        lastAt: e.at,
        acknowledgedAt: null,
        acknowledgedBy: null,
      }),
    );
  }
}
