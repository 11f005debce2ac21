/**
 * The supervisor's connectivity alerts and outage wiring (docs/clients-screens.md "Outage alerts"):
 * per-client offline alerts that settle first, one outage alert instead of many, and the OUTAGE
 * events that hold off crash recovery while a suspected outage explains a client's silence.
 */
import type { Actor } from 'xstate';
import { OFFLINE_ALERT_SETTLE_MS, OutageDetector } from './outage.ts';
import { DeadlineQueue } from './deadlines.ts';
import type { supervisorMachine } from './supervisor.machine.ts';
import { clientName, type ClientEvent, type ClientRecord } from '../domain/client.types.ts';
import type { EventBus } from '../lib/bus.ts';
import type { Clock } from '../lib/clock.ts';

/** What the alerts need from the supervisor: its clients, their actors' door, its story and the bus. */
export interface AlertsHost {
  clock: Clock;
  bus: EventBus;
  graceMs: number;
  story: Actor<typeof supervisorMachine>;
  has: (uuid: string) => boolean;
  connectivity: (uuid: string) => ClientRecord['connectivity'] | undefined;
  send: (uuid: string, event: ClientEvent) => void;
}

interface OfflineAlert {
  uuid: string;
  message: string;
  at: number;
}

export class SupervisorAlerts {
  #host: AlertsHost;
  #outage: OutageDetector;
  /**
   * Per-client offline alerts not shown yet: each waits OFFLINE_ALERT_SETTLE_MS after its own client
   * went offline (not after the first one of a wave), so an outage recognised meanwhile replaces it.
   * The map holds the offline time of the episode an alert belongs to.
   */
  #pendingOffline = new Map<string, number>();
  #offlineAlerts: DeadlineQueue<OfflineAlert>;
  /** Clients told that a suspected outage explains their silence (OUTAGE events); told again when it ends. */
  #held = new Set<string>();

  constructor(host: AlertsHost) {
    this.#host = host;
    this.#outage = new OutageDetector({ windowMs: host.graceMs });
    this.#offlineAlerts = new DeadlineQueue(host.clock, (p) => this.#offlineAlertDue(p));
  }

  get outageSuspected(): boolean {
    return this.#outage.active;
  }

  /** A client's connectivity changed (not while restoring); `online` counts the clients online now. */
  connectivityChanged(next: ClientRecord, before: string, now: number, online: number): void {
    if (next.connectivity === 'offline' && before === 'online') {
      const verdict = this.#outage.wentOffline(next.uuid, now, online);
      if (verdict === 'outage') {
        // The one outage alert replaces every per-client alert still waiting.
        this.#pendingOffline.clear();
        this.#offlineAlerts.clear();
        this.#host.story.send({ type: 'OUTAGE_SUSPECTED', at: now });
        this.alert('outage-suspected', 'critical', 'Broker or network outage suspected: most of the fleet went silent', undefined, now);
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
      if (this.#outage.cameOnline(next.uuid, online)) {
        this.#host.story.send({ type: 'OUTAGE_RESOLVED', at: now });
        this.alert('outage-resolved', 'info', 'The fleet is reporting again', undefined, now);
        this.#releaseOutage(now);
      }
      else if (!this.#outage.active) this.alert('client-online', 'info', `${clientName(next)} is back online`, next.uuid, now);
    }
  }

  alert(kind: string, severity: 'info' | 'warning' | 'critical', message: string, uuid: string | undefined, at: number): void {
    this.#host.bus.emit({ type: 'alert', kind, severity, message, uuid, at });
  }

  /** A removed client: its offline alert is not news, and no outage holds it any more. */
  forget(uuid: string): void {
    this.#pendingOffline.delete(uuid);
    this.#held.delete(uuid);
  }

  clear(): void {
    this.#offlineAlerts.clear();
    this.#pendingOffline.clear();
    this.#held.clear();
  }

  /**
   * Crash recovery holds off a client whose silence a suspected outage explains (docs/commands.md
   * "Crash auto-recovery"): told now, as an event, so its machine stays pure.
   */
  #holdForOutage(uuid: string, at: number): void {
    if (this.#held.has(uuid) || !this.#host.has(uuid)) return;
    this.#held.add(uuid);
    this.#host.send(uuid, { type: 'OUTAGE', at, suspected: true });
  }

  /** The outage is over: every client it held gets a fresh recovery grace from now. */
  #releaseOutage(at: number): void {
    const held = [...this.#held];
    this.#held.clear();
    for (const uuid of held) if (this.#host.has(uuid)) this.#host.send(uuid, { type: 'OUTAGE', at, suspected: false });
  }

  /** A per-client offline alert has settled: shown unless an outage replaced it or the client came back. */
  #offlineAlertDue(p: OfflineAlert): void {
    if (this.#pendingOffline.get(p.uuid) !== p.at) return; // came back (or a later episode owns the alert)
    this.#pendingOffline.delete(p.uuid);
    if (this.#outage.active || this.#host.connectivity(p.uuid) !== 'offline') return;
    this.alert('client-offline', 'warning', p.message, p.uuid, p.at);
  }
}
