/**
 * The fleet's recent events (the original monitor's `recent_events`, docs/users.md "GET /api/status"):
 * a fixed ring of the last happenings worth reading in a status snapshot, fed by the bus: derived
 * status changes, commands issued and settled (not every intermediate stage), and alerts. Memory
 * only (a restart starts empty: the persisted history lives in /api/alerts and /api/commands).
 */
import type { BusEvent, EventBus } from './bus.ts';
import { isTerminal } from '../domain/command.types.ts';

export const RECENT_EVENTS = 50; // the original kept 100 in memory and served the last 50

export type RecentEvent =
  | { type: 'client-status'; at: number; clientUuid: string; status: string; previous: string | null; reasons: string[] }
  | { type: 'command'; at: number; clientUuid: string; commandId: string; action: string; status: string; error: string | null }
  | { type: 'alert'; at: number; clientUuid: string | null; kind: string; severity: string; message: string };

/** The event worth keeping for a bus event, or null (freshness, metrics, intermediate command stages). */
export function recentEventOf(e: BusEvent): RecentEvent | null {
  if (e.type === 'client-status') return { type: e.type, at: e.at, clientUuid: e.uuid, status: e.status, previous: e.previous, reasons: e.reasons };
  if (e.type === 'alert') return { type: e.type, at: e.at, clientUuid: e.uuid ?? null, kind: e.kind, severity: e.severity, message: e.message };
  if (e.type === 'command' && (e.from === null || isTerminal(e.to)))
    return { type: e.type, at: e.at, clientUuid: e.uuid, commandId: e.commandId, action: e.action, status: e.to, error: e.errorMessage ?? null };
  return null;
}

export class RecentEvents {
  readonly capacity: number;
  #ring: Array<RecentEvent | undefined>;
  #next = 0; // slot of the next event
  #off: () => void;

  constructor(bus: EventBus, capacity = RECENT_EVENTS) {
    this.capacity = capacity;
    this.#ring = new Array(capacity);
    this.#off = bus.on((e) => {
      const r = recentEventOf(e);
      if (!r) return;
      this.#ring[this.#next] = r;
      this.#next = (this.#next + 1) % capacity;
    });
  }

  /** Newest first, at most `limit`. */
  list(limit = this.capacity): RecentEvent[] {
    const out: RecentEvent[] = [];
    for (let i = 1; i <= this.capacity && out.length < limit; i++) {
      const r = this.#ring[(this.#next - i + this.capacity) % this.capacity];
      if (!r) break;
      out.push(r);
    }
    return out;
  }

  close(): void {
    this.#off();
  }
}
