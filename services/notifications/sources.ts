/**
 * Where alerts come from (docs/notifications.md "Alert kinds"): the one subscription to the event
 * bus (the supervisor's alerts: offline after its settle time, back online, service failed,
 * outage suspected / resolved; connectivity changes for flapping; command outcomes) plus periodic
 * checks of what has no event of its own: a service running again, crash recovery waiting for a
 * person, ERROR/WARN logs over the threshold, the fleet's command success rate. The bus listener
 * only does in-memory work: it runs on the ingest path, delivery never does.
 */
import type { BusEvent, EventBus } from '../../lib/bus.ts';
import type { LevelCounts } from '../../db/logs.ts';
import type { NotificationEngine } from './engine.ts';
import type { Severity, Signal } from '../../domain/notifications.ts';

/** Seed 000's "active issue": ERROR > 0 or WARN > 5 in 24 h. */
export const LOG_THRESHOLD = { errors: 0, warns: 5, windowMs: 24 * 3_600_000 };
/** Seed 004's fleet threshold: success below 80 % with more than 10 commands in the last hour. */
export const COMMAND_THRESHOLD = { successBelow: 0.8, moreThan: 10, windowMs: 3_600_000 };

export interface ClientView {
  name: string;
  groupId: number | null;
  offline: boolean;
  serviceFailed: boolean;
  waitingManual: boolean;
}

export interface SourceDeps {
  bus: EventBus;
  engine: NotificationEngine;
  client: (uuid: string) => ClientView | undefined;
  clients: () => Iterable<[string, ClientView]>;
  /** ERROR/WARN counts per client since a time (db/logs.ts logSummary). */
  logCounts?: (since: number) => Promise<Record<string, LevelCounts>>;
  now: () => number;
}

const FAILED = new Set(['failed', 'timed_out', 'expired', 'manual_intervention_required']);

export class AlertSources {
  #d: SourceDeps;
  #off: () => void;
  #outcomes: Array<{ at: number; ok: boolean }> = [];

  constructor(deps: SourceDeps) {
    this.#d = deps;
    this.#off = deps.bus.on((e) => this.#onEvent(e));
  }

  close(): void {
    this.#off();
  }

  #signal(kind: Signal['kind'], status: Signal['status'], severity: Severity, subject: string, uuid: string | undefined, summary: string, params: Record<string, string>, at: number): void {
    const c = uuid ? this.#d.client(uuid) : undefined;
    const name = c?.name ?? uuid ?? '';
    this.#d.engine.signal({ kind, status, fingerprint: `${kind}|${subject}`, severity, uuid, groupId: c?.groupId ?? null, summary, params: { name, ...params }, at });
  }

  #onEvent(e: BusEvent): void {
    if (e.type === 'client-status') {
      if ((e.status === 'offline') !== (e.previous === 'offline') && e.previous !== null) this.#d.engine.connectivity(e.uuid, e.at);
      return;
    }
    if (e.type === 'command') return this.#command(e);
    if (e.type !== 'alert') return;
    const u = e.uuid;
    switch (e.kind) {
      case 'client-offline':
        return this.#signal('client-offline', 'firing', 'warning', u!, u, e.message, {}, e.at);
      case 'client-online':
        return this.#signal('client-offline', 'resolved', 'warning', u!, u, e.message, {}, e.at);
      case 'service-failed':
        return this.#signal('service-failed', 'firing', 'critical', u!, u, e.message, { unit: /service (\S*) failed/.exec(e.message)?.[1] ?? '' }, e.at);
      case 'outage-suspected':
        return this.#signal('outage', 'firing', 'critical', 'fleet', undefined, e.message, {}, e.at);
      case 'outage-resolved':
        this.#signal('outage', 'resolved', 'critical', 'fleet', undefined, e.message, {}, e.at);
        // Clients that came back during the outage raised no "back online": resolve them now.
        for (const s of this.#d.engine.openOf('client-offline')) {
          if (s.uuid && this.#d.client(s.uuid)?.offline === false) this.#signal('client-offline', 'resolved', 'warning', s.uuid, s.uuid, 'back online', {}, e.at);
        }
        return;
    }
  }

  #command(e: Extract<BusEvent, { type: 'command' }>): void {
    const terminal = e.to === 'completed' || FAILED.has(e.to);
    if (terminal) this.#outcomes.push({ at: e.at, ok: e.to === 'completed' });
    if (e.to === 'manual_intervention_required')
      this.#signal('command-manual', 'event', 'critical', e.commandId, e.uuid, `${e.action} on ${e.uuid}: ${e.to}`, { action: e.action, status: e.to }, e.at);
    else if (FAILED.has(e.to)) this.#signal('command-failed', 'event', 'warning', e.commandId, e.uuid, `${e.action} on ${e.uuid}: ${e.to}`, { action: e.action, status: e.to }, e.at);
  }

  /** Conditions without an event of their own (called every engine tick; cheap, in memory). */
  check(): void {
    const now = this.#d.now();
    for (const s of this.#d.engine.openOf('service-failed')) {
      const c = s.uuid ? this.#d.client(s.uuid) : undefined;
      if (!c?.serviceFailed) this.#signal('service-failed', 'resolved', 'critical', s.uuid!, s.uuid, 'service ok', {}, now);
    }
    const waiting = new Set(this.#d.engine.openOf('recovery-escalated').map((s) => s.uuid));
    for (const [uuid, c] of this.#d.clients()) {
      if (c.waitingManual && !waiting.has(uuid)) this.#signal('recovery-escalated', 'firing', 'critical', uuid, uuid, `${c.name}: crash recovery waits for a person`, {}, now);
      else if (!c.waitingManual && waiting.has(uuid)) this.#signal('recovery-escalated', 'resolved', 'critical', uuid, uuid, 'recovery over', {}, now);
    }
    this.#commandRate(now);
  }

  #commandRate(now: number): void {
    this.#outcomes = this.#outcomes.filter((o) => now - o.at < COMMAND_THRESHOLD.windowMs);
    const total = this.#outcomes.length;
    const ok = this.#outcomes.filter((o) => o.ok).length;
    const rate = total ? ok / total : 1;
    const bad = total > COMMAND_THRESHOLD.moreThan && rate < COMMAND_THRESHOLD.successBelow;
    const open = this.#d.engine.openOf('fleet-commands').length > 0;
    const params = { rate: String(Math.round(rate * 100)), failed: String(total - ok), total: String(total) };
    if (bad) this.#signal('fleet-commands', 'firing', 'warning', 'fleet', undefined, `commands: ${params.rate} % succeeded`, params, now);
    else if (open) this.#signal('fleet-commands', 'resolved', 'warning', 'fleet', undefined, `commands: ${params.rate} % succeeded`, params, now);
  }

  /** ERROR/WARN over the threshold per client (a database read: every few minutes, off the ingest path). */
  async checkLogs(): Promise<void> {
    if (!this.#d.logCounts) return;
    const now = this.#d.now();
    const counts = await this.#d.logCounts(now - LOG_THRESHOLD.windowMs);
    const over = new Set<string>();
    for (const [uuid, c] of Object.entries(counts)) {
      if (c.ERROR <= LOG_THRESHOLD.errors && c.WARN <= LOG_THRESHOLD.warns) continue;
      over.add(uuid);
      const severity = c.ERROR > 0 ? 'critical' : 'warning';
      this.#signal('client-logs', 'firing', severity, uuid, uuid, `${c.ERROR} errors, ${c.WARN} warnings in 24 h`, { errors: String(c.ERROR), warns: String(c.WARN) }, now);
    }
    for (const s of this.#d.engine.openOf('client-logs')) if (s.uuid && !over.has(s.uuid)) this.#signal('client-logs', 'resolved', s.severity, s.uuid, s.uuid, 'logs under threshold', {}, now);
  }
}
